-- Default privileges (ALTER DEFAULT PRIVILEGES [IN SCHEMA edupredict]) of the
-- role that runs CREATE EXTENSION or ALTER EXTENSION UPDATE must not reach
-- the extension's objects: TRUNCATE, TRIGGER, REFERENCES and UPDATE bypass or
-- read past row-level security, CREATE on the schema lets a role plant
-- objects beside the extension's, and EXECUTE reopens functions the scripts
-- revoke from PUBLIC.  Every table, view, sequence, column, the schema and
-- every function PUBLIC may not execute keeps exactly the privileges of an
-- install without default privileges, whichever fragment created it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
DROP DATABASE IF EXISTS regression_default_privileges;
RESET client_min_messages;
\set SHOW_CONTEXT never
CREATE DATABASE regression_default_privileges;
CREATE ROLE regress_dp_mallory;
\c regression_default_privileges
SET client_min_messages = warning;
CREATE EXTENSION postgis;
RESET client_min_messages;
-- every privilege on the extension's relations, their columns, its schema
-- and its functions that PUBLIC may not execute (the owner as "(owner)")
CREATE VIEW public.dp_acls AS
WITH ext AS (SELECT e.oid, e.extnamespace FROM pg_extension e WHERE e.extname = 'edupredict'),
rels AS (SELECT c.oid, c.relowner, c.relacl FROM pg_class c, pg_depend d, ext
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_extension'::regclass
           AND d.refobjid = ext.oid AND d.deptype = 'e'),
objs AS (
  SELECT 'pg_class'::regclass AS classid, r.oid AS objid, 0 AS objsubid, r.relowner AS owner, r.relacl AS acl FROM rels r
  UNION ALL
  SELECT 'pg_class'::regclass, a.attrelid, a.attnum, r.relowner, a.attacl
  FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid WHERE a.attacl IS NOT NULL
  UNION ALL
  SELECT 'pg_namespace'::regclass, n.oid, 0, n.nspowner, n.nspacl FROM pg_namespace n, ext WHERE n.oid = ext.extnamespace
  UNION ALL
  SELECT 'pg_proc'::regclass, p.oid, 0, p.proowner, coalesce(p.proacl, acldefault('f', p.proowner))
  FROM pg_proc p, pg_depend d, ext
  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.refclassid = 'pg_extension'::regclass
    AND d.refobjid = ext.oid AND d.deptype = 'e'
    AND NOT EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x WHERE x.grantee = 0))
SELECT pg_describe_object(o.classid, o.objid, o.objsubid) AS object,
       CASE WHEN x.grantee = 0 THEN 'PUBLIC' WHEN x.grantee = o.owner THEN '(owner)' ELSE x.grantee::regrole::text END AS grantee,
       CASE WHEN x.grantor = o.owner THEN '(owner)' ELSE x.grantor::regrole::text END AS grantor,
       x.privilege_type, x.is_grantable
FROM objs o, aclexplode(o.acl) x;
-- the privileges of an install under no default privileges
SET client_min_messages = warning;
CREATE EXTENSION edupredict;
RESET client_min_messages;
CREATE TABLE public.dp_clean AS SELECT * FROM public.dp_acls;
-- what an install holds beyond or short of that
CREATE VIEW public.dp_diff AS
(SELECT 'extra' AS diff, * FROM public.dp_acls EXCEPT SELECT 'extra', * FROM public.dp_clean)
UNION ALL
(SELECT 'missing', * FROM public.dp_clean EXCEPT SELECT 'missing', * FROM public.dp_acls);
SELECT count(DISTINCT object) > 10 AS relations_listed,
       bool_or(object = 'function edupredict.forget_stored_pii_keys()') AS restricted_function_listed,
       bool_or(object = 'schema edupredict') AS schema_listed
FROM public.dp_clean;
DROP EXTENSION edupredict;
DROP SCHEMA edupredict;

-- a fresh install under role-wide default privileges of the installing role
ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO regress_dp_mallory WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC, edupredict_user;
ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO regress_dp_mallory WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO PUBLIC, edupredict_user;
ALTER DEFAULT PRIVILEGES GRANT ALL ON FUNCTIONS TO regress_dp_mallory WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES GRANT ALL ON FUNCTIONS TO edupredict_user;
ALTER DEFAULT PRIVILEGES GRANT ALL ON SCHEMAS TO regress_dp_mallory WITH GRANT OPTION;
SET client_min_messages = warning;
CREATE EXTENSION edupredict;
RESET client_min_messages;
-- the default privileges are in force (a table made now gets them) ...
CREATE TABLE public.dp_probe (x int);
SELECT has_table_privilege('regress_dp_mallory', 'public.dp_probe', 'TRUNCATE') AS probe_truncate;
DROP TABLE public.dp_probe;
-- ... but the extension's objects hold what a plain install holds, no more, no less
SELECT * FROM public.dp_diff ORDER BY 2, 3, 5;
SELECT has_table_privilege('regress_dp_mallory', 'edupredict.forecasts', 'TRUNCATE') AS forecasts_truncate,
       has_table_privilege('regress_dp_mallory', 'edupredict.runs', 'UPDATE') AS runs_update,
       has_table_privilege('public', 'edupredict.runs', 'TRIGGER') AS runs_trigger_public,
       has_table_privilege('edupredict_user', 'edupredict.model_names', 'TRUNCATE') AS names_truncate_user,
       has_schema_privilege('regress_dp_mallory', 'edupredict', 'CREATE') AS schema_create,
       has_function_privilege('regress_dp_mallory', 'edupredict.forget_stored_pii_keys()', 'EXECUTE') AS forget_keys;
SET ROLE regress_dp_mallory;
TRUNCATE edupredict.forecasts;
SELECT edupredict.forget_stored_pii_keys();
RESET ROLE;
DROP EXTENSION edupredict;
DROP SCHEMA edupredict;
ALTER DEFAULT PRIVILEGES REVOKE ALL ON TABLES FROM regress_dp_mallory, PUBLIC, edupredict_user;
ALTER DEFAULT PRIVILEGES REVOKE ALL ON SEQUENCES FROM regress_dp_mallory, PUBLIC, edupredict_user;
ALTER DEFAULT PRIVILEGES REVOKE ALL ON FUNCTIONS FROM regress_dp_mallory, edupredict_user;
ALTER DEFAULT PRIVILEGES REVOKE ALL ON SCHEMAS FROM regress_dp_mallory;

-- an upgrade from 0.1.0 under default privileges set since, role-wide and in
-- the extension's schema
SET client_min_messages = warning;
CREATE EXTENSION edupredict VERSION '0.1.0';
RESET client_min_messages;
ALTER DEFAULT PRIVILEGES IN SCHEMA edupredict GRANT ALL ON TABLES TO regress_dp_mallory WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA edupredict GRANT ALL ON SEQUENCES TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA edupredict GRANT ALL ON FUNCTIONS TO regress_dp_mallory;
ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO edupredict_user;
ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO regress_dp_mallory;
ALTER DEFAULT PRIVILEGES GRANT ALL ON FUNCTIONS TO edupredict_user;
ALTER EXTENSION edupredict UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'edupredict';
SELECT * FROM public.dp_diff ORDER BY 2, 3, 5;
SELECT has_table_privilege('regress_dp_mallory', 'edupredict.tableau_forecasts', 'REFERENCES') AS view_references,
       has_table_privilege('edupredict_user', 'edupredict.forecasts', 'UPDATE') AS forecasts_update_user,
       has_sequence_privilege('public', 'edupredict.forecast_runs', 'UPDATE') AS setval_public,
       has_function_privilege('regress_dp_mallory', 'edupredict._model_name_exists(text)', 'EXECUTE') AS definer_helper;

\c contrib_regression
DROP DATABASE regression_default_privileges;
DROP ROLE regress_dp_mallory;
