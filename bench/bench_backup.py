#!/usr/bin/python3
"""Throughput and peak memory of `folio export` and `folio import` on a large
vault, next to `age` on the same number of plaintext bytes.

1. Creates a vault with the real binary at the cheapest key-derivation cost
   (`init --kdf-memory 8K --kdf-ops 1 --allow-weak-kdf --allow-weak`), so
   the figures measure the backup, not Argon2id.
2. Fills it to about --size-mb (default 200) MB, mostly attachments: files
   of --file-mb (default 8) MB of random bytes attached with `folio attach`,
   plus --entries (default 500) journal entries in Chinese and English.
3. Makes an X25519 identity with `folio keygen`.
4. Times, with --runs runs each (median reported), each command as one
   process; its peak resident memory (from /usr/bin/time, see run_measured):
     folio export -r RECIPIENT FILE        (vault -> age file)
     folio import -i KEY FILE              (age file -> a new empty vault;
                                            a fresh vault for every run)
     age -r RECIPIENT -o FILE PAYLOAD      (the same plaintext payload, as
                                            written by export --plaintext)
     folio restore FILE --to DIR -i KEY    (age file -> a new vault)
     age -r RECIPIENT -o FILE PAYLOAD      (the same plaintext payload, as
                                            written by export --plaintext)
     age -d -i KEY -o /dev/null FILE
     the floor: age -d -i KEY FILE | backup_floor VAULT/data
                                           (bench/backup_floor.cpp: SQLCipher
                                            alone inserting the payload's rows
                                            with the raw key, into a fresh
                                            vault; no checks, no index)
   The commands take turns, one run of each per round, so that load from
   other processes falls on all of them alike; `uptime` is printed before
   and after. Throughput is the payload's plaintext size (the JSON Lines,
   attachments in base64) divided by the wall-clock time.
5. Prints a table and the ratios of the targets (export against age -r,
   import and restore against the floor). Exits non-zero only if a command
   fails.

Standard library, plus python3-nacl for the floor's key (bench/benchlib.py).
Needs the `age` package. Use an optimised build:

    cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_TESTS=OFF
    cmake --build build-bench --target folio_cli backup_floor
    /usr/bin/python3 bench/bench_backup.py --bin ./build-bench/folio
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402  (the vault's raw key for the floor)

PASSPHRASE = "glacier tumbleweed ostrich 93 harbor lantern"
CHEAP_KDF = ["--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf", "--allow-weak"]
ZH = "今天去领事馆面试，带了护照、银行流水和录取通知书。签证官问了学习计划。"
EN = "Went to the consulate today with the passport, bank statements and the offer letter. "


TIME = "/usr/bin/time"


def run_measured(argv, stdin=None, stdout=subprocess.DEVNULL, env=None):
    """Runs argv; returns (seconds, peak RSS in MiB). Fails loudly on a non-zero exit.

    The peak RSS comes from /usr/bin/time (Debian package `time`), which
    measures only the process it starts. Without it, from wait4 on the
    process itself, which also counts the pages it shared with this Python
    process between fork and exec: an over-estimate (of about this script's
    own size, some 20 MiB)."""
    wrapped = [TIME, "-f", "FOLIO_BENCH_RSS_KIB %M", *map(str, argv)] if os.access(TIME, os.X_OK) else argv
    start = time.monotonic()
    proc = subprocess.Popen(wrapped, stdin=stdin or subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                            env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, argv))}\n{err}")
    for line in err.splitlines():
        if line.startswith("FOLIO_BENCH_RSS_KIB "):
            return elapsed, int(line.split()[1]) / 1024.0
    return elapsed, usage.ru_maxrss / 1024.0


class Bench:
    def __init__(self, args, work: Path):
        self.bin = str(Path(args.bin).resolve())
        self.work = work
        self.pass_file = work / "passphrase"
        self.pass_file.write_text(PASSPHRASE + "\n")
        os.chmod(self.pass_file, 0o600)
        self.args = args

    def folio(self, vault, *argv, input=None):
        r = subprocess.run([self.bin, "--vault", str(vault), "--passphrase-file", str(self.pass_file),
                            *map(str, argv)], input=input, capture_output=True)
        if r.returncode != 0:
            sys.exit(f"folio {' '.join(map(str, argv))} failed: {r.stderr.decode()}")
        return r.stdout.decode()

    def folio_argv(self, vault, *argv):
        return [self.bin, "--vault", str(vault), "--passphrase-file", str(self.pass_file), *map(str, argv)]

    def make_vault(self) -> Path:
        vault = self.work / "vault"
        self.folio(vault, "init", *CHEAP_KDF)
        rng = random.Random(7)
        for i in range(self.args.entries):
            body = (ZH * rng.randint(2, 10) if i % 2 else EN * rng.randint(2, 10)) + f"\n#{i}\n"
            self.folio(vault, "add", "-t", "bench", input=body.encode())
        self.folio(vault, "checklist", "new", "Documents")
        files = max(1, (self.args.size_mb * 1024 * 1024) // (self.args.file_mb * 1024 * 1024))
        blob = self.work / "doc.bin"
        for i in range(files):
            self.folio(vault, "item", "add", "Documents", f"Scan {i}")
            with open(blob, "wb") as f:
                f.write(os.urandom(self.args.file_mb * 1024 * 1024))
            self.folio(vault, "attach", f"Documents:{i + 1}", blob)
        blob.unlink()
        return vault

    def run(self):
        if self.args.reuse_vault:
            vault = Path(self.args.reuse_vault).resolve()
            print(f"using the vault {vault}", flush=True)
        else:
            print(f"building a vault of about {self.args.size_mb} MB ({self.args.entries} entries, "
                  f"{self.args.file_mb} MB attachments)...", flush=True)
            vault = self.make_vault()
        vault_bytes = sum(p.stat().st_size for p in vault.iterdir())
        key = self.work / "key.txt"
        r = subprocess.run([self.bin, "keygen", "-o", str(key)], capture_output=True, text=True)
        recipient = r.stderr.split("Public key: ")[1].split()[0]
        payload = self.work / "payload.jsonl"
        with open(payload, "wb") as out:
            subprocess.run(self.folio_argv(vault, "export", "--plaintext", "--format", "json"), stdout=out,
                           check=True)
        plain_mb = payload.stat().st_size / 1e6
        out = self.work / "vault.age"
        target = self.work / "imported"
        restored = self.work / "restored"
        floor_vault = self.work / "floor"
        age_out = self.work / "age.age"
        floor_bin = self.args.floor_bin
        if floor_bin is None:
            floor_bin = str(Path(self.bin).parent / "bench" / "backup_floor")
        have_floor = os.access(floor_bin, os.X_OK)
        if not have_floor:
            print(f"note: no {floor_bin} (cmake --build BUILD --target backup_floor): the floor is left out")

        def fresh_out():
            if out.exists():
                out.unlink()

        def fresh_vault():
            shutil.rmtree(target, ignore_errors=True)
            self.folio(target, "init", *CHEAP_KDF)

        def fresh_restore():
            shutil.rmtree(restored, ignore_errors=True)

        floor_env = dict(os.environ)

        def fresh_floor():
            shutil.rmtree(floor_vault, ignore_errors=True)
            self.folio(floor_vault, "init", *CHEAP_KDF)
            db_key, _ = benchlib.database_key(str(floor_vault), PASSPHRASE)
            floor_env["FOLIO_FLOOR_KEY"] = db_key.hex()

        # (name, argv maker, preparation, environment), in the order of a round.
        commands = [
            ("folio export -r", lambda: self.folio_argv(vault, "export", "-r", recipient, out), fresh_out, None),
            ("age -r", lambda: ["age", "-r", recipient, "-o", str(age_out), str(payload)],
             lambda: age_out.exists() and age_out.unlink(), None),
            ("folio import -i", lambda: self.folio_argv(target, "import", "-i", key, out), fresh_vault, None),
            ("folio restore -i", lambda: [self.bin, "--passphrase-file", str(self.pass_file), "restore", str(out),
                                          "--to", str(restored), "-i", str(key), *CHEAP_KDF], fresh_restore, None),
            ("age -d", lambda: ["age", "-d", "-i", str(key), "-o", "/dev/null", str(out)], None, None),
        ]
        if have_floor:
            commands.append(("floor (age -d | sql)",
                             lambda: ["bash", "-o", "pipefail", "-c",
                                      f'age -d -i "$1" "$2" | "$3" "$4"', "floor", str(key), str(out),
                                      floor_bin, str(floor_vault / "data")],
                             fresh_floor, floor_env))
        times = {name: [] for name, *_ in commands}
        rss = {name: [] for name, *_ in commands}
        load_before = uptime()
        # One untimed round first (the page cache, the loader), then the timed ones.
        for round_ in range(self.args.runs + 1):
            for name, make_argv, before, env in commands:
                if before:
                    before()
                t, m = run_measured(make_argv(), env=env)
                if round_ > 0:
                    times[name].append(t)
                    rss[name].append(m)
        load_after = uptime()
        results = {name: (statistics.median(times[name]), max(rss[name])) for name in times}

        print(f"\nload before: {load_before}\nload after:  {load_after}")
        print(f"\nvault on disk: {vault_bytes / 1e6:.1f} MB; payload (plaintext JSON Lines): {plain_mb:.1f} MB; "
              f"age file: {out.stat().st_size / 1e6:.1f} MB; runs: {self.args.runs} (median), taking turns\n")
        print(f"{'command':<22} {'seconds':>8} {'MB/s':>8} {'peak RSS MiB':>13}")
        for name, (secs, peak) in results.items():
            print(f"{name:<22} {secs:8.2f} {plain_mb / secs:8.1f} {peak:13.1f}")
        e, i, r = results["folio export -r"], results["folio import -i"], results["folio restore -i"]
        a, d = results["age -r"], results["age -d"]
        print(f"\nthroughput, folio export / age -r: {a[0] / e[0]:.2f}x (target >= 0.8x)")
        print(f"folio import / age -d: {d[0] / i[0]:.2f}x; folio restore / age -d: {d[0] / r[0]:.2f}x")
        if have_floor:
            f = results["floor (age -d | sql)"]
            print(f"folio import / floor: {f[0] / i[0]:.2f}x; folio restore / floor: {f[0] / r[0]:.2f}x "
                  f"(target >= 0.5x)")
        print(f"peak RSS: export {e[1]:.1f} MiB, import {i[1]:.1f} MiB, restore {r[1]:.1f} MiB (target < 64 MiB)")


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "(uptime not available)"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="./build-bench/folio")
    p.add_argument("--size-mb", type=int, default=200)
    p.add_argument("--file-mb", type=int, default=8)
    p.add_argument("--entries", type=int, default=500)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workdir", default=None)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--reuse-vault", default=None,
                   help="a vault an earlier --keep run made (WORKDIR/vault), instead of building one")
    p.add_argument("--floor-bin", default=None,
                   help="bench/backup_floor.cpp built (default: bench/backup_floor beside --bin)")
    args = p.parse_args()
    benchlib.run_with_age(args, "folio-bench-backup-", lambda work: Bench(args, Path(work)).run())


if __name__ == "__main__":
    main()
