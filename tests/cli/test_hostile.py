#!/usr/bin/python3
"""Hostile text and names (issue 14): a backup written by hand, as someone who
wants to harm the user would write it, with attachment names that climb out
of the folder (`../`, absolute paths), line breaks, NULs, controls and bidi
overrides, and bodies, titles and names holding terminal escape sequences
(OSC 0 window title, CSI 2J, OSC 52 clipboard write, BEL, C1 CSI), bidi
controls and zero-width characters.

It must import (names cleaned, not the whole backup refused); `extract` must
write nothing outside the current folder; no printing command may hand the
terminal a raw ESC, BEL, C1 control or bidi/zero-width character, while
`--json` keeps the exact text. And the size limits of folio/limits.h hold
where text enters: standard input, the library, import, export."""

import base64
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

from folio_test import CHEAP_KDF, PASSPHRASE, FolioTestCase, Result, main, need_sqlcipher, run_sql

MIB = 1 << 20
MAX_TEXT = 8 * MIB

ESC, BEL = "\x1b", "\x07"
OSC0 = ESC + "]0;pwned title" + BEL
CLEAR = ESC + "[2J" + ESC + "[H"
OSC52 = ESC + "]52;c;cm0gLXJmIH4vCg==" + BEL  # "rm -rf ~/" into the clipboard
C1_CSI = "\u009b2J"
RLO = "\u202egnp.exe\u202c"
ISOLATE = "\u2066x\u2069"
ZERO_WIDTH = "a\u200bb\u200fc\u2060d\ufeff"

TITLE = "签证 " + OSC0 + C1_CSI + RLO + ZERO_WIDTH
BODY = ("第一行 签证 visa " + CLEAR + OSC52 + BEL + "\n"
        "second line " + C1_CSI + ISOLATE + " tab\there\n")
TAG = "签证\u202e"
CHECKLIST = "清单 " + OSC0 + RLO
DESCRIPTION = "description " + CLEAR + "\nline two " + ZERO_WIDTH
ITEM_TITLE = "护照 " + OSC52 + C1_CSI
STATE = "sent" + ESC + "[5m"  # a state "a later folio" wrote
NOTES = "notes " + OSC0 + "\nline two " + RLO
TEMPLATE = "模板 " + OSC0
TEMPLATE_ITEM = "step " + CLEAR + RLO
MEDIA_TYPE = "text/plain" + C1_CSI

# What must never reach the terminal as it is (UTF-8 bytes).
FORBIDDEN = [b"\x1b", b"\x07"] + [bytes([0xc2, c]) for c in range(0x80, 0xa0)] + [
    chr(cp).encode("utf-8") for cp in
    list(range(0x202a, 0x202f)) + list(range(0x2066, 0x206a)) + list(range(0x200b, 0x2010))
    + [0x2060, 0xfeff, 0x2028, 0x2029]]

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def fake_id(n: int) -> str:
    return "zz" + "".join(ALPHABET[(n * 7 + k) % len(ALPHABET)] for k in range(6))


def utc(dt: datetime.datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class Payload:
    """A backup payload written record by record, as docs/FORMAT.md says."""

    def __init__(self):
        self.lines: List[dict] = [{"format": "folio-backup", "version": 1, "folio": "9.9.9",
                                   "created": "2026-11-23T13:05:00Z"}]
        self.counts = {k: 0 for k in ("entries", "checklists", "items", "links", "templates",
                                      "attachments", "chunks")}
        self.n = 0
        self.now = utc(datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0))

    def new_id(self) -> str:
        self.n += 1
        return fake_id(self.n)

    def entry(self, body: str, title: Optional[str] = None, tags=()) -> str:
        i = self.new_id()
        self.lines.append({"type": "entry", "id": i, "created": self.now, "updated": self.now,
                           "title": title, "tags": sorted(tags), "body": body})
        self.counts["entries"] += 1
        return i

    def checklist(self, name: str, description: Optional[str] = None) -> str:
        i = self.new_id()
        self.lines.append({"type": "checklist", "id": i, "name": name, "description": description,
                           "target": None, "created": self.now, "updated": self.now})
        self.counts["checklists"] += 1
        return i

    def item(self, checklist: str, position: int, title: str, state="needed", due=None,
             expires=None, notes=None) -> str:
        i = self.new_id()
        self.lines.append({"type": "item", "id": i, "checklist": checklist, "position": position,
                           "title": title, "state": state, "due": due, "expires": expires,
                           "notes": notes, "created": self.now, "updated": self.now})
        self.counts["items"] += 1
        return i

    def link(self, entry: str, item: str):
        self.lines.append({"type": "link", "entry": entry, "item": item})
        self.counts["links"] += 1

    def template(self, name: str, items: List[str]):
        self.lines.append({"type": "template", "name": name, "created": self.now, "items": items})
        self.counts["templates"] += 1

    def attachment(self, item: str, name: str, data: bytes, media_type="text/plain") -> str:
        i = self.new_id()
        self.lines.append({"type": "attachment", "id": i, "item": item, "name": name,
                           "media_type": media_type, "size": len(data),
                           "blake2b": hashlib.blake2b(data, digest_size=32).hexdigest(),
                           "created": self.now, "chunks": 1 if data else 0})
        if data:
            self.lines.append({"type": "chunk", "attachment": i, "seq": 0,
                               "data": base64.b64encode(data).decode("ascii")})
            self.counts["chunks"] += 1
        self.counts["attachments"] += 1
        return i

    def bytes(self) -> bytes:
        end = dict({"type": "end"}, **self.counts)
        # ensure_ascii: a NUL or a raw control goes in as \\u0000, as JSON must.
        return "".join(json.dumps(line, ensure_ascii=True) + "\n"
                       for line in self.lines + [end]).encode("ascii")


class HostileTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def write_payload(self, payload: Payload, name="crafted.jsonl") -> Path:
        path = self.tmp / name
        path.write_bytes(payload.bytes())
        return path

    def run_in(self, cwd: Path, *args, **kw):
        """folio with `cwd` as its current folder (FolioTestCase.folio uses self.tmp)."""
        argv = [str(a) for a in self.argv(args)]
        p = subprocess.run(argv, cwd=cwd, capture_output=True, env=self.env(), timeout=60,
                           stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        return Result(argv, p.returncode, p.stdout, p.stderr)

    def assertTerminalSafe(self, output: bytes, what: str):
        for bad in FORBIDDEN:
            self.assertNotIn(bad, output, f"{what}: {bad!r} reached the terminal: {output!r}")

    def pty_output(self, *args, rc=0) -> bytes:
        r = self.folio_pty(*args)
        self.assertEqual(r.rc, rc, r.describe())
        self.assertTerminalSafe(r.output_bytes, " ".join(map(str, args)))
        return r.output_bytes


class CraftedBackupTest(HostileTestCase):
    """One crafted backup, imported, then every command that prints it."""

    # Name in the backup: the name import stores and extract writes. (A
    # folio before issue 14 imported all of these as they are; names that
    # made it refuse the whole backup are in BadNameImportTest.)
    NAMES = {
        "../../escape-rel.txt": "escape-rel.txt",
        "ctl" + OSC0 + ".txt": "ctl_]0;pwned title_.txt",
        "\u202etxt.exe": "_txt.exe",
        ".bashrc": "_bashrc",
        "..": "_.",
        "签证扫描.pdf": "签证扫描.pdf",
    }

    def setUp(self):
        super().setUp()
        self.abs_target = self.tmp / "abs-target.txt"
        self.abs_target.write_bytes(b"keep me\n")
        self.names = dict(self.NAMES)
        self.names[str(self.abs_target)] = "abs-target.txt"
        p = Payload()
        soon = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
        later = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
        self.entry = p.entry(BODY, TITLE, [TAG, "visa"])
        self.checklist = p.checklist(CHECKLIST, DESCRIPTION)
        self.item = p.item(self.checklist, 1, ITEM_TITLE, STATE, due=soon, expires=later, notes=NOTES)
        p.link(self.entry, self.item)
        p.template(TEMPLATE, [TEMPLATE_ITEM, "plain step"])
        self.attachments: Dict[str, str] = {}  # id -> name in the backup
        self.contents: Dict[str, bytes] = {}
        for k, name in enumerate(self.names):
            data = f"content {k} of {name!r}\n".encode("utf-8")
            media = MEDIA_TYPE if k == 0 else "text/plain"
            a = p.attachment(self.item, name, data, media)
            self.attachments[a] = name
            self.contents[a] = data
        self.payload = self.write_payload(p)
        self.report = self.json_of("import", "--plaintext", self.payload, "--json")

    def test_the_backup_imports_with_every_bad_name_cleaned_and_reported(self):
        self.assertEqual(self.report["added"]["attachments"], len(self.names))
        renamed = {r["id"]: r for r in self.report["renamed"]}
        for a, name in self.attachments.items():
            expected = self.names[name]
            with self.subTest(name=name):
                if expected == name:
                    self.assertNotIn(a, renamed)
                else:
                    self.assertEqual((renamed[a]["name"], renamed[a]["stored_as"]), (name, expected))
        stored = {f["id"]: f["name"] for f in self.json_of("attachments", self.item, "--json")}
        self.assertEqual(stored, {a: self.names[n] for a, n in self.attachments.items()})

    def test_importing_the_crafted_backup_again_changes_nothing(self):
        again = self.json_of("import", "--plaintext", self.payload, "--json")
        for kind in ("entries", "checklists", "items", "links", "templates", "attachments"):
            self.assertEqual(again["added"][kind], 0, again)
        self.assertEqual(again["conflicts"], [])

    def test_extract_writes_nothing_outside_the_current_folder(self):
        parent = self.tmp / "outside"
        work = parent / "deeper" / "work"
        work.mkdir(parents=True)
        # Files where the names point: they must keep their bytes.
        (parent / "escape-rel.txt").write_bytes(b"keep me\n")
        (self.home / ".bashrc").write_bytes(b"keep me\n")
        before_parent = self.snapshot(parent)
        before_abs = self.abs_target.read_bytes(), self.abs_target.stat().st_mtime_ns
        # Once, once more (each file is there: exit 7), then with --force.
        for force, rc in (((), 0), ((), 7), (("--force",), 0)):
            for a, name in self.attachments.items():
                with self.subTest(name=name, force=force, rc=rc):
                    r = self.run_in(work, "extract", a, *force)
                    if rc == 7:
                        self.assertFails(r, 7)
                        continue
                    self.assertOk(r)
                    self.assertEqual(r.out.strip(), self.names[name])
                    self.assertEqual((work / self.names[name]).read_bytes(), self.contents[a])
        self.assertEqual(sorted(os.listdir(work)), sorted(self.names.values()))
        after_parent = self.snapshot(parent)
        self.assertEqual({k: v for k, v in after_parent.items() if not k.startswith("deeper")},
                         {k: v for k, v in before_parent.items() if not k.startswith("deeper")},
                         "nothing written above the current folder")
        self.assertEqual((self.abs_target.read_bytes(), self.abs_target.stat().st_mtime_ns),
                         before_abs, "the absolute path is untouched")
        self.assertEqual((self.home / ".bashrc").read_bytes(), b"keep me\n")

    def test_extract_into_a_folder_uses_the_plain_name(self):
        into = self.tmp / "into"
        into.mkdir()
        for a, name in self.attachments.items():
            r = self.folio("extract", a, "-o", into)
            self.assertOk(r)
        self.assertEqual(sorted(os.listdir(into)), sorted(self.names.values()))

    def test_an_explicit_output_path_is_used_as_given(self):
        a = next(a for a, n in self.attachments.items() if n.startswith("../"))
        target = self.tmp / "chosen" / "by the user.txt"
        target.parent.mkdir()
        self.assertOk(self.folio("extract", a, "-o", target))
        self.assertEqual(target.read_bytes(), self.contents[a])

    def test_every_printing_command_gives_the_terminal_only_safe_text(self):
        out = {
            "list": self.pty_output("list"),
            "show": self.pty_output("show", self.entry),
            "search": self.pty_output("search", "签证"),
            "search-en": self.pty_output("search", "visa"),
            "due": self.pty_output("due", "--within", "30d"),
            "checklist list": self.pty_output("checklist", "list"),
            "checklist show": self.pty_output("checklist", "show", self.checklist),
            "item show": self.pty_output("item", "show", self.item),
            "attachments": self.pty_output("attachments", self.item),
            "tags": self.pty_output("tags"),
            "template list": self.pty_output("template", "list"),
            "import": self.pty_output("import", "--plaintext", self.payload, "--dry-run"),
            "markdown": self.pty_output("export", "--plaintext", "--format", "markdown"),
            "payload": self.pty_output("export", "--plaintext", "--format", "json"),
        }
        # What was written out is still there to read, and Chinese stays.
        self.assertIn(b"\\x1b]0;pwned title\\x07", out["show"])
        self.assertIn(b"\\u202egnp.exe\\u202c", out["show"])
        self.assertIn("第一行 签证".encode(), out["show"])
        self.assertIn(b"\\u009b2J", out["show"])
        self.assertIn(b"\\x1b]0;pw", out["list"])
        self.assertIn("清单".encode(), out["checklist list"])
        self.assertIn(b"\\x1b]0;pwned title\\x07", out["search"])
        self.assertIn("护照".encode(), out["due"])
        self.assertIn(b"ctl_]0;pwned title_.txt", out["attachments"])
        self.assertIn(b"#\xe7\xad\xbe\xe8\xaf\x81\\u202e", out["tags"])
        # A body keeps its line breaks and tabs on show.
        self.assertIn(b"tab\there", out["show"])
        self.assertIn(b"\\x1b[2J", out["markdown"])
        # The payload on a terminal is still the same JSON, record for record.
        lines = [line for line in out["payload"].decode().split("\r\n")
                 if line.startswith("{")]
        entry = next(json.loads(line) for line in lines if '"entry"' in line)
        self.assertEqual((entry["title"], entry["body"]), (TITLE, BODY))

    def test_columns_are_measured_on_what_is_shown(self):
        import unicodedata

        def width(text: str) -> int:
            return sum(0 if unicodedata.combining(ch) else
                       2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

        r = self.folio("attachments", self.item)
        self.assertOk(r)
        starts = {width(line[:line.index("text/plain")]) for line in r.out.splitlines()}
        self.assertEqual(len(starts), 1, "the media type column lines up" + r.describe())
        self.assertIn("签证扫描.pdf", r.out)

    def test_an_error_that_echoes_a_name_or_an_id_is_safe(self):
        for args in (("show", OSC0 + "abcd"),
                     ("checklist", "show", CHECKLIST + "x"),
                     ("item", "add", OSC52 + RLO, "title"),
                     ("attachments", ITEM_TITLE + ":1")):
            with self.subTest(args=args):
                r = self.folio_pty(*args)
                self.assertIn(r.rc, (2, 3), r.describe())
                self.assertIn(b"folio: error:", r.output_bytes)
                self.assertTerminalSafe(r.output_bytes, " ".join(args))
        # Without a terminal too: every line stays one "folio: ..." line.
        r = self.folio("checklist", "show", "no\nsuch" + OSC0)
        self.assertFails(r, 3)
        self.assertIn("no\\nsuch\\x1b]0;", r.err)

    def test_json_keeps_the_exact_text_and_is_safe_on_a_terminal(self):
        shown = self.show_json(self.entry)
        self.assertEqual((shown["title"], shown["body"]), (TITLE, BODY))
        self.assertEqual(sorted(shown["tags"]), sorted([TAG, "visa"]))
        [row] = self.list_json()
        self.assertEqual(row["title"], TITLE)
        c = self.checklist_json(self.checklist)
        self.assertEqual((c["name"], c["description"]), (CHECKLIST, DESCRIPTION))
        i = self.item_json(self.item)
        self.assertEqual((i["title"], i["state"], i["notes"]), (ITEM_TITLE, STATE, NOTES))
        self.assertIn(MEDIA_TYPE, [f["media_type"] for f in i["attachment_list"]])
        tags = self.json_of("tags", "--json")
        self.assertIn(TAG, [t["name"] for t in tags])
        hits = self.json_of("search", "签证", "--json")
        self.assertIn(TITLE, [h["title"] for h in hits])
        r = self.folio("show", self.entry, "--json")
        self.assertTerminalSafe(r.out_bytes, "show --json, piped")
        # The same JSON on a terminal: escapes inside strings, same value.
        r = self.folio_pty("show", self.entry, "--json")
        self.assertOk(r)
        self.assertTerminalSafe(r.output_bytes, "show --json")
        self.assertEqual(json.loads(r.output_bytes.decode("utf-8").replace("\r\n", "\n"))["body"], BODY)


class BadNameImportTest(HostileTestCase):
    """Names that made a folio before issue 14 refuse a whole backup."""

    def test_a_backup_with_a_line_break_or_a_nul_in_a_name_imports_with_the_name_cleaned(self):
        p = Payload()
        c = p.checklist("Visa")
        i = p.item(c, 1, "Scans")
        names = {"line\nbreak.txt": "line_break.txt", "cr\r.txt": "cr_.txt",
                 "nul\u0000byte.txt": "nul_byte.txt", "": "attachment",
                 "x" * 300 + ".pdf": "x" * 251 + ".pdf"}
        ids = {p.attachment(i, name, name.encode("utf-8") + b"!"): name for name in names}
        e = p.entry("kept too")
        path = self.write_payload(p)
        report = self.json_of("import", "--plaintext", path, "--json")
        self.assertEqual(report["added"]["attachments"], len(names))
        self.assertEqual(report["added"]["entries"], 1)
        self.assertEqual({r["id"]: (r["name"], r["stored_as"]) for r in report["renamed"]},
                         {a: (n, names[n]) for a, n in ids.items()})
        stored = {f["id"]: f["name"] for f in self.json_of("attachments", i, "--json")}
        self.assertEqual(stored, {a: names[n] for a, n in ids.items()})
        self.assertEqual(self.show_json(e)["body"], "kept too")
        r = self.folio_pty("import", "--plaintext", path, "--dry-run")
        self.assertOk(r)
        self.assertIn(b"line\\nbreak.txt", r.output_bytes)
        self.assertTerminalSafe(r.output_bytes, "import report")


    def test_restore_of_such_a_backup_says_which_names_it_cleaned(self):
        if shutil.which("age") is None:
            self.skipTest("the age package is not installed")
        p = Payload()
        c = p.checklist("Visa")
        i = p.item(c, 1, "Scans")
        a = p.attachment(i, "../../line\nbreak\u202e.txt", b"scan")
        key = self.tmp / "key.txt"
        r = self.folio("keygen", "-o", key)
        self.assertOk(r)
        recipient = re.search(r"age1[0-9a-z]+", r.err).group(0)
        backup = self.tmp / "crafted.age"
        subprocess.run(["age", "-r", recipient, "-o", str(backup), str(self.write_payload(p))],
                       check=True, timeout=60)
        restored = self.tmp / "restored"
        r = self.folio_pty("restore", backup, "--to", restored, "-i", key, *CHEAP_KDF, "--allow-weak")
        self.assertOk(r)
        self.assertTerminalSafe(r.output_bytes, "restore")
        self.assertIn(f'attachment {a} "../../line\\nbreak\\u202e.txt" is stored as "line_break_.txt"'
                      .encode(), r.output_bytes)
        [b] = self.json_of("attachments", i, "--json", vault=restored)
        self.assertEqual(b["name"], "line_break_.txt")


class NewlineNameTest(HostileTestCase):

    def test_a_file_name_with_a_newline_is_cleaned_and_its_backup_restores(self):
        if shutil.which("age") is None:
            self.skipTest("the age package is not installed")
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Scan")
        path = self.tmp / "scan\n2026\u202e.pdf"
        path.write_bytes(b"%PDF-1.4 scan")
        r = self.folio("attach", "Visa:1", path)
        self.assertOk(r)
        self.assertIn("scan_2026_.pdf", r.err)
        for line in r.err.splitlines():
            self.assertTrue(line.startswith("folio: "), r.describe())
        [a] = self.json_of("attachments", "Visa:1", "--json")
        self.assertEqual(a["name"], "scan_2026_.pdf")
        key = self.tmp / "key.txt"
        r = self.folio("keygen", "-o", key)
        self.assertOk(r)
        recipient = re.search(r"age1[0-9a-z]+", r.err).group(0)
        backup = self.tmp / "b.age"
        self.assertOk(self.folio("export", "-r", recipient, backup))
        restored = self.tmp / "restored"
        self.assertOk(self.folio("restore", backup, "--to", restored, "-i", key, *CHEAP_KDF,
                                 "--allow-weak"))
        [b] = self.json_of("attachments", "Visa:1", "--json", vault=restored)
        self.assertEqual((b["name"], b["blake2b"]), (a["name"], a["blake2b"]))
        report = self.json_of("import", "-i", key, backup, "--json")
        self.assertEqual(report["renamed"], [])
        self.assertEqual(report["unchanged"]["attachments"], 1)

    def test_a_name_stored_before_the_rule_is_exported_cleaned_and_extracted_cleaned(self):
        need_sqlcipher(self)
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Scan")
        (self.tmp / "scan.pdf").write_bytes(b"%PDF-1.4")
        a = self.new_id("attach", "Visa:1", self.tmp / "scan.pdf")
        run_sql(self.vault, PASSPHRASE,
                "UPDATE attachments SET name = '../up' || char(10) || 'x.pdf';")
        self.assertEqual(self.json_of("attachments", "Visa:1", "--json")[0]["name"], "../up\nx.pdf")
        payload = self.folio("export", "--plaintext", "--format", "json")
        self.assertOk(payload)
        records = [json.loads(line) for line in payload.out.splitlines()]
        [rec] = [r for r in records if r.get("type") == "attachment"]
        self.assertEqual(rec["name"], "up_x.pdf")
        path = self.tmp / "legacy.jsonl"
        path.write_bytes(payload.out_bytes)
        again = self.json_of("import", "--plaintext", path, "--json")
        self.assertEqual(again["unchanged"]["attachments"], 1, "the same attachment, not a conflict")
        self.assertEqual(again["conflicts"], [])
        work = self.tmp / "w"
        work.mkdir()
        r = self.run_in(work, "extract", a)
        self.assertOk(r)
        self.assertEqual(os.listdir(work), ["up_x.pdf"])


class SizeLimitTest(HostileTestCase):

    def test_a_body_over_8_mib_on_stdin_is_refused_with_a_clear_error(self):
        before = self.snapshot()
        r = self.folio("add", input=b"a" * (MAX_TEXT + 1))
        self.assertFails(r, 2, mentions=("8 MiB",))
        self.assertUnchanged(before, mtimes=False, same_size_only=("data",))
        self.assertEqual(self.ids(), [])

    def test_a_huge_pipe_is_refused_after_reading_just_past_the_limit(self):
        """The 118 MB body of the issue: folio stops reading at 8 MiB + 1."""
        argv = [str(a) for a in self.argv(["add"])]
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env(), cwd=self.tmp)
        sent = [0]

        def feed():
            block = b"x" * MIB
            try:
                for _ in range(118):
                    proc.stdin.write(block)
                    sent[0] += len(block)
                proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass

        writer = threading.Thread(target=feed)
        writer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        writer.join()
        err = proc.stderr.read().decode()
        proc.stdout.close()
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        self.assertEqual(proc.returncode, 2, err)
        self.assertIn("8 MiB", err)
        self.assertLess(sent[0], 118 * MIB, "folio stopped reading before the end")
        self.assertLess(usage.ru_maxrss, 100 * 1024, f"peak memory {usage.ru_maxrss} KiB")
        print(f"\n  118 MB on stdin: refused in {time.monotonic() - start:.2f} s, "
              f"peak RSS {usage.ru_maxrss / 1024:.1f} MiB, {sent[0] / MIB:.0f} MiB written")

    def test_a_body_of_exactly_8_mib_is_kept(self):
        body = ("签证" * (MAX_TEXT // 6)) + "a" * (MAX_TEXT % 6)
        self.assertEqual(len(body.encode()), MAX_TEXT)
        e = self.add(body.encode())
        self.assertEqual(self.show_json(e)["body"], body)

    def test_a_crafted_backup_with_an_oversized_text_is_refused_naming_it(self):
        for field in ("body", "notes", "description"):
            with self.subTest(field=field):
                p = Payload()
                big = "a" * (MAX_TEXT + 1)
                e = p.entry(big if field == "body" else "small")
                c = p.checklist("List", big if field == "description" else None)
                i = p.item(c, 1, "Item", notes=big if field == "notes" else None)
                path = self.write_payload(p, f"big-{field}.jsonl")
                before = self.snapshot()
                r = self.folio("import", "--plaintext", path)
                named = {"body": e, "notes": i, "description": c}[field]
                self.assertFails(r, 9, mentions=(named,))
                self.assertIn("8 MiB", r.err)
                self.assertIn("nothing was imported", r.err)
                self.assertUnchanged(before, mtimes=False, same_size_only=("data",))

    def test_export_refuses_a_body_stored_before_the_limit_naming_the_entry(self):
        need_sqlcipher(self)
        e = self.add("will grow")
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE entries SET body = hex(zeroblob({MAX_TEXT // 2 + 1})) WHERE uid = '{e}';")
        r = self.folio("export", "--plaintext", "--format", "json")
        self.assertFails(r, 2, mentions=(e,), stdout_empty=False)
        self.assertIn("no backup was written", r.err)
        out = self.tmp / "b.age"
        r = self.folio("export", "--backup-passphrase-file", self.pass_file, "--work-factor", "10", out)
        self.assertFails(r, 2, mentions=(e,))
        self.assertFalse(out.exists())
        # Its title can still change: the body is kept as it is.
        self.assertOk(self.folio("edit", e, "--title", "kept"))

    def test_notes_stored_before_the_limit_are_kept_through_other_changes(self):
        need_sqlcipher(self)
        self.new_id("checklist", "new", "Visa")
        item = self.new_id("item", "add", "Visa", "Scan", "--notes", "short")
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE items SET notes = hex(zeroblob({MAX_TEXT // 2 + 1})) WHERE uid = '{item}';")
        self.assertOk(self.folio("item", "set", item, "--state", "requested"))
        self.assertEqual(len(self.item_json(item)["notes"]), MAX_TEXT + 2, "the notes are kept")
        self.assertOk(self.folio("item", "set", item, "--notes", "shorter now"))
        self.assertEqual(self.item_json(item)["notes"], "shorter now")


if __name__ == "__main__":
    main()
