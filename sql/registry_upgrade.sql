-- ALTER EXTENSION edupredict UPDATE on a database that already has models:
-- each name gets an owner (the role that trained its first version, else the
-- extension owner), version numbering continues, and the models keep working.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
DROP DATABASE IF EXISTS regression_registry_upgrade;
RESET client_min_messages;
\set SHOW_CONTEXT never
CREATE DATABASE regression_registry_upgrade;
CREATE ROLE regress_up_alice;
CREATE ROLE regress_up_gone;
\c regression_registry_upgrade
SET client_min_messages = warning;
CREATE EXTENSION edupredict VERSION '0.1.0' CASCADE;
RESET client_min_messages;
CREATE TABLE up_train AS
SELECT x::float8 AS x, CASE WHEN x > 10 THEN 'hi' ELSE 'lo' END AS y FROM generate_series(1, 20) x;
GRANT SELECT ON up_train TO PUBLIC;
-- 0.1.0 rows: trained by the installing superuser (this library on the 0.1.0
-- schema), by alice (versions 1 and 3), and by a role dropped since
SELECT version FROM edupredict.train_forest('up_m', 'up_train', 'y', n_trees => 1, test_fraction => 0);
SELECT version FROM edupredict.train_forest('up_m', 'up_train', 'y', n_trees => 1, test_fraction => 0);
INSERT INTO edupredict.models (name, version, task, target, features, classes, params, metrics, n_rows,
                               train_seconds, created_by, model)
SELECT n, v, task, target, features, classes, params, metrics, n_rows, train_seconds, c, model
FROM edupredict.models, (VALUES ('up_alice', 1, 'regress_up_alice'), ('up_alice', 3, 'regress_up_gone'),
                                ('up_orphan', 1, 'regress_up_gone')) x(n, v, c)
WHERE name = 'up_m' AND version = 1;
DROP ROLE regress_up_gone;
SELECT version, deployed FROM edupredict.deploy('up_m', 1);
CREATE TEMP TABLE up_before AS SELECT x, edupredict.predict('up_m', ARRAY[x]) AS p FROM up_train;
-- 0.1.0's window functions on this library (their C entry points serve no 0.2.0 function): the
-- same hubs as 0.2.0's after the update, whose only change is the on_infeasible argument
CREATE TEMP TABLE up_pts AS SELECT i, public.ST_MakePoint(i % 6, i / 6 + (i % 2) * 0.1) AS g FROM generate_series(0, 23) i;
CREATE TEMP TABLE up_hubs AS
SELECT i, edupredict.balanced_spectral_cluster(g, 4) OVER () AS by_k,
       edupredict.balanced_spectral_cluster(g, min_size => 5, max_size => 7) OVER () AS by_size FROM up_pts;
SELECT count(DISTINCT by_k) AS k_hubs, count(DISTINCT by_size) AS size_hubs,
       (SELECT min(n) FROM (SELECT count(*) n FROM up_hubs GROUP BY by_size) s) AS smallest,
       (SELECT max(n) FROM (SELECT count(*) n FROM up_hubs GROUP BY by_size) s) AS largest
FROM up_hubs;

ALTER EXTENSION edupredict UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'edupredict';
SELECT name, owner = (SELECT extowner FROM pg_extension WHERE extname = 'edupredict')::regrole AS extension_owner,
       CASE WHEN owner::text = 'regress_up_alice' THEN 'alice' END AS alice, next_version
FROM edupredict.model_names ORDER BY name;
SELECT m.name, m.version, m.algorithm, m.owner = n.owner AS owner_of_name,
       CASE WHEN m.created_by = CURRENT_USER THEN '(installer)' ELSE m.created_by::text END AS created_by, m.deployed
FROM edupredict.models m JOIN edupredict.model_names n USING (name) ORDER BY 1, 2;
SELECT count(*) AS rows, count(*) FILTER (WHERE b.p = edupredict.predict('up_m', ARRAY[b.x])) AS same_prediction
FROM up_before b;
SELECT count(*) AS points,
       count(*) FILTER (WHERE h.by_k = n.by_k AND h.by_size = n.by_size) AS same_hubs
FROM up_hubs h JOIN (SELECT i, edupredict.balanced_spectral_cluster(g, 4) OVER () AS by_k,
                            edupredict.balanced_spectral_cluster(g, min_size => 5, max_size => 7) OVER () AS by_size FROM up_pts) n USING (i);
-- alice now owns her name, sees only it, and trains it on
GRANT edupredict_user TO regress_up_alice;
SET ROLE regress_up_alice;
SELECT name, version FROM edupredict.model_list ORDER BY 1, 2;
SELECT name, version, owner FROM edupredict.train_forest('up_alice', 'up_train', 'y', n_trees => 1, test_fraction => 0);
SELECT edupredict.deploy('up_m', 2);
RESET ROLE;
SELECT version FROM edupredict.train_forest('up_m', 'up_train', 'y', n_trees => 1, test_fraction => 0);

\c contrib_regression
DROP DATABASE regression_registry_upgrade;
DROP ROLE regress_up_alice;
