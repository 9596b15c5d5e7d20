#!/usr/bin/python3
"""The records' messages in Chinese (issue 17): journal, checklists and
templates, search, backups, age files and foreign imports. Each case runs the
same command under LANG=zh_CN.UTF-8 and LANG=C.UTF-8: the Chinese run says
the Chinese sentence, the English run the English one, and both exit with the
same code. Built-in template titles follow the message language."""

from folio_test import FolioTestCase, main

ZH = "zh_CN.UTF-8"
EN = "C.UTF-8"


class RecordMessagesInChinese(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def both(self, *args, zh: str, en: str, input=None):
        """Runs `args` in Chinese and in English; checks each error line and
        that the exit codes are the same, not 0."""
        r_zh = self.folio(*args, input=input, env=self.env(LANG=ZH))
        r_en = self.folio(*args, input=input, env=self.env(LANG=EN))
        self.assertNotEqual(r_en.rc, 0, r_en.describe())
        self.assertEqual(r_zh.rc, r_en.rc, "the exit code does not change with the language"
                         + r_zh.describe() + r_en.describe())
        self.assertIn("folio: 错误: ", r_zh.err, r_zh.describe())
        self.assertIn(zh, r_zh.err, r_zh.describe())
        self.assertIn("folio: error: ", r_en.err, r_en.describe())
        self.assertIn(en, r_en.err, r_en.describe())
        self.assertNotIn(zh, r_en.err, "no Chinese sentence in English" + r_en.describe())
        return r_zh, r_en

    def test_journal(self):
        self.both("add", "--tag", "two words", input="a body\n",
                  zh="无效的标签 'two words'", en="invalid tag 'two words'")
        self.both("show", "zz", zh="'zz' 不是日记的 id", en="'zz' is not an entry id")

    def test_checklists_and_templates(self):
        self.new_id("checklist", "new", "签证")
        self.both("checklist", "show", "nowhere",
                  zh="没有清单 'nowhere'", en="no checklist 'nowhere'")
        self.both("checklist", "new", "签证",
                  zh="名为 '签证' 的清单已经存在", en="a checklist named '签证' already exists")
        self.both("item", "set", "签证:9", "--state", "done",
                  zh="清单 '签证' 没有第 9 项", en="checklist '签证' has no item 9")
        self.both("template", "rm", "study-abroad",
                  zh="'study-abroad' 是内置模板；内置模板不能删除",
                  en="'study-abroad' is a built-in template; built-in templates cannot be deleted")
        self.both("checklist", "new", "x", "--template", "nosuch",
                  zh="没有名为 'nosuch' 的模板", en="no template named 'nosuch'")

    def test_template_titles_follow_the_language(self):
        zh = self.new_id("checklist", "new", "护照", "--template", "passport-renewal",
                         env=self.env(LANG=ZH))
        en = self.new_id("checklist", "new", "passport", "--template", "passport-renewal",
                         env=self.env(LANG=EN))
        titles = lambda c: [i["title"] for i in self.checklist_json(c)["item_list"]]
        self.assertEqual(titles(zh)[0], "旧护照")
        self.assertEqual(titles(en)[0], "Current passport")

    def test_template_titles_follow_language_too(self):
        # LANGUAGE picks the messages' language as gettext does (under any
        # locale but plain C), and the titles go with the messages.
        zh = self.new_id("checklist", "new", "护照2", "--template", "passport-renewal",
                         env=self.env(LANG=EN, LANGUAGE="zh_CN"))
        en = self.new_id("checklist", "new", "passport2", "--template", "passport-renewal",
                         env=self.env(LANG=ZH, LANGUAGE="en"))
        titles = lambda c: [i["title"] for i in self.checklist_json(c)["item_list"]]
        self.assertEqual(titles(zh)[0], "旧护照")
        self.assertEqual(titles(en)[0], "Current passport")

    def test_search(self):
        self.both("search", '"visa', zh="搜索内容里有一个没有闭合的引号",
                  en="the search has an unclosed quote")
        self.both("search", "--", "-visa", zh="搜索内容里没有要找的词",
                  en="the search has no word to look for")

    def test_backups_and_age(self):
        junk = self.tmp / "junk.txt"
        junk.write_text("not a backup\n")
        self.both("import", str(junk), zh="这不是 age 文件", en="this is not an age file")
        self.both("import", "--plaintext", str(junk), zh="这个文件不是 folio 备份",
                  en="this file is not a folio backup")
        full = self.tmp / "full"
        full.mkdir()
        (full / "something").write_text("x")
        self.both("restore", str(junk), "--to", str(full),
                  zh="不是空的；没有恢复任何内容", en="is not empty; nothing was restored")

    def test_foreign_import(self):
        jrnl = self.tmp / "journal.txt"
        jrnl.write_text("no header here\n")
        self.both("import", "--from", "jrnl", str(jrnl),
                  zh="这不是 jrnl 日记文件：第一行不是日记的开头",
                  en="this is not a jrnl journal: the first line is no entry header")
        empty = self.tmp / "empty"
        empty.mkdir()
        self.both("import", "--from", "markdown", str(empty),
                  zh="里没有 Markdown 文件（*.md）", en="has no Markdown files (*.md)")


if __name__ == "__main__":
    main()
