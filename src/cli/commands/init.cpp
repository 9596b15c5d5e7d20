// folio init: create a vault and print its recovery code once.
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"

namespace folio::cli {

void add_init(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    KdfOptions kdf;
    bool allow_weak = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("init", tr("create a new vault (asks for a passphrase twice)"));
  o->kdf.add_to(*cmd);
  cmd->add_flag("--allow-weak", o->allow_weak, tr("accept a weak passphrase"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      auto dir = vault_path(g);
      if (Vault::exists(dir)) {
        throw Error(Errc::already_exists, trf("a vault already exists in {0}", dir),
                    tr("use another folder with --vault, or remove the old vault first"));
      }
      KdfParams kdf = o->kdf.resolve(std::nullopt);
      Secret pass = new_passphrase(g.passphrase_fd, g.passphrase_file, o->allow_weak);
      Secret code = Vault::create(dir, pass, kdf);
      // TRANSLATORS: {1} is the Argon2id memory in KiB, {2} its number of passes.
      note(trf("created a vault in {0} (Argon2id: {1} KiB, {2} passes)", dir, kdf.memory >> 10, kdf.ops));
      std::cout << tr("Recovery code: write it on paper and keep it away from this device.\n"
                      "It opens the vault if you forget the passphrase. It is shown only once.")
                << "\n\n    ";
      std::cout.write(code.view().data(), static_cast<std::streamsize>(code.size()));
      std::cout << "\n\n" << std::flush;
      return 0;
    };
  });
}

}  // namespace folio::cli
