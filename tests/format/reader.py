#!/usr/bin/python3
"""An independent reader of folio vaults, written from docs/FORMAT.md alone.

It exists to prove that FORMAT.md is the whole contract: if this file can read
what folio writes, a second implementation needs nothing but the document.
Every step below names the section of FORMAT.md it follows.

Needs python3-nacl (libsodium) and the `sqlcipher` command-line tool
(SQLCipher 3.4). The database key is fed to `sqlcipher` on standard input,
never in argv, where other processes could read it.

It reads schema version 5 (version 4 with the FTS4 index replaced by a
postings index of folio's own), version 4 (version 3 plus count terms in the
search index), version 3 (version 2 plus the search index), version 2
(journal entries, checklists, items, attachments, entry-item links, saved
templates) and version 1 (entries only). FORMAT.md says folio upgrades an
older vault the first time it opens it, but a reader that never writes can
still read the older schemas.

For the search index it has its own implementation of FORMAT.md's term
rules (`search_terms`), so a test can check that the `terms` folio stored
for each record are the ones the document says (`expected_search_index`
against `read_search_index`). For version 5 it also decodes every posting
and checks the postings, `search_terms` and `search_stats` against
`search_docs` (`check_search_postings`).

As a command:

    reader.py VAULT_DIR --passphrase-file F [--recovery] [WHAT]

prints, as JSON, by default the entries: an array of {id, created, updated,
title, tags, body}, oldest first. WHAT is one of

    --checklists            the checklists, each with its items (item_list)
    --item ITEM_ID          one item with its attachments and linked entries
    --attachments           every attachment's metadata (no content)
    --links                 the entry-item links
    --templates             the saved templates (built-ins are not stored)
    --search-index          the search index as stored: [{docid, kind, row,
                            terms, expected}], `expected` being the terms
                            FORMAT.md's rules give for the record's text
    --search-postings       (schema version 5) checks the postings index
                            against search_docs and prints a summary:
                            {schema_version, docs, pending, terms, postings,
                            positions, stats_docs}; exit 5 if it is wrong
    --all                   all of the above in one object
    --extract ATTACHMENT_ID OUT
                            writes an attachment's content to OUT (0600, not
                            overwritten; "-" for standard output), one
                            chunk at a time, and checks its size and BLAKE2b

Exit codes follow folio's: 2 invalid input, 3 no such id, 4 wrong
passphrase or recovery code, 5 damaged vault (including an attachment whose
content does not match its size or hash), 6 made by a newer folio, 7 OUT
exists.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import unicodedata
import urllib.parse
from dataclasses import dataclass
from typing import BinaryIO, Dict, Iterator, List, Optional, Tuple

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
WRAPPED_SIZE = 48  # a 32-byte key (VK or DEK), then the 16-byte tag
KEY_SIZE = DEK_SIZE = 32

# "params (40 bytes, before masking)"
CHECK = b"folio-ks"
FORMAT_VERSION = 1
KIND_PASSPHRASE = 1
KIND_RECOVERY = 2
KIND_DATA_KEY = 3           # wraps the DEK under the VK; no KDF
KDF_NONE = 0
KDF_ARGON2ID13 = 1
OPS_MIN, OPS_MAX = 1, 64
MEMORY_MIN, MEMORY_MAX = 8 * 1024, 4 * 1024 ** 3

# "The mask" and "Keys"
MASK_KEY = b"folio keyslot parameter mask v1"
DATABASE_KEY_MESSAGE = b"folio sqlcipher key v1"

# "The database"
PAGE_SIZE = 4096
SCHEMA_VERSION = 5          # "PRAGMA user_version is the schema version", 5 now
SCHEMA_VERSIONS_READ = (1, 2, 3, 4, 5)

# "Schema version 2 (checklists)"
CHUNK_SIZE = 1048576        # "1 MiB (1048576 bytes) each, the last one shorter"
ATTACHMENT_HASH_SIZE = 32   # "hex of BLAKE2b-256 (no key)"
# "Item states". A reader keeps a state it does not know (free text).
ITEM_STATES = ("needed", "requested", "obtained", "translated", "notarized",
               "submitted", "done", "n/a")
STATE_DONE, STATE_NOT_APPLICABLE = "done", "n/a"

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


class NotFound(FormatError):
    """No checklist, item or attachment has that id."""

    exit_code = 3


class AlreadyExists(FormatError):
    """The output file of an extraction exists already."""

    exit_code = 7


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


def unwrap(key: bytes, slot: Slot) -> Optional[bytes]:
    """Step 5 (and the data key): the 32-byte key the slot wraps under `key`
    (the KEK for a secret slot, the VK for a data-key slot), or None when the
    tag does not verify."""
    try:
        wrapped = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            slot.wrapped, slot.salt + slot.params_raw, slot.nonce, key)
    except nacl.exceptions.CryptoError:
        return None
    if len(wrapped) != KEY_SIZE:
        raise Damaged(f"slot {slot.index} wraps {len(wrapped)} bytes, not {KEY_SIZE}")
    return wrapped


def open_vault_key(header: bytes, secret: bytes, kind: int) -> Tuple[bytes, int]:
    """Follows "Opening a slot": returns (VK, index of the slot that opened)."""
    saw_newer = False
    tried = False
    what = "passphrase" if kind == KIND_PASSPHRASE else "recovery code"
    for slot in parse_slots(header):
        p = slot.params
        if not slot.used:
            continue
        if p.version != FORMAT_VERSION:
            saw_newer = saw_newer or p.version > FORMAT_VERSION
            continue
        if p.kind != kind:
            continue
        if not p.cost_is_valid():
            raise Damaged(f"slot {slot.index} has kdf {p.kdf}, ops {p.ops}, "
                          f"memory {p.memory}: outside FORMAT.md's bounds")
        tried = True
        vault_key = unwrap(derive_kek(secret, slot), slot)
        if vault_key is not None:
            return vault_key, slot.index
    # "If no slot of the right kind was tried at all"
    if not tried and saw_newer:
        raise NewerVersion("vault made by a newer version of folio")
    if not tried:
        raise Damaged(f"no {what} slot: the header is damaged or not a folio vault")
    raise WrongSecret(f"wrong {what} (or a damaged keyslot)")


def open_data_keys(header: bytes, vault_key: bytes) -> List[Tuple[bytes, int]]:
    """"Then the data key: for every used slot of version 1 and kind 3, DEK =
    XChaCha20-Poly1305-Decrypt(key = VK, ...)": every (DEK, slot index) that
    opens, in slot order. Normally one; two during a re-key. FORMAT.md gives
    kdf, ops and memory as 0 in a data-key slot but not what a reader does
    with other values: they are bound by the tag, so this reader only
    decrypts."""
    found = []
    for slot in parse_slots(header):
        p = slot.params
        if not slot.used or p.version != FORMAT_VERSION or p.kind != KIND_DATA_KEY:
            continue
        dek = unwrap(vault_key, slot)
        if dek is not None:
            found.append((dek, slot.index))
    return found


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


# "Pages": the 48-byte reserve at the end of every page.
PAGE_IV_OFFSET = PAGE_SIZE - 48
PAGE_HMAC_OFFSET = PAGE_IV_OFFSET + 16
PAGE_HMAC_SIZE = 20
HMAC_SALT_MASK = 0x3A


def unauthentic_pages(data_path: str, key: bytes) -> List[int]:
    """"Pages": the numbers of the pages of `data` whose HMAC-SHA1 does not
    verify under the raw database key `key`, or that are all zeros; every
    page, free or not. Raises Damaged if the file is not whole pages."""
    with open(data_path, "rb") as f:
        data = f.read()
    if len(data) % PAGE_SIZE != 0 or not data:
        raise Damaged(f"data is {len(data)} bytes, not a whole number of {PAGE_SIZE}-byte pages")
    salt = data[:SALT_SIZE]
    hmac_key = hashlib.pbkdf2_hmac("sha1", key, bytes(b ^ HMAC_SALT_MASK for b in salt), 2, 32)
    bad = []
    for number in range(1, len(data) // PAGE_SIZE + 1):
        page = data[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        start = SALT_SIZE if number == 1 else 0
        mac = hmac.new(hmac_key, page[start:PAGE_HMAC_OFFSET] + number.to_bytes(4, "little"),
                       hashlib.sha1).digest()
        stored = page[PAGE_HMAC_OFFSET:PAGE_HMAC_OFFSET + PAGE_HMAC_SIZE]
        if page == bytes(PAGE_SIZE) or not hmac.compare_digest(mac, stored):
            bad.append(number)
    return bad


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


class Database:
    """The decrypted database: its schema version and text encoding, read
    once, and a way to run queries on it. Refuses a schema version this reader
    does not know ("A larger value means a newer folio wrote the vault")."""

    def __init__(self, data_path: str, key: bytes) -> None:
        self.data_path, self.key = data_path, key
        rows = run_sql(data_path, key, "PRAGMA user_version;\nPRAGMA encoding;")
        if len(rows) != 2:
            raise Damaged(f"unexpected pragma output: {rows}")
        try:
            self.version = int(rows[0][0])
        except ValueError:
            raise Damaged(f"user_version is {rows[0][0]!r}") from None
        self.encoding = rows[1][0]
        if self.version > SCHEMA_VERSION:
            raise NewerVersion(f"schema version {self.version}: "
                               "vault made by a newer version of folio")
        if self.version not in SCHEMA_VERSIONS_READ:
            raise Damaged(f"schema version {self.version}, expected one of "
                          f"{SCHEMA_VERSIONS_READ}")

    @property
    def has_checklists(self) -> bool:
        """Schema version 2 added checklists, items, attachments, entry-item
        links and templates; a version-1 vault has none of them."""
        return self.version >= 2

    @property
    def has_search_index(self) -> bool:
        """Schema version 3 added the search index: FTS4 in versions 3 and 4,
        `search_docs` and its postings from version 5."""
        return self.version >= 3

    @property
    def has_fts_index(self) -> bool:
        """Versions 3 and 4 keep the index in the FTS4 table `search`;
        version 5 drops it."""
        return self.version in (3, 4)

    @property
    def has_search_vocab(self) -> bool:
        """Version 4 added `search_vocab` (fts4aux); version 5 drops it."""
        return self.version == 4

    @property
    def has_postings(self) -> bool:
        """Version 5: search_docs, search_terms, search_postings, search_stats."""
        return self.version >= 5

    @property
    def has_count_terms(self) -> bool:
        """Version 4 added count terms to the index's `terms`; version 5
        stores the terms by version 3's rules again (its postings' key order
        does what the count terms did)."""
        return self.version == 4

    def tables(self) -> List[str]:
        """The names of the tables (virtual ones included) in sqlite_master."""
        rows = self.sql("SELECT 'T', hex(name) FROM sqlite_master WHERE type = 'table';")
        return sorted(self.text(r[0]) for r in _rows(rows, "T", 2))

    def search_tables(self) -> Tuple[List[str], List[str]]:
        """(missing, extra): the search tables this version must have and
        lacks, and those of another version it has. FORMAT.md: a vault whose
        user_version does not match its tables is damaged."""
        have = set(self.tables())
        want = set()
        if self.has_fts_index:
            want.add(FTS_TABLE)
        if self.has_search_vocab:
            want.add(VOCAB_TABLE)
        if self.has_postings:
            want |= set(POSTINGS_TABLES)
        every = {FTS_TABLE, VOCAB_TABLE} | set(POSTINGS_TABLES)
        return sorted(want - have), sorted((have & every) - want)

    def sql(self, sql: str) -> List[List[str]]:
        return run_sql(self.data_path, self.key, sql)

    def text(self, hex_value: str) -> str:
        try:
            return _text(hex_value, self.encoding)
        except (ValueError, KeyError) as e:
            raise Damaged(f"a text value does not decode as {self.encoding}: {e}") from None

    def optional(self, value: str) -> Optional[str]:
        """Decodes an `_optional(column)` value: 'N' is NULL, 'T<hex>' text."""
        if value == "N":
            return None
        if not value.startswith("T"):
            raise Damaged(f"unexpected sqlcipher output: {value!r}")
        return self.text(value[1:])


def _optional(column: str) -> str:
    """SQL printing a nullable text column so that NULL and '' differ."""
    return f"CASE WHEN {column} IS NULL THEN 'N' ELSE 'T' || hex({column}) END"


def _integer(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Damaged(f"{what} is {value!r}, not an integer") from None


def _quote(text: str) -> str:
    """A SQL string literal of an id given by the user: X'<UTF-8 hex>' cast
    to text, so no character of `text` can end the literal."""
    return f"CAST(X'{text.encode('utf-8').hex()}' AS TEXT)"


def _rows(rows: List[List[str]], tag: str, width: int) -> List[List[str]]:
    """The rows tagged `tag`; each must have `width` fields."""
    picked = []
    for row in rows:
        if row[0] != tag:
            continue
        if len(row) != width:
            raise Damaged(f"unexpected sqlcipher output: {row}")
        picked.append(row[1:])
    return picked


def read_entries(data_path: str, key: bytes) -> List[dict]:
    """All entries with their tags, oldest first (created, then row id)."""
    db = Database(data_path, key)
    rows = db.sql("""
SELECT 'E', hex(uid), hex(created), hex(updated),
       CASE WHEN title IS NULL THEN 'N' ELSE 'T' || hex(title) END,
       hex(body)
  FROM entries ORDER BY created, id;
SELECT 'G', hex(e.uid), hex(t.name)
  FROM entry_tags AS et
  JOIN entries AS e ON e.id = et.entry_id
  JOIN tags AS t ON t.id = et.tag_id;""")
    text = db.text
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


# --- schema version 2: checklists, items, attachments ------------------------
#
# The dictionaries use the names folio's --json output uses, so that a test
# can compare the two; every value is either a column of FORMAT.md's schema or
# computed as FORMAT.md says (progress: `done` out of the items not `n/a`).

def progress(states: List[str]) -> Tuple[int, int]:
    """"Item states": (done, applicable): `done` items out of all that are
    not `n/a`. Unknown states count as applicable and not done."""
    applicable = [s for s in states if s != STATE_NOT_APPLICABLE]
    return sum(1 for s in applicable if s == STATE_DONE), len(applicable)


_ITEM_COLUMNS = f"""hex(i.uid), CASE WHEN c.id IS NULL THEN 'N' ELSE 'T' || hex(c.uid) END,
       {_optional('c.name')}, i.position, hex(i.title), hex(i.state),
       {_optional('i.due')}, {_optional('i.expires')}, {_optional('i.notes')},
       hex(i.created), hex(i.updated),
       (SELECT count(*) FROM attachments AS a WHERE a.item_id = i.id)"""
_ITEM_WIDTH = 1 + 12


def _item(db: Database, row: List[str]) -> dict:
    """An item from the columns `_ITEM_COLUMNS` prints (after the tag)."""
    checklist = db.optional(row[1])
    if checklist is None:
        raise Damaged(f"item {db.text(row[0])} belongs to no checklist")
    return {"id": db.text(row[0]), "checklist": checklist,
            "checklist_name": db.optional(row[2]),
            "number": _integer(row[3], "an item's position"),
            "title": db.text(row[4]), "state": db.text(row[5]),
            "due": db.optional(row[6]), "expires": db.optional(row[7]),
            "notes": db.optional(row[8]), "created": db.text(row[9]),
            "updated": db.text(row[10]),
            "attachments": _integer(row[11], "an attachment count")}


def read_checklists(data_path: str, key: bytes) -> List[dict]:
    """Every checklist (oldest first) with its progress and its items in
    position order: {id, name, description, target, created, updated, items,
    done, applicable, item_list}."""
    db = Database(data_path, key)
    if not db.has_checklists:
        return []
    rows = db.sql(f"""
SELECT 'C', hex(uid), hex(name), {_optional('description')}, {_optional('target')},
       hex(created), hex(updated)
  FROM checklists ORDER BY created, id;
SELECT 'I', {_ITEM_COLUMNS}
  FROM items AS i LEFT JOIN checklists AS c ON c.id = i.checklist_id
 ORDER BY i.checklist_id, i.position, i.id;""")
    checklists, by_uid = [], {}
    for row in _rows(rows, "C", 7):
        checklist = {"id": db.text(row[0]), "name": db.text(row[1]),
                     "description": db.optional(row[2]), "target": db.optional(row[3]),
                     "created": db.text(row[4]), "updated": db.text(row[5]),
                     "item_list": []}
        checklists.append(checklist)
        by_uid[checklist["id"]] = checklist
    for row in _rows(rows, "I", _ITEM_WIDTH):
        item = _item(db, row)
        by_uid[item["checklist"]]["item_list"].append(item)
    for checklist in checklists:
        items = checklist["item_list"]
        checklist["items"] = len(items)
        checklist["done"], checklist["applicable"] = progress([i["state"] for i in items])
    return checklists


def _attachment(db: Database, row: List[str]) -> dict:
    """An attachment from the columns `_ATTACHMENT_COLUMNS` prints."""
    size = _integer(row[4], "an attachment's size")
    digest = db.text(row[5])
    if size < 0:
        raise Damaged(f"attachment {db.text(row[0])} has size {size}")
    if len(digest) != 2 * ATTACHMENT_HASH_SIZE or any(
            c not in "0123456789abcdefABCDEF" for c in digest):
        raise Damaged(f"attachment {db.text(row[0])} has hash {digest!r}, "
                      "not 64 hex digits of BLAKE2b-256")
    return {"id": db.text(row[0]), "item": db.text(row[1]), "name": db.text(row[2]),
            "media_type": db.text(row[3]), "size": size, "blake2b": digest,
            "created": db.text(row[6])}


_ATTACHMENT_COLUMNS = """hex(a.uid), hex(i.uid), hex(a.name), hex(a.media_type), a.size,
       hex(a.blake2b), hex(a.created)"""
_ATTACHMENT_WIDTH = 1 + 7


def read_attachments(data_path: str, key: bytes, item: Optional[str] = None) -> List[dict]:
    """The metadata of every attachment (or of one item's), oldest first:
    {id, item, name, media_type, size, blake2b, created}. No content."""
    db = Database(data_path, key)
    if not db.has_checklists:
        return []
    where = "" if item is None else f"WHERE i.uid = {_quote(item)}"
    rows = db.sql(f"""
SELECT 'A', {_ATTACHMENT_COLUMNS}
  FROM attachments AS a JOIN items AS i ON i.id = a.item_id
  {where} ORDER BY a.created, a.id;""")
    return [_attachment(db, row) for row in _rows(rows, "A", _ATTACHMENT_WIDTH)]


def read_links(data_path: str, key: bytes) -> List[dict]:
    """The entry-item links, as [{entry, item}] (entry and item ids)."""
    db = Database(data_path, key)
    if not db.has_checklists:
        return []
    rows = db.sql("""
SELECT 'L', hex(e.uid), hex(i.uid)
  FROM entry_items AS ei
  JOIN entries AS e ON e.id = ei.entry_id
  JOIN items AS i ON i.id = ei.item_id
 ORDER BY e.uid, i.uid;""")
    return [{"entry": db.text(r[0]), "item": db.text(r[1])} for r in _rows(rows, "L", 3)]


def read_templates(data_path: str, key: bytes) -> List[dict]:
    """The saved templates (built-ins are not stored), oldest first, each
    {name, created, items: [titles in position order]}."""
    db = Database(data_path, key)
    if not db.has_checklists:
        return []
    rows = db.sql("""
SELECT 'T', id, hex(name), hex(created) FROM templates ORDER BY created, id;
SELECT 'U', template_id, hex(title) FROM template_items ORDER BY template_id, position;""")
    templates, by_row = [], {}
    for row in _rows(rows, "T", 4):
        template = {"name": db.text(row[1]), "created": db.text(row[2]), "items": []}
        templates.append(template)
        by_row[row[0]] = template
    for row in _rows(rows, "U", 3):
        if row[0] not in by_row:
            raise Damaged(f"template items for template row {row[0]}, which does not exist")
        by_row[row[0]]["items"].append(db.text(row[1]))
    return templates


def read_item(data_path: str, key: bytes, item: str) -> dict:
    """One item (by its full id) with `attachment_list` (metadata) and
    `entries`: the journal entries linked to it, as `read_entries` gives them
    (oldest first)."""
    db = Database(data_path, key)
    if not db.has_checklists:
        raise NotFound(f"no item {item} (schema version {db.version} has no items)")
    rows = db.sql(f"""
SELECT 'I', {_ITEM_COLUMNS}
  FROM items AS i LEFT JOIN checklists AS c ON c.id = i.checklist_id
 WHERE i.uid = {_quote(item)};""")
    found = _rows(rows, "I", _ITEM_WIDTH)
    if not found:
        raise NotFound(f"no item {item}")
    result = _item(db, found[0])
    result["attachment_list"] = read_attachments(data_path, key, item)
    linked = {link["entry"] for link in read_links(data_path, key) if link["item"] == item}
    result["entries"] = [e for e in read_entries(data_path, key) if e["id"] in linked]
    return result


# --- attachment content ------------------------------------------------------

def _attachment_row(db: Database, attachment: str) -> Tuple[int, dict]:
    """(row id, metadata) of the attachment with this full id."""
    if not db.has_checklists:
        raise NotFound(f"no attachment {attachment} (schema version {db.version})")
    rows = db.sql(f"""
SELECT 'A', a.id, {_ATTACHMENT_COLUMNS}
  FROM attachments AS a JOIN items AS i ON i.id = a.item_id
 WHERE a.uid = {_quote(attachment)};""")
    found = _rows(rows, "A", _ATTACHMENT_WIDTH + 1)
    if not found:
        raise NotFound(f"no attachment {attachment}")
    return _integer(found[0][0], "a row id"), _attachment(db, found[0][1:])


def attachment_chunks(data_path: str, key: bytes, attachment: str) -> List[Tuple[int, int]]:
    """(seq, length in bytes) of each stored chunk, in seq order, as stored:
    no check is made here (see `iter_attachment`)."""
    db = Database(data_path, key)
    row_id, _ = _attachment_row(db, attachment)
    rows = db.sql(f"""
SELECT 'K', seq, length(CAST(data AS BLOB)) FROM attachment_chunks
 WHERE attachment_id = {row_id} ORDER BY seq;""")
    return [(_integer(r[0], "a chunk's seq"), _integer(r[1], "a chunk's length"))
            for r in _rows(rows, "K", 3)]


def iter_attachment(data_path: str, key: bytes, attachment: str) -> Iterator[bytes]:
    """Yields an attachment's content chunk by chunk, in seq order, reading
    each chunk with its own query, so that at most one chunk (1 MiB, 2 MiB of
    hex) is in memory. Raises Damaged, after the last chunk, when the
    content's length or BLAKE2b-256 differs from the attachment row, and
    before reading, when the chunks are not numbered 0, 1, 2, ... or are not
    1 MiB each (the last one up to 1 MiB)."""
    db = Database(data_path, key)
    row_id, meta = _attachment_row(db, attachment)
    rows = db.sql(f"""
SELECT 'K', seq, length(CAST(data AS BLOB)) FROM attachment_chunks
 WHERE attachment_id = {row_id} ORDER BY seq;""")
    layout = [(_integer(r[0], "a chunk's seq"), _integer(r[1], "a chunk's length"))
              for r in _rows(rows, "K", 3)]
    seqs = [seq for seq, _ in layout]
    if seqs != list(range(len(layout))):
        raise Damaged(f"attachment {attachment}: chunks numbered {seqs[:10]}, "
                      "not 0, 1, 2, ...")
    for seq, length in layout:
        last = seq == len(layout) - 1
        if length > CHUNK_SIZE or (not last and length != CHUNK_SIZE):
            raise Damaged(f"attachment {attachment}: chunk {seq} of {len(layout)} "
                          f"is {length} bytes; FORMAT.md says {CHUNK_SIZE} each, "
                          "the last one shorter")
    digest = hashlib.blake2b(digest_size=ATTACHMENT_HASH_SIZE)
    total = 0
    for seq, _ in layout:
        rows = db.sql(f"SELECT 'D', hex(CAST(data AS BLOB)) FROM attachment_chunks "
                      f"WHERE attachment_id = {row_id} AND seq = {seq};")
        found = _rows(rows, "D", 2)
        if len(found) != 1:
            raise Damaged(f"attachment {attachment}: chunk {seq} vanished while reading")
        chunk = bytes.fromhex(found[0][0])
        digest.update(chunk)
        total += len(chunk)
        yield chunk
    if total != meta["size"]:
        raise Damaged(f"attachment {attachment}: the chunks hold {total} bytes, "
                      f"the attachment row says {meta['size']}")
    if digest.hexdigest() != meta["blake2b"].lower():
        raise Damaged(f"attachment {attachment}: content BLAKE2b-256 is "
                      f"{digest.hexdigest()}, the attachment row says {meta['blake2b']}")


def read_attachment(data_path: str, key: bytes, attachment: str) -> bytes:
    """The whole content, checked; for small attachments only."""
    return b"".join(iter_attachment(data_path, key, attachment))


def extract_attachment(data_path: str, key: bytes, attachment: str, out: str) -> dict:
    """Writes the content to the new file `out` (0600; an existing file is
    not overwritten), or to standard output when `out` is "-". Returns the
    attachment's metadata. A content that fails its check is removed and
    reported as Damaged (on standard output it cannot be taken back)."""
    db = Database(data_path, key)
    _, meta = _attachment_row(db, attachment)
    if out == "-":
        sink: BinaryIO = sys.stdout.buffer
        for chunk in iter_attachment(data_path, key, attachment):
            sink.write(chunk)
        sink.flush()
        return meta
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AlreadyExists(f"{out} exists; not overwritten") from None
    try:
        with os.fdopen(fd, "wb") as sink:
            for chunk in iter_attachment(data_path, key, attachment):
                sink.write(chunk)
    except BaseException:
        os.unlink(out)
        raise
    return meta


# --- schema version 3: the search index --------------------------------------
#
# "Schema version 3 (search index)": one FTS4 row per record, docid = rowid *
# 4 + kind, `terms` = folio's own index terms of the record's text, separated
# by single spaces. Below, those rules written again from the document, so the
# terms folio stored can be compared with the ones the document gives.

KIND_ENTRY, KIND_CHECKLIST, KIND_ITEM, KIND_ATTACHMENT = 0, 1, 2, 3
FTS_TABLE = "search"                # versions 3 and 4
VOCAB_TABLE = "search_vocab"        # version 4 (fts4aux, stores nothing)
RECORD_KINDS = {KIND_ENTRY: "entry", KIND_CHECKLIST: "checklist",
                KIND_ITEM: "item", KIND_ATTACHMENT: "attachment"}

# "a CJK code point (U+2E80–2FDF, ...)", inclusive ranges.
CJK_RANGES = ((0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3100, 0x312F),
              (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
              (0x20000, 0x3134F))

# utf8proc's IGNORE drops "default-ignorable code points": Unicode's
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 14 and 15
# alike). Python's unicodedata has no such property, so here is the list.
DEFAULT_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF))


def _in_ranges(ch: str, ranges: Tuple[Tuple[int, int], ...]) -> bool:
    cp = ord(ch)
    return any(low <= cp <= high for low, high in ranges)


def is_cjk(ch: str) -> bool:
    return _in_ranges(ch, CJK_RANGES)


def is_default_ignorable(ch: str) -> bool:
    return _in_ranges(ch, DEFAULT_IGNORABLE_RANGES)


def fold_search_text(text: str) -> str:
    """"normalise it with NFKC and Unicode case folding (utf8proc STABLE |
    COMPOSE | COMPAT | CASEFOLD | IGNORE)": default-ignorable code points
    dropped, NFKC, full case folding (str.casefold), then composed again.
    The last NFKC matters: utf8proc composes after folding, so U+01F0 (ǰ),
    whose folding is j + U+030C, stays U+01F0, where NFKC-then-casefold alone
    would leave two code points (FORMAT.md does not spell this out)."""
    kept = "".join(ch for ch in text if not is_default_ignorable(ch))
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", kept).casefold())
    return "".join(ch for ch in folded if not is_default_ignorable(ch))


def search_terms(text: str) -> List[str]:
    """The index terms of `text`, walking the folded code points: a CJK code
    point ends the word in progress, gives the pair (previous + this) when
    the previous one was CJK too, then itself; a letter, mark or digit (L*,
    M*, N*) extends the word; anything else ends it."""
    terms: List[str] = []
    word = ""
    previous_cjk: Optional[str] = None
    for ch in fold_search_text(text):
        if is_cjk(ch):
            if word:
                terms.append(word)
                word = ""
            if previous_cjk is not None:
                terms.append(previous_cjk + ch)
            terms.append(ch)
            previous_cjk = ch
            continue
        previous_cjk = None
        if unicodedata.category(ch)[0] in "LMN":
            word += ch
        elif word:
            terms.append(word)
            word = ""
    if word:
        terms.append(word)
    return terms


# --- schema version 4: count terms ------------------------------------------

COUNT_MARK = "\u00b7"  # "U+00B7 MIDDLE DOT"


def count_code(n: int) -> str:
    """"one lower-case letter for the number of digits of n (z for one
    digit, y for two, ...), then each decimal digit d of n written as 9 - d"."""
    digits = str(n)
    return chr(ord("z") - (len(digits) - 1)) + "".join(str(9 - int(d)) for d in digits)


def stored_search_terms(text: str, count_terms: bool) -> List[str]:
    """The record's terms, then (version 4) "for each distinct term that the
    record holds n >= 2 times, in the order of the term's first occurrence,
    one count term ·TERM·CODE"."""
    terms = search_terms(text)
    if not count_terms:
        return terms
    counts: Dict[str, int] = {}
    for t in terms:
        counts[t] = counts.get(t, 0) + 1  # dicts keep first-insertion order
    return terms + [COUNT_MARK + t + COUNT_MARK + count_code(n) for t, n in counts.items() if n >= 2]


def search_docid(kind: int, row: int) -> int:
    """"docid = rowid * 4 + kind"."""
    assert kind in RECORD_KINDS
    return row * 4 + kind


def entry_search_text(title: Optional[str], tags: List[str], body: str) -> str:
    """"title (if any) + \\n + its tags as #tag #tag (if any) + \\n + body".
    The tags are sorted by name (byte order), as FORMAT.md says. Whether the
    \\n stands without a title or tags does not change the terms: it only
    separates."""
    parts = []
    if title is not None:
        parts.append(title)
    if tags:
        parts.append(" ".join("#" + t for t in sorted(tags, key=lambda t: t.encode("utf-8"))))
    parts.append(body)
    return "\n".join(parts)


def optional_join(first: str, second: Optional[str]) -> str:
    """name + \\n + description (if any); title + \\n + notes (if any)."""
    return first if second is None else first + "\n" + second


def record_texts(data_path: str, key: bytes) -> Dict[int, Tuple[int, int, str]]:
    """docid -> (kind, row id, the text FORMAT.md's table gives) for every
    record the index must hold."""
    db = Database(data_path, key)
    sql = """
SELECT 'E', id, CASE WHEN title IS NULL THEN 'N' ELSE 'T' || hex(title) END, hex(body)
  FROM entries;
SELECT 'G', et.entry_id, hex(t.name)
  FROM entry_tags AS et JOIN tags AS t ON t.id = et.tag_id
 ORDER BY et.entry_id, t.id;"""
    if db.has_checklists:
        sql += f"""
SELECT 'C', id, hex(name), {_optional('description')} FROM checklists;
SELECT 'I', id, hex(title), {_optional('notes')} FROM items;
SELECT 'A', id, hex(name) FROM attachments;"""
    rows = db.sql(sql)
    entries: Dict[int, Tuple[Optional[str], List[str], str]] = {}
    for row in _rows(rows, "E", 4):
        entries[_integer(row[0], "a row id")] = (db.optional(row[1]), [], db.text(row[2]))
    for row in _rows(rows, "G", 3):
        entries[_integer(row[0], "a row id")][1].append(db.text(row[1]))
    texts = {}
    for row, (title, tags, body) in entries.items():
        texts[search_docid(KIND_ENTRY, row)] = (KIND_ENTRY, row,
                                                entry_search_text(title, tags, body))
    for tag, kind in (("C", KIND_CHECKLIST), ("I", KIND_ITEM)):
        for row in _rows(rows, tag, 4):
            rowid = _integer(row[0], "a row id")
            texts[search_docid(kind, rowid)] = (kind, rowid, optional_join(
                db.text(row[1]), db.optional(row[2])))
    for row in _rows(rows, "A", 3):
        rowid = _integer(row[0], "a row id")
        texts[search_docid(KIND_ATTACHMENT, rowid)] = (KIND_ATTACHMENT, rowid, db.text(row[1]))
    return texts


def expected_search_index(data_path: str, key: bytes) -> Dict[int, str]:
    """docid -> the `terms` FORMAT.md says the index holds for each record."""
    counted = Database(data_path, key).has_count_terms
    return {docid: " ".join(stored_search_terms(text, counted))
            for docid, (_, _, text) in record_texts(data_path, key).items()}


def read_search_index(data_path: str, key: bytes) -> Dict[int, str]:
    """docid -> `terms`, as stored: the FTS4 table `search` in versions 3
    and 4, `search_docs` in version 5. A version-1 or 2 vault has no index:
    Damaged is not raised for that, an empty dict is returned."""
    db = Database(data_path, key)
    if not db.has_search_index:
        return {}
    # Version 5 keeps each record's terms in search_docs, pending or not.
    table = DOCS_TABLE if db.has_postings else FTS_TABLE
    rows = db.sql(f"SELECT 'S', docid, hex(terms) FROM {table};")
    index = {}
    for row in _rows(rows, "S", 3):
        index[_integer(row[0], "a docid")] = db.text(row[1])
    return index


def search_index_report(data_path: str, key: bytes) -> List[dict]:
    """What --search-index prints: every stored row and every record, by
    docid; `terms` is None for a record the index lacks, `expected` None for
    a row no record explains."""
    stored = read_search_index(data_path, key)
    expected = expected_search_index(data_path, key)
    report = []
    for docid in sorted(set(stored) | set(expected)):
        report.append({"docid": docid, "kind": RECORD_KINDS[docid % 4], "row": docid // 4,
                       "terms": stored.get(docid), "expected": expected.get(docid)})
    return report


# --- schema version 5: the postings index -------------------------------------
#
# Version 5 drops `search` (with FTS4's shadow tables) and `search_vocab`.
# Each record has one `search_docs` row holding its terms (version 3's rules,
# no count terms). A record that is not pending has one posting per distinct
# term: (term id, how many times it holds the term, docid, the positions).
# `search_terms` names the terms the postings use, with how many postings use
# each; `search_stats` counts the rows of search_docs.

DOCS_TABLE = "search_docs"
TERMS_TABLE = "search_terms"
POSTINGS_TABLE = "search_postings"
STATS_TABLE = "search_stats"
POSTINGS_TABLES = (DOCS_TABLE, TERMS_TABLE, POSTINGS_TABLE, STATS_TABLE)
PENDING_BATCH = 64   # "When 64 rows are pending, ... writes their postings"


def leb128(n: int) -> bytes:
    """Unsigned LEB128: 7 bits a byte, low bits first, the high bit set on
    every byte but the last."""
    if n < 0:
        raise ValueError(f"LEB128 here is unsigned, not {n}")
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def unleb128_all(data: bytes) -> List[int]:
    """Every number of a run of unsigned LEB128 values. Raises ValueError
    when the last one is cut short, or when one is longer than it needs to be
    (a last byte of 0 after others: no writer of LEB128 emits that)."""
    numbers: List[int] = []
    value = shift = length = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        length += 1
        if byte & 0x80:
            continue
        if byte == 0 and length > 1:
            raise ValueError(f"value {len(numbers)} is padded: {length} bytes ending in 0x00")
        numbers.append(value)
        value = shift = length = 0
    if length:
        raise ValueError(f"the last value is cut short ({length} bytes, each with the high bit set)")
    return numbers


def encode_positions(positions: List[int]) -> bytes:
    """`pos`: the positions ascending, each as the difference from the one
    before (the first from 0), in unsigned LEB128."""
    out, before = bytearray(), 0
    for p in positions:
        out += leb128(p - before)
        before = p
    return bytes(out)


def decode_positions(blob: bytes) -> List[int]:
    """The positions `pos` holds. Raises ValueError unless they ascend
    strictly (a delta of 0 is allowed only first: position 0)."""
    positions, at = [], 0
    for i, delta in enumerate(unleb128_all(blob)):
        if i and delta == 0:
            raise ValueError(f"delta {i} is 0: position {at} twice")
        at += delta
        positions.append(at)
    return positions


def term_positions(terms: str) -> Dict[str, List[int]]:
    """term -> its 0-based positions in a `terms` string (split at single
    spaces; '' has no terms), in order of first occurrence."""
    found: Dict[str, List[int]] = {}
    for i, term in enumerate(terms.split(" ") if terms else []):
        found.setdefault(term, []).append(i)
    return found


def _typed(column: str) -> str:
    """SQL printing a value of any type as `type:hex`, so that no value can
    break the reader's parsing and a wrong type shows."""
    return f"typeof({column}) || ':' || hex({column})"


def _untyped(field: str, what: str) -> Tuple[str, bytes]:
    kind, sep, value = field.partition(":")
    if not sep:
        raise Damaged(f"unexpected sqlcipher output for {what}: {field!r}")
    return kind, bytes.fromhex(value)


@dataclass(frozen=True)
class SearchDoc:
    docid: int
    terms: str
    pending: int


@dataclass(frozen=True)
class SearchTerm:
    id: int
    term: str
    docs: int


@dataclass(frozen=True)
class Posting:
    term_id: int
    hits: int
    docid: int
    pos: bytes


class _Typed:
    """Reads `type:hex` fields, collecting the wrong types as problems."""

    def __init__(self, db: Database, problems: List[str]) -> None:
        self.db, self.problems = db, problems

    def integer(self, field: str, what: str) -> int:
        kind, raw = _untyped(field, what)
        if kind != "integer":
            self.problems.append(f"{what} is of type {kind}, not integer")
            try:
                return int(raw.decode("ascii", "replace"))
            except ValueError:
                return -1
        return int(raw.decode("ascii"))

    def text(self, field: str, what: str) -> str:
        kind, raw = _untyped(field, what)
        if kind != "text":
            self.problems.append(f"{what} is of type {kind}, not text")
        return self.db.text(raw.hex())

    def blob(self, field: str, what: str) -> bytes:
        kind, raw = _untyped(field, what)
        if kind != "blob":
            self.problems.append(f"{what} is of type {kind}, not blob")
        return raw


def record_docids(db: Database) -> List[int]:
    """The docid of every record (entry, checklist, item, attachment)."""
    sql = f"SELECT 'R', id * 4 + {KIND_ENTRY} FROM entries;"
    if db.has_checklists:
        sql += f"""
SELECT 'R', id * 4 + {KIND_CHECKLIST} FROM checklists;
SELECT 'R', id * 4 + {KIND_ITEM} FROM items;
SELECT 'R', id * 4 + {KIND_ATTACHMENT} FROM attachments;"""
    return sorted(_integer(r[0], "a docid") for r in _rows(db.sql(sql), "R", 2))


def read_postings_index(data_path: str, key: bytes) -> Tuple[
        List[SearchDoc], List[SearchTerm], List[Posting], List[Tuple[int, int]], List[str]]:
    """The four version-5 tables as stored, read in one sqlcipher run:
    (search_docs rows, search_terms rows, search_postings rows in key order,
    search_stats rows as (id, docs), values of the wrong type as problems)."""
    db = Database(data_path, key)
    if not db.has_postings:
        raise NotFound(f"schema version {db.version} has no postings index")
    rows = db.sql(f"""
SELECT 'D', docid, {_typed('terms')}, {_typed('pending')} FROM {DOCS_TABLE} ORDER BY docid;
SELECT 'T', id, {_typed('term')}, {_typed('docs')} FROM {TERMS_TABLE} ORDER BY id;
SELECT 'P', {_typed('term_id')}, {_typed('hits')}, {_typed('docid')}, {_typed('pos')}
  FROM {POSTINGS_TABLE} ORDER BY term_id, hits DESC, docid DESC;
SELECT 'S', {_typed('id')}, {_typed('docs')} FROM {STATS_TABLE};""")
    problems: List[str] = []
    typed = _Typed(db, problems)
    docs = []
    for row in _rows(rows, "D", 4):
        docid = _integer(row[0], "a docid")
        docs.append(SearchDoc(docid, typed.text(row[1], f"search_docs {docid}: terms"),
                              typed.integer(row[2], f"search_docs {docid}: pending")))
    terms = []
    for row in _rows(rows, "T", 4):
        term_id = _integer(row[0], "a term id")
        terms.append(SearchTerm(term_id, typed.text(row[1], f"search_terms {term_id}: term"),
                                typed.integer(row[2], f"search_terms {term_id}: docs")))
    postings = []
    for n, row in enumerate(_rows(rows, "P", 5)):
        what = f"posting {n}"
        postings.append(Posting(typed.integer(row[0], what + ": term_id"),
                                typed.integer(row[1], what + ": hits"),
                                typed.integer(row[2], what + ": docid"),
                                typed.blob(row[3], what + ": pos")))
    stats = [(typed.integer(r[0], "search_stats: id"), typed.integer(r[1], "search_stats: docs"))
             for r in _rows(rows, "S", 3)]
    return docs, terms, postings, stats, problems


def _postings_problems(records: List[int], docs: List[SearchDoc], terms: List[SearchTerm],
                       postings: List[Posting], stats: List[Tuple[int, int]]) -> List[str]:
    """Every way the four tables differ from what FORMAT.md says, given the
    records' docids; [] when they are exactly right."""
    problems: List[str] = []
    by_docid = {d.docid: d for d in docs}
    missing = sorted(set(records) - set(by_docid))
    extra = sorted(set(by_docid) - set(records))
    if missing:
        problems.append(f"{len(missing)} records have no search_docs row (docids {missing[:10]})")
    if extra:
        problems.append(f"{len(extra)} search_docs rows name no record (docids {extra[:10]})")
    positions_of: Dict[int, Dict[str, List[int]]] = {}
    for d in docs:
        if d.pending not in (0, 1):
            problems.append(f"search_docs {d.docid}: pending is {d.pending}, not 0 or 1")
        if d.terms and any(t == "" for t in d.terms.split(" ")):
            problems.append(f"search_docs {d.docid}: terms {d.terms[:60]!r} are not "
                            "separated by single spaces")
        positions_of[d.docid] = term_positions(d.terms)

    by_id: Dict[int, SearchTerm] = {}
    first_id_of: Dict[str, int] = {}
    for t in terms:
        by_id[t.id] = t
        if t.term in first_id_of:
            problems.append(f"search_terms {first_id_of[t.term]} and {t.id} both hold "
                            f"{t.term!r}: a term is UNIQUE")
        else:
            first_id_of[t.term] = t.id
        if not t.term or " " in t.term:
            problems.append(f"search_terms {t.id}: {t.term!r} is not a term")
        if t.docs < 1:
            problems.append(f"search_terms {t.id} ({t.term!r}): docs is {t.docs}, not >= 1")

    used: Dict[int, int] = {}                 # term id -> postings
    held: Dict[int, set] = {}                 # docid -> term texts of its postings
    seen: Dict[Tuple[int, int], int] = {}     # (term id, docid) -> hits of the first
    for p in postings:
        where = f"posting (term_id {p.term_id}, hits {p.hits}, docid {p.docid})"
        used[p.term_id] = used.get(p.term_id, 0) + 1
        term = by_id.get(p.term_id)
        if term is None:
            problems.append(f"{where}: no search_terms row {p.term_id}")
        doc = by_docid.get(p.docid)
        if doc is None:
            problems.append(f"{where}: no search_docs row {p.docid}")
        elif doc.pending == 1:
            problems.append(f"{where}: search_docs {p.docid} is pending, so has no postings")
        if (p.term_id, p.docid) in seen:
            problems.append(f"{where}: a second posting of the term for the record "
                            f"(the first has hits {seen[(p.term_id, p.docid)]})")
        else:
            seen[(p.term_id, p.docid)] = p.hits
        if p.hits < 1:
            problems.append(f"{where}: hits is {p.hits}, not >= 1")
        try:
            positions = decode_positions(p.pos)
        except ValueError as e:
            problems.append(f"{where}: pos {p.pos.hex()} is not LEB128 deltas: {e}")
            continue
        if len(positions) != p.hits:
            problems.append(f"{where}: pos holds {len(positions)} positions {positions[:10]}, "
                            f"hits says {p.hits}")
        if term is None or doc is None:
            continue
        held.setdefault(p.docid, set()).add(term.term)
        actual = positions_of[p.docid].get(term.term)
        if actual is None:
            problems.append(f"{where}: search_docs {p.docid} does not hold {term.term!r}")
        elif actual != positions:
            problems.append(f"{where}: {term.term!r} stands at {actual[:10]} in search_docs "
                            f"{p.docid}, pos says {positions[:10]}")
        if actual is not None and len(actual) != p.hits:
            problems.append(f"{where}: search_docs {p.docid} holds {term.term!r} "
                            f"{len(actual)} times, hits says {p.hits}")

    for d in docs:
        if d.pending != 0:
            continue
        lacking = [t for t in positions_of[d.docid] if t not in held.get(d.docid, set())]
        if lacking:
            problems.append(f"search_docs {d.docid} is not pending but has no posting of "
                            f"{len(lacking)} of its terms ({lacking[:10]})")
    for t in terms:
        n = used.get(t.id, 0)
        if n == 0:
            problems.append(f"search_terms {t.id} ({t.term!r}): no posting uses it")
        elif n != t.docs:
            problems.append(f"search_terms {t.id} ({t.term!r}): docs is {t.docs}, "
                            f"{n} postings hold it")

    waiting = sum(1 for d in docs if d.pending == 1)
    if waiting >= PENDING_BATCH:
        problems.append(f"{waiting} records are pending: at most {PENDING_BATCH - 1} are "
                        f"between two commands (the {PENDING_BATCH}th's indexing writes them all)")
    if len(stats) != 1:
        problems.append(f"search_stats has {len(stats)} rows, not 1")
    for stat_id, count in stats:
        if stat_id != 1:
            problems.append(f"search_stats row {stat_id}: the id is 1")
        if count != len(docs):
            problems.append(f"search_stats.docs is {count}, search_docs has {len(docs)} rows")
    return problems


def check_search_postings(data_path: str, key: bytes) -> dict:
    """Checks a version-5 index as FORMAT.md says it must be: one search_docs
    row per record; every posting's pos decodes to `hits` ascending positions,
    the term's positions in its record's terms; a record that is not pending
    has one posting per distinct term and a pending one none; search_terms
    holds each used term once with `docs` its number of postings, and no
    other; search_stats has the one row id 1 counting search_docs; at most
    63 records are pending. Raises
    Damaged naming what is wrong (the search tables of another version
    included); returns a summary. A version without postings (1 to 4),
    whose search tables are its own, gives {"schema_version": v,
    "postings": None}."""
    db = Database(data_path, key)
    missing, extra = db.search_tables()
    if missing or extra:
        said = ([f"lacks {missing}"] if missing else []) + \
            ([f"has {extra}, which it should not"] if extra else [])
        raise Damaged(f"schema version {db.version}, but its search index "
                      + " and ".join(said))
    if not db.has_postings:
        return {"schema_version": db.version, "postings": None}
    docs, terms, postings, stats, problems = read_postings_index(data_path, key)
    problems += _postings_problems(record_docids(db), docs, terms, postings, stats)
    if problems:
        more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise Damaged("the postings index is not what FORMAT.md says: "
                      + "; ".join(problems[:10]) + more)
    return {"schema_version": db.version, "docs": len(docs),
            "pending": sum(1 for d in docs if d.pending == 1), "terms": len(terms),
            "postings": len(postings), "positions": sum(p.hits for p in postings),
            "stats_docs": stats[0][1]}


def postings_sql(index: Dict[int, str], pending: Tuple[int, ...] = ()) -> str:
    """For tests: SQL that fills the four (empty) version-5 tables as
    FORMAT.md says from docid -> terms, the docids in `pending` left
    pending. Term ids follow the terms' byte order."""
    def text(value: str) -> str:
        return f"CAST(X'{value.encode('utf-8').hex()}' AS TEXT)"

    holders: Dict[str, List[Tuple[int, List[int]]]] = {}
    for docid, terms in index.items():
        if docid in pending:
            continue
        for term, positions in term_positions(terms).items():
            holders.setdefault(term, []).append((docid, positions))
    lines = [f"INSERT INTO {DOCS_TABLE} VALUES ({docid}, {text(terms)}, "
             f"{1 if docid in pending else 0});" for docid, terms in sorted(index.items())]
    for term_id, term in enumerate(sorted(holders, key=lambda t: t.encode("utf-8")), 1):
        lines.append(f"INSERT INTO {TERMS_TABLE} VALUES ({term_id}, {text(term)}, "
                     f"{len(holders[term])});")
        for docid, positions in holders[term]:
            lines.append(f"INSERT INTO {POSTINGS_TABLE} VALUES ({term_id}, {len(positions)}, "
                         f"{docid}, X'{encode_positions(positions).hex()}');")
    lines.append(f"INSERT INTO {STATS_TABLE} VALUES (1, {len(index)});")
    return "\n".join(lines) + "\n"


# --- the whole vault --------------------------------------------------------

@dataclass(frozen=True)
class OpenVault:
    dek: bytes
    slot_index: int          # the passphrase or recovery-code slot that opened
    database_key: bytes
    data_path: str
    vault_key: bytes
    data_key_slot: int       # the data-key slot whose DEK opens the database

    def info(self) -> DatabaseInfo:
        return database_info(self.data_path, self.database_key)

    def entries(self) -> List[dict]:
        return read_entries(self.data_path, self.database_key)

    def checklists(self) -> List[dict]:
        return read_checklists(self.data_path, self.database_key)

    def checklist(self, checklist: str) -> dict:
        """One checklist by its full id."""
        for found in self.checklists():
            if found["id"] == checklist:
                return found
        raise NotFound(f"no checklist {checklist}")

    def item(self, item: str) -> dict:
        return read_item(self.data_path, self.database_key, item)

    def attachments(self, item: Optional[str] = None) -> List[dict]:
        return read_attachments(self.data_path, self.database_key, item)

    def links(self) -> List[dict]:
        return read_links(self.data_path, self.database_key)

    def templates(self) -> List[dict]:
        return read_templates(self.data_path, self.database_key)

    def attachment_chunks(self, attachment: str) -> List[Tuple[int, int]]:
        return attachment_chunks(self.data_path, self.database_key, attachment)

    def iter_attachment(self, attachment: str) -> Iterator[bytes]:
        return iter_attachment(self.data_path, self.database_key, attachment)

    def read_attachment(self, attachment: str) -> bytes:
        return read_attachment(self.data_path, self.database_key, attachment)

    def extract(self, attachment: str, out: str) -> dict:
        return extract_attachment(self.data_path, self.database_key, attachment, out)

    def search_index(self) -> Dict[int, str]:
        return read_search_index(self.data_path, self.database_key)

    def expected_search_index(self) -> Dict[int, str]:
        return expected_search_index(self.data_path, self.database_key)

    def record_texts(self) -> Dict[int, Tuple[int, int, str]]:
        return record_texts(self.data_path, self.database_key)

    def search_docs(self) -> List[SearchDoc]:
        """Version 5: the search_docs rows, with `pending`."""
        return read_postings_index(self.data_path, self.database_key)[0]

    def postings_index(self):
        """Version 5: (docs, terms, postings, stats, wrongly typed values)."""
        return read_postings_index(self.data_path, self.database_key)

    def check_search_postings(self) -> dict:
        """Raises Damaged unless the postings index is as FORMAT.md says."""
        return check_search_postings(self.data_path, self.database_key)

    def everything(self) -> Dict[str, object]:
        """What --all prints."""
        return {"schema_version": Database(self.data_path, self.database_key).version,
                "entries": self.entries(), "checklists": self.checklists(),
                "attachments": self.attachments(), "links": self.links(),
                "templates": self.templates()}


def open_vault(vault_dir: str, secret_text: str, recovery: bool = False) -> OpenVault:
    """Opens with a passphrase or (recovery=True) a recovery code."""
    secret, kind = secret_for(secret_text, recovery)
    header = read_header(vault_dir)
    vault_key, index = open_vault_key(header, secret, kind)
    data_path = os.path.join(vault_dir, "data")
    candidates = open_data_keys(header, vault_key)
    if not candidates:
        raise Damaged("no data-key slot opens with the vault key: the header is damaged")
    # "the database opens with one of them, so a reader tries each"
    for dek, data_slot in candidates:
        if len(candidates) == 1 or _database_opens(data_path, database_key(dek)):
            return OpenVault(dek, index, database_key(dek), data_path, vault_key, data_slot)
    raise Damaged(f"none of the {len(candidates)} data keys opens the database")


def _database_opens(data_path: str, key: bytes) -> bool:
    try:
        run_sql(data_path, key, "PRAGMA user_version;")
    except Damaged:
        return False
    return True


# --- writing: for tests and the worked example only -------------------------

def make_slot(secret: bytes, kind: int, key: bytes, salt: bytes, nonce: bytes,
              ops: int, memory: int, version: int = FORMAT_VERSION,
              kdf: int = KDF_ARGON2ID13, reserved: bytes = bytes(16)) -> bytes:
    """A 128-byte passphrase or recovery-code slot wrapping `key` (the VK),
    built as "Opening a slot" reads it."""
    params = Params(CHECK, version, kind, kdf, ops, memory, reserved).to_bytes()
    kek = nacl.pwhash.argon2id.kdf(32, secret, salt, opslimit=ops, memlimit=memory)
    return _sealed_slot(params, key, salt, nonce, kek)


def make_data_key_slot(vault_key: bytes, dek: bytes, salt: bytes, nonce: bytes,
                       version: int = FORMAT_VERSION, reserved: bytes = bytes(16)) -> bytes:
    """A 128-byte data-key slot (kind 3, kdf 0, ops 0, memory 0) wrapping the
    DEK under the VK."""
    params = Params(CHECK, version, KIND_DATA_KEY, KDF_NONE, 0, 0, reserved).to_bytes()
    return _sealed_slot(params, dek, salt, nonce, vault_key)


def _sealed_slot(params: bytes, key: bytes, salt: bytes, nonce: bytes, wrapping: bytes) -> bytes:
    wrapped = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        key, salt + params, nonce, wrapping)
    slot = salt + xor(params, mask_for(salt)) + nonce + wrapped
    assert len(slot) == SLOT_SIZE
    return slot


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Read a folio vault (FORMAT.md, "
                                 "schema versions 1 to 5).")
    ap.add_argument("vault")
    ap.add_argument("--passphrase-file", required=True,
                    help="first line: the passphrase, or the recovery code")
    ap.add_argument("--recovery", action="store_true",
                    help="the file holds the recovery code")
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--entries", action="store_true",
                      help="the journal entries (the default)")
    what.add_argument("--checklists", action="store_true",
                      help="the checklists with their items")
    what.add_argument("--item", metavar="ITEM_ID", help="one item, with its "
                      "attachments and linked entries")
    what.add_argument("--attachments", action="store_true",
                      help="every attachment's metadata")
    what.add_argument("--links", action="store_true", help="the entry-item links")
    what.add_argument("--templates", action="store_true", help="the saved templates")
    what.add_argument("--search-index", action="store_true",
                      help="the search index, with the terms FORMAT.md gives")
    what.add_argument("--search-postings", action="store_true",
                      help="check the postings index (schema version 5) against "
                      "search_docs and print a summary")
    what.add_argument("--all", action="store_true", help="all of it in one object")
    what.add_argument("--extract", nargs=2, metavar=("ATTACHMENT_ID", "OUT"),
                      help="write an attachment's content to OUT ('-': stdout)")
    args = ap.parse_args(argv)
    try:
        with open(args.passphrase_file, "rb") as f:
            text = first_line(f.read())
        vault = open_vault(args.vault, text, args.recovery)
        if args.extract:
            vault.extract(*args.extract)
            return 0
        if args.checklists:
            result: object = vault.checklists()
        elif args.item:
            result = vault.item(args.item)
        elif args.attachments:
            result = vault.attachments()
        elif args.links:
            result = vault.links()
        elif args.templates:
            result = vault.templates()
        elif args.search_index:
            result = search_index_report(vault.data_path, vault.database_key)
        elif args.search_postings:
            result = vault.check_search_postings()
        elif args.all:
            result = vault.everything()
        else:
            result = vault.entries()
    except FormatError as e:
        print(f"reader: error: {e}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        print(f"reader: error: {e}", file=sys.stderr)
        return 8
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
