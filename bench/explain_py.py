"""Baselines for bench/explain.sh (Debian's python3-xgboost and python3-sklearn).

    /usr/bin/python3 bench/explain_py.py calibration UCI.csv
    /usr/bin/python3 bench/explain_py.py contribs C1M.csv ROWS

calibration: CalibratedClassifierCV(RandomForestClassifier(100 trees),
method='isotonic', cv=5) and the plain forest, fitted on the rows with
is_test = 0 and scored on the rows with is_test = 1, with edupredict's
definitions: Brier score (more than two classes: the sum over classes,
averaged over rows), expected calibration error (10 equal-count bins of the
rows sorted by probability, ties in row order, one class against the rest,
mean over classes) and log loss.
contribs: XGBoost (300 rounds, depth 6, rate 0.1, hist, 2 threads) fitted on
the is_test = 0 rows; pred_contribs=True on the first ROWS test rows with 2
threads (rows/s), and the additivity of its own contributions.
Prints key=value lines.
"""
import os
import sys
import time

import numpy as np


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    y = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[len(header) - 2], dtype=str)
    d = np.loadtxt(path, delimiter=",", skiprows=1,
                   usecols=[i for i in range(len(header)) if i != len(header) - 2])
    return d[:, :-1], y, d[:, -1] == 1


def brier(p, y, classes):
    onehot = (y[:, None] == classes[None, :]).astype(float)
    if len(classes) == 2:
        return float(np.mean((p[:, 1] - onehot[:, 1]) ** 2))
    return float(np.mean(np.sum((p - onehot) ** 2, axis=1)))


def ece(p, y, classes):
    n = len(y)
    ks = [1] if len(classes) == 2 else range(len(classes))
    out = []
    for k in ks:
        order = np.argsort(p[:, k], kind="stable")
        s, t = p[order, k], (y[order] == classes[k]).astype(float)
        b = (np.arange(n) * 10) // n
        # a run of equal probabilities goes whole to the bin of its first row
        # (edupredict's rule: the bins do not depend on the rows' order)
        first = np.r_[True, s[1:] != s[:-1]]
        b = b[np.maximum.accumulate(np.where(first, np.arange(n), 0))]
        e = 0.0
        for j in range(10):
            m = b == j
            if m.any():
                e += m.sum() / n * abs(s[m].mean() - t[m].mean())
        out.append(e)
    return float(np.mean(out))


def calibration(path):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import log_loss
    X, y, te = load(path)
    classes = np.unique(y)
    for name, model in (
            ("rf", RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=42)),
            ("rf_isotonic_cv5", CalibratedClassifierCV(
                RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=42), method="isotonic", cv=5))):
        t = time.perf_counter()
        model.fit(X[~te], y[~te])
        fit_s = time.perf_counter() - t
        assert list(model.classes_) == list(classes)
        p = model.predict_proba(X[te])
        print("sklearn %s fit_s=%.3f brier=%.6f ece=%.6f log_loss=%.6f accuracy=%.6f" % (
            name, fit_s, brier(p, y[te], classes), ece(p, y[te], classes),
            log_loss(y[te], p, labels=classes), float(np.mean(classes[p.argmax(1)] == y[te]))), flush=True)


def contribs(path, rows):
    import xgboost as xgb
    X, y, te = load(path)
    y = y.astype(float).astype(int)
    model = xgb.XGBClassifier(n_estimators=300, max_depth=6, learning_rate=0.1, tree_method="hist", n_jobs=2,
                              random_state=42)
    t = time.perf_counter()
    model.fit(X[~te], y[~te])
    fit_s = time.perf_counter() - t
    booster = model.get_booster()
    booster.set_param({"nthread": 2})
    dm = xgb.DMatrix(X[te][:rows])
    t = time.perf_counter()
    c = booster.predict(dm, pred_contribs=True)
    s = time.perf_counter() - t
    margin = booster.predict(dm, output_margin=True)
    print("xgboost fit_s=%.1f rows=%d contribs_s=%.3f rows_per_s=%.1f additivity=%.2e version=%s" % (
        fit_s, rows, s, rows / s, float(np.max(np.abs(c.sum(1) - margin))), xgb.__version__), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    if sys.argv[1] == "calibration":
        calibration(sys.argv[2])
    else:
        contribs(sys.argv[2], int(sys.argv[3]))
