-- train_forest / train_boosting with group_by: whole groups held out (docs/forest.md, docs/boosting.md).
--
-- gs: 100 schools of 6 to 12 pupils.  gx is a school-level value (one per school), x2 pupil-level
-- noise; y is a coin per school, a function of gx the model can memorise but cannot carry to
-- another school, so a split that puts a school's pupils on both sides scores well above chance
-- and a split by school does not.  label is the school's own class: a model predicts it only for a
-- school it trained on (a class without training rows is never predicted), so the schools none of
-- whose pupils get their label are exactly the held-out schools: that is the observable that no
-- school has pupils on both sides.
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(59);
SET LOCAL search_path = public, edupredict;

CREATE TABLE gs AS
SELECT i AS id, 's' || lpad(g::text, 3, '0') AS school,
       ('x' || substr(md5('gx' || g), 1, 6))::bit(24)::int / 16777216.0::float8 AS gx,
       ((i * 7919) % 1000)::float8 / 1000 AS x2,
       CASE WHEN substr(md5('y' || g), 1, 1) < '8' THEN 'a' ELSE 'b' END AS y,
       'L' || g AS label
FROM generate_series(1, 100) g, generate_series(1, 6 + g % 7) k,
     LATERAL (SELECT g * 100 + k AS i) r;
-- the same rows in the reverse physical order
CREATE TABLE gs_rev AS SELECT * FROM gs ORDER BY id DESC;
CREATE TABLE gs_one AS SELECT id, 'one' AS school, gx, x2, y FROM gs;
CREATE TABLE gs_two AS SELECT id, 'p' || id % 2 AS school, gx, x2, y FROM gs;
CREATE TABLE gs_null AS SELECT id, CASE WHEN id % 50 = 3 THEN NULL ELSE school END AS school, gx, x2, y FROM gs;

-- The held-out test accuracy of a new version: its registry metrics.
CREATE FUNCTION pg_temp.acc(m edupredict.model_list) RETURNS float8 LANGUAGE sql AS
$$SELECT (m.metrics->>'accuracy')::float8$$;

-- Schools none of whose pupils get their own label from model_name, and their pupils.
CREATE FUNCTION pg_temp.unseen(model_name text, OUT schools bigint, OUT pupils bigint) LANGUAGE sql AS $$
SELECT count(*), coalesce(sum(n), 0)
FROM (SELECT school, count(*) AS n, count(*) FILTER (WHERE edupredict.predict(model_name, t) = t.label) AS hit
      FROM gs t GROUP BY school) s
WHERE hit = 0$$;

-- the catalog
SELECT function_returns('edupredict', 'train_forest',
  ARRAY['text', 'regclass', 'text', 'text[]', 'text', 'integer', 'integer', 'integer', 'double precision', 'text',
        'double precision', 'double precision', 'bigint', 'boolean', 'text', 'integer', 'text'], 'model_list',
  'train_forest takes group_by last');
SELECT function_returns('edupredict', 'train_boosting',
  ARRAY['text', 'regclass', 'text', 'text[]', 'text', 'integer', 'double precision', 'integer', 'integer',
        'double precision', 'double precision', 'double precision', 'double precision', 'integer', 'text', 'text',
        'double precision', 'double precision', 'double precision', 'bigint', 'boolean', 'text'], 'model_list',
  'train_boosting takes group_by last');

-- a split by rows leaks each school's coin into the test rows; a split by school does not
-- (mean test accuracy over three seeds)
CREATE TABLE runs AS
SELECT 'forest' AS learner,
       avg(pg_temp.acc(train_forest('gs_f_rows', 'gs', 'y', ARRAY['gx'], n_trees => 40, seed => s))) AS rows_acc,
       avg(pg_temp.acc(train_forest('gs_f_grp', 'gs', 'y', ARRAY['gx'], n_trees => 40, seed => s, group_by => 'school'))) AS grp_acc
FROM generate_series(1, 3) s
UNION ALL
SELECT 'boosting', avg(pg_temp.acc(train_boosting('gs_b_rows', 'gs', 'y', ARRAY['gx'], n_rounds => 40, seed => s))),
       avg(pg_temp.acc(train_boosting('gs_b_grp', 'gs', 'y', ARRAY['gx'], n_rounds => 40, seed => s, group_by => 'school')))
FROM generate_series(1, 3) s;
SELECT ok((SELECT rows_acc > grp_acc + 0.2 FROM runs WHERE learner = 'forest'),
          'forest: the row split scores well above the school split (leak)');
SELECT ok((SELECT rows_acc > grp_acc + 0.2 FROM runs WHERE learner = 'boosting'),
          'boosting: the row split scores well above the school split (leak)');
SELECT ok((SELECT bool_and(abs(grp_acc - 0.5) < 0.2) FROM runs), 'the school split scores near chance (a coin per school)');

-- the registry records group_by and the held-out schools
SELECT is((SELECT params->>'group_by' FROM model_list WHERE name = 'gs_f_grp' AND version = 3), 'school', 'forest params record group_by');
SELECT is((SELECT params->>'group_by' FROM model_list WHERE name = 'gs_b_grp' AND version = 3), 'school', 'boosting params record group_by');
SELECT ok((SELECT NOT (params ? 'group_by') AND NOT (metrics ? 'n_test_groups') FROM model_list WHERE name = 'gs_f_rows' AND version = 3),
          'without group_by neither is recorded');
SELECT ok((SELECT (metrics->>'n_test_groups')::int BETWEEN 1 AND 99 FROM model_list WHERE name = 'gs_f_grp' AND version = 3),
          'metrics count the test schools');
SELECT ok((SELECT (metrics->>'n_test')::float8 >= 0.2 * (SELECT count(*) FROM gs) FROM model_list WHERE name = 'gs_b_grp' AND version = 3),
          'the test schools hold at least test_fraction of the rows');

-- no school on both sides: the schools whose label is never predicted are the test schools, all their pupils
CREATE TABLE lab AS
SELECT 'forest' AS learner, (metrics->>'n_test_groups')::bigint AS schools, (metrics->>'n_test')::bigint AS pupils,
       (metrics->>'accuracy')::float8 AS accuracy
FROM train_forest('gs_f_lab', 'gs', 'label', ARRAY['gx'], n_trees => 20, seed => 5, test_fraction => 0.3, group_by => 'school')
UNION ALL
SELECT 'boosting', (metrics->>'n_test_groups')::bigint, (metrics->>'n_test')::bigint, (metrics->>'accuracy')::float8
FROM train_boosting('gs_b_lab', 'gs', 'label', ARRAY['gx'], n_rounds => 15, max_depth => 3, learning_rate => 0.5,
                    seed => 5, test_fraction => 0.3, group_by => 'school');
SELECT is((SELECT ROW(schools, pupils)::text FROM pg_temp.unseen('gs_f_lab')),
          (SELECT ROW(schools, pupils)::text FROM lab WHERE learner = 'forest'),
          'forest: the schools never labelled are the test schools and their rows the test rows');
SELECT is((SELECT accuracy FROM lab WHERE learner = 'forest'), 0::float8,
          'forest: no test pupil gets the label of a school it was trained on');
SELECT is((SELECT ROW(schools, pupils)::text FROM pg_temp.unseen('gs_b_lab')),
          (SELECT ROW(schools, pupils)::text FROM lab WHERE learner = 'boosting'),
          'boosting: the schools never labelled are the test schools and their rows the test rows');
-- (a split by rows gives most test pupils their school's label)
SELECT ok((SELECT (metrics->>'accuracy')::float8 > 0.5
           FROM train_forest('gs_f_lab_rows', 'gs', 'label', ARRAY['gx'], n_trees => 20, seed => 5, test_fraction => 0.3)),
          'forest without group_by: test pupils get their school''s label (their school was trained on)');

-- boosting's validation rows (validation_fraction, early stopping) are whole schools of the
-- training rows too: the boosted trees are fitted on the other rows only, so the schools never
-- labelled are the validation schools
CREATE TABLE val AS
SELECT (metrics->>'n_validation_groups')::bigint AS schools
FROM train_boosting('gs_b_val', 'gs', 'label', ARRAY['gx'], n_rounds => 15, max_depth => 3, learning_rate => 0.5,
                    seed => 5, test_fraction => 0, validation_fraction => 0.25, group_by => 'school')
UNION ALL
SELECT (metrics->>'n_validation_groups')::bigint
FROM train_boosting('gs_b_val_rows', 'gs', 'label', ARRAY['gx'], n_rounds => 15, max_depth => 3, learning_rate => 0.5,
                    seed => 5, test_fraction => 0, validation_fraction => 0.25);
SELECT is((SELECT schools FROM pg_temp.unseen('gs_b_val')), (SELECT schools FROM val WHERE schools IS NOT NULL),
          'boosting: the schools never labelled are the n_validation_groups validation schools');
SELECT ok((SELECT pupils >= 0.25 * (SELECT count(*) FROM gs) FROM pg_temp.unseen('gs_b_val')),
          'the validation schools hold at least validation_fraction of the training rows');
SELECT is((SELECT schools FROM pg_temp.unseen('gs_b_val_rows')), 0::bigint,
          'without group_by the validation split is by rows: every school has pupils fitted');

-- a forest's cross-fitted calibration (calibration_folds): folds of whole schools.  Out of fold,
-- a school's coin is unknown to its fold's forest, so the calibrator learns that the trees'
-- probabilities say nothing and flattens them towards the base rate; folds of rows leak each
-- school's coin into its fold's forest, and the calibrator keeps the probabilities spread.
CREATE TABLE cal_models AS
SELECT version FROM train_forest('gs_f_cal', 'gs', 'y', ARRAY['gx'], n_trees => 20, seed => 7, test_fraction => 0,
                                 calibration => 'sigmoid', calibration_folds => 5, group_by => 'school')
UNION ALL
SELECT version FROM train_forest('gs_f_cal_rows', 'gs', 'y', ARRAY['gx'], n_trees => 20, seed => 7, test_fraction => 0,
                                 calibration => 'sigmoid', calibration_folds => 5);
CREATE TABLE cal AS
SELECT stddev(predict_proba('gs_f_cal', t, 'b')) AS grp_sd, stddev(predict_proba('gs_f_cal_rows', t, 'b')) AS rows_sd
FROM gs t;
SELECT ok((SELECT grp_sd * 2 < rows_sd FROM cal),
          'forest: calibration folds of whole schools flatten what folds of rows keep spread');
SELECT is((SELECT (params->>'calibration_folds')::int FROM model_list WHERE name = 'gs_f_cal'), 5, 'the grouped calibration is cross-fitted');
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs', 'y', ARRAY['gx'], calibration => 'isotonic', group_by => 'school')$$, '22023',
                 'out-of-bag calibration cannot keep the groups of group_by column "school" apart',
                 'forest: out-of-bag calibration with group_by: 22023');
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs_two', 'y', ARRAY['gx'], test_fraction => 0, calibration => 'isotonic',
                                       calibration_folds => 3, group_by => 'school')$$, '22023', NULL,
                 'forest: fewer schools than calibration_folds: 22023');

-- cross_validate(split => 'group') keeps the schools whole inside each fold too: the forest's
-- calibration folds and boosting's validation rows are whole schools of the fold's training rows.
-- A fold's test schools are unseen, so a model that knows it cannot tell their coins predicts near
-- the base rate (log_loss near ln 2); a calibrator or an early stop scored on rows of schools the
-- trees saw trusts the memorised coins, and the unseen schools cost well above 1.
CREATE TABLE cv AS
SELECT 'forest sigmoid' AS run, value AS log_loss
FROM cross_validate('forest', 'gs', 'y', ARRAY['gx'], '{"n_trees": 20, "calibration": "sigmoid", "calibration_folds": 5}',
                    split => 'group', group_by => 'school', seed => 2) WHERE fold IS NULL AND metric = 'log_loss'
UNION ALL
SELECT 'forest isotonic', value
FROM cross_validate('forest', 'gs', 'y', ARRAY['gx'], '{"n_trees": 20, "calibration": "isotonic", "calibration_folds": 5}',
                    split => 'group', group_by => 'school', seed => 2) WHERE fold IS NULL AND metric = 'log_loss'
UNION ALL
SELECT 'boosting early stopping', value
FROM cross_validate('boosting', 'gs', 'y', ARRAY['gx'], '{"n_rounds": 60, "early_stopping_rounds": 5, "validation_fraction": 0.25}',
                    split => 'group', group_by => 'school', seed => 2) WHERE fold IS NULL AND metric = 'log_loss'
UNION ALL
SELECT 'boosting every round', value
FROM cross_validate('boosting', 'gs', 'y', ARRAY['gx'], '{"n_rounds": 60}',
                    split => 'group', group_by => 'school', seed => 2) WHERE fold IS NULL AND metric = 'log_loss';
SELECT ok((SELECT log_loss < 0.8 FROM cv WHERE run = 'forest sigmoid'),
          'cross_validate group folds: the sigmoid calibration folds are whole schools (log_loss near ln 2)');
SELECT ok((SELECT log_loss < 0.8 FROM cv WHERE run = 'forest isotonic'),
          'cross_validate group folds: the isotonic calibration folds are whole schools (log_loss near ln 2)');
SELECT ok((SELECT log_loss < 0.8 FROM cv WHERE run = 'boosting early stopping'),
          'cross_validate group folds: boosting stops early on whole validation schools (log_loss near ln 2)');
SELECT ok((SELECT log_loss > 1 FROM cv WHERE run = 'boosting every round'),
          'without early stopping the trees memorise the coins: unseen schools cost well above 1 (the contrast)');
-- the same in the backend and on fold threads (which read the fold's shared group folds)
SET LOCAL edupredict.forest_threads = 1;
SELECT is((SELECT value FROM cross_validate('forest', 'gs', 'y', ARRAY['gx'], '{"n_trees": 20, "calibration": "sigmoid", "calibration_folds": 5}',
                                            split => 'group', group_by => 'school', seed => 2) WHERE fold IS NULL AND metric = 'log_loss'),
          (SELECT log_loss FROM cv WHERE run = 'forest sigmoid'), 'forest_threads 1: the same grouped calibration');
RESET edupredict.forest_threads;

-- out-of-bag calibration with group folds: refused as train_forest(group_by) refuses it
CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN concat_ws(' | ', st, msg, det, hnt);
END$$;
-- (22023, message and detail alike); each hint names calibration_folds as its caller takes it
SELECT is(pg_temp.refusal($$SELECT train_forest('gs_e', 'gs', 'y', ARRAY['gx'], calibration => 'isotonic', group_by => 'school')$$),
          '22023 | out-of-bag calibration cannot keep the groups of group_by column "school" apart'
          ' | A row''s out-of-bag trees were grown on the other rows of its group.'
          ' | Add calibration_folds => 5 to fit the calibrator on folds of whole groups.',
          'train_forest(group_by): out-of-bag calibration refused, the hint names the argument calibration_folds');
SELECT is(pg_temp.refusal($$SELECT * FROM cross_validate('forest', 'gs', 'y', ARRAY['gx'], '{"calibration": "isotonic"}',
                                                         split => 'group', group_by => 'school')$$),
          '22023 | out-of-bag calibration cannot keep the groups of group_by column "school" apart'
          ' | A row''s out-of-bag trees were grown on the other rows of its group.'
          ' | Add "calibration_folds": 5 to params to fit the calibrator on folds of whole groups.',
          'cross_validate group folds: out-of-bag calibration refused as train_forest(group_by) refuses it, the hint names the params key');
SELECT is(pg_temp.refusal($$SELECT * FROM tune('gs_t_e', 'forest', 'gs', 'y', '{"n_trees": [3, 4]}', method => 'grid',
                                               params => '{"calibration": "sigmoid"}', split => 'group', group_by => 'school')$$),
          '22023 | out-of-bag calibration cannot keep the groups of group_by column "school" apart'
          ' | A row''s out-of-bag trees were grown on the other rows of its group.'
          ' | Add "calibration_folds": 5 to params to fit the calibrator on folds of whole groups.',
          'tune group folds: out-of-bag calibration refused, the hint names the params key');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'gs', 'y', ARRAY['gx'], '{"n_trees": 5, "calibration": "sigmoid"}',
                                                split => 'group', group_by => 'school')$$, '22023',
                 'out-of-bag calibration cannot keep the groups of group_by column "school" apart',
                 'cross_validate group folds: out-of-bag calibration, 22023');
SELECT throws_ok($$SELECT * FROM tune('gs_t_e', 'forest', 'gs', 'y', '{"n_trees": [3, 4]}', method => 'grid',
                                      params => '{"calibration": "sigmoid"}', split => 'group', group_by => 'school')$$, '22023',
                 'out-of-bag calibration cannot keep the groups of group_by column "school" apart',
                 'tune group folds: out-of-bag calibration, 22023');
SELECT lives_ok($$SELECT * FROM cross_validate('forest', 'gs', 'y', ARRAY['gx'], '{"n_trees": 5, "calibration": "sigmoid"}', split => 'random')$$,
                'split random: out-of-bag calibration as before');
SELECT throws_ok($$SELECT * FROM cross_validate('boosting', 'gs_two', 'y', ARRAY['gx'], '{"n_rounds": 5, "validation_fraction": 0.2}',
                                                split => 'group', group_by => 'school', folds => 2)$$, '22023',
                 'too few groups of group_by column "school" in the training rows for a validation split of 0.2',
                 'cross_validate group folds: one school in a fold''s training rows, no validation split by schools: 22023');

-- deploy => 'if_better' retrains the deployed version on the same group folds: an out-of-bag
-- calibrated forest is refused there too, and the error says whose training it was
CREATE FUNCTION pg_temp.context(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE ctx text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
	RETURN ctx;
END$$;
SELECT lives_ok($$SELECT train_forest('gs_t_oob', 'gs', 'y', ARRAY['gx'], n_trees => 5, calibration => 'sigmoid');
                  SELECT deploy('gs_t_oob', 1)$$, 'a forest calibrated out of bag, deployed');
SELECT ok(pg_temp.context($$SELECT * FROM tune('gs_t_oob', 'forest', 'gs', 'y', '{"n_trees": [3]}', method => 'grid',
                                               params => '{"calibration": "sigmoid", "calibration_folds": 3}', features => ARRAY['gx'],
                                               split => 'group', group_by => 'school', deploy => 'if_better')$$)
          LIKE '%retraining deployed version 1 of model "gs_t_oob" on the tune''s folds%',
          'tune if_better with group folds: the deployed out-of-bag calibration is refused, and the context names it');

-- tune's refit trains as train_boosting(group_by => 'school') does: its validation rows are whole
-- schools (the schools never labelled are its n_validation_groups), and it records group_by
CREATE TABLE tuned AS
SELECT version FROM tune('gs_t_val', 'boosting', 'gs', 'label', '{"max_depth": [3]}', method => 'grid', metric => 'accuracy',
                         features => ARRAY['gx'], params => '{"n_rounds": 15, "learning_rate": 0.5, "validation_fraction": 0.25}',
                         folds => 3, split => 'group', group_by => 'school', seed => 5, deploy => 'yes')
UNION ALL
SELECT version FROM tune('gs_t_rows', 'forest', 'gs', 'y', '{"n_trees": [3]}', method => 'grid', features => ARRAY['gx'], folds => 2);
SELECT is((SELECT params->>'group_by' FROM model_list WHERE name = 'gs_t_val'), 'school', 'tune''s refit records group_by');
SELECT is((SELECT schools FROM pg_temp.unseen('gs_t_val')),
          (SELECT (metrics->>'n_validation_groups')::bigint FROM model_list WHERE name = 'gs_t_val'),
          'tune''s refit: the schools never labelled are its n_validation_groups validation schools');
SELECT ok((SELECT schools > 0 AND pupils >= 0.25 * (SELECT count(*) FROM gs) FROM pg_temp.unseen('gs_t_val')),
          'tune''s refit: the validation schools hold at least validation_fraction of the rows');
SELECT ok((SELECT NOT (params ? 'group_by') FROM model_list WHERE name = 'gs_t_rows'), 'tune without group folds: no group_by recorded');
-- and n_test_groups as train_*(group_by) records it: the refit holds out no rows, so no school
SELECT is((SELECT metrics->'n_test_groups' FROM model_list WHERE name = 'gs_t_val'), '0'::jsonb,
          'tune''s refit records n_test_groups with group_by: 0, its test split is empty');
SELECT ok((SELECT NOT (metrics ? 'n_test_groups') FROM model_list WHERE name = 'gs_t_rows'),
          'tune without group folds: no n_test_groups recorded');

-- the model is a function of the rows, not of their physical order
CREATE TABLE more AS
SELECT version FROM train_forest('gs_f_rev', 'gs_rev', 'y', ARRAY['gx'], n_trees => 40, seed => 3, group_by => 'school')
UNION ALL
SELECT version FROM train_boosting('gs_b_rev', 'gs_rev', 'y', ARRAY['gx'], n_rounds => 40, seed => 3, group_by => 'school')
UNION ALL
SELECT version FROM train_forest('gs_f_seed', 'gs', 'y', ARRAY['gx'], n_trees => 40, seed => 4, group_by => 'school');
CREATE FUNCTION pg_temp.bytes(model_name text, v int) RETURNS text LANGUAGE sql AS
$$SELECT md5(model) FROM edupredict.models WHERE name = model_name AND version = v$$;
SELECT is(pg_temp.bytes('gs_f_rev', 1), pg_temp.bytes('gs_f_grp', 3), 'forest: the same bytes from the reversed table');
SELECT is(pg_temp.bytes('gs_b_rev', 1), pg_temp.bytes('gs_b_grp', 3), 'boosting: the same bytes from the reversed table');
SELECT isnt(pg_temp.bytes('gs_f_seed', 1), pg_temp.bytes('gs_f_grp', 3), 'forest: another seed, another model');

-- features NULL: the group column is not a feature
SELECT ok((SELECT NOT ('school' = ANY (features)) AND 'gx' = ANY (features)
           FROM train_forest('gs_f_all', 'gs', 'y', n_trees => 5, group_by => 'school')),
          'features NULL: every column but the target and group_by');
SELECT ok((SELECT 'school' = ANY (features)
           FROM train_forest('gs_f_named', 'gs', 'y', ARRAY['gx', 'school'], n_trees => 5, group_by => 'school')),
          'a group column the caller lists is a feature');

-- test_fraction 0: no split, one group is fine
SELECT is((SELECT (metrics->>'n_test_groups')::int FROM train_forest('gs_f_one', 'gs_one', 'y', ARRAY['gx', 'x2'], n_trees => 5,
                                                                     test_fraction => 0, group_by => 'school')),
          0, 'test_fraction 0: no test schools, one school is enough');

-- refusals
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs', 'y', ARRAY['gx'], group_by => 'nope')$$, '42703',
                 'group_by column "nope" does not exist in relation gs', 'forest: group_by not a column: 42703');
SELECT throws_ok($$SELECT train_boosting('gs_e', 'gs', 'y', ARRAY['gx'], group_by => 'nope')$$, '42703', NULL,
                 'boosting: group_by not a column: 42703');
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs', 'y', ARRAY['gx'], group_by => 'y')$$, '22023',
                 'group_by column "y" is the target column', 'forest: group_by the target: 22023');
SELECT throws_ok($$SELECT train_boosting('gs_e', 'gs', 'y', ARRAY['gx'], group_by => 'y')$$, '22023', NULL,
                 'boosting: group_by the target: 22023');
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs_null', 'y', ARRAY['gx'], group_by => 'school')$$, '22004',
                 'group_by column "school" is NULL in some rows', 'forest: a NULL group: 22004, as cross_validate');
SELECT throws_ok($$SELECT train_boosting('gs_e', 'gs_null', 'y', ARRAY['gx'], group_by => 'school', test_fraction => 0)$$, '22004',
                 NULL, 'boosting: a NULL group, even without a test split: 22004');
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs_one', 'y', ARRAY['gx'], group_by => 'school')$$, '22023',
                 'group_by column "school" has 1 distinct value: a test split by groups needs at least 2',
                 'forest: one school and a test split: 22023');
SELECT throws_ok($$SELECT train_boosting('gs_e', 'gs_one', 'y', ARRAY['gx'], group_by => 'school')$$, '22023', NULL,
                 'boosting: one school and a test split: 22023');
SELECT throws_ok($$SELECT train_forest('gs_e', 'gs_two', 'y', ARRAY['gx'], test_fraction => 0.9, group_by => 'school')$$, '22023',
                 'no rows left for training: the test split by group_by column "school" took all 2 groups',
                 'forest: whole groups leave no training rows: 22023');
SELECT lives_ok($$SELECT train_forest('gs_two_ok', 'gs_two', 'y', ARRAY['gx'], n_trees => 3, test_fraction => 0.1, group_by => 'school')$$,
                'two schools: one tests, one trains');
SELECT throws_ok($$SELECT train_boosting('gs_e', 'gs_two', 'y', ARRAY['gx'], test_fraction => 0.9, group_by => 'school')$$, '22023',
                 NULL, 'boosting: whole groups leave no training rows: 22023');

SELECT throws_ok($$SELECT train_boosting('gs_e', 'gs_two', 'y', ARRAY['gx'], test_fraction => 0.1, validation_fraction => 0.2,
                                         group_by => 'school')$$, '22023', NULL,
                 'boosting: one school left in the training rows, no validation split by groups: 22023');

SELECT * FROM finish();
ROLLBACK;
