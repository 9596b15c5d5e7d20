#!/usr/bin/python3
"""How long `folio search` (and add, show, list) take on a large vault.

For each size (number of journal entries, default 1000, 10000 and 100000)
this script:

1. creates a vault with the real binary at the cheapest key-derivation cost
   folio accepts (`init --kdf-memory 8K --kdf-ops 1 --allow-weak-kdf
   --allow-weak`, passphrase from a 0600 file), so that the figures measure
   the process and the store, not Argon2id;
2. fills it through the `sqlcipher` command-line tool, following
   docs/FORMAT.md, with generated entries: a journal of someone moving
   abroad, in Chinese, in English or in both, 200 to 2000 characters each,
   from word lists written below and a fixed seed (nothing is downloaded).
   Each entry has a topic; `签证` (visa) comes up in the visa topic only, so
   it is in a realistic fraction of the entries, while `签` and `证` alone are
   everywhere (签名, 书签, 身份证, 证明...). A few rare words are planted in a
   handful of entries (`quokka` in 5, whatever the size);
3. runs `folio reindex` once to build the search index with folio's own
   tokenizer, and times it (the upgrade of an existing vault to schema 5
   does the same work); the index is schema 5's postings (docs/FORMAT.md
   "Schema version 5"): search_docs, search_terms, search_postings,
   search_stats;
4. checks the index and the queries: no record is pending after the
   reindex; the number of records each query's term is in (its postings,
   and search_terms.docs) equals what the generator wrote; the terms stored
   for a few records are the script's, and so are their postings (term,
   hits, and the positions decoded from LEB128); the SQL counts of
   FORMAT.md's invariants (INDEX_CHECKS: search_stats, each term's docs,
   no posting without its term or its record, every record one row, fewer
   than 64 pending) are 0; `folio search quokka` finds exactly the planted
   entries; and folio's top 20 for each query (text and --json) are the
   rows, in the order, that the raw SQL below returns (RANK_SQL: the term's
   postings in key order, hits DESC then docid DESC, with the pending
   records' hits counted from their terms by replace(); folio's score is
   monotone in the hits of a one-word query). Not checked in SQL: that a
   record has one posting per distinct term (splitting `terms` in SQL is
   not written here); the script checks it in Python for the records it
   reads (check_records);
5. times whole processes (median and p90 over --runs runs, after one untimed
   warm-up), each beside the same work through the `sqlcipher` tool with the
   raw database key, the two taking turns run by run (so that a burst of other
   load falls on both): `folio show ID`, `folio list --limit 20` (the statements
   folio runs, benchlib.SHOW_SQL and LIST_SQL), `folio search` of a rare
   word, a common English word and a two-character Chinese word (each one
   term: the Chinese word compiles to its pair term; SEARCH_SQL: the
   search_stats and search_terms rows folio reads, the top 20 of RANK_SQL
   and the columns folio shows for them; apart, BARE_SQL, the newest 20
   holding the term, unranked), then `folio add` (an entry on stdin),
   `folio edit ID --stdin` and `folio rm ID --yes` (ADD_SQL, EDIT_SQL,
   RM_SQL with folio's pragmas: the rows; add inserts a pending search_docs
   row and adds 1 to search_stats; rm deletes the record's postings by
   their whole key, takes 1 from each term's docs or deletes its row, and
   deletes the search_docs row (unindex_sql); edit does both). The raw add
   and edit never write the postings of 64 pending records as folio's 64th
   does (that would need the positions in SQL); instead the script fills
   the pending records up to 63 through sqlcipher and times folio's add of
   the 64th apart ('add, the 64th pending', folio only, up to 3 runs), and
   prints the pending records each write left and what one add costs over
   64. After the writes it checks again: no posting or row of a removed
   record, the edited records' new terms, the invariants, and folio's top
   20 against the raw SQL with the pending records in it. edit and rm runs
   stop after --slow-budget seconds (they took seconds at 100,000 entries
   with schema 4's FTS4);
6. unless --no-pass: puts the same texts in a `pass` store (Debian's `pass`
   and `gnupg`, installed with apt-get when missing; a throwaway GNUPGHOME
   with a key without passphrase) and times `pass grep -i WORD` for the rare
   word: the decrypt-everything approach. A size is skipped ('not measured',
   with the reason) when building its store would take over
   --pass-build-limit (600 s, judged from the first 2000 entries) or one
   `pass grep` over it over --pass-grep-limit (600 s, judged from the time an
   entry took at the previous size); runs stop after --pass-grep-budget;
7. at the largest size, unless --no-analyze: times the parts of a search
   one by one inside a sqlcipher process (reading the pending records, and
   for each query word: its search_terms row, the postings walk of the top
   20, every posting of the term as any query other than one word reads
   it, and the newest 20 by docid, a sort), prints the query plan of the
   top 20 and the bytes the index takes: the sqlcipher tool has no dbstat,
   so the payloads (search_docs terms, search_terms, search_postings pos)
   and the pages in use after `folio reindex` less those before it;
8. prints, for each size and operation, folio's median and p90, the same
   for sqlcipher, the ratio folio / sqlcipher and the ratio to folio's median
   at the smallest size; then pass grep against folio search, and PASS/MISS
   against the targets: a search at 100,000 entries under 50 ms median end
   to end excluding the KDF; each operation at 100,000 within 2x of its time
   at 1,000; edit and rm at 100,000 under 150 ms whole-process (issue 16);
   folio within 1.5x of the raw sqlcipher work. With a session
   agent (`folio unlock`; skip with --no-agent) it times show, list and the
   searches again without passphrase or KDF, against the same sqlcipher
   figures, with the agent issue's target: within 2x.

It exits non-zero only when something does not work (missing binary or tool,
a command failing, a check failing); never because of a figure.

Standard library only, plus python3-nacl (the key derivation, through
tests/format/reader.py; see benchlib.py, shared with bench_store.py). Run it with /usr/bin/python3:

    /usr/bin/python3 bench/bench_search.py --sizes 1000 --runs 5 --no-pass
    /usr/bin/python3 bench/bench_search.py            # 1000,10000,100000 x 15
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (  # noqa: E402  (the helpers both benchmarks share)
    FOLIO_PRAGMAS, ID_ALPHABET, LIST_SQL, SHOW_SQL, BenchError, check_prerequisites, fill, kdf_time_ms,
    load_line, measure_alternately, measure_budget, median, new_vault, p90, print_preamble, run, sql,
    sql_text, sqlcipher_cmd, sqlcipher_prelude, utc, version_of, write_passphrase_file)

LIMIT = 20               # folio search's and list's default limit
PASS_GREP_TIMEOUT = 3 * 3600


# --- word lists ---------------------------------------------------------------
#
# A journal kept over eight years by someone preparing to move abroad. Each
# entry has a topic; a sentence comes from the topic's own list half the time
# and from the everyday lists otherwise.

TOPIC_WEIGHTS = {"visa": 10, "work": 15, "school": 10, "family": 14, "money": 10,
                 "housing": 10, "health": 7, "daily": 24}

EN_SUBJECTS = ["I", "We", "My sister", "Mum", "Dad", "Tom", "Our neighbour", "My colleague Anna",
               "The landlord", "Grandpa", "My roommate", "Lily", "Everyone", "Nobody"]
EN_VERBS = ["cooked", "talked about", "walked to", "cleaned", "forgot about", "looked for",
            "paid for", "fixed", "complained about", "kept thinking about", "wrote about",
            "cancelled", "finally found", "laughed about", "argued about", "took photos of"]
EN_OBJECTS = {
    "daily": ["dinner", "the kitchen", "the old bicycle", "the garden", "the library books",
              "the train timetable", "the weekend plans", "a new phone", "the laundry",
              "the broken heater", "the market", "a birthday present", "the neighbour's cat",
              "the leaking tap", "the noodle shop", "the bus pass", "the groceries"],
    "visa": ["the visa application", "the visa interview", "the consulate", "the passport photos",
             "the biometrics appointment", "the residence permit", "the invitation letter",
             "the travel insurance", "the visa fee", "the embassy queue", "the entry stamp"],
    "work": ["the quarterly report", "the new manager", "the job interview", "the contract renewal",
             "the overtime", "the team meeting", "my performance review", "the client call",
             "the office move", "the project deadline"],
    "school": ["the enrolment form", "the tuition fee", "the language course", "the thesis draft",
               "the transcript", "the professor's email", "the scholarship", "the exam results",
               "the reading list", "the seminar"],
    "family": ["Grandma's birthday", "the family dinner", "my brother's wedding",
               "the video call with Mum", "the kids' school trip", "the photo albums",
               "Dad's health", "the holiday plans"],
    "money": ["the bank statement", "the savings account", "the tax return", "the exchange rate",
              "the credit card bill", "the transfer fee", "the budget", "the pension papers"],
    "housing": ["the lease", "the deposit", "the moving boxes", "the new flat", "the plumber",
                "the electricity bill", "the furniture", "the keys", "the landlord's rules"],
    "health": ["the blood test", "the medical exam", "the insurance claim", "the pharmacy",
               "my back pain", "the dentist", "the vaccination record", "the eye test"],
}
EN_TAILS = ["after work", "at home", "on the way home", "this morning",
            "late at night", "in the rain", "with a cup of tea", "without much success",
            "for two hours", "again", "on Sunday", "and then went to bed", "with Lily",
            "while the radio was on", "before lunch", "in the end", "for no reason"]
EN_EXTRA = ["It's strange how quiet the flat feels now.",
            "Remember: the appointment is at 9:30, gate B, bring two photos.",
            "Slept badly. Dreamt about the airport again.",
            "Total so far: 2,340 for fees, 780 for translations.",
            "Nobody at work knows yet.",
            "The weather was grey all day, and the tea went cold twice.",
            "Called home. Everyone is fine, more or less."]

ZH_TIMES = ["今天", "昨天", "早上", "晚上", "下午", "周末", "刚才", "中午", "前天", "这几天", "上个月"]
ZH_SUBJECTS = ["我", "我们", "妈妈", "爸爸", "姐姐", "弟弟", "室友", "同事小王", "邻居", "朋友", "房东"]
ZH_VERBS = ["做了", "买了", "打扫了", "找到了", "讨论了", "想起了", "收拾了", "修好了", "忘了",
            "整理了", "签收了", "检查了", "复印了", "准备了", "寄出了", "担心"]
# `签` and `证` are common on their own (签名, 书签, 身份证, 证明...), `签证` is not:
# it is in the visa topic's lists only, besides its title and tag.
ZH_OBJECTS = {
    "daily": ["晚饭", "厨房", "自行车", "花园", "图书馆的书", "周末计划", "新手机", "衣服",
              "暖气", "菜市场", "生日礼物", "书签", "快递单上的签名", "身份证复印件", "驾驶证",
              "学生证", "保修证明", "公交卡", "水龙头", "面条店"],
    "visa": ["签证材料", "签证申请表", "签证面试", "工作签证", "学生签证", "签证中心的预约",
             "护照照片", "邀请函", "旅行保险", "居留许可", "签证费"],
    "work": ["季度报告", "新经理", "面试", "合同续签", "加班", "周会", "绩效评估", "客户电话",
             "项目截止日期", "工作证明"],
    "school": ["入学申请", "学费", "语言课", "论文初稿", "成绩单", "导师的邮件", "奖学金",
               "考试成绩", "学历证明", "书单"],
    "family": ["奶奶的生日", "家庭聚餐", "哥哥的婚礼", "和妈妈视频", "孩子的春游", "老照片",
               "爸爸的身体", "假期安排", "户口本"],
    "money": ["银行流水", "存款证明", "退税", "汇率", "信用卡账单", "转账手续费", "预算", "养老金材料"],
    "housing": ["租房合同", "押金", "搬家的箱子", "新公寓", "水管工", "电费单", "家具", "钥匙",
                "房产证"],
    "health": ["验血", "体检报告", "保险理赔", "药店", "腰疼", "牙医", "疫苗接种证明", "视力检查"],
}
ZH_TAILS = ["，花了一个小时。", "，心情不错。", "，累死了。", "，还挺顺利的。", "，外面下着雨。",
            "，明天继续。", "。", "，然后回家了。", "，真是忙碌的一天。", "，没告诉任何人。",
            "，希望一切顺利。", "，排了很久的队。"]
ZH_EXTRA = ["晚上睡不着，又想起了机场的那个梦。", "费用一共两千三百四十元，翻译费另算。",
            "妈妈还不知道，我还没想好怎么说。", "今天什么也没做，就在家看书。",
            "楼下的猫又来了，给它喂了点吃的。"]

TITLES = {
    "daily": (["A quiet day", "Sunday", "Notes", "Rain again"], ["日记", "周末", "随便写写", "下雨天"]),
    "visa": (["Visa appointment", "Consulate, second visit", "Documents"], ["签证", "签证面试", "材料清单"]),
    "work": (["Work", "The new manager", "Deadline"], ["工作", "加班", "面试准备"]),
    "school": (["Language course", "Thesis", "Scholarship"], ["语言课", "论文", "奖学金"]),
    "family": (["Grandma", "Family dinner", "What to tell Mum"], ["家人", "奶奶", "怎么跟妈妈说"]),
    "money": (["Money", "Bank", "Budget"], ["银行", "存款", "预算"]),
    "housing": (["The new flat", "Moving", "Lease"], ["搬家", "新公寓", "租房"]),
    "health": (["Doctor", "Medical exam"], ["体检", "看医生"]),
}
TOPIC_TAGS = {"daily": ["diary", "日记", "mood"], "visa": ["visa", "签证", "embassy"],
              "work": ["work", "工作"], "school": ["school", "学习"], "family": ["family", "家人"],
              "money": ["money", "bank", "银行"], "housing": ["housing", "房子"],
              "health": ["health", "医院"]}
EXTRA_TAGS = ["plans", "weekend", "travel", "important"]
ALL_TAGS = sorted({t for ts in TOPIC_TAGS.values() for t in ts} | set(EXTRA_TAGS))

# Rare words, each planted in that many entries whatever the size of the vault.
RARE = {"quokka": 5, "zeppelin": 3, "marzipan": 4}
RARE_SENTENCES = {
    "quokka": ["Saw a poster of a quokka at the station and laughed out loud.",
               "在网上看到一只quokka的照片，笑了半天。"],
    "zeppelin": ["Dad told the old story about the zeppelin again.",
                 "爸爸又讲了那个zeppelin的老故事。"],
    "marzipan": ["Bought marzipan for Grandma, she loves it.",
                 "给奶奶买了marzipan，她最喜欢。"],
}

QUERIES = [("rare word", "quokka"), ("common word", "home"), ("2-char Chinese", "签证")]


class Entry:
    __slots__ = ("uid", "created", "updated", "title", "tags", "body")

    def __init__(self, uid, created, updated, title, tags, body):
        self.uid, self.created, self.updated = uid, created, updated
        self.title, self.tags, self.body = title, tags, body

    def text(self) -> str:
        """What folio indexes (FORMAT.md, schema version 3): title, tags, body.
        The tags are sorted by name, as FORMAT.md says."""
        out = (self.title + "\n") if self.title is not None else ""
        if self.tags:
            out += " ".join("#" + t for t in self.tags) + "\n"
        return out + self.body


class Corpus:
    """Deterministic entries: the same seed and size give the same vault."""

    def __init__(self, seed: int, n: int) -> None:
        self.seed, self.n = seed, n
        r = random.Random(seed)
        self.en = {t: [f"{r.choice(EN_SUBJECTS)} {r.choice(EN_VERBS)} {r.choice(objs)} "
                       f"{r.choice(EN_TAILS)}." for _ in range(400)]
                   for t, objs in EN_OBJECTS.items()}
        self.en["daily"] += EN_EXTRA
        self.zh = {t: [f"{r.choice(ZH_TIMES)}{r.choice(ZH_SUBJECTS)}{r.choice(ZH_VERBS)}"
                       f"{r.choice(objs)}{r.choice(ZH_TAILS)}" for _ in range(400)]
                   for t, objs in ZH_OBJECTS.items()}
        self.zh["daily"] += ZH_EXTRA
        self.topics = list(TOPIC_WEIGHTS)
        self.weights = [TOPIC_WEIGHTS[t] for t in self.topics]
        # Which entries get a rare word: spread over the vault, drawn once.
        pr = random.Random(seed * 7 + n)
        self.planted: Dict[int, List[str]] = {}
        for word, count in RARE.items():
            for i in pr.sample(range(n), min(count, n)):
                self.planted.setdefault(i, []).append(word)

    def _sentence(self, r: random.Random, topic: str, zh: bool) -> str:
        pool = self.zh if zh else self.en
        t = topic if topic != "daily" and r.random() < 0.5 else "daily"
        return r.choice(pool[t])

    def _body(self, r: random.Random, topic: str, plant: List[str]) -> str:
        target = r.randint(200, 2000)
        mode = r.random()  # 40% mostly English, 40% mostly Chinese, 20% both
        paras: List[str] = []
        length = 0
        while length < target:
            if mode < 0.4 or (mode >= 0.8 and r.random() < 0.5):
                zh = r.random() < 0.1
            else:
                zh = r.random() < 0.9
            k = r.randint(2, 6)
            if zh:
                para = "".join(self._sentence(r, topic, True) for _ in range(k))
            else:
                para = " ".join(self._sentence(r, topic, False) for _ in range(k))
            paras.append(para)
            length += len(para) + 2
        text = "\n\n".join(paras)[:target].rstrip()
        if plant:
            extra = [r.choice(RARE_SENTENCES[w]) for w in plant]
            cut = max(0, len(text) - 10 * len(extra) - 60)  # stay within 2000 characters
            text = text[:cut].rstrip() + "\n\n" + " ".join(extra)
        return text + "\n"

    def entries(self) -> Iterator[Entry]:
        r = random.Random(self.seed + 1)
        uids = set()
        start = datetime.datetime(2018, 1, 1, 6, 0, 0)
        step = datetime.timedelta(days=8 * 365) / self.n
        for i in range(self.n):
            while True:
                uid = "".join(r.choice(ID_ALPHABET) for _ in range(8))
                if uid not in uids:
                    uids.add(uid)
                    break
            created = start + step * i + datetime.timedelta(
                seconds=r.randint(0, max(0, int(step.total_seconds()) - 1)))
            updated = created
            if r.random() < 0.1:
                updated = created + datetime.timedelta(minutes=r.randint(1, 60 * 24 * 30))
            topic = r.choices(self.topics, self.weights)[0]
            x = r.random()
            title = (r.choice(TITLES[topic][0]) if x < 0.3 else
                     r.choice(TITLES[topic][1]) if x < 0.6 else None)
            tags: List[str] = []
            if r.random() < 0.6:
                tags.append(r.choice(TOPIC_TAGS[topic]))
            if r.random() < 0.2:
                tags.append(r.choice(EXTRA_TAGS))
            tags = sorted(set(tags))
            body = self._body(r, topic, self.planted.get(i, []))
            yield Entry(uid, utc(created), utc(updated), title, tags, body)


# --- folio's tokenizer, from FORMAT.md (for the MATCH expressions and checks) --

def _is_cjk(c: int) -> bool:
    return (0x2E80 <= c <= 0x2FDF or 0x3005 <= c <= 0x3007 or 0x3040 <= c <= 0x30FF or
            0x3100 <= c <= 0x312F or 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF or
            0xAC00 <= c <= 0xD7AF or 0xF900 <= c <= 0xFAFF or 0x20000 <= c <= 0x3134F)


def tokenize(text: str) -> List[str]:
    """FORMAT.md "Schema version 3": NFKC + case folding, CJK characters and pairs."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    terms: List[str] = []
    word, prev = "", ""
    for ch in folded:
        if _is_cjk(ord(ch)):
            if word:
                terms.append(word)
                word = ""
            if prev:
                terms.append(prev + ch)
            terms.append(ch)
            prev = ch
            continue
        prev = ""
        if unicodedata.category(ch)[0] in "LMN":
            word += ch
        elif word:
            terms.append(word)
            word = ""
    if word:
        terms.append(word)
    return terms


def match_expr(word: str) -> str:
    """The MATCH expression folio compiled for a one-word query under schema
    4 (compile() in src/search/search.cpp): the word's terms, a phrase when
    there are several, less a single CJK character at either end beside the
    pair that holds it ("签 签证 证" is the one term 签证). Schema 5 compiles
    the same terms (query_term below); bench_index.py uses this form."""
    terms = tokenize(word)
    if len(terms) >= 2 and len(terms[1]) > len(terms[0]) and terms[1].startswith(terms[0]):
        terms = terms[1:]
    if len(terms) >= 2 and len(terms[-2]) > len(terms[-1]) and terms[-2].endswith(terms[-1]):
        terms = terms[:-1]
    return terms[0] if len(terms) == 1 else '"' + " ".join(terms) + '"'


def query_term(word: str) -> str:
    """The one term folio looks up for a one-word query (rank_one_word in
    src/search/search.cpp); every query of QUERIES compiles to one term."""
    m = match_expr(word)
    if '"' in m or " " in m:
        raise BenchError(f"{word!r} compiles to a phrase ({m}): the raw SQL here handles one term")
    return m


def terms_of(text: str) -> str:
    """The terms folio stores for a text in search_docs.terms (FORMAT.md,
    schema version 5: version 3's terms, single spaces, no count terms)."""
    return " ".join(tokenize(text))


def hits_of(text: str) -> Dict[str, List[int]]:
    """term -> its positions in the text's term list, terms in byte order
    (a record's postings: one per distinct term, `hits` = len(positions))."""
    pos: Dict[str, List[int]] = {}
    for i, t in enumerate(tokenize(text)):
        pos.setdefault(t, []).append(i)
    return dict(sorted(pos.items()))


def leb128_positions(blob: bytes) -> List[int]:
    """FORMAT.md's `pos`: unsigned LEB128 differences, the first from 0."""
    out: List[int] = []
    prev = v = shift = 0
    for b in blob:
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            prev += v
            out.append(prev)
            v = shift = 0
    if shift:
        raise BenchError("a pos blob ends inside a LEB128 number")
    return out


def contains(entry_text: str, word: str) -> bool:
    """Whether folio's index finds `word` in a text of this corpus."""
    if _is_cjk(ord(word[0])):
        return word in entry_text  # a CJK run: any substring matches
    return word in set(re.findall(r"[0-9a-z]+", entry_text.lower()))


# --- the SQL timed through the sqlcipher tool ---------------------------------
#
# Schema 5 (docs/FORMAT.md "Schema version 5"): search_docs (a record's terms,
# pending or not), search_terms (term -> id, docs), search_postings (one row
# per term and record, key term_id, hits DESC, docid DESC), search_stats.
# {term} and {spaced} below are SQL literals (sql_text): the term, and the
# term with a space either side.

TERM_ID = "(SELECT id FROM search_terms WHERE term = {term})"
# The pending records (fewer than 64; none after `folio reindex`), which
# folio matches from their terms directly: a term's hits in a record are the
# occurrences of ' TERM ' in its terms with every space doubled (so that two
# neighbouring occurrences do not share a space), counted by replace().
PENDING_HITS_SQL = (
    "SELECT hits, docid FROM (SELECT docid, (length(s) - length(replace(s, {spaced}, ''))) "
    "/ length({spaced}) AS hits FROM (SELECT docid, ' ' || replace(terms, ' ', '  ') || ' ' AS s "
    "FROM search_docs WHERE pending = 1)) WHERE hits > 0")
# The raw query for `folio search WORD` of one word (rank_one_word): the
# term's postings in key order, most hits first, then the newest, merged with
# the pending records that hold it; the first 20. folio's score is
# idf * h * 2.2 / (h + 1.2) with one idf for every row (src/store/rank.cpp),
# so it orders rows exactly as h does; ties go to the larger docid in both.
RANK_SQL = (
    "SELECT hits, docid FROM search_postings WHERE term_id = " + TERM_ID + " "
    "UNION ALL " + PENDING_HITS_SQL + " ORDER BY hits DESC, docid DESC LIMIT " + str(LIMIT))
# Then what else folio reads (read_corpus, rank_one_word): the records
# indexed and the term's docs (the idf), and the columns folio shows for the
# 20 hits: uid, title, created, and the text a snippet is made from (title,
# tags, body), which folio reads with one statement each.
SEARCH_SQL = (
    "SELECT docs FROM search_stats WHERE id = 1;\n"
    "SELECT docs FROM search_terms WHERE term = {term};\n"
    "WITH hits AS (" + RANK_SQL + ") "
    "SELECT e.uid, coalesce(e.title, ''), e.created, "
    "coalesce(e.title || char(10), '') || coalesce((SELECT group_concat('#' || t.name, ' ') "
    "FROM entry_tags et JOIN tags t ON t.id = et.tag_id WHERE et.entry_id = e.id) || char(10), '') "
    "|| e.body FROM hits h JOIN entries e ON e.id = h.docid / 4 "
    "ORDER BY h.hits DESC, h.docid DESC;\n")
# Unranked: the newest 20 records holding the term, by docid (every posting
# of the term read and sorted; pending records left out).
BARE_SQL = ("SELECT docid FROM search_postings WHERE term_id = " + TERM_ID + " "
            "ORDER BY docid DESC LIMIT " + str(LIMIT) + ";\n")
# The records holding the term: its postings plus the pending ones holding
# it; DOCS_SQL is the count folio keeps (search_terms.docs, pending left out).
COUNT_SQL = ("SELECT (SELECT count(*) FROM search_postings WHERE term_id = " + TERM_ID + ") + "
             "(SELECT count(*) FROM (" + PENDING_HITS_SQL + "));\n")
DOCS_SQL = "SELECT coalesce((SELECT docs FROM search_terms WHERE term = {term}), 0)"
# What any other query reads for a word (phrase_hits in rank_all): every
# posting of the term, hits and docid; sum(hits) stands for folio's reading.
FOLIO_STMT_SQL = ("SELECT sum(hits), count(docid) FROM search_postings WHERE term_id = " +
                  TERM_ID)
PENDING_SQL = "SELECT docid, terms FROM search_docs WHERE pending = 1"
PENDING_LIMIT = 64  # kPendingLimit in src/search/search.cpp


def term_sql(word: str) -> Dict[str, str]:
    """The {term} and {spaced} literals of a query word."""
    t = query_term(word)
    return {"term": sql_text(t), "spaced": sql_text(" " + t + " ")}


def unindex_sql(docid: int, text: str) -> str:
    """What folio runs to remove a record that is not pending (unindex_docid
    in src/search/search.cpp): read its search_docs row, then for each
    distinct term of its terms, in byte order, delete its posting by the
    whole key (the hits counted from the terms) and take 1 from the term's
    docs, or delete the term's row if that was its last posting; then the
    search_docs row, and 1 from search_stats.docs. folio computes the terms
    and hits from the row it reads; here they come from the text the script
    wrote, which check_search shows is what folio stores."""
    out = [f"SELECT length(terms), pending FROM search_docs WHERE docid = {docid};\n"]
    for term, pos in hits_of(text).items():
        t = sql_text(term)
        out.append(f"DELETE FROM search_postings WHERE term_id = (SELECT id FROM search_terms "
                   f"WHERE term = {t}) AND hits = {len(pos)} AND docid = {docid};\n"
                   f"DELETE FROM search_terms WHERE term = {t} AND docs = 1;\n"
                   f"UPDATE search_terms SET docs = docs - 1 WHERE term = {t};\n")
    out.append(f"DELETE FROM search_docs WHERE docid = {docid};\n"
               "UPDATE search_stats SET docs = docs - 1 WHERE id = 1;\n")
    return "".join(out)


# The statements behind add, edit and rm as folio runs them (src/journal/
# journal.cpp, src/search/search.cpp: index_record, add_doc, unindex_docid),
# with folio's pragmas (secure_delete on), the terms folio would index, and
# {unindex} = unindex_sql() of the record. An add or edit leaves the record
# pending (its postings are written with 63 others, see PENDING_LIMIT): the
# raw statements count the pending rows as folio does, but never write the
# postings of 64 (that needs the positions of every pending record's terms
# in SQL, which this script does not write); bench_size times folio's 64th
# add apart, and counts how many of the timed runs left pending records.
ADD_SQL = ("BEGIN IMMEDIATE;\n"
           "INSERT INTO entries(uid, created, updated, title, body) "
           "VALUES ('{uid}', '{now}', '{now}', NULL, {body});\n"
           "INSERT INTO search_docs(docid, terms, pending) VALUES (last_insert_rowid() * 4, {terms}, 1);\n"
           "UPDATE search_stats SET docs = docs + 1 WHERE id = 1;\n"
           "SELECT count(*) FROM search_docs WHERE pending = 1;\n"
           "COMMIT;\n")
EDIT_SQL = ("BEGIN IMMEDIATE;\n"
            "UPDATE entries SET body = {body}, updated = '{now}' WHERE uid = '{uid}';\n"
            "{unindex}"
            "INSERT INTO search_docs(docid, terms, pending) VALUES ({docid}, {terms}, 1);\n"
            "UPDATE search_stats SET docs = docs + 1 WHERE id = 1;\n"
            "SELECT count(*) FROM search_docs WHERE pending = 1;\n"
            "COMMIT;\n")
RM_SQL = ("BEGIN IMMEDIATE;\n"
          "{unindex}"
          "DELETE FROM entries WHERE uid = '{uid}';\n"
          "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags);\n"
          "COMMIT;\n")

# What FORMAT.md says of the index, as counts that must be 0. Not written in
# SQL (the script checks them in Python for a few records, check_records):
# that a record that is not pending has one posting per distinct term of its
# terms, with the right hits and positions.
INDEX_CHECKS = [
    ("search_stats.docs != rows of search_docs",
     "SELECT (SELECT docs FROM search_stats WHERE id = 1) - (SELECT count(*) FROM search_docs)"),
    ("terms whose docs is not their number of postings (or < 1)",
     "SELECT count(*) FROM search_terms t LEFT JOIN (SELECT term_id, count(*) AS c FROM "
     "search_postings GROUP BY term_id) p ON p.term_id = t.id WHERE p.c IS NULL OR p.c != t.docs"),
    ("postings of a term without a search_terms row",
     "SELECT count(*) FROM (SELECT DISTINCT term_id FROM search_postings) "
     "WHERE term_id NOT IN (SELECT id FROM search_terms)"),
    ("postings of a record without a search_docs row, or pending",
     "SELECT count(*) FROM (SELECT DISTINCT docid FROM search_postings) "
     "WHERE docid NOT IN (SELECT docid FROM search_docs WHERE pending = 0)"),
    ("entries without a search_docs row, and rows without their record",
     "SELECT (SELECT count(*) FROM entries WHERE id * 4 NOT IN (SELECT docid FROM search_docs)) + "
     "(SELECT count(*) FROM search_docs WHERE docid % 4 != 0 OR docid / 4 NOT IN "
     "(SELECT id FROM entries))"),
    (f"{PENDING_LIMIT} or more pending records",
     f"SELECT count(*) >= {PENDING_LIMIT} FROM search_docs WHERE pending = 1"),
]


# --- building the vault ---------------------------------------------------------

def build_vault(folio: str, vault: str, pass_file: str, n: int, seed: int) -> Dict:
    t0 = time.perf_counter()
    key, key_source = new_vault(folio, vault, pass_file)
    data = os.path.join(vault, "data")
    corpus = Corpus(seed, n)
    expected = {w: 0 for _, w in QUERIES}
    planted_uids: Dict[str, List[str]] = {w: [] for w in RARE}
    sample: Dict[str, Entry] = {}
    rowid: Dict[str, int] = {}  # entries.id of the sampled entries (docid = 4 * it)
    keep_every = max(1, n // 200)
    chars = [0]

    def statements() -> Iterator[str]:
        for i, name in enumerate(ALL_TAGS, start=1):
            yield f"INSERT INTO tags(id, name) VALUES ({i}, {sql_text(name)});\n"
        tag_id = {name: i for i, name in enumerate(ALL_TAGS, start=1)}
        for i, e in enumerate(corpus.entries()):
            row = i + 1
            chars[0] += len(e.body)
            text = e.text()
            for _, word in QUERIES:
                if contains(text, word):
                    expected[word] += 1
            for word in corpus.planted.get(i, []):
                planted_uids[word].append(e.uid)
            if i % keep_every == 0:
                sample[e.uid] = e
                rowid[e.uid] = row
            yield (f"INSERT INTO entries(id, uid, created, updated, title, body) VALUES "
                   f"({row}, '{e.uid}', '{e.created}', '{e.updated}', "
                   f"{sql_text(e.title)}, {sql_text(e.body)});\n")
            for t in e.tags:
                yield f"INSERT INTO entry_tags(entry_id, tag_id) VALUES ({row}, {tag_id[t]});\n"

    fill(data, key, statements(), n)
    return {"key": key, "key_source": key_source, "build_s": time.perf_counter() - t0,
            "chars": chars[0], "expected": expected, "planted": planted_uids, "sample": sample, "rowid": rowid,
            "data_before": os.path.getsize(data)}


def reindex(folio: str, vault: str, pass_file: str, n: int) -> float:
    cmd = [folio, "--vault", vault, "--passphrase-file", pass_file, "reindex"]
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=3600, check=False)
    elapsed = time.perf_counter() - t
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        raise BenchError(f"folio reindex failed with exit code {p.returncode}: {err.strip()}")
    if f"indexed {n} records" not in err:
        raise BenchError(f"folio reindex did not index {n} records: {err.strip()}")
    return elapsed


def check_search(folio: str, vault: str, pass_file: str, key: bytes, info: Dict,
                 after_writes: bool = False) -> None:
    """The index holds what FORMAT.md says, and the raw SQL is folio's query.
    After the timed writes (after_writes) the counts the generator wrote no
    longer hold (add and edit change them): only the hits are checked."""
    data = os.path.join(vault, "data")
    base = [folio, "--vault", vault, "--passphrase-file", pass_file]
    if not after_writes:
        info["df"] = {}
        pending = int(sql(data, key, "SELECT count(*) FROM search_docs WHERE pending = 1;\n",
                          "sqlcipher pending").strip())
        if pending:
            raise BenchError(f"{pending} records are pending after folio reindex (FORMAT.md: none)")
        for _, word in QUERIES:
            ts = term_sql(word)
            got = int(sql(data, key, COUNT_SQL.format(**ts), "sqlcipher count").strip())
            docs = int(sql(data, key, DOCS_SQL.format(**ts) + ";\n", "sqlcipher docs").strip())
            if got != info["expected"][word] or docs != got:
                raise BenchError(f"the index finds {word!r} in {got} records (search_terms.docs "
                                 f"{docs}); the generator wrote it in {info['expected'][word]}")
            info["df"][word] = got
        # The terms the raw add and edit below write are the ones folio stores,
        # and the postings the raw rm deletes are the ones folio wrote.
        few = list(info["sample"])[:5]
        for uid in few:
            stored = sql(data, key, "SELECT terms FROM search_docs WHERE docid = "
                         f"{4 * info['rowid'][uid]};\n", "sqlcipher terms").rstrip("\n")
            if stored != terms_of(info["sample"][uid].text()):
                raise BenchError(f"the terms folio stored for {uid} are not the ones this script writes")
        check_records(data, key, {4 * info["rowid"][u]: info["sample"][u].text() for u in few})
    rare = QUERIES[0][1]
    hits = json.loads(run(base + ["search", rare, "--json", "-n", "100000"], what="folio search"))
    if sorted(h["id"] for h in hits) != sorted(info["planted"][rare]):
        raise BenchError(f"folio search {rare} found {sorted(h['id'] for h in hits)}, "
                         f"planted in {sorted(info['planted'][rare])}")
    for _, word in QUERIES:
        hits = json.loads(run(base + ["search", word, "--json"], what="folio search"))
        folio_ids = [h["id"] for h in hits]
        # The text output (timed below): the ids start its unindented lines.
        text = run(base + ["search", word], what="folio search").decode("utf-8")
        text_ids = [re.sub(r"\x1b\[[0-9;]*m", "", line).split()[0]
                    for line in text.splitlines() if line and not line[0].isspace()]
        raw = sql(data, key, "SELECT e.uid FROM (" + RANK_SQL.format(**term_sql(word)) +
                  ") h JOIN entries e ON e.id = h.docid / 4 ORDER BY h.hits DESC, h.docid DESC;\n",
                  "sqlcipher search")
        if folio_ids != raw.split() or text_ids != raw.split():
            raise BenchError(f"folio search {word} and the raw SQL disagree"
                             f"{' after the writes' if after_writes else ''}:\n"
                             f"  folio --json: {folio_ids}\n  folio:        {text_ids}\n"
                             f"  sqlcipher:    {raw.split()}")


def check_records(data: str, key: bytes, records: Dict[int, Optional[str]]) -> None:
    """Each record's postings (term, hits, positions decoded from `pos`) are
    those of its text, FORMAT.md; a record whose text is None (removed) has
    no posting and no search_docs row. One scan of search_postings."""
    if not records:
        return
    ids = ",".join(str(d) for d in records)
    out = sql(data, key, "SELECT p.docid, t.term, p.hits, hex(p.pos) FROM search_postings p "
              f"JOIN search_terms t ON t.id = p.term_id WHERE p.docid IN ({ids});\n"
              f"SELECT 'doc', docid FROM search_docs WHERE docid IN ({ids});\n", "sqlcipher postings")
    got: Dict[int, Dict[str, Tuple[int, List[int]]]] = {d: {} for d in records}
    rows = set()
    for line in out.splitlines():
        f = line.split("|")
        if f[0] == "doc":
            rows.add(int(f[1]))
        elif len(f) == 4:
            got[int(f[0])][f[1]] = (int(f[2]), leb128_positions(bytes.fromhex(f[3])))
    for d, text in records.items():
        want = {} if text is None else {t: (len(p), p) for t, p in hits_of(text).items()}
        if got[d] != want:
            wrong = sorted(t for t in set(got[d]) | set(want) if got[d].get(t) != want.get(t))
            raise BenchError(f"record {d}: its postings are not those of its text "
                             f"({len(got[d])} postings, {len(want)} distinct terms; differ: "
                             f"{wrong[:5]})")
        if (d in rows) != (text is not None):
            raise BenchError(f"record {d}: search_docs row {'missing' if text else 'left'}")


def check_index(data: str, key: bytes) -> float:
    """INDEX_CHECKS, in one sqlcipher process; the seconds they took."""
    t = time.perf_counter()
    out = sql(data, key, "".join(f"SELECT {i}, ({q});\n" for i, (_, q) in enumerate(INDEX_CHECKS)),
              "sqlcipher index checks")
    elapsed = time.perf_counter() - t
    for line in out.splitlines():
        i, _, v = line.partition("|")
        if v.strip() not in ("", "0"):
            raise BenchError(f"the index breaks FORMAT.md: {INDEX_CHECKS[int(i)][0]}: {v}")
    if len(out.splitlines()) != len(INDEX_CHECKS):
        raise BenchError(f"the index checks printed {out!r}")
    return elapsed


def statement_ms(data: str, key: bytes, statement: str, runs: int = 5) -> float:
    """The median time of one statement (or of several, summed), each run in
    a fresh sqlcipher process (cold SQLite cache, warm OS cache, as for a
    folio command), as `.timer` reports it: the statements alone, not the
    process or the key."""
    times = []
    for _ in range(runs + 1):
        # The first statement of a process also reads the schema: not counted.
        out = sql(data, key, "SELECT count(*) FROM sqlite_master;\n.timer on\n" + statement + ";\n",
                  "sqlcipher analyze")
        m = re.findall(r"Run Time: real ([0-9.]+)", out)
        if not m:
            raise BenchError(f"no .timer output for: {statement[:80]}")
        times.append(sum(float(x) for x in m) * 1000)
    return statistics.median(times[1:])


def analyze(data: str, key: bytes, n: int, info: Dict) -> List[str]:
    """Where the time of a search goes: its parts, timed one by one; then
    the query plan of the postings walk and the bytes the index takes."""
    lines = [f"where a search's time goes at {n} entries: each statement alone, in a fresh "
             f"sqlcipher process, median of 5 (`.timer`, ms; it counts 1 ms steps)"]
    pending = int(sql(data, key, "SELECT count(*) FROM search_docs WHERE pending = 1;\n",
                      "sqlcipher pending").strip())
    lines.append(f"  {pad('(all)', 8)} {pad(f'the pending records, {pending} (read_corpus)', 44)} "
                 f"{statement_ms(data, key, PENDING_SQL):8.1f}")
    for label, word in QUERIES:
        ts = term_sql(word)
        parts = [("its search_terms row (docs, for the idf)", DOCS_SQL.format(**ts)),
                 ("top 20: the postings walk (RANK_SQL)", RANK_SQL.format(**ts)),
                 ("every posting of it (rank_all's reading)", FOLIO_STMT_SQL.format(**ts)),
                 ("newest 20 by docid (BARE_SQL: a sort)", BARE_SQL.format(**ts).rstrip(";\n"))]
        for name, statement in parts:
            lines.append(f"  {pad(word, 8)} {pad(name, 44)} {statement_ms(data, key, statement):8.1f}")
    plan = sql(data, key, "EXPLAIN QUERY PLAN " + RANK_SQL.format(**term_sql("home")) + ";\n",
               "sqlcipher explain")
    lines.append("EXPLAIN QUERY PLAN of the top 20 (RANK_SQL, home):")
    lines += ["  " + l for l in plan.strip().splitlines()]
    # This sqlcipher has no dbstat table: the bytes the rows hold, and the
    # pages the index took (index_pages, counted around `folio reindex`).
    sizes = sql(data, key, "SELECT (SELECT sum(length(CAST(body AS BLOB))) FROM entries), "
                "(SELECT count(*) FROM search_docs), "
                "(SELECT sum(length(CAST(terms AS BLOB))) FROM search_docs), "
                "(SELECT count(*) FROM search_terms), "
                "(SELECT sum(length(CAST(term AS BLOB))) FROM search_terms), "
                "(SELECT count(*) FROM search_postings), "
                "(SELECT sum(length(pos)) FROM search_postings);\n", "sqlcipher sizes")
    body, docs, terms, nterms, termb, post, posb = (int(x or 0) for x in sizes.strip().split("|"))
    lines.append(f"bytes (no dbstat in this sqlcipher: payloads, and pages around reindex): entry "
                 f"bodies {body / 2**20:.1f} MiB; search_docs {docs} rows, terms "
                 f"{terms / 2**20:.1f} MiB; search_terms {nterms} rows, {termb / 2**20:.2f} MiB "
                 f"of terms; search_postings {post} rows, pos {posb / 2**20:.1f} MiB")
    lines.append(f"pages the index took: {info['index_pages']} of 4 KiB = "
                 f"{info['index_pages'] * 4096 / 2**20:.1f} MiB (pages in use after `folio "
                 f"reindex` less before it; the whole file: {info['page_count']} pages, "
                 f"{info['free_pages']} free)")
    return lines


# --- pass (the decrypt-everything approach) --------------------------------------

def ensure_pass() -> Optional[str]:
    """Installs Debian's pass and gnupg when missing; returns why not, or None."""
    if all(shutil.which(t) for t in ("pass", "gpg", "gpgconf", "gpg-agent")):
        return None
    if os.geteuid() == 0:
        prefix: List[str] = []
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n"]
    else:
        return "pass/gnupg are missing and this is neither root nor sudo"
    if not shutil.which("apt-get"):
        return "pass/gnupg are missing and there is no apt-get"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", "pass", "gnupg"]
    print("bench: installing pass and gnupg with apt-get ...", file=sys.stderr, flush=True)
    for attempt in (1, 2):
        p = subprocess.run(install, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                           check=False)
        if p.returncode == 0 and shutil.which("pass"):
            return None
        if attempt == 1:
            subprocess.run(prefix + ["apt-get", "update", "-q"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env, check=False)
    return "apt-get install pass gnupg failed: " + p.stderr.decode("utf-8", "replace").strip()[-200:]


class PassStore:
    """A throwaway GNUPGHOME with a key without passphrase, and pass stores."""

    def __init__(self, root: str) -> None:
        self.home = os.path.join(root, "gnupg")
        os.makedirs(self.home, mode=0o700)
        self.env = dict(os.environ, GNUPGHOME=self.home)
        p = subprocess.run(["gpg", "--batch", "--passphrase", "", "--pinentry-mode", "loopback",
                            "--quick-gen-key", "folio bench <bench@folio.invalid>",
                            "default", "default", "never"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, check=False)
        if p.returncode != 0:
            raise BenchError("gpg --quick-gen-key failed: " + p.stderr.decode("utf-8", "replace"))
        out = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys"], env=self.env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             check=True).stdout.decode()
        self.fpr = next(l.split(":")[9] for l in out.splitlines() if l.startswith("fpr:"))
        algos = {"1": "rsa", "18": "ecdh", "22": "eddsa"}
        subs = [l.split(":") for l in out.splitlines() if l.startswith("sub:")]
        self.algo = ", ".join(f"{algos.get(s[3], 'algo ' + s[3])}{s[2]}" for s in subs) or "?"
        self.grep_per_entry: Optional[float] = None  # seconds, at the last size measured
        self.grep_size = 0

    def close(self) -> None:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=self.env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def build(self, store: str, corpus: Corpus, limit_s: float) -> Tuple[Optional[float], str]:
        """Fills `store` like `pass insert` would (one .gpg file per entry under journal/,
        gpg --encrypt-files in batches). Returns (seconds, note), or (None, why not)
        when the first batches show that it would take longer than limit_s."""
        env = dict(self.env, PASSWORD_STORE_DIR=store)
        subprocess.run(["pass", "init", self.fpr], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        folder = os.path.join(store, "journal")
        os.makedirs(folder)
        t0 = time.perf_counter()
        batch: List[str] = []
        done = 0

        def flush() -> None:
            # The options pass uses for `pass insert` (GPG_OPTS, --compress-algo=none,
            # --no-encrypt-to), several files per gpg process instead of one each.
            p = subprocess.run(["gpg", "--batch", "--quiet", "--yes", "--compress-algo=none",
                                "--no-encrypt-to", "--trust-model", "always", "-r", self.fpr,
                                "--encrypt-files"],
                               input="\n".join(batch).encode() + b"\n", env=self.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
            if p.returncode != 0:
                raise BenchError("gpg --encrypt-files failed: " + p.stderr.decode("utf-8", "replace"))
            for f in batch:
                os.unlink(f)
            batch.clear()

        for e in corpus.entries():
            path = os.path.join(folder, e.uid)
            with open(path, "w", encoding="utf-8") as f:
                f.write(e.text())
            batch.append(path)
            if len(batch) == 1000:
                flush()
                done += 1000
                elapsed = time.perf_counter() - t0
                if done >= 2000 and done < corpus.n:
                    estimate = elapsed * corpus.n / done
                    if estimate > limit_s:
                        return None, (f"building it would take about {estimate / 60:.0f} min "
                                      f"({done / elapsed:.0f} entries/s over the first {done}), "
                                      f"over the {limit_s / 60:.0f} min limit")
        if batch:
            flush()
        return time.perf_counter() - t0, ""

    def grep_cmd(self, word: str) -> List[str]:
        return ["pass", "grep", "-i", word]

    def grep(self, store: str, word: str, expect: List[str]) -> None:
        env = dict(self.env, PASSWORD_STORE_DIR=store)
        p = subprocess.run(self.grep_cmd(word), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=PASS_GREP_TIMEOUT, check=False)
        out = re.sub(r"\x1b\[[0-9;]*m", "", p.stdout.decode("utf-8", "replace"))
        found = sorted(set(re.findall(r"^journal/([0-9a-z]{8}):$", out, re.M)))
        if found != sorted(expect):
            raise BenchError(f"pass grep {word} found {found}, expected {sorted(expect)}; "
                             f"stderr: {p.stderr.decode('utf-8', 'replace')[-300:]}")


# --- one size -------------------------------------------------------------------

def bench_size(folio: str, root: str, n: int, args, pass_store: Optional[PassStore],
               pass_why: str) -> Dict:
    vault = os.path.join(root, f"vault-{n}")
    pass_file = os.path.join(root, "passphrase")
    print(f"bench: {n} entries: filling {vault} through sqlcipher ...", file=sys.stderr, flush=True)
    info = build_vault(folio, vault, pass_file, n, args.seed)
    key = info["key"]
    data = os.path.join(vault, "data")
    print(f"bench: {n} entries: filled in {info['build_s']:.1f} s; folio reindex ...",
          file=sys.stderr, flush=True)

    def pages_in_use() -> Tuple[int, int]:
        out = sql(data, key, "PRAGMA page_count;\nPRAGMA freelist_count;\n", "sqlcipher pages").split()
        return int(out[0]), int(out[1])

    total, free = pages_in_use()
    used_before = total - free
    info["reindex_s"] = reindex(folio, vault, pass_file, n)
    info["data_after"] = os.path.getsize(data)
    info["page_count"], info["free_pages"] = pages_in_use()
    info["index_pages"] = info["page_count"] - info["free_pages"] - used_before
    counts = sql(data, key, "SELECT (SELECT count(*) FROM search_postings), "
                 "(SELECT count(*) FROM search_terms);\n", "sqlcipher counts").strip().split("|")
    info["postings"], info["terms"] = int(counts[0]), int(counts[1])
    print(f"bench: {n} entries: reindex took {info['reindex_s']:.1f} s; checking the index ...",
          file=sys.stderr, flush=True)
    check_search(folio, vault, pass_file, key, info)
    info["check_s"] = check_index(data, key)
    print(f"bench: {n} entries: index checks took {info['check_s']:.1f} s; timing {args.runs} "
          f"runs ...", file=sys.stderr, flush=True)

    base = [folio, "--vault", vault, "--passphrase-file", pass_file]
    prelude = sqlcipher_prelude(key)

    def raw(text: str, what: str) -> bytes:
        return run(sqlcipher_cmd(data), (prelude + text).encode("utf-8"), what=what)

    def raw_write(text: str, what: str) -> bytes:
        # folio's pragmas (secure_delete on), as folio writes.
        return raw(FOLIO_PRAGMAS + text, what)

    def pending_now() -> int:
        return int(sql(data, key, "SELECT count(*) FROM search_docs WHERE pending = 1;\n",
                       "sqlcipher pending").strip())

    # Each row: (operation, folio's times, sqlcipher's times for the same work).
    rows: List[Tuple[str, List[float], Optional[List[float]]]] = []
    # Different entries for show, edit and rm (each run one more; edit and rm
    # take one set for folio and one for sqlcipher: an edited record is
    # pending, and removing it again would write no postings), none with a
    # rare word.
    planted = {u for us in info["planted"].values() for u in us}
    pool = [u for u in info["sample"] if u not in planted]
    per = min(args.runs + 2, len(pool) // 5)
    picked = random.Random(args.seed + n).sample(pool, 5 * per)
    uids = picked[:per]
    edit_uids = {"folio": picked[per:2 * per], "sqlcipher": picked[2 * per:3 * per]}
    rm_uids = {"folio": picked[3 * per:4 * per], "sqlcipher": picked[4 * per:]}
    k = {"show folio": 0, "show sqlcipher": 0, "edit folio": 0, "edit sqlcipher": 0,
         "rm folio": 0, "rm sqlcipher": 0, "add": 0}

    def next_uid(what: str, uid_list: List[str]) -> str:
        uid = uid_list[k[what] % len(uid_list)]
        k[what] += 1
        return uid

    def show_folio() -> None:
        run(base + ["show", next_uid("show folio", uids)], what="folio show")

    def show_sql() -> None:
        uid = next_uid("show sqlcipher", uids)
        if uid.encode() not in raw(SHOW_SQL.format(uid=uid), "sqlcipher show"):
            raise BenchError(f"sqlcipher did not find entry {uid}")

    # Each folio command and the same work through sqlcipher take turns (see
    # measure_alternately), so that the ratio compares like with like.
    rows.append(("show ID", *measure_alternately([show_folio, show_sql], args.runs)))
    list_sql = LIST_SQL.format(limit=LIMIT)

    def list_folio(served: Sequence[str] = base) -> None:
        run(list(served) + ["list", "--limit", str(LIMIT)], what="folio list")

    def list_raw() -> None:
        raw(list_sql, "sqlcipher list")

    rows.append((f"list --limit {LIMIT}", *measure_alternately([list_folio, list_raw], args.runs)))
    searches = []
    for label, word in QUERIES:
        m = query_term(word)
        bare, ranked = BARE_SQL.format(**term_sql(word)), SEARCH_SQL.format(**term_sql(word))
        f, b, s = measure_alternately(
            [lambda: run(base + ["search", word], what="folio search"),
             lambda: raw(bare, "sqlcipher bare"),
             lambda: raw(ranked, "sqlcipher search")], args.runs)
        rows.append((f"search {word}", f, s))
        searches.append({"label": label, "word": word, "match": m, "folio": f, "bare": b,
                         "sql": s, "pass": None})
    info["analysis"] = (analyze(data, key, n, info) if args.analyze and n == max(args.size_list)
                        else [])

    # The same reads through a session agent (`folio unlock`): no passphrase,
    # no KDF; each taking turns with its sqlcipher work again.
    if args.agent:
        run(base + ["unlock", "--timeout", "1h"], what="folio unlock")
        try:
            served = [folio, "--vault", vault]
            rows.append(("show ID (agent)", *measure_alternately(
                [lambda: run(served + ["show", next_uid("show folio", uids)],
                             what="folio show (agent)"), show_sql], args.runs)))
            rows.append((f"list --limit {LIMIT} (agent)",
                         *measure_alternately([lambda: list_folio(served), list_raw], args.runs)))
            for _, word in QUERIES:
                ranked = SEARCH_SQL.format(**term_sql(word))
                rows.append((f"search {word} (agent)", *measure_alternately(
                    [lambda: run(served + ["search", word], what="folio search (agent)"),
                     lambda: raw(ranked, "sqlcipher search")], args.runs)))
        finally:
            run(served + ["lock"], what="folio lock")

    # Last, since they change the vault. add: one more entry a run (no rare word).
    extra = Corpus(args.seed + 99, 1)
    extra.planted = {}
    new_body = next(extra.entries()).body
    add_body = new_body.encode("utf-8")
    now = utc(datetime.datetime(2026, 1, 1, 12, 0, 0))
    fresh = random.Random(args.seed + n + 1)

    def add_sql() -> None:
        uid = "".join(fresh.choice(ID_ALPHABET) for _ in range(8))
        raw_write(ADD_SQL.format(uid=uid, now=now, body=sql_text(new_body),
                                 terms=sql_text(terms_of(new_body))), "sqlcipher add")

    rows.append(("add (body on stdin)", *measure_alternately(
        [lambda: run(base + ["add"], add_body, what="folio add"), add_sql], args.runs)))
    info["pending_after"] = [("add", pending_now())]

    # edit and rm delete the record's postings one by one (FORMAT.md); edit
    # then indexes the new text as a pending record.
    edited: Dict[int, Entry] = {}

    def edit_folio() -> None:
        uid = next_uid("edit folio", edit_uids["folio"])
        run(base + ["edit", uid, "--stdin"], add_body, what="folio edit")
        e = info["sample"][uid]
        edited[4 * info["rowid"][uid]] = Entry(e.uid, e.created, e.updated, e.title, e.tags, new_body)

    def edit_sql() -> None:
        uid = next_uid("edit sqlcipher", edit_uids["sqlcipher"])
        e, docid = info["sample"][uid], 4 * info["rowid"][uid]
        new = Entry(e.uid, e.created, e.updated, e.title, e.tags, new_body)
        raw_write(EDIT_SQL.format(uid=uid, now=now, body=sql_text(new_body), docid=docid,
                                  unindex=unindex_sql(docid, e.text()),
                                  terms=sql_text(terms_of(new.text()))), "sqlcipher edit")
        edited[docid] = new

    removed: List[int] = []

    def rm_folio() -> None:
        uid = next_uid("rm folio", rm_uids["folio"])
        run(base + ["rm", uid, "--yes"], what="folio rm")
        removed.append(4 * info["rowid"][uid])

    def rm_sql() -> None:
        uid = next_uid("rm sqlcipher", rm_uids["sqlcipher"])
        docid = 4 * info["rowid"][uid]
        raw_write(RM_SQL.format(uid=uid, unindex=unindex_sql(docid, info["sample"][uid].text())),
                  "sqlcipher rm")
        removed.append(docid)

    slow_runs = min(args.runs, per - 1)
    rows.append(("edit ID (stdin)", measure_budget(edit_folio, slow_runs, args.slow_budget),
                 measure_budget(edit_sql, slow_runs, args.slow_budget)))
    info["pending_after"].append(("edit", pending_now()))
    rows.append(("rm ID --yes", measure_budget(rm_folio, slow_runs, args.slow_budget),
                 measure_budget(rm_sql, slow_runs, args.slow_budget)))
    # What the edits and removals left: the removed records have no posting
    # and no row; an edited record holds its new terms (and, if the 64th
    # pending wrote them, their postings).
    check_records(data, key, {d: None for d in removed})
    rows_now: Dict[str, Tuple[str, str]] = {}
    for line in sql(data, key, "SELECT docid, pending, terms FROM search_docs WHERE docid IN (" +
                    ",".join(str(d) for d in edited) + ");\n", "sqlcipher edited").splitlines():
        d, pend, terms = line.split("|", 2)
        rows_now[d] = (pend, terms)
    written: Dict[int, Optional[str]] = {}
    for d, e in edited.items():
        got = rows_now.get(str(d))
        if got is None or got[1] != terms_of(e.text()):
            raise BenchError(f"edited record {d}: search_docs does not hold its new terms")
        if got[0] == "0":
            written[d] = e.text()
    check_records(data, key, written)
    # folio's top 20 against the raw SQL with the pending records the writes left.
    check_search(folio, vault, pass_file, key, info, after_writes=True)

    # One add in 64 also writes the postings of the 64 pending records: fill
    # the pending records up to 63 through sqlcipher (untimed, one
    # transaction), then time the folio add that makes the 64th.
    def fill_pending() -> None:
        need = PENDING_LIMIT - 1 - pending_now()
        body, terms = sql_text(new_body), sql_text(terms_of(new_body))
        raw_write("BEGIN IMMEDIATE;\n" + "".join(
            f"INSERT INTO entries(uid, created, updated, title, body) VALUES "
            f"('{''.join(fresh.choice(ID_ALPHABET) for _ in range(8))}', '{now}', '{now}', NULL, "
            f"{body});\nINSERT INTO search_docs(docid, terms, pending) VALUES "
            f"(last_insert_rowid() * 4, {terms}, 1);\n"
            f"UPDATE search_stats SET docs = docs + 1 WHERE id = 1;\n" for _ in range(need)) +
            "COMMIT;\n", "sqlcipher pending adds")

    flush: List[float] = []
    for _ in range(min(3, args.runs)):
        fill_pending()
        t = time.perf_counter()
        run(base + ["add"], add_body, what="folio add")
        flush.append(time.perf_counter() - t)
        left = pending_now()
        if left:
            raise BenchError(f"folio's add of the 64th pending record left {left} pending")
    rows.append((f"add, the {PENDING_LIMIT}th pending", flush, None))
    info["check_after_s"] = check_index(data, key)
    check_search(folio, vault, pass_file, key, info, after_writes=True)
    info["rows"] = rows
    info["searches"] = searches
    info["n"] = n

    # pass grep, on the same texts. A pass store is given up when building it,
    # or one `pass grep` over it, would take longer than the limits: the grep
    # time is judged from the time an entry took at the previous size.
    info["pass_note"] = pass_why
    if pass_store is not None:
        per_entry = pass_store.grep_per_entry
        if per_entry is not None and per_entry * n > args.pass_grep_limit:
            info["pass_note"] = (f"one pass grep would take about {per_entry * n / 60:.0f} min "
                                 f"({per_entry * 1000:.1f} ms an entry at {pass_store.grep_size}), "
                                 f"over the {args.pass_grep_limit / 60:.0f} min limit "
                                 f"(--pass-grep-limit)")
            print(f"bench: {n} entries: pass not measured: {info['pass_note']}",
                  file=sys.stderr, flush=True)
        else:
            store = os.path.join(root, f"pass-{n}")
            print(f"bench: {n} entries: building the pass store {store} ...",
                  file=sys.stderr, flush=True)
            built, why = pass_store.build(store, Corpus(args.seed, n), args.pass_build_limit)
            info["pass_build_s"] = built
            if built is None:
                info["pass_note"] = why
                print(f"bench: {n} entries: pass not measured: {why}", file=sys.stderr, flush=True)
            else:
                word = QUERIES[0][1]
                expect = info["planted"][word]
                print(f"bench: {n} entries: pass store built in {built:.0f} s; timing pass grep "
                      f"(at most {args.runs} runs or about {args.pass_grep_budget:.0f} s) ...",
                      file=sys.stderr, flush=True)
                times = measure_budget(lambda: pass_store.grep(store, word, expect),
                                       args.runs, args.pass_grep_budget)
                searches[0]["pass"] = times
                pass_store.grep_per_entry = statistics.median(times) / n
                pass_store.grep_size = n
            if not args.keep:
                shutil.rmtree(store, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(vault, ignore_errors=True)
    return info


# --- output ---------------------------------------------------------------------

def pad(s: str, width: int) -> str:
    """Left-aligns `s` in `width` terminal columns (a CJK character takes two)."""
    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    return s + " " * max(0, width - cols)


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def med(xs: Optional[List[float]]) -> Optional[float]:
    return median(xs)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_report(results: List[Dict], args, kdf_ms: float, pass_algo: str) -> None:
    lo, hi = results[0], results[-1]
    print("build (vault filled through sqlcipher; index built by one `folio reindex` process)")
    print(f"{'entries':>8}  {'chars/body':>10}  {'fill s':>7}  {'reindex s':>9}  "
          f"{'data MiB before':>15}  {'after':>7}  {'of it free':>10}  {'index MiB':>9}  "
          f"{'postings':>9}  {'terms':>7}  {'checks s':>8}")
    for r in results:
        print(f"{r['n']:>8}  {r['chars'] / r['n']:>10.0f}  {r['build_s']:>7.1f}  {r['reindex_s']:>9.1f}  "
              f"{r['data_before'] / 2**20:>15.1f}  {r['data_after'] / 2**20:>7.1f}  "
              f"{r['free_pages'] * 4096 / 2**20:>10.1f}  "
              f"{r['index_pages'] * 4096 / 2**20:>9.1f}  {r['postings']:>9}  {r['terms']:>7}  "
              f"{r['check_s']:>8.1f}")
    print("  index MiB: pages in use after `folio reindex` less before it; checks s: the SQL checks "
          "of FORMAT.md's invariants (INDEX_CHECKS) after the reindex")
    print()
    print("queries: records matched (the count the generator wrote, checked against the index)")
    for label, word in QUERIES:
        cells = "  ".join(f"{r['n']:>7}: {r['df'][word]:>6} ({100 * r['df'][word] / r['n']:4.1f}%)"
                          for r in results)
        print(f"  {pad(label, 15)} {pad(word, 8)} term {pad(query_term(word), 14)} {cells}")
    print()
    print(f"wall time of whole processes, ms; median and p90 of up to {args.runs} runs after one "
          f"warm-up, folio and sqlcipher taking turns (edit and rm: runs within "
          f"{args.slow_budget:.0f} s, one tool after the other, 'n')")
    print(f"sqlcipher: the same work through the sqlcipher tool with the raw key (statements below); "
          f"f/sql = folio / sqlcipher; x{lo['n']} = folio here / folio at {lo['n']} (medians)")
    head = (f"{'entries':>8}  {'operation':<28} {'folio':>8} {'p90':>8}  {'sqlcipher':>9} {'p90':>8}"
            f"  {'f/sql':>6}  {'x' + str(lo['n']):>7}  {'n':>3}")
    print(head)
    print("-" * len(head))
    lo_rows = {name: f for name, f, _ in lo["rows"]}
    for r in results:
        for name, f, q in r["rows"]:
            fm, qm = med(f), med(q)
            growth = fm / med(lo_rows[name]) if name in lo_rows else None
            print(f"{r['n']:>8}  {pad(name, 28)} {ms(fm):>8} {ms(p90(f)):>8}  "
                  f"{ms(qm) if q else '-':>9} {ms(p90(q)) if q else '-':>8}  "
                  f"{fm / qm if q else 0:>6.2f}  {growth:>7.2f}  {len(f):>3}")
        print()
    print(f"add: one in {PENDING_LIMIT} also writes the postings of the {PENDING_LIMIT} pending "
          f"records ('add, the {PENDING_LIMIT}th pending', folio only); pending records left by "
          f"the timed writes; checks of the index after all the writes")
    for r in results:
        f = {name: med(t) for name, t, _ in r["rows"]}
        add, flush = f["add (body on stdin)"], f[f"add, the {PENDING_LIMIT}th pending"]
        amort = ((PENDING_LIMIT - 1) * add + flush) / PENDING_LIMIT
        left = ", ".join(f"{p} after the {w} runs" for w, p in r["pending_after"])
        print(f"{r['n']:>8}  add {ms(add)} ms, the {PENDING_LIMIT}th {ms(flush)} ms: {ms(amort)} ms "
              f"an add over {PENDING_LIMIT}; pending: {left}; checks after the writes "
              f"{r['check_after_s']:.1f} s, passed")
    print()
    print("search: unranked, the newest 20 holding the term by docid (BARE_SQL) through sqlcipher, ms")
    for r in results:
        cells = "   ".join(f"{pad(s['word'], 8)} {ms(med(s['bare'])):>6} (p90 {ms(p90(s['bare']))})"
                           for s in r["searches"])
        print(f"{r['n']:>8}  {cells}")
    print()
    print("statements (sqlcipher):")
    print("  show:      " + SHOW_SQL.format(uid="<ID>").strip().replace("\n", "\n             "))
    print("  list:      " + LIST_SQL.format(limit=LIMIT).strip())
    holes = {"term": "'<TERM>'", "spaced": "' <TERM> '"}
    print("  search:    " + SEARCH_SQL.format(**holes).strip().replace("\n", "\n             "))
    print("             (<TERM> as under 'queries'; the hits order rows as folio's score does for "
          "a one-word query; then the columns folio shows for the 20 hits)")
    print("  bare:      " + BARE_SQL.format(**holes).strip())
    unindex = "<UNINDEX> "
    for name, stmt in (("add", ADD_SQL), ("edit", EDIT_SQL), ("rm", RM_SQL)):
        print(f"  {name + ':':<10} " + stmt.format(uid="<ID>", now="<NOW>", body="<BODY>", docid="<DOCID>",
                                                    unindex=unindex, terms="<TERMS>"
                                                    ).strip().replace("\n", " "))
    print("  <UNINDEX>: " + unindex_sql(4444, "aaa bbb bbb").strip().replace("\n", " ")
          .replace("4444", "<DOCID>").replace("'aaa'", "'<TERM1>'").replace("'bbb'", "'<TERM2>'")
          .replace("hits = 1", "hits = <HITS1>").replace("hits = 2", "hits = <HITS2>"))
    print("             (one DELETE, DELETE, UPDATE per distinct term of the record, in byte order)")
    print("             (<TERMS>: the entry's text as folio tokenizes it, FORMAT.md)")
    print(f"KDF: Argon2id at 8 KiB, 1 pass takes {kdf_ms:.3f} ms (python3-nacl, in-process); "
          f"it is inside every folio figure and subtracted for the first target")
    print()

    print(f"decrypt everything: pass grep -i {QUERIES[0][1]} (pass 1.7, one gpg -d process per "
          f"entry; key: {pass_algo}, no passphrase, gpg-agent running), seconds")
    for r in results:
        s = r["searches"][0]
        if s["pass"]:
            pm = med(s["pass"])
            print(f"{r['n']:>8}  pass grep {pm:8.1f} s (p90 {p90(s['pass']):.1f}, {len(s['pass'])} runs; "
                  f"store built in {r['pass_build_s']:.0f} s)   folio search {ms(med(s['folio']))} ms: "
                  f"pass grep / folio = {pm / med(s['folio']):,.0f}")
        else:
            print(f"{r['n']:>8}  pass grep not measured: {r['pass_note'] or 'skipped'}")
    print()

    print("targets")
    if hi["n"] != 100000:
        print(f"  (the largest size measured is {hi['n']}, not 100000: read 'at 100000' as at {hi['n']})")
    for s in hi["searches"]:
        v = med(s["folio"]) * 1000 - kdf_ms
        print(f"  search at {hi['n']} under 50 ms (median less the KDF): {pad(s['word'], 8)} "
              f"{v:7.1f} ms   {verdict(v < 50)}")
    if hi is not lo:
        for name, f, _ in hi["rows"]:
            g = med(f) / med(lo_rows[name])
            print(f"  {pad(name, 28)} at {hi['n']} within 2x of {lo['n']}: "
                  f"{ms(med(f)):>7} / {ms(med(lo_rows[name])):>6} ms = {g:5.2f}x   {verdict(g <= 2)}")
    else:
        print("  growth: one size only, not judged")
    for name, f, _ in hi["rows"]:
        if name in ("edit ID (stdin)", "rm ID --yes"):
            print(f"  {pad(name, 28)} at {hi['n']} under 150 ms whole-process (issue 16): "
                  f"{ms(med(f)):>7} ms   {verdict(med(f) < 0.150)}")
    for r in results:
        for name, f, q in r["rows"]:
            if q:
                # Through the agent (no KDF) the session-agent issue asks for 2x.
                bound = 2.0 if name.endswith("(agent)") else 1.5
                ratio = med(f) / med(q)
                print(f"  {r['n']:>6} {pad(name, 28)} folio within {bound:.1f}x of sqlcipher: "
                      f"{ms(med(f)):>7} / {ms(med(q)):>7} ms = {ratio:5.2f}x   "
                      f"{verdict(ratio <= bound)}")
    print()
    for r in results:
        if r["analysis"]:
            print("\n".join(r["analysis"]))
            print()
    print(load_line("at the end") + ": other work on the machine moves the figures")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Time folio search (and add/show/list) against raw "
                                             "sqlcipher and pass grep on generated vaults.")
    ap.add_argument("--sizes", default="1000,10000,100000",
                    help="comma-separated numbers of entries (default: 1000,10000,100000)")
    ap.add_argument("--runs", type=int, default=15, help="timed runs of each command (default: 15)")
    ap.add_argument("--bin", default="./build/folio", help="the folio binary (default: ./build/folio)")
    ap.add_argument("--no-pass", action="store_true", help="skip the pass grep comparison")
    ap.add_argument("--pass-build-limit", type=float, default=600, metavar="S",
                    help="give up a pass store that would take longer than this to build (default 600 s)")
    ap.add_argument("--pass-grep-budget", type=float, default=300, metavar="S",
                    help="stop timing pass grep runs after about this long (default 300 s a size)")
    ap.add_argument("--pass-grep-limit", type=float, default=600, metavar="S",
                    help="skip pass at a size where one pass grep would take longer than this, "
                         "judged from the previous size (default 600 s)")
    ap.add_argument("--slow-budget", type=float, default=45, metavar="S",
                    help="stop timing edit or rm of one tool after about this long (default 45 s)")
    ap.add_argument("--no-analyze", dest="analyze", action="store_false",
                    help="skip timing the parts of the search statement at the largest size")
    ap.add_argument("--no-agent", dest="agent", action="store_false",
                    help="skip the rows timed through a session agent (folio unlock)")
    ap.add_argument("--seed", type=int, default=20261123, help="generator seed")
    ap.add_argument("--workdir", help="where to build the vaults (default: a new folder in $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the vaults and pass stores afterwards")
    args = ap.parse_args(argv)

    try:
        sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        ap.error(f"--sizes: not a list of numbers: {args.sizes}")
    args.size_list = sizes
    if not sizes or any(s < 100 for s in sizes):
        ap.error("--sizes: each size must be at least 100")
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    folio = os.path.abspath(args.bin)
    why = check_prerequisites(folio)
    if why:
        print(f"bench: error: {why}", file=sys.stderr)
        return 2

    pass_why = "--no-pass" if args.no_pass else (ensure_pass() or "")
    root = args.workdir or tempfile.mkdtemp(prefix="folio-search-")
    own_root = not args.workdir
    os.makedirs(root, mode=0o700, exist_ok=True)
    pass_file = write_passphrase_file(root)

    pass_store: Optional[PassStore] = None
    pass_algo = "-"
    kdf_ms = 0.0
    results: List[Dict] = []
    status = 0
    try:
        if not pass_why:
            if os.path.exists(os.path.join(root, "gnupg")):
                shutil.rmtree(os.path.join(root, "gnupg"))
            pass_store = PassStore(root)
            pass_algo = pass_store.algo
        print_preamble(folio, argv, [f"pass:      {_pass_version()}; {version_of(['gpg', '--version'])}"]
                       if pass_store else [])
        kdf_ms = kdf_time_ms()
        for n in sizes:
            for d in (f"vault-{n}", f"pass-{n}"):
                if os.path.exists(os.path.join(root, d)):
                    shutil.rmtree(os.path.join(root, d))
            results.append(bench_size(folio, root, n, args, pass_store, pass_why))
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        status = 1
    except subprocess.TimeoutExpired as e:
        print(f"bench: error: a command ran too long: {' '.join(e.cmd)}", file=sys.stderr)
        status = 1
    finally:
        if pass_store:
            pass_store.close()
        if results:
            print_report(results, args, kdf_ms, pass_algo)
        if args.keep:
            print(f"\nvaults kept in {root} (passphrase file: {pass_file})")
        elif own_root:
            shutil.rmtree(root, ignore_errors=True)
        else:
            for n in sizes:
                shutil.rmtree(os.path.join(root, f"vault-{n}"), ignore_errors=True)
                shutil.rmtree(os.path.join(root, f"pass-{n}"), ignore_errors=True)
            shutil.rmtree(os.path.join(root, "gnupg"), ignore_errors=True)
            os.unlink(pass_file)
    return status


def _pass_version() -> str:
    try:
        out = subprocess.run(["pass", "version"], stdout=subprocess.PIPE, check=False).stdout.decode()
        m = re.search(r"v\d+(\.\d+)+", out)
        return "pass " + (m.group(0) if m else "?")
    except OSError:
        return "pass ?"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
