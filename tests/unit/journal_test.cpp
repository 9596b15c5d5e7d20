#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "folio/dates.h"
#include "folio/journal.h"
#include "store/database.h"
#include "store/schema.h"
#include "support.h"

using namespace folio;
using folio_test::draft;
using folio_test::filter;
using folio_test::random_secret;
using folio_test::TempDir;

namespace {

constexpr std::string_view kIdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

// A journal over a fresh database with the folio schema (no KDF involved).
struct Fixture {
  TempDir dir;
  Database db = Database::open(dir / "data", random_secret(32), Database::Mode::create_new);
  Journal journal{db};

  Fixture() {
    // Speed only: no fsync per commit (the tests add many entries).
    db.exec("PRAGMA synchronous = OFF");
    create_schema(db);
  }

  Entry add(std::string body, std::vector<std::string> tags = {},
            std::optional<Timestamp> created = std::nullopt,
            std::optional<std::string> title = std::nullopt) {
    EntryDraft d;
    d.body = std::move(body);
    d.tags = std::move(tags);
    d.created = created;
    d.title = std::move(title);
    return journal.add(d);
  }

  // An entry with an id of our choosing, written the way FORMAT.md describes.
  void insert_raw(const std::string& uid, const std::string& created, const std::string& body) {
    Statement st = db.prepare(
        "INSERT INTO entries(uid, created, updated, title, body) VALUES (?1, ?2, ?2, NULL, ?3)");
    st.bind(1, uid).bind(2, created).bind(3, body);
    st.step();
  }

  std::int64_t tag_rows() { return std::stoll(db.query_text("SELECT count(*) FROM tags")); }
};

std::vector<std::string> ids_of(const std::vector<EntrySummary>& list) {
  std::vector<std::string> out;
  for (const auto& s : list) out.push_back(s.id);
  return out;
}

constexpr Timestamp kDay = 86400;
constexpr Timestamp k2026_01_01 = 1767225600;  // 2026-01-01T00:00:00Z

}  // namespace

TEST_CASE("an entry with Chinese title, body and tags reads back unchanged", "[journal]") {
  Fixture f;
  EntryDraft d;
  d.title = "签证面试";
  d.body = "今天去领事馆面试。\n一切顺利！😀";
  d.tags = {"签证", "旅行"};
  Timestamp before = now_utc();
  Entry added = f.journal.add(d);
  Timestamp after = now_utc();

  Entry got = f.journal.get(added.id);
  CHECK(got.id == added.id);
  CHECK(got.title == d.title);
  CHECK(got.body == d.body);
  CHECK(got.tags == std::vector<std::string>{"旅行", "签证"});  // sorted by bytes
  CHECK(got.created == added.created);
  CHECK(got.created >= before);
  CHECK(got.created <= after);
  CHECK(got.updated == got.created);
  CHECK(f.journal.count() == 1);
}

TEST_CASE("an entry without a title has no title", "[journal]") {
  Fixture f;
  Entry e = f.add("body only");
  CHECK_FALSE(e.title.has_value());
  CHECK_FALSE(f.journal.get(e.id).title.has_value());
  CHECK(f.journal.get(e.id).tags.empty());
}

TEST_CASE("a title is trimmed, and a blank title is no title", "[journal]") {
  Fixture f;
  CHECK(f.add("b", {}, std::nullopt, "  Day one \t").title == "Day one");
  CHECK_FALSE(f.add("b", {}, std::nullopt, "  \t ").title.has_value());
  CHECK_ERRC(f.add("b", {}, std::nullopt, "two\nlines"), Errc::invalid_argument);
  CHECK_ERRC(f.add("b", {}, std::nullopt, std::string(501, 'x')), Errc::invalid_argument);
  CHECK(f.add("b", {}, std::nullopt, std::string(500, 'x')).title->size() == 500);
}

TEST_CASE("an explicit creation time is kept", "[journal]") {
  Fixture f;
  Entry e = f.add("old", {}, k2026_01_01 + 3600);
  CHECK(e.created == k2026_01_01 + 3600);
  CHECK(f.journal.get(e.id).created == k2026_01_01 + 3600);
}

TEST_CASE("entry ids are 8 characters of the id alphabet", "[journal]") {
  Fixture f;
  std::set<std::string> seen;
  std::set<char> chars;
  for (int i = 0; i < 100; ++i) {
    Entry e = f.add("entry " + std::to_string(i));
    INFO(e.id);
    CHECK(e.id.size() == 8);
    CHECK(e.id.find_first_not_of(kIdAlphabet) == std::string::npos);
    seen.insert(e.id);
    chars.insert(e.id.begin(), e.id.end());
  }
  CHECK(seen.size() == 100);
  CHECK(chars.size() == 32);  // 800 draws: every character shows up
}

TEST_CASE("an entry is found by a unique prefix of 4 or more characters", "[journal]") {
  Fixture f;
  Entry e = f.add("prefix me");
  for (std::size_t n = 4; n <= 8; ++n) {
    INFO(e.id.substr(0, n));
    CHECK(f.journal.get(e.id.substr(0, n)).id == e.id);
  }
}

TEST_CASE("a prefix shorter than 4 or longer than 8 characters is invalid_argument", "[journal]") {
  Fixture f;
  Entry e = f.add("x");
  CHECK_ERRC(f.journal.get(e.id.substr(0, 3)), Errc::invalid_argument);
  CHECK_ERRC(f.journal.get(""), Errc::invalid_argument);
  CHECK_ERRC(f.journal.get(e.id + "0"), Errc::invalid_argument);
}

TEST_CASE("a prefix shared by two entries is invalid_argument", "[journal]") {
  Fixture f;
  f.insert_raw("abcd0000", "2026-01-01T00:00:00Z", "one");
  f.insert_raw("abcd1111", "2026-01-02T00:00:00Z", "two");
  f.insert_raw("abce0000", "2026-01-03T00:00:00Z", "three");
  CHECK_ERRC(f.journal.get("abcd"), Errc::invalid_argument);
  CHECK(f.journal.get("abcd0").body == "one");
  CHECK(f.journal.get("abcd1111").body == "two");
  CHECK(f.journal.get("abce").body == "three");
  CHECK_ERRC(f.journal.update("abcd", draft("x")), Errc::invalid_argument);
  CHECK_ERRC(f.journal.remove("abcd"), Errc::invalid_argument);
  CHECK(f.journal.count() == 3);
}

TEST_CASE("a full id that is a prefix match of nothing else is found even with neighbours",
          "[journal]") {
  Fixture f;
  f.insert_raw("abcd0000", "2026-01-01T00:00:00Z", "one");
  f.insert_raw("abcd0001", "2026-01-02T00:00:00Z", "two");
  CHECK(f.journal.get("abcd0000").body == "one");
  CHECK(f.journal.get("abcd0001").body == "two");
}

TEST_CASE("an unknown id is not_found", "[journal]") {
  Fixture f;
  f.insert_raw("abcd0000", "2026-01-01T00:00:00Z", "one");
  CHECK_ERRC(f.journal.get("zzzz"), Errc::not_found);
  CHECK_ERRC(f.journal.get("abcd0001"), Errc::not_found);
  CHECK_ERRC(f.journal.get("abc%"), Errc::not_found);  // no LIKE wildcards
  CHECK_ERRC(f.journal.update("zzzzzzzz", draft("x")), Errc::not_found);
  CHECK_ERRC(f.journal.remove("zzzzzzzz"), Errc::not_found);
}

TEST_CASE("list shows entries newest first", "[journal]") {
  Fixture f;
  Entry a = f.add("first", {}, k2026_01_01);
  Entry c = f.add("third", {}, k2026_01_01 + 2 * kDay);
  Entry b = f.add("second", {}, k2026_01_01 + kDay);
  CHECK(ids_of(f.journal.list()) == std::vector<std::string>{c.id, b.id, a.id});
}

TEST_CASE("list with a limit keeps the newest", "[journal]") {
  Fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(f.add("e", {}, k2026_01_01 + i * kDay).id);
  CHECK(ids_of(f.journal.list(filter({}, {}, {}, 2))) == std::vector<std::string>{ids[4], ids[3]});
  CHECK(f.journal.list(filter({}, {}, {}, 0)).empty());
  CHECK(f.journal.list(filter({}, {}, {}, 99)).size() == 5);
}

TEST_CASE("list since is inclusive and until is exclusive", "[journal]") {
  Fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(f.add("e", {}, k2026_01_01 + i * kDay).id);
  auto got = f.journal.list(filter({}, k2026_01_01 + kDay, k2026_01_01 + 3 * kDay));
  CHECK(ids_of(got) == std::vector<std::string>{ids[2], ids[1]});
  CHECK(f.journal.list(filter({}, k2026_01_01 + 5 * kDay)).empty());
  CHECK(f.journal.list(filter({}, {}, k2026_01_01)).empty());
  CHECK(f.journal.list(filter({}, {}, k2026_01_01 + 1)).size() == 1);
}

TEST_CASE("list filters by tag, with the tag typed in any case", "[journal]") {
  Fixture f;
  Entry a = f.add("a", {"visa"}, k2026_01_01);
  f.add("b", {"work"}, k2026_01_01 + kDay);
  Entry c = f.add("c", {"Visa", "work"}, k2026_01_01 + 2 * kDay);
  CHECK(ids_of(f.journal.list(filter("VISA"))) == std::vector<std::string>{c.id, a.id});
  CHECK(f.journal.list(filter("nothing")).empty());
  auto limited = f.journal.list(filter("visa", {}, {}, 1));
  CHECK(ids_of(limited) == std::vector<std::string>{c.id});
  CHECK(limited[0].tags == std::vector<std::string>{"visa", "work"});
}

TEST_CASE("a summary has the first line of the body and its length in characters", "[journal]") {
  Fixture f;
  f.add("\n  签证办好了\n第二行", {}, std::nullopt, std::nullopt);
  auto list = f.journal.list();
  REQUIRE(list.size() == 1);
  CHECK(list[0].first_line == "签证办好了");
  CHECK(list[0].body_chars == 12);  // 1 + 2 + 5 + 1 + 3 code points
}

TEST_CASE("a long first line is cut at 200 bytes on a character boundary", "[journal]") {
  Fixture f;
  std::string body;
  for (int i = 0; i < 100; ++i) body += "签";  // 300 bytes
  f.add(body);
  auto list = f.journal.list();
  REQUIRE(list.size() == 1);
  CHECK(list[0].first_line.size() == 198);
  CHECK(list[0].first_line == body.substr(0, 198));
  CHECK(list[0].body_chars == 100);
}

TEST_CASE("update replaces the content, changes updated and keeps created", "[journal]") {
  Fixture f;
  Entry e = f.add("before", {"old", "kept"}, k2026_01_01, "Title");
  // Age the entry so a change of `updated` is visible within the same second.
  f.db.exec("UPDATE entries SET updated = '2026-01-01T00:00:00Z'");
  Timestamp before = now_utc();

  Entry u = f.journal.update(e.id.substr(0, 4), draft("after", {"kept", "new"}));
  CHECK(u.id == e.id);
  CHECK(u.created == k2026_01_01);
  CHECK(u.updated >= before);
  CHECK_FALSE(u.title.has_value());
  CHECK(u.body == "after");
  CHECK(u.tags == std::vector<std::string>{"kept", "new"});

  Entry got = f.journal.get(e.id);
  CHECK(got.created == k2026_01_01);
  CHECK(got.updated == u.updated);
  CHECK(got.body == "after");
  // "old" lost its only entry and is gone.
  CHECK(f.tag_rows() == 2);
}

TEST_CASE("update with a created time moves the entry and keeps its text", "[journal]") {
  Fixture f;
  Entry a = f.add("written late", {"night"}, k2026_01_01, "Late");
  Entry b = f.add("the next day", {}, k2026_01_01 + kDay);
  f.db.exec("UPDATE entries SET updated = '2026-01-01T00:00:00Z'");
  Timestamp before = now_utc();

  EntryDraft moved{a.title, a.tags, a.body, k2026_01_01 + 2 * kDay};
  Entry u = f.journal.update(a.id, moved);
  CHECK(u.created == k2026_01_01 + 2 * kDay);
  CHECK(u.updated >= before);
  CHECK(u.body == "written late");
  CHECK(u.title == std::optional<std::string>("Late"));
  CHECK(u.tags == std::vector<std::string>{"night"});
  CHECK(f.journal.get(a.id).created == k2026_01_01 + 2 * kDay);
  // Newest first, by the new date: a is now after b.
  CHECK(ids_of(f.journal.list()) == std::vector<std::string>{a.id, b.id});
  CHECK(ids_of(f.journal.list(filter({}, k2026_01_01 + 2 * kDay))) == std::vector<std::string>{a.id});
}

TEST_CASE("update with invalid text changes nothing", "[journal]") {
  Fixture f;
  Entry e = f.add("before", {"t"});
  CHECK_ERRC(f.journal.update(e.id, draft("bad \xff")), Errc::invalid_argument);
  CHECK_ERRC(f.journal.update(e.id, draft("  \n ")), Errc::invalid_argument);
  CHECK_ERRC(f.journal.update(e.id, draft("ok", {"a b"})), Errc::invalid_argument);
  Entry got = f.journal.get(e.id);
  CHECK(got.body == "before");
  CHECK(got.tags == std::vector<std::string>{"t"});
  CHECK(got.updated == e.updated);
}

TEST_CASE("remove deletes the entry and tags no other entry uses", "[journal]") {
  Fixture f;
  Entry a = f.add("a", {"shared", "only-a"});
  Entry b = f.add("b", {"shared"});
  REQUIRE(f.tag_rows() == 2);

  f.journal.remove(a.id);
  CHECK(f.journal.count() == 1);
  CHECK_ERRC(f.journal.get(a.id), Errc::not_found);
  auto tags = f.journal.tags();
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].name == "shared");
  CHECK(tags[0].entries == 1);
  CHECK(f.tag_rows() == 1);
  CHECK(std::stoll(f.db.query_text("SELECT count(*) FROM entry_tags")) == 1);

  f.journal.remove(b.id.substr(0, 5));
  CHECK(f.journal.count() == 0);
  CHECK(f.journal.tags().empty());
  CHECK(f.tag_rows() == 0);
}

TEST_CASE("tags lists each tag with its number of entries, by name", "[journal]") {
  Fixture f;
  f.add("1", {"b", "a"});
  f.add("2", {"B"});
  f.add("3", {"c", "c", "C"});
  auto tags = f.journal.tags();
  REQUIRE(tags.size() == 3);
  CHECK(tags[0].name == "a");
  CHECK(tags[0].entries == 1);
  CHECK(tags[1].name == "b");
  CHECK(tags[1].entries == 2);
  CHECK(tags[2].name == "c");
  CHECK(tags[2].entries == 1);
}

TEST_CASE("a body that is not UTF-8 is invalid_argument and nothing is stored", "[journal]") {
  Fixture f;
  f.add("existing");
  CHECK_ERRC(f.add("caf\xe9"), Errc::invalid_argument);           // Latin-1
  CHECK_ERRC(f.add("\xc0\xaf"), Errc::invalid_argument);          // overlong '/'
  CHECK_ERRC(f.add("\xed\xa0\x80"), Errc::invalid_argument);      // surrogate
  CHECK_ERRC(f.add(std::string("a\0b", 3)), Errc::invalid_argument);  // NUL
  CHECK_ERRC(f.add("ok", {}, std::nullopt, "\xff"), Errc::invalid_argument);  // title
  CHECK_ERRC(f.add("ok", {"\xff"}), Errc::invalid_argument);                  // tag
  CHECK(f.journal.count() == 1);
  CHECK(f.tag_rows() == 0);
}

TEST_CASE("an empty or blank body is invalid_argument", "[journal]") {
  Fixture f;
  CHECK_ERRC(f.add(""), Errc::invalid_argument);
  CHECK_ERRC(f.add(" \t\r\n "), Errc::invalid_argument);
  CHECK(f.journal.count() == 0);
}

TEST_CASE("normalize_tag folds case", "[journal]") {
  CHECK(normalize_tag("Visa") == "visa");
  CHECK(normalize_tag("VISA") == normalize_tag("visa"));
  CHECK(normalize_tag("Straße") == "strasse");  // full case folding
  CHECK(normalize_tag("ΣΟΦΙΑ") == normalize_tag("σοφια"));
  CHECK(normalize_tag("签证") == "签证");
}

TEST_CASE("normalize_tag composes to NFC", "[journal]") {
  CHECK(normalize_tag("Cafe\xcc\x81") == "caf\xc3\xa9");  // e + U+0301 -> U+00E9
  CHECK(normalize_tag("CAF\xc3\x89") == "caf\xc3\xa9");
}

TEST_CASE("normalize_tag folds full-width case but keeps full-width letters", "[journal]") {
  // Case folding with NFC (not NFKC): Ｖｉｓａ and ＶＩＳＡ are one tag, distinct from visa.
  CHECK(normalize_tag("ＶＩＳＡ") == "ｖｉｓａ");
  CHECK(normalize_tag("Ｖｉｓａ") == normalize_tag("ＶＩＳＡ"));
  CHECK(normalize_tag("ＶＩＳＡ") != normalize_tag("visa"));
}

TEST_CASE("normalize_tag rejects empty tags, spaces and commas", "[journal]") {
  for (const char* bad : {"", " ", "a b", " a", "a ", "a,b", ",", "a\tb", "a\nb"}) {
    INFO("tag '" << bad << "'");
    CHECK_ERRC(normalize_tag(bad), Errc::invalid_argument);
  }
}

TEST_CASE("normalize_tag accepts 64 characters and rejects 65", "[journal]") {
  std::string t64;
  for (int i = 0; i < 64; ++i) t64 += "签";
  CHECK(normalize_tag(t64) == t64);
  CHECK_ERRC(normalize_tag(t64 + "签"), Errc::invalid_argument);
}

TEST_CASE("normalize_tag rejects Unicode white space such as the ideographic space",
          "[journal]") {
  // journal.h: "no white space". A Chinese input method types U+3000 between
  // words; U+00A0 comes from copy and paste.
  CHECK_ERRC(normalize_tag("签证\xe3\x80\x80旅行"), Errc::invalid_argument);  // U+3000
  CHECK_ERRC(normalize_tag("visa\xc2\xa0usa"), Errc::invalid_argument);       // U+00A0
  CHECK_ERRC(normalize_tag("\xe3\x80\x80"), Errc::invalid_argument);
  CHECK_ERRC(normalize_tag("a\xe2\x80\xa8" "b"), Errc::invalid_argument);  // U+2028 line separator
}

TEST_CASE("update_if_unchanged writes over the version it was given and nothing else", "[journal]") {
  Fixture f;
  Entry seen = f.add("first version", {"visa"});
  EntryDraft mine{seen.title, seen.tags, "my edit", std::nullopt};

  SECTION("unchanged since: the update happens") {
    auto updated = f.journal.update_if_unchanged(seen, mine);
    REQUIRE(updated);
    CHECK(f.journal.get(seen.id).body == "my edit");
  }
  SECTION("another body meanwhile: nothing is written") {
    f.journal.update(seen.id, EntryDraft{seen.title, seen.tags, "their edit", std::nullopt});
    CHECK_FALSE(f.journal.update_if_unchanged(seen, mine));
    CHECK(f.journal.get(seen.id).body == "their edit");
  }
  SECTION("other tags or title alone meanwhile: nothing is written") {
    f.journal.update(seen.id, EntryDraft{std::string("a title"), seen.tags, seen.body, std::nullopt});
    CHECK_FALSE(f.journal.update_if_unchanged(seen, mine));
    CHECK(f.journal.get(seen.id).body == "first version");
  }
  SECTION("another date alone meanwhile: nothing is written") {
    f.journal.update(seen.id, EntryDraft{seen.title, seen.tags, seen.body, k2026_01_01});
    CHECK_FALSE(f.journal.update_if_unchanged(seen, mine));
    CHECK(f.journal.get(seen.id).body == "first version");
    CHECK(f.journal.get(seen.id).created == k2026_01_01);
  }
  SECTION("removed meanwhile: not_found") {
    f.journal.remove(seen.id);
    CHECK_ERRC(f.journal.update_if_unchanged(seen, mine), Errc::not_found);
  }
}
