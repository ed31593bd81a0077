-- Survey response rates and supply against demand (without a model: predictions given as a table).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- A hand-made case with known answers.
CREATE TEMP TABLE sd_tutors (tutor_id integer, local_authority text);
INSERT INTO sd_tutors VALUES (1, 'A'), (2, 'A'), (3, 'B');
CREATE TEMP TABLE sd_pred (tutor_id integer, horizon integer, term school_term, p_effective float8);
INSERT INTO sd_pred VALUES (1, 1, '2024 Spring', 0.5), (2, 1, '2024 Spring', 0.5), (3, 1, '2024 Spring', 0.9);
CREATE TEMP TABLE sd_opp (opportunity_id integer, school_urn integer, local_authority text, term school_term,
						  stage text, probability float8, n_placements integer);
INSERT INTO sd_opp VALUES
  (1, 10, 'A', '2024 Spring', 'confirmed', 1.0, 2),
  (2, 11, 'A', '2024 Spring', 'likely', 0.5, 2),
  (3, 12, 'B', '2024 Spring', 'possible', 0.25, 4),
  (4, 13, 'C', '2024 Spring', 'confirmed', 1.0, 1),
  (5, 14, 'A', '2024 Summer', 'confirmed', 1.0, 9);  -- a term without predictions: ignored
-- A: 1 expected tutor (0/1/2 with 1/4, 1/2, 1/4), demand 2 + 0.5 x 2 = 3, recruit 3 - p10 0 = 3.
-- B: 0.9 tutors, demand 0.25 x 4 = 1.  C: no tutors, demand 1.
-- London-wide: 1.9 tutors with pmf .025/.275/.475/.225, so p10 1, p50 2, p90 3; demand 5; recruit 4.
SELECT local_authority, horizon, term, round(expected_tutors::numeric, 3) AS expected_tutors, tutors_p10,
	   tutors_p50, tutors_p90, confirmed_placements, round(expected_placements::numeric, 3) AS expected_placements,
	   round(placement_tutor_ratio::numeric, 3) AS ratio, shortfall
FROM supply_demand_of('sd_pred', 'sd_tutors', 'sd_opp');

-- Generated data, with the true probabilities as predictions (the best possible forecast).
SELECT count(*) FROM generate_tutor_data('sd_gen', 11, 600, '2019 Autumn', '2022 Autumn');
SELECT season, placed_last_term, phd_finished, n_surveyed, n_responded, round(p_response::numeric, 3) AS p_response
FROM response_rates('sd_gen.tutors', 'sd_gen.placements', 'sd_gen.availability_responses', '2022 Autumn');
-- Shrinkage: a cell with no surveys gets its season's rate, which is close to the overall rate.
SELECT season, placed_last_term, phd_finished, n_surveyed, round(p_response::numeric, 3) AS p_response
FROM response_rates('sd_gen.tutors', 'sd_gen.placements', 'sd_gen.availability_responses', '2020 Spring')
WHERE n_surveyed = 0 ORDER BY 1, 2, 3 LIMIT 3;

CREATE TEMP TABLE sd_oracle AS
SELECT ta.tutor_id, ta.term - '2021 Autumn'::school_term AS horizon, ta.term, ta.p_available * ta.p_response AS p_effective
FROM sd_gen.true_availability ta JOIN sd_gen.tutors t USING (tutor_id)
WHERE ta.term BETWEEN '2022 Spring' AND '2022 Autumn' AND t.registered_on < term_start('2021 Autumn');
SELECT local_authority, horizon, term, round(expected_tutors::numeric, 2) AS expected_tutors, tutors_p10, tutors_p50,
	   tutors_p90, confirmed_placements, round(expected_placements::numeric, 2) AS expected_placements,
	   round(placement_tutor_ratio::numeric, 2) AS ratio, shortfall
FROM supply_demand_of('sd_oracle', 'sd_gen.tutors', 'sd_gen.opportunities')
WHERE local_authority IN ('Camden', 'Bromley', 'Slough', 'London-wide');
-- Invariants over all rows: p10 <= p50 <= p90, the London-wide row sums the local authorities.
WITH sd AS (SELECT * FROM supply_demand_of('sd_oracle', 'sd_gen.tutors', 'sd_gen.opportunities'))
SELECT term, bool_and(tutors_p10 <= tutors_p50 AND tutors_p50 <= tutors_p90) AS ordered,
	   round(sum(expected_tutors) FILTER (WHERE local_authority <> 'London-wide')::numeric, 6)
	 = round(sum(expected_tutors) FILTER (WHERE local_authority = 'London-wide')::numeric, 6) AS tutors_add_up,
	   sum(confirmed_placements) FILTER (WHERE local_authority <> 'London-wide')
	 = sum(confirmed_placements) FILTER (WHERE local_authority = 'London-wide') AS confirmed_add_up,
	   count(*) AS n_rows
FROM sd GROUP BY term ORDER BY term;

-- Errors: missing columns are named; no surveys before as_of.
\set SHOW_CONTEXT never
CREATE TEMP TABLE sd_pred_bad AS SELECT tutor_id, horizon, term FROM sd_pred;
SELECT * FROM supply_demand_of('sd_pred_bad', 'sd_tutors', 'sd_opp');
CREATE TEMP TABLE sd_opp_bad AS SELECT opportunity_id, local_authority, term, stage, n_placements FROM sd_opp;
SELECT * FROM supply_demand_of('sd_pred', 'sd_tutors', 'sd_opp_bad');
SELECT * FROM supply_demand_of('sd_pred', 'sd_pred', 'sd_opp');
CREATE TEMP TABLE sd_resp_bad AS SELECT tutor_id, term FROM sd_gen.availability_responses;
SELECT * FROM response_rates('sd_gen.tutors', 'sd_gen.placements', 'sd_resp_bad', '2022 Autumn');
SELECT * FROM response_rates('sd_gen.tutors', 'sd_gen.placements', 'sd_gen.availability_responses', '2019 Autumn');

-- Demand rows are checked before anything is summed: 22023 naming the column and counting the offending
-- rows, never showing a value of them (message_values.sql checks the hint's query).  Several rows of
-- one local authority and term are opportunities, summed.
-- sd_try runs statements and rolls them back: 'accepted', or the error's SQLSTATE, message and detail.
CREATE FUNCTION pg_temp.sd_try(statements text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	s text;
	m text;
	d text;
BEGIN
	FOREACH st IN ARRAY statements LOOP
		EXECUTE st;
	END LOOP;
	RAISE SQLSTATE 'P7OK0';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
	RETURN CASE WHEN s = 'P7OK0' THEN 'accepted' ELSE s || ': ' || m || ' ' || d END;
END
$$;
CREATE FUNCTION pg_temp.sd_with_rows(rows_sql text) RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.sd_try(ARRAY[
		'CREATE TEMP TABLE sd_opp_case AS SELECT opportunity_id, school_urn, local_authority, term, stage, probability,
			n_placements::float8 AS n_placements FROM sd_opp',
		'INSERT INTO sd_opp_case VALUES ' || rows_sql,
		'SELECT FROM edupredict.supply_demand_of(''sd_pred'', ''sd_tutors'', ''sd_opp_case'')'])
$$;
SELECT c.what, pg_temp.sd_with_rows(c.rows_sql) AS result
FROM (VALUES
	('negative count', $r$(6, 15, 'B', '2024 Spring', 'confirmed', 1, -1)$r$),
	('fractional count', $r$(6, 15, 'B', '2024 Spring', 'likely', 0.5, 1.5)$r$),
	('NaN count', $r$(6, 15, 'B', '2024 Spring', 'likely', 0.5, 'NaN')$r$),
	('infinite count', $r$(6, 15, 'B', '2024 Spring', 'confirmed', 1, 'Infinity')$r$),
	('count over int4', $r$(6, 15, 'B', '2024 Spring', 'confirmed', 1, 3e9)$r$),
	('NULL count', $r$(6, 15, 'B', '2024 Spring', 'confirmed', 1, NULL)$r$),
	('NULL local authority', $r$(6, 15, NULL, '2024 Spring', 'confirmed', 1, 1)$r$),
	('NULL term', $r$(6, 15, 'B', NULL, 'confirmed', 1, 1)$r$),
	('NULL stage', $r$(6, 15, 'B', '2024 Spring', NULL, 0.5, 1)$r$),
	('NaN probability', $r$(6, 15, 'B', '2024 Spring', 'likely', 'NaN', 1)$r$),
	('probability over 1', $r$(6, 15, 'B', '2024 Spring', 'possible', 1.5, 1)$r$),
	('negative probability', $r$(6, 15, 'B', '2024 Spring', 'possible', -0.5, 1)$r$),
	('NULL probability, not confirmed', $r$(6, 15, 'B', '2024 Spring', 'lead', NULL, 1)$r$),
	('a bad count and a bad probability: the count', $r$(6, 15, 'B', '2024 Spring', 'likely', 0.5, -1), (7, 16, 'A', '2024 Spring', 'likely', 2, 1)$r$),
	('NULL probability, confirmed', $r$(6, 15, 'B', '2024 Spring', 'confirmed', NULL, 1)$r$),
	('second opportunity of an LA and term', $r$(6, 15, 'A', '2024 Spring', 'likely', 0.5, 2)$r$)) c(what, rows_sql);

-- One row per tutor, with a local authority; one prediction per tutor, horizon and term; one survey
-- answer per tutor and term: 22023 counting the offending keys (a duplicate would count twice).
SELECT c.what, pg_temp.sd_try(c.statements || $s$SELECT FROM edupredict.supply_demand_of('sd_pred', 'sd_tutors', 'sd_opp')$s$::text)
	   AS result
FROM (VALUES
	('tutor listed twice', ARRAY[$s$INSERT INTO sd_tutors VALUES (3, 'B'), (1, 'A')$s$]),
	('tutor with a NULL local authority', ARRAY[$s$INSERT INTO sd_tutors VALUES (4, NULL)$s$]),
	('tutor with a NULL tutor_id', ARRAY[$s$INSERT INTO sd_tutors VALUES (NULL, 'A')$s$]),
	('prediction listed twice', ARRAY[$s$INSERT INTO sd_pred VALUES (3, 1, '2024 Spring', 0.9)$s$]),
	('prediction with a NULL horizon', ARRAY[$s$INSERT INTO sd_pred VALUES (3, NULL, '2024 Spring', 0.9)$s$]),
	('same tutor, another horizon', ARRAY[$s$INSERT INTO sd_pred VALUES (3, 2, '2024 Spring', 0.9)$s$])) c(what, statements);
SELECT pg_temp.sd_try(ARRAY[
	$s$CREATE TEMP TABLE sd_resp_dup AS SELECT * FROM sd_gen.availability_responses
	   UNION ALL (SELECT * FROM sd_gen.availability_responses WHERE term < '2022 Autumn' ORDER BY tutor_id, term LIMIT 1)$s$,
	$s$SELECT FROM edupredict.response_rates('sd_gen.tutors', 'sd_gen.placements', 'sd_resp_dup', '2022 Autumn')$s$])
	AS survey_answer_listed_twice;

-- Recruits: one row per local authority, horizon and term, with recruits_expected (a duplicate would
-- count twice, a NULL key form a group of its own, a NULL count be dropped from the sum).
CREATE TEMP TABLE sd_rec (local_authority text, horizon integer, term school_term, recruits_expected float8);
INSERT INTO sd_rec VALUES ('A', 1, '2024 Spring', 0.5), ('C', 1, '2024 Spring', 1);
SELECT c.what, pg_temp.sd_try(c.statements || $s$SELECT FROM edupredict.supply_demand_of('sd_pred', 'sd_tutors', 'sd_opp', 'sd_rec')$s$::text)
	   AS result
FROM (VALUES
	('as given', ARRAY[]::text[]),
	('recruits listed twice', ARRAY[$s$INSERT INTO sd_rec VALUES ('C', 1, '2024 Spring', 1)$s$]),
	('recruits with a NULL local authority', ARRAY[$s$INSERT INTO sd_rec VALUES (NULL, 1, '2024 Spring', 1)$s$]),
	('recruits with a NULL horizon', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', NULL, '2024 Spring', 1)$s$]),
	('recruits with a NULL term', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, NULL, 1)$s$]),
	('recruits with a NULL count', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', NULL)$s$]),
	('same area, another horizon', ARRAY[$s$INSERT INTO sd_rec VALUES ('A', 2, '2024 Summer', 1)$s$])) c(what, statements);
-- recruits_expected is a Poisson mean: a finite number from 0 to 1e7 (count_poisson's range), else
-- 22023 naming the column and counting the rows (it failed inside count_poisson, naming neither)
SELECT c.what, pg_temp.sd_try(c.statements || $s$SELECT FROM edupredict.supply_demand_of('sd_pred', 'sd_tutors', 'sd_opp', 'sd_rec')$s$::text)
	   AS result
FROM (VALUES
	('negative recruits', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', -1)$s$]),
	('NaN recruits', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', 'NaN')$s$]),
	('infinite recruits', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', 'Infinity')$s$]),
	('recruits over 1e7', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', 2e7)$s$]),
	('two bad recruits rows, counted', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', -1), ('A', 2, '2024 Summer', '-Infinity')$s$]),
	('no recruits', ARRAY[$s$INSERT INTO sd_rec VALUES ('B', 1, '2024 Spring', 0)$s$])) c(what, statements);

-- 'London-wide' labels the total row of each term: an area of that name in the tutors, opportunities
-- or recruits would merge into it (two 'London-wide' rows, one of them a local authority), so it is
-- refused (22023).  The match is exact: other spellings are areas like any other.
SELECT c.what, pg_temp.sd_try(c.statements || $s$SELECT FROM edupredict.supply_demand_of('sd_pred', 'sd_tutors', 'sd_opp', 'sd_rec')$s$::text)
	   AS result
FROM (VALUES
	('tutor in London-wide', ARRAY[$s$UPDATE sd_tutors SET local_authority = 'London-wide' WHERE tutor_id = 3$s$]),
	('opportunity in London-wide', ARRAY[$s$INSERT INTO sd_opp VALUES (6, 15, 'London-wide', '2024 Spring', 'confirmed', 1, 1)$s$]),
	('recruits in London-wide', ARRAY[$s$INSERT INTO sd_rec VALUES ('London-wide', 1, '2024 Spring', 1)$s$]),
	('tutor in london-wide', ARRAY[$s$UPDATE sd_tutors SET local_authority = 'london-wide' WHERE tutor_id = 3$s$])) c(what, statements);

SET client_min_messages = warning;
DROP SCHEMA sd_gen CASCADE;
