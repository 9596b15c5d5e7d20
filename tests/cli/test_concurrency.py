#!/usr/bin/python3
"""Two folio commands at once on one vault (docs/THREAT_MODEL.md, "Two folio
commands at once"; docs/CLI.md, "Two commands at once"), and what a crash
leaves (docs/FORMAT.md, "Interrupted changes").

- Races, with the real binary in parallel processes: passwd racing rekey
  and rm --shred, adds racing rekey and rm --shred, three rekeys at once.
  Afterwards the vault opens with the passphrase that the last successful
  passwd set and with the recovery code, every add that exited 0 is listed,
  no command exited 5 (damaged) or 70, and one that gave up exited 8 saying
  "busy".
- The lock itself, held from this test with flock(2) on the vault folder
  (what folio locks): a command waits, says so once, and fails after
  FOLIO_LOCK_TIMEOUT with exit 8 "busy"; it goes on when the lock is
  released; readers share it, rekey and passwd do not; panic and destroy
  never wait for it.
- Crashes: a rekey or rm --shred killed between its new header and its
  rename (strace injects SIGKILL at that rename), six times over; the vault
  opens each time, and then rekey works and leaves one data-key slot and no
  data.rekey. A passwd killed before its rename leaves header.tmp: the next
  writer removes it. A rekey copy left by a full disk (data.rekey,
  data.rekey-journal) is removed by the next writer and left by readers.
- A stopped (SIGSTOP) agent: a command falls back to the passphrase within
  a second, and panic does not wait for it.
"""

import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import unittest
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from folio_test import (CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, FolioTestCase, Result,  # noqa: E402
                        database_keys, main, need_nacl, need_sqlcipher, read_slots, run_sql)

BAD_EXITS = (5, 70)  # damaged, internal: never for a race


def data_key_slots(vault: Path) -> List[int]:
    return [s.index for s in read_slots(vault) if s.used and s.version == 1 and s.kind == 3]


class ConcurrencyTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        need_nacl(self)
        self.init_vault()
        self.code_file = self.write_secret_file("code", self.recovery_code + "\n")

    def start(self, *args, input: Optional[str] = None, passphrase_file=None, env=None,
              wrapper=()) -> subprocess.Popen:
        """folio in the background, stdout and stderr captured."""
        kw = {} if passphrase_file is None else {"passphrase_file": passphrase_file}
        argv = list(wrapper) + [str(a) for a in self.argv(list(args), **kw)]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env or self.env(), cwd=self.tmp, start_new_session=True)
        proc.folio_argv = argv
        proc.folio_input = input
        return proc

    def finish(self, proc: subprocess.Popen, timeout: float = 60) -> Result:
        data = proc.folio_input.encode() if proc.folio_input is not None else None
        try:
            out, err = proc.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail(f"folio did not finish in {timeout}s: {proc.folio_argv}\n{err!r}")
        return Result(proc.folio_argv, proc.returncode, out, err)

    def assertSaneExit(self, r: Result, context: str = ""):
        """0, or a clear refusal: never damaged or internal; 8 only as "busy"."""
        self.assertNotIn(r.rc, BAD_EXITS, "no damaged or internal error in a race" + context + r.describe())
        if r.rc == 8:
            self.assertIn("busy", r.err, context + r.describe())
        for bad in ("disk I/O error", "free some disk space", "no free keyslot"):
            self.assertNotIn(bad, r.err, context + r.describe())

    def assertOpens(self, passphrase_file: Path, context: str = "") -> List[str]:
        ids = self.ids(passphrase_file=passphrase_file)
        self.assertEqual(self.ids("--recovery", passphrase_file=self.code_file), ids,
                         "the recovery code opens it too" + context)
        return ids


class RaceTest(ConcurrencyTestCase):

    def setUp(self):
        super().setUp()
        self.pass_files = {PASSPHRASE: self.pass_file,
                           OTHER_PASSPHRASE: self.write_secret_file("other", OTHER_PASSPHRASE + "\n")}
        self.entry = self.add("written before the races\n")

    def race_passwd_with(self, other: List[str], rounds: int):
        """passwd (with a dearer KDF, to widen the window) against `other`,
        started together; the passphrase follows every passwd that exited 0."""
        current = PASSPHRASE
        for n in range(rounds):
            new = OTHER_PASSPHRASE if current == PASSPHRASE else PASSPHRASE
            context = f" (round {n + 1}, {' '.join(other)})"
            # The rival first: its header is read after its copy is made, so
            # passwd starts at a random moment of it, over the rounds.
            rival = self.start(*other, passphrase_file=self.pass_files[current])
            time.sleep(random.uniform(0, 0.3))
            passwd = self.start("passwd", "--kdf-memory", "16M", "--kdf-ops", "1", "--allow-weak-kdf",
                                "--allow-weak", "--new-passphrase-file", self.pass_files[new],
                                passphrase_file=self.pass_files[current])
            p, o = self.finish(passwd), self.finish(rival)
            self.assertSaneExit(p, context)
            self.assertSaneExit(o, context)
            # One goes first and the other waits; a rival that waited for a
            # passwd finds its passphrase changed (exit 4), as it should.
            self.assertEqual(p.rc, 0, context + p.describe())
            self.assertIn(o.rc, (0, 4), context + o.describe())
            if p.rc == 0:
                current = new
            ids = self.assertOpens(self.pass_files[current], context)
            self.assertIn(self.entry, ids, context)
            self.assertEqual(len(data_key_slots(self.vault)), 1, "one data-key slot" + context)
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])

    def test_passwd_racing_rekey_leaves_a_vault_that_opens(self):
        self.race_passwd_with(["rekey"], rounds=20)

    def test_passwd_racing_rm_shred_leaves_a_vault_that_opens(self):
        victims = [self.add(f"to be shredded {n}\n") for n in range(10)]
        current = PASSPHRASE
        for n, victim in enumerate(victims):
            new = OTHER_PASSPHRASE if current == PASSPHRASE else PASSPHRASE
            context = f" (round {n + 1})"
            shred = self.start("rm", "--yes", "--shred", victim, passphrase_file=self.pass_files[current])
            time.sleep(random.uniform(0, 0.3))
            passwd = self.start("passwd", "--kdf-memory", "16M", "--kdf-ops", "1", "--allow-weak-kdf",
                                "--allow-weak", "--new-passphrase-file", self.pass_files[new],
                                passphrase_file=self.pass_files[current])
            p, s = self.finish(passwd), self.finish(shred)
            self.assertOk(p, context)
            self.assertSaneExit(s, context)
            self.assertIn(s.rc, (0, 4), "rm --shred went first, or found the new passphrase" + s.describe())
            current = new
            ids = self.assertOpens(self.pass_files[current], context)
            if s.rc == 0:
                self.assertNotIn(victim, ids, context)
            self.assertIn(self.entry, ids, context)
            self.assertEqual(len(data_key_slots(self.vault)), 1, "one data-key slot" + context)

    def race_adds_with(self, rival_args: List[str], adds: int) -> List[str]:
        """`adds` adds started around a rival (rekey, rm --shred); returns the
        ids of those that exited 0, after checking every one is listed."""
        rival = self.start(*rival_args, passphrase_file=self.pass_file)
        procs = []
        for n in range(adds):
            procs.append(self.start("add", "--title", f"race {n}", input=f"added during a race {n}\n",
                                    passphrase_file=self.pass_file))
            time.sleep(0.01)
        results = [self.finish(p) for p in procs]
        r = self.finish(rival)
        self.assertSaneExit(r, " (the rival)")
        self.assertEqual(r.rc, 0, "the rival gets its turn" + r.describe())
        saved = []
        for res in results:
            self.assertSaneExit(res, " (an add)")
            if res.rc == 0:
                saved.append(res.out.strip())
        listed = self.ids()
        lost = [i for i in saved if i not in listed]
        self.assertEqual(lost, [], "every add that exited 0 is in the vault")
        self.assertEqual(len(data_key_slots(self.vault)), 1)
        return saved

    def test_adds_racing_rekey_and_rm_shred_are_all_kept(self):
        # A vault large enough for the copy to take a while.
        doc = self.tmp / "scan.bin"
        doc.write_bytes(os.urandom(3 * 1024 * 1024))
        item = self.new_id("item", "add", self.new_id("checklist", "new", "Docs"), "scan")
        self.new_id("attach", item, doc)
        saved = []
        for _ in range(2):
            saved += self.race_adds_with(["rekey"], adds=12)
        for _ in range(2):
            victim = self.add("shred me\n")
            saved += self.race_adds_with(["rm", "--yes", "--shred", victim], adds=12)
            self.assertNotIn(victim, self.ids())
        self.assertGreaterEqual(len(saved), 40, "nearly every add gets through (the rest said busy)")
        self.assertOk(self.folio("check"))
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])

    def test_three_rekeys_at_once_all_succeed(self):
        keys = set()
        for n in range(3):
            procs = [self.start("rekey", passphrase_file=self.pass_file) for _ in range(3)]
            for r in [self.finish(p) for p in procs]:
                self.assertOk(r, f" (round {n + 1})")
            keys.add(database_keys(self.vault, PASSPHRASE)[0])
            self.assertEqual(len(data_key_slots(self.vault)), 1)
            self.assertOpens(self.pass_file)
        self.assertEqual(len(keys), 3, "each round left a new data key")
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])


class LockTest(ConcurrencyTestCase):
    """flock(2) on the vault folder is folio's lock (src/vault/lock.h)."""

    def hold(self, mode: int) -> int:
        fd = os.open(self.vault, os.O_RDONLY | os.O_DIRECTORY)
        self.addCleanup(os.close, fd)
        fcntl.flock(fd, mode)
        return fd

    def short_wait(self, seconds: float = 0.5):
        return self.env(FOLIO_LOCK_TIMEOUT=str(seconds))

    def test_a_command_waits_says_so_once_then_exits_8_busy(self):
        self.add("an entry\n")
        self.hold(fcntl.LOCK_EX)
        for args in (["list"], ["add", "--text", "late"], ["rekey"]):
            start = time.monotonic()
            r = self.folio(*args, env=self.short_wait())
            took = time.monotonic() - start
            self.assertFails(r, 8, mentions=("busy",))
            self.assertIn("another folio command", r.err)
            self.assertNotIn("damaged", r.err)
            self.assertEqual(r.err.count("waiting for another folio command on this vault"), 1, r.describe())
            self.assertGreater(took, 0.4, "it waited for the lock")
            self.assertLess(took, 5, "and no longer than FOLIO_LOCK_TIMEOUT")

    def test_a_waiting_command_goes_on_once_the_lock_is_released(self):
        fd = self.hold(fcntl.LOCK_EX)
        proc = self.start("add", "--title", "patient", input="waited for its turn\n",
                          passphrase_file=self.pass_file)
        time.sleep(0.7)
        self.assertIsNone(proc.poll(), "the add waits while the lock is held")
        fcntl.flock(fd, fcntl.LOCK_UN)
        r = self.finish(proc)
        self.assertOk(r)
        self.assertIn("waiting for another folio command on this vault", r.err)
        self.assertIn(r.out.strip(), self.ids())

    def test_readers_and_writers_share_the_lock_but_header_changes_do_not(self):
        self.hold(fcntl.LOCK_SH)  # as any other command holds it
        self.assertOk(self.folio("list", env=self.short_wait(0)))
        self.assertOk(self.folio("add", "--text", "shared", env=self.short_wait(0)))
        before = (self.vault / "header").read_bytes()
        self.assertFails(self.folio("rekey", env=self.short_wait(0.2)), 8, mentions=("busy",))
        new = self.write_secret_file("other", OTHER_PASSPHRASE + "\n")
        self.assertFails(self.folio("passwd", "--new-passphrase-file", new, *CHEAP_KDF,
                                    env=self.short_wait(0.2)), 8, mentions=("busy",))
        self.assertEqual((self.vault / "header").read_bytes(), before, "the header was not touched")

    def test_panic_and_destroy_never_wait_for_the_lock(self):
        self.hold(fcntl.LOCK_EX)
        start = time.monotonic()
        r = subprocess.run([self.argv(["panic"], passphrase_file=None)[0], "--vault", str(self.vault), "panic"],
                           stdin=subprocess.DEVNULL, capture_output=True, env=self.env(), timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(time.monotonic() - start, 2)
        self.assertFalse(self.vault.exists())
        self.assertNotIn(b"waiting", r.stderr)
        self.init_vault()
        self.hold(fcntl.LOCK_EX)
        start = time.monotonic()
        r = self.folio("destroy", "--yes", passphrase_file=None)
        self.assertOk(r)
        self.assertLess(time.monotonic() - start, 2)
        self.assertFalse(self.vault.exists())

    def test_a_bad_lock_timeout_is_a_warning_and_never_stops_panic(self):
        r = self.folio("list", env=self.env(FOLIO_LOCK_TIMEOUT="soon"))
        self.assertOk(r)
        self.assertIn("warning: FOLIO_LOCK_TIMEOUT", r.err)
        r = subprocess.run([self.argv([], passphrase_file=None)[0], "--vault", str(self.vault), "panic"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                           env=self.env(FOLIO_LOCK_TIMEOUT="-1"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(self.vault.exists())


def strace_kill_at_rename_of(path: Path) -> List[str]:
    """strace arguments that kill folio (SIGKILL) when it first renames
    `path`: after everything before that rename was written and synced."""
    return ["strace", "-f", "-qq", "-o", os.devnull, "-P", str(path),
            "-e", "trace=rename,renameat,renameat2", "-e", "inject=rename,renameat,renameat2:signal=KILL"]


class CrashTest(ConcurrencyTestCase):
    """What a crash between two steps leaves is cleaned up by the next
    writer (FORMAT.md, "Interrupted changes")."""

    def setUp(self):
        super().setUp()
        if shutil.which("strace") is None:
            self.skipTest("strace is not installed (scripts/deps.sh test installs it)")
        probe = subprocess.run(["strace", "-qq", "-o", os.devnull, "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest(f"strace cannot trace here: {probe.stderr.strip()}")
        self.entry = self.add("kept through every crash\n")

    def crash(self, *args, at: str, passphrase_file=None) -> Result:
        proc = self.start(*args, passphrase_file=passphrase_file or self.pass_file,
                          wrapper=strace_kill_at_rename_of(self.vault / at))
        r = self.finish(proc)
        self.assertNotEqual(r.rc, 0, "the command was killed at the rename" + r.describe())
        self.assertNotIn(b"re-keyed", r.err_bytes)
        return r

    def test_rekey_killed_between_its_header_and_its_rename_six_times_then_rekey_works(self):
        old_key = database_keys(self.vault, PASSPHRASE)[0]
        for n in range(6):
            context = f" (after crash {n + 1})"
            self.crash("rekey", at="data.rekey")
            self.assertIn("data.rekey", os.listdir(self.vault), "the crash came after the copy" + context)
            self.assertEqual(self.ids(), [self.entry], context)  # a reader opens it as it is
        r = self.folio("rekey")
        self.assertOk(r, "rekey after six crashes")
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"], "no data.rekey is left")
        self.assertEqual(len(data_key_slots(self.vault)), 1, "one data-key slot: none leaked")
        self.assertEqual(len([s for s in read_slots(self.vault) if s.used]), 3)
        self.assertNotEqual(database_keys(self.vault, PASSPHRASE)[0], old_key, "the rekey happened")
        self.assertOpens(self.pass_file)
        self.assertOk(self.folio("check"))

    def test_rm_shred_killed_before_its_rename_is_cleaned_up_by_the_next_writer(self):
        victims = [self.add(f"victim {n}\n") for n in range(6)]
        for victim in victims:
            self.crash("rm", "--yes", "--shred", victim, at="data.rekey")
            self.assertNotIn(victim, self.ids(), "the deletion itself was committed")
        self.assertEqual(len(data_key_slots(self.vault)), 2, "the control: the last crash left its slot")
        after = self.add("the next writer\n")
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"], "the copy is gone")
        self.assertEqual(len(data_key_slots(self.vault)), 1, "and the slot of its key")
        self.assertEqual(sorted(self.assertOpens(self.pass_file)), sorted([self.entry, after]))
        self.assertOk(self.folio("rm", "--yes", "--shred", after))

    def test_a_passwd_killed_before_its_rename_leaves_header_tmp_for_the_next_writer(self):
        new = self.write_secret_file("other", OTHER_PASSPHRASE + "\n")
        self.crash("passwd", "--new-passphrase-file", new, *CHEAP_KDF, "--allow-weak", at="header.tmp")
        self.assertIn("header.tmp", os.listdir(self.vault), "the control: the crash left it")
        self.assertEqual(self.ids(), [self.entry], "the old passphrase still opens the vault")
        self.assertIn("header.tmp", os.listdir(self.vault), "a reader leaves it")
        self.add("the next writer\n")
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"], "a writer removes it")
        self.assertOpens(self.pass_file)
        self.assertFails(self.folio("list", passphrase_file=new), 4)

    def test_a_rekey_copy_left_by_a_full_disk_is_removed_by_the_next_writer(self):
        # What rekey left on a full disk before: its copy's SQLite journal
        # (and, had the removal failed, the copy).
        for name in ("data.rekey", "data.rekey-journal"):
            (self.vault / name).write_bytes(os.urandom(8192))
        self.assertEqual(self.ids(), [self.entry])
        self.assertIn("data.rekey-journal", os.listdir(self.vault), "a reader leaves them")
        self.add("the next writer\n")
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])


class UpgradeRaceTest(ConcurrencyTestCase):
    """Commands that find the same old schema at once upgrade it once: the
    first in, under SQLite's write lock; the others find it done."""

    def test_four_commands_that_find_schema_2_at_once_upgrade_it_once(self):
        need_sqlcipher(self)
        entries = [self.add(f"entry {n} about okapis\n") for n in range(20)]
        for _ in range(3):
            run_sql(self.vault, PASSPHRASE,
                    "DROP TABLE IF EXISTS search_postings; DROP TABLE IF EXISTS search_terms; "
                    "DROP TABLE IF EXISTS search_docs; DROP TABLE IF EXISTS search_stats; PRAGMA user_version = 2;")
            procs = [self.start(*args, passphrase_file=self.pass_file)
                     for args in (["list"], ["search", "okapis"], ["add", "--text", "during"], ["list"])]
            results = [self.finish(p) for p in procs]
            for r in results:
                self.assertOk(r)
            self.assertEqual(sum("upgrading the vault" in r.err for r in results), 1,
                             "one of them upgraded it" + "".join(r.describe() for r in results))
            self.assertEqual(run_sql(self.vault, PASSPHRASE, "PRAGMA user_version;").split()[-1], "5")
            self.assertEqual(len(self.json_of("search", "okapis", "--json")), len(entries))
        self.assertOk(self.folio("check"))


class AgentLockTest(ConcurrencyTestCase):
    """Commands through the session agent hold the same lock."""

    def setUp(self):
        super().setUp()
        self.entry = self.add("an entry\n")
        self.assertOk(self.folio("unlock"))
        self.agent = json.loads(self.folio("status", "--json", passphrase_file=None).out)["agent_pid"]
        self.addCleanup(self.folio, "lock", passphrase_file=None)

    def test_a_command_through_the_agent_waits_for_a_rekey(self):
        fd = os.open(self.vault, os.O_RDONLY | os.O_DIRECTORY)
        self.addCleanup(os.close, fd)
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a rekey holds it
        r = self.folio("list", passphrase_file=None, env=self.env(FOLIO_LOCK_TIMEOUT="0.3"))
        self.assertFails(r, 8, mentions=("busy",))
        fcntl.flock(fd, fcntl.LOCK_UN)
        self.assertEqual(self.ids(passphrase_file=None), [self.entry], "the agent opens it once free")


class StoppedAgentTest(ConcurrencyTestCase):

    def setUp(self):
        super().setUp()
        self.entry = self.add("an entry\n")
        r = self.folio("unlock")
        self.assertOk(r)
        self.agent = json.loads(self.folio("status", "--json", passphrase_file=None).out)["agent_pid"]
        self.addCleanup(self.end_agent)
        os.kill(self.agent, signal.SIGSTOP)

    def end_agent(self):
        for sig in (signal.SIGKILL, signal.SIGCONT):
            try:
                os.kill(self.agent, sig)
            except ProcessLookupError:
                pass

    def test_a_command_falls_back_to_the_passphrase_within_a_second(self):
        start = time.monotonic()
        ids = self.ids()
        took = time.monotonic() - start
        self.assertEqual(ids, [self.entry])
        self.assertLess(took, 1.5, f"list took {took:.2f} s with a stopped agent")

    def test_panic_does_not_wait_for_a_stopped_agent(self):
        start = time.monotonic()
        r = subprocess.run([self.argv([], passphrase_file=None)[0], "--vault", str(self.vault), "panic"],
                           stdin=subprocess.DEVNULL, capture_output=True, env=self.env(), timeout=30)
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(self.vault.exists())
        self.assertLess(took, 1.0, f"panic took {took:.2f} s with a stopped agent")


if __name__ == "__main__":
    main()
