-- Scoring as rows arrive: new enrolments are scored by the dropout forest of
-- demo/30_forest.sql the moment they are inserted (one row, or a bulk COPY),
-- and students at high risk are written to an alerts table and announced on
-- a notification channel that an advisers' tool can LISTEN to.
SET client_min_messages = warning;
\echo '--- scoring as rows arrive: attach_scoring on a table of new enrolments'
-- The held-out fifth of the UCI students (never seen in training) plays the
-- new enrolments; their outcome (target) is kept only to compare afterwards.
DROP TABLE IF EXISTS edupredict_data.new_enrolments, edupredict_data.new_enrolments_dropout_risk_alerts CASCADE;
CREATE TABLE edupredict_data.new_enrolments (LIKE edupredict_data.students);
ALTER TABLE edupredict_data.new_enrolments ADD PRIMARY KEY (student_id), ADD COLUMN dropout_risk double precision;
SELECT * FROM edupredict.attach_scoring('edupredict_data.new_enrolments', 'dropout', 'dropout_risk',
       class => 'Dropout', alert_threshold => 0.8, alert_key => 'student_id', alert_channel => 'dropout_alerts');

\echo 'single-row inserts, with this session listening on dropout_alerts:'
LISTEN dropout_alerts;
INSERT INTO edupredict_data.new_enrolments SELECT s.*, NULL FROM edupredict_data.students_holdout s WHERE s.student_id = 5;
INSERT INTO edupredict_data.new_enrolments SELECT s.*, NULL FROM edupredict_data.students_holdout s WHERE s.student_id = 45;
INSERT INTO edupredict_data.new_enrolments SELECT s.*, NULL FROM edupredict_data.students_holdout s WHERE s.student_id = 40;
UNLISTEN dropout_alerts;
SELECT student_id, round(dropout_risk::numeric, 3) AS dropout_risk, target AS later_outcome
FROM edupredict_data.new_enrolments ORDER BY student_id;

\echo 'a bulk load (COPY) of the other held-out students: every row scored as it is written'
\copy (SELECT s.*, NULL FROM edupredict_data.students_holdout s WHERE s.student_id NOT IN (5, 40, 45)) TO 'out/new_enrolments.csv' CSV
\copy edupredict_data.new_enrolments FROM 'out/new_enrolments.csv' CSV
SELECT count(*) AS enrolments, count(dropout_risk) AS scored,
       count(*) FILTER (WHERE dropout_risk >= 0.8) AS at_or_above_0_8
FROM edupredict_data.new_enrolments;

\echo 'the alerts table (first rows) and how the alerted students turned out'
SELECT alert_id, entity_key AS student_id, model, version, round(risk::numeric, 3) AS risk
FROM edupredict_data.new_enrolments_dropout_risk_alerts ORDER BY alert_id LIMIT 5;
SELECT e.target AS later_outcome, count(*) AS alerted
FROM edupredict_data.new_enrolments_dropout_risk_alerts a
JOIN edupredict_data.new_enrolments e ON e.student_id::text = a.entity_key
GROUP BY 1 ORDER BY 2 DESC;
\copy (SELECT a.alert_id, a.entity_key AS student_id, a.model, a.version, a.risk, e.target AS later_outcome FROM edupredict_data.new_enrolments_dropout_risk_alerts a JOIN edupredict_data.new_enrolments e ON e.student_id::text = a.entity_key ORDER BY a.alert_id) TO 'out/dropout_alerts.csv' CSV HEADER
\echo 'scoring stays attached for exploration; edupredict.detach_scoring(''edupredict_data.new_enrolments'', ''dropout_risk'') removes it'
