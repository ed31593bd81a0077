#!/usr/bin/env bash
# The boosting engine under ASan/UBSan (test/fuzz/boost_check.c), called by
# test/fuzz/run.sh with CC, FLAGS and SRC set:   test/fuzz/boost_run.sh WORKDIR
# Every run checks that the model's margins equal the trainer's and that no
# allocation is left; --check: 1 and 2 threads give the same model; --oom:
# each allocation failing in turn gives ENS_ENOMEM without a leak, and so do
# interrupts; --cancel: an interrupt stops two threads within 0.2 s.  The
# generated rows have missing values (numeric and categorical), a
# categorical column, three classes, two classes and a numeric target; 45,000
# rows so that both threads take pieces of the jobs.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$1
. test/fuzz/sources.sh
$CC $FLAGS -o "$work/boost_check" test/fuzz/boost_check.c $SRC $BOOST_SRC -lm
# the thread pool alone: short jobs back to back, some interrupted (a late
# worker once took a piece of a finished job: test/fuzz/pool_check.c)
$CC $FLAGS -o "$work/pool_check" test/fuzz/pool_check.c src/ensemble_pool.c
for threads in 2 3 4; do "$work/pool_check" $threads 300000; done
/usr/bin/python3 - "$work" <<'PY'
import random, sys
w = sys.argv[1]
r = random.Random(11)
def rows(n, reg):
    for i in range(n):
        a = r.random(); b = r.randint(0, 29); c = r.gauss(0, 1); d = r.random()
        s = 2 * a + (1.0 if b % 3 == 0 else 0) + (0.7 if c > 0.3 else 0) + r.gauss(0, 0.3)
        y = f"{10 * s + d:.4f}" if reg else str(min(2, int(s)) if reg is False else int(s > 1.5))
        yield ("" if r.random() < 0.1 else f"{a:.4f}") + "," + ("" if r.random() < 0.05 else str(b)) + "," + \
            ("" if r.random() < 0.15 else f"{c:.4f}") + f",{d:.4f},{y}\n"
for name, n, reg in (("small", 600, False), ("mid", 45000, False), ("bin", 45000, None), ("reg", 45000, True)):
    with open(f"{w}/{name}.csv", "w") as f:
        f.write("a,b,c,d,y\n")
        f.writelines(rows(n, reg))
# sparse features (most rows in one bin: 0, or missing for s4): the root sums
# their other bins' rows by columns (boost_hist.c); 40,000 rows for two threads
def sparse(n):
    for i in range(n):
        s1 = int(r.random() < 0.1); s2 = 0 if r.random() < 0.8 else r.randint(1, 9)
        s3 = 0.0 if r.random() < 0.7 else r.random(); s4 = None if r.random() < 0.75 else r.random()
        a = r.random()
        t = s1 + (0.5 if s2 > 4 else 0) + s3 + (0.6 if s4 is not None and s4 > 0.5 else 0) + a + r.gauss(0, 0.3)
        m2 = r.random() < 0.03  # s2: a few missing values, not its default
        ma = r.random() < 0.05  # a (dense: the root's sums come from its bins): some missing too
        yield f"{s1}," + ("" if m2 else str(s2)) + f",{s3:.4f}," + ("" if s4 is None else f"{s4:.4f}") + \
            "," + ("" if ma else f"{a:.4f}") + f",{min(2, int(t))}\n"
for name, n in (("sparse", 3000), ("sparse_mid", 40000)):
    with open(f"{w}/{name}.csv", "w") as f:
        f.write("s1,s2,s3,s4,a,y\n")
        f.writelines(sparse(n))
# 130 features: the complete trees' splits take 32 bits (ensemble_dense.c)
with open(f"{w}/wide.csv", "w") as f:
    f.write(",".join(f"x{j}" for j in range(130)) + ",y\n")
    for i in range(3000):
        x = [r.random() for _ in range(130)]
        y = int(x[3] + x[77] + x[129] + r.gauss(0, 0.2) > 1.5)
        f.write(",".join("" if r.random() < 0.1 else f"{v:.4f}" for v in x) + f",{y}\n")
# more classes than a group of roots built at once holds (boost_roots.c: four): six
# classes on 130 features (too many entries for 2-byte cells: bins and offsets), five on four
with open(f"{w}/wide6.csv", "w") as f:
    f.write(",".join(f"x{j}" for j in range(130)) + ",y\n")
    for i in range(3000):
        x = [r.random() for _ in range(130)]
        y = min(5, int(2 * (x[3] + x[77] + x[129]) + r.gauss(0, 0.3)))
        f.write(",".join("" if r.random() < 0.1 else f"{v:.4f}" for v in x) + f",{max(0, y)}\n")
with open(f"{w}/five.csv", "w") as f:
    f.write("a,b,c,d,y\n")
    for i in range(3000):
        a = r.random(); b = r.randint(0, 29); c = r.gauss(0, 1); d = r.random()
        y = min(4, int(3 * a + (1.0 if b % 3 == 0 else 0) + (0.7 if c > 0.3 else 0) + r.gauss(0, 0.3)))
        f.write(("" if r.random() < 0.1 else f"{a:.4f}") + f",{b},{c:.4f},{d:.4f},{max(0, y)}\n")
PY
bc() { "$work/boost_check" "$@" >"$work/boost.log" 2>&1 || { cat "$work/boost.log"; exit 1; }; }
bc "$work/small.csv" cls --rounds 5 --depth 4 --cat 1 --val 0.2 --es 2 --oom
# one of those allocations is optional: without room for a softmax round's roots buffer
# (boost_roots.c), each tree builds its own root and the training goes on
grep -q 'ENS_ENOMEM ([1-9][0-9]* optional' "$work/boost.log" || { cat "$work/boost.log"; echo "boost_run.sh: no training went on without its roots buffer"; exit 1; }
# three classes on few rows: a round's trees side by side (boost_kgrow.c); deep
# and light enough that some outgrow the growers' room and grow again on the caller
bc "$work/small.csv" cls --rounds 6 --threads 2 --depth 10 --mcw 0.1 --cat 1 --subsample 0.8 --colsample 0.75 --val 0.2 --check
grep -q 'trees_at_once=2 trees_regrown=[1-9]' "$work/boost.log" || { cat "$work/boost.log"; echo "boost_run.sh: no round's trees side by side, or none grown again"; exit 1; }
bc "$work/small.csv" cls --rounds 3 --threads 2 --depth 10 --mcw 0.1 --cat 1 --oom
bc "$work/mid.csv" cls --rounds 8 --threads 2 --cat 1 --subsample 0.8 --colsample 0.75 --val 0.2 --check
bc "$work/mid.csv" cls --rounds 4 --threads 2 --cat 1 --oom
# a large min_child_weight: many smaller children cannot split while the larger can, whose
# histogram then still needs the smaller's (against the reference, which builds every one)
bc "$work/mid.csv" cls --rounds 6 --depth 8 --mcw 30 --check
bc "$work/bin.csv" cls --rounds 8 --threads 2 --leaves 12 --depth 0 --balanced --check
# the root's column sums (and the 2-byte entries) against row-by-row adds (--check)
bc "$work/sparse.csv" cls --rounds 8 --depth 6 --subsample 0.8 --colsample 0.6 --val 0.2 --check
grep -q 'ok: the histogram shortcuts give the model of row-by-row adds' "$work/boost.log" || { cat "$work/boost.log"; echo "boost_run.sh: the shortcuts were not checked"; exit 1; }
bc "$work/sparse_mid.csv" cls --rounds 6 --threads 2 --depth 6 --subsample 0.8 --check
# a round's roots in groups of four classes on one thread (boost_roots.c), against row-by-row
# adds and against two threads (the trees side by side, each its own root): a second group
# of two classes, from bins and offsets (no 2-byte cells); a last class on its own
bc "$work/wide6.csv" cls --rounds 4 --depth 4 --subsample 0.8 --colsample 0.5 --check
bc "$work/five.csv" cls --rounds 6 --depth 5 --subsample 0.7 --colsample 0.75 --check
# three classes, numeric features only: the read-back model scores rows from their values too
bc "$work/mid.csv" cls --rounds 6 --threads 2 --depth 6
bc "$work/wide.csv" cls --rounds 6 --threads 2 --depth 6
grep -q 'read back, complete trees' "$work/boost.log" || { cat "$work/boost.log"; echo "boost_run.sh: the wide model was not laid out as complete trees"; exit 1; }
bc "$work/reg.csv" reg --rounds 8 --threads 2 --cat 1 --val 0.2 --es 3 --check
bc "$work/reg.csv" reg --rounds 8 --threads 2 --loss absolute --check
# packed histograms on fewer rows than they are built for by default
bc "$work/reg.csv" reg --rounds 6 --threads 2 --cat 1 --packed --check
bc "$work/reg.csv" reg --rounds 3 --threads 2 --packed --oom
bc "$work/reg.csv" reg --rounds 8 --threads 2 --loss huber --delta 2 --subsample 0.5 --check
bc "$work/bin.csv" cls --rounds 10000 --threads 2 --cancel 0.3
# boosting's own bins (XGBoost's sketch): column d has no missing value and 256
# bins, the others 255; its splits send missing values right, and forged bytes
# sending them left (or a forest of 256 bins) are refused
bc "$work/mid.csv" cls --rounds 6 --threads 2 --depth 6 --sketch --check
grep -q 'feature of 256 bins: missing values right' "$work/boost.log" || { cat "$work/boost.log"; echo "boost_run.sh: no split on a feature of 256 bins checked"; exit 1; }
bc "$work/reg.csv" reg --rounds 6 --threads 2 --sketch --check
bc "$work/reg.csv" reg --rounds 3 --threads 2 --sketch --packed --oom
# the baseline copies (no AVX2: the split search of boost_split.c, the softmax
# gradients of boost_loss.c) grow the same models as the copies this machine
# picks: on threads (mid, reg), and on one thread (small: a node's features in
# one call, NodeSplits)
$CC $FLAGS -DBOOST_CLONES= -o "$work/boost_check_base" test/fuzz/boost_check.c $SRC $BOOST_SRC -lm
for s in mid reg small; do
  task=cls; [ $s = reg ] && task=reg
  th=2; [ $s = small ] && th=1
  args="$task --rounds 8 --threads $th --depth 8 --cat 1 --subsample 0.8 --colsample 0.75"
  bc "$work/$s.csv" $args --dump "$work/clones-$s"
  "$work/boost_check_base" "$work/$s.csv" $args --dump "$work/base-$s" >"$work/boost.log" 2>&1 ||
    { cat "$work/boost.log"; exit 1; }
  cmp -s "$work/clones-$s.pred" "$work/base-$s.pred" || { echo "boost_run.sh: the baseline copies give other $s predictions"; exit 1; }
done
echo "fuzz: boosting engine check under ASan passed (margins, 1 = 2 threads, out of memory, interrupts, baseline copies)"

