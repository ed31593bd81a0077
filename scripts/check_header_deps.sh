#!/usr/bin/env bash
# The build:header-deps step of scripts/test.sh, run after its build: a change to
# a header of src/ rebuilds exactly the objects of the sources that include it,
# directly or through another header (and their LLVM bitcode when PostgreSQL was
# built with LLVM), none other.  For each header of src/, the preprocessor
# (gcc -MM, with make's own CPPFLAGS) names the sources that include it, and
# `make -n -W HEADER` (a dry run that takes the header for new) must plan to
# compile those and nothing else.  Nothing is compiled or installed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. scripts/lib.sh
mk=(make -s --no-print-directory PG_CONFIG="$PG_CONFIG")

# make's own view: with_llvm, CPPFLAGS and the objects
vars=$("${mk[@]}" -f Makefile -f - header-deps-vars <<'EOF'
header-deps-vars: ; @printf '%s\n' '$(with_llvm)' '$(CPPFLAGS)' '$(OBJS)'
EOF
) || { echo "header-deps: make could not print its variables"; exit 1; }
{ read -r with_llvm; read -r cppflags; read -r -a objs; } <<<"$vars"
[ ${#objs[@]} -gt 0 ] || { echo "header-deps: make lists no objects"; exit 1; }
all=${#objs[@]}; [ "$with_llvm" = yes ] && all=$((2 * all))   # files a header could rebuild

# planned [-W HEADER]: the files make -n would compile (the -o of each command), sorted
planned() {
  "${mk[@]}" -n "$@" all | grep -oE -- ' -o src/[^ ]+\.(o|bc)( |$)' | sed 's/^ -o //; s/ $//' | sort -u
}

bad=0
stale=$(planned)
if [ -n "$stale" ]; then
  echo "header-deps: the build is not up to date (make -n compiles $(wc -l <<<"$stale") files); run it after the build"
  exit 1
fi

# "OBJECT HEADER" for every header of src/ each object's source reads (one
# dependency file per source: parallel runs writing to one pipe would interleave)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
# shellcheck disable=SC2086  # CPPFLAGS is a list of words
printf '%s\n' "${objs[@]/%.o/.c}" | xargs -P "$(nproc)" -I{} gcc -MM $cppflags -MF "$tmp/{}.d" {} ||
  { echo "header-deps: gcc -MM failed"; exit 1; }
deps=$(cat "$tmp"/src/*.d)
pairs=$(sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' <<<"$deps" | awk '
  { src = $2; sub(/\.c$/, ".o", src)
    for (i = 3; i <= NF; i++) { h = $i; sub(/^\.\//, "", h); if (h ~ /^src\/[^\/]+\.h$/) print src, h } }' | sort -u)

checked=0
for h in src/*.h; do
  want=$(awk -v h="$h" '$2 == h { print $1; if (llvm == "yes") { sub(/\.o$/, ".bc", $1); print $1 } }' \
    llvm="$with_llvm" <<<"$pairs" | sort -u)
  got=$(planned -W "$h")
  if [ "$want" != "$got" ]; then
    bad=1
    echo "header-deps: after a change to $h, make -n plans the wrong files"
    comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep . | sed 's/^/  not rebuilt (includes it): /' | head -5
    comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep . | sed 's/^/  rebuilt (does not include it): /' | head -5
  fi
  # a header that some sources include and others do not tells both cases apart
  n=$(grep -c . <<<"$want")
  [ "$n" -gt 0 ] && [ "$n" -lt "$all" ] && checked=$((checked + 1))
done
if [ "$checked" -eq 0 ]; then
  echo "header-deps: no header of src/ is included by some sources and not others; nothing was told apart"
  bad=1
fi
[ "$bad" -eq 0 ] && echo "header-deps: $checked headers, each rebuilding exactly its includers"
exit "$bad"
