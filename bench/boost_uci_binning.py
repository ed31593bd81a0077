"""How much of UCI's AUC gap to XGBoost is binning (issue 10), XGBoost only.

    /usr/bin/python3 bench/boost_uci_binning.py UCI.csv [SPLITS]

UCI.csv: bench/forest_gen.py's file (is_test = 1: the bench's 885 test rows).
XGBoost 1.7 (hist, 300 rounds, depth 6, rate 0.1, l2 1, min_child_weight 1,
2 threads) on the raw values (its own 256-bin sketch) against the same
XGBoost on the values binned as edupredict bins them (ensemble_bins.c's
edges, re-implemented here: every distinct value its own bin up to 255
of them, else a greedy equal-count pass over the sorted distinct values,
an edge halfway between two neighbours; UCI's 3,539 training rows are
fewer than the 200,000 values edges are sampled from, so all count).
Two more columns: XGBoost on the values binned by a re-implementation of
XGBoost's own hist sketch (sketch_cuts below) with 256 bins, which must
score exactly what XGBoost scores on the raw values (the check that the
re-implementation is XGBoost's sketch), and with 255 bins, the most
edupredict's bin format holds (bin 255 is the missing value).  On the
bench's split and on SPLITS (default 10) stratified 80/20 splits of all
rows (seeds 100, 101, ...).  Prints the macro one-vs-rest AUC of each and
the mean differences over the extra splits.

    /usr/bin/python3 bench/boost_uci_binning.py UCI.csv [SPLITS] --paired N

adds, after those lines (SPLITS may be 0), a paired comparison on the bench's
split of the first two columns, XGBoost on its own bins (a) and on
edupredict's (b), on the same 885 test rows: (1) a paired bootstrap of the
macro AUC difference b - a, N resamples of the test rows with replacement,
stratified by class (seed 20261206), both models scored on each resample:
the difference, its 95% percentile interval and the share of resamples with
b >= a; (2) each class's one-vs-rest AUC difference with DeLong's paired
test (DeLong, DeLong and Clarke-Pearson 1988, in Sun and Xu's 2014 fast
form: midranks, structural components, their covariance); (3) accuracy with
McNemar's exact test (two-sided binomial on the discordant rows).
"""
import csv
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np  # noqa: E402


def load(path):
    rows = list(csv.reader(open(path)))
    labels = {v: i for i, v in enumerate(sorted(set(r[-2] for r in rows[1:])))}
    X = np.array([[float(x) if x != "" else np.nan for x in r[:-2]] for r in rows[1:]])
    y = np.array([labels[r[-2]] for r in rows[1:]])
    te = np.array([r[-1] == "1" for r in rows[1:]])
    return X, y, te


def edges(v, max_bins=255):
    v = np.sort(v[~np.isnan(v)])
    u, c = np.unique(v, return_counts=True)
    k = len(u)
    if k <= max_bins:
        idx = np.arange(k - 1)
    else:
        idx, rem, acc = [], float(len(v)), 0
        for i in range(k - 1):
            left = max_bins - len(idx)
            acc += c[i]
            if left <= 1:
                break
            if acc >= rem / left or k - 1 - i <= left - 1:
                idx.append(i)
                rem -= acc
                acc = 0
        idx = np.array(idx, dtype=int)
    return u[idx] + (u[idx + 1] - u[idx]) / 2.0


def prune_summary(rmin, rmax, w, maxsize):
    """Indices of the entries a weighted quantile summary keeps when pruned
    to maxsize entries (the prune of Chen and Guestrin's weighted quantile
    sketch, XGBoost's WQSummary, in its float32 rank arithmetic): the first
    and last entry, and for each of maxsize - 2 evenly spaced ranks the
    entry whose rank bounds are nearer to it."""
    f = np.float32
    m = len(rmin)
    if m <= maxsize:
        return np.arange(m)
    begin, span, n = rmax[0], f(rmin[-1] - rmax[0]), maxsize - 1
    keep, i, last = [0], 1, 0
    for k in range(1, n):
        dx2 = f(2) * f(f(f(k) * span) / f(n) + begin)
        while i < m - 1 and dx2 >= rmax[i + 1] + rmin[i + 1]:
            i += 1
        if i == m - 1:
            break
        pick = i if dx2 < (rmin[i] + w[i]) + (rmax[i + 1] - w[i + 1]) else i + 1
        if pick != last:
            keep.append(pick)
            last = pick
    if last != m - 1:
        keep.append(m - 1)
    return np.array(keep)


def sketch_cuts(v, max_bin):
    """XGBoost 1.7's hist cut values of one feature for data of fewer than
    about 4,000 rows (its sketch then holds every distinct value with exact
    ranks): pruned to max_bin x 8 entries, then to max_bin + 1, and every
    kept value but the smallest and the largest is a cut (x < cut: left).
    As edupredict's edges (x <= edge: left), each cut's predecessor."""
    v = v[~np.isnan(v)]
    u, c = np.unique(v, return_counts=True)
    f = np.float32
    w = c.astype(f)
    rmin = np.concatenate([[0], np.cumsum(c)[:-1]]).astype(f)
    rmax = rmin + w
    idx = prune_summary(rmin, rmax, w, min(len(v), max_bin * 8))
    idx = idx[prune_summary(rmin[idx], rmax[idx], w[idx], min(len(v), max_bin * 8, max_bin) + 1)]
    cuts = u[idx][1:min(len(idx), max_bin)]
    return np.nextafter(np.unique(cuts), -np.inf)


def binned(tr, te, edge_fn=None):
    a, b = np.empty_like(tr), np.empty_like(te)
    for j in range(tr.shape[1]):
        e = (edge_fn or edges)(tr[:, j])
        a[:, j] = np.where(np.isnan(tr[:, j]), np.nan, np.searchsorted(e, tr[:, j], side="left"))
        b[:, j] = np.where(np.isnan(te[:, j]), np.nan, np.searchsorted(e, te[:, j], side="left"))
    return a, b


def proba(Xtr, ytr, Xte):
    import xgboost as xgb
    m = xgb.XGBClassifier(tree_method="hist", n_estimators=300, max_depth=6, learning_rate=0.1, reg_lambda=1,
                          min_child_weight=1, max_bin=256, n_jobs=2, random_state=42)
    m.fit(Xtr, ytr)
    return m.predict_proba(Xte)


def auc(Xtr, ytr, Xte, yte):
    from sklearn.metrics import roc_auc_score
    return roc_auc_score(yte, proba(Xtr, ytr, Xte), multi_class="ovr", average="macro")


def delong(pos, neg):
    """DeLong's paired test of two correlated AUCs in Sun and Xu's fast form
    (IEEE Signal Processing Letters 21(11), 2014).  pos: (models, m) scores
    of the m positives, neg: (models, n) of the n negatives.  With midranks
    Tx (among the positives), Ty (among the negatives), Tz (among all):
    AUC = (sum Tz[pos] - m(m+1)/2) / (mn); structural components
    V10 = (Tz[pos] - Tx) / n, V01 = 1 - (Tz[neg] - Ty) / m; S = S10/m + S01/n
    (S10, S01 their covariance matrices over the models).  Returns the AUCs,
    the standard error of auc[1] - auc[0] and the two-sided p-value."""
    from scipy.stats import norm, rankdata
    m, n = pos.shape[1], neg.shape[1]
    tx = rankdata(pos, axis=1)
    ty = rankdata(neg, axis=1)
    tz = rankdata(np.hstack([pos, neg]), axis=1)
    aucs = (tz[:, :m].sum(axis=1) - m * (m + 1) / 2.0) / (m * n)
    v10 = (tz[:, :m] - tx) / n
    v01 = 1.0 - (tz[:, m:] - ty) / m
    s = np.cov(v10) / m + np.cov(v01) / n
    se = np.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    return aucs, se, 2 * norm.sf(abs(aucs[1] - aucs[0]) / se)


def mcnemar(a_ok, b_ok):
    """McNemar's exact test: the rows only a gets right (n01) and only b gets
    right (n10); two-sided binomial p of n10 among n01 + n10 at 1/2."""
    from scipy.stats import binomtest
    n01, n10 = int(np.sum(a_ok & ~b_ok)), int(np.sum(~a_ok & b_ok))
    return n01, n10, (binomtest(n10, n01 + n10, 0.5).pvalue if n01 + n10 else 1.0)


def paired(X, y, te, resamples, seed=20261206):
    from sklearn.metrics import roc_auc_score
    tr = ~te
    yte = y[te]
    pa = proba(X[tr], y[tr], X[te])
    btr, bte = binned(X[tr], X[te])
    pb = proba(btr, y[tr], bte)
    macro = lambda yy, p: roc_auc_score(yy, p, multi_class="ovr", average="macro")  # noqa: E731
    a, b = macro(yte, pa), macro(yte, pb)
    rng = np.random.default_rng(seed)
    by_class = [np.flatnonzero(yte == k) for k in range(pa.shape[1])]
    d = np.empty(resamples)
    for r in range(resamples):
        i = np.concatenate([rng.choice(c, size=len(c), replace=True) for c in by_class])
        d[r] = macro(yte[i], pb[i]) - macro(yte[i], pa[i])
    lo, hi = np.percentile(d, [2.5, 97.5])
    print("paired split=bench test_rows=%d classes=%s xgboost_own_bins_auc=%.4f edupredict_bins_auc=%.4f"
          " diff=%+.4f" % (len(yte), "/".join(str(len(c)) for c in by_class), a, b, b - a))
    print("paired bootstrap resamples=%d seed=%d stratified=class diff=%+.4f ci95=%+.4f..%+.4f"
          " share_b_ge_a=%.3f boot_mean=%+.4f boot_sd=%.4f"
          % (resamples, seed, b - a, lo, hi, np.mean(d >= -1e-12), d.mean(), d.std(ddof=1)))
    for k in range(pa.shape[1]):
        pos, neg = yte == k, yte != k
        aucs, se, p = delong(np.vstack([pa[pos, k], pb[pos, k]]), np.vstack([pa[neg, k], pb[neg, k]]))
        print("paired delong class=%d positives=%d xgboost_own_bins_auc=%.4f edupredict_bins_auc=%.4f"
              " diff=%+.4f se=%.4f ci95=%+.4f..%+.4f p=%.3f"
              % (k, pos.sum(), aucs[0], aucs[1], aucs[1] - aucs[0], se,
                 aucs[1] - aucs[0] - 1.959964 * se, aucs[1] - aucs[0] + 1.959964 * se, p))
    a_ok, b_ok = pa.argmax(axis=1) == yte, pb.argmax(axis=1) == yte
    n01, n10, p = mcnemar(a_ok, b_ok)
    print("paired mcnemar xgboost_own_bins_acc=%.4f edupredict_bins_acc=%.4f only_own_right=%d"
          " only_edupredict_right=%d p=%.3f" % (a_ok.mean(), b_ok.mean(), n01, n10, p))


def main(path, splits, resamples=None):
    from sklearn.model_selection import train_test_split
    X, y, te0 = load(path)
    X32 = X.astype(np.float32).astype(np.float64)  # the values XGBoost sees
    diffs, d255 = [], []
    for s in [None] + list(range(100, 100 + splits)):
        if s is None:
            tr = ~te0
        else:
            i_tr, _ = train_test_split(np.arange(len(y)), test_size=0.2, stratify=y, random_state=s)
            tr = np.zeros(len(y), bool)
            tr[i_tr] = True
        a = auc(X[tr], y[tr], X[~tr], y[~tr])
        btr, bte = binned(X[tr], X[~tr])
        b = auc(btr, y[tr], bte, y[~tr])
        s256 = auc(*binned_xy(X32, y, tr, 256))
        s255 = auc(*binned_xy(X32, y, tr, 255))
        print("split=%s xgboost_own_bins_auc=%.4f edupredict_bins_auc=%.4f diff=%+.4f"
              " sketch256_auc=%.4f sketch255_auc=%.4f diff255=%+.4f"
              % ("bench" if s is None else s, a, b, b - a, s256, s255, s255 - a), flush=True)
        if s is not None:
            diffs.append(b - a)
            d255.append(s255 - a)
    for name, d in (("edupredict_bins", np.array(diffs)), ("sketch255", np.array(d255))):
        if len(d):
            print("%s splits=%d mean_diff=%+.4f sd=%.4f" % (name, len(d), d.mean(), d.std(ddof=1)))
    if resamples:
        paired(X, y, te0, resamples)


def binned_xy(X, y, tr, max_bin):
    btr, bte = binned(X[tr], X[~tr], lambda v: sketch_cuts(v, max_bin))
    return btr, y[tr], bte, y[~tr]


if __name__ == "__main__":
    args = sys.argv[1:]
    n_paired = None
    if "--paired" in args:
        i = args.index("--paired")
        n_paired = int(args[i + 1])
        del args[i:i + 2]
    main(args[0], int(args[1]) if len(args) > 1 else 10, n_paired)
