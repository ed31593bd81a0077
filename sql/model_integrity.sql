SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Model integrity (issue 9 §6): forged bytes, encodings, caps, bad relations.
\set ECHO none
\set QUIET on
\i test/fixtures/forest_0.1.0_rows.sql
\i test/fixtures/forest_0.1.0.sql
\i test/fixtures/forged_models.sql
\set QUIET off
\set ECHO all
-- A forged model with the same length, header and checksum as fx_reg but
-- other trees: both parse, and they predict differently.
SELECT f.model <> decode(m.model_hex, 'hex') AS different_bytes,
       length(f.model) = length(decode(m.model_hex, 'hex')) AS same_length,
       substring(f.model FROM 1 FOR 28) = substring(decode(m.model_hex, 'hex') FROM 1 FOR 28) AS same_header,
       substring(f.model FROM length(f.model) - 3) = substring(decode(m.model_hex, 'hex') FROM length(f.model) - 3) AS same_checksum
FROM forged_models f, fx_models_0_1_0 m WHERE f.name = 'same_crc' AND m.name = 'fx_reg';
CREATE TEMP TABLE fx_input AS
SELECT id, ARRAY[x, nullif(substr(color, 2), '')::float8, flag::int]::float8[] AS f FROM fx_rows;
CREATE TEMP TABLE fx_a AS SELECT i.id, edupredict.predict(decode(m.model_hex, 'hex'), i.f) AS p
FROM fx_input i, fx_models_0_1_0 m WHERE m.name = 'fx_reg';
CREATE TEMP TABLE fx_b AS SELECT i.id, edupredict.predict(f.model, i.f) AS p
FROM fx_input i, forged_models f WHERE f.name = 'same_crc';
SELECT count(*) FILTER (WHERE a.p <> b.p) > 0 AS forgery_changes_predictions FROM fx_a a JOIN fx_b b USING (id);
-- One statement, one call site, the two models row after row, both as
-- values in memory (not TOAST pointers, which are keys of their own): every
-- row gets its own model's prediction (a cache keyed on length, header and
-- checksum would score the forged model with fx_reg's trees, or the reverse).
SELECT count(*) AS rows,
       count(*) FILTER (WHERE q.p = CASE WHEN q.id % 2 = 0 THEN a.p ELSE b.p END) AS own_model
FROM (SELECT i.id, edupredict.predict(CASE WHEN i.id % 2 = 0 THEN decode(m.model_hex, 'hex') ELSE f.model || '\x'::bytea END, i.f) AS p
      FROM fx_input i, fx_models_0_1_0 m, forged_models f
      WHERE m.name = 'fx_reg' AND f.name = 'same_crc' ORDER BY i.id) q
JOIN fx_a a USING (id) JOIN fx_b b USING (id);
-- A class label that is not valid UTF-8 (checksum fixed): refused, never returned as text.
SELECT edupredict.predict(model, ARRAY[1, 1, 1]::float8[]) FROM forged_models WHERE name = 'bad_utf8';
SELECT edupredict.predict_proba(model, ARRAY[1, 1, 1]::float8[]) FROM forged_models WHERE name = 'bad_utf8';
-- The encoding check's other texts: a feature name and a category (each its own message).
SELECT edupredict.predict(model, ARRAY[1, 1, 1]::float8[]) FROM forged_models WHERE name = 'bad_utf8_feature';
SELECT edupredict.predict(model, ARRAY[1, 1, 1]::float8[]) FROM forged_models WHERE name = 'bad_utf8_category';
-- ... also when stored in the registry
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_bad_utf8', 'classification', 'y', '{x,color,flag}', '{0,1,x}', '{}', '{}', 400, 0, model
FROM forged_models WHERE name = 'bad_utf8';
SELECT edupredict.model_classes('mi_bad_utf8');
SELECT edupredict.drop_model('mi_bad_utf8');

-- A tree must be a tree (STYLE.md section 8; test/fixtures/make_forged_models.py):
-- bytes whose splits share a child (a DAG of depth 24: prediction walks one
-- path, anything visiting every path would walk 2^24) or leave a node no
-- split leads to are refused by the reader, 22000 with the tree and node,
-- for predict and explain alike (explain's plan had its own guard, without
-- a detail).
CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  s text;
  d text;
BEGIN
  EXECUTE q;
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  RETURN s || ' ' || d;
END $$;
SET statement_timeout = '60s';
SELECT name,
       pg_temp.refusal(format('SELECT edupredict.predict(%L::bytea, ARRAY[1, 1, 1]::float8[])', model)) AS predict,
       pg_temp.refusal(format('SELECT * FROM edupredict.explain(%L::bytea, ARRAY[1, 1, 1]::float8[])', model)) AS explain
FROM forged_models WHERE name IN ('dag', 'orphan') ORDER BY name;
SELECT edupredict.predict(model, ARRAY[1, 1, 1]::float8[]) FROM forged_models WHERE name = 'dag';
RESET statement_timeout;

-- A relation that does not exist, given as an OID: 42P01, not an internal error.
SELECT edupredict.train_forest('mi_m', 999999999::oid::regclass, 'y');
SELECT edupredict.train_boosting('mi_m', 999999999::oid::regclass, 'y');
CREATE TABLE mi_small AS SELECT i::float8 AS a, (i % 2) AS y FROM generate_series(1, 50) i;
SELECT version FROM edupredict.train_forest('mi_small', 'mi_small', 'y', n_trees => 1);
SELECT * FROM edupredict.evaluate('mi_small', 999999999::oid::regclass);
SELECT edupredict.drop_model('mi_small');

-- forest_agg and boost_agg count the rows they collect against
-- edupredict.forest_max_memory: 16 MB is about 500,000 rows of 3 features.
SET edupredict.forest_max_memory = '16MB';
SELECT edupredict.forest_agg(ARRAY[i, i % 7, i % 13]::float8[], (i % 2)::float8, '{"n_trees": 1}')
FROM generate_series(1, 1000000) i;
SELECT edupredict.boost_agg(ARRAY[i, i % 7, i % 13]::float8[], (i % 2)::float8, '{"n_rounds": 1}')
FROM generate_series(1, 1000000) i;
-- train_forest's rows too
CREATE TABLE mi_big AS SELECT i::float8 AS a, (i % 7)::float8 AS b, (i % 2) AS y FROM generate_series(1, 1000000) i;
SELECT edupredict.train_forest('mi_big', 'mi_big', 'y', n_trees => 1);
RESET edupredict.forest_max_memory;
-- under the cap, the same aggregate works
SELECT length(edupredict.forest_agg(ARRAY[i, i % 7]::float8[], (i % 2)::float8, '{"n_trees": 1, "max_depth": 2}')) > 100 AS trained
FROM generate_series(1, 10000) i;

-- A registry row describes its model bytes (docs/forest.md): a forest_agg or
-- boost_agg model stored with INSERT gets algorithm, task, features and
-- classes from the bytes when left out, and a row contradicting them is
-- refused (22023).
CREATE TABLE mi_agg AS
SELECT edupredict.forest_agg(ARRAY[i % 5, i % 7, i % 11]::float8[], 'c' || (i % 3), '{"n_trees": 3, "seed": 1}') AS forest,
       edupredict.boost_agg(ARRAY[i % 5, i % 7, i % 11]::float8[], 'c' || (i % 3), '{"n_rounds": 3}') AS boost
FROM generate_series(1, 300) i;
-- the documented insert, every column given and right
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'classification', 'y', '{f1,f2,f3}', '{c0,c1,c2}', '{}', '{}', 300, 0, forest FROM mi_agg;
-- boost_agg's model is boosting, not the column default; features and classes filled in
INSERT INTO edupredict.models (name, task, target, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'classification', 'y', '{}', '{}', 300, 0, boost FROM mi_agg;
INSERT INTO edupredict.models (name, algorithm, target, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'forest', 'y', '{}', '{}', 300, 0, boost FROM mi_agg;
SELECT version, algorithm, task, features, classes FROM edupredict.models WHERE name = 'mi_doc' ORDER BY version;
SELECT v, edupredict.model_classes('mi_doc', v) FROM generate_series(1, 3) v;
-- contradictions
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'regression', 'y', '{f1,f2,f3}', NULL, '{}', '{}', 300, 0, forest FROM mi_agg;
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'classification', 'y', '{zz,yy,xx}', '{c0,c1,c2}', '{}', '{}', 300, 0, forest FROM mi_agg;
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'classification', 'y', '{f1,f2,f3}', '{c2,c1,c0}', '{}', '{}', 300, 0, forest FROM mi_agg;
UPDATE edupredict.models SET task = 'regression' WHERE name = 'mi_doc' AND version = 1;
-- features of another length (the model's first ones) or in two dimensions
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'classification', 'y', '{f1,f2}', '{c0,c1,c2}', '{}', '{}', 300, 0, forest FROM mi_agg;
\echo sqlstate :LAST_ERROR_SQLSTATE
INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_doc', 'classification', 'y', '{{f1,f2,f3}}', '{c0,c1,c2}', '{}', '{}', 300, 0, forest FROM mi_agg;
\echo sqlstate :LAST_ERROR_SQLSTATE
-- a regression model's row declaring classes (an empty array declares none);
-- past ten names the message says how many there are
CREATE TABLE mi_agg2 AS
SELECT edupredict.forest_agg(ARRAY[i % 5, i % 7]::float8[], (i % 13)::float8 / 3, '{"n_trees": 2, "task": "regression"}') AS reg,
       edupredict.forest_agg(ARRAY[i % 2, i % 3, i % 4, i % 5, i % 6, i % 7, i % 8, i % 9, i % 10, i % 11, i % 12]::float8[],
                             'c' || (i % 2), '{"n_trees": 2}') AS wide
FROM generate_series(1, 300) i;
INSERT INTO edupredict.models (name, target, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_reg', 'y', '{c0}', '{}', '{}', 300, 0, reg FROM mi_agg2;
\echo sqlstate :LAST_ERROR_SQLSTATE
INSERT INTO edupredict.models (name, target, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_reg', 'y', '{}', '{}', '{}', 300, 0, reg FROM mi_agg2 RETURNING version, task, features, classes;
INSERT INTO edupredict.models (name, target, features, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_wide', 'y', '{f2,f1,f3,f4,f5,f6,f7,f8,f9,f10,f11}', '{}', '{}', 300, 0, wide FROM mi_agg2;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT edupredict.drop_model('mi_reg');
-- a long name is cut at a character and marked "...", never inside a
-- multibyte character (a cut one made the detail invalid UTF-8, and a client
-- in another encoding got "invalid byte sequence" instead of this error)
CREATE TABLE mi_agg3 AS
SELECT edupredict.forest_agg(ARRAY[i % 5]::float8[], 'c' || (i % 2),
         jsonb_build_object('n_trees', 2, 'feature_names', jsonb_build_array('a' || repeat(chr(233), 70)))) AS m
FROM generate_series(1, 100) i;
INSERT INTO edupredict.models (name, target, features, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_long', 'y', '{zz}', '{}', '{}', 100, 0, m FROM mi_agg3;
\echo sqlstate :LAST_ERROR_SQLSTATE
-- new bytes: the row follows them
UPDATE edupredict.models SET model = (SELECT boost FROM mi_agg) WHERE name = 'mi_doc' AND version = 1;
SELECT version, algorithm FROM edupredict.models WHERE name = 'mi_doc' ORDER BY version;
SELECT edupredict.drop_model('mi_doc');
-- every way of registering a regression model stores its classes as NULL:
-- train_*, tune's refit, a new version (model_profile), and an INSERT of an
-- aggregate's model with classes left out or declared empty
CREATE TABLE mi_regrows AS
SELECT i, (i % 50)::float8 AS a, (i * 7 % 13)::float8 AS b, (i % 50)::float8 * 2 + (i % 3) AS y
FROM generate_series(1, 300) i;
SELECT count(*) FROM edupredict.train_forest('mi_rp_forest', 'mi_regrows', 'y', ARRAY['a', 'b'], task => 'regression', n_trees => 2);
SELECT count(*) FROM edupredict.train_boosting('mi_rp_boost', 'mi_regrows', 'y', ARRAY['a', 'b'], task => 'regression', n_rounds => 2);
SET client_min_messages = warning;	-- tune's notices give each trial's score
SELECT count(*) FROM edupredict.tune('mi_rp_tune', 'forest', 'mi_regrows', 'y', '{"n_trees": [1, 2]}', trials => 2, folds => 2,
                                     features => ARRAY['a', 'b'], params => '{"task": "regression"}');
RESET client_min_messages;
SELECT count(*) FROM edupredict.model_profile('mi_rp_forest', 'mi_regrows');
CREATE AGGREGATE pg_temp.mi_trees_state(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE pg_temp.mi_trees_merge(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
INSERT INTO edupredict.models (name, target, classes, params, metrics, n_rows, train_seconds, model)
SELECT 'mi_rp_' || k, 'y', c::text[], '{}', '{}', 300, 0, m
FROM (SELECT edupredict.forest_agg(ARRAY[a, b], y, '{"n_trees": 2, "task": "regression"}') AS f,
             edupredict.boost_agg(ARRAY[a, b], y, '{"n_rounds": 2, "loss": "squared"}') AS g
      FROM mi_regrows) x,
     LATERAL (SELECT pg_temp.mi_trees_merge(s) FROM (SELECT pg_temp.mi_trees_state(ARRAY[a, b], y, '{"n_trees": 1, "task": "regression"}') AS s
                                                 FROM mi_regrows GROUP BY i % 2) z) t(tr),
     LATERAL (VALUES ('forest_agg', NULL, f), ('forest_agg_empty', '{}', f), ('boost_agg', NULL, g),
                     ('boost_agg_empty', '{}', g), ('trees_empty', '{}', tr)) v(k, c, m);
SELECT name, version, task, classes IS NULL AS classes_null
FROM edupredict.models WHERE name LIKE 'mi\_rp\_%' ORDER BY name, version;
SELECT sum(edupredict.drop_model(name)) AS dropped FROM edupredict.model_names WHERE name LIKE 'mi\_rp\_%';
DROP TABLE fx_rows, fx_models_0_1_0, fx_predictions_0_1_0, forged_models, mi_small, mi_big, mi_agg, mi_agg2, mi_agg3, mi_regrows;
