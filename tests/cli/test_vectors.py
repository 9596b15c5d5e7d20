#!/usr/bin/python3
"""folio selftest and folio vectors run, end to end.

The public vectors are read from ../shared/vectors (next to the repository);
those tests skip when it is absent. folio's own vectors (tests/vectors/) are
always there. The altered known-answer table is tested in
tests/unit/vectors_test.cpp ("an altered known answer fails, by name"): the
shipped binary has no switch to alter it.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/cli/test_vectors.py
"""

import json
import os
import shutil
import time
import unittest
from pathlib import Path
from typing import Dict, List

from folio_test import SOURCE_DIR, FolioTestCase

SHARED = SOURCE_DIR.parent / "shared" / "vectors"
WYCHEPROOF = SHARED / "wycheproof"
CCTV = SHARED / "age-cctv"
OWN = SOURCE_DIR / "tests" / "vectors"
SUPPORTED = ["chacha20_poly1305_test.json", "xchacha20_poly1305_test.json",
             "hmac_sha256_test.json", "hmac_sha512_test.json", "hkdf_sha256_test.json",
             "x25519_test.json"]


def need_shared(test: unittest.TestCase, folder: Path) -> None:
    if not folder.is_dir():
        test.skipTest(f"{folder} is absent")


class SelfTest(FolioTestCase):
    def test_every_known_answer_passes_in_under_two_seconds(self):
        start = time.monotonic()
        r = self.folio("selftest", vault=None, passphrase_file=None)
        elapsed = time.monotonic() - start
        self.assertOk(r)
        # The promise is for a normal build; a sanitizer build is some times slower.
        self.assertLess(elapsed, 10.0 if os.environ.get("FOLIO_SANITIZED") == "1" else 2.0)
        for name in ("Argon2id", "XChaCha20-Poly1305", "ChaCha20-Poly1305", "HMAC-SHA256",
                     "HKDF-SHA256", "scrypt", "X25519", "BLAKE2b", "folio keyslot"):
            self.assertRegex(r.out, rf"(?m)^{name}\b.*\bpass$", r.describe())
        self.assertIn("libsodium 1.0.18", r.out)
        self.assertIn("SQLCipher", r.out)
        self.assertIn("RFC 9106", r.out)  # why not RFC 9106's Argon2id vector
        self.assertNotIn("FAIL", r.out)

    def test_json_lists_each_test_with_its_source_and_the_versions(self):
        r = self.folio("selftest", "--json", vault=None, passphrase_file=None)
        self.assertOk(r)
        report = json.loads(r.out)
        self.assertTrue(report["passed"])
        self.assertGreaterEqual(len(report["tests"]), 12)
        for t in report["tests"]:
            self.assertTrue(t["passed"], t)
            self.assertTrue(t["source"], t)
        self.assertEqual(report["libsodium"], "1.0.18")
        self.assertIn("3.4.1", report["sqlcipher"])


class WycheproofFiles(FolioTestCase):
    def run_json(self, *paths) -> (List[Dict], Dict, object):
        r = self.folio("vectors", "run", "--json", *map(str, paths), vault=None,
                       passphrase_file=None, timeout=120)
        lines = [json.loads(line) for line in r.out.splitlines()]
        self.assertIn("summary", lines[-1], r.describe())
        return lines[:-1], lines[-1]["summary"], r

    def test_every_valid_test_passes_and_every_invalid_one_is_rejected(self):
        need_shared(self, WYCHEPROOF)
        results, summary, r = self.run_json(*(WYCHEPROOF / f for f in SUPPORTED))
        self.assertOk(r)
        files = {Path(x["file"]).name for x in results}
        self.assertEqual(files, set(SUPPORTED))
        for x in results:
            with self.subTest(file=Path(x["file"]).name, tcId=x["tcId"]):
                self.assertEqual(set(x), {"file", "tcId", "expected", "got", "flags", "verdict",
                                          "note"})
                if x["expected"] in ("valid", "invalid"):
                    self.assertEqual(x["got"], x["expected"], x)
                    self.assertEqual(x["verdict"], "pass")
                else:
                    self.assertEqual((x["expected"], x["verdict"]), ("acceptable", "acceptable"))
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(summary["refused"], 0)
        wycheproof_count = sum(json.loads((WYCHEPROOF / f).read_text())["numberOfTests"]
                               for f in SUPPORTED)
        self.assertEqual(len(results), wycheproof_count)

    def test_x25519_zero_shared_secrets_are_listed_apart_by_flag(self):
        need_shared(self, WYCHEPROOF)
        r = self.folio("vectors", "run", "--quiet", str(WYCHEPROOF / "x25519_test.json"),
                       vault=None, passphrase_file=None)
        self.assertOk(r)
        self.assertRegex(r.out, r"(?m)^  ZeroSharedSecret: \d+ answered invalid \(libsodium "
                                r"refuses an all-zero X25519 shared secret\)")
        results, _, _ = self.run_json(WYCHEPROOF / "x25519_test.json")
        refused = [x for x in results if x["got"] == "invalid"]
        self.assertTrue(refused)
        for x in refused:
            self.assertEqual(x["expected"], "acceptable", x)
            self.assertIn("ZeroSharedSecret", x["flags"], x)

    def test_a_file_for_an_algorithm_folio_does_not_use_is_refused_not_passed(self):
        need_shared(self, WYCHEPROOF)
        results, summary, r = self.run_json(WYCHEPROOF / "ed25519_test.json")
        self.assertEqual(r.rc, 1, r.describe())
        self.assertEqual(summary["passed"], 0)
        self.assertEqual(summary["refused"], 1)
        self.assertEqual(len(results), 1)
        self.assertIn("EDDSA", results[0]["refused"])
        text = self.folio("vectors", "run", str(WYCHEPROOF / "ed25519_test.json"), vault=None,
                          passphrase_file=None)
        self.assertEqual(text.rc, 1)
        self.assertIn("refused (not run, not counted)", text.out)
        self.assertIn("not one folio uses", text.out)
        self.assertIn("folio: no test ran", text.err)

    def test_the_whole_folder_passes_with_ed25519_refused(self):
        need_shared(self, WYCHEPROOF)
        _, summary, r = self.run_json(WYCHEPROOF)
        self.assertOk(r)
        self.assertEqual((summary["failed"], summary["refused"]), (0, 1))

    def test_a_tampered_test_fails_and_is_named(self):
        need_shared(self, WYCHEPROOF)
        doc = json.loads((WYCHEPROOF / "hkdf_sha256_test.json").read_text())
        test = doc["testGroups"][0]["tests"][0]
        test["okm"] = ("00" if test["okm"][:2] != "00" else "11") + test["okm"][2:]
        tampered = self.tmp / "tampered.json"
        tampered.write_text(json.dumps(doc))
        results, summary, r = self.run_json(tampered)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertEqual(summary["failed"], 1)
        failed = [x for x in results if x["verdict"] == "fail"]
        self.assertEqual([x["tcId"] for x in failed], [str(test["tcId"])])
        text = self.folio("vectors", "run", "--quiet", str(tampered), vault=None, passphrase_file=None)
        self.assertRegex(text.out, rf"(?m)^FAIL  .*tampered\.json #{test['tcId']}  expected valid, "
                                   r"got invalid")


class AgeVectors(FolioTestCase):
    def test_every_cctv_vector_matches_and_post_quantum_ones_are_unsupported(self):
        need_shared(self, CCTV)
        r = self.folio("vectors", "run", "--json", str(CCTV), vault=None, passphrase_file=None,
                       timeout=120)
        self.assertOk(r)
        lines = [json.loads(line) for line in r.out.splitlines()]
        results = {Path(x["file"]).name: x for x in lines[:-1]}
        expected = {}
        for path in CCTV.iterdir():
            if path.name != "README.md":
                head = path.read_bytes().split(b"\n\n", 1)[0].decode()
                expected[path.name] = dict(line.split(": ", 1) for line in head.splitlines()
                                           if line.startswith(("expect", "identity")))
        self.assertEqual(set(results), set(expected))
        for name, x in results.items():
            with self.subTest(vector=name):
                if "AGE-SECRET-KEY-PQ" in Path(CCTV / name).read_bytes().split(b"\n\n", 1)[0].decode():
                    self.assertEqual(x["verdict"], "unsupported")
                else:
                    self.assertEqual((x["got"], x["verdict"]), (expected[name]["expect"], "pass"),
                                     x["note"])
        self.assertEqual(lines[-1]["summary"]["failed"], 0)
        outcomes = {x["got"] for x in results.values()}
        self.assertTrue({"success", "no match", "HMAC failure", "header failure",
                         "payload failure", "armor failure"} <= outcomes)

    def test_a_vector_with_a_wrong_payload_hash_fails(self):
        need_shared(self, CCTV)
        folder = self.tmp / "cctv"
        folder.mkdir()
        data = (CCTV / "x25519").read_bytes()
        head, body = data.split(b"\n\n", 1)
        lines = [b"payload: " + b"0" * 64 if line.startswith(b"payload: ") else line
                 for line in head.split(b"\n")]
        (folder / "x25519_wrong_hash").write_bytes(b"\n".join(lines) + b"\n\n" + body)
        shutil.copy(CCTV / "x25519", folder / "x25519")
        r = self.folio("vectors", "run", str(folder), vault=None, passphrase_file=None)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertRegex(r.out, r"(?m)^FAIL  .*x25519_wrong_hash  expected success, got success  "
                                r"\(payload SHA-256 ")
        self.assertRegex(r.out, r"(?m)^pass  .*/x25519  expected success")


class OwnVectors(FolioTestCase):
    def test_folios_header_vectors_all_pass(self):
        r = self.folio("vectors", "run", str(OWN), vault=None, passphrase_file=None, timeout=120)
        self.assertOk(r)
        self.assertRegex(r.out, r"(?m)^\d+ passed, 0 failed, 0 acceptable, 0 unsupported; "
                                r"\d+ files, 0 refused$")
        self.assertIn("header/success_production_kdf  expected success, got success", r.out)


# What `folio import` must do with each backup vector (docs/CLI.md exit codes).
IMPORT_EXIT = {"success": 0, "no match": 4, "header failure": 5, "HMAC failure": 5,
               "payload failure": 5, "not a folio backup": 5, "payload damaged": 5,
               "unsupported version": 6}


class BackupVectorsThroughImport(FolioTestCase):
    """folio's backup vectors through `folio import`, the whole backup path
    (age reader and payload reader)."""

    def setUp(self):
        super().setUp()
        self.init_vault()

    def test_each_backup_vector_is_imported_or_refused_with_its_exit_code(self):
        folder = OWN / "backup"
        for path in sorted(folder.iterdir()):
            head, body = path.read_bytes().split(b"\n\n", 1)
            fields = dict(line.split(": ", 1) for line in head.decode().splitlines())
            with self.subTest(vector=path.name):
                key = self.write_secret_file("key", fields["identity"] + "\n")
                backup = self.tmp / "backup.age"
                backup.write_bytes(body)
                before = self.snapshot()
                r = self.folio("import", "--json", "-i", str(key), str(backup))
                if fields["expect"] == "success":
                    self.assertOk(r)
                    self.assertEqual(json.loads(r.out)["in_backup"]["entries"], 1)
                else:
                    self.assertFails(r, IMPORT_EXIT[fields["expect"]])
                    self.assertUnchanged(before, context=" " + path.name, mtimes=False)


class BadInput(FolioTestCase):
    def test_a_missing_path_is_not_found(self):
        r = self.folio("vectors", "run", str(self.tmp / "nowhere"), vault=None, passphrase_file=None)
        self.assertFails(r, 3, mentions=["nowhere"])

    def test_a_folder_without_vectors_runs_nothing_and_fails(self):
        (self.tmp / "empty").mkdir()
        (self.tmp / "empty" / "notes.txt").write_text("not a vector\n")
        r = self.folio("vectors", "run", str(self.tmp / "empty"), vault=None, passphrase_file=None)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertIn("not a test vector", r.out)
        self.assertIn("folio: no test ran", r.err)


if __name__ == "__main__":
    unittest.main()
