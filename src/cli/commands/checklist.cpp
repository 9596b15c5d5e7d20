// folio checklist new|list|show|rename|rm|save-template.
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

std::string lang_from_env(const std::optional<std::string>& given) {
  if (given) {
    if (*given != "en" && *given != "zh") {
      throw Error(Errc::invalid_argument, trf("unknown language '{0}'", *given), tr("use en or zh"));
    }
    return *given;
  }
  // The language folio's messages are in, chosen as gettext chooses it
  // (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): titles and messages agree.
  return message_language().rfind("zh", 0) == 0 ? "zh" : "en";
}

void print_items(const Checklist& c, const std::vector<Item>& items) {
  std::string name = terminal_safe(c.name);
  // TRANSLATORS: after a checklist's progress, its target date.
  const std::string target = c.target ? "  " + trf("target {0}", terminal_safe(*c.target)) : "";
  std::string rest = "  " + c.id + "  " + progress_text(c) + target;
  const std::size_t cols = terminal_columns();
  std::string shown = cols > display_width(rest) + 8 ? fit_width(name, cols - display_width(rest)) : name;
  std::cout << paint(shown, "1") << "  " << paint(c.id, "33") << "  " << progress_text(c) << target << '\n';
  if (c.description) std::cout << terminal_safe(*c.description, true) << '\n';
  if (items.empty()) {
    // The id, not the name: a command copied from here keeps the name out
    // of shell history.
    // TRANSLATORS: {0} is the checklist's id; TITLE stands for the title the user gives.
    std::cout << trf("(no items yet: folio item add {0} TITLE)", c.id) << '\n';
    return;
  }
  // The column headers, padded by display width (a Chinese character takes
  // two columns); a column is as wide as its widest value or its header.
  // TRANSLATORS: headers of the columns of a checklist's items (number, state, due date, expiry
  // date, title); written in capitals in English.
  const std::string state_h = tr("STATE"), due_h = tr("DUE"), expires_h = tr("EXPIRES"), item_h = tr("ITEM");
  // A state written by a later folio is shown as stored: made safe too.
  std::size_t state_w = std::max<std::size_t>(5, display_width(state_h));
  for (const auto& i : items) state_w = std::max(state_w, display_width(terminal_safe(i.state)));
  const std::size_t due_w = std::max<std::size_t>(10, display_width(due_h));
  const std::size_t expires_w = std::max<std::size_t>(10, display_width(expires_h));
  std::cout << '\n'
            << paint(" #  " + pad_width(state_h, state_w) + "  " + pad_width(due_h, due_w) + "  " +
                         pad_width(expires_h, expires_w) + "  " + item_h,
                     "2")
            << '\n';
  for (const auto& i : items) {
    std::string n = std::to_string(i.number);
    std::string files =
        i.attachments == 0 ? "" : "  " + trn("[{0} file]", "[{0} files]", static_cast<unsigned long>(i.attachments));
    // The title takes what the other columns leave of the terminal's width,
    // counted in display columns (a Chinese character takes two).
    std::string title = terminal_safe(i.title);
    const std::size_t used = std::max<std::size_t>(n.size(), 2) + 2 + state_w + 2 + due_w + 2 + expires_w + 2 +
                             display_width(files) + 2 + i.id.size();
    if (cols > used + 8) title = fit_width(title, cols - used);
    std::cout << std::string(n.size() < 2 ? 2 - n.size() : 0, ' ') << n << "  "
              << pad_width(terminal_safe(i.state), state_w) << "  "
              << pad_width(terminal_safe(i.due.value_or("")), due_w) << "  "
              << pad_width(terminal_safe(i.expires.value_or("")), expires_w) << "  " << title;
    if (!files.empty()) std::cout << paint(files, "36");
    std::cout << "  " << paint(i.id, "2") << '\n';
  }
}

}  // namespace

void add_checklist(CLI::App& app, Globals& g, Action& run) {
  CLI::App* noun = app.add_subcommand("checklist", tr("document checklists: new, list, show, rename, rm, save-template"));
  noun->require_subcommand(1);

  struct New {
    std::string name, tpl;
    std::optional<std::string> description, target, lang;
  };
  auto n = std::make_shared<New>();
  CLI::App* create = noun->add_subcommand("new", tr("create a checklist (optionally from a template)"));
  CLI::Option* name_opt = create->add_option("name", n->name, tr("its name (- reads it from standard input; left out, it is asked for)"));
  create->add_option("--description", n->description, tr("a description (- reads it from standard input)"));
  create->add_option("--target", n->target,
                    tr("target date: YYYY-MM-DD, 'in 3 months', 下个月... (docs/CLI.md, 'Dates and durations')"));
  create->add_option("--template", n->tpl, tr("start from a template ('folio template list')"));
  create->add_option("--lang", n->lang, tr("language of built-in template titles: en or zh (default from LANG)"));
  create->callback([&g, &run, n, name_opt] {
    run = [&g, n, given = name_opt->count() > 0] {
      std::optional<Day> target;
      if (n->target) target = parse_calendar_day(*n->target, now_utc());
      std::string lang = lang_from_env(n->lang);
      TextFields fields;
      fields.line(n->name, "NAME").text(n->description, "--description").line(n->tpl, "--template");
      fields.read();
      ask_if_left_out(n->name, given, "NAME", tr("Checklist name: "));
      check_checklist_name(n->name);
      Vault vault = open_vault(g, Access::write);
      Checklist c = vault.checklists().create({n->name, n->description, target},
                                              n->tpl.empty() ? std::nullopt : std::optional(n->tpl), lang);
      std::cout << c.id << '\n';
      note(trf("added checklist {0}", record_label(c.id, c.name)));
      return 0;
    };
  });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = noun->add_subcommand("list", tr("list checklists with their progress"));
  list->add_flag("--json", *list_json, tr("print JSON"));
  list->callback([&g, &run, list_json] {
    run = [&g, list_json] {
      Vault vault = open_vault(g, Access::read);
      auto lists = vault.checklists().list();
      if (*list_json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& c : lists) out.push_back(to_json(c));
        print_json(out);
        return 0;
      }
      std::vector<std::string> names;
      std::size_t w = 4;
      for (const auto& c : lists) {
        names.push_back(terminal_safe(c.name));
        w = std::max(w, display_width(names.back()));
      }
      for (std::size_t k = 0; k < lists.size(); ++k) {
        const auto& c = lists[k];
        std::cout << paint(c.id, "33") << "  " << pad_width(names[k], w) << "  "
                  << pad_width(progress_text(c), 14);
        if (c.target) std::cout << "  " << trf("target {0}", terminal_safe(*c.target));
        std::cout << '\n';
      }
      return 0;
    };
  });

  struct Show {
    std::string ref;
    bool json = false;
  };
  auto s = std::make_shared<Show>();
  CLI::App* show = noun->add_subcommand("show", tr("show a checklist and its items"));
  show->add_option("checklist", s->ref, tr("id or name (- reads it from standard input)"))->required();
  show->add_flag("--json", s->json, tr("print JSON"));
  show->callback([&g, &run, s] {
    run = [&g, s] {
      TextFields().line(s->ref, "CHECKLIST").read();
      check_checklist_ref(s->ref);
      Vault vault = open_vault(g, Access::read);
      Checklists lists = vault.checklists();
      Checklist c = lists.get(s->ref);
      auto items = lists.items(c.id);
      if (s->json) {
        nlohmann::json out = to_json(c);
        out["item_list"] = nlohmann::json::array();
        for (const auto& i : items) out["item_list"].push_back(to_json(i));
        print_json(out);
        return 0;
      }
      Pager pager(g);
      print_items(c, items);
      return 0;
    };
  });

  struct Rename {
    std::string ref, name;
  };
  auto r = std::make_shared<Rename>();
  CLI::App* rename = noun->add_subcommand("rename", tr("rename a checklist"));
  rename->add_option("checklist", r->ref, tr("id or name (- reads it from standard input)"))->required();
  CLI::Option* new_name_opt = rename->add_option("new-name", r->name, tr("the new name (- reads it from standard input; left out, it is asked for)"));
  rename->callback([&g, &run, r, new_name_opt] {
    run = [&g, r, given = new_name_opt->count() > 0] {
      TextFields().line(r->ref, "CHECKLIST").line(r->name, "NEW-NAME").read();
      ask_if_left_out(r->name, given, "NEW-NAME", tr("New checklist name: "));
      check_checklist_ref(r->ref);
      check_checklist_name(r->name);
      Vault vault = open_vault(g, Access::write);
      Checklist c = vault.checklists().rename(r->ref, r->name);
      std::cout << c.id << '\n';
      note(trf("renamed checklist {0}", record_label(c.id, c.name)));
      return 0;
    };
  });

  struct Remove {
    std::string ref;
    bool yes = false;
  };
  auto rm = std::make_shared<Remove>();
  CLI::App* remove = noun->add_subcommand("rm", tr("delete a checklist with its items and attachments"));
  remove->add_option("checklist", rm->ref, tr("id or name (- reads it from standard input)"))->required();
  remove->add_flag("-y,--yes", rm->yes, tr("do not ask for confirmation"));
  remove->callback([&g, &run, rm] {
    run = [&g, rm] {
      TextFields().line(rm->ref, "CHECKLIST").read();
      check_checklist_ref(rm->ref);
      Vault vault = open_vault(g, Access::write);
      Checklists lists = vault.checklists();
      Checklist c = lists.get(rm->ref);
      if (!rm->yes && !have_terminal()) {
        throw Error(Errc::refused, tr("not deleting without confirmation"), tr("add --yes to delete from a script"));
      }
      // TRANSLATORS: {0} is the checklist's name, {1} its number of items (English says "items" for 1 too).
      if (!rm->yes && !ask_yes_no(trf("Delete checklist \"{0}\" with its {1} items and their attachments?",
                                      terminal_safe(c.name), c.items))) {
        throw Error(Errc::cancelled, tr("nothing was deleted"));
      }
      lists.remove(c.id);
      std::cout << terminal_safe(trf("deleted checklist {0}", record_label(c.id, c.name))) << '\n';
      return 0;
    };
  });

  struct Save {
    std::string ref, name;
  };
  auto sv = std::make_shared<Save>();
  CLI::App* save = noun->add_subcommand("save-template", tr("save a checklist's item titles as a template"));
  save->add_option("checklist", sv->ref, tr("id or name (- reads it from standard input)"))->required();
  CLI::Option* tpl_opt = save->add_option("template-name", sv->name,
                   tr("name of the new template (- reads it from standard input; left out, it is asked for)"));
  save->callback([&g, &run, sv, tpl_opt] {
    run = [&g, sv, given = tpl_opt->count() > 0] {
      TextFields().line(sv->ref, "CHECKLIST").line(sv->name, "TEMPLATE-NAME").read();
      ask_if_left_out(sv->name, given, "TEMPLATE-NAME", tr("Template name: "));
      check_checklist_ref(sv->ref);
      Vault vault = open_vault(g, Access::write);
      Template t = vault.checklists().save_template(sv->ref, sv->name);
      // TRANSLATORS: {1} is the number of items (English says "items" for 1 too).
      note(trf("saved template '{0}' with {1} items", t.name, t.items.size()));
      return 0;
    };
  });
}

}  // namespace folio::cli
