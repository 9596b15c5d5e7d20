#include <string>

#include "folio/i18n.h"
#include "support.h"

using namespace folio;

TEST_CASE("format_message fills positional placeholders in any order", "[i18n]") {
  CHECK(format_message("no entry with id '{0}'", {"3k9x"}) == "no entry with id '3k9x'");
  CHECK(format_message("{1} before {0}", {"a", "b"}) == "b before a");
  CHECK(format_message("{0}{0}", {"x"}) == "xx");
  CHECK(format_message("", {"x"}).empty());
}

TEST_CASE("format_message keeps other braces and placeholders without a value", "[i18n]") {
  CHECK(format_message("{2} and {x} and {} and {", {"a"}) == "{2} and {x} and {} and {");
  CHECK(format_message("ends with {0", {"a"}) == "ends with {0");
  // A value that looks like a placeholder is not expanded again.
  CHECK(format_message("{0} {1}", {"{1}", "b"}) == "{1} b");
}

TEST_CASE("trf and trn format strings, paths and numbers", "[i18n]") {
  // The unit tests bind no catalogue: messages stay English.
  CHECK(trf("{0} of {1}", 3, std::string("12")) == "3 of 12");
  CHECK(trf("in {0}", std::filesystem::path("/tmp/v")) == "in /tmp/v");
  CHECK(trn("{0} entry", "{0} entries", 1) == "1 entry");
  CHECK(trn("{0} entry", "{0} entries", 2) == "2 entries");
  CHECK(trn("{0} entry in {1}", "{0} entries in {1}", 5, "visa") == "5 entries in visa");
  CHECK(std::string(tr("")).empty());
}
