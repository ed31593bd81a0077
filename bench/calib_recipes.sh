#!/usr/bin/env bash
# Calibration recipes on the UCI split (issue 11's calibration goal), one run,
# one section ("calib-recipes") of bench/RESULTS.md. Both engines, on the same
# rows of bench/forest_gen.py's split (3,539 training rows, 885 test rows):
#   - held-out recipe: a forest of N trees on 3 in 4 training rows, isotonic
#     and sigmoid calibrators fitted on the 4th, for N in TREES;
#   - 5-fold recipe (scikit-learn's CalibratedClassifierCV(cv=5)): 5 forests
#     of 100 trees, each on 4 folds and calibrated on the 5th, averaged
#     (edupredict's side in SQL only: see bench/calib_recipes_in_cluster.sh);
#   - the 5-fold recipe inside one model: train_forest(n_trees => 100,
#     calibration_folds => 5), edupredict only;
# each scored (Brier score, ECE) against the same trees uncalibrated and
# against CalibratedClassifierCV(RandomForestClassifier(100), isotonic, cv=5)
# + 0.005, per seed and on the mean.
#   bench/calib_recipes.sh [SEED...]      default 1 2 3 4 5
#   CALIB_RECIPES_TREES="100 300 500" bench/calib_recipes.sh   held-out tree counts (this default)
# About 70 s on 2 cores. Data: $EXPLAIN_BENCH_DIR (default
# /tmp/edupredict_bench_forest, shared with bench/forest.sh and bench/explain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib/uci_bench.sh
uci_bench_prepare
seeds="${*:-1 2 3 4 5}"
trees=${CALIB_RECIPES_TREES:-100 300 500}
log=$dir/results-calib-recipes.txt
md=$dir/calib-recipes.md

: >"$log"
start=$(date +%s)
{
  echo "meta commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo -modified)"
  echo "meta load_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  echo "meta date=$(date -u '+%Y-%m-%d_%H:%M_UTC')"
  echo "meta cores=$(nproc)"
  echo "meta trees=${trees// /_} trees_set=${CALIB_RECIPES_TREES:+1}"
} >>"$log"
echo "==> edupredict"
# shellcheck disable=SC2086
scripts/with_cluster.sh bench/calib_recipes_in_cluster.sh "$dir" "$trees" $seeds | grep '^pg ' | tee -a "$log"
flock -u 9 # held so that no other build is installed under the run
echo "==> scikit-learn"
# shellcheck disable=SC2086
/usr/bin/python3 bench/calib_recipes_py.py sklearn "$dir/uci.csv" "$trees" $seeds | tee -a "$log"
{
  echo "meta load_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  echo "meta elapsed_s=$(($(date +%s) - start))"
} >>"$log"

/usr/bin/python3 bench/calib_recipes_py.py report "$log" >"$md"
bench/lib/section.sh calib-recipes "$md"
cat "$md"
