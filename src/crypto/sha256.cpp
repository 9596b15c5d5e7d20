#include "crypto/sha256.h"

namespace folio::crypto {

Sha256::Sha256() { crypto_hash_sha256_init(&state_); }

void Sha256::update(const std::uint8_t* data, std::size_t size) {
  crypto_hash_sha256_update(&state_, data, size);
}

std::array<std::uint8_t, 32> Sha256::finish() {
  std::array<std::uint8_t, 32> digest{};
  crypto_hash_sha256_final(&state_, digest.data());
  return digest;
}

}  // namespace folio::crypto
