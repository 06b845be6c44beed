#!/usr/bin/env bash
# Configures and builds lyra (Release, warnings as errors) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh "$@"
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLYRA_WERROR=ON >/dev/null
cmake --build build -j"$jobs" >/dev/null
