-- Training sizes its columns from the planner's estimate of the rows
-- (ens_trainset_presize) when it expects many: the estimate only decides
-- where the rows are kept, never the model.  Stale statistics that
-- overestimate or underestimate the rows give the same model as fresh ones,
-- and an estimate beyond the memory cap is not an error when the rows fit.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;

-- ten more numeric columns, so that 200,000 expected rows outgrow a 16 MB cap
CREATE TABLE presize_rows (a float8, b float8, c text, d0 float8, d1 float8, d2 float8, d3 float8,
                           d4 float8, d5 float8, d6 float8, d7 float8, d8 float8, d9 float8, y int);
ALTER TABLE presize_rows SET (autovacuum_enabled = false);
CREATE FUNCTION pg_temp.fill(lo int, hi int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO presize_rows
  SELECT (i * 37 % 1001)::float8, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 53 % 97)::float8 / 7 END,
         (ARRAY['north', 'south', 'east'])[1 + i % 3], i % 3, i % 5, i % 7, i % 11, i % 13, i % 17,
         i % 19, i % 23, i % 29, i % 31, ((i * 37 % 1001) + i % 13 > 500)::int
  FROM generate_series(lo, hi) i $$;
CREATE FUNCTION pg_temp.model(name text) RETURNS bytea LANGUAGE sql AS $$
  SELECT edupredict.train_boosting(name, 'presize_rows', 'y', n_rounds => 5, max_depth => 3,
                                   test_fraction => 0.2, seed => 3);
  SELECT model FROM edupredict.models WHERE models.name = name $$;
CREATE FUNCTION pg_temp.estimate() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT * FROM presize_rows' INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;

-- 3,000 rows, statistics that say 200,000 (the rows deleted after ANALYZE)
SELECT pg_temp.fill(1, 200000);
ANALYZE presize_rows;
DELETE FROM presize_rows WHERE ctid IN (SELECT ctid FROM presize_rows OFFSET 3000);
SELECT pg_temp.estimate() > 150000 AS overestimated, count(*) AS rows FROM presize_rows;
CREATE TEMP TABLE m AS SELECT 'over' AS stats, pg_temp.model('presize_over') AS model;
-- the same rows under a memory cap the estimate would break: no error
SET edupredict.forest_max_memory = '16MB';
INSERT INTO m SELECT 'over, capped', pg_temp.model('presize_capped');
RESET edupredict.forest_max_memory;
-- fresh statistics
ANALYZE presize_rows;
SELECT pg_temp.estimate() BETWEEN 2000 AND 4000 AS fresh;
INSERT INTO m SELECT 'fresh', pg_temp.model('presize_fresh');
-- statistics that say 3,000 rows while there are 150,000: the columns grow
DELETE FROM presize_rows;
SELECT pg_temp.fill(1, 3000);
ANALYZE presize_rows;
SELECT pg_temp.fill(3001, 150000);
SELECT pg_temp.estimate() < 10000 AS underestimated, count(*) AS rows FROM presize_rows;
INSERT INTO m SELECT 'under', pg_temp.model('presize_under');
-- and fresh statistics for those rows: sized at once
ANALYZE presize_rows;
SELECT pg_temp.estimate() > 100000 AS estimated;
INSERT INTO m SELECT 'under, fresh', pg_temp.model('presize_under_fresh');

SELECT stats, length(model) > 0 AS trained,
       model = first_value(model) OVER (PARTITION BY stats LIKE 'under%' ORDER BY stats) AS same_model
FROM m ORDER BY stats;
SELECT edupredict.drop_model(name) FROM edupredict.model_list WHERE name LIKE 'presize_%' ORDER BY name;
DROP TABLE presize_rows;
