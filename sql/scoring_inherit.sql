SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Scored tables stay out of partition and inheritance hierarchies
-- (docs/scoring.md, Limits).  PostgreSQL fires only the named table's
-- statement-level triggers (the alerts) and only the row triggers (the
-- scoring) of the table a row is in: rows written through a parent would be
-- scored and never alerted (a scored partition or child), or never scored
-- while the parent's alert triggers read them (a scored parent).
-- attach_scoring refuses such tables (42809), and with the library loaded
-- (shared_preload_libraries) the DDL that would put a scored table into a
-- hierarchy is refused (0A000, src/scoring_ddl_guard.c) and rolled back.
CREATE SCHEMA scoring_inherit_t;
SET search_path = scoring_inherit_t, public;
CREATE TABLE history AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN (g % 10) + ((g * 7) % 13) > 11 THEN 'leaves' ELSE 'stays' END AS outcome
FROM generate_series(1, 300) g;
SELECT version FROM edupredict.train_forest('scoring_inherit_m', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 10, seed => 1, test_fraction => 0);
-- the partitions and inheritance children of this test's tables
CREATE VIEW hierarchy AS
SELECT i.inhrelid::regclass AS child, i.inhparent::regclass AS parent FROM pg_inherits i
WHERE i.inhparent IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'scoring_inherit_t'::regnamespace)
ORDER BY i.inhrelid::regclass::text;

-- (a) A scored table made a partition later: rows inserted through the
-- partitioned table would be scored and never alerted.
CREATE TABLE s_part (id int, x1 float8, x2 float8, risk float8);
SELECT object_name FROM edupredict.attach_scoring('s_part', 'scoring_inherit_m', 'risk', class => 'leaves',
                                                  alert_threshold => 0.5, alert_key => 'id');
CREATE TABLE parted (id int, x1 float8, x2 float8, risk float8) PARTITION BY RANGE (id);
ALTER TABLE parted ATTACH PARTITION s_part FOR VALUES FROM (0) TO (100);
SELECT relispartition FROM pg_class WHERE oid = 's_part'::regclass;
-- the triggers are found by function, not by name: an alert trigger alone counts
CREATE TABLE s_alert_only (id int, x1 float8, x2 float8, risk float8);
SELECT count(*) FROM edupredict.attach_scoring('s_alert_only', 'scoring_inherit_m', 'risk', class => 'leaves',
                                               alert_threshold => 0.5, alert_key => 'id');
DROP TRIGGER edupredict_score_risk ON s_alert_only;
\set VERBOSITY sqlstate
ALTER TABLE parted ATTACH PARTITION s_alert_only FOR VALUES FROM (100) TO (200);
-- and so does score_row() under another name
CREATE TABLE s_renamed (id int, x1 float8, x2 float8, risk float8);
SELECT count(*) FROM edupredict.attach_scoring('s_renamed', 'scoring_inherit_m', 'risk', class => 'leaves');
ALTER TRIGGER edupredict_score_risk ON s_renamed RENAME TO my_trigger;
ALTER TABLE parted ATTACH PARTITION s_renamed FOR VALUES FROM (200) TO (300);
\set VERBOSITY default
-- while a trigger of that name calling another function does not
CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE not_scored (id int, x1 float8, x2 float8, risk float8);
CREATE TRIGGER edupredict_score_risk BEFORE INSERT OR UPDATE ON not_scored FOR EACH ROW EXECUTE FUNCTION keep_row();
ALTER TABLE parted ATTACH PARTITION not_scored FOR VALUES FROM (300) TO (400);
-- detached, the table can be attached: its rows are no longer scored
SELECT count(*) FROM edupredict.detach_scoring('s_part', 'risk');
ALTER TABLE parted ATTACH PARTITION s_part FOR VALUES FROM (0) TO (100);
INSERT INTO parted VALUES (1, 9, 12, NULL);
SELECT tableoid::regclass, id, risk FROM parted ORDER BY id;

-- (b) A scored table made an inheritance child: rows updated through the
-- parent would be scored again and never alerted.
CREATE TABLE base (id int, x1 float8, x2 float8, risk float8);
CREATE TABLE s_child (id int, x1 float8, x2 float8, risk float8);
SELECT count(*) FROM edupredict.attach_scoring('s_child', 'scoring_inherit_m', 'risk', class => 'leaves',
                                               alert_threshold => 0.5, alert_key => 'id');
ALTER TABLE s_child INHERIT base;
\set VERBOSITY sqlstate
-- among other subcommands, the whole statement is rolled back
ALTER TABLE s_child ADD COLUMN note text, INHERIT base;
-- from a function too
DO $$ BEGIN EXECUTE 'ALTER TABLE scoring_inherit_t.s_child INHERIT scoring_inherit_t.base'; END $$;
\set VERBOSITY default
SELECT * FROM hierarchy;
SELECT count(*) AS note_columns FROM pg_attribute WHERE attrelid = 's_child'::regclass AND attname = 'note';

-- (c) A scored table given an inheritance child: the child's rows updated
-- through the scored table would not be scored, and its alert triggers would
-- read them.
CREATE TABLE s_parent (id int, x1 float8, x2 float8, risk float8);
SELECT count(*) FROM edupredict.attach_scoring('s_parent', 'scoring_inherit_m', 'risk', class => 'leaves',
                                               alert_threshold => 0.5, alert_key => 'id');
CREATE TABLE kid (id int, x1 float8, x2 float8, risk float8);
ALTER TABLE kid INHERIT s_parent;
\set VERBOSITY sqlstate
CREATE TABLE kid2 () INHERITS (s_parent);
CREATE TABLE other_parent (note text);
CREATE TABLE kid3 () INHERITS (other_parent, s_parent);
-- the parent named before the statement runs, not the temporary table it creates
CREATE TEMP TABLE s_parent () INHERITS (s_parent);
CREATE FOREIGN DATA WRAPPER scoring_inherit_fdw;
CREATE SERVER scoring_inherit_srv FOREIGN DATA WRAPPER scoring_inherit_fdw;
CREATE FOREIGN TABLE kid_ft () INHERITS (s_parent) SERVER scoring_inherit_srv;
CREATE FOREIGN TABLE kid_ft2 (id int, x1 float8, x2 float8, risk float8) SERVER scoring_inherit_srv;
ALTER FOREIGN TABLE kid_ft2 INHERIT s_parent;
\set VERBOSITY default
SELECT * FROM hierarchy;
SELECT to_regclass('kid2') AS kid2, to_regclass('kid3') AS kid3, to_regclass('kid_ft') AS kid_ft;
-- a role that does not own the scored table gets PostgreSQL's own error, which
-- does not say whether the table is scored
CREATE ROLE regress_scoring_inherit_other;
GRANT USAGE, CREATE ON SCHEMA scoring_inherit_t TO regress_scoring_inherit_other;
SET ROLE regress_scoring_inherit_other;
CREATE TABLE other_kid (id int, x1 float8, x2 float8, risk float8);
ALTER TABLE other_kid INHERIT s_parent;
CREATE TABLE other_kid2 () INHERITS (s_parent);
DROP TABLE other_kid;
RESET ROLE;
-- statements that do nothing are not refused
ALTER TABLE IF EXISTS no_such_table INHERIT s_parent;
CREATE TABLE IF NOT EXISTS other_parent () INHERITS (s_parent);
-- detached, it can have children
SELECT count(*) FROM edupredict.detach_scoring('s_parent', 'risk');
ALTER TABLE kid INHERIT s_parent;
SELECT count(*) FROM edupredict.detach_scoring('s_child', 'risk');
ALTER TABLE s_child INHERIT base;
SELECT * FROM hierarchy;

-- (d) attach_scoring refuses an inheritance child and a table with children
SELECT * FROM edupredict.attach_scoring('kid', 'scoring_inherit_m', 'risk', class => 'leaves');
SELECT * FROM edupredict.attach_scoring('s_parent', 'scoring_inherit_m', 'risk', class => 'leaves',
                                        alert_threshold => 0.5, alert_key => 'id');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid IN ('kid'::regclass, 's_parent'::regclass);
-- out of the hierarchy, both can be scored
ALTER TABLE kid NO INHERIT s_parent;
SELECT count(*) FROM edupredict.attach_scoring('kid', 'scoring_inherit_m', 'risk', class => 'leaves');
SELECT count(*) FROM edupredict.attach_scoring('s_parent', 'scoring_inherit_m', 'risk', class => 'leaves');
INSERT INTO kid VALUES (1, 9, 12, NULL);
INSERT INTO s_parent VALUES (2, 9, 12, NULL);
SELECT id, risk >= 0.5 AS high FROM kid UNION ALL SELECT id, risk >= 0.5 FROM s_parent ORDER BY id;

DROP SCHEMA scoring_inherit_t CASCADE;
DROP SERVER scoring_inherit_srv;
DROP FOREIGN DATA WRAPPER scoring_inherit_fdw;
DROP ROLE regress_scoring_inherit_other;
SELECT edupredict.drop_model('scoring_inherit_m');
