#!/usr/bin/env bash
# Runs inside a throwaway cluster (see scripts/with_cluster.sh): pg_regress on
# sql/*.sql and pg_prove on test/pgtap/*.sql; appends "ok NAME" or
# "FAILED NAME" lines to the summary file.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pattern=$1
summary=$2

regress=$(ls sql/*.sql | sed -e 's|^sql/||' -e 's|\.sql$||' | grep -v '^edupredict--' | grep -F -- "$pattern" | tr '\n' ' ' || true)
if [ -n "$regress" ]; then
  make -s PG_CONFIG="$PG_CONFIG" installcheck REGRESS="$regress" 2>&1 | tee "${summary}.regress" || true
  sed -nE 's/^(test )? *([A-Za-z0-9_]+) +\.\.\. ok.*/ok regress:\2/p; s/^(test )? *([A-Za-z0-9_]+) +\.\.\. FAILED.*/FAILED regress:\2/p' \
    "${summary}.regress" >>"$summary"
  [ -f regression.diffs ] && grep -q . regression.diffs && { echo "---- regression.diffs"; head -300 regression.diffs; }
fi

taps=$(ls test/pgtap/*.sql 2>/dev/null | grep -F -- "$pattern" || true)
if [ -n "$taps" ]; then
  psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS edupredict_tap' -c 'CREATE DATABASE edupredict_tap' >/dev/null
  psql -qX -v ON_ERROR_STOP=1 -d edupredict_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION edupredict CASCADE' >/dev/null
  for t in $taps; do
    name=pgtap:$(basename "$t" .sql)
    if pg_prove -d edupredict_tap "$t"; then echo "ok $name" >>"$summary"; else echo "FAILED $name" >>"$summary"; fi
  done
fi
