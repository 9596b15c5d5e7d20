#!/usr/bin/python3
"""No byte of a vault gives it away: FORMAT.md says "There is no magic number
and no plaintext field anywhere"; every byte of `header` and `data` is random
or cipher output. These tests check what an observer of the files would see.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/format/test_randomness.py
Skips when FOLIO_BIN, the sqlcipher tool or python3-nacl is missing.

The statistical bound. Each chi-square test below compares the byte counts of
a sample with the uniform distribution: 256 bins, 255 degrees of freedom. We
fail when the upper-tail p-value is below ALPHA = 1e-6, i.e. when the
statistic exceeds 377.1 (the exact chi2(255) quantile; the mean is 255, the
standard deviation 22.6). Why 1e-6 rather than the usual 1e-4 (bound 347.7):
this file runs 14 such tests, so with 1e-6 a correct folio fails one of them
by chance about once in 70,000 runs, where 1e-4 would fail about once in 700
runs of CI. The approximation holds even for one 1024-byte header, where only 4
bytes are expected per bin: in a simulation of 4,000,000 headers drawn from
os.urandom, 4 exceeded 377.1 (1.0e-6, as predicted) and the largest was 390.5.
The bound still has power where it matters. A header whose two used slots
left their params unmasked (`folio-ks`, version, cost and 16 zero reserved
bytes in clear, about 50 extra zero bytes) scores about 980, never below 830
in 3,000 simulations; a zero-filled unused slot scores in the thousands
(TheStatisticalCheckItself checks both with fixed seeds). A single unmasked
slot in one header scores about 430 and slips under the bound about 1 time in
20, which is why several fresh vaults are also pooled: six headers with one
unmasked slot each score about 1,360. Strongest against any fixed field: no
byte offset may hold the same value in every vault (the chance for random
files is about 1e-9 for the headers, 6e-8 for the first 64 KiB of data).
"""

import math
import os
import random
import re
import sys
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vaults  # noqa: E402
from vaults import Workspace, skip_unless_ready  # noqa: E402

if not vaults.nacl_missing():
    import reader  # noqa: E402

ALPHA = 1e-6
DEGREES = 255
VAULTS = 6
DATA_PREFIX = 64 * 1024


def chi2_statistic(data: bytes) -> float:
    counts = [0] * 256
    for b in data:
        counts[b] += 1
    expected = len(data) / 256
    return sum((c - expected) ** 2 for c in counts) / expected


def chi2_sf(x: float, df: int) -> float:
    """P(X > x) for X ~ chi2(df): the regularised upper incomplete gamma
    Q(df/2, x/2), by its series below a+1 and its continued fraction above
    (Numerical Recipes, 6.2)."""
    a, x = df / 2.0, x / 2.0
    if x <= 0:
        return 1.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= x / n
            total += term
        return 1.0 - total * math.exp(log_front)
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            return h * math.exp(log_front)


LOREM = ("Dear diary, today was much like yesterday. I wrote the same line again "
         "and again so that this entry fills many database pages with text that "
         "is anything but random. ")


@skip_unless_ready
class VaultFilesLookRandom(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        tag = uuid.uuid4().hex[:12]
        # Unique to this run, so a hit cannot come from an earlier vault.
        cls.ascii_marker = f"zqmark{tag}"
        cls.chinese_marker = f"秘密标记{tag}日记"
        cls.deleted_marker = f"gonemark{tag}"
        # Schema version 2: one marker per kind of field, so a hit names it.
        cls.checklist_marker = f"cklmark{tag}"
        cls.description_marker = f"descmark{tag}"
        cls.item_marker = f"itemmark{tag}"
        cls.notes_marker = f"notesmark{tag}"
        cls.file_name_marker = f"fnamemark{tag}"
        cls.content_marker = f"contentmark{tag}"
        cls.template_marker = f"tplmark{tag}"
        cls.chinese_item_marker = f"出生证明{tag}公证"
        # Schema version 3: the search index stores derived text. A marker
        # typed in full-width capitals is stored folded ("srchmark..."), and
        # the Chinese markers as their characters and pairs, space-separated.
        cls.search_marker = f"srchmark{tag}"
        cls.search_marker_typed = "".join(chr(ord(c) + 0xFEE0) for c in cls.search_marker.upper())
        cls.passphrases, cls.codes, cls.keys = [], [], []
        cls.vaults = []
        for i in range(VAULTS):
            vault = cls.ws.path(f"vault-{i}")
            passphrase = f"randomness test passphrase {i} 口令"
            pass_file = cls.ws.secret_file(passphrase)
            cls.codes.append(cls.ws.init(vault, pass_file))
            cls.ws.add(vault, pass_file,
                       f"Body {cls.ascii_marker} and {cls.chinese_marker}, "
                       f"{cls.search_marker_typed}.\n",
                       title=f"Title {cls.ascii_marker} {cls.chinese_marker}",
                       tags=[cls.ascii_marker, cls.chinese_marker])
            cls.ws.add(vault, pass_file, LOREM * (80 * 1024 // len(LOREM) + 1),
                       title="A long and boring entry", tags=["boring"])
            gone = cls.ws.add(vault, pass_file, f"to be deleted {cls.deleted_marker}\n",
                              title=cls.deleted_marker, tags=[cls.deleted_marker])
            cls.ws.run(vault, pass_file, ["rm", "--yes", gone])
            cls.add_checklists(vault, pass_file, i)
            if i == 0:
                # Schema version 5 leaves a few records pending (no
                # postings yet); reindex writes every posting, so this
                # vault's search_terms and search_postings hold the markers.
                cls.ws.run(vault, pass_file, ["reindex"])
            if i == VAULTS - 1:
                # One vault also goes through passwd: the rewritten header
                # must look as random as a fresh one.
                passphrase, old_file = passphrase + " new", pass_file
                pass_file = cls.ws.secret_file(passphrase)
                cls.ws.run(vault, old_file, ["passwd", "--new-passphrase-file", pass_file]
                           + vaults.KDF_FLAGS)
            opened = reader.open_vault(vault, passphrase)
            cls.keys.append((opened.dek, opened.database_key))
            cls.passphrases.append(passphrase)
            cls.vaults.append(vault)

    @classmethod
    def add_checklists(cls, vault, pass_file, i):
        """A checklist, an item with notes, an attachment (name and content
        marked, over one chunk), a linked entry, a saved template; and an
        item with an attachment that is then deleted."""
        run = lambda *a: cls.ws.run(vault, pass_file, list(a))  # noqa: E731
        new = lambda *a, stdin=None: cls.ws.new_id(vault, pass_file, list(a), stdin)  # noqa: E731
        checklist = f"清单 {cls.checklist_marker} {cls.chinese_marker}"
        new("checklist", "new", checklist, "--description", f"about {cls.description_marker}",
            "--template", "study-abroad", "--lang", "zh", "--target", "2026-09-01")
        item = new("item", "add", checklist, f"Item {cls.item_marker} {cls.chinese_item_marker}",
                   "--due", "2026-05-01", "--expires", "2030-01-01",
                   "--notes", f"Notes {cls.notes_marker} 备注")
        folder = cls.ws.path(f"docs-{i}")
        os.mkdir(folder)
        document = os.path.join(folder, f"{cls.file_name_marker} 扫描件.pdf")
        with open(document, "w", encoding="utf-8") as f:
            f.write(cls.attachment_text() * (1536 * 1024 // len(cls.attachment_text()) + 1))
        new("attach", item, document)
        new("add", "--item", item, stdin="linked entry\n")
        run("checklist", "save-template", checklist, f"Template {cls.template_marker}")
        gone = new("item", "add", checklist, f"Gone {cls.deleted_marker}",
                   "--notes", f"gone notes {cls.deleted_marker}")
        deleted = os.path.join(folder, f"{cls.deleted_marker}.txt")
        with open(deleted, "w", encoding="utf-8") as f:
            f.write(f"deleted attachment {cls.deleted_marker}\n" * 1000)
        new("attach", gone, deleted)
        run("item", "rm", "--yes", gone)

    @classmethod
    def attachment_text(cls):
        return f"Attachment content {cls.content_marker} 附件内容 {cls.chinese_marker}\n"

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def read(self, vault, name):
        with open(os.path.join(vault, name), "rb") as f:
            return f.read()

    def assertLooksUniform(self, data: bytes, what: str):
        stat = chi2_statistic(data)
        p = chi2_sf(stat, DEGREES)
        self.assertGreater(p, ALPHA, f"{what}: chi-square {stat:.1f} over {len(data)} bytes, "
                                     f"p = {p:.2g}: the bytes are not uniform")

    # --- plaintext ----------------------------------------------------------

    def needles(self, i):
        """Byte strings that must not occur in vault i's files."""
        found = {}
        for text in (self.ascii_marker, self.chinese_marker, self.deleted_marker,
                     self.ascii_marker.upper(), re.sub(r"[^\d]", "", self.chinese_marker),
                     "秘密标记", self.passphrases[i], self.codes[i],
                     self.codes[i].replace("-", ""), LOREM[:40],
                     self.checklist_marker, self.description_marker, self.item_marker,
                     self.notes_marker, self.file_name_marker, self.content_marker,
                     self.template_marker, self.chinese_item_marker,
                     self.attachment_text()[:40], "护照（有效期远超计划停留期）",
                     self.search_marker, self.search_marker_typed,
                     " ".join(self.search_terms(self.chinese_marker)),
                     " ".join(self.search_terms(self.chinese_item_marker)),
                     " ".join(self.search_terms(f"Title {self.ascii_marker}"))):
            for codec in ("utf-8", "utf-16-le", "utf-16-be"):
                found[f"{text!r} in {codec}"] = text.encode(codec)
        dek, db_key = self.keys[i]
        found["the DEK"] = dek
        found["the database key"] = db_key
        found["the database key in hex"] = db_key.hex().encode()
        for known in (b"SQLite format 3", b"SQLCipher", b"sqlcipher", b"folio", b"Folio",
                      b"FOLIO", b"folio-ks", b"argon2", b"Argon2", b"ARGON2",
                      b"CREATE TABLE", b"entry_tags", b"entries", b"checklists",
                      b"attachment_chunks", b"template_items", b"text/plain",
                      b"application/pdf", b"study-abroad", b"needed",
                      b"fts4(terms", b"tokenize=simple", b"search_segdir", b"search_content",
                      # schema version 5's tables and the SQL that makes them
                      b"search_docs", b"search_terms", b"search_postings", b"search_stats",
                      b"search_docs_pending", b"WHERE pending = 1", b"WITHOUT ROWID",
                      b"hits DESC, docid DESC", b"CHECK (id = 1)",
                      b"2026-09-01", b"2030-01-01"):
            found[repr(known)] = known
        return found

    @staticmethod
    def search_terms(text):
        return reader.search_terms(text)

    def test_the_search_index_holds_the_marker_terms_when_decrypted(self):
        """The control for the search-index needles: decrypted, the index
        holds the folded marker and the Chinese marker's terms, in order."""
        for i, vault in enumerate(self.vaults):
            with self.subTest(vault=i):
                opened = reader.open_vault(vault, self.passphrases[i])
                terms = " ".join(opened.search_index().values())
                self.assertIn(self.search_marker, terms.split(" "))
                self.assertNotIn(self.search_marker_typed, terms)
                self.assertIn(" ".join(self.search_terms(self.chinese_marker)), terms)
                self.assertIn(" ".join(self.search_terms(self.chinese_item_marker)), terms)
                self.assertEqual(opened.search_index(), opened.expected_search_index())
                summary = opened.check_search_postings()
                self.assertEqual(summary["schema_version"], 5)
                if i == 0:
                    self.assertEqual(summary["pending"], 0, "reindexed")
                    _, terms, _, _, _ = opened.postings_index()
                    words = {t.term for t in terms}
                    self.assertIn(self.search_marker, words)
                    self.assertLessEqual(set(self.search_terms(self.chinese_marker)), words)

    def test_the_markers_are_in_the_vault_when_decrypted(self):
        """The control for the test below: the markers were stored, so their
        absence from the raw files means they are encrypted."""
        for i, vault in enumerate(self.vaults):
            with self.subTest(vault=i):
                opened = reader.open_vault(vault, self.passphrases[i])
                checklists = opened.checklists()
                self.assertEqual(len(checklists), 1)
                checklist = checklists[0]
                self.assertIn(self.checklist_marker, checklist["name"])
                self.assertIn(self.description_marker, checklist["description"])
                items = [it for it in checklist["item_list"] if self.item_marker in it["title"]]
                self.assertEqual(len(items), 1)
                self.assertIn(self.notes_marker, items[0]["notes"])
                self.assertFalse([it for it in checklist["item_list"]
                                  if self.deleted_marker in it["title"]])
                attachments = opened.attachments()
                self.assertEqual(len(attachments), 1, "the deleted item's attachment is gone")
                self.assertIn(self.file_name_marker, attachments[0]["name"])
                self.assertGreater(len(opened.attachment_chunks(attachments[0]["id"])), 1)
                content = opened.read_attachment(attachments[0]["id"]).decode("utf-8")
                self.assertTrue(content.startswith(self.attachment_text()))
                self.assertEqual([t["name"] for t in opened.templates()],
                                 [f"Template {self.template_marker}"])

    def test_no_file_holds_a_marker_a_key_or_a_known_string(self):
        for i, vault in enumerate(self.vaults):
            files = vaults.files_in(vault)
            self.assertEqual(sorted(os.path.basename(f) for f in files), ["data", "header"])
            for path in files:
                with open(path, "rb") as f:
                    content = f.read()
                for what, needle in self.needles(i).items():
                    with self.subTest(file=os.path.relpath(path, self.ws.root), needle=what):
                        self.assertEqual(content.find(needle), -1)

    # --- the header ---------------------------------------------------------

    def test_every_header_is_exactly_1024_bytes(self):
        for vault in self.vaults:
            self.assertEqual(os.path.getsize(os.path.join(vault, "header")), 1024, vault)

    def test_each_header_has_uniform_byte_frequencies(self):
        for i, vault in enumerate(self.vaults):
            self.assertLooksUniform(self.read(vault, "header"), f"header of vault {i}")

    def test_all_headers_together_have_uniform_byte_frequencies(self):
        self.assertLooksUniform(b"".join(self.read(v, "header") for v in self.vaults),
                                f"{VAULTS} headers pooled")

    def test_no_header_byte_is_the_same_in_every_vault(self):
        headers = [self.read(v, "header") for v in self.vaults]
        fixed = [off for off in range(1024) if len({h[off] for h in headers}) == 1]
        self.assertEqual(fixed, [], "header offsets with one value in every vault")

    # --- the database -------------------------------------------------------

    def data_prefix(self, vault):
        data = self.read(vault, "data")[:DATA_PREFIX]
        self.assertEqual(len(data), DATA_PREFIX, "the data file should exceed 64 KiB here")
        return data

    def test_the_first_64_kib_of_each_data_file_have_uniform_byte_frequencies(self):
        for i, vault in enumerate(self.vaults):
            self.assertLooksUniform(self.data_prefix(vault), f"data of vault {i}")

    def test_all_data_files_together_have_uniform_byte_frequencies(self):
        self.assertLooksUniform(b"".join(self.data_prefix(v) for v in self.vaults),
                                f"{VAULTS} data files pooled")

    def test_no_data_byte_is_the_same_in_every_vault(self):
        prefixes = [self.data_prefix(v) for v in self.vaults]
        fixed = [off for off in range(DATA_PREFIX) if len({p[off] for p in prefixes}) == 1]
        self.assertEqual(fixed[:20], [], f"{len(fixed)} data offsets with one value in every vault")


class TheStatisticalCheckItself(unittest.TestCase):
    """The bound above is only worth something if it rejects what a broken
    writer would produce; fixed seeds, so these never flake."""

    def test_the_p_value_matches_known_quantiles(self):
        self.assertAlmostEqual(chi2_sf(255, 255), 0.488, places=3)
        self.assertAlmostEqual(chi2_sf(347.654, 255), 1e-4, delta=1e-6)
        self.assertAlmostEqual(chi2_sf(377.078, 255), 1e-6, delta=1e-8)

    def test_the_bound_would_catch_unmasked_params(self):
        rng = random.Random(20261123)
        header = bytearray(rng.getrandbits(8) for _ in range(1024))
        for index, kind in ((0, 1), (1, 2)):
            params = (b"folio-ks" + (1).to_bytes(2, "little") + bytes([kind, 1])
                      + (2).to_bytes(4, "little") + (256 << 20).to_bytes(8, "little")
                      + bytes(16))
            header[128 * index + 16:128 * index + 56] = params
        self.assertLess(chi2_sf(chi2_statistic(bytes(header)), DEGREES), ALPHA)

    def test_the_bound_would_catch_a_zeroed_unused_slot(self):
        rng = random.Random(7)
        header = bytearray(rng.getrandbits(8) for _ in range(1024))
        header[128 * 7:] = bytes(128)
        self.assertLess(chi2_sf(chi2_statistic(bytes(header)), DEGREES), ALPHA)

    def test_the_bound_passes_random_bytes(self):
        rng = random.Random(1)
        for _ in range(20):
            data = bytes(rng.getrandbits(8) for _ in range(1024))
            self.assertGreater(chi2_sf(chi2_statistic(data), DEGREES), ALPHA)


if __name__ == "__main__":
    unittest.main(verbosity=2)
