#!/usr/bin/python3
"""An independent reading of the age v1 file format (C2SP age.md), for the
X25519 recipient type only, with python3-nacl: what a person restoring a folio
backup years later, without folio, would write. It does not share code or
constants with folio's src/age/; every step names the part of age.md it
follows.

Used by tests/vectors/generate.py (to write folio's backup vectors with
seeded randomness) and tests/format/test_vectors.py (to read them back, and
to check itself against the C2SP CCTV age vectors).

    decrypt(data, identity) -> (outcome, released plaintext)
    encrypt(payload, recipient, file_key, ephemeral, nonce, ...) -> bytes

Outcomes use the CCTV words: "success", "no match", "header failure",
"HMAC failure", "payload failure".
"""

import base64
import binascii
import hashlib
import hmac
from typing import List, Optional, Tuple

import nacl.bindings
import nacl.exceptions

VERSION_LINE = b"age-encryption.org/v1"
X25519_INFO = b"age-encryption.org/v1/X25519"
CHUNK = 64 * 1024
TAG = 16
COLUMNS = 64


class Outcome(Exception):
    def __init__(self, outcome: str, why: str) -> None:
        super().__init__(f"{outcome}: {why}")
        self.outcome = outcome


# --- bech32 (BIP 173), for AGE-SECRET-KEY-1... and age1... -----------------

BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: List[int]) -> int:
    gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1ffffff) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> List[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _to_5bit(data: bytes) -> List[int]:
    acc, bits, out = 0, 0, []
    for b in data:
        acc, bits = (acc << 8) | b, bits + 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def _from_5bit(data: List[int]) -> bytes:
    acc, bits, out = 0, 0, bytearray()
    for v in data:
        acc, bits = (acc << 5) | v, bits + 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xff)
    if bits >= 5 or (acc & ((1 << bits) - 1)):
        raise ValueError("bech32: bad padding")
    return bytes(out)


def bech32_encode(hrp: str, data: bytes) -> str:
    values = _to_5bit(data)
    polymod = _polymod(_hrp_expand(hrp) + values + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[v] for v in values + checksum)


def bech32_decode(text: str) -> Tuple[str, bytes]:
    if text.lower() != text and text.upper() != text:
        raise ValueError("bech32: mixed case")
    text = text.lower()
    hrp, _, rest = text.rpartition("1")
    values = [BECH32.index(c) for c in rest]
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise ValueError("bech32: bad checksum")
    return hrp, _from_5bit(values[:-6])


def identity_string(secret: bytes) -> str:
    return bech32_encode("age-secret-key-", secret).upper()


def recipient_string(secret: bytes) -> str:
    return bech32_encode("age", nacl.bindings.crypto_scalarmult_base(secret))


def parse_identity(text: str) -> bytes:
    hrp, secret = bech32_decode(text)
    if hrp != "age-secret-key-" or len(secret) != 32:
        raise ValueError("not an X25519 identity")
    return secret


# --- primitives -------------------------------------------------------------

def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 with SHA-256 (age.md: "HKDF-SHA-256")."""
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out, counter = out + block, counter + 1
    return out[:length]


def seal(key: bytes, nonce: bytes, data: bytes) -> bytes:
    return nacl.bindings.crypto_aead_chacha20poly1305_ietf_encrypt(data, b"", nonce, key)


def open_(key: bytes, nonce: bytes, data: bytes) -> Optional[bytes]:
    if len(data) < TAG:
        return None
    try:
        return nacl.bindings.crypto_aead_chacha20poly1305_ietf_decrypt(data, b"", nonce, key)
    except nacl.exceptions.CryptoError:
        return None


def b64(data: bytes) -> str:
    """"base64 ... without padding" (age.md, Conventions)."""
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    """Canonical unpadded base64 only."""
    if "=" in text or "\r" in text or "\n" in text:
        raise ValueError("padding or line breaks")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error as e:
        raise ValueError(str(e)) from None
    if b64(data) != text:
        raise ValueError("not canonical")
    return data


def stream_nonce(counter: int, last: bool) -> bytes:
    """age.md, Payload: an 11-byte big-endian counter, then 0x01 for the last chunk."""
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


# --- writing ----------------------------------------------------------------

def header_for(file_key: bytes, recipient: bytes, ephemeral: bytes) -> bytes:
    """The header with one X25519 stanza and its MAC line."""
    share = nacl.bindings.crypto_scalarmult_base(ephemeral)
    shared = nacl.bindings.crypto_scalarmult(ephemeral, recipient)
    wrap_key = hkdf(shared, share + recipient, X25519_INFO)
    body = b64(seal(wrap_key, bytes(12), file_key))
    lines = [body[i:i + COLUMNS] for i in range(0, len(body), COLUMNS)]
    if len(body) % COLUMNS == 0:
        lines.append("")
    stanza = f"-> X25519 {b64(share)}\n" + "\n".join(lines) + "\n"
    before_mac = VERSION_LINE + b"\n" + stanza.encode() + b"---"
    mac = hmac.new(hkdf(file_key, b"", b"header"), before_mac, hashlib.sha256).digest()
    return before_mac + b" " + b64(mac).encode() + b"\n"


def sealed_chunks(payload: bytes, payload_key: bytes) -> List[bytes]:
    """Every chunk sealed; an empty payload is one empty final chunk."""
    pieces = [payload[i:i + CHUNK] for i in range(0, len(payload), CHUNK)] or [b""]
    return [seal(payload_key, stream_nonce(i, i == len(pieces) - 1), piece)
            for i, piece in enumerate(pieces)]


def encrypt(payload: bytes, recipient: bytes, file_key: bytes, ephemeral: bytes,
            nonce: bytes) -> bytes:
    payload_key = hkdf(file_key, nonce, b"payload")
    return header_for(file_key, recipient, ephemeral) + nonce + b"".join(
        sealed_chunks(payload, payload_key))


# --- reading ----------------------------------------------------------------

def _read_header(data: bytes) -> Tuple[List[Tuple[List[str], bytes]], bytes, bytes, int]:
    """(stanzas, the bytes the MAC covers, the MAC, where the payload starts)."""
    pos = 0

    def line() -> bytes:
        nonlocal pos
        end = data.find(b"\n", pos)
        if end < 0:
            raise Outcome("header failure", "the header ends without a MAC line")
        out, pos = data[pos:end], end + 1
        return out

    if line() != VERSION_LINE:
        raise Outcome("header failure", "not age-encryption.org/v1")
    stanzas = []
    while True:
        start = pos
        text = line()
        if text.startswith(b"--- "):
            try:
                mac = unb64(text[4:].decode("ascii"))
            except (ValueError, UnicodeDecodeError):
                raise Outcome("header failure", "the MAC is not canonical base64") from None
            if len(mac) != 32:
                raise Outcome("header failure", "the MAC is not 32 bytes")
            return stanzas, data[:start + 3], mac, pos
        if not text.startswith(b"-> "):
            raise Outcome("header failure", "a line that is neither a stanza nor the MAC")
        args = text[3:].decode("ascii", "replace").split(" ")
        # "one or more arguments ... arbitrary strings of VCHAR" (age.md, Header)
        if any(not a or any(not 33 <= ord(c) <= 126 for c in a) for a in args):
            raise Outcome("header failure", "an empty argument or one that is not VCHAR")
        body = b""
        while True:
            body_line = line().decode("ascii", "replace")
            if len(body_line) > COLUMNS:
                raise Outcome("header failure", "a body line over 64 columns")
            try:
                body += unb64(body_line)
            except ValueError:
                raise Outcome("header failure", "a body that is not canonical base64") from None
            if len(body_line) < COLUMNS:
                break
        stanzas.append((args, body))


def _file_key(stanzas, identity: bytes) -> bytes:
    recipient = nacl.bindings.crypto_scalarmult_base(identity)
    for args, body in stanzas:
        if args[0] != "X25519":
            continue
        try:
            share = unb64(args[1]) if len(args) == 2 else b""
        except ValueError:
            share = b""
        if len(share) != 32 or len(body) != 32:
            raise Outcome("header failure", "a malformed X25519 stanza")
        try:
            shared = nacl.bindings.crypto_scalarmult(identity, share)
        except nacl.exceptions.RuntimeError:
            raise Outcome("header failure", "a low-order X25519 share") from None
        if shared == bytes(32):
            raise Outcome("header failure", "a low-order X25519 share")
        file_key = open_(hkdf(shared, share + recipient, X25519_INFO), bytes(12), body)
        if file_key is not None:
            return file_key
    raise Outcome("no match", "no X25519 stanza opens with the identity")


def decrypt(data: bytes, identity: bytes) -> Tuple[str, bytes]:
    """(outcome, every plaintext byte released before the end or the error)."""
    released = b""
    try:
        stanzas, covered, mac, pos = _read_header(data)
        file_key = _file_key(stanzas, identity)
        expected = hmac.new(hkdf(file_key, b"", b"header"), covered, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            raise Outcome("HMAC failure", "the header MAC does not match")
        nonce, pos = data[pos:pos + 16], pos + 16
        if len(nonce) != 16:
            # CCTV counts a missing or short nonce with the header.
            raise Outcome("header failure", "the payload nonce is cut short")
        payload_key = hkdf(file_key, nonce, b"payload")
        counter = 0
        while True:
            chunk = data[pos:pos + CHUNK + TAG]
            pos += len(chunk)
            at_end = pos >= len(data)
            # A full chunk may be the last one whatever follows it: try the
            # flag the position suggests first, then the other (as age does),
            # and judge what follows afterwards.
            flags = [at_end] + ([not at_end] if len(chunk) == CHUNK + TAG else [])
            plain, last = None, at_end
            for last in flags:
                plain = open_(payload_key, stream_nonce(counter, last), chunk)
                if plain is not None:
                    break
            if plain is None:
                raise Outcome("payload failure", f"chunk {counter} does not authenticate")
            if last and not plain and counter > 0:
                raise Outcome("payload failure", "an empty last chunk after others")
            released += plain
            if last and at_end:
                return "success", released
            if last:
                raise Outcome("payload failure", "data after the last chunk")
            if at_end:
                raise Outcome("payload failure", "no last chunk: the file is cut short")
            counter += 1
    except Outcome as e:
        return e.outcome, released
