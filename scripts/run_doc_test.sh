#!/usr/bin/env bash
# Runs inside a throwaway preloaded cluster (scripts/with_cluster.sh): builds
# the demo database the way scripts/demo.sh does (scripts/demo_build.sh; its
# files go to a temporary folder, never to out/), then runs every ```sql block
# of README.md and docs/*.md as written, in order, each document in its own
# fresh copy of the demo database (CREATE DATABASE ... TEMPLATE) so one
# document's examples cannot break another's.  A block fails on any error.
# Appends "ok docs:FILE" or "FAILED docs:FILE -- reason" to the summary.
#   scripts/run_doc_test.sh PATTERN SUMMARY
# Markers on the line before a block (keep them rare; see scripts/doc_blocks.awk):
# `<!-- doc-test: empty database -->` runs it in a new, empty database (e.g.
# CREATE EXTENSION); `<!-- doc-test: skip: REASON -->` does not run it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/lib.sh
. scripts/test_plan.sh
pattern=$1
SUMMARY=$2
docs=$(plan_files "$pattern" | sed -n 's/^docs://p')
[ -n "$docs" ] || exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 "$@" </dev/null; }

fail_all() {
  while IFS= read -r d; do record FAILED "docs:$d" "$1"; done <<<"$docs"
  exit 0
}

# The demo cluster has a PII key in its configuration (demo/10_pii.sql needs one).
conf=${PG_CLUSTER_CONF_ROOT:?run me under pg_virtualenv}/15/regress/postgresql.conf
echo "edupredict.pii_key = 'doc-test-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')'" >>"$conf"
q -d postgres -c "SELECT pg_reload_conf()" >/dev/null || fail_all "could not set the PII key"

echo "docs: building the demo database (log in the test's temporary folder)"
if ! { q -d postgres -c "CREATE DATABASE edupredict_demo" &&
       q -d edupredict_demo -c "CREATE EXTENSION edupredict CASCADE" &&
       scripts/demo_build.sh "$work/out" psql -X -q -d edupredict_demo; } >"$work/demo.log" 2>&1; then
  tail -40 "$work/demo.log"
  fail_all "the demo database could not be built (scripts/demo_build.sh)"
fi
ln -s "$root/data" "$work/data"   # blocks run where data/ and out/ are the demo's

n=0
while IFS= read -r d; do
  if [ "$d" = README.md ]; then file=README.md; else file=docs/$d; fi
  n=$((n + 1))
  blocks=$work/blocks$n
  mkdir "$blocks" && : >"$blocks/list"
  awk -v dir="$blocks" -f scripts/doc_blocks.awk "$file"
  db=edupredict_doc$n
  q -d postgres -c "CREATE DATABASE $db TEMPLATE edupredict_demo" >/dev/null ||
    { record FAILED "docs:$d" "could not copy the demo database"; continue; }
  bad=()
  while IFS=$'\t' read -r k line mode why; do
    target=$db
    case $mode in
      skip) echo "docs: $file:$line not run ($why)"; continue ;;
      bad) echo "docs: $file:$line: $why"; bad+=("$file:$line"); continue ;;
      empty) target=${db}_empty
             q -d postgres -c "CREATE DATABASE $target" >/dev/null ;;
    esac
    if (cd "$work" && q -d "$target" -f "$blocks/$k.sql" >"$blocks/$k.out" 2>"$blocks/$k.err"); then
      echo "docs: $file:$line ok"
    else
      echo "docs: $file:$line FAILED:"
      # psql names the block file and its line: show the document's line instead
      awk -v f="$blocks/$k.sql:" -v doc="$file" -v at="$line" '
        { if ((i = index($0, f)) > 0) { rest = substr($0, i + length(f)); n = rest + 0
            sub(/^[0-9]+/, "", rest); $0 = substr($0, 1, i - 1) doc ":" (at + n) rest }
          print "    " $0 }' "$blocks/$k.err" | head -20
      bad+=("$file:$line")
    fi
    [ "$mode" = empty ] && q -d postgres -c "DROP DATABASE $target" >/dev/null
  done <"$blocks/list"
  q -d postgres -c "DROP DATABASE $db" >/dev/null
  if [ ${#bad[@]} -eq 0 ]; then record ok "docs:$d"; else record FAILED "docs:$d" "blocks at ${bad[*]}"; fi
done <<<"$docs"
exit 0
