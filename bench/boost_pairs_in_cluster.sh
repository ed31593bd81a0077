#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for bench/boost_pairs.sh:
#   bench/boost_pairs_in_cluster.sh DIR N SET...
# loads each set once, then for pair i = 1..N and each set trains edupredict (bench/boost.sh's
# train_boosting call and timing, in a fresh backend) and XGBoost (bench/boost_baseline.py's fit,
# the CSV read not timed) one right after the other: edupredict first in odd pairs, XGBoost first
# in even ones.  A CHECKPOINT before each pair keeps the previous model's pages out of it.  Then,
# once, each tool's test metrics (the models are deterministic) and the number of distinct model
# bytes edupredict wrote (1: every pair trained the same model).
# Prints key=value lines prefixed with "pair I SET pg|xgb", "pg SET" and "xgb SET".
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/boost_load.sh
dir=$1 n=$2; shift 2
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database boost_pairs
task_of() { case $1 in r*) echo reg ;; *) echo cls ;; esac; }
for ds in "$@"; do boost_load "$dir" "$ds"; done
run_pg() { "${P[@]}" <<<"$(boost_train_sql "pair $1 $2 pg" "$2")"; }
run_xgb() { /usr/bin/python3 bench/boost_baseline.py "$dir/$2.csv" "$(task_of "$2")" xgb fit | sed "s/^/pair $1 $2 xgb /"; }
for ((i = 1; i <= n; i++)); do
  for ds in "$@"; do
    "${P[@]}" -c CHECKPOINT
    if ((i % 2)); then
      echo "pair $i $ds first=pg"; run_pg $i "$ds"; run_xgb $i "$ds"
    else
      echo "pair $i $ds first=xgb"; run_xgb $i "$ds"; run_pg $i "$ds"
    fi
  done
done
for ds in "$@"; do
  "${P[@]}" <<SQL
SELECT 'pg $ds ' || string_agg(metric || '=' || round(value::numeric, 5), ' ')
FROM edupredict.evaluate('$ds', '${ds}_test')
WHERE metric IN ('accuracy', 'f1_macro', 'roc_auc', 'r2');
SELECT 'pg $ds distinct_models=' || count(DISTINCT md5(model)) || ' versions=' || count(*)
FROM edupredict.models WHERE name = '$ds';
SQL
  /usr/bin/python3 bench/boost_baseline.py "$dir/$ds.csv" "$(task_of "$ds")" xgb | sed "s/^/xgb $ds /"
done
