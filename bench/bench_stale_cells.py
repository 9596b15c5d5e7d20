#!/usr/bin/python3
"""Does SQLite's secure_delete leave copies of deleted rows in the file?

folio's promise "deleting means gone" rests on `PRAGMA secure_delete = ON`:
SQLite overwrites a deleted cell and every freed page with zeros. This script
checks what that does not cover. It drives the `sqlcipher` tool (SQLCipher
3.4.1 on SQLite 3.15.2, the library folio links) without a key, so that the
file is plain SQLite and can be searched byte by byte; SQLCipher encrypts
below the b-tree, so what SQLite leaves in a page is the same with a key.

For each seed it makes a table shaped like folio's `entries` (rowid, a
UNIQUE id, a text body) with folio's pragmas, and runs --ops operations, each
in its own transaction as folio's commands are: insert a row whose body ends
in a word of 12 random letters found nowhere else; with probability 0.4
delete a random row; with probability 0.1 replace a random row's body. Then
it looks for every removed unique word in the file and says, for each one
found, which page holds it and where: the cell content area, the free space
between a page's cell pointers and its cells, or elsewhere. As a control it
runs VACUUM (which writes every page again) and looks once more.

Standard library only. Run it with /usr/bin/python3:

    /usr/bin/python3 bench/bench_stale_cells.py                 # seeds 7, 8, 9; 6000 operations each
    /usr/bin/python3 bench/bench_stale_cells.py --seeds 1,2 --ops 2000

It exits non-zero only when something does not work (a missing tool, a
failing statement); never because of a figure.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from typing import List, Tuple

PAGE = 4096
PRAGMAS = (b"PRAGMA page_size = 4096;\nPRAGMA secure_delete = ON;\nPRAGMA journal_mode = DELETE;\n"
           # Only when bytes reach the disk changes with this, not which bytes
           # the file holds; with fsync, 6000 transactions take minutes.
           b"PRAGMA synchronous = OFF;\n")
WORDS = ["w%03d" % i for i in range(2000)]


def unique_word(r: random.Random) -> str:
    return "u" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(11))


def where(raw: bytes, at: int) -> Tuple[int, str]:
    """The page (1-based) holding byte `at`, and the part of it."""
    page = at // PAGE
    data = raw[page * PAGE:(page + 1) * PAGE]
    hdr = 100 if page == 0 else 0
    kind = data[hdr]
    if kind not in (2, 5, 10, 13):
        return page + 1, f"not a b-tree page (type byte {kind}: a free or overflow page)"
    cells = int.from_bytes(data[hdr + 3:hdr + 5], "big")
    content = int.from_bytes(data[hdr + 5:hdr + 7], "big") or 65536
    pointers_end = hdr + (8 if kind in (10, 13) else 12) + 2 * cells
    off = at - page * PAGE
    if pointers_end <= off < content:
        part = "the free space between the cell pointers and the cells"
    elif off >= content:
        part = "the cell content area (a cell or a free block)"
    else:
        part = "the page header or cell pointers"
    name = {2: "index interior", 5: "table interior", 10: "index leaf", 13: "table leaf"}[kind]
    return page + 1, f"{name} page, {part}"


def run_seed(seed: int, ops: int, workdir: str) -> dict:
    r = random.Random(seed)
    db = os.path.join(workdir, f"stale-{seed}.db")
    proc = subprocess.Popen(["sqlcipher", "-batch", "-bail", db], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    w = proc.stdin
    w.write(PRAGMAS + b"CREATE TABLE entries(id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, "
            b"body TEXT NOT NULL);\n")
    live, removed = {}, []
    n = 0
    t = time.perf_counter()
    for i in range(ops):
        n += 1
        body = " ".join(r.sample(WORDS, r.randint(5, 120))) + " " + unique_word(r)
        live[n] = body
        w.write(f"BEGIN; INSERT INTO entries VALUES ({n}, 'id{n:07d}', '{body}'); COMMIT;\n".encode())
        if i > 50 and r.random() < 0.4:
            gone = r.choice(list(live))
            removed.append(live.pop(gone).split()[-1])
            w.write(f"BEGIN; DELETE FROM entries WHERE id = {gone}; COMMIT;\n".encode())
        if live and r.random() < 0.1:
            changed = r.choice(list(live))
            removed.append(live[changed].split()[-1])
            live[changed] = " ".join(r.sample(WORDS, r.randint(5, 120))) + " " + unique_word(r)
            w.write(f"BEGIN; UPDATE entries SET body = '{live[changed]}' WHERE id = {changed}; COMMIT;\n"
                    .encode())
    w.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.wait() != 0:
        raise SystemExit(f"bench_stale_cells: sqlcipher failed: {err.strip()}")
    elapsed = time.perf_counter() - t
    raw = open(db, "rb").read()
    found = [(word, *where(raw, raw.find(word.encode()))) for word in removed if word.encode() in raw]
    live_found = sum(1 for body in live.values() if body.split()[-1].encode() in raw)
    subprocess.run(["sqlcipher", "-batch", "-bail", db], input=b"VACUUM;\n", check=True,
                   stdout=subprocess.DEVNULL)
    vacuumed = open(db, "rb").read()
    after_vacuum = sum(1 for word in removed if word.encode() in vacuumed)
    return {"seed": seed, "ops": ops, "s": elapsed, "bytes": len(raw), "rows": len(live),
            "live_found": live_found, "removed": len(removed), "found": found, "after_vacuum": after_vacuum}


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="7,8,9", help="comma-separated seeds (default 7,8,9)")
    ap.add_argument("--ops", type=int, default=6000, help="operations per seed (default 6000)")
    ap.add_argument("--workdir", help="where the files go (default: a temporary folder, removed)")
    args = ap.parse_args(argv)
    if shutil.which("sqlcipher") is None:
        raise SystemExit("bench_stale_cells: the sqlcipher tool is missing (Debian package sqlcipher)")
    version = subprocess.run(["sqlcipher", "-version"], capture_output=True, text=True).stdout.strip()
    print(f"sqlcipher: {version}")
    print(f"load:      {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(f"command:   bench/bench_stale_cells.py {' '.join(argv)}".rstrip())
    workdir = args.workdir or tempfile.mkdtemp(prefix="folio-stale-")
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    try:
        print(f"{'seed':>5}  {'ops':>6}  {'rows left':>9}  {'file KiB':>8}  {'removed words':>13}  "
              f"{'still in file':>13}  {'after VACUUM':>12}  {'live found':>10}")
        results = []
        for seed in (int(s) for s in args.seeds.split(",")):
            res = run_seed(seed, args.ops, workdir)
            results.append(res)
            print(f"{res['seed']:>5}  {res['ops']:>6}  {res['rows']:>9}  {res['bytes'] // 1024:>8}  "
                  f"{res['removed']:>13}  {len(res['found']):>13}  {res['after_vacuum']:>12}  "
                  f"{res['live_found']:>10}")
        for res in results:
            for word, page, part in res["found"]:
                print(f"  seed {res['seed']}: {word} on page {page}: {part}")
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
