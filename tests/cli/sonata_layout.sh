#!/usr/bin/env bash
# lyra run with `format: sonata` writes spikes.h5 in the SONATA layout:
# root attributes magic and version, /spikes/<population> with sorting
# by_time (an enum over uint8), node_ids uint64, timestamps float64 with
# units "ms". Checked with h5dump (Debian hdf5-tools).
set -u
LYRA=${1:?usage: sonata_layout.sh PATH_TO_LYRA}
if ! command -v h5dump >/dev/null; then
  echo "FAIL h5dump not found: run scripts/deps.sh --test (Debian hdf5-tools)"
  exit 1
fi
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/m.yaml" <<'YAML'
run: {dt: 0.1 ms, duration: 50 ms, seed: 2}
populations:
  E: {model: iaf_psc_delta, size: 20, params: {V_th: 20 mV, E_L: 0 mV, V_reset: 0 mV}}
  I: {model: iaf_psc_delta, size: 5, params: {V_th: 20 mV, E_L: 0 mV, V_reset: 0 mV}}
devices:
  - {model: poisson_generator, params: {rate: 30000 Hz}, targets: [E, I],
     synapse: {weight: 0.1 mV, delay: 1 ms}}
recorders:
  - {type: spikes, format: sonata}
YAML

check() { # check DESCRIPTION -- command...
  local what=$1; shift 2
  if "$@" >/dev/null 2>&1; then echo "ok   $what"; else
    echo "FAIL $what"; fails=$((fails + 1)); fi
}
# The lines of the block that starts at a line matching $2 in file $1, up
# to the next ATTRIBUTE or DATASET line.
block() {
  awk -v start="$2" 'found && /(ATTRIBUTE|DATASET) "/ {exit}
    found {print} index($0, start) {found = 1; print}' "$1"
}
has() { # has FILE START TEXT: the block at START contains TEXT
  block "$1" "$2" | grep -qF -- "$3"
}
has_re() { # has_re FILE START REGEX
  block "$1" "$2" | grep -qE -- "$3"
}
attr_has() { # attr_has /PATH/TO/ATTRIBUTE TEXT
  h5dump -a "$1" "$h5" | grep -qF -- "$2"
}

if ! "$LYRA" run "$tmp/m.yaml" --out "$tmp/out" --quiet 2>"$tmp/err"; then
  echo "FAIL lyra run:"; sed 's/^/  | /' "$tmp/err"; exit 1
fi
h5=$tmp/out/spikes.h5
check "spikes.h5 written" -- test -s "$h5"
check "no partial file left" -- test ! -e "$h5.partial"
check "no native spike files (format sonata only)" -- \
  test ! -e "$tmp/out/E.spikes.lyspk"
h5dump -A "$h5" >"$tmp/attrs" 2>&1
h5dump -H "$h5" >"$tmp/header" 2>&1
a=$tmp/attrs h=$tmp/header
check "magic is uint32" -- has "$a" 'ATTRIBUTE "magic"' "H5T_STD_U32LE"
check "magic is 0x0A7A" -- has "$a" 'ATTRIBUTE "magic"' "(0): 2682"
check "version is uint32[2]" -- has "$a" 'ATTRIBUTE "version"' \
  "SIMPLE { ( 2 ) / ( 2 ) }"
check "version is 0.1" -- has "$a" 'ATTRIBUTE "version"' "(0): 0, 1"
for pop in E I; do
  check "group /spikes/$pop" -- grep -qF "GROUP \"$pop\"" "$h"
done
check "sorting is an enum" -- has "$a" 'ATTRIBUTE "sorting"' "H5T_ENUM"
check "sorting enum over uint8" -- has "$a" 'ATTRIBUTE "sorting"' \
  "H5T_STD_U8LE"
check "sorting names by_time = 2" -- has_re "$a" 'ATTRIBUTE "sorting"' \
  '"by_time" +2;'
check "sorting is by_time" -- has "$a" 'ATTRIBUTE "sorting"' "(0): by_time"
check "units are ms" -- has "$a" 'ATTRIBUTE "units"' '(0): "ms"'
check "node_ids are uint64" -- has "$h" 'DATASET "node_ids"' "H5T_STD_U64LE"
check "timestamps are float64" -- has "$h" 'DATASET "timestamps"' \
  "H5T_IEEE_F64LE"
check "lyra_first_id of I is 21" -- attr_has /spikes/I/lyra_first_id "(0): 21"
check "datasets of E extend" -- has "$h" 'DATASET "node_ids"' \
  "H5S_UNLIMITED"

[ "$fails" -eq 0 ] && echo "all sonata layout checks passed"
exit $((fails > 0))
