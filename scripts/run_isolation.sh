#!/usr/bin/env bash
# Runs inside a throwaway cluster (see scripts/with_cluster.sh): the
# concurrency schedules test/isolation/specs/*.spec with pg_isolation_regress
# (expected output in test/isolation/expected/); appends "ok isolation:NAME"
# or "FAILED isolation:NAME" per spec to the summary file.
#   scripts/run_isolation.sh PATTERN SUMMARY   specs whose name contains
#   PATTERN (every spec if PATTERN is empty or part of the word "isolation")
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pattern=$1
summary=$2

specs=()
for f in test/isolation/specs/*.spec; do
  [ -e "$f" ] || continue
  s=$(basename "$f" .spec)
  if [ -z "$pattern" ] || [[ isolation == *"$pattern"* ]] || [[ $s == *"$pattern"* ]]; then specs+=("$s"); fi
done
[ ${#specs[@]} -gt 0 ] || exit 0

out=results/isolation
rm -rf "$out" && mkdir -p "$out"
"$(dirname "$($PG_CONFIG --pgxs)")/../test/isolation/pg_isolation_regress" \
  --inputdir=test/isolation --outputdir="$out" --bindir="$PGBIN" \
  --dbname=edupredict_isolation "${specs[@]}" 2>&1 | tee "$out/log"
# A spec without an "ok" line failed, also when the runner itself could not start.
for s in "${specs[@]}"; do
  if grep -qE "^(test )? *$s +\.\.\. ok" "$out/log"; then
    echo "ok isolation:$s" >>"$summary"
  else
    echo "FAILED isolation:$s" >>"$summary"
  fi
done
[ -s "$out/regression.diffs" ] && { echo "---- isolation regression.diffs"; head -300 "$out/regression.diffs"; }
exit 0
