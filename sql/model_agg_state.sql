SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- The partial state of forest_agg and boost_agg, read back from bytes (src/model_agg.c,
-- ens_agg_read: "EDPA", p, text_target, n, params, labels, columns, targets).  Their
-- deserial function runs only between the workers and the leader of a parallel plan
-- and refuses any other caller, so no SQL hands it bytes; the same reader reads the
-- rows of a forest_agg_trees state, which any role's aggregate over
-- forest_agg_trees_combine feeds with bytes of its choosing.  Every damaged field,
-- count and length must be bad data (22000), never a protocol violation (08P01), a
-- crash or an allocation of what the bytes claim.
\set VERBOSITY terse
SELECT pg_catalog.pg_get_function_identity_arguments(a.aggdeserialfn) AS deserial_args,
       count(*) AS aggregates
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'edupredict'::regnamespace AND a.aggdeserialfn <> 0
GROUP BY 1;
-- the deserial function cannot be called from SQL: PostgreSQL refuses the
-- call before it runs (42883 "does not exist" or, on some 15.x releases,
-- 0A000 "cannot accept a value of type internal")
DO $$
BEGIN
  PERFORM edupredict.forest_agg_deserial('\x45445041'::bytea, NULL);
  RAISE NOTICE 'forest_agg_deserial was called';
EXCEPTION WHEN undefined_function OR feature_not_supported THEN
  RAISE NOTICE 'forest_agg_deserial cannot be called from SQL';
END $$;
CREATE AGGREGATE pg_temp.merge(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE);
CREATE FUNCTION pg_temp.u32(n bigint) RETURNS bytea LANGUAGE sql AS $$SELECT substr(int8send(n), 5)$$;
CREATE FUNCTION pg_temp.f8(VARIADIC v float8[]) RETURNS bytea LANGUAGE sql AS
  $$SELECT coalesce(string_agg(float8send(x), ''::bytea ORDER BY o), '') FROM unnest(v) WITH ORDINALITY u(x, o)$$;
-- A forest_agg_trees state of no forests and no constant parts (text target,
-- classification, two features, params {"n_trees": 2}) holding the rows r.
CREATE FUNCTION pg_temp.state(r bytea) RETURNS bytea LANGUAGE sql AS $$
SELECT '\x454450540101010000000002'::bytea || pg_temp.u32(14) || convert_to('{"n_trees": 2}', 'UTF8')
       || pg_temp.u32(0) || pg_temp.u32(0) || r $$;
-- The rows, one argument per field so that each can be forged: three rows of
-- two features, labels x and y.
CREATE FUNCTION pg_temp.edpa(magic bigint DEFAULT 1162104897, p bigint DEFAULT 2, flag int DEFAULT 1,
                             n bigint DEFAULT 3, plen bigint DEFAULT 14, params bytea DEFAULT convert_to('{"n_trees": 2}', 'UTF8'),
                             nl bigint DEFAULT 2,
                             labels bytea DEFAULT '\x00000001780000000179'::bytea,
                             cols bytea DEFAULT pg_temp.f8(0.1, 0.5, 0.9, 1, 2, 3),
                             ys bytea DEFAULT pg_temp.f8(0, 1, 0)) RETURNS bytea LANGUAGE sql AS $$
SELECT pg_temp.u32(magic) || pg_temp.u32(p) || set_byte('\x00'::bytea, 0, flag) || int8send(n)
       || pg_temp.u32(plen) || params || pg_temp.u32(nl) || labels || cols || ys $$;
-- what merging (and finishing) the state holding rows r gives
CREATE FUNCTION pg_temp.outcome(r bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM length(pg_temp.merge(x)) FROM (VALUES (pg_temp.state(r))) v(x);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- the control: well-formed rows make forest_agg's model of those rows
SELECT pg_temp.outcome(pg_temp.edpa()) AS well_formed,
       (SELECT pg_temp.merge(x) FROM (VALUES (pg_temp.state(pg_temp.edpa()))) v(x)) =
       (SELECT edupredict.forest_agg(ARRAY[a, b], t, '{"n_trees": 2}')
        FROM (VALUES (0.1, 1, 'x'), (0.5, 2, 'y'), (0.9, 3, 'x')) r(a, b, t)) AS same_as_forest_agg;
-- every prefix of the rows (a state cut anywhere)
SELECT DISTINCT pg_temp.outcome(substr(pg_temp.edpa(), 1, k)) AS prefix
FROM generate_series(1, length(pg_temp.edpa()) - 1) k ORDER BY 1;
-- every field forged
SELECT what, pg_temp.outcome(r) AS outcome
FROM (VALUES
  ('magic', pg_temp.edpa(magic => 1162104898)),
  ('p 0', pg_temp.edpa(p => 0)),
  ('p 1 (the header says 2)', pg_temp.edpa(p => 1, cols => pg_temp.f8(0.1, 0.5, 0.9))),
  ('p 1001', pg_temp.edpa(p => 1001)),
  ('p 2^31 (negative as int)', pg_temp.edpa(p => 2147483648)),
  ('p 2^32-1', pg_temp.edpa(p => 4294967295)),
  ('text_target 0 (the header says 1)', pg_temp.edpa(flag => 0, nl => 0, labels => '')),
  ('text_target 2', pg_temp.edpa(flag => 2)),
  ('text_target 255', pg_temp.edpa(flag => 255)),
  ('group keys (flag 3: the 4-argument forms; forest_agg_trees has none)',
   pg_temp.edpa(flag => 3, labels => '\x00000001780000000179' || pg_temp.u32(1) || pg_temp.u32(1) || '\x6b'::bytea,
                ys => pg_temp.f8(0, 1, 0, 0, 0, 0))),
  ('n -1', pg_temp.edpa(n => -1)),
  ('n 0', pg_temp.edpa(n => 0, cols => '', ys => '')),
  ('n 4, rows of 3', pg_temp.edpa(n => 4)),
  ('n 2, rows of 3', pg_temp.edpa(n => 2)),
  ('n 100000001', pg_temp.edpa(n => 100000001)),
  ('n 2^62', pg_temp.edpa(n => 4611686018427387904)),
  ('n 2^63-1', pg_temp.edpa(n => 9223372036854775807)),
  ('params length 15', pg_temp.edpa(plen => 15)),
  ('params length 13', pg_temp.edpa(plen => 13)),
  ('params length 2^32-1', pg_temp.edpa(plen => 4294967295)),
  ('params length 2^31', pg_temp.edpa(plen => 2147483648)),
  ('params hold a NUL byte', pg_temp.edpa(plen => 15, params => convert_to('{"n_trees": 2}', 'UTF8') || '\x00'::bytea)),
  ('other params', pg_temp.edpa(params => convert_to('{"n_trees": 3}', 'UTF8'))),
  ('labels 3, 2 held', pg_temp.edpa(nl => 3)),
  ('labels 1', pg_temp.edpa(nl => 1)),
  ('labels 2^32-1', pg_temp.edpa(nl => 4294967295)),
  ('labels 0 (text target)', pg_temp.edpa(nl => 0, labels => '')),
  ('label length past the end', pg_temp.edpa(labels => '\x00000001780000006479'::bytea)),
  ('label length 2^31', pg_temp.edpa(labels => '\x00000001788000000079'::bytea)),
  ('label length 2^32-1', pg_temp.edpa(labels => '\x0000000178ffffffff79'::bytea)),
  ('label length 4097', pg_temp.edpa(labels => '\x0000000178'::bytea || pg_temp.u32(4097)
                                               || convert_to(repeat('y', 4097), 'UTF8'))),
  ('label twice', pg_temp.edpa(labels => '\x00000001780000000178'::bytea)),
  ('label not valid in the database encoding', pg_temp.edpa(labels => '\x00000001870000000179'::bytea)),
  ('empty labels', pg_temp.edpa(labels => '\x0000000000000000'::bytea)),
  ('target label 2 of 2', pg_temp.edpa(ys => pg_temp.f8(0, 2, 0))),
  ('target label -1', pg_temp.edpa(ys => pg_temp.f8(0, -1, 0))),
  ('target label 0.5', pg_temp.edpa(ys => pg_temp.f8(0, 0.5, 0))),
  ('target label NaN', pg_temp.edpa(ys => pg_temp.f8(0, 'NaN', 0))),
  ('target label Infinity', pg_temp.edpa(ys => pg_temp.f8(0, 'Infinity', 0))),
  ('target label 2^53', pg_temp.edpa(ys => pg_temp.f8(0, 9007199254740992, 0))),
  ('features NaN and Infinity', pg_temp.edpa(cols => pg_temp.f8('NaN', 'Infinity', '-Infinity', 1, 2, 3))),
  ('a byte more', pg_temp.edpa() || '\x00'::bytea),
  ('a second state after it', pg_temp.edpa() || pg_temp.edpa())) v(what, r)
ORDER BY what;

-- The labels a state holds count against edupredict.forest_max_memory with its
-- rows, also when states are combined.  labelled(first, k, n): n rows whose
-- targets run through k labels of 4,096 bytes, numbered from first on.
CREATE FUNCTION pg_temp.labelled(first int, k int, n int) RETURNS bytea LANGUAGE sql AS $$
SELECT pg_temp.edpa(n => n, nl => k,
  labels => (SELECT string_agg(pg_temp.u32(4096) || convert_to(lpad(i::text, 4096, 'x'), 'UTF8'), ''::bytea ORDER BY i)
             FROM generate_series(first, first + k - 1) i),
  cols => pg_temp.f8(VARIADIC ARRAY(SELECT g::float8 FROM generate_series(1, 2 * n) g)),
  ys => pg_temp.f8(VARIADIC ARRAY(SELECT (g % k)::float8 FROM generate_series(0, n - 1) g))) $$;
-- what merging (and finishing) the states holding rows rs, in order, gives
CREATE FUNCTION pg_temp.merged(VARIADIC rs bytea[]) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM length(pg_temp.merge(pg_temp.state(x) ORDER BY o)) FROM unnest(rs) WITH ORDINALITY u(x, o);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE TEMP TABLE mas_parts AS SELECT o, pg_temp.labelled(700 * o - 699, 700, 700) AS r FROM generate_series(1, 3) o;
SET edupredict.forest_max_memory = '16MB';
-- a state whose 2,100 labels alone pass the cap fails as the transition
-- function does (54000), not as bad data
SELECT pg_temp.outcome(pg_temp.labelled(1, 2100, 3)) AS labels_alone_16mb;
-- three states of 700 labels each fit; the 2,100 labels of the three combined do not
SELECT o, pg_temp.merged(r) AS alone FROM mas_parts ORDER BY o;
SELECT pg_temp.merged(VARIADIC ARRAY(SELECT r FROM mas_parts ORDER BY o)) AS combined_16mb;
RESET edupredict.forest_max_memory;
-- under the default cap they combine, and training meets the class limit
SELECT pg_temp.merged(VARIADIC ARRAY(SELECT r FROM mas_parts ORDER BY o)) AS combined_default;
SELECT pg_temp.outcome(pg_temp.labelled(1, 2100, 3)) AS labels_alone_default;

-- One cap for a forest_agg_trees state: the forests it holds count with its
-- rows and class labels against edupredict.forest_max_memory, in the
-- transition, the combine and the reading of a state (each kind alone under
-- the cap, a state held up to twice it).  mas_forest: the one forest of a
-- part grown on 64 rows of 64 labels of 4,096 bytes (its classes hold them:
-- a few kB packed, about 270 kB once read), with its length (len) once read;
-- forests(k): a state of k copies of it; both(k, r): one state of k copies
-- and the rows r.
CREATE AGGREGATE pg_temp.trees_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE TEMP TABLE mas_forest AS
SELECT substr(s, 31, 4) = pg_temp.u32(1) AS one_forest, substr(s, 1, 30) = substr(pg_temp.state(''), 1, 30) AS same_head,
       substr(s, 35, length(s) - 38) AS rec,
       (get_byte(s, 34)::bigint << 24) + (get_byte(s, 35) << 16) + (get_byte(s, 36) << 8) + get_byte(s, 37) AS len
FROM (SELECT pg_temp.trees_state(ARRAY[i, 0]::float8[], lpad(i::text, 4096, 'x'), '{"n_trees": 2}') AS s
      FROM generate_series(1, 64) i) x;
SELECT one_forest, same_head FROM mas_forest;
CREATE FUNCTION pg_temp.both(k bigint, r bytea) RETURNS bytea LANGUAGE sql AS $$
SELECT substr(pg_temp.state(''), 1, 30) || pg_temp.u32(k)
       || coalesce((SELECT string_agg(rec, ''::bytea) FROM mas_forest, generate_series(1, k)), '') || pg_temp.u32(0) || r $$;
CREATE FUNCTION pg_temp.forests(k bigint) RETURNS bytea LANGUAGE sql AS $$ SELECT pg_temp.both(k, '') $$;
-- what merging (and finishing) the states ss, in order, gives; and the
-- detail of the cap's error
CREATE FUNCTION pg_temp.merged_states(VARIADIC ss bytea[]) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM length(pg_temp.merge(x ORDER BY o)) FROM unnest(ss) WITH ORDINALITY u(x, o);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.cap_detail(VARIADIC ss bytea[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  PERFORM length(pg_temp.merge(x ORDER BY o)) FROM unnest(ss) WITH ORDINALITY u(x, o);
  RETURN NULL;
EXCEPTION WHEN program_limit_exceeded THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;
CREATE TEMP TABLE mas_rows AS SELECT pg_temp.labelled(1, 900, 900) AS r;
SET edupredict.forest_max_memory = '16MB';
-- 900 rows of 900 labels, then as many forests as fit the cap alone: the
-- forest that takes the whole past the cap is refused, and the detail says
-- what the state held by kind; k: the copies it held (were none refused,
-- nearly as many as fit alone, for the lines below to show it).
CREATE TEMP TABLE mas_k AS
SELECT d, coalesce((regexp_match(d, '(\d+) bytes of forests'))[1]::bigint / len, (16 * 1024 * 1024) / len - 5) AS k,
       (16 * 1024 * 1024) / len AS fit_alone
FROM mas_forest, mas_rows, LATERAL pg_temp.cap_detail(pg_temp.state(r), pg_temp.forests((16 * 1024 * 1024) / len)) d;
SELECT regexp_replace(d, '\d+', 'N', 'g') AS detail, k > 0 AS held_forests, k + 4 < fit_alone AS more_forests_fit_alone,
       (regexp_match(d, 'and (\d+) bytes of class labels'))[1]::bigint + (regexp_match(d, '(\d+) bytes of rows'))[1]::bigint
         < 16 * 1024 * 1024 AS rows_fit_alone
FROM mas_k;
-- the rows alone and k + 1 forests alone fit; the rows and k forests, less
-- than a forest under the cap, train; the rows and k + 1 forests do not, in
-- either order or in one state.  (The rows come first for the boundary:
-- after forests, the rows' label store counts its old and doubled copies
-- for a moment while it grows.)
SELECT what, pg_temp.merged_states(VARIADIC ss) AS outcome
FROM mas_k, mas_rows, LATERAL (VALUES
  (1, 'rows alone', ARRAY[pg_temp.state(r)]),
  (2, 'k + 1 forests alone', ARRAY[pg_temp.forests(k + 1)]),
  (3, 'rows, then k forests', ARRAY[pg_temp.state(r), pg_temp.forests(k)]),
  (4, 'rows, then k + 1 forests', ARRAY[pg_temp.state(r), pg_temp.forests(k + 1)]),
  (5, 'k + 1 forests, then rows', ARRAY[pg_temp.forests(k + 1), pg_temp.state(r)]),
  (6, 'k + 1 forests and rows in one state', ARRAY[pg_temp.both(k + 1, r)])) v(o, what, ss)
ORDER BY o;
-- The transition function: an aggregate whose initial state holds k + 4
-- forests takes the same rows from a table, in a serial plan and in a
-- parallel one (the workers' states, or the leader's that combines them).
CREATE TABLE mas_table AS SELECT i, ARRAY[i, 900 + i]::float8[] AS f, lpad(i::text, 4096, 'x') AS t FROM generate_series(1, 900) i;
DO $$
BEGIN
  EXECUTE format('CREATE AGGREGATE pg_temp.with_forests(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, '
                 'STYPE = bytea, INITCOND = %L, FINALFUNC = edupredict.forest_agg_trees_final, FINALFUNC_MODIFY = READ_WRITE, '
                 'COMBINEFUNC = edupredict.forest_agg_trees_combine, PARALLEL = SAFE)',
                 (SELECT pg_temp.forests(k + 4) FROM mas_k)::text);
END $$;
SET max_parallel_workers_per_gather = 0;
SELECT length(pg_temp.with_forests(f, t, '{"n_trees": 2}')) FROM mas_table;
ALTER TABLE mas_table SET (parallel_workers = 2);
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pg_temp.with_forests(f, t, '{"n_trees": 2}') FROM mas_table;
\set VERBOSITY sqlstate
SELECT length(pg_temp.with_forests(f, t, '{"n_trees": 2}')) FROM mas_table;
\set VERBOSITY terse
RESET edupredict.forest_max_memory;
-- under the default cap they train
SELECT length(pg_temp.with_forests(f, t, '{"n_trees": 2}')) > 0 AS parallel_default FROM mas_table;
SET max_parallel_workers_per_gather = 0;
SELECT length(pg_temp.with_forests(f, t, '{"n_trees": 2}')) > 0 AS serial_default FROM mas_table;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
DROP TABLE mas_table;

-- A state read from bytes and combined into another leaves no copy of its
-- rows behind: the state that merges four parts of 5,000 rows (100 labels of
-- 4,096 bytes) holds about what one that the transition function built from
-- 20,000 such rows holds, not that and the four parts' rows again.
-- held_bytes: the bytes of forest_agg_trees states' memory contexts.
CREATE FUNCTION pg_temp.held_bytes(bytea) RETURNS bigint LANGUAGE sql AS
$$ SELECT sum(total_bytes) FROM pg_catalog.pg_backend_memory_contexts WHERE name LIKE 'forest_agg_trees%' $$;
CREATE AGGREGATE pg_temp.merge_held(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea,
  FINALFUNC = pg_temp.held_bytes);
CREATE AGGREGATE pg_temp.rows_held(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea,
  FINALFUNC = pg_temp.held_bytes);
-- (one statement each: the states of a statement live until it ends)
CREATE TEMP TABLE mas_held AS
SELECT pg_temp.merge_held(pg_temp.state(pg_temp.labelled(1, 100, 5000))) AS merged, 0::bigint AS collected
FROM generate_series(1, 4);
UPDATE mas_held SET collected = (SELECT pg_temp.rows_held(ARRAY[i, 20000 + i]::float8[], lpad((i % 100)::text, 4096, 'x'),
                                                          '{"n_trees": 2}')
                                 FROM generate_series(1, 20000) i);
SELECT merged < 1.25 * collected AS merged_holds_one_copy, merged > 0.75 * collected AS merged_holds_its_rows FROM mas_held;
