SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- attach_scoring / detach_scoring: risk columns filled as rows arrive (docs/scoring.md).
CREATE SCHEMA scoring_t;
SET search_path = scoring_t, public;
SET extra_float_digits = 0;

CREATE TABLE history AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN (g % 10) + ((g * 7) % 13) > 11 THEN 'leaves' ELSE 'stays' END AS outcome,
       (ARRAY['a', 'b', 'c'])[1 + g % 3] AS three, ((g % 10) * 2.5 + (g * 7) % 13)::float8 AS amount
FROM generate_series(1, 300) g;
SELECT version FROM edupredict.train_forest('scoring_test', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 10, seed => 1, test_fraction => 0);
SELECT edupredict.model_classes('scoring_test');

-- The scored table: features, a key, and the output column.
CREATE TABLE students (student_id int PRIMARY KEY, x1 float8, x2 float8, note text, risk float8);
SELECT * FROM edupredict.attach_scoring('students', 'scoring_test', 'risk', class => 'leaves',
                                        alert_threshold => 0.5, alert_key => 'student_id',
                                        alert_channel => 'scoring_t_alerts');
SELECT tgname, tgtype, tgenabled FROM pg_trigger WHERE tgrelid = 'students'::regclass ORDER BY tgname;

-- One row at a time, many in one statement, and COPY: every row gets the
-- model's probability of 'leaves', exactly what predict_proba returns.
INSERT INTO students VALUES (1, 9, 12, NULL, NULL);
INSERT INTO students VALUES (2, 0, 1, NULL, 0.123);
INSERT INTO students SELECT g, g % 10, (g * 5) % 13, NULL, NULL FROM generate_series(3, 40) g;
COPY students (student_id, x1, x2) FROM STDIN;
41	8	11
42	1	2
43	\N	7
\.
SELECT count(*) AS rows, count(risk) AS scored,
       count(*) FILTER (WHERE risk = edupredict.predict_proba('scoring_test', s, 'leaves')) AS as_predict_proba
FROM students s;
SELECT student_id, round(risk::numeric, 3) AS risk FROM students WHERE student_id IN (1, 2, 43) ORDER BY 1;

-- Updates: changing a feature re-scores; changing only the risk keeps it;
-- changing another column re-scores with the same result.
UPDATE students SET x1 = 0, x2 = 0 WHERE student_id = 1;
UPDATE students SET risk = 0.5 WHERE student_id = 2;
UPDATE students SET note = 'called' WHERE student_id = 3;
SELECT student_id, round(risk::numeric, 3) AS risk,
       risk = edupredict.predict_proba('scoring_test', s, 'leaves') AS as_predict_proba
FROM students s WHERE student_id IN (1, 2, 3) ORDER BY 1;

-- Alerts: one row per new row at or above the threshold; an update alerts
-- only when the risk crosses it.
SELECT count(*) AS alerts, count(*) FILTER (WHERE a.risk >= 0.5) AS at_or_above,
       count(DISTINCT entity_key) AS keys, min(version) AS version, min(model) AS model,
       min(source_table) AS source, min(output_column) AS col
FROM students_risk_alerts a;
SELECT count(*) AS missing_alerts FROM students s
WHERE s.risk >= 0.5 AND s.student_id <> 2
  AND NOT EXISTS (SELECT 1 FROM students_risk_alerts a WHERE a.entity_key = s.student_id::text);
SELECT count(*) AS before FROM students_risk_alerts \gset
UPDATE students SET x1 = 9, x2 = 12 WHERE student_id = 1;   -- crosses upwards: one alert
UPDATE students SET x1 = 9, x2 = 12 WHERE student_id = 1;   -- already above: none
SELECT count(*) - :before AS new_alerts FROM students_risk_alerts;

-- Notifications, seen by another session (its PID masked).
\! psql -X -q -d contrib_regression -c 'LISTEN scoring_t_alerts' -c "INSERT INTO scoring_t.students VALUES (100, 9, 12, 'via psql', NULL)" -c 'SELECT 1 AS done' 2>&1 | sed -E 's/(alert_id": )[0-9]+/\1N/; s/PID [0-9]+/PID N/'

-- Redeploying takes effect at the next statement, without re-attaching.
SELECT version FROM edupredict.train_forest('scoring_test', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 3, max_depth => 1, seed => 7, test_fraction => 0);
SELECT version, deployed FROM edupredict.deploy('scoring_test', 1);
INSERT INTO students VALUES (101, 4, 6, NULL, NULL), (103, 9, 12, NULL, NULL);
SELECT version, deployed FROM edupredict.deploy('scoring_test', 2);
INSERT INTO students VALUES (102, 4, 6, NULL, NULL), (104, 9, 12, NULL, NULL);
SELECT student_id, risk = edupredict.predict_proba('scoring_test', s, 'leaves') AS as_deployed_model
FROM students s WHERE student_id IN (101, 102) ORDER BY 1;
SELECT (SELECT risk FROM students WHERE student_id = 101) <> (SELECT risk FROM students WHERE student_id = 102)
       AS versions_differ;
SELECT entity_key, version FROM students_risk_alerts WHERE entity_key IN ('103', '104') ORDER BY 1;

-- A regression model fills the predicted value.
SELECT version FROM edupredict.train_forest('scoring_test_amount', 'history', 'amount', features => '{x1,x2}',
                                            n_trees => 5, seed => 3, test_fraction => 0);
CREATE TABLE amounts (x1 float8, x2 float8, predicted float8);
SELECT * FROM edupredict.attach_scoring('amounts', 'scoring_test_amount', 'predicted');
INSERT INTO amounts VALUES (3, 4, NULL), (7, 1, NULL);
SELECT count(*) FILTER (WHERE predicted = edupredict.predict('scoring_test_amount', a)::float8) AS as_predict
FROM amounts a;

-- Dropping the model while attached: the next insert fails with the
-- registry's error naming the model; nothing is written.
DELETE FROM edupredict.models WHERE name = 'scoring_test_amount';
INSERT INTO amounts VALUES (1, 1, NULL);
SELECT count(*) FROM amounts;

-- Who may do what: only the table's owner attaches and detaches; a role that
-- may only insert needs no right on the model or the alerts table, because
-- scoring and alerts run as the table's owner.
CREATE ROLE regress_scoring_clerk;
GRANT USAGE ON SCHEMA scoring_t TO regress_scoring_clerk;
GRANT INSERT, SELECT ON students TO regress_scoring_clerk;
SET ROLE regress_scoring_clerk;
INSERT INTO students VALUES (200, 9, 12, 'by the clerk', NULL);
SELECT student_id, risk IS NOT NULL AS scored FROM students WHERE student_id = 200;
SELECT * FROM students_risk_alerts;
SELECT * FROM edupredict.attach_scoring('students', 'scoring_test', 'risk');
SELECT * FROM edupredict.detach_scoring('students', 'risk');
RESET ROLE;
SELECT count(*) AS clerk_alerts FROM students_risk_alerts WHERE entity_key = '200';
-- a hand-made trigger cannot aim the alerts at a table of another owner
CREATE TABLE not_mine (alert_id int);
ALTER TABLE not_mine OWNER TO regress_scoring_clerk;
CREATE TABLE crafted (k int, x1 float8, x2 float8, risk float8);
CREATE TRIGGER crafted_alerts AFTER INSERT ON crafted REFERENCING NEW TABLE AS n FOR EACH STATEMENT
  EXECUTE FUNCTION edupredict.alert_rows('scoring_test', 'risk', 'k', '0', 'scoring_t.not_mine', '');
INSERT INTO crafted VALUES (1, 9, 12, 0.9);
DROP TRIGGER crafted_alerts ON crafted;
DO $$
BEGIN
  EXECUTE format('CREATE TRIGGER crafted_alerts AFTER INSERT ON scoring_t.crafted REFERENCING NEW TABLE AS n '
                 'FOR EACH STATEMENT EXECUTE FUNCTION edupredict.alert_rows(%L, %L, %L, %L, %L, %L)',
                 'scoring_test', 'risk', 'k', '0', 'scoring_t.not_mine'::regclass::oid, '');
END
$$;
INSERT INTO crafted VALUES (1, 9, 12, 0.9);
-- the trigger functions refuse to be called any other way
SELECT edupredict.score_row();
CREATE TRIGGER crafted_score AFTER INSERT ON crafted FOR EACH ROW EXECUTE FUNCTION edupredict.score_row('scoring_test', 'stays', 'risk');
INSERT INTO crafted VALUES (2, 1, 1, NULL);
-- nor fired on anything but INSERT or UPDATE, with other arguments, or on
-- anything but an ordinary table
DROP TRIGGER crafted_score ON crafted;
DROP TRIGGER crafted_alerts ON crafted;
INSERT INTO crafted VALUES (2, 1, 1, NULL);
CREATE TRIGGER crafted_score BEFORE DELETE ON crafted FOR EACH ROW
  EXECUTE FUNCTION edupredict.score_row('scoring_test', 'stays', 'risk', '10');
DELETE FROM crafted;
DROP TRIGGER crafted_score ON crafted;
CREATE TRIGGER crafted_score BEFORE INSERT ON crafted FOR EACH ROW EXECUTE FUNCTION edupredict.score_row('scoring_test', 'stays', 'risk');
INSERT INTO crafted VALUES (2, 1, 1, NULL);
DROP TRIGGER crafted_score ON crafted;
CREATE TABLE crafted_parted (k int, risk float8) PARTITION BY LIST (k);
CREATE TABLE crafted_part1 PARTITION OF crafted_parted FOR VALUES IN (1);
CREATE TRIGGER crafted_alerts AFTER INSERT ON crafted_parted REFERENCING NEW TABLE AS n FOR EACH STATEMENT
  EXECUTE FUNCTION edupredict.alert_rows('scoring_test', 'risk', 'k', '0', '0', '');
INSERT INTO crafted_parted VALUES (1, 0.9);
-- alert_rows refuses a threshold that is not a finite number, a trigger
-- without transition tables, and output or key columns that are not there or
-- of another type (the alerts table is the crafted table owner's own)
CREATE TABLE crafted_log (alert_id bigserial, source_table text, entity_key text, model text, version int,
                          output_column text, risk float8);
SELECT 'crafted_log'::regclass::oid AS crafted_log \gset
-- (re)creates the hand-made trigger crafted_alerts with these arguments
CREATE PROCEDURE pg_temp.craft_alerts(risk text, key text, threshold text, alerts oid, channel text DEFAULT '',
                                      transition boolean DEFAULT true) LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'scoring_t.crafted'::regclass AND tgname = 'crafted_alerts') THEN
    DROP TRIGGER crafted_alerts ON scoring_t.crafted;
  END IF;
  EXECUTE format('CREATE TRIGGER crafted_alerts AFTER INSERT ON scoring_t.crafted %s FOR EACH STATEMENT '
                 'EXECUTE FUNCTION edupredict.alert_rows(%L, %L, %L, %L, %L, %L)',
                 CASE WHEN transition THEN 'REFERENCING NEW TABLE AS n' END,
                 'scoring_test', risk, key, threshold, alerts, channel);
END $$;
CALL pg_temp.craft_alerts('risk', 'k', 'NaN', :crafted_log);
INSERT INTO crafted VALUES (3, 9, 12, 0.9);
CALL pg_temp.craft_alerts('risk', 'k', '0.5x', :crafted_log);
INSERT INTO crafted VALUES (3, 9, 12, 0.9);
CALL pg_temp.craft_alerts('risk', 'k', '0.5', :crafted_log, transition => false);
INSERT INTO crafted VALUES (3, 9, 12, 0.9);
CALL pg_temp.craft_alerts('k', 'k', '0.5', :crafted_log);
INSERT INTO crafted VALUES (3, 9, 12, 0.9);
CALL pg_temp.craft_alerts('risk', 'nokey', '0.5', :crafted_log);
INSERT INTO crafted VALUES (3, 9, 12, 0.9);

-- a hand-made alerts table whose alert_id is not a bigint is refused when
-- alert_rows notifies (the value would be read as a bigint); a NULL alert_id
-- is announced as null
CREATE TABLE crafted_log_text (LIKE crafted_log);
ALTER TABLE crafted_log_text ALTER COLUMN alert_id TYPE text, ALTER COLUMN alert_id SET DEFAULT 'a1';
CREATE TABLE crafted_log_null (alert_id bigint, source_table text, entity_key text, model text, version int,
                               output_column text, risk float8);
CALL pg_temp.craft_alerts('risk', 'k', '0.5', 'crafted_log_text'::regclass, 'scoring_t_crafted');
INSERT INTO crafted VALUES (3, 9, 12, 0.9);
CALL pg_temp.craft_alerts('risk', 'k', '0.5', 'crafted_log_null'::regclass, 'scoring_t_crafted');
\! psql -X -q -d contrib_regression -c 'LISTEN scoring_t_crafted' -c "INSERT INTO scoring_t.crafted VALUES (4, 9, 12, 0.9)" -c 'SELECT 1 AS done' 2>&1 | sed -E 's/PID [0-9]+/PID N/'
SELECT alert_id, entity_key FROM crafted_log_null;
DROP TRIGGER crafted_alerts ON crafted;

-- Model names are one namespace: after the owner drops a model, another role
-- may register the name (and grant it to everyone); scoring attached to the
-- old owner's model then fails instead of using the new one.
CREATE TABLE pinned (x1 float8, x2 float8, risk float8);
SELECT version FROM edupredict.train_forest('scoring_test_pin', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 3, seed => 1, test_fraction => 0);
SELECT object_type FROM edupredict.attach_scoring('pinned', 'scoring_test_pin', 'risk', class => 'leaves');
INSERT INTO pinned VALUES (9, 12, NULL);
SELECT edupredict.drop_model('scoring_test_pin');
GRANT edupredict_user TO regress_scoring_clerk;
GRANT SELECT ON history TO regress_scoring_clerk;
SET ROLE regress_scoring_clerk;
SELECT version FROM edupredict.train_forest('scoring_test_pin', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 3, seed => 2, test_fraction => 0);
SELECT edupredict.grant_model('scoring_test_pin', 'PUBLIC');
RESET ROLE;
INSERT INTO pinned VALUES (1, 1, NULL);
SELECT count(*) AS scored_rows FROM pinned;
-- attached again, the new owner's model scores
SELECT object_type FROM edupredict.detach_scoring('pinned', 'risk');
SELECT object_type FROM edupredict.attach_scoring('pinned', 'scoring_test_pin', 'risk', class => 'leaves');
INSERT INTO pinned VALUES (1, 1, NULL);
SELECT count(*) AS scored_rows FROM pinned WHERE risk IS NOT NULL;
SELECT object_type FROM edupredict.detach_scoring('pinned', 'risk');
SET ROLE regress_scoring_clerk;
SELECT edupredict.drop_model('scoring_test_pin');
RESET ROLE;
REVOKE edupredict_user FROM regress_scoring_clerk;

-- Bad arguments; a failed attach leaves the table as it was.
SELECT * FROM edupredict.attach_scoring('students', 'no_such_model', 'score');
SELECT * FROM edupredict.attach_scoring('students', 'scoring_test', 'note');
SELECT * FROM edupredict.attach_scoring('students', 'scoring_test', 'risk');
SELECT * FROM edupredict.attach_scoring('amounts', 'no_such_model', 'predicted');
SELECT version FROM edupredict.train_forest('scoring_test_three', 'history', 'three', features => '{x1,x2}',
                                            n_trees => 3, seed => 1, test_fraction => 0);
CREATE TABLE three (x1 float8, x2 float8, p float8, q float8);
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test_three', 'p');
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test_three', 'p', class => 'd');
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test', 'p', class => 'stays', alert_threshold => 'NaN', alert_key => 'x1');
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test', 'p', class => 'stays', alert_threshold => 0.5);
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test', 'p', alert_key => 'x1');
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test', 'p', alert_threshold => 0.5, alert_key => 'x1',
                                        alert_channel => repeat('c', 64));
CREATE TABLE three_p_alerts (taken int);
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test', 'p', alert_threshold => 0.5, alert_key => 'x1');
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgrelid = 'three'::regclass;
CREATE TABLE lacks (x1 float8, risk float8);
SELECT * FROM edupredict.attach_scoring('lacks', 'scoring_test', 'risk');
CREATE VIEW students_v AS SELECT * FROM students;
SELECT * FROM edupredict.attach_scoring('students_v', 'scoring_test', 'risk');
SELECT * FROM edupredict.attach_scoring(NULL, 'scoring_test', 'risk');
SELECT * FROM edupredict.detach_scoring('three', 'p');
-- A caller-given column name or class is cut in messages (its first 64
-- characters and ...), like a model name: a 100 kB argument is no 100 kB message.
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test_three', repeat('c', 100000));
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test_three', 'p', class => repeat('k', 100000));
SELECT * FROM edupredict.detach_scoring('three', repeat('c', 100000));
-- a column name may be 63 bytes; above 42 the scoring objects could not be named after it
ALTER TABLE three ADD COLUMN risk_of_leaving_before_the_end_of_the_year_46b float8;
SELECT * FROM edupredict.attach_scoring('three', 'scoring_test', 'risk_of_leaving_before_the_end_of_the_year_46b', class => 'stays');

-- Detach removes everything attach created (keep_alerts keeps the alerts).
SELECT * FROM edupredict.detach_scoring('students', 'risk');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'students'::regclass;
SELECT to_regclass('scoring_t.students_risk_alerts') AS alerts_table;
INSERT INTO students VALUES (300, 9, 12, NULL, NULL);
SELECT risk FROM students WHERE student_id = 300;
SELECT * FROM edupredict.attach_scoring('students', 'scoring_test', 'risk', alert_threshold => 0.9, alert_key => 'student_id');
SELECT * FROM edupredict.detach_scoring('students', 'risk', keep_alerts => true);
SELECT to_regclass('scoring_t.students_risk_alerts') AS kept;
SELECT * FROM edupredict.detach_scoring('amounts', 'predicted');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA scoring_t CASCADE;
DROP ROLE regress_scoring_clerk;
DELETE FROM edupredict.models WHERE name LIKE 'scoring\_test%';
RESET client_min_messages;
