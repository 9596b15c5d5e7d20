#!/usr/bin/python3
"""reader.py, written from docs/FORMAT.md alone, reads what folio writes.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/format/test_reader.py
Skips when FOLIO_BIN, the sqlcipher tool or python3-nacl is missing.
"""

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vaults  # noqa: E402
from vaults import Workspace, skip_unless_ready  # noqa: E402

if not vaults.nacl_missing():
    import reader  # noqa: E402

PASSPHRASE = "Grüße vom Bodensee, 日记 no. 7"
CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

# What the shared vault holds: (title, tags as typed, body on stdin).
ENTRIES = [
    ("A day on the lake", ["Travel", "summer"],
     "We rowed out at six.\nThe water was still.\n\nSecond paragraph | with a pipe, 'quotes' and \"more\".\n"),
    ("周末的日记", ["旅行", "家人"],
     "今天我们去了西湖。\n天气很好，我们吃了龙井虾仁。\n"),
    (None, [], "No title, no tags: only this line\twith a tab and an emoji 🙂"),
    ("Mixed 混合", ["travel", "笔记"], "English and 中文 in one body.\r\nA CRLF line ending above.\n"),
]


def expected_tag(tag: str) -> str:
    """FORMAT.md: tag names are stored case-folded and NFC."""
    return unicodedata.normalize("NFC", tag.casefold())


def reader_command(vault: str, secret_file: str, recovery: bool = False):
    argv = [sys.executable, os.path.join(HERE, "reader.py"), vault,
            "--passphrase-file", secret_file]
    if recovery:
        argv.append("--recovery")
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, check=False)


@skip_unless_ready
class ReaderReadsAVaultFolioMade(unittest.TestCase):
    """One vault, made by folio with entries in English and Chinese."""

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.vault = cls.ws.path("vault")
        cls.pass_file = cls.ws.secret_file(PASSPHRASE)
        cls.code = cls.ws.init(cls.vault, cls.pass_file)
        cls.added = {}
        for title, tags, body in ENTRIES:
            entry_id = cls.ws.add(cls.vault, cls.pass_file, body, title, tags)
            cls.added[entry_id] = (title, tags, body)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def open(self):
        return reader.open_vault(self.vault, PASSPHRASE)

    def test_init_writes_a_passphrase_slot_a_recovery_slot_and_six_random_ones(self):
        header = reader.read_header(self.vault)
        self.assertEqual(len(header), 1024)
        slots = reader.parse_slots(header)
        used = [(s.index, s.params.kind) for s in slots if s.used]
        self.assertEqual(used, [(0, reader.KIND_PASSPHRASE), (1, reader.KIND_RECOVERY)])
        for slot in slots[:2]:
            p = slot.params
            self.assertEqual((p.version, p.kdf, p.ops, p.memory, p.reserved),
                             (1, 1, 1, 8192, bytes(16)),
                             f"slot {slot.index} params (asked for --kdf-memory 8K --kdf-ops 1)")

    def test_the_folder_holds_header_and_data_only_user_private(self):
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])
        self.assertEqual(os.stat(self.vault).st_mode & 0o777, 0o700)
        for name in ("header", "data"):
            mode = os.stat(os.path.join(self.vault, name)).st_mode & 0o777
            self.assertEqual(mode, 0o600, name)
        self.assertEqual(os.path.getsize(os.path.join(self.vault, "data")) % 4096, 0,
                         "data is whole 4096-byte pages")

    def test_the_passphrase_opens_the_passphrase_slot_and_the_database(self):
        vault = self.open()
        self.assertEqual(vault.slot_index, 0)
        info = vault.info()
        self.assertEqual(info.user_version, 1)
        self.assertEqual(info.encoding, "UTF-8")
        self.assertEqual(info.integrity, "ok")

    def test_the_reader_finds_the_entries_folio_lists(self):
        listed = self.ws.list_json(self.vault, self.pass_file)
        read = self.open().entries()
        self.assertEqual(sorted(e["id"] for e in read), sorted(e["id"] for e in listed))
        self.assertEqual(sorted(e["id"] for e in read), sorted(self.added))
        by_id = {e["id"]: e for e in read}
        for shown in listed:
            mine = by_id[shown["id"]]
            for field in ("created", "updated", "title"):
                self.assertEqual(mine[field], shown[field], f"{shown['id']} {field}")
            self.assertEqual(sorted(mine["tags"]), sorted(shown["tags"]), shown["id"])

    def test_the_reader_reads_every_entry_as_folio_shows_it(self):
        for entry in self.open().entries():
            with self.subTest(id=entry["id"]):
                shown = self.ws.show_json(self.vault, self.pass_file, entry["id"])
                shown["tags"] = sorted(shown["tags"])
                self.assertEqual(entry, shown)

    def test_the_reader_reads_back_what_was_added(self):
        for entry in self.open().entries():
            title, tags, body = self.added[entry["id"]]
            with self.subTest(id=entry["id"], title=title):
                self.assertTrue(set(entry["id"]) <= set(reader.ENTRY_ID_ALPHABET), entry["id"])
                self.assertRegex(entry["created"], CREATED)
                self.assertRegex(entry["updated"], CREATED)
                self.assertEqual(entry["title"], title)
                self.assertEqual(entry["tags"], sorted({expected_tag(t) for t in tags}))
                # folio may trim the final newline of text read from stdin;
                # every other character must survive.
                self.assertEqual(entry["body"].rstrip("\n"), body.rstrip("\n"))

    def test_the_command_prints_the_entries_as_json(self):
        proc = reader_command(self.vault, self.pass_file)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(json.loads(proc.stdout.decode("utf-8")), self.open().entries())

    def test_the_recovery_code_opens_the_recovery_slot_to_the_same_key(self):
        by_code = reader.open_vault(self.vault, self.code, recovery=True)
        self.assertEqual(by_code.slot_index, 1)
        self.assertEqual(by_code.dek, self.open().dek)
        proc = reader_command(self.vault, self.ws.secret_file(self.code), recovery=True)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(json.loads(proc.stdout.decode("utf-8")), self.open().entries())

    def test_a_recovery_code_typed_loosely_opens_in_the_reader_and_in_folio(self):
        typed = self.code.lower().replace("-", " ")
        typed = typed.replace("o", "0").replace("i", "1").replace("b", "8")
        self.assertEqual(reader.open_vault(self.vault, typed, recovery=True).dek,
                         self.open().dek)
        typed_file = self.ws.secret_file(typed)
        self.assertEqual(
            sorted(e["id"] for e in self.ws.list_json(self.vault, typed_file, recovery=True)),
            sorted(self.added))

    def test_a_wrong_passphrase_opens_nothing(self):
        with self.assertRaises(reader.WrongSecret):
            reader.open_vault(self.vault, PASSPHRASE + "x")
        proc = reader_command(self.vault, self.ws.secret_file("not the passphrase"))
        self.assertEqual(proc.returncode, 4, proc.stderr.decode())
        self.assertEqual(proc.stdout, b"")

    def test_the_passphrase_and_the_recovery_code_open_only_their_own_kind_of_slot(self):
        with self.assertRaises(reader.WrongSecret):
            reader.open_vault(self.vault, self.code)  # the code, as a passphrase
        with self.assertRaises(reader.WrongSecret):
            reader.open_vault(self.vault, self.code.replace("-", ""))


@skip_unless_ready
class PassphrasesAreNfcNormalised(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def test_a_passphrase_typed_decomposed_opens_when_typed_composed(self):
        composed = "Café naïve Ångström 한국어 passphrase"
        decomposed = unicodedata.normalize("NFD", composed)
        self.assertNotEqual(composed.encode(), decomposed.encode())
        vault = self.ws.path("vault")
        self.ws.init(vault, self.ws.secret_file(decomposed))
        entry_id = self.ws.add(vault, self.ws.secret_file(composed), "body")
        # The slot holds a KEK of the NFC bytes: reader feeds exactly those.
        dek, _ = reader.open_dek(reader.read_header(vault), composed.encode("utf-8"),
                                 reader.KIND_PASSPHRASE)
        entries = reader.read_entries(os.path.join(vault, "data"), reader.database_key(dek))
        self.assertEqual([e["id"] for e in entries], [entry_id])


@skip_unless_ready
class PasswdRewritesOnlyThePassphraseSlot(unittest.TestCase):
    OLD = "old passphrase, 旧密码"
    NEW = "new passphrase, 新密码"

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.vault = cls.ws.path("vault")
        old_file = cls.ws.secret_file(cls.OLD)
        cls.code = cls.ws.init(cls.vault, old_file)
        cls.entry_id = cls.ws.add(cls.vault, old_file, "written before passwd", "before", ["keep"])
        cls.before = reader.open_vault(cls.vault, cls.OLD)
        cls.header_before = reader.read_header(cls.vault)
        with open(os.path.join(cls.vault, "data"), "rb") as f:
            cls.data_before = f.read()
        cls.ws.run(cls.vault, old_file,
                   ["passwd", "--new-passphrase-file", cls.ws.secret_file(cls.NEW)]
                   + vaults.KDF_FLAGS)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def test_the_new_passphrase_opens_to_the_same_key(self):
        after = reader.open_vault(self.vault, self.NEW)
        self.assertEqual(after.dek, self.before.dek)
        self.assertEqual([e["id"] for e in after.entries()], [self.entry_id])

    def test_the_old_passphrase_no_longer_opens(self):
        with self.assertRaises(reader.WrongSecret):
            reader.open_vault(self.vault, self.OLD)

    def test_the_recovery_code_still_opens(self):
        self.assertEqual(reader.open_vault(self.vault, self.code, recovery=True).dek,
                         self.before.dek)

    def test_one_passphrase_slot_remains_with_a_new_salt_and_nonce(self):
        header = reader.read_header(self.vault)
        self.assertEqual(len(header), 1024)
        old = reader.parse_slots(self.header_before)[self.before.slot_index]
        passphrase_slots = [s for s in reader.parse_slots(header)
                            if s.used and s.params.kind == reader.KIND_PASSPHRASE]
        self.assertEqual(len(passphrase_slots), 1)
        self.assertNotEqual(passphrase_slots[0].salt, old.salt)
        self.assertNotEqual(passphrase_slots[0].nonce, old.nonce)
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])

    def test_the_database_is_not_touched(self):
        with open(os.path.join(self.vault, "data"), "rb") as f:
            self.assertTrue(f.read() == self.data_before, "passwd changed the data file")


@skip_unless_ready
class FolioReadsHeadersWrittenFromTheSpec(unittest.TestCase):
    """The other direction: headers built by reader.make_slot, from FORMAT.md
    alone, in slots folio never uses itself; folio must open them, and refuse
    the ones FORMAT.md says to refuse with the matching exit code."""

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.source = cls.ws.path("source")
        cls.source_pass = cls.ws.secret_file("source passphrase")
        cls.ws.init(cls.source, cls.source_pass)
        cls.entry_id = cls.ws.add(cls.source, cls.source_pass, "entry 条目", "t", ["x"])
        cls.dek = reader.open_vault(cls.source, "source passphrase").dek
        cls.copies = 0

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def vault_with_header(self, slots):
        """A copy of the source vault whose header is `slots` (index -> 128
        bytes), every other slot random."""
        type(self).copies += 1
        vault = self.ws.path(f"copy-{self.copies}")
        shutil.copytree(self.source, vault)
        header = bytearray(os.urandom(1024))
        for index, slot in slots.items():
            header[128 * index:128 * (index + 1)] = slot
        with open(os.path.join(vault, "header"), "wb") as f:
            f.write(header)
        return vault

    def slot(self, secret: bytes, kind: int, **kw):
        args = dict(ops=1, memory=8192)
        args.update(kw)
        return reader.make_slot(secret, kind, self.dek, os.urandom(16), os.urandom(24), **args)

    def test_folio_opens_slots_anywhere_at_any_valid_cost(self):
        code = reader.format_recovery_code(os.urandom(20))
        vault = self.vault_with_header({
            5: self.slot(reader.passphrase_secret("written by hand"), reader.KIND_PASSPHRASE,
                         ops=2, memory=16 * 1024),
            2: self.slot(reader.recovery_secret(code), reader.KIND_RECOVERY, ops=3, memory=9 * 1024),
        })
        listed = self.ws.list_json(vault, self.ws.secret_file("written by hand"))
        self.assertEqual([e["id"] for e in listed], [self.entry_id])
        listed = self.ws.list_json(vault, self.ws.secret_file(code), recovery=True)
        self.assertEqual([e["id"] for e in listed], [self.entry_id])

    def test_a_slot_of_a_newer_format_version_is_reported_as_such(self):
        secret = reader.passphrase_secret("newer")
        vault = self.vault_with_header({0: self.slot(secret, reader.KIND_PASSPHRASE, version=2)})
        with self.assertRaises(reader.NewerVersion):
            reader.open_vault(vault, "newer")
        proc = self.ws.run(vault, self.ws.secret_file("newer"), ["list"], expect=None)
        self.assertEqual(proc.returncode, 6, proc.stderr_text)

    def test_a_cost_outside_the_bounds_is_a_damaged_header(self):
        for field, value in (("ops", 65), ("ops", 0), ("memory", 8192 + 512),
                             ("memory", 4096), ("kdf", 2)):
            with self.subTest(field=field, value=value):
                secret = reader.passphrase_secret("damaged")
                good = self.slot(secret, reader.KIND_PASSPHRASE)
                params = reader.Params.parse(reader.xor(good[16:56], reader.mask_for(good[:16])))
                bad_params = dataclasses.replace(params, **{field: value}).to_bytes()
                bad = good[:16] + reader.xor(bad_params, reader.mask_for(good[:16])) + good[56:]
                vault = self.vault_with_header({0: bad})
                with self.assertRaises(reader.Damaged):
                    reader.open_vault(vault, "damaged")
                proc = self.ws.run(vault, self.ws.secret_file("damaged"), ["list"], expect=None)
                self.assertEqual(proc.returncode, 5, proc.stderr_text)

    def test_a_changed_reserved_byte_breaks_the_tag(self):
        secret = reader.passphrase_secret("reserved")
        good = self.slot(secret, reader.KIND_PASSPHRASE)
        mask = reader.mask_for(good[:16])
        params = bytearray(reader.xor(good[16:56], mask))
        params[39] ^= 1
        vault = self.vault_with_header({0: good[:16] + reader.xor(bytes(params), mask) + good[56:]})
        with self.assertRaises(reader.WrongSecret):
            reader.open_vault(vault, "reserved")
        proc = self.ws.run(vault, self.ws.secret_file("reserved"), ["list"], expect=None)
        self.assertEqual(proc.returncode, 4, proc.stderr_text)

    def test_folio_reads_a_vault_written_from_format_md_alone(self):
        """Header: the worked example's slot. Database: the schema block of
        docs/FORMAT.md itself, created with the sqlcipher tool."""
        import example
        source = os.environ.get("FOLIO_SOURCE_DIR", os.path.join(HERE, "..", ".."))
        with open(os.path.join(source, "docs", "FORMAT.md"), encoding="utf-8") as f:
            schema = re.search(r"### Schema version 1\s+```sql\n(.*?)```", f.read(), re.S)
        self.assertIsNotNone(schema, "FORMAT.md has no ```sql block under 'Schema version 1'")
        vault = self.ws.path("from-the-spec")
        os.mkdir(vault, 0o700)
        slot = reader.make_slot(reader.passphrase_secret(example.PASSPHRASE),
                                reader.KIND_PASSPHRASE, example.DEK, example.SALT,
                                example.NONCE, example.OPS, example.MEMORY)
        header = os.urandom(128 * 3) + slot + os.urandom(128 * 4)
        fd = os.open(os.path.join(vault, "header"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(header)
        key = reader.database_key(example.DEK)
        script = (f"PRAGMA key = \"x'{key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\n"
                  + schema.group(1) + """
PRAGMA user_version = 1;
INSERT INTO entries VALUES (1, 'k7m2x9qa', '2026-03-01T08:30:00Z', '2026-03-02T09:00:00Z',
                            '春天', 'Written by hand.' || char(10) || '第二行');
INSERT INTO entries VALUES (2, 'z3p8c4wd', '2026-03-05T20:15:00Z', '2026-03-05T20:15:00Z',
                            NULL, 'untitled');
INSERT INTO tags VALUES (1, 'garden'), (2, '花园');
INSERT INTO entry_tags VALUES (1, 1), (1, 2);
""")
        data = os.path.join(vault, "data")
        os.close(os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        subprocess.run(["sqlcipher", "-batch", "-bail", "-init", os.devnull, data],
                       input=script.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=True)
        pass_file = self.ws.secret_file(example.PASSPHRASE)
        self.assertEqual(self.ws.show_json(vault, pass_file, "k7m2x9qa"), {
            "id": "k7m2x9qa", "created": "2026-03-01T08:30:00Z",
            "updated": "2026-03-02T09:00:00Z", "title": "春天",
            "tags": ["garden", "花园"], "body": "Written by hand.\n第二行"})
        listed = self.ws.list_json(vault, pass_file)
        self.assertEqual([(e["id"], e["title"]) for e in listed],
                         [("z3p8c4wd", None), ("k7m2x9qa", "春天")])

    def test_a_newer_schema_version_is_reported_as_such(self):
        secret = reader.passphrase_secret("schema")
        vault = self.vault_with_header({0: self.slot(secret, reader.KIND_PASSPHRASE)})
        key = reader.database_key(self.dek)
        script = f"PRAGMA key = \"x'{key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\nPRAGMA user_version = 99;\n"
        subprocess.run(["sqlcipher", "-batch", "-bail", "-init", os.devnull,
                        os.path.join(vault, "data")], input=script.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        with self.assertRaises(reader.NewerVersion):
            reader.open_vault(vault, "schema").entries()
        proc = self.ws.run(vault, self.ws.secret_file("schema"), ["list"], expect=None)
        self.assertEqual(proc.returncode, 6, proc.stderr_text)


@unittest.skipIf(vaults.nacl_missing(), "python3-nacl is missing")
class WorkedExample(unittest.TestCase):
    def test_example_md_is_what_example_py_prints(self):
        proc = subprocess.run([sys.executable, os.path.join(HERE, "example.py")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        with open(os.path.join(HERE, "example.md"), encoding="utf-8") as f:
            self.assertEqual(proc.stdout.decode("utf-8"), f.read())

    def test_format_md_carries_the_worked_example(self):
        source = os.environ.get("FOLIO_SOURCE_DIR", os.path.join(HERE, "..", ".."))
        with open(os.path.join(source, "docs", "FORMAT.md"), encoding="utf-8") as f:
            doc = f.read()
        with open(os.path.join(HERE, "example.md"), encoding="utf-8") as f:
            example = f.read()
        if "Generated by `tests/format/example.py`" not in doc:
            self.skipTest("docs/FORMAT.md does not yet include tests/format/example.md")
        self.assertIn(example.strip(), doc, "FORMAT.md's worked example is out of date")


if __name__ == "__main__":
    unittest.main(verbosity=2)
