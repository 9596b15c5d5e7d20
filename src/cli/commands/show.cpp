// folio show: one entry.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/text.h"

namespace folio::cli {

void add_show(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string id;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("show", "print one entry");
  cmd->add_option("id", o->id, "entry id, or a unique prefix of 4+ characters")->required();
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      check_entry_id(o->id);
      Vault vault = open_vault(g, Access::read);
      Entry e = vault.journal().get(o->id);
      if (o->json) {
        print_json({{"id", e.id},
                    {"created", format_utc(e.created)},
                    {"updated", format_utc(e.updated)},
                    {"title", e.title ? nlohmann::json(*e.title) : nlohmann::json(nullptr)},
                    {"tags", e.tags},
                    {"body", e.body}});
        return 0;
      }
      Pager pager(g);
      std::cout << paint("id", "2") << "       " << paint(e.id, "33") << '\n';
      std::cout << paint("created", "2") << "  " << format_local(e.created) << '\n';
      if (e.updated != e.created) std::cout << paint("updated", "2") << "  " << format_local(e.updated) << '\n';
      if (e.title) std::cout << paint("title", "2") << "    " << paint(terminal_safe(*e.title), "1") << '\n';
      if (!e.tags.empty()) {
        std::string tags;
        for (const auto& t : e.tags) tags += (tags.empty() ? "#" : " #") + t;
        std::cout << paint("tags", "2") << "     " << paint(terminal_safe(tags), "36") << '\n';
      }
      // Line breaks and tabs stay; every other control is written out.
      std::cout << '\n' << terminal_safe(e.body, true);
      if (e.body.empty() || e.body.back() != '\n') std::cout << '\n';
      return 0;
    };
  });
}

}  // namespace folio::cli
