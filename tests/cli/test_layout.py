"""Chinese text at 80 columns, and the pager (issue 18, point 12).

On an 80-column terminal (a new pseudo-terminal), no line of `search`,
`checklist show` or `due` may be wider than the terminal, counted in display
columns (a Chinese character takes two), so nothing wraps; `due`'s
CHECKLIST:N column is padded so the titles line up. Long listings go through
$PAGER on a terminal, with less's file-saving and history turned off, and
never when the output is not a terminal or with --no-pager.
"""

import re
import unicodedata

from folio_test import FolioTestCase, main

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_ZH = "今天去领事馆面试签证，排队等了三个小时，工作人员问了很多关于资金证明和学习计划的问题，" * 3


def width(line: str) -> int:
    line = ANSI.sub("", line)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in line)


class LayoutTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add(LONG_ZH + "银行流水" + LONG_ZH, "--title", "领事馆面试" * 12)
        self.new_id("checklist", "new", "加拿大工签和学习许可" * 4)
        self.new_id("checklist", "new", "Visa")
        name = "加拿大工签和学习许可" * 4
        self.assertOk(self.folio("item", "add", name, "公证翻译件：出生证明、学位证书和成绩单" * 3,
                                 "--due", "tomorrow"))
        self.assertOk(self.folio("item", "add", "Visa", "Bank statement", "--due", "in 3 days"))
        self.name = name

    def lines_of(self, *args):
        r = self.folio_pty(*args)
        self.assertIn(r.rc, (0, 1), r.describe())
        return [l for l in r.output.replace("\r", "").split("\n") if l.strip()]

    def assertFits(self, lines, columns=80):
        for l in lines:
            self.assertLessEqual(width(l), columns, f"wider than {columns} columns: {l!r}")

    def test_search_rows_fit_in_80_columns_and_keep_the_hit(self):
        lines = self.lines_of("search", "银行流水")
        self.assertEqual(len(lines), 2, lines)
        self.assertFits(lines)
        self.assertIn("[银行流水]", lines[1], "the hit is kept in the cut snippet")
        self.assertIn("\u2026", lines[1])

    def test_checklist_show_rows_fit_in_80_columns(self):
        lines = self.lines_of("checklist", "show", self.name)
        self.assertFits(lines)
        self.assertTrue(any("\u2026" in l for l in lines), lines)

    def test_due_rows_fit_and_line_up(self):
        lines = self.lines_of("due", "--within", "30d")
        self.assertEqual(len(lines), 2, lines)
        self.assertFits(lines)
        starts = []
        for l, title in zip(lines, ("公证", "Bank")):
            plain = ANSI.sub("", l)
            starts.append(width(plain[:plain.index(title)]))
        self.assertEqual(starts[0], starts[1], f"titles start in one column: {lines}")

    def test_a_pipe_gets_the_whole_text(self):
        r = self.folio("search", "银行流水")
        self.assertOk(r)
        self.assertIn("领事馆面试" * 12, r.out, "not cut when standard output is no terminal")


class PagerTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        for k in range(5):
            self.add(f"entry number {k}")
        self.log = self.tmp / "pager-log"
        self.pager = self.write_script("pager", f"""
{{ echo "LESSSECURE=$LESSSECURE LESSHISTFILE=$LESSHISTFILE LESS=$LESS"; cat; }} > '{self.log}'
""")

    def test_a_listing_on_a_terminal_goes_through_the_pager(self):
        r = self.folio_pty("list", env=self.env(PAGER=self.pager))
        self.assertOk(r)
        got = self.log.read_text()
        self.assertIn("LESSSECURE=1 LESSHISTFILE=- LESS=FRX", got)
        self.assertEqual(got.count("entry number"), 5, got)
        self.assertNotIn("entry number", r.output, "printed by the pager, not by folio")

    def test_folio_pager_wins_and_no_pager_turns_it_off(self):
        r = self.folio_pty("--no-pager", "list", env=self.env(PAGER=self.pager))
        self.assertOk(r)
        self.assertFalse(self.log.exists())
        self.assertEqual(r.output.count("entry number"), 5)
        r = self.folio_pty("show", self.ids()[0], env=self.env(PAGER="false", FOLIO_PAGER=self.pager))
        self.assertOk(r)
        self.assertIn("entry number", self.log.read_text())

    def test_no_pager_when_the_output_is_no_terminal(self):
        r = self.folio("list", env=self.env(PAGER=self.pager))
        self.assertOk(r)
        self.assertFalse(self.log.exists())
        self.assertEqual(r.out.count("entry number"), 5)

    def test_a_pager_that_quits_early_does_not_break_folio(self):
        r = self.folio_pty("list", env=self.env(PAGER="true"))
        self.assertOk(r)


if __name__ == "__main__":
    main()
