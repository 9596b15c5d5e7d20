// folio tags: every tag with its number of entries.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "folio/text.h"

namespace folio::cli {

void add_tags(CLI::App& app, Globals& g, Action& run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("tags", "list tags and how many entries use each");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([&g, &run, json] {
    run = [&g, json] {
      Vault vault = open_vault(g, Access::read);
      auto tags = vault.journal().tags();
      if (*json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& t : tags) out.push_back({{"name", t.name}, {"entries", t.entries}});
        print_json(out);
        return 0;
      }
      std::size_t width = 0;
      for (const auto& t : tags) width = std::max(width, display_width(t.name) + 1);
      for (const auto& t : tags) {
        std::cout << paint(pad_width("#" + t.name, width), "36") << "  " << t.entries << '\n';
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
