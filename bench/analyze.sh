#!/usr/bin/env bash
# Analysis benchmark: lyra analyze on 1e7 spikes (10,000 Poisson neurons,
# 10 Hz, 100 s), timed from start to table, with its peak memory, next to
# a vectorised numpy peer computing rates, CV and Fano on the same file.
#
# Usage: bench/analyze.sh
# Environment: OUT_DIR (default /tmp/lyra-bench-analysis), LYRA (build/lyra),
# PYTHON (default /usr/bin/python3, with Debian python3-numpy)
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
OUT_DIR=${OUT_DIR:-/tmp/lyra-bench-analysis}
LYRA=${LYRA:-build/lyra}
PYTHON=${PYTHON:-/usr/bin/python3}
mkdir -p "$OUT_DIR"
[ -x "$LYRA" ] || { cmake -S . -B build >/dev/null && cmake --build build -j2 >/dev/null; }
file="$OUT_DIR/P.spikes.lyspk"
[ -f "$file" ] || "$PYTHON" "$here/analysis_spikes.py" make "$file" 10000 10 100000 1
echo "== lyra analyze (all statistics: rates, CV, Fano, correlation, spectrum, chi)"
/usr/bin/time -f "lyra: %e s wall, %M kB peak RSS" "$LYRA" analyze "$file" --t-stop 100000
echo "== lyra analyze on the same spikes as NEST 3 text"
txt="$OUT_DIR/spike_recorder-1-0.dat"
[ -f "$txt" ] || "$PYTHON" "$here/analysis_spikes.py" text "$file" "$txt"
/usr/bin/time -f "lyra (text): %e s wall, %M kB peak RSS" "$LYRA" analyze "$txt" --t-stop 100000
echo "== numpy peer (rates, CV, Fano only)"
/usr/bin/time -f "numpy: %e s wall, %M kB peak RSS" "$PYTHON" "$here/analysis_spikes.py" numpy "$file" 100000
