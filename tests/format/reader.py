#!/usr/bin/python3
"""An independent reader of folio vaults, written from docs/FORMAT.md alone.

It exists to prove that FORMAT.md is the whole contract: if this file can read
what folio writes, a second implementation needs nothing but the document.
Every step below names the section of FORMAT.md it follows.

Needs python3-nacl (libsodium) and the `sqlcipher` command-line tool
(SQLCipher 3.4). The database key is fed to `sqlcipher` on standard input,
never in argv, where other processes could read it.

As a command:

    reader.py VAULT_DIR --passphrase-file F [--recovery]

prints the entries as a JSON array of {id, created, updated, title, tags,
body}, oldest first. Exit codes follow folio's: 2 invalid input, 4 wrong
passphrase or recovery code, 5 damaged vault, 6 made by a newer folio.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import unicodedata
import urllib.parse
from dataclasses import dataclass
from typing import List, Optional, Tuple

import nacl.bindings
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.pwhash.argon2id

# "The header: 8 keyslots"
HEADER_SIZE = 1024
SLOT_SIZE = 128
SLOT_COUNT = 8
SALT_SIZE = 16
PARAMS_SIZE = 40
NONCE_SIZE = 24
WRAPPED_SIZE = 48  # the 32-byte DEK, then the 16-byte tag
DEK_SIZE = 32

# "params (40 bytes, before masking)"
CHECK = b"folio-ks"
FORMAT_VERSION = 1
KIND_PASSPHRASE = 1
KIND_RECOVERY = 2
KDF_ARGON2ID13 = 1
OPS_MIN, OPS_MAX = 1, 64
MEMORY_MIN, MEMORY_MAX = 8 * 1024, 4 * 1024 ** 3

# "The mask" and "Keys"
MASK_KEY = b"folio keyslot parameter mask v1"
DATABASE_KEY_MESSAGE = b"folio sqlcipher key v1"

# "The database"
PAGE_SIZE = 4096
SCHEMA_VERSION = 1

# "Secrets": RFC 4648 base32, 32 characters, 8 groups of 4.
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RECOVERY_LENGTH = 32
ENTRY_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

assert len(MASK_KEY) == 31 and len(DATABASE_KEY_MESSAGE) == 22
assert SALT_SIZE + PARAMS_SIZE + NONCE_SIZE + WRAPPED_SIZE == SLOT_SIZE


class FormatError(Exception):
    """Base of every error the reader reports; `exit_code` mirrors folio's."""

    exit_code = 1


class InvalidSecret(FormatError):
    """The secret is not well formed (e.g. a recovery code of the wrong length)."""

    exit_code = 2


class WrongSecret(FormatError):
    """No slot of the right kind opens: wrong secret, or a damaged slot."""

    exit_code = 4


class Damaged(FormatError):
    """The header or the database is not what FORMAT.md allows."""

    exit_code = 5


class NewerVersion(FormatError):
    """A newer folio wrote this vault."""

    exit_code = 6


def blake2b(message: bytes, size: int, key: bytes) -> bytes:
    return nacl.hash.blake2b(message, digest_size=size, key=key,
                             encoder=nacl.encoding.RawEncoder)


def xor(a: bytes, b: bytes) -> bytes:
    assert len(a) == len(b)
    return bytes(x ^ y for x, y in zip(a, b))


# --- params -----------------------------------------------------------------

@dataclass(frozen=True)
class Params:
    """The 40 unmasked bytes of a slot, field by field."""

    check: bytes
    version: int
    kind: int
    kdf: int
    ops: int
    memory: int
    reserved: bytes

    @classmethod
    def parse(cls, raw: bytes) -> "Params":
        assert len(raw) == PARAMS_SIZE
        return cls(
            check=raw[0:8],
            version=int.from_bytes(raw[8:10], "little"),
            kind=raw[10],
            kdf=raw[11],
            ops=int.from_bytes(raw[12:16], "little"),
            memory=int.from_bytes(raw[16:24], "little"),
            reserved=raw[24:40],
        )

    def to_bytes(self) -> bytes:
        raw = (self.check + self.version.to_bytes(2, "little")
               + bytes([self.kind, self.kdf]) + self.ops.to_bytes(4, "little")
               + self.memory.to_bytes(8, "little") + self.reserved)
        assert len(raw) == PARAMS_SIZE
        return raw

    def cost_is_valid(self) -> bool:
        return (self.kdf == KDF_ARGON2ID13
                and OPS_MIN <= self.ops <= OPS_MAX
                and MEMORY_MIN <= self.memory <= MEMORY_MAX
                and self.memory % 1024 == 0)


@dataclass(frozen=True)
class Slot:
    """One 128-byte keyslot, with its params unmasked."""

    index: int
    salt: bytes
    masked_params: bytes
    nonce: bytes
    wrapped: bytes
    params_raw: bytes  # unmasked; meaningful only when `used`
    params: Params

    @property
    def used(self) -> bool:
        # Step 1 of "Opening a slot": a wrong check means an unused slot.
        return self.params.check == CHECK


def mask_for(salt: bytes) -> bytes:
    """mask = BLAKE2b(output 40 bytes, key = K_mask, message = salt)."""
    assert len(salt) == SALT_SIZE
    return blake2b(salt, PARAMS_SIZE, MASK_KEY)


# --- the header -------------------------------------------------------------

def read_header(vault_dir: str) -> bytes:
    with open(os.path.join(vault_dir, "header"), "rb") as f:
        header = f.read(HEADER_SIZE + 1)
    if len(header) != HEADER_SIZE:
        raise Damaged(f"header is {len(header)} bytes, not {HEADER_SIZE}")
    return header


def parse_slot(header: bytes, index: int) -> Slot:
    raw = header[SLOT_SIZE * index:SLOT_SIZE * (index + 1)]
    salt, masked = raw[0:16], raw[16:56]
    nonce, wrapped = raw[56:80], raw[80:128]
    params_raw = xor(masked, mask_for(salt))
    return Slot(index, salt, masked, nonce, wrapped, params_raw,
                Params.parse(params_raw))


def parse_slots(header: bytes) -> List[Slot]:
    if len(header) != HEADER_SIZE:
        raise Damaged(f"header is {len(header)} bytes, not {HEADER_SIZE}")
    return [parse_slot(header, i) for i in range(SLOT_COUNT)]


def derive_kek(secret: bytes, slot: Slot) -> bytes:
    """Step 4: KEK = Argon2id(32 bytes, secret, salt, ops, memory)."""
    return nacl.pwhash.argon2id.kdf(32, secret, slot.salt,
                                    opslimit=slot.params.ops,
                                    memlimit=slot.params.memory)


def unwrap(kek: bytes, slot: Slot) -> Optional[bytes]:
    """Step 5: the DEK, or None when the tag does not verify."""
    try:
        dek = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            slot.wrapped, slot.salt + slot.params_raw, slot.nonce, kek)
    except nacl.exceptions.CryptoError:
        return None
    if len(dek) != DEK_SIZE:
        raise Damaged(f"slot {slot.index} wraps {len(dek)} bytes, not {DEK_SIZE}")
    return dek


def open_dek(header: bytes, secret: bytes, kind: int) -> Tuple[bytes, int]:
    """Follows "Opening a slot": returns (DEK, index of the slot that opened)."""
    saw_newer = False
    for slot in parse_slots(header):
        p = slot.params
        if not slot.used:
            continue
        if p.version != FORMAT_VERSION:
            saw_newer = True
            continue
        if p.kind != kind:
            continue
        if not p.cost_is_valid():
            raise Damaged(f"slot {slot.index} has kdf {p.kdf}, ops {p.ops}, "
                          f"memory {p.memory}: outside FORMAT.md's bounds")
        dek = unwrap(derive_kek(secret, slot), slot)
        if dek is not None:
            return dek, slot.index
    if saw_newer:
        raise NewerVersion("vault made by a newer version of folio")
    what = "passphrase" if kind == KIND_PASSPHRASE else "recovery code"
    raise WrongSecret(f"wrong {what} (or a damaged keyslot)")


def database_key(dek: bytes) -> bytes:
    """BLAKE2b(output 32 bytes, key = DEK, message = "folio sqlcipher key v1")."""
    return blake2b(DATABASE_KEY_MESSAGE, 32, dek)


# --- secrets ----------------------------------------------------------------

def passphrase_secret(passphrase: str) -> bytes:
    """The UTF-8 bytes after NFC, without a line ending."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def normalise_recovery_code(code: str) -> str:
    """Upper case, no spaces or dashes, 0/1/8 read as O/I/B."""
    s = code.upper()
    s = s.replace(" ", "").replace("-", "")
    s = s.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    if len(s) != RECOVERY_LENGTH or any(c not in RECOVERY_ALPHABET for c in s):
        raise InvalidSecret("a recovery code is 32 characters of A-Z and 2-7")
    return s


def recovery_secret(code: str) -> bytes:
    return normalise_recovery_code(code).encode("ascii")


def format_recovery_code(raw: bytes) -> str:
    """20 random bytes -> base32 without padding -> 8 groups of 4."""
    assert len(raw) == 20
    s = base64.b32encode(raw).decode("ascii")
    assert len(s) == RECOVERY_LENGTH and "=" not in s
    return "-".join(s[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def secret_for(text: str, recovery: bool) -> Tuple[bytes, int]:
    if recovery:
        return recovery_secret(text), KIND_RECOVERY
    return passphrase_secret(text), KIND_PASSPHRASE


def first_line(raw: bytes) -> str:
    """The first line of a passphrase file, without its line ending."""
    line = raw.split(b"\n", 1)[0]
    if line.endswith(b"\r"):
        line = line[:-1]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidSecret(f"the passphrase is not UTF-8: {e}") from None


# --- the database -----------------------------------------------------------

def _sqlcipher_uri(path: str) -> str:
    # Read-only, so reading can never change the vault.
    return "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"


def run_sql(data_path: str, key: bytes, sql: str) -> List[List[str]]:
    """Runs `sql` on the SQLCipher database with the raw key; returns the rows
    printed after the pragmas, each split on "|". Only select values that
    cannot contain "|" or a newline (hex(), numbers): the caller decodes."""
    if not os.path.isfile(data_path):
        raise Damaged(f"no database at {data_path}")
    script = (f"PRAGMA key = \"x'{key.hex()}'\";\n"
              f"PRAGMA cipher_page_size = {PAGE_SIZE};\n"
              "SELECT 'folio-reader-begin';\n" + sql + "\n")
    proc = subprocess.run(
        ["sqlcipher", "-batch", "-bail", "-init", os.devnull,
         "-list", "-separator", "|", "-noheader", _sqlcipher_uri(data_path)],
        input=script.encode("ascii"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, check=False)
    err = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        # SQLCipher reports a wrong key and a foreign file alike.
        raise Damaged(f"sqlcipher could not read {data_path}: {err}")
    lines = proc.stdout.decode("ascii").splitlines()
    if "folio-reader-begin" not in lines:
        raise Damaged(f"sqlcipher printed no rows: {err}")
    lines = lines[lines.index("folio-reader-begin") + 1:]
    return [line.split("|") for line in lines]


@dataclass(frozen=True)
class DatabaseInfo:
    user_version: int
    encoding: str
    integrity: str


def database_info(data_path: str, key: bytes) -> DatabaseInfo:
    rows = run_sql(data_path, key,
                   "PRAGMA user_version;\nPRAGMA encoding;\nPRAGMA integrity_check;")
    if len(rows) < 3:
        raise Damaged(f"unexpected pragma output: {rows}")
    return DatabaseInfo(int(rows[0][0]), rows[1][0],
                        "\n".join("|".join(r) for r in rows[2:]))


def _text(hex_value: str, encoding: str) -> str:
    codec = {"UTF-8": "utf-8", "UTF-16le": "utf-16-le",
             "UTF-16be": "utf-16-be"}[encoding]
    return bytes.fromhex(hex_value).decode(codec)


def read_entries(data_path: str, key: bytes) -> List[dict]:
    """All entries with their tags, oldest first (created, then row id)."""
    info = database_info(data_path, key)
    if info.user_version > SCHEMA_VERSION:
        raise NewerVersion(f"schema version {info.user_version}: "
                           "vault made by a newer version of folio")
    if info.user_version != SCHEMA_VERSION:
        raise Damaged(f"schema version {info.user_version}, expected {SCHEMA_VERSION}")
    rows = run_sql(data_path, key, """
SELECT 'E', hex(uid), hex(created), hex(updated),
       CASE WHEN title IS NULL THEN 'N' ELSE 'T' || hex(title) END,
       hex(body)
  FROM entries ORDER BY created, id;
SELECT 'G', hex(e.uid), hex(t.name)
  FROM entry_tags AS et
  JOIN entries AS e ON e.id = et.entry_id
  JOIN tags AS t ON t.id = et.tag_id;""")
    text = lambda h: _text(h, info.encoding)  # noqa: E731
    entries, by_uid = [], {}
    for row in rows:
        if row[0] == "E" and len(row) == 6:
            title = None if row[4] == "N" else text(row[4][1:])
            entry = {"id": text(row[1]), "created": text(row[2]),
                     "updated": text(row[3]), "title": title, "tags": [],
                     "body": text(row[5])}
            entries.append(entry)
            by_uid[entry["id"]] = entry
        elif row[0] == "G" and len(row) == 3:
            by_uid[text(row[1])]["tags"].append(text(row[2]))
        else:
            raise Damaged(f"unexpected sqlcipher output: {row}")
    for entry in entries:
        entry["tags"].sort()
    return entries


# --- the whole vault --------------------------------------------------------

@dataclass(frozen=True)
class OpenVault:
    dek: bytes
    slot_index: int
    database_key: bytes
    data_path: str

    def entries(self) -> List[dict]:
        return read_entries(self.data_path, self.database_key)

    def info(self) -> DatabaseInfo:
        return database_info(self.data_path, self.database_key)


def open_vault(vault_dir: str, secret_text: str, recovery: bool = False) -> OpenVault:
    """Opens with a passphrase or (recovery=True) a recovery code."""
    secret, kind = secret_for(secret_text, recovery)
    dek, index = open_dek(read_header(vault_dir), secret, kind)
    return OpenVault(dek, index, database_key(dek), os.path.join(vault_dir, "data"))


# --- writing: for tests and the worked example only -------------------------

def make_slot(secret: bytes, kind: int, dek: bytes, salt: bytes, nonce: bytes,
              ops: int, memory: int, version: int = FORMAT_VERSION,
              kdf: int = KDF_ARGON2ID13, reserved: bytes = bytes(16)) -> bytes:
    """A 128-byte keyslot wrapping `dek`, built as "Opening a slot" reads it."""
    params = Params(CHECK, version, kind, kdf, ops, memory, reserved).to_bytes()
    kek = nacl.pwhash.argon2id.kdf(32, secret, salt, opslimit=ops, memlimit=memory)
    wrapped = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        dek, salt + params, nonce, kek)
    slot = salt + xor(params, mask_for(salt)) + nonce + wrapped
    assert len(slot) == SLOT_SIZE
    return slot


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Read a folio vault (FORMAT.md v1).")
    ap.add_argument("vault")
    ap.add_argument("--passphrase-file", required=True,
                    help="first line: the passphrase, or the recovery code")
    ap.add_argument("--recovery", action="store_true",
                    help="the file holds the recovery code")
    args = ap.parse_args(argv)
    try:
        with open(args.passphrase_file, "rb") as f:
            text = first_line(f.read())
        vault = open_vault(args.vault, text, args.recovery)
        entries = vault.entries()
    except FormatError as e:
        print(f"reader: error: {e}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        print(f"reader: error: {e}", file=sys.stderr)
        return 8
    json.dump(entries, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
