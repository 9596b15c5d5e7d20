"""Usage mistakes a person can act on (issue 18, points 4, 5, 6 and 9).

A mistyped command or option is named with the closest real one; --version
and `help COMMAND` work; number options say their range in a short, true
sentence; a passphrase given twice (fd and file) is refused. Each mistake
exits 2 and changes nothing.
"""

from folio_test import FolioTestCase, main


class CommandsTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def usage_error(self, *args, says: str, absent: str = "A subcommand is required"):
        before = self.snapshot()
        r = self.folio(*args)
        self.assertFails(r, 2)
        self.assertIn(says, r.err, args)
        self.assertNotIn(absent, r.err)
        self.assertUnchanged(before)
        return r

    def test_a_mistyped_command_is_named_with_the_closest_one(self):
        self.usage_error("lsit", says="unknown command 'lsit'; did you mean 'list'?")
        self.usage_error("ad", says="unknown command 'ad'; did you mean 'add'?")
        self.usage_error("checklist", "shwo", says="unknown command 'checklist shwo'; did you mean 'checklist show'?")
        self.usage_error("item", "ad", "Visa", "x", says="unknown command 'item ad'; did you mean 'item add'?")
        r = self.usage_error("zzzzzzzz", says="unknown command 'zzzzzzzz'")
        self.assertNotIn("did you mean", r.err)

    def test_a_command_that_needs_a_subcommand_lists_them(self):
        self.usage_error("checklist", says="'folio checklist' needs a command: new, list, show")

    def test_version_flag_prints_what_version_prints(self):
        r = self.folio("--version")
        self.assertOk(r)
        self.assertEqual(r.out, self.folio("version").out)
        self.assertRegex(r.out, r"^folio \d+\.\d+\.\d+ \(libsodium ")

    def test_help_command_shows_that_command(self):
        r = self.folio("help", "list")
        self.assertOk(r)
        self.assertIn("Usage: folio list", r.out)
        self.assertIn("--since", r.out)
        self.assertNotIn("checklist", r.out.split("Usage:")[1].split("\n")[0])
        r = self.folio("help", "item", "add")
        self.assertOk(r)
        self.assertIn("Usage: folio item add", r.out)
        self.assertIn("--due", r.out)
        r = self.folio("help")
        self.assertOk(r)
        self.assertIn("checklist", r.out)
        self.usage_error("help", "chekclist", says="unknown command 'chekclist'; did you mean 'checklist'?")

    def test_an_unknown_option_is_named_with_the_closest_one(self):
        self.usage_error("list", "--jsno", says="unknown option '--jsno' for 'folio list'; did you mean '--json'?")
        self.usage_error("list", "--vualt", "x", says="did you mean '--vault'?")
        r = self.usage_error("search", "-secretword", says="unknown option '-secretword' for 'folio search'")
        self.assertIn("after '--'", r.err)
        r = self.usage_error("list", "--bogus=my secret value", says="unknown option '--bogus'")
        self.assertNotIn("my secret value", r.err, "the value after = is never echoed")

    def test_an_unexpected_positional_is_not_echoed(self):
        r = self.usage_error("list", "hunter2-passphrase", says="unexpected arguments")
        self.assertNotIn("hunter2", r.err)

    def test_a_search_for_a_dash_word_after_double_dash_works(self):
        self.add("a -weird word")
        r = self.folio("search", "--", "weird")
        self.assertOk(r)


class NumbersAndPassphrasesTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.new_id("checklist", "new", "Visa")
        self.new_id("item", "add", "Visa", "Passport")

    def test_number_options_say_their_range_briefly(self):
        for args, says in [
            (("list", "-n", "-1"), "-n must be a whole number from 1 to 1000000"),
            (("list", "-n", "abc"), "-n must be a whole number from 1 to 1000000"),
            (("search", "x", "-n", "0"), "-n must be a whole number from 1 to 1000000"),
            (("item", "move", "Visa:1", "--to", "0"), "--to must be a whole number from 1 to 1000000"),
            (("item", "move", "Visa:1", "--to", "abc"), "--to must be a whole number from 1 to 1000000"),
        ]:
            r = self.folio(*args)
            self.assertFails(r, 2)
            self.assertIn(says, r.err, args)
            self.assertLess(len(r.err), 200, f"short: {r.err!r}")
            self.assertNotIn("0000000000", r.err)

    def test_other_number_options_name_themselves_without_the_value(self):
        for args, option in [
            (("--passphrase-fd", "abc", "list"), "--passphrase-fd"),
            (("init", "--kdf-ops", "abc"), "--kdf-ops"),
            (("export", "--work-factor", "secretish", self.tmp / "x.age"), "--work-factor"),
        ]:
            r = self.folio(*args)
            self.assertFails(r, 2)
            self.assertIn(f"{option} must be a whole number", r.err, args)
            self.assertNotIn("Could not convert", r.err)
            self.assertNotIn("secretish", r.err)

    def test_a_passphrase_file_and_fd_together_are_refused(self):
        other = self.write_secret_file("other", "something else\n")
        with open(other) as f:
            r = self.folio("--passphrase-fd", str(f.fileno()), "list", pass_fds=(f.fileno(),))
        self.assertFails(r, 2)
        self.assertIn("--passphrase-fd excludes --passphrase-file", r.err)

    def test_new_and_backup_passphrase_pairs_are_refused_too(self):
        p = self.write_secret_file("p2", "glacier tumbleweed ostrich 93 harbor lantern\n")
        with open(p) as f:
            fd = str(f.fileno())
            r = self.folio("passwd", "--new-passphrase-fd", fd, "--new-passphrase-file", p, pass_fds=(f.fileno(),))
            self.assertFails(r, 2)
            self.assertIn("excludes", r.err)
            r = self.folio("export", "--backup-passphrase-fd", fd, "--backup-passphrase-file", p,
                           self.tmp / "b.age", pass_fds=(f.fileno(),))
            self.assertFails(r, 2)
            self.assertIn("excludes", r.err)
        self.assertFalse((self.tmp / "b.age").exists())


if __name__ == "__main__":
    main()
