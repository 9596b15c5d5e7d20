#include "folio/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "folio/error.h"
#include "folio/i18n.h"

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

// One character of a text as terminal_safe and safe_file_name see it; cp is
// -1 for a byte that is not part of well-formed UTF-8.
struct Char {
  utf8proc_int32_t cp;
  std::size_t off, len;
};

// The character starting at byte `pos` of `s` (pos < s.size()).
Char char_at(std::string_view s, std::size_t pos) {
  utf8proc_int32_t cp = 0;
  utf8proc_ssize_t len =
      utf8proc_iterate(bytes(s) + pos, static_cast<utf8proc_ssize_t>(s.size() - pos), &cp);
  if (len <= 0) return {-1, pos, 1};
  return {cp, pos, static_cast<std::size_t>(len)};
}

// A character that a terminal may act on, or that shows nothing (or moves
// what is around it) where it stands: C0 and C1 controls, DEL, Unicode format
// characters (Cf: bidi controls, zero-width characters, the BOM, the soft
// hyphen...) and the line and paragraph separators.
bool acts_or_hides(utf8proc_int32_t cp) {
  if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) return true;
  if (cp < 0xa0) return false;
  auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

// A non-ASCII character that takes its own place on screen.
bool visible_non_ascii(utf8proc_int32_t cp) {
  if (cp < 0xa0 || acts_or_hides(cp)) return false;
  return utf8proc_category(cp) != UTF8PROC_CATEGORY_ZS;
}

constexpr utf8proc_int32_t kZwnj = 0x200c, kZwj = 0x200d, kBlackFlag = 0x1f3f4;

// Calls f(c, hide, next) for each character `c` of `s`, in order, with
// `hide` true if it must not reach a terminal as it is, and `next` the
// character after it (cp -1 and len 0 at the end). The exceptions to
// acts_or_hides are the format characters that real text needs: a joiner
// between two visible non-ASCII characters (emoji sequences, Indic and
// Persian script), and the tag characters that spell a flag after U+1F3F4.
// One character of lookahead and no table: an 8 MiB body costs no more
// memory than its copy.
template <typename F>
void each_shown(std::string_view s, F f) {
  if (s.empty()) return;
  bool in_flag = false;
  utf8proc_int32_t prev = -1;
  Char c = char_at(s, 0);
  for (;;) {
    std::size_t end = c.off + c.len;
    Char next = end < s.size() ? char_at(s, end) : Char{-1, end, 0};
    bool tag = c.cp >= 0xe0020 && c.cp <= 0xe007f;
    in_flag = tag ? in_flag : c.cp == kBlackFlag;
    bool hide = c.cp >= 0 && acts_or_hides(c.cp) && !(tag && in_flag) &&
                !((c.cp == kZwj || c.cp == kZwnj) && visible_non_ascii(prev) &&
                  visible_non_ascii(next.cp));
    f(c, hide, next);
    if (next.len == 0) return;
    prev = c.cp;
    c = next;
  }
}

void append_hex(std::string& out, const char* prefix, unsigned long v, int digits) {
  static const char kHex[] = "0123456789abcdef";
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0xf];
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
    // TRANSLATORS: {0} names the text ("the title"), in the user's language when the caller translated it.
    throw Error(Errc::invalid_argument, trf("{0} is not valid UTF-8 text", what),
                tr("save the text as UTF-8 and try again"));
  }
}

void check_text_size(std::string_view s, std::string_view what) {
  if (s.size() <= kMaxTextBytes) return;
  throw Error(Errc::invalid_argument,
              trf("{0} is {1} bytes, more than the {2} MiB ({3} bytes) one text may hold; nothing was saved", what,
                  s.size(), kMaxTextBytes >> 20, kMaxTextBytes),
              tr("split it into several, or attach it as a file ('folio attach')"));
}

std::string nfc(std::string_view s) {
  require_utf8(s, tr("the text"));
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

std::string fit_width_left(std::string_view s, std::size_t columns) {
  if (display_width(s) <= columns) return std::string(s);
  if (columns == 0) return {};
  std::vector<std::pair<std::size_t, std::size_t>> chars;  // offset, width
  each_char(s, [&](utf8proc_int32_t cp, std::size_t off, std::size_t) {
    chars.emplace_back(off, static_cast<std::size_t>(char_width(cp)));
  });
  std::size_t used = 0;
  std::size_t start = s.size();
  for (auto it = chars.rbegin(); it != chars.rend(); ++it) {
    if (used + it->second > columns - 1) break;  // keep one column for the ellipsis
    used += it->second;
    start = it->first;
  }
  return "\u2026" + std::string(s.substr(start));
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
    throw Error(Errc::invalid_argument, trf("{0} must be a single line", what));
  }
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  std::string t(text.substr(first, text.find_last_not_of(" \t") - first + 1));
  if (count_chars(t) > max_chars) {
    throw Error(Errc::invalid_argument,
                trf("{0} may have at most {1} characters", what, max_chars));
  }
  return t;
}

std::string terminal_safe(std::string_view s, bool keep_newlines) {
  // Most text has nothing to change.
  bool plain = true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(s);
  std::string out;
  out.reserve(s.size());
  each_shown(s, [&](const Char& c, bool hide, const Char& next) {
    if (c.cp < 0) {
      append_hex(out, "\\x", static_cast<unsigned char>(s[c.off]), 2);
    } else if (!hide) {
      out.append(s.substr(c.off, c.len));
    } else if (keep_newlines &&
               (c.cp == '\n' || c.cp == '\t' || (c.cp == '\r' && next.cp == '\n'))) {
      out += static_cast<char>(c.cp);
    } else if (c.cp == '\n') {
      out += "\\n";
    } else if (c.cp == '\r') {
      out += "\\r";
    } else if (c.cp == '\t') {
      out += "\\t";
    } else if (c.cp < 0x80) {
      append_hex(out, "\\x", static_cast<unsigned long>(c.cp), 2);
    } else if (c.cp <= 0xffff) {
      append_hex(out, "\\u", static_cast<unsigned long>(c.cp), 4);
    } else {
      append_hex(out, "\\U", static_cast<unsigned long>(c.cp), 8);
    }
  });
  return out;
}

std::string json_terminal_safe(std::string_view json) {
  bool plain = true;
  for (unsigned char c : json) {
    if (c == 0x7f || c >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(json);
  std::string out;
  out.reserve(json.size());
  each_shown(json, [&](const Char& c, bool hide, const Char&) {
    // Below U+0020 only JSON's own line breaks and indentation remain.
    if (!hide || c.cp < 0x7f) {
      out.append(json.substr(c.off, c.len));
    } else if (c.cp <= 0xffff) {
      append_hex(out, "\\u", static_cast<unsigned long>(c.cp), 4);
    } else {
      auto v = static_cast<unsigned long>(c.cp) - 0x10000;
      append_hex(out, "\\u", 0xd800 + (v >> 10), 4);
      append_hex(out, "\\u", 0xdc00 + (v & 0x3ff), 4);
    }
  });
  return out;
}

namespace {

// Every character terminal_safe would change, a backslash and a byte that is
// not UTF-8 as '_'; a leading '.' as '_'.
std::string clean_file_name(std::string_view name) {
  std::string out;
  each_shown(name, [&](const Char& c, bool hide, const Char&) {
    if (c.cp < 0 || hide || c.cp == '\\') {
      out += '_';
    } else {
      out.append(name.substr(c.off, c.len));
    }
  });
  if (!out.empty() && out[0] == '.') out[0] = '_';
  return out;
}

// The first `n` bytes of valid UTF-8 `s`, or fewer: never half a character.
std::string_view utf8_prefix(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

std::string safe_file_name(std::string_view name, std::size_t max_bytes) {
  max_bytes = std::max<std::size_t>(max_bytes, 16);
  auto slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out = clean_file_name(name);
  if (out.size() > max_bytes) {
    // Keep a short extension (".pdf"), so the file still opens with the
    // right program; cut the rest.
    std::string_view all(out);
    auto dot = all.rfind('.');
    std::string_view ext = dot != std::string_view::npos && dot > 0 && all.size() - dot <= 16
                               ? all.substr(dot)
                               : std::string_view();
    std::string cut(utf8_prefix(all.substr(0, all.size() - ext.size()), max_bytes - ext.size()));
    cut.append(ext);
    // A joiner that now ends the stem (or the name) is no longer between two
    // characters: clean again, which never makes the name longer.
    out = clean_file_name(cut);
  }
  if (out.find_first_not_of(' ') == std::string::npos) return "attachment";
  return out;
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
