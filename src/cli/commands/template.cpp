// folio template list|rm.
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"

namespace folio::cli {

void add_template(CLI::App& app, Globals& g, Action& run) {
  CLI::App* noun = app.add_subcommand("template", tr("checklist templates: list, rm"));
  noun->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  CLI::App* list = noun->add_subcommand("list", tr("list built-in and saved templates with their items"));
  list->add_flag("--json", *json, tr("print JSON"));
  list->callback([&g, &run, json] {
    run = [&g, json] {
      Vault vault = open_vault(g, Access::read);
      auto templates = vault.checklists().templates();
      if (*json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& t : templates) {
          out.push_back({{"name", t.name}, {"alias", t.alias}, {"builtin", t.builtin}, {"items", t.items}});
        }
        print_json(out);
        return 0;
      }
      for (const auto& t : templates) {
        std::cout << paint(terminal_safe(t.name), "1")
                  << (t.alias.empty() ? "" : " / " + terminal_safe(t.alias))
                  // TRANSLATORS: after a template's name in 'folio template list'.
                  << "  " << (t.builtin ? tr("(built-in)") : tr("(saved)")) << '\n';
        for (const auto& i : t.items) std::cout << "  - " << terminal_safe(i) << '\n';
      }
      return 0;
    };
  });
  auto name = std::make_shared<std::string>();
  CLI::App* rm = noun->add_subcommand("rm", tr("delete a saved template"));
  rm->add_option("name", *name, tr("template name (- reads it from standard input)"))->required();
  rm->callback([&g, &run, name] {
    run = [&g, name] {
      TextFields().line(*name, "NAME").read();
      Vault vault = open_vault(g, Access::write);
      vault.checklists().remove_template(*name);
      note(trf("deleted template '{0}'", *name));
      return 0;
    };
  });
}

}  // namespace folio::cli
