-- Tutor supply against school demand per local authority and term (docs/forecasting.md).
-- Generates seed-42 data, pseudonymises the personal columns, trains one forest per horizon as of
-- 2023 Autumn, forecasts the next three terms, and writes Tableau-ready CSVs and a chart to out/.
\echo '--- forecast: generating tutor data (seed 42) into schema tutoring'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS tutoring CASCADE;
RESET client_min_messages;
SELECT relation, n_rows FROM edupredict.generate_tutor_data('tutoring', seed => 42);

-- Personal data never reaches the model: keyed pseudonyms (the demo cluster has a key set).
UPDATE tutoring.tutors
SET email = edupredict.sha256_pii(email, 'email'), full_name = edupredict.sha256_pii(full_name, 'name');

\echo '--- forecast: training one forest per horizon as of 2023 Autumn'
SELECT horizon, model, version, n_rows, round(positive_rate::numeric, 3) AS positive_rate
FROM edupredict.train_availability('tutor_availability', 'tutoring.tutors', 'tutoring.placements',
								   as_of => '2023 Autumn');

CREATE TABLE tutoring.availability_forecast AS
SELECT * FROM edupredict.predict_availability('tutor_availability', 'tutoring.tutors', 'tutoring.placements',
											  '2023 Autumn', 'tutoring.availability_responses');
CREATE TABLE tutoring.supply_demand AS
SELECT * FROM edupredict.supply_demand('tutor_availability', 'tutoring.tutors', 'tutoring.placements',
									   'tutoring.opportunities', '2023 Autumn',
									   'tutoring.availability_responses');

-- Views for Tableau: readable names, plain types (text, date, integer, numeric), no arrays or composites.
CREATE VIEW tutoring.tableau_supply_demand AS
SELECT local_authority AS "Local authority",
	   local_authority = 'London-wide' AS "London-wide total",
	   term::text AS "Term",
	   edupredict.term_start(term) AS "Term start",
	   horizon AS "Terms ahead",
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

\copy (SELECT "Local authority", "London-wide total"::text AS "London-wide total", "Term", "Term start", "Terms ahead", "Expected tutors", "Tutors (10th percentile)", "Tutors (median)", "Tutors (90th percentile)", "Confirmed placements", "Expected placements", "Placements per tutor", "Tutors to recruit (90% cover)" FROM tutoring.tableau_supply_demand ORDER BY "Term start", "London-wide total", "Local authority") TO 'out/forecast_supply_demand.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM tutoring.tableau_tutor_forecast ORDER BY 1, 4) TO 'out/forecast_tutors.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT * FROM tutoring.tableau_models ORDER BY 3) TO 'out/forecast_models.csv' WITH (FORMAT csv, HEADER true)

\echo '--- forecast: London-wide supply and demand (tutors available and responding to the survey)'
SELECT "Term", "Expected tutors", "Tutors (10th percentile)" AS p10, "Tutors (90th percentile)" AS p90,
	   "Expected placements", "Placements per tutor", "Tutors to recruit (90% cover)"
FROM tutoring.tableau_supply_demand WHERE "London-wide total" ORDER BY "Term start";
\echo '--- forecast: the ten local authorities with the largest shortfall (worst of the three terms)'
SELECT local_authority, max(shortfall) AS tutors_to_recruit, sum(shortfall) AS shortfall_term_sum,
	   round(avg(expected_tutors)::numeric, 1) AS mean_expected_tutors,
	   round(avg(expected_placements)::numeric, 1) AS mean_expected_placements
FROM tutoring.supply_demand WHERE local_authority <> 'London-wide'
GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10;
