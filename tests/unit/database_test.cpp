#include <sqlite3.h>

#include <string>

#include "store/database.h"
#include "support.h"

using namespace folio;
using folio_test::random_secret;
using folio_test::TempDir;

namespace {

std::string hex_key_pragma(const Secret& key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "PRAGMA key = \"x'";
  for (std::size_t i = 0; i < key.size(); ++i) {
    s += kHex[key.data()[i] >> 4];
    s += kHex[key.data()[i] & 15];
  }
  return s + "'\"";
}

// Opens `file` with the raw sqlite3 API and the raw key; returns the result
// code of the first read, with or without folio's page size.
int raw_first_read(const std::filesystem::path& file, const Secret& key, bool set_page_size) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, hex_key_pragma(key).c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK && set_page_size) {
    rc = sqlite3_exec(db, "PRAGMA cipher_page_size = 4096", nullptr, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  }
  sqlite3_close_v2(db);
  return rc;
}

std::int64_t count_rows(Database& db, const char* table) {
  std::string sql = "SELECT count(*) FROM ";
  sql += table;
  Statement st = db.prepare(sql);
  REQUIRE(st.step());
  return st.integer(0);
}

}  // namespace

TEST_CASE("a database key that is not 32 bytes is invalid_argument", "[store]") {
  TempDir dir;
  // SQLCipher would take such a key as a passphrase and run PBKDF2 over it.
  CHECK_ERRC(Database::open(dir / "data", random_secret(31), Database::Mode::create_new),
             Errc::invalid_argument);
  CHECK_ERRC(Database::open(dir / "data", random_secret(33), Database::Mode::create_new),
             Errc::invalid_argument);
  CHECK_ERRC(Database::open(dir / "data", Secret(), Database::Mode::create_new),
             Errc::invalid_argument);
  CHECK_FALSE(std::filesystem::exists(dir / "data"));
}

TEST_CASE("a database reopens with its key and keeps its rows", "[store]") {
  TempDir dir;
  Secret key = random_secret(32);
  {
    Database db = Database::open(dir / "data", key, Database::Mode::create_new);
    db.exec("CREATE TABLE t(v TEXT)");
    db.prepare("INSERT INTO t(v) VALUES ('kept')").step();
  }
  Database db = Database::open(dir / "data", key, Database::Mode::open_existing);
  CHECK(db.query_text("SELECT v FROM t") == "kept");
}

TEST_CASE("opening a database with the wrong key is corrupt", "[store]") {
  TempDir dir;
  {
    Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
    db.exec("CREATE TABLE t(v TEXT)");
  }
  CHECK_ERRC(Database::open(dir / "data", random_secret(32), Database::Mode::open_existing),
             Errc::corrupt);
}

TEST_CASE("opening a missing database without create_new is io", "[store]") {
  TempDir dir;
  CHECK_ERRC(Database::open(dir / "nothing", random_secret(32), Database::Mode::open_existing),
             Errc::io);
  CHECK_FALSE(std::filesystem::exists(dir / "nothing"));
}

TEST_CASE("an open database has secure_delete, a memory temp store and DELETE journal", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  CHECK(db.query_text("PRAGMA secure_delete") == "1");
  CHECK(db.query_text("PRAGMA temp_store") == "2");
  CHECK(db.query_text("PRAGMA journal_mode") == "delete");
  CHECK(db.query_text("PRAGMA foreign_keys") == "1");
  CHECK(db.query_text("PRAGMA cipher_page_size") == "4096");
}

TEST_CASE("the database file shows no SQLite header and no plaintext", "[store]") {
  TempDir dir;
  const std::string marker = "MARKER-5f1c2a-plaintext-must-not-appear";
  {
    Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
    db.exec("CREATE TABLE secret_table_name(v TEXT)");
    Statement ins = db.prepare("INSERT INTO secret_table_name(v) VALUES (?1)");
    ins.bind(1, marker);
    ins.step();
  }
  auto bytes = folio_test::read_bytes(dir / "data");
  REQUIRE(bytes.size() >= 4096);
  CHECK(bytes.size() % 4096 == 0);
  CHECK_FALSE(folio_test::contains(bytes, "SQLite format 3"));
  CHECK_FALSE(folio_test::contains(bytes, marker));
  CHECK_FALSE(folio_test::contains(bytes, "secret_table_name"));
  CHECK_FALSE(std::filesystem::exists(dir / "data-journal"));
}

TEST_CASE("the file is unreadable at SQLCipher's default page size", "[store]") {
  TempDir dir;
  Secret key = random_secret(32);
  {
    Database db = Database::open(dir / "data", key, Database::Mode::create_new);
    db.exec("CREATE TABLE t(v TEXT)");
  }
  // The page size is not stored in the file: a reader that leaves it at the
  // 1024-byte default cannot decrypt page 1, so FORMAT.md must name it.
  CHECK(raw_first_read(dir / "data", key, false) == SQLITE_NOTADB);
  CHECK(raw_first_read(dir / "data", key, true) == SQLITE_OK);
}

TEST_CASE("a transaction that is not committed rolls back", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  db.exec("CREATE TABLE t(v TEXT)");
  {
    Database::Transaction tx(db);
    db.exec("INSERT INTO t(v) VALUES ('gone')");
    CHECK(count_rows(db, "t") == 1);
  }
  CHECK(count_rows(db, "t") == 0);
  // The connection is usable again: no transaction was left open.
  CHECK(db.query_text("SELECT sqlite_version()") != "");
  {
    Database::Transaction tx(db);
    db.exec("INSERT INTO t(v) VALUES ('kept')");
    tx.commit();
  }
  CHECK(count_rows(db, "t") == 1);
}

TEST_CASE("a transaction rolls back when an exception leaves its scope", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  db.exec("CREATE TABLE t(v TEXT NOT NULL)");
  auto write_then_fail = [&] {
    Database::Transaction tx(db);
    db.exec("INSERT INTO t(v) VALUES ('first')");
    db.exec("INSERT INTO t(v) VALUES (NULL)");  // NOT NULL: throws
    tx.commit();
  };
  CHECK_THROWS_AS(write_then_fail(), Error);
  CHECK(count_rows(db, "t") == 0);
}

TEST_CASE("a bound parameter holding SQL is stored verbatim", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  db.exec("CREATE TABLE t(v TEXT)");
  const std::string hostile = "x'); DROP TABLE t; --";
  Statement ins = db.prepare("INSERT INTO t(v) VALUES (?1)");
  ins.bind(1, hostile);
  CHECK_FALSE(ins.step());

  Statement sel = db.prepare("SELECT v FROM t WHERE v = ?1");
  sel.bind(1, hostile);
  REQUIRE(sel.step());
  CHECK(sel.text(0) == hostile);
  CHECK(count_rows(db, "t") == 1);
}

TEST_CASE("text, integers and NULL round-trip through a statement", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  db.exec("CREATE TABLE t(s TEXT, i INTEGER, n TEXT)");
  const std::string text("签证\0tail", 11);
  Statement ins = db.prepare("INSERT INTO t(s, i, n) VALUES (?1, ?2, ?3)");
  ins.bind(1, text).bind(2, std::int64_t{-9007199254740993}).bind_null(3);
  ins.step();
  CHECK(db.last_insert_id() == 1);
  CHECK(db.changes() == 1);

  Statement sel = db.prepare("SELECT s, i, n FROM t");
  REQUIRE(sel.step());
  CHECK(sel.text(0) == text);
  CHECK(sel.integer(1) == -9007199254740993);
  CHECK(sel.is_null(2));
  CHECK_FALSE(sel.is_null(0));
  CHECK_FALSE(sel.step());
}

TEST_CASE("malformed SQL is reported as an Error, not a crash", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  CHECK_THROWS_AS(db.exec("CREATE TABLE"), Error);
  CHECK_THROWS_AS(db.prepare("SELECT * FROM no_such_table"), Error);
}

TEST_CASE("a plaintext SQLite file is corrupt, not opened", "[store]") {
  TempDir dir;
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2((dir / "plain").c_str(), &raw,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "CREATE TABLE t(v TEXT)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close_v2(raw);
  }
  auto before = folio_test::read_bytes(dir / "plain");
  REQUIRE(folio_test::contains(before, "SQLite format 3"));
  CHECK_ERRC(Database::open(dir / "plain", random_secret(32), Database::Mode::open_existing),
             Errc::corrupt);
  CHECK(folio_test::read_bytes(dir / "plain") == before);
}

TEST_CASE("ATTACH is refused and creates no file", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  // KEY '' would attach a plaintext database next to the encrypted one.
  const std::string sql = "ATTACH DATABASE '" + (dir / "side").string() + "' AS side KEY ''";
  CHECK_THROWS_AS(db.exec(sql.c_str()), Error);
  CHECK_FALSE(std::filesystem::exists(dir / "side"));
}

TEST_CASE("binding an empty text binds '' and not NULL", "[store]") {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  // A default std::string_view has data() == nullptr; sqlite3_bind_text reads
  // a null pointer as "bind NULL", so an empty value turns into NULL.
  Statement st = db.prepare("SELECT ?1 IS NULL, typeof(?1)");
  st.bind(1, std::string_view());
  REQUIRE(st.step());
  CHECK(st.integer(0) == 0);
  CHECK(st.text(1) == "text");
}
