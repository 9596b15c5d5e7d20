#!/usr/bin/python3
"""po/zh_CN.po itself: every translation keeps exactly the {N} placeholders of
its English message (a dropped {0} loses a value, an invented {1} prints as
it is), and none is empty or fuzzy (the build refuses those for the
messages in the code; this also covers entries the code no longer uses).
Reads the file only: no folio run."""

import re
import unittest
from collections import Counter
from pathlib import Path

from folio_test import SOURCE_DIR, main

PO = SOURCE_DIR / "po" / "zh_CN.po"
PLACEHOLDER = re.compile(r"\{[0-9]\}")


def unquote(text: str) -> str:
    """The value of a PO string's quoted parts, escapes undone."""
    out = []
    for part in re.findall(r'"((?:[^"\\]|\\.)*)"', text):
        out.append(re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), part))
    return "".join(out)


def entries(path: Path):
    """(line, flags, msgid, msgid_plural or None, [msgstr...]) of each entry."""
    text = path.read_text(encoding="utf-8")
    line = 1
    for block in text.split("\n\n"):
        start = line
        line += block.count("\n") + 2
        lines = [l for l in block.split("\n") if l and not l.startswith("#~")]
        flags = set()
        fields = {}
        key = None
        for l in lines:
            if l.startswith("#,"):
                flags.update(f.strip() for f in l[2:].split(","))
            elif l.startswith("#"):
                continue
            elif l.startswith('"'):
                fields[key] += l
            else:
                key, _, rest = l.partition(" ")
                fields[key] = rest
        if "msgid" not in fields:
            continue
        msgid = unquote(fields["msgid"])
        if msgid == "":
            continue  # the header
        plural = unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None
        strs = [unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        yield start, flags, msgid, plural, strs


class PlaceholderTest(unittest.TestCase):

    def test_the_catalogue_has_entries(self):
        self.assertGreater(len(list(entries(PO))), 50, f"{PO} looks empty or unreadable")

    def test_every_translation_keeps_the_placeholders_of_its_message(self):
        bad = []
        for line, _, msgid, plural, strs in entries(PO):
            # A plural's forms may differ in {0} (English "one entry"); the
            # translation has the placeholders of either.
            wanted = [Counter(PLACEHOLDER.findall(msgid))]
            if plural is not None:
                wanted.append(Counter(PLACEHOLDER.findall(plural)))
            for s in strs:
                got = Counter(PLACEHOLDER.findall(s))
                if all(set(got) != set(w) for w in wanted):
                    bad.append(f"line {line}: {msgid!r} -> {s!r}")
        self.assertEqual(bad, [], "translations that drop or invent a {N}")

    def test_no_translation_is_empty_or_fuzzy(self):
        bad = []
        for line, flags, msgid, _, strs in entries(PO):
            if "fuzzy" in flags:
                bad.append(f"line {line}: fuzzy: {msgid!r}")
            if not strs or any(s == "" for s in strs):
                bad.append(f"line {line}: empty: {msgid!r}")
        self.assertEqual(bad, [])

    def test_a_message_that_ends_a_line_is_translated_as_one(self):
        # msgfmt --check says so too, but only for the messages it compiles.
        bad = []
        for line, _, msgid, _, strs in entries(PO):
            for s in strs:
                if msgid.startswith("\n") != s.startswith("\n") or msgid.endswith("\n") != s.endswith("\n"):
                    bad.append(f"line {line}: {msgid!r}")
        self.assertEqual(bad, [])


if __name__ == "__main__":
    main()
