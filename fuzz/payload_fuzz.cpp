// libFuzzer target for folio's backup payload reader: arbitrary bytes, as if
// they were the plaintext of an authenticated age file, go through
// Backup::read_payload (the JSON Lines parser, the record checks and the
// merge) into a throwaway vault, as a dry run (every check, then a
// rollback). A folio::Error is an expected rejection; a crash, any other
// exception, or a sanitizer report is a bug.
//
// Build and run: see fuzz/README.md.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "folio/backup.h"
#include "folio/error.h"
#include "folio/kdf.h"
#include "folio/vault.h"
#include "memory_source.h"

namespace {

// One empty vault for the whole run, in a fresh folder under $TMPDIR
// (removed at exit). Every input is a dry run, so it stays empty.
folio::Vault& vault() {
  static std::filesystem::path dir;
  static std::unique_ptr<folio::Vault> v = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "folio-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir = std::filesystem::path(tmpl) / "vault";
    const folio::Secret pass = folio::Secret::from("fuzzing passphrase, not a secret");
    folio::Vault::create(dir, pass, folio::kKdfCheapest);
    auto opened = std::make_unique<folio::Vault>(folio::Vault::open(dir, pass));
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(dir.parent_path(), ec);
    });
    return opened;
  }();
  return *v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  MemorySource<folio::ByteSource, 4093> in(data, size);
  try {
    folio::ImportOptions options;
    options.dry_run = true;
    vault().backup().read_payload(in, options);
  } catch (const folio::Error&) {
    // An expected rejection: the dry run has rolled back.
  }
  return 0;
}
