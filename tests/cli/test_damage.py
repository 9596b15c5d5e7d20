#!/usr/bin/python3
"""Damage that SQLite's own reading does not notice: a free page, pages
appended to `data`, a file cut or extended by a few bytes, a schema version
that does not match the tables, an incomplete rollback journal. Each makes
`folio check` exit 5 with a clear message, and no command exits 70.

The vault's pages are found as docs/FORMAT.md ("Pages") describes them: page
1 is decrypted with the `openssl` tool (AES-256-CBC under the raw database
key) to read SQLite's header, which names the freelist; a freelist trunk page
names its leaves."""

import json
import os
import shutil
import subprocess
from pathlib import Path

from folio_test import (PASSPHRASE, FolioTestCase, database_key, flip_byte, main,
                        need_sqlcipher, run_sql)

PAGE = 4096
RESERVE = 48          # IV (16) + HMAC-SHA1 (20), rounded up to 16 bytes
DAMAGE_WORDS = ("damaged", "corrupt", "truncated", "incomplete")


def decrypt_page(data: bytes, number: int, key: bytes) -> bytes:
    """The plaintext of page `number` (1-based) of a SQLCipher 3 file; for
    page 1, of its bytes 16 onwards (the first 16 are the salt)."""
    page = data[(number - 1) * PAGE:number * PAGE]
    start = 16 if number == 1 else 0
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    r = subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-nopad", "-K", key.hex(),
                        "-iv", iv.hex()], input=page[start:PAGE - RESERVE],
                       capture_output=True, check=True)
    return r.stdout


def freelist(data: bytes, key: bytes):
    """(trunk pages, leaf pages) of the database's freelist."""
    header = decrypt_page(data, 1, key)  # starts at file offset 16
    trunk = int.from_bytes(header[32 - 16:36 - 16], "big")
    trunks, leaves = [], []
    while trunk != 0:
        trunks.append(trunk)
        page = decrypt_page(data, trunk, key)
        count = int.from_bytes(page[4:8], "big")
        leaves += [int.from_bytes(page[8 + 4 * i:12 + 4 * i], "big") for i in range(count)]
        trunk = int.from_bytes(page[0:4], "big")
    return trunks, leaves


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def journal_segments(journal: bytes):
    """(offset of the first record, record count) of each segment of a
    rollback journal whose header is complete (docs/FORMAT.md, "The rollback
    journal"), and the offset where the rest (a segment still zeros) starts."""
    segments, offset = [], 0
    while offset + 28 <= len(journal) and journal[offset:offset + 8] == JOURNAL_MAGIC:
        records = int.from_bytes(journal[offset + 8:offset + 12], "big")
        sector = int.from_bytes(journal[offset + 20:offset + 24], "big")
        segments.append((offset + sector, records))
        end = offset + sector + records * (PAGE + 8)
        offset = (end + sector - 1) // sector * sector
    return segments, offset


class DamageTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        if shutil.which("openssl") is None:
            self.skipTest("the openssl tool is not installed (scripts/deps.sh test installs it)")
        need_sqlcipher(self)
        self.init_vault()
        self.data = self.vault / "data"

    def assertDamaged(self, r, mentions=DAMAGE_WORDS):
        self.assertFails(r, 5, mentions=mentions)

    def assertNever70(self, *commands):
        for args in commands:
            r = self.folio(*args, input="a new entry\n" if args[0] == "add" else None)
            self.assertNotEqual(r.rc, 70, r.describe())
            if r.rc != 0:
                self.assertDamaged(r)


class FreePageTest(DamageTestCase):

    def setUp(self):
        super().setUp()
        # Long bodies spill into overflow pages; removing entries frees them.
        ids = [self.add(f"Entry {i}.\n" + "words " * 3000) for i in range(12)]
        for entry in ids[::2]:
            self.assertOk(self.folio("rm", "--yes", entry))
        self.key = database_key(self.vault, PASSPHRASE)
        self.trunks, self.leaves = freelist(self.data.read_bytes(), self.key)
        self.assertTrue(self.trunks and len(self.leaves) >= 4, "the vault has free pages")
        self.assertOk(self.folio("check"))

    def test_a_damaged_free_leaf_page_fails_check_with_5(self):
        # integrity_check never reads a free leaf page; folio's own page check does.
        leaf = self.leaves[len(self.leaves) // 2]
        flip_byte(self.data, (leaf - 1) * PAGE + 1000)
        before = self.snapshot()
        r = self.folio("check")
        self.assertDamaged(r)
        self.assertIn(f"page {leaf}", r.err)
        self.assertUnchanged(before)
        # list does not read free pages; add may reuse the page without reading it.
        self.assertNever70(["list"], ["add"])

    def test_a_zeroed_free_leaf_page_fails_check_with_5(self):
        # SQLCipher takes an all-zero page for one past the end of the file and
        # does not check it; inside the file it is damage.
        leaf = self.leaves[0]
        raw = bytearray(self.data.read_bytes())
        raw[(leaf - 1) * PAGE:leaf * PAGE] = bytes(PAGE)
        self.data.write_bytes(bytes(raw))
        r = self.folio("check")
        self.assertDamaged(r)
        self.assertIn(f"page {leaf}", r.err)

    def test_a_damaged_freelist_trunk_page_exits_5_in_check_and_add(self):
        trunk = self.trunks[0]
        flip_byte(self.data, (trunk - 1) * PAGE + 100)
        before = self.snapshot()
        r = self.folio("check")
        self.assertDamaged(r)
        self.assertIn(f"page {trunk}", r.err)
        self.assertUnchanged(before)
        # add takes its new pages from the freelist: it reads the trunk.
        r = self.folio("add", input="written on a damaged freelist\n" + "more " * 3000)
        self.assertDamaged(r)
        self.assertUnchanged(before)
        self.assertNever70(["list"])

    def test_a_flipped_byte_in_a_page_trailer_changes_nothing(self):
        # The last 12 bytes of each page are random filler outside the HMAC:
        # SQLCipher never uses them, so changing them damages nothing.
        flip_byte(self.data, PAGE * 3 - 5)
        self.assertOk(self.folio("check"))
        self.assertOk(self.folio("list"))


class FileSizeTest(DamageTestCase):

    def setUp(self):
        super().setUp()
        for i in range(5):
            self.add(f"Entry {i}.\n" + "words " * 500)
        self.pristine = self.data.read_bytes()
        self.assertEqual(len(self.pristine) % PAGE, 0)
        self.assertOk(self.folio("check"))

    def assertEveryCommandExits5(self, mentions=DAMAGE_WORDS):
        before = self.snapshot()
        for args in (["check"], ["list"], ["add"], ["search", "words"]):
            with self.subTest(args=args):
                r = self.folio(*args, input="a new entry\n" if args[0] == "add" else None)
                self.assertDamaged(r, mentions)
                self.assertUnchanged(before)

    def test_appended_pages_exit_5(self):
        # A copy of a real page (its HMAC names its own page number) and a
        # random one: SQLite reads neither, as its header says where the file ends.
        self.data.write_bytes(self.pristine + self.pristine[PAGE:2 * PAGE] + os.urandom(PAGE))
        self.assertEveryCommandExits5(DAMAGE_WORDS + ("page",))

    def test_a_file_cut_by_a_few_bytes_exits_5(self):
        for cut in (1, 5, 12):  # within the last page's unauthenticated filler
            with self.subTest(cut=cut):
                self.data.write_bytes(self.pristine[:-cut])
                self.assertEveryCommandExits5()

    def test_a_file_cut_by_a_whole_page_exits_5(self):
        self.data.write_bytes(self.pristine[:-PAGE])
        self.assertEveryCommandExits5()

    def test_a_file_extended_by_a_few_bytes_exits_5(self):
        for extra in (b"\0", b"\0" * 7, os.urandom(100)):
            with self.subTest(extra=len(extra)):
                self.data.write_bytes(self.pristine + extra)
                self.assertEveryCommandExits5()

    def test_a_whole_vault_still_checks_intact(self):
        r = self.folio("check")
        self.assertOk(r)
        self.assertIn("intact", r.err + r.out)


class WhatCheckCannotSeeTest(DamageTestCase):
    """THREAT_MODEL.md, "What folio check can and cannot see": pinned here so
    that the document's claim is tested, not only written."""

    def test_an_older_copy_of_the_whole_file_still_checks_intact(self):
        old_entry = self.add("Before the copy.")
        older = self.data.read_bytes()
        self.add("After the copy: lost when the older file is put back.")
        self.data.write_bytes(older)
        self.assertOk(self.folio("check"))
        self.assertEqual(self.ids(), [old_entry])


class SchemaVersionTest(DamageTestCase):

    def setUp(self):
        super().setUp()
        self.entry = self.add("Entry before the damage.")

    def test_a_user_version_that_does_not_match_the_tables_exits_5(self):
        for version in (1, 2, 3, 4):
            with self.subTest(version=version):
                run_sql(self.vault, PASSPHRASE, f"PRAGMA user_version = {version};")
                before = self.snapshot()
                for args in (["check"], ["list"], ["add"]):
                    r = self.folio(*args, input="x\n" if args[0] == "add" else None)
                    self.assertDamaged(r, DAMAGE_WORDS + ("schema",))
                    self.assertIn("schema", r.err)
                    self.assertUnchanged(before)
        run_sql(self.vault, PASSPHRASE, "PRAGMA user_version = 5;")
        self.assertEqual(self.ids(), [self.entry])

    def test_a_missing_table_exits_5(self):
        run_sql(self.vault, PASSPHRASE, "DROP TABLE template_items;")
        before = self.snapshot()
        r = self.folio("list")
        self.assertDamaged(r, DAMAGE_WORDS + ("schema",))
        self.assertIn("template_items", r.err)
        self.assertUnchanged(before)


class HotJournalTest(DamageTestCase):
    """A crash in the middle of a write, as the disk holds it: the sqlcipher
    tool changes every entry in one transaction with a cache of 2 pages, so
    that it writes changed pages into `data` (after saving their old images in
    `data-journal`), and the files are copied before it commits."""

    def setUp(self):
        super().setUp()
        self.entries = [self.add(f"Entry {i}.\n" + "words " * 400) for i in range(20)]
        self.expected = self.list_json()
        crash = self.tmp / "crash"
        crash.mkdir()
        key = database_key(self.vault, PASSPHRASE).hex()
        script = (f"PRAGMA key = \"x'{key}'\";\nPRAGMA cipher_page_size = 4096;\n"
                  "PRAGMA cache_size = 2;\nBEGIN;\n"
                  "UPDATE entries SET body = body || ' changed', title = 'changed';\n"
                  f".shell cp -p {self.data} {self.data}-journal {crash}/\n"
                  "ROLLBACK;\n")
        r = subprocess.run(["sqlcipher", "-batch", "-init", os.devnull, str(self.data)],
                           input=script, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Rolled back: the same content (restored pages get new IVs, so not the same bytes).
        self.assertFalse((self.vault / "data-journal").exists())
        self.assertEqual(self.list_json(), self.expected)
        self.crashed_data = (crash / "data").read_bytes()
        self.journal = (crash / "data-journal").read_bytes()
        self.assertNotEqual(self.crashed_data, self.data.read_bytes(), "the crash left changed pages in data")
        self.assertGreater(len(self.journal), 512 + 2 * (PAGE + 8))

    def crash_with(self, journal: bytes):
        self.data.write_bytes(self.crashed_data)
        (self.vault / "data-journal").write_bytes(journal)
        os.chmod(self.vault / "data-journal", 0o600)

    def test_a_complete_hot_journal_is_rolled_back_silently(self):
        self.crash_with(self.journal)
        r = self.folio("list", "--json")
        self.assertOk(r)
        self.assertEqual(r.err, "")
        self.assertFalse((self.vault / "data-journal").exists())
        self.assertEqual(self.list_json(), self.expected)
        self.assertOk(self.folio("check"))

    def test_a_truncated_hot_journal_exits_5_and_is_kept(self):
        segments, _ = journal_segments(self.journal)
        first, last = segments[0][0], segments[-1][0] + (segments[-1][1] - 1) * (PAGE + 8)
        # In a record, in the last record, between two segments (past the
        # records, before the next header), inside the first header.
        between = segments[0][0] + segments[0][1] * (PAGE + 8) + 10
        for size in (first + 2000, last + PAGE, between, 600, 100, 20):
            with self.subTest(size=size):
                self.crash_with(self.journal[:size])
                before = self.snapshot()
                for args in (["check"], ["list"], ["add"]):
                    r = self.folio(*args, input="x\n" if args[0] == "add" else None)
                    self.assertDamaged(r, DAMAGE_WORDS + ("journal",))
                    self.assertIn("journal", r.err)
                    self.assertUnchanged(before)  # data and data-journal as they were

    def test_a_journal_cut_in_its_unsynced_segment_is_rolled_back_silently(self):
        # The last segment's header is still zeros: SQLite plays none of it
        # back, and wrote none of its pages to data, so cutting it loses nothing.
        _, rest = journal_segments(self.journal)
        if rest + 512 + 100 >= len(self.journal):
            self.skipTest("the crash left no unsynced segment in the journal")
        self.crash_with(self.journal[:rest + 512 + 100])
        r = self.folio("list", "--json")
        self.assertOk(r)
        self.assertEqual(r.err, "")
        self.assertEqual(self.list_json(), self.expected)
        self.assertOk(self.folio("check"))

    def test_a_damaged_record_in_a_hot_journal_exits_5(self):
        # SQLite stops playing a journal back at the first record whose
        # checksum fails, silently; folio refuses instead.
        damaged = bytearray(self.journal)
        first, _ = journal_segments(self.journal)[0][0]
        damaged[first + 4 + PAGE - 200] ^= 0x01  # a byte the record's checksum covers
        self.crash_with(bytes(damaged))
        before = self.snapshot()
        r = self.folio("list")
        self.assertDamaged(r, DAMAGE_WORDS + ("journal",))
        self.assertUnchanged(before)

    def test_a_journal_moved_aside_lets_the_vault_open_as_the_crash_left_it(self):
        # What the hint says to do: the journal is kept, data opens as it is.
        first = journal_segments(self.journal)[0][0][0]
        self.crash_with(self.journal[:first + 2000])
        self.assertDamaged(self.folio("list"), DAMAGE_WORDS + ("journal",))
        os.rename(self.vault / "data-journal", self.vault / "data-journal.damaged")
        r = self.folio("check")
        self.assertNotEqual(r.rc, 70, r.describe())


class SearchIndexDamageTest(DamageTestCase):
    """A search index altered by someone else (docs/FORMAT.md, "Schema
    version 5"): a missing posting, a posting whose positions do not decode.
    The command that meets it says the index is damaged, exits 5 and changes
    nothing; `folio reindex` rebuilds it from the records, and then all works."""

    def setUp(self):
        super().setUp()
        # 64 entries: the 64th add writes every posting (none pending).
        self.ids_made = [self.add(f"okapi day {i} at the 签证 office\n") for i in range(64)]
        out = run_sql(self.vault, PASSPHRASE, "SELECT count(*) FROM search_docs WHERE pending = 1;")
        self.assertEqual(out.split()[-1], "0")

    def test_a_missing_posting_fails_rm_with_exit_5_and_reindex_repairs_it(self):
        run_sql(self.vault, PASSPHRASE,
                "DELETE FROM search_postings "
                "WHERE term_id = (SELECT id FROM search_terms WHERE term = 'okapi') "
                f"AND docid = (SELECT id * 4 FROM entries WHERE uid = '{self.ids_made[0]}');")
        before = self.snapshot()
        r = self.folio("rm", "--yes", self.ids_made[0])
        self.assertDamaged(r, ("search index",))
        self.assertIn("reindex", r.err)
        self.assertUnchanged(before)
        self.assertOk(self.folio("reindex"))
        self.assertOk(self.folio("rm", "--yes", self.ids_made[0]))
        self.assertNotIn(self.ids_made[0], self.ids())
        self.assertOk(self.folio("check"))

    def test_positions_that_do_not_decode_fail_a_phrase_search_with_exit_5(self):
        # 0x80 alone: a LEB128 byte that promises another and ends.
        run_sql(self.vault, PASSPHRASE,
                "UPDATE search_postings SET pos = x'80' "
                "WHERE term_id = (SELECT id FROM search_terms WHERE term = 'okapi');")
        before = self.snapshot()
        r = self.folio("search", '"okapi day"')
        self.assertDamaged(r, ("search index",))
        self.assertIn("reindex", r.err)
        self.assertUnchanged(before)
        self.assertOk(self.folio("reindex"))
        r = self.folio("search", "--json", "-n", "100", '"okapi day"')
        self.assertOk(r)
        self.assertEqual(len(json.loads(r.out)), 64)


if __name__ == "__main__":
    main()
