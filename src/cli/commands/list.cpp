// folio list: entries, newest first, with filters.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/dates.h"
#include "folio/text.h"

namespace folio::cli {

void add_list(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::optional<std::string> tag, since, until;
    std::optional<std::string> limit;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("list", tr("list entries, newest first"));
  cmd->add_option("-t,--tag", o->tag, tr("only entries with this tag (- reads it from standard input)"));
  cmd->add_option("--since", o->since,
                  tr("from this day: YYYY-MM-DD, yesterday, '3 days ago', 'last week', 昨天... "
                     "(docs/CLI.md, 'Dates and durations')"));
  cmd->add_option("--until", o->until, tr("up to the end of this day"));
  cmd->add_option("-n,--limit", o->limit, tr("at most this many entries (1 to 1000000)"));
  cmd->add_flag("--json", o->json, tr("print JSON"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      TextFields().line(o->tag, "--tag").read();
      // Dates are checked before the passphrase is asked for.
      EntryFilter f;
      Timestamp now = now_utc();
      if (o->since) f.since = parse_day(*o->since, now);
      if (o->until) f.until = next_day(parse_day(*o->until, now));
      f.tag = o->tag;
      if (f.tag) normalize_tag(*f.tag);
      if (o->limit) f.limit = parse_limit(*o->limit);
      Vault vault = open_vault(g, Access::read);
      auto rows = vault.journal().list(f);
      if (o->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rows) {
          out.push_back({{"id", r.id},
                         {"created", format_utc(r.created)},
                         {"updated", format_utc(r.updated)},
                         {"title", r.title ? nlohmann::json(*r.title) : nlohmann::json(nullptr)},
                         {"tags", r.tags},
                         {"first_line", r.first_line},
                         {"chars", r.body_chars}});
        }
        print_json(out);
        return 0;
      }
      Pager pager(g);
      std::vector<std::string> tag_cells;
      std::size_t tag_width = 0;
      for (const auto& r : rows) {
        std::string cell;
        for (const auto& t : r.tags) cell += (cell.empty() ? "#" : " #") + t;
        cell = fit_width(terminal_safe(cell), 24);
        tag_width = std::max(tag_width, display_width(cell));
        tag_cells.push_back(cell);
      }
      std::size_t cols = terminal_columns();
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        // Widths are counted on what the terminal is given.
        std::string text = terminal_safe(r.title ? *r.title : r.first_line);
        std::string line_head = r.id + "  " + format_local(r.created) + "  ";
        std::size_t used = display_width(line_head) + (tag_width ? tag_width + 2 : 0);
        if (cols > used + 8) text = fit_width(text, cols - used);
        std::cout << paint(r.id, "33") << "  " << format_local(r.created) << "  ";
        if (tag_width) std::cout << paint(pad_width(tag_cells[i], tag_width), "36") << "  ";
        std::cout << text << '\n';
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
