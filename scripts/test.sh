#!/usr/bin/env bash
# README command 2: installs what is missing, builds with warnings as errors,
# checks the build's header dependencies (make -n), and runs every test in
# throwaway clusters: lint, the runner's self-tests, pg_regress, pgTAP,
# isolation specs, the PII log check, the no-preload check, the SQL blocks of
# README.md and docs/*.md on the demo database, the fuzz run, the fuzz of every
# SQL function's arguments.
# Every test file and step that must report is planned first (see
# scripts/test_plan.sh): one that fails, exits non-zero or never reports counts
# as failed.  Ends with "N passed, N failed"; exits non-zero on any failure.
#   scripts/test.sh            everything
#   scripts/test.sh PATTERN... only the test files and steps whose path or name
#                              contains a PATTERN (e.g. forest, pgtap, docs, fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/test_plan.sh

pattern="$*"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
PLAN=$results/plan SUMMARY=$results/summary
: >"$SUMMARY"

# The plan: every test file and step PATTERN selects must report (see
# scripts/test_plan.sh); one that does not is counted as failed.
STEPS=(build build:header-deps lint:sql-labels lint:messages lint:install-script-committed lint:mutation-list selftest:runner selftest:as-root
       log:pii-key-redacted script:pii-key-switch script:pii-key-file regress:nopreload fuzz fuzz:sql-args)
{
  for s in "${STEPS[@]}"; do
    [ "$s" = build ] || plan_selects "$pattern" "$s" "$s" && echo "$s"
  done
  plan_files "$pattern"
} >"$PLAN"
[ "$(cat "$PLAN")" != build ] || record FAILED "pattern:$pattern" "no test file or step matches it"

# The released base script is frozen; the committed upgrade script must be the
# one make assembles from sql/update/.
install_script_committed() {
  [ "$(sha256sum sql/edupredict--0.1.0.sql | cut -c1-64)" = 8854519190dade2b6eee813987f21408fbdfb5e980ee3e3bd1dee66b0b6bbe2c ] &&
    { ! git rev-parse --git-dir >/dev/null 2>&1 || git diff --quiet -- 'sql/edupredict--*.sql'; } && return 0
  echo "sql/edupredict--0.1.0.sql was edited (it is released), or an upgrade script differs from its fragments: commit the file make assembled"
  return 1
}
build() { ensure_packages "${CORE_PACKAGES[@]}" && build_and_install; }
# run_group NAME KINDS CMD...: CMD reports the planned test files of KINDS (an
# extended regex: regress|pgtap); it runs when the plan holds one, and a
# non-zero exit is one more failure, NAME.
run_group() {
  local name=$1 kinds=$2 rc=0
  shift 2
  grep -Eq "^($kinds):" <<<"$(plan_files "$pattern")" || return 0
  echo "==> $name"
  run_guarded "$@" || rc=$?
  [ "$rc" -eq 0 ] || record FAILED "$name" "$(why_failed $rc)"
}

# One install directory per machine: serialise concurrent runs.
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9

run_step build build
if grep -qx 'ok build' "$SUMMARY"; then
  # a changed header of src/ rebuilds exactly the objects (and bitcode) that include it (make -n)
  run_step build:header-deps scripts/check_header_deps.sh
  run_step lint:sql-labels scripts/lint_sql.sh
  run_step lint:messages scripts/lint_messages.sh
  run_step lint:install-script-committed install_script_committed
  # every mutation of test/mutation/mutations.toml still finds its text once (a refactor can strand one)
  run_step lint:mutation-list /usr/bin/python3 test/mutation/run.py --check
  run_step selftest:runner test/runner/selftest.sh
  run_step selftest:as-root test/runner/as_root.sh

  # pg_regress, pgTAP and isolation tests in a cluster with edupredict preloaded
  run_group cluster-tests 'regress|pgtap|isolation' scripts/with_cluster.sh scripts/run_tests.sh "$pattern" "$SUMMARY"

  # the PII key kept out of the server log
  run_step log:pii-key-redacted scripts/with_cluster.sh scripts/run_log_test.sh "$SUMMARY"

  # a cluster without shared_preload_libraries
  run_step regress:nopreload scripts/with_cluster.sh --no-preload scripts/run_nopreload_test.sh "$SUMMARY"

  # the SQL examples of README.md and docs/*.md on the demo database
  run_group doc-tests docs scripts/with_cluster.sh scripts/run_doc_test.sh "$pattern" "$SUMMARY"

  # fuzzing the model deserialiser (bounded run)
  run_step fuzz test/fuzz/run.sh
  # every SQL function called with hostile arguments: no crash, no class-XX error
  run_step fuzz:sql-args test/fuzz/sql_args.sh
fi

summarise "$PLAN" "$SUMMARY"
