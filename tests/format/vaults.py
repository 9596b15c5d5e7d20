"""Shared helpers for the format tests: drive the built folio binary.

The binary is $FOLIO_BIN. Passphrases always go through --passphrase-file
(a 0600 file in a private temporary folder), never through argv. Every vault
uses the cheapest KDF folio allows, so a test file runs in seconds.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from typing import List, Optional, Sequence

KDF_FLAGS = ["--kdf-memory", "8K", "--kdf-ops", "1", "--allow-weak-kdf", "--allow-weak"]
RECOVERY_CODE = re.compile(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}\b")
TIMEOUT = 60  # seconds for one folio run; each takes well under one.


def missing_requirements() -> Optional[str]:
    """Why the format tests cannot run here, or None."""
    binary = os.environ.get("FOLIO_BIN")
    if not binary:
        return "FOLIO_BIN is not set"
    if not os.access(binary, os.X_OK):
        return f"FOLIO_BIN={binary} is not an executable file"
    if shutil.which("sqlcipher") is None:
        return "the sqlcipher command-line tool is missing (Debian: sqlcipher)"
    try:
        import nacl.bindings  # noqa: F401
        import nacl.pwhash  # noqa: F401
    except ImportError:
        return "python3-nacl is missing"
    return None


def nacl_missing() -> bool:
    try:
        import nacl.bindings  # noqa: F401
        return False
    except ImportError:
        return True


class FolioError(AssertionError):
    pass


class Workspace:
    """A private temporary folder with secret files, and a folio runner."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="folio-format-")
        self.root = self._tmp.name
        os.chmod(self.root, 0o700)
        self.home = os.path.join(self.root, "home")
        os.mkdir(self.home, 0o700)
        self._count = 0
        self.binary = os.environ["FOLIO_BIN"]

    def cleanup(self) -> None:
        self._tmp.cleanup()

    def path(self, name: str) -> str:
        return os.path.join(self.root, name)

    def secret_file(self, text: str) -> str:
        """A new 0600 file holding `text` and a newline."""
        self._count += 1
        path = self.path(f"secret-{self._count}")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        return path

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in ("FOLIO_VAULT", "VISUAL", "EDITOR")}
        env.update(HOME=self.home, XDG_DATA_HOME=os.path.join(self.home, "data"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "config"),
                   TZ="UTC", NO_COLOR="1", LC_ALL="C.UTF-8")
        return env

    def run(self, vault: str, secret_file: str, args: Sequence[str],
            stdin: Optional[str] = None, recovery: bool = False,
            expect: Optional[int] = 0, cwd: Optional[str] = None) -> subprocess.CompletedProcess:
        """Runs `folio --vault V --passphrase-file F [--recovery] ARGS`.
        With `expect` set, fails unless folio exits with that code. stdout
        is also kept as bytes (`proc.stdout`); `stdout_text` is None when it
        is not UTF-8 (an attachment extracted to standard output)."""
        argv = [self.binary, "--vault", vault, "--passphrase-file", secret_file]
        if recovery:
            argv.append("--recovery")
        argv += list(args)
        proc = subprocess.run(
            argv, input=(stdin or "").encode("utf-8"), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=self.env(), timeout=TIMEOUT, check=False,
            cwd=cwd)
        try:
            proc.stdout_text = proc.stdout.decode("utf-8")
        except UnicodeDecodeError:
            proc.stdout_text = None
        proc.stderr_text = proc.stderr.decode("utf-8", "replace")
        if expect is not None and proc.returncode != expect:
            shown = [a if a != secret_file else "<secret file>" for a in argv[1:]]
            raise FolioError(
                f"folio {' '.join(shown)} exited {proc.returncode}, expected {expect}\n"
                f"stdout: {proc.stdout_text}\nstderr: {proc.stderr_text}")
        return proc

    # --- commands ----------------------------------------------------------

    def init(self, vault: str, passphrase_file: str) -> str:
        """Creates a vault; returns the recovery code folio printed."""
        proc = self.run(vault, passphrase_file, ["init"] + KDF_FLAGS)
        codes = RECOVERY_CODE.findall(proc.stdout_text)
        if len(codes) != 1:
            raise FolioError("expected one recovery code (8 groups of 4) on stdout, got:\n"
                             + proc.stdout_text)
        return codes[0]

    def add(self, vault: str, passphrase_file: str, body: str,
            title: Optional[str] = None, tags: Sequence[str] = ()) -> str:
        """Adds an entry with the body on stdin; returns the id folio printed."""
        args = ["add"]
        if title is not None:
            args += ["--title", title]
        for tag in tags:
            args += ["-t", tag]
        out = self.run(vault, passphrase_file, args, stdin=body).stdout_text.strip()
        if not re.fullmatch(r"[0-9a-z]{8}", out):
            raise FolioError(f"folio add printed {out!r}, not an 8-character id")
        return out

    def list_json(self, vault: str, passphrase_file: str, recovery: bool = False) -> List[dict]:
        out = self.run(vault, passphrase_file, ["list", "--json"], recovery=recovery)
        return json.loads(out.stdout_text)

    def show_json(self, vault: str, passphrase_file: str, entry_id: str) -> dict:
        out = self.run(vault, passphrase_file, ["show", entry_id, "--json"])
        return json.loads(out.stdout_text)

    def run_json(self, vault: str, passphrase_file: str, args: Sequence[str]):
        """Runs a folio command that prints JSON (give --json in `args`)."""
        return json.loads(self.run(vault, passphrase_file, args).stdout_text)

    def new_id(self, vault: str, passphrase_file: str, args: Sequence[str],
               stdin: Optional[str] = None) -> str:
        """Runs a command that prints one new id (checklist new, item add,
        attach, add) and returns it."""
        out = self.run(vault, passphrase_file, args, stdin=stdin).stdout_text.strip()
        if not re.fullmatch(r"[0-9a-z]{8}", out):
            raise FolioError(f"folio {args[0]} printed {out!r}, not an 8-character id")
        return out

    def write_file(self, name: str, content: bytes) -> str:
        """A file in the workspace (e.g. a document to attach); returns its path."""
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(content)
        return path


def sqlcipher_write(data_path: str, key: bytes, sql: str) -> str:
    """Runs `sql` read-write on a vault's database with the raw key (as
    FORMAT.md's "The database" says to open it); returns what it printed."""
    script = (f"PRAGMA key = \"x'{key.hex()}'\";\nPRAGMA cipher_page_size = 4096;\n"
              + sql + "\n")
    proc = subprocess.run(["sqlcipher", "-batch", "-bail", "-init", os.devnull, data_path],
                          input=script.encode("utf-8"), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False, timeout=TIMEOUT)
    if proc.returncode != 0:
        raise FolioError(f"sqlcipher failed: {proc.stderr.decode('utf-8', 'replace')}")
    return proc.stdout.decode("utf-8")


def skip_unless_ready(cls):
    """Class decorator: skip cleanly when the binary or a tool is missing."""
    reason = missing_requirements()
    return unittest.skipIf(reason is not None, reason or "")(cls)


def files_in(folder: str) -> List[str]:
    """Every regular file under `folder`, recursively."""
    found = []
    for dirpath, _, names in os.walk(folder):
        found += [os.path.join(dirpath, n) for n in names]
    return sorted(found)
