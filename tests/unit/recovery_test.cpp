#include <cctype>
#include <set>
#include <string>

#include "crypto/recovery.h"
#include "support.h"

using namespace folio;

namespace {

bool is_base32(char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); }

std::string without_dashes(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '-') out += c;
  }
  return out;
}

std::string canonical(std::string_view typed) {
  return std::string(canonical_recovery_code(Secret::from(typed)).view());
}

}  // namespace

TEST_CASE("a recovery code is 8 groups of 4 base32 characters", "[crypto]") {
  Secret code = make_recovery_code();
  std::string_view v = code.view();
  REQUIRE(v.size() == 39);
  for (std::size_t i = 0; i < v.size(); ++i) {
    INFO("position " << i << " in " << v);
    if (i % 5 == 4) {
      CHECK(v[i] == '-');
    } else {
      CHECK(is_base32(v[i]));
    }
  }
}

TEST_CASE("recovery codes are random", "[crypto]") {
  Secret a = make_recovery_code();
  Secret b = make_recovery_code();
  CHECK_FALSE(a.equals(b));
}

TEST_CASE("recovery codes use every character of the base32 alphabet", "[crypto]") {
  // 200 codes give 6400 characters, about 200 of each; a missing one means
  // bits are lost in the encoding.
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    Secret code = make_recovery_code();
    for (char c : code.view()) {
      if (c != '-') seen.insert(c);
    }
  }
  CHECK(seen.size() == 32);
}

TEST_CASE("the canonical form of a printed code is the 32 characters without dashes", "[crypto]") {
  Secret code = make_recovery_code();
  Secret canon = canonical_recovery_code(code);
  REQUIRE(canon.size() == 32);
  CHECK(canon.view() == without_dashes(code.view()));
}

TEST_CASE("the canonical form ignores case, spaces and dashes", "[crypto]") {
  const std::string expected = "ABCDEFGHJKMNPQRSTVWXYZ2345672345";
  CHECK(canonical("ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567-2345") == expected);
  CHECK(canonical("abcd-efgh-jkmn-pqrs-tvwx-yz23-4567-2345") == expected);
  CHECK(canonical("abcdefghjkmnpqrstvwxyz2345672345") == expected);
  CHECK(canonical("ABCD EFGH JKMN PQRS TVWX YZ23 4567 2345") == expected);
  CHECK(canonical("  abcd efgh-jkmn  pqrs tvwx yz23 4567 2345 ") == expected);
}

TEST_CASE("the canonical form reads 0, 1 and 8 as O, I and B", "[crypto]") {
  CHECK(canonical("0000-1111-8888-AAAA-AAAA-AAAA-AAAA-AAAA") == "OOOOIIIIBBBBAAAAAAAAAAAAAAAAAAAA");
  CHECK(canonical("o0O0-i1I1-b8B8-AAAA-AAAA-AAAA-AAAA-AAAA") == "OOOOIIIIBBBBAAAAAAAAAAAAAAAAAAAA");
}

TEST_CASE("a code of the wrong length is invalid_argument", "[crypto]") {
  const std::string code32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  CHECK_ERRC(canonical_recovery_code(Secret::from(code32.substr(0, 31))), Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from(code32 + "A")), Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from("")), Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from("---- ----")), Errc::invalid_argument);
}

TEST_CASE("a code with a character outside base32 is invalid_argument", "[crypto]") {
  // 9 is not in the alphabet and has no look-alike rule.
  CHECK_ERRC(canonical_recovery_code(Secret::from("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4569")),
             Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-456!")),
             Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from("ABCD_EFGH_IJKL_MNOP_QRST_UVWX_YZ23_4567")),
             Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-456\xC3\xA9")),
             Errc::invalid_argument);
  CHECK_ERRC(canonical_recovery_code(Secret::from(std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ23456\0", 32))),
             Errc::invalid_argument);
}
