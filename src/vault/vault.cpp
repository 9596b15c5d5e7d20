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
#include "store/database.h"
#include "store/schema.h"
#include "store/ids.h"
#include "folio/search.h"
#include "vault/agent_access.h"
#include "vault/check.h"
#include "vault/files.h"

namespace folio {
namespace fs = std::filesystem;

namespace {

UpgradeNotice& upgrade_notice() {
  static UpgradeNotice notice;
  return notice;
}

}  // namespace

void set_upgrade_notice(UpgradeNotice notice) { upgrade_notice() = std::move(notice); }

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
                "the vault header is " + std::string(bytes.size() < kHeaderSize ? "truncated" : "too long") +
                    " (" + std::to_string(bytes.size()) + " bytes, expected " +
                    std::to_string(kHeaderSize) + ")",
                "restore the vault folder from a backup");
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
    throw Error(Errc::not_found, "cannot find the default vault: HOME is not set",
                "give the vault folder with --vault PATH");
  }
  return fs::path(home) / ".local" / "share" / "folio";
}

bool Vault::exists(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / kHeaderName, ec);
}

Secret Vault::create(const fs::path& dir, const Secret& passphrase, const KdfParams& kdf) {
  if (!is_within_bounds(kdf)) {
    throw Error(Errc::invalid_argument, "KDF parameters out of bounds",
                "memory must be 8 KiB to 4 GiB in whole KiB, passes 1 to 64");
  }
  if (passphrase.empty()) throw Error(Errc::invalid_argument, "the passphrase is empty");
  std::error_code ec;
  if (exists(dir) || fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::already_exists, "a vault already exists in " + dir.string(),
                "use another folder with --vault, or remove the old vault first");
  }
  make_private_dir(dir);

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
    throw Error(Errc::corrupt, "the vault in " + dir.string() + " has lost its header",
                "restore the vault folder from a backup");
  }
  throw Error(Errc::not_found, "no vault in " + dir.string(),
              "create one with 'folio init', or point to yours with --vault PATH");
}

// Opens the database with the first of `keys` that fits (normally there is
// one; two only between the steps of a rekey) and upgrades its schema.
// Returns the index of the key that opened it.
std::pair<Database, std::size_t> open_database(const fs::path& dir, const std::vector<DataKey>& keys) {
  std::error_code ec;
  if (!fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::corrupt, "the vault database is missing from " + dir.string(),
                "restore the vault folder from a backup");
  }
  if (keys.empty()) {
    throw Error(Errc::corrupt, "the vault header has no data key for this passphrase: it is damaged",
                "restore the vault folder from a backup");
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
    if (from < 4) Search(db).rebuild_in_transaction();
  });
  return {std::move(db), which};
}

}  // namespace

Vault Vault::open(const fs::path& dir, const Secret& secret, SecretKind kind) {
  require_vault(dir);
  HeaderBytes header = read_header(dir);
  Unlocked u = kind == SecretKind::passphrase
                   ? open_header(header, SlotKind::passphrase, secret)
                   : open_header(header, SlotKind::recovery_code, canonical_recovery_code(secret));
  std::vector<DataKey> keys = open_data_slots(header, u.key);
  auto [db, which] = open_database(dir, keys);
  auto state = std::make_unique<State>(State{dir, std::move(u.key), std::move(keys[which].key),
                                             keys[which].slot, u.cost, std::move(db)});
  return Vault(std::move(state));
}

Vault Vault::open_with_data_keys(const fs::path& dir, std::vector<Secret> data_keys) {
  require_vault(dir);
  std::vector<DataKey> keys;
  for (Secret& k : data_keys) {
    if (k.size() != kDataKeySize) throw Error(Errc::internal, "a data key of the wrong size");
    keys.push_back(DataKey{std::move(k), 0});
  }
  auto [db, which] = open_database(dir, keys);
  auto state = std::make_unique<State>(State{dir, Secret(), std::move(keys[which].key), 0,
                                             KdfParams{}, std::move(db)});
  return Vault(std::move(state));
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

void require_vault_key(const Secret& vault_key, const char* what) {
  if (vault_key.empty()) {
    throw Error(Errc::refused, std::string(what) + " needs the passphrase, not the session agent's key",
                "run the command again with --no-agent");
  }
}

}  // namespace

void Vault::change_passphrase(const Secret& new_passphrase, const KdfParams& kdf) {
  require_vault_key(state_->vault_key, "changing the passphrase");
  if (new_passphrase.empty()) throw Error(Errc::invalid_argument, "the new passphrase is empty");
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
  if (!target) throw Error(Errc::refused, "the vault header has no free keyslot");
  seal_slot(header, *target, SlotKind::passphrase, kdf, new_passphrase, state_->vault_key);
  write_header(state_->dir, header);
  state_->cost = kdf;
}

void Vault::check() { check_database(state_->db, database_key(state_->data_key)); }

void Vault::rekey() {
  require_vault_key(state_->vault_key, "re-keying");
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
    throw Error(Errc::refused, "the vault header has no free keyslot for the new key");
  }
  seal_data_slot(header, *free_slot, state_->vault_key, data_key);
  write_header(state_->dir, header);
  // 3. The new file replaces the old one.
  if (::rename(fresh.c_str(), data.c_str()) != 0) throw_io("cannot replace " + data.string(), errno);
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

namespace {

// Overwrites a file in place with random bytes, syncs it, and unlinks it.
// Missing files are fine; a symbolic link is unlinked, its target left alone.
void overwrite_and_remove(const fs::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return;
    if (errno == ELOOP) {
      if (::unlink(file.c_str()) != 0) throw_io("cannot remove " + file.string(), errno);
      return;
    }
    throw_io("cannot overwrite " + file.string(), errno);
  }
  struct stat st {};
  std::vector<std::uint8_t> noise(1 << 20);
  random_bytes(noise.data(), noise.size());
  off_t size = ::fstat(fd, &st) == 0 ? st.st_size : 0;
  for (off_t done = 0; done < size;) {
    auto n = ::pwrite(fd, noise.data(), static_cast<std::size_t>(std::min<off_t>(size - done, 1 << 20)), done);
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      throw_io("cannot overwrite " + file.string(), err);
    }
    done += n;
  }
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw_io("cannot sync " + file.string(), err);
  if (::unlink(file.c_str()) != 0) throw_io("cannot remove " + file.string(), errno);
}

}  // namespace

void Vault::destroy(const fs::path& dir, const std::function<void()>& keys_gone) {
  const fs::path header_file = dir / kHeaderName;
  // The keys first, in place (not by rename), so the bytes that held them are
  // the ones overwritten, and before anything slower is done. A header behind
  // a symbolic link is followed, as Vault::open follows it.
  int fd = ::open(header_file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      throw Error(Errc::not_found, "no vault in " + dir.string(), "check the path given with --vault");
    }
    throw_io("cannot overwrite the vault header", errno);
  }
  HeaderBytes noise = random_header();
  ssize_t n = ::pwrite(fd, noise.data(), noise.size(), 0);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(noise.size()) || rc != 0) throw_io("cannot overwrite the vault header", err);
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

RecordKind Vault::record_kind(const std::string& id) {
  if (id.size() < kMinIdPrefix || id.size() > kIdLength) {
    throw Error(Errc::invalid_argument, "'" + id + "' is not a record id",
                "give an id as shown by folio, or at least its first 4 characters");
  }
  auto table = find_any_uid(state_->db, id);
  if (!table) throw Error(Errc::not_found, "no record with id '" + id + "'", "'folio list' and 'folio checklist show' show the ids");
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
