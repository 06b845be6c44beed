#!/usr/bin/env bash
# Installs the Debian packages lyra needs, if any are missing.
#   scripts/deps.sh          build dependencies
#   scripts/deps.sh --test   plus what the test suite uses (clang for the
#                            fuzzer and sanitizers)
#   scripts/deps.sh --bench  plus the peer simulator (Brian2) for bench/
set -euo pipefail

pkgs=(cmake make gcc pkg-config libyaml-dev librandom123-dev libgsl-dev
  libcairo2-dev libhdf5-dev)
for arg in "$@"; do
  case "$arg" in
    --test) pkgs+=(clang libclang-rt-14-dev hdf5-tools python3-h5py
    python3-numpy) ;;
    --bench) pkgs+=(python3-brian python3-numpy python3-scipy g++ time) ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "lyra: installing Debian packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
