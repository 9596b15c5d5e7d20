// store/scrub.h: no page written by folio keeps, in its unused space, the
// bytes of a cell that a rebalance moved away (docs/THREAT_MODEL.md,
// "Deletion and rollback"). The control runs the same operations with the
// scrubber off and finds deleted words there.
#include <openssl/evp.h>

#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/pages.h"
#include "store/scrub.h"
#include "support.h"

using namespace folio;
using folio_test::random_secret;
using folio_test::TempDir;

namespace {

// Every page of the file, decrypted with AES-256-CBC under the raw key.
std::string decrypted_pages(const std::filesystem::path& file, const Secret& key) {
  std::ifstream in(file, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(raw.size() % kPageSize == 0);
  std::string out(raw.size(), '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  for (std::size_t at = 0; at < raw.size(); at += kPageSize) {
    const std::size_t start = at == 0 ? kPageSaltSize : 0;
    auto* src = reinterpret_cast<const unsigned char*>(raw.data() + at);
    auto* dst = reinterpret_cast<unsigned char*>(out.data() + at);
    int n = 0;
    int last = 0;
    REQUIRE(EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), src + kPageIvOffset) == 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    REQUIRE(EVP_DecryptUpdate(ctx, dst + start, &n, src + start, static_cast<int>(kPageIvOffset - start)) == 1);
    REQUIRE(EVP_DecryptFinal_ex(ctx, dst + start + n, &last) == 1);
  }
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

struct Churned {
  std::vector<std::string> removed;  // unique words of deleted or replaced rows
  std::vector<std::string> live;     // unique words of the rows still there
};

// bench/bench_stale_cells.py's operations: inserts, deletes and changes of
// rows of 5-120 common words and one unique word.
Churned churn(Database& db, unsigned seed, int operations) {
  std::mt19937 r(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(r); };
  auto unique = [&] {
    std::string w = "u";
    for (int i = 0; i < 11; ++i) w += static_cast<char>('a' + uniform(0, 25));
    return w;
  };
  auto body = [&](std::string& word) {
    std::string b;
    for (int i = uniform(5, 120); i > 0; --i) b += "w" + std::to_string(uniform(100, 999)) + " ";
    word = unique();
    return b + word;
  };
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  std::map<int, std::string> live;
  Churned out;
  for (int i = 1; i <= operations; ++i) {
    std::string word;
    Statement add = db.prepare("INSERT INTO t(id, body) VALUES (?1, ?2)");
    add.bind(1, std::int64_t{i}).bind(2, body(word));
    add.step();
    live[i] = word;
    if (i > 51 && uniform(0, 99) < 40) {
      auto gone = std::next(live.begin(), uniform(0, static_cast<int>(live.size()) - 1));
      Statement del = db.prepare("DELETE FROM t WHERE id = ?1");
      del.bind(1, std::int64_t{gone->first});
      del.step();
      out.removed.push_back(gone->second);
      live.erase(gone);
    }
    if (uniform(0, 99) < 10) {
      auto changed = std::next(live.begin(), uniform(0, static_cast<int>(live.size()) - 1));
      out.removed.push_back(changed->second);
      Statement set = db.prepare("UPDATE t SET body = ?2 WHERE id = ?1");
      set.bind(1, std::int64_t{changed->first}).bind(2, body(changed->second));
      set.step();
    }
  }
  for (const auto& [id, word] : live) out.live.push_back(word);
  return out;
}

std::size_t found(const std::string& pages, const std::vector<std::string>& words) {
  std::size_t n = 0;
  for (const auto& w : words) n += pages.find(w) != std::string::npos ? 1 : 0;
  return n;
}

struct ScrubbingOff {
  ScrubbingOff() { set_page_scrubbing(false); }
  ~ScrubbingOff() { set_page_scrubbing(true); }
};

}  // namespace

TEST_CASE("no deleted word stays in the unused space of a rebuilt page", "[store]") {
  const Secret key = random_secret(32);
  constexpr int kOperations = 6000;

  // The control: SQLCipher alone leaves some deleted words for most seeds
  // (bench/bench_stale_cells.py); the first seed that does is the test's.
  unsigned seed = 0;
  for (unsigned candidate = 1; candidate <= 12 && seed == 0; ++candidate) {
    TempDir off_dir;
    ScrubbingOff off;
    Database db = Database::open(off_dir / "data", key, Database::Mode::create_new);
    const Churned c = churn(db, candidate, kOperations);
    const std::string pages = decrypted_pages(off_dir / "data", key);
    REQUIRE(found(pages, c.live) == c.live.size());  // the decryption is right
    if (found(pages, c.removed) > 0) seed = candidate;
  }
  REQUIRE(seed != 0);

  TempDir dir;
  const long before = scrubbed_page_count();
  Database db = Database::open(dir / "data", key, Database::Mode::create_new);
  const Churned c = churn(db, seed, kOperations);
  const std::string pages = decrypted_pages(dir / "data", key);
  CHECK(found(pages, c.removed) == 0);
  CHECK(found(pages, c.live) == c.live.size());
  CHECK(scrubbed_page_count() > before);
  CHECK(db.query_text("PRAGMA integrity_check") == "ok");
  CHECK_NOTHROW(db.verify_pages(key));
  // And SQLCipher reads every scrubbed page back after a fresh open.
  Database again = Database::open(dir / "data", key, Database::Mode::open_existing);
  CHECK(again.query_text("SELECT count(*) FROM t") == std::to_string(c.live.size()));
  CHECK(again.query_text("PRAGMA integrity_check") == "ok");
}

TEST_CASE("a scrubber given the wrong key rewrites no page", "[store]") {
  // Every page SQLCipher writes then fails the scrubber's HMAC check (or
  // decrypts to no b-tree page): it is written as SQLCipher made it, and the
  // database stays whole under its real key. The same writes with the right
  // key do scrub pages, so the churn gives the scrubber work.
  const Secret key = random_secret(32);
  const Secret wrong = random_secret(32);
  auto hex = [](const Secret& k) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "x'";
    for (std::size_t i = 0; i < k.size(); ++i) {
      out += digits[k.data()[i] >> 4];
      out += digits[k.data()[i] & 15];
    }
    return out + "'";
  };
  auto churn_with = [&](const std::filesystem::path& file, const Secret& scrub_key) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, scrub_vfs_name()) ==
            SQLITE_OK);
    const std::string k = hex(key);
    REQUIRE(sqlite3_key(raw, k.data(), static_cast<int>(k.size())) == SQLITE_OK);
    auto exec = [&](const std::string& sql) {
      REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    };
    exec("PRAGMA cipher_page_size = 4096");
    exec("PRAGMA secure_delete = ON");
    exec("PRAGMA synchronous = OFF");
    exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    REQUIRE(scrub_pages_with(raw, "main", scrub_key));
    std::mt19937 r(3);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(r); };
    for (int i = 1; i <= 1500; ++i) {
      std::string body;
      for (int w = uniform(5, 120); w > 0; --w) body += "w" + std::to_string(uniform(100, 999)) + " ";
      exec("INSERT INTO t(id, body) VALUES (" + std::to_string(i) + ", '" + body + "')");
      if (i > 51 && uniform(0, 99) < 40) exec("DELETE FROM t WHERE id = " + std::to_string(uniform(1, i)));
    }
    REQUIRE(sqlite3_close(raw) == SQLITE_OK);
  };

  TempDir dir;
  long before = scrubbed_page_count();
  churn_with(dir / "wrong", wrong);
  CHECK(scrubbed_page_count() == before);
  Database db = Database::open(dir / "wrong", key, Database::Mode::open_existing);
  CHECK(db.query_text("PRAGMA integrity_check") == "ok");
  CHECK_NOTHROW(db.verify_pages(key));

  before = scrubbed_page_count();
  churn_with(dir / "right", key);
  CHECK(scrubbed_page_count() > before);
}
