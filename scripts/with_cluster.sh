#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster (pg_virtualenv -t)
# with edupredict preloaded (PGHOST, PGPORT, PGUSER, PGDATABASE set); the
# cluster is removed when the command exits.  Used by the tests and the
# benchmarks.
#   scripts/with_cluster.sh CMD...               edupredict preloaded
#   scripts/with_cluster.sh --no-preload CMD...  PostgreSQL's defaults
# The cluster listens on no TCP port: its socket is in a directory of its own,
# which PGHOST names, so clusters started at the same moment never collide.
# (A TCP port that looked free was handed to two clusters started together,
# and only one came up; 10 of 12 failed when 6 started at once.)  Local
# connections are trusted, as in PostgreSQL's own make check: the directory
# is the server user's, mode 0700.
set -euo pipefail
cd "$(dirname "$0")/.."
opts=(-o shared_preload_libraries=edupredict -o max_parallel_workers_per_gather=2
      -o work_mem=64MB -o shared_buffers=256MB)
if [ "${1:-}" = --no-preload ]; then
  opts=()
  shift
fi
sock=$(mktemp -d -t edupredict-socket.XXXXXX)
# a signal waits for pg_virtualenv (which drops the cluster), then the directory goes
trap 'rm -rf "$sock"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 700 "$sock"
[ "$(id -u)" -ne 0 ] || chown postgres: "$sock"
PGPORT=5432 pg_virtualenv -t -v 15 -i '--auth-local=trust --auth-host=scram-sha-256' \
  -o 'listen_addresses= ' -o unix_socket_directories="$sock" "${opts[@]}" \
  env PGHOST="$sock" "$@"
