#!/usr/bin/python3
"""Writes the fuzz seed corpus: the age file inside each CCTV age vector.

Usage: fuzz/make_corpus.py [VECTORS_DIR] OUT_DIR
VECTORS_DIR defaults to ../shared/vectors/age-cctv beside the repository.
Each vector is a textual header, an empty line, then the age file (zlib
compressed when the header says "compressed: zlib"); the corpus file is the
age file alone, decompressed. Vectors over 256 KiB are skipped (libFuzzer's
default -max_len would cut them anyway).
"""
import os
import sys
import zlib


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(argv) == 2:
        src, out = os.path.join(repo, "..", "shared", "vectors", "age-cctv"), argv[1]
    elif len(argv) == 3:
        src, out = argv[1], argv[2]
    else:
        sys.exit(__doc__)
    if not os.path.isdir(src):
        print(f"make_corpus: {src} is absent; no seeds written", file=sys.stderr)
        return 0
    os.makedirs(out, exist_ok=True)
    count = 0
    for name in sorted(os.listdir(src)):
        if name == "README.md":
            continue
        with open(os.path.join(src, name), "rb") as f:
            raw = f.read()
        head, sep, body = raw.partition(b"\n\n")
        if not sep:
            continue
        if b"compressed: zlib" in head.split(b"\n"):
            body = zlib.decompress(body)
        if len(body) > 256 * 1024:
            continue
        with open(os.path.join(out, name), "wb") as f:
            f.write(body)
        count += 1
    print(f"make_corpus: {count} seeds in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
