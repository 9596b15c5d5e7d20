#!/usr/bin/python3
"""Global options and the environment: help, version, where the vault is,
where the passphrase comes from, colour."""

import os

from folio_test import CHEAP_KDF, PASSPHRASE, FolioTestCase, main

COMMANDS = ("init", "add", "list", "show", "edit", "rm", "tags", "passwd", "version", "help")


class HelpTest(FolioTestCase):

    def test_help_option_lists_every_command(self):
        r = self.folio("--help", vault=None, passphrase_file=None)
        self.assertOk(r)
        for command in COMMANDS:
            self.assertRegex(r.out, rf"\b{command}\b", f"--help names {command}" + r.describe())

    def test_help_command_lists_every_command(self):
        r = self.folio("help", vault=None, passphrase_file=None)
        self.assertOk(r)
        for command in COMMANDS:
            self.assertRegex(r.out, rf"\b{command}\b", f"help names {command}" + r.describe())

    def test_help_command_includes_every_commands_own_help(self):
        # CLI.md: "`folio help` and `folio COMMAND --help` print the same
        # information": every option line of a command's --help is in `folio help`.
        everything = self.folio("help", vault=None, passphrase_file=None)
        self.assertOk(everything)
        for command in ("init", "add", "list", "show", "edit", "rm", "tags", "passwd"):
            own = self.folio(command, "--help", vault=None, passphrase_file=None)
            self.assertOk(own)
            options = [line.strip() for line in own.out.splitlines()
                       if line.strip().startswith("-") and "--help" not in line]
            self.assertTrue(options or command in ("tags",), own.describe())
            for option in options:
                with self.subTest(command=command, option=option):
                    self.assertIn(option, everything.out)

    def test_command_help_describes_its_options(self):
        expected = {
            "init": ("--kdf-memory", "--kdf-ops", "--allow-weak-kdf", "--allow-weak"),
            "add": ("--title", "--tag", "--text"),
            "list": ("--tag", "--since", "--until", "--limit", "--json"),
            "show": ("--json",),
            "edit": ("--title", "--add-tag", "--rm-tag", "--text", "--stdin"),
            "rm": ("--yes",),
            "passwd": ("--new-passphrase-fd", "--new-passphrase-file", "--allow-weak"),
        }
        for command, options in expected.items():
            r = self.folio(command, "--help", vault=None, passphrase_file=None)
            self.assertOk(r)
            for option in options:
                with self.subTest(command=command, option=option):
                    self.assertIn(option, r.out)

    def test_every_listed_command_has_its_own_help(self):
        # main.cpp builds only the parser of the command named on the command
        # line, from a table of names; a name that points at the wrong command
        # would make that command unknown (exit 2). A name missing from the
        # table falls back to the whole parser.
        listing = self.folio("--help", vault=None, passphrase_file=None)
        self.assertOk(listing)
        section = listing.out.split("Subcommands:", 1)[1].split("\n\n", 1)[0]
        commands = [line.split()[0] for line in section.splitlines() if line.strip()]
        self.assertGreater(len(commands), 25, listing.describe())
        for command in commands:
            with self.subTest(command=command):
                r = self.folio("--vault", str(self.tmp / "v"), command, "--help",
                               vault=None, passphrase_file=None)
                self.assertOk(r)
                self.assertIn(f"folio {command}", r.out.splitlines()[1], r.describe())

    def test_a_vault_named_like_a_command_is_still_the_vault(self):
        # The command is the first word that is not a global option or its value.
        named = self.tmp / "show"
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", vault=named)
        self.assertOk(r)
        r = self.folio("--vault", str(named), "--passphrase-file", str(self.pass_file), "add",
                       "--text", "in the vault called show", vault=None, passphrase_file=None)
        self.assertOk(r)
        r = self.folio("--no-agent", "--vault", str(named), "list", "--json", vault=None)
        self.assertOk(r)
        self.assertIn("in the vault called show", r.out)

    def test_help_needs_no_vault_and_touches_nothing(self):
        r = self.folio("--help")
        self.assertOk(r)
        self.assertFalse(self.vault.exists())
        self.assertEqual(os.listdir(self.home), [])

    def test_an_unknown_command_exits_2(self):
        r = self.folio("frobnicate")
        self.assertFails(r, 2)

    def test_an_unknown_option_exits_2(self):
        self.init_vault()
        r = self.folio("list", "--no-such-option")
        self.assertFails(r, 2)

    def test_no_command_at_all_exits_2_or_prints_help(self):
        r = self.folio(vault=None, passphrase_file=None)
        if r.rc == 0:
            self.assertIn("init", r.out)
        else:
            self.assertFails(r, 2, stdout_empty=False)


class VersionTest(FolioTestCase):

    def test_version_names_folio_libsodium_and_sqlcipher_versions(self):
        r = self.folio("version", vault=None, passphrase_file=None)
        self.assertOk(r)
        self.assertRegex(r.out, r"\d+\.\d+\.\d+")
        self.assertRegex(r.out.lower(), r"libsodium\D*\d+\.\d+")
        self.assertRegex(r.out.lower(), r"sqlcipher\D*3\.4\.\d")

    def test_version_needs_no_vault(self):
        r = self.folio("version", vault=self.tmp / "nowhere")
        self.assertOk(r)
        self.assertFalse((self.tmp / "nowhere").exists())


class VaultLocationTest(FolioTestCase):

    def test_folio_vault_environment_variable_names_the_vault(self):
        env = self.env(FOLIO_VAULT=self.tmp / "from-env")
        r = self.folio("init", *CHEAP_KDF, "--allow-weak", vault=None, env=env)
        self.assertOk(r)
        self.assertTrue((self.tmp / "from-env" / "header").exists())
        r = self.folio("add", "--text", "via FOLIO_VAULT", vault=None, env=env)
        self.assertOk(r)
        self.assertEqual(len(self.list_json(vault=self.tmp / "from-env")), 1)

    def test_vault_option_wins_over_folio_vault(self):
        self.init_vault()
        env = self.env(FOLIO_VAULT=self.tmp / "elsewhere")
        r = self.folio("add", "--text", "in the --vault one", env=env)
        self.assertOk(r)
        self.assertFalse((self.tmp / "elsewhere").exists())
        self.assertEqual(len(self.list_json()), 1)

    def test_xdg_data_home_is_used_when_folio_vault_is_unset(self):
        env = self.env(XDG_DATA_HOME=self.tmp / "data-home")
        self.assertOk(self.folio("init", *CHEAP_KDF, "--allow-weak", vault=None, env=env))
        self.assertTrue((self.tmp / "data-home" / "folio" / "header").exists())

    def test_the_default_vault_is_under_home_local_share(self):
        self.assertOk(self.folio("init", *CHEAP_KDF, "--allow-weak", vault=None))
        self.assertTrue((self.home / ".local" / "share" / "folio" / "header").exists())
        self.assertOk(self.folio("list", vault=None))

    def test_global_options_may_follow_the_command(self):
        self.init_vault()
        r = self.folio("add", "--text", "options after", "--vault", self.vault,
                       "--passphrase-file", self.pass_file, vault=None, passphrase_file=None)
        self.assertOk(r)
        r = self.folio("list", "--vault", self.vault, "--passphrase-file", self.pass_file,
                       vault=None, passphrase_file=None)
        self.assertOk(r)
        self.assertIn("options after", r.out)


class PassphraseSourceTest(FolioTestCase):

    def _pipe_with(self, text: str) -> int:
        read_end, write_end = os.pipe()
        os.write(write_end, text.encode("utf-8"))
        os.close(write_end)
        self.addCleanup(os.close, read_end)
        return read_end

    def test_passphrase_fd_works_for_init_and_for_opening(self):
        fd = self._pipe_with(PASSPHRASE + "\n")
        r = self.folio("--passphrase-fd", fd, "init", *CHEAP_KDF, "--allow-weak",
                       passphrase_file=None, pass_fds=[fd])
        self.assertOk(r)
        fd = self._pipe_with(PASSPHRASE + "\n")
        r = self.folio("--passphrase-fd", fd, "add", "--text", "via an fd",
                       passphrase_file=None, pass_fds=[fd])
        self.assertOk(r)
        self.assertEqual([e["first_line"] for e in self.list_json()], ["via an fd"])

    def test_a_wrong_passphrase_on_an_fd_exits_4(self):
        self.init_vault()
        before = self.snapshot()
        fd = self._pipe_with("not the passphrase\n")
        r = self.folio("--passphrase-fd", fd, "list", passphrase_file=None, pass_fds=[fd])
        self.assertFails(r, 4, mentions=("passphrase",))
        self.assertUnchanged(before)

    def test_a_passphrase_fd_that_is_not_open_is_an_error(self):
        self.init_vault()
        r = self.folio("--passphrase-fd", "57", "list", passphrase_file=None)
        self.assertFails(r, (2, 8))

    def test_without_a_terminal_or_passphrase_source_folio_fails_cleanly(self):
        # The child has no controlling terminal, so /dev/tty cannot be opened.
        self.init_vault()
        r = self.folio("list", passphrase_file=None)
        self.assertNotEqual(r.rc, 0)
        self.assertFails(r, (2, 9), mentions=("terminal", "tty", "passphrase"))

    def test_the_passphrase_is_not_accepted_as_an_argument(self):
        r = self.folio("init", "--passphrase", PASSPHRASE, *CHEAP_KDF, passphrase_file=None)
        self.assertFails(r, 2, strict=False)
        self.assertNotIn(PASSPHRASE, r.err, "the rejected argument is not echoed back")


class ColourTest(FolioTestCase):

    ESC = "\x1b["

    def test_output_to_a_pipe_has_no_colour_even_without_no_color(self):
        self.init_vault()
        entry = self.add("plain text", "--title", "Plain", "-t", "work")
        env = self.env(NO_COLOR=None)
        for args in (["list"], ["show", entry], ["tags"], ["show", "zzzzzzzz"]):
            r = self.folio(*args, env=env)
            with self.subTest(args=args):
                self.assertNotIn(self.ESC, r.out + r.err)

    def test_no_color_removes_colour_on_a_terminal(self):
        self.init_vault()
        entry = self.add("plain text", "--title", "Plain", "-t", "work")
        coloured = self.folio_pty("list", env=self.env(NO_COLOR=None))
        self.assertOk(coloured)
        if self.ESC not in coloured.output:
            self.skipTest("folio uses no colour on a terminal, so there is none to turn off")
        for args in (["list"], ["show", entry], ["tags"], ["show", "zzzzzzzz"]):
            r = self.folio_pty(*args, env=self.env(NO_COLOR="1"))
            with self.subTest(args=args):
                self.assertNotIn(self.ESC, r.output, r.describe())

    def test_an_empty_no_color_does_not_turn_colour_off(self):
        # CLI.md: "no colour when set and non-empty".
        self.init_vault()
        self.add("plain text", "--title", "Plain", "-t", "work")
        unset = self.folio_pty("list", env=self.env(NO_COLOR=None))
        empty = self.folio_pty("list", env=self.env(NO_COLOR=""))
        self.assertOk(unset)
        self.assertOk(empty)
        self.assertEqual(self.ESC in empty.output, self.ESC in unset.output, empty.describe())


if __name__ == "__main__":
    main()
