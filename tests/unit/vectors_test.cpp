// The known-answer table of `folio selftest` and the Wycheproof runner: the
// table passes, an altered entry fails by name, and the runner rejects what
// it must and refuses what it does not know.
#include "vectors/vectors.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support.h"

using namespace folio::vectors;

namespace {

struct Collected {
  std::vector<Result> results;
  std::vector<Refusal> refusals;
  Callbacks callbacks() {
    return {[this](const Result& r) { results.push_back(r); },
            [this](const Refusal& r) { refusals.push_back(r); }};
  }
};

// Changes the last hex digit of one entry's expected answer.
std::vector<KnownAnswer> with_altered(const std::string& name) {
  auto table = known_answers();
  auto it = std::find_if(table.begin(), table.end(), [&](const auto& k) { return k.name == name; });
  REQUIRE(it != table.end());
  char& last = it->expected.back();
  last = last == '0' ? '1' : '0';
  return table;
}

}  // namespace

TEST_CASE("every shipped known answer passes, well under two seconds", "[vectors]") {
  auto start = std::chrono::steady_clock::now();
  auto results = run_known_answers(known_answers());
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(results.size() >= 12);
  for (const auto& r : results) {
    INFO(r.name << ": " << r.detail);
    CHECK(r.passed);
  }
  CHECK(selftest_exit_code(results) == 0);
  // The promise is for a normal build; the sanitizer build is slower.
  const char* sanitized = std::getenv("FOLIO_SANITIZED");
  bool slow = sanitized != nullptr && std::string(sanitized) == "1";
  CHECK(elapsed < std::chrono::seconds(slow ? 10 : 2));
}

TEST_CASE("an altered known answer fails, by name, and makes the exit code non-zero", "[vectors]") {
  for (const auto& k : known_answers()) {
    SECTION(k.name) {
      auto results = run_known_answers(with_altered(k.name));
      for (const auto& r : results) {
        INFO(r.name << ": " << r.detail);
        CHECK(r.passed == (r.name != k.name));
      }
      auto failed =
          std::find_if(results.begin(), results.end(), [](const auto& r) { return !r.passed; });
      REQUIRE(failed != results.end());
      CHECK(failed->name == k.name);
      CHECK(failed->detail.rfind("got ", 0) == 0);
      CHECK(selftest_exit_code(results) == 1);
    }
  }
}

TEST_CASE("an empty known-answer table is not a pass", "[vectors]") {
  CHECK(selftest_exit_code({}) == 1);
}

TEST_CASE("a wrong-size AEAD nonce or key is rejected, not run", "[vectors]") {
  // RFC 8439 2.8.2's key, with an 8-byte nonce and then a 31-byte key.
  const std::string file =
      R"({"algorithm": "CHACHA20-POLY1305", "schema": "aead_test_schema_v1.json",
    "testGroups": [{"type": "AeadTest", "ivSize": 64, "keySize": 256, "tagSize": 128, "tests": [
      {"tcId": 1, "comment": "", "flags": ["InvalidNonceSize"], "result": "invalid",
       "key": "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
       "iv": "4041424344454647", "aad": "", "msg": "", "ct": "", "tag": "00000000000000000000000000000000"},
      {"tcId": 2, "comment": "", "flags": [], "result": "invalid",
       "key": "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e",
       "iv": "070000004041424344454647", "aad": "", "msg": "", "ct": "", "tag": "00000000000000000000000000000000"}
    ]}]})";
  Collected c;
  run_wycheproof("inline.json", file, c.callbacks());
  REQUIRE(c.refusals.empty());
  REQUIRE(c.results.size() == 2);
  for (const auto& r : c.results) {
    INFO(r.id << ": " << r.note);
    CHECK(r.got == "invalid");
    CHECK(r.verdict == Verdict::pass);
    CHECK(r.note.find("must be") != std::string::npos);
  }
}

TEST_CASE("a truncated HMAC tag is compared on its own length, and a wrong one fails",
          "[vectors]") {
  // RFC 4231 test case 2 ("Jefe"), the tag cut to 128 bits; then one bit off.
  const std::string file = R"({"algorithm": "HMACSHA256", "schema": "mac_test_schema_v1.json",
    "testGroups": [{"type": "MacTest", "keySize": 32, "tagSize": 128, "tests": [
      {"tcId": 1, "comment": "", "flags": [], "result": "valid", "key": "4a656665",
       "msg": "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
       "tag": "5bdcc146bf60754e6a042426089575c7"},
      {"tcId": 2, "comment": "", "flags": [], "result": "valid", "key": "4a656665",
       "msg": "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
       "tag": "5bdcc146bf60754e6a042426089575c6"}
    ]}]})";
  Collected c;
  run_wycheproof("inline.json", file, c.callbacks());
  REQUIRE(c.results.size() == 2);
  CHECK(c.results[0].verdict == Verdict::pass);
  CHECK(c.results[1].verdict == Verdict::fail);
  CHECK(c.results[1].got == "invalid");
}

TEST_CASE("a file for an algorithm folio does not use is refused whole", "[vectors]") {
  Collected c;
  run_wycheproof("ed.json", R"({"algorithm": "EDDSA", "schema": "eddsa_verify_schema_v1.json",
      "testGroups": [{"type": "EddsaVerify", "tests": [{"tcId": 1, "result": "valid"}]}]})",
                 c.callbacks());
  CHECK(c.results.empty());
  REQUIRE(c.refusals.size() == 1);
  CHECK(c.refusals[0].reason.find("EDDSA") != std::string::npos);

  Collected x448;
  run_wycheproof("x448.json", R"({"algorithm": "XDH", "schema": "xdh_comp_schema_v1.json",
      "testGroups": [{"type": "XdhComp", "curve": "curve448", "tests": []}]})",
                 x448.callbacks());
  REQUIRE(x448.refusals.size() == 1);
  CHECK(x448.refusals[0].reason.find("curve448") != std::string::npos);

  Collected junk;
  run_wycheproof("junk.json", "[1, 2", junk.callbacks());
  CHECK(junk.refusals.size() == 1);
}

TEST_CASE("the Wycheproof files in ../shared pass through folio's layer", "[vectors][shared]") {
  std::filesystem::path dir = std::filesystem::path(FOLIO_SHARED_VECTORS) / "wycheproof";
  if (!std::filesystem::is_directory(dir)) {
    WARN("skipped: " << dir << " is absent");
    return;
  }
  Collected c;
  Summary s = run({dir}, c.callbacks());
  for (const auto& r : c.results) {
    if (r.verdict == Verdict::fail) FAIL_CHECK(r.file << " #" << r.id << ": " << r.note);
  }
  CHECK(s.failed == 0);
  CHECK(s.passed > 1000);
  // ed25519_test.json: folio does not use Ed25519.
  CHECK(s.refused == 1);
  // The X25519 tests libsodium answers with "no shared secret" are all
  // "acceptable" ones flagged ZeroSharedSecret.
  for (const auto& r : c.results) {
    if (r.expected == "acceptable" && r.got == "invalid") {
      INFO(r.id);
      CHECK(std::find(r.flags.begin(), r.flags.end(), "ZeroSharedSecret") != r.flags.end());
    }
  }
}

TEST_CASE("hex helpers refuse odd lengths and non-hex", "[vectors]") {
  CHECK(to_hex(from_hex("00ff10Ab")) == "00ff10ab");
  CHECK(folio_test::error_code_of([] { from_hex("abc"); }) == folio::Errc::invalid_argument);
  CHECK(folio_test::error_code_of([] { from_hex("zz"); }) == folio::Errc::invalid_argument);
}

namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// The vector with its first line matching `from` replaced by `to`.
std::vector<std::uint8_t> with_line(std::vector<std::uint8_t> bytes, const std::string& from,
                                    const std::string& to) {
  std::string text(bytes.begin(), bytes.end());
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  auto end = text.find('\n', at);
  text.replace(at, end - at, to);
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

}  // namespace

TEST_CASE("the C2SP age vectors in ../shared match, post-quantum ones unsupported",
          "[vectors][shared]") {
  std::filesystem::path dir = std::filesystem::path(FOLIO_SHARED_VECTORS) / "age-cctv";
  if (!std::filesystem::is_directory(dir)) {
    WARN("skipped: " << dir << " is absent");
    return;
  }
  Collected c;
  Summary s = run({dir}, c.callbacks());
  for (const auto& r : c.results) {
    if (r.verdict == Verdict::fail)
      FAIL_CHECK(r.id << ": expected " << r.expected << ", got " << r.got << " (" << r.note << ")");
    if (r.verdict == Verdict::unsupported)
      CHECK(r.note.find("AGE-SECRET-KEY-PQ") != std::string::npos);
  }
  CHECK(s.failed == 0);
  CHECK(s.refused == 0);
  CHECK(s.passed > 100);
}

TEST_CASE("an age vector fails when the outcome or the payload hash differs", "[vectors][shared]") {
  std::filesystem::path x25519 =
      std::filesystem::path(FOLIO_SHARED_VECTORS) / "age-cctv" / "x25519";
  if (!std::filesystem::exists(x25519)) {
    WARN("skipped: " << x25519 << " is absent");
    return;
  }
  auto bytes = read_bytes(x25519);
  Collected good, outcome, hash;
  run_text_vector("x25519", "x25519", bytes, good.callbacks());
  run_text_vector("x25519", "x25519", with_line(bytes, "expect: ", "expect: no match"),
                  outcome.callbacks());
  run_text_vector("x25519", "x25519",
                  with_line(bytes, "payload: ", "payload: " + std::string(64, '0')),
                  hash.callbacks());
  REQUIRE(good.results.size() == 1);
  CHECK(good.results[0].verdict == Verdict::pass);
  REQUIRE(outcome.results.size() == 1);
  CHECK(outcome.results[0].verdict == Verdict::fail);
  CHECK(outcome.results[0].got == "success");
  REQUIRE(hash.results.size() == 1);
  CHECK(hash.results[0].verdict == Verdict::fail);
  CHECK(hash.results[0].note.find("SHA-256") != std::string::npos);
}

TEST_CASE("a text vector of an unknown format, or no vector at all, is refused", "[vectors]") {
  std::string unknown = "format: folio-something-v9\nexpect: success\n\nbytes";
  std::string junk = "just some text without a header\n";
  Collected a, b;
  run_text_vector("u", "u", std::vector<std::uint8_t>(unknown.begin(), unknown.end()),
                  a.callbacks());
  run_text_vector("j", "j", std::vector<std::uint8_t>(junk.begin(), junk.end()), b.callbacks());
  CHECK(a.results.empty());
  CHECK(a.refusals.size() == 1);
  CHECK(b.results.empty());
  CHECK(b.refusals.size() == 1);
}

TEST_CASE("malformed files and fields are refused or failed, never thrown", "[vectors]") {
  Collected c;
  run_wycheproof("odd.json", R"({"schema": 5, "algorithm": [], "testGroups": []})", c.callbacks());
  CHECK(c.refusals.size() == 1);

  Collected missing;
  run_wycheproof("missing.json", R"({"algorithm": "HMACSHA256", "schema": "mac_test_schema_v1.json",
    "testGroups": [{"type": "MacTest", "keySize": 32, "tagSize": 256, "tests": [
      {"tcId": 1, "flags": [], "result": "invalid", "msg": "00", "tag": "00"}]}]})",
                 missing.callbacks());
  REQUIRE(missing.results.size() == 1);
  CHECK(missing.results[0].verdict == Verdict::fail);

  // A vector whose identity is not one.
  std::string odd = "format: folio-backup-v1\nexpect: success\nidentity: AGE-SECRET-KEY-1\n\n";
  Collected backup;
  run_text_vector("b", "b", std::vector<std::uint8_t>(odd.begin(), odd.end()), backup.callbacks());
  CHECK(backup.results.empty());
  CHECK(backup.refusals.size() == 1);
}
