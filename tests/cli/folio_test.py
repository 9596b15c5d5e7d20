"""Shared helpers for folio's end-to-end tests (tests/cli/test_*.py).

Every test drives the built binary ($FOLIO_BIN) as a user would: a throwaway
vault in a temporary folder, a 0600 passphrase file, cheap KDF settings, and a
clean environment (HOME and XDG_RUNTIME_DIR are per-test temporary folders,
TZ=UTC, NO_COLOR=1, PAGER=cat, no FOLIO_VAULT/VISUAL/EDITOR unless a test sets
them).

Standard library only, plus (where a test needs to look inside a vault the way
docs/FORMAT.md describes) python3-nacl and the `sqlcipher` command-line tool;
tests that need those skip with a reason when they are missing.
"""

import contextlib
import json
import os
import pty
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import termios
import time
import unittest
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("FOLIO_SOURCE_DIR", HERE.parent.parent))
FOLIO_BIN = os.environ.get("FOLIO_BIN", str(SOURCE_DIR / "build" / "folio"))

# A passphrase zxcvbn rates well above 2^50 guesses.
PASSPHRASE = "glacier tumbleweed ostrich 93 harbor lantern"
OTHER_PASSPHRASE = "quartz violin meadow 71 obscure pelican drift"
WEAK_PASSPHRASE = "password1"

# `init` always runs with these: the cheapest Argon2id folio accepts.
CHEAP_KDF = ["--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf"]

ENTRY_ID = re.compile(r"^[0-9abcdefghjkmnpqrstvwxyz]{8}$")
RECOVERY_CODE = re.compile(r"(?<![A-Z2-7-])[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}(?![A-Z2-7-])")
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

# Things that must never reach a user's terminal.
FORBIDDEN_IN_STDERR = (
    "Traceback",
    "error: 1",
    "terminate called",
    "what():",
    "Assertion",
    "AddressSanitizer",
    "runtime error:",
    "Segmentation fault",
    "core dumped",
)

# Environment variables worth passing through to the binary (sanitizer builds).
PASSTHROUGH_ENV = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")

DEFAULT = object()  # "use the test's own vault / passphrase file"


@dataclass
class Result:
    """What one run of folio did."""

    argv: List[str]
    rc: int
    out_bytes: bytes
    err_bytes: bytes

    @property
    def out(self) -> str:
        return self.out_bytes.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.err_bytes.decode("utf-8", "replace")

    def describe(self) -> str:
        return (f"\n  command: {' '.join(map(str, self.argv))}\n  exit: {self.rc}"
                f"\n  stdout: {self.out!r}\n  stderr: {self.err!r}")


@dataclass
class PtyResult:
    """What one run of folio on a pseudo-terminal did (stdout and stderr merged)."""

    argv: List[str]
    rc: int
    output_bytes: bytes

    @property
    def output(self) -> str:
        return self.output_bytes.decode("utf-8", "replace")

    def describe(self) -> str:
        return (f"\n  command (pty): {' '.join(map(str, self.argv))}\n  exit: {self.rc}"
                f"\n  terminal output: {self.output!r}")


# A step of a terminal conversation: wait until `until` (a regex searched in the
# output not yet consumed, or a callable returning True), then send `send`
# (bytes to type, or a callable given the child's pid).
Step = Tuple[Union[str, Callable[[], bool]], Union[bytes, Callable[[int], None]]]


def _text(value) -> Union[str, bytes]:
    return value if isinstance(value, (bytes, str)) else str(value)


class FolioTestCase(unittest.TestCase):
    """A test with its own temporary vault path, passphrase file and environment."""

    maxDiff = None

    def setUp(self):
        if not os.access(FOLIO_BIN, os.X_OK):
            self.fail(f"folio binary not found at {FOLIO_BIN} (set FOLIO_BIN)")
        self.tmp = Path(tempfile.mkdtemp(prefix="folio-cli-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.home = self.tmp / "home"
        self.home.mkdir()
        # XDG_RUNTIME_DIR must be a tmpfs for the editor; /dev/shm is one.
        self.runtime = Path(tempfile.mkdtemp(prefix="folio-cli-run-", dir="/dev/shm"))
        os.chmod(self.runtime, 0o700)
        self.addCleanup(shutil.rmtree, self.runtime, ignore_errors=True)
        self.vault = self.tmp / "vault"
        self.pass_file = self.write_secret_file("passphrase", PASSPHRASE + "\n")
        self.recovery_code: Optional[str] = None

    # --- files ---------------------------------------------------------------

    def write_secret_file(self, name: str, content: Union[str, bytes]) -> Path:
        """A 0600 file in the test's folder, e.g. a passphrase or a recovery code."""
        path = self.tmp / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(path, 0o600)
        return path

    def write_script(self, name: str, body: str) -> Path:
        """An executable /bin/sh script, e.g. a scripted $EDITOR."""
        path = self.tmp / name
        path.write_text("#!/bin/sh\n" + body)
        os.chmod(path, 0o755)
        return path

    # --- running folio -------------------------------------------------------

    def env(self, **overrides: Optional[str]) -> Dict[str, str]:
        """The environment of every run; an override of None removes a variable."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "TZ": "UTC",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
            "TERM": "xterm",
            "PAGER": "cat",  # no pager on a pty unless a test sets one
        }
        for name in PASSTHROUGH_ENV:
            if name in os.environ:
                env[name] = os.environ[name]
        for name, value in overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = str(value)
        return env

    def argv(self, args: Sequence, vault=DEFAULT, passphrase_file=DEFAULT) -> List:
        argv: List = [FOLIO_BIN]
        if vault is DEFAULT:
            vault = self.vault
        if passphrase_file is DEFAULT:
            passphrase_file = self.pass_file
        if vault is not None:
            argv += ["--vault", str(vault)]
        if passphrase_file is not None:
            argv += ["--passphrase-file", str(passphrase_file)]
        argv += [_text(a) for a in args]
        return argv

    def folio(self, *args, input: Union[str, bytes, None] = None, env: Optional[Dict] = None,
              vault=DEFAULT, passphrase_file=DEFAULT, pass_fds: Iterable[int] = (),
              umask: Optional[int] = None, timeout: float = 60) -> Result:
        """Runs folio without a terminal: stdin is `input` or /dev/null, and the
        child is in a new session, so /dev/tty cannot be opened."""
        argv = self.argv(args, vault, passphrase_file)
        data = input.encode("utf-8") if isinstance(input, str) else input
        preexec = (lambda: os.umask(umask)) if umask is not None else None
        try:
            proc = subprocess.run(
                argv, input=data, stdin=subprocess.DEVNULL if data is None else None,
                capture_output=True, env=env if env is not None else self.env(),
                cwd=self.tmp, pass_fds=tuple(pass_fds), start_new_session=True,
                preexec_fn=preexec, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            self.fail(f"folio did not finish in {timeout}s: {argv}\n"
                      f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}")
        return Result([str(a) for a in argv], proc.returncode, proc.stdout, proc.stderr)

    def folio_pty(self, *args, steps: Sequence[Step] = (), env: Optional[Dict] = None,
                  vault=DEFAULT, passphrase_file=DEFAULT, wrapper: Sequence[str] = (),
                  timeout: float = 30, type_delay: float = 0.15,
                  termios_after: Optional[dict] = None) -> PtyResult:
        """Runs folio on a new pseudo-terminal (its controlling terminal, stdin,
        stdout and stderr) and plays `steps`. `wrapper` is put before the
        command line (e.g. to run folio inside `unshare`). `termios_after`, if
        given, receives the terminal's settings as folio left them ("lflag")."""
        argv = [str(a) for a in list(wrapper) + self.argv(args, vault, passphrase_file)]
        envd = env if env is not None else self.env()
        pid, fd = pty.fork()
        if pid == 0:  # the child
            try:
                os.chdir(self.tmp)
                os.execve(argv[0], argv, envd)
            finally:
                os._exit(127)
        output = b""
        consumed = 0
        pending = list(steps)
        deadline = time.monotonic() + timeout
        try:
            while True:
                if pending:
                    until, send = pending[0]
                    if callable(until):
                        ready = until()
                        end = len(output)
                    else:
                        m = re.search(until, output[consumed:].decode("utf-8", "replace"))
                        ready = m is not None
                        end = len(output)
                    if ready:
                        consumed = end
                        pending.pop(0)
                        time.sleep(type_delay)  # let folio turn echo off first
                        if callable(send):
                            send(pid)
                        else:
                            os.write(fd, send)
                        continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    self.fail(f"folio on a terminal did not finish in {timeout}s: {argv}\n"
                              f"waiting for: {pending[0][0] if pending else 'exit'}\n"
                              f"output: {output!r}")
                r, _, _ = select.select([fd], [], [], min(remaining, 0.05))
                if not r:
                    continue
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the terminal's other side is gone
                    break
                if not data:
                    break
                output += data
            _, status = os.waitpid(pid, 0)
            if termios_after is not None:
                termios_after["lflag"] = termios.tcgetattr(fd)[3]
        finally:
            os.close(fd)
        if pending:
            self.fail(f"folio exited before the conversation ended: {argv}\n"
                      f"still waiting for: {pending[0][0]}\noutput: {output!r}")
        return PtyResult(argv, os.waitstatus_to_exitcode(status), output)

    # --- common operations ---------------------------------------------------

    def init_vault(self, *extra, vault=DEFAULT, passphrase_file=DEFAULT) -> Result:
        """`folio init` with the cheapest KDF and --allow-weak; remembers the
        recovery code it prints."""
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", *extra,
                       vault=vault, passphrase_file=passphrase_file)
        self.assertOk(r)
        codes = RECOVERY_CODE.findall(r.out)
        self.assertEqual(len(codes), 1, "init prints exactly one recovery code" + r.describe())
        self.recovery_code = codes[0]
        return r

    def add(self, body: Union[str, bytes] = "a body", *options, **kw) -> str:
        """Adds an entry with its body on stdin; returns the printed id."""
        r = self.folio("add", *options, input=body, **kw)
        self.assertOk(r)
        entry_id = r.out.strip()
        self.assertRegex(entry_id, ENTRY_ID, "add prints the new id" + r.describe())
        return entry_id

    def list_json(self, *options, **kw) -> list:
        r = self.folio("list", "--json", *options, **kw)
        self.assertOk(r)
        try:
            return json.loads(r.out)
        except ValueError as e:
            self.fail(f"list --json is not JSON ({e})" + r.describe())

    def show_json(self, entry_id: str, **kw) -> dict:
        r = self.folio("show", entry_id, "--json", **kw)
        self.assertOk(r)
        try:
            return json.loads(r.out)
        except ValueError as e:
            self.fail(f"show --json is not JSON ({e})" + r.describe())

    def ids(self, *options, **kw) -> List[str]:
        return [e["id"] for e in self.list_json(*options, **kw)]

    def json_of(self, *args, **kw):
        """Runs a folio command that prints JSON (give `--json` in args) and
        returns the parsed value."""
        r = self.folio(*args, **kw)
        self.assertOk(r)
        try:
            return json.loads(r.out)
        except ValueError as e:
            self.fail(f"the output is not JSON ({e})" + r.describe())

    def new_id(self, *args, **kw) -> str:
        """Runs a folio command that prints one new id (checklist new, item add,
        attach) and returns it."""
        r = self.folio(*args, **kw)
        self.assertOk(r)
        new = r.out.strip()
        self.assertRegex(new, ENTRY_ID, "the command prints the new id" + r.describe())
        return new

    def checklist_json(self, checklist: str, **kw) -> dict:
        return self.json_of("checklist", "show", checklist, "--json", **kw)

    def item_json(self, item: str, **kw) -> dict:
        return self.json_of("item", "show", item, "--json", **kw)

    # --- snapshots -----------------------------------------------------------

    def snapshot(self, folder: Optional[Path] = None) -> Dict[str, Tuple[int, int, bytes]]:
        """Every file under `folder` (default: the vault): mode, mtime, bytes."""
        folder = Path(folder or self.vault)
        files = {}
        for root, dirs, names in os.walk(folder):
            for name in sorted(dirs + names):
                path = Path(root) / name
                st = path.lstat()
                data = path.read_bytes() if stat.S_ISREG(st.st_mode) else b""
                files[str(path.relative_to(folder))] = (st.st_mode, st.st_mtime_ns, data)
        return files

    def assertUnchanged(self, before, folder: Optional[Path] = None, context: str = "",
                        mtimes: bool = True, same_size_only: Sequence[str] = ()):
        """The same files with the same modes and bytes as `before`; with
        `mtimes`, also not written at all (a rolled-back write that restored
        every byte still changes the mtime: pass mtimes=False to allow that).
        Files named in `same_size_only` need only keep their size: SQLCipher
        encrypts every page it writes under a fresh IV, so a transaction whose
        pages spilled to the file before it was rolled back leaves the same
        content in different bytes (the caller then checks the content)."""
        after = self.snapshot(folder)
        self.assertEqual(sorted(after), sorted(before),
                         "the vault holds the same files as before" + context)
        for name, (mode, mtime, data) in before.items():
            a_mode, a_mtime, a_data = after[name]
            self.assertEqual(a_mode, mode, f"{name}: mode unchanged" + context)
            if name in same_size_only:
                self.assertEqual(len(a_data), len(data), f"{name}: size unchanged" + context)
            else:
                self.assertTrue(a_data == data, f"{name}: bytes unchanged" + context)
            if mtimes:
                self.assertEqual(a_mtime, mtime, f"{name}: mtime unchanged" + context)

    # --- assertions on results -----------------------------------------------

    def assertOk(self, r, msg: str = ""):
        if r.rc != 0:
            self.fail(f"folio failed {msg}" + r.describe())
        text = r.err if isinstance(r, Result) else r.output
        for bad in FORBIDDEN_IN_STDERR:
            self.assertNotIn(bad, text, r.describe())

    def assertFails(self, r: Result, code: Union[int, Sequence[int]],
                    mentions: Sequence[str] = (), strict: bool = True,
                    stdout_empty: bool = True) -> str:
        """folio exited with `code` (or one of them) and said so in one
        `folio: error: ...` line; returns that line. `mentions`: the error or
        hint names at least one of these (case-insensitive). `strict`: every
        line of stderr is folio's own (`folio: ...`)."""
        codes = (code,) if isinstance(code, int) else tuple(code)
        self.assertIn(r.rc, codes, f"exit code should be {' or '.join(map(str, codes))}"
                      + r.describe())
        for bad in FORBIDDEN_IN_STDERR:
            self.assertNotIn(bad, r.err, r.describe())
        lines = r.err.splitlines()
        errors = [line for line in lines if line.startswith("folio: error: ")]
        self.assertEqual(len(errors), 1, "exactly one 'folio: error: ...' line" + r.describe())
        self.assertGreater(len(errors[0].strip()), len("folio: error:"),
                           "the error line says something" + r.describe())
        if strict:
            for line in lines:
                self.assertTrue(line.startswith("folio: "),
                                f"every stderr line is folio's own: {line!r}" + r.describe())
        if mentions:
            said = " ".join(line for line in lines
                            if line.startswith(("folio: error:", "folio: hint:"))).lower()
            self.assertTrue(any(m.lower() in said for m in mentions),
                            f"the message mentions one of {list(mentions)}" + r.describe())
        if stdout_empty:
            self.assertEqual(r.out, "", "nothing on stdout after an error" + r.describe())
        return errors[0]

    # --- mounts (we run as root) ---------------------------------------------

    def mount_tmpfs(self, size: str = "4m") -> Path:
        """A fresh tmpfs of `size` in the test's folder, or skip the test."""
        target = Path(tempfile.mkdtemp(prefix="folio-mnt-", dir=self.tmp))
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755",
                            "folio-test", str(target)], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs here (needs root and mount rights): "
                          f"{r.stderr.strip()}")
        self.addCleanup(subprocess.run, ["umount", "-l", str(target)], capture_output=True)
        return target

    def remount_read_only(self, target: Path):
        r = subprocess.run(["mount", "-o", "remount,ro", str(target)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest(f"cannot remount read-only: {r.stderr.strip()}")
        # Root ignores file modes, so check the kernel really says no.
        probe = target / ".probe"
        with contextlib.suppress(OSError):
            probe.write_bytes(b"x")
            self.skipTest("a read-only remount did not stop root from writing")


# --- looking inside a vault (docs/FORMAT.md) ----------------------------------

MASK_KEY = b"folio keyslot parameter mask v1"
DATABASE_KEY_MESSAGE = b"folio sqlcipher key v1"
SLOT_SIZE = 128


def end_agents(pids: Iterable[int]):
    """Kills (SIGKILL) the session agents `pids` (`folio unlock` started them);
    one already gone is fine. For a test's cleanup:
    `self.addCleanup(end_agents, self.pids)`, appending each agent's pid."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def need_nacl(test: unittest.TestCase):
    try:
        import nacl.bindings  # noqa: F401
        import nacl.hash  # noqa: F401
        import nacl.pwhash  # noqa: F401
    except ImportError:
        test.skipTest("python3-nacl is not installed (scripts/deps.sh test installs it)")


def need_sqlcipher(test: unittest.TestCase):
    need_nacl(test)
    if shutil.which("sqlcipher") is None:
        test.skipTest("the sqlcipher tool is not installed (scripts/deps.sh test installs it)")


def slot_mask(salt: bytes) -> bytes:
    import nacl.encoding
    import nacl.hash
    return nacl.hash.blake2b(salt, key=MASK_KEY, digest_size=40,
                             encoder=nacl.encoding.RawEncoder)


def xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


@dataclass
class Slot:
    index: int
    raw: bytes
    params: bytes  # unmasked

    @property
    def used(self) -> bool:
        return self.params[0:8] == b"folio-ks"

    @property
    def version(self) -> int:
        return int.from_bytes(self.params[8:10], "little")

    @property
    def kind(self) -> int:
        return self.params[10]

    @property
    def ops(self) -> int:
        return int.from_bytes(self.params[12:16], "little")

    @property
    def memory(self) -> int:
        return int.from_bytes(self.params[16:24], "little")


def slots_of(header: bytes) -> List[Slot]:
    """The slots of a header's bytes, unmasked."""
    slots = []
    for i in range(len(header) // SLOT_SIZE):
        raw = header[i * SLOT_SIZE:(i + 1) * SLOT_SIZE]
        slots.append(Slot(i, raw, xor(raw[16:56], slot_mask(raw[0:16]))))
    return slots


def read_slots(vault: Path) -> List[Slot]:
    return slots_of((Path(vault) / "header").read_bytes())


def with_params(slot: Slot, params: bytes) -> bytes:
    """The slot's 128 bytes with `params` masked in place of its own."""
    raw = slot.raw
    return raw[0:16] + xor(params, slot_mask(raw[0:16])) + raw[56:128]


def database_key(vault: Path, passphrase: str) -> bytes:
    """The 32-byte SQLCipher key, found by opening a passphrase slot."""
    import unicodedata

    import nacl.bindings
    import nacl.encoding
    import nacl.exceptions
    import nacl.hash
    import nacl.pwhash.argon2id
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    for slot in read_slots(vault):
        if not slot.used or slot.version != 1 or slot.kind != 1:
            continue
        salt = slot.raw[0:16]
        kek = nacl.pwhash.argon2id.kdf(32, secret, salt, opslimit=slot.ops,
                                       memlimit=slot.memory)
        try:
            vault_key = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                slot.raw[80:128], salt + slot.params, slot.raw[56:80], kek)
        except nacl.exceptions.CryptoError:
            continue
        # The data key is wrapped under the vault key in the data-key slot (kind 3).
        for data_slot in read_slots(vault):
            if not data_slot.used or data_slot.version != 1 or data_slot.kind != 3:
                continue
            try:
                dek = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                    data_slot.raw[80:128], data_slot.raw[0:16] + data_slot.params,
                    data_slot.raw[56:80], vault_key)
            except nacl.exceptions.CryptoError:
                continue
            return nacl.hash.blake2b(DATABASE_KEY_MESSAGE, key=dek, digest_size=32,
                                     encoder=nacl.encoding.RawEncoder)
        raise AssertionError("no data-key slot opens with the vault key")
    raise AssertionError("no passphrase slot opens with the test passphrase")


def run_sql(vault: Path, passphrase: str, sql: str) -> str:
    """Runs `sql` on the vault's database with the sqlcipher tool (the key goes
    on stdin, not argv). For setting up states the CLI cannot make, such as
    entries created on given days."""
    key = database_key(vault, passphrase).hex()
    script = (f"PRAGMA key = \"x'{key}'\";\nPRAGMA cipher_page_size = 4096;\n"
              "PRAGMA foreign_keys = ON;\nPRAGMA secure_delete = ON;\n" + sql + "\n")
    r = subprocess.run(["sqlcipher", "-batch", str(Path(vault) / "data")], input=script,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or "Error" in r.stderr:
        raise AssertionError(f"sqlcipher failed: {r.stderr}")
    return r.stdout


def recovery_secret(code: str) -> bytes:
    """A recovery code as the KDF takes it (FORMAT.md, "Secrets"): upper case,
    no spaces or dashes, 0/1/8 read as O/I/B."""
    s = code.upper().replace(" ", "").replace("-", "")
    return s.translate(str.maketrans({"0": "O", "1": "I", "8": "B"})).encode("ascii")


def open_secret_slot(header: bytes, secret: bytes, kind: int) -> Optional[bytes]:
    """The vault key from the first slot of `kind` (1 passphrase, 2 recovery
    code) that opens with `secret` (its KDF input bytes), or None."""
    import nacl.bindings
    import nacl.exceptions
    import nacl.pwhash.argon2id
    for slot in slots_of(header):
        if not slot.used or slot.version != 1 or slot.kind != kind:
            continue
        raw = slot.raw
        kek = nacl.pwhash.argon2id.kdf(32, secret, raw[0:16], opslimit=slot.ops,
                                       memlimit=slot.memory)
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                raw[80:128], raw[0:16] + slot.params, raw[56:80], kek)
        except nacl.exceptions.CryptoError:
            continue
    return None


def database_keys(vault: Path, secret: str, recovery: bool = False,
                  header: Optional[bytes] = None) -> List[bytes]:
    """Every database key the header yields for a passphrase (or, with
    `recovery`, a recovery code): one per data-key slot that opens with the
    vault key, in slot order. Empty when no secret slot opens. `header`: the
    1024 bytes to use instead of the vault's `header` file."""
    import unicodedata

    import nacl.bindings
    import nacl.encoding
    import nacl.exceptions
    import nacl.hash
    if header is None:
        header = (Path(vault) / "header").read_bytes()
    if recovery:
        key = open_secret_slot(header, recovery_secret(secret), 2)
    else:
        key = open_secret_slot(header, unicodedata.normalize("NFC", secret).encode("utf-8"), 1)
    if key is None:
        return []
    keys = []
    for slot in slots_of(header):
        if not slot.used or slot.version != 1 or slot.kind != 3:
            continue
        raw = slot.raw
        try:
            dek = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                raw[80:128], raw[0:16] + slot.params, raw[56:80], key)
        except nacl.exceptions.CryptoError:
            continue
        keys.append(nacl.hash.blake2b(DATABASE_KEY_MESSAGE, key=dek, digest_size=32,
                                      encoder=nacl.encoding.RawEncoder))
    return keys


def sqlcipher_run(path: Path, key: Optional[bytes], sql: str,
                  timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `sql` with the sqlcipher tool on the database file `path`, opened
    with the raw 32-byte `key` (on stdin, not argv), or as a plaintext SQLite
    file when `key` is None. Stops at the first error (-bail); returns the
    finished process (text), for the caller to judge."""
    script = ""
    if key is not None:
        script = f"PRAGMA key = \"x'{key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\n"
    script += sql + "\n"
    return subprocess.run(["sqlcipher", "-batch", "-bail", "-init", os.devnull, str(path)],
                          input=script, capture_output=True, text=True, timeout=timeout)


def sqlcipher_open_error(path: Path, key: bytes) -> Optional[str]:
    """None when `key` opens the SQLCipher database `path` (its schema can be
    read), else what sqlcipher said. Only reads (give a copy when a hot journal
    may lie beside it: SQLite would roll it back)."""
    r = sqlcipher_run(path, key, "SELECT count(*) FROM sqlite_master;")
    if r.returncode == 0 and "Error" not in r.stderr and r.stdout.strip().isdigit():
        return None
    return (r.stderr or r.stdout).strip() or f"sqlcipher exited {r.returncode}"


def flip_byte(path: Path, offset: int, mask: int = 0x01):
    data = bytearray(Path(path).read_bytes())
    data[offset] ^= mask
    Path(path).write_bytes(bytes(data))


def main():
    unittest.main(verbosity=2)
