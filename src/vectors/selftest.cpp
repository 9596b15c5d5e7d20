// The known-answer table of `folio selftest`: one published vector per
// primitive, run through the same functions folio's own code calls
// (folio::crypto wrappers, derive_kek, the keyslot code), so a broken build,
// a wrong libsodium or a wrong wrapper shows up as a named failure.
//
// The table is data, so a test can alter one entry and see the run fail and
// name it (tests/unit/vectors_test.cpp); the shipped binary has no switch
// that alters it.
#include <algorithm>
#include <string>

#include "age/age.h"
#include "crypto/keyslot.h"
#include "crypto/primitives.h"
#include "crypto/sha256.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "vectors/vectors.h"

namespace folio::vectors {
namespace {

using crypto::Bytes;

std::string field(const KnownAnswer& k, std::string_view name) {
  for (const auto& [key, value] : k.input) {
    if (key == name) return value;
  }
  throw Error(Errc::internal, "known answer " + k.name + " has no input " + std::string(name));
}
Bytes hex_input(const KnownAnswer& k, std::string_view name) { return from_hex(field(k, name)); }
std::uint64_t number(const KnownAnswer& k, std::string_view name) {
  return std::stoull(field(k, name));
}

std::string hex(const Bytes& b) { return to_hex(b); }
std::string hex(const Secret& s) { return to_hex(s.data(), s.size()); }
template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) {
  return to_hex(a.data(), a.size());
}

class MemorySource : public age::Source {
 public:
  explicit MemorySource(const Bytes& bytes) : bytes_(bytes) {}
  std::size_t read(std::span<std::uint8_t> out) override {
    std::size_t n = std::min(out.size(), bytes_.size() - pos_);
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_), n, out.begin());
    pos_ += n;
    return n;
  }

 private:
  const Bytes& bytes_;
  std::size_t pos_ = 0;
};

// An AEAD answer is the sealed bytes, and only if opening them gives the
// plaintext back and a flipped tag bit is refused.
std::string aead(const KnownAnswer& k, bool extended) {
  Bytes key = hex_input(k, "key"), nonce = hex_input(k, "nonce"), ad = hex_input(k, "ad");
  Bytes plaintext = hex_input(k, "plaintext");
  auto seal = extended ? crypto::xchacha20poly1305_seal : crypto::chacha20poly1305_seal;
  auto open = extended ? crypto::xchacha20poly1305_open : crypto::chacha20poly1305_open;
  Bytes sealed = seal(key, nonce, ad, plaintext);
  auto opened = open(key, nonce, ad, sealed);
  if (!opened || *opened != plaintext) return N_("does not open its own output");
  Bytes tampered = sealed;
  tampered.back() ^= 1;
  if (open(key, nonce, ad, tampered)) return N_("opens with a flipped tag bit");
  return hex(sealed);
}

// A header made of the given slots (hex, 128 bytes each), then zero-filled
// slots (unused: their check word does not unmask to "folio-ks").
HeaderBytes header_of(const Bytes& slots) {
  HeaderBytes header{};
  if (slots.size() > header.size()) throw Error(Errc::internal, "too many slots");
  std::copy(slots.begin(), slots.end(), header.begin());
  return header;
}

std::string answer(const KnownAnswer& k) {
  switch (k.primitive) {
    case Primitive::argon2id: {
      Secret password = Secret::from(field(k, "password"));
      Bytes salt = hex_input(k, "salt");
      if (salt.size() != kSaltSize) throw Error(Errc::internal, "an Argon2id salt is 16 bytes");
      KdfParams cost{static_cast<std::uint32_t>(number(k, "ops")), number(k, "memory")};
      return hex(derive_kek(password, salt.data(), cost));
    }
    case Primitive::xchacha20poly1305:
      return aead(k, true);
    case Primitive::chacha20poly1305:
      return aead(k, false);
    case Primitive::hmac_sha256:
      return hex(crypto::hmac_sha256(hex_input(k, "key"), hex_input(k, "data")));
    case Primitive::hmac_sha512:
      return hex(crypto::hmac_sha512(hex_input(k, "key"), hex_input(k, "data")));
    case Primitive::hkdf_sha256:
      return hex(crypto::hkdf_sha256(hex_input(k, "ikm"), hex_input(k, "salt"),
                                     hex_input(k, "info"), number(k, "length")));
    case Primitive::scrypt:
      return hex(crypto::scrypt(hex_input(k, "password"), hex_input(k, "salt"),
                                static_cast<unsigned>(number(k, "log2_n")),
                                static_cast<std::uint32_t>(number(k, "r")),
                                static_cast<std::uint32_t>(number(k, "p")), number(k, "length")));
    case Primitive::x25519: {
      auto shared = crypto::x25519(hex_input(k, "scalar"), hex_input(k, "u"));
      return shared ? hex(*shared) : "no shared secret (all zero)";
    }
    case Primitive::x25519_base:
      return hex(crypto::x25519_base(hex_input(k, "scalar")));
    case Primitive::blake2b:
      return hex(
          crypto::blake2b(hex_input(k, "message"), hex_input(k, "key"), number(k, "length")));
    case Primitive::keyslot: {
      HeaderBytes header = header_of(hex_input(k, "slots"));
      Unlocked unlocked =
          open_header(header, SlotKind::passphrase, Secret::from(field(k, "passphrase")));
      auto data_keys = open_data_slots(header, unlocked.key);
      if (data_keys.size() != 1)
        return "data-key slots opened: " + std::to_string(data_keys.size());
      return hex(unlocked.key) + hex(data_keys[0].key);
    }
    case Primitive::backup: {
      // The age file through folio's age reader; the answer is the SHA-256 of
      // the plaintext, which must begin with a folio backup's first line.
      Bytes file = hex_input(k, "file");
      MemorySource source(file);
      age::DecryptOptions options;
      options.identities.push_back(age::parse_identity(field(k, "identity")));
      age::Reader reader(source, options);
      std::string plaintext;
      std::array<std::uint8_t, 4096> buffer{};
      while (std::size_t n = reader.read(buffer))
        plaintext.append(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
      if (plaintext.rfind("{\"format\":\"folio-backup\",\"version\":1,", 0) != 0) {
        return N_("not a folio backup payload");
      }
      crypto::Sha256 sha;
      sha.update(reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size());
      return hex(sha.finish());
    }
  }
  throw Error(Errc::internal, "known answer " + k.name + ": no runner for its primitive");
}

}  // namespace

std::vector<KnownAnswerResult> run_known_answers(const std::vector<KnownAnswer>& table) {
  std::vector<KnownAnswerResult> results;
  for (const auto& k : table) {
    KnownAnswerResult r{k.name, k.source, false, {}};
    try {
      std::string got = answer(k);
      r.passed = got == k.expected;
      if (!r.passed) r.detail = "got " + got;
    } catch (const Error& e) {
      r.detail = std::string("error: ") + e.what();
    }
    results.push_back(std::move(r));
  }
  return results;
}

int selftest_exit_code(const std::vector<KnownAnswerResult>& results) noexcept {
  bool all = !results.empty() &&
             std::all_of(results.begin(), results.end(), [](const auto& r) { return r.passed; });
  return all ? 0 : 1;
}

std::vector<std::string> selftest_notes() {
  return {
      N_("Argon2id: RFC 9106's test vector uses a secret key and associated data, which "
         "libsodium's crypto_pwhash (and so folio) does not take; folio's KDF is checked "
         "against a vector from libsodium's own tests instead."),
      N_("AEAD rows also check that the output opens again and that a flipped tag bit is refused."),
      N_("Wycheproof files and the C2SP age vectors: run `folio vectors run` (docs/REVIEW.md)."),
  };
}

// The vectors, each as published. Plaintexts given as text in a source are
// hex here; the source names where to compare.
std::vector<KnownAnswer> known_answers() {
  const std::string sunscreen =
      "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a2049"
      "6620492063"
      "6f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c"
      "2073756e73637265656e20776f756c642062652069742e";
  return {
      {"Argon2id",
       "libsodium test/default/pwhash_argon2id.c, tv3 #2 (m=4882 KiB, t=2)",
       Primitive::argon2id,
       {{"password", ""},
        {"salt", "6c0f356abb225f2b1ddd66d34739843b"},  // base64 bA81arsiXysd3WbTRzmEOw
        {"ops", "2"},
        {"memory", "4999168"}},  // 4882 KiB
       // base64 Nm8QBM+7RH1DXo9rvp5cwKEOOOfD2g6JuxlXihoNcpE
       "366f1004cfbb447d435e8f6bbe9e5cc0a10e38e7c3da0e89bb19578a1a0d7291"},
      {"XChaCha20-Poly1305",
       "draft-irtf-cfrg-xchacha-03, A.3.1",
       Primitive::xchacha20poly1305,
       {{"key", "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"},
        {"nonce", "404142434445464748494a4b4c4d4e4f5051525354555657"},
        {"ad", "50515253c0c1c2c3c4c5c6c7"},
        {"plaintext", sunscreen}},
       "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
       "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
       "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
       "21f9664c97637da9768812f615c68b13b52e"
       "c0875924c1c7987947deafd8780acf49"},
      {"ChaCha20-Poly1305",
       "RFC 8439, 2.8.2",
       Primitive::chacha20poly1305,
       {{"key", "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"},
        {"nonce", "070000004041424344454647"},  // fixed-common part || IV
        {"ad", "50515253c0c1c2c3c4c5c6c7"},
        {"plaintext", sunscreen}},
       "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
       "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
       "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
       "3ff4def08e4b7a9de576d26586cec64b6116"
       "1ae10b594f09e26a7e902ecbd0600691"},
      {"HMAC-SHA256",
       "RFC 4231, test case 2",
       Primitive::hmac_sha256,
       {{"key", "4a656665"},  // "Jefe"
        {"data", "7768617420646f2079612077616e7420666f72206e6f7468696e673f"}},
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"HMAC-SHA512",
       "RFC 4231, test case 2",
       Primitive::hmac_sha512,
       {{"key", "4a656665"}, {"data", "7768617420646f2079612077616e7420666f72206e6f7468696e673f"}},
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"HKDF-SHA256",
       "RFC 5869, A.1 (test case 1)",
       Primitive::hkdf_sha256,
       {{"ikm", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"},
        {"salt", "000102030405060708090a0b0c"},
        {"info", "f0f1f2f3f4f5f6f7f8f9"},
        {"length", "42"}},
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"scrypt",
       "RFC 7914, 12 (\"password\", \"NaCl\", N=1024, r=8, p=16)",
       Primitive::scrypt,
       {{"password", "70617373776f7264"},
        {"salt", "4e61436c"},
        {"log2_n", "10"},
        {"r", "8"},
        {"p", "16"},
        {"length", "64"}},
       "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
       "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
      {"X25519",
       "RFC 7748, 5.2 (first vector)",
       Primitive::x25519,
       {{"scalar", "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"},
        {"u", "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"}},
       "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
      {"X25519 shared secret",
       "RFC 7748, 6.1 (Alice's key, Bob's public key)",
       Primitive::x25519,
       {{"scalar", "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"},
        {"u", "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"}},
       "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
      {"X25519 public key",
       "RFC 7748, 6.1 (Alice's public key)",
       Primitive::x25519_base,
       {{"scalar", "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"}},
       "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"},
      {"BLAKE2b-512",
       "RFC 7693, appendix A (\"abc\")",
       Primitive::blake2b,
       {{"message", "616263"}, {"key", ""}, {"length", "64"}},
       "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
       "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"},
      {"folio keyslot",
       "tests/vectors/header/success (written by tests/format/reader.py)",
       Primitive::keyslot,
       {{"passphrase", "correct horse battery staple"},
        // slot 0: passphrase, Argon2id ops 1, 8 KiB; slot 1: the data key
        {"slots",
         "88b2ecf6bd44ce390f092ef91250f856d1d17fb89ab153a99815a26a529d528f"
         "4f8499b7cb689dc7f7311adf1313d9fd7ed97a077f59244b80cba31de2a00aac"
         "25f035caa58a46d97d7b13326458230dead18b8b5a5e6aeb3dd79aee5eb4fded"
         "acb7886c037c623591e4a6e1354571bc91ad70a7ae51785c17d6f19c0ce31684"
         "b4984f67a83ed6f188e702d05433138a29909167ae89e0d98eaf34dcf4acada3"
         "bc49395c6c5a776117ce1e916dd15fb8263614f8212fa29e370279256dfba2d3"
         "28467c4d6c340cd4d4196300bbd733bb64f95eb881d3642b128f202b3dcfb21b"
         "5827f84c042e5b567ee2841197a459db1da3913701182bce75f6e2f523f5a169"}},
       // the vault key, then the data key
       "9f4659a84bd89a192fab0945af943c0175c1d5fa0e54d06c0759f27b631968b0"
       "edf17d805faca89f217fc04fc98631ad667ed391308852e5e28b9842d5353bc8"},
      {"folio backup",
       "tests/vectors/backup/success (written by tests/format/age_file.py)",
       Primitive::backup,
       {{"identity", "AGE-SECRET-KEY-18U753GKTQ24P2AH9WMXW0PRQXJS5PV25V0UVLZX38TDAQZ0MZ9CQK093HA"},
        {"file",
         "6167652d656e6372797074696f6e2e6f72672f76310a2d3e2058323535313920456443316a4d4979747a2b425"
         "42f7574"
         "4d64336578424a7a696c4a756b52754c5235796151434d317853490a4c4b49764c65554a6e3955744d5a59626"
         "9677656"
         "764c78474555646a444d385461746a54784d394f58764d0a2d2d2d206a58654d383641456c78514a724e72375"
         "354686b"
         "6d57436f72742b7172662f5762702f71484c6f594d31550addf756e2880f682158e37b50f993ee2d21dc5c176"
         "8dc8061"
         "3f6d94d7858121128a665a1b31c20fcb60a8e32aa13bff2630ffc8f97be6e131e0e248a6a721771d5b6f41304"
         "b7f2c4e"
         "0d078ff17e1fad0827b2206a5e5844ec9aa253dba414a0212174da54bd220069132815ad97d0956400bb8117e"
         "a2a217a"
         "a767f31e2903868a2877aadec1ce0c78d02ef34805fd671cce437fb234f82410a3ec6627d7ae25805fa6a8f46"
         "a2ad2a0"
         "017e27acac6f1da74d7197a328234d59749b57ef2d665ae18485db5ea2bfc36ed3bf3b726808a53f80e0a11c1"
         "29b168e"
         "ddc9089888a87031961828d4395db748d65e59e556d37d8529d1d41fdd6552ad778ebbaf1d61697c23bc9bfce"
         "952f923"
         "b125f8c378a8512270c4c62869065be5bb6ab19027992112832922244a81feaaaca37f45b0f651a9192d8c6bc"
         "e9ab1fd"
         "b3cee9751716a5eb22e8ec23bb695987dc36edc3c1f82a5f37d91a3af64457ddba33d6459464cea7d994a13d7"
         "1a42e93"
         "bafc4e95beade1743109a054beb1af975dc161e55655e229258ffbd67cd22935a70fc818dc86305940bd544e6"
         "06675fd"
         "875e14d166dc50f3e74c418ce1d25344deea9ebfb9fe99f85a63950d2a"}},
       // SHA-256 of the payload: a folio-backup head line, one entry, the end line
       "5ee459953ac531b7c3190ef015c221a34228066371194c3c0bb6acd68083c24b"},
  };
}

}  // namespace folio::vectors
