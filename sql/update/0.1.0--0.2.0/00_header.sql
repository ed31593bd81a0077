-- edupredict 0.1.0 -> 0.2.0 upgrade script, assembled by make from
-- sql/update/0.1.0--0.2.0/NN_*.sql (one fragment per area, sorted by name).
-- CREATE EXTENSION edupredict installs 0.1.0 and then runs this script, so a
-- fresh install and an upgraded one are the same by construction.
\echo Use "ALTER EXTENSION edupredict UPDATE TO '0.2.0'" to load this file. \quit

-- Default privileges (ALTER DEFAULT PRIVILEGES [IN SCHEMA edupredict]) of the
-- role that runs CREATE EXTENSION or ALTER EXTENSION UPDATE reach every
-- object the scripts create (TRUNCATE, TRIGGER, REFERENCES and UPDATE bypass
-- or read past row-level security; EXECUTE reopens a function revoked from
-- PUBLIC).  A fragment calls this right after creating a table, view,
-- sequence or a function it keeps from PUBLIC, before its own GRANTs: every
-- grantee but the owner loses every privilege, on the columns too (CASCADE:
-- and whatever it passed on).  99_privileges.sql drops it;
-- sql/default_privileges.sql checks every object of the extension.
CREATE FUNCTION edupredict._reset_privileges(kind text, object text)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    target text;
    revokees oid[];
    revokee oid;
BEGIN
    IF kind OPERATOR(pg_catalog.=) ANY (ARRAY['TABLE', 'SEQUENCE']) THEN
        SELECT c.oid::pg_catalog.regclass::pg_catalog.text,
               ARRAY(SELECT DISTINCT x.grantee
                     FROM (SELECT c.relacl UNION ALL SELECT a.attacl FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid) l (items),
                          pg_catalog.aclexplode(l.items) x
                     WHERE x.grantee OPERATOR(pg_catalog.<>) c.relowner)
          INTO target, revokees
        FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) object::pg_catalog.regclass;
    ELSIF kind OPERATOR(pg_catalog.=) 'FUNCTION' THEN
        SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text,
               ARRAY(SELECT DISTINCT x.grantee
                     FROM pg_catalog.aclexplode(COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
                     WHERE x.grantee OPERATOR(pg_catalog.<>) p.proowner)
          INTO target, revokees
        FROM pg_catalog.pg_proc p WHERE p.oid OPERATOR(pg_catalog.=) object::pg_catalog.regprocedure;
    ELSIF kind OPERATOR(pg_catalog.=) 'SCHEMA' THEN
        SELECT pg_catalog.quote_ident(n.nspname),
               ARRAY(SELECT DISTINCT x.grantee FROM pg_catalog.aclexplode(n.nspacl) x
                     WHERE x.grantee OPERATOR(pg_catalog.<>) n.nspowner)
          INTO target, revokees
        FROM pg_catalog.pg_namespace n WHERE n.oid OPERATOR(pg_catalog.=) object::pg_catalog.regnamespace;
    ELSE
        RAISE EXCEPTION 'unknown object kind "%"', kind USING ERRCODE = '22023';
    END IF;
    FOREACH revokee IN ARRAY revokees
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM %s CASCADE', kind, target,
                                  CASE WHEN revokee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                       ELSE revokee::pg_catalog.regrole::pg_catalog.text END);
    END LOOP;
END
$$;
