"""Keys typed between the passphrase and the editor (issue 18, point 3).

A user types the passphrase, presses Enter and starts writing at once, while
the KDF still runs. Those keys must not be echoed onto the terminal (where
they would stay in the scrollback) and must not reach the editor as commands:
echo stays off until the editor owns the terminal, and what was typed ahead
is discarded then. Driven through a real pseudo-terminal.
"""

import termios

from folio_test import PASSPHRASE, FolioTestCase, main

# Slow enough (about a second here) that the typed-ahead keys surely arrive
# while the KDF runs, before the editor starts.
SLOW_KDF = ["--kdf-memory", "256M", "--kdf-ops", "3", "--allow-weak-kdf"]
TYPED_AHEAD = b"my typed ahead words"
BODY = "written in the editor"


class TypeAheadTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.assertOk(self.folio("init", *SLOW_KDF, "--allow-weak"))
        self.log = self.tmp / "editor-stdin"
        # The editor notes whatever is waiting on its terminal, then writes the
        # body into the file it was given (its last argument).
        self.editor = self.write_script("editor", f"""
timeout --foreground 1 head -n 1 > '{self.log}'
for last; do :; done
printf '%s\\n' '{BODY}' > "$last"
""")

    def run_with_typeahead(self, *args):
        steps = [
            (r"Passphrase: ", (PASSPHRASE + "\n").encode()),
            # Right after folio has read the line (it prints a newline), while
            # the KDF runs.
            (r"\n", TYPED_AHEAD + b"\n"),
        ]
        after = {}
        r = self.folio_pty(*args, steps=steps, passphrase_file=None,
                           env=self.env(EDITOR=self.editor), termios_after=after)
        return r, after

    def test_keys_typed_before_the_editor_opens_are_neither_echoed_nor_passed_on(self):
        r, after = self.run_with_typeahead("add", "--title", "typed ahead")
        self.assertOk(r)
        self.assertNotIn(TYPED_AHEAD, r.output_bytes,
                         "typed-ahead keys were echoed" + r.describe())
        self.assertEqual(self.log.read_text(), "",
                         "typed-ahead keys reached the editor" + r.describe())
        (e,) = self.list_json()
        self.assertEqual(self.show_json(e["id"])["body"].rstrip("\n"), BODY)
        self.assertTrue(after["lflag"] & termios.ECHO, "echo is back on after folio")

    def test_edit_holds_echo_off_in_the_same_way(self):
        entry = self.add("first body")
        r, after = self.run_with_typeahead("edit", entry)
        self.assertOk(r)
        self.assertNotIn(TYPED_AHEAD.decode(), r.output, "typed-ahead keys were echoed" + r.describe())
        self.assertEqual(self.log.read_text(), "", "typed-ahead keys reached the editor")
        self.assertEqual(self.show_json(entry)["body"].rstrip("\n"), BODY)
        self.assertTrue(after["lflag"] & termios.ECHO, "echo is back on after folio")

    def test_a_wrong_passphrase_gives_the_terminal_back_with_echo_on(self):
        after = {}
        r = self.folio_pty("add", steps=[(r"Passphrase: ", b"not the passphrase\n")],
                           passphrase_file=None, env=self.env(EDITOR=self.editor),
                           termios_after=after)
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertFalse(self.log.exists(), "the editor did not start")
        self.assertTrue(after["lflag"] & termios.ECHO, "echo is back on after a failed unlock")


if __name__ == "__main__":
    main()
