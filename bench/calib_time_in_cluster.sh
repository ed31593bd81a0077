#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for bench/calib_time.sh;
# prints "pg what=W s=SECONDS" lines.
#   calib_time_in_cluster.sh DIR RUNS      DIR holds uci.csv (bench/forest_gen.py)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 runs=$2
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning -c edupredict.forest_threads=2"
bench_database calib_time
uci_load "$dir"
for i in $(seq "$runs"); do
  "${P[@]}" <<'SQL'
SELECT clock_timestamp() AS t0 \gset
SELECT 1 FROM edupredict.train_forest('t_cv5', 'uci_train', 'y', n_trees => 100, test_fraction => 0,
                                      calibration => 'isotonic', calibration_folds => 5) \g /dev/null
SELECT 'pg what=pg_cv5 s=' || round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 4);
SELECT clock_timestamp() AS t0 \gset
SELECT 1 FROM edupredict.train_forest('t_oob', 'uci_train', 'y', n_trees => 500, test_fraction => 0,
                                      calibration => 'isotonic') \g /dev/null
SELECT 'pg what=pg_oob500 s=' || round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 4);
SELECT edupredict.drop_model(n) FROM unnest(ARRAY['t_cv5', 't_oob']) n \g /dev/null
SQL
done
