#!/usr/bin/env bash
# Runs inside the cluster made by bench/pii.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${PII_BENCH_ROWS:-1000000}
reps=${PII_BENCH_REPS:-5}
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
out=$(mktemp)
# The key is a server setting (PGC_SIGHUP): ALTER SYSTEM, then a reload that
# the next connection sees.
psql -XAtq -v ON_ERROR_STOP=1 -v key="$key" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
ALTER SYSTEM SET edupredict.pii_key = :'key';
SELECT pg_reload_conf();
SQL
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!bench/RESULTS.md' 2>/dev/null || commit="$commit+changes"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
psql -XAtq -v ON_ERROR_STOP=1 -v rows="$rows" -v reps="$reps" -v key="$key" >"$out" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
SET max_parallel_workers_per_gather = 0;   -- one core per expression, like for like
DROP TABLE IF EXISTS bench_emails;
CREATE TABLE bench_emails AS
SELECT format('%s.%s%s@%s.example.org', md5(i::text), substr(md5((i * 7)::text), 1, 6), i, 'school' || (i % 500)) AS e
FROM generate_series(1, :rows) i;
VACUUM ANALYZE bench_emails;

CREATE FUNCTION pg_temp.median_ms(q text, reps int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; times float8[] := '{}';
BEGIN
  EXECUTE q;                                   -- warm cache
  FOR i IN 1..reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
END $$;

SELECT 'scan', pg_temp.median_ms('SELECT count(e) FROM bench_emails', :reps);
SELECT 'sha256_pii', pg_temp.median_ms($q$SELECT count(edupredict.sha256_pii(e, 'email')) FROM bench_emails$q$, :reps);
SELECT 'core_sha256', pg_temp.median_ms($q$SELECT count(encode(sha256(convert_to(e, 'UTF8')), 'hex')) FROM bench_emails$q$, :reps);
SELECT 'pgcrypto_hmac', pg_temp.median_ms(format($q$SELECT count(encode(hmac(e, %L, 'sha256'), 'hex')) FROM bench_emails$q$, :'key'), :reps);
SELECT 'cpu', (SELECT version());
DROP TABLE bench_emails;
SQL
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
val() { awk -F'|' -v k="$1" '$1 == k {print $2}' "$out"; }
scan=$(val scan); pii=$(val sha256_pii); core=$(val core_sha256); hmac=$(val pgcrypto_hmac)
md=$(mktemp)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
awk -v rows="$rows" -v reps="$reps" -v scan="$scan" -v pii="$pii" -v core="$core" -v hmac="$hmac" \
    -v cpu="$cpu" -v date="$(date -u +%Y-%m-%d)" -v pg="$(psql -XAtc 'SHOW server_version')" \
    -v commit="$commit" -v load="$load_before -> $load_after" -v ncpu="$(nproc)" 'BEGIN {
  printf "## sha256_pii vs core sha256 vs pgcrypto hmac\n\n"
  printf "Command: `bench/pii.sh` (%s, commit %s, PostgreSQL %s, %s, %d rows, median of %d runs, one core, no parallel workers; load average %s on %d cores, shared machine).\n\n", date, commit, pg, cpu, rows, reps, load, ncpu
  printf "| expression | total ms | ns/row | ns/row net of scan | ratio to core sha256 (net) |\n|---|---:|---:|---:|---:|\n"
  n["scan"]="count(e) (table scan only)"; n["pii"]="edupredict.sha256_pii(e, '\''email'\'')"; n["core"]="encode(sha256(convert_to(e, '\''UTF8'\'')), '\''hex'\'')"; n["hmac"]="encode(hmac(e, key, '\''sha256'\''), '\''hex'\'') (pgcrypto)"
  t["scan"]=scan; t["pii"]=pii; t["core"]=core; t["hmac"]=hmac
  split("scan pii core hmac", order, " ")
  for (i = 1; i <= 4; i++) { k = order[i]; net = t[k] - scan
    printf "| %s | %.0f | %.0f | %s | %s |\n", n[k], t[k], t[k] * 1e6 / rows, (k == "scan" ? "-" : sprintf("%.0f", net * 1e6 / rows)), (k == "scan" ? "-" : sprintf("%.2f", net / (core - scan))) }
  printf "\nsha256_pii / core sha256 (net of scan): **%.2fx** (goal <= 1.5x); sha256_pii / pgcrypto hmac (net): **%.2fx** (goal <= 1.0x). sha256_pii also trims and lower-cases each address; the others hash the raw text.\n", (pii - scan) / (core - scan), (pii - scan) / (hmac - scan)
}' >"$md"
cat "$md"
bench/lib/section.sh pii "$md"
rm -f "$out" "$md"
