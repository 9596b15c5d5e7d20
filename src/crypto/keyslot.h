// The vault header: 8 keyslots of 128 bytes. A passphrase or recovery-code
// slot wraps the vault key under a key derived from its secret; a data-key
// slot wraps the database's data key under the vault key. docs/FORMAT.md is
// the byte-level contract; the constants below are its tables.
//
// The extra level lets the data key change (rekey) without the secrets: the
// data-key slot is rewritten, the secret slots are not.
//
// Invariants:
//  1. A header is exactly kHeaderSize bytes; there is nothing outside the slots.
//  2. An unused slot is random bytes. A used slot's params, unmasked, start with
//     kCheck; nothing else marks it.
//  3. The AEAD's associated data is salt || unmasked params, so every parameter
//     is authenticated together with the wrapped key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "folio/kdf.h"
#include "folio/secret.h"

namespace folio {

inline constexpr std::size_t kSlotCount = 8;
inline constexpr std::size_t kSlotSize = 128;
inline constexpr std::size_t kHeaderSize = kSlotCount * kSlotSize;

inline constexpr std::size_t kSaltOffset = 0, kSaltSize = 16;
inline constexpr std::size_t kParamsOffset = 16, kParamsSize = 40;
inline constexpr std::size_t kNonceOffset = 56, kNonceSize = 24;
inline constexpr std::size_t kWrappedOffset = 80, kWrappedSize = 48;  // 32 key + 16 tag

inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::size_t kDataKeySize = 32;  // the vault key and the data key

enum class SlotKind : std::uint8_t { passphrase = 1, recovery_code = 2, data_key = 3 };

using HeaderBytes = std::array<std::uint8_t, kHeaderSize>;

// What an unmasked slot says about itself.
struct SlotParams {
  std::uint16_t version = 0;
  std::uint8_t kind = 0;
  std::uint8_t kdf = 0;
  KdfParams cost;
  bool reserved_zero = true;
};

// The slot's params, unmasked; nullopt if the slot is unused (no check word).
std::optional<SlotParams> read_slot(const HeaderBytes& header, std::size_t index);

// A header of random bytes: every slot unused.
HeaderBytes random_header();

// Writes a passphrase or recovery-code slot at `index` wrapping `key` (the
// vault key) under `secret`, with a fresh salt and nonce.
void seal_slot(HeaderBytes& header, std::size_t index, SlotKind kind, const KdfParams& cost,
               const Secret& secret, const Secret& key);

// Writes a data-key slot at `index` wrapping `data_key` under `vault_key`.
void seal_data_slot(HeaderBytes& header, std::size_t index, const Secret& vault_key,
                    const Secret& data_key);

struct DataKey {
  Secret key;
  std::size_t slot = 0;
};

// Every data-key slot that `vault_key` opens, in slot order.
std::vector<DataKey> open_data_slots(const HeaderBytes& header, const Secret& vault_key);

// Overwrites a slot with random bytes.
void clear_slot(HeaderBytes& header, std::size_t index);

struct Unlocked {
  Secret key;  // the vault key
  std::size_t slot = 0;
  KdfParams cost;
};

// Tries every slot of `kind` with `secret`. Throws Error(wrong_passphrase)
// when none opens, Error(unsupported_version) when the only candidates are from
// a newer format, Error(corrupt) for parameters out of bounds.
Unlocked open_header(const HeaderBytes& header, SlotKind kind, const Secret& secret);

// Argon2id(secret, salt, cost) -> 32 bytes.
Secret derive_kek(const Secret& secret, const std::uint8_t* salt, const KdfParams& cost);

// BLAKE2b(key = data_key, "folio sqlcipher key v1") -> 32 bytes.
Secret database_key(const Secret& data_key);

}  // namespace folio
