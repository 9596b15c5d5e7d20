#include "folio/vault.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "crypto/keyslot.h"
#include "crypto/recovery.h"
#include "folio/error.h"
#include "store/database.h"
#include "store/schema.h"
#include "folio/search.h"
#include "vault/files.h"

namespace folio {
namespace fs = std::filesystem;

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

Vault Vault::open(const fs::path& dir, const Secret& secret, SecretKind kind) {
  std::error_code ec;
  if (!exists(dir)) {
    if (fs::exists(dir / kDataName, ec)) {
      throw Error(Errc::corrupt, "the vault in " + dir.string() + " has lost its header",
                  "restore the vault folder from a backup");
    }
    throw Error(Errc::not_found, "no vault in " + dir.string(),
                "create one with 'folio init', or point to yours with --vault PATH");
  }
  HeaderBytes header = read_header(dir);
  Unlocked u = kind == SecretKind::passphrase
                   ? open_header(header, SlotKind::passphrase, secret)
                   : open_header(header, SlotKind::recovery_code, canonical_recovery_code(secret));
  if (!fs::exists(dir / kDataName, ec)) {
    throw Error(Errc::corrupt, "the vault database is missing from " + dir.string(),
                "restore the vault folder from a backup");
  }
  // Normally one data-key slot; two only between the steps of a rekey, when
  // either may be the one that opens the database.
  std::vector<DataKey> keys = open_data_slots(header, u.key);
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
    if (from < 3) Search(db).rebuild_in_transaction();
  });
  auto state = std::make_unique<State>(State{dir, std::move(u.key), std::move(keys[which].key),
                                             keys[which].slot, u.cost, std::move(db)});
  return Vault(std::move(state));
}

void Vault::change_passphrase(const Secret& new_passphrase, const KdfParams& kdf) {
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

void Vault::check() {
  std::string result = state_->db.query_text("PRAGMA integrity_check(1)");
  if (result != "ok") {
    // integrity_check reports "*** in database main ***\nPage N: ...": keep one line.
    const std::string prefix = "*** in database main ***";
    if (result.rfind(prefix, 0) == 0) result.erase(0, prefix.size());
    for (char& c : result) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    result.erase(0, result.find_first_not_of(' '));
    throw Error(Errc::corrupt, "the vault database is damaged (" + result + ")",
                "restore the vault folder from a backup");
  }
}

const KdfParams& Vault::kdf() const noexcept { return state_->cost; }

const fs::path& Vault::path() const noexcept { return state_->dir; }

Journal Vault::journal() { return Journal(state_->db); }

Checklists Vault::checklists() { return Checklists(state_->db); }

Search Vault::search() { return Search(state_->db); }

}  // namespace folio
