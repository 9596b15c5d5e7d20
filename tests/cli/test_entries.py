#!/usr/bin/python3
"""Entries: add, list (every filter), show, tags, rm."""

import datetime
import json

from folio_test import (ENTRY_ID, PASSPHRASE, UTC_TIME, FolioTestCase, main, need_sqlcipher,
                        run_sql)

CHINESE_TITLE = "周末日记"
CHINESE_BODY = "今天天气很好。\n我们去公园散步了，还喝了一杯茶。\n"


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class EntriesTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def set_times(self, entry_id: str, created: str, updated: str = None):
        """Backdates an entry in the database (the CLI cannot)."""
        need_sqlcipher(self)
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE entries SET created = '{created}', updated = '{updated or created}' "
                f"WHERE uid = '{entry_id}';")


class AddTest(EntriesTestCase):

    def test_add_reads_the_body_from_stdin_and_prints_the_new_id(self):
        r = self.folio("add", input="Dear diary,\nit rained.\n")
        self.assertOk(r)
        self.assertRegex(r.out.strip(), ENTRY_ID)
        self.assertEqual(r.out.strip().count("\n"), 0, "only the id on stdout")
        body = self.show_json(r.out.strip())["body"]
        self.assertEqual(body.rstrip("\n"), "Dear diary,\nit rained.")

    def test_add_text_takes_the_body_from_the_command_line(self):
        entry = self.add(None, "--text", "from the command line")
        self.assertEqual(self.show_json(entry)["body"], "from the command line")

    def test_add_text_wins_over_stdin(self):
        r = self.folio("add", "--text", "from --text", input="from stdin\n")
        self.assertOk(r)
        self.assertEqual(self.show_json(r.out.strip())["body"], "from --text")

    def test_add_stores_title_and_tags(self):
        entry = self.add("body", "--title", "A title", "-t", "work", "--tag", "ideas")
        e = self.show_json(entry)
        self.assertEqual(e["title"], "A title")
        self.assertEqual(sorted(e["tags"]), ["ideas", "work"])

    def test_tags_are_case_folded(self):
        entry = self.add("body", "-t", "Work", "-t", "IDEAS")
        self.assertEqual(sorted(self.show_json(entry)["tags"]), ["ideas", "work"])

    def test_the_same_tag_twice_is_stored_once(self):
        entry = self.add("body", "-t", "work", "-t", "Work")
        self.assertEqual(self.show_json(entry)["tags"], ["work"])

    def test_a_tag_with_a_space_or_comma_exits_2_and_adds_nothing(self):
        for tag in ("two words", "a,b", ""):
            with self.subTest(tag=tag):
                before = self.snapshot()
                r = self.folio("add", "--text", "body", "-t", tag)
                self.assertFails(r, 2, mentions=("tag",))
                self.assertUnchanged(before)
        self.assertEqual(self.list_json(), [])

    def test_entry_without_title_has_null_title_in_json(self):
        entry = self.add("no title here")
        self.assertIsNone(self.show_json(entry)["title"])

    def test_each_entry_gets_a_different_id(self):
        ids = {self.add(f"entry {i}") for i in range(5)}
        self.assertEqual(len(ids), 5)

    def test_created_is_the_current_time_in_utc(self):
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        entry = self.add("timed", env=self.env(TZ="Asia/Tokyo"))
        after = datetime.datetime.now(datetime.timezone.utc)
        e = self.show_json(entry)
        self.assertRegex(e["created"], UTC_TIME)
        self.assertRegex(e["updated"], UTC_TIME)
        self.assertTrue(before <= utc(e["created"]) <= after, e)
        self.assertEqual(e["created"], e["updated"])

    def test_a_large_body_is_stored_whole(self):
        body = "".join(f"line {i}: {'x' * 70}\n" for i in range(20000))  # ~1.6 MB
        entry = self.add(body)
        self.assertEqual(self.show_json(entry)["body"].rstrip("\n"), body.rstrip("\n"))

    def test_chinese_text_round_trips_through_add_and_show(self):
        entry = self.add(CHINESE_BODY, "--title", CHINESE_TITLE, "-t", "日记")
        e = self.show_json(entry)
        self.assertEqual(e["title"], CHINESE_TITLE)
        self.assertEqual(e["tags"], ["日记"])
        self.assertEqual(e["body"].rstrip("\n"), CHINESE_BODY.rstrip("\n"))


class ListTest(EntriesTestCase):

    def test_list_on_an_empty_vault_prints_nothing_and_succeeds(self):
        r = self.folio("list")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "")
        self.assertEqual(self.list_json(), [])

    def test_list_shows_id_tags_and_title_or_first_line(self):
        titled = self.add("body of the titled one", "--title", "Titled", "-t", "work")
        untitled = self.add("First line here\nsecond line\n")
        r = self.folio("list")
        self.assertOk(r)
        lines = r.out.splitlines()
        line_t = next(line for line in lines if titled in line)
        line_u = next(line for line in lines if untitled in line)
        self.assertIn("Titled", line_t)
        self.assertIn("work", line_t)
        self.assertIn("First line here", line_u)
        self.assertNotIn("second line", r.out)

    def test_list_is_newest_first(self):
        a, b, c = self.add("a"), self.add("b"), self.add("c")
        self.set_times(a, "2026-01-01T10:00:00Z")
        self.set_times(b, "2026-03-01T10:00:00Z")
        self.set_times(c, "2026-02-01T10:00:00Z")
        self.assertEqual(self.ids(), [b, c, a])
        out = self.folio("list").out
        self.assertLess(out.index(b), out.index(c))
        self.assertLess(out.index(c), out.index(a))

    def test_list_shows_local_date_and_time(self):
        entry = self.add("late in UTC")
        self.set_times(entry, "2026-03-01T23:30:00Z")
        r = self.folio("list", env=self.env(TZ="JST-9"))
        self.assertOk(r)
        self.assertIn("2026-03-02", r.out)
        self.assertIn("08:30", r.out)
        r = self.folio("list")  # TZ=UTC
        self.assertIn("2026-03-01", r.out)
        self.assertIn("23:30", r.out)

    def test_list_json_has_the_documented_fields(self):
        entry = self.add("Hello\nworld", "--title", "Greeting", "-t", "b", "-t", "a")
        (e,) = self.list_json()
        self.assertTrue({"id", "created", "updated", "title", "tags", "first_line",
                         "chars"} <= set(e), e)
        self.assertEqual(e["id"], entry)
        self.assertRegex(e["created"], UTC_TIME)
        self.assertRegex(e["updated"], UTC_TIME)
        self.assertEqual(e["title"], "Greeting")
        self.assertEqual(sorted(e["tags"]), ["a", "b"])
        self.assertEqual(e["first_line"], "Hello")
        self.assertEqual(e["chars"], len("Hello\nworld"))

    def test_list_json_counts_characters_not_bytes(self):
        self.add(None, "--text", "你好，世界")
        (e,) = self.list_json()
        self.assertEqual(e["chars"], 5)
        self.assertEqual(e["first_line"], "你好，世界")

    def test_list_json_times_stay_utc_whatever_tz(self):
        entry = self.add("x")
        self.set_times(entry, "2026-03-01T23:30:00Z")
        (e,) = self.list_json(env=self.env(TZ="JST-9"))
        self.assertEqual(e["created"], "2026-03-01T23:30:00Z")

    def test_list_tag_shows_only_entries_with_that_tag(self):
        work = self.add("w", "-t", "work")
        both = self.add("b", "-t", "work", "-t", "home")
        self.add("h", "-t", "home")
        self.add("none")
        self.assertEqual(sorted(self.ids("--tag", "work")), sorted([work, both]))
        self.assertEqual(sorted(self.ids("-t", "work")), sorted([work, both]))

    def test_list_tag_matches_case_insensitively(self):
        work = self.add("w", "-t", "work")
        self.assertEqual(self.ids("--tag", "WORK"), [work])

    def test_list_tag_unknown_gives_an_empty_list(self):
        self.add("w", "-t", "work")
        self.assertEqual(self.ids("--tag", "nosuchtag"), [])

    def test_list_limit_keeps_the_newest(self):
        made = []
        for i in range(5):
            made.append(self.add(f"entry {i}"))
            self.set_times(made[-1], f"2026-01-0{i + 1}T12:00:00Z")
        self.assertEqual(self.ids("--limit", "2"), [made[4], made[3]])
        self.assertEqual(self.ids("-n", "3"), [made[4], made[3], made[2]])
        self.assertEqual(len(self.ids("-n", "50")), 5)

    def test_list_limit_that_is_not_a_number_exits_2(self):
        for value in ("banana", "-1"):
            with self.subTest(value=value):
                self.assertFails(self.folio("list", "--limit", value), 2)

    def _dated(self):
        """Entries on 2026-02-28 23:59:59, 2026-03-01 00:00:00, 23:59:59, 2026-03-02 00:00:00 UTC."""
        names = {}
        for name, when in (("feb28", "2026-02-28T23:59:59Z"), ("mar1a", "2026-03-01T00:00:00Z"),
                           ("mar1b", "2026-03-01T23:59:59Z"), ("mar2", "2026-03-02T00:00:00Z")):
            names[name] = self.add(name)
            self.set_times(names[name], when)
        return names

    def test_since_date_starts_at_the_beginning_of_that_day(self):
        d = self._dated()
        self.assertEqual(self.ids("--since", "2026-03-01"), [d["mar2"], d["mar1b"], d["mar1a"]])

    def test_until_date_ends_at_the_end_of_that_day(self):
        d = self._dated()
        self.assertEqual(self.ids("--until", "2026-03-01"), [d["mar1b"], d["mar1a"], d["feb28"]])

    def test_since_and_until_the_same_day_give_that_day(self):
        d = self._dated()
        self.assertEqual(self.ids("--since", "2026-03-01", "--until", "2026-03-01"),
                         [d["mar1b"], d["mar1a"]])

    def test_since_and_until_are_local_days(self):
        d = self._dated()
        # In UTC+9, 2026-03-01 local runs from 2026-02-28T15:00Z to 2026-03-01T15:00Z.
        env = self.env(TZ="JST-9")
        self.assertEqual(self.ids("--since", "2026-03-01", "--until", "2026-03-01", env=env),
                         [d["mar1a"], d["feb28"]])

    def _relative(self):
        """Entries at noon UTC today, yesterday, 3 and 10 days ago (TZ=UTC)."""
        today = datetime.datetime.now(datetime.timezone.utc).date()
        names = {}
        for name, days in (("today", 0), ("yesterday", 1), ("three", 3), ("ten", 10)):
            names[name] = self.add(name)
            self.set_times(names[name], f"{today - datetime.timedelta(days=days)}T12:00:00Z")
        return names

    def test_since_today_lists_only_todays_entries(self):
        d = self._relative()
        self.assertEqual(self.ids("--since", "today"), [d["today"]])

    def test_since_yesterday_lists_yesterday_and_today(self):
        d = self._relative()
        self.assertEqual(self.ids("--since", "yesterday"), [d["today"], d["yesterday"]])

    def test_until_yesterday_leaves_out_today(self):
        d = self._relative()
        self.assertEqual(self.ids("--until", "yesterday"), [d["yesterday"], d["three"], d["ten"]])

    def test_since_and_until_yesterday_give_only_yesterday(self):
        d = self._relative()
        self.assertEqual(self.ids("--since", "yesterday", "--until", "yesterday"),
                         [d["yesterday"]])

    def test_since_3_days_ago_starts_three_days_back(self):
        d = self._relative()
        self.assertEqual(self.ids("--since", "3 days ago"),
                         [d["today"], d["yesterday"], d["three"]])

    def test_until_3_days_ago_ends_three_days_back(self):
        d = self._relative()
        self.assertEqual(self.ids("--until", "3 days ago"), [d["three"], d["ten"]])

    def test_1_days_ago_is_yesterday(self):
        d = self._relative()
        self.assertEqual(self.ids("--since", "1 days ago", "--until", "1 days ago"),
                         [d["yesterday"]])

    def test_until_today_includes_everything_so_far(self):
        d = self._relative()
        self.assertEqual(self.ids("--until", "today"),
                         [d["today"], d["yesterday"], d["three"], d["ten"]])

    def test_tag_since_and_limit_filters_combine(self):
        d = self._relative()
        for name in ("yesterday", "ten"):
            self.assertOk(self.folio("edit", d[name], "--add-tag", "keep"))
        self.assertEqual(self.ids("--tag", "keep", "--since", "3 days ago"), [d["yesterday"]])
        self.assertEqual(self.ids("--tag", "keep", "--limit", "1"), [d["yesterday"]])

    def test_an_impossible_or_unknown_date_exits_2(self):
        self.add("x")
        before = self.snapshot()
        for option in ("--since", "--until"):
            for day in ("2026-02-30", "banana", "2026-13-01", "2026-1-1x", ""):
                with self.subTest(option=option, day=day):
                    r = self.folio("list", option, day)
                    self.assertFails(r, 2, mentions=("date", "day", day or "date"))
        self.assertUnchanged(before)


class ShowTest(EntriesTestCase):

    def test_show_by_full_id_prints_title_tags_and_body(self):
        entry = self.add("The whole body.\nSecond line.\n", "--title", "Shown", "-t", "work")
        r = self.folio("show", entry)
        self.assertOk(r)
        self.assertIn("Shown", r.out)
        self.assertIn("work", r.out)
        self.assertIn("The whole body.\nSecond line.", r.out)

    def test_show_by_unique_prefix(self):
        entry = self.add("prefixed", "--title", "By prefix")
        self.add("another one")
        for prefix in (entry[:4], entry[:6]):
            with self.subTest(prefix=prefix):
                r = self.folio("show", prefix)
                self.assertOk(r)
                self.assertIn("prefixed", r.out)
        self.assertEqual(self.show_json(entry[:5])["id"], entry)

    def test_show_json_has_the_documented_fields(self):
        entry = self.add("json body", "--title", "T", "-t", "x")
        e = self.show_json(entry)
        self.assertTrue({"id", "created", "updated", "title", "tags", "body"} <= set(e), e)
        self.assertEqual((e["id"], e["title"], e["tags"], e["body"].rstrip("\n")),
                         (entry, "T", ["x"], "json body"))
        self.assertRegex(e["created"], UTC_TIME)

    def test_show_prints_local_time_on_screen_and_utc_in_json(self):
        entry = self.add("zoned")
        self.set_times(entry, "2026-03-01T23:30:00Z")
        env = self.env(TZ="JST-9")
        r = self.folio("show", entry, env=env)
        self.assertOk(r)
        self.assertIn("2026-03-02", r.out)
        self.assertIn("08:30", r.out)
        self.assertEqual(self.show_json(entry, env=env)["created"], "2026-03-01T23:30:00Z")

    def test_show_prints_chinese_text_unchanged(self):
        entry = self.add(CHINESE_BODY, "--title", CHINESE_TITLE, "-t", "日记")
        r = self.folio("show", entry)
        self.assertOk(r)
        self.assertIn(CHINESE_TITLE, r.out)
        self.assertIn("日记", r.out)
        self.assertIn(CHINESE_BODY.rstrip("\n"), r.out)
        e = json.loads(self.folio("show", entry, "--json").out)
        self.assertEqual(e["body"].rstrip("\n"), CHINESE_BODY.rstrip("\n"))

    def test_show_prints_chinese_text_without_a_utf8_locale(self):
        entry = self.add(CHINESE_BODY)
        r = self.folio("show", entry, env=self.env(LANG=None))
        self.assertOk(r)
        self.assertIn(CHINESE_BODY.rstrip("\n"), r.out)

    def test_list_shows_a_chinese_first_line(self):
        self.add(CHINESE_BODY)
        r = self.folio("list")
        self.assertOk(r)
        self.assertIn("今天天气很好。", r.out)

    def test_show_json_escapes_nothing_it_should_not(self):
        body = 'quotes " and \\ backslash\ttab\nand <html> & emoji 🙂'
        entry = self.add(None, "--text", body)
        self.assertEqual(self.show_json(entry)["body"], body)

    def test_show_unknown_id_exits_3(self):
        self.add("x")
        before = self.snapshot()
        r = self.folio("show", "zzzzzzzz")
        self.assertFails(r, 3, mentions=("zzzzzzzz", "not found", "no entry"))
        self.assertUnchanged(before)

    def test_show_with_a_prefix_shorter_than_4_characters_exits_2(self):
        entry = self.add("x")
        r = self.folio("show", entry[:3])
        self.assertFails(r, 2, mentions=("4", "short", "prefix", "id"))

    def test_show_with_an_ambiguous_prefix_exits_2_and_says_so(self):
        # Assumption (CLI.md is silent, folio/journal.h says invalid_argument): 2.
        need_sqlcipher(self)
        a, b = self.add("first"), self.add("second")
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE entries SET uid = 'abcd0001' WHERE uid = '{a}';"
                f"UPDATE entries SET uid = 'abcd0002' WHERE uid = '{b}';")
        r = self.folio("show", "abcd")
        self.assertFails(r, 2, mentions=("ambiguous", "more than one", "several"))
        r = self.folio("show", "abcd0")
        self.assertFails(r, 2, mentions=("ambiguous", "more than one", "several"))
        self.assertEqual(self.show_json("abcd0001")["body"], "first")
        self.assertEqual(self.show_json("abcd0002")["body"], "second")


class TagsTest(EntriesTestCase):

    @staticmethod
    def counts_from_json(data) -> dict:
        """Accepts [{name|tag, count|entries}] or {name: count}."""
        if isinstance(data, dict):
            return dict(data)
        out = {}
        for item in data:
            name = item.get("name", item.get("tag"))
            count = item.get("count", item.get("entries"))
            out[name] = count
        return out

    def test_tags_lists_each_tag_with_its_number_of_entries(self):
        self.add("1", "-t", "work", "-t", "ideas")
        self.add("2", "-t", "work")
        self.add("3", "-t", "日记")
        self.add("4")
        r = self.folio("tags")
        self.assertOk(r)
        found = {}
        for line in r.out.splitlines():
            words = [w.lstrip("#") for w in line.split()]
            nums = [w for w in words if w.isdigit()]
            names = [w for w in words if not w.isdigit()]
            if nums and names:
                found[names[0]] = int(nums[0])
        self.assertEqual(found, {"work": 2, "ideas": 1, "日记": 1}, r.describe())

    def test_tags_json_gives_each_tag_and_its_count(self):
        self.add("1", "-t", "work", "-t", "ideas")
        self.add("2", "-t", "work")
        r = self.folio("tags", "--json")
        self.assertOk(r)
        self.assertEqual(self.counts_from_json(json.loads(r.out)), {"work": 2, "ideas": 1})

    def test_tags_on_an_empty_vault_prints_nothing(self):
        r = self.folio("tags")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "")
        r = self.folio("tags", "--json")
        self.assertOk(r)
        self.assertEqual(self.counts_from_json(json.loads(r.out)), {})

    def test_removing_the_last_entry_with_a_tag_drops_or_zeroes_the_tag(self):
        keep = self.add("keep", "-t", "work")
        gone = self.add("gone", "-t", "work", "-t", "once")
        self.assertOk(self.folio("rm", "--yes", gone))
        counts = self.counts_from_json(json.loads(self.folio("tags", "--json").out))
        self.assertEqual(counts.get("work"), 1)
        self.assertEqual(counts.get("once", 0), 0)
        self.assertEqual(self.ids("--tag", "work"), [keep])


class RmTest(EntriesTestCase):

    def test_rm_yes_deletes_the_entry(self):
        gone = self.add("to delete")
        kept = self.add("to keep")
        r = self.folio("rm", "--yes", gone)
        self.assertOk(r)
        self.assertEqual(self.ids(), [kept])
        self.assertFails(self.folio("show", gone), 3)

    def test_rm_yes_accepts_several_ids_and_prefixes(self):
        a, b, c = self.add("a"), self.add("b"), self.add("c")
        self.assertOk(self.folio("rm", "--yes", a, b[:5]))
        self.assertEqual(self.ids(), [c])

    def test_rm_without_yes_and_without_a_terminal_exits_9_and_keeps_the_entry(self):
        entry = self.add("still here")
        before = self.snapshot()
        r = self.folio("rm", entry)
        self.assertFails(r, 9, mentions=("--yes", "terminal", "confirm"))
        self.assertUnchanged(before)
        self.assertEqual(self.ids(), [entry])

    def test_rm_unknown_id_exits_3(self):
        self.add("x")
        before = self.snapshot()
        self.assertFails(self.folio("rm", "--yes", "zzzzzzzz"), 3)
        self.assertUnchanged(before)

    def test_rm_with_one_unknown_id_among_several_deletes_none(self):
        # Assumption: rm checks every id before deleting any.
        a, b = self.add("a"), self.add("b")
        before = self.snapshot()
        r = self.folio("rm", "--yes", a, "zzzzzzzz", b)
        self.assertFails(r, 3, mentions=("zzzzzzzz", "not found", "no entry"))
        self.assertUnchanged(before)
        self.assertEqual(sorted(self.ids()), sorted([a, b]))

    def test_rm_with_an_ambiguous_prefix_deletes_nothing(self):
        need_sqlcipher(self)
        a, b = self.add("first"), self.add("second")
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE entries SET uid = 'abcd0001' WHERE uid = '{a}';"
                f"UPDATE entries SET uid = 'abcd0002' WHERE uid = '{b}';")
        before = self.snapshot()
        r = self.folio("rm", "--yes", "abcd")
        self.assertFails(r, 2, mentions=("ambiguous", "more than one", "several"))
        self.assertUnchanged(before)

    def test_rm_leaves_no_journal_file_behind(self):
        entry = self.add("x")
        self.assertOk(self.folio("rm", "--yes", entry))
        self.assertEqual(sorted(p.name for p in self.vault.iterdir()), ["data", "header"])


if __name__ == "__main__":
    main()
