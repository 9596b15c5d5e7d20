#!/usr/bin/python3
"""Checklist items: add, set, done, rm, move, show; naming an item by id, by
id prefix and as CHECKLIST:N; numbers stay 1..n without gaps; journal entries
linked with `add --item`."""

import datetime
from zoneinfo import ZoneInfo

from folio_test import ENTRY_ID, UTC_TIME, FolioTestCase, main

STATES = ("needed", "requested", "obtained", "translated", "notarized", "submitted", "done",
          "n/a")
BAD_STATES = ("lost", "n.a.", "na", "don e", "")
BAD_DATES = ("2026-02-30", "banana", "2026-13-01", "2027-02-29", "2026-04-31", "2026-00-10",
             "in two days", "")
ZH = "德国留学"


def today(tz: str = "UTC") -> datetime.date:
    return datetime.datetime.now(ZoneInfo(tz)).date()


class ItemTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.en = self.new_id("checklist", "new", "Visa")
        self.zh = self.new_id("checklist", "new", ZH)

    def item(self, checklist: str, title: str, *options, **kw) -> str:
        return self.new_id("item", "add", checklist, title, *options, **kw)

    def items(self, checklist: str) -> list:
        return self.checklist_json(checklist)["item_list"]

    def titles(self, checklist: str) -> list:
        return [i["title"] for i in self.items(checklist)]

    def assertNumbered(self, checklist: str):
        """Numbers are 1..n in order, without gaps."""
        numbers = [i["number"] for i in self.items(checklist)]
        self.assertEqual(numbers, list(range(1, len(numbers) + 1)), checklist)

    def fill(self, checklist: str, titles) -> list:
        return [self.item(checklist, t) for t in titles]


class AddTest(ItemTestCase):

    def test_add_prints_the_id_and_appends_the_item_with_the_next_number(self):
        first = self.item("Visa", "Passport")
        second = self.item("Visa", "Photos")
        self.assertEqual([(i["id"], i["number"]) for i in self.items("Visa")],
                         [(first, 1), (second, 2)])

    def test_a_new_item_is_needed_with_no_dates_or_notes(self):
        item = self.item(ZH, "护照")
        i = self.item_json(item)
        self.assertEqual((i["title"], i["state"], i["due"], i["expires"], i["notes"]),
                         ("护照", "needed", None, None, None))

    def test_add_stores_state_due_expires_and_notes(self):
        item = self.item(ZH, "无犯罪记录证明", "--state", "requested", "--due", "2027-03-15",
                         "--expires", "2027-09-15", "--notes", "需要公证和翻译")
        i = self.item_json(item)
        self.assertEqual((i["state"], i["due"], i["expires"], i["notes"]),
                         ("requested", "2027-03-15", "2027-09-15", "需要公证和翻译"))

    def test_add_accepts_each_of_the_eight_states(self):
        for state in STATES:
            with self.subTest(state=state):
                self.assertEqual(self.item_json(self.item("Visa", state, "--state", state))["state"],
                                 state)

    def test_add_accepts_relative_day_words(self):
        t = today()
        for word, expected in (("today", t), ("tomorrow", t + datetime.timedelta(1)),
                               ("yesterday", t - datetime.timedelta(1)),
                               ("in 3 days", t + datetime.timedelta(3)),
                               ("3 days ago", t - datetime.timedelta(3))):
            with self.subTest(word=word):
                item = self.item("Visa", word, "--due", word, "--expires", word)
                i = self.item_json(item)
                self.assertEqual((i["due"], i["expires"]), (expected.isoformat(),) * 2)

    def test_add_accepts_the_29th_of_february_in_a_leap_year(self):
        item = self.item("Visa", "Leap", "--due", "2028-02-29")
        self.assertEqual(self.item_json(item)["due"], "2028-02-29")

    def test_add_with_an_invalid_date_exits_2_and_adds_nothing(self):
        before = self.snapshot()
        for option in ("--due", "--expires"):
            for date in BAD_DATES:
                with self.subTest(option=option, date=date):
                    r = self.folio("item", "add", "Visa", "Passport", option, date)
                    self.assertFails(r, 2, mentions=("date",))
                    self.assertUnchanged(before)
        self.assertEqual(self.items("Visa"), [])

    def test_add_with_an_unknown_state_exits_2_and_adds_nothing(self):
        before = self.snapshot()
        for state in BAD_STATES:
            with self.subTest(state=state):
                r = self.folio("item", "add", ZH, "护照", "--state", state)
                self.assertFails(r, 2, mentions=("state",))
                self.assertUnchanged(before)

    def test_add_to_an_unknown_checklist_exits_3_and_adds_nothing(self):
        before = self.snapshot()
        for checklist in ("nosuch", "visa", "留学"):
            with self.subTest(checklist=checklist):
                self.assertFails(self.folio("item", "add", checklist, "Passport"), 3,
                                 mentions=(checklist,))
                self.assertUnchanged(before)

    def test_add_with_an_empty_title_exits_2_and_adds_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("item", "add", "Visa", ""), 2, mentions=("title",))
        self.assertUnchanged(before)

    def test_add_to_a_checklist_named_by_id_prefix(self):
        item = self.item(self.zh[:4], "护照")
        self.assertEqual(self.item_json(item)["checklist"], self.zh)


class AddressingTest(ItemTestCase):

    def setUp(self):
        super().setUp()
        self.en_items = self.fill("Visa", ("Passport", "Photos", "Form"))
        self.zh_items = self.fill(ZH, ("护照", "照片", "申请表"))

    def test_an_item_is_found_by_its_full_id(self):
        for item in self.en_items + self.zh_items:
            self.assertEqual(self.item_json(item)["id"], item)

    def test_an_item_is_found_by_a_unique_prefix_of_4_or_more_characters(self):
        item = self.zh_items[1]
        for prefix in (item[:4], item[:6], item[:7]):
            with self.subTest(prefix=prefix):
                self.assertEqual(self.item_json(prefix)["id"], item)

    def test_a_prefix_of_3_characters_is_not_enough(self):
        self.assertFails(self.folio("item", "show", self.en_items[0][:3]), 3)

    def test_an_item_is_found_as_checklist_colon_number(self):
        for ref, item in (("Visa:1", self.en_items[0]), ("Visa:3", self.en_items[2]),
                          (f"{ZH}:2", self.zh_items[1]), (f"{self.zh}:3", self.zh_items[2]),
                          (f"{self.en[:4]}:2", self.en_items[1])):
            with self.subTest(ref=ref):
                i = self.item_json(ref)
                self.assertEqual(i["id"], item)

    def test_show_says_checklist_colon_number(self):
        r = self.folio("item", "show", self.zh_items[1])
        self.assertOk(r)
        self.assertIn(f"{ZH}:2", r.out)
        i = self.item_json(self.zh_items[1])
        self.assertEqual((i["checklist_name"], i["number"]), (ZH, 2))

    def test_a_checklist_name_with_a_colon_still_works_as_name_colon_number(self):
        self.new_id("checklist", "new", "Visa: 2027")
        item = self.item("Visa: 2027", "Passport")
        self.assertEqual(self.item_json("Visa: 2027:1")["id"], item)

    def test_an_unknown_item_exits_3_for_every_item_command(self):
        before = self.snapshot()
        for ref in ("Visa:0", "Visa:4", "Visa:-1", "Visa:1x", f"{ZH}:9", "留学:1", "nosuch",
                    "zzzzzzzz"):
            for args in (["item", "show", ref], ["item", "show", ref, "--json"],
                         ["item", "set", ref, "--state", "done"], ["item", "done", ref],
                         ["item", "rm", ref, "--yes"], ["item", "move", ref, "--to", "1"],
                         ["attachments", ref]):
                with self.subTest(args=args):
                    self.assertFails(self.folio(*args), 3)
                    self.assertUnchanged(before)


class SetTest(ItemTestCase):

    def setUp(self):
        super().setUp()
        self.passport = self.item(ZH, "护照", "--due", "2027-01-10", "--expires", "2036-01-10",
                                  "--notes", "旧护照也要带")

    def test_set_changes_the_title_and_keeps_the_rest(self):
        self.assertOk(self.folio("item", "set", f"{ZH}:1", "--title", "Passport (new)"))
        i = self.item_json(self.passport)
        self.assertEqual((i["title"], i["state"], i["due"], i["expires"], i["notes"]),
                         ("Passport (new)", "needed", "2027-01-10", "2036-01-10", "旧护照也要带"))

    def test_set_accepts_each_of_the_eight_states(self):
        for state in STATES:
            with self.subTest(state=state):
                self.assertOk(self.folio("item", "set", self.passport, "--state", state))
                self.assertEqual(self.item_json(self.passport)["state"], state)

    def test_set_changes_due_expires_and_notes(self):
        self.assertOk(self.folio("item", "set", self.passport[:5], "--due", "2027-02-28",
                                 "--expires", "tomorrow", "--notes", "bring the old one"))
        i = self.item_json(self.passport)
        self.assertEqual((i["due"], i["expires"], i["notes"]),
                         ("2027-02-28", (today() + datetime.timedelta(1)).isoformat(),
                          "bring the old one"))

    def test_no_due_no_expires_and_no_notes_remove_them(self):
        self.assertOk(self.folio("item", "set", self.passport, "--no-due"))
        i = self.item_json(self.passport)
        self.assertEqual((i["due"], i["expires"], i["notes"]), (None, "2036-01-10", "旧护照也要带"))
        self.assertOk(self.folio("item", "set", self.passport, "--no-expires", "--no-notes"))
        i = self.item_json(self.passport)
        self.assertEqual((i["due"], i["expires"], i["notes"]), (None, None, None))

    def test_a_date_and_its_no_option_together_exit_2_and_change_nothing(self):
        # CLI.md: `--due DATE|--no-due`, `--expires DATE|--no-expires`, `--notes N|--no-notes`.
        before = self.snapshot()
        for args in (["--due", "2027-05-01", "--no-due"], ["--no-due", "--due", "2027-05-01"],
                     ["--expires", "2030-01-01", "--no-expires"],
                     ["--notes", "x", "--no-notes"]):
            with self.subTest(args=args):
                self.assertFails(self.folio("item", "set", self.passport, *args), 2)
                self.assertUnchanged(before)

    def test_set_with_an_invalid_date_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        for option in ("--due", "--expires"):
            for date in BAD_DATES:
                with self.subTest(option=option, date=date):
                    r = self.folio("item", "set", self.passport, option, date)
                    self.assertFails(r, 2, mentions=("date",))
                    self.assertUnchanged(before)

    def test_set_with_an_unknown_state_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        for state in BAD_STATES:
            with self.subTest(state=state):
                r = self.folio("item", "set", self.passport, "--state", state)
                self.assertFails(r, 2, mentions=("state",))
                self.assertUnchanged(before)

    def test_set_with_an_empty_title_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("item", "set", self.passport, "--title", ""), 2)
        self.assertUnchanged(before)


class DoneTest(ItemTestCase):

    def test_done_sets_the_state_and_prints_the_progress_on_stderr(self):
        self.fill(ZH, ("护照", "照片"))
        self.item(ZH, "体检", "--state", "n/a")
        r = self.folio("item", "done", f"{ZH}:2")
        self.assertOk(r)
        self.assertEqual(self.item_json(f"{ZH}:2")["state"], "done")
        self.assertIn("1 of 2 done", r.err)
        self.assertIn(ZH, r.err)
        self.assertNotIn("of 2 done", r.out, "progress goes to stderr")

    def test_done_by_id_prefix_counts_towards_the_checklist_progress(self):
        items = self.fill("Visa", ("Passport", "Photos", "Form"))
        for item in items[:2]:
            self.assertOk(self.folio("item", "done", item[:4]))
        [c] = [c for c in self.json_of("checklist", "list", "--json") if c["name"] == "Visa"]
        self.assertEqual((c["done"], c["applicable"], c["items"]), (2, 3, 3))

    def test_done_twice_keeps_it_done(self):
        self.item("Visa", "Passport")
        self.assertOk(self.folio("item", "done", "Visa:1"))
        r = self.folio("item", "done", "Visa:1")
        self.assertOk(r)
        self.assertIn("1 of 1 done", r.err)


class RmTest(ItemTestCase):

    def setUp(self):
        super().setUp()
        self.ids = self.fill(ZH, ("护照", "照片", "申请表", "体检", "机票"))

    def test_rm_with_yes_deletes_the_item_and_the_later_ones_move_up(self):
        self.assertOk(self.folio("item", "rm", f"{ZH}:2", "--yes"))
        self.assertEqual(self.titles(ZH), ["护照", "申请表", "体检", "机票"])
        self.assertNumbered(ZH)
        self.assertEqual(self.item_json(f"{ZH}:2")["id"], self.ids[2])
        self.assertFails(self.folio("item", "show", self.ids[1]), 3)

    def test_removing_first_and_last_items_keeps_numbers_without_gaps(self):
        for ref in (f"{ZH}:1", f"{ZH}:4", self.ids[2][:5]):
            with self.subTest(ref=ref):
                self.assertOk(self.folio("item", "rm", ref, "-y"))
                self.assertNumbered(ZH)
        self.assertEqual(self.titles(ZH), ["照片", "体检"])

    def test_rm_without_yes_and_without_a_terminal_exits_9_and_deletes_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("item", "rm", f"{ZH}:1"), 9, mentions=("--yes", "confirm"))
        self.assertUnchanged(before)

    def test_rm_on_a_terminal_answered_no_keeps_the_item(self):
        before = self.snapshot()
        r = self.folio_pty("item", "rm", f"{ZH}:3", steps=[(r"\[y/N\]", b"n\n")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertIn("申请表", r.output, "the question names the item")
        self.assertUnchanged(before)

    def test_rm_keeps_the_other_checklists_numbers(self):
        en = self.fill("Visa", ("Passport", "Photos"))
        self.assertOk(self.folio("item", "rm", f"{ZH}:1", "--yes"))
        self.assertEqual([i["id"] for i in self.items("Visa")], en)


class MoveTest(ItemTestCase):

    def setUp(self):
        super().setUp()
        self.ids = self.fill("Visa", ("a", "b", "c", "d", "e"))

    def test_move_down_within_a_checklist_renumbers_and_prints_the_new_place(self):
        r = self.folio("item", "move", "Visa:1", "--to", "4")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "Visa:4")
        self.assertEqual(self.titles("Visa"), ["b", "c", "d", "a", "e"])
        self.assertNumbered("Visa")

    def test_move_up_within_a_checklist_renumbers(self):
        r = self.folio("item", "move", self.ids[4], "--to", "2")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "Visa:2")
        self.assertEqual(self.titles("Visa"), ["a", "e", "b", "c", "d"])
        self.assertNumbered("Visa")

    def test_move_to_its_own_place_changes_no_order(self):
        self.assertOk(self.folio("item", "move", "Visa:3", "--to", "3"))
        self.assertEqual(self.titles("Visa"), ["a", "b", "c", "d", "e"])

    def test_move_to_another_checklist_appends_it_and_renumbers_both(self):
        self.fill(ZH, ("护照", "照片"))
        r = self.folio("item", "move", "Visa:2", "--list", ZH)
        self.assertOk(r)
        self.assertEqual(r.out.strip(), f"{ZH}:3")
        self.assertEqual(self.titles(ZH), ["护照", "照片", "b"])
        self.assertEqual(self.titles("Visa"), ["a", "c", "d", "e"])
        self.assertNumbered(ZH)
        self.assertNumbered("Visa")
        i = self.item_json(self.ids[1])
        self.assertEqual((i["checklist"], i["checklist_name"], i["number"]), (self.zh, ZH, 3))

    def test_move_to_another_checklist_at_a_position(self):
        self.fill(ZH, ("护照", "照片"))
        r = self.folio("item", "move", self.ids[3], "--list", self.zh[:4], "--to", "1")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), f"{ZH}:1")
        self.assertEqual(self.titles(ZH), ["d", "护照", "照片"])
        self.assertNumbered(ZH)
        self.assertNumbered("Visa")

    def test_move_into_an_empty_checklist_makes_it_number_1(self):
        r = self.folio("item", "move", "Visa:5", "--list", ZH)
        self.assertOk(r)
        self.assertEqual(r.out.strip(), f"{ZH}:1")
        self.assertEqual(self.titles(ZH), ["e"])

    def test_a_moved_item_keeps_its_id_state_dates_and_notes(self):
        self.assertOk(self.folio("item", "set", "Visa:2", "--state", "obtained", "--due",
                                 "2027-01-01", "--expires", "2030-01-01", "--notes", "原件"))
        self.assertOk(self.folio("item", "move", "Visa:2", "--list", ZH))
        i = self.item_json(f"{ZH}:1")
        self.assertEqual((i["id"], i["state"], i["due"], i["expires"], i["notes"]),
                         (self.ids[1], "obtained", "2027-01-01", "2030-01-01", "原件"))

    def test_move_outside_1_to_n_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        for to in ("0", "6", "99", "-1"):
            with self.subTest(to=to):
                self.assertFails(self.folio("item", "move", "Visa:1", "--to", to), 2)
                self.assertUnchanged(before)
        self.assertFails(self.folio("item", "move", "Visa:1", "--list", ZH, "--to", "2"), 2)
        self.assertUnchanged(before)

    def test_move_to_an_unknown_checklist_exits_3_and_changes_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("item", "move", "Visa:1", "--list", "nosuch"), 3)
        self.assertUnchanged(before)

    def test_move_without_to_or_list_exits_2(self):
        before = self.snapshot()
        self.assertFails(self.folio("item", "move", "Visa:1"), 2)
        self.assertUnchanged(before)


class ShowTest(ItemTestCase):

    def test_show_prints_title_place_state_dates_and_notes(self):
        item = self.item(ZH, "护照", "--state", "submitted", "--due", "2027-04-01",
                         "--expires", "2036-04-01", "--notes", "交给大使馆")
        r = self.folio("item", "show", item)
        self.assertOk(r)
        for text in ("护照", item, f"{ZH}:1", "submitted", "2027-04-01", "2036-04-01",
                     "交给大使馆"):
            self.assertIn(text, r.out)

    def test_show_json_has_the_fields_of_an_item(self):
        item = self.item("Visa", "Passport", "--due", "2027-04-01")
        i = self.item_json("Visa:1")
        self.assertTrue({"id", "title", "state", "due", "expires", "notes", "number",
                         "checklist", "checklist_name", "created", "updated", "attachments",
                         "attachment_list", "entries"} <= set(i), i)
        self.assertEqual((i["id"], i["title"], i["due"], i["checklist"], i["number"]),
                         (item, "Passport", "2027-04-01", self.en, 1))
        self.assertEqual((i["attachments"], i["attachment_list"], i["entries"]), (0, [], []))
        self.assertRegex(i["created"], UTC_TIME)


class LinkedEntryTest(ItemTestCase):

    def setUp(self):
        super().setUp()
        self.passport = self.item(ZH, "护照")

    def test_add_item_links_the_entry_and_item_show_lists_it(self):
        entry = self.add("给大使馆打了电话。\n", "--title", "电话", "--item", f"{ZH}:1")
        r = self.folio("item", "show", f"{ZH}:1")
        self.assertOk(r)
        self.assertIn(entry, r.out)
        self.assertIn("电话", r.out)
        entries = self.item_json(self.passport)["entries"]
        self.assertEqual([e["id"] for e in entries], [entry])
        self.assertEqual(entries[0]["title"], "电话")

    def test_add_item_by_id_prefix_links_the_entry(self):
        entry = self.add("booked the appointment", "--item", self.passport[:4])
        self.assertEqual([e["id"] for e in self.item_json(self.passport)["entries"]], [entry])

    def test_several_entries_can_be_linked_to_one_item(self):
        first = self.add("first call", "--item", self.passport)
        second = self.add("second call", "--item", self.passport)
        self.assertEqual({e["id"] for e in self.item_json(self.passport)["entries"]},
                         {first, second})

    def test_an_entry_linked_to_an_item_is_still_a_normal_entry(self):
        entry = self.add("body", "--item", self.passport, "-t", "visa")
        self.assertRegex(entry, ENTRY_ID)
        self.assertEqual(self.show_json(entry)["tags"], ["visa"])
        self.assertIn(entry, self.ids())

    def test_deleting_a_linked_entry_removes_it_from_item_show(self):
        entry = self.add("to be deleted", "--item", self.passport)
        self.assertOk(self.folio("rm", "--yes", entry))
        self.assertEqual(self.item_json(self.passport)["entries"], [])

    def test_add_item_with_an_unknown_item_exits_3_and_adds_no_entry(self):
        before = self.snapshot()
        for ref in ("nosuch", f"{ZH}:2", "留学:1"):
            with self.subTest(ref=ref):
                r = self.folio("add", "--item", ref, "--text", "orphan")
                self.assertFails(r, 3)
                self.assertUnchanged(before)
        self.assertEqual(self.list_json(), [])


if __name__ == "__main__":
    main()
