#!/usr/bin/python3
"""folio's own format vectors (tests/vectors/) read two ways: by the
independent reader (reader.py, written from FORMAT.md alone) and by
`folio vectors run`. Both must give every vector's `expect`, and the same keys.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/format/test_vectors.py
Skips when python3-nacl is missing; the folio half skips without FOLIO_BIN.
"""

import json
import os
import subprocess
import sys
import unittest
from typing import Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from vaults import nacl_missing  # noqa: E402

VECTORS = os.path.join(HERE, "..", "vectors")
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


def header_vectors() -> Dict[str, Tuple[Dict[str, str], bytes]]:
    folder = os.path.join(VECTORS, "header")
    out = {}
    for name in sorted(os.listdir(folder)):
        fields, body = parse_vector(os.path.join(folder, name))
        out[name] = (dict(fields), body)
    return out


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
        self.assertEqual(set(vectors), {n for n in results if n in vectors})
        for name, (fields, body) in vectors.items():
            with self.subTest(vector=name):
                got = results[name]
                self.assertEqual(got["got"], reader_outcome(fields, body)[0], got["note"])
                self.assertEqual(got["verdict"], "pass", got["note"])
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()
