-- forest_agg / boost_agg with a group key (4th argument): boosting's validation rows and a
-- forest's calibration folds are whole groups, as train_*(group_by) keeps them (docs/forest.md,
-- docs/boosting.md).  gs is test/pgtap/group_split.sql's table: 100 schools of 6 to 12 pupils,
-- gx one value per school, y a coin per school, label the school's own class, so the schools none
-- of whose pupils get their label from a model are exactly the schools it never fitted.
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(21);
SET LOCAL search_path = public, edupredict;

CREATE TABLE gs AS
SELECT i AS id, 's' || lpad(g::text, 3, '0') AS school,
       ('x' || substr(md5('gx' || g), 1, 6))::bit(24)::int / 16777216.0::float8 AS gx,
       CASE WHEN substr(md5('y' || g), 1, 1) < '8' THEN 'a' ELSE 'b' END AS y,
       'L' || g AS label
FROM generate_series(1, 100) g, generate_series(1, 6 + g % 7) k,
     LATERAL (SELECT g * 100 + k AS i) r;

-- Schools none of whose pupils get their own label from model m, and their pupils.
CREATE FUNCTION pg_temp.unseen(m bytea, OUT schools bigint, OUT pupils bigint) LANGUAGE sql AS $$
SELECT count(*), coalesce(sum(n), 0)
FROM (SELECT school, count(*) AS n, count(*) FILTER (WHERE edupredict.predict(m, ARRAY[t.gx]) = t.label) AS hit
      FROM gs t GROUP BY school) s
WHERE hit = 0$$;

-- boosting's validation rows (validation_fraction) are whole schools: the schools never
-- labelled are the validation schools, as train_boosting(group_by)'s n_validation_groups
CREATE TABLE boost AS
SELECT boost_agg(ARRAY[gx], label, '{"n_rounds": 15, "max_depth": 3, "learning_rate": 0.5, "seed": 5,
                                     "validation_fraction": 0.25}', school) AS grp,
       boost_agg(ARRAY[gx], label, '{"n_rounds": 15, "max_depth": 3, "learning_rate": 0.5, "seed": 5,
                                     "validation_fraction": 0.25}') AS rows_split,
       boost_agg(ARRAY[gx], label, '{"n_rounds": 15, "max_depth": 3, "learning_rate": 0.5, "seed": 5,
                                     "validation_fraction": 0.25}', school ORDER BY id DESC) AS grp_rev
FROM gs;
CREATE TABLE val AS
SELECT (metrics->>'n_validation_groups')::bigint AS schools, version
FROM train_boosting('ag_b_val', 'gs', 'label', ARRAY['gx'], n_rounds => 15, max_depth => 3, learning_rate => 0.5,
                    seed => 5, test_fraction => 0, validation_fraction => 0.25, group_by => 'school');
-- the aggregate's model is train_boosting(group_by)'s for the same rows and params
SELECT is((SELECT md5(boost_agg(ARRAY[gx], label, '{"n_rounds": 15, "max_depth": 3, "learning_rate": 0.5, "seed": 5,
                                                   "validation_fraction": 0.25, "feature_names": ["gx"]}', school)) FROM gs),
          (SELECT md5(model) FROM edupredict.models WHERE name = 'ag_b_val'),
          'boost_agg with a group key: the bytes of train_boosting(group_by, test_fraction => 0)');
SELECT ok((SELECT schools > 0 FROM pg_temp.unseen((SELECT grp FROM boost))),
          'boost_agg with a group key: some schools are never labelled (its validation schools)');
SELECT is((SELECT schools FROM pg_temp.unseen((SELECT grp FROM boost))), (SELECT schools FROM val),
          'boost_agg: the schools never labelled are train_boosting(group_by)''s n_validation_groups');
SELECT ok((SELECT pupils >= 0.25 * (SELECT count(*) FROM gs) FROM pg_temp.unseen((SELECT grp FROM boost))),
          'boost_agg: the validation schools hold at least validation_fraction of the rows');
SELECT is((SELECT schools FROM pg_temp.unseen((SELECT rows_split FROM boost))), 0::bigint,
          'boost_agg without a group key: the validation split is by rows, every school has pupils fitted');
SELECT is((SELECT md5(grp_rev) FROM boost), (SELECT md5(grp) FROM boost),
          'boost_agg with a group key: the same bytes for the reversed row order');

-- without a validation split the key changes nothing: the 3-argument model, byte for byte
SELECT is((SELECT md5(boost_agg(ARRAY[gx], y, '{"n_rounds": 10, "seed": 2}', school)) FROM gs),
          (SELECT md5(boost_agg(ARRAY[gx], y, '{"n_rounds": 10, "seed": 2}')) FROM gs),
          'boost_agg: a group key without validation rows gives the 3-argument model');
SELECT is((SELECT md5(forest_agg(ARRAY[gx], y, '{"n_trees": 5, "seed": 2}', school)) FROM gs),
          (SELECT md5(forest_agg(ARRAY[gx], y, '{"n_trees": 5, "seed": 2}')) FROM gs),
          'forest_agg: a group key without calibration gives the 3-argument model');

-- a forest's cross-fitted calibration: folds of whole schools flatten what folds of rows keep
-- spread (group_split.sql's train_forest case)
CREATE TABLE cal AS
SELECT forest_agg(ARRAY[gx], y, '{"n_trees": 20, "seed": 7, "calibration": "sigmoid", "calibration_folds": 5}', school) AS grp,
       forest_agg(ARRAY[gx], y, '{"n_trees": 20, "seed": 7, "calibration": "sigmoid", "calibration_folds": 5}') AS rows_folds,
       forest_agg(ARRAY[gx], y, '{"n_trees": 20, "seed": 7, "calibration": "sigmoid", "calibration_folds": 5}', school
                  ORDER BY id DESC) AS grp_rev
FROM gs;
CREATE TABLE fcal AS
SELECT version FROM train_forest('ag_f_cal', 'gs', 'y', ARRAY['gx'], n_trees => 20, seed => 7, test_fraction => 0,
                                 calibration => 'sigmoid', calibration_folds => 5, group_by => 'school');
SELECT is((SELECT md5(forest_agg(ARRAY[gx], y, '{"n_trees": 20, "seed": 7, "calibration": "sigmoid", "calibration_folds": 5,
                                                 "feature_names": ["gx"]}', school)) FROM gs),
          (SELECT md5(model) FROM edupredict.models WHERE name = 'ag_f_cal'),
          'forest_agg with a group key: the bytes of train_forest(group_by, test_fraction => 0)');
SELECT ok((SELECT stddev((predict_proba(c.grp, ARRAY[t.gx]))[2]) * 2 < stddev((predict_proba(c.rows_folds, ARRAY[t.gx]))[2])
           FROM gs t, cal c),
          'forest_agg with a group key: calibration folds of whole schools flatten what folds of rows keep spread');
SELECT is((SELECT md5(grp_rev) FROM cal), (SELECT md5(grp) FROM cal),
          'forest_agg with a group key: the same bytes for the reversed row order');
SELECT is((SELECT md5(forest_agg(ARRAY[gx], y::text, '{"n_trees": 20, "seed": 7, "calibration": "sigmoid", "calibration_folds": 5}', school))
           FROM gs),
          (SELECT md5(grp) FROM cal), 'forest_agg: the text-target form with a group key');
SELECT isnt((SELECT md5(forest_agg(ARRAY[gx], y, '{"n_trees": 20, "seed": 7, "calibration": "sigmoid", "calibration_folds": 5}',
                                   'k' || id % 7)) FROM gs),
            (SELECT md5(grp) FROM cal), 'forest_agg: other group keys, other calibration folds');

-- refusals, as train_*(group_by)'s, naming the aggregate's group_key argument (its caller has no group_by column)
SELECT throws_ok($$SELECT boost_agg(ARRAY[gx], y, '{"n_rounds": 5}', CASE WHEN id % 50 = 3 THEN NULL ELSE school END) FROM gs$$,
                 '22004', 'boost_agg group_key is NULL in some rows', 'boost_agg: a NULL group key: 22004');
SELECT throws_ok($$SELECT forest_agg(ARRAY[gx], label, '{"n_trees": 5}', CASE WHEN id % 50 = 3 THEN NULL ELSE school END) FROM gs$$,
                 '22004', 'forest_agg group_key is NULL in some rows', 'forest_agg: a NULL group key, without calibration too: 22004');
SELECT lives_ok($$SELECT forest_agg(ARRAY[gx], CASE WHEN id % 50 = 3 THEN NULL ELSE y END, '{"n_trees": 5}',
                                    CASE WHEN id % 50 = 3 THEN NULL ELSE school END) FROM gs$$,
                'rows without a target are skipped, their key unread (train_* reads no such row)');
SELECT throws_ok($$SELECT forest_agg(ARRAY[gx], y, '{"n_trees": 5, "calibration": "isotonic"}', school) FROM gs$$, '22023',
                 'out-of-bag calibration cannot keep the groups of the group_key argument of forest_agg apart',
                 'forest_agg: out-of-bag calibration with a group key: 22023');
SELECT throws_ok($$SELECT forest_agg(ARRAY[gx], y, '{"n_trees": 5, "calibration": "sigmoid", "calibration_folds": 3}', 'p' || id % 2) FROM gs$$,
                 '22023', 'the group_key argument of forest_agg has 2 distinct values in the training rows, fewer than the 3 calibration_folds',
                 'forest_agg: fewer groups than calibration_folds: 22023');
SELECT throws_ok($$SELECT boost_agg(ARRAY[gx], y, '{"n_rounds": 5, "validation_fraction": 0.2}', 'one') FROM gs$$,
                 '22023', 'too few groups of the group_key argument of boost_agg in the training rows for a validation split of 0.2',
                 'boost_agg: one group, no validation split by groups: 22023');

-- params are refused at the row that stores them, before any other row is read: the second row
-- divides by zero (test/pgtap/model_errors.sql has the 3-argument forms)
CREATE TEMP VIEW row2_fails AS
SELECT ARRAY[i::float8] AS f, CASE WHEN i = 2 THEN 1 / (i - 2) ELSE i END AS y, 'g' || i AS g
FROM generate_series(1, 3) i;
SELECT throws_ok($$SELECT forest_agg(f, y::float8, '{"n_tres": 100}', g) FROM row2_fails$$,
                 '22023', 'unknown key "n_tres" in params', 'forest_agg with group_key: an unknown key, refused at the first row');
SELECT throws_ok($$SELECT boost_agg(f, y::text, '{"n_rounds": 0}', g) FROM row2_fails$$,
                 '22023', 'n_rounds must be between 1 and 10000', 'boost_agg text target with group_key: a range, refused at the first row');
SELECT * FROM finish();
ROLLBACK;
