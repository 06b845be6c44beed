# Helpers shared by the CLI test scripts (sourced, not run).
# The caller sets nothing; lib.sh makes $tmp (removed at exit) and counts
# failures in $fails.
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
contains() { # contains FILE TEXT DESCRIPTION (FILE relative to $tmp)
  if grep -qF -- "$2" "$tmp/$1"; then echo "ok   $3"; else
    echo "FAIL $3: '$2' not in $1"; fails=$((fails + 1)); fi
}
