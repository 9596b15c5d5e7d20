// The one-line summary of an entry (list, linked entries): its columns and
// how a row of them becomes an EntrySummary.
#pragma once

#include <string>
#include <vector>

#include "folio/journal.h"
#include "store/database.h"

namespace folio {

// Columns 0..6 of a query FROM entries e: uid, created, updated, title, the
// start of the body, its length in characters, its tags joined by commas.
inline constexpr char kSummaryColumns[] =
    "SELECT e.uid, e.created, e.updated, e.title, substr(e.body, 1, 400), length(e.body), "
    "(SELECT group_concat(t.name, ',') FROM entry_tags et2 JOIN tags t ON t.id = et2.tag_id "
    " WHERE et2.entry_id = e.id) ";

EntrySummary read_summary(const Statement& st);

std::vector<std::string> split_tags(const std::string& joined);

// The first non-blank line of `text`, at most 200 bytes of whole characters.
std::string first_line(const std::string& text);

}  // namespace folio
