SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Which writes alert (docs/scoring.md, "What happens on writes"): an update
-- alerts only when the risk crossed the threshold.
CREATE SCHEMA scoring_alerts_t;
SET search_path = scoring_alerts_t, public;
SET extra_float_digits = 0;

CREATE TABLE history AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN (g % 10) + ((g * 7) % 13) > 11 THEN 'leaves' ELSE 'stays' END AS outcome
FROM generate_series(1, 300) g;
SELECT version FROM edupredict.train_forest('alerts_test', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 10, seed => 1, test_fraction => 0);
CREATE TABLE nk (k int, x1 float8, x2 float8, note text, risk float8);
SELECT object_type FROM edupredict.attach_scoring('nk', 'alerts_test', 'risk', class => 'leaves',
                                                  alert_threshold => 0.5, alert_key => 'k');
-- (9, 12) scores above the threshold, (0, 0) below it.
SELECT edupredict.predict_proba('alerts_test', r, 'leaves') >= 0.5 AS above
FROM (VALUES (9::float8, 12::float8), (0, 0)) r(x1, x2);

-- A row whose key is NULL: NULL keys count as one key for the crossing test,
-- so updates that keep it above the threshold do not alert again.
INSERT INTO nk VALUES (NULL, 9, 12, 'a', NULL);
UPDATE nk SET note = 'b';
UPDATE nk SET note = 'c';
SELECT count(*) AS alerts FROM nk_risk_alerts WHERE entity_key IS NULL;
-- it still alerts when its risk crosses the threshold again
UPDATE nk SET x1 = 0, x2 = 0;
UPDATE nk SET x1 = 9, x2 = 12;
SELECT count(*) AS alerts FROM nk_risk_alerts WHERE entity_key IS NULL;
-- keyed rows beside it are unaffected: one update statement, one crossing
INSERT INTO nk VALUES (1, 0, 0, 'd', NULL), (2, 9, 12, 'e', NULL);
UPDATE nk SET x1 = 9, x2 = 12;
SELECT entity_key, count(*) AS alerts FROM nk_risk_alerts GROUP BY 1 ORDER BY 1;

-- Manual overrides: an update of the risk alone keeps the value written.  A
-- non-finite one (NaN sorts above every number) is no risk: it never alerts
-- and, as an old value, is not at or above the threshold.  A finite one that
-- crosses the threshold alerts like a score.
CREATE TABLE ov (k int PRIMARY KEY, x1 float8, x2 float8, note text, risk float8);
SELECT object_type FROM edupredict.attach_scoring('ov', 'alerts_test', 'risk', class => 'leaves',
                                                  alert_threshold => 0.5, alert_key => 'k');
INSERT INTO ov VALUES (1, 0, 0, NULL, NULL), (2, 0, 0, NULL, NULL), (3, 9, 12, NULL, NULL);
UPDATE ov SET risk = 'NaN' WHERE k = 1;
UPDATE ov SET risk = 'Infinity' WHERE k = 2;
UPDATE ov SET risk = 'NaN' WHERE k = 3;
SELECT k, risk FROM ov ORDER BY k;
SELECT entity_key, risk, model, version FROM ov_risk_alerts ORDER BY alert_id;
UPDATE ov SET risk = 0.9 WHERE k = 1;              -- from NaN, by hand
UPDATE ov SET x1 = 9, x2 = 12 WHERE k = 2;         -- from Infinity, scored
UPDATE ov SET note = 'called' WHERE k = 3;         -- from NaN, scored again
SELECT entity_key, risk, model, version FROM ov_risk_alerts ORDER BY alert_id;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA scoring_alerts_t CASCADE;
DELETE FROM edupredict.models WHERE name = 'alerts_test';
RESET client_min_messages;
