-- Today's baseline for forest_agg on Citus (docs/scale-out.md), printed by
-- bench/citus/run.sh after the checks and not compared (figures, not
-- behaviour): the rows and bytes the coordinator receives from the workers,
-- against the size of the model it then builds, for the UCI rows (4,424) and
-- a 50-fold copy (221,200 rows, the size the issue measured).
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
