#!/usr/bin/env bash
# Installs what embscope needs (scripts/setup.sh, idempotent) and builds the release preset;
# the CLI is then build/release/embscope. Shared by main-job.sh and build-default-model.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
