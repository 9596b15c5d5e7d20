#!/usr/bin/python3
"""restore is atomic (docs/CLI.md, "restore: all or nothing"): the vault is
built in a hidden folder beside --to and renamed onto it when complete. A
restore killed with SIGKILL at any moment leaves --to absent or a whole
vault; the hidden folder it leaves is destroyed by the next restore to the
same folder, which then succeeds.

FOLIO_KILL_SEED=N repeats one run of the random kill moments."""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from folio_test import CHEAP_KDF, OTHER_PASSPHRASE, RECOVERY_CODE, FolioTestCase, Result, main

KILLS = 20


class RestoreTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        for i in range(30):
            self.add(f"第{i}天：今天去领事馆。Entry {i} of the journal.\n", "-t", "visa")
        self.new_id("checklist", "new", "Visa")
        for n in range(3):
            self.new_id("item", "add", "Visa", f"Scan {n}")
            scan = self.tmp / f"scan{n}.bin"
            scan.write_bytes(os.urandom(2 * 1024 * 1024))
            self.new_id("attach", f"Visa:{n + 1}", scan)
        r = self.folio("keygen", "-o", self.tmp / "key.txt")
        self.assertOk(r)
        self.key = self.tmp / "key.txt"
        recipient = re.search(r"Public key: (age1[0-9a-z]+)", r.err).group(1)
        self.backup = self.tmp / "b.age"
        self.assertOk(self.folio("export", "-r", recipient, self.backup))
        self.expected = self.records(self.vault, self.pass_file)
        self.new_pass = self.write_secret_file("new-pass", OTHER_PASSPHRASE + "\n")
        self.parent = self.tmp / "restores"
        self.parent.mkdir()
        self.target = self.parent / "restored"

    def records(self, vault: Path, passphrase_file: Path) -> List[str]:
        """The vault's payload without its first line (the time it was made)."""
        r = self.folio("export", "--plaintext", "--format", "json", vault=vault,
                       passphrase_file=passphrase_file)
        self.assertOk(r)
        return r.out.splitlines()[1:]

    def restore_argv(self, source="") -> List[str]:
        return [str(a) for a in self.argv(
            ["restore", source or self.backup, "--to", self.target, "-i", self.key, *CHEAP_KDF,
             "--allow-weak"], passphrase_file=self.new_pass)]

    def restore(self) -> Result:
        return self.folio("restore", self.backup, "--to", self.target, "-i", self.key, *CHEAP_KDF,
                          "--allow-weak", passphrase_file=self.new_pass)

    def leftovers(self) -> List[str]:
        return sorted(p.name for p in self.parent.iterdir() if p.name != "restored")

    def assertWholeVault(self, context: str):
        self.assertEqual(sorted(p.name for p in self.target.iterdir()), ["data", "header"], context)
        self.assertEqual(self.target.stat().st_mode & 0o777, 0o700, context)
        self.assertEqual(self.records(self.target, self.new_pass), self.expected, context)


class RestoreKillTest(RestoreTestCase):

    def test_a_kill_at_20_random_moments_leaves_no_vault_or_a_whole_one_and_a_rerun_works(self):
        t0 = time.monotonic()
        self.assertOk(self.restore())
        duration = time.monotonic() - t0
        self.assertWholeVault("the first restore")
        shutil.rmtree(self.target)
        seed = int(os.environ.get("FOLIO_KILL_SEED", str(time.time_ns() % 1000000)))
        rng = random.Random(seed)
        outcomes = {"absent": 0, "whole": 0}
        for i in range(KILLS):
            delay = rng.uniform(0, duration * 1.1)
            context = f"kill {i} at {delay:.3f}s of {duration:.3f}s (FOLIO_KILL_SEED={seed})"
            proc = subprocess.Popen(self.restore_argv(), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env(),
                                    cwd=self.tmp, start_new_session=True)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            out, _ = proc.communicate(timeout=60)
            if not self.target.exists():
                outcomes["absent"] += 1
                self.assertEqual(RECOVERY_CODE.findall(out.decode("utf-8", "replace")), [],
                                 "no recovery code was shown for a vault that is not there: " + context)
                r = self.restore()
                self.assertOk(r, "a rerun after the kill succeeds: " + context)
                self.assertEqual(len(RECOVERY_CODE.findall(r.out)), 1, context)
                self.assertWholeVault("the rerun: " + context)
                self.assertEqual(self.leftovers(), [], "the rerun removed what the kill left: " + context)
            else:
                outcomes["whole"] += 1
                self.assertWholeVault("the killed restore: " + context)
            shutil.rmtree(self.target)
        print(f"\n  restore took {duration:.3f}s; {KILLS} kills (seed {seed}): {outcomes['absent']} left no "
              f"vault, {outcomes['whole']} a whole one", file=sys.stderr)
        self.assertGreater(outcomes["absent"], 0, "some kills landed during the restore")


class RestoreTargetTest(RestoreTestCase):

    def test_an_existing_empty_folder_is_filled(self):
        self.target.mkdir(mode=0o755)
        r = self.restore()
        self.assertOk(r)
        self.assertWholeVault("an empty folder")
        self.assertEqual(self.leftovers(), [])

    def test_a_folder_that_is_not_empty_is_refused_before_any_prompt_and_kept(self):
        self.target.mkdir()
        (self.target / "mine.txt").write_text("keep me")
        r = self.restore()
        self.assertFails(r, 7, mentions=("not empty",))
        self.assertEqual(os.listdir(self.target), ["mine.txt"])
        self.assertEqual(self.leftovers(), [])

    def test_a_file_at_the_target_is_refused(self):
        self.target.write_text("a file")
        self.assertFails(self.restore(), 2, mentions=("not a folder",))
        self.assertEqual(self.target.read_text(), "a file")

    def test_a_missing_parent_is_made_0700(self):
        self.target = self.parent / "new" / "deeper" / "restored"
        self.assertOk(self.restore())
        self.assertEqual((self.parent / "new").stat().st_mode & 0o777, 0o700)
        self.assertWholeVault("under new parents")

    def start_half_fed_restore(self):
        """A restore from standard input, fed half the backup: it waits for the
        rest with its hidden folder made. Returns the process and the backup."""
        data = self.backup.read_bytes()
        proc = subprocess.Popen(self.restore_argv("-"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env(), cwd=self.tmp,
                                start_new_session=True)
        proc.stdin.write(data[: len(data) // 2])
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.leftovers():
            time.sleep(0.01)
        return proc, data

    def test_nothing_appears_at_the_target_until_the_restore_is_complete(self):
        proc, data = self.start_half_fed_restore()
        (building,) = self.leftovers()
        self.assertRegex(building, r"^\.restored\.folio-restore-\d+-\w{6}$")
        self.assertEqual((self.parent / building).stat().st_mode & 0o777, 0o700)
        self.assertFalse(self.target.exists(), "the target is absent while the restore runs")
        proc.stdin.write(data[len(data) // 2:])
        out, err = proc.communicate(timeout=60)
        self.assertOk(Result(proc.args, proc.returncode, out, err))
        self.assertWholeVault("after the pipe ended")
        self.assertEqual(self.leftovers(), [])

    def test_a_folder_that_appears_meanwhile_is_not_replaced(self):
        proc, data = self.start_half_fed_restore()
        self.target.mkdir()
        (self.target / "someone-else.txt").write_text("appeared meanwhile")
        proc.stdin.write(data[len(data) // 2:])
        out, err = proc.communicate(timeout=60)
        r = Result(proc.args, proc.returncode, out, err)
        self.assertFails(r, 7, mentions=("appeared",))
        self.assertEqual(RECOVERY_CODE.findall(r.out), [], "no recovery code for a vault that is not there")
        self.assertEqual(os.listdir(self.target), ["someone-else.txt"])
        self.assertEqual(self.leftovers(), [], "the half-made vault was destroyed")

    def test_a_leftover_of_a_dead_restore_is_destroyed_and_said_so(self):
        # A restore killed after the header was written: pid 2**22 + 1 is
        # above Linux's pid_max limit, so no process has it.
        dead = self.parent / f".restored.folio-restore-{2 ** 22 + 1}-AbCdEf"
        dead.mkdir(mode=0o700)
        (dead / "header").write_bytes(os.urandom(1024))
        (dead / "data").write_bytes(os.urandom(8192))
        (dead / "data-journal").write_bytes(os.urandom(512))
        r = self.restore()
        self.assertOk(r)
        self.assertIn(f"removed {dead}", r.err)
        self.assertFalse(dead.exists())
        self.assertWholeVault("beside a leftover")

    def test_a_leftover_of_a_running_process_is_left_alone_and_named(self):
        alive = self.parent / f".restored.folio-restore-{os.getpid()}-AbCdEf"
        alive.mkdir(mode=0o700)
        (alive / "data").write_bytes(b"x" * 100)
        r = self.restore()
        self.assertOk(r)
        self.assertIn(f"left alone {alive}", r.err)
        self.assertTrue((alive / "data").exists())
        self.assertWholeVault("beside a running restore")

    def test_a_failed_restore_leaves_nothing_beside_the_target(self):
        short = self.tmp / "short.age"
        short.write_bytes(self.backup.read_bytes()[:-100])
        r = self.folio("restore", short, "--to", self.target, "-i", self.key, *CHEAP_KDF, "--allow-weak",
                       passphrase_file=self.new_pass)
        self.assertFails(r, 5, strict=False)
        self.assertFalse(self.target.exists())
        self.assertEqual(self.leftovers(), [])


if __name__ == "__main__":
    main()
