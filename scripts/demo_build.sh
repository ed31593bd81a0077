#!/usr/bin/env bash
# Builds the demo database: loads data/*/load.sql, then runs demo/NN_*.sql and
# demo/NN_*.sh in order, writing the demo's files to OUT_DIR.  Shared by
# scripts/demo.sh (OUT_DIR = out/) and the documentation test
# (scripts/run_doc_test.sh, a temporary folder), so both build the same thing.
#   scripts/demo_build.sh OUT_DIR PSQL_COMMAND...
# PSQL_COMMAND is a psql command line connected to a database that has the
# extension, e.g. psql -X -q -h HOST -p PORT -U postgres -d edupredict.
# The SQL files name their inputs data/... and their outputs out/...,
# relative to psql's working folder: psql runs in a scratch folder where
# data/ is the repository's data/ and out/ is OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ $# -ge 2 ] || { echo "usage: $0 OUT_DIR PSQL_COMMAND..." >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
shift
psql_db=("$@" -v ON_ERROR_STOP=1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$root/data" "$work/data"
ln -s "$out" "$work/out"
cd "$work"

echo "==> loading bundled data"
for f in "$root"/data/*/load.sql; do
  "${psql_db[@]}" -f "$f" >/dev/null
done

for f in "$root"/demo/[0-9]*.sql; do
  echo "==> demo/${f##*/}"
  "${psql_db[@]}" -f "$f"
done
export DEMO_PSQL="${psql_db[*]}" OUT="$out"
for f in "$root"/demo/[0-9]*.sh; do
  [ -e "$f" ] || continue
  echo "==> demo/${f##*/}"
  bash "$f"
done
