#!/usr/bin/env bash
# Out-of-bag calibration on the UCI split (issue 11's calibration goal):
# for each seed, on the 3,539 training rows of bench/forest_gen.py's split,
#   - edupredict train_forest(n_trees => 500, calibration => 'isotonic'),
#     and 'sigmoid', and the same 500 trees uncalibrated (same seed);
#   - scikit-learn's CalibratedClassifierCV(RandomForestClassifier(100),
#     method='isotonic', cv=5) (bench/calib_oob_py.py --ccv-only),
# scored on the 885 test rows: Brier score (sum over the 3 classes) and ECE
# (10 equal-count bins, one class against the rest, mean over classes;
# evaluate()'s definitions, bench/explain_py.py's for scikit-learn).
# Goal: the calibrated forest's Brier score and ECE at most the uncalibrated
# one's and at most CalibratedClassifierCV's + 0.005, per seed and on the mean.
#   bench/calib_oob.sh [SEED...]     default 1 2 3 4 5
#   CALIB_TREES=N bench/calib_oob.sh    edupredict forests of N trees (default 500)
# Prints a markdown table; writes nothing into bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib/uci_bench.sh
uci_bench_prepare
seeds="${*:-1 2 3 4 5}"
log=$dir/results-calib-oob.txt
load_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')

: >"$log"
echo "==> edupredict"
# shellcheck disable=SC2086
scripts/with_cluster.sh bench/calib_oob_in_cluster.sh "$dir" $seeds | grep '^pg ' | tee -a "$log"
flock -u 9 # held so that no other build is installed under the run
echo "==> scikit-learn"
# shellcheck disable=SC2086
/usr/bin/python3 bench/calib_oob_py.py "$dir/uci.csv" --ccv-only $seeds | sed 's/^/sk /' | tee -a "$log"
load_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')

/usr/bin/python3 - "$log" "$load_start" "$load_end" "$(git rev-parse --short HEAD)" \
  "${CALIB_TREES:+CALIB_TREES=$CALIB_TREES }" <<'PY'
import sys
from collections import defaultdict
log, load_start, load_end, commit, trees = sys.argv[1:]
v = defaultdict(dict)
for line in open(log):
    f = dict(kv.split("=") for kv in line.split()[1:])
    v[int(f["seed"])][f["model"]] = (float(f["brier"]), float(f["ece"]))
seeds = sorted(v)
models = [("raw", "uncalibrated"), ("oob_iso", "OOB isotonic"), ("oob_sig", "OOB sigmoid"),
          ("ccv_iso", "scikit-learn CCCV isotonic cv=5")]
print("Command: `%sbench/calib_oob.sh %s` at commit %s; load average (1/5/15 min) %s before, %s after.\n"
      % (trees, " ".join(map(str, seeds)), commit, load_start, load_end))
print("| seed | " + " | ".join("%s Brier | ECE" % name for _, name in models) + " | goal met |")
print("|---" * (2 * len(models) + 2) + "|")


def goal(r):
    (rb, re), (ib, ie), (cb, ce) = r["raw"], r["oob_iso"], r["ccv_iso"]
    checks = [ib <= rb, ie <= re, ib <= cb + 0.005, ie <= ce + 0.005]
    return "yes" if all(checks) else "no (" + ", ".join(
        n for n, ok in zip(["Brier vs uncalibrated", "ECE vs uncalibrated", "Brier vs CCCV + 0.005",
                            "ECE vs CCCV + 0.005"], checks) if not ok) + ")"


mean = {m: tuple(sum(v[s][m][i] for s in seeds) / len(seeds) for i in (0, 1)) for m, _ in models}
for s, r in [(s, v[s]) for s in seeds] + [("mean", mean)]:
    print("| %s | " % s + " | ".join("%.4f | %.4f" % r[m] for m, _ in models) + " | %s |" % goal(r))
ok = sum(goal(v[s]) == "yes" for s in seeds)
print("\nGoal met on %d of %d seeds; on the mean: %s." % (ok, len(seeds), goal(mean)))
PY
