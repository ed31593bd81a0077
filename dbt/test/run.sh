#!/usr/bin/env bash
# Tests dbt/example without dbt-core (docs: dbt/README.md): loads the raw tables, compiles every
# model with Debian's python3-jinja2 and the stand-in for dbt's context (dbt/test/dbt_standin.py),
# runs the compiled SQL in dependency order against the database of DEMO_PSQL, erases one tutor from
# the raw tables, runs it all a second time (the incremental model must add no rows for the same term
# and drop the erased tutor's), and checks the results.
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
# A tutor erased from the raw tables (a request under UK GDPR, or one who left): the second run must
# drop that tutor's scores and leave every other row as it was (nothing added for the same term).
scores() { q "SELECT count(*) || ' ' || md5(string_agg(s::text, ',' ORDER BY s.tutor_id, s.as_of, s.horizon))
              FROM dbt_demo.availability_scores s WHERE s.tutor_id <> $gone"; }
gone=$(q "SELECT min(tutor_id) FROM dbt_demo.availability_scores")
gone_rows=$(q "SELECT count(*) FROM dbt_demo.availability_scores WHERE tutor_id = $gone")
kept=$(scores)
echo "==> erasing tutor $gone from the raw tables ($gone_rows availability scores)"
q "DELETE FROM dbt_raw.true_availability WHERE tutor_id = $gone; DELETE FROM dbt_raw.availability_responses WHERE tutor_id = $gone;
   DELETE FROM dbt_raw.placements WHERE tutor_id = $gone; DELETE FROM dbt_raw.tutors WHERE tutor_id = $gone;"
echo "==> second run (incremental: no new rows for the same term, the erased tutor's rows removed)"
/usr/bin/python3 dbt/test/dbt_standin.py dbt/example dbt/edupredict "$out"
second=$(q "SELECT count(*) FROM dbt_demo.availability_scores")
left=$(q "SELECT count(*) FROM dbt_demo.availability_scores WHERE tutor_id = $gone")
checks=$(q "SELECT
  (SELECT count(*) FROM dbt_demo.stg_tutors WHERE email_pseudonym !~ '^[0-9a-f]{64}\$' OR name_pseudonym !~ '^[0-9a-f]{64}\$') = 0
  AND (SELECT count(*) FROM dbt_demo.tutor_features) > 0
  AND (SELECT count(*) FROM dbt_demo.placement_scores WHERE p_placed_next_term BETWEEN 0 AND 1) = (SELECT count(*) FROM dbt_demo.tutor_features)
  AND (SELECT count(DISTINCT local_authority) FROM dbt_demo.supply_demand) > 40
  AND (SELECT count(DISTINCT tutor_id) FROM dbt_demo.availability_scores) = (SELECT count(*) FROM dbt_demo.stg_tutors)
  AND NOT EXISTS (SELECT FROM dbt_demo.availability_scores s
                  WHERE NOT EXISTS (SELECT FROM dbt_demo.stg_tutors t WHERE t.tutor_id = s.tutor_id))
  AND (SELECT bool_and(abs(expected_tutors - known_tutors - recruit_tutors) < 1e-9) FROM dbt_demo.supply_demand)
  AND (SELECT count(*) FROM dbt_demo.tableau_supply_safe WHERE NOT \"Suppressed\" AND \"Expected tutors\" < 5) = 0
  AND (SELECT count(*) FROM dbt_demo.tableau_supply_demand) = (SELECT count(*) FROM dbt_demo.supply_demand)
  AND (SELECT count(*) FROM dbt_demo.tableau_supply_demand v JOIN dbt_demo.supply_demand s
       ON s.local_authority = v.\"Local authority\" AND s.term::text = v.\"Term\"
       WHERE v.\"Placements per tutor\" IS NOT DISTINCT FROM
             CASE WHEN s.expected_tutors > 0 THEN round((s.expected_placements / s.expected_tutors)::numeric, 2) END)
      = (SELECT count(*) FROM dbt_demo.supply_demand)
  AND (SELECT count(DISTINCT name) FROM edupredict.models WHERE name LIKE 'dbt\_availability\_h_') = 3")
if [ "$first" -gt 0 ] && [ "$gone_rows" -gt 0 ] && [ "$left" = 0 ] && [ "$(scores)" = "$kept" ] &&
   [ "$second" = $((first - gone_rows)) ] && [ "$checks" = t ]; then
  echo "dbt example: ok ($first availability scores, $gone_rows of them of the erased tutor removed; compiled SQL in $out)"
else
  echo "dbt example: FAILED (scores $first then $second; erased tutor's rows $gone_rows then $left;" \
       "other rows $kept then $(scores); checks $checks)"; exit 1
fi
