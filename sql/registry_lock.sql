-- LOCK TABLE on the registry tables every role shares: a role that may
-- delete its own rows must not lock the whole table against the others, so
-- above ROW EXCLUSIVE only the tables' owner may lock them (with edupredict
-- preloaded, as here)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE ROLE regress_reglock;
GRANT edupredict_user TO regress_reglock;
CREATE SCHEMA reglock AUTHORIZATION regress_reglock;
\set VERBOSITY terse
SET ROLE regress_reglock;
BEGIN;
LOCK edupredict.runs IN ACCESS EXCLUSIVE MODE;
-- the failed transaction holds no lock on it for the other sessions to wait on
\! psql -X -q -At -d contrib_regression -c "SELECT count(*) AS strong_locks FROM pg_catalog.pg_locks WHERE relation = 'edupredict.runs'::regclass AND mode <> 'RowExclusiveLock' AND mode <> 'AccessShareLock' AND mode <> 'RowShareLock'"
ROLLBACK;
BEGIN;
LOCK edupredict.forecasts IN SHARE MODE;
ROLLBACK;
BEGIN;
LOCK edupredict.models IN EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK edupredict.model_names;
ROLLBACK;
BEGIN;
LOCK edupredict.model_grants IN SHARE ROW EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK edupredict.runs IN SHARE UPDATE EXCLUSIVE MODE;
ROLLBACK;
-- through a view over a registry table (PostgreSQL locks the view's tables too)
CREATE VIEW reglock.my_runs AS SELECT id FROM edupredict.runs;
BEGIN;
LOCK reglock.my_runs IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
-- ROW EXCLUSIVE (what an INSERT takes anyway) is allowed, and the role's own tables are its business
BEGIN;
LOCK edupredict.runs IN ROW EXCLUSIVE MODE;
CREATE TABLE reglock.own (a int);
LOCK reglock.own IN ACCESS EXCLUSIVE MODE;
SELECT 'allowed' AS row_exclusive_and_own_table;
ROLLBACK;
-- from a function (SPI runs utility statements too)
CREATE FUNCTION reglock.lock_runs() RETURNS void LANGUAGE plpgsql AS
$$ BEGIN LOCK edupredict.runs IN EXCLUSIVE MODE; END $$;
SELECT reglock.lock_runs();
RESET ROLE;
-- the tables' owner may
BEGIN;
LOCK edupredict.runs, edupredict.models IN ACCESS EXCLUSIVE MODE;
SELECT 'allowed' AS owner_lock;
ROLLBACK;
-- the guard refuses before the lock is asked for (test/isolation/specs/registry_lock_queue.spec),
-- walking the statement as PostgreSQL will: through a view over a view; where PostgreSQL fails
-- first (a table the view's owner may not lock, a missing name, no transaction block) its error stays
CREATE TABLE reglock.admin_only (id int);
GRANT SELECT ON reglock.admin_only TO regress_reglock;
CREATE FUNCTION reglock.owner_locks_runs() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$ BEGIN LOCK edupredict.runs IN EXCLUSIVE MODE; END $$;
GRANT EXECUTE ON FUNCTION reglock.owner_locks_runs() TO regress_reglock;
SET ROLE regress_reglock;
CREATE VIEW reglock.my_runs_2 AS SELECT id FROM reglock.my_runs;
BEGIN;
LOCK reglock.my_runs_2 IN SHARE MODE;
ROLLBACK;
CREATE VIEW reglock.admin_first AS SELECT a.id FROM reglock.admin_only a, edupredict.runs r;
BEGIN;
LOCK reglock.admin_first IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK reglock.no_such_table, edupredict.runs IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
LOCK edupredict.runs IN ACCESS EXCLUSIVE MODE;
-- a strong lock the session already holds (taken by the owner's function) may be asked for again, not more
BEGIN;
SELECT reglock.owner_locks_runs();
LOCK edupredict.runs IN SHARE MODE;
SELECT 'allowed' AS already_held;
LOCK edupredict.runs IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
RESET ROLE;
-- DDL that would lock a registry table before PostgreSQL checks the role's rights
-- is refused first (test/isolation/specs/registry_lock_ddl.spec shows it never
-- waits); INHERITS, INHERIT and DETACH CONCURRENTLY ask for SHARE UPDATE EXCLUSIVE
SET ROLE regress_reglock;
CREATE TABLE reglock.parent (id bigint) PARTITION BY RANGE (id);
CREATE TABLE reglock.child (id bigint);
BEGIN;
CREATE TABLE reglock.c2 (x int) INHERITS (edupredict.models);
ROLLBACK;
BEGIN;
ALTER TABLE reglock.child INHERIT edupredict.runs;
ROLLBACK;
ALTER TABLE reglock.parent DETACH PARTITION edupredict.model_grants CONCURRENTLY;
-- through search_path too, and as a table constraint
BEGIN;
SET LOCAL search_path = reglock, edupredict;
CREATE TRIGGER t BEFORE DELETE ON model_names FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger();
ROLLBACK;
BEGIN;
CREATE TABLE reglock.fk2 (r bigint, FOREIGN KEY (r) REFERENCES edupredict.forecasts);
ROLLBACK;
-- the role's own tables are its business
BEGIN;
CREATE TABLE reglock.pk (id bigint PRIMARY KEY);
CREATE TABLE reglock.fk (r bigint REFERENCES reglock.pk);
ALTER TABLE reglock.child ADD FOREIGN KEY (id) REFERENCES reglock.pk;
CREATE RULE r AS ON INSERT TO reglock.pk DO ALSO NOTHING;
CREATE TABLE reglock.p1 PARTITION OF reglock.parent FOR VALUES FROM (0) TO (10);
SELECT 'allowed' AS own_ddl;
ROLLBACK;
-- ALTER CONSTRAINT parses as a foreign key without a referenced table: the
-- guard passes it on to PostgreSQL's own error (it crashed the server)
CREATE TEMP TABLE reglock_tmp (id int);
ALTER TABLE reglock_tmp ALTER CONSTRAINT nosuch DEFERRABLE;
-- an index of a registry table is the table's: ALTER INDEX ... ATTACH
-- PARTITION would queue ACCESS EXCLUSIVE on it before PostgreSQL's checks
CREATE TEMP TABLE reglock_pt (id bigint) PARTITION BY RANGE (id);
CREATE INDEX reglock_pidx ON reglock_pt (id);
ALTER INDEX reglock_pidx ATTACH PARTITION edupredict.models_pkey;
-- a name that resolves to nothing fails at once with PostgreSQL's error, not
-- after the statement's own code (a column default) could move search_path
CREATE FUNCTION reglock.to_registry() RETURNS int LANGUAGE plpgsql IMMUTABLE AS
  $$ BEGIN PERFORM pg_catalog.set_config('search_path', 'edupredict', true); RETURN 1; END $$;
BEGIN;
SET LOCAL search_path = reglock;
ALTER TABLE child ADD COLUMN c int DEFAULT reglock.to_registry(), ADD FOREIGN KEY (id) REFERENCES models;
ROLLBACK;
-- IF NOT EXISTS / IF EXISTS skip as PostgreSQL does
CREATE TABLE IF NOT EXISTS reglock.child (id bigint REFERENCES reglock.nosuch);
ALTER TABLE IF EXISTS reglock.nosuch ADD FOREIGN KEY (id) REFERENCES reglock.nosuch2;
DROP TABLE reglock_tmp, reglock_pt;
-- LOCK: PostgreSQL's own error for a relation of the wrong kind stays
CREATE SEQUENCE reglock.seq;
BEGIN;
LOCK reglock.seq IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
RESET ROLE;
-- a foreign key of CREATE TABLE naming the new table references it, even
-- when a table of that name sits later in search_path (as without the guard)
CREATE SCHEMA reglock_s2;
CREATE TABLE reglock_s2.zz (id bigint PRIMARY KEY);
BEGIN;
SET LOCAL search_path = reglock, reglock_s2;
CREATE TABLE zz (id bigint PRIMARY KEY, p bigint REFERENCES zz);
CREATE TEMP TABLE zt (id bigint PRIMARY KEY, p bigint REFERENCES zt);
SELECT conrelid::regclass::text AS fk_of, confrelid OPERATOR(pg_catalog.=) conrelid AS references_itself
FROM pg_catalog.pg_constraint WHERE contype = 'f' AND conrelid IN ('reglock.zz'::regclass, 'zt'::regclass)
ORDER BY 1;
ROLLBACK;
DROP SCHEMA reglock_s2 CASCADE;
-- the tables' owner may
BEGIN;
CREATE TABLE reglock.owner_fk (r bigint REFERENCES edupredict.runs);
CREATE TRIGGER t BEFORE UPDATE ON edupredict.runs FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger();
SELECT 'allowed' AS owner_ddl;
ROLLBACK;
-- a role that was already holding the lock before (none here) and every
-- other statement are untouched: training still works for the role
SET ROLE regress_reglock;
CREATE TABLE reglock.rows AS SELECT g::float8 AS x, (g % 2)::text AS y FROM pg_catalog.generate_series(1, 40) g;
SELECT version FROM edupredict.train_forest('reglock_m', 'reglock.rows', 'y', n_trees => 2, test_fraction => 0);
SELECT count(*) FROM edupredict.drop_model('reglock_m');
-- the detail says what the lock would hold up: SHARE and above every role's
-- writes (training, scoring, the run log take ROW EXCLUSIVE); SHARE UPDATE
-- EXCLUSIVE only VACUUM, ANALYZE, index builds and DDL
\set VERBOSITY default
BEGIN;
LOCK edupredict.runs IN SHARE MODE;
ROLLBACK;
BEGIN;
LOCK edupredict.runs IN SHARE UPDATE EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
CREATE TRIGGER t BEFORE DELETE ON edupredict.model_names FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger();
ROLLBACK;
BEGIN;
COMMENT ON TABLE edupredict.models IS 'mine';
ROLLBACK;
\set VERBOSITY terse
RESET ROLE;
-- A LOCK through views that PostgreSQL and the guard permit runs to its end and
-- takes what PG 15's LockTableCommand takes (commands/lockcmds.c), in the
-- statement's mode: each view, the tables and views its query names, those of
-- its sub-queries (a sub-select in WHERE, a sub-query in FROM, a WITH query) and
-- each table's inheritance children (kid); a function or VALUES takes nothing, and
-- a cycle of views stops where it started (test/nopreload/sql/nopreload.sql
-- compares these locks with the same statement run without the library)
SET ROLE regress_reglock;
\set lock_schema reglock
\i test/fixtures/lock_views.sql
BEGIN;
LOCK reglock.v_all, reglock.cycle_a IN EXCLUSIVE MODE;
SELECT * FROM reglock.held ORDER BY 1, 2;
ROLLBACK;
-- privileges inside a view are its owner's (a security_invoker view's: the
-- caller's), and the owner's again after it: the superuser's view reads the
-- role's invoker view, then a table only the superuser may lock
RESET ROLE;
CREATE VIEW reglock.admin_view AS SELECT id FROM reglock.v_inv UNION ALL SELECT id FROM reglock.admin_only;
GRANT UPDATE ON reglock.admin_view TO regress_reglock;
SET ROLE regress_reglock;
BEGIN;
LOCK reglock.admin_view IN ACCESS EXCLUSIVE MODE;
SELECT * FROM reglock.held ORDER BY 1, 2;
ROLLBACK;
-- a registry table in a sub-query of a view is refused before it is locked:
-- before the table only the superuser may lock, which a later sub-query names
-- (PostgreSQL would lock the registry table first, then fail on that one);
-- test/isolation/specs/registry_lock_queue.spec shows no wait
CREATE VIEW reglock.sub_where AS
  SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM edupredict.models) AND EXISTS (SELECT 1 FROM reglock.admin_only);
CREATE VIEW reglock.sub_from AS
  SELECT a.id FROM (SELECT id FROM edupredict.runs) a, (SELECT id FROM reglock.admin_only) b;
CREATE VIEW reglock.sub_with AS
  WITH f AS (SELECT id FROM edupredict.forecasts), o AS (SELECT id FROM reglock.admin_only)
  SELECT id FROM f UNION ALL SELECT id FROM o;
BEGIN;
LOCK reglock.sub_where IN SHARE MODE;
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
LOCK reglock.sub_from IN SHARE UPDATE EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK reglock.sub_with IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
-- a view over an inheritance parent locks the parent's children: a registry
-- table made a child (only its owner can, the superuser here) is refused, here
-- too before the table the role may not lock; ONLY takes no child
RESET ROLE;
CREATE TABLE reglock.reg_parent ();
ALTER TABLE reglock.reg_parent OWNER TO regress_reglock;
ALTER TABLE edupredict.forecasts INHERIT reglock.reg_parent;
SET ROLE regress_reglock;
CREATE VIEW reglock.over_parent AS SELECT 1 AS x FROM reglock.reg_parent, reglock.admin_only;
CREATE VIEW reglock.over_only AS SELECT 1 AS x FROM ONLY reglock.reg_parent;
BEGIN;
LOCK reglock.over_parent IN SHARE MODE;
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
LOCK reglock.over_only IN SHARE MODE;
SELECT * FROM reglock.held ORDER BY 1, 2;
ROLLBACK;
RESET ROLE;
ALTER TABLE edupredict.forecasts NO INHERIT reglock.reg_parent;
-- (before DROP SCHEMA ... CASCADE, which drops a parent's children)
DROP VIEW reglock.over_parent, reglock.over_only;
DROP TABLE reglock.reg_parent;
SET ROLE regress_reglock;
-- COMMENT and SECURITY LABEL: a name found through search_path is pinned to
-- the schema the guard checked (test/isolation/specs/registry_lock_ddl.spec),
-- and the comment lands where PostgreSQL puts it; a bare column name is
-- PostgreSQL's error
SET search_path = reglock, edupredict;
COMMENT ON TABLE t1 IS 'mine';
COMMENT ON COLUMN t1.id IS 'mine too';
COMMENT ON COLUMN id IS 'whose?';
COMMENT ON COLUMN models.id IS 'not mine';
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET search_path;
SELECT pg_catalog.obj_description('reglock.t1'::regclass, 'pg_class') AS table_comment,
       pg_catalog.col_description('reglock.t1'::regclass, 1) AS column_comment;
-- no label provider is loaded here, so PostgreSQL refuses SECURITY LABEL
-- before it locks anything; with one it would lock the table first: the
-- guard refuses a registry table either way
SECURITY LABEL ON TABLE edupredict.runs IS 'mine';
\echo sqlstate :LAST_ERROR_SQLSTATE
SECURITY LABEL ON COLUMN reglock.t1.id IS 'mine';
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP SCHEMA reglock CASCADE;
DELETE FROM edupredict.runs WHERE owner = 'regress_reglock'::regrole;
DROP ROLE regress_reglock;
