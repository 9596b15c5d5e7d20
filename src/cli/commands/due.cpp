// folio due: every overdue or upcoming due and expiry date, soonest first.
// Exit 1 when something is overdue or expired, for cron jobs and status bars.
#include <iostream>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

std::string when(long days) {
  if (days == 0) return tr("today");
  if (days == 1) return tr("tomorrow");
  if (days == -1) return tr("yesterday");
  // TRANSLATORS: in the table of 'folio due'; {0} is at least 2.
  if (days > 0) return trn("in {0} day", "in {0} days", static_cast<unsigned long>(days));
  // TRANSLATORS: in the table of 'folio due'; {0} is at least 2.
  return trn("{0} day ago", "{0} days ago", static_cast<unsigned long>(-days));
}

// The kind of a date as shown in the table ("due" or "expires" in --json).
const char* kind_label(const std::string& kind) {
  // TRANSLATORS: a column of 'folio due': the item must be done by this date.
  if (kind == "due") return tr("due");
  // TRANSLATORS: a column of 'folio due': the document stops being valid on this date.
  if (kind == "expires") return tr("expires");
  return kind.c_str();
}

}  // namespace

void add_due(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string within = "30d";
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "due", tr("overdue and upcoming due and expiry dates; exit 1 if anything is overdue or expired"));
  cmd->add_option("--within", o->within,
                  tr("how far ahead to look: 30d (default), 2w, 3m (months), 1y, 0d "
                     "(docs/CLI.md, 'Dates and durations')"));
  cmd->add_flag("--json", o->json, tr("print JSON"));
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
        note(trf("nothing due or expiring in the next {0} days", within));
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
      // The labels' columns fit the widest translation (7, 12 and 7 in English).
      // TRANSLATORS: 'folio due' flags an item whose due date has passed.
      const std::string overdue_label = tr("OVERDUE");
      // TRANSLATORS: 'folio due' flags a document whose expiry date has passed.
      const std::string expired_label = tr("EXPIRED");
      const std::size_t flag_w = std::max(display_width(overdue_label), display_width(expired_label));
      std::vector<std::string> whens;
      std::size_t when_w = 12, kind_w = 7;
      for (const auto& d : rows) {
        whens.push_back(when(d.days_left));
        when_w = std::max(when_w, display_width(whens.back()));
        kind_w = std::max(kind_w, display_width(kind_label(d.kind)));
      }
      const std::size_t cols = terminal_columns();
      const std::size_t used = flag_w + 2 + 10 + 2 + when_w + 2 + kind_w + 2 + ref_w + 2;
      Pager pager(g);
      for (std::size_t k = 0; k < rows.size(); ++k) {
        const auto& d = rows[k];
        std::string flag = d.days_left < 0 ? (d.kind == "due" ? overdue_label : expired_label) : "";
        std::string title = terminal_safe(d.item.title);
        if (cols > used + 8) title = fit_width(title, cols - used);
        std::cout << paint(pad_width(flag, flag_w), "31;1") << "  " << d.date << "  "
                  << pad_width(whens[k], when_w) << "  " << pad_width(kind_label(d.kind), kind_w) << "  "
                  << pad_width(refs[k], ref_w) << "  " << title << '\n';
      }
      return overdue ? 1 : 0;
    };
  });
}

}  // namespace folio::cli
