"""Boosting's edges (src/ensemble_bins.c, ens_compute_sketch_edges) against
this reference: bench/boost_uci_binning.py's sketch_cuts (checked there to
give XGBoost 1.7's own cuts) in plain Python, float32 through struct.  Each
float32 operation is a double one rounded to float32 (exact: a double holds
more than twice a float's digits).  Values of fewer than 200,000 rows (the
edge sample) in several shapes, at 255 and 256 bins: the C edges must be
these, value for value.

    /usr/bin/python3 test/fuzz/sketch_ref.py SKETCH_CHECK WORKDIR
"""
import math
import random
import struct
import subprocess
import sys


def f(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def prune(rmin, rmax, w, maxsize):
    m = len(rmin)
    if m <= maxsize:
        return list(range(m))
    begin, span, n = rmax[0], f(rmin[-1] - rmax[0]), maxsize - 1
    keep, i, last = [0], 1, 0
    for k in range(1, n):
        dx2 = f(2.0 * f(f(f(float(k) * span) / float(n)) + begin))
        while i < m - 1 and dx2 >= f(rmax[i + 1] + rmin[i + 1]):
            i += 1
        if i == m - 1:
            break
        pick = i if dx2 < f(f(rmin[i] + w[i]) + f(rmax[i + 1] - w[i + 1])) else i + 1
        if pick != last:
            keep.append(pick)
            last = pick
    if last != m - 1:
        keep.append(m - 1)
    return keep


def sketch_edges(values, max_bin):
    v = sorted(x for x in values if not math.isnan(x))
    u, c = [], []
    for x in v:
        if u and u[-1] == x:
            c[-1] += 1
        else:
            u.append(x)
            c.append(1)
    if len(u) <= 1:
        return []
    w = [f(x) for x in c]
    rmin, before = [], 0
    for x in c:
        rmin.append(f(before))
        before += x
    rmax = [f(a + b) for a, b in zip(rmin, w)]
    idx = prune(rmin, rmax, w, min(len(v), max_bin * 8))
    sub = prune([rmin[i] for i in idx], [rmax[i] for i in idx], [w[i] for i in idx], min(len(v), max_bin) + 1)
    idx = [idx[i] for i in sub]
    cuts = sorted(set(u[i] for i in idx[1:min(len(idx), max_bin)]))
    return [math.nextafter(x, -math.inf) for x in cuts]


def main():
    exe, work = sys.argv[1], sys.argv[2]
    r = random.Random(20261206)
    shapes = [
        ("normal", lambda n: [r.gauss(0, 1) for _ in range(n)]),
        ("codes", lambda n: [float(r.randint(0, 2999)) for _ in range(n)]),
        ("skewed", lambda n: [round(r.expovariate(1.0), 2) for _ in range(n)]),
        ("heavy", lambda n: [0.0 if r.random() < 0.6 else round(r.random() * 40, 1) for _ in range(n)]),
        ("missing", lambda n: [math.nan if r.random() < 0.1 else round(r.gauss(5, 2), 3) for _ in range(n)]),
    ]
    checked = 0
    for name, gen in shapes:
        for n in (3, 300, 2500, 40000):
            values = gen(n)
            for max_bin in (255, 256):
                want = sketch_edges(values, max_bin)
                out = subprocess.run([exe, str(max_bin)], input="\n".join(repr(x) for x in values),
                                     capture_output=True, text=True, check=True).stdout.split()
                got = [float(x) for x in out]
                if got != want:
                    diff = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
                    sys.exit("sketch_ref.py: %s, %d values, %d bins: %d edges, the reference %d, first "
                             "difference at edge %d" % (name, n, max_bin, len(got), len(want), diff))
                checked += 1
    with open(work + "/sketch.log", "w") as log:
        log.write("boosting's sketch edges equal the reference on %d columns\n" % checked)


main()
