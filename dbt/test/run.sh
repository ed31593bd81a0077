#!/usr/bin/env bash
# Tests dbt/example without dbt-core (docs: dbt/README.md): loads the raw tables, compiles every
# model with Debian's python3-jinja2 and the stand-in for dbt's context (dbt/test/dbt_standin.py),
# runs the compiled SQL in dependency order against the database of DEMO_PSQL, runs it all a second
# time (the incremental model must add no rows for the same term), and checks the results.
#   DEMO_PSQL='psql -d edupredict' OUT=out dbt/test/run.sh     (demo/60_dbt.sh does this)
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DEMO_PSQL:?a psql command line for the database}"
out=${OUT:-out}/dbt_compiled
q() { $DEMO_PSQL -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }
q "DROP SCHEMA IF EXISTS dbt_demo CASCADE; DROP SCHEMA IF EXISTS dbt_raw CASCADE;" 2>/dev/null
echo "==> raw tables: generate_tutor_data('dbt_raw', seed => 42)"
q "SELECT count(*) FROM edupredict.generate_tutor_data('dbt_raw', seed => 42)" >/dev/null
echo "==> first run"
/usr/bin/python3 dbt/test/dbt_standin.py dbt/example dbt/edupredict "$out"
first=$(q "SELECT count(*) FROM dbt_demo.availability_scores")
echo "==> second run (incremental: no new rows for the same term)"
/usr/bin/python3 dbt/test/dbt_standin.py dbt/example dbt/edupredict "$out"
second=$(q "SELECT count(*) FROM dbt_demo.availability_scores")
checks=$(q "SELECT
  (SELECT count(*) FROM dbt_demo.stg_tutors WHERE email_pseudonym !~ '^[0-9a-f]{64}\$' OR name_pseudonym !~ '^[0-9a-f]{64}\$') = 0
  AND (SELECT count(*) FROM dbt_demo.tutor_features) > 0
  AND (SELECT count(*) FROM dbt_demo.placement_scores WHERE p_placed_next_term BETWEEN 0 AND 1) = (SELECT count(*) FROM dbt_demo.tutor_features)
  AND (SELECT count(DISTINCT local_authority) FROM dbt_demo.supply_demand) > 40
  AND (SELECT bool_and(abs(expected_tutors - known_tutors - recruit_tutors) < 1e-9) FROM dbt_demo.supply_demand)
  AND (SELECT count(*) FROM dbt_demo.tableau_supply_safe WHERE NOT \"Suppressed\" AND \"Expected tutors\" < 5) = 0
  AND (SELECT count(*) FROM dbt_demo.tableau_supply_demand) = (SELECT count(*) FROM dbt_demo.supply_demand)
  AND (SELECT count(*) FROM dbt_demo.tableau_supply_demand v JOIN dbt_demo.supply_demand s
       ON s.local_authority = v.\"Local authority\" AND s.term::text = v.\"Term\"
       WHERE v.\"Placements per tutor\" IS NOT DISTINCT FROM
             CASE WHEN s.expected_tutors > 0 THEN round((s.expected_placements / s.expected_tutors)::numeric, 2) END)
      = (SELECT count(*) FROM dbt_demo.supply_demand)
  AND (SELECT count(DISTINCT name) FROM edupredict.models WHERE name LIKE 'dbt\_availability\_h_') = 3")
if [ "$first" -gt 0 ] && [ "$first" = "$second" ] && [ "$checks" = t ]; then
  echo "dbt example: ok ($first availability scores; compiled SQL in $out)"
else
  echo "dbt example: FAILED (scores $first then $second; checks $checks)"; exit 1
fi
