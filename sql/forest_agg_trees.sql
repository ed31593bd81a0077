SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
SET search_path = edupredict, public;
-- forest_agg_trees (issue 15): partial states carry trees, not rows.  Citus
-- prints each shard's state with byteaout (flattening it grows the trees)
-- and combines the states on the coordinator; the two aggregates below do
-- the same here, one state per group: trees_state is the worker's part,
-- trees_merge the coordinator's.
CREATE AGGREGATE pg_temp.trees_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE pg_temp.trees_state(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE pg_temp.trees_merge(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
-- trees in model bytes (header: n_trees at byte 20, little-endian)
CREATE FUNCTION pg_temp.n_trees(m bytea) RETURNS int LANGUAGE sql AS
  $$SELECT get_byte(m, 20) + 256 * get_byte(m, 21)$$;
CREATE TABLE ft AS
SELECT i AS id, (i % 17)::float8 AS a, ((i * 7) % 23)::float8 AS b, round(sin(i)::numeric, 6)::float8 AS c,
       CASE WHEN i % 17 > 8 THEN 'x' WHEN (i * 7) % 23 > 15 THEN 'y' ELSE 'z' END AS lab,
       (i % 17) * 2.0 + ((i * 7) % 23) * 0.5 AS v
FROM generate_series(1, 2000) i;

-- One node, no partial states: forest_agg's model, byte for byte.
SELECT forest_agg(ARRAY[a, b, c], lab, '{"n_trees": 5}') = forest_agg_trees(ARRAY[a, b, c], lab, '{"n_trees": 5}') AS text_target_same,
       forest_agg(ARRAY[a, b], v, '{"n_trees": 5, "task": "regression"}') =
       forest_agg_trees(ARRAY[a, b], v, '{"n_trees": 5, "task": "regression"}') AS regression_same,
       forest_agg(ARRAY[a, b], (id % 3)::float8, '{"n_trees": 5, "task": "classification"}') =
       forest_agg_trees(ARRAY[a, b], (id % 3)::float8, '{"n_trees": 5, "task": "classification"}') AS numeric_classes_same
FROM ft;

-- Aggregates of one query with the same arguments and transition function
-- share one state: trees_state's result flattens it (growing the trees a
-- part would send), trees_whole finishes it.  Flattening leaves the state
-- as it was, so the order of the two in the query changes nothing: the
-- model is forest_agg's and the flat state the same bytes (any role can
-- create such aggregates).
CREATE AGGREGATE pg_temp.trees_whole(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final);
CREATE AGGREGATE pg_temp.trees_whole(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final);
WITH whole_first AS (
  SELECT pg_temp.trees_whole(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS m,
         pg_temp.trees_state(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS s,
         pg_temp.trees_whole(ARRAY[a, b], lab, '{"n_trees": 2}') AS mt,
         pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 2}') AS st
  FROM ft WHERE id < 60),
state_first AS (
  SELECT pg_temp.trees_state(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS s,
         pg_temp.trees_whole(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS m,
         pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 2}') AS st,
         pg_temp.trees_whole(ARRAY[a, b], lab, '{"n_trees": 2}') AS mt
  FROM ft WHERE id < 60),
one AS (
  SELECT forest_agg(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS m,
         forest_agg(ARRAY[a, b], lab, '{"n_trees": 2}') AS mt
  FROM ft WHERE id < 60)
SELECT w.m = o.m AND w.mt = o.mt AS whole_first_is_forest_agg,
       f.m = o.m AND f.mt = o.mt AS state_first_is_forest_agg,
       w.s = f.s AND w.st = f.st AS same_state,
       (SELECT pg_temp.trees_merge(x) FROM (VALUES (f.s)) v(x)) <> o.m AS state_is_a_part
FROM whole_first w, state_first f, one o;

-- Two parts; part 0 has no row of class 'y'.  Features a and b have 17 and 23
-- values, so the merged codebook holds every edge of both parts: the merged
-- model predicts the mean of the parts' models exactly (leaves of at least
-- 40 rows hold class shares, which follow the united class list).
CREATE TABLE parts AS
SELECT (lab = 'y' OR id % 2 = 0)::int AS part,
       pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 5, "min_samples_leaf": 40}') AS s
FROM ft GROUP BY 1;
CREATE TABLE merged AS
SELECT 'p0' AS k, pg_temp.trees_merge(s) AS m FROM parts WHERE part = 0
UNION ALL SELECT 'p1', pg_temp.trees_merge(s) FROM parts WHERE part = 1
UNION ALL SELECT 'p01', pg_temp.trees_merge(s) FROM (SELECT s FROM parts ORDER BY part) x
UNION ALL SELECT 'p10', pg_temp.trees_merge(s) FROM (SELECT s FROM parts ORDER BY part DESC) x
UNION ALL SELECT 'p00', pg_temp.trees_merge(s) FROM (SELECT s FROM parts WHERE part = 0 UNION ALL SELECT s FROM parts WHERE part = 0) x;
SELECT k, pg_temp.n_trees(m) AS trees, array_length(predict_proba(m, ARRAY[1, 2]::float8[]), 1) AS classes
FROM merged ORDER BY k;
-- states arrive in any order: the model is the same bytes
SELECT (SELECT m FROM merged WHERE k = 'p01') = (SELECT m FROM merged WHERE k = 'p10') AS same_bytes_any_order;
-- classes x, y, z: part 0 gives 'y' nothing
WITH p AS (
  SELECT predict_proba((SELECT m FROM merged WHERE k = 'p0'), ARRAY[a, b]) AS p0,
         predict_proba((SELECT m FROM merged WHERE k = 'p1'), ARRAY[a, b]) AS p1,
         predict_proba((SELECT m FROM merged WHERE k = 'p01'), ARRAY[a, b]) AS p01,
         predict_proba((SELECT m FROM merged WHERE k = 'p10'), ARRAY[a, b]) AS p10,
         predict_proba((SELECT m FROM merged WHERE k = 'p00'), ARRAY[a, b]) AS p00
  FROM ft)
SELECT max(abs(p01[1] - (p0[1] + p1[1]) / 2)) < 1e-12 AS x_is_mean,
       max(abs(p01[2] - (0 + p1[2]) / 2)) < 1e-12 AS y_is_mean,
       max(abs(p01[3] - (p0[2] + p1[3]) / 2)) < 1e-12 AS z_is_mean,
       max(abs(p01[1] - p10[1]) + abs(p01[2] - p10[2]) + abs(p01[3] - p10[3])) < 1e-12 AS order_of_parts_free,
       max(abs(p00[1] - p0[1]) + abs(p00[2] - p0[2])) < 1e-12 AS twice_the_same_part,
       count(DISTINCT p01::text) > 3 AS varied
FROM p;
-- parts with different codebooks (part 0 holds b < 12, part 1 b >= 12): the
-- merged codebook holds both parts' cut points and every split is renumbered
CREATE TABLE parts_ab AS
SELECT (b >= 12)::int AS part, pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 5, "min_samples_leaf": 40}') AS s
FROM ft GROUP BY 1;
WITH m AS (SELECT (SELECT pg_temp.trees_merge(s) FROM parts_ab WHERE part = 0) AS m0,
                  (SELECT pg_temp.trees_merge(s) FROM parts_ab WHERE part = 1) AS m1,
                  (SELECT pg_temp.trees_merge(s) FROM parts_ab) AS m01),
p AS (SELECT predict_proba(m0, ARRAY[a, b]) AS p0, predict_proba(m1, ARRAY[a, b]) AS p1,
             predict_proba(m01, ARRAY[a, b]) AS p01 FROM ft, m)
SELECT max(array_length(p0, 1)) AS classes_0, max(array_length(p1, 1)) AS classes_1, count(DISTINCT p01::text) AS outputs,
       max(abs(p01[1] - (p0[1] + p1[1]) / 2) + abs(p01[2] - p1[2] / 2) + abs(p01[3] - (p0[2] + p1[3]) / 2)) < 1e-12
         AS is_the_mean
FROM p;
-- a part's trees depend on its rows, not on their order
SELECT (SELECT pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 5}') FROM (SELECT * FROM ft WHERE id % 2 = 0 ORDER BY id) o) =
       (SELECT pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 5}') FROM (SELECT * FROM ft WHERE id % 2 = 0 ORDER BY id DESC) o)
       AS part_order_free,
       (SELECT pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 5}') FROM ft WHERE id % 2 = 0) <>
       (SELECT pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 5}') FROM ft WHERE id % 2 = 1) AS parts_differ;
-- Feature c has 2,000 values: the parts' edges do not fit one codebook, so
-- 254 of them are kept and some splits move to a neighbouring edge.
CREATE TABLE parts_c AS
SELECT id % 2 AS part, pg_temp.trees_state(ARRAY[a, c], lab, '{"n_trees": 10}') AS s FROM ft GROUP BY 1;
WITH m AS (SELECT (SELECT pg_temp.trees_merge(s) FROM parts_c WHERE part = 0) AS m0,
                  (SELECT pg_temp.trees_merge(s) FROM parts_c WHERE part = 1) AS m1,
                  (SELECT pg_temp.trees_merge(s) FROM parts_c) AS m01),
p AS (SELECT predict_proba(m0, ARRAY[a, c]) AS p0, predict_proba(m1, ARRAY[a, c]) AS p1,
             predict_proba(m01, ARRAY[a, c]) AS p01, ft.lab, predict(m01, ARRAY[a, c]) AS label FROM ft, m)
SELECT avg(abs(p01[1] - (p0[1] + p1[1]) / 2)) < 0.02 AS near_the_mean,
       max(abs(p01[1] - (p0[1] + p1[1]) / 2)) > 0 AS not_exact,
       avg((label = lab)::int) > 0.9 AS accurate
FROM p;
-- explanations of a merged model still add up (its covers are rescaled to one root cover)
WITH m AS (SELECT m FROM merged WHERE k = 'p01'),
r AS (SELECT a, b FROM ft WHERE id IN (3, 50, 777))
SELECT max(abs((SELECT sum(e.contribution) FROM explain(m.m, ARRAY[r.a, r.b], class => 'x') e)
               + explain_base_value(m.m, 'x') - (predict_proba(m.m, ARRAY[r.a, r.b]))[1])) < 1e-9 AS additive
FROM m, r;

-- A part whose rows cannot grow a forest (one class, one row) gives trees
-- of one leaf: its class, or its value.
CREATE TABLE parts_1 AS
SELECT (lab = 'x')::int AS part, pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 4}') AS s FROM ft GROUP BY 1;
WITH m AS (SELECT pg_temp.trees_merge(s) AS m FROM parts_1),
     x AS (SELECT pg_temp.trees_merge(s) AS m FROM parts_1 WHERE part = 0)
SELECT pg_temp.n_trees(m.m) AS trees, predict_proba(m.m, ARRAY[1, 1]::float8[]) AS proba,
       (predict_proba(x.m, ARRAY[1, 1]::float8[]))[1] / 2 = (predict_proba(m.m, ARRAY[1, 1]::float8[]))[2] AS others_halved
FROM m, x;
SELECT pg_temp.trees_merge(s) FROM parts_1 WHERE part = 1;
SELECT predict(pg_temp.trees_merge(s), ARRAY[5, 5]::float8[]) AS one_row_parts
FROM (SELECT pg_temp.trees_state(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS s FROM ft WHERE id <= 3 GROUP BY id) x;

-- Classes come in one order whatever made the model: a text target's labels
-- in byte order, even when they look like numbers ('10' < '2' < '9'), a
-- numeric target's values in numeric order (-Infinity first), as
-- train_forest, train_boosting, forest_agg and boost_agg order them.  Parts:
-- three forests of every class, or a constant part of class '10' (a = 0) and
-- three forests without it.  Feature a says the class, so every forest gives
-- a row's class probability 1 in the position of its class.
CREATE TABLE fc AS
SELECT i AS id, (i % 4)::float8 AS a, (ARRAY['10', '9', '2', '1.0'])[i % 4 + 1] AS lab,
       (ARRAY['10', '9', '2', '-Infinity'])[i % 4 + 1]::float8 AS y
FROM generate_series(1, 400) i;
CREATE TABLE fc_models AS
SELECT 'forest_agg' AS k, forest_agg(ARRAY[a], lab, '{"n_trees": 4}') AS mt,
       forest_agg(ARRAY[a], y, '{"n_trees": 4, "task": "classification"}') AS my FROM fc
UNION ALL
SELECT 'boost_agg', boost_agg(ARRAY[a], lab, '{"n_rounds": 2}'),
       boost_agg(ARRAY[a], y, '{"n_rounds": 2, "task": "classification"}') FROM fc
UNION ALL
SELECT 'forest_agg_trees', forest_agg_trees(ARRAY[a], lab, '{"n_trees": 4}'),
       forest_agg_trees(ARRAY[a], y, '{"n_trees": 4, "task": "classification"}') FROM fc
UNION ALL
SELECT 'three parts', (SELECT pg_temp.trees_merge(s) FROM (SELECT pg_temp.trees_state(ARRAY[a], lab, '{"n_trees": 4}') AS s
                                                        FROM fc GROUP BY id % 3) x),
       (SELECT pg_temp.trees_merge(s) FROM (SELECT pg_temp.trees_state(ARRAY[a], y, '{"n_trees": 4, "task": "classification"}') AS s
                                           FROM fc GROUP BY id % 3) x)
UNION ALL
SELECT 'constant part', (SELECT pg_temp.trees_merge(s) FROM (SELECT pg_temp.trees_state(ARRAY[a], lab, '{"n_trees": 4}') AS s
                                                          FROM fc GROUP BY CASE WHEN a = 0 THEN 0 ELSE 1 + id % 3 END) x),
       (SELECT pg_temp.trees_merge(s) FROM (SELECT pg_temp.trees_state(ARRAY[a], y, '{"n_trees": 4, "task": "classification"}') AS s
                                           FROM fc GROUP BY CASE WHEN a = 0 THEN 0 ELSE 1 + id % 3 END) x);
INSERT INTO edupredict.models (name, task, target, params, metrics, n_rows, train_seconds, model)
SELECT 'fc_' || replace(k, ' ', '_') || '_' || t, 'classification', t, '{}', '{}', 400, 0, CASE t WHEN 'lab' THEN mt ELSE my END
FROM fc_models, (VALUES ('lab'), ('y')) v(t);
SELECT 'train_forest' AS k, t, (edupredict.train_forest('fc_train_forest_' || t, 'fc', t, features => ARRAY['a'],
                                                         task => 'classification', n_trees => 4)).version AS v
FROM (VALUES ('lab'), ('y')) v(t)
UNION ALL
SELECT 'train_boosting', t, (edupredict.train_boosting('fc_train_boosting_' || t, 'fc', t, features => ARRAY['a'],
                                                       task => 'classification', n_rounds => 2)).version
FROM (VALUES ('lab'), ('y')) v(t);
SELECT name, classes, model_classes(name) = classes AS listed FROM edupredict.models WHERE name LIKE 'fc\_%' ORDER BY name;
-- a row's probabilities in the same order: the parts' forests agree with forest_agg's
SELECT k, count(*) AS rows,
       count(*) FILTER (WHERE predict_proba(m.mt, ARRAY[fc.a]) = predict_proba(o.mt, ARRAY[fc.a])) AS text_same,
       count(*) FILTER (WHERE predict_proba(m.my, ARRAY[fc.a]) = predict_proba(o.my, ARRAY[fc.a])) AS numeric_same,
       count(*) FILTER (WHERE predict(m.mt, ARRAY[fc.a]) = fc.lab AND predict(m.my, ARRAY[fc.a])::float8 = fc.y) AS predicted
FROM fc_models m, fc, (SELECT mt, my FROM fc_models WHERE k = 'forest_agg') o
WHERE k IN ('forest_agg_trees', 'three parts') GROUP BY k ORDER BY k;

-- Parallel workers are partial states too: the model then depends on how the
-- rows were split (n_trees per part), and is still a forest.
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE ft SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT forest_agg_trees(ARRAY[a, b], lab, '{"n_trees": 5}') FROM ft;
WITH m AS (SELECT forest_agg_trees(ARRAY[a, b], lab, '{"n_trees": 5}') AS m FROM ft)
SELECT pg_temp.n_trees(m) % 5 = 0 AS whole_parts, (SELECT avg((predict(m, ARRAY[a, b]) = lab)::int) > 0.9 FROM ft) AS accurate
FROM m;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- Errors
SELECT forest_agg_trees(ARRAY[a, b], v, '{"n_trees": 2}') FROM ft;
SELECT forest_agg_trees(ARRAY[a, b], lab, '{"n_trees": 2, "calibration": "isotonic"}') FROM ft;
SELECT forest_agg_trees(ARRAY[a, b], lab, jsonb_build_object('n_trees', 2 + id % 2)) FROM ft;
SELECT forest_agg_trees(ARRAY[a, b], lab, '{"n_trees": 2, "nope": 1}') FROM ft;
SELECT forest_agg_trees(ARRAY[a, b], lab, '{"n_trees": 2}') FROM ft WHERE lab = 'x';
SELECT pg_temp.trees_merge(s) FROM (SELECT pg_temp.trees_state(ARRAY[a, b], lab, jsonb_build_object('n_trees', 2 + part)) AS s
                                    FROM ft, (VALUES (0), (1)) p(part) WHERE id % 2 = part GROUP BY part) x;
SELECT pg_temp.trees_merge(s) FROM (SELECT pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 4000}') AS s
                                    FROM ft GROUP BY id % 3) x;
SELECT forest_agg_trees_trans(NULL, ARRAY[1.0], 1.0, NULL);
-- states are read as hostile bytes: every prefix of a real one, and every
-- byte of one changed, is refused or read as a valid state; never a crash
SELECT pg_temp.trees_merge('\x00'::bytea);
SELECT pg_temp.trees_merge('\x4544505403'::bytea);
CREATE FUNCTION pg_temp.try_merge(s bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_temp.trees_merge(x) FROM (VALUES (s)) v(x);
  RETURN 'ok';
EXCEPTION WHEN data_exception OR program_limit_exceeded OR invalid_parameter_value THEN
  RETURN 'error';
END $$;
CREATE TABLE one_state AS SELECT s FROM parts WHERE part = 0;
SELECT count(*) AS prefixes, count(*) FILTER (WHERE r = 'error') AS refused FROM (
  SELECT n, pg_temp.try_merge(substr(s, 1, n)) AS r FROM one_state, generate_series(0, length(s) - 1) n) x;
SELECT count(*) AS changed_bytes, count(*) FILTER (WHERE r IN ('ok', 'error')) AS handled FROM (
  SELECT n, pg_temp.try_merge(set_byte(s, n, (get_byte(s, n) + 1 + n % 200) % 256)) AS r
  FROM one_state, generate_series(0, length(s) - 1) n) x;
-- A state's forests are read one at a time: bytes that are not a model are
-- refused before the next forest is expanded (a forest may claim up to 100
-- times its packed size), and what the state holds counts against
-- edupredict.forest_max_memory.  The states below keep one_state's header
-- (up to its params) and hold forests stored unpacked (packed size 0).
CREATE FUNCTION pg_temp.u32(n bigint) RETURNS bytea LANGUAGE sql AS
$$ SELECT decode(lpad(to_hex(n), 8, '0'), 'hex') $$;
CREATE TABLE state_head AS
SELECT substr(s, 1, 16 + (get_byte(s, 12) << 24 | get_byte(s, 13) << 16 | get_byte(s, 14) << 8 | get_byte(s, 15))) AS h
FROM one_state;
-- not a model, then a forest that runs past the end: the first is refused
SELECT pg_temp.trees_merge(h || pg_temp.u32(2) || pg_temp.u32(8) || pg_temp.u32(0) || '\x6a756e6b6a756e6b'::bytea
                             || pg_temp.u32(100) || pg_temp.u32(0) || '\x0102'::bytea) FROM state_head;
-- 17 MB of forest against a cap of 16 MB
SET edupredict.forest_max_memory = '16MB';
SELECT length(pg_temp.trees_merge(h || pg_temp.u32(1) || pg_temp.u32(17000000) || pg_temp.u32(0)
                                    || decode(repeat('00', 17000000), 'hex') || pg_temp.u32(0))) FROM state_head;
RESET edupredict.forest_max_memory;
-- A state's parts are checked against its header as its rows would have
-- made them: constant parts (a regression value within +-1e38, as training
-- takes it: leaves are 4-byte floats; a numeric target's class as training
-- labels it; a class part's value 0) and forests (a forest of the state's
-- task over its features, with a numeric target's labels).  merge_error:
-- 'ok' when the merged model predicts, else the error.
CREATE FUNCTION pg_temp.merge_error(s bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM predict(pg_temp.trees_merge(x), ARRAY[1, 2]::float8[]) FROM (VALUES (s)) v(x);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.const_part(v float8, lab text) RETURNS bytea LANGUAGE sql AS
$$ SELECT int8send(3) || float8send(v) || pg_temp.u32(length(convert_to(lab, 'UTF8'))) || convert_to(lab, 'UTF8') $$;
CREATE TABLE heads AS
SELECT k, substr(s, 1, 16 + (get_byte(s, 12) << 24 | get_byte(s, 13) << 16 | get_byte(s, 14) << 8 | get_byte(s, 15))) AS h
FROM (SELECT 'reg' AS k, pg_temp.trees_state(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') AS s FROM ft WHERE id = 1
      UNION ALL
      SELECT 'num', pg_temp.trees_state(ARRAY[a, b], (id % 3)::float8, '{"n_trees": 2, "task": "classification"}') FROM ft WHERE id = 1
      UNION ALL
      SELECT 'text', pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 2}') FROM ft WHERE id = 1) x;
SELECT k, value, pg_temp.merge_error(h || pg_temp.u32(0) || pg_temp.u32(1) || pg_temp.const_part(value, '')) AS merged
FROM heads, (VALUES (1.5::float8), (1e38), (-1e38), (3.5e38), (-3.5e38), (1e300), ('Infinity'), ('NaN')) v(value)
WHERE k = 'reg' ORDER BY value;
SELECT k, label, value, pg_temp.merge_error(h || pg_temp.u32(0) || pg_temp.u32(2) || pg_temp.const_part(0, '1')
                                            || pg_temp.const_part(value, label)) AS merged
FROM heads, (VALUES ('0', 0::float8), ('2.5', 0), ('-3', 0), ('Infinity', 0), ('abc', 0), ('1e400', 0), ('1.0', 0),
                    (' 2', 0), ('0x10', 0), ('-0', 0), ('2', 5)) v(label, value)
WHERE k IN ('num', 'text') ORDER BY k, label, value;
-- a regression state's header that says classification (its params say regression)
SELECT pg_temp.merge_error(set_byte(h, 6, 1) || pg_temp.u32(0) || pg_temp.u32(2) || pg_temp.const_part(0, '1')
                           || pg_temp.const_part(0, '2')) AS merged
FROM heads WHERE k = 'reg';
-- one forest and no constant part: the state's model, if it fits the state
CREATE TABLE other_models AS
SELECT 'boosted' AS k, 'text' AS head, boost_agg(ARRAY[a, b], lab, '{"n_rounds": 2}') AS m FROM ft
UNION ALL SELECT 'one feature', 'text', forest_agg(ARRAY[a], lab, '{"n_trees": 2}') FROM ft
UNION ALL SELECT 'regression', 'text', forest_agg(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') FROM ft
UNION ALL SELECT 'other names', 'text', forest_agg(ARRAY[a, b], lab, '{"n_trees": 2, "feature_names": ["x", "y"]}') FROM ft
UNION ALL SELECT 'fits', 'text', forest_agg(ARRAY[a, b], lab, '{"n_trees": 2}') FROM ft
UNION ALL SELECT 'text classes', 'num', forest_agg(ARRAY[a, b], lab, '{"n_trees": 2}') FROM ft
UNION ALL SELECT 'fits', 'num', forest_agg(ARRAY[a, b], (id % 3)::float8, '{"n_trees": 2, "task": "classification"}') FROM ft;
SELECT o.head, o.k, pg_temp.merge_error(s.s) AS merged,
       CASE WHEN pg_temp.merge_error(s.s) = 'ok' THEN (SELECT pg_temp.trees_merge(x) FROM (VALUES (s.s)) v(x)) = o.m END AS same_bytes
FROM other_models o JOIN heads ON heads.k = o.head,
     LATERAL (SELECT h || pg_temp.u32(1) || pg_temp.u32(length(o.m)) || pg_temp.u32(0) || o.m || pg_temp.u32(0) AS s) s
ORDER BY o.head, o.k;
-- a part of one row: its regression target as training checks it
SELECT predict(forest_agg_trees(ARRAY[a, b], 1e300::float8, '{"n_trees": 2, "task": "regression"}'), ARRAY[1, 2]::float8[])
FROM ft WHERE id = 1;
SELECT predict(forest_agg_trees(ARRAY[a, b], 1e38::float8, '{"n_trees": 2, "task": "regression"}'), ARRAY[1, 2]::float8[])::float8 > 9.99e37
       AS one_row_at_the_limit
FROM ft WHERE id = 1;

-- Damaged bytes are bad data (22000, as a damaged model is), never a
-- protocol violation (08P01): every count is checked against the bytes
-- left.  outcome: what combining (then finishing) s gives, and what its
-- final function alone gives.
CREATE FUNCTION pg_temp.keep(bytea, bytea) RETURNS bytea LANGUAGE sql AS 'SELECT $2';
CREATE AGGREGATE pg_temp.trees_final(bytea) (SFUNC = pg_temp.keep, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
CREATE FUNCTION pg_temp.outcome(s bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text;
BEGIN
  BEGIN
    PERFORM pg_temp.trees_merge(x) FROM (VALUES (s)) v(x);
    r := 'ok';
  EXCEPTION WHEN OTHERS THEN
    r := SQLSTATE || ': ' || SQLERRM;
  END;
  BEGIN
    PERFORM pg_temp.trees_final(x) FROM (VALUES (s)) v(x);
    RETURN r || ' / ok';
  EXCEPTION WHEN OTHERS THEN
    RETURN r || ' / ' || SQLSTATE || ': ' || SQLERRM;
  END;
END $$;
-- a state of one forest and no constant part
CREATE TABLE forest_state AS
SELECT s, 16 + (get_byte(s, 12) << 24 | get_byte(s, 13) << 16 | get_byte(s, 14) << 8 | get_byte(s, 15)) AS head_len
FROM (SELECT pg_temp.trees_state(ARRAY[a, b], (id % 3)::float8, '{"n_trees": 2, "task": "classification"}') AS s
      FROM ft WHERE id < 60) x;
SELECT pg_temp.outcome(s) AS whole FROM forest_state;
-- every prefix of it
SELECT DISTINCT pg_temp.outcome(substr(s, 1, n)) AS prefix
FROM forest_state, generate_series(0, length(s) - 1) n ORDER BY 1;
-- two forests claimed, one held (and no count of constant parts)
SELECT pg_temp.outcome(substr(s, 1, head_len) || pg_temp.u32(2) || substr(s, head_len + 5, length(s) - head_len - 8))
       AS two_forests_one_held
FROM forest_state;
-- two constant parts claimed: the first one's long class takes the bytes the second would need
SELECT pg_temp.outcome(h || pg_temp.u32(0) || pg_temp.u32(2) || int8send(1) || float8send(0)
                       || pg_temp.u32(20) || convert_to(repeat('c', 20), 'UTF8')) AS two_consts_one_held
FROM heads WHERE k = 'text';
-- The flag bytes hold known values and the reserved byte is 0.
SELECT what, pg_temp.outcome(set_byte(s, byte, val)) AS outcome
FROM forest_state, (VALUES ('text_target 2', 5, 2), ('text_target 255', 5, 255), ('task 7', 6, 7), ('reserved 1', 7, 1),
                           ('reserved 128', 7, 128)) v(what, byte, val)
ORDER BY what;
-- The reader's other refusals, each at its edge: the version byte; a NUL
-- in the params or a class (they are C strings once read); a forest of 0
-- bytes or more than a bytea holds (2^30 - 5 bytes); more constant parts
-- than 20 bytes each could hold; a class longer than the bytes left.
-- The states keep the 'text' head (its params are h's bytes after 16).
CREATE FUNCTION pg_temp.text_state(parts bytea) RETURNS bytea LANGUAGE sql AS
$$ SELECT h || parts FROM heads WHERE k = 'text' $$;
CREATE FUNCTION pg_temp.text_params(params bytea) RETURNS bytea LANGUAGE sql AS
$$ SELECT substr(h, 1, 12) || pg_temp.u32(length(params)) || params || pg_temp.u32(0) || pg_temp.u32(0)
   FROM heads WHERE k = 'text' $$;
SELECT what, pg_temp.outcome(v.state) AS outcome
FROM forest_state f, LATERAL (VALUES
  ('version 0', set_byte(f.s, 4, 0)),
  ('version 2', set_byte(f.s, 4, 2)),
  ('version 255', set_byte(f.s, 4, 255)),
  ('params, a NUL first', (SELECT pg_temp.text_params(set_byte(substr(h, 17), 0, 0)) FROM heads WHERE k = 'text')),
  ('params, a NUL last', (SELECT pg_temp.text_params(substr(h, 17) || '\x00'::bytea) FROM heads WHERE k = 'text')),
  ('forest length 0', pg_temp.text_state(pg_temp.u32(1) || pg_temp.u32(0) || pg_temp.u32(0) || pg_temp.u32(0))),
  ('forest length 2^30-5, as is', pg_temp.text_state(pg_temp.u32(1) || pg_temp.u32(1073741819) || pg_temp.u32(0)
                                                     || pg_temp.u32(0))),
  ('forest length 2^30-4, as is', pg_temp.text_state(pg_temp.u32(1) || pg_temp.u32(1073741820) || pg_temp.u32(0)
                                                     || pg_temp.u32(0))),
  ('forest length 2^30-4, packed', pg_temp.text_state(pg_temp.u32(1) || pg_temp.u32(1073741820) || pg_temp.u32(8)
                                                      || '\x0102030405060708'::bytea || pg_temp.u32(0))),
  ('forest length 2^32-1, as is', pg_temp.text_state(pg_temp.u32(1) || pg_temp.u32(4294967295) || pg_temp.u32(0)
                                                     || pg_temp.u32(0))),
  ('constant parts 1, 19 bytes held', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(1) || int8send(1)
                                                         || float8send(0) || '\x000000'::bytea)),
  ('constant parts 1, 20 bytes held', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(1) || int8send(1)
                                                         || float8send(0) || pg_temp.u32(0))),
  ('constant parts 2, one held', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(2) || pg_temp.const_part(0, 'x'))),
  ('constant parts 2^32-1', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(4294967295)
                                               || pg_temp.const_part(0, 'x'))),
  ('constant parts 2, both held', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(2) || pg_temp.const_part(0, 'x')
                                                     || pg_temp.const_part(0, 'yz'))),
  ('class length 5, 4 bytes held', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(1) || int8send(1) || float8send(0)
                                                      || pg_temp.u32(5) || '\x78787878'::bytea)),
  ('class length 2^32-1', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(1) || int8send(1) || float8send(0)
                                             || pg_temp.u32(4294967295))),
  ('class, a NUL first', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(1) || int8send(1) || float8send(0)
                                            || pg_temp.u32(2) || '\x0078'::bytea)),
  ('class, a NUL last', pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(1) || int8send(1) || float8send(0)
                                           || pg_temp.u32(2) || '\x7800'::bytea))) v(what, state)
ORDER BY what;
-- A constant part's row count (1 to 2e9) and class length (at most 4096
-- bytes), the reader's limits, after a part of class 'x' and 3 rows.
SELECT what, pg_temp.outcome(pg_temp.text_state(pg_temp.u32(0) || pg_temp.u32(2) || pg_temp.const_part(0, 'x')
                                                || int8send(rows) || float8send(0)
                                                || pg_temp.u32(length(convert_to(lab, 'UTF8')))
                                                || convert_to(lab, 'UTF8'))) AS outcome
FROM (VALUES ('rows -2^63', '-9223372036854775808'::int8, 'y'), ('rows -1', -1, 'y'), ('rows 0', 0, 'y'), ('rows 1', 1, 'y'),
             ('rows 2e9', 2000000000, 'y'), ('rows 2e9+1', 2000000001, 'y'),
             ('class of 4096 bytes', 1, repeat('y', 4096)), ('class of 4097 bytes', 1, repeat('y', 4097))) v(what, rows, lab)
ORDER BY what;

-- A part whose rows are all skipped (NULL features, NULL or NaN target)
-- has no state and contributes nothing: the model is the other part's,
-- however the skipped rows were split.
CREATE TABLE skipped AS
SELECT id, CASE WHEN id <= 40 THEN 'rows' ELSE 'skipped' END AS part, a, b,
       CASE WHEN id <= 40 THEN (id % 3)::float8 WHEN id % 2 = 0 THEN 'NaN' END AS y,
       CASE WHEN id <= 40 OR id % 5 = 0 THEN lab END AS t,
       CASE WHEN id % 5 = 0 AND id > 40 THEN NULL ELSE ARRAY[a, b] END AS f
FROM ft WHERE id <= 80;
CREATE TABLE skipped_parts AS
SELECT part, pg_temp.trees_state(f, y, '{"n_trees": 2, "task": "classification"}') AS num,
       pg_temp.trees_state(f, t, '{"n_trees": 2}') AS txt
FROM skipped GROUP BY part;
SELECT part, num IS NULL AS num_state_null, txt IS NULL AS txt_state_null FROM skipped_parts ORDER BY part;
SELECT (SELECT pg_temp.trees_merge(num ORDER BY part) FROM skipped_parts) =
       (SELECT pg_temp.trees_merge(num) FROM skipped_parts WHERE part = 'rows') AS num_part_adds_nothing,
       (SELECT pg_temp.trees_merge(txt ORDER BY part DESC) FROM skipped_parts) =
       (SELECT pg_temp.trees_merge(txt) FROM skipped_parts WHERE part = 'rows') AS txt_part_adds_nothing,
       (SELECT forest_agg_trees(f, y, '{"n_trees": 2, "task": "classification"}') FROM skipped WHERE part = 'skipped') IS NULL
       AS skipped_rows_alone_null;

-- A state that stays on its node (a parallel plan's partial state) carries
-- its rows after its parts ("EDPA": p, text_target, n, params, labels,
-- columns, targets); they must fit the header.  rows_state: the 'text'
-- head's state holding rows 1 to 3 of ft as rows.
CREATE FUNCTION pg_temp.rows_state(p int, n int, params text) RETURNS bytea LANGUAGE sql AS $$
SELECT h || pg_temp.u32(0) || pg_temp.u32(0) || '\x45445041'::bytea || pg_temp.u32(p) || '\x01'::bytea || int8send(n::int8)
       || pg_temp.u32(length(params)) || convert_to(params, 'UTF8')
       || (SELECT pg_temp.u32(count(*)) || coalesce(string_agg(pg_temp.u32(length(l)) || convert_to(l, 'UTF8'), ''::bytea ORDER BY l), '')
           FROM (SELECT DISTINCT lab AS l FROM ft WHERE id <= n) d)
       || coalesce((SELECT string_agg(float8send(CASE WHEN col = 1 THEN a ELSE b END), ''::bytea ORDER BY col, id)
                    FROM ft, generate_series(1, p) col WHERE id <= n), ''::bytea)
       || coalesce((SELECT string_agg(float8send((SELECT count(DISTINCT l.lab) FROM ft l WHERE l.id <= n AND l.lab < ft.lab)),
                                      ''::bytea ORDER BY id) FROM ft WHERE id <= n), ''::bytea)
FROM heads WHERE k = 'text' $$;
SELECT pg_temp.outcome(pg_temp.rows_state(2, 3, '{"n_trees": 2}')) AS rows_fit,
       (SELECT pg_temp.trees_merge(x) FROM (VALUES (pg_temp.rows_state(2, 3, '{"n_trees": 2}'))) v(x)) =
       (SELECT forest_agg(ARRAY[a, b], lab, '{"n_trees": 2}') FROM ft WHERE id <= 3) AS rows_make_forest_agg;
SELECT what, pg_temp.outcome(s) AS outcome
FROM (VALUES ('one feature', pg_temp.rows_state(1, 3, '{"n_trees": 2}')),
             ('other params', pg_temp.rows_state(2, 3, '{"n_trees": 3}')),
             ('no rows', pg_temp.rows_state(2, 0, '{"n_trees": 2}')),
             ('a byte short', substr(pg_temp.rows_state(2, 3, '{"n_trees": 2}'), 1, length(pg_temp.rows_state(2, 3, '{"n_trees": 2}')) - 1)),
             ('a byte more', pg_temp.rows_state(2, 3, '{"n_trees": 2}') || '\x00'::bytea)) v(what, s)
ORDER BY what;
