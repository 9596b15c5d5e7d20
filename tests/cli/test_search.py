#!/usr/bin/python3
"""Search (docs/CLI.md, "Search"): Chinese found by any substring, English
words without stemming, phrases, prefixes, exclusions, OR; case and width
folded; query syntax that can never reach SQL or FTS; results that follow
every change to entries, checklists, items and attachments; kinds and
filters; --json; ranking; highlighted snippets; reindex, check, and a vault
upgraded from schema version 2."""

import json
import os
import sys
import unicodedata
from typing import List, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from folio_test import (ENTRY_ID, PASSPHRASE, UTC_TIME, FolioTestCase, flip_byte,  # noqa: E402
                        main, need_sqlcipher, run_sql)

CHINESE = "我们在上海封控期间决定申请留学签证"
JSON_FIELDS = {"kind", "id", "title", "context", "created", "snippet", "match_start",
               "match_length", "score"}
KINDS = {"entry", "checklist", "item", "attachment"}
INTERNAL_ERROR = 70


class SearchTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def hits(self, *query: str, options: Sequence[str] = (), **kw) -> List[dict]:
        """`folio search --json OPTIONS -- QUERY...`: the parsed hits."""
        r = self.folio("search", "--json", *options, "--", *query, **kw)
        self.assertOk(r, f"search {query!r}")
        try:
            found = json.loads(r.out)
        except ValueError as e:
            self.fail(f"search --json is not JSON ({e})" + r.describe())
        self.assertIsInstance(found, list, r.describe())
        return found

    def found(self, *query: str, options: Sequence[str] = ()) -> List[str]:
        """The ids search finds, best first."""
        return [h["id"] for h in self.hits(*query, options=options)]

    def found_plain(self, *query: str, options: Sequence[str] = ()) -> List[str]:
        """The ids of search's text output, best first (without --json, which
        prints no scores, folio does not count the records holding a word)."""
        r = self.folio("search", *options, "--", *query, env={**self.env(), "NO_COLOR": "1"})
        self.assertOk(r, f"search {query!r}")
        return [line.split()[0] for line in r.out.splitlines() if line and not line[0].isspace()]

    def assertFinds(self, query: Sequence[str], expected: Sequence[str], options=()):
        """Exactly `expected` (in any order) for `query`."""
        self.assertEqual(sorted(self.found(*query, options=options)), sorted(expected),
                         f"search {list(query)} {list(options)}")

    def checklist(self, name: str, *options) -> str:
        return self.new_id("checklist", "new", name, *options)

    def item(self, checklist: str, title: str, *options) -> str:
        return self.new_id("item", "add", checklist, title, *options)

    def attach(self, item: str, name: str, content: bytes = b"scan\n") -> str:
        folder = self.tmp / f"docs-{len(list(self.tmp.glob('docs-*')))}"
        folder.mkdir()
        path = folder / name
        path.write_bytes(content)
        return self.new_id("attach", item, path)


# --- Chinese -------------------------------------------------------------------

class ChineseTest(SearchTestCase):
    """"签证, 签, 申请留学: any substring of one or more characters matches,
    also in mixed queries (签证 interview)"."""

    def setUp(self):
        super().setUp()
        self.study = self.add(CHINESE + "。\nThe visa interview is next week.\n", "--title", "留学")
        self.shanghai = self.add("上海的天气很好，我们去外滩散步。\n")
        self.english = self.add("Interview tips for the embassy.\n")

    def test_a_two_character_word_finds_the_entry(self):
        self.assertEqual(self.found("签证"), [self.study])

    def test_a_place_name_finds_every_entry_holding_it(self):
        self.assertFinds(["上海"], [self.study, self.shanghai])

    def test_a_single_character_finds_the_entry(self):
        self.assertEqual(self.found("签"), [self.study])
        self.assertFinds(["们"], [self.study, self.shanghai])

    def test_a_quoted_phrase_finds_the_entry(self):
        self.assertEqual(self.found('"申请留学"'), [self.study])

    def test_an_unquoted_run_is_a_phrase_too(self):
        self.assertEqual(self.found("申请留学"), [self.study])
        self.assertEqual(self.found("决定申请留学签证"), [self.study])

    def test_any_substring_of_the_run_finds_it(self):
        for start in range(len(CHINESE)):
            for end in range(start + 1, min(start + 5, len(CHINESE)) + 1):
                with self.subTest(part=CHINESE[start:end]):
                    self.assertIn(self.study, self.found(CHINESE[start:end]))

    def test_characters_present_but_not_in_that_order_do_not_match(self):
        self.assertEqual(self.found("证签"), [])
        self.assertEqual(self.found("留申请"), [])
        self.assertEqual(self.found('"海上"'), [])

    def test_a_mixed_query_needs_both_the_chinese_and_the_english_word(self):
        self.assertEqual(self.found("签证", "interview"), [self.study])
        self.assertEqual(self.found("签证 interview"), [self.study])
        self.assertEqual(self.found("上海", "interview"), [self.study])
        self.assertEqual(self.found("签证", "embassy"), [])

    def test_a_chinese_word_can_be_excluded(self):
        """`-签证` leaves out the entries holding 签证 (a word of several
        characters is a phrase of their terms: the phrase is excluded)."""
        self.assertEqual(self.found("-签证", "上海"), [self.shanghai])
        self.assertEqual(self.found("上海", "-签证"), [self.shanghai])
        self.assertEqual(self.found("-封控期间", "上海"), [self.shanghai])
        self.assertEqual(self.found("-外滩", "上海"), [self.study])

    def test_a_single_excluded_character(self):
        self.assertEqual(self.found("-签", "上海"), [self.shanghai])

    def test_the_title_is_searched(self):
        self.assertEqual(self.found("留学", options=["--entries"]), [self.study])

    def test_the_snippet_highlights_the_chinese_hit(self):
        r = self.folio("search", "签证")
        self.assertOk(r)
        self.assertIn("[签证]", r.out, r.describe())
        self.assertIn(self.study, r.out)


# --- English ---------------------------------------------------------------------

class EnglishTest(SearchTestCase):
    """Words (AND), "phrases", OR, -exclusion, prefix*; no stemming; case and
    width do not matter."""

    def setUp(self):
        super().setUp()
        self.embassy = self.add("Picked up the visa at the embassy.\n")
        self.visas = self.add("Two visas arrived in the mail.\n")
        self.bank = self.add("The bank statement for the visa application.\n")
        self.holiday = self.add("Bank holiday, nothing else.\n")

    def test_a_word_finds_only_that_word_no_stemming(self):
        self.assertFinds(["visa"], [self.embassy, self.bank])
        self.assertFinds(["visas"], [self.visas])

    def test_a_prefix_finds_longer_words(self):
        self.assertFinds(["visa*"], [self.embassy, self.visas, self.bank])
        self.assertFinds(["vis*"], [self.embassy, self.visas, self.bank])
        self.assertFinds(["statem*"], [self.bank])

    def test_every_word_must_match(self):
        self.assertFinds(["visa", "embassy"], [self.embassy])
        self.assertFinds(["visa embassy"], [self.embassy])
        self.assertFinds(["visa", "holiday"], [])

    def test_a_phrase_must_stand_in_that_order(self):
        self.assertFinds(['"bank statement"'], [self.bank])
        self.assertFinds(['"statement bank"'], [])
        self.assertFinds(['"the visa"'], [self.embassy, self.bank])

    def test_or_finds_either(self):
        self.assertFinds(["visa", "OR", "holiday"], [self.embassy, self.bank, self.holiday])
        self.assertFinds(["mail OR holiday"], [self.visas, self.holiday])

    def test_or_binds_tighter_than_and(self):
        # "a b OR c is a AND (b OR c)"
        self.assertFinds(["bank", "statement", "OR", "holiday"], [self.bank, self.holiday])
        self.assertFinds(["visa", "embassy", "OR", "application"], [self.embassy, self.bank])

    def test_exclusion_after_a_double_dash(self):
        """`folio search -- -bank visa`"""
        r = self.folio("search", "--json", "--", "-bank", "visa")
        self.assertOk(r)
        self.assertEqual([h["id"] for h in json.loads(r.out)], [self.embassy])

    def test_exclusion_after_a_word(self):
        """CLI.md: an exclusion needs `--` before the query, since a word
        starting with - reads as an option: `folio search -- visa -bank`."""
        r = self.folio("search", "--json", "--", "visa", "-bank")
        self.assertOk(r, "search -- visa -bank")
        self.assertEqual([h["id"] for h in json.loads(r.out)], [self.embassy])

    def test_an_excluded_phrase(self):
        self.assertFinds(['-"bank statement"', "visa"], [self.embassy])
        self.assertFinds(["bank", "-holiday"], [self.bank])

    def test_a_word_with_inner_punctuation_can_be_excluded(self):
        mail = self.add("The visa came by e-mail.\n")
        self.assertFinds(["e-mail"], [mail])
        self.assertFinds(["-e-mail", "visa"], [self.embassy, self.bank])

    def test_case_does_not_matter(self):
        self.assertFinds(["VISA"], [self.embassy, self.bank])
        self.assertFinds(["Bank", "Statement"], [self.bank])

    def test_full_width_letters_find_ascii_words(self):
        self.assertFinds(["Ｖｉｓａ"], [self.embassy, self.bank])
        self.assertFinds(["ＶＩＳＡ*"], [self.embassy, self.visas, self.bank])

    def test_full_width_text_is_found_by_ascii_words(self):
        wide = self.add("ＰＡＳＳＰＯＲＴ ｐｈｏｔｏｓ　１２３\n")
        self.assertFinds(["passport", "photos", "123"], [wide])

    def test_accents_fold_case_but_stay_letters(self):
        cafe = self.add("Crème brûlée at the Café in der Straße.\n")
        for query in ("café", "CAFÉ", unicodedata.normalize("NFD", "café"), "strasse",
                      "STRASSE", "Straße", "brûlée"):
            with self.subTest(query=query):
                self.assertFinds([query], [cafe])
        self.assertFinds(["cafe"], [], )

    def test_text_stored_decomposed_is_found_by_a_composed_query(self):
        nfd = self.add(unicodedata.normalize("NFD", "Crème brûlée, naïve résumé\n"))
        self.assertFinds(["brûlée"], [nfd])
        self.assertFinds(["résumé"], [nfd])

    def test_tags_are_searched_with_or_without_the_hash(self):
        tagged = self.add("Nothing about it in the body.\n", "-t", "Paperwork")
        self.assertFinds(["paperwork"], [tagged])
        self.assertFinds(["#paperwork"], [tagged])


# --- harmless query syntax -------------------------------------------------------

HOSTILE_QUERIES = [
    "'; DROP TABLE entries; --",
    "' OR 1=1 --",
    "\"; DELETE FROM search; --",
    "x'00' || 'a'",
    "NEAR", "visa NEAR bank", "visa NEAR/2 bank", "NEAR/2",
    "visa AND bank", "visa NOT bank", "AND", "NOT",
    '"', '"visa', 'visa"', '""', 'vi"sa', '" OR "',
    "*", "*visa", "visa**", "**",
    "OR OR", "OR", "visa OR", "OR visa", "visa OR OR bank", "visa OR -bank",
    "a:b", "terms:visa", "search:visa", "docid:1", "rowid",
    "^", "^visa", "(", ")", "(visa)", ")) OR ((", "visa)", "(visa OR bank",
    "\x01\x02\x07", "\x1b[31mvisa\x1b[0m", "visa\x7f", "\t\n\r", "visa\tbank\nembassy",
    "%", "_", "\\", "'", "`", "-", "- visa", "--", "-visa", "-\"visa\"", "-*",
    "visa -", "visa -*", "matchinfo(search)", "snippet(search)",
    "v" * 5000, " ".join(["visa"] * 300),
]


class QuerySyntaxIsHarmlessTest(SearchTestCase):
    """"Punctuation separates words, so SQL or FTS syntax in a query is just
    more words." Every query either gives results or a clear error with exit
    2; none is an internal error, and none changes the vault."""

    def setUp(self):
        super().setUp()
        self.embassy = self.add("Picked up the visa at the embassy.\n", "--title", "Visa")
        self.bank = self.add("The bank statement for the visa application.\n")
        self.chinese = self.add(CHINESE + "\n")

    def assertHarmless(self, r, query):
        self.assertNotEqual(r.rc, INTERNAL_ERROR, f"query {query!r}" + r.describe())
        # "-" alone reads the query from standard input (docs/CLI.md, "Text
        # from standard input or a prompt"), here /dev/null: cancelled.
        self.assertIn(r.rc, (10,) if query == "-" else (0, 2), f"query {query!r}" + r.describe())
        if r.rc in (2, 10):
            self.assertFails(r, r.rc)
        else:
            self.assertOk(r)
            hits = json.loads(r.out)
            self.assertLessEqual({h["id"] for h in hits}, {self.embassy, self.bank, self.chinese})

    def test_hostile_queries_give_results_or_exit_2_and_change_nothing(self):
        before = self.snapshot()
        for query in HOSTILE_QUERIES:
            with self.subTest(query=query):
                self.assertHarmless(self.folio("search", "--json", "--", query), query)
        self.assertUnchanged(before, context=" after the hostile queries")
        self.assertEqual(sorted(self.ids()), sorted([self.embassy, self.bank, self.chinese]))
        self.assertFinds(["visa"], [self.embassy, self.bank])
        self.assertFinds(["签证"], [self.chinese])
        self.assertOk(self.folio("check"))

    def test_sql_in_a_query_is_just_words(self):
        drop = self.add("Never DROP the TABLE of entries on the floor.\n")
        self.assertFinds(["'; DROP TABLE entries; --"], [drop])
        self.assertFinds(["drop table"], [drop])
        self.assertEqual(len(self.list_json()), 4)

    def test_fts_operators_in_lower_or_upper_case_are_just_words(self):
        near = self.add("The visa office is NEAR the bank, and NOT far.\n")
        self.assertFinds(["visa NEAR bank"], [near])
        self.assertFinds(["visa", "not"], [near])
        self.assertFinds(["visa", "AND", "bank"], [near])
        self.assertFinds(["near*"], [near])

    def test_query_words_split_at_punctuation(self):
        self.assertFinds(["visa:embassy"], [])  # a phrase: "visa embassy" is not in order
        self.assertFinds(["the:visa"], [self.embassy, self.bank])
        self.assertFinds(["(visa)"], [self.embassy, self.bank])

    def test_documented_errors_exit_2_with_one_error_line(self):
        for query in (['"visa'], ["OR", "visa"], ["visa", "OR"], ["-visa"], ["-visa", "-bank"],
                      ["OR OR"], [""], ["*"], ["!?"]):
            with self.subTest(query=query):
                before = self.snapshot()
                r = self.folio("search", "--", *query)
                self.assertFails(r, 2)
                self.assertUnchanged(before)

    def test_an_or_without_a_word_on_each_side_is_an_error(self):
        """CLI.md: "an OR without a word on each side ... is an error (exit 2)"."""
        for query in (["visa", "OR", "OR", "bank"], ["visa", "OR", "-bank"]):
            with self.subTest(query=query):
                self.assertFails(self.folio("search", "--", *query), 2)

    def test_a_query_that_is_not_utf8_exits_2(self):
        r = self.folio("search", b"visa\xff\xfe")
        self.assertFails(r, 2)

    def test_no_query_exits_2(self):
        self.assertFails(self.folio("search"), 2, strict=False)


# --- results follow changes ----------------------------------------------------

class ResultsFollowChangesTest(SearchTestCase):
    """The index is written in the same transaction as the record."""

    def test_an_edited_body_is_found_by_its_new_words_only(self):
        entry = self.add("The old wording about 旧护照.\n")
        self.assertOk(self.folio("edit", entry, "--stdin", input="Brand new phrasing 新签证.\n"))
        self.assertFinds(["wording"], [])
        self.assertFinds(["旧护照"], [])
        self.assertFinds(["phrasing"], [entry])
        self.assertFinds(["新签证"], [entry])
        self.assertFinds(["护照"], [])

    def test_an_edited_title_and_tags_are_found(self):
        entry = self.add("body text\n", "--title", "Original heading", "-t", "oldtag")
        self.assertOk(self.folio("edit", entry, "--title", "Renamed 标题", "--add-tag", "Newtag",
                                 "--rm-tag", "oldtag"))
        self.assertFinds(["original"], [])
        self.assertFinds(["oldtag"], [])
        self.assertFinds(["renamed"], [entry])
        self.assertFinds(["标题"], [entry])
        self.assertFinds(["newtag"], [entry])
        self.assertOk(self.folio("edit", entry, "--title", ""))
        self.assertFinds(["renamed"], [])

    def test_a_removed_entry_is_not_found(self):
        gone = self.add("Ephemeral zeppelin 飞艇\n")
        kept = self.add("A zeppelin that stays\n")
        self.assertOk(self.folio("rm", "--yes", gone))
        self.assertFinds(["zeppelin"], [kept])
        self.assertFinds(["飞艇"], [])

    def test_a_renamed_checklist_is_found_by_its_new_name_only(self):
        checklist = self.checklist("Visa 签证 papers", "--description", "for the consulate")
        self.assertOk(self.folio("checklist", "rename", checklist, "Residence 居留 permit"))
        self.assertFinds(["签证"], [])
        self.assertFinds(["papers"], [])
        self.assertFinds(["居留"], [checklist])
        self.assertFinds(["residence"], [checklist])
        self.assertFinds(["consulate"], [checklist])

    def test_item_title_and_notes_changes_are_found(self):
        checklist = self.checklist("Move")
        item = self.item(checklist, "Passport photos", "--notes", "biometric 照片")
        self.assertFinds(["biometric"], [item])
        self.assertOk(self.folio("item", "set", item, "--notes", "fingerprints 指纹"))
        self.assertFinds(["biometric"], [])
        self.assertFinds(["照片"], [])
        self.assertFinds(["fingerprints"], [item])
        self.assertFinds(["指纹"], [item])
        self.assertOk(self.folio("item", "set", item, "--title", "Residence card"))
        self.assertFinds(["photos"], [])
        self.assertFinds(["residence", "card"], [item])
        self.assertOk(self.folio("item", "set", item, "--no-notes"))
        self.assertFinds(["fingerprints"], [])

    def test_an_attachment_is_found_by_its_file_name_until_its_item_is_removed(self):
        checklist = self.checklist("Move")
        item = self.item(checklist, "Birth certificate")
        other = self.item(checklist, "Diploma")
        attachment = self.attach(item, "出生证明 scan.pdf")
        kept = self.attach(other, "diploma scan.pdf")
        hits = self.hits("出生证明")
        self.assertEqual([(h["kind"], h["id"]) for h in hits], [("attachment", attachment)])
        self.assertFinds(["scan"], [attachment, kept])
        self.assertOk(self.folio("item", "rm", "--yes", item))
        self.assertFinds(["出生证明"], [])
        self.assertFinds(["certificate"], [])
        self.assertFinds(["scan"], [kept])

    def test_removing_a_checklist_removes_its_items_and_attachments_from_the_results(self):
        checklist = self.checklist("Obsolete 过期 list", "--description", "old plans")
        item = self.item(checklist, "Obsolete item", "--notes", "obsolete notes")
        self.attach(item, "obsolete-scan.pdf")
        keep = self.checklist("Current list")
        kept = self.item(keep, "Obsolete but kept")
        self.assertEqual(len(self.found("obsolete")), 4)
        self.assertOk(self.folio("checklist", "rm", "--yes", checklist))
        self.assertFinds(["obsolete"], [kept])
        self.assertFinds(["过期"], [])
        self.assertFinds(["plans"], [])

    def test_a_moved_item_names_its_new_place(self):
        first = self.checklist("First")
        second = self.checklist("Second")
        self.item(first, "Stays")
        moving = self.item(first, "Wanderer item")
        self.assertEqual(self.hits("wanderer")[0]["context"], "First:2")
        self.assertOk(self.folio("item", "move", moving, "--list", second))
        self.assertEqual(self.hits("wanderer")[0]["context"], "Second:1")

    def test_items_from_a_template_are_found(self):
        checklist = self.checklist("德国留学", "--template", "study-abroad", "--lang", "zh")
        found = self.hits("护照", options=["--checklists"])
        self.assertTrue(found, "a template item holds 护照")
        self.assertTrue(all(h["kind"] == "item" for h in found))
        self.assertTrue(all(h["context"].startswith("德国留学:") for h in found))
        self.assertIn(checklist, [h["id"] for h in self.hits("德国留学")])


# --- kinds, filters, --limit, --json ----------------------------------------------

class KindsAndFiltersTest(SearchTestCase):

    def setUp(self):
        super().setUp()
        self.entry = self.add("Passport photos taken at the embassy.\n", "-t", "travel")
        self.untagged = self.add("Another passport note.\n")
        self.checklist_id = self.checklist("Passport renewal", "--description",
                                           "embassy appointment")
        self.item_id = self.item("Passport renewal", "Old passport", "--notes", "embassy copy")
        self.attachment = self.attach(self.item_id, "passport-scan.pdf")

    def test_every_kind_of_record_is_found(self):
        hits = self.hits("passport")
        self.assertEqual(sorted((h["kind"], h["id"]) for h in hits), sorted([
            ("entry", self.entry), ("entry", self.untagged), ("checklist", self.checklist_id),
            ("item", self.item_id), ("attachment", self.attachment)]))

    def test_entries_only(self):
        self.assertFinds(["passport"], [self.entry, self.untagged], options=["--entries"])

    def test_checklists_only(self):
        self.assertFinds(["passport"], [self.checklist_id, self.item_id, self.attachment],
                         options=["--checklists"])
        self.assertFinds(["embassy"], [self.checklist_id, self.item_id], options=["--checklists"])

    def test_a_tag_restricts_to_entries_with_that_tag(self):
        self.assertFinds(["passport"], [self.entry], options=["--tag", "travel"])
        self.assertFinds(["passport"], [self.entry], options=["-t", "TRAVEL"])
        self.assertFinds(["passport"], [], options=["--tag", "nosuchtag"])

    def test_since_and_until_restrict_to_entries_in_range(self):
        need_sqlcipher(self)
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE entries SET created = '2026-03-01T10:00:00Z' WHERE uid = '{self.entry}';"
                f"UPDATE entries SET created = '2026-05-01T10:00:00Z' WHERE uid = '{self.untagged}';")
        self.assertFinds(["passport"], [self.untagged], options=["--since", "2026-04-01"])
        self.assertFinds(["passport"], [self.entry], options=["--until", "2026-03-01"])
        self.assertFinds(["passport"], [self.entry, self.untagged],
                         options=["--since", "2026-03-01", "--until", "2026-05-01"])
        self.assertFinds(["passport"], [], options=["--since", "2026-03-02", "--until", "2026-04-30"])

    def test_limit_gives_the_best_n(self):
        for i in range(23):
            self.add(f"limit test entry number {i} quokka\n")
        self.assertEqual(len(self.found("quokka")), 20, "the default limit is 20")
        self.assertEqual(len(self.found("quokka", options=["-n", "3"])), 3)
        self.assertEqual(len(self.found("quokka", options=["--limit", "50"])), 23)
        best = self.found("passport")
        self.assertEqual(self.found("passport", options=["-n", "2"]), best[:2])

    def test_a_limit_below_1_exits_2(self):
        for value in ("0", "-1", "many"):
            with self.subTest(value=value):
                self.assertFails(self.folio("search", "-n", value, "passport"), 2, strict=False)

    def test_json_hits_have_the_documented_fields(self):
        hits = self.hits("passport")
        self.assertEqual(len(hits), 5)
        for h in hits:
            with self.subTest(kind=h["kind"]):
                self.assertEqual(set(h), JSON_FIELDS)
                self.assertIn(h["kind"], KINDS)
                self.assertRegex(h["id"], ENTRY_ID)
                self.assertRegex(h["created"], UTC_TIME)
                self.assertIsInstance(h["score"], (int, float))
                self.assertGreater(h["score"], 0)
                self.assertNotIn("\n", h["snippet"])
                self.assertIsInstance(h["match_start"], int)
                self.assertIsInstance(h["match_length"], int)
        scores = [h["score"] for h in hits]
        self.assertEqual(scores, sorted(scores, reverse=True), "best first")
        by_id = {h["id"]: h for h in hits}
        self.assertEqual(by_id[self.checklist_id]["title"], "Passport renewal")
        self.assertEqual(by_id[self.checklist_id]["context"], "")
        self.assertEqual(by_id[self.item_id]["title"], "Old passport")
        self.assertEqual(by_id[self.item_id]["context"], "Passport renewal:1")
        self.assertEqual(by_id[self.attachment]["title"], "passport-scan.pdf")
        self.assertEqual(by_id[self.attachment]["context"], "Passport renewal:1")
        self.assertEqual(by_id[self.entry]["context"], "")
        # An entry without a title is shown by its first line.
        self.assertEqual(by_id[self.untagged]["title"], "Another passport note.")
        self.assertEqual(by_id[self.entry]["created"], self.show_json(self.entry)["created"])

    def test_match_start_and_length_are_byte_offsets_of_the_hit_in_the_snippet(self):
        self.add("前面有一些中文，然后是签证 and then more text.\n")
        for query, hit in (("passport", "passport"), ("签证", "签证"), ("embassy", "embassy")):
            for h in self.hits(query):
                with self.subTest(query=query, kind=h["kind"], snippet=h["snippet"]):
                    raw = h["snippet"].encode("utf-8")
                    marked = raw[h["match_start"]:h["match_start"] + h["match_length"]]
                    self.assertEqual(marked.decode("utf-8").casefold(), hit)


# --- ranking and snippets --------------------------------------------------------

class RankingTest(SearchTestCase):

    def test_several_hits_of_a_rare_word_rank_above_one(self):
        # The richer entry is the older one, so recency cannot explain the order.
        many = self.add("Axolotl here, axolotl there, an axolotl tank, axolotl food.\n")
        for i in range(5):
            self.add(f"Filler entry {i} about nothing much.\n")
        once = self.add("I saw an axolotl once.\n")
        hits = self.hits("axolotl")
        self.assertEqual([h["id"] for h in hits], [many, once])
        self.assertGreater(hits[0]["score"], hits[1]["score"])

    def test_chinese_hits_are_ranked_the_same_way(self):
        many = self.add("签证，签证，还是签证。我们终于拿到了签证。\n")
        once = self.add("今天去办签证。\n")
        self.assertEqual(self.found("签证"), [many, once])

    def test_without_json_the_order_is_the_same(self):
        # Counts 1 to 6 of "home", each count in three entries, shuffled in
        # time, plus entries of other kinds: the text output (no scores) and
        # --json (scores) agree at every limit, also with an exclusion and for
        # words whose count terms cannot fill the limit. (Too few records for
        # the count terms to be used: the next test is the one with them.)
        counts = [3, 1, 6, 2, 5, 4, 1, 6, 3, 2, 4, 5, 2, 6, 1, 5, 3, 4]
        for i, n in enumerate(counts):
            self.add(" ".join(["home"] * n) + f" day {i} 签证\n")
        self.checklist("home home home list")
        for limit in ("1", "2", "3", "4", "7", "18", "40"):
            for query in (["home"], ["签证"], ["day"], ["home", "-day"]):
                options = ["--limit", limit]
                self.assertEqual(self.found_plain(*query, options=options),
                                 self.found(*query, options=options), f"{query} --limit {limit}")
        self.assertEqual(self.found_plain("home", options=["--checklists"]),
                         self.found("home", options=["--checklists"]))

    def test_a_one_word_search_reads_the_postings_in_key_order(self):
        # The entry holding "home" three times is the oldest; 600 newer ones
        # hold it twice (written with sqlcipher, then indexed by `folio
        # reindex`: 600 `folio add` would be slow). FORMAT.md: the postings of
        # a term are keyed most hits first, so a one-word search takes the
        # first of them. With the oldest one's hits set to 2 by hand, its
        # posting moves behind the 600 newer ones, and the best hit is the
        # newest; `folio reindex` writes the postings again from the records.
        need_sqlcipher(self)
        thrice = self.add("home home home\n")
        run_sql(self.vault, PASSPHRASE, """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
INSERT INTO entries(uid, created, updated, title, body)
SELECT printf('h%07d', i), printf('2030-01-01T%02d:%02d:00Z', i / 60, i % 60),
       printf('2030-01-01T%02d:%02d:00Z', i / 60, i % 60), NULL, 'home home day ' || i FROM n;""")
        self.assertOk(self.folio("reindex"))
        newest = "h0000600"
        self.assertEqual(self.found_plain("home", options=["-n", "1"]), [thrice])
        run_sql(self.vault, PASSPHRASE, "UPDATE search_postings SET hits = 2 WHERE hits = 3 AND "
                                        "term_id = (SELECT id FROM search_terms WHERE term = 'home');")
        self.assertEqual(self.found_plain("home", options=["-n", "1"]), [newest])
        self.assertEqual(self.found("home", options=["-n", "1"]), [newest])
        self.assertEqual(self.found_plain("home", options=["-n", "1000"])[-1], thrice)
        self.assertOk(self.folio("reindex"))
        self.assertEqual(self.found_plain("home", options=["-n", "1"]), [thrice])
        self.assertEqual(self.found("home", options=["-n", "1"]), [thrice])

    def test_a_rare_word_weighs_more_than_a_common_one(self):
        common = [self.add(f"visa note {i}\n") for i in range(6)]
        rare = self.add("okapi and visa\n")
        only_common = self.add("visa visa\n")
        hits = self.hits("visa OR okapi")
        self.assertEqual(hits[0]["id"], rare, "the entry with the rare word comes first")
        self.assertEqual(len(hits), len(common) + 2)
        self.assertIn(only_common, [h["id"] for h in hits])


class SnippetTest(SearchTestCase):

    def test_without_colour_the_hit_is_between_brackets(self):
        self.add("Line one.\nWe went to the embassy for the visa.\nLine three.\n")
        r = self.folio("search", "embassy")
        self.assertOk(r)
        self.assertIn("[embassy]", r.out, r.describe())
        self.assertNotIn("\x1b[", r.out, "no escape codes with NO_COLOR=1")

    def test_not_a_terminal_means_brackets_even_without_no_color(self):
        self.add("The embassy again.\n")
        r = self.folio("search", "embassy", env=self.env(NO_COLOR=None))
        self.assertOk(r)
        self.assertIn("[embassy]", r.out, r.describe())
        self.assertNotIn("\x1b[", r.out)

    def test_the_snippet_is_one_line_around_the_first_hit(self):
        long_text = ("padding words " * 40) + "\nthe needle is here\n" + ("more text " * 40)
        self.add(long_text)
        hit = self.hits("needle")[0]
        self.assertNotIn("\n", hit["snippet"])
        self.assertIn("needle", hit["snippet"])
        self.assertLess(len(hit["snippet"]), len(long_text))

    def test_a_full_width_hit_is_highlighted_as_written(self):
        self.add("Ｔｈｅ ＶＩＳＡ ｃａｍｅ.\n")
        r = self.folio("search", "visa")
        self.assertOk(r)
        self.assertIn("[ＶＩＳＡ]", r.out, r.describe())

    def test_a_mixed_query_highlights_a_hit(self):
        self.add(CHINESE + " interview\n")
        r = self.folio("search", "签证", "interview")
        self.assertOk(r)
        self.assertTrue("[签证]" in r.out or "[interview]" in r.out, r.describe())

    def test_a_hit_in_decomposed_text_is_highlighted(self):
        """A body typed on a system that writes decomposed accents (NFD) is
        found by a composed query; its snippet should highlight the word."""
        self.add(unicodedata.normalize("NFD", "We ate crème brûlée.\n"))
        hit = self.hits("brûlée")
        self.assertEqual(len(hit), 1)
        self.assertGreater(hit[0]["match_length"], 0, f"no highlight in {hit[0]['snippet']!r}")


# --- reindex, check, upgrade -----------------------------------------------------

class ReindexAndCheckTest(SearchTestCase):

    QUERIES = (["visa"], ["签证"], ["visa*"], ['"bank statement"'], ["passport"], ["签"],
               ["embassy", "OR", "护照"])

    def setUp(self):
        super().setUp()
        self.add(CHINESE + "\nvisa interview\n", "--title", "留学", "-t", "签证")
        self.add("The bank statement for the visa.\n", "-t", "bank")
        self.add("Visa visa visa, embassy.\n")
        self.checklist("Passport 护照", "--description", "renewal at the embassy")
        item = self.item("Passport 护照", "Passport photos", "--notes", "visa size")
        self.attach(item, "passport 扫描.pdf")
        gone = self.add("removed passport entry\n")
        self.assertOk(self.folio("rm", "--yes", gone))

    def results(self):
        return {" ".join(q): self.hits(*q) for q in self.QUERIES}

    def test_reindex_keeps_the_results_identical(self):
        before = self.results()
        self.assertTrue(all(before.values()), before)
        r = self.folio("reindex")
        self.assertOk(r)
        self.assertEqual(self.results(), before)

    def test_reindex_rebuilds_an_emptied_index(self):
        need_sqlcipher(self)
        before = self.results()
        run_sql(self.vault, PASSPHRASE, "DELETE FROM search_postings; DELETE FROM search_terms; "
                "DELETE FROM search_docs; UPDATE search_stats SET docs = 0;")
        self.assertEqual(self.found("visa"), [])
        self.assertOk(self.folio("reindex"))
        self.assertEqual(self.results(), before)

    def test_check_exits_0_on_an_intact_vault(self):
        r = self.folio("check")
        self.assertOk(r)
        self.assertEqual(r.out, "")

    def test_check_exits_5_on_a_damaged_page(self):
        data = self.vault / "data"
        self.assertGreaterEqual(data.stat().st_size, 3 * 4096)
        flip_byte(data, 4096 + 100)  # inside page 2, a b-tree page
        self.assertFails(self.folio("check"), 5)

    def test_reindex_leaves_only_the_header_and_the_database(self):
        self.assertOk(self.folio("reindex"))
        self.assertEqual(sorted(p.name for p in self.vault.iterdir()), ["data", "header"])


# SQL that takes a vault folio just made (schema 5) back to an older schema,
# its records kept: the tables of version 5's index dropped, and for 3 and 4
# an FTS4 index of the same terms (version 4's count terms left out: the
# upgrade rebuilds the index from the records anyway).
DROP_V5 = ("DROP TABLE search_postings; DROP TABLE search_terms; DROP TABLE search_docs; "
           "DROP TABLE search_stats; ")
FTS4_FROM_V5 = ("CREATE VIRTUAL TABLE search USING fts4(terms, tokenize=simple); "
                "INSERT INTO search(docid, terms) SELECT docid, terms FROM search_docs; ")
BACK_TO = {
    2: DROP_V5 + "PRAGMA user_version = 2;",
    3: FTS4_FROM_V5 + DROP_V5 + "PRAGMA user_version = 3;",
    4: FTS4_FROM_V5 + "CREATE VIRTUAL TABLE search_vocab USING fts4aux(search); " + DROP_V5
       + "PRAGMA user_version = 4;",
}
V5_TABLES = ["search_docs", "search_postings", "search_stats", "search_terms"]
FTS4_TABLES = ["search", "search_content", "search_docsize", "search_segdir", "search_segments",
               "search_stat", "search_vocab"]


class OldSchemaTestCase(SearchTestCase):

    def user_version(self) -> int:
        return int(run_sql(self.vault, PASSPHRASE, "PRAGMA user_version;").split()[-1])

    def tables(self) -> List[str]:
        return run_sql(self.vault, PASSPHRASE,
                       "SELECT name FROM sqlite_master WHERE type = 'table';").split()

    def back_to(self, version: int):
        run_sql(self.vault, PASSPHRASE, BACK_TO[version])
        self.assertEqual(self.user_version(), version)
        present = set(self.tables())
        self.assertEqual(present & set(V5_TABLES), set())
        self.assertEqual(present >= {"search", "search_content"}, version >= 3)

    def assertUpgraded(self):
        self.assertEqual(self.user_version(), 5)
        present = set(self.tables())
        self.assertTrue(present >= set(V5_TABLES), present)
        self.assertEqual(present & set(FTS4_TABLES), set())
        self.assertOk(self.folio("check"))


class UpgradeFromSchema2Test(OldSchemaTestCase):
    """A vault of schema version 2 (made here by removing the index and
    setting user_version back) is upgraded the first time folio opens it,
    and the upgrade indexes every existing record."""

    def setUp(self):
        super().setUp()
        need_sqlcipher(self)
        self.study = self.add(CHINESE + "\n", "--title", "留学", "-t", "签证")
        self.english = self.add("Bank statement for the visa.\n")
        self.checklist_id = self.checklist("Passport 护照", "--description", "renewal")
        self.item_id = self.item("Passport 护照", "Photos 照片", "--notes", "biometric")
        self.attachment = self.attach(self.item_id, "扫描件.pdf")
        self.back_to(2)

    def test_the_first_search_upgrades_and_finds_existing_records(self):
        self.assertNotIn("search_docs", self.tables())
        self.assertEqual(self.found("申请留学"), [self.study])
        self.assertUpgraded()
        self.assertEqual(self.found("签证"), [self.study])
        self.assertEqual(self.found("visa"), [self.english])
        self.assertEqual(self.found("renewal"), [self.checklist_id])
        self.assertEqual(self.found("biometric"), [self.item_id])
        self.assertEqual(self.found("扫描"), [self.attachment])

    def test_any_command_upgrades_and_later_changes_are_indexed(self):
        self.assertEqual(len(self.list_json()), 2)
        self.assertEqual(self.user_version(), 5)
        later = self.add("Written after the upgrade: okapi\n")
        self.assertEqual(self.found("okapi"), [later])
        self.assertEqual(self.found("照片"), [self.item_id])


class UpgradeFromSchema3And4Test(OldSchemaTestCase):
    """A vault of schema version 3 or 4 (an FTS4 index) gets version 5's
    postings the first time folio opens it: the FTS4 tables are dropped
    (with secure_delete, their pages zeroed), every record is indexed again,
    and the results are those of a vault made at version 5."""

    def setUp(self):
        super().setUp()
        need_sqlcipher(self)
        self.by_count = {n: self.add(" ".join(["visa"] * n) + " 签证 签证\n") for n in (3, 1, 4, 2)}
        self.checklist_id = self.checklist("Passport 护照", "--description", "renewal visa")
        self.before = {q: self.found(q) for q in ("visa", "签证", "renewal", "visa 签证", "\"visa visa\"", "vis*")}
        self.assertTrue(all(self.before.values()), self.before)

    def test_the_upgrade_is_announced_once(self):
        for version in (3, 4):
            with self.subTest(version=version):
                self.back_to(version)
                r = self.folio("list")
                self.assertOk(r)
                self.assertIn(f"upgrading the vault from schema {version} to 5", r.err)
                r = self.folio("list")
                self.assertOk(r)
                self.assertNotIn("upgrading", r.err)

    def test_the_first_command_rebuilds_the_index_as_postings(self):
        for version in (3, 4):
            with self.subTest(version=version):
                self.back_to(version)
                self.assertEqual(self.found_plain("visa", options=["--limit", "2"]),
                                 [self.by_count[4], self.by_count[3]])
                self.assertUpgraded()
                # Every record's postings are written by the upgrade, none pending.
                out = run_sql(self.vault, PASSPHRASE,
                              "SELECT count(*) FROM search_docs WHERE pending = 1; "
                              "SELECT docs FROM search_terms WHERE term = 'visa'; "
                              "SELECT docs FROM search_stats;").split()
                self.assertEqual(out[-3:], ["0", "5", "5"])
                self.assertEqual({q: self.found(q) for q in self.before}, self.before)


if __name__ == "__main__":
    main()
