#!/usr/bin/env bash
# Gradient boosting benchmark (issue 10): edupredict.train_boosting in SQL against XGBoost 1.7 (hist)
# and scikit-learn's HistGradientBoosting, the same rows and split for every tool (bench/forest_gen.py:
# UCI dropout 3 classes, 1,000,000 x 20 classification and regression), 300 rounds, depth 6, learning
# rate 0.1, L2 1, min_child_weight 1, two threads each.  Also: SQL prediction over the 1,000,000 c1m
# rows against XGBoost's batch predict, and early stopping on UCI.  One run; writes the "boost" section
# of bench/RESULTS.md.
#   bench/boost.sh              uci c1m r1m
#   bench/boost.sh uci          a subset (section "boost-uci")
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(uci c1m r1m)
dir=${BOOST_BENCH_DIR:-/tmp/edupredict_bench_boost_sql}
mkdir -p "$dir"
section=boost; [ "${sets[*]}" = "uci c1m r1m" ] || section="boost-$(IFS=-; echo "${sets[*]}")"
log=$dir/results-$section.txt
ensure_packages "${CORE_PACKAGES[@]}" "${BENCH_PACKAGES[@]}" python3-xgboost
missing=()
for ds in "${sets[@]}"; do [ -s "$dir/$ds.csv" ] || missing+=("$ds"); done
[ ${#missing[@]} -eq 0 ] || /usr/bin/python3 bench/forest_gen.py "$dir" "${missing[@]}"
: >"$log"
echo "meta all commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo -modified)" >>"$log"
echo "meta all load_before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
# the suite's lock for the whole in-database run: nobody else installs meanwhile
(
  exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
  flock 9
  build_and_install
  echo "==> edupredict (PostgreSQL backend)"
  scripts/with_cluster.sh bench/boost_in_cluster.sh "$dir" "${sets[@]}" | grep '^pg ' | tee -a "$log"
)
for ds in "${sets[@]}"; do
  task=cls; [ "$ds" = r1m ] && task=reg
  for tool in xgb hgb; do
    extra=; [ "$ds" = c1m ] && [ $tool = xgb ] && extra=predict
    echo "==> $tool $ds"
    /usr/bin/python3 bench/boost_baseline.py "$dir/$ds.csv" $task $tool $extra | sed "s/^/$tool $ds /" | tee -a "$log"
  done
  if [ "$ds" = uci ]; then
    /usr/bin/python3 bench/boost_baseline.py "$dir/uci.csv" cls xgb early | sed 's/^/xgbearly uci /' | tee -a "$log"
  fi
done
echo "meta all load_after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"

# ---- report ----
get() { grep "^$1 $2 " "$log" | tr ' ' '\n' | sed -n "s/^$3=//p" | tail -1 || true; }
fmt() { /usr/bin/python3 -c "import sys, math
try: x = float(sys.argv[1])
except ValueError: x = float('nan')
print('n/a' if math.isnan(x) else format(x, sys.argv[2]))" "$1" "$2"; }
mb() { /usr/bin/python3 -c "import sys
print('n/a' if not sys.argv[1] else '%.1f' % (float(sys.argv[1]) / 1048576))" "$1"; }
. bench/lib/ratios.sh
md=$dir/$section.md
{
  echo "## Gradient boosting (bench/boost.sh)"
  echo
  echo "Command: \`bench/boost.sh ${sets[*]}\` on $(nproc) cores, $(date -u +%Y-%m-%d); code measured: commit $(get meta all commit)."
  echo "Load average (1/5/15 min) before $(get meta all load_before), after $(get meta all load_after): the machine is shared, times are noisy."
  echo "Same rows and split for every tool; 300 rounds, depth 6, learning rate 0.1, L2 1, min_child_weight 1"
  echo "(scikit-learn: min_samples_leaf 1, no leaf limit), two threads each (edupredict.forest_threads = 2, n_jobs=2,"
  echo "OMP_NUM_THREADS=2). edupredict's time is the whole \`train_boosting\` call in SQL (reading the rows, binning,"
  echo "training, registry insert); the baselines' time is \`fit\` on arrays already in memory. Peak memory:"
  echo "VmHWM of the backend (fresh connection) / ru_maxrss of a Python process that loaded only this file."
  echo "XGBoost $(/usr/bin/python3 -c 'import xgboost; print(xgboost.__version__)'), scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)')."
  echo
  echo "| data | tool | train s | peak MB | model MB | accuracy | macro F1 | AUC | R² |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for ds in "${sets[@]}"; do
    for tool in pg xgb hgb; do
      name=edupredict; [ $tool = xgb ] && name=XGBoost; [ $tool = hgb ] && name=HistGradientBoosting
      auc=$(get $tool $ds auc); [ $tool = pg ] && auc=$(get pg $ds roc_auc)
      echo "| $ds | $name | $(fmt "$(get $tool $ds train_s)" .2f) | $(mb "$(get $tool $ds peak_bytes)") | $(mb "$(get $tool $ds model_bytes)") | $(fmt "$(get $tool $ds accuracy)" .4f) | $(fmt "$(get $tool $ds f1_macro)" .4f) | $(fmt "$auc" .4f) | $(fmt "$(get $tool $ds r2)" .4f) |"
    done
  done
  echo
  echo "edupredict against XGBoost. Goals of issue 10: UCI, AUC and accuracy at least XGBoost's and time at most"
  echo "0.5x; 1M sets, time at most 0.8x, accuracy/AUC within 0.002, R² within 0.002, peak memory at most 1x."
  echo
  echo "| data | train time | peak memory | model size | accuracy diff | AUC diff | R² diff |"
  echo "|---|---|---|---|---|---|---|"
  for ds in "${sets[@]}"; do
    echo "| $ds | $(ratio "$(get pg $ds train_s)" "$(get xgb $ds train_s)") | $(ratio "$(get pg $ds peak_bytes)" "$(get xgb $ds peak_bytes)") | $(ratio "$(get pg $ds model_bytes)" "$(get xgb $ds model_bytes)") | $(diff4 "$(get pg $ds accuracy)" "$(get xgb $ds accuracy)") | $(diff4 "$(get pg $ds roc_auc)" "$(get xgb $ds auc)") | $(diff4 "$(get pg $ds r2)" "$(get xgb $ds r2)") |"
  done
  if grep -q '^pg c1m predict_workers_0=' "$log"; then
    echo
    echo "Prediction over all 1,000,000 c1m rows with the 300-round model, \`SELECT count(predict_proba('c1m', t)) FROM c1m t\`"
    echo "after a warm-up that calls it (the model is parsed once per backend and cached):"
    echo
    echo "| method | rows/s |"
    echo "|---|---|"
    echo "| SQL, serial plan | $(get pg c1m predict_workers_0) |"
    echo "| SQL, parallel plan (2 workers + leader) | $(get pg c1m predict_workers_2) |"
    echo "| XGBoost batch predict_proba (n_jobs=2) | $(fmt "$(get xgb c1m predict_rows_s)" .0f) |"
  fi
  if grep -q '^pg uci early_best_round=' "$log"; then
    echo
    echo "Early stopping on UCI (up to 1,000 rounds, patience 50, a stratified tenth of the training rows for"
    echo "validation; each tool draws its own tenth, of the same size and stratification):"
    echo
    echo "| tool | best round | test AUC |"
    echo "|---|---|---|"
    echo "| edupredict | $(get pg uci early_best_round) | $(fmt "$(get pg uci early_auc)" .4f) |"
    echo "| XGBoost | $(get xgbearly uci best_round) | $(fmt "$(get xgbearly uci auc)" .4f) |"
  fi
  echo
  echo "Raw key=value lines of this run: \`$log\`."
} >"$md"
cat "$md"
bench/lib/section.sh "$section" "$md"
