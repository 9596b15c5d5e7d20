#include "crypto/recovery.h"

#include <cstdint>

#include "folio/error.h"
#include "folio/i18n.h"

namespace folio {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kCodeBytes = 20;
constexpr std::size_t kCodeChars = 32;  // 160 bits / 5
constexpr std::size_t kGroup = 4;

}  // namespace

Secret make_recovery_code() {
  Secret raw(kCodeBytes);
  random_bytes(raw.data(), raw.size());
  Secret printable(kCodeChars + kCodeChars / kGroup - 1);
  std::size_t out = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    acc = (acc << 8) | raw.data()[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      if (chars > 0 && chars % kGroup == 0) printable.data()[out++] = '-';
      printable.data()[out++] = static_cast<std::uint8_t>(kAlphabet[(acc >> bits) & 31u]);
      ++chars;
    }
    acc &= (1u << bits) - 1;
  }
  return printable;
}

Secret canonical_recovery_code(const Secret& typed) {
  Secret code(kCodeChars);
  std::size_t n = 0;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    char c = static_cast<char>(typed.data()[i]);
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '0') c = 'O';
    if (c == '1') c = 'I';
    if (c == '8') c = 'B';
    bool valid = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
    if (!valid || n == kCodeChars) {
      throw Error(Errc::invalid_argument, tr("that is not a recovery code"),
                  tr("a recovery code is 32 letters and digits in 8 groups of 4, e.g. ABCD-EFGH-..."));
    }
    code.data()[n++] = static_cast<std::uint8_t>(c);
  }
  if (n != kCodeChars) {
    throw Error(Errc::invalid_argument, tr("that is not a recovery code"),
                tr("a recovery code is 32 letters and digits in 8 groups of 4, e.g. ABCD-EFGH-..."));
  }
  return code;
}

}  // namespace folio
