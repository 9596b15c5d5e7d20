"""Shell completion (issue 17, packaging): the bash and zsh scripts the
binary prints (`folio __completion bash|zsh`, what the build installs) are
driven for real: bash's completion function is called with COMP_WORDS and
COMP_CWORD set, as bash does on Tab; zsh (when installed) gets Tab typed
into an interactive shell on a pty. Every command, subcommand and option of
`folio help` must complete; paths complete files where an option or argument
takes one; ids and names (vault contents) complete nothing.
"""

import os
import select
import shutil
import subprocess
import time
import unittest
from pathlib import Path
from typing import List

from commands_of import commands_of
from folio_test import FOLIO_BIN, FolioTestCase, main


class CompletionTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.work = self.tmp / "work"
        self.work.mkdir()
        (self.work / "scan.pdf").write_bytes(b"%PDF-1.4\n")
        (self.work / "扫描 2026.jpg").write_bytes(b"\xff\xd8")
        (self.work / "docs").mkdir()

    def script(self, shell: str) -> Path:
        r = self.folio("__completion", shell, vault=None, passphrase_file=None)
        self.assertOk(r)
        path = self.tmp / ("folio.bash" if shell == "bash" else "_folio")
        path.write_bytes(r.out_bytes)
        return path


class BashCompletionTest(CompletionTestCase):

    def setUp(self):
        super().setUp()
        self.bash_script = self.script("bash")

    def complete(self, *words: str) -> List[str]:
        """COMPREPLY for the command line `words`, the cursor at the end of
        the last word ("" for a new word)."""
        program = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
                   'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _folio; '
                   'printf "%s\\n" "${COMPREPLY[@]}"')
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", program, "bash",
                            str(self.bash_script), "folio", *words],
                           capture_output=True, cwd=self.work, env=self.env(), timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, b"", f"completing {words}")
        return [w for w in r.stdout.decode("utf-8").split("\n") if w]

    def test_every_command_subcommand_and_option_completes(self):
        for path, cmd in commands_of(FOLIO_BIN).items():
            if cmd.subcommands:
                self.assertEqual(sorted(self.complete(*path, "")), sorted(cmd.subcommands), path)
            offered = set(self.complete(*path, "-"))
            for names in cmd.options:
                for name in names:
                    self.assertIn(name, offered, f"folio {' '.join(path)} {name}")

    def test_the_hidden_commands_are_not_offered(self):
        offered = self.complete("")
        self.assertIn("checklist", offered)
        self.assertNotIn("__completion", offered)
        self.assertNotIn("agent-serve", offered)

    def test_a_prefix_completes_to_the_matching_commands(self):
        self.assertEqual(self.complete("checkl"), ["checklist"])
        self.assertEqual(sorted(self.complete("checklist", "s")), ["save-template", "show"])
        self.assertEqual(self.complete("item", "add", "--st"), ["--state"])
        self.assertEqual(self.complete("edit", "3k9x", "--da"), ["--date"])

    def test_global_options_and_their_values_are_skipped(self):
        self.assertEqual(sorted(self.complete("--vault", "/tmp/v", "checklist", "s")), ["save-template", "show"])
        self.assertEqual(sorted(self.complete("--vault", "=", "x", "checklist", "s")), ["save-template", "show"])
        self.assertIn("--no-pager", self.complete("list", "--no-p"))

    def test_fixed_values_complete(self):
        self.assertEqual(self.complete("item", "set", "visa:1", "--state", "no"), ["notarized"])
        self.assertEqual(self.complete("item", "set", "visa:1", "--state", "=", "n"), ["needed", "notarized", "n/a"])
        self.assertEqual(self.complete("export", "--plaintext", "--format", ""), ["json", "markdown"])
        self.assertEqual(self.complete("import", "--from", "jrnl"), ["jrnl", "jrnl-json"])
        self.assertEqual(self.complete("checklist", "new", "Visa", "--lang", ""), ["en", "zh"])

    def test_paths_complete_where_an_option_or_argument_takes_one(self):
        self.assertEqual(self.complete("attach", "visa:1", "sc"), ["scan.pdf"])
        self.assertEqual(self.complete("attach", "visa:1", "扫"), ["扫描 2026.jpg"])
        self.assertEqual(self.complete("--passphrase-file", "sc"), ["scan.pdf"])
        self.assertEqual(self.complete("--vault", "d"), ["docs"])
        self.assertEqual(self.complete("--vault", "s"), [], "a folder option offers no files")
        self.assertEqual(self.complete("import", "-i", "s"), ["scan.pdf"])
        self.assertEqual(self.complete("export", "s"), ["scan.pdf"])
        self.assertEqual(self.complete("restore", "x.age", "--to", "d"), ["docs"])
        self.assertEqual(self.complete("vectors", "run", "d"), ["docs"])

    def test_vault_contents_are_never_completed(self):
        # ids, tags, checklist names: nothing, not even file names.
        self.assertEqual(self.complete("attach", "s"), [])
        self.assertEqual(self.complete("show", "s"), [])
        self.assertEqual(self.complete("list", "--tag", "s"), [])
        self.assertEqual(self.complete("item", "move", "visa:1", "--to", ""), [])
        self.assertEqual(self.complete("search", "s"), [])

    def test_after_double_dash_no_option_is_offered(self):
        self.assertEqual(self.complete("search", "--", "-"), [])

    def test_help_completes_command_names(self):
        self.assertEqual(self.complete("help", "checkl"), ["checklist"])
        self.assertEqual(sorted(self.complete("help", "checklist", "s")), ["save-template", "show"])


class ZshCompletionTest(CompletionTestCase):
    """Tab typed into `zsh -f -i` on a pty, with the script in $fpath."""

    def setUp(self):
        super().setUp()
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed (scripts/deps.sh test installs it)")
        self.functions = self.tmp / "zfunc"
        self.functions.mkdir()
        shutil.copy(self.script("zsh"), self.functions / "_folio")

    def tab(self, line: str, wait_for: str, timeout: float = 10) -> str:
        """What zsh shows after `line` and a Tab, once `wait_for` appears."""
        import pty
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(self.work)
            os.execve("/usr/bin/env", ["env", "zsh", "-f", "-i"],
                      self.env(HOME=self.home, TERM="xterm", PS1="%% "))
        out = b""

        def read_until(token: bytes, until: float) -> bool:
            nonlocal out
            while time.monotonic() < until:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        return False
                    if not chunk:
                        return False
                    out += chunk
                    if token in out:
                        return True
            return False

        try:
            setup = (f"fpath=({self.functions} $fpath); autoload -Uz compinit; compinit -u -D; "
                     "zstyle ':completion:*' list-prompt ''; echo READY\n")
            os.write(fd, setup.encode())
            self.assertTrue(read_until(b"READY\r\n", time.monotonic() + timeout), out)
            mark = len(out)
            os.write(fd, line.encode("utf-8") + b"\t")
            read_until(wait_for.encode("utf-8"), time.monotonic() + timeout)
            # What came after the setup's READY line: the typed line, as zsh redraws it.
            shown = out[mark:].decode("utf-8", "replace").split("READY\r\n")[-1]
            os.write(fd, b"\x03exit\n")
        finally:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            os.close(fd)
        self.assertNotIn("_arguments:", shown)
        self.assertNotIn("command not found", shown)
        return shown

    def test_a_subcommand_completes(self):
        self.assertIn("folio checklist save-template", self.tab("folio checklist sa", "save-template"))

    def test_an_ambiguous_word_lists_the_subcommands(self):
        shown = self.tab("folio item ", "move")
        for sub in ("add", "set", "done", "rm", "move", "show"):
            self.assertIn(sub, shown)

    def test_an_option_and_its_fixed_value_complete(self):
        self.assertIn("--strip-metadata", self.tab("folio attach --str", "--strip-metadata"))
        self.assertIn("notarized", self.tab("folio item set visa:1 --state nota", "notarized"))

    def test_a_file_argument_completes_files(self):
        self.assertIn("scan.pdf", self.tab("folio attach visa:1 sc", "scan.pdf"))


if __name__ == "__main__":
    main()
