// folio::crypto primitives: known answers from the RFCs, the Wycheproof
// HMAC-SHA256 and HKDF-SHA256 files (../shared/vectors, skipped when absent),
// and the size checks.
#include "crypto/primitives.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support.h"

namespace fc = folio::crypto;

namespace {

fc::Bytes unhex(const std::string& hex) {
  if (hex.empty()) return {};  // sodium_hex2bin may not be given a null buffer
  fc::Bytes out(hex.size() / 2);
  std::size_t len = 0;
  REQUIRE(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) ==
          0);
  REQUIRE(len == out.size());
  return out;
}

fc::ByteView bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

template <typename Range>
std::string hex(const Range& r) {
  std::string out;
  static const char digits[] = "0123456789abcdef";
  for (std::uint8_t b : r) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string hex(const folio::Secret& s) { return hex(fc::view(s)); }

// The Wycheproof file `name`, or nullopt (with a warning) when the shared
// vectors folder is not there.
std::optional<nlohmann::json> wycheproof(const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::path(FOLIO_SHARED_VECTORS) / "wycheproof" / name;
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return std::nullopt;
  }
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("HMAC-SHA256 and HMAC-SHA512 give the RFC 4231 answers", "[primitives]") {
  // RFC 4231 test case 2: key "Jefe".
  const std::string msg = "what do ya want for nothing?";
  CHECK(hex(fc::hmac_sha256(bytes("Jefe"), bytes(msg))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex(fc::hmac_sha512(bytes("Jefe"), bytes(msg))) ==
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8"
        "f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  // Test case 6: a 131-byte key, longer than the block, is hashed first.
  const fc::Bytes long_key(131, 0xaa);
  CHECK(hex(fc::hmac_sha256(long_key,
                            bytes("Test Using Larger Than Block-Size Key - Hash Key First"))) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HKDF-SHA256 gives the RFC 5869 answers and refuses too long an output", "[primitives]") {
  const auto ikm = unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  CHECK(hex(fc::hkdf_sha256(ikm, unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"),
                            42)) ==
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  // Test case 3: no salt, no info.
  CHECK(hex(fc::hkdf_sha256(ikm, {}, {}, 42)) ==
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  CHECK(fc::hkdf_sha256(ikm, {}, {}, 255 * 32).size() == 255 * 32);
  CHECK_ERRC(fc::hkdf_sha256(ikm, {}, {}, 255 * 32 + 1), folio::Errc::invalid_argument);
}

TEST_CASE("ChaCha20-Poly1305 gives the RFC 8439 answer and rejects any change", "[primitives]") {
  const auto key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  const auto nonce = unhex("070000004041424344454647");
  const auto ad = unhex("50515253c0c1c2c3c4c5c6c7");
  const std::string text =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const auto sealed = fc::chacha20poly1305_seal(key, nonce, ad, bytes(text));
  CHECK(hex(fc::ByteView(sealed).last(16)) == "1ae10b594f09e26a7e902ecbd0600691");
  auto opened = fc::chacha20poly1305_open(key, nonce, ad, sealed);
  REQUIRE(opened);
  CHECK(std::string(opened->begin(), opened->end()) == text);

  auto tampered = sealed;
  tampered[3] ^= 1;
  CHECK_FALSE(fc::chacha20poly1305_open(key, nonce, ad, tampered));
  CHECK_FALSE(fc::chacha20poly1305_open(key, nonce, {}, sealed));
  CHECK_FALSE(fc::chacha20poly1305_open(key, nonce, ad, fc::ByteView(sealed).first(15)));
  CHECK_ERRC(fc::chacha20poly1305_seal(key, unhex("0700"), ad, bytes(text)),
             folio::Errc::invalid_argument);
}

TEST_CASE("XChaCha20-Poly1305 round-trips an empty and a short message", "[primitives]") {
  folio::Secret key(32);
  folio::random_bytes(key.data(), key.size());
  const fc::Bytes nonce(24, 7);
  for (const std::string& text : {std::string(), std::string("签证 visa")}) {
    const auto sealed = fc::xchacha20poly1305_seal(fc::view(key), nonce, bytes("ad"), bytes(text));
    CHECK(sealed.size() == text.size() + 16);
    auto opened = fc::xchacha20poly1305_open(fc::view(key), nonce, bytes("ad"), sealed);
    REQUIRE(opened);
    CHECK(std::string(opened->begin(), opened->end()) == text);
    CHECK_FALSE(fc::xchacha20poly1305_open(fc::view(key), nonce, bytes("AD"), sealed));
  }
}

TEST_CASE("X25519 gives the RFC 7748 answer and refuses a low-order point", "[primitives]") {
  const auto alice = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const auto bob = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  CHECK(hex(fc::x25519_base(alice)) ==
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  const auto bob_public = fc::x25519_base(bob);
  auto shared = fc::x25519(alice, bob_public);
  REQUIRE(shared);
  CHECK(hex(*shared) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

  const fc::Bytes zero_point(32, 0);
  CHECK_FALSE(fc::x25519(alice, zero_point));
  CHECK_ERRC(fc::x25519(alice, fc::ByteView(zero_point).first(31)), folio::Errc::invalid_argument);
}

TEST_CASE("scrypt gives the RFC 7914 answer", "[primitives]") {
  CHECK(hex(fc::scrypt(bytes("password"), bytes("NaCl"), 10, 8, 16, 64)) ==
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff10927"
        "9d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  CHECK_ERRC(fc::scrypt(bytes("p"), bytes("s"), 0, 8, 1, 32), folio::Errc::invalid_argument);
}

TEST_CASE("BLAKE2b gives the RFC 7693 answer and takes any length from 1 to 64", "[primitives]") {
  CHECK(hex(fc::blake2b(bytes("abc"), {}, 64)) ==
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de"
        "4533cc9518d38aa8dbf1925ab92386edd4009923");
  CHECK(fc::blake2b(bytes("abc"), bytes("key"), 1).size() == 1);
  CHECK_ERRC(fc::blake2b(bytes("abc"), {}, 65), folio::Errc::invalid_argument);
  CHECK_ERRC(fc::blake2b(bytes("abc"), {}, 0), folio::Errc::invalid_argument);
}

TEST_CASE("HMAC-SHA256 passes the Wycheproof vectors", "[primitives]") {
  auto file = wycheproof("hmac_sha256_test.json");
  if (!file) return;
  std::size_t count = 0;
  for (const auto& group : (*file)["testGroups"]) {
    // Truncated tags: the expected tag is the first tagSize/8 bytes.
    const std::size_t tag_size = group["tagSize"].get<std::size_t>() / 8;
    for (const auto& test : group["tests"]) {
      const auto tag = fc::hmac_sha256(unhex(test["key"]), unhex(test["msg"]));
      const auto expected = unhex(test["tag"]);
      const bool equal =
          expected.size() == tag_size && std::equal(expected.begin(), expected.end(), tag.begin());
      INFO("tcId " << test["tcId"]);
      CHECK(equal == (test["result"] == "valid"));
      ++count;
    }
  }
  CHECK(count == (*file)["numberOfTests"].get<std::size_t>());
}

TEST_CASE("HKDF-SHA256 passes the Wycheproof vectors", "[primitives]") {
  auto file = wycheproof("hkdf_sha256_test.json");
  if (!file) return;
  std::size_t count = 0;
  for (const auto& group : (*file)["testGroups"]) {
    for (const auto& test : group["tests"]) {
      INFO("tcId " << test["tcId"]);
      const auto size = test["size"].get<std::size_t>();
      const auto ikm = unhex(test["ikm"]);
      const auto salt = unhex(test["salt"]);
      const auto info = unhex(test["info"]);
      if (test["result"] == "valid") {
        CHECK(hex(fc::hkdf_sha256(ikm, salt, info, size)) == test["okm"].get<std::string>());
      } else {
        // The only invalid vectors ask for more than 255 * 32 bytes.
        CHECK_ERRC(fc::hkdf_sha256(ikm, salt, info, size), folio::Errc::invalid_argument);
      }
      ++count;
    }
  }
  CHECK(count == (*file)["numberOfTests"].get<std::size_t>());
}
