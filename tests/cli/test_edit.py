#!/usr/bin/python3
"""`folio edit` without an editor: stdin, --text, --title, --add-tag, --rm-tag, --date."""

import datetime

from folio_test import PASSPHRASE, FolioTestCase, main, need_sqlcipher, run_sql


class EditTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.entry = self.add("Original body.\n", "--title", "Original", "-t", "keep", "-t", "drop")

    def test_edit_reads_the_new_body_from_stdin_and_keeps_title_and_tags(self):
        r = self.folio("edit", self.entry, input="New body.\n")
        self.assertOk(r)
        e = self.show_json(self.entry)
        self.assertEqual(e["body"].rstrip("\n"), "New body.")
        self.assertEqual(e["title"], "Original")
        self.assertEqual(sorted(e["tags"]), ["drop", "keep"])

    def test_edit_text_replaces_the_body(self):
        self.assertOk(self.folio("edit", self.entry, "--text", "From --text"))
        self.assertEqual(self.show_json(self.entry)["body"], "From --text")

    def test_edit_title_changes_only_the_title(self):
        self.assertOk(self.folio("edit", self.entry, "--title", "Renamed", input="ignored\n"))
        e = self.show_json(self.entry)
        self.assertEqual(e["title"], "Renamed")
        self.assertEqual(e["body"].rstrip("\n"), "Original body.")
        self.assertEqual(sorted(e["tags"]), ["drop", "keep"])

    def test_edit_empty_title_removes_the_title(self):
        self.assertOk(self.folio("edit", self.entry, "--title", ""))
        e = self.show_json(self.entry)
        self.assertIsNone(e["title"])
        self.assertEqual(e["body"].rstrip("\n"), "Original body.")

    def test_edit_add_tag_and_rm_tag_change_only_the_tags(self):
        self.assertOk(self.folio("edit", self.entry, "--add-tag", "New", "--add-tag", "more",
                                 "--rm-tag", "drop"))
        e = self.show_json(self.entry)
        self.assertEqual(sorted(e["tags"]), ["keep", "more", "new"])
        self.assertEqual(e["body"].rstrip("\n"), "Original body.")
        self.assertEqual(e["title"], "Original")

    def test_rm_tag_of_a_tag_the_entry_does_not_have_changes_nothing_else(self):
        r = self.folio("edit", self.entry, "--rm-tag", "absent")
        self.assertIn(r.rc, (0, 3), r.describe())
        self.assertEqual(sorted(self.show_json(self.entry)["tags"]), ["drop", "keep"])

    def test_edit_stdin_with_title_changes_both(self):
        self.assertOk(self.folio("edit", self.entry, "--stdin", "--title", "Both",
                                 input="Body from stdin.\n"))
        e = self.show_json(self.entry)
        self.assertEqual(e["title"], "Both")
        self.assertEqual(e["body"].rstrip("\n"), "Body from stdin.")

    def test_edit_by_unique_prefix(self):
        self.assertOk(self.folio("edit", self.entry[:4], "--title", "Prefix"))
        self.assertEqual(self.show_json(self.entry)["title"], "Prefix")

    def test_edit_moves_updated_and_keeps_created(self):
        need_sqlcipher(self)
        run_sql(self.vault, PASSPHRASE,
                "UPDATE entries SET created = '2026-01-01T10:00:00Z', "
                f"updated = '2026-01-01T10:00:00Z' WHERE uid = '{self.entry}';")
        before = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertOk(self.folio("edit", self.entry, "--title", "Later"))
        e = self.show_json(self.entry)
        self.assertEqual(e["created"], "2026-01-01T10:00:00Z")
        self.assertGreaterEqual(e["updated"], before)

    def test_edit_keeps_chinese_text(self):
        self.assertOk(self.folio("edit", self.entry, "--title", "读书笔记", "--add-tag", "读书",
                                 "--stdin", input="第一章讲的是时间。\n"))
        e = self.show_json(self.entry)
        self.assertEqual(e["title"], "读书笔记")
        self.assertIn("读书", e["tags"])
        self.assertEqual(e["body"].rstrip("\n"), "第一章讲的是时间。")

    def test_edit_with_empty_stdin_cancels_with_10_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("edit", self.entry, input="")
        self.assertFails(r, 10)
        self.assertUnchanged(before)

    def test_edit_with_invalid_utf8_on_stdin_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("edit", self.entry, input=b"bad \xff\xfe bytes\n")
        self.assertFails(r, 2, mentions=("utf-8", "utf8"))
        self.assertUnchanged(before)

    def test_edit_unknown_id_exits_3_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("edit", "zzzzzzzz", "--title", "x")
        self.assertFails(r, 3)
        self.assertUnchanged(before)

    def test_edit_with_a_bad_tag_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("edit", self.entry, "--add-tag", "two words")
        self.assertFails(r, 2, mentions=("tag",))
        self.assertUnchanged(before)

    def test_edit_prints_nothing_on_stdout_or_just_the_id(self):
        r = self.folio("edit", self.entry, "--title", "Quiet")
        self.assertOk(r)
        self.assertIn(r.out.strip(), ("", self.entry))

    # --- --date (docs/CLI.md, "folio edit ID") --------------------------------

    def test_edit_date_alone_moves_the_entry_and_keeps_its_text(self):
        before = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        # stdin is /dev/null and there is no terminal: neither is needed.
        r = self.folio("edit", self.entry, "--date", "2026-01-15")
        self.assertOk(r)
        self.assertIn("now dated 2026-01-15", r.err)
        e = self.show_json(self.entry)
        self.assertEqual(e["created"][:10], "2026-01-15")
        self.assertGreaterEqual(e["updated"], before)
        self.assertEqual(e["body"].rstrip("\n"), "Original body.")
        self.assertEqual(e["title"], "Original")
        self.assertEqual(sorted(e["tags"]), ["drop", "keep"])
        listed = [s for s in self.list_json() if s["id"] == self.entry]
        self.assertEqual(listed[0]["created"][:10], "2026-01-15")

    def test_edit_date_with_a_new_body_from_stdin_changes_both(self):
        self.assertOk(self.folio("edit", self.entry, "--date", "2026-01-15", "--stdin",
                                 input="Written after midnight.\n"))
        e = self.show_json(self.entry)
        self.assertEqual(e["created"][:10], "2026-01-15")
        self.assertEqual(e["body"].rstrip("\n"), "Written after midnight.")
        self.assertEqual(e["title"], "Original")

    def test_edit_an_invalid_date_exits_2_and_changes_nothing(self):
        shown = self.show_json(self.entry)
        before = self.snapshot()
        for text, says in (("2026-02-30", "no such day"), ("blah", "YYYY-MM-DD"),
                           ("tomorrow", "in the future"), ("", "YYYY-MM-DD")):
            with self.subTest(date=text):
                r = self.folio("edit", self.entry, "--date", text, "--stdin", input="Not saved.\n")
                line = self.assertFails(r, 2, mentions=(says,))
                self.assertIn(f"'{text}'", line)
                # As for add: refused before the passphrase is asked for.
                r = self.folio("edit", self.entry, "--date", text, passphrase_file=None)
                self.assertFails(r, 2, mentions=(says,))
        self.assertUnchanged(before)
        self.assertEqual(self.show_json(self.entry), shown)

    def test_list_order_follows_the_new_date(self):
        older = self.add("older\n", "--date", "2026-01-10")
        newer = self.add("newer\n", "--date", "2026-01-20")
        self.assertEqual(self.ids(), [self.entry, newer, older])
        self.assertOk(self.folio("edit", older, "--date", "2026-01-25"))
        self.assertEqual(self.ids(), [self.entry, older, newer])
        self.assertEqual(self.ids("--since", "2026-01-21", "--until", "2026-01-31"), [older])
        self.assertOk(self.folio("edit", self.entry, "--date", "2026-01-01"))
        self.assertEqual(self.ids(), [older, newer, self.entry])

    def test_edit_to_the_entrys_own_date_changes_nothing(self):
        dated = self.add("dated\n", "--date", "2026-01-10")
        shown = self.show_json(dated)
        r = self.folio("edit", dated, "--date", "2026-01-10")
        self.assertOk(r)
        self.assertIn("no change", r.err)
        self.assertEqual(self.show_json(dated), shown, "the time of day is kept too")


if __name__ == "__main__":
    main()
