#!/usr/bin/python3
"""One date grammar and one duration grammar through the real binary
(docs/CLI.md, "Dates and durations"): `add --date` backdates an entry (not
into the future), `list --since/--until`, `item --due/--expires`,
`checklist new --target` take the same forms, `due --within 1y` and
`unlock --timeout 1d` the same durations. Dates are checked against "today"
as Python computes it in the same TZ (UTC unless said), since the clock
cannot be set."""

import calendar
import datetime
import json

from folio_test import FolioTestCase, end_agents, main
from test_editor_keep import KeepTestCase

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def add_months(d: datetime.date, n: int) -> datetime.date:
    """The same day n months later, or that month's last day."""
    total = d.year * 12 + d.month - 1 + n
    year, month = divmod(total, 12)
    return datetime.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


class DatesTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def same_day(self, check):
        """Runs `check`, again if the date changed meanwhile (a run at midnight)."""
        for _ in range(2):
            before = today()
            check()
            if today() == before:
                return
        self.fail("the date kept changing")


class AddDateTest(DatesTestCase):

    def created(self, entry: str) -> datetime.datetime:
        return datetime.datetime.strptime(self.show_json(entry)["created"], "%Y-%m-%dT%H:%M:%SZ")

    def test_add_date_backdates_the_entry_at_the_time_of_day_of_now(self):
        def check():
            entry = self.add("Arrived in Berlin.\n", "--date", "2026-11-28")
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
            created = self.created(entry)
            self.assertEqual(created.date(), datetime.date(2026, 11, 28))
            at = datetime.datetime.combine(now.date(), created.time())
            self.assertLess(abs((now - at).total_seconds()), 120, "now's time of day")
            listed = [e for e in self.list_json() if e["id"] == entry]
            self.assertEqual(listed[0]["created"][:10], "2026-11-28")
            r = self.folio("list")
            self.assertOk(r)
            self.assertRegex(r.out, entry + r"\s+2026-11-28 \d\d:\d\d", "list shows the backdated date")
            r = self.folio("show", entry)
            self.assertOk(r)
            self.assertIn("2026-11-28", r.out, "show shows the backdated date")
            self.assertOk(self.folio("rm", "--yes", entry))
        self.same_day(check)

    def test_add_date_takes_every_form_of_the_grammar(self):
        def check():
            t = today()
            for text, want in (("yesterday", t - DAY), ("3 days ago", t - 3 * DAY), ("昨天", t - DAY),
                               ("前天", t - 2 * DAY), ("5天前", t - 5 * DAY), ("2026/11/28", datetime.date(2026, 11, 28)),
                               ("1 week ago", t - 7 * DAY), ("last month", add_months(t, -1)),
                               ("today", t), ("今天", t)):
                with self.subTest(date=text):
                    entry = self.add("x\n", "--date", text)
                    self.assertEqual(self.created(entry).date(), want)
                    self.assertOk(self.folio("rm", "--yes", entry))
        self.same_day(check)

    def test_add_date_orders_the_list_by_the_backdated_date(self):
        old = self.add("old\n", "--date", "10 days ago")
        new = self.add("new\n")
        mid = self.add("mid\n", "--date", "2 days ago")
        self.assertEqual(self.ids(), [new, mid, old])

    def test_a_future_date_is_refused_before_the_passphrase_and_adds_nothing(self):
        before = self.snapshot()
        for text in ("tomorrow", "明天", "in 1 week", (today() + DAY).isoformat()):
            with self.subTest(date=text):
                # No passphrase source at all: the date is refused first.
                r = self.folio("add", "--text", "x", "--date", text, passphrase_file=None)
                self.assertFails(r, 2, mentions=("in the future",))
                self.assertIn("today or earlier", r.err)
        self.assertUnchanged(before)
        self.assertEqual(self.ids(), [])

    def test_an_invalid_date_names_the_accepted_forms_and_changes_nothing(self):
        before = self.snapshot()
        for text, says in (("blah", "YYYY-MM-DD"), ("2026-02-30", "no such day"), ("in -3 days", "whole number"),
                           ("2026-13-01", "no such month"), ("3 天左右", "N天前"), ("", "YYYY-MM-DD")):
            with self.subTest(date=text):
                r = self.folio("add", "--text", "x", "--date", text)
                line = self.assertFails(r, 2, mentions=(says,))
                self.assertIn(f"'{text}'", line)
        self.assertUnchanged(before)


class AddDateKeptTest(KeepTestCase):

    def test_the_kept_text_command_repeats_the_date_as_a_date(self):
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Passport")
        item = self.item_json("Visa:1")["id"]
        editor = self.editor(before=self.inner_folio("item", "rm", "--yes", item))
        r = self.folio_pty("add", "--item", item, "--date", "3 days ago", env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 3, r.describe())
        self.assertKept(r.output)
        day = (today() - 3 * DAY).isoformat()
        self.assertIn(f"--item {item} --date {day} <", " ".join(r.output.split()),
                      "the hint's command backdates as the first one did, whatever day it is run")


class ListRangeTest(DatesTestCase):

    def setUp(self):
        super().setUp()
        t = today()
        self.dates = {n: t - n * DAY for n in (0, 1, 3, 8, 40)}
        self.entry = {n: self.add(f"{n} days ago\n", "--date", d.isoformat()) for n, d in self.dates.items()}

    def listed(self, *options):
        return sorted(n for n, e in self.entry.items() if e in self.ids(*options))

    def test_since_and_until_take_the_new_forms(self):
        def check():
            t = today()
            slash = (t - 3 * DAY).strftime("%Y/%m/%d")
            for options, want in ((("--since", "1 week ago"), [0, 1, 3]),
                                  (("--since", "last week"), [0, 1, 3]),
                                  (("--since", slash), [0, 1, 3]),
                                  (("--since", "3天前"), [0, 1, 3]),
                                  (("--until", "昨天"), [1, 3, 8, 40]),
                                  (("--since", "2 weeks ago", "--until", "2 days ago"), [3, 8]),
                                  (("--since", "tomorrow"), []),
                                  (("--since", "2 months ago", "--until", "1 month ago"), [40])):
                with self.subTest(options=options):
                    self.assertEqual(self.listed(*options), want)
        self.same_day(check)

    def test_search_takes_the_same_forms(self):
        r = self.folio("search", "ago", "--since", "1 week ago", "--json")
        self.assertOk(r)
        found = {hit.get("id") for hit in json.loads(r.out)}
        self.assertIn(self.entry[3], found)
        self.assertNotIn(self.entry[8], found)

    def test_an_invalid_since_exits_2(self):
        for text in ("blah", "2026/02/30", "in -3 days"):
            with self.subTest(since=text):
                self.assertFails(self.folio("list", "--since", text), 2, mentions=(text,))


class ItemDateTest(DatesTestCase):

    def setUp(self):
        super().setUp()
        self.new_id("checklist", "new", "Visa")

    def test_item_due_in_2_weeks_and_other_forms(self):
        def check():
            t = today()
            for text, want in (("in 2 weeks", t + 14 * DAY), ("next week", t + 7 * DAY), ("下周", t + 7 * DAY),
                               ("明天", t + DAY), ("后天", t + 2 * DAY), ("10天后", t + 10 * DAY),
                               ("in 3 months", add_months(t, 3)), ("2026/12/20", datetime.date(2026, 12, 20))):
                with self.subTest(due=text):
                    item = self.new_id("item", "add", "Visa", "Passport", "--due", text)
                    self.assertEqual(self.item_json(item)["due"], want.isoformat())
                    self.new_id("item", "set", item, "--expires", text)
                    self.assertEqual(self.item_json(item)["expires"], want.isoformat())
                    self.assertOk(self.folio("item", "rm", "--yes", item))
        self.same_day(check)

    def test_checklist_target_takes_the_same_forms(self):
        def check():
            self.new_id("checklist", "new", "Move", "--target", "in 1 year")
            lists = self.json_of("checklist", "list", "--json")
            (move,) = [c for c in lists if c["name"] == "Move"]
            self.assertEqual(move["target"], add_months(today(), 12).isoformat())
            self.assertOk(self.folio("checklist", "rm", "--yes", "Move"))
        self.same_day(check)

    def test_an_invalid_due_changes_nothing(self):
        before = self.snapshot()
        for text in ("blah", "2026-02-30", "in -3 days", "in 2 fortnights"):
            with self.subTest(due=text):
                self.assertFails(self.folio("item", "add", "Visa", "Passport", "--due", text), 2,
                                 mentions=("invalid date",))
        self.assertUnchanged(before)


class DueWithinTest(DatesTestCase):

    def setUp(self):
        super().setUp()
        self.new_id("checklist", "new", "Visa")

    def titles(self, *options):
        r = self.folio("due", "--json", *options)
        self.assertIn(r.rc, (0, 1), r.describe())
        return [d["item"]["title"] for d in json.loads(r.out)]

    def test_within_1y_and_3m_count_calendar_years_and_months(self):
        def check():
            t = today()
            year = (add_months(t, 12) - t).days
            months = (add_months(t, 3) - t).days
            for n in (months, months + 1, year, year + 1):
                self.new_id("item", "add", "Visa", f"day {n}", "--due", f"in {n} days")
            self.assertEqual(self.titles("--within", "1y"), [f"day {months}", f"day {months + 1}", f"day {year}"])
            self.assertEqual(self.titles("--within", "3m"), [f"day {months}"])
            self.assertEqual(self.titles("--within", "3mo"), [f"day {months}"])
            self.assertEqual(self.titles("--within", f"{year}d"), self.titles("--within", "1y"))
            for n in (months, months + 1, year, year + 1):
                self.assertOk(self.folio("item", "rm", "--yes", "Visa:1"))
        self.same_day(check)

    def test_within_refuses_hours_and_other_units(self):
        for within, says in (("12h", "whole days"), ("7x", "no such unit"), ("101y", "at most 100 years"),
                             ("1.5w", "not a duration")):
            with self.subTest(within=within):
                line = self.assertFails(self.folio("due", "--within", within), 2, mentions=(says,))
                self.assertIn(f"--within '{within}'", line)


class UnlockTimeoutTest(DatesTestCase):

    def setUp(self):
        super().setUp()
        self.pids = []
        self.addCleanup(end_agents, self.pids)

    def status(self) -> dict:
        r = self.folio("status", "--json", passphrase_file=None)
        self.assertIn(r.rc, (0, 1), r.describe())
        return json.loads(r.out)

    def test_timeout_1d_is_24_hours_and_raises_the_default_lifetime(self):
        r = self.folio("unlock", "--timeout", "1d")
        self.assertOk(r)
        status = self.status()
        self.assertTrue(status["unlocked"], r.describe())
        self.pids.append(status["agent_pid"])
        self.assertGreater(status["idle_left"], 86400 - 60)
        self.assertGreater(status["lifetime_left"], 86400 - 60, "--max-lifetime follows a longer --timeout")
        self.assertIn("24h", r.err)
        self.assertOk(self.folio("lock"))

    def test_timeout_24h_with_max_lifetime_1d(self):
        self.assertOk(self.folio("unlock", "--timeout", "24h", "--max-lifetime", "1d"))
        status = self.status()
        self.pids.append(status["agent_pid"])
        self.assertGreater(status["lifetime_left"], 86400 - 60)
        self.assertOk(self.folio("lock"))

    def test_longer_than_24h_names_the_limit_and_why(self):
        for args in (["--timeout", "2d"], ["--timeout", "25h"], ["--max-lifetime", "2d"], ["--timeout", "1w"]):
            with self.subTest(args=args):
                r = self.folio("unlock", *args)
                line = self.assertFails(r, 2, mentions=("at most 24h",))
                self.assertIn("keys in memory", line)
                self.assertIn(args[0], line)
        self.assertFalse(self.status()["unlocked"])

    def test_months_and_years_are_not_a_clock_duration(self):
        for text in ("1mo", "1y", "ten", "0"):
            with self.subTest(timeout=text):
                self.assertFails(self.folio("unlock", "--timeout", text), 2, mentions=(f"'{text}'",))
        self.assertFalse(self.status()["unlocked"])

    def test_timeout_longer_than_the_max_lifetime_names_both(self):
        r = self.folio("unlock", "--timeout", "3h", "--max-lifetime", "1h")
        line = self.assertFails(r, 2, mentions=("--max-lifetime",))
        self.assertIn("3h", line)
        self.assertIn("1h", line)


if __name__ == "__main__":
    main()
