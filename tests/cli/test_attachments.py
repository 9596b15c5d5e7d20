#!/usr/bin/python3
"""Attached documents: attach (and --remove-original), attachments, extract
(-o PATH, -o -, into a folder, --force); bad input, unreadable and changing
files, and a disk that fills up during attach."""

import contextlib
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path
from typing import Optional

from folio_test import PASSPHRASE, FolioTestCase, Result, main, need_sqlcipher, run_sql

MiB = 1024 * 1024
ZH = "德国留学"
IO_WORDS = ("space", "full", "write", "i/o", "input/output", "disk")


def blake2b(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def file_position(pid: int, path: Path) -> Optional[int]:
    """The read position of `pid`'s descriptor open on `path`, if it has one."""
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                    for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
                        if line.startswith("pos:"):
                            return int(line.split()[1])
    return None


class AttachmentTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.place_vault()
        self.init_vault()
        self.new_id("checklist", "new", "Visa")
        self.new_id("checklist", "new", ZH)
        self.passport = self.new_id("item", "add", "Visa", "Passport")
        self.huzhao = self.new_id("item", "add", ZH, "护照")
        self.files = self.tmp / "files"
        self.files.mkdir()

    def place_vault(self):
        """Where the vault goes; by default the test's own folder."""

    def make_file(self, name: str, data: bytes) -> Path:
        path = self.files / name
        path.write_bytes(data)
        return path

    def attach(self, item: str, path: Path, *options) -> str:
        return self.new_id("attach", item, path, *options)

    def attachments(self, item: str) -> list:
        return self.json_of("attachments", item, "--json")


class AttachTest(AttachmentTestCase):

    def test_attachments_lists_name_size_media_type_and_blake2b(self):
        data = os.urandom(2 * MiB + 12345)  # three chunks, the last one short
        attachment = self.attach("Visa:1", self.make_file("scan.pdf", data))
        [a] = self.attachments("Visa:1")
        self.assertEqual((a["id"], a["name"], a["size"], a["media_type"], a["blake2b"]),
                         (attachment, "scan.pdf", len(data), "application/pdf", blake2b(data)))
        r = self.folio("attachments", "Visa:1")
        self.assertOk(r)
        for text in (attachment, "scan.pdf", "application/pdf"):
            self.assertIn(text, r.out)

    def test_a_file_with_a_chinese_name_keeps_its_name(self):
        data = b"\xff\xd8\xff\xe0 not really a jpeg " * 1000
        attachment = self.attach(f"{ZH}:1", self.make_file("护照扫描件.jpg", data))
        [a] = self.attachments(self.huzhao)
        self.assertEqual((a["id"], a["name"], a["media_type"], a["size"], a["blake2b"]),
                         (attachment, "护照扫描件.jpg", "image/jpeg", len(data), blake2b(data)))
        self.assertIn("护照扫描件.jpg", self.folio("attachments", f"{ZH}:1").out)

    def test_the_media_type_comes_from_the_extension(self):
        for name, media_type in (("a.pdf", "application/pdf"), ("b.PDF", "application/pdf"),
                                 ("c.jpeg", "image/jpeg"), ("d.png", "image/png"),
                                 ("e.txt", "text/plain"), ("f.xyz", "application/octet-stream"),
                                 ("no-extension", "application/octet-stream")):
            with self.subTest(name=name):
                attachment = self.attach("Visa:1", self.make_file(name, b"content"))
                [a] = [a for a in self.attachments("Visa:1") if a["id"] == attachment]
                self.assertEqual(a["media_type"], media_type)

    def test_attach_says_that_the_original_is_still_on_disk(self):
        path = self.make_file("scan.pdf", b"%PDF-1.4\n")
        r = self.folio("attach", "Visa:1", path)
        self.assertOk(r)
        self.assertIn("still on disk", r.err)
        self.assertIn("--remove-original", r.err)
        self.assertEqual(path.read_bytes(), b"%PDF-1.4\n", "the original is left alone")

    def test_remove_original_deletes_the_file_and_prints_the_caveat(self):
        data = os.urandom(MiB + 1)
        path = self.make_file("银行流水.pdf", data)
        r = self.folio("attach", f"{ZH}:1", path, "--remove-original")
        self.assertOk(r)
        self.assertFalse(path.exists(), "the original is gone")
        for word in ("SSD", "copy-on-write", "snapshots", "backups"):
            self.assertIn(word, r.err, "the caveat names where old copies survive")
        out = self.tmp / "back.pdf"
        self.assertOk(self.folio("extract", r.out.strip(), "-o", out))
        self.assertEqual(out.read_bytes(), data)

    def test_remove_original_keeps_the_file_when_the_attach_fails(self):
        path = self.make_file("scan.pdf", b"keep me")
        before = self.snapshot()
        r = self.folio("attach", "Visa:9", path, "--remove-original")
        self.assertFails(r, 3)
        self.assertEqual(path.read_bytes(), b"keep me")
        self.assertUnchanged(before)

    def test_an_empty_file_can_be_attached_and_extracted(self):
        attachment = self.attach("Visa:1", self.make_file("empty.txt", b""))
        [a] = self.attachments("Visa:1")
        self.assertEqual((a["size"], a["blake2b"]), (0, blake2b(b"")))
        r = self.folio("extract", attachment, "-o", "-")
        self.assertOk(r)
        self.assertEqual(r.out_bytes, b"")

    def test_item_show_lists_the_attachments(self):
        attachment = self.attach(self.huzhao, self.make_file("护照.pdf", b"x" * 2048))
        r = self.folio("item", "show", f"{ZH}:1")
        self.assertOk(r)
        self.assertIn(attachment, r.out)
        self.assertIn("护照.pdf", r.out)
        i = self.item_json(self.huzhao)
        self.assertEqual(i["attachments"], 1)
        self.assertEqual([(a["id"], a["name"], a["size"]) for a in i["attachment_list"]],
                         [(attachment, "护照.pdf", 2048)])
        [shown] = self.checklist_json(ZH)["item_list"]
        self.assertEqual(shown["attachments"], 1)

    def test_checklist_show_says_which_items_have_attachments(self):
        self.new_id("item", "add", ZH, "照片")
        for n in range(2):
            self.attach(f"{ZH}:1", self.make_file(f"扫描{n}.pdf", b"x"))
        r = self.folio("checklist", "show", ZH)
        self.assertOk(r)
        lines = r.out.splitlines()
        with_files = next(line for line in lines if "护照" in line)
        without = next(line for line in lines if "照片" in line)
        self.assertRegex(with_files, r"\b2\b.*file|file.*\b2\b", "the count of attachments")
        self.assertNotIn("file", without)

    def test_attachments_are_listed_in_the_order_they_were_attached(self):
        ids = [self.attach(self.passport[:4], self.make_file(f"page{n}.png", bytes([n]) * 10))
               for n in range(3)]
        self.assertEqual([a["id"] for a in self.attachments("Visa:1")], ids)

    def test_attachments_of_an_item_without_any_is_empty(self):
        self.assertEqual(self.attachments("Visa:1"), [])
        self.assertOk(self.folio("attachments", "Visa:1"))

    def test_removing_the_item_removes_its_attachments(self):
        attachment = self.attach("Visa:1", self.make_file("scan.pdf", b"data"))
        self.assertOk(self.folio("item", "rm", "Visa:1", "--yes"))
        self.assertFails(self.folio("extract", attachment, "-o", "-"), 3)


class ExtractTest(AttachmentTestCase):

    def setUp(self):
        super().setUp()
        self.data = os.urandom(3 * MiB + 7)
        self.attachment = self.attach(self.huzhao, self.make_file("护照扫描件.pdf", self.data))

    def test_extract_to_a_path_writes_identical_bytes_in_a_0600_file(self):
        out = self.tmp / "out.pdf"
        r = self.folio("extract", self.attachment, "-o", out, umask=0)
        self.assertOk(r)
        self.assertEqual(out.read_bytes(), self.data)
        self.assertEqual(stat.S_IMODE(out.stat().st_mode), 0o600)

    def test_extract_to_stdout_writes_the_bytes_and_nothing_else(self):
        r = self.folio("extract", self.attachment[:5], "-o", "-")
        self.assertOk(r)
        self.assertTrue(r.out_bytes == self.data, "stdout holds exactly the file")

    def test_extract_without_o_uses_the_original_name_in_the_current_folder(self):
        self.assertOk(self.folio("extract", self.attachment))
        out = self.tmp / "护照扫描件.pdf"  # folio runs in self.tmp
        self.assertEqual(out.read_bytes(), self.data)
        self.assertEqual(stat.S_IMODE(out.stat().st_mode), 0o600)

    def test_extract_into_a_folder_uses_the_original_name(self):
        folder = self.tmp / "下载"
        folder.mkdir()
        self.assertOk(self.folio("extract", self.attachment, "-o", folder))
        self.assertEqual((folder / "护照扫描件.pdf").read_bytes(), self.data)
        self.assertEqual(os.listdir(folder), ["护照扫描件.pdf"])

    def test_extract_to_an_existing_file_exits_7_and_leaves_it_untouched(self):
        out = self.tmp / "existing.pdf"
        out.write_bytes(b"precious")
        os.chmod(out, 0o644)
        mtime = out.stat().st_mtime_ns
        before = self.snapshot()
        r = self.folio("extract", self.attachment, "-o", out)
        self.assertFails(r, 7, mentions=("exists", "--force"))
        self.assertEqual(out.read_bytes(), b"precious")
        self.assertEqual((stat.S_IMODE(out.stat().st_mode), out.stat().st_mtime_ns),
                         (0o644, mtime))
        self.assertUnchanged(before)

    def test_extract_into_a_folder_holding_that_name_exits_7(self):
        folder = self.tmp / "folder"
        folder.mkdir()
        (folder / "护照扫描件.pdf").write_bytes(b"precious")
        self.assertFails(self.folio("extract", self.attachment, "-o", folder), 7)
        self.assertEqual((folder / "护照扫描件.pdf").read_bytes(), b"precious")

    def test_force_overwrites_an_existing_file(self):
        out = self.tmp / "existing.pdf"
        out.write_bytes(b"old content that is to be replaced")
        os.chmod(out, 0o644)
        self.assertOk(self.folio("extract", self.attachment, "-o", out, "--force"))
        self.assertEqual(out.read_bytes(), self.data)
        self.assertEqual(stat.S_IMODE(out.stat().st_mode), 0o600)

    def test_extract_of_an_unknown_attachment_exits_3_and_writes_nothing(self):
        before = self.snapshot()
        for ref in ("zzzzzzzz", "nosuch", self.huzhao):
            with self.subTest(ref=ref):
                out = self.tmp / "never.pdf"
                self.assertFails(self.folio("extract", ref, "-o", out), 3)
                self.assertFalse(out.exists())
                self.assertUnchanged(before)

    def test_a_damaged_attachment_exits_5_and_leaves_no_output_file(self):
        need_sqlcipher(self)
        run_sql(self.vault, PASSPHRASE,
                f"UPDATE attachments SET blake2b = '{'0' * 64}' WHERE uid = '{self.attachment}';")
        out = self.tmp / "damaged.pdf"
        self.assertFails(self.folio("extract", self.attachment, "-o", out), 5,
                         mentions=("checksum", "damaged", "match"))
        self.assertFalse(out.exists(), "no half-trusted file is left behind")


class BadInputTest(AttachmentTestCase):

    def setUp(self):
        super().setUp()
        self.scan = self.make_file("scan.pdf", b"%PDF-1.4 a scan\n" * 64)

    def test_attach_to_an_unknown_item_exits_3_and_stores_nothing(self):
        before = self.snapshot()
        for ref in ("nosuch", "Visa:2", f"{ZH}:0", "留学:1", "zzzzzzzz"):
            with self.subTest(ref=ref):
                self.assertFails(self.folio("attach", ref, self.scan), 3)
                self.assertUnchanged(before)

    def test_attachments_of_an_unknown_item_exits_3(self):
        for ref in ("nosuch", "Visa:2", f"{ZH}:5"):
            with self.subTest(ref=ref):
                self.assertFails(self.folio("attachments", ref), 3)
                self.assertFails(self.folio("attachments", ref, "--json"), 3)

    def test_a_missing_file_exits_3_and_stores_nothing(self):
        before = self.snapshot()
        for path in (self.files / "missing.pdf", self.files / "缺少.pdf"):
            with self.subTest(path=path):
                self.assertFails(self.folio("attach", "Visa:1", path), 3,
                                 mentions=(path.name, "no file", "not found"))
                self.assertUnchanged(before)

    def test_a_folder_exits_2_and_stores_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("attach", "Visa:1", self.files), 2, mentions=("folder",))
        self.assertUnchanged(before)
        self.assertEqual(self.attachments("Visa:1"), [])

    def test_a_fifo_is_refused_as_not_a_regular_file(self):
        # Opening a FIFO for reading blocks until a writer comes: folio must
        # look at what the path is before it waits on it.
        fifo = self.files / "pipe.pdf"
        os.mkfifo(fifo)
        before = self.snapshot()
        r = self.folio("attach", "Visa:1", fifo, timeout=5)
        self.assertFails(r, 2, mentions=("regular file", "not a file"))
        self.assertUnchanged(before)

    def test_an_unreadable_file_exits_8_and_stores_nothing(self):
        # Root reads any file, so folio runs without CAP_DAC_OVERRIDE and
        # CAP_DAC_READ_SEARCH: then a mode-000 file is unreadable even to root.
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            self.skipTest("setpriv is not installed: root cannot be kept from reading a file")
        drop = [setpriv, "--inh-caps=-dac_override,-dac_read_search",
                "--bounding-set=-dac_override,-dac_read_search"]
        os.chmod(self.scan, 0)
        probe = subprocess.run(drop + ["cat", str(self.scan)], capture_output=True)
        if probe.returncode == 0:
            self.skipTest("dropping the capabilities did not stop reads here")
        before = self.snapshot()
        argv = drop + [str(a) for a in self.argv(["attach", "Visa:1", self.scan])]
        proc = subprocess.run(argv, capture_output=True, env=self.env(), cwd=self.tmp,
                              stdin=subprocess.DEVNULL, start_new_session=True, timeout=30)
        r = Result(argv, proc.returncode, proc.stdout, proc.stderr)
        self.assertFails(r, 8, mentions=("permission", "cannot read"))
        self.assertUnchanged(before)

    def test_a_file_that_shrinks_while_it_is_read_exits_8_and_stores_nothing(self):
        big = self.make_file("growing-scan.pdf", os.urandom(8 * MiB))
        before = self.snapshot()
        checklist_before = self.checklist_json("Visa")
        argv = [str(a) for a in self.argv(["attach", "Visa:1", big])]
        proc = subprocess.Popen(argv, env=self.env(), cwd=self.tmp, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        truncated = False
        try:
            deadline = time.monotonic() + 20
            while proc.poll() is None and time.monotonic() < deadline:
                if (file_position(proc.pid, big) or 0) > 0:  # it has looked at the size
                    os.kill(proc.pid, signal.SIGSTOP)
                    try:
                        position = file_position(proc.pid, big)
                        if position is not None and position < 8 * MiB:
                            os.truncate(big, 1000)
                            truncated = True
                    finally:
                        os.kill(proc.pid, signal.SIGCONT)
                    break
                time.sleep(0.0005)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if not truncated:
            self.skipTest("folio read the whole file before it could be truncated")
        r = Result(argv, proc.returncode, out, err)
        self.assertFails(r, 8, mentions=("changed", "shrank", "truncated"))
        # 8 MiB may spill pages into `data` before the rollback restores them
        # (re-encrypted): the same content, not always the same bytes.
        self.assertUnchanged(before, mtimes=False, same_size_only=("data",))
        self.assertEqual(self.attachments("Visa:1"), [])
        self.assertEqual(self.checklist_json("Visa"), checklist_before)
        self.assertOk(self.folio("check"))


class FullDiskTest(AttachmentTestCase):

    def place_vault(self):
        self.mount = self.mount_tmpfs("1m")
        self.vault = self.mount / "vault"

    def test_a_disk_that_fills_during_attach_exits_8_and_leaves_the_vault_as_it_was(self):
        data = os.urandom(3 * MiB)  # bigger than the whole vault disk
        big = self.make_file("big-scan.pdf", data)  # on another disk
        before = self.snapshot()
        r = self.folio("attach", "Visa:1", big)
        self.assertFails(r, 8, mentions=IO_WORDS)
        # The failed commit had started writing `data`; folio rolls it back
        # before it exits. SQLCipher re-encrypts each restored page with a
        # fresh IV, so the bytes differ while the content is the old one:
        # the same files and sizes, no hot journal left, the header
        # untouched, every page authentic, and nothing attached.
        after = self.snapshot()
        self.assertEqual(sorted(after), sorted(before), "the same files, no journal left")
        for name in before:
            self.assertEqual(len(after[name][2]), len(before[name][2]), f"{name}: same size")
        self.assertEqual(after["header"][2], before["header"][2], "header untouched")
        self.assertEqual(self.folio("check").rc, 0, "every page authentic after the rollback")
        self.assertEqual(big.read_bytes(), data, "the original is untouched")
        self.assertEqual(self.attachments("Visa:1"), [])

    def test_after_a_full_disk_attach_a_smaller_file_can_be_attached(self):
        self.assertFails(self.folio("attach", "Visa:1", self.make_file("big.pdf",
                                                                        os.urandom(3 * MiB))), 8)
        small = os.urandom(100_000)
        attachment = self.attach("Visa:1", self.make_file("small.pdf", small))
        self.assertEqual([a["id"] for a in self.attachments("Visa:1")], [attachment])
        r = self.folio("extract", attachment, "-o", "-")
        self.assertOk(r)
        self.assertTrue(r.out_bytes == small)


if __name__ == "__main__":
    main()
