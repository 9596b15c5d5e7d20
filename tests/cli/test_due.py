#!/usr/bin/python3
"""`folio due`: overdue and upcoming due and expiry dates, soonest first;
--within; exit 1 when something is overdue or expired; the local date (TZ)
decides. Dates are set relative to "today" as Python computes it for the same
TZ, since the clock cannot be set; month and year ends are crossed with
relative words ('in N days', 'N days ago')."""

import datetime
import json
from zoneinfo import ZoneInfo

from folio_test import FolioTestCase, main

ZH = "德国留学"
# UTC, east and west of it, and the two extremes: at any hour one of
# Pacific/Kiritimati (UTC+14) and Etc/GMT+12 (UTC-12) has another date than UTC.
TIME_ZONES = ("UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati",
              "Etc/GMT+12")
DAY = datetime.timedelta(days=1)


def today(tz: str = "UTC") -> datetime.date:
    return datetime.datetime.now(ZoneInfo(tz)).date()


def days(n: int, tz: str = "UTC") -> str:
    return (today(tz) + datetime.timedelta(days=n)).isoformat()


def first_of_next_month(d: datetime.date) -> datetime.date:
    return (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class DueTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.new_id("checklist", "new", "Visa")
        self.new_id("checklist", "new", ZH)

    def item(self, checklist: str, title: str, *options, **kw) -> str:
        return self.new_id("item", "add", checklist, title, *options, **kw)

    def due(self, *options, tz: str = "UTC", **kw):
        """Runs `folio due --json`; returns (exit code, the listed things)."""
        r = self.folio("due", "--json", *options, env=self.env(TZ=tz), **kw)
        self.assertIn(r.rc, (0, 1), "due exits 0 or 1" + r.describe())
        self.assertEqual(r.err, "", r.describe())
        try:
            return r.rc, json.loads(r.out)
        except ValueError as e:
            self.fail(f"due --json is not JSON ({e})" + r.describe())

    def listed(self, *options, tz: str = "UTC", **kw) -> list:
        """(title, kind, date) of each thing `due --json` lists, in order."""
        return [(d["item"]["title"], d["kind"], d["date"])
                for d in self.due(*options, tz=tz, **kw)[1]]

    def same_day(self, tz: str, check):
        """Runs `check`, skipping if the day in `tz` changed meanwhile (midnight)."""
        before = today(tz)
        check()
        if today(tz) != before:
            self.skipTest(f"the date in {tz} changed while the test ran")


class ListingTest(DueTestCase):

    def test_nothing_due_prints_nothing_and_exits_0(self):
        self.item("Visa", "no dates at all")
        r = self.folio("due")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "")
        self.assertEqual(self.due(), (0, []))

    def test_an_overdue_item_is_listed_and_due_exits_1(self):
        self.item(ZH, "护照", "--due", days(-1))
        r = self.folio("due")
        self.assertEqual(r.rc, 1, r.describe())
        self.assertIn("护照", r.out)
        self.assertIn(f"{ZH}:1", r.out)
        self.assertIn(days(-1), r.out)
        rc, [d] = self.due()
        self.assertEqual(rc, 1)
        self.assertEqual((d["kind"], d["date"], d["days_left"], d["overdue"]),
                         ("due", days(-1), -1, True))

    def test_an_item_due_today_is_listed_but_not_overdue(self):
        self.item("Visa", "Passport", "--due", "today")
        self.assertOk(self.folio("due"))
        rc, [d] = self.due()
        self.assertEqual(rc, 0)
        self.assertEqual((d["date"], d["days_left"], d["overdue"]), (days(0), 0, False))

    def test_due_json_has_the_documented_fields(self):
        item = self.item(ZH, "体检", "--due", days(3), "--state", "requested")
        rc, [d] = self.due()
        self.assertTrue({"kind", "date", "days_left", "overdue", "item"} <= set(d), d)
        self.assertEqual((d["item"]["id"], d["item"]["title"], d["item"]["checklist_name"],
                          d["item"]["number"], d["item"]["state"]),
                         (item, "体检", ZH, 1, "requested"))
        self.assertEqual((d["kind"], d["date"], d["days_left"], d["overdue"]),
                         ("due", days(3), 3, False))

    def test_everything_is_listed_soonest_first_across_checklists(self):
        for checklist, title, option, n in (("Visa", "doc-b", "--due", 10),
                                            (ZH, "doc-c", "--due", -1),
                                            ("Visa", "doc-d", "--due", 3),
                                            (ZH, "doc-e", "--due", 0),
                                            ("Visa", "doc-f", "--expires", 2),
                                            (ZH, "doc-g", "--due", -5),
                                            (ZH, "doc-h", "--expires", 25)):
            self.item(checklist, title, option, days(n))
        order = ["doc-g", "doc-c", "doc-e", "doc-f", "doc-d", "doc-b", "doc-h"]
        listed = self.listed()
        self.assertEqual([t for t, _, _ in listed], order)
        self.assertEqual([d for _, _, d in listed], sorted(d for _, _, d in listed))
        r = self.folio("due")
        self.assertEqual(r.rc, 1, r.describe())
        positions = [r.out.index(title) for title in order]
        self.assertEqual(positions, sorted(positions), r.out)

    def test_an_item_with_a_due_and_an_expiry_date_is_listed_for_each(self):
        self.item("Visa", "Passport", "--due", days(2), "--expires", days(5))
        self.assertEqual(self.listed(), [("Passport", "due", days(2)),
                                         ("Passport", "expires", days(5))])

    def test_exit_1_also_with_json(self):
        self.item("Visa", "late", "--due", days(-3))
        self.assertEqual(self.due()[0], 1)


class WithinTest(DueTestCase):

    def setUp(self):
        super().setUp()
        for n in (-40, -1, 0, 1, 7, 8, 14, 15, 30, 31):
            self.item("Visa", f"day {n}", "--due", days(n))

    def within(self, *options) -> list:
        return [t for t, _, _ in self.listed(*options)]

    def test_within_0d_lists_only_overdue_and_today(self):
        self.same_day("UTC", lambda: self.assertEqual(self.within("--within", "0d"),
                                                      ["day -40", "day -1", "day 0"]))

    def test_within_7d_includes_day_7_but_not_day_8(self):
        self.same_day("UTC", lambda: self.assertEqual(
            self.within("--within", "7d"), ["day -40", "day -1", "day 0", "day 1", "day 7"]))

    def test_within_2w_includes_day_14_but_not_day_15(self):
        self.same_day("UTC", lambda: self.assertEqual(
            self.within("--within", "2w"),
            ["day -40", "day -1", "day 0", "day 1", "day 7", "day 8", "day 14"]))

    def test_the_default_looks_30_days_ahead(self):
        self.same_day("UTC", lambda: self.assertEqual(
            self.within(), ["day -40", "day -1", "day 0", "day 1", "day 7", "day 8", "day 14",
                            "day 15", "day 30"]))

    def test_an_invalid_within_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        for within in ("banana", "-1d", "7x", "", "d", "2 w", "1.5w"):
            with self.subTest(within=within):
                self.assertFails(self.folio("due", "--within", within), 2,
                                 mentions=("within", within or "--within"))
                self.assertUnchanged(before)


class StatesTest(DueTestCase):

    def test_done_and_n_a_items_due_dates_are_ignored(self):
        self.item("Visa", "done late", "--due", days(-3), "--state", "done")
        self.item("Visa", "n/a late", "--due", days(-3), "--state", "n/a")
        self.item("Visa", "done soon", "--due", days(2), "--state", "done")
        self.assertEqual(self.due(), (0, []))
        self.assertOk(self.folio("due"))

    def test_marking_an_overdue_item_done_makes_due_exit_0(self):
        self.item(ZH, "护照", "--due", days(-2))
        self.assertEqual(self.due()[0], 1)
        self.assertOk(self.folio("item", "done", f"{ZH}:1"))
        self.assertEqual(self.due(), (0, []))

    def test_every_other_state_keeps_an_overdue_item_listed(self):
        for state in ("needed", "requested", "obtained", "translated", "notarized", "submitted"):
            self.item("Visa", state, "--due", days(-1), "--state", state)
        rc, listed = self.due()
        self.assertEqual(rc, 1)
        self.assertEqual(len(listed), 6)

    def test_the_expiry_of_an_obtained_or_done_item_is_still_listed(self):
        self.item(ZH, "护照", "--state", "obtained", "--expires", days(5))
        self.item(ZH, "签证", "--state", "done", "--due", days(-9), "--expires", days(6))
        self.assertEqual(self.listed(), [("护照", "expires", days(5)),
                                         ("签证", "expires", days(6))])
        self.assertEqual(self.due()[0], 0)

    def test_an_expired_done_item_makes_due_exit_1(self):
        self.item("Visa", "Old passport", "--state", "done", "--expires", days(-1))
        rc, [d] = self.due()
        self.assertEqual(rc, 1)
        self.assertEqual((d["kind"], d["overdue"], d["days_left"]), ("expires", True, -1))

    def test_an_item_expiring_today_has_not_expired(self):
        self.item("Visa", "Passport", "--state", "obtained", "--expires", "today")
        rc, [d] = self.due()
        self.assertEqual((rc, d["kind"], d["overdue"], d["days_left"]), (0, "expires", False, 0))

    def test_the_expiry_of_an_n_a_item_is_ignored(self):
        self.item("Visa", "Not needed", "--state", "n/a", "--expires", days(-1))
        self.item("Visa", "Not needed 2", "--state", "n/a", "--expires", days(1))
        self.assertEqual(self.due(), (0, []))


class TimeZoneTest(DueTestCase):

    def test_yesterday_today_and_tomorrow_follow_the_local_date_in_each_time_zone(self):
        for n, tz in enumerate(TIME_ZONES):
            with self.subTest(tz=tz):
                vault = self.tmp / f"vault-{n}"
                self.init_vault(vault=vault)
                env = self.env(TZ=tz)
                self.new_id("checklist", "new", tz, vault=vault, env=env)

                def check():
                    for title, delta in (("yesterday", -1), ("today", 0), ("tomorrow", 1)):
                        self.item(tz, title, "--due", days(delta, tz), vault=vault, env=env)
                    rc, listed = self.due(tz=tz, vault=vault)
                    self.assertEqual(rc, 1, "yesterday's item is overdue")
                    self.assertEqual([(d["item"]["title"], d["days_left"], d["overdue"])
                                      for d in listed],
                                     [("yesterday", -1, True), ("today", 0, False),
                                      ("tomorrow", 1, False)])
                    self.assertOk(self.folio("item", "done", f"{tz}:1", vault=vault, env=env))
                    self.assertEqual(self.due(tz=tz, vault=vault)[0], 0,
                                     "today's item is not overdue")
                self.same_day(tz, check)

    def test_the_local_date_not_the_utc_date_decides_what_is_overdue(self):
        tz = next(z for z in ("Pacific/Kiritimati", "Etc/GMT+12") if today(z) != today("UTC"))

        def check():
            self.item("Visa", "UTC today", "--due", today("UTC").isoformat())
            self.item("Visa", "local today", "--due", today(tz).isoformat())
            for zone in ("UTC", tz):
                rc, listed = self.due(tz=zone)
                got = {d["item"]["title"]: (d["days_left"], d["overdue"]) for d in listed}
                for title, date in (("UTC today", today("UTC")), ("local today", today(tz))):
                    left = (date - today(zone)).days
                    self.assertEqual(got[title], (left, left < 0), f"{title} seen in {zone}")
                self.assertEqual(rc, 1 if any(left < 0 for left, _ in got.values()) else 0,
                                 f"exit code in {zone}")
        self.same_day(tz, lambda: self.same_day("UTC", check))

    def test_today_in_item_add_is_the_local_date(self):
        for tz in TIME_ZONES:
            with self.subTest(tz=tz):
                self.same_day(tz, lambda: self.assertEqual(
                    self.item_json(self.item("Visa", tz, "--due", "today",
                                             env=self.env(TZ=tz)))["due"],
                    today(tz).isoformat()))


class RelativeDaysAcrossMonthAndYearTest(DueTestCase):
    """'in N days' and 'N days ago' land on the calendar day Python computes,
    with N chosen so that the result crosses a month end and a year end."""

    def check_words(self, tz: str, cases):
        env = self.env(TZ=tz)

        def check():
            for word, expected in cases:
                with self.subTest(tz=tz, word=word):
                    item = self.item("Visa", f"{tz} {word}", "--due", word, env=env)
                    self.assertEqual(self.item_json(item)["due"], expected.isoformat())
        self.same_day(tz, check)

    def test_in_n_days_crosses_into_the_next_month(self):
        for tz in TIME_ZONES:
            t = today(tz)
            first = first_of_next_month(t)
            n = (first - t).days
            self.check_words(tz, [(f"in {n} days", first),
                                  (f"in {n - 1} days", first - DAY),
                                  (f"in {n + 1} days", first + DAY)])

    def test_in_n_days_crosses_into_the_next_year(self):
        for tz in TIME_ZONES:
            t = today(tz)
            new_year = datetime.date(t.year + 1, 1, 1)
            n = (new_year - t).days
            self.check_words(tz, [(f"in {n} days", new_year),
                                  (f"in {n - 1} days", new_year - DAY),
                                  (f"in {n + 59} days", new_year + datetime.timedelta(59))])

    def test_n_days_ago_crosses_into_the_previous_month_and_year(self):
        for tz in TIME_ZONES:
            t = today(tz)
            last_month_end = t.replace(day=1) - DAY
            last_year_end = datetime.date(t.year - 1, 12, 31)
            self.check_words(tz, [(f"{t.day} days ago", last_month_end),
                                  (f"{(t - last_year_end).days} days ago", last_year_end)])

    def test_in_n_days_lands_on_a_leap_day(self):
        t = today("UTC")
        leap = next(datetime.date(y, 2, 29) for y in range(t.year, t.year + 8)
                    if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
                    and datetime.date(y, 2, 29) > t)
        n = (leap - t).days
        self.check_words("UTC", [(f"in {n} days", leap), (f"in {n + 1} days", leap + DAY)])

    def test_in_n_days_across_a_daylight_saving_change_is_a_calendar_day(self):
        for tz in ("America/Los_Angeles", "Europe/Berlin"):
            zone = ZoneInfo(tz)
            t = today(tz)

            def offset(d):
                return datetime.datetime.combine(d, datetime.time(12), zone).utcoffset()
            change = next(t + datetime.timedelta(k) for k in range(1, 370)
                          if offset(t + datetime.timedelta(k)) != offset(t))
            n = (change - t).days
            self.check_words(tz, [(f"in {n - 1} days", change - DAY), (f"in {n} days", change),
                                  (f"in {n + 1} days", change + DAY)])

    def test_due_counts_days_left_across_the_month_end(self):
        t = today("UTC")
        first = first_of_next_month(t)
        n = (first - t).days
        self.item("Visa", "first of next month", "--due", f"in {n} days")

        def check():
            self.assertEqual(self.listed("--within", f"{n}d"),
                             [("first of next month", "due", first.isoformat())])
            self.assertEqual(self.listed("--within", f"{n - 1}d"), [])
            self.assertEqual(self.due("--within", f"{n}d")[1][0]["days_left"], n)
        self.same_day("UTC", check)


if __name__ == "__main__":
    main()
