#!/usr/bin/python3
"""Prompts on a terminal (/dev/tty, through a pseudo-terminal): passphrases
are read with echo off, `rm` asks for confirmation, and echo comes back."""

import termios

from folio_test import CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, RECOVERY_CODE, FolioTestCase, main

PROMPT = r"(?i)(passphrase|recovery code)[^\n]*: *$"
QUESTION = r"\? *(\[[^\]\n]*\])? *$"


def typed(text: str) -> bytes:
    return (text + "\r").encode("utf-8")


class TerminalTest(FolioTestCase):

    def test_init_on_a_terminal_asks_twice_and_does_not_echo(self):
        r = self.folio_pty("init", *CHEAP_KDF, passphrase_file=None,
                           steps=[(PROMPT, typed(PASSPHRASE)), (PROMPT, typed(PASSPHRASE))])
        self.assertOk(r)
        self.assertNotIn(PASSPHRASE, r.output, "the passphrase is not echoed")
        self.assertEqual(len(RECOVERY_CODE.findall(r.output)), 1, r.describe())
        self.assertEqual(self.list_json(), [], "the typed passphrase opens the vault")

    def test_init_with_two_different_passphrases_creates_nothing(self):
        r = self.folio_pty("init", *CHEAP_KDF, passphrase_file=None,
                           steps=[(PROMPT, typed(PASSPHRASE)), (PROMPT, typed(OTHER_PASSPHRASE))])
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertIn("folio: error:", r.output)
        self.assertFalse((self.vault / "header").exists())
        self.assertNotIn(PASSPHRASE, r.output)
        self.assertNotIn(OTHER_PASSPHRASE, r.output)

    def test_a_passphrase_typed_on_the_terminal_opens_the_vault_without_echo(self):
        self.init_vault()
        entry = self.add("typed")
        r = self.folio_pty("list", passphrase_file=None, steps=[(PROMPT, typed(PASSPHRASE))])
        self.assertOk(r)
        self.assertIn(entry, r.output)
        self.assertNotIn(PASSPHRASE, r.output)

    def test_a_wrong_passphrase_typed_on_the_terminal_exits_4(self):
        self.init_vault()
        before = self.snapshot()
        r = self.folio_pty("list", passphrase_file=None,
                           steps=[(PROMPT, typed("not the passphrase"))])
        self.assertEqual(r.rc, 4, r.describe())
        self.assertIn("folio: error:", r.output)
        self.assertNotIn("not the passphrase", r.output)
        self.assertUnchanged(before)

    def test_the_recovery_code_can_be_typed(self):
        self.init_vault()
        r = self.folio_pty("--recovery", "list", passphrase_file=None,
                           steps=[(PROMPT, typed(self.recovery_code.lower()))])
        self.assertOk(r)
        self.assertNotIn(self.recovery_code.lower(), r.output)

    def test_end_of_input_at_the_prompt_cancels_with_10(self):
        self.init_vault()
        r = self.folio_pty("list", passphrase_file=None, steps=[(PROMPT, b"\x04")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertIn("folio: error:", r.output)

    def test_ctrl_c_at_the_prompt_exits_10(self):
        self.init_vault()
        r = self.folio_pty("list", passphrase_file=None, steps=[(PROMPT, b"\x03")])
        self.assertEqual(r.rc, 10, "CLI.md: 10 = cancelled (... interrupted)" + r.describe())

    def test_echo_is_back_on_after_ctrl_c_at_the_prompt(self):
        self.init_vault()
        seen = {}
        r = self.folio_pty("list", passphrase_file=None, steps=[(PROMPT, b"\x03")],
                           termios_after=seen)
        self.assertTrue(seen["lflag"] & termios.ECHO, "echo restored" + r.describe())

    def test_echo_is_back_on_after_a_passphrase_was_read(self):
        self.init_vault()
        seen = {}
        r = self.folio_pty("list", passphrase_file=None, steps=[(PROMPT, typed(PASSPHRASE))],
                           termios_after=seen)
        self.assertOk(r)
        self.assertTrue(seen["lflag"] & termios.ECHO, "echo restored" + r.describe())

    def test_passwd_on_a_terminal_asks_for_the_old_and_twice_for_the_new(self):
        self.init_vault()
        entry = self.add("kept")
        r = self.folio_pty("passwd", *CHEAP_KDF, passphrase_file=None, steps=[
            (PROMPT, typed(PASSPHRASE)), (PROMPT, typed(OTHER_PASSPHRASE)),
            (PROMPT, typed(OTHER_PASSPHRASE))])
        self.assertOk(r)
        self.assertNotIn(OTHER_PASSPHRASE, r.output)
        new = self.write_secret_file("new", OTHER_PASSPHRASE + "\n")
        self.assertEqual(self.ids(passphrase_file=new), [entry])

    def test_rm_on_a_terminal_asks_and_no_keeps_the_entry_with_10(self):
        self.init_vault()
        entry = self.add("ask me first")
        before = self.snapshot()
        r = self.folio_pty("rm", entry, steps=[(QUESTION, b"n\r")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertIn(entry, r.output, "the question names the entry")
        self.assertUnchanged(before)
        self.assertEqual(self.ids(), [entry])

    def test_rm_on_a_terminal_with_an_empty_answer_keeps_the_entry(self):
        self.init_vault()
        entry = self.add("default is no")
        r = self.folio_pty("rm", entry, steps=[(QUESTION, b"\r")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertEqual(self.ids(), [entry])

    def test_rm_on_a_terminal_asks_and_yes_deletes(self):
        self.init_vault()
        entry = self.add("delete me")
        kept = self.add("keep me")
        r = self.folio_pty("rm", entry, steps=[(QUESTION, b"y\r")])
        self.assertOk(r)
        self.assertEqual(self.ids(), [kept])

    def test_rm_in_chinese_takes_a_chinese_yes(self):
        self.init_vault()
        entry = self.add("delete me")
        kept = self.add("keep me")
        env = self.env(LANG="zh_CN.UTF-8")
        question = r"删除 .*？ *\[y/N\] *$"
        r = self.folio_pty("rm", kept, env=env, steps=[(question, "否\r".encode())])
        self.assertEqual(r.rc, 10, "any other answer is no" + r.describe())
        r = self.folio_pty("rm", entry, env=env, steps=[(question, "是\r".encode())])
        self.assertOk(r)
        self.assertEqual(self.ids(), [kept])

    def test_rm_yes_on_a_terminal_does_not_ask(self):
        self.init_vault()
        entry = self.add("no question")
        r = self.folio_pty("rm", "--yes", entry)
        self.assertOk(r)
        self.assertNotRegex(r.output, r"\[y/N\]|\[Y/n\]")
        self.assertEqual(self.ids(), [])


if __name__ == "__main__":
    main()
