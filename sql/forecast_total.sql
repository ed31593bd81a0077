-- Whole supply (issue 14): count distributions, the recruits model, totals and roll-ups, the
-- forecast log with its owners, scoring, small-cell suppression and the termly refresh.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Count distributions.  Poisson(2): P(0..4) = e^-2 (1, 2, 2, 4/3, 2/3), cumulative .135/.406/.677/
-- .857/.947: p10 0, p50 2, p90 4; the mass on [0, 4] is 7 e^-2.
SELECT (count_summary(count_poisson(2))).*, round(count_mass(count_poisson(2), 0, 4)::numeric, 9) AS mass_0_4,
	   round((7 * exp(-2.0))::numeric, 9) AS by_hand;
SELECT (count_summary(count_poisson(0))).*;
-- Poisson(1) + Poisson(2) is Poisson(3), point by point.
SELECT bool_and(abs(count_mass(count_convolve(count_poisson(1), count_poisson(2)), 0, k)
				   - count_mass(count_poisson(3), 0, k)) < 1e-12) AS poisson_sum_exact
FROM generate_series(0, 15) k;
-- Two fair coins plus Poisson(1), against the pmf written out: P(S = k) = sum over j of
-- C(2, j)/4 * e^-1 / (k - j)!; percentiles from its cumulative sums.
WITH pmf AS (
	SELECT k, sum(c.w * exp(-1.0) / factorial(k - c.j)) AS p
	FROM generate_series(0, 30) k, (VALUES (0, 0.25), (1, 0.5), (2, 0.25)) c(j, w)
	WHERE k >= c.j GROUP BY k),
cdf AS (SELECT k, sum(p) OVER (ORDER BY k) AS c FROM pmf),
hand AS (SELECT (SELECT min(k) FROM cdf WHERE c >= 0.1) AS p10, (SELECT min(k) FROM cdf WHERE c >= 0.5) AS p50,
				(SELECT min(k) FROM cdf WHERE c >= 0.9) AS p90),
ours AS (SELECT count_convolve((SELECT expected_count_state(p) FROM (VALUES (0.5::float8), (0.5)) v(p)), count_poisson(1)) AS s)
SELECT (count_summary(ours.s)).expected AS expected, round((count_summary(ours.s)).sd::numeric, 12) = round(sqrt(1.5)::numeric, 12) AS sd_ok,
	   ((count_summary(ours.s)).p10, (count_summary(ours.s)).p50, (count_summary(ours.s)).p90) = (hand.p10, hand.p50, hand.p90) AS percentiles_ok,
	   hand.p10, hand.p50, hand.p90,
	   (SELECT bool_and(abs(count_mass(ours.s, 0, cdf.k) - cdf.c) < 1e-12) FROM cdf) AS cdf_ok
FROM ours, hand;
-- The aggregate convolves in any order; expected_count_state is expected_count's state.
SELECT count_summary(convolve_counts(s ORDER BY i)) = count_summary(convolve_counts(s ORDER BY i DESC)) AS order_free,
	   count_summary(convolve_counts(s)) = count_summary(count_poisson(6)) AS poisson_1_2_3
FROM (SELECT i, count_poisson(i) AS s FROM generate_series(1, 3) i) x;
SELECT count_summary(expected_count_state(p)) = expected_count(p) AS same
FROM (SELECT (i % 10) / 10.0 AS p FROM generate_series(1, 500) i) x;
\set VERBOSITY terse
SELECT count_poisson(-1);
SELECT count_poisson('NaN');
SELECT count_poisson(1e8);
SELECT count_mass('{7041,1,0,0,0,1,0,0.1}', 0, 1);
\set VERBOSITY default

-- The recruits model on a hand-made history (docs/forecasting.md, "Recruits").  Nine terms, 2020
-- Autumn to 2023 Summer; every term 2 tutors register in A and 1 in B, and each is placed in the
-- term after registering only.  As of 2023 Autumn: the last year's 9 registrations split 1/3 per
-- season (9 + 10) / (27 + 30), trend sqrt((9 + 20) / (9 + 20)) = 1, so 3 a term London-wide; shares
-- (registrations of the last 6 terms + 10 / 3) / (18 + 10): A 0.547619, B 1/3, C (no registrations,
-- passed in areas) 0.119048.  q(1) = 1, q(2) = q(3) = 0, so a recruit counts only if registered in the
-- term just before the target: recruits = 3 x share at every horizon; registrations 3h x share.
CREATE TEMP TABLE rc_tutors AS
SELECT row_number() OVER (ORDER BY t, la) AS tutor_id, term_start(t) + 10 AS registered_on, la AS local_authority,
	   t AS reg_term
FROM generate_series(0, 8) i, LATERAL (SELECT '2020 Autumn'::school_term + i AS t) x,
	 (VALUES ('A'), ('A'), ('B')) l(la);
CREATE TEMP TABLE rc_placements AS
SELECT tutor_id, reg_term + 1 AS term FROM rc_tutors WHERE reg_term + 1 <= '2023 Summer';
SELECT local_authority, horizon, term, round(registrations_expected::numeric, 6) AS registrations,
	   round(recruits_expected::numeric, 6) AS recruits
FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', areas => ARRAY['C'])
ORDER BY horizon, local_authority;
-- Errors of PL/pgSQL functions: message, DETAIL and HINT shown, the SQLSTATE echoed, and no
-- CONTEXT line (it carries the function's line number, which moves with every edit of the
-- function); where the CONTEXT matters, context_of() shows it with the line numbers masked.
CREATE FUNCTION pg_temp.context_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	ctx text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
	-- the frames below this function's EXECUTE, line numbers masked
	RETURN regexp_replace(split_part(ctx, E'\nPL/pgSQL function pg_temp', 1), 'line [0-9]+', 'line N', 'g');
END $$;
\set SHOW_CONTEXT never
-- Before any registration there is no rate to estimate.
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2020 Autumn');
\echo sqlstate :SQLSTATE
-- Horizons are checked as train_availability checks them (22023, the CONTEXT one line of the
-- function): repeated ones and multi-dimensional arrays were accepted.
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{1,1}');
\echo sqlstate :SQLSTATE
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{{1}}');
\echo sqlstate :SQLSTATE
\set SHOW_CONTEXT errors
SELECT pg_temp.context_of($$SELECT * FROM edupredict.recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{{1}}')$$);
\set VERBOSITY sqlstate
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{1,1}');
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{{1,2},{3,4}}');
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{0}');
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{2,NULL}');
SELECT * FROM recruit_forecast('rc_tutors', 'rc_placements', '2023 Autumn', horizons => '{}');
\set VERBOSITY default

-- Whole supply on generated data: totals add up, London-wide is the exact convolution of the local
-- authorities (not the sum of their percentiles), hubs and sub-regions share the same totals.
SELECT count(*) FROM generate_tutor_data('ft', 5, 500, '2019 Autumn', '2022 Autumn');
SELECT count(*) FROM train_availability('ft_avail', 'ft.tutors', 'ft.placements', '2022 Spring', n_trees => 20, seed => 3);
CREATE TEMP TABLE ft_supply AS SELECT * FROM supply_forecast('ft_avail', 'ft.tutors', 'ft.placements', '2022 Spring');
SELECT horizon, count(*) FILTER (WHERE local_authority <> 'London-wide') AS local_authorities,
	   bool_and(abs(total_expected - known_expected - recruits_expected) < 1e-9) AS total_is_known_plus_recruits,
	   bool_and(total_p10 <= total_p50 AND total_p50 <= total_p90) AS ordered,
	   round(sum(total_expected) FILTER (WHERE local_authority <> 'London-wide')::numeric, 6)
	 = round(sum(total_expected) FILTER (WHERE local_authority = 'London-wide')::numeric, 6) AS sums_to_london,
	   sum(total_p10) FILTER (WHERE local_authority <> 'London-wide') AS sum_of_local_p10,
	   max(total_p10) FILTER (WHERE local_authority = 'London-wide') AS london_p10
FROM ft_supply GROUP BY horizon ORDER BY horizon;
-- (London-wide convolves the known parts and adds one Poisson of the summed means; the convolution
-- of the local totals is the same distribution up to rounding of the last bits.)
SELECT bool_and(abs((count_summary(l.d)).expected - w.total_expected) < 1e-9 AND abs((count_summary(l.d)).sd - w.total_sd) < 1e-9
				AND ((count_summary(l.d)).p10, (count_summary(l.d)).p50, (count_summary(l.d)).p90)
				  = (w.total_p10, w.total_p50, w.total_p90)
				AND abs(count_mass(l.d, w.total_p10, w.total_p90) - count_mass(w.total_distribution, w.total_p10, w.total_p90)) < 1e-12)
	   AS london_is_convolution
FROM (SELECT horizon, convolve_counts(total_distribution) AS d FROM ft_supply WHERE local_authority <> 'London-wide'
	  GROUP BY horizon) l
JOIN ft_supply w ON w.local_authority = 'London-wide' AND w.horizon = l.horizon;
SELECT round(known_expected::numeric, 2) AS known, round(recruits_expected::numeric, 2) AS recruits,
	   round(total_expected::numeric, 2) AS total, total_p10, total_p50, total_p90
FROM ft_supply WHERE local_authority IN ('Camden', 'London-wide') ORDER BY local_authority, horizon;
-- A tutor listed twice would count twice, one without a local authority would form a group of its own:
-- both are refused (22023) before any forecast is made, and so are training and predicting on a tutor twice.
\set SHOW_CONTEXT never
CREATE TEMP TABLE ft_tutors_twice AS SELECT * FROM ft.tutors UNION ALL (SELECT * FROM ft.tutors ORDER BY tutor_id LIMIT 1);
SELECT * FROM supply_forecast('ft_avail', 'ft_tutors_twice', 'ft.placements', '2022 Spring');
SELECT * FROM train_availability('ft_twice', 'ft_tutors_twice', 'ft.placements', '2022 Spring', n_trees => 1);
SELECT * FROM predict_availability('ft_avail', 'ft_tutors_twice', 'ft.placements', '2022 Spring');
CREATE TEMP TABLE ft_tutors_no_la AS SELECT * FROM ft.tutors;
UPDATE ft_tutors_no_la SET local_authority = NULL WHERE tutor_id = (SELECT max(tutor_id) FROM ft.tutors);
SELECT * FROM supply_forecast('ft_avail', 'ft_tutors_no_la', 'ft.placements', '2022 Spring');
-- recruit_forecast called directly refuses them the same way (it counted the tutor twice, or forecast
-- recruits for a NULL area).
SELECT count(*) FROM recruit_forecast('ft_tutors_twice', 'ft.placements', '2022 Spring');
SELECT count(*) FROM recruit_forecast('ft_tutors_no_la', 'ft.placements', '2022 Spring');
-- 'London-wide' labels the total row: an area of that name would merge into it, so it is refused (22023).
CREATE TEMP TABLE ft_tutors_lw AS SELECT * FROM ft.tutors;
UPDATE ft_tutors_lw SET local_authority = 'London-wide' WHERE local_authority = (SELECT min(local_authority) FROM ft.tutors);
SELECT count(*) FROM supply_forecast('ft_avail', 'ft_tutors_lw', 'ft.placements', '2022 Spring');
SELECT count(*) FROM recruit_forecast('ft_tutors_lw', 'ft.placements', '2022 Spring');
\set SHOW_CONTEXT errors
-- Hubs: every school in a hub (hub = urn mod 4); the hubs hold the supply of the local authorities
-- with placements before as_of (the others are counted in a NOTICE).  Then a hub table that misses
-- schools (NOTICE).
CREATE TEMP TABLE ft_hubs AS SELECT urn AS school_urn, urn % 4 AS hub FROM london_schools;
CREATE TEMP TABLE ft_sub AS SELECT DISTINCT la_name AS local_authority, left(la_name, 1) < 'K' AS sub_region FROM london_schools;
CREATE TEMP TABLE ft_roll AS SELECT * FROM supply_rollup('ft_avail', 'ft.tutors', 'ft.placements', '2022 Spring', NULL, 'ft_hubs', 'ft_sub');
SELECT level, horizon, count(*) AS areas, round(sum(known_expected)::numeric, 4) AS known, round(sum(recruits_expected)::numeric, 4) AS recruits
FROM ft_roll WHERE horizon = 1 GROUP BY level, horizon ORDER BY level;
CREATE TEMP TABLE ft_hubs_part AS SELECT * FROM ft_hubs WHERE school_urn % 5 <> 0;
SELECT level, count(*) FROM supply_rollup('ft_avail', 'ft.tutors', 'ft.placements', '2022 Spring', hubs => 'ft_hubs_part')
GROUP BY level ORDER BY level;
-- The NOTICEs count what the roll-up leaves out and hint a query that lists it: they reach the server
-- log, so they show no value of the caller's rows (STYLE.md section 8).  Here every local authority
-- carries a sentinel, as does the URN of every school the hub table misses: none of the three NOTICEs
-- below may show SENTINEL_PUPIL_7Q or 7770777.
CREATE TEMP TABLE ft_tutors_sentinel AS SELECT * FROM ft.tutors;
UPDATE ft_tutors_sentinel SET local_authority = 'SENTINEL_PUPIL_7Q ' || local_authority;
CREATE TEMP TABLE ft_placements_sentinel AS SELECT * FROM ft.placements;
UPDATE ft_placements_sentinel SET school_urn = 7770777 WHERE school_urn % 5 = 0;
SELECT level, count(*) FROM supply_rollup('ft_avail', 'ft_tutors_sentinel', 'ft_placements_sentinel', '2022 Spring', NULL, 'ft_hubs', 'ft_sub')
GROUP BY level ORDER BY level;

-- The forecast log: record a run, score it once the terms have happened.
SELECT record_forecast('ft_avail', 'ft.tutors', 'ft.placements', 'ft.opportunities', '2022 Spring', NULL, 'ft_hubs', 'ft_sub') > 0 AS recorded;
SELECT level, count(*), min(model_versions::text) AS versions, min(measure) AS measure FROM forecasts GROUP BY level ORDER BY level;
-- Realised = distinct tutors of the area placed in the term, counted here independently.
SELECT bool_and(v.realised = (SELECT count(DISTINCT p.tutor_id) FROM ft.placements p JOIN ft.tutors t USING (tutor_id)
							   WHERE p.term = v.term AND (v.area = 'London-wide' OR t.local_authority = v.area))) AS realised_ok,
	   count(*) FILTER (WHERE v.realised IS NULL) AS not_yet_realised, count(*) AS rows
FROM forecast_vs_realised('ft.tutors', 'ft.placements') v WHERE v.level IN ('local authority', 'London-wide');
SELECT s.level, s.horizon, s.n_forecasts,
	   round(s.mae::numeric, 6) = round((SELECT avg(abs(v.expected - v.realised)) FROM forecast_vs_realised('ft.tutors', 'ft.placements', NULL, 'ft_hubs', 'ft_sub') v
										 WHERE v.level = s.level AND v.horizon = s.horizon AND v.realised IS NOT NULL)::numeric, 6) AS mae_ok,
	   round(s.mae::numeric, 3) AS mae, round(s.bias::numeric, 3) AS bias, round(s.coverage_p10_p90::numeric, 3) AS coverage
FROM score_forecasts('ft.tutors', 'ft.placements', NULL, 'ft_hubs', 'ft_sub') s ORDER BY 1, 2;
SELECT count(*) = (SELECT count(*) FROM forecasts) AS tableau_view_rows FROM tableau_forecasts;

-- Owners: rows belong to the role that recorded them; others neither see nor delete them, and nobody
-- records under another name.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_fc_alice;
DROP ROLE IF EXISTS regress_fc_bob;
RESET client_min_messages;
CREATE ROLE regress_fc_alice;
CREATE ROLE regress_fc_bob;
GRANT USAGE ON SCHEMA edupredict TO regress_fc_alice, regress_fc_bob;
SET ROLE regress_fc_alice;
INSERT INTO edupredict.forecasts (run_id, model_name, model_versions, measure, as_of, horizon, term, level, area,
								  known_expected, recruits_expected, expected, p10, p50, p90)
VALUES (nextval('edupredict.forecast_runs'), 'm', '{}', 'placed', '2022 Spring', 1, '2022 Summer', 'London-wide',
		'London-wide', 1, 1, 2, 1, 2, 3);
SELECT owner, count(*) FROM edupredict.forecasts GROUP BY owner;
SET ROLE regress_fc_bob;
SELECT count(*) AS bob_sees FROM edupredict.forecasts;
DELETE FROM edupredict.forecasts;
INSERT INTO edupredict.forecasts (run_id, owner, model_name, model_versions, measure, as_of, horizon, term, level, area,
								  known_expected, recruits_expected, expected, p10, p50, p90)
VALUES (nextval('edupredict.forecast_runs'), 'regress_fc_alice', 'm', '{}', 'placed', '2022 Spring', 1, '2022 Summer',
		'London-wide', 'London-wide', 1, 1, 2, 1, 2, 3);
RESET ROLE;
SELECT owner::text = current_user AS superuser_rows, count(*) FROM edupredict.forecasts GROUP BY 1 ORDER BY 1;
DELETE FROM edupredict.forecasts WHERE owner = 'regress_fc_alice';
REVOKE USAGE ON SCHEMA edupredict FROM regress_fc_alice, regress_fc_bob;
DROP ROLE regress_fc_alice;
DROP ROLE regress_fc_bob;

-- Forest parameters go through the forest's one validator (as train_forest and forest_agg check them).
SELECT p AS params, _forest_params_problem(p) AS problem
FROM unnest(ARRAY['{}', '{"n_trees": 5, "max_depth": null, "min_samples_leaf": 3}', '{"n_trees": 0}',
				  '{"n_trees": 10001}', '{"min_samples_leaf": 2.5}', '{"n_tree": 5}', '[1]']::jsonb[]) p;
-- train_availability and refresh_supply refuse a bad parameter (22023) before any row is read or
-- anything written: the placements view counts the rows read; the registry and the log stay as they were.
CREATE TEMP SEQUENCE ft_reads;
CREATE TEMP VIEW ft_placements_counted AS SELECT * FROM ft.placements WHERE nextval('ft_reads') > 0;
CREATE TEMP TABLE ft_before AS SELECT (SELECT count(*) FROM models) AS models, (SELECT count(*) FROM forecasts) AS forecasts;
\set SHOW_CONTEXT never
SELECT * FROM train_availability('ft_bad', 'ft.tutors', 'ft_placements_counted', '2022 Spring', n_trees => 0);
SELECT * FROM train_availability('ft_bad', 'ft.tutors', 'ft_placements_counted', '2022 Spring', min_samples_leaf => 0);
SELECT * FROM train_availability('ft_bad', 'ft.tutors', 'ft_placements_counted', '2022 Spring', n_trees => 10001);
CALL refresh_supply('ft_bad', 'ft.tutors', 'ft_placements_counted', 'ft.opportunities', n_trees => 0);
\set VERBOSITY sqlstate
SELECT * FROM train_availability('ft_bad', 'ft.tutors', 'ft_placements_counted', '2022 Spring', n_trees => 10001);
CALL refresh_supply('ft_bad', 'ft.tutors', 'ft_placements_counted', 'ft.opportunities', n_trees => 10001);
\set VERBOSITY default
\set SHOW_CONTEXT errors
SELECT NOT is_called AS no_row_read FROM ft_reads;
SELECT (SELECT count(*) FROM models) = b.models AS registry_unchanged, (SELECT count(*) FROM forecasts) = b.forecasts AS log_unchanged
FROM ft_before b;
-- refresh_supply checks its tutors and opportunities before it trains, not after (the transaction
-- rolled back, but the training was wasted): nothing is read from placements.
CREATE TEMP SEQUENCE ft_reads_inputs;
CREATE TEMP VIEW ft_placements_counted_inputs AS SELECT * FROM ft.placements WHERE nextval('ft_reads_inputs') > 0;
CREATE TEMP TABLE ft_opp_bad AS SELECT * FROM ft.opportunities;
UPDATE ft_opp_bad SET probability = 2 WHERE opportunity_id = (SELECT min(opportunity_id) FROM ft.opportunities WHERE stage <> 'confirmed');
\set SHOW_CONTEXT never
CALL refresh_supply('ft_bad', 'ft_tutors_no_la', 'ft_placements_counted_inputs', 'ft.opportunities', as_of => '2022 Spring', n_trees => 1);
CALL refresh_supply('ft_bad', 'ft_tutors_twice', 'ft_placements_counted_inputs', 'ft.opportunities', as_of => '2022 Spring', n_trees => 1);
CALL refresh_supply('ft_bad', 'ft.tutors', 'ft_placements_counted_inputs', 'ft_opp_bad', as_of => '2022 Spring', n_trees => 1);
CALL refresh_supply('ft_bad', 'ft_tutors_lw', 'ft_placements_counted_inputs', 'ft.opportunities', as_of => '2022 Spring', n_trees => 1);
\set SHOW_CONTEXT errors
SELECT NOT is_called AS no_row_read FROM ft_reads_inputs;
-- A model_name too long for the registry's names (200 bytes, not characters) once '_h<h>' is added is
-- refused (22023) before anything is read, not by train_forest after the training set is built (the
-- views count the rows read).
CREATE TEMP SEQUENCE ft_reads_name;
CREATE TEMP VIEW ft_placements_counted_name AS SELECT * FROM ft.placements WHERE nextval('ft_reads_name') > 0;
CREATE TEMP VIEW ft_tutors_counted_name AS SELECT * FROM ft.tutors WHERE nextval('ft_reads_name') > 0;
\set SHOW_CONTEXT never
SELECT * FROM train_availability(repeat('x', 198), 'ft.tutors', 'ft_placements_counted_name', '2022 Spring', n_trees => 1);
SELECT * FROM train_availability(repeat('é', 99), 'ft.tutors', 'ft_placements_counted_name', '2022 Spring', horizons => '{1}', n_trees => 1);
SELECT * FROM train_availability(repeat('x', 197), 'ft.tutors', 'ft_placements_counted_name', '2022 Spring', horizons => '{1,12}', n_trees => 1);
CALL refresh_supply(repeat('x', 198), 'ft_tutors_counted_name', 'ft_placements_counted_name', 'ft.opportunities', as_of => '2022 Spring', n_trees => 1);
\set SHOW_CONTEXT errors
SELECT NOT is_called AS no_row_read FROM ft_reads_name;
-- The longest name that fits: with '_h1' it makes 200 bytes.
BEGIN;
SELECT horizon, octet_length(model) AS model_bytes FROM train_availability(repeat('x', 197), 'ft.tutors', 'ft.placements', '2022 Spring', horizons => '{1}', n_trees => 1);
ROLLBACK;

-- The termly refresh, in one transaction: three new forests and one recorded run.
CALL refresh_supply('ft_refresh', 'ft.tutors', 'ft.placements', 'ft.opportunities', n_trees => 5);
SELECT (SELECT count(*) FROM models WHERE name LIKE 'ft\_refresh\_h_') AS forests,
	   (SELECT min(as_of)::text FROM forecasts WHERE model_name = 'ft_refresh') AS as_of,
	   (SELECT count(DISTINCT run_id) FROM forecasts WHERE model_name = 'ft_refresh') AS runs;

-- Small-cell suppression.  By hand (k = 5): A.y = 3 is primary; then row A and column y each have one
-- suppressed cell, so A.x (10, smallest of row A) and C.y (8, of column y) go; then row C (C.x 15)
-- and column x (B.x 7); then row B (B.z 9); then column z (A.z 12).  Left: B.y 20 and C.z 30.
CREATE TEMP TABLE sc_cells (r text, c text, n int);
INSERT INTO sc_cells VALUES ('A', 'x', 10), ('A', 'y', 3), ('A', 'z', 12), ('B', 'x', 7), ('B', 'y', 20), ('B', 'z', 9),
							('C', 'x', 15), ('C', 'y', 8), ('C', 'z', 30);
SELECT * FROM suppress_small_cells('sc_cells', 'r', 'c', 'n') ORDER BY 1, 2;
-- an empty column name is refused naming the argument (22023), not a syntax error nor a hint
-- listing ", c, n"
\set SHOW_CONTEXT never
SELECT * FROM suppress_small_cells('sc_cells', '', 'c', 'n');
\echo sqlstate :SQLSTATE
SELECT * FROM suppress_small_cells('sc_cells', 'r', '', 'n');
\echo sqlstate :SQLSTATE
SELECT * FROM suppress_small_cells('sc_cells', 'r', 'c', '');
\echo sqlstate :SQLSTATE
\set SHOW_CONTEXT errors
-- A higher threshold by argument; a lower one is ignored (edupredict.min_cell stays the floor).
SELECT count(*) FILTER (WHERE reason = 'primary') AS primary_k10 FROM suppress_small_cells('sc_cells', 'r', 'c', 'n', 10);
SELECT count(*) FILTER (WHERE reason = 'primary') AS primary_k2 FROM suppress_small_cells('sc_cells', 'r', 'c', 'n', 2);
SET edupredict.min_cell = 8;
SELECT count(*) FILTER (WHERE reason = 'primary') AS primary_guc8 FROM suppress_small_cells('sc_cells', 'r', 'c', 'n');
RESET edupredict.min_cell;
-- The LA x term table of the forecast: nothing published below 5, and no row or column with
-- exactly one suppressed cell.
CREATE TEMP TABLE sc_la AS
SELECT local_authority, term::text AS term, expected_tutors
FROM supply_demand('ft_avail', 'ft.tutors', 'ft.placements', 'ft.opportunities', '2022 Spring')
WHERE local_authority <> 'London-wide';
CREATE TEMP TABLE sc_out AS SELECT * FROM suppress_small_cells('sc_la', 'local_authority', 'term', 'expected_tutors');
SELECT count(*) AS cells, count(*) FILTER (WHERE reason = 'primary') > 0 AS has_primary,
	   count(*) FILTER (WHERE reason = 'secondary') > 0 AS has_secondary,
	   count(*) FILTER (WHERE NOT suppressed AND value < 5) AS published_below_5
FROM sc_out;
SELECT count(*) AS lines_with_one_suppressed FROM (
	SELECT row_key FROM sc_out GROUP BY row_key HAVING count(*) FILTER (WHERE suppressed) = 1
	UNION ALL
	SELECT column_key FROM sc_out GROUP BY column_key HAVING count(*) FILTER (WHERE suppressed) = 1) x;
\set SHOW_CONTEXT never
SELECT * FROM suppress_small_cells('sc_cells', 'r', 'nope', 'n');
\echo sqlstate :SQLSTATE
\set SHOW_CONTEXT errors

SET client_min_messages = warning;
DELETE FROM forecasts WHERE model_name LIKE 'ft\_%';
DELETE FROM models WHERE name LIKE 'ft\_%';
DROP SCHEMA ft CASCADE;
