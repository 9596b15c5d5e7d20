// folio rm: delete entries, after confirmation.
#include <iostream>

#include "cli/common.h"
#include "folio/error.h"
#include "folio/terminal.h"

namespace folio::cli {

void add_rm(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::vector<std::string> ids;
    bool yes = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "rm", "delete entries (content is zeroed inside the encrypted database)");
  cmd->add_option("id", o->ids, "entry ids")->required();
  cmd->add_flag("-y,--yes", o->yes, "do not ask for confirmation");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      if (!o->yes && !have_terminal()) {
        throw Error(Errc::refused, "not deleting without confirmation", "add --yes to delete from a script");
      }
      Vault vault = open_vault(g);
      Journal journal = vault.journal();
      std::vector<Entry> entries;  // all ids are checked before anything is deleted
      for (const auto& id : o->ids) entries.push_back(journal.get(id));
      if (!o->yes) {
        std::string what = entries.size() == 1 ? "entry " + entries[0].id
                                               : std::to_string(entries.size()) + " entries";
        if (entries.size() == 1 && entries[0].title) what += " (\"" + *entries[0].title + "\")";
        if (!ask_yes_no("Delete " + what + "?")) throw Error(Errc::cancelled, "nothing was deleted");
      }
      for (const auto& e : entries) {
        journal.remove(e.id);
        std::cout << "deleted " << e.id << '\n';
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
