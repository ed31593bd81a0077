-- Tableau: supply against demand per local authority and term (and the London-wide rows), with the
-- Placement : Tutor ratio the charity reports (NULL where no tutors are expected).
SELECT local_authority AS "Local authority", term::text AS "Term", horizon AS "Terms ahead",
       round(known_tutors::numeric, 1) AS "Expected known tutors", round(recruit_tutors::numeric, 1) AS "Expected recruits",
       round(expected_tutors::numeric, 1) AS "Expected tutors", tutors_p10 AS "Tutors (10th percentile)",
       tutors_p90 AS "Tutors (90th percentile)", round(expected_placements::numeric, 1) AS "Expected placements",
       round(placement_tutor_ratio::numeric, 2) AS "Placements per tutor",
       shortfall AS "Tutors to recruit (90% cover)"
FROM {{ ref('supply_demand') }}
