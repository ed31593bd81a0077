-- Scoring the forecast log (docs/forecasting.md, "The forecast log and its score"): score_forecasts
-- scores the caller's own rows, the latest run per model, measure and origin (as_of) only.  A re-run
-- of the same origin (a scheduled job run twice) weighed that origin twice, runs of two models were
-- scored as one, and the rows of other roles the caller could see were counted.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
-- The run ids this file takes are given back at the end (forecast_total prints a run id).
SELECT last_value AS fs_runs_last, is_called AS fs_runs_called FROM edupredict.forecast_runs \gset

SELECT count(*) > 0 AS generated FROM generate_tutor_data('fs', 5, 500, '2019 Autumn', '2022 Autumn');
SELECT count(*) > 0 AS trained FROM train_availability('fs_a', 'fs.tutors', 'fs.placements', '2022 Spring', n_trees => 5, seed => 3);
SELECT count(*) > 0 AS trained FROM train_availability('fs_b', 'fs.tutors', 'fs.placements', '2022 Spring', n_trees => 5, seed => 4);

-- One run of fs_a: its score, and the same figures computed here from forecast_vs_realised.
SELECT record_forecast('fs_a', 'fs.tutors', 'fs.placements', 'fs.opportunities', '2022 Spring') > 0 AS recorded;
CREATE TEMP TABLE fs_once AS SELECT * FROM score_forecasts('fs.tutors', 'fs.placements') WHERE model_name LIKE 'fs\_%';
SELECT s.model_name, s.measure, s.level, s.horizon,
	   s.n_forecasts = h.n AND abs(s.mae - h.mae) < 1e-9 AND abs(s.bias - h.bias) < 1e-9 AS matches_by_hand
FROM fs_once s
JOIN (SELECT v.level, v.horizon, count(*) AS n, avg(abs(v.expected - v.realised)) AS mae, avg(v.expected - v.realised) AS bias
	  FROM forecast_vs_realised('fs.tutors', 'fs.placements') v
	  WHERE v.model_name = 'fs_a' AND v.realised IS NOT NULL GROUP BY 1, 2) h USING (level, horizon)
ORDER BY 1, 2, 3, 4;

-- A tutor listed twice (the second time in another local authority) was counted in both areas'
-- realised counts: forecast_vs_realised and score_forecasts refuse it (22023), as the forecasts do.
CREATE TEMP TABLE fs_tutors_twice AS
SELECT tutor_id, local_authority FROM fs.tutors
UNION ALL
SELECT t.tutor_id, (SELECT min(u.local_authority) FROM fs.tutors u WHERE u.local_authority <> t.local_authority)
FROM fs.tutors t WHERE t.tutor_id = (SELECT min(p.tutor_id) FROM fs.placements p WHERE p.term >= '2022 Spring');
\set SHOW_CONTEXT never
SELECT count(*) FROM forecast_vs_realised('fs_tutors_twice', 'fs.placements');
SELECT count(*) FROM score_forecasts('fs_tutors_twice', 'fs.placements');
\set SHOW_CONTEXT errors

-- The same origin recorded again: the score is the latest run's, with the same number of forecasts.
SELECT record_forecast('fs_a', 'fs.tutors', 'fs.placements', 'fs.opportunities', '2022 Spring') > 0 AS recorded_again;
SELECT count(DISTINCT run_id) AS runs_logged FROM forecasts WHERE model_name = 'fs_a';
CREATE TEMP TABLE fs_twice AS SELECT * FROM score_forecasts('fs.tutors', 'fs.placements') WHERE model_name LIKE 'fs\_%';
SELECT count(*) AS rows, bool_and(t.n_forecasts = o.n_forecasts) AS counted_once,
	   bool_and(abs(t.mae - o.mae) < 1e-9 AND abs(t.bias - o.bias) < 1e-9) AS same_figures
FROM fs_twice t JOIN fs_once o USING (model_name, measure, level, horizon);
-- The latest run is the one scored: an earlier run of the origin changed by hand does not move the
-- score, the latest one does, every forecast of it (the bias, the mean of expected - realised, moves
-- by exactly the 100 added; the MAE moves by less where the forecasts were below the realised count).
UPDATE forecasts SET expected = expected + 100
WHERE run_id = (SELECT min(run_id) FROM forecasts WHERE model_name = 'fs_a');
SELECT bool_and(abs(s.mae - o.mae) < 1e-9) AS earlier_run_ignored
FROM score_forecasts('fs.tutors', 'fs.placements') s JOIN fs_once o USING (model_name, measure, level, horizon);
UPDATE forecasts SET expected = expected + 100
WHERE run_id = (SELECT max(run_id) FROM forecasts WHERE model_name = 'fs_a');
SELECT bool_and(abs(s.bias - o.bias - 100) < 1e-9) AS latest_run_scored
FROM score_forecasts('fs.tutors', 'fs.placements') s JOIN fs_once o USING (model_name, measure, level, horizon);
UPDATE forecasts SET expected = expected - 100 WHERE model_name = 'fs_a';

-- Another model's run of the same origin is scored apart, and leaves fs_a's score as it was.
SELECT record_forecast('fs_b', 'fs.tutors', 'fs.placements', 'fs.opportunities', '2022 Spring') > 0 AS recorded_b;
SELECT s.model_name, count(*) AS rows, bool_and(s.n_forecasts = o.n_forecasts) AS counted_once,
	   bool_and(s.model_name = 'fs_b' OR abs(s.mae - o.mae) < 1e-9) AS fs_a_unchanged
FROM score_forecasts('fs.tutors', 'fs.placements') s JOIN fs_once o USING (measure, level, horizon)
WHERE s.model_name LIKE 'fs\_%' GROUP BY 1 ORDER BY 1;

-- Rows another role recorded, visible here (a superuser sees every row), are not scored: neither a
-- later run of the same model and origin nor rows that reuse the caller's run id.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_fs_other;
RESET client_min_messages;
CREATE ROLE regress_fs_other;
GRANT USAGE ON SCHEMA edupredict TO regress_fs_other;
CREATE TABLE public.fs_copy AS
SELECT run_id, model_name, model_versions, measure, as_of, horizon, term, level, area, known_expected,
	   recruits_expected, expected + 100 AS expected, p10, p50, p90
FROM forecasts WHERE run_id = (SELECT max(run_id) FROM forecasts WHERE model_name = 'fs_a');
GRANT SELECT ON public.fs_copy TO regress_fs_other;
SET ROLE regress_fs_other;
INSERT INTO edupredict.forecasts (run_id, model_name, model_versions, measure, as_of, horizon, term, level, area,
								  known_expected, recruits_expected, expected, p10, p50, p90)
SELECT r.id, c.model_name, c.model_versions, c.measure, c.as_of, c.horizon, c.term, c.level, c.area,
	   c.known_expected, c.recruits_expected, c.expected, c.p10, c.p50, c.p90
FROM public.fs_copy c,
	 (SELECT min(run_id) AS id FROM public.fs_copy UNION ALL SELECT nextval('edupredict.forecast_runs')) r;
RESET ROLE;
SELECT count(*) > 0 AS other_rows_visible FROM forecasts WHERE owner = 'regress_fs_other';
-- forecast_vs_realised lists every run the caller can see (here, as a superuser, the other role's runs
-- too), as its COMMENT says; score_forecasts below scores only the caller's own.
SELECT count(*) > 0 AS other_roles_runs_listed
FROM forecast_vs_realised('fs.tutors', 'fs.placements') v
WHERE v.run_id IN (SELECT run_id FROM forecasts WHERE owner = 'regress_fs_other'
				   EXCEPT SELECT run_id FROM forecasts WHERE owner = current_user);
SELECT obj_description('forecast_vs_realised(regclass, regclass, regclass, regclass, regclass)'::regprocedure, 'pg_proc')
	   ~ 'every recorded forecast the caller can see' AS comment_says_every_visible_run;
SELECT count(*) AS rows, bool_and(s.n_forecasts = o.n_forecasts) AS counted_once,
	   bool_and(abs(s.mae - o.mae) < 1e-9) AS same_figures
FROM score_forecasts('fs.tutors', 'fs.placements') s JOIN fs_once o USING (model_name, measure, level, horizon);

SET client_min_messages = warning;
DELETE FROM forecasts WHERE model_name LIKE 'fs\_%';
DROP TABLE public.fs_copy;
REVOKE USAGE ON SCHEMA edupredict FROM regress_fs_other;
DROP ROLE regress_fs_other;
DELETE FROM models WHERE name LIKE 'fs\_%';
DROP SCHEMA fs CASCADE;
SELECT setval('edupredict.forecast_runs', :fs_runs_last, :'fs_runs_called') > 0 AS run_ids_given_back;
