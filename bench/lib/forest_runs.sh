# Sourced by bench/forest.sh and bench/forest_in_cluster.sh.
# forest_runs TOOL DATASET: one line per training run, "CFG SEED SETTING".
# uci and c100k: every seed of FOREST_BENCH_SEEDS (default 42 and 1-5; the
# model's seed, on the fixed split of bench/forest_gen.py); c1m and r1m: seed
# 42 only.  r1m runs each tool at mtry 6 (p/3: edupredict's default) and,
# where it fits the time, 20 (all features: scikit-learn's default); ranger
# also at its own default, 4 (sqrt p).  SETTING: "default", or the tool's
# own spelling of the setting (max_features fraction, ranger mtry).
forest_runs() {
  local tool=$1 ds=$2 s
  case $ds in
    uci|c100k) for s in ${FOREST_BENCH_SEEDS:-42 1 2 3 4 5}; do echo "s$s $s default"; done ;;
    c1m) echo "s42 42 default" ;;
    r1m) case $tool in
        pg) echo "s42-m6 42 default"; echo "s42-m20 42 1.0" ;;
        sklearn) echo "s42-m20 42 default"; echo "s42-m6 42 0.3333333333333333" ;;
        ranger) echo "s42-m4 42 default"; echo "s42-m6 42 6" ;;
      esac ;;
  esac
}
load1() { cut -d' ' -f1 /proc/loadavg; }
