#include "folio/vault.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "crypto/keyslot.h"
#include "crypto/recovery.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "store/database.h"
#include "store/schema.h"
#include "store/ids.h"
#include "folio/search.h"
#include "vault/agent_access.h"
#include "vault/check.h"
#include "vault/files.h"
#include "vault/lock.h"

namespace folio {
namespace fs = std::filesystem;

namespace {

UpgradeNotice& upgrade_notice() {
  static UpgradeNotice notice;
  return notice;
}

Progress& upgrade_progress() {
  static Progress progress;
  return progress;
}

}  // namespace

void set_upgrade_notice(UpgradeNotice notice) { upgrade_notice() = std::move(notice); }
void set_upgrade_progress(Progress progress) { upgrade_progress() = std::move(progress); }

namespace {

constexpr char kHeaderName[] = "header";
constexpr char kDataName[] = "data";

constexpr std::size_t kPassphraseSlot = 0;
constexpr std::size_t kRecoverySlot = 1;
constexpr std::size_t kDataSlot = 2;

HeaderBytes read_header(const fs::path& dir) {
  auto bytes = read_file(dir / kHeaderName, kHeaderSize);
  if (bytes.size() != kHeaderSize) {
    throw Error(Errc::corrupt,
                bytes.size() < kHeaderSize
                    ? trf("the vault header is truncated ({0} bytes, expected {1})", bytes.size(), kHeaderSize)
                    : trf("the vault header is too long ({0} bytes, expected {1})", bytes.size(), kHeaderSize),
                tr("restore the vault folder from a backup"));
  }
  HeaderBytes h;
  std::memcpy(h.data(), bytes.data(), h.size());
  wipe(bytes.data(), bytes.size());
  return h;
}

void write_header(const fs::path& dir, const HeaderBytes& h) {
  replace_file(dir / kHeaderName, std::span<const std::uint8_t>(h.data(), h.size()));
}

}  // namespace

struct Vault::State {
  // First, so it is released last: after the database is closed.
  VaultLock lock;
  Access access;
  fs::path dir;
  Secret vault_key;
  Secret data_key;
  std::size_t data_slot = 0;
  KdfParams cost;
  Database db;
};

Vault::Vault(std::unique_ptr<State> state) : state_(std::move(state)) {}
Vault::Vault(Vault&&) noexcept = default;
Vault& Vault::operator=(Vault&&) noexcept = default;
Vault::~Vault() = default;

fs::path Vault::default_path() {
  if (const char* v = std::getenv("FOLIO_VAULT"); v != nullptr && *v != '\0') return v;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x == '/') {
    return fs::path(x) / "folio";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    throw Error(Errc::not_found, tr("cannot find the default vault: HOME is not set"),
                tr("give the vault folder with --vault PATH"));
  }
  return fs::path(home) / ".local" / "share" / "folio";
}

bool Vault::exists(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / kHeaderName, ec);
}

Secret Vault::create(const fs::path& dir, const Secret& passphrase, const KdfParams& kdf) {
  if (!is_within_bounds(kdf)) {
    throw Error(Errc::invalid_argument, tr("KDF parameters out of bounds"),
                tr("memory must be 8 KiB to 4 GiB in whole KiB, passes 1 to 64"));
  }
  if (passphrase.empty()) throw Error(Errc::invalid_argument, tr("the passphrase is empty"));
  std::error_code ec;
  if (exists(dir) || fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::already_exists, trf("a vault already exists in {0}", dir),
                tr("use another folder with --vault, or remove the old vault first"));
  }
  make_private_dir(dir);
  // Alone in the folder until the header is written, so two inits (or a
  // restore) into one folder cannot both make a vault there.
  VaultLock lock = VaultLock::acquire(dir, VaultLock::Mode::exclusive);
  if (exists(dir) || fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::already_exists, trf("a vault already exists in {0}", dir),
                tr("use another folder with --vault, or remove the old vault first"));
  }

  Secret vault_key(kDataKeySize);
  random_bytes(vault_key.data(), vault_key.size());
  Secret data_key(kDataKeySize);
  random_bytes(data_key.data(), data_key.size());
  Secret recovery = make_recovery_code();

  HeaderBytes header = random_header();
  seal_slot(header, kPassphraseSlot, SlotKind::passphrase, kdf, passphrase, vault_key);
  seal_slot(header, kRecoverySlot, SlotKind::recovery_code, kdf,
            canonical_recovery_code(recovery), vault_key);
  seal_data_slot(header, kDataSlot, vault_key, data_key);

  // The database first, the header last: a header means a complete vault.
  const fs::path data = dir / kDataName;
  try {
    Database db = Database::open(data, database_key(data_key), Database::Mode::create_new);
    ::chmod(data.c_str(), 0600);
    create_schema(db);
  } catch (...) {
    fs::remove(data, ec);
    fs::remove(dir / (std::string(kDataName) + "-journal"), ec);
    throw;
  }
  try {
    write_header(dir, header);
  } catch (...) {
    fs::remove(data, ec);
    throw;
  }
  return recovery;
}

namespace {

void require_vault(const fs::path& dir) {
  std::error_code ec;
  if (Vault::exists(dir)) return;
  if (fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::corrupt, trf("the vault in {0} has lost its header", dir),
                tr("restore the vault folder from a backup"));
  }
  throw Error(Errc::not_found, trf("no vault in {0}", dir),
              tr("create one with 'folio init', or point to yours with --vault PATH"));
}

// Opens the database with the first of `keys` that fits (normally there is
// one; two only between the steps of a rekey) and upgrades its schema.
// Returns the index of the key that opened it.
std::pair<Database, std::size_t> open_database(const fs::path& dir, const std::vector<DataKey>& keys) {
  std::error_code ec;
  if (!fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::corrupt, trf("the vault database is missing from {0}", dir),
                tr("restore the vault folder from a backup"));
  }
  if (keys.empty()) {
    throw Error(Errc::corrupt, tr("the vault header has no data key for this passphrase: it is damaged"),
                tr("restore the vault folder from a backup"));
  }
  std::optional<Database> opened;
  std::size_t which = 0;
  for (std::size_t k = 0; k < keys.size() && !opened; ++k) {
    try {
      opened.emplace(Database::open(dir / kDataName, database_key(keys[k].key), Database::Mode::open_existing));
      which = k;
    } catch (const Error& e) {
      if (e.code() != Errc::corrupt || k + 1 == keys.size()) throw;
    }
  }
  Database db = std::move(*opened);
  check_schema(db, [&db](int from) {
    if (const UpgradeNotice& notice = upgrade_notice()) notice(from, kSchemaVersion);
    if (from < 5) Search(db).rebuild_in_transaction(upgrade_progress());
  });
  return {std::move(db), which};
}

}  // namespace

namespace {

// What an interrupted change leaves in the folder. data.rekey (and its
// journal): rekey's copy under a new key, from a rekey killed before its
// rename, or a full disk's rm --shred. header.tmp: a new header, with
// keyslots in it, from a passwd or rekey killed before its rename.
// (data-journal is not one: it is SQLite's, and SQLite rolls it back.)
constexpr const char* kLeftovers[] = {"data.rekey-journal", "data.rekey", "header.tmp"};

std::size_t data_key_slot_count(const HeaderBytes& header) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(header, i);
    if (sp && sp->kind == static_cast<std::uint8_t>(SlotKind::data_key)) ++n;
  }
  return n;
}

// Whether the folder shows a leftover, without any key and without a lock:
// a hint only (it decides whether an open tries for the exclusive lock);
// the clean-up itself looks again under that lock. More than one data-key
// slot is one too when `slots` (which takes the vault key to clear): a rekey
// interrupted after its header was written, before or after its rename.
bool shows_leftovers(const fs::path& dir, bool slots) {
  struct stat st {};
  for (const char* name : kLeftovers) {
    if (::lstat((dir / name).c_str(), &st) == 0) return true;
  }
  if (!slots) return false;
  try {
    return data_key_slot_count(read_header(dir)) > 1;
  } catch (const Error&) {
    return false;  // the open itself will say what is wrong
  }
}

// Removes what an interrupted change left. Only under the exclusive lock:
// every passwd and rekey holds it, so none is running, and these files are
// no one's. An interrupted rekey is rolled back or finished by what the
// live `data` opens with: every data-key slot whose key is not that one
// (`live`, a slot number; none for a Vault of the agent, which has no vault
// key to rewrite the header) is cleared. Before the rename that is the new
// key, whose copy is removed here: the rekey did not happen. After it, the
// old key: the rekey is finished. A header filled by such slots (an older
// folio kept one after every crash) is emptied of them the same way.
void clean_up(const fs::path& dir, HeaderBytes& header, const std::vector<DataKey>& keys,
              std::optional<std::size_t> live) {
  bool removed = false;
  struct stat st {};
  for (const char* name : kLeftovers) {
    if (::lstat((dir / name).c_str(), &st) != 0) continue;
    overwrite_and_remove(dir / name);
    removed = true;
  }
  if (removed) fsync_dir(dir);
  if (!live) return;
  bool cleared = false;
  for (const DataKey& k : keys) {
    if (k.slot != *live) {
      clear_slot(header, k.slot);
      cleared = true;
    }
  }
  if (cleared) write_header(dir, header);
}

// The lock an open takes. Read: shared, never a clean-up. Exclusive: waits
// for it, and cleans up. Write: shared, but when the folder shows a
// leftover it first tries for the exclusive lock without waiting: a writer
// that finds the folder free cleans up (and then goes back to shared, for
// it may sit in the editor), one that does not leaves it for the next.
// Every state a crash leaves opens as it is (open_database tries each key),
// so leaving it costs nothing but the space.
struct Locked {
  VaultLock lock;
  bool clean_up;
};

Locked lock_for(const fs::path& dir, Access access, bool slots, bool first_round) {
  if (access == Access::exclusive) return {VaultLock::acquire(dir, VaultLock::Mode::exclusive), first_round};
  if (access == Access::write && first_round && shows_leftovers(dir, slots)) {
    if (auto lock = VaultLock::try_acquire(dir, VaultLock::Mode::exclusive)) return {std::move(*lock), true};
  }
  return {VaultLock::acquire(dir, VaultLock::Mode::shared), false};
}

// A clean-up that fails (a leftover that cannot be removed, a read-only
// medium) does not fail the open: the vault opens as it is, and the
// leftover waits for a later writer. Only one round tries.
void try_clean_up(const fs::path& dir, HeaderBytes& header, const std::vector<DataKey>& keys,
                  std::optional<std::size_t> live) {
  try {
    clean_up(dir, header, keys, live);
  } catch (const Error&) {
  }
}

Unlocked unlock_header(const HeaderBytes& header, const Secret& secret, SecretKind kind) {
  return kind == SecretKind::passphrase
             ? open_header(header, SlotKind::passphrase, secret)
             : open_header(header, SlotKind::recovery_code, canonical_recovery_code(secret));
}

}  // namespace

Vault Vault::open(const fs::path& dir, const Secret& secret, SecretKind kind, Access access) {
  require_vault(dir);
  std::optional<Unlocked> u;
  for (bool first = true;; first = false) {
    Locked locked = lock_for(dir, access, /*slots=*/true, first);
    require_vault(dir);  // it may have gone while we waited
    HeaderBytes header = read_header(dir);
    // The KDF runs once: a second round (below) has the vault key already,
    // unless the header changed so much that it no longer opens with it.
    std::vector<DataKey> keys;
    if (u) keys = open_data_slots(header, u->key);
    if (keys.empty()) {
      u = unlock_header(header, secret, kind);
      keys = open_data_slots(header, u->key);
    }
    auto [db, which] = open_database(dir, keys);
    if (locked.clean_up) {
      try_clean_up(dir, header, keys, keys[which].slot);
      if (access != Access::exclusive) continue;  // once more, shared: see lock_for
    }
    auto state = std::make_unique<State>(State{std::move(locked.lock), access, dir, std::move(u->key),
                                               std::move(keys[which].key), keys[which].slot, u->cost,
                                               std::move(db)});
    return Vault(std::move(state));
  }
}

std::optional<Vault> Vault::open_with_data_keys(
    const fs::path& dir, const std::function<std::optional<std::vector<Secret>>()>& data_keys, Access access) {
  require_vault(dir);
  for (bool first = true;; first = false) {
    Locked locked = lock_for(dir, access, /*slots=*/false, first);
    require_vault(dir);
    std::optional<std::vector<Secret>> given = data_keys();
    if (!given) return std::nullopt;
    std::vector<DataKey> keys;
    for (Secret& k : *given) {
      if (k.size() != kDataKeySize) throw Error(Errc::internal, "a data key of the wrong size");
      keys.push_back(DataKey{std::move(k), 0});
    }
    auto [db, which] = open_database(dir, keys);
    if (locked.clean_up) {
      HeaderBytes unused{};
      try_clean_up(dir, unused, keys, std::nullopt);
      if (access != Access::exclusive) continue;
    }
    auto state = std::make_unique<State>(State{std::move(locked.lock), access, dir, Secret(),
                                               std::move(keys[which].key), 0, KdfParams{}, std::move(db)});
    return Vault(std::move(state));
  }
}

Vault Vault::open_with_data_keys(const fs::path& dir, std::vector<Secret> data_keys, Access access) {
  // Asked for again after a clean-up: the same keys, copied.
  auto given = [&]() -> std::optional<std::vector<Secret>> {
    std::vector<Secret> copy;
    for (const Secret& k : data_keys) {
      Secret c(k.size());
      std::memcpy(c.data(), k.data(), k.size());
      copy.push_back(std::move(c));
    }
    return copy;
  };
  return std::move(*open_with_data_keys(dir, given, access));
}

const Secret& vault_key_of(const Vault& vault) { return vault.state_->vault_key; }

std::vector<Secret> current_data_keys(const fs::path& dir, const Secret& vault_key) {
  require_vault(dir);
  HeaderBytes header = read_header(dir);
  std::vector<Secret> out;
  for (DataKey& k : open_data_slots(header, vault_key)) out.push_back(std::move(k.key));
  return out;
}

namespace {

// `message` is a whole sentence, translated only when it is needed.
void require_vault_key(const Secret& vault_key, const char* message) {
  if (vault_key.empty()) throw Error(Errc::refused, tr(message), tr("run the command again with --no-agent"));
}

// The header is read, changed and written back whole, and rekey replaces
// the database file: with another command in the folder, one of the two
// changes would be lost (or a record written to the old file).
void require_exclusive(Access access, const char* what) {
  if (access != Access::exclusive) {
    throw Error(Errc::internal, std::string(what) + " needs the vault opened for exclusive access");
  }
}

}  // namespace

void Vault::change_passphrase(const Secret& new_passphrase, const KdfParams& kdf) {
  require_vault_key(state_->vault_key, N_("changing the passphrase needs the passphrase, not the session agent's key"));
  require_exclusive(state_->access, "changing the passphrase");
  if (new_passphrase.empty()) throw Error(Errc::invalid_argument, tr("the new passphrase is empty"));
  HeaderBytes header = read_header(state_->dir);
  std::optional<std::size_t> target;
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(header, i);
    if (sp && sp->version == kFormatVersion &&
        sp->kind == static_cast<std::uint8_t>(SlotKind::passphrase)) {
      if (!target) target = i;
      clear_slot(header, i);  // every old passphrase slot goes
    }
  }
  if (!target) {
    for (std::size_t i = 0; i < kSlotCount && !target; ++i) {
      if (!read_slot(header, i)) target = i;
    }
  }
  if (!target) throw Error(Errc::refused, tr("the vault header has no free keyslot"));
  seal_slot(header, *target, SlotKind::passphrase, kdf, new_passphrase, state_->vault_key);
  write_header(state_->dir, header);
  state_->cost = kdf;
}

void Vault::change_recovery_kdf(const Secret& recovery_code, const KdfParams& kdf) {
  require_vault_key(state_->vault_key,
                    N_("changing the recovery code's cost needs the passphrase, not the session agent's key"));
  require_exclusive(state_->access, "changing the recovery code's cost");
  if (!is_within_bounds(kdf)) {
    throw Error(Errc::invalid_argument, tr("KDF parameters out of bounds"),
                tr("memory must be 8 KiB to 4 GiB in whole KiB, passes 1 to 64"));
  }
  Secret code = canonical_recovery_code(recovery_code);
  // Read under the exclusive lock this Vault holds: no passwd or rekey can
  // write a header between this read and the rename below.
  HeaderBytes header = read_header(state_->dir);
  Unlocked u = open_header(header, SlotKind::recovery_code, code);
  if (!u.key.equals(state_->vault_key)) {
    // A slot of another vault's header pasted in: it opens, but not this vault.
    throw Error(Errc::wrong_passphrase, tr("wrong recovery code (or the keyslot is damaged)"));
  }
  seal_slot(header, u.slot, SlotKind::recovery_code, kdf, code, state_->vault_key);
  write_header(state_->dir, header);
}

std::optional<KdfParams> Vault::recovery_kdf() const {
  HeaderBytes header = read_header(state_->dir);
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(header, i);
    if (sp && sp->version == kFormatVersion && sp->kind == static_cast<std::uint8_t>(SlotKind::recovery_code)) {
      return sp->cost;
    }
  }
  return std::nullopt;
}

void Vault::check() { check_database(state_->db, database_key(state_->data_key)); }

void Vault::rekey() {
  require_vault_key(state_->vault_key, N_("re-keying needs the passphrase, not the session agent's key"));
  require_exclusive(state_->access, "re-keying");
  const fs::path data = state_->dir / kDataName;
  const fs::path fresh = state_->dir / (std::string(kDataName) + ".rekey");
  Secret data_key(kDataKeySize);
  random_bytes(data_key.data(), data_key.size());

  // 1. The whole database, re-encrypted, in a new file (synced).
  try {
    state_->db.export_to(fresh, database_key(data_key));
  } catch (...) {
    std::error_code ec;
    fs::remove(fresh, ec);
    fs::remove(fs::path(fresh) += "-journal", ec);  // a full disk leaves SQLite's journal of the copy
    throw;
  }
  // 2. The header learns the new key; the old one stays until the swap.
  HeaderBytes header = read_header(state_->dir);
  std::optional<std::size_t> free_slot;
  for (std::size_t i = 0; i < kSlotCount && !free_slot; ++i) {
    if (!read_slot(header, i)) free_slot = i;
  }
  if (!free_slot) {
    std::error_code ec;
    fs::remove(fresh, ec);
    throw Error(Errc::refused, tr("the vault header has no free keyslot for the new key"));
  }
  seal_data_slot(header, *free_slot, state_->vault_key, data_key);
  write_header(state_->dir, header);
  // 3. The new file replaces the old one.
  if (::rename(fresh.c_str(), data.c_str()) != 0) throw_io(N_("cannot replace {0}"), data, errno);
  fsync_dir(state_->dir);
  state_->db = Database::open(data, database_key(data_key), Database::Mode::open_existing);
  // 4. Every other data-key slot is overwritten: the old key is gone.
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(header, i);
    if (i != *free_slot && sp && sp->kind == static_cast<std::uint8_t>(SlotKind::data_key)) {
      clear_slot(header, i);
    }
  }
  write_header(state_->dir, header);
  state_->data_key = std::move(data_key);
  state_->data_slot = *free_slot;
}

void Vault::destroy(const fs::path& dir, const std::function<void()>& keys_gone) {
  const fs::path header_file = dir / kHeaderName;
  // The keys first, in place (not by rename), so the bytes that held them are
  // the ones overwritten, and before anything slower is done. A header behind
  // a symbolic link is followed, as Vault::open follows it.
  int fd = ::open(header_file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      throw Error(Errc::not_found, trf("no vault in {0}", dir), tr("check the path given with --vault"));
    }
    const int err = errno;
    throw_io(tr("cannot overwrite the vault header"), err);
  }
  HeaderBytes noise = random_header();
  ssize_t n = ::pwrite(fd, noise.data(), noise.size(), 0);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(noise.size()) || rc != 0) throw_io(tr("cannot overwrite the vault header"), err);
  overwrite_and_remove(dir / "header.tmp");  // a passwd caught half-way holds keyslots too
  if (keys_gone) keys_gone();

  for (const char* name : {"data", "data-journal", "data-journal.damaged", "data-wal", "data-shm", "data.rekey",
                           "data.rekey-journal"}) {
    overwrite_and_remove(dir / name);
  }
  overwrite_and_remove(header_file);
  fsync_dir(dir);
  std::error_code ec;
  fs::remove(dir, ec);  // only if nothing else was put there
  if (!ec && dir.has_parent_path()) fsync_dir(dir.parent_path());
}

const KdfParams& Vault::kdf() const noexcept { return state_->cost; }

const fs::path& Vault::path() const noexcept { return state_->dir; }

void Vault::check_record_id(const std::string& id) {
  if (id.size() < kMinIdPrefix || id.size() > kIdLength) {
    throw Error(Errc::invalid_argument, trf("'{0}' is not a record id", id),
                tr("give an id as shown by folio, or at least its first 4 characters"));
  }
  if (!looks_like_id(id)) {
    throw Error(Errc::not_found, trf("no record with id '{0}'", id),
                tr("'folio list' and 'folio checklist show' show the ids"));
  }
}

RecordKind Vault::record_kind(const std::string& id) {
  check_record_id(id);
  auto table = find_any_uid(state_->db, id);
  if (!table) {
    throw Error(Errc::not_found, trf("no record with id '{0}'", id),
                tr("'folio list' and 'folio checklist show' show the ids"));
  }
  switch (*table) {
    case IdTable::entries: return RecordKind::entry;
    case IdTable::checklists: return RecordKind::checklist;
    case IdTable::items: return RecordKind::item;
    case IdTable::attachments: return RecordKind::attachment;
  }
  return RecordKind::entry;
}

Journal Vault::journal() { return Journal(state_->db); }

Checklists Vault::checklists() { return Checklists(state_->db); }

Search Vault::search() { return Search(state_->db); }

Backup Vault::backup() { return Backup(state_->db); }

}  // namespace folio
