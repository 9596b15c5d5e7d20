#include "folio/error.h"

namespace folio {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::already_exists: return "already_exists";
    case Errc::wrong_passphrase: return "wrong_passphrase";
    case Errc::corrupt: return "corrupt";
    case Errc::unsupported_version: return "unsupported_version";
    case Errc::io: return "io";
    case Errc::refused: return "refused";
    case Errc::cancelled: return "cancelled";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace folio
