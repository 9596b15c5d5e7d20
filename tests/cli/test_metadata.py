#!/usr/bin/python3
"""Issue 18 point 2: attached photos keep their EXIF/XMP metadata.

`folio attach` of an image or a PDF says what metadata it carries (the GPS
position first); `--strip-metadata` removes an image's EXIF, XMP, IPTC and
comment in memory before it is stored; without it the bytes are stored
unchanged. The JPEG is built here, with the stdlib only: an 8x8 grey
baseline JPEG with an EXIF block (GPS 31.2304,121.4737, Make, Model,
Artist 张伟), an XMP packet and a comment.

Run: FOLIO_BIN=build/folio /usr/bin/python3 tests/cli/test_metadata.py -v
"""

import os
import shutil
import struct
import subprocess
import unittest
import zlib
from pathlib import Path
from typing import Dict, List, Tuple

from folio_test import FolioTestCase, main

ARTIST = "张伟"
MODEL = "Pixel 7"
MAKE = "Google"


def ifd(entries: List[Tuple[int, int, int, bytes]], offset: int, next_ifd: int = 0) -> bytes:
    """A little-endian TIFF IFD placed at `offset`: entries (tag, type,
    count, value bytes); values over 4 bytes go after the IFD."""
    head = struct.pack("<H", len(entries))
    data_at = offset + 2 + 12 * len(entries) + 4
    body, extra = b"", b""
    for tag, typ, count, value in sorted(entries):
        if len(value) <= 4:
            body += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\0")
        else:
            body += struct.pack("<HHII", tag, typ, count, data_at + len(extra))
            extra += value + (b"\0" if len(value) % 2 else b"")
    return head + body + struct.pack("<I", next_ifd) + extra


def ascii_tag(tag: int, text: str) -> Tuple[int, int, int, bytes]:
    raw = text.encode("utf-8") + b"\0"
    return (tag, 2, len(raw), raw)


def rationals(*pairs: Tuple[int, int]) -> bytes:
    return b"".join(struct.pack("<II", n, d) for n, d in pairs)


def exif_block() -> bytes:
    """Exif\\0\\0 + TIFF: IFD0 (Make, Model, Artist, GPS pointer) and the GPS IFD."""
    ifd0_entries = [ascii_tag(0x010F, MAKE), ascii_tag(0x0110, MODEL), ascii_tag(0x013B, ARTIST),
                    (0x8825, 4, 1, struct.pack("<I", 0))]
    size0 = len(ifd(ifd0_entries, 8))
    gps_at = 8 + size0
    ifd0_entries[-1] = (0x8825, 4, 1, struct.pack("<I", gps_at))
    gps = ifd([
        (0x0000, 1, 4, bytes([2, 3, 0, 0])),                       # GPSVersionID
        (0x0001, 2, 2, b"N\0"),                                    # 31°13'49.44" N
        (0x0002, 5, 3, rationals((31, 1), (13, 1), (4944, 100))),
        (0x0003, 2, 2, b"E\0"),                                    # 121°28'25.32" E
        (0x0004, 5, 3, rationals((121, 1), (28, 1), (2532, 100))),
    ], gps_at)
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd(ifd0_entries, 8) + gps
    return b"Exif\0\0" + tiff


XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
       '<dc:creator><rdf:Seq><rdf:li>' + ARTIST + '</rdf:li></rdf:Seq></dc:creator>'
       '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode("utf-8")


def segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def pixels() -> bytes:
    """DQT, SOF0, DHT and SOS of an 8x8 grey baseline JPEG whose one block is
    flat grey: DC difference 0 (code '0'), end of block (code '0')."""
    dqt = segment(0xDB, b"\x00" + bytes([1] * 64))
    sof = segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")
    one_code = bytes([1] + [0] * 15) + b"\x00"         # one code of length 1, symbol 0
    dht = segment(0xC4, b"\x00" + one_code + b"\x10" + one_code)
    sos = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return dqt + sof + dht + sos + b"\x3f" + b"\xff\xd9"   # bits 00 then 1-padding, EOI


def photo(with_metadata: bool = True) -> bytes:
    out = b"\xff\xd8" + segment(0xE0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if with_metadata:
        out += segment(0xE1, exif_block())
        out += segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)
        out += segment(0xFE, "拍摄于上海".encode("utf-8"))
    return out + pixels()


def jpeg_segments(data: bytes) -> List[Tuple[int, bytes]]:
    """The marker segments up to SOS, then (0xDA, the rest of the file).
    Fails (AssertionError) on anything that is not a well-formed JPEG."""
    assert data[:2] == b"\xff\xd8", "no SOI"
    i, out = 2, []
    while True:
        assert data[i] == 0xFF, f"no marker at {i}"
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker == 0xDA:
            out.append((marker, data[i:]))
            assert data.endswith(b"\xff\xd9"), "no EOI"
            return out
        out.append((marker, data[i + 4:i + 2 + length]))
        i += 2 + length


def exif_tags(data: bytes) -> Dict[int, bytes]:
    """Every tag (IFD0, the Exif and the GPS IFD) of the JPEG's EXIF block, if any."""
    tags: Dict[int, bytes] = {}
    for marker, payload in jpeg_segments(data):
        if marker != 0xE1 or not payload.startswith(b"Exif\0\0"):
            continue
        tiff = payload[6:]
        endian = "<" if tiff[:2] == b"II" else ">"

        def walk(at: int):
            (n,) = struct.unpack(endian + "H", tiff[at:at + 2])
            for k in range(n):
                tag, typ, count, value = struct.unpack(endian + "HHII", tiff[at + 2 + 12 * k:at + 14 + 12 * k])
                tags[tag] = tiff[at + 2 + 12 * k + 8:at + 14 + 12 * k]
                if tag in (0x8825, 0x8769):
                    walk(value)
        walk(struct.unpack(endian + "I", tiff[4:8])[0])
    return tags


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(with_metadata: bool = True) -> bytes:
    """A 4x4 grey PNG with, optionally, an eXIf chunk (the same EXIF as the
    JPEG), XMP in iTXt and a tEXt comment."""
    raw = b"".join(b"\0" + bytes(16 * row + col for col in range(4)) for row in range(4))
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
    if with_metadata:
        out += png_chunk(b"eXIf", exif_block()[6:])
        out += png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP)
        out += png_chunk(b"tEXt", b"Comment\0taken in Shanghai")
    return out + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")


def png_chunks(data: bytes) -> List[Tuple[bytes, bytes]]:
    """(type, data) of every chunk, CRCs checked: fails on a broken PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    i, out = 8, []
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        assert struct.unpack(">I", data[i + 8 + n:i + 12 + n])[0] == zlib.crc32(kind + body), "bad CRC"
        out.append((kind, body))
        i += 12 + n
    assert out[-1][0] == b"IEND", "no IEND"
    return out


class MetadataTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Photo")
        self.files = self.tmp / "files"
        self.files.mkdir()

    def write(self, name: str, data: bytes) -> Path:
        path = self.files / name
        path.write_bytes(data)
        return path

    def extract(self, attachment: str) -> bytes:
        out = self.tmp / f"out-{attachment}"
        self.assertOk(self.folio("extract", attachment, "-o", out))
        return out.read_bytes()

    def test_the_photo_built_here_carries_the_tags(self):
        tags = exif_tags(photo())
        self.assertIn(0x013B, tags)   # Artist
        self.assertIn(0x0002, tags)   # GPSLatitude
        self.assertEqual(exif_tags(photo(with_metadata=False)), {})

    def test_attach_warns_of_gps_camera_and_artist_and_stores_the_bytes_unchanged(self):
        data = photo()
        r = self.folio("attach", "Visa:1", self.write("photo.jpg", data))
        self.assertOk(r)
        warning = [line for line in r.err.splitlines() if line.startswith("folio: warning: photo.jpg carries")]
        self.assertEqual(len(warning), 1, r.describe())
        self.assertIn("GPS position 31.2304,121.4737", warning[0])
        self.assertIn(f"camera '{MAKE} {MODEL}'", warning[0])
        self.assertIn(f"artist '{ARTIST}'", warning[0])
        self.assertIn("EXIF, XMP, a comment", warning[0])
        self.assertLess(warning[0].index("GPS"), warning[0].index("camera"), "GPS comes first")
        self.assertIn("--strip-metadata", r.err)
        self.assertEqual(self.extract(r.out.strip()), data, "without the flag, the bytes are stored as they are")

    def test_strip_metadata_removes_gps_artist_xmp_and_comment_and_keeps_the_pixels(self):
        data = photo()
        r = self.folio("attach", "--strip-metadata", "Visa:1", self.write("photo.jpg", data))
        self.assertOk(r)
        self.assertIn("removed the metadata before storing it", r.err)
        self.assertNotIn("warning", r.err)
        stored = self.extract(r.out.strip())
        self.assertEqual(exif_tags(stored), {}, "no EXIF left")
        self.assertNotIn(ARTIST.encode("utf-8"), stored)
        self.assertNotIn(b"xmpmeta", stored)
        self.assertNotIn("上海".encode("utf-8"), stored)
        self.assertNotIn(b"Pixel", stored)
        before = [s for s in jpeg_segments(data) if s[0] in (0xDB, 0xC0, 0xC4, 0xDA)]
        after = [s for s in jpeg_segments(stored) if s[0] in (0xDB, 0xC0, 0xC4, 0xDA)]
        self.assertEqual(after, before, "tables, frame and scan data are the same bytes")
        [a] = self.json_of("attachments", "Visa:1", "--json")
        self.assertEqual(a["size"], len(stored))

    def test_png_metadata_is_reported_and_stripped(self):
        r = self.folio("attach", "Visa:1", self.write("photo.png", png()))
        self.assertOk(r)
        self.assertIn("photo.png carries GPS position 31.2304,121.4737", r.err)
        r = self.folio("attach", "--strip-metadata", "Visa:1", self.write("photo.png", png()))
        self.assertOk(r)
        stored = self.extract(r.out.strip())
        kinds = [k for k, _ in png_chunks(stored)]
        self.assertEqual(kinds, [b"IHDR", b"IDAT", b"IEND"], stored)
        self.assertEqual([c for c in png_chunks(stored) if c[0] in (b"IHDR", b"IDAT")],
                         [c for c in png_chunks(png()) if c[0] in (b"IHDR", b"IDAT")], "same pixels")

    def test_strip_metadata_drops_other_app_segments_and_a_preview_appended_after_the_end(self):
        """A phone's MPF segment and the preview JPEG after EOI (with its own
        EXIF) are left by libexiv2; folio removes them too."""
        main_image = photo(with_metadata=False)
        data = (main_image[:2] + segment(0xE2, b"MPF\0" + b"\0" * 8) + main_image[2:]
                + photo())   # the appended preview carries GPS and the artist
        r = self.folio("attach", "Visa:1", self.write("phone.jpg", data))
        self.assertOk(r)
        self.assertIn("other blocks", r.err)
        r = self.folio("attach", "--strip-metadata", "Visa:1", self.write("phone.jpg", data))
        self.assertOk(r)
        stored = self.extract(r.out.strip())
        self.assertEqual(stored, main_image)
        self.assertNotIn(ARTIST.encode("utf-8"), stored)

    def test_a_clean_photo_gets_no_warning(self):
        r = self.folio("attach", "Visa:1", self.write("clean.jpg", photo(with_metadata=False)))
        self.assertOk(r)
        self.assertNotIn("carries", r.err)
        self.assertNotIn("warning", r.err)

    def test_a_garbage_or_truncated_jpeg_does_not_crash(self):
        for name, data in (("garbage.jpg", os.urandom(3000)), ("truncated.jpg", photo()[:40]),
                           ("empty.jpg", b""), ("header.jpg", b"\xff\xd8\xff\xe1\xff\xff" + b"Exif\0\0II*\0")):
            with self.subTest(name=name):
                data_path = self.write(name, data)
                r = self.folio("attach", "Visa:1", data_path)
                self.assertOk(r)
                if data:
                    self.assertIn(f"the metadata of {name} could not be read", r.err)
                self.assertEqual(self.extract(r.out.strip()), data)
                r = self.folio("attach", "--strip-metadata", "Visa:1", data_path)
                self.assertFails(r, (2, 9), mentions=["--strip-metadata", "image"])
        self.assertEqual(len(self.json_of("attachments", "Visa:1", "--json")), 4)

    def test_a_terminal_escape_in_the_artist_is_not_printed(self):
        data = photo().replace(ARTIST.encode("utf-8"), b"\x1b]0;x\x07")   # same length: 6 bytes
        r = self.folio("attach", "Visa:1", self.write("escape.jpg", data))
        self.assertOk(r)
        self.assertNotIn("\x1b", r.err)
        self.assertNotIn("\x07", r.err)

    def test_pdf_metadata_is_reported_and_strip_is_refused_before_the_passphrase(self):
        pdf = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
               b"2 0 obj\n<< /Author (Zhang Wei) /Creator <FEFF5F204F1F> /Producer (Scanner\\051 9) >>\nendobj\n"
               b"trailer\n<< /Root 1 0 R /Info 2 0 R >>\n%%EOF\n")
        path = self.write("scan.pdf", pdf)
        r = self.folio("attach", "Visa:1", path)
        self.assertOk(r)
        self.assertIn("scan.pdf carries author 'Zhang Wei', creator '张伟', producer 'Scanner) 9'", r.err)
        self.assertIn("folio cannot remove PDF metadata", r.err)
        self.assertEqual(self.extract(r.out.strip()), pdf)
        wrong = self.write_secret_file("wrong", "not the passphrase\n")
        r = self.folio("attach", "--strip-metadata", "Visa:1", path, passphrase_file=wrong)
        self.assertFails(r, 9, mentions=["PDF"])
        self.assertIn("does not support PDF", r.err)

    def test_strip_metadata_of_a_text_file_is_refused(self):
        r = self.folio("attach", "--strip-metadata", "Visa:1", self.write("notes.txt", b"hello"))
        self.assertFails(r, 9, mentions=["only images"])

    @unittest.skipUnless(shutil.which("strace"), "needs strace")
    def test_no_file_is_opened_for_the_metadata(self):
        """libexiv2 works on memory: the only files attach opens are folio's
        own (the vault's) and the photo, read once."""
        path = self.write("photo.jpg", photo())
        trace = self.tmp / "trace"
        argv = ["strace", "-f", "-qq", "-e", "trace=openat,open,creat,mkdir,rename,unlink",
                "-o", str(trace)] + [str(a) for a in self.argv(["attach", "--strip-metadata", "Visa:1", path])]
        env = self.env()
        # LeakSanitizer cannot run under ptrace (an ASan build): leaks are
        # checked by the other tests, not this one.
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
        proc = subprocess.run(argv, capture_output=True, env=env, cwd=self.tmp,
                              stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        opened = []
        for line in trace.read_text().splitlines():
            if "ENOENT" in line or '"' not in line:
                continue
            name = line.split('"')[1]
            if name.startswith(("/lib", "/usr/lib", "/etc/", "/proc/", "/sys/", "/dev/", "/usr/share/locale", "/usr/share/zoneinfo")):
                continue
            opened.append(name)
        outside = [n for n in opened if not n.startswith((str(self.vault), str(self.pass_file), str(path)))]
        self.assertEqual(outside, [], "\n".join(opened))
        self.assertEqual(opened.count(str(path)), 1, "\n".join(opened))


if __name__ == "__main__":
    main()
