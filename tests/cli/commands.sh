#!/usr/bin/env bash
# CLI tests: help, catalogue, check, run, and usage errors with their
# documented exit codes (0 ok, 2 bad command line, 3 invalid model,
# 4 I/O error).
set -u
LYRA=${1:?usage: commands.sh PATH_TO_LYRA}
. "$(dirname "$0")/lib.sh"

for c in run check models plot; do
  expect 0 "$c --help" -- "$LYRA" "$c" --help
  contains out "Usage: lyra $c" "$c --help shows usage"
done
expect 0 "--help" -- "$LYRA" --help
contains out "Exit codes" "--help documents exit codes"
expect 0 "--version" -- "$LYRA" --version
contains out "lyra 0." "--version prints version"
expect 2 "no command" -- "$LYRA"
expect 2 "unknown command" -- "$LYRA" frobnicate
expect 2 "run without model" -- "$LYRA" run
expect 2 "run bad option" -- "$LYRA" run examples/brunel.yaml --bogus
expect 2 "run bad duration" -- "$LYRA" run examples/brunel.yaml --duration abc
expect 2 "run bad seed" -- "$LYRA" run examples/brunel.yaml --seed -4
expect 4 "run missing file" -- "$LYRA" run "$tmp/nope.yaml"
contains err "nope.yaml" "missing file is named"

expect 0 "models" -- "$LYRA" models
for m in iaf_psc_delta iaf_psc_exp iaf_psc_alpha iaf_cond_exp \
         iaf_psc_exp_multisynapse poisson_generator spike_generator \
         dc_generator; do
  contains out "$m" "models lists $m"
done
expect 0 "models iaf_psc_exp" -- "$LYRA" models iaf_psc_exp
contains out "tau_syn_ex" "models iaf_psc_exp shows parameters"
contains out "pA" "models iaf_psc_exp shows units"
contains out "receptors: excitatory" "models iaf_psc_exp shows its receptors"
expect 0 "models iaf_psc_exp_multisynapse" -- \
  "$LYRA" models iaf_psc_exp_multisynapse
contains out "ms, list" "models shows a list parameter"
contains out "receptors: 1..n" "models shows numbered receptor ports"
expect 2 "models unknown" -- "$LYRA" models nosuchmodel

for ex in examples/*.yaml; do
  expect 0 "check $ex" -- "$LYRA" check "$ex"
done
"$LYRA" check examples/brunel.yaml >"$tmp/out" 2>&1
contains out "15625000 synapses" "check brunel counts synapses exactly"
contains out "12500 neurons" "check brunel counts neurons"

expect 0 "run brunel 50 ms" -- "$LYRA" run examples/brunel.yaml \
  --duration 50ms --seed 3 --out "$tmp/b" --plot
contains out "population" "run prints the table"
contains out "real-time factor" "run prints timing"
for f in E.spikes.lyspk E.spikes.dat I.spikes.lyspk run.json raster.png; do
  if [ -s "$tmp/b/$f" ]; then echo "ok   run wrote $f"; else
    echo "FAIL run did not write $f"; fails=$((fails + 1)); fi
done
if ls "$tmp/b"/*.partial >/dev/null 2>&1; then
  echo "FAIL partial files left"; fails=$((fails + 1)); fi
contains out "raster plot: $tmp/b/raster.png" "run --plot names the figure"
if head -c 8 "$tmp/b/raster.png" | grep -q PNG; then echo "ok   raster.png is a PNG";
else echo "FAIL raster.png is not a PNG"; fails=$((fails + 1)); fi

# lyra plot draws from the run's output directory, or from one file.
rm "$tmp/b/raster.png"
expect 0 "plot DIR" -- "$LYRA" plot "$tmp/b"
contains out "$tmp/b/raster.png" "plot DIR prints the figure's path"
if [ -s "$tmp/b/raster.png" ]; then echo "ok   plot DIR wrote raster.png"; else
  echo "FAIL plot DIR did not write raster.png"; fails=$((fails + 1)); fi
expect 0 "plot --kind hist --out FILE.svg" -- "$LYRA" plot "$tmp/b" \
  --kind hist --out "$tmp/h.svg" --width 800 --height 600
if head -c 200 "$tmp/h.svg" | grep -q "<svg"; then echo "ok   --out FILE.svg is SVG";
else echo "FAIL --out FILE.svg is not SVG"; fails=$((fails + 1)); fi
expect 0 "plot a spike file, a window" -- "$LYRA" plot "$tmp/b/E.spikes.dat" \
  --t-start 10 --t-stop 40ms --bin 2 --neurons 20 --out "$tmp/e.pdf"
expect 4 "plot a missing path" -- "$LYRA" plot "$tmp/nope"
contains err "nope" "the missing path is named"
expect 4 "plot a directory without spikes" -- "$LYRA" plot "$tmp"
expect 4 "plot into an unwritable place" -- "$LYRA" plot "$tmp/b" \
  --out "$tmp/file-not-dir/raster.png"
expect 2 "plot bad kind" -- "$LYRA" plot "$tmp/b" --kind pie
expect 2 "plot bad width" -- "$LYRA" plot "$tmp/b" --width 5
expect 2 "plot bad format" -- "$LYRA" plot "$tmp/b" --out "$tmp/r.bmp"
contains err "unknown figure format" "a bad format is explained"
expect 2 "plot --out with several figures" -- "$LYRA" plot "$tmp/b" \
  --kind all --out "$tmp/x.png"
expect 2 "plot an empty window" -- "$LYRA" plot "$tmp/b" --t-start 60
expect 2 "plot traces of a spike file" -- "$LYRA" plot "$tmp/b/E.spikes.lyspk" \
  --kind trace

# Traces of a state file, beside it; --kind all draws every figure.
cat >"$tmp/state.yaml" <<'YAML'
populations:
  E: {model: iaf_psc_exp, size: 4, params: {I_e: 400 pA}}
recorders:
  - {type: spikes}
  - {type: state, population: E, variables: [V_m], neurons: [0, 2], interval: 0.5 ms}
YAML
"$LYRA" run "$tmp/state.yaml" --duration 50 --out "$tmp/s" --quiet
expect 0 "plot a state file" -- "$LYRA" plot "$tmp/s/E.V_m.lystate"
contains out "$tmp/s/E.V_m.png" "plot names the trace figure"
expect 0 "plot --kind all" -- "$LYRA" plot "$tmp/s" --kind all
for f in raster.png histograms.png E.V_m.png; do
  contains out "$tmp/s/$f" "plot --kind all draws $f"
done
expect 2 "plot a raster of a state file" -- "$LYRA" plot \
  "$tmp/s/E.V_m.lystate" --kind raster
head -c 100 "$tmp/s/E.V_m.lystate" >"$tmp/s/cut.lystate"
expect 4 "plot a truncated state file" -- "$LYRA" plot "$tmp/s/cut.lystate"
contains err "truncated" "the truncated file is named as such"

expect 0 "run --quiet" -- "$LYRA" run examples/coba.yaml --duration 20 \
  --out "$tmp/c" --quiet
if [ -s "$tmp/out" ]; then echo "FAIL --quiet printed"; fails=$((fails + 1));
else echo "ok   --quiet is quiet"; fi
# Output into a path that cannot be a directory: I/O error, exit 4.
touch "$tmp/file"
expect 4 "run into unwritable output" -- "$LYRA" run examples/coba.yaml \
  --duration 1 --out "$tmp/file/sub"

expect 0 "run --timing --threads 3" -- "$LYRA" run examples/coba.yaml \
  --duration 20 --out "$tmp/t" --timing --threads 3 --quiet
contains out "construction: place synapses" "--timing shows phases"
contains out "bytes per synapse" "--timing shows bytes per synapse"
contains out "timing (3 threads)" "--threads is used"
if grep -q '"build_phases_s"' "$tmp/t/run.json"; then echo "ok   run.json has phases";
else echo "FAIL run.json lacks build_phases_s"; fails=$((fails + 1)); fi
expect 2 "run bad threads" -- "$LYRA" run examples/coba.yaml --threads -1
expect 2 "run bad scale" -- "$LYRA" run examples/coba.yaml --scale 2
expect 0 "run --scale" -- "$LYRA" run examples/microcircuit.yaml \
  --scale 0.01,0.05 --duration 5 --out "$tmp/mc" --quiet
expect 2 "help for unknown command" -- "$LYRA" help nosuch

# A model that cannot fit is refused before anything is built (exit 5).
cat >"$tmp/huge.yaml" <<'YAML'
populations:
  A: {model: iaf_psc_exp, size: 300000}
projections:
  - {source: A, target: A, connect: {rule: all_to_all}}
YAML
expect 5 "run refuses a model larger than memory" -- "$LYRA" run "$tmp/huge.yaml"
contains err "is available" "the refusal says how much is available"
"$LYRA" check "$tmp/huge.yaml" >"$tmp/out" 2>&1
contains out "90000000000 synapses" "check predicts the huge synapse count"

echo "$fails failure(s)"
[ "$fails" = 0 ]
