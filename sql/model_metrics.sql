-- Model metrics checked against values computed without the C code: figures
-- worked out by hand (in the comments) on models whose probabilities are
-- certain, and the same formulas in plain SQL over predict()/predict_proba()
-- of the same rows, for evaluate() and for the held-out metrics stored in the
-- registry at training time.  Definitions (scikit-learn's): macro averages over
-- the labels that occur as actual or predicted value, 0 for an undefined
-- ratio; log loss with the actual class's probability clipped to [2^-52, 1]
-- (eps of scikit-learn >= 1.2, which also clips the others and renormalises:
-- compared below); ROC AUC with tied
-- scores counted as half (average ranks), binary on the second class,
-- otherwise the mean of one-vs-rest AUCs over classes with positive and
-- negative rows; R^2 = 1 - SSE/SST (1 for a perfect fit of a constant, else 0).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
DELETE FROM edupredict.models WHERE name LIKE 'mm\_%';

-- equal to 1e-12 relative (exact figures such as 0 must match exactly)
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT a = b OR abs(a - b) <= 1e-12 * greatest(abs(a), abs(b)) $$;

-- evaluate() against expected figures: one row per metric of either side
CREATE FUNCTION pg_temp.check_eval(model text, rel regclass, expected jsonb)
RETURNS TABLE (metric text, ok boolean) LANGUAGE sql AS $$
SELECT coalesce(e.metric, x.key),
       e.metric IS NOT NULL AND x.key IS NOT NULL
       AND (e.value IS NULL) = (jsonb_typeof(x.value) = 'null')
       AND (e.value IS NULL OR pg_temp.close(e.value, (x.value #>> '{}')::float8))
FROM edupredict.evaluate(model, rel) e FULL JOIN jsonb_each(expected) x ON x.key = e.metric
ORDER BY 1 $$;

CREATE TEMP TABLE sm_rows ();
-- The same metrics in plain SQL from predict() and predict_proba() of every row
-- of rel with a non-NULL target (rows are the relation's own, matched by name).
CREATE FUNCTION pg_temp.sql_metrics(model text, rel regclass, target text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  classes text[] := edupredict.model_classes(model);
  res jsonb;
BEGIN
  DROP TABLE pg_temp.sm_rows;
  IF classes IS NULL THEN
    EXECUTE format('CREATE TEMP TABLE sm_rows AS SELECT r.%I::float8 AS actual, '
                   'edupredict.predict(%L, r)::float8 AS pred FROM %s r '
                   'WHERE r.%I IS NOT NULL AND r.%I::float8 <> ''NaN''', target, model, rel, target, target);
    SELECT jsonb_build_object(
             'n_rows', count(*),
             'rmse', sqrt(avg((actual - pred) ^ 2)),
             'mae', avg(abs(actual - pred)),
             'r2', CASE WHEN sum((actual - m) ^ 2) > 0 THEN 1 - sum((actual - pred) ^ 2) / sum((actual - m) ^ 2)
                        WHEN sum((actual - pred) ^ 2) = 0 THEN 1 ELSE 0 END)
      INTO res
    FROM sm_rows, (SELECT avg(actual) AS m FROM sm_rows) mean;
    RETURN res;
  END IF;
  EXECUTE format('CREATE TEMP TABLE sm_rows AS SELECT r.%I::text AS actual, edupredict.predict(%L, r) AS pred, '
                 'edupredict.predict_proba(%L, r) AS proba FROM %s r WHERE r.%I IS NOT NULL',
                 target, model, model, rel, target);
  WITH labels AS (SELECT actual AS l FROM sm_rows UNION SELECT pred FROM sm_rows),
  per_label AS (
    SELECT l, count(*) FILTER (WHERE actual = l AND pred = l)::float8 AS tp,
              count(*) FILTER (WHERE actual <> l AND pred = l)::float8 AS fp,
              count(*) FILTER (WHERE actual = l AND pred <> l)::float8 AS fn
    FROM labels, sm_rows GROUP BY l),
  prf AS (
    SELECT l, CASE WHEN tp + fp > 0 THEN tp / (tp + fp) ELSE 0 END AS p,
              CASE WHEN tp + fn > 0 THEN tp / (tp + fn) ELSE 0 END AS r
    FROM per_label),
  -- one-vs-rest AUC of class c: over all (positive, negative) pairs, 1 for a
  -- higher score of the positive row, 1/2 for a tie
  auc AS (
    SELECT c, sum(CASE WHEN pos.proba[c] > neg.proba[c] THEN 1 WHEN pos.proba[c] = neg.proba[c] THEN 0.5 ELSE 0 END)::float8
              / count(*) AS a
    FROM generate_subscripts(classes, 1) c
    JOIN sm_rows pos ON pos.actual = classes[c]
    JOIN sm_rows neg ON neg.actual <> classes[c]
    WHERE array_length(classes, 1) > 2 OR c = 2
    GROUP BY c),
  cells AS (
    SELECT 'confusion:' || a || ':' || p AS cell,
           (SELECT count(*) FROM sm_rows s WHERE s.actual = a AND s.pred = p)::float8 AS n
    FROM (SELECT unnest(classes) UNION SELECT actual FROM sm_rows) al(a), unnest(classes) p
    WHERE (SELECT count(*) FROM sm_rows) > 0)
  SELECT jsonb_build_object(
           'n_rows', (SELECT count(*) FROM sm_rows),
           'accuracy', (SELECT avg((actual = pred)::int::float8) FROM sm_rows),
           'precision_macro', (SELECT avg(p) FROM prf),
           'recall_macro', (SELECT avg(r) FROM prf),
           'f1_macro', (SELECT avg(CASE WHEN p + r > 0 THEN 2 * p * r / (p + r) ELSE 0 END) FROM prf),
           'log_loss', (SELECT avg(-ln(least(greatest(coalesce(proba[array_position(classes, actual)], 0), power(2::float8, -52)), 1)))
                        FROM sm_rows),
           'roc_auc', (SELECT avg(a) FROM auc),
           -- Brier: two classes, of the second; more, the sum over classes
           'brier_score', (SELECT avg(CASE WHEN array_length(classes, 1) = 2
                                           THEN (proba[2] - (actual = classes[2])::int) ^ 2
                                           ELSE (SELECT sum((proba[k] - (actual = classes[k])::int) ^ 2)
                                                 FROM generate_subscripts(classes, 1) k) END)
                           FROM sm_rows),
           -- ECE: 10 equal-count bins of the rows sorted by score, a run of
           -- tied scores whole in the bin of its first row (rank), one class
           -- against the rest, averaged over classes
           'ece', (WITH ranked AS (
                     SELECT c, proba[c] AS p, (actual = classes[c])::int AS y,
                            rank() OVER (PARTITION BY c ORDER BY proba[c]) - 1 AS rn,
                            count(*) OVER (PARTITION BY c) AS n
                     FROM sm_rows, generate_subscripts(classes, 1) c
                     WHERE array_length(classes, 1) > 2 OR c = 2),
                   bins AS (SELECT c, rn * 10 / n AS b, count(*) AS cnt, avg(p) AS mp, avg(y) AS rate, max(n) AS n
                            FROM ranked GROUP BY c, rn * 10 / n),
                   per_class AS (SELECT c, sum(cnt::float8 / n * abs(mp - rate)) AS e FROM bins GROUP BY c)
                   SELECT avg(e) FROM per_class))
         || coalesce((SELECT jsonb_object_agg(cell, n) FROM cells), '{}')
    INTO res;
  RETURN res;
END $$;

-- ---------------------------------------------------------------------------
-- Binary, worked by hand.  x < 10 is 'a', else 'b': every tree separates the
-- classes, so x = 0 is surely 'a' and x = 19 surely 'b' (shown below).
CREATE TEMP TABLE mm_bin_train AS
SELECT i::float8 AS x, CASE WHEN i < 10 THEN 'a' ELSE 'b' END AS y FROM generate_series(0, 19) i;
SELECT classes FROM train_forest('mm_bin', 'mm_bin_train', 'y', n_trees => 10, test_fraction => 0);
SELECT x, predict_proba('mm_bin', ARRAY[x]) FROM (VALUES (0::float8), (19)) v(x);
-- rows (actual, predicted, score = P(b)):
--   x = 0:  a a 0 (3 rows), b a 0 (1 row)
--   x = 19: b b 1 (2 rows), a b 1 (2 rows), c b 1 (1 row; 'c' is unknown to the model)
--   one row with a NULL target (skipped)
-- accuracy 5/9.  a: tp 3 fp 1 fn 2, P 3/4 R 3/5 F1 2/3; b: tp 2 fp 3 fn 1,
-- P 2/5 R 2/3 F1 1/2; c: tp 0 fp 0 fn 1, P 0 R 0 F1 0 (occurs as actual only).
-- Macro P = (3/4 + 2/5 + 0)/3 = 23/60, R = (3/5 + 2/3 + 0)/3 = 19/45,
-- F1 = (2/3 + 1/2 + 0)/3 = 7/18.  Log loss: 4 rows give their actual class
-- probability 0, clipped to 2^-52: 4/9 * 52 ln 2 = 208/9 ln 2.  AUC (positive
-- = b, 3 rows; negatives a and c, 6 rows): the b at score 0 ties 3 negatives
-- (1.5); the two b at score 1 beat 3 negatives each (6) and tie 3 (3): 10.5/18
-- = 7/12 (tied scores ranked low would give 5/18).  Brier (of b): the rows
-- whose score is wrong count 1 each (b at 0, a and a and c at 1): 4/9.  ECE
-- (of b, 10 equal-count bins of 9 rows: one row each): the mean |score - y|,
-- again 4/9.
CREATE TEMP TABLE mm_bin_eval (x float8, y text);
INSERT INTO mm_bin_eval VALUES (0, 'a'), (0, 'a'), (0, 'a'), (0, 'b'), (19, 'b'), (19, 'b'), (19, 'a'), (19, 'a'),
                               (19, 'c'), (0, NULL);
SELECT * FROM pg_temp.check_eval('mm_bin', 'mm_bin_eval', jsonb_build_object(
  'n_rows', 9, 'accuracy', 5 / 9.0, 'precision_macro', 23 / 60.0, 'recall_macro', 19 / 45.0,
  'f1_macro', 7 / 18.0, 'log_loss', 208 / 9.0 * ln(2), 'roc_auc', 7 / 12.0,
  'brier_score', 4 / 9.0, 'ece', 4 / 9.0,
  'confusion:a:a', 3, 'confusion:a:b', 2, 'confusion:b:a', 1, 'confusion:b:b', 2,
  'confusion:c:a', 0, 'confusion:c:b', 1));

-- ---------------------------------------------------------------------------
-- Three classes, worked by hand: x < 10 'a', x < 20 'b', else 'c'; x = 0,
-- 15 and 29 get certain probabilities.
CREATE TEMP TABLE mm_tri_train AS
SELECT i::float8 AS x, CASE WHEN i < 10 THEN 'a' WHEN i < 20 THEN 'b' ELSE 'c' END AS y
FROM generate_series(0, 29) i;
SELECT classes FROM train_forest('mm_tri', 'mm_tri_train', 'y', n_trees => 10, test_fraction => 0);
SELECT x, predict_proba('mm_tri', ARRAY[x]) FROM (VALUES (0::float8), (15), (29)) v(x);
-- rows: x = 0: a a (2), b a (1); x = 15: b b (3), a b (1); x = 29: a c (1).
-- accuracy 5/8.  a: tp 2 fp 1 fn 2, P 2/3 R 1/2 F1 4/7; b: tp 3 fp 1 fn 1,
-- P R F1 3/4; c (predicted only): 0 0 0.  Macro P = (2/3 + 3/4)/3 = 17/36,
-- R = (1/2 + 3/4)/3 = 5/12, F1 = (4/7 + 3/4)/3 = 37/84.  Log loss 3/8 * 52 ln 2.
-- AUC a vs rest: positives a at scores 1, 1, 0, 0; negatives b at 1, 0, 0, 0:
-- (1 + 6 + 0 + 3)/16 = 5/8; b vs rest: positives at 0, 1, 1, 1, negatives at
-- 0, 0, 1, 0: (1.5 + 9 + 1.5)/16 = 3/4; c has no positive row and is left
-- out: macro AUC (5/8 + 3/4)/2 = 11/16.  Brier: sum over classes, 2 for
-- each wrong row (3 of them): 6/8.  ECE per class (8 rows, one per bin):
-- mean |p - y| = a 3/8, b 2/8, c 1/8; mean over classes 1/4.
CREATE TEMP TABLE mm_tri_eval (x float8, y text);
INSERT INTO mm_tri_eval VALUES (0, 'a'), (0, 'a'), (0, 'b'), (15, 'b'), (15, 'b'), (15, 'b'), (15, 'a'), (29, 'a');
SELECT * FROM pg_temp.check_eval('mm_tri', 'mm_tri_eval', jsonb_build_object(
  'n_rows', 8, 'accuracy', 5 / 8.0, 'precision_macro', 17 / 36.0, 'recall_macro', 5 / 12.0,
  'f1_macro', 37 / 84.0, 'log_loss', 39 / 2.0 * ln(2), 'roc_auc', 11 / 16.0,
  'brier_score', 3 / 4.0, 'ece', 1 / 4.0,
  'confusion:a:a', 2, 'confusion:a:b', 1, 'confusion:a:c', 1, 'confusion:b:a', 1, 'confusion:b:b', 3,
  'confusion:b:c', 0, 'confusion:c:a', 0, 'confusion:c:b', 0, 'confusion:c:c', 0));
-- a class neither actual nor predicted is left out of every average: rows
-- x = 0: a a (2), b a (1); x = 15: b b (1), a b (1).  a: P R F1 2/3; b: 1/2;
-- macro 7/12 each (with c counted it would be 7/18).  AUC a: (1 + 2 + 0.5)/6,
-- b: (1 + 2 + 0.5)/6, both 7/12.  Log loss 2/5 * 52 ln 2.  Brier 2 wrong
-- rows: 4/5; ECE a 2/5, b 2/5, c 0: 4/15.
TRUNCATE mm_tri_eval;
INSERT INTO mm_tri_eval VALUES (0, 'a'), (0, 'a'), (0, 'b'), (15, 'b'), (15, 'a');
SELECT * FROM pg_temp.check_eval('mm_tri', 'mm_tri_eval', jsonb_build_object(
  'n_rows', 5, 'accuracy', 3 / 5.0, 'precision_macro', 7 / 12.0, 'recall_macro', 7 / 12.0,
  'f1_macro', 7 / 12.0, 'log_loss', 104 / 5.0 * ln(2), 'roc_auc', 7 / 12.0,
  'brier_score', 4 / 5.0, 'ece', 4 / 15.0,
  'confusion:a:a', 2, 'confusion:a:b', 1, 'confusion:a:c', 0, 'confusion:b:a', 1, 'confusion:b:b', 1,
  'confusion:b:c', 0, 'confusion:c:a', 0, 'confusion:c:b', 0, 'confusion:c:c', 0));
-- one class only among the actual values: no AUC (NULL), log loss 0
TRUNCATE mm_tri_eval;
INSERT INTO mm_tri_eval VALUES (0, 'a'), (0, 'a');
SELECT metric, value FROM evaluate('mm_tri', 'mm_tri_eval')
WHERE metric IN ('accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'log_loss', 'roc_auc') ORDER BY 1;
-- no rows at all, or no row with a target value: refused naming the relation
-- (22023), as calibrate, drift and the other scorers of a relation refuse it
TRUNCATE mm_tri_eval;
SELECT metric, value FROM evaluate('mm_tri', 'mm_tri_eval') ORDER BY 1;
\echo sqlstate :SQLSTATE
SELECT metric, value FROM evaluate('mm_tri', 'mm_tri_eval', 1) ORDER BY 1;
\echo sqlstate :SQLSTATE
INSERT INTO mm_tri_eval VALUES (0, NULL), (15, NULL);
SELECT metric, value FROM evaluate('mm_tri', 'mm_tri_eval') ORDER BY 1;
\echo sqlstate :SQLSTATE

-- log loss against scikit-learn 1.2.1's log_loss written out in SQL: every
-- probability clipped to [eps, 1 - eps], eps = 2^-52 (np.finfo(float64).eps,
-- its default), each row renormalised, the mean of -ln of the actual class's.
-- Equal to 1e-12 on rows with probabilities of 0 and 1 (a certain and wrong
-- row costs 52 ln 2, a certain and right one 0 here and 2^-52 there) and
-- between them (x = 9.4 ... 19.6 fall between the trees' cut points), for two
-- classes and three.
CREATE TEMP TABLE mm_ll (i int, x float8, y text);
CREATE FUNCTION pg_temp.log_loss_vs_sklearn(model text)
RETURNS TABLE (zeros bigint, ones bigint, between_0_and_1 bigint, equal boolean) LANGUAGE sql AS $$
WITH r AS (SELECT i, y, edupredict.predict_proba(model, ARRAY[x]) AS proba FROM pg_temp.mm_ll),
     q AS (SELECT i, y, (edupredict.model_classes(model))[c] AS label, p,
                  least(greatest(p, power(2::float8, -52)), 1 - power(2::float8, -52)) AS clipped
           FROM r, unnest(proba) WITH ORDINALITY u(p, c)),
     row_loss AS (SELECT i, -ln(sum(clipped) FILTER (WHERE label = y) / sum(clipped)) AS loss FROM q GROUP BY i)
SELECT count(*) FILTER (WHERE p = 0), count(*) FILTER (WHERE p = 1), count(*) FILTER (WHERE p > 0 AND p < 1),
       abs((SELECT avg(loss) FROM row_loss)
           - (SELECT value FROM edupredict.evaluate(model, 'pg_temp.mm_ll') WHERE metric = 'log_loss')) < 1e-12
FROM q $$;
INSERT INTO mm_ll SELECT i, x, y FROM unnest(ARRAY[0, 0, 19, 19, 9.4, 9.4, 9.6, 9.6]::float8[],
                                             ARRAY['a', 'b', 'b', 'a', 'a', 'b', 'a', 'b']) WITH ORDINALITY u(x, y, i);
SELECT * FROM pg_temp.log_loss_vs_sklearn('mm_bin');
TRUNCATE mm_ll;
INSERT INTO mm_ll SELECT i, x, y FROM unnest(ARRAY[0, 0, 15, 15, 29, 29, 9.4, 9.6, 19.4, 19.6]::float8[],
                                             ARRAY['a', 'c', 'b', 'a', 'c', 'b', 'a', 'b', 'c', 'b']) WITH ORDINALITY u(x, y, i);
SELECT * FROM pg_temp.log_loss_vs_sklearn('mm_tri');

-- ---------------------------------------------------------------------------
-- Regression, worked by hand: y = 10 for x < 10, else 20; x = 0 predicts 10
-- and x = 19 predicts 20 exactly.
CREATE TEMP TABLE mm_reg_train AS
SELECT i::float8 AS x, CASE WHEN i < 10 THEN 10 ELSE 20 END::float8 AS y FROM generate_series(0, 19) i;
SELECT task FROM train_forest('mm_reg', 'mm_reg_train', 'y', n_trees => 10, test_fraction => 0);
SELECT x, predict('mm_reg', ARRAY[x]) FROM (VALUES (0::float8), (19)) v(x);
-- actual 10, 12, 7 at x = 0 and 20, 25 at x = 19 (plus a NULL and a NaN
-- target, skipped): errors 0, 2, -3, 0, 5; SSE 38, RMSE sqrt(38/5), MAE 10/5
-- = 2; mean 14.8, SST 222.8, R^2 = 1 - 38/222.8.
CREATE TEMP TABLE mm_reg_eval (x float8, y float8);
INSERT INTO mm_reg_eval VALUES (0, 10), (0, 12), (0, 7), (19, 20), (19, 25), (0, NULL), (19, 'NaN');
SELECT * FROM pg_temp.check_eval('mm_reg', 'mm_reg_eval', jsonb_build_object(
  'n_rows', 5, 'rmse', sqrt(38 / 5.0), 'mae', 2, 'r2', 1 - 38 / 222.8));
-- a constant actual value: R^2 is 1 for a perfect fit, else 0
TRUNCATE mm_reg_eval;
INSERT INTO mm_reg_eval VALUES (0, 10), (0, 10);
SELECT * FROM pg_temp.check_eval('mm_reg', 'mm_reg_eval', '{"n_rows": 2, "rmse": 0, "mae": 0, "r2": 1}');
INSERT INTO mm_reg_eval VALUES (19, 10);
-- errors 0, 0, -10: RMSE sqrt(100/3), MAE 10/3
SELECT * FROM pg_temp.check_eval('mm_reg', 'mm_reg_eval', jsonb_build_object(
  'n_rows', 3, 'rmse', sqrt(100 / 3.0), 'mae', 10 / 3.0, 'r2', 0));
-- only NULL and NaN targets: refused as no row with a target value
TRUNCATE mm_reg_eval;
INSERT INTO mm_reg_eval VALUES (0, NULL), (19, 'NaN');
SELECT metric, value FROM evaluate('mm_reg', 'mm_reg_eval') ORDER BY 1;
\echo sqlstate :SQLSTATE

-- ---------------------------------------------------------------------------
-- Forests with fractional, heavily tied probabilities: evaluate() equals the
-- SQL formulas over the same rows.  Noisy labels, few trees, a grid of
-- repeated feature values (ties), NULL features, NULL targets and a label the
-- model never saw.
CREATE TEMP TABLE mm_noisy AS
SELECT i, (i % 20)::float8 AS x1, ((i * 7) % 11)::float8 AS x2,
       CASE WHEN (i * 37) % 10 < 3 THEN (CASE WHEN i % 20 + (i * 7) % 11 > 14 THEN 'neg' ELSE 'pos' END)
            ELSE (CASE WHEN i % 20 + (i * 7) % 11 > 14 THEN 'pos' ELSE 'neg' END) END AS y2,
       (ARRAY['low', 'mid', 'high'])[1 + ((i % 20) / 7 + (CASE WHEN (i * 13) % 10 < 3 THEN 1 ELSE 0 END)) % 3] AS y3,
       (i % 20) * 0.5 + ((i * 7) % 11) * 0.25 + ((i * 31) % 17) / 4.0 AS yr
FROM generate_series(1, 600) i;
SELECT classes FROM train_forest('mm_noisy2', 'mm_noisy', 'y2', ARRAY['x1', 'x2'], n_trees => 6, min_samples_leaf => 5,
                                 test_fraction => 0);
SELECT classes FROM train_forest('mm_noisy3', 'mm_noisy', 'y3', ARRAY['x1', 'x2'], n_trees => 6, min_samples_leaf => 5,
                                 test_fraction => 0);
SELECT task FROM train_forest('mm_noisyr', 'mm_noisy', 'yr', ARRAY['x1', 'x2'], n_trees => 6, min_samples_leaf => 5,
                              test_fraction => 0);
-- evaluation rows: every training row (repeated values), missing features,
-- unknown labels, NULL targets
CREATE TEMP TABLE mm_noisy_eval AS
SELECT x1, x2, y2, y3, yr FROM mm_noisy
UNION ALL
SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 20)::float8 END, CASE WHEN i % 4 = 0 THEN 'NaN' ELSE (i % 11)::float8 END,
       CASE WHEN i % 9 = 0 THEN 'other' WHEN i % 10 = 0 THEN NULL WHEN i % 2 = 0 THEN 'pos' ELSE 'neg' END,
       CASE WHEN i % 9 = 0 THEN 'other' WHEN i % 10 = 0 THEN NULL ELSE (ARRAY['low', 'mid', 'high'])[1 + i % 3] END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE i / 7.0 END
FROM generate_series(1, 60) i;
-- scores do tie across classes (otherwise the tie handling would go
-- untested): rows whose score for a class equals that of a row of another class
WITH s AS (SELECT predict_proba('mm_noisy2', e) AS p2, predict_proba('mm_noisy3', e) AS p3, y2, y3 FROM mm_noisy_eval e)
SELECT (SELECT count(*) FROM s a WHERE EXISTS (SELECT FROM s b WHERE b.p2[2] = a.p2[2] AND b.y2 <> a.y2)) > 100 AS binary_ties,
       (SELECT count(*) FROM s a, generate_series(1, 3) c
        WHERE EXISTS (SELECT FROM s b WHERE b.p3[c] = a.p3[c] AND b.y3 <> a.y3)) > 300 AS multiclass_ties;
CREATE TEMP TABLE mm_cmp AS
SELECT 'mm_noisy2' AS model, e.metric, e.value, (s.v #>> '{}')::float8 AS sql_value
FROM evaluate('mm_noisy2', 'mm_noisy_eval') e
FULL JOIN jsonb_each(pg_temp.sql_metrics('mm_noisy2', 'mm_noisy_eval', 'y2')) s(k, v) ON s.k = e.metric;
INSERT INTO mm_cmp
SELECT 'mm_noisy3', e.metric, e.value, (s.v #>> '{}')::float8
FROM evaluate('mm_noisy3', 'mm_noisy_eval') e
FULL JOIN jsonb_each(pg_temp.sql_metrics('mm_noisy3', 'mm_noisy_eval', 'y3')) s(k, v) ON s.k = e.metric;
INSERT INTO mm_cmp
SELECT 'mm_noisyr', e.metric, e.value, (s.v #>> '{}')::float8
FROM evaluate('mm_noisyr', 'mm_noisy_eval') e
FULL JOIN jsonb_each(pg_temp.sql_metrics('mm_noisyr', 'mm_noisy_eval', 'yr')) s(k, v) ON s.k = e.metric;
SELECT model, count(*) AS metrics, count(*) FILTER (WHERE metric LIKE 'confusion:%') AS cells,
       bool_and(pg_temp.close(value, sql_value)) AS all_equal
FROM mm_cmp GROUP BY model ORDER BY model;

-- A target value the model does not know, 1 MB long, in every row: the
-- warning counts such values and never shows one (a value of the caller's
-- rows, STYLE.md section 8), and its confusion names (results) add "#1", not
-- the whole value
CREATE TEMP TABLE mm_long AS SELECT x1, x2, repeat('x', 1048576) AS y2 FROM mm_noisy WHERE i <= 5;
SELECT metric LIKE 'confusion:%' AS cell,
       max(length(metric)) <= length('confusion:') + 64 + length('...#1:')
                              + (SELECT max(length(c)) FROM unnest(model_classes('mm_noisy2')) c) AS bounded
FROM evaluate('mm_noisy2', 'mm_long') GROUP BY 1 ORDER BY 1;
-- the same with values that carry a sentinel: no line of the warning shows it
-- (the errors of the other readers: test/pgtap/message_values.sql)
CREATE TEMP TABLE mm_sentinel AS
SELECT x1, x2, 'SENTINEL_PUPIL_7Q:' || (i % 3) AS y2 FROM mm_noisy WHERE i <= 9;
SELECT count(*) > 0 AS has_rows FROM evaluate('mm_noisy2', 'mm_sentinel');

-- ---------------------------------------------------------------------------
-- Metrics stored at training time (held-out rows).  The held-out rows are
-- recovered from the model itself: a categorical feature holding a unique
-- tag per row has a codebook of the training rows' tags only, stored (with
-- keep_category_names; by default a model keeps only keyed hashes) as
-- plain bytes in the model.
CREATE TEMP TABLE mm_split AS
SELECT format('tag:%s;', lpad(i::text, 3, '0')) AS tag, (i % 20)::float8 AS x1, ((i * 7) % 11)::float8 AS x2,
       y2, y3, yr
FROM mm_noisy WHERE i <= 200;
CREATE FUNCTION pg_temp.held_out(model text) RETURNS SETOF mm_split LANGUAGE sql AS $$
SELECT s.* FROM mm_split s
WHERE position(convert_to(s.tag, 'UTF8') IN (SELECT m.model FROM edupredict.models m WHERE m.name = held_out.model)) = 0 $$;
SELECT n_rows, (metrics->>'n_train')::int AS n_train, (metrics->>'n_test')::int AS n_test
FROM train_forest('mm_split2', 'mm_split', 'y2', ARRAY['tag', 'x1', 'x2'], n_trees => 6, test_fraction => 0.25, keep_category_names => true);
SELECT n_rows, (metrics->>'n_train')::int AS n_train, (metrics->>'n_test')::int AS n_test
FROM train_forest('mm_split3', 'mm_split', 'y3', ARRAY['tag', 'x1', 'x2'], n_trees => 6, test_fraction => 0.25, keep_category_names => true);
SELECT n_rows, (metrics->>'n_train')::int AS n_train, (metrics->>'n_test')::int AS n_test
FROM train_forest('mm_splitr', 'mm_split', 'yr', ARRAY['tag', 'x1', 'x2'], n_trees => 6, test_fraction => 0.25, keep_category_names => true);
CREATE TEMP TABLE mm_held2 AS SELECT * FROM pg_temp.held_out('mm_split2');
CREATE TEMP TABLE mm_held3 AS SELECT * FROM pg_temp.held_out('mm_split3');
CREATE TEMP TABLE mm_heldr AS SELECT * FROM pg_temp.held_out('mm_splitr');
-- the recovered rows are as many as the registry says, and stratified by class
SELECT (SELECT count(*) FROM mm_held2) AS held2, (SELECT count(*) FROM mm_held3) AS held3,
       (SELECT count(*) FROM mm_heldr) AS heldr;
SELECT y2, count(*) FROM mm_held2 GROUP BY 1 ORDER BY 1;
SELECT y2, count(*) FROM mm_split GROUP BY 1 ORDER BY 1;
WITH c AS (
  SELECT m.name, x.key, x.value::text::float8 AS stored, (s.v #>> '{}')::float8 AS sql_value
  FROM edupredict.models m
  CROSS JOIN LATERAL jsonb_each(m.metrics) x
  LEFT JOIN LATERAL jsonb_each(pg_temp.sql_metrics(m.name,
              (CASE m.name WHEN 'mm_split2' THEN 'mm_held2' WHEN 'mm_split3' THEN 'mm_held3' ELSE 'mm_heldr' END)::regclass,
              m.target)) s(k, v) ON s.k = x.key
  WHERE m.name LIKE 'mm\_split_' AND x.key NOT IN ('n_train', 'n_test', 'model_bytes', 'train_peak_bytes', 'train_restarts', 'threads', 'n_nodes'))
SELECT name, string_agg(key, ', ' ORDER BY key) AS metrics, bool_and(pg_temp.close(stored, sql_value)) AS stored_equal_sql
FROM c GROUP BY name ORDER BY name;

DELETE FROM edupredict.models WHERE name LIKE 'mm\_%';
