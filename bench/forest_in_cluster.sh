#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh): loads each data
# set, trains with train_forest in a fresh backend (wall time, backend peak
# RSS from /proc/<pid>/status VmHWM, model bytes), evaluates on the held-out
# rows, and for c1m times predict_proba over all 1,000,000 rows in SQL.
# Prints key=value lines prefixed with "pg <dataset>".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1; shift
psql -qX -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS forest_bench' -c 'CREATE DATABASE forest_bench' >/dev/null
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
P=(psql -qXAt -v ON_ERROR_STOP=1 -d forest_bench)
"${P[@]}" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION edupredict CASCADE' >/dev/null
for ds in "$@"; do
  cols=$(head -1 "$dir/$ds.csv" | tr ',' '\n' | grep -v -x -e y -e is_test | paste -sd, -)
  ytype=float8; [ "$ds" = uci ] && ytype=text
  coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
  "${P[@]}" <<SQL >/dev/null
DROP TABLE IF EXISTS $ds CASCADE;
CREATE TABLE $ds ($coldefs, y $ytype, is_test int);
\copy $ds FROM '$dir/$ds.csv' CSV HEADER
ALTER TABLE $ds ALTER COLUMN y TYPE $( [ "${ds:0:1}" = c ] && echo int || echo "$ytype" ) USING y::$( [ "${ds:0:1}" = c ] && echo int || echo "$ytype" );
CREATE VIEW ${ds}_train AS SELECT $cols, y FROM $ds WHERE is_test = 0;
CREATE VIEW ${ds}_test AS SELECT $cols, y FROM $ds WHERE is_test = 1;
VACUUM ANALYZE $ds;
SQL
  # training in a fresh backend, so VmHWM is this training's peak
  "${P[@]}" <<SQL
SELECT pg_backend_pid() AS pid \gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT 'pg $ds train_s=' || round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3)
       || ' model_bytes=' || octet_length(model) || ' engine_peak_bytes=' || (metrics->>'train_peak_bytes')
       || ' n_nodes=' || (metrics->>'n_nodes')
FROM edupredict.train_forest('$ds', '${ds}_train', 'y', test_fraction => 0, seed => 42);
\setenv BACKEND_PID :pid
\! awk '/VmHWM/ {print "pg $ds peak_bytes=" \$2 * 1024}' /proc/\$BACKEND_PID/status
SELECT 'pg $ds ' || string_agg(metric || '=' || round(value::numeric, 5), ' ')
FROM edupredict.evaluate('$ds', '${ds}_test')
WHERE metric IN ('accuracy', 'f1_macro', 'roc_auc', 'r2');
SQL
done
if [[ " $* " == *" c1m "* ]]; then
  for workers in 0 2; do
    "${P[@]}" <<SQL
SET max_parallel_workers_per_gather = $workers;
SELECT count(edupredict.predict_proba('c1m', t)) FROM c1m t WHERE false;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(edupredict.predict_proba('c1m', t)) AS n FROM c1m t \gset
SELECT 'pg c1m predict_workers_$workers=' || round(:n / (extract(epoch FROM clock_timestamp()) - :t0)) AS x;
EXPLAIN (COSTS OFF) SELECT count(edupredict.predict_proba('c1m', t)) FROM c1m t;
SQL
  done
fi
