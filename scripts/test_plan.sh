# The test runner's bookkeeping, sourced by scripts/test.sh, scripts/run_tests.sh
# and test/runner/selftest.sh (which runs it on a fake tree).
#
# The runner first writes a PLAN: the name of every test and step that must
# report (every file found, not only those that happen to run).  Tests and steps
# append result lines to a SUMMARY file:
#     ok NAME            or      FAILED NAME -- reason (optional)
# summarise counts each name of the plan and of the summary once: failed when it
# has any FAILED line OR NO LINE AT ALL (it did not run or did not report),
# passed when it has only ok lines.  Anything that is not "ok" is a failure.
#
# Names: regress:<name> (sql/<name>.sql), pgtap:<name> (test/pgtap/<name>.sql),
# isolation:<name> (test/isolation/specs/<name>.spec), docs:<file> (README.md and
# docs/<file>.md), and the steps of scripts/test.sh (lint:..., fuzz, ...).

# Does PATTERNS (words separated by spaces) select this test?  Every test is
# selected by no pattern; otherwise when its file path or its reported name
# contains one of the words.
plan_selects() {
  local path=$2 name=$3 p words
  read -ra words <<<"$1"
  [ ${#words[@]} -eq 0 ] && return 0
  for p in "${words[@]}"; do
    [[ $path == *"$p"* || $name == *"$p"* ]] && return 0
  done
  return 1
}

# Prints the name of every test file under the current directory that PATTERNS
# select, one per line.  Globs, not ls: any character in a file name counts.
plan_files() {
  local pattern=${1:-} f n
  for f in sql/*.sql; do
    [ -e "$f" ] || continue
    n=${f#sql/}; n=${n%.sql}
    case $n in edupredict--*) continue ;; esac   # the install scripts
    plan_selects "$pattern" "$f" "regress:$n" && printf 'regress:%s\n' "$n"
  done
  for f in test/pgtap/*.sql; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .sql)
    plan_selects "$pattern" "$f" "pgtap:$n" && printf 'pgtap:%s\n' "$n"
  done
  # every spec anywhere under test/isolation, so a misplaced one fails loudly
  if [ -d test/isolation ]; then
    while IFS= read -r -d '' f; do
      n=$(basename "$f" .spec)
      plan_selects "$pattern" "$f" "isolation:$n" && printf 'isolation:%s\n' "$n"
    done < <(find test/isolation -name '*.spec' -print0 | sort -z)
  fi
  for f in README.md docs/*.md; do
    [ -e "$f" ] || continue
    n=$(basename "$f")
    plan_selects "$pattern" "$f" "docs:$n" && printf 'docs:%s\n' "$n"
  done
  return 0
}

# Appends "ok NAME" or "FAILED NAME -- reason" to $SUMMARY.
record() {
  local status=$1 name=$2 reason=${3:-}
  if [ -n "$reason" ]; then
    printf '%s %s -- %s\n' "$status" "$name" "$reason" >>"$SUMMARY"
  else
    printf '%s %s\n' "$status" "$name" >>"$SUMMARY"
  fi
}

# run_guarded CMD...: runs CMD without the lock's file descriptor 9 (a server
# it starts must not hold the machine lock) and, unless it is a shell
# function, stops it after $STEP_TIMEOUT seconds (exit status 124): a hung
# test is a failure, not a suite that never ends.
STEP_TIMEOUT=${EDUPREDICT_STEP_TIMEOUT:-900}
run_guarded() {
  if [ "$(type -t "$1")" = function ]; then "$@" 9>&-; else timeout -k 30 "$STEP_TIMEOUT" "$@" 9>&-; fi
}

# why_failed STATUS: the reason recorded for a non-zero exit status.
why_failed() {
  if [ "$1" -eq 124 ]; then echo "timed out after $STEP_TIMEOUT s"; else echo "exit status $1"; fi
}

# run_step NAME CMD...: runs CMD if NAME is in $PLAN; its exit status is the
# result.  A missing or non-executable command fails (exit 127 or 126), it is
# never skipped.
run_step() {
  local name=$1 rc=0
  shift
  grep -qxF -- "$name" "$PLAN" || return 0
  echo "==> $name"
  run_guarded "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then record ok "$name"; else record FAILED "$name" "$(why_failed $rc)"; fi
  return 0
}

# Prints pg_regress / pg_isolation_regress result lines (read on stdin) as
# summary lines with the given prefix.  Accepts PostgreSQL 15's format
# ("test name ... ok", "     name ... FAILED") and 16's ("ok 1 - name",
# "not ok 2 - name"); a test name is anything without white space.
parse_regress_output() {
  local prefix=$1
  sed -nE \
    -e "s/^(test )? *([^ ]+) +\.\.\. +ok( |\$).*/ok ${prefix}\2/p" \
    -e "s/^(test )? *([^ ]+) +\.\.\. +(FAILED|failed).*/FAILED ${prefix}\2 -- output differs from the expected file/p" \
    -e "s/^ok +[0-9]+ +[-+] +([^ ]+).*/ok ${prefix}\1/p" \
    -e "s/^not ok +[0-9]+ +[-+] +([^ ]+).*/FAILED ${prefix}\1 -- output differs from the expected file/p"
}

# summarise PLAN SUMMARY: prints every failure with its reason, then
# "N passed, N failed"; returns non-zero on any failure or when nothing passed.
summarise() {
  local plan=$1 summary=$2 line
  awk -v PLAN="$plan" '
    function note(name) { if (!(name in seen)) { seen[name] = 1; order[++n] = name } }
    FILENAME == PLAN { if ($0 != "") note($0); next }
    /^ok / { name = substr($0, 4); sub(/ -- .*/, "", name); note(name); ok[name] = 1; next }
    /^FAILED / {
      name = substr($0, 8); reason = ""
      if ((i = index(name, " -- ")) > 0) { reason = substr(name, i + 4); name = substr(name, 1, i - 1) }
      note(name); bad[name] = bad[name] (bad[name] == "" ? "" : "; ") (reason == "" ? "failed" : reason)
    }
    END {
      for (k = 1; k <= n; k++) {
        name = order[k]
        if (name in bad) { failed++; print "FAILED " name " (" bad[name] ")" }
        else if (name in ok) passed++
        else { failed++; print "FAILED " name " (no result: it did not run or did not report)" }
      }
      printf "%d passed, %d failed\n", passed, failed
    }' "$plan" "$summary" | tee "$summary.counted"
  line=$(tail -n 1 "$summary.counted")
  rm -f "$summary.counted"
  [[ $line =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]
}
