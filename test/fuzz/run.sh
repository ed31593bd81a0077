#!/usr/bin/env bash
# Bounded fuzz run of the forest model deserialiser (libFuzzer + ASan/UBSan,
# clang-14), plus the engine checks (forest and boosting) under ASan.
# Called by scripts/test.sh.
#   test/fuzz/run.sh [SECONDS]      default 60 (FUZZ_SECONDS overrides)
# Seeds: small models trained by engine_check (classification with missing
# values, regression), so mutations start from valid structures.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-${FUZZ_SECONDS:-60}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CC=${CC_FUZZ:-clang-14}
SRC="src/ensemble_bins.c src/forest_train.c src/ensemble_walk.c src/ensemble_format.c src/ensemble_metrics.c"
FLAGS="-g -O1 -pthread -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"

echo "fuzz: building with $CC"
$CC $FLAGS -o "$work/engine_check" test/fuzz/engine_check.c $SRC -lm
$CC $FLAGS -fsanitize=fuzzer -o "$work/fuzz_model" test/fuzz/fuzz_model.c $SRC -lm

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
PY
mkdir -p "$work/corpus"
cp test/fuzz/corpus/* "$work/corpus/" 2>/dev/null || true  # optional extra seeds
check() { "$@" >"$work/engine.log" 2>&1 || { cat "$work/engine.log"; exit 1; }; }
check "$work/engine_check" "$work/cls.csv" cls 3 1 0.2 "$work/corpus/seed_cls.bin"
check "$work/engine_check" "$work/reg.csv" reg 2 1 0.2 "$work/corpus/seed_reg.bin"
# threads change nothing: the same bytes with 3 threads (and no ASan report)
FOREST_THREADS=3 check "$work/engine_check" "$work/cls.csv" cls 3 1 0.2 "$work/cls_threads.bin"
cmp "$work/corpus/seed_cls.bin" "$work/cls_threads.bin"
echo "fuzz: engine check under ASan passed (1 and 3 threads give the same model)"

# boosting engine checks (margins, 1 = 2 threads, out of memory, interrupts)
CC=$CC FLAGS=$FLAGS SRC=$SRC test/fuzz/boost_run.sh "$work"

echo "fuzz: running the deserialiser for ${secs}s"
"$work/fuzz_model" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 "$work/corpus" 2>"$work/fuzz.log" || { tail -50 "$work/fuzz.log"; exit 1; }
grep -E 'Done [0-9]+ runs|stat::number_of_executed_runs' "$work/fuzz.log" || true
echo "fuzz: no crash"
