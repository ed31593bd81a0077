#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for bench/scoring.sh;
# prints key=value lines prefixed with "insert", "insert_sum" and "copy".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 inserts=$2 rounds=$3
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database scoring_bench
# the extension is in: release the install lock taken by the calling script
flock -u 9 2>/dev/null || true
"${P[@]}" -f data/uci_student_dropout/load.sql >/dev/null
"${P[@]}" <<'SQL' >/dev/null
SELECT version FROM edupredict.train_forest('dropout_bench', 'edupredict_data.student_features', 'target',
                                            n_trees => 100, seed => 42, test_fraction => 0);
CREATE TABLE plain (LIKE edupredict_data.students);
ALTER TABLE plain ADD COLUMN risk double precision;
CREATE TABLE scored (LIKE plain);
CREATE TABLE scored_alerts (LIKE plain);
SELECT * FROM edupredict.attach_scoring('scored', 'dropout_bench', 'risk', class => 'Dropout');
SELECT * FROM edupredict.attach_scoring('scored_alerts', 'dropout_bench', 'risk', class => 'Dropout',
                                        alert_threshold => 0.8, alert_key => 'student_id', alert_channel => 'bench_alerts');
SQL
echo "insert pg_version=$("${P[@]}" -c "SELECT current_setting('server_version')" | cut -d' ' -f1) pgbench_version=$(pgbench --version | awk '{print $3}') inserts=$inserts rounds=$rounds"

# 1. single-row inserts, extended protocol, alternating plain / scored
for t in plain scored; do
  printf '\\set id random(1, 4424)\nINSERT INTO %s SELECT s.*, NULL FROM edupredict_data.students s WHERE s.student_id = :id;\n' "$t" >"$dir/insert_$t.sql"
done
for r in $(seq 1 "$rounds"); do
  for t in plain scored; do
    (cd "$dir" && PGOPTIONS="$PGOPTIONS -c synchronous_commit=off" \
      pgbench -n -M extended -c 1 -t "$inserts" -f "insert_$t.sql" -l --log-prefix="log_${t}_$r" scoring_bench >/dev/null 2>&1)
  done
done
/usr/bin/python3 - "$dir" "$rounds" <<'PY'
import glob, statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
pooled = {"plain": [], "scored": []}
for r in range(1, rounds + 1):
    for t in ("plain", "scored"):
        lat = []
        for f in glob.glob("%s/log_%s_%d*" % (d, t, r)):
            for line in open(f):
                lat.append(int(line.split()[2]) / 1000.0)
        pooled[t] += lat
        print("insert run=%s n=%d p50=%.3f p90=%.3f p99=%.3f mean=%.3f" % (
            t, r, pct(lat, 0.5), pct(lat, 0.9), pct(lat, 0.99), statistics.mean(lat)))
p, s = pooled["plain"], pooled["scored"]
print("insert_sum samples=%d p99_plain=%.3f p99_scored=%.3f p99_extra_ms=%.3f p50_extra_ms=%.3f p90_extra_ms=%.3f" % (
    len(s), pct(p, 0.99), pct(s, 0.99), pct(s, 0.99) - pct(p, 0.99), pct(s, 0.5) - pct(p, 0.5), pct(s, 0.9) - pct(p, 0.9)))
PY
"${P[@]}" -c "SELECT 'insert_check scored_rows=' || count(*) || ' with_risk=' || count(risk) FROM scored"

# 2. COPY of 100,000 rows
"${P[@]}" -c "\\copy (SELECT s.*, NULL FROM edupredict_data.students s, generate_series(1, 23) g LIMIT 100000) TO '$dir/copy.csv' CSV"
chmod 644 "$dir/copy.csv"
best() { tr ' ' '\n' | sort -g | head -1; }
declare -A secs
for r in $(seq 1 "$rounds"); do
  for t in plain scored scored_alerts; do
    "${P[@]}" -c "TRUNCATE $t" >/dev/null
    [ $t = scored_alerts ] && "${P[@]}" -c "TRUNCATE scored_alerts_risk_alerts" >/dev/null
    s=$("${P[@]}" <<SQL
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
COPY $t FROM '$dir/copy.csv' CSV;
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3);
SQL
)
    secs[$t]="${secs[$t]:-} $s"
  done
done
line="copy"
for t in plain scored scored_alerts; do
  k=$t; [ $t = scored_alerts ] && k=alerts
  b=$(echo ${secs[$t]} | best)
  line="$line ${k}_s=$(echo ${secs[$t]} | tr ' ' ',') ${k}_rows_s=$(/usr/bin/python3 -c "print(int(100000/$b))")"
done
echo "$line alerts_written=$("${P[@]}" -c 'SELECT count(*) FROM scored_alerts_risk_alerts') scored_with_risk=$("${P[@]}" -c 'SELECT count(risk) FROM scored')"
