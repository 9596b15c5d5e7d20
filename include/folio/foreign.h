// folio/foreign.h: reading journals kept with other tools (import --from).
//
// Each reader turns a foreign journal into EntryDrafts and checks every one
// the way Journal::add would (size, UTF-8, title, tags), so a file that does
// not parse is refused before a vault is opened. Nothing is written to disk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "folio/journal.h"

namespace folio {

enum class ForeignFormat { jrnl, jrnl_json, markdown };

// "jrnl", "jrnl-json", "markdown"; Error(invalid_argument) otherwise.
ForeignFormat parse_foreign_format(std::string_view name);

// The largest foreign file read: 64 MiB (a backup payload's line).
inline constexpr std::size_t kMaxForeignFileBytes = std::size_t{64} << 20;

// jrnl's journal file and `jrnl --export txt`: entries start with a line
// "[YYYY-MM-DD HH:MM] Title" or "YYYY-MM-DD HH:MM Title" (seconds and a
// trailing " *" for starred are accepted); the body runs to the next header.
// @tags in the title or body become tags; a starred entry gets tag "starred".
// Times are local. Error(invalid_argument) when no entry header is found.
std::vector<EntryDraft> parse_jrnl_text(std::string_view text);

// `jrnl --export json`: {"entries": [{"title", "body", "date", "time",
// "tags", "starred"}]}. Error(invalid_argument) for anything else.
std::vector<EntryDraft> parse_jrnl_json(std::string_view text);

// One Markdown entry from a file's text: optional front matter between
// "---" lines (title:, date:, tags: [a, b] or a "- a" list), else the title
// from a first "# heading". `file_name` gives the date when it starts with
// YYYY-MM-DD, else `mtime`.
EntryDraft parse_markdown_entry(std::string_view text, std::string_view file_name, Timestamp mtime);

// Every *.md file directly in `folder`, sorted by name. Symbolic links and
// anything that is not a regular file are skipped (never followed out of the
// folder). Error(not_found) when the folder is missing.
std::vector<EntryDraft> read_markdown_folder(const std::string& folder,
                                             std::vector<std::string>* skipped = nullptr);

// Reads `path` (a file for jrnl and jrnl-json, a folder for markdown).
std::vector<EntryDraft> read_foreign(ForeignFormat format, const std::string& path,
                                     std::vector<std::string>* skipped = nullptr);

}  // namespace folio
