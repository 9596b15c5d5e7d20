// folio add: a new journal entry from --text, standard input, or the editor.
#include <iostream>

#include "cli/common.h"
#include "folio/editor.h"
#include "folio/error.h"

namespace folio::cli {

void add_add(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::optional<std::string> title, text, item;
    std::vector<std::string> tags;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("add", "add a journal entry (body from stdin or $EDITOR)");
  cmd->add_option("--title", o->title, "a title");
  cmd->add_option("-t,--tag", o->tags, "a tag (repeatable)")->allow_extra_args(false);
  cmd->add_option("--text", o->text,
                  "the body, from the command line: RISKY, it stays in shell history and "
                  "shows in the process list");
  cmd->add_option("--item", o->item, "link the entry to a checklist item (id or CHECKLIST:N)");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      // Unlock first, so nothing the user types in the editor is lost to a
      // wrong passphrase afterwards.
      Vault vault = open_vault(g, Access::write);
      // The item is checked before anything is written or the editor opens.
      std::optional<Item> item;
      if (o->item) item = vault.checklists().get_item(*o->item);
      EntryDraft draft{o->title, o->tags, {}, std::nullopt};
      if (o->text) {
        draft.body = *o->text;
      } else if (!stdin_is_terminal()) {
        draft.body = read_stdin();
      } else {
        auto text = edit_text("");
        if (!text) throw Error(Errc::cancelled, "the entry is empty; nothing was saved");
        draft.body = std::move(*text);
      }
      if (draft.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw Error(Errc::cancelled, "the entry is empty; nothing was saved");
      }
      Entry e = vault.journal().add(draft);
      if (item) vault.checklists().link_entry(e.id, item->id);
      std::cout << e.id << '\n';
      return 0;
    };
  });
}

}  // namespace folio::cli
