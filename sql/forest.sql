-- Random forests: training, registry, prediction, evaluation, errors.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\i data/uci_student_dropout/load.sql
SET search_path = edupredict, public;
DELETE FROM edupredict.models WHERE name LIKE 'rt\_%';

-- the real data: 4,424 students, 3 classes
SELECT count(*), count(DISTINCT target) FROM edupredict_data.students;

-- train; metrics of the stratified 20% test split are stored with the model.
-- As good as scikit-learn: its 30-tree forest on stratified 80/20 splits of
-- these rows (seeds 1-10) scores accuracy 0.742-0.781 and ROC AUC 0.862-0.887.
-- (sql/model_metrics.sql checks the stored metrics' arithmetic.)
SELECT name, version, task, target, array_length(features, 1) AS n_features, classes, n_rows,
       (metrics->>'n_train')::int AS n_train, (metrics->>'n_test')::int AS n_test,
       (metrics->>'accuracy')::float8 BETWEEN 0.74 AND 0.80 AS accuracy_ok,
       (metrics->>'roc_auc')::float8 BETWEEN 0.86 AND 0.90 AS auc_ok,
       params->>'n_trees' AS n_trees, params->>'mtry' AS mtry, deployed,
       model_bytes > 1000 AS has_model, train_seconds >= 0 AS timed
FROM train_forest('rt_dropout', 'edupredict_data.student_features', 'target', n_trees => 30);

-- predict with a whole row: extra columns (student_id) are ignored
SELECT predict('rt_dropout', s) AS predicted, count(*) > 0 AS seen
FROM edupredict_data.students s GROUP BY 1 ORDER BY 1;
-- probabilities sum to 1 and predict() is their argmax
SELECT bool_and(abs((SELECT sum(x) FROM unnest(predict_proba('rt_dropout', s)) x) - 1) <= 1e-12) AS sums_to_1,
       bool_and(predict('rt_dropout', s) = (model_classes('rt_dropout'))[
         (SELECT i FROM unnest(predict_proba('rt_dropout', s)) WITH ORDINALITY u(x, i) ORDER BY x DESC, i LIMIT 1)]) AS argmax,
       bool_and(predict_proba('rt_dropout', s, 'Enrolled') = (predict_proba('rt_dropout', s))[2]) AS one_class
FROM edupredict_data.students s;
SELECT model_classes('rt_dropout');

-- importances: one row per feature, summing to 1
SELECT count(*), abs(sum(importance) - 1) <= 1e-12 AS sums_to_1, bool_and(importance >= 0) AS nonneg
FROM feature_importance('rt_dropout');
SELECT feature FROM feature_importance('rt_dropout') LIMIT 1;
-- normalised per tree, then averaged (as scikit-learn): a stump's importance
-- is 1 for its one split feature, so ten stumps give multiples of 1/10
SELECT count(*) FROM train_forest('rt_stumps', 'edupredict_data.student_features', 'target',
                                  n_trees => 10, max_depth => 1, max_features => 0.1, test_fraction => 0);
SELECT count(*) FILTER (WHERE importance > 0) AS split_features, abs(sum(importance) - 1) <= 1e-12 AS sums_to_1,
       bool_and(abs(importance * 10 - round(importance * 10)) <= 1e-9) AS tenths
FROM feature_importance('rt_stumps');
DELETE FROM edupredict.models WHERE name = 'rt_stumps';
-- a feature constant in the node counts towards max_features (as in
-- scikit-learn and ranger): of a (strong), b (weaker), c and d (constant),
-- two are drawn per stump, so b splits the stumps that drew it without a
-- (about 5 in 12; scikit-learn's own forest on these rows: 36 of 100); not
-- counting c and d would always draw a and b and always split on a
CREATE TEMP TABLE rt_const AS
SELECT (i * 37 % 101) / 101.0 - 0.5 AS a, (i * 53 % 97) / 97.0 - 0.5 AS b, 1.0 AS c, 0.0 AS d,
       ((i * 37 % 101) / 101.0 - 0.5) + 0.3 * ((i * 53 % 97) / 97.0 - 0.5) > 0 AS y
FROM generate_series(1, 400) i;
SELECT count(*) FROM train_forest('rt_const', 'rt_const', 'y', n_trees => 100, max_depth => 1,
                                  max_features => 0.5, test_fraction => 0);
SELECT string_agg(feature, ',' ORDER BY feature) FILTER (WHERE splits > 0) AS split_features,
       sum(splits) AS stumps, max(splits) FILTER (WHERE feature = 'b') BETWEEN 25 AND 60 AS b_about_5_in_12
FROM feature_importance('rt_const', NULL);
DELETE FROM edupredict.models WHERE name = 'rt_const';
-- more features than one pass of the split search fills (32): with
-- max_features 1.0 a node reads all 40 in two passes, so every stump finds
-- f40, the only feature that decides y, wherever the draw put it
DO $$
BEGIN
  EXECUTE (SELECT format('CREATE TEMP TABLE rt_40 AS SELECT %s, (((i * 7919) %% 101) >= 50) AS y '
                         'FROM generate_series(1, 400) i',
                         string_agg(format('((i * %s + %s) %% 97)::float8 AS f%s', k * 31 + 1, k, k), ', ' ORDER BY k))
           FROM generate_series(1, 39) k);
END $$;
ALTER TABLE rt_40 ADD COLUMN f40 float8;
UPDATE rt_40 SET f40 = CASE WHEN y THEN 1 ELSE -1 END;
SELECT count(*) FROM train_forest('rt_40', 'rt_40', 'y', n_trees => 20, max_depth => 1, max_features => 1.0,
                                  test_fraction => 0);
SELECT feature, splits, importance FROM feature_importance('rt_40', NULL) WHERE splits > 0;
DELETE FROM edupredict.models WHERE name = 'rt_40';
DROP TABLE rt_40;
-- class_weight 'balanced' weighs the rare class up (n / (K n_k)): the
-- shallow forest predicts the least frequent class (Enrolled) more often
SELECT count(*) FROM train_forest('rt_plain', 'edupredict_data.student_features', 'target',
                                  n_trees => 20, max_depth => 4, test_fraction => 0);
SELECT count(*) FROM train_forest('rt_balanced', 'edupredict_data.student_features', 'target',
                                  n_trees => 20, max_depth => 4, test_fraction => 0, class_weight => 'balanced');
SELECT count(*) FILTER (WHERE predict('rt_balanced', s) = 'Enrolled')
       > 2 * count(*) FILTER (WHERE predict('rt_plain', s) = 'Enrolled') AS balanced_favours_enrolled
FROM edupredict_data.students s;
DELETE FROM edupredict.models WHERE name IN ('rt_plain', 'rt_balanced');

-- determinism: the same seed gives the same bytes; another seed does not
SELECT version FROM train_forest('rt_dropout', 'edupredict_data.student_features', 'target', n_trees => 30);
SELECT version FROM train_forest('rt_dropout', 'edupredict_data.student_features', 'target', n_trees => 30, seed => 7);
SELECT (SELECT model FROM models WHERE name = 'rt_dropout' AND version = 1)
     = (SELECT model FROM models WHERE name = 'rt_dropout' AND version = 2) AS same_seed_same_model,
       (SELECT model FROM models WHERE name = 'rt_dropout' AND version = 1)
     = (SELECT model FROM models WHERE name = 'rt_dropout' AND version = 3) AS other_seed_same_model;

-- versions and deploy: predict uses the newest until one is deployed
CREATE FUNCTION pg_temp.fv(s edupredict_data.students) RETURNS float8[] LANGUAGE sql IMMUTABLE AS $$
SELECT ARRAY[s.marital_status, s.application_mode, s.application_order, s.course, s.daytime_evening_attendance,
  s.previous_qualification, s.previous_qualification_grade, s.nacionality, s.mothers_qualification,
  s.fathers_qualification, s.mothers_occupation, s.fathers_occupation, s.admission_grade, s.displaced,
  s.educational_special_needs, s.debtor, s.tuition_fees_up_to_date, s.gender, s.scholarship_holder,
  s.age_at_enrollment, s.international, s.curricular_units_1st_sem_credited, s.curricular_units_1st_sem_enrolled,
  s.curricular_units_1st_sem_evaluations, s.curricular_units_1st_sem_approved, s.curricular_units_1st_sem_grade,
  s.curricular_units_1st_sem_without_evaluations, s.curricular_units_2nd_sem_credited,
  s.curricular_units_2nd_sem_enrolled, s.curricular_units_2nd_sem_evaluations, s.curricular_units_2nd_sem_approved,
  s.curricular_units_2nd_sem_grade, s.curricular_units_2nd_sem_without_evaluations, s.unemployment_rate,
  s.inflation_rate, s.gdp]::float8[] $$;
CREATE FUNCTION pg_temp.agree(v int) RETURNS bigint LANGUAGE sql STABLE AS $$
SELECT count(*) FROM edupredict_data.students s
WHERE predict_proba('rt_dropout', s) = predict_proba((SELECT model FROM edupredict.models
                                                      WHERE name = 'rt_dropout' AND version = v), pg_temp.fv(s)) $$;
SELECT pg_temp.agree(3) AS rows_like_v3, pg_temp.agree(1) = 4424 AS like_v1;
SELECT version, deployed FROM deploy('rt_dropout', 1);
SELECT pg_temp.agree(1) AS rows_like_v1;
SELECT version, deployed FROM models WHERE name = 'rt_dropout' ORDER BY version;
SELECT version, deployed FROM deploy('rt_dropout', 3);
SELECT pg_temp.agree(3) AS rows_like_v3;
-- predict by feature array equals predict by row
SELECT bool_and(predict('rt_dropout', s) = predict('rt_dropout', pg_temp.fv(s))) FROM edupredict_data.students s;

-- evaluate: one row per metric, each in its range (log loss at most -ln(2^-52)
-- = 36.04, its clip), accuracy equal to the share of rows predict() gets right
-- (sql/model_metrics.sql recomputes all of them)
SELECT metric, CASE metric WHEN 'n_rows' THEN value = 4424
                           WHEN 'accuracy' THEN value = (SELECT avg((predict('rt_dropout', s) = s.target)::int::float8)
                                                         FROM edupredict_data.student_features s)
                           WHEN 'log_loss' THEN value > 0 AND value < 36.05
                           ELSE value > 0 AND value <= 1 END AS in_range
FROM evaluate('rt_dropout', 'edupredict_data.student_features') WHERE metric NOT LIKE 'confusion:%';
SELECT count(*) AS cells, sum(value) AS total FROM evaluate('rt_dropout', 'edupredict_data.student_features')
WHERE metric LIKE 'confusion:%';
-- 80% of these rows trained the model (fit almost perfectly), 20% are held
-- out (at least 0.74): 0.8 * 0.99 + 0.2 * 0.74 = 0.94
SELECT value > 0.94 AS fits_its_training_data FROM evaluate('rt_dropout', 'edupredict_data.student_features')
WHERE metric = 'accuracy';

-- missing values (NULL, NaN) and categorical text, unseen category = missing
CREATE TEMP TABLE rt_mixed AS
SELECT i, CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN 'NaN'::float8 ELSE (i % 10)::float8 END AS x,
       (ARRAY['red', 'green', 'blue'])[1 + i % 3] AS colour,
       CASE WHEN i % 13 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
       DATE '2020-01-01' + i AS day,
       CASE WHEN (ARRAY['red', 'green', 'blue'])[1 + i % 3] = 'red' OR i % 10 >= 8 THEN 'yes' ELSE 'no' END AS label
FROM generate_series(1, 600) i;
SELECT task, classes, features FROM train_forest('rt_mixed', 'rt_mixed', 'label', ARRAY['x', 'colour', 'flag', 'day'],
                                                 n_trees => 20, class_weight => 'balanced');
-- rows whose label the features decide (red: yes; green/blue: yes iff x >= 8)
SELECT colour, x, predict('rt_mixed', r) FROM (VALUES (NULL::float8, 'red', NULL::bool, NULL::date, 0),
                                                    ('NaN', 'red', true, DATE '2020-02-01', 1),
                                                    (9, 'green', true, DATE '2020-02-01', 2),
                                                    (2, 'blue', false, DATE '2020-02-01', 3),
                                                    (3, 'purple', false, DATE '2020-03-01', 4)) r(x, colour, flag, day, k)
ORDER BY k;
SELECT bool_and(abs((SELECT sum(v) FROM unnest(predict_proba('rt_mixed', r)) v) - 1) <= 1e-12)
FROM (VALUES (NULL::float8, NULL::text, NULL::bool, NULL::date)) r(x, colour, flag, day);
-- about 15% of the rows have a missing x and a colour other than red, and a
-- fifth of those are 'yes': the best possible accuracy is about 0.97
SELECT (metrics->>'accuracy')::float8 > 0.95 AS learns_categories FROM models WHERE name = 'rt_mixed';
-- a text value longer than 4,096 bytes is no category: training takes its
-- rows as missing and says how many (a NOTICE per feature), and predict()
-- takes the value as missing too; one of 4,096 bytes is a category (here
-- always 'yes')
CREATE TEMP TABLE rt_long AS
SELECT i, x, CASE i % 5 WHEN 0 THEN repeat('r', 4097) WHEN 1 THEN repeat('g', 4096) ELSE colour END AS colour,
       CASE WHEN i % 5 = 1 THEN 'yes' ELSE label END AS label
FROM rt_mixed;
SELECT count(*) FILTER (WHERE octet_length(colour) > 4096) AS too_long FROM rt_long;
SELECT task FROM train_forest('rt_long', 'rt_long', 'label', ARRAY['x', 'colour'], n_trees => 5);
SELECT predict_proba('rt_long', a) = predict_proba('rt_long', b) AS long_value_is_missing,
       predict('rt_long', c) AS category_of_4096_bytes
FROM (VALUES (3::float8, repeat('r', 4097))) a(x, colour), (VALUES (3::float8, NULL::text)) b(x, colour),
     (VALUES (3::float8, repeat('g', 4096))) c(x, colour);
DELETE FROM models WHERE name = 'rt_long';
-- the same without class weights (histograms summed in integers): a missing
-- value is its own bin.  yes iff x is missing (5% of the rows) or x >= 8: the
-- split x <= 7 must send the missing rows right, to the smaller side (a scan
-- blind to them sends them left, where they end up outnumbered by x = 1)
CREATE TEMP TABLE rt_missing AS
SELECT i, CASE WHEN i % 20 = 0 THEN NULL ELSE (1 + i % 9)::float8 END AS x,
       CASE WHEN i % 20 = 0 OR 1 + i % 9 >= 8 THEN 'yes' ELSE 'no' END AS label
FROM generate_series(1, 500) i;
SELECT task, classes FROM train_forest('rt_missing', 'rt_missing', 'label', ARRAY['x'], n_trees => 10);
SELECT x, predict('rt_missing', r) FROM (VALUES (NULL::float8, 0), (9, 1), (3, 2)) r(x, k) ORDER BY k;

-- regression: a float target; integers with more than 50 values are regression too.
-- y = 2a + b + noise in [0, 0.4]: the noise is 1e-5 of the variance, so R^2 > 0.999
CREATE TEMP TABLE rt_reg AS
SELECT i, (i % 100)::float8 AS a, ((i * 7) % 13)::float8 AS b,
       2.0 * (i % 100) + ((i * 7) % 13) + ((i * 31) % 5) / 10.0 AS y, i % 100 AS yi, i % 3 AS c3
FROM generate_series(1, 2000) i;
SELECT task, classes, (metrics->>'r2')::float8 > 0.999 AS r2_ok
FROM train_forest('rt_reg', 'rt_reg', 'y', ARRAY['a', 'b'], n_trees => 20);
SELECT task FROM train_forest('rt_reg_int', 'rt_reg', 'yi', ARRAY['a', 'b'], n_trees => 5);
-- the rows with a = 50, b = 3 have y = 103 + noise in [0, 0.4]; a tree whose
-- bootstrap left out those rows (1 or 2 of 2000) answers with a neighbour's y,
-- 1 or 2 away: over seeds 1-10 the prediction lies in 102.85 .. 104.35
SELECT predict('rt_reg', ARRAY[50, 3]::float8[])::float8 BETWEEN 102.5 AND 104.5 AS close;
SELECT metric, value > 0.999 FROM evaluate('rt_reg', 'rt_reg') WHERE metric = 'r2';
-- integer target with few values: classification
SELECT task, classes FROM train_forest('rt_int', 'rt_reg', 'c3', ARRAY['a'], n_trees => 3, test_fraction => 0);
-- 'auto' counts an integer target's values up to 50: 50 is classification, 51 regression
CREATE TEMP TABLE rt_cut AS SELECT a, yi % 50 AS y50, yi % 51 AS y51 FROM rt_reg;
SELECT (SELECT task FROM train_forest('rt_50', 'rt_cut', 'y50', ARRAY['a'], n_trees => 2, test_fraction => 0)) AS fifty,
       (SELECT task FROM train_forest('rt_51', 'rt_cut', 'y51', ARRAY['a'], n_trees => 2, test_fraction => 0)) AS fifty_one;
-- -0 and +0 are one class, labelled 0, whichever row comes first
CREATE TEMP TABLE rt_zero AS
SELECT i::float8 AS a, CASE WHEN i % 2 = 1 THEN 1 WHEN i < 10 THEN '-0'::float8 ELSE 0 END AS y
FROM generate_series(1, 40) i ORDER BY i;
SELECT task, classes FROM train_forest('rt_zero', 'rt_zero', 'y', task => 'classification', n_trees => 2, test_fraction => 0);
-- a classification of more than 1000 values
CREATE TEMP TABLE rt_many AS SELECT i::float8 AS a, i / 2.0 AS y FROM generate_series(1, 2003) i;
SELECT train_forest('rt_many', 'rt_many', 'y', task => 'classification', n_trees => 2);
-- numeric class values keep their labels when evaluated (1.0 is class "1")
CREATE TEMP TABLE rt_num AS SELECT a, c3::numeric(4, 1) AS c FROM rt_reg;
SELECT task, classes FROM train_forest('rt_num', 'rt_num', 'c', task => 'classification', n_trees => 3);
SELECT metric, round(value::numeric, 4) FROM evaluate('rt_num', 'rt_num') WHERE metric IN ('n_rows', 'accuracy', 'confusion:1:1') ORDER BY 1;

-- identifiers that need quoting are quoted (never executed as SQL)
CREATE TEMP TABLE x (keep int);
CREATE TEMP TABLE "rt weird" ("a; drop table x" float8, "Select" text, "y""q" text);
INSERT INTO "rt weird" SELECT i, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, CASE WHEN i % 4 < 2 THEN 'p' ELSE 'q' END
FROM generate_series(1, 200) i;
SELECT features, classes FROM train_forest('rt_weird', '"rt weird"', 'y"q', n_trees => 5);
SELECT to_regclass('pg_temp.x') IS NOT NULL AS x_still_exists;
SELECT predict('rt_weird', w) FROM "rt weird" w WHERE "a; drop table x" = 2;

-- forest_agg: same model in serial and parallel plans and for any row order
CREATE TABLE rt_agg AS
SELECT pg_temp.fv(s) AS f, target FROM edupredict_data.students s;
ALTER TABLE rt_agg SET (parallel_workers = 2);
SELECT md5(forest_agg(f, target, '{"n_trees": 10, "seed": 3}')) AS serial_md5 FROM rt_agg \gset
SELECT md5(forest_agg(f, target, '{"n_trees": 10, "seed": 3}' ORDER BY f DESC)) = :'serial_md5' AS order_free FROM rt_agg;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT forest_agg(f, target, '{"n_trees": 10, "seed": 3}') FROM rt_agg;
SELECT md5(forest_agg(f, target, '{"n_trees": 10, "seed": 3}')) = :'serial_md5' AS parallel_same FROM rt_agg;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
SELECT predict_proba(m, ARRAY[1, 17, 5, 171, 1, 1, 122, 1, 19, 12, 5, 9, 127.3, 1, 0, 0, 1, 1, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10.8, 1.4, 1.74]::float8[]) IS NOT NULL AS proba,
       predict(m, ARRAY[1, 17, 5, 171, 1, 1, 122, 1, 19, 12, 5, 9, 127.3, 1, 0, 0, 1, 1, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10.8, 1.4, 1.74]::float8[]) AS label
FROM (SELECT forest_agg(f, target, '{"n_trees": 10, "seed": 3}') m FROM rt_agg) q;
-- the features decide the target: every leaf is pure, the prediction exact
SELECT predict(forest_agg(ARRAY[i % 10, i % 3]::float8[], (i % 10) * 1.5 + 0.25, '{"n_trees": 5}'),
               ARRAY[4, 1]::float8[])::float8 = 6.25 AS agg_regression
FROM generate_series(1, 300) i;
DROP TABLE rt_agg;

-- corrupted or hostile model bytes are an error (class 22), never a crash
SELECT model AS m FROM models WHERE name = 'rt_reg' \gset
SELECT predict(decode('', 'hex'), ARRAY[1, 2]::float8[]);
SELECT predict(decode('45445046', 'hex'), ARRAY[1, 2]::float8[]);
SELECT predict(overlay(:'m'::bytea PLACING '\x58'::bytea FROM 1), ARRAY[1, 2]::float8[]);
SELECT predict(overlay(:'m'::bytea PLACING '\x0900'::bytea FROM 5), ARRAY[1, 2]::float8[]);
SELECT predict(substring(:'m'::bytea FROM 1 FOR 200), ARRAY[1, 2]::float8[]);
SELECT predict(overlay(:'m'::bytea PLACING '\xff'::bytea FROM 300), ARRAY[1, 2]::float8[]);
SELECT predict(:'m'::bytea || '\x00'::bytea, ARRAY[1, 2]::float8[]);
SELECT predict(:'m'::bytea, ARRAY[1, 2, 3]::float8[]);
SELECT predict(:'m'::bytea, ARRAY[[1, 2]]::float8[]);
SELECT predict_proba(:'m'::bytea, ARRAY[1, 2]::float8[]);
-- NULL elements are missing values
SELECT predict(:'m'::bytea, ARRAY[NULL, 2]::float8[]) IS NOT NULL AS null_is_missing;

-- errors: every one leaves the registry unchanged
SELECT count(*) AS models_before FROM models \gset
CREATE TEMP TABLE rt_empty (a float8, y text);
CREATE TEMP TABLE rt_nulls AS SELECT i::float8 AS a, NULL::text AS y FROM generate_series(1, 10) i;
CREATE TEMP TABLE rt_one AS SELECT i::float8 AS a, 'same' AS y FROM generate_series(1, 10) i;
SELECT train_forest('rt_e', 'rt_empty', 'y');
SELECT train_forest('rt_e', 'rt_nulls', 'y');
-- a NaN target is skipped as NULL is: only NaN is no row with a target value
-- either, in the words every function that reads a relation uses
CREATE TEMP TABLE rt_nans AS SELECT i::float8 AS a, 'NaN'::float8 AS y FROM generate_series(1, 10) i;
SELECT train_boosting('rt_e', 'rt_nans', 'y', task => 'regression');
SELECT train_forest('rt_e', 'rt_one', 'y');
SELECT train_forest('rt_e', 'rt_one', 'nope');
SELECT train_forest('rt_e', 'rt_one', 'y', ARRAY['a', 'nope']);
SELECT train_forest('rt_e', 'rt_one', 'y', ARRAY['a', 'y']);
SELECT train_forest('rt_e', 'rt_one', 'y', ARRAY['a', 'a']);
-- the other refusals of the arguments every train_* function shares (22023)
SELECT train_forest('', 'rt_one', 'y');
SELECT train_forest('rt_e', 'rt_one', 'y', ARRAY[]::text[]);
CREATE TEMP TABLE rt_target_only AS SELECT 'a'::text AS y;
SELECT train_forest('rt_e', 'rt_target_only', 'y');
SELECT train_forest('rt_e', 'rt_one', 'y', n_trees => 0);
SELECT train_forest('rt_e', 'rt_one', 'y', n_trees => -3);
SELECT train_forest('rt_e', 'rt_one', 'y', sample_fraction => 0);
SELECT train_forest('rt_e', 'rt_one', 'y', sample_fraction => 1.5);
SELECT train_forest('rt_e', 'rt_one', 'y', max_features => 0);
SELECT train_forest('rt_e', 'rt_one', 'y', max_features => 1.01);
SELECT train_forest('rt_e', 'rt_one', 'y', test_fraction => -0.1);
SELECT train_forest('rt_e', 'rt_one', 'y', test_fraction => 1);
SELECT train_forest('rt_e', 'rt_one', 'y', class_weight => 'inverse');
SELECT train_forest('rt_e', 'rt_one', 'y', task => 'clustering');
SELECT train_forest('rt_e', 'rt_one', 'y', task => 'regression');
SELECT train_forest('rt_e', 'rt_one', 'y', max_depth => 0);
SELECT train_forest('rt_e', 'rt_one', 'y', min_samples_leaf => 0);
-- a value over a limit: the message gives the range, not only the sign
SELECT train_forest('rt_e', 'rt_one', 'y', max_depth => 2000000);
SELECT forest_agg(ARRAY[i % 7]::float8[], (i % 2)::float8, '{"min_samples_leaf": 3000000000}') FROM generate_series(1, 20) i;
SELECT train_forest(NULL, 'rt_one', 'y');
SELECT train_forest('rt_e', 'no_such_table', 'y');
DO $$ BEGIN
  EXECUTE 'CREATE TEMP TABLE rt_wide (' ||
    (SELECT string_agg(format('c%s float8', i), ', ') FROM generate_series(1, 1001) i) || ', y text)';
  EXECUTE 'INSERT INTO rt_wide (c1, y) VALUES (1, ''a''), (2, ''b'')';
END $$;
SELECT train_forest('rt_e', 'rt_wide', 'y');
-- statement_timeout cancels a long training
SET statement_timeout = '300ms';
SELECT train_forest('rt_e', 'edupredict_data.student_features', 'target', n_trees => 10000);
RESET statement_timeout;
SELECT count(*) = :models_before AS registry_unchanged FROM models;

-- prediction errors
SELECT predict('rt_no_such_model', ARRAY[1]::float8[]);
SELECT predict('rt_reg', r) FROM (VALUES (1.0)) r(a);
SELECT predict('rt_mixed', r) FROM (VALUES ('x'::text, 'red'::text, true, DATE '2020-01-01')) r(x, colour, flag, day);
SELECT predict_proba('rt_reg', ARRAY[1, 2]::float8[]);
SELECT predict_proba('rt_dropout', s, 'Unknown') FROM edupredict_data.students s LIMIT 1;
SELECT deploy('rt_dropout', 99);
SELECT deploy('rt_nobody', 1);
SELECT evaluate('rt_no_such_model', 'rt_reg');
SELECT * FROM evaluate('rt_reg', 'rt_one');

-- forest_agg params must be the same in every row: the first row deciding
-- would make the model depend on row order
SELECT forest_agg(ARRAY[i % 7]::float8[], (i % 2)::float8,
                  CASE WHEN i = 1 THEN '{"n_trees": 50}'::jsonb ELSE '{"n_trees": 2}'::jsonb END)
FROM generate_series(1, 100) i;
SELECT forest_agg(ARRAY[i % 7]::float8[], (i % 2)::float8,
                  CASE WHEN i = 1 THEN NULL ELSE '{"n_trees": 2}'::jsonb END)
FROM generate_series(1, 100) i;

-- The final functions of forest_agg and boost_agg train on the state's rows
-- and free them (FINALFUNC_MODIFY = READ_WRITE).  An aggregate a superuser
-- builds from them without that may finish one state twice: as a window
-- aggregate (the next rows are added to the finished state), or sharing it
-- with another aggregate (same arguments and transition function).  A
-- finished state is refused (55000), never read again.
CREATE AGGREGATE pg_temp.forest_ro(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trans, STYPE = internal,
  FINALFUNC = edupredict.forest_agg_final);
CREATE AGGREGATE pg_temp.boost_ro(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trans, STYPE = internal,
  FINALFUNC = edupredict.boost_agg_final);
SELECT pg_temp.forest_ro(ARRAY[i % 7]::float8[], (i % 7) * 1.5, '{"n_trees": 2, "task": "regression"}')
       = forest_agg(ARRAY[i % 7]::float8[], (i % 7) * 1.5, '{"n_trees": 2, "task": "regression"}') AS one_final_call
FROM generate_series(1, 100) i;
SELECT pg_temp.forest_ro(ARRAY[i % 7]::float8[], (i % 7) * 1.5, '{"task": "regression"}') IS NOT NULL AS forest,
       pg_temp.boost_ro(ARRAY[i % 7]::float8[], (i % 7) * 1.5, '{"task": "regression"}') IS NOT NULL AS boosted
FROM generate_series(1, 100) i;
SELECT i, pg_temp.forest_ro(ARRAY[i % 7]::float8[], (i % 7) * 1.5, '{"n_trees": 2, "task": "regression"}')
            OVER (ORDER BY i / 50) IS NOT NULL AS trained
FROM generate_series(1, 100) i;

-- the training memory cap protects the server: only superusers change it
CREATE ROLE regress_forest_analyst;
SET ROLE regress_forest_analyst;
SET edupredict.forest_max_memory = '100GB';
RESET ROLE;
DROP ROLE regress_forest_analyst;

-- the model cache follows every row version, even two updates in one
-- transaction (same xmin, new ctid)
CREATE TEMP TABLE rt_cache AS SELECT x::float8 AS x, CASE WHEN x < 5 THEN 'lo' ELSE 'hi' END AS y
FROM generate_series(0, 9) x;
SELECT name FROM train_forest('rt_cache_a', 'rt_cache', 'y', n_trees => 5, test_fraction => 0);
UPDATE rt_cache SET y = CASE WHEN y = 'lo' THEN 'hi' ELSE 'lo' END;
SELECT name FROM train_forest('rt_cache_b', 'rt_cache', 'y', n_trees => 5, test_fraction => 0);
BEGIN;
SELECT predict('rt_cache_a', ARRAY[1]::float8[]) AS a_before;
UPDATE models SET model = (SELECT model FROM models WHERE name = 'rt_cache_b') WHERE name = 'rt_cache_a';
SELECT predict('rt_cache_a', ARRAY[1]::float8[]) AS a_with_b_model;
ROLLBACK;
BEGIN;
CREATE TEMP TABLE rt_cache_models AS SELECT name, model FROM models WHERE name LIKE 'rt_cache_%';
UPDATE models SET model = (SELECT model FROM rt_cache_models WHERE name = 'rt_cache_b') WHERE name = 'rt_cache_a';
SELECT predict('rt_cache_a', ARRAY[1]::float8[]) AS first_update;
UPDATE models SET model = (SELECT model FROM rt_cache_models WHERE name = 'rt_cache_a') WHERE name = 'rt_cache_a';
SELECT predict('rt_cache_a', ARRAY[1]::float8[]) AS second_update_same_xmin;
ROLLBACK;

-- the registry is kept by pg_dump
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) AS u(cfg) JOIN pg_class c ON c.oid = u.cfg
WHERE e.extname = 'edupredict' AND c.relname LIKE 'models%' ORDER BY 1;

DELETE FROM edupredict.models WHERE name LIKE 'rt\_%';
