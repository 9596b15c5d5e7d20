#include "folio/text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "folio/error.h"

namespace folio {
namespace {

const utf8proc_uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const utf8proc_uint8_t*>(s.data());
}

// Calls f(codepoint, byte_offset, byte_length) for each character of valid UTF-8.
template <typename F>
void each_char(std::string_view s, F f) {
  utf8proc_ssize_t pos = 0;
  auto n = static_cast<utf8proc_ssize_t>(s.size());
  while (pos < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(bytes(s) + pos, n - pos, &cp);
    if (len <= 0) return;
    f(cp, static_cast<std::size_t>(pos), static_cast<std::size_t>(len));
    pos += len;
  }
}

int char_width(utf8proc_int32_t cp) {
  if (cp == '\t') return 1;
  int w = utf8proc_charwidth(cp);
  return w < 0 ? 0 : w;
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  utf8proc_ssize_t pos = 0;
  auto n = static_cast<utf8proc_ssize_t>(s.size());
  while (pos < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(bytes(s) + pos, n - pos, &cp);
    if (len <= 0 || cp == 0) return false;
    pos += len;
  }
  return true;
}

void require_utf8(std::string_view s, std::string_view what) {
  if (!is_valid_utf8(s)) {
    throw Error(Errc::invalid_argument, std::string(what) + " is not valid UTF-8 text",
                "save the text as UTF-8 and try again");
  }
}

std::string nfc(std::string_view s) {
  require_utf8(s, "the text");
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(bytes(s), static_cast<utf8proc_ssize_t>(s.size()), &out,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) throw Error(Errc::invalid_argument, utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::size_t display_width(std::string_view s) noexcept {
  std::size_t w = 0;
  each_char(s, [&](utf8proc_int32_t cp, std::size_t, std::size_t) { w += char_width(cp); });
  return w;
}

std::string fit_width(std::string_view s, std::size_t columns) {
  if (display_width(s) <= columns) return std::string(s);
  if (columns == 0) return {};
  std::size_t used = 0;
  std::size_t cut = 0;
  bool stop = false;
  each_char(s, [&](utf8proc_int32_t cp, std::size_t off, std::size_t len) {
    if (stop) return;
    std::size_t w = static_cast<std::size_t>(char_width(cp));
    if (used + w > columns - 1) {  // keep one column for the ellipsis
      stop = true;
      return;
    }
    used += w;
    cut = off + len;
  });
  return std::string(s.substr(0, cut)) + "\u2026";
}

std::string pad_width(std::string_view s, std::size_t columns) {
  std::string out(s);
  std::size_t w = display_width(s);
  if (w < columns) out.append(columns - w, ' ');
  return out;
}

std::string single_line(std::string_view text, std::string_view what, std::size_t max_chars) {
  require_utf8(text, what);
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    throw Error(Errc::invalid_argument, std::string(what) + " must be a single line");
  }
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  std::string t(text.substr(first, text.find_last_not_of(" \t") - first + 1));
  if (count_chars(t) > max_chars) {
    throw Error(Errc::invalid_argument,
                std::string(what) + " may have at most " + std::to_string(max_chars) + " characters");
  }
  return t;
}

bool parse_digits(std::string_view s, int& out) noexcept {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::size_t count_chars(std::string_view s) noexcept {
  std::size_t n = 0;
  each_char(s, [&](utf8proc_int32_t, std::size_t, std::size_t) { ++n; });
  return n;
}

}  // namespace folio
