"""Mistakes reported before the passphrase is asked for (issue 18, point 8).

Unlocking costs a second or more of Argon2id, and a passphrase typed for
nothing. Whatever can be checked without the key (a state, the length and
alphabet of an id, the syntax of CHECKLIST:N and of a search, a tag, a
checklist name, the file to attach, the recipients of a backup) is checked
first. Each test runs folio with no terminal and no passphrase given: a
command that asked first would fail with "no terminal to ask for the
passphrase" instead of naming the mistake.
"""

import re

from folio_test import PASSPHRASE, FolioTestCase, main

BACKUP_PASSPHRASE = "velvet canyon 58 thimble orchard sparrow"

NO_PROMPT = "no terminal to ask for the passphrase"


class BeforeThePassphraseTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Bank statement")

    def unkeyed(self, *args, code: int, says: str):
        r = self.folio(*args, passphrase_file=None)
        self.assertFails(r, code)
        self.assertNotIn(NO_PROMPT, r.err, f"{args}: checked only after the passphrase")
        self.assertIn(says, r.err, args)

    def test_item_and_checklist_mistakes(self):
        self.unkeyed("item", "add", "Visa", "X", "--state", "bogus", code=2, says="unknown state 'bogus'")
        self.unkeyed("item", "set", "Visa:1", "--state", "bogus", code=2, says="unknown state 'bogus'")
        self.unkeyed("item", "show", "Visa:0", code=3, says="no item 'Visa:0'")
        self.unkeyed("item", "done", "Visa:x", code=3, says="no item 'Visa:x'")
        self.unkeyed("item", "add", "Visa", "", code=2, says="the item title is empty")
        self.unkeyed("checklist", "new", "two\nlines", code=2, says="single line")
        self.unkeyed("checklist", "show", "", code=3, says="no checklist ''")
        self.unkeyed("attach", "Visa:1", self.tmp / "no-such-scan.pdf", code=3, says="no file")
        self.unkeyed("attach", "Visa:1", self.tmp, code=2, says="is a folder")
        self.unkeyed("extract", "ab", "-o", self.tmp / "x", code=3, says="no attachment 'ab'")

    def test_entry_ids_tags_and_searches(self):
        self.unkeyed("show", "ab", code=2, says="'ab' is not an entry id")
        self.unkeyed("show", "a*bc", code=3, says="no entry with id 'a*bc'")
        self.unkeyed("edit", "abcdefghijk", code=2, says="is not an entry id")
        self.unkeyed("rm", "ab", code=2, says="'ab' is not a record id")
        self.unkeyed("list", "--tag", "two words", code=2, says="invalid tag")
        self.unkeyed("add", "-t", "a,b", code=2, says="invalid tag")
        self.unkeyed("add", "--item", "Visa:0", code=3, says="no item 'Visa:0'")
        self.unkeyed("search", "visa", "OR", code=2, says="OR needs a word after it")
        self.unkeyed("search", '"unclosed', code=2, says="unclosed quote")

    def test_a_good_command_still_asks(self):
        r = self.folio("item", "show", "Visa:1", passphrase_file=None)
        self.assertFails(r, 9)
        self.assertIn(NO_PROMPT, r.err)


class BackupKeysFirstTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add("an entry")
        self.key = self.tmp / "key.txt"
        r = self.folio("keygen", "-o", self.key)
        self.assertOk(r)
        recipient = re.search(r"Public key: (age1[0-9a-z]+)", r.err).group(1)
        self.to_key = self.tmp / "to-key.age"
        self.assertOk(self.folio("export", "-r", recipient, self.to_key))
        self.backup_pass = self.write_secret_file("backup-pass", BACKUP_PASSPHRASE + "\n")
        self.with_pass = self.tmp / "with-pass.age"
        self.assertOk(self.folio("export", "--backup-passphrase-file", self.backup_pass,
                                 "--work-factor", "10", self.with_pass))

    def test_restore_of_a_backup_for_public_keys_asks_for_nothing(self):
        r = self.folio_pty("restore", self.to_key, "--to", self.tmp / "new", passphrase_file=None)
        self.assertEqual(r.rc, 4, r.describe())
        self.assertIn("encrypted to public keys", r.output)
        self.assertNotIn("assphrase:", r.output, "no prompt at all" + r.describe())
        self.assertFalse((self.tmp / "new").exists())

    def test_import_of_a_backup_for_public_keys_asks_for_nothing(self):
        r = self.folio_pty("import", self.to_key, passphrase_file=None)
        self.assertEqual(r.rc, 4, r.describe())
        self.assertIn("encrypted to public keys", r.output)
        self.assertNotIn("assphrase:", r.output, "not even the vault's passphrase" + r.describe())

    def test_restore_checks_the_backup_passphrase_before_asking_for_a_new_one(self):
        r = self.folio_pty("restore", self.with_pass, "--to", self.tmp / "new",
                           steps=[(r"Backup passphrase: ", b"not the backup passphrase\n")],
                           passphrase_file=None)
        self.assertEqual(r.rc, 4, r.describe())
        self.assertNotIn("New passphrase", r.output, r.describe())
        self.assertFalse((self.tmp / "new").exists())

    def test_restore_with_the_right_backup_passphrase_then_asks_for_the_new_one(self):
        new = self.tmp / "new"
        r = self.folio_pty("restore", self.with_pass, "--to", new, "--kdf-memory", "8K", "--kdf-ops", "1",
                           "--allow-weak-kdf",
                           steps=[(r"Backup passphrase: ", (BACKUP_PASSPHRASE + "\n").encode()),
                                  (r"New passphrase: ", (PASSPHRASE + "\n").encode()),
                                  (r"Repeat the new passphrase: ", (PASSPHRASE + "\n").encode())],
                           passphrase_file=None)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(len(self.ids(vault=new)), 1)


if __name__ == "__main__":
    main()
