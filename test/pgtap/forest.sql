-- Random forests: error SQLSTATEs and catalog properties.
BEGIN;
SELECT plan(45);
SET LOCAL search_path = edupredict, public;

CREATE TEMP TABLE tap_train AS
SELECT i::float8 AS a, (i % 7)::float8 AS b, (ARRAY['x', 'y'])[1 + i % 2] AS c,
       CASE WHEN i % 3 = 0 THEN 'hi' ELSE 'lo' END AS y, (i % 5) * 1.5 AS r
FROM generate_series(1, 300) i;
CREATE TEMP TABLE tap_empty (a float8, y text);
CREATE TEMP TABLE tap_one AS SELECT i::float8 AS a, 'same' AS y FROM generate_series(1, 10) i;

-- catalog
SELECT has_table('edupredict', 'models', 'registry table exists');
SELECT col_is_pk('edupredict', 'models', 'id', 'models.id is the primary key');
SELECT ok((SELECT 'edupredict.models'::regclass::oid = ANY (extconfig) FROM pg_extension WHERE extname = 'edupredict'),
          'pg_dump keeps the registry (pg_extension_config_dump)');
SELECT ok((SELECT 'edupredict.models_id_seq'::regclass::oid = ANY (extconfig) FROM pg_extension WHERE extname = 'edupredict'),
          'pg_dump keeps the registry sequence');
SELECT volatility_is('edupredict', 'train_forest',
  ARRAY['text', 'regclass', 'text', 'text[]', 'text', 'integer', 'integer', 'integer', 'double precision', 'text',
        'double precision', 'double precision', 'bigint', 'boolean', 'text', 'integer', 'text'], 'volatile', 'train_forest is volatile (writes)');
SELECT volatility_is('edupredict', 'predict', ARRAY['text', 'record'], 'stable', 'predict(name, row) is stable');
SELECT volatility_is('edupredict', 'predict', ARRAY['text', 'double precision[]'], 'stable', 'predict(name, array) is stable');
SELECT volatility_is('edupredict', 'predict', ARRAY['bytea', 'double precision[]'], 'immutable', 'predict(bytea, array) is immutable');
SELECT volatility_is('edupredict', 'predict_proba', ARRAY['bytea', 'double precision[]'], 'immutable', 'predict_proba(bytea, array) is immutable');
SELECT volatility_is('edupredict', 'evaluate', ARRAY['text', 'regclass'], 'stable', 'evaluate is stable');
SELECT is_strict('edupredict', 'predict', ARRAY['text', 'record'], 'predict(name, row) is strict');
SELECT is_strict('edupredict', 'predict_proba', ARRAY['text', 'record', 'text'], 'predict_proba(name, row, class) is strict');
SELECT is_aggregate('edupredict', 'forest_agg', ARRAY['double precision[]', 'double precision', 'jsonb'], 'forest_agg(float8) is an aggregate');
SELECT is_aggregate('edupredict', 'forest_agg', ARRAY['double precision[]', 'text', 'jsonb'], 'forest_agg(text) is an aggregate');
SELECT ok((SELECT bool_and(a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0 AND p.proparallel = 's')
           FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
           WHERE p.proname = 'forest_agg' AND p.pronamespace = 'edupredict'::regnamespace),
          'forest_agg has combine, serial and deserial functions and is parallel safe');
SELECT function_returns('edupredict', 'train_forest',
  ARRAY['text', 'regclass', 'text', 'text[]', 'text', 'integer', 'integer', 'integer', 'double precision', 'text',
        'double precision', 'double precision', 'bigint', 'boolean', 'text', 'integer', 'text'], 'model_list',
  'train_forest returns the registry row without the model bytes (0.2.0)');

-- training errors
SELECT throws_ok($$SELECT train_forest('tap', 'tap_empty', 'y')$$, '22023', NULL, 'empty relation: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_one', 'y')$$, '22023', NULL, 'one class: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'nope')$$, '42703', NULL, 'unknown target: 42703');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', ARRAY['a', 'nope'])$$, '42703', NULL, 'unknown feature: 42703');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', ARRAY['a', 'y'])$$, '22023', NULL, 'feature is the target: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', n_trees => 0)$$, '22023', NULL, 'n_trees 0: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', sample_fraction => 1.2)$$, '22023', NULL, 'sample_fraction: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', max_features => 0)$$, '22023', NULL, 'max_features: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', test_fraction => 1)$$, '22023', NULL, 'test_fraction: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', class_weight => 'x')$$, '22023', NULL, 'class_weight: 22023');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', task => 'regression')$$, '42804', NULL, 'text target for regression: 42804');
SELECT throws_ok($$SELECT train_forest('tap', 'tap_train', 'y', n_trees => 100000)$$, '54000', NULL, 'too many trees: 54000');

-- a good model, then prediction errors
SELECT is((SELECT version FROM train_forest('tap', 'tap_train', 'y', ARRAY['a', 'b', 'c'], n_trees => 5)), 1, 'trains version 1');
SELECT is((SELECT task FROM train_forest('tap_r', 'tap_train', 'r', ARRAY['a', 'b'], n_trees => 5)), 'regression', 'float target: regression');
-- training reads back the bytes it wrote, with the reader a cold cache uses, before the
-- registry row (ens_model_bytea; a writer bug is XX000 there, mutations writer-*)
SELECT lives_ok($$SELECT train_boosting('tap_b', 'tap_train', 'y', ARRAY['a', 'b', 'c'], n_rounds => 5)$$,
                'train_boosting: its bytes read back');
SELECT is((SELECT count(*) FILTER (WHERE octet_length(model) = (metrics->>'model_bytes')::int)
           FROM models WHERE name IN ('tap', 'tap_r', 'tap_b')), 3::bigint,
          'the registry holds the bytes training wrote and read back (model_bytes)');
SELECT lives_ok($$SELECT predict((SELECT model FROM models WHERE name = 'tap_b'), ARRAY[1, 2, 3]::float8[])$$,
                'the stored boosting bytes parse with predict''s reader');
SELECT throws_ok($$SELECT predict('tap_nobody', ARRAY[1]::float8[])$$, '42704', NULL, 'unknown model: 42704');
SELECT throws_ok($$SELECT predict('tap', r) FROM (VALUES (1.0, 2.0)) r(a, b)$$, '42703', NULL, 'row without a feature column: 42703');
SELECT throws_ok($$SELECT predict('tap', ARRAY[1, 2]::float8[])$$, '2202E', NULL, 'wrong array length: 2202E');
SELECT throws_ok($$SELECT predict_proba('tap_r', ARRAY[1, 2]::float8[])$$, '42809', NULL, 'proba of a regression model: 42809');
SELECT throws_ok($$SELECT predict_proba('tap', t, 'nope') FROM tap_train t LIMIT 1$$, '22023', NULL, 'unknown class: 22023');
SELECT throws_ok($$SELECT deploy('tap', 7)$$, '22023', NULL, 'deploy of a missing version: 22023');

-- hostile model bytes: data exception, never a crash
SELECT throws_ok($$SELECT predict('\x4544504601000000'::bytea, ARRAY[1]::float8[])$$, '22000', NULL, 'truncated model: 22000');
SELECT throws_ok($$SELECT predict(overlay((SELECT model FROM models WHERE name = 'tap') PLACING '\x07'::bytea FROM 9), ARRAY[1, 2, 3]::float8[])$$,
                 '22000', NULL, 'flipped header byte: 22000');
SELECT throws_ok($$SELECT predict((SELECT model FROM models WHERE name = 'tap') || '\x00'::bytea, ARRAY[1, 2, 3]::float8[])$$,
                 '22000', NULL, 'trailing garbage: 22000');
SELECT lives_ok($$SELECT predict((SELECT model FROM models WHERE name = 'tap'), ARRAY[NULL, 'NaN', 1]::float8[])$$,
                'NULL and NaN features are missing values');

-- a state its final function finished is refused (an aggregate reusing
-- forest_agg's functions without FINALFUNC_MODIFY = READ_WRITE)
CREATE AGGREGATE pg_temp.forest_ro(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trans, STYPE = internal,
  FINALFUNC = edupredict.forest_agg_final);
CREATE AGGREGATE pg_temp.boost_ro(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trans, STYPE = internal,
  FINALFUNC = edupredict.boost_agg_final);
SELECT throws_ok($$SELECT pg_temp.forest_ro(ARRAY[a, b], r, '{"n_trees": 2, "task": "regression"}') OVER (ORDER BY a > 150)
                   FROM tap_train$$, '55000', NULL, 'window aggregate adding rows to a finished state: 55000');
SELECT throws_ok($$SELECT pg_temp.forest_ro(ARRAY[a, b], r, '{"task": "regression"}'),
                          pg_temp.boost_ro(ARRAY[a, b], r, '{"task": "regression"}') FROM tap_train$$,
                 '55000', NULL, 'a second final function on a shared state: 55000');

SELECT * FROM finish();
ROLLBACK;
