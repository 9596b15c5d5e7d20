#!/usr/bin/python3
"""Wiping: `rm --shred`, `rekey`, `destroy`, `panic`, and no plaintext
temporary files (docs/CLI.md, docs/THREAT_MODEL.md).

- rm --shred / rekey: a copy of `data` taken before (what a disk, snapshot or
  backup may keep) opens with the key of that moment (the control) and with
  no data key the current header yields, for the passphrase or the recovery
  code; the vault itself opens, passes `check`, keeps everything else and
  its passphrase and recovery code, and no longer has the record. A rekey
  killed at any moment leaves a vault that opens; a full disk is a clear
  error. (A copy of the old header is out of scope: THREAT_MODEL.md.)
- destroy: asks first; --yes removes the folder.
- panic: no passphrase, no prompt; afterwards no slot of the header opens
  with the passphrase or the recovery code. "Keyslots destroyed before the
  database is touched" is shown twice: by panic's system calls under strace
  (the header is overwritten and synced before any other vault file is
  opened), and by making `data` impossible to overwrite (a read-only bind
  mount): panic fails there, with the header already random and `data`
  intact. Works while another folio process has the vault open. How fast
  the keys go on a 1 GB vault is measured by bench/bench_panic.py, not here.
- rm, rekey and the commands that sort create no file in $TMPDIR.

We run as root; tests that need mounts skip with the reason when mounting is
not allowed, as does the strace test when tracing is not.
"""

import contextlib
import ctypes
import ctypes.util
import errno
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from folio_test import (FOLIO_BIN, PASSPHRASE, FolioTestCase, Result, database_keys,  # noqa: E402
                        main, need_nacl, need_sqlcipher, read_slots, slots_of,
                        sqlcipher_open_error, sqlcipher_run)

NOT_A_DATABASE = "file is encrypted or is not a database"
SECRET_TEXT = "secret word Helianthus 秘密日记内容"
KEPT_TEXT = "kept word Marigold 留着的日记"
FULL_DISK_WORDS = ("space", "full", "disk")


def data_key_slots(vault: Path) -> List[int]:
    return [s.index for s in read_slots(vault) if s.used and s.version == 1 and s.kind == 3]


def secret_slots(vault: Path) -> dict:
    """{index: raw bytes} of the passphrase and recovery-code slots."""
    return {s.index: s.raw for s in read_slots(vault) if s.used and s.kind in (1, 2)}


# --- rm --shred and rekey ------------------------------------------------------

class RekeyTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        need_sqlcipher(self)
        self.init_vault()
        self.kept = self.add(KEPT_TEXT + "\n", "--title", "kept", "-t", "stays")
        self.secret = self.add(SECRET_TEXT + "\n" + "filler line\n" * 2000, "--title", "secret",
                               "-t", "gone")
        self.checklist = self.new_id("checklist", "new", "Visa")
        self.item = self.new_id("item", "add", "Visa", "bank letter", "--notes", "stamped")
        doc = self.tmp / "letter.txt"
        doc.write_bytes(b"bank letter content\n" * 5000)
        self.attachment = self.new_id("attach", self.item, doc)
        self.code_file = self.write_secret_file("code", self.recovery_code + "\n")
        self.slots_before = secret_slots(self.vault)
        self.assertEqual([h["id"] for h in self.json_of("search", "--json", "helianthus")],
                         [self.secret], "the control: search finds the record before")

    def take_old_copy(self) -> Path:
        """A copy of `data` as the disk may keep it, checked to open with the
        key of the moment (the control: the test could fail)."""
        copy = self.tmp / "old-data"
        shutil.copyfile(self.vault / "data", copy)
        keys = database_keys(self.vault, PASSPHRASE)
        self.assertEqual(len(keys), 1)
        self.assertIsNone(sqlcipher_open_error(copy, keys[0]),
                          "the copy opens with the key it was written under")
        self.old_key = keys[0]
        return copy

    def assertOldCopyUnreadable(self, copy: Path):
        by_passphrase = database_keys(self.vault, PASSPHRASE)
        by_code = database_keys(self.vault, self.recovery_code, recovery=True)
        self.assertEqual(len(by_passphrase), 1, "the passphrase yields exactly one data key")
        self.assertEqual(by_code, by_passphrase, "the recovery code yields the same data key")
        self.assertNotEqual(by_passphrase[0], self.old_key, "the data key is new")
        error = sqlcipher_open_error(copy, by_passphrase[0])
        self.assertIsNotNone(error, "the old copy does not open with the current data key")
        self.assertIn(NOT_A_DATABASE, error)
        # The control, still: the old key (which the header no longer holds) opens it.
        self.assertIsNone(sqlcipher_open_error(copy, self.old_key))

    def assertVaultSound(self, gone: Optional[str] = None):
        """Opens with the passphrase and the recovery code, passes check,
        holds one data-key slot, the same secret slots, and everything but
        `gone`."""
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"],
                         "no data.rekey, header.tmp or journal left")
        self.assertOk(self.folio("check"), "check")
        self.assertEqual(len(data_key_slots(self.vault)), 1, "exactly one data-key slot")
        self.assertEqual(len([s for s in read_slots(self.vault) if s.used]), 3,
                         "passphrase, recovery-code and data-key slots; the rest random")
        self.assertEqual(secret_slots(self.vault), self.slots_before,
                         "the passphrase and recovery-code slots are untouched")
        ids = self.ids()
        self.assertEqual(self.ids("--recovery", passphrase_file=self.code_file), ids,
                         "the recovery code opens the vault")
        self.assertIn(self.kept, ids)
        self.assertIn(KEPT_TEXT, self.show_json(self.kept)["body"])
        self.assertEqual(self.json_of("search", "--json", "marigold")[0]["id"], self.kept)
        extracted = self.tmp / "extracted.txt"
        self.assertOk(self.folio("extract", self.attachment, "-o", extracted, "--force"))
        self.assertEqual(extracted.read_bytes(), b"bank letter content\n" * 5000)
        self.assertEqual(self.item_json(self.item)["title"], "bank letter")
        key = database_keys(self.vault, PASSPHRASE)[0]
        if gone is None:
            self.assertIn(self.secret, ids)
            return
        self.assertNotIn(gone, ids)
        self.assertEqual(self.json_of("search", "--json", "helianthus"), [])
        self.assertEqual(self.json_of("search", "--json", "秘密"), [])
        r = sqlcipher_run(self.vault / "data", key,
                          f"SELECT count(*) FROM entries WHERE uid = '{gone}' OR body LIKE '%Helianthus%';\n"
                          "SELECT (SELECT count(*) FROM search_terms WHERE term = 'helianthus') + "
                          "(SELECT count(*) FROM search_docs WHERE ' ' || terms || ' ' LIKE '% helianthus %');\n"
                          "SELECT count(*) FROM tags WHERE name = 'gone';")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout.split(), ["0", "0", "0"], "sqlcipher finds no trace of the record")


class ShredAndRekeyTest(RekeyTestCase):

    def test_rm_shred_leaves_an_old_copy_that_no_current_key_opens(self):
        old = self.take_old_copy()
        r = self.folio("rm", "--yes", "--shred", self.secret)
        self.assertOk(r, "rm --shred")
        self.assertOldCopyUnreadable(old)
        self.assertVaultSound(gone=self.secret)

    def test_rekey_leaves_an_old_copy_that_no_current_key_opens(self):
        old = self.take_old_copy()
        self.assertOk(self.folio("rekey"), "rekey")
        self.assertOldCopyUnreadable(old)
        self.assertVaultSound()

    def test_rekey_with_the_recovery_code_works_the_same(self):
        old = self.take_old_copy()
        self.assertOk(self.folio("--recovery", "rekey", passphrase_file=self.code_file))
        self.assertOldCopyUnreadable(old)
        self.assertVaultSound()

    def test_rekey_with_a_wrong_passphrase_exits_4_and_changes_nothing(self):
        wrong = self.write_secret_file("wrong", "not the passphrase at all\n")
        before = self.snapshot()
        self.assertFails(self.folio("rekey", passphrase_file=wrong), 4, mentions=("passphrase",))
        self.assertUnchanged(before)

    def test_rm_shred_without_yes_and_without_a_terminal_exits_9_and_changes_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("rm", "--shred", self.secret), 9, mentions=("--yes",))
        self.assertUnchanged(before)


class RekeyInterruptedTest(FolioTestCase):
    """"A crash midway leaves a vault that opens" (CLI.md, rekey)."""

    def setUp(self):
        super().setUp()
        need_sqlcipher(self)

    def make_vault(self, size: int):
        self.init_vault()
        self.entry = self.add("kept through every crash\n")
        self.new_id("checklist", "new", "Docs")
        self.item = self.new_id("item", "add", "Docs", "scan")
        self.content = os.urandom(size)
        doc = self.tmp / "scan.bin"
        doc.write_bytes(self.content)
        self.attachment = self.new_id("attach", self.item, doc)
        doc.unlink()

    def assertOpensWhole(self, context: str):
        self.assertOk(self.folio("check"), "check" + context)
        self.assertEqual(self.ids(), [self.entry], context)
        out = self.tmp / "out.bin"
        self.assertOk(self.folio("extract", self.attachment, "-o", out, "--force"), context)
        self.assertTrue(out.read_bytes() == self.content, "the attachment is intact" + context)
        self.assertIn(len(data_key_slots(self.vault)), (1, 2), context)

    def test_a_rekey_killed_at_any_moment_leaves_a_vault_that_opens(self):
        self.make_vault(2 * 1024 * 1024)
        start = time.monotonic()
        self.assertOk(self.folio("rekey"))
        duration = time.monotonic() - start
        for step in range(8):
            delay = duration * step / 6
            context = f" (rekey killed after {delay * 1000:.0f} ms)"
            proc = subprocess.Popen([str(a) for a in self.argv(["rekey"])],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=self.env(),
                                    start_new_session=True)
            time.sleep(delay)
            proc.kill()
            proc.wait()
            self.assertOpensWhole(context)
        self.assertOk(self.folio("rekey"), "a rekey after the crashes")
        self.assertEqual(len(data_key_slots(self.vault)), 1)
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])
        self.assertOpensWhole(" (after a final rekey)")

    def test_rekey_without_room_for_the_copy_exits_8_and_changes_nothing(self):
        self.vault = self.mount_tmpfs("6m") / "vault"
        self.make_vault(4 * 1024 * 1024)
        before = self.snapshot()
        r = self.folio("rekey")
        self.assertFails(r, 8, mentions=FULL_DISK_WORDS)
        self.assertUnchanged(before, mtimes=False)
        self.assertOpensWhole(" (after a rekey on a full disk)")

    def test_rm_shred_without_room_for_the_copy_exits_8_and_says_what_was_done(self):
        """The deletion stands (it needs no room), and the error says that
        the re-key, what --shred adds, did not happen."""
        self.vault = self.mount_tmpfs("6m") / "vault"
        self.make_vault(4 * 1024 * 1024)
        r = self.folio("rm", "--yes", "--shred", self.entry)
        self.assertFails(r, 8, mentions=FULL_DISK_WORDS, stdout_empty=False)
        self.assertIn(f"deleted entry {self.entry}", r.out, r.describe())
        self.assertIn("not re-keyed", r.err, r.describe())
        self.assertIn("run 'folio rekey'", r.err, r.describe())
        self.assertNotIn(self.entry, self.ids())
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])


# --- destroy -------------------------------------------------------------------

class DestroyTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add("to be destroyed\n")

    def test_destroy_without_yes_and_without_a_terminal_exits_9_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("destroy", passphrase_file=None)
        self.assertFails(r, 9, mentions=("--yes", "confirm"))
        self.assertUnchanged(before)

    def test_destroy_answered_no_on_a_terminal_exits_10_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio_pty("destroy", passphrase_file=None, steps=[(r"\[y/N\]", b"n\n")])
        self.assertEqual(r.rc, 10, r.describe())
        self.assertUnchanged(before)

    def test_destroy_answered_yes_on_a_terminal_removes_the_folder(self):
        r = self.folio_pty("destroy", passphrase_file=None, steps=[(r"\[y/N\]", b"y\n")])
        self.assertOk(r)
        self.assertFalse(self.vault.exists())

    def test_destroy_yes_needs_no_passphrase_and_removes_the_folder(self):
        r = self.folio("destroy", "--yes", passphrase_file=None)
        self.assertOk(r, "destroy --yes")
        self.assertFalse(self.vault.exists(), "the vault folder is gone")
        self.assertTrue(self.tmp.exists(), "the folder around it stays")
        self.assertFails(self.folio("list"), 3)
        self.assertFails(self.folio("destroy", "--yes", passphrase_file=None), 3)
        self.assertFalse(self.vault.exists(), "nothing was created by the failed commands")

    def test_destroy_keeps_a_file_it_did_not_make_but_destroys_the_vault(self):
        (self.vault / "notes.txt").write_text("the user's own file\n")
        self.assertOk(self.folio("destroy", "--yes", passphrase_file=None))
        self.assertEqual(os.listdir(self.vault), ["notes.txt"])
        self.assertFails(self.folio("list"), 3)

    def test_destroy_removes_side_files_too(self):
        data = (self.vault / "data").read_bytes()
        for name in ("data-journal", "data.rekey", "header.tmp"):
            (self.vault / name).write_bytes(data[:8192])
        self.assertOk(self.folio("destroy", "--yes", passphrase_file=None))
        self.assertFalse(self.vault.exists())


# --- panic ---------------------------------------------------------------------

def no_slot_opens(test: FolioTestCase, header: bytes, context: str = ""):
    """Every slot random: none unmasks to the 'folio-ks' check."""
    test.assertEqual(len(header), 1024, "the header is still 1024 bytes" + context)
    for slot in slots_of(header):
        test.assertFalse(slot.used, f"slot {slot.index} is random{context}")


class PanicTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        need_nacl(self)

    def panic(self, vault: Optional[Path] = None) -> Result:
        """`folio panic` with no passphrase option and standard input closed,
        in a new session (no terminal)."""
        argv = [FOLIO_BIN, "--vault", str(vault or self.vault), "panic"]
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              env=self.env(), cwd=self.tmp, start_new_session=True,
                              preexec_fn=lambda: os.close(0), timeout=60)
        return Result(argv, proc.returncode, proc.stdout, proc.stderr)

    def test_panic_needs_no_passphrase_and_overwrites_keys_and_data(self):
        self.init_vault()
        self.add("an entry\n")
        key = database_keys(self.vault, PASSPHRASE)[0]
        self.assertEqual(database_keys(self.vault, self.recovery_code, recovery=True), [key],
                         "the control: before panic, the recovery code yields the data key")
        # Descriptors on the two files show what became of their bytes after
        # the names are gone.
        header_fd = os.open(self.vault / "header", os.O_RDONLY)
        self.addCleanup(os.close, header_fd)
        data_fd = os.open(self.vault / "data", os.O_RDONLY)
        self.addCleanup(os.close, data_fd)
        size = os.fstat(data_fd).st_size
        before = os.pread(data_fd, size, 0)
        r = self.panic()
        self.assertOk(r, "panic")
        self.assertIn("keys gone", r.err)
        self.assertFalse(self.vault.exists(), "the vault folder is gone")
        old_header = os.pread(header_fd, 2048, 0)
        no_slot_opens(self, old_header, " (the header's old inode)")
        self.assertEqual(database_keys(self.vault, PASSPHRASE, header=old_header), [],
                         "no slot of the old header opens with the passphrase")
        self.assertEqual(database_keys(self.vault, self.recovery_code, recovery=True,
                                       header=old_header), [],
                         "no slot of the old header opens with the recovery code")
        leftover = self.tmp / "data-inode"
        leftover.write_bytes(os.pread(data_fd, size + 1, 0))
        self.assertEqual(leftover.stat().st_size, size, "data was overwritten in place")
        after = leftover.read_bytes()
        same_pages = [i for i in range(0, size, 4096) if before[i:i + 4096] == after[i:i + 4096]]
        self.assertEqual(same_pages, [], "no page of data keeps its old bytes")
        if shutil.which("sqlcipher"):
            self.assertIn(NOT_A_DATABASE, sqlcipher_open_error(leftover, key) or "",
                          "the old database's bytes are random, even to its own key")
        self.assertFails(self.folio("list"), 3)

    def test_panic_without_a_vault_exits_3_and_creates_nothing(self):
        r = self.panic()
        self.assertFails(r, 3, stdout_empty=True)
        self.assertFalse(self.vault.exists())

    def test_panic_destroys_the_keys_before_it_touches_the_database(self):
        """`data` is made impossible to overwrite (a read-only bind mount of
        itself): panic then fails at `data`, and by then the header must be
        random while `data` is still intact, so only the keys were lost."""
        need_sqlcipher(self)
        self.vault = self.mount_tmpfs("16m") / "vault"
        self.init_vault()
        self.add("survives only as ciphertext\n")
        key = database_keys(self.vault, PASSPHRASE)[0]
        data = self.vault / "data"
        before = data.read_bytes()
        r = subprocess.run(["mount", "--bind", str(data), str(data)], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest(f"cannot bind-mount a file here: {r.stderr.strip()}")
        self.addCleanup(subprocess.run, ["umount", str(data)], capture_output=True)
        r = subprocess.run(["mount", "-o", "remount,bind,ro", str(data)], capture_output=True,
                           text=True)
        if r.returncode != 0:
            self.skipTest(f"cannot make the bind mount read-only: {r.stderr.strip()}")
        with self.assertRaises(OSError, msg="root cannot write to the read-only bind mount") as e:
            os.open(data, os.O_WRONLY)
        self.assertEqual(e.exception.errno, errno.EROFS)

        r = self.panic()
        self.assertNotEqual(r.rc, 0, "panic cannot finish: `data` cannot be overwritten"
                            + r.describe())
        self.assertFails(r, 8, mentions=("data",))
        no_slot_opens(self, (self.vault / "header").read_bytes())
        self.assertEqual(data.read_bytes(), before, "data was not touched before the keys went")
        self.assertIsNone(sqlcipher_open_error(data, key),
                          "the database itself is intact: it is the keys that are gone")
        code_file = self.write_secret_file("code", self.recovery_code + "\n")
        self.assertFails(self.folio("list"), (4, 5))
        self.assertFails(self.folio("--recovery", "list", passphrase_file=code_file), (4, 5))
        self.assertEqual(database_keys(self.vault, PASSPHRASE), [])
        self.assertEqual(database_keys(self.vault, self.recovery_code, recovery=True), [])

    def test_panic_syncs_the_new_header_before_it_opens_any_other_vault_file(self):
        """The order of panic's system calls, as strace sees them: the
        header is opened, overwritten (1024 bytes) and synced before any
        other file of the vault is opened, written or removed. Needs no
        mount rights, unlike the test above."""
        if shutil.which("strace") is None:
            self.skipTest("strace is not installed (scripts/deps.sh test installs it)")
        self.init_vault()
        self.add("an entry\n")
        trace = self.tmp / "trace"
        calls = "open,openat,pwrite64,write,fsync,fdatasync,unlink,unlinkat,rename,renameat,renameat2"
        argv = ["strace", "-o", str(trace), "-e", f"trace={calls}",
                FOLIO_BIN, "--vault", str(self.vault), "panic"]
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              env=self.env(), timeout=60)
        if not trace.exists() or "ptrace" in proc.stderr.lower():
            self.skipTest(f"strace cannot trace here: {proc.stderr.strip()}")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse(self.vault.exists())
        lines = trace.read_text().splitlines()
        header = f'"{self.vault}/header"'
        opened = [i for i, line in enumerate(lines) if header in line and "O_WRONLY" in line]
        self.assertTrue(opened, "panic opens the header for writing:\n" + "\n".join(lines))
        fd = lines[opened[0]].rsplit("= ", 1)[1]
        written = next((i for i in range(opened[0], len(lines))
                        if lines[i].startswith(f"pwrite64({fd},") and lines[i].endswith("= 1024")),
                       None)
        self.assertIsNotNone(written, "the 1024 bytes of the header are overwritten in place")
        synced = next((i for i in range(written, len(lines))
                       if lines[i].startswith(f"fsync({fd})") and lines[i].endswith("= 0")), None)
        self.assertIsNotNone(synced, "the overwritten header is synced")
        early = [line for line in lines[:synced] if f"{self.vault}/" in line and header not in line]
        self.assertEqual(early, [], "no other vault file is touched before the header is synced")
        self.assertTrue(any(f'"{self.vault}/data"' in line and "O_WRONLY" in line
                            for line in lines[synced:]),
                        "the control: the trace does show `data` being overwritten, later")

    def test_after_panic_on_a_vault_whose_header_is_a_symlink_nothing_opens(self):
        """A header kept elsewhere (say on a removable disk) behind a
        symlink: folio opens such a vault, so panic must not leave it
        openable. (Refusing to open a symlinked header would do as well.)"""
        self.init_vault()
        self.add("an entry\n")
        elsewhere = self.tmp / "elsewhere"
        elsewhere.mkdir()
        os.rename(self.vault / "header", elsewhere / "header")
        os.symlink(elsewhere / "header", self.vault / "header")
        self.assertOk(self.folio("list"), "the vault opens through the symlinked header")
        r = self.panic()
        self.assertOk(r, "panic follows the symlinked header")
        after = self.folio("list")
        self.assertNotEqual(after.rc, 0,
                            "after panic the vault does not open with the passphrase"
                            + r.describe() + after.describe())
        no_slot_opens(self, (elsewhere / "header").read_bytes(),
                      " (the header behind the symlink)")

    def test_panic_while_another_folio_waits_in_its_editor(self):
        self.init_vault()
        self.add("an older entry\n")
        started, go = self.tmp / "editor-started", self.tmp / "editor-go"
        editor = self.write_script(
            "editor", f'touch "{started}"\n'
                      f'while [ ! -e "{go}" ]; do sleep 0.05; done\n'
                      'printf "written after the panic\\n" > "$1"\n')
        argv = [str(a) for a in self.argv(["add", "--title", "late"])]
        env = self.env(EDITOR=str(editor), VISUAL=None)
        header_fd = os.open(self.vault / "header", os.O_RDONLY)
        self.addCleanup(os.close, header_fd)
        pid, fd = pty.fork()
        if pid == 0:  # the child: folio add on a terminal, so the editor opens
            try:
                os.chdir(self.tmp)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        output = b""
        status = None
        try:
            deadline = time.monotonic() + 20
            while not started.exists():
                self.assertLess(time.monotonic(), deadline, f"the editor never started: {output!r}")
                output += self._drain(fd, 0.05)
            # The other process holds the database open.
            held = {os.readlink(f"/proc/{pid}/fd/{n}") for n in os.listdir(f"/proc/{pid}/fd")
                    if os.path.exists(f"/proc/{pid}/fd/{n}")}
            self.assertIn(str(self.vault / "data"), held, "folio add has the database open")

            r = self.panic()
            self.assertOk(r, "panic while the vault is open elsewhere")
            self.assertFalse(self.vault.exists(), "the vault folder is gone")
            no_slot_opens(self, os.pread(header_fd, 2048, 0), " (the header's old inode)")

            go.touch()
            deadline = time.monotonic() + 20
            while status is None:
                self.assertLess(time.monotonic(), deadline, f"folio add did not finish: {output!r}")
                output += self._drain(fd, 0.05)
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = st
            output += self._drain(fd, 0.1)
        finally:
            if status is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(fd)
        rc = os.waitstatus_to_exitcode(status)
        text = output.decode("utf-8", "replace")
        self.assertNotEqual(rc, 0, "folio add cannot save into a destroyed vault: " + text)
        self.assertIn("folio: error: the vault was destroyed (folio panic) while you were editing",
                      " ".join(text.split()))
        self.assertNotIn("damaged", text, "the panic is not reported as damage")
        self.assertNotIn("restore", text, "no hint to restore what the user just destroyed")
        self.assertFalse(self.vault.exists(), "folio add did not bring the vault back: "
                         + str(sorted(os.listdir(self.vault)) if self.vault.exists() else ""))
        left = [str(p) for p in self.runtime.rglob("*") if p.is_file()]
        self.assertEqual(left, [], "the editor's text is not left in the runtime folder")

    @staticmethod
    def _drain(fd: int, wait: float) -> bytes:
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return b""
        try:
            return os.read(fd, 65536)
        except OSError:  # EIO: the child is gone
            time.sleep(wait)
            return b""


# --- no plaintext temporary files ----------------------------------------------

IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_Q_OVERFLOW = 0x00004000


class CreationWatch:
    """Every name created in (or moved into) one folder while it is open,
    including files unlinked at once (as SQLite does with its temporary
    files), via Linux inotify."""

    def __init__(self, folder: Path):
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if self.libc.inotify_add_watch(self.fd, os.fsencode(folder), IN_CREATE | IN_MOVED_TO) < 0:
            err = ctypes.get_errno()
            os.close(self.fd)
            raise OSError(err, "inotify_add_watch")
        self.seen: List[str] = []

    def names(self) -> List[str]:
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return self.seen
            at = 0
            while at < len(buf):
                _, mask, _, length = struct.unpack_from("iIII", buf, at)
                name = buf[at + 16:at + 16 + length].rstrip(b"\0").decode("utf-8", "replace")
                self.seen.append("(events lost)" if mask & IN_Q_OVERFLOW else name)
                at += 16 + length

    def close(self):
        os.close(self.fd)


class NoTemporaryFileTest(FolioTestCase):
    """folio sets temp_store = MEMORY on every open (and refuses to run
    without it; tests/unit/database_test.cpp checks `PRAGMA temp_store` is 2
    after Database::open): SQLite's sorts, temporary tables and statement
    journals stay in memory. With TMPDIR (and SQLITE_TMPDIR, which SQLite
    reads first) pointing at an empty folder watched with inotify, `rm`,
    `rekey`, `rm --shred` and the commands that sort or rebuild the index
    create nothing there, not even a file unlinked at once. folio runs no
    VACUUM: its one whole-file rewrite is rekey's sqlcipher_export (into
    `data.rekey`, encrypted), which is covered here. The control shows that
    SQLite with temp_store = FILE does put a spilled sort of this vault
    there at SQLite's default cache size (folio's too), so the watch would
    see one: the vault is larger than that cache."""

    ENTRIES = 4000

    def setUp(self):
        super().setUp()
        need_sqlcipher(self)
        self.init_vault()
        self.key = database_keys(self.vault, PASSPHRASE)[0]
        # Entries of about 1.3 KB each, 5.2 MB in all: more than the 2 MB of
        # SQLite's default page cache, which folio keeps.
        r = sqlcipher_run(self.vault / "data", self.key, f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {self.ENTRIES})
            INSERT INTO entries(uid, created, updated, title, body)
            SELECT printf('%08d', i),
                   strftime('%Y-%m-%dT%H:%M:%SZ', '2025-01-01', '+' || i || ' minutes'),
                   strftime('%Y-%m-%dT%H:%M:%SZ', '2025-01-01', '+' || i || ' minutes'),
                   'day ' || i,
                   'walked ' || i || ' ' || replace(hex(zeroblob(250)), '00', 'river ')
            FROM n;""")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.tmpdir = self.tmp / "tmpdir"
        self.tmpdir.mkdir()
        try:
            self.watch = CreationWatch(self.tmpdir)
        except (OSError, AttributeError) as e:
            self.skipTest(f"inotify is not available here: {e}")
        self.addCleanup(self.watch.close)

    def tmp_env(self):
        return self.env(TMPDIR=self.tmpdir, SQLITE_TMPDIR=self.tmpdir)

    def assertNothingCreated(self, what: str):
        self.assertEqual(self.watch.names(), [], f"{what} created files in $TMPDIR")
        self.assertEqual(os.listdir(self.tmpdir), [], f"{what} left files in $TMPDIR")

    def test_control_sqlite_would_spill_this_sort_into_tmpdir(self):
        copy = self.tmp / "copy"
        shutil.copyfile(self.vault / "data", copy)
        r = subprocess.run(
            ["sqlcipher", "-batch", "-bail", "-init", os.devnull, str(copy)],
            input=(f"PRAGMA key = \"x'{self.key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\n"
                   "PRAGMA temp_store = FILE;\n"
                   "SELECT count(*) FROM (SELECT body FROM entries ORDER BY body || uid);\n"),
            capture_output=True, text=True, env=self.tmp_env(), timeout=60)
        self.assertEqual((r.returncode, r.stderr, r.stdout.strip()), (0, "", str(self.ENTRIES)))
        self.assertNotEqual(self.watch.names(), [],
                            "SQLite with temp_store = FILE spills this sort into $TMPDIR")

    def test_rm_rekey_and_sorting_commands_create_no_temporary_file(self):
        env = self.tmp_env()
        commands = [("reindex",), ("list", "--json"), ("search", "--json", "river"), ("check",),
                    ("rm", "--yes", "00000007", "00000042"),
                    ("rekey",), ("rm", "--yes", "--shred", "00000100")]
        for args in commands:
            with self.subTest(command=args[0]):
                r = self.folio(*args, env=env)
                self.assertOk(r, " ".join(args))
                self.assertNothingCreated(" ".join(args))
        self.assertEqual(len(self.ids()), self.ENTRIES - 3)


if __name__ == "__main__":
    main()
