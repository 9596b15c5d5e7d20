// folio/backup.h: backups of a whole vault as age v1 files, and the payload
// inside them: versioned JSON Lines, one record a line (docs/FORMAT.md,
// "Backups").
//
//   folio::FdSink out(fd);
//   vault.backup().export_to(out, {.recipients = {"age1..."}});
//
//   folio::FdSource in(fd);
//   folio::ImportReport r = vault.backup().import_from(in, {.identities = &key_file});
//
// Everything streams: memory does not grow with the size of the vault or of
// the backup (attachments go through in 48 KiB pieces; what grows is a map of
// the record ids seen, some tens of bytes a record).
//
// Errors (folio::Error), with nothing written to the vault:
//   wrong_passphrase     no stanza of the age file opens with the keys given
//   corrupt              a damaged, truncated or altered backup, or an age
//                        file that is not a folio backup
//   unsupported_version  a payload version newer than kBackupVersion
//   invalid_argument     a malformed recipient or identity; a passphrase
//                        together with recipients
//   refused              an age scrypt work factor above the bound given; an
//                        entry body, item notes or checklist description
//                        over kMaxTextBytes (folio/limits.h), which no
//                        folio export writes
//   io                   the sink or source failed (e.g. a full disk)
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "folio/checklist.h"
#include "folio/kdf.h"
#include "folio/secret.h"

namespace folio {

class Database;

// The payload's format name and version (its first line).
inline constexpr char kBackupFormat[] = "folio-backup";
inline constexpr int kBackupVersion = 1;

// Where a backup's bytes go and come from.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
};
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to out.size() bytes; 0 only at the end of the input.
  virtual std::size_t read(std::span<std::uint8_t> out) = 0;
};

// A file descriptor as a sink or source (not owned, not closed). Error(io),
// with a hint on ENOSPC.
class FdSink : public ByteSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  void write(std::span<const std::uint8_t> bytes) override;

 private:
  int fd_;
};
class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  std::size_t read(std::span<std::uint8_t> out) override;

 private:
  int fd_;
};

// How many records of each kind (written, added, unchanged...).
struct RecordCounts {
  std::size_t entries = 0;
  std::size_t checklists = 0;
  std::size_t items = 0;
  std::size_t links = 0;  // entry-item links
  std::size_t templates = 0;
  std::size_t attachments = 0;
  std::uint64_t attachment_bytes = 0;
  std::size_t total() const {
    return entries + checklists + items + links + templates + attachments;
  }
};

// A record of the backup whose id (or template name) the vault already uses
// for different content. Both versions are kept: the vault's own untouched,
// the backup's under `kept_as` (a new id; for checklists and templates also a
// new name, "NAME (from backup ID)"). A checklist added under another name
// because its name was taken is reported here too, with kept_as its own id.
struct ImportConflict {
  std::string kind;     // "entry", "checklist", "item", "attachment", "template"
  std::string id;       // the backup's id (a template: its name)
  std::string kept_as;  // the id (or template name) the backup's version now has
  std::string name;     // the record's title or name, for the report
  std::string reason;
};

// An attachment whose name in the backup was not a plain file name (a '/',
// "..", a line break, a NUL, a control or bidi character, over
// kMaxFileNameBytes): it is imported, under the name safe_file_name gives
// (folio/text.h), rather than refusing the whole backup.
struct ImportRenamed {
  std::string id;         // the attachment's id in the backup
  std::string name;       // its name as the backup holds it (any bytes)
  std::string stored_as;  // the name it has in the vault
};

struct ImportReport {
  std::string backup_folio_version;  // of the folio that wrote the backup
  std::string backup_created;        // "2026-11-23T13:05:00Z"
  RecordCounts in_backup;
  RecordCounts added;      // new records, with their own ids
  RecordCounts unchanged;  // already in the vault as they are
  std::vector<ImportConflict> conflicts;
  std::vector<ImportRenamed> renamed;
  bool dry_run = false;  // true: nothing was written
};

// The age recipients of a new backup: X25519 recipients ("age1..."), or a
// passphrase (the scrypt stanza, which age allows only alone).
struct BackupRecipients {
  std::vector<std::string> recipients;
  const Secret* passphrase = nullptr;
  unsigned work_factor = 18;  // scrypt log2(N)
  bool armor = false;         // ASCII armor
};

// What may open a backup: the text of age identity files (AGE-SECRET-KEY-1
// lines, '#' comments), or a passphrase.
struct BackupKeys {
  const Secret* identities = nullptr;
  const Secret* passphrase = nullptr;
  unsigned max_work_factor = 22;  // refuse costlier scrypt stanzas
  // Neither given: asked for only once the header shows a passphrase
  // (scrypt) stanza. A backup encrypted to public keys is then refused
  // (Error(wrong_passphrase), "give the identity file") before anything is asked.
  std::function<Secret()> ask_passphrase;
};

// An age backup whose header has been read and checked and whose file key is
// unwrapped: the keys were right. Its payload is read by import_from or
// restore_backup, once. Lets a command check the backup's keys before it
// asks for anything else (the vault's passphrase, a new one).
class OpenedBackup {
 public:
  // Error(wrong_passphrase), Error(corrupt)... as import_from.
  OpenedBackup(ByteSource& in, const BackupKeys& keys);
  ~OpenedBackup();
  OpenedBackup(const OpenedBackup&) = delete;
  OpenedBackup& operator=(const OpenedBackup&) = delete;
  // The authenticated payload.
  ByteSource& payload();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct ImportOptions {
  bool dry_run = false;  // do everything, then roll back
};

// A view over an open vault's database, like Journal.
class Backup {
 public:
  explicit Backup(Database& db) : db_(&db) {}

  // Writes the plaintext payload (JSON Lines) of the whole vault to `out`,
  // from one consistent snapshot. `progress` gets attachment bytes. Each
  // attachment is checked against its stored hash on the way:
  // Error(corrupt) if one is damaged. Returns what was written.
  RecordCounts write_payload(ByteSink& out, const Progress& progress = {}) const;

  // The payload, encrypted to `to` as an age v1 file.
  RecordCounts export_to(ByteSink& out, const BackupRecipients& to,
                         const Progress& progress = {}) const;

  // Merges a plaintext payload into the vault in one transaction, reading
  // and checking it as it goes; any error rolls everything back. Records keep
  // their ids; see ImportReport and ImportConflict for what happens to each.
  ImportReport read_payload(ByteSource& in, const ImportOptions& options = {});

  // The same from an age file: its header is checked and its file key
  // unwrapped before anything is written; every chunk is authenticated
  // before its records are used, and the end of the file must be the sealed
  // last chunk, so a truncated or altered backup is rolled back whole.
  ImportReport import_from(ByteSource& in, const BackupKeys& keys,
                           const ImportOptions& options = {});
  ImportReport import_from(OpenedBackup& backup, const ImportOptions& options = {});

  // A readable Markdown document of the vault (entries, checklists, items,
  // attachment names), not encrypted. With `attachments_dir`, attachments
  // are extracted there (created 0700, files 0600) and linked; a file of the
  // same name (an earlier export) is an error unless `replace_files`. If the
  // document fails, the files this call extracted are removed.
  void write_markdown(ByteSink& out, const std::filesystem::path& attachments_dir = {},
                      bool replace_files = false) const;

 private:
  Database* db_;
};

// A new vault at `dir` holding what the backup holds. `dir` must be absent
// or an empty folder (Error(already_exists) otherwise). The age header is
// opened first (a wrong key creates nothing); the vault is then made and
// filled in a hidden folder beside `dir` (".NAME.folio-restore-PID-XXXXXX",
// 0700) and renamed onto `dir` only when complete, so `dir` is never a
// partial vault. On any error that folder is destroyed; one left by a killed
// restore is destroyed by the next restore to `dir` (once its process is
// gone).
struct Restored {
  Secret recovery_code;  // of the new vault, printable
  ImportReport report;
  // Folders of earlier, killed restores to `dir`: destroyed, or left alone
  // because their process still runs (or they could not be removed).
  std::vector<std::filesystem::path> leftovers_removed, leftovers_left_alone;
};
// restore_backup's checks of `dir`, creating nothing: for refusing before
// any passphrase is asked. Error(already_exists), Error(invalid_argument).
void check_restore_target(const std::filesystem::path& dir);
Restored restore_backup(const std::filesystem::path& dir, const Secret& passphrase,
                        const KdfParams& kdf, ByteSource& in, const BackupKeys& keys);
// The same from a backup already opened (its keys checked first, so that the
// new vault's passphrase is asked for only once they are known to be right).
Restored restore_backup(const std::filesystem::path& dir, const Secret& passphrase,
                        const KdfParams& kdf, OpenedBackup& backup);

}  // namespace folio
