-- Backtest of the availability forecast on generated data (run by bench/forecast.sh).
-- Trains as of several past terms using only what was known then, forecasts three terms ahead,
-- and compares with what the generator realised.  Writes tables bt_* for the report.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
SET search_path = edupredict, public;
DROP SCHEMA IF EXISTS bt CASCADE;
DELETE FROM edupredict.models WHERE name LIKE 'bt\_%';
SELECT set_config('bt.min_leaf', :'min_leaf', false);
SELECT count(*) FROM generate_tutor_data('bt', :seed, :n_tutors, '2017 Autumn', '2023 Summer');

CREATE TABLE bt.origins AS
SELECT o::school_term AS as_of FROM unnest(string_to_array(:'origins', ',')) o;

CREATE TABLE bt.pred (as_of school_term, tutor_id bigint, horizon int, term school_term,
					  p_available float8, p_response float8, p_effective float8);
CREATE TABLE bt.train_log (as_of school_term, horizon int, n_rows bigint, seconds float8);

-- Per origin: views that end before as_of, so nothing later can leak into training or features.
DO $$
DECLARE
	o record;
	t0 timestamptz;
BEGIN
	FOR o IN SELECT as_of FROM bt.origins ORDER BY as_of LOOP
		EXECUTE format('CREATE OR REPLACE VIEW bt.placements_known AS SELECT * FROM bt.placements WHERE term < %L::edupredict.school_term', o.as_of);
		EXECUTE format('CREATE OR REPLACE VIEW bt.responses_known AS SELECT * FROM bt.availability_responses WHERE term < %L::edupredict.school_term', o.as_of);
		EXECUTE format('CREATE OR REPLACE VIEW bt.tutors_known AS SELECT * FROM bt.tutors WHERE registered_on < edupredict.term_start(%L)', o.as_of);
		t0 := clock_timestamp();
		INSERT INTO bt.train_log
		SELECT o.as_of, r.horizon, r.n_rows, extract(epoch FROM clock_timestamp() - t0)
		FROM edupredict.train_availability('bt_' || replace(o.as_of::text, ' ', '_'), 'bt.tutors_known',
										   'bt.placements_known', o.as_of, n_trees => 100, seed => 42,
										   min_samples_leaf => current_setting('bt.min_leaf')::int) r;
		INSERT INTO bt.pred
		SELECT o.as_of, p.* FROM edupredict.predict_availability('bt_' || replace(o.as_of::text, ' ', '_'),
			'bt.tutors_known', 'bt.placements_known', o.as_of, 'bt.responses_known') p;
	END LOOP;
END $$;

-- Outcomes of the forecast tutors, and the generator's true probabilities.
CREATE TABLE bt.eval AS
SELECT p.*, t.local_authority,
	   (pl.tutor_id IS NOT NULL)::int AS placed,
	   ((pl.tutor_id IS NOT NULL) AND coalesce(r.responded, false))::int AS placed_and_responded,
	   ta.p_available AS true_p, ta.p_available * ta.p_response AS true_p_effective
FROM bt.pred p
JOIN bt.tutors t ON t.tutor_id = p.tutor_id
LEFT JOIN bt.placements pl ON pl.tutor_id = p.tutor_id AND pl.term = p.term
LEFT JOIN bt.availability_responses r ON r.tutor_id = p.tutor_id AND r.term = p.term
LEFT JOIN bt.true_availability ta ON ta.tutor_id = p.tutor_id AND ta.term = p.term
-- Only terms the generator has realised.
WHERE p.term <= (SELECT max(term) FROM bt.placements);

-- Per local authority, origin and horizon: expected count with p10/p90, realised, naive.
CREATE TABLE bt.counts AS
WITH las AS (SELECT DISTINCT la_name AS local_authority FROM edupredict.london_schools),
cells AS (SELECT o.as_of, h.h AS horizon, la.local_authority FROM bt.origins o, generate_series(1, 3) h(h), las la
		  WHERE o.as_of + h.h <= (SELECT max(term) FROM bt.placements)),
fc AS (
	SELECT as_of, horizon, local_authority, expected_count(p_available) AS d, sum(placed) AS realised,
		   expected_count(p_effective) AS d_eff, sum(placed_and_responded) AS realised_eff
	FROM bt.eval GROUP BY 1, 2, 3),
naive AS (
	SELECT o.as_of, t.local_authority, count(*) AS placed_last,
		   count(*) FILTER (WHERE r.responded) AS placed_responded_last
	FROM bt.origins o
	JOIN bt.placements pl ON pl.term = o.as_of - 1
	JOIN bt.tutors t ON t.tutor_id = pl.tutor_id
	LEFT JOIN bt.availability_responses r ON r.tutor_id = pl.tutor_id AND r.term = pl.term
	GROUP BY 1, 2)
SELECT c.as_of, c.horizon, c.local_authority,
	   coalesce((fc.d).expected, 0) AS expected, coalesce((fc.d).p10, 0) AS p10, coalesce((fc.d).p90, 0) AS p90,
	   coalesce(fc.realised, 0) AS realised, coalesce(n.placed_last, 0) AS naive,
	   coalesce((fc.d_eff).expected, 0) AS expected_eff, coalesce((fc.d_eff).p10, 0) AS p10_eff,
	   coalesce((fc.d_eff).p90, 0) AS p90_eff, coalesce(fc.realised_eff, 0) AS realised_eff,
	   coalesce(n.placed_responded_last, 0) AS naive_eff
FROM cells c
LEFT JOIN fc USING (as_of, horizon, local_authority)
LEFT JOIN naive n USING (as_of, local_authority);

-- What coverage [p10, p90] would have if the forecast probabilities were exactly right: 40 outcome
-- draws from the forecast itself per cell (counts are integers and the interval includes both ends,
-- so this is above 80%).
CREATE TABLE bt.nominal AS
WITH sims AS (
	SELECT e.as_of, e.horizon, e.local_authority, s.s,
		   count(*) FILTER (WHERE edupredict.seeded_uniform(99, s.s, e.tutor_id, e.term - '1000 Spring'::school_term)
							< e.p_available) AS n
	FROM bt.eval e CROSS JOIN generate_series(1, 40) s(s)
	GROUP BY 1, 2, 3, 4)
SELECT c.as_of, c.horizon, c.local_authority, avg((coalesce(sims.n, 0) BETWEEN c.p10 AND c.p90)::int) AS nominal_coverage
FROM bt.counts c JOIN sims USING (as_of, horizon, local_authority)
GROUP BY 1, 2, 3;
