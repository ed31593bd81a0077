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
