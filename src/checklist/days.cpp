// Calendar days ("2026-12-01"): the dates on documents, in no time zone.
#include <ctime>

#include "folio/checklist.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio {
namespace {


// Days since 1970-01-01 of a civil date (proleptic Gregorian).
long to_days(int y, int m, int d) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = 12;
  return static_cast<long>(timegm(&tm) / 86400);
}

bool split_day(std::string_view s, int& y, int& m, int& d) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && parse_digits(s.substr(0, 4), y) &&
         parse_digits(s.substr(5, 2), m) && parse_digits(s.substr(8, 2), d);
}

}  // namespace

Day today_local(Timestamp now) { return format_date(local_date(now)); }

long days_between(const Day& a, const Day& b) {
  int y1 = 0, m1 = 0, d1 = 0, y2 = 0, m2 = 0, d2 = 0;
  if (!split_day(a, y1, m1, d1) || !split_day(b, y2, m2, d2)) {
    throw Error(Errc::corrupt, tr("a stored date is malformed"));
  }
  return to_days(y2, m2, d2) - to_days(y1, m1, d1);
}

Day parse_calendar_day(std::string_view text, Timestamp now) { return format_date(parse_date(text, now)); }

}  // namespace folio
