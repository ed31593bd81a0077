-- forest_agg_trees states as the server flattens them (Citus's worker
-- prints them so), one a line: name, then the bytes in hex.  Run by
-- test/fuzz/trees_corpus.sh, which writes test/fuzz/corpus_trees.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
CREATE TEMP TABLE ft AS
SELECT i AS id, (i % 17)::float8 AS a, ((i * 7) % 23)::float8 AS b, round(sin(i)::numeric, 6)::float8 AS c,
       CASE WHEN i % 17 > 8 THEN 'x' WHEN (i * 7) % 23 > 15 THEN 'y' ELSE 'z' END AS lab,
       (i % 17) * 2.0 + ((i * 7) % 23) * 0.5 AS v
FROM generate_series(1, 300) i;
-- a worker's part (the flat form grows its trees) and the coordinator's combining
CREATE AGGREGATE pg_temp.trees_state(float8[], text, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE pg_temp.trees_state(float8[], float8, jsonb) (SFUNC = edupredict.forest_agg_trees_trans, STYPE = bytea);
CREATE AGGREGATE pg_temp.trees_combine(bytea) (SFUNC = edupredict.forest_agg_trees_combine, STYPE = bytea);
CREATE TEMP TABLE states AS
SELECT 'text' AS name, pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 2}') AS s FROM ft
UNION ALL
SELECT 'regression', pg_temp.trees_state(ARRAY[a, b, c], v, '{"n_trees": 2, "task": "regression", "max_depth": 4}') FROM ft
UNION ALL
SELECT 'numeric_classes', pg_temp.trees_state(ARRAY[a, c], (id % 3)::float8, '{"n_trees": 2, "task": "classification"}') FROM ft
UNION ALL
SELECT 'names', pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 1, "feature_names": ["a", "b"], "seed": 3}') FROM ft WHERE id <= 100
UNION ALL
-- parts that cannot train a forest: one class, one row
SELECT 'one_class', pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 2}') FROM ft WHERE lab = 'x'
UNION ALL
SELECT 'one_row', pg_temp.trees_state(ARRAY[a, b], v, '{"n_trees": 2, "task": "regression"}') FROM ft WHERE id = 1;
-- the coordinator's state of three parts: two forests and a constant part (class x)
INSERT INTO states
SELECT 'combined', pg_temp.trees_combine(s ORDER BY part)
FROM (SELECT CASE WHEN lab = 'x' THEN 2 ELSE id % 2 END AS part,
             pg_temp.trees_state(ARRAY[a, b], lab, '{"n_trees": 2}') AS s
      FROM ft GROUP BY 1) p;
SELECT name, pg_catalog.encode(s, 'hex') FROM states ORDER BY name;
