// folio passwd: a new passphrase; only the keyslot is rewritten.
#include "cli/common.h"
#include "folio/i18n.h"

namespace folio::cli {

void add_passwd(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    KdfOptions kdf;
    bool allow_weak = false;
    std::optional<int> new_fd;
    std::string new_file;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "passwd", tr("change the passphrase (with --recovery: set a new one using the recovery code)"));
  o->kdf.add_to(*cmd);
  cmd->add_flag("--allow-weak", o->allow_weak, tr("accept a weak passphrase"));
  CLI::Option* new_fd =
      cmd->add_option("--new-passphrase-fd", o->new_fd, tr("read the new passphrase from this file descriptor"));
  cmd->add_option("--new-passphrase-file", o->new_file, tr("read the new passphrase from this file"))->excludes(new_fd);
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      // Exclusive from the header's first read to the new one's rename: a
      // rekey or another passwd in between would write a header made from
      // an older one, and one of the two changes would be lost. (So the
      // lock is held while a new passphrase is typed, too.)
      Vault vault = open_vault(g, Access::exclusive, /*use_agent=*/false);
      KdfParams kdf = o->kdf.resolve(vault.kdf());
      Secret pass = new_passphrase(o->new_fd, o->new_file, o->allow_weak, "--new-passphrase-fd");
      vault.change_passphrase(pass, kdf);
      note(tr("passphrase changed"));
      return 0;
    };
  });
}

}  // namespace folio::cli
