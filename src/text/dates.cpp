#include "folio/dates.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>

#include "folio/error.h"
#include "folio/text.h"

namespace folio {
namespace {

[[noreturn]] void bad_day(std::string_view text) {
  throw Error(Errc::invalid_argument, "invalid date '" + std::string(text) + "'",
              "use YYYY-MM-DD, today, yesterday or 'N days ago'");
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

std::tm local_tm(Timestamp t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm;
}

Timestamp day_start_offset(Timestamp now, int days_back) {
  std::tm tm = local_tm(now);
  Timestamp out = 0;
  // mktime handles month and year boundaries for a negative day offset.
  std::tm want{};
  want.tm_year = tm.tm_year;
  want.tm_mon = tm.tm_mon;
  want.tm_mday = tm.tm_mday - days_back;
  want.tm_isdst = -1;
  std::time_t t = std::mktime(&want);
  out = static_cast<Timestamp>(t);
  std::tm norm = local_tm(out);
  // Re-anchor at midnight of the normalised day (DST changes can shift it).
  local_midnight(norm.tm_year + 1900, norm.tm_mon + 1, norm.tm_mday, out);
  return out;
}


}  // namespace

Timestamp parse_day(std::string_view text, Timestamp now) {
  std::string s;
  for (char c : text) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());

  if (s == "today") return day_start_offset(now, 0);
  if (s == "yesterday") return day_start_offset(now, 1);

  // "N days ago" / "1 day ago"
  auto sp = s.find(' ');
  if (sp != std::string::npos) {
    int n = 0;
    std::string rest = s.substr(sp + 1);
    while (!rest.empty() && rest.front() == ' ') rest.erase(rest.begin());
    if (parse_digits(std::string_view(s).substr(0, sp), n) && n <= 100000 &&
        (rest == "days ago" || rest == "day ago")) {
      return day_start_offset(now, n);
    }
    bad_day(text);
  }

  // YYYY-MM-DD
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
    int y = 0, m = 0, d = 0;
    if (parse_digits(std::string_view(s).substr(0, 4), y) &&
        parse_digits(std::string_view(s).substr(5, 2), m) &&
        parse_digits(std::string_view(s).substr(8, 2), d)) {
      if (y < 1900) {
        throw Error(Errc::invalid_argument,
                    "invalid date '" + std::string(text) + "': the year must be from 1900 to 9999",
                    "use YYYY-MM-DD, today, yesterday or 'N days ago'");
      }
      if (m < 1 || m > 12) {
        throw Error(Errc::invalid_argument, "invalid date '" + std::string(text) + "': there is no such month",
                    "use YYYY-MM-DD, today, yesterday or 'N days ago'");
      }
      if (d < 1 || d > 31) {
        throw Error(Errc::invalid_argument, "invalid date '" + std::string(text) + "': there is no such day",
                    "check the day of the month");
      }
      Timestamp out = 0;
      if (local_midnight(y, m, d, out)) return out;
      throw Error(Errc::invalid_argument, "invalid date '" + std::string(text) + "': there is no such day",
                  "check the day of the month");
    }
  }
  bad_day(text);
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
    throw Error(Errc::corrupt, "a stored time is malformed: '" + std::string(s) + "'");
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
    throw Error(Errc::corrupt, "a stored time is impossible: '" + std::string(s) + "'");
  }
  return t;
}

Timestamp now_utc() { return static_cast<Timestamp>(std::time(nullptr)); }

}  // namespace folio
