"""Feasibility of out-of-bag calibration (issue 11), scikit-learn only.

    /usr/bin/python3 bench/calib_oob_py.py UCI.csv [--ccv-only | --binned] [SEED...]

UCI.csv: bench/forest_gen.py's file (rows with is_test = 0 train, the 885
with is_test = 1 score).  For each seed (default 42 1 2 3 4), held-out Brier
score and ECE (bench/explain_py.py's definitions) of:
  rf            RandomForestClassifier(N) on all training rows, uncalibrated
  ccv_iso       CalibratedClassifierCV(RF(100), isotonic, cv=5): 5 forests,
                5 calibrators, averaged (the issue's reference)
  ccv_iso_single  the same with ensemble=False: one forest on all rows, one
                calibrator on 5-fold cross-validated probabilities
  oob_iso, oob_sig  RF(N) on all rows + one-vs-rest isotonic / sigmoid
                calibrators fitted on its out-of-bag probabilities of the
                training rows (oob_decision_function_), then renormalised
for N = 100 (edupredict's default) and 500 (ccv_iso's total tree count).
--ccv-only: ccv_iso alone (bench/calib_oob.sh's reference).
--binned: every model on the features binned as edupredict bins them
(bench/boost_uci_binning.py's edges; values become bin numbers), to tell
the binning's share of a gap from the rest.
Prints key=value lines.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from explain_py import brier, ece, load  # noqa: E402


def one_vs_rest(fit_p, fit_y, apply_p, classes, method):
    from sklearn.calibration import _SigmoidCalibration
    from sklearn.isotonic import IsotonicRegression
    out = np.zeros_like(apply_p)
    for k, c in enumerate(classes):
        t = (fit_y == c).astype(float)
        if method == "isotonic":
            m = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
        else:
            m = _SigmoidCalibration()
        out[:, k] = m.fit(fit_p[:, k], t).predict(apply_p[:, k])
    s = out.sum(1, keepdims=True)
    return np.where(s > 0, out / np.where(s > 0, s, 1), 1.0 / len(classes))


def main(path, seeds, ccv_only=False, bin_them=False):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    X, y, te = load(path)
    classes = np.unique(y)
    Xtr, ytr, Xte, yte = X[~te], y[~te], X[te], y[te]
    if bin_them:
        from boost_uci_binning import binned
        Xtr, Xte = binned(Xtr, Xte)

    def show(seed, name, p):
        print("seed=%d model=%s brier=%.6f ece=%.6f" % (seed, name, brier(p, yte, classes), ece(p, yte, classes)),
              flush=True)

    for seed in seeds:
        for ens, name in ((True, "ccv_iso"), (False, "ccv_iso_single"))[:1 if ccv_only else 2]:
            cc = CalibratedClassifierCV(RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=seed),
                                        method="isotonic", cv=5, ensemble=ens).fit(Xtr, ytr)
            show(seed, name, cc.predict_proba(Xte))
        if ccv_only:
            continue
        for n in (100, 500):
            rf = RandomForestClassifier(n_estimators=n, n_jobs=2, random_state=seed, oob_score=True).fit(Xtr, ytr)
            p, oob = rf.predict_proba(Xte), rf.oob_decision_function_
            assert not np.isnan(oob).any(), "a training row is in the bag of every tree"
            show(seed, "rf%d" % n, p)
            show(seed, "rf%d_oob_iso" % n, one_vs_rest(oob, ytr, p, classes, "isotonic"))
            show(seed, "rf%d_oob_sig" % n, one_vs_rest(oob, ytr, p, classes, "sigmoid"))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    args = [a for a in sys.argv[2:] if a not in ("--ccv-only", "--binned")]
    main(sys.argv[1], [int(s) for s in args] or [42, 1, 2, 3, 4], "--ccv-only" in sys.argv[2:],
         "--binned" in sys.argv[2:])
