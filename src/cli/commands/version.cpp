// folio version.
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/version.h"

namespace folio::cli {

void add_version(CLI::App& app, Globals&, Action& run) {
  CLI::App* cmd = app.add_subcommand("version", tr("print the versions of folio, libsodium and SQLCipher"));
  cmd->callback([&run] {
    run = [] {
      std::cout << "folio " << kVersion << " (libsodium " << sodium_version() << ", SQLCipher "
                << sqlcipher_version() << ")\n";
      return 0;
    };
  });
}

}  // namespace folio::cli
