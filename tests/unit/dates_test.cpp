#include <ctime>
#include <string>

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
        "2026-01-32", "2026-1-01", "2026/01/01", "26-01-01", "1899-12-31", "banana", "", " ",
        "tomorrow", "-1 days ago", "+1 days ago", "3 weeks ago", "days ago", "3 days", "three days ago",
        "1 day ago please", "100001 days ago", "99999999999 days ago"}) {
    INFO("'" << bad << "'");
    CHECK_ERRC(parse_day(bad, now), Errc::invalid_argument);
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
