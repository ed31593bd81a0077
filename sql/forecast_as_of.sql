-- The as_of of every forecast lies in the placement history: from min_history terms after its first
-- term to the term after its last (docs/forecasting.md, "Inputs").  Outside it the error is 22023
-- and names as_of and the valid range.  recruit_forecast had no such check: an as_of far ahead gave
-- zero recruits, one before the history zero placements, both without an error.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Every term from 2020 Autumn to 2023 Summer 2 tutors register in A and 1 in B, each placed in the
-- term after registering: placements from 2021 Spring to 2023 Summer, so as_of may be 2021 Summer
-- to 2023 Autumn.
CREATE TEMP TABLE ao_tutors AS
SELECT row_number() OVER (ORDER BY t, la) AS tutor_id, term_start(t) + 10 AS registered_on, NULL::date AS phd_end,
	   la AS local_authority, t AS reg_term
FROM generate_series(0, 8) i, LATERAL (SELECT '2020 Autumn'::school_term + i AS t) x,
	 (VALUES ('A'), ('A'), ('B')) l(la);
CREATE TEMP TABLE ao_placements AS
SELECT tutor_id, reg_term + 1 AS term FROM ao_tutors WHERE reg_term + 1 <= '2023 Summer';
SELECT min(term)::text AS first_placement_term, max(term)::text AS last_placement_term FROM ao_placements;

-- The ends of the range are accepted.
SELECT count(*) > 0 AS first_as_of_ok FROM recruit_forecast('ao_tutors', 'ao_placements', '2021 Summer');
SELECT count(*) > 0 AS last_as_of_ok FROM recruit_forecast('ao_tutors', 'ao_placements', '2023 Autumn');
-- Outside it: after the history, far ahead, and before the history (tutors had registered by then).
\set SHOW_CONTEXT never
SELECT * FROM recruit_forecast('ao_tutors', 'ao_placements', '2024 Spring');
SELECT * FROM recruit_forecast('ao_tutors', 'ao_placements', '2050 Autumn');
SELECT * FROM recruit_forecast('ao_tutors', 'ao_placements', '2021 Spring');
\set VERBOSITY sqlstate
SELECT * FROM recruit_forecast('ao_tutors', 'ao_placements', '2050 Autumn');
SELECT * FROM recruit_forecast('ao_tutors', 'ao_placements', '2021 Spring');
\set VERBOSITY default
-- With too short a history no as_of is in range, and the error says so.
CREATE TEMP TABLE ao_one_term AS SELECT * FROM ao_placements WHERE term = '2023 Summer';
SELECT * FROM recruit_forecast('ao_tutors', 'ao_one_term', '2023 Summer');
-- train_availability needs 5 terms before as_of for horizons 1 to 3 (and supply_demand, 1).
SELECT * FROM train_availability('ao_m', 'ao_tutors', 'ao_one_term', '2023 Autumn', n_trees => 1);
