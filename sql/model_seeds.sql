-- Determinism over several seeds, the default included: the same call gives
-- the same model bytes (and the same held-out metrics) for seeds 1, 7 and 42
-- and for the default seed (42), whatever edupredict.forest_threads; different
-- seeds give different models.  For train_forest (classification with a
-- categorical feature and missing values, and regression) and forest_agg.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
DELETE FROM edupredict.models WHERE name LIKE 'ms\_%';

CREATE TEMP TABLE ms_rows AS
SELECT i, CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 50)::float8 END AS a, ((i * 7) % 23)::float8 AS b,
       (ARRAY['red', 'green', 'blue', 'grey'])[1 + (i * 3) % 4] AS colour,
       CASE WHEN (i * 37) % 10 < 2 THEN 'noise' WHEN i % 50 + (i * 7) % 23 > 35 THEN 'high' ELSE 'low' END AS y,
       (i % 50) * 0.3 + ((i * 7) % 23) * 0.1 + ((i * 31) % 17) / 5.0 AS r
FROM generate_series(1, 1500) i;

-- seed NULL means the default (the argument is left out); target 'y0' is
-- 'y' trained without a test split, so that only the trees' draws depend on
-- the seed (with a split, a seed ignored by the trees would still change
-- the model through the split)
CREATE FUNCTION pg_temp.train(model text, target text, s bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m edupredict.model_list;
  tf float8 := CASE WHEN target = 'y0' THEN 0 ELSE 0.2 END;
BEGIN
  target := rtrim(target, '0');
  IF s IS NULL THEN
    m := edupredict.train_forest(model, 'pg_temp.ms_rows', target, ARRAY['a', 'b', 'colour'], n_trees => 12,
                                 test_fraction => tf);
  ELSE
    m := edupredict.train_forest(model, 'pg_temp.ms_rows', target, ARRAY['a', 'b', 'colour'], n_trees => 12,
                                 test_fraction => tf, seed => s);
  END IF;
  RETURN (SELECT md5(x.model) FROM edupredict.models x WHERE x.id = m.id);
END $$;

-- every (target, seed) trained three times: twice with 2 threads, once with 1
CREATE TEMP TABLE ms_runs (target text, seed text, threads int, run int, md5 text, metrics jsonb);
DO $$
DECLARE
  t text;
  s bigint;
  th int;
BEGIN
  FOREACH t IN ARRAY ARRAY['y', 'y0', 'r'] LOOP
    FOREACH s IN ARRAY ARRAY[NULL, 1, 7, 42]::bigint[] LOOP
      FOREACH th IN ARRAY ARRAY[2, 2, 1] LOOP
        PERFORM set_config('edupredict.forest_threads', th::text, true);
        INSERT INTO ms_runs
        SELECT t, coalesce(s::text, 'default'), th,
               (SELECT count(*) + 1 FROM ms_runs x WHERE x.target = t AND x.seed = coalesce(s::text, 'default')),
               pg_temp.train('ms_' || t || '_' || coalesce(s::text, 'default'), t, s), NULL;
      END LOOP;
    END LOOP;
  END LOOP;
END $$;
-- the held-out metrics stored with each version (none without a split)
UPDATE ms_runs u SET metrics = m.metrics - 'train_peak_bytes' - 'threads'
FROM edupredict.models m WHERE m.name = 'ms_' || u.target || '_' || u.seed AND m.version = u.run;
SELECT target, seed, count(*) AS runs, count(DISTINCT md5) AS distinct_models, count(DISTINCT metrics) AS distinct_metrics,
       bool_and(metrics ? CASE target WHEN 'y' THEN 'accuracy' WHEN 'r' THEN 'rmse' ELSE 'n_train' END) AS has_metrics
FROM ms_runs GROUP BY target, seed ORDER BY target, seed;
-- the default is seed 42; seeds 1, 7 and 42 give three different models
SELECT target, (SELECT DISTINCT md5 FROM ms_runs d WHERE d.target = r.target AND d.seed = 'default')
             = (SELECT DISTINCT md5 FROM ms_runs d WHERE d.target = r.target AND d.seed = '42') AS default_is_42,
       count(DISTINCT md5) FILTER (WHERE seed <> 'default') AS distinct_over_seeds_1_7_42,
       count(DISTINCT metrics - 'model_bytes' - 'n_nodes') FILTER (WHERE seed <> 'default') AS distinct_test_metrics_over_seeds
FROM ms_runs r GROUP BY target ORDER BY target;
-- different models predict differently
SELECT count(*) FILTER (WHERE predict_proba('ms_y_7', s) IS DISTINCT FROM predict_proba('ms_y_1', s)) > 0 AS seeds_1_7_differ,
       count(*) FILTER (WHERE predict('ms_r_7', s) IS DISTINCT FROM predict('ms_r_1', s)) > 0 AS regression_seeds_1_7_differ
FROM ms_rows s;

-- forest_agg: params.seed 1, 7, 42 and no seed (42)
CREATE TEMP TABLE ms_agg AS
SELECT seed, run, md5(forest_agg(ARRAY[a, b, (i * 3) % 4]::float8[], y,
                                 CASE WHEN seed IS NULL THEN '{"n_trees": 12}'::jsonb
                                      ELSE jsonb_build_object('n_trees', 12, 'seed', seed) END)) AS cls,
       md5(forest_agg(ARRAY[a, b, (i * 3) % 4]::float8[], r,
                      CASE WHEN seed IS NULL THEN '{"n_trees": 12}'::jsonb
                           ELSE jsonb_build_object('n_trees', 12, 'seed', seed) END)) AS reg
FROM ms_rows, unnest(ARRAY[NULL, 1, 7, 42]) seed, generate_series(1, 2) run
GROUP BY seed, run;
SELECT coalesce(seed::text, 'default') AS seed, count(DISTINCT cls) AS distinct_cls, count(DISTINCT reg) AS distinct_reg
FROM ms_agg GROUP BY seed ORDER BY seed;
SELECT count(DISTINCT cls) FILTER (WHERE seed IS NOT NULL) AS cls_over_seeds_1_7_42,
       count(DISTINCT reg) FILTER (WHERE seed IS NOT NULL) AS reg_over_seeds_1_7_42,
       count(DISTINCT cls) AS cls_with_default, count(DISTINCT reg) AS reg_with_default
FROM ms_agg;

-- Nor on the session's extra_float_digits: a numeric target with a class that is not an integer
-- (0.1 + 0.2 = 0.30000000000000004) is labelled, and the metrics are written, by the same text under 0
-- (15 significant digits: '0.3') as under the default, so the model bytes and the metrics agree and
-- evaluate() finds the labels in either session.
CREATE TEMP TABLE ms_efd AS
SELECT i, (i % 7)::float8 AS x, CASE WHEN i % 3 = 0 THEN 0.1::float8 + 0.2::float8 ELSE 1.5 END AS y
FROM generate_series(1, 300) i;
SET extra_float_digits = 0;
SELECT 1 FROM train_forest('ms_efd', 'ms_efd', 'y', features => ARRAY['x'], task => 'classification', n_trees => 5);
SELECT metric, round(value::numeric, 6) AS value FROM evaluate('ms_efd', 'ms_efd') WHERE metric = 'accuracy';
RESET extra_float_digits;
SELECT 1 FROM train_forest('ms_efd', 'ms_efd', 'y', features => ARRAY['x'], task => 'classification', n_trees => 5);
SELECT metric, round(value::numeric, 6) AS value FROM evaluate('ms_efd', 'ms_efd', 1) WHERE metric = 'accuracy';
SELECT count(DISTINCT md5(model)) AS models, count(DISTINCT metrics - 'train_seconds' - 'train_peak_bytes') AS metrics,
       min(classes::text) AS classes
FROM edupredict.models WHERE name = 'ms_efd';

DELETE FROM edupredict.models WHERE name LIKE 'ms\_%';
