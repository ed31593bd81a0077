SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
SET search_path = edupredict, public;
SET client_min_messages = warning;
\i data/uci_student_dropout/load.sql
RESET client_min_messages;

-- UCI dropout, 3 classes (softmax), the forest's split.  Quality bands from
-- XGBoost 1.7 (hist, the same rounds, depth, rate, l2 and child weight) on
-- stratified 80/20 splits with seeds 1-5: accuracy 0.769-0.791, macro AUC
-- 0.889-0.898; the bands allow 0.01 around that, plus this split's luck.
SELECT name, version, algorithm, task, classes, n_rows,
       (metrics->>'n_train')::int AS n_train, (metrics->>'n_test')::int AS n_test,
       (metrics->>'accuracy')::float8 BETWEEN 0.76 AND 0.80 AS accuracy_ok,
       (metrics->>'roc_auc')::float8 BETWEEN 0.88 AND 0.92 AS auc_ok,
       params->>'loss' AS loss, (metrics->>'rounds_kept')::int AS rounds, model_bytes > 10000 AS has_trees
FROM train_boosting('bt_dropout', 'edupredict_data.student_features', 'target', n_rounds => 100, max_depth => 4);
SELECT algorithm, deployed FROM model_list WHERE name = 'bt_dropout';
-- predictions: probabilities sum to 1, predict() is their argmax, and
-- evaluate() on the whole table agrees with predict()
SELECT bool_and(abs((SELECT sum(x) FROM unnest(predict_proba('bt_dropout', s)) x) - 1) <= 1e-12) AS sums_to_1,
       bool_and(predict('bt_dropout', s) = (model_classes('bt_dropout'))[
         (SELECT i FROM unnest(predict_proba('bt_dropout', s)) WITH ORDINALITY u(x, i) ORDER BY x DESC, i LIMIT 1)]) AS argmax
FROM edupredict_data.student_features s;
SELECT (SELECT value FROM evaluate('bt_dropout', 'edupredict_data.student_features') WHERE metric = 'accuracy')
     = (SELECT avg((predict('bt_dropout', s) = s.target)::int)::float8 FROM edupredict_data.student_features s) AS evaluate_agrees;
-- importance: gain per feature summing to 1, with split counts
SELECT count(*) AS features, abs(sum(importance) - 1) <= 1e-9 AS sums_to_1, sum(splits) > 100 AS many_splits
FROM feature_importance('bt_dropout', NULL);
SELECT feature FROM feature_importance('bt_dropout', NULL) LIMIT 1;

-- generated data: missing values, a text feature, every loss
CREATE TABLE bt_rows AS
SELECT i,
       CASE WHEN i % 9 = 0 THEN NULL ELSE (i % 50)::float8 END AS x,
       (ARRAY['north', 'south', 'east', 'west'])[1 + (i * 7) % 4] AS side,
       ((i * 13) % 17)::float8 AS z,
       CASE WHEN i % 9 = 0 THEN 'missing' WHEN (i % 50) >= 25 THEN 'high' ELSE 'low' END AS y3,
       ((i % 50) >= 25 OR (i * 7) % 4 = 0)::int AS yb,
       CASE WHEN i % 9 = 0 THEN 0 ELSE (i % 50)::float8 END * 2 + CASE WHEN (i * 7) % 4 = 1 THEN 30 ELSE 0 END
         + ((i * 31) % 7) / 10.0 AS yr
FROM generate_series(1, 3000) i;
-- the missing rows get their own class: the learnt default direction finds them
SELECT params->>'loss' AS loss, (metrics->>'accuracy')::float8 >= 0.99 AS accurate
FROM train_boosting('bt_multi', 'bt_rows', 'y3', ARRAY['x', 'side', 'z'], n_rounds => 40, seed => 3);
SELECT predict('bt_multi', r) AS missing_x FROM (SELECT NULL::float8 AS x, 'north' AS side, 1.0::float8 AS z) r;
-- a stump whose best split sends the missing values left, with the low x values
CREATE TEMP TABLE bt_missleft AS
SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 100)::float8 END AS x, (i % 10 = 0 OR i % 100 < 30)::int AS y
FROM generate_series(1, 1000) i;
SELECT version FROM train_boosting('bt_missleft', 'bt_missleft', 'y', n_rounds => 2, max_depth => 1,
                                   learning_rate => 1, test_fraction => 0);
SELECT predict('bt_missleft', ARRAY[NULL]::float8[]) AS missing_x, predict('bt_missleft', ARRAY[10]::float8[]) AS low_x,
       predict('bt_missleft', ARRAY[60]::float8[]) AS high_x;
-- binary: the text feature decides a quarter of the positives
SELECT params->>'loss' AS loss, (metrics->>'accuracy')::float8 >= 0.99 AS accurate
FROM train_boosting('bt_bin', 'bt_rows', 'yb', ARRAY['x', 'side'], n_rounds => 60, seed => 3);
SELECT model_classes('bt_bin');
SELECT predict('bt_bin', r) AS north_low_x FROM (SELECT 3.0::float8 AS x, 'north' AS side) r;
-- regression with each loss
SELECT params->>'loss' AS loss, (metrics->>'r2')::float8 > 0.99 AS r2_ok
FROM train_boosting('bt_sq', 'bt_rows', 'yr', ARRAY['x', 'side', 'z'], n_rounds => 100, loss => 'squared');
SELECT params->>'loss' AS loss, (metrics->>'r2')::float8 > 0.95 AS r2_ok
FROM train_boosting('bt_abs', 'bt_rows', 'yr', ARRAY['x', 'side', 'z'], n_rounds => 100, loss => 'absolute', learning_rate => 0.3);
SELECT params->>'loss' AS loss, (params->>'huber_delta')::float8 AS delta, (metrics->>'r2')::float8 > 0.99 AS r2_ok
FROM train_boosting('bt_hub', 'bt_rows', 'yr', ARRAY['x', 'side', 'z'], loss => 'huber', huber_delta => 5);
-- min_child_weight 20 (a row weighs 1 in squared loss): a child takes at least 20 rows,
-- so no split isolates the six high rows (unconstrained, x = 3 would get about 100)
CREATE TEMP TABLE bt_light AS
SELECT i::float8 AS x, CASE WHEN i <= 6 THEN 100 ELSE 0 END::float8 AS y FROM generate_series(1, 1000) i;
SELECT version FROM train_boosting('bt_light', 'bt_light', 'y', n_rounds => 1, max_depth => 1, learning_rate => 1,
                                   min_child_weight => 20, l2 => 0, test_fraction => 0);
SELECT predict('bt_light', ARRAY[3]::float8[])::float8 < 50 AS light_left_child_refused;
-- equal gains: y is 0 for x = 0..2 and x = 7..9 and 10 between (a row each), so
-- "x <= 2 left" and "x <= 6 left" gain exactly alike, the best; they are candidates 2
-- and 6 of the split search, which scores four at a time: the same lane of two vectors.
-- The first threshold wins, so x = 3 and x = 7 share a leaf
CREATE TEMP TABLE bt_tie AS
SELECT x::float8 AS x, CASE WHEN x BETWEEN 3 AND 6 THEN 10 ELSE 0 END::float8 AS y FROM generate_series(0, 9) x;
SELECT version FROM train_boosting('bt_tie', 'bt_tie', 'y', task => 'regression', n_rounds => 1, max_depth => 1,
                                   learning_rate => 1, l2 => 0, test_fraction => 0);
SELECT predict('bt_tie', ARRAY[3]::float8[]) = predict('bt_tie', ARRAY[7]::float8[]) AS first_of_equal_gains,
       predict('bt_tie', ARRAY[2]::float8[]) <> predict('bt_tie', ARRAY[3]::float8[]) AS cut_after_2;
-- the same across lanes: of 9 values, "x <= 2 left" and "x <= 5 left" gain alike
-- (candidates 2 and 5: lanes 2 and 1); the first wins, so x = 3 and x = 8 share a leaf
CREATE TEMP TABLE bt_tie_lanes AS
SELECT x::float8 AS x, CASE WHEN x BETWEEN 3 AND 5 THEN 10 ELSE 0 END::float8 AS y FROM generate_series(0, 8) x;
SELECT version FROM train_boosting('bt_tie_lanes', 'bt_tie_lanes', 'y', task => 'regression', n_rounds => 1,
                                   max_depth => 1, learning_rate => 1, l2 => 0, test_fraction => 0);
SELECT predict('bt_tie_lanes', ARRAY[3]::float8[]) = predict('bt_tie_lanes', ARRAY[8]::float8[]) AS first_of_equal_gains,
       predict('bt_tie_lanes', ARRAY[2]::float8[]) <> predict('bt_tie_lanes', ARRAY[3]::float8[]) AS cut_after_2;
-- the gain of a 'missing values left' candidate counts the missing rows on
-- the left: x (missing where y = 1) splits perfectly with them left (gain 250
-- of a total 250), z only with 40 rows on the wrong side (gain 213); counting
-- x's missing rows on neither side (gain 200) would pick z.  x takes 200 values,
-- each its own bin, so rows 300 (x = 75) and 301 (x = 76) never share one
CREATE TEMP TABLE bt_missgain AS
SELECT CASE WHEN i <= 800 THEN ceil(i / 4.0) END::float8 AS x, (i <= 340 OR i > 800)::int::float8 AS z,
       (i <= 300 OR i > 800)::int::float8 AS y
FROM generate_series(1, 1000) i;
SELECT version FROM train_boosting('bt_missgain', 'bt_missgain', 'y', task => 'regression', n_rounds => 1,
                                   max_depth => 1, learning_rate => 1, l2 => 0, test_fraction => 0);
SELECT feature FROM feature_importance('bt_missgain', NULL) WHERE splits > 0;
SELECT round(predict('bt_missgain', ARRAY[NULL, 0]::float8[])::numeric, 6) AS missing_x_low_z;
-- z first: its gain (213) is the node's best when x is scanned, and x's best
-- (missing values left, 250) must still beat it, though x's 'missing right'
-- candidates (at most 107) do not
SELECT version FROM train_boosting('bt_missgain_zx', 'bt_missgain', 'y', ARRAY['z', 'x'], task => 'regression',
                                   n_rounds => 1, max_depth => 1, learning_rate => 1, l2 => 0, test_fraction => 0);
SELECT feature FROM feature_importance('bt_missgain_zx', NULL) WHERE splits > 0;
-- x = 15 on the east side: y = 30 + noise in [0, 0.6]
SELECT abs(predict('bt_sq', r)::float8 - 30.3) < 0.5 AS close_to_30
FROM (SELECT 15.0::float8 AS x, 'east' AS side, 3.0::float8 AS z) r;

-- early stopping: validation rows taken from the training rows, the best
-- round kept, the curve stored
SELECT (params->>'validation_fraction')::float8 AS validation_fraction,
       (metrics->>'rounds_run')::int < 500 AS stopped_early,
       (metrics->>'rounds_kept')::int = (metrics->>'best_round')::int AS kept_best,
       jsonb_array_length(metrics->'validation_curve') = (metrics->>'rounds_run')::int AS curve_per_round,
       metrics->>'validation_metric' AS metric,
       (metrics->>'rounds_run')::int - (metrics->>'best_round')::int = 10 AS patience
FROM train_boosting('bt_es', 'bt_rows', 'yr', ARRAY['x', 'side', 'z'], n_rounds => 500, learning_rate => 0.3,
                    early_stopping_rounds => 10);

-- class_weight => 'balanced': class k weighs n / (k n_k) (scikit-learn's
-- rule).  With one round of stumps at learning rate 1 the model is closed
-- form: the base margin is the weighted prior's (here 1/2: margin 0; 1/3 each
-- for softmax, which starts at 0), and each leaf is -G / (H + l2) over its
-- rows with g = w (p - y), h = w p (1 - p) for the logistic loss and
-- h = 2 w p (1 - p) for softmax (as XGBoost).  Against the unweighted model
-- the classes that weigh more than 1 (the rare one, and 'mid' of three) gain
-- probability in every leaf and 'common' loses some.
CREATE TEMP TABLE bt_bal AS
SELECT (i > 750)::int::float8 AS x,
       CASE WHEN i <= 750 THEN (i % 15 = 0)::int ELSE (i % 5 = 0)::int END AS y,
       CASE WHEN i % 20 = 0 THEN 'rare' WHEN i % 4 = 1 THEN 'mid' ELSE 'common' END AS y3
FROM generate_series(1, 1000) i;
SELECT params->>'class_weight' AS class_weight, params->>'loss' AS loss
FROM train_boosting('bt_bal', 'bt_bal', 'y', ARRAY['x'], n_rounds => 1, max_depth => 1, learning_rate => 1,
                    l2 => 2, test_fraction => 0, class_weight => 'balanced');
SELECT params->>'class_weight' AS class_weight
FROM train_boosting('bt_unw', 'bt_bal', 'y', ARRAY['x'], n_rounds => 1, max_depth => 1, learning_rate => 1,
                    l2 => 2, test_fraction => 0);
WITH w AS (SELECT y, 2 * count(*)::float8 / sum(count(*)) OVER () AS share FROM bt_bal GROUP BY y),
leaf AS (SELECT b.x, -sum((0.5 - b.y) / w.share) / (sum(0.25 / w.share) + 2) AS v
         FROM bt_bal b JOIN w USING (y) GROUP BY b.x)
SELECT x, abs((predict_proba('bt_bal', ARRAY[x]))[2] - 1 / (1 + exp(-v))) < 1e-6 AS closed_form,
       (predict_proba('bt_bal', ARRAY[x]))[2] > (predict_proba('bt_unw', ARRAY[x]))[2] AS rare_class_raised,
       predict('bt_bal', ARRAY[x]) AS balanced, predict('bt_unw', ARRAY[x]) AS unweighted
FROM leaf ORDER BY x;
SELECT params->>'class_weight' AS class_weight, params->>'loss' AS loss
FROM train_boosting('bt_bal3', 'bt_bal', 'y3', ARRAY['x'], n_rounds => 1, max_depth => 1, learning_rate => 1,
                    test_fraction => 0, class_weight => 'balanced');
SELECT version FROM train_boosting('bt_unw3', 'bt_bal', 'y3', ARRAY['x'], n_rounds => 1, max_depth => 1,
                                   learning_rate => 1, test_fraction => 0);
WITH w AS (SELECT y3, 3 * count(*)::float8 / sum(count(*)) OVER () AS share FROM bt_bal GROUP BY y3),
leaf AS (SELECT b.x, k, -sum((1.0 / 3 - (b.y3 = k)::int) / w.share) / (sum(4.0 / 9 / w.share) + 1) AS v
         FROM bt_bal b JOIN w USING (y3), unnest(model_classes('bt_bal3')) k GROUP BY b.x, k),
p AS (SELECT x, k, exp(v) / sum(exp(v)) OVER (PARTITION BY x) AS p FROM leaf)
SELECT p.x, p.k, abs(m.p - p.p) < 1e-6 AS closed_form, m.p > u.p AS raised
FROM p, unnest(model_classes('bt_bal3'), predict_proba('bt_bal3', ARRAY[p.x])) m(k, p),
     unnest(model_classes('bt_unw3'), predict_proba('bt_unw3', ARRAY[p.x])) u(k, p)
WHERE m.k = p.k AND u.k = p.k ORDER BY p.x, p.k;
SELECT count(drop_model(n)) AS dropped FROM unnest(ARRAY['bt_bal', 'bt_unw', 'bt_bal3', 'bt_unw3']) n;

-- early stopping with each validation metric: logloss (logistic), mae
-- (absolute), huber (Huber: the loss with the model's huber_delta, as
-- LightGBM's metric).  One validation row (round(0.001 x 1000); for
-- classes, round(0.001 n_k) of each: 1 of class 0, none of class 1): the
-- curve's value at the best round is that row's loss under the stored model,
-- so some row of the table has exactly that loss (its rows are all
-- training rows).  The best round is the curve's first minimum, the model
-- keeps its rounds, and training stopped early_stopping_rounds after it.
CREATE FUNCTION pg_temp.huber(d float8, delta float8) RETURNS float8 LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN abs(d) <= delta THEN 0.5 * d * d ELSE delta * (abs(d) - 0.5 * delta) END $$;
CREATE TEMP TABLE bt_es1 AS
SELECT (i % 50)::float8 AS x, ((i * 7) % 13)::float8 AS z, (i % 50) * 2 + ((i * 37) % 101) / 10.0 AS y,
       ((i % 50) >= 40 OR (i * 37) % 101 < 3)::int AS yb
FROM generate_series(1, 1000) i;
SELECT name FROM train_boosting('bt_es_log', 'bt_es1', 'yb', ARRAY['x', 'z'], n_rounds => 300, learning_rate => 0.3,
                                early_stopping_rounds => 5, validation_fraction => 0.001, test_fraction => 0)
UNION ALL
SELECT name FROM train_boosting('bt_es_abs', 'bt_es1', 'y', ARRAY['x', 'z'], loss => 'absolute', n_rounds => 300,
                                learning_rate => 0.3, early_stopping_rounds => 5, validation_fraction => 0.001,
                                test_fraction => 0)
UNION ALL
SELECT name FROM train_boosting('bt_es_hub', 'bt_es1', 'y', ARRAY['x', 'z'], loss => 'huber', huber_delta => 2,
                                n_rounds => 300, learning_rate => 0.3, early_stopping_rounds => 5,
                                validation_fraction => 0.001, test_fraction => 0);
WITH m AS (
  SELECT DISTINCT ON (name) name, params->>'loss' AS loss, metrics->>'validation_metric' AS metric,
         (params->>'huber_delta')::float8 AS delta, (metrics->>'best_round')::int AS best,
         (metrics->>'rounds_run')::int AS run, (metrics->>'rounds_kept')::int AS kept,
         ARRAY(SELECT c::float8 FROM jsonb_array_elements_text(metrics->'validation_curve') c) AS curve
  FROM model_list WHERE name IN ('bt_es_log', 'bt_es_abs', 'bt_es_hub') ORDER BY name, version DESC)
SELECT loss, metric, run - best = 5 AS stopped_after_5, run < 300 AS early, kept = best AS kept_best,
       array_length(curve, 1) = run AS curve_per_round,
       curve[best] = (SELECT min(c) FROM unnest(curve) c) AS best_is_min,
       curve[best] < ALL (curve[1:best - 1]) AS first_min,
       (SELECT count(*) FROM bt_es1 r
        WHERE abs(CASE WHEN m.loss = 'logistic' THEN -ln((predict_proba(m.name, ARRAY[r.x, r.z]))[r.yb + 1])
                       WHEN m.loss = 'huber' THEN pg_temp.huber(predict(m.name, ARRAY[r.x, r.z])::float8 - r.y, m.delta)
                       ELSE abs(predict(m.name, ARRAY[r.x, r.z])::float8 - r.y) END - curve[best])
              <= 1e-9 * greatest(1, curve[best])) > 0 AS a_row_has_that_loss
FROM m ORDER BY name;
-- many validation rows whose loss is known: x is the class, so every row of
-- class k has the same output, and the stratified split takes
-- round(0.1 n_k) of each class.  The curve's value at the best round is their
-- mean log loss under the stored model.
CREATE TEMP TABLE bt_es2 AS SELECT (i % 5 = 0)::int::float8 AS x, (i % 5 = 0)::int AS y FROM generate_series(1, 1000) i;
SELECT metrics->>'validation_metric' AS metric
FROM train_boosting('bt_es_sep', 'bt_es2', 'y', ARRAY['x'], n_rounds => 20, learning_rate => 0.1,
                    early_stopping_rounds => 5, test_fraction => 0);
WITH m AS (SELECT (metrics->'validation_curve'->>((metrics->>'best_round')::int - 1))::float8 AS v
           FROM model_list WHERE name = 'bt_es_sep' ORDER BY version DESC LIMIT 1),
c AS (SELECT y, floor(0.1 * count(*) + 0.5) AS n_val FROM bt_es2 GROUP BY y)
SELECT abs(m.v - sum(c.n_val * -ln((predict_proba('bt_es_sep', ARRAY[c.y::float8]))[c.y + 1])) / sum(c.n_val))
         <= 1e-9 * m.v AS mean_log_loss
FROM m, c GROUP BY m.v;
-- class_weight => 'balanced': the validation log loss weighs its rows as
-- the gradients do (sum w l / sum w, as scikit-learn's HistGradientBoosting),
-- w_k = n / (3 n_k) over the fitting rows (the training rows less the
-- validation rows).  Three classes of 500, 386 and 114 rows; x tells class
-- 0 from the others, so every row of class k has the same output, and the
-- stratified split takes round(0.1 n_k) of each: 50, 39 and 11, not quite
-- one in ten of each, so the weights of the validation rows sum to about
-- 99, not to their count.  Class 0's rows, told apart, lose less than
-- classes 1 and 2, so the unweighted mean of the same rows (half of them
-- class 0) is another figure.
CREATE TEMP TABLE bt_es3 AS
SELECT (i > 500)::int::float8 AS x, CASE WHEN i <= 500 THEN 0 WHEN i <= 886 THEN 1 ELSE 2 END AS y
FROM generate_series(1, 1000) i;
SELECT metrics->>'validation_metric' AS metric
FROM train_boosting('bt_es_w', 'bt_es3', 'y', ARRAY['x'], n_rounds => 20, learning_rate => 0.1,
                    early_stopping_rounds => 5, test_fraction => 0, class_weight => 'balanced');
WITH m AS (SELECT (metrics->'validation_curve'->>((metrics->>'best_round')::int - 1))::float8 AS v
           FROM model_list WHERE name = 'bt_es_w' ORDER BY version DESC LIMIT 1),
c AS (SELECT y, min(x) AS x, count(*) AS n, floor(0.1 * count(*) + 0.5) AS n_val FROM bt_es3 GROUP BY y),
w AS (SELECT c.n_val, sum(c.n - c.n_val) OVER () / (3 * (c.n - c.n_val)) AS w, -ln(p.p) AS loss
      FROM c, unnest(model_classes('bt_es_w'), predict_proba('bt_es_w', ARRAY[c.x])) p(k, p)
      WHERE p.k = c.y::text)
SELECT abs(m.v - sum(w.n_val * w.w * w.loss) / sum(w.n_val * w.w)) <= 1e-9 * m.v AS weighted_mean_log_loss,
       abs(m.v - sum(w.n_val * w.loss) / sum(w.n_val)) > 1e-3 * m.v AS not_the_unweighted_mean
FROM m, w GROUP BY m.v;
-- Huber on outliers: every row has the same x, so every row gets the same
-- output c; y is 0 but 40 on one row in ten.  The validation rows (100 of
-- 1000) hold some k outliers, so the curve's value at each round is
-- (k huber(c - 40) + (100 - k) huber(c)) / 100 with delta 5, for one k.  The
-- mean absolute error is least at the median, the starting margin (round 1's
-- output is already above it), the Huber loss further up: so the curve falls
-- after round 1 and the best round is later.
CREATE TEMP TABLE bt_hub AS SELECT 1.0::float8 AS x, CASE WHEN i % 10 = 0 THEN 40 ELSE 0 END::float8 AS y
FROM generate_series(1, 1000) i;
SELECT metrics->>'validation_metric' AS metric
FROM train_boosting('bt_es_hub2', 'bt_hub', 'y', ARRAY['x'], loss => 'huber', huber_delta => 5, n_rounds => 30,
                    learning_rate => 0.3, early_stopping_rounds => 5, test_fraction => 0);
WITH m AS (SELECT (metrics->>'best_round')::int AS best, predict('bt_es_hub2', ARRAY[1.0::float8])::float8 AS c,
                  ARRAY(SELECT e::float8 FROM jsonb_array_elements_text(metrics->'validation_curve') e) AS curve
           FROM model_list WHERE name = 'bt_es_hub2' ORDER BY version DESC LIMIT 1)
SELECT best > 1 AS best_after_round_1, curve[2] < curve[1] AS falls_after_round_1,
       EXISTS (SELECT 1 FROM generate_series(0, 100) k
               WHERE abs((k * pg_temp.huber(c - 40, 5) + (100 - k) * pg_temp.huber(c, 5)) / 100 - curve[best])
                     <= 1e-9 * curve[best]) AS mean_huber_at_best
FROM m;
SELECT count(drop_model(n)) AS dropped
FROM unnest(ARRAY['bt_es_log', 'bt_es_abs', 'bt_es_hub', 'bt_es_sep', 'bt_es_w', 'bt_es_hub2']) n;

-- best-first growth (max_leaves, max_depth NULL): with three leaves the
-- second split goes to the child whose split gains more, the right one
-- (60 against 100: a gain of 200,000, against 2,000 for the left's 0 against
-- 4), wherever it stands in the frontier; a leaf's value is its rows' mean
-- (squared loss, one round, learning rate 1, l2 0)
CREATE TEMP TABLE bt_bf AS
SELECT ceil(i / 10.0)::float8 AS x,
       CASE WHEN i <= 250 THEN 0 WHEN i <= 500 THEN 4 WHEN i <= 750 THEN 60 ELSE 100 END::float8 AS y
FROM generate_series(1, 1000) i;
SELECT params->'max_depth' AS max_depth, params->'max_leaves' AS max_leaves
FROM train_boosting('bt_bf', 'bt_bf', 'y', n_rounds => 1, max_depth => NULL, max_leaves => 3, learning_rate => 1,
                    l2 => 0, test_fraction => 0);
SELECT x, round(predict('bt_bf', ARRAY[x])::numeric, 6) AS predicted FROM unnest(ARRAY[10, 40, 60, 90]::float8[]) x;

-- 65,536 training rows and more: packed histograms.  A feature of one value
-- leaves nothing to split: the tree is its root, whose value is
-- -G / (H + l2) from the rows' packed sums; for Huber from the median,
-- G = -sum(clamp(y - median, -delta, delta)) and H = the rows
CREATE TEMP TABLE bt_const AS
SELECT 1.0::float8 AS c, ((i * 37) % 101)::float8 + CASE WHEN i % 10 = 0 THEN 500 ELSE 0 END AS y
FROM generate_series(1, 70000) i;
SELECT version FROM train_boosting('bt_const', 'bt_const', 'y', loss => 'huber', huber_delta => 20, n_rounds => 1,
                                   learning_rate => 1, l2 => 1000, test_fraction => 0);
WITH med AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y) AS m FROM bt_const)
SELECT abs(predict('bt_const', ARRAY[1.0::float8])::float8
           - (m + sum(greatest(-20, least(20, y - m))) / (count(*) + 1000))) < 1e-6 AS root_value
FROM bt_const, med GROUP BY m;
-- colsample on packed histograms: a one-round tree that may use one of the
-- two features is the tree of a model trained on that feature alone
CREATE TEMP TABLE bt_cs AS
SELECT (i % 100)::float8 AS a, ((i * 7) % 60)::float8 AS b, (i % 100) * 1.5 + ((i * 7) % 60) * 2.0 + (i % 3) AS y
FROM generate_series(1, 70000) i;
SELECT version FROM train_boosting('bt_cs', 'bt_cs', 'y', ARRAY['a', 'b'], n_rounds => 1, max_depth => 2,
                                   colsample => 0.5, test_fraction => 0);
SELECT version FROM train_boosting('bt_cs_a', 'bt_cs', 'y', ARRAY['a'], n_rounds => 1, max_depth => 2, test_fraction => 0);
SELECT version FROM train_boosting('bt_cs_b', 'bt_cs', 'y', ARRAY['b'], n_rounds => 1, max_depth => 2, test_fraction => 0);
SELECT f.feature AS used, count(*) AS n_rows,
       bool_and(predict('bt_cs', ARRAY[s.a, s.b])::float8 =
                CASE f.feature WHEN 'a' THEN predict('bt_cs_a', ARRAY[s.a]) ELSE predict('bt_cs_b', ARRAY[s.b]) END::float8)
         AS same_as_alone
FROM (SELECT DISTINCT a, b FROM bt_cs) s, feature_importance('bt_cs', NULL) f WHERE f.splits > 0 GROUP BY f.feature;
-- a small training (each row's histogram entries precomputed) whose trees use a
-- subset of the columns: c is constant, so only x is usable, the second column;
-- the model is the one trained on x alone
CREATE TEMP TABLE bt_sub AS
SELECT 1.0::float8 AS c, (i % 50)::float8 AS x, ((i % 50) * 2 + (i % 3))::float8 AS y
FROM generate_series(1, 600) i;
SELECT version FROM train_boosting('bt_sub', 'bt_sub', 'y', ARRAY['c', 'x'], n_rounds => 5, max_depth => 3,
                                   test_fraction => 0);
SELECT version FROM train_boosting('bt_sub_x', 'bt_sub', 'y', ARRAY['x'], n_rounds => 5, max_depth => 3,
                                   test_fraction => 0);
SELECT bool_and(predict('bt_sub', ARRAY[1.0, x])::float8 = predict('bt_sub_x', ARRAY[x])::float8) AS same_as_x_alone
FROM (SELECT DISTINCT x FROM bt_sub) s;
SELECT count(drop_model(n)) AS dropped
FROM unnest(ARRAY['bt_bf', 'bt_const', 'bt_cs', 'bt_cs_a', 'bt_cs_b', 'bt_sub', 'bt_sub_x']) n;

-- permutation_importance of a boosted model with every metric: the baseline
-- is evaluate()'s figure on the same rows, and shuffling x, which decides the
-- target, makes each metric worse (losses are negated inside, so a positive
-- importance is a loss that grew)
SELECT version FROM train_boosting('bt_pi_r', 'bt_es1', 'y', ARRAY['x', 'z'], n_rounds => 20, test_fraction => 0);
SELECT version FROM train_boosting('bt_pi_c', 'bt_es1', 'yb', ARRAY['x', 'z'], n_rounds => 20, test_fraction => 0);
SELECT m.metric, abs(p.baseline - e.value) <= 1e-12 * greatest(1, abs(e.value)) AS baseline_is_evaluate, p.importance > 0 AS x_matters
FROM (VALUES ('bt_pi_r', 'r2'), ('bt_pi_r', 'rmse'), ('bt_pi_r', 'mae'), ('bt_pi_c', 'accuracy'), ('bt_pi_c', 'f1_macro'),
             ('bt_pi_c', 'roc_auc'), ('bt_pi_c', 'log_loss'), ('bt_pi_c', 'brier_score')) m(model, metric),
     permutation_importance(m.model, 'bt_es1', m.metric, n_repeats => 2) p,
     evaluate(m.model, 'bt_es1') e
WHERE p.feature = 'x' AND e.metric = m.metric ORDER BY m.model, m.metric;
-- choose_threshold 'top_k n' with n beyond the rows flags every row: the
-- threshold is the lowest probability, precision the share of the class
SELECT c.flagged = c.n_rows AS every_row,
       c.threshold = (SELECT min((predict_proba('bt_pi_c', ARRAY[x, z], 1))[2]) FROM bt_es1) AS lowest_probability,
       c.precision = (SELECT avg(yb) FROM bt_es1) AS precision_is_share, c.recall
FROM choose_threshold('bt_pi_c', 'bt_es1', '1', 'top_k 5000', version => 1) c;
SELECT count(drop_model(n)) AS dropped FROM unnest(ARRAY['bt_pi_r', 'bt_pi_c']) n;

-- determinism: the same call gives the same bytes, with one thread or two,
-- and the rows' physical order does not matter
SET edupredict.forest_threads = 1;
SELECT version FROM train_boosting('bt_det', 'bt_rows', 'y3', ARRAY['x', 'side', 'z'], n_rounds => 20, subsample => 0.7, colsample => 0.7);
SET edupredict.forest_threads = 2;
SELECT version FROM train_boosting('bt_det', 'bt_rows', 'y3', ARRAY['x', 'side', 'z'], n_rounds => 20, subsample => 0.7, colsample => 0.7);
CREATE TABLE bt_rows_rev AS SELECT * FROM bt_rows ORDER BY i DESC;
SELECT version FROM train_boosting('bt_det', 'bt_rows_rev', 'y3', ARRAY['x', 'side', 'z'], n_rounds => 20, subsample => 0.7, colsample => 0.7);
SELECT version FROM train_boosting('bt_det', 'bt_rows', 'y3', ARRAY['x', 'side', 'z'], n_rounds => 20, subsample => 0.7, colsample => 0.7, seed => 7);
SELECT count(DISTINCT model) FILTER (WHERE version <= 3) AS models_of_seed_42,
       count(DISTINCT model) AS models_of_both_seeds
FROM models WHERE name = 'bt_det';
-- three classes on few rows: with two threads a round's three trees grow two
-- at a time (the bytes above are the same as one at a time)
SELECT version, (metrics->>'trees_at_once')::int AS trees_at_once, (metrics->>'trees_regrown')::int AS regrown
FROM model_list WHERE name = 'bt_det' AND version <= 2 ORDER BY version;
-- deeper trees than the growers' reserved room (64 leaves) are grown again on
-- the calling thread; with validation rows, whose metric follows each round's
-- last tree, and row sampling: still the model of one thread
SET edupredict.forest_threads = 1;
SELECT version FROM train_boosting('bt_kgrow', 'edupredict_data.student_features', 'target', n_rounds => 30,
                                   max_depth => 10, subsample => 0.8, early_stopping_rounds => 5);
SET edupredict.forest_threads = 2;
SELECT version FROM train_boosting('bt_kgrow', 'edupredict_data.student_features', 'target', n_rounds => 30,
                                   max_depth => 10, subsample => 0.8, early_stopping_rounds => 5);
SELECT count(DISTINCT model) AS models,
       string_agg((metrics->>'trees_at_once') || ':' || ((metrics->>'trees_regrown')::int > 0), ', ' ORDER BY version) AS at_once_regrown,
       count(DISTINCT metrics->'validation_curve') AS curves
FROM models WHERE name = 'bt_kgrow';
-- from 32,768 training rows on, two threads walk the rows outside a round's
-- sample and the validation rows, and count them in the node covers
-- atomically: the covers, and so the model, are those of one thread
CREATE TEMP TABLE bt_shared AS
SELECT (i % 97)::float8 AS x, ((i * 13) % 89)::float8 AS z, ((i % 97) >= 50 OR (i * 13) % 89 < 10)::int AS y
FROM generate_series(1, 40000) i;
SET edupredict.forest_threads = 1;
SELECT version FROM train_boosting('bt_shared', 'bt_shared', 'y', n_rounds => 3, subsample => 0.5, test_fraction => 0,
                                   early_stopping_rounds => 2, validation_fraction => 0.1);
SET edupredict.forest_threads = 2;
SELECT version FROM train_boosting('bt_shared', 'bt_shared', 'y', n_rounds => 3, subsample => 0.5, test_fraction => 0,
                                   early_stopping_rounds => 2, validation_fraction => 0.1);
SELECT count(DISTINCT model) AS models, string_agg(metrics->>'threads', ', ' ORDER BY version) AS threads
FROM models WHERE name = 'bt_shared';
SELECT drop_model('bt_shared');
RESET edupredict.forest_threads;

-- boost_agg: the same model whatever the plan (rows are combined, then put
-- in their canonical order)
CREATE TABLE bt_agg AS SELECT i, ARRAY[x, z]::float8[] AS f, yb::float8 AS y, y3 FROM bt_rows;
ALTER TABLE bt_agg SET (parallel_workers = 2);
SELECT md5(boost_agg(f, y, '{"n_rounds": 20, "seed": 3}')) AS serial_md5 FROM bt_agg \gset
SELECT md5(boost_agg(f, y, '{"n_rounds": 20, "seed": 3}' ORDER BY i DESC)) = :'serial_md5' AS order_free FROM bt_agg;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT boost_agg(f, y, '{"n_rounds": 20, "seed": 3}') FROM bt_agg;
SELECT md5(boost_agg(f, y, '{"n_rounds": 20, "seed": 3}')) = :'serial_md5' AS parallel_same FROM bt_agg;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
SELECT predict(m, ARRAY[40, 1]::float8[]) AS high_x, predict(m, ARRAY[3, 1]::float8[]) AS low_x,
       array_length(predict_proba(m, ARRAY[3, 1]::float8[]), 1) AS n_classes
FROM (SELECT boost_agg(f, y, '{"n_rounds": 30}') AS m FROM bt_agg) q;
SELECT predict(m, ARRAY[40, 1]::float8[]) AS text_labels
FROM (SELECT boost_agg(f, y3, '{"n_rounds": 30, "feature_names": ["x", "z"]}') AS m FROM bt_agg) q;

-- errors: clear 22023 naming the argument, limits 54000
SELECT train_boosting('bt_e', 'bt_rows', 'yb', n_rounds => 0);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', learning_rate => 0);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', learning_rate => 'NaN');
SELECT train_boosting('bt_e', 'bt_rows', 'yb', max_depth => NULL);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', subsample => 1.5);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', colsample => 0);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', l2 => -1);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', min_child_weight => -1);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', early_stopping_rounds => 0);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', class_weight => 'even');
SELECT train_boosting('bt_e', 'bt_rows', 'yb', loss => 'hinge');
SELECT train_boosting('bt_e', 'bt_rows', 'yr', loss => 'logistic', task => 'regression');
SELECT train_boosting('bt_e', 'bt_rows', 'y3', loss => 'squared');
SELECT train_boosting('bt_e', 'bt_rows', 'yb', validation_fraction => 1);
SELECT train_boosting('bt_e', 'bt_rows', 'yb', huber_delta => 0, loss => 'huber', task => 'regression');
SELECT train_boosting('bt_e', 'bt_rows', 'yb', n_rounds => 100000);
-- a value beyond what set() takes (an int) states the range as well
SELECT boost_agg(f, y, '{"n_rounds": 3000000000}') FROM bt_agg;
SELECT boost_agg(f, y, '{"max_depth": 3000000000}') FROM bt_agg;
SELECT boost_agg(f, y, '{"max_leaves": 1.5}') FROM bt_agg;
SELECT boost_agg(f, y, '{"n_trees": 5}') FROM bt_agg;
SELECT boost_agg(f, y, '{"learning_rate": "fast"}') FROM bt_agg;
SELECT boost_agg(f, y3, '{"task": "regression"}') FROM bt_agg;
-- params that differ between rows: the error names boost_agg
SELECT boost_agg(f, y, jsonb_build_object('n_rounds', 5 + i % 2)) FROM bt_agg;
-- rows of two widths, one in each partition: with partitionwise aggregation
-- each partition's partial state is consistent and only the combine function
-- sees the difference; it names boost_agg too
CREATE TABLE bt_part (part int, f float8[], y float8) PARTITION BY LIST (part);
CREATE TABLE bt_part_2 PARTITION OF bt_part FOR VALUES IN (2);
CREATE TABLE bt_part_3 PARTITION OF bt_part FOR VALUES IN (3);
INSERT INTO bt_part SELECT 2, ARRAY[i, i % 7]::float8[], i % 2 FROM generate_series(1, 200) i;
INSERT INTO bt_part SELECT 3, ARRAY[i, i % 7, i % 5]::float8[], i % 2 FROM generate_series(1, 200) i;
ANALYZE bt_part;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT boost_agg(f, y, '{"n_rounds": 2}') FROM bt_part;
SELECT boost_agg(f, y, '{"n_rounds": 2}') FROM bt_part;
RESET enable_partitionwise_aggregate;
-- non-finite regression targets are refused, naming the column and a row
CREATE TABLE bt_inf AS SELECT i::float8 AS x, CASE WHEN i = 17 THEN 'Infinity'::float8 ELSE i::float8 END AS y
FROM generate_series(1, 50) i;
SELECT train_boosting('bt_e', 'bt_inf', 'y', task => 'regression');
SELECT boost_agg(ARRAY[x], y, '{"task": "regression"}') FROM bt_inf;
-- boosting's own limit, +-1e30 (the forest's is 1e38), is refused the same way: row 5's 1e30 is
-- within it, row 23's -2e30 is not
CREATE TABLE bt_huge AS SELECT i::float8 AS x,
       CASE WHEN i = 5 THEN 1e30 WHEN i = 23 THEN -2e30 ELSE i END::float8 AS score
FROM generate_series(1, 50) i;
SELECT train_boosting('bt_e', 'bt_huge', 'score', task => 'regression');
SELECT boost_agg(ARRAY[x], score, '{"task": "regression"}') FROM bt_huge;
SELECT * FROM cross_validate('boosting', 'bt_huge', 'score', params => '{"task": "regression"}', folds => 2);

-- Bins (docs/boosting.md): boosting places a numeric feature's edges as XGBoost's hist
-- sketch does, up to 256 bins for a feature without a missing value in any row, each
-- of 256 distinct values its own bin (a model fitting y = x tells all 256 apart); one
-- NULL leaves 255 bins (code 255 is then the missing value), so two values share one.
CREATE TABLE bt_bins AS SELECT 10 * i::float8 AS x, i::float8 AS y FROM generate_series(1, 256) i;
CREATE TABLE bt_bins_models AS
SELECT 'no_null' AS k, boost_agg(ARRAY[x], y, '{"task": "regression", "n_rounds": 60, "learning_rate": 0.5,
       "max_depth": 8, "min_child_weight": 0, "l2": 0}') AS m FROM bt_bins
UNION ALL
SELECT 'one_null', boost_agg(ARRAY[x], y, '{"task": "regression", "n_rounds": 60, "learning_rate": 0.5,
       "max_depth": 8, "min_child_weight": 0, "l2": 0}')
FROM (SELECT x, y FROM bt_bins UNION ALL SELECT NULL, 0) r
UNION ALL
SELECT 'forest', forest_agg(ARRAY[x], y, '{"task": "regression", "n_trees": 20}') FROM bt_bins;
SELECT k, count(DISTINCT predict(m, ARRAY[x])) AS distinct_predictions
FROM bt_bins_models, bt_bins GROUP BY k ORDER BY k;
-- a missing value is coded 255: on a feature of 256 bins that is the last bin, and
-- every split on it sends missing values right, where the largest value goes; with
-- a NULL among the training rows it has a learnt side of its own
SELECT k, predict(m, ARRAY[NULL]::float8[]) = predict(m, ARRAY[2560]::float8[]) AS null_as_largest
FROM bt_bins_models WHERE k <> 'forest' ORDER BY k;
-- where the edges lie: XGBoost's cut is a training value (x < cut: left), so a value
-- just below 10 i bins with 10 (i - 1); the forest's edge lies halfway, so the same
-- value bins with 10 i, as before boosting had bins of its own
SELECT k, count(*) FILTER (WHERE predict(m, ARRAY[10 * i - 0.001]) = predict(m, ARRAY[10 * i - 10])) AS with_lower,
       count(*) FILTER (WHERE predict(m, ARRAY[10 * i - 0.001]) = predict(m, ARRAY[10 * i])) AS with_upper
FROM bt_bins_models, generate_series(2, 256) i WHERE k <> 'one_null' GROUP BY k ORDER BY k;
DROP TABLE bt_bins, bt_bins_models;

-- Thresholds (docs/boosting.md): a numeric split's cut lies where XGBoost's hist puts it.
-- Rows with a = 0 split on b between b = 1 and b = 9; b = 4 and 6 lie in bins that hold
-- only rows with a = 1, so none of that node's rows: they go with its missing values,
-- right when it has none (as 9), left when its NULLs go left (as 1 and the NULLs)
CREATE TEMP TABLE bt_cut AS
SELECT a::float8, b::float8, y::float8
FROM (VALUES (0, 1, 0), (0, 9, 10), (1, 4, 100), (1, 6, 100)) v(a, b, y), generate_series(1, 10);
CREATE TEMP TABLE bt_cut_models AS
SELECT 'no_null' AS k, boost_agg(ARRAY[a, b], y, '{"task": "regression", "n_rounds": 1, "learning_rate": 1,
       "max_depth": 2, "min_child_weight": 0, "l2": 0}') AS m FROM bt_cut
UNION ALL
SELECT 'null_left', boost_agg(ARRAY[a, b], y, '{"task": "regression", "n_rounds": 1, "learning_rate": 1,
       "max_depth": 2, "min_child_weight": 0, "l2": 0}')
FROM (SELECT * FROM bt_cut UNION ALL SELECT 0, NULL, 0 FROM generate_series(1, 10)) r;
SELECT k, p[2] = p[4] AS b4_as_9, p[3] = p[4] AS b6_as_9, p[2] = p[1] AS b4_as_1, p[3] = p[1] AS b6_as_1,
       p[1] < p[4] AS split_on_b
FROM (SELECT k, ARRAY(SELECT predict(m, ARRAY[0, b]::float8[]) FROM unnest(ARRAY[1, 4, 6, 9]) WITH ORDINALITY u(b, o)
                      ORDER BY o) AS p
      FROM bt_cut_models) q
ORDER BY k;
DROP TABLE bt_cut, bt_cut_models;

SELECT drop_model(n) FROM unnest(ARRAY['bt_dropout', 'bt_multi', 'bt_bin', 'bt_sq', 'bt_abs', 'bt_hub', 'bt_es', 'bt_det']) n;
DROP TABLE bt_rows, bt_rows_rev, bt_agg, bt_inf, bt_huge, bt_part;
