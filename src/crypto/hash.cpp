#include "crypto/hash.h"

namespace folio {

Blake2b::Blake2b() { crypto_generichash_init(&state_, nullptr, 0, 32); }

void Blake2b::update(const void* data, std::size_t size) {
  crypto_generichash_update(&state_, static_cast<const unsigned char*>(data), size);
}

std::string Blake2b::hex() {
  unsigned char digest[32];
  crypto_generichash_final(&state_, digest, sizeof digest);
  char out[65];
  sodium_bin2hex(out, sizeof out, digest, sizeof digest);
  return out;
}

}  // namespace folio
