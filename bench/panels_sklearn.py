"""scikit-learn's random forest on the OULAD weekly panel, same rows and split
as edupredict (bench/panels.sh exports them): train.csv (2013 presentations),
test.csv (2014).  Text features are ordinal-coded by sorted category (as
edupredict's codebook does); missing values (which edupredict's trees route
natively) become -1, since scikit-learn 1.2's forest rejects NaN.
Prints key=value lines: train_s, auc, prior, and the precision / recall /
flagged share at the training prior and at the top 5% per module, presentation
and week.  Usage: panels_sklearn.py DIR N_TREES MIN_SAMPLES_LEAF MAX_FEATURES|sqrt SAMPLE_FRACTION SEED
"""
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score

KEYS = ["code_module", "code_presentation", "id_student", "period_start", "label"]


def load(path):
    import csv
    with open(path, newline="") as fh:
        r = csv.reader(fh)
        header = next(r)
        rows = list(r)
    return header, rows


def main():
    d, n_trees, leaf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    max_features = sys.argv[4] if sys.argv[4] == "sqrt" else float(sys.argv[4])
    sample_fraction, seed = float(sys.argv[5]), int(sys.argv[6])
    h, train = load(d + "/train.csv")
    h2, test = load(d + "/test.csv")
    assert h == h2
    feats = [c for c in h if c not in KEYS]
    idx = {c: i for i, c in enumerate(h)}
    text = []
    for c in feats:
        try:
            [float(r[idx[c]]) for r in train[:2000] if r[idx[c]] != ""]
        except ValueError:
            text.append(c)
    codes = {c: {v: k for k, v in enumerate(sorted({r[idx[c]] for r in train if r[idx[c]] != ""}))} for c in text}

    def matrix(rows):
        x = np.empty((len(rows), len(feats)))
        for j, c in enumerate(feats):
            i = idx[c]
            if c in codes:
                x[:, j] = [codes[c].get(r[i], -1) if r[i] != "" else -1 for r in rows]
            else:
                x[:, j] = [float(r[i]) if r[i] != "" else -1.0 for r in rows]
        y = np.array([r[idx["label"]] == "t" for r in rows])
        return x, y

    xtr, ytr = matrix(train)
    xte, yte = matrix(test)
    t0 = time.time()
    rf = RandomForestClassifier(n_estimators=n_trees, min_samples_leaf=leaf, max_features=max_features,
                                max_samples=sample_fraction if sample_fraction < 1 else None,
                                n_jobs=2, random_state=seed)
    rf.fit(xtr, ytr)
    train_s = time.time() - t0
    p = rf.predict_proba(xte)[:, 1]
    auc = roc_auc_score(yte, p)
    prior = ytr.mean()
    out = {"train_s": train_s, "auc": auc, "prior": prior, "train_rows": len(ytr), "test_rows": len(yte),
           "test_positives": int(yte.sum())}
    flag = p > prior
    out["prior_flagged"] = flag.mean()
    out["prior_precision"] = (yte & flag).sum() / max(flag.sum(), 1)
    out["prior_recall"] = (yte & flag).sum() / max(yte.sum(), 1)
    # top 5% per module, presentation and week (ties by student, as demo/60_panels.sql ranks)
    groups = {}
    for k, r in enumerate(test):
        groups.setdefault((r[idx["code_module"]], r[idx["code_presentation"]], r[idx["period"]]), []).append(k)
    top = np.zeros(len(test), dtype=bool)
    for ks in groups.values():
        n = int(np.ceil(0.05 * len(ks)))
        order = sorted(ks, key=lambda k: (-p[k], int(test[k][idx["id_student"]])))
        top[order[:n]] = True
    out["top5_flagged"] = top.mean()
    out["top5_precision"] = (yte & top).sum() / max(top.sum(), 1)
    out["top5_recall"] = (yte & top).sum() / max(yte.sum(), 1)
    print(" ".join("%s=%.6g" % kv if isinstance(kv[1], float) else "%s=%s" % kv for kv in out.items()))


if __name__ == "__main__":
    main()
