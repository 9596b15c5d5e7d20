#!/usr/bin/python3
"""`folio passwd` and the recovery code."""

import fcntl
import os
import re
import stat
import subprocess

from folio_test import (CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, WEAK_PASSPHRASE, FolioTestCase,
                        main, need_nacl, open_secret_slot, read_slots, recovery_secret)

FLOOR_MEMORY = 256 << 20


class PasswdTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.entry = self.add("Survives every passphrase change.\n", "-t", "kept")
        self.new_file = self.write_secret_file("new-passphrase", OTHER_PASSPHRASE + "\n")
        self.code_file = self.write_secret_file("code", self.recovery_code + "\n")

    def passwd(self, *extra, **kw):
        return self.folio("passwd", "--new-passphrase-file", self.new_file, *CHEAP_KDF,
                          *extra, **kw)

    def assertOpensWith(self, secret_file, *global_options):
        r = self.folio(*global_options, "list", "--json", passphrase_file=secret_file)
        self.assertOk(r, "opening the vault")
        self.assertIn(self.entry, r.out)

    def assertWrongSecret(self, secret_file, *global_options):
        before = self.snapshot()
        r = self.folio(*global_options, "list", passphrase_file=secret_file)
        self.assertFails(r, 4, mentions=("passphrase", "recovery"))
        self.assertUnchanged(before)


class PasswdTest(PasswdTestCase):

    def test_passwd_makes_the_new_passphrase_work_and_the_old_one_fail_with_4(self):
        self.assertOk(self.passwd())
        self.assertOpensWith(self.new_file)
        self.assertWrongSecret(self.pass_file)

    def test_passwd_does_not_touch_the_database(self):
        data_before = self.snapshot()["data"]
        self.assertOk(self.passwd())
        self.assertEqual(self.snapshot()["data"], data_before, "data: same mode, mtime and bytes")

    def test_passwd_keeps_the_recovery_code_working(self):
        self.assertOk(self.passwd())
        self.assertOpensWith(self.code_file, "--recovery")

    def test_passwd_keeps_files_private_and_leaves_no_temporary_file(self):
        self.assertOk(self.passwd(umask=0))
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])
        self.assertEqual(stat.S_IMODE((self.vault / "header").stat().st_mode), 0o600)
        self.assertEqual((self.vault / "header").stat().st_size, 1024)

    def test_passwd_can_be_run_twice_in_a_row(self):
        self.assertOk(self.passwd())
        third = self.write_secret_file("third", "tangerine octopus 55 lighthouse sparrow\n")
        r = self.folio("passwd", "--new-passphrase-file", third, *CHEAP_KDF,
                       passphrase_file=self.new_file)
        self.assertOk(r)
        self.assertOpensWith(third)
        self.assertWrongSecret(self.new_file)
        self.assertWrongSecret(self.pass_file)

    def test_passwd_with_a_wrong_current_passphrase_exits_4_and_changes_nothing(self):
        wrong = self.write_secret_file("wrong", "not the right passphrase\n")
        before = self.snapshot()
        r = self.passwd(passphrase_file=wrong)
        self.assertFails(r, 4, mentions=("passphrase",))
        self.assertUnchanged(before)
        self.assertOpensWith(self.pass_file)

    def test_passwd_to_a_weak_passphrase_without_allow_weak_exits_9_and_changes_nothing(self):
        self.new_file = self.write_secret_file("weak", WEAK_PASSPHRASE + "\n")
        before = self.snapshot()
        r = self.passwd()
        self.assertFails(r, 9, mentions=("weak", "allow-weak"), strict=False)
        self.assertUnchanged(before)

    def test_passwd_to_a_common_chinese_phrase_is_refused_and_changes_nothing(self):
        # Issue 18: 我爱北京天安门 was rated 2^139 by zxcvbn alone.
        self.new_file = self.write_secret_file("weak", "我爱北京天安门\n")
        before = self.snapshot()
        r = self.passwd()
        self.assertFails(r, 9, mentions=("weak", "allow-weak"), strict=False)
        self.assertIn("passphrase strength: very weak", r.err, r.describe())
        self.assertUnchanged(before)

    def test_passwd_to_a_weak_passphrase_with_allow_weak_works(self):
        self.new_file = self.write_secret_file("weak", WEAK_PASSPHRASE + "\n")
        self.assertOk(self.passwd("--allow-weak"))
        self.assertOpensWith(self.new_file)

    def test_passwd_with_a_missing_new_passphrase_file_changes_nothing(self):
        self.new_file = self.tmp / "no-such-file"
        before = self.snapshot()
        r = self.passwd()
        self.assertFails(r, (2, 8), strict=False)
        self.assertUnchanged(before)

    def test_passwd_reads_the_new_passphrase_from_an_fd(self):
        read_end, write_end = os.pipe()
        os.write(write_end, (OTHER_PASSPHRASE + "\n").encode())
        os.close(write_end)
        self.addCleanup(os.close, read_end)
        r = self.folio("passwd", "--new-passphrase-fd", read_end, *CHEAP_KDF,
                       pass_fds=[read_end])
        self.assertOk(r)
        self.assertOpensWith(self.new_file)

    def test_passwd_without_kdf_options_keeps_the_current_cost(self):
        need_nacl(self)
        r = self.folio("passwd", "--new-passphrase-file", self.new_file, "--allow-weak-kdf")
        self.assertOk(r)
        passphrase_slots = [s for s in read_slots(self.vault) if s.used and s.kind == 1]
        self.assertEqual(len(passphrase_slots), 1)
        self.assertEqual((passphrase_slots[0].ops, passphrase_slots[0].memory), (1, 8 * 1024))

    def test_passwd_replaces_the_passphrase_slot_and_keeps_one_recovery_slot(self):
        need_nacl(self)
        before = {s.index: s.raw for s in read_slots(self.vault)}
        self.assertOk(self.passwd())
        after = read_slots(self.vault)
        self.assertEqual(sorted(s.kind for s in after if s.used), [1, 2, 3])
        (recovery,) = [s for s in after if s.used and s.kind == 2]
        self.assertEqual(recovery.raw, before[recovery.index], "the recovery slot is kept as is")
        (passphrase,) = [s for s in after if s.used and s.kind == 1]
        self.assertNotIn(passphrase.raw, before.values(), "a new salt and nonce")

    def test_passwd_does_not_print_either_passphrase(self):
        r = self.passwd()
        self.assertOk(r)
        for secret in (PASSPHRASE, OTHER_PASSPHRASE):
            self.assertNotIn(secret, r.out + r.err)


class DescriptorTest(PasswdTestCase):
    """A --...-fd option must name a descriptor the caller opened: folio
    checks them all before it opens a file of its own, which would otherwise
    take that number (the vault folder's lock, the header, the database) and
    be read as the passphrase."""

    def test_an_unopened_new_passphrase_fd_exits_2_names_the_option_and_changes_nothing(self):
        before = self.snapshot()
        for fd in ("3", "4", "5"):
            r = self.folio("passwd", "--new-passphrase-fd", fd, *CHEAP_KDF, "--allow-weak")
            self.assertFails(r, 2, mentions=(f"--new-passphrase-fd {fd} is not an open file descriptor",))
            self.assertNotIn("--passphrase-fd", r.err.replace("--new-passphrase-fd", ""), r.describe())
        self.assertUnchanged(before)
        self.assertOpensWith(self.pass_file)

    def test_an_unopened_passphrase_fd_exits_2_and_names_the_option(self):
        before = self.snapshot()
        for args in (["list"], ["add", "--text", "never saved"], ["rekey"]):
            r = self.folio("--passphrase-fd", "3", *args, passphrase_file=None)
            self.assertFails(r, 2, mentions=("--passphrase-fd 3 is not an open file descriptor",))
        self.assertUnchanged(before)

    def test_an_unopened_backup_passphrase_fd_exits_2_and_names_the_option(self):
        r = self.folio("export", self.tmp / "out.age", "--backup-passphrase-fd", "3")
        self.assertFails(r, 2, mentions=("--backup-passphrase-fd 3 is not an open file descriptor",))
        self.assertFalse((self.tmp / "out.age").exists())

    def test_an_unopened_passphrase_fd_does_not_stop_panic(self):
        r = self.folio("--passphrase-fd", "3", "panic", passphrase_file=None)
        self.assertOk(r)
        self.assertFalse(self.vault.exists())

    def test_an_empty_new_passphrase_from_an_fd_names_that_option(self):
        read, write = os.pipe()
        os.close(write)
        self.addCleanup(os.close, read)
        r = self.folio("passwd", "--new-passphrase-fd", read, *CHEAP_KDF, pass_fds=(read,))
        self.assertFails(r, 2, mentions=(f"--new-passphrase-fd {read}",))
        self.assertOpensWith(self.pass_file)


class RecoveryCodeTest(PasswdTestCase):

    def test_the_recovery_code_opens_the_vault(self):
        self.assertOpensWith(self.code_file, "--recovery")

    def test_recovery_may_also_follow_the_command(self):
        r = self.folio("list", "--recovery", passphrase_file=self.code_file)
        self.assertOk(r)
        self.assertIn(self.entry, r.out)

    def test_the_recovery_code_in_lower_case_opens_the_vault(self):
        lower = self.write_secret_file("lower", self.recovery_code.lower() + "\n")
        self.assertOpensWith(lower, "--recovery")

    def test_the_recovery_code_without_dashes_opens_the_vault(self):
        bare = self.write_secret_file("bare", self.recovery_code.replace("-", "") + "\n")
        self.assertOpensWith(bare, "--recovery")
        both = self.write_secret_file("both", self.recovery_code.replace("-", "").lower() + "\n")
        self.assertOpensWith(both, "--recovery")

    def test_the_recovery_code_with_spaces_opens_the_vault(self):
        spaced = self.write_secret_file("spaced", self.recovery_code.replace("-", " ") + "\n")
        self.assertOpensWith(spaced, "--recovery")

    def test_the_recovery_code_with_digits_for_look_alike_letters_opens_the_vault(self):
        code = self.recovery_code
        if not any(c in code for c in "OIB"):
            self.skipTest(f"this code ({code}) has no O, I or B to swap")
        swapped = code.replace("O", "0").replace("I", "1").replace("B", "8")
        self.assertOpensWith(self.write_secret_file("swapped", swapped + "\n"), "--recovery")

    def test_a_wrong_recovery_code_exits_4(self):
        code = list(self.recovery_code)
        code[0] = "A" if code[0] != "A" else "C"
        self.assertWrongSecret(self.write_secret_file("wrong", "".join(code) + "\n"), "--recovery")

    def test_the_recovery_code_is_not_a_passphrase(self):
        self.assertWrongSecret(self.code_file)

    def test_the_passphrase_is_not_a_recovery_code(self):
        before = self.snapshot()
        r = self.folio("--recovery", "list")
        # Assumption: a secret that is not even shaped like a code may be
        # rejected as invalid input (2) before any KDF runs.
        self.assertFails(r, (2, 4), mentions=("recovery", "code"))
        self.assertUnchanged(before)

    def test_passwd_with_the_recovery_code_sets_a_new_passphrase(self):
        r = self.folio("--recovery", "passwd", "--new-passphrase-file", self.new_file, *CHEAP_KDF,
                       passphrase_file=self.code_file)
        self.assertOk(r)
        self.assertOpensWith(self.new_file)
        self.assertWrongSecret(self.pass_file)
        self.assertOpensWith(self.code_file, "--recovery")

    def test_passwd_with_the_recovery_code_does_not_touch_the_database(self):
        data_before = self.snapshot()["data"]
        r = self.folio("--recovery", "passwd", "--new-passphrase-file", self.new_file, *CHEAP_KDF,
                       passphrase_file=self.code_file)
        self.assertOk(r)
        self.assertEqual(self.snapshot()["data"], data_before)

    def test_passwd_with_a_wrong_recovery_code_exits_4_and_changes_nothing(self):
        code = list(self.recovery_code)
        code[-1] = "A" if code[-1] != "A" else "C"
        wrong = self.write_secret_file("wrong", "".join(code) + "\n")
        before = self.snapshot()
        r = self.folio("--recovery", "passwd", "--new-passphrase-file", self.new_file, *CHEAP_KDF,
                       passphrase_file=wrong)
        self.assertFails(r, 4, mentions=("recovery", "code", "passphrase"))
        self.assertUnchanged(before)

    def test_the_recovery_code_is_shown_only_by_init(self):
        for args in (["list"], ["passwd", "--new-passphrase-file", str(self.new_file),
                                *CHEAP_KDF]):
            r = self.folio(*args)
            self.assertOk(r)
            self.assertNotIn(self.recovery_code, r.out + r.err)
            self.assertNotIn(self.recovery_code.replace("-", ""), r.out + r.err)


def slot_of_kind(vault, kind: int):
    (slot,) = [s for s in read_slots(vault) if s.used and s.kind == kind]
    return slot


class WeakVaultCalibrationTest(PasswdTestCase):
    """Issue 16: a vault made with --allow-weak-kdf (as every test vault is)
    gets a proper cost from a passwd given no KDF option, calibrated as
    `init` calibrates, instead of a refusal."""

    def test_passwd_without_kdf_options_on_a_weak_vault_calibrates_and_says_the_cost(self):
        need_nacl(self)
        r = self.folio("passwd", "--new-passphrase-file", self.new_file, timeout=120)
        self.assertOk(r)
        slot = slot_of_kind(self.vault, 1)
        self.assertEqual(slot.memory, FLOOR_MEMORY)
        self.assertGreaterEqual(slot.ops, 2)
        m = re.search(r"below the recommended floor; the new passphrase gets one calibrated on this "
                      r"machine: (\d+) KiB, (\d+) passes", r.err)
        self.assertIsNotNone(m, r.describe())
        self.assertEqual((int(m.group(1)), int(m.group(2))), (slot.memory >> 10, slot.ops),
                         "it says the cost it chose" + r.describe())
        self.assertIn("8 KiB, 1 passes", r.err, "and the weak one it replaced" + r.describe())
        self.assertIn("passphrase changed", r.err)
        self.assertOpensWith(self.new_file)
        self.assertWrongSecret(self.pass_file)

    def test_after_calibrating_passwd_points_to_the_weak_recovery_slot(self):
        need_nacl(self)
        recovery_before = slot_of_kind(self.vault, 2).raw
        r = self.folio("passwd", "--new-passphrase-file", self.new_file, timeout=120)
        self.assertOk(r)
        self.assertIn("the recovery code's keyslot still costs only Argon2id 8 KiB, 1 passes", r.err, r.describe())
        self.assertIn("passwd --recovery-kdf", r.err, r.describe())
        self.assertEqual(slot_of_kind(self.vault, 2).raw, recovery_before, "the recovery slot is kept")
        self.assertOpensWith(self.code_file, "--recovery")

    def test_an_explicit_weak_cost_still_needs_allow_weak_kdf_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("passwd", "--new-passphrase-file", self.new_file, "--kdf-memory", "8K",
                       "--kdf-ops", "1")
        self.assertFails(r, 9, mentions=("allow-weak-kdf",))
        self.assertUnchanged(before)
        r = self.folio("passwd", "--new-passphrase-file", self.new_file, "--kdf-ops", "1")
        self.assertFails(r, 9, mentions=("allow-weak-kdf",))
        self.assertUnchanged(before)

    def test_a_weak_cost_chosen_explicitly_is_not_followed_by_the_recovery_hint(self):
        r = self.passwd()
        self.assertOk(r)
        self.assertNotIn("--recovery-kdf", r.err, r.describe())


class RecoveryKdfTest(PasswdTestCase):
    """`folio passwd --recovery-kdf`: the recovery code's slot sealed again
    at a new cost under the same code, typed once."""

    STRONGER = ["--kdf-memory", "16M", "--kdf-ops", "2", "--allow-weak-kdf"]

    def raise_kdf(self, *extra, **kw):
        return self.folio("passwd", "--recovery-kdf", *extra, **kw)

    def assertRecoverySlot(self, ops: int, memory: int):
        need_nacl(self)
        slot = slot_of_kind(self.vault, 2)
        self.assertEqual((slot.ops, slot.memory), (ops, memory))
        header = (self.vault / "header").read_bytes()
        by_code = open_secret_slot(header, recovery_secret(self.recovery_code), 2)
        by_pass = open_secret_slot(header, PASSPHRASE.encode(), 1)
        self.assertIsNotNone(by_code, "the same code opens the new slot")
        self.assertEqual(by_code, by_pass, "and yields the vault key the passphrase yields")

    def test_a_given_cost_reseals_the_slot_and_the_same_code_opens_the_vault(self):
        need_nacl(self)
        passphrase_before = slot_of_kind(self.vault, 1).raw
        data_before = self.snapshot()["data"]
        r = self.raise_kdf("--recovery-code-file", self.code_file, *self.STRONGER)
        self.assertOk(r)
        self.assertIn("now costs Argon2id 16384 KiB, 2 passes; the code is unchanged", r.err, r.describe())
        self.assertRecoverySlot(2, 16 << 20)
        self.assertEqual(slot_of_kind(self.vault, 1).raw, passphrase_before, "the passphrase slot is kept")
        self.assertEqual(self.snapshot()["data"], data_before, "the database is not touched")
        self.assertOpensWith(self.code_file, "--recovery")
        self.assertOpensWith(self.pass_file)
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])
        self.assertEqual(stat.S_IMODE((self.vault / "header").stat().st_mode), 0o600)

    def test_without_a_cost_it_calibrates_one_at_the_floor(self):
        need_nacl(self)
        r = self.raise_kdf("--recovery-code-file", self.code_file, timeout=120)
        self.assertOk(r)
        slot = slot_of_kind(self.vault, 2)
        self.assertEqual(slot.memory, FLOOR_MEMORY)
        self.assertGreaterEqual(slot.ops, 2)
        self.assertIn(f"now costs Argon2id {FLOOR_MEMORY >> 10} KiB, {slot.ops} passes", r.err, r.describe())
        self.assertOpensWith(self.code_file, "--recovery")

    def test_with_recovery_the_code_that_opens_the_vault_is_the_one_resealed(self):
        r = self.folio("--recovery", "passwd", "--recovery-kdf", *self.STRONGER,
                       passphrase_file=self.code_file)
        self.assertOk(r)
        self.assertRecoverySlot(2, 16 << 20)
        self.assertOpensWith(self.code_file, "--recovery")
        self.assertOpensWith(self.pass_file)

    def test_the_code_may_come_from_a_descriptor(self):
        read_end, write_end = os.pipe()
        os.write(write_end, (self.recovery_code.lower() + "\n").encode())
        os.close(write_end)
        self.addCleanup(os.close, read_end)
        r = self.raise_kdf("--recovery-code-fd", read_end, *self.STRONGER, pass_fds=[read_end])
        self.assertOk(r)
        self.assertRecoverySlot(2, 16 << 20)
        self.assertOpensWith(self.code_file, "--recovery")

    def test_on_a_terminal_the_code_is_asked_once_with_echo_off(self):
        r = self.folio_pty("passwd", "--recovery-kdf", *self.STRONGER,
                           steps=[("Recovery code: ", (self.recovery_code + "\n").encode())])
        self.assertOk(r)
        self.assertEqual(r.output.count("Recovery code: "), 1, r.describe())
        self.assertNotIn(self.recovery_code, r.output, "the code is not echoed" + r.describe())
        self.assertRecoverySlot(2, 16 << 20)

    def test_a_wrong_code_exits_4_and_changes_nothing(self):
        code = list(self.recovery_code)
        code[0] = "A" if code[0] != "A" else "C"
        wrong = self.write_secret_file("wrong", "".join(code) + "\n")
        before = self.snapshot()
        r = self.raise_kdf("--recovery-code-file", wrong, *self.STRONGER)
        self.assertFails(r, 4, mentions=("recovery code",), strict=False)
        self.assertUnchanged(before)
        r = self.folio("--recovery", "passwd", "--recovery-kdf", *self.STRONGER, passphrase_file=wrong)
        self.assertFails(r, 4, mentions=("recovery code",), strict=False)
        self.assertUnchanged(before)
        self.assertOpensWith(self.code_file, "--recovery")

    def test_something_that_is_not_a_code_exits_2_and_changes_nothing(self):
        before = self.snapshot()
        r = self.raise_kdf("--recovery-code-file", self.new_file, *self.STRONGER)
        self.assertFails(r, 2, mentions=("recovery code",), strict=False)
        self.assertUnchanged(before)

    def test_a_weak_given_cost_needs_allow_weak_kdf_and_changes_nothing(self):
        before = self.snapshot()
        r = self.raise_kdf("--recovery-code-file", self.code_file, "--kdf-memory", "16M", "--kdf-ops", "2")
        self.assertFails(r, 9, mentions=("allow-weak-kdf",))
        self.assertUnchanged(before)

    def test_options_that_do_not_go_together_exit_2_and_change_nothing(self):
        before = self.snapshot()
        for args in (["passwd", "--recovery-kdf", "--new-passphrase-file", self.new_file, *CHEAP_KDF],
                     ["passwd", "--recovery-kdf", "--allow-weak", "--recovery-code-file", self.code_file],
                     ["passwd", "--recovery-code-file", self.code_file, "--new-passphrase-file",
                      self.new_file, *CHEAP_KDF],
                     ["--recovery", "passwd", "--recovery-kdf", "--recovery-code-file", self.code_file,
                      *self.STRONGER]):
            with self.subTest(args=args):
                r = self.folio(*args, passphrase_file=self.code_file if args[0] == "--recovery" else self.pass_file)
                self.assertFails(r, 2, strict=False)
        self.assertUnchanged(before)

    def test_it_waits_for_another_command_and_gives_up_busy_with_the_header_untouched(self):
        fd = os.open(self.vault, os.O_RDONLY | os.O_DIRECTORY)
        self.addCleanup(os.close, fd)
        fcntl.flock(fd, fcntl.LOCK_SH)  # as a running `folio list` holds it
        before = (self.vault / "header").read_bytes()
        r = self.raise_kdf("--recovery-code-file", self.code_file, *self.STRONGER,
                           env=self.env(FOLIO_LOCK_TIMEOUT="0.3"))
        self.assertFails(r, 8, mentions=("busy",))
        self.assertEqual((self.vault / "header").read_bytes(), before)
        fcntl.flock(fd, fcntl.LOCK_UN)
        self.assertOk(self.raise_kdf("--recovery-code-file", self.code_file, *self.STRONGER))
        self.assertRecoverySlot(2, 16 << 20)

    def test_racing_passwd_and_rekey_every_change_is_kept(self):
        """Started together (all three opening with the recovery code, which
        none of them changes), each waits for the others' headers: the new
        passphrase, the new recovery cost and the new data key all stay."""
        need_nacl(self)
        for n in range(4):
            target = self.new_file if n % 2 == 0 else self.pass_file
            ops = 2 + n
            procs = [self.start_folio("--recovery", "passwd", "--recovery-kdf", "--kdf-memory", "16M",
                                      "--kdf-ops", ops, "--allow-weak-kdf"),
                     self.start_folio("--recovery", "passwd", "--new-passphrase-file", target, *CHEAP_KDF),
                     self.start_folio("--recovery", "rekey")]
            for p in procs:
                out, err = p.communicate(timeout=60)
                self.assertEqual(p.returncode, 0, f"round {n + 1}: {p.args} {err!r}")
            slot = slot_of_kind(self.vault, 2)
            self.assertEqual((slot.ops, slot.memory), (ops, 16 << 20), f"round {n + 1}")
            self.assertOpensWith(target)
            self.assertOpensWith(self.code_file, "--recovery")
            self.assertEqual(len([s for s in read_slots(self.vault) if s.used and s.kind == 3]), 1)
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])

    def start_folio(self, *args):
        """folio in the background with the recovery code as its secret."""
        return subprocess.Popen([str(a) for a in self.argv(list(args), passphrase_file=self.code_file)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env(), cwd=self.tmp, start_new_session=True)


if __name__ == "__main__":
    main()