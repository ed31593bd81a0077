-- Scale-out checks on Citus (issue 15): one section per row of the issue's
-- table, recording what happens TODAY, errors included.  Run by
-- bench/citus/run.sh on the coordinator of a three-node cluster, after
-- bench/citus/distribute.sql; output compared with expected/checks.out.
-- Every distributed result is compared with the same query on the local
-- copy on the coordinator (one node).  Where a query runs is read from
-- EXPLAIN by pg_temp.plan_where (no shard ids, ports or costs in the output).
\set VERBOSITY terse
\pset null '(null)'
SET extra_float_digits = 0;

\i bench/citus/helpers.sql

-- 0. The cluster: a coordinator and two workers, 32 shards per table, the
--    same edupredict version everywhere.
SELECT count(*) FILTER (WHERE groupid = 0) AS coordinators, count(*) FILTER (WHERE groupid > 0) AS workers
FROM pg_dist_node WHERE noderole = 'primary';
SELECT logicalrelid::regclass AS distributed_table, count(*) AS shards
FROM pg_dist_shard GROUP BY 1 ORDER BY logicalrelid::regclass::text;
SELECT count(*) AS workers, bool_and(success) AS ok,
       bool_and(result = (SELECT extversion FROM pg_extension WHERE extname = 'edupredict')) AS same_version
FROM run_command_on_workers($$SELECT extversion FROM pg_extension WHERE extname = 'edupredict'$$);
SELECT (SELECT count(*) FROM edupredict_data.students_dist) AS students_dist,
       (SELECT count(*) FROM edupredict_data.students) AS students_local;

-- 1. expected_count GROUP BY a column that is not the distribution column:
--    partial aggregation on the workers, combined on the coordinator.
--    (EXPLAIN ANALYZE of it fails in Citus: its worker_partial_agg returns
--    cstring, which worker_save_query_explain_analyze cannot hold.)
SELECT * FROM pg_temp.plan_where(
  $$SELECT course, edupredict.expected_count(admission_grade / 200) FROM edupredict_data.students_dist GROUP BY course$$,
  ARRAY['worker_partial_agg', 'coord_combine_agg', 'edupredict\.expected_count\(']);
WITH d AS (SELECT course, (edupredict.expected_count(admission_grade / 200)).* FROM edupredict_data.students_dist GROUP BY course),
     l AS (SELECT course, (edupredict.expected_count(admission_grade / 200)).* FROM edupredict_data.students GROUP BY course)
SELECT count(*) AS courses,
       count(*) FILTER (WHERE abs(d.expected - l.expected) < 1e-9 AND abs(d.sd - l.sd) < 1e-9
                        AND d.p10 = l.p10 AND d.p50 = l.p50 AND d.p90 = l.p90) AS equal_to_one_node
FROM d FULL JOIN l USING (course);
SELECT round(expected::numeric, 3) AS expected, round(sd::numeric, 3) AS sd, p10, p50, p90
FROM (SELECT (edupredict.expected_count(admission_grade / 200)).* FROM edupredict_data.students_dist) d;

-- 2. school_term: as the distribution column, GROUP BY it, min/max of it.
SELECT * FROM pg_temp.plan_where(
  $$SELECT term, count(*) FROM edupredict_data.terms_dist GROUP BY term$$,
  ARRAY['HashAggregate|GroupAggregate', 'worker_partial_agg']);
SELECT * FROM pg_temp.plan_where(
  $$SELECT student_id % 3, edupredict.min(term), edupredict.max(term) FROM edupredict_data.terms_dist GROUP BY 1$$,
  ARRAY['worker_partial_agg', 'coord_combine_agg']);
SELECT term, count(*) FROM edupredict_data.terms_dist GROUP BY term ORDER BY term LIMIT 4;
SELECT (SELECT array_agg(x ORDER BY x) FROM (SELECT term::text || '=' || count(*) AS x FROM edupredict_data.terms_dist GROUP BY term) d)
     = (SELECT array_agg(x ORDER BY x) FROM (SELECT term::text || '=' || count(*) AS x FROM edupredict_data.terms GROUP BY term) l)
       AS group_by_equal_to_one_node;
SELECT student_id % 3 AS g, edupredict.min(term), edupredict.max(term)
FROM edupredict_data.terms_dist GROUP BY 1 ORDER BY 1;
SELECT count(*) AS rows_in_one_term
FROM edupredict_data.terms_dist WHERE term OPERATOR(edupredict.=) '2019 Autumn';
SELECT * FROM pg_temp.plan_where(
  $$SELECT count(*) FROM edupredict_data.terms_dist WHERE term OPERATOR(edupredict.=) '2019 Autumn'$$,
  ARRAY['Task Count: 1$', 'Aggregate']);

-- 3. balanced_spectral_cluster PARTITION BY the distribution column: the
--    window runs on the workers, hubs equal to one node.
SELECT * FROM pg_temp.plan_where(
  $$SELECT school_id, edupredict.balanced_spectral_cluster(geom, k => 3, on_infeasible => 'null') OVER (PARTITION BY la_name)
    FROM edupredict_data.schools_dist$$,
  ARRAY['WindowAgg', 'edupredict\.balanced_spectral_cluster\(']);
WITH d AS (SELECT school_id, edupredict.balanced_spectral_cluster(geom, k => 3, on_infeasible => 'null') OVER (PARTITION BY la_name) AS hub
           FROM edupredict_data.schools_dist),
     l AS (SELECT school_id, edupredict.balanced_spectral_cluster(geom, k => 3, on_infeasible => 'null') OVER (PARTITION BY la_name) AS hub
           FROM edupredict_data.schools)
SELECT count(*) AS schools, count(*) FILTER (WHERE d.hub IS NULL) AS no_hub,
       count(*) FILTER (WHERE d.hub IS NOT DISTINCT FROM l.hub) AS same_hub_as_one_node
FROM d FULL JOIN l USING (school_id);

-- 4. forest_agg: every row goes to the coordinator, which aggregates
--    (the state type is internal: no partial aggregation on the workers).
SELECT * FROM pg_temp.plan_where(
  $$SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
                                       curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 20, "seed": 1}')
    FROM edupredict_data.students_dist$$,
  ARRAY['edupredict\.forest_agg\(', 'worker_partial_agg', 'Aggregate']);
SELECT r.rows_received, r.rows_received = (SELECT count(*) FROM edupredict_data.students) AS every_row_pulled
FROM pg_temp.received(
  $$SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
                                       curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 20, "seed": 1}')
    FROM edupredict_data.students_dist$$) r;
SELECT md5(d.m) = md5(l.m) AS same_model_as_one_node
FROM (SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
                                         curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 20, "seed": 1}') AS m
      FROM edupredict_data.students_dist) d,
     (SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
                                         curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 20, "seed": 1}') AS m
      FROM edupredict_data.students) l;

-- 5. train_forest on a distributed table, three runs: rows arrive in shard
--    order; training sorts them canonically.
SELECT name, version FROM edupredict.train_forest('one_node_rf', 'edupredict_data.student_features', 'target', n_trees => 20);
SELECT name, version FROM edupredict.train_forest('dist_rf', 'edupredict_data.student_features_dist', 'target', n_trees => 20);
SELECT name, version FROM edupredict.train_forest('dist_rf', 'edupredict_data.student_features_dist', 'target', n_trees => 20);
SELECT name, version FROM edupredict.train_forest('dist_rf', 'edupredict_data.student_features_dist', 'target', n_trees => 20);
SELECT count(*) AS runs, count(DISTINCT md5(model)) AS distinct_models,
       bool_and(md5(model) = (SELECT md5(model) FROM edupredict.models WHERE name = 'one_node_rf')) AS same_as_one_node,
       count(DISTINCT metrics - 'train_peak_bytes') AS distinct_metrics  -- (peak memory of two threads varies)
FROM edupredict.models WHERE name = 'dist_rf';

-- 6. predict by model name on a distributed table: each node has its own
--    registry, empty on the workers; with edupredict in
--    shared_preload_libraries the planner resolves a constant name on the
--    coordinator (a subplan) and the workers score with the model it sends.
SELECT result FROM run_command_on_workers($$SELECT count(*) FROM edupredict.models$$) ORDER BY 1;
SELECT * FROM pg_temp.plan_where(
  $$SELECT s.student_id, edupredict.predict('one_node_rf', s) FROM edupredict_data.students_dist s$$,
  ARRAY['model_ref_lookup\(', 'predict_by_ref\(', 'edupredict\.predict\(', 'Distributed Subplan']);
-- the same answers as one node scoring by name (the rewrite switched off)
SET edupredict.resolve_model_names = off;
CREATE TEMP TABLE one_node_scores AS
SELECT s.student_id, edupredict.predict('one_node_rf', s) AS label,
       edupredict.predict_proba('one_node_rf', s)::text AS proba,
       edupredict.predict_proba('one_node_rf', s, 'Graduate') AS p_graduate,
       (SELECT sum(e.contribution) FROM edupredict.explain('one_node_rf', s, 3) e) AS explained
FROM edupredict_data.students s;
RESET edupredict.resolve_model_names;
SELECT count(*) AS scored FROM edupredict_data.students_dist s
WHERE edupredict.predict('one_node_rf', s) IS NOT NULL;
WITH one AS (SELECT md5(string_agg(student_id || ':' || label || ':' || proba || ':' || p_graduate,
                                   ',' ORDER BY student_id)) AS h FROM one_node_scores),
dist AS (
  SELECT md5(string_agg(x.student_id || ':' || x.label || ':' || x.proba || ':' || x.p_graduate,
                        ',' ORDER BY x.student_id)) AS h
  FROM (SELECT s.student_id, edupredict.predict('one_node_rf', s) AS label,
               edupredict.predict_proba('one_node_rf', s)::text AS proba,
               edupredict.predict_proba('one_node_rf', s, 'Graduate') AS p_graduate
        FROM edupredict_data.students_dist s) x)
SELECT (SELECT h FROM dist) = (SELECT h FROM one) AS predictions_equal_to_one_node;
-- explain() by name as a lateral function, summed per student
SELECT count(*) AS students, count(*) FILTER (WHERE x.explained <> o.explained) AS differ,
       count(*) FILTER (WHERE abs(x.explained - o.explained) > 1e-12) AS differ_beyond_1e12
FROM (SELECT s.student_id, sum(e.contribution) AS explained
      FROM edupredict_data.students_dist s, LATERAL edupredict.explain('one_node_rf', s, 3) e
      GROUP BY s.student_id) x
JOIN one_node_scores o USING (student_id);
-- a deploy takes effect on every node for the next statement
SELECT version FROM edupredict.train_forest('one_node_rf', 'edupredict_data.student_features', 'target', n_trees => 3, max_depth => 2);
SELECT version, deployed FROM edupredict.deploy('one_node_rf', 1);
SELECT count(*) FILTER (WHERE x.label = o.label) AS same_as_version_1, count(*) AS students
FROM (SELECT s.student_id, edupredict.predict('one_node_rf', s) AS label FROM edupredict_data.students_dist s) x
JOIN one_node_scores o USING (student_id);
SELECT version, deployed FROM edupredict.deploy('one_node_rf', 2);
SET edupredict.resolve_model_names = off;
CREATE TEMP TABLE one_node_v2 AS
SELECT s.student_id, edupredict.predict('one_node_rf', s, 2) AS label FROM edupredict_data.students s;
RESET edupredict.resolve_model_names;
SELECT count(*) FILTER (WHERE x.label = v.label) AS same_as_version_2,
       count(*) FILTER (WHERE x.label <> o.label) > 0 AS differs_from_version_1
FROM (SELECT s.student_id, edupredict.predict('one_node_rf', s) AS label FROM edupredict_data.students_dist s) x
JOIN one_node_scores o USING (student_id) JOIN one_node_v2 v USING (student_id);
SELECT version, deployed FROM edupredict.deploy('one_node_rf', 1);
-- the caller's rights decide, on the coordinator: a role the model is not
-- shared with gets the one-node error; once shared, it scores
CREATE ROLE citus_analyst LOGIN;
GRANT edupredict_user TO citus_analyst;
GRANT SELECT ON edupredict_data.students_dist TO citus_analyst;
GRANT USAGE ON SCHEMA edupredict_data TO citus_analyst;
SET ROLE citus_analyst;
SELECT count(*) AS scored FROM edupredict_data.students_dist s WHERE edupredict.predict('one_node_rf', s) IS NOT NULL;
RESET ROLE;
SELECT edupredict.grant_model('one_node_rf', 'citus_analyst');
SET ROLE citus_analyst;
SELECT count(*) AS scored FROM edupredict_data.students_dist s WHERE edupredict.predict('one_node_rf', s) IS NOT NULL;
RESET ROLE;
-- the name as a parameter of a prepared statement: resolved in custom plans,
-- which Citus keeps choosing for it (seven executions under the default
-- plan_cache_mode); a forced generic plan is one Citus cannot make at all
PREPARE scored_by(text) AS
SELECT count(*) AS scored FROM edupredict_data.students_dist s WHERE edupredict.predict($1, s) IS NOT NULL;
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('one_node_rf');
EXECUTE scored_by('no_such_model');
SET plan_cache_mode = force_generic_plan;
EXECUTE scored_by('one_node_rf');
RESET plan_cache_mode;
DEALLOCATE scored_by;
-- a name that is not a constant or a parameter (here a column) is still
-- read from the node's own registry
SELECT count(*) AS scored FROM edupredict_data.students_dist s, (VALUES ('one_node_rf')) m(name)
WHERE edupredict.predict(m.name, s) IS NOT NULL;

-- 7. The workaround: the model as a value, from a table on the coordinator
--    (scalar subquery) or a reference table (join); scored on the workers.
CREATE TABLE model_store AS
SELECT 'agg_rf'::text AS name,
       edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
                                   curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 20, "seed": 1}') AS model
FROM edupredict_data.students;
CREATE TABLE model_ref AS SELECT * FROM model_store;
SELECT create_reference_table('model_ref');
SELECT * FROM pg_temp.plan_where(
  $$SELECT s.student_id, edupredict.predict((SELECT model FROM model_store WHERE name = 'agg_rf'),
          ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade]::float8[])
    FROM edupredict_data.students_dist s$$,
  ARRAY['edupredict\.predict\(', 'Distributed Subplan']);
SELECT * FROM pg_temp.plan_where(
  $$SELECT s.student_id, edupredict.predict(m.model,
          ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade]::float8[])
    FROM edupredict_data.students_dist s JOIN model_ref m ON m.name = 'agg_rf'$$,
  ARRAY['edupredict\.predict\(', 'Distributed Subplan']);
WITH one AS (
  SELECT md5(string_agg(s.student_id || ':' || edupredict.predict(m.model,
           ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade,
                 s.curricular_units_2nd_sem_grade]::float8[]), ',' ORDER BY s.student_id)) AS h
  FROM edupredict_data.students s JOIN model_store m ON m.name = 'agg_rf'),
sub AS (
  SELECT md5(string_agg(x.student_id || ':' || x.p, ',' ORDER BY x.student_id)) AS h
  FROM (SELECT s.student_id, edupredict.predict((SELECT model FROM model_store WHERE name = 'agg_rf'),
          ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade,
                s.curricular_units_2nd_sem_grade]::float8[]) AS p
        FROM edupredict_data.students_dist s) x),
ref AS (
  SELECT md5(string_agg(x.student_id || ':' || x.p, ',' ORDER BY x.student_id)) AS h
  FROM (SELECT s.student_id, edupredict.predict(m.model,
          ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade,
                s.curricular_units_2nd_sem_grade]::float8[]) AS p
        FROM edupredict_data.students_dist s JOIN model_ref m ON m.name = 'agg_rf') x)
SELECT (SELECT h FROM sub) = (SELECT h FROM one) AS scalar_subquery_equal_to_one_node,
       (SELECT h FROM ref) = (SELECT h FROM one) AS reference_table_equal_to_one_node;

-- 7b. forest_agg_trees: each shard's state grows its own trees on the worker
--     (flattening it for Citus's worker_partial_agg), the coordinator merges
--     the forests; forest_agg (section 5's exact mode) pulls every row.
SELECT * FROM pg_temp.plan_where(
  $$SELECT edupredict.forest_agg_trees(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
           curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}') FROM edupredict_data.students_dist$$,
  ARRAY['worker_partial_agg', 'coord_combine_agg']);
-- what the coordinator receives: each shard's state as text (byteaout), measured
-- on the shards with an aggregate of the same transition function and no
-- final function (EXPLAIN ANALYZE of a worker_partial_agg plan fails in Citus)
CREATE AGGREGATE public.trees_partial_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
SELECT count(*) AS shards, sum(result::bigint) AS state_text_bytes
FROM run_command_on_shards('edupredict_data.students_dist',
  $$SELECT octet_length(public.trees_partial_state(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
           curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}')::text) FROM %s$$);
CREATE TEMP TABLE trees_runs (run int, model bytea);
INSERT INTO trees_runs SELECT 1, edupredict.forest_agg_trees(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
  curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}') FROM edupredict_data.students_dist;
INSERT INTO trees_runs SELECT 2, edupredict.forest_agg_trees(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
  curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}') FROM edupredict_data.students_dist;
INSERT INTO trees_runs SELECT 3, edupredict.forest_agg_trees(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
  curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}') FROM edupredict_data.students_dist;
SELECT count(DISTINCT md5(model)) AS distinct_models, min(length(model)) AS model_bytes,
       min(get_byte(model, 20) + 256 * get_byte(model, 21)) AS trees
FROM trees_runs;
-- the shards' forests as states, merged on one node: the same model
CREATE TEMP TABLE shard_states AS
SELECT decode(substr(result, 3), 'hex') AS s
FROM run_command_on_shards('edupredict_data.students_dist',
  $$SELECT public.trees_partial_state(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
           curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}') FROM %s$$);
SET client_min_messages = error;  -- (Citus: a pg_temp object is not propagated)
CREATE AGGREGATE pg_temp.trees_merge(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
RESET client_min_messages;
SELECT pg_temp.trees_merge(s) = (SELECT model FROM trees_runs WHERE run = 1) AS same_as_distributed FROM shard_states;
-- held-out accuracy (students with id % 5 = 0) of the 32 shards' forests
-- (about 110 training rows each) against one forest with as many trees on the
-- same training rows (one node, exact)
CREATE TEMP TABLE split_models AS
SELECT 'trees per shard (32 shards)' AS what, edupredict.forest_agg_trees(ARRAY[admission_grade, age_at_enrollment,
         curricular_units_1st_sem_grade, curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 3, "seed": 1}') AS model
FROM edupredict_data.students_dist WHERE student_id % 5 <> 0;
INSERT INTO split_models
SELECT 'one forest, 96 trees', edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
         curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 96, "seed": 1}')
FROM edupredict_data.students WHERE student_id % 5 <> 0;
SELECT m.what, round(avg((edupredict.predict(m.model, ARRAY[s.admission_grade, s.age_at_enrollment,
         s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade]::float8[]) = s.target)::int), 4) AS held_out_accuracy
FROM split_models m, edupredict_data.students s WHERE s.student_id % 5 = 0
GROUP BY m.what ORDER BY m.what;

-- 8. sha256_pii: hashed on the workers; every node holds the same key (its
--    fingerprint); the phone country is a server setting or an argument.
SELECT count(*) AS workers, bool_and(success) AS ok,
       bool_and(result = edupredict.pii_key_fingerprint()) AS same_key_as_coordinator
FROM run_command_on_workers($$SELECT edupredict.pii_key_fingerprint()$$);
SELECT count(*) AS workers,
       bool_and(result = current_setting('edupredict.pii_phone_country')) AS same_phone_country
FROM run_command_on_workers($$SELECT current_setting('edupredict.pii_phone_country')$$);
SELECT * FROM pg_temp.plan_where(
  $$SELECT student_id, edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone', '33')
    FROM edupredict_data.students_dist$$,
  ARRAY['edupredict\.sha256_pii\(']);
SELECT (SELECT md5(string_agg(edupredict.sha256_pii(student_id || '@Example.org', 'email'), ',' ORDER BY student_id))
        FROM edupredict_data.students_dist)
     = (SELECT md5(string_agg(edupredict.sha256_pii(student_id || '@Example.org', 'email'), ',' ORDER BY student_id))
        FROM edupredict_data.students) AS email_equal_to_one_node,
       (SELECT md5(string_agg(edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone', '33'), ',' ORDER BY student_id))
        FROM edupredict_data.students_dist)
     = (SELECT md5(string_agg(edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone', '33'), ',' ORDER BY student_id))
        FROM edupredict_data.students) AS phone_argument_equal_to_one_node;
SET edupredict.pii_phone_country = '33';
-- Non-ASCII values are lower-cased by the database's collation, so the
-- nodes' databases must agree on it too.
SELECT count(*) AS workers,
       bool_and(result = (SELECT datcollate || '/' || datctype FROM pg_database WHERE datname = current_database())) AS same_collation
FROM run_command_on_workers($$SELECT datcollate || '/' || datctype FROM pg_database WHERE datname = current_database()$$);
SELECT (SELECT md5(string_agg(edupredict.sha256_pii(E'\u00c9LODIE Z\u00d6E ' || student_id, 'name'), ',' ORDER BY student_id))
        FROM edupredict_data.students_dist)
     = (SELECT md5(string_agg(edupredict.sha256_pii(E'\u00c9LODIE Z\u00d6E ' || student_id, 'name'), ',' ORDER BY student_id))
        FROM edupredict_data.students) AS non_ascii_names_equal_to_one_node;

-- The students whose rows worker 2 holds (for sections 8b and 9; a table, as
-- \connect ends the session).
CREATE TABLE on_worker2 AS
SELECT s.student_id FROM edupredict_data.students s
JOIN pg_dist_placement p ON p.shardid = get_shard_id_for_distribution_column('edupredict_data.students_dist', s.student_id)
JOIN pg_dist_node n ON n.groupid = p.groupid
WHERE n.nodeport = :worker2_port;

-- 8b. A worker with another default phone country (worker 2 switches to 33):
--     the two-argument form silently hashes the numbers it holds with 33;
--     the phone_country argument travels with the query and gives the
--     one-node pseudonyms everywhere.
\connect - - - :worker2_port
ALTER SYSTEM SET edupredict.pii_phone_country = '33';
SELECT pg_reload_conf();
\connect - - - :coordinator_port
SET client_min_messages = warning;
SET bench.wait_query = $q$SELECT current_setting('edupredict.pii_phone_country')$q$;
\i bench/citus/wait_workers_differ.sql
SELECT count(*) AS workers,
       count(*) FILTER (WHERE result = current_setting('edupredict.pii_phone_country')) AS same_phone_country
FROM run_command_on_workers($$SELECT current_setting('edupredict.pii_phone_country')$$);
WITH d AS (SELECT student_id, edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone') AS h2,
                  edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone', '44') AS h3
           FROM edupredict_data.students_dist),
     l AS (SELECT student_id, edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone') AS h2,
                  edupredict.sha256_pii('0' || (7700900000 + student_id)::text, 'phone', '44') AS h3
           FROM edupredict_data.students)
SELECT count(*) AS students, count(*) FILTER (WHERE d.h2 <> l.h2) AS setting_different_pseudonyms,
       count(*) FILTER (WHERE d.h2 <> l.h2) = (SELECT count(*) FROM on_worker2) AS exactly_the_rows_on_worker2,
       count(*) FILTER (WHERE d.h3 = l.h3) AS argument_same_as_one_node
FROM d JOIN l USING (student_id);

-- 9. A worker with another key (worker 2 switches to its second key file):
--    the fingerprints show it; the hashes of the rows it holds change, silently.
\connect - - - :worker2_port
ALTER SYSTEM SET edupredict.pii_key_file = 'pii-other.key';
SELECT pg_reload_conf();
\connect - - - :coordinator_port
SET client_min_messages = warning;
SET bench.wait_query = $q$SELECT edupredict.pii_key_fingerprint()$q$;
\i bench/citus/wait_workers_differ.sql
SELECT count(*) AS workers, count(*) FILTER (WHERE result = edupredict.pii_key_fingerprint()) AS same_key_as_coordinator
FROM run_command_on_workers($$SELECT edupredict.pii_key_fingerprint()$$);
WITH d AS (SELECT student_id, edupredict.sha256_pii(student_id || '@Example.org', 'email') AS h FROM edupredict_data.students_dist),
     l AS (SELECT student_id, edupredict.sha256_pii(student_id || '@Example.org', 'email') AS h FROM edupredict_data.students)
SELECT count(*) AS students, count(*) FILTER (WHERE d.h <> l.h) AS different_pseudonyms,
       count(*) FILTER (WHERE d.h <> l.h) = (SELECT count(*) FROM on_worker2) AS exactly_the_rows_on_worker2
FROM d JOIN l USING (student_id);

-- 10. The registry as reference tables (a copy on every node; what issue 15
--     tried first): refused, and not needed: names are resolved on the
--     coordinator (section 6), so the last query scores.
SELECT create_reference_table('edupredict.model_names');
SET citus.enable_unsafe_triggers = on;
SELECT create_reference_table('edupredict.model_names');
SELECT create_reference_table('edupredict.models');
SELECT create_reference_table('edupredict.model_grants');
SELECT result FROM run_command_on_workers($$SELECT count(*) FROM edupredict.models$$) ORDER BY 1;
SELECT count(*) AS scored FROM edupredict_data.students_dist s
WHERE edupredict.predict('one_node_rf', s) IS NOT NULL;

