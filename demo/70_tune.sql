-- Choosing the dropout model in SQL (docs/tuning.md): cross-validation of the
-- forest as trained in 30_forest.sql, then successive-halving search over its
-- parameters on the same training students; the best set is registered as a
-- new version of 'dropout' and deployed only if it beats the deployed version
-- on the very same folds.  Every trial is in the run log; the leaderboard goes
-- to out/dropout_leaderboard.csv.
\echo '--- choosing the dropout model: 5-fold cross-validation and successive halving'
CREATE TEMP TABLE dropout_features AS
SELECT array_agg(attname::text ORDER BY attnum) AS f FROM pg_attribute
WHERE attrelid = 'edupredict_data.student_features'::regclass AND attnum > 0
  AND NOT attisdropped AND attname <> 'target';

\echo 'the forest of 30_forest.sql (100 trees, defaults), 5 stratified folds of the training students'
SELECT metric, round(value::numeric, 3) AS mean, round(sd::numeric, 3) AS sd
FROM edupredict.cross_validate('forest', 'edupredict_data.students_train', 'target', (SELECT f FROM dropout_features))
WHERE fold IS NULL ORDER BY metric;

\echo 'students of one course never on both sides of a fold (group folds over course)'
SELECT metric, round(value::numeric, 3) AS mean, round(sd::numeric, 3) AS sd
FROM edupredict.cross_validate('forest', 'edupredict_data.students_train', 'target', (SELECT f FROM dropout_features),
       split => 'group', group_by => 'course')
WHERE fold IS NULL AND metric IN ('accuracy', 'roc_auc') ORDER BY metric;

\echo 'tuning: 27 candidates on a 27th of each fold, 9 on a 9th, 3 on a 3rd, 1 on all of it'
SELECT (edupredict.deploy('dropout', (SELECT max(version) FROM edupredict.models WHERE name = 'dropout'))).version AS deployed_before;
SET client_min_messages = warning;
SELECT version, cv_metric, round(cv_score::numeric, 4) AS cv_score, round(cv_sd::numeric, 4) AS cv_sd,
       baseline_version, round(baseline_score::numeric, 4) AS baseline_score, deployed, evaluations,
       best_params->>'max_depth' AS max_depth, best_params->>'min_samples_leaf' AS min_samples_leaf,
       round((best_params->>'max_features')::numeric, 2) AS max_features
FROM edupredict.tune('dropout', 'forest', 'edupredict_data.students_train', 'target',
       '{"max_depth": [4, 30], "min_samples_leaf": [1, 2, 5, 10], "max_features": {"range": [0.1, 0.9]}}',
       trials => 27, method => 'halving', features => (SELECT f FROM dropout_features), deploy => 'if_better');
RESET client_min_messages;

\echo 'the leaderboard of the dropout model (the deployed version scored on the same folds is a cv row)'
SELECT rank, kind, model_version, round(score::numeric, 4) AS roc_auc, round(score_sd::numeric, 4) AS sd,
       params->>'max_depth' AS max_depth, params->>'min_samples_leaf' AS min_samples_leaf,
       (folds->'n_train'->>0)::int AS fold1_rows
FROM edupredict.leaderboard('dropout') ORDER BY rank, run_id LIMIT 8;
\copy (SELECT rank, kind, model_version, algorithm, metric, score, score_sd, params, folds->'n_train' AS fold_train_rows, run_id, parent_id FROM edupredict.leaderboard('dropout') ORDER BY rank, run_id) TO 'out/dropout_leaderboard.csv' CSV HEADER

\echo 'the deployed dropout model on the held-out fifth of the students'
SELECT m.version, round(e.value::numeric, 3) AS roc_auc
FROM edupredict.models m, LATERAL edupredict.evaluate('dropout', 'edupredict_data.students_holdout', m.version) e
WHERE m.name = 'dropout' AND m.deployed AND e.metric = 'roc_auc';
