#include <string>

#include "folio/text.h"
#include "support.h"

using namespace folio;

TEST_CASE("display_width counts East Asian wide characters as 2 columns", "[text]") {
  CHECK(display_width("签证") == 4);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("") == 0);
  CHECK(display_width("签证abc") == 7);
  CHECK(display_width("ａｂ") == 4);  // full-width Latin
  CHECK(display_width("かな") == 4);
  CHECK(display_width("한국") == 4);
}

TEST_CASE("display_width counts combining marks as 0 columns", "[text]") {
  CHECK(display_width("e\xcc\x81") == 1);       // e + U+0301
  CHECK(display_width("caf\xc3\xa9") == 4);     // precomposed
}

TEST_CASE("fit_width returns text that fits unchanged", "[text]") {
  CHECK(fit_width("abc", 3) == "abc");
  CHECK(fit_width("abc", 10) == "abc");
  CHECK(fit_width("签证", 4) == "签证");
  CHECK(fit_width("", 0) == "");
}

TEST_CASE("fit_width cuts whole characters and ends with an ellipsis", "[text]") {
  CHECK(fit_width("abcdef", 4) == "abc…");
  CHECK(fit_width("签证办好了", 6) == "签证…");  // 5 columns: a 6th would split 办
  CHECK(fit_width("签证办好了", 5) == "签证…");
  CHECK(fit_width("签证办好了", 4) == "签…");
  CHECK(fit_width("签证", 3) == "签…");
  CHECK(fit_width("签证", 1) == "…");
  CHECK(fit_width("abc", 0) == "");
}

TEST_CASE("fit_width never exceeds the width", "[text]") {
  const std::string samples[] = {"签证办好了 visa done", "abcdefghij", "a签b证c办", "e\xcc\x81\xcc\x81xyz签证",
                                 "ｆｕｌｌ ｗｉｄｔｈ"};
  for (const auto& s : samples) {
    for (std::size_t w = 0; w <= display_width(s) + 1; ++w) {
      std::string out = fit_width(s, w);
      INFO("'" << s << "' in " << w << " columns -> '" << out << "'");
      CHECK(display_width(out) <= w);
      CHECK(is_valid_utf8(out));
      if (display_width(s) > w && w > 0) {
        CHECK(out.size() >= 3);
        CHECK(out.substr(out.size() - 3) == "…");
        // The kept part is a prefix of the input.
        CHECK(s.compare(0, out.size() - 3, out, 0, out.size() - 3) == 0);
      }
    }
  }
}

TEST_CASE("pad_width pads to display columns, not bytes", "[text]") {
  CHECK(pad_width("签证", 6) == "签证  ");
  CHECK(pad_width("abc", 5) == "abc  ");
  CHECK(pad_width("abc", 3) == "abc");
  CHECK(pad_width("签证办", 4) == "签证办");  // wider than asked: unchanged
  CHECK(pad_width("", 2) == "  ");
  CHECK(display_width(pad_width("a签", 10)) == 10);
}

TEST_CASE("is_valid_utf8 accepts well-formed text", "[text]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii\n\t"));
  CHECK(is_valid_utf8("签证 café ñ"));
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));  // U+1F600, 4 bytes
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
  CHECK(is_valid_utf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xee\x80\x80"));      // U+E000, just above
}

TEST_CASE("is_valid_utf8 rejects overlong encodings", "[text]") {
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // '/' in 2 bytes
  CHECK_FALSE(is_valid_utf8("\xc1\xbf"));
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // '/' in 3 bytes
  CHECK_FALSE(is_valid_utf8("\xe0\x9f\xbf"));      // U+07FF in 3 bytes
  CHECK_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // '/' in 4 bytes
  CHECK_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in 4 bytes
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));          // modified-UTF-8 NUL
}

TEST_CASE("is_valid_utf8 rejects surrogates and code points above U+10FFFF", "[text]") {
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));                  // U+D800
  CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf"));                  // U+DFFF
  CHECK_FALSE(is_valid_utf8("\xed\xa0\xbd\xed\xb8\x80"));      // CESU-8 pair
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));              // U+110000
  CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xfe"));
}

TEST_CASE("is_valid_utf8 rejects truncated sequences and stray continuation bytes", "[text]") {
  CHECK_FALSE(is_valid_utf8("\xe7\xad"));            // 签 without its last byte
  CHECK_FALSE(is_valid_utf8("abc\xe7"));
  CHECK_FALSE(is_valid_utf8("\xc3"));
  CHECK_FALSE(is_valid_utf8("\xf0\x9f\x98"));
  CHECK_FALSE(is_valid_utf8("\x80"));
  CHECK_FALSE(is_valid_utf8("a\xbfz"));
  CHECK_FALSE(is_valid_utf8("\xe7\xad" "a"));        // interrupted by ASCII
  // A string_view that ends inside a character of a longer valid string.
  std::string whole = "签";
  CHECK_FALSE(is_valid_utf8(std::string_view(whole).substr(0, 2)));
}

TEST_CASE("is_valid_utf8 rejects NUL", "[text]") {
  CHECK_FALSE(is_valid_utf8(std::string("\0", 1)));
  CHECK_FALSE(is_valid_utf8(std::string("abc\0def", 7)));
  CHECK_FALSE(is_valid_utf8(std::string("签\0", 4)));
}

TEST_CASE("require_utf8 throws invalid_argument naming the text", "[text]") {
  CHECK_NOTHROW(require_utf8("ok", "the title"));
  CHECK_THROWS_MATCHES(require_utf8("\xff", "the title"), Error,
                       Catch::Matchers::Message("the title is not valid UTF-8 text"));
  CHECK_ERRC(require_utf8("\xff", "x"), Errc::invalid_argument);
}

TEST_CASE("nfc composes and rejects invalid UTF-8", "[text]") {
  CHECK(nfc("e\xcc\x81") == "\xc3\xa9");
  CHECK(nfc("签证") == "签证");
  CHECK(nfc("") == "");
  CHECK_ERRC(nfc("\xff"), Errc::invalid_argument);
}

TEST_CASE("count_chars counts code points", "[text]") {
  CHECK(count_chars("") == 0);
  CHECK(count_chars("abc") == 3);
  CHECK(count_chars("签证") == 2);
  CHECK(count_chars("签证abc") == 5);
  CHECK(count_chars("e\xcc\x81") == 2);
  CHECK(count_chars("\xf0\x9f\x98\x80") == 1);
}
