// folio due: every overdue or upcoming due and expiry date, soonest first.
// Exit 1 when something is overdue or expired, for cron jobs and status bars.
#include <charconv>
#include <iostream>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

long parse_within(const std::string& text) {
  std::string digits = text;
  long mult = 1;
  if (!digits.empty() && (digits.back() == 'd' || digits.back() == 'w')) {
    mult = digits.back() == 'w' ? 7 : 1;
    digits.pop_back();
  }
  long n = -1;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size() || n < 0 || n > 36500) {
    throw Error(Errc::invalid_argument, "invalid --within '" + text + "'", "use days or weeks: 30d, 2w, 0d");
  }
  return n * mult;
}

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
  cmd->add_option("--within", o->within, "how far ahead to look: 30d (default), 2w, 0d");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      long within = parse_within(o->within);
      Day today = today_local(now_utc());
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
      for (const auto& d : rows) {
        std::string flag = d.days_left < 0 ? (d.kind == "due" ? "OVERDUE" : "EXPIRED") : "";
        std::cout << paint(pad_width(flag, 7), "31;1") << "  " << d.date << "  "
                  << pad_width(when(d.days_left), 12) << "  " << pad_width(d.kind, 7) << "  "
                  << terminal_safe(d.item.checklist_name) << ":" << d.item.number << "  "
                  << terminal_safe(d.item.title) << '\n';
      }
      return overdue ? 1 : 0;
    };
  });
}

}  // namespace folio::cli
