#!/usr/bin/env bash
# CLI tests: help, catalogue, check, run, and usage errors with their
# documented exit codes (0 ok, 2 bad command line, 3 invalid model,
# 4 I/O error).
set -u
LYRA=${1:?usage: commands.sh PATH_TO_LYRA}
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/err" | head -5
    fails=$((fails + 1))
  else
    echo "ok   $what"
  fi
}
contains() { # contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$tmp/$1"; then echo "ok   $3"; else
    echo "FAIL $3: '$2' not in $1"; fails=$((fails + 1)); fi
}

for c in run check models; do
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
         poisson_generator spike_generator dc_generator; do
  contains out "$m" "models lists $m"
done
expect 0 "models iaf_psc_exp" -- "$LYRA" models iaf_psc_exp
contains out "tau_syn_ex" "models iaf_psc_exp shows parameters"
contains out "pA" "models iaf_psc_exp shows units"
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
for f in E.spikes.lyspk E.spikes.dat I.spikes.lyspk run.json raster.svg; do
  if [ -s "$tmp/b/$f" ]; then echo "ok   run wrote $f"; else
    echo "FAIL run did not write $f"; fails=$((fails + 1)); fi
done
if ls "$tmp/b"/*.partial >/dev/null 2>&1; then
  echo "FAIL partial files left"; fails=$((fails + 1)); fi
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
