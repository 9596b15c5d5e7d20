#!/usr/bin/python3
"""The zh-CN interface (issue 17, done-means 2) and the messages of main.cpp
and of due, keygen, list, lock, passwd, restore, rm, search, selftest, show,
status, tags, template, unlock, vectors, version and wipe: under
LANG=zh_CN.UTF-8 they are Chinese, under LANG=C English, and the exit code
is the same in both. The language is chosen as GNU tools choose it:
LANGUAGE, then LC_ALL, then LC_MESSAGES, then LANG. Tables that hold
translated words still line up in display columns."""

import datetime
import re
import unicodedata

from folio_test import FolioTestCase, OTHER_PASSPHRASE, main

ZH = "zh_CN.UTF-8"
DATE = re.compile(r"\d{4}-\d\d-\d\d")


def width(text: str) -> int:
    """Terminal columns, as folio::display_width counts them."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in text)


def day(n: int) -> str:
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=n)).isoformat()


class I18nTestCase(FolioTestCase):

    def zh(self, *args, **kw):
        return self.folio(*args, env=self.env(LANG=ZH), **kw)

    def both(self, *args, **kw):
        """The same command in Chinese and in English: (zh, en), same exit code."""
        zh = self.folio(*args, env=self.env(LANG=ZH), **kw)
        en = self.folio(*args, env=self.env(LANG="C"), **kw)
        self.assertEqual(zh.rc, en.rc, "the exit code does not change with the language" + zh.describe() + en.describe())
        return zh, en


class DoneMeansTest(I18nTestCase):
    """`folio help`, a wrong passphrase, a missing id and `due`."""

    def setUp(self):
        super().setUp()
        self.init_vault()

    def test_help_is_chinese_under_zh_cn_and_english_under_c(self):
        zh, en = self.both("help")
        self.assertEqual(zh.rc, 0, zh.describe())
        for word in ("用法", "选项", "命令", "退出码", "列出日记，最新的在前", "显示这段帮助并退出"):
            self.assertIn(word, zh.out, zh.describe())
        for word in ("Usage:", "OPTIONS", "Options:", "Subcommands:", "Exit codes:", "list entries, newest first"):
            self.assertIn(word, en.out, en.describe())
        self.assertNotRegex(en.out, r"[\u4e00-\u9fff]{2}(?<!昨天)", "no Chinese in the English help" + en.describe())

    def test_help_of_one_command_and_its_required_argument(self):
        zh, en = self.both("help", "restore")
        self.assertIn("从备份创建一个新的保险库", zh.out, zh.describe())
        self.assertIn("必需", zh.out, zh.describe())
        self.assertIn("REQUIRED", en.out, en.describe())

    def test_a_wrong_passphrase(self):
        wrong = self.write_secret_file("wrong", OTHER_PASSPHRASE + "\n")
        zh, en = self.both("list", passphrase_file=wrong)
        self.assertEqual(zh.rc, 4, zh.describe())
        self.assertIn("folio: 错误: 口令错误", zh.err, zh.describe())
        self.assertIn("folio: 提示: ", zh.err, zh.describe())
        self.assertIn("folio: error: wrong passphrase", en.err, en.describe())

    def test_a_missing_id(self):
        zh, en = self.both("show", "abcd2345")
        self.assertEqual(zh.rc, 3, zh.describe())
        self.assertIn("没有 id 为 'abcd2345' 的日记", zh.err, zh.describe())
        self.assertIn("no entry with id 'abcd2345'", en.err, en.describe())

    def test_due_lists_in_chinese_and_its_columns_line_up(self):
        self.new_id("checklist", "new", "加拿大工签")
        self.new_id("item", "add", "加拿大工签", "护照", "--due", day(-3))
        self.new_id("item", "add", "加拿大工签", "体检报告", "--expires", day(-1))
        self.new_id("item", "add", "加拿大工签", "照片", "--due", day(0))
        self.new_id("item", "add", "加拿大工签", "无犯罪记录证明", "--due", day(12))
        zh, en = self.both("due")
        self.assertEqual(zh.rc, 1, "something is overdue" + zh.describe())
        for word in ("已逾期", "已过期", "今天", "昨天", "3 天前", "12 天后", "截止", "到期"):
            self.assertIn(word, zh.out, zh.describe())
        for word in ("OVERDUE", "EXPIRED", "today", "yesterday", "3 days ago", "in 12 days", "due", "expires"):
            self.assertIn(word, en.out, en.describe())
        for r in (zh, en):
            lines = r.out.splitlines()
            self.assertEqual(len(lines), 4, r.describe())
            # The date, the kind and the checklist start in the same column of every line.
            for start in (lambda l: DATE.search(l).start(), lambda l: l.index("加拿大工签")):
                cols = {width(l[:start(l)]) for l in lines}
                self.assertEqual(len(cols), 1, f"columns do not line up: {cols}" + r.describe())
            kinds = {width(l[:l.index(k)]) for l in lines for k in ("截止", "到期", " due ", " expires ") if k in l}
            self.assertEqual(len(kinds), 1, f"the kind column does not line up: {kinds}" + r.describe())

    def test_nothing_due(self):
        zh, en = self.both("due", "--within", "5d")
        self.assertEqual(zh.rc, 0, zh.describe())
        self.assertIn("今后 5 天内没有截止或到期的事项", zh.err, zh.describe())
        self.assertIn("nothing due or expiring in the next 5 days", en.err, en.describe())


class WhichLanguageTest(I18nTestCase):
    """LANGUAGE, LC_ALL, LC_MESSAGES and LANG, as GNU tools read them."""

    def run_help(self, **env):
        r = self.folio("help", env=self.env(**env))
        self.assertEqual(r.rc, 0, r.describe())
        return "用法" in r.out

    def test_language_with_lang_c_utf8(self):
        self.assertTrue(self.run_help(LANGUAGE="zh_CN", LANG="C.UTF-8"))

    def test_lc_all_wins_over_lang(self):
        self.assertFalse(self.run_help(LC_ALL="C.UTF-8", LANG=ZH))
        self.assertTrue(self.run_help(LC_ALL=ZH, LANG="C.UTF-8"))

    def test_lc_messages_wins_over_lang(self):
        self.assertTrue(self.run_help(LC_MESSAGES=ZH, LANG="C.UTF-8"))

    def test_lang_c_is_english(self):
        self.assertFalse(self.run_help(LANG="C"))
        self.assertFalse(self.run_help(LANG="C.UTF-8"))


class CommandLineTest(I18nTestCase):
    """What main.cpp says about a command line, before any vault is opened."""

    def test_an_unknown_command_with_a_suggestion(self):
        zh, en = self.both("lsit")
        self.assertEqual(zh.rc, 2)
        self.assertIn("未知命令 'lsit'；你是想用 'list' 吗？", zh.err, zh.describe())
        self.assertIn("'folio --help' 会列出所有命令", zh.err, zh.describe())
        self.assertIn("unknown command 'lsit'; did you mean 'list'?", en.err, en.describe())

    def test_an_unknown_option(self):
        zh, en = self.both("list", "--tagg", "x")
        self.assertEqual(zh.rc, 2)
        self.assertIn("'folio list' 没有选项 '--tagg'；你是想用 '--tag' 吗？", zh.err, zh.describe())
        self.assertIn("unknown option '--tagg' for 'folio list'; did you mean '--tag'?", en.err, en.describe())

    def test_a_command_that_needs_a_subcommand(self):
        zh, en = self.both("template")
        self.assertEqual(zh.rc, 2)
        self.assertIn("'folio template' 后面需要一个命令：list, rm", zh.err, zh.describe())
        self.assertIn("'folio template' needs a command: list, rm", en.err, en.describe())

    def test_cli11_says_what_is_required(self):
        zh, en = self.both("restore", "backup.age")
        self.assertEqual(zh.rc, 2)
        self.assertIn("folio: 错误: 缺少 --to", zh.err, zh.describe())
        self.assertIn("folio: error: --to is required", en.err, en.describe())

    def test_cli11_options_that_exclude_each_other(self):
        zh, en = self.both("list", "--passphrase-fd", "0", "--passphrase-file", "x", vault=None, passphrase_file=None)
        self.assertEqual(zh.rc, 2)
        self.assertIn("不能与", zh.err, zh.describe())
        self.assertIn("excludes", en.err, en.describe())

    def test_a_number_option_given_no_number(self):
        zh, en = self.both("passwd", "--kdf-ops", "abc")
        self.assertEqual(zh.rc, 2)
        self.assertIn("--kdf-ops 必须是整数", zh.err, zh.describe())
        self.assertIn("--kdf-ops must be a whole number", en.err, en.describe())

    def test_unlock_refuses_a_long_timeout(self):
        zh, en = self.both("unlock", "--timeout", "25h")
        self.assertEqual(zh.rc, 2)
        self.assertIn("无效的 --timeout '25h'：最多 24h", zh.err, zh.describe())
        self.assertIn("invalid --timeout '25h': at most 24h", en.err, en.describe())


class CommandsTest(I18nTestCase):
    """Key paths of the commands, on a vault."""

    def setUp(self):
        super().setUp()
        self.init_vault()

    def test_show_lines_up_its_labels(self):
        entry = self.add("body\n", "--title", "标题一", "--tag", "签证")
        zh, en = self.both("show", entry)
        self.assertEqual(zh.rc, 0, zh.describe())
        labels = [l for l in zh.out.splitlines()[:3]]
        self.assertTrue(labels[1].startswith("创建于"), zh.describe())
        values = {width(l[:l.index(v)]) for l, v in zip(labels, (entry, "20", "标题一"))}
        self.assertEqual(len(values), 1, f"values start in different columns: {values}" + zh.describe())
        self.assertTrue(en.out.startswith(f"id       {entry}\ncreated  "), en.describe())

    def test_list_lines_up_chinese_tags(self):
        self.add("one\n", "--tag", "签证")
        self.add("two\n", "--tag", "a")
        self.add("three\n", "--tag", "加拿大工签")
        r = self.zh("list")
        self.assertEqual(r.rc, 0, r.describe())
        lines = r.out.splitlines()
        starts = {width(l[:l.index(t)]) for l, t in zip(lines, ("three", "two", "one"))}
        self.assertEqual(len(starts), 1, f"texts start in different columns: {starts}" + r.describe())

    def test_search_and_status_and_lock(self):
        self.add("护照在抽屉里\n")
        zh, en = self.both("search", "没有这个词")
        self.assertEqual(zh.rc, 0, zh.describe())
        self.assertIn("没有找到", zh.err, zh.describe())
        self.assertIn("no matches", en.err, en.describe())
        zh = self.zh("search", "护照")
        self.assertIn("日记", zh.out, zh.describe())
        zh, en = self.both("status")
        self.assertEqual(zh.rc, 1, zh.describe())
        self.assertEqual(zh.out, "已锁定\n", zh.describe())
        self.assertEqual(en.out, "locked\n", en.describe())
        zh, en = self.both("lock")
        self.assertIn("本来就没有解锁", zh.err, zh.describe())
        self.assertIn("was not unlocked", en.err, en.describe())

    def test_rm_without_confirmation_and_then_with_it(self):
        entry = self.add("body\n", "--title", "旅行")
        zh, en = self.both("rm", entry)
        self.assertEqual(zh.rc, 9, zh.describe())
        self.assertIn("没有确认，不删除", zh.err, zh.describe())
        self.assertIn("在脚本中删除请加 --yes", zh.err, zh.describe())
        self.assertIn("not deleting without confirmation", en.err, en.describe())
        zh = self.zh("rm", "--yes", entry)
        self.assertEqual(zh.rc, 0, zh.describe())
        self.assertEqual(zh.out, f"已删除 日记 {entry} \"旅行\"\n", zh.describe())

    def test_template_list_and_rm(self):
        zh, en = self.both("template", "list")
        self.assertEqual(zh.rc, 0, zh.describe())
        self.assertIn("（内置）", zh.out, zh.describe())
        self.assertIn("(built-in)", en.out, en.describe())
        zh, en = self.both("template", "rm", "no-such-template")
        self.assertNotEqual(zh.rc, 0, zh.describe())

    def test_destroy_without_a_vault_and_without_confirmation(self):
        zh, en = self.both("destroy", vault=self.tmp / "nothing-here")
        self.assertEqual(zh.rc, 3, zh.describe())
        self.assertIn("中没有保险库", zh.err, zh.describe())
        self.assertIn("no vault in ", en.err, en.describe())
        zh = self.zh("destroy")
        self.assertEqual(zh.rc, 9, zh.describe())
        self.assertIn("没有确认，不销毁", zh.err, zh.describe())


class NoVaultTest(I18nTestCase):
    """Commands that need no vault."""

    def test_selftest_table_in_chinese(self):
        zh, en = self.both("selftest")
        self.assertEqual(zh.rc, 0, zh.describe())
        lines = zh.out.splitlines()
        self.assertTrue(lines[0].startswith("名称"), zh.describe())
        self.assertIn("通过", zh.out, zh.describe())
        # The header's second column starts where the rows' second column does.
        head = width(lines[0][:lines[0].index("来源")])
        rows = {width(re.match(r"^(.*?\S)\s{2,}", l).group(0)) for l in lines[1:] if re.match(r"^\S.*?\s{2,}", l)}
        self.assertEqual(rows, {head}, zh.describe())
        self.assertTrue(en.out.startswith("NAME"), en.describe())
        self.assertRegex(en.out, r"\n\d+ of \d+ passed in \d+\.\d\d s\n")
        self.assertRegex(zh.out, r"\n\d+ 项中通过 \d+ 项，用时 \d+\.\d\d 秒\n")
        # The notes under the table too; --json keeps them English.
        self.assertIn("Wycheproof 文件和 C2SP 的 age 测试向量", zh.out, zh.describe())
        self.assertNotIn("Wycheproof files and the C2SP", zh.out, zh.describe())
        self.assertIn("Wycheproof files and the C2SP", en.out, en.describe())
        zh_json, en_json = self.both("selftest", "--json")
        self.assertIn("Wycheproof files and the C2SP", zh_json.out, zh_json.describe())

    def test_version_text_does_not_change(self):
        zh, en = self.both("version")
        self.assertEqual(zh.out, en.out)


if __name__ == "__main__":
    main()
