#!/usr/bin/env bash
# README command 1: the main job, end to end, on the bundled data.
# Installs what is missing, builds and installs edupredict, starts a
# throwaway PostgreSQL 15 cluster under .demo/ (no system cluster touched),
# loads data/, runs demo/NN_*.sql then demo/NN_*.sh, and writes out/.
# The cluster keeps running for exploration:  scripts/demo.sh --stop  ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

root=$PWD
demo=$root/.demo
port=${EDUPREDICT_DEMO_PORT:-54329}

# PostgreSQL refuses to run as root: as root the cluster belongs to the
# postgres account, which may not be able to enter the project folder
# (e.g. under /root); then the data lives in /var/tmp and .demo/pgdata links to it.
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); else as_owner=(); fi

pgdata_path() {
  if [ -L "$demo/pgdata" ] || [ -d "$demo/pgdata" ]; then readlink -f "$demo/pgdata"; return; fi
  mkdir -p "$demo"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$demo" 2>/dev/null; then
    local dir="/var/tmp/edupredict-demo-$(printf '%s' "$root" | sha256sum | cut -c1-12)"
    mkdir -p "$dir" && chown postgres: "$dir" && chmod 700 "$dir"
    ln -sfn "$dir" "$demo/pgdata"
    echo "$dir"
  else
    mkdir -p "$demo/pgdata"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$demo/pgdata" "$demo"
    echo "$demo/pgdata"
  fi
}

pgctl() { (cd / && "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$pgdata" "$@" 9>&-); }

if [ "${1:-}" = "--stop" ]; then
  [ -e "$demo/pgdata" ] || { echo "no demo cluster in $demo"; exit 0; }
  pgdata=$(readlink -f "$demo/pgdata")
  pgctl status >/dev/null 2>&1 && pgctl stop -m fast
  exit 0
fi

ensure_packages "${CORE_PACKAGES[@]}"
# One install directory per machine: hold the test suite's lock from the build
# until the extension is created (the server must not inherit it).
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install

pgdata=$(pgdata_path)
if [ ! -f "$pgdata/PG_VERSION" ]; then
  echo "==> creating a throwaway cluster in $pgdata"
  "${as_owner[@]}" "$PGBIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # A random PII key, readable only by the cluster's owner (docs/pii.md).
  key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  printf "edupredict.pii_key = '%s'\n" "$key" | "${as_owner[@]}" tee "$pgdata/pii_key.conf" >/dev/null
  "${as_owner[@]}" chmod 600 "$pgdata/pii_key.conf"
  "${as_owner[@]}" tee -a "$pgdata/postgresql.conf" >/dev/null <<CONF
# edupredict demo cluster
listen_addresses = ''
port = $port
unix_socket_directories = '$pgdata'
shared_preload_libraries = 'edupredict'
max_parallel_workers_per_gather = 2
work_mem = '64MB'
shared_buffers = '256MB'
include = 'pii_key.conf'
CONF
fi
if ! pgctl status >/dev/null 2>&1; then
  pgctl start -w -l "$pgdata/server.log" >/dev/null || { tail -20 "$pgdata/server.log"; exit 1; }
else
  # A rebuilt library is only picked up by a restart (it is preloaded).
  pgctl restart -w -m fast -l "$pgdata/server.log" >/dev/null
fi

psql_base=(psql -X -q -h "$pgdata" -p "$port" -U postgres)
"${psql_base[@]}" -d postgres -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS edupredict WITH (FORCE)" -c "CREATE DATABASE edupredict" >/dev/null
psql_db=("${psql_base[@]}" -d edupredict -v ON_ERROR_STOP=1)
"${psql_db[@]}" -c "CREATE EXTENSION edupredict CASCADE" 2>/dev/null
exec 9>&-

rm -rf out && mkdir -p out
scripts/demo_build.sh out "${psql_base[@]}" -d edupredict

echo
echo "Results are in out/:"
ls -1 out | sed 's/^/  out\//'
echo
echo "The demo cluster is still running. Connect with:"
echo "  psql -h $pgdata -p $port -U postgres -d edupredict"
echo "Stop it with:"
echo "  scripts/demo.sh --stop"
