"""The man page, docs/folio.1 (issue 17, packaging): every command,
subcommand and option the built binary lists in `folio help` has its place
in it (a command its own .SS, an option inside its command's .SS, the global
options under GLOBAL OPTIONS), every exit code and environment variable of
docs/CLI.md is in it, it has the sections a man page has, and groff renders
it without a single warning. The build installs it compressed: that copy
must be the same text.
"""

import gzip
import os
import re
import shutil
import subprocess
import unittest
from pathlib import Path
from typing import Dict, List, Tuple

from commands_of import commands_of
from folio_test import FOLIO_BIN, SOURCE_DIR, main

MAN = SOURCE_DIR / "docs" / "folio.1"
SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS",
            "ENVIRONMENT", "FILES", "SECURITY", "EXAMPLES", "SEE ALSO")
TEXT_MACROS = {".SH", ".SS", ".B", ".I", ".BR", ".BI", ".IR", ".RB", ".RI", ".IB", ".IR", ".SM", ".SB"}
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def plain(line: str) -> str:
    """A roff source line as the words it shows: font escapes dropped,
    \\- as -, a macro's arguments as words."""
    line = re.sub(r"\\f[BIRP]", "", line)
    line = line.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")
    if line.startswith("."):
        parts = line.split(None, 1)
        if parts[0] not in TEXT_MACROS:
            return ""  # .TP 5, .in +4n, .PP: layout, not words
        line = parts[1] if len(parts) > 1 else ""
        line = line.replace('"', " ")
    return line


def parse_man(text: str) -> Tuple[Dict[str, str], List[Tuple[str, str]]]:
    """The .SH sections by name, and the .SS subsections as (heading, body)."""
    sections: Dict[str, str] = {}
    subsections: List[Tuple[str, str]] = []
    sh = None
    ss = None
    for raw in text.splitlines():
        if raw.startswith('.\\"'):
            continue
        if raw.startswith(".SH"):
            sh = plain(raw).strip()
            sections[sh] = ""
            ss = None
            continue
        if raw.startswith(".SS"):
            subsections.append((plain(raw).strip(), ""))
            ss = len(subsections) - 1
            continue
        words = plain(raw)
        if sh is not None:
            sections[sh] += words + "\n"
        if ss is not None:
            subsections[ss] = (subsections[ss][0], subsections[ss][1] + words + "\n")
    return sections, subsections


class ManPageTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.text = MAN.read_text(encoding="utf-8")
        cls.sections, cls.subsections = parse_man(cls.text)
        cls.commands = commands_of(FOLIO_BIN)

    def section_of(self, path: Tuple[str, ...]) -> str:
        for heading, body in self.subsections:
            words = heading.split()
            if words[:1] == ["folio"] and tuple(words[1:1 + len(path)]) == path:
                return heading + "\n" + body
        self.fail(f"no '.SS folio {' '.join(path)}' section in docs/folio.1")

    def test_it_has_the_sections_of_a_man_page(self):
        for name in SECTIONS:
            self.assertIn(name, self.sections, f".SH {name}")
        self.assertRegex(self.text, r'(?m)^\.TH FOLIO 1 ')
        self.assertIn("folio - ", self.sections["NAME"])

    def test_every_command_has_a_section_with_every_option(self):
        self.assertGreater(len(self.commands), 30, "the help was read")
        for path, cmd in self.commands.items():
            if not path or cmd.subcommands:
                continue  # folio itself and nouns like `checklist`: their commands below
            body = self.section_of(path)
            shown = set(OPTION.findall(body))
            for names in cmd.options:
                for name in names:
                    if name in ("-h", "--help", "--help-all"):
                        continue  # every command has them: said once, under GLOBAL OPTIONS
                    self.assertIn(name, shown, f"folio {' '.join(path)} {name} in docs/folio.1")

    def test_every_global_option_is_under_global_options(self):
        shown = set(OPTION.findall(self.sections["GLOBAL OPTIONS"]))
        for names in self.commands[()].options:
            for name in names:
                self.assertIn(name, shown, name)

    def test_every_exit_code_and_variable_of_cli_md_is_in_it(self):
        cli = (SOURCE_DIR / "docs" / "CLI.md").read_text(encoding="utf-8")
        codes = re.search(r"## Exit codes\n(.*?)\n## ", cli, re.S).group(1)
        listed = re.findall(r"(?m)^\| *(\d+) *\|", codes)
        self.assertIn("70", listed)
        for code in listed:
            self.assertRegex(self.sections["EXIT STATUS"], rf"(?m)^{code}\s*$", f"exit code {code}")
        env = re.search(r"## Environment\n(.*)", cli, re.S).group(1)
        for name in re.findall(r"`([A-Z][A-Z_]+)`", env):
            self.assertIn(name, self.sections["ENVIRONMENT"], name)

    def test_groff_renders_it_without_a_warning(self):
        if shutil.which("groff") is None:
            self.skipTest("groff is not installed")
        for device in ("utf8", "ascii"):
            r = subprocess.run(["groff", "-ww", "-z", "-k", "-man", "-T" + device, str(MAN)],
                               capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr.decode(), "", f"groff -T{device}")

    def test_man_shows_it(self):
        if shutil.which("man") is None:
            self.skipTest("man is not installed")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MANWIDTH": "80", "MAN_KEEP_FORMATTING": ""}
        r = subprocess.run(["man", "-l", str(MAN)], capture_output=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.decode(), "")
        out = r.stdout.decode("utf-8")
        self.assertIn("folio - a private, encrypted journal", out)
        self.assertIn("EXIT STATUS", out)

    def test_the_build_installs_the_same_text(self):
        built = Path(FOLIO_BIN).resolve().parent / "folio.1.gz"
        if not built.exists():
            self.skipTest(f"{built} is not built (target folio_extras)")
        self.assertEqual(gzip.decompress(built.read_bytes()).decode("utf-8"), self.text,
                         "build/folio.1.gz is docs/folio.1: rebuild")


if __name__ == "__main__":
    main()
