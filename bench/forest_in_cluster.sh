#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh): creates the
# extension (then touches $FOREST_BENCH_READY, so bench/forest.sh can release
# the install lock), loads each data set, trains with train_forest once per
# run of bench/lib/forest_runs.sh, each in a fresh backend (wall time, memory
# and CPU from bench/lib/procmem.sh on the backend, model bytes), evaluates on
# the held-out rows, and for c1m times predict_proba over all 1,000,000 rows
# in SQL.  Prints key=value lines prefixed with "pg <dataset> <cfg>".
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/forest_runs.sh
dir=$1; shift
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database forest_bench
"${P[@]}" -c "SELECT 'meta all extversion=' || extversion FROM pg_extension WHERE extname = 'edupredict'"
"${P[@]}" -c "SELECT 'meta all settings=' || string_agg(name || ':' || setting, ',' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'edupredict.forest_threads', 'edupredict.forest_max_memory')"
[ -z "${FOREST_BENCH_READY:-}" ] || touch "$FOREST_BENCH_READY"

train() { # dataset cfg seed setting
  local ds=$1 cfg=$2 seed=$3 set=$4 pre="pg $1 $2" name="$1_${2//-/_}" mf=
  [ "$set" = default ] || mf=", max_features => $set"
  echo "$pre load_before=$(load1)"
  # a fresh backend: its start-up is all that is resident before training
  "${P[@]}" <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv BACKEND_PID :pid
\! bench/lib/procmem.sh "\$BACKEND_PID" '$pre' start
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT '$pre train_s=' || round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3)
       || ' model_bytes=' || model_bytes || ' engine_peak_bytes=' || (metrics->>'train_peak_bytes')
       || ' n_nodes=' || (metrics->>'n_nodes') || ' mtry=' || (params->>'mtry')
FROM edupredict.train_forest('$name', '${ds}_train', 'y', test_fraction => 0, seed => $seed$mf);
\! bench/lib/procmem.sh "\$BACKEND_PID" '$pre' end
SELECT '$pre ' || string_agg(metric || '=' || round(value::numeric, 5), ' ')
FROM edupredict.evaluate('$name', '${ds}_test')
WHERE metric IN ('accuracy', 'f1_macro', 'roc_auc', 'r2');
SQL
  echo "$pre load_after=$(load1)"
}

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
-- the load's dirty pages written now, not during a timed training
CHECKPOINT;
SQL
  # how the table is read: its size against shared_buffers, and whether the plan of
  # the training query is parallel (rows read by workers are not in the backend's memory)
  "${P[@]}" -c "SELECT 'pg $ds table table_bytes=' || pg_table_size('$ds')"
  "${P[@]}" -c "EXPLAIN (COSTS OFF) SELECT $cols, y FROM ${ds}_train" | grep -q Gather && par=yes || par=no
  echo "pg $ds table train_query_parallel=$par"
  while read -r cfg seed set; do train "$ds" "$cfg" "$seed" "$set"; done < <(forest_runs pg "$ds")
done

# the c1m model of seed 42 is trained unless its runs come from an earlier log
if [[ " $* " == *" c1m "* ]] && [ -z "${FOREST_BENCH_SEED42_LOG:-}" ]; then
  for workers in 0 2; do
    # the warm-up calls predict_proba once (parses and caches the model in this
    # backend); a parallel plan's workers each parse it again during the timed query
    "${P[@]}" <<SQL
SET max_parallel_workers_per_gather = $workers;
SELECT 'pg c1m predict warmup_calls_$workers=' || count(edupredict.predict_proba('c1m_s42', t)) FROM (SELECT * FROM c1m LIMIT 1) t;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(edupredict.predict_proba('c1m_s42', t)) AS n FROM c1m t \gset
SELECT 'pg c1m predict workers_$workers=' || round(:n / (extract(epoch FROM clock_timestamp()) - :t0)) || ' rows_$workers=' || :n;
SQL
    plan=$("${P[@]}" -c "SET max_parallel_workers_per_gather = $workers" -c "EXPLAIN (COSTS OFF) SELECT count(edupredict.predict_proba('c1m_s42', t)) FROM c1m t" | sed 's/^ *//; s/ /_/g' | paste -sd/ -)
    echo "pg c1m predict plan_$workers=$plan"

  done
fi
