SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
SET search_path = edupredict, public;
-- Every function that reads a registry model takes an optional version
-- (NULL: the deployed one, else the newest).
CREATE TABLE mv AS SELECT g AS id, (g % 10)::float8 AS x, (g % 10 >= 5)::int AS y,
  CASE WHEN g % 10 >= 5 THEN 'hi' ELSE 'lo' END AS label FROM generate_series(1, 200) g;
-- version 1 learns y from x; version 2 learns a shuffled target, so they differ
SELECT version FROM train_forest('mv_m', 'mv', 'y', ARRAY['x'], n_trees => 5, seed => 1);
CREATE TABLE mv2 AS SELECT id, x, ((id * 7) % 2) AS y FROM mv;
SELECT version FROM train_forest('mv_m', 'mv2', 'y', ARRAY['x'], n_trees => 5, seed => 1);
SELECT predict('mv_m', ARRAY[9.0]::float8[], 1) AS v1_of_9,
       predict('mv_m', ARRAY[1.0]::float8[], 1) AS v1_of_1;
SELECT count(*) FILTER (WHERE predict_proba('mv_m', m, 1)::text <> predict_proba('mv_m', m, 2)::text) > 0 AS versions_differ,
       count(*) FILTER (WHERE predict_proba('mv_m', m, NULL)::text <> predict_proba('mv_m', m, 2)::text) AS null_not_newest,
       count(*) FILTER (WHERE predict_proba('mv_m', m)::text <> predict_proba('mv_m', m, 2)::text) AS default_not_newest
FROM mv m;
SELECT (predict_proba('mv_m', m, 1))[2] AS v1_p1 FROM mv m WHERE id = 9;
SELECT round(predict_proba('mv_m', m, '1', 1)::numeric, 6) = round((predict_proba('mv_m', m, 1))[2]::numeric, 6) AS class_form_agrees FROM mv m WHERE id = 9;
SELECT (predict_proba('mv_m', ARRAY[9.0]::float8[], 1))[2] AS v1_array_p1;
SELECT predict('mv_m', m, 1) AS row_form FROM mv m WHERE id = 9;
SELECT model_classes('mv_m', 1), model_classes('mv_m', NULL);
SELECT feature, importance, splits > 0 AS has_splits FROM feature_importance('mv_m', 1);
SELECT metric, value FROM evaluate('mv_m', 'mv', 1) WHERE metric IN ('n_rows', 'accuracy') ORDER BY 1;
-- deploy(): NULL now means the deployed version 1
SELECT version, deployed FROM deploy('mv_m', 1);
SELECT count(*) FILTER (WHERE predict_proba('mv_m', m, NULL)::text <> predict_proba('mv_m', m, 1)::text) AS null_not_deployed,
       count(*) FILTER (WHERE predict_proba('mv_m', m)::text <> predict_proba('mv_m', m, 1)::text) AS default_not_deployed
FROM mv m;
-- NULL arguments other than the version give NULL
SELECT predict(NULL, ARRAY[9.0]::float8[], 1) IS NULL AS null_name, predict('mv_m', NULL::float8[], 1) IS NULL AS null_features;
SELECT count(*) FROM feature_importance(NULL, 1);
-- A positional third argument is the version in predict() and predict_label()
-- alike, whatever the literal's type: an integer is a version, a numeric one
-- does not resolve (it never silently becomes a threshold); a threshold comes
-- fourth or by name.
SELECT id, predict('mv_m', m, 1) AS v1, predict('mv_m', m, 1) = predict('mv_m', m, version => 1) AS int_is_version,
       predict_label('mv_m', m, 1) = predict('mv_m', m, 1) AS label_int_is_version,
       predict('mv_m', m, NULL, 0.0) AS thr_0, predict('mv_m', m, NULL, 1.0) AS thr_1,
       predict('mv_m', m, version => NULL, threshold => 0.0) AS named_thr_0,
       predict_label('mv_m', m, threshold => 1.0) AS label_thr_1,
       predict('mv_m', ARRAY[x]::float8[], 1, 0.0) AS array_thr_0
FROM mv m WHERE id IN (1, 9) ORDER BY id;
SELECT count(*) FILTER (WHERE predict('mv_m', m, NULL, NULL) <> predict('mv_m', m)) AS null_threshold_differs
FROM mv m;
SELECT predict('mv_m', m, 1.0) FROM mv m WHERE id = 9;
SELECT predict_label('mv_m', m, 0.5) FROM mv m WHERE id = 9;
SELECT predict('mv_m', ARRAY[9.0]::float8[], 0.5);
SELECT predict('mv_m', m, threshold => 0.5) FROM mv m WHERE id = 9;
SELECT predict('mv_m', m, 1, 1.5) FROM mv m WHERE id = 9;
-- errors
SELECT predict('mv_m', ARRAY[9.0]::float8[], 0);
SELECT predict('mv_m', ARRAY[9.0]::float8[], -1);
SELECT predict('mv_m', ARRAY[9.0]::float8[], 3);
SELECT predict('no_such_model', ARRAY[9.0]::float8[], NULL);
SELECT * FROM evaluate('mv_m', 'mv', 0);
SELECT model_classes('mv_m', 99);
DELETE FROM edupredict.models WHERE name = 'mv_m';
DROP TABLE mv, mv2;
