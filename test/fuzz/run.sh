#!/usr/bin/env bash
# Bounded fuzz run of the model reader, of the model aggregates' partial
# state readers (forest_agg, boost_agg, forest_agg_trees) and of the log
# hook's scanner of SQL text (src/pii_mention.c; libFuzzer + ASan/UBSan,
# clang-14), plus the engine checks (forest and boosting, and the depth of the
# clustering's bisection) under ASan.
# Called by scripts/test.sh.
#   test/fuzz/run.sh [SECONDS]      default 60 (FUZZ_SECONDS overrides)
#   the partial states: FUZZ_AGG_SECONDS, default 20 (at most SECONDS)
#   the SQL scanner: FUZZ_PII_SECONDS, default SECONDS/6 (10 of the 60),
#   taken from the model reader's SECONDS: a few hundred lines at ~20000
#   runs a second need less time than the reader's thousands
# Corpus: the committed test/fuzz/corpus (0.1.0 format-1 models, and one
# model of each format-2 shape: text and hashed categorical codebooks,
# multi-class, regression, boosted layouts, and models with the optional
# sections: covers, histograms, calibrators (one set, or one per fold of a cross-fitted forest),
# thresholds), plus models trained afresh by
# engine_check and make_seeds, so mutations start from valid structures.
# A crash leaves its input in a temporary folder, never in the tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-${FUZZ_SECONDS:-60}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CC=${CC_FUZZ:-clang-14}
. test/fuzz/sources.sh
SRC=$ENGINE_SRC
BOOST=$BOOST_SRC
crashes=${TMPDIR:-/tmp}/edupredict-fuzz-crashes
FLAGS="-g -O1 -pthread -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"

echo "fuzz: building with $CC"
$CC $FLAGS -o "$work/engine_check" test/fuzz/engine_check.c $SRC -lm
$CC $FLAGS -o "$work/make_seeds" test/fuzz/make_seeds.c $SRC -lm
$CC $FLAGS -fsanitize=fuzzer -o "$work/fuzz_model" test/fuzz/fuzz_model.c $SRC -lm
$CC $FLAGS -o "$work/agg_seeds" test/fuzz/agg_seeds.c $SRC -lm
$CC $FLAGS -o "$work/trees_seeds" test/fuzz/trees_seeds.c $SRC -lm
$CC $FLAGS -fsanitize=fuzzer -o "$work/fuzz_agg_state" test/fuzz/fuzz_agg_state.c $SRC -lm
$CC $FLAGS -o "$work/shap_check" test/fuzz/shap_check.c $SRC $BOOST -lm

# seed models (and an ASan run of training, prediction and the round trip)
/usr/bin/python3 - "$work" <<'PY'
import random, sys
w = sys.argv[1]
r = random.Random(7)
with open(f"{w}/cls.csv", "w") as f:
    f.write("a,b,c,y\n")
    for i in range(300):
        a = r.random(); b = r.randint(0, 4); c = r.gauss(0, 1)
        y = int(a + 0.3 * b + (0.5 if c > 0 else 0) + r.random() * 0.5) % 3
        f.write(("" if r.random() < 0.1 else f"{a:.4f}") + f",{b}," + ("" if r.random() < 0.1 else f"{c:.4f}") + f",{y}\n")
with open(f"{w}/reg.csv", "w") as f:
    f.write("a,b,y\n")
    for i in range(200):
        a = r.random(); b = r.random()
        f.write(f"{a:.4f},{b:.4f},{3*a - b + r.random()*0.1:.4f}\n")
# few distinct rows with mixed classes: impure leaves (class shares) for the forged-leaf check
with open(f"{w}/dup.csv", "w") as f:
    f.write("a,b,y\n")
    for i in range(600):
        f.write(f"{r.randint(0, 2)},{r.randint(0, 3)},{r.randint(0, 2)}\n")
# ENS_MAX_FEATURES (1000) columns: the forged-feature check at the limit
with open(f"{w}/wide.csv", "w") as f:
    f.write(",".join(f"x{i}" for i in range(1000)) + ",y\n")
    for i in range(40):
        xs = [r.randint(0, 3) for _ in range(1000)]
        f.write(",".join(map(str, xs)) + f",{(xs[0] + xs[999]) % 2}\n")
# indicator features (x<j> is 1 on row j only): every split peels one row, so
# one unlimited tree is a chain about 150 deep whose node stack outgrows its
# first 64 and 112 entries (ASan sees a growth one entry short)
with open(f"{w}/deep.csv", "w") as f:
    f.write(",".join(f"x{j}" for j in range(300)) + ",y\n")
    for i in range(300):
        f.write(",".join("1" if i == j else "0" for j in range(300)) + f",{i}\n")
PY
mkdir -p "$work/corpus"
cp test/fuzz/corpus/*.bin "$work/corpus/"
"$work/make_seeds" "$work/corpus"
check() { "$@" >"$work/engine.log" 2>&1 || { cat "$work/engine.log"; exit 1; }; }
check "$work/engine_check" "$work/cls.csv" cls 3 1 0.2 "$work/corpus/seed_cls.bin"
grep -q "pure leaf of class K refused" "$work/engine.log" || { echo "fuzz: the forged-class check found no pure leaf"; exit 1; }
check "$work/engine_check" "$work/reg.csv" reg 2 1 0.2 "$work/corpus/seed_reg.bin"
check "$work/engine_check" "$work/dup.csv" cls 3 1 0.2
grep -q "forged leaf index (.*) refused" "$work/engine.log" || { echo "fuzz: the forged-leaf check found no impure leaf"; exit 1; }
grep -q "NaN leaf probability refused" "$work/engine.log" || { echo "fuzz: the forged NaN leaf check found no impure leaf"; exit 1; }
check "$work/engine_check" "$work/wide.csv" cls 1 1 0.2
grep -q "split on feature p refused" "$work/engine.log" || { echo "fuzz: the forged-feature check found no split"; exit 1; }
check "$work/engine_check" "$work/deep.csv" reg 1 1 0.2
# threads change nothing: the same bytes with 3 threads (and no ASan report)
FOREST_THREADS=3 check "$work/engine_check" "$work/cls.csv" cls 3 1 0.2 "$work/cls_threads.bin"
cmp "$work/corpus/seed_cls.bin" "$work/cls_threads.bin"
echo "fuzz: engine check under ASan passed (1 and 3 threads give the same model; covers equal the walk)"
# a training set's preparation on threads: the same order, edges and bins as on one
$CC $FLAGS -o "$work/prep_check" test/fuzz/prep_check.c $SRC -lm
check "$work/prep_check"
echo "fuzz: $(tail -1 "$work/engine.log")"
# boosting's edges (XGBoost's hist sketch) against the Python reference
$CC $FLAGS -o "$work/sketch_check" test/fuzz/sketch_check.c $SRC -lm
/usr/bin/python3 test/fuzz/sketch_ref.py "$work/sketch_check" "$work"
echo "fuzz: $(cat "$work/sketch.log")"
# every phase polls its interrupt callback as often as its spacing promises
# and stops when told: counted, not timed (test/fuzz/poll_check.c)
$CC $FLAGS -o "$work/poll_check" test/fuzz/poll_check.c $SRC $BOOST -lm
check "$work/poll_check"
echo "fuzz: $(tail -1 "$work/engine.log")"
# TreeSHAP against brute force over every coalition (forests and boosting)
check "$work/shap_check"
echo "fuzz: $(tail -1 "$work/engine.log")"
# the cross-fitted calibration: folds, the model = the folds' forests, a cancel
$CC $FLAGS -o "$work/cvcal_check" test/fuzz/cvcal_check.c $SRC -lm
check "$work/cvcal_check" "$work/corpus/seed_cvcal.bin"
echo "fuzz: $(tail -1 "$work/engine.log")"
# a dictionary's own limit (a small one: the server's takes tens of GB) and
# an allocation failure that is not it (ens_pg_dict_failed: 54000 against 53200)
$CC $FLAGS -DENS_DICT_MAX_ENTRIES=100 -o "$work/dict_check" test/fuzz/dict_check.c $SRC -lm
check "$work/dict_check"
echo "fuzz: $(tail -1 "$work/engine.log")"
# the clustering's recursive bisection: its C stack must not grow with the depth of its cuts
SPECTRAL_SRC="src/spectral.c src/spectral_kway.c src/spectral_bisect.c src/spectral_refine.c src/spectral_score.c src/spectral_knn.c src/spectral_eigen.c src/spectral_assign.c"
$CC $FLAGS -o "$work/spectral_depth_check" test/fuzz/spectral_depth_check.c $SPECTRAL_SRC -llapacke -lopenblas -lm
check "$work/spectral_depth_check"
echo "fuzz: $(tail -1 "$work/engine.log")"

# boosting engine checks (margins, 1 = 2 threads, out of memory, interrupts)
CC=$CC FLAGS=$FLAGS SRC=$SRC test/fuzz/boost_run.sh "$work"

# fuzz TARGET SECONDS MAX_LEN CORPUS: a libFuzzer run; its log is $work/TARGET.log
fuzz() {
  "$work/$1" -max_total_time="$2" -max_len="$3" -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 "$4" 2>"$work/$1.log" ||
    { tail -50 "$work/$1.log"; echo "fuzz: crash input kept in $crashes"; exit 1; }
  grep -E 'Done [0-9]+ runs|stat::number_of_executed_runs' "$work/$1.log" || true
}
pii_secs=${FUZZ_PII_SECONDS:-$(( secs / 6 > 0 ? secs / 6 : 1 ))}
model_secs=$(( secs > pii_secs ? secs - pii_secs : 1 ))
echo "fuzz: running the deserialiser for ${model_secs}s"
mkdir -p "$crashes"
fuzz fuzz_model "$model_secs" 65536 "$work/corpus"
echo "fuzz: no crash"

# the partial states of forest_agg / boost_agg and of forest_agg_trees: seeds are
# states the serial function's writer makes of the CSVs' rows, forest_agg_trees
# states the server flattened (test/fuzz/corpus_trees, remade by trees_corpus.sh),
# and forest_agg_trees states of the seed models and those rows
agg_secs=${FUZZ_AGG_SECONDS:-$(( secs < 20 ? secs : 20 ))}
mkdir -p "$work/agg_corpus"
check "$work/agg_seeds" "$work/agg_corpus" "$work/cls.csv" "$work/reg.csv" "$work/dup.csv"
cp test/fuzz/corpus_trees/*.bin "$work/agg_corpus/"
check "$work/trees_seeds" "$work/agg_corpus" "$work/agg_corpus"/agg_*.bin test/fuzz/corpus_trees/*.bin \
  "$work/corpus/seed_cls.bin" "$work/corpus/seed_reg.bin" test/fuzz/corpus/forest_cls_text.bin
echo "fuzz: running the partial state readers for ${agg_secs}s"
fuzz fuzz_agg_state "$agg_secs" 65536 "$work/agg_corpus"
echo "fuzz: no crash in the partial state readers"

# the scanner deciding whether SQL text names edupredict.pii_key (the log
# hook runs it on any role's statements): seeds are the spellings
# scripts/run_log_test.sh tries (test/fuzz/pii_spellings.txt, as arbitrary
# text) and starts for the generated spellings and harmless names
pgc=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
$CC $FLAGS -Wno-ignored-attributes -fsanitize=fuzzer -I"$($pgc --includedir-server)" \
  -o "$work/fuzz_pii_mention" test/fuzz/fuzz_pii_mention.c src/pii_mention.c "$($pgc --pkglibdir)/libpgport.a"
mkdir -p "$work/pii_corpus"
/usr/bin/python3 -c '
import sys
texts = open("test/fuzz/pii_spellings.txt", newline="").read().split("\n====\n")
for i, t in enumerate(texts):
    open(f"{sys.argv[1]}/spelling_{i}", "wb").write(b"A" + t.strip("\n").encode())
for mode in (2, 3):
    for i in range(8):
        open(f"{sys.argv[1]}/gen_{mode}_{i}", "wb").write(bytes([mode]) + bytes(range(i * 17, i * 17 + 40)))
' "$work/pii_corpus"
echo "fuzz: running the SQL scanner of the log hook for ${pii_secs}s"
fuzz fuzz_pii_mention "$pii_secs" 4096 "$work/pii_corpus"
echo "fuzz: no crash or missed spelling in the SQL scanner"
