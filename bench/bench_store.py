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
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (  # noqa: E402  (the helpers both benchmarks share)
    LIST_SQL, SHOW_SQL, BenchError, check_prerequisites, fill, measure, new_vault, p90, print_preamble, run,
    sql_text, sqlcipher_cmd, sqlcipher_prelude, utc, write_passphrase_file, ID_ALPHABET, TIMEOUT)

LIST_LIMIT = 20


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


def build_vault(folio: str, vault: str, pass_file: str, n: int, seed: int) -> Dict:
    """Creates the vault with folio, fills it with `n` entries through sqlcipher."""
    t0 = time.perf_counter()
    key, key_source = new_vault(folio, vault, pass_file)
    data = os.path.join(vault, "data")

    corpus = Corpus(seed)
    span = datetime.timedelta(days=8 * 365)
    start = datetime.datetime(2018, 1, 1, 6, 0, 0)
    step = span / n
    sample: Dict[str, Tuple[str, Optional[str], str]] = {}
    keep_every = max(1, n // 200)  # a few hundred entries kept for checks and `show`
    chars = [0]

    def statements():
        for i, name in enumerate(TAGS, start=1):
            yield f"INSERT INTO tags(id, name) VALUES ({i}, {sql_text(name)});\n"
        tag_id = {name: i for i, name in enumerate(TAGS, start=1)}
        for i in range(n):
            row = i + 1
            created = start + step * i + datetime.timedelta(
                seconds=corpus.rng.randint(0, max(0, int(step.total_seconds()) - 1)))
            updated = created
            if corpus.rng.random() < 0.1:
                updated = created + datetime.timedelta(minutes=corpus.rng.randint(1, 60 * 24 * 30))
            uid, title, body, tags = corpus.uid(), corpus.title(), corpus.body(), corpus.tags()
            chars[0] += len(body)
            if i % keep_every == 0 or i >= n - LIST_LIMIT:
                sample[uid] = (utc(created), title, body)
            yield (f"INSERT INTO entries(id, uid, created, updated, title, body) VALUES "
                   f"({row}, '{uid}', '{utc(created)}', '{utc(updated)}', "
                   f"{sql_text(title)}, {sql_text(body)});\n")
            for t in tags:
                yield f"INSERT INTO entry_tags(entry_id, tag_id) VALUES ({row}, {tag_id[t]});\n"

    fill(data, key, statements(), n)
    chars = chars[0]
    built = time.perf_counter() - t0
    return {"key": key, "key_source": key_source, "sample": sample, "build_s": built,
            "chars": chars, "data_bytes": os.path.getsize(data)}


# --- the queries --------------------------------------------------------------

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
    why = check_prerequisites(folio)
    if why:
        print(f"bench: error: {why}", file=sys.stderr)
        return 2

    root = args.workdir or tempfile.mkdtemp(prefix="folio-bench-")
    own_root = not args.workdir  # a folder given by the user is never removed, only our files in it
    os.makedirs(root, mode=0o700, exist_ok=True)
    pass_file = write_passphrase_file(root)
    print_preamble(folio, argv)

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
