// folio init: create a vault and print its recovery code once.
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "folio/error.h"

namespace folio::cli {

void add_init(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    KdfOptions kdf;
    bool allow_weak = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("init", "create a new vault (asks for a passphrase twice)");
  o->kdf.add_to(*cmd);
  cmd->add_flag("--allow-weak", o->allow_weak, "accept a weak passphrase");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      auto dir = vault_path(g);
      if (Vault::exists(dir)) {
        throw Error(Errc::already_exists, "a vault already exists in " + dir.string(),
                    "use another folder with --vault, or remove the old vault first");
      }
      KdfParams kdf = o->kdf.resolve(std::nullopt);
      Secret pass = new_passphrase(g.passphrase_fd, g.passphrase_file, o->allow_weak);
      Secret code = Vault::create(dir, pass, kdf);
      note("created a vault in " + dir.string() + " (Argon2id: " + std::to_string(kdf.memory >> 10) +
           " KiB, " + std::to_string(kdf.ops) + " passes)");
      std::cout << "Recovery code: write it on paper and keep it away from this device.\n"
                   "It opens the vault if you forget the passphrase. It is shown only once.\n\n    ";
      std::cout.write(code.view().data(), static_cast<std::streamsize>(code.size()));
      std::cout << "\n\n" << std::flush;
      return 0;
    };
  });
}

}  // namespace folio::cli
