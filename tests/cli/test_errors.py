#!/usr/bin/python3
"""Bad input and damaged vaults: each exits with its documented code, says so
in one `folio: error: ...` line, and leaves the vault files as they were."""

import json
import os
from pathlib import Path

from folio_test import (CHEAP_KDF, PASSPHRASE, FolioTestCase, flip_byte, main, need_nacl,
                        need_sqlcipher, read_slots, run_sql, with_params)

WRONG_PASSPHRASE_WORDS = ("passphrase",)
DAMAGE_WORDS = ("damaged", "corrupt", "truncated", "not a folio", "foreign")


class VaultErrorTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.entry = self.add("A private thought.\n", "--title", "Private", "-t", "secret")

    def assertEveryCommandFails(self, code, mentions=()):
        """Opening commands all fail the same way and change nothing."""
        before = self.snapshot()
        for args, stdin in ((["list"], None), (["show", self.entry], None), (["tags"], None),
                            (["add"], "new text\n"), (["edit", self.entry, "--title", "x"], None),
                            (["rm", "--yes", self.entry], None)):
            with self.subTest(args=args):
                r = self.folio(*args, input=stdin)
                self.assertFails(r, code, mentions=mentions)
                self.assertUnchanged(before, context=f" after {args}")


class PassphraseErrorTest(VaultErrorTestCase):

    def test_a_wrong_passphrase_exits_4_and_changes_nothing(self):
        self.pass_file = self.write_secret_file("wrong", "not the right passphrase\n")
        self.assertEveryCommandFails(4, mentions=WRONG_PASSPHRASE_WORDS)

    def test_a_wrong_passphrase_does_not_reveal_anything(self):
        wrong = self.write_secret_file("wrong", "not the right passphrase\n")
        r = self.folio("list", passphrase_file=wrong)
        self.assertFails(r, 4)
        for secret in ("Private", "private thought", "secret", self.entry, PASSPHRASE,
                       "not the right passphrase"):
            self.assertNotIn(secret, r.err)

    def test_an_empty_passphrase_file_is_refused(self):
        empty = self.write_secret_file("empty", "")
        before = self.snapshot()
        r = self.folio("list", passphrase_file=empty)
        self.assertFails(r, (2, 4))
        self.assertUnchanged(before)

    def test_a_missing_passphrase_file_exits_2_or_8(self):
        before = self.snapshot()
        r = self.folio("list", passphrase_file=self.tmp / "no-such-file")
        self.assertFails(r, (2, 8), mentions=("no-such-file", "passphrase", "file"))
        self.assertUnchanged(before)

    def test_a_passphrase_file_that_is_a_folder_exits_2_or_8(self):
        r = self.folio("list", passphrase_file=self.tmp)
        self.assertFails(r, (2, 8))


class MissingVaultTest(FolioTestCase):

    def test_no_vault_at_the_path_exits_3_and_creates_nothing(self):
        for args in (["list"], ["add", "--text", "x"], ["show", "abcd1234"], ["tags"],
                     ["passwd", "--new-passphrase-file", "/dev/null"]):
            with self.subTest(args=args):
                r = self.folio(*args)
                self.assertFails(r, 3, mentions=("no vault", "not found", "does not exist"))
                self.assertFalse(self.vault.exists(), "the vault folder was not created")

    def test_an_empty_folder_is_not_a_vault(self):
        self.vault.mkdir(mode=0o700)
        r = self.folio("list")
        self.assertFails(r, 3)
        self.assertEqual(os.listdir(self.vault), [])

    def test_init_over_an_existing_vault_exits_7(self):
        self.init_vault()
        before = self.snapshot()
        r = self.folio("init", *CHEAP_KDF, "--allow-weak")
        self.assertFails(r, 7, mentions=("exists", "already"), strict=False)
        self.assertUnchanged(before)


class HeaderDamageTest(VaultErrorTestCase):

    # Offsets in slot 0 (the passphrase slot): salt, check, kind, kdf, ops,
    # memory, reserved, nonce, wrapped key, tag. Bytes 24-25 (the format
    # version) are left to NewerVersionTest: FORMAT.md makes them exit 6.
    OFFSETS = (0, 9, 17, 26, 27, 28, 32, 45, 60, 80, 100, 127)

    def test_a_flipped_byte_in_the_passphrase_slot_exits_4_or_5(self):
        # FORMAT.md: a wrong passphrase and a damaged slot cannot be told apart.
        pristine = (self.vault / "header").read_bytes()
        for offset in self.OFFSETS:
            with self.subTest(offset=offset):
                (self.vault / "header").write_bytes(pristine)
                flip_byte(self.vault / "header", offset)
                before = self.snapshot()
                r = self.folio("list")
                self.assertFails(r, (4, 5), mentions=WRONG_PASSPHRASE_WORDS + DAMAGE_WORDS)
                self.assertUnchanged(before)

    def test_a_flipped_byte_in_an_unused_slot_does_not_matter(self):
        need_nacl(self)
        unused = [s.index for s in read_slots(self.vault) if not s.used]
        self.assertEqual(len(unused), 5, "init leaves 5 random slots")
        flip_byte(self.vault / "header", unused[0] * 128 + 40)
        self.assertEqual(self.ids(), [self.entry])

    def test_a_flipped_byte_in_the_recovery_slot_leaves_the_passphrase_working(self):
        need_nacl(self)
        (recovery,) = [s.index for s in read_slots(self.vault) if s.used and s.kind == 2]
        flip_byte(self.vault / "header", recovery * 128 + 100)
        self.assertEqual(self.ids(), [self.entry])

    def test_a_truncated_header_exits_5_and_changes_nothing(self):
        pristine = (self.vault / "header").read_bytes()
        for size in (0, 1, 127, 128, 512, 1023):
            with self.subTest(size=size):
                (self.vault / "header").write_bytes(pristine[:size])
                before = self.snapshot()
                r = self.folio("list")
                self.assertFails(r, 5, mentions=DAMAGE_WORDS + ("header",))
                self.assertUnchanged(before)

    def test_a_header_with_extra_bytes_exits_5(self):
        with open(self.vault / "header", "ab") as f:
            f.write(b"\0")
        before = self.snapshot()
        self.assertFails(self.folio("list"), 5, mentions=DAMAGE_WORDS + ("header",))
        self.assertUnchanged(before)

    def test_a_header_of_random_bytes_exits_4_or_5(self):
        (self.vault / "header").write_bytes(os.urandom(1024))
        before = self.snapshot()
        r = self.folio("list")
        self.assertFails(r, (4, 5), mentions=WRONG_PASSPHRASE_WORDS + DAMAGE_WORDS)
        self.assertUnchanged(before)


class NewerVersionTest(VaultErrorTestCase):

    def rewrite_slots(self, change):
        """Applies `change(params) -> params` to every used slot, re-masked."""
        need_nacl(self)
        header = bytearray((self.vault / "header").read_bytes())
        for slot in read_slots(self.vault):
            if slot.used:
                header[slot.index * 128:(slot.index + 1) * 128] = with_params(
                    slot, change(bytearray(slot.params)))
        (self.vault / "header").write_bytes(bytes(header))

    def test_a_vault_with_format_version_2_exits_6(self):
        def version_2(params):
            params[8:10] = (2).to_bytes(2, "little")
            return bytes(params)

        self.rewrite_slots(version_2)
        self.assertEveryCommandFails(6, mentions=("newer", "version", "upgrade"))

    def test_format_version_2_with_the_recovery_code_also_exits_6(self):
        def version_2(params):
            params[8:10] = (2).to_bytes(2, "little")
            return bytes(params)

        self.rewrite_slots(version_2)
        code = self.write_secret_file("code", self.recovery_code + "\n")
        before = self.snapshot()
        r = self.folio("--recovery", "list", passphrase_file=code)
        self.assertFails(r, 6, mentions=("newer", "version"))
        self.assertUnchanged(before)

    def test_a_slot_with_out_of_bounds_kdf_cost_exits_5_without_running_it(self):
        def huge(params):
            params[12:16] = (1000).to_bytes(4, "little")  # ops above 64
            return bytes(params)

        self.rewrite_slots(huge)
        before = self.snapshot()
        r = self.folio("list")
        self.assertFails(r, 5, mentions=DAMAGE_WORDS + ("header",))
        self.assertUnchanged(before)

    def test_a_database_with_a_newer_schema_version_exits_6(self):
        need_sqlcipher(self)
        run_sql(self.vault, PASSPHRASE, "PRAGMA user_version = 99;")
        self.assertEveryCommandFails(6, mentions=("newer", "version", "upgrade"))


class DataDamageTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        # Enough entries that the middle of the file is entry pages `list` reads.
        self.entries = [self.add(f"Entry {i}.\n" + "words " * 400, "-t", f"t{i % 3}")
                        for i in range(40)]
        self.size = (self.vault / "data").stat().st_size
        self.assertGreater(self.size, 40 * 2048)

    def test_a_flipped_byte_in_the_middle_of_the_data_file_exits_5(self):
        # SQLCipher checks a page when it reads it, so the damage shows in the
        # first command that needs that page: an entry page (list, show), a
        # search-index page (search), any page (check). Each command either
        # fails with 5 or succeeds; at least one of them reaches the page.
        flip_byte(self.vault / "data", self.size // 2)
        before = self.snapshot()
        failed = []
        for args in [("list", "--json"), ("search", "words")] + [("show", e) for e in self.entries] + [("check",)]:
            r = self.folio(*args)
            if r.rc != 0:
                self.assertFails(r, 5, mentions=DAMAGE_WORDS + ("database",))
                failed.append(args)
        self.assertTrue(failed, "no command noticed the damaged page")
        self.assertUnchanged(before)

    def test_a_flipped_byte_anywhere_never_gives_wrong_data(self):
        # Whatever page is hit, a command either fails with 5 or prints what
        # was stored; it never exits otherwise or shows garbage.
        pristine = (self.vault / "data").read_bytes()
        expected = {e["id"]: e for e in self.list_json()}
        page = 4096
        for offset in range(page // 2, self.size, page * 3):
            with self.subTest(offset=offset):
                (self.vault / "data").write_bytes(pristine)
                flip_byte(self.vault / "data", offset)
                before = self.snapshot()
                r = self.folio("list", "--json")
                if r.rc == 0:
                    got = {e["id"]: e for e in json.loads(r.out)}
                    self.assertEqual(got, expected)
                else:
                    self.assertFails(r, 5, mentions=DAMAGE_WORDS + ("database",))
                self.assertUnchanged(before)

    def test_a_flipped_byte_in_the_database_salt_exits_5(self):
        flip_byte(self.vault / "data", 3)
        before = self.snapshot()
        self.assertFails(self.folio("list"), 5, mentions=DAMAGE_WORDS + ("database",))
        self.assertUnchanged(before)

    def test_a_truncated_data_file_exits_5_and_changes_nothing(self):
        pristine = (self.vault / "data").read_bytes()
        for size in (self.size // 2, 4096, 100):
            with self.subTest(size=size):
                (self.vault / "data").write_bytes(pristine[:size])
                before = self.snapshot()
                r = self.folio("list", "--json")
                self.assertFails(r, 5, mentions=DAMAGE_WORDS + ("database",))
                self.assertUnchanged(before)

    def test_an_empty_data_file_exits_5_and_is_not_turned_into_a_new_vault(self):
        (self.vault / "data").write_bytes(b"")
        before = self.snapshot()
        for args in (["list"], ["add", "--text", "x"]):
            with self.subTest(args=args):
                r = self.folio(*args)
                self.assertFails(r, 5, mentions=DAMAGE_WORDS + ("database",))
                self.assertUnchanged(before)

    def test_a_missing_data_file_is_an_error_and_is_not_recreated(self):
        (self.vault / "data").unlink()
        before = self.snapshot()
        r = self.folio("list")
        self.assertFails(r, (3, 5))
        self.assertUnchanged(before)

    def test_a_data_file_of_random_bytes_exits_5(self):
        (self.vault / "data").write_bytes(os.urandom(self.size))
        before = self.snapshot()
        self.assertFails(self.folio("list"), 5, mentions=DAMAGE_WORDS + ("database",))
        self.assertUnchanged(before)

    def test_a_data_file_from_another_vault_exits_5(self):
        other = self.tmp / "other"
        self.init_vault(vault=other)
        self.add("other vault", vault=other)
        Path(self.vault / "data").write_bytes((other / "data").read_bytes())
        before = self.snapshot()
        self.assertFails(self.folio("list"), 5, mentions=DAMAGE_WORDS + ("database",))
        self.assertUnchanged(before)


class InputErrorTest(VaultErrorTestCase):

    def test_invalid_utf8_on_stdin_exits_2_and_adds_nothing(self):
        before = self.snapshot()
        for body in (b"bad \xff byte\n", b"\xc3\x28", b"overlong \xc0\xaf", b"nul \x00 inside"):
            with self.subTest(body=body):
                r = self.folio("add", input=body)
                self.assertFails(r, 2, mentions=("utf-8", "utf8", "text"))
                self.assertUnchanged(before)

    def test_invalid_utf8_in_arguments_exits_2_and_adds_nothing(self):
        before = self.snapshot()
        for args in ([b"--text", b"bad \xff"], [b"--title", b"\xfe title", b"--text", b"ok"],
                     [b"-t", b"t\xffag", b"--text", b"ok"]):
            with self.subTest(args=args):
                r = self.folio("add", *args)
                self.assertFails(r, 2, mentions=("utf-8", "utf8", "text", "tag", "title"))
                self.assertUnchanged(before)

    def test_an_empty_body_cancels_with_10_and_adds_nothing(self):
        before = self.snapshot()
        for how in ({"input": ""}, {"input": None}):
            with self.subTest(how=how):
                r = self.folio("add", **how)
                self.assertFails(r, 10, mentions=("empty", "cancel", "nothing"))
                self.assertUnchanged(before)
        r = self.folio("add", "--text", "")
        self.assertFails(r, 10, mentions=("empty", "cancel", "nothing"))
        self.assertUnchanged(before)

    def test_invalid_dates_exit_2(self):
        before = self.snapshot()
        for day in ("2026-02-30", "banana"):
            for option in ("--since", "--until"):
                with self.subTest(option=option, day=day):
                    r = self.folio("list", option, day)
                    self.assertFails(r, 2, mentions=("date", "day", day))
        self.assertUnchanged(before)

    def test_an_unknown_id_exits_3(self):
        before = self.snapshot()
        for args in (["show", "zzzzzzzz"], ["edit", "zzzzzzzz", "--title", "x"],
                     ["rm", "--yes", "zzzzzzzz"], ["show", "zzzz"]):
            with self.subTest(args=args):
                r = self.folio(*args)
                self.assertFails(r, 3, mentions=("zzzz", "not found", "no entry"))
        self.assertUnchanged(before)

    def test_an_id_prefix_shorter_than_4_characters_exits_2(self):
        before = self.snapshot()
        for args in (["show", self.entry[:3]], ["edit", self.entry[:2], "--title", "x"],
                     ["rm", "--yes", self.entry[:1]]):
            with self.subTest(args=args):
                self.assertFails(self.folio(*args), 2)
        self.assertUnchanged(before)

    def test_an_ambiguous_prefix_exits_2(self):
        need_sqlcipher(self)
        other = self.add("another")
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE entries SET uid = 'wxyz0001' WHERE uid = '{self.entry}';"
                f"UPDATE entries SET uid = 'wxyz0002' WHERE uid = '{other}';")
        before = self.snapshot()
        for args in (["show", "wxyz"], ["edit", "wxyz0", "--title", "x"], ["rm", "--yes", "wxyz"]):
            with self.subTest(args=args):
                self.assertFails(self.folio(*args), 2, mentions=("ambiguous", "more than one"))
        self.assertUnchanged(before)

    def test_rm_without_yes_and_without_a_terminal_exits_9(self):
        before = self.snapshot()
        self.assertFails(self.folio("rm", self.entry), 9, mentions=("--yes",))
        self.assertUnchanged(before)
        self.assertEqual(self.ids(), [self.entry])

    def test_missing_arguments_exit_2(self):
        before = self.snapshot()
        for args in (["show"], ["edit"], ["rm", "--yes"], ["add", "--title"],
                     ["list", "--since"]):
            with self.subTest(args=args):
                self.assertFails(self.folio(*args), 2)
        self.assertUnchanged(before)


if __name__ == "__main__":
    main()
