#!/usr/bin/env bash
# Backtest of the tutor availability forecast (docs/forecasting.md, issue 5): on data from
# generate_tutor_data, trains as of several past terms with only what was known then, forecasts
# three terms ahead and scores the forecast against what the generator realised.  Writes the
# "forecast" section of bench/RESULTS.md.
#   bench/forecast.sh                 (installs, builds and uses a throwaway cluster)
#   SEED=7 N_TUTORS=4000 ORIGINS='2021 Autumn,2022 Spring' bench/forecast.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${SEED:-42}
n_tutors=${N_TUTORS:-4000}
origins=${ORIGINS:-2021 Spring,2021 Summer,2021 Autumn,2022 Spring,2022 Summer}
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
  psql -X -q -v ON_ERROR_STOP=1 -v seed="$seed" -v n_tutors="$n_tutors" -v origins="$origins" \
    -v min_leaf="$1" -f bench/forecast_backtest.sql >/dev/null
}
# The leaf-size sweep first; the main run (min_leaf) last, so bt.* holds it for the report.
for leaf in $sweep; do
  backtest "$leaf"
  psql -X -At -v ON_ERROR_STOP=1 -v leaf="$leaf" -f bench/forecast_sweep.sql >>"$sweep_md"
done
start=$(date +%s)
backtest "$min_leaf"
elapsed=$(( $(date +%s) - start ))
version=$(psql -X -At -c 'SELECT version()' | sed 's/ on .*//')
{
  echo "## Tutor availability forecast: backtest"
  echo
  echo "Command: \`bench/forecast.sh\` ($(date -u +%Y-%m-%d), $version; generate_tutor_data seed $seed, $n_tutors tutors, 2017 Autumn to 2023 Summer; origins as_of = $origins; 100 trees and min_samples_leaf $min_leaf per horizon; main run ${elapsed} s)."
  echo
  psql -X -q -v ON_ERROR_STOP=1 -f bench/forecast_report.sql
  echo
  echo "### Leaf size (train_availability's min_samples_leaf; default 25)"
  echo
  echo "Same backtest with other minimum leaf sizes: mean over the three horizons."
  echo
  echo '| min_samples_leaf | Brier (model) | calibration error vs outcomes | MAE model | MAE naive | p10-p90 coverage |'
  echo '|---:|---:|---:|---:|---:|---:|'
  cat "$sweep_md"
} >"$out"
cat "$out"
bench/lib/section.sh forecast "$out"
