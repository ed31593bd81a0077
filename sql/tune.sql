SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Choosing a model (issue 12): cross_validate() with stratified, random, group and time folds,
-- tune() with random, grid and halving search, the run log and the leaderboard.
-- The folds are checked by what they do on generated data where a leaking split scores visibly
-- better: a group split that let a group into both sides of a fold, or time folds that trained on
-- rows later than their test block, would score near 1 where the right folds cannot.
-- One transaction, rolled back at the end (errors roll back to the statement before them).
BEGIN;
\set ON_ERROR_ROLLBACK on
\set ECHO none
SET client_min_messages = warning;
\i data/uci_student_dropout/load.sql
RESET client_min_messages;
\set ECHO all
SET search_path = public, edupredict;

-- Groups: 80 schools of 10 to 40 pupils.  The label is the school's (random) and so is z: a model
-- can only learn which school is which, which is worth nothing for a school it has not seen.
CREATE TABLE tg AS
SELECT g AS school, (('x' || substr(md5('z' || g), 1, 7))::bit(28)::int % 1000) / 1000.0 AS z,
       ((('x' || substr(md5('n' || g || '.' || i), 1, 7))::bit(28)::int) % 100) / 100.0 AS noise,
       (('x' || substr(md5('y' || g), 1, 7))::bit(28)::int % 2) AS y
FROM generate_series(1, 80) g, generate_series(1, 10 + 5 * (g % 7)) i;
-- a split that ignores the schools memorises them; group folds keep every school on one side
SELECT round(value::numeric, 2) > 0.95 AS random_split_memorises
FROM cross_validate('forest', 'tg', 'y', ARRAY['z', 'noise'], '{"n_trees": 20}', split => 'random')
WHERE fold IS NULL AND metric = 'roc_auc';
SELECT round(value::numeric, 2) < 0.70 AS group_split_does_not
FROM cross_validate('forest', 'tg', 'y', ARRAY['z', 'noise'], '{"n_trees": 20}', split => 'group', group_by => 'school')
WHERE fold IS NULL AND metric = 'roc_auc';
-- a group is a value, not its text: numeric 1.0 and 1.00 (and float -0 and 0) are one group, so
-- 3 values make at most 3 group folds and each value stays on one side
CREATE TABLE tg_num AS
SELECT (CASE WHEN i % 2 = 0 THEN (i % 3) || '.0' ELSE (i % 3) || '.00' END)::numeric AS g,
       CASE WHEN i % 3 = 0 AND i % 2 = 0 THEN '-0'::float8 ELSE (i % 3)::float8 END AS gf,
       (i % 7)::float8 AS a, (i % 5 = 0)::int AS y
FROM generate_series(1, 120) i;
SELECT fold, value AS n_test FROM cross_validate('forest', 'tg_num', 'y', ARRAY['a'], '{"n_trees": 2}',
       split => 'group', group_by => 'g', folds => 3) WHERE metric = 'n_test' ORDER BY fold;
SELECT * FROM cross_validate('forest', 'tg_num', 'y', ARRAY['a'], split => 'group', group_by => 'g', folds => 4);
SELECT * FROM cross_validate('forest', 'tg_num', 'y', ARRAY['a'], split => 'group', group_by => 'gf', folds => 4);
-- group folds are balanced by rows, whole schools at a time
SELECT fold, value AS n_test FROM cross_validate('forest', 'tg', 'y', ARRAY['z', 'noise'], '{"n_trees": 2}',
       split => 'group', group_by => 'school') WHERE metric = 'n_test' ORDER BY fold;

-- Time: 12 years of 100 pupils; until 2001 y = (x > 0.5), from 2002 on y = (x < 0.5), and the year is
-- a feature.  Fold 1 trains on 2000-2001 and tests 2002-2003: it must get them backwards.  Trained
-- on any later row it would learn the new rule.
CREATE TABLE tt AS
SELECT 2000 + (i % 12) AS yr, ((('x' || substr(md5('t' || i), 1, 7))::bit(28)::int) % 1000) / 1000.0 AS x,
       CASE WHEN 2000 + (i % 12) < 2002 THEN ((('x' || substr(md5('t' || i), 1, 7))::bit(28)::int) % 1000) >= 500
            ELSE ((('x' || substr(md5('t' || i), 1, 7))::bit(28)::int) % 1000) < 500 END::int AS y
FROM generate_series(0, 1199) i;
SELECT fold, max(value) FILTER (WHERE metric = 'n_train') AS n_train, max(value) FILTER (WHERE metric = 'n_test') AS n_test,
       round(max(value) FILTER (WHERE metric = 'roc_auc')::numeric, 2) AS auc
FROM cross_validate('forest', 'tt', 'y', ARRAY['yr', 'x'], '{"n_trees": 20}', split => 'time', order_by => 'yr')
GROUP BY fold ORDER BY fold;
-- gap: one year left out before each test block
SELECT fold, value AS n_train FROM cross_validate('forest', 'tt', 'y', ARRAY['yr', 'x'], '{"n_trees": 2}',
       split => 'time', order_by => 'yr', gap => 1) WHERE metric = 'n_train' ORDER BY fold;
SELECT round(value::numeric, 2) > 0.95 AS random_split_sees_the_future
FROM cross_validate('forest', 'tt', 'y', ARRAY['yr', 'x'], '{"n_trees": 20}', split => 'random')
WHERE fold IS NULL AND metric = 'roc_auc';
-- order_by may be a date or a school_term as well as a number
CREATE TABLE tt_dates AS SELECT make_date(yr, 3, 1) AS day, (yr || ' Spring')::school_term AS term, x, y FROM tt;
SELECT count(*) AS same_folds FROM
  (SELECT fold, metric, value FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'yr')) a
  JOIN (SELECT fold, metric, value FROM cross_validate('forest', 'tt_dates', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'day')) b USING (fold, metric, value)
  JOIN (SELECT fold, metric, value FROM cross_validate('forest', 'tt_dates', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'term')) c USING (fold, metric, value);
-- order_by values are compared as the column's own type, never as float8: bigints next to 2^53,
-- numerics 1e-20 apart and timestamps a microsecond apart in the year 3000 are 12 distinct values
-- each (as float8 they would merge), so each makes the folds of the 12 years
CREATE TABLE tt_exact AS
SELECT 9007199254740990 + (yr - 2000) AS big, 1 + (yr - 2000) * 1e-20 AS num,
       '3000-01-01'::timestamp + (yr - 2000) * interval '1 microsecond' AS ts, x, y FROM tt;
SELECT fold, max(value) FILTER (WHERE metric = 'n_train') AS n_train, max(value) FILTER (WHERE metric = 'n_test') AS n_test
FROM cross_validate('forest', 'tt_exact', 'y', ARRAY['x'], '{"n_trees": 2}', split => 'time', order_by => 'big', folds => 3)
WHERE fold IS NOT NULL GROUP BY fold ORDER BY fold;
SELECT count(*) AS same_folds FROM
  (SELECT fold, metric, value FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'yr')) a
  JOIN (SELECT fold, metric, value FROM cross_validate('forest', 'tt_exact', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'big')) b USING (fold, metric, value);
SELECT count(*) AS same_folds FROM
  (SELECT fold, metric, value FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'yr')) a
  JOIN (SELECT fold, metric, value FROM cross_validate('forest', 'tt_exact', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'num')) b USING (fold, metric, value);
SELECT count(*) AS same_folds FROM
  (SELECT fold, metric, value FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'yr')) a
  JOIN (SELECT fold, metric, value FROM cross_validate('forest', 'tt_exact', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time', order_by => 'ts')) b USING (fold, metric, value);

-- A fold's model is the model train_forest makes from exactly that fold's training rows, with
-- codebooks and bins from those rows alone: fold 1 of the time split scores as a forest trained on
-- 2000-2001 and evaluated on 2002-2003.
CREATE VIEW tt_train1 AS SELECT yr, x, y FROM tt WHERE yr < 2002;
CREATE VIEW tt_test1 AS SELECT yr, x, y FROM tt WHERE yr IN (2002, 2003);
SELECT version FROM train_forest('tune_fold1', 'tt_train1', 'y', ARRAY['yr', 'x'], n_trees => 20, test_fraction => 0);
SELECT a.metric, round(a.value::numeric, 10) = round(b.value::numeric, 10) AS same
FROM (SELECT metric, value FROM cross_validate('forest', 'tt', 'y', ARRAY['yr', 'x'], '{"n_trees": 20}', split => 'time', order_by => 'yr') WHERE fold = 1) a
JOIN evaluate('tune_fold1', 'tt_test1') b USING (metric) ORDER BY 1;
-- and likewise for boosting (with row subsampling)
SELECT version FROM train_boosting('tune_fold1_boost', 'tt_train1', 'y', ARRAY['yr', 'x'], n_rounds => 20, subsample => 0.8, test_fraction => 0);
SELECT a.metric, round(a.value::numeric, 10) = round(b.value::numeric, 10) AS same
FROM (SELECT metric, value FROM cross_validate('boosting', 'tt', 'y', ARRAY['yr', 'x'], '{"n_rounds": 20, "subsample": 0.8}', split => 'time', order_by => 'yr') WHERE fold = 1) a
JOIN evaluate('tune_fold1_boost', 'tt_test1') b USING (metric) ORDER BY 1;

-- Stratified folds: each class dealt in turn, so folds differ by one row at most
SELECT fold, value AS n_test FROM cross_validate('boosting', 'edupredict_data.student_features', 'target',
       params => '{"n_rounds": 2}') WHERE metric = 'n_test' ORDER BY fold;
-- a regression target: folds of similar target distributions
SELECT fold, metric, round(value::numeric, 3) AS value, round(sd::numeric, 3) AS sd
FROM cross_validate('boosting', 'tt', 'x', ARRAY['yr', 'y'], '{"n_rounds": 20}', folds => 3)
WHERE fold IS NULL ORDER BY metric;

-- CV estimate against a hold-out: on the UCI training students, the 5-fold mean accuracy is within
-- 0.02 of the accuracy on the held-out fifth of a forest trained on all of them.
CREATE VIEW students_train AS SELECT s.* FROM edupredict_data.students s WHERE s.student_id % 5 <> 0;
CREATE VIEW students_holdout AS SELECT s.* FROM edupredict_data.students s WHERE s.student_id % 5 = 0;
CREATE TEMP TABLE uci_features AS
SELECT array_agg(attname::text ORDER BY attnum) AS f FROM pg_attribute
WHERE attrelid = 'edupredict_data.student_features'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'target';
CREATE TEMP TABLE uci_cv AS
SELECT value AS cv_accuracy FROM cross_validate('forest', 'students_train', 'target', (SELECT f FROM uci_features))
WHERE fold IS NULL AND metric = 'accuracy';
SELECT version FROM train_forest('tune_uci', 'students_train', 'target', (SELECT f FROM uci_features), test_fraction => 0);
SELECT abs(c.cv_accuracy - e.value) < 0.02 AS cv_within_002_of_holdout
FROM uci_cv c, evaluate('tune_uci', 'students_holdout') e WHERE e.metric = 'accuracy';

-- tune(): random search with a NOTICE per trial
SELECT version, cv_metric, round(cv_score::numeric, 4) AS cv_score, evaluations, deployed,
       best_params->'max_depth' AS max_depth, best_params->'min_samples_leaf' AS min_samples_leaf
FROM tune('tune_dropout', 'forest', 'edupredict_data.student_features', 'target',
          '{"max_depth": [3, 12], "min_samples_leaf": [1, 5, 25], "max_features": {"range": [0.2, 0.8]}}',
          trials => 4, params => '{"n_trees": 20}', folds => 3);
SET client_min_messages = warning;
-- the registered version carries its CV score; its bytes are train_forest's with the best parameters
SELECT m.version, m.algorithm, round((m.metrics->'cv'->'scores'->'mean'->>'roc_auc')::numeric, 4) AS cv_auc,
       m.metrics->>'n_test' AS n_test, m.n_rows
FROM models m WHERE m.name = 'tune_dropout';
CREATE TEMP TABLE best AS SELECT params FROM runs WHERE kind = 'tune' AND model_name = 'tune_dropout';
SELECT version FROM train_forest('tune_dropout_by_hand', 'edupredict_data.student_features', 'target', n_trees => 20,
       max_depth => (SELECT (params->>'max_depth')::int FROM best),
       min_samples_leaf => (SELECT (params->>'min_samples_leaf')::int FROM best),
       max_features => (SELECT (params->>'max_features')::float8 FROM best), test_fraction => 0);
SELECT md5(a.model) = md5(b.model) AS refit_is_train_forest
FROM models a, models b WHERE a.name = 'tune_dropout' AND b.name = 'tune_dropout_by_hand';

-- the run log: the job, its trials, the refit; one fingerprint for the same rows
SELECT kind, count(*), count(DISTINCT fingerprint) AS fingerprints, min(n_rows) AS n_rows,
       bool_and(duration_s > 0) AS timed, bool_and(peak_bytes > 0) AS measured,
       bool_and(owner = current_user::regrole) AS owned, count(model_version) AS with_version
FROM runs WHERE model_name = 'tune_dropout' GROUP BY kind ORDER BY kind;
SELECT count(*) = 4 AS trials_under_the_job FROM runs t JOIN runs j ON j.id = t.parent_id
WHERE t.kind = 'trial' AND j.kind = 'tune' AND j.model_name = 'tune_dropout';
SELECT jsonb_array_length(metrics->'cv'->'folds') AS folds, metrics->'cv'->'mean' ? 'roc_auc' AS has_mean,
       folds->>'split' AS split, source
FROM runs WHERE kind = 'trial' AND model_name = 'tune_dropout' ORDER BY id LIMIT 1;
-- the leaderboard ranks the trials, best first; the registered set is rank 1
SELECT rank, kind, model_version FROM leaderboard('tune_dropout') ORDER BY rank, run_id;
SELECT (SELECT score FROM leaderboard('tune_dropout') WHERE rank = 1) =
       (SELECT cv_score FROM (SELECT score AS cv_score FROM runs WHERE kind = 'tune' AND model_name = 'tune_dropout') x) AS best_is_registered;
-- train_* log a run too, with the rows' fingerprint (the same rows as the tuning above)
SELECT kind, model_version, n_rows, fingerprint = (SELECT fingerprint FROM runs WHERE kind = 'tune' AND model_name = 'tune_dropout') AS same_rows
FROM runs WHERE model_name = 'tune_dropout_by_hand';
-- cross_validate logs one row per call
SELECT count(*) > 0 AS logged FROM runs WHERE kind = 'cv' AND model_name IS NULL AND source = 'public.tg';
-- the fingerprint is the rows', not their order: the same rows in another order give the same
-- fingerprint (and the same folds and scores); one changed value gives another
CREATE TABLE tf_rows AS SELECT yr, x, y FROM tt;
CREATE TABLE tf_reversed AS SELECT yr, x, y FROM tt ORDER BY yr DESC, x DESC;
CREATE TABLE tf_changed AS SELECT yr, CASE WHEN x = (SELECT max(x) FROM tt) THEN -1 ELSE x END AS x, y FROM tt;
CREATE TEMP TABLE tf_scores AS
SELECT t AS source, c.fold, c.metric, c.value
FROM unnest(ARRAY['tf_rows', 'tf_reversed', 'tf_changed']) t,
     LATERAL cross_validate('forest', t::regclass, 'y', ARRAY['yr', 'x'], '{"n_trees": 3}', folds => 3) c;
SELECT source, n_rows, fingerprint = (SELECT fingerprint FROM runs WHERE source = 'public.tf_rows') AS same_fingerprint
FROM runs WHERE source LIKE 'public.tf\_%' ORDER BY id;
SELECT count(*) AS scores, count(*) FILTER (WHERE a.value IS NOT DISTINCT FROM b.value) AS equal
FROM tf_scores a JOIN tf_scores b USING (fold, metric) WHERE a.source = 'tf_rows' AND b.source = 'tf_reversed';
-- ... and no sum of the rows' hashes: two sets one part apart would differ by that part's
-- fingerprint, giving a grantee who sees both the rows added (tf_rows = tf_low + tf_high)
CREATE TABLE tf_low AS SELECT * FROM tf_rows WHERE yr < 2006;
CREATE TABLE tf_high AS SELECT * FROM tf_rows WHERE yr >= 2006;
SELECT count(*) FROM unnest(ARRAY['tf_low', 'tf_high']) t,
     LATERAL cross_validate('forest', t::regclass, 'y', ARRAY['yr', 'x'], '{"n_trees": 3}', folds => 2) c;
CREATE FUNCTION pg_temp.u64(h text) RETURNS numeric LANGUAGE sql AS $$
  SELECT ('x' || h)::bit(64)::bigint::numeric + CASE WHEN ('x' || h)::bit(64)::bigint < 0 THEN 18446744073709551616 ELSE 0 END $$;
SELECT (pg_temp.u64(l.fingerprint) + pg_temp.u64(h.fingerprint)) % 18446744073709551616 = pg_temp.u64(a.fingerprint) AS additive
FROM runs l, runs h, runs a
WHERE l.source = 'public.tf_low' AND h.source = 'public.tf_high' AND a.source = 'public.tf_rows';

-- deploy => 'if_better': the deployed version is scored on the same folds first
SELECT version FROM deploy('tune_dropout', 1);
SELECT version, baseline_version, round(baseline_score::numeric, 4) AS baseline_score, deployed,
       (cv_score > baseline_score) = deployed AS deployed_iff_better
FROM tune('tune_dropout', 'forest', 'edupredict_data.student_features', 'target',
          '{"max_depth": [2, 3]}', trials => 2, params => '{"n_trees": 20}', folds => 3, deploy => 'if_better');
SELECT version, deployed FROM models WHERE name = 'tune_dropout' ORDER BY version;
SELECT kind, model_version, metrics->'baseline' AS baseline, parent_id IS NOT NULL AS under_the_job
FROM runs WHERE model_name = 'tune_dropout' AND kind = 'cv';
SELECT version, deployed FROM tune('tune_dropout', 'forest', 'edupredict_data.student_features', 'target',
          '{"max_depth": [8, 10]}', trials => 2, params => '{"n_trees": 20}', folds => 3, deploy => 'if_better');
SELECT version FROM models WHERE name = 'tune_dropout' AND deployed;
-- only with a deployed version that learnt the same target from the same features (else 22023)
SELECT version FROM deploy('tune_fold1', 1);
SELECT * FROM tune('tune_fold1', 'forest', 'tt', 'y', '{"max_depth": [2, 3]}', trials => 2, features => ARRAY['x'],
                   params => '{"n_trees": 2}', folds => 3, deploy => 'if_better');
SELECT * FROM tune('tune_fold1', 'forest', 'tt', 'x', '{"max_depth": [2, 3]}', trials => 2, features => ARRAY['yr', 'y'],
                   params => '{"n_trees": 2}', folds => 3, deploy => 'if_better');
SELECT version, deployed FROM tune('tune_fold1', 'forest', 'tt', 'y', '{"max_depth": [2, 3]}', trials => 2, features => ARRAY['yr', 'x'],
                   params => '{"n_trees": 2}', folds => 3, deploy => 'if_better') WHERE baseline_version = 1;
-- ... and made by choose_threshold(): the baseline is retrained from the training parameters (the
-- threshold is not), so it scores as cross_validate() of them on the same folds; a version made by
-- calibrate() is refused (22023): its calibrator was fitted on held-out rows, which no fold can
-- refit, and its trees alone are not what it predicts with.  baseline(): the baseline of a
-- one-trial tune of max_depth on tt, and whether it scores as cross_validate() of the parameters
-- the deployed version was trained with
CREATE FUNCTION pg_temp.baseline(model text, algorithm text, features text[], trained jsonb,
                                 OUT baseline_version int, OUT baseline_is_cv boolean)
LANGUAGE sql AS $$
  WITH cv AS MATERIALIZED (
    SELECT value FROM edupredict.cross_validate(algorithm, 'tt', 'y', features, trained, folds => 3)
    WHERE fold IS NULL AND metric = 'roc_auc'),
  t AS MATERIALIZED (
    SELECT * FROM edupredict.tune(model, algorithm, 'tt', 'y', '{"max_depth": [2]}', trials => 1,
                                  features => features, params => trained - 'max_depth', folds => 3,
                                  deploy => 'if_better'))
  SELECT t.baseline_version, t.baseline_score = cv.value FROM t, cv $$;
SELECT version FROM train_forest('tune_cal', 'tt', 'y', ARRAY['yr', 'x'], n_trees => 5, max_depth => 3, test_fraction => 0);
SELECT new_version FROM calibrate('tune_cal', 'tt');
SELECT new_version FROM choose_threshold('tune_cal', 'tt', version => 2);
SELECT new_version FROM choose_threshold('tune_cal', 'tt', version => 1);
SELECT version, params->'calibration' AS calibration, params ? 'threshold' AS threshold FROM models
WHERE name = 'tune_cal' ORDER BY version;
SELECT version FROM deploy('tune_cal', 4);
SELECT * FROM pg_temp.baseline('tune_cal', 'forest', ARRAY['yr', 'x'], '{"n_trees": 5, "max_depth": 3}');
SELECT version FROM deploy('tune_cal', 2);
SELECT * FROM pg_temp.baseline('tune_cal', 'forest', ARRAY['yr', 'x'], '{"n_trees": 5, "max_depth": 3}');
SELECT version FROM deploy('tune_cal', 3);
SELECT * FROM pg_temp.baseline('tune_cal', 'forest', ARRAY['yr', 'x'], '{"n_trees": 5, "max_depth": 3}');
SELECT count(*) AS versions FROM models WHERE name = 'tune_cal';
-- boosting, whose own "calibration" must be NULL: refused the same way, not a parameter error
SELECT version FROM train_boosting('tune_cal_boost', 'tt', 'y', ARRAY['yr', 'x'], n_rounds => 5, test_fraction => 0);
SELECT new_version FROM calibrate('tune_cal_boost', 'tt', 'sigmoid');
SELECT version FROM deploy('tune_cal_boost', 2);
SELECT * FROM pg_temp.baseline('tune_cal_boost', 'boosting', ARRAY['yr', 'x'], '{"n_rounds": 5}');
-- the same features in another order compare: the deployed parameters are retrained on the tune's
-- columns, in the tune's order, as every trial is (cross_validate() of them in that order)
SELECT version FROM train_forest('tune_order', 'tt', 'y', ARRAY['yr', 'x'], n_trees => 5, test_fraction => 0);
SELECT version FROM deploy('tune_order', 1);
SELECT * FROM pg_temp.baseline('tune_order', 'forest', ARRAY['x', 'yr'], '{"n_trees": 5}');

-- grid search: every combination; halving: 9 draws on a ninth, 3 on a third, 1 on all the rows
SELECT evaluations, best_params->'max_depth' IS NOT NULL AS has_depth
FROM tune('tune_grid', 'boosting', 'tt', 'y', '{"max_depth": [1, 3], "learning_rate": {"values": [0.1, 0.3]}}',
          method => 'grid', trials => 6, params => '{"n_rounds": 10}', folds => 3);
-- the boosting refit too is the model train_boosting makes from the best parameters (with its profile)
CREATE TEMP TABLE best_grid AS SELECT params FROM runs WHERE kind = 'tune' AND model_name = 'tune_grid';
SELECT version FROM train_boosting('tune_grid_by_hand', 'tt', 'y', n_rounds => 10, test_fraction => 0,
       max_depth => (SELECT (params->>'max_depth')::int FROM best_grid),
       learning_rate => (SELECT (params->>'learning_rate')::float8 FROM best_grid));
SELECT md5(a.model) = md5(b.model) AS refit_is_train_boosting
FROM models a, models b WHERE a.name = 'tune_grid' AND b.name = 'tune_grid_by_hand';
SELECT evaluations FROM tune('tune_halving', 'forest', 'edupredict_data.student_features', 'target',
       '{"max_depth": {"log": [2, 30]}, "sample_fraction": [0.5, 1.0]}', method => 'halving', trials => 9,
       params => '{"n_trees": 10}', folds => 3);
SELECT (metrics->>'rung')::int AS rung, count(*), round(min((metrics->>'rows_fraction')::numeric), 4) AS rows_fraction,
       min((metrics->'cv'->'folds'->0->>'n_train')::int) AS fold1_rows
FROM runs WHERE model_name = 'tune_halving' AND kind = 'trial' GROUP BY 1 ORDER BY 1;
-- random search over lists only draws combinations without replacement, and no more than there are
SELECT evaluations FROM tune('tune_lists', 'forest', 'tt', 'y', '{"max_depth": {"values": [2, 3, 4]}, "n_trees": [1, 2, 3]}',
       trials => 8, folds => 2);
SELECT count(*) AS trials, count(DISTINCT params) AS distinct_params FROM runs WHERE model_name = 'tune_lists' AND kind = 'trial';
SELECT evaluations FROM tune('tune_lists', 'forest', 'tt', 'y', '{"max_depth": {"values": [2, 3, 4]}, "n_trees": [1, 2, 3]}',
       trials => 30, folds => 2);
-- random and halving search draw from integer ranges however many combinations they hold (2,000,000
-- here); only grid search counts them (refused below)
SELECT evaluations, (best_params->>'max_depth')::int BETWEEN 1 AND 1000 AS in_range
FROM tune('tune_wide', 'forest', 'tt', 'y', '{"max_depth": [1, 1000], "min_samples_leaf": [1, 2000]}',
          trials => 3, params => '{"n_trees": 2}', folds => 2);
SELECT evaluations FROM tune('tune_wide', 'forest', 'tt', 'y', '{"max_depth": [1, 1000], "min_samples_leaf": [1, 2000]}',
       method => 'halving', trials => 3, params => '{"n_trees": 2}', folds => 2);
-- lists alone with more combinations than that (101^3) are drawn without replacement as well
SELECT evaluations FROM tune('tune_wide_lists', 'forest', 'tt', 'y',
       jsonb_build_object('max_depth', (SELECT jsonb_agg(i) FROM generate_series(1, 101) i),
                          'min_samples_leaf', (SELECT jsonb_agg(i) FROM generate_series(1, 101) i),
                          'n_trees', (SELECT jsonb_agg(i) FROM generate_series(1, 101) i)),
       trials => 4, folds => 2);
SELECT count(*) AS trials, count(DISTINCT params) AS distinct_params FROM runs WHERE model_name = 'tune_wide_lists' AND kind = 'trial';
-- a negative seed is recorded as written, in the trials as in the refit
SELECT best_params->>'seed' AS seed FROM tune('tune_seed', 'forest', 'tt', 'y', '{"max_depth": {"values": [2]}}',
       params => '{"n_trees": 1}', folds => 2, seed => -1);
SELECT kind, params->>'seed' AS seed FROM runs WHERE model_name = 'tune_seed' ORDER BY id;
-- the rows are read once, whatever the number of folds and trials: a view counts the rows it gives
CREATE SEQUENCE tt_reads;
CREATE VIEW tt_counted AS SELECT yr, x, y FROM tt WHERE nextval('tt_reads') > 0;
SELECT evaluations FROM tune('tune_once', 'forest', 'tt_counted', 'y', '{"max_depth": {"values": [2, 3]}}',
       params => '{"n_trees": 1}', folds => 3);
SELECT last_value AS rows_read FROM tt_reads;
SELECT count(*) AS cv_rows FROM cross_validate('forest', 'tt_counted', 'y', params => '{"n_trees": 1}', folds => 3);
SELECT last_value AS rows_read FROM tt_reads;
-- a regression, ranked by rmse (lower is better), with group folds, deployed as asked
SELECT cv_metric, evaluations, deployed FROM tune('tune_reg', 'forest', 'tg', 'z', '{"n_trees": [3, 6]}', trials => 3,
       split => 'group', group_by => 'school', folds => 3, metric => 'rmse', features => ARRAY['noise'], deploy => 'yes');
SELECT version, deployed FROM models WHERE name = 'tune_reg';
SELECT rank, score = min(score) OVER () AS lowest_first FROM leaderboard('tune_reg') ORDER BY rank LIMIT 1;
SELECT (SELECT score FROM runs WHERE kind = 'tune' AND model_name = 'tune_reg') =
       (SELECT min(score) FROM runs WHERE kind = 'trial' AND model_name = 'tune_reg') AS registered_the_lowest;
-- a log-range draws log-uniformly: about half of 40 draws from [0.001, 1] fall below 0.0316
SELECT evaluations FROM tune('tune_log', 'boosting', 'tt', 'y', '{"learning_rate": {"log": [0.001, 1]}}',
       trials => 40, params => '{"n_rounds": 1}', folds => 2);
SELECT count(*) FILTER (WHERE (params->>'learning_rate')::float8 < 0.0316) BETWEEN 12 AND 28 AS log_uniform,
       bool_and((params->>'learning_rate')::float8 BETWEEN 0.001 AND 1) AS in_range
FROM runs WHERE model_name = 'tune_log' AND kind = 'trial';
RESET client_min_messages;

-- Bad input: every error before any row is read, where the arguments alone decide it.
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"depth": [3, 12]}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"max_depth": [3, 12], "rounds": [1, 2]}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [12, 3]}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": []}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"learning_rate": {"log": [0, 0.3]}}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_features": {"range": [0.5, 2]}}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": {"steps": [1, 2]}}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '[1, 2]');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12]}', params => '{"max_depth": 4}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_features": [0.2, 0.9]}', method => 'grid');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12], "min_samples_leaf": [1, 5, 25]}', method => 'grid', trials => 20);
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [1, 1000], "min_samples_leaf": [1, 2000]}', method => 'grid', trials => 10000);
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12]}', method => 'bayes');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12]}', metric => 'auc');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12]}', metric => 'rmse');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12]}', trials => 0);
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [3, 12]}', deploy => 'maybe');
SELECT * FROM tune('tune_bad', 'xgboost', 'tg', 'y', '{"max_depth": [3, 12]}');
SELECT * FROM tune(NULL, 'forest', 'tg', 'y', '{"max_depth": [3, 12]}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"max_depth": [0, 3]}');
-- range ends beyond +-1e15 (finite or not); values a parameter cannot take, at
-- an end of a real range that no draw lands on, or in a list
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"max_depth": [1, 1e20]}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"subsample": [0.0, 1e-300]}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"learning_rate": [0.0, 1e-300]}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"colsample": {"range": [0.5, 1.000000001]}}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"learning_rate": {"log": [0.01, 1.000000001]}}');
SELECT * FROM tune('tune_bad', 'boosting', 'tg', 'y', '{"learning_rate": [0.1, 0.3, 2.0], "n_rounds": [5, 10]}', trials => 1);
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"sample_fraction": [0.0, 0.5]}');
SELECT * FROM tune('tune_bad', 'forest', 'tg', 'y', '{"max_depth": [1, 2000000]}');
SELECT count(*) AS tune_bad_versions FROM models WHERE name = 'tune_bad';
-- a group column with one value; order_by with fewer distinct values than folds + 1
CREATE TABLE tone AS SELECT 1 AS school, 'Autumn' AS season, i::float8 AS x, i % 2 AS y FROM generate_series(1, 50) i;
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], split => 'group', group_by => 'school');
SELECT * FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], split => 'time', order_by => 'yr', folds => 12);
SELECT * FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], split => 'time', order_by => 'yr', folds => 5, gap => 7);
-- 12 values are enough for 2 folds with a gap of 3 (blocks of 4: fold 1 trains on 1 value), not of 4
SELECT fold, value AS n_train FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], '{"n_trees": 2}', split => 'time', order_by => 'yr', folds => 2, gap => 3)
WHERE metric = 'n_train' ORDER BY fold;
SELECT * FROM cross_validate('forest', 'tt', 'y', ARRAY['x'], split => 'time', order_by => 'yr', folds => 2, gap => 4);
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], split => 'time', order_by => 'season');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], split => 'time', order_by => 'nope');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], split => 'group', group_by => 'y');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], split => 'group');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], group_by => 'school');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], gap => 1);
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], split => 'blocks');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], folds => 1);
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], folds => 101);
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], params => '{"trees": 5}');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], params => '{"task": "ranking"}');
SELECT * FROM cross_validate('forest', 'tone', 'y', ARRAY['x'], folds => 60);
CREATE TABLE tnull AS SELECT CASE WHEN i = 3 THEN NULL ELSE i % 6 END AS school, i::float8 AS x, i % 2 AS y FROM generate_series(1, 50) i;
SELECT * FROM cross_validate('forest', 'tnull', 'y', ARRAY['x'], split => 'group', group_by => 'school');
CREATE TABLE tnan AS SELECT CASE WHEN i = 3 THEN 'NaN'::numeric ELSE i % 6 END AS yr, i::float8 AS x, i % 2 AS y FROM generate_series(1, 50) i;
SELECT * FROM cross_validate('forest', 'tnan', 'y', ARRAY['x'], split => 'time', order_by => 'yr', folds => 3);
-- nothing of the failed calls reached the registry or the run log
SELECT count(*) FROM models WHERE name = 'tune_bad';
SELECT count(*) FROM runs WHERE model_name = 'tune_bad';

-- A metric no fold defines ranks nothing: roc_auc when every time fold tests rows of one class
-- (only the first 100 rows hold two).  An error before the refit, so no version, no deployment
-- (deploy => 'if_better' with nothing deployed) and no runs; cross_validate says why its
-- roc_auc summary is NULL.
CREATE TABLE blocks AS SELECT i AS t, (i % 10)::float8 x,
       CASE WHEN i <= 100 THEN (CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END) ELSE 'a' END y
FROM generate_series(1, 400) i;
SELECT version, cv_metric, cv_score, deployed FROM tune('blk', 'forest', 'blocks', 'y', '{"n_trees": [5, 10]}',
       trials => 2, split => 'time', order_by => 't', folds => 3, deploy => 'if_better');
SELECT (SELECT count(*) FROM models WHERE name = 'blk') AS models,
       (SELECT count(*) FROM runs WHERE model_name = 'blk') AS runs;
SELECT value FROM cross_validate('forest', 'blocks', 'y', ARRAY['x'], '{"n_trees": 5}', split => 'time',
       order_by => 't', folds => 3) WHERE fold IS NULL AND metric = 'roc_auc';
-- halving stops at the first rung where no trial is defined
SELECT * FROM tune('blk', 'forest', 'blocks', 'y', '{"n_trees": [2, 3, 4]}', trials => 3, method => 'halving',
       split => 'time', order_by => 't', folds => 3);
-- ranked by a metric the folds define, the same search registers and deploys a version
SET client_min_messages = warning;
SELECT version, cv_metric, cv_score IS NOT NULL AS scored, deployed FROM tune('blk', 'forest', 'blocks', 'y',
       '{"n_trees": [5, 10]}', trials => 2, metric => 'log_loss', split => 'time', order_by => 't', folds => 3,
       deploy => 'if_better');
RESET client_min_messages;

-- A cancelled tune leaves no half rows: not the version, not the job, not one trial.
SET statement_timeout = '300ms';
SELECT * FROM tune('tune_cancelled', 'forest', 'edupredict_data.student_features', 'target',
       '{"max_depth": [3, 30]}', trials => 200, params => '{"n_trees": 200}');
RESET statement_timeout;
SELECT (SELECT count(*) FROM models WHERE name = 'tune_cancelled') AS models,
       (SELECT count(*) FROM runs WHERE model_name = 'tune_cancelled') AS runs;

ROLLBACK;
