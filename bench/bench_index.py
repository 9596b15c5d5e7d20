#!/usr/bin/python3
"""Search-index layouts for a constant-time `folio rm` / `folio edit` (issue 16).

What it compares: schema 4's FTS4 index against layout P, the prototype of
schema 5. It needs a vault that `folio reindex` fills with schema 4's FTS4
index, so --bin must be a folio of schema 4 (built from commit 5552763 or
earlier: since 3641d53 folio writes schema 5 and this script stops with an
error saying so). Its FTS4 statements are its own (FTS4_RANK_SQL,
FTS4_COUNT_SQL, FTS4_RM_SQL, as bench_search.py had them for schema 4);
bench_search.py now measures schema 5 as folio writes it.

Under schema 4 every removal ends with an FTS4 'optimize', which rewrites
the whole index so that no term of the deleted record survives in any page:
O(N). This script measures a candidate, layout P, beside it:

    search_terms(id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE)
    search_postings(term_id INTEGER, hits INTEGER, docid INTEGER, pos BLOB,
                    PRIMARY KEY (term_id, hits DESC, docid DESC)) WITHOUT ROWID

one row per (term, record): `hits` the number of times the term is in the
record, `pos` its positions in the record's term list (FORMAT.md) as LEB128
varints, each the difference from the one before (the first from 0). The
count terms (`·TERM·CODE`) are left out: the key order gives a word's
records by hits already.

For each size (--sizes, default 1000,100000) it:

1. builds a vault with bench_search.py's generator and `folio reindex`
   (bench_search.build_vault and reindex; with --keep the vault stays in
   --workdir and a later run with the same size and seed reuses it);
2. copies the vault's `data` twice (the vault folio made is only read): in
   one copy, today's layout; in the other, layout P built from the terms
   folio stored (the `search` table's `terms`), sorted, in one transaction,
   streamed into one sqlcipher process; it reports the build time and the
   MiB the tables add to the file, and checks that P's top 20 and counts for
   bench_search's QUERIES are FTS4's (FTS4_RANK_SQL, FTS4_COUNT_SQL);
3. times whole sqlcipher processes with the raw key and folio's pragmas
   (benchlib.FOLIO_PRAGMAS: secure_delete, journal DELETE; default
   synchronous), median and p90 of --runs runs after one warm-up, layouts
   that do the same work taking turns run by run (measure_alternately):
   an empty process; schema 4's `folio rm` (FTS4_RM_SQL: the row of
   `search`, the entry, then 'optimize') against deleting one record's
   postings in P (one DELETE per distinct term, by the whole key), and the
   same P delete with `PRAGMA synchronous = OFF` (not what folio would run:
   it shows what the fsyncs cost); inserting one record's postings, and 64
   records' in one transaction (terms of real records, new docids); the top
   20 for each query word (FTS4: FTS4_RANK_SQL; P: ORDER BY hits DESC, docid DESC
   LIMIT 20 through the term id) and the number of records holding it;
4. checks that deleted terms do not survive in layout P's file: --stale-ops
   operations (60% adds of a record with 250 common and 5 unique terms, 40%
   deletes of a random record with its unique terms' dictionary rows), one
   transaction each, all piped through one sqlcipher process on a plain
   SQLite file (no key, so that the file can be searched) with folio's
   pragmas and synchronous = OFF (which changes when the bytes reach the
   disk, not which bytes the file holds); then counts how many deleted unique terms, whole or their last 8
   bytes, are still in the file;
5. prints the machine, the load at the start and the end, the command line,
   a table (size, operation, layout, median, p90, n) and the ratios: P's
   delete at the largest size over the smallest, and against schema 4's rm.

It exits non-zero only when something does not work (a tool missing, a
command failing, a check failing), never because of a figure.

Standard library and python3-nacl (through benchlib.py). Run it with
/usr/bin/python3 from the repository:

    /usr/bin/python3 bench/bench_index.py --sizes 1000 --runs 3 --stale-ops 300
    /usr/bin/python3 bench/bench_index.py --workdir /tmp/benchidx   # 1000,100000 x 7
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (  # noqa: E402
    FOLIO_PRAGMAS, PASSPHRASE, BenchError, check_prerequisites, database_key, load_line,
    measure, measure_alternately, median, p90, print_preamble, run, sql, sqlcipher_cmd,
    sqlcipher_prelude, write_passphrase_file)
import bench_search as bs  # noqa: E402  (the generator, the vault, the queries)

BATCH_ROWS = 400        # rows per multi-row INSERT when building (SQLite's limit is 500)
FOLD = 64               # records inserted at once
COUNT_TERM_MARK = "\u00b7"
STALE_COMMON = 2000     # the stale check's vocabulary of common terms
STALE_COMMON_PER_RECORD = 250
STALE_UNIQUE_PER_RECORD = 5

P_SCHEMA = ("CREATE TABLE search_terms(id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE);\n"
            "CREATE TABLE search_postings(term_id INTEGER, hits INTEGER, docid INTEGER, pos BLOB, "
            "PRIMARY KEY (term_id, hits DESC, docid DESC)) WITHOUT ROWID;\n")
P_TOP_SQL = ("SELECT docid FROM search_postings WHERE term_id = "
             "(SELECT id FROM search_terms WHERE term = '{term}') "
             "ORDER BY hits DESC, docid DESC LIMIT " + str(bs.LIMIT) + ";\n")
P_COUNT_SQL = ("SELECT count(*) FROM search_postings WHERE term_id = "
               "(SELECT id FROM search_terms WHERE term = '{term}');\n")
P_DELETE_ROW = "DELETE FROM search_postings WHERE term_id = {t} AND hits = {h} AND docid = {d};\n"
P_INSERT_ROW = "INSERT INTO search_postings VALUES ({t}, {h}, {d}, X'{pos}');\n"
SYNC_OFF = "PRAGMA synchronous = OFF;\n"

# Schema 4's statements (bench_search.py had them until it moved to schema
# 5). folio ranked with folio_rank(matchinfo(search, 'pcnx')), which the
# sqlcipher tool lacks; for a one-phrase query it orders rows as h, the
# phrase's hits in the row (the 4th u32 of the matchinfo blob, little-endian),
# read here from its hex. Ties go to the larger docid, as in folio.
FTS4_RANK_SQL = (
    "SELECT docid, substr(mi, 31, 2) || substr(mi, 29, 2) || substr(mi, 27, 2) || substr(mi, 25, 2) "
    "AS score FROM (SELECT docid, hex(matchinfo(search, 'pcnx')) AS mi FROM search "
    "WHERE search MATCH '{match}' LIMIT -1) ORDER BY score DESC, docid DESC LIMIT " + str(bs.LIMIT))
FTS4_COUNT_SQL = "SELECT count(*) FROM search WHERE search MATCH '{match}';\n"
FTS4_RM_SQL = ("BEGIN IMMEDIATE;\n"
               "DELETE FROM search WHERE docid = (SELECT id * 4 FROM entries WHERE uid = '{uid}');\n"
               "DELETE FROM entries WHERE uid = '{uid}';\n"
               "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags);\n"
               "INSERT INTO search(search) VALUES ('optimize');\n"
               "COMMIT;\n")

Posting = Tuple[int, int, int, str]  # term id, hits, docid, pos as hex


def leb128_deltas(positions: Sequence[int]) -> str:
    """The positions as LEB128 varints of their differences, in hex."""
    out = bytearray()
    prev = 0
    for p in positions:
        v = p - prev
        prev = p
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)
    return out.hex()


def record_terms(terms: str) -> Dict[str, List[int]]:
    """term -> its positions in a record's term list, count terms left out
    (FORMAT.md puts them after the text's terms)."""
    pos: Dict[str, List[int]] = {}
    for i, t in enumerate(terms.split(" ")):
        if t.startswith(COUNT_TERM_MARK):
            break
        ps = pos.get(t)
        if ps is None:
            pos[t] = [i]
        else:
            ps.append(i)
    return pos


def postings_of(terms: str, docid: int, term_id: Dict[str, int]) -> List[Posting]:
    """A record's rows in search_postings, in key order."""
    rows = [(term_id[t], len(ps), docid, leb128_deltas(ps)) for t, ps in record_terms(terms).items()]
    rows.sort(key=lambda r: (r[0], -r[1], -r[2]))
    return rows


class Stream:
    """One sqlcipher process reading statements from a pipe; stdout and
    stderr go to temporary files (no deadlock on a full pipe)."""

    def __init__(self, path: str, prelude: str) -> None:
        self.out, self.err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.proc = subprocess.Popen(sqlcipher_cmd(path), stdin=subprocess.PIPE,
                                     stdout=self.out, stderr=self.err)
        self.buf: List[str] = []
        self.size = 0
        self.write(prelude)

    def write(self, text: str) -> None:
        self.buf.append(text)
        self.size += len(text)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        try:
            self.proc.stdin.write("".join(self.buf).encode("utf-8"))
        except BrokenPipeError:
            pass
        self.buf.clear()
        self.size = 0

    def close(self, what: str) -> str:
        self.flush()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        rc = self.proc.wait()
        self.out.seek(0)
        self.err.seek(0)
        out = self.out.read().decode("utf-8", "replace")
        err = self.err.read().decode("utf-8", "replace").strip()
        if rc != 0:
            raise BenchError(f"{what} failed (sqlcipher exit {rc}): {err or out[-500:]}")
        return out


def read_terms(data: str, key: bytes, where: str = "") -> Dict[int, str]:
    """docid -> the terms folio stored for the record."""
    out = sql(data, key, f"SELECT docid, terms FROM search {where} ORDER BY docid;\n",
              "sqlcipher terms")
    rows: Dict[int, str] = {}
    for line in out.splitlines():
        d, sep, terms = line.partition("|")
        if sep and d.isdigit():
            rows[int(d)] = terms
    return rows


def build_p(data: str, key: bytes, n: int) -> Dict:
    """Layout P in `data`, from its `search` table's terms: the dictionary,
    then every posting in key order, in one transaction."""
    t0 = time.perf_counter()
    size_before = os.path.getsize(data)
    post: Dict[str, List[Tuple[int, int, str]]] = {}
    # The terms of every record, streamed out of one sqlcipher process.
    reader = subprocess.Popen(sqlcipher_cmd(data), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    reader.stdin.write((sqlcipher_prelude(key) +
                        "SELECT docid, terms FROM search ORDER BY docid;\n").encode())
    reader.stdin.close()
    docs = 0
    for raw_line in reader.stdout:
        d, sep, terms = raw_line.decode("utf-8").rstrip("\n").partition("|")
        if not sep or not d.isdigit():
            continue
        docid = int(d)
        docs += 1
        for t, ps in record_terms(terms).items():
            lst = post.get(t)
            if lst is None:
                post[t] = lst = []
            lst.append((len(ps), docid, leb128_deltas(ps)))
    err = reader.stderr.read().decode("utf-8", "replace").strip()
    if reader.wait() != 0 or docs != n:
        raise BenchError(f"reading the terms of {n} records found {docs}: {err}")
    read_s = time.perf_counter() - t0

    terms = sorted(post)
    term_id = {t: i for i, t in enumerate(terms, start=1)}
    w = Stream(data, sqlcipher_prelude(key) + FOLIO_PRAGMAS +
               "PRAGMA cache_size = -262144;\n" + P_SCHEMA + "BEGIN;\n")
    for i in range(0, len(terms), BATCH_ROWS):
        w.write("INSERT INTO search_terms(id, term) VALUES " + ",".join(
            f"({term_id[t]},{bs.sql_text(t)})" for t in terms[i:i + BATCH_ROWS]) + ";\n")
    rows = 0
    for t in terms:
        tid = term_id[t]
        lst = post.pop(t)
        lst.sort(key=lambda r: (-r[0], -r[1]))
        rows += len(lst)
        for i in range(0, len(lst), BATCH_ROWS):
            w.write("INSERT INTO search_postings VALUES " + ",".join(
                f"({tid},{h},{d},X'{p}')" for h, d, p in lst[i:i + BATCH_ROWS]) + ";\n")
    w.write("COMMIT;\nSELECT 'rows', count(*) FROM search_postings;\n")
    out = w.close("building layout P")
    if f"rows|{rows}" not in out.splitlines():
        raise BenchError(f"layout P holds the wrong number of rows (expected {rows}): {out[-300:]}")
    return {"build_s": time.perf_counter() - t0, "read_s": read_s, "rows": rows,
            "terms": len(terms), "term_id": term_id,
            "mib": (os.path.getsize(data) - size_before) / 2**20}


# --- the stale-copy check ---------------------------------------------------------

def stale_check(path: str, ops: int, seed: int) -> Dict:
    """Adds and deletes records in layout P on a plain SQLite file, one
    transaction an operation; then looks for the deleted unique terms in it."""
    r = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    common = [f"w{i:04d}" for i in range(STALE_COMMON)]
    term_id = {t: i for i, t in enumerate(common, start=1)}
    next_id = len(common) + 1
    for p in (path, path + "-journal"):
        if os.path.exists(p):
            os.unlink(p)
    # synchronous = OFF: the fsyncs change when the bytes reach the disk, not
    # which bytes the file holds, and 3 fsyncs a commit would make it minutes.
    w = Stream(path, FOLIO_PRAGMAS + SYNC_OFF + P_SCHEMA + "BEGIN;\n")
    for i in range(0, len(common), BATCH_ROWS):
        w.write("INSERT INTO search_terms(id, term) VALUES " + ",".join(
            f"({term_id[t]},'{t}')" for t in common[i:i + BATCH_ROWS]) + ";\n")
    w.write("COMMIT;\n")
    docs: Dict[int, List[Tuple[int, int, str, str]]] = {}  # docid -> (term id, hits, term, pos)
    deleted: List[str] = []
    adds = deletes = 0
    docid = 0
    t0 = time.perf_counter()
    for _ in range(ops):
        if len(docs) > 100 and r.random() < 0.4:
            d = r.choice(list(docs))
            rows = docs.pop(d)
            w.write("BEGIN IMMEDIATE;\n" + "".join(
                P_DELETE_ROW.format(t=tid, h=h, d=d) for tid, h, _, _ in rows))
            uniq = [(tid, t) for tid, _, t, _ in rows if tid > len(common)]
            w.write("DELETE FROM search_terms WHERE id IN (" +
                    ",".join(str(tid) for tid, _ in uniq) + ");\nCOMMIT;\n")
            deleted.extend(t for _, t in uniq)
            deletes += 1
            continue
        docid += 4
        rows = []
        w.write("BEGIN IMMEDIATE;\n")
        for t in r.sample(common, STALE_COMMON_PER_RECORD):
            rows.append((term_id[t], r.randint(1, 3), t, ""))
        for _ in range(STALE_UNIQUE_PER_RECORD):
            t = "u" + "".join(r.choice(letters) for _ in range(11))
            term_id[t] = next_id
            w.write(f"INSERT INTO search_terms(id, term) VALUES ({next_id}, '{t}');\n")
            rows.append((next_id, r.randint(1, 3), t, ""))
            next_id += 1
        rows = [(tid, h, t, leb128_deltas(sorted(r.sample(range(2000), h)))) for tid, h, t, _ in rows]
        rows.sort()
        w.write("".join(P_INSERT_ROW.format(t=tid, h=h, d=docid, pos=pos)
                        for tid, h, _, pos in rows) + "COMMIT;\n")
        docs[docid] = rows
        adds += 1
    w.write("SELECT 'rows', count(*) FROM search_postings;\n")
    out = w.close("the stale-copy check")
    elapsed = time.perf_counter() - t0
    expect = sum(len(v) for v in docs.values())
    if f"rows|{expect}" not in out.splitlines():
        raise BenchError(f"the stale-copy file holds the wrong number of rows (expected {expect})")
    with open(path, "rb") as f:
        raw = f.read()
    found = [t for t in deleted if t.encode() in raw]
    live = [t for rows in docs.values() for _, _, t, _ in rows if t.startswith("u")]
    sample = live[:200]
    return {"ops": ops, "adds": adds, "deletes": deletes, "s": elapsed, "bytes": len(raw),
            "deleted": len(deleted),
            "whole": len(found),
            "where": [f"{t}: " + where_in_file(raw, raw.index(t.encode())) for t in found],
            "tail8": sum(1 for t in deleted if t[-8:].encode() in raw),
            "live_found": sum(1 for t in sample if t.encode() in raw), "live_sample": len(sample)}


PAGE = 4096
PAGE_KINDS = {2: "interior index", 5: "interior table", 10: "leaf index", 13: "leaf table"}


def where_in_file(raw: bytes, offset: int) -> str:
    """Which page holds `offset`, and which part of it (SQLite's file format,
    "B-tree Pages"): a cell, a freeblock, or the unallocated space between
    the cell pointer array and the cell content area."""
    page_no, at = offset // PAGE + 1, offset % PAGE
    page = raw[(page_no - 1) * PAGE:page_no * PAGE]
    h = 100 if page_no == 1 else 0
    kind = PAGE_KINDS.get(page[h])
    if kind is None:
        return f"page {page_no}, byte {at}: not a b-tree page (free list or overflow)"
    u16 = lambda i: int.from_bytes(page[i:i + 2], "big")  # noqa: E731
    cells, content = u16(h + 3), u16(h + 5) or 65536
    pointers_end = h + (8 if page[h] in (10, 13) else 12) + 2 * cells
    part = "in a cell"
    if pointers_end <= at < content:
        part = (f"in the unallocated space between the cell pointers (end at {pointers_end}) "
                f"and the cell content area (starts at {content})")
    fb = u16(h + 1)
    while fb:
        if fb <= at < fb + u16(fb + 2):
            part = f"in a freeblock at {fb}"
        fb = u16(fb)
    return f"page {page_no} ({kind} b-tree page, {cells} cells), byte {at}: {part}"


# --- one size ---------------------------------------------------------------------

def vault_for(folio: str, root: str, n: int, args, pass_file: str) -> Dict:
    """The vault of n entries: built, or with --keep the one a previous run left."""
    vault = os.path.join(root, f"vault-{n}")
    marker = os.path.join(root, f"vault-{n}.built")
    stamp = f"entries {n} seed {args.seed}\n"
    if args.keep and os.path.isfile(marker) and open(marker).read() == stamp:
        print(f"bench: {n} entries: reusing {vault} (--keep)", file=sys.stderr, flush=True)
        key, _ = database_key(vault, PASSPHRASE)
        return {"vault": vault, "key": key, "reused": True}
    if os.path.exists(marker):
        os.unlink(marker)
    if os.path.exists(vault):
        shutil.rmtree(vault)
    print(f"bench: {n} entries: filling {vault} through sqlcipher ...", file=sys.stderr, flush=True)
    info = bs.build_vault(folio, vault, pass_file, n, args.seed)
    print(f"bench: {n} entries: filled in {info['build_s']:.1f} s; folio reindex ...",
          file=sys.stderr, flush=True)
    reindex_s = bs.reindex(folio, vault, pass_file, n)
    with open(marker, "w") as f:
        f.write(stamp)
    return {"vault": vault, "key": info["key"], "reused": False, "fill_s": info["build_s"],
            "reindex_s": reindex_s}


def copy_data(src: str, dst: str) -> None:
    for p in (dst, dst + "-journal"):
        if os.path.exists(p):
            os.unlink(p)
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)


def bench_size(folio: str, root: str, n: int, args, pass_file: str) -> Dict:
    v = vault_for(folio, root, n, args, pass_file)
    key = v["key"]
    data = os.path.join(v["vault"], "data")
    today = os.path.join(root, f"today-{n}.db")
    layout_p = os.path.join(root, f"p-{n}.db")
    fts4 = sql(data, key, "SELECT count(*) FROM sqlite_master WHERE name = 'search';\n",
               "sqlcipher schema").strip()
    if fts4 != "1":
        raise BenchError(f"{data} has no FTS4 `search` table: {folio} writes schema 5. This script "
                         "compares schema 4's FTS4 with layout P and needs a folio of schema 4 as "
                         "--bin (commit 5552763 or earlier); bench_search.py measures schema 5")
    copy_data(data, today)
    copy_data(data, layout_p)
    print(f"bench: {n} entries: building layout P in {layout_p} ...", file=sys.stderr, flush=True)
    p = build_p(layout_p, key, n)
    term_id = p.pop("term_id")
    print(f"bench: {n} entries: layout P built in {p['build_s']:.1f} s ({p['rows']} rows, "
          f"{p['mib']:.1f} MiB); checking and timing {args.runs} runs ...",
          file=sys.stderr, flush=True)
    prelude = sqlcipher_prelude(key) + FOLIO_PRAGMAS

    def raw(path: str, text: str, what: str) -> str:
        return run(sqlcipher_cmd(path), (prelude + text).encode("utf-8"),
                   what=what).decode("utf-8")

    def check(path: str, text: str, what: str) -> List[str]:
        # Without folio's pragmas, which print their values.
        return [l for l in sql(path, key, text, what).splitlines() if l]

    # P answers as FTS4 does: the same top 20 (ties to the larger docid) and counts.
    df: Dict[str, int] = {}
    for _, word in bs.QUERIES:
        m = bs.match_expr(word)
        fts_top = [l.split("|")[0] for l in check(today, FTS4_RANK_SQL.format(match=m) + ";\n",
                                                       "sqlcipher rank")]
        p_top = check(layout_p, P_TOP_SQL.format(term=m), "sqlcipher P top")
        fts_n = check(today, FTS4_COUNT_SQL.format(match=m), "sqlcipher count")
        p_n = check(layout_p, P_COUNT_SQL.format(term=m), "sqlcipher P count")
        if fts_top != p_top or fts_n != p_n:
            raise BenchError(f"layout P and FTS4 disagree on {word!r}: top 20 {p_top} / {fts_top}, "
                             f"count {p_n} / {fts_n}")
        df[word] = int(fts_n[0])
    plan = check(layout_p, "EXPLAIN QUERY PLAN " + P_TOP_SQL.format(term="home"),
                 "sqlcipher explain")

    # Records to delete (none with a rare word, so that the checks above stay
    # true), one set per delete row, and records whose terms the inserts reuse.
    rng = random.Random(args.seed + n)
    need = 3 * (args.runs + 1)
    cands = rng.sample(range(1, n + 1), min(n, need + FOLD + 50))
    info = read_terms(today, key, "WHERE docid IN (" + ",".join(str(4 * c) for c in cands) + ")")
    uids = dict(
        (int(l.split("|")[0]), l.split("|")[1]) for l in check(
            today, "SELECT id * 4, uid FROM entries WHERE id IN (" +
            ",".join(str(c) for c in cands) + ");\n", "sqlcipher uids"))
    rare = {w for w in bs.RARE}
    pool = [d for d in (4 * c for c in cands) if d in info and d in uids
            and not rare & set(record_terms(info[d]))]
    if len(pool) < need + 1:
        raise BenchError(f"only {len(pool)} records to delete at {n} entries; need {need + 1}")
    victims = {"today": pool[0:need:3], "P": pool[1:need:3], "P off": pool[2:need:3]}
    donors = [info[d] for d in pool[:FOLD]]
    distinct = [len(record_terms(info[d])) for d in pool]
    next_docid = [4 * (n + 1000)]

    def pick(kind: str) -> int:
        return victims[kind].pop()

    def rm_today() -> None:
        raw(today, FTS4_RM_SQL.format(uid=uids[pick("today")]), "sqlcipher rm (today)")

    def p_delete(kind: str, extra: str) -> None:
        d = pick(kind)
        body = "".join(P_DELETE_ROW.format(t=t, h=h, d=d)
                       for t, h, _, _ in postings_of(info[d], d, term_id))
        raw(layout_p, extra + "BEGIN IMMEDIATE;\n" + body + "COMMIT;\n", "sqlcipher P delete")

    def p_insert(records: int) -> None:
        rows: List[Posting] = []
        for _ in range(records):
            rows += postings_of(donors[(next_docid[0] // 4) % len(donors)], next_docid[0], term_id)
            next_docid[0] += 4
        rows.sort(key=lambda r: (r[0], -r[1], -r[2]))
        body = "".join(P_INSERT_ROW.format(t=t, h=h, d=d, pos=pos) for t, h, d, pos in rows)
        raw(layout_p, "BEGIN IMMEDIATE;\n" + body + "COMMIT;\n", "sqlcipher P insert")

    # (operation, layout, times)
    rows: List[Tuple[str, str, List[float]]] = []

    def empty() -> None:
        raw(layout_p, "SELECT 1;\n", "sqlcipher")

    rows.append(("empty process (key, pragmas)", "-", measure(empty, args.runs)))
    for label, word in bs.QUERIES:
        m = bs.match_expr(word)
        ft, pt = measure_alternately(
            [lambda: raw(today, FTS4_RANK_SQL.format(match=m) + ";\n", "sqlcipher rank"),
             lambda: raw(layout_p, P_TOP_SQL.format(term=m), "sqlcipher P top")], args.runs)
        rows.append((f"top 20: {word}", "FTS4", ft))
        rows.append((f"top 20: {word}", "P", pt))
        fc, pc = measure_alternately(
            [lambda: raw(today, FTS4_COUNT_SQL.format(match=m), "sqlcipher count"),
             lambda: raw(layout_p, P_COUNT_SQL.format(term=m), "sqlcipher P count")], args.runs)
        rows.append((f"records holding: {word}", "FTS4", fc))
        rows.append((f"records holding: {word}", "P", pc))
    td, pd, po = measure_alternately(
        [rm_today, lambda: p_delete("P", ""), lambda: p_delete("P off", SYNC_OFF)], args.runs)
    rows.append(("delete one record (folio rm)", "FTS4", td))
    rows.append(("delete one record's postings", "P", pd))
    rows.append(("delete, synchronous=OFF (not folio)", "P", po))
    rows.append(("insert one record's postings", "P", measure(lambda: p_insert(1), args.runs)))
    rows.append((f"insert {FOLD} records' postings", "P",
                 measure(lambda: p_insert(FOLD), args.runs)))

    sizes = {"data": os.path.getsize(data) / 2**20}
    for path in (today, layout_p):
        for f in (path, path + "-journal"):
            if os.path.exists(f):
                os.unlink(f)
    if not args.keep:
        shutil.rmtree(v["vault"], ignore_errors=True)
        os.unlink(os.path.join(root, f"vault-{n}.built"))
    return {"n": n, "vault": v, "p": p, "rows": rows, "df": df, "plan": plan, "sizes": sizes,
            "distinct": sum(distinct) / len(distinct)}


# --- output -----------------------------------------------------------------------

def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def print_report(results: List[Dict], stale: Optional[Dict], args) -> None:
    print("build")
    print(f"{'entries':>8}  {'fill s':>7}  {'reindex s':>9}  {'data MiB':>8}  "
          f"{'P build s':>9}  {'of it reading':>13}  {'P MiB':>7}  {'P rows':>10}  "
          f"{'terms':>6}  {'terms/record':>12}")
    for r in results:
        v, p = r["vault"], r["p"]
        fill = "kept" if v["reused"] else f"{v['fill_s']:.1f}"
        rei = "kept" if v["reused"] else f"{v['reindex_s']:.1f}"
        print(f"{r['n']:>8}  {fill:>7}  {rei:>9}  {r['sizes']['data']:>8.1f}  "
              f"{p['build_s']:>9.1f}  {p['read_s']:>13.1f}  {p['mib']:>7.1f}  {p['rows']:>10}  "
              f"{p['terms']:>6}  {r['distinct']:>12.0f}")
    print("  P build: the terms of every record read out of `search` by one sqlcipher process, "
          "postings sorted in Python, then one sqlcipher process, one transaction, "
          f"{BATCH_ROWS}-row INSERTs in key order; P MiB: what the two tables add to the file")
    print("  checked: P's top 20 and counts for " +
          ", ".join(f"{w} ({r['df'][w]} records at {r['n']})" for r in results[-1:]
                    for _, w in bs.QUERIES) + " are FTS4's (FTS4_RANK_SQL, FTS4_COUNT_SQL)")
    print("  EXPLAIN QUERY PLAN of P's top 20: " + " / ".join(results[-1]["plan"]))
    print()
    print(f"wall time of whole sqlcipher processes (raw key, folio's pragmas: secure_delete, "
          f"journal DELETE, default synchronous), ms; median and p90 of {args.runs} runs after "
          f"one warm-up; FTS4 and P rows of the same work taking turns run by run")
    head = f"{'entries':>8}  {'operation':<38} {'layout':<6} {'median':>8} {'p90':>8} {'n':>3}"
    print(head)
    print("-" * len(head))
    for r in results:
        for name, layout, ts in r["rows"]:
            print(f"{r['n']:>8}  {bs.pad(name, 38)} {layout:<6} {ms(median(ts)):>8} "
                  f"{ms(p90(ts)):>8} {len(ts):>3}")
        print()
    lo, hi = results[0], results[-1]

    def med_of(r: Dict, name: str, layout: str) -> float:
        return next(median(ts) for nm, ly, ts in r["rows"] if nm == name and ly == layout)

    print("ratios (medians)")
    p_lo = med_of(lo, "delete one record's postings", "P")
    p_hi = med_of(hi, "delete one record's postings", "P")
    t_hi = med_of(hi, "delete one record (folio rm)", "FTS4")
    if hi is not lo:
        print(f"  P delete at {hi['n']} / at {lo['n']}: {ms(p_hi)} / {ms(p_lo)} ms = "
              f"{p_hi / p_lo:.2f}x")
    else:
        print("  P delete growth: one size only")
    print(f"  today's rm at {hi['n']} / P delete at {hi['n']}: {ms(t_hi)} / {ms(p_hi)} ms = "
          f"{t_hi / p_hi:.1f}x (P takes {100 * p_hi / t_hi:.1f}% of it)")
    off = med_of(hi, "delete, synchronous=OFF (not folio)", "P")
    print(f"  P delete at {hi['n']} with synchronous=OFF: {ms(off)} ms, "
          f"{100 * (1 - off / p_hi):.0f}% less: the fsyncs of the commit")
    print()
    print("statements")
    print("  FTS4 rm:   " + FTS4_RM_SQL.format(uid="<ID>").strip().replace("\n", " "))
    print("  FTS4 top:  " + FTS4_RANK_SQL.format(match="<WORD>"))
    print("  FTS4 n:    " + FTS4_COUNT_SQL.format(match="<WORD>").strip())
    print("  P schema:  " + P_SCHEMA.strip().replace("\n", "\n             "))
    print("  P delete:  BEGIN IMMEDIATE; " + P_DELETE_ROW.format(t="<T>", h="<H>", d="<D>").strip() +
          " (one per distinct term of the record) COMMIT;")
    print("  P insert:  BEGIN IMMEDIATE; " + P_INSERT_ROW.format(t="<T>", h="<H>", d="<D>",
                                                                 pos="<POS>").strip() +
          " (one per row, in key order; the terms of real records, new docids) COMMIT;")
    print("  P top:     " + P_TOP_SQL.format(term="<WORD>").strip())
    print("  P n:       " + P_COUNT_SQL.format(term="<WORD>").strip())
    print()
    if stale:
        s = stale
        print(f"stale copies in layout P (plain SQLite file through the sqlcipher tool, no key; "
              f"folio's pragmas, synchronous=OFF; one transaction per operation, all in one process)")
        print(f"  {s['ops']} operations: {s['adds']} adds (records of {STALE_COMMON_PER_RECORD} "
              f"common + {STALE_UNIQUE_PER_RECORD} unique terms), {s['deletes']} deletes (their "
              f"postings and their unique terms' rows) in {s['s']:.1f} s; file "
              f"{s['bytes'] / 2**20:.1f} MiB")
        print(f"  deleted unique terms still in the file: {s['whole']} of {s['deleted']} whole, "
              f"{s['tail8']} of {s['deleted']} by their last 8 bytes "
              f"(live ones found, to show the search works: {s['live_found']} of "
              f"{s['live_sample']})")
        for w in s["where"]:
            print(f"    {w}")
        print()
    print(load_line("at the end") + ": other work on the machine moves the figures")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Time schema 4's FTS4 index against a postings layout "
                                             "(layout P) for delete, insert and search.")
    ap.add_argument("--sizes", default="1000,100000",
                    help="comma-separated numbers of entries (default: 1000,100000)")
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each operation (default: 7)")
    ap.add_argument("--stale-ops", type=int, default=3000, metavar="N",
                    help="operations of the stale-copy check, 0 to skip (default: 3000)")
    ap.add_argument("--bin", default="./build/folio", help="the folio binary (default: ./build/folio)")
    ap.add_argument("--seed", type=int, default=20261123, help="generator seed")
    ap.add_argument("--workdir", help="where to build the vaults, created if missing "
                                      "(default: a new folder in $TMPDIR)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the vaults in --workdir, and reuse the ones a previous --keep run "
                         "left there (same size and seed); the copies are always removed")
    args = ap.parse_args(argv)
    try:
        sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        ap.error(f"--sizes: not a list of numbers: {args.sizes}")
    if not sizes or any(s < 200 for s in sizes):
        ap.error("--sizes: each size must be at least 200")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.keep and not args.workdir:
        ap.error("--keep needs --workdir")

    folio = os.path.abspath(args.bin)
    why = check_prerequisites(folio)
    if why:
        print(f"bench: error: {why}", file=sys.stderr)
        return 2
    root = args.workdir or tempfile.mkdtemp(prefix="folio-index-")
    os.makedirs(root, mode=0o700, exist_ok=True)
    pass_file = write_passphrase_file(root)
    print_preamble(folio, argv)
    results: List[Dict] = []
    stale: Optional[Dict] = None
    status = 0
    try:
        for n in sizes:
            results.append(bench_size(folio, root, n, args, pass_file))
        if args.stale_ops > 0:
            print(f"bench: stale-copy check, {args.stale_ops} operations ...", file=sys.stderr,
                  flush=True)
            path = os.path.join(root, "stale.db")
            stale = stale_check(path, args.stale_ops, args.seed)
            os.unlink(path)
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        status = 1
    except subprocess.TimeoutExpired as e:
        print(f"bench: error: a command ran too long: {' '.join(e.cmd)}", file=sys.stderr)
        status = 1
    finally:
        if results:
            print_report(results, stale, args)
        if args.keep:
            print(f"\nvaults kept in {root} (passphrase file: {pass_file})")
        elif not args.workdir:
            shutil.rmtree(root, ignore_errors=True)
        else:
            os.unlink(pass_file)
            for n in sizes:
                shutil.rmtree(os.path.join(root, f"vault-{n}"), ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
