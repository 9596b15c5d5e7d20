// X25519 and scrypt recipients (age.md, "Native recipient types"): the key
// encodings (bech32), identity files, and the stanzas that wrap the file key.

#include <algorithm>
#include <string>

#include "age/format.h"

namespace folio::age {
namespace {

constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "AGE-SECRET-KEY-";
constexpr std::string_view kX25519Label = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptLabel = "age-encryption.org/v1/scrypt";
constexpr std::array<std::uint8_t, 12> kZeroNonce{};
constexpr std::size_t kBodySize = detail::kFileKeySize + detail::kTagSize;
// Beyond this, N = 2^f is more than any machine's memory: malformed, not merely costly.
constexpr unsigned kMaxEncodableWorkFactor = 63;

using crypto::Bytes;
using crypto::ByteView;
using detail::fail;
using detail::Stanza;

// The work factor argument: a decimal without sign or leading zero (^[1-9][0-9]*$).
unsigned parse_work_factor(std::string_view text) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || text[0] == '0') {
    fail(Failure::header, tr("the scrypt work factor in the age header is malformed"));
  }
  if (text.size() > 2)
    fail(Failure::header, tr("the scrypt work factor in the age header is out of range"));
  unsigned value = 0;
  for (char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value > kMaxEncodableWorkFactor) {
    fail(Failure::header, tr("the scrypt work factor in the age header is out of range"));
  }
  return value;
}

// `message` is an N_ sentence with {0} for `size`.
Bytes decode_exact(std::string_view text, std::size_t size, const char* message) {
  auto bytes = detail::base64_decode(text);
  if (!bytes || bytes->size() != size) fail(Failure::header, trf(message, size));
  return std::move(*bytes);
}

// The body must be checked to be exactly 32 bytes before any decryption (the
// spec's defence against partitioning oracles).
void check_body(const Stanza& stanza) {
  if (stanza.body.size() != kBodySize) {
    fail(Failure::header, tr("an age stanza body is not 32 bytes"));
  }
}

// The file key in `body` under `key`, or nullopt when the tag does not verify.
std::optional<Secret> open_file_key(const Secret& key, const Bytes& body) {
  Secret file_key(detail::kFileKeySize);
  if (!crypto::chacha20poly1305_open_into(crypto::view(key), kZeroNonce, {}, body,
                                          {file_key.data(), file_key.size()})) {
    return std::nullopt;
  }
  return file_key;
}

Bytes seal_file_key(const Secret& key, const Secret& file_key) {
  return crypto::chacha20poly1305_seal(crypto::view(key), kZeroNonce, {}, crypto::view(file_key));
}

// HKDF(shared secret, ephemeral share || recipient, "age-encryption.org/v1/X25519").
Secret x25519_wrap_key(const std::array<std::uint8_t, 32>& shared, ByteView share,
                       const X25519Recipient& recipient) {
  std::array<std::uint8_t, 64> salt;
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(recipient.point.begin(), recipient.point.end(), salt.begin() + 32);
  return crypto::hkdf_sha256(shared, salt, detail::bytes_of(kX25519Label), 32);
}

Secret scrypt_wrap_key(const Secret& passphrase, ByteView salt, unsigned work_factor) {
  Bytes full_salt(kScryptLabel.begin(), kScryptLabel.end());
  full_salt.insert(full_salt.end(), salt.begin(), salt.end());
  return crypto::scrypt(crypto::view(passphrase), full_salt, work_factor, 8, 1, 32);
}

std::optional<Secret> unwrap_x25519(const Stanza& stanza,
                                    const std::vector<X25519Identity>& identities) {
  if (stanza.args.size() != 2)
    fail(Failure::header, tr("an X25519 stanza does not have two arguments"));
  const Bytes share = decode_exact(stanza.args[1], 32, N_("the X25519 share in an age stanza is not canonical base64 of {0} bytes"));
  check_body(stanza);
  for (const auto& identity : identities) {
    auto shared = crypto::x25519(crypto::view(identity.scalar), share);
    if (!shared) {
      fail(Failure::header, tr("an X25519 stanza has a low-order share (a forged or broken file)"));
    }
    const Secret key = x25519_wrap_key(*shared, share, identity.recipient());
    wipe(shared->data(), shared->size());
    if (auto file_key = open_file_key(key, stanza.body)) return file_key;
  }
  return std::nullopt;
}

std::optional<Secret> unwrap_scrypt(const Stanza& stanza, const Secret& passphrase,
                                    unsigned max_work_factor) {
  if (stanza.args.size() != 3)
    fail(Failure::header, tr("an scrypt stanza does not have three arguments"));
  const Bytes salt = decode_exact(stanza.args[1], 16, N_("the scrypt salt in an age stanza is not canonical base64 of {0} bytes"));
  const unsigned work_factor = parse_work_factor(stanza.args[2]);
  check_body(stanza);
  if (work_factor > max_work_factor) {
    throw FormatError(Failure::header, Errc::refused,
                      trf("the backup's scrypt work factor is {0}, above the limit of {1}", work_factor, max_work_factor),
                      tr("a file that costly to open may be an attempt to exhaust this machine"));
  }
  const Secret key = scrypt_wrap_key(passphrase, salt, work_factor);
  return open_file_key(key, stanza.body);
}

}  // namespace

X25519Recipient X25519Identity::recipient() const {
  return X25519Recipient{crypto::x25519_base(crypto::view(scalar))};
}

X25519Recipient parse_recipient(std::string_view text) {
  auto decoded = detail::bech32_decode(text);
  if (!decoded || decoded->hrp != kRecipientHrp || decoded->data.size() != 32) {
    throw Error(Errc::invalid_argument, tr("not an age X25519 recipient (age1...)"),
                tr("a recipient is the public key age-keygen or folio keygen prints"));
  }
  X25519Recipient out;
  std::copy(decoded->data.begin(), decoded->data.end(), out.point.begin());
  return out;
}

std::string encode_recipient(const X25519Recipient& recipient) {
  return detail::bech32_encode(kRecipientHrp, recipient.point, false);
}

X25519Identity parse_identity(std::string_view text) {
  auto decoded = detail::bech32_decode(text);
  const bool ok = decoded && decoded->hrp == kIdentityHrp && decoded->data.size() == 32;
  X25519Identity out;
  if (ok) out.scalar = Secret::from({reinterpret_cast<const char*>(decoded->data.data()), 32});
  if (decoded) wipe(decoded->data.data(), decoded->data.size());
  if (!ok) {
    throw Error(Errc::invalid_argument, tr("not an age X25519 identity (AGE-SECRET-KEY-1...)"),
                tr("an identity file is what age-keygen or folio keygen writes"));
  }
  return out;
}

Secret encode_identity(const X25519Identity& identity) {
  std::string text = detail::bech32_encode(kIdentityHrp, crypto::view(identity.scalar), true);
  Secret out = Secret::from(text);
  wipe(text.data(), text.size());
  return out;
}

X25519Identity generate_identity() {
  X25519Identity identity;
  identity.scalar = Secret(32);
  random_bytes(identity.scalar.data(), identity.scalar.size());
  return identity;
}

std::vector<X25519Identity> parse_identity_file(std::string_view contents) {
  std::vector<X25519Identity> out;
  std::size_t line_number = 0;
  while (!contents.empty()) {
    ++line_number;
    const std::size_t lf = contents.find('\n');
    std::string_view line = contents.substr(0, lf);
    contents = lf == std::string_view::npos ? std::string_view() : contents.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // edited on Windows
    if (line.empty() || line.front() == '#') continue;
    try {
      out.push_back(parse_identity(line));
    } catch (const Error&) {
      // Never the line itself: it may be a mistyped secret key.
      throw Error(Errc::invalid_argument,
                  trf("line {0} of the identity file is not an age X25519 identity", line_number),
                  tr("an identity file holds AGE-SECRET-KEY-1... lines and # comments"));
    }
  }
  if (out.empty()) {
    throw Error(Errc::invalid_argument, tr("the identity file holds no identity"),
                tr("an identity file holds AGE-SECRET-KEY-1... lines, as age-keygen writes them"));
  }
  return out;
}

namespace detail {

Stanza wrap_x25519(const X25519Recipient& recipient, const Secret& file_key) {
  Secret ephemeral(32);
  random_bytes(ephemeral.data(), ephemeral.size());
  const auto share = crypto::x25519_base(crypto::view(ephemeral));
  auto shared = crypto::x25519(crypto::view(ephemeral), recipient.point);
  if (!shared) {
    throw Error(Errc::invalid_argument, tr("the age recipient is not a usable X25519 public key"));
  }
  const Secret key = x25519_wrap_key(*shared, share, recipient);
  wipe(shared->data(), shared->size());
  return Stanza{{"X25519", base64_encode(share)}, seal_file_key(key, file_key)};
}

Stanza wrap_scrypt(const Secret& passphrase, unsigned work_factor, const Secret& file_key) {
  std::array<std::uint8_t, 16> salt;
  random_bytes(salt.data(), salt.size());
  const Secret key = scrypt_wrap_key(passphrase, salt, work_factor);
  return Stanza{{"scrypt", base64_encode(salt), std::to_string(work_factor)},
                seal_file_key(key, file_key)};
}

Secret unwrap_file_key(const std::vector<Stanza>& stanzas, const DecryptOptions& options) {
  // A passphrase file must hold the scrypt stanza alone: a passphrase proves
  // who wrote the file only if no one else could have added a stanza.
  const bool has_scrypt = std::any_of(stanzas.begin(), stanzas.end(),
                                      [](const Stanza& s) { return s.args[0] == "scrypt"; });
  if (has_scrypt && stanzas.size() != 1) {
    fail(Failure::header, tr("an age scrypt stanza is not alone in the header"));
  }
  Secret asked;
  const Secret* passphrase = options.passphrase;
  if (has_scrypt && passphrase == nullptr && options.identities.empty() && options.ask_passphrase) {
    asked = options.ask_passphrase();
    passphrase = &asked;
  }
  for (const auto& stanza : stanzas) {
    std::optional<Secret> file_key;
    if (stanza.args[0] == "X25519" && !options.identities.empty()) {
      file_key = unwrap_x25519(stanza, options.identities);
    } else if (stanza.args[0] == "scrypt" && passphrase != nullptr) {
      file_key = unwrap_scrypt(stanza, *passphrase, options.max_scrypt_work_factor);
    }
    if (file_key) return std::move(*file_key);
  }
  if (has_scrypt && passphrase != nullptr) {
    throw FormatError(Failure::no_match, Errc::wrong_passphrase,
                      tr("the passphrase does not open this age file"));
  }
  if (has_scrypt) {
    throw FormatError(Failure::no_match, Errc::wrong_passphrase,
                      tr("this age file is encrypted with a passphrase, not to a public key"),
                      tr("give the passphrase instead of an identity"));
  }
  if (options.identities.empty()) {
    throw FormatError(Failure::no_match, Errc::wrong_passphrase,
                      tr("this age file is encrypted to public keys (age recipients), not with a passphrase"),
                      tr("give the identity file of one of its recipients with -i"));
  }
  throw FormatError(Failure::no_match, Errc::wrong_passphrase, tr("none of the identities opens this age file"),
                    tr("use the identity file of one of the file's recipients"));
}

}  // namespace detail
}  // namespace folio::age
