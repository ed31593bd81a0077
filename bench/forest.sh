#!/usr/bin/env bash
# Random forest benchmark: edupredict.train_forest against scikit-learn
# (RandomForestClassifier/Regressor, 100 trees, n_jobs=2, defaults) and
# ranger (num.trees=100, num.threads=2), same rows, same split, one run.
# Writes the "forest" section of bench/RESULTS.md.
#   bench/forest.sh                 all data sets (uci c100k c1m r1m)
#   bench/forest.sh uci c100k       a subset (its own section, "forest-uci-c100k")
# Data are generated once into $FOREST_BENCH_DIR (default /tmp/edupredict_bench_forest).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(uci c100k c1m r1m)
dir=${FOREST_BENCH_DIR:-/tmp/edupredict_bench_forest}
mkdir -p "$dir"
# one RESULTS.md section (and log) per set of data sets, so a separate long run adds its own
section=forest; [ "${sets[*]}" = "uci c100k c1m r1m" ] || section="forest-$(IFS=-; echo "${sets[*]}")"
log=$dir/results-$section.txt
if [ -z "${FOREST_BENCH_REPORT_ONLY:-}" ]; then
ensure_packages "${CORE_PACKAGES[@]}"
# same lock as scripts/test.sh: one install directory per machine
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install
flock -u 9

missing=()
for ds in "${sets[@]}"; do [ -s "$dir/$ds.csv" ] || missing+=("$ds"); done
[ ${#missing[@]} -eq 0 ] || /usr/bin/python3 bench/forest_gen.py "$dir" "${missing[@]}"

: >"$log"
# the code that was built and is measured
echo "meta all commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo -modified)" >>"$log"
echo "==> edupredict (PostgreSQL backend)"
scripts/with_cluster.sh bench/forest_in_cluster.sh "$dir" "${sets[@]}" | grep '^pg ' | tee -a "$log"
# FOREST_BENCH_TIMEOUT (seconds, default none) stops a baseline that runs longer;
# the report then says "stopped after N s" instead of a figure.
tmo=${FOREST_BENCH_TIMEOUT:-0}
baseline() { # tool dataset command...
  local tool=$1 ds=$2; shift 2
  local rc=0
  if [ "$tmo" -gt 0 ]; then timeout "$tmo" "$@" >"$dir/$tool.$ds.out" || rc=$?; else "$@" >"$dir/$tool.$ds.out" || rc=$?; fi
  if [ $rc -eq 124 ]; then echo "$tool $ds stopped_after_s=$tmo"; else grep '=' "$dir/$tool.$ds.out" | tail -1 | sed "s/^/$tool $ds /"; fi | tee -a "$log"
}
for ds in "${sets[@]}"; do
  task=cls; [ "$ds" = r1m ] && task=reg
  extra=; [ "$ds" = c1m ] && extra=predict
  echo "==> scikit-learn $ds"
  baseline sklearn "$ds" /usr/bin/python3 bench/forest_sklearn.py "$dir/$ds.csv" $task $extra
  echo "==> ranger $ds"
  baseline ranger "$ds" Rscript bench/forest_ranger.R "$dir/$ds.csv" $task
done

echo "meta all loadavg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
fi  # FOREST_BENCH_REPORT_ONLY=1: only rebuild the report from the log of the last run

# ---- report ----
get() { # tool dataset key
  grep "^$1 $2 " "$log" | tr ' ' '\n' | sed -n "s/^$3=//p" | tail -1 || true
}
fmt() { /usr/bin/python3 -c "import sys, math; v=sys.argv[1]; f=sys.argv[2]
try: x = float(v)
except ValueError: x = float('nan')
print('n/a' if math.isnan(x) else format(x, f))" "$1" "$2"; }
ratio() { /usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('n/a' if not a or not b or float(b)==0 else '%.2fx' % (float(a)/float(b)))" "$1" "$2"; }
diff4() { /usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('%+.4f' % (float(a)-float(b)) if a and b else 'n/a')" "$1" "$2"; }
md=$dir/$section.md
la=$(get meta all loadavg)
{
  echo "## Random forests (bench/forest.sh)"
  echo
  echo "Command: \`${FOREST_BENCH_TIMEOUT:+FOREST_BENCH_TIMEOUT=$FOREST_BENCH_TIMEOUT }bench/forest.sh ${sets[*]}\` on $(nproc) cores, $(date -u +%Y-%m-%d)${la:+, load average}"
  echo "${la:+$la (1/5/15 min) at the end; }the machine is shared and other jobs ran at the same time, so times are noisy."
  cm=$(get meta all commit); [ -z "$cm" ] || echo "Code measured: commit $cm."
  echo "edupredict trains with edupredict.forest_threads = 2 (tree-parallel threads) in"
  echo "one backend; scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)') uses n_jobs=2 and ranger"
  echo "$(Rscript -e 'cat(as.character(packageVersion("ranger")))' 2>/dev/null) num.threads=2. All three train on the same rows (is_test = 0) with their"
  echo "defaults (100 trees) and are scored on the same held-out rows. Peak memory: edupredict = VmHWM of the"
  echo "backend (fresh connection), scikit-learn = ru_maxrss of the Python process, ranger = VmHWM of R; each"
  echo "includes the loaded data. Model bytes: octet_length of the registry bytea, pickle, R serialize."
  echo
  echo "| data | tool | train s | peak MB | model MB | accuracy | macro F1 | AUC | R² |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for ds in "${sets[@]}"; do
    for tool in pg sklearn ranger; do
      name=$tool; [ $tool = pg ] && name=edupredict
      ts=$(fmt "$(get $tool $ds train_s)" .2f); [ -n "$(get $tool $ds stopped_after_s)" ] && ts="stopped after $(get $tool $ds stopped_after_s) s"
      echo "| $ds | $name | $ts | $(fmt "$(get $tool $ds peak_bytes)" .0f | awk '{ if ($1=="n/a") print $1; else printf "%.0f", $1/1048576 }') | $(fmt "$(get $tool $ds model_bytes)" .0f | awk '{ if ($1=="n/a") print $1; else printf "%.1f", $1/1048576 }') | $(fmt "$(get $tool $ds accuracy)" .4f) | $(fmt "$(get $tool $ds f1_macro)" .4f) | $(fmt "$(get $tool $ds "$( [ $tool = pg ] && echo roc_auc || echo auc )")" .4f) | $(fmt "$(get $tool $ds r2)" .4f) |"
    done
  done
  echo
  echo "Ratios and differences edupredict vs scikit-learn. Goals of issue 3: UCI dropout, accuracy and AUC no"
  echo "worse than scikit-learn's minus 0.01; synthetic sets (c100k, c1m, r1m), train time <= 0.2x, peak"
  echo "memory <= 0.5x, model <= 0.3x, accuracy within 0.005 (R² within 0.01)."
  echo
  echo "| data | train time | peak memory | model size | accuracy diff | AUC diff | R² diff |"
  echo "|---|---|---|---|---|---|---|"
  for ds in "${sets[@]}"; do
    acc=$(diff4 "$(get pg $ds accuracy)" "$(get sklearn $ds accuracy)")
    r2=$(diff4 "$(get pg $ds r2)" "$(get sklearn $ds r2)")
    auc=$(diff4 "$(get pg $ds roc_auc)" "$(get sklearn $ds auc)")
    echo "| $ds | $(ratio "$(get pg $ds train_s)" "$(get sklearn $ds train_s)") | $(ratio "$(get pg $ds peak_bytes)" "$(get sklearn $ds peak_bytes)") | $(ratio "$(get pg $ds model_bytes)" "$(get sklearn $ds model_bytes)") | $acc | $auc | $r2 |"
  done
  if grep -q '^pg c1m predict_workers_0=' "$log"; then
    echo
    echo "Prediction over all 1,000,000 c1m rows with the 100-tree c1m model: \`SELECT count(predict_proba('c1m', t)) FROM c1m t\`"
    echo "(rows/s, model parsed once per backend and cached) against scikit-learn's batch \`predict_proba\` on the same rows:"
    echo
    echo "| method | rows/s |"
    echo "|---|---|"
    echo "| SQL, serial plan | $(get pg c1m predict_workers_0) |"
    echo "| SQL, parallel plan (2 workers + leader) | $(get pg c1m predict_workers_2) |"
    echo "| scikit-learn batch predict_proba (n_jobs=2) | $(fmt "$(get sklearn c1m predict_rows_s)" .0f) |"
  fi
  echo
  echo "Raw key=value lines of this run: \`$log\`."
} >"$md"
cat "$md"
bench/lib/section.sh "$section" "$md"
