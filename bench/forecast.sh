#!/usr/bin/env bash
# Backtest of the tutor supply forecast (docs/forecasting.md, issues 5 and 14): on data from
# generate_tutor_data (two seeds), trains as of every past term with enough history, using only
# what was known then, forecasts one to three terms ahead - every tutor placed, known and recruits
# (supply_forecast), and the known tutors' availability - and scores every forecast whose target
# term the generator realised.  Writes the "forecast" section of bench/RESULTS.md.
#   bench/forecast.sh                 (builds, installs and uses a throwaway cluster)
#   SEEDS=7 N_TUTORS=4000 ORIGINS='2021 Autumn,2022 Spring' SWEEP= bench/forecast.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${SEEDS:-42,7}
n_tutors=${N_TUTORS:-4000}
origins=${ORIGINS:-}                     # empty: every origin with min_history terms before it
min_history=${MIN_HISTORY:-5}            # train_availability's minimum for horizons 1-3 (3 + 2)
min_leaf=${MIN_LEAF:-25}                 # train_availability's default
sweep=${SWEEP:-1 5 25 100}               # leaf sizes compared in a short table

if [ "${1:-}" != "--in-cluster" ]; then
  . scripts/lib.sh
  ensure_packages "${CORE_PACKAGES[@]}"
  build_and_install
  exec scripts/with_cluster.sh bench/forecast.sh --in-cluster
fi

out=$(mktemp) sweep_md=$(mktemp)
trap 'rm -f "$out" "$sweep_md"' EXIT
backtest() {
  psql -X -q -v ON_ERROR_STOP=1 -v seeds="$seeds" -v n_tutors="$n_tutors" -v origins="$origins" \
    -v min_history="$min_history" -v min_leaf="$1" -f bench/forecast_backtest.sql >/dev/null
}
bench_start=$(date +%s)
load_before=$(awk '{print $1}' /proc/loadavg)
# The leaf-size sweep first; the main run (min_leaf) last, so bt.* holds it for the report.
# The first run also generates the data (kept in schemas btd_<seed> for the later runs).
for leaf in $sweep; do
  [ "$leaf" = "$min_leaf" ] && continue  # the main run below gives this row
  backtest "$leaf"
  psql -X -At -v ON_ERROR_STOP=1 -v leaf="$leaf" -f bench/forecast_sweep.sql >>"$sweep_md"
done
start=$(date +%s)
backtest "$min_leaf"
elapsed=$(( $(date +%s) - start ))
psql -X -At -v ON_ERROR_STOP=1 -v leaf="$min_leaf" -f bench/forecast_sweep.sql >>"$sweep_md"
origins_used=$(psql -X -q -At -c "SET search_path = edupredict, public" -c "SELECT min(as_of) || ' to ' || max(as_of) || ' (' || count(DISTINCT as_of) || ' origins)' FROM bt.origins")
span=$(psql -X -q -At -c "SET search_path = edupredict, public" -c "SELECT min(term) || ' to ' || max(term) FROM bt.placements")
version=$(psql -X -At -c 'SELECT version()' | sed 's/ on .*//')
total=$(( $(date +%s) - bench_start ))
{
  echo "## Tutor supply forecast: backtest"
  echo
  echo "Command: \`bench/forecast.sh\` ($(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $version, 1-minute load average $load_before before the run and $(awk '{print $1}' /proc/loadavg) after it on $(nproc) cores; generate_tutor_data seeds $seeds, $n_tutors tutors each, 2017 Autumn to 2023 Summer; origins as_of = ${origins:-$origins_used}; 100 trees and min_samples_leaf $min_leaf per horizon; main run ${elapsed} s, whole backtest with the leaf-size sweep ${total} s in the cluster)."
  echo
  if [ -z "$origins" ]; then
    echo "Origins: every term as_of with at least $min_history terms of placement history before it (5 is the minimum train_availability accepts for horizons 1-3; the h = 3 forest of the first origin then has one term of labelled rows) and whose next term the generator realised. Placements run from $span, so as_of runs $origins_used; horizon h is scored for the origins whose target term as_of + h is realised, so the last two origins contribute to fewer horizons. Each origin's forests, features and survey rates see only placements, registrations and surveys before as_of."
    echo
  fi
  psql -X -q -v ON_ERROR_STOP=1 -f bench/forecast_report.sql
  echo
  echo "### Leaf size (train_availability's min_samples_leaf; default 25)"
  echo
  echo "Same backtest (same seeds and origins) with other minimum leaf sizes; every forecast and cell of the three horizons pooled (calibration error: mean of the three horizons)."
  echo
  echo '| min_samples_leaf | Brier (model) | calibration error vs outcomes | MAE model | MAE naive | p10-p90 coverage |'
  echo '|---:|---:|---:|---:|---:|---:|'
  sort -t'|' -k2,2n "$sweep_md"
} >"$out"
cat "$out"
bench/lib/section.sh forecast "$out"
