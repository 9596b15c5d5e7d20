// Calendar days ("2026-12-01"): the dates on documents, in no time zone.
#include <cctype>
#include <ctime>

#include "folio/checklist.h"
#include "folio/error.h"
#include "folio/text.h"

namespace folio {
namespace {


bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
long to_days(int y, int m, int d) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = 12;
  return static_cast<long>(timegm(&tm) / 86400);
}

Day from_days(long days) {
  std::time_t t = static_cast<std::time_t>(days) * 86400 + 43200;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool split_day(std::string_view s, int& y, int& m, int& d) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && parse_digits(s.substr(0, 4), y) &&
         parse_digits(s.substr(5, 2), m) && parse_digits(s.substr(8, 2), d);
}

[[noreturn]] void bad(std::string_view text, const std::string& why = "") {
  throw Error(Errc::invalid_argument,
              "invalid date '" + std::string(text) + "'" + (why.empty() ? "" : ": " + why),
              "use YYYY-MM-DD, today, tomorrow, yesterday, 'in N days' or 'N days ago'");
}

}  // namespace

Day today_local(Timestamp now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

long days_between(const Day& a, const Day& b) {
  int y1 = 0, m1 = 0, d1 = 0, y2 = 0, m2 = 0, d2 = 0;
  if (!split_day(a, y1, m1, d1) || !split_day(b, y2, m2, d2)) {
    throw Error(Errc::corrupt, "a stored date is malformed");
  }
  return to_days(y2, m2, d2) - to_days(y1, m1, d1);
}

Day parse_calendar_day(std::string_view text, Timestamp now) {
  std::string s;
  for (char c : text) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Day today = today_local(now);
  int ty = 0, tm = 0, td = 0;
  split_day(today, ty, tm, td);
  long base = to_days(ty, tm, td);
  if (s == "today") return today;
  if (s == "tomorrow") return from_days(base + 1);
  if (s == "yesterday") return from_days(base - 1);
  int n = 0;
  if (s.rfind("in ", 0) == 0) {
    std::string rest = s.substr(3);
    auto sp = rest.find(' ');
    if (sp != std::string::npos && parse_digits(std::string_view(rest).substr(0, sp), n) && n <= 100000 &&
        (rest.substr(sp + 1) == "days" || rest.substr(sp + 1) == "day")) {
      return from_days(base + n);
    }
    bad(text);
  }
  if (auto sp = s.find(' '); sp != std::string::npos) {
    if (parse_digits(std::string_view(s).substr(0, sp), n) && n <= 100000 &&
        (s.substr(sp + 1) == "days ago" || s.substr(sp + 1) == "day ago")) {
      return from_days(base - n);
    }
    bad(text);
  }
  int y = 0, m = 0, d = 0;
  if (!split_day(s, y, m, d)) bad(text);
  if (y < 1900) bad(text, "the year must be from 1900 to 9999");
  if (m < 1 || m > 12) bad(text, "there is no such month");
  if (d < 1 || d > days_in_month(y, m)) bad(text, "there is no such day");
  return s;
}

}  // namespace folio
