-- Tutor supply against school demand per local authority and term (docs/forecasting.md).
-- Generates seed-42 data, pseudonymises the personal columns, runs the termly refresh (three forests,
-- recruits, supply and demand, forecast log) as of each term from 2022 Autumn to 2023 Autumn (so the
-- log holds forecasts that can be scored and that widen the later ranges), and writes Tableau-ready
-- CSVs (one with small cells suppressed) and charts to out/.
\echo '--- forecast: generating tutor data (seed 42) into schema tutoring'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS tutoring CASCADE;
RESET client_min_messages;
SELECT relation, n_rows FROM edupredict.generate_tutor_data('tutoring', seed => 42);

-- Personal data never reaches the model: keyed pseudonyms (the demo cluster has a key set).
UPDATE tutoring.tutors
SET email = edupredict.sha256_pii(email, 'email'), full_name = edupredict.sha256_pii(full_name, 'name');

-- Roll-up tables: the six equal hubs of demo/40_hubs.sql (one row per URN) and the ONS Inner / Outer
-- London split, with the districts around London as a third sub-region.
CREATE VIEW tutoring.school_hub AS
SELECT DISTINCT ON (urn) urn AS school_urn, 'hub ' || (hub_k6 + 1) AS hub
FROM edupredict_data.school_hubs ORDER BY urn, school_id;
CREATE TABLE tutoring.sub_region AS
SELECT DISTINCT la_name AS local_authority,
	   CASE WHEN la_name IN ('Camden', 'City of London', 'Hackney', 'Hammersmith and Fulham', 'Haringey', 'Islington',
							 'Kensington and Chelsea', 'Lambeth', 'Lewisham', 'Newham', 'Southwark', 'Tower Hamlets',
							 'Wandsworth', 'Westminster') THEN 'Inner London'
			WHEN la_name IN ('Barking and Dagenham', 'Barnet', 'Bexley', 'Brent', 'Bromley', 'Croydon', 'Ealing', 'Enfield',
							 'Greenwich', 'Harrow', 'Havering', 'Hillingdon', 'Hounslow', 'Kingston upon Thames', 'Merton',
							 'Redbridge', 'Richmond upon Thames', 'Sutton', 'Waltham Forest') THEN 'Outer London'
			ELSE 'Around London' END AS sub_region
FROM edupredict.london_schools;

-- A year of termly refreshes, in time order, as a scheduled job would have run them (each uses only
-- what was known at its as_of): the log then holds forecasts whose terms have happened, which are
-- scored below and widen the ranges of the later forecasts by the error they made.
\echo '--- forecast: termly refreshes as of 2022 Autumn, 2023 Spring, 2023 Summer and 2023 Autumn (three forests, recruits, supply and demand, forecast log each)'
DO $$
DECLARE
	t text;
	run bigint;
BEGIN
	FOREACH t IN ARRAY ARRAY['2022 Autumn', '2023 Spring', '2023 Summer', '2023 Autumn'] LOOP
		CALL edupredict.refresh_supply('tutor_availability', 'tutoring.tutors', 'tutoring.placements',
									   'tutoring.opportunities', 'tutoring.availability_responses',
									   as_of => t::edupredict.school_term, hubs => 'tutoring.school_hub',
									   sub_regions => 'tutoring.sub_region', run_id => run);
	END LOOP;
END $$;
SELECT m.name AS model, m.version, m.n_rows, round((m.metrics ->> 'roc_auc')::numeric, 3) AS holdout_roc_auc
FROM edupredict.models m WHERE m.name LIKE 'tutor\_availability\_h%'
  AND m.version = (SELECT max(m2.version) FROM edupredict.models m2 WHERE m2.name = m.name) ORDER BY m.name;

CREATE TABLE tutoring.availability_forecast AS
SELECT * FROM edupredict.predict_availability('tutor_availability', 'tutoring.tutors', 'tutoring.placements',
											  '2023 Autumn', 'tutoring.availability_responses');
CREATE TABLE tutoring.supply_demand AS
SELECT * FROM edupredict.supply_demand('tutor_availability', 'tutoring.tutors', 'tutoring.placements',
									   'tutoring.opportunities', '2023 Autumn',
									   'tutoring.availability_responses');
CREATE TABLE tutoring.supply_rollup AS
SELECT * FROM edupredict.supply_rollup('tutor_availability', 'tutoring.tutors', 'tutoring.placements', '2023 Autumn',
									   'tutoring.availability_responses', 'tutoring.school_hub', 'tutoring.sub_region');

-- Views for Tableau: readable names, plain types (text, date, integer, numeric), no arrays or composites.
CREATE VIEW tutoring.tableau_supply_demand AS
SELECT local_authority AS "Local authority",
	   local_authority = 'London-wide' AS "London-wide total",
	   term::text AS "Term",
	   edupredict.term_start(term) AS "Term start",
	   horizon AS "Terms ahead",
	   round(known_tutors::numeric, 1) AS "Expected known tutors",
	   round(recruit_tutors::numeric, 1) AS "Expected recruits",
	   round(expected_tutors::numeric, 1) AS "Expected tutors",
	   tutors_p10 AS "Tutors (10th percentile)",
	   tutors_p50 AS "Tutors (median)",
	   tutors_p90 AS "Tutors (90th percentile)",
	   confirmed_placements AS "Confirmed placements",
	   round(expected_placements::numeric, 1) AS "Expected placements",
	   round(placement_tutor_ratio::numeric, 2) AS "Placements per tutor",
	   shortfall AS "Tutors to recruit (90% cover)"
FROM tutoring.supply_demand;
COMMENT ON VIEW tutoring.tableau_supply_demand IS 'supply against demand per local authority and term, for Tableau';

CREATE VIEW tutoring.tableau_tutor_forecast AS
SELECT f.tutor_id AS "Tutor ID",
	   t.local_authority AS "Local authority",
	   f.term::text AS "Term",
	   f.horizon AS "Terms ahead",
	   round(f.p_available::numeric, 4) AS "P(available)",
	   round(f.p_response::numeric, 4) AS "P(responds to survey)",
	   round(f.p_effective::numeric, 4) AS "P(available and responds)"
FROM tutoring.availability_forecast f JOIN tutoring.tutors t USING (tutor_id);
COMMENT ON VIEW tutoring.tableau_tutor_forecast IS 'per-tutor availability forecast (pseudonymised data), for Tableau';

CREATE VIEW tutoring.tableau_models AS
SELECT m.name AS "Model",
	   m.version AS "Version",
	   substr(m.name, length('tutor_availability_h') + 1)::integer AS "Terms ahead",
	   m.n_rows AS "Training rows",
	   round((m.metrics ->> 'roc_auc')::numeric, 3) AS "Hold-out ROC AUC",
	   round((m.metrics ->> 'accuracy')::numeric, 3) AS "Hold-out accuracy",
	   round((m.metrics ->> 'log_loss')::numeric, 3) AS "Hold-out log loss",
	   round(m.train_seconds::numeric, 2) AS "Training seconds"
FROM edupredict.models m WHERE m.name LIKE 'tutor\_availability\_h%';
COMMENT ON VIEW tutoring.tableau_models IS 'the availability forests in the registry, for Tableau';

-- Safe export: local authority x term cells below edupredict.min_cell (5) suppressed, plus the
-- secondary suppression that keeps them from being recovered from the London-wide totals.
CREATE TABLE tutoring.supply_cells AS
SELECT local_authority, term::text AS term, expected_tutors FROM tutoring.supply_demand WHERE local_authority <> 'London-wide';
CREATE VIEW tutoring.tableau_supply_safe AS
SELECT c.row_key AS "Local authority", c.column_key AS "Term", round(c.value::numeric, 1) AS "Expected tutors",
	   CASE WHEN NOT c.suppressed THEN s.tutors_p10 END AS "Tutors (10th percentile)",
	   CASE WHEN NOT c.suppressed THEN s.tutors_p90 END AS "Tutors (90th percentile)",
	   c.suppressed AS "Suppressed", c.reason AS "Suppression"
FROM edupredict.suppress_small_cells('tutoring.supply_cells', 'local_authority', 'term', 'expected_tutors') c
JOIN tutoring.supply_demand s ON s.local_authority = c.row_key AND s.term::text = c.column_key;
COMMENT ON VIEW tutoring.tableau_supply_safe IS 'expected tutors per local authority and term with small cells suppressed, for publication';

-- The forecast log beside what happened, for Tableau (NULL realised until the term is in the data).
CREATE VIEW tutoring.tableau_forecast_vs_realised AS
SELECT v.run_id AS "Run", v.model_name AS "Model", v.measure AS "Counts", v.as_of::text AS "Forecast made in term",
	   v.horizon AS "Terms ahead", v.term::text AS "Term", v.level AS "Level", v.area AS "Area",
	   round(v.expected::numeric, 1) AS "Expected", v.p10 AS "10th percentile", v.p90 AS "90th percentile",
	   v.realised AS "Realised", round(v.error::numeric, 1) AS "Error", v.inside_p10_p90 AS "Within p10-p90"
FROM edupredict.forecast_vs_realised('tutoring.tutors', 'tutoring.placements', 'tutoring.availability_responses',
									 'tutoring.school_hub', 'tutoring.sub_region') v;
COMMENT ON VIEW tutoring.tableau_forecast_vs_realised IS 'recorded forecasts against realised counts, for Tableau';

\copy (SELECT "Local authority", "London-wide total"::text AS "London-wide total", "Term", "Term start", "Terms ahead", "Expected tutors", "Tutors (10th percentile)", "Tutors (median)", "Tutors (90th percentile)", "Confirmed placements", "Expected placements", "Placements per tutor", "Tutors to recruit (90% cover)" FROM tutoring.tableau_supply_demand ORDER BY "Term start", "London-wide total", "Local authority") TO 'out/forecast_supply_demand.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM tutoring.tableau_tutor_forecast ORDER BY 1, 4) TO 'out/forecast_tutors.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM tutoring.tableau_models ORDER BY 3) TO 'out/forecast_models.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM tutoring.tableau_supply_safe ORDER BY 1, 2) TO 'out/forecast_supply_safe.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM edupredict.tableau_forecasts ORDER BY "Run", "Level", "Term start", "Area") TO 'out/forecast_log.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM tutoring.tableau_forecast_vs_realised ORDER BY 1, 7, 6, 8) TO 'out/forecast_vs_realised.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT level, area, horizon, term, round(known_expected::numeric, 2) AS known_expected, round(recruits_expected::numeric, 2) AS recruits_expected, round(total_expected::numeric, 2) AS total_expected, total_p10, total_p50, total_p90 FROM tutoring.supply_rollup ORDER BY array_position(ARRAY['local authority', 'hub', 'sub-region', 'London-wide'], level), term, area) TO 'out/forecast_rollup.csv' WITH (FORMAT csv, HEADER true)

\echo '--- forecast: London-wide supply and demand (tutors available and responding to the survey; known + recruits)'
SELECT "Term", "Expected known tutors" AS known, "Expected recruits" AS recruits, "Expected tutors", "Tutors (10th percentile)" AS p10, "Tutors (90th percentile)" AS p90,
	   "Expected placements", "Placements per tutor", "Tutors to recruit (90% cover)"
FROM tutoring.tableau_supply_demand WHERE "London-wide total" ORDER BY "Term start";
\echo '--- forecast: the ten local authorities with the largest shortfall (worst of the three terms)'
SELECT local_authority, max(shortfall) AS tutors_to_recruit, sum(shortfall) AS shortfall_term_sum,
	   round(avg(expected_tutors)::numeric, 1) AS mean_expected_tutors,
	   round(avg(expected_placements)::numeric, 1) AS mean_expected_placements
FROM tutoring.supply_demand WHERE local_authority <> 'London-wide'
GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10;
\echo '--- forecast: supply by sub-region and hub, one term ahead (exact convolution of the parts)'
SELECT level, area, term, round(known_expected::numeric, 1) AS known, round(recruits_expected::numeric, 1) AS recruits,
	   round(total_expected::numeric, 1) AS total, total_p10, total_p90
FROM tutoring.supply_rollup WHERE horizon = 1 AND level <> 'local authority'
ORDER BY array_position(ARRAY['hub', 'sub-region', 'London-wide'], level), area;
\echo '--- forecast: the error learnt from the realised earlier forecasts, which widens p10-p90 (per local authority, mean)'
SELECT horizon, round(avg(model_sd)::numeric, 2) AS model_sd, round(avg(error_sd)::numeric, 2) AS error_sd
FROM tutoring.supply_demand WHERE local_authority <> 'London-wide' GROUP BY horizon ORDER BY horizon;
\echo '--- forecast: the recorded forecasts whose terms have happened, scored against what happened'
SELECT level, horizon, n_forecasts, round(mae::numeric, 2) AS mae, round(bias::numeric, 2) AS bias,
	   round(coverage_p10_p90::numeric, 2) AS coverage_p10_p90
FROM edupredict.score_forecasts('tutoring.tutors', 'tutoring.placements', 'tutoring.availability_responses',
								'tutoring.school_hub', 'tutoring.sub_region');
\echo '--- forecast: cells suppressed in the safe export (fewer than 5 expected tutors, and secondary)'
SELECT "Suppression", count(*) FROM tutoring.tableau_supply_safe GROUP BY 1 ORDER BY 1 NULLS FIRST;
