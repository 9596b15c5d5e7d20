#!/usr/bin/python3
"""Throughput and peak memory of `folio attach` and `folio extract` on one
large file, next to `age -r` and `age -d` on the same file.

1. Makes a file of --size-mb (default 200) MB of random bytes (random, so
   that nothing along the way can compress it), and an X25519 identity with
   `folio keygen` for age.
2. Runs --runs rounds (default 5) after one untimed warm-up round. In every
   round each of these runs once, as one process, in this order, so that
   other load on the machine falls on folio and age alike:
     folio attach Documents:1 FILE     into a vault made just before (untimed)
                                       with the real binary at the cheapest
                                       key derivation (`init --kdf-memory 8K
                                       --kdf-ops 1 --allow-weak-kdf
                                       --allow-weak`), a checklist and an item
     age -r RECIPIENT -o OUT.age FILE
     folio extract ID -o OUT --force   (written beside, synced, renamed in)
     age -d -i KEY -o OUT FILE.age
   Before each timed command the script calls sync(2), untimed, so that none
   pays for writing out what an earlier one left in the page cache (age does
   not sync its output; folio syncs its own file at the end).
   After each extract the script checks that OUT holds the same bytes as
   FILE (compared outside the timed part), and the same for age -d.
   With --baseline OTHER_FOLIO (say a build of main), that binary's attach
   and extract run in the same rounds too, right after this one's, so that
   a change can be judged on one loaded machine.
3. Prints the median wall-clock time of each command (and the fastest and
   slowest run), its throughput (file size / median time), the median CPU
   time (user + system, all threads; less sensitive to other load than the
   wall-clock time), its peak resident memory (the largest of the runs), both
   from /usr/bin/time -f when it is there (else the peak from getrusage and
   no CPU time), and the ratio of folio's throughput to age's.

folio does more than age here: attach hashes the file (BLAKE2b), writes it
through SQLCipher 3 (AES-256-CBC with a fresh random IV and an HMAC-SHA1 for
every 4 KiB page, one write system call a page) and syncs the database at
the commit; extract authenticates and decrypts every page, checks the hash
and syncs the output before renaming it. age neither hashes nor syncs. The
figures count all of it.

Standard library only, plus the `age` package. Use an optimised build:

    cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_TESTS=OFF
    cmake --build build-bench --target folio_cli
    /usr/bin/python3 bench/bench_attach.py --bin ./build-bench/folio

Exits non-zero only when something does not work (a command fails, extract
gives back other bytes); it never judges the figures.
"""

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

TIME = "/usr/bin/time"


def run_measured(argv):
    """Runs argv; returns (seconds, peak RSS in MiB, CPU seconds (user + system),
    its standard output). Exits on a non-zero exit.

    The peak RSS comes from /usr/bin/time (Debian package `time`), which
    measures only the process it starts. Without it, from wait4 on the
    process itself, which also counts the pages it shared with this Python
    process between fork and exec: an over-estimate (of about this script's
    own size, some 20 MiB)."""
    argv = [str(a) for a in argv]
    # Untimed: what earlier commands left in the page cache is written out
    # now, not while this one runs (or syncs its own file).
    os.sync()
    wrapped = [TIME, "-f", "FOLIO_BENCH_RSS_KIB %M %U %S", *argv] if os.access(TIME, os.X_OK) else argv
    start = time.monotonic()
    proc = subprocess.Popen(wrapped, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    elapsed = time.monotonic() - start
    text = err.decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{text}")
    for line in text.splitlines():
        if line.startswith("FOLIO_BENCH_RSS_KIB "):
            _, kib, user, system = line.split()
            return elapsed, int(kib) / 1024.0, float(user) + float(system), out
    # Without /usr/bin/time: the largest child so far, and no CPU time.
    import resource
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0, float("nan"), out


class Bench:
    def __init__(self, args, work: Path):
        self.bin = str(Path(args.bin).resolve())
        self.args = args
        self.work = work
        self.pass_file = benchlib.write_passphrase_file(str(work))
        self.vault = work / "vault"
        self.file = work / "document.bin"
        self.out = work / "extracted.bin"
        self.age_file = work / "document.bin.age"
        self.age_out = work / "age-decrypted.bin"
        self.key = work / "key.txt"

    def folio_argv(self, *argv, binary=None):
        return [binary or self.bin, "--vault", str(self.vault), "--passphrase-file", self.pass_file,
                *map(str, argv)]

    def folio(self, *argv):
        return benchlib.run(self.folio_argv(*argv), what="folio " + str(argv[0])).decode()

    def fresh_vault(self):
        shutil.rmtree(self.vault, ignore_errors=True)
        self.folio("init", *benchlib.CHEAPEST_KDF)
        self.folio("checklist", "new", "Documents")
        self.folio("item", "add", "Documents", "Passport scan")

    def make_file(self):
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        left = self.args.size_mb * 1000 * 1000
        while left > 0:
            n = min(left, 1 << 22)
            os.write(fd, os.urandom(n))
            left -= n
        os.close(fd)

    def same_bytes(self, path: Path, what: str):
        if not filecmp.cmp(self.file, path, shallow=False):
            sys.exit(f"{what} did not give back the bytes of the file ({path})")

    def folio_round(self, results, suffix, binary):
        self.fresh_vault()
        t, rss, cpu, out = run_measured(self.folio_argv("attach", "Documents:1", self.file, binary=binary))
        attachment = out.decode().strip()
        results["folio attach" + suffix].append((t, rss, cpu))
        if self.out.exists():
            self.out.unlink()
        t, rss, cpu, _ = run_measured(self.folio_argv("extract", attachment, "-o", self.out, binary=binary))
        results["folio extract" + suffix].append((t, rss, cpu))
        self.same_bytes(self.out, "folio extract" + suffix)

    def round(self, results):
        """One run of each command, folio and age taking turns."""
        self.fresh_vault()
        t, rss, cpu, out = run_measured(self.folio_argv("attach", "Documents:1", self.file))
        attachment = out.decode().strip()
        results["folio attach"].append((t, rss, cpu))

        if self.age_file.exists():
            self.age_file.unlink()
        t, rss, cpu, _ = run_measured(["age", "-r", self.recipient, "-o", self.age_file, self.file])
        results["age -r"].append((t, rss, cpu))

        if self.out.exists():
            self.out.unlink()
        t, rss, cpu, _ = run_measured(self.folio_argv("extract", attachment, "-o", self.out))
        results["folio extract"].append((t, rss, cpu))
        self.same_bytes(self.out, "folio extract")

        if self.age_out.exists():
            self.age_out.unlink()
        t, rss, cpu, _ = run_measured(["age", "-d", "-i", self.key, "-o", self.age_out, self.age_file])
        results["age -d"].append((t, rss, cpu))
        self.same_bytes(self.age_out, "age -d")

        if self.baseline:
            self.folio_round(results, " (baseline)", self.baseline)

    def run(self):
        size = self.args.size_mb * 1000 * 1000
        benchlib.print_preamble(self.bin, sys.argv[1:], extra=[f"age:       {benchlib.version_of(['age', '--version'])}"])
        self.make_file()
        r = subprocess.run([self.bin, "keygen", "-o", str(self.key)], capture_output=True, text=True, check=True)
        self.recipient = r.stderr.split("Public key: ")[1].split()[0]

        names = ["folio attach", "age -r", "folio extract", "age -d"]
        self.baseline = str(Path(self.args.baseline).resolve()) if self.args.baseline else None
        if self.baseline:
            print(f"baseline:  {self.baseline}: {benchlib.version_of([self.baseline, 'version'])}")
            names += ["folio attach (baseline)", "folio extract (baseline)"]
        warm = {n: [] for n in names}
        self.round(warm)  # page cache, loader; not counted
        results = {n: [] for n in names}
        for _ in range(self.args.runs):
            self.round(results)
        vault_bytes = sum(p.stat().st_size for p in self.vault.iterdir())

        print(f"file: {size / 1e6:.0f} MB of random bytes; vault after one attach: {vault_bytes / 1e6:.1f} MB; "
              f"runs: {self.args.runs} after one warm-up, interleaved (median)")
        print(benchlib.load_line("at the end"))
        print()
        print(f"{'command':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'MB/s':>8} {'CPU s':>6} "
              f"{'peak RSS MiB':>13}")
        med = {}
        for name in names:
            times = [t for t, _, _ in results[name]]
            med[name] = statistics.median(times)
            rss = max(m for _, m, _ in results[name])
            cpu = statistics.median(c for _, _, c in results[name])
            print(f"{name:<24} {med[name]:9.3f} {min(times):7.3f} {max(times):7.3f} {size / 1e6 / med[name]:8.1f} "
                  f"{cpu:6.2f} {rss:13.1f}")
        print()
        print(f"folio attach throughput / age -r:  {med['age -r'] / med['folio attach']:.2f}x")
        print(f"folio extract throughput / age -d: {med['age -d'] / med['folio extract']:.2f}x")
        if self.baseline:
            print(f"baseline attach throughput / age -r:  {med['age -r'] / med['folio attach (baseline)']:.2f}x")
            print(f"baseline extract throughput / age -d: {med['age -d'] / med['folio extract (baseline)']:.2f}x")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="./build-bench/folio")
    p.add_argument("--size-mb", type=int, default=200)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--baseline", default=None, help="another folio binary to time in the same rounds")
    p.add_argument("--workdir", default=None)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    benchlib.run_with_age(args, "folio-bench-attach-", lambda work: Bench(args, Path(work)).run())


if __name__ == "__main__":
    main()
