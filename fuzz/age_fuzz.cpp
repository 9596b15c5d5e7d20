// libFuzzer target for folio's age reader: arbitrary bytes go through the
// armor detection, the header parser, the stanza unwrapping (a fixed X25519
// identity and a passphrase, both those of the CCTV vectors, so that the seed
// corpus reaches the payload) and the STREAM reader. Any folio::Error is an
// expected rejection; anything else (a crash, another exception, a sanitizer
// report) is a finding. The key parsers get the same bytes as text.
//
// Build and run: see fuzz/README.md.
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "age/age.h"
#include "memory_source.h"

namespace {

const folio::age::DecryptOptions& options() {
  static const folio::Secret passphrase = folio::Secret::from("password");
  static const folio::age::DecryptOptions opts = [] {
    folio::age::DecryptOptions o;
    o.identities.push_back(folio::age::parse_identity(
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"));
    o.passphrase = &passphrase;
    // The vectors use work factor 10; a higher one would make each run slow.
    o.max_scrypt_work_factor = 10;
    return o;
  }();
  return opts;
}

void parse_keys(std::string_view text) {
  try {
    folio::age::parse_recipient(text);
  } catch (const folio::Error&) {
  }
  try {
    folio::age::parse_identity_file(text);
  } catch (const folio::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) return 0;
  MemorySource<folio::age::Source, 777> source(data, size);
  try {
    folio::age::Reader reader(source, options());
    std::uint8_t buffer[4096];
    while (reader.read(buffer) > 0) {
    }
  } catch (const folio::Error&) {
  }
  if (size < 4096) parse_keys({reinterpret_cast<const char*>(data), size});
  return 0;
}
