// folio/version.h: what this build is made of, for `folio version` and bug reports.
#pragma once

#include <string>

namespace folio {

inline constexpr char kVersion[] = "0.1.0";

std::string sodium_version();     // e.g. "1.0.18"
std::string sqlcipher_version();  // e.g. "3.4.1 on SQLite 3.15.2"

}  // namespace folio
