-- train_availability, predict_availability, supply_demand on a fixed seed (needs the forest engine).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

SELECT count(*) FROM generate_tutor_data('fm', 5, 500, '2019 Autumn', '2022 Autumn');

SELECT horizon, model, version, n_rows, round(positive_rate::numeric, 4) AS positive_rate
FROM train_availability('fm_avail', 'fm.tutors', 'fm.placements', '2022 Spring', n_trees => 30, seed => 3);
SELECT name, version, task, target, features, classes, n_rows FROM models WHERE name LIKE 'fm\_avail\_h%' ORDER BY name;

-- The training rows are exactly the labelled history: tutors registered before t, t from the
-- second history term to as_of - 1 - h.
SELECT h, count(*) AS panel_rows
FROM generate_series(1, 3) h,
	 LATERAL _tutor_feature_panel('fm.tutors', 'fm.placements', '2020 Spring', '2022 Spring'::school_term - 1 - h) f
GROUP BY h ORDER BY h;

CREATE TEMP TABLE fm_pred AS
SELECT * FROM predict_availability('fm_avail', 'fm.tutors', 'fm.placements', '2022 Spring', 'fm.availability_responses');
SELECT horizon, term, count(*) AS tutors, count(DISTINCT tutor_id) AS distinct_tutors,
	   bool_and(p_available BETWEEN 0 AND 1) AS p_ok, bool_and(p_response > 0 AND p_response < 1) AS r_ok,
	   bool_and(abs(p_effective - p_available * p_response) < 1e-12) AS product_ok,
	   round(avg(p_available)::numeric, 2) AS mean_p_available, round(avg(p_response)::numeric, 2) AS mean_p_response
FROM fm_pred GROUP BY horizon, term ORDER BY horizon;
-- Every tutor registered before as_of is forecast.
SELECT (SELECT count(*) FROM fm.tutors WHERE registered_on < term_start('2022 Spring')) = count(DISTINCT tutor_id) AS all_tutors
FROM fm_pred;
-- Without responses, p_response is 1.
SELECT bool_and(p_response = 1 AND p_effective = p_available) AS no_survey_ok
FROM predict_availability('fm_avail', 'fm.tutors', 'fm.placements', '2022 Spring');
-- Deterministic: the same seed gives the same forests and forecasts.
SELECT count(*) FROM train_availability('fm_again', 'fm.tutors', 'fm.placements', '2022 Spring', n_trees => 30, seed => 3);
SELECT bool_and(a.p_available = b.p_available) AS same_forecast
FROM fm_pred a JOIN predict_availability('fm_again', 'fm.tutors', 'fm.placements', '2022 Spring') b USING (tutor_id, horizon);
-- Deterministic with the default seed (42) too; another seed gives other forests.
SELECT count(*) FROM train_availability('fm_d1', 'fm.tutors', 'fm.placements', '2022 Spring', n_trees => 10);
SELECT count(*) FROM train_availability('fm_d2', 'fm.tutors', 'fm.placements', '2022 Spring', n_trees => 10);
SELECT count(*) FROM train_availability('fm_d3', 'fm.tutors', 'fm.placements', '2022 Spring', n_trees => 10, seed => 7);
SELECT bool_and(a.p_available = b.p_available) AS default_seed_same, bool_or(a.p_available <> c.p_available) AS other_seed_differs
FROM predict_availability('fm_d1', 'fm.tutors', 'fm.placements', '2022 Spring') a
JOIN predict_availability('fm_d2', 'fm.tutors', 'fm.placements', '2022 Spring') b USING (tutor_id, horizon)
JOIN predict_availability('fm_d3', 'fm.tutors', 'fm.placements', '2022 Spring') c USING (tutor_id, horizon);
-- Calibration in the large: predicted tutors vs the generator's true probabilities of the as_of pool
-- are of the same size (the true probabilities know the intervening terms, so they differ a little).
SELECT p.horizon, round(sum(p.p_available)::numeric, 0) AS predicted, round(sum(ta.p_available)::numeric, 0) AS true_sum
FROM fm_pred p JOIN fm.true_availability ta ON ta.tutor_id = p.tutor_id AND ta.term = p.term
GROUP BY 1 ORDER BY 1;

-- supply_demand on the fixed seed: London-wide rows and three local authorities.
CREATE TEMP TABLE fm_sd AS
SELECT * FROM supply_demand('fm_avail', 'fm.tutors', 'fm.placements', 'fm.opportunities', '2022 Spring',
							'fm.availability_responses');
-- expected_tutors = known tutors + recruits; Slough has demand but no tutors: a small recruit share.
SELECT local_authority, horizon, term, round(known_tutors::numeric, 1) AS known, round(recruit_tutors::numeric, 2) AS recruits,
	   round(expected_tutors::numeric, 1) AS expected_tutors, tutors_p10, tutors_p50,
	   tutors_p90, confirmed_placements, round(expected_placements::numeric, 1) AS expected_placements, shortfall
FROM fm_sd WHERE local_authority IN ('London-wide', 'Camden', 'Croydon', 'Slough') ORDER BY term, local_authority;
SELECT bool_and(abs(expected_tutors - known_tutors - recruit_tutors) < 1e-9) AS total_is_known_plus_recruits,
	   bool_and(recruit_tutors > 0) AS every_area_has_recruits
FROM fm_sd;
SELECT count(*) AS rows, count(DISTINCT local_authority) AS local_authorities,
	   bool_and(tutors_p10 <= tutors_p50 AND tutors_p50 <= tutors_p90) AS ordered,
	   bool_and(shortfall = greatest(0, ceil(expected_placements - 1e-9)::bigint - tutors_p10)) AS shortfall_rule
FROM fm_sd;
-- supply_demand equals supply_demand_of over the same predictions and recruits.
CREATE TEMP TABLE fm_rec AS
SELECT * FROM recruit_forecast('fm.tutors', 'fm.placements', '2022 Spring', '{1,2,3}', 'fm.availability_responses',
							   (SELECT array_agg(DISTINCT local_authority) FROM fm.opportunities));
SELECT count(*) AS differing_rows FROM (
	SELECT * FROM fm_sd EXCEPT
	SELECT * FROM supply_demand_of('fm_pred', 'fm.tutors', 'fm.opportunities', 'fm_rec')) d;

-- Errors: unknown model, missing columns, terms out of range, bad horizons.
\set SHOW_CONTEXT never
SELECT * FROM predict_availability('no_such_model', 'fm.tutors', 'fm.placements', '2022 Autumn');
SELECT * FROM supply_demand('no_such_model', 'fm.tutors', 'fm.placements', 'fm.opportunities', '2022 Autumn');
SELECT * FROM predict_availability('fm_avail', 'fm.tutors', 'fm.placements', '2023 Summer');
SELECT * FROM predict_availability('fm_avail', 'fm.tutors', 'fm.placements', '2019 Autumn');
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2020 Summer');
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2024 Spring');
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2022 Autumn', '{1,1}');
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2022 Autumn', '{13}');
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2022 Autumn', '{}');
-- A multi-dimensional array is 22023 like any other bad horizons (it was 0A000 from an internal
-- query), and so is a NULL element.
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2022 Autumn', '{{1,2}}');
\set VERBOSITY sqlstate
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2022 Autumn', '{{1,2}}');
\set VERBOSITY default
SELECT * FROM train_availability('fm_x', 'fm.tutors', 'fm.placements', '2022 Autumn', '{1,NULL}');
SELECT * FROM train_availability('', 'fm.tutors', 'fm.placements', '2022 Autumn');
CREATE TEMP TABLE fm_tutors_no_reg AS SELECT tutor_id, phd_end, local_authority FROM fm.tutors;
SELECT * FROM train_availability('fm_x', 'fm_tutors_no_reg', 'fm.placements', '2022 Autumn');
SELECT * FROM predict_availability('fm_avail', 'fm_tutors_no_reg', 'fm.placements', '2022 Autumn');
CREATE TEMP TABLE fm_tutors_no_la AS SELECT tutor_id, registered_on, phd_end FROM fm.tutors;
SELECT * FROM supply_demand('fm_avail', 'fm_tutors_no_la', 'fm.placements', 'fm.opportunities', '2022 Autumn');
CREATE TEMP TABLE fm_empty (tutor_id int, term school_term);
SELECT * FROM predict_availability('fm_avail', 'fm.tutors', 'fm_empty', '2022 Autumn');
-- A column that cannot be cast to what the forecast reads: 42804, before any query runs.
CREATE TEMP TABLE fm_int_terms AS SELECT tutor_id, 5 AS term FROM fm.placements;
SELECT * FROM predict_availability('fm_avail', 'fm.tutors', 'fm_int_terms', '2022 Autumn');
SELECT count(*) FROM models WHERE name LIKE 'fm\_x%';

-- A user error is raised by the function the user called: its CONTEXT is that one line, never the
-- internal queries (issue 9).
\set SHOW_CONTEXT always
SELECT * FROM supply_demand('no_such_model', 'fm.tutors', 'fm.placements', 'fm.opportunities', '2022 Autumn');
SELECT * FROM supply_demand('fm_avail', 'fm.tutors', 'fm.placements', 'fm.opportunities', '2024 Spring',
							'fm.availability_responses');
SELECT * FROM supply_demand('fm_avail', 'fm_tutors_no_la', 'fm.placements', 'fm.opportunities', '2022 Autumn');
SELECT * FROM tutor_features('fm.tutors', 'fm_int_terms', '2022 Autumn');
\set SHOW_CONTEXT never

-- The relations passed in are locked (AccessShareLock) until the end of the transaction, before
-- their columns are inspected.
BEGIN;
SELECT count(*) > 0 AS forecast FROM supply_demand('fm_avail', 'fm.tutors', 'fm.placements', 'fm.opportunities',
												   '2022 Spring', 'fm.availability_responses');
SELECT c.relname, l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relnamespace = 'fm'::regnamespace AND c.relkind = 'r'
ORDER BY 1;
COMMIT;

SET client_min_messages = warning;
DELETE FROM models WHERE name LIKE 'fm\_%';
DROP SCHEMA fm CASCADE;
