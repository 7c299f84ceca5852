#!/usr/bin/python3
"""Writes charsmap.bin, the precompiled_charsmap SentencePiece compiles from rules.tsv (source
code points TAB target code points, hex): Debian's python3-sentencepiece trains a throw-away
model with normalization_rule_tsv=rules.tsv and the blob is read from the model's
NormalizerSpec (ModelProto field 3, its field 2). Used by tokenizer/precompiled_test.cc and as
the fuzz seed fuzz/seeds/precompiled. Run: /usr/bin/python3 tests/data/precompiled/make_charsmap.py"""
import os
import sys
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "golden"))
from run_sentencepiece_goldens import proto_fields  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    corpus = os.path.join(tmp, "c.txt")
    with open(corpus, "w") as f:
        f.write("a b c d e f g h i j k l m n o p q r s t u v w x y z\n" * 50)
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(tmp, "m"), vocab_size=30,
                                   normalization_rule_tsv=os.path.join(HERE, "rules.tsv"), minloglevel=2)
    with open(os.path.join(tmp, "m.model"), "rb") as f:
        proto = f.read()
spec = next(v for field, _, v in proto_fields(proto) if field == 3)
blob = next(v for field, _, v in proto_fields(spec) if field == 2)
with open(os.path.join(HERE, "charsmap.bin"), "wb") as f:
    f.write(blob)
print(f"charsmap.bin: {len(blob)} bytes")
