// Passphrase strength through zxcvbn (libzxcvbn, the C port).
#include <zxcvbn.h>

#include "folio/terminal.h"

namespace folio {

Strength estimate_strength(const Secret& passphrase) {
  // zxcvbn needs a NUL-terminated string; build it in locked memory.
  Secret z(passphrase.size() + 1);
  for (std::size_t i = 0; i < passphrase.size(); ++i) z.data()[i] = passphrase.data()[i];
  double bits = ZxcvbnMatch(reinterpret_cast<const char*>(z.data()), nullptr, nullptr);
  Strength s;
  s.bits = bits;
  s.rating = bits < 28 ? "very weak" : bits < kMinStrengthBits ? "weak" : bits < 64 ? "fair"
           : bits < 80 ? "strong" : "very strong";
  return s;
}

}  // namespace folio
