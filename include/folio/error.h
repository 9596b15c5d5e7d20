// folio/error.h: the one error type every libfolio call throws.
//
// A call either returns its result or throws folio::Error. The code is stable
// (scripts and the CLI's exit codes depend on it); the message is one line a
// person can act on and never contains a secret; the hint, when present, says
// what to do next.
//
//   try { auto v = folio::Vault::open(dir, pass); }
//   catch (const folio::Error& e) { if (e.code() == folio::Errc::wrong_passphrase) ... }
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace folio {

enum class Errc {
  invalid_argument,     // bad user input: a date, an option, text that is not UTF-8
  not_found,            // no vault at the path, an unknown id
  already_exists,       // init over an existing vault, an output file that exists
  wrong_passphrase,     // no keyslot opens with the given secret
  corrupt,              // a damaged, truncated or foreign vault file
  unsupported_version,  // made by a newer folio
  io,                   // the disk said no: read-only, full, permission
  refused,              // a safety rule said no: weak passphrase, no RAM folder
  cancelled,            // the user answered no, or interrupted
  internal,             // a bug or an unexpected library failure
};

// Stable, lower-case name of a code, e.g. "wrong_passphrase" (used in --json output).
std::string_view to_string(Errc code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(Errc code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}

  Errc code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  Errc code_;
  std::string hint_;
};

}  // namespace folio
