// folio edit: change an entry's body, title, tags or date.
#include <algorithm>
#include <iostream>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"

namespace folio::cli {

void add_edit(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string id;
    std::optional<std::string> title, text, date;
    std::vector<std::string> add_tags, rm_tags;
    bool from_stdin = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("edit", tr("change an entry (body from stdin or $EDITOR)"));
  cmd->add_option("id", o->id, tr("entry id, or a unique prefix of 4+ characters"))->required();
  cmd->add_option("--title", o->title, tr("new title (\"\" removes it; - reads it from standard input)"));
  cmd->add_option("--add-tag", o->add_tags, tr("add a tag (repeatable; - reads one from standard input)"))
      ->allow_extra_args(false);
  cmd->add_option("--rm-tag", o->rm_tags, tr("remove a tag (repeatable; - reads one from standard input)"))
      ->allow_extra_args(false);
  cmd->add_option("--text", o->text, tr("new body from the command line (RISKY: shell history)"));
  cmd->add_flag("--stdin", o->from_stdin, tr("read the new body from standard input"));
  // The option and the grammar of `add --date`, so that the two agree.
  cmd->add_option("--date", o->date,
                  tr("move the entry to another date: YYYY-MM-DD, yesterday, '3 days ago', 昨天... at the current "
                     "time of day; not in the future (docs/CLI.md, 'Dates and durations')"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      // Echo stays off from the passphrase until the editor opens.
      check_entry_id(o->id);
      TextFields fields;
      fields.line(o->title, "--title").line(o->add_tags, "--add-tag").line(o->rm_tags, "--rm-tag");
      fields.read(o->from_stdin);
      for (const auto& t : o->add_tags) normalize_tag(t);
      for (const auto& t : o->rm_tags) normalize_tag(t);
      // The date is checked before the passphrase is asked for, as by add.
      std::optional<Timestamp> created;
      if (o->date) created = parse_entry_date(*o->date, now_utc());
      EchoHold hold;
      Vault vault = open_vault(g, Access::write);
      Journal journal = vault.journal();
      Entry e = journal.get(o->id);
      bool metadata_only = (o->title || !o->add_tags.empty() || !o->rm_tags.empty() || o->date) &&
                           !o->text && !o->from_stdin;
      // The entry's own date again keeps its time too: it does not move
      // among the entries of that day.
      if (created && local_date(*created) == local_date(e.created)) created.reset();
      EntryDraft draft{e.title, e.tags, e.body, created};
      std::optional<EditedText> edited;
      if (o->text) {
        draft.body = *o->text;
      } else if (o->from_stdin || (!metadata_only && !stdin_is_terminal())) {
        draft.body = read_stdin();
      } else if (!metadata_only) {
        edited = edit_text(e.body);
        if (!edited) {
          throw Error(Errc::cancelled, tr("the text is empty; the entry was not changed"),
                      trf("to delete the entry, use 'folio rm {0}'", e.id));
        }
        draft.body = edited->text();
      }
      if (draft.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw Error(Errc::cancelled, tr("the text is empty; the entry was not changed"),
                    trf("to delete the entry, use 'folio rm {0}'", e.id));
      }
      if (o->title) draft.title = o->title->empty() ? std::nullopt : o->title;
      for (const auto& t : o->add_tags) draft.tags.push_back(normalize_tag(t));
      for (const auto& t : o->rm_tags) {
        std::string n = normalize_tag(t);
        if (std::find(draft.tags.begin(), draft.tags.end(), n) == draft.tags.end()) {
          throw Error(Errc::not_found, trf("entry {0} has no tag '{1}'", e.id, t));
        }
        draft.tags.erase(std::remove(draft.tags.begin(), draft.tags.end(), n), draft.tags.end());
      }
      if (draft.body == e.body && draft.title == e.title && draft.tags == e.tags && !draft.created) {
        note(trf("no change to {0}", e.id));
        return 0;
      }
      const std::string folio = folio_command(g);
      bool removed = false;
      std::optional<Entry> conflict_copy;
      save_edited(edited, vault.path(), [&] {
        std::optional<Entry> updated;
        try {
          // Only over the version this edit began from (docs/CLI.md, "When
          // a save fails"): an entry another folio command changed or removed
          // meanwhile is not overwritten.
          updated = journal.update_if_unchanged(e, draft);
        } catch (const Error& err) {
          if (err.code() != Errc::not_found) throw;
          removed = true;
          throw Error(Errc::not_found, trf("entry {0} was deleted while you were editing it", e.id));
        }
        if (updated) {
          std::cout << updated->id << '\n';
          const std::string label = record_label(updated->id, updated->title.value_or(""));
          if (draft.created) {
            // TRANSLATORS: {0} is the entry (id and title), {1} its new local date and time.
            note(trf("updated entry {0}, now dated {1}", label, format_local(updated->created)));
          } else {
            note(trf("updated entry {0}", label));
          }
          return;
        }
        // Both versions kept, as 'folio import' keeps both sides of a
        // conflict: the other edit stays in the entry, this one becomes a new
        // entry with the same title and tags.
        conflict_copy = journal.add(draft);
      }, [&] {
        if (!removed) return folio + " edit " + e.id + " --stdin";
        std::string add = folio + " add";
        if (e.title) add += " --title " + shell_word(*e.title);
        for (const auto& t : e.tags) add += " -t " + shell_word(t);
        return add;
      });
      if (conflict_copy) {
        throw Error(Errc::refused,
                    trf("entry {0} was changed by another folio command while you were editing it, so it was not "
                        "overwritten; your text is saved as a new entry {1}",
                        e.id, conflict_copy->id),
                    // TRANSLATORS: {0} is "folio" (with its --vault), {1} and {2} the two entries' ids.
                    trf("compare them with '{0} show {1}' and '{0} show {2}'; keep one, remove the other with "
                        "'{0} rm ID'",
                        folio, e.id, conflict_copy->id));
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
