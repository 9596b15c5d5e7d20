#include <string>
#include <vector>

#include "folio/text.h"
#include "support.h"
#include "text/base64.h"

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

// --- terminal_safe -----------------------------------------------------------

TEST_CASE("terminal_safe keeps Chinese, emoji and other printable text byte for byte", "[text]") {
  for (const char* s : {"签证面试 interview", "café", "e\xcc\x81", "한국어 かな", "😀 🎉",
                        "👨\u200d👩\u200d👧",           // a family: joined by ZWJ
                        "❤\ufe0f\u200d🔥",              // heart on fire: VS16, then ZWJ
                        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  // Scotland
                        "می\u200cخواهم",                // Persian: ZWNJ between letters
                        "a\\x1b is typed, not sent", ""}) {
    CHECK(terminal_safe(s) == s);
    CHECK(terminal_safe(s, true) == s);
  }
}

TEST_CASE("terminal_safe writes out C0 controls and DEL as \\xHH", "[text]") {
  CHECK(terminal_safe("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");           // OSC 0, BEL
  CHECK(terminal_safe("\x1b[2J\x1b[H") == "\\x1b[2J\\x1b[H");                  // clear screen
  CHECK(terminal_safe("\x1b]52;c;aGk=\x1b\\") == "\\x1b]52;c;aGk=\\x1b\\");  // clipboard
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(terminal_safe("a\x7f" "b") == "a\\x7fb");
  CHECK(terminal_safe("\x08\x0b\x0c") == "\\x08\\x0b\\x0c");
}

TEST_CASE("terminal_safe names line breaks and tabs, and keeps them in a body", "[text]") {
  CHECK(terminal_safe("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  CHECK(terminal_safe("line 1\nline\t2\n", true) == "line 1\nline\t2\n");
  CHECK(terminal_safe("crlf\r\nlines\r\n", true) == "crlf\r\nlines\r\n");
  // A lone CR would move back over what the line showed.
  CHECK(terminal_safe("paid\rowed", true) == "paid\\rowed");
  CHECK(terminal_safe("end\r", true) == "end\\r");
  CHECK(terminal_safe("\x1b[2J\n", true) == "\\x1b[2J\n");
}

TEST_CASE("terminal_safe writes out C1 controls as \\u00HH", "[text]") {
  CHECK(terminal_safe("\xc2\x9b" "2J") == "\\u009b2J");  // CSI as one character
  CHECK(terminal_safe("\xc2\x9d" "0;t\xc2\x9c") == "\\u009d0;t\\u009c");
  CHECK(terminal_safe("\xc2\x85") == "\\u0085");
  CHECK(terminal_safe("\xc2\xa0") == "\xc2\xa0");  // no-break space is printable
}

TEST_CASE("terminal_safe writes out bidi controls and invisible format characters", "[text]") {
  CHECK(terminal_safe("\u202egnp.exe\u202c") == "\\u202egnp.exe\\u202c");
  for (const char* cp : {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                         "\u2068", "\u2069", "\u200b", "\u200e", "\u200f", "\u2060", "\ufeff",
                         "\u00ad", "\u061c", "\u2028", "\u2029"}) {
    std::string out = terminal_safe(std::string("a") + cp + "b");
    CHECK(out.rfind("a\\u", 0) == 0);
    CHECK(out.size() == 8);
  }
  // A joiner is kept only between two visible non-ASCII characters.
  CHECK(terminal_safe("pay\u200dpal") == "pay\\u200dpal");
  CHECK(terminal_safe("\u200d签") == "\\u200d签");
  CHECK(terminal_safe("签\u200d") == "签\\u200d");
  CHECK(terminal_safe("签\u200d\u202e") == "签\\u200d\\u202e");
  // Tag characters outside a flag, and planes above U+FFFF.
  CHECK(terminal_safe("a\U000e0041") == "a\\U000e0041");
  CHECK(terminal_safe("\U0001d173") == "\\U0001d173");  // a musical format control
}

TEST_CASE("terminal_safe writes out bytes that are not UTF-8 as \\xHH", "[text]") {
  CHECK(terminal_safe("a\xff" "b") == "a\\xffb");
  CHECK(terminal_safe("\xe7\xad") == "\\xe7\\xad");  // a cut 签
  CHECK(terminal_safe("\xc0\x9b") == "\\xc0\\x9b");  // an overlong CSI
}

TEST_CASE("terminal_safe output holds no byte a terminal acts on", "[text]") {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
  for (int c = 0x80; c < 0xa0; ++c) {
    all += static_cast<char>(0xc2);
    all += static_cast<char>(c);
  }
  all += "\u202e\u2066\u200b\ufeff";
  for (bool keep : {false, true}) {
    std::string out = terminal_safe(all, keep);
    for (unsigned char c : out) {
      bool allowed = c >= 0x20 && c < 0x7f;
      if (keep) allowed = allowed || c == '\n' || c == '\t';
      CHECK(allowed);
    }
  }
}

TEST_CASE("widths computed on terminal_safe text line up Chinese columns", "[text]") {
  std::string safe = terminal_safe("签证\x1b[2J");
  CHECK(safe == "签证\\x1b[2J");
  CHECK(display_width(safe) == 4 + 7);
  CHECK(display_width(pad_width(safe, 14)) == 14);
  CHECK(fit_width(safe, 6) == "签证\\…");
}

// --- safe_file_name ------------------------------------------------------------

TEST_CASE("safe_file_name keeps a plain name, Chinese and emoji included", "[text]") {
  for (const char* s : {"passport.pdf", "护照扫描.jpg", "bank statement (2).pdf", "😀.png",
                        "a..b", "x-", "-rf"}) {
    CHECK(safe_file_name(s) == s);
  }
}

TEST_CASE("safe_file_name keeps only the base name", "[text]") {
  CHECK(safe_file_name("../../x") == "x");
  CHECK(safe_file_name("/etc/passwd") == "passwd");
  CHECK(safe_file_name("/abs/path/") == "attachment");
  CHECK(safe_file_name("..") == "_.");
  CHECK(safe_file_name(".") == "_");
  CHECK(safe_file_name("/") == "attachment");
  CHECK(safe_file_name("") == "attachment");
  CHECK(safe_file_name("   ") == "attachment");
  CHECK(safe_file_name("..\\..\\x") == "_._.._x");
}

TEST_CASE("safe_file_name makes no hidden file", "[text]") {
  CHECK(safe_file_name(".bashrc") == "_bashrc");
  CHECK(safe_file_name("a/.ssh") == "_ssh");
}

TEST_CASE("safe_file_name replaces controls, format characters and bad bytes with _", "[text]") {
  CHECK(safe_file_name("scan\n.pdf") == "scan_.pdf");
  CHECK(safe_file_name(std::string("a\0b", 3)) == "a_b");
  CHECK(safe_file_name("\x1b]0;t\x07.pdf") == "_]0;t_.pdf");
  CHECK(safe_file_name("\u202egnp.exe\u202c") == "_gnp.exe_");
  CHECK(safe_file_name("a\u200bb\u2066c\xc2\x9b") == "a_b_c_");
  CHECK(safe_file_name("a\xff.pdf") == "a_.pdf");
  CHECK(safe_file_name("👨\u200d👩\u200d👧.jpg") == "👨\u200d👩\u200d👧.jpg");
}

TEST_CASE("safe_file_name cuts a long name on a character boundary, keeping the extension", "[text]") {
  std::string zh;
  for (int i = 0; i < 100; ++i) zh += "签";  // 300 bytes
  std::string out = safe_file_name(zh + ".pdf");
  CHECK(out.size() <= kMaxFileNameBytes);
  CHECK(out.size() == 83 * 3 + 4);  // 251 bytes for the stem: 83 whole characters
  CHECK(out.substr(out.size() - 4) == ".pdf");
  CHECK(is_valid_utf8(out));
  std::string plain(400, 'a');
  CHECK(safe_file_name(plain) == std::string(255, 'a'));
  CHECK(safe_file_name(plain, 20) == std::string(20, 'a'));
  CHECK(safe_file_name("abcdefghijklmnopqrstuvwxyz.tar", 20) == "abcdefghijklmnop.tar");
  // A joiner left at the end by the cut is not between two characters any more.
  // Appended, not '+': GCC 12 warns wrongly (-Warray-bounds) on the temporary.
  std::string joined(17, 'x');
  joined.append("签\u200d签");  // 17 + 3 + 3 + 3 bytes
  std::string expected(17, 'x');
  expected.append("签_");
  CHECK(safe_file_name(joined, 24) == expected);
}

TEST_CASE("safe_file_name is idempotent and its result is a safe terminal text", "[text]") {
  for (const char* s : {"../../x", "scan\n.pdf", "\u202egnp.exe", ".bashrc", "..", "a\xff",
                        "签\u200d", "x/\u200d签"}) {
    std::string once = safe_file_name(s);
    CHECK(safe_file_name(once) == once);
    CHECK(terminal_safe(once) == once);
    CHECK(once.find('/') == std::string::npos);
    CHECK(once != ".");
    CHECK(once != "..");
    CHECK(!once.empty());
  }
}

TEST_CASE("json_terminal_safe escapes what a terminal acts on and keeps the JSON value", "[text]") {
  CHECK(json_terminal_safe("{\n  \"a\": \"签证\"\n}") == "{\n  \"a\": \"签证\"\n}");
  CHECK(json_terminal_safe("\"\\u001b\xc2\x9b\u202e\x7f\"") == "\"\\u001b\\u009b\\u202e\\u007f\"");
  CHECK(json_terminal_safe("\"a\U000e0041\"") == "\"a\\udb40\\udc41\"");
  CHECK(json_terminal_safe("\"👨\u200d👩\"") == "\"👨\u200d👩\"");
}

// The reusable-buffer base64 of the backup's chunk lines agrees with the
// allocating one on every length, and refuses what it refuses.
TEST_CASE("base64 into a reused buffer agrees with base64_encode_padded and its decoder",
          "[text]") {
  std::vector<std::uint8_t> bytes;
  std::string encoded;
  std::vector<std::uint8_t> decoded{1, 2, 3};  // left over from an earlier use
  for (std::size_t n = 0; n < 300; ++n) {
    bytes.push_back(static_cast<std::uint8_t>(n * 37 + 11));
    encoded = "prefix";
    base64_encode_padded_append(bytes, encoded);
    REQUIRE(encoded == "prefix" + base64_encode_padded(bytes));
    REQUIRE(base64_decode_padded_into(encoded.substr(6), decoded));
    REQUIRE(decoded == bytes);
  }
  const char* bad[] = {"A",    "AB",   "ABC",  "A===", "====", "AB=A", "A=BC", "ABC!", "AB\nC",
                       "QQ=",  "QR==", "QUJ=", "QUJD===", "=QUJ", "QUJD\x80QUJ"};
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(base64_decode_padded(text).has_value());
    CHECK_FALSE(base64_decode_padded_into(text, decoded));
  }
  // Non-canonical last groups ("QR==" has non-zero spare bits) are refused,
  // and the canonical ones accepted, by both.
  for (const char* text : {"QQ==", "QUI=", "QUJD", ""}) {
    INFO(text);
    auto want = base64_decode_padded(text);
    REQUIRE(want.has_value());
    REQUIRE(base64_decode_padded_into(text, decoded));
    CHECK(decoded == *want);
  }
}
