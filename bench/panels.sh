#!/usr/bin/env bash
# Panels benchmark (issue 13), one run, written to the "panels" section of
# bench/RESULTS.md:
#  1. 1,000,000 entities x 30 days of events (30,000,000 rows, generated) into
#     weekly panels: edupredict.build_panel against the hand-written SQL of
#     bench/panels_hand.sql (generate_series + LEFT JOIN + window functions),
#     alternating, in the same cluster; both tables are compared value by value.
#  2. OULAD: demo/60_panels.sql (panel, forest on 2013, 2014 scored) against
#     scikit-learn's RandomForestClassifier on the same panel rows and split.
# PANELS_BENCH_ROUNDS (default 2) sets how many times each side of 1 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
dir=${PANELS_BENCH_DIR:-/tmp/edupredict_bench_panels}
rounds=${PANELS_BENCH_ROUNDS:-2}
mkdir -p "$dir"
log=$dir/results.txt
ensure_packages "${CORE_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
# One install directory per machine: hold the test suite's lock until the
# extension is created in the benchmark's cluster (the in-cluster script
# releases it), so no other build replaces the one measured.
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install

: >"$log"
echo "meta commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src sql demo bench 2>/dev/null || echo -modified)" >>"$log"
echo "meta load_before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"
scripts/with_cluster.sh bench/panels_in_cluster.sh "$dir" "$rounds" | tee -a "$log"
echo "==> scikit-learn on the same OULAD panel rows"
/usr/bin/python3 bench/panels_sklearn.py "$dir" 100 50 sqrt 0.5 42 | sed 's/^/sklearn /' | tee -a "$log"
echo "meta load_after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" >>"$log"

# ---- report ----
get() { grep "^$1 " "$log" | tr ' ' '\n' | sed -n "s/^$2=//p" | tail -1; }
all() { grep "^$1 " "$log" | tr ' ' '\n' | sed -n "s/^$2=//p" | paste -sd' ' -; }
num() { /usr/bin/python3 -c "import sys; print(format(float(sys.argv[1]), sys.argv[2]))" "$1" "$2"; }
min() { tr ' ' '\n' | sort -g | head -1; }
md=$dir/panels.md
ours=$(all panel build_s | min); hand=$(all panel hand_s | min)
{
  echo "## Panels (bench/panels.sh)"
  echo
  echo "Command: \`bench/panels.sh\` ($(date -u +%Y-%m-%d), commit $(get meta commit), $(nproc) cores shared with other jobs;"
  echo "load average $(get meta load_before) before and $(get meta load_after) after (1/5/15 min); PostgreSQL $(get panel pg_version), shared_buffers 256MB, work_mem 64MB, 2 parallel workers per gather)."
  echo
  echo "### 1,000,000 entities x 30 days into weekly panels"
  echo
  echo "$(get panel events) events (one per entity and day, 2024-01-01 to 2024-01-30, scores 0-99, stored in day order) become"
  echo "$(get panel rows) rows: count, sum, mean and active days per week, each with a lag of 1 and a 3-week rolling mean,"
  echo "and the label \"no event next week\" (NULL where the next week is not complete). Both sides write a logged table"
  echo "with the same $(get panel columns) columns; they were run alternately, $rounds times each."
  echo
  echo "| method | seconds per run | best |"
  echo "|---|---|---|"
  echo "| \`edupredict.build_panel\` | $(all panel build_s) | $ours |"
  echo "| hand-written SQL (bench/panels_hand.sql) | $(all panel hand_s) | $hand |"
  echo
  echo "Best hand-written / best build_panel: **$(num "$(/usr/bin/python3 -c "print($hand/$ours)")" .2f)x** (goal >= 3x); build_panel in **$ours s** (goal <= 60 s)."
  echo "Rows that differ between the two tables (any value apart by more than 1e-9, or missing): $(get panel differing_rows)."
  echo
  echo "### OULAD attrition: weekly panel, forest on the 2013 presentations, tested on 2014"
  echo
  echo "demo/60_panels.sql: $(num "$(get oulad panel_rows)" .0f) weekly rows of $(num "$(get oulad panel_entities)" .0f) registrations, label \"unregisters within the next 2 weeks\";"
  echo "$(num "$(get oulad train_rows)" .0f) training rows (2013B, 2013J), $(num "$(get oulad test_rows)" .0f) test rows (2014B, 2014J) of which $(num "$(get oulad test_positives)" .0f) positive."
  echo "Both forests: 100 trees, sqrt(p) features per split, leaves of at least 50 rows, bootstrap samples of half the rows, seed 42."
  echo "scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)') (n_jobs=2) gets the same rows from CSV, text features ordinal-coded and missing values as -1"
  echo "(its forest rejects NaN; edupredict's trees route missing values themselves). Thresholds: the training class prior"
  echo "($(num "$(get oulad prior)" .4f)), and a fixed capacity, the top 5% of each module presentation's week."
  echo
  echo "| | edupredict | scikit-learn |"
  echo "|---|---|---|"
  for m in auc prior_precision prior_recall prior_flagged top5_precision top5_recall top5_flagged; do
    echo "| $m | $(num "$(get oulad $m)" .4f) | $(num "$(get sklearn $m)" .4f) |"
  done
  echo "| panel build s | $(num "$(get oulad panel_seconds)" .1f) | (same panel) |"
  echo "| training s | $(num "$(get oulad train_seconds)" .1f) | $(num "$(get sklearn train_s)" .1f) |"
  echo
  echo "AUC difference edupredict - scikit-learn: **$(num "$(/usr/bin/python3 -c "print($(get oulad auc)-$(get sklearn auc))")" +.4f)** (goal >= -0.01);"
  echo "panel building plus training: **$(num "$(/usr/bin/python3 -c "print($(get oulad panel_seconds)+$(get oulad train_seconds))")" .1f) s** (goal < 30 s)."
  echo
  echo "Raw key=value lines of this run: \`$log\`."
} >"$md"
cat "$md"
bench/lib/section.sh panels "$md"
