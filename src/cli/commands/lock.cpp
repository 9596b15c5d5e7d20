// folio lock: end the session agent of the vault at once.
#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/agent.h"

namespace folio::cli {

void add_lock(CLI::App& app, Globals& g, Action& run) {
  CLI::App* cmd = app.add_subcommand(
      "lock", tr("end the agent started by 'folio unlock': later commands ask for the passphrase again"));
  cmd->callback([&g, &run] {
    run = [&g] {
      note(agent::lock(vault_path(g)) ? tr("locked") : tr("was not unlocked"));
      return 0;
    };
  });
}

}  // namespace folio::cli
