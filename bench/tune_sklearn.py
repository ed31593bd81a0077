"""scikit-learn's searches on the UCI dropout data, for bench/tune.sh.

    /usr/bin/python3 bench/tune_sklearn.py gen DIR
        DIR/uci_tune.csv: the 36 features, y, is_test (stratified 80/20, seed 42, as
        bench/forest_gen.py) and fold: StratifiedKFold(5, shuffle, seed 42) over the
        training rows (-1 for test rows).  Every tool uses these folds.
    /usr/bin/python3 bench/tune_sklearn.py run DIR rf|xgb random|halving
        RandomizedSearchCV or HalvingRandomSearchCV (factor 3, 30 candidates) with
        RandomForestClassifier (100 trees) or XGBClassifier (200 rounds, hist), 30
        trials, the folds of the fold column (PredefinedSplit), scoring roc_auc_ovr,
        refit on every training row; the search runs 2 fits at a time (n_jobs=2),
        each estimator single-threaded.  Prints one key=value line: wall time of
        search.fit (refit included), best CV AUC, test AUC of the refitted model,
        fits, and the best parameters.
The spaces are tune()'s spaces in bench/tune_in_cluster.sh, drawn with scipy.
"""
import csv
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
import sys
import time

import numpy as np

UCI = "data/uci_student_dropout/data.csv"


def gen(out):
    from sklearn.model_selection import StratifiedKFold, train_test_split
    with open(UCI, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head, rows = rows[0], rows[1:]
    y = np.array([r[36] for r in rows])
    idx = np.arange(len(y))
    _, te = train_test_split(idx, test_size=0.2, random_state=42, stratify=y)
    is_test = np.zeros(len(y), bool)
    is_test[te] = True
    fold = np.full(len(y), -1)
    tr = idx[~is_test]
    for k, (_, f) in enumerate(StratifiedKFold(5, shuffle=True, random_state=42).split(tr, y[tr])):
        fold[tr[f]] = k
    cols = ["f%d" % i for i in range(1, 37)]
    with open(os.path.join(out, "uci_tune.csv"), "w") as f:
        f.write(",".join(cols + ["y", "is_test", "fold"]) + "\n")
        for r, t, k in zip(rows, is_test, fold):
            f.write(",".join(r[:36]) + "," + r[36] + "," + ("1" if t else "0") + "," + str(k) + "\n")
    print("wrote", os.path.join(out, "uci_tune.csv"), len(rows), "rows")


def load(out):
    with open(os.path.join(out, "uci_tune.csv")) as f:
        rows = list(csv.reader(f))[1:]
    X = np.array([[float(v) for v in r[:36]] for r in rows])
    y = np.array([r[36] for r in rows])
    is_test = np.array([r[37] == "1" for r in rows])
    fold = np.array([int(r[38]) for r in rows])
    return X, y, is_test, fold


def run(out, model, method):
    from scipy.stats import loguniform, randint, uniform
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import HalvingRandomSearchCV, PredefinedSplit, RandomizedSearchCV
    from sklearn.preprocessing import LabelEncoder

    X, y, is_test, fold = load(out)
    enc = LabelEncoder().fit(y)
    yi = enc.transform(y)
    Xtr, ytr, Xte, yte = X[~is_test], yi[~is_test], X[is_test], yi[is_test]
    cv = PredefinedSplit(fold[~is_test])
    if model == "rf":
        est = RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=42)
        space = {"max_depth": randint(3, 31), "min_samples_leaf": [1, 2, 5, 10],
                 "max_features": uniform(0.1, 0.8)}
    else:
        import xgboost
        est = xgboost.XGBClassifier(n_estimators=200, tree_method="hist", n_jobs=1, random_state=42)
        space = {"max_depth": randint(2, 9), "learning_rate": loguniform(0.02, 0.3),
                 "subsample": uniform(0.5, 0.5), "colsample_bytree": uniform(0.5, 0.5)}
    common = dict(scoring="roc_auc_ovr", cv=cv, refit=True, random_state=42, n_jobs=2)
    if method == "random":
        search = RandomizedSearchCV(est, space, n_iter=30, **common)
    else:
        search = HalvingRandomSearchCV(est, space, n_candidates=30, factor=3, resource="n_samples",
                                       min_resources="exhaust", **common)
    t0 = time.time()
    search.fit(Xtr, ytr)
    wall = time.time() - t0
    auc = roc_auc_score(yte, search.best_estimator_.predict_proba(Xte), multi_class="ovr", average="macro")
    fits = len(search.cv_results_["params"])
    best = " ".join("%s=%s" % (k, ("%.4g" % v) if isinstance(v, float) else v)
                    for k, v in sorted(search.best_params_.items()))
    print("sklearn %s-%s wall_s=%.3f cv_auc=%.5f test_auc=%.5f evaluations=%d best: %s"
          % (model, method, wall, search.best_score_, auc, fits, best), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        run(sys.argv[2], sys.argv[3], sys.argv[4])
