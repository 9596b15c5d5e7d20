#!/usr/bin/python3
"""Progress of `folio reindex` and of the schema upgrade that rebuilds the
search index (issue 16): on a terminal, a percentage on stderr redrawn in
place (a carriage return before each), no more than once per percent
whatever the number of records; when stderr is not a terminal, none of it.

The records are written with the sqlcipher tool (thousands of `folio add`
would take minutes) and indexed by the command under test.
"""

import re

from folio_test import PASSPHRASE, FolioTestCase, main, need_sqlcipher, run_sql

LABEL = "rebuilding the search index"
PERCENT = re.compile(r"\rfolio: rebuilding the search index +(\d+)%")


class ProgressTestCase(FolioTestCase):

    ENTRIES = 3000

    def setUp(self):
        super().setUp()
        need_sqlcipher(self)
        self.init_vault()
        self.add("written with folio: okapi\n")
        run_sql(self.vault, PASSPHRASE, f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {self.ENTRIES})
INSERT INTO entries(uid, created, updated, title, body)
SELECT printf('p%07d', i), printf('2030-01-01T%02d:%02d:00Z', i / 3600 % 24, i / 60 % 60),
       printf('2030-01-01T%02d:%02d:00Z', i / 3600 % 24, i / 60 % 60), NULL, 'quokka day ' || i FROM n;""")
        self.records = self.ENTRIES + 1

    def percentages(self, output: str):
        return [int(p) for p in PERCENT.findall(output)]

    def assertShowsProgress(self, output: str, context: str):
        shown = self.percentages(output)
        self.assertTrue(shown, "a progress line on the terminal" + context)
        self.assertEqual(shown[0], 0, "it starts at 0%" + context)
        self.assertEqual(shown[-1], 100, "and ends at 100%" + context)
        self.assertEqual(shown, sorted(shown), "it only goes up" + context)
        self.assertEqual(len(shown), len(set(shown)),
                         "redrawn only when the percentage changes" + context)
        self.assertGreater(len(shown), 10, "it moves on the way" + context)
        self.assertEqual(output.count(f"{LABEL} 100%\r\n"), 1, "one line break, at the end" + context)

    def assertNoProgress(self, err: str, context: str):
        self.assertNotIn("\r", err, "no carriage return without a terminal" + context)
        self.assertNotIn("%", err, "no percentage without a terminal" + context)
        self.assertNotIn(LABEL, err, context)


class ReindexProgressTest(ProgressTestCase):

    def test_reindex_on_a_terminal_shows_a_percentage_redrawn_in_place(self):
        r = self.folio_pty("reindex", timeout=120)
        self.assertOk(r)
        self.assertShowsProgress(r.output, r.describe())
        self.assertIn(f"indexed {self.records} records", r.output, r.describe())

    def test_reindex_without_a_terminal_prints_no_progress(self):
        r = self.folio("reindex", timeout=120)
        self.assertOk(r)
        self.assertEqual(r.err, f"folio: indexed {self.records} records\n", r.describe())
        self.assertEqual(r.out, "")

    def test_the_records_are_found_after_a_reindex_with_progress(self):
        self.assertOk(self.folio_pty("reindex", timeout=120))
        hits = self.json_of("search", "--json", "-n", "5000", "quokka")
        self.assertEqual(len(hits), self.ENTRIES, "every record written with sqlcipher is indexed")


class UpgradeProgressTest(ProgressTestCase):
    """A vault of schema 3 (an FTS4 index of the same terms, as test_search.py's
    UpgradeFromSchema3And4Test makes one) is upgraded by the first command."""

    def setUp(self):
        super().setUp()
        run_sql(self.vault, PASSPHRASE,
                "CREATE VIRTUAL TABLE search USING fts4(terms, tokenize=simple); "
                "INSERT INTO search(docid, terms) SELECT docid, terms FROM search_docs; "
                "DROP TABLE search_postings; DROP TABLE search_terms; DROP TABLE search_docs; "
                "DROP TABLE search_stats; PRAGMA user_version = 3;")

    def test_the_upgrade_on_a_terminal_shows_a_percentage(self):
        r = self.folio_pty("list", "-n", "1", timeout=120)
        self.assertOk(r)
        self.assertIn("upgrading the vault from schema 3 to 5", r.output, r.describe())
        self.assertShowsProgress(r.output, r.describe())
        again = self.folio_pty("list", "-n", "1")
        self.assertOk(again)
        self.assertNotIn(LABEL, again.output, "only once: the vault is upgraded" + again.describe())

    def test_the_upgrade_without_a_terminal_prints_no_progress(self):
        r = self.folio("list", "-n", "1", timeout=120)
        self.assertOk(r)
        self.assertIn("upgrading the vault from schema 3 to 5", r.err, r.describe())
        self.assertNoProgress(r.err, r.describe())


class EmptyVaultProgressTest(FolioTestCase):

    def test_reindex_of_an_empty_vault_on_a_terminal_ends_its_line_once(self):
        self.init_vault()
        r = self.folio_pty("reindex")
        self.assertOk(r)
        self.assertEqual(r.output.count(f"{LABEL} 100%\r\n"), 1, r.describe())
        self.assertIn("indexed 0 records", r.output, r.describe())


if __name__ == "__main__":
    main()
