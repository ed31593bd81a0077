#!/usr/bin/env bash
# Hyperparameter search benchmark (issue 12): edupredict.tune() against scikit-learn's
# RandomizedSearchCV and HalvingRandomSearchCV, with RandomForestClassifier (against the forest)
# and Debian's python3-xgboost (against boosting), on the UCI dropout data: 30 trials, the same
# space and the same 5 folds for every tool (a fold column made once by bench/tune_sklearn.py
# gen), 2 cores each (edupredict.forest_threads = 2; the searches' n_jobs = 2), one run.
# Writes the "tune" section of bench/RESULTS.md.
#   bench/tune.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
dir=${TUNE_BENCH_DIR:-/tmp/edupredict_bench_tune}
mkdir -p "$dir"
log=$dir/results.txt
if [ -z "${TUNE_BENCH_REPORT_ONLY:-}" ]; then
ensure_packages "${CORE_PACKAGES[@]}" "${BENCH_PACKAGES[@]}" python3-xgboost
/usr/bin/python3 bench/tune_sklearn.py gen "$dir"
: >"$log"
echo "meta all commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo -modified)" >>"$log"
echo "meta all load_before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
echo "uptime_before $(uptime)" >>"$log"
# the install lock (as scripts/test.sh) until the cluster has loaded this build
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install
echo "==> edupredict (PostgreSQL backend)"
scripts/with_cluster.sh bench/tune_in_cluster.sh "$dir" | grep '^pg ' | tee -a "$log"
flock -u 9
for m in rf xgb; do
  for s in random halving; do
    echo "==> scikit-learn $m $s"
    /usr/bin/python3 bench/tune_sklearn.py run "$dir" $m $s | grep '^sklearn ' | tee -a "$log"
  done
done
echo "meta all load_after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
echo "uptime_after $(uptime)" >>"$log"
fi  # TUNE_BENCH_REPORT_ONLY=1: only rebuild the report from the log of the last run

# ---- report ----
get() { # tool config key
  grep "^$1 $2 " "$log" | sed 's/ best: .*//' | tr ' ' '\n' | sed -n "s/^$3=//p" | tail -1 || true
}
best() { grep "^$1 $2 " "$log" | sed -n 's/.* best: //p' | tail -1; }
. bench/lib/ratios.sh
md=$dir/tune.md
{
  echo "## Hyperparameter search (bench/tune.sh)"
  echo
  echo "Command: \`bench/tune.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d), commit $(get meta all commit); load average"
  echo "$(get meta all load_before) (1/5/15 min) before and $(get meta all load_after) after: the machine is shared"
  echo "with other jobs, so times are noisy. UCI dropout (3 classes): 3,539 training rows (stratified"
  echo "80/20, seed 42), 885 held out. Every tool searches the same space with 30 trials over the same 5"
  echo "folds (a fold column, StratifiedKFold(shuffle, seed 42) of the training rows: edupredict reads it"
  echo "with split => 'group', scikit-learn with PredefinedSplit), ranks by macro one-vs-rest ROC AUC,"
  echo "refits the best set on every training row and scores it on the held-out rows."
  echo "edupredict: \`tune()\` with 2 threads per training; wall time of the statement (reading, folds,"
  echo "trials, refit, registration), peak = backend VmHWM. scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)'): 2 fits at a time"
  echo "(n_jobs=2), each single-threaded; wall time of \`search.fit\` (refit included). Forest: 100 trees,"
  echo "space max_depth 3..30, min_samples_leaf {1, 2, 5, 10}, max_features 0.1..0.9 (RandomForestClassifier"
  echo "likewise). Boosting: 200 rounds, max_depth 2..8, learning_rate log 0.02..0.3, subsample and"
  echo "colsample 0.5..1 (XGBoost $(/usr/bin/python3 -c 'import xgboost; print(xgboost.__version__)' 2>/dev/null) hist: colsample_bytree). Halving: factor 3,"
  echo "30 candidates on a 27th, 10 on a 9th, 4 on a 3rd and 2 on all of each fold's training rows (46 fits"
  echo "of 5 folds each, scikit-learn's min_resources='exhaust' gives the same schedule)."
  echo
  echo "| search | tool | wall s | CV AUC (best) | test AUC (refit) | fold sets |"
  echo "|---|---|---|---|---|---|"
  for cfg in forest-random:rf-random forest-halving:rf-halving boosting-random:xgb-random boosting-halving:xgb-halving; do
    pg=${cfg%%:*} sk=${cfg##*:}
    echo "| $pg | edupredict | $(get pg $pg wall_s) | $(get pg $pg cv_auc) | $(get pg $pg test_auc) | $(get pg $pg evaluations) |"
    echo "| $pg | scikit-learn ($sk) | $(get sklearn $sk wall_s) | $(get sklearn $sk cv_auc) | $(get sklearn $sk test_auc) | $(get sklearn $sk evaluations) |"
  done
  echo
  echo "Goals of issue 12 (random search): wall time at most 0.2x scikit-learn's, and the refitted"
  echo "model's test AUC at least scikit-learn's minus 0.005."
  echo
  echo "| search | wall time vs scikit-learn | test AUC difference | edupredict peak MB |"
  echo "|---|---|---|---|"
  for cfg in forest-random:rf-random forest-halving:rf-halving boosting-random:xgb-random boosting-halving:xgb-halving; do
    pg=${cfg%%:*} sk=${cfg##*:}
    pk=$(get pg $pg peak_bytes)
    echo "| $pg | $(ratio "$(get pg $pg wall_s)" "$(get sklearn $sk wall_s)") | $(diff4 "$(get pg $pg test_auc)" "$(get sklearn $sk test_auc)") | ${pk:+$((pk / 1048576))} |"
  done
  echo
  echo "Best parameter sets:"
  echo
  for cfg in forest-random forest-halving boosting-random boosting-halving; do
    echo "- edupredict $cfg: \`$(best pg $cfg)\`"
  done
  for cfg in rf-random rf-halving xgb-random xgb-halving; do
    echo "- scikit-learn $cfg: \`$(best sklearn $cfg)\`"
  done
  echo
  echo "\`uptime\` before: \`$(sed -n 's/^uptime_before //p' "$log")\`; after: \`$(sed -n 's/^uptime_after //p' "$log")\`."
  echo
  echo "Raw key=value lines of this run: \`$log\`."
} >"$md"
bench/lib/section.sh tune "$md"
cat "$md"
