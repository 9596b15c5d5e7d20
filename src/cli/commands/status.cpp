// folio status: is the vault unlocked by an agent, and for how long.
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/agent.h"

namespace folio::cli {

void add_status(CLI::App& app, Globals& g, Action& run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "status", tr("say whether an agent keeps the vault unlocked, and until when (exit 1 when locked)"));
  cmd->add_flag("--json", *json, tr("print one JSON object"));
  cmd->callback([&g, &run, json] {
    run = [&g, json] {
      auto dir = vault_path(g);
      auto s = agent::status(dir);
      if (*json) {
        nlohmann::json j = {{"vault", std::filesystem::absolute(dir).string()}, {"unlocked", s.has_value()}};
        if (s) {
          j["agent_pid"] = s->pid;
          j["unlocked_for"] = s->unlocked_for.count();
          j["idle_left"] = s->idle_left.count();
          j["lifetime_left"] = s->lifetime_left.count();
        }
        std::cout << j.dump() << '\n';
      } else if (s) {
        // TRANSLATORS: {0}, {1} and {2} are durations: "1h5m", "10m", "42s".
        std::cout << trf("unlocked for {0}; locks after {1} without use, at the latest in {2}",
                         describe_duration(s->unlocked_for), describe_duration(s->idle_left),
                         describe_duration(s->lifetime_left))
                  << '\n';
      } else {
        std::cout << tr("locked") << '\n';
      }
      return s ? 0 : 1;
    };
  });
}

}  // namespace folio::cli
