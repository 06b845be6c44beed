#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a program against
# it with pkg-config, linking the shared and the static library.
set -eu
build=${1:?usage: install.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name lyra.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL no lyra.pc installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
cat >"$tmp/use.c" <<'C'
#include <lyra.h>
#include <stdio.h>
int main(void) {
  lyra_model *m;
  if (lyra_model_create(&m) || lyra_model_add_population(m, "P", "iaf_psc_exp", 3, NULL))
    return 1;
  printf("lyra %s, %d population\n", lyra_version(), lyra_model_population_count(m));
  lyra_model_destroy(m);
  return 0;
}
C
libdir=$(pkg-config --variable=libdir lyra)
cc -std=c11 "$tmp/use.c" $(pkg-config --cflags --libs lyra) \
  -Wl,-rpath,"$libdir" -o "$tmp/use_shared"
"$tmp/use_shared"
cc -std=c11 "$tmp/use.c" $(pkg-config --cflags lyra) \
  "$libdir/liblyra.a" $(pkg-config --libs --static lyra | sed 's/-llyra//') \
  -o "$tmp/use_static"
"$tmp/use_static"
[ -f "$tmp/prefix/share/man/man1/lyra.1" ] || { echo "FAIL man page not installed"; exit 1; }
echo "ok   install, pkg-config, shared and static linking, man page"
