#!/bin/sh
# Bad model files must fail cleanly: `lyra check FILE` exits with 3 (model
# file error), prints exactly one line "FILE:LINE:COL: message" to stderr,
# and never crashes. A file may state the line its error must name with a
# comment "# expect-line: N".
#
# Usage: tests/cli/bad_input.sh LYRA_BIN [BAD_DIR]
#   LYRA_BIN  path of the lyra executable
#   BAD_DIR   folder of bad *.yaml files (default: bad/ next to this script)
set -u

lyra=${1:?usage: bad_input.sh LYRA_BIN [BAD_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
bad_dir=${2:-$here/bad}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyra-bad-input.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

failures=0
checked=0

fail() {
  echo "FAIL $1: $2"
  sed 's/^/  stderr: /' "$tmp/stderr"
  failures=$((failures + 1))
}

# Runs `lyra check $1` with stdout and stderr kept in $tmp; sets $rc.
run_check() {
  "$lyra" check "$1" >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  checked=$((checked + 1))
}

# Exit code 3, no crash, one line "FILE:LINE:COL: ..." on stderr, and the
# line named by "# expect-line:" if the file has one.
check_bad() {
  f=$1
  run_check "$f"
  if [ "$rc" -ge 128 ]; then
    fail "$f" "crashed (exit code $rc)"
    return
  fi
  if [ "$rc" -ne 3 ]; then
    fail "$f" "exit code $rc, expected 3"
    return
  fi
  lines=$(wc -l <"$tmp/stderr")
  if [ "$lines" -ne 1 ] || [ -n "$(tail -c 1 "$tmp/stderr")" ]; then
    fail "$f" "stderr has $lines line(s), expected exactly one"
    return
  fi
  msg=$(cat "$tmp/stderr")
  case $msg in
  "$f:"*) rest=${msg#"$f:"} ;;
  *)
    fail "$f" "message does not start with '$f:'"
    return
    ;;
  esac
  if ! printf '%s\n' "$rest" | grep -Eq '^[0-9]+:[0-9]+: .'; then
    fail "$f" "message does not start with '$f:LINE:COL: '"
    return
  fi
  want=$(sed -n 's/^# expect-line: *\([0-9][0-9]*\).*/\1/p' "$f" | head -n 1)
  got=${rest%%:*}
  if [ -n "$want" ] && [ "$got" != "$want" ]; then
    fail "$f" "error at line $got, expected line $want"
  fi
}

for f in "$bad_dir"/*.yaml; do
  [ -e "$f" ] || {
    echo "no bad files in $bad_dir"
    exit 1
  }
  check_bad "$f"
done

# Binary content is made here rather than kept in the repository.
printf '\000\001\002\377\376garbage\200\n' >"$tmp/binary_garbage.yaml"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' \
  >"$tmp/elf_header.yaml"
printf '# expect-line: 4\npopulations:\n  E:\n    model: iaf_\303\050\n' \
  >"$tmp/invalid_utf8.yaml"
for f in binary_garbage elf_header invalid_utf8; do
  check_bad "$tmp/$f.yaml"
done

# A file that cannot be read: non-zero exit, no crash, one line naming it.
run_check "$tmp/does-not-exist.yaml"
if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ] || [ "$(wc -l <"$tmp/stderr")" -ne 1 ] ||
  ! grep -Fq "$tmp/does-not-exist.yaml: " "$tmp/stderr"; then
  fail "$tmp/does-not-exist.yaml" "exit code $rc; expected a one-line error"
fi

# And a good file passes.
cat >"$tmp/good.yaml" <<'EOF'
run: {dt: 0.1 ms, duration: 100 ms, seed: 7, output: lyra-out/bad-input}
populations:
  E: {model: iaf_psc_delta, size: 40, params: {tau_m: 20 ms, V_th: 20 mV}}
  I: {model: iaf_psc_delta, size: 10}
projections:
  - source: [E, I]
    target: [E, I]
    connect: {rule: fixed_indegree, indegree: 5}
    synapse: {weight: 0.1 mV, delay: 1.5 ms}
devices:
  - model: poisson_generator
    params: {rate: 20000 Hz}
    targets: [E, I]
    synapse: {weight: 0.1 mV}
recorders:
  - type: spikes
EOF
run_check "$tmp/good.yaml"
if [ "$rc" -ne 0 ]; then
  fail "$tmp/good.yaml" "a valid model file gave exit code $rc"
fi

echo "$checked files checked, $failures failed"
[ "$failures" -eq 0 ]
