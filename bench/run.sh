#!/usr/bin/env bash
# Peer benchmark: lyra vs Brian2 C++ standalone on Brunel (2000), Brunel
# with STDP and synaptic scaling, COBA, and a 10,000-neuron AdEx network.
#
# Usage: bench/run.sh [--threads N] [--models "brunel brunel_stdp coba adex"]
#                     [--no-brian2] [--no-lyra] [--no-variants]
# Environment:
#   DURATION_MS  biological time per run (default 10000)
#   OUT_DIR      where results go (default /tmp/lyra-bench)
#   LYRA         lyra binary (default build/lyra; built with cmake if missing)
#   PYTHON       interpreter with Brian2 (default /usr/bin/python3)
#   SEED         Brian2 seed (default 12345; lyra uses the seed in its YAML)
#   MODEL_DIR    directory with the lyra models (default examples):
#                <model>.yaml, and adex_network.yaml for adex
# Each model runs its YAML in lyra and bench/brian2_<model>.py in Brian2.
# adex runs lyra twice: as written (rk4, the scheme of Brian2's rk4) and,
# unless --no-variants, with NEST's rkf45 (lyra-adex.rkf45). See
# bench/README.md.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

DURATION_MS=${DURATION_MS:-10000}
OUT_DIR=${OUT_DIR:-/tmp/lyra-bench}
LYRA=${LYRA:-build/lyra}
PYTHON=${PYTHON:-/usr/bin/python3}
SEED=${SEED:-12345}
MODEL_DIR=${MODEL_DIR:-examples}
THREADS=1
MODELS="brunel brunel_stdp coba adex"
DO_LYRA=1
DO_BRIAN2=1
DO_VARIANTS=1

while [ $# -gt 0 ]; do
    case "$1" in
        --threads) THREADS=$2; shift 2 ;;
        --threads=*) THREADS=${1#*=}; shift ;;
        --models) MODELS=$2; shift 2 ;;
        --models=*) MODELS=${1#*=}; shift ;;
        --no-lyra) DO_LYRA=0; shift ;;
        --no-brian2) DO_BRIAN2=0; shift ;;
        --no-variants) DO_VARIANTS=0; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

mkdir -p "$OUT_DIR"
log() { echo "[bench] $*" >&2; }

# /usr/bin/time -v gives lyra's peak RSS from outside the process.
TIMEV=()
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing GNU time (apt-get install -y time)"
    apt-get install -y time >/dev/null 2>&1 || log "could not install GNU time"
fi
if [ -x /usr/bin/time ]; then
    TIMEV=(/usr/bin/time -v)
else
    log "GNU time missing: lyra's peak RSS is taken from its run.json"
fi

lyra_ok=1
if [ "$DO_LYRA" = 1 ] && [ ! -x "$LYRA" ]; then
    log "building lyra (cmake, Release)"
    if ! { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release &&
           cmake --build build -j2; } >"$OUT_DIR/lyra-build.log" 2>&1 || [ ! -x "$LYRA" ]; then
        log "lyra build FAILED (see $OUT_DIR/lyra-build.log); Brian2 numbers only"
        lyra_ok=0
    fi
fi

# lyra's default is one thread per core: always say how many.
lyra_threads=(--threads "$THREADS")

# The model file of model $1.
model_file() {
    case "$1" in
        adex) echo "$MODEL_DIR/adex_network.yaml" ;;
        *) echo "$MODEL_DIR/$1.yaml" ;;
    esac
}

# Extra lyra runs of model $1, each "NAME SED-EXPRESSION": the model file
# with the expression applied, results in lyra-<model>.NAME.
lyra_variants() {
    case "$1" in
        adex) printf '%s\n' 'rkf45 s/^\( *integrator:\) *rk4\b/\1 rkf45/' ;;
    esac
}

# run_lyra NAME YAML: runs YAML for $DURATION_MS; results go to
# $OUT_DIR/lyra-NAME{/,.log,.time,.status}.
run_lyra() {
    local name=$1 yaml=$2 rc
    rm -rf "$OUT_DIR/lyra-$name" "$OUT_DIR/lyra-$name.time"
    if [ "$lyra_ok" != 1 ]; then
        echo build-failed >"$OUT_DIR/lyra-$name.status"
        return
    fi
    if [ ! -f "$yaml" ]; then
        log "lyra: $yaml missing"
        echo missing-model >"$OUT_DIR/lyra-$name.status"
        return
    fi
    log "lyra: $name ($yaml), ${DURATION_MS} ms, threads $THREADS"
    if [ ${#TIMEV[@]} -gt 0 ]; then
        "${TIMEV[@]}" -o "$OUT_DIR/lyra-$name.time" \
            "$LYRA" run "$yaml" --duration "$DURATION_MS" \
            --out "$OUT_DIR/lyra-$name" --quiet "${lyra_threads[@]}" \
            >"$OUT_DIR/lyra-$name.log" 2>&1
    else
        "$LYRA" run "$yaml" --duration "$DURATION_MS" \
            --out "$OUT_DIR/lyra-$name" --quiet "${lyra_threads[@]}" \
            >"$OUT_DIR/lyra-$name.log" 2>&1
    fi
    rc=$?
    echo "$rc" >"$OUT_DIR/lyra-$name.status"
    if [ "$rc" != 0 ]; then
        log "lyra FAILED on $name (exit $rc, see $OUT_DIR/lyra-$name.log)"
    elif [ ! -f "$OUT_DIR/lyra-$name/run.json" ]; then
        log "lyra wrote no $OUT_DIR/lyra-$name/run.json"
        echo no-run-json >"$OUT_DIR/lyra-$name.status"
    fi
}

for m in $MODELS; do
    # --- lyra -------------------------------------------------------------
    # Results of variants from an earlier run would be reported as current.
    rm -rf "$OUT_DIR/lyra-$m".*/ "$OUT_DIR/lyra-$m".*.status
    if [ "$DO_LYRA" = 1 ]; then
        yaml=$(model_file "$m")
        run_lyra "$m" "$yaml"
        if [ "$DO_VARIANTS" = 1 ]; then
            while read -r vname vsed; do
                [ -n "$vname" ] || continue
                vyaml="$OUT_DIR/$m.$vname.yaml"
                if [ -f "$yaml" ] && sed "$vsed" "$yaml" >"$vyaml" &&
                   ! cmp -s "$yaml" "$vyaml"; then
                    run_lyra "$m.$vname" "$vyaml"
                else
                    log "lyra: could not make the $vname variant of $yaml"
                    echo no-variant >"$OUT_DIR/lyra-$m.$vname.status"
                fi
            done <<<"$(lyra_variants "$m")"
        fi
    else
        echo skipped >"$OUT_DIR/lyra-$m.status"
    fi

    # --- Brian2 C++ standalone ---------------------------------------------
    if [ "$DO_BRIAN2" = 1 ]; then
        rm -f "$OUT_DIR/brian2-$m.json"
        log "brian2: $m, ${DURATION_MS} ms, cpp_standalone, $THREADS thread(s)"
        if ! "$PYTHON" "$here/brian2_$m.py" --duration "$DURATION_MS" \
                --threads "$THREADS" --seed "$SEED" --mode standalone \
                --build-dir "$OUT_DIR/brian2-$m-project" \
                --out "$OUT_DIR/brian2-$m.json" >"$OUT_DIR/brian2-$m.log" 2>&1; then
            log "brian2 FAILED on $m (see $OUT_DIR/brian2-$m.log)"
        fi
    fi
done

# shellcheck disable=SC2086
"$PYTHON" "$here/report.py" "$OUT_DIR" $MODELS
