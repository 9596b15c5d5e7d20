#!/usr/bin/python3
"""How soon `folio panic` makes a large vault unreadable.

The promise (issue 5, CLI.md): panic destroys the keyslots first and has
finished destroying the keys in under 50 ms whatever the size of the vault;
the slower overwrite of the database comes after. This script:

1. builds one vault of about --size-mib MiB (default 1024) with the real
   binary: `folio init` at the cheapest key-derivation cost folio accepts
   (as bench_store.py does), one checklist item, and attachments of random
   bytes (--attachment-mib each, default 128), added by `folio attach`;
2. checks it: `folio attachments ITEM --json` lists every attachment with
   its size;
3. --runs times (default 5): copies that vault to a fresh folder, syncs the
   file system (a vault at rest is on the disk, not in dirty pages), runs
   `folio --vault COPY panic` with no passphrase and standard input closed,
   and records the "keys gone after X ms" that folio prints (measured inside
   the process, from the start of the command to the header's overwrite
   being synced) and the wall time of the whole process (which includes
   overwriting and syncing the database, then removing it);
4. checks after each run that the folder is gone, and prints the figures of
   each run, their medians, and the time the script took.

It exits non-zero only when something does not work, never because of a
figure. Standard library only; run it with /usr/bin/python3:

    /usr/bin/python3 bench/bench_panic.py                     # 1 GiB vault, 5 runs
    /usr/bin/python3 bench/bench_panic.py --size-mib 64 --runs 3   # a quick look
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_store import CHEAPEST_KDF, PASSPHRASE, BenchError  # noqa: E402

TIMEOUT = 600  # seconds for one command
KEYS_GONE = re.compile(r"keys gone after ([0-9.]+) ms")


def run(cmd: List[str], what: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=TIMEOUT)
    if r.returncode != 0:
        raise BenchError(f"{what} failed (exit {r.returncode}): "
                         f"{r.stderr.decode('utf-8', 'replace').strip()}")
    return r


def build_vault(folio: str, root: str, pass_file: str, size_mib: int,
                attachment_mib: int) -> Dict:
    """The vault to copy before each run, with its attachments checked."""
    vault = os.path.join(root, "vault")
    base = [folio, "--vault", vault, "--passphrase-file", pass_file]
    start = time.monotonic()
    run(base + ["init"] + CHEAPEST_KDF, "folio init")
    run(base + ["checklist", "new", "Scans"], "folio checklist new")
    item = run(base + ["item", "add", "Scans", "passport scans"], "folio item add").stdout.strip()
    sizes = []
    source = os.path.join(root, "scan.bin")
    left = size_mib
    while left > 0:
        mib = min(attachment_mib, left)
        with open(source, "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))
        run(base + ["attach", item.decode(), source], "folio attach")
        sizes.append(mib << 20)
        left -= mib
    os.unlink(source)
    listed = json.loads(run(base + ["attachments", item.decode(), "--json"],
                            "folio attachments").stdout)
    if sorted(a["size"] for a in listed) != sorted(sizes):
        raise BenchError(f"the vault lists attachments of {[a['size'] for a in listed]} bytes, "
                         f"not the {sizes} attached")
    return {"path": vault, "data_bytes": os.path.getsize(os.path.join(vault, "data")),
            "attachments": len(sizes), "build_s": time.monotonic() - start}


def panic_once(folio: str, master: str, root: str, n: int) -> Dict:
    """Copies the vault, syncs, runs panic on the copy: its figures."""
    copy = os.path.join(root, f"run-{n}")
    shutil.copytree(master, copy)
    os.sync()
    start = time.monotonic()
    r = run([folio, "--vault", copy, "panic"], "folio panic")
    wall_ms = (time.monotonic() - start) * 1000
    said = r.stderr.decode("utf-8", "replace")
    m = KEYS_GONE.search(said)
    if m is None:
        raise BenchError(f"folio panic did not say when the keys were gone: {said.strip()}")
    if os.path.exists(copy):
        raise BenchError(f"folio panic left {copy} behind: {os.listdir(copy)}")
    return {"keys_ms": float(m.group(1)), "wall_ms": wall_ms}


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Time folio panic on a large vault.")
    ap.add_argument("--size-mib", type=int, default=1024,
                    help="attachment bytes in the vault, MiB (default: 1024)")
    ap.add_argument("--attachment-mib", type=int, default=128,
                    help="size of each attachment, MiB (default: 128)")
    ap.add_argument("--runs", type=int, default=5, help="panics to time (default: 5)")
    ap.add_argument("--bin", default="./build/folio", help="the folio binary (default: ./build/folio)")
    ap.add_argument("--workdir", help="where to build the vault (default: a new folder in $TMPDIR)")
    args = ap.parse_args(argv)
    if args.size_mib < 1 or args.attachment_mib < 1 or args.runs < 1:
        ap.error("--size-mib, --attachment-mib and --runs must be at least 1")

    folio = os.path.abspath(args.bin)
    if not os.access(folio, os.X_OK):
        print(f"bench: error: no folio binary at {folio}", file=sys.stderr)
        print("bench: hint: build it (cmake -S . -B build && cmake --build build) or give --bin PATH",
              file=sys.stderr)
        return 2

    began = time.monotonic()
    root = tempfile.mkdtemp(prefix="folio-bench-panic-", dir=args.workdir)
    pass_file = os.path.join(root, "passphrase")
    fd = os.open(pass_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, (PASSPHRASE + "\n").encode())
    os.close(fd)

    print(f"folio:   {run([folio, 'version'], 'folio version').stdout.decode().strip()}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"command: {' '.join([os.path.relpath(sys.argv[0])] + argv)}")
    print(f"folder:  {root}")
    sys.stdout.flush()
    try:
        vault = build_vault(folio, root, pass_file, args.size_mib, args.attachment_mib)
        print(f"vault:   data file {vault['data_bytes'] / (1 << 20):.1f} MiB "
              f"({vault['attachments']} attachments of random bytes), "
              f"built in {vault['build_s']:.1f} s")
        print()
        print(" run  keys gone (in folio) ms  whole panic process ms")
        results = []
        for n in range(1, args.runs + 1):
            results.append(panic_once(folio, vault["path"], root, n))
            print(f"{n:4}  {results[-1]['keys_ms']:23.1f}  {results[-1]['wall_ms']:22.1f}")
            sys.stdout.flush()
        keys = [r["keys_ms"] for r in results]
        walls = [r["wall_ms"] for r in results]
        print()
        print(f"median keys gone after:  {statistics.median(keys):.1f} ms "
              f"(max {max(keys):.1f} ms) over {len(keys)} runs")
        print(f"median whole panic:      {statistics.median(walls):.1f} ms "
              f"(max {max(walls):.1f} ms)")
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as e:
        print(f"bench: error: a command ran longer than {TIMEOUT} s: {' '.join(map(str, e.cmd))}",
              file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
        print(f"total time of the benchmark: {time.monotonic() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
