#!/bin/sh
# Runs the model-file fuzzer for a while on a copy of the seed corpus,
# then the spike-file and state-file readers' fuzzers for a fifth of that.
#
# Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
#   BUILD_DIR  a build configured with
#              CC=clang cmake -B BUILD_DIR -DLYRA_FUZZ=ON -DLYRA_SANITIZE=ON
#              (the fuzz_model_load target is built if missing)
#   SECONDS    how long to fuzz (default 60)
# Crashing inputs are left in BUILD_DIR/fuzz-artifacts/.
set -eu

build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)

cmake --build "$build" --target fuzz_model_load
work="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
mkdir -p "$work" "$artifacts"
# New inputs go to the work copy; the committed seeds stay as they are.
cp "$here"/corpus/* "$work"/

# -rss_limit_mb: a model file must never make the loader allocate much.
"$build/tests/fuzz/fuzz_model_load" \
  -max_total_time="$seconds" \
  -max_len=4096 \
  -rss_limit_mb=1024 \
  -timeout=10 \
  -dict="$here/model.dict" \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$work"

# A file reader's fuzzer, for a fifth of the time: fuzz_reader TARGET
# CORPUS (a folder of seeds next to this script).
fuzz_reader() {
  cmake --build "$build" --target "$1"
  work_r="$build/fuzz-$2"
  mkdir -p "$work_r"
  cp "$here/$2"/* "$work_r"/
  "$build/tests/fuzz/$1" \
    -max_total_time=$(( (seconds + 4) / 5 )) \
    -max_len=65536 \
    -rss_limit_mb=1024 \
    -timeout=10 \
    -artifact_prefix="$artifacts/" \
    -print_final_stats=1 \
    "$work_r"
}
fuzz_reader fuzz_spike_read corpus_spikes
fuzz_reader fuzz_state_read corpus_state
