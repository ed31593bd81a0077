#!/usr/bin/env bash
# Runs inside a throwaway preloaded cluster (scripts/with_cluster.sh): puts a
# key in the configuration file, changes it with a reload, sets one with
# statement logging on, and checks that no key value reached the server log.
set -uo pipefail
summary=$1
conf_root=${PG_CLUSTER_CONF_ROOT:?run me under pg_virtualenv}
conf="$conf_root/15/regress/postgresql.conf"
log="$(dirname "$conf_root")/log/postgresql-15-regress.log"
k1="file-key-one-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
k2="file-key-two-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
k3="session-key-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
q() { psql -XAtq -v ON_ERROR_STOP=1 -d postgres "$@"; }

ok=1
echo "edupredict.pii_key = '$k1'" >>"$conf"
q -c "SELECT pg_reload_conf()" >/dev/null; sleep 1
echo "edupredict.pii_key = '$k2'" >>"$conf"
q -c "SELECT pg_reload_conf()" >/dev/null; sleep 1
q -c "CREATE EXTENSION IF NOT EXISTS edupredict CASCADE" >/dev/null 2>&1
[ "$(q -c "SELECT length(edupredict.sha256_pii('x'))")" = 64 ] || { echo "key from the file not in use"; ok=0; }
q -c "SET log_statement = 'all'" -c "SET log_min_duration_statement = 0" \
  -c "SET edupredict.pii_key = '$k3'" -c "SELECT edupredict.sha256_pii('x')" >/dev/null
q -c "SET log_min_error_statement = 'error'" -c "SET edupredict.pii_key = '$k3'" \
  -c "SELECT 1/0 AS \"$k3\"" >/dev/null 2>&1
sleep 1
grep -q 'parameter "edupredict.pii_key" changed' "$log" || { echo "reload message not found in $log"; ok=0; }
for k in "$k1" "$k2" "$k3"; do
  if grep -n -- "$k" "$log"; then echo "key value found in the server log"; ok=0; fi
done
if [ $ok = 1 ]; then echo "ok log:pii-key-redacted" >>"$summary"; else echo "FAILED log:pii-key-redacted" >>"$summary"; fi
