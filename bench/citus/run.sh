#!/usr/bin/env bash
# Scale-out checks on Citus (issue 15, docs/scale-out.md), outside the test
# suite because building Citus takes minutes:
#   bench/citus/run.sh CITUS_SOURCE
# CITUS_SOURCE: a Citus git directory (a clone of github.com/citusdata/citus,
# or a bare snapshot) or a Citus source tree.  From git, tag $CITUS_REF
# (default v12.1.5) is built; builds are cached in /var/tmp/edupredict-citus.
# Builds and installs Citus and edupredict (this checkout) into the
# PostgreSQL 15 directories, starts a coordinator and two workers on
# 127.0.0.1 (ports $CITUS_BENCH_PORT, +1, +2; default 56001), distributes the
# UCI dropout data on student_id (32 shards) next to a local copy on the
# coordinator, runs bench/citus/checks.sql with psql and compares its output
# with bench/citus/expected/checks.out like pg_regress: the diff is printed
# and kept in bench/citus/results/, and the exit status is non-zero when they
# differ.  The cluster is stopped and removed on exit, also on failure.
# CITUS_CACHE: the build cache (default /var/tmp/edupredict-citus).
# CITUS_BENCH_MEASURE=1: also print bench/citus/measure.sql (the rows and
# bytes forest_agg moves to the coordinator; figures, not compared).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
. bench/citus/build_citus.sh
[ $# -eq 1 ] || { sed -n 2,18p "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
source=$1
base=${CITUS_BENCH_PORT:-56001}
ports=("$base" $((base + 1)) $((base + 2)))
names=(coordinator worker1 worker2)
t_start=$(date +%s)

citus_build_and_install "$source"

if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); else as_owner=(); fi
# the cluster's owner must be able to enter the folder (not under /root)
work=$(mktemp -d /var/tmp/edupredict-citus-run.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres: "$work"
node_ctl() { (cd / && "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$work/$1" "${@:2}" 9>&-); }
stop_cluster() {
  local n
  for n in "${names[@]}"; do
    [ -f "$work/$n/postmaster.pid" ] && node_ctl "$n" stop -m immediate >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap stop_cluster EXIT
trap "exit 130" INT TERM

# Same lock as scripts/test.sh (one install directory per machine), held from
# the install of edupredict until the extension exists on every node.
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install

# One PII key for every node, as docs/scale-out.md asks (a key file, chmod 600).
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
for i in 0 1 2; do
  n=${names[$i]}
  "${as_owner[@]}" "$PGBIN/initdb" -D "$work/$n" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  printf '%s\n' "$key" | "${as_owner[@]}" tee "$work/$n/pii.key" >/dev/null
  # a second key, which checks.sql switches worker 2 to
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' | "${as_owner[@]}" tee "$work/$n/pii-other.key" >/dev/null
  "${as_owner[@]}" chmod 600 "$work/$n/pii.key" "$work/$n/pii-other.key"
  "${as_owner[@]}" tee -a "$work/$n/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = ${ports[$i]}
unix_socket_directories = '$work'
shared_preload_libraries = 'citus,edupredict'
edupredict.pii_key_file = '$work/$n/pii.key'
max_connections = 100
shared_buffers = '128MB'
work_mem = '64MB'
max_parallel_workers_per_gather = 0
citus.shard_count = 32
CONF
  node_ctl "$n" start -w -l "$work/$n.log" >/dev/null || { tail -20 "$work/$n.log"; exit 1; }
done

q() { local port=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
for p in "${ports[@]}"; do
  q "$p" -d postgres -c "CREATE DATABASE edupredict_citus"
  q "$p" -d edupredict_citus -c "CREATE EXTENSION citus"
done
coord=(q "${ports[0]}" -d edupredict_citus)
"${coord[@]}" -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" \
  -c "SELECT citus_add_node('127.0.0.1', ${ports[1]})" -c "SELECT citus_add_node('127.0.0.1', ${ports[2]})" \
  -c "SET client_min_messages = warning" -c "CREATE EXTENSION edupredict CASCADE" >/dev/null
flock -u 9; exec 9>&-

echo "==> loading the data (local copies on the coordinator, distributed copies on the workers)"
"${coord[@]}" -f data/uci_student_dropout/load.sql -f data/london_schools_wlz/load.sql \
  -f bench/citus/distribute.sql >"$work/load.log" 2>&1 || { cat "$work/load.log"; exit 1; }

echo "==> bench/citus/checks.sql"
mkdir -p bench/citus/results
out=bench/citus/results/checks.out diff=bench/citus/results/checks.diff
t_checks=$(date +%s)
"${coord[@]}" -v ON_ERROR_STOP=0 -v coordinator_port="${ports[0]}" -v worker2_port="${ports[2]}" \
  -a -f bench/citus/checks.sql >"$out" 2>&1 || true
t_end=$(date +%s)
echo "==> times: all $((t_end - t_start)) s, checks $((t_end - t_checks)) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -n "${CITUS_BENCH_MEASURE:-}" ]; then
  echo "==> bench/citus/measure.sql (today's forest_agg baseline, not compared)"
  "${coord[@]}" -f bench/citus/measure.sql || echo "measure.sql failed"
fi
if diff -u bench/citus/expected/checks.out "$out" >"$diff"; then
  rm -f "$diff"
  echo "ok: bench/citus/checks.sql matches bench/citus/expected/checks.out"
else
  cat "$diff"
  echo "FAILED: bench/citus/checks.sql differs from the expected output (diff in $diff)"
  exit 1
fi
