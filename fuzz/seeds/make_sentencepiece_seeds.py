#!/usr/bin/python3
"""Writes the seeds of fuzz target sentencepiece (fuzz/seeds/sentencepiece/*.model): small
models trained by Debian's python3-sentencepiece on a few lines written here: Unigram with byte
fallback (identity normalization), BPE (identity), and Unigram with the small precompiled
charsmap of tests/data/precompiled/rules.tsv. Small, so that libFuzzer mutates them quickly.
Run: /usr/bin/python3 fuzz/seeds/make_sentencepiece_seeds.py"""
import os
import shutil
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sentencepiece")
RULES = os.path.join(HERE, "..", "..", "tests", "data", "precompiled", "rules.tsv")
LINES = ["Mwarĩ wa Kĩkũyũ na mũthuri", "the king and the queen", "ọmọ Yorùbá", "世界 你好", "a b c d e f g h"]

os.makedirs(OUT, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    corpus = os.path.join(tmp, "c.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(LINES * 20) + "\n")
    for name, extra in (("unigram_bytes", dict(model_type="unigram", byte_fallback=True, normalization_rule_name="identity")),
                        ("bpe", dict(model_type="bpe", normalization_rule_name="identity")),
                        ("unigram_charsmap", dict(model_type="unigram", normalization_rule_tsv=RULES))):
        prefix = os.path.join(tmp, name)
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, vocab_size=300 if "bytes" in name else 60,
                                       character_coverage=1.0, hard_vocab_limit=False, num_threads=1, minloglevel=2,
                                       **extra)
        shutil.copyfile(prefix + ".model", os.path.join(OUT, name + ".model"))
        print(f"{name}.model: {os.path.getsize(os.path.join(OUT, name + '.model'))} bytes")
