#!/usr/bin/env bash
# The PostgreSQL-facing code under AddressSanitizer and UndefinedBehaviorSanitizer,
# inside a real backend (on demand; neither scripts/test.sh nor CI calls it).
# Copies the checkout (committed and changed files) to a work folder, builds it
# there with -fsanitize=address,undefined, installs it into a private copy of
# the PostgreSQL 15 tree (never into the shared install, so it takes no lock
# and other runs never load this build), starts a private cluster whose
# postgres runs with gcc's libasan and libubsan in LD_PRELOAD (the server
# binary is not instrumented), and runs there the pg_regress, pgTAP and
# isolation tests PATTERN selects (scripts/run_tests.sh) and, unless
# SANITIZE_SQLFUZZ=0, the SQL-argument fuzz (test/fuzz/sql_args.sh).
# ASan's reports land in $SANITIZE_OUT/reports/asan.<pid> (leak detection is
# off: memory contexts free in bulk, so leak reports are noise), UBSan's in the
# server log, $SANITIZE_OUT/log/server.log.  ASan sees malloc'd blocks, the
# stack and globals: an overrun inside a memory context's block (palloc chunks
# share one malloc) goes unseen unless it leaves the block.  Ends with the
# test summary and the number of reports; exits non-zero on a report or a
# failed test.  The whole suite takes about 12 minutes on 2 cores.
#   scripts/sanitize.sh [PATTERN...]   SANITIZE_OUT defaults to /tmp/edupredict-sanitize
# How it relocates: postgres finds its share and lib directories relative to
# its own binary, so a copy of bin/ under a DESTDIR-style root reads
# $root/usr/share/postgresql/15 and $root/usr/lib/postgresql/15/lib, which
# hold symbolic links to the real files plus this build of edupredict.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. scripts/lib.sh
. scripts/test_plan.sh
pattern="$*"
out=${SANITIZE_OUT:-/tmp/edupredict-sanitize}
flags='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined'
start=$(date +%s)
root=$out/root

pg_ctl_stop() { [ -f "$out/data/postmaster.pid" ] && as_pg "$root$PGBIN/pg_ctl" -D "$out/data" -m immediate stop >/dev/null 2>&1; }
trap 'pg_ctl_stop' EXIT
# as_pg CMD...: runs CMD as the server's user (initdb refuses root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

rm -rf "$out" && mkdir -p "$out/src" "$out/reports" "$out/sock" "$out/log" || exit 1
git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t "$out/src" 2>/dev/null
echo "==> building with $flags"
(cd "$out/src" && make -s PG_CONFIG="$PG_CONFIG" -j2 COPT="$flags" &&
   make -s PG_CONFIG="$PG_CONFIG" COPT="$flags" install DESTDIR="$out/stage" >/dev/null) || exit 1

# The private tree: bin/ copied, share/ and lib/ linked entry by entry, with
# this build's files in place of the installed edupredict.
sharedir=$("$PG_CONFIG" --sharedir) pkglibdir=$("$PG_CONFIG" --pkglibdir)
mkdir -p "$root$PGBIN" "$root$sharedir/extension" "$root$pkglibdir" || exit 1
cp -a "$PGBIN"/. "$root$PGBIN"/
for f in "$sharedir"/*; do [ "${f##*/}" = extension ] || ln -s "$f" "$root$sharedir/"; done
for f in "$sharedir"/extension/*; do case ${f##*/} in edupredict*) ;; *) ln -s "$f" "$root$sharedir/extension/" ;; esac; done
for f in "$pkglibdir"/*; do case ${f##*/} in edupredict*|bitcode) ;; *) ln -s "$f" "$root$pkglibdir/" ;; esac; done
cp "$out/stage$sharedir"/extension/edupredict* "$root$sharedir/extension/" &&
  cp "$out/stage$pkglibdir/edupredict.so" "$root$pkglibdir/" || exit 1
mkdir -p "$out/data" && chmod 700 "$out/data"
[ "$(id -u)" -ne 0 ] || chown -R postgres: "$out/reports" "$out/sock" "$out/data" "$out/log"
chmod 700 "$out/sock"
chmod -R a+rX "$out"

echo "==> starting a cluster with libasan and libubsan preloaded"
as_pg "$root$PGBIN/initdb" -D "$out/data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >"$out/initdb.log" 2>&1 || { cat "$out/initdb.log"; exit 1; }
# libgpg-error's constructor (postgres links it through libsystemd) runs before
# libasan's and calls bindtextdomain, whose first malloc starts ASan with
# glibc's _nl_state_lock held; ASan's start calls dlerror, which takes the lock
# again, and the next bindtextdomain (postgres's own) waits for ever.  This
# shim, preloaded after libasan, starts ASan outside the lock.
cat >"$out/shim.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
char *bindtextdomain(const char *domain, const char *dir)
{
	static char *(*real) (const char *, const char *);
	void *volatile p = malloc(1);

	free(p);
	if (real == NULL)
		real = (char *(*) (const char *, const char *)) dlsym(RTLD_NEXT, "bindtextdomain");
	return real(domain, dir);
}
EOF
gcc -shared -fPIC -O1 -o "$out/shim.so" "$out/shim.c" -ldl || exit 1
preload="$(gcc -print-file-name=libasan.so):$out/shim.so:$(gcc -print-file-name=libubsan.so)"
as_pg env LD_PRELOAD="$preload" \
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:print_stacktrace=1:log_path=$out/reports/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$out/reports/asan" \
  "$root$PGBIN/pg_ctl" -D "$out/data" -l "$out/log/server.log" -w -t 120 start \
  -o "-c listen_addresses= -c unix_socket_directories=$out/sock -c shared_preload_libraries=edupredict \
      -c max_parallel_workers_per_gather=2 -c work_mem=64MB -c shared_buffers=256MB -c jit=off" >/dev/null || {
  tail -20 "$out/log/server.log"; exit 1; }
export PGHOST=$out/sock PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
# the loaded library is this build's
psql -XAtq -c "LOAD 'edupredict'" -c "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'" | grep -qF "$root" || {
  echo "the private cluster does not read $root"; exit 1; }

PLAN=$out/plan SUMMARY=$out/summary
: >"$SUMMARY"
plan_files "$pattern" | grep -v '^docs:' >"$PLAN"
[ "${SANITIZE_SQLFUZZ:-1}" = 0 ] || ! plan_selects "$pattern" fuzz:sql-args fuzz:sql-args || echo fuzz:sql-args >>"$PLAN"
if grep -Eq '^(regress|pgtap|isolation):' "$PLAN"; then
  echo "==> regress, pgTAP, isolation"
  (cd "$out/src" && scripts/run_tests.sh "$pattern" "$SUMMARY")
fi
if grep -qx fuzz:sql-args "$PLAN"; then
  echo "==> fuzz:sql-args"
  if (cd "$out/src" && SQLFUZZ_IN_CLUSTER=1 test/fuzz/sql_args.sh); then record ok fuzz:sql-args; else record FAILED fuzz:sql-args "exit status $?"; fi
fi
pg_ctl_stop

echo "==> sanitizer reports ($(( ($(date +%s) - start) / 60 )) min)"
# ASan writes to log_path; UBSan, loaded beside it, writes to the server log.
reports=("$out"/reports/asan.*)
[ -e "${reports[0]}" ] || reports=()
grep -h -E 'ERROR: AddressSanitizer|runtime error:' "${reports[@]}" "$out/log/server.log" | sort | uniq -c | sort -rn | head -40
found=$(cat "${reports[@]}" "$out/log/server.log" | grep -c -E 'ERROR: AddressSanitizer|runtime error:')
echo "$found sanitizer report(s): $out/reports, $out/log/server.log"
summarise "$PLAN" "$SUMMARY"
rc=$?
[ "$found" -eq 0 ] || rc=1
exit $rc
