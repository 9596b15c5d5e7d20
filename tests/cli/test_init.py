#!/usr/bin/python3
"""`folio init`: creating a vault, its files and modes, the recovery code,
and the refusals (existing vault, weak passphrase, bad KDF parameters)."""

import os
import stat

from folio_test import (CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE, RECOVERY_CODE, WEAK_PASSPHRASE,
                        FolioTestCase, main, need_nacl, read_slots)


class InitTest(FolioTestCase):

    def test_init_creates_a_vault_that_opens_with_the_passphrase(self):
        self.init_vault()
        self.assertEqual(self.list_json(), [])

    def test_init_creates_a_1024_byte_header_and_a_data_file(self):
        self.init_vault()
        names = sorted(os.listdir(self.vault))
        self.assertEqual(names, ["data", "header"])
        self.assertEqual((self.vault / "header").stat().st_size, 1024)
        self.assertGreater((self.vault / "data").stat().st_size, 0)

    def test_the_vault_folder_is_0700_and_its_files_0600(self):
        self.init_vault()
        self.add("an entry so the database has been written to")
        self.assertEqual(stat.S_IMODE(self.vault.stat().st_mode), 0o700)
        for name in os.listdir(self.vault):
            mode = stat.S_IMODE((self.vault / name).stat().st_mode)
            self.assertEqual(mode, 0o600, f"{name} is {oct(mode)}")

    def test_modes_stay_private_even_with_a_permissive_umask(self):
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", umask=0)
        self.assertOk(r)
        r = self.folio("add", "--text", "written with umask 0", umask=0)
        self.assertOk(r)
        self.assertEqual(stat.S_IMODE(self.vault.stat().st_mode), 0o700)
        for name in os.listdir(self.vault):
            mode = stat.S_IMODE((self.vault / name).stat().st_mode)
            self.assertEqual(mode, 0o600, f"{name} is {oct(mode)} under umask 0")

    def test_init_prints_a_recovery_code_of_8_groups_of_4_base32_characters(self):
        r = self.init_vault()
        codes = RECOVERY_CODE.findall(r.out)
        self.assertEqual(len(codes), 1, r.describe())
        groups = codes[0].split("-")
        self.assertEqual(len(groups), 8)
        for g in groups:
            self.assertRegex(g, r"^[A-Z2-7]{4}$")

    def test_two_vaults_get_different_recovery_codes(self):
        self.init_vault()
        first = self.recovery_code
        self.init_vault(vault=self.tmp / "second")
        self.assertNotEqual(first, self.recovery_code)

    def test_init_does_not_print_the_passphrase(self):
        r = self.init_vault()
        self.assertNotIn(PASSPHRASE, r.out + r.err)

    def test_init_records_the_requested_kdf_cost_in_the_header(self):
        need_nacl(self)
        self.init_vault()
        used = [s for s in read_slots(self.vault) if s.used]
        self.assertEqual(sorted(s.kind for s in used), [1, 2, 3],
                         "a passphrase, a recovery and a data-key slot")
        for s in used:
            # The data-key slot is wrapped under the vault key: no KDF, no cost.
            expected = (0, 0) if s.kind == 3 else (1, 8 * 1024)
            self.assertEqual((s.ops, s.memory), expected)

    def test_init_over_an_existing_vault_exits_7_and_changes_nothing(self):
        self.init_vault()
        self.add("keep me")
        before = self.snapshot()
        other = self.write_secret_file("other", OTHER_PASSPHRASE + "\n")
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", passphrase_file=other)
        self.assertFails(r, 7, mentions=("exist",), strict=False)
        self.assertUnchanged(before)
        self.assertEqual(len(self.list_json()), 1)

    def test_a_weak_passphrase_without_allow_weak_exits_9_and_creates_nothing(self):
        weak = self.write_secret_file("weak", WEAK_PASSPHRASE + "\n")
        r = self.folio("init", *CHEAP_KDF, passphrase_file=weak)
        self.assertFails(r, 9, mentions=("weak", "allow-weak"), strict=False)
        self.assertFalse((self.vault / "header").exists(), "no header left behind")
        self.assertFalse((self.vault / "data").exists(), "no database left behind")

    def test_a_weak_passphrase_with_allow_weak_is_accepted(self):
        weak = self.write_secret_file("weak", WEAK_PASSPHRASE + "\n")
        self.assertOk(self.folio("init", *CHEAP_KDF, "--allow-weak", passphrase_file=weak))
        self.assertEqual(self.list_json(passphrase_file=weak), [])

    def test_a_strong_passphrase_needs_no_allow_weak(self):
        self.assertOk(self.folio("init", *CHEAP_KDF))
        self.assertEqual(self.list_json(), [])

    def test_a_common_chinese_phrase_is_refused_exactly_like_its_pinyin(self):
        # Issue 18: zxcvbn alone rated 我爱北京天安门 "very strong (about 2^139
        # guesses)" while refusing woaini1314. CLI.md: Han text is rated by
        # character, by its pinyin and against common Chinese phrases.
        def refusal(passphrase):
            path = self.write_secret_file("p", passphrase + "\n")
            r = self.folio("init", *CHEAP_KDF, passphrase_file=path)
            line = self.assertFails(r, 9, mentions=("weak", "allow-weak"), strict=False)
            self.assertFalse((self.vault / "header").exists(), passphrase + r.describe())
            rating = [x for x in r.err.splitlines() if "passphrase strength:" in x]
            self.assertEqual(len(rating), 1, r.describe())
            self.assertRegex(rating[0], r"strength: (very weak|weak) \(", r.describe())
            hint = [x for x in r.err.splitlines() if x.startswith("folio: hint:")]
            return line, hint
        pinyin = refusal("woaini1314")
        for chinese in ("我爱北京天安门", "中华人民共和国", "一二三四五六七八", "我爱你1314",
                        "张伟19950312"):
            with self.subTest(chinese):
                self.assertEqual(refusal(chinese), pinyin)

    def test_random_uncommon_chinese_characters_are_accepted(self):
        strong = self.write_secret_file("strong", "鳕鳟蠡夔饕餮魑魅\n")
        r = self.folio("init", *CHEAP_KDF, passphrase_file=strong)
        self.assertOk(r)
        self.assertIn("passphrase strength: strong", r.err, r.describe())
        self.assertEqual(self.list_json(passphrase_file=strong), [])

    def test_a_weak_kdf_cost_without_allow_weak_kdf_is_refused_and_creates_nothing(self):
        # CLI.md: "--allow-weak-kdf accept a cost below 256 MiB / 2 passes". Whether
        # the refusal is 2 (KDF parameters) or 9 (safety rule) is not pinned down.
        r = self.folio("init", "--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak")
        self.assertFails(r, (2, 9), mentions=("kdf", "weak", "memory", "cost"), strict=False)
        self.assertFalse((self.vault / "header").exists())

    def test_a_weak_kdf_cost_with_allow_weak_kdf_prints_a_warning(self):
        r = self.init_vault()
        self.assertRegex(r.err.lower(), r"warn|weak|below",
                         "a weak KDF cost is accepted but warned about" + r.describe())

    def test_kdf_parameters_that_are_not_sizes_or_out_of_bounds_exit_2(self):
        for args in (["--kdf-memory", "banana", "--kdf-ops", "1"],
                     ["--kdf-memory", "4K", "--kdf-ops", "1"],
                     ["--kdf-memory", "8K", "--kdf-ops", "0"],
                     ["--kdf-memory", "8K", "--kdf-ops", "65"],
                     ["--kdf-memory", "5T", "--kdf-ops", "1"],
                     ["--kdf-memory", "8K", "--kdf-ops", "two"]):
            with self.subTest(args=args):
                r = self.folio("init", *args, "--allow-weak-kdf", "--allow-weak")
                self.assertFails(r, 2, strict=False)
                self.assertFalse((self.vault / "header").exists())

    def test_init_creates_missing_parent_folders_with_private_modes(self):
        nested = self.tmp / "a" / "b" / "vault"
        self.init_vault(vault=nested)
        self.assertEqual(stat.S_IMODE(nested.stat().st_mode), 0o700)

    def test_init_into_an_existing_empty_folder_works(self):
        self.vault.mkdir(mode=0o700)
        self.init_vault()
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])

    def test_only_the_first_line_of_the_passphrase_file_is_used(self):
        two_lines = self.write_secret_file("two-lines", PASSPHRASE + "\nsomething else\n")
        self.init_vault(passphrase_file=two_lines)
        self.assertEqual(self.list_json(), [])  # opens with PASSPHRASE alone

    def test_a_passphrase_file_without_a_final_newline_works(self):
        bare = self.write_secret_file("bare", PASSPHRASE)
        self.init_vault(passphrase_file=bare)
        self.assertEqual(self.list_json(), [])

    def test_passphrases_are_compared_after_nfc_normalisation(self):
        composed = "caf\u00e9 m\u00fcsli gl\u00fchwein 48 z\u00fcrich"
        decomposed = "cafe\u0301 mu\u0308sli glu\u0308hwein 48 zu\u0308rich"
        self.init_vault(passphrase_file=self.write_secret_file("nfc", composed + "\n"))
        nfd = self.write_secret_file("nfd", decomposed + "\n")
        self.assertEqual(self.list_json(passphrase_file=nfd), [])


if __name__ == "__main__":
    main()
