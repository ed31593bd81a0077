SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- train_forest(calibration => ...): a calibrator fitted on the out-of-bag
-- probabilities of the training rows, stored as calibrate() stores it; the
-- same params key of forest_agg and cross_validate.
\set QUIET on
\i data/uci_student_dropout/load.sql
\set QUIET off
CREATE TEMP TABLE oob_train AS SELECT * FROM edupredict_data.students WHERE student_id % 5 <> 0;
ALTER TABLE oob_train DROP COLUMN student_id;
CREATE TEMP TABLE oob_test AS SELECT * FROM edupredict_data.students WHERE student_id % 5 = 0;

-- the same trees with and without a calibrator (calibration draws nothing
-- from the random streams); every training row was out of the bag of some
-- of 60 trees, so every row calibrates
SELECT version, params->>'calibration' AS calibration, (metrics->>'calibration_rows')::int = n_rows AS every_row
FROM edupredict.train_forest('oob_iso', 'oob_train', 'target', n_trees => 60, test_fraction => 0, seed => 7,
                             calibration => 'isotonic');
SELECT version, params->>'calibration' AS calibration, metrics ? 'calibration_rows' AS has_rows
FROM edupredict.train_forest('oob_raw', 'oob_train', 'target', n_trees => 60, test_fraction => 0, seed => 7);
SELECT params->>'calibration' AS calibration
FROM edupredict.train_forest('oob_sig', 'oob_train', 'target', n_trees => 60, test_fraction => 0, seed => 7,
                             calibration => 'sigmoid');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (SELECT array_agg(contribution ORDER BY feature) FROM edupredict.explain('oob_iso', t, class => 'Dropout'))
                            = (SELECT array_agg(contribution ORDER BY feature) FROM edupredict.explain('oob_raw', t, class => 'Dropout'))) AS same_trees
FROM (SELECT * FROM oob_test ORDER BY student_id LIMIT 20) t;

-- calibrated probabilities of three classes add up to 1 and differ from the
-- trees' own
SELECT m AS model, count(*) AS rows,
       count(*) FILTER (WHERE abs((SELECT sum(p) FROM unnest(edupredict.predict_proba(m, t)) p) - 1) < 1e-12) AS sums_to_one,
       count(*) FILTER (WHERE edupredict.predict_proba(m, t) <> edupredict.predict_proba('oob_raw', t)) AS changed
FROM unnest(ARRAY['oob_iso', 'oob_sig']) m, oob_test t GROUP BY m ORDER BY m;
-- on the held-out students: Brier score and ECE at most the uncalibrated
-- forest's
WITH q AS (
  SELECT m, metric, value FROM unnest(ARRAY['oob_raw', 'oob_iso', 'oob_sig']) m, edupredict.evaluate(m, 'oob_test')
  WHERE metric IN ('brier_score', 'ece'))
SELECT a.m AS model, a.metric, a.value <= b.value AS no_worse_than_uncalibrated
FROM q a JOIN q b ON b.metric = a.metric AND b.m = 'oob_raw' WHERE a.m <> 'oob_raw' ORDER BY 1, 2;
-- the calibrated version works with what calibrate()'s versions work with
SELECT label, count(*) AS bins, sum(n_rows) AS rows
FROM edupredict.reliability('oob_iso', 'oob_test') GROUP BY label ORDER BY label;

-- two classes: the calibrated probability is a non-decreasing function of
-- the trees' own (ties map to one value); 'isotonic' and 'sigmoid'
CREATE TEMP TABLE oob_bin_train AS SELECT *, (target = 'Dropout') AS dropout FROM oob_train;
ALTER TABLE oob_bin_train DROP COLUMN target;
CREATE TEMP TABLE oob_bin_test AS SELECT *, (target = 'Dropout') AS dropout FROM oob_test;
SELECT m, classes FROM unnest(ARRAY['isotonic', 'sigmoid', NULL]) m,
     LATERAL edupredict.train_forest('oob_bin_' || coalesce(m, 'raw'), 'oob_bin_train', 'dropout', n_trees => 40,
                                     test_fraction => 0, seed => 3, calibration => m) ORDER BY m;
WITH r AS (
  SELECT m, edupredict.predict_proba('oob_bin_raw', t, 'true') AS raw, edupredict.predict_proba('oob_bin_' || m, t, 'true') AS cal
  FROM unnest(ARRAY['isotonic', 'sigmoid']) m, oob_bin_test t),
g AS (SELECT m, raw, min(cal) AS lo, max(cal) AS hi FROM r GROUP BY m, raw)
SELECT m, count(*) > 20 AS many_values, bool_and(lo = hi) AS ties_agree,
       bool_and(prev_hi IS NULL OR prev_hi <= lo) AS monotone
FROM (SELECT m, lo, hi, max(hi) OVER (PARTITION BY m ORDER BY raw ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
      FROM g) x GROUP BY m ORDER BY m;

-- out-of-bag rows, not in-bag ones: with labels unrelated to the features
-- every tree fits its own sample (in-bag probabilities near 0 and 1, which
-- a calibrator fitted on them would keep or sharpen), but its out-of-bag
-- rows are guesses, so on new rows the calibrators flatten the forest's
-- probabilities to about the base rate
CREATE TEMP TABLE oob_noise AS
SELECT (i * 7919) % 1009 AS x1, (i * 104729) % 1013 AS x2, (i * 15485863) % 997 AS x3,
       ((i * 2654435761) % 101) % 2 = 0 AS y, i > 2000 AS new
FROM generate_series(1::bigint, 4000) i;
CREATE TEMP VIEW oob_noise_train AS SELECT x1, x2, x3, y FROM oob_noise WHERE NOT new;
SELECT round(avg(y::int), 2) AS base_rate FROM oob_noise_train;
SELECT m, classes FROM unnest(ARRAY['isotonic', 'sigmoid', NULL]) m,
     LATERAL edupredict.train_forest('oob_noise_' || coalesce(m, 'raw'), 'oob_noise_train', 'y', n_trees => 50,
                                     test_fraction => 0, seed => 5, calibration => m) ORDER BY m;
SELECT m, round(min(p)::numeric, 2) AS min_p, round(max(p)::numeric, 2) AS max_p, max(p) - min(p) < 0.4 AS flat
FROM unnest(ARRAY['oob_noise_raw', 'oob_noise_isotonic', 'oob_noise_sigmoid']) m,
     LATERAL (SELECT edupredict.predict_proba(m, n, 'true') AS p FROM oob_noise n WHERE new) r GROUP BY m ORDER BY m;

-- one seed, one model: again, with tree threads, and from the rows in
-- reverse order
CREATE TEMP TABLE oob_rev AS SELECT * FROM edupredict_data.students WHERE student_id % 5 <> 0 ORDER BY student_id DESC;
ALTER TABLE oob_rev DROP COLUMN student_id;
SELECT 1 FROM edupredict.train_forest('oob_iso', 'oob_train', 'target', n_trees => 60, test_fraction => 0, seed => 7,
                                      calibration => 'isotonic');
SET edupredict.forest_threads = 2;
SELECT 1 FROM edupredict.train_forest('oob_iso', 'oob_train', 'target', n_trees => 60, test_fraction => 0, seed => 7,
                                      calibration => 'isotonic');
RESET edupredict.forest_threads;
SELECT 1 FROM edupredict.train_forest('oob_iso', 'oob_rev', 'target', n_trees => 60, test_fraction => 0, seed => 7,
                                      calibration => 'isotonic');
SELECT count(*) AS versions, count(DISTINCT model) AS distinct_models
FROM edupredict.models WHERE name = 'oob_iso';
SELECT count(DISTINCT model) AS iso_vs_raw FROM edupredict.models WHERE name IN ('oob_iso', 'oob_raw');

-- forest_agg and cross_validate take the same key (cross_validate: on the
-- fold's training rows, the same with fold threads)
SELECT edupredict.forest_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_approved]::float8[], target,
                             '{"n_trees": 30, "calibration": "sigmoid"}') IS NOT NULL AS agg_model
FROM oob_train;
CREATE TEMP TABLE oob_cv1 AS
SELECT metric, value FROM edupredict.cross_validate('forest', 'oob_bin_train', 'dropout',
                                                   params => '{"n_trees": 20, "calibration": "isotonic"}', folds => 3)
WHERE fold IS NULL;
SET edupredict.forest_threads = 2;
CREATE TEMP TABLE oob_cv2 AS
SELECT metric, value FROM edupredict.cross_validate('forest', 'oob_bin_train', 'dropout',
                                                   params => '{"n_trees": 20, "calibration": "isotonic"}', folds => 3)
WHERE fold IS NULL;
RESET edupredict.forest_threads;
SELECT metric, a.value = b.value AS same_with_threads, a.value > 0 AS positive
FROM oob_cv1 a JOIN oob_cv2 b USING (metric) WHERE metric IN ('accuracy', 'log_loss', 'roc_auc') ORDER BY metric;

-- calibrate() on a forest calibrated out of bag replaces the out-of-bag
-- calibrator, it does not calibrate on top of it (the calibrator is fitted on
-- the trees' own probabilities, and a model holds one): the model is the one
-- calibrate() makes of the uncalibrated forest of the same seed.  Its params
-- say which calibrator it carries (fitted on held-out rows, how many), no
-- longer the out-of-bag method, and its metrics drop the out-of-bag
-- calibration_rows; choose_threshold() keeps the calibrator and both
SELECT new_version AS iso_cal FROM edupredict.calibrate('oob_iso', 'oob_test', 'sigmoid', version => 1) \gset
SELECT new_version AS raw_cal FROM edupredict.calibrate('oob_raw', 'oob_test', 'sigmoid') \gset
SELECT new_version AS iso_thr FROM edupredict.choose_threshold('oob_iso', 'oob_test', 'Dropout', 'max_f1', version => 1) \gset
SELECT a.version, a.params->'calibration' AS calibration, a.metrics ? 'calibration_rows' AS has_oob_rows,
       (a.params->'calibration'->>'rows')::int = (SELECT count(*) FROM oob_test) AS rows_are_held_out,
       md5(a.model) = md5(r.model) AS model_of_uncalibrated_forest
FROM edupredict.models a, edupredict.models r
WHERE a.name = 'oob_iso' AND a.version IN (1, :iso_cal, :iso_thr) AND r.name = 'oob_raw' AND r.version = :raw_cal
ORDER BY a.version;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE edupredict.predict_proba('oob_iso', t, :iso_cal) = edupredict.predict_proba('oob_raw', t, :raw_cal)) AS same_as_raw_calibrated,
       count(*) FILTER (WHERE edupredict.predict_proba('oob_iso', t, :iso_thr) = edupredict.predict_proba('oob_iso', t, 1)) AS threshold_keeps_calibrator
FROM oob_test t;
-- tune(deploy => 'if_better') retrains the deployed version as it is: a
-- forest calibrated out of bag with its calibrator (cross_validate() of its
-- parameters, not of its trees alone); a version calibrated by calibrate()
-- cannot be retrained so and is refused (22023), with no new version
SELECT version FROM edupredict.deploy('oob_bin_isotonic', 1);
SET client_min_messages = warning;
WITH t AS MATERIALIZED (
  SELECT * FROM edupredict.tune('oob_bin_isotonic', 'forest', 'oob_bin_train', 'dropout', '{"max_depth": [3]}', trials => 1,
                                params => '{"n_trees": 40, "calibration": "isotonic"}', metric => 'log_loss',
                                folds => 3, deploy => 'if_better')),
cv AS (
  SELECT p, value FROM unnest(ARRAY['{"n_trees": 40, "calibration": "isotonic"}', '{"n_trees": 40}']::jsonb[]) p,
       LATERAL edupredict.cross_validate('forest', 'oob_bin_train', 'dropout', params => p, folds => 3)
  WHERE fold IS NULL AND metric = 'log_loss')
SELECT t.baseline_version, t.baseline_score = (SELECT value FROM cv WHERE p ? 'calibration') AS scored_with_calibrator,
       t.baseline_score <> (SELECT value FROM cv WHERE NOT p ? 'calibration') AS not_trees_alone
FROM t;
SELECT new_version AS bin_cal FROM edupredict.calibrate('oob_bin_isotonic', 'oob_bin_test', 'sigmoid', version => 1) \gset
SELECT version FROM edupredict.deploy('oob_bin_isotonic', :bin_cal);
SELECT count(*) AS versions_before FROM edupredict.models WHERE name = 'oob_bin_isotonic';
SELECT * FROM edupredict.tune('oob_bin_isotonic', 'forest', 'oob_bin_train', 'dropout', '{"max_depth": [3]}', trials => 1,
                              params => '{"n_trees": 40, "calibration": "isotonic"}', metric => 'log_loss',
                              folds => 3, deploy => 'if_better');
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT count(*) AS versions_after FROM edupredict.models WHERE name = 'oob_bin_isotonic';

-- refused: other values, regression, boosting (22023; train_boosting has no
-- such argument)
SELECT * FROM edupredict.train_forest('oob_bad', 'oob_train', 'target', calibration => 'platt');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('oob_bad', 'oob_train', 'target', calibration => '');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.forest_agg(ARRAY[admission_grade]::float8[], target, '{"calibration": 1}') FROM oob_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.forest_agg(ARRAY[admission_grade]::float8[], target, '{"calibration": true}') FROM oob_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('oob_bad', 'oob_train', 'admission_grade', task => 'regression', calibration => 'isotonic');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.train_forest('oob_bad', 'oob_train', 'admission_grade', calibration => 'isotonic');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.forest_agg(ARRAY[age_at_enrollment]::float8[], admission_grade, '{"calibration": "isotonic", "task": "regression"}') FROM oob_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.cross_validate('forest', 'oob_train', 'admission_grade', params => '{"calibration": "sigmoid"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.boost_agg(ARRAY[admission_grade]::float8[], target, '{"calibration": "isotonic"}') FROM oob_train;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM edupredict.cross_validate('boosting', 'oob_bin_train', 'dropout', params => '{"calibration": "isotonic"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT count(*) FROM edupredict.cross_validate('boosting', 'oob_bin_train', 'dropout', params => '{"calibration": null, "n_rounds": 5}', folds => 2);
SELECT * FROM edupredict.train_boosting('oob_bad', 'oob_bin_train', 'dropout', calibration => 'isotonic');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- a forest too small for every class to be out of bag somewhere
CREATE TEMP TABLE oob_tiny AS SELECT i::float8 AS x, (i > 3) AS y FROM generate_series(1, 4) i;
SELECT * FROM edupredict.train_forest('oob_bad', 'oob_tiny', 'y', n_trees => 1, test_fraction => 0, seed => 1,
                                      calibration => 'isotonic');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT count(*) AS refused_models FROM edupredict.models WHERE name = 'oob_bad';
DELETE FROM edupredict.models WHERE name LIKE 'oob\_%';
