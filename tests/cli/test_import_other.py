#!/usr/bin/python3
"""folio import --from jrnl|jrnl-json|markdown PATH through the real binary
(docs/CLI.md, "import"): entries keep dates and tags, importing twice adds
nothing, --dry-run writes nothing, a malformed file changes nothing, a hostile
Markdown folder is safe."""

import json
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from folio_test import FolioTestCase  # noqa: E402

JRNL = """[2024-03-01 09:30] 早上好 @日记
今天天气很好。

[2024-03-02 18:05] Evening walk *
Walked by the river with @family.
"""

JRNL_JSON = {"tags": {"@work": 1}, "entries": [
    {"title": "会议", "body": "讨论了计划 @work", "date": "2024-04-01", "time": "10:00",
     "tags": ["@work"], "starred": False},
    {"title": "Plans", "body": "Ship it.", "date": "2024-04-02", "time": "11:15",
     "tags": [], "starred": True}]}


class ImportOtherTest(FolioTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()

    def entries(self):
        return sorted(self.list_json(), key=lambda e: e["created"])

    def test_jrnl_text_twice(self):
        src = self.tmp / "j.txt"
        src.write_text(JRNL, encoding="utf-8")
        r = self.folio("import", "--from", "jrnl", str(src))
        self.assertOk(r)
        self.assertIn("added: 2 entries", r.out)
        es = self.entries()
        self.assertEqual([e["title"] for e in es], ["早上好 @日记", "Evening walk"])
        self.assertIn("日记", es[0]["tags"])
        self.assertEqual(sorted(es[1]["tags"]), ["family", "starred"])
        self.assertTrue(es[0]["created"].startswith("2024-03-01"))
        r = self.folio("import", "--from", "jrnl", str(src))
        self.assertOk(r)
        self.assertIn("added: 0 entries", r.out)
        self.assertEqual(len(self.entries()), 2)

    def test_jrnl_json_dry_run(self):
        src = self.tmp / "j.json"
        src.write_text(json.dumps(JRNL_JSON, ensure_ascii=False), encoding="utf-8")
        before = self.snapshot()
        r = self.folio("import", "--from", "jrnl-json", "--dry-run", str(src))
        self.assertOk(r)
        self.assertIn("would add: 2 entries", r.out)
        self.assertUnchanged(before)
        self.assertOk(self.folio("import", "--from", "jrnl-json", str(src)))
        es = self.entries()
        self.assertEqual(es[0]["title"], "会议")
        self.assertEqual(es[0]["tags"], ["work"])
        self.assertIn("starred", es[1]["tags"])

    def test_markdown_folder_hostile(self):
        d = self.tmp / "md"
        d.mkdir()
        (d / "2024-05-01-day.md").write_text("# 五月\n\n第一天。\n", encoding="utf-8")
        (d / "note.md").write_text("---\ntitle: \x1b]0;pwned\x07 Hello\ndate: 2024-05-02\n"
                                   "tags: [a, b]\n---\nEnglish body.\n", encoding="utf-8")
        os.symlink("/etc/passwd", d / "passwd.md")
        r = self.folio("import", "--from", "markdown", str(d))
        self.assertOk(r)
        self.assertIn("passwd.md", r.out)
        self.assertNotIn("\x1b", r.out)
        es = self.entries()
        self.assertEqual(len(es), 2)
        self.assertEqual(es[0]["title"], "五月")
        self.assertEqual(es[1]["tags"], ["a", "b"])
        r = self.folio("list")
        self.assertOk(r)
        self.assertNotIn("\x1b", r.out)
        self.assertNotIn("root:", json.dumps(self.list_json()))

    def test_malformed_changes_nothing(self):
        src = self.tmp / "bad.json"
        src.write_text("{not json", encoding="utf-8")
        before = self.snapshot()
        r = self.folio("import", "--from", "jrnl-json", str(src))
        self.assertFails(r, (2, 5))
        self.assertIn("not valid JSON", r.err)
        r = self.folio("import", "--from", "jrnl", str(self.tmp / "missing.txt"))
        self.assertFails(r, (2, 3, 5))
        self.assertUnchanged(before)


if __name__ == "__main__":
    unittest.main()
