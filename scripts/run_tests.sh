#!/usr/bin/env bash
# Runs inside a throwaway cluster (see scripts/with_cluster.sh): pg_regress on
# sql/*.sql, pg_prove on test/pgtap/*.sql and pg_isolation_regress on
# test/isolation/specs/*.spec (those PATTERN selects, see scripts/test_plan.sh);
# appends "ok NAME" or "FAILED NAME -- reason" lines to the summary file.
# A test that cannot run is recorded as FAILED here; one that silently does
# not report is counted as failed by scripts/test.sh, which knows the plan.
#   scripts/run_tests.sh PATTERN SUMMARY
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/test_plan.sh
pattern=$1
SUMMARY=$2
plan=$(plan_files "$pattern")
pgxs_bin=$(dirname "$("$PG_CONFIG" --pgxs)")/../test
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# runnable KIND NAME EXPECTED: a name pg_regress can take, with an expected output.
runnable() {
  if [[ $2 =~ [[:space:]] ]]; then record FAILED "$1:$2" "white space in the file name (pg_regress cannot run it)"; return 1; fi
  if [ ! -f "$3" ]; then record FAILED "$1:$2" "no expected output $3"; return 1; fi
}

regress=()
while IFS= read -r n; do
  runnable regress "$n" "expected/$n.out" && regress+=("$n")
done < <(sed -n 's/^regress://p' <<<"$plan")
if [ ${#regress[@]} -gt 0 ]; then
  # ISOLATION= : isolation specs run below, never twice through PGXS.
  make -s PG_CONFIG="$PG_CONFIG" installcheck REGRESS="${regress[*]}" ISOLATION= 2>&1 | tee "$out/regress.log"
  rc=${PIPESTATUS[0]}
  parse_regress_output regress: <"$out/regress.log" >"$out/regress.results"
  cat "$out/regress.results" >>"$SUMMARY"
  # a failing run must show up even if every test it printed passed
  [ $rc -eq 0 ] || grep -q '^FAILED ' "$out/regress.results" || record FAILED regress:pg_regress "exit status $rc"
  [ -f regression.diffs ] && grep -q . regression.diffs && { echo "---- regression.diffs"; head -300 regression.diffs; }
fi

isolation=()
while IFS= read -r n; do
  spec=test/isolation/specs/$n.spec
  if [ ! -f "$spec" ]; then record FAILED "isolation:$n" "specs belong in test/isolation/specs/"; continue; fi
  runnable isolation "$n" "test/isolation/expected/$n.out" && isolation+=("$n")
done < <(sed -n 's/^isolation://p' <<<"$plan")
if [ ${#isolation[@]} -gt 0 ]; then
  mkdir -p "$out/isolation"
  "$pgxs_bin/isolation/pg_isolation_regress" --inputdir=test/isolation --outputdir="$out/isolation" \
    --bindir="$PGBIN" --dbname=edupredict_isolation "${isolation[@]}" 2>&1 | tee "$out/isolation.log"
  rc=${PIPESTATUS[0]}
  parse_regress_output isolation: <"$out/isolation.log" >"$out/isolation.results"
  cat "$out/isolation.results" >>"$SUMMARY"
  [ $rc -eq 0 ] || grep -q '^FAILED ' "$out/isolation.results" || record FAILED isolation:pg_isolation_regress "exit status $rc"
  [ -s "$out/isolation/regression.diffs" ] && { echo "---- isolation regression.diffs"; head -300 "$out/isolation/regression.diffs"; }
fi

taps=$(sed -n 's/^pgtap://p' <<<"$plan")
if [ -n "$taps" ]; then
  psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS edupredict_tap' -c 'CREATE DATABASE edupredict_tap' >/dev/null &&
    psql -qX -v ON_ERROR_STOP=1 -d edupredict_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION edupredict CASCADE' >/dev/null
  tapdb=$?
  while IFS= read -r n; do
    if [ $tapdb -ne 0 ]; then record FAILED "pgtap:$n" "could not create the pgTAP database"; continue; fi
    if pg_prove -d edupredict_tap "test/pgtap/$n.sql"; then record ok "pgtap:$n"; else record FAILED "pgtap:$n" "pg_prove exit status $?"; fi
  done <<<"$taps"
fi
exit 0
