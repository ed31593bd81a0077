SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
SET search_path = edupredict, public;
-- Model names resolved by the planner (issue 15, src/model_name_rewrite.c):
-- on Citus a query's calls run on the workers, whose registry is empty, so
-- a call with a constant name becomes its *_by_ref twin, whose model a
-- subquery looks up once per statement (on Citus: on the coordinator).
-- 'on' shows here, on one node, what a cluster runs; 'auto' (the default)
-- rewrites only when the citus extension is installed.
SHOW edupredict.resolve_model_names;
CREATE TABLE rt AS
SELECT i AS id, (i % 11)::float8 AS x, ((i * 7) % 13)::float8 AS z,
       (ARRAY['north', 'south', 'east'])[1 + i % 3] AS area,
       CASE WHEN i % 11 > 6 THEN 'leaves' WHEN (i * 7) % 13 > 8 THEN 'moves' ELSE 'stays' END AS outcome,
       (i % 11) * 1.5 + (i % 3) AS score, CASE WHEN (i * 5) % 11 > 5 THEN 'yes' ELSE 'no' END AS flag
FROM generate_series(1, 300) i;
SELECT version FROM train_forest('rm', 'rt', 'outcome', ARRAY['x', 'z', 'area'], n_trees => 7, seed => 3);
SELECT version FROM train_forest('rm', 'rt', 'outcome', ARRAY['x', 'z', 'area'], n_trees => 3, max_depth => 2, seed => 4);
SELECT version FROM train_forest('rbin', 'rt', 'flag', ARRAY['x', 'z'], n_trees => 5, seed => 5);
SELECT version FROM train_boosting('rb', 'rt', 'score', ARRAY['x', 'area'], n_rounds => 20);

-- How many calls a query's plan resolves by reference, and how many still by name.
CREATE FUNCTION pg_temp.calls(q text, OUT by_ref int, OUT lookups int) LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  by_ref := 0; lookups := 0;
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    by_ref := by_ref + (length(l) - length(replace(l, '_by_ref(', ''))) / 8;
    lookups := lookups + (length(l) - length(replace(l, 'model_ref_lookup(', ''))) / 17;
  END LOOP;
END $$;

-- Every name-based signature, with and without the rewrite: the same answers.
CREATE TEMP TABLE q AS SELECT $$
SELECT r.id,
       predict('rm', r) AS p_row, predict('rm', ARRAY[r.x, r.z, 1]) AS p_arr,
       predict('rm', r, 1) AS p_row_v1, predict('rm', ARRAY[r.x, r.z, 1], 1) AS p_arr_v1,
       predict_proba('rm', r) AS pp_row, predict_proba('rm', r, 'moves') AS pp_class,
       predict_proba('rm', ARRAY[r.x, r.z, 1]) AS pp_arr, predict_proba('rm', r, 1) AS pp_row_v1,
       predict_proba('rm', r, 'moves', 1) AS pp_class_v1, predict_proba('rm', ARRAY[r.x, r.z, 1], 1) AS pp_arr_v1,
       predict('rbin', r, 1, 0.3) AS p_thr, predict('rbin', r, NULL, 0.7) AS p_thr_default, predict_label('rm', r) AS p_label,
       (SELECT string_agg(e.feature || '=' || e.contribution, ',') FROM explain('rm', r) e) AS ex_row,
       (SELECT string_agg(e.feature || '=' || e.contribution, ',') FROM explain('rm', ARRAY[r.x, r.z, 1], 2, 1) e) AS ex_arr,
       predict('rb', r) AS reg
FROM rt r$$ AS sql;
SET edupredict.resolve_model_names = off;
SELECT * FROM pg_temp.calls((SELECT sql FROM q));
DO $$ BEGIN EXECUTE 'CREATE TEMP TABLE by_name AS ' || (SELECT sql FROM q); END $$;
SET edupredict.resolve_model_names = on;
SELECT * FROM pg_temp.calls((SELECT sql FROM q));
DO $$ BEGIN EXECUTE 'CREATE TEMP TABLE by_ref AS ' || (SELECT sql FROM q); END $$;
SELECT count(*) AS rows, count(*) FILTER (WHERE n::text IS DISTINCT FROM f::text) AS differ,
       count(DISTINCT n.p_row) AS labels, count(*) FILTER (WHERE n.p_row <> n.p_row_v1) > 0 AS versions_differ
FROM by_name n JOIN by_ref f USING (id);
-- the plan: one lookup per call, run once per statement (an InitPlan); how
-- the lookup reads edupredict.models (index-only, bitmap) is the planner's
-- choice from the visibility map, so only the plan above that scan is shown
CREATE FUNCTION pg_temp.plan_top(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    EXIT WHEN l LIKE '%->  %' AND l NOT LIKE '%Aggregate%';
    RETURN NEXT l;
  END LOOP;
END $$;
SELECT * FROM pg_temp.plan_top($$SELECT predict('rm', r, 2) FROM rt r$$);
-- a name typed varchar becomes a text constant of the lookup
SELECT * FROM pg_temp.plan_top($$SELECT predict('rm'::varchar, r, 2) FROM rt r$$);
-- names that are not constants or parameters stay by name
SELECT * FROM pg_temp.calls($$SELECT predict(m.name, r) FROM rt r, (VALUES ('rm')) m(name)$$);
SELECT count(*) FROM rt r, (VALUES ('rm')) m(name) WHERE predict(m.name, r) IS NOT NULL;
-- inside subqueries, CTEs, views and parameters of prepared statements
SELECT * FROM pg_temp.calls($$WITH c AS (SELECT predict('rm', r) p FROM rt r)
  SELECT (SELECT count(*) FROM c WHERE p = 'stays'), (SELECT max(predict_proba('rm', r, 'stays')) FROM rt r)$$);
CREATE VIEW rv AS SELECT r.id, predict('rm', r) AS p FROM rt r;
SELECT * FROM pg_temp.calls('SELECT * FROM rv');
-- a parameter is resolved in a custom plan (its value is known); a generic
-- plan leaves the call by name (on Citus the workers would not find it)
PREPARE byname(text, int) AS SELECT string_agg(predict($1, r, $2), ',' ORDER BY r.id) FROM rt r;
SET plan_cache_mode = force_custom_plan;
SELECT * FROM pg_temp.calls($$EXECUTE byname('rm', 1)$$);
CREATE TEMP TABLE custom_run AS EXECUTE byname('rm', 1);
SET plan_cache_mode = force_generic_plan;
SELECT * FROM pg_temp.calls($$EXECUTE byname('rm', 1)$$);
CREATE TEMP TABLE generic_run AS EXECUTE byname('rm', 1);
RESET plan_cache_mode;
SELECT (SELECT * FROM custom_run) = (SELECT * FROM generic_run) AS same_labels,
       (SELECT * FROM custom_run) = (SELECT string_agg(p_row_v1, ',' ORDER BY id) FROM by_name) AS version_1;

-- The model is chosen when the statement runs: a deploy reaches the next
-- execution of a cached (generic) plan.
SET plan_cache_mode = force_generic_plan;
PREPARE deployed AS SELECT string_agg(predict('rm', r), ',' ORDER BY r.id) AS labels FROM rt r;
CREATE TEMP TABLE run1 AS EXECUTE deployed;
SELECT version, deployed FROM deploy('rm', 1);
CREATE TEMP TABLE run2 AS EXECUTE deployed;
SELECT version, deployed FROM deploy('rm', 2);
CREATE TEMP TABLE run3 AS EXECUTE deployed;
SELECT (SELECT labels FROM run1) = (SELECT string_agg(p_row, ',' ORDER BY id) FROM by_name) AS run1_newest,
       (SELECT labels FROM run2) = (SELECT string_agg(p_row_v1, ',' ORDER BY id) FROM by_name) AS run2_version1,
       (SELECT labels FROM run3) = (SELECT labels FROM run1) AS run3_version2;
SELECT * FROM pg_temp.calls('EXECUTE deployed');
RESET plan_cache_mode;
SELECT undeploy('rm');

-- The same errors as by name, raised by the lookup.
SELECT predict('rm_missing', r) FROM rt r;
SELECT predict('rm', r, 9) FROM rt r;
SELECT predict('rm', r, 0) FROM rt r;
SELECT predict_proba('rb', r) FROM rt r;
SELECT predict_proba('rm', r, 'nowhere') FROM rt r;
-- no rows: nothing is looked up, as by name
SELECT predict('rm_missing', r) FROM rt r WHERE false;
-- NULL name or row: NULL, as by name
SELECT predict(NULL::text, r) IS NULL AS null_name, predict('rm', NULL::rt) IS NULL AS null_row FROM rt r LIMIT 1;

-- Rights: the lookup reads the registry as the caller, when the statement runs.
CREATE ROLE regress_ref_eve;
GRANT edupredict_user TO regress_ref_eve;
GRANT SELECT ON rt TO regress_ref_eve;
SET ROLE regress_ref_eve;
SELECT count(*) FROM rt r WHERE predict('rm', r) IS NOT NULL;
SELECT model_ref_lookup('rm', NULL, 0);
RESET ROLE;
SELECT grant_model('rm', 'regress_ref_eve');
SET ROLE regress_ref_eve;
SELECT count(*) FROM rt r WHERE predict('rm', r) IS NOT NULL;
SELECT (model_ref_lookup('rm', 1, 0)).name, (model_ref_lookup('rm', 1, 0)).id > 0 AS has_id;
RESET ROLE;

-- model_ref values made by hand: checked, and scored with the bytes they carry.
SELECT predict_by_ref(NULL::model_ref, r, NULL) IS NULL AS null_ref FROM rt r LIMIT 1;
SELECT predict_by_ref(ROW('rm', 1, '1:0:1', NULL)::model_ref, r, NULL) FROM rt r LIMIT 1;
SELECT predict_by_ref(ROW(NULL, 1, '1:0:1', '\x00')::model_ref, r, NULL) FROM rt r LIMIT 1;
SELECT predict_by_ref(ROW('rm', 1, '1:0:1', '\x00')::model_ref, r, NULL) FROM rt r LIMIT 1;
SELECT predict_by_ref(ROW('rm', 1, '1:0:1', (SELECT model FROM models WHERE name = 'rb'))::model_ref, r, NULL) = predict('rb', r) AS bytes_decide
FROM rt r WHERE id = 5;
-- in one call site, a reference to another row version, or to another row,
-- is parsed again (the key is the id and the row version)
SELECT count(DISTINCT predict_proba_by_ref(ROW('rm', 1, m.version::text, m.model)::model_ref, r, NULL)::text) AS new_row_version,
       count(DISTINCT predict_proba_by_ref(ROW('rm', m.version, 'same', m.model)::model_ref, r, NULL)::text) AS new_id
FROM rt r, models m WHERE m.name = 'rm' AND r.id = 7;
-- 'auto' rewrites only where the citus extension is installed
RESET edupredict.resolve_model_names;
SELECT * FROM pg_temp.calls((SELECT sql FROM q));
