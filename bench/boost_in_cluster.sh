#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for bench/boost.sh: loads each data set,
# trains train_boosting in a fresh backend (wall time, backend peak RSS = VmHWM, model bytes),
# evaluates on the held-out rows, times predict_proba over every c1m row in SQL (serial and parallel
# plans, after a warm-up that calls the function), and trains UCI with early stopping.
# Prints key=value lines prefixed with "pg <dataset>".
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/boost_load.sh
dir=$1; shift
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database boost_bench
for ds in "$@"; do
  boost_load "$dir" "$ds"
  "${P[@]}" <<SQL
SELECT pg_backend_pid() AS pid \gset
$(boost_train_sql "pg $ds" "$ds")
\setenv BACKEND_PID :pid
\! awk '/VmHWM/ {print "pg $ds peak_bytes=" \$2 * 1024}' /proc/\$BACKEND_PID/status
SELECT 'pg $ds ' || string_agg(metric || '=' || round(value::numeric, 8), ' ')
FROM edupredict.evaluate('$ds', '${ds}_test')
WHERE metric IN ('accuracy', 'f1_macro', 'roc_auc', 'r2');
SQL
done
if [[ " $* " == *" uci "* ]]; then
  "${P[@]}" <<SQL
SELECT 'pg uci early_best_round=' || (metrics->>'best_round') || ' early_rounds_run=' || (metrics->>'rounds_run')
FROM edupredict.train_boosting('uci_es', 'uci_train', 'y', n_rounds => 1000, learning_rate => 0.1, max_depth => 6,
                               early_stopping_rounds => 50, validation_fraction => 0.1, test_fraction => 0, seed => 42);
SELECT 'pg uci early_auc=' || round(value::numeric, 8) FROM edupredict.evaluate('uci_es', 'uci_test') WHERE metric = 'roc_auc';
SQL
fi
if [[ " $* " == *" c1m "* ]]; then
  for workers in 0 2; do
    "${P[@]}" <<SQL
SET max_parallel_workers_per_gather = $workers;
SELECT count(edupredict.predict_proba('c1m', t)) FROM (SELECT * FROM c1m LIMIT 1000) t;   -- warm-up: parses and caches the model
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(edupredict.predict_proba('c1m', t)) AS n FROM c1m t \gset
SELECT 'pg c1m predict_workers_$workers=' || round(:n / (extract(epoch FROM clock_timestamp()) - :t0)) AS x;
EXPLAIN (COSTS OFF) SELECT count(edupredict.predict_proba('c1m', t)) FROM c1m t;
SQL
  done
fi
