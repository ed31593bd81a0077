-- Registry versions: a stored version keeps what was trained (only deployed
-- changes) and version numbers are never reused while the name exists, for
-- non-superusers even with UPDATE granted on every column.  One role;
-- cleaned up at the end.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE regress_rv_owner;
GRANT edupredict_user TO regress_rv_owner;
CREATE SCHEMA regress_rv;
GRANT USAGE ON SCHEMA regress_rv TO PUBLIC;
CREATE TABLE regress_rv.t AS
SELECT x::float8 AS x, (x % 3)::float8 AS z, CASE WHEN x > 10 THEN 'hi' ELSE 'lo' END AS y
FROM generate_series(1, 20) x;
GRANT SELECT ON regress_rv.t TO PUBLIC;
-- SQLSTATE and message of a statement run as the current role
CREATE FUNCTION regress_rv.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
-- what a version says it is: bytes, parameters, metrics and the rest
CREATE FUNCTION regress_rv.fingerprint(v int) RETURNS text LANGUAGE sql AS $$
    SELECT md5(row(m.model, m.params, m.metrics, m.target, m.task, m.features, m.classes, m.algorithm,
                   m.n_rows, m.train_seconds, m.created_at, m.created_by)::text)
    FROM edupredict.models m WHERE m.name = 'regress_rv_m' AND m.version = v
$$;

SET ROLE regress_rv_owner;
SELECT version FROM edupredict.train_forest('regress_rv_m', 'regress_rv.t', 'y', ARRAY['x'],
                                            n_trees => 1, test_fraction => 0);
SELECT version FROM edupredict.train_forest('regress_rv_m', 'regress_rv.t', 'y', ARRAY['x'],
                                            n_trees => 3, test_fraction => 0, seed => 2);
RESET ROLE;
CREATE TABLE regress_rv.before AS SELECT regress_rv.fingerprint(1) AS v1;

-- 1. a stored version cannot be changed, except its deployed flag, even by
-- an owner an administrator gave UPDATE on every column
GRANT UPDATE ON edupredict.models TO regress_rv_owner;
SET ROLE regress_rv_owner;
SELECT q, regress_rv.try(q) FROM (VALUES
  ($$UPDATE edupredict.models SET model = (SELECT model FROM edupredict.models WHERE name = 'regress_rv_m' AND version = 2),
            params = (SELECT params FROM edupredict.models WHERE name = 'regress_rv_m' AND version = 2)
     WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET model = (SELECT model FROM edupredict.models WHERE name = 'regress_rv_m' AND version = 2)
     WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET params = '{"n_trees": 500}' WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET metrics = '{"accuracy": 1}' WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET target = 'z' WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET n_rows = n_rows + 1 WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET train_seconds = 0 WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET created_at = now() - interval '1 day' WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET algorithm = 'boosting' WHERE name = 'regress_rv_m' AND version = 1$$)) t(q);
-- the deployed flag changes, directly and through deploy()/undeploy(); a
-- column set to the value it has is no change
SELECT q, regress_rv.try(q) FROM (VALUES
  ($$UPDATE edupredict.models SET deployed = true WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$UPDATE edupredict.models SET deployed = false, metrics = metrics, model = model WHERE name = 'regress_rv_m'$$),
  ($$SELECT edupredict.deploy('regress_rv_m', 1)$$),
  ($$SELECT edupredict.undeploy('regress_rv_m')$$)) t(q);
RESET ROLE;
REVOKE UPDATE ON edupredict.models FROM regress_rv_owner;
SELECT regress_rv.fingerprint(1) = v1 AS version_1_as_trained FROM regress_rv.before;
-- a superuser may still rewrite a row (restoring one as it was dumped)
UPDATE edupredict.models SET metrics = '{"restored": true}' WHERE name = 'regress_rv_m' AND version = 1
RETURNING version, metrics;

-- 2. version numbers are never reused nor chosen: a hand-written INSERT
-- leaves version out (the registry gives the next number) or names exactly
-- that next number
SET ROLE regress_rv_owner;
SELECT name, next_version FROM edupredict.model_names WHERE name = 'regress_rv_m';
-- delete version 2 and store other bytes under its number
DELETE FROM edupredict.models WHERE name = 'regress_rv_m' AND version = 2;
SELECT q, regress_rv.try(q) FROM (VALUES
  ($$INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
     SELECT name, 2, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
     WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
     SELECT name, 1, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
     WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
     SELECT name, 7, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
     WHERE name = 'regress_rv_m' AND version = 1$$),
  ($$INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
     SELECT 'regress_rv_new', 2, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
     WHERE name = 'regress_rv_m' AND version = 1$$)) t(q);
SELECT count(*) AS new_names FROM edupredict.model_names WHERE name = 'regress_rv_new';
-- nor after drop_model(name, version)
SELECT version FROM edupredict.train_forest('regress_rv_m', 'regress_rv.t', 'y', ARRAY['x'],
                                            n_trees => 1, test_fraction => 0);
SELECT edupredict.drop_model('regress_rv_m', 3) AS dropped;
SELECT regress_rv.try($$INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
     SELECT name, 3, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
     WHERE name = 'regress_rv_m' AND version = 1$$);
-- the next new number, or none (as docs/forest.md stores a forest_agg
-- model), is fine; training goes on from there
INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
SELECT name, 4, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
WHERE name = 'regress_rv_m' AND version = 1
RETURNING version;
INSERT INTO edupredict.models (name, target, params, metrics, n_rows, train_seconds, model)
SELECT name, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
WHERE name = 'regress_rv_m' AND version = 1
RETURNING version;
SELECT version FROM edupredict.train_forest('regress_rv_m', 'regress_rv.t', 'y', ARRAY['x'],
                                            n_trees => 1, test_fraction => 0);
SELECT version FROM edupredict.model_list WHERE name = 'regress_rv_m' ORDER BY version;
RESET ROLE;
-- a superuser may still store a chosen number (restoring a dump)
INSERT INTO edupredict.models (name, version, target, params, metrics, n_rows, train_seconds, model)
SELECT name, 2, target, params, metrics, n_rows, train_seconds, model FROM edupredict.models
WHERE name = 'regress_rv_m' AND version = 1
RETURNING version;

-- clean up
SELECT edupredict.drop_model('regress_rv_m') AS dropped;
SET client_min_messages = warning;
DROP SCHEMA regress_rv CASCADE;
DROP ROLE regress_rv_owner;
