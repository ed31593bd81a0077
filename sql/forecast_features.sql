-- tutor_features on a small hand-made history with known values.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

CREATE TEMP TABLE ff_tutors (tutor_id integer, email text, registered_on date, phd_start date, phd_end date,
							 local_authority text);
INSERT INTO ff_tutors VALUES
  (1, 'a@x', '2021-10-01', '2020-10-01', '2024-03-31', 'Camden'),   -- 2021 Autumn, PhD ends in 7 months
  (2, 'b@x', '2022-01-15', '2019-01-01', '2022-12-31', 'Brent'),    -- 2022 Spring, PhD over 8 months ago
  (3, 'c@x', '2023-09-02', '2023-01-01', '2026-12-31', 'Camden'),   -- registered after 2023 Autumn began
  (4, 'd@x', '2020-05-01', NULL, NULL, 'Ealing'),                   -- 2020 Summer, PhD end unknown
  (5, 'e@x', '2023-08-31', '2023-01-01', '2026-12-31', 'Ealing');   -- registered the day before
CREATE TEMP TABLE ff_placements (tutor_id integer, school_urn integer, term school_term);
INSERT INTO ff_placements VALUES
  (1, 100, '2022 Spring'), (1, 100, '2022 Summer'), (1, 100, '2023 Summer'), (1, 101, '2023 Summer'),
  (1, 100, '2023 Autumn'), (1, 100, '2024 Spring'),  -- not before as_of: ignored
  (2, 200, '2022 Summer');

-- Expected as of 2023 Autumn (starts 2023-09-01):
--  1: (2024-03-31 - 2023-09-01) = 212 days = 6.965 months; 3 terms placed (2023 Summer counted once);
--     6 terms since 2021 Autumn; mean 0.5; placed in 2023 Summer.
--  2: -244 days = -8.016 months; 1 placement; 5 terms since 2022 Spring; mean 0.2; not placed last term.
--  3: not registered yet, absent.  4: PhD end unknown (NULL); 0; 10 terms since 2020 Summer; 0; no.
--  5: registered in 2023 Summer: 1 term since, no placements.
SELECT tutor_id, round(months_to_phd_end::numeric, 3) AS months_to_phd_end, n_previous_placements,
	   round(mean_placements_per_term::numeric, 3) AS mean_placements_per_term, terms_since_registration,
	   placed_last_term
FROM tutor_features('ff_tutors', 'ff_placements', '2023 Autumn') ORDER BY tutor_id;

-- One term later the 2023 Autumn placement counts, and tutor 3 appears.
SELECT tutor_id, round(months_to_phd_end::numeric, 3) AS months_to_phd_end, n_previous_placements,
	   round(mean_placements_per_term::numeric, 3) AS mean_placements_per_term, terms_since_registration,
	   placed_last_term
FROM tutor_features('ff_tutors', 'ff_placements', '2024 Spring') ORDER BY tutor_id;

-- Before anyone registered: no rows.
SELECT count(*) FROM tutor_features('ff_tutors', 'ff_placements', '2019 Autumn');

-- Relations missing a required column: the error names it.
\set SHOW_CONTEXT never
CREATE TEMP TABLE ff_no_phd AS SELECT tutor_id, registered_on FROM ff_tutors;
SELECT * FROM tutor_features('ff_no_phd', 'ff_placements', '2023 Autumn');
CREATE TEMP TABLE ff_no_term AS SELECT tutor_id, school_urn FROM ff_placements;
SELECT * FROM tutor_features('ff_tutors', 'ff_no_term', '2023 Autumn');
SELECT * FROM tutor_features('ff_tutors', 'no_such_table', '2023 Autumn');
-- a regclass naming no relation (0, or a dropped table's OID): 42P01, not a syntax error
\set VERBOSITY sqlstate
SELECT * FROM tutor_features(0::oid::regclass, 'ff_placements', '2023 Autumn');
\set VERBOSITY default
SELECT * FROM tutor_features('ff_tutors', 4294967295::oid::regclass, '2023 Autumn');
