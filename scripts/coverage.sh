#!/usr/bin/env bash
# Which lines and which ERROR sites of src/*.c no test executes (gcov).
# Copies the checkout (committed and changed files) to a temporary folder,
# builds it there with --coverage at -O0, runs scripts/test.sh PATTERN... from
# that copy (it installs that build: the next scripts/test.sh or demo run
# installs its own again), then reports per file and lists every
# ereport/elog(ERROR) site no test reached.  A failing test does not stop the
# report (-O0 makes some bounded-time tests slower).  The byte fuzzers build
# their own copies of the parsers: their coverage is not counted here.
#   scripts/coverage.sh [PATTERN...]   report in $COVERAGE_OUT (default /tmp/edupredict-coverage)
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
out=${COVERAGE_OUT:-/tmp/edupredict-coverage}
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t "$copy" 2>/dev/null
(cd "$copy" && make -s PG_CONFIG="$PG_CONFIG" -j2 OPTFLAGS="-O0 --coverage" LDFLAGS_SL=--coverage) || exit 1
chmod -R a+rwX "$copy"          # the server writes the .gcda files as its own user
(cd "$copy" && scripts/test.sh "$@") 2>&1 | tail -3
rm -rf "$out" && mkdir -p "$out"
(cd "$copy" && for f in src/*.c; do gcov -o src "$f" >/dev/null 2>&1; done && mv ./*.gcov "$out"/)
/usr/bin/python3 scripts/coverage_report.py "$out" | tee "$out/REPORT.txt"
