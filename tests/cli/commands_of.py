"""Every command, subcommand and option of the built binary, read from its
own help (`folio --help`, `folio help COMMAND [SUB]`), for the tests that keep
the man page and the completion scripts in step with it
(test_manpage.py, test_completion.py).

CLI11's help lists, under "OPTIONS:"/"Options:" and "SUBCOMMANDS:"/
"Subcommands:", one entry a line, indented by two spaces; a description that
wraps continues on lines indented further.
"""

import re
import subprocess
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent", "NO_COLOR": "1"}


@dataclass
class Command:
    path: Tuple[str, ...]                                 # ("checklist", "new"); () for folio itself
    options: List[List[str]] = field(default_factory=list)  # [["-t", "--tag"], ["--json"]]
    subcommands: List[str] = field(default_factory=list)


def _help(binary: str, words: Tuple[str, ...]) -> str:
    # `folio help` alone describes every command at once, nested; `--help`
    # lists folio's own options and commands as `help CMD` does for one.
    argv = [binary, "help", *words] if words else [binary, "--help"]
    r = subprocess.run(argv, capture_output=True, env=ENV, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"folio help {' '.join(words)} failed ({r.returncode}): {r.stderr!r}")
    return r.stdout.decode("utf-8")


def parse_help(text: str) -> Tuple[List[List[str]], List[str]]:
    """The options (each a list of its names) and subcommands of one help text."""
    options: List[List[str]] = []
    subcommands: List[str] = []
    section = None
    for line in text.splitlines():
        header = line.strip().rstrip(":").lower()
        if line and not line.startswith(" ") and line.rstrip().endswith(":"):
            section = header if header in ("options", "subcommands") else None
            continue
        if not line.strip():
            continue
        m = re.match(r"^  (\S.*)$", line)
        if not m or section is None:
            continue
        entry = m.group(1)
        if section == "options":
            if not entry.startswith("-"):
                continue  # a positional argument
            names = entry.split(" ")[0]
            options.append([n for n in names.split(",") if n])
        else:
            subcommands.append(entry.split(" ")[0])
    return options, subcommands


def commands_of(binary: str) -> Dict[Tuple[str, ...], Command]:
    """Every visible command of `binary`, folio itself under ()."""
    found: Dict[Tuple[str, ...], Command] = {}

    def visit(path: Tuple[str, ...]):
        options, subs = parse_help(_help(binary, path))
        found[path] = Command(path, options, subs)
        for s in subs:
            visit(path + (s,))

    visit(())
    return found
