#!/usr/bin/python3
"""A read-only or full disk: writes exit 8 and leave the vault as it was.

We run as root, for whom file modes stop nothing, so the vault is put on a
small tmpfs of its own that is remounted read-only or filled up. Tests skip
with the reason when mounting is not allowed."""

import errno
import os
import shutil

from folio_test import CHEAP_KDF, OTHER_PASSPHRASE, FolioTestCase, main

IO_WORDS = ("read-only", "read only", "space", "full", "write", "i/o", "input/output",
            "permission", "disk")


class ReadOnlyTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.mount = self.mount_tmpfs("4m")
        self.vault = self.mount / "vault"
        self.init_vault()
        self.entry = self.add("written before the disk became read-only", "-t", "old")
        self.remount_read_only(self.mount)

    def test_add_on_a_read_only_vault_exits_8_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("add", input="cannot be written\n")
        self.assertFails(r, 8, mentions=IO_WORDS)
        self.assertUnchanged(before)

    def test_edit_and_rm_on_a_read_only_vault_exit_8(self):
        before = self.snapshot()
        for args in (["edit", self.entry, "--title", "new"], ["rm", "--yes", self.entry]):
            with self.subTest(args=args):
                self.assertFails(self.folio(*args), 8, mentions=IO_WORDS)
                self.assertUnchanged(before)

    def test_passwd_on_a_read_only_vault_exits_8(self):
        new = self.write_secret_file("new", OTHER_PASSPHRASE + "\n")
        before = self.snapshot()
        r = self.folio("passwd", "--new-passphrase-file", new, *CHEAP_KDF)
        self.assertFails(r, 8, mentions=IO_WORDS)
        self.assertUnchanged(before)

    def test_a_read_only_vault_can_still_be_read(self):
        # Assumption: reading needs no write (a vault on read-only media opens).
        before = self.snapshot()
        self.assertEqual(self.ids(), [self.entry])
        self.assertOk(self.folio("show", self.entry))
        self.assertOk(self.folio("tags"))
        self.assertUnchanged(before)

    def test_init_on_a_read_only_disk_exits_8(self):
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", vault=self.mount / "new-vault")
        self.assertFails(r, 8, mentions=IO_WORDS, strict=False)
        self.assertFalse((self.mount / "new-vault").exists())


class FullDiskTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.mount = self.mount_tmpfs("1m")
        self.vault = self.mount / "vault"
        self.init_vault()
        self.entry = self.add("written before the disk filled up", "-t", "old")
        self.filler = self.mount / "filler"
        self.fill()

    def fill(self):
        """Writes to a filler file until the file system says it is full."""
        chunk = b"\0" * 4096
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
        finally:
            os.close(fd)
        self.assertEqual(shutil.disk_usage(self.mount).free, 0)

    def unfill(self):
        self.filler.unlink()

    def test_add_on_a_full_disk_exits_8_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("add", input="x" * 200_000 + "\n")
        self.assertFails(r, 8, mentions=IO_WORDS)
        self.assertUnchanged(before)
        self.unfill()
        self.assertEqual(self.ids(), [self.entry], "the vault still opens, with the old entry")

    def test_a_small_add_on_a_full_disk_exits_8_and_changes_nothing(self):
        before = self.snapshot()
        r = self.folio("add", "--text", "small")
        self.assertFails(r, 8, mentions=IO_WORDS)
        self.assertUnchanged(before)
        self.unfill()
        self.assertEqual(self.ids(), [self.entry])

    def test_passwd_on_a_full_disk_exits_8_and_keeps_the_old_header(self):
        new = self.write_secret_file("new", OTHER_PASSPHRASE + "\n")
        before = self.snapshot()
        r = self.folio("passwd", "--new-passphrase-file", new, *CHEAP_KDF)
        self.assertFails(r, 8, mentions=IO_WORDS)
        self.assertUnchanged(before)
        self.unfill()
        self.assertEqual(self.ids(), [self.entry], "the old passphrase still works")

    def test_reading_a_vault_on_a_full_disk_works(self):
        before = self.snapshot()
        self.assertEqual(self.ids(), [self.entry])
        self.assertUnchanged(before)

    def test_init_on_a_full_disk_exits_8_and_leaves_no_half_vault(self):
        target = self.mount / "new-vault"
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", vault=target)
        self.assertFails(r, 8, mentions=IO_WORDS, strict=False)
        self.assertFalse((target / "header").exists(), "no header without its database")
        self.assertFalse((target / "data").exists())


if __name__ == "__main__":
    main()
