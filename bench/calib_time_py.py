"""scikit-learn's side of bench/calib_time.sh: prints "sk what=sk_cccv s=SECONDS" lines.

    /usr/bin/python3 bench/calib_time_py.py UCI.csv RUNS
"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from explain_py import load  # noqa: E402


def main(path, runs):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    X, y, te = load(path)
    Xtr, ytr = X[~te], y[~te]
    for _ in range(runs):
        t = time.perf_counter()
        CalibratedClassifierCV(RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=42),
                               method="isotonic", cv=5).fit(Xtr, ytr)
        print("sk what=sk_cccv s=%.4f" % (time.perf_counter() - t), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]))
