// What export, import, restore and keygen share: the backup passphrase
// options, key files, the output file written beside its target and renamed,
// progress while reading, and the import report.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "folio/backup.h"
#include "folio/secret.h"

namespace folio::cli {

// --backup-passphrase-fd / --backup-passphrase-file, else the terminal.
struct BackupPassphraseOptions {
  std::optional<int> fd;
  std::string file;
  void add_to(CLI::App& cmd);
  bool given() const { return fd.has_value() || !file.empty(); }
  // For reading a backup: one prompt.
  Secret read() const;
  // For a new backup: asked twice on a terminal; strength shown; a weak one
  // refused unless allow_weak.
  Secret read_new(bool allow_weak) const;
};

// A small file holding keys (an identity file), read straight into secure
// memory. Error(not_found), Error(io), Error(invalid_argument) if too large.
Secret read_key_file(const std::string& path);

// Temporary files of folio's outputs are TARGET.folio-PID-XXXXXX (0600),
// beside TARGET: the pid is there so that a later run can tell the file of a
// killed export or extract from that of one still running.
//
// Removes (overwritten with zeros first: an extract's holds plaintext) the
// temporary files in `dir` whose process is gone: those of `name` only, or
// with `name` empty every one. Notes each on stderr; never throws.
void remove_stale_temps(const std::filesystem::path& dir, const std::string& name = {});

// A new temporary file for `target` (0600, O_CLOEXEC), the stale ones of
// `target` removed first. Sets `temp` to its path. Error(io).
int create_temp_beside(const std::filesystem::path& target, std::string& temp);

// A new file written under a temporary name in the same folder (0600) and
// moved to `target` only when complete: link() without --force (so a file
// that appeared meanwhile is not replaced), rename() with it. The temporary
// file is removed on any failure, a full disk included.
class OutputFile {
 public:
  // Whether the command lets the user replace an existing file: its message
  // for one names --force only if it does.
  enum class Replace { with_force, never };
  // Error(already_exists) if `target` exists and !force; Error(io).
  OutputFile(std::filesystem::path target, bool force, Replace replace = Replace::with_force);
  // The constructor's checks alone, creating nothing: for refusing an
  // existing file before a prompt, where a Ctrl-C exits on the spot.
  static void check(const std::filesystem::path& target, bool force, Replace replace = Replace::with_force);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  int fd() const { return fd_; }
  // fsync, move into place, fsync the folder.
  void commit();

 private:
  std::filesystem::path target_;
  std::string temp_;
  bool force_;
  Replace replace_;
  int fd_ = -1;
};

// While it lives, SIGINT, SIGTERM and SIGHUP only set a flag, and writes
// through an InterruptibleSink then throw Error(cancelled): the stack
// unwinds, so an OutputFile removes its temporary file. The previous
// handlers come back when it dies.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  static bool interrupted();
};

class InterruptibleSink : public ByteSink {
 public:
  explicit InterruptibleSink(ByteSink& out) : out_(out) {}
  void write(std::span<const std::uint8_t> bytes) override;

 private:
  ByteSink& out_;
};

// Counts the bytes read through it and reports them to a progress bar. Under
// an InterruptGuard, a read after a Ctrl-C throws Error(cancelled), so that an
// import rolls back and a restore removes the vault it was making.
class ProgressSource : public ByteSource {
 public:
  ProgressSource(ByteSource& in, std::uint64_t total, Progress progress)
      : in_(in), total_(total), progress_(std::move(progress)) {}
  std::size_t read(std::span<std::uint8_t> out) override;

 private:
  ByteSource& in_;
  std::uint64_t total_, done_ = 0, shown_ = 0;
  Progress progress_;
};

// The backup to read: standard input for "-", else the file. Error(not_found).
int open_backup_input(const std::string& path);

// open_backup_input's descriptor, closed when this goes (standard input stays open).
class BackupInput {
 public:
  explicit BackupInput(const std::string& path) : fd_(open_backup_input(path)) {}
  ~BackupInput();
  BackupInput(const BackupInput&) = delete;
  BackupInput& operator=(const BackupInput&) = delete;
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};
std::uint64_t input_size(int fd);  // 0 when unknown (a pipe)

void print_import_report(const ImportReport& r, bool json);

// "2 entries, 1 checklist, 13 items" (kinds with zero left out; "nothing").
std::string counts_text(const RecordCounts& c);

}  // namespace folio::cli
