// folio/text.h: UTF-8 checks and terminal display width (utf8proc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "folio/limits.h"

namespace folio {

// True if `s` is well-formed UTF-8 with no NUL character.
bool is_valid_utf8(std::string_view s) noexcept;

// Throws Error(invalid_argument, "<what> is not valid UTF-8 ...") if not.
// `what` here and in the functions below names the text in the message
// ("the title"); pass it translated (tr("the title")) so that the message
// is in one language.
void require_utf8(std::string_view s, std::string_view what);

// Throws Error(invalid_argument, "<what> is N MiB, more than ...") if `s` is
// over kMaxTextBytes (folio/limits.h): for an entry body, an item's notes, a
// checklist's description, wherever they enter.
void check_text_size(std::string_view s, std::string_view what);

// NFC normalisation. Error(invalid_argument) on invalid UTF-8.
std::string nfc(std::string_view s);

// Columns `s` takes in a terminal: East Asian wide characters count 2,
// combining marks 0. Assumes valid UTF-8.
std::size_t display_width(std::string_view s) noexcept;

// The longest prefix of `s` (whole characters) that fits in `columns`; when
// cut, the last column holds "…".
std::string fit_width(std::string_view s, std::size_t columns);

// The longest suffix of `s` (whole characters) that fits in `columns`; when
// cut, the first column holds "…".
std::string fit_width_left(std::string_view s, std::size_t columns);

// `s` followed by spaces up to `columns` display columns.
std::string pad_width(std::string_view s, std::size_t columns);

// Number of Unicode code points.
std::size_t count_chars(std::string_view s) noexcept;

// A one-line field (a title, a name): checks UTF-8, refuses line breaks and
// more than `max_chars` characters (Error(invalid_argument), naming `what`),
// and returns it without surrounding spaces and tabs ("" if nothing is left).
std::string single_line(std::string_view text, std::string_view what, std::size_t max_chars);

// What a terminal may be given of `s`: every character that could act on the
// terminal instead of being shown is written out visibly in ASCII, so a text
// from a crafted backup cannot set the window title (OSC 0), clear the screen
// (CSI 2J), write the clipboard (OSC 52), ring the bell, or reorder what is
// shown around it (bidi overrides). Rules, in docs/CLI.md ("What the terminal
// shows"):
//   - C0 controls and DEL as \xHH (ESC is \x1b), \n \r \t by name;
//     with `keep_newlines`, a line feed, a tab and the CR of a CRLF stay;
//   - C1 controls (U+0080..U+009F), Unicode format characters (bidi
//     embeddings, overrides and isolates, zero-width spaces and joiners, the
//     BOM, the soft hyphen...) and the line and paragraph separators as
//     \uHHHH (\UHHHHHHHH above U+FFFF). A zero-width joiner or non-joiner
//     between two visible non-ASCII characters (an emoji sequence, Indic or
//     Persian text) stays, and so do the tag characters of a flag emoji;
//   - a byte that is not UTF-8 as \xHH.
// Everything else (Chinese, emoji, combining marks) stays byte for byte, so
// display_width, fit_width and pad_width on the result count columns right.
std::string terminal_safe(std::string_view s, bool keep_newlines = false);

// JSON text (as nlohmann's dump writes it, which already escapes controls
// below U+0020) with every other character terminal_safe would write out
// (DEL, C1, format and separator characters) as a JSON \u escape: the same
// JSON value, the exact text, but safe to print on a terminal.
std::string json_terminal_safe(std::string_view json);

// A stored attachment name made into a name that a file may be given in the
// current folder, at most `max_bytes` (at least 16) of UTF-8: only what follows
// the last '/'; every control, format or separator character of
// terminal_safe, a backslash and a byte that is not UTF-8 become '_'; a
// leading '.' becomes '_' (no "..", no hidden file such as .bashrc); cut to
// `max_bytes` on a character boundary, keeping a short extension; and
// "attachment" if nothing is left. A name that is already safe comes back
// unchanged; safe_file_name(safe_file_name(x)) == safe_file_name(x).
std::string safe_file_name(std::string_view name, std::size_t max_bytes = kMaxFileNameBytes);

// A run of ASCII digits as a non-negative int; false for anything else.
bool parse_digits(std::string_view s, int& out) noexcept;

}  // namespace folio
