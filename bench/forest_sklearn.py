"""scikit-learn baseline for bench/forest.sh (Debian's python3-sklearn).

    /usr/bin/python3 bench/forest_sklearn.py FILE.csv cls|reg [predict]

Fits RandomForestClassifier/Regressor(n_estimators=100, n_jobs=2, defaults,
random_state=42) on the rows with is_test = 0, scores the rows with
is_test = 1, and prints one line of key=value pairs.  With "predict", also
times batch predict_proba over every row of the file.
"""
import pickle
import resource
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, f1_score, r2_score, roc_auc_score

path, task = sys.argv[1], sys.argv[2]
with open(path) as f:
    header = f.readline().strip().split(",")
y_raw = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[len(header) - 2], dtype=str)
d = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[i for i in range(len(header)) if i != len(header) - 2])
X, is_test = d[:, :-1], d[:, -1] == 1
y = y_raw if task == "cls" else y_raw.astype(float)
Xtr, ytr, Xte, yte = X[~is_test], y[~is_test], X[is_test], y[is_test]
model = (RandomForestClassifier if task == "cls" else RandomForestRegressor)(n_estimators=100, n_jobs=2, random_state=42)
t = time.perf_counter()
model.fit(Xtr, ytr)
train_s = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
size = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
out = {"train_s": train_s, "peak_bytes": peak, "model_bytes": size}
if task == "cls":
    p = model.predict_proba(Xte)
    pred = model.classes_[p.argmax(1)]
    out["accuracy"] = accuracy_score(yte, pred)
    out["f1_macro"] = f1_score(yte, pred, average="macro")
    out["auc"] = roc_auc_score(yte, p[:, 1]) if p.shape[1] == 2 else roc_auc_score(yte, p, multi_class="ovr", average="macro")
else:
    out["r2"] = r2_score(yte, model.predict(Xte))
if len(sys.argv) > 3 and sys.argv[3] == "predict":
    t = time.perf_counter()
    model.predict_proba(X)
    out["predict_rows_s"] = len(X) / (time.perf_counter() - t)
print(" ".join("%s=%s" % (k, v) for k, v in out.items()), flush=True)
