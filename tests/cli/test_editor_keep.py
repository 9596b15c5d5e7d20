#!/usr/bin/python3
"""What the user typed in the editor survives a save that fails (docs/CLI.md,
"When a save fails"): the entry deleted meanwhile, a full disk, a save killed
half-way. The text is kept 0600 in a 0700 folder of the same RAM
folder the editor used, never on disk, and the error says where and how to
save it. Two concurrent edits of one entry both survive: the later one is
saved as a new entry."""

import os
import re
import shlex
import stat
import subprocess
from pathlib import Path

from folio_test import FOLIO_BIN, FolioTestCase, main

EDITOR_TEXT = "Typed in the editor. 在编辑器里写的。\nSecond line.\n"


class KeepTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.log = self.tmp / "editor-log"
        self.log.mkdir()

    def editor(self, before: str = "", text: str = EDITOR_TEXT) -> Path:
        """A scripted editor: runs `before` (shell), then writes `text`."""
        (self.tmp / "editor-text").write_text(text)
        return self.write_script("fake-editor", f"""
for f; do :; done
printf '%s' "$f" > '{self.log}/path'
{before}
cat '{self.tmp / "editor-text"}' > "$f"
""")

    def inner_folio(self, *args, vault=None) -> str:
        """A shell command running another folio on the test's vault."""
        argv = [FOLIO_BIN, "--vault", str(vault or self.vault), "--passphrase-file", str(self.pass_file),
                *map(str, args)]
        return " ".join(shlex.quote(a) for a in argv) + f" >> '{self.log}/inner' 2>&1 </dev/null"

    def kept_files(self):
        return sorted(self.runtime.glob("folio-kept-*/entry.txt"))

    def assertKept(self, output: str) -> Path:
        """One kept file holding the editor's text, 0600 in a 0700 folder under
        XDG_RUNTIME_DIR (a tmpfs); the output names it and how to save it."""
        (kept,) = self.kept_files()
        self.assertEqual(kept.read_text(), EDITOR_TEXT)
        self.assertEqual(stat.S_IMODE(kept.stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(kept.parent.stat().st_mode), 0o700)
        self.assertEqual(kept.parent.parent, self.runtime)
        fstype = subprocess.run(["stat", "-f", "-c", "%T", str(kept)], capture_output=True, text=True)
        self.assertEqual(fstype.stdout.strip(), "tmpfs")
        flat = " ".join(output.split())
        self.assertIn(f"your text is kept in {kept}", flat)
        self.assertIn(f"< {kept}", flat, "the hint gives the command that reads it")
        self.assertIn(f"shred -u {kept}", flat, "and how to remove it afterwards")
        self.assertEqual(sorted(p.name for p in self.runtime.iterdir()), [kept.parent.name],
                         "the editor's own folder is gone")
        return kept


class SaveFailsTest(KeepTestCase):

    def test_edit_of_an_entry_deleted_meanwhile_keeps_the_text_and_says_how_to_add_it(self):
        entry = self.add("The first version.\n", "--title", "Interview", "-t", "visa")
        editor = self.editor(before=self.inner_folio("rm", "--yes", entry))
        r = self.folio_pty("edit", entry, env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 3, r.describe())
        self.assertIn(f"entry {entry} was deleted while you were editing it", r.output)
        kept = self.assertKept(r.output)
        self.assertIn("add --title Interview -t visa <", " ".join(r.output.split()))
        # The next folio runs leave it (clean_stale_edits) ...
        self.assertEqual(self.ids(), [])
        self.assertEqual(self.kept_files(), [kept])
        # ... and the hint's command saves it.
        new = self.new_id("add", "--title", "Interview", "-t", "visa", input=kept.read_bytes())
        self.assertEqual(self.show_json(new)["body"], EDITOR_TEXT)
        os.unlink(kept)
        self.assertOk(self.folio("list"))
        self.assertEqual(list(self.runtime.iterdir()), [], "an emptied kept folder is removed")

    def test_add_whose_checklist_item_was_deleted_meanwhile_keeps_the_text_and_adds_nothing(self):
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Passport")
        self.new_id("item", "add", "Visa", "Photo")
        item = self.item_json("Visa:2")["id"]
        editor = self.editor(before=self.inner_folio("item", "rm", "--yes", item))
        r = self.folio_pty("add", "--item", item, env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 3, r.describe())
        self.assertKept(r.output)
        self.assertEqual(self.ids(), [], "no entry without its link: saving the kept text adds it once")

    def test_a_full_disk_keeps_the_text_of_add_and_of_edit(self):
        # (A read-only remount would be the other case, but the kernel
        # refuses it while folio holds the vault open for writing; chmod does
        # not stop root.)
        mount = self.mount_tmpfs("8m")
        vault = mount / "vault"
        self.init_vault(vault=vault)
        entry = self.add("The first version.\n", vault=vault)
        for command in (["add", "-t", "draft"], ["edit", entry]):
            with self.subTest(command=command[0]):
                fill = f"head -c 16777216 /dev/zero > '{mount}/fill' 2>/dev/null"
                editor = self.editor(before=fill)
                r = self.folio_pty(*command, env=self.env(EDITOR=editor), vault=vault)
                os.unlink(mount / "fill")
                self.assertNotEqual(r.rc, 0, r.describe())
                self.assertNotEqual(r.rc, 70, r.describe())
                self.assertIn("folio: error:", r.output)
                kept = self.assertKept(r.output)
                if command[0] == "edit":
                    self.assertIn(f"edit {entry} --stdin <", " ".join(r.output.split()))
                    self.assertEqual(self.show_json(entry, vault=vault)["body"], "The first version.\n")
                else:
                    self.assertIn("add -t draft <", " ".join(r.output.split()))
                    self.assertEqual(len(self.ids(vault=vault)), 1)
                os.unlink(kept)
                self.assertOk(self.folio("list", vault=vault))

    def test_a_save_that_succeeds_keeps_nothing(self):
        entry = self.add("The first version.\n")
        r = self.folio_pty("edit", entry, env=self.env(EDITOR=self.editor()))
        self.assertOk(r)
        self.assertEqual(list(self.runtime.iterdir()), [])


class ConcurrentEditTest(KeepTestCase):

    def test_two_concurrent_edits_of_one_entry_both_survive(self):
        entry = self.add("The first version.\n", "--title", "Plans", "-t", "move")
        other = "Changed by another folio meanwhile.\n"
        editor = self.editor(before=self.inner_folio("edit", entry, "--text", other))
        r = self.folio_pty("edit", entry, env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 9, r.describe())
        self.assertIn(f"entry {entry} was changed by another folio command while you were editing it",
                      " ".join(r.output.split()))
        self.assertEqual(self.show_json(entry)["body"], other, "the other edit is not overwritten")
        copy = re.search(r"saved as a new entry ([0-9a-z]{8})", r.output).group(1)
        saved = self.show_json(copy)
        self.assertEqual(saved["body"], EDITOR_TEXT)
        self.assertEqual(saved["title"], "Plans")
        self.assertEqual(saved["tags"], ["move"])
        self.assertIn(f"show {copy}", r.output)
        self.assertEqual(sorted(self.ids()), sorted([entry, copy]))
        self.assertEqual(list(self.runtime.iterdir()), [], "saved in the vault: nothing kept in RAM")

    def test_a_concurrent_change_of_title_or_tags_alone_is_noticed_too(self):
        entry = self.add("The first version.\n", "-t", "move")
        editor = self.editor(before=self.inner_folio("edit", entry, "--add-tag", "urgent"))
        r = self.folio_pty("edit", entry, env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 9, r.describe())
        self.assertEqual(self.show_json(entry)["tags"], ["move", "urgent"])
        self.assertEqual(self.show_json(entry)["body"], "The first version.\n")
        self.assertEqual(len(self.ids()), 2)


class KilledSaveTest(KeepTestCase):
    """A folio killed while it stored the text leaves a folio-saving- folder;
    no pid is above Linux's pid_max of 2**22, so these folders' process is gone."""

    DEAD = 2 ** 22 + 7

    def make(self, prefix: str, text: str = EDITOR_TEXT) -> Path:
        folder = self.runtime / f"{prefix}{self.DEAD}-AbCdEf"
        folder.mkdir(mode=0o700)
        fd = os.open(folder / "entry.txt", os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, text.encode())
        os.close(fd)
        return folder

    def test_the_next_run_keeps_the_text_of_a_save_that_died_and_wipes_a_dead_editor_s(self):
        saving = self.make("folio-saving-")
        editing = self.make("folio-edit-", "still in the editor")
        self.assertOk(self.folio("list"))
        self.assertFalse(editing.exists(), "a dead editor's folder is wiped, as before")
        self.assertFalse(saving.exists())
        (kept,) = self.kept_files()
        self.assertEqual(kept.read_text(), EDITOR_TEXT)
        self.assertEqual(stat.S_IMODE(kept.stat().st_mode), 0o600)

    def test_a_run_on_a_terminal_reminds_of_kept_text_and_a_script_is_not_disturbed(self):
        self.make("folio-kept-")
        (kept,) = self.kept_files()
        r = self.folio_pty("list")
        self.assertOk(r)
        self.assertIn(f"a text you wrote is kept unsaved in {kept}", " ".join(r.output.split()))
        r = self.folio("list")
        self.assertOk(r)
        self.assertEqual(r.err, "")
        self.assertTrue(kept.exists())

    def test_panic_wipes_kept_text(self):
        folder = self.make("folio-kept-")
        saving = self.make("folio-saving-")
        r = self.folio("panic", passphrase_file=None)
        self.assertOk(r)
        self.assertFalse(folder.exists())
        self.assertFalse(saving.exists())


if __name__ == "__main__":
    main()
