-- The local authority x term table that is published (London-wide totals are the column totals).
SELECT local_authority, term::text AS term, expected_tutors
FROM {{ ref('supply_demand') }} WHERE local_authority <> 'London-wide'
