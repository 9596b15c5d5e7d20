#!/usr/bin/python3
"""Nothing is left behind by an export or extract that fails or is killed
(docs/CLI.md, "Temporary files"): a failed Markdown export removes the
folder it made; a killed run's temporary file (TARGET.folio-PID-XXXXXX) is
removed, and named, by the next run writing the same file, while one of a
process still running is left alone."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from folio_test import FolioTestCase, main

DEAD = 2 ** 22 + 3  # above Linux's pid_max: no process has it


class LeftoverTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add("An entry.\n")
        r = self.folio("keygen", "-o", self.tmp / "key.txt")
        self.assertOk(r)
        self.recipient = re.search(r"Public key: (age1[0-9a-z]+)", r.err).group(1)

    def attach(self, size: int) -> bytes:
        data = os.urandom(size)
        (self.tmp / "scan.bin").write_bytes(data)
        self.new_id("checklist", "new", "Big")
        self.new_id("item", "add", "Big", "Scan")
        self.new_id("attach", "Big:1", self.tmp / "scan.bin")
        return data

    def stale(self, path: Path, pid: int = DEAD) -> Path:
        temp = path.parent / f"{path.name}.folio-{pid}-AbCdEf"
        temp.write_bytes(b"half an export")
        os.chmod(temp, 0o600)
        return temp


class ExportLeftoverTest(LeftoverTestCase):

    def test_a_killed_export_s_temporary_file_is_removed_by_the_next_export_to_that_file(self):
        self.attach(24 * 1024 * 1024)
        out = self.tmp / "b.age"
        proc = subprocess.Popen([str(a) for a in self.argv(["export", "-r", self.recipient, out])],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env(), cwd=self.tmp, start_new_session=True)
        deadline = time.monotonic() + 30
        temps = []
        while time.monotonic() < deadline and proc.poll() is None:
            temps = list(self.tmp.glob("b.age.folio-*"))
            if temps and temps[0].stat().st_size > 1024 * 1024:
                break
            time.sleep(0.01)
        if proc.poll() is not None:
            proc.communicate()
            self.skipTest("the export finished before it could be killed")
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        (temp,) = temps
        self.assertRegex(temp.name, rf"^b\.age\.folio-{proc.pid}-\w{{6}}$", "the temp names its process")
        self.assertTrue(temp.exists(), "SIGKILL cannot be caught: the temp is still there")
        self.assertFalse(out.exists())
        other = self.stale(self.tmp / "other.age")
        r = self.folio("export", "-r", self.recipient, out)
        self.assertOk(r)
        self.assertIn(f"removed {temp}", r.err)
        self.assertEqual(sorted(p.name for p in self.tmp.glob("b.age*")), ["b.age"])
        self.assertTrue(other.exists(), "another file's temp is not touched")

    def test_a_temp_of_a_running_process_is_left_alone(self):
        out = self.tmp / "b.age"
        mine = self.stale(out, pid=os.getpid())
        self.assertOk(self.folio("export", "-r", self.recipient, out))
        self.assertTrue(mine.exists())

    def test_a_failed_markdown_export_leaves_no_folder(self):
        mount = self.mount_tmpfs("1m")
        self.attach(2 * 1024 * 1024)
        folder = mount / "md"
        r = self.folio("export", "--plaintext", "--format", "markdown", "-o", folder)
        self.assertFails(r, 8, strict=False)
        self.assertFalse(folder.exists(), "the folder this export made is removed")
        self.assertEqual(os.listdir(mount), [])

    def test_a_failed_markdown_export_into_an_empty_folder_of_the_user_keeps_that_folder(self):
        mount = self.mount_tmpfs("1m")
        self.attach(2 * 1024 * 1024)
        folder = mount / "md"
        folder.mkdir()
        r = self.folio("export", "--plaintext", "--format", "markdown", "-o", folder)
        self.assertFails(r, 8, strict=False)
        self.assertTrue(folder.is_dir())
        self.assertEqual(os.listdir(folder), [])

    def test_a_forced_markdown_export_removes_a_killed_one_s_temporary_files(self):
        self.attach(1000)
        folder = self.tmp / "md"
        self.assertOk(self.folio("export", "--plaintext", "--format", "markdown", "-o", folder))
        (attachment,) = (folder / "attachments").iterdir()
        stale_doc = self.stale(folder / "folio.md")
        stale_file = self.stale(attachment)
        r = self.folio("export", "--plaintext", "--format", "markdown", "-o", folder, "--force")
        self.assertOk(r)
        self.assertFalse(stale_doc.exists())
        self.assertFalse(stale_file.exists())
        self.assertIn(f"removed {stale_file}", r.err)
        self.assertEqual(sorted(p.name for p in folder.rglob("*")),
                         sorted(["folio.md", "attachments", attachment.name]))


class ExtractLeftoverTest(LeftoverTestCase):

    def test_a_killed_extract_s_temporary_file_is_removed_by_the_next_extract_to_that_file(self):
        data = self.attach(3000)
        (a,) = self.json_of("attachments", "Big:1", "--json")
        out = self.tmp / "out.bin"
        temp = self.stale(out)
        r = self.folio("extract", a["id"], "-o", out)
        self.assertOk(r)
        self.assertIn(f"removed {temp}", r.err)
        self.assertFalse(temp.exists())
        self.assertEqual(out.read_bytes(), data)
        self.assertEqual(sorted(p.name for p in self.tmp.glob("out.bin*")), ["out.bin"])

    def test_a_failed_extract_leaves_no_temporary_file(self):
        mount = self.mount_tmpfs("1m")
        self.attach(2 * 1024 * 1024)
        (a,) = self.json_of("attachments", "Big:1", "--json")
        r = self.folio("extract", a["id"], "-o", mount / "out.bin")
        self.assertFails(r, 8, strict=False)
        self.assertEqual(os.listdir(mount), [])


if __name__ == "__main__":
    main()
