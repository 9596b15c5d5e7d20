#!/usr/bin/python3
"""`folio attach` and `folio extract` keep memory flat for a large file.

CLI.md: attach stores a file "in 1 MiB chunks: memory stays flat for a 200 MB
scan". This test attaches a file of 200 MiB + 12,345 bytes of pseudo-random
data (201 chunks, the last one short) and extracts it again, each folio run
under a measurement of its peak resident set size, and asserts:

- the extracted file is byte for byte the original (BLAKE2b-256 of both,
  streamed, and folio's own size and hash in `attachments --json`);
- the peak RSS of `attach` and of `extract` is below 64 MiB plus the KDF
  memory of the vault (8 KiB here: `init --kdf-memory 8K`).

Peak RSS comes from `/usr/bin/time -v` ("Maximum resident set size") when it
is installed (Debian package `time`), else from getrusage(RUSAGE_CHILDREN) in
a fresh python3 process that runs only the one folio process. The second way
may also count pages of the wrapper (the child starts as a copy of it before
exec), so it can only over-report (here it read 0.2 MiB more than
/usr/bin/time); set FOLIO_TEST_RSS_METHOD=rusage to force it, =time to
require /usr/bin/time.

The figures (peak RSS and wall time of each run) are printed on standard
error, e.g. for quoting.

With AddressSanitizer (FOLIO_SANITIZED=1 in the environment, or the binary
contains `__asan_init`) RSS is dominated by the sanitizer's shadow memory and
quarantine, so only byte identity is checked and the memory bound is skipped
with that reason.

The files need about 650 MiB in the temporary folder (TMPDIR, else /tmp; it
must not be a small RAM disk): the test skips when less than 1 GiB is free.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/cli/test_attach_memory.py
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from typing import List, Optional, Tuple

from folio_test import CHEAP_KDF, FOLIO_BIN, PASSPHRASE, PASSTHROUGH_ENV, main

MiB = 1024 * 1024
SIZE = 200 * MiB + 12345
KDF_MEMORY_KIB = 8                       # init --kdf-memory 8K (CHEAP_KDF)
RSS_LIMIT_KIB = 64 * 1024 + KDF_MEMORY_KIB
MIN_FREE = 1024 * MiB
TIMEOUT = 300                            # seconds for one folio run
GNU_TIME = "/usr/bin/time"

# Run by the fallback: one folio process, then its peak RSS (KiB on Linux).
RUSAGE_WRAPPER = """
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)
"""


def binary_contains(path: str, needle: bytes) -> bool:
    """Whether the file contains `needle`, read 8 MiB at a time."""
    tail = b""
    with open(path, "rb") as f:
        while True:
            block = f.read(8 * MiB)
            if not block:
                return False
            if needle in tail + block:
                return True
            tail = block[-len(needle):]


def sanitized_reason() -> Optional[str]:
    if os.environ.get("FOLIO_SANITIZED") == "1":
        return "FOLIO_SANITIZED=1 (an AddressSanitizer build)"
    if os.access(FOLIO_BIN, os.R_OK) and binary_contains(FOLIO_BIN, b"__asan_init"):
        return f"{FOLIO_BIN} is built with AddressSanitizer (it contains __asan_init)"
    return None


def rss_method() -> str:
    wanted = os.environ.get("FOLIO_TEST_RSS_METHOD", "")
    if wanted in ("time", "rusage"):
        return wanted
    return "time" if os.access(GNU_TIME, os.X_OK) else "rusage"


def stream_blake2b(path: str) -> Tuple[int, str]:
    """(size, BLAKE2b-256 hex) of a file, 1 MiB at a time."""
    digest, size = hashlib.blake2b(digest_size=32), 0
    with open(path, "rb") as f:
        while True:
            block = f.read(MiB)
            if not block:
                return size, digest.hexdigest()
            digest.update(block)
            size += len(block)


class Run:
    """One measured folio run."""

    def __init__(self, what: str, argv: List[str], rc: int, out: bytes, err: bytes,
                 peak_kib: int, wall: float):
        self.what, self.argv, self.rc, self.out, self.err = what, argv, rc, out, err
        self.peak_kib, self.wall = peak_kib, wall

    def describe(self) -> str:
        return (f"\n  command: {' '.join(self.argv)}\n  exit: {self.rc}"
                f"\n  stdout: {self.out[:500]!r}\n  stderr: {self.err[:2000]!r}")

    def figures(self, size: Optional[int] = None) -> str:
        rate = f" ({size / MiB / self.wall:.0f} MiB/s)" if size else ""
        return (f"{self.what}: peak RSS {self.peak_kib} KiB ({self.peak_kib / 1024:.1f} MiB), "
                f"wall {self.wall:.2f} s{rate}")


class AttachAndExtractKeepMemoryFlat(unittest.TestCase):
    """One 200 MiB attachment, attached and extracted once (in setUpClass);
    the tests check what those two runs did."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not os.access(FOLIO_BIN, os.X_OK):
            raise AssertionError(f"folio binary not found at {FOLIO_BIN} (set FOLIO_BIN)")
        parent = tempfile.gettempdir()
        free = shutil.disk_usage(parent).free
        if free < MIN_FREE:
            raise unittest.SkipTest(f"only {free // MiB} MiB free in {parent}; the test "
                                    f"needs {MIN_FREE // MiB} MiB (set TMPDIR to a bigger disk)")
        cls.started = time.monotonic()
        cls.tmp = tempfile.mkdtemp(prefix="folio-attach-memory-", dir=parent)
        os.chmod(cls.tmp, 0o700)
        try:
            cls.prepare()
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        print(f"test_attach_memory: {time.monotonic() - cls.started:.1f} s in all",
              file=sys.stderr)

    @classmethod
    def prepare(cls):
        cls.home = os.path.join(cls.tmp, "home")
        os.mkdir(cls.home, 0o700)
        cls.vault = os.path.join(cls.tmp, "vault")
        cls.pass_file = os.path.join(cls.tmp, "passphrase")
        fd = os.open(cls.pass_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(PASSPHRASE + "\n")
        cls.method = rss_method()
        cls.sanitized = sanitized_reason()
        cls.runs = {}

        cls.plain("init", *CHEAP_KDF, "--allow-weak")
        cls.plain("checklist", "new", "大文件 big files")
        cls.item = cls.plain("item", "add", "大文件 big files", "a 200 MiB scan").strip()

        # The source: pseudo-random, written and hashed 1 MiB at a time.
        cls.source = os.path.join(cls.tmp, "扫描 scan.bin")
        digest = hashlib.blake2b(digest_size=32)
        t0 = time.monotonic()
        with open(cls.source, "wb") as f:
            left = SIZE
            while left:
                block = os.urandom(min(MiB, left))
                digest.update(block)
                f.write(block)
                left -= len(block)
        cls.source_hash = digest.hexdigest()
        cls.generate_wall = time.monotonic() - t0

        cls.runs["baseline"] = cls.measured("baseline (checklist list)", "checklist", "list")
        attach = cls.measured("attach", "attach", cls.item, cls.source)
        cls.runs["attach"] = attach
        cls.attachment = attach.out.decode("utf-8", "replace").strip()
        cls.output = os.path.join(cls.tmp, "extracted.bin")
        if attach.rc == 0:
            cls.runs["extract"] = cls.measured("extract", "extract", cls.attachment,
                                               "-o", cls.output)
        print(f"\ntest_attach_memory: {SIZE} bytes ({SIZE / MiB:.1f} MiB, "
              f"generated in {cls.generate_wall:.2f} s), peak RSS by "
              f"{'/usr/bin/time -v' if cls.method == 'time' else 'getrusage(RUSAGE_CHILDREN)'}, "
              f"limit {RSS_LIMIT_KIB} KiB; {cls.sanitized or 'not a sanitizer build'}",
              file=sys.stderr)
        for name, run in cls.runs.items():
            print("test_attach_memory: " + run.figures(None if name == "baseline" else SIZE),
                  file=sys.stderr)

    # --- running folio -------------------------------------------------------

    @classmethod
    def env(cls):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cls.home,
               "TZ": "UTC", "NO_COLOR": "1", "LANG": "C.UTF-8"}
        for name in PASSTHROUGH_ENV:
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    @classmethod
    def argv(cls, args) -> List[str]:
        return [FOLIO_BIN, "--vault", cls.vault, "--passphrase-file", cls.pass_file] + list(args)

    @classmethod
    def plain(cls, *args) -> str:
        """An unmeasured run that must succeed; returns its stdout."""
        proc = subprocess.run(cls.argv(args), stdin=subprocess.DEVNULL, capture_output=True,
                              env=cls.env(), cwd=cls.tmp, timeout=TIMEOUT)
        if proc.returncode != 0:
            raise AssertionError(f"folio {' '.join(args)} exited {proc.returncode}: "
                                 f"{proc.stderr.decode('utf-8', 'replace')}")
        return proc.stdout.decode("utf-8")

    @classmethod
    def measured(cls, what: str, *args) -> Run:
        """Runs folio once under the peak-RSS measurement."""
        argv = cls.argv(args)
        report = os.path.join(cls.tmp, f"rss-{len(cls.runs)}")
        if cls.method == "time":
            if not os.access(GNU_TIME, os.X_OK):
                raise unittest.SkipTest("FOLIO_TEST_RSS_METHOD=time but /usr/bin/time is "
                                        "missing (Debian package: time)")
            wrapped = [GNU_TIME, "-v", "-o", report] + argv
        else:
            wrapped = ["/usr/bin/python3", "-c", RUSAGE_WRAPPER, report] + argv
        t0 = time.monotonic()
        proc = subprocess.run(wrapped, stdin=subprocess.DEVNULL, capture_output=True,
                              env=cls.env(), cwd=cls.tmp, timeout=TIMEOUT)
        wall = time.monotonic() - t0
        with open(report, encoding="utf-8") as f:
            text = f.read()
        if cls.method == "time":
            found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            if found is None:
                raise AssertionError(f"no peak RSS in the output of /usr/bin/time -v:\n{text}")
            peak = int(found.group(1))
        else:
            peak = int(text)
        return Run(what, [str(a) for a in argv], proc.returncode, proc.stdout,
                   proc.stderr, peak, wall)

    # --- the tests -------------------------------------------------------------

    def assertRan(self, name: str) -> Run:
        run = self.runs.get(name)
        self.assertIsNotNone(run, f"{name} did not run (attach failed)")
        self.assertEqual(run.rc, 0, f"folio {name} failed" + run.describe())
        return run

    def test_attach_prints_an_attachment_id(self):
        self.assertRan("attach")
        self.assertRegex(self.attachment, r"^[0-9abcdefghjkmnpqrstvwxyz]{8}$")

    def test_the_extracted_file_is_byte_identical(self):
        self.assertRan("extract")
        self.assertEqual(os.stat(self.output).st_mode & 0o777, 0o600)
        self.assertEqual(stream_blake2b(self.output), (SIZE, self.source_hash))

    def test_folio_records_the_size_and_hash_of_the_file(self):
        self.assertRan("attach")
        listed = json.loads(self.plain("attachments", self.item, "--json"))
        self.assertEqual([(a["id"], a["name"], a["size"], a["blake2b"]) for a in listed],
                         [(self.attachment, "扫描 scan.bin", SIZE, self.source_hash)])

    def assertPeakUnderLimit(self, name: str):
        run = self.assertRan(name)
        if self.sanitized:
            self.skipTest(f"memory bound not checked: {self.sanitized}; RSS measured "
                          f"{run.peak_kib} KiB")
        self.assertLess(run.peak_kib, RSS_LIMIT_KIB,
                        f"folio {name} of a {SIZE / MiB:.0f} MiB file peaked at "
                        f"{run.peak_kib / 1024:.1f} MiB RSS; the limit is 64 MiB + "
                        f"{KDF_MEMORY_KIB} KiB of KDF memory")

    def test_attach_peak_rss_is_under_64_mib_plus_the_kdf_memory(self):
        self.assertPeakUnderLimit("attach")

    def test_extract_peak_rss_is_under_64_mib_plus_the_kdf_memory(self):
        self.assertPeakUnderLimit("extract")


if __name__ == "__main__":
    main()
