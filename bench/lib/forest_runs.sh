# Sourced by bench/forest.sh and bench/forest_in_cluster.sh.
# forest_runs TOOL DATASET: one line per training run, "CFG SEED SETTING".
# uci and c100k: every seed of FOREST_BENCH_SEEDS (default 42 and 1-5; the
# model's seed, on the fixed split of bench/forest_gen.py); c1m and r1m: seed
# 42, plus the seeds of FOREST_BENCH_BIG_SEEDS (default none: five more seeds
# of all three tools on both sets take about two and a half hours on 2 cores).
# r1m runs each tool at mtry 6 (p/3: edupredict's default) and, at seed 42,
# 20 (all features: scikit-learn's default); ranger also at its own default,
# 4 (sqrt p); the extra seeds run mtry 6 only (the same for every tool), for
# the tools of FOREST_BENCH_BIG_TOOLS (default all three).  With
# FOREST_BENCH_SEED42_LOG set, c1m's and r1m's seed-42 runs are not repeated:
# bench/forest.sh takes them from that earlier log.
# SETTING: "default", or the tool's own spelling of the setting
# (max_features fraction, ranger mtry).
forest_runs() {
  local tool=$1 ds=$2 s big= s42=42
  [[ " ${FOREST_BENCH_BIG_TOOLS:-pg sklearn ranger} " == *" $tool "* ]] && big=${FOREST_BENCH_BIG_SEEDS:-}
  [ -z "${FOREST_BENCH_SEED42_LOG:-}" ] || s42=
  case $ds in
    uci|c100k) for s in ${FOREST_BENCH_SEEDS:-42 1 2 3 4 5}; do echo "s$s $s default"; done ;;
    c1m) for s in $s42 $big; do echo "s$s $s default"; done ;;
    r1m) local m6  # each tool's spelling of mtry 6, the setting every r1m seed runs
      case $tool in pg) m6=default ;; sklearn) m6=0.3333333333333333 ;; ranger) m6=6 ;; esac
      [ -z "$s42" ] || case $tool in
        pg) echo "s42-m6 42 $m6"; echo "s42-m20 42 1.0" ;;
        sklearn) echo "s42-m20 42 default"; echo "s42-m6 42 $m6" ;;
        ranger) echo "s42-m4 42 default"; echo "s42-m6 42 $m6" ;;
      esac
      for s in $big; do echo "s$s-m6 $s $m6"; done ;;
  esac
}
load1() { cut -d' ' -f1 /proc/loadavg; }
