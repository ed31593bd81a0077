-- The supply forecasts widen their ranges by the error learnt from the caller's realised earlier
-- forecasts of the same model (issue 14): count_widen, _forecast_error and their use in
-- supply_forecast, supply_rollup, supply_demand and record_forecast.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- count_widen: a count plus a Normal(0, sd^2) error rounded to the nearest integer.  From a normal
-- table: Q(1.959964) = 0.025, so with sd = 0.5 / 1.959964 the count stays put with probability 0.95;
-- Q(0.674490) = 0.25 gives 0.5; Q(0.5) = 0.308538, so a count of 0 widened by sd 1 stays 0 with
-- probability 1 - 0.308538 (the mass below zero is put at zero).  For a large sd the variance is
-- sd^2 + 1/12 (rounding), added to the count's own.
CREATE TEMP TABLE three AS SELECT expected_count_state(1) AS s FROM generate_series(1, 3);
SELECT round(count_mass(count_widen(s, 0.5 / 1.959964), 3, 3)::numeric, 6) AS stays_095,
	   round(count_mass(count_widen(s, 0.5 / 0.674490), 3, 3)::numeric, 6) AS stays_050,
	   round(count_mass(count_widen(s, 0.5 / 0.674490), 2, 2)::numeric, 12)
	 = round(count_mass(count_widen(s, 0.5 / 0.674490), 4, 4)::numeric, 12) AS symmetric,
	   round(count_mass(count_widen(count_poisson(0), 1), 0, 0)::numeric, 6) AS zero_stays,
	   round(count_mass(count_widen(s, 2), 0, 100)::numeric, 12) AS total_mass
FROM three;
SELECT round((count_summary(count_widen(s, 5))).expected::numeric, 6) AS mean,
	   round(power((count_summary(count_widen(s, 5))).sd, 2)::numeric, 6) AS variance,
	   round((25 + 1 / 12.0)::numeric, 6) AS by_hand,
	   round(power((count_summary(count_widen(count_poisson(400), 5))).sd, 2)::numeric, 4) AS poisson_variance,
	   round((400 + 25 + 1 / 12.0)::numeric, 4) AS poisson_by_hand
FROM (SELECT expected_count_state(1) AS s FROM generate_series(1, 100)) hundred;
-- Near zero the error is cut off there: the mean rises.
SELECT (count_summary(count_widen(s, 5))).expected > 3.5 AS mean_rises FROM three;
SELECT count_widen(count_poisson(2), 0) = count_poisson(2) AS zero_sd_unchanged;
\set VERBOSITY terse
SELECT count_widen(count_poisson(2), -1);
SELECT count_widen(count_poisson(2), 'NaN');
SELECT count_widen(count_poisson(2), 1e5);
SELECT count_widen('{7041,1,0,0,0,1,0,0.1}', 1);
SELECT count_widen('{7041,1,0.5,0.25,0,2,0,0.5,0.5}', 1);
-- (a header whose mean and variance are not the pmf's is refused)
SELECT count_widen('{7041,1,0,0,0,2,0,0.5,0.5}', 1);
\set VERBOSITY default

-- Forecasts of one model made as of 2021 Summer and 2021 Autumn, recorded; then forecast as of 2022
-- Summer with a forest trained then.  Terms realised before 2022 Summer: 2021 Autumn (horizon 1 of
-- the first run) and 2022 Spring (horizon 2 of the first run, horizon 1 of the second).
SELECT count(*) FROM generate_tutor_data('fw', 5, 500, '2019 Autumn', '2022 Autumn');
SELECT count(*) FROM train_availability('fw_avail', 'fw.tutors', 'fw.placements', '2021 Summer', n_trees => 20, seed => 3);
SELECT record_forecast('fw_avail', 'fw.tutors', 'fw.placements', 'fw.opportunities', '2021 Summer') > 0 AS recorded;
-- The same origin forecast again by forests of another seed: the latest run per origin, term and
-- area counts, not both and not the first (horizon 2 learns only from this origin).
SELECT count(*) FROM train_availability('fw_avail', 'fw.tutors', 'fw.placements', '2021 Summer', n_trees => 20, seed => 4);
SELECT record_forecast('fw_avail', 'fw.tutors', 'fw.placements', 'fw.opportunities', '2021 Summer') > 0 AS recorded_again;
SELECT count(DISTINCT expected) > 54 AS runs_differ FROM forecasts
WHERE model_name = 'fw_avail' AND as_of = '2021 Summer' AND horizon = 2 AND level = 'local authority';
SELECT count(*) FROM train_availability('fw_avail', 'fw.tutors', 'fw.placements', '2021 Autumn', n_trees => 20, seed => 3);
SELECT record_forecast('fw_avail', 'fw.tutors', 'fw.placements', 'fw.opportunities', '2021 Autumn') > 0 AS recorded;
SELECT count(*) FROM train_availability('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer', n_trees => 20, seed => 3);
-- Every recorded row carries the model's sd and no widening (nothing had been realised then).
SELECT count(*) AS rows, count(*) FILTER (WHERE model_sd > 0) AS with_model_sd, max(error_sd) AS max_error_sd
FROM forecasts WHERE model_name = 'fw_avail';

-- The learnt error by hand: realised counts from the placements, the latest run per origin.
CREATE TEMP TABLE fw_hand AS
WITH f AS (
	SELECT DISTINCT ON (as_of, horizon, area) * FROM forecasts
	WHERE model_name = 'fw_avail' AND level = 'local authority' AND term < '2022 Summer'
	ORDER BY as_of, horizon, area, run_id DESC),
r AS (SELECT t.local_authority, p.term, count(DISTINCT p.tutor_id) AS n
	  FROM fw.placements p JOIN fw.tutors t USING (tutor_id) GROUP BY 1, 2)
SELECT f.horizon, count(*) AS n,
	   sqrt(greatest(0, sum((coalesce(r.n, 0) - f.expected) ^ 2 - f.model_sd ^ 2)) / sum(f.known_expected ^ 2)) AS scale
FROM f LEFT JOIN r ON r.local_authority = f.area AND r.term = f.term GROUP BY f.horizon;
SELECT h.horizon, h.n, e.n_forecasts, abs(h.scale - e.error_scale) < 1e-12 AS scale_ok, e.error_scale > 0 AS widens
FROM fw_hand h FULL JOIN _forecast_error('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer', NULL) e USING (horizon)
ORDER BY 1;

-- The forecast without the log (its rows renamed for a moment) against the forecast with it: the
-- same expected counts and model sd; the distribution is the model's widened by error_scale x
-- known_expected at every level, London-wide included (a relative error shared by all areas).
UPDATE forecasts SET model_name = 'fw_hidden' WHERE model_name = 'fw_avail';
CREATE TEMP TABLE fw_base AS SELECT * FROM supply_forecast('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer');
CREATE TEMP TABLE fw_base_sd AS
SELECT * FROM supply_demand('fw_avail', 'fw.tutors', 'fw.placements', 'fw.opportunities', '2022 Summer');
UPDATE forecasts SET model_name = 'fw_avail' WHERE model_name = 'fw_hidden';
CREATE TEMP TABLE fw_wide AS SELECT * FROM supply_forecast('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer');
SELECT b.horizon, count(*) AS rows, max(b.error_sd) AS base_error_sd,
	   bool_and(w.total_expected = b.total_expected AND w.known_expected = b.known_expected
				AND w.model_sd = b.model_sd AND b.model_sd = b.total_sd) AS same_model,
	   bool_and(abs(w.error_sd - coalesce(h.scale, 0) * w.known_expected) < 1e-9) AS error_sd_ok,
	   bool_and(w.total_distribution = count_widen(b.total_distribution, w.error_sd)) AS widened_ok,
	   bool_and((w.total_p10, w.total_p50, w.total_p90)
			  = (SELECT d.p10, d.p50, d.p90 FROM count_summary(count_widen(b.total_distribution, w.error_sd)) d)) AS percentiles_ok,
	   count(*) FILTER (WHERE w.total_p90 - w.total_p10 > b.total_p90 - b.total_p10) AS wider,
	   count(*) FILTER (WHERE w.total_p90 - w.total_p10 < b.total_p90 - b.total_p10) AS narrower,
	   bool_and(w.total_sd > w.model_sd - 1e-9) AS sd_not_smaller
FROM fw_base b JOIN fw_wide w USING (local_authority, horizon) LEFT JOIN fw_hand h USING (horizon)
GROUP BY b.horizon ORDER BY 1;
-- supply_demand (whose recruits also cover the areas of the demand) and the roll-ups widen the same way.
CREATE TEMP TABLE fw_wide_sd AS
SELECT * FROM supply_demand('fw_avail', 'fw.tutors', 'fw.placements', 'fw.opportunities', '2022 Summer');
SELECT count(*) AS rows,
	   bool_and(d.model_sd = b.model_sd AND d.expected_tutors = b.expected_tutors AND b.error_sd = 0) AS same_model,
	   bool_and(abs(d.error_sd - coalesce(h.scale, 0) * d.known_tutors) < 1e-9) AS error_sd_ok,
	   count(*) FILTER (WHERE d.tutors_p90 - d.tutors_p10 > b.tutors_p90 - b.tutors_p10) AS wider,
	   count(*) FILTER (WHERE d.tutors_p90 - d.tutors_p10 < b.tutors_p90 - b.tutors_p10) AS narrower,
	   bool_and(d.shortfall = greatest(0, ceil(d.expected_placements - 1e-9)::bigint - d.tutors_p10)) AS shortfall_ok
FROM fw_wide_sd d JOIN fw_base_sd b USING (local_authority, horizon) LEFT JOIN fw_hand h USING (horizon);
CREATE TEMP TABLE fw_hubs AS SELECT urn AS school_urn, urn % 3 AS hub FROM london_schools;
SELECT r.level, count(*) AS rows,
	   bool_and(abs(r.error_sd - coalesce(h.scale, 0) * r.known_expected) < 1e-9) AS error_sd_ok,
	   bool_and(r.total_sd > r.model_sd - 1e-9) AS sd_not_smaller
FROM supply_rollup('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer', hubs => 'fw_hubs') r
LEFT JOIN fw_hand h USING (horizon) GROUP BY r.level ORDER BY r.level;
-- The next recorded run keeps the model's sd apart from the error it was widened by.
SELECT record_forecast('fw_avail', 'fw.tutors', 'fw.placements', 'fw.opportunities', '2022 Summer') > 0 AS recorded;
SELECT bool_and(f.model_sd = w.model_sd AND f.error_sd = w.error_sd AND (f.p10, f.p90) = (w.tutors_p10, w.tutors_p90)) AS log_ok,
	   count(*) AS rows
FROM forecasts f JOIN fw_wide_sd w ON w.local_authority = f.area AND w.horizon = f.horizon
WHERE f.model_name = 'fw_avail' AND f.as_of = '2022 Summer';

-- What the error is learnt from: only forecasts whose term is in the placement history (a
-- placements table that ends in 2021 Autumn leaves the 2022 Spring forecasts out), of the same
-- measure (with responses: none were recorded), of this model, and recorded by the caller (rows of
-- another role with absurd numbers change nothing).
CREATE TEMP VIEW fw_placements_2021 AS SELECT * FROM fw.placements WHERE term <= '2021 Autumn';
SELECT horizon, n_forecasts FROM _forecast_error('fw_avail', 'fw.tutors', 'fw_placements_2021', '2022 Summer', NULL);
SELECT count(*) AS responding_rows
FROM _forecast_error('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer', 'fw.availability_responses');
SELECT count(*) AS other_model_rows FROM _forecast_error('fw_other', 'fw.tutors', 'fw.placements', '2022 Summer', NULL);
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_fw_mallory;
RESET client_min_messages;
CREATE ROLE regress_fw_mallory;
GRANT USAGE ON SCHEMA edupredict TO regress_fw_mallory;
SET ROLE regress_fw_mallory;
INSERT INTO edupredict.forecasts (run_id, model_name, model_versions, measure, as_of, horizon, term, level, area,
								  known_expected, recruits_expected, expected, p10, p50, p90, model_sd, error_sd)
SELECT nextval('edupredict.forecast_runs'), 'fw_avail', '{}', 'placed', '2021 Autumn', 1, '2022 Spring', 'local authority',
	   la, 1, 0, 1000, 990, 1000, 1010, 0, 0
FROM (VALUES ('Camden'), ('Croydon'), ('Zzz')) v(la);
RESET ROLE;
SELECT h.horizon, abs(h.scale - e.error_scale) < 1e-12 AS unchanged
FROM fw_hand h JOIN _forecast_error('fw_avail', 'fw.tutors', 'fw.placements', '2022 Summer', NULL) e USING (horizon)
ORDER BY 1;
DELETE FROM forecasts WHERE owner = 'regress_fw_mallory';
REVOKE USAGE ON SCHEMA edupredict FROM regress_fw_mallory;
DROP ROLE regress_fw_mallory;

SET client_min_messages = warning;
DELETE FROM forecasts WHERE model_name LIKE 'fw\_%';
DELETE FROM models WHERE name LIKE 'fw\_%';
DROP SCHEMA fw CASCADE;
