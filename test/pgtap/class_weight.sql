-- class_weight as a JSON object of class labels to weights (scikit-learn's class_weight dict,
-- BigQuery ML's CLASS_WEIGHTS), for train_forest, train_boosting, the aggregates, cross_validate
-- and tune: the same path as 'balanced', a class not named weighing 1, and an error with its
-- SQLSTATE for every bad value (an entry of an object named by its key).
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(86);
SET LOCAL search_path = public, edupredict;

-- three classes of about 12%, 18% and 70%, a loose function of a and b
CREATE TABLE cw_rows AS
SELECT (i % 23)::float8 AS a, ((i * 7) % 11)::float8 AS b,
       CASE WHEN (i * 37 + (i % 23) * 3) % 100 < 12 THEN 'Dropout'
            WHEN (i * 37 + (i % 23) * 3) % 100 < 30 THEN 'Enrolled' ELSE 'Graduate' END AS y,
       ((i * 37) % 100 < 25)::int AS y2, (i % 5) * 1.5 AS r
FROM generate_series(1, 600) i;

-- what 'balanced' computes, n / (k n_c) over the training rows (all of them: test_fraction 0),
-- as a JSON object's text; float8's text is exact, so the weights are the same doubles
CREATE FUNCTION pg_temp.balanced(target text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE j text;
BEGIN
	EXECUTE format($q$SELECT '{' || string_agg(format('%%s: %%s', to_json(c::text), w::text), ', ') || '}'
	                  FROM (SELECT %1$I AS c, (sum(count(*)) OVER ())::float8 / (count(*) OVER () * count(*))::float8 AS w
	                        FROM cw_rows GROUP BY %1$I) s$q$, target) INTO j;
	RETURN j;
END $$;
-- the SQLSTATE, message, hint and context's first line q raises (NULL if it raises nothing)
CREATE FUNCTION pg_temp.error_of(q text, OUT state text, OUT msg text, OUT hint text, OUT ctx text) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT,
	                        ctx = PG_EXCEPTION_CONTEXT;
	ctx := split_part(ctx, E'\n', 1);
END $$;
-- do two models give the same class probabilities on every row?
CREATE FUNCTION pg_temp.same(m1 text, m2 text) RETURNS bool LANGUAGE sql AS $$
	SELECT bool_and(predict_proba(m1, ARRAY[a, b]) = predict_proba(m2, ARRAY[a, b])) FROM cw_rows $$;
-- a model's share of rows predicted as class c
CREATE FUNCTION pg_temp.share(m text, c text) RETURNS float8 LANGUAGE sql AS $$
	SELECT avg((predict(m, ARRAY[a, b]) = c)::int) FROM cw_rows $$;

-- the weights 'balanced' computes, given as an object: the same model
SELECT lives_ok(format($$SELECT train_forest('f_bal', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0,
                                             class_weight => 'balanced')$$), 'forest: balanced');
SELECT lives_ok(format($$SELECT train_forest('f_map', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0,
                                             class_weight => %L)$$, pg_temp.balanced('y')), 'forest: balanced weights as an object');
SELECT ok(pg_temp.same('f_bal', 'f_map'), 'forest: the balanced weights as an object predict as balanced');
SELECT lives_ok(format($$SELECT train_boosting('b_bal', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0,
                                               class_weight => 'balanced')$$), 'boosting: balanced');
SELECT lives_ok(format($$SELECT train_boosting('b_map', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0,
                                               class_weight => %L)$$, pg_temp.balanced('y')), 'boosting: balanced weights as an object');
SELECT ok(pg_temp.same('b_bal', 'b_map'), 'boosting (softmax): the balanced weights as an object predict as balanced');
-- two classes: the logistic loss's starting log-odds weigh the classes too
SELECT lives_ok(format($$SELECT train_boosting('b2_bal', 'cw_rows', 'y2', ARRAY['a', 'b'], n_rounds => 5, test_fraction => 0,
                                               class_weight => 'balanced')$$), 'boosting, two classes: balanced');
SELECT lives_ok(format($$SELECT train_boosting('b2_map', 'cw_rows', 'y2', ARRAY['a', 'b'], n_rounds => 5, test_fraction => 0,
                                               class_weight => %L)$$, pg_temp.balanced('y2')), 'boosting, two classes: as an object');
SELECT ok(pg_temp.same('b2_bal', 'b2_map'), 'boosting (logistic): the balanced weights as an object predict as balanced');

-- weight 1 for every class: as no class_weight; a class not named weighs 1
SELECT lives_ok($$SELECT train_forest('f_none', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0)$$, 'forest: unweighted');
SELECT lives_ok($$SELECT train_forest('f_ones', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0,
                                      class_weight => '{"Dropout": 1, "Enrolled": 1, "Graduate": 1}')$$, 'forest: all ones');
SELECT ok(pg_temp.same('f_none', 'f_ones'), 'forest: weight 1 for every class is no class_weight');
SELECT lives_ok($$SELECT train_boosting('b_none', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0)$$, 'boosting: unweighted');
SELECT lives_ok($$SELECT train_boosting('b_ones', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0,
                                        class_weight => '{"Graduate": 1, "Enrolled": 1, "Dropout": 1}')$$, 'boosting: all ones');
SELECT ok(pg_temp.same('b_none', 'b_ones'), 'boosting: weight 1 for every class is no class_weight');
SELECT lives_ok($$SELECT train_forest('f_one_named', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0,
                                      class_weight => '{"Dropout": 4}')$$, 'forest: one class named');
SELECT lives_ok($$SELECT train_forest('f_all_named', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0,
                                      class_weight => '{"Dropout": 4, "Enrolled": 1, "Graduate": 1}')$$, 'forest: the others at 1');
SELECT ok(pg_temp.same('f_one_named', 'f_all_named'), 'forest: a class not named weighs 1');
SELECT lives_ok($$SELECT train_boosting('b_one_named', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0,
                                        class_weight => '{"Dropout": 4}')$$, 'boosting: one class named');
SELECT lives_ok($$SELECT train_boosting('b_all_named', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0,
                                        class_weight => '{"Dropout": 4, "Enrolled": 1, "Graduate": 1}')$$, 'boosting: the others at 1');
SELECT ok(pg_temp.same('b_one_named', 'b_all_named'), 'boosting: a class not named weighs 1');

-- a heavy weight raises the class's predicted share
SELECT lives_ok($$SELECT train_forest('f_heavy', 'cw_rows', 'y', ARRAY['a', 'b'], n_trees => 20, test_fraction => 0,
                                      class_weight => '{"Enrolled": 8}')$$, 'forest: Enrolled weighs 8');
SELECT cmp_ok(pg_temp.share('f_heavy', 'Enrolled'), '>', pg_temp.share('f_none', 'Enrolled'), 'forest: a heavy class is predicted more often');
SELECT lives_ok($$SELECT train_boosting('b_heavy', 'cw_rows', 'y', ARRAY['a', 'b'], n_rounds => 20, test_fraction => 0,
                                        class_weight => '{"Enrolled": 8}')$$, 'boosting: Enrolled weighs 8');
SELECT cmp_ok(pg_temp.share('b_heavy', 'Enrolled'), '>', pg_temp.share('b_none', 'Enrolled'), 'boosting: a heavy class is predicted more often');

-- the registry records the object as given
SELECT is((SELECT params->'class_weight' FROM model_list WHERE name = 'f_heavy'), '{"Enrolled": 8}'::jsonb, 'forest: params record the object');
SELECT is((SELECT params->'class_weight' FROM model_list WHERE name = 'b_one_named'), '{"Dropout": 4}'::jsonb, 'boosting: params record the object');

-- the validation log loss of early stopping weighs its rows by the object's weights: classes of
-- 500, 386 and 114 rows, x tells class 0 from the others, the stratified validation rows are
-- round(0.1 n_k) of each (as sql/boosting.sql's balanced case)
CREATE TABLE cw_es AS
SELECT (i > 500)::int::float8 AS x, CASE WHEN i <= 500 THEN 0 WHEN i <= 886 THEN 1 ELSE 2 END AS y
FROM generate_series(1, 1000) i;
SELECT lives_ok($$SELECT train_boosting('b_es', 'cw_es', 'y', ARRAY['x'], n_rounds => 20, learning_rate => 0.1,
                                        early_stopping_rounds => 5, test_fraction => 0, class_weight => '{"1": 2, "2": 5}')$$,
                'boosting: early stopping with class weights');
SELECT ok((WITH m AS (SELECT (metrics->'validation_curve'->>((metrics->>'best_round')::int - 1))::float8 AS v
                      FROM model_list WHERE name = 'b_es'),
                c AS (SELECT y, min(x) AS x, floor(0.1 * count(*) + 0.5) AS n_val, (ARRAY[1, 2, 5])[y + 1] AS w
                      FROM cw_es GROUP BY y),
                l AS (SELECT c.n_val, c.w, -ln(p.p) AS loss
                      FROM c, unnest(model_classes('b_es'), predict_proba('b_es', ARRAY[c.x])) p(k, p) WHERE p.k = c.y::text)
           SELECT abs(m.v - sum(l.n_val * l.w * l.loss) / sum(l.n_val * l.w)) <= 1e-9 * m.v FROM m, l GROUP BY m.v),
          'boosting: the validation log loss is the mean weighted by the class weights');

-- jsonb params: the aggregates, cross_validate and tune take the object
SELECT ok((WITH m AS (SELECT forest_agg(ARRAY[a, b], y, '{"n_trees": 10, "class_weight": {"Dropout": 1, "Enrolled": 1}}') AS w,
                             forest_agg(ARRAY[a, b], y, '{"n_trees": 10}') AS u FROM cw_rows)
           SELECT bool_and(predict_proba(m.w, ARRAY[a, b]) = predict_proba(m.u, ARRAY[a, b])) FROM m, cw_rows),
          'forest_agg: params.class_weight of ones is none');
SELECT results_eq($$SELECT fold, metric, value FROM cross_validate('boosting', 'cw_rows', 'y', ARRAY['a', 'b'],
                                                                   '{"n_rounds": 5, "class_weight": {"Dropout": 1}}', folds => 3)$$,
                  $$SELECT fold, metric, value FROM cross_validate('boosting', 'cw_rows', 'y', ARRAY['a', 'b'],
                                                                   '{"n_rounds": 5}', folds => 3)$$,
                  'cross_validate: params.class_weight of ones is none');
CREATE TABLE cw_tuned AS
SELECT * FROM tune('t_cw', 'forest', 'cw_rows', 'y', '{"n_trees": 10, "class_weight": [{"Enrolled": 3}]}', trials => 1,
                   features => ARRAY['a', 'b']);
SELECT is((SELECT best_params->'class_weight' FROM cw_tuned), '{"Enrolled": 3}'::jsonb, 'tune: a list of objects');
SELECT is((SELECT params->'class_weight' FROM model_list JOIN cw_tuned USING (version) WHERE name = 't_cw'),
          '{"Enrolled": 3}'::jsonb, 'tune: the refitted model records the object');

-- errors: 22023 naming the argument
SELECT throws_ok($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => '{"Drop": 3}')$$,
	'22023', 'class_weight names "Drop", which is not a class of the training rows', 'forest: a key that is no class');
SELECT is((SELECT ARRAY[state, msg, hint] FROM pg_temp.error_of($$SELECT train_boosting('e', 'cw_rows', 'y', class_weight => '{"Graduate": 2, "Drop": 3}')$$)),
	ARRAY['22023', 'class_weight names "Drop", which is not a class of the training rows',
	      'Name classes as the target column holds them (edupredict.model_classes lists a trained model''s); the training rows'' values are not shown.'],
	'boosting: a key that is no class, the HINT saying where the classes are (no training values in errors)');
-- in a params jsonb the key is params.class_weight, as in its other errors
SELECT throws_ok($$SELECT forest_agg(ARRAY[a, b], y, '{"class_weight": {"Drop": 3}}') FROM cw_rows$$,
	'22023', 'params.class_weight names "Drop", which is not a class of the training rows', 'forest_agg: a key that is no class');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'cw_rows', 'y', ARRAY['a', 'b'], '{"n_trees": 5, "class_weight": {"Drop": 3}}', folds => 3)$$,
	'22023', 'params.class_weight names "Drop", which is not a class of the training rows', 'cross_validate: a key that is no class');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'boosting', 'cw_rows', 'y', '{"n_rounds": [5]}', trials => 1, features => ARRAY['a', 'b'],
                                      params => '{"class_weight": {"Drop": 3}}')$$,
	'22023', 'params.class_weight names "Drop", which is not a class of the training rows', 'tune: a key of params that is no class');
-- a value that is no object (or an empty one, or no JSON): the general message
SELECT throws_ok(format($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => %L)$$, v),
	'22023', 'class_weight must be NULL, ''balanced'' or a JSON object of class labels to weights above 0 and at most 1000000',
	'forest: class_weight ' || v || ' is 22023')
FROM unnest(ARRAY['{"Dropout": NaN}', '{"Dropout": Infinity}', '{}', '[1, 2]', '3', '{"Dropout": 1', 'even']) v;
SELECT throws_ok($$SELECT boost_agg(ARRAY[a, b], y, '{"class_weight": {}}') FROM cw_rows$$,
	'22023', 'params.class_weight must be NULL, ''balanced'' or a JSON object of class labels to weights above 0 and at most 1000000',
	'boost_agg: an empty object');
-- an object: the entry that is wrong, named by its key (not the first key: jsonb orders Enrolled
-- before Graduate), a weight out of range or not a number
SELECT throws_ok(format($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => %L)$$, v),
	'22023', format('class_weight must give %s a weight above 0 and at most 1000000', k),
	'forest: class_weight ' || v || ' names ' || k)
FROM (VALUES ('{"Dropout": 0}', '"Dropout"'), ('{"Dropout": -1}', '"Dropout"'), ('{"Dropout": 1e400}', '"Dropout"'),
             ('{"Dropout": 1e-400}', '"Dropout"'), ('{"Dropout": 1000001}', '"Dropout"'),
             ('{"Enrolled": 2, "Graduate": 0}', '"Graduate"')) t(v, k);
SELECT throws_ok(format($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => %L)$$, v),
	'22023', format('class_weight must give %s a number as its weight', k),
	'forest: class_weight ' || v || ' names ' || k)
FROM (VALUES ('{"Dropout": "3"}', '"Dropout"'), ('{"Dropout": true}', '"Dropout"'), ('{"Dropout": [1]}', '"Dropout"'),
             ('{"Dropout": {"a": 1}}', '"Dropout"'), ('{"Enrolled": 2, "Graduate": "x"}', '"Graduate"')) t(v, k);
SELECT throws_ok($$SELECT train_boosting('e', 'cw_rows', 'y', class_weight => '{"Dropout": null}')$$,
	'22023', 'class_weight must give "Dropout" a number as its weight', 'boosting: a null weight');
SELECT throws_ok($$SELECT train_boosting('e', 'cw_rows', 'y', class_weight => '{"Enrolled": 0.5, "Graduate": 1000001}')$$,
	'22023', 'class_weight must give "Graduate" a weight above 0 and at most 1000000', 'boosting: a weight above the cap');
SELECT throws_ok($$SELECT boost_agg(ARRAY[a, b], y, '{"class_weight": {"Dropout": 0}}') FROM cw_rows$$,
	'22023', 'params.class_weight must give "Dropout" a weight above 0 and at most 1000000', 'boost_agg: weight 0');
SELECT throws_ok($$SELECT forest_agg(ARRAY[a, b], y, '{"class_weight": {"Dropout": "heavy"}}') FROM cw_rows$$,
	'22023', 'params.class_weight must give "Dropout" a number as its weight', 'forest_agg: a weight that is a string');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'cw_rows', 'y', ARRAY['a', 'b'], '{"n_trees": 5, "class_weight": {"Dropout": -2}}', folds => 3)$$,
	'22023', 'params.class_weight must give "Dropout" a weight above 0 and at most 1000000', 'cross_validate: a negative weight');
-- in tune's space, as its other values: space.class_weight
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'forest', 'cw_rows', 'y', '{"n_trees": [5], "class_weight": [null, {"Dropout": 0}]}', trials => 1,
                                      features => ARRAY['a', 'b'])$$,
	'22023', 'space.class_weight must give "Dropout" a weight above 0 and at most 1000000', 'tune: a weight 0 in space');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'boosting', 'cw_rows', 'y', '{"n_rounds": [5], "class_weight": [{"Dropout": "x"}]}', trials => 1,
                                      features => ARRAY['a', 'b'])$$,
	'22023', 'space.class_weight must give "Dropout" a number as its weight', 'tune: a weight that is a string in space');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'forest', 'cw_rows', 'y', '{"n_trees": [5], "class_weight": [{"Dropout": 2}, {"Drop": 3}]}', trials => 1,
                                      features => ARRAY['a', 'b'])$$,
	'22023', 'space.class_weight names "Drop", which is not a class of the training rows', 'tune (forest): a key of space that is no class');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'boosting', 'cw_rows', 'y', '{"n_rounds": [5], "class_weight": [{"Drop": 3}]}', trials => 1,
                                      features => ARRAY['a', 'b'])$$,
	'22023', 'space.class_weight names "Drop", which is not a class of the training rows', 'tune (boosting): a key of space that is no class');
-- a key is quoted up to 64 characters, as a model name is (ens_name_for_message), a longer one cut there and ended with ...
SELECT throws_ok(format($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => %L)$$, jsonb_build_object(repeat('k', 64), 0)),
	'22023', format('class_weight must give "%s" a weight above 0 and at most 1000000', repeat('k', 64)), 'forest: a key of 64 characters, whole');
SELECT throws_ok(format($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => %L)$$, jsonb_build_object(repeat('k', 100000), 0)),
	'22023', format('class_weight must give "%s..." a weight above 0 and at most 1000000', repeat('k', 64)), 'forest: a key of 100 kB, cut at 64 characters');
SELECT throws_ok(format($$SELECT boost_agg(ARRAY[a, b], y, %L) FROM cw_rows$$,
                        jsonb_build_object('class_weight', jsonb_build_object('a' || repeat('é', 80), 'x'))),
	'22023', format('params.class_weight must give "%s..." a number as its weight', 'a' || repeat('é', 63)),
	'boost_agg: a long key of two-byte characters cut at 64 characters, not 64 bytes');
SELECT throws_ok(format($$SELECT train_boosting('e', 'cw_rows', 'y', class_weight => %L)$$, jsonb_build_object(repeat('k', 100000), 2)),
	'22023', format('class_weight names "%s...", which is not a class of the training rows', repeat('k', 64)),
	'boosting: a key of 100 kB that is no class, cut at 64 characters');
-- a number JSON allows but numeric does not: jsonb's error, its context naming the argument
SELECT is((SELECT ARRAY[state, ctx] FROM pg_temp.error_of($$SELECT train_forest('e', 'cw_rows', 'y', class_weight => '{"0": 1e200000}')$$)),
	ARRAY['22003', 'while reading the class_weight argument as JSON'], 'forest: 1e200000 is jsonb''s error, read as class_weight');
SELECT is((SELECT ARRAY[state, ctx] FROM pg_temp.error_of($$SELECT train_boosting('e', 'cw_rows', 'y', class_weight => '{"Dropout": 1e200000}')$$)),
	ARRAY['22003', 'while reading the class_weight argument as JSON'], 'boosting: 1e200000 is jsonb''s error, read as class_weight');
-- a regression: class_weight (an object or 'balanced') is refused by both learners, everywhere
SELECT throws_ok($$SELECT train_boosting('e', 'cw_rows', 'r', ARRAY['a', 'b'], class_weight => '{"1.5": 2}')$$,
	'22023', 'class_weight applies to classification only', 'boosting: class weights on a regression');
SELECT throws_ok($$SELECT train_forest('e', 'cw_rows', 'r', ARRAY['a', 'b'], n_trees => 5, class_weight => '{"1.5": 2}')$$,
	'22023', 'class_weight applies to classification only', 'forest: class weights on a regression');
SELECT throws_ok($$SELECT train_forest('e', 'cw_rows', 'r', ARRAY['a', 'b'], n_trees => 5, task => 'regression', class_weight => 'balanced')$$,
	'22023', 'class_weight applies to classification only', 'forest: balanced on a regression');
SELECT throws_ok($$SELECT forest_agg(ARRAY[a, b], r, '{"n_trees": 5, "class_weight": "balanced"}') FROM cw_rows$$,
	'22023', 'class_weight applies to classification only', 'forest_agg: balanced on a regression');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'cw_rows', 'r', ARRAY['a', 'b'], '{"n_trees": 5, "class_weight": {"1.5": 2}}', folds => 3)$$,
	'22023', 'class_weight applies to classification only', 'cross_validate (forest): class weights on a regression');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'forest', 'cw_rows', 'r', '{"n_trees": [5], "class_weight": [null, "balanced"]}', trials => 2,
                                      method => 'grid', features => ARRAY['a', 'b'])$$,
	'22023', 'class_weight applies to classification only', 'tune (forest): balanced in space on a regression');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'forest', 'cw_rows', 'r', '{"n_trees": [5]}', trials => 1, features => ARRAY['a', 'b'],
                                      params => '{"class_weight": {"1.5": 2}}')$$,
	'22023', 'class_weight applies to classification only', 'tune (forest): class weights of params on a regression');
-- task 'regression' given: class_weight is refused before any row is read (the learners' check()), so
-- the refusal wins over what reading the rows would raise (the view's column divides by zero); 'auto'
-- above is refused once the rows say it is a regression
CREATE VIEW cw_unreadable AS SELECT a, b, r / 0::float8 AS r FROM cw_rows;
SELECT throws_ok($$SELECT train_forest('e', 'cw_unreadable', 'r', ARRAY['a', 'b'], n_trees => 5, task => 'regression',
                                        class_weight => 'balanced')$$,
	'22023', 'class_weight applies to classification only', 'forest: task regression refuses balanced before reading rows');
SELECT throws_ok($$SELECT train_forest('e', 'cw_unreadable', 'r', ARRAY['a', 'b'], n_trees => 5, task => 'regression',
                                        class_weight => '{"1.5": 2}')$$,
	'22023', 'class_weight applies to classification only', 'forest: task regression refuses an object before reading rows');
SELECT throws_ok($$SELECT train_boosting('e', 'cw_unreadable', 'r', ARRAY['a', 'b'], n_rounds => 5, task => 'regression',
                                          class_weight => 'balanced')$$,
	'22023', 'class_weight applies to classification only', 'boosting: task regression refuses balanced before reading rows');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'cw_unreadable', 'r', ARRAY['a', 'b'],
                                                '{"n_trees": 5, "task": "regression", "class_weight": "balanced"}', folds => 3)$$,
	'22023', 'class_weight applies to classification only', 'cross_validate (forest): params.task regression refuses before reading rows');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'forest', 'cw_unreadable', 'r', '{"n_trees": [5]}', trials => 1, features => ARRAY['a', 'b'],
                                      params => '{"task": "regression", "class_weight": {"1.5": 2}}')$$,
	'22023', 'class_weight applies to classification only', 'tune (forest): fixed params refused before reading rows');
SELECT throws_ok($$SELECT * FROM tune('t_cw', 'forest', 'cw_unreadable', 'r', '{"n_trees": [5], "class_weight": [null, "balanced"]}',
                                      trials => 2, method => 'grid', features => ARRAY['a', 'b'], params => '{"task": "regression"}')$$,
	'22023', 'class_weight applies to classification only', 'tune (forest): a space value refused before reading rows');
-- an aggregate reads its rows before its params: a text target, which a regression refuses, is
-- not looked at before the class_weight refusal
SELECT throws_ok($$SELECT forest_agg(ARRAY[a, b], y, '{"n_trees": 5, "task": "regression", "class_weight": "balanced"}') FROM cw_rows$$,
	'22023', 'class_weight applies to classification only', 'forest_agg: params.task regression refuses before the target is read');

SELECT * FROM finish();
ROLLBACK;
