-- Backtest of the availability forecast on generated data (run by bench/forecast.sh).
-- For each generator seed and each forecast origin as_of, trains using only what was known before
-- as_of, forecasts 1-3 terms ahead and compares with what the generator realised.  Writes the
-- bt.* tables read by forecast_report.sql and forecast_sweep.sql.
-- Variables: seeds (comma list), n_tutors, origins (comma list of terms, or empty for every
-- origin allowed by min_history), min_history, min_leaf.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
SET search_path = edupredict, public;
DROP SCHEMA IF EXISTS bt CASCADE;
CREATE SCHEMA bt;
DELETE FROM edupredict.models WHERE name LIKE 'bt\_%';
DELETE FROM edupredict.forecasts WHERE model_name LIKE 'bt\_%';
SELECT set_config('bt.min_leaf', :'min_leaf', false), set_config('bt.n_tutors', :'n_tutors', false);

CREATE TABLE bt.seeds AS SELECT s::int AS seed FROM unnest(string_to_array(:'seeds', ',')) s;

-- Generated data, one schema btd_<seed> per seed; kept between runs of this script in the same
-- cluster (the leaf-size sweep reuses it), generated only once.
DO $$
DECLARE
	s int;
BEGIN
	FOR s IN SELECT seed FROM bt.seeds ORDER BY seed LOOP
		IF to_regclass(format('%I.placements', 'btd_' || s)) IS NULL THEN
			PERFORM edupredict.generate_tutor_data('btd_' || s, s, current_setting('bt.n_tutors')::int,
												   '2017 Autumn', '2023 Summer');
		END IF;
	END LOOP;
END $$;

-- All seeds in one set of tables, keyed by seed.
CREATE TABLE bt.tutors (seed int, tutor_id bigint, registered_on date, phd_end date, local_authority text);
CREATE TABLE bt.placements (seed int, tutor_id bigint, term school_term);
CREATE TABLE bt.responses (seed int, tutor_id bigint, term school_term, responded boolean, available boolean);
CREATE TABLE bt.true_p (seed int, tutor_id bigint, term school_term, p_available float8, p_response float8);
DO $$
DECLARE
	s int;
	sch text;
BEGIN
	FOR s IN SELECT seed FROM bt.seeds ORDER BY seed LOOP
		sch := quote_ident('btd_' || s);
		EXECUTE format('INSERT INTO bt.tutors SELECT %s, tutor_id, registered_on, phd_end, local_authority FROM %s.tutors', s, sch);
		EXECUTE format('INSERT INTO bt.placements SELECT %s, tutor_id, term FROM %s.placements', s, sch);
		EXECUTE format('INSERT INTO bt.responses SELECT %s, tutor_id, term, responded, available FROM %s.availability_responses', s, sch);
		EXECUTE format('INSERT INTO bt.true_p SELECT %s, tutor_id, term, p_available, p_response FROM %s.true_availability', s, sch);
	END LOOP;
END $$;
CREATE INDEX ON bt.placements (seed, term, tutor_id);
CREATE INDEX ON bt.responses (seed, term, tutor_id);
CREATE INDEX ON bt.true_p (seed, term, tutor_id);
ANALYZE bt.tutors, bt.placements, bt.responses, bt.true_p;

-- Origins: every as_of with at least min_history terms of placement history before it (the
-- minimum train_availability accepts for horizons 1-3 is 3 + 2 = 5) and at least one horizon
-- realised by the end of the data (as_of + 1 <= last term); or the given list.
CREATE TABLE bt.origins AS
WITH span AS (SELECT seed, min(term) AS first_term, max(term) AS last_term FROM bt.placements GROUP BY seed)
SELECT s.seed, t.as_of, s.first_term, s.last_term
FROM span s
CROSS JOIN LATERAL (
	SELECT (s.first_term + k) AS as_of FROM generate_series(:min_history, s.last_term - s.first_term - 1) k
	WHERE :'origins' = ''
	UNION ALL
	SELECT o::school_term FROM unnest(string_to_array(:'origins', ',')) o
	WHERE :'origins' <> '') t;

CREATE TABLE bt.pred (seed int, as_of school_term, tutor_id bigint, horizon int, term school_term,
					  p_available float8, p_response float8, p_effective float8);
CREATE TABLE bt.train_log (seed int, as_of school_term, horizon int, n_rows bigint, positive_rate float8,
						   seconds float8);
-- Whole supply (issue 14): supply_forecast per origin (known tutors plus recruits, placed measure),
-- local authorities and London-wide; its ranges are widened by the error learnt from the earlier
-- origins' forecasts of the same seed, recorded with record_forecast as a termly refresh would.
CREATE TABLE bt.supply (seed int, as_of school_term, local_authority text, horizon int, term school_term,
						known_expected float8, recruits_expected float8, total_expected float8, total_sd float8,
						total_p10 bigint, total_p50 bigint, total_p90 bigint, total_distribution float8[],
						model_sd float8, error_sd float8);

-- Per seed and origin, in time order: views that end before as_of, so nothing later can leak into
-- training, features, the survey model or the learnt error (which reads only forecasts whose target
-- term is in the placements before as_of).  One model name per seed: each origin's forests are its
-- newest versions, and its recorded forecasts are what the later origins learn their error from.
DO $$
DECLARE
	o record;
	t0 timestamptz;
	m text;
BEGIN
	FOR o IN SELECT seed, as_of FROM bt.origins ORDER BY seed, as_of LOOP
		EXECUTE format('CREATE OR REPLACE VIEW bt.placements_known AS SELECT tutor_id, term FROM bt.placements WHERE seed = %s AND term < %L::edupredict.school_term', o.seed, o.as_of);
		EXECUTE format('CREATE OR REPLACE VIEW bt.responses_known AS SELECT tutor_id, term, responded, available FROM bt.responses WHERE seed = %s AND term < %L::edupredict.school_term', o.seed, o.as_of);
		EXECUTE format('CREATE OR REPLACE VIEW bt.tutors_known AS SELECT tutor_id, registered_on, phd_end, local_authority FROM bt.tutors WHERE seed = %s AND registered_on < edupredict.term_start(%L)', o.seed, o.as_of);
		EXECUTE format('CREATE OR REPLACE VIEW bt.opportunities_known AS SELECT * FROM %I.opportunities', 'btd_' || o.seed);
		m := format('bt_%s', o.seed);
		t0 := clock_timestamp();
		INSERT INTO bt.train_log
		SELECT o.seed, o.as_of, r.horizon, r.n_rows, r.positive_rate, extract(epoch FROM clock_timestamp() - t0)
		FROM edupredict.train_availability(m, 'bt.tutors_known', 'bt.placements_known', o.as_of,
										   n_trees => 100, seed => 42,
										   min_samples_leaf => current_setting('bt.min_leaf')::int) r;
		INSERT INTO bt.pred
		SELECT o.seed, o.as_of, p.* FROM edupredict.predict_availability(m, 'bt.tutors_known', 'bt.placements_known',
																		 o.as_of, 'bt.responses_known') p;
		INSERT INTO bt.supply
		SELECT o.seed, o.as_of, s.* FROM edupredict.supply_forecast(m, 'bt.tutors_known', 'bt.placements_known', o.as_of) s;
		PERFORM edupredict.record_forecast(m, 'bt.tutors_known', 'bt.placements_known', 'bt.opportunities_known', o.as_of);
	END LOOP;
END $$;

-- Outcomes of the forecast tutors in the realised target terms, and the generator's true
-- probabilities; base_rate = the training positive rate of the forest that made the forecast.
CREATE TABLE bt.eval AS
SELECT p.*, t.local_authority,
	   (pl.tutor_id IS NOT NULL)::int AS placed,
	   ((pl.tutor_id IS NOT NULL) AND coalesce(r.responded, false))::int AS placed_and_responded,
	   ta.p_available AS true_p, ta.p_available * ta.p_response AS true_p_effective,
	   tl.positive_rate AS base_rate
FROM bt.pred p
JOIN bt.origins o USING (seed, as_of)
JOIN bt.tutors t ON t.seed = p.seed AND t.tutor_id = p.tutor_id
JOIN bt.train_log tl ON tl.seed = p.seed AND tl.as_of = p.as_of AND tl.horizon = p.horizon
LEFT JOIN bt.placements pl ON pl.seed = p.seed AND pl.tutor_id = p.tutor_id AND pl.term = p.term
LEFT JOIN bt.responses r ON r.seed = p.seed AND r.tutor_id = p.tutor_id AND r.term = p.term
LEFT JOIN bt.true_p ta ON ta.seed = p.seed AND ta.tutor_id = p.tutor_id AND ta.term = p.term
WHERE p.term <= o.last_term;

-- Per seed, origin, horizon and local authority: expected count with p10/p90, realised, naive.
CREATE TABLE bt.counts AS
WITH las AS (SELECT DISTINCT la_name AS local_authority FROM edupredict.london_schools),
cells AS (SELECT o.seed, o.as_of, h.h AS horizon, la.local_authority
		  FROM bt.origins o, generate_series(1, 3) h(h), las la
		  WHERE o.as_of + h.h <= o.last_term),
fc AS (
	SELECT seed, as_of, horizon, local_authority, expected_count(p_available) AS d, sum(placed) AS realised,
		   expected_count(p_effective) AS d_eff, sum(placed_and_responded) AS realised_eff
	FROM bt.eval GROUP BY 1, 2, 3, 4),
naive AS (
	SELECT o.seed, o.as_of, t.local_authority, count(*) AS placed_last,
		   count(*) FILTER (WHERE r.responded) AS placed_responded_last
	FROM bt.origins o
	JOIN bt.placements pl ON pl.seed = o.seed AND pl.term = o.as_of - 1
	JOIN bt.tutors t ON t.seed = pl.seed AND t.tutor_id = pl.tutor_id
	LEFT JOIN bt.responses r ON r.seed = pl.seed AND r.tutor_id = pl.tutor_id AND r.term = pl.term
	GROUP BY 1, 2, 3)
SELECT c.seed, c.as_of, c.horizon, c.local_authority,
	   coalesce((fc.d).expected, 0) AS expected, coalesce((fc.d).p10, 0) AS p10, coalesce((fc.d).p90, 0) AS p90,
	   coalesce(fc.realised, 0) AS realised, coalesce(n.placed_last, 0) AS naive,
	   coalesce((fc.d_eff).expected, 0) AS expected_eff, coalesce((fc.d_eff).p10, 0) AS p10_eff,
	   coalesce((fc.d_eff).p90, 0) AS p90_eff, coalesce(fc.realised_eff, 0) AS realised_eff,
	   coalesce(n.placed_responded_last, 0) AS naive_eff
FROM cells c
LEFT JOIN fc USING (seed, as_of, horizon, local_authority)
LEFT JOIN naive n USING (seed, as_of, local_authority);

-- What coverage [p10, p90] would have if the forecast probabilities were exactly right: 40 outcome
-- draws from the forecast itself per cell (counts are integers and the interval includes both ends,
-- so this is above 80%).  Cells without forecast tutors (p10 = p90 = 0 = realised) count as covered.
CREATE TABLE bt.nominal AS
WITH sims AS (
	SELECT e.seed, e.as_of, e.horizon, e.local_authority, s.s,
		   count(*) FILTER (WHERE edupredict.seeded_uniform(1000 + e.seed, s.s, e.tutor_id,
															(e.term - '1000 Spring'::school_term) * 16 + e.horizon)
							< e.p_available) AS n
	FROM bt.eval e CROSS JOIN generate_series(1, 40) s(s)
	GROUP BY 1, 2, 3, 4, 5)
SELECT c.seed, c.as_of, c.horizon, c.local_authority,
	   avg((coalesce(sims.n, 0) BETWEEN c.p10 AND c.p90)::int) AS nominal_coverage
FROM bt.counts c JOIN sims USING (seed, as_of, horizon, local_authority)
GROUP BY 1, 2, 3, 4;

-- Whole supply per seed, origin, horizon and local authority: the forecast of all tutors placed in
-- the target term (known tutors and recruits) against the realised count of all tutors placed;
-- naive = the count placed in as_of - 1; seasonal naive = the count placed in the latest term of the
-- target's season known at as_of (target - 3 for horizons 1 and 2, target - 6 for horizon 3).
-- nominal = the probability mass the forecast distribution itself puts on [p10, p90] (exact).
CREATE TABLE bt.total AS
WITH las AS (SELECT DISTINCT la_name AS local_authority FROM edupredict.london_schools),
cells AS (SELECT o.seed, o.as_of, h.h AS horizon, o.as_of + h.h AS term, la.local_authority,
				 (o.as_of + h.h) - 3 * (h.h / 3 + 1) AS season_term, o.first_term
		  FROM bt.origins o, generate_series(1, 3) h(h), las la
		  WHERE o.as_of + h.h <= o.last_term),
placed AS (SELECT pl.seed, pl.term, t.local_authority, count(DISTINCT pl.tutor_id) AS n
		   FROM bt.placements pl JOIN bt.tutors t ON t.seed = pl.seed AND t.tutor_id = pl.tutor_id
		   GROUP BY 1, 2, 3)
SELECT c.seed, c.as_of, c.horizon, c.term, c.local_authority,
	   coalesce(s.known_expected, 0) AS known_expected, coalesce(s.recruits_expected, 0) AS recruits_expected,
	   coalesce(s.total_expected, 0) AS expected, coalesce(s.total_p10, 0) AS p10, coalesce(s.total_p90, 0) AS p90,
	   coalesce(count_mass(s.total_distribution, s.total_p10, s.total_p90), 1) AS nominal,
	   coalesce(r.n, 0) AS realised, coalesce(n1.n, 0) AS naive,
	   CASE WHEN c.season_term >= c.first_term THEN coalesce(ns.n, 0) END AS seasonal_naive
FROM cells c
LEFT JOIN bt.supply s ON s.seed = c.seed AND s.as_of = c.as_of AND s.horizon = c.horizon
					 AND s.local_authority = c.local_authority
LEFT JOIN placed r ON r.seed = c.seed AND r.term = c.term AND r.local_authority = c.local_authority
LEFT JOIN placed n1 ON n1.seed = c.seed AND n1.term = c.as_of - 1 AND n1.local_authority = c.local_authority
LEFT JOIN placed ns ON ns.seed = c.seed AND ns.term = c.season_term AND ns.local_authority = c.local_authority;
