// folio/text.h: UTF-8 checks and terminal display width (utf8proc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace folio {

// True if `s` is well-formed UTF-8 with no NUL character.
bool is_valid_utf8(std::string_view s) noexcept;

// Throws Error(invalid_argument, "<what> is not valid UTF-8 ...") if not.
void require_utf8(std::string_view s, std::string_view what);

// NFC normalisation. Error(invalid_argument) on invalid UTF-8.
std::string nfc(std::string_view s);

// Columns `s` takes in a terminal: East Asian wide characters count 2,
// combining marks 0. Assumes valid UTF-8.
std::size_t display_width(std::string_view s) noexcept;

// The longest prefix of `s` (whole characters) that fits in `columns`; when
// cut, the last column holds "…".
std::string fit_width(std::string_view s, std::size_t columns);

// `s` followed by spaces up to `columns` display columns.
std::string pad_width(std::string_view s, std::size_t columns);

// Number of Unicode code points.
std::size_t count_chars(std::string_view s) noexcept;

// A one-line field (a title, a name): checks UTF-8, refuses line breaks and
// more than `max_chars` characters (Error(invalid_argument), naming `what`),
// and returns it without surrounding spaces and tabs ("" if nothing is left).
std::string single_line(std::string_view text, std::string_view what, std::size_t max_chars);

// A run of ASCII digits as a non-negative int; false for anything else.
bool parse_digits(std::string_view s, int& out) noexcept;

}  // namespace folio
