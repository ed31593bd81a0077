#!/usr/bin/env bash
# Boosting engine (PG-free) against XGBoost and scikit-learn on the SAME binned rows and split.
#   bench/boost_engine.sh                    uci c1m r1m, plus early stopping and cancellation
#   bench/boost_engine.sh uci                a subset
# The harness test/fuzz/boost_check.c is built with PostgreSQL's flags (no -march) and -O3, as
# the Makefile builds the boosting engine's files (the shared ensemble files here too), and
# trains through boost_train exactly as the extension will; it bins with ens_bin_columns and
# splits with ens_split_rows (the forest's stratified 80/20, seed 42), then writes the binned
# rows for bench/boost_xgb.py, so every tool sees the same quantisation and the same rows.
# Settings: 300 rounds, depth 6, learning rate 0.1, l2 1, min_child_weight 1, 2 threads.
# Each figure line carries the load average before and after it (the machine is shared).
# Output: key=value lines in $BOOST_BENCH_DIR/boost_engine.log and a markdown summary
# ($BOOST_BENCH_DIR/boost_engine.md, also printed).
set -euo pipefail
cd "$(dirname "$0")/.."
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(uci c1m r1m)
dir=${BOOST_BENCH_DIR:-/tmp/edupredict_bench_boost}
mkdir -p "$dir"
rounds=${BOOST_ROUNDS:-300}
log=$dir/boost_engine.log
md=$dir/boost_engine.md
load() { cut -d' ' -f1 /proc/loadavg; }

# PostgreSQL 15's code-generation flags (pg_config --cflags) with the Makefile's -O3 for the
# boosting engine, so the engine runs as in the extension
. test/fuzz/sources.sh
gcc -O3 -g -fno-strict-aliasing -fwrapv -fexcess-precision=standard -fno-omit-frame-pointer \
  -fstack-protector-strong -Wall -Wextra -Wno-unused-parameter -pthread -o "$dir/boost_check" test/fuzz/boost_check.c \
  $ENGINE_SRC $BOOST_SRC -lm
missing=()
for ds in "${sets[@]}"; do [ -s "$dir/$ds.csv" ] || missing+=("$ds"); done
[ ${#missing[@]} -eq 0 ] || /usr/bin/python3 bench/forest_gen.py "$dir" "${missing[@]}"

: >"$log"
echo "meta commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src test/fuzz bench 2>/dev/null || echo -modified) cores=$(nproc)" >>"$log"
run() { # tag command...: one figure line, with the load average around it
  local tag=$1; shift
  local l0 out
  l0=$(load)
  out=$("$@" 2>"$dir/$tag.err" | grep -E '^(engine|xgboost|sklearn-hgb|cancel) ' || true)
  [ -n "$out" ] || { cat "$dir/$tag.err"; echo "$tag failed" >&2; exit 1; }
  echo "$out" | sed "s/^/$tag /; s/$/ load_before=$l0 load_after=$(load)/" | tee -a "$log"
}
for ds in "${sets[@]}"; do
  task=cls; [ "$ds" = r1m ] && task=reg
  run "$ds" "$dir/boost_check" "$dir/$ds.csv" $task --rounds "$rounds" --threads 2 --dump "$dir/$ds"
  which=xgb; [ "$ds" = uci ] && which=both
  run "$ds" /usr/bin/python3 bench/boost_xgb.py "$dir/$ds" $task "$rounds" 6 0.1 1 1 $which
done
if [[ " ${sets[*]} " == *" uci "* ]]; then
  # early stopping: 20% of the training rows (stratified) validate, 30 rounds of patience
  run uci-es "$dir/boost_check" "$dir/uci.csv" cls --rounds 1000 --val 0.2 --es 30 --threads 2 --dump "$dir/uci-es"
  run uci-es /usr/bin/python3 bench/boost_xgb.py "$dir/uci-es" cls 1000 6 0.1 1 1 xgb 30
fi
if [[ " ${sets[*]} " == *" c1m "* ]]; then
  # cancellation: an interrupt raised 2 s into a 1,000,000-row training, two threads
  run c1m-cancel "$dir/boost_check" "$dir/c1m.csv" cls --rounds "$rounds" --threads 2 --cancel 2
fi

# ---- summary ----
get() { # tag tool key
  grep "^$1 $2 " "$log" | tr ' ' '\n' | sed -n "s/^$3=//p" | tail -1 || true
}
{
  echo "Command: \`bench/boost_engine.sh ${sets[*]}\` ($(date -u +%Y-%m-%d), $(nproc) cores, $(head -1 "$log" | cut -d' ' -f2))."
  echo "Engine = boost_train through the PG-free harness (binning and split outside the timing); XGBoost"
  echo "$(/usr/bin/python3 -c 'import xgboost; print(xgboost.__version__)') tree_method=hist nthread=2 on the same binned rows; peak = largest allocated"
  echo "(engine, counted by its allocator) and growth of the process peak RSS over training (both)."
  echo
  echo "| data | tool | train s | peak MB (engine) | RSS growth MB | process RSS MB | accuracy | macro F1 | AUC | R² | load before/after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for ds in "${sets[@]}"; do
    for tool in engine xgboost sklearn-hgb; do
      grep -q "^$ds $tool " "$log" || continue
      echo "| $ds | $tool | $(get $ds $tool train_s) | $(get $ds $tool peak_mb) | $(get $ds $tool rss_train_mb) | $(get $ds $tool rss_mb) | $(get $ds $tool accuracy) | $(get $ds $tool f1) | $(get $ds $tool auc) | $(get $ds $tool r2) | $(get $ds $tool load_before)/$(get $ds $tool load_after) |"
    done
  done
  if grep -q '^uci-es ' "$log"; then
    echo
    echo "Early stopping on UCI (validation: 20% of the training rows, patience 30, metric mlogloss):"
    echo "engine best round $(get uci-es engine best_round) (test accuracy $(get uci-es engine accuracy), AUC $(get uci-es engine auc));"
    echo "XGBoost best round $(get uci-es xgboost best_round) (test accuracy $(get uci-es xgboost accuracy), AUC $(get uci-es xgboost auc))."
  fi
  if grep -q '^c1m-cancel ' "$log"; then
    echo
    echo "Cancellation (c1m, 2 threads, interrupt after 2 s): $(get c1m-cancel cancel rc), $(get c1m-cancel cancel latency_s) s after the interrupt, $(get c1m-cancel cancel leaked_blocks) blocks left allocated."
  fi
} >"$md"
cat "$md"
