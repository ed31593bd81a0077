-- ALTER EXTENSION edupredict UPDATE takes over 0.1.0's registry table
-- edupredict.models, which had no row-level security: whatever a database
-- owner granted on it by hand must not outlive the upgrade beside 0.2.0's
-- policies (TRUNCATE and TRIGGER ignore them, REFERENCES reads past them).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
DROP DATABASE IF EXISTS regression_registry_hardening;
RESET client_min_messages;
\set SHOW_CONTEXT never
CREATE DATABASE regression_registry_hardening;
CREATE ROLE regress_uh_mallory;
CREATE ROLE regress_uh_eve;
CREATE ROLE regress_uh_bob;
\c regression_registry_hardening
SET client_min_messages = warning;
CREATE EXTENSION edupredict VERSION '0.1.0' CASCADE;
RESET client_min_messages;
-- 0.1.0 days: hand-made grants (one passed on by its grantee) and default
-- privileges that would reach the registry tables the upgrade creates
GRANT ALL ON edupredict.models TO regress_uh_mallory WITH GRANT OPTION;
GRANT ALL ON SEQUENCE edupredict.models_id_seq TO regress_uh_mallory;
GRANT TRUNCATE, TRIGGER, REFERENCES ON edupredict.models TO PUBLIC;
GRANT UPDATE (model) ON edupredict.models TO regress_uh_bob;
ALTER DEFAULT PRIVILEGES IN SCHEMA edupredict GRANT ALL ON TABLES TO regress_uh_eve;
GRANT CREATE ON SCHEMA public TO regress_uh_mallory;
SET ROLE regress_uh_mallory;
GRANT SELECT, TRUNCATE ON edupredict.models TO regress_uh_eve;
-- a trigger that would run mallory's code as whoever writes the registry
CREATE FUNCTION public.uh_spy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER uh_spy BEFORE INSERT ON edupredict.models FOR EACH ROW EXECUTE FUNCTION public.uh_spy();
-- a foreign key whose checks would read the registry as mallory
CREATE TABLE public."uh oracle" (name text, version int);
ALTER TABLE public."uh oracle" ADD CONSTRAINT uh_probe FOREIGN KEY (name, version) REFERENCES edupredict.models (name, version);
RESET ROLE;

-- the upgrade refuses while the trigger or the foreign key exists
ALTER EXTENSION edupredict UPDATE;
DROP TRIGGER uh_spy ON edupredict.models;
ALTER EXTENSION edupredict UPDATE;
ALTER TABLE public."uh oracle" DROP CONSTRAINT uh_probe;
ALTER EXTENSION edupredict UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'edupredict';
SELECT tgrelid::regclass AS "table", tgname FROM pg_trigger
WHERE tgrelid = 'edupredict.models'::regclass AND NOT tgisinternal ORDER BY 2;

-- privileges: exactly 0.2.0's grants, none of the hand-made ones
SELECT c.oid::regclass AS relation, a.privilege_type,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee,
       CASE WHEN a.grantor = c.relowner THEN '(owner)' ELSE a.grantor::regrole::text END AS grantor,
       a.is_grantable
FROM pg_class c, aclexplode(c.relacl) a
WHERE c.oid IN ('edupredict.models'::regclass, 'edupredict.models_id_seq'::regclass, 'edupredict.model_names'::regclass,
                'edupredict.model_grants'::regclass, 'edupredict.model_list'::regclass)
  AND a.grantee <> c.relowner
ORDER BY 1, 3, 2;
SELECT a.attrelid::regclass AS relation, a.attname, x.privilege_type, x.grantee::regrole AS grantee
FROM pg_attribute a, aclexplode(a.attacl) x
WHERE a.attrelid IN ('edupredict.models'::regclass, 'edupredict.model_names'::regclass, 'edupredict.model_grants'::regclass)
ORDER BY 1, 2, 4, 3;
SELECT r AS role,
       has_table_privilege(r, 'edupredict.models', 'TRUNCATE') AS truncate,
       has_table_privilege(r, 'edupredict.models', 'TRIGGER') AS trigger,
       has_table_privilege(r, 'edupredict.models', 'REFERENCES') AS references,
       has_table_privilege(r, 'edupredict.models', 'SELECT') AS select,
       has_column_privilege(r, 'edupredict.models', 'model', 'UPDATE') AS update_model,
       has_sequence_privilege(r, 'edupredict.models_id_seq', 'UPDATE') AS setval,
       has_table_privilege(r, 'edupredict.model_names', 'TRUNCATE') AS truncate_names
FROM unnest(ARRAY['regress_uh_mallory', 'regress_uh_eve', 'regress_uh_bob', 'public']) r ORDER BY 1;
-- a TRUNCATE by a former grantee fails
SET ROLE regress_uh_mallory;
TRUNCATE edupredict.models;
RESET ROLE;

\c contrib_regression
DROP DATABASE regression_registry_hardening;
DROP ROLE regress_uh_mallory;
DROP ROLE regress_uh_eve;
DROP ROLE regress_uh_bob;
