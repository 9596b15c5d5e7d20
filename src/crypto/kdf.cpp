#include "folio/kdf.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "crypto/keyslot.h"
#include "folio/error.h"
#include "folio/i18n.h"

namespace folio {

bool is_below_floor(const KdfParams& p) noexcept {
  return p.ops < kKdfFloorOps || p.memory < kKdfFloorMemory;
}

bool is_within_bounds(const KdfParams& p) noexcept {
  return p.ops >= 1 && p.ops <= kKdfMaxOps && p.memory >= kKdfMinMemory &&
         p.memory <= kKdfMaxMemory && p.memory % 1024 == 0;
}

Secret derive_kek(const Secret& secret, const std::uint8_t* salt, const KdfParams& p) {
  if (!is_within_bounds(p)) {
    throw Error(Errc::invalid_argument, tr("KDF parameters out of bounds"));
  }
  Secret kek(32);
  if (crypto_pwhash(kek.data(), kek.size(), reinterpret_cast<const char*>(secret.data()),
                    secret.size(), salt, p.ops, static_cast<std::size_t>(p.memory),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(Errc::io, tr("not enough memory for the key derivation"),
                trf("the vault's KDF needs {0} MiB; close other programs and try again", p.memory >> 20));
  }
  return kek;
}

KdfParams calibrate_kdf(std::chrono::milliseconds target, std::uint64_t memory) {
  using clock = std::chrono::steady_clock;
  Secret probe = Secret::from("calibration");
  std::uint8_t salt[crypto_pwhash_SALTBYTES] = {};
  auto time_ops = [&](std::uint32_t ops) {
    auto start = clock::now();
    Secret kek = derive_kek(probe, salt, KdfParams{ops, memory});
    return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start).count();
  };
  // Argon2id costs a fixed part (allocating and filling the memory) plus a
  // part per pass; timing one and three passes separates the two.
  std::int64_t t1 = time_ops(1);
  std::int64_t t3 = time_ops(3);
  std::int64_t per_pass = std::max<std::int64_t>((t3 - t1) / 2, 1);
  std::int64_t fixed = std::max<std::int64_t>(t1 - per_pass, 0);
  std::int64_t budget = std::chrono::duration_cast<std::chrono::microseconds>(target).count() - fixed;
  auto ops = static_cast<std::uint32_t>(std::max<std::int64_t>(budget / per_pass, 1));
  return KdfParams{std::clamp<std::uint32_t>(ops, kKdfFloorOps, kKdfMaxOps), memory};
}

}  // namespace folio
