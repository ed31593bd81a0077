-- Model registry: owners, grants, rights checked before training, rows that
-- cannot be forged, error codes.  Several roles; cleaned up at the end.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE regress_reg_alice;              -- analyst, owns regress_m
CREATE ROLE regress_reg_bob;                -- analyst, a hostile colleague
CREATE ROLE regress_reg_carol;              -- no registry rights at all
CREATE ROLE regress_reg_team;               -- a group role; alice is a member
CREATE ROLE regress_reg_dave;               -- only GRANT edupredict_user: end to end
GRANT edupredict_user TO regress_reg_alice, regress_reg_bob, regress_reg_team, regress_reg_dave;
GRANT regress_reg_team TO regress_reg_alice;

CREATE SCHEMA regress_reg;
GRANT USAGE ON SCHEMA regress_reg TO PUBLIC;
CREATE TABLE regress_reg.pupils AS
SELECT x AS id, x::float8 AS score, (x % 3)::float8 AS absences,
       CASE WHEN x > 10 THEN 'pass' ELSE 'fail' END AS outcome
FROM generate_series(1, 20) x;
-- reading this view fails: training on it shows that checks come before any row is read
CREATE VIEW regress_reg.unreadable AS
SELECT score, absences, outcome FROM regress_reg.pupils WHERE 1 / (score * 0) = 1;
GRANT SELECT ON regress_reg.pupils, regress_reg.unreadable TO PUBLIC;
-- SQLSTATE and message of a statement run as the current role
CREATE FUNCTION regress_reg.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

-- alice trains: she owns the name; owner and created_by are hers
SET ROLE regress_reg_alice;
SELECT name, version, algorithm, owner, created_by, deployed
FROM edupredict.train_forest('regress_m', 'regress_reg.pupils', 'outcome',
                             ARRAY['score', 'absences'], n_trees => 3, test_fraction => 0);
SELECT name, owner, next_version FROM edupredict.model_names WHERE name = 'regress_m';
SELECT edupredict.predict('regress_m', p) FROM regress_reg.pupils p WHERE id IN (1, 20) ORDER BY id;
RESET ROLE;

-- bob, another analyst, neither sees nor uses alice's model
SET ROLE regress_reg_bob;
SELECT count(*) AS models_seen FROM edupredict.models;
SELECT count(*) AS listed FROM edupredict.model_list;
SELECT count(*) AS names_seen FROM edupredict.model_names;
SELECT edupredict.predict('regress_m', ARRAY[1, 2]::float8[]);
SELECT edupredict.predict_proba('regress_m', p) FROM regress_reg.pupils p WHERE id = 1;
SELECT * FROM edupredict.evaluate('regress_m', 'regress_reg.pupils');
-- nor trains, deploys, drops or grants it: refused before any row is read
SELECT edupredict.train_forest('regress_m', 'regress_reg.unreadable', 'outcome', n_trees => 1);
SELECT edupredict.deploy('regress_m', 1);
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$SELECT edupredict.undeploy('regress_m')$$),
  ($$SELECT edupredict.drop_model('regress_m')$$),
  ($$SELECT edupredict.drop_model('regress_m', 1)$$),
  ($$SELECT edupredict.grant_model('regress_m', 'regress_reg_bob')$$),
  ($$SELECT edupredict.revoke_model('regress_m', 'public')$$),
  ($$SELECT edupredict.model_reserve('regress_m')$$)) t(q);
-- nor writes the tables directly
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$INSERT INTO edupredict.models (name, version, task, target, features, params, metrics, n_rows, train_seconds, model)
     VALUES ('regress_m', 9, 'classification', 'outcome', '{score}', '{}', '{}', 1, 0, '\x00')$$),
  ($$INSERT INTO edupredict.models (name, task, target, features, params, metrics, n_rows, train_seconds, model)
     VALUES ('regress_m', 'classification', 'outcome', '{score}', '{}', '{}', 1, 0, '\x00')$$),
  ($$INSERT INTO edupredict.model_names (name) VALUES ('regress_m')$$),
  ($$INSERT INTO edupredict.model_names (name, owner) VALUES ('regress_b', 'regress_reg_alice')$$),
  ($$UPDATE edupredict.model_names SET owner = 'regress_reg_bob' WHERE name = 'regress_m'$$),
  ($$INSERT INTO edupredict.model_grants (name, owner, grantee) VALUES ('regress_m', 'regress_reg_alice', 'regress_reg_bob')$$),
  ($$INSERT INTO edupredict.model_grants (name, owner, grantee) VALUES ('regress_m', 'regress_reg_bob', 'regress_reg_bob')$$),
  ($$UPDATE edupredict.models SET owner = 'regress_reg_bob' WHERE name = 'regress_m'$$)) t(q);
-- rows bob cannot see are not touched
WITH u1 AS (UPDATE edupredict.models SET deployed = true WHERE name = 'regress_m' RETURNING 1),
     d1 AS (DELETE FROM edupredict.models WHERE name = 'regress_m' RETURNING 1),
     u2 AS (UPDATE edupredict.model_names SET next_version = 1 WHERE name = 'regress_m' RETURNING 1),
     d2 AS (DELETE FROM edupredict.model_names WHERE name = 'regress_m' RETURNING 1),
     d3 AS (DELETE FROM edupredict.model_grants RETURNING 1)
SELECT (SELECT count(*) FROM u1) + (SELECT count(*) FROM d1) + (SELECT count(*) FROM u2)
       + (SELECT count(*) FROM d2) + (SELECT count(*) FROM d3) AS rows_changed;
RESET ROLE;
SELECT name, version, owner, deployed FROM edupredict.models WHERE name LIKE 'regress\_%' ORDER BY 1, 2;

-- carol has no registry rights: told so, with the one-line fix, before any row is read
SET ROLE regress_reg_carol;
SELECT edupredict.train_forest('regress_c', 'regress_reg.unreadable', 'outcome', n_trees => 1);
SELECT edupredict.model_reserve('regress_c');
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$SELECT edupredict.predict('regress_m', ARRAY[1, 2]::float8[])$$),
  ($$SELECT * FROM edupredict.model_list$$),
  ($$SELECT edupredict._model_name_exists('regress_m')$$)) t(q);
RESET ROLE;

-- grants: alice lets bob read and predict; he still cannot write
SET ROLE regress_reg_alice;
SELECT edupredict.grant_model('regress_m', 'regress_reg_bob') AS granted,
       edupredict.grant_model('regress_m', 'regress_reg_bob') AS granted_again;
SELECT name, owner, grantee FROM edupredict.model_grants ORDER BY 1, 3;
SET ROLE regress_reg_bob;
SELECT name, version, owner, model_bytes > 0 AS has_bytes FROM edupredict.model_list;
SELECT edupredict.predict('regress_m', p) FROM regress_reg.pupils p WHERE id IN (1, 20) ORDER BY id;
SELECT metric, value FROM edupredict.evaluate('regress_m', 'regress_reg.pupils') WHERE metric = 'accuracy';
SELECT edupredict.deploy('regress_m', 1);
SELECT edupredict.train_forest('regress_m', 'regress_reg.unreadable', 'outcome', n_trees => 1);
SELECT regress_reg.try($$SELECT edupredict.grant_model('regress_m', 'regress_reg_dave')$$);
WITH u AS (UPDATE edupredict.models SET deployed = true WHERE name = 'regress_m' RETURNING 1)
SELECT count(*) AS rows_changed FROM u;
-- revoke: gone again
SET ROLE regress_reg_alice;
SELECT edupredict.revoke_model('regress_m', 'regress_reg_bob') AS revoked,
       edupredict.revoke_model('regress_m', 'regress_reg_bob') AS revoked_again;
SET ROLE regress_reg_bob;
SELECT count(*) AS models_seen FROM edupredict.models;
-- PUBLIC: every role with registry rights reads it; carol still has none
SET ROLE regress_reg_alice;
SELECT edupredict.grant_model('regress_m', 'PUBLIC');
SET ROLE regress_reg_bob;
SELECT edupredict.predict('regress_m', p) FROM regress_reg.pupils p WHERE id = 20;
SET ROLE regress_reg_carol;
SELECT regress_reg.try($$SELECT edupredict.predict('regress_m', ARRAY[1, 2]::float8[])$$);
-- every function reading a registry model, and a run logged under one, tells
-- her why and the one-line fix, not a bare 42501 from inside a statement
\set SHOW_CONTEXT never
SELECT edupredict.predict('regress_m', p) FROM regress_reg.pupils p WHERE id = 20;
INSERT INTO edupredict.runs (kind, model_name, algorithm, params, metrics, source, n_rows, fingerprint, duration_s, peak_bytes)
VALUES ('cv', 'regress_m', 'forest', '{}', '{}', 'x', 1, '0', 0, 0);
\set SHOW_CONTEXT errors
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$SELECT edupredict.predict('regress_m', p, 1) FROM regress_reg.pupils p$$),
  ($$SELECT edupredict.predict_proba('regress_m', ARRAY[1, 2]::float8[])$$),
  ($$SELECT edupredict.model_classes('regress_m')$$),
  ($$SELECT * FROM edupredict.feature_importance('regress_m')$$),
  ($$SELECT * FROM edupredict.evaluate('regress_m', 'regress_reg.pupils')$$),
  ($$SELECT * FROM edupredict.drift('regress_m', 'regress_reg.pupils')$$),
  ($$SELECT * FROM edupredict.explain('regress_m', ARRAY[1, 2]::float8[])$$),
  ($$SELECT edupredict.explain_base_value('regress_m')$$),
  ($$SELECT edupredict.model_ref_lookup('regress_m', NULL, 0)$$)) t(q);
SET ROLE regress_reg_alice;
SELECT edupredict.revoke_model('regress_m', 'public');
SET ROLE regress_reg_bob;
SELECT count(*) AS models_seen FROM edupredict.models;
RESET ROLE;

-- forging: the server sets owner, created_by, created_at and deployed; an
-- omitted version is reserved; ids come from the sequence
SET ROLE regress_reg_alice;
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds,
                               model, created_by, owner, created_at, deployed)
SELECT name, task, target, features, classes, params, metrics, n_rows, train_seconds, model,
       'regress_reg_bob', 'regress_reg_bob', '2000-01-01', true
FROM edupredict.models WHERE name = 'regress_m' AND version = 1
RETURNING name, version, created_by, owner, created_at > '2001-01-01' AS stamped_now, deployed;
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$INSERT INTO edupredict.models (id, name, task, target, features, params, metrics, n_rows, train_seconds, model)
     VALUES (1000000, 'regress_m', 'classification', 'outcome', '{score}', '{}', '{}', 1, 0, '\x00')$$),
  ($$UPDATE edupredict.models SET created_by = 'regress_reg_bob' WHERE name = 'regress_m'$$),
  ($$UPDATE edupredict.models SET owner = 'regress_reg_bob' WHERE name = 'regress_m'$$),
  ($$UPDATE edupredict.model_names SET owner = 'regress_reg_bob' WHERE name = 'regress_m'$$),
  ($$UPDATE edupredict.model_names SET next_version = 1 WHERE name = 'regress_m'$$),
  ($$UPDATE edupredict.model_grants SET grantee = 'regress_reg_bob'$$)) t(q);
-- a chosen id is refused also before the session's first nextval
DISCARD SEQUENCES;
SELECT regress_reg.try($$INSERT INTO edupredict.models (id, name, task, target, features, params, metrics, n_rows, train_seconds, model)
     VALUES (1000001, 'regress_m', 'classification', 'outcome', '{score}', '{}', '{}', 1, 0, '\x00')$$);
RESET ROLE;
-- even with UPDATE on every column the identity of a row stays
GRANT UPDATE ON edupredict.models TO regress_reg_alice;
SET ROLE regress_reg_alice;
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$UPDATE edupredict.models SET created_by = 'regress_reg_bob' WHERE name = 'regress_m'$$),
  ($$UPDATE edupredict.models SET owner = 'regress_reg_team' WHERE name = 'regress_m'$$),
  ($$UPDATE edupredict.models SET version = 7 WHERE name = 'regress_m' AND version = 2$$),
  ($$UPDATE edupredict.models SET metrics = '{"forged": true}' WHERE name = 'regress_m' AND version = 2$$)) t(q);
RESET ROLE;
REVOKE UPDATE ON edupredict.models FROM regress_reg_alice;

-- a group role owns what it trains; its members manage it, others do not
SET ROLE regress_reg_team;
SELECT name, version, owner, created_by
FROM edupredict.train_forest('regress_team_m', 'regress_reg.pupils', 'outcome', ARRAY['score'], n_trees => 1);
SET ROLE regress_reg_alice;
SELECT name, version, deployed FROM edupredict.deploy('regress_team_m', 1);
SELECT name, version, owner, created_by FROM edupredict.train_forest('regress_team_m', 'regress_reg.pupils', 'outcome', ARRAY['score'], n_trees => 1);
SET ROLE regress_reg_bob;
SELECT regress_reg.try($$SELECT edupredict.drop_model('regress_team_m')$$);
RESET ROLE;

-- error codes
SET ROLE regress_reg_alice;
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$SELECT edupredict.model_reserve(NULL)$$),
  ($$SELECT edupredict.model_reserve('')$$),
  ($$SELECT edupredict.model_reserve(repeat('x', 201))$$),
  ($$SELECT edupredict.model_reserve(repeat('é', 101))$$),
  ($$SELECT edupredict.train_forest(repeat('x', 201), 'regress_reg.pupils', 'outcome')$$),
  ($$SELECT edupredict.train_forest(NULL, 'regress_reg.pupils', 'outcome')$$),
  ($$SELECT edupredict.train_forest('regress_nn', NULL, 'outcome')$$),
  ($$SELECT edupredict.train_boosting('regress_nn', 'regress_reg.pupils', NULL)$$),
  ($$SELECT edupredict.deploy('regress_nobody', 1)$$),
  ($$SELECT edupredict.deploy('regress_m', 99)$$),
  ($$SELECT edupredict.deploy('regress_m', NULL)$$),
  ($$SELECT edupredict.undeploy(NULL)$$),
  ($$SELECT edupredict.drop_model('regress_nobody')$$),
  ($$SELECT edupredict.drop_model('regress_m', 99)$$),
  ($$SELECT edupredict.grant_model('regress_m', 'regress_no_such_role')$$),
  ($$SELECT edupredict.grant_model('regress_m', NULL)$$),
  ($$SELECT edupredict.grant_model('regress_nobody', 'public')$$),
  ($$SELECT edupredict.revoke_model('regress_nobody', 'public')$$)) t(q);
-- model names are at most 200 bytes (not characters) for every trainer, C
-- (ENS_MODEL_NAME_MAX_BYTES) or SQL (edupredict._model_name_max_bytes());
-- a name of exactly 200 bytes passes the checks (model_reserve's too) and
-- fails only on reading the rows
SELECT edupredict._model_name_max_bytes();
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$SELECT edupredict.train_boosting(repeat('x', 201), 'regress_reg.pupils', 'outcome')$$),
  ($$SELECT edupredict.train_boosting(repeat('é', 101), 'regress_reg.pupils', 'outcome')$$),
  ($$SELECT edupredict.tune(repeat('x', 201), 'forest', 'regress_reg.pupils', 'outcome', '{"max_depth": [2]}')$$),
  ($$SELECT edupredict.tune(repeat('é', 101), 'forest', 'regress_reg.pupils', 'outcome', '{"max_depth": [2]}')$$),
  ($$SELECT edupredict.tune('', 'forest', 'regress_reg.pupils', 'outcome', '{"max_depth": [2]}')$$),
  ($$SELECT edupredict.train_forest(repeat('x', 200), 'regress_reg.unreadable', 'outcome')$$),
  ($$SELECT edupredict.train_boosting(repeat('x', 200), 'regress_reg.unreadable', 'outcome')$$),
  ($$SELECT edupredict.tune(repeat('x', 200), 'forest', 'regress_reg.unreadable', 'outcome', '{"max_depth": [2]}')$$)) t(q);
-- A caller may pass a name far longer than any model's: a message prints its first 64
-- characters and "..." (whole characters), from C (predict, evaluate, ...) and from SQL
-- (deploy, drop_model, the run log) alike, rather than the 100 kB argument; a name of 64
-- characters is printed whole; the length checks say the length they got.
SELECT q, regress_reg.try(q) FROM (VALUES
  ($$SELECT edupredict.predict(repeat('n', 100000), ARRAY[1.0])$$),
  ($$SELECT edupredict.predict(repeat('n', 100000), ARRAY[1.0], 1, NULL)$$),
  ($$SELECT count(*) FROM edupredict.evaluate(repeat('n', 100000), 'regress_reg.pupils')$$),
  ($$SELECT edupredict.predict(repeat('é', 65), ARRAY[1.0])$$),
  ($$SELECT edupredict.predict(repeat('n', 64), ARRAY[1.0])$$),
  ($$SELECT edupredict.deploy(repeat('n', 100000), 1)$$),
  ($$SELECT edupredict.drop_model(repeat('é', 100000))$$),
  ($$SELECT edupredict.undeploy(repeat('n', 64))$$),
  ($$SELECT count(*) FROM edupredict.predict_availability(repeat('n', 100000), 'regress_reg.pupils', 'regress_reg.pupils', '2022 Spring')$$),
  ($$INSERT INTO edupredict.runs (kind, model_name, algorithm, params, metrics, source, n_rows, fingerprint, duration_s, peak_bytes)
     VALUES ('cv', repeat('n', 100000), 'forest', '{}', '{}', 'x', 1, 'x', 0, 0)$$),
  ($$SELECT edupredict.model_reserve(repeat('n', 100000))$$),
  ($$SELECT edupredict.train_forest(repeat('n', 100000), 'regress_reg.pupils', 'outcome')$$),
  ($$SELECT edupredict.tune(repeat('é', 50000), 'forest', 'regress_reg.pupils', 'outcome', '{"max_depth": [2]}')$$)) t(q);
-- 'public' in any case means PUBLIC, so a role spelt that way cannot be named
RESET ROLE;
CREATE ROLE "Public";
SET ROLE regress_reg_alice;
SELECT regress_reg.try($$SELECT edupredict.grant_model('regress_m', 'Public')$$);
RESET ROLE;
DROP ROLE "Public";
SET ROLE regress_reg_alice;
-- a 200-byte name is fine
SELECT edupredict.model_reserve(repeat('é', 100)) AS version;
SELECT edupredict.drop_model(repeat('é', 100)) AS dropped;

-- versions: deploy, undeploy, drop one, numbers are never reused while the name lives
SELECT version, deployed FROM edupredict.deploy('regress_m', 2);
SELECT version FROM edupredict.models WHERE name = 'regress_m' AND deployed;
SELECT edupredict.undeploy('regress_m') AS undeployed, edupredict.undeploy('regress_m') AS again;
SELECT edupredict.drop_model('regress_m', 2) AS dropped;
SELECT version FROM edupredict.train_forest('regress_m', 'regress_reg.pupils', 'outcome', ARRAY['score'], n_trees => 1);
SELECT version, deployed FROM edupredict.model_list WHERE name = 'regress_m' ORDER BY version;
-- dropping every version frees the name (and its grants)
SELECT edupredict.grant_model('regress_m', 'regress_reg_bob');
SELECT edupredict.drop_model('regress_m') AS dropped;
RESET ROLE;
SELECT count(*) AS names, (SELECT count(*) FROM edupredict.model_grants WHERE name = 'regress_m') AS grants
FROM edupredict.model_names WHERE name = 'regress_m';
SET ROLE regress_reg_bob;
SELECT name, version, owner FROM edupredict.train_forest('regress_m', 'regress_reg.pupils', 'outcome', ARRAY['score'], n_trees => 1);
RESET ROLE;

-- end to end with nothing but GRANT edupredict_user
SET ROLE regress_reg_dave;
SELECT name, version, owner, created_by, task, classes
FROM edupredict.train_forest('regress_dave', 'regress_reg.pupils', 'outcome', ARRAY['score', 'absences'],
                             n_trees => 5, test_fraction => 0);
SELECT edupredict.predict('regress_dave', p) AS predicted, outcome
FROM regress_reg.pupils p WHERE id IN (2, 19) ORDER BY id;
SELECT round(edupredict.predict_proba('regress_dave', p, 'pass')::numeric, 1) AS p_pass
FROM regress_reg.pupils p WHERE id = 20;
SELECT edupredict.model_classes('regress_dave');
SELECT count(*) AS features FROM edupredict.feature_importance('regress_dave');
SELECT metric, value FROM edupredict.evaluate('regress_dave', 'regress_reg.pupils') WHERE metric = 'n_rows';
SELECT version FROM edupredict.train_forest('regress_dave', 'regress_reg.pupils', 'outcome', ARRAY['score'], n_trees => 1);
SELECT version, deployed FROM edupredict.deploy('regress_dave', 1);
SELECT name, version, algorithm, deployed, model_bytes > 0 AS has_bytes FROM edupredict.model_list ORDER BY version;
SELECT edupredict.grant_model('regress_dave', 'regress_reg_alice'), edupredict.revoke_model('regress_dave', 'regress_reg_alice');
SELECT edupredict.drop_model('regress_dave') AS dropped;
RESET ROLE;

-- superusers see everything, and may hand a name to another role: models
-- and grants follow
SELECT name, owner FROM edupredict.model_names WHERE name LIKE 'regress\_%' ORDER BY 1;
SELECT edupredict.grant_model('regress_team_m', 'regress_reg_bob');
UPDATE edupredict.model_names SET owner = 'regress_reg_dave' WHERE name = 'regress_team_m';
SELECT DISTINCT owner FROM edupredict.models WHERE name = 'regress_team_m';
SELECT owner, grantee FROM edupredict.model_grants WHERE name = 'regress_team_m';
SET ROLE regress_reg_dave;
SELECT version, deployed FROM edupredict.deploy('regress_team_m', 2);
RESET ROLE;
-- clean up
SELECT edupredict.drop_model(name) FROM edupredict.model_names WHERE name LIKE 'regress\_%' ORDER BY name;
SET client_min_messages = warning;
DROP SCHEMA regress_reg CASCADE;
DROP ROLE regress_reg_alice, regress_reg_bob, regress_reg_carol, regress_reg_team, regress_reg_dave;
