#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for bench/panels.sh:
# prints key=value lines prefixed with "panel" (1,000,000 x 30 days) and
# "oulad" (the demo pipeline), and exports the OULAD panel rows to DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 rounds=$2
root=$PWD
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database panels_bench
# the extension is in: release the install lock taken by the calling script
flock -u 9 2>/dev/null || true
echo "panel pg_version=$("${P[@]}" -c "SELECT current_setting('server_version')" | cut -d' ' -f1)"

# 30,000,000 events: day-major, one per entity and day.
"${P[@]}" <<'SQL'
CREATE TABLE bench_events AS
SELECT (g % 1000000)::int AS entity, DATE '2024-01-01' + (g / 1000000)::int AS day,
       ((g::int8 * 7919) % 100)::float8 AS score
FROM generate_series(0, 29999999) g;
VACUUM ANALYZE bench_events;
SQL
echo "panel events=$("${P[@]}" -c 'SELECT count(*) FROM bench_events')"
for r in $(seq 1 "$rounds"); do
  "${P[@]}" -c 'DROP TABLE IF EXISTS bench_panel, bench_hand' -c CHECKPOINT >/dev/null
  t=$("${P[@]}" <<'SQL'
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(*) FROM edupredict.build_panel('bench_panel', 'bench_events', '{entity}', 'day', 'week',
       '{count,sum(score),mean(score),days_active}', lags => '{1}', rolling => '{3}',
       label => 'inactive', horizon => 1) \g /dev/null
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 2);
SQL
)
  echo "panel build_s=$t"
  "${P[@]}" -c CHECKPOINT >/dev/null
  t=$("${P[@]}" <<SQL
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
\i $root/bench/panels_hand.sql
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 2);
SQL
)
  echo "panel hand_s=$t"
done
"${P[@]}" <<SQL
\i $root/bench/panels_compare.sql
SELECT 'panel rows=' || (SELECT count(*) FROM bench_panel) || ' columns=' ||
       (SELECT count(*) FROM pg_attribute WHERE attrelid = 'bench_panel'::regclass AND attnum > 0) ||
       ' differing_rows=' || (SELECT count(*) FROM bench_diff);
SQL
"${P[@]}" -c 'DROP TABLE bench_events, bench_panel, bench_hand' >/dev/null

# OULAD: the demo step, run from a scratch directory (it writes out/).
"${P[@]}" -f data/oulad/load.sql >/dev/null
"${P[@]}" -f data/uci_student_dropout/load.sql >/dev/null
work=$(mktemp -d); mkdir -p "$work/out"
(cd "$work" && "${P[@]}" -f "$root/demo/60_panels.sql" >/dev/null)
"${P[@]}" -c "SELECT 'oulad ' || string_agg(metric || '=' || value, ' ') FROM edupredict_data.oulad_metrics"
"${P[@]}" -c "SELECT 'oulad panel_rows=' || count(*) || ' panel_entities=' || count(DISTINCT (code_module, code_presentation, id_student)) FROM edupredict_data.oulad_weekly"
"${P[@]}" -c "\copy (SELECT * FROM edupredict_data.oulad_train) TO '$dir/train.csv' CSV HEADER" >/dev/null
"${P[@]}" -c "\copy (SELECT * FROM edupredict_data.oulad_test) TO '$dir/test.csv' CSV HEADER" >/dev/null
rm -rf "$work"
