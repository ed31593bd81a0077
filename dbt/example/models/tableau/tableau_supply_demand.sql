SELECT local_authority AS "Local authority", term::text AS "Term", horizon AS "Terms ahead",
       round(known_tutors::numeric, 1) AS "Expected known tutors", round(recruit_tutors::numeric, 1) AS "Expected recruits",
       round(expected_tutors::numeric, 1) AS "Expected tutors", tutors_p10 AS "Tutors (10th percentile)",
       tutors_p90 AS "Tutors (90th percentile)", round(expected_placements::numeric, 1) AS "Expected placements",
       shortfall AS "Tutors to recruit (90% cover)"
FROM {{ ref('supply_demand') }}
