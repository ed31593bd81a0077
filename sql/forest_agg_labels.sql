SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- The class labels a forest_agg / boost_agg state collects (a text target's
-- dictionary) count against edupredict.forest_max_memory with its rows: many
-- long distinct labels fail with the rows' error (54000), whether they come
-- before the rows grow (the rows' check counts them) or after (adding a label
-- is refused), in a serial plan, in a parallel one and when a combine function
-- joins two partial states.
\i test/fixtures/outcome.sql
-- 2,060 rows of 509 features: a state holds room for 4,096 rows, 4,096 x 510
-- doubles = 16,711,680 bytes, 64 kB under the 16 MB cap.  first_long gives
-- rows 1-20 labels of 4,000 bytes, last_long rows 2,050-2,060; short has two
-- one-byte labels.
CREATE TABLE fal AS
SELECT i, array_fill((i % 13)::float8, ARRAY[509]) AS f,
       CASE WHEN i <= 20 THEN lpad(i::text, 4000, 'x') ELSE 'a' END AS first_long,
       CASE WHEN i > 2049 THEN lpad(i::text, 4000, 'x') ELSE 'a' END AS last_long,
       CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS short
FROM generate_series(1, 2060) i;
CREATE TEMP TABLE fal_params (agg text, params text);
INSERT INTO fal_params VALUES ('forest_agg', '{"n_trees": 1, "max_depth": 2}'),
                              ('boost_agg', '{"n_rounds": 1, "max_depth": 2}');
CREATE FUNCTION pg_temp.run(agg text, params text, target text) RETURNS text LANGUAGE sql AS $$
SELECT pg_temp.outcome(format('SELECT length(edupredict.%s(f, %I, %L ORDER BY i)) FROM fal', agg, target, params)) $$;

SET edupredict.forest_max_memory = '16MB';
-- the rows fit with short labels; long ones take the state past the cap
SELECT agg, target, pg_temp.run(agg, params, target) AS under_16mb
FROM fal_params, unnest(ARRAY['short', 'first_long', 'last_long']) target ORDER BY agg DESC, target DESC;
-- labels alone: 2,100 distinct labels of 4,096 bytes in one feature's rows
SELECT agg, pg_temp.outcome(format($q$SELECT length(edupredict.%s(ARRAY[i]::float8[], lpad(i::text, 4096, 'x'), %L))
                                    FROM generate_series(1, 2100) i$q$, agg, params)) AS labels_alone
FROM fal_params ORDER BY agg DESC;
-- the error's detail counts the labels' bytes with the rows
SELECT length(edupredict.forest_agg(f, last_long, '{"n_trees": 1, "max_depth": 2}' ORDER BY i)) FROM fal;
RESET edupredict.forest_max_memory;
-- under the default cap the same rows train (labels alone: past the memory,
-- they meet the class limit)
SELECT agg, target, pg_temp.run(agg, params, target) AS default_cap
FROM fal_params, unnest(ARRAY['first_long', 'last_long']) target ORDER BY agg DESC, target DESC;
SELECT agg, pg_temp.outcome(format($q$SELECT length(edupredict.%s(ARRAY[i]::float8[], lpad(i::text, 4096, 'x'), %L))
                                    FROM generate_series(1, 2100) i$q$, agg, params)) AS labels_alone
FROM fal_params ORDER BY agg DESC;

-- a parallel plan: the workers' partial states, or the leader's state they
-- are combined into (whichever passes the cap first), hold the labels
-- against the cap too
ALTER TABLE fal SET (parallel_workers = 2);
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT edupredict.forest_agg(f, first_long, '{"n_trees": 1, "max_depth": 2}') FROM fal;
SET edupredict.forest_max_memory = '16MB';
\set VERBOSITY terse
SELECT length(edupredict.forest_agg(f, first_long, '{"n_trees": 1, "max_depth": 2}')) FROM fal;
\echo :LAST_ERROR_SQLSTATE
SELECT length(edupredict.boost_agg(f, first_long, '{"n_rounds": 1, "max_depth": 2}')) FROM fal;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET edupredict.forest_max_memory;
SELECT length(edupredict.forest_agg(f, first_long, '{"n_trees": 1, "max_depth": 2}')) > 0 AS parallel_default FROM fal;
SELECT length(edupredict.boost_agg(f, first_long, '{"n_rounds": 1, "max_depth": 2}')) > 0 AS parallel_default FROM fal;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
DROP TABLE fal;
