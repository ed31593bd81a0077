-- Today's baseline for forest_agg on Citus (docs/scale-out.md), printed by
-- bench/citus/run.sh after the checks and not compared (figures, not
-- behaviour): the rows and bytes the coordinator receives from the workers,
-- against the size of the model it then builds, for the UCI rows (4,424) and
-- a 50-fold copy (221,200 rows, the size the issue measured); then wall
-- times of one run each, distributed against the same rows in a local table
-- on the coordinator (one node): forest_agg, and scoring with the model as a
-- value.
\set VERBOSITY terse
\pset footer off
\i bench/citus/helpers.sql
SET client_min_messages = error;
CREATE FUNCTION pg_temp.result_bytes(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE m bytea;
BEGIN
  EXECUTE query INTO m;
  RETURN length(m);
END $$;
-- milliseconds one run of a query takes (its result is thrown away)
CREATE FUNCTION pg_temp.ms(query text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE query;
  RETURN round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000);
END $$;
SET client_min_messages = warning;
CREATE TABLE edupredict_data.students_x50 AS
SELECT s.student_id + 10000 * k AS student_id, s.admission_grade, s.age_at_enrollment,
       s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade, s.target
FROM edupredict_data.students s, generate_series(0, 49) k WHERE false;
SELECT create_distributed_table('edupredict_data.students_x50', 'student_id', shard_count => 32) \gset
INSERT INTO edupredict_data.students_x50
SELECT s.student_id + 10000 * k, s.admission_grade, s.age_at_enrollment,
       s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade, s.target
FROM edupredict_data.students s, generate_series(0, 49) k;

SELECT t AS distributed_table, n_trees, r.rows_received, r.data_received,
       pg_size_pretty(pg_temp.result_bytes(q.q)) AS model_size
FROM (VALUES ('edupredict_data.students_dist'), ('edupredict_data.students_x50')) v(t),
     (VALUES (20), (100)) n(n_trees),
     LATERAL (SELECT pg_catalog.format(
       $$SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
               curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": %s, "seed": 1}') FROM %s$$, n_trees, t) AS q) q,
     LATERAL pg_temp.received(q.q) r
ORDER BY 1, 2;

-- wall times: the same 221,200 rows distributed and in one local table
CREATE TABLE edupredict_data.students_x50_local AS SELECT * FROM edupredict_data.students_x50;
CREATE TABLE model_x50 AS
SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
         curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 100, "seed": 1}') AS model
FROM edupredict_data.students_x50_local;
CREATE TABLE model_x50_ref AS SELECT * FROM model_x50;
SELECT create_reference_table('model_x50_ref') \gset
ANALYZE edupredict_data.students_x50_local;
SELECT w.what, pg_temp.ms(pg_catalog.format(w.q, 'edupredict_data.students_x50')) AS distributed_ms,
       pg_temp.ms(pg_catalog.format(w.q, 'edupredict_data.students_x50_local')) AS one_node_ms
FROM (VALUES
  ('forest_agg, 100 trees',
   $$SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_grade,
       curricular_units_2nd_sem_grade]::float8[], target, '{"n_trees": 100, "seed": 1}') FROM %s$$),
  ('predict, model as a scalar subquery',
   $$SELECT count(*) FROM %s s WHERE edupredict.predict((SELECT model FROM model_x50),
       ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade,
             s.curricular_units_2nd_sem_grade]::float8[]) = s.target$$),
  ('predict, model joined from a reference table',
   $$SELECT count(*) FROM %s s, model_x50_ref m WHERE edupredict.predict(m.model,
       ARRAY[s.admission_grade, s.age_at_enrollment, s.curricular_units_1st_sem_grade,
             s.curricular_units_2nd_sem_grade]::float8[]) = s.target$$)) w(what, q);

-- predict_proba by model name over about 1,000,000 rows (issue 15): the
-- rows distributed (the name resolved on the coordinator, the workers score)
-- against the same rows in one local table, resolved the same way and by
-- name in the backend (edupredict.resolve_model_names = off).
CREATE TABLE edupredict_data.students_1m AS
SELECT s.student_id + 10000 * k AS student_id, s.admission_grade, s.age_at_enrollment,
       s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade, s.target
FROM edupredict_data.students s, generate_series(0, 225) k WHERE false;
SELECT create_distributed_table('edupredict_data.students_1m', 'student_id', shard_count => 32) \gset
INSERT INTO edupredict_data.students_1m
SELECT s.student_id + 10000 * k, s.admission_grade, s.age_at_enrollment,
       s.curricular_units_1st_sem_grade, s.curricular_units_2nd_sem_grade, s.target
FROM edupredict_data.students s, generate_series(0, 225) k;
CREATE TABLE edupredict_data.students_1m_local AS SELECT * FROM edupredict_data.students_1m;
ANALYZE edupredict_data.students_1m_local;
SELECT version FROM edupredict.train_forest('x50_rf', 'edupredict_data.students_x50_local', 'target',
  ARRAY['admission_grade', 'age_at_enrollment', 'curricular_units_1st_sem_grade', 'curricular_units_2nd_sem_grade'],
  n_trees => 100, seed => 1) \gset
CREATE TEMP TABLE by_name_q AS SELECT
  $$SELECT count(*) FROM %s s WHERE (edupredict.predict_proba('x50_rf', s))[1] > 0.5$$ AS q;
SELECT count(*) AS rows FROM edupredict_data.students_1m_local \gset
SELECT pg_temp.ms(pg_catalog.format((SELECT q FROM by_name_q), 'edupredict_data.students_1m')) AS dist_ms \gset
SELECT pg_temp.ms(pg_catalog.format((SELECT q FROM by_name_q), 'edupredict_data.students_1m_local')) AS local_ms \gset
SET edupredict.resolve_model_names = off;
SELECT pg_temp.ms(pg_catalog.format((SELECT q FROM by_name_q), 'edupredict_data.students_1m_local')) AS local_name_ms \gset
RESET edupredict.resolve_model_names;
SELECT 'predict_proba by name, 100 trees' AS what, :rows AS rows,
       :dist_ms AS distributed_ms, round(:rows / (:dist_ms / 1000.0)) AS distributed_rows_per_s,
       :local_ms AS one_node_ms, round(:rows / (:local_ms / 1000.0)) AS one_node_rows_per_s,
       :local_name_ms AS one_node_no_rewrite_ms, round(:rows / (:local_name_ms / 1000.0)) AS one_node_no_rewrite_rows_per_s;

-- forest_agg_trees over 1,000,000 generated rows in two shards (one per
-- worker, issue 15): the bytes the coordinator receives (each shard's state
-- as text) against the model's size, wall time, and held-out accuracy
-- against forest_agg on the same rows in one local table with as many trees.
-- Ten features from fixed integer hashes of the row number; the class is
-- (x1 + x2 > 1) XOR (x3 > 0.7), flipped for 10% of the rows (x10 < 0.1).
SET client_min_messages = error;
CREATE FUNCTION pg_temp.u(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
  $$SELECT ((i * (2654435761 + 40503 * k) + 977 * k) % 1000003) / 1000003.0$$;
SET client_min_messages = warning;
CREATE TABLE gen_rows AS
SELECT i, pg_temp.u(i, 1) AS x1, pg_temp.u(i, 2) AS x2, pg_temp.u(i, 3) AS x3, pg_temp.u(i, 4) AS x4,
       pg_temp.u(i, 5) AS x5, pg_temp.u(i, 6) AS x6, pg_temp.u(i, 7) AS x7, pg_temp.u(i, 8) AS x8,
       pg_temp.u(i, 9) AS x9, pg_temp.u(i, 10) AS x10
FROM generate_series(1, 1100000) i;
ALTER TABLE gen_rows ADD COLUMN label text;
UPDATE gen_rows SET label = CASE WHEN ((x1 + x2 > 1) <> (x3 > 0.7)) <> (x10 < 0.1) THEN 'yes' ELSE 'no' END;
CREATE TABLE gen_train_local AS SELECT * FROM gen_rows WHERE i <= 1000000;
CREATE TABLE gen_test AS SELECT * FROM gen_rows WHERE i > 1000000;
CREATE TABLE gen_train AS SELECT * FROM gen_train_local WHERE false;
SELECT create_distributed_table('gen_train', 'i', shard_count => 2) \gset
INSERT INTO gen_train SELECT * FROM gen_train_local;
SELECT nodeport, count(*) AS shards FROM citus_shards WHERE table_name = 'gen_train'::regclass GROUP BY 1 ORDER BY 1;
CREATE AGGREGATE public.gen_partial_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
SELECT sum(result::bigint) AS state_text_bytes
FROM run_command_on_shards('gen_train',
  $$SELECT octet_length(public.gen_partial_state(ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10], label,
      '{"n_trees": 50, "min_samples_leaf": 50, "seed": 1}')::text) FROM %s$$) \gset
CREATE TABLE gen_models (what text, ms numeric, model bytea);
DO $$
DECLARE t0 timestamptz; m bytea;
BEGIN
  t0 := clock_timestamp();
  SELECT edupredict.forest_agg_trees(ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10], label,
           '{"n_trees": 50, "min_samples_leaf": 50, "seed": 1}') INTO m FROM gen_train;
  INSERT INTO gen_models VALUES ('forest_agg_trees, 2 shards x 50 trees', round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000), m);
  t0 := clock_timestamp();
  SELECT edupredict.forest_agg(ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10], label,
           '{"n_trees": 100, "min_samples_leaf": 50, "seed": 1}') INTO m FROM gen_train_local;
  INSERT INTO gen_models VALUES ('forest_agg, one node, 100 trees', round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000), m);
  t0 := clock_timestamp();
  SELECT edupredict.forest_agg(ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10], label,
           '{"n_trees": 100, "min_samples_leaf": 50, "seed": 1}') INTO m FROM gen_train;
  INSERT INTO gen_models VALUES ('forest_agg, distributed (every row to the coordinator)', round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000), m);
END $$;
SELECT g.what, g.ms AS wall_ms, length(g.model) AS model_bytes,
       get_byte(g.model, 20) + 256 * get_byte(g.model, 21) AS trees,
       CASE WHEN g.what LIKE 'forest_agg_trees%' THEN :state_text_bytes END AS bytes_to_coordinator,
       CASE WHEN g.what LIKE 'forest_agg_trees%' THEN round(:state_text_bytes / length(g.model)::numeric, 2) END AS bytes_per_model_byte,
       (SELECT round(avg((edupredict.predict(g.model, ARRAY[t.x1, t.x2, t.x3, t.x4, t.x5, t.x6, t.x7, t.x8, t.x9, t.x10]) = t.label)::int), 4)
        FROM gen_test t) AS test_accuracy
FROM gen_models g ORDER BY g.what;
SELECT pg_catalog.array_to_string((pg_catalog.string_to_array(pg_catalog.pg_read_file('/proc/loadavg'), ' '))[1:3], ' ')
       AS load_after;
