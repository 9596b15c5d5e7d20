#!/usr/bin/env python3
"""The vault's, the store's, the key's and the terminal's messages in Chinese
(issue 17, zh-CN interface): under LANG=zh_CN.UTF-8 they are Chinese, under
LANG=C English as before, and the exit code is the same in both.

Each case runs one failing command twice, in English and in Chinese, and
compares: the same exit code, one error line, the Chinese words expected
(from po/zh_CN.po) in the Chinese run and the English words in the other.
"""
import unittest

from folio_test import CHEAP_KDF, FolioTestCase

ZH = "zh_CN.UTF-8"


class VaultMessagesInChinese(FolioTestCase):
    def both(self, *args, **kw):
        """Runs folio under LANG=C and LANG=zh_CN.UTF-8: (english, chinese)."""
        english = self.folio(*args, env=self.env(LANG="C"), **kw)
        chinese = self.folio(*args, env=self.env(LANG=ZH), **kw)
        return english, chinese

    def assertSaid(self, english, chinese, code, en_words, zh_words):
        self.assertEqual(english.rc, code, english.describe())
        self.assertEqual(chinese.rc, english.rc, "the exit code does not change with the language"
                         + chinese.describe())
        self.assertEqual(english.out, "", english.describe())
        self.assertEqual(chinese.out, "", chinese.describe())
        en_errors = [l for l in english.err.splitlines() if l.startswith("folio: error: ")]
        self.assertEqual(len(en_errors), 1, english.describe())
        zh_errors = [l for l in chinese.err.splitlines() if l.startswith("folio: 错误: ")]
        self.assertEqual(len(zh_errors), 1, chinese.describe())
        for w in en_words:
            self.assertIn(w, english.err, english.describe())
        for w in zh_words:
            self.assertIn(w, chinese.err, chinese.describe())
        # No English sentence left in the Chinese run's error and hint (the
        # values in them, paths and ids, are ASCII but short words are not
        # sentences: look for the English run's message itself).
        self.assertNotIn(en_errors[0][len("folio: error: "):], chinese.err, chinese.describe())

    def test_lost_header(self):
        self.init_vault()
        (self.vault / "header").unlink()
        en, zh = self.both("list")
        self.assertSaid(en, zh, en.rc, [f"the vault in {self.vault} has lost its header"],
                        [f"{self.vault} 中的保险库丢失了头部", "请从备份恢复保险库文件夹"])
        self.assertNotEqual(en.rc, 0)

    def test_invalid_date(self):
        self.init_vault()
        en, zh = self.both("add", "--date", "2020-13-01", input="text")
        self.assertSaid(en, zh, 2, ["invalid date '2020-13-01': there is no such month"],
                        ["无效的日期 '2020-13-01'：没有这个月"])
        en, zh = self.both("add", "--date", "2999-01-01", input="text")
        self.assertSaid(en, zh, 2, ["the date '2999-01-01' (2999-01-01) is in the future"],
                        ["日期 '2999-01-01'（2999-01-01）在将来", "日记的日期只能是今天或更早"])

    def test_bad_duration(self):
        self.init_vault()
        en, zh = self.both("unlock", "--timeout", "5x")
        self.assertSaid(en, zh, 2, ["invalid --timeout '5x': no such unit 'x'"],
                        ["无效的 --timeout '5x'：没有 'x' 这个单位", "请写成 90s、10m（分钟）"])

    def test_not_a_record_id(self):
        self.init_vault()
        en, zh = self.both("rm", "--yes", "ab")
        self.assertSaid(en, zh, 2, ["'ab' is not a record id"],
                        ["'ab' 不是记录的 id", "或者至少它的前 4 个字符"])

    def test_empty_passphrase_file(self):
        self.init_vault()
        empty = self.write_secret_file("empty", "")
        en, zh = self.both("list", passphrase_file=empty)
        self.assertSaid(en, zh, 2, ["the passphrase from the file is empty"], ["文件中的口令是空的"])

    def test_not_a_recovery_code(self):
        self.init_vault()
        code = self.write_secret_file("code", "not-a-code\n")
        en, zh = self.both("--recovery", "list", passphrase_file=code)
        self.assertSaid(en, zh, 2, ["that is not a recovery code"],
                        ["这不是恢复码", "恢复码由 32 个字母和数字组成"])

    def test_damaged_header(self):
        self.init_vault()
        header = self.vault / "header"
        header.write_bytes(header.read_bytes()[:100])
        en, zh = self.both("list")
        self.assertSaid(en, zh, en.rc, ["the vault header is truncated (100 bytes, expected"],
                        ["保险库头部被截断了（100 字节，应为", "请从备份恢复保险库文件夹"])
        self.assertNotEqual(en.rc, 0)

    def test_strength_rating_is_translated(self):
        # The rating word comes from the library; the line around it is the CLI's.
        weak = self.write_secret_file("weak", "abc\n")
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", passphrase_file=weak,
                       env=self.env(LANG=ZH))
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("很弱", r.err, r.describe())
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", passphrase_file=weak,
                       vault=self.tmp / "other", env=self.env(LANG="C"))
        self.assertEqual(r.rc, 0, r.describe())
        self.assertIn("very weak", r.err, r.describe())

    def test_language_variable_and_lc_all(self):
        # LANGUAGE=zh_CN under LANG=C.UTF-8 is Chinese; LC_ALL=C wins over LANG.
        self.init_vault()
        r = self.folio("add", "--date", "2020-13-01", input="text",
                       env=self.env(LANG="C.UTF-8", LANGUAGE="zh_CN"))
        self.assertIn("无效的日期", r.err, r.describe())
        r = self.folio("add", "--date", "2020-13-01", input="text", env=self.env(LANG=ZH, LC_ALL="C"))
        self.assertIn("invalid date", r.err, r.describe())

if __name__ == "__main__":
    unittest.main()
