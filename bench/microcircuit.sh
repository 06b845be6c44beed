#!/usr/bin/env bash
# Benchmark: the full-scale Potjans & Diesmann (2014) microcircuit in lyra
# (77,169 neurons, 298,880,968 synapses, DC drive, no spike recording),
# 0.5 s warm-up then 10 s measured, on 1 and 2 threads. Prints
# construction time, simulation time, real-time factor, synaptic events
# per second, peak memory (from /usr/bin/time, i.e. the whole process),
# bytes per synapse, the memory lyra check predicted, and the parallel
# efficiency from 1 to 2 threads. No peer runs here: Brian2 cannot build
# this model on a 24 GB machine in reasonable time; NEST's published
# figures (../shared/reference/README.md section 3) are printed beside.
#
# Usage: bench/microcircuit.sh [--scale N[,K]] [--threads "1 2"]
# Environment: DURATION_MS (10000), WARMUP_MS (500), OUT_DIR, LYRA.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
DURATION_MS=${DURATION_MS:-10000}
WARMUP_MS=${WARMUP_MS:-500}
OUT_DIR=${OUT_DIR:-/tmp/lyra-bench-microcircuit}
LYRA=${LYRA:-build/lyra}
SCALE=""
THREADS="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "microcircuit.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
scripts/deps.sh --bench # GNU time, among others
if [ ! -x "$LYRA" ]; then
  scripts/build.sh
  LYRA=build/lyra
fi
mkdir -p "$OUT_DIR"
model="$OUT_DIR/microcircuit-norecord.yaml"
sed '/^recorders:/,$d' examples/microcircuit.yaml >"$model"
scale_args=()
[ -n "$SCALE" ] && scale_args=(--scale "$SCALE")

echo "== lyra check (prediction for the full-scale model, before building)"
"$LYRA" check "$model" | tail -2

declare -A sim
for t in $THREADS; do
  echo "== lyra, $t thread(s): ${WARMUP_MS} ms warm-up, ${DURATION_MS} ms measured"
  /usr/bin/time -v -o "$OUT_DIR/time-$t.txt" "$LYRA" run "$model" \
    --duration "$DURATION_MS" --warmup "$WARMUP_MS" --threads "$t" \
    --out "$OUT_DIR/run-$t" --quiet --timing --force "${scale_args[@]}" \
    | tee "$OUT_DIR/timing-$t.txt"
  rss_kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT_DIR/time-$t.txt")
  echo "  peak resident memory (whole process)      $((rss_kb / 1024)) MB"
  sim[$t]=$(awk '/^  simulation/ {print $2}' "$OUT_DIR/timing-$t.txt")
done
if [ -n "${sim[1]:-}" ] && [ -n "${sim[2]:-}" ]; then
  awk -v a="${sim[1]}" -v b="${sim[2]}" \
    'BEGIN { printf "parallel speed-up 1 -> 2 threads: %.2fx\n", a / b }'
fi
cat <<'REF'
NEST 3.9 on a 2-core machine (reference README): construction 119 s, real-
time factor ~170 with 2 threads (Poisson drive), 14.8 GB; 1 thread refused.
REF
