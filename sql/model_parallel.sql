-- Parallel aggregates with real partial states: forest_agg and expected_count
-- in plans whose leader takes no rows and whose two workers each hold some
-- (checked on the very run that produces the result, through EXPLAIN ANALYZE
-- of a CREATE TABLE AS), compared with the serial result; and
-- expected_count's combine function called directly on non-empty states.
-- (forest_agg's state is internal: SQL cannot call its combine, serial and
-- deserial functions, so the parallel plan is their test: each worker's state
-- is serialised, sent, deserialised and combined in the leader.)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Runs CREATE TEMP TABLE dest AS query under EXPLAIN ANALYZE and reports how
-- the plan ran: a Partial Aggregate in each worker, and the rows each worker
-- and the leader scanned.
CREATE FUNCTION pg_temp.parallel_run(query text, dest text)
RETURNS TABLE (partial_aggregate boolean, workers_launched int, workers_with_rows int, leader_rows bigint,
               rows_scanned bigint)
LANGUAGE plpgsql AS $$
DECLARE
  plan jsonb;
  scan jsonb;
BEGIN
  EXECUTE format('EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) CREATE TEMP TABLE %I AS %s',
                 dest, query) INTO plan;
  scan := jsonb_path_query_first(plan, 'strict $.**?(@."Node Type" == "Seq Scan")');
  partial_aggregate := jsonb_path_exists(plan, 'strict $.**?(@."Partial Mode" == "Partial")');
  workers_launched := jsonb_path_query_first(plan, 'strict $.**."Workers Launched"')::int;
  SELECT count(*) FILTER (WHERE (w->>'Actual Rows')::bigint > 0), sum((w->>'Actual Rows')::bigint)
    INTO workers_with_rows, rows_scanned
  FROM jsonb_array_elements(scan->'Workers') w;
  -- the node's loops are the workers' and the leader's; its rows their mean
  leader_rows := round((scan->>'Actual Rows')::numeric * (scan->>'Actual Loops')::numeric) - rows_scanned;
  RETURN NEXT;
END $$;

-- ---------------------------------------------------------------------------
-- forest_agg: 200,000 rows (2,667 pages) so that both workers get rows.
-- (a plain table: temporary tables are never scanned in parallel)  On a busy
-- machine one worker can start late and find every block taken; the view
-- mp_agg_slow sleeps 20 ms on every 5,000th row (0.8 s a scan, in whichever
-- worker reads it), so the other worker always arrives in time.
CREATE TABLE public.mp_agg AS
SELECT i, ARRAY[i % 97, (i * 7) % 31, (i * 13) % 101, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 5 END]::float8[] AS f,
       ((i % 97) + (i * 7) % 31 > 60)::int::float8 AS y,
       (ARRAY['lo', 'mid', 'hi'])[1 + (i % 97) / 33] AS label,
       (i % 97) * 0.5 + (i * 13) % 101 * 0.01 AS r
FROM generate_series(1, 200000) i;
ANALYZE public.mp_agg;
CREATE VIEW public.mp_agg_slow AS
SELECT * FROM public.mp_agg WHERE i % 5000 <> 0 OR pg_catalog.pg_sleep(0.02) IS NOT NULL;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE mp_serial AS
SELECT md5(forest_agg(f, y, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS cls,
       md5(forest_agg(f, label, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS txt,
       md5(forest_agg(f, r, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS reg
FROM public.mp_agg;
-- with a group key (53 groups): boosting's validation rows and the forest's
-- calibration folds are whole groups; the workers' states carry the keys
CREATE TEMP TABLE mp_serial_grp AS
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "max_depth": 4, "seed": 5, "validation_fraction": 0.3}', 'g' || i % 53)) AS b,
       md5(forest_agg(f, label, '{"n_trees": 4, "max_depth": 6, "seed": 5, "calibration": "sigmoid", "calibration_folds": 3}',
                      'g' || i % 53)) AS f
FROM public.mp_agg;
-- params NULL and '{}' both mean the defaults: the same model whichever a
-- row passes, in a serial plan and (below) a parallel one
CREATE VIEW public.mp_params AS
SELECT md5(forest_agg(f, label, NULL::jsonb)) AS f_null, md5(forest_agg(f, label, '{}')) AS f_empty,
       md5(forest_agg(f, label, CASE WHEN i % 200 = 0 THEN NULL ELSE '{}'::jsonb END)) AS f_mixed,
       md5(boost_agg(f, label, NULL::jsonb)) AS b_null, md5(boost_agg(f, label, '{}')) AS b_empty,
       md5(boost_agg(f, label, CASE WHEN i % 200 = 0 THEN NULL ELSE '{}'::jsonb END)) AS b_mixed,
       md5(forest_agg_trees(f, label, NULL::jsonb)) AS t_null, md5(forest_agg_trees(f, label, '{}')) AS t_empty,
       md5(forest_agg_trees(f, label, CASE WHEN i % 200 = 0 THEN NULL ELSE '{}'::jsonb END)) AS t_mixed
FROM public.mp_agg_slow WHERE i % 100 = 0;
CREATE TEMP TABLE mp_params_serial AS SELECT * FROM public.mp_params;
SELECT f_null = f_empty AND f_null = f_mixed AS forest_same, b_null = b_empty AND b_null = b_mixed AS boost_same,
       t_null = t_empty AND t_null = t_mixed AND t_null = f_null AS trees_same
FROM mp_params_serial;

SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT forest_agg(f, y, '{"n_trees": 6, "max_depth": 8, "seed": 5}') FROM public.mp_agg;
-- numeric classes, text labels (each worker numbers the labels in the order
-- it meets them; combine renumbers) and regression
SELECT * FROM pg_temp.parallel_run($$
SELECT md5(forest_agg(f, y, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS cls FROM public.mp_agg_slow $$, 'mp_par_cls');
SELECT * FROM pg_temp.parallel_run($$
SELECT md5(forest_agg(f, label, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS txt FROM public.mp_agg_slow $$, 'mp_par_txt');
SELECT * FROM pg_temp.parallel_run($$
SELECT md5(forest_agg(f, r, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS reg FROM public.mp_agg_slow $$, 'mp_par_reg');
SELECT s.cls = c.cls AS classes_same_model, s.txt = t.txt AS labels_same_model, s.reg = r.reg AS regression_same_model
FROM mp_serial s, mp_par_cls c, mp_par_txt t, mp_par_reg r;
SELECT * FROM pg_temp.parallel_run($$
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "max_depth": 4, "seed": 5, "validation_fraction": 0.3}', 'g' || i % 53)) AS b,
       md5(forest_agg(f, label, '{"n_trees": 4, "max_depth": 6, "seed": 5, "calibration": "sigmoid", "calibration_folds": 3}',
                      'g' || i % 53)) AS f
FROM public.mp_agg_slow $$, 'mp_par_grp');
SELECT s.b = p.b AS boost_groups_same_model, s.f = p.f AS forest_groups_same_model
FROM mp_serial_grp s, mp_par_grp p;
-- rows that only one worker sees (a label, a feature value) reach the model
SELECT * FROM pg_temp.parallel_run($$
SELECT forest_agg(f, CASE WHEN i = 199999 THEN 'rare' ELSE label END, '{"n_trees": 6, "max_depth": 8, "seed": 5}') AS m
FROM public.mp_agg_slow $$, 'mp_par_rare');
SELECT predict(m, ARRAY[1, 2, 3, 4]::float8[]) IS NOT NULL AS predicts,
       array_length(predict_proba(m, ARRAY[1, 2, 3, 4]::float8[]), 1) AS n_classes
FROM mp_par_rare;
-- params NULL and '{}' (forest_agg_trees: within one run, whose split its
-- model depends on)
SELECT * FROM pg_temp.parallel_run($$ SELECT * FROM public.mp_params $$, 'mp_par_params');
SELECT p.f_null = s.f_null AND p.f_empty = s.f_null AND p.f_mixed = s.f_null AS forest_same,
       p.b_null = s.b_null AND p.b_empty = s.b_null AND p.b_mixed = s.b_null AS boost_same,
       p.t_null = p.t_empty AND p.t_null = p.t_mixed AS trees_same
FROM mp_par_params p, mp_params_serial s;
-- forest_agg_trees: a Partial Aggregate's states stay on the node, so they
-- carry their rows, not trees, and the model is forest_agg's whatever the split
SELECT * FROM pg_temp.parallel_run($$
SELECT md5(forest_agg_trees(f, label, '{"n_trees": 6, "max_depth": 8, "seed": 5}')) AS txt,
       md5(forest_agg_trees(f, r, '{"n_trees": 6, "max_depth": 8, "seed": 5, "task": "regression"}')) AS reg,
       md5(forest_agg(f, r, '{"n_trees": 6, "max_depth": 8, "seed": 5, "task": "regression"}')) AS reg_rows
FROM public.mp_agg_slow $$, 'mp_par_trees');
SELECT t.txt = s.txt AS labels_forest_agg_model, t.reg = t.reg_rows AS regression_forest_agg_model
FROM mp_par_trees t, mp_serial s;
-- a state the whole aggregate returns (as Citus's worker_partial_agg prints
-- it) leaves its node: it carries trees, also when a parallel worker made it
CREATE AGGREGATE pg_temp.trees_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea,
  PARALLEL = SAFE);
CREATE TEMP TABLE mp_state_serial AS
SELECT pg_temp.trees_state(f, label, '{"n_trees": 2}') AS s FROM public.mp_agg WHERE i % 100 = 0;
-- (no parallel scan: the whole plan runs in one worker)
SET force_parallel_mode = on; SET parallel_setup_cost = 1e9;
SELECT * FROM pg_temp.parallel_run($$
SELECT pg_temp.trees_state(f, label, '{"n_trees": 2}') AS s FROM public.mp_agg WHERE i % 100 = 0 $$, 'mp_state_worker');
RESET force_parallel_mode; SET parallel_setup_cost = 0;
SELECT w.s = s.s AS worker_state_same FROM mp_state_worker w, mp_state_serial s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
DROP VIEW public.mp_params;
DROP VIEW public.mp_agg_slow;
DROP TABLE public.mp_agg;

-- ---------------------------------------------------------------------------
-- expected_count: the state is a float8[] {tag, n, sum p, sum p(1-p), offset,
-- len, trimmed mass, pmf...}; an aggregate without the final function returns
-- it (pmf[k] = P(S = offset + k)).
CREATE AGGREGATE pg_temp.ec_state(float8) (SFUNC = edupredict.expected_count_trans, STYPE = float8[],
  COMBINEFUNC = edupredict.expected_count_combine, INITCOND = '{7041,0,0,0,0,1,0,1}', PARALLEL = SAFE);
CREATE FUNCTION pg_temp.pmf(s float8[]) RETURNS TABLE (c bigint, pr float8) LANGUAGE sql IMMUTABLE AS
$$ SELECT (s[5] + k)::bigint, s[8 + k] FROM generate_series(0, s[6]::int - 1) k $$;
-- Two states describe the same distribution: the same count, moments to
-- 1e-12 relative, every P(S = c) to 1e-14 absolute (the largest is 1.8e-3;
-- serial and combined states round differently, by up to 8e-16 here) and
-- trimmed masses within n * 1e-17 of each other (the documented bound on the
-- mass trimmed per input; here they differ by about 1e-13 of 1.4e-12).
CREATE FUNCTION pg_temp.same_state(a float8[], b float8[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
SELECT a[1] = b[1] AND a[2] = b[2]
   AND abs(a[3] - b[3]) <= 1e-12 * greatest(abs(a[3]), abs(b[3]))
   AND abs(a[4] - b[4]) <= 1e-12 * greatest(abs(a[4]), abs(b[4]))
   AND abs(a[7] - b[7]) <= a[2] * 1e-17
   AND (SELECT bool_and(abs(coalesce(x.pr, 0) - coalesce(y.pr, 0)) <= 1e-14)
        FROM pg_temp.pmf(a) x FULL JOIN pg_temp.pmf(b) y ON x.c = y.c) $$;

CREATE TABLE public.mp_ec AS
SELECT i, CASE WHEN i % 1000 = 0 THEN 1.0 WHEN i % 997 = 0 THEN 0.0
               ELSE ((i * 0.6180339887498949) % 1.0)::float8 END AS p
FROM generate_series(1, 300000) i;
ANALYZE public.mp_ec;
CREATE VIEW public.mp_ec_slow AS   -- as mp_agg_slow above
SELECT * FROM public.mp_ec WHERE i % 7500 <> 0 OR pg_catalog.pg_sleep(0.02) IS NOT NULL;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE mp_ec_serial AS SELECT pg_temp.ec_state(p) AS s, expected_count(p) AS d FROM public.mp_ec;
-- direct combine of two non-empty states (the halves of the rows)
CREATE TEMP TABLE mp_ec_halves AS
SELECT (SELECT pg_temp.ec_state(p ORDER BY i) FROM public.mp_ec WHERE i <= 150000) AS h1,
       (SELECT pg_temp.ec_state(p ORDER BY i) FROM public.mp_ec WHERE i > 150000) AS h2;
SELECT h1[2] AS n1, h2[2] AS n2, h1[6] > 100 AND h2[6] > 100 AS both_wide,
       pg_temp.same_state(expected_count_combine(h1, h2), s) AS combine_equals_serial,
       pg_temp.same_state(expected_count_combine(h2, h1), s) AS combine_commutes,
       (expected_count_final(expected_count_combine(h1, h2))).p10 = (d).p10
       AND (expected_count_final(expected_count_combine(h1, h2))).p50 = (d).p50
       AND (expected_count_final(expected_count_combine(h1, h2))).p90 = (d).p90 AS same_percentiles,
       -- the empty state is the identity, to the last bit (of the used part:
       -- a state grown by the transition function has spare room at the end)
       (expected_count_combine(h1, '{7041,0,0,0,0,1,0,1}'))[1:7 + h1[6]] = h1[1:7 + h1[6]] AS empty_right,
       (expected_count_combine('{7041,0,0,0,0,1,0,1}', h2))[1:7 + h2[6]] = h2[1:7 + h2[6]] AS empty_left
FROM mp_ec_halves, mp_ec_serial;
-- three-way: ((a + b) + c) and (a + (b + c)) against the serial state
WITH t AS (SELECT (SELECT pg_temp.ec_state(p) FROM public.mp_ec WHERE i % 3 = 0) AS a,
                  (SELECT pg_temp.ec_state(p) FROM public.mp_ec WHERE i % 3 = 1) AS b,
                  (SELECT pg_temp.ec_state(p) FROM public.mp_ec WHERE i % 3 = 2) AS c)
SELECT pg_temp.same_state(expected_count_combine(expected_count_combine(a, b), c), s) AS left_assoc,
       pg_temp.same_state(expected_count_combine(a, expected_count_combine(b, c)), s) AS right_assoc
FROM t, mp_ec_serial;

-- parallel plan: two workers each holding rows, the leader none
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT expected_count(p) FROM public.mp_ec;
SELECT * FROM pg_temp.parallel_run($$
SELECT pg_temp.ec_state(p) AS s FROM public.mp_ec_slow $$, 'mp_ec_par_state');
SELECT * FROM pg_temp.parallel_run($$
SELECT expected_count(p) AS d FROM public.mp_ec_slow $$, 'mp_ec_par');
SELECT pg_temp.same_state(p.s, s.s) AS state_same,
       abs((q.d).expected - (s.d).expected) <= 1e-12 * (s.d).expected AS mean_same,
       abs((q.d).sd - (s.d).sd) <= 1e-12 * (s.d).sd AS sd_same,
       ((q.d).p10, (q.d).p50, (q.d).p90) = ((s.d).p10, (s.d).p50, (s.d).p90) AS percentiles_same
FROM mp_ec_par_state p, mp_ec_par q, mp_ec_serial s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
DROP VIEW public.mp_ec_slow;
DROP TABLE public.mp_ec;
