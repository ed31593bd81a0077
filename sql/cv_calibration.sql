SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- train_forest(calibration => ..., calibration_folds => k): k forests, forest
-- f grown on the training rows outside fold f and calibrated on the rows of
-- fold f, which it did not see; the k forests with their calibrators are the
-- model (a row's probability: the mean of the folds' calibrated ones).  The
-- same params key of forest_agg and cross_validate.
\set QUIET on
\i data/uci_student_dropout/load.sql
\set QUIET off
CREATE TEMP TABLE cvc_train AS SELECT * FROM edupredict_data.students WHERE student_id % 5 <> 0;
ALTER TABLE cvc_train DROP COLUMN student_id;
CREATE TEMP TABLE cvc_test AS SELECT * FROM edupredict_data.students WHERE student_id % 5 = 0;

-- every training row calibrates (it is in one fold); the model holds
-- folds x n_trees trees
SELECT version, params->>'calibration' AS calibration, params->>'calibration_folds' AS folds,
       params->>'n_trees' AS n_trees, metrics->>'trees' AS trees,
       (metrics->>'calibration_rows')::int = n_rows AS every_row
FROM edupredict.train_forest('cvc_iso', 'cvc_train', 'target', n_trees => 20, test_fraction => 0, seed => 7,
                             calibration => 'isotonic', calibration_folds => 3);
SELECT params->>'calibration' AS calibration, metrics->>'trees' AS trees
FROM edupredict.train_forest('cvc_sig', 'cvc_train', 'target', n_trees => 20, test_fraction => 0, seed => 7,
                             calibration => 'sigmoid', calibration_folds => 3);
SELECT metrics ? 'trees' AS oob_has_trees, params ? 'calibration_folds' AS oob_has_folds
FROM edupredict.train_forest('cvc_oob', 'cvc_train', 'target', n_trees => 20, test_fraction => 0, seed => 7,
                             calibration => 'isotonic');
SELECT 1 FROM edupredict.train_forest('cvc_raw', 'cvc_train', 'target', n_trees => 60, test_fraction => 0, seed => 7);
-- three classes: probabilities add up to 1; explanations add up to the
-- trees' own probability (all 60 trees) as for any calibrated forest
SELECT m AS model, count(*) AS rows,
       count(*) FILTER (WHERE abs((SELECT sum(p) FROM unnest(edupredict.predict_proba(m, t)) p) - 1) < 1e-12) AS sums_to_one
FROM unnest(ARRAY['cvc_iso', 'cvc_sig']) m, cvc_test t GROUP BY m ORDER BY m;
-- explain() explains the trees' own probability, the mean of all 60 trees:
-- the contributions and the base value add up to a probability
SELECT count(*) AS rows,
       count(*) FILTER (WHERE edupredict.explain_base_value('cvc_iso', 'Dropout')
                              + (SELECT sum(contribution) FROM edupredict.explain('cvc_iso', t, class => 'Dropout'))
                              BETWEEN 0 AND 1) AS explained
FROM (SELECT * FROM cvc_test ORDER BY student_id LIMIT 10) t;
-- on the held-out students: the calibrators lower the ECE of an
-- uncalibrated forest of as many trees (0.046); the Brier scores, for the
-- record (three folds of 20 trees, each calibrator on 1,180 rows: the
-- isotonic one is 0.001 over the uncalibrated forest's here)
WITH q AS (
  SELECT m, metric, value FROM unnest(ARRAY['cvc_raw', 'cvc_iso', 'cvc_sig']) m, edupredict.evaluate(m, 'cvc_test')
  WHERE metric IN ('brier_score', 'ece'))
SELECT a.m AS model, round(a.value::numeric, 3) AS brier_score, round(e.value::numeric, 3) AS ece,
       e.value < (SELECT value FROM q WHERE m = 'cvc_raw' AND metric = 'ece') OR a.m = 'cvc_raw' AS ece_lowered
FROM q a JOIN q e ON e.m = a.m AND e.metric = 'ece' WHERE a.metric = 'brier_score' ORDER BY 1;

-- out-of-fold rows, not the rows a forest grew on: with labels unrelated
-- to the features every forest fits its own rows (probabilities near 0 and
-- 1 there), but it guesses on its fold, so on new rows the calibrators
-- flatten the forest's probabilities to about the base rate
CREATE TEMP TABLE cvc_noise AS
SELECT (i * 7919) % 1009 AS x1, (i * 104729) % 1013 AS x2, (i * 15485863) % 997 AS x3,
       ((i * 2654435761) % 101) % 2 = 0 AS y, i > 2000 AS new
FROM generate_series(1::bigint, 4000) i;
CREATE TEMP VIEW cvc_noise_train AS SELECT x1, x2, x3, y FROM cvc_noise WHERE NOT new;
SELECT m, classes FROM unnest(ARRAY['isotonic', 'sigmoid', NULL]) m,
     LATERAL edupredict.train_forest('cvc_noise_' || coalesce(m, 'raw'), 'cvc_noise_train', 'y', n_trees => 20,
                                     test_fraction => 0, seed => 5, calibration => m,
                                     calibration_folds => CASE WHEN m IS NOT NULL THEN 4 END) ORDER BY m;
SELECT m, round(min(p)::numeric, 2) AS min_p, round(max(p)::numeric, 2) AS max_p, max(p) - min(p) < 0.4 AS flat
FROM unnest(ARRAY['cvc_noise_raw', 'cvc_noise_isotonic', 'cvc_noise_sigmoid']) m,
     LATERAL (SELECT edupredict.predict_proba(m, n, 'true') AS p FROM cvc_noise n WHERE new) r GROUP BY m ORDER BY m;

-- a text feature: the folds' forests split on its categories, and their
-- category tables are renumbered as the forests are put together (a table
-- or child left pointing into the first forest makes bytes the reader
-- refuses); the side decides the label but for one row in ten
CREATE TEMP TABLE cvc_cat AS
SELECT (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4] AS side, ((i * 7919) % 101)::float8 AS x,
       CASE WHEN i % 4 IN (0, 2) THEN i % 10 <> 3 ELSE i % 10 = 3 END AS y
FROM generate_series(1, 800) i;
SELECT metrics->>'trees' AS trees
FROM edupredict.train_forest('cvc_cat', 'cvc_cat', 'y', n_trees => 10, max_depth => 2, test_fraction => 0, seed => 3,
                             calibration => 'isotonic', calibration_folds => 3);
SELECT splits > 0 AS side_splits FROM edupredict.feature_importance('cvc_cat', NULL) WHERE feature = 'side';
SELECT r.side, edupredict.predict('cvc_cat', r) AS predicted,
       edupredict.predict('cvc_cat', r) = (SELECT mode() WITHIN GROUP (ORDER BY y)::text FROM cvc_cat c WHERE c.side = r.side)
         AS majority
FROM (SELECT DISTINCT ON (side) * FROM cvc_cat ORDER BY side, x) r ORDER BY r.side;
SELECT edupredict.drop_model('cvc_cat');

-- one seed, one model: again, with tree threads, and from the rows in
-- reverse order; another seed, other folds and trees
CREATE TEMP TABLE cvc_rev AS SELECT * FROM edupredict_data.students WHERE student_id % 5 <> 0 ORDER BY student_id DESC;
ALTER TABLE cvc_rev DROP COLUMN student_id;
SELECT 1 FROM edupredict.train_forest('cvc_iso', 'cvc_train', 'target', n_trees => 20, test_fraction => 0, seed => 7,
                                      calibration => 'isotonic', calibration_folds => 3);
SET edupredict.forest_threads = 2;
SELECT 1 FROM edupredict.train_forest('cvc_iso', 'cvc_train', 'target', n_trees => 20, test_fraction => 0, seed => 7,
                                      calibration => 'isotonic', calibration_folds => 3);
RESET edupredict.forest_threads;
SELECT 1 FROM edupredict.train_forest('cvc_iso', 'cvc_rev', 'target', n_trees => 20, test_fraction => 0, seed => 7,
                                      calibration => 'isotonic', calibration_folds => 3);
SELECT 1 FROM edupredict.train_forest('cvc_seed', 'cvc_train', 'target', n_trees => 20, test_fraction => 0, seed => 8,
                                      calibration => 'isotonic', calibration_folds => 3);
SELECT count(*) AS versions, count(DISTINCT model) AS distinct_models
FROM edupredict.models WHERE name = 'cvc_iso';
SELECT count(DISTINCT model) AS seeds_differ FROM edupredict.models WHERE name IN ('cvc_iso', 'cvc_seed');

-- forest_agg and cross_validate take the same key (cross_validate: on the
-- fold's training rows, the same with fold threads)
SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_approved]::float8[], target,
                             '{"n_trees": 10, "calibration": "sigmoid", "calibration_folds": 2}') IS NOT NULL AS agg_model
FROM cvc_train;
CREATE TEMP TABLE cvc_bin_train AS SELECT *, (target = 'Dropout') AS dropout FROM cvc_train;
ALTER TABLE cvc_bin_train DROP COLUMN target;
CREATE TEMP TABLE cvc_cv1 AS
SELECT metric, value FROM edupredict.cross_validate('forest', 'cvc_bin_train', 'dropout',
                                                   params => '{"n_trees": 10, "calibration": "isotonic", "calibration_folds": 2}', folds => 3)
WHERE fold IS NULL;
SET edupredict.forest_threads = 2;
CREATE TEMP TABLE cvc_cv2 AS
SELECT metric, value FROM edupredict.cross_validate('forest', 'cvc_bin_train', 'dropout',
                                                   params => '{"n_trees": 10, "calibration": "isotonic", "calibration_folds": 2}', folds => 3)
WHERE fold IS NULL;
RESET edupredict.forest_threads;
SELECT metric, a.value = b.value AS same_with_threads, a.value > 0 AS positive
FROM cvc_cv1 a JOIN cvc_cv2 b USING (metric) WHERE metric IN ('accuracy', 'log_loss', 'roc_auc') ORDER BY metric;

-- tune searches calibration_folds like any forest parameter; the refitted
-- best version holds its folds' trees and calibrator sets
SET client_min_messages = warning;
SELECT version, evaluations, (best_params->>'calibration_folds')::int AS folds, best_params->>'calibration' AS calibration
FROM edupredict.tune('cvc_tune', 'forest', 'cvc_bin_train', 'dropout', '{"calibration_folds": [2, 3]}', trials => 2,
                     method => 'grid', params => '{"n_trees": 5, "calibration": "sigmoid"}', metric => 'log_loss',
                     folds => 2);
RESET client_min_messages;
SELECT (metrics->>'trees')::int = 5 * (params->>'calibration_folds')::int AS trees_per_fold,
       (SELECT count(*) FROM edupredict.runs r WHERE r.model_name = 'cvc_tune') AS runs
FROM edupredict.model_list WHERE name = 'cvc_tune';

-- refused (22023, 54000 over the tree limit), with nothing written
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_train', 'target', calibration_folds => 3);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- the same refusal where the settings are keys of params: the hint names keys, not arguments
SELECT * FROM edupredict.cross_validate('forest', 'cvc_bin_train', 'dropout', params => '{"calibration_folds": 3}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.tune('cvc_bad', 'forest', 'cvc_bin_train', 'dropout', '{"calibration_folds": [2, 3]}', trials => 2);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.forest_agg(ARRAY[admission_grade]::float8[], target, '{"calibration_folds": 3}') FROM cvc_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_train', 'target', calibration => 'isotonic', calibration_folds => 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_train', 'target', calibration => 'isotonic', calibration_folds => 21);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_train', 'target', n_trees => 2001, calibration => 'isotonic', calibration_folds => 5);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_train', 'admission_grade', task => 'regression',
                                      calibration => 'isotonic', calibration_folds => 3);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.forest_agg(ARRAY[admission_grade]::float8[], target, '{"calibration": "isotonic", "calibration_folds": 2.5}') FROM cvc_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.forest_agg(ARRAY[admission_grade]::float8[], target, '{"calibration_folds": "3"}') FROM cvc_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.cross_validate('boosting', 'cvc_bin_train', 'dropout', params => '{"calibration_folds": 3}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict._forest_params_problem('{"calibration": "isotonic", "calibration_folds": 0}');
-- more folds than training rows; more folds than a class has rows (a fold
-- without both classes cannot calibrate)
CREATE TEMP TABLE cvc_tiny AS SELECT i::float8 AS x, (i > 2) AS y FROM generate_series(1, 4) i;
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_tiny', 'y', n_trees => 2, test_fraction => 0, seed => 1,
                                      calibration => 'isotonic', calibration_folds => 5);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('cvc_bad', 'cvc_tiny', 'y', n_trees => 2, test_fraction => 0, seed => 1,
                                      calibration => 'isotonic', calibration_folds => 3);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT 1 FROM edupredict.train_forest('cvc_two', 'cvc_tiny', 'y', n_trees => 2, test_fraction => 0, seed => 1,
                                      calibration => 'sigmoid', calibration_folds => 2);
SELECT count(*) AS refused_models FROM edupredict.models WHERE name = 'cvc_bad';
DELETE FROM edupredict.models WHERE name LIKE 'cvc\_%';
