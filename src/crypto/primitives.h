// The primitives folio's age backups and its test-vector runner use, as thin,
// checked wrappers over libsodium 1.0.18. Every caller (the age layer,
// `folio selftest`, `folio vectors run`) goes through these, so that the
// vectors test folio's own layer, not libsodium directly.
//
// Sizes are checked: a key, nonce or scalar of the wrong length throws
// Error(invalid_argument). Authentication failures are not exceptions: the
// *_open functions return std::nullopt, x25519 returns std::nullopt for an
// all-zero shared secret (a low-order point).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "folio/secret.h"

namespace folio::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView view(const Secret& s) noexcept { return {s.data(), s.size()}; }

// HMAC (RFC 2104) over SHA-256 / SHA-512; any key length.
std::array<std::uint8_t, 32> hmac_sha256(ByteView key, ByteView message);
std::array<std::uint8_t, 64> hmac_sha512(ByteView key, ByteView message);

// HKDF-SHA256 (RFC 5869): extract with `salt` (empty means 32 zero bytes),
// expand with `info` to `length` bytes. length > 255 * 32 throws.
Secret hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length);

// ChaCha20-Poly1305 (RFC 8439, 32-byte key, 12-byte nonce) and
// XChaCha20-Poly1305 (24-byte nonce). seal returns ciphertext || 16-byte tag.
Bytes chacha20poly1305_seal(ByteView key, ByteView nonce, ByteView ad, ByteView plaintext);
std::optional<Bytes> chacha20poly1305_open(ByteView key, ByteView nonce, ByteView ad,
                                           ByteView sealed);
// The same into a caller's buffer, for streaming without an allocation per
// chunk: `out` must hold plaintext.size() + 16 (seal) or sealed.size() - 16
// (open) bytes. seal returns the bytes written; open returns false (and
// leaves `out` zeroed) when the tag does not verify.
std::size_t chacha20poly1305_seal_into(ByteView key, ByteView nonce, ByteView ad,
                                       ByteView plaintext, std::span<std::uint8_t> out);
bool chacha20poly1305_open_into(ByteView key, ByteView nonce, ByteView ad, ByteView sealed,
                                std::span<std::uint8_t> out);
Bytes xchacha20poly1305_seal(ByteView key, ByteView nonce, ByteView ad, ByteView plaintext);
std::optional<Bytes> xchacha20poly1305_open(ByteView key, ByteView nonce, ByteView ad,
                                            ByteView sealed);

// X25519 (RFC 7748). nullopt when the shared secret is all zero.
std::optional<std::array<std::uint8_t, 32>> x25519(ByteView scalar, ByteView point);
std::array<std::uint8_t, 32> x25519_base(ByteView scalar);

// scrypt (RFC 7914) with N = 2^log2_n. Throws invalid_argument for
// parameters libsodium cannot run.
Secret scrypt(ByteView passphrase, ByteView salt, unsigned log2_n, std::uint32_t r,
              std::uint32_t p, std::size_t length);

// BLAKE2b with an optional key, 1..64-byte output.
Bytes blake2b(ByteView message, ByteView key, std::size_t length);

// Constant-time comparison (for MACs): false when the sizes differ.
bool equal_constant_time(ByteView a, ByteView b) noexcept;

// Lower-case hex.
std::string to_hex(ByteView bytes);

}  // namespace folio::crypto
