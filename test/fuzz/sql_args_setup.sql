-- The small state test/fuzz/sql_args.py calls every function against: a
-- table of features and a target, one forest and one boosted model (and their
-- bytes), tutor data with an availability model, a panel, a scored table,
-- geometries.  Every fuzzed call runs in its own transaction and is rolled back.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE SCHEMA fz;
-- features (numeric and categorical), a class target and a numeric one
CREATE TABLE fz.feat (id int PRIMARY KEY, a float8, b float8, c text, target text, y float8);
INSERT INTO fz.feat
SELECT g, (g * 37 % 101) / 101.0, (g * 53 % 97) / 97.0, (ARRAY['p', 'q', 'r'])[1 + g % 3],
       CASE WHEN (g * 37 % 101) / 101.0 + (g % 3) * 0.2 > 0.7 THEN 'yes' ELSE 'no' END,
       (g * 37 % 101) / 101.0 * 3 + g % 3
FROM generate_series(1, 60) g;
CREATE TABLE fz.empty (LIKE fz.feat);
CREATE TABLE fz.few AS SELECT * FROM fz.feat WHERE id <= 4;  -- a relation of few rows (combination mode)
CREATE TABLE fz.wrong (id int, a text, b bytea, target int);
INSERT INTO fz.wrong VALUES (1, 'x', '\x00', 1), (2, NULL, NULL, NULL);
CREATE TABLE fz.nulls (LIKE fz.feat);
INSERT INTO fz.nulls VALUES (1, NULL, NULL, NULL, NULL, NULL), (2, 'NaN', 'Infinity', '', 'yes', 'NaN');
CREATE VIEW fz.feat_view AS SELECT * FROM fz.feat;
CREATE SEQUENCE fz.seq;
SELECT count(*) FROM edupredict.train_forest('fz_forest', 'fz.feat', 'target', '{a,b,c}', n_trees => 3, seed => 1);
SELECT count(*) FROM edupredict.train_forest('fz_reg', 'fz.feat', 'y', '{a,b}', n_trees => 3, seed => 1);
SELECT count(*) FROM edupredict.train_boosting('fz_boost', 'fz.feat', 'target', '{a,b}', n_rounds => 3, seed => 1);
CREATE TABLE fz.mb AS
SELECT name AS k, model AS b FROM edupredict.models WHERE name IN ('fz_forest', 'fz_reg', 'fz_boost');
-- a forest trained by the aggregate on numeric features only (features => float8[])
INSERT INTO fz.mb SELECT 'agg', edupredict.forest_agg(ARRAY[a, b], target, '{"n_trees": 3}') FROM fz.feat;
-- random bytes (fixed seed)
SELECT setseed(0.25);
INSERT INTO fz.mb SELECT 'random', decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex')
FROM generate_series(1, 600);
-- tutors, placements, responses, opportunities; an availability model
SELECT count(*) FROM edupredict.generate_tutor_data('fzt', 5, 150, '2019 Autumn', '2021 Autumn');
SELECT count(*) FROM edupredict.train_availability('fz_avail', 'fzt.tutors', 'fzt.placements', '2021 Summer',
                                                   n_trees => 3, seed => 1);
CREATE TABLE fz.pred AS
SELECT * FROM edupredict.predict_availability('fz_avail', 'fzt.tutors', 'fzt.placements', '2021 Summer');
CREATE TABLE fz.rec AS SELECT * FROM edupredict.recruit_forecast('fzt.tutors', 'fzt.placements', '2021 Summer');
-- events and a panel
CREATE TABLE fz.ev (student int, day date, score float8);
INSERT INTO fz.ev VALUES (1, '2024-01-01', 50), (1, '2024-01-09', 70), (2, '2024-01-03', 90), (2, '2024-01-24', NULL);
SELECT count(*) FROM edupredict.build_panel('fz.panel', 'fz.ev', '{student}', 'day', 'week', label => 'inactive');
-- cells for suppress_small_cells
CREATE TABLE fz.cells (r text, c text, n int);
INSERT INTO fz.cells VALUES ('A', 'x', 10), ('A', 'y', 3), ('B', 'x', 7), ('B', 'y', 20);
-- scored tables: one to attach to, one attached (for detach_scoring)
CREATE TABLE fz.scored (id int PRIMARY KEY, a float8, b float8, c text, risk float8);
CREATE TABLE fz.scored2 (id int PRIMARY KEY, a float8, b float8, c text, risk float8);
SELECT count(*) FROM edupredict.attach_scoring('fz.scored2', 'fz_forest', 'risk', class => 'yes');
-- points
CREATE TABLE fz.pts (id int, geom geometry);
INSERT INTO fz.pts SELECT g, ST_SetSRID(ST_MakePoint(-0.1 + (g % 5) * 0.01, 51.5 + (g / 5) * 0.01), 4326)
FROM generate_series(1, 20) g;
-- forest_agg_trees's transition, combine and final functions run only inside an
-- aggregate (0A000 when called alone) and read the bytea states they are given;
-- any role can build an aggregate over them (as sql/model_agg_state.sql does), so
-- test/fuzz/sql_args.py hands them hostile states through these: as rows to
-- combine (trees_merge), as the state to finish (trees_final), as the state a
-- row is added to (trees_from: the state as INITCOND).  trees_state(_reg) and
-- trees_rows are valid states: of trees (text and numeric target), of rows (a partial
-- aggregate's, which only a parallel plan makes: written as
-- sql/model_agg_state.sql writes it).
CREATE FUNCTION fz.keep_last(a bytea, b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS 'SELECT b';
CREATE AGGREGATE fz.trees_merge(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
CREATE AGGREGATE fz.trees_final(bytea) (SFUNC = fz.keep_last, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
CREATE FUNCTION fz.trees_from(state bytea, numeric_target boolean) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE r bytea;
BEGIN
  EXECUTE format('CREATE AGGREGATE pg_temp.fz_trees_from(float8[], %s, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, '
                 'STYPE = bytea, FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE%s)',
                 CASE WHEN numeric_target THEN 'float8' ELSE 'text' END,
                 CASE WHEN state IS NULL THEN '' ELSE format(', INITCOND = %L', state::text) END);
  EXECUTE format('SELECT pg_temp.fz_trees_from(ARRAY[f.a, f.b], f.%s, %L) FROM fz.feat f WHERE f.id <= 5',
                 CASE WHEN numeric_target THEN 'y' ELSE 'target' END,
                 CASE WHEN numeric_target THEN '{"n_trees": 2, "task": "regression"}' ELSE '{"n_trees": 2}' END) INTO r;
  EXECUTE 'DROP AGGREGATE pg_temp.fz_trees_from(float8[], ' || CASE WHEN numeric_target THEN 'float8' ELSE 'text' END || ', jsonb)';
  RETURN r;
END
$$;
CREATE AGGREGATE fz.trees_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE fz.trees_state(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
INSERT INTO fz.mb SELECT 'trees_state', fz.trees_state(ARRAY[a, b], target, '{"n_trees": 2}') FROM fz.feat;
INSERT INTO fz.mb SELECT 'trees_state_reg', fz.trees_state(ARRAY[a, b], y, '{"n_trees": 2, "task": "regression"}') FROM fz.feat;
INSERT INTO fz.mb
SELECT 'trees_rows', '\x454450540101010000000002'::bytea || substr(int8send(length(pa)), 5) || pa || '\x0000000000000000'::bytea
       || '\x454450410000000201'::bytea || int8send(3) || substr(int8send(length(pa)), 5) || pa
       || '\x0000000200000001780000000179'::bytea || float8send(0.1) || float8send(0.5) || float8send(0.9)
       || float8send(1) || float8send(2) || float8send(3) || float8send(0) || float8send(1) || float8send(0)
FROM convert_to('{"n_trees": 2}', 'UTF8') pa;
RESET client_min_messages;
-- a PII key (PGC_SIGHUP: the configuration file, never SET)
ALTER SYSTEM SET edupredict.pii_key = 'a-key-for-the-sql-argument-fuzz-0123';
SELECT pg_reload_conf();
-- Untrusted roles (docs/security.md): fz_user holds edupredict_user, as an
-- analyst does; fz_pub holds nothing.  They may resolve the names in fz and fzt
-- (USAGE) but read none of the superuser's tables there; test/fuzz/sql_args.py
-- gives each its own copy of this state (schemas fzu/fzut, fzp/fzpt, fzg/fzgt).
SET client_min_messages = warning;
CREATE ROLE fz_user LOGIN;
GRANT edupredict_user TO fz_user;
CREATE ROLE fz_pub LOGIN;
CREATE ROLE fz_grant LOGIN;
GRANT edupredict_user TO fz_grant;
GRANT USAGE ON SCHEMA fz, fzt TO PUBLIC;
SELECT format('GRANT CREATE ON DATABASE %I TO fz_user, fz_pub, fz_grant', current_database()) \gexec
CREATE SCHEMA fzu AUTHORIZATION fz_user;
CREATE SCHEMA fzp AUTHORIZATION fz_pub;
-- A third role, fz_grant (edupredict_user, schemas fzg/fzgt), is granted the
-- superuser's fz_forest, fz_boost and fz_reg with grant_model: it may read
-- and predict with them, never change them (docs/security.md).  fz_avail and
-- the copies fz_*_ng are not granted to it.
CREATE SCHEMA fzg AUTHORIZATION fz_grant;
SELECT count(*) FROM edupredict.train_forest('fz_forest_ng', 'fz.feat', 'target', '{a,b,c}', n_trees => 3, seed => 1);
SELECT count(*) FROM edupredict.train_forest('fz_reg_ng', 'fz.feat', 'y', '{a,b}', n_trees => 3, seed => 1);
SELECT count(*) FROM edupredict.train_boosting('fz_boost_ng', 'fz.feat', 'target', '{a,b}', n_rounds => 3, seed => 1);
SELECT edupredict.grant_model(m, 'fz_grant') FROM unnest('{fz_forest,fz_boost,fz_reg}'::text[]) m;
RESET client_min_messages;
-- What no call by those roles may change: the superuser's registry rows
-- (names, versions, bytes, grants, runs, forecasts), the catalog entries of
-- schemas fz, fzt and edupredict, and the rows of fz and fzt (the counts of
-- this transaction's inserts, updates and deletes, a write rolled back to a
-- savepoint included).  fz.fp_check() raises FZ001 when fz.fp() differs from
-- fz.fp0, taken once the roles' state is set.
CREATE FUNCTION fz.fp() RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT md5(concat_ws('|',
  (SELECT string_agg(concat_ws(',', name, owner, next_version, changed_at), ';' ORDER BY name)
     FROM edupredict.model_names WHERE owner = 'postgres'::regrole),
  (SELECT string_agg(concat_ws(',', id, name, version, deployed, md5(model), params, metrics, created_by), ';' ORDER BY id)
     FROM edupredict.models WHERE name IN (SELECT name FROM edupredict.model_names WHERE owner = 'postgres'::regrole)
                               OR name NOT IN (SELECT name FROM edupredict.model_names)),
  (SELECT string_agg(concat_ws(',', name, owner, grantee), ';' ORDER BY name, grantee::text)
     FROM edupredict.model_grants WHERE owner = 'postgres'::regrole),
  (SELECT string_agg(concat_ws(',', id, kind, model_name, model_version, name_owner, owner, params, metrics), ';' ORDER BY id)
     FROM edupredict.runs WHERE owner = 'postgres'::regrole OR name_owner = 'postgres'::regrole),
  (SELECT string_agg(concat_ws(',', id, run_id, owner, model_name, area, expected), ';' ORDER BY id)
     FROM edupredict.forecasts WHERE owner = 'postgres'),
  (SELECT string_agg(concat_ws(',', c.oid, c.relname, c.relowner, c.relfilenode, c.relacl, c.relkind, c.relhastriggers,
                               c.relhasrules, c.relrowsecurity, c.relforcerowsecurity), ';' ORDER BY c.oid)
     FROM pg_class c WHERE c.relnamespace IN ('fz'::regnamespace, 'fzt'::regnamespace, 'edupredict'::regnamespace)),
  (SELECT string_agg(concat_ws(',', t.tgrelid, t.tgname, t.tgenabled), ';' ORDER BY t.oid)
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace IN ('fz'::regnamespace, 'fzt'::regnamespace, 'edupredict'::regnamespace)),
  (SELECT string_agg(concat_ws(',', p.polrelid, p.polname, p.polroles, md5(coalesce(p.polqual::text, ''))), ';' ORDER BY p.oid)
     FROM pg_policy p),
  (SELECT md5(string_agg(concat_ws(',', p.oid, p.proname, p.prosecdef, p.proacl, p.proconfig, md5(p.prosrc)), ';' ORDER BY p.oid))
     FROM pg_proc p WHERE p.pronamespace = 'edupredict'::regnamespace),
  (SELECT string_agg(concat_ws(',', s.relid, s.n_tup_ins, s.n_tup_upd, s.n_tup_del), ';' ORDER BY s.relid)
     FROM pg_stat_xact_user_tables s
     WHERE s.schemaname IN ('fz', 'fzt') AND s.n_tup_ins + s.n_tup_upd + s.n_tup_del > 0)))
$$;
CREATE TABLE fz.fp0 (v text);
CREATE FUNCTION fz.fp_check() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF fz.fp() IS DISTINCT FROM (SELECT v FROM fz.fp0) THEN
    RAISE EXCEPTION 'the superuser''s registry rows, runs or tables changed' USING ERRCODE = 'FZ001';
  END IF;
END
$$;
