#!/usr/bin/python3
"""Free text from standard input ('-') or a prompt instead of an argument
(docs/CLI.md, "Text from standard input or a prompt"): every field through
'-' and the required ones at a prompt on a pty, Chinese included; an empty
answer cancels and changes nothing; two '-' and a '-' beside a body on
standard input are refused; without a terminal a field left out is
"required"; the text never appears in the process's argv; escape sequences
in piped text are shown safe."""

import os
import subprocess
import time

from folio_test import ENTRY_ID, PASSPHRASE, FolioTestCase, main

NAME = "加拿大工签"
TITLE = "无犯罪记录证明"
NOTES = "公证处：周三上午\n带身份证原件\n"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J名字"


class TextInputTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def checklist(self, name: str = "plain") -> str:
        return self.new_id("checklist", "new", name)

    def item(self, checklist: str, title: str = "paper") -> str:
        return self.new_id("item", "add", checklist, title)


class DashTest(TextInputTestCase):
    """Each field given as '-' is read from standard input."""

    def test_checklist_name_and_description_from_stdin(self):
        c = self.new_id("checklist", "new", "-", input=NAME + "\n")
        self.assertEqual(self.checklist_json(c)["name"], NAME, "one trailing newline removed")
        c2 = self.new_id("checklist", "new", "Second", "--description", "-", input=NOTES)
        self.assertEqual(self.checklist_json(c2)["description"], NOTES.rstrip("\n"),
                         "a description keeps its inner line breaks, less the last one")

    def test_rename_and_reference_from_stdin(self):
        c = self.checklist()
        self.assertOk(self.folio("checklist", "rename", c, "-", input=NAME + "\r\n"))
        self.assertEqual(self.checklist_json(c)["name"], NAME, "a CRLF ending is removed too")
        # The checklist itself named on stdin: the name is in no argument.
        r = self.folio("checklist", "show", "-", "--json", input=NAME)
        self.assertOk(r)
        self.assertIn(c, r.out)

    def test_item_title_notes_and_set_from_stdin(self):
        c = self.checklist()
        i = self.new_id("item", "add", c, "-", input=TITLE + "\n")
        self.assertEqual(self.item_json(i)["title"], TITLE)
        j = self.new_id("item", "add", c, "other", "--notes", "-", input=NOTES)
        self.assertEqual(self.item_json(j)["notes"], NOTES.rstrip("\n"))
        self.assertOk(self.folio("item", "set", j, "--title", "-", input="新标题\n"))
        self.assertOk(self.folio("item", "set", j, "--notes", "-", input="第二版\n"))
        self.assertEqual((self.item_json(j)["title"], self.item_json(j)["notes"]), ("新标题", "第二版"))
        # The item named by CHECKLIST:N on stdin.
        self.assertOk(self.folio("checklist", "rename", c, NAME))
        self.assertOk(self.folio("item", "done", "-", input=f"{NAME}:1\n"))
        self.assertEqual(self.item_json(i)["state"], "done")

    def test_template_name_from_stdin(self):
        c = self.checklist()
        self.item(c)
        r = self.folio("checklist", "save-template", c, "-", input="我的模板\n")
        self.assertOk(r)
        names = [t["name"] for t in self.json_of("template", "list", "--json")]
        self.assertIn("我的模板", names)
        self.assertOk(self.folio("template", "rm", "-", input="我的模板\n"))

    def test_entry_title_and_tag_from_stdin_with_edit(self):
        e = self.add("the body")
        self.assertOk(self.folio("edit", e, "--title", "-", input="签证面试\n"))
        self.assertOk(self.folio("edit", e, "--add-tag", "-", input="签证\n"))
        shown = self.show_json(e)
        self.assertEqual((shown["title"], shown["tags"], shown["body"]), ("签证面试", ["签证"], "the body"))
        r = self.folio("list", "--tag", "-", "--json", input="签证\n")
        self.assertOk(r)
        self.assertIn(e, r.out)
        r = self.folio("search", "-", "--json", input="签证面试\n")
        self.assertOk(r)
        self.assertIn(e, r.out)

    def test_add_title_from_stdin_takes_the_body_from_the_editor(self):
        editor = self.write_script("editor", 'for f; do :; done\nprintf "from the editor" > "$f"\n')
        title = self.write_secret_file("title.txt", "面签记录\n")
        # stdin is the title file; the editor still gets the terminal.
        r = self.folio_pty("add", "--title", "-", env=self.env(EDITOR=editor),
                           wrapper=["/bin/sh", "-c", f'exec "$@" < "{title}"', "sh"])
        self.assertOk(r)
        entry = self.list_json()[0]
        shown = self.show_json(entry["id"])
        self.assertEqual((shown["title"], shown["body"]), ("面签记录", "from the editor"))

    def test_a_field_whose_text_is_a_dash(self):
        c = self.new_id("checklist", "new", "-", input="-")
        self.assertEqual(self.checklist_json(c)["name"], "-")


class RefusalTest(TextInputTestCase):

    def test_two_dashes_are_refused_before_anything_changes(self):
        c = self.checklist()
        e = self.add("the body")
        before = self.snapshot()
        for args in (("checklist", "new", "-", "--description", "-"),
                     ("item", "add", c, "-", "--notes", "-"),
                     ("item", "add", "-", "-"),
                     ("add", "--title", "-", "-t", "-", "--text", "body"),
                     ("edit", e, "--add-tag", "-", "--add-tag", "-")):
            r = self.folio(*args, input="text\n")
            self.assertFails(r, 2, mentions=["standard input holds one text"])
        self.assertUnchanged(before)

    def test_a_dash_beside_a_body_on_stdin_is_refused(self):
        e = self.add("the body")
        before = self.snapshot()
        r = self.folio("edit", e, "--title", "-", "--stdin", input="text\n")
        self.assertFails(r, 2, mentions=["the body is read from standard input too"])
        # add without a terminal has nowhere else to take its body from.
        r = self.folio("add", "--title", "-", input="text\n")
        self.assertFails(r, 2, mentions=["no terminal for the editor"])
        self.assertUnchanged(before)

    def test_without_a_terminal_a_left_out_field_is_required(self):
        c = self.checklist()
        before = self.snapshot()
        for args, what in ((("checklist", "new"), "NAME is required"),
                           (("checklist", "rename", c), "NEW-NAME is required"),
                           (("checklist", "save-template", c), "TEMPLATE-NAME is required"),
                           (("item", "add", c), "TITLE is required")):
            for given in (None, "piped text\n"):
                r = self.folio(*args, input=given)
                self.assertIn(what, self.assertFails(r, 2), r.describe())
        self.assertUnchanged(before)

    def test_empty_stdin_cancels_and_a_line_break_in_a_name_is_refused(self):
        c = self.checklist()
        before = self.snapshot()
        self.assertFails(self.folio("checklist", "rename", c, "-", input=" \n"), 10,
                         mentions=["standard input is empty"])
        self.assertFails(self.folio("item", "add", c, "--notes", "-", "t", input=""), 10)
        self.assertFails(self.folio("checklist", "rename", c, "-", input="two\nlines\n"), 2,
                         mentions=["single line"])
        self.assertUnchanged(before)


class PromptTest(TextInputTestCase):
    """A required field left out is asked for on the terminal."""

    def test_each_required_field_at_the_prompt(self):
        r = self.folio_pty("checklist", "new", steps=[(r"Checklist name: ", NAME.encode() + b"\n")])
        self.assertOk(r)
        [c] = [x["id"] for x in self.json_of("checklist", "list", "--json")]
        self.assertEqual(self.checklist_json(c)["name"], NAME)
        self.assertIn(NAME, r.output, "echo is on: the name shows as typed")
        r = self.folio_pty("item", "add", c, steps=[(r"Item title: ", TITLE.encode() + b"\n")])
        self.assertOk(r)
        self.assertEqual(self.checklist_json(c)["item_list"][0]["title"], TITLE)
        r = self.folio_pty("checklist", "rename", c, steps=[(r"New checklist name: ", "德国留学\n".encode())])
        self.assertOk(r)
        self.assertEqual(self.checklist_json(c)["name"], "德国留学")
        r = self.folio_pty("checklist", "save-template", c, steps=[(r"Template name: ", "模板\n".encode())])
        self.assertOk(r)
        self.assertIn("模板", [t["name"] for t in self.json_of("template", "list", "--json")])

    def test_the_prompt_and_its_refusals_in_chinese(self):
        """Under LANG=zh_CN.UTF-8 the prompt and the messages are Chinese; the
        exit codes are the same."""
        zh = self.env(LANG="zh_CN.UTF-8")
        r = self.folio_pty("checklist", "new", env=zh, steps=[(r"清单名称：", NAME.encode() + b"\n")])
        self.assertOk(r)
        r = self.folio("checklist", "new", env=zh)
        self.assertEqual((r.rc, r.err.splitlines()[0]), (2, "folio: 错误: 缺少 NAME"), r.describe())
        r = self.folio("checklist", "new", "-", "--description", "-", input="x", env=zh)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("标准输入只能提供一段文字", r.err)

    def test_an_empty_answer_or_ctrl_d_cancels_and_changes_nothing(self):
        c = self.checklist()
        before = self.snapshot()
        for answer in (b"\n", b"   \n", b"\x04"):
            r = self.folio_pty("checklist", "rename", c, steps=[(r"New checklist name: ", answer)])
            self.assertEqual(r.rc, 10, r.describe())
            self.assertIn("folio: error: nothing was typed; nothing was changed", r.output)
        r = self.folio_pty("checklist", "new", steps=[(r"Checklist name: ", b"\n")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertUnchanged(before)
        self.assertEqual(len(self.json_of("checklist", "list", "--json")), 1)

    def test_the_prompted_name_is_never_in_argv_or_ps(self):
        """At the passphrase prompt, after the name was typed, neither
        /proc/PID/cmdline nor ps shows it."""
        seen = {}

        def look(pid: int):
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                seen["cmdline"] = f.read()
            seen["ps"] = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True).stdout

        r = self.folio_pty("checklist", "new", passphrase_file=None,
                           steps=[(r"Checklist name: ", NAME.encode() + b"\n"),
                                  (r"Passphrase: ", look),
                                  (lambda: True, PASSPHRASE.encode() + b"\n")])
        self.assertNotIn(NAME.encode(), seen["cmdline"])
        self.assertNotIn(NAME.encode(), seen["ps"])
        self.assertIn(b"checklist\0new", seen["cmdline"], "it was folio's own argv that was read")
        self.assertOk(r)


class ProcessListTest(TextInputTestCase):

    def test_piped_text_is_never_in_argv(self):
        c = self.checklist()
        argv = self.argv(["item", "add", c, "-", "--state", "needed"])
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env(), cwd=self.tmp,
                                start_new_session=True)
        try:
            # folio is waiting on standard input: look at it, then give the text.
            time.sleep(0.3)
            with open(f"/proc/{proc.pid}/cmdline", "rb") as f:
                cmdline = f.read()
            ps = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True).stdout
            out, err = proc.communicate((TITLE + "\n").encode(), timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn(b"item\0add", cmdline)
        self.assertNotIn(TITLE.encode(), cmdline)
        self.assertNotIn(TITLE.encode(), ps)
        self.assertEqual(self.item_json(out.decode().strip())["title"], TITLE)


class EscapeTest(TextInputTestCase):

    def test_escape_sequences_in_piped_text_are_shown_safe(self):
        r = self.folio("checklist", "new", "-", input=ESCAPES + "\n")
        self.assertOk(r)
        c = r.out.strip()
        self.assertRegex(c, ENTRY_ID)
        self.assertNotIn("\x1b", r.err, "the report on stderr is made safe")
        self.assertIn("\\x1b]0;pwned\\x07", r.err)
        shown = self.folio("checklist", "show", c)
        self.assertOk(shown)
        self.assertNotIn("\x1b", shown.out)
        self.assertNotIn("\x07", shown.out)
        self.assertEqual(self.checklist_json(c)["name"], ESCAPES, "stored exactly as piped")


if __name__ == "__main__":
    main()
