#!/usr/bin/python3
"""folio's own format vectors (tests/vectors/) read two ways: by the
independent readers (reader.py for the vault header, written from FORMAT.md
alone; age_file.py for the backups, written from C2SP age.md) and by
`folio vectors run`. Both must give every vector's `expect`, the same keys
and the same payload hash. The real `age` tool, when installed, must decrypt
the backup vectors that succeed; age_file.py must itself pass the C2SP CCTV
age vectors it can run (skipped when ../shared is absent).

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/format/test_vectors.py
Skips when python3-nacl is missing; the folio half skips without FOLIO_BIN.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zlib
import sys
import unittest
from typing import Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from vaults import nacl_missing  # noqa: E402

VECTORS = os.path.join(HERE, "..", "vectors")
CCTV = os.path.join(HERE, "..", "..", "..", "shared", "vectors", "age-cctv")
GENERATOR = os.path.join(VECTORS, "generate.py")


def parse_vector(path: str) -> Tuple[List[Tuple[str, str]], bytes]:
    """CCTV layout: "key: value" lines, a blank line, the bytes."""
    with open(path, "rb") as f:
        data = f.read()
    head, sep, body = data.partition(b"\n\n")
    assert sep, f"{path}: no blank line"
    fields = []
    for line in head.decode("utf-8").split("\n"):
        key, colon, value = line.partition(": ")
        assert colon, f"{path}: {line!r}"
        fields.append((key, value))
    return fields, body


def vectors_in(sub: str) -> Dict[str, Tuple[Dict[str, str], bytes]]:
    folder = os.path.join(VECTORS, sub)
    out = {}
    for name in sorted(os.listdir(folder)):
        fields, body = parse_vector(os.path.join(folder, name))
        out[name] = (dict(fields), body)
    return out


def header_vectors() -> Dict[str, Tuple[Dict[str, str], bytes]]:
    return vectors_in("header")


def backup_outcome(fields: Dict[str, str], body: bytes) -> Tuple[str, str]:
    """What age_file.py makes of a backup vector: the outcome in the vectors'
    words and the SHA-256 of the plaintext released."""
    import age_file
    outcome, released = age_file.decrypt(body, age_file.parse_identity(fields["identity"]))
    if outcome == "success":
        first, newline, _ = released.partition(b"\n")
        try:
            head = json.loads(first) if newline and len(first) <= 4096 else None
        except ValueError:
            head = None
        if (not isinstance(head, dict) or head.get("format") != "folio-backup"
                or type(head.get("version")) is not int):
            outcome = "not a folio backup"
        elif head["version"] > 1:
            outcome = "unsupported version"
        elif not frame_adds_up(released):
            outcome = "payload damaged"
    return outcome, hashlib.sha256(released).hexdigest()


END_COUNTS = {"entries": "entry", "checklists": "checklist", "items": "item", "links": "link",
              "templates": "template", "attachments": "attachment", "chunks": "chunk"}


def frame_adds_up(payload: bytes) -> bool:
    """FORMAT.md, "Lines, in order": every line ends in LF and is a JSON object
    with a type; the last is "end", whose counts are the record lines of each
    type."""
    if not payload.endswith(b"\n"):
        return False
    records = []
    for line in payload.split(b"\n")[1:-1]:
        try:
            record = json.loads(line)
        except ValueError:
            return False
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            return False
        records.append(record)
    if not records or records[-1]["type"] != "end":
        return False
    end, body = records[-1], records[:-1]
    counted = {t: sum(1 for r in body if r["type"] == t) for t in END_COUNTS.values()}
    return (all(end.get(k) == counted[t] for k, t in END_COUNTS.items())
            and sum(counted.values()) == len(body))


def reader_outcome(fields: Dict[str, str], body: bytes) -> Tuple[str, List[str]]:
    """What reader.py makes of a header vector: the outcome in the vectors'
    words, and on success the vault key then the data keys (hex)."""
    import reader
    try:
        if "recovery code" in fields:
            secret, kind = reader.secret_for(fields["recovery code"], recovery=True)
        else:
            secret, kind = reader.secret_for(fields["passphrase"], recovery=False)
        vault_key, _ = reader.open_vault_key(body, secret, kind)
        data_keys = reader.open_data_keys(body, vault_key)
        if not data_keys:
            return "header failure", []
        return "success", [vault_key.hex()] + [dek.hex() for dek, _ in data_keys]
    except reader.WrongSecret:
        return "wrong passphrase", []
    except reader.NewerVersion:
        return "unsupported version", []
    except reader.Damaged:
        return "header failure", []


@unittest.skipIf(nacl_missing(), "python3-nacl is missing")
class TheIndependentReaderAgrees(unittest.TestCase):
    def test_the_checked_in_vectors_are_what_the_generator_writes(self):
        proc = subprocess.run([sys.executable, GENERATOR, "--check"], capture_output=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())

    def test_every_header_vector_gives_its_expected_outcome(self):
        vectors = header_vectors()
        self.assertGreaterEqual(len(vectors), 20)
        for name, (fields, body) in vectors.items():
            with self.subTest(vector=name):
                self.assertEqual(fields["format"], "folio-header-v1")
                outcome, keys = reader_outcome(fields, body)
                self.assertEqual(outcome, fields["expect"], fields.get("comment"))
                if outcome == "success":
                    self.assertEqual(keys[0], fields["vault key"])
                    self.assertIn(fields["data key"], keys[1:])

    def test_every_outcome_and_field_of_a_slot_is_covered(self):
        vectors = header_vectors()
        outcomes = {fields["expect"] for fields, _ in vectors.values()}
        self.assertEqual(outcomes, {"success", "wrong passphrase", "header failure",
                                    "unsupported version"})
        for field in ("salt", "check", "version", "kind", "kdf", "ops", "memory", "reserved",
                      "nonce", "wrapped_key", "tag"):
            self.assertIn(f"flipped_{field}", vectors)


@unittest.skipIf(nacl_missing(), "python3-nacl is missing")
class TheIndependentAgeReaderAgrees(unittest.TestCase):
    def test_every_backup_vector_gives_its_outcome_and_payload_hash(self):
        vectors = vectors_in("backup")
        self.assertGreaterEqual(len(vectors), 15)
        for name, (fields, body) in vectors.items():
            with self.subTest(vector=name):
                self.assertEqual(fields["format"], "folio-backup-v1")
                self.assertEqual(backup_outcome(fields, body), (fields["expect"], fields["payload"]),
                                 fields.get("comment"))

    @unittest.skipIf(shutil.which("age") is None, "the age tool is not installed")
    def test_the_age_tool_decrypts_every_backup_that_succeeds(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, (fields, body) in vectors_in("backup").items():
                if fields["expect"] not in ("success", "not a folio backup", "unsupported version"):
                    continue
                with self.subTest(vector=name):
                    key = os.path.join(tmp, "key")
                    with open(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                        f.write(fields["identity"] + "\n")
                    proc = subprocess.run(["age", "-d", "-i", key], input=body, capture_output=True,
                                          timeout=60)
                    self.assertEqual(proc.returncode, 0, proc.stderr.decode())
                    self.assertEqual(hashlib.sha256(proc.stdout).hexdigest(), fields["payload"])

    def test_the_age_reader_passes_the_cctv_vectors_it_can_run(self):
        if not os.path.isdir(CCTV):
            self.skipTest(f"{CCTV} is absent")
        import age_file
        ran = 0
        for name in sorted(os.listdir(CCTV)):
            if name == "README.md":
                continue
            fields, body = parse_vector(os.path.join(CCTV, name))
            ids = [v for k, v in fields if k == "identity"]
            d = dict(fields)
            # age_file.py reads binary files with one X25519 identity only.
            if d.get("armored") == "yes" or "passphrase" in d or len(ids) != 1 \
                    or not ids[0].startswith("AGE-SECRET-KEY-1"):
                continue
            if d.get("compressed") == "zlib":
                body = zlib.decompress(body)
            with self.subTest(vector=name):
                outcome, released = age_file.decrypt(body, age_file.parse_identity(ids[0]))
                self.assertEqual(outcome, d["expect"])
                if "payload" in d:
                    self.assertEqual(hashlib.sha256(released).hexdigest(), d["payload"])
            ran += 1
        self.assertGreater(ran, 50)


@unittest.skipIf(nacl_missing(), "python3-nacl is missing")
@unittest.skipUnless(os.environ.get("FOLIO_BIN"), "FOLIO_BIN is not set")
class FolioAgreesWithTheReader(unittest.TestCase):
    def test_folio_gives_every_vector_the_readers_outcome(self):
        proc = subprocess.run([os.environ["FOLIO_BIN"], "vectors", "run", "--json", VECTORS],
                              capture_output=True, timeout=120)
        lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
        summary = lines[-1]["summary"]
        results = {os.path.basename(r["file"]): r for r in lines[:-1] if "tcId" in r}
        refused = [r for r in lines[:-1] if "refused" in r]
        self.assertEqual(refused, [])
        vectors = header_vectors()
        self.assertTrue(set(vectors) <= set(results))
        for name, (fields, body) in vectors.items():
            with self.subTest(vector=name):
                got = results[name]
                self.assertEqual(got["got"], reader_outcome(fields, body)[0], got["note"])
                self.assertEqual(got["verdict"], "pass", got["note"])
        for name, (fields, body) in vectors_in("backup").items():
            with self.subTest(vector=name):
                got = results[name]
                self.assertEqual(got["got"], backup_outcome(fields, body)[0], got["note"])
                self.assertEqual(got["verdict"], "pass", got["note"])
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()
