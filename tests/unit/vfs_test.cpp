// The batching VFS (src/store/vfs.cpp) that every Database opens its files
// through: what it holds back reaches the file in time, and what it reads
// ahead never hides a later change. Real SQLCipher, real files.
#include <sqlite3.h>

#include <string>

#include "store/database.h"
#include "support.h"

using namespace folio;
using folio_test::random_secret;
using folio_test::TempDir;

namespace {

constexpr int kBlob = 3 << 20;  // 768 pages: many runs of writes and reads

std::string key_pragma(const Secret& key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "PRAGMA key = \"x'";
  for (std::size_t i = 0; i < key.size(); ++i) {
    s += kHex[key.data()[i] >> 4];
    s += kHex[key.data()[i] & 15];
  }
  return s + "'\"";
}

std::string blob_of(Database& db) {
  Statement st = db.prepare("SELECT b FROM t WHERE id = 1");
  REQUIRE(st.step());
  return std::string(st.blob(0));
}

// The blob as SQLite's own (unix) VFS reads it from the file.
std::string blob_through_default_vfs(const std::filesystem::path& file, const Secret& key) {
  sqlite3* db = nullptr;
  std::string out;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, key_pragma(key).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA cipher_page_size = 4096", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT b FROM t WHERE id = 1", -1, &st, nullptr) == SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW) {
    out.assign(static_cast<const char*>(sqlite3_column_blob(st, 0)),
               static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return out;
}

struct Fixture {
  TempDir dir;
  std::filesystem::path file = dir / "data";
  Secret key = random_secret(32);
  Database db = Database::open(file, key, Database::Mode::create_new);

  Fixture() {
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
    db.exec(("INSERT INTO t VALUES (1, randomblob(" + std::to_string(kBlob) + "))").c_str());
  }
};

}  // namespace

TEST_CASE("what a commit wrote is in the file for SQLite's own VFS", "[store]") {
  Fixture f;
  const std::string written = blob_of(f.db);
  REQUIRE(written.size() == static_cast<std::size_t>(kBlob));
  CHECK(blob_through_default_vfs(f.file, f.key) == written);
}

TEST_CASE("a connection that read ahead sees what another one committed since", "[store]") {
  Fixture f;
  const std::string before = blob_of(f.db);  // sequential: read ahead
  Database other = Database::open(f.file, f.key, Database::Mode::open_existing);
  other.exec(("UPDATE t SET b = randomblob(" + std::to_string(kBlob) + ") WHERE id = 1").c_str());
  const std::string after = blob_of(other);
  REQUIRE(after != before);
  CHECK(blob_of(f.db) == after);
}

TEST_CASE("a rolled-back write that spilled into the file leaves it as it was", "[store]") {
  Fixture f;
  const std::string before = blob_of(f.db);
  // A tiny page cache: the new pages are written to the file (held back in
  // runs, then written out) before the transaction ends.
  f.db.exec("PRAGMA cache_size = 10");
  {
    Database::Transaction tx(f.db);
    f.db.exec(("UPDATE t SET b = randomblob(" + std::to_string(kBlob) + ") WHERE id = 1").c_str());
    f.db.exec(("INSERT INTO t VALUES (2, randomblob(" + std::to_string(kBlob) + "))").c_str());
  }  // rolled back
  CHECK(blob_of(f.db) == before);
  CHECK(blob_through_default_vfs(f.file, f.key) == before);
  Statement n = f.db.prepare("SELECT count(*) FROM t");
  REQUIRE(n.step());
  CHECK(n.integer(0) == 1);
}
