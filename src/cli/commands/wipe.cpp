// folio rekey, folio destroy, folio panic.
#include <chrono>
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/agent.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/terminal.h"

namespace folio::cli {

namespace {

// After the keys are gone: an agent of the vault has nothing left to serve,
// but it still holds the old vault key in memory. Tell it to end, without
// waiting for anything: a stopped agent must not hold up panic, and ends by
// itself once it runs again and finds the header random.
void stop_agent(const std::filesystem::path& dir) { agent::tell_to_stop(dir); }

}  // namespace

void add_wipe(CLI::App& app, Globals& g, Action& run) {
  CLI::App* rekey = app.add_subcommand(
      "rekey",
      tr("re-encrypt the vault under a new data key and destroy the old key: copies of the old "
         "file (disk remnants, snapshots) can no longer be decrypted with this header. Needs free "
         "space for a second copy; the passphrase and recovery code stay the same"));
  rekey->callback([&g, &run] {
    run = [&g] {
      Vault vault = open_vault(g, Access::exclusive, /*use_agent=*/false);
      vault.rekey();
      note(tr("re-keyed the vault"));
      return 0;
    };
  });

  auto yes = std::make_shared<bool>(false);
  CLI::App* destroy = app.add_subcommand(
      "destroy",
      tr("destroy the whole vault: keyslots first (from then on nothing is readable), then the "
         "database, side files and folder. Asks first unless --yes. No passphrase needed"));
  destroy->add_flag("-y,--yes", *yes, tr("do not ask for confirmation"));
  destroy->callback([&g, &run, yes] {
    run = [&g, yes] {
      auto dir = vault_path(g);
      if (!Vault::exists(dir)) {
        throw Error(Errc::not_found, trf("no vault in {0}", dir), tr("check the path given with --vault"));
      }
      if (!*yes) {
        if (!have_terminal()) throw Error(Errc::refused, tr("not destroying without confirmation"), tr("add --yes"));
        if (!ask_yes_no(trf("Destroy the vault in {0}? Everything in it will be unreadable, for good.", dir))) {
          throw Error(Errc::cancelled, tr("nothing was destroyed"));
        }
      }
      Vault::destroy(dir, [&dir] {
        note(tr("keys destroyed: the vault can no longer be opened"));
        stop_agent(dir);
      });
      note(trf("removed {0}", dir));
      return 0;
    };
  });

  CLI::App* panic = app.add_subcommand(
      "panic",
      tr("destroy the vault at once: no prompt, no passphrase. The keyslots are overwritten first, "
         "then the rest is removed"));
  panic->callback([&g, &run] {
    run = [&g] {
      auto dir = vault_path(g);
      auto start = std::chrono::steady_clock::now();
      double keys_ms = 0;
      // Texts kept in RAM after a failed save (folio/editor.h) are plaintext:
      // they go right after the keys, and also when there is no vault.
      try {
        Vault::destroy(dir, [&] {
          keys_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
          stop_agent(dir);
          wipe_kept_edits();
        });
      } catch (...) {
        wipe_kept_edits();
        throw;
      }
      // Again at the end: a folio whose save failed because of this panic
      // keeps its text only while the vault is still there (save_edited).
      wipe_kept_edits();
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.1f", keys_ms);
      note(trf("vault destroyed (keys gone after {0} ms)", ms));
      return 0;
    };
  });
}

}  // namespace folio::cli
