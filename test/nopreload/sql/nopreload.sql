-- Without shared_preload_libraries the key is an unprotected placeholder
-- until the library loads in a session, so sha256_pii refuses to run.
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE ROLE regress_nopreload_analyst;
-- A new session has not loaded the library yet:
\c
SET ROLE regress_nopreload_analyst;
-- so any role can set and read the placeholder.
SET edupredict.pii_key = 'chosen-by-an-ordinary-role-0123';
SHOW edupredict.pii_key;
RESET ROLE;
SET edupredict.pii_key = 'superuser-key-0123456789abcdef';
-- Loading the library drops the session's value (the setting is PGC_SIGHUP).
SELECT edupredict.sha256_pii('ann@example.org', 'email');
-- Once loaded, the setting is protected in this session, but still refused.
SET ROLE regress_nopreload_analyst;
SHOW edupredict.pii_key;
RESET ROLE;
SELECT edupredict.sha256_pii('ann@example.org', 'email');
SELECT edupredict.pii_key_fingerprint();

-- Small-cell suppression: edupredict.min_cell is a placeholder too until the library loads, so an
-- ordinary role could SET it to 1 and have suppress_small_cells publish cells of one tutor.  The
-- threshold is read through the library, which loads it and discards the role's value.
\c
SET ROLE regress_nopreload_analyst;
SET edupredict.min_cell = 1;
SHOW edupredict.min_cell;
CREATE TEMP TABLE cells (r text, c text, n integer);
INSERT INTO cells VALUES ('A', 'x', 1), ('A', 'y', 10), ('B', 'x', 10), ('B', 'y', 10), ('C', 'x', 20), ('C', 'y', 30);
SELECT * FROM edupredict.suppress_small_cells('cells', 'r', 'c', 'n') ORDER BY 1, 2;
SHOW edupredict.min_cell;
-- Once loaded, the setting is superuser-only.
SET edupredict.min_cell = 1;
RESET ROLE;
DROP TABLE cells;
DROP ROLE regress_nopreload_analyst;

-- The registry lock guard (src/registry_lock_guard.c) is armed once the library loads; a LOCK it
-- permits takes the locks PostgreSQL takes without it.  The same LOCK of views (over a view, a
-- security_invoker view, sub-queries in WHERE, FROM and WITH, an inheritance parent, a function and
-- VALUES, a cycle of views) in a session that has not loaded the library, then once it has.
\c
CREATE ROLE regress_nopreload_locker;
GRANT edupredict_user TO regress_nopreload_locker;
CREATE SCHEMA nopreload_lock AUTHORIZATION regress_nopreload_locker;
SET ROLE regress_nopreload_locker;
\set lock_schema nopreload_lock
\i test/fixtures/lock_views.sql
BEGIN;
LOCK nopreload_lock.v_all, nopreload_lock.cycle_a IN SHARE MODE;
INSERT INTO nopreload_lock.seen SELECT 'not loaded', relname, mode FROM nopreload_lock.held;
COMMIT;
-- (not loaded, nothing guards the registry: the role's DELETE grant lets it lock edupredict.runs)
BEGIN;
LOCK edupredict.runs IN SHARE MODE;
ROLLBACK;
RESET ROLE;
LOAD 'edupredict';
SET ROLE regress_nopreload_locker;
BEGIN;
LOCK edupredict.runs IN SHARE MODE;
ROLLBACK;
BEGIN;
LOCK nopreload_lock.v_all, nopreload_lock.cycle_a IN SHARE MODE;
INSERT INTO nopreload_lock.seen SELECT 'loaded', relname, mode FROM nopreload_lock.held;
COMMIT;
SELECT relname, mode, count(*) FILTER (WHERE library = 'not loaded') AS not_loaded,
       count(*) FILTER (WHERE library = 'loaded') AS loaded
FROM nopreload_lock.seen GROUP BY relname, mode ORDER BY relname, mode;
RESET ROLE;
SET client_min_messages = warning;
DROP SCHEMA nopreload_lock CASCADE;
RESET client_min_messages;
DROP ROLE regress_nopreload_locker;
