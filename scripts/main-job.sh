#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install everything, build the release preset,
# then follow text through the bundled default model (models/default: GPT-2's tokenizer and a
# word2vec table trained by embscope on Brown + KJV + WordNet glosses; see its README.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build-release.sh"
bin="$root/build/release/embscope"
out="$root/build/main-job"
mkdir -p "$out"
"$bin" trace "Mwarĩ wa Kĩkũyũ and the king" --max-heatmaps 2 --png "$out/trace.png" --svg "$out/trace.svg"
"$bin" tokenize -m gpt2,llama3,gemma3,o200k_base "Mwarĩ wa Kĩkũyũ"
