#include <catch2/catch.hpp>

#include <string>

#include "folio/error.h"
#include "folio/foreign.h"

using namespace folio;

TEST_CASE("jrnl text: headers, tags, stars, bodies", "[foreign]") {
  auto es = parse_jrnl_text("[2024-03-01 09:30] 早上好 @日记\n今天。\n\n2024-03-02 18:05 Walk *\nwith @Family.\n");
  REQUIRE(es.size() == 2);
  CHECK(*es[0].title == "早上好 @日记");
  CHECK(es[0].body == "今天。");
  CHECK(es[0].tags == std::vector<std::string>{"日记"});
  CHECK(*es[1].title == "Walk");
  CHECK(es[1].tags == std::vector<std::string>{"family", "starred"});
  CHECK(es[1].created.has_value());
  CHECK_THROWS_AS(parse_jrnl_text("not a journal\n"), Error);
  CHECK_THROWS_AS(parse_jrnl_text(std::string("[2024-03-01 09:30] a\nb\0c\n", 26)), Error);
  CHECK_THROWS_AS(parse_jrnl_text("[2024-03-01 09:30] \xff\n"), Error);
}

TEST_CASE("jrnl json: entries and malformed input", "[foreign]") {
  auto es = parse_jrnl_json(R"({"entries":[{"title":"T","body":"B","date":"2024-04-01","time":"10:00","tags":["@work"],"starred":true}]})");
  REQUIRE(es.size() == 1);
  CHECK(es[0].tags == std::vector<std::string>{"starred", "work"});
  CHECK_THROWS_AS(parse_jrnl_json("{"), Error);
  CHECK_THROWS_AS(parse_jrnl_json(R"({"entries":[{"title":"T","date":"x"}]})"), Error);
  CHECK_THROWS_AS(parse_jrnl_json(R"([1,2])"), Error);
}

TEST_CASE("markdown: front matter, heading, file name date", "[foreign]") {
  auto d = parse_markdown_entry("---\ntitle: \"Hi\"\ndate: 2024-05-02\ntags:\n  - a\n  - B\n---\nbody\n", "x.md", 5);
  CHECK(*d.title == "Hi");
  CHECK(d.body == "body");
  CHECK(d.tags == std::vector<std::string>{"a", "b"});
  CHECK(*d.created != 5);
  auto h = parse_markdown_entry("# 五月\n\n第一天。\n", "2024-05-01-day.md", 5);
  CHECK(*h.title == "五月");
  CHECK(h.body == "第一天。");
  CHECK(*h.created != 5);
  auto m = parse_markdown_entry("plain\n", "note.md", 5);
  CHECK(*m.created == 5);
  CHECK_FALSE(m.title.has_value());
  CHECK_THROWS_AS(parse_foreign_format("csv"), Error);
}
