"""XGBoost (and scikit-learn's HistGradientBoosting) on the rows the engine used.

    /usr/bin/python3 bench/boost_xgb.py PREFIX cls|reg ROUNDS DEPTH LR L2 MCW [xgb|hgb|both] [ES]

PREFIX.* are written by test/fuzz/boost_check --dump: the binned rows (uint8,
255 = missing, given to the baselines as numbers with NaN for missing, so
every tool sees the same quantisation), targets, the split (0 train, 1 test,
2 validation) and the engine's test predictions.  Prints one line per tool
with key=value figures: train time, peak process memory (ru_maxrss of this
process, which holds the data, as the engine's harness does), and test
accuracy / macro F1 / AUC / log loss or R2 / RMSE / MAE, computed by the same
code for the engine's predictions and the baselines'.  rss_train_mb: the
growth of the peak over DMatrix construction and training (the harness
reports the same over boost_train).  ES > 0: early stopping
on the validation rows (XGBoost's early_stopping_rounds).
"""
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "2")  # scikit-learn's threads, before it loads
import resource
import sys
import time

import numpy as np

prefix, task = sys.argv[1], sys.argv[2]
rounds, depth, lr, l2, mcw = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
which = sys.argv[8] if len(sys.argv) > 8 else "xgb"
es = int(sys.argv[9]) if len(sys.argv) > 9 else 0
meta = json.load(open(prefix + ".meta"))
n, p = meta["n"], meta["p"]
bins = np.fromfile(prefix + ".bins", dtype=np.uint8).reshape(n, p)
X = bins.astype(np.float32)
X[bins == 255] = np.nan
target = np.fromfile(prefix + ".target", dtype=np.float64)
split = np.fromfile(prefix + ".split", dtype=np.uint8)
tr, te, va = split == 0, split == 1, split == 2
K = meta["classes"] if task == "cls" else 1
kk = K if task == "cls" else 1
eng = np.fromfile(prefix + ".pred", dtype=np.float64).reshape(-1, kk)


def metrics(pred):
    from sklearn.metrics import accuracy_score, f1_score, log_loss, mean_absolute_error, r2_score, roc_auc_score
    y = target[te]
    if task == "cls":
        yi = y.astype(int)
        lab = pred.argmax(1)
        auc = roc_auc_score(yi, pred[:, 1]) if K == 2 else roc_auc_score(yi, pred, multi_class="ovr", average="macro")
        return "accuracy=%.4f f1=%.4f auc=%.4f logloss=%.4f" % (
            accuracy_score(yi, lab), f1_score(yi, lab, average="macro"), auc,
            log_loss(yi, np.clip(pred, 1e-15, 1), labels=list(range(K))))
    r = pred[:, 0]
    return "r2=%.4f rmse=%.4f mae=%.4f" % (r2_score(y, r), float(np.sqrt(np.mean((y - r) ** 2))), mean_absolute_error(y, r))


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


print("engine-scored-by-sklearn " + metrics(eng), flush=True)

if which in ("xgb", "both"):
    import xgboost as xgb
    params = dict(tree_method="hist", max_depth=depth, eta=lr, reg_lambda=l2, min_child_weight=mcw,
                  nthread=2, max_bin=256, seed=42)
    if task == "cls":
        params.update(objective="binary:logistic" if K == 2 else "multi:softprob")
        if K > 2:
            params["num_class"] = K
    else:
        params.update(objective="reg:squarederror")
    Xtr, ytr = X[tr], target[tr]
    rss0 = rss_mb()
    t0 = time.time()
    dtr = xgb.DMatrix(Xtr, label=ytr, nthread=2)
    t1 = time.time()
    evals, kw = [], {}
    if es > 0:
        dva = xgb.DMatrix(X[va], label=target[va], nthread=2)
        evals = [(dva, "val")]
        kw = dict(early_stopping_rounds=es, verbose_eval=False)
    bst = xgb.train(params, dtr, rounds, evals=evals, **kw)
    t2 = time.time()
    rss1 = rss_mb()
    dte = xgb.DMatrix(X[te], nthread=2)
    rng = (0, bst.best_iteration + 1) if es > 0 else (0, 0)
    pr = bst.predict(dte, iteration_range=rng)
    t3 = time.time()
    if task == "cls" and K == 2:
        pr = np.column_stack([1 - pr, pr])
    pr = pr.reshape(len(pr), -1).astype(np.float64)
    extra = " best_round=%d" % bst.best_iteration if es > 0 else ""
    print("xgboost %s train_s=%.3f dmatrix_s=%.3f predict_rows_per_s=%.0f rss_mb=%.1f rss_train_mb=%.1f version=%s%s" % (
        metrics(pr), t2 - t1, t1 - t0, te.sum() / max(t3 - t2, 1e-9), rss1, rss1 - rss0, xgb.__version__, extra), flush=True)

if which in ("hgb", "both"):
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    cls = HistGradientBoostingClassifier if task == "cls" else HistGradientBoostingRegressor
    # scikit-learn counts leaves, not depth: a depth-d XGBoost tree has up to 2^d leaves
    est = cls(max_iter=rounds, learning_rate=lr, max_depth=depth, max_leaf_nodes=2 ** depth,
              l2_regularization=l2, min_samples_leaf=1, max_bins=255, early_stopping=False,
              random_state=42)
    t0 = time.time()
    est.fit(X[tr], target[tr] if task == "reg" else target[tr].astype(int))
    t1 = time.time()
    pr = est.predict_proba(X[te]) if task == "cls" else est.predict(X[te]).reshape(-1, 1)
    print("sklearn-hgb %s train_s=%.3f rss_mb=%.1f version=%s" % (metrics(pr), t1 - t0, rss_mb(), sklearn.__version__), flush=True)
