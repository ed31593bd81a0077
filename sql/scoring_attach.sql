SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- attach_scoring / detach_scoring: what they refuse and what they remove (docs/scoring.md).
CREATE SCHEMA scoring_attach_t;
SET search_path = scoring_attach_t, public;
SET extra_float_digits = 0;
CREATE TABLE history AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN (g % 10) + ((g * 7) % 13) > 11 THEN 'leaves' ELSE 'stays' END AS outcome
FROM generate_series(1, 300) g;
SELECT version FROM edupredict.train_forest('scoring_attach_m', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 10, seed => 1, test_fraction => 0);

-- detach drops the alerts table attach created, named by OID in the alert
-- triggers, never a table found by its name: after the scored table is
-- renamed, a table with the name <new name>_risk_alerts is left alone.
CREATE TABLE t2 (id int, x1 float8, x2 float8, risk float8);
SELECT * FROM edupredict.attach_scoring('t2', 'scoring_attach_m', 'risk', alert_threshold => 0.5, alert_key => 'id');
ALTER TABLE t2 RENAME TO t3;
CREATE TABLE t3_risk_alerts (important text);
INSERT INTO t3_risk_alerts VALUES ('precious data');
SELECT * FROM edupredict.detach_scoring('t3', 'risk');
SELECT * FROM t3_risk_alerts;
SELECT to_regclass('scoring_attach_t.t2_risk_alerts') AS created_alerts_table;
-- the alerts table renamed and moved to another schema: still the one dropped
CREATE TABLE t4 (id int, x1 float8, x2 float8, risk float8);
SELECT object_name FROM edupredict.attach_scoring('t4', 'scoring_attach_m', 'risk', alert_threshold => 0.5, alert_key => 'id')
WHERE object_type = 'table';
CREATE SCHEMA scoring_attach_s;
ALTER TABLE t4_risk_alerts RENAME TO moved_alerts;
ALTER TABLE moved_alerts SET SCHEMA scoring_attach_s;
CREATE TABLE t4_risk_alerts (important text);
SELECT * FROM edupredict.detach_scoring('t4', 'risk');
SELECT to_regclass('scoring_attach_s.moved_alerts') AS moved, to_regclass('t4_risk_alerts') AS same_name;
-- alert triggers that name different tables (one remade by hand): neither is dropped
CREATE TABLE t5 (id int, x1 float8, x2 float8, risk float8);
CREATE TABLE kept (important text);
SELECT object_name FROM edupredict.attach_scoring('t5', 'scoring_attach_m', 'risk', alert_threshold => 0.5, alert_key => 'id')
WHERE object_type = 'table';
DROP TRIGGER edupredict_alert_risk_upd ON t5;
DO $$
BEGIN
  EXECUTE format('CREATE TRIGGER edupredict_alert_risk_upd AFTER UPDATE ON scoring_attach_t.t5 '
                 'REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT '
                 'EXECUTE FUNCTION edupredict.alert_rows(%L, %L, %L, %L, %L, %L)',
                 'scoring_attach_m', 'risk', 'id', '0.5', 'scoring_attach_t.kept'::regclass::oid, '');
END
$$;
SELECT * FROM edupredict.detach_scoring('t5', 'risk');
SELECT to_regclass('t5_risk_alerts') AS t5_alerts, to_regclass('kept') AS kept;

-- Partitions are refused: PostgreSQL does not fire a partition's statement
-- triggers (the alerts) for rows routed through the partitioned table.
CREATE TABLE parted (id int, x1 float8, x2 float8, risk float8) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (1000);
SELECT * FROM edupredict.attach_scoring('parted_1', 'scoring_attach_m', 'risk', class => 'leaves',
                                        alert_threshold => 0.5, alert_key => 'id');
SELECT * FROM edupredict.attach_scoring('parted_1', 'scoring_attach_m', 'risk', class => 'leaves');
SELECT * FROM edupredict.attach_scoring('parted', 'scoring_attach_m', 'risk', class => 'leaves');
INSERT INTO parted VALUES (1, 9, 12, NULL);
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'parted_1'::regclass;
SELECT id, risk FROM parted;
-- nor can a scored table be attached as a partition later (sql/scoring_inherit.sql):
-- detach first
CREATE TABLE parted_2 (id int, x1 float8, x2 float8, risk float8);
SELECT object_name FROM edupredict.attach_scoring('parted_2', 'scoring_attach_m', 'risk', class => 'leaves');
ALTER TABLE parted ATTACH PARTITION parted_2 FOR VALUES FROM (1000) TO (2000);
SELECT * FROM edupredict.detach_scoring('parted_2', 'risk');
ALTER TABLE parted ATTACH PARTITION parted_2 FOR VALUES FROM (1000) TO (2000);
-- detach_scoring works on a partition (triggers left by a session without the
-- library loaded, which does not check the ATTACH; made here by hand)
CREATE TRIGGER edupredict_score_risk BEFORE INSERT OR UPDATE ON parted_2
FOR EACH ROW EXECUTE FUNCTION edupredict.score_row();
SELECT * FROM edupredict.detach_scoring('parted_2', 'risk');

-- The model is checked as the table's owner, who runs it on every write: a
-- model the caller can use but the owner cannot is refused at attach with the
-- error a write would raise, instead of failing every write afterwards.
CREATE ROLE regress_scoring_attach_owner;
CREATE ROLE regress_scoring_attach_member;
GRANT edupredict_user TO regress_scoring_attach_owner, regress_scoring_attach_member;
GRANT regress_scoring_attach_owner TO regress_scoring_attach_member;
GRANT USAGE ON SCHEMA scoring_attach_t TO regress_scoring_attach_owner, regress_scoring_attach_member;
GRANT SELECT ON history TO regress_scoring_attach_member;
CREATE TABLE owned (id int, x1 float8, x2 float8, risk float8);
ALTER TABLE owned OWNER TO regress_scoring_attach_owner;
-- a superuser's model, not granted to the owner
SELECT * FROM edupredict.attach_scoring('owned', 'scoring_attach_m', 'risk', class => 'leaves');
SELECT count(*) AS triggers, current_user = session_user AS caller_again
FROM pg_trigger WHERE tgrelid = 'owned'::regclass;
-- a model of a member of the owning role, which the owner cannot see
SET ROLE regress_scoring_attach_member;
SELECT version FROM edupredict.train_forest('scoring_attach_mine', 'history', 'outcome', features => '{x1,x2}',
                                            n_trees => 3, seed => 1, test_fraction => 0);
SELECT * FROM edupredict.attach_scoring('owned', 'scoring_attach_mine', 'risk', class => 'leaves');
SELECT edupredict.drop_model('scoring_attach_mine');
RESET ROLE;
-- granted to the owner, the model is attached and scores the owner's writes
SELECT edupredict.grant_model('scoring_attach_m', 'regress_scoring_attach_owner');
SELECT object_name FROM edupredict.attach_scoring('owned', 'scoring_attach_m', 'risk', class => 'leaves');
SELECT current_user = session_user AS caller_again;
SET ROLE regress_scoring_attach_owner;
INSERT INTO owned VALUES (1, 9, 12, NULL);
RESET ROLE;
SELECT id, risk = edupredict.predict_proba('scoring_attach_m', o, 'leaves') AS scored FROM owned o;
SELECT object_name FROM edupredict.detach_scoring('owned', 'risk');
-- the grantee attaches the granted model to its own table itself; once the
-- grant is revoked its writes fail (42704, as after a drop) until it detaches
SET ROLE regress_scoring_attach_owner;
SELECT object_name FROM edupredict.attach_scoring('owned', 'scoring_attach_m', 'risk', class => 'leaves');
INSERT INTO owned VALUES (2, 9, 12, NULL);
RESET ROLE;
SELECT edupredict.revoke_model('scoring_attach_m', 'regress_scoring_attach_owner');
SET ROLE regress_scoring_attach_owner;
INSERT INTO owned VALUES (3, 9, 12, NULL);
UPDATE owned SET x1 = 8 WHERE id = 2;
SELECT object_name FROM edupredict.detach_scoring('owned', 'risk');
INSERT INTO owned VALUES (3, 9, 12, NULL);
RESET ROLE;
SELECT id, x1, risk = edupredict.predict_proba('scoring_attach_m', o, 'leaves') AS scored FROM owned o ORDER BY id;
SELECT edupredict.grant_model('scoring_attach_m', 'regress_scoring_attach_owner');
SELECT edupredict.revoke_model('scoring_attach_m', 'regress_scoring_attach_owner');
-- an owner without edupredict_user: the registry's 42501, as a write would get it
REVOKE edupredict_user FROM regress_scoring_attach_owner;
SELECT * FROM edupredict.attach_scoring('owned', 'scoring_attach_m', 'risk', class => 'leaves');
-- the look as the owner is for those who act for the owner only
SET ROLE regress_scoring_attach_member;
SELECT * FROM edupredict._scoring_model('history', 'scoring_attach_m');
RESET ROLE;
-- and a table OID that names nothing is the usual missing-relation error, not an internal one
\set VERBOSITY sqlstate
SELECT * FROM edupredict._scoring_model(4294967295::pg_catalog.oid::pg_catalog.regclass, 'scoring_attach_m');
\set VERBOSITY default

-- Generated columns are computed after BEFORE row triggers: a generated
-- output column would never hold the risk, and a generated feature would be
-- scored unset (NULL on insert, the old value on update).  Both are refused;
-- a generated alert key is fine (the alerts read the rows as stored).
CREATE TABLE gen_out (id int, x1 float8, x2 float8, risk float8 GENERATED ALWAYS AS (x1 * 0) STORED);
SELECT * FROM edupredict.attach_scoring('gen_out', 'scoring_attach_m', 'risk', class => 'leaves');
INSERT INTO gen_out VALUES (1, 9, 12);
SELECT id, risk, edupredict.predict_proba('scoring_attach_m', g, 'leaves') AS model_says FROM gen_out g;
CREATE TABLE gen_feature (id int, raw float8, x1 float8 GENERATED ALWAYS AS (raw) STORED, x2 float8, risk float8);
SELECT * FROM edupredict.attach_scoring('gen_feature', 'scoring_attach_m', 'risk', class => 'leaves');
INSERT INTO gen_feature (id, raw, x2) SELECT g, g % 10, (g * 5) % 13 FROM generate_series(1, 40) g;
UPDATE gen_feature SET raw = 9 - raw;
SELECT count(*) AS rows, count(risk) AS scored,
       count(*) FILTER (WHERE risk = edupredict.predict_proba('scoring_attach_m', g, 'leaves')) AS as_model
FROM gen_feature g;
CREATE TABLE gen_key (id int, x1 float8, x2 float8, risk float8, k text GENERATED ALWAYS AS ('k' || id) STORED);
SELECT object_name FROM edupredict.attach_scoring('gen_key', 'scoring_attach_m', 'risk', class => 'leaves',
                                                  alert_threshold => 0.5, alert_key => 'k')
WHERE object_type = 'table';
INSERT INTO gen_key (id, x1, x2) VALUES (1, 9, 12), (2, 0, 0);
SELECT entity_key, risk >= 0.5 AS at_or_above FROM gen_key_risk_alerts ORDER BY 1;
SELECT count(*) AS rows_at_or_above FROM gen_key WHERE risk >= 0.5;

-- The threshold is stored in the alert triggers' arguments exactly, whatever
-- the session's extra_float_digits (with -15 a threshold of 0.75 was stored as
-- 0.8, and rows at 0.77 raised no alert).  The threshold here is the risk of
-- one of the rows, one that one significant digit rounds up.
CREATE TABLE noisy AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN (g * 37) % 100 < (g % 10) * 10 THEN 'leaves' ELSE 'stays' END AS outcome
FROM generate_series(1, 300) g;
SELECT version FROM edupredict.train_forest('scoring_attach_noisy', 'noisy', 'outcome', features => '{x1,x2}',
                                            n_trees => 7, max_depth => 2, seed => 1, test_fraction => 0);
CREATE TABLE thr (id int, x1 float8, x2 float8, risk float8);
CREATE TABLE thr_rows AS
SELECT g AS id, (g % 10)::float8 AS x1, ((g * 5) % 13)::float8 AS x2, NULL::float8 AS risk
FROM generate_series(1, 100) g;
SET extra_float_digits = 3;
SELECT min(p) AS thr FROM (SELECT edupredict.predict_proba('scoring_attach_noisy', r, 'leaves') AS p FROM thr_rows r) s
WHERE p BETWEEN 0.4 AND 0.9 AND round(p::numeric, 1) > p::numeric \gset
SET extra_float_digits = -15;
SELECT object_name FROM edupredict.attach_scoring('thr', 'scoring_attach_noisy', 'risk', class => 'leaves',
                                                  alert_threshold => :thr, alert_key => 'id')
WHERE object_type = 'table';
INSERT INTO thr SELECT * FROM thr_rows;
SELECT tgname, (string_to_array(encode(tgargs, 'escape'), '\000'))[4]::float8 = :thr AS stored_exactly
FROM pg_trigger WHERE tgrelid = 'thr'::regclass AND tgname LIKE 'edupredict_alert%' ORDER BY 1;
SELECT count(*) FILTER (WHERE risk >= :thr) AS at_or_above, count(*) FILTER (WHERE risk = :thr) AS at_threshold,
       (SELECT count(*) FROM thr_risk_alerts) AS alerts
FROM thr;
SET extra_float_digits = 0;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA scoring_attach_t CASCADE;
DROP SCHEMA scoring_attach_s CASCADE;
DROP ROLE regress_scoring_attach_owner;
DROP ROLE regress_scoring_attach_member;
DELETE FROM edupredict.models WHERE name LIKE 'scoring\_attach%';
RESET client_min_messages;
