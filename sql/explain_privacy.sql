-- Who may explain, calibrate, threshold, profile and check drift of a
-- registry model: a role granted the model reads and scores it (explain,
-- drift, the curves), never writes a version of it (calibrate,
-- choose_threshold, model_profile), and is refused before any row of the
-- relation is read; a role not granted it sees nothing.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE regress_exp_alice;              -- owns regress_exp_m
CREATE ROLE regress_exp_bob;                -- granted regress_exp_m (read and use)
CREATE ROLE regress_exp_carol;              -- an analyst not granted it
GRANT edupredict_user TO regress_exp_alice, regress_exp_bob, regress_exp_carol;

CREATE SCHEMA regress_exp;
GRANT USAGE ON SCHEMA regress_exp TO PUBLIC;
CREATE TABLE regress_exp.pupils AS
SELECT x AS id, x::float8 AS score, (x % 3)::float8 AS absences,
       CASE WHEN x % 7 > 2 THEN 'pass' ELSE 'fail' END AS outcome
FROM generate_series(1, 60) x;
-- reading this view fails: a refusal that comes first shows no row was read
CREATE VIEW regress_exp.unreadable AS
SELECT score, absences, outcome FROM regress_exp.pupils WHERE 1 / (score * 0) = 1;
GRANT SELECT ON regress_exp.pupils, regress_exp.unreadable TO PUBLIC;

SET ROLE regress_exp_alice;
SELECT version FROM edupredict.train_forest('regress_exp_m', 'regress_exp.pupils', 'outcome',
                                            ARRAY['score', 'absences'], n_trees => 3, test_fraction => 0);
SELECT edupredict.grant_model('regress_exp_m', 'regress_exp_bob');
RESET ROLE;

-- bob, granted the model, explains it and checks it on rows
SET ROLE regress_exp_bob;
SELECT count(*) AS contributions FROM edupredict.explain('regress_exp_m', (SELECT p FROM regress_exp.pupils p WHERE id = 1));
SELECT edupredict.explain_base_value('regress_exp_m') IS NOT NULL AS base_value;
SELECT count(*) AS drift_rows FROM edupredict.drift('regress_exp_m', 'regress_exp.pupils');
SELECT count(*) > 0 AS roc FROM edupredict.roc_curve('regress_exp_m', 'regress_exp.pupils');
-- but writes no version of it: refused before any row is read (the
-- unreadable view would fail with division by zero)
SELECT * FROM edupredict.calibrate('regress_exp_m', 'regress_exp.unreadable');
SELECT * FROM edupredict.choose_threshold('regress_exp_m', 'regress_exp.unreadable', rule => 'max_f1');
SELECT * FROM edupredict.model_profile('regress_exp_m', 'regress_exp.unreadable');
RESET ROLE;

-- carol, not granted it, sees nothing
SET ROLE regress_exp_carol;
SELECT count(*) FROM edupredict.explain('regress_exp_m', (SELECT p FROM regress_exp.pupils p WHERE id = 1));
SELECT * FROM edupredict.drift('regress_exp_m', 'regress_exp.pupils');
SELECT * FROM edupredict.calibrate('regress_exp_m', 'regress_exp.unreadable');
RESET ROLE;

-- alice, the owner, writes versions; her refusals come after her rights
SET ROLE regress_exp_alice;
SELECT new_version, method_used FROM edupredict.calibrate('regress_exp_m', 'regress_exp.pupils', 'sigmoid');
SELECT * FROM edupredict.calibrate('regress_exp_m', 'regress_exp.unreadable');
RESET ROLE;
SELECT version, owner, created_by FROM edupredict.models WHERE name = 'regress_exp_m' ORDER BY version;

-- clean up
SELECT edupredict.drop_model('regress_exp_m');
SET client_min_messages = warning;
DROP SCHEMA regress_exp CASCADE;
DROP ROLE regress_exp_alice, regress_exp_bob, regress_exp_carol;
