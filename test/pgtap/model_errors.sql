-- Error paths of the model layer that no other test reaches: each one from
-- SQL, with its SQLSTATE and message (limits reached cheaply: 100,001 target
-- values a model does not know, 10,001 one-row partial states, 65 nested
-- evaluations, a lowered edupredict.forest_max_memory; the largest, a
-- 1000-class evaluation of 67,000 rows, holds about 540 MB for a second:
-- 2^26 confusion cells need at least 66,109 rows of 1,000 probabilities).
BEGIN;
SELECT plan(60);
SET LOCAL search_path = edupredict, public;

-- the detail of the error a statement raises (NULL: none)
CREATE FUNCTION pg_temp.detail_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;

CREATE TEMP TABLE me AS
SELECT i, (i % 100)::float8 AS a, ((i * 37) % 11)::float8 AS n, (i % 2)::text AS y,
       (i % 100 >= 50)::int * 10.0 AS yr
FROM generate_series(1, 200) i;
SELECT ok((SELECT count(*) = 1 FROM train_forest('me_cls', 'me', 'y', ARRAY['a', 'n'], n_trees => 2, test_fraction => 0)),
          'a binary model');
SELECT ok((SELECT count(*) = 1 FROM train_forest('me_reg', 'me', 'yr', ARRAY['a', 'n'], n_trees => 2, test_fraction => 0,
                                                 task => 'regression')), 'a regression model');

-- ---------------------------------------------------------------- arguments
SELECT throws_ok($$SELECT * FROM permutation_importance('me_reg', 'me', 'accuracy')$$, '22023',
                 'metric for a regression model must be ''r2'', ''rmse'' or ''mae''',
                 'permutation_importance: a classification metric for a regression model');
SELECT throws_ok($$SELECT predict_label('me_reg', m) FROM me m$$, '42809',
                 'model "me_reg" is a regression model: thresholds are for classes',
                 'predict_label of a regression model');
SELECT throws_ok($$SELECT predict('me_reg', m, NULL, 0.5) FROM me m$$, '42809',
                 'model "me_reg" is a regression model: thresholds are for classes',
                 'predict with a threshold on a regression model');
SELECT throws_ok($$SELECT forest_agg(ARRAY[a, n], y, '{"feature_names": "a"}') FROM me$$, '22023',
                 'params.feature_names must be an array of strings', 'forest_agg: feature_names a string');
-- params are refused at the row that stores them, before any other row is read (as scikit-learn
-- and XGBoost refuse a bad option before they see the data), with the final function's error: the
-- second row of each input divides by zero, which only an aggregate that reads on would raise
CREATE TEMP VIEW row2_fails AS
SELECT ARRAY[i::float8] AS f, CASE WHEN i = 2 THEN 1 / (i - 2) ELSE i END AS y, 'g' || i AS g
FROM generate_series(1, 3) i;
SELECT throws_ok($$SELECT forest_agg(f, y::float8, '{"n_trees": 2}') FROM row2_fails$$, '22012',
                 'division by zero', 'forest_agg: the second row divides by zero (good params read on)');
SELECT throws_ok($$SELECT forest_agg(f, y::float8, '{"n_tres": 100}') FROM row2_fails$$, '22023',
                 'unknown key "n_tres" in params', 'forest_agg: an unknown key, refused at the first row');
SELECT throws_ok($$SELECT forest_agg(f, y::float8, '{"feature_names": ["a", "b"]}') FROM row2_fails$$, '22023',
                 'params.feature_names must be an array of 1 strings', 'forest_agg: feature_names against the first row, refused at it');
SELECT throws_ok($$SELECT forest_agg(f, y::text, '{"n_trees": 0}') FROM row2_fails$$, '22023',
                 'params.n_trees must be an integer between 1 and 10000', 'forest_agg text target: a range, refused at the first row');
SELECT throws_ok($$SELECT boost_agg(f, y::float8, '{"task": "regression", "class_weight": "balanced"}') FROM row2_fails$$, '22023',
                 'class_weight applies to classification only', 'boost_agg: class_weight with task regression, refused at the first row');
SELECT throws_ok($$SELECT forest_agg(f, y::float8, '{"task": "regression", "class_weight": {"1": 2}}') FROM row2_fails$$, '22023',
                 'class_weight applies to classification only', 'forest_agg: class_weight with task regression, refused at the first row');
SELECT throws_ok($$SELECT boost_agg(f, y::text, '{"learning_rate": "fast"}') FROM row2_fails$$, '22023',
                 'params.learning_rate must be a number', 'boost_agg text target: a type, refused at the first row');
SELECT throws_ok($$SELECT forest_agg_trees(f, y::float8, '{"task": "classification", "n_trees": 0}') FROM row2_fails$$, '22023',
                 'params.n_trees must be an integer between 1 and 10000', 'forest_agg_trees: a range, refused at the first row');
SELECT throws_ok($$SELECT forest_agg_trees(f, y::text, '{"nope": 1}') FROM row2_fails$$, '22023',
                 'unknown key "nope" in params', 'forest_agg_trees text target: an unknown key, refused at the first row');
SELECT throws_ok($$SELECT * FROM tune('me_t', 'forest', 'me', 'y',
                     jsonb_build_object('n_trees', (SELECT jsonb_agg(i) FROM generate_series(1, 10001) i)))$$, '54000',
                 'space.n_trees has 10001 values, more than 10000', 'tune: a list of 10,001 values');
SELECT throws_ok($$SELECT * FROM tune('me_t', 'forest', 'me', 'y',
                     (SELECT jsonb_object_agg('p' || i, '[1]'::jsonb) FROM generate_series(1, 33) i))$$, '54000',
                 'space names more than 32 parameters', 'tune: a space of 33 parameters');
SELECT throws_ok($$SELECT count_convolve('{7041,5e15,0,0,0,1,0,1}', '{7041,4e15,0,0,0,1,0,1}')$$, '54000',
                 'expected_count input count too large', 'count_convolve: counts that add up to 9e15');

-- ---------------------------------------------------------------- values too long
CREATE TEMP TABLE me_long AS
SELECT i::float8 AS a, CASE WHEN i = 7 THEN repeat('g', 4097) ELSE 'g' || (i % 5) END AS g,
       CASE WHEN i = 9 THEN repeat('y', 4097) ELSE (i % 2)::text END AS y, (i % 2)::text AS yb
FROM generate_series(1, 40) i;
SELECT throws_ok($$SELECT * FROM train_forest('me_long', 'me_long', 'y', ARRAY['a'], n_trees => 1)$$, '54000',
                 'a target value is longer than 4096 bytes', 'train_forest: a target value of 4097 bytes');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'me_long', 'yb', ARRAY['a'], '{"n_trees": 1}', folds => 2,
                                                split => 'group', group_by => 'g')$$, '54000',
                 'a group value is longer than 4096 bytes', 'cross_validate: a group value of 4097 bytes');

-- ---------------------------------------------------------------- held-out rows
-- 100,001 target values the model does not know
CREATE TEMP TABLE me_unknown AS SELECT (i % 100)::float8 AS a, (i % 11)::float8 AS n, 'u' || i AS y
FROM generate_series(1, 100002) i;
SELECT throws_ok($$SELECT * FROM evaluate('me_cls', 'me_unknown')$$, '54000',
                 'too many target values unknown to model "me_cls"', 'evaluate: 100,002 unknown target values');
SELECT throws_ok($$SELECT * FROM choose_threshold('me_cls', 'me_unknown')$$, '54000',
                 'too many target values unknown to model "me_cls"', 'choose_threshold: 100,002 unknown target values');
-- the limit, stated in the detail: 100,000 such values are counted, the 100,001st is one too many
SELECT is(pg_temp.detail_of($$SELECT * FROM evaluate('me_cls', 'me_unknown')$$),
          'At most 100000 distinct target values that are not classes of the model are counted.',
          'evaluate: the detail of too many unknown target values states the limit');
CREATE TEMP TABLE me_unknown_at AS SELECT * FROM me_unknown LIMIT 100000;
CREATE TEMP TABLE me_unknown_over AS SELECT * FROM me_unknown LIMIT 100001;
SET LOCAL client_min_messages = error;	-- evaluate warns that no row's target is a class
SELECT lives_ok($$SELECT * FROM evaluate('me_cls', 'me_unknown_at')$$, 'evaluate: 100,000 unknown target values are counted');
RESET client_min_messages;
SELECT throws_ok($$SELECT * FROM evaluate('me_cls', 'me_unknown_over')$$, '54000',
                 'too many target values unknown to model "me_cls"', 'evaluate: 100,001 unknown target values');
SELECT throws_ok($$SELECT * FROM choose_threshold('me_cls', 'me_unknown_at')$$, '22023', NULL,
                 'choose_threshold: 100,000 unknown target values are refused as not classes of the model');
SELECT throws_ok($$SELECT * FROM choose_threshold('me_cls', 'me_unknown_over')$$, '54000',
                 'too many target values unknown to model "me_cls"', 'choose_threshold: 100,001 unknown target values');
-- the held-out rows of a 1000-class model take 8 kB each: 2,100 of them are over 16 MB
CREATE TEMP TABLE me_k AS SELECT i::float8 AS a, 'c' || (i % 1000) AS y FROM generate_series(1, 2100) i;
SELECT ok((SELECT count(*) = 1 FROM train_forest('me_k', 'me_k', 'y', ARRAY['a'], n_trees => 1, test_fraction => 0)),
          'a 1000-class model');
-- 30 unpruned trees of 20,000 rows, for explain()
CREATE TEMP TABLE me_deep AS
SELECT i, (i * 7919 % 20011)::float8 AS a, (i * 104729 % 19997)::float8 AS b, (i * 31 % 7)::text AS y
FROM generate_series(1, 20000) i;
SELECT ok((SELECT count(*) = 1 FROM train_forest('me_deep', 'me_deep', 'y', ARRAY['a', 'b'], n_trees => 30,
                                                 test_fraction => 0, max_features => 1)), 'a forest of deep trees');
SET LOCAL edupredict.forest_max_memory = 16;
SELECT throws_ok($$SELECT * FROM drift('me_k', 'me_k')$$, '54000',
                 'relation has more rows than edupredict.forest_max_memory (16 MB) holds for model "me_k"',
                 'drift: held-out rows over edupredict.forest_max_memory');
SELECT throws_ok($$SELECT * FROM evaluate('me_k', 'me_k')$$, '54000',
                 'relation has more rows than edupredict.forest_max_memory (16 MB) holds for model "me_k"',
                 'evaluate: rows over edupredict.forest_max_memory');
-- the target values a model does not know count against it with the rows:
-- ten distinct ones of 2 MB are over 16 MB, two are not
CREATE TEMP TABLE me_long_labels AS
SELECT (i % 100)::float8 AS a, (i % 11)::float8 AS n, i || repeat('u', 2 * 1024 * 1024) AS y
FROM generate_series(1, 10) i;
SELECT throws_ok($$SELECT * FROM evaluate('me_cls', 'me_long_labels')$$, '54000',
                 'the target values unknown to model "me_cls" and the rows read need more than edupredict.forest_max_memory (16 MB)',
                 'evaluate: unknown target values over edupredict.forest_max_memory');
SELECT throws_ok($$SELECT * FROM choose_threshold('me_cls', 'me_long_labels')$$, '54000',
                 'the target values unknown to model "me_cls" and the rows read need more than edupredict.forest_max_memory (16 MB)',
                 'choose_threshold: unknown target values over edupredict.forest_max_memory');
CREATE TEMP TABLE me_long_labels_2 AS SELECT * FROM me_long_labels WHERE a <= 2;
SET LOCAL client_min_messages = error;	-- evaluate warns that no row's target is a class
SELECT lives_ok($$SELECT * FROM evaluate('me_cls', 'me_long_labels_2')$$,
                'evaluate: two unknown target values of 2 MB within edupredict.forest_max_memory');
RESET client_min_messages;
-- the unknown target values count when the rows double too: 1,024 rows of
-- the 1000-class model fill 8 MB, one unknown value of 7 MB fits beside
-- them, and the 1,025th row's doubling passes 16 MB, though 2,048 rows alone
-- would fit; the error names both
CREATE TEMP TABLE me_k_label AS
SELECT i::float8 AS a, CASE WHEN i = 1 THEN repeat('z', 7 * 1024 * 1024) ELSE 'c' || (i % 1000) END AS y
FROM generate_series(1, 1025) i;
SELECT throws_ok($$SELECT * FROM evaluate('me_k', 'me_k_label')$$, '54000',
                 'the rows of the relation and the values kept beside them need more than edupredict.forest_max_memory (16 MB) for model "me_k"',
                 'evaluate: rows over edupredict.forest_max_memory with an unknown target value');
-- the shared reader of held-out rows (ens_heldout_read) counts it too, for
-- every function that reads a target and keeps the values it does not know
SELECT throws_ok(q, '54000',
                 'the rows of the relation and the values kept beside them need more than edupredict.forest_max_memory (16 MB) for model "me_k"',
                 f || ': rows over edupredict.forest_max_memory with an unknown target value')
FROM (VALUES ('calibrate', $$SELECT * FROM calibrate('me_k', 'me_k_label')$$),
             ('choose_threshold', $$SELECT * FROM choose_threshold('me_k', 'me_k_label', class => 'c1')$$),
             ('roc_curve', $$SELECT * FROM roc_curve('me_k', 'me_k_label', class => 'c1')$$),
             ('pr_curve', $$SELECT * FROM pr_curve('me_k', 'me_k_label', class => 'c1')$$),
             ('reliability', $$SELECT * FROM reliability('me_k', 'me_k_label', class => 'c1')$$),
             ('permutation_importance', $$SELECT * FROM permutation_importance('me_k', 'me_k_label')$$),
             ('model_profile', $$SELECT * FROM model_profile('me_k', 'me_k_label')$$)) r(f, q)
ORDER BY f;
UPDATE me_k_label SET y = 'c1' WHERE a = 1;
-- (counted: lives_ok's EXECUTE would keep the 1,000,000 confusion rows, about 150 MB)
SELECT lives_ok($$SELECT count(*) FROM evaluate('me_k', 'me_k_label')$$,
                'evaluate: the same rows fit without the unknown target value');
SELECT lives_ok($$SELECT (SELECT count(*) FROM calibrate('me_k', 'me_k_label')),
                         (SELECT count(*) FROM choose_threshold('me_k', 'me_k_label', class => 'c1')),
                         (SELECT count(*) FROM roc_curve('me_k', 'me_k_label', class => 'c1')),
                         (SELECT count(*) FROM pr_curve('me_k', 'me_k_label', class => 'c1')),
                         (SELECT count(*) FROM reliability('me_k', 'me_k_label', class => 'c1')),
                         (SELECT count(*) FROM permutation_importance('me_k', 'me_k_label')),
                         (SELECT count(*) FROM model_profile('me_k', 'me_k_label'))$$,
                'the other readers: the same rows fit without the unknown target value');
-- the explanation plan of those 30 trees is over 16 MB; that of two small trees is not
SELECT throws_ok($$SELECT * FROM me_deep d, LATERAL explain('me_deep', d) WHERE d.i = 1$$, '54000',
                 'explaining model "me_deep" needs more memory than edupredict.forest_max_memory (16 MB) allows',
                 'explain: a plan over edupredict.forest_max_memory');
SELECT lives_ok($$SELECT * FROM me m, LATERAL explain('me_cls', m) WHERE m.i = 1$$, 'explain: a small plan within it');
-- global_importance() builds the same plan: the same refusal, not the engine's bare size limit
SELECT throws_ok($$SELECT * FROM global_importance('me_deep', 'me_deep')$$, '54000',
                 'explaining model "me_deep" needs more memory than edupredict.forest_max_memory (16 MB) allows',
                 'global_importance: a plan over edupredict.forest_max_memory');
-- train_*'s dictionaries count against it with the rows: 5,000 distinct values of 4 kB (20 MB)
-- of a text target, a text feature or a group_by column are refused as the training's memory
-- (54000, whose hint names the cap), not as out of memory (53200): the refusal was the cap's
CREATE TEMP TABLE me_long_values AS
SELECT (i % 100)::float8 AS a, (i % 2)::text AS y, i || repeat('v', 4000) AS long FROM generate_series(1, 5000) i;
SELECT throws_ok(q, '54000', 'model training needs more memory than is allowed or available',
                 'train_forest: ' || what || ' over edupredict.forest_max_memory')
FROM (VALUES (1, 'a text target''s values',
              $$SELECT * FROM train_forest('me_long', 'me_long_values', 'long', ARRAY['a'], n_trees => 2)$$),
             (2, 'a text feature''s categories',
              $$SELECT * FROM train_forest('me_long', 'me_long_values', 'y', ARRAY['a', 'long'], n_trees => 2)$$),
             (3, 'group_by''s values',
              $$SELECT * FROM train_forest('me_long', 'me_long_values', 'y', ARRAY['a'], n_trees => 2,
                                           group_by => 'long')$$)) t(o, what, q)
ORDER BY o;
RESET edupredict.forest_max_memory;
-- a confusion matrix of 67,990 target values by 1,000 classes is over 2^26 cells
CREATE TEMP TABLE me_k_unknown AS
SELECT (i % 1000)::float8 AS a, CASE WHEN i <= 10 THEN 'c' || i ELSE 'u' || i END AS y FROM generate_series(1, 67000) i;
SELECT throws_ok($$SELECT * FROM evaluate('me_k', 'me_k_unknown')$$, '54000',
                 'the confusion matrix of model "me_k" on these rows would have more than 67108864 cells',
                 'evaluate: a confusion matrix over the limit');
-- rows whose best-scored are all of the other class: no threshold is precise
CREATE TEMP TABLE me_flip AS SELECT a, n, (1 - y::int)::text AS y FROM me;
SELECT throws_ok($$SELECT * FROM choose_threshold('me_cls', 'me_flip', rule => 'precision >= 0.9')$$, '22023',
                 'no threshold meets rule "precision >= 0.9" on these rows', 'choose_threshold: a rule no threshold meets');
-- a model stored by 0.1.0 records no class counts for rule 'prior'
\set QUIET on
\i test/fixtures/forest_0.1.0_rows.sql
\i test/fixtures/forest_0.1.0.sql
INSERT INTO edupredict.models (name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, decode(model_hex, 'hex')
FROM fx_models_0_1_0 WHERE name = 'fx_cls';
SELECT throws_ok($$SELECT * FROM choose_threshold('fx_cls', 'fx_rows', class => '1', rule => 'prior')$$, '55000',
                 'model "fx_cls" does not record its training rows per class',
                 'choose_threshold: rule prior on a model without class counts');

-- ---------------------------------------------------------------- forest_agg_trees states
CREATE AGGREGATE pg_temp.me_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE pg_temp.me_merge(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
SELECT throws_ok($$SELECT pg_temp.me_merge(s) FROM (SELECT pg_temp.me_state(ARRAY[a, n], y, '{"n_trees": 1}') FROM me
                   UNION ALL SELECT pg_temp.me_state(ARRAY[a, n, a], y, '{"n_trees": 1}') FROM me) q(s)$$, '2202E',
                 'forest_agg_trees partial states have different shapes', 'forest_agg_trees: states of 2 and 3 features');
-- a one-row state is a constant part: 10,001 of them (grouped by sorting: a
-- hash table of them all held 210 MB, one at a time about 105 MB)
SET LOCAL enable_hashagg = off;
SELECT throws_ok($$SELECT pg_temp.me_merge(s) FROM (SELECT pg_temp.me_state(ARRAY[i::float8], (i % 2)::text, '{"n_trees": 1}')
                   FROM generate_series(1, 10001) i GROUP BY i) q(s)$$, '54000',
                 'forest_agg_trees combines at most 10000 partial forests', 'forest_agg_trees: 10,001 partial states');
RESET enable_hashagg;
-- 1,001 one-row states of distinct labels: more classes than a model holds (a limit, not bad data)
SELECT throws_ok($$SELECT pg_temp.me_merge(s) FROM (SELECT pg_temp.me_state(ARRAY[i::float8], 'c' || i, '{"n_trees": 1}')
                   FROM generate_series(1, 1001) i GROUP BY i) q(s)$$, '54000',
                 'the partial states hold 1001 classes, more than 1000', 'forest_agg_trees: 1,001 classes in all');

-- ---------------------------------------------------------------- the registry
-- each evaluation in progress holds its model: 65 nested ones need 65 of the 64 slots
DO $$ BEGIN
  FOR k IN 1..65 LOOP
    PERFORM * FROM edupredict.train_forest('me_pin' || k, 'me', 'y', ARRAY['a'], n_trees => 1, test_fraction => 0);
  END LOOP;
  EXECUTE 'CREATE TEMP VIEW me_v0 AS SELECT a, y FROM me';
  FOR k IN 1..64 LOOP
    EXECUTE format('CREATE TEMP VIEW me_v%s AS SELECT a, y FROM me WHERE (SELECT count(*) FROM edupredict.evaluate(%L, %L)) > 0',
                   k, 'me_pin' || k, 'me_v' || (k - 1));
  END LOOP;
END $$;
SELECT lives_ok($$SELECT * FROM evaluate('me_pin64', 'me_v63')$$, '64 nested evaluations');
SELECT throws_ok($$SELECT * FROM evaluate('me_pin65', 'me_v64')$$, '54000', 'too many models in use at once',
                 'evaluate: 65 nested evaluations');
SELECT is(pg_temp.detail_of($$SELECT * FROM evaluate('me_pin65', 'me_v64')$$),
          'A session holds at most 64 models at once; evaluate(), calibrate() and the other functions that read rows for a model hold it until they end.',
          'the detail says what holds the models');
-- the registry's guard trigger on a role's own table
CREATE ROLE me_role;
GRANT USAGE ON SCHEMA edupredict TO me_role;
SET LOCAL ROLE me_role;
CREATE TEMP TABLE me_guarded (name text, version int);
CREATE TRIGGER me_guard BEFORE INSERT ON me_guarded FOR EACH ROW EXECUTE FUNCTION edupredict._models_guard();
SELECT throws_ok($$INSERT INTO me_guarded VALUES ('x', 1)$$, '39P01', 'the registry table has no column "id"',
                 'the guard trigger refuses a table that is not the registry');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
