#!/usr/bin/python3
"""Python side of bench/cluster.sh.

  cluster_py.py baselines DIR   run the scikit-learn baselines on DIR/london.csv
                                (school_id,lon,lat); write DIR/labels_<method>.csv
                                and one line "time <method> <seconds>" per run
  cluster_py.py score DIR FILE...  score label files (school_id,hub with the
                                points of DIR/<set>.csv) with the one scorer

The scorer is the issue's: hub sizes (min, max) and compactness = mean over
hubs of the mean great-circle distance (km, haversine, R = 6371.0088) from
each member to its hub centroid, the centroid being (mean longitude, mean
latitude); plus the worst hub's figure.

The "prior art" method is an approximation written for this benchmark from
the issue's description (the original code is not available here): sklearn
SpectralClustering on a dense N x N Gaussian affinity of raw-degree
distances, then a greedy pass that moves the point of an oversized cluster
nearest to the centroid of the nearest cluster with room, for at most N
moves, towards sizes within [lo, hi].
"""
import csv
import sys
import time

import numpy as np

R_KM = 6371.0088


def load(path):
    ids, xy = [], []
    with open(path) as f:
        for row in csv.reader(f):
            ids.append(int(row[0]))
            xy.append((float(row[1]), float(row[2])))
    return np.array(ids), np.array(xy)


def haversine(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * R_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def score(xy, labels):
    means = []
    sizes = []
    for h in np.unique(labels):
        m = xy[labels == h]
        c = m.mean(axis=0)
        means.append(haversine(m[:, 0], m[:, 1], c[0], c[1]).mean())
        sizes.append(len(m))
    return dict(hubs=len(sizes), min=min(sizes), max=max(sizes),
                compact=float(np.mean(means)), worst=float(np.max(means)))


def greedy_balance(xy, labels, lo, hi):
    """Prior-art style greedy pass: move points out of oversized clusters."""
    labels = labels.copy()
    k = labels.max() + 1
    for _ in range(len(labels)):
        sizes = np.bincount(labels, minlength=k)
        over = np.where(sizes > hi)[0]
        under = np.where(sizes < hi)[0]
        if len(over) == 0 or len(under) == 0:
            break
        cent = np.array([xy[labels == h].mean(axis=0) if sizes[h] else xy.mean(axis=0) for h in range(k)])
        a = over[np.argmax(sizes[over])]
        members = np.where(labels == a)[0]
        # nearest cluster with room to a's centroid, then a's member nearest to it
        d = np.linalg.norm(cent[under] - cent[a], axis=1)
        b = under[np.argmin(d)]
        p = members[np.argmin(np.linalg.norm(xy[members] - cent[b], axis=1))]
        labels[p] = b
    return labels


def write_labels(path, ids, labels):
    with open(path, "w") as f:
        w = csv.writer(f)
        w.writerow(["school_id", "hub"])
        for i, h in zip(ids, labels):
            w.writerow([int(i), int(h)])


def hubs_for_range(n, lo, hi):
    """The hub count balanced_spectral_cluster uses for sizes lo..hi: the
    feasible k (k*lo <= n <= k*hi) closest to n / ((lo + hi) / 2), the
    smaller on a tie."""
    feasible = [k for k in range(1, n + 1) if k * lo <= n <= k * hi]
    return min(feasible, key=lambda k: (abs(k - n / ((lo + hi) / 2)), k))


def baselines(d):
    from sklearn.cluster import KMeans, SpectralClustering
    from scipy.spatial.distance import cdist
    ids, xy = load(f"{d}/london.csv")
    n = len(ids)
    runs = []
    for tag, k, lo, hi in (("k6", 6, n // 6, -(-n // 6)), ("r30_40", hubs_for_range(n, 30, 40), 30, 40)):
        t = time.perf_counter()
        lab = SpectralClustering(n_clusters=k, affinity="nearest_neighbors", n_neighbors=10,
                                 random_state=42, assign_labels="kmeans").fit_predict(xy)
        runs.append((f"sklearn_spectral_{tag}", time.perf_counter() - t, lab))
        t = time.perf_counter()
        lab = KMeans(n_clusters=k, n_init=10, random_state=42).fit_predict(xy)
        runs.append((f"sklearn_kmeans_{tag}", time.perf_counter() - t, lab))
        t = time.perf_counter()
        dist = cdist(xy, xy)                       # dense N x N, raw degrees
        sigma = np.median(dist)
        aff = np.exp(-(dist ** 2) / (2 * (sigma / 10) ** 2))
        lab = SpectralClustering(n_clusters=k, affinity="precomputed", random_state=42).fit_predict(aff)
        lab = greedy_balance(xy, lab, lo, hi)
        runs.append((f"prior_art_{tag}", time.perf_counter() - t, lab))
    for name, secs, lab in runs:
        write_labels(f"{d}/labels_{name}.csv", ids, lab)
        print(f"time {name} {secs:.3f}", flush=True)


def score_files(d, files):
    sets = {}
    for f in files:
        name = f.rsplit("/", 1)[-1][len("labels_"):-len(".csv")]
        pointset = "national" if name.startswith("national") else "london"
        if pointset not in sets:
            sets[pointset] = load(f"{d}/{pointset}.csv")
        ids, xy = sets[pointset]
        pos = {int(i): j for j, i in enumerate(ids)}
        lab = np.full(len(ids), -1)
        with open(f) as fh:
            r = csv.reader(fh)
            next(r)
            for row in r:
                lab[pos[int(row[0])]] = int(row[1])
        if (lab < 0).any():
            raise SystemExit(f"{f}: unlabelled points")
        s = score(xy, lab)
        print(f"score {name} hubs={s['hubs']} min={s['min']} max={s['max']} "
              f"compact={s['compact']:.4f} worst={s['worst']:.4f}")


if __name__ == "__main__":
    if sys.argv[1] == "baselines":
        baselines(sys.argv[2])
    else:
        score_files(sys.argv[2], sys.argv[3:])
