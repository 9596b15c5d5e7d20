// Bech32 (BIP 173) for age keys: "age1..." recipients and "AGE-SECRET-KEY-1..."
// identities. age drops BIP 173's 90-character limit; the checksum is always
// computed over the lower-case string, and a mixed-case string is invalid.
#include <cctype>

#include "age/format.h"

namespace folio::age::detail {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kGenerator[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                         0x2a1462b3};

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGenerator[i];
    }
  }
  return chk;
}

// The HRP expanded for the checksum: high bits, a zero, low bits (lower case).
std::vector<std::uint8_t> expand_hrp(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(std::tolower(c)) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(std::tolower(c)) & 31);
  return out;
}

int charset_index(char lower) {
  for (int i = 0; i < 32; ++i) {
    if (kCharset[i] == lower) return i;
  }
  return -1;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, ByteView data, bool upper) {
  // 8-bit bytes to 5-bit groups, the last one zero-padded. Every buffer that
  // holds the data (a secret key, for an identity) is sized once, so that no
  // reallocation frees a copy that is not wiped.
  std::vector<std::uint8_t> groups;
  groups.reserve((data.size() * 8 + 4) / 5 + 6);
  std::uint32_t acc = 0;
  unsigned bits = 0;
  for (std::uint8_t b : data) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      groups.push_back(static_cast<std::uint8_t>((acc >> bits) & 31));
    }
  }
  if (bits > 0) groups.push_back(static_cast<std::uint8_t>((acc << (5 - bits)) & 31));

  std::vector<std::uint8_t> values = expand_hrp(hrp);
  values.reserve(values.size() + groups.size() + 6);
  values.insert(values.end(), groups.begin(), groups.end());
  values.insert(values.end(), 6, 0);
  const std::uint32_t checksum = polymod(values) ^ 1;
  for (int i = 0; i < 6; ++i) {
    groups.push_back(static_cast<std::uint8_t>((checksum >> (5 * (5 - i))) & 31));
  }

  std::string out;
  out.reserve(hrp.size() + 1 + groups.size());
  for (char c : hrp) out += static_cast<char>(upper ? std::toupper(c) : std::tolower(c));
  out += '1';
  for (std::uint8_t g : groups) {
    const char c = kCharset[g];
    out += static_cast<char>(upper ? std::toupper(c) : c);
  }
  wipe(groups.data(), groups.size());
  wipe(values.data(), values.size());
  return out;
}

std::optional<Bech32> bech32_decode(std::string_view text) {
  bool has_lower = false, has_upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    has_lower |= (c >= 'a' && c <= 'z');
    has_upper |= (c >= 'A' && c <= 'Z');
  }
  if (has_lower && has_upper) return std::nullopt;
  const std::size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || text.size() - sep - 1 < 6) {
    return std::nullopt;
  }
  const std::string_view hrp = text.substr(0, sep);
  std::vector<std::uint8_t> values = expand_hrp(hrp);
  const std::size_t data_begin = values.size();
  values.reserve(data_begin + text.size() - sep - 1);  // one allocation: see bech32_encode
  for (char c : text.substr(sep + 1)) {
    const int v = charset_index(static_cast<char>(std::tolower(c)));
    if (v < 0) {
      wipe(values.data(), values.size());
      return std::nullopt;
    }
    values.push_back(static_cast<std::uint8_t>(v));
  }
  if (polymod(values) != 1) {
    wipe(values.data(), values.size());
    return std::nullopt;
  }

  // 5-bit groups (without the checksum) to bytes; fewer than 5 bits may be
  // left over, and they must be zero.
  Bech32 out;
  out.hrp = std::string(hrp);
  out.data.reserve((values.size() - data_begin) * 5 / 8);
  std::uint32_t acc = 0;
  unsigned bits = 0;
  bool ok = true;
  for (std::size_t i = data_begin; i + 6 < values.size(); ++i) {
    acc = ((acc << 5) | values[i]) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.data.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) ok = false;
  wipe(values.data(), values.size());
  if (!ok) {
    wipe(out.data.data(), out.data.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace folio::age::detail
