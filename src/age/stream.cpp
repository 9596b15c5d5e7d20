// The age payload cipher (age.md, "Payload"): STREAM over ChaCha20-Poly1305
// with the payload key HKDF(file key, nonce, "payload") and a 12-byte nonce
// made of an 11-byte big-endian chunk counter and a last-chunk flag.
#include "age/format.h"

namespace folio::age::detail {

PayloadCipher::PayloadCipher(const Secret& file_key, ByteView nonce)
    : key_(crypto::hkdf_sha256(crypto::view(file_key), nonce, bytes_of("payload"), 32)) {}

std::array<std::uint8_t, 12> PayloadCipher::nonce(bool last) const {
  std::array<std::uint8_t, 12> out{};
  // The counter fills the low 8 of the 11 counter bytes; 2^64 chunks of
  // 64 KiB are beyond any file.
  for (int i = 0; i < 8; ++i) out[10 - i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
  out[11] = last ? 1 : 0;
  return out;
}

std::size_t PayloadCipher::seal(ByteView plain, bool last, std::span<std::uint8_t> out) {
  const std::size_t n =
      crypto::chacha20poly1305_seal_into(crypto::view(key_), nonce(last), {}, plain, out);
  ++counter_;
  return n;
}

std::optional<std::size_t> PayloadCipher::open(ByteView sealed, bool last,
                                               std::span<std::uint8_t> out) {
  if (sealed.size() < kTagSize) return std::nullopt;
  if (!crypto::chacha20poly1305_open_into(crypto::view(key_), nonce(last), {}, sealed, out)) {
    return std::nullopt;
  }
  ++counter_;
  return sealed.size() - kTagSize;
}

}  // namespace folio::age::detail
