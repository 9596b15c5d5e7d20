// folio item add|set|done|rm|move|show.
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

std::optional<Day> day_option(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_calendar_day(*text, now_utc());
}

}  // namespace

void add_item(CLI::App& app, Globals& g, Action& run) {
  CLI::App* noun = app.add_subcommand(
      "item", tr("checklist items: add, set, done, rm, move, show (ITEM is an id or CHECKLIST:N)"));
  noun->require_subcommand(1);

  struct Add {
    std::string list, title, state = "needed";
    std::optional<std::string> due, expires, notes;
  };
  auto a = std::make_shared<Add>();
  CLI::App* add = noun->add_subcommand("add", tr("add an item to a checklist"));
  add->add_option("checklist", a->list, tr("checklist id or name (- reads it from standard input)"))->required();
  CLI::Option* title_opt = add->add_option("title", a->title, tr("what the document is (- reads it from standard input; left out, it is asked for)"));
  add->add_option("--state", a->state, tr("needed, requested, obtained, translated, notarized, submitted, done, n/a"));
  add->add_option("--due", a->due,
                  tr("due date: YYYY-MM-DD, tomorrow, 'in 2 weeks', 明天... (docs/CLI.md, 'Dates and durations')"));
  add->add_option("--expires", a->expires, tr("the date the document stops being valid"));
  add->add_option("--notes", a->notes, tr("free-text notes (- reads it from standard input)"));
  add->callback([&g, &run, a, title_opt] {
    run = [&g, a, given = title_opt->count() > 0] {
      TextFields().line(a->list, "CHECKLIST").line(a->title, "TITLE").text(a->notes, "--notes").read();
      ask_if_left_out(a->title, given, "TITLE", tr("Item title: "));
      ItemDraft d{a->title, a->state, day_option(a->due), day_option(a->expires), a->notes};
      check_checklist_ref(a->list);
      check_item_title(a->title);
      check_item_state(a->state);
      Vault vault = open_vault(g, Access::write);
      Item it = vault.checklists().add_item(a->list, d);
      std::cout << it.id << '\n';
      note(trf("added item {0}", record_label(it.id, it.title)));
      return 0;
    };
  });

  struct Set {
    std::string ref;
    std::optional<std::string> title, state, due, expires, notes;
    bool no_due = false, no_expires = false, no_notes = false;
  };
  auto s = std::make_shared<Set>();
  CLI::App* set = noun->add_subcommand("set", tr("change an item's title, state, dates or notes"));
  set->add_option("item", s->ref, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  set->add_option("--title", s->title, tr("new title (- reads it from standard input)"));
  set->add_option("--state", s->state, tr("new state"));
  auto* due = set->add_option("--due", s->due, tr("new due date"));
  set->add_flag("--no-due", s->no_due, tr("remove the due date"))->excludes(due);
  auto* expires = set->add_option("--expires", s->expires, tr("new expiry date"));
  set->add_flag("--no-expires", s->no_expires, tr("remove the expiry date"))->excludes(expires);
  auto* notes = set->add_option("--notes", s->notes, tr("new notes (- reads it from standard input)"));
  set->add_flag("--no-notes", s->no_notes, tr("remove the notes"))->excludes(notes);
  set->callback([&g, &run, s] {
    run = [&g, s] {
      TextFields().line(s->ref, "ITEM").line(s->title, "--title").text(s->notes, "--notes").read();
      ItemChange ch;
      ch.title = s->title;
      ch.state = s->state;
      if (s->due) ch.due = day_option(s->due);
      if (s->no_due) ch.due = std::optional<Day>();
      if (s->expires) ch.expires = day_option(s->expires);
      if (s->no_expires) ch.expires = std::optional<Day>();
      if (s->notes) ch.notes = s->notes;
      if (s->no_notes) ch.notes = std::optional<std::string>();
      check_item_ref(s->ref);
      if (s->title) check_item_title(*s->title);
      if (s->state) check_item_state(*s->state);
      Vault vault = open_vault(g, Access::write);
      Item it = vault.checklists().change_item(s->ref, ch);
      std::cout << it.id << '\n';
      note(trf("updated item {0}", record_label(it.id, it.title)));
      return 0;
    };
  });

  auto done_ref = std::make_shared<std::string>();
  CLI::App* done = noun->add_subcommand("done", tr("mark an item done"));
  done->add_option("item", *done_ref, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  done->callback([&g, &run, done_ref] {
    run = [&g, done_ref] {
      TextFields().line(*done_ref, "ITEM").read();
      check_item_ref(*done_ref);
      Vault vault = open_vault(g, Access::write);
      Checklists lists = vault.checklists();
      ItemChange ch;
      ch.state = kStateDone;
      Item it = lists.change_item(*done_ref, ch);
      Checklist c = lists.get(it.checklist_id);
      std::cout << it.id << '\n';
      note(trf("done: item {0}", record_label(it.id, it.title)));
      // TRANSLATORS: {0} is a checklist's name, {1} its progress ("3 of 12 done").
      note(trf("{0}: {1}", c.name, progress_text(c)));
      return 0;
    };
  });

  struct Remove {
    std::string ref;
    bool yes = false;
  };
  auto r = std::make_shared<Remove>();
  CLI::App* rm = noun->add_subcommand("rm", tr("delete an item with its attachments"));
  rm->add_option("item", r->ref, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  rm->add_flag("-y,--yes", r->yes, tr("do not ask for confirmation"));
  rm->callback([&g, &run, r] {
    run = [&g, r] {
      TextFields().line(r->ref, "ITEM").read();
      check_item_ref(r->ref);
      Vault vault = open_vault(g, Access::write);
      Checklists lists = vault.checklists();
      Item it = lists.get_item(r->ref);
      if (!r->yes && !have_terminal()) {
        throw Error(Errc::refused, tr("not deleting without confirmation"), tr("add --yes to delete from a script"));
      }
      // TRANSLATORS: {0} is the item's title, {1} its number of attachments (English says
      // "attachments" for 1 too).
      if (!r->yes && !ask_yes_no(trf("Delete item \"{0}\" ({1} attachments)?", terminal_safe(it.title), it.attachments))) {
        throw Error(Errc::cancelled, tr("nothing was deleted"));
      }
      lists.remove_item(it.id);
      std::cout << terminal_safe(trf("deleted item {0}", record_label(it.id, it.title))) << '\n';
      return 0;
    };
  });

  struct Move {
    std::string ref;
    std::optional<std::string> list;
    std::optional<std::string> to;
  };
  auto m = std::make_shared<Move>();
  CLI::App* move = noun->add_subcommand("move", tr("move an item to another position or checklist"));
  move->add_option("item", m->ref, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  move->add_option("--to", m->to, tr("new position (1 = first)"));
  move->add_option("--list", m->list, tr("move to this checklist (default: the same; - reads it from standard input)"));
  move->callback([&g, &run, m] {
    run = [&g, m] {
      TextFields().line(m->ref, "ITEM").line(m->list, "--list").read();
      if (!m->to && !m->list) throw Error(Errc::invalid_argument, tr("say where to: --to N and/or --list CHECKLIST"));
      std::optional<std::size_t> to;
      if (m->to) to = parse_whole_number(*m->to, "--to", 1, kMaxLimit, tr("--to 1 (the first place)"));
      check_item_ref(m->ref);
      if (m->list) check_checklist_ref(*m->list);
      Vault vault = open_vault(g, Access::write);
      Item it = vault.checklists().move_item(m->ref, m->list, to);
      std::cout << terminal_safe(it.checklist_name) << ":" << it.number << '\n';
      note(trf("moved item {0}", record_label(it.id, it.title)));
      return 0;
    };
  });

  struct Show {
    std::string ref;
    bool json = false;
  };
  auto sh = std::make_shared<Show>();
  CLI::App* show = noun->add_subcommand("show", tr("show an item with its attachments and linked entries"));
  show->add_option("item", sh->ref, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  show->add_flag("--json", sh->json, tr("print JSON"));
  show->callback([&g, &run, sh] {
    run = [&g, sh] {
      TextFields().line(sh->ref, "ITEM").read();
      check_item_ref(sh->ref);
      Vault vault = open_vault(g, Access::read);
      Checklists lists = vault.checklists();
      Item it = lists.get_item(sh->ref);
      auto files = lists.attachments(it.id);
      auto entries = lists.linked_entries(it.id);
      if (sh->json) {
        nlohmann::json out = to_json(it);
        out["attachment_list"] = nlohmann::json::array();
        for (const auto& f : files) out["attachment_list"].push_back(to_json(f));
        out["entries"] = nlohmann::json::array();
        for (const auto& e : entries) out["entries"].push_back(to_json(e));
        print_json(out);
        return 0;
      }
      // The labels are padded by display width to the widest one, so the
      // values line up in every language.
      // TRANSLATORS: labels of the lines of 'folio item show': the item's checklist, state, due date,
      // expiry date, notes, an attached file, a linked journal entry.
      const std::string labels[] = {tr("checklist"), tr("state"), tr("due"),  tr("expires"),
                                    tr("notes"),     tr("file"),  tr("entry")};
      std::size_t label_w = 0;
      for (const auto& l : labels) label_w = std::max(label_w, display_width(l));
      auto label = [&](std::size_t k) { return pad_width(labels[k], label_w) + "  "; };
      std::cout << paint(terminal_safe(it.title), "1") << "  " << paint(it.id, "33") << '\n'
                << label(0) << terminal_safe(it.checklist_name) << ":" << it.number << '\n'
                << label(1) << terminal_safe(it.state) << '\n';
      if (it.due) std::cout << label(2) << terminal_safe(*it.due) << '\n';
      if (it.expires) std::cout << label(3) << terminal_safe(*it.expires) << '\n';
      if (it.notes) std::cout << label(4) << terminal_safe(*it.notes, true) << '\n';
      for (const auto& f : files) {
        std::cout << label(5) << paint(f.id, "33") << "  " << terminal_safe(f.name) << "  "
                  << size_text(f.size) << "  " << terminal_safe(f.media_type) << '\n';
      }
      for (const auto& e : entries) {
        std::cout << label(6) << paint(e.id, "33") << "  " << format_local(e.created) << "  "
                  << terminal_safe(e.title ? *e.title : e.first_line) << '\n';
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
