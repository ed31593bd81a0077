#!/usr/bin/env bash
# A/B of train_forest between an older commit's build (A) and this checkout's
# (B), for telling a regression from the load of a shared machine: both
# servers run at the same time (each preloaded its own library at start),
# and the trainings alternate A B, B A, ... over seeds, each in a fresh
# backend, on bench/forest.sh's data files and views.  Memory and CPU come
# from bench/lib/procmem.sh on the backend, as in bench/forest.sh.
#   bench/forest_ab.sh OLD_COMMIT [datasets...]     (default: uci c100k)
#   FOREST_AB_SEEDS="1 2 3"                          seeds (default 1-8; c1m the first
#                                                    two, r1m the first)
# Prints a summary; raw lines in $FOREST_BENCH_DIR/ab-OLD_COMMIT.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib/forest_runs.sh
old=$(git rev-parse --short "$1"); shift
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(uci c100k)
dir=${FOREST_BENCH_DIR:-/tmp/edupredict_bench_forest}
seeds=${FOREST_AB_SEEDS:-1 2 3 4 5 6 7 8}
for ds in "${sets[@]}"; do [ -s "$dir/$ds.csv" ] || /usr/bin/python3 bench/forest_gen.py "$dir" "$ds"; done
work=$(mktemp -d /tmp/forest_ab.XXXXXX); chmod 755 "$work"; chown postgres "$work"
log=$dir/ab-$old.txt
as_pg() { su postgres -s /bin/sh -c "$1"; }
declare -A port=([A]=55491 [B]=55492)
stop() { for s in A B; do [ ! -d "$work/$s" ] || as_pg "$PGBIN/pg_ctl -D $work/$s -m fast stop" >/dev/null 2>&1 || true; done; rm -rf "$work"; }
trap stop EXIT
start_server() { # side: a new cluster that preloads the library installed now
  local s=$1
  mkdir "$work/$s"; chown postgres "$work/$s"
  as_pg "$PGBIN/initdb -D $work/$s -A trust -U postgres" >/dev/null
  as_pg "$PGBIN/pg_ctl -D $work/$s -l $work/$s.log -w -o '-p ${port[$s]} -k $work -c listen_addresses= -c shared_preload_libraries=edupredict -c max_parallel_workers_per_gather=2 -c work_mem=64MB -c shared_buffers=256MB' start" >/dev/null 9>&-
  q "$s" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION edupredict CASCADE' >/dev/null
  q "$s" -c "SELECT 'meta $s extversion=' || extversion FROM pg_extension WHERE extname = 'edupredict'" | tee -a "$log"
}
q() { local s=$1; shift; psql -qXAt -v ON_ERROR_STOP=1 -h "$work" -p "${port[$s]}" -U postgres -d postgres "$@"; }

echo "==> building $old (A) and this checkout (B)"
mkdir "$work/src"; git archive "$old" | tar -x -C "$work/src"
nice -n 19 make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" -j2 >/dev/null
nice -n 19 make -s PG_CONFIG="$PG_CONFIG" -j2 >/dev/null
: >"$log"
echo "meta all a=$old b=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src sql || echo -modified) date=$(date -u +%Y-%m-%dT%H:%M) loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" | tee -a "$log"
# the install lock (as scripts/test.sh) from the first install until both
# servers have created the extension; the servers do not inherit it (9>&-)
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
as_root make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
start_server A
as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
start_server B
flock -u 9; exec 9>&-

for ds in "${sets[@]}"; do
  cols=$(head -1 "$dir/$ds.csv" | tr ',' '\n' | grep -v -x -e y -e is_test | paste -sd, -)
  ytype=float8; [ "$ds" = uci ] && ytype=text
  yfinal=$ytype; [ "${ds:0:1}" = c ] && yfinal=int
  coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
  for s in A B; do
    q $s >/dev/null <<SQL
CREATE TABLE $ds ($coldefs, y $ytype, is_test int);
\copy $ds FROM '$dir/$ds.csv' CSV HEADER
ALTER TABLE $ds ALTER COLUMN y TYPE $yfinal USING y::$yfinal;
CREATE VIEW ${ds}_train AS SELECT $cols, y FROM $ds WHERE is_test = 0;
CREATE VIEW ${ds}_test AS SELECT $cols, y FROM $ds WHERE is_test = 1;
VACUUM ANALYZE $ds;
-- the load's dirty pages written now, not during a timed training
CHECKPOINT;
SQL
  done
  # the 1M sets take minutes per training: the first two seeds (c1m), the first (r1m)
  dseeds=$seeds
  case $ds in c1m) dseeds=$(echo $seeds | cut -d' ' -f1-2) ;; r1m) dseeds=$(echo $seeds | cut -d' ' -f1) ;; esac
  i=0
  for seed in $dseeds; do
    order="A B"; [ $((i % 2)) -eq 0 ] || order="B A"; i=$((i + 1))
    for s in $order; do
      pre="ab $s $ds s$seed"
      q $s <<SQL | tee -a "$log"
SELECT pg_backend_pid() AS pid \gset
\setenv BACKEND_PID :pid
\! bench/lib/procmem.sh "\$BACKEND_PID" '$pre' start
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(*) AS one FROM edupredict.train_forest('${ds}_$seed', '${ds}_train', 'y', test_fraction => 0, seed => $seed) \gset
SELECT '$pre train_s=' || round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3);
\! bench/lib/procmem.sh "\$BACKEND_PID" '$pre' end
SELECT '$pre load1=' || split_part(pg_read_file('/proc/loadavg'), ' ', 1)
       || ' model_bytes=' || (SELECT octet_length(model) FROM edupredict.models WHERE name = '${ds}_$seed' ORDER BY version DESC LIMIT 1);
SELECT '$pre ' || string_agg(metric || '=' || round(value::numeric, 5), ' ')
FROM edupredict.evaluate('${ds}_$seed', '${ds}_test') WHERE metric IN ('accuracy', 'roc_auc', 'r2');
SQL
    done
  done
done
# prediction over every c1m row with the first seed's model: A and B alternate,
# each after a warm-up that calls predict_proba once in the same backend
if [[ " ${sets[*]} " == *" c1m "* ]]; then
  m=c1m_$(echo $seeds | cut -d' ' -f1)
  for rep in 1 2; do
    for w in 0 2; do
      order="A B"; [ $rep -eq 1 ] || order="B A"
      for s in $order; do
        q $s <<SQL | tee -a "$log"
SET max_parallel_workers_per_gather = $w;
SELECT count(edupredict.predict_proba('$m', t)) AS warm FROM (SELECT * FROM c1m LIMIT 1) t \gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(edupredict.predict_proba('$m', t)) AS n FROM c1m t \gset
SELECT 'abp $s c1m w$w-r$rep rows_s=' || round(:n / (extract(epoch FROM clock_timestamp()) - :t0)) || ' warmup_calls=' || :warm;
SQL
      done
    done
  done
fi
echo "meta all loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" | tee -a "$log"

md=$dir/forest-ab.md
/usr/bin/python3 - "$log" "bench/forest_ab.sh $old ${sets[*]}" "$seeds" >"$md" <<'PY'
import math, os, statistics as st, sys
from collections import defaultdict
M = {}
for line in open(sys.argv[1]):
    if line.startswith("meta all "):
        M.update(kv.split("=", 1) for kv in line.split()[2:])
print("## Random forests: the previous build against this one, side by side (bench/forest_ab.sh)")
print()
print("Command: `%s` (seeds %s) on 2 cores, %s UTC. A = commit %s (the older build), B = commit %s (this checkout)."
      % (sys.argv[2], sys.argv[3], M.get("date", "?"), M.get("a"), M.get("b")))
print("Load average (1, 5, 15 min) before %s, after %s. Both servers run at the same time (same settings as"
      % (M.get("loadavg_before", "?").replace("/", ", "), M.get("loadavg_after", "?").replace("/", ", ")))
print("bench/forest.sh: shared_buffers 256 MB, work_mem 64 MB, 2 forest threads), each with its own build preloaded;")
print("the trainings alternate A, B then B, A over the seeds, each in a fresh backend, so both builds meet the same")
print("load of the shared machine. B/A is the geometric mean of the per-seed ratios. Training peak = VmHWM of the")
print("backend over the train_forest statement (bench/lib/procmem.sh, as in the forest section), which includes")
print("writing the model into the registry. Accuracy, AUC (macro one-vs-rest) and R² are means over the seeds.")
print()
R = defaultdict(dict)
for line in open(sys.argv[1]):
    p = line.split()
    if not p or p[0] != "ab":
        continue
    for kv in p[4:]:
        k, v = kv.split("=", 1)
        R[(p[1], p[2], p[3])][k] = float(v)
def cpu(r): return (r["cpu1_ticks"] - r["cpu0_ticks"]) / r["clk_tck"]
print("| data | seeds | A train s median | B train s median | B/A (geometric mean of per-seed ratios) | A CPU s median | B CPU s median | B/A CPU | A training peak MB | B training peak MB | A model MB | B model MB | A accuracy/R² mean | B accuracy/R² mean | A AUC mean | B AUC mean |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for ds in dict.fromkeys(k[1] for k in R):
    seeds = [k[2] for k in R if k[0] == "A" and k[1] == ds and ("B", ds, k[2]) in R]
    A = [R[("A", ds, s)] for s in seeds]; B = [R[("B", ds, s)] for s in seeds]
    gm = lambda f: math.exp(st.mean(math.log(f(b) / f(a)) for a, b in zip(A, B)))
    q = "accuracy" if "accuracy" in A[0] else "r2"
    med = lambda xs, f: st.median(f(x) for x in xs)
    auc = lambda xs: "%.4f" % st.mean(r["roc_auc"] for r in xs) if "roc_auc" in xs[0] else "n/a"
    print("| %s | %d | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f | %.0f | %.0f | %.2f | %.2f | %.4f | %.4f | %s | %s |" % (
        ds, len(seeds), med(A, lambda r: r["train_s"]), med(B, lambda r: r["train_s"]), gm(lambda r: r["train_s"]),
        med(A, cpu), med(B, cpu), gm(cpu),
        med(A, lambda r: r["hwm_train_bytes"]) / 1048576, med(B, lambda r: r["hwm_train_bytes"]) / 1048576,
        med(A, lambda r: r["model_bytes"]) / 1048576, med(B, lambda r: r["model_bytes"]) / 1048576,
        st.mean(r[q] for r in A), st.mean(r[q] for r in B), auc(A), auc(B)))
P = defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    if p and p[0] == "abp":
        P[(p[1], p[3].split("-")[0])].append(float(p[4].split("=")[1]))
if P:
    print()
    print("| c1m prediction | A rows/s (runs) | B rows/s (runs) | B/A of medians |")
    print("|---|---|---|---|")
    for w in ("w0", "w2"):
        a, b = P[("A", w)], P[("B", w)]
        print("| max_parallel_workers_per_gather = %s | %s | %s | %.3f |" % (w[1:], ", ".join("%.0f" % x for x in a),
              ", ".join("%.0f" % x for x in b), st.median(b) / st.median(a)))
print()
print("Raw key=value lines: %s in FOREST_BENCH_DIR (a scratch directory, not kept)." % os.path.basename(sys.argv[1]))
PY
cat "$md"
bench/lib/section.sh forest-ab "$md"
