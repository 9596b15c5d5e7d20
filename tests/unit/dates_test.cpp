#include <ctime>
#include <string>
#include <vector>

#include "folio/dates.h"
#include "support.h"

using namespace folio;
using folio_test::TzGuard;

namespace {

// Seconds since the epoch of a UTC calendar time (computed with timegm, not folio).
Timestamp utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<Timestamp>(timegm(&tm));
}

constexpr Timestamp kHour = 3600;
constexpr Timestamp kShanghai = 8 * kHour;  // UTC+8, no daylight saving time

}  // namespace

TEST_CASE("parse_day reads YYYY-MM-DD as local midnight", "[dates]") {
  Timestamp now = utc(2026, 6, 1, 12);
  {
    TzGuard tz("UTC");
    CHECK(parse_day("2026-11-23", now) == utc(2026, 11, 23));
    CHECK(parse_day("2028-02-29", now) == utc(2028, 2, 29));  // leap day
    CHECK(parse_day("1970-01-01", now) == 0);
  }
  {
    TzGuard tz("Asia/Shanghai");
    CHECK(parse_day("2026-11-23", now) == utc(2026, 11, 23) - kShanghai);
  }
}

TEST_CASE("parse_day reads today and yesterday relative to now", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 11, 23, 14, 5);
  CHECK(parse_day("today", now) == utc(2026, 11, 23));
  CHECK(parse_day("yesterday", now) == utc(2026, 11, 22));
  CHECK(parse_day("Today", now) == utc(2026, 11, 23));
  CHECK(parse_day(" YESTERDAY ", now) == utc(2026, 11, 22));
  // Exactly at midnight, today is that day.
  CHECK(parse_day("today", utc(2026, 11, 23)) == utc(2026, 11, 23));
  CHECK(parse_day("today", utc(2026, 11, 23) - 1) == utc(2026, 11, 22));
}

TEST_CASE("parse_day reads N days ago and 1 day ago", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 11, 23, 14, 5);
  CHECK(parse_day("1 day ago", now) == utc(2026, 11, 22));
  CHECK(parse_day("1 days ago", now) == utc(2026, 11, 22));
  CHECK(parse_day("3 days ago", now) == utc(2026, 11, 20));
  CHECK(parse_day("0 days ago", now) == utc(2026, 11, 23));
  CHECK(parse_day("3  days ago", now) == utc(2026, 11, 20));
  CHECK(parse_day("365 days ago", now) == utc(2025, 11, 23));
}

TEST_CASE("relative days cross month and year boundaries", "[dates]") {
  TzGuard tz("UTC");
  CHECK(parse_day("1 day ago", utc(2027, 1, 1, 10)) == utc(2026, 12, 31));
  CHECK(parse_day("yesterday", utc(2027, 1, 1, 10)) == utc(2026, 12, 31));
  CHECK(parse_day("2 days ago", utc(2026, 3, 1, 10)) == utc(2026, 2, 27));
  CHECK(parse_day("1 day ago", utc(2028, 3, 1, 10)) == utc(2028, 2, 29));
  CHECK(parse_day("31 days ago", utc(2026, 3, 31, 10)) == utc(2026, 2, 28));
}

TEST_CASE("relative days are counted in the local time zone", "[dates]") {
  TzGuard tz("Asia/Shanghai");
  // 2027-01-01 10:00 in Shanghai.
  Timestamp now = utc(2027, 1, 1, 10) - kShanghai;
  CHECK(parse_day("today", now) == utc(2027, 1, 1) - kShanghai);
  CHECK(parse_day("1 day ago", now) == utc(2026, 12, 31) - kShanghai);
  // 2027-01-01 01:00 in Shanghai is still 2026-12-31 in UTC: local wins.
  Timestamp early = utc(2027, 1, 1, 1) - kShanghai;
  CHECK(parse_day("today", early) == utc(2027, 1, 1) - kShanghai);
  CHECK(parse_day("yesterday", early) == utc(2026, 12, 31) - kShanghai);
}

TEST_CASE("a day ago across a daylight saving change is that day's local midnight", "[dates]") {
  TzGuard tz("America/New_York");
  // DST began 2026-03-08 02:00 EST. 2026-03-09 10:00 EDT = 14:00Z.
  Timestamp now = utc(2026, 3, 9, 14);
  CHECK(parse_day("today", now) == utc(2026, 3, 9, 4));       // 00:00 EDT
  CHECK(parse_day("1 day ago", now) == utc(2026, 3, 8, 5));   // 00:00 EST
  CHECK(parse_day("2 days ago", now) == utc(2026, 3, 7, 5));
}

TEST_CASE("a day whose midnight does not exist starts at its first instant",
          "[dates]") {
  // In Sao Paulo, 2018-11-04 00:00 -03 jumped to 01:00 -02 (03:00Z): the day
  // exists and starts at 03:00Z, but its midnight does not.
  TzGuard tz("America/Sao_Paulo");
  Timestamp now = utc(2018, 11, 10, 12);
  Timestamp got = 0;
  CHECK_NOTHROW(got = parse_day("2018-11-04", now));
  CHECK(got == utc(2018, 11, 4, 3));
  CHECK(next_day(utc(2018, 11, 3, 12)) == utc(2018, 11, 4, 3));
}

TEST_CASE("impossible or unknown days are invalid_argument", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 6, 1, 12);
  for (const char* bad :
       {"2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31",
        "2026-01-32", "2026-1-01", "26-01-01", "1899-12-31", "banana", "", " ",
        "-1 days ago", "+1 days ago", "days ago", "3 days", "three days ago",
        "1 day ago please", "100001 days ago", "99999999999 days ago"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_day(bad, now), Errc::invalid_argument);
  }
}

TEST_CASE("parse_date reads both numeric forms and checks the calendar", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 12, 3, 10);
  CHECK(parse_date("2026-11-28", now) == CivilDate{2026, 11, 28});
  CHECK(parse_date("2026/12/20", now) == CivilDate{2026, 12, 20});
  CHECK(parse_date("2028/02/29", now) == CivilDate{2028, 2, 29});
  CHECK(parse_date(" 9999/12/31 ", now) == CivilDate{9999, 12, 31});
  for (const char* bad : {"2026/02/30", "2026/13/01", "2026-11/28", "2026/11-28", "1899/12/31", "2026/1/5",
                          "2026.11.28", "20261128"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_date(bad, now), Errc::invalid_argument);
  }
}

TEST_CASE("parse_date reads words for days relative to today", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 12, 31, 23, 30);
  CHECK(parse_date("today", now) == CivilDate{2026, 12, 31});
  CHECK(parse_date("Tomorrow", now) == CivilDate{2027, 1, 1});
  CHECK(parse_date("yesterday", now) == CivilDate{2026, 12, 30});
  CHECK(parse_date("in 3 days", now) == CivilDate{2027, 1, 3});
  CHECK(parse_date("in  1   day", now) == CivilDate{2027, 1, 1});
  CHECK(parse_date("in 0 days", now) == CivilDate{2026, 12, 31});
  CHECK(parse_date("3 days ago", now) == CivilDate{2026, 12, 28});
}

TEST_CASE("parse_date counts weeks, months and years", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 1, 31, 12);
  CHECK(parse_date("in 2 weeks", now) == CivilDate{2026, 2, 14});
  CHECK(parse_date("1 week ago", now) == CivilDate{2026, 1, 24});
  CHECK(parse_date("next week", now) == CivilDate{2026, 2, 7});
  CHECK(parse_date("last week", now) == CivilDate{2026, 1, 24});
  // A shorter month takes its last day.
  CHECK(parse_date("in 1 month", now) == CivilDate{2026, 2, 28});
  CHECK(parse_date("next month", now) == CivilDate{2026, 2, 28});
  CHECK(parse_date("in 13 months", now) == CivilDate{2027, 2, 28});
  CHECK(parse_date("2 months ago", now) == CivilDate{2025, 11, 30});
  CHECK(parse_date("in 3 months", now) == CivilDate{2026, 4, 30});
  CHECK(parse_date("in 1 year", utc(2028, 2, 29, 12)) == CivilDate{2029, 2, 28});
  CHECK(parse_date("4 years ago", utc(2028, 2, 29, 12)) == CivilDate{2024, 2, 29});
  CHECK(parse_date("next year", now) == CivilDate{2027, 1, 31});
  CHECK(parse_date("last year", now) == CivilDate{2025, 1, 31});
  CHECK(parse_date("12 months ago", now) == CivilDate{2025, 1, 31});
}

TEST_CASE("parse_date reads the Chinese words and N天前 forms", "[dates]") {
  TzGuard tz("Asia/Shanghai");
  // 2026-12-03 01:00 in Shanghai, still 2026-12-02 in UTC: the local date counts.
  Timestamp now = utc(2026, 12, 3, 1) - kShanghai;
  CHECK(parse_date("今天", now) == CivilDate{2026, 12, 3});
  CHECK(parse_date("明天", now) == CivilDate{2026, 12, 4});
  CHECK(parse_date("后天", now) == CivilDate{2026, 12, 5});
  CHECK(parse_date("大后天", now) == CivilDate{2026, 12, 6});
  CHECK(parse_date("昨天", now) == CivilDate{2026, 12, 2});
  CHECK(parse_date("前天", now) == CivilDate{2026, 12, 1});
  CHECK(parse_date("大前天", now) == CivilDate{2026, 11, 30});
  CHECK(parse_date("3天前", now) == CivilDate{2026, 11, 30});
  CHECK(parse_date("3 天前", now) == CivilDate{2026, 11, 30});
  CHECK(parse_date("30天后", now) == CivilDate{2027, 1, 2});
  CHECK(parse_date("10天以后", now) == CivilDate{2026, 12, 13});
  CHECK(parse_date("2周后", now) == CivilDate{2026, 12, 17});
  CHECK(parse_date("1周前", now) == CivilDate{2026, 11, 26});
  CHECK(parse_date("2个星期前", now) == CivilDate{2026, 11, 19});
  CHECK(parse_date("3个月后", now) == CivilDate{2027, 3, 3});
  CHECK(parse_date("1个月前", now) == CivilDate{2026, 11, 3});
  CHECK(parse_date("2年前", now) == CivilDate{2024, 12, 3});
  CHECK(parse_date("下周", now) == CivilDate{2026, 12, 10});
  CHECK(parse_date("上周", now) == CivilDate{2026, 11, 26});
  CHECK(parse_date("下个月", now) == CivilDate{2027, 1, 3});
  CHECK(parse_date("上个月", now) == CivilDate{2026, 11, 3});
  CHECK(parse_date("明年", now) == CivilDate{2027, 12, 3});
  CHECK(parse_date("去年", now) == CivilDate{2025, 12, 3});
}

TEST_CASE("parse_date refuses other forms, negative counts and years out of range", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 12, 3, 10);
  for (const char* bad :
       {"blah", "in -3 days", "in 3", "in days", "in 3 fortnights", "in 100001 days", "-3 days ago", "3 days later",
        "next", "next weeks", "next day", "last days", "3 weeks", "in 1.5 weeks", "in three days", "3天", "天前",
        "-3天前", "3天左右", "100001天前", "3个天前", "明天后", "今日", "in 10000 years", "200 years ago",
        "2000个月前", "in 3 days ago", "today tomorrow"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_date(bad, now), Errc::invalid_argument);
  }
}

TEST_CASE("odd bytes in a date are invalid_argument, never another failure", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 12, 3, 10);
  std::vector<std::string> odd = {std::string("2026-11-28\0", 11), "\xff\xfe", "3\xe5\xa4",
                                  "\xe5\xa4\xa9\xe5\x89\x8d", "99999999999999999999 days ago",
                                  "2026-11-2\xe5", "\t\t"};
  std::string many_nines(10000, '9');
  odd.push_back(many_nines.append("天前"));
  std::string spaces(5000, ' ');
  odd.push_back(spaces.insert(0, "in ").append("x"));
  for (const auto& text : odd) {
    INFO(text.size() << " bytes");
    CHECK_ERRC(parse_date(text, now), Errc::invalid_argument);
  }
}

TEST_CASE("an unknown date's error names the accepted forms", "[dates]") {
  TzGuard tz("UTC");
  try {
    parse_date("blah", utc(2026, 12, 3));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("'blah'") != std::string::npos);
    CHECK(e.hint().find("YYYY-MM-DD") != std::string::npos);
    CHECK(e.hint().find("N days ago") != std::string::npos);
    CHECK(e.hint().find("N天前") != std::string::npos);
  }
}

TEST_CASE("parse_day takes every form of parse_date", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 12, 3, 10);
  CHECK(parse_day("tomorrow", now) == utc(2026, 12, 4));
  CHECK(parse_day("2 weeks ago", now) == utc(2026, 11, 19));
  CHECK(parse_day("2026/11/28", now) == utc(2026, 11, 28));
  CHECK(parse_day("昨天", now) == utc(2026, 12, 2));
}

TEST_CASE("a backdated entry keeps the time of day of now", "[dates]") {
  TzGuard tz("Asia/Shanghai");
  Timestamp now = utc(2026, 12, 3, 9, 41, 7) - kShanghai;  // 09:41:07 local
  CHECK(parse_entry_date("today", now) == now);
  CHECK(parse_entry_date("今天", now) == now);
  CHECK(parse_entry_date("2026-11-28", now) == utc(2026, 11, 28, 9, 41, 7) - kShanghai);
  CHECK(parse_entry_date("yesterday", now) == utc(2026, 12, 2, 9, 41, 7) - kShanghai);
  CHECK(parse_entry_date("3 days ago", now) == utc(2026, 11, 30, 9, 41, 7) - kShanghai);
}

TEST_CASE("a backdated entry's time skipped by a clock change moves past it", "[dates]") {
  TzGuard tz("America/New_York");
  // 02:30 does not exist on 2026-03-08 (EST jumps to EDT at 02:00).
  Timestamp now = utc(2026, 3, 10, 6, 30);  // 2026-03-10 02:30 EDT
  Timestamp t = parse_entry_date("2026-03-08", now);
  CHECK(format_date(local_date(t)) == "2026-03-08");
}

TEST_CASE("an entry cannot be dated in the future", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 12, 3, 23, 59);
  CHECK_ERRC(parse_entry_date("tomorrow", now), Errc::invalid_argument);
  CHECK_ERRC(parse_entry_date("2026-12-04", now), Errc::invalid_argument);
  CHECK_ERRC(parse_entry_date("in 1 year", now), Errc::invalid_argument);
  CHECK_ERRC(parse_entry_date("明天", now), Errc::invalid_argument);
}

TEST_CASE("a clock span is seconds, minutes, hours, days or weeks", "[dates]") {
  using std::chrono::seconds;
  CHECK(parse_clock_span("90", "--timeout") == seconds(90));
  CHECK(parse_clock_span("90s", "--timeout") == seconds(90));
  CHECK(parse_clock_span("10m", "--timeout") == seconds(600));
  CHECK(parse_clock_span("10min", "--timeout") == seconds(600));
  CHECK(parse_clock_span("2h", "--timeout") == seconds(7200));
  CHECK(parse_clock_span("1d", "--timeout") == seconds(86400));
  CHECK(parse_clock_span("2w", "--timeout") == seconds(14 * 86400));
  CHECK(parse_clock_span("24H", "--timeout") == seconds(86400));
  for (const char* bad : {"0", "0s", "", "s", "ten", "1.5h", "-1h", "+1h", "1 h", "1mo", "1y", "7x", "1hh",
                          "101y", "99999999999", "36600d"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_clock_span(bad, "--timeout"), Errc::invalid_argument);
  }
}

TEST_CASE("a clock span's error names the option and the text", "[dates]") {
  try {
    parse_clock_span("ten", "--timeout");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("--timeout 'ten'") != std::string::npos);
  }
}

TEST_CASE("a calendar span counts days, weeks, months and years from today", "[dates]") {
  TzGuard tz("UTC");
  Timestamp now = utc(2026, 1, 31, 12);
  CHECK(parse_calendar_span("0d", now, "--within") == 0);
  CHECK(parse_calendar_span("30", now, "--within") == 30);
  CHECK(parse_calendar_span("30d", now, "--within") == 30);
  CHECK(parse_calendar_span("2w", now, "--within") == 14);
  CHECK(parse_calendar_span("1m", now, "--within") == 28);  // to 2026-02-28
  CHECK(parse_calendar_span("1mo", now, "--within") == 28);
  CHECK(parse_calendar_span("1y", now, "--within") == 365);
  CHECK(parse_calendar_span("1y", utc(2027, 6, 1), "--within") == 366);  // over 2028-02-29
  CHECK(parse_calendar_span("100y", now, "--within") == 36524);
  for (const char* bad : {"", "d", "-1d", "7x", "2 w", "1.5w", "12h", "30s", "10min", "101y", "1201m", "36526d",
                          "99999999999d", "banana"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_calendar_span(bad, now, "--within"), Errc::invalid_argument);
  }
}

TEST_CASE("next_day is the next local midnight", "[dates]") {
  {
    TzGuard tz("UTC");
    CHECK(next_day(utc(2026, 12, 31, 15)) == utc(2027, 1, 1));
    CHECK(next_day(utc(2026, 12, 31)) == utc(2027, 1, 1));
    CHECK(next_day(utc(2028, 2, 28, 23, 59, 59)) == utc(2028, 2, 29));
  }
  {
    TzGuard tz("Asia/Shanghai");
    // 2026-12-31 20:00Z is already 2027-01-01 04:00 in Shanghai.
    CHECK(next_day(utc(2026, 12, 31, 20)) == utc(2027, 1, 2) - kShanghai);
  }
  {
    TzGuard tz("America/New_York");
    // The day DST begins has 23 hours.
    Timestamp start = parse_day("2026-03-08", 0);
    CHECK(start == utc(2026, 3, 8, 5));
    CHECK(next_day(start) - start == 23 * kHour);
  }
}

TEST_CASE("format_local shows local time", "[dates]") {
  Timestamp t = utc(2026, 11, 23, 6, 5, 59);
  {
    TzGuard tz("UTC");
    CHECK(format_local(t) == "2026-11-23 06:05");
  }
  {
    TzGuard tz("Asia/Shanghai");
    CHECK(format_local(t) == "2026-11-23 14:05");
  }
}

TEST_CASE("format_utc and parse_utc round-trip", "[dates]") {
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(utc(2026, 11, 23, 13, 5)) == "2026-11-23T13:05:00Z");
  CHECK(parse_utc("2026-11-23T13:05:00Z") == utc(2026, 11, 23, 13, 5));
  for (Timestamp t : {Timestamp{0}, Timestamp{1}, utc(2000, 2, 29, 23, 59, 59), utc(2026, 12, 31, 23, 59, 59),
                      utc(2038, 1, 19, 3, 14, 8), utc(9999, 12, 31, 23, 59, 59)}) {
    INFO(t);
    CHECK(parse_utc(format_utc(t)) == t);
  }
  // Independent of the local zone.
  TzGuard tz("Asia/Shanghai");
  CHECK(format_utc(utc(2026, 11, 23, 13, 5)) == "2026-11-23T13:05:00Z");
  CHECK(parse_utc("2026-11-23T13:05:00Z") == utc(2026, 11, 23, 13, 5));
}

TEST_CASE("parse_utc rejects other forms as corrupt", "[dates]") {
  for (const char* bad : {"", "2026-11-23", "2026-11-23 13:05:00Z", "2026-11-23T13:05:00",
                          "2026-11-23T13:05:00+01:00", "2026-11-23T13:05Z", "abcd-11-23T13:05:00Z",
                          "2026-11-23T13:05:00z", " 2026-11-23T13:05:00Z", "2026-1a-23T13:05:00Z"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_utc(bad), Errc::corrupt);
  }
}

TEST_CASE("now_utc is the system clock", "[dates]") {
  Timestamp t = static_cast<Timestamp>(std::time(nullptr));
  CHECK(now_utc() >= t);
  CHECK(now_utc() <= t + 2);
}
