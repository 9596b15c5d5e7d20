#!/usr/bin/python3
"""`folio add` of one binary against another, taking turns add by add.

Each binary gets a fresh vault (cheapest KDF, `init --kdf-memory 8K
--kdf-ops 1 --allow-weak-kdf --allow-weak`); then COUNT rounds, each one
`add` (the same Chinese and English body, about 1 KB, on stdin) with each
binary, one after the other, so that load from other processes falls on
both. Prints the median, p90 and largest whole-process time of each. With
COUNT above 64 the schema 5 binary's figures include its 64th adds, which
also write the postings of the 64 pending records (docs/FORMAT.md).

    /usr/bin/python3 bench/bench_add_ab.py --bin build/folio --baseline OTHER/folio --count 130

Standard library only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BODY = ("Day at the visa office; the bank statement was wrong again. "
        "今天去了签证中心，银行流水不对。 ") * 8


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="./build/folio")
    p.add_argument("--baseline", required=True, help="the other folio binary")
    p.add_argument("--count", type=int, default=130)
    args = p.parse_args()
    bins = {"bin": os.path.abspath(args.bin), "baseline": os.path.abspath(args.baseline)}
    work = tempfile.mkdtemp(prefix="folio-bench-add-")
    try:
        passfile = os.path.join(work, "pass")
        fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("correct horse battery staple add bench\n")
        vaults = {}
        for name, binary in bins.items():
            vaults[name] = os.path.join(work, name)
            subprocess.run([binary, "--vault", vaults[name], "--passphrase-file", passfile, "init",
                            "--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf", "--allow-weak"],
                           capture_output=True, check=True)
        times = {name: [] for name in bins}
        for i in range(args.count):
            for name, binary in bins.items():
                start = time.perf_counter()
                subprocess.run([binary, "--vault", vaults[name], "--passphrase-file", passfile, "add"],
                               input=f"{BODY}{i}\n", capture_output=True, text=True, check=True)
                times[name].append(time.perf_counter() - start)
        for name, t in times.items():
            ordered = sorted(t)
            print(f"{name:9} {bins[name]}: median {1000 * statistics.median(t):.1f} ms, "
                  f"p90 {1000 * ordered[int(len(t) * 0.9)]:.1f} ms, max {1000 * ordered[-1]:.1f} ms, n {len(t)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
