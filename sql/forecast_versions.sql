-- Which version of each horizon's forest forecasts as of a term (docs/forecasting.md, "Which version
-- predicts."): the deployed one (a pin), else the newest trained as of that term or before; one
-- without a recorded as_of qualifies for any term.  predict_availability used the deployed or the
-- newest version whatever its as_of, so a backtest rerun after a later training leaked the later
-- terms' outcomes into the earlier forecast.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
-- The run ids this file takes are given back at the end (forecast_total prints a run id).
SELECT last_value AS fv_runs_last, is_called AS fv_runs_called FROM edupredict.forecast_runs \gset

SELECT count(*) > 0 AS generated FROM generate_tutor_data('fv', 5, 300, '2019 Autumn', '2022 Autumn');
-- Trained as of A = 2021 Autumn, then as of a later B = 2022 Spring.
CREATE TEMP TABLE fv_a AS
SELECT horizon, model, version FROM train_availability('fv_avail', 'fv.tutors', 'fv.placements', '2021 Autumn',
													   n_trees => 5, seed => 3);
CREATE TEMP TABLE fv_b AS
SELECT horizon, model, version FROM train_availability('fv_avail', 'fv.tutors', 'fv.placements', '2022 Spring',
													   n_trees => 5, seed => 4);
-- Each version records the as_of it was trained for.
SELECT x.run, x.horizon, m.metrics ->> 'as_of' AS as_of
FROM (SELECT 'A' AS run, * FROM fv_a UNION ALL SELECT 'B', * FROM fv_b) x
JOIN models m ON m.name = x.model AND m.version = x.version ORDER BY 1, 2;

-- p_available of one set of versions ({"<model>_h<h>": version}), by predict_proba on the features.
CREATE FUNCTION pg_temp.fv_by_version(as_of school_term, versions jsonb)
RETURNS TABLE (tutor_id bigint, horizon integer, p double precision)
LANGUAGE sql AS $$
	SELECT f.tutor_id, h.h,
		   predict_proba('fv_avail_h' || h.h,
						 ROW(f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
							 f.terms_since_registration, f.placed_last_term,
							 ((as_of + h.h) - '1000 Spring'::school_term) % 3, term_season(as_of + h.h) = 'Spring',
							 term_season(as_of + h.h) = 'Summer', term_season(as_of + h.h) = 'Autumn'
						 )::availability_features, '1', (versions ->> ('fv_avail_h' || h.h))::integer)
	FROM tutor_features('fv.tutors', 'fv.placements', as_of) f, generate_series(1, 3) h(h)
$$;
-- Rows of predict_availability as of a term that differ from those versions' predictions.
CREATE FUNCTION pg_temp.fv_differing(as_of school_term, versions jsonb)
RETURNS TABLE (compared bigint, differing bigint)
LANGUAGE sql AS $$
	SELECT count(*), count(*) FILTER (WHERE p.p_available IS DISTINCT FROM e.p)
	FROM predict_availability('fv_avail', 'fv.tutors', 'fv.placements', as_of) p
	FULL JOIN pg_temp.fv_by_version(as_of, versions) e USING (tutor_id, horizon)
$$;
SELECT jsonb_object_agg(model, version) AS fv_va FROM fv_a \gset
SELECT jsonb_object_agg(model, version) AS fv_vb FROM fv_b \gset

-- As of A the forecast uses A's versions, as of B B's; record_forecast names the versions used.
SELECT compared > 0 AS compared, differing FROM pg_temp.fv_differing('2021 Autumn', :'fv_va');
SELECT compared > 0 AS compared, differing FROM pg_temp.fv_differing('2022 Spring', :'fv_vb');
SELECT record_forecast('fv_avail', 'fv.tutors', 'fv.placements', 'fv.opportunities', '2021 Autumn') AS fv_run \gset
SELECT bool_and(model_versions = :'fv_va') AS a_versions_logged FROM forecasts WHERE run_id = :fv_run;
SELECT record_forecast('fv_avail', 'fv.tutors', 'fv.placements', 'fv.opportunities', '2022 Spring') AS fv_run \gset
SELECT bool_and(model_versions = :'fv_vb') AS b_versions_logged FROM forecasts WHERE run_id = :fv_run;
-- record_forecast records both levels in one statement (one snapshot, so the versions it names are
-- those its forecasts used); without hub or sub-region tables that statement does not run the roll-up.
BEGIN;
SET LOCAL track_functions = 'pl';
SELECT record_forecast('fv_avail', 'fv.tutors', 'fv.placements', 'fv.opportunities', '2022 Spring') IS NOT NULL AS recorded;
SELECT COALESCE(pg_stat_get_xact_function_calls('supply_demand(text, regclass, regclass, regclass, school_term, regclass)'::regprocedure), 0)
	   AS supply_demand_calls,
	   COALESCE(pg_stat_get_xact_function_calls('supply_rollup(text, regclass, regclass, school_term, regclass, regclass, regclass)'::regprocedure), 0)
	   AS supply_rollup_calls;
ROLLBACK;
-- A term after B uses B's.
SELECT compared > 0 AS compared, differing FROM pg_temp.fv_differing('2022 Summer', :'fv_vb');

-- A deployed version is a pin: it forecasts as of A although it was trained as of B.
SELECT name, version = (SELECT version FROM fv_b WHERE horizon = 2) AS b_version
FROM deploy('fv_avail_h2', (SELECT version FROM fv_b WHERE horizon = 2));
SELECT compared > 0 AS compared, differing
FROM pg_temp.fv_differing('2021 Autumn', :'fv_va'::jsonb || jsonb_build_object('fv_avail_h2', (SELECT version FROM fv_b WHERE horizon = 2)));
SELECT record_forecast('fv_avail', 'fv.tutors', 'fv.placements', 'fv.opportunities', '2021 Autumn') AS fv_run \gset
SELECT bool_and(model_versions = :'fv_va'::jsonb || jsonb_build_object('fv_avail_h2', (SELECT version FROM fv_b WHERE horizon = 2)))
	   AS pinned_versions_logged
FROM forecasts WHERE run_id = :fv_run;

-- Before A no version of h1 qualifies (h2 is pinned): 55000 naming the model, horizon and earliest as_of.
\set SHOW_CONTEXT never
SELECT * FROM predict_availability('fv_avail', 'fv.tutors', 'fv.placements', '2021 Summer');
SELECT * FROM supply_demand('fv_avail', 'fv.tutors', 'fv.placements', 'fv.opportunities', '2021 Summer');
\set VERBOSITY sqlstate
SELECT record_forecast('fv_avail', 'fv.tutors', 'fv.placements', 'fv.opportunities', '2021 Summer');
\set VERBOSITY default
SELECT count(*) AS nothing_logged FROM forecasts WHERE model_name = 'fv_avail' AND as_of = '2021 Summer';
SELECT undeploy('fv_avail_h2') = (SELECT version FROM fv_b WHERE horizon = 2) AS undeployed;

-- A version without a recorded as_of (train_forest called directly, or trained before 0.2.0)
-- qualifies for any as_of.
CREATE TEMP TABLE fv_rows AS
SELECT f.*, 0 AS target_season, true AS target_spring, false AS target_summer, false AS target_autumn,
	   (f.n_previous_placements > 0)::integer AS available
FROM tutor_features('fv.tutors', 'fv.placements', '2021 Spring') f;
SELECT version > 0 AS trained, metrics ? 'as_of' AS has_as_of
FROM train_forest('fv_plain_h1', 'fv_rows', 'available',
				  ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
						'terms_since_registration', 'placed_last_term', 'target_season', 'target_spring',
						'target_summer', 'target_autumn'], 'classification', n_trees => 2);
SELECT count(*) > 0 AS predicted_before_and_after
FROM predict_availability('fv_plain', 'fv.tutors', 'fv.placements', '2020 Summer') b
JOIN predict_availability('fv_plain', 'fv.tutors', 'fv.placements', '2022 Autumn') a USING (tutor_id, horizon);

SET client_min_messages = warning;
DELETE FROM forecasts WHERE model_name LIKE 'fv\_%';
DELETE FROM models WHERE name LIKE 'fv\_%';
DROP SCHEMA fv CASCADE;
SELECT setval('edupredict.forecast_runs', :fv_runs_last, :'fv_runs_called') > 0 AS run_ids_given_back;
