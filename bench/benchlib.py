"""What bench_store.py and bench_search.py share.

Running commands and timing them, the database key of a new vault (through
tests/format/reader.py, with a copy of the derivation from FORMAT.md for when
that file is missing), the `sqlcipher` command line with the raw key, filling
a vault through it, and the checks every script makes before it starts.

Standard library only, plus python3-nacl for the key derivation. Imported by
the scripts next to it; not meant to be run.
"""

import importlib.util
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READER_PATH = os.path.join(REPO, "tests", "format", "reader.py")

PASSPHRASE = "folio bench passphrase"
# The cheapest key derivation folio accepts: the figures measure the process
# and the store, not Argon2id.
CHEAPEST_KDF = ["--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf", "--allow-weak"]
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # FORMAT.md: no i, l, o, u
TIMEOUT = 600  # seconds for one command

# The pragmas folio sets on every open (FORMAT.md), and a larger cache for
# filling a vault quickly.
FOLIO_PRAGMAS = ("PRAGMA secure_delete = ON;\nPRAGMA temp_store = MEMORY;\n"
                 "PRAGMA journal_mode = DELETE;\nPRAGMA foreign_keys = ON;\n")


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
    return _database_key_builtin(vault, passphrase), "benchlib.py (built-in)"


def kdf_time_ms() -> float:
    """Median time of one Argon2id run at the cheapest cost (in-process)."""
    import nacl.pwhash.argon2id
    times = []
    for _ in range(50):
        t = time.perf_counter()
        nacl.pwhash.argon2id.kdf(32, PASSPHRASE.encode(), bytes(16), opslimit=1, memlimit=8192)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


# --- text and SQL ------------------------------------------------------------

def sql_text(s: Optional[str]) -> str:
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


def utc(t) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def sqlcipher_prelude(key: bytes) -> str:
    # FORMAT.md "The database": the raw key, then the page size, before any read.
    return f"PRAGMA key = \"x'{key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\n"


def sqlcipher_cmd(data: str) -> List[str]:
    return ["sqlcipher", "-batch", "-bail", "-init", os.devnull, "-list", "-noheader", data]


# The statements folio runs for `list` and `show`, with the bound values
# written in: Journal::list without filters (src/journal/journal.cpp); the
# id lookup of src/store/ids.cpp, then the entry with its tags (journal.cpp,
# load).
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


# --- running and timing commands ---------------------------------------------

def run(cmd: Sequence[str], stdin: Optional[bytes] = None, what: str = "",
        timeout: float = TIMEOUT) -> bytes:
    p = subprocess.run(list(cmd), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, check=False)
    if p.returncode != 0:
        raise BenchError(f"{what or cmd[0]} failed with exit code {p.returncode}:\n"
                         f"  command: {' '.join(cmd)}\n"
                         f"  stderr: {p.stderr.decode('utf-8', 'replace').strip()}")
    return p.stdout


def sql(data: str, key: bytes, text: str, what: str) -> str:
    """Runs `text` through sqlcipher with the raw key; its output."""
    return run(sqlcipher_cmd(data), (sqlcipher_prelude(key) + text).encode("utf-8"),
               what=what).decode("utf-8")


def measure(fn: Callable[[], None], runs: int) -> List[float]:
    """Seconds of `runs` calls, after one untimed warm-up (page cache, loader)."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def measure_alternately(fns: Sequence[Callable[[], None]], runs: int) -> List[List[float]]:
    """measure() of several commands that do the same work, taking turns (a
    run of each, then the next round), so that other load on the machine, which
    comes and goes in bursts, falls on all of them alike rather than on
    whichever happened to be timed at the time."""
    for fn in fns:
        fn()
    times: List[List[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, ts in zip(fns, times):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
    return times


def measure_budget(fn: Callable[[], None], runs: int, budget_s: float) -> List[float]:
    """Like measure(), for slow commands: a first run longer than 2 s is counted
    rather than thrown away as a warm-up, and runs stop once budget_s is spent
    (at least one timed run, at most `runs`)."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times: List[float] = [] if first < 2 else [first]
    spent = first
    while len(times) < runs and (spent < budget_s or not times):
        t = time.perf_counter()
        fn()
        d = time.perf_counter() - t
        times.append(d)
        spent += d
    return times


def median(xs: Optional[List[float]]) -> Optional[float]:
    return statistics.median(xs) if xs else None


def p90(xs: List[float]) -> float:
    """The 90th percentile, nearest rank."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


# --- vaults ------------------------------------------------------------------

def new_vault(folio: str, vault: str, pass_file: str) -> Tuple[bytes, str]:
    """`folio init` at the cheapest KDF; (database key, which code derived it)."""
    run([folio, "--vault", vault, "--passphrase-file", pass_file, "init"] + CHEAPEST_KDF,
        what="folio init")
    return database_key(vault, PASSPHRASE)


def fill(data: str, key: bytes, statements: Iterable[str], expect_entries: int) -> None:
    """Streams SQL statements into one sqlcipher process, in one transaction with
    folio's pragmas, then checks that the vault holds `expect_entries` entries."""
    out_f, err_f = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    proc = subprocess.Popen(sqlcipher_cmd(data), stdin=subprocess.PIPE, stdout=out_f, stderr=err_f)
    w = proc.stdin
    try:
        w.write(sqlcipher_prelude(key).encode("ascii"))
        w.write((FOLIO_PRAGMAS + "PRAGMA cache_size = -65536;\nBEGIN;\n").encode("ascii"))
        buf: List[str] = []
        for s in statements:
            buf.append(s)
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
    if rc != 0 or f"rows|{expect_entries}" not in out.splitlines():
        raise BenchError(f"filling the vault through sqlcipher failed (exit {rc}): "
                         f"{err or out[-500:]}")


def write_passphrase_file(root: str) -> str:
    path = os.path.join(root, "passphrase")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, (PASSPHRASE + "\n").encode())
    os.close(fd)
    return path


# --- before and around a run -------------------------------------------------

def check_prerequisites(folio: str) -> Optional[str]:
    """Why the bench cannot run (missing binary, sqlcipher, python3-nacl), or None."""
    if not os.access(folio, os.X_OK):
        return (f"no folio binary at {folio}; build it (cmake -S . -B build && "
                f"cmake --build build) or give --bin PATH")
    if shutil.which("sqlcipher") is None:
        return "the sqlcipher command-line tool is missing (Debian: apt-get install sqlcipher)"
    try:
        import nacl.bindings  # noqa: F401
    except ImportError:
        return ("python3-nacl is missing (Debian: apt-get install python3-nacl); "
                "run this script with /usr/bin/python3")
    return None


def version_of(cmd: List[str]) -> str:
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           input=b"", timeout=30, check=False)
        return p.stdout.decode("utf-8", "replace").strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def load_line(when: str) -> str:
    one, five, fifteen = os.getloadavg()
    return (f"load:      {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) {when}, "
            f"{os.cpu_count()} CPUs")


def print_preamble(folio: str, argv: List[str], extra: Sequence[str] = ()) -> None:
    print(f"folio:     {version_of([folio, 'version'])}")
    print(f"sqlcipher: {version_of(['sqlcipher', '-version'])}")
    for line in extra:
        print(line)
    print(f"machine:   {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(load_line("at the start"))
    print(f"command:   {' '.join(['/usr/bin/python3', os.path.relpath(sys.argv[0])] + argv)}")
    print()
    sys.stdout.flush()


def run_with_age(args, prefix: str, run_bench: Callable[[str], None]) -> None:
    """What bench_backup.py and bench_attach.py do after parsing: check for
    age and the binary, make the work folder (inside --workdir, made 0700 if
    it does not exist yet), run, then remove it unless --keep."""
    if shutil.which("age") is None:
        sys.exit("the age tool is not installed (apt-get install age)")
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"no folio binary at {args.bin}")
    if args.workdir is not None:
        os.makedirs(args.workdir, mode=0o700, exist_ok=True)
    work = tempfile.mkdtemp(prefix=prefix, dir=args.workdir)
    try:
        run_bench(work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
