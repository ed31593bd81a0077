# Sourced (after scripts/lib.sh) by the bench scripts that measure on bench/forest_gen.py's uci.csv
# in $EXPLAIN_BENCH_DIR (default /tmp/edupredict_bench_forest, shared with bench/forest.sh and
# bench/explain.sh).

# uci_bench_prepare: sets dir, makes DIR/uci.csv if missing, then takes the install lock on fd 9
# (as scripts/test.sh) and builds and installs this checkout; the caller releases it (flock -u 9)
# once its cluster has loaded the build.
uci_bench_prepare() {
  dir=${EXPLAIN_BENCH_DIR:-/tmp/edupredict_bench_forest}
  mkdir -p "$dir"
  ensure_packages "${CORE_PACKAGES[@]}"
  [ -s "$dir/uci.csv" ] || /usr/bin/python3 bench/forest_gen.py "$dir" uci
  exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
  flock 9
  build_and_install
}
