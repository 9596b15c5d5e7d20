#!/usr/bin/python3
"""How long `folio list` and `folio show` take on a large vault.

For each size (number of entries) this script:

1. creates a vault with the real binary, at the cheapest key-derivation cost
   folio accepts (`init --kdf-memory 8K --kdf-ops 1 --allow-weak-kdf
   --allow-weak`), so that the figures measure the store and the process, not
   Argon2id;
2. fills it directly through the `sqlcipher` command-line tool, following
   docs/FORMAT.md (schema version 1), with generated entries: mixed Chinese
   and English bodies of 200 to 2000 characters, titles, tags, timestamps
   spread over eight years. The generator is seeded, so every run builds the
   same vault. Adding 100,000 entries through 100,000 `folio add` processes
   would take far longer and measure something else;
3. checks that folio reads what was written (the newest entries and one body);
4. times whole processes, each run from start to exit:
     - `folio list --limit 20` and `folio show ID` (passphrase from a file),
     - the same queries through `sqlcipher` with the raw database key:
       the statements folio's library runs (src/journal/journal.cpp,
       src/store/ids.cpp), the list walking the `entries_by_created` index
       newest first,
     - and, as a floor, starting each program without opening anything;
5. prints the median and the 90th percentile (nearest rank) of each, and the
   ratio folio / sqlcipher.

It exits non-zero only when something does not work (the binary is missing,
a command fails, folio reads back something else); never because of a figure.

Standard library only, plus python3-nacl for the key derivation (through
tests/format/reader.py when present). Run it with /usr/bin/python3:

    /usr/bin/python3 bench/bench_store.py --sizes 1000 --runs 5
    /usr/bin/python3 bench/bench_store.py                   # 10000,100000 x 15
"""

import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READER_PATH = os.path.join(REPO, "tests", "format", "reader.py")

PASSPHRASE = "folio bench passphrase"
CHEAPEST_KDF = ["--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf", "--allow-weak"]
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # FORMAT.md: no i, l, o, u
LIST_LIMIT = 20
TIMEOUT = 600  # seconds for one command; each should take well under one


class BenchError(Exception):
    """Something did not work; the message says what."""


# --- the database key (FORMAT.md "Keys" and "Opening a slot") ---------------

def _load_reader():
    """tests/format/reader.py, the independent reader of FORMAT.md, if present."""
    if not os.path.isfile(READER_PATH):
        return None
    spec = importlib.util.spec_from_file_location("folio_format_reader", READER_PATH)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # a half-written reader must not stop the bench
        print(f"bench: note: cannot load {READER_PATH} ({e}); using the built-in derivation",
              file=sys.stderr)
        return None
    return module


def _database_key_builtin(vault: str, passphrase: str) -> bytes:
    """The same steps as reader.py, for when it is missing: FORMAT.md alone."""
    import unicodedata
    import nacl.bindings
    import nacl.encoding
    import nacl.exceptions
    import nacl.hash
    import nacl.pwhash.argon2id

    def blake2b(msg: bytes, size: int, key: bytes) -> bytes:
        return nacl.hash.blake2b(msg, digest_size=size, key=key,
                                 encoder=nacl.encoding.RawEncoder)

    with open(os.path.join(vault, "header"), "rb") as f:
        header = f.read()
    if len(header) != 1024:
        raise BenchError(f"{vault}/header is {len(header)} bytes, not 1024")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    for i in range(8):
        slot = header[128 * i:128 * (i + 1)]
        salt, masked, nonce, wrapped = slot[0:16], slot[16:56], slot[56:80], slot[80:128]
        mask = blake2b(salt, 40, b"folio keyslot parameter mask v1")
        params = bytes(a ^ b for a, b in zip(masked, mask))
        if params[0:8] != b"folio-ks" or int.from_bytes(params[8:10], "little") != 1:
            continue
        if params[10] != 1:  # not a passphrase slot
            continue
        ops = int.from_bytes(params[12:16], "little")
        memory = int.from_bytes(params[16:24], "little")
        kek = nacl.pwhash.argon2id.kdf(32, secret, salt, opslimit=ops, memlimit=memory)
        try:
            dek = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                wrapped, salt + params, nonce, kek)
        except nacl.exceptions.CryptoError:
            continue
        return blake2b(b"folio sqlcipher key v1", 32, dek)
    raise BenchError("no passphrase keyslot of the new vault opens with the bench passphrase")


def database_key(vault: str, passphrase: str) -> Tuple[bytes, str]:
    """(the 32-byte SQLCipher key, which code derived it)."""
    reader = _load_reader()
    if reader is not None:
        try:
            return reader.open_vault(vault, passphrase).database_key, "tests/format/reader.py"
        except reader.FormatError as e:
            raise BenchError(f"tests/format/reader.py cannot open the new vault: {e}") from None
    return _database_key_builtin(vault, passphrase), "bench_store.py (built-in)"


# --- generated entries -------------------------------------------------------

EN_SUBJECTS = ["I", "We", "My sister", "Mum", "Dad", "The lawyer", "My friend Lin",
               "The officer", "Our neighbour", "My manager", "The agent", "Grandma"]
EN_VERBS = ["called about", "asked again about", "finally sent", "forgot", "printed",
            "translated", "signed", "worried about", "talked to me about", "checked",
            "lost and found", "paid for", "could not find", "made copies of"]
EN_OBJECTS = ["the visa forms", "the bank statement", "my passport", "the job offer",
              "the notarised diploma", "the flight tickets", "the medical exam",
              "the rental contract", "the birth certificate", "the police record",
              "the language test", "the savings proof", "the invitation letter",
              "the apartment keys", "the school transcript", "the tax return"]
EN_TAILS = ["this morning", "before lunch", "after work", "late at night", "again",
            "at the embassy", "at the notary's office", "on the phone", "by email",
            "without telling anyone", "and it took three hours", "and nobody asked why",
            "while it was raining", "but I'm not sure it's enough", "so that's done"]
EN_EXTRA = ["It's strange how quiet the flat feels now.",
            "I don't want to write down the address here.",
            "Remember: the appointment is at 9:30, gate B, bring two photos.",
            "Deleted the old chats from my phone, just in case.",
            "Nobody at work knows yet. It has to stay that way for a while.",
            "Slept badly. Dreamt about the airport again.",
            "Bought a small suitcase, \"just for a holiday\", I told them.",
            "Total so far: 2,340 for fees, 780 for translations."]

ZH_TIMES = ["今天", "昨天", "早上", "晚上", "下午", "周末", "上个月", "刚才", "半夜", "这几天"]
ZH_SUBJECTS = ["我", "我们", "妈妈", "爸爸", "姐姐", "律师", "朋友小林", "中介", "同事", "邻居"]
ZH_VERBS = ["去办了", "又问了", "终于拿到了", "忘了带", "复印了", "翻译了", "签了",
            "一直在担心", "偷偷准备了", "重新填写了", "寄出了", "去公证处公证了"]
ZH_OBJECTS = ["签证材料", "银行流水", "护照", "工作邀请函", "学历证明", "机票",
              "体检报告", "租房合同", "出生证明", "无犯罪记录证明", "语言成绩单",
              "存款证明", "户口本", "结婚证", "推荐信", "简历"]
ZH_TAILS = ["，花了整整一个上午。", "，但是还不够。", "，心里很紧张。", "，没有告诉任何人。",
            "，下周还要再去一次。", "，终于松了一口气。", "，排队排了三个小时。",
            "，外面一直在下雨。", "，希望一切顺利。", "。"]
ZH_EXTRA = ["这件事不能在电话里说。", "手机里的聊天记录已经删掉了。",
            "晚上睡不着，又想起了机场的那个梦。", "他们问我为什么要去，我说是去旅游。",
            "费用一共两千三百四十元，翻译费另算。", "妈妈还不知道，我还没想好怎么说。",
            "边境检查的时候会不会看手机？", "我把地址写在纸上，没有存在手机里。"]

TITLES_EN = ["Embassy, second visit", "Bank", "Notes for the lawyer", "Packing list",
             "A bad night", "Interview prep", "Money", "What to tell Mum", "Day off",
             "Documents checklist", "Plans", "The call"]
TITLES_ZH = ["签证", "大使馆第二次", "银行", "给律师的问题", "行李清单", "面试准备",
             "存款", "怎么跟妈妈说", "休息日", "材料清单", "计划", "那个电话"]
TAGS = ["visa", "签证", "bank", "银行", "family", "家人", "health", "work", "工作",
        "travel", "docs", "材料", "lawyer", "money", "dream", "日记", "school", "housing",
        "embassy", "plans"]


class Corpus:
    """Deterministic entries. Sentences are drawn from a fixed pool, made once."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        r = self.rng
        self.en = [f"{r.choice(EN_SUBJECTS)} {r.choice(EN_VERBS)} {r.choice(EN_OBJECTS)} "
                   f"{r.choice(EN_TAILS)}." for _ in range(600)] + EN_EXTRA
        self.zh = [f"{r.choice(ZH_TIMES)}{r.choice(ZH_SUBJECTS)}{r.choice(ZH_VERBS)}"
                   f"{r.choice(ZH_OBJECTS)}{r.choice(ZH_TAILS)}" for _ in range(600)] + ZH_EXTRA
        self.uids = set()

    def uid(self) -> str:
        while True:
            u = "".join(self.rng.choice(ID_ALPHABET) for _ in range(8))
            if u not in self.uids:
                self.uids.add(u)
                return u

    def body(self) -> str:
        """200 to 2000 characters: paragraphs mostly in one language, some mixed."""
        r = self.rng
        target = r.randint(200, 2000)
        parts: List[str] = []
        length = 0
        while length < target:
            mode = r.random()
            if mode < 0.45:
                para = " ".join(r.choice(self.en) for _ in range(r.randint(2, 6)))
            elif mode < 0.9:
                para = "".join(r.choice(self.zh) for _ in range(r.randint(2, 6)))
            else:  # code-switching inside one paragraph
                para = " ".join(r.choice(self.zh) + " " + r.choice(self.en)
                                for _ in range(r.randint(1, 3)))
            parts.append(para)
            length += len(para) + 2
        text = "\n\n".join(parts)[:target].rstrip()
        return text + "\n"

    def title(self) -> Optional[str]:
        r = self.rng.random()
        if r < 0.3:
            return self.rng.choice(TITLES_EN)
        if r < 0.6:
            return self.rng.choice(TITLES_ZH)
        return None

    def tags(self) -> List[str]:
        return self.rng.sample(TAGS, self.rng.choice([0, 1, 1, 1, 2, 2, 3]))


def sql_text(s: Optional[str]) -> str:
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


def utc(t: datetime.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- running commands --------------------------------------------------------

def sqlcipher_prelude(key: bytes) -> str:
    # FORMAT.md "The database": the raw key, then the page size, before any read.
    return f"PRAGMA key = \"x'{key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\n"


def sqlcipher_cmd(data: str) -> List[str]:
    return ["sqlcipher", "-batch", "-bail", "-init", os.devnull, "-list", "-noheader", data]


def run(cmd: Sequence[str], stdin: Optional[bytes] = None, what: str = "") -> bytes:
    p = subprocess.run(list(cmd), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT, check=False)
    if p.returncode != 0:
        raise BenchError(f"{what or cmd[0]} failed with exit code {p.returncode}:\n"
                         f"  command: {' '.join(cmd)}\n"
                         f"  stderr: {p.stderr.decode('utf-8', 'replace').strip()}")
    return p.stdout


def build_vault(folio: str, vault: str, pass_file: str, n: int, seed: int) -> Dict:
    """Creates the vault with folio, fills it with `n` entries through sqlcipher."""
    t0 = time.perf_counter()
    run([folio, "--vault", vault, "--passphrase-file", pass_file, "init"] + CHEAPEST_KDF,
        what="folio init")
    key, key_source = database_key(vault, PASSPHRASE)
    data = os.path.join(vault, "data")

    corpus = Corpus(seed)
    span = datetime.timedelta(days=8 * 365)
    start = datetime.datetime(2018, 1, 1, 6, 0, 0)
    step = span / n
    sample: Dict[str, Tuple[str, Optional[str], str]] = {}
    keep_every = max(1, n // 200)  # a few hundred entries kept for checks and `show`
    chars = 0

    out_f = tempfile.TemporaryFile()
    err_f = tempfile.TemporaryFile()
    proc = subprocess.Popen(sqlcipher_cmd(data), stdin=subprocess.PIPE,
                            stdout=out_f, stderr=err_f)
    w = proc.stdin
    try:
        w.write(sqlcipher_prelude(key).encode("ascii"))
        # As folio sets them on every open (FORMAT.md); a larger cache only for speed.
        w.write(b"PRAGMA secure_delete = ON;\nPRAGMA temp_store = MEMORY;\n"
                b"PRAGMA journal_mode = DELETE;\nPRAGMA foreign_keys = ON;\n"
                b"PRAGMA cache_size = -65536;\nBEGIN;\n")
        for i, name in enumerate(TAGS, start=1):
            w.write(f"INSERT INTO tags(id, name) VALUES ({i}, {sql_text(name)});\n".encode())
        tag_id = {name: i for i, name in enumerate(TAGS, start=1)}
        buf: List[str] = []
        for i in range(n):
            row = i + 1
            created = start + step * i + datetime.timedelta(
                seconds=corpus.rng.randint(0, max(0, int(step.total_seconds()) - 1)))
            updated = created
            if corpus.rng.random() < 0.1:
                updated = created + datetime.timedelta(minutes=corpus.rng.randint(1, 60 * 24 * 30))
            uid, title, body, tags = corpus.uid(), corpus.title(), corpus.body(), corpus.tags()
            chars += len(body)
            if i % keep_every == 0 or i >= n - LIST_LIMIT:
                sample[uid] = (utc(created), title, body)
            buf.append(f"INSERT INTO entries(id, uid, created, updated, title, body) VALUES "
                       f"({row}, '{uid}', '{utc(created)}', '{utc(updated)}', "
                       f"{sql_text(title)}, {sql_text(body)});\n")
            for t in tags:
                buf.append(f"INSERT INTO entry_tags(entry_id, tag_id) VALUES ({row}, {tag_id[t]});\n")
            if len(buf) >= 2000:
                w.write("".join(buf).encode("utf-8"))
                buf.clear()
        w.write("".join(buf).encode("utf-8"))
        w.write(b"COMMIT;\nSELECT 'rows', count(*) FROM entries;\n")
        w.close()
    except BrokenPipeError:
        pass
    rc = proc.wait()
    out_f.seek(0)
    err_f.seek(0)
    out = out_f.read().decode("utf-8", "replace")
    err = err_f.read().decode("utf-8", "replace").strip()
    if rc != 0 or f"rows|{n}" not in out.splitlines():
        raise BenchError(f"filling the vault through sqlcipher failed (exit {rc}): {err or out[-500:]}")
    built = time.perf_counter() - t0
    return {"key": key, "key_source": key_source, "sample": sample, "build_s": built,
            "chars": chars, "data_bytes": os.path.getsize(data)}


# --- the queries --------------------------------------------------------------

# The statements folio runs, with the bound values written in: Journal::list
# without filters (src/journal/journal.cpp); for show, the id lookup of
# src/store/ids.cpp, then the entry with its tags (journal.cpp, load).
LIST_SQL = (
    "SELECT e.uid, e.created, e.updated, e.title, substr(e.body, 1, 400), length(e.body), "
    "(SELECT group_concat(t.name, ',') FROM entry_tags et2 JOIN tags t ON t.id = et2.tag_id "
    " WHERE et2.entry_id = e.id) "
    "FROM entries e WHERE e.created >= '' AND e.created < '~' "
    "ORDER BY e.created DESC, e.id DESC LIMIT {limit};\n")
SHOW_SQL = (
    "SELECT id, uid FROM entries WHERE uid >= '{uid}' AND uid < '{uid}' || '~' "
    "ORDER BY uid LIMIT 2;\n"
    "SELECT uid, created, updated, title, body, "
    "(SELECT group_concat(t.name, ',') FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
    " WHERE et.entry_id = e.id) FROM entries e WHERE e.uid = '{uid}';\n")


def check_reads(folio: str, vault: str, pass_file: str, key: bytes,
                sample: Dict[str, Tuple[str, Optional[str], str]]) -> None:
    """folio and sqlcipher agree on the newest entries, and folio shows a body intact."""
    base = [folio, "--vault", vault, "--passphrase-file", pass_file]
    listed = json.loads(run(base + ["list", "--limit", str(LIST_LIMIT), "--json"],
                            what="folio list").decode("utf-8"))
    folio_ids = [e["id"] for e in listed]
    only_uids = "SELECT uid FROM (" + LIST_SQL.format(limit=LIST_LIMIT).rstrip(";\n") + ");\n"
    raw = run(sqlcipher_cmd(os.path.join(vault, "data")),
              (sqlcipher_prelude(key) + only_uids).encode(), what="sqlcipher list")
    sql_ids = raw.decode("ascii").split()
    if folio_ids != sql_ids[:len(folio_ids)] or len(folio_ids) != min(LIST_LIMIT, len(sample)):
        raise BenchError(f"folio list and sqlcipher disagree on the newest entries:\n"
                         f"  folio:     {folio_ids}\n  sqlcipher: {sql_ids}")
    uid = folio_ids[-1]
    shown = json.loads(run(base + ["show", uid, "--json"], what="folio show").decode("utf-8"))
    created, title, body = sample[uid]
    if shown.get("body") != body or shown.get("title") != title or shown.get("created") != created:
        raise BenchError(f"folio show {uid} differs from the entry written through sqlcipher")


def measure(fn: Callable[[], None], runs: int) -> List[float]:
    fn()  # warm-up: the page cache and the dynamic loader, not counted
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def p90(xs: List[float]) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


def bench_size(folio: str, root: str, n: int, runs: int, seed: int) -> Dict:
    vault = os.path.join(root, f"vault-{n}")
    pass_file = os.path.join(root, "passphrase")
    print(f"bench: building a vault of {n} entries in {vault} ...", file=sys.stderr, flush=True)
    info = build_vault(folio, vault, pass_file, n, seed)
    key = info["key"]
    check_reads(folio, vault, pass_file, key, info["sample"])
    print(f"bench: built in {info['build_s']:.1f} s; timing {runs} runs of each query ...",
          file=sys.stderr, flush=True)

    data = os.path.join(vault, "data")
    base = [folio, "--vault", vault, "--passphrase-file", pass_file]
    prelude = sqlcipher_prelude(key)
    # Different entries for `show`, the same ones for both tools.
    uids = random.Random(seed + n).sample(sorted(info["sample"]), min(runs + 1, len(info["sample"])))
    show_iter = {"folio": 0, "sqlcipher": 0}

    def folio_show() -> None:
        uid = uids[show_iter["folio"] % len(uids)]
        show_iter["folio"] += 1
        run(base + ["show", uid], what="folio show")

    def sqlcipher_show() -> None:
        uid = uids[show_iter["sqlcipher"] % len(uids)]
        show_iter["sqlcipher"] += 1
        out = run(sqlcipher_cmd(data), (prelude + SHOW_SQL.format(uid=uid)).encode(),
                  what="sqlcipher show")
        if uid.encode() not in out:
            raise BenchError(f"sqlcipher did not find entry {uid}")

    list_sql = (prelude + LIST_SQL.format(limit=LIST_LIMIT)).encode()
    rows = [
        ("start only (no vault)",
         measure(lambda: run([folio, "version"], what="folio version"), runs),
         measure(lambda: run(sqlcipher_cmd(":memory:"), b"SELECT 1;\n", what="sqlcipher"), runs)),
        (f"list --limit {LIST_LIMIT}",
         measure(lambda: run(base + ["list", "--limit", str(LIST_LIMIT)], what="folio list"), runs),
         measure(lambda: run(sqlcipher_cmd(data), list_sql, what="sqlcipher list"), runs)),
        ("show ID",
         measure(folio_show, runs),
         measure(sqlcipher_show, runs)),
    ]
    info["rows"] = rows
    info["n"] = n
    return info


# --- output -------------------------------------------------------------------

def ms(x: float) -> str:
    return f"{x * 1000:8.1f}"


def print_table(results: List[Dict], runs: int) -> None:
    print(f"wall time of whole processes, milliseconds; median and p90 of {runs} runs "
          f"after one warm-up; ratio = folio / sqlcipher (medians)")
    head = (f"{'entries':>8}  {'query':<24} {'folio med':>9} {'p90':>8}   "
            f"{'sqlcipher med':>13} {'p90':>8}   {'ratio':>6}")
    print(head)
    print("-" * len(head))
    for r in results:
        for name, f_times, s_times in r["rows"]:
            fm, sm = statistics.median(f_times), statistics.median(s_times)
            ratio = f"{fm / sm:6.2f}" if sm > 0 else "     -"
            print(f"{r['n']:>8}  {name:<24} {ms(fm):>9} {ms(p90(f_times))}   "
                  f"{ms(sm):>13} {ms(p90(s_times))}   {ratio}")
    print()
    for r in results:
        print(f"{r['n']:>8} entries: data file {r['data_bytes'] / 2**20:.1f} MiB, "
              f"{r['chars'] / r['n']:.0f} characters a body on average, "
              f"built in {r['build_s']:.1f} s (key derived by {r['key_source']})")


def version_of(cmd: List[str]) -> str:
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           input=b"", timeout=30, check=False)
        return p.stdout.decode("utf-8", "replace").strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Time folio list/show against sqlcipher "
                                             "on generated vaults.")
    ap.add_argument("--sizes", default="10000,100000",
                    help="comma-separated numbers of entries (default: 10000,100000)")
    ap.add_argument("--runs", type=int, default=15, help="timed runs of each query (default: 15)")
    ap.add_argument("--bin", default="./build/folio", help="the folio binary (default: ./build/folio)")
    ap.add_argument("--seed", type=int, default=20261123, help="generator seed")
    ap.add_argument("--workdir", help="where to build the vaults (default: a new folder in $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the vaults afterwards")
    args = ap.parse_args(argv)

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--sizes: not a list of numbers: {args.sizes}")
    if not sizes or any(s < LIST_LIMIT for s in sizes):
        ap.error(f"--sizes: each size must be at least {LIST_LIMIT}")
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    folio = os.path.abspath(args.bin)
    if not os.access(folio, os.X_OK):
        print(f"bench: error: no folio binary at {folio}", file=sys.stderr)
        print("bench: hint: build it (cmake -S . -B build && cmake --build build) or give --bin PATH",
              file=sys.stderr)
        return 2
    if shutil.which("sqlcipher") is None:
        print("bench: error: the sqlcipher command-line tool is missing "
              "(Debian: apt-get install sqlcipher)", file=sys.stderr)
        return 2
    try:
        import nacl.bindings  # noqa: F401
    except ImportError:
        print("bench: error: python3-nacl is missing (Debian: apt-get install python3-nacl); "
              "run this script with /usr/bin/python3", file=sys.stderr)
        return 2

    root = args.workdir or tempfile.mkdtemp(prefix="folio-bench-")
    own_root = not args.workdir  # a folder given by the user is never removed, only our files in it
    os.makedirs(root, mode=0o700, exist_ok=True)
    pass_file = os.path.join(root, "passphrase")
    fd = os.open(pass_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, (PASSPHRASE + "\n").encode())
    os.close(fd)

    print(f"folio:     {version_of([folio, 'version'])}")
    print(f"sqlcipher: {version_of(['sqlcipher', '-version'])}")
    print(f"machine:   {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"command:   {' '.join([os.path.relpath(sys.argv[0])] + argv)}")
    print()
    sys.stdout.flush()

    results = []
    status = 0
    try:
        for n in sizes:
            if os.path.exists(os.path.join(root, f"vault-{n}")):
                shutil.rmtree(os.path.join(root, f"vault-{n}"))
            results.append(bench_size(folio, root, n, args.runs, args.seed))
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        status = 1
    except subprocess.TimeoutExpired as e:
        print(f"bench: error: a command ran longer than {TIMEOUT} s: {' '.join(e.cmd)}",
              file=sys.stderr)
        status = 1
    finally:
        if results:
            print_table(results, args.runs)
        if args.keep:
            print(f"\nvaults kept in {root} (passphrase file: {pass_file})")
        elif own_root:
            shutil.rmtree(root, ignore_errors=True)
        else:
            for n in sizes:
                shutil.rmtree(os.path.join(root, f"vault-{n}"), ignore_errors=True)
            os.unlink(pass_file)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
