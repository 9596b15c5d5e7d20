#include <sodium.h>

#include <array>
#include <chrono>
#include <cstring>
#include <string>

#include "crypto/keyslot.h"
#include "folio/kdf.h"
#include "support.h"

using namespace folio;
using folio_test::error_code_of;
using folio_test::random_secret;

namespace {

constexpr char kMaskKey[] = "folio keyslot parameter mask v1";  // FORMAT.md: 31 bytes
constexpr KdfParams kCheap = kKdfCheapest;

using Params = std::array<std::uint8_t, kParamsSize>;

// FORMAT.md "The mask": BLAKE2b(40 bytes, key = K_mask, message = salt).
Params mask_of(const HeaderBytes& h, std::size_t slot) {
  Params mask{};
  REQUIRE(crypto_generichash(mask.data(), mask.size(), h.data() + slot * kSlotSize + kSaltOffset,
                             kSaltSize, reinterpret_cast<const unsigned char*>(kMaskKey),
                             sizeof kMaskKey - 1) == 0);
  return mask;
}

Params unmask(const HeaderBytes& h, std::size_t slot) {
  Params p{};
  std::memcpy(p.data(), h.data() + slot * kSlotSize + kParamsOffset, kParamsSize);
  Params mask = mask_of(h, slot);
  for (std::size_t i = 0; i < kParamsSize; ++i) p[i] ^= mask[i];
  return p;
}

void remask(HeaderBytes& h, std::size_t slot, Params p) {
  Params mask = mask_of(h, slot);
  for (std::size_t i = 0; i < kParamsSize; ++i) p[i] ^= mask[i];
  std::memcpy(h.data() + slot * kSlotSize + kParamsOffset, p.data(), kParamsSize);
}

void put_le(std::uint8_t* p, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// A header with a passphrase slot (0) and a recovery slot (1), like `init` writes.
struct Sealed {
  Secret data_key = random_secret(kDataKeySize);
  Secret passphrase = Secret::from("correct horse battery staple");
  Secret recovery = Secret::from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  HeaderBytes header = random_header();

  Sealed() {
    seal_slot(header, 0, SlotKind::passphrase, kCheap, passphrase, data_key);
    seal_slot(header, 1, SlotKind::recovery_code, kCheap, recovery, data_key);
  }
};

}  // namespace

TEST_CASE("a sealed slot opens with its secret and gives back the data key", "[crypto]") {
  Sealed s;
  Unlocked u = open_header(s.header, SlotKind::passphrase, s.passphrase);
  CHECK(u.key.equals(s.data_key));
  CHECK(u.slot == 0);
  CHECK(u.cost == kCheap);

  Unlocked r = open_header(s.header, SlotKind::recovery_code, s.recovery);
  CHECK(r.key.equals(s.data_key));
  CHECK(r.slot == 1);
}

TEST_CASE("a slot in any position is found", "[crypto]") {
  Secret key = random_secret(kDataKeySize);
  Secret pass = Secret::from("p");
  HeaderBytes h = random_header();
  seal_slot(h, kSlotCount - 1, SlotKind::passphrase, {1, 16 << 10}, pass, key);
  Unlocked u = open_header(h, SlotKind::passphrase, pass);
  CHECK(u.slot == kSlotCount - 1);
  CHECK(u.cost == KdfParams{1, 16 << 10});
  CHECK(u.key.equals(key));
}

TEST_CASE("read_slot reports what seal_slot wrote", "[crypto]") {
  Sealed s;
  auto p = read_slot(s.header, 0);
  REQUIRE(p);
  CHECK(p->version == kFormatVersion);
  CHECK(p->kind == static_cast<std::uint8_t>(SlotKind::passphrase));
  CHECK(p->kdf == 1);
  CHECK(p->cost == kCheap);
  CHECK(p->reserved_zero);
  auto r = read_slot(s.header, 1);
  REQUIRE(r);
  CHECK(r->kind == static_cast<std::uint8_t>(SlotKind::recovery_code));
}

TEST_CASE("the unmasked params follow the FORMAT.md table byte for byte", "[crypto]") {
  Sealed s;
  Params p = unmask(s.header, 0);
  CHECK(std::memcmp(p.data(), "folio-ks", 8) == 0);
  CHECK(p[8] == 1);
  CHECK(p[9] == 0);   // version 1, u16 LE
  CHECK(p[10] == 1);  // passphrase
  CHECK(p[11] == 1);  // Argon2id
  CHECK(p[12] == 1);  // ops = 1, u32 LE
  CHECK(p[13] == 0);
  CHECK(p[16] == 0x00);  // memory = 8192 = 0x2000, u64 LE
  CHECK(p[17] == 0x20);
  for (std::size_t i = 18; i < kParamsSize; ++i) CHECK(p[i] == 0);
}

TEST_CASE("the wrong secret gives wrong_passphrase", "[crypto]") {
  Sealed s;
  CHECK_ERRC(open_header(s.header, SlotKind::passphrase, Secret::from("correct horse battery stapl")),
             Errc::wrong_passphrase);
  CHECK_ERRC(open_header(s.header, SlotKind::recovery_code, s.passphrase), Errc::wrong_passphrase);
}

TEST_CASE("a recovery-code slot is not opened by a passphrase request", "[crypto]") {
  Sealed s;
  // The recovery code as a passphrase: only the passphrase slot is tried.
  CHECK_ERRC(open_header(s.header, SlotKind::passphrase, s.recovery), Errc::wrong_passphrase);

  // With no passphrase slot at all, a header is damaged (or foreign).
  HeaderBytes only_recovery = random_header();
  seal_slot(only_recovery, 3, SlotKind::recovery_code, kCheap, s.recovery, s.data_key);
  CHECK_ERRC(open_header(only_recovery, SlotKind::passphrase, s.recovery), Errc::corrupt);
  CHECK(open_header(only_recovery, SlotKind::recovery_code, s.recovery).slot == 3);
}

TEST_CASE("a header of random bytes has no used slot", "[crypto]") {
  HeaderBytes h = random_header();
  for (std::size_t i = 0; i < kSlotCount; ++i) CHECK_FALSE(read_slot(h, i).has_value());
  CHECK_ERRC(open_header(h, SlotKind::passphrase, Secret::from("x")), Errc::corrupt);
  CHECK_FALSE(random_header() == h);
}

TEST_CASE("clear_slot makes a used slot unused", "[crypto]") {
  Sealed s;
  clear_slot(s.header, 0);
  CHECK_FALSE(read_slot(s.header, 0).has_value());
  CHECK(read_slot(s.header, 1).has_value());
}

TEST_CASE("two seals of the same key use fresh salt, nonce and ciphertext", "[crypto]") {
  Sealed s;
  HeaderBytes again = s.header;
  seal_slot(again, 0, SlotKind::passphrase, kCheap, s.passphrase, s.data_key);
  CHECK(std::memcmp(again.data(), s.header.data(), kSlotSize) != 0);
  CHECK(std::memcmp(again.data() + kSaltOffset, s.header.data() + kSaltOffset, kSaltSize) != 0);
  CHECK(std::memcmp(again.data() + kNonceOffset, s.header.data() + kNonceOffset, kNonceSize) != 0);
  CHECK(open_header(again, SlotKind::passphrase, s.passphrase).key.equals(s.data_key));
}

TEST_CASE("seal_slot refuses KDF parameters out of bounds", "[crypto]") {
  Sealed s;
  HeaderBytes before = s.header;
  CHECK_ERRC(seal_slot(s.header, 2, SlotKind::passphrase, {0, 8192}, s.passphrase, s.data_key),
             Errc::invalid_argument);
  CHECK_ERRC(seal_slot(s.header, 2, SlotKind::passphrase, {1, 8ull << 30}, s.passphrase,
                       s.data_key),
             Errc::invalid_argument);
  CHECK(s.header == before);
}

// Every single-byte change in the used slot: never success, never a crash.
// Flips XOR 0x01, so no flip asks for a costly KDF (a flip in the top memory
// byte turns 8 KiB into 16 MiB, still cheap).
TEST_CASE("a single flipped byte in the passphrase slot never opens it", "[crypto]") {
  Sealed s;
  auto flip_and_open = [&](std::size_t offset) {
    HeaderBytes h = s.header;
    h[offset] ^= 0x01;
    return error_code_of([&] { (void)open_header(h, SlotKind::passphrase, s.passphrase); });
  };

  SECTION("salt: the mask changes, the slot looks unused") {
    for (std::size_t i = kSaltOffset; i < kSaltOffset + kSaltSize; ++i) {
      INFO("offset " << i);
      CHECK(flip_and_open(i) == Errc::corrupt);
    }
  }
  SECTION("masked params") {
    for (std::size_t i = kParamsOffset; i < kParamsOffset + kParamsSize; ++i) {
      INFO("offset " << i << " (params byte " << i - kParamsOffset << ")");
      auto code = flip_and_open(i);
      REQUIRE(code.has_value());
      std::size_t field = i - kParamsOffset;
      if (field == 9) {
        // The high byte of the format version: version 257 reads as "made by a
        // newer folio" (FORMAT.md, step 2) since nothing tells it from damage.
        CHECK(*code == Errc::unsupported_version);
      } else {
        CHECK((*code == Errc::corrupt || *code == Errc::wrong_passphrase));
      }
    }
  }
  SECTION("nonce") {
    for (std::size_t i = kNonceOffset; i < kNonceOffset + kNonceSize; ++i) {
      INFO("offset " << i);
      CHECK(flip_and_open(i) == Errc::wrong_passphrase);
    }
  }
  SECTION("wrapped key and tag") {
    for (std::size_t i = kWrappedOffset; i < kWrappedOffset + kWrappedSize; ++i) {
      INFO("offset " << i);
      CHECK(flip_and_open(i) == Errc::wrong_passphrase);
    }
  }
}

TEST_CASE("a flipped reserved byte is caught by the AEAD", "[crypto]") {
  Sealed s;
  Params p = unmask(s.header, 0);
  p[30] = 0x5a;
  remask(s.header, 0, p);
  auto sp = read_slot(s.header, 0);
  REQUIRE(sp);
  CHECK_FALSE(sp->reserved_zero);
  CHECK_ERRC(open_header(s.header, SlotKind::passphrase, s.passphrase), Errc::wrong_passphrase);
}

TEST_CASE("a slot rewritten as format version 2 gives unsupported_version", "[crypto]") {
  Sealed s;
  Params p = unmask(s.header, 0);
  REQUIRE(std::memcmp(p.data(), "folio-ks", 8) == 0);
  put_le(p.data() + 8, 2, 2);
  remask(s.header, 0, p);

  auto sp = read_slot(s.header, 0);
  REQUIRE(sp);
  CHECK(sp->version == 2);
  CHECK_ERRC(open_header(s.header, SlotKind::passphrase, s.passphrase), Errc::unsupported_version);
  // The recovery slot is still version 1 and still opens.
  CHECK(open_header(s.header, SlotKind::recovery_code, s.recovery).key.equals(s.data_key));
}

TEST_CASE("a version-2 slot next to a working version-1 slot is skipped", "[crypto]") {
  Sealed s;
  seal_slot(s.header, 2, SlotKind::passphrase, kCheap, s.passphrase, s.data_key);
  Params p = unmask(s.header, 0);
  put_le(p.data() + 8, 2, 2);
  remask(s.header, 0, p);
  CHECK(open_header(s.header, SlotKind::passphrase, s.passphrase).slot == 2);
}

TEST_CASE("KDF settings out of bounds in a slot give corrupt before any KDF runs", "[crypto]") {
  Sealed s;
  auto rewrite = [&](std::uint8_t kdf, std::uint32_t ops, std::uint64_t memory) {
    HeaderBytes h = s.header;
    Params p = unmask(h, 0);
    p[11] = kdf;
    put_le(p.data() + 12, ops, 4);
    put_le(p.data() + 16, memory, 8);
    remask(h, 0, p);
    return h;
  };
  auto timed_code = [&](const HeaderBytes& h, std::chrono::milliseconds& took) {
    auto start = std::chrono::steady_clock::now();
    auto code = error_code_of([&] { (void)open_header(h, SlotKind::passphrase, s.passphrase); });
    took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
    return code;
  };
  std::chrono::milliseconds took{};

  CHECK(timed_code(rewrite(1, 1, 8ull << 30), took) == Errc::corrupt);  // memory 8 GiB
  CHECK(took.count() < 200);
  CHECK(timed_code(rewrite(1, 0, 8192), took) == Errc::corrupt);  // ops 0
  CHECK(timed_code(rewrite(1, 1, 4096), took) == Errc::corrupt);  // memory below 8 KiB
  CHECK(timed_code(rewrite(1, 1, 8192 + 512), took) == Errc::corrupt);  // not whole KiB
  CHECK(timed_code(rewrite(2, 1, 8192), took) == Errc::corrupt);  // unknown KDF
  // 65 passes over 256 MiB would take many seconds: an answer within 200 ms
  // means no KDF ran.
  CHECK(timed_code(rewrite(1, 65, 256ull << 20), took) == Errc::corrupt);
  CHECK(took.count() < 200);
  CHECK(timed_code(rewrite(1, 1, (4ull << 30) + 1024), took) == Errc::corrupt);
  CHECK(took.count() < 200);
}

TEST_CASE("the database key is BLAKE2b keyed with the data key over the label", "[crypto]") {
  Secret dek = random_secret(kDataKeySize);
  static constexpr char kLabel[] = "folio sqlcipher key v1";
  REQUIRE(sizeof kLabel - 1 == 22);
  unsigned char expected[32];
  REQUIRE(crypto_generichash(expected, sizeof expected,
                             reinterpret_cast<const unsigned char*>(kLabel), sizeof kLabel - 1,
                             dek.data(), dek.size()) == 0);
  Secret key = database_key(dek);
  REQUIRE(key.size() == 32);
  CHECK(std::memcmp(key.data(), expected, sizeof expected) == 0);
  CHECK_FALSE(key.equals(dek));
}

TEST_CASE("derive_kek is Argon2id13 with the slot's salt and cost", "[crypto]") {
  Secret pass = Secret::from("pass");
  std::uint8_t salt[kSaltSize];
  folio::random_bytes(salt, sizeof salt);
  unsigned char expected[32];
  REQUIRE(crypto_pwhash(expected, sizeof expected, "pass", 4, salt, 1, 8192,
                        crypto_pwhash_ALG_ARGON2ID13) == 0);
  Secret kek = derive_kek(pass, salt, kCheap);
  REQUIRE(kek.size() == 32);
  CHECK(std::memcmp(kek.data(), expected, sizeof expected) == 0);
  CHECK_ERRC(derive_kek(pass, salt, {0, 8192}), Errc::invalid_argument);
}
