// folio show: one entry.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio::cli {

void add_show(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string id;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("show", tr("print one entry"));
  cmd->add_option("id", o->id, tr("entry id, or a unique prefix of 4+ characters"))->required();
  cmd->add_flag("--json", o->json, tr("print JSON"));
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
      // TRANSLATORS: the labels of 'folio show', one above the other.
      const char* labels[] = {tr("id"), tr("created"), tr("updated"), tr("title"), tr("tags")};
      std::size_t width = 0;
      for (const char* l : labels) width = std::max(width, display_width(l));
      // A label dimmed, then spaces to two columns past the widest one.
      auto label = [width](const char* l) { return paint(l, "2") + std::string(width + 2 - display_width(l), ' '); };
      std::cout << label(labels[0]) << paint(e.id, "33") << '\n';
      std::cout << label(labels[1]) << format_local(e.created) << '\n';
      if (e.updated != e.created) std::cout << label(labels[2]) << format_local(e.updated) << '\n';
      if (e.title) std::cout << label(labels[3]) << paint(terminal_safe(*e.title), "1") << '\n';
      if (!e.tags.empty()) {
        std::string tags;
        for (const auto& t : e.tags) tags += (tags.empty() ? "#" : " #") + t;
        std::cout << label(labels[4]) << paint(terminal_safe(tags), "36") << '\n';
      }
      // Line breaks and tabs stay; every other control is written out.
      std::cout << '\n' << terminal_safe(e.body, true);
      if (e.body.empty() || e.body.back() != '\n') std::cout << '\n';
      return 0;
    };
  });
}

}  // namespace folio::cli
