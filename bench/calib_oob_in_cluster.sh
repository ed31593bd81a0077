#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for
# bench/calib_oob.sh; prints "pg seed=S model=M brier=B ece=E" lines.
#   calib_oob_in_cluster.sh DIR SEED...      DIR holds uci.csv (bench/forest_gen.py)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database calib_bench
uci_load "$dir"
for seed in "$@"; do
  "${P[@]}" <<SQL
SET edupredict.forest_threads = 2;
SELECT 1 FROM unnest(ARRAY['isotonic', 'sigmoid', NULL]) m,
     LATERAL edupredict.train_forest('cal_' || coalesce(m, 'raw'), 'uci_train', 'y', n_trees => ${CALIB_TREES:-500},
                                     test_fraction => 0, seed => $seed, calibration => m) \g /dev/null
SELECT 'pg seed=$seed model=' || CASE m WHEN 'cal_raw' THEN 'raw' WHEN 'cal_isotonic' THEN 'oob_iso' ELSE 'oob_sig' END
       || ' brier=' || round(max(value) FILTER (WHERE metric = 'brier_score')::numeric, 6)
       || ' ece=' || round(max(value) FILTER (WHERE metric = 'ece')::numeric, 6)
FROM unnest(ARRAY['cal_raw', 'cal_isotonic', 'cal_sigmoid']) m,
     LATERAL edupredict.evaluate(m, 'uci_test') e GROUP BY m ORDER BY m;
DELETE FROM edupredict.models;
SQL
done
