"""scikit-learn's side and the report of bench/calib_recipes.sh (issue 11).

    /usr/bin/python3 bench/calib_recipes_py.py sklearn UCI.csv "TREES..." SEED...
    /usr/bin/python3 bench/calib_recipes_py.py report LOG

sklearn: UCI.csv is bench/forest_gen.py's file; training rows (is_test = 0)
are numbered by their place in the file (rid, from 0, as
bench/calib_recipes_in_cluster.sh numbers them), the 885 is_test = 1 rows
score. For each seed (random_state), prints
"sk recipe=R trees=N seed=S model=M brier=B ece=E" lines (M: raw, iso, sig):
  held  RandomForestClassifier(N) on the training rows with rid % 4 <> 0,
        CalibratedClassifierCV(cv='prefit', isotonic / sigmoid) on the others
        (edupredict's held-out recipe, same rows), for each N of TREES;
  cv    CalibratedClassifierCV(RandomForestClassifier(100), isotonic / sigmoid,
        cv=5) on all training rows (its own stratified folds): 5 forests and 5
        calibrators, averaged; raw is the mean of the same 5 forests
        uncalibrated. cv isotonic is issue 11's reference.
(recipe fit, train_forest(calibration_folds => 5), is edupredict's alone: it is
CalibratedClassifierCV's recipe inside one model, whose reference is cv.)
Brier score and ECE are bench/explain_py.py's (evaluate()'s definitions).
report: the markdown tables of LOG (pg, sk, check and meta lines).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from explain_py import brier, ece, load  # noqa: E402

MARGIN = 0.005


def sklearn_side(path, trees, seeds):
    import sklearn
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    X, y, te = load(path)
    classes = np.unique(y)
    rid = np.arange(len(y))
    fit, cal = ~te & (rid % 4 != 0), ~te & (rid % 4 == 0)
    print("sk version=%s" % sklearn.__version__, flush=True)

    def show(recipe, nt, seed, model, p):
        print("sk recipe=%s trees=%s seed=%d model=%s brier=%.6f ece=%.6f"
              % (recipe, nt, seed, model, brier(p, y[te], classes), ece(p, y[te], classes)), flush=True)

    for seed in seeds:
        for nt in trees:
            rf = RandomForestClassifier(n_estimators=nt, n_jobs=2, random_state=seed).fit(X[fit], y[fit])
            show("held", nt, seed, "raw", rf.predict_proba(X[te]))
            for method, name in (("isotonic", "iso"), ("sigmoid", "sig")):
                cc = CalibratedClassifierCV(rf, method=method, cv="prefit").fit(X[cal], y[cal])
                show("held", nt, seed, name, cc.predict_proba(X[te]))
        for method, name in (("isotonic", "iso"), ("sigmoid", "sig")):
            cc = CalibratedClassifierCV(RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=seed),
                                        method=method, cv=5).fit(X[~te], y[~te])
            show("cv", "100x5", seed, name, cc.predict_proba(X[te]))
            if method == "isotonic":
                forests = [getattr(c, "estimator", None) or c.base_estimator for c in cc.calibrated_classifiers_]
                show("cv", "100x5", seed, "raw", np.mean([f.predict_proba(X[te]) for f in forests], axis=0))


def goal(cal, raw, ref):
    """'met' or what misses: calibrated (Brier, ECE) against the same
    trees uncalibrated and against the reference + MARGIN."""
    misses = []
    for i, metric in enumerate(("Brier", "ECE")):
        over = []
        if cal[i] > raw[i]:
            over.append("+%.4f vs uncalibrated" % (cal[i] - raw[i]))
        if cal[i] > ref[i] + MARGIN:
            over.append("+%.4f vs CCCV + 0.005" % (cal[i] - ref[i] - MARGIN))
        if over:
            misses.append("%s %s" % (metric, ", ".join(over)))
    return "met" if not misses else "not met (" + "; ".join(misses) + ")"


def report(log):
    v = {}
    meta = {}
    check = ""
    counts = {}
    for line in open(log):
        w = line.split()
        if not w:
            continue
        if w[0] == "meta":
            meta.update(kv.split("=", 1) for kv in w[1:])
            continue
        f = dict(kv.split("=", 1) for kv in w[1:] if "=" in kv)
        if w[0] == "sk" and "version" in f:
            meta["sklearn"] = f["version"]
        elif w[0] == "pg" and w[1] == "rows":
            counts = {k: "{:,}".format(int(x)) for k, x in f.items()}
        elif w[0] == "pg" and w[1] == "check":
            check = "%s in Brier score, %s in ECE" % (f["brier_diff"].strip(), f["ece_diff"].strip())
        elif w[0] in ("pg", "sk"):
            v[(w[0], f["recipe"], f["trees"], int(f["seed"]), f["model"])] = (float(f["brier"]), float(f["ece"]))
    seeds = sorted({k[3] for k in v})
    held_trees = sorted({k[2] for k in v if k[1] == "held"}, key=int)
    ref = {s: v[("sk", "cv", "100x5", s, "iso")] for s in seeds}
    ref["mean"] = tuple(np.mean([ref[s][i] for s in seeds]) for i in (0, 1))
    engines = (("pg", "edupredict"), ("sk", "scikit-learn"))
    tally = []

    def rows(eng, recipe, nt, label):
        cell = {}
        for s in seeds:
            cell[s] = {m: v[(eng, recipe, nt, s, m)] for m in ("raw", "iso", "sig")}
        cell["mean"] = {m: tuple(np.mean([cell[s][m][i] for s in seeds]) for i in (0, 1))
                        for m in ("raw", "iso", "sig")}
        out = []
        goals = {}
        for s in seeds + ["mean"]:
            c = cell[s]
            gi, gs = goal(c["iso"], c["raw"], ref[s]), goal(c["sig"], c["raw"], ref[s])
            if eng == "sk" and recipe == "cv":
                gi = "(the reference)"
            goals[s] = (gi, gs)
            out.append("| %s | %s | %s | " % (label, nt, s)
                       + " | ".join("%.4f / %.4f" % c[m] for m in ("raw", "iso", "sig"))
                       + " | %s | %s |" % (gi, gs))
        for j, method in ((0, "isotonic"), (1, "sigmoid")):
            if eng == "sk" and recipe == "cv" and method == "isotonic":
                continue
            met = sum(goals[s][j] == "met" for s in seeds)
            tally.append("%s, %s, %s trees, %s: %d of %d seeds, mean %s"
                         % (label, {"held": "held-out", "cv": "5-fold", "fit": "cross-fitted"}[recipe], nt,
                            method, met, len(seeds),
                            "met" if goals["mean"][j] == "met" else "not met"))
        return out

    head = ("| engine | trees | seed | uncalibrated Brier / ECE | isotonic Brier / ECE | sigmoid Brier / ECE "
            "| isotonic: goal | sigmoid: goal |\n|---|---|---|---|---|---|---|---|")
    print("## Calibration recipes (bench/calib_recipes.sh)\n")
    print("Command: `bench/calib_recipes.sh %s`%s on %s cores, %s; code measured: commit %s; scikit-learn %s. Load"
          % (" ".join(map(str, seeds)), " with CALIB_RECIPES_TREES=\"%s\"" % meta["trees"].replace("_", " ")
             if meta.get("trees_set") == "1" else "", meta["cores"], meta["date"].replace("_", " "), meta["commit"],
             meta.get("sklearn", "?")))
    print("average (1/5/15 min, /proc/loadavg) %s before, %s after; the run took %s s. Every figure is"
          % (meta["load_start"], meta["load_end"], meta["elapsed_s"]))
    print("deterministic for its seed (no timing here).")
    print("""
Issue 11's goal: on the UCI split of bench/forest_gen.py (%s training rows, scored on the %s test rows), the
calibrated forest's Brier score (sum over the 3 classes) and ECE (10 equal-count bins, one class against the rest,
mean over classes: evaluate()'s definitions, bench/explain_py.py's for scikit-learn) at most those of the same trees
uncalibrated, and at most those of scikit-learn's CalibratedClassifierCV(RandomForestClassifier(100), isotonic,
cv=5) on the same rows + 0.005 (the reference: its row of the same seed; a mean row against its mean). Seeds are
the model's (train_forest seed, random_state); the rows are the same for every seed.

**Held-out recipe** (bench/explain.sh's): one forest on the %s training rows with rid %% 4 <> 0, its calibrator
fitted on the other %s (edupredict: `calibrate(model, 'uci_cal', method, version => 1)`; scikit-learn:
`CalibratedClassifierCV(forest, method, cv='prefit')`); uncalibrated = the same forest.
""" % (counts["train"], counts["test"], counts["fit"], counts["cal"]))
    print(head)
    for eng, label in engines:
        for nt in held_trees:
            print("\n".join(rows(eng, "held", nt, label)))
    print("""
**5-fold recipe** (CalibratedClassifierCV's): 5 forests of 100 trees, forest f on 4 folds of the training rows,
calibrated on fold f, a test row's probabilities the mean of the 5 calibrated forests (uncalibrated = the mean of
the same 5 forests without their calibrators). edupredict's folds are rid %% 5, every forest with the seed, in SQL
only (bench/calib_recipes_in_cluster.sh: train_forest and calibrate per fold, then the mean of predict_proba() per
class; Brier score and ECE of the means computed in SQL, which gives evaluate()'s figures for a single forest to
%s); scikit-learn's are its own stratified folds, every forest with the random_state.
""" % check)
    print(head)
    for eng, label in engines:
        print("\n".join(rows(eng, "cv", "100x5", label)))
    print("""
**The 5-fold recipe in one model** (edupredict: `train_forest(n_trees => 100, calibration => method,
calibration_folds => 5, test_fraction => 0)` on all training rows): 5 forests of 100 trees on edupredict's own
stratified folds, forest f on the rows outside fold f and calibrated on fold f; a test row's probabilities the mean
of the 5 calibrated forests, as above but inside one model (500 trees and 5 calibrator sets). Uncalibrated = the same
500 trees (explain()'s base value plus contributions, summed in SQL as above). Its reference is scikit-learn's row of
the 5-fold recipe.
""")
    print(head)
    print("\n".join(rows("pg", "fit", "100x5", "edupredict")))
    print("\nGoal met (isotonic / sigmoid, per seed and on the mean):\n")
    for t in tally:
        print("* " + t)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    if len(sys.argv) >= 4 and sys.argv[1] == "sklearn":
        sklearn_side(sys.argv[2], [int(t) for t in sys.argv[3].split()], [int(s) for s in sys.argv[4:]])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)
