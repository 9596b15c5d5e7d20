// Streaming BLAKE2b-256, for attachment checksums.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace folio {

class Blake2b {
 public:
  Blake2b();
  void update(const void* data, std::size_t size);
  // Lower-case hex of the 32-byte digest. Call once.
  std::string hex();

 private:
  crypto_generichash_state state_;
};

}  // namespace folio
