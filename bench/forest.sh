#!/usr/bin/env bash
# Random forest benchmark: edupredict.train_forest against scikit-learn
# (RandomForestClassifier/Regressor, 100 trees, n_jobs=2, defaults) and
# ranger (num.trees=100, num.threads=2), same rows, same split, one run.
# Writes the "forest" section of bench/RESULTS.md.
#   bench/forest.sh                 all data sets (uci c100k c1m r1m)
#   bench/forest.sh uci c100k       a subset
# Data are generated once into $FOREST_BENCH_DIR (default /tmp/edupredict_bench_forest).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(uci c100k c1m r1m)
dir=${FOREST_BENCH_DIR:-/tmp/edupredict_bench_forest}
mkdir -p "$dir"
ensure_packages "${CORE_PACKAGES[@]}"
# same lock as scripts/test.sh: one install directory per machine
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install
flock -u 9

missing=()
for ds in "${sets[@]}"; do [ -s "$dir/$ds.csv" ] || missing+=("$ds"); done
[ ${#missing[@]} -eq 0 ] || /usr/bin/python3 bench/forest_gen.py "$dir" "${missing[@]}"

log=$dir/results.txt
: >"$log"
echo "==> edupredict (PostgreSQL backend)"
scripts/with_cluster.sh bench/forest_in_cluster.sh "$dir" "${sets[@]}" | grep '^pg ' | tee -a "$log"
for ds in "${sets[@]}"; do
  task=cls; [ "$ds" = r1m ] && task=reg
  extra=; [ "$ds" = c1m ] && extra=predict
  echo "==> scikit-learn $ds"
  /usr/bin/python3 bench/forest_sklearn.py "$dir/$ds.csv" $task $extra | sed "s/^/sklearn $ds /" | tee -a "$log"
  echo "==> ranger $ds"
  Rscript bench/forest_ranger.R "$dir/$ds.csv" $task | sed "s/^/ranger $ds /" | tee -a "$log"
done

# ---- report ----
get() { # tool dataset key
  grep "^$1 $2 " "$log" | tr ' ' '\n' | sed -n "s/^$3=//p" | tail -1
}
fmt() { /usr/bin/python3 -c "import sys; v=sys.argv[1]; f=sys.argv[2]
if not v: print('n/a')
else: print(format(float(v), f))" "$1" "$2"; }
ratio() { /usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('n/a' if not a or not b or float(b)==0 else '%.2fx' % (float(a)/float(b)))" "$1" "$2"; }
md=$dir/forest.md
{
  echo "## Random forests (bench/forest.sh)"
  echo
  echo "Command: \`bench/forest.sh ${sets[*]}\` on $(nproc) cores, $(date -u +%Y-%m-%d). edupredict trains single-threaded in"
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
      echo "| $ds | $name | $(fmt "$(get $tool $ds train_s)" .2f) | $(fmt "$(get $tool $ds peak_bytes)" .0f | awk '{ if ($1=="n/a") print $1; else printf "%.0f", $1/1048576 }') | $(fmt "$(get $tool $ds model_bytes)" .0f | awk '{ if ($1=="n/a") print $1; else printf "%.1f", $1/1048576 }') | $(fmt "$(get $tool $ds accuracy)" .4f) | $(fmt "$(get $tool $ds f1_macro)" .4f) | $(fmt "$(get $tool $ds "$( [ $tool = pg ] && echo roc_auc || echo auc )")" .4f) | $(fmt "$(get $tool $ds r2)" .4f) |"
    done
  done
  echo
  echo "Ratios edupredict / scikit-learn (goals: time <= 0.2x, memory <= 0.5x, model <= 0.3x):"
  echo
  echo "| data | train time | peak memory | model size | accuracy diff | R² diff |"
  echo "|---|---|---|---|---|---|"
  for ds in "${sets[@]}"; do
    acc=$(/usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('%+.4f' % (float(a)-float(b)) if a and b else 'n/a')" "$(get pg $ds accuracy)" "$(get sklearn $ds accuracy)")
    r2=$(/usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('%+.4f' % (float(a)-float(b)) if a and b else 'n/a')" "$(get pg $ds r2)" "$(get sklearn $ds r2)")
    echo "| $ds | $(ratio "$(get pg $ds train_s)" "$(get sklearn $ds train_s)") | $(ratio "$(get pg $ds peak_bytes)" "$(get sklearn $ds peak_bytes)") | $(ratio "$(get pg $ds model_bytes)" "$(get sklearn $ds model_bytes)") | $acc | $r2 |"
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
  echo "Raw output: see the log printed by the command (key=value lines)."
} >"$md"
cat "$md"
bench/lib/section.sh forest "$md"
