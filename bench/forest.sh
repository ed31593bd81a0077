#!/usr/bin/env bash
# Random forest benchmark: edupredict.train_forest against scikit-learn
# (RandomForestClassifier/Regressor, 100 trees, n_jobs=2) and ranger
# (num.trees=100, num.threads=2), same rows, same split.  The runs are listed
# by bench/lib/forest_runs.sh: uci and c100k over six seeds of the model (42
# and 1-5, on the fixed split), c1m and r1m at seed 42, r1m at mtry 6 and 20
# for both edupredict and scikit-learn.  Every training runs in a fresh
# process (backend) whose memory and CPU are read by bench/lib/procmem.sh.
# Writes the "forest" section of bench/RESULTS.md.
#   bench/forest.sh                 all data sets (uci c100k c1m r1m)
#   bench/forest.sh uci c100k       a subset (its own section, "forest-uci-c100k")
#   FOREST_BENCH_SEEDS="42 1 2"     other seeds for uci and c100k
#   FOREST_BENCH_BIG_SEEDS="1 2 3 4 5"  more seeds for c1m and r1m (r1m at mtry 6; hours)
#   FOREST_BENCH_BIG_TOOLS="pg sklearn"  the tools that run those seeds (default all three)
#   FOREST_BENCH_SEED42_LOG=FILE    c1m/r1m: take the seed-42 runs from FILE, an earlier
#                                   run's log of the same engine, instead of repeating them
#   FOREST_BENCH_TIMEOUT=N          stop a baseline run after N seconds
#   FOREST_BENCH_REPORT_ONLY=1      only rebuild the report from the last run's log
# Data are generated once into $FOREST_BENCH_DIR (default /tmp/edupredict_bench_forest).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib/forest_runs.sh
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(uci c100k c1m r1m)
dir=${FOREST_BENCH_DIR:-/tmp/edupredict_bench_forest}
mkdir -p "$dir"
# one RESULTS.md section (and log) per set of data sets, so a separate long run adds its own
section=forest; [ "${sets[*]}" = "uci c100k c1m r1m" ] || section="forest-$(IFS=-; echo "${sets[*]}")"
log=$dir/results-$section.txt
if [ -z "${FOREST_BENCH_REPORT_ONLY:-}" ]; then
ensure_packages "${CORE_PACKAGES[@]}"
missing=()
for ds in "${sets[@]}"; do [ -s "$dir/$ds.csv" ] || missing+=("$ds"); done
[ ${#missing[@]} -eq 0 ] || /usr/bin/python3 bench/forest_gen.py "$dir" "${missing[@]}"
# the figures this run replaces, for the comparison in the report
cp bench/RESULTS.md "$dir/previous-RESULTS.md"

# Same lock as scripts/test.sh: one install directory per machine.  It is held
# from the install until the extension is created in the benchmark's cluster
# (another install in between would mix its SQL script with this library);
# the server must not inherit it (9>&-).
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install
: >"$log"
# the code that was built and is measured
echo "meta all commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo -modified)" >>"$log"
echo "meta all date=$(date -u +%Y-%m-%dT%H:%M) cores=$(nproc) sklearn=$(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)') numpy=$(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)') ranger=$(Rscript -e 'cat(as.character(packageVersion("ranger")))' 2>/dev/null)" >>"$log"
echo "meta all loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
echo "==> edupredict (PostgreSQL backend)"
ready=$dir/extension-created; rm -f "$ready"
FOREST_BENCH_READY=$ready scripts/with_cluster.sh bench/forest_in_cluster.sh "$dir" "${sets[@]}" 9>&- >"$dir/pg-raw.txt" 2>&1 &
pg=$!
while [ ! -e "$ready" ] && kill -0 $pg 2>/dev/null; do sleep 1; done
flock -u 9; exec 9>&-
rc=0; wait $pg || rc=$?
grep '^pg \|^meta ' "$dir/pg-raw.txt" | tee -a "$log"
[ $rc -eq 0 ] || { tail -20 "$dir/pg-raw.txt"; echo "forest_in_cluster.sh failed ($rc)"; exit 1; }

tmo=${FOREST_BENCH_TIMEOUT:-0}
baseline() { # tool dataset cfg command...: one fresh process per training run
  local pre="$1 $2 $3"; shift 3
  local rc=0
  echo "$pre load_before=$(load1)" >>"$log"
  if [ "$tmo" -gt 0 ]; then timeout "$tmo" "$@" >"$dir/out.txt" </dev/null || rc=$?; else "$@" >"$dir/out.txt" </dev/null || rc=$?; fi
  if [ $rc -eq 124 ]; then echo "$pre stopped_after_s=$tmo"; else grep "^$pre " "$dir/out.txt"; fi | tee -a "$log"
  echo "$pre load_after=$(load1)" >>"$log"
}
for ds in "${sets[@]}"; do
  task=cls; [ "$ds" = r1m ] && task=reg
  extra=; [ "$ds" = c1m ] && extra=predict
  echo "==> scikit-learn $ds"
  while read -r cfg seed set; do
    baseline sklearn "$ds" "$cfg" /usr/bin/python3 bench/forest_sklearn.py "$dir/$ds.csv" $task "$seed" "sklearn $ds $cfg" "$set" $([ "$cfg" = s42 ] && echo $extra)
  done < <(forest_runs sklearn "$ds")
  echo "==> ranger $ds"
  while read -r cfg seed set; do
    baseline ranger "$ds" "$cfg" Rscript bench/forest_ranger.R "$dir/$ds.csv" $task "$seed" "ranger $ds $cfg" $([ "$set" = default ] || echo "$set")
  done < <(forest_runs ranger "$ds")
done
echo "meta all loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
if [ -n "${FOREST_BENCH_SEED42_LOG:-}" ]; then
  echo "meta all seed42_from=$(sed -n 's/^meta all commit=\([^ ]*\).*/\1/p' "$FOREST_BENCH_SEED42_LOG" | head -1)" >>"$log"
  grep -E "^(pg|sklearn|ranger) (c1m|r1m) (s42|table|predict)" "$FOREST_BENCH_SEED42_LOG" |
    grep -E "^[a-z]+ ($(IFS='|'; echo "${sets[*]}")) " >>"$log"
fi
fi  # FOREST_BENCH_REPORT_ONLY=1: only rebuild the report from the log of the last run

md=$dir/$section.md
/usr/bin/python3 bench/forest_report.py "$log" "$dir/previous-RESULTS.md" "bench/forest.sh ${sets[*]}" >"$md"
cat "$md"
bench/lib/section.sh "$section" "$md"
