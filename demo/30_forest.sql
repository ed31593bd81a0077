-- Random forest on the UCI student dropout data (4,424 students, 3 outcomes).
-- One student in five (student_id % 5 = 0) is held out: the model never sees
-- it, and evaluate() measures the model on it.  Every student then gets a
-- dropout risk (the forest's probability of 'Dropout').
\echo '--- random forest: dropout risk (UCI Predict Students'' Dropout and Academic Success)'
CREATE OR REPLACE VIEW edupredict_data.students_train AS
SELECT s.* FROM edupredict_data.students s WHERE s.student_id % 5 <> 0 ORDER BY s.student_id;
CREATE OR REPLACE VIEW edupredict_data.students_holdout AS
SELECT s.* FROM edupredict_data.students s WHERE s.student_id % 5 = 0 ORDER BY s.student_id;

\echo 'training (100 trees, seed 42; the 20% test split inside the training rows gives the stored metrics)'
SELECT name, version, n_rows, round(train_seconds::numeric, 2) AS train_seconds,
       round((metrics->>'accuracy')::numeric, 3) AS test_accuracy,
       round((metrics->>'f1_macro')::numeric, 3) AS test_macro_f1,
       round((metrics->>'roc_auc')::numeric, 3) AS test_auc,
       pg_size_pretty((metrics->>'model_bytes')::bigint) AS model_size
FROM edupredict.train_forest('dropout', 'edupredict_data.students_train', 'target',
       features => (SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'edupredict_data.student_features'::regclass AND attnum > 0
                      AND NOT attisdropped AND attname <> 'target'));

\echo 'evaluation on the held-out fifth of the students'
SELECT metric, round(value::numeric, 3) AS value
FROM edupredict.evaluate('dropout', 'edupredict_data.students_holdout')
WHERE metric NOT LIKE 'confusion:%';
\echo 'confusion matrix on the held-out students (rows: actual, columns: predicted)'
SELECT split_part(metric, ':', 2) AS actual,
       sum(value) FILTER (WHERE split_part(metric, ':', 3) = 'Dropout')::int AS "Dropout",
       sum(value) FILTER (WHERE split_part(metric, ':', 3) = 'Enrolled')::int AS "Enrolled",
       sum(value) FILTER (WHERE split_part(metric, ':', 3) = 'Graduate')::int AS "Graduate"
FROM edupredict.evaluate('dropout', 'edupredict_data.students_holdout')
WHERE metric LIKE 'confusion:%' GROUP BY 1 ORDER BY 1;

\copy (SELECT metric, value FROM edupredict.evaluate('dropout', 'edupredict_data.students_holdout')) TO 'out/dropout_metrics.csv' CSV HEADER
\copy (SELECT s.student_id, round(edupredict.predict_proba('dropout', s, 'Dropout')::numeric, 4) AS dropout_risk, edupredict.predict('dropout', s) AS predicted, s.target AS actual, s.student_id % 5 <> 0 AS in_training FROM edupredict_data.students s ORDER BY s.student_id) TO 'out/dropout_risk.csv' CSV HEADER
\copy (SELECT feature, round(importance::numeric, 6) AS importance FROM edupredict.feature_importance('dropout')) TO 'out/dropout_feature_importance.csv' CSV HEADER

\echo 'the five most important features'
SELECT feature, round(importance::numeric, 3) AS importance FROM edupredict.feature_importance('dropout') LIMIT 5;
\echo 'held-out students with the highest dropout risk'
SELECT s.student_id, round(edupredict.predict_proba('dropout', s, 'Dropout')::numeric, 3) AS dropout_risk, s.target AS actual
FROM edupredict_data.students_holdout s ORDER BY 2 DESC, 1 LIMIT 5;

-- Gradient-boosted trees on the same rows, beside the forest: the same split
-- inside the training students, early stopping on a tenth of them.
\echo '--- gradient-boosted trees on the same students (early stopping on validation rows)'
SELECT name, version, round(train_seconds::numeric, 2) AS train_seconds,
       (metrics->>'best_round')::int AS best_round, (metrics->>'rounds_run')::int AS rounds_run,
       round((metrics->>'accuracy')::numeric, 3) AS test_accuracy,
       round((metrics->>'roc_auc')::numeric, 3) AS test_auc,
       pg_size_pretty(model_bytes::bigint) AS model_size
FROM edupredict.train_boosting('dropout_boost', 'edupredict_data.students_train', 'target',
       features => (SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'edupredict_data.student_features'::regclass AND attnum > 0
                      AND NOT attisdropped AND attname <> 'target'),
       n_rounds => 1000, learning_rate => 0.05, max_depth => 4, early_stopping_rounds => 50);
\echo 'forest and boosting on the held-out fifth of the students'
SELECT m.model, round(e.value::numeric, 3) AS value, e.metric
FROM (VALUES ('dropout'), ('dropout_boost')) m(model),
     LATERAL edupredict.evaluate(m.model, 'edupredict_data.students_holdout') e
WHERE e.metric IN ('accuracy', 'f1_macro', 'roc_auc', 'log_loss') ORDER BY e.metric, m.model;
\copy (SELECT m.model, e.metric, e.value FROM (VALUES ('dropout'), ('dropout_boost')) m(model), LATERAL edupredict.evaluate(m.model, 'edupredict_data.students_holdout') e WHERE e.metric NOT LIKE 'confusion:%' ORDER BY 1, 2) TO 'out/dropout_forest_vs_boosting.csv' CSV HEADER
\copy (SELECT round, value AS validation_mlogloss FROM edupredict.model_list l, jsonb_array_elements_text(l.metrics->'validation_curve') WITH ORDINALITY c(value, round) WHERE l.name = 'dropout_boost' ORDER BY round) TO 'out/dropout_boosting_curve.csv' CSV HEADER
