#!/usr/bin/env bash
# Inside a throwaway cluster (scripts/with_cluster.sh): load the data, time
# edupredict and PostGIS ST_ClusterKMeans, export points and labels to $1.
set -euo pipefail
d=$1
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;"
q -f data/london_schools_wlz/load.sql >/dev/null
q -c 'SET client_min_messages = warning' -f bench/cluster_national.sql >/dev/null
q -c "\copy (SELECT school_id, ST_X(geom), ST_Y(geom) FROM edupredict_data.schools ORDER BY 1) TO '$d/london.csv' CSV"
q -c "\copy (SELECT point_id, ST_X(geom), ST_Y(geom) FROM edupredict_data.schools_national ORDER BY 1) TO '$d/national.csv' CSV"

# CPU time (user + system, clock ticks) of the backend so far, from /proc/self/stat
# (fields 14 and 15; after the ") " that ends the command name, they are the 12th and 13th)
CPU_TICKS="(SELECT f[12]::bigint + f[13]::bigint FROM string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') f)"
TICKS=$(getconf CLK_TCK)
# one timed statement in a fresh backend: NAME, SELECT producing (id, hub).
# Wall time from psql's \timing; the backend's CPU time around it too, which
# a busy shared machine distorts less (the backend runs on one thread).
run() {
  local name=$1 sql=$2
  out=$(q <<SQL
SELECT count(*) FROM edupredict_data.schools WHERE false;
SELECT $CPU_TICKS AS cpu0 \gset
\timing on
CREATE TEMP TABLE res AS $sql;
\timing off
SELECT 'CPU: ' || ($CPU_TICKS - :cpu0) AS cpu \gset
\echo :cpu
SELECT 'VmHWM: ' || substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+)') || ' kB' AS hwm \gset
\echo :hwm
\copy res TO '$d/labels_$name.csv' CSV HEADER
SQL
)
  ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -1)
  kb=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' <<<"$out" | tail -1)
  ticks=$(sed -n 's/^CPU: \([0-9]*\)/\1/p' <<<"$out" | tail -1)
  echo "time $name $(awk "BEGIN{printf \"%.3f\", $ms/1000}") hwm_kb=$kb cpu_s=$(awk "BEGIN{printf \"%.2f\", $ticks/$TICKS}")"
}
S=edupredict_data.schools
N=edupredict_data.schools_national
# hub counts of sizes 30..40 (the rule of balanced_spectral_cluster), for ST_ClusterKMeans
hubs() {
  q -At -c "WITH n AS (SELECT count(*)::int AS n FROM $1)
            SELECT k FROM n, generate_series(1, n.n) k WHERE k * 30 <= n.n AND n.n <= k * 40
            ORDER BY abs(k - n.n / 35.0), k LIMIT 1"
}
kS=$(hubs $S)
kN=$(hubs $N)
echo "sets london_points=$(q -At -c "SELECT count(*) FROM $S") london_hubs=$kS national_points=$(q -At -c "SELECT count(*) FROM $N") national_hubs=$kN"
run edupredict_k6 "SELECT school_id, edupredict.balanced_spectral_cluster(geom, 6) OVER () AS hub FROM $S"
run edupredict_r30_40 "SELECT school_id, edupredict.balanced_spectral_cluster(geom, min_size => 30, max_size => 40) OVER () AS hub FROM $S"
run postgis_kmeans_k6 "SELECT school_id, ST_ClusterKMeans(geom, 6) OVER () AS hub FROM $S"
run postgis_kmeans_r30_40 "SELECT school_id, ST_ClusterKMeans(geom, $kS) OVER () AS hub FROM $S"
run national_edupredict_r30_40 "SELECT point_id, edupredict.balanced_spectral_cluster(geom, min_size => 30, max_size => 40) OVER () AS hub FROM $N"
run national_postgis_kmeans_r30_40 "SELECT point_id, ST_ClusterKMeans(geom, $kN) OVER () AS hub FROM $N"
