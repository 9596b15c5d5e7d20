"""The zh-CN interface of the commands that write (issue 17): init, add, edit,
checklist, item, attach, attachments, extract, export and import, and what
they share (passphrase prompts and notes, the backup report).

Each path runs under LANG=zh_CN.UTF-8 and under LANG=C.UTF-8: the Chinese
text appears in the one, the English text in the other, and the exit code,
standard output meant for scripts (ids) and --json are the same in both.
"""

import json
import re
import unicodedata
import unittest
from pathlib import Path

from folio_test import SOURCE_DIR, FolioTestCase, ENTRY_ID

ZH = "zh_CN.UTF-8"
EN = "C.UTF-8"


def width(text: str) -> int:
    """Terminal columns of `text`: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_of(line: str, needle: str) -> int:
    """The display column where `needle` starts in `line`."""
    at = line.index(needle)
    return width(line[:at])


class CommandsInChinese(FolioTestCase):

    def run_both(self, *args, **kw):
        """The same command in Chinese and in English; the exit codes must match."""
        zh = self.folio(*args, env=self.env(LANG=ZH), **kw)
        en = self.folio(*args, env=self.env(LANG=EN), **kw)
        self.assertEqual(zh.rc, en.rc, "the exit code does not depend on the language"
                         + zh.describe() + en.describe())
        return zh, en

    def assertFailsZh(self, r, code, mentions):
        """As assertFails, for the Chinese labels: one 'folio: 错误: ...' line,
        the message or its 'folio: 提示: ...' hint names one of `mentions`."""
        self.assertEqual(r.rc, code, r.describe())
        lines = r.err.splitlines()
        errors = [line for line in lines if line.startswith("folio: 错误: ")]
        self.assertEqual(len(errors), 1, "exactly one 'folio: 错误: ...' line" + r.describe())
        for line in lines:
            self.assertTrue(line.startswith("folio: "), r.describe())
        said = " ".join(line for line in lines if line.startswith(("folio: 错误: ", "folio: 提示: ")))
        self.assertTrue(any(m in said for m in mentions), f"one of {mentions} is said" + r.describe())
        self.assertEqual(r.out, "", r.describe())

    def test_help_texts_of_options_are_chinese(self):
        for args, zh_text, en_text in [
            (("add", "--help"), "写一篇日记", "add a journal entry"),
            (("checklist", "new", "--help"), "新建一份清单", "create a checklist"),
            (("item", "add", "--help"), "给清单添加一个事项", "add an item to a checklist"),
            (("export", "--help"), "覆盖已存在的输出文件", "overwrite an existing output file"),
            (("import", "--help"), "把备份合并进保险库", "merge a backup into the vault"),
            (("init", "--help"), "Argon2id 内存", "Argon2id memory"),
        ]:
            zh, en = self.run_both(*args, vault=None, passphrase_file=None)
            self.assertEqual(zh.rc, 0, zh.describe())
            self.assertIn(zh_text, zh.out, zh.describe())
            self.assertNotIn(zh_text, en.out, en.describe())
            self.assertIn(en_text, en.out, en.describe())
            # Options and commands are never translated.
            for option in re.findall(r"--[a-z][a-z-]+", en.out):
                self.assertIn(option, zh.out, f"{option} stays as it is" + zh.describe())

    def test_a_missing_vault_is_said_in_chinese(self):
        zh, en = self.run_both("add", input="text")
        self.assertFailsZh(zh, 3, ["中没有保险库"])
        self.assertIn("folio init", zh.err)
        self.assertFails(en, 3, ["no vault in"])

    def test_init_and_add_speak_chinese(self):
        r = self.folio("init", "--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf", "--allow-weak",
                       env=self.env(LANG=ZH))
        self.assertOk(r)
        self.assertIn("恢复码：请把它抄在纸上", r.out)
        self.assertIn("已在 ", r.err)
        self.assertIn("口令强度：", r.err)
        self.assertIn("警告：密钥派生代价很低", r.err)
        self.assertNotIn("passphrase", r.err + r.out)
        # The recovery code itself is printed the same way.
        self.assertRegex(r.out, r"\n\n    [A-Z2-7]{4}(-[A-Z2-7]{4}){7}\n")
        again, again_en = self.run_both("init", "--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf")
        self.assertFailsZh(again, 7, ["已经有一个保险库"])
        self.assertFails(again_en, 7, ["already exists"])

        r = self.folio("add", "--title", "第一天", input="今天", env=self.env(LANG=ZH))
        self.assertOk(r)
        entry = r.out.strip()
        self.assertRegex(entry, ENTRY_ID, "stdout is the id alone" + r.describe())
        self.assertEqual(r.err, f'folio: 已添加日记 {entry} "第一天"\n')
        r = self.folio("add", input="today", env=self.env(LANG=EN))
        self.assertEqual(r.err, f"folio: added entry {r.out.strip()}\n")

        zh, en = self.run_both("add", input="  \n")
        self.assertFailsZh(zh, 10, ["日记是空的"])
        self.assertFails(en, 10, ["the entry is empty"])

        zh, en = self.run_both("edit", entry, "--rm-tag", "missing")
        self.assertFailsZh(zh, 3, [f"日记 {entry} 没有标签 'missing'"])
        self.assertFails(en, 3, [f"entry {entry} has no tag 'missing'"])
        r = self.folio("edit", entry, "--title", "第一天", env=self.env(LANG=ZH))
        self.assertOk(r)
        self.assertEqual(r.err, f"folio: {entry} 没有改动\n")
        r = self.folio("edit", entry, "--add-tag", "签证", env=self.env(LANG=ZH))
        self.assertOk(r)
        self.assertIn("已更新日记", r.err)

    def test_checklists_and_items_speak_chinese_and_line_up(self):
        self.init_vault()
        zh = self.env(LANG=ZH)
        r = self.folio("checklist", "new", "加拿大工签", "--target", "2030-06-01", env=zh)
        self.assertOk(r)
        checklist = r.out.strip()
        self.assertEqual(r.err, f'folio: 已添加清单 {checklist} "加拿大工签"\n')
        r = self.folio("checklist", "show", checklist, env=zh)
        self.assertOk(r)
        self.assertIn(f"（还没有事项：folio item add {checklist} TITLE）", r.out)
        self.assertIn("目标 2030-06-01", r.out)

        r = self.folio("item", "add", checklist, "护照", "--due", "2030-01-15", "--expires", "2031-02-01", env=zh)
        self.assertOk(r)
        item = r.out.strip()
        self.assertEqual(r.err, f'folio: 已添加事项 {item} "护照"\n')
        self.new_id("item", "add", checklist, "Bank statement", "--state", "requested")

        r = self.folio("checklist", "show", checklist, env=zh)
        self.assertOk(r)
        self.assertIn("已完成 0/2", r.out)
        lines = r.out.splitlines()
        header = next(line for line in lines if "状态" in line)
        row = next(line for line in lines if "护照" in line)
        for head, value in (("状态", "needed"), ("截止", "2030-01-15"), ("到期", "2031-02-01"), ("事项", "护照")):
            self.assertEqual(column_of(header, head), column_of(row, value),
                             f"the column {head} lines up with its values" + r.describe())
        en = self.folio("checklist", "show", checklist, env=self.env(LANG=EN))
        self.assertIn(" #  STATE      DUE         EXPIRES     ITEM", en.out)
        self.assertIn("0 of 2 done", en.out)

        r = self.folio("item", "show", item, env=zh)
        self.assertOk(r)
        labels = {}
        for line in r.out.splitlines()[1:]:
            label = line.split()[0]
            labels[label] = column_of(line, line[len(label):].lstrip()[:4])
        self.assertEqual(sorted(labels), sorted(["清单", "状态", "截止", "到期"]), r.describe())
        self.assertEqual(len(set(labels.values())), 1, "the values line up after the labels" + r.describe())
        self.assertIn("\n截止  2030-01-15\n", r.out)

        r = self.folio("item", "done", item, env=zh)
        self.assertOk(r)
        self.assertEqual(r.err, f'folio: 已完成：事项 {item} "护照"\nfolio: 加拿大工签：已完成 1/2\n')
        r = self.folio("item", "done", item, env=self.env(LANG=EN))
        self.assertIn("folio: 加拿大工签: 1 of 2 done\n", r.err)

        r = self.folio("checklist", "list", env=zh)
        self.assertOk(r)
        self.assertIn("已完成 1/2", r.out)
        self.assertIn("目标 2030-06-01", r.out)

        zh_r, en_r = self.run_both("item", "rm", item)
        self.assertFailsZh(zh_r, 9, ["不删除"])
        self.assertIn("--yes", zh_r.err)
        self.assertFails(en_r, 9, ["not deleting without confirmation"])
        zh_r, en_r = self.run_both("item", "move", item)
        self.assertFailsZh(zh_r, 2, ["请说明移到哪里"])
        zh_r, en_r = self.run_both("item", "move", item, "--to", "0")
        self.assertFailsZh(zh_r, 2, ["--to 必须是 1 到 1000000 之间的整数"])
        self.assertIn("第一个位置", zh_r.err)
        self.assertFails(en_r, 2, ["--to must be a whole number from 1 to 1000000"])
        r = self.folio("item", "rm", "--yes", item, env=zh)
        self.assertOk(r)
        self.assertEqual(r.out, f'已删除事项 {item} "护照"\n')

        # --json does not change with the language.
        zh_json = self.folio("checklist", "show", checklist, "--json", env=zh)
        en_json = self.folio("checklist", "show", checklist, "--json", env=self.env(LANG=EN))
        self.assertEqual(zh_json.out, en_json.out)
        self.assertEqual(json.loads(zh_json.out)["name"], "加拿大工签")

    def test_attach_extract_export_and_import_speak_chinese(self):
        self.init_vault()
        zh = self.env(LANG=ZH)
        checklist = self.new_id("checklist", "new", "签证")
        item = self.new_id("item", "add", checklist, "照片")
        scan = self.tmp / "scan.txt"
        scan.write_text("a scan\n")
        r = self.folio("attach", item, scan, env=zh)
        self.assertOk(r)
        attachment = r.out.strip()
        self.assertIn(f'folio: 已附加附件 {attachment} "scan.txt"\n', r.err)
        self.assertIn("已把 scan.txt（7 字节，text/plain）附加到 签证:1", r.err)
        self.assertIn("原文件仍在磁盘上，没有加密", r.err)
        r = self.folio("attachments", item, env=zh)
        self.assertOk(r)
        self.assertIn("7 字节", r.out)
        self.assertIn("7 bytes", self.folio("attachments", item, env=self.env(LANG=EN)).out)

        zh_r, en_r = self.run_both("extract", attachment, "-o", scan)
        self.assertFailsZh(zh_r, 7, ["已存在；什么都没有写入"])
        self.assertFails(en_r, 7, ["already exists; nothing was written"])

        zh_r, en_r = self.run_both("export")
        self.assertFailsZh(zh_r, 2, ["请给出要写入的备份文件"])
        self.assertFails(en_r, 2, ["give the backup file to write"])
        zh_r, en_r = self.run_both("export", self.tmp / "x.age", "--work-factor", "30")
        self.assertFailsZh(zh_r, 2, ["--work-factor 必须在 1 到 22 之间"])

        backup_pass = self.write_secret_file("backup-pass", "violet harbor 48 copper juniper trellis\n")
        backup = self.tmp / "backup.age"
        r = self.folio("export", backup, "--backup-passphrase-file", backup_pass, "--work-factor", "1", env=zh)
        self.assertOk(r)
        self.assertIn("备份口令强度：", r.err)
        self.assertIn("已导出 1 份清单，1 个事项，1 个附件（7 字节） 到 ", r.err)
        r = self.folio("import", backup, "--dry-run", "--backup-passphrase-file", backup_pass, env=zh)
        self.assertOk(r)
        self.assertIn("未变：1 份清单，1 个事项，1 个附件（7 字节）", r.out)
        self.assertIn("将添加：无", r.out)
        self.assertIn("试运行：什么都没有写入", r.out)
        en = self.folio("import", backup, "--dry-run", "--backup-passphrase-file", backup_pass,
                        env=self.env(LANG=EN))
        self.assertIn("unchanged: 1 checklist, 1 item, 1 attachment (7 bytes)\n", en.out)
        self.assertIn("would add: nothing\n", en.out)
        zh_json = self.folio("import", backup, "--dry-run", "--json", "--backup-passphrase-file", backup_pass,
                             env=zh)
        en_json = self.folio("import", backup, "--dry-run", "--json", "--backup-passphrase-file", backup_pass,
                             env=self.env(LANG=EN))
        self.assertEqual(zh_json.out, en_json.out, "--json does not change with the language")

        zh_r, en_r = self.run_both("import", self.tmp / "none.age")
        self.assertFailsZh(zh_r, 3, ["没有文件"])
        self.assertFails(en_r, 3, ["no file"])

    def test_lc_all_c_gives_english(self):
        zh, en = self.run_both("add", input="x")
        r = self.folio("add", input="x", env=self.env(LANG=ZH, LC_ALL="C"))
        self.assertEqual(r.err, en.err)


class Placeholders(unittest.TestCase):
    """Every zh_CN translation has exactly the {N} of its English message."""

    def test_translations_keep_their_placeholders(self):
        text = (Path(SOURCE_DIR) / "po" / "zh_CN.po").read_text(encoding="utf-8")
        bad = []
        for block in text.split("\n\n"):
            strings = {}
            key = None
            for line in block.splitlines():
                m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
                if m:
                    key = m.group(1)
                    strings[key] = m.group(2)
                elif line.startswith('"') and key:
                    strings[key] += line[1:-1]
            if not strings.get("msgid"):
                continue
            wanted = sorted(set(re.findall(r"\{\d\}", strings["msgid"] + strings.get("msgid_plural", ""))))
            for k, v in strings.items():
                if k.startswith("msgstr") and sorted(set(re.findall(r"\{\d\}", v))) != wanted:
                    bad.append((strings["msgid"], v))
        self.assertEqual(bad, [], "translations that drop or invent a placeholder")


if __name__ == "__main__":
    unittest.main()
