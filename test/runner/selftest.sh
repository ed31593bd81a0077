#!/usr/bin/env bash
# Guards the test runner itself (scripts/test_plan.sh, scripts/doc_blocks.awk):
# on a fake test tree in a temporary folder, every test file is planned (names
# with '-', '.', '+' or spaces included), a test that does not report, fails,
# or reports "skip" is counted as failed, a missing, non-executable or hung
# script fails its step, and pg_regress output in both formats is read.  No cluster.
# Prints each check that went wrong; exits non-zero if any did.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/test_plan.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
check() {   # check WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] && return 0
  printf 'selftest: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
  bad=1
}

# --- the plan: every test file of a fake tree ---
tree=$tmp/tree
mkdir -p "$tree"/{sql,expected,test/pgtap,test/isolation/specs,test/isolation/stray,docs}
touch "$tree"/sql/{alpha.sql,beta-gamma.sql,"with space.sql",v1.2.sql,edupredict--0.1.0.sql,edupredict--0.1.0--0.2.0.sql} \
      "$tree"/test/pgtap/{t-1.sql,c+d.sql} "$tree"/test/isolation/specs/race-drop.spec \
      "$tree"/test/isolation/stray/lost.spec "$tree"/README.md "$tree"/docs/a-b.md "$tree"/sql/notes.txt
want='regress:alpha
regress:beta-gamma
regress:v1.2
regress:with space
pgtap:c+d
pgtap:t-1
isolation:race-drop
isolation:lost
docs:README.md
docs:a-b.md'
check "plan of the fake tree" "$(sort <<<"$want")" "$(cd "$tree" && plan_files '' | sort)"
check "plan for pattern 'gamma'" "regress:beta-gamma" "$(cd "$tree" && plan_files gamma)"
check "plan for pattern 'pgtap'" $'pgtap:c+d\npgtap:t-1' "$(cd "$tree" && plan_files pgtap)"
check "plan for pattern 'docs'" $'docs:README.md\ndocs:a-b.md' "$(cd "$tree" && plan_files docs)"
check "plan for patterns 'alpha t-1'" $'regress:alpha\npgtap:t-1' "$(cd "$tree" && plan_files 'alpha t-1')"

# --- counting ---
count() {   # count PLAN-LINES SUMMARY-LINES -> last line and exit status
  printf '%s' "$1" >"$tmp/plan"; printf '%s' "$2" >"$tmp/summary"
  local out rc=0
  out=$(summarise "$tmp/plan" "$tmp/summary") || rc=$?
  printf '%s | exit %s' "$(tail -n 1 <<<"$out")" "$([ $rc -eq 0 ] && echo 0 || echo non-zero)"
}
check "all planned tests pass" "2 passed, 0 failed | exit 0" "$(count $'a\nb-c\n' $'ok a\nok b-c\n')"
check "a planned test that never reports" "1 passed, 1 failed | exit non-zero" "$(count $'a\nb\n' $'ok a\n')"
check "ok and FAILED for one name" "0 passed, 1 failed | exit non-zero" "$(count $'a\n' $'ok a\nFAILED a -- exit status 1\n')"
check "a 'skip' line is not a pass" "0 passed, 1 failed | exit non-zero" "$(count $'a\n' $'skip a\n')"
check "a failure outside the plan" "1 passed, 1 failed | exit non-zero" "$(count $'a\n' $'ok a\nFAILED run:x -- exit status 2\n')"
check "a name with spaces and a reason" "1 passed, 0 failed | exit 0" "$(count $'regress:with space\n' $'ok regress:with space\n')"
check "nothing ran" "0 passed, 0 failed | exit non-zero" "$(count '' '')"
printf 'x\n' >"$tmp/plan"; : >"$tmp/summary"
check "the reason is printed" "FAILED x (no result: it did not run or did not report)" "$(summarise "$tmp/plan" "$tmp/summary" | head -1)"

# --- steps: a failing, missing or non-executable command fails ---
PLAN=$tmp/plan SUMMARY=$tmp/summary
printf '%s\n' fails missing noexec works >"$PLAN"; : >"$SUMMARY"
printf '#!/bin/sh\nexit 0\n' >"$tmp/noexec.sh"; chmod -x "$tmp/noexec.sh"
run_step fails false >/dev/null
run_step missing "$tmp/no-such-script.sh" >/dev/null 2>&1
run_step noexec "$tmp/noexec.sh" >/dev/null 2>&1
run_step works true >/dev/null
run_step not-in-plan false >/dev/null
echo hangs >>"$PLAN"
STEP_TIMEOUT=1 run_step hangs sleep 30 >/dev/null
check "step results" "FAILED fails -- exit status 1
FAILED missing -- exit status 127
FAILED noexec -- exit status 126
ok works
FAILED hangs -- timed out after 1 s" "$(cat "$SUMMARY")"

# --- pg_regress output (PostgreSQL 15 and 16 formats) ---
check "pg_regress output" "ok regress:alpha
FAILED regress:beta-gamma -- output differs from the expected file
ok regress:v1.2
FAILED regress:x_y -- output differs from the expected file
ok regress:a-b
FAILED regress:c.d -- output differs from the expected file" "$(parse_regress_output regress: <<'OUT'
============== running regression test queries        ==============
test alpha                        ... ok          330 ms
test beta-gamma                   ... FAILED       30 ms
     v1.2                         ... ok           44 ms
     x_y                          ... failed (ignored)       44 ms
ok 1         - a-b                                        12 ms
not ok 2     + c.d                                        15 ms
 All 1 tests passed.
OUT
)"

# --- documentation blocks and their markers ---
mkdir "$tmp/blocks"
cat >"$tmp/doc.md" <<'MD'
Text.
```sql
SELECT 1;
```
<!-- doc-test: skip: needs a file -->
```sql
COPY x FROM '/nowhere';
```
```sql
SELECT 2;
```

<!-- doc-test: empty database -->

```sql
CREATE EXTENSION edupredict;
```
```sh
echo not sql
```
<!-- doc-test: skp: typo -->
```sql
SELECT 3;
```
```sql
SELECT 4;
MD
awk -v dir="$tmp/blocks" -f "$root/scripts/doc_blocks.awk" "$tmp/doc.md"
check "doc blocks" "001	2	run	
002	6	skip	needs a file
003	9	run	
004	15	empty	
005	22	bad	unknown doc-test marker: <!-- doc-test: skp: typo -->
006	25	bad	unterminated code block" "$(cat "$tmp/blocks/list")"
check "doc block text" "SELECT 2;" "$(cat "$tmp/blocks/003.sql")"

[ $bad -eq 0 ] && echo "selftest: the runner counts every kind of failure"
exit $bad
