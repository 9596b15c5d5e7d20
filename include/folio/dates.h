// folio/dates.h: the dates and durations a user types, and how times are shown.
//
// Times are stored as UTC seconds; dates typed by the user and times shown to
// the user are in the local time zone (TZ). Every option that takes a date or
// a duration goes through the two grammars below (docs/CLI.md, "Dates and
// durations").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "folio/journal.h"

namespace folio {

// A calendar date with no time zone. Valid when it names a real day of the
// years 1900 to 9999.
struct CivilDate {
  int year = 0;
  int month = 0;  // 1-12
  int day = 0;    // 1-31
  friend bool operator==(const CivilDate& a, const CivilDate& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
  friend bool operator<(const CivilDate& a, const CivilDate& b) {
    if (a.year != b.year) return a.year < b.year;
    if (a.month != b.month) return a.month < b.month;
    return a.day < b.day;
  }
};

// The date grammar, the one every date option uses. Case and surrounding
// spaces do not matter; runs of spaces count as one.
//   2026-11-28, 2026/11/28              (four-digit year, two-digit month and day)
//   today, tomorrow, yesterday
//   in N days|weeks|months|years        (also the singular: in 1 week)
//   N days|weeks|months|years ago
//   next week|month|year, last week|month|year  (= in 1 week, 1 week ago...)
//   今天 明天 后天 大后天 昨天 前天 大前天
//   N天后 N天前, N周后 N周前 (also N个星期), N个月后 N个月前, N年后 N年前
//   下周 上周, 下个月 上个月, 明年 去年
// N is ASCII digits, 0 to 100000. Relative forms count from the local date of
// `now`. A month or year later keeps the day of the month, or takes the
// month's last day when it has fewer days (01-31 + 1 month = 02-28).
// Error(invalid_argument) naming the accepted forms for anything else, for an
// impossible date (2026-02-30) and for a year outside 1900-9999.
CivilDate parse_date(std::string_view text, Timestamp now);

// "2026-11-28".
std::string format_date(const CivilDate& d);

// The local date of `t`.
CivilDate local_date(Timestamp t);

// The first instant of local date `d` (its midnight, or the first moment
// after a midnight skipped by a clock change).
Timestamp start_of_day(const CivilDate& d);

// Start of the local day named by `text` (parse_date's grammar).
Timestamp parse_day(std::string_view text, Timestamp now);

// When a backdated journal entry was written: the date `text` names
// (parse_date's grammar) at the local time of day of `now`, so entries
// backdated to one day keep the order they were added in; exactly `now` for
// today. Error(invalid_argument) for a date after today: a journal records
// what has happened.
Timestamp parse_entry_date(std::string_view text, Timestamp now);

// The duration grammar: a whole number and a unit letter, no space:
//   Ns seconds, Nm (see below), Nh hours, Nd days, Nw weeks, Ny years;
//   a bare number is seconds (clock) or days (calendar).
// `m` means minutes for a clock span (unlock) and months for a calendar
// span (due), as it always has for each; `mo` is months in both, `min`
// minutes in both.
// A clock span, 1 second to 100 years, e.g. "90s", "10m", "2h", "1d".
// Error(invalid_argument) naming `option` otherwise.
std::chrono::seconds parse_clock_span(std::string_view text, std::string_view option);

// A calendar span as days from the local date of `now`: "30d", "2w", "3m"
// (months: to the same day of the month, or the month's last day), "1y", "0d";
// up to 100 years. Hours or less are refused: the span counts whole days.
// Error(invalid_argument) naming `option` otherwise.
long parse_calendar_span(std::string_view text, Timestamp now, std::string_view option);

// Start of the local day after the one containing `t`.
Timestamp next_day(Timestamp t);

// "2026-11-23 14:05" in local time.
std::string format_local(Timestamp t);

// "2026-11-23T13:05:00Z".
std::string format_utc(Timestamp t);

// Inverse of format_utc; Error(corrupt) if `s` is not of that form.
Timestamp parse_utc(std::string_view s);

Timestamp now_utc();

}  // namespace folio
