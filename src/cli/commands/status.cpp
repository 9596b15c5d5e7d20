// folio status: is the vault unlocked by an agent, and for how long.
#include <iostream>

#include "cli/common.h"
#include "folio/agent.h"

namespace folio::cli {

void add_status(CLI::App& app, Globals& g, Action& run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "status", "say whether an agent keeps the vault unlocked, and until when (exit 1 when locked)");
  cmd->add_flag("--json", *json, "print one JSON object");
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
        std::cout << "unlocked for " << describe_duration(s->unlocked_for) << "; locks after "
                  << describe_duration(s->idle_left) << " without use, at the latest in "
                  << describe_duration(s->lifetime_left) << '\n';
      } else {
        std::cout << "locked\n";
      }
      return s ? 0 : 1;
    };
  });
}

}  // namespace folio::cli
