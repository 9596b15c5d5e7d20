// folio restore: a new vault made from a backup.

#include <iostream>

#include "cli/backup_io.h"
#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"

namespace folio::cli {

void add_restore(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string input, to;
    std::vector<std::string> identity_files;
    BackupPassphraseOptions passphrase;
    KdfOptions kdf;
    bool allow_weak = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "restore", tr("create a new vault from a backup (asks for its new passphrase)"));
  cmd->add_option("file", o->input, tr("backup file, or - for standard input"))->required();
  cmd->add_option("--to", o->to, tr("folder of the new vault"))->required();
  cmd->add_option("-i,--identity", o->identity_files, tr("age identity file (AGE-SECRET-KEY-1...)"))
      ->allow_extra_args(false);
  o->passphrase.add_to(*cmd);
  o->kdf.add_to(*cmd);
  cmd->add_flag("--allow-weak", o->allow_weak, tr("accept a weak passphrase for the new vault"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      if (o->identity_files.size() > 1)
        throw Error(Errc::invalid_argument, tr("give one identity file to restore"));
      if (!o->identity_files.empty() && o->passphrase.given()) {
        throw Error(Errc::invalid_argument,
                    tr("give an identity file or a backup passphrase, not both"));
      }
      check_restore_target(o->to);
      BackupInput input(o->input);
      const int fd = input.fd();
      Secret identities;
      BackupKeys keys;
      if (!o->identity_files.empty()) {
        identities = read_key_file(o->identity_files[0]);
        keys.identities = &identities;
      } else {
        // Asked for only if the backup has a passphrase stanza: one made for
        // public keys is refused before any prompt, as by age -d.
        keys.ask_passphrase = [o] { return o->passphrase.read(); };
      }
      KdfParams kdf = o->kdf.resolve(std::nullopt);
      FdSource file(fd);
      ProgressSource in(file, input_size(fd), progress_bar(tr("restoring")));
      // The backup's keys are checked before the new vault's passphrase is
      // asked for: a wrong backup passphrase costs no second prompt.
      OpenedBackup backup(in, keys);
      Secret vault_pass = new_passphrase(g.passphrase_fd, g.passphrase_file, o->allow_weak);
      // After the prompts: a Ctrl-C while restoring removes the half-made
      // vault (restore_backup destroys it on any error), so a second try can
      // start; a kill leaves a hidden folder the next restore destroys.
      InterruptGuard interrupts;
      Restored r = restore_backup(o->to, vault_pass, kdf, backup);
      for (const auto& p : r.leftovers_removed) {
        note(trf("removed {0}, left by an interrupted restore", p));
      }
      for (const auto& p : r.leftovers_left_alone) {
        note(trf("left alone {0}: another restore to the same folder may still be running; if none is, remove it", p));
      }
      // On stderr, like the rest of restore's report: stdout holds the
      // recovery code alone.
      for (const auto& n : r.report.renamed) {
        note(trf("attachment {0} \"{1}\" is stored as \"{2}\" (not a plain file name)", n.id, n.name, n.stored_as));
      }
      // TRANSLATORS: {0} is a list of counts ("3 entries, 1 checklist"), {1} a folder.
      note(trf("restored {0} into a new vault in {1} (Argon2id: {2} KiB, {3} passes)", counts_text(r.report.added),
               o->to, kdf.memory >> 10, kdf.ops));
      std::cout << tr("Recovery code of the new vault: write it on paper and keep it away from this device.") << '\n'
                << tr("It opens the vault if you forget the passphrase. It is shown only once.") << "\n\n    ";
      std::cout.write(r.recovery_code.view().data(),
                      static_cast<std::streamsize>(r.recovery_code.size()));
      std::cout << "\n\n" << std::flush;
      return 0;
    };
  });
}

}  // namespace folio::cli
