// folio attachments: the files stored with an item.
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/dates.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio::cli {

void add_attachments(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string item;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("attachments", tr("list the files attached to an item"));
  cmd->add_option("item", o->item, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  cmd->add_flag("--json", o->json, tr("print JSON"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      TextFields().line(o->item, "ITEM").read();
      check_item_ref(o->item);
      Vault vault = open_vault(g, Access::read);
      auto files = vault.checklists().attachments(o->item);
      if (o->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& f : files) out.push_back(to_json(f));
        print_json(out);
        return 0;
      }
      std::vector<std::string> names;
      std::size_t w = 4;
      for (const auto& f : files) {
        names.push_back(terminal_safe(f.name));
        w = std::max(w, display_width(names.back()));
      }
      for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& f = files[i];
        std::cout << paint(f.id, "33") << "  " << pad_width(names[i], w) << "  "
                  << pad_width(size_text(f.size), 10) << "  " << terminal_safe(f.media_type) << "  "
                  << format_local(f.created) << '\n';
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
