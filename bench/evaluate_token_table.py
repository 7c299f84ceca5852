#!/usr/bin/python3
"""Scores a table trained over GPT-2-style byte-level token ids (the bundled default model) on
the standard word sets with gensim's own evaluators, like bench/word2vec_parity.py: a word
counts when it is one token with its leading space (" cat" = 'Ġcat') whose row was trained;
analogy: questions-words.txt (restrict_vocab 300k, case-insensitive, coverage reported);
similarity: Spearman on WS-353, SimLex-999 and MEN (pairs with a missing word skipped, as gensim).

Usage: /usr/bin/python3 bench/evaluate_token_table.py [models/default]"""
import json
import logging
import os
import struct
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
EVAL = os.path.join(ROOT, "data", "eval-data")
PAIRS = {"WS-353": "EN-WS-353-ALL.txt", "SimLex-999": "EN-SIMLEX-999.txt", "MEN": "EN-MEN-TR-3k.txt"}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    dtypes = {"F16": np.float16, "F32": np.float32, "U8": np.uint8, "I64": np.int64}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=dtypes[t["dtype"]]).reshape(t["shape"])
    return out


def main():
    model = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "models", "default")
    t = read_safetensors(os.path.join(model, "model.safetensors"))
    table = t["embed_tokens.weight"].astype(np.float32)
    trained = t["embscope.trained"].astype(bool)
    counts = t["embscope.counts"]
    with open(os.path.join(model, "tokenizer.json"), encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    words = []
    for piece, i in vocab.items():
        if trained[i] and piece.startswith("Ġ") and len(piece) > 1 and piece[1:].isalpha():
            words.append((int(counts[i]), piece[1:], i))
    words.sort(key=lambda w: -w[0])  # most frequent first, as restrict_vocab expects
    from gensim.models import KeyedVectors
    logging.disable(logging.WARNING)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(f"{len(words)} {table.shape[1]}\n")
        for _, w, i in words:
            f.write(w + " " + " ".join(f"{x:.6g}" for x in table[i]) + "\n")
    kv = KeyedVectors.load_word2vec_format(f.name, binary=False)
    os.unlink(f.name)
    score, sections = kv.evaluate_word_analogies(os.path.join(EVAL, "questions-words.txt"), restrict_vocab=300000,
                                                 case_insensitive=True)
    total = [s for s in sections if s["section"] == "Total accuracy"][0]
    answered = len(total["correct"]) + len(total["incorrect"])
    print(f"model: {model}; {len(words)} single-token words with a trained row")
    print(f"analogy: {score * 100:.2f} % of {answered} questions answered ({answered / 19544 * 100:.1f} % coverage)")
    for name, fname in PAIRS.items():
        pearson, spearman, oov = kv.evaluate_word_pairs(os.path.join(EVAL, fname), restrict_vocab=300000,
                                                        case_insensitive=True)
        rho = spearman.statistic if hasattr(spearman, "statistic") else spearman[0]
        print(f"{name}: Spearman {rho:.3f} ({oov:.1f} % of pairs out of vocabulary)")


if __name__ == "__main__":
    main()
