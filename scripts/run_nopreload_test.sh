#!/usr/bin/env bash
# Runs inside a cluster WITHOUT edupredict in shared_preload_libraries: the
# PII key is then an unprotected placeholder, and sha256_pii must refuse.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
summary=$1
out=$(mktemp -d)
if "$($PG_CONFIG --pgxs | xargs dirname)/../test/regress/pg_regress" \
    --inputdir=test/nopreload --outputdir="$out" --bindir="$PGBIN" \
    --dbname=edupredict_nopreload nopreload; then
  echo "ok regress:nopreload" >>"$summary"
else
  cat "$out/regression.diffs" 2>/dev/null | head -100
  echo "FAILED regress:nopreload" >>"$summary"
fi
rm -rf "$out"
