SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- The leader's own partial state of forest_agg and boost_agg in a parallel plan
-- reaches its Finalize Aggregate by a key, not as bytes (src/model_agg_local.c):
-- the models must be the serial plan's.  With max_parallel_workers = 0 the
-- leader runs the whole plan itself (no worker starts), so only the key path
-- carries rows, whatever the machine's load; then with workers, keyed and
-- written states meet in one Finalize Aggregate.
SET search_path = edupredict, public;
CREATE TABLE public.la AS
SELECT i, ARRAY[(i % 97)::float8, ((i * 13) % 89)::float8] AS f, ((i % 97) >= 50 OR (i * 13) % 89 < 10)::int::float8 AS y,
       (ARRAY['a', 'b', 'c'])[1 + (i * 7) % 3] AS t, 'g' || (i % 11) AS g
FROM generate_series(1, 140000) i;
ALTER TABLE public.la SET (parallel_workers = 2);
-- the serial plan's models
SET max_parallel_workers_per_gather = 0;
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "seed": 3}')) AS boost,
       md5(forest_agg(f, t, '{"n_trees": 4, "seed": 3}')) AS forest,
       md5(boost_agg(f, t, '{"n_rounds": 5, "seed": 3, "validation_fraction": 0.2}', g)) AS grouped
FROM la \gset serial_
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET max_parallel_workers = 0;
-- a parallel plan that only its leader runs
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT boost_agg(f, y, '{"n_rounds": 8, "seed": 3}') FROM la;
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "seed": 3}')) = :'serial_boost' AS boost_same,
       md5(forest_agg(f, t, '{"n_trees": 4, "seed": 3}')) = :'serial_forest' AS forest_same,
       md5(boost_agg(f, t, '{"n_rounds": 5, "seed": 3, "validation_fraction": 0.2}', g)) = :'serial_grouped' AS grouped_same
FROM la;
-- a filter that leaves the leader no rows: no state, nothing keyed
SELECT boost_agg(f, y, '{"n_rounds": 8}') IS NULL AS no_rows FROM la WHERE i < 0;
-- twice in one query, the subquery through its own Gather, after the first
-- query's states are gone (their keys forgotten, new ones drawn)
EXPLAIN (COSTS OFF)
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "seed": 3}')) = :'serial_boost' AS outer_same,
       (SELECT md5(forest_agg(f, t, '{"n_trees": 4, "seed": 3}')) FROM la) = :'serial_forest' AS inner_same
FROM la;
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "seed": 3}')) = :'serial_boost' AS outer_same,
       (SELECT md5(forest_agg(f, t, '{"n_trees": 4, "seed": 3}')) FROM la) = :'serial_forest' AS inner_same
FROM la;
-- with workers (when they start; with none, as above): the same models
RESET max_parallel_workers;
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "seed": 3}')) = :'serial_boost' AS boost_same,
       md5(forest_agg(f, t, '{"n_trees": 4, "seed": 3}')) = :'serial_forest' AS forest_same,
       md5(boost_agg(f, t, '{"n_rounds": 5, "seed": 3, "validation_fraction": 0.2}', g)) = :'serial_grouped' AS grouped_same
FROM la;
-- a query that fails after the hand-off (the final function refuses the
-- params); the next one still trains the serial plan's model
SET max_parallel_workers = 0;
SELECT boost_agg(f, y, '{"n_rounds": 3000000000}') FROM la;
SELECT md5(boost_agg(f, y, '{"n_rounds": 8, "seed": 3}')) = :'serial_boost' AS after_error FROM la;
RESET ALL;
DROP TABLE public.la;
