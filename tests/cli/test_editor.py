#!/usr/bin/python3
"""Editing in $VISUAL/$EDITOR: the text lives only in a private file on
RAM-backed storage that is removed afterwards.

The editor is used when stdin is a terminal, so these tests run folio on a
pseudo-terminal. The "editors" are small shell scripts that write into the
file they are given (its last argument) and log what they saw."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from folio_test import FolioTestCase, main

EDITOR_TEXT = "Written by the editor.\nSecond line.\n"


class EditorTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.log = self.tmp / "editor-log"
        self.log.mkdir()

    def editor(self, name: str = "fake-editor", text: str = EDITOR_TEXT, extra: str = "") -> Path:
        """A scripted editor: logs its file's path, mode, folder mode, file
        system type and initial content, then writes `text` into the file."""
        body = f"""
for f; do :; done
log='{self.log}'
stat -c %a "$f" > "$log/mode"
stat -c %a "$(dirname "$f")" > "$log/dirmode"
stat -f -c %T "$(dirname "$f")" > "$log/fstype"
cp "$f" "$log/before"
printf '%s\\n' "$@" > "$log/argv"
{extra}
"""
        if text is not None:
            body += f"printf '%s' '{text}' > \"$f\"\n"
        body += 'printf \'%s\' "$f" > "$log/path.tmp" && mv "$log/path.tmp" "$log/path"\n'
        return self.write_script(name, body)

    def logged(self, name: str) -> str:
        return (self.log / name).read_text()

    def editor_path(self) -> Path:
        return Path(self.logged("path"))

    def forget_folder_later(self):
        """Removes the editor's folder if folio left it (keeps /dev/shm clean)."""
        if (self.log / "path").exists():
            folder = self.editor_path().parent
            if str(folder).startswith("/dev/shm/") and folder.exists():
                shutil.rmtree(folder, ignore_errors=True)


class AddWithEditorTest(EditorTestCase):

    def test_add_on_a_terminal_opens_the_editor_and_stores_what_it_wrote(self):
        editor = self.editor()
        r = self.folio_pty("add", "--title", "From the editor", "-t", "draft",
                           env=self.env(EDITOR=editor))
        self.assertOk(r)
        (e,) = self.list_json()
        full = self.show_json(e["id"])
        self.assertEqual(full["body"].rstrip("\n"), EDITOR_TEXT.rstrip("\n"))
        self.assertEqual(full["title"], "From the editor")
        self.assertEqual(full["tags"], ["draft"])

    def test_the_editor_file_is_0600_in_a_0700_folder_under_xdg_runtime_dir(self):
        editor = self.editor()
        self.assertOk(self.folio_pty("add", env=self.env(EDITOR=editor)))
        path = self.editor_path()
        self.assertTrue(str(path).startswith(str(self.runtime) + "/"),
                        f"{path} is under XDG_RUNTIME_DIR {self.runtime}")
        self.assertEqual(self.logged("mode").strip(), "600")
        self.assertEqual(self.logged("dirmode").strip(), "700")
        self.assertEqual(self.logged("fstype").strip(), "tmpfs")

    def test_the_editor_file_is_gone_after_folio_exits(self):
        editor = self.editor()
        self.assertOk(self.folio_pty("add", env=self.env(EDITOR=editor)))
        self.assertFalse(self.editor_path().exists(), "the editor's file was removed")

    def test_nothing_is_left_in_xdg_runtime_dir_after_editing(self):
        editor = self.editor()
        self.assertOk(self.folio_pty("add", env=self.env(EDITOR=editor)))
        leftovers = [str(p) for p in self.runtime.rglob("*") if p.is_file()]
        self.assertEqual(leftovers, [])

    def test_add_starts_the_editor_on_an_empty_text(self):
        editor = self.editor()
        self.assertOk(self.folio_pty("add", env=self.env(EDITOR=editor)))
        self.assertEqual(self.logged("before").strip(), "")

    def test_visual_wins_over_editor(self):
        visual = self.editor("visual", text="from VISUAL")
        editor = self.write_script("editor", f"touch '{self.log}/editor-ran'\nexit 1\n")
        self.assertOk(self.folio_pty("add", env=self.env(VISUAL=visual, EDITOR=editor)))
        self.assertFalse((self.log / "editor-ran").exists())
        (e,) = self.list_json()
        self.assertEqual(e["first_line"], "from VISUAL")

    def test_editor_is_used_when_visual_is_unset(self):
        editor = self.editor("editor", text="from EDITOR")
        self.assertOk(self.folio_pty("add", env=self.env(EDITOR=editor)))
        (e,) = self.list_json()
        self.assertEqual(e["first_line"], "from EDITOR")

    def test_add_text_on_a_terminal_does_not_open_the_editor(self):
        editor = self.editor()
        self.assertOk(self.folio_pty("add", "--text", "no editor", env=self.env(EDITOR=editor)))
        self.assertFalse((self.log / "path").exists(), "the editor did not run")
        self.assertEqual(self.list_json()[0]["first_line"], "no editor")

    def test_an_editor_that_saves_nothing_cancels_with_10(self):
        editor = self.editor(text="")
        before = self.snapshot()
        r = self.folio_pty("add", env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 10, r.describe())
        self.assertIn("folio: error:", r.output)
        self.assertUnchanged(before)
        self.assertFalse(self.editor_path().exists())

    def test_an_editor_that_fails_adds_nothing(self):
        # Assumption: an editor exiting non-zero is not "saved"; CLI.md does not
        # give the code (folio/editor.h says cancelled, 10).
        editor = self.editor(extra="printf 'half-written' > \"$f\"\nexit 3")
        before = self.snapshot()
        r = self.folio_pty("add", env=self.env(EDITOR=editor))
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertIn("folio: error:", r.output)
        self.assertUnchanged(before)

    def test_an_editor_that_replaces_the_file_by_rename_is_read(self):
        # Many editors save by writing a new file and renaming it over the old.
        editor = self.editor(text=None, extra=(
            "printf 'saved by rename' > \"$f.new\" && mv \"$f.new\" \"$f\""))
        r = self.folio_pty("add", env=self.env(EDITOR=editor))
        self.assertOk(r)
        self.assertEqual(self.list_json()[0]["first_line"], "saved by rename")
        self.assertFalse(self.editor_path().exists())

    def test_an_editor_that_cannot_be_found_adds_nothing(self):
        before = self.snapshot()
        r = self.folio_pty("add", env=self.env(EDITOR=str(self.tmp / "no-such-editor")))
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertIn("folio: error:", r.output)
        self.assertUnchanged(before)


class EditWithEditorTest(EditorTestCase):

    def test_edit_opens_the_editor_on_the_current_body(self):
        entry = self.add("The current body.\n", "--title", "Kept", "-t", "kept")
        editor = self.editor()
        r = self.folio_pty("edit", entry, env=self.env(EDITOR=editor))
        self.assertOk(r)
        self.assertEqual(self.logged("before").rstrip("\n"), "The current body.")
        e = self.show_json(entry)
        self.assertEqual(e["body"].rstrip("\n"), EDITOR_TEXT.rstrip("\n"))
        self.assertEqual(e["title"], "Kept")
        self.assertEqual(e["tags"], ["kept"])
        self.assertFalse(self.editor_path().exists())

    def test_edit_with_chinese_text_in_the_editor(self):
        entry = self.add("旧的内容\n")
        editor = self.editor(text="新的内容：今天很好。\n")
        self.assertOk(self.folio_pty("edit", entry, env=self.env(EDITOR=editor)))
        self.assertEqual(self.logged("before").rstrip("\n"), "旧的内容")
        self.assertEqual(self.show_json(entry)["body"].rstrip("\n"), "新的内容：今天很好。")

    def test_edit_where_the_editor_empties_the_text_cancels_and_keeps_the_entry(self):
        entry = self.add("Keep me.\n")
        editor = self.editor(text="")
        before = self.snapshot()
        r = self.folio_pty("edit", entry, env=self.env(EDITOR=editor))
        self.assertEqual(r.rc, 10, r.describe())
        self.assertUnchanged(before)
        self.assertEqual(self.show_json(entry)["body"].rstrip("\n"), "Keep me.")


class RamStorageTest(EditorTestCase):

    def test_xdg_runtime_dir_on_disk_falls_back_to_dev_shm(self):
        on_disk = self.tmp / "runtime-on-disk"
        on_disk.mkdir(mode=0o700)
        editor = self.editor()
        self.addCleanup(self.forget_folder_later)
        r = self.folio_pty("add", env=self.env(EDITOR=editor, XDG_RUNTIME_DIR=on_disk))
        self.assertOk(r)
        path = self.editor_path()
        self.assertTrue(str(path).startswith("/dev/shm/"), path)
        self.assertEqual(self.logged("fstype").strip(), "tmpfs")
        self.assertEqual(list(on_disk.rglob("*")), [], "nothing written to the disk folder")
        self.assertFalse(path.exists())

    def test_without_any_ram_backed_folder_folio_refuses_with_9_and_never_starts_the_editor(self):
        unshare, sh = shutil.which("unshare"), shutil.which("sh")
        on_disk = self.tmp / "runtime-on-disk"
        on_disk.mkdir(mode=0o700)
        probe = subprocess.run([unshare, "-m", "--", sh, "-c", 'mount --bind "$0" /dev/shm',
                                str(on_disk)], capture_output=True, text=True) if unshare else None
        if probe is None or probe.returncode != 0:
            self.skipTest("cannot hide /dev/shm in a private mount namespace (needs unshare -m "
                          f"and mount rights): {probe.stderr.strip() if probe else 'no unshare'}")
        editor = self.editor()
        before = self.snapshot()
        wrapper = [unshare, "-m", "--", sh, "-c", 'mount --bind "$0" /dev/shm && exec "$@"',
                   str(on_disk)]
        r = self.folio_pty("add", env=self.env(EDITOR=editor, XDG_RUNTIME_DIR=on_disk),
                           wrapper=wrapper)
        self.assertEqual(r.rc, 9, r.describe())
        self.assertIn("folio: error:", r.output)
        self.assertFalse((self.log / "path").exists(), "the editor never ran")
        self.assertEqual(list(on_disk.rglob("*")), [], "nothing written to disk")
        self.assertUnchanged(before)


class InterruptionTest(EditorTestCase):

    def sleepy_editor(self) -> Path:
        """Writes a draft, reports its path, then waits to be interrupted."""
        return self.write_script("sleepy-editor", f"""
for f; do :; done
printf 'draft that must not be saved' > "$f"
printf '%s' "$f" > '{self.log}/path.tmp' && mv '{self.log}/path.tmp' '{self.log}/path'
sleep 30
""")

    def test_ctrl_c_while_editing_cancels_with_10_and_removes_the_file(self):
        editor = self.sleepy_editor()
        before = self.snapshot()
        r = self.folio_pty("add", env=self.env(EDITOR=editor),
                           steps=[(lambda: (self.log / "path").exists(), b"\x03")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertFalse(self.editor_path().exists(), "the draft was removed")
        self.assertUnchanged(before)
        self.assertEqual(self.list_json(), [])

    def test_sigterm_while_editing_removes_the_file(self):
        editor = self.sleepy_editor()
        before = self.snapshot()

        def terminate(pid):
            os.kill(pid, signal.SIGTERM)

        r = self.folio_pty("add", env=self.env(EDITOR=editor),
                           steps=[(lambda: (self.log / "path").exists(), terminate)])
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertFalse(self.editor_path().exists(), "the draft was removed")
        self.assertUnchanged(before)

    def test_a_file_left_by_a_killed_folio_is_removed_by_the_next_run(self):
        editor = self.sleepy_editor()

        def kill(pid):
            os.kill(pid, signal.SIGKILL)

        r = self.folio_pty("add", env=self.env(EDITOR=editor),
                           steps=[(lambda: (self.log / "path").exists(), kill)])
        self.assertEqual(r.rc, -signal.SIGKILL, r.describe())
        path = self.editor_path()
        time.sleep(0.2)
        self.assertTrue(path.exists(), "SIGKILL cannot be caught, so the draft is still there")
        self.assertOk(self.folio("list"))
        self.assertFalse(path.exists(), "the next folio run removed the leftover draft")

    def test_another_folio_run_does_not_remove_a_draft_being_edited(self):
        go = self.log / "go"
        editor = self.write_script("waiting-editor", f"""
for f; do :; done
printf '%s' "$f" > '{self.log}/path.tmp' && mv '{self.log}/path.tmp' '{self.log}/path'
i=0
while [ ! -e '{go}' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
printf 'finished after another run' > "$f"
""")
        seen = {}

        def run_another_folio(pid):
            seen["other"] = self.folio("list", "--json")
            seen["draft_still_there"] = self.editor_path().exists()
            go.touch()

        r = self.folio_pty("add", env=self.env(EDITOR=editor),
                           steps=[(lambda: (self.log / "path").exists(), run_another_folio)])
        self.assertOk(r)
        self.assertOk(seen["other"])
        self.assertTrue(seen["draft_still_there"], "a live edit is not a leftover")
        self.assertEqual(self.list_json()[0]["first_line"], "finished after another run")


class RealVimTest(EditorTestCase):

    def test_vim_keeps_no_swap_or_history_file(self):
        vim = shutil.which("vim")
        if vim is None:
            self.skipTest("vim is not installed")
        start = time.monotonic()
        seen = {}

        def vim_is_up():
            files = [p for p in self.runtime.rglob("*") if p.is_file()]
            return bool(files) and time.monotonic() - start > 1.5

        def look(pid):
            seen["files"] = sorted(p.name for p in self.runtime.rglob("*") if p.is_file())

        r = self.folio_pty("add", env=self.env(EDITOR="vim"), timeout=30, steps=[
            (vim_is_up, look),
            (lambda: True, b"iHello from vim\x1b"),
            (lambda: True, b":wq\r"),
        ])
        self.assertOk(r)
        self.assertEqual(len(seen["files"]), 1, f"only the text file while vim runs: {seen}")
        self.assertFalse(seen["files"][0].endswith((".swp", ".swo", "~")), seen)
        self.assertEqual(self.list_json()[0]["first_line"], "Hello from vim")
        home_files = [str(p.relative_to(self.home)) for p in self.home.rglob("*")]
        self.assertFalse(any("viminfo" in f or f.endswith(".swp") or "undo" in f
                             for f in home_files), home_files)
        self.assertEqual([p for p in self.runtime.rglob("*") if p.is_file()], [])


if __name__ == "__main__":
    main()
