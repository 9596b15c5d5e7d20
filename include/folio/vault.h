// folio/vault.h: a vault is a folder holding a fixed-size header of keyslots
// and a SQLCipher database. See docs/FORMAT.md for every byte.
//
//   folio::Secret recovery = folio::Vault::create(dir, passphrase, folio::calibrate_kdf());
//   folio::Vault vault = folio::Vault::open(dir, passphrase);
//   folio::Journal journal = vault.journal();
//   journal.add({.title = "Day one", .body = "..."});
//
// Every call that fails throws folio::Error and leaves the files as they were.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "folio/backup.h"
#include "folio/checklist.h"
#include "folio/journal.h"
#include "folio/kdf.h"
#include "folio/search.h"
#include "folio/secret.h"

namespace folio {

class Database;
class Vault;
const Secret& vault_key_of(const Vault& vault);  // internal: for the session agent

// What the secret given to open() is.
enum class SecretKind { passphrase, recovery_code };

// Called, if set, when an open finds a vault of an older schema and is about
// to upgrade it (in one transaction, which for a large vault can take a
// while: the search index is rebuilt). For the command line's notice.
using UpgradeNotice = std::function<void(int from_version, int to_version)>;
void set_upgrade_notice(UpgradeNotice notice);

// Called, if set, while such an upgrade rebuilds the search index, as
// Search::rebuild calls its progress (records indexed of all, at most about
// 1000 times). For the command line's progress line.
void set_upgrade_progress(Progress progress);

// How a Vault shares its folder with other folio processes, and with other
// Vaults of this process: it holds a lock on the folder from open() to its
// destruction (docs/THREAT_MODEL.md, "Two folio commands at once").
enum class Access {
  read,       // shared: only reads records. Never writes a file to repair one.
  write,      // shared: changes records. SQLite's own write lock orders the
              // changes of two such commands; the folder lock keeps out what
              // SQLite cannot see: a new header, a database file replaced.
  exclusive,  // alone: changes the header or replaces the database (passwd,
              // rekey, rm --shred). Waits until no other Vault is open.
};

// How long an open waits for the lock when another command holds it, and
// what to call once when it starts to wait (the command line says so on
// stderr). After `limit`, Error(io) "the vault is busy". Default 30 s.
struct LockWait {
  std::chrono::milliseconds limit{30000};
  std::function<void()> notice;
};
void set_lock_wait(LockWait wait);

class Vault {
 public:
  // $FOLIO_VAULT if set, else $XDG_DATA_HOME/folio, else ~/.local/share/folio.
  static std::filesystem::path default_path();

  // True if `dir` holds a vault header (it may still be damaged).
  static bool exists(const std::filesystem::path& dir);

  // Creates a vault in `dir` (made 0700 if missing; it must not hold a vault)
  // with one passphrase keyslot and one recovery-code keyslot, both under `kdf`.
  // Returns the recovery code in its printable form ("ABCD-EFGH-...").
  // Error(already_exists), Error(invalid_argument) for KDF parameters out of
  // bounds, Error(io). On failure nothing is left behind.
  static Secret create(const std::filesystem::path& dir, const Secret& passphrase,
                       const KdfParams& kdf);

  // Opens the vault with a passphrase or the recovery code (any form the user
  // may type: case, spaces and dashes do not matter). Costs one KDF run per
  // keyslot of that kind, the same whether or not the secret is right.
  // The folder lock for `access` is taken first, so the header read and the
  // KDF run happen under it (Error(io) "busy" after the wait of
  // set_lock_wait). An open for write or exclusive access that finds what a
  // crash left (an interrupted rekey's copy and its data-key slot, a
  // header.tmp) and can have the folder alone without waiting cleans it up
  // first; see docs/FORMAT.md, "Interrupted changes".
  // Error(not_found) when there is no vault, Error(wrong_passphrase),
  // Error(corrupt), Error(unsupported_version).
  static Vault open(const std::filesystem::path& dir, const Secret& secret,
                    SecretKind kind = SecretKind::passphrase, Access access = Access::write);

  // Opens the vault with data keys handed over by the session agent
  // (folio/agent.h), without a KDF run. `data_keys` is called once the lock
  // is held, so a rekey cannot come between the agent's answer and the
  // open; nullopt from it (no agent) makes this return nullopt, the lock
  // released. Such a Vault cannot change the passphrase or rekey: those
  // need the passphrase (Error(refused)). Error(not_found), Error(corrupt)
  // as open().
  static std::optional<Vault> open_with_data_keys(
      const std::filesystem::path& dir, const std::function<std::optional<std::vector<Secret>>()>& data_keys,
      Access access = Access::write);
  static Vault open_with_data_keys(const std::filesystem::path& dir, std::vector<Secret> data_keys,
                                   Access access = Access::write);

  Vault(Vault&&) noexcept;
  Vault& operator=(Vault&&) noexcept;
  ~Vault();

  // Replaces every passphrase keyslot with one for `new_passphrase`, keeping
  // the recovery code and the data key: the database is not touched. The new
  // header is written to a temporary file, synced, and renamed over the old.
  // Needs a Vault opened for Access::exclusive (Error(internal) otherwise).
  void change_passphrase(const Secret& new_passphrase, const KdfParams& kdf);

  // Re-wraps the vault key in the recovery-code keyslot at cost `kdf`, under
  // the same `recovery_code` (in any form open() takes): the code does not
  // change, only the cost of trying one. The code is not stored, so it must
  // be given; it is checked first: the slot it opens must hold this vault's
  // key, else Error(wrong_passphrase) (Error(invalid_argument) if it is not
  // shaped like a code) and the header is unchanged. Costs one KDF run at
  // the old cost and one at the new. Written as change_passphrase writes.
  // Needs a Vault opened for Access::exclusive (Error(internal) otherwise)
  // with a secret (Error(refused) for one opened with the agent's keys).
  void change_recovery_kdf(const Secret& recovery_code, const KdfParams& kdf);

  // The cost of the recovery-code keyslot, as the header says (a slot's
  // parameters need no secret to read); nullopt if it has none.
  std::optional<KdfParams> recovery_kdf() const;

  // Re-encrypts the database under a new random data key and destroys the
  // old one: sqlcipher_export into a new file, synced; the header gets the new
  // data-key slot; the new file is renamed over the old; the old data-key slot
  // is overwritten. A crash at any step leaves a vault that opens (with the
  // old or the new key). Afterwards no key the header yields decrypts a copy
  // of the old database file. Passphrase and recovery code are unchanged.
  // Needs a Vault opened for Access::exclusive (Error(internal) otherwise).
  // Error(io) (e.g. no room for the copy).
  void rekey();

  // Destroys the vault at `dir` without any secret: first every keyslot is
  // overwritten with random bytes in place and synced, so nothing is readable
  // from then on; `keys_gone` is called at that point; then the database and
  // its side files are overwritten, synced and removed, and the folder too.
  // Works while another folio process has the vault open, and takes no lock:
  // it never waits for one. Error(not_found)
  // if there is no vault header at `dir`; Error(io) if a later step fails
  // (the keys are gone by then).
  static void destroy(const std::filesystem::path& dir, const std::function<void()>& keys_gone = {});

  // Reads and authenticates every page of the database, free pages too,
  // checks that the file holds exactly the pages its header records, and
  // checks its structure (SQLite's integrity_check). Error(corrupt) naming
  // the first problem; returns normally when the vault is whole. It cannot
  // see an older copy of the whole file, or of one page at its own place
  // (docs/THREAT_MODEL.md). Every open already checks the file's size.
  void check();

  // The cost of the keyslot that opened this vault.
  const KdfParams& kdf() const noexcept;

  const std::filesystem::path& path() const noexcept;

  // What kind of record `id` (or a unique prefix of it) names: an entry, a
  // checklist, an item or an attachment. Error(not_found), or
  // Error(invalid_argument) when ambiguous.
  RecordKind record_kind(const std::string& id);
  // The checks of record_kind that need no vault (before the passphrase).
  static void check_record_id(const std::string& id);

  Journal journal();
  Checklists checklists();
  Search search();
  Backup backup();

 private:
  struct State;
  friend const Secret& vault_key_of(const Vault& vault);
  explicit Vault(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace folio
