SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- drift(): population stability index of every feature and of the model's
-- outputs against what the model kept about its training rows; the model
-- bytes with and without those sections; model_profile() for old models.
\set QUIET on
\i data/uci_student_dropout/load.sql
\set QUIET off
CREATE TEMP TABLE dr_train AS
SELECT s.*, (ARRAY['north', 'south', 'east', 'west'])[1 + student_id % 4] AS region
FROM edupredict_data.students s WHERE student_id % 5 <> 0;
CREATE TEMP TABLE dr_train_rows AS SELECT * FROM dr_train;
ALTER TABLE dr_train DROP COLUMN student_id;
SELECT n_rows FROM edupredict.train_forest('dr_uci', 'dr_train', 'target', seed => 5);

-- rows drawn from the training rows: every feature 'stable' (the outputs
-- are compared with held-out rows: see below)
CREATE TEMP TABLE dr_same AS SELECT * FROM dr_train_rows WHERE student_id % 3 = 0;
SELECT kind, count(*) AS rows, count(*) FILTER (WHERE verdict = 'stable') AS stable,
       bool_and(psi >= 0) AS psi_not_negative
FROM edupredict.drift('dr_uci', 'dr_same') GROUP BY kind ORDER BY kind;

-- the relation may be a temporary table, which parallel workers cannot
-- read: every function that reads a relation stays in the leader
SET force_parallel_mode = on;
-- one statement each: a single restricted function keeps a whole statement in the leader
SELECT count(*) AS drift FROM edupredict.drift('dr_uci', 'dr_same');
SELECT count(*) AS global_importance FROM edupredict.global_importance('dr_uci', 'dr_same');
SELECT count(*) AS permutation_importance FROM edupredict.permutation_importance('dr_uci', 'dr_same', n_repeats => 1);
SELECT count(*) AS reliability FROM edupredict.reliability('dr_uci', 'dr_same', class => 'Dropout');
SELECT count(*) > 2 AS roc_curve FROM edupredict.roc_curve('dr_uci', 'dr_same', 'Dropout');
SELECT count(*) > 2 AS pr_curve FROM edupredict.pr_curve('dr_uci', 'dr_same', 'Dropout');
SELECT count(*) > 2 AS evaluate FROM edupredict.evaluate('dr_uci', 'dr_same');
SELECT count(*) > 2 AS evaluate_version FROM edupredict.evaluate('dr_uci', 'dr_same', 1);
RESET force_parallel_mode;

-- one feature shifted: that feature 'shifted', every other one 'stable'
CREATE TEMP TABLE dr_shift AS SELECT * FROM dr_same;
UPDATE dr_shift SET admission_grade = admission_grade + 25;
SELECT feature, verdict, psi > 1 AS large FROM edupredict.drift('dr_uci', 'dr_shift')
WHERE kind = 'feature' AND verdict <> 'stable';
-- a boosted model keeps the same profile
SELECT version FROM edupredict.train_boosting('dr_boost', 'dr_train', 'target', n_rounds => 20, max_depth => 3, seed => 5);
SELECT count(*) FILTER (WHERE kind = 'feature') AS features,
       count(*) FILTER (WHERE kind = 'feature' AND verdict = 'stable') AS stable
FROM edupredict.drift('dr_boost', 'dr_same');
SELECT feature, verdict FROM edupredict.drift('dr_boost', 'dr_shift') WHERE kind = 'feature' AND verdict <> 'stable';
-- a smaller shift is only worth watching
CREATE TEMP TABLE dr_watch AS SELECT * FROM dr_same;
UPDATE dr_watch SET age_at_enrollment = age_at_enrollment + 1 WHERE student_id % 6 = 0;
SELECT feature, verdict FROM edupredict.drift('dr_uci', 'dr_watch') WHERE kind = 'feature' AND verdict <> 'stable';

-- missing values now, and a category the model never saw: the shares then
-- and now, the count of unseen values; both scored as missing
CREATE TEMP TABLE dr_missing AS SELECT * FROM dr_same;
UPDATE dr_missing SET region = NULL WHERE student_id % 2 = 0;
UPDATE dr_missing SET region = 'island' || (student_id % 7) WHERE student_id % 4 = 1;
SELECT feature, verdict, missing_train, round(missing_now::numeric, 3) AS missing_now, unseen_categories
FROM edupredict.drift('dr_uci', 'dr_missing') WHERE feature = 'region';
SELECT round(avg((region IS NULL)::int), 3) AS null_share FROM dr_missing;
-- numeric features have no categories
SELECT count(*) FILTER (WHERE unseen_categories IS NULL) AS numeric_features
FROM edupredict.drift('dr_uci', 'dr_missing') WHERE kind = 'feature';
-- a NaN of a numeric feature is missing too (docs/explain.md: missing_now
-- counts NULLs and NaN), as training's histograms and predict() take it, so
-- the PSI compares the same missing group then and now
CREATE TEMP TABLE dr_nan AS SELECT * FROM dr_same;
UPDATE dr_nan SET admission_grade = 'NaN' WHERE student_id % 4 = 0;
UPDATE dr_nan SET admission_grade = NULL WHERE student_id % 4 = 1;
SELECT feature, missing_train,
       missing_now = (SELECT count(*) FILTER (WHERE admission_grade IS NULL OR admission_grade = 'NaN')::float8 / count(*)
                      FROM dr_nan) AS null_and_nan_missing,
       missing_now > (SELECT count(*) FILTER (WHERE admission_grade IS NULL)::float8 / count(*)
                      FROM dr_nan) AS more_than_the_nulls
FROM edupredict.drift('dr_uci', 'dr_nan') WHERE feature = 'admission_grade';

-- a categorical feature of 22 equally frequent categories, each 4.5% of the
-- training rows (all rows: none held out, so none reaches 5%): the rare
-- categories are pooled into groups of at most 10% of the training rows
-- (here two categories each), so rows all of one category are 'shifted' on
-- it (pooled into one group of all the rare ones, they looked 'stable', PSI
-- 0), and x, which did not move, stays 'stable'; a random half of the
-- training rows, and the training rows themselves, are 'stable'
CREATE TEMP TABLE dr_rare AS
SELECT g, chr(97 + g % 22) AS cat, ((g * 37) % 101)::float8 AS x,
       ((g * 37) % 101 > 50) <> (g % 22 < 5) AS y
FROM generate_series(1, 2200) g;
SELECT count(*) FROM edupredict.train_forest('dr_rare', 'dr_rare', 'y', features => ARRAY['cat', 'x'],
                                             n_trees => 10, max_depth => 4, test_fraction => 0, seed => 5);
CREATE TEMP TABLE dr_rare_one AS SELECT g, 'a' AS cat, x, y FROM dr_rare;
SELECT feature, verdict, psi > 1 AS large, missing_now, unseen_categories
FROM edupredict.drift('dr_rare', 'dr_rare_one') WHERE kind = 'feature' ORDER BY feature;
CREATE TEMP TABLE dr_rare_half AS SELECT * FROM dr_rare WHERE md5(g::text) < '8';
SELECT count(*) BETWEEN 1000 AND 1200 AS about_half, count(DISTINCT cat) AS categories FROM dr_rare_half;
SELECT feature, verdict, psi < 0.05 AS small FROM edupredict.drift('dr_rare', 'dr_rare_half')
WHERE kind = 'feature' ORDER BY feature;
SELECT feature, verdict, psi < 0.05 AS small FROM edupredict.drift('dr_rare', 'dr_rare')
WHERE kind = 'feature' ORDER BY feature;
-- unseen_categories counts at most 100,000 distinct values of a feature
-- (predict() and the PSI take every row of them as missing all the same):
-- past that, the count is a lower bound and a NOTICE names the feature.
-- 100,000 distinct unseen values, some repeated, are counted in full,
-- without it
CREATE TEMP TABLE dr_unseen AS
SELECT g, 'u' || (g % 100000) AS cat, ((g * 37) % 101)::float8 AS x, true AS y
FROM generate_series(1, 100100) g;
SELECT count(DISTINCT cat) AS distinct_unseen FROM dr_unseen;
SELECT feature, verdict, unseen_categories FROM edupredict.drift('dr_rare', 'dr_unseen') WHERE feature = 'cat';
-- one more distinct value
INSERT INTO dr_unseen VALUES (100101, 'u100000', 1, true);
SELECT feature, verdict, unseen_categories FROM edupredict.drift('dr_rare', 'dr_unseen') WHERE feature = 'cat';
-- a value longer than 4,096 bytes is no category: training takes it as
-- missing, and drift counts it in missing_now (here two rows of one such
-- value), not as an unseen category, as one of 4,096 bytes is
CREATE TEMP TABLE dr_long AS
SELECT g, (ARRAY['a', repeat('v', 4096), repeat('w', 4097), repeat('w', 4097)])[g] AS cat, x, y
FROM dr_rare WHERE g <= 4;
SELECT feature, missing_now, unseen_categories FROM edupredict.drift('dr_rare', 'dr_long') WHERE feature = 'cat';
-- distinct values are told apart by every byte: three values that share
-- their first 20 bytes are three unseen categories
CREATE TEMP TABLE dr_prefix AS
SELECT g, repeat('p', 20) || (g % 3) AS cat, x, y FROM dr_rare WHERE g <= 6;
SELECT feature, unseen_categories FROM edupredict.drift('dr_rare', 'dr_prefix') WHERE feature = 'cat';
DELETE FROM edupredict.models WHERE name = 'dr_rare';
-- drift keeps 8 bytes of each distinct unseen value of a text feature (up
-- to 1 MiB a feature), counted against edupredict.forest_max_memory with
-- the rows: 17 text features of 50,000 distinct unseen values each need
-- more than its least setting
CREATE TEMP TABLE dr_wide AS
SELECT g, g % 2 = 0 AS y, 'a' || g % 2 AS c1, 'a' || g % 2 AS c2, 'a' || g % 2 AS c3, 'a' || g % 2 AS c4,
       'a' || g % 2 AS c5, 'a' || g % 2 AS c6, 'a' || g % 2 AS c7, 'a' || g % 2 AS c8, 'a' || g % 2 AS c9,
       'a' || g % 2 AS c10, 'a' || g % 2 AS c11, 'a' || g % 2 AS c12, 'a' || g % 2 AS c13,
       'a' || g % 2 AS c14, 'a' || g % 2 AS c15, 'a' || g % 2 AS c16, 'a' || g % 2 AS c17
FROM generate_series(1, 100) g;
SELECT count(*) FROM edupredict.train_forest('dr_wide', 'dr_wide', 'y',
    features => ARRAY['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15', 'c16', 'c17'],
    n_trees => 1, max_depth => 2, test_fraction => 0, seed => 5);
-- (a table of schema public: the error's context names it)
CREATE TABLE public.dr_wide_now AS
SELECT g, true AS y, 'u' || g AS c1, 'u' || g AS c2, 'u' || g AS c3, 'u' || g AS c4, 'u' || g AS c5,
       'u' || g AS c6, 'u' || g AS c7, 'u' || g AS c8, 'u' || g AS c9, 'u' || g AS c10, 'u' || g AS c11,
       'u' || g AS c12, 'u' || g AS c13, 'u' || g AS c14, 'u' || g AS c15, 'u' || g AS c16, 'u' || g AS c17
FROM generate_series(1, 50000) g;
SET edupredict.forest_max_memory = '16MB';
SELECT count(*) FROM edupredict.drift('dr_wide', 'public.dr_wide_now');
RESET edupredict.forest_max_memory;
SELECT feature, unseen_categories FROM edupredict.drift('dr_wide', 'public.dr_wide_now') WHERE feature = 'c17';
-- the sets count when the rows double too: 65,537 rows whose 12 text
-- features hold 65,537 distinct unseen values each (1 MiB of hashes a
-- feature) pass the least setting when the rows' room doubles, though the
-- rows alone would fit; the error names both
CREATE TABLE public.dr_wide_rows AS
SELECT g, true AS y, 'u' || g AS c1, 'u' || g AS c2, 'u' || g AS c3, 'u' || g AS c4, 'u' || g AS c5,
       'u' || g AS c6, 'u' || g AS c7, 'u' || g AS c8, 'u' || g AS c9, 'u' || g AS c10, 'u' || g AS c11,
       'u' || g AS c12, 'a0' AS c13, 'a0' AS c14, 'a0' AS c15, 'a0' AS c16, 'a0' AS c17
FROM generate_series(1, 65537) g;
SET edupredict.forest_max_memory = '16MB';
SELECT count(*) FROM edupredict.drift('dr_wide', 'public.dr_wide_rows');
RESET edupredict.forest_max_memory;
DROP TABLE public.dr_wide_rows;
DELETE FROM edupredict.models WHERE name = 'dr_wide';
DROP TABLE public.dr_wide_now;

-- a text feature of 300 categories: the codebook keeps the 255 most frequent
-- of the training rows and training bins the rows of the other 45 as
-- missing, like the NULLs; drift bins them as training did, so
-- the training rows themselves show no unseen category and the same missing
-- share then and now, for a forest and a boosted model alike.  Whether a
-- value outside a full codebook is one of the rarer training categories or
-- a new one cannot be told: such a feature reports no count of unseen values
CREATE TEMP TABLE dr_many AS
SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE 'k' || lpad((g % 300)::text, 3, '0') END AS cat,
       ((g * 37) % 101)::float8 AS x, ((g * 37) % 101 > 50) <> (g % 300 < 100) AS y
FROM generate_series(1, 3000) g;
SELECT count(DISTINCT cat) AS categories, count(*) FILTER (WHERE cat IS NULL) AS nulls FROM dr_many;
SELECT count(*) FROM edupredict.train_forest('dr_many', 'dr_many', 'y', features => ARRAY['cat', 'x'],
                                             n_trees => 5, max_depth => 4, test_fraction => 0, seed => 5);
SELECT count(*) FROM edupredict.train_boosting('dr_many_b', 'dr_many', 'y', features => ARRAY['cat', 'x'],
                                               n_rounds => 5, max_depth => 3, test_fraction => 0);
SELECT m.name, d.feature, d.verdict, round(d.missing_train::numeric, 4) AS missing_train,
       d.missing_now = d.missing_train AS same_missing, d.unseen_categories
FROM unnest(ARRAY['dr_many', 'dr_many_b']) m(name), edupredict.drift(m.name, 'dr_many') d
WHERE d.kind = 'feature' ORDER BY 1, 2;
-- rows of categories training never had are missing, as predict() takes them
CREATE TEMP TABLE dr_many_new AS SELECT g, 'new' || (g % 7) AS cat, x, y FROM dr_many;
SELECT feature, verdict, missing_now, unseen_categories
FROM edupredict.drift('dr_many', 'dr_many_new') WHERE kind = 'feature' ORDER BY feature;
-- a codebook of exactly 255 categories with no missing value: nothing went
-- to missing in training, so a value outside it is new, and counted
CREATE TEMP TABLE dr_255 AS
SELECT g, 'k' || lpad((g % 255)::text, 3, '0') AS cat, ((g * 37) % 101)::float8 AS x, g % 2 = 0 AS y
FROM generate_series(1, 2550) g;
SELECT count(*) FROM edupredict.train_forest('dr_255', 'dr_255', 'y', features => ARRAY['cat', 'x'],
                                             n_trees => 2, max_depth => 2, test_fraction => 0);
CREATE TEMP TABLE dr_255_new AS SELECT g, CASE WHEN g % 10 = 0 THEN 'new' || (g % 3) ELSE cat END AS cat, x, y FROM dr_255;
SELECT feature, missing_train, missing_now, unseen_categories
FROM edupredict.drift('dr_255', 'dr_255_new') WHERE feature = 'cat';
DELETE FROM edupredict.models WHERE name IN ('dr_many', 'dr_many_b', 'dr_255');
-- a boosted numeric feature with no missing value in training has 256 bins
-- (docs/boosting.md): its last bin is code 255, the code predict() gives a
-- missing value. drift counts the rows missing now from their values: they
-- show as missing (here a fifth of the rows), not in the last bin, and rows
-- of the last bin's values alone show no missing value
CREATE TEMP TABLE dr_256 AS
SELECT g, ((g * 7919) % 1000)::float8 AS x, (g * 7919) % 1000 >= 500 AS y
FROM generate_series(1, 3000) g;
SELECT count(DISTINCT x) AS distinct_x, count(*) FILTER (WHERE x IS NULL) AS nulls FROM dr_256;
SELECT count(*) FROM edupredict.train_boosting('dr_256', 'dr_256', 'y', features => ARRAY['x'],
                                               n_rounds => 3, max_depth => 2, test_fraction => 0);
CREATE TEMP TABLE dr_256_null AS SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE x END AS x, y FROM dr_256;
CREATE TEMP TABLE dr_256_top AS SELECT * FROM dr_256 WHERE x = 999;
SELECT r.now, d.feature, d.verdict, d.missing_train, d.missing_now, d.missing_now = r.null_share AS null_share
FROM (VALUES ('dr_256_null', (SELECT count(*) FILTER (WHERE x IS NULL)::float8 / count(*) FROM dr_256_null)),
             ('dr_256_top', (SELECT count(*) FILTER (WHERE x IS NULL)::float8 / count(*) FROM dr_256_top))) r(now, null_share),
     edupredict.drift('dr_256', r.now::regclass) d
WHERE d.kind = 'feature' ORDER BY r.now;
-- the profile counts code 255 as that last bin too, as drift does: the
-- training rows against their own profile have not moved and miss nothing
SELECT feature, psi, verdict, missing_train, missing_now
FROM edupredict.drift('dr_256', 'dr_256') WHERE kind = 'feature';
-- trained with rows held out (test_fraction > 0: the output histogram
-- describes the held-out rows, the feature histograms the training rows,
-- and the bins were set over both, none missing: 256 bins again), rows NULL
-- now show as missing all the same, counted from the values read
SELECT count(*) FROM edupredict.train_boosting('dr_256_h', 'dr_256', 'y', features => ARRAY['x'],
                                               n_rounds => 3, max_depth => 2, test_fraction => 0.25, seed => 5);
SELECT r.now, d.feature, d.missing_train, d.missing_now, d.missing_now = r.null_share AS null_share
FROM (VALUES ('dr_256', (SELECT count(*) FILTER (WHERE x IS NULL)::float8 / count(*) FROM dr_256)),
             ('dr_256_null', (SELECT count(*) FILTER (WHERE x IS NULL)::float8 / count(*) FROM dr_256_null))) r(now, null_share),
     edupredict.drift('dr_256_h', r.now::regclass) d
WHERE d.kind = 'feature' ORDER BY r.now;
SELECT kind, count(*) FROM edupredict.drift('dr_256_h', 'dr_256_null') GROUP BY kind ORDER BY kind;
-- model_profile() from rows some of which are NULL counts those as missing
-- too, not in the last bin: drift against the very rows profiled sees no move
SELECT new_version FROM edupredict.model_profile('dr_256', 'dr_256_null');
SELECT feature, psi, verdict, missing_train, missing_now
FROM edupredict.drift('dr_256', 'dr_256_null') WHERE kind = 'feature';
DELETE FROM edupredict.models WHERE name IN ('dr_256', 'dr_256_h');

-- the output rows: one per class; the reference is the held-out rows of
-- training, so the training rows themselves (which the forest has seen)
-- look shifted, and held-out-like rows do not
SELECT feature, verdict FROM edupredict.drift('dr_uci', 'dr_same') WHERE kind = 'prediction' ORDER BY feature;
CREATE TEMP TABLE dr_test AS SELECT * , (ARRAY['north', 'south', 'east', 'west'])[1 + student_id % 4] AS region
FROM edupredict_data.students WHERE student_id % 5 = 0;
SELECT feature, verdict FROM edupredict.drift('dr_uci', 'dr_test') WHERE kind = 'prediction' ORDER BY feature;

-- a model stored by 0.1.0 keeps none of it: drift says so and how to add it;
-- model_profile() adds it from the training rows as a new version
\set ECHO none
\set QUIET on
\i test/fixtures/forest_0.1.0_rows.sql
\i test/fixtures/forest_0.1.0.sql
\set QUIET off
\set ECHO all
INSERT INTO edupredict.models (name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, decode(model_hex, 'hex')
FROM fx_models_0_1_0 WHERE name IN ('fx_cls', 'fx_reg');
SELECT * FROM edupredict.drift('fx_cls', 'fx_rows');
SELECT * FROM edupredict.model_profile('fx_cls', 'fx_rows');
SELECT kind, count(*) AS rows, count(*) FILTER (WHERE verdict = 'stable') AS stable
FROM edupredict.drift('fx_cls', 'fx_rows') GROUP BY kind ORDER BY kind;
-- the new version explains without the notice, with covers: base value plus
-- contributions still the output; its predictions are the old ones
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value('fx_cls', c, 2)
                                  + (SELECT sum(contribution) FROM edupredict.explain('fx_cls', r, version => 2, class => c))
                                  - edupredict.predict_proba('fx_cls', r, c, 2)) <= 1e-7) AS additive,
       count(*) FILTER (WHERE edupredict.predict_proba('fx_cls', r, c, 2) = edupredict.predict_proba('fx_cls', r, c, 1)) AS same_predictions
FROM fx_rows r, unnest((SELECT classes FROM edupredict.models WHERE name = 'fx_cls' AND version = 1)) c;
-- regression models profile too
SELECT new_version FROM edupredict.model_profile('fx_reg', 'fx_rows');
SELECT kind, feature, verdict FROM edupredict.drift('fx_reg', 'fx_rows') ORDER BY kind, feature;
-- a profile describes the training rows: one row, or rows of one class,
-- would make a class's share ('prior') 1; refused, and no version written
CREATE TEMP TABLE fx_one_row AS SELECT * FROM fx_rows WHERE id = 1;
CREATE TEMP TABLE fx_one_class AS SELECT * FROM fx_rows WHERE y = 1;
SELECT max(version) AS fx_last FROM edupredict.models WHERE name = 'fx_cls' \gset
SELECT * FROM edupredict.model_profile('fx_cls', 'fx_one_row', version => 1);
SELECT * FROM edupredict.model_profile('fx_cls', 'fx_one_class', version => 1);
SELECT * FROM edupredict.model_profile('fx_reg', 'fx_one_row', version => 1);
-- target values the model does not know are refused (22023, as calibrate()
-- refuses them), not left out of the class shares: 8 of 400 rows, then only
-- those rows; rows whose target is NULL are left out, and none left is refused
CREATE TEMP TABLE fx_unknown AS
SELECT id, x, color, flag, CASE WHEN id % 50 = 0 THEN y + 7 ELSE y END AS y, yr FROM fx_rows;
CREATE TEMP TABLE fx_only_unknown AS SELECT * FROM fx_unknown WHERE y > 2;
CREATE TEMP TABLE fx_no_target AS SELECT id, x, color, flag, NULL::int AS y, yr FROM fx_rows;
SELECT * FROM edupredict.model_profile('fx_cls', 'fx_unknown', version => 1);
SELECT * FROM edupredict.model_profile('fx_cls', 'fx_only_unknown', version => 1);
SELECT * FROM edupredict.model_profile('fx_cls', 'fx_no_target', version => 1);
SELECT max(version) = :fx_last AS no_new_version FROM edupredict.models WHERE name = 'fx_cls';
-- a regression model needs two rows, not two values of the target
SELECT new_version FROM edupredict.model_profile('fx_reg', 'fx_one_class', version => 1);
DELETE FROM edupredict.models WHERE name IN ('fx_cls', 'fx_reg');

-- trained without held-out rows on more than 20,000 rows: the output
-- histogram describes the training rows through 20,000 of them, evenly
-- spaced; against it, the training rows themselves are stable
CREATE TEMP TABLE dr_big AS
SELECT g AS id, (g * 7919 % 25013)::float8 AS x, (g % 13)::float8 AS z,
       (g * 7919 % 25013)::float8 / 100 + (g % 13) AS y
FROM generate_series(1, 25013) g;
SELECT count(*) FROM edupredict.train_forest('dr_big', 'dr_big', 'y', features => ARRAY['x', 'z'],
                                             n_trees => 5, max_depth => 6, test_fraction => 0);
SELECT kind, feature, verdict, psi < 0.01 AS close FROM edupredict.drift('dr_big', 'dr_big') ORDER BY kind, feature;
DELETE FROM edupredict.models WHERE name = 'dr_big';

-- without held-out rows the forest trainer keeps its rows' outputs (it knows
-- their leaves) instead of walking every row down every tree again: the
-- model equals the one model_profile() makes by walking the same rows
SELECT count(*) FROM edupredict.train_forest('dr_kept', 'dr_train', 'target', n_trees => 20,
                                             min_samples_leaf => 5, test_fraction => 0, seed => 3);
SELECT count(*) FROM edupredict.train_forest('dr_kept_reg', 'dr_train', 'admission_grade',
                                             n_trees => 10, test_fraction => 0);
SELECT count(*) FROM edupredict.model_profile('dr_kept', 'dr_train');
SELECT count(*) FROM edupredict.model_profile('dr_kept_reg', 'dr_train');
SELECT name, count(*) AS versions, count(DISTINCT md5(model)) AS distinct_bytes
FROM edupredict.models WHERE name IN ('dr_kept', 'dr_kept_reg') GROUP BY name ORDER BY name;
DELETE FROM edupredict.models WHERE name IN ('dr_kept', 'dr_kept_reg');

-- outputs of few distinct values: a one-round depth-2 regression has four,
-- on 15%, 30%, 40% and 15% of the rows, so no decile falls exactly between
-- two of them; the cuts go to the nearest boundaries (three), and rows from
-- the lowest step alone are 'shifted' (with no cut they looked 'stable')
CREATE TEMP TABLE dr_steps AS
SELECT g, (g % 100)::float8 AS x,
       CASE WHEN g % 100 < 15 THEN 0 WHEN g % 100 < 45 THEN 10 WHEN g % 100 < 85 THEN 20 ELSE 30 END::float8 AS y
FROM generate_series(1, 4000) g;
SELECT count(*) FROM edupredict.train_boosting('dr_steps', 'dr_steps', 'y', features => ARRAY['x'],
                                               n_rounds => 1, max_depth => 2, test_fraction => 0);
SELECT count(DISTINCT edupredict.predict('dr_steps', s)) AS distinct_outputs FROM dr_steps s;
CREATE TEMP TABLE dr_steps_low AS SELECT * FROM dr_steps WHERE x < 15;
SELECT feature, verdict FROM edupredict.drift('dr_steps', 'dr_steps') WHERE kind = 'prediction';
SELECT feature, verdict, psi > 1 AS large FROM edupredict.drift('dr_steps', 'dr_steps_low') WHERE kind = 'prediction';
DELETE FROM edupredict.models WHERE name = 'dr_steps';

-- boosting likewise takes its training rows' outputs from its final margins
-- (softmax, logistic, regression)
CREATE TEMP VIEW dr_train_bin AS SELECT *, (target = 'Dropout') AS dropped FROM dr_train;
SELECT count(*) FROM edupredict.train_boosting('dr_kept_b3', 'dr_train', 'target', n_rounds => 15,
                                               test_fraction => 0, seed => 3);
SELECT count(*) FROM edupredict.train_boosting('dr_kept_b2', 'dr_train_bin', 'dropped',
                                               features => ARRAY['admission_grade', 'age_at_enrollment'],
                                               n_rounds => 15, test_fraction => 0);
SELECT count(*) FROM edupredict.train_boosting('dr_kept_br', 'dr_train', 'admission_grade',
                                               n_rounds => 10, max_depth => 4, test_fraction => 0);
SELECT count(*) FROM edupredict.model_profile('dr_kept_b3', 'dr_train');
SELECT count(*) FROM edupredict.model_profile('dr_kept_b2', 'dr_train_bin');
SELECT count(*) FROM edupredict.model_profile('dr_kept_br', 'dr_train');
SELECT name, count(*) AS versions, count(DISTINCT md5(model)) AS distinct_bytes
FROM edupredict.models WHERE name LIKE 'dr\_kept\_b_' GROUP BY name ORDER BY name;
DELETE FROM edupredict.models WHERE name LIKE 'dr\_kept\_b_';

-- arguments
SELECT * FROM edupredict.drift('dr_uci', 'dr_same' , version => 7);
CREATE TEMP TABLE dr_empty AS SELECT * FROM dr_same LIMIT 0;
SELECT * FROM edupredict.drift('dr_uci', 'dr_empty');
-- model_profile says it as drift and the other scoring functions do, naming the relation
SELECT * FROM edupredict.model_profile('dr_uci', 'dr_empty');
CREATE TEMP TABLE dr_lacking AS SELECT admission_grade FROM dr_same;
SELECT * FROM edupredict.drift('dr_uci', 'dr_lacking');
SELECT count(*) FROM edupredict.drift(NULL, 'dr_same');
SELECT * FROM edupredict.model_profile('dr_uci', 'dr_lacking');
DROP TABLE fx_rows, fx_models_0_1_0, fx_predictions_0_1_0;
DELETE FROM edupredict.models WHERE name IN ('dr_uci', 'dr_boost');
