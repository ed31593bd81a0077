-- The tree engine's errors (EnsError, src/ensemble.h) as SQL sees them: each id
-- that SQL can reach, with its SQLSTATE and its exact words (written once, in
-- src/ensemble_error_pg.c), through each call site: boosting's parameter check
-- (train_boosting, boost_agg, cross_validate), a forest's calibration
-- (train_forest), and the folds of cross_validate and tune, on fold threads
-- (edupredict.forest_threads = 2) and in the backend (= 1).
-- Not reachable from SQL: the boosting trainer's checks of the data the glue
-- builds (so boosting's training site raises nothing a test can reach), a
-- class count or thread count the glue refuses first in its own words, a
-- cross-fitted forest over 10,000 trees (train_forest refuses it first, with a
-- hint), and an isotonic calibrator of over 2^20 knots (a million rows).
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(33);
SET LOCAL search_path = public, edupredict;

CREATE TEMP TABLE tap_b AS
SELECT i::float8 AS x, (i % 7)::float8 AS z, (i % 3)::text AS y3, i % 2 AS yb, i::float8 AS yr
FROM generate_series(1, 300) i;
-- two rows, one tree: seeded so that the tree draws both rows, or one row twice
CREATE TEMP TABLE tap_two AS SELECT i::float8 AS x, (i > 1) AS y FROM generate_series(1, 2) i;
-- one "false" row among twelve: some calibration folds hold only "true"
CREATE TEMP TABLE tap_rare AS SELECT i::float8 AS x, (i > 1) AS y FROM generate_series(1, 12) i;
-- two rows of each class, three folds: one fold without a "true" row
CREATE TEMP TABLE tap_four AS SELECT i::float8 AS x, (i > 2) AS y FROM generate_series(1, 4) i;
CREATE TEMP TABLE tap_even AS SELECT i::float8 AS x, (i % 2 = 0) AS y FROM generate_series(1, 20) i;

-- boosting parameters (boost_params.c), before any row is read
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'y3', ARRAY['x', 'z'], loss => 'squared')$$,
	'22023', 'loss must be logistic or softmax for classification', 'a regression loss for classes: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'y3', ARRAY['x', 'z'], loss => 'logistic')$$,
	'22023', 'loss logistic needs exactly 2 classes; use softmax', 'logistic on three classes: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yr', ARRAY['x', 'z'], loss => 'logistic', task => 'regression')$$,
	'22023', 'loss must be squared, absolute or huber for regression', 'a classification loss for a regression: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yr', ARRAY['x', 'z'], loss => 'huber', huber_delta => 0, task => 'regression')$$,
	'22023', 'huber_delta must be a positive number', 'huber_delta 0: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yr', ARRAY['x', 'z'], class_weight => 'balanced', task => 'regression')$$,
	'22023', 'class_weight applies to classification only', 'class_weight on a regression: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], n_rounds => 0)$$,
	'22023', 'n_rounds must be between 1 and 10000', 'n_rounds 0: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'y3', ARRAY['x', 'z'], n_rounds => 5000)$$,
	'54000', 'n_rounds times the number of classes must be at most 10000 trees', '5000 rounds of three trees: 54000');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], max_depth => 33)$$,
	'22023', 'max_depth must be between 1 and 32', 'max_depth 33: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], max_leaves => 1)$$,
	'22023', 'max_leaves must be between 2 and 4096', 'max_leaves 1: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], max_depth => NULL)$$,
	'22023', 'max_depth must be between 1 and 32 unless max_leaves is set', 'no depth and no leaves: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], min_child_weight => -1)$$,
	'22023', 'min_child_weight must be a non-negative number', 'min_child_weight -1: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], l2 => -1)$$,
	'22023', 'l2 must be a non-negative number', 'l2 -1: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], learning_rate => 0)$$,
	'22023', 'learning_rate must be greater than 0 and at most 1', 'learning_rate 0: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], subsample => 1.5)$$,
	'22023', 'subsample must be greater than 0 and at most 1', 'subsample 1.5: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], colsample => 0)$$,
	'22023', 'colsample must be greater than 0 and at most 1', 'colsample 0: 22023');
SELECT throws_ok($$SELECT train_boosting('tap_e', 'tap_b', 'yb', ARRAY['x', 'z'], early_stopping_rounds => 10001)$$,
	'22023', 'early_stopping_rounds must be between 1 and 10000', 'early_stopping_rounds 10001: 22023');
-- the aggregate and cross-validation share the check
SELECT throws_ok($$SELECT boost_agg(ARRAY[x, z], y3, '{"n_rounds": 5000}') FROM tap_b$$,
	'54000', 'n_rounds times the number of classes must be at most 10000 trees', 'boost_agg: the same limit, 54000');
SELECT throws_ok($$SELECT count(*) FROM cross_validate('boosting', 'tap_b', 'yb', ARRAY['x', 'z'], '{"max_leaves": 1}')$$,
	'22023', 'max_leaves must be between 2 and 4096', 'cross_validate: the same check, 22023');

-- a forest calibrated out of bag (forest_oob.c)
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_two', 'y', n_trees => 1, test_fraction => 0, seed => 1, calibration => 'isotonic')$$,
	'22023', 'no training row was left out of a tree''s sample to calibrate on; grow more trees or a smaller sample_fraction',
	'no out-of-bag row: 22023');
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_two', 'y', n_trees => 1, test_fraction => 0, seed => 2, calibration => 'isotonic')$$,
	'22023', 'no out-of-bag row is of class #2 of 2: the calibrator needs rows of every class; grow more trees or leave calibration NULL',
	'a class never out of bag: 22023, numbering it');
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_rare', 'y', n_trees => 1, test_fraction => 0, seed => 1, calibration => 'isotonic')$$,
	'22023', 'the out-of-bag rows are all of class #2 of 2: the calibrator needs other classes too; grow more trees',
	'out-of-bag rows of one class: 22023, numbering it');

-- a forest calibrated by cross-fitting (forest_cvcal.c)
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_two', 'y', n_trees => 2, test_fraction => 0, calibration => 'isotonic', calibration_folds => 3)$$,
	'22023', 'calibration_folds is 3 but there are only 2 training rows; use fewer folds', 'more folds than rows: 22023');
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_rare', 'y', n_trees => 2, test_fraction => 0, seed => 1, calibration => 'isotonic', calibration_folds => 3)$$,
	'22023', 'the rows of calibration fold 2 are all of class #2 of 2: a calibrator needs other classes too; use fewer calibration_folds',
	'a fold of one class: 22023, naming the fold and numbering the class');
-- a class label of 100 two-byte characters: a value of the training rows, so
-- not shown at all (STYLE.md section 8), the class is numbered
CREATE TEMP TABLE tap_rare_long AS
SELECT i::float8 AS x, CASE WHEN i > 1 THEN repeat(chr(233), 100) ELSE 'f' END AS y FROM generate_series(1, 12) i;
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_rare_long', 'y', n_trees => 2, test_fraction => 0, seed => 1, calibration => 'isotonic', calibration_folds => 3)$$,
	'22023', 'the rows of calibration fold 2 are all of class #2 of 2: a calibrator needs other classes too; use fewer calibration_folds',
	'a long class label in a fold''s error: numbered, not shown, 22023');
SELECT throws_ok($$SELECT train_forest('tap_e', 'tap_four', 'y', n_trees => 2, test_fraction => 0, seed => 1, calibration => 'isotonic', calibration_folds => 3)$$,
	'22023', 'calibration fold 2 has no row of class #2 of 2: every fold''s calibrator needs rows of every class; use at most as many calibration_folds as the smallest class has rows',
	'a fold without a class: 22023, naming the fold and numbering the class');

-- cross_validate's folds, trained in the backend (forest_threads = 1) or on fold threads (2):
-- the same error.  A fold that fails on a thread stops the folds still training, and then
-- the backend trains them all again, one at a time, to the same error; the threads' own
-- error is raised when every fold finished.  tap_groups makes that the usual case: with split
-- 'group' each fold's calibration folds are whole groups of its training rows (test/pgtap/
-- group_split.sql).  Fold 0 trains on the clean schools c1-c3 (4,200 rows, every class in
-- each, shallow trees) and passes; fold 1 trains on the noisy schools n1-n3 (4,280 rows, deep
-- trees), one of whose calibration folds (n2) has no row of class "c", and fails only in its
-- last step (either path gives this test's answer).
CREATE TEMP TABLE tap_groups AS
SELECT 'n1' AS g, i::float8 AS x, ((i * 37) % 101)::float8 AS z,
       CASE WHEN i IN (5, 3000) THEN 'c' WHEN (i * 7919) % 13 < 6 THEN 'a' ELSE 'b' END AS y
FROM generate_series(1, 4000) i
UNION ALL SELECT 'n2', i, (i * 37) % 101, CASE WHEN (i * 7919) % 13 < 6 THEN 'a' ELSE 'b' END FROM generate_series(1, 160) i
UNION ALL SELECT 'n3', i, (i * 37) % 101, CASE WHEN i = 7 THEN 'c' WHEN (i * 7919) % 13 < 6 THEN 'a' ELSE 'b' END FROM generate_series(1, 120) i
UNION ALL SELECT 'c1', i, i % 3, (ARRAY['a', 'b', 'c'])[1 + i % 3] FROM generate_series(1, 1600) i
UNION ALL SELECT 'c2', i, i % 3, (ARRAY['a', 'b', 'c'])[1 + i % 3] FROM generate_series(1, 1400) i
UNION ALL SELECT 'c3', i, i % 3, (ARRAY['a', 'b', 'c'])[1 + i % 3] FROM generate_series(1, 1200) i;
CREATE FUNCTION pg_temp.cv_groups() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM edupredict.cross_validate('forest', 'tap_groups', 'y', ARRAY['x', 'z'],
		'{"n_trees": 20, "calibration": "isotonic", "calibration_folds": 3}', folds => 2, split => 'group', group_by => 'g')
$$;
CREATE FUNCTION pg_temp.fold_errors(threads int, how text) RETURNS SETOF text LANGUAGE plpgsql AS $f$
BEGIN
	PERFORM set_config('edupredict.forest_threads', threads::text, true);
	RETURN NEXT throws_ok($$SELECT pg_temp.cv_groups()$$,
		'22023', 'calibration fold 2 has no row of class #3 of 3: every fold''s calibrator needs rows of every class; use at most as many calibration_folds as the smallest class has rows',
		'a fold''s cross-fitted calibration ' || how || ': 22023');
	RETURN NEXT throws_ok($$SELECT count(*) FROM cross_validate('forest', 'tap_even', 'y', params => '{"n_trees": 2, "calibration": "isotonic", "calibration_folds": 20}')$$,
		'22023', 'calibration_folds is 20 but there are only 16 training rows; use fewer folds',
		'too few rows for a fold''s calibration_folds ' || how || ': 22023');
	RETURN NEXT throws_ok($$SELECT count(*) FROM cross_validate('forest', 'tap_rare', 'y', params => '{"n_trees": 1, "calibration": "isotonic"}')$$,
		'22023', 'the out-of-bag rows are all of class #2 of 2: the calibrator needs other classes too; grow more trees',
		'a fold''s out-of-bag calibration ' || how || ': 22023');
END
$f$;
SELECT * FROM pg_temp.fold_errors(1, 'in the backend');
SELECT * FROM pg_temp.fold_errors(2, 'on fold threads');
SELECT throws_ok($$SELECT count(*) FROM tune('tap_t', 'forest', 'tap_even', 'y', '{"min_samples_leaf": [1, 2]}', trials => 2,
	params => '{"n_trees": 2, "calibration": "isotonic", "calibration_folds": 20}')$$,
	'22023', 'calibration_folds is 20 but there are only 16 training rows; use fewer folds', 'tune with threads: a trial''s fold, 22023');
SELECT throws_ok($$SELECT count(*) FROM cross_validate('boosting', 'tap_b', 'y3', ARRAY['x', 'z'], '{"n_rounds": 5000}')$$,
	'54000', 'n_rounds times the number of classes must be at most 10000 trees', 'cross_validate with threads: the boosting limit, 54000');

SELECT * FROM finish();
ROLLBACK;
