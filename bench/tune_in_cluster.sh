#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh): loads DIR/uci_tune.csv and runs
# edupredict.tune() four ways (forest and boosting, random and halving search: 30 trials, the
# 5 folds of the fold column), each in a fresh backend: wall time of the tune() statement
# (reading, folds, trials, refit and registration included), backend peak RSS (VmHWM), the best
# CV AUC, and the test AUC of the registered model on the held-out rows (evaluate()).
# Prints key=value lines prefixed with "pg <algorithm>-<method>".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database tune_bench
cols=$(head -1 "$dir/uci_tune.csv" | tr ',' '\n' | grep '^f[0-9]' | paste -sd, -)
coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
"${P[@]}" <<SQL >/dev/null
CREATE TABLE uci_tune ($coldefs, y text, is_test int, fold int);
\copy uci_tune FROM '$dir/uci_tune.csv' CSV HEADER
CREATE VIEW uci_tune_train AS SELECT $cols, y, fold FROM uci_tune WHERE is_test = 0;
CREATE VIEW uci_tune_test AS SELECT $cols, y FROM uci_tune WHERE is_test = 1;
VACUUM ANALYZE uci_tune;
SQL
features="ARRAY['$(echo "$cols" | sed "s/,/','/g")']"
forest_space='{"max_depth": [3, 30], "min_samples_leaf": [1, 2, 5, 10], "max_features": {"range": [0.1, 0.9]}}'
boost_space='{"max_depth": [2, 8], "learning_rate": {"log": [0.02, 0.3]}, "subsample": {"range": [0.5, 1.0]}, "colsample": {"range": [0.5, 1.0]}}'
run() { # name algorithm method space params
  "${P[@]}" <<SQL
SELECT pg_backend_pid() AS pid \gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT version AS v, cv_score AS cv, evaluations AS ev, best_params AS bp
FROM edupredict.tune('bench_$1', '$2', 'uci_tune_train', 'y', '$4', trials => 30, method => '$3',
     features => $features, params => '$5', folds => 5, split => 'group', group_by => 'fold', seed => 42) \gset
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3) AS wall \gset
\setenv BACKEND_PID :pid
\! awk '/VmHWM/ {print "pg $1 peak_bytes=" \$2 * 1024}' /proc/\$BACKEND_PID/status
SELECT 'pg $1 wall_s=' || :wall || ' cv_auc=' || round(:cv::numeric, 5) || ' test_auc='
       || round(value::numeric, 5) || ' evaluations=' || :ev || ' best: ' || :'bp'
FROM edupredict.evaluate('bench_$1', 'uci_tune_test', :v) WHERE metric = 'roc_auc';
SQL
}
run forest-random forest random "$forest_space" '{"n_trees": 100}'
run forest-halving forest halving "$forest_space" '{"n_trees": 100}'
run boosting-random boosting random "$boost_space" '{"n_rounds": 200}'
run boosting-halving boosting halving "$boost_space" '{"n_rounds": 200}'
