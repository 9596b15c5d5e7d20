#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <string>

#include "crypto/keyslot.h"
#include "folio/kdf.h"
#include "folio/vault.h"
#include "store/database.h"
#include "vault/agent_access.h"
#include "vault/files.h"
#include "support.h"

using namespace folio;
namespace fs = std::filesystem;
using folio_test::draft;
using folio_test::error_code_of;
using folio_test::TempDir;

namespace {

constexpr KdfParams kCheap = kKdfCheapest;

const Secret& passphrase() {
  static const Secret p = Secret::from("correct horse battery staple");
  return p;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return static_cast<unsigned>(st.st_mode & 07777);
}

std::string lower_without_dashes(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A vault in a fresh temp folder, made with cheap KDF parameters.
struct Made {
  TempDir tmp;
  fs::path dir = tmp / "vault";
  Secret recovery = Vault::create(dir, passphrase(), kCheap);
};

}  // namespace

TEST_CASE("a new vault opens with its passphrase", "[vault]") {
  Made m;
  CHECK(Vault::exists(m.dir));
  Vault v = Vault::open(m.dir, passphrase());
  CHECK(v.path() == m.dir);
  CHECK(v.kdf() == kCheap);
  CHECK(v.journal().count() == 0);
}

TEST_CASE("create returns the recovery code in its printable form", "[vault]") {
  Made m;
  std::string_view code = m.recovery.view();
  REQUIRE(code.size() == 39);
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i % 5 == 4) {
      CHECK(code[i] == '-');
    } else {
      CHECK(((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '2' && code[i] <= '7')));
    }
  }
}

TEST_CASE("a vault opens with the recovery code as printed or lower-cased without dashes",
          "[vault]") {
  Made m;
  {
    Vault v = Vault::open(m.dir, passphrase());
    v.journal().add(draft("written with the passphrase"));
  }
  {
    Vault v = Vault::open(m.dir, m.recovery, SecretKind::recovery_code);
    CHECK(v.journal().count() == 1);
  }
  Secret typed = Secret::from(lower_without_dashes(m.recovery.view()));
  Vault v = Vault::open(m.dir, typed, SecretKind::recovery_code);
  CHECK(v.journal().list().at(0).first_line == "written with the passphrase");
}

TEST_CASE("the recovery code is not a passphrase, nor the passphrase a recovery code", "[vault]") {
  Made m;
  CHECK_ERRC(Vault::open(m.dir, m.recovery), Errc::wrong_passphrase);
  // A passphrase is (usually) not even shaped like a code.
  CHECK_ERRC(Vault::open(m.dir, passphrase(), SecretKind::recovery_code), Errc::invalid_argument);
}

TEST_CASE("a wrong passphrase or recovery code is wrong_passphrase", "[vault]") {
  Made m;
  CHECK_ERRC(Vault::open(m.dir, Secret::from("correct horse battery stapler")),
             Errc::wrong_passphrase);
  CHECK_ERRC(Vault::open(m.dir, Secret::from("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"),
                         SecretKind::recovery_code),
             Errc::wrong_passphrase);
}

TEST_CASE("creating a vault where one exists is already_exists and changes nothing", "[vault]") {
  Made m;
  auto header = folio_test::read_bytes(m.dir / "header");
  auto data = folio_test::read_bytes(m.dir / "data");
  CHECK_ERRC(Vault::create(m.dir, Secret::from("another"), kCheap), Errc::already_exists);
  CHECK(folio_test::read_bytes(m.dir / "header") == header);
  CHECK(folio_test::read_bytes(m.dir / "data") == data);
  CHECK_NOTHROW(Vault::open(m.dir, passphrase()));
}

TEST_CASE("creating over a lone data file is already_exists", "[vault]") {
  TempDir tmp;
  fs::create_directory(tmp / "v");
  folio_test::write_bytes(tmp / "v" / "data", {1, 2, 3});
  CHECK_ERRC(Vault::create(tmp / "v", passphrase(), kCheap), Errc::already_exists);
  CHECK(folio_test::read_bytes(tmp / "v" / "data") == std::vector<std::uint8_t>{1, 2, 3});
}

TEST_CASE("creating a vault where a file is refuses and keeps the file", "[vault]") {
  TempDir tmp;
  folio_test::write_bytes(tmp / "file", {42});
  CHECK_ERRC(Vault::create(tmp / "file", passphrase(), kCheap), Errc::invalid_argument);
  CHECK(folio_test::read_bytes(tmp / "file") == std::vector<std::uint8_t>{42});
}

TEST_CASE("opening a folder without a vault is not_found", "[vault]") {
  TempDir tmp;
  CHECK_FALSE(Vault::exists(tmp / "missing"));
  CHECK_ERRC(Vault::open(tmp / "missing", passphrase()), Errc::not_found);
  CHECK_ERRC(Vault::open(tmp.path(), passphrase()), Errc::not_found);  // exists, empty
  CHECK_FALSE(fs::exists(tmp / "missing"));
}

TEST_CASE("a vault folder is 0700 and its files 0600", "[vault]") {
  Made m;
  CHECK(mode_of(m.dir) == 0700);
  CHECK(mode_of(m.dir / "header") == 0600);
  CHECK(mode_of(m.dir / "data") == 0600);
  CHECK_FALSE(fs::exists(m.dir / "data-journal"));
  CHECK_FALSE(fs::exists(m.dir / "header.tmp"));
  CHECK(fs::file_size(m.dir / "header") == kHeaderSize);
}

TEST_CASE("create makes an existing folder private", "[vault]") {
  TempDir tmp;
  fs::create_directory(tmp / "v");
  REQUIRE(::chmod((tmp / "v").c_str(), 0755) == 0);
  Vault::create(tmp / "v", passphrase(), kCheap);
  CHECK(mode_of(tmp / "v") == 0700);
}

TEST_CASE("create makes missing parent folders", "[vault]") {
  TempDir tmp;
  fs::path dir = tmp / "a" / "b" / "vault";
  Vault::create(dir, passphrase(), kCheap);
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(tmp / "a") == 0700);
  CHECK_NOTHROW(Vault::open(dir, passphrase()));
}

TEST_CASE("create with KDF parameters out of bounds is invalid_argument and leaves nothing",
          "[vault]") {
  TempDir tmp;
  fs::path dir = tmp / "vault";
  for (KdfParams bad : {KdfParams{0, 8192}, KdfParams{65, 8192}, KdfParams{1, 4096},
                        KdfParams{1, 8192 + 1}, KdfParams{1, 8ull << 30}}) {
    INFO("ops " << bad.ops << " memory " << bad.memory);
    CHECK_ERRC(Vault::create(dir, passphrase(), bad), Errc::invalid_argument);
    CHECK_FALSE(fs::exists(dir));
  }
  CHECK(fs::is_empty(tmp.path()));
}

TEST_CASE("create with an empty passphrase is invalid_argument and leaves nothing", "[vault]") {
  TempDir tmp;
  CHECK_ERRC(Vault::create(tmp / "vault", Secret(), kCheap), Errc::invalid_argument);
  CHECK(fs::is_empty(tmp.path()));
}

TEST_CASE("a create that fails at the header leaves no data file behind", "[vault]") {
  TempDir tmp;
  fs::path dir = tmp / "vault";
  fs::create_directories(dir / "header.tmp");  // replace_file cannot create its temp file
  CHECK_ERRC(Vault::create(dir, passphrase(), kCheap), Errc::io);
  CHECK_FALSE(fs::exists(dir / "header"));
  CHECK_FALSE(fs::exists(dir / "data"));
  CHECK_FALSE(fs::exists(dir / "data-journal"));
  fs::remove(dir / "header.tmp");
  CHECK(fs::is_empty(dir));
}

TEST_CASE("a header of 1023 or 1025 bytes is corrupt", "[vault]") {
  Made m;
  auto header = folio_test::read_bytes(m.dir / "header");
  REQUIRE(header.size() == 1024);

  SECTION("truncated") {
    header.pop_back();
    folio_test::write_bytes(m.dir / "header", header);
    CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
  }
  SECTION("one byte too long") {
    header.push_back(0);
    folio_test::write_bytes(m.dir / "header", header);
    CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
  }
  SECTION("empty") {
    folio_test::write_bytes(m.dir / "header", {});
    CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
  }
}

TEST_CASE("a header of random bytes is corrupt", "[vault]") {
  Made m;
  std::vector<std::uint8_t> junk(kHeaderSize);
  random_bytes(junk.data(), junk.size());
  folio_test::write_bytes(m.dir / "header", junk);
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
}

TEST_CASE("a vault whose data file is missing is corrupt", "[vault]") {
  Made m;
  fs::remove(m.dir / "data");
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
  CHECK_FALSE(fs::exists(m.dir / "data"));  // not silently re-created
}

TEST_CASE("an empty data file is corrupt and stays empty", "[vault]") {
  Made m;
  folio_test::write_bytes(m.dir / "data", {});
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
  CHECK(fs::file_size(m.dir / "data") == 0);  // no schema written into it
}

TEST_CASE("a vault whose header is missing is corrupt, not absent", "[vault]") {
  Made m;
  fs::remove(m.dir / "header");
  CHECK_FALSE(Vault::exists(m.dir));
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
}

TEST_CASE("a data file from another vault is corrupt", "[vault]") {
  Made a;
  Made b;
  fs::copy_file(b.dir / "data", a.dir / "data", fs::copy_options::overwrite_existing);
  CHECK_ERRC(Vault::open(a.dir, passphrase()), Errc::corrupt);
}

TEST_CASE("a damaged first page of the data file is corrupt on open", "[vault]") {
  Made m;
  auto data = folio_test::read_bytes(m.dir / "data");
  data[100] ^= 0x01;
  folio_test::write_bytes(m.dir / "data", data);
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::corrupt);
}

// Page 2 (bytes 4096..8191) is the root of the entries table. Opening reads
// page 1 only (sqlite_master, user_version), so the damage shows on the first
// read of entries.
TEST_CASE("a damaged byte in page 2 of the data file is corrupt when entries are read",
          "[vault]") {
  Made m;
  {
    Vault v = Vault::open(m.dir, passphrase());
    v.journal().add(draft("an entry on page 2"));
  }
  auto data = folio_test::read_bytes(m.dir / "data");
  REQUIRE(data.size() > 4096 + 100);
  data[4096 + 100] ^= 0x01;
  folio_test::write_bytes(m.dir / "data", data);

  auto opened = error_code_of([&] {
    Vault v = Vault::open(m.dir, passphrase());
    auto on_read = error_code_of([&] { (void)v.journal().list(); });
    CHECK(on_read == Errc::corrupt);
  });
  CHECK_FALSE(opened.has_value());
}

TEST_CASE("a vault with a newer schema version is unsupported_version", "[vault]") {
  Made m;
  {
    auto bytes = folio_test::read_bytes(m.dir / "header");
    HeaderBytes h;
    std::copy(bytes.begin(), bytes.end(), h.begin());
    Unlocked u = open_header(h, SlotKind::passphrase, passphrase());
    auto keys = open_data_slots(h, u.key);
    REQUIRE(keys.size() == 1);
    Database db = Database::open(m.dir / "data", database_key(keys[0].key),
                                 Database::Mode::open_existing);
    db.exec("PRAGMA user_version = 1000");
  }
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::unsupported_version);
}

TEST_CASE("entries written through one Vault are read by the next", "[vault]") {
  Made m;
  std::string id;
  {
    Vault v = Vault::open(m.dir, passphrase());
    id = v.journal().add(draft("领事馆", {"Visa"}, "签证")).id;
  }
  Vault v = Vault::open(m.dir, passphrase());
  Entry e = v.journal().get(id);
  CHECK(e.title == "签证");
  CHECK(e.body == "领事馆");
  CHECK(e.tags == std::vector<std::string>{"visa"});
  CHECK_FALSE(folio_test::contains(folio_test::read_bytes(m.dir / "data"), "领事馆"));
}

TEST_CASE("a vault can be moved and keeps working", "[vault]") {
  Made m;
  Vault a = Vault::open(m.dir, passphrase());
  Vault b = std::move(a);
  b.journal().add(draft("after move"));
  Vault c = Vault::open(m.dir, passphrase());
  c = std::move(b);
  CHECK(c.journal().count() == 1);
}

TEST_CASE("change_passphrase replaces the passphrase and keeps recovery code and entries",
          "[vault]") {
  Made m;
  Secret fresh = Secret::from("a brand new passphrase");
  std::string id;
  auto data_before = folio_test::read_bytes(m.dir / "data");
  {
    Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive);
    id = v.journal().add(draft("kept across passwd")).id;
    data_before = folio_test::read_bytes(m.dir / "data");
    v.change_passphrase(fresh, {1, 16 << 10});
    CHECK(v.kdf() == KdfParams{1, 16 << 10});
    CHECK(v.journal().get(id).body == "kept across passwd");  // still usable
  }
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::wrong_passphrase);
  {
    Vault v = Vault::open(m.dir, fresh);
    CHECK(v.kdf() == KdfParams{1, 16 << 10});
    CHECK(v.journal().get(id).body == "kept across passwd");
  }
  {
    Vault v = Vault::open(m.dir, m.recovery, SecretKind::recovery_code);
    CHECK(v.journal().get(id).body == "kept across passwd");
    CHECK(v.kdf() == kCheap);
  }
  CHECK(folio_test::read_bytes(m.dir / "data") == data_before);  // database untouched
  CHECK(fs::file_size(m.dir / "header") == kHeaderSize);
  CHECK(mode_of(m.dir / "header") == 0600);
  CHECK_FALSE(fs::exists(m.dir / "header.tmp"));
}

TEST_CASE("change_recovery_kdf reseals the recovery slot at the new cost under the same code",
          "[vault]") {
  Made m;
  std::string id;
  auto passphrase_slot = [&m] {
    auto bytes = folio_test::read_bytes(m.dir / "header");
    return std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + kSlotSize);  // slot 0
  };
  auto before = passphrase_slot();
  const KdfParams stronger{2, 16 << 10};
  {
    Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive);
    id = v.journal().add(draft("kept across the recovery cost")).id;
    CHECK(v.recovery_kdf() == kCheap);
    v.change_recovery_kdf(Secret::from(lower_without_dashes(m.recovery.view())), stronger);
    CHECK(v.recovery_kdf() == stronger);
    CHECK(v.kdf() == kCheap);  // the passphrase slot's
  }
  {
    Vault v = Vault::open(m.dir, m.recovery, SecretKind::recovery_code);
    CHECK(v.kdf() == stronger);
    CHECK(v.journal().get(id).body == "kept across the recovery cost");
  }
  CHECK(passphrase_slot() == before);
  CHECK(Vault::open(m.dir, passphrase()).journal().get(id).body == "kept across the recovery cost");
  CHECK(mode_of(m.dir / "header") == 0600);
  CHECK_FALSE(fs::exists(m.dir / "header.tmp"));
}

TEST_CASE("change_recovery_kdf with a wrong code is wrong_passphrase and keeps the header", "[vault]") {
  Made m;
  auto before = folio_test::read_bytes(m.dir / "header");
  {
    Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive);
    std::string wrong(m.recovery.view());
    wrong[0] = wrong[0] == 'A' ? 'C' : 'A';
    CHECK_ERRC(v.change_recovery_kdf(Secret::from(wrong), {2, 16 << 10}), Errc::wrong_passphrase);
    CHECK_ERRC(v.change_recovery_kdf(Secret::from("not a code"), {2, 16 << 10}), Errc::invalid_argument);
    CHECK_ERRC(v.change_recovery_kdf(m.recovery, {0, 16 << 10}), Errc::invalid_argument);
  }
  CHECK(folio_test::read_bytes(m.dir / "header") == before);
}

TEST_CASE("change_recovery_kdf needs the vault opened alone", "[vault]") {
  Made m;
  auto before = folio_test::read_bytes(m.dir / "header");
  {
    Vault v = Vault::open(m.dir, passphrase());
    CHECK_ERRC(v.change_recovery_kdf(m.recovery, {2, 16 << 10}), Errc::internal);
  }
  CHECK(folio_test::read_bytes(m.dir / "header") == before);
}

TEST_CASE("change_passphrase leaves exactly one passphrase slot", "[vault]") {
  Made m;
  {
    Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive);
    v.change_passphrase(Secret::from("second"), kCheap);
    v.change_passphrase(Secret::from("third"), kCheap);
  }
  auto bytes = folio_test::read_bytes(m.dir / "header");
  HeaderBytes h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  int passphrase_slots = 0;
  int recovery_slots = 0;
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(h, i);
    if (!sp) continue;
    if (sp->kind == static_cast<std::uint8_t>(SlotKind::passphrase)) ++passphrase_slots;
    if (sp->kind == static_cast<std::uint8_t>(SlotKind::recovery_code)) ++recovery_slots;
  }
  CHECK(passphrase_slots == 1);
  CHECK(recovery_slots == 1);
  CHECK_ERRC(Vault::open(m.dir, Secret::from("second")), Errc::wrong_passphrase);
  CHECK_NOTHROW(Vault::open(m.dir, Secret::from("third")));
}

TEST_CASE("change_passphrase after opening with the recovery code works", "[vault]") {
  Made m;
  {
    Vault v = Vault::open(m.dir, m.recovery, SecretKind::recovery_code, Access::exclusive);
    v.change_passphrase(Secret::from("reset after forgetting"), kCheap);
  }
  CHECK_NOTHROW(Vault::open(m.dir, Secret::from("reset after forgetting")));
  CHECK_ERRC(Vault::open(m.dir, passphrase()), Errc::wrong_passphrase);
}

TEST_CASE("change_passphrase with bad input changes nothing", "[vault]") {
  Made m;
  auto header = folio_test::read_bytes(m.dir / "header");
  Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive);
  CHECK_ERRC(v.change_passphrase(Secret::from("new"), {0, 8192}), Errc::invalid_argument);
  CHECK_ERRC(v.change_passphrase(Secret(), kCheap), Errc::invalid_argument);
  CHECK(folio_test::read_bytes(m.dir / "header") == header);
  CHECK(v.kdf() == kCheap);
  CHECK_FALSE(fs::exists(m.dir / "header.tmp"));
}

TEST_CASE("default_path prefers FOLIO_VAULT, then an absolute XDG_DATA_HOME, then HOME",
          "[vault]") {
  folio_test::EnvGuard home("HOME", "/home/someone");
  {
    folio_test::EnvGuard v("FOLIO_VAULT", "/elsewhere/vault");
    folio_test::EnvGuard x("XDG_DATA_HOME", "/data");
    CHECK(Vault::default_path() == fs::path("/elsewhere/vault"));
  }
  {
    folio_test::EnvGuard v("FOLIO_VAULT", nullptr);
    folio_test::EnvGuard x("XDG_DATA_HOME", "/data");
    CHECK(Vault::default_path() == fs::path("/data/folio"));
  }
  {
    folio_test::EnvGuard v("FOLIO_VAULT", "");
    folio_test::EnvGuard x("XDG_DATA_HOME", "relative/data");  // ignored: not absolute
    CHECK(Vault::default_path() == fs::path("/home/someone/.local/share/folio"));
  }
  {
    folio_test::EnvGuard v("FOLIO_VAULT", nullptr);
    folio_test::EnvGuard x("XDG_DATA_HOME", nullptr);
    folio_test::EnvGuard h("HOME", nullptr);
    CHECK_ERRC(Vault::default_path(), Errc::not_found);
  }
}

TEST_CASE("the agent's data keys open the vault, follow a rekey, and cannot change keys", "[vault][agent]") {
  Made m;
  const fs::path& v = m.dir;
  std::string id;
  std::vector<Secret> keys;
  Secret vault_key;
  {
    Vault owner = Vault::open(v, passphrase());
    id = owner.journal().add(draft("kept")).id;
    keys = current_data_keys(v, vault_key_of(owner));
    vault_key = Secret(vault_key_of(owner).size());
    std::memcpy(vault_key.data(), vault_key_of(owner).data(), vault_key.size());
  }
  REQUIRE(keys.size() == 1);
  {
    Vault served = Vault::open_with_data_keys(v, std::move(keys));
    CHECK(served.journal().get(id).body == "kept");
    CHECK(error_code_of([&] { served.rekey(); }) == Errc::refused);
    CHECK(error_code_of([&] { served.change_passphrase(passphrase(), kCheap); }) == Errc::refused);
  }

  // After a rekey the old data key no longer opens the file; a fresh read of
  // the header gives the new one.
  Vault::open(v, passphrase(), SecretKind::passphrase, Access::exclusive).rekey();
  auto fresh = current_data_keys(v, vault_key);
  REQUIRE(fresh.size() == 1);
  CHECK(Vault::open_with_data_keys(v, std::move(fresh)).journal().get(id).body == "kept");

  // A destroyed header yields nothing.
  Vault::destroy(v);
  CHECK(error_code_of([&] { current_data_keys(v, vault_key); }) == Errc::not_found);
}

namespace {

HeaderBytes header_of(const fs::path& dir) {
  auto bytes = folio_test::read_bytes(dir / "header");
  HeaderBytes h;
  REQUIRE(bytes.size() == h.size());
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::size_t data_slots_in(const fs::path& dir) {
  HeaderBytes h = header_of(dir);
  std::size_t n = 0;
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(h, i);
    if (sp && sp->kind == static_cast<std::uint8_t>(SlotKind::data_key)) ++n;
  }
  return n;
}

// What a rekey killed after its header write left, `times` over, as an
// older folio left it: a data-key slot for a key that opens nothing, each.
void leak_data_slots(const fs::path& dir, std::size_t times) {
  HeaderBytes h = header_of(dir);
  Unlocked u = open_header(h, SlotKind::passphrase, passphrase());
  for (std::size_t i = 0; i < kSlotCount && times > 0; ++i) {
    if (read_slot(h, i)) continue;
    Secret key(kDataKeySize);
    random_bytes(key.data(), key.size());
    seal_data_slot(h, i, u.key, key);
    --times;
  }
  folio_test::write_bytes(dir / "header", std::vector<std::uint8_t>(h.begin(), h.end()));
}

struct LockWaitGuard {
  explicit LockWaitGuard(std::chrono::milliseconds limit, std::function<void()> notice = {}) {
    set_lock_wait({limit, std::move(notice)});
  }
  ~LockWaitGuard() { set_lock_wait({}); }
};

}  // namespace

TEST_CASE("a header filled with leaked data-key slots is healed by the next writer", "[vault]") {
  Made m;
  std::string id;
  {
    Vault v = Vault::open(m.dir, passphrase());
    id = v.journal().add(draft("kept")).id;
  }
  leak_data_slots(m.dir, 5);
  REQUIRE(data_slots_in(m.dir) == 6);
  { Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::read); }
  CHECK(data_slots_in(m.dir) == 6);  // a reader leaves it
  {
    Vault v = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive);
    CHECK(data_slots_in(m.dir) == 1);
    v.rekey();  // there is room again
  }
  CHECK(data_slots_in(m.dir) == 1);
  CHECK(Vault::open(m.dir, passphrase()).journal().get(id).body == "kept");
  CHECK(Vault::open(m.dir, m.recovery, SecretKind::recovery_code).journal().get(id).body == "kept");
}

TEST_CASE("shared opens coexist; an exclusive one waits for them and then is busy", "[vault]") {
  Made m;
  int notices = 0;
  LockWaitGuard wait(std::chrono::milliseconds(150), [&] { ++notices; });
  Vault a = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::read);
  Vault b = Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::write);
  CHECK(notices == 0);
  auto e = error_code_of([&] { Vault::open(m.dir, passphrase(), SecretKind::passphrase, Access::exclusive); });
  CHECK(e == Errc::io);
  CHECK(notices == 1);
}

TEST_CASE("rekey and change_passphrase need exclusive access", "[vault]") {
  Made m;
  Vault v = Vault::open(m.dir, passphrase());
  CHECK(error_code_of([&] { v.rekey(); }) == Errc::internal);
  CHECK(error_code_of([&] { v.change_passphrase(Secret::from("other"), kCheap); }) == Errc::internal);
}

TEST_CASE("overwrite_and_remove removes an empty file, a FIFO and a link, and leaves a link's target", "[vault]") {
  TempDir tmp;
  const auto empty = tmp / "empty";
  const auto full = tmp / "full";
  const auto fifo = tmp / "fifo";
  const auto link = tmp / "link";
  { std::ofstream(empty.string()); }
  { std::ofstream(full.string()) << "kept secret"; }
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::filesystem::create_symlink(full, link);
  overwrite_and_remove(empty);  // no bytes to overwrite
  overwrite_and_remove(fifo);   // would wait for a reader if opened blocking
  overwrite_and_remove(link);
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(empty)));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(fifo)));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link)));
  CHECK(std::filesystem::file_size(full) == 11);
  overwrite_and_remove(full);
  CHECK_FALSE(std::filesystem::exists(full));
  CHECK_NOTHROW(overwrite_and_remove(tmp / "missing"));
}
