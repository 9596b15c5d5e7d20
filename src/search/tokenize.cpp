#include "search/tokenize.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace folio {

bool is_cjk(char32_t c) noexcept {
  return (c >= 0x2E80 && c <= 0x2FDF) ||   // radicals
         (c >= 0x3005 && c <= 0x3007) ||   // 々 〆 〇
         (c >= 0x3040 && c <= 0x30FF) ||   // hiragana, katakana
         (c >= 0x3100 && c <= 0x312F) ||   // bopomofo
         (c >= 0x3400 && c <= 0x4DBF) ||   // Han extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||   // Han
         (c >= 0xAC00 && c <= 0xD7AF) ||   // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||   // Han compatibility
         (c >= 0x20000 && c <= 0x3134F);   // Han extensions B..G
}

std::string fold(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  auto opts = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                             UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                    static_cast<utf8proc_ssize_t>(text.size()), &out, opts);
  if (n < 0) return {};
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::vector<std::string> tokenize(std::string_view text) {
  std::string folded = fold(text);
  std::vector<std::string> terms;
  std::string word;
  std::string prev_cjk;  // the previous character of the current CJK run
  auto end_word = [&] {
    if (!word.empty()) terms.push_back(std::move(word));
    word.clear();
  };
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  auto n = static_cast<utf8proc_ssize_t>(folded.size());
  for (utf8proc_ssize_t pos = 0; pos < n;) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + pos, n - pos, &cp);
    if (len <= 0) break;
    std::string ch(folded, static_cast<std::size_t>(pos), static_cast<std::size_t>(len));
    pos += len;
    if (is_cjk(static_cast<char32_t>(cp))) {
      end_word();
      if (!prev_cjk.empty()) terms.push_back(prev_cjk + ch);
      terms.push_back(ch);
      prev_cjk = ch;
      continue;
    }
    prev_cjk.clear();
    auto cat = utf8proc_category(cp);
    bool word_char = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                     (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
                     (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (word_char) {
      word += ch;
    } else {
      end_word();
    }
  }
  end_word();
  return terms;
}

}  // namespace folio
