#!/usr/bin/env bash
# Explanations and calibration benchmark (issue 11), one run, one section
# ("explain") of bench/RESULTS.md:
#   - explain() of the 885 UCI test rows (bench/forest_gen.py's split) with
#     the default 100-tree forest trained on the other 3,539 rows, one
#     backend (goal: at most 2 s);
#   - explain() of c1m test rows with a 300-round depth-6 boosted model
#     (boost_agg) trained on 800,000 x 20 rows, against XGBoost's
#     pred_contribs=True on its own 300-round depth-6 model of the same rows,
#     2 threads (goal: at least 10x its rows/s);
#   - calibrate() (isotonic and sigmoid) of a forest trained on 3 in 4 UCI
#     training rows, fitted on the 4th, against the same trees uncalibrated
#     and scikit-learn's CalibratedClassifierCV(RandomForestClassifier,
#     method='isotonic', cv=5) on all training rows, scored on the 885 test
#     rows (goal: Brier score and ECE at most the uncalibrated forest's and at
#     most scikit-learn's + 0.005); and train_forest(calibration_folds => 5)
#     on all training rows, cross-fitted as CalibratedClassifierCV is.
#   bench/explain.sh [ROWS]      ROWS: c1m rows explained (default 10000)
# Data are generated once into $EXPLAIN_BENCH_DIR (default
# /tmp/edupredict_bench_forest, shared with bench/forest.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
rows=${1:-10000}
dir=${EXPLAIN_BENCH_DIR:-/tmp/edupredict_bench_forest}
mkdir -p "$dir"
log=$dir/results-explain.txt
load_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
ensure_packages "${CORE_PACKAGES[@]}"
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install
flock -u 9
missing=()
for ds in uci c1m; do [ -s "$dir/$ds.csv" ] || missing+=("$ds"); done
[ ${#missing[@]} -eq 0 ] || /usr/bin/python3 bench/forest_gen.py "$dir" "${missing[@]}"

: >"$log"
echo "meta commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo -modified)" >>"$log"
echo "meta load_start=$load_start" >>"$log"
echo "==> edupredict"
scripts/with_cluster.sh bench/explain_in_cluster.sh "$dir" "$rows" | grep '^pg ' | tee -a "$log"
echo "==> scikit-learn"
/usr/bin/python3 bench/explain_py.py calibration "$dir/uci.csv" | tee -a "$log"
echo "==> XGBoost"
/usr/bin/python3 bench/explain_py.py contribs "$dir/c1m.csv" 2000 | tee -a "$log"
echo "meta load_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"

# ---- report ----
get() { grep "^$1 " "$log" | tr ' ' '\n' | sed -n "s/^$2=//p" | tail -1 || true; }
calc() { /usr/bin/python3 -c "print($1)"; }
md=$dir/explain.md
uci_s=$(get "pg" uci_explain_s)
c1m_s=$(get "pg" c1m_explain_s)
c1m_ps=$(get "pg" c1m_explain_parallel_s)
c1m_pns=$(get "pg" c1m_explain_parallel_nojit_s)
c1m_n=$(get "pg c1m" explain_rows)
xgb_rps=$(get xgboost rows_per_s)
{
  echo "## Explanations and calibration (bench/explain.sh)"
  echo
  echo "Command: \`bench/explain.sh $rows\` on $(nproc) cores, $(date -u +%Y-%m-%d); code measured: commit $(get meta commit)."
  echo "Load average (1/5/15 min, from /proc/loadavg): $(get meta load_start) before, $(get meta load_end) after; the"
  echo "machine is shared with other jobs, so times are noisy (each edupredict time is the best of three runs)."
  echo
  echo "| measure | figure | goal |"
  echo "|---|---|---|"
  echo "| explain() of the $(get 'pg uci' test_rows) UCI test rows, default 100-tree forest ($(get 'pg uci' nodes) nodes), one backend | ${uci_s} s ($(calc "round($(get 'pg uci' test_rows) / $uci_s)") rows/s) | at most 2 s |"
  echo "| predict_proba() of the same rows, for scale | $(get pg uci_predict_s) s | |"
  echo "| contributions + base value = predict_proba (1e-9), UCI test rows | $(get 'pg uci' additive) of $(get 'pg uci' of), worst $(get 'pg uci' worst) | all |"
  echo "| boost_agg, 300 rounds depth 6 on $(get 'pg c1m' train_rows) x 20 rows, 2 threads | $(get 'pg c1m' train_s) s, $(get 'pg c1m' model_bytes) model bytes | |"
  echo "| explain() of $c1m_n c1m test rows, one backend | ${c1m_s} s = $(calc "round($c1m_n / $c1m_s)") rows/s | |"
  echo "| the same, parallel query ($(get 'pg c1m' parallel_workers) workers planned) | ${c1m_ps} s = $(calc "round($c1m_n / $c1m_ps)") rows/s | |"
  echo "| the same parallel query with \`SET jit = off\` (for scale: the goal is judged with JIT on) | ${c1m_pns} s = $(calc "round($c1m_n / $c1m_pns)") rows/s | |"
  echo "| XGBoost $(get xgboost version) pred_contribs=True, own 300-round depth-6 model (trained in $(get xgboost fit_s) s), 2 threads, $(get xgboost rows) rows | $(calc "round($xgb_rps)") rows/s | |"
  echo "| edupredict / XGBoost rows/s: one backend; parallel | $(calc "'%.1fx' % ($c1m_n / $c1m_s / $xgb_rps)"); $(calc "'%.1fx' % ($c1m_n / $c1m_ps / $xgb_rps)") | at least 10x |"
  echo "| margin additivity (1e-9), first 1000 c1m rows | $(get 'pg c1m' additive) of $(get 'pg c1m' of) | all |"
  echo
  echo "Calibration on the UCI split (scored on the 885 test rows; Brier: sum over the 3 classes; ECE: 10 equal-count"
  echo "bins per class against the rest, mean over classes; scikit-learn's figures computed the same way). edupredict's"
  echo "forest learns on $(get 'pg uci' fit_rows) training rows and the calibrator on the other $(get 'pg uci' cal_rows);"
  echo "scikit-learn fits 5 forests and 5 calibrators by 5-fold cross-validation on all 3,539 training rows."
  echo
  echo "| model | Brier score | ECE | log loss | accuracy |"
  echo "|---|---|---|---|---|"
  for v in uncalibrated isotonic sigmoid all_rows cross_fitted; do
    label=$v; [ $v = uncalibrated ] && label="edupredict forest, uncalibrated (same trees)"
    [ $v = isotonic ] && label="edupredict forest + calibrate(isotonic)"
    [ $v = sigmoid ] && label="edupredict forest + calibrate(sigmoid)"
    [ $v = all_rows ] && label="edupredict forest on all 3,539 training rows, uncalibrated"
    [ $v = cross_fitted ] && label="edupredict train_forest(n_trees => 100, calibration => 'isotonic', calibration_folds => 5) on all 3,539 training rows"
    echo "| $label | $(get "pg $v" brier_score) | $(get "pg $v" ece) | $(get "pg $v" log_loss) | $(get "pg $v" accuracy) |"
  done
  echo "| scikit-learn RandomForestClassifier(100), uncalibrated | $(get 'sklearn rf' brier) | $(get 'sklearn rf' ece) | $(get 'sklearn rf' log_loss) | $(get 'sklearn rf' accuracy) |"
  echo "| scikit-learn CalibratedClassifierCV(RF, isotonic, cv=5) | $(get 'sklearn rf_isotonic_cv5' brier) | $(get 'sklearn rf_isotonic_cv5' ece) | $(get 'sklearn rf_isotonic_cv5' log_loss) | $(get 'sklearn rf_isotonic_cv5' accuracy) |"
} >"$md"
bench/lib/section.sh explain "$md"
cat "$md"
