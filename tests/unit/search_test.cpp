// The search index: folio's own terms (docs/FORMAT.md, "Schema version 3" and "5"),
// and Search::find through a vault, with every query form docs/CLI.md lists.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "folio/checklist.h"
#include "folio/dates.h"
#include "folio/journal.h"
#include "folio/kdf.h"
#include "folio/search.h"
#include "folio/vault.h"
#include "search/index.h"
#include "store/rank.h"
#include "support.h"

using namespace folio;
namespace fs = std::filesystem;
using folio_test::draft;
using folio_test::error_code_of;
using folio_test::TempDir;

namespace {

const Secret& passphrase() {
  static const Secret p = Secret::from("search test passphrase");
  return p;
}

// A vault in a fresh temp folder (cheapest KDF) and its journal, checklists
// and search, which hold references into the open vault.
struct Fixture {
  TempDir tmp;
  fs::path dir = tmp / "vault";
  Secret recovery = Vault::create(dir, passphrase(), kKdfCheapest);
  Vault vault = Vault::open(dir, passphrase());
  Journal journal = vault.journal();
  Checklists lists = vault.checklists();
  Search search = vault.search();

  std::string add(std::string body, std::vector<std::string> tags = {},
                  std::optional<std::string> title = std::nullopt,
                  std::optional<Timestamp> created = std::nullopt) {
    EntryDraft d = draft(std::move(body), std::move(tags), std::move(title));
    d.created = created;
    return journal.add(d).id;
  }

  fs::path file(const std::string& name, const std::string& content = "scan\n") {
    fs::path folder = tmp / ("docs-" + std::to_string(files_++));
    fs::create_directory(folder);
    std::ofstream(folder / name) << content;
    return folder / name;
  }

  std::vector<SearchHit> find(const std::string& query, const SearchOptions& options = {}) const {
    return search.find(query, options);
  }

  // The ids found, sorted (for queries whose order does not matter).
  std::vector<std::string> ids(const std::string& query, const SearchOptions& options = {}) const {
    std::vector<std::string> out;
    for (const auto& h : search.find(query, options)) out.push_back(h.id);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  int files_ = 0;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

SearchOptions entries_only() {
  SearchOptions o;
  o.checklists = false;
  return o;
}

SearchOptions checklists_only() {
  SearchOptions o;
  o.entries = false;
  return o;
}

const std::string kChinese = "我们在上海封控期间决定申请留学签证";

// A fixed-seed generator, the same sequence on every platform: next(n) is
// in [0, n).
struct Lcg {
  std::uint32_t seed;
  std::uint32_t operator()(std::uint32_t below) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % below;
  }
};

}  // namespace

// --- search_terms ----------------------------------------------------------------

TEST_CASE("search_terms gives each character of a CJK run and each pair of neighbours",
          "[search]") {
  CHECK(search_terms("申请留学") == "申 申请 请 请留 留 留学 学");
  CHECK(search_terms("签") == "签");
  CHECK(search_terms("签证") == "签 签证 证");
}

TEST_CASE("search_terms of any substring of a CJK run stand consecutively in the run's terms",
          "[search]") {
  std::string all = " " + search_terms(kChinese) + " ";
  // Whole characters: every CJK character here is 3 bytes of UTF-8.
  for (std::size_t from = 0; from < kChinese.size(); from += 3) {
    for (std::size_t len = 3; from + len <= kChinese.size(); len += 3) {
      std::string part = kChinese.substr(from, len);
      INFO(part);
      CHECK(all.find(" " + search_terms(part) + " ") != std::string::npos);
    }
  }
}

TEST_CASE("search_terms splits words at anything that is not a letter, mark or digit",
          "[search]") {
  CHECK(search_terms("Visa interview, 3 May") == "visa interview 3 may");
  CHECK(search_terms("a:b \"c\" d-e f_g h'i (j) k*") == "a b c d e f g h i j k");
  CHECK(search_terms("line one\r\nline\ttwo") == "line one line two");
  CHECK(search_terms("#travel #签证") == "travel 签 签证 证");
  CHECK(search_terms("v2.0 3.14") == "v2 0 3 14");
  CHECK(search_terms(std::string("vi\0sa", 5)) == "vi sa");  // a control character separates
}

TEST_CASE("search_terms ends a word at a CJK character and starts a new one after it",
          "[search]") {
  CHECK(search_terms("签证interview") == "签 签证 证 interview");
  CHECK(search_terms("visa签证") == "visa 签 签证 证");
  CHECK(search_terms("2026年5月") == "2026 年 5 月");
  CHECK(search_terms("上海。东京") == "上 上海 海 东 东京 京");
}

TEST_CASE("search_terms handles mixed scripts: Cyrillic words, Hangul and kana runs", "[search]") {
  CHECK(search_terms("Hello世界 Мир") == "hello 世 世界 界 мир");
  CHECK(search_terms("한국어") == "한 한국 국 국어 어");
  // Hiragana and katakana are one CJK range: a mixed run pairs across them.
  CHECK(search_terms("ひらカナ") == "ひ ひら ら らカ カ カナ ナ");
  CHECK(search_terms("naïve café") == "naïve café");
}

TEST_CASE("search_terms folds full-width forms to their ASCII letters and digits", "[search]") {
  CHECK(search_terms("Ｖｉｓａ") == "visa");
  CHECK(search_terms("ＶＩＳＡ　１２３") == "visa 123");  // with an ideographic space
  CHECK(search_terms("ｶﾀｶﾅ") == "カ カタ タ タカ カ カナ ナ");  // half-width katakana
  CHECK(search_terms("全角，标点！") == "全 全角 角 标 标点 点");
}

TEST_CASE("search_terms folds case fully and applies compatibility mappings", "[search]") {
  CHECK(search_terms("VISA Visa visa") == "visa visa visa");
  CHECK(search_terms("Straße STRASSE") == "strasse strasse");
  CHECK(search_terms("ΣΊΣΥΦΟΣ") == "σίσυφοσ");
  CHECK(search_terms("ﬁne") == "fine");
  CHECK(search_terms("x² ①") == "x2 1");
  CHECK(search_terms("㈱") == "株");
  // Decomposed and composed accents give the same term.
  CHECK(search_terms("e\xcc\x81") == search_terms("\xc3\xa9"));
  // Folding j-caron gives j + U+030C, which composes back to U+01F0.
  CHECK(search_terms("\xc7\xb0") == "\xc7\xb0");
}

TEST_CASE("search_terms lists every occurrence and nothing more", "[search]") {
  // FORMAT.md, "Schema version 5": version 3's terms; version 4's count
  // terms are gone (the postings' key order does their work).
  CHECK(search_terms("visa") == "visa");
  CHECK(search_terms("b a b c a b") == "b a b c a b");
  CHECK(search_terms("签证 签证") == "签 签证 证 签 签证 证");
}

TEST_CASE("search_terms drops default-ignorable code points", "[search]") {
  CHECK(search_terms("签\u200b证") == "签 签证 证");   // zero-width space
  CHECK(search_terms("vi\u00adsa") == "visa");          // soft hyphen
  CHECK(search_terms("a\ufe0fb") == "ab");              // variation selector
  CHECK(search_terms("\ufeffbom") == "bom");            // byte-order mark
}

TEST_CASE("search_terms of empty text or text without words is empty", "[search]") {
  CHECK(search_terms("") == "");
  CHECK(search_terms("   ") == "");
  CHECK(search_terms(",.!?;:'\"()[]{}<>/\\|@#$%^&*~`") == "");
  CHECK(search_terms("\xf0\x9f\x99\x82 \xe2\x9c\x88") == "");  // emoji
  CHECK(search_terms("\u200b\u00ad") == "");
}

TEST_CASE("search_terms of invalid UTF-8 is empty rather than a failure", "[search]") {
  CHECK(search_terms("visa \xff\xfe") == "");
}

// --- Search::find: the query forms -----------------------------------------------------

TEST_CASE("find locates Chinese text by a word, a character, a phrase and a mixed query",
          "[search]") {
  Fixture f;
  std::string study = f.add(kChinese + "。The interview is next week.");
  std::string other = f.add("上海的天气很好。");
  std::string english = f.add("Interview tips.");
  CHECK(f.ids("签证") == std::vector<std::string>{study});
  CHECK(f.ids("上海") == sorted({study, other}));
  CHECK(f.ids("签") == std::vector<std::string>{study});
  CHECK(f.ids("\"申请留学\"") == std::vector<std::string>{study});
  CHECK(f.ids("申请留学") == std::vector<std::string>{study});
  CHECK(f.ids("签证 interview") == std::vector<std::string>{study});
  CHECK(f.ids("interview") == sorted({study, english}));
  CHECK(f.ids("证签").empty());
  CHECK(f.ids("签证 tips").empty());
}

TEST_CASE("find matches whole words: no stemming, a prefix with *", "[search]") {
  Fixture f;
  std::string visa = f.add("Picked up the visa.");
  std::string visas = f.add("Two visas arrived.");
  CHECK(f.ids("visa") == std::vector<std::string>{visa});
  CHECK(f.ids("visas") == std::vector<std::string>{visas});
  CHECK(f.ids("visa*") == sorted({visa, visas}));
  CHECK(f.ids("vis*") == sorted({visa, visas}));
  CHECK(f.ids("Ｖｉｓａ") == std::vector<std::string>{visa});
  CHECK(f.ids("VISA") == std::vector<std::string>{visa});
}

TEST_CASE("find needs every word, a phrase in order, and OR binds tighter than AND",
          "[search]") {
  Fixture f;
  std::string bank = f.add("The bank statement for the visa.");
  std::string embassy = f.add("Picked up the visa at the embassy.");
  std::string holiday = f.add("Bank holiday.");
  CHECK(f.ids("visa embassy") == std::vector<std::string>{embassy});
  CHECK(f.ids("\"bank statement\"") == std::vector<std::string>{bank});
  CHECK(f.ids("\"statement bank\"").empty());
  CHECK(f.ids("embassy OR holiday") == sorted({embassy, holiday}));
  // a b OR c is a AND (b OR c)
  CHECK(f.ids("bank statement OR holiday") == sorted({bank, holiday}));
  CHECK(f.ids("visa embassy OR statement") == sorted({bank, embassy}));
  CHECK(f.ids("visa OR holiday OR embassy") == sorted({bank, embassy, holiday}));
}

TEST_CASE("find leaves out what an excluded word matches", "[search]") {
  Fixture f;
  std::string bank = f.add("The bank statement for the visa.");
  std::string embassy = f.add("Picked up the visa at the embassy.");
  CHECK(f.ids("visa -bank") == std::vector<std::string>{embassy});
  CHECK(f.ids("-bank visa") == std::vector<std::string>{embassy});
  CHECK(f.ids("visa -bank*") == std::vector<std::string>{embassy});
  CHECK(f.ids("visa -签") == sorted({bank, embassy}));
}

TEST_CASE("find leaves out what an excluded phrase or Chinese word matches", "[search]") {
  Fixture f;
  std::string bank = f.add("The bank statement for the visa. 银行签证");
  std::string embassy = f.add("Picked up the visa at the embassy. 大使馆");
  CHECK(f.ids("visa -\"bank statement\"") == std::vector<std::string>{embassy});
  CHECK(f.ids("visa -银行") == std::vector<std::string>{embassy});
  CHECK(f.ids("visa -大使馆") == std::vector<std::string>{bank});
  CHECK(f.ids("visa -\"statement bank\"") == sorted({bank, embassy}));
}

TEST_CASE("a malformed query is invalid_argument", "[search]") {
  Fixture f;
  f.add("visa");
  for (const char* q : {"\"visa", "visa \"", "OR", "OR visa", "visa OR", "OR OR", "-visa",
                        "-visa -bank", "", "   ", "*", "!?", "\"\"", "\xff\xfe"}) {
    INFO(q);
    CHECK_ERRC(f.find(q), Errc::invalid_argument);
  }
}

TEST_CASE("an OR without a word on each side is invalid_argument", "[search]") {
  // docs/CLI.md: "an OR without a word on each side ... is an error".
  Fixture f;
  f.add("visa bank");
  CHECK_ERRC(f.find("visa OR OR bank"), Errc::invalid_argument);
  CHECK_ERRC(f.find("visa OR -bank"), Errc::invalid_argument);
}

TEST_CASE("SQL and FTS syntax in a query are only words", "[search]") {
  Fixture f;
  std::string drop = f.add("Never drop the table of entries.");
  std::string near = f.add("The visa office is near the bank.");
  CHECK(f.ids("'; DROP TABLE entries; --") == std::vector<std::string>{drop});
  CHECK(f.ids("visa NEAR bank") == std::vector<std::string>{near});
  CHECK(f.ids("visa NEAR/2 bank").empty());  // "2" is a word too
  CHECK(f.ids("visa AND bank").empty());      // "and" is not in the entry
  CHECK(f.ids("terms:visa").empty());         // the phrase "terms visa"
  CHECK(f.ids("(visa)") == std::vector<std::string>{near});
  CHECK(f.ids("^visa") == std::vector<std::string>{near});
  for (const char* q : {"NEAR", "a:b", "^", "(", ")", ")) OR ((", "\x01\x02", "visa**", "*visa",
                        "docid:1", "x'00'", "visa\"", "vi\"sa", "- visa", "visa -"}) {
    INFO(q);
    auto code = error_code_of([&] { f.find(q); });
    CHECK((!code || *code == Errc::invalid_argument));
  }
  CHECK(f.journal.count() == 2);
  CHECK(f.ids("entries") == std::vector<std::string>{drop});
}

// --- kinds, filters, limit, ranking, snippets ------------------------------------------

TEST_CASE("find returns entries, checklists, items and attachments with their context",
          "[search]") {
  Fixture f;
  std::string entry = f.add("Passport photos at the embassy.", {}, std::string("Passport day"));
  Checklist list = f.lists.create({"Passport renewal 护照", std::string("at the embassy"), {}});
  ItemDraft d;
  d.title = "Old passport";
  d.notes = "embassy copy";
  Item item = f.lists.add_item(list.id, d);
  Attachment scan = f.lists.attach(item.id, f.file("passport-scan.pdf"));

  auto hits = f.find("passport");
  REQUIRE(hits.size() == 4);
  std::set<std::pair<RecordKind, std::string>> got;
  for (const auto& h : hits) got.insert({h.kind, h.id});
  CHECK(got == std::set<std::pair<RecordKind, std::string>>{{RecordKind::entry, entry},
                                                             {RecordKind::checklist, list.id},
                                                             {RecordKind::item, item.id},
                                                             {RecordKind::attachment, scan.id}});
  for (const auto& h : hits) {
    INFO(to_string(h.kind));
    CHECK(h.score > 0);
    CHECK(h.created > 0);
    switch (h.kind) {
      case RecordKind::entry: CHECK(h.title == "Passport day"); CHECK(h.context.empty()); break;
      case RecordKind::checklist: CHECK(h.title == "Passport renewal 护照"); break;
      case RecordKind::item: CHECK(h.title == "Old passport");
                             CHECK(h.context == "Passport renewal 护照:1"); break;
      case RecordKind::attachment: CHECK(h.title == "passport-scan.pdf");
                                   CHECK(h.context == "Passport renewal 护照:1"); break;
    }
  }
  CHECK(std::string(to_string(RecordKind::attachment)) == "attachment");
  CHECK(f.ids("护照") == std::vector<std::string>{list.id});
  CHECK(f.ids("embassy", entries_only()) == std::vector<std::string>{entry});
  CHECK(f.ids("embassy", checklists_only()) == sorted({list.id, item.id}));
}

TEST_CASE("a tag, since or until restrict the search to entries", "[search]") {
  Fixture f;
  Timestamp march = parse_utc("2026-03-01T10:00:00Z");
  Timestamp may = parse_utc("2026-05-01T10:00:00Z");
  std::string old_entry = f.add("passport in March", {"Travel"}, std::nullopt, march);
  std::string new_entry = f.add("passport in May", {}, std::nullopt, may);
  f.lists.create({"passport list", std::nullopt, std::nullopt});

  SearchOptions tagged;
  tagged.tag = "TRAVEL";
  CHECK(f.ids("passport", tagged) == std::vector<std::string>{old_entry});
  SearchOptions since;
  since.since = parse_utc("2026-04-01T00:00:00Z");
  CHECK(f.ids("passport", since) == std::vector<std::string>{new_entry});
  SearchOptions until;
  until.until = parse_utc("2026-04-01T00:00:00Z");
  CHECK(f.ids("passport", until) == std::vector<std::string>{old_entry});
  SearchOptions both;
  both.since = march;
  both.until = may + 1;
  CHECK(f.ids("passport", both) == sorted({old_entry, new_entry}));
  CHECK(f.ids("passport").size() == 3);
}

TEST_CASE("limit gives the best hits only", "[search]") {
  Fixture f;
  for (int i = 0; i < 25; ++i) f.add("quokka number " + std::to_string(i));
  CHECK(f.find("quokka").size() == 20);
  SearchOptions three;
  three.limit = 3;
  CHECK(f.find("quokka", three).size() == 3);
  SearchOptions many;
  many.limit = 100;
  CHECK(f.find("quokka", many).size() == 25);
  SearchOptions none;
  none.limit = 0;
  CHECK(f.find("quokka", none).empty());
  CHECK(f.find("quokka OR none", none).empty());
}

TEST_CASE("several hits of a rare word rank above a single hit", "[search]") {
  Fixture f;
  std::string many = f.add("axolotl, axolotl and another axolotl; axolotl food");
  for (int i = 0; i < 4; ++i) f.add("filler " + std::to_string(i));
  std::string once = f.add("an axolotl once");
  auto hits = f.find("axolotl");
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].id == many);
  CHECK(hits[1].id == once);
  CHECK(hits[0].score > hits[1].score);
}

TEST_CASE("a one-word score is BM25 over every record holding the word, whatever is shown",
          "[search]") {
  // src/store/rank.cpp: idf * h * 2.2 / (h + 1.2), idf = ln(1 + (N - n + 0.5) / (n + 0.5)),
  // N the records indexed, n those holding the word: also a record of another
  // kind and one left out by an exclusion.
  Fixture f;
  std::string four = f.add("axolotl axolotl axolotl axolotl");
  std::string one = f.add("one axolotl");
  f.add("an axolotl and a zebra");
  for (int i = 0; i < 3; ++i) f.add("filler " + std::to_string(i));
  f.lists.create({"axolotl list", std::nullopt, std::nullopt});
  SearchOptions entries_only;
  entries_only.checklists = false;
  auto hits = f.find("axolotl -zebra", entries_only);
  REQUIRE(hits.size() == 2);
  double idf = std::log(1.0 + (7 - 4 + 0.5) / (4 + 0.5));
  auto bm25 = [&](double h) { return idf * h * 2.2 / (h + 1.2); };
  CHECK(hits[0].id == four);
  CHECK(hits[0].score == Approx(bm25(4)).epsilon(1e-12));
  CHECK(hits[1].id == one);
  CHECK(hits[1].score == Approx(bm25(1)).epsilon(1e-12));
}

TEST_CASE("a one-word search read from its postings gives the hits and scores of the full reading",
          "[search]") {
  // A one-word search walks the word's postings, most hits first, and stops
  // when the limit is filled; records whose postings are not written yet
  // (FORMAT.md: up to 64 pending) are matched from their terms. Against two
  // other readings of the same records: the same query at a limit that
  // takes every record holding the word, and "w OR w", which reads every
  // posting of both phrases. For words held once or many times, in few
  // records or most, with the kinds and an exclusion narrowing them, with
  // and without scores, and after records change and go.
  Fixture f;
  Lcg next{12345};
  const std::vector<std::string> words = {"home", "visa", "bank", "quokka", "签证", "上", "day"};
  auto text = [&] {
    std::string t;
    for (const auto& w : words) {
      // "home" in most records, often many times; "quokka" rarely and once.
      std::uint32_t most = w == "home" ? 9 : w == "quokka" ? 1 : w == "day" ? 2 : 4;
      if (w == "quokka" && next(10) != 0) continue;
      for (std::uint32_t k = next(most + 1); k > 0; --k) t += w + (w.size() > 3 ? " " : "，");
    }
    return t + "filler";
  };
  std::vector<std::string> ids;
  for (int i = 0; i < 150; ++i) ids.push_back(f.add(text()));
  for (int i = 0; i < 6; ++i) {
    Checklist list = f.lists.create({"list " + std::to_string(i), text(), std::nullopt});
    ItemDraft d;
    d.title = "item " + std::to_string(i);
    d.notes = text();
    f.lists.add_item(list.id, d);
  }
  auto id_list = [](const std::vector<SearchHit>& hits, std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < std::min(n, hits.size()); ++i) out.push_back(hits[i].id);
    return out;
  };
  auto check_all = [&] {
    for (const auto& w : words) {
      for (int kinds = 0; kinds < 3; ++kinds) {
        for (const std::string& exclude : {std::string(), std::string(" -bank")}) {
          SearchOptions all = kinds == 1 ? entries_only() : kinds == 2 ? checklists_only() : SearchOptions{};
          all.limit = 1000;
          auto full = f.find(w + exclude, all);
          INFO(w << exclude << " kinds " << kinds);
          CHECK(id_list(f.find(w + " OR " + w + exclude, all), 1000) == id_list(full, 1000));
          for (std::size_t limit : {1, 3, 20}) {
            INFO("limit " << limit);
            SearchOptions with = all;
            with.limit = limit;
            auto scored = f.find(w + exclude, with);
            CHECK(id_list(scored, limit) == id_list(full, limit));
            for (std::size_t i = 0; i < scored.size() && i < full.size(); ++i) {
              CHECK(scored[i].score == Approx(full[i].score).epsilon(1e-12));
            }
            SearchOptions without = with;
            without.scores = false;
            auto plain = f.find(w + exclude, without);
            CHECK(id_list(plain, limit) == id_list(full, limit));
            for (const auto& h : plain) CHECK(h.score == 0);
          }
        }
      }
    }
  };
  check_all();
  for (int i = 0; i < 150; i += 7) f.journal.update(ids[i], draft(text(), {}, std::nullopt));
  for (int i = 3; i < 150; i += 11) f.journal.remove(ids[i]);
  check_all();
}

TEST_CASE("a query cannot name a count term", "[search]") {
  Fixture f;
  std::string twice = f.add("visa visa");
  std::string both = f.add("visa z7");
  // The middle dot is not part of a word: the query is the words visa and z7.
  CHECK(f.ids("\u00B7visa\u00B7z7") == std::vector<std::string>{both});
  CHECK(f.ids("visa*").size() == 2);
  (void)twice;
}

TEST_CASE("the snippet holds the first hit at match_start, match_length bytes long",
          "[search]") {
  Fixture f;
  f.add("前面的文字，然后是签证，再后面还有很多很多的文字。\nsecond line with the VISA word");
  auto hits = f.find("签证");
  REQUIRE(hits.size() == 1);
  const SearchHit& h = hits[0];
  CHECK(h.snippet.find('\n') == std::string::npos);
  REQUIRE(h.match_start + h.match_length <= h.snippet.size());
  CHECK(h.snippet.substr(h.match_start, h.match_length) == "签证");

  auto visa = f.find("visa");
  REQUIRE(visa.size() == 1);
  CHECK(visa[0].snippet.substr(visa[0].match_start, visa[0].match_length) == "VISA");
}

TEST_CASE("the snippet marks the earliest hit, the longest of those starting there, far in", "[search]") {
  // The text is folded only as far as the first hit needs: far enough for a
  // longer query phrase that starts at the same place to be seen whole.
  Fixture f;
  std::string filler;
  for (int i = 0; i < 400; ++i) filler += "Ｆｕｌｌ-width filler 文字 " + std::to_string(i) + ". ";
  f.add(filler + "Notes: interview questions for Monday, then the interview.");
  auto hits = f.find("\"interview questions\" interview");
  REQUIRE(hits.size() == 1);
  const SearchHit& h = hits[0];
  REQUIRE(h.match_start + h.match_length <= h.snippet.size());
  CHECK(h.snippet.substr(h.match_start, h.match_length) == "interview questions");
  CHECK(h.snippet.find("Notes: ") != std::string::npos);
  auto later = f.find("Monday");
  REQUIRE(later.size() == 1);
  CHECK(later[0].snippet.substr(later[0].match_start, later[0].match_length) == "Monday");
}

TEST_CASE("the snippet locates a hit in full-width and in decomposed text", "[search]") {
  Fixture f;
  f.add("The ＶＩＳＡ came.");
  f.add("We ate cre\xcc\x80me bru\xcc\x82le\xcc\x81""e.");  // NFD crème brûlée
  auto wide = f.find("visa");
  REQUIRE(wide.size() == 1);
  CHECK(wide[0].snippet.substr(wide[0].match_start, wide[0].match_length) == "ＶＩＳＡ");
  auto nfd = f.find("brûlée");
  REQUIRE(nfd.size() == 1);
  CHECK(nfd[0].match_length > 0);
}

TEST_CASE("the snippet marks the whole hit next to CR LF, accents, emoji and Han", "[search]") {
  // The snippet folds ASCII and Han without asking utf8proc where characters
  // break; these are the neighbours where that shortcut must not apply.
  Fixture f;
  f.add("line one\r\nCafe\xcc\x81 at noon");                 // e + combining acute
  f.add("签\xcc\x81证 and then 护照 at the office");             // a mark after a Han character
  f.add("we met\xe2\x80\x8d\xf0\x9f\x91\x8b at the border");  // ZWJ + emoji after ASCII
  auto cafe = f.find("café");
  REQUIRE(cafe.size() == 1);
  CHECK(cafe[0].snippet.substr(cafe[0].match_start, cafe[0].match_length) == "Cafe\xcc\x81");
  CHECK(cafe[0].snippet.find('\r') == std::string::npos);
  auto passport = f.find("护照");
  REQUIRE(passport.size() == 1);
  CHECK(passport[0].snippet.substr(passport[0].match_start, passport[0].match_length) == "护照");
  auto border = f.find("border");
  REQUIRE(border.size() == 1);
  CHECK(border[0].snippet.substr(border[0].match_start, border[0].match_length) == "border");
}

// --- the index follows the records ---------------------------------------------------------

TEST_CASE("an updated entry is found by its new words only; a removed one not at all",
          "[search]") {
  Fixture f;
  std::string id = f.add("old words 旧护照", {"first"}, std::string("Old title"));
  f.journal.update(id, draft("new words 新签证", {"second"}, std::string("New title")));
  CHECK(f.ids("old").empty());
  CHECK(f.ids("旧护照").empty());
  CHECK(f.ids("first").empty());
  CHECK(f.ids("新签证") == std::vector<std::string>{id});
  CHECK(f.ids("second") == std::vector<std::string>{id});
  CHECK(f.ids("title new") == std::vector<std::string>{id});
  f.journal.remove(id);
  CHECK(f.ids("words").empty());
}

TEST_CASE("checklist and item changes are found; removals take their children along",
          "[search]") {
  Fixture f;
  Checklist list = f.lists.create({"Visa 签证", std::string("papers"), std::nullopt});
  ItemDraft d;
  d.title = "Photos";
  d.notes = "biometric";
  Item item = f.lists.add_item(list.id, d);
  Attachment scan = f.lists.attach(item.id, f.file("照片 scan.jpg"));
  CHECK(f.ids("照片") == std::vector<std::string>{scan.id});

  f.lists.rename(list.id, "Residence 居留");
  CHECK(f.ids("签证").empty());
  CHECK(f.ids("居留") == std::vector<std::string>{list.id});

  ItemChange change;
  change.notes = std::optional<std::string>("fingerprints");
  f.lists.change_item(item.id, change);
  CHECK(f.ids("biometric").empty());
  CHECK(f.ids("fingerprints") == std::vector<std::string>{item.id});

  f.lists.remove_attachment(scan.id);
  CHECK(f.ids("照片").empty());
  f.lists.attach(item.id, f.file("second scan.pdf"));
  f.lists.remove(list.id);
  CHECK(f.ids("scan").empty());
  CHECK(f.ids("fingerprints").empty());
  CHECK(f.ids("photos").empty());
  CHECK(f.ids("residence").empty());
}

TEST_CASE("rebuild tells its progress from 0 to every record, at most about 1000 times", "[search]") {
  Fixture f;
  for (int i = 0; i < 2500; ++i) f.add("quokka " + std::to_string(i));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  std::size_t n = f.search.rebuild([&calls](std::uint64_t done, std::uint64_t total) {
    calls.emplace_back(done, total);
  });
  CHECK(n == 2500);
  REQUIRE(calls.size() >= 2);
  CHECK(calls.size() <= 1001);
  CHECK(calls.front() == std::pair<std::uint64_t, std::uint64_t>{0, 2500});
  CHECK(calls.back() == std::pair<std::uint64_t, std::uint64_t>{2500, 2500});
  for (std::size_t i = 1; i < calls.size(); ++i) {
    CHECK(calls[i].first > calls[i - 1].first);
    CHECK(calls[i].second == 2500);
  }
  CHECK(f.ids("quokka").size() == 20);  // the default limit: the index is whole
}

TEST_CASE("rebuild of an empty vault tells 0 of 0 once", "[search]") {
  Fixture f;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  CHECK(f.search.rebuild([&calls](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); }) ==
        0);
  REQUIRE(calls.size() == 1);
  CHECK(calls.back() == std::pair<std::uint64_t, std::uint64_t>{0, 0});
}

TEST_CASE("rebuild indexes every record and keeps the results", "[search]") {
  Fixture f;
  f.add(kChinese, {"签证"}, std::string("留学"));
  f.add("The bank statement for the visa.");
  Checklist list = f.lists.create({"Passport", std::string("renewal"), std::nullopt}, "study-abroad");
  Item item = f.lists.items(list.id).front();
  f.lists.attach(item.id, f.file("scan.pdf"));
  auto before = f.ids("签证 OR visa OR passport OR scan");
  std::size_t items = f.lists.items(list.id).size();
  CHECK(f.search.rebuild() == 2 + 1 + items + 1);
  CHECK(f.ids("签证 OR visa OR passport OR scan") == before);
  CHECK(f.ids("申请留学").size() == 1);
}

namespace {

// The terms of a text, one by one.
std::vector<std::string> term_list(const std::string& text) {
  std::vector<std::string> out;
  std::string all = search_terms(text);
  std::size_t i = 0;
  while (i < all.size()) {
    std::size_t end = all.find(' ', i);
    if (end == std::string::npos) end = all.size();
    out.push_back(all.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// How many times a phrase (its text, and whether its last term is a
// prefix) stands in a record's terms: the query semantics of docs/CLI.md,
// computed here from the text alone.
double times_in(const std::vector<std::string>& record, const std::string& phrase, bool prefix) {
  std::vector<std::string> p = term_list(phrase);
  double n = 0;
  for (std::size_t i = 0; i + p.size() <= record.size(); ++i) {
    bool all = true;
    for (std::size_t j = 0; j < p.size() && all; ++j) {
      const std::string& t = record[i + j];
      all = (prefix && j + 1 == p.size()) ? t.compare(0, p[j].size(), p[j]) == 0 : t == p[j];
    }
    if (all) ++n;
  }
  return n;
}

std::vector<std::string> sorted_keys(const std::map<std::string, double>& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

struct OraclePhrase {
  std::string text;
  bool prefix = false;
};

struct OracleQuery {
  std::string query;
  std::vector<std::vector<OraclePhrase>> groups;  // AND of ORs
  std::vector<OraclePhrase> excluded;
};

}  // namespace

TEST_CASE("every query form finds the records and scores that the records' own terms give, pending or written",
          "[search]") {
  // An oracle for Search::find: the matches and BM25 scores of each query,
  // worked out from the live records' texts alone. 300 entries, then changes
  // and removals, so that some records' postings are written (64 at a time)
  // and some are pending (FORMAT.md, "Schema version 5"), checked before and
  // after the changes.
  Fixture f;
  Lcg next{2024};
  const std::vector<std::string> words = {"visa", "bank", "home", "okapi", "day", "banking",
                                          "签证", "上海", "学", "申请"};
  auto text = [&] {
    std::string t;
    for (std::uint32_t k = 3 + next(25); k > 0; --k) {
      std::string w = words[next(static_cast<std::uint32_t>(words.size()))];
      if (w == "okapi" && next(4) != 0) w = "day";
      t += w + (next(3) == 0 ? "，" : " ");
    }
    return t;
  };
  std::map<std::string, std::string> live;  // id -> body
  std::vector<std::string> order;
  for (int i = 0; i < 300; ++i) {
    std::string body = text();
    std::string id = f.add(body);
    live[id] = body;
    order.push_back(id);
  }
  const std::vector<OracleQuery> queries = {
      {"visa", {{{"visa"}}}, {}},
      {"okapi", {{{"okapi"}}}, {}},
      {"签证", {{{"签证"}}}, {}},
      {"学", {{{"学"}}}, {}},
      {"bank*", {{{"bank", true}}}, {}},
      {"签*", {{{"签", true}}}, {}},
      {"visa bank", {{{"visa"}}, {{"bank"}}}, {}},
      {"\"visa bank\"", {{{"visa bank"}}}, {}},
      {"\"上海 签证\"", {{{"上海 签证"}}}, {}},
      {"上海签证", {{{"上海签证"}}}, {}},
      {"\"home ban\"*", {{{"home ban", true}}}, {}},
      {"visa OR okapi", {{{"visa"}, {"okapi"}}}, {}},
      {"visa OR okapi home", {{{"visa"}, {"okapi"}}, {{"home"}}}, {}},
      {"home -bank", {{{"home"}}}, {{"bank"}}},
      {"\"home day\" -okapi -\"visa visa\"", {{{"home day"}}}, {{"okapi"}, {"visa visa"}}},
      {"day -ban*", {{{"day"}}}, {{"ban", true}}},
  };
  auto check_all = [&] {
    std::map<std::string, std::vector<std::string>> terms;
    for (const auto& [id, body] : live) terms[id] = term_list(body);
    const double rows = static_cast<double>(live.size());
    for (const OracleQuery& q : queries) {
      INFO(q.query);
      std::vector<const OraclePhrase*> phrases;
      for (const auto& g : q.groups) for (const auto& p : g) phrases.push_back(&p);
      std::vector<double> docs;
      for (const OraclePhrase* p : phrases) {
        double n = 0;
        for (const auto& [id, t] : terms) n += times_in(t, p->text, p->prefix) > 0 ? 1 : 0;
        docs.push_back(n);
      }
      std::map<std::string, double> expected;
      for (const auto& [id, t] : terms) {
        bool out = false;
        for (const OraclePhrase& x : q.excluded) out = out || times_in(t, x.text, x.prefix) > 0;
        bool every = !out;
        for (const auto& g : q.groups) {
          bool any = false;
          for (const OraclePhrase& p : g) any = any || times_in(t, p.text, p.prefix) > 0;
          every = every && any;
        }
        if (!every) continue;
        double score = 0;
        for (std::size_t i = 0; i < phrases.size(); ++i) {
          score += phrase_score(times_in(t, phrases[i]->text, phrases[i]->prefix), docs[i], rows);
        }
        expected[id] = score;
      }
      SearchOptions all;
      all.limit = 1000;
      auto hits = f.find(q.query, all);
      std::map<std::string, double> found;
      for (const auto& h : hits) found[h.id] = h.score;
      REQUIRE(sorted_keys(found) == sorted_keys(expected));
      for (const auto& [id, score] : expected) CHECK(found[id] == Approx(score).epsilon(1e-12));
      for (std::size_t i = 1; i < hits.size(); ++i) CHECK(hits[i - 1].score >= hits[i].score);
    }
  };
  check_all();
  for (int i = 0; i < 300; i += 9) {
    std::string body = text();
    f.journal.update(order[static_cast<std::size_t>(i)], draft(body, {}, std::nullopt));
    live[order[static_cast<std::size_t>(i)]] = body;
  }
  for (int i = 4; i < 300; i += 13) {
    f.journal.remove(order[static_cast<std::size_t>(i)]);
    live.erase(order[static_cast<std::size_t>(i)]);
  }
  check_all();
  f.search.rebuild();
  check_all();
}
