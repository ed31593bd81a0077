-- Why is this student at risk, and can the risk be trusted?  Uses the
-- 'dropout' forest of demo/30_forest.sql (trained on four fifths of the UCI
-- students; the fifth with student_id % 5 = 0 is held out).
\echo '--- explanations, calibration, thresholds and drift (docs/explain.md)'

\echo 'the top 3 reasons for the 20 held-out students at highest risk of dropping out (exact TreeSHAP)'
CREATE TEMP TABLE demo_reasons AS
WITH risk AS (
  SELECT s.student_id, edupredict.predict_proba('dropout', s, 'Dropout') AS risk
  FROM edupredict_data.students_holdout s ORDER BY 2 DESC, 1 LIMIT 20)
SELECT r.student_id, round(r.risk::numeric, 3) AS dropout_risk, e.rank, e.feature, e.value,
       round(e.contribution::numeric, 4) AS contribution, s.target AS actual
FROM risk r
JOIN edupredict_data.students_holdout s USING (student_id)
CROSS JOIN LATERAL (SELECT row_number() OVER () AS rank, x.*
                    FROM edupredict.explain('dropout', s, top_k => 3, class => 'Dropout') x) e
ORDER BY r.risk DESC, r.student_id, e.rank;
SELECT * FROM demo_reasons
WHERE student_id IN (SELECT DISTINCT ON (dropout_risk, student_id) student_id FROM demo_reasons
                     ORDER BY dropout_risk DESC, student_id LIMIT 3)
ORDER BY dropout_risk DESC, student_id, rank;
\copy (SELECT * FROM demo_reasons ORDER BY dropout_risk DESC, student_id, rank) TO 'out/dropout_reasons.csv' CSV HEADER
\echo 'every risk starts from the same base value (the training rows'' average) and the reasons add up to it'
SELECT round(edupredict.explain_base_value('dropout', 'Dropout')::numeric, 4) AS base_value,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value('dropout', 'Dropout')
                                  + (SELECT sum(contribution) FROM edupredict.explain('dropout', s, class => 'Dropout'))
                                  - edupredict.predict_proba('dropout', s, 'Dropout')) < 1e-9) AS students_adding_up,
       count(*) AS held_out_students
FROM edupredict_data.students_holdout s;
\echo 'what matters most over all held-out students: mean |contribution| to the predicted class'
SELECT feature, round(mean_abs_contribution::numeric, 4) AS mean_abs
FROM edupredict.global_importance('dropout', 'edupredict_data.students_holdout') LIMIT 5;
\copy (SELECT * FROM edupredict.global_importance('dropout', 'edupredict_data.students_holdout')) TO 'out/dropout_global_importance.csv' CSV HEADER

-- Calibration needs rows the trees never saw: a second forest learns on
-- three quarters of the training students and is calibrated on the fourth;
-- both are judged on the held-out fifth.
CREATE OR REPLACE VIEW edupredict_data.students_fit AS
SELECT s.* FROM edupredict_data.students_train s WHERE s.student_id % 4 <> 1;
CREATE OR REPLACE VIEW edupredict_data.students_calibrate AS
SELECT s.* FROM edupredict_data.students_train s WHERE s.student_id % 4 = 1;
\echo 'calibration: a forest on three quarters of the training students, calibrated (isotonic) on the fourth'
SELECT version FROM edupredict.train_forest('dropout_cal', 'edupredict_data.students_fit', 'target',
       features => (SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'edupredict_data.student_features'::regclass AND attnum > 0
                      AND NOT attisdropped AND attname <> 'target'), test_fraction => 0);
SELECT new_version, method_used, n_rows FROM edupredict.calibrate('dropout_cal', 'edupredict_data.students_calibrate');
\echo 'on the held-out students, before (version 1) and after (version 2)'
SELECT metric, round(max(value) FILTER (WHERE v = 1)::numeric, 4) AS before,
       round(max(value) FILTER (WHERE v = 2)::numeric, 4) AS after
FROM unnest(ARRAY[1, 2]) v, edupredict.evaluate('dropout_cal', 'edupredict_data.students_holdout', v)
WHERE metric IN ('brier_score', 'ece', 'log_loss', 'accuracy', 'roc_auc') GROUP BY metric ORDER BY metric;
\copy (SELECT v AS version, r.* FROM unnest(ARRAY[1, 2]) v, edupredict.reliability('dropout_cal', 'edupredict_data.students_holdout', 10, 'Dropout', v) r) TO 'out/dropout_reliability.csv' CSV HEADER
\copy (SELECT * FROM edupredict.roc_curve('dropout_cal', 'edupredict_data.students_holdout', 'Dropout', 2)) TO 'out/dropout_roc.csv' CSV HEADER

-- (on the uncalibrated version: isotonic calibration maps many students to
-- the same probability, and a cut-off cannot split ties)
\echo 'thresholds: 60 advisers can each take one student; which cut-off flags 60 of the calibration students?'
SELECT new_version, label, rule_used, round(threshold::numeric, 3) AS threshold, flagged, n_rows,
       round("precision"::numeric, 3) AS "precision", round(recall::numeric, 3) AS recall
FROM edupredict.choose_threshold('dropout_cal', 'edupredict_data.students_calibrate', 'Dropout', 'top_k 60', version => 1);
\echo 'the same version then flags held-out students by that cut-off; the edX rule (flag above the base rate) for comparison'
SELECT new_version, rule_used, round(threshold::numeric, 3) AS threshold
FROM edupredict.choose_threshold('dropout_cal', 'edupredict_data.students_calibrate', 'Dropout', 'prior', version => 1);
SELECT v AS version, count(*) FILTER (WHERE edupredict.predict('dropout_cal', s, v) = 'Dropout') AS flagged_dropout,
       count(*) FILTER (WHERE edupredict.predict('dropout_cal', s, v) = 'Dropout' AND s.target = 'Dropout') AS actual_dropouts_among_them
FROM unnest(ARRAY[1, 3, 4]) v, edupredict_data.students_holdout s GROUP BY v ORDER BY v;

\echo 'drift: the held-out students against the training rows (PSI per feature; stable < 0.1 <= watch < 0.25 <= shifted)'
SELECT kind, verdict, count(*) AS rows FROM edupredict.drift('dropout', 'edupredict_data.students_holdout')
GROUP BY kind, verdict ORDER BY kind, verdict;
\echo 'and a cohort whose admission grades were recorded on another scale'
CREATE TEMP TABLE demo_rescaled AS SELECT * FROM edupredict_data.students_holdout;
UPDATE demo_rescaled SET admission_grade = admission_grade / 10;
SELECT feature, round(psi::numeric, 3) AS psi, verdict FROM edupredict.drift('dropout', 'demo_rescaled')
WHERE verdict <> 'stable' ORDER BY psi DESC;
\copy (SELECT * FROM edupredict.drift('dropout', 'edupredict_data.students_holdout')) TO 'out/dropout_drift.csv' CSV HEADER
