#include "folio/dates.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <algorithm>
#include <string>
#include <vector>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio {
namespace {

// The largest N in "in N days", "N天前"...
constexpr int kMaxCount = 100000;

constexpr const char* kDateForms = N_(
    "use YYYY-MM-DD, YYYY/MM/DD, today, tomorrow, yesterday, 'in N days' or 'N days ago' (also weeks, "
    "months, years), 'next week', 今天, 明天, 昨天, N天后 or N天前 (docs/CLI.md, \"Dates and durations\")");
// No word "month" here: a wrong year is not a wrong month.
constexpr const char* kYearHint = N_("dates run from 1900-01-01 to 9999-12-31");

// `why` is already translated; `hint` is an English message (N_), translated here.
[[noreturn]] void bad_date(std::string_view text, const std::string& why = "",
                           const char* hint = kDateForms) {
  throw Error(Errc::invalid_argument,
              why.empty() ? trf("invalid date '{0}'", text)
                          // TRANSLATORS: {0} is the date as given, {1} what is wrong with it.
                          : trf("invalid date '{0}': {1}", text, why),
              tr(hint));
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a date (proleptic Gregorian); noon keeps timegm
// and gmtime away from any day boundary.
long long day_number(const CivilDate& d) {
  std::tm tm{};
  tm.tm_year = d.year - 1900;
  tm.tm_mon = d.month - 1;
  tm.tm_mday = d.day;
  tm.tm_hour = 12;
  return static_cast<long long>(timegm(&tm)) / 86400;
}

CivilDate from_day_number(long long n) {
  std::time_t t = static_cast<std::time_t>(n * 86400 + 43200);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

// The same day of the month `months` later (earlier when negative), or that
// month's last day when it is shorter. The year may leave 1900-9999.
CivilDate add_months(const CivilDate& d, long long months) {
  long long total = static_cast<long long>(d.year) * 12 + (d.month - 1) + months;
  long long year = total >= 0 ? total / 12 : -((-total + 11) / 12);
  int month = static_cast<int>(total - year * 12) + 1;
  if (year < 0 || year > 99999) return {static_cast<int>(year < 0 ? -1 : 99999), month, 1};
  int y = static_cast<int>(year);
  return {y, month, std::min(d.day, days_in_month(y, month))};
}

enum class Unit { day, week, month, year };

CivilDate shift(const CivilDate& from, long long n, Unit unit, std::string_view text) {
  CivilDate out;
  switch (unit) {
    case Unit::day: out = from_day_number(day_number(from) + n); break;
    case Unit::week: out = from_day_number(day_number(from) + 7 * n); break;
    case Unit::month: out = add_months(from, n); break;
    case Unit::year: out = add_months(from, 12 * n); break;
  }
  if (out.year < 1900 || out.year > 9999) bad_date(text, tr("the year must be from 1900 to 9999"), kYearHint);
  return out;
}

bool english_unit(std::string_view w, Unit& unit) {
  if (w == "day" || w == "days") unit = Unit::day;
  else if (w == "week" || w == "weeks") unit = Unit::week;
  else if (w == "month" || w == "months") unit = Unit::month;
  else if (w == "year" || w == "years") unit = Unit::year;
  else return false;
  return true;
}

// "3" in "in 3 days": 0 to kMaxCount, else an error naming the rule.
int count_of(std::string_view word, std::string_view text) {
  int n = 0;
  if (!parse_digits(word, n) || n > kMaxCount) {
    bad_date(text, trf("N must be a whole number from 0 to {0}", kMaxCount));
  }
  return n;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The Chinese forms, spaces removed: 今天, 3天前, 下个月...
bool chinese(const std::string& s, const CivilDate& today, std::string_view text, CivilDate& out) {
  struct Word {
    const char* text;
    int n;
    Unit unit;
  };
  static constexpr Word kWords[] = {
      {"今天", 0, Unit::day},    {"明天", 1, Unit::day},    {"后天", 2, Unit::day},
      {"大后天", 3, Unit::day},  {"昨天", -1, Unit::day},   {"前天", -2, Unit::day},
      {"大前天", -3, Unit::day}, {"下周", 1, Unit::week},   {"下星期", 1, Unit::week},
      {"下个星期", 1, Unit::week}, {"上周", -1, Unit::week}, {"上星期", -1, Unit::week},
      {"上个星期", -1, Unit::week}, {"下个月", 1, Unit::month}, {"上个月", -1, Unit::month},
      {"明年", 1, Unit::year},   {"去年", -1, Unit::year},
  };
  for (const auto& w : kWords) {
    if (s == w.text) {
      out = shift(today, w.n, w.unit, text);
      return true;
    }
  }
  // N + unit + direction: 3天前, 2周后, 1个月以前, 10年之后.
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0) return false;
  std::string_view rest = std::string_view(s).substr(digits);
  struct UnitWord {
    const char* text;
    Unit unit;
  };
  static constexpr UnitWord kUnits[] = {{"天", Unit::day},      {"周", Unit::week},   {"个星期", Unit::week},
                                        {"星期", Unit::week},   {"个月", Unit::month}, {"年", Unit::year}};
  for (const auto& u : kUnits) {
    if (!starts_with(rest, u.text)) continue;
    std::string_view dir = rest.substr(std::string_view(u.text).size());
    int sign = 0;
    if (dir == "后" || dir == "以后" || dir == "之后") sign = 1;
    if (dir == "前" || dir == "以前" || dir == "之前") sign = -1;
    if (sign == 0) return false;
    int n = count_of(std::string_view(s).substr(0, digits), text);
    out = shift(today, static_cast<long long>(sign) * n, u.unit, text);
    return true;
  }
  return false;
}

std::tm local_tm(Timestamp t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm;
}

// Local midnight of y-m-d; false if that date does not exist.
bool local_midnight(int y, int m, int d, Timestamp& out) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_isdst = -1;
  std::tm copy = tm;
  std::time_t t = std::mktime(&copy);
  if (t == static_cast<std::time_t>(-1)) return false;
  // mktime normalises 2026-02-30 to 2026-03-02: reject any such change.
  if (copy.tm_year != tm.tm_year || copy.tm_mon != tm.tm_mon || copy.tm_mday != tm.tm_mday) {
    return false;
  }
  out = static_cast<Timestamp>(t);
  return true;
}

}  // namespace

CivilDate parse_date(std::string_view text, Timestamp now) {
  // Lower-case ASCII, one space between words, none around.
  std::string s;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!s.empty() && s.back() != ' ') s += ' ';
    } else {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!s.empty() && s.back() == ' ') s.pop_back();
  const CivilDate today = local_date(now);

  std::vector<std::string_view> words;
  for (std::size_t at = 0; at < s.size();) {
    std::size_t sp = s.find(' ', at);
    if (sp == std::string::npos) sp = s.size();
    words.push_back(std::string_view(s).substr(at, sp - at));
    at = sp + 1;
  }
  Unit unit = Unit::day;
  if (words.size() == 1) {
    if (s == "today") return today;
    if (s == "tomorrow") return shift(today, 1, Unit::day, text);
    if (s == "yesterday") return shift(today, -1, Unit::day, text);
  }
  if (words.size() == 2 && (words[0] == "next" || words[0] == "last") && words[1] != "day" &&
      english_unit(words[1], unit) && words[1].back() != 's') {
    return shift(today, words[0] == "next" ? 1 : -1, unit, text);
  }
  if (words.size() == 3 && words[0] == "in" && english_unit(words[2], unit)) {
    return shift(today, count_of(words[1], text), unit, text);
  }
  if (words.size() == 3 && words[2] == "ago" && english_unit(words[1], unit)) {
    return shift(today, -static_cast<long long>(count_of(words[0], text)), unit, text);
  }

  // Chinese: no spaces needed, none kept ("3 天前" is 3天前).
  std::string packed;
  for (char c : s) {
    if (c != ' ') packed += c;
  }
  CivilDate out;
  if (chinese(packed, today, text, out)) return out;

  // YYYY-MM-DD or YYYY/MM/DD
  int y = 0, m = 0, d = 0;
  if (s.size() == 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
      parse_digits(std::string_view(s).substr(0, 4), y) && parse_digits(std::string_view(s).substr(5, 2), m) &&
      parse_digits(std::string_view(s).substr(8, 2), d)) {
    if (y < 1900) bad_date(text, tr("the year must be from 1900 to 9999"), kYearHint);
    if (m < 1 || m > 12) bad_date(text, tr("there is no such month"));
    if (d < 1 || d > days_in_month(y, m)) bad_date(text, tr("there is no such day"), N_("check the day of the month"));
    return {y, m, d};
  }
  bad_date(text);
}

std::string format_date(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

CivilDate local_date(Timestamp t) {
  std::tm tm = local_tm(t);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

Timestamp start_of_day(const CivilDate& d) {
  Timestamp out = 0;
  if (!local_midnight(d.year, d.month, d.day, out)) {
    throw Error(Errc::invalid_argument, trf("the local time zone has no day {0}", format_date(d)));
  }
  return out;
}

Timestamp parse_day(std::string_view text, Timestamp now) { return start_of_day(parse_date(text, now)); }

Timestamp parse_entry_date(std::string_view text, Timestamp now) {
  const CivilDate d = parse_date(text, now);
  const CivilDate today = local_date(now);
  if (today < d) {
    throw Error(Errc::invalid_argument,
                trf("the date '{0}' ({1}) is in the future", text, format_date(d)),
                tr("a journal entry can be dated today or earlier; a checklist item's --due is for what is to come"));
  }
  if (d == today) return now;
  std::tm tm = local_tm(now);
  tm.tm_year = d.year - 1900;
  tm.tm_mon = d.month - 1;
  tm.tm_mday = d.day;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  // A time of day that a clock change skips on that date moves past it; if
  // that leaves the date, the day's first instant stands in.
  if (t == static_cast<std::time_t>(-1) || !(local_date(static_cast<Timestamp>(t)) == d)) return start_of_day(d);
  return static_cast<Timestamp>(t);
}

namespace {

// "90s", "2w", "3mo": digits, then letters; false for any other shape.
bool split_span(std::string_view text, int& n, std::string& unit) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || !parse_digits(text.substr(0, digits), n)) return false;
  unit.clear();
  for (char c : text.substr(digits)) {
    if (c < 'A' || (c > 'Z' && c < 'a') || c > 'z') return false;
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return true;
}

// `why` is already translated; `hint` is an English message (N_), translated here.
[[noreturn]] void bad_span(std::string_view text, std::string_view option, const std::string& why,
                           const char* hint) {
  // TRANSLATORS: {0} is the option (--timeout), {1} the value given, {2} what is wrong with it.
  throw Error(Errc::invalid_argument, trf("invalid {0} '{1}': {2}", option, text, why), tr(hint));
}

}  // namespace

std::chrono::seconds parse_clock_span(std::string_view text, std::string_view option) {
  constexpr const char* kHint = N_("write it like 90s, 10m (minutes), 2h or 1d (docs/CLI.md, \"Dates and durations\")");
  int n = 0;
  std::string unit;
  if (!split_span(text, n, unit)) bad_span(text, option, tr("not a duration"), kHint);
  long long scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = 86400;
  else if (unit == "w") scale = 7 * 86400;
  else if (unit == "mo" || unit == "y") bad_span(text, option, tr("months and years are not a clock duration"), kHint);
  else bad_span(text, option, trf("no such unit '{0}'", unit), kHint);
  if (n < 1) bad_span(text, option, tr("at least 1 second"), kHint);
  constexpr long long kMax = 100LL * 365 * 86400;
  if (n * scale > kMax) bad_span(text, option, tr("at most 100 years"), kHint);
  return std::chrono::seconds(n * scale);
}

long parse_calendar_span(std::string_view text, Timestamp now, std::string_view option) {
  constexpr const char* kHint = N_("write it like 30d, 2w, 3m (months) or 1y (docs/CLI.md, \"Dates and durations\")");
  int n = 0;
  std::string unit;
  if (!split_span(text, n, unit)) bad_span(text, option, tr("not a duration"), kHint);
  const CivilDate today = local_date(now);
  long long days = 0;
  if (unit.empty() || unit == "d") {
    days = n;
  } else if (unit == "w") {
    days = 7LL * n;
  } else if (unit == "m" || unit == "mo" || unit == "y") {
    long long months = unit == "y" ? 12LL * n : n;
    if (months > 12LL * 100) bad_span(text, option, tr("at most 100 years"), kHint);
    days = day_number(add_months(today, months)) - day_number(today);
  } else if (unit == "s" || unit == "min" || unit == "h") {
    bad_span(text, option, tr("it counts whole days"), kHint);
  } else {
    bad_span(text, option, trf("no such unit '{0}'", unit), kHint);
  }
  if (days > 36525) bad_span(text, option, tr("at most 100 years"), kHint);
  return static_cast<long>(days);
}

Timestamp next_day(Timestamp t) {
  std::tm tm = local_tm(t);
  std::tm want{};
  want.tm_year = tm.tm_year;
  want.tm_mon = tm.tm_mon;
  want.tm_mday = tm.tm_mday + 1;
  want.tm_isdst = -1;
  std::time_t n = std::mktime(&want);
  std::tm norm = local_tm(static_cast<Timestamp>(n));
  Timestamp out = static_cast<Timestamp>(n);
  local_midnight(norm.tm_year + 1900, norm.tm_mon + 1, norm.tm_mday, out);
  return out;
}

std::string format_local(Timestamp t) {
  std::tm tm = local_tm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string format_utc(Timestamp t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Timestamp parse_utc(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z' || !parse_digits(s.substr(0, 4), y) ||
      !parse_digits(s.substr(5, 2), mo) || !parse_digits(s.substr(8, 2), d) ||
      !parse_digits(s.substr(11, 2), h) || !parse_digits(s.substr(14, 2), mi) ||
      !parse_digits(s.substr(17, 2), se)) {
    throw Error(Errc::corrupt, trf("a stored time is malformed: '{0}'", s));
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::tm check = tm;
  auto t = static_cast<Timestamp>(timegm(&check));
  if (check.tm_mday != d || check.tm_mon != mo - 1 || check.tm_hour != h || check.tm_min != mi ||
      check.tm_sec != se) {
    throw Error(Errc::corrupt, trf("a stored time is impossible: '{0}'", s));
  }
  return t;
}

Timestamp now_utc() { return static_cast<Timestamp>(std::time(nullptr)); }

}  // namespace folio
