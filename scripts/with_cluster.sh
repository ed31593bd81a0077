#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster with edupredict
# preloaded (PGHOST, PGPORT, PGUSER, PGDATABASE set); the cluster is removed
# when the command exits.  Used by the tests and the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
PGPORT=$(free_port) exec pg_virtualenv -t -v 15 \
  -o shared_preload_libraries=edupredict \
  -o max_parallel_workers_per_gather=2 \
  -o work_mem=64MB -o shared_buffers=256MB \
  "$@"
