-- Hostile search_path (issue 9 section 3): every function and operator name that the extension's
-- SQL and C use gets a shadow in schema public that raises when called, public is put before
-- pg_catalog, and a representative call of every entry point must still work.
--   The names are generated, not picked: identifiers before "(" and operator tokens in the bodies
--   of the extension's SQL and plpgsql functions (pg_proc.prosrc) and in the string literals of
--   src/*.c, plus the operators that SQL syntax implies (BETWEEN, LIKE, IN, CASE, USING joins).
--   Every pg_catalog and edupredict function and operator of such a name gets a shadow with the
--   same signature; with search_path = public, pg_catalog the shadow wins even over an identical
--   signature.  A call prints "ok", or "HIJACKED" and the shadow it reached.
-- Run alone: scripts/test.sh hostile
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;

-- Data for the calls, made before any shadow exists.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS hostile_t CASCADE;
DELETE FROM edupredict.models WHERE name LIKE 'hostile\_%';
RESET client_min_messages;
SELECT pg_catalog.count(*) AS tables FROM edupredict.generate_tutor_data('hostile_t', 3, 150, '2019 Autumn', '2021 Autumn');
CREATE TEMP TABLE hostile_rows AS
SELECT i, (i % 7)::float8 AS x1, (i % 3)::float8 AS x2, 'c' || (i % 4) AS cat, (i % 2) AS y, (i % 5)::float8 AS t
FROM pg_catalog.generate_series(1, 120) i;
CREATE TEMP TABLE hostile_pts AS
SELECT i, public.ST_SetSRID(public.ST_MakePoint(-0.1 + (i % 8) * 0.01, 51.5 + (i / 8) * 0.01), 4326) AS geom
FROM pg_catalog.generate_series(1, 40) i;
SELECT (edupredict.train_forest('hostile_m0', 'hostile_rows', 'y', features => ARRAY['x1', 'x2', 'cat'], n_trees => 3)).version;
CREATE TEMP TABLE hostile_ev AS
SELECT i OPERATOR(pg_catalog.%) 5 AS student, DATE '2024-01-01' OPERATOR(pg_catalog.+) i AS day, i::float8 AS score
FROM pg_catalog.generate_series(1, 60) i;
CREATE TEMP TABLE hostile_scored (i int PRIMARY KEY, x1 float8, x2 float8, cat text, risk float8);
CREATE TEMP TABLE hostile_model AS
SELECT edupredict.forest_agg(ARRAY[x1, x2], t, '{"n_trees": 3}') AS m FROM hostile_rows;
CREATE TEMP TABLE hostile_pred (tutor_id int, horizon int, term edupredict.school_term, p_effective float8);
INSERT INTO hostile_pred SELECT tutor_id, 1, '2022 Spring', 0.5 FROM hostile_t.tutors;
CREATE TEMP TABLE hostile_hubs AS SELECT urn AS school_urn, urn OPERATOR(pg_catalog.%) 3 AS hub FROM edupredict.london_schools;
CREATE TEMP TABLE hostile_sub AS SELECT DISTINCT la_name AS local_authority, 'all' AS sub_region FROM edupredict.london_schools;
CREATE TEMP TABLE hostile_cells AS SELECT i OPERATOR(pg_catalog.%) 4 AS r, i OPERATOR(pg_catalog./) 4 AS c, i AS n FROM pg_catalog.generate_series(1, 16) i;
DO $$ BEGIN PERFORM pg_catalog.set_config('edupredict.pii_key', 'k3y-for-hostile-search-path-0123456789', false);
EXCEPTION WHEN OTHERS THEN NULL; END $$;

-- The calls: one per entry point (those of the forest registry use hostile_m0, trained above, so that
-- each entry point is tested on its own), with qualified names only (the test's own SQL must not reach a
-- shadow).  accept: SQLSTATEs that count as ok (sha256_pii without a key set in this cluster).
CREATE TEMP TABLE hostile_calls (ord serial, label text, sql text, accept text[] DEFAULT '{}');
INSERT INTO hostile_calls (label, sql, accept) VALUES
('sha256_pii', $$SELECT edupredict.sha256_pii('Ann.Lee@Example.org', 'email')$$, '{55000}'),
('pii_key_fingerprint', $$SELECT edupredict.pii_key_fingerprint()$$, '{55000}'),
('forget_stored_pii_keys', $$SELECT edupredict.forget_stored_pii_keys()$$, '{}'),
('train_forest', $$SELECT edupredict.train_forest('hostile_m', 'hostile_rows', 'y', features => ARRAY['x1', 'x2', 'cat'], n_trees => 3)$$, '{}'),
('deploy', $$SELECT edupredict.deploy('hostile_m0', 1)$$, '{}'),
('undeploy', $$SELECT edupredict.undeploy('hostile_m0')$$, '{}'),
('grant_model', $$SELECT edupredict.grant_model('hostile_m0', 'PUBLIC')$$, '{}'),
('revoke_model', $$SELECT edupredict.revoke_model('hostile_m0', 'PUBLIC')$$, '{}'),
('model_reserve', $$SELECT edupredict.model_reserve('hostile_r')$$, '{}'),
('train_boosting', $$SELECT edupredict.train_boosting('hostile_b', 'hostile_rows', 'y', features => ARRAY['x1', 'x2', 'cat'], n_rounds => 3)$$, '{}'),
('drop_model', $$SELECT edupredict.drop_model('hostile_b')$$, '{}'),
('build_panel', $$SELECT * FROM edupredict.build_panel('hostile_panel', 'hostile_ev', '{student}', 'day', 'week', '{count,sum(score)}', lags => '{1}', rolling => '{2}', label => 'inactive', horizon => 1)$$, '{}'),
('panel_split', $$SELECT * FROM edupredict.panel_split('hostile_panel', 3)$$, '{}'),
('attach_scoring', $$SELECT * FROM edupredict.attach_scoring('hostile_scored', 'hostile_m0', 'risk', class => '1', alert_threshold => 0.5, alert_key => 'i')$$, '{}'),
('scoring triggers', $$INSERT INTO hostile_scored SELECT i, x1, x2, cat FROM hostile_rows -- fires edupredict.score_row() and edupredict.alert_rows()$$, '{}'),
('detach_scoring', $$SELECT * FROM edupredict.detach_scoring('hostile_scored', 'risk')$$, '{}'),
('predict(name, row)', $$SELECT edupredict.predict('hostile_m0', r) FROM hostile_rows r$$, '{}'),
('predict(name, float8[])', $$SELECT edupredict.predict('hostile_m0', ARRAY[1, 2, 0]::pg_catalog.float8[])$$, '{}'),
('predict_proba(name, row)', $$SELECT edupredict.predict_proba('hostile_m0', r) FROM hostile_rows r$$, '{}'),
('predict_proba(name, row, class)', $$SELECT edupredict.predict_proba('hostile_m0', r, '1') FROM hostile_rows r$$, '{}'),
('predict_proba(name, float8[])', $$SELECT edupredict.predict_proba('hostile_m0', ARRAY[1, 2, 0]::pg_catalog.float8[])$$, '{}'),
('model_classes', $$SELECT edupredict.model_classes('hostile_m0')$$, '{}'),
('feature_importance', $$SELECT * FROM edupredict.feature_importance('hostile_m0')$$, '{}'),
('evaluate', $$SELECT * FROM edupredict.evaluate('hostile_m0', 'hostile_rows')$$, '{}'),
('forest_agg(float8)', $$SELECT edupredict.forest_agg(ARRAY[x1, x2], t, '{"n_trees": 2}') FROM hostile_rows$$, '{}'),
('forest_agg(text)', $$SELECT edupredict.forest_agg(ARRAY[x1, x2], cat, '{"n_trees": 2}') FROM hostile_rows$$, '{}'),
('boost_agg(float8)', $$SELECT edupredict.boost_agg(ARRAY[x1, x2], t, '{"n_rounds": 3}') FROM hostile_rows$$, '{}'),
('boost_agg(text)', $$SELECT edupredict.boost_agg(ARRAY[x1, x2], cat, '{"n_rounds": 3}') FROM hostile_rows$$, '{}'),
('forest_agg_trees(float8)', $$SELECT edupredict.forest_agg_trees(ARRAY[x1, x2], t, '{"n_trees": 2, "task": "regression"}') FROM hostile_rows$$, '{}'),
('forest_agg_trees(text)', $$SELECT edupredict.forest_agg_trees(ARRAY[x1, x2], cat, '{"n_trees": 2}') FROM hostile_rows$$, '{}'),
('predict(bytea, float8[])', $$SELECT edupredict.predict(m, ARRAY[1, 2]::pg_catalog.float8[]) FROM hostile_model$$, '{}'),
('explain(name, row)', $$SELECT e.* FROM hostile_rows r, edupredict.explain('hostile_m0', r, top_k => 2) e$$, '{}'),
('explain(name, float8[])', $$SELECT * FROM edupredict.explain('hostile_m0', ARRAY[1, 2, 0]::pg_catalog.float8[], class => '1')$$, '{}'),
('explain(bytea, float8[])', $$SELECT e.* FROM hostile_model, edupredict.explain(m, ARRAY[1, 2]::pg_catalog.float8[]) e$$, '{}'),
('explain_base_value(name)', $$SELECT edupredict.explain_base_value('hostile_m0', '1')$$, '{}'),
('explain_base_value(bytea)', $$SELECT edupredict.explain_base_value(m, '1') FROM hostile_model$$, '{}'),
('names resolved by the planner: on', $$SELECT pg_catalog.set_config('edupredict.resolve_model_names', 'on', true)$$, '{}'),
('predict(name, row), resolved', $$SELECT edupredict.predict('hostile_m0', r) FROM hostile_rows r$$, '{}'),
('predict_proba(name, row, class), resolved', $$SELECT edupredict.predict_proba('hostile_m0', r, '1', 1) FROM hostile_rows r$$, '{}'),
('explain(name, row), resolved', $$SELECT e.* FROM hostile_rows r, edupredict.explain('hostile_m0', r, top_k => 2) e$$, '{}'),
('names resolved by the planner: off', $$SELECT pg_catalog.set_config('edupredict.resolve_model_names', 'off', true)$$, '{}'),
('model_ref_lookup', $$SELECT (edupredict.model_ref_lookup('hostile_m0', NULL, 0)).name$$, '{}'),
('predict_by_ref(ref, row)', $$SELECT edupredict.predict_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), r, NULL) FROM hostile_rows r$$, '{}'),
('predict_by_ref(ref, float8[])', $$SELECT edupredict.predict_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), ARRAY[1, 2, 0]::pg_catalog.float8[], NULL)$$, '{}'),
('predict_proba_by_ref(ref, row)', $$SELECT edupredict.predict_proba_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), r, NULL) FROM hostile_rows r$$, '{}'),
('predict_proba_by_ref(ref, row, class)', $$SELECT edupredict.predict_proba_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), r, '1', NULL) FROM hostile_rows r$$, '{}'),
('predict_proba_by_ref(ref, float8[])', $$SELECT edupredict.predict_proba_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), ARRAY[1, 2, 0]::pg_catalog.float8[], NULL)$$, '{}'),
('predict_label_by_ref', $$SELECT edupredict.predict_label_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), r, NULL, 0.5) FROM hostile_rows r$$, '{}'),
('explain_by_ref(ref, row)', $$SELECT e.* FROM hostile_rows r, edupredict.explain_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), r, 2, NULL, NULL) e$$, '{}'),
('explain_by_ref(ref, float8[])', $$SELECT * FROM edupredict.explain_by_ref(edupredict.model_ref_lookup('hostile_m0', NULL, 0), ARRAY[1, 2, 0]::pg_catalog.float8[], NULL, NULL, '1')$$, '{}'),
('global_importance', $$SELECT * FROM edupredict.global_importance('hostile_m0', 'hostile_rows')$$, '{}'),
('permutation_importance', $$SELECT * FROM edupredict.permutation_importance('hostile_m0', 'hostile_rows', n_repeats => 1)$$, '{}'),
('reliability', $$SELECT * FROM edupredict.reliability('hostile_m0', 'hostile_rows', 4)$$, '{}'),
('roc_curve', $$SELECT * FROM edupredict.roc_curve('hostile_m0', 'hostile_rows')$$, '{}'),
('pr_curve', $$SELECT * FROM edupredict.pr_curve('hostile_m0', 'hostile_rows', '1')$$, '{}'),
('drift', $$SELECT * FROM edupredict.drift('hostile_m0', 'hostile_rows')$$, '{}'),
('calibrate', $$SELECT * FROM edupredict.calibrate('hostile_m0', 'hostile_rows', 'sigmoid')$$, '{}'),
('choose_threshold', $$SELECT * FROM edupredict.choose_threshold('hostile_m0', 'hostile_rows', '1', 'recall >= 0.5', version => 1)$$, '{}'),
('model_profile', $$SELECT * FROM edupredict.model_profile('hostile_m0', 'hostile_rows', 1)$$, '{}'),
('predict(name, row, version, threshold), predict_label', $$SELECT edupredict.predict('hostile_m0', r, NULL, 0.4), edupredict.predict_label('hostile_m0', r) FROM hostile_rows r$$, '{}'),
('predict_proba(bytea, float8[])', $$SELECT edupredict.predict_proba(edupredict.forest_agg(ARRAY[x1, x2], cat, '{"n_trees": 2}'), ARRAY[1, 2]::pg_catalog.float8[]) FROM hostile_rows$$, '{}'),
('balanced_spectral_cluster(k)', $$SELECT edupredict.balanced_spectral_cluster(geom, 4) OVER () FROM hostile_pts$$, '{}'),
('balanced_spectral_cluster(min, max)', $$SELECT edupredict.balanced_spectral_cluster(geom, min_size => 8, max_size => 12) OVER () FROM hostile_pts$$, '{}'),
('hub_summary', $$SELECT * FROM edupredict.hub_summary((SELECT pg_catalog.array_agg(geom) FROM hostile_pts), (SELECT pg_catalog.array_agg(i OPERATOR(pg_catalog.%) 3) FROM hostile_pts))$$, '{}'),
('school_term operators', $$SELECT ('2023 Autumn'::edupredict.school_term OPERATOR(edupredict.+) 1) OPERATOR(edupredict.-) '2023 Spring'::edupredict.school_term,
	 1 OPERATOR(edupredict.+) '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.-) 2,
	 '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.<) '2024 Spring', '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.<=) '2024 Spring',
	 '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.=) '2024 Spring', '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.<>) '2024 Spring',
	 '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.>=) '2024 Spring', '2023 Autumn'::edupredict.school_term OPERATOR(edupredict.>) '2024 Spring'$$, '{}'),
('school_term index, sort, hash', $$SELECT pg_catalog.count(DISTINCT p.term), edupredict.min(p.term), edupredict.max(p.term) FROM hostile_t.placements p$$, '{}'),
('term_of, term_start, term_end, term_year, term_season', $$SELECT edupredict.term_of('2023-05-01'), edupredict.term_start('2023 Summer'), edupredict.term_end('2023 Summer'), edupredict.term_year('2023 Summer'), edupredict.term_season('2023 Summer')$$, '{}'),
('expected_count', $$SELECT edupredict.expected_count(p) FROM (VALUES (0.5::pg_catalog.float8), (0.25)) v(p)$$, '{}'),
('seeded_uniform, seeded_normal', $$SELECT edupredict.seeded_uniform(1, 2, 3, 4), edupredict.seeded_normal(1, 2, 3)$$, '{}'),
('generate_tutor_data', $$SELECT * FROM edupredict.generate_tutor_data('hostile_gen', 5, 40, '2020 Autumn', '2021 Summer')$$, '{}'),
('tutor_features', $$SELECT * FROM edupredict.tutor_features('hostile_t.tutors', 'hostile_t.placements', '2021 Autumn')$$, '{}'),
('response_rates', $$SELECT * FROM edupredict.response_rates('hostile_t.tutors', 'hostile_t.placements', 'hostile_t.availability_responses', '2021 Autumn')$$, '{}'),
('train_availability', $$SELECT * FROM edupredict.train_availability('hostile_avail', 'hostile_t.tutors', 'hostile_t.placements', '2021 Autumn', n_trees => 3)$$, '{}'),
('predict_availability', $$SELECT * FROM edupredict.predict_availability('hostile_avail', 'hostile_t.tutors', 'hostile_t.placements', '2021 Autumn', 'hostile_t.availability_responses')$$, '{}'),
('availability_versions', $$SELECT * FROM edupredict.availability_versions('hostile_avail', '2021 Autumn')$$, '{}'),
('supply_demand_of', $$SELECT * FROM edupredict.supply_demand_of('hostile_pred', 'hostile_t.tutors', 'hostile_t.opportunities')$$, '{}'),
('supply_demand', $$SELECT * FROM edupredict.supply_demand('hostile_avail', 'hostile_t.tutors', 'hostile_t.placements', 'hostile_t.opportunities', '2021 Autumn', 'hostile_t.availability_responses')$$, '{}'),
('count_poisson, count_convolve, count_summary, count_mass, count_widen', $$SELECT edupredict.count_summary(edupredict.count_convolve(edupredict.count_poisson(2), edupredict.count_poisson(1))), edupredict.count_mass(edupredict.count_widen(edupredict.count_poisson(2), 1.5), 0, 3)$$, '{}'),
('expected_count_state, convolve_counts', $$SELECT edupredict.convolve_counts(s) FROM (SELECT edupredict.expected_count_state(p) AS s FROM (VALUES (0.5::pg_catalog.float8), (0.25)) v(p)) x$$, '{}'),
('recruit_forecast', $$SELECT * FROM edupredict.recruit_forecast('hostile_t.tutors', 'hostile_t.placements', '2021 Autumn', '{1,2,3}', 'hostile_t.availability_responses', '{Slough}')$$, '{}'),
('supply_rollup', $$SELECT * FROM edupredict.supply_rollup('hostile_avail', 'hostile_t.tutors', 'hostile_t.placements', '2021 Autumn', 'hostile_t.availability_responses', 'hostile_hubs', 'hostile_sub')$$, '{}'),
('supply_forecast', $$SELECT * FROM edupredict.supply_forecast('hostile_avail', 'hostile_t.tutors', 'hostile_t.placements', '2021 Autumn')$$, '{}'),
('record_forecast', $$SELECT edupredict.record_forecast('hostile_avail', 'hostile_t.tutors', 'hostile_t.placements', 'hostile_t.opportunities', '2021 Autumn', NULL, 'hostile_hubs', 'hostile_sub')$$, '{}'),
('forecast_vs_realised', $$SELECT * FROM edupredict.forecast_vs_realised('hostile_t.tutors', 'hostile_t.placements', 'hostile_t.availability_responses', 'hostile_hubs', 'hostile_sub')$$, '{}'),
('score_forecasts', $$SELECT * FROM edupredict.score_forecasts('hostile_t.tutors', 'hostile_t.placements', NULL, 'hostile_hubs', 'hostile_sub')$$, '{}'),
('tableau_forecasts', $$SELECT * FROM edupredict.tableau_forecasts$$, '{}'),
('refresh_supply', $$CALL edupredict.refresh_supply('hostile_refresh', 'hostile_t.tutors', 'hostile_t.placements', 'hostile_t.opportunities', n_trees => 3)$$, '{}'),
('suppress_small_cells', $$SELECT * FROM edupredict.suppress_small_cells('hostile_cells', 'r', 'c', 'n')$$, '{}'),
('cross_validate', $$SELECT * FROM edupredict.cross_validate('boosting', 'hostile_rows', 'y', ARRAY['x1', 'x2', 'cat'], '{"n_rounds": 3}', folds => 3)$$, '{}'),
('cross_validate(group, time)', $$SELECT * FROM edupredict.cross_validate('forest', 'hostile_rows', 't', ARRAY['x1'], '{"n_trees": 3}', folds => 3, split => 'group', group_by => 'cat')
	UNION ALL SELECT * FROM edupredict.cross_validate('forest', 'hostile_rows', 'y', ARRAY['x1'], '{"n_trees": 3}', folds => 3, split => 'time', order_by => 'i', gap => 2)$$, '{}'),
('tune', $$SELECT * FROM edupredict.tune('hostile_tuned', 'forest', 'hostile_rows', 'y', '{"max_depth": [2, 4], "min_samples_leaf": {"log": [1, 8]}}', trials => 3,
	method => 'halving', features => ARRAY['x1', 'x2', 'cat'], params => '{"n_trees": 3}', folds => 3, deploy => 'if_better')$$, '{}'),
('leaderboard', $$SELECT * FROM edupredict.leaderboard('hostile_tuned')$$, '{}');

-- Runs one call under the caller's (hostile) search_path: no SET clause, every name qualified.
CREATE FUNCTION pg_temp.hostile_call(q text, accept text[]) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	IF SQLSTATE OPERATOR(pg_catalog.=) 'EPHJK' OR SQLSTATE OPERATOR(pg_catalog.=) '42809'
	   OR SQLSTATE OPERATOR(pg_catalog.=) '42846'
	   OR SQLERRM OPERATOR(pg_catalog.~~) 'cannot accept a value of type%' THEN
		RETURN 'HIJACKED: ' OPERATOR(pg_catalog.||) SQLERRM;
	ELSIF SQLSTATE OPERATOR(pg_catalog.=) ANY (accept) THEN
		RETURN 'ok';
	END IF;
	RETURN 'error ' OPERATOR(pg_catalog.||) SQLSTATE OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) SQLERRM;
END $$;

-- The names: from the extension's SQL and plpgsql bodies and from the string literals of src/*.c.
\set c_literals `perl -0777 -ne 'while (/"((?:[^"\\\n]|\\.)*)"/g) { print "$1\n" }' src/*.c`
CREATE TEMP TABLE hostile_text AS
SELECT p.prosrc AS body
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'edupredict'
JOIN pg_language l ON l.oid = p.prolang AND l.lanname IN ('sql', 'plpgsql')
UNION ALL SELECT :'c_literals';
CREATE TEMP TABLE hostile_names AS
SELECT DISTINCT lower(m[1]) AS name FROM hostile_text, regexp_matches(body, '([A-Za-z_][A-Za-z0-9_$]*)\s*\(', 'g') m;
CREATE TEMP TABLE hostile_ops AS
SELECT DISTINCT m[1] AS op FROM hostile_text, regexp_matches(body, '([-+*/<>=~!@#%^&|`?]+)', 'g') m
UNION
SELECT o.op FROM hostile_text,
	(VALUES ('\mbetween\M', '>='), ('\mbetween\M', '<='), ('\mlike\M', '~~'), ('\mlike\M', '!~~'),
			('\milike\M', '~~*'), ('\milike\M', '!~~*'), ('\min\s*\(', '='), ('\min\s*\(', '<>'),
			('\many\s*\(', '='), ('\mcase\M', '='), ('\musing\s*\(', '='), ('\mdistinct\s+from\M', '='),
			('\mnullif\M', '=')) o(pattern, op)
WHERE body ~* o.pattern;
-- Type names: after "::" or "AS" and not followed by "." (a schema name).  A cast to an unqualified
-- type resolves through search_path, so a type of the same name in a schema before pg_catalog (with
-- casts its owner defines) runs the owner's code as the caller.
CREATE TEMP TABLE hostile_types AS
SELECT DISTINCT lower(m[2]) AS name
FROM hostile_text, regexp_matches(body, '(::|\mAS\M)\s*([A-Za-z_][A-Za-z0-9_]*)(?!\s*\.)', 'gi') m
WHERE EXISTS (SELECT FROM pg_type t WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typname = lower(m[2]));
SELECT pg_catalog.count(*) > 50 AS many_names, pg_catalog.count(*) FILTER (WHERE name = 'format') = 1 AS has_format
FROM hostile_names;
SELECT pg_catalog.count(*) FILTER (WHERE name = 'text') = 1 AS has_text, pg_catalog.count(*) FILTER (WHERE name = 'float8') = 1 AS has_float8
FROM hostile_types;
SELECT pg_catalog.count(*) FILTER (WHERE op = '=') = 1 AS has_eq, pg_catalog.count(*) FILTER (WHERE op = '~~') = 1 AS has_like
FROM hostile_ops;

BEGIN;
-- A deployed version for tune(deploy => 'if_better') below.
SELECT version, deployed FROM edupredict.tune('hostile_tuned', 'forest', 'hostile_rows', 'y', '{"max_depth": [2, 4]}', trials => 2,
       features => ARRAY['x1', 'x2', 'cat'], params => '{"n_trees": 3}', folds => 3, deploy => 'yes');
-- The shadows.  plpgsql where it can take the signature; otherwise an internal function that always
-- raises ("cannot accept a value of type any").  Signatures that public already has (PostGIS lives
-- there in this cluster) cannot be shadowed and are skipped.
CREATE FUNCTION pg_temp.hostile_shadow_body(what text) RETURNS text LANGUAGE sql AS $$
	SELECT format($b$BEGIN RAISE EXCEPTION 'hostile shadow %% called', %L USING ERRCODE = 'EPHJK'; END$b$, what)
$$;
CREATE TEMP TABLE hostile_made (kind text, name text, made boolean);
DO $$
DECLARE
	r record;
	ok boolean;
	fn text;
	i integer := 0;
BEGIN
	FOR r IN
		SELECT p.oid, p.proname, p.prokind, pg_get_function_arguments(p.oid) AS args,
			   pg_get_function_identity_arguments(p.oid) AS ident, pg_get_function_result(p.oid) AS result,
			   p.prorettype::regtype::text AS rettype, a.aggkind
		FROM pg_proc p JOIN hostile_names n ON n.name = p.proname
		LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
		WHERE p.pronamespace IN ('pg_catalog'::regnamespace, 'edupredict'::regnamespace)
		ORDER BY p.oid
	LOOP
		ok := true;
		BEGIN
			IF r.prokind = 'a' THEN
				IF r.aggkind <> 'n' THEN
					ok := false;
				ELSE
					i := i + 1;
					fn := format('public.hostile_sfunc_%s', i);
					BEGIN
						EXECUTE format('CREATE FUNCTION %s(%s%s) RETURNS %s LANGUAGE plpgsql AS %L', fn, r.rettype,
									   CASE WHEN r.ident = '' THEN '' ELSE ', ' || r.ident END, r.rettype,
									   pg_temp.hostile_shadow_body(format('public.%s(%s)', r.proname, r.ident)));
					EXCEPTION WHEN OTHERS THEN
						EXECUTE format('CREATE FUNCTION %s(%s%s) RETURNS %s LANGUAGE internal AS %L', fn, r.rettype,
									   CASE WHEN r.ident = '' THEN '' ELSE ', ' || r.ident END, r.rettype, 'any_in');
					END;
					EXECUTE format('CREATE AGGREGATE public.%I(%s) (SFUNC = %s, STYPE = %s)', r.proname,
								   CASE WHEN r.ident = '' THEN '*' ELSE r.ident END, fn, r.rettype);
				END IF;
			ELSE
				BEGIN
					EXECUTE format('CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L', r.proname, r.args,
								   r.result, pg_temp.hostile_shadow_body(format('public.%s(%s)', r.proname, r.ident)));
				EXCEPTION WHEN duplicate_function THEN RAISE;
						  WHEN OTHERS THEN
					EXECUTE format('CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE internal AS %L', r.proname, r.args,
								   r.result, 'any_in');
				END;
			END IF;
		EXCEPTION WHEN OTHERS THEN
			ok := false;
		END;
		INSERT INTO hostile_made VALUES ('function', r.proname, ok);
	END LOOP;
	FOR r IN
		SELECT o.oid, o.oprname, o.oprleft, o.oprright, o.oprresult
		FROM pg_operator o JOIN hostile_ops h ON h.op = o.oprname
		WHERE o.oprnamespace IN ('pg_catalog'::regnamespace, 'edupredict'::regnamespace)
		ORDER BY o.oid
	LOOP
		ok := true;
		fn := format('public.hostile_op_%s', r.oid);
		BEGIN
			BEGIN
				EXECUTE format('CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE plpgsql AS %L', fn,
							   concat_ws(', ', nullif(r.oprleft, 0)::regtype, r.oprright::regtype), r.oprresult::regtype,
							   pg_temp.hostile_shadow_body(format('operator public.%s(%s, %s)', r.oprname,
									nullif(r.oprleft, 0)::regtype, r.oprright::regtype)));
			EXCEPTION WHEN OTHERS THEN
				EXECUTE format('CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE internal AS %L', fn,
							   concat_ws(', ', nullif(r.oprleft, 0)::regtype, r.oprright::regtype), r.oprresult::regtype,
							   'any_in');
			END;
			EXECUTE format('CREATE OPERATOR public.%s (%s RIGHTARG = %s, FUNCTION = %s)', r.oprname,
						   CASE WHEN r.oprleft = 0 THEN '' ELSE format('LEFTARG = %s,', r.oprleft::regtype) END,
						   r.oprright::regtype, fn);
		EXCEPTION WHEN OTHERS THEN
			ok := false;
		END;
		INSERT INTO hostile_made VALUES ('operator', r.oprname, ok);
	END LOOP;
	-- a type of each name: no cast reaches it, so a cast to it fails (42846) where a caster's would run
	FOR r IN SELECT name FROM hostile_types ORDER BY name
	LOOP
		ok := true;
		BEGIN
			EXECUTE format('CREATE TYPE public.%I AS (hostile_shadow int)', r.name);
		EXCEPTION WHEN OTHERS THEN
			ok := false;
		END;
		INSERT INTO hostile_made VALUES ('type', r.name, ok);
	END LOOP;
END $$;
-- Enough shadows, and every name that has a function or operator has at least one shadow (or is an
-- ordered-set aggregate or taken by PostGIS; listed if not).
SELECT pg_catalog.count(*) FILTER (WHERE made AND kind = 'function') > 100 AS functions_shadowed,
	   pg_catalog.count(*) FILTER (WHERE made AND kind = 'operator') > 100 AS operators_shadowed,
	   pg_catalog.count(*) FILTER (WHERE made AND kind = 'type') > 5 AS types_shadowed
FROM hostile_made;
SELECT kind, name FROM hostile_made GROUP BY kind, name HAVING NOT bool_or(made)
  AND name NOT IN (SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace)
ORDER BY 1, 2;

-- Unaligned, one call a line: "label|ok" is the only passing result.
\pset format unaligned
SET LOCAL search_path = public, pg_catalog;
SELECT c.label, pg_temp.hostile_call(c.sql, c.accept) AS result
FROM (SELECT * FROM hostile_calls ORDER BY ord OFFSET 0) c;
\pset format aligned

-- Every entry point has a call above (support functions of types, operators and aggregates, and
-- internal _functions, are exercised through them).
SET LOCAL search_path = pg_catalog, pg_temp;
SELECT p.oid::regprocedure AS entry_point_without_a_call
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'edupredict'
WHERE p.proname !~ '^_'
  AND NOT EXISTS (SELECT FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
  AND NOT EXISTS (SELECT FROM pg_operator o WHERE o.oprcode = p.oid)
  AND NOT EXISTS (SELECT FROM pg_aggregate a WHERE p.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn))
  AND NOT EXISTS (SELECT FROM pg_amproc a WHERE a.amproc = p.oid)
  AND NOT EXISTS (SELECT FROM hostile_calls c WHERE c.sql ~ ('edupredict\.' || p.proname || '\M'))
ORDER BY 1;
ROLLBACK;

SET client_min_messages = warning;
DROP SCHEMA hostile_t CASCADE;
DELETE FROM edupredict.models WHERE name LIKE 'hostile\_%';
DELETE FROM edupredict.runs WHERE model_name LIKE 'hostile\_%' OR source LIKE 'pg_temp%';
