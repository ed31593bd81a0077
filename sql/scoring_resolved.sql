SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Scoring triggers with edupredict.resolve_model_names = on (what 'auto' does
-- once citus is installed): the planner hook rewrites name-based calls into
-- *_by_ref twins fed by a subquery.  The trigger plans its own model call
-- with the rewrite off (docs/scoring.md), so inserts, updates and COPY
-- score exactly as with the setting off, and the session's setting is kept.
CREATE SCHEMA scoring_r;
SET search_path = scoring_r, public;
SET extra_float_digits = 0;

CREATE TABLE history AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN (g % 10) + ((g * 7) % 13) > 11 THEN 'leaves' ELSE 'stays' END AS outcome,
       ((g % 10) * 2.5 + (g * 7) % 13)::float8 AS amount
FROM generate_series(1, 300) g;
SELECT version FROM edupredict.train_forest('scoring_resolved', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 10, seed => 1, test_fraction => 0);
SELECT version FROM edupredict.train_forest('scoring_resolved_amount', 'history', 'amount', features => '{x1,x2}',
                                            n_trees => 5, seed => 3, test_fraction => 0);

-- Two copies of one scored table: rows written with the setting off, and the
-- same rows written with it on.
CREATE TABLE t_off (k int PRIMARY KEY, x1 float8, x2 float8, note text, risk float8);
CREATE TABLE t_on (LIKE t_off INCLUDING ALL);
SELECT object_type FROM edupredict.attach_scoring('t_off', 'scoring_resolved', 'risk', class => 'leaves',
                                                  alert_threshold => 0.5, alert_key => 'k');
SELECT object_type FROM edupredict.attach_scoring('t_on', 'scoring_resolved', 'risk', class => 'leaves',
                                                  alert_threshold => 0.5, alert_key => 'k');
CREATE TABLE a_off (k int, x1 float8, x2 float8, predicted float8);
CREATE TABLE a_on (LIKE a_off);
SELECT object_type FROM edupredict.attach_scoring('a_off', 'scoring_resolved_amount', 'predicted');
SELECT object_type FROM edupredict.attach_scoring('a_on', 'scoring_resolved_amount', 'predicted');

SET edupredict.resolve_model_names = off;
INSERT INTO t_off VALUES (3, 9, 1, 'a', NULL);
INSERT INTO t_off SELECT g, g % 10, (g * 5) % 13, NULL, 0.5 FROM generate_series(10, 40) g;
COPY t_off (k, x1, x2) FROM STDIN;
41	8	11
42	1	2
43	\N	7
\.
UPDATE t_off SET x1 = 0, x2 = 0 WHERE k = 3;
UPDATE t_off SET note = 'called' WHERE k BETWEEN 10 AND 15;
UPDATE t_off SET x2 = x2 + 3 WHERE k BETWEEN 20 AND 30;
INSERT INTO a_off VALUES (1, 3, 4, NULL), (2, 7, 1, NULL);
COPY a_off (k, x1, x2) FROM STDIN;
3	5	5
\.
UPDATE a_off SET x1 = 9 WHERE k = 1;

-- The same writes with the rewrite on.  It is on for the session's own
-- queries: this plan calls predict_proba_by_ref.
SET edupredict.resolve_model_names = on;
-- (the plan's lines about the call only: how the registry is scanned is the planner's choice)
CREATE FUNCTION pg_temp.call_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    IF l ~ 'predict_proba|InitPlan|model_ref_lookup' THEN RETURN NEXT pg_catalog.btrim(l); END IF;
  END LOOP;
END $f$;
SELECT pg_temp.call_plan($q$SELECT edupredict.predict_proba('scoring_resolved', t, 'leaves') FROM t_on t$q$);
INSERT INTO t_on VALUES (3, 9, 1, 'a', NULL);
INSERT INTO t_on SELECT g, g % 10, (g * 5) % 13, NULL, 0.5 FROM generate_series(10, 40) g;
COPY t_on (k, x1, x2) FROM STDIN;
41	8	11
42	1	2
43	\N	7
\.
UPDATE t_on SET x1 = 0, x2 = 0 WHERE k = 3;
UPDATE t_on SET note = 'called' WHERE k BETWEEN 10 AND 15;
UPDATE t_on SET x2 = x2 + 3 WHERE k BETWEEN 20 AND 30;
INSERT INTO a_on VALUES (1, 3, 4, NULL), (2, 7, 1, NULL);
COPY a_on (k, x1, x2) FROM STDIN;
3	5	5
\.
UPDATE a_on SET x1 = 9 WHERE k = 1;
SHOW edupredict.resolve_model_names;

-- Every risk equals the one written with the setting off, and what
-- predict_proba (predict) returns for the row.
SELECT count(*) AS rows, count(n.risk) AS scored,
       count(*) FILTER (WHERE n.risk IS NOT DISTINCT FROM f.risk) AS as_setting_off,
       count(*) FILTER (WHERE n.risk = edupredict.predict_proba('scoring_resolved', n, 'leaves')) AS as_predict_proba
FROM t_on n FULL JOIN t_off f USING (k);
SELECT count(*) AS rows, count(n.predicted) AS scored,
       count(*) FILTER (WHERE n.predicted IS NOT DISTINCT FROM f.predicted) AS as_setting_off,
       count(*) FILTER (WHERE n.predicted = edupredict.predict('scoring_resolved_amount', n)::float8) AS as_predict
FROM a_on n FULL JOIN a_off f USING (k);
SELECT (SELECT count(*) FROM t_on_risk_alerts) AS alerts_on, (SELECT count(*) FROM t_off_risk_alerts) AS alerts_off;
SELECT k, round(risk::numeric, 3) AS risk FROM t_on WHERE k IN (3, 10, 43) ORDER BY k;

-- A statement whose own call is rewritten (its value is then overwritten by
-- the trigger), and a redeploy that the next statement uses.
INSERT INTO t_on SELECT 100 + id, x1, x2, 'from history', edupredict.predict_proba('scoring_resolved', h, 'stays')
FROM history h WHERE id <= 5;
SELECT count(*) FILTER (WHERE risk = edupredict.predict_proba('scoring_resolved', t, 'leaves')) AS as_predict_proba
FROM t_on t WHERE k > 100;
SELECT version FROM edupredict.train_forest('scoring_resolved', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 3, max_depth => 1, seed => 7, test_fraction => 0);
INSERT INTO t_on VALUES (200, 4, 6, NULL, NULL);
SELECT risk = edupredict.predict_proba('scoring_resolved', t, 'leaves', 2) AS as_version_2,
       risk <> edupredict.predict_proba('scoring_resolved', t, 'leaves', 1) AS not_version_1
FROM t_on t WHERE k = 200;

RESET edupredict.resolve_model_names;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA scoring_r CASCADE;
DELETE FROM edupredict.models WHERE name LIKE 'scoring\_resolved%';
RESET client_min_messages;
