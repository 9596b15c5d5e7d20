#include "crypto/keyslot.h"

#include <sodium.h>

#include <cstring>
#include <string>

#include "folio/error.h"
#include "folio/i18n.h"

namespace folio {
namespace {

constexpr char kCheck[8] = {'f', 'o', 'l', 'i', 'o', '-', 'k', 's'};
constexpr char kMaskKey[] = "folio keyslot parameter mask v1";  // 31 bytes, no NUL
constexpr char kDbKeyLabel[] = "folio sqlcipher key v1";        // 22 bytes, no NUL
constexpr std::uint8_t kKdfArgon2id = 1;
constexpr std::uint8_t kKdfNone = 0;  // data-key slots: the key is the vault key itself

static_assert(kSaltSize == crypto_pwhash_SALTBYTES);
static_assert(kNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kWrappedSize == kDataKeySize + crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kWrappedOffset + kWrappedSize == kSlotSize);

using Params = std::array<std::uint8_t, kParamsSize>;

void put_le(std::uint8_t* p, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_le(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

const std::uint8_t* slot_ptr(const HeaderBytes& h, std::size_t i) { return h.data() + i * kSlotSize; }
std::uint8_t* slot_ptr(HeaderBytes& h, std::size_t i) { return h.data() + i * kSlotSize; }

// params XOR mask, in place; the mask is a public function of the salt.
void apply_mask(Params& params, const std::uint8_t* salt) {
  Params mask;
  crypto_generichash(mask.data(), mask.size(), salt, kSaltSize,
                     reinterpret_cast<const unsigned char*>(kMaskKey), sizeof kMaskKey - 1);
  for (std::size_t i = 0; i < kParamsSize; ++i) params[i] ^= mask[i];
}

Params unmasked_params(const HeaderBytes& h, std::size_t index) {
  const std::uint8_t* slot = slot_ptr(h, index);
  Params params;
  std::memcpy(params.data(), slot + kParamsOffset, kParamsSize);
  apply_mask(params, slot + kSaltOffset);
  return params;
}

std::array<std::uint8_t, kSaltSize + kParamsSize> associated_data(const std::uint8_t* salt,
                                                                   const Params& params) {
  std::array<std::uint8_t, kSaltSize + kParamsSize> ad;
  std::memcpy(ad.data(), salt, kSaltSize);
  std::memcpy(ad.data() + kSaltSize, params.data(), kParamsSize);
  return ad;
}

}  // namespace

std::optional<SlotParams> read_slot(const HeaderBytes& header, std::size_t index) {
  Params p = unmasked_params(header, index);
  if (std::memcmp(p.data(), kCheck, sizeof kCheck) != 0) return std::nullopt;
  SlotParams sp;
  sp.version = static_cast<std::uint16_t>(get_le(p.data() + 8, 2));
  sp.kind = p[10];
  sp.kdf = p[11];
  sp.cost.ops = static_cast<std::uint32_t>(get_le(p.data() + 12, 4));
  sp.cost.memory = get_le(p.data() + 16, 8);
  for (std::size_t i = 24; i < kParamsSize; ++i) sp.reserved_zero &= (p[i] == 0);
  return sp;
}

HeaderBytes random_header() {
  HeaderBytes h;
  random_bytes(h.data(), h.size());
  return h;
}

void clear_slot(HeaderBytes& header, std::size_t index) {
  random_bytes(slot_ptr(header, index), kSlotSize);
}

namespace {

// Fresh salt and nonce, the params, the wrap of `payload` under `wrap_key`.
void write_slot(HeaderBytes& header, std::size_t index, SlotKind kind, std::uint8_t kdf,
                const KdfParams& cost, const Secret* secret, const Secret* wrap_key,
                const Secret& payload) {
  if (index >= kSlotCount || payload.size() != kDataKeySize) {
    throw Error(Errc::internal, "invalid keyslot request");
  }
  std::uint8_t* slot = slot_ptr(header, index);
  random_bytes(slot + kSaltOffset, kSaltSize);
  random_bytes(slot + kNonceOffset, kNonceSize);

  Params params{};
  std::memcpy(params.data(), kCheck, sizeof kCheck);
  put_le(params.data() + 8, kFormatVersion, 2);
  params[10] = static_cast<std::uint8_t>(kind);
  params[11] = kdf;
  put_le(params.data() + 12, cost.ops, 4);
  put_le(params.data() + 16, cost.memory, 8);

  Secret kek = secret != nullptr ? derive_kek(*secret, slot + kSaltOffset, cost) : Secret();
  const Secret& key = secret != nullptr ? kek : *wrap_key;
  auto ad = associated_data(slot + kSaltOffset, params);
  unsigned long long out_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(slot + kWrappedOffset, &out_len, payload.data(),
                                             payload.size(), ad.data(), ad.size(), nullptr,
                                             slot + kNonceOffset, key.data());
  apply_mask(params, slot + kSaltOffset);
  std::memcpy(slot + kParamsOffset, params.data(), kParamsSize);
}

// The 32 bytes a slot wraps, if `key` opens it.
std::optional<Secret> unwrap(const HeaderBytes& header, std::size_t index, const Secret& key) {
  const std::uint8_t* slot = slot_ptr(header, index);
  Params params = unmasked_params(header, index);
  auto ad = associated_data(slot + kSaltOffset, params);
  Secret out(kDataKeySize);
  unsigned long long out_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &out_len, nullptr, slot + kWrappedOffset,
                                                 kWrappedSize, ad.data(), ad.size(),
                                                 slot + kNonceOffset, key.data()) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

void seal_slot(HeaderBytes& header, std::size_t index, SlotKind kind, const KdfParams& cost,
               const Secret& secret, const Secret& key) {
  if (kind == SlotKind::data_key) throw Error(Errc::internal, "a data-key slot has no secret");
  if (!is_within_bounds(cost)) {
    throw Error(Errc::invalid_argument, tr("KDF parameters out of bounds"),
                tr("memory must be 8 KiB to 4 GiB in whole KiB, passes 1 to 64"));
  }
  write_slot(header, index, kind, kKdfArgon2id, cost, &secret, nullptr, key);
}

void seal_data_slot(HeaderBytes& header, std::size_t index, const Secret& vault_key,
                    const Secret& data_key) {
  write_slot(header, index, SlotKind::data_key, kKdfNone, KdfParams{0, 0}, nullptr, &vault_key,
             data_key);
}

std::vector<DataKey> open_data_slots(const HeaderBytes& header, const Secret& vault_key) {
  std::vector<DataKey> out;
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(header, i);
    if (!sp || sp->version != kFormatVersion ||
        sp->kind != static_cast<std::uint8_t>(SlotKind::data_key)) {
      continue;
    }
    if (auto key = unwrap(header, i, vault_key)) out.push_back({std::move(*key), i});
  }
  return out;
}

Unlocked open_header(const HeaderBytes& header, SlotKind kind, const Secret& secret) {
  bool newer = false;
  bool tried = false;
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    auto sp = read_slot(header, i);
    if (!sp) continue;
    if (sp->version != kFormatVersion) {
      newer = newer || sp->version > kFormatVersion;
      continue;
    }
    if (sp->kind != static_cast<std::uint8_t>(kind)) continue;
    if (sp->kdf != kKdfArgon2id || !is_within_bounds(sp->cost)) {
      throw Error(Errc::corrupt,
                  trf("the vault header is damaged: keyslot {0} has an unknown or out-of-bounds key-derivation "
                      "setting",
                      i),
                  tr("restore the vault folder from a backup"));
    }
    tried = true;
    Secret kek = derive_kek(secret, slot_ptr(header, i) + kSaltOffset, sp->cost);
    if (auto key = unwrap(header, i, kek)) return Unlocked{std::move(*key), i, sp->cost};
  }
  if (!tried && newer) {
    throw Error(Errc::unsupported_version,
                tr("this vault was made by a newer version of folio (or its header is damaged)"),
                tr("upgrade folio to open it; if this folio made it, restore the vault from a backup"));
  }
  if (!tried) {
    // No slot of this kind at all: a damaged header, or not a folio vault.
    throw Error(Errc::corrupt,
                kind == SlotKind::passphrase
                    ? tr("no passphrase keyslot in the vault header: it is damaged or not a folio vault")
                    : tr("no recovery-code keyslot in the vault header: it is damaged or not a folio vault"),
                tr("restore the vault folder from a backup"));
  }
  throw Error(Errc::wrong_passphrase,
              kind == SlotKind::passphrase
                  ? tr("wrong passphrase (or the keyslot is damaged)")
                  : tr("wrong recovery code (or the keyslot is damaged)"),
              kind == SlotKind::passphrase ? tr("if you forgot it, use --recovery with your recovery code")
                                           : "");
}

Secret database_key(const Secret& data_key) {
  if (data_key.size() != kDataKeySize) throw Error(Errc::internal, "a data key is 32 bytes");
  Secret key(32);
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(kDbKeyLabel),
                     sizeof kDbKeyLabel - 1, data_key.data(), data_key.size());
  return key;
}

}  // namespace folio
