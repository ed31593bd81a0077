-- A table of scores rebuilt per run: P(placed next term) for every tutor, from the horizon-1 forest
-- (trained in supply_demand's pre_hook) through the predict_proba macro; the row's columns are
-- matched to the forest's features by name.  The version is the one predict_availability uses as of
-- var('as_of'), so a rerun for an earlier term does not score with a forest trained later.
-- depends_on: {{ ref('supply_demand') }}
{% set h1_version -%}
(SELECT v.version FROM edupredict.availability_versions('{{ var('availability_model') }}', '{{ var('as_of') }}') v WHERE v.horizon OPERATOR(pg_catalog.=) 1)
{%- endset %}
SELECT f.tutor_id, {{ edupredict.predict_proba(var('availability_model') ~ '_h1', 'f', '1', h1_version) }} AS p_placed_next_term
FROM (SELECT t.*, s.target_season, s.target_spring, s.target_summer, s.target_autumn
      FROM {{ ref('tutor_features') }} t,
           (SELECT x.season OPERATOR(pg_catalog.=) 'Summer' AS target_summer, x.season OPERATOR(pg_catalog.=) 'Spring' AS target_spring,
                   x.season OPERATOR(pg_catalog.=) 'Autumn' AS target_autumn,
                   pg_catalog.array_position(ARRAY['Spring', 'Summer', 'Autumn'], x.season) - 1 AS target_season
            FROM (SELECT edupredict.term_season('{{ var('as_of') }}'::edupredict.school_term OPERATOR(edupredict.+) 1) AS season) x) s) f
