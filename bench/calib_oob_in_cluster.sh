#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for
# bench/calib_oob.sh; prints "pg seed=S model=M brier=B ece=E" lines.
#   calib_oob_in_cluster.sh DIR SEED...      DIR holds uci.csv (bench/forest_gen.py)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
psql -qX -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS calib_bench' \
  -c 'CREATE DATABASE calib_bench' >/dev/null
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
P=(psql -qXAt -v ON_ERROR_STOP=1 -d calib_bench)
"${P[@]}" -c 'CREATE EXTENSION edupredict CASCADE' >/dev/null
cols=$(head -1 "$dir/uci.csv" | tr ',' '\n' | grep -v -x -e y -e is_test | paste -sd, -)
coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
"${P[@]}" <<SQL >/dev/null
CREATE TABLE uci ($coldefs, y text, is_test int);
\copy uci FROM '$dir/uci.csv' CSV HEADER
CREATE VIEW uci_train AS SELECT $cols, y FROM uci WHERE is_test = 0;
CREATE VIEW uci_test AS SELECT * FROM uci WHERE is_test = 1;
VACUUM ANALYZE uci;
SQL
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
