"""What folio says about the records it touches (issue 18, point 9).

A wrong id is reported as a wrong id, even where confirmation would be asked;
ids are found whatever their case; every command that changes a record names
it by id and title, so a mistyped prefix shows at once; built-in templates get
their own message. (The copy ids of `import --dry-run` are checked in
test_backup.py, the panic during an editor session in test_wipe.py.)
"""

from folio_test import FolioTestCase, main


class MessagesTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.entry = self.add("the body", "--title", "签证 interview")
        self.list_id = self.new_id("checklist", "new", "Visa")
        self.item = self.new_id("item", "add", "Visa", "Bank statement")

    def test_rm_of_an_unknown_id_without_yes_says_no_such_id(self):
        before = self.snapshot()
        r = self.folio("rm", "zzzz9999")
        self.assertFails(r, 3)
        self.assertIn("no record with id 'zzzz9999'", r.err)
        self.assertNotIn("confirmation", r.err)
        for args in (("item", "rm", "Visa:9"), ("item", "rm", "zzzz9999"), ("checklist", "rm", "No such list")):
            r = self.folio(*args)
            self.assertFails(r, 3)
            self.assertNotIn("confirmation", r.err, args)
        self.assertUnchanged(before)

    def test_rm_of_a_known_id_without_yes_and_no_terminal_still_asks_for_yes(self):
        r = self.folio("rm", self.entry)
        self.assertFails(r, 9)
        self.assertIn("not deleting without confirmation", r.err)
        self.assertEqual(len(self.ids()), 1)

    def test_ids_are_found_whatever_their_case(self):
        self.assertEqual(self.show_json(self.entry.upper())["id"], self.entry)
        self.assertEqual(self.show_json(self.entry[:5].upper())["id"], self.entry)
        self.assertEqual(self.item_json(self.item.upper())["id"], self.item)
        self.assertOk(self.folio("rm", "--yes", self.entry.upper()))
        self.assertEqual(self.ids(), [])

    def test_every_change_names_the_record_by_id_and_title(self):
        cases = [
            (("item", "set", "Visa:1", "--state", "obtained"), f'updated item {self.item} "Bank statement"'),
            (("item", "done", "Visa:1"), f'done: item {self.item} "Bank statement"'),
            (("item", "move", "Visa:1", "--to", "1"), f'moved item {self.item} "Bank statement"'),
            (("edit", self.entry, "--add-tag", "x"), f'updated entry {self.entry} "签证 interview"'),
            (("checklist", "rename", "Visa", "Work visa"), f'renamed checklist {self.list_id} "Work visa"'),
        ]
        for args, said in cases:
            r = self.folio(*args)
            self.assertOk(r)
            self.assertIn("folio: " + said, r.err, args)
        r = self.folio("add", "--title", "new one", input="text")
        self.assertOk(r)
        self.assertIn(f'folio: added entry {r.out.strip()} "new one"', r.err)
        r = self.folio("item", "add", "Work visa", "Passport")
        self.assertOk(r)
        self.assertEqual(r.out.strip().count("\n"), 0, "stdout is still the id alone, for scripts")
        self.assertIn(f'folio: added item {r.out.strip()} "Passport"', r.err)

    def test_deleting_names_the_record_by_kind_id_and_title(self):
        r = self.folio("item", "rm", "--yes", self.item)
        self.assertOk(r)
        self.assertEqual(r.out, f'deleted item {self.item} "Bank statement"\n')
        r = self.folio("rm", "--yes", self.entry)
        self.assertOk(r)
        self.assertEqual(r.out, f'deleted entry {self.entry} "签证 interview"\n')
        r = self.folio("checklist", "rm", "--yes", "Visa")
        self.assertOk(r)
        self.assertEqual(r.out, f'deleted checklist {self.list_id} "Visa"\n')

    def test_a_title_with_escape_sequences_is_shown_harmless(self):
        item = self.new_id("item", "add", "Visa", "evil\x1b]0;owned\x07title")
        r = self.folio("item", "rm", "--yes", item)
        self.assertOk(r)
        self.assertNotIn("\x1b", r.out + r.err)

    def test_template_rm_of_a_built_in_says_it_is_built_in(self):
        for name in ("study-abroad", "留学"):
            r = self.folio("template", "rm", name)
            self.assertFails(r, 9)
            self.assertIn("is a built-in template", r.err)
            self.assertNotIn("no saved template", r.err)
        r = self.folio("template", "rm", "no-such-template")
        self.assertFails(r, 3)
        self.assertIn("no saved template named 'no-such-template'", r.err)


if __name__ == "__main__":
    main()
