"""XGBoost and scikit-learn baselines for bench/boost.sh (Debian's python3-xgboost, python3-sklearn).

    /usr/bin/python3 bench/boost_baseline.py FILE.csv cls|reg xgb|hgb [predict] [early] [fit]

Trains on the rows with is_test = 0 with the settings edupredict uses in bench/boost.sh (300 rounds,
depth 6, learning rate 0.1, L2 1, min_child_weight 1 / min_samples_leaf 1, two threads), scores the
rows with is_test = 1 and prints one line of key=value pairs: train_s, peak_bytes (ru_maxrss of this
process, which loaded only this file), model_bytes, accuracy / f1_macro / auc or r2.  "predict" also
times a batch predict over every row; "early" (xgb) trains with early stopping (50 rounds) on a
stratified tenth of the training rows and reports the best round and the test AUC.  "fit" prints train_s
alone, right after the fit (bench/boost_pairs.sh).
"""
import os
import pickle
import resource
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

path, task, tool = sys.argv[1], sys.argv[2], sys.argv[3]
flags = set(sys.argv[4:])
with open(path) as f:
    header = f.readline().strip().split(",")
ycol = len(header) - 2
y_raw = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[ycol], dtype=str)
d = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[i for i in range(len(header)) if i != ycol])
X, is_test = d[:, :-1], d[:, -1] == 1
if task == "cls":
    classes, y = np.unique(y_raw, return_inverse=True)
else:
    y = y_raw.astype(float)
Xtr, ytr, Xte, yte = X[~is_test], y[~is_test], X[is_test], y[is_test]
ROUNDS, DEPTH, RATE = 300, 6, 0.1

if tool == "xgb":
    import xgboost as xgb
    params = dict(n_estimators=ROUNDS, max_depth=DEPTH, learning_rate=RATE, reg_lambda=1.0,
                  min_child_weight=1.0, tree_method="hist", n_jobs=2, random_state=42)
    if task == "cls":
        model = xgb.XGBClassifier(**params)
    else:
        model = xgb.XGBRegressor(**params)
else:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    params = dict(max_iter=ROUNDS, max_depth=DEPTH, learning_rate=RATE, l2_regularization=1.0,
                  min_samples_leaf=1, max_leaf_nodes=None, early_stopping=False, random_state=42)
    model = (HistGradientBoostingClassifier if task == "cls" else HistGradientBoostingRegressor)(**params)

out = {}
if "early" in flags and tool == "xgb":
    fit_i, val_i = train_test_split(np.arange(len(ytr)), test_size=0.1, random_state=42,
                                    stratify=ytr if task == "cls" else None)
    model.set_params(n_estimators=1000, early_stopping_rounds=50)
    t = time.perf_counter()
    model.fit(Xtr[fit_i], ytr[fit_i], eval_set=[(Xtr[val_i], ytr[val_i])], verbose=False)
    out["train_s"] = time.perf_counter() - t
    out["best_round"] = model.best_iteration + 1
else:
    t = time.perf_counter()
    model.fit(Xtr, ytr)
    out["train_s"] = time.perf_counter() - t
    if "fit" in flags:
        print("train_s=%s" % out["train_s"], flush=True)
        sys.exit(0)
out["peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if tool == "xgb":
    out["model_bytes"] = len(model.get_booster().save_raw("ubj"))
else:
    out["model_bytes"] = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
if task == "cls":
    p = model.predict_proba(Xte)
    pred = p.argmax(1)
    out["accuracy"] = accuracy_score(yte, pred)
    out["f1_macro"] = f1_score(yte, pred, average="macro")
    out["auc"] = roc_auc_score(yte, p[:, 1]) if p.shape[1] == 2 else roc_auc_score(yte, p, multi_class="ovr", average="macro")
else:
    out["r2"] = r2_score(yte, model.predict(Xte))
if "predict" in flags:
    t = time.perf_counter()
    (model.predict_proba if task == "cls" else model.predict)(X)
    out["predict_rows_s"] = len(X) / (time.perf_counter() - t)
print(" ".join("%s=%s" % (k, v) for k, v in out.items()), flush=True)
