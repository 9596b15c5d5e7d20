"""folio shell: one unlock, folio's commands at a prompt on a real pty (issue 17,
done-means 1), Tab completion, locking on Ctrl-D and on the idle timeout, and
no trace of what was typed in any file or any process's arguments."""

import os
import subprocess
import threading
import time
import unittest
from pathlib import Path

from folio_test import PASSPHRASE, FolioTestCase

PROMPT = r"folio> "


def files_under(root: Path, since: float):
    """Regular files under `root` changed since `since` (a leak is written
    during the session), skipping what cannot be read."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            try:
                st = path.lstat()
                if not path.is_file() or path.is_symlink() or st.st_mtime < since or st.st_size > 50 << 20:
                    continue
                yield path, path.read_bytes()
            except OSError:
                continue


def command_lines():
    """Every process's argv as this user can see it (what `ps -eo args` shows)."""
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                out.append(Path(f"/proc/{pid}/cmdline").read_bytes())
            except OSError:
                pass
    return out


class ShellTest(FolioTestCase):
    def shell_env(self, **extra):
        # The editor is given only the path of the text in RAM, and writes
        # a fixed body that is nothing the user typed.
        editor = self.write_script("editor.sh", 'printf "a body from the editor\\n" > "$1"\n')
        return self.env(EDITOR=str(editor), **extra)

    def test_a_whole_session_leaves_no_name_typed_in_any_file_or_argv(self):
        self.init_vault()
        start = time.time() - 1
        scan = self.tmp / "护照扫描.txt"
        scan.write_text("scan contents\n")
        typed = ["夜里的决定", "上海签证", "加拿大工签", "Police certificate", "无犯罪", "护照扫描"]
        seen_in_argv = []

        def check_argv(_pid):
            for line in command_lines():
                seen_in_argv.extend(t for t in typed if t.encode() in line)

        steps = [
            ("Passphrase: ", (PASSPHRASE + "\n").encode()),
            (PROMPT, "add --title '夜里的决定 at night' -t 上海签证\n".encode()),
            (PROMPT, "checklist new 加拿大工签\n".encode()),
            (PROMPT, "item add 加拿大工签 'Police certificate 无犯罪'\n".encode()),
            (PROMPT, "item set 加拿大工签:1 --state requested --due tomorrow\n".encode()),
            (PROMPT, "search 夜里的决定\n".encode()),
            (PROMPT, "attach 加拿大工签:1 护照扫描.txt --remove-original\n".encode()),
            (PROMPT, check_argv),
            # Tab: a command, then a Chinese checklist name.
            (lambda: True, b"checklist sh\t"),
            (r"ow $", "加\t".encode()),
            (r"拿大工签 $", b"\n"),
            (PROMPT, b"lsit\n"),
            (PROMPT, b"lock\n"),
        ]
        r = self.folio_pty("shell", passphrase_file=None, steps=steps, env=self.shell_env(), type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        out = r.output
        self.assertIn("added entry", out, r.describe())
        self.assertIn("夜里的决定 at night", out, "search finds the entry" + r.describe())
        self.assertIn("Police certificate 无犯罪", out, "checklist show after Tab" + r.describe())
        self.assertIn("requested", out, r.describe())
        self.assertIn("unknown command 'lsit'; did you mean 'list'?", out, "an error keeps the shell going")
        self.assertTrue(out.rstrip().endswith("folio: locked"), r.describe())
        self.assertEqual(seen_in_argv, [], "no process's argv shows what was typed")
        self.assertFalse(scan.exists(), "attach --remove-original removed the file")

        # What the session made is in the vault...
        items = self.json_of("checklist", "show", "加拿大工签", "--json")["item_list"]
        self.assertEqual(items[0]["state"], "requested")
        self.assertEqual(items[0]["attachments"], 1)
        self.assertEqual(self.list_json()[0]["title"], "夜里的决定 at night")
        # ...and in no file anywhere.
        roots = [self.home, self.runtime, Path("/tmp"), Path("/dev/shm")]
        leaks = [(str(p), t) for root in roots for p, data in files_under(root, start)
                 for t in typed if t.encode() in data]
        self.assertEqual(leaks, [], "a name typed in the shell was found in a file")

    def test_ctrl_d_locks_and_the_exit_code_is_zero(self):
        self.init_vault()
        r = self.folio_pty("shell", steps=[(PROMPT, b"\x04")], type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("folio: locked", r.output)

    def test_the_idle_timeout_locks(self):
        self.init_vault()
        began = time.monotonic()
        r = self.folio_pty("shell", "--timeout", "2s", steps=[(PROMPT, b"li")], timeout=15)
        took = time.monotonic() - began
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("idle for 2s", r.output)
        self.assertIn("folio: locked", r.output)
        self.assertLess(took, 8, "it locked after about 2 s")

    def test_a_bad_timeout_is_refused_before_the_passphrase(self):
        self.init_vault()
        r = self.folio("shell", "--timeout", "25h")
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("at most 24h", r.err)

    def test_hostile_text_is_shown_safe_in_list(self):
        self.init_vault()
        self.add("body", "--title", "evil \x1b]0;pwned\x07\x1b[2J title")
        r = self.folio_pty("shell", steps=[(PROMPT, b"list\n"), (PROMPT, b"exit\n")], type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertNotIn(b"\x1b]0;", r.output_bytes)
        self.assertNotIn(b"\x1b[2J", r.output_bytes)
        self.assertIn("title", r.output)

    def test_another_process_changes_the_vault_while_the_shell_is_open(self):
        self.init_vault()
        self.add("first body", "--title", "before the shell")
        added = {}

        def add_from_outside(_pid):
            # A real second folio process, while the shell waits at its prompt.
            added["id"] = self.add("second body", "--title", "added outside")

        steps = [
            (PROMPT, add_from_outside),
            (lambda: "id" in added, b"list\n"),
            (PROMPT, b"tags\n"),
            (PROMPT, b"add --title 'added inside' --text inside\n"),
            (PROMPT, b"exit\n"),
        ]
        r = self.folio_pty("shell", steps=steps, type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("added outside", r.output, "the shell's next command sees the change")
        titles = sorted(e["title"] for e in self.list_json())
        self.assertEqual(titles, ["added inside", "added outside", "before the shell"])
        self.assertOk(self.folio("check"))

    def test_rekey_inside_asks_the_passphrase_and_the_shell_goes_on(self):
        self.init_vault()
        self.add("a body", "--title", "kept")
        steps = [
            (PROMPT, b"rekey\n"),
            ("Passphrase: ", (PASSPHRASE + "\n").encode()),
            (PROMPT, b"list\n"),
            (PROMPT, b"exit\n"),
        ]
        r = self.folio_pty("shell", steps=steps, type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(r.output.count("kept"), 1, "list after rekey shows the entry" + r.describe())
        self.assertNotIn("error", r.output, r.describe())

    def test_panic_inside_ends_the_shell(self):
        self.init_vault()
        r = self.folio_pty("shell", steps=[(PROMPT, b"panic\n")], type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("vault destroyed", r.output)
        self.assertNotIn("folio: locked", r.output)
        self.assertFalse(self.vault.exists())

    def test_commands_that_make_no_sense_inside_are_refused(self):
        self.init_vault()
        steps = [(PROMPT, b"init\n"), (PROMPT, b"list --vault /elsewhere\n"), (PROMPT, b"exit\n")]
        r = self.folio_pty("shell", steps=steps, type_delay=0.05)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("'init' is not run inside the shell", r.output)
        self.assertIn("'--vault' is given when the shell starts", r.output)

    def test_lines_from_stdin_run_without_a_prompt(self):
        self.init_vault()
        script = ("checklist new 'Work visa'\n"
                  "item add 'Work visa' \"Bank statement\" --due tomorrow\n"
                  "add --title 'from a script' --text \"it's here\"\n"
                  "checklist show 'Work visa'\n"
                  "'unclosed\n"
                  "list\n")
        r = self.folio("shell", input=script)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertNotIn("folio> ", r.out + r.err)
        self.assertIn("Bank statement", r.out)
        self.assertIn("from a script", r.out, "a line after an error still runs")
        self.assertIn("the line ends inside a quote", r.err)
        self.assertIn("folio: locked", r.err)

    def test_no_history_file_is_opened(self):
        if not os.access("/usr/bin/strace", os.X_OK):
            self.skipTest("strace is not installed")
        self.init_vault()
        trace = self.tmp / "trace"
        steps = [(PROMPT, b"tags\n"), (PROMPT, b"list\n"), (PROMPT, b"\x1b[A\n"), (PROMPT, b"exit\n")]
        r = self.folio_pty("shell", steps=steps, type_delay=0.05,
                           wrapper=["/usr/bin/strace", "-f", "-qq", "-e", "trace=open,openat,creat,rename,renameat2",
                                    "-o", str(trace)],
                           env=self.env(ASAN_OPTIONS="detect_leaks=0"))
        self.assertEqual(r.rc, 0, r.describe())
        opened = trace.read_text(errors="replace")
        self.assertIn(str(self.vault), opened, "strace saw the vault opened")
        for word in ("hist", ".editline", ".editrc"):
            bad = [line for line in opened.splitlines() if word in line and ("O_WRONLY" in line or "O_RDWR" in line
                                                                            or "O_CREAT" in line or "rename" in line)]
            self.assertEqual(bad, [], f"a file like '{word}' was opened for writing")
        written = [line for line in opened.splitlines()
                   if ("O_CREAT" in line or "O_WRONLY" in line) and str(self.vault) not in line
                   and "/dev/" not in line]
        self.assertEqual(written, [], "the shell writes only inside the vault")


if __name__ == "__main__":
    unittest.main()
