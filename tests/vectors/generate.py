#!/usr/bin/python3
"""Writes folio's own format vectors, in the style of C2SP CCTV: one file per
case, "key: value" lines, a blank line, then the bytes under test.

    /usr/bin/python3 tests/vectors/generate.py [--check]

Deterministic: every "random" byte comes from SHAKE-256 of a label, so a run
writes the same files byte for byte, and --check (used by the tests) fails
when a checked-in file differs from what this script writes. The slots are
built by tests/format/reader.py, the reader written from docs/FORMAT.md alone,
never by folio: the vectors test folio against the document.

header/ (format: folio-header-v1): a 1024-byte vault header and a secret.
    expect: success | wrong passphrase | header failure | unsupported version
    passphrase: (UTF-8, NFC) or recovery code: (as written down)
    vault key:, data key: (hex; on success)
    kdf: the slot's Argon2id cost, for the reader of the file
    comment: what the case is

backup/ (format: folio-backup-v1): an age v1 file (X25519) holding a folio
backup payload (JSON Lines, first line {"format": "folio-backup", "version":
1, ...}), written by tests/format/age_file.py, an age implementation of its
own, from C2SP age.md.
    expect: success | no match | header failure | HMAC failure |
            payload failure | not a folio backup | unsupported version |
            payload damaged (a good age file whose JSON Lines are cut short
            or do not add up to the end line)
    identity: the AGE-SECRET-KEY-1 that opens it
    payload: SHA-256 (hex) of all plaintext a reader releases, as in CCTV:
             on a payload failure, what came before the failing chunk

The key-derivation costs are the cheapest FORMAT.md allows (1 pass, 8 KiB),
except `success_production_kdf` (2 passes, 256 MiB: folio's floor).

Needs python3-nacl.
"""

import hashlib
import json
import os
import sys
import unicodedata
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "format"))

import age_file  # noqa: E402  (tests/format/age_file.py)
import reader  # noqa: E402  (tests/format/reader.py)
import nacl.bindings  # noqa: E402

HEADER_FORMAT = "folio-header-v1"
BACKUP_FORMAT = "folio-backup-v1"
PASSPHRASE = "correct horse battery staple"
CHINESE_PASSPHRASE = "护照 签证 公证 二〇二六"  # NFC already
CHEAP = (1, 8 * 1024)
PRODUCTION = (2, 256 * 1024 * 1024)


def det(label: str, size: int) -> bytes:
    """The selftest's derivation (src/vectors/selftest.cpp, "folio keyslot")."""
    return hashlib.blake2b(label.encode(), digest_size=size).digest()


def rand(label: str, size: int) -> bytes:
    return hashlib.shake_256(b"folio test vectors v1|" + label.encode()).digest(size)


VAULT_KEY = det("selftest vault key", 32)
DATA_KEY = det("selftest data key", 32)
RECOVERY_CODE = reader.format_recovery_code(rand("recovery code", 20))


def passphrase_slot(secret: str, cost=CHEAP, version: int = reader.FORMAT_VERSION) -> bytes:
    """Slot 0: the selftest's passphrase slot when secret and cost are the defaults."""
    return reader.make_slot(reader.passphrase_secret(secret), reader.KIND_PASSPHRASE, VAULT_KEY,
                            det("selftest salt 0", 16), det("selftest nonce 0", 24),
                            ops=cost[0], memory=cost[1], version=version)


def data_key_slot() -> bytes:
    """Slot 1: the data key under the vault key (the selftest's slot 1)."""
    return reader.make_data_key_slot(VAULT_KEY, DATA_KEY, det("selftest salt 1", 16),
                                     det("selftest nonce 1", 24))


def recovery_slot() -> bytes:
    return reader.make_slot(reader.recovery_secret(RECOVERY_CODE), reader.KIND_RECOVERY,
                            VAULT_KEY, rand("salt 2", 16), rand("nonce 2", 24),
                            ops=CHEAP[0], memory=CHEAP[1])


def header(slot0: bytes, slot1: Optional[bytes] = None) -> bytes:
    """Slot 0 (given), the data-key slot, the recovery slot, then five unused
    (random) slots: the layout `folio init` writes, in that order."""
    slots = [slot0, slot1 if slot1 is not None else data_key_slot(), recovery_slot()]
    slots += [rand(f"unused slot {i}", reader.SLOT_SIZE) for i in range(3, reader.SLOT_COUNT)]
    out = b"".join(slots)
    assert len(out) == reader.HEADER_SIZE
    return out


def flip(data: bytes, offset: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[offset] ^= mask
    return bytes(out)


def with_params(slot: bytes, **changes) -> bytes:
    """The slot with unmasked params fields changed, re-masked. The tag is
    left as it was: a reader must refuse on the params before the tag."""
    salt = slot[:16]
    params = reader.Params.parse(reader.xor(slot[16:56], reader.mask_for(salt)))
    fields = params.__dict__ | changes
    raw = reader.Params(**fields).to_bytes()
    return salt + reader.xor(raw, reader.mask_for(salt)) + slot[56:]


def params_flip(slot: bytes, param_offset: int, mask: int) -> bytes:
    """One bit of the unmasked params flipped (the masked byte flips the same way)."""
    return flip(slot, reader.SALT_SIZE + param_offset, mask)


def cases() -> List[Tuple[str, Dict[str, str], bytes]]:
    base = passphrase_slot(PASSPHRASE)
    good = header(base)
    keys = {"vault key": VAULT_KEY.hex(), "data key": DATA_KEY.hex()}
    cheap = {"kdf": "argon2id ops 1 memory 8192"}
    ok = dict(expect="success", passphrase=PASSPHRASE, **keys, **cheap)
    wrong = dict(expect="wrong passphrase", passphrase=PASSPHRASE, **cheap)
    damaged = dict(expect="header failure", passphrase=PASSPHRASE, **cheap)
    out = [
        ("success", dict(ok, comment="init's layout: passphrase, data key, recovery code, unused"),
         good),
        ("success_recovery_code",
         dict(expect="success", **{"recovery code": RECOVERY_CODE.lower()}, **keys, **cheap,
              comment="the recovery code as typed: lower case, with dashes"), good),
        ("success_chinese_passphrase",
         dict(ok, passphrase=CHINESE_PASSPHRASE, comment="a passphrase in Chinese, UTF-8 after NFC"),
         header(passphrase_slot(CHINESE_PASSPHRASE))),
        ("success_decomposed_passphrase",
         dict(ok, passphrase=unicodedata.normalize("NFD", "café résumé 護照"),
              comment="typed decomposed (NFD): the secret is the passphrase after NFC"),
         header(passphrase_slot("café résumé 護照"))),
        ("success_production_kdf",
         dict(ok, kdf="argon2id ops 2 memory 268435456",
              comment="folio's floor: 2 passes, 256 MiB (takes a second)"),
         header(passphrase_slot(PASSPHRASE, PRODUCTION))),
        ("wrong_passphrase", dict(wrong, passphrase=PASSPHRASE + "!",
                                  comment="one character more than the slot's passphrase"), good),
        ("wrong_kind", dict(wrong, passphrase=RECOVERY_CODE,
                            comment="the recovery code typed as the passphrase"), good),
        # A flipped byte in each field of the passphrase slot.
        ("flipped_salt", dict(damaged, comment="salt byte 0: the mask changes, the check word "
                              "is lost, so no passphrase slot is left"), header(flip(base, 0))),
        ("flipped_check", dict(damaged, comment="params byte 0 (check word): no passphrase slot"),
         header(params_flip(base, 0, 0x01))),
        ("flipped_version", dict(damaged, expect="unsupported version",
                                 comment="params byte 9: format version 1 + 256, from a newer folio"),
         header(params_flip(base, 9, 0x01))),
        ("flipped_kind", dict(damaged, comment="params byte 10: kind 1 -> 0x81, unknown; no "
                              "passphrase slot is left"), header(params_flip(base, 10, 0x80))),
        ("flipped_kdf", dict(damaged, comment="params byte 11: kdf 1 -> 3, unknown"),
         header(params_flip(base, 11, 0x02))),
        ("flipped_ops", dict(wrong, comment="params byte 12: ops 1 -> 3, in bounds; the tag "
                             "(associated data) fails"), header(params_flip(base, 12, 0x02))),
        ("flipped_memory", dict(wrong, comment="params byte 18: memory 8 KiB -> 72 KiB, in bounds; "
                                "the tag fails"), header(params_flip(base, 18, 0x01))),
        ("flipped_reserved", dict(wrong, comment="params byte 39 (reserved): the tag fails"),
         header(params_flip(base, 39, 0x01))),
        ("flipped_nonce", dict(wrong, comment="nonce byte 0"), header(flip(base, 56))),
        ("flipped_wrapped_key", dict(wrong, comment="wrapped key byte 0"), header(flip(base, 80))),
        ("flipped_tag", dict(wrong, comment="tag byte 15 (the slot's last byte)"),
         header(flip(base, 127))),
        ("flipped_data_key_slot", dict(damaged, comment="the data-key slot's wrapped key, byte 0: "
                                       "the passphrase opens, no data key does"),
         header(base, flip(data_key_slot(), 80))),
        ("unknown_version", dict(damaged, expect="unsupported version",
                                 comment="a slot sealed with format version 2"),
         header(passphrase_slot(PASSPHRASE, version=2))),
        ("truncated", dict(damaged, comment="1023 bytes"), good[:-1]),
    ]
    # KDF parameters outside FORMAT.md's bounds, refused before any KDF runs.
    for name, change, why in (
            ("ops_zero", {"ops": 0}, "ops 0"),
            ("ops_65", {"ops": 65}, "ops 65 (the bound is 64)"),
            ("memory_4k", {"memory": 4096}, "memory 4 KiB (the bound is 8 KiB)"),
            ("memory_over_4g", {"memory": 4 * 1024 ** 3 + 1024}, "memory 4 GiB + 1 KiB"),
            ("memory_not_kib", {"memory": 8192 + 512}, "memory 8.5 KiB, not whole KiB"),
            ("kdf_2", {"kdf": 2}, "kdf 2, unknown")):
        out.append((f"kdf_{name}", dict(damaged, comment=f"{why}: out of bounds"),
                    header(with_params(base, **change))))
    return out


# --- backups ----------------------------------------------------------------

IDENTITY = rand("age identity", 32)
OTHER_IDENTITY = rand("another age identity", 32)


def payload_records(body: str, version: int = 1) -> List[dict]:
    """A folio backup payload with one journal entry (FORMAT.md, "Backups: the
    payload": the first line, the records, the end line)."""
    return [
        {"format": "folio-backup", "version": version, "folio": "0.1.0",
         "created": "2026-11-23T12:00:00Z"},
        {"type": "entry", "id": "7k2m9xqa", "created": "2026-11-20T08:30:00Z",
         "updated": "2026-11-20T08:30:00Z", "title": "签证 visa", "tags": ["visa"], "body": body},
        {"type": "end", "entries": 1, "checklists": 0, "items": 0, "links": 0, "templates": 0,
         "attachments": 0, "chunks": 0},
    ]


def json_lines(records: List[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                    for r in records)


def payload_lines(body: str, version: int = 1) -> bytes:
    return json_lines(payload_records(body, version))


SMALL = payload_lines("预约了十二月一日的面试。Interview booked for 1 December.")
# Two chunks: a body long enough to pass 64 KiB.
LARGE = payload_lines("银行流水 bank statement. " * 2600)
assert age_file.CHUNK < len(LARGE) < 2 * age_file.CHUNK


def age_encrypt(payload: bytes, label: str) -> bytes:
    recipient = nacl.bindings.crypto_scalarmult_base(IDENTITY)
    return age_file.encrypt(payload, recipient, rand(label + " file key", 16),
                            rand(label + " ephemeral", 32), rand(label + " nonce", 16))


def header_length(data: bytes) -> int:
    return data.index(b"\n---") + data[data.index(b"\n---") + 1:].index(b"\n") + 2


def backup_cases() -> List[Tuple[str, Dict[str, str], bytes]]:
    small = age_encrypt(SMALL, "small")
    large = age_encrypt(LARGE, "large")
    head = header_length(small)
    first_chunk = LARGE[:age_file.CHUNK]
    chunk2_end = header_length(large) + 16 + age_file.CHUNK + age_file.TAG
    me = age_file.identity_string(IDENTITY)

    def sha(b: bytes) -> str:
        return hashlib.sha256(b).hexdigest()

    def case(name, expect, data, released=b"", comment="", identity=me):
        fields = dict(expect=expect, identity=identity, payload=sha(released), comment=comment)
        return (name, fields, data)

    # The same file with its last chunk sealed as a middle chunk (no final one).
    key_nonce = small[head:head + 16]
    payload_key = age_file.hkdf(rand("small file key", 16), key_nonce, b"payload")
    not_final = small[:head + 16] + age_file.seal(payload_key, age_file.stream_nonce(0, False), SMALL)
    mac_at = small.index(b"\n--- ") + 5
    assert small[:head] == age_file.header_for(rand("small file key", 16),
                                               nacl.bindings.crypto_scalarmult_base(IDENTITY),
                                               rand("small ephemeral", 32))
    bad_mac = bytearray(small)
    bad_mac[mac_at] = ord("A") if bad_mac[mac_at] != ord("A") else ord("B")
    return [
        case("success", "success", small, SMALL, "one chunk: a folio payload with one entry"),
        case("success_two_chunks", "success", large, LARGE, "a payload of two chunks"),
        case("wrong_identity", "no match", small, comment="an identity the file is not for",
             identity=age_file.identity_string(OTHER_IDENTITY)),
        case("bad_mac", "HMAC failure", bytes(bad_mac), comment="one character of the MAC changed"),
        case("truncated_in_header", "header failure", small[:head // 2],
             comment="cut in the middle of the header"),
        case("truncated_before_mac", "header failure", small[:mac_at - 1],
             comment="cut inside the MAC line"),
        case("truncated_after_header", "header failure", small[:head],
             comment="the header and nothing else (no payload nonce)"),
        case("truncated_in_nonce", "header failure", small[:head + 8],
             comment="half of the payload nonce"),
        case("truncated_after_nonce", "payload failure", small[:head + 16],
             comment="the nonce and no chunk"),
        case("truncated_in_last_chunk", "payload failure", small[:-1],
             comment="the last byte (of the tag) missing"),
        case("truncated_at_chunk_boundary", "payload failure", large[:chunk2_end], first_chunk,
             comment="cut exactly after chunk 0 of 2: the first chunk is released, then the "
                     "missing last chunk is an error"),
        case("bad_tag_chunk_1", "payload failure", flip(small, len(small) - 1),
             comment="the tag of the first (and last) chunk"),
        case("bad_tag_chunk_2", "payload failure", flip(large, len(large) - 1), first_chunk,
             comment="the tag of chunk 2 of 2: chunk 1 is released first"),
        case("missing_final_chunk", "payload failure", not_final,
             comment="the only chunk sealed as a middle chunk: no final chunk"),
        case("trailing_data", "payload failure", small + b"\n",
             comment="one byte after the last chunk"),
        case("not_a_folio_payload", "not a folio backup", age_encrypt(b"hello\n", "hello"),
             b"hello\n", "a good age file whose plaintext is not a folio backup"),
        case("empty_payload", "not a folio backup", age_encrypt(b"", "empty"),
             comment="a good age file with nothing inside"),
        case("truncated_at_line_boundary", "payload damaged",
             age_encrypt(json_lines(payload_records("cut")[:-1]), "no end"),
             json_lines(payload_records("cut")[:-1]),
             "a good age file whose payload stops before its end line"),
        case("end_count_mismatch", "payload damaged",
             age_encrypt(json_lines(payload_records("two?")[:-1] + [
                 dict(payload_records("two?")[-1], entries=2)]), "count"),
             json_lines(payload_records("two?")[:-1] + [dict(payload_records("two?")[-1], entries=2)]),
             "the end line counts 2 entries, the payload holds 1"),
        case("payload_format_not_text", "not a folio backup",
             age_encrypt(b'{"format":5,"version":1}\n', "format 5"), b'{"format":5,"version":1}\n',
             'a first line of JSON whose "format" is a number'),
        case("newer_payload_version", "unsupported version",
             age_encrypt(payload_lines("from the future", version=2), "v2"),
             payload_lines("from the future", version=2), "payload version 2"),
    ]


def render(fields: Dict[str, str], body: bytes, fmt: str = HEADER_FORMAT) -> bytes:
    lines = [f"format: {fmt}"] + [f"{k}: {v}" for k, v in fields.items()]
    for line in lines:
        assert "\n" not in line
    return ("\n".join(lines) + "\n\n").encode("utf-8") + body


def write(folder: str, fmt: str, vectors, check: bool) -> Tuple[List[str], List[str], int]:
    """(names that differ, files not generated, count)."""
    os.makedirs(folder, exist_ok=True)
    differ, written = [], set()
    for name, fields, body in vectors:
        path = os.path.join(folder, name)
        data = render(fields, body, fmt)
        written.add(name)
        if check:
            with open(path, "rb") as f:
                if f.read() != data:
                    differ.append(name)
        else:
            with open(path, "wb") as f:
                f.write(data)
    stale = sorted(set(os.listdir(folder)) - written)
    return differ, stale, len(written)


def main(argv: List[str]) -> int:
    check = "--check" in argv
    problems = []
    for sub, fmt, vectors in (("header", HEADER_FORMAT, cases()),
                              ("backup", BACKUP_FORMAT, backup_cases())):
        folder = os.path.join(HERE, sub)
        differ, stale, count = write(folder, fmt, vectors, check)
        if differ or stale:
            problems.append(f"{sub}: differs: {differ}, not generated: {stale}")
        if not check:
            print(f"wrote {count} vectors to {folder}")
    if check and problems:
        print("generate.py: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
