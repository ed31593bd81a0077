-- Model functions: computed values (predictions on rows whose label the
-- features decide, probabilities, importances, classes) and an error with its
-- SQLSTATE for every bad argument of train_forest, predict, predict_proba,
-- evaluate and forest_agg, and a relation model_profile refuses.
BEGIN;
SELECT plan(155);
SET LOCAL search_path = edupredict, public;

-- The label is decided by a and c: a >= 50 'big'; else c = 'x' 'small_x';
-- else 'small'.  n is noise.  The regression target is 10 [a >= 50] + 3 [c = 'x'].
CREATE TEMP TABLE tv AS
SELECT i, (i % 100)::float8 AS a, (ARRAY['x', 'y', 'z'])[1 + (i * 7) % 3] AS c, ((i * 37) % 11)::float8 AS n,
       CASE WHEN i % 100 >= 50 THEN 'big' WHEN (i * 7) % 3 = 0 THEN 'small_x' ELSE 'small' END AS y,
       (10 * (i % 100 >= 50)::int + 3 * ((i * 7) % 3 = 0)::int)::float8 AS yr
FROM generate_series(1, 600) i;
-- rows away from the boundary a = 49.5, with every category
CREATE TEMP TABLE tv_probe (k int, a float8, c text, n float8, y text, yr float8);
INSERT INTO tv_probe VALUES (1, 10, 'x', 3, 'small_x', 3), (2, 10, 'y', 5, 'small', 0), (3, 90, 'z', 1, 'big', 10),
  (4, 75, 'x', 0, 'big', 13), (5, 20, 'z', 7, 'small', 0), (6, 60, 'y', 2, 'big', 10), (7, 35, 'x', 10, 'small_x', 3);
CREATE TEMP TABLE tap_empty (a float8, y text);
CREATE TEMP TABLE tap_nulls AS SELECT i::float8 AS a, NULL::text AS y FROM generate_series(1, 10) i;
CREATE TEMP TABLE tap_one AS SELECT i::float8 AS a, 'same' AS y FROM generate_series(1, 10) i;
CREATE TEMP TABLE tap_types AS
SELECT i::float8 AS a, point(i, i) AS pt, ARRAY[i] AS arr, DATE '2020-01-01' + i AS d, (i % 2)::text AS y,
       CASE WHEN i = 3 THEN 'Infinity'::float8 ELSE i * 0.5 END AS y_inf,
       CASE WHEN i IN (3, 4) THEN 1e308 ELSE i * 0.5 END AS y_huge,
       CASE WHEN i % 4 = 0 THEN 'NaN'::float8 ELSE i * 0.5 END AS y_nan
FROM generate_series(1, 40) i;
CREATE TEMP SEQUENCE tap_seq;
DO $$ BEGIN
  EXECUTE 'CREATE TEMP TABLE tap_wide (' ||
    (SELECT string_agg(format('c%s float8', i), ', ') FROM generate_series(1, 1001) i) || ', y text)';
  EXECUTE 'INSERT INTO tap_wide (c1, y) VALUES (1, ''a''), (2, ''b'')';
END $$;
-- the SQLSTATE a statement raises (NULL: none)
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN others THEN
  RETURN SQLSTATE;
END $$;

SELECT is((SELECT classes FROM train_forest('tv', 'tv', 'y', ARRAY['a', 'c', 'n'], n_trees => 20, test_fraction => 0)),
          ARRAY['big', 'small', 'small_x'], 'classes are sorted labels');
-- every feature tried at every split: each tree finds the two steps, its
-- leaves are pure and rows away from the step predict the exact value
SELECT is((SELECT task FROM train_forest('tv_r', 'tv', 'yr', ARRAY['a', 'c', 'n'], n_trees => 20, test_fraction => 0,
                                         task => 'regression', max_features => 1)), 'regression', 'regression model');

-- ---------------------------------------------------------------- values
SELECT results_eq($$SELECT predict('tv', p) FROM tv_probe p ORDER BY k$$,
                  $$SELECT y FROM tv_probe ORDER BY k$$, 'predict(name, row) gives the decided label');
-- the codebook is sorted: x = 0, y = 1, z = 2
SELECT results_eq($$SELECT predict('tv', ARRAY[a, CASE c WHEN 'x' THEN 0 WHEN 'y' THEN 1 ELSE 2 END, n]) FROM tv_probe ORDER BY k$$,
                  $$SELECT y FROM tv_probe ORDER BY k$$, 'predict(name, array) with category codes gives the same');
SELECT results_eq($$SELECT predict((SELECT model FROM models WHERE name = 'tv'), ARRAY[a, CASE c WHEN 'x' THEN 0 WHEN 'y' THEN 1 ELSE 2 END, n])
                    FROM tv_probe ORDER BY k$$,
                  $$SELECT y FROM tv_probe ORDER BY k$$, 'predict(bytea, array) gives the same');
SELECT results_eq($$SELECT (model_classes('tv'))[(SELECT i FROM unnest(predict_proba('tv', p)) WITH ORDINALITY u(x, i) ORDER BY x DESC, i LIMIT 1)]
                    FROM tv_probe p ORDER BY k$$,
                  $$SELECT y FROM tv_probe ORDER BY k$$, 'predict_proba puts the largest probability on the decided label');
SELECT ok((SELECT bool_and(predict_proba('tv', p, p.y) >= 0.9) FROM tv_probe p),
          'the decided label has probability >= 0.9');
SELECT ok((SELECT bool_and(predict_proba('tv', p, p.y) = (predict_proba('tv', p))[array_position(model_classes('tv'), p.y)])
           FROM tv_probe p), 'predict_proba(row, class) is the class''s element of predict_proba(row)');
SELECT ok((SELECT bool_and(abs((SELECT sum(x) FROM unnest(predict_proba('tv', p)) x) - 1) <= 1e-12
                           AND (SELECT bool_and(x >= 0 AND x <= 1) FROM unnest(predict_proba('tv', p)) x))
           FROM tv_probe p), 'probabilities lie in [0, 1] and sum to 1 (1e-12)');
SELECT results_eq($$SELECT predict('tv_r', p)::float8 FROM tv_probe p ORDER BY k$$,
                  $$SELECT yr FROM tv_probe ORDER BY k$$, 'regression predicts the decided values exactly');
SELECT is((SELECT importance FROM feature_importance('tv_r') WHERE feature = 'n'), 0::float8,
          'regression: the noise feature is never split on');
SELECT is(model_classes('tv'), ARRAY['big', 'small', 'small_x'], 'model_classes');
SELECT is(model_classes('tv_r'), NULL, 'model_classes of a regression model is NULL');
SELECT is((SELECT abs(sum(importance) - 1) <= 1e-12 FROM feature_importance('tv')), true, 'importances sum to 1 (1e-12)');
SELECT is((SELECT abs(sum(importance) - 1) <= 1e-12 FROM feature_importance('tv_r')), true, 'regression importances sum to 1');
SELECT results_eq($$SELECT feature FROM feature_importance('tv')$$, $$VALUES ('a'), ('c'), ('n')$$,
                  'importances rank the decisive features first and the noise last');
SELECT results_eq($$SELECT feature FROM feature_importance('tv_r')$$, $$VALUES ('a'), ('c'), ('n')$$,
                  'regression importances: same ranking');
SELECT ok((SELECT importance < 0.05 FROM feature_importance('tv') WHERE feature = 'n'), 'the noise feature has importance < 0.05');
SELECT ok((SELECT bool_and(importance >= 0) FROM feature_importance('tv')), 'importances are not negative');
-- missing values: NULL and NaN are the same; an unseen category is missing;
-- an infinite value is just beyond the largest edge
SELECT is(predict_proba('tv', ARRAY[10, NULL, 3]::float8[]), predict_proba('tv', ARRAY[10, 'NaN', 3]::float8[]),
          'NaN in a feature array is a missing value, like NULL');
SELECT is((SELECT predict_proba('tv', r) FROM (VALUES (10::float8, 'purple', 3::float8)) r(a, c, n)),
          predict_proba('tv', ARRAY[10, NULL, 3]::float8[]), 'an unseen category is a missing value');
SELECT is(predict_proba('tv', ARRAY['Infinity', 0, 3]::float8[]), predict_proba('tv', ARRAY[1e300, 0, 3]::float8[]),
          '+Infinity predicts like a huge finite value');
SELECT is(predict_proba('tv', ARRAY['-Infinity', 0, 3]::float8[]), predict_proba('tv', ARRAY[-1e300, 0, 3]::float8[]),
          '-Infinity predicts like a hugely negative value');
SELECT is(predict('tv', NULL::float8[]), NULL, 'predict is strict');
SELECT is(predict_proba(NULL::text, ARRAY[1, 2, 3]::float8[]), NULL, 'predict_proba is strict');
-- a NaN regression target skips the row
SELECT is((SELECT n_rows FROM train_forest('tap_nan', 'tap_types', 'y_nan', ARRAY['a'], n_trees => 2)), 30::bigint,
          'rows with a NaN target are skipped');

-- ------------------------------------------------------ train_forest errors
SELECT throws_ok($$SELECT train_forest(NULL, 'tv', 'y')$$, '22004', NULL, 'model_name NULL');
SELECT throws_ok($$SELECT train_forest('', 'tv', 'y')$$, '22023', NULL, 'model_name empty');
SELECT throws_ok($$SELECT train_forest(repeat('m', 201), 'tv', 'y')$$, '22023', NULL, 'model_name over 200 bytes');
SELECT throws_ok($$SELECT train_forest('e', NULL, 'y')$$, '22004', NULL, 'relation NULL');
SELECT throws_ok($$SELECT train_forest('e', 'tap_seq', 'y')$$, '42809', NULL, 'relation is a sequence');
SELECT throws_ok($$SELECT train_forest('e', 'tv', NULL)$$, '22004', NULL, 'target NULL');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'nope')$$, '42703', NULL, 'target unknown');
SELECT throws_ok($$SELECT train_forest('e', 'tap_types', 'd', ARRAY['a'])$$, '42804', NULL, 'target of type date');
SELECT throws_ok($$SELECT train_forest('e', 'tap_types', 'pt', ARRAY['a'])$$, '42804', NULL, 'target of type point');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', ARRAY[]::text[])$$, '22023', NULL, 'features empty');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', ARRAY[['a', 'c']])$$, '22023', NULL, 'features two-dimensional');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', ARRAY['a', NULL])$$, '22004', NULL, 'features with a NULL');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', ARRAY['a', 'nope'])$$, '42703', NULL, 'feature unknown');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', ARRAY['a', 'y'])$$, '22023', NULL, 'feature is the target');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', ARRAY['a', 'a'])$$, '22023', NULL, 'feature listed twice');
SELECT throws_ok($$SELECT train_forest('e', 'tap_types', 'y', ARRAY['pt'])$$, '42804', NULL, 'feature of type point');
SELECT throws_ok($$SELECT train_forest('e', 'tap_types', 'y', ARRAY['arr'])$$, '42804', NULL, 'feature of type int[]');
SELECT throws_ok($$SELECT train_forest('e', 'tap_types', 'y')$$, '42804', NULL, 'all columns, one unsupported');
SELECT throws_ok($$SELECT train_forest('e', 'tap_wide', 'y')$$, '54000', NULL, '1,001 features');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', task => 'clustering')$$, '22023', NULL, 'task unknown');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', task => 'regression')$$, '42804', NULL, 'regression on a text target');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', n_trees => NULL)$$, '22023', NULL, 'n_trees NULL');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', n_trees => 0)$$, '22023', NULL, 'n_trees 0');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', n_trees => -3)$$, '22023', NULL, 'n_trees negative');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', n_trees => 10001)$$, '54000', NULL, 'n_trees over 10,000');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', max_depth => 0)$$, '22023', NULL, 'max_depth 0');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', max_depth => -1)$$, '22023', NULL, 'max_depth negative');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', min_samples_leaf => 0)$$, '22023', NULL, 'min_samples_leaf 0');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', max_features => 0)$$, '22023', NULL, 'max_features 0');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', max_features => 1.01)$$, '22023', NULL, 'max_features over 1');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', max_features => 'NaN')$$, '22023', NULL, 'max_features NaN');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', max_features => 'Infinity')$$, '22023', NULL, 'max_features Infinity');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', class_weight => 'inverse')$$, '22023', NULL, 'class_weight unknown');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', sample_fraction => 0)$$, '22023', NULL, 'sample_fraction 0');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', sample_fraction => 1.5)$$, '22023', NULL, 'sample_fraction over 1');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', sample_fraction => 'NaN')$$, '22023', NULL, 'sample_fraction NaN');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', test_fraction => -0.1)$$, '22023', NULL, 'test_fraction negative');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', test_fraction => 1)$$, '22023', NULL, 'test_fraction 1');
SELECT throws_ok($$SELECT train_forest('e', 'tv', 'y', test_fraction => 'NaN')$$, '22023', NULL, 'test_fraction NaN');
SELECT throws_ok($$SELECT train_forest('e', 'tap_empty', 'y')$$, '22023', NULL, 'empty relation');
SELECT throws_ok($$SELECT train_forest('e', 'tap_nulls', 'y')$$, '22023', NULL, 'target NULL in every row');
SELECT throws_ok($$SELECT train_forest('e', 'tap_one', 'y')$$, '22023', NULL, 'one class');
-- a non-finite regression target cannot give a model that predicts: it must
-- be refused at training, not stored as a model every predict() rejects
SELECT ok(coalesce(pg_temp.sqlstate_of($$SELECT train_forest('e_inf', 'tap_types', 'y_inf', ARRAY['a'], n_trees => 3)$$) LIKE '22%', false),
          'an infinite regression target is an error (class 22) at training');
SELECT ok(coalesce(pg_temp.sqlstate_of($$SELECT train_forest('e_huge', 'tap_types', 'y_huge', ARRAY['a'], n_trees => 3)$$) LIKE '22%', false)
          OR pg_temp.sqlstate_of($$SELECT predict('e_huge', ARRAY[3.5]::float8[])$$) IS NULL,
          'huge finite targets (1e308): an error at training, or a model that predicts');
SELECT is((SELECT count(*) FROM models WHERE name = 'e'), 0::bigint, 'failed trainings leave no registry row');

-- -------------------------------------------------- predict / predict_proba
SELECT throws_ok($$SELECT predict('tap_nobody', ARRAY[1]::float8[])$$, '42704', NULL, 'predict: unknown model');
SELECT throws_ok($$SELECT predict_proba('tap_nobody', ARRAY[1]::float8[])$$, '42704', NULL, 'predict_proba: unknown model');
SELECT throws_ok($$SELECT model_classes('tap_nobody')$$, '42704', NULL, 'model_classes: unknown model');
SELECT throws_ok($$SELECT * FROM feature_importance('tap_nobody')$$, '42704', NULL, 'feature_importance: unknown model');
SELECT throws_ok($$SELECT predict('tv', ARRAY[]::float8[])$$, '2202E', NULL, 'predict: empty array');
SELECT throws_ok($$SELECT predict('tv', ARRAY[1, 2]::float8[])$$, '2202E', NULL, 'predict: array too short');
SELECT throws_ok($$SELECT predict('tv', ARRAY[1, 2, 3, 4]::float8[])$$, '2202E', NULL, 'predict: array too long');
SELECT throws_ok($$SELECT predict('tv', ARRAY[[1, 2, 3]]::float8[])$$, '2202E', NULL, 'predict: two-dimensional array');
SELECT throws_ok($$SELECT predict_proba('tv', ARRAY[1, 2]::float8[])$$, '2202E', NULL, 'predict_proba: wrong length');
SELECT throws_ok($$SELECT predict_proba('tv', ARRAY[[1, 2, 3]]::float8[])$$, '2202E', NULL, 'predict_proba: two-dimensional array');
SELECT throws_ok($$SELECT predict((SELECT model FROM models WHERE name = 'tv'), ARRAY[1, 2]::float8[])$$, '2202E', NULL,
                 'predict(bytea): wrong length');
SELECT throws_ok($$SELECT predict((SELECT model FROM models WHERE name = 'tv'), ARRAY[]::float8[])$$, '2202E', NULL,
                 'predict(bytea): empty array');
SELECT throws_ok($$SELECT predict('tv', r) FROM (VALUES (1::float8, 'x'::text)) r(a, c)$$, '42703', NULL,
                 'predict: row without a feature column');
SELECT throws_ok($$SELECT predict('tv', r) FROM (VALUES ('1'::text, 'x'::text, 1::float8)) r(a, c, n)$$, '42804', NULL,
                 'predict: text column for a numeric feature');
SELECT throws_ok($$SELECT predict_proba('tv', r) FROM (VALUES (1::float8, 'x'::text)) r(a, c)$$, '42703', NULL,
                 'predict_proba: row without a feature column');
SELECT throws_ok($$SELECT predict_proba('tv_r', ARRAY[1, 2, 3]::float8[])$$, '42809', NULL, 'predict_proba(array) of a regression model');
SELECT throws_ok($$SELECT predict_proba('tv_r', p) FROM tv_probe p$$, '42809', NULL, 'predict_proba(row) of a regression model');
SELECT throws_ok($$SELECT predict_proba('tv_r', p, 'big') FROM tv_probe p$$, '42809', NULL, 'predict_proba(row, class) of a regression model');
SELECT throws_ok($$SELECT predict_proba((SELECT model FROM models WHERE name = 'tv_r'), ARRAY[1, 2, 3]::float8[])$$, '42809', NULL,
                 'predict_proba(bytea) of a regression model');
SELECT throws_ok($$SELECT predict_proba('tv', p, 'huge') FROM tv_probe p$$, '22023', NULL, 'predict_proba: unknown class');
SELECT throws_ok($$SELECT predict_proba('tv', p, 'Big') FROM tv_probe p$$, '22023', NULL, 'predict_proba: class names are case sensitive');
SELECT throws_ok($$SELECT predict('\x'::bytea, ARRAY[1]::float8[])$$, '22000', NULL, 'predict(bytea): empty model');
SELECT throws_ok($$SELECT predict('\x00010203'::bytea, ARRAY[1]::float8[])$$, '22000', NULL, 'predict(bytea): garbage');

-- ------------------------------------------------------------------ evaluate
CREATE TEMP TABLE tv_no_target AS SELECT a, c, n FROM tv;
CREATE TEMP TABLE tv_no_feature AS SELECT a, n, y FROM tv;
CREATE TEMP TABLE tv_text_a AS SELECT a::text AS a, c, n, y, yr FROM tv;
CREATE TEMP TABLE tv_text_yr AS SELECT a, c, n, y AS yr FROM tv;
SELECT throws_ok($$SELECT * FROM evaluate('tap_nobody', 'tv')$$, '42704', NULL, 'evaluate: unknown model');
SELECT throws_ok($$SELECT * FROM evaluate('tv', 'tv_no_target')$$, '42703', NULL, 'evaluate: relation without the target');
SELECT throws_ok($$SELECT * FROM evaluate('tv', 'tv_no_feature')$$, '42703', NULL, 'evaluate: relation without a feature');
SELECT throws_ok($$SELECT * FROM evaluate('tv', 'tv_text_a')$$, '42804', NULL, 'evaluate: text column for a numeric feature');
SELECT throws_ok($$SELECT * FROM evaluate('tv_r', 'tv_text_yr')$$, '42804', NULL, 'evaluate: text target for a regression model');
SELECT is_empty($$SELECT * FROM evaluate('tv', NULL)$$, 'evaluate is strict');
SELECT results_eq($$SELECT value FROM evaluate('tv', 'tv') WHERE metric IN ('n_rows', 'accuracy') ORDER BY metric$$,
                  $$VALUES (1::float8), (600)$$, 'evaluate on the training rows of a decided label: accuracy 1');
-- a regression target training would refuse is refused as training refuses it (r2 came out 0 of
-- Infinity, NULL of 1e200 with rmse Infinity), by evaluate and by the shared reader of
-- permutation_importance, within the model's learner's limit (forest 1e38, boosting 1e30); a NaN
-- target is skipped as NULL is
CREATE TEMP TABLE tv_inf_yr AS
SELECT a, c, n, CASE WHEN i = 5 THEN 'Infinity'::float8 WHEN i = 6 THEN 'NaN' ELSE yr END AS yr FROM tv WHERE i <= 40;
CREATE TEMP TABLE tv_neginf_yr AS SELECT a, c, n, CASE WHEN yr = 3 THEN '-Infinity'::float8 ELSE yr END AS yr FROM tv;
CREATE TEMP TABLE tv_huge_yr AS SELECT a, c, n, CASE WHEN i = 7 THEN -1e200 ELSE yr END AS yr FROM tv WHERE i <= 40;
CREATE TEMP TABLE tv_1e35_yr AS SELECT a, c, n, CASE WHEN i = 7 THEN 1e35 ELSE yr END AS yr FROM tv WHERE i <= 40;
SELECT throws_ok($$SELECT * FROM evaluate('tv_r', 'tv_inf_yr')$$, '22023',
                 'target column "yr" of relation pg_temp.tv_inf_yr holds a value a regression cannot use',
                 'evaluate: an infinite regression target is 22023');
SELECT throws_ok($$SELECT * FROM evaluate('tv_r', 'tv_neginf_yr')$$, '22023', NULL, 'evaluate: -Infinity too');
SELECT throws_ok($$SELECT * FROM permutation_importance('tv_r', 'tv_inf_yr', n_repeats => 1)$$, '22023',
                 'target column "yr" of relation pg_temp.tv_inf_yr holds a value a regression cannot use',
                 'permutation_importance: the same');
SELECT throws_ok($$SELECT * FROM evaluate('tv_r', 'tv_huge_yr')$$, '22023',
                 'target column "yr" of relation pg_temp.tv_huge_yr holds a value a regression cannot use',
                 'evaluate: a finite target beyond the forest''s 1e38 too');
SELECT throws_ok($$SELECT * FROM permutation_importance('tv_r', 'tv_huge_yr', n_repeats => 1)$$, '22023', NULL,
                 'permutation_importance: the same');
SELECT is((SELECT value FROM evaluate('tv_r', 'tv_1e35_yr') WHERE metric = 'n_rows'), 40::float8,
          'evaluate: a forest takes a target of 1e35, as its training does');
SELECT is((SELECT task FROM train_boosting('tv_rb', 'tv', 'yr', ARRAY['a', 'c', 'n'], task => 'regression', n_rounds => 5,
                                           test_fraction => 0)), 'regression', 'a boosted regression model');
SELECT throws_ok($$SELECT * FROM evaluate('tv_rb', 'tv_1e35_yr')$$, '22023',
                 'target column "yr" of relation pg_temp.tv_1e35_yr holds a value a regression cannot use',
                 'evaluate: a boosted model refuses a target beyond its 1e30, as its training does');
DELETE FROM tv_inf_yr WHERE yr = 'Infinity';
SELECT is((SELECT value FROM evaluate('tv_r', 'tv_inf_yr') WHERE metric = 'n_rows'), 38::float8, 'evaluate: a NaN target is skipped');

-- ---------------------------------------------------------------- forest_agg
SELECT throws_ok($$SELECT forest_agg(ARRAY[[i, i]]::float8[], (i % 2)::float8, NULL) FROM generate_series(1, 20) i$$,
                 '2202E', NULL, 'forest_agg: two-dimensional features');
SELECT throws_ok($$SELECT forest_agg(ARRAY[]::float8[], (i % 2)::float8, NULL) FROM generate_series(1, 20) i$$,
                 '2202E', NULL, 'forest_agg: empty features (a bad argument, not a limit)');
SELECT throws_ok($$SELECT forest_agg(array_fill(1::float8, ARRAY[1001]), (i % 2)::float8, NULL) FROM generate_series(1, 20) i$$,
                 '54000', NULL, 'forest_agg: 1,001 features');
SELECT throws_ok($$SELECT forest_agg(CASE WHEN i = 5 THEN ARRAY[i] ELSE ARRAY[i, i] END::float8[], (i % 2)::float8, NULL)
                   FROM generate_series(1, 20) i$$, '2202E', NULL, 'forest_agg: rows of different lengths');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '[1]') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: params not an object');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"trees": 5}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: unknown params key');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"n_trees": 0}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: n_trees 0');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"n_trees": 1.5}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: n_trees not an integer');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"n_trees": "5"}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: n_trees a string');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"n_trees": 10001}') FROM generate_series(1, 20) i$$,
                 '54000', NULL, 'forest_agg: n_trees over 10,000 (the limit, as in train_forest: one validator)');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"max_depth": 0}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: max_depth 0');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"min_samples_leaf": 0}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: min_samples_leaf 0');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"max_features": 1.5}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: max_features over 1');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"max_features": 0}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: max_features 0');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"sample_fraction": 2}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: sample_fraction over 1');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"seed": 1.5}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: seed not an integer');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"seed": 1e300}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: seed out of range');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"class_weight": "inverse"}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: class_weight unknown');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"task": "clustering"}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: task unknown');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::text, '{"task": "regression"}') FROM generate_series(1, 20) i$$,
                 '42804', NULL, 'forest_agg: regression on a text target (as train_forest)');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"feature_names": ["a", "b"]}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: feature_names of the wrong length');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i, i]::float8[], (i % 2)::float8, '{"feature_names": ["a", "a"]}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: feature_names with a duplicate');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"feature_names": [1]}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: feature_names not strings');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, '{"feature_names": [""]}') FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: feature_names with an empty name');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8,
                   CASE WHEN i = 1 THEN '{"n_trees": 3}'::jsonb ELSE '{"n_trees": 4}'::jsonb END) FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: params differ between rows');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], 'same', NULL) FROM generate_series(1, 20) i$$,
                 '22023', NULL, 'forest_agg: one class');
SELECT throws_ok($$SELECT forest_agg(ARRAY[i]::float8[], repeat('l', 4096) || (i % 2), NULL) FROM generate_series(1, 20) i$$,
                 '54000', NULL, 'forest_agg: label longer than the limit');
SELECT ok(pg_temp.sqlstate_of($$SELECT forest_agg(ARRAY[i]::float8[], CASE WHEN i = 3 THEN 'Infinity'::float8 ELSE i * 0.5 END,
                                '{"n_trees": 3}') FROM generate_series(1, 20) i$$) LIKE '22%' IS TRUE,
          'forest_agg: an infinite regression target is an error (class 22), not an unreadable model');
SELECT is((SELECT forest_agg(ARRAY[i]::float8[], (i % 2)::float8, NULL) FROM generate_series(1, 0) i), NULL,
          'forest_agg over no rows is NULL');
SELECT is((SELECT forest_agg(NULL::float8[], (i % 2)::float8, NULL) FROM generate_series(1, 20) i), NULL,
          'forest_agg skips rows with NULL features');
-- forest_agg learns the decided labels and values too
SELECT results_eq($$SELECT predict(m, ARRAY[p.a, CASE p.c WHEN 'x' THEN 0 WHEN 'y' THEN 1 ELSE 2 END, p.n])
                    FROM (SELECT forest_agg(ARRAY[a, CASE c WHEN 'x' THEN 0 WHEN 'y' THEN 1 ELSE 2 END, n], y, '{"n_trees": 20}') m FROM tv) q,
                         tv_probe p ORDER BY p.k$$,
                  $$SELECT y FROM tv_probe ORDER BY k$$, 'forest_agg model predicts the decided labels');
SELECT results_eq($$SELECT predict(m, ARRAY[p.a, CASE p.c WHEN 'x' THEN 0 WHEN 'y' THEN 1 ELSE 2 END, p.n])::float8
                    FROM (SELECT forest_agg(ARRAY[a, CASE c WHEN 'x' THEN 0 WHEN 'y' THEN 1 ELSE 2 END, n], yr,
                                            '{"n_trees": 20, "task": "regression", "max_features": 1}') m FROM tv) q,
                         tv_probe p ORDER BY p.k$$,
                  $$SELECT yr FROM tv_probe ORDER BY k$$, 'forest_agg regression predicts the decided values exactly');
SELECT is((SELECT predict_proba(m, ARRAY[1]::float8[]) FROM
             (SELECT forest_agg(ARRAY[(i % 2) * 10]::float8[], CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END, NULL) m
              FROM generate_series(1, 40) i) q), ARRAY[1, 0]::float8[], 'forest_agg: a separable feature gives certain probabilities');

-- model_profile() refuses a target value the model does not know (one row of 600)
CREATE TEMP TABLE tv_unknown AS SELECT a, c, n, CASE WHEN i = 7 THEN 'huge' ELSE y END AS y FROM tv;
SELECT lives_ok($$SELECT * FROM model_profile('tv', 'tv')$$, 'model_profile: the training rows');
SELECT throws_ok($$SELECT * FROM model_profile('tv', 'tv_unknown')$$, '22023',
                 'relation has 1 target value that is not a class of model "tv"',
                 'model_profile: a target value the model does not know');
SELECT is((SELECT max(version) FROM models WHERE name = 'tv'), 2, 'model_profile: no version for the refused relation');

-- A target value the model does not know is a raw value of the caller's rows,
-- of any length: messages count such values and never show them (STYLE.md
-- section 8; test/pgtap/message_values.sql), evaluate()'s confusion names (a
-- result, not a message) show its first 64 characters and "...", and add
-- "#n" (n: its rank in byte order among the clipped values), so two values
-- with the same first 64 characters keep apart, and a number that would spell
-- a class is skipped.
CREATE TEMP TABLE tv_long AS
SELECT a, c, n, CASE WHEN i = 7 THEN repeat('x', 1048576) ELSE y END AS y FROM tv;
SELECT throws_ok($$SELECT * FROM model_profile('tv', 'tv_long')$$, '22023',
                 'relation has 1 target value that is not a class of model "tv"',
                 'model_profile: a 1 MB unknown target value is counted, not shown');
SELECT throws_ok($$SELECT * FROM calibrate('tv', 'tv_long')$$, '22023',
                 'relation has 1 target value that is not a class of model "tv"',
                 'calibrate: a 1 MB unknown target value is counted, not shown');
SELECT throws_ok($$SELECT * FROM choose_threshold('tv', 'tv_long', 'big')$$, '22023',
                 'relation has 1 target value that is not a class of model "tv"',
                 'choose_threshold: a 1 MB unknown target value is counted, not shown');
CREATE TEMP TABLE tv_long2 AS
SELECT a, c, n, CASE WHEN i = 7 THEN repeat('q', 64) || repeat('b', 1048576)
                     WHEN i = 8 THEN repeat('q', 64) || repeat('a', 1048576) ELSE y END AS y FROM tv;
SELECT results_eq($$SELECT metric FROM evaluate('tv', 'tv_long2') WHERE metric LIKE 'confusion:q%' ORDER BY 1$$,
                  $$SELECT format('confusion:%s...#%s:%s', repeat('q', 64), r, c)
                    FROM unnest(ARRAY[1, 2]) r, unnest(ARRAY['big', 'small', 'small_x']) c ORDER BY 1$$,
                  'evaluate: two 1 MB unknown target values with the same first 64 characters get apart confusion names');
SELECT cmp_ok((SELECT max(length(metric)) FROM evaluate('tv', 'tv_long2')), '<=',
              length('confusion:') + 64 + length('...#2:small_x'),
              'evaluate: the confusion names of 1 MB target values are of bounded length');
CREATE TEMP TABLE tv_spelt AS
SELECT i::float8 AS a, CASE WHEN i % 2 = 0 THEN 'even' ELSE repeat('q', 64) || '...#1' END AS y
FROM generate_series(1, 40) i;
SELECT lives_ok($$SELECT * FROM train_forest('tv_spelt', 'tv_spelt', 'y', ARRAY['a'], n_trees => 2, test_fraction => 0)$$,
                'a model with a class that spells a clipped name');
INSERT INTO tv_spelt VALUES (1, repeat('q', 64) || repeat('a', 1048576));
SELECT results_eq($$SELECT metric FROM evaluate('tv_spelt', 'tv_spelt') WHERE metric LIKE 'confusion:q%' ORDER BY 1$$,
                  $$SELECT format('confusion:%s:%s', l, c)
                    FROM unnest(ARRAY[repeat('q', 64) || '...#1', repeat('q', 64) || '...#2']) l,
                         unnest(ARRAY['even', repeat('q', 64) || '...#1']) c ORDER BY 1$$,
                  'evaluate: a clipped name skips the number that would spell a class');
-- a class => argument that names no class is the caller's text: clipped the same way
SELECT throws_ok($$SELECT predict_proba('tv', t, class => repeat('x', 1048576)) FROM tv t LIMIT 1$$, '22023',
                 format('model "tv" has no class "%s..."', repeat('x', 64)),
                 'predict_proba: a 1 MB class argument is clipped in the message');
SELECT throws_ok($$SELECT count(*) FROM tv t, explain('tv', t, class => repeat('x', 1048576))$$, '22023',
                 format('model "tv" has no class "%s..."', repeat('x', 64)),
                 'explain: a 1 MB class argument is clipped in the message');

SELECT * FROM finish();
ROLLBACK;
