// folio tags: every tag with its number of entries.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio::cli {

void add_tags(CLI::App& app, Globals& g, Action& run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("tags", tr("list tags and how many entries use each"));
  cmd->add_flag("--json", *json, tr("print JSON"));
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
      // A tag holds no control or space (normalize_tag), but may hold a
      // format character (a bidi override): widths on what is shown.
      std::vector<std::string> shown;
      std::size_t width = 0;
      for (const auto& t : tags) {
        shown.push_back("#" + terminal_safe(t.name));
        width = std::max(width, display_width(shown.back()));
      }
      for (std::size_t i = 0; i < tags.size(); ++i) {
        std::cout << paint(pad_width(shown[i], width), "36") << "  " << tags[i].entries << '\n';
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
