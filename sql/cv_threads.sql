-- Cross-validation folds trained at the same time (model_cv_threads.c): with
-- fewer than 32,768 training rows per fold and edupredict.forest_threads
-- above 1, each fold trains on its own thread.  A fold's model does not
-- depend on the threads that grew it, so every score equals the score of
-- the folds trained one after another (forest_threads = 1); errors, the
-- memory cap and a cancel behave as they do there.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;

-- text and numeric features with missing values, three classes
CREATE TEMP TABLE cvt AS
SELECT i AS id,
       CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 37 % 101)::float8 END AS a,
       (i * 53 % 97)::float8 / 7 AS b,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (ARRAY['north', 'south', 'east', 'west'])[1 + i * 7 % 4] END AS region,
       (i % 5) AS school,
       CASE WHEN (i * 37 % 101) + (i * 53 % 97) / 3 > 90 THEN 'high'
            WHEN i % 3 = 0 THEN 'mid' ELSE 'low' END AS y,
       (i * 37 % 101)::float8 / 10 + (i % 7) AS r
FROM generate_series(1, 3000) i;

CREATE FUNCTION pg_temp.cv(threads int, algorithm text, target text, params jsonb,
                           split text DEFAULT 'stratified')
RETURNS TABLE (fold int, metric text, value float8)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('edupredict.forest_threads', threads::text, true);
  RETURN QUERY SELECT c.fold, c.metric, c.value
               FROM edupredict.cross_validate(algorithm, 'cvt', target, ARRAY['a', 'b', 'region'], params,
                                              split => split, group_by => CASE WHEN split = 'group' THEN 'school' END) c;
END $$;

-- the same scores, fold by fold, from one thread and from two
SELECT c.label, count(*) AS values,
       count(*) FILTER (WHERE one.value IS NOT DISTINCT FROM two.value) AS equal
FROM (VALUES ('forest', 'forest', 'y', '{"n_trees": 15}'::jsonb, 'stratified'),
             ('forest, regression', 'forest', 'r', '{"n_trees": 10, "max_features": 0.5}', 'random'),
             ('boosting, sampled rows and columns', 'boosting', 'y',
              '{"n_rounds": 30, "max_depth": 4, "subsample": 0.7, "colsample": 0.6}', 'stratified'),
             ('boosting, regression, group folds', 'boosting', 'r', '{"n_rounds": 20}', 'group'),
             ('boosting, validation split (one fold at a time)', 'boosting', 'y',
              '{"n_rounds": 20, "early_stopping_rounds": 3}', 'stratified')) c(label, algorithm, target, params, split),
     LATERAL pg_temp.cv(1, c.algorithm, c.target, c.params, c.split) one
     JOIN LATERAL pg_temp.cv(2, c.algorithm, c.target, c.params, c.split) two USING (fold, metric)
GROUP BY c.label ORDER BY c.label;

-- tune() scores its trials the same way
SET edupredict.forest_threads = 1;
SELECT version, round(cv_score::numeric, 12) AS cv_score, best_params
FROM edupredict.tune('cvt_one', 'boosting', 'cvt', 'y', '{"max_depth": [2, 5], "learning_rate": {"log": [0.05, 0.3]}}',
                     trials => 3, features => ARRAY['a', 'b', 'region'], params => '{"n_rounds": 15}');
SET edupredict.forest_threads = 2;
SELECT version, round(cv_score::numeric, 12) AS cv_score, best_params
FROM edupredict.tune('cvt_two', 'boosting', 'cvt', 'y', '{"max_depth": [2, 5], "learning_rate": {"log": [0.05, 0.3]}}',
                     trials => 3, features => ARRAY['a', 'b', 'region'], params => '{"n_rounds": 15}');
SELECT (SELECT model FROM edupredict.models WHERE name = 'cvt_one') = (SELECT model FROM edupredict.models WHERE name = 'cvt_two')
       AS same_refit;
-- every trial's fold scores too: on two threads a search queues all of a
-- rung's trials at once (model_cv_threads.c), and reports them in order
CREATE FUNCTION pg_temp.trials(model text)
RETURNS TABLE (n bigint, params jsonb, metrics jsonb, score float8)
LANGUAGE sql AS $$
  SELECT row_number() OVER (ORDER BY r.id), r.params, r.metrics, r.score
  FROM edupredict.runs r WHERE r.kind = 'trial' AND r.model_name = model $$;
SELECT count(*) AS trials,
       count(*) FILTER (WHERE o.params = t.params AND o.metrics = t.metrics AND o.score = t.score) AS equal
FROM pg_temp.trials('cvt_one') o JOIN pg_temp.trials('cvt_two') t USING (n);
-- successive halving: a queue per rung
SET client_min_messages = warning;
SET edupredict.forest_threads = 1;
SELECT count(*) FROM edupredict.tune('cvt_half_one', 'forest', 'cvt', 'y', '{"max_depth": [2, 12], "min_samples_leaf": [1, 5, 20]}',
                     trials => 9, method => 'halving', features => ARRAY['a', 'b', 'region'], params => '{"n_trees": 8}');
SET edupredict.forest_threads = 2;
SELECT count(*) FROM edupredict.tune('cvt_half_two', 'forest', 'cvt', 'y', '{"max_depth": [2, 12], "min_samples_leaf": [1, 5, 20]}',
                     trials => 9, method => 'halving', features => ARRAY['a', 'b', 'region'], params => '{"n_trees": 8}');
RESET client_min_messages;
SELECT count(*) AS trials,
       count(*) FILTER (WHERE o.params = t.params AND o.metrics = t.metrics AND o.score = t.score) AS equal
FROM pg_temp.trials('cvt_half_one') o JOIN pg_temp.trials('cvt_half_two') t USING (n);

-- errors: a parameter out of range is refused before any fold trains; the
-- memory cap stops the folds with the error it gives one fold at a time
\set VERBOSITY terse
SELECT count(*) FROM pg_temp.cv(2, 'boosting', 'y', '{"n_rounds": 0}');
CREATE TEMP TABLE cvt_big AS
SELECT i, (i * 37 % 1001)::float8 AS a, (i * 53 % 997)::float8 AS b, (i * 61 % 89)::float8 AS c,
       ((i * 37 % 1001) + (i * 53 % 997) + i % 17)::float8 AS r
FROM generate_series(1, 30000) i;
SET edupredict.forest_max_memory = '16MB';
SET edupredict.forest_threads = 1;
SELECT count(*) FROM edupredict.cross_validate('forest', 'cvt_big', 'r', ARRAY['a', 'b', 'c'], '{"n_trees": 300}');
SET edupredict.forest_threads = 2;
SELECT count(*) FROM edupredict.cross_validate('forest', 'cvt_big', 'r', ARRAY['a', 'b', 'c'], '{"n_trees": 300}');
-- and a search whose queued trials outgrow it: the same error, no half rows
SELECT count(*) FROM edupredict.tune('cvt_cap', 'forest', 'cvt_big', 'r', '{"min_samples_leaf": [1, 2, 3]}', trials => 3,
                                     features => ARRAY['a', 'b', 'c'], params => '{"n_trees": 300}');
SELECT count(*) AS rows_left FROM edupredict.runs WHERE model_name = 'cvt_cap';
RESET edupredict.forest_max_memory;
\set VERBOSITY default

-- a cancel stops every fold soon (here about 20 s of work; best of up to three attempts, as in
-- sql/model_cancel.sql, against a load spike on a shared machine)
\i test/fixtures/cancel_overshoot.sql
SET edupredict.forest_threads = 2;
SET statement_timeout = '1s';
CALL pg_temp.attempt('folds_stop', 0.5, $$SELECT count(*) FROM edupredict.cross_validate('boosting', 'cvt_big', 'r', ARRAY['a', 'b', 'c'],
  '{"n_rounds": 3000, "max_depth": 8}')$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('folds_stop') AS folds_stop;
RESET statement_timeout;
-- and the same statement without the cancel works in this session
SELECT count(*) AS rows FROM edupredict.cross_validate('boosting', 'cvt_big', 'r', ARRAY['a', 'b', 'c'], '{"n_rounds": 3}');
RESET edupredict.forest_threads;
DELETE FROM edupredict.models WHERE name IN ('cvt_one', 'cvt_two', 'cvt_half_one', 'cvt_half_two');
