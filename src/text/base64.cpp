#include "text/base64.h"

namespace folio {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a character, or -1.
int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The 6-bit value of each byte, or 0xff: one load per character on the
// chunk lines of a backup.
struct DecodeTable {
  std::uint8_t v[256];
  constexpr DecodeTable() : v() {
    for (int c = 0; c < 256; ++c) v[c] = 0xff;
    for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
};
constexpr DecodeTable kDecode;

}  // namespace

bool is_base64_char(char c) { return value_of(c) >= 0; }

std::string base64_encode(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
  // A lone character in the last group carries only 6 bits: never a byte.
  if (text.size() % 4 == 1) return std::nullopt;
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  unsigned bits = 0;
  for (char c : text) {
    const int v = value_of(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  // Left-over bits (2 or 4) must be zero for the encoding to be canonical.
  if (acc != 0) return std::nullopt;
  return out;
}

std::string base64_encode_padded(ByteView bytes) {
  std::string out = base64_encode(bytes);
  while (out.size() % 4 != 0) out += '=';
  return out;
}

std::optional<Bytes> base64_decode_padded(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pads = 0;
  while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
  const std::string_view body = text.substr(0, text.size() - pads);
  // One '=' leaves 3 characters in the last group, two leave 2; a third '='
  // (or one anywhere else) fails the alphabet check in base64_decode.
  if (pads > 0 && body.size() % 4 != 4 - pads) return std::nullopt;
  return base64_decode(body);
}

void base64_encode_padded_append(ByteView bytes, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + (bytes.size() + 2) / 3 * 4);
  char* o = out.data() + start;
  const std::uint8_t* in = bytes.data();
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    o[0] = kAlphabet[(v >> 18) & 63];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = kAlphabet[(v >> 6) & 63];
    o[3] = kAlphabet[v & 63];
    o += 4;
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0);
    o[0] = kAlphabet[(v >> 18) & 63];
    o[1] = kAlphabet[(v >> 12) & 63];
    o[2] = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    o[3] = '=';
  }
}

bool base64_decode_padded_into(std::string_view text, std::vector<std::uint8_t>& out) {
  out.clear();
  if (text.size() % 4 != 0) return false;
  std::size_t pads = 0;
  while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
  // The full groups, then the last one by the rules of base64_decode_padded.
  const std::size_t full = text.empty() ? 0 : (pads > 0 ? text.size() - 4 : text.size());
  out.resize(full / 4 * 3 + (pads > 0 ? 3 - pads : 0));
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  std::uint8_t* o = out.data();
  std::uint32_t bad = 0;
  for (std::size_t i = 0; i < full; i += 4) {
    const std::uint32_t a = kDecode.v[in[i]], b = kDecode.v[in[i + 1]], c = kDecode.v[in[i + 2]],
                        d = kDecode.v[in[i + 3]];
    bad |= a | b | c | d;
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    o[0] = static_cast<std::uint8_t>(v >> 16);
    o[1] = static_cast<std::uint8_t>(v >> 8);
    o[2] = static_cast<std::uint8_t>(v);
    o += 3;
  }
  if (bad & 0xc0) return false;  // a character outside the alphabet (or '=' inside)
  if (pads > 0) {
    const unsigned char* g = in + full;
    const std::uint32_t a = kDecode.v[g[0]], b = kDecode.v[g[1]];
    const std::uint32_t c = pads == 1 ? kDecode.v[g[2]] : 0;
    if ((a | b | c) & 0xc0) return false;
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6);
    // Canonical: the bits past the last byte are zero.
    if (pads == 2 ? (v & 0xffff) != 0 : (v & 0xff) != 0) return false;
    o[0] = static_cast<std::uint8_t>(v >> 16);
    if (pads == 1) o[1] = static_cast<std::uint8_t>(v >> 8);
  }
  return true;
}

}  // namespace folio
