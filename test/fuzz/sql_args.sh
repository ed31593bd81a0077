#!/usr/bin/env bash
# Catalog-driven fuzz of every SQL function's arguments (step fuzz:sql-args of
# scripts/test.sh): in a throwaway cluster with edupredict preloaded, loads the
# small state of test/fuzz/sql_args_setup.sql, then test/fuzz/sql_args.py calls
# every function, aggregate and window function of schema edupredict with one
# hostile argument at a time, then again (sampled) as two untrusted roles, with
# and without edupredict_user, on their own state and on the superuser's, and
# as a role the superuser granted some of its models.  A crash, a class-XX
# error, a role's call that changes the superuser's registry rows or tables,
# one that returns data from the superuser's models (not granted to it) or
# tables, or the grantee's call that changes a granted model fails the step.
# Then, as the superuser, SQLFUZZ_COMBO calls per function (default 100 here,
# 0 turns them off) vary 2 or 3 arguments at once through hostile and
# boundary values, drawn from SQLFUZZ_SEED (default 1, printed); the step
# takes about 90 s on 2 cores.
#   test/fuzz/sql_args.sh      (needs edupredict installed; scripts/test.sh builds it)
# SQLFUZZ_ONLY=REGEX limits it to some functions, SQLFUZZ_LOG=FILE keeps every outcome.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${SQLFUZZ_IN_CLUSTER:-}" ]; then
  SQLFUZZ_IN_CLUSTER=1 exec scripts/with_cluster.sh "$0" "$@"
fi
psql -X -q -o /dev/null -f test/fuzz/sql_args_setup.sql
export SQLFUZZ_COMBO=${SQLFUZZ_COMBO:-100}
exec /usr/bin/python3 test/fuzz/sql_args.py
