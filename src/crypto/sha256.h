// Streaming SHA-256 (libsodium's crypto_hash_sha256), for the payload hashes
// of the C2SP age test vectors.
#pragma once

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace folio::crypto {

class Sha256 {
 public:
  Sha256();
  void update(const std::uint8_t* data, std::size_t size);
  // The 32-byte digest. Call once.
  std::array<std::uint8_t, 32> finish();

 private:
  crypto_hash_sha256_state state_;
};

}  // namespace folio::crypto
