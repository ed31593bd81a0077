#!/usr/bin/env bash
# Remakes test/fuzz/corpus_trees, the seeds of fuzz_agg_state that the server
# wrote: forest_agg_trees states as it flattens them (test/fuzz/trees_corpus.sql).
# Needs the build installed (scripts/test.sh forest_agg_trees does), then:
#   scripts/with_cluster.sh test/fuzz/trees_corpus.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/fuzz/corpus_trees
mkdir -p "$out"
rm -f "$out"/*.bin
psql -X -q -v ON_ERROR_STOP=1 -At -F ' ' -f test/fuzz/trees_corpus.sql | while read -r name hex; do
  [ -n "$hex" ] || continue
  printf '%s' "$hex" | xxd -r -p >"$out/$name.bin"
done
ls -l "$out"
