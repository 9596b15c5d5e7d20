#!/usr/bin/python3
"""Checklists: new, list, show, rename, rm, with English and Chinese names;
progress counts ("7 of 12 done", n/a left out) in text and JSON."""

import datetime
from zoneinfo import ZoneInfo

from folio_test import ENTRY_ID, UTC_TIME, FolioTestCase, main

CHINESE_NAME = "德国留学"
CHINESE_DESCRIPTION = "2027 年秋季入学所需的材料"
BAD_DATES = ("2026-02-30", "banana", "2026-13-01", "2025-02-29", "2026-1-5")


def today(tz: str = "UTC") -> datetime.date:
    return datetime.datetime.now(ZoneInfo(tz)).date()


class ChecklistTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def new(self, name: str, *options, **kw) -> str:
        return self.new_id("checklist", "new", name, *options, **kw)

    def item(self, checklist: str, title: str, *options, **kw) -> str:
        return self.new_id("item", "add", checklist, title, *options, **kw)

    def lists(self) -> list:
        return self.json_of("checklist", "list", "--json")


class NewTest(ChecklistTestCase):

    def test_new_prints_the_id_and_the_checklist_is_listed(self):
        checklist = self.new("Visa")
        self.assertEqual([(c["id"], c["name"]) for c in self.lists()], [(checklist, "Visa")])

    def test_a_chinese_name_round_trips_through_new_list_and_show(self):
        checklist = self.new(CHINESE_NAME)
        self.assertEqual(self.lists()[0]["name"], CHINESE_NAME)
        self.assertEqual(self.checklist_json(CHINESE_NAME)["id"], checklist)
        r = self.folio("checklist", "list")
        self.assertOk(r)
        self.assertIn(CHINESE_NAME, r.out)
        self.assertIn(checklist, r.out)

    def test_description_and_target_are_stored_and_shown(self):
        self.new(CHINESE_NAME, "--description", CHINESE_DESCRIPTION, "--target", "2027-09-01")
        c = self.checklist_json(CHINESE_NAME)
        self.assertEqual((c["description"], c["target"]), (CHINESE_DESCRIPTION, "2027-09-01"))
        r = self.folio("checklist", "show", CHINESE_NAME)
        self.assertOk(r)
        self.assertIn(CHINESE_DESCRIPTION, r.out)
        self.assertIn("2027-09-01", r.out)
        self.assertIn("2027-09-01", self.folio("checklist", "list").out)

    def test_a_checklist_without_description_or_target_has_nulls_in_json(self):
        self.new("Plain")
        c = self.lists()[0]
        self.assertIsNone(c["description"])
        self.assertIsNone(c["target"])

    def test_target_accepts_relative_days_in_the_local_time_zone(self):
        for tz in ("UTC", "Pacific/Kiritimati", "America/Los_Angeles"):
            with self.subTest(tz=tz):
                name = f"in 10 days {tz}"
                self.new(name, "--target", "in 10 days", env=self.env(TZ=tz))
                expected = today(tz) + datetime.timedelta(days=10)
                self.assertEqual(self.checklist_json(name)["target"], expected.isoformat())

    def test_an_invalid_target_date_exits_2_and_creates_nothing(self):
        before = self.snapshot()
        for date in BAD_DATES:
            with self.subTest(date=date):
                r = self.folio("checklist", "new", "Visa", "--target", date)
                self.assertFails(r, 2, mentions=("date", date))
                self.assertUnchanged(before)
        self.assertEqual(self.lists(), [])

    def test_an_empty_name_exits_2_and_creates_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("checklist", "new", ""), 2, mentions=("name", "empty"))
        self.assertUnchanged(before)

    def test_a_duplicate_name_exits_7_and_changes_nothing(self):
        self.new("Visa")
        self.new(CHINESE_NAME)
        before = self.snapshot()
        for name in ("Visa", CHINESE_NAME):
            with self.subTest(name=name):
                r = self.folio("checklist", "new", name, "--template", "work-visa")
                self.assertFails(r, 7, mentions=("exists", name))
                self.assertUnchanged(before)
        self.assertEqual(len(self.lists()), 2)


class ListTest(ChecklistTestCase):

    def test_list_on_an_empty_vault_prints_nothing_and_an_empty_json_array(self):
        r = self.folio("checklist", "list")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "")
        self.assertEqual(self.lists(), [])

    def test_list_json_has_the_documented_fields(self):
        checklist = self.new("Visa", "--description", "papers", "--target", "2027-01-31")
        self.item("Visa", "Passport", "--state", "done")
        self.item("Visa", "Photos")
        [c] = self.lists()
        self.assertTrue({"id", "name", "description", "target", "done", "applicable", "items",
                         "created", "updated"} <= set(c), c)
        self.assertEqual((c["id"], c["name"], c["description"], c["target"]),
                         (checklist, "Visa", "papers", "2027-01-31"))
        self.assertEqual((c["done"], c["applicable"], c["items"]), (1, 2, 2))
        self.assertRegex(c["created"], UTC_TIME)
        self.assertRegex(c["updated"], UTC_TIME)

    def test_progress_leaves_n_a_items_out(self):
        self.new("Moving")
        for i in range(14):
            state = "done" if i < 7 else "n/a" if i in (9, 12) else "needed"
            self.item("Moving", f"document {i + 1}", "--state", state)
        [c] = self.lists()
        self.assertEqual((c["done"], c["applicable"], c["items"]), (7, 12, 14))
        self.assertIn("7 of 12 done", self.folio("checklist", "list").out)
        self.assertIn("7 of 12 done", self.folio("checklist", "show", "Moving").out)
        shown = self.checklist_json("Moving")
        self.assertEqual((shown["done"], shown["applicable"], shown["items"]), (7, 12, 14))

    def test_progress_counts_only_done_items_as_done(self):
        self.new(CHINESE_NAME)
        for state in ("needed", "requested", "obtained", "translated", "notarized",
                      "submitted", "done", "n/a"):
            self.item(CHINESE_NAME, f"材料 {state}", "--state", state)
        [c] = self.lists()
        self.assertEqual((c["done"], c["applicable"], c["items"]), (1, 7, 8))
        self.assertIn("1 of 7 done", self.folio("checklist", "list").out)

    def test_a_checklist_of_only_n_a_items_is_zero_of_zero(self):
        self.new("Nothing to do")
        self.item("Nothing to do", "Visa", "--state", "n/a")
        [c] = self.lists()
        self.assertEqual((c["done"], c["applicable"], c["items"]), (0, 0, 1))

    def test_list_shows_every_checklist_with_its_progress(self):
        a = self.new("Visa")
        b = self.new(CHINESE_NAME)
        self.item("Visa", "Passport", "--state", "done")
        self.item(CHINESE_NAME, "护照")
        self.item(CHINESE_NAME, "照片", "--state", "done")
        self.item(CHINESE_NAME, "体检")
        out = self.folio("checklist", "list").out
        line_a = next(line for line in out.splitlines() if a in line)
        line_b = next(line for line in out.splitlines() if b in line)
        self.assertIn("1 of 1 done", line_a)
        self.assertIn("1 of 3 done", line_b)
        self.assertIn(CHINESE_NAME, line_b)


class ShowTest(ChecklistTestCase):

    def test_show_prints_number_state_due_expires_and_title_of_each_item(self):
        self.new(CHINESE_NAME)
        passport = self.item(CHINESE_NAME, "护照", "--state", "obtained",
                             "--due", "2027-03-01", "--expires", "2035-06-30")
        photos = self.item(CHINESE_NAME, "Passport photos")
        r = self.folio("checklist", "show", CHINESE_NAME)
        self.assertOk(r)
        lines = r.out.splitlines()
        line1 = next(line for line in lines if passport in line)
        line2 = next(line for line in lines if photos in line)
        for text in ("1", "obtained", "2027-03-01", "2035-06-30", "护照"):
            self.assertIn(text, line1)
        self.assertRegex(line1, r"^\s*1\s")
        self.assertRegex(line2, r"^\s*2\s")
        self.assertIn("needed", line2)
        self.assertIn("Passport photos", line2)
        self.assertLess(r.out.index(passport), r.out.index(photos))

    def test_show_json_lists_the_items_in_order_with_their_fields(self):
        checklist = self.new("Visa")
        ids = [self.item("Visa", title) for title in ("Passport", "签证申请表", "Photos")]
        c = self.checklist_json("Visa")
        self.assertEqual(c["id"], checklist)
        self.assertEqual([i["id"] for i in c["item_list"]], ids)
        self.assertEqual([i["number"] for i in c["item_list"]], [1, 2, 3])
        first = c["item_list"][1]
        self.assertTrue({"id", "number", "title", "state", "due", "expires", "notes",
                         "attachments", "checklist", "checklist_name"} <= set(first), first)
        self.assertEqual((first["title"], first["state"], first["checklist"],
                          first["checklist_name"], first["attachments"]),
                         ("签证申请表", "needed", checklist, "Visa", 0))

    def test_a_checklist_is_found_by_id_by_prefix_and_by_name(self):
        checklist = self.new(CHINESE_NAME)
        self.new("Other")
        for ref in (checklist, checklist[:4], checklist[:6], CHINESE_NAME):
            with self.subTest(ref=ref):
                self.assertEqual(self.checklist_json(ref)["id"], checklist)

    def test_an_empty_checklist_shows_no_items(self):
        self.new("Empty")
        self.assertOk(self.folio("checklist", "show", "Empty"))
        self.assertEqual(self.checklist_json("Empty")["item_list"], [])

    def test_show_of_an_unknown_checklist_exits_3(self):
        self.new("Visa")
        before = self.snapshot()
        for ref in ("visa", "Vis", "nosuch", "签证", "zzzzzzzz"):
            with self.subTest(ref=ref):
                self.assertFails(self.folio("checklist", "show", ref), 3, mentions=(ref,))
                self.assertFails(self.folio("checklist", "show", ref, "--json"), 3)
        self.assertUnchanged(before)


class RenameTest(ChecklistTestCase):

    def test_rename_changes_the_name_and_keeps_the_id_and_items(self):
        checklist = self.new("Visa")
        item = self.item("Visa", "Passport")
        self.assertOk(self.folio("checklist", "rename", "Visa", CHINESE_NAME))
        [c] = self.lists()
        self.assertEqual((c["id"], c["name"]), (checklist, CHINESE_NAME))
        self.assertEqual(self.item_json(f"{CHINESE_NAME}:1")["id"], item)
        self.assertFails(self.folio("checklist", "show", "Visa"), 3)

    def test_rename_by_id_to_an_english_name(self):
        checklist = self.new(CHINESE_NAME)
        self.assertOk(self.folio("checklist", "rename", checklist[:5], "Study in Germany"))
        self.assertEqual(self.checklist_json("Study in Germany")["id"], checklist)

    def test_rename_to_an_existing_name_exits_7_and_changes_nothing(self):
        self.new("Visa")
        self.new(CHINESE_NAME)
        before = self.snapshot()
        r = self.folio("checklist", "rename", "Visa", CHINESE_NAME)
        self.assertFails(r, 7, mentions=("exists",))
        self.assertUnchanged(before)

    def test_rename_of_an_unknown_checklist_exits_3_and_changes_nothing(self):
        self.new("Visa")
        before = self.snapshot()
        self.assertFails(self.folio("checklist", "rename", "nosuch", "New"), 3)
        self.assertUnchanged(before)

    def test_rename_to_an_empty_name_exits_2_and_changes_nothing(self):
        self.new("Visa")
        before = self.snapshot()
        self.assertFails(self.folio("checklist", "rename", "Visa", ""), 2)
        self.assertUnchanged(before)


class RmTest(ChecklistTestCase):

    def setUp(self):
        super().setUp()
        self.checklist = self.new(CHINESE_NAME)
        self.items = [self.item(CHINESE_NAME, title) for title in ("护照", "照片")]
        scan = self.tmp / "scan.pdf"
        scan.write_bytes(b"%PDF-1.4 scan\n" * 100)
        self.attachment = self.new_id("attach", f"{CHINESE_NAME}:1", scan)

    def test_rm_with_yes_deletes_the_checklist_its_items_and_attachments(self):
        self.assertOk(self.folio("checklist", "rm", CHINESE_NAME, "--yes"))
        self.assertEqual(self.lists(), [])
        for item in self.items:
            self.assertFails(self.folio("item", "show", item), 3)
        self.assertFails(self.folio("extract", self.attachment, "-o", "-"), 3,
                         stdout_empty=True)

    def test_rm_by_id_prefix_deletes_only_that_checklist(self):
        other = self.new("Visa")
        self.assertOk(self.folio("checklist", "rm", self.checklist[:4], "-y"))
        self.assertEqual([c["id"] for c in self.lists()], [other])

    def test_rm_without_yes_and_without_a_terminal_exits_9_and_deletes_nothing(self):
        before = self.snapshot()
        r = self.folio("checklist", "rm", CHINESE_NAME)
        self.assertFails(r, 9, mentions=("--yes", "confirm"))
        self.assertUnchanged(before)
        self.assertEqual(len(self.checklist_json(CHINESE_NAME)["item_list"]), 2)

    def test_rm_on_a_terminal_asks_and_no_keeps_the_checklist(self):
        before = self.snapshot()
        r = self.folio_pty("checklist", "rm", CHINESE_NAME,
                           steps=[(r"\[y/N\]", b"n\n")])
        self.assertEqual(r.rc, 10, "CLI.md: 10 = cancelled (answered no)" + r.describe())
        self.assertIn(CHINESE_NAME, r.output, "the question names the checklist")
        self.assertUnchanged(before)

    def test_rm_on_a_terminal_answered_yes_deletes_the_checklist(self):
        r = self.folio_pty("checklist", "rm", CHINESE_NAME, steps=[(r"\[y/N\]", b"y\n")])
        self.assertOk(r)
        self.assertEqual(self.lists(), [])

    def test_rm_of_an_unknown_checklist_exits_3_and_deletes_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("checklist", "rm", "nosuch", "--yes"), 3)
        self.assertUnchanged(before)

    def test_rm_keeps_journal_entries_linked_to_its_items(self):
        entry = self.add("called the embassy", "--item", f"{CHINESE_NAME}:1")
        self.assertOk(self.folio("checklist", "rm", CHINESE_NAME, "--yes"))
        self.assertEqual(self.show_json(entry)["body"].rstrip("\n"), "called the embassy")

    def test_a_deleted_name_can_be_used_again(self):
        self.assertOk(self.folio("checklist", "rm", CHINESE_NAME, "--yes"))
        again = self.new(CHINESE_NAME)
        self.assertNotEqual(again, self.checklist)
        self.assertRegex(again, ENTRY_ID)
        self.assertEqual(self.checklist_json(CHINESE_NAME)["item_list"], [])


if __name__ == "__main__":
    main()
