// folio due: every overdue or upcoming due and expiry date, soonest first.
// Exit 1 when something is overdue or expired, for cron jobs and status bars.
#include <iostream>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

std::string when(long days) {
  if (days == 0) return "today";
  if (days == 1) return "tomorrow";
  if (days == -1) return "yesterday";
  return days > 0 ? "in " + std::to_string(days) + " days" : std::to_string(-days) + " days ago";
}

}  // namespace

void add_due(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string within = "30d";
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "due", "overdue and upcoming due and expiry dates; exit 1 if anything is overdue or expired");
  cmd->add_option("--within", o->within,
                  "how far ahead to look: 30d (default), 2w, 3m (months), 1y, 0d "
                  "(docs/CLI.md, 'Dates and durations')");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      const Timestamp now = now_utc();
      long within = parse_calendar_span(o->within, now, "--within");
      Day today = today_local(now);
      Vault vault = open_vault(g, Access::read);
      auto rows = vault.checklists().deadlines(today, within);
      bool overdue = false;
      for (const auto& d : rows) overdue = overdue || d.days_left < 0;
      if (o->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& d : rows) {
          out.push_back({{"item", to_json(d.item)}, {"kind", d.kind}, {"date", d.date},
                         {"days_left", d.days_left}, {"overdue", d.days_left < 0}});
        }
        print_json(out);
        return overdue ? 1 : 0;
      }
      if (rows.empty()) {
        note("nothing due or expiring in the next " + std::to_string(within) + " days");
        return 0;
      }
      // CHECKLIST:N as one padded column (a long name cut to fit), the title
      // in what is left of the terminal's width, in display columns.
      std::vector<std::string> refs;
      std::size_t ref_w = 0;
      for (const auto& d : rows) {
        std::string number = ":" + std::to_string(d.item.number);
        std::string ref = fit_width(terminal_safe(d.item.checklist_name), 20) + number;
        ref_w = std::max(ref_w, display_width(ref));
        refs.push_back(std::move(ref));
      }
      const std::size_t cols = terminal_columns();
      const std::size_t used = 7 + 2 + 10 + 2 + 12 + 2 + 7 + 2 + ref_w + 2;
      Pager pager(g);
      for (std::size_t k = 0; k < rows.size(); ++k) {
        const auto& d = rows[k];
        std::string flag = d.days_left < 0 ? (d.kind == "due" ? "OVERDUE" : "EXPIRED") : "";
        std::string title = terminal_safe(d.item.title);
        if (cols > used + 8) title = fit_width(title, cols - used);
        std::cout << paint(pad_width(flag, 7), "31;1") << "  " << d.date << "  "
                  << pad_width(when(d.days_left), 12) << "  " << pad_width(d.kind, 7) << "  "
                  << pad_width(refs[k], ref_w) << "  " << title << '\n';
      }
      return overdue ? 1 : 0;
    };
  });
}

}  // namespace folio::cli
