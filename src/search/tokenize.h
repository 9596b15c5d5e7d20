// The one tokenizer, for the index and for queries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace folio {

// NFKC + case folding (utf8proc), then: runs of letters, digits and marks
// that are not CJK become one term each; a run of CJK characters c1..cn
// becomes c1, c1c2, c2, c2c3, ..., cn (each character, and each pair between
// its two characters). Anything else separates terms.
//
// Because a run's terms alternate character / pair, the terms of any
// substring of the run stand at consecutive positions: a phrase query of the
// substring's own terms finds it.
std::vector<std::string> tokenize(std::string_view text);

// NFKC + case folding of `text` (invalid UTF-8 yields "").
std::string fold(std::string_view text);

// True for code points folio treats as CJK (Han, kana, Hangul, and their
// punctuation-free extensions).
bool is_cjk(char32_t cp) noexcept;

}  // namespace folio
