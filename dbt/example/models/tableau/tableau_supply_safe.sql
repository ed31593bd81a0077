-- Tableau: expected tutors per local authority and term, small cells suppressed (primary below
-- edupredict.min_cell, secondary so no suppressed cell follows from a total).
SELECT c.row_key AS "Local authority", c.column_key AS "Term", round(c.value::numeric, 1) AS "Expected tutors",
       c.suppressed AS "Suppressed", c.reason AS "Suppression"
FROM ({{ edupredict.suppress_small_cells(ref('supply_cells'), 'local_authority', 'term', 'expected_tutors') }}) c
