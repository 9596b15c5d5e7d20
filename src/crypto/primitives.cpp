// Checked wrappers over libsodium 1.0.18 for the age layer and the vector
// runners. Sizes are validated here so a caller's mistake is an Error, never
// an out-of-bounds read inside libsodium.
#include "crypto/primitives.h"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "folio/error.h"

namespace folio::crypto {
namespace {

// Idempotent and cheap after the first call; libsodium picks its fastest
// implementations here, and randombytes needs it.
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw Error(Errc::internal, "libsodium could not be initialised");
}

void require_size(ByteView bytes, std::size_t size, const char* what) {
  if (bytes.size() != size) {
    throw Error(Errc::invalid_argument, std::string(what) + " must be " + std::to_string(size) +
                                            " bytes, not " + std::to_string(bytes.size()));
  }
}

// libsodium takes a null pointer for an empty buffer only in some calls; a
// span's data() may be null when empty, so give every call a real address.
const unsigned char* ptr(ByteView bytes) {
  static const unsigned char empty = 0;
  return bytes.empty() ? &empty : bytes.data();
}

// The AEAD pair, parameterised by libsodium's function pointers.
using SealFn = int (*)(unsigned char*, unsigned long long*, const unsigned char*,
                       unsigned long long, const unsigned char*, unsigned long long,
                       const unsigned char*, const unsigned char*, const unsigned char*);
using OpenFn = int (*)(unsigned char*, unsigned long long*, unsigned char*, const unsigned char*,
                       unsigned long long, const unsigned char*, unsigned long long,
                       const unsigned char*, const unsigned char*);

Bytes aead_seal(SealFn seal, std::size_t nonce_size, ByteView key, ByteView nonce, ByteView ad,
                ByteView plaintext) {
  ensure_sodium();
  require_size(key, 32, "an AEAD key");
  require_size(nonce, nonce_size, "an AEAD nonce");
  Bytes out(plaintext.size() + 16);
  unsigned long long out_len = 0;
  seal(out.data(), &out_len, ptr(plaintext), plaintext.size(), ptr(ad), ad.size(), nullptr,
       nonce.data(), key.data());
  out.resize(static_cast<std::size_t>(out_len));
  return out;
}

std::optional<Bytes> aead_open(OpenFn open, std::size_t nonce_size, ByteView key, ByteView nonce,
                               ByteView ad, ByteView sealed) {
  ensure_sodium();
  require_size(key, 32, "an AEAD key");
  require_size(nonce, nonce_size, "an AEAD nonce");
  if (sealed.size() < 16) return std::nullopt;
  Bytes out(sealed.size() - 16);
  unsigned long long out_len = 0;
  // out.data() may be null for an empty plaintext; libsodium writes nothing then.
  unsigned char scratch = 0;
  if (open(out.empty() ? &scratch : out.data(), &out_len, nullptr, sealed.data(), sealed.size(),
           ptr(ad), ad.size(), nonce.data(), key.data()) != 0) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(out_len));
  return out;
}

}  // namespace

std::array<std::uint8_t, 32> hmac_sha256(ByteView key, ByteView message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, ptr(key), key.size());
  crypto_auth_hmacsha256_update(&state, ptr(message), message.size());
  std::array<std::uint8_t, 32> tag;
  crypto_auth_hmacsha256_final(&state, tag.data());
  sodium_memzero(&state, sizeof state);
  return tag;
}

std::array<std::uint8_t, 64> hmac_sha512(ByteView key, ByteView message) {
  crypto_auth_hmacsha512_state state;
  crypto_auth_hmacsha512_init(&state, ptr(key), key.size());
  crypto_auth_hmacsha512_update(&state, ptr(message), message.size());
  std::array<std::uint8_t, 64> tag;
  crypto_auth_hmacsha512_final(&state, tag.data());
  sodium_memzero(&state, sizeof state);
  return tag;
}

Secret hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  constexpr std::size_t kHash = 32;
  if (length > 255 * kHash) {
    throw Error(Errc::invalid_argument, "HKDF-SHA256 output is limited to 8160 bytes");
  }
  // Extract: PRK = HMAC(salt, IKM); an absent salt is HashLen zero bytes.
  static const std::uint8_t zero_salt[kHash] = {};
  auto prk = hmac_sha256(salt.empty() ? ByteView(zero_salt, kHash) : salt, ikm);

  // Expand: T(i) = HMAC(PRK, T(i-1) || info || i).
  Secret out(length);
  std::array<std::uint8_t, kHash> block{};
  std::size_t done = 0;
  for (unsigned counter = 1; done < length; ++counter) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, prk.data(), prk.size());
    if (counter > 1) crypto_auth_hmacsha256_update(&state, block.data(), block.size());
    crypto_auth_hmacsha256_update(&state, ptr(info), info.size());
    const auto c = static_cast<unsigned char>(counter);
    crypto_auth_hmacsha256_update(&state, &c, 1);
    crypto_auth_hmacsha256_final(&state, block.data());
    sodium_memzero(&state, sizeof state);
    const std::size_t take = std::min(kHash, length - done);
    std::copy(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(take), out.data() + done);
    done += take;
  }
  sodium_memzero(block.data(), block.size());
  sodium_memzero(prk.data(), prk.size());
  return out;
}

Bytes chacha20poly1305_seal(ByteView key, ByteView nonce, ByteView ad, ByteView plaintext) {
  return aead_seal(crypto_aead_chacha20poly1305_ietf_encrypt,
                   crypto_aead_chacha20poly1305_ietf_NPUBBYTES, key, nonce, ad, plaintext);
}

std::optional<Bytes> chacha20poly1305_open(ByteView key, ByteView nonce, ByteView ad,
                                           ByteView sealed) {
  return aead_open(crypto_aead_chacha20poly1305_ietf_decrypt,
                   crypto_aead_chacha20poly1305_ietf_NPUBBYTES, key, nonce, ad, sealed);
}

std::size_t chacha20poly1305_seal_into(ByteView key, ByteView nonce, ByteView ad,
                                       ByteView plaintext, std::span<std::uint8_t> out) {
  ensure_sodium();
  require_size(key, 32, "an AEAD key");
  require_size(nonce, crypto_aead_chacha20poly1305_ietf_NPUBBYTES, "an AEAD nonce");
  if (out.size() < plaintext.size() + 16) {
    throw Error(Errc::invalid_argument, "the AEAD output buffer is too small");
  }
  unsigned long long out_len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &out_len, ptr(plaintext), plaintext.size(),
                                            ptr(ad), ad.size(), nullptr, nonce.data(), key.data());
  return static_cast<std::size_t>(out_len);
}

bool chacha20poly1305_open_into(ByteView key, ByteView nonce, ByteView ad, ByteView sealed,
                                std::span<std::uint8_t> out) {
  ensure_sodium();
  require_size(key, 32, "an AEAD key");
  require_size(nonce, crypto_aead_chacha20poly1305_ietf_NPUBBYTES, "an AEAD nonce");
  if (sealed.size() < 16) return false;
  if (out.size() < sealed.size() - 16) {
    throw Error(Errc::invalid_argument, "the AEAD output buffer is too small");
  }
  unsigned char scratch = 0;
  unsigned long long out_len = 0;
  return crypto_aead_chacha20poly1305_ietf_decrypt(out.empty() ? &scratch : out.data(), &out_len,
                                                   nullptr, sealed.data(), sealed.size(), ptr(ad),
                                                   ad.size(), nonce.data(), key.data()) == 0;
}

Bytes xchacha20poly1305_seal(ByteView key, ByteView nonce, ByteView ad, ByteView plaintext) {
  return aead_seal(crypto_aead_xchacha20poly1305_ietf_encrypt,
                   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, key, nonce, ad, plaintext);
}

std::optional<Bytes> xchacha20poly1305_open(ByteView key, ByteView nonce, ByteView ad,
                                            ByteView sealed) {
  return aead_open(crypto_aead_xchacha20poly1305_ietf_decrypt,
                   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, key, nonce, ad, sealed);
}

std::optional<std::array<std::uint8_t, 32>> x25519(ByteView scalar, ByteView point) {
  ensure_sodium();
  require_size(scalar, crypto_scalarmult_curve25519_SCALARBYTES, "an X25519 scalar");
  require_size(point, crypto_scalarmult_curve25519_BYTES, "an X25519 point");
  // Written in place, so that no copy of the shared secret stays on the stack.
  std::optional<std::array<std::uint8_t, 32>> shared(std::in_place);
  // libsodium returns -1 exactly when the result is all zero (a low-order point).
  if (crypto_scalarmult_curve25519(shared->data(), scalar.data(), point.data()) != 0) {
    sodium_memzero(shared->data(), shared->size());
    return std::nullopt;
  }
  return shared;
}

std::array<std::uint8_t, 32> x25519_base(ByteView scalar) {
  ensure_sodium();
  require_size(scalar, crypto_scalarmult_curve25519_SCALARBYTES, "an X25519 scalar");
  std::array<std::uint8_t, 32> point;
  if (crypto_scalarmult_curve25519_base(point.data(), scalar.data()) != 0) {
    throw Error(Errc::internal, "X25519 base-point multiplication failed");
  }
  return point;
}

Secret scrypt(ByteView passphrase, ByteView salt, unsigned log2_n, std::uint32_t r, std::uint32_t p,
              std::size_t length) {
  if (log2_n < 1 || log2_n > 63 || r == 0 || p == 0 || length == 0) {
    throw Error(Errc::invalid_argument, "scrypt parameters out of range");
  }
  Secret out(length);
  if (crypto_pwhash_scryptsalsa208sha256_ll(ptr(passphrase), passphrase.size(), ptr(salt),
                                            salt.size(), std::uint64_t{1} << log2_n, r, p,
                                            out.data(), out.size()) != 0) {
    throw Error(Errc::invalid_argument, "scrypt could not run with N = 2^" +
                                            std::to_string(log2_n) + ", r = " + std::to_string(r) +
                                            ", p = " + std::to_string(p));
  }
  return out;
}

Bytes blake2b(ByteView message, ByteView key, std::size_t length) {
  // libsodium's BYTES_MIN (16) is a recommendation; BLAKE2b itself allows 1..64.
  if (length < 1 || length > crypto_generichash_BYTES_MAX) {
    throw Error(Errc::invalid_argument, "BLAKE2b output must be 1 to 64 bytes");
  }
  if (key.size() > crypto_generichash_KEYBYTES_MAX) {
    throw Error(Errc::invalid_argument, "a BLAKE2b key must be at most 64 bytes");
  }
  Bytes out(length);
  if (crypto_generichash(out.data(), out.size(), ptr(message), message.size(),
                         key.empty() ? nullptr : key.data(), key.size()) != 0) {
    throw Error(Errc::internal, "BLAKE2b failed");
  }
  return out;
}

bool equal_constant_time(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_hex(ByteView bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

}  // namespace folio::crypto
