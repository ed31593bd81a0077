#!/usr/bin/env bash
# Training time of a calibrated forest on the UCI split, one run, one section
# ("calib-time") of bench/RESULTS.md: edupredict's
# train_forest(n_trees => 100, calibration => 'isotonic', calibration_folds => 5)
# (5 forests, each calibrated on its own fold; the whole SQL call: rows read,
# ordered, binned, trained, written) and out-of-bag calibration of 500 trees,
# against scikit-learn 1.2.1's CalibratedClassifierCV(RandomForestClassifier(100),
# method='isotonic', cv=5) fit on arrays already in memory; both with two threads
# (edupredict.forest_threads = 2, n_jobs=2), the same 3,539 training rows.
# Each figure is the median of RUNS runs (default 7): edupredict's runs, then scikit-learn's.
#   bench/calib_time.sh          about a minute on 2 cores
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib/uci_bench.sh
uci_bench_prepare
runs=${RUNS:-7}
log=$dir/results-calib-time.txt
md=$dir/calib-time.md
load_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
: >"$log"
scripts/with_cluster.sh bench/calib_time_in_cluster.sh "$dir" "$runs" | grep '^pg ' | tee -a "$log"
flock -u 9
/usr/bin/python3 bench/calib_time_py.py "$dir/uci.csv" "$runs" | tee -a "$log"
load_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
/usr/bin/python3 - "$log" "$runs" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src sql || echo -modified)" \
  "$load_start" "$load_end" "$(nproc)" >"$md" <<'PY'
import statistics, sys
log, runs, commit, l0, l1, cores = sys.argv[1:]
t = {}
for line in open(log):
    w = line.split()
    f = dict(kv.split("=", 1) for kv in w[1:])
    t.setdefault(f["what"], []).append(float(f["s"]))
med = {k: statistics.median(v) for k, v in t.items()}
ref = med["sk_cccv"]
print("## Calibrated forest training time (bench/calib_time.sh)\n")
print("Command: `bench/calib_time.sh` (RUNS=%s) on %s cores; code measured: commit %s. Load average (1/5/15 min) %s"
      " before, %s after. Medians of %s runs each (edupredict's first, then scikit-learn's); edupredict's time is the whole SQL call"
      " (reading, ordering and binning the rows, training, writing the registry row), scikit-learn's is `fit` on"
      " arrays in memory.\n" % (runs, cores, commit, l0, l1, runs))
print("| model (3,539 UCI training rows, two threads) | seconds, median (range) | vs CalibratedClassifierCV |")
print("|---|---|---|")
names = [("pg_cv5", "edupredict train_forest(n_trees => 100, calibration => 'isotonic', calibration_folds => 5)"),
         ("pg_oob500", "edupredict train_forest(n_trees => 500, calibration => 'isotonic'), out of bag"),
         ("sk_cccv", "scikit-learn CalibratedClassifierCV(RandomForestClassifier(100), isotonic, cv=5)")]
for k, label in names:
    v = t[k]
    print("| %s | %.3f (%.3f-%.3f) | %.2fx |" % (label, med[k], min(v), max(v), med[k] / ref))
PY
bench/lib/section.sh calib-time "$md"
cat "$md"
