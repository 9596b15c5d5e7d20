// folio add: a new journal entry from --text, standard input, or the editor.
#include <iostream>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"

namespace folio::cli {

void add_add(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::optional<std::string> title, text, item, date;
    std::vector<std::string> tags;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("add", tr("add a journal entry (body from stdin or $EDITOR)"));
  cmd->add_option("--title", o->title, tr("a title (- reads it from standard input; the body then comes from $EDITOR)"));
  cmd->add_option("-t,--tag", o->tags, tr("a tag (repeatable; - reads one from standard input)"))->allow_extra_args(false);
  cmd->add_option("--text", o->text,
                  tr("the body, from the command line: RISKY, it stays in shell history and "
                  "shows in the process list"));
  cmd->add_option("--item", o->item, tr("link the entry to a checklist item (id or CHECKLIST:N; - reads it from standard input)"));
  cmd->add_option("--date", o->date,
                  tr("backdate the entry: YYYY-MM-DD, yesterday, '3 days ago', 昨天... at the current time of day; "
                     "not in the future (docs/CLI.md, 'Dates and durations')"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      // A field given as "-" takes standard input; the body then comes from
      // --text or the editor, which has the terminal.
      TextFields fields;
      fields.line(o->title, "--title").line(o->tags, "--tag").line(o->item, "--item");
      const bool field_from_stdin = fields.any();
      if (field_from_stdin && !o->text && !have_terminal()) {
        throw Error(Errc::invalid_argument,
                    tr("a field is '-', so the body cannot come from standard input as well, and there is no "
                       "terminal for the editor"),
                    tr("run it on a terminal (the editor opens for the body), or add the entry first and set "
                       "the field afterwards ('folio edit ID --title -')"));
      }
      fields.read();
      // The date is checked before the passphrase is asked for.
      std::optional<Timestamp> created;
      if (o->date) created = parse_entry_date(*o->date, now_utc());
      // So are the tags and the item (docs/CLI.md, "Before the passphrase").
      for (const auto& t : o->tags) normalize_tag(t);
      if (o->item) check_item_ref(*o->item);
      // Echo stays off from the passphrase until the editor opens.
      EchoHold hold;
      // Unlock first, so nothing the user types in the editor is lost to a
      // wrong passphrase afterwards.
      Vault vault = open_vault(g, Access::write);
      // The item is checked before anything is written or the editor opens.
      std::optional<Item> item;
      if (o->item) item = vault.checklists().get_item(*o->item);
      EntryDraft draft{o->title, o->tags, {}, created};
      std::optional<EditedText> edited;
      if (o->text) {
        draft.body = *o->text;
      } else if (!stdin_is_terminal() && !field_from_stdin) {
        draft.body = read_stdin();
      } else {
        edited = edit_text("");
        if (!edited) throw Error(Errc::cancelled, tr("the entry is empty; nothing was saved"));
        draft.body = edited->text();
      }
      if (draft.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw Error(Errc::cancelled, tr("the entry is empty; nothing was saved"));
      }
      // The same command again, reading the kept text on standard input.
      std::string save_with = folio_command(g) + " add";
      if (o->title) save_with += " --title " + shell_word(*o->title);
      for (const auto& t : o->tags) save_with += " -t " + shell_word(t);
      if (o->item) save_with += " --item " + shell_word(*o->item);
      // The date itself, not "yesterday": the command may be run another day.
      if (created) save_with += " --date " + format_date(local_date(*created));
      save_edited(edited, vault.path(), [&] {
        Entry e = vault.journal().add(draft);
        if (item) {
          try {
            vault.checklists().link_entry(e.id, item->id);
          } catch (...) {
            // All or nothing: the kept text is then saved once, not twice.
            try {
              vault.journal().remove(e.id);
            } catch (...) {
            }
            throw;
          }
        }
        std::cout << e.id << '\n';
        note(trf("added entry {0}", record_label(e.id, e.title.value_or(""))));
      }, [&] { return save_with; });
      return 0;
    };
  });
}

}  // namespace folio::cli
