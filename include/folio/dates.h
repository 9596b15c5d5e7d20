// folio/dates.h: the dates a user types, and how times are shown.
//
// Times are stored as UTC seconds; dates typed by the user and times shown to
// the user are in the local time zone (TZ).
#pragma once

#include <string>
#include <string_view>

#include "folio/journal.h"

namespace folio {

// Start of the local day named by `text`: "YYYY-MM-DD", "today", "yesterday",
// "N days ago" (also "1 day ago"). `now` anchors the relative forms.
// Error(invalid_argument) for anything else or an impossible date (2026-02-30).
Timestamp parse_day(std::string_view text, Timestamp now);

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
