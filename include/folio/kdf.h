// folio/kdf.h: the cost of Argon2id, the key-derivation function that turns a
// passphrase into the key that unwraps a keyslot.
#pragma once

#include <chrono>
#include <cstdint>

namespace folio {

struct KdfParams {
  std::uint32_t ops = 0;       // Argon2id passes (crypto_pwhash opslimit)
  std::uint64_t memory = 0;    // bytes (crypto_pwhash memlimit); a multiple of 1 KiB

  bool operator==(const KdfParams&) const = default;
};

// The recommended floor: below it `folio init` needs --allow-weak-kdf and warns.
inline constexpr std::uint32_t kKdfFloorOps = 2;
inline constexpr std::uint64_t kKdfFloorMemory = 256ull << 20;  // 256 MiB

// What a keyslot may ask for; anything outside is a damaged or hostile header
// and is refused before any work is done.
inline constexpr std::uint32_t kKdfMaxOps = 64;
inline constexpr std::uint64_t kKdfMinMemory = 8ull << 10;     // 8 KiB (libsodium's minimum)
inline constexpr std::uint64_t kKdfMaxMemory = 4ull << 30;     // 4 GiB

// The cheapest parameters folio accepts (with --allow-weak-kdf); for tests
// and benchmarks only.
inline constexpr KdfParams kKdfCheapest{1, 8ull << 10};

bool is_below_floor(const KdfParams& p) noexcept;
bool is_within_bounds(const KdfParams& p) noexcept;

// Measures Argon2id on this machine and returns parameters with `memory`
// whose cost is close to `target` (KeePassXC's approach: calibrate to a time,
// not to fixed numbers), with at least kKdfFloorOps passes. Takes about the
// time of four passes.
KdfParams calibrate_kdf(std::chrono::milliseconds target = std::chrono::milliseconds(1000),
                        std::uint64_t memory = kKdfFloorMemory);

}  // namespace folio
