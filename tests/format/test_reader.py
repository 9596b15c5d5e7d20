#!/usr/bin/python3
"""reader.py, written from docs/FORMAT.md alone, reads what folio writes.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/format/test_reader.py
Skips when FOLIO_BIN, the sqlcipher tool or python3-nacl is missing.
"""

import dataclasses
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
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


MiB = 1048576


def chunk_layout(size: int):
    """FORMAT.md: "1 MiB (1048576 bytes) each, the last one shorter"; read
    as: ceil(size / 1 MiB) chunks, so none for an empty file and no empty
    last chunk when the size is a multiple of 1 MiB."""
    full, rest = divmod(size, reader.CHUNK_SIZE)
    return [(seq, reader.CHUNK_SIZE) for seq in range(full)] + ([(full, rest)] if rest else [])


def blake2b_256(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def by_id(rows):
    """folio and the reader need not list rows in the same order: FORMAT.md
    gives no order for checklists, attachments or linked entries."""
    return sorted(rows, key=lambda r: r["id"])


def file_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def reader_command(vault: str, secret_file: str, recovery: bool = False, args=()):
    argv = [sys.executable, os.path.join(HERE, "reader.py"), vault,
            "--passphrase-file", secret_file]
    if recovery:
        argv.append("--recovery")
    argv += list(args)
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

    def test_init_writes_passphrase_recovery_and_data_key_slots_and_five_random_ones(self):
        header = reader.read_header(self.vault)
        self.assertEqual(len(header), 1024)
        slots = reader.parse_slots(header)
        used = [(s.index, s.params.kind) for s in slots if s.used]
        self.assertEqual(used, [(0, reader.KIND_PASSPHRASE), (1, reader.KIND_RECOVERY),
                                (2, reader.KIND_DATA_KEY)])
        for slot in slots[:2]:
            p = slot.params
            self.assertEqual((p.version, p.kdf, p.ops, p.memory, p.reserved),
                             (1, 1, 1, 8192, bytes(16)),
                             f"slot {slot.index} params (asked for --kdf-memory 8K --kdf-ops 1)")
        p = slots[2].params
        self.assertEqual((p.version, p.kdf, p.ops, p.memory, p.reserved), (1, 0, 0, 0, bytes(16)),
                         "a data-key slot has no KDF")

    def test_both_secrets_open_the_same_vault_key_and_one_data_key(self):
        by_passphrase = self.open()
        by_code = reader.open_vault(self.vault, self.code, recovery=True)
        self.assertEqual(by_passphrase.vault_key, by_code.vault_key)
        self.assertNotEqual(by_passphrase.vault_key, by_passphrase.dek)
        header = reader.read_header(self.vault)
        self.assertEqual(reader.open_data_keys(header, by_passphrase.vault_key),
                         [(by_passphrase.dek, 2)])
        self.assertEqual(reader.open_data_keys(header, os.urandom(32)), [])

    def test_the_folder_holds_header_and_data_only_user_private(self):
        self.assertEqual(sorted(os.listdir(self.vault)), ["data", "header"])
        self.assertEqual(os.stat(self.vault).st_mode & 0o777, 0o700)
        for name in ("header", "data"):
            mode = os.stat(os.path.join(self.vault, name)).st_mode & 0o777
            self.assertEqual(mode, 0o600, name)
        self.assertEqual(os.path.getsize(os.path.join(self.vault, "data")) % 4096, 0,
                         "data is whole 4096-byte pages")

    def test_every_page_authenticates_as_format_md_says(self):
        # FORMAT.md "Pages": the HMAC key, the bytes the HMAC covers, the
        # page number; a flipped byte in any page but its filler is found.
        vault = self.open()
        data = os.path.join(self.vault, "data")
        self.assertEqual(reader.unauthentic_pages(data, vault.database_key), [])
        copy = self.ws.path("flipped-data")
        pristine = open(data, "rb").read()
        pages = len(pristine) // reader.PAGE_SIZE
        for number, offset in ((1, 20), (pages, 100), (2, reader.PAGE_HMAC_OFFSET + 3)):
            damaged = bytearray(pristine)
            damaged[(number - 1) * reader.PAGE_SIZE + offset] ^= 1
            with open(copy, "wb") as f:
                f.write(damaged)
            self.assertEqual(reader.unauthentic_pages(copy, vault.database_key), [number])
        damaged = bytearray(pristine)
        damaged[2 * reader.PAGE_SIZE - 5] ^= 1  # the filler: not authenticated
        with open(copy, "wb") as f:
            f.write(damaged)
        self.assertEqual(reader.unauthentic_pages(copy, vault.database_key), [])

    def test_the_passphrase_opens_the_passphrase_slot_and_the_database(self):
        vault = self.open()
        self.assertEqual(vault.slot_index, 0)
        info = vault.info()
        self.assertEqual(info.user_version, reader.SCHEMA_VERSION)
        self.assertEqual(info.user_version, 5)
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


# --- schema version 2: checklists, items, attachments -----------------------

STUDY = "德国留学 2026"
STUDY_DESCRIPTION = "去柏林读硕士 | with a pipe, 'quotes' and \"more\""
PASSPORT = "Passport renewal 护照"
EMPTY = "空清单 empty"
NOTES = "Ask the registry office for 2 copies.\n第二行：要公证 | pipe\ttab"


@skip_unless_ready
class ReaderReadsChecklistsFolioMade(unittest.TestCase):
    """One vault made by folio with checklists (one from the Chinese
    study-abroad template), items in several states, attachments of 0 bytes,
    exactly 2 MiB, about 3.5 MiB and one with a Chinese name, linked journal
    entries and saved templates. The reader must read exactly what folio's
    --json output says."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ws = ws = Workspace()
        cls.vault = vault = ws.path("vault")
        cls.pass_file = pf = ws.secret_file(PASSPHRASE)
        ws.init(vault, pf)
        run = lambda *a: ws.run(vault, pf, list(a))  # noqa: E731
        new = lambda *a, stdin=None: ws.new_id(vault, pf, list(a), stdin)  # noqa: E731
        cls.plain_entry = ws.add(vault, pf, "Not linked to any item.\n", "plain")
        cls.study = new("checklist", "new", STUDY, "--template", "study-abroad",
                        "--lang", "zh", "--description", STUDY_DESCRIPTION,
                        "--target", "2026-09-30")
        cls.passport = new("checklist", "new", PASSPORT)
        cls.empty_list = new("checklist", "new", EMPTY)
        cls.birth = new("item", "add", PASSPORT, "出生证明 Birth certificate",
                        "--due", "2026-05-01", "--expires", "2031-12-31", "--notes", NOTES)
        cls.apostille = new("item", "add", PASSPORT, "Apostille | 海牙认证")
        cls.photos = new("item", "add", PASSPORT, "Photos", "--state", "requested",
                         "--due", "2026-04-15")
        run("item", "set", f"{STUDY}:1", "--state", "n/a")
        run("item", "set", f"{STUDY}:2", "--state", "n/a")
        run("item", "done", f"{STUDY}:3")
        run("item", "set", f"{STUDY}:4", "--state", "notarized", "--notes", "公证处 No. 7")
        run("item", "done", cls.apostille)
        study = ws.run_json(vault, pf, ["checklist", "show", cls.study, "--json"])
        cls.study_item3 = study["item_list"][2]["id"]
        cls.study_item4 = study["item_list"][3]["id"]
        # Attachments: id -> (item, file name, content).
        cls.files = {}

        def attach(item, name, content):
            folder = ws.path(f"docs-{len(cls.files)}")
            os.mkdir(folder)
            path = os.path.join(folder, name)
            with open(path, "wb") as f:
                f.write(content)
            attachment = new("attach", item, path)
            cls.files[attachment] = (item, name, content)
            return attachment

        cls.big = attach(cls.birth, "scan of birth certificate.bin",
                         os.urandom(3 * MiB + MiB // 2 + 7))
        cls.two = attach(cls.birth, "exactly-two-chunks.bin", os.urandom(2 * MiB))
        cls.empty = attach(cls.birth, "empty.txt", b"")
        cls.chinese = attach(cls.study_item4, "护照扫描件 第1页.pdf",
                             b"%PDF-1.4\n" + "护照扫描件".encode() + os.urandom(1000))
        cls.linked = {
            new("add", "--item", cls.birth, "--title", "登记处 registry office",
                "-t", "Documents", "-t", "证件",
                stdin="Went to the registry office.\n排队两个小时。\n"): cls.birth,
            new("add", "--item", f"{PASSPORT}:1",
                stdin="Second note about the birth certificate\n"): cls.birth,
            new("add", "--item", f"{STUDY}:3", "--title", "offer",
                stdin="录取通知书到了！\n"): cls.study_item3,
            new("add", "--item", cls.study_item3, "-t", "Uni",
                stdin="\n\nAfter two blank lines 空行之后\r\nsecond line\n"): cls.study_item3,
        }
        run("checklist", "save-template", STUDY, "我的留学清单")
        run("checklist", "save-template", PASSPORT, "passport mine")
        cls.opened = reader.open_vault(vault, PASSPHRASE)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def folio_json(self, *args):
        return self.ws.run_json(self.vault, self.pass_file, list(args))

    def all_items(self):
        return [i for c in self.opened.checklists() for i in c["item_list"]]

    def test_the_database_is_schema_version_5_and_intact(self):
        info = self.opened.info()
        self.assertEqual((info.user_version, info.encoding, info.integrity), (5, "UTF-8", "ok"))

    def test_the_search_index_holds_the_terms_format_md_gives(self):
        stored, expected = self.opened.search_index(), self.opened.expected_search_index()
        self.assertEqual(sorted(stored), sorted(expected))
        for docid in sorted(expected):
            with self.subTest(docid=docid):
                self.assertEqual(stored[docid], expected[docid])

    def test_every_checklist_reads_as_folio_shows_it(self):
        read = self.opened.checklists()
        self.assertEqual(sorted(c["id"] for c in read),
                         sorted([self.study, self.passport, self.empty_list]))
        for checklist in read:
            with self.subTest(checklist=checklist["name"]):
                shown = self.folio_json("checklist", "show", checklist["id"], "--json")
                self.assertEqual(checklist, shown)

    def test_the_checklist_list_reads_as_folio_lists_it(self):
        read = [{k: v for k, v in c.items() if k != "item_list"}
                for c in self.opened.checklists()]
        self.assertEqual(by_id(read), by_id(self.folio_json("checklist", "list", "--json")))

    def test_progress_is_done_out_of_the_items_not_n_a(self):
        read = {c["id"]: c for c in self.opened.checklists()}
        # study: 13 template items, 2 n/a, 1 done; passport: 3 items, 1 done.
        self.assertEqual([(read[c]["done"], read[c]["applicable"], read[c]["items"])
                          for c in (self.study, self.passport, self.empty_list)],
                         [(1, 11, 13), (1, 3, 3), (0, 0, 0)])
        self.assertEqual(read[self.study]["name"], STUDY)
        self.assertEqual(read[self.study]["description"], STUDY_DESCRIPTION)
        self.assertEqual(read[self.study]["target"], "2026-09-30")
        self.assertEqual((read[self.passport]["description"], read[self.passport]["target"]),
                         (None, None))

    def test_items_are_numbered_1_to_n_in_position_order(self):
        for checklist in self.opened.checklists():
            with self.subTest(checklist=checklist["name"]):
                self.assertEqual([i["number"] for i in checklist["item_list"]],
                                 list(range(1, checklist["items"] + 1)))
        passport = self.opened.checklist(self.passport)
        self.assertEqual([(i["id"], i["title"], i["state"]) for i in passport["item_list"]], [
            (self.birth, "出生证明 Birth certificate", "needed"),
            (self.apostille, "Apostille | 海牙认证", "done"),
            (self.photos, "Photos", "requested")])
        birth = passport["item_list"][0]
        self.assertEqual((birth["due"], birth["expires"], birth["notes"]),
                         ("2026-05-01", "2031-12-31", NOTES))
        for item in self.all_items():
            with self.subTest(item=item["id"]):
                self.assertTrue(re.fullmatch("[%s]{8}" % reader.ENTRY_ID_ALPHABET, item["id"]))
                self.assertRegex(item["created"], CREATED)
                self.assertRegex(item["updated"], CREATED)
                self.assertIn(item["state"], reader.ITEM_STATES)

    def test_every_item_reads_as_folio_shows_it(self):
        for item in self.all_items():
            with self.subTest(item=item["id"], title=item["title"]):
                mine = self.opened.item(item["id"])
                shown = self.folio_json("item", "show", item["id"], "--json")
                self.assertEqual(by_id(mine.pop("attachment_list")),
                                 by_id(shown.pop("attachment_list")))
                entries, shown_entries = mine.pop("entries"), shown.pop("entries")
                self.assertEqual(mine, shown)
                self.assertEqual(mine, item, "item show and checklist show agree")
                # folio prints entry summaries (as `list --json`); the reader
                # gives the stored entries: compare the stored fields.
                self.assertEqual(sorted(e["id"] for e in entries),
                                 sorted(e["id"] for e in shown_entries))
                stored = {e["id"]: e for e in entries}
                for summary in shown_entries:
                    entry = stored[summary["id"]]
                    for field in ("created", "updated", "title", "tags"):
                        self.assertEqual(entry[field], summary[field],
                                         f"entry {entry['id']}: {field}")
                    self.assertEqual(summary["chars"], len(entry["body"]))

    def test_item_show_summarises_linked_entries_as_list_does(self):
        listed = {e["id"]: e for e in self.ws.list_json(self.vault, self.pass_file)}
        for item in sorted(set(self.linked.values())):
            shown = self.folio_json("item", "show", item, "--json")
            for summary in shown["entries"]:
                with self.subTest(item=item, entry=summary["id"]):
                    self.assertEqual(summary, listed[summary["id"]])

    def test_entry_item_links_are_the_ones_made(self):
        self.assertEqual(sorted((l["entry"], l["item"]) for l in self.opened.links()),  # noqa: E741
                         sorted(self.linked.items()))
        self.assertEqual(sorted(e["id"] for e in self.opened.entries()),
                         sorted([self.plain_entry] + list(self.linked)))
        linked = self.opened.item(self.birth)["entries"]
        self.assertEqual(sorted(e["id"] for e in linked),
                         sorted(e for e, i in self.linked.items() if i == self.birth))
        titled = [e for e in linked if e["title"] == "登记处 registry office"][0]
        self.assertEqual(titled["tags"], sorted(["documents", "证件"]))
        self.assertEqual(titled["body"].rstrip("\n"),
                         "Went to the registry office.\n排队两个小时。")

    def test_attachments_read_as_folio_lists_them(self):
        for item in self.all_items():
            with self.subTest(item=item["id"]):
                shown = self.folio_json("attachments", item["id"], "--json")
                self.assertEqual(by_id(self.opened.attachments(item["id"])), by_id(shown))
                self.assertEqual(item["attachments"], len(shown))
        self.assertEqual(by_id(self.opened.attachments()),
                         by_id([a for i in self.all_items()
                                for a in self.folio_json("attachments", i["id"], "--json")]))

    def test_attachment_rows_describe_the_files(self):
        read = {a["id"]: a for a in self.opened.attachments()}
        self.assertEqual(sorted(read), sorted(self.files))
        for attachment, (item, name, content) in self.files.items():
            with self.subTest(name=name):
                meta = read[attachment]
                self.assertEqual((meta["item"], meta["name"], meta["size"], meta["blake2b"]),
                                 (item, name, len(content), blake2b_256(content)))
                self.assertRegex(meta["created"], CREATED)
                self.assertTrue(set(attachment) <= set(reader.ENTRY_ID_ALPHABET))
        self.assertEqual(read[self.chinese]["media_type"], "application/pdf")
        self.assertEqual(read[self.empty]["media_type"], "text/plain")

    def test_content_is_stored_in_1_mib_chunks_the_last_shorter(self):
        for attachment, (_, name, content) in self.files.items():
            with self.subTest(name=name, size=len(content)):
                self.assertEqual(self.opened.attachment_chunks(attachment),
                                 chunk_layout(len(content)))
        self.assertEqual(len(self.opened.attachment_chunks(self.big)), 4)

    def test_the_reader_and_folio_extract_the_original_bytes(self):
        for attachment, (_, name, content) in self.files.items():
            with self.subTest(name=name, size=len(content)):
                self.assertTrue(self.opened.read_attachment(attachment) == content)
                by_reader = self.ws.path(f"reader-{attachment}")
                self.opened.extract(attachment, by_reader)
                by_folio = self.ws.path(f"folio-{attachment}")
                self.ws.run(self.vault, self.pass_file, ["extract", attachment, "-o", by_folio])
                for path in (by_reader, by_folio):
                    self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, path)
                    self.assertTrue(file_bytes(path) == content, path)
                with self.assertRaises(reader.AlreadyExists):
                    self.opened.extract(attachment, by_reader)

    def test_folio_extracts_to_its_original_name_and_to_stdout(self):
        folder = self.ws.path("extract-here")
        os.mkdir(folder)
        self.ws.run(self.vault, self.pass_file, ["extract", self.chinese], cwd=folder)
        _, name, content = self.files[self.chinese]
        self.assertEqual(os.listdir(folder), [name])
        self.assertTrue(file_bytes(os.path.join(folder, name)) == content)
        out = self.ws.run(self.vault, self.pass_file, ["extract", self.big, "-o", "-"])
        self.assertTrue(out.stdout == self.files[self.big][2])

    def test_the_reader_command_extracts_and_reports_unknown_ids(self):
        out = self.ws.path("reader-command-big")
        proc = reader_command(self.vault, self.pass_file, args=["--extract", self.big, out])
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertTrue(file_bytes(out) == self.files[self.big][2])
        proc = reader_command(self.vault, self.pass_file, args=["--extract", self.empty, "-"])
        self.assertEqual((proc.returncode, proc.stdout), (0, b""), proc.stderr.decode())
        for args in (["--extract", "zzzzzzzz", self.ws.path("never")], ["--item", "zzzzzzzz"]):
            proc = reader_command(self.vault, self.pass_file, args=args)
            self.assertEqual(proc.returncode, 3, proc.stderr.decode())
            self.assertFalse(os.path.exists(self.ws.path("never")))

    def test_saved_templates_read_as_folio_lists_them(self):
        read = self.opened.templates()
        listed = self.folio_json("template", "list", "--json")
        saved = [{"name": t["name"], "items": t["items"]} for t in listed if not t["builtin"]]
        self.assertEqual(sorted(({"name": t["name"], "items": t["items"]} for t in read),
                                key=lambda t: t["name"]),
                         sorted(saved, key=lambda t: t["name"]))
        self.assertEqual(sorted(t["name"] for t in read), sorted(["我的留学清单", "passport mine"]))
        by_name = {t["name"]: t for t in read}
        self.assertEqual(by_name["我的留学清单"]["items"],
                         [i["title"] for i in self.opened.checklist(self.study)["item_list"]])
        for template in read:
            self.assertRegex(template["created"], CREATED)
        # "built-ins are not stored"
        builtin = {t["name"] for t in listed if t["builtin"]}
        self.assertTrue(builtin, "folio lists built-in templates")
        self.assertFalse(builtin & set(by_name))

    def test_the_command_prints_what_the_functions_return(self):
        for flag, expected in (("--checklists", self.opened.checklists()),
                               ("--attachments", self.opened.attachments()),
                               ("--links", self.opened.links()),
                               ("--templates", self.opened.templates())):
            with self.subTest(flag=flag):
                proc = reader_command(self.vault, self.pass_file, args=[flag])
                self.assertEqual(proc.returncode, 0, proc.stderr.decode())
                self.assertEqual(json.loads(proc.stdout.decode("utf-8")), expected)
        proc = reader_command(self.vault, self.pass_file, args=["--item", self.birth])
        self.assertEqual(json.loads(proc.stdout.decode("utf-8")), self.opened.item(self.birth))
        proc = reader_command(self.vault, self.pass_file, args=["--all"])
        everything = json.loads(proc.stdout.decode("utf-8"))
        self.assertEqual(everything["schema_version"], 5)
        self.assertEqual(everything["checklists"], self.opened.checklists())
        self.assertEqual(everything["entries"], self.opened.entries())


# --- schema version 3: the search index -------------------------------------

# (title, tags as typed, body): every kind of text FORMAT.md's term rules
# distinguish. Each body has one word no other record has (the last word).
SEARCH_ENTRIES = [
    ("签证 Visa", ["签证", "Travel"],
     "我们在上海封控期间决定申请留学签证。Interview on 3 May, 2026! uniqchinese"),
    (None, [], "Plain English: the visa's bank-statement (two copies) & photos; "
               "e-mail a.b@c.de, 50% off, C++ and C#. uniqenglish"),
    ("Ｆｕｌｌ-width ＡＢＣ １２３", ["全角"],
     "ｶﾀｶﾅ half-width, ＶＩＳＡ and\u3000ideographic space，全角标点！ ｕｎｉｑｗｉｄｅ"),
    ("Accents", ["café", "Straße"],
     "Crème brûlée, naïve, Ångström, Straße, ΣΊΣΥΦΟΣ, İstanbul, ǰ, ﬁne, x² ½ ① ㈱ ㍻ uniqaccent"),
    ("Decomposed", [], unicodedata.normalize("NFD", "Crème brûlée naïve Ångström 한국어")
     + " e\u0301 uniqnfd"),
    ("Emoji 🙂", ["emoji"], "Good day 🙂👍🏽 family 👨\u200d👩\u200d👧 flag 🇨🇳 ✈️ 签证✅通过 uniqemoji"),
    ("Invisible", [], "soft\u00adhyphen zero\u200bwidth 签\u200b证 bom\ufeffhere "
                      "word\u2060joiner vs\ufe0f16 uniqinvisible"),
    ("日本語と한국어", [], "ビザ申請・東京タワー、ひらがな。서울 비자 신청 〇〆々 uniqcjk"),
    ("Punctuation", ["c++"],
     "a|b;c'd\"e(f)g[h]{i}<j>k/l\\m*n^o~p`q+r=s%t$u#v@w!x?y:z — “quotes” «guillemets» … "
     "'; DROP TABLE entries; -- NEAR OR AND NOT uniqpunct"),
    (None, ["beta"], "tag order one uniqtagone"),
    (None, ["alpha", "beta", "Gamma"], "tag order two uniqtagtwo"),
    ("Digits 2026年5月3日", [], "第1页 v2.0 3.14 1,000 ٣٤ ४२ Ⅻ uniqdigits"),
    ("Tabs\tand CRLF", [], "line one\r\nline\ttwo\r\n\r\nuniqcrlf"),
]

# Blocks whose every assigned code point (in Python's Unicode database) goes
# into one entry, each on its own line as "a<c>b <c> 签<c>": inside a word,
# alone, and after a CJK character. Case folding, compatibility mappings,
# marks, CJK ranges and default-ignorable code points all show up here.
SWEEP_BLOCKS = [(0x0020, 0x036F), (0x0370, 0x052F), (0x1E00, 0x1FFF), (0x2000, 0x24FF),
                (0x2E80, 0x33FF), (0xA640, 0xA7FF), (0xAB70, 0xABBF), (0xF900, 0xFAFF),
                (0xFB00, 0xFB4F), (0xFE00, 0xFE6F), (0xFF00, 0xFFEF), (0x10400, 0x1044F),
                (0x1D400, 0x1D4FF), (0x1F100, 0x1F1FF), (0xE0000, 0xE007F)]


def sweep_body() -> str:
    lines = []
    for low, high in SWEEP_BLOCKS:
        for cp in range(low, high + 1):
            ch = chr(cp)
            if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"):
                continue
            lines.append(f"a{ch}b {ch} 签{ch}")
    return "\n".join(lines) + "\nuniqsweep\n"


def first_difference(stored: str, expected: str) -> str:
    """Where two term strings part, for a readable failure."""
    a, b = stored.split(" "), expected.split(" ")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return (f"term {i}: folio stored {x!r} ({' '.join(f'U+{ord(c):04X}' for c in x)}), "
                    f"FORMAT.md gives {y!r} ({' '.join(f'U+{ord(c):04X}' for c in y)}); "
                    f"before: {' '.join(b[max(0, i - 5):i])!r}")
    return f"{len(a)} terms stored, {len(b)} expected"


@unittest.skipIf(vaults.nacl_missing(), "python3-nacl is missing")
class TheReadersSearchTermRules(unittest.TestCase):
    """reader.search_terms follows FORMAT.md's words and examples."""

    def test_a_cjk_run_gives_each_character_and_each_pair(self):
        self.assertEqual(reader.search_terms("申请留学"),
                         ["申", "申请", "请", "请留", "留", "留学", "学"])
        self.assertEqual(reader.search_terms("签"), ["签"])
        self.assertEqual(reader.search_terms(""), [])

    def test_any_substring_of_a_run_gives_consecutive_terms(self):
        run = "我们在上海封控期间决定申请留学签证"
        terms = reader.search_terms(run)
        for start in range(len(run)):
            for end in range(start + 1, len(run) + 1):
                part = reader.search_terms(run[start:end])
                with self.subTest(part=run[start:end]):
                    at = 2 * start  # each character after the first adds a pair
                    self.assertEqual(terms[at:at + len(part)], part)

    def test_a_cjk_code_point_ends_a_word_and_other_characters_separate(self):
        self.assertEqual(reader.search_terms("签证interview 2026年"),
                         ["签", "签证", "证", "interview", "2026", "年"])
        self.assertEqual(reader.search_terms("a:b \"c\" d-e f_g"), ["a", "b", "c", "d", "e", "f", "g"])
        self.assertEqual(reader.search_terms("naïve e\u0301"), ["naïve", "é"])
        self.assertEqual(reader.search_terms("上海。东京"), ["上", "上海", "海", "东", "东京", "京"])
        self.assertEqual(reader.search_terms("🙂签证🙂"), ["签", "签证", "证"])

    def test_text_is_folded_with_nfkc_and_case_folding(self):
        self.assertEqual(reader.search_terms("Ｖｉｓａ VISA Straße ﬁne ΣΊΣΥΦΟΣ"),
                         ["visa", "visa", "strasse", "fine", "σίσυφοσ"])
        self.assertEqual(reader.search_terms("㈱ ① x²"), ["株", "1", "x2"])
        # utf8proc composes after folding: U+01F0 stays one code point.
        self.assertEqual(reader.search_terms("ǰ J\u030c"), ["\u01f0", "\u01f0"])

    def test_default_ignorable_code_points_are_dropped(self):
        self.assertEqual(reader.search_terms("签\u200b证 vi\u00adsa a\ufe0fb"),
                         ["签", "签证", "证", "visa", "ab"])

    def test_the_docid_is_rowid_times_4_plus_the_kind(self):
        self.assertEqual([reader.search_docid(k, 7) for k in range(4)], [28, 29, 30, 31])


@skip_unless_ready
class SearchIndexFolioWrote(unittest.TestCase):
    """A vault made by folio with English, Chinese, Japanese, Korean, mixed,
    full-width, accented (composed and decomposed), punctuated, emoji and
    invisible text in entries, tags, checklists, items, notes and file
    names. The `terms` folio stored for each record must be those the
    reader's own implementation of FORMAT.md's rules gives."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ws = ws = Workspace()
        cls.vault = vault = ws.path("vault")
        cls.pass_file = pf = ws.secret_file(PASSPHRASE)
        ws.init(vault, pf)
        new = lambda *a, stdin=None: ws.new_id(vault, pf, list(a), stdin)  # noqa: E731
        cls.entries = [ws.add(vault, pf, body, title, tags) for title, tags, body in SEARCH_ENTRIES]
        cls.sweep = ws.add(vault, pf, sweep_body(), "Unicode sweep")
        cls.study = new("checklist", "new", "德国留学 2026", "--description",
                        "去柏林读硕士 | Master's in Berlin, uniqdescription",
                        "--template", "study-abroad", "--lang", "zh")
        cls.passport = new("checklist", "new", "Passport renewal 护照 uniqchecklist")
        cls.birth = new("item", "add", cls.passport, "出生证明 Birth certificate",
                        "--notes", "Ask the registry office; 要公证 (notarized) ①② uniqnotes")
        cls.photos = new("item", "add", cls.passport, "Ｐｈｏｔｏｓ 照片 uniqitem")
        cls.bank = new("item", "add", cls.passport, "Bank statement — ¥50,000 / €3.000")
        cls.attachments = []
        for i, name in enumerate(["护照扫描件 第1页.pdf", "Scan_2026-05-03 (final) uniqfile.PDF",
                                  unicodedata.normalize("NFD", "résumé.docx")]):
            folder = ws.path(f"docs-{i}")
            os.mkdir(folder)
            path = os.path.join(folder, name)
            with open(path, "wb") as f:
                f.write(b"content is not indexed\n")
            cls.attachments.append(new("attach", cls.birth, path))
        cls.opened = reader.open_vault(vault, PASSPHRASE)
        cls.stored = cls.opened.search_index()
        cls.texts = cls.opened.record_texts()

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def uid_of(self, docid: int) -> str:
        """The user-visible id of the record a docid names, read from its
        own table with docid // 4 as the row id."""
        table = ["entries", "checklists", "items", "attachments"][docid % 4]
        rows = reader.run_sql(self.opened.data_path, self.opened.database_key,
                              f"SELECT 'U', hex(uid) FROM {table} WHERE id = {docid // 4};")
        found = [r for r in rows if r[0] == "U"]
        self.assertEqual(len(found), 1, f"docid {docid}: no row {docid // 4} in {table}")
        return bytes.fromhex(found[0][1]).decode("utf-8")

    def test_every_record_has_exactly_one_index_row(self):
        self.assertEqual(sorted(self.stored), sorted(self.texts))
        kinds = sorted(reader.RECORD_KINDS[d % 4] for d in self.stored)
        # 13 + 1 entries; 2 checklists; 13 template items + 3; 3 attachments.
        self.assertEqual([kinds.count(k) for k in ("entry", "checklist", "item", "attachment")],
                         [14, 2, 16, 3])

    def test_the_docid_is_the_row_id_times_4_plus_the_kind(self):
        expected = {}
        for entry in self.entries + [self.sweep]:
            expected[entry] = 0
        expected.update({self.study: 1, self.passport: 1, self.birth: 2, self.photos: 2,
                         self.bank: 2})
        expected.update({a: 3 for a in self.attachments})
        by_uid = {self.uid_of(docid): docid % 4 for docid in self.stored}
        for uid, kind in expected.items():
            with self.subTest(uid=uid):
                self.assertEqual(by_uid.get(uid), kind)

    def test_the_stored_terms_are_the_ones_format_md_gives(self):
        expected = self.opened.expected_search_index()
        for docid, (kind, row, text) in sorted(self.texts.items()):
            with self.subTest(docid=docid, kind=reader.RECORD_KINDS[kind], text=text[:60]):
                self.assertTrue(self.stored[docid] == expected[docid],
                                first_difference(self.stored[docid], expected[docid]))

    def test_terms_are_single_space_separated_and_hold_no_syntax(self):
        for docid, terms in self.stored.items():
            with self.subTest(docid=docid):
                self.assertNotIn("  ", terms)
                self.assertEqual(terms, terms.strip())
                # Schema version 5 has no count terms (version 4's ·TERM·CODE).
                self.assertNotIn(reader.COUNT_MARK, terms)
                for term in terms.split(" ") if terms else []:
                    # A count term is ·TERM·CODE (schema version 4).
                    if term.startswith(reader.COUNT_MARK):
                        _, term, code = term.split(reader.COUNT_MARK)
                        self.assertRegex(code, r"^[a-z][0-9]+$")
                    self.assertTrue(term and all(unicodedata.category(c)[0] in "LMN" or reader.is_cjk(c)
                                                 for c in term), repr(term))

    def test_tags_stand_sorted_by_name(self):
        """FORMAT.md: an entry's tags stand as "#tag #tag" sorted by name,
        whatever order they were made in (beta was made before alpha and gamma)."""
        docid = [d for d in self.stored if d % 4 == 0 and self.uid_of(d) == self.entries[10]][0]
        self.assertEqual(self.stored[docid], "alpha beta gamma tag order two uniqtagtwo")

    def test_search_finds_each_record_by_a_word_of_its_own(self):
        by_uid = {self.uid_of(d): d for d in self.stored}
        cases = [("uniqchinese", self.entries[0]), ("uniqwide", self.entries[2]),
                 ("ＵＮＩＱＡＣＣＥＮＴ", self.entries[3]), ("uniqsweep", self.sweep),
                 ("uniqdescription", self.study), ("uniqchecklist", self.passport),
                 ("uniqnotes", self.birth), ("uniqitem", self.photos),
                 ("uniqfile", self.attachments[1])]
        for query, uid in cases:
            with self.subTest(query=query):
                hits = self.ws.run_json(self.vault, self.pass_file, ["search", query, "--json"])
                self.assertEqual([h["id"] for h in hits], [uid])
                self.assertEqual(hits[0]["kind"], reader.RECORD_KINDS[by_uid[uid] % 4])

    def test_the_reader_command_prints_the_index_beside_the_expected_terms(self):
        proc = reader_command(self.vault, self.pass_file, args=["--search-index"])
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        report = json.loads(proc.stdout.decode("utf-8"))
        self.assertEqual([r["docid"] for r in report], sorted(self.stored))
        for row in report:
            self.assertEqual(row["terms"], self.stored[row["docid"]])
            self.assertEqual(row["kind"], reader.RECORD_KINDS[row["docid"] % 4])


@skip_unless_ready
class SearchIndexFollowsChanges(unittest.TestCase):
    """Every command that changes a record changes its index row in the same
    way FORMAT.md's rules say, and `reindex` writes the same rows again."""

    maxDiff = None

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)
        self.vault = self.ws.path("vault")
        self.pass_file = self.ws.secret_file(PASSPHRASE)
        self.ws.init(self.vault, self.pass_file)
        self.opened = reader.open_vault(self.vault, PASSPHRASE)

    def run_folio(self, *args, stdin=None):
        return self.ws.run(self.vault, self.pass_file, list(args), stdin=stdin)

    def assertIndexAsSpecified(self, step: str):
        stored, expected = self.opened.search_index(), self.opened.expected_search_index()
        self.assertEqual(sorted(stored), sorted(expected), f"after {step}: one row per record")
        for docid in expected:
            self.assertTrue(stored[docid] == expected[docid],
                            f"after {step}: docid {docid}: "
                            + first_difference(stored[docid], expected[docid]))
        try:
            self.opened.check_search_postings()
        except reader.Damaged as e:
            self.fail(f"after {step}: {e}")

    def test_each_change_leaves_the_index_as_format_md_says(self):
        new = lambda *a, stdin=None: self.ws.new_id(self.vault, self.pass_file, list(a), stdin)  # noqa: E731
        entry = self.ws.add(self.vault, self.pass_file, "旧的正文 old body", "旧标题", ["first"])
        other = self.ws.add(self.vault, self.pass_file, "to be removed 删除", None, ["second"])
        checklist = new("checklist", "new", "签证 Visa", "--description", "材料 papers")
        item = new("item", "add", checklist, "护照 Passport", "--notes", "原件 original")
        second = new("item", "add", checklist, "照片 Photos")
        folder = self.ws.path("docs")
        os.mkdir(folder)
        path = os.path.join(folder, "扫描件 scan.pdf")
        with open(path, "wb") as f:
            f.write(b"%PDF-1.4\n")
        new("attach", item, path)
        self.assertIndexAsSpecified("adding")
        steps = [
            ("edit the body", ["edit", entry, "--stdin"], "新的正文 new body\n"),
            ("edit the title", ["edit", entry, "--title", "新标题 New"], None),
            ("remove the title", ["edit", entry, "--title", ""], None),
            ("add and remove tags", ["edit", entry, "--add-tag", "Later", "--rm-tag", "first"], None),
            ("rename the checklist", ["checklist", "rename", checklist, "居留 Residence"], None),
            ("set the item's title and notes", ["item", "set", item, "--title", "新护照",
                                                "--notes", "复印件 copy"], None),
            ("remove the notes", ["item", "set", item, "--no-notes"], None),
            ("move an item", ["item", "move", second, "--to", "1"], None),
            ("remove an entry", ["rm", "--yes", other], None),
            ("remove an item with an attachment", ["item", "rm", "--yes", item], None),
        ]
        for step, args, stdin in steps:
            with self.subTest(step=step):
                self.run_folio(*args, stdin=stdin)
                self.assertIndexAsSpecified(step)
        self.run_folio("checklist", "rm", "--yes", checklist)
        self.assertIndexAsSpecified("removing the checklist")
        self.assertEqual([d % 4 for d in self.opened.search_index()], [0],
                         "only the remaining entry is indexed")

    def test_reindex_writes_the_same_rows(self):
        self.ws.add(self.vault, self.pass_file, "我们在上海封控期间决定申请留学签证", "留学", ["签证"])
        checklist = self.ws.new_id(self.vault, self.pass_file,
                                   ["checklist", "new", "Study", "--template", "study-abroad",
                                    "--lang", "zh"])
        self.ws.run(self.vault, self.pass_file, ["item", "rm", "--yes", f"{checklist}:2"])
        before = self.opened.search_index()
        self.run_folio("reindex")
        self.assertEqual(self.opened.search_index(), before)
        self.assertIndexAsSpecified("reindex")
        self.assertEqual(self.opened.check_search_postings()["pending"], 0,
                         "reindex writes every posting")


# --- schema version 5: the postings index ------------------------------------

def version_5_sql() -> str:
    """The tables of a version-5 vault: FORMAT.md's blocks 1 to 5 as the
    upgrades run them."""
    return FolioReadsHeadersWrittenFromTheSpec.spec_sql_of(5)


def sqlcipher_missing():
    if vaults.nacl_missing():
        return "python3-nacl is missing"
    if shutil.which("sqlcipher") is None:
        return "the sqlcipher command-line tool is missing"
    return None


class PostingsCases:
    """Changes made with the key to an index that checks out, each of which
    check_search_postings must report, with a word of the message it must
    give. Mixed into a TestCase that has `index()` (the postings index as
    the reader reads it) and `tampered(sql)` (a copy changed by `sql`,
    returned as an OpenVault-like object with check_search_postings)."""

    def posting(self, min_hits=1):
        """The posting with the most hits (at least `min_hits`)."""
        _, _, postings, _, _ = self.index()
        best = max(postings, key=lambda p: (p.hits, p.docid))
        self.assertGreaterEqual(best.hits, min_hits, "the vault has a repeated term")
        return best

    @staticmethod
    def key_of(p) -> str:
        return f"term_id = {p.term_id} AND hits = {p.hits} AND docid = {p.docid}"

    def assertDamaged(self, sql: str, says: str):
        opened = self.tampered(sql)
        with self.assertRaises(reader.Damaged) as caught:
            opened.check_search_postings()
        self.assertIn(says, str(caught.exception))
        return opened, str(caught.exception)

    def test_the_untouched_index_checks_out(self):
        summary = self.tampered("SELECT 1;").check_search_postings()
        self.assertGreater(summary["postings"], 0)

    def test_one_more_hit_is_damage(self):
        p = self.posting()
        self.assertDamaged(f"UPDATE search_postings SET hits = hits + 1 WHERE {self.key_of(p)};",
                           f"hits says {p.hits + 1}")

    def test_one_hit_less_is_damage(self):
        p = self.posting(min_hits=2)
        self.assertDamaged(f"UPDATE search_postings SET hits = hits - 1 WHERE {self.key_of(p)};",
                           f"hits says {p.hits - 1}")

    def test_a_deleted_term_row_is_damage(self):
        p = self.posting()
        self.assertDamaged(f"DELETE FROM search_terms WHERE id = {p.term_id};",
                           f"no search_terms row {p.term_id}")

    def test_a_deleted_posting_is_damage(self):
        p = self.posting()
        self.assertDamaged(f"DELETE FROM search_postings WHERE {self.key_of(p)};",
                           f"search_docs {p.docid} is not pending but has no posting of 1 of its terms")

    def test_a_moved_position_is_damage(self):
        p = self.posting()
        positions = reader.decode_positions(p.pos)
        moved = positions[:-1] + [positions[-1] + 1]
        pos = reader.encode_positions(moved).hex()
        self.assertDamaged(f"UPDATE search_postings SET pos = X'{pos}' WHERE {self.key_of(p)};",
                           f"pos says {moved[:10]}")

    def test_positions_that_do_not_decode_are_damage(self):
        p = self.posting()
        for pos, says in (("80", "cut short"), ("8000", "padded"), ("0000", "delta 1 is 0"),
                          ("", "pos holds 0 positions")):
            with self.subTest(pos=pos):
                self.assertDamaged(f"UPDATE search_postings SET pos = X'{pos}' "
                                   f"WHERE {self.key_of(p)};", says)

    def test_positions_stored_as_text_are_damage(self):
        p = self.posting()
        self.assertDamaged(f"UPDATE search_postings SET pos = CAST(pos AS TEXT) "
                           f"WHERE {self.key_of(p)};", "not blob")

    def test_a_wrong_docs_count_is_damage(self):
        p = self.posting()
        self.assertDamaged(f"UPDATE search_terms SET docs = docs + 1 WHERE id = {p.term_id};",
                           "postings hold it")

    def test_a_term_no_posting_uses_is_damage(self):
        self.assertDamaged("INSERT INTO search_terms (term, docs) VALUES ('orphanterm', 1);",
                           "'orphanterm'): no posting uses it")

    def test_a_wrong_stats_count_is_damage(self):
        self.assertDamaged("UPDATE search_stats SET docs = docs + 1;", "search_stats.docs is")
        self.assertDamaged("DELETE FROM search_stats;", "search_stats has 0 rows")

    def test_a_pending_record_with_postings_is_damage(self):
        p = self.posting()
        self.assertDamaged(f"UPDATE search_docs SET pending = 1 WHERE docid = {p.docid};",
                           f"search_docs {p.docid} is pending")
        self.assertDamaged(f"UPDATE search_docs SET pending = 2 WHERE docid = {p.docid};",
                           "not 0 or 1")

    def test_a_record_without_its_row_is_damage(self):
        p = self.posting()
        self.assertDamaged(f"DELETE FROM search_postings WHERE docid = {p.docid};"
                           f"DELETE FROM search_docs WHERE docid = {p.docid};"
                           "UPDATE search_stats SET docs = docs - 1;",
                           f"have no search_docs row (docids [{p.docid}])")

    def test_a_posting_of_a_term_the_record_does_not_hold_is_damage(self):
        docs, terms, postings, _, _ = self.index()
        p = self.posting()
        held = {q.term_id for q in postings if q.docid == p.docid}
        other = [t for t in terms if t.id not in held][0]
        self.assertDamaged(f"UPDATE search_postings SET term_id = {other.id} "
                           f"WHERE {self.key_of(p)};", f"does not hold {other.term!r}")

    def test_64_pending_records_are_damage(self):
        """FORMAT.md: "The pending records are at most 63 between two
        commands (the 64th's indexing writes them all)"."""
        self.assertDamaged("DELETE FROM search_postings; DELETE FROM search_terms;"
                           "UPDATE search_docs SET pending = 1;"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                           " WHERE i < 64) INSERT INTO search_docs"
                           " SELECT 1000000 + i * 4, '', 1 FROM n;",
                           "are pending: at most 63")

    def test_an_fts4_table_in_a_version_5_vault_is_damage(self):
        self.assertDamaged("CREATE VIRTUAL TABLE search USING fts4(terms, tokenize=simple);",
                           "has ['search'], which it should not")


class ScratchVault:
    """An OpenVault-like object over a bare database file (no header)."""

    def __init__(self, data_path: str, key: bytes) -> None:
        self.data_path, self.database_key = data_path, key

    def check_search_postings(self):
        return reader.check_search_postings(self.data_path, self.database_key)


@unittest.skipIf(sqlcipher_missing() is not None, sqlcipher_missing() or "")
class PostingsWrittenByHand(PostingsCases, unittest.TestCase):
    """A version-5 database written from FORMAT.md's tables alone (no folio,
    no header): records of every kind, the postings written by
    reader.postings_sql, two records pending. The reader's check passes
    it and reports each change of PostingsCases."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="folio-postings-")
        cls.key = os.urandom(32)
        cls.data = os.path.join(cls.tmp.name, "data")
        stamp = "'2026-03-01T08:30:00Z'"
        vaults.sqlcipher_write(cls.data, cls.key, version_5_sql() + f"""
PRAGMA user_version = 5;
INSERT INTO entries VALUES (1, 'k7m2x9qa', {stamp}, {stamp}, '申请留学',
  '我们决定申请留学签证。签证 签证 visa visa visa, the visa office.');
INSERT INTO entries VALUES (2, 'z3p8c4wd', {stamp}, {stamp}, NULL, 'untitled, the the the end');
INSERT INTO entries VALUES (3, 'q5r6s7t8', {stamp}, {stamp}, 'pending', 'not indexed yet 还没有');
INSERT INTO entries VALUES (4, 'u9v2w3x4', {stamp}, {stamp}, NULL, '🙂 …');
INSERT INTO tags VALUES (1, 'travel'), (2, '旅行');
INSERT INTO entry_tags VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO checklists VALUES (1, 'c4v8n2pq', '签证 Visa', 'papers 材料', NULL, {stamp}, {stamp});
INSERT INTO items VALUES (1, 'a1b2c3d4', 1, 1, 'Passport 护照', 'needed', NULL, NULL,
  'copy, copy and copy', {stamp}, {stamp});
INSERT INTO attachments VALUES (1, 'm9n8p7q6', 1, '扫描 scan.pdf', 'application/pdf', 0,
  '{blake2b_256(b"")}', {stamp});
""")
        texts = reader.record_texts(cls.data, cls.key)
        index = {docid: " ".join(reader.search_terms(text)) for docid, (_, _, text) in texts.items()}
        cls.pending = (reader.search_docid(reader.KIND_ENTRY, 3),
                       reader.search_docid(reader.KIND_ITEM, 1))
        vaults.sqlcipher_write(cls.data, cls.key, reader.postings_sql(index, cls.pending))
        cls.copies = 0

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def index(self):
        return reader.read_postings_index(self.data, self.key)

    def tampered(self, sql: str) -> ScratchVault:
        type(self).copies += 1
        copy = os.path.join(self.tmp.name, f"copy-{self.copies}")
        shutil.copyfile(self.data, copy)
        vaults.sqlcipher_write(copy, self.key, sql)
        return ScratchVault(copy, self.key)

    def test_the_hand_written_index_is_what_format_md_says(self):
        summary = reader.check_search_postings(self.data, self.key)
        self.assertEqual(summary["schema_version"], 5)
        self.assertEqual((summary["docs"], summary["pending"], summary["stats_docs"]), (7, 2, 7))
        self.assertEqual(reader.read_search_index(self.data, self.key),
                         reader.expected_search_index(self.data, self.key),
                         "version 5: the terms of version 3, no count terms")
        docs, terms, postings, stats, problems = self.index()
        self.assertEqual(problems, [])
        self.assertEqual(stats, [(1, 7)])
        by_docid = {d.docid: d for d in docs}
        self.assertEqual(by_docid[reader.search_docid(reader.KIND_ENTRY, 4)].terms, "",
                         "a record without terms has ''")
        self.assertEqual(sorted(d.docid for d in docs if d.pending), sorted(self.pending))
        visa = [t for t in terms if t.term == "visa"][0]
        self.assertEqual(visa.docs, 2, "entry 1 and the checklist hold 'visa'")
        held = [p for p in postings if p.term_id == visa.id]
        self.assertEqual([(p.hits, p.docid) for p in held], [(4, 4), (1, 5)],
                         "key order: most hits first")
        self.assertEqual(reader.decode_positions(held[0].pos),
                         [i for i, t in enumerate(by_docid[4].terms.split(" ")) if t == "visa"])

    def test_leb128_is_seven_bits_a_byte_low_bits_first(self):
        self.assertEqual(reader.leb128(0), b"\x00")
        self.assertEqual(reader.leb128(127), b"\x7f")
        self.assertEqual(reader.leb128(128), b"\x80\x01")
        self.assertEqual(reader.leb128(300), b"\xac\x02")
        self.assertEqual(reader.leb128(16384), b"\x80\x80\x01")
        self.assertEqual(reader.encode_positions([0, 5, 133]), b"\x00\x05\x80\x01")
        self.assertEqual(reader.encode_positions([2]), b"\x02", "the first from 0")
        for n in (0, 1, 127, 128, 255, 16383, 16384, 2 ** 35 + 3):
            self.assertEqual(reader.unleb128_all(reader.leb128(n) * 2), [n, n])
        self.assertEqual(reader.decode_positions(b"\x00\x05\x80\x01"), [0, 5, 133])

    def test_tables_of_another_version_are_damage(self):
        """FORMAT.md: a vault whose user_version does not match its tables
        is damaged."""
        v5 = "has ['search_docs', 'search_postings', 'search_stats', 'search_terms']"
        for version, says in ((4, "lacks ['search', 'search_vocab'] and " + v5),
                              (3, "lacks ['search'] and " + v5), (2, v5), (1, v5)):
            with self.subTest(version=version):
                copy = self.tampered(f"PRAGMA user_version = {version};")
                with self.assertRaises(reader.Damaged) as caught:
                    copy.check_search_postings()
                self.assertIn(says, str(caught.exception))


@skip_unless_ready
class PostingsFolioWrote(PostingsCases, unittest.TestCase):
    """A vault made by folio (schema version 5): 70 entries in Chinese and
    English, so that the first 64 have their postings written and the rest
    are pending, some edited and removed, a checklist, an item and an
    attachment. The postings must be what FORMAT.md says, `pending` must
    follow the writing rule (64 pending are written at once), and every
    change of PostingsCases made with the sqlcipher tool is reported."""

    maxDiff = None
    ADDS = 70

    @staticmethod
    def body(i: int) -> str:
        if i % 2:
            return (f"第{i}天。我们在上海申请留学签证，签证中心说签证要等。"
                    f"uniqzh{i} 留学 留学 留学\n")
        return (f"Day {i}: the visa office, the bank statement and the visa photos; "
                f"visa visa. uniqen{i} " + "again " * (i % 5) + "\n")

    @classmethod
    def setUpClass(cls):
        cls.ws = ws = Workspace()
        cls.vault = vault = ws.path("vault")
        cls.pass_file = pf = ws.secret_file(PASSPHRASE)
        ws.init(vault, pf)
        pending = []             # the records waiting for their postings, as FORMAT.md's rule says

        def indexed(uid):
            pending.append(uid)
            if len(pending) == reader.PENDING_BATCH:
                pending.clear()

        def removed(uid):
            if uid in pending:
                pending.remove(uid)

        cls.entries = []
        for i in range(cls.ADDS):
            title = None if i % 3 == 0 else (f"日记 {i}" if i % 2 else f"Journal {i}")
            tags = ["旅行", "Travel"] if i % 4 == 0 else []
            uid = ws.add(vault, pf, cls.body(i), title, tags)
            cls.entries.append(uid)
            indexed(("entry", uid))
        run = lambda *a, stdin=None: ws.run(vault, pf, list(a), stdin=stdin)  # noqa: E731
        new = lambda *a: ws.new_id(vault, pf, list(a))  # noqa: E731
        cls.checklist = new("checklist", "new", "签证 Visa uniqchecklist")
        indexed(("checklist", cls.checklist))
        cls.item = new("item", "add", cls.checklist, "护照 Passport", "--notes", "copy copy 复印")
        indexed(("item", cls.item))
        cls.attachment = new("attach", cls.item, ws.write_file("扫描 scan.pdf", b"%PDF-1.4\n"))
        indexed(("attachment", cls.attachment))
        # Removed: two whose postings were written, one pending.
        cls.removed = [cls.entries[5], cls.entries[40], cls.entries[66]]
        for uid in cls.removed:
            run("rm", "--yes", uid)
            removed(("entry", uid))
        # Edited ("removes it and indexes it again"): one written, one pending.
        cls.edited = {cls.entries[10]: "新的正文 new body uniqedited10 edited edited\n",
                      cls.entries[68]: "另一个 another new body uniqedited68\n"}
        for uid, body in cls.edited.items():
            run("edit", uid, "--stdin", stdin=body)
            removed(("entry", uid))
            indexed(("entry", uid))
        run("edit", cls.entries[20], "--title", "新标题 retitled")
        removed(("entry", cls.entries[20]))
        indexed(("entry", cls.entries[20]))
        cls.pending = list(pending)
        cls.opened = reader.open_vault(vault, PASSPHRASE)
        cls.copies = 0

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def index(self):
        return self.opened.postings_index()

    def tampered(self, sql: str):
        type(self).copies += 1
        copy = self.ws.path(f"copy-{self.copies}")
        shutil.copytree(self.vault, copy)
        vaults.sqlcipher_write(os.path.join(copy, "data"), self.opened.database_key, sql)
        return reader.open_vault(copy, PASSPHRASE)

    def assertDamaged(self, sql, says):
        opened, message = super().assertDamaged(sql, says)
        vault = os.path.dirname(opened.data_path)
        proc = reader_command(vault, self.pass_file, args=["--search-postings"])
        self.assertEqual(proc.returncode, 5, proc.stderr.decode())
        self.assertIn(says, proc.stderr.decode("utf-8"))
        return opened, message

    def docid_of(self, kind: str, uid: str) -> int:
        table = {"entry": "entries", "checklist": "checklists", "item": "items",
                 "attachment": "attachments"}[kind]
        rows = reader.run_sql(self.opened.data_path, self.opened.database_key,
                              f"SELECT 'U', id FROM {table} WHERE uid = '{uid}';")
        found = [r for r in rows if r[0] == "U"]
        self.assertEqual(len(found), 1, f"no {kind} {uid}")
        kinds = {v: k for k, v in reader.RECORD_KINDS.items()}
        return reader.search_docid(kinds[kind], int(found[0][1]))

    def test_the_vault_is_version_5_without_fts4(self):
        info = self.opened.info()
        self.assertEqual((info.user_version, info.integrity), (5, "ok"))
        db = reader.Database(self.opened.data_path, self.opened.database_key)
        self.assertEqual(db.search_tables(), ([], []))
        tables = db.tables()
        self.assertFalse([t for t in tables if t.startswith("search") and
                          t not in reader.POSTINGS_TABLES], tables)

    def test_the_postings_are_what_format_md_says(self):
        summary = self.opened.check_search_postings()
        records = self.ADDS - len(self.removed) + 3
        self.assertEqual((summary["docs"], summary["stats_docs"]), (records, records))
        self.assertGreater(summary["postings"], 0)
        self.assertGreater(summary["positions"], summary["postings"], "some terms repeat")

    def test_pending_follows_the_rule_of_64(self):
        docs = self.opened.search_docs()
        pending = sorted(d.docid for d in docs if d.pending)
        self.assertEqual(pending, sorted(self.docid_of(k, u) for k, u in self.pending))
        self.assertLess(len(pending), reader.PENDING_BATCH)

    def test_search_docs_hold_the_terms_of_version_3(self):
        stored, expected = self.opened.search_index(), self.opened.expected_search_index()
        self.assertEqual(sorted(stored), sorted(expected))
        for docid in expected:
            self.assertTrue(stored[docid] == expected[docid],
                            f"docid {docid}: " + first_difference(stored[docid], expected[docid]))
        self.assertFalse([t for t in stored.values() if reader.COUNT_MARK in t])

    def test_no_term_of_a_removed_or_edited_text_stays(self):
        docs, terms, _, _, _ = self.index()
        words = {t.term for t in terms}
        pending_words = {w for d in docs if d.pending for w in d.terms.split(" ")}
        self.assertIn("uniqen12", words, "a posted record's word is a term")
        for i in (5, 40, 10, 66, 68):   # removed or edited, posted or pending
            word = f"uniqen{i}" if i % 2 == 0 else f"uniqzh{i}"
            with self.subTest(word=word):
                self.assertNotIn(word, words)
                self.assertNotIn(word, pending_words)
        # An edited record is indexed again: pending, so in search_docs only.
        self.assertIn("uniqedited10", pending_words)
        self.assertNotIn("uniqedited10", words, "a pending record has no postings")

    def test_the_command_prints_the_check(self):
        proc = reader_command(self.vault, self.pass_file, args=["--search-postings"])
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(json.loads(proc.stdout.decode("utf-8")),
                         self.opened.check_search_postings())

    def test_search_finds_posted_and_pending_records(self):
        for query, uid in (("uniqen12", self.entries[12]), ("uniqzh69", self.entries[69]),
                           ("uniqedited68", self.entries[68]), ("uniqchecklist", self.checklist)):
            with self.subTest(query=query):
                hits = self.ws.run_json(self.vault, self.pass_file, ["search", query, "--json"])
                self.assertEqual([h["id"] for h in hits], [uid])

    def test_reindex_writes_every_posting(self):
        copy = self.ws.path("reindexed")
        shutil.copytree(self.vault, copy)
        before = self.opened.search_index()
        self.ws.run(copy, self.pass_file, ["reindex"])
        opened = reader.open_vault(copy, PASSPHRASE)
        summary = opened.check_search_postings()
        self.assertEqual(summary["pending"], 0, "reindex writes all postings at once")
        self.assertEqual(opened.search_index(), before)
        # Removing records whose postings are written: an item with its
        # attachment, then the checklist, then an entry.
        for args in (["item", "rm", "--yes", self.item], ["checklist", "rm", "--yes", self.checklist],
                     ["rm", "--yes", self.entries[12]]):
            with self.subTest(args=args):
                self.ws.run(copy, self.pass_file, args)
                after = opened.check_search_postings()
                self.assertEqual(after["pending"], 0)
        self.assertEqual(after["docs"], summary["docs"] - 4)
        _, terms, _, _, _ = opened.postings_index()
        words = {t.term for t in terms}
        for gone in ("uniqen12", "uniqchecklist", "复印"):
            self.assertNotIn(gone, words)


@skip_unless_ready
class DamagedAttachmentsAreDetected(unittest.TestCase):
    """FORMAT.md: an attachment's chunks, concatenated, have the row's size
    and BLAKE2b-256. A change made with the key (so every page still
    authenticates) must be caught by the reader and by `folio extract` (exit 5)."""

    CONTENT_SIZE = 2 * MiB + 4321

    @classmethod
    def setUpClass(cls):
        cls.ws = ws = Workspace()
        cls.source = ws.path("source")
        cls.pass_file = pf = ws.secret_file(PASSPHRASE)
        ws.init(cls.source, pf)
        ws.new_id(cls.source, pf, ["checklist", "new", "签证"])
        cls.content = os.urandom(cls.CONTENT_SIZE)
        cls.small = b"a small document that stays intact\n"
        item = ws.new_id(cls.source, pf, ["item", "add", "签证", "Visa 签证"])
        cls.attachment = ws.new_id(cls.source, pf, ["attach", item,
                                                    ws.write_file("scan.pdf", cls.content)])
        cls.intact = ws.new_id(cls.source, pf, ["attach", item,
                                                ws.write_file("note.txt", cls.small)])
        cls.key = reader.open_vault(cls.source, PASSPHRASE).database_key
        cls.copies = 0

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def damaged_copy(self, sql: str) -> str:
        """A copy of the vault with `sql` run on its database; the damage must
        be to content only: the database stays consistent."""
        type(self).copies += 1
        vault = self.ws.path(f"copy-{self.copies}")
        shutil.copytree(self.source, vault)
        data = os.path.join(vault, "data")
        printed = vaults.sqlcipher_write(data, self.key, sql + "\nSELECT changes();")
        self.assertEqual(printed.split(), ["1"], "exactly one chunk row changed")
        self.assertEqual(reader.database_info(data, self.key).integrity, "ok")
        return vault

    def where(self, seq: int) -> str:
        return (f"WHERE attachment_id = (SELECT id FROM attachments WHERE uid = "
                f"'{self.attachment}') AND seq = {seq}")

    def assertBothRefuse(self, vault: str, says: str):
        opened = reader.open_vault(vault, PASSPHRASE)
        # The row itself still reads; only the content is wrong.
        self.assertEqual(opened.attachments()[0]["size"], self.CONTENT_SIZE)
        with self.assertRaises(reader.Damaged) as caught:
            opened.read_attachment(self.attachment)
        self.assertIn(says, str(caught.exception))
        out = self.ws.path(f"by-reader-{self.copies}")
        proc = reader_command(vault, self.pass_file, args=["--extract", self.attachment, out])
        self.assertEqual(proc.returncode, 5, proc.stderr.decode())
        self.assertFalse(os.path.exists(out), "the reader removes what it could not verify")
        out = self.ws.path(f"by-folio-{self.copies}")
        proc = self.ws.run(vault, self.pass_file, ["extract", self.attachment, "-o", out],
                           expect=None)
        self.assertEqual(proc.returncode, 5, proc.stderr_text)
        self.assertIn("folio: error:", proc.stderr_text)
        # The other attachment is not affected.
        self.assertTrue(opened.read_attachment(self.intact) == self.small)
        fine = self.ws.path(f"intact-{self.copies}")
        self.ws.run(vault, self.pass_file, ["extract", self.intact, "-o", fine])
        self.assertTrue(file_bytes(fine) == self.small)

    def test_the_intact_vault_reads(self):
        opened = reader.open_vault(self.source, PASSPHRASE)
        self.assertTrue(opened.read_attachment(self.attachment) == self.content)
        self.assertEqual(opened.attachment_chunks(self.attachment), chunk_layout(self.CONTENT_SIZE))

    def test_one_changed_byte_in_a_chunk_is_a_hash_mismatch(self):
        chunk = bytearray(self.content[MiB:2 * MiB])
        chunk[12345] ^= 0x01
        vault = self.damaged_copy(f"UPDATE attachment_chunks SET data = X'{chunk.hex()}' "
                                  + self.where(1) + ";")
        self.assertBothRefuse(vault, "BLAKE2b")

    def test_a_missing_last_chunk_is_a_size_mismatch(self):
        vault = self.damaged_copy("DELETE FROM attachment_chunks " + self.where(2) + ";")
        self.assertBothRefuse(vault, "bytes")


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
        header = reader.read_header(vault)
        vault_key, _ = reader.open_vault_key(header, composed.encode("utf-8"),
                                             reader.KIND_PASSPHRASE)
        [(dek, _)] = reader.open_data_keys(header, vault_key)
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
        opened = reader.open_vault(cls.source, "source passphrase")
        cls.dek, cls.vault_key = opened.dek, opened.vault_key
        index = opened.data_key_slot
        cls.data_key_slot = reader.read_header(cls.source)[128 * index:128 * (index + 1)]
        cls.copies = 0

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def vault_with_header(self, slots, data_key_at=7):
        """A copy of the source vault whose header is `slots` (index -> 128
        bytes), with the source's data-key slot at `data_key_at` (None: no
        data-key slot, unless `slots` has one), every other slot random."""
        type(self).copies += 1
        vault = self.ws.path(f"copy-{self.copies}")
        shutil.copytree(self.source, vault)
        header = bytearray(os.urandom(1024))
        if data_key_at is not None:
            header[128 * data_key_at:128 * (data_key_at + 1)] = self.data_key_slot
        for index, slot in slots.items():
            header[128 * index:128 * (index + 1)] = slot
        with open(os.path.join(vault, "header"), "wb") as f:
            f.write(header)
        return vault

    def slot(self, secret: bytes, kind: int, **kw):
        args = dict(ops=1, memory=8192)
        args.update(kw)
        return reader.make_slot(secret, kind, self.vault_key, os.urandom(16), os.urandom(24),
                                **args)

    def data_slot(self, dek=None, **kw):
        """A data-key slot written from FORMAT.md, wrapping `dek` (default:
        the source's) under the source's vault key."""
        return reader.make_data_key_slot(self.vault_key, dek or self.dek, os.urandom(16),
                                         os.urandom(24), **kw)

    def test_folio_opens_a_data_key_slot_written_from_the_spec_anywhere(self):
        secret = reader.passphrase_secret("data key by hand")
        for index in (0, 3, 7):
            with self.subTest(index=index):
                passphrase_slot = self.slot(secret, reader.KIND_PASSPHRASE)
                vault = self.vault_with_header({5: passphrase_slot, index: self.data_slot()},
                                               data_key_at=None)
                self.assertEqual(reader.open_vault(vault, "data key by hand").data_key_slot, index)
                listed = self.ws.list_json(vault, self.ws.secret_file("data key by hand"))
                self.assertEqual([e["id"] for e in listed], [self.entry_id])

    def test_of_two_data_key_slots_the_one_that_opens_the_database_is_used(self):
        """FORMAT.md: "During a re-key there may be two for a moment (the old
        and the new DEK); the database opens with one of them, so a reader
        tries each"."""
        secret = reader.passphrase_secret("two data keys")
        for order in ("other first", "right first"):
            with self.subTest(order=order):
                other, right = self.data_slot(os.urandom(32)), self.data_slot()
                first, second = (other, right) if order == "other first" else (right, other)
                vault = self.vault_with_header({0: self.slot(secret, reader.KIND_PASSPHRASE),
                                                2: first, 6: second}, data_key_at=None)
                self.assertEqual(reader.open_vault(vault, "two data keys").dek, self.dek)
                listed = self.ws.list_json(vault, self.ws.secret_file("two data keys"))
                self.assertEqual([e["id"] for e in listed], [self.entry_id])

    def test_a_header_without_a_data_key_that_opens_is_damaged(self):
        secret = reader.passphrase_secret("no data key")
        wrong_vault_key = reader.make_data_key_slot(os.urandom(32), self.dek, os.urandom(16),
                                                    os.urandom(24))
        for name, extra in (("none", {}), ("under another vault key", {4: wrong_vault_key}),
                            ("of a newer version", {4: self.data_slot(version=2)})):
            with self.subTest(data_key=name):
                vault = self.vault_with_header({0: self.slot(secret, reader.KIND_PASSPHRASE),
                                                **extra}, data_key_at=None)
                with self.assertRaises(reader.Damaged):
                    reader.open_vault(vault, "no data key")
                proc = self.ws.run(vault, self.ws.secret_file("no data key"), ["list"], expect=None)
                self.assertEqual(proc.returncode, 5, proc.stderr_text)

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

    @staticmethod
    def format_md_schema(version: int) -> str:
        """The ```sql block under "Schema version N" in docs/FORMAT.md."""
        source = os.environ.get("FOLIO_SOURCE_DIR", os.path.join(HERE, "..", ".."))
        with open(os.path.join(source, "docs", "FORMAT.md"), encoding="utf-8") as f:
            doc = f.read()
        # The section runs from its heading to the next heading of level 2
        # or 3; its first ```sql block (version 5's stands under "#### Tables").
        found = None
        section = re.search(r"^### Schema version %d\b[^\n]*\n(.*?)(?=^#{2,3} |\Z)" % version,
                            doc, re.S | re.M)
        if section is not None:
            found = re.search(r"```sql\n(.*?)```", section.group(1), re.S)
        if found is None:
            raise AssertionError(f"FORMAT.md has no ```sql block under 'Schema version {version}'")
        return found.group(1)

    SPEC_VAULT_KEY = bytes(range(0x60, 0x80))

    def vault_from_the_spec(self, name: str, sql: str) -> str:
        """A vault written from FORMAT.md alone: header = a passphrase slot
        with the worked example's inputs wrapping a fixed VK, and a data-key
        slot wrapping the worked example's DEK under it, among random ones;
        data = `sql` run by the sqlcipher tool with the worked example's
        database key."""
        import example
        vault = self.ws.path(name)
        os.mkdir(vault, 0o700)
        slot = reader.make_slot(reader.passphrase_secret(example.PASSPHRASE),
                                reader.KIND_PASSPHRASE, self.SPEC_VAULT_KEY, example.SALT,
                                example.NONCE, example.OPS, example.MEMORY)
        data_slot = reader.make_data_key_slot(self.SPEC_VAULT_KEY, example.DEK,
                                              bytes(range(0x80, 0x90)), bytes(range(0x90, 0xa8)))
        header = os.urandom(128 * 3) + slot + os.urandom(128 * 2) + data_slot + os.urandom(128)
        fd = os.open(os.path.join(vault, "header"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(header)
        data = os.path.join(vault, "data")
        os.close(os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        vaults.sqlcipher_write(data, reader.database_key(example.DEK), sql)
        return vault

    def test_folio_reads_a_vault_written_from_format_md_alone(self):
        """Header: the worked example's slot. Database: the schema block of
        docs/FORMAT.md itself, created with the sqlcipher tool. It is a
        version-1 vault: the reader reads it as it is, and folio upgrades it
        to version 5 when it opens it, filling the search index from the
        entries."""
        import example
        vault = self.vault_from_the_spec("from-the-spec", self.format_md_schema(1) + """
PRAGMA user_version = 1;
INSERT INTO entries VALUES (1, 'k7m2x9qa', '2026-03-01T08:30:00Z', '2026-03-02T09:00:00Z',
                            '春天', 'Written by hand.' || char(10) || '第二行');
INSERT INTO entries VALUES (2, 'z3p8c4wd', '2026-03-05T20:15:00Z', '2026-03-05T20:15:00Z',
                            NULL, 'untitled');
INSERT INTO tags VALUES (1, 'garden'), (2, '花园');
INSERT INTO entry_tags VALUES (1, 1), (1, 2);
""")
        opened = reader.open_vault(vault, example.PASSPHRASE)
        self.assertEqual(opened.info().user_version, 1)
        before = opened.entries()
        self.assertEqual([e["id"] for e in before], ["k7m2x9qa", "z3p8c4wd"])
        self.assertEqual((opened.checklists(), opened.templates(), opened.links(),
                          opened.attachments()), ([], [], [], []))
        pass_file = self.ws.secret_file(example.PASSPHRASE)
        self.assertEqual(self.ws.show_json(vault, pass_file, "k7m2x9qa"), {
            "id": "k7m2x9qa", "created": "2026-03-01T08:30:00Z",
            "updated": "2026-03-02T09:00:00Z", "title": "春天",
            "tags": ["garden", "花园"], "body": "Written by hand.\n第二行"})
        listed = self.ws.list_json(vault, pass_file)
        self.assertEqual([(e["id"], e["title"]) for e in listed],
                         [("z3p8c4wd", None), ("k7m2x9qa", "春天")])
        # "An older vault is upgraded, in one transaction, the first time
        # this folio opens it": to 5, the search index created and filled,
        # every posting written at once (nothing left pending).
        info = opened.info()
        self.assertEqual((info.user_version, info.integrity), (5, "ok"))
        self.assertIndexAsSpecified(opened)
        self.assertPostingsAsSpecified(opened, pending=0)
        found = self.ws.run_json(vault, pass_file, ["search", "第二行", "--json"])
        self.assertEqual([(h["kind"], h["id"]) for h in found], [("entry", "k7m2x9qa")])
        found = self.ws.run_json(vault, pass_file, ["search", "花园", "--json"])
        self.assertEqual([h["id"] for h in found], ["k7m2x9qa"], "tags are indexed")
        self.assertEqual(opened.entries(), before)
        self.assertEqual(opened.checklists(), [])
        tables = {r[0] for r in reader.run_sql(opened.data_path, opened.database_key,
                                                "SELECT name FROM sqlite_master WHERE type = 'table';")}
        self.assertLessEqual({"checklists", "items", "attachments", "attachment_chunks",
                              "entry_items", "templates", "template_items"}, tables)
        self.assertEqual(self.schema_of(opened.data_path, opened.database_key),
                         self.spec_schema(), "the upgraded schema is FORMAT.md's")
        checklist = self.ws.new_id(vault, pass_file, ["checklist", "new", "after the upgrade"])
        self.assertEqual([c["id"] for c in opened.checklists()], [checklist])

    # --- the schema folio creates is FORMAT.md's ----------------------------

    @staticmethod
    def schema_of(data_path: str, key: bytes) -> dict:
        """Every table's columns (name, type, not null, default, primary key),
        foreign keys and indexes (name, unique, columns), WITHOUT ROWID or not,
        as the database itself reports them."""
        names = [r[0] for r in reader.run_sql(data_path, key, (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name;"))]
        schema = {}
        for table in names:
            rows = reader.run_sql(data_path, key, f"""
SELECT 'SQL', CASE WHEN sql LIKE '%WITHOUT ROWID%' THEN 'without rowid' ELSE 'rowid' END
  FROM sqlite_master WHERE name = '{table}';
SELECT 'VIRTUAL', hex(sql) FROM sqlite_master
 WHERE name = '{table}' AND sql LIKE 'CREATE VIRTUAL TABLE%';
SELECT 'COLUMNS';
PRAGMA table_info('{table}');
SELECT 'FOREIGN';
PRAGMA foreign_key_list('{table}');
SELECT 'INDEXES';
PRAGMA index_list('{table}');""")
            part, info = None, {"rowid": rows[0][1], "columns": [], "foreign": [], "indexes": {}}
            for row in rows[1:]:
                if row[0] == "VIRTUAL" and part is None:
                    # A virtual table (the FTS4 index): its module and
                    # arguments are only in its CREATE statement.
                    info["virtual"] = " ".join(bytes.fromhex(row[1]).decode("utf-8").split())
                elif row[0] in ("COLUMNS", "FOREIGN", "INDEXES"):
                    part = row[0]
                elif part == "COLUMNS":
                    info["columns"].append(tuple(row[1:]))      # name, type, notnull, dflt, pk
                elif part == "FOREIGN":
                    info["foreign"].append(tuple(row[2:]))      # table, from, to, actions, match
                elif part == "INDEXES":
                    index, unique = row[1], row[2]
                    partial = row[4] if len(row) > 4 else "0"
                    # index_xinfo: seqno, cid, name, desc, coll, key. Only the
                    # key columns, each with its order (search_postings has
                    # hits DESC, docid DESC in its primary key).
                    xinfo = reader.run_sql(data_path, key, f"PRAGMA index_xinfo('{index}');")
                    key_columns = [r for r in xinfo if r[5] == "1"]
                    columns = [r[2] for r in key_columns]
                    order = ["DESC" if r[3] == "1" else "ASC" for r in key_columns]
                    # Automatic indexes are named by position; key them by content.
                    key_name = index if not index.startswith("sqlite_autoindex_") else \
                        "auto(" + ",".join(columns) + ")"
                    info["indexes"][key_name] = (unique, columns, order, partial)
            info["foreign"].sort()
            # CHECK constraints (search_stats: id = 1) and the WHERE of partial
            # indexes (search_docs_pending), from the CREATE statements, with
            # comments and white space left out.
            rows = reader.run_sql(data_path, key, f"""
SELECT 'CREATE', hex(sql) FROM sqlite_master WHERE name = '{table}' AND sql IS NOT NULL;
SELECT 'INDEX', hex(name), hex(sql) FROM sqlite_master
 WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL;""")

            def bare(sql_hex: str) -> str:
                sql = re.sub(r"--[^\n]*", "", bytes.fromhex(sql_hex).decode("utf-8"))
                return re.sub(r"\s+", "", sql)
            info["checks"] = sorted(c for r in rows if r[0] == "CREATE"
                                    for c in re.findall(r"CHECK\((.*?)\)", bare(r[1]), re.I))
            info["partial"] = {bytes.fromhex(r[1]).decode("utf-8"):
                               re.split(r"WHERE", bare(r[2]), 1, re.I)[1].lower()
                               for r in rows if r[0] == "INDEX"
                               and re.search(r"WHERE", bare(r[2]), re.I)}
            schema[table] = info
        return schema

    def spec_sql(self, up_to: int = reader.SCHEMA_VERSION) -> str:
        """FORMAT.md's ```sql blocks of schema versions 1 to `up_to`, run in
        order as the upgrades would. Version 5 drops version 3's `search`
        and version 4's `search_vocab`: when its block does not say so with
        DROP statements of its own, they are dropped here before it."""
        return self.spec_sql_of(up_to)

    @classmethod
    def spec_sql_of(cls, up_to: int) -> str:
        parts = []
        for version in range(1, up_to + 1):
            block = cls.format_md_schema(version)
            if version == 5 and not re.search(r"\bDROP\s+TABLE\b", block, re.I):
                parts.append(f"DROP TABLE {reader.VOCAB_TABLE};\nDROP TABLE {reader.FTS_TABLE};\n")
            parts.append(block)
        return "".join(parts)

    def spec_schema(self) -> dict:
        """schema_of() a database made from FORMAT.md's ```sql blocks (versions
        1, 2 and 3: journal, checklists, search index)."""
        data = self.ws.path(f"spec-schema-{os.getpid()}-{len(os.listdir(self.ws.root))}")
        key = os.urandom(32)
        vaults.sqlcipher_write(data, key, self.spec_sql())
        return self.schema_of(data, key)

    def assertIndexAsSpecified(self, opened):
        """The search index holds one row per record, docid = rowid * 4 +
        kind, with the terms FORMAT.md's rules give for the record's text."""
        stored, expected = opened.search_index(), opened.expected_search_index()
        self.assertTrue(expected, "the vault has records")
        self.assertEqual(sorted(stored), sorted(expected), "one index row per record")
        for docid in sorted(expected):
            with self.subTest(docid=docid):
                self.assertEqual(stored[docid], expected[docid])

    def assertPostingsAsSpecified(self, opened, pending=None):
        """The postings index checks out against search_docs; `pending`
        records are waiting for their postings, if given."""
        summary = opened.check_search_postings()
        self.assertEqual(summary["docs"], len(opened.expected_search_index()))
        if pending is not None:
            self.assertEqual(summary["pending"], pending)
        return summary

    def test_folio_creates_the_schema_format_md_gives(self):
        key = reader.open_vault(self.source, "source passphrase").database_key
        self.assertEqual(self.schema_of(os.path.join(self.source, "data"), key),
                         self.spec_schema())

    def test_folio_reads_checklists_written_from_format_md_alone(self):
        """A version-2 vault written by hand from FORMAT.md: a checklist with
        an item in a state folio does not know (FORMAT.md: "a reader must
        keep and show a state it does not know"), an attachment in two
        chunks, a linked entry and a saved template. folio upgrades it to
        version 5 and indexes every record."""
        import example
        content = os.urandom(MiB + 5)
        digest = blake2b_256(content)
        sql = self.spec_sql(2) + f"""
PRAGMA user_version = 2;
INSERT INTO entries VALUES (1, 'k7m2x9qa', '2026-03-01T08:30:00Z', '2026-03-01T08:30:00Z',
                            '申请', 'Linked by hand.');
INSERT INTO checklists VALUES (1, 'c4v8n2pq', '手写清单 by hand', NULL, '2026-10-01',
                               '2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z');
INSERT INTO items VALUES
  (1, 'a1b2c3d4', 1, 1, 'Passport 护照', 'done', '2026-04-01', '2036-04-01', 'renewed',
   '2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z'),
  (2, 'e5f6g7h8', 1, 2, 'Visa', 'n/a', NULL, NULL, NULL,
   '2026-03-01T08:00:01Z', '2026-03-01T08:00:01Z'),
  (3, 'j9k8m7n6', 1, 3, 'Apostille 海牙认证', 'apostilled', NULL, NULL, NULL,
   '2026-03-01T08:00:02Z', '2026-03-01T08:00:02Z'),
  (4, 'p5q4r3s2', 1, 4, 'Photos', 'needed', '2026-05-01', NULL, '',
   '2026-03-01T08:00:03Z', '2026-03-01T08:00:03Z');
INSERT INTO attachments VALUES (1, 'm9n8p7q6', 1, '扫描 scan.pdf', 'application/pdf',
                                {len(content)}, '{digest}', '2026-03-02T08:00:00Z');
INSERT INTO attachment_chunks VALUES (1, 1, 0, X'{content[:MiB].hex()}'),
                                     (2, 1, 1, X'{content[MiB:].hex()}');
INSERT INTO entry_items VALUES (1, 1);
INSERT INTO templates VALUES (1, '手写模板', '2026-03-01T08:00:00Z');
INSERT INTO template_items VALUES (1, 1, 'Passport 护照'), (1, 2, 'Visa');
"""
        vault = self.vault_from_the_spec("checklists-from-the-spec", sql)
        opened = reader.open_vault(vault, example.PASSPHRASE)
        pass_file = self.ws.secret_file(example.PASSPHRASE)
        folio = lambda *a: self.ws.run_json(vault, pass_file, list(a))  # noqa: E731

        checklist = opened.checklist("c4v8n2pq")
        self.assertEqual((checklist["done"], checklist["applicable"], checklist["items"]),
                         (1, 3, 4))
        self.assertEqual([i["state"] for i in checklist["item_list"]],
                         ["done", "n/a", "apostilled", "needed"])
        self.assertEqual(folio("checklist", "show", "c4v8n2pq", "--json"), checklist)
        for item in checklist["item_list"]:
            with self.subTest(item=item["id"]):
                shown = folio("item", "show", item["id"], "--json")
                mine = opened.item(item["id"])
                self.assertEqual([e["id"] for e in shown.pop("entries")],
                                 [e["id"] for e in mine.pop("entries")])
                self.assertEqual(shown, mine)
        self.assertEqual(folio("attachments", "a1b2c3d4", "--json"), opened.attachments())
        out = self.ws.path("extracted-from-the-spec-vault")
        self.ws.run(vault, pass_file, ["extract", "m9n8p7q6", "-o", out])
        self.assertTrue(file_bytes(out) == content)
        self.assertTrue(opened.read_attachment("m9n8p7q6") == content)
        # Only the fields the database holds (template list also prints others,
        # such as a built-in's Chinese alias).
        saved = [{k: t[k] for k in ("builtin", "name", "items")}
                 for t in folio("template", "list", "--json") if not t["builtin"]]
        self.assertEqual(saved, [{"builtin": False, "name": "手写模板",
                                  "items": ["Passport 护照", "Visa"]}])
        self.assertEqual(opened.links(), [{"entry": "k7m2x9qa", "item": "a1b2c3d4"}])
        # folio opened it read-write and upgraded it to version 5.
        info = opened.info()
        self.assertEqual((info.user_version, info.integrity), (5, "ok"))
        self.assertPostingsAsSpecified(opened, pending=0)
        self.assertEqual(self.schema_of(opened.data_path, opened.database_key),
                         self.spec_schema(), "the upgraded schema is FORMAT.md's")
        self.assertIndexAsSpecified(opened)
        for query, kind, record in (("海牙认证", "item", "j9k8m7n6"),
                                    ("手写清单", "checklist", "c4v8n2pq"),
                                    ("扫描", "attachment", "m9n8p7q6"),
                                    ("renewed", "item", "a1b2c3d4"),
                                    ("linked", "entry", "k7m2x9qa")):
            with self.subTest(query=query):
                found = folio("search", query, "--json")
                self.assertEqual([(h["kind"], h["id"]) for h in found], [(kind, record)])

    def indexed_vault_from_the_spec(self, name: str, version: int, records: str):
        """A version-3 or 4 vault written by hand from FORMAT.md: its blocks 1
        to `version`, the `records` (SQL), and one FTS4 row per record with
        the terms the reader's rules give (count terms in version 4).
        Returns (vault, data path, database key)."""
        import example
        vault = self.vault_from_the_spec(name, self.spec_sql_of(version)
                                         + f"PRAGMA user_version = {version};\n" + records)
        data, key = os.path.join(vault, "data"), reader.database_key(example.DEK)
        fts = "".join(f"INSERT INTO search (docid, terms) VALUES ({docid}, "
                      f"CAST(X'{terms.encode('utf-8').hex()}' AS TEXT));\n"
                      for docid, terms in reader.expected_search_index(data, key).items())
        vaults.sqlcipher_write(data, key, "BEGIN;\n" + fts + "COMMIT;\n")
        return vault, data, key

    def test_folio_upgrades_version_3_and_4_vaults_written_from_format_md_alone(self):
        """FTS4 rows (with count terms in version 4) as FORMAT.md says.
        folio upgrades to version 5: the FTS4 tables are dropped, search_docs
        holds version 3's terms, and every posting is written at once."""
        import example
        stamp = "'2026-03-01T08:30:00Z'"
        records = f"""
INSERT INTO entries VALUES (1, 'k7m2x9qa', {stamp}, {stamp}, '签证 签证', 'visa visa visa 签证');
INSERT INTO entries VALUES (2, 'z3p8c4wd', {stamp}, {stamp}, NULL, 'the visa, once');
INSERT INTO checklists VALUES (1, 'c4v8n2pq', '手写清单 by hand', NULL, NULL, {stamp}, {stamp});
INSERT INTO items VALUES (1, 'a1b2c3d4', 1, 1, 'Passport 护照', 'needed', NULL, NULL,
  'copy copy', {stamp}, {stamp});
"""
        for version in (3, 4):
            with self.subTest(version=version):
                vault, data, key = self.indexed_vault_from_the_spec(
                    f"version-{version}-from-the-spec", version, records)
                opened = reader.open_vault(vault, example.PASSPHRASE)
                self.assertEqual(opened.info().user_version, version)
                db = reader.Database(data, key)
                self.assertEqual((db.has_fts_index, db.has_search_vocab, db.has_postings,
                                  db.has_count_terms), (True, version == 4, False, version == 4))
                self.assertEqual(db.search_tables(), ([], []), "the tables of its version")
                self.assertEqual(opened.check_search_postings(),
                                 {"schema_version": version, "postings": None})
                self.assertEqual("·visa·z6" in opened.search_index()[4], version == 4,
                                 "version 4's count terms, and only version 4's")
                pass_file = self.ws.secret_file(example.PASSPHRASE)
                found = self.ws.run_json(vault, pass_file, ["search", "visa", "--json"])
                self.assertEqual(sorted(h["id"] for h in found), ["k7m2x9qa", "z3p8c4wd"])
                info = opened.info()
                self.assertEqual((info.user_version, info.integrity), (5, "ok"))
                self.assertIndexAsSpecified(opened)
                self.assertNotIn(reader.COUNT_MARK, " ".join(opened.search_index().values()))
                summary = self.assertPostingsAsSpecified(opened, pending=0)
                self.assertEqual(summary["docs"], 4)
                self.assertEqual(self.schema_of(data, key), self.spec_schema(),
                                 "the upgraded schema is FORMAT.md's")

    def test_the_upgrade_writes_the_postings_of_more_than_2048_records(self):
        """FORMAT.md: the upgrade writes "the postings of every 2,048 records
        together": 2,100 entries (Chinese and English, each with a word of
        its own and words all share) need two batches, and none is left
        pending."""
        import example
        count = 2100
        stamp = "'2026-03-01T08:30:00Z'"
        uids = set()
        rows = []
        rng = random.Random(5)
        while len(uids) < count:
            uids.add("".join(rng.choice(reader.ENTRY_ID_ALPHABET) for _ in range(8)))
        for i, uid in enumerate(sorted(uids), 1):
            body = (f"第{i}篇日记：申请留学签证 uniq{i} visa" if i % 2 else
                    f"Entry {i}, the visa office again and again uniq{i}")
            rows.append(f"({i}, '{uid}', {stamp}, {stamp}, NULL, "
                        f"CAST(X'{body.encode('utf-8').hex()}' AS TEXT))")
        vault, data, key = self.indexed_vault_from_the_spec(
            "many-from-the-spec", 4, "INSERT INTO entries VALUES\n" + ",\n".join(rows) + ";\n")
        pass_file = self.ws.secret_file(example.PASSPHRASE)
        found = self.ws.run_json(vault, pass_file, ["search", f"uniq{count}", "--json"])
        self.assertEqual(len(found), 1)
        opened = reader.open_vault(vault, example.PASSPHRASE)
        self.assertEqual(opened.info().user_version, 5)
        summary = self.assertPostingsAsSpecified(opened, pending=0)
        self.assertEqual((summary["docs"], summary["stats_docs"]), (count, count))
        _, terms, _, _, _ = opened.postings_index()
        docs = {t.term: t.docs for t in terms}
        self.assertEqual((docs["visa"], docs["uniq1"], docs["uniq2100"]), (count, 1, 1))
        self.assertIndexAsSpecified(opened)

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
