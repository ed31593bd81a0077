"""Generate the forest benchmark data once, as CSV files with a split column.

    /usr/bin/python3 bench/forest_gen.py OUTDIR [datasets...]

uci   : data/uci_student_dropout/data.csv, stratified 80/20 split (seed 42)
c100k : make_classification 100,000 x 20 (10 informative), seed 42, stratified 80/20
c1m   : make_classification 1,000,000 x 20 (10 informative), seed 42, stratified 80/20
r100k : make_regression 100,000 x 20 (10 informative, noise 20), seed 42, 80/20
r1m   : make_regression 1,000,000 x 20 (10 informative, noise 20), seed 42, 80/20
The same files are loaded into PostgreSQL and read by the baselines.
"""
import csv
import os
import sys

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import train_test_split

out = sys.argv[1]
wanted = sys.argv[2:] or ["uci", "c100k", "c1m", "r1m"]
os.makedirs(out, exist_ok=True)

UCI_COLS = ["marital_status", "application_mode", "application_order", "course",
            "daytime_evening_attendance", "previous_qualification", "previous_qualification_grade",
            "nacionality", "mothers_qualification", "fathers_qualification", "mothers_occupation",
            "fathers_occupation", "admission_grade", "displaced", "educational_special_needs", "debtor",
            "tuition_fees_up_to_date", "gender", "scholarship_holder", "age_at_enrollment", "international",
            "curricular_units_1st_sem_credited", "curricular_units_1st_sem_enrolled",
            "curricular_units_1st_sem_evaluations", "curricular_units_1st_sem_approved",
            "curricular_units_1st_sem_grade", "curricular_units_1st_sem_without_evaluations",
            "curricular_units_2nd_sem_credited", "curricular_units_2nd_sem_enrolled",
            "curricular_units_2nd_sem_evaluations", "curricular_units_2nd_sem_approved",
            "curricular_units_2nd_sem_grade", "curricular_units_2nd_sem_without_evaluations",
            "unemployment_rate", "inflation_rate", "gdp"]


def write(name, cols, X, y, is_test, yfmt):
    path = os.path.join(out, name + ".csv")
    with open(path, "w") as f:
        f.write(",".join(cols + ["y", "is_test"]) + "\n")
        fmt = ["%.9g"] * X.shape[1]
        for i in range(0, len(X), 100000):
            block = X[i:i + 100000]
            for row, yy, t in zip(block, y[i:i + 100000], is_test[i:i + 100000]):
                f.write(",".join(f % v for f, v in zip(fmt, row)) + "," + (yfmt % yy) + "," + ("1" if t else "0") + "\n")
    print("wrote", path, len(X), "rows", flush=True)


if "uci" in wanted:
    with open("data/uci_student_dropout/data.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    X = np.array([[float(v) for v in r[:36]] for r in rows])
    y = np.array([r[36] for r in rows])
    idx = np.arange(len(y))
    _, te = train_test_split(idx, test_size=0.2, random_state=42, stratify=y)
    is_test = np.zeros(len(y), bool)
    is_test[te] = True
    write("uci", UCI_COLS, X, y, is_test, "%s")

for name, n in (("c100k", 100000), ("c1m", 1000000)):
    if name in wanted:
        X, y = make_classification(n_samples=n, n_features=20, n_informative=10, random_state=42)
        _, te = train_test_split(np.arange(n), test_size=0.2, random_state=42, stratify=y)
        is_test = np.zeros(n, bool)
        is_test[te] = True
        write(name, ["f%d" % i for i in range(1, 21)], X, y, is_test, "%d")

for name, n in (("r100k", 100000), ("r1m", 1000000)):
    if name in wanted:
        X, y = make_regression(n_samples=n, n_features=20, n_informative=10, noise=20.0, random_state=42)
        _, te = train_test_split(np.arange(n), test_size=0.2, random_state=42)
        is_test = np.zeros(n, bool)
        is_test[te] = True
        write(name, ["f%d" % i for i in range(1, 21)], X, y, is_test, "%.9g")
