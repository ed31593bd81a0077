"""scikit-learn baseline for bench/forest.sh (Debian's python3-sklearn).

    /usr/bin/python3 bench/forest_sklearn.py FILE.csv cls|reg SEED PREFIX [max_features] [predict]

Fits RandomForestClassifier/Regressor(n_estimators=100, n_jobs=2, defaults,
random_state=SEED; max_features if given: a fraction, "sqrt" or "default") on
the rows with is_test = 0, scores the rows with is_test = 1, and prints
key=value lines prefixed with PREFIX.  With "predict", also times batch
predict_proba over every row of the file.  Memory and CPU time come from
bench/lib/procmem.sh on this process: "start" after loading the file, "end"
after fit, so the training peak is VmHWM over fit alone and the loading peak
is VmHWM before it.
"""
import os
import pickle
import subprocess
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, f1_score, r2_score, roc_auc_score

path, task, seed, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rest = sys.argv[5:]
predict = "predict" in rest
mf = [a for a in rest if a != "predict"]
procmem = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "procmem.sh")


def mem(phase):
    sys.stdout.flush()
    subprocess.run([procmem, str(os.getpid()), prefix, phase], check=True)


with open(path) as f:
    header = f.readline().strip().split(",")
y_raw = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[len(header) - 2], dtype=str)
d = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[i for i in range(len(header)) if i != len(header) - 2])
X, is_test = d[:, :-1], d[:, -1] == 1
y = y_raw if task == "cls" else y_raw.astype(float)
Xtr, ytr, Xte, yte = X[~is_test], y[~is_test], X[is_test], y[is_test]
kw = {}
if mf and mf[0] != "default":
    kw["max_features"] = mf[0] if mf[0] == "sqrt" else float(mf[0])
model = (RandomForestClassifier if task == "cls" else RandomForestRegressor)(
    n_estimators=100, n_jobs=2, random_state=seed, **kw)
mem("start")
t = time.perf_counter()
model.fit(Xtr, ytr)
train_s = time.perf_counter() - t
mem("end")
size = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
mfv = model.max_features
mtry = max(1, int(mfv * X.shape[1])) if isinstance(mfv, float) else (
    int(np.sqrt(X.shape[1])) if mfv == "sqrt" else X.shape[1])
out = {"train_s": train_s, "model_bytes": size, "mtry": mtry}
if task == "cls":
    p = model.predict_proba(Xte)
    pred = model.classes_[p.argmax(1)]
    out["accuracy"] = accuracy_score(yte, pred)
    out["f1_macro"] = f1_score(yte, pred, average="macro")
    out["auc"] = roc_auc_score(yte, p[:, 1]) if p.shape[1] == 2 else roc_auc_score(yte, p, multi_class="ovr", average="macro")
else:
    out["r2"] = r2_score(yte, model.predict(Xte))
if predict:
    t = time.perf_counter()
    model.predict_proba(X)
    out["predict_rows_s"] = len(X) / (time.perf_counter() - t)
print(prefix + " " + " ".join("%s=%s" % (k, v) for k, v in out.items()), flush=True)
