SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- calibrate(), evaluate()'s Brier score and ECE, reliability(), roc_curve(),
-- pr_curve(), choose_threshold() and predict() under a threshold.
-- UCI split by student_id: 60% to train the forest, 20% to calibrate and
-- choose thresholds on, 20% to judge on.
\set QUIET on
\i data/uci_student_dropout/load.sql
\set QUIET off
CREATE TEMP TABLE cal_train AS SELECT * FROM edupredict_data.students WHERE student_id % 5 IN (2, 3, 4);
ALTER TABLE cal_train DROP COLUMN student_id;
CREATE TEMP TABLE cal_fit AS SELECT * FROM edupredict_data.students WHERE student_id % 5 = 1;
CREATE TEMP TABLE cal_test AS SELECT * FROM edupredict_data.students WHERE student_id % 5 = 0;
SELECT version FROM edupredict.train_forest('cal_uci', 'cal_train', 'target', test_fraction => 0, seed => 11);

-- isotonic: a new version with the same trees; on the calibration rows the
-- three scores drop
SELECT new_version, method_used, n_rows, brier_after < brier_before AS brier_lower,
       ece_after < ece_before AS ece_lower, log_loss_after < log_loss_before AS log_loss_lower
FROM edupredict.calibrate('cal_uci', 'cal_fit');
SELECT version, params->'calibration' AS calibration, (params->>'from_version')::int AS from_version
FROM edupredict.models WHERE name = 'cal_uci' ORDER BY version;
-- Platt's sigmoid fits each class's log loss: on the calibration rows the
-- Brier score and the log loss drop (the ECE, which it does not fit, need not)
SELECT new_version, method_used, brier_after < brier_before AS brier_lower,
       log_loss_after < log_loss_before AS log_loss_lower
FROM edupredict.calibrate('cal_uci', 'cal_fit', 'sigmoid', version => 1);
-- on held-out rows: the calibrated versions' ECE is lower (isotonic, fitted on
-- 885 rows for 3 classes, can lose a little Brier score: docs/explain.md);
-- the sigmoid's Brier score is lower too
WITH m AS (
  SELECT v, metric, value FROM unnest(ARRAY[1, 2, 3]) v, edupredict.evaluate('cal_uci', 'cal_test', v)
  WHERE metric IN ('brier_score', 'ece'))
SELECT a.v AS version, a.metric, a.value <= b.value AS no_worse_than_uncalibrated
FROM m a JOIN m b ON b.metric = a.metric AND b.v = 1
WHERE a.v > 1 AND (a.metric = 'ece' OR a.v = 3) ORDER BY a.v, a.metric;
-- calibrated probabilities still add up to 1; explanations explain the trees
-- (the uncalibrated probability), so version 1 and 2 explain alike
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs((SELECT sum(p) FROM unnest(edupredict.predict_proba('cal_uci', t, 2)) p) - 1) < 1e-12) AS sums_to_one,
       count(*) FILTER (WHERE (SELECT array_agg(contribution ORDER BY feature) FROM edupredict.explain('cal_uci', t, version => 1, class => 'Dropout'))
                            = (SELECT array_agg(contribution ORDER BY feature) FROM edupredict.explain('cal_uci', t, version => 2, class => 'Dropout'))) AS same_explanation,
       count(*) FILTER (WHERE edupredict.predict_proba('cal_uci', t, 2) <> edupredict.predict_proba('cal_uci', t, 1)) AS probabilities_changed
FROM (SELECT * FROM cal_test ORDER BY student_id LIMIT 100) t;

-- a row that every class's isotonic calibrator maps to 0 gets the uniform
-- distribution (as scikit-learn's CalibratedClassifierCV), not 0/0: one
-- feature x; x = 0, 1, 2 are pure a, b, c, and x = 3 to 6 leaves of mixed
-- classes (about 3:7:0, 6:4:0, 35:0:65 and 20:30:50)
CREATE TEMP TABLE cal_zero_train AS
SELECT x::float8 AS x, y FROM (VALUES (0, 'a', 100), (1, 'b', 100), (2, 'c', 100), (3, 'a', 60), (3, 'b', 140),
                                      (4, 'a', 120), (4, 'b', 80), (5, 'a', 70), (5, 'c', 130),
                                      (6, 'a', 40), (6, 'b', 60), (6, 'c', 100)) v(x, y, n), generate_series(1, n);
SELECT classes FROM edupredict.train_forest('cal_zero', 'cal_zero_train', 'y', n_trees => 200, test_fraction => 0, seed => 5);
-- calibrated on one row per x = 0 to 5: the rows of each class have a higher
-- probability of it than x = 6 has, and some other row has one at least as
-- high, so each calibrator is 0 at x = 6 (the premise, checked)
CREATE TEMP TABLE cal_zero_fit (x float8, y text);
INSERT INTO cal_zero_fit VALUES (0, 'a'), (1, 'b'), (2, 'c'), (3, 'b'), (4, 'a'), (5, 'a');
WITH raw AS (SELECT f.x, f.y, c, (edupredict.predict_proba('cal_zero', ARRAY[f.x], 1))[c] AS p,
                    (edupredict.predict_proba('cal_zero', ARRAY[6::float8], 1))[c] AS p6
             FROM cal_zero_fit f, generate_series(1, 3) c)
SELECT c, bool_and(p > p6) FILTER (WHERE y = (ARRAY['a', 'b', 'c'])[c]) AS class_rows_above,
       bool_or(p >= p6) FILTER (WHERE y <> (ARRAY['a', 'b', 'c'])[c]) AS other_row_as_high
FROM raw GROUP BY c ORDER BY c;
SELECT new_version, method_used FROM edupredict.calibrate('cal_zero', 'cal_zero_fit', 'isotonic');
SELECT x, raw = array_fill(1::float8 / 3, ARRAY[3]) AS raw_uniform,
       calibrated = array_fill(1::float8 / 3, ARRAY[3]) AS calibrated_uniform,
       (SELECT sum(p) FROM unnest(calibrated) p) AS total
FROM (SELECT x, edupredict.predict_proba('cal_zero', ARRAY[x::float8], 1) AS raw,
             edupredict.predict_proba('cal_zero', ARRAY[x::float8], 2) AS calibrated
      FROM generate_series(5, 6) x) r ORDER BY x;

-- sigmoid (Platt), and a two-class model: one calibrator, for the second class
CREATE TEMP TABLE cal_bin_train AS SELECT *, (target = 'Dropout') AS dropout FROM cal_train;
ALTER TABLE cal_bin_train DROP COLUMN target;
CREATE TEMP TABLE cal_bin_fit AS SELECT *, (target = 'Dropout') AS dropout FROM cal_fit;
CREATE TEMP TABLE cal_bin_test AS SELECT *, (target = 'Dropout') AS dropout FROM cal_test;
SELECT classes FROM edupredict.train_forest('cal_bin', 'cal_bin_train', 'dropout', test_fraction => 0, seed => 11);
SELECT new_version, method_used, brier_after < brier_before AS brier_lower
FROM edupredict.calibrate('cal_bin', 'cal_bin_fit', 'sigmoid');
SELECT new_version, method_used, brier_after < brier_before AS brier_lower
FROM edupredict.calibrate('cal_bin', 'cal_bin_fit', 'isotonic', version => 1);
-- on held-out rows: the sigmoid's Brier score is no worse; isotonic, fitted
-- on 884 rows, lowers the ECE but can lose a little Brier score (as with
-- three classes above)
SELECT v, round(value::numeric, 3) < round((SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 1)
                                            WHERE metric = 'brier_score')::numeric, 3) + 0.001 AS brier_no_worse
FROM unnest(ARRAY[2]) v, edupredict.evaluate('cal_bin', 'cal_bin_test', v) WHERE metric = 'brier_score';
SELECT v, value < (SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 1) WHERE metric = 'ece') AS ece_lower
FROM unnest(ARRAY[3]) v, edupredict.evaluate('cal_bin', 'cal_bin_test', v) WHERE metric = 'ece';
-- a sigmoid is monotone: it keeps the order of the rows, so the ROC AUC
-- does not move
SELECT abs((SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 1) WHERE metric = 'roc_auc')
         - (SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 2) WHERE metric = 'roc_auc')) < 1e-12 AS same_auc;
-- a forest's sigmoid takes its probability, which piles up at exactly 0
-- and 1, not its log-odds: those rows get moderate probabilities, and the
-- held-out ECE drops
SELECT min(p) > 0.001 AS floor_above_0, max(p) < 0.999 AS ceiling_below_1,
       (SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 2) WHERE metric = 'ece')
       < (SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 1) WHERE metric = 'ece') AS ece_lower
FROM (SELECT edupredict.predict_proba('cal_bin', t, 'true', 2) AS p FROM cal_bin_test t) r;
-- a boosted model's sigmoid takes the log-odds, so it can leave the model as
-- it is: on its own rows it does no worse than no calibrator, even when the
-- probabilities are close to calibrated already
SELECT version FROM edupredict.train_boosting('cal_boost', 'cal_bin_train', 'dropout', n_rounds => 50,
                                              max_depth => 4, seed => 3);
SELECT method_used, brier_after <= brier_before AS brier_no_worse, log_loss_after <= log_loss_before AS log_loss_no_worse
FROM edupredict.calibrate('cal_boost', 'cal_bin_fit', 'sigmoid');

-- reliability: equal-count bins over the rows, mean predictions increasing,
-- counts adding up to the rows; every class of a multi-class model (a run of
-- tied probabilities is never split, so a class can fill fewer than 10 bins)
SELECT label, count(*) AS bins, sum(n_rows) AS rows,
       bool_and(mean_predicted >= 0 AND mean_predicted <= 1 AND observed_rate >= 0 AND observed_rate <= 1) AS in_range
FROM edupredict.reliability('cal_uci', 'cal_test', version => 2) GROUP BY label ORDER BY label;
-- (not equal counts: the sigmoid of the forest's votes ties many rows, and
-- tied rows share a bin, so no two bins share a probability)
SELECT bool_and(mean_predicted > lag_mean) AS increasing, sum(n_rows) = 884 AS all_rows
FROM (SELECT mean_predicted, n_rows, lag(mean_predicted, 1, '-Infinity'::float8) OVER (ORDER BY bin) AS lag_mean
      FROM edupredict.reliability('cal_bin', 'cal_bin_test', bins => 5, version => 2)) r;
-- ECE from the reliability table is evaluate()'s
SELECT abs(sum(n_rows::float8 / 884 * abs(mean_predicted - observed_rate))
           - (SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 2) WHERE metric = 'ece')) < 1e-12 AS ece_matches
FROM edupredict.reliability('cal_bin', 'cal_bin_test', version => 2);
-- rows tied at one probability stay in one bin (the bin of the run's first
-- row), so the bins are a function of the rows, not of their order: a
-- forest of two shallow trees gives few distinct probabilities, and the
-- same rows sorted by target one way and the other give the same ECE,
-- reliability table and calibrate() ece_before
SELECT classes FROM edupredict.train_forest('cal_ties', 'cal_bin_train', 'dropout', n_trees => 2, max_depth => 2,
                                            test_fraction => 0, seed => 11);
CREATE TEMP TABLE cal_ties_asc AS SELECT * FROM cal_bin_test ORDER BY dropout, student_id;
CREATE TEMP TABLE cal_ties_desc AS SELECT * FROM cal_bin_test ORDER BY dropout DESC, student_id DESC;
SELECT count(DISTINCT p) AS distinct_probabilities, count(*) AS rows
FROM (SELECT edupredict.predict_proba('cal_ties', t, 'true') AS p FROM cal_bin_test t) r;
SELECT a.value = d.value AS same_ece
FROM edupredict.evaluate('cal_ties', 'cal_ties_asc') a JOIN edupredict.evaluate('cal_ties', 'cal_ties_desc') d USING (metric)
WHERE metric = 'ece';
SELECT count(*) AS bins_asc,
       (SELECT count(*) FROM edupredict.reliability('cal_ties', 'cal_ties_desc')) AS bins_desc,
       count(*) FILTER (WHERE (label, bin, mean_predicted, observed_rate, n_rows)
                        IN (SELECT * FROM edupredict.reliability('cal_ties', 'cal_ties_desc'))) AS same_rows
FROM edupredict.reliability('cal_ties', 'cal_ties_asc');
SELECT a.ece_before = d.ece_before AS same_ece_before
FROM edupredict.calibrate('cal_ties', 'cal_ties_asc', 'sigmoid', version => 1) a,
     edupredict.calibrate('cal_ties', 'cal_ties_desc', 'sigmoid', version => 1) d;
-- and the sigmoid fitted on them is the same to the last bit (its sums run
-- over the rows by score, negatives first among ties, not in scan order)
SELECT count(*) FILTER (WHERE edupredict.predict_proba('cal_ties', t, 'true', 2)
                              IS DISTINCT FROM edupredict.predict_proba('cal_ties', t, 'true', 3)) AS rows_differing,
       count(*) AS rows
FROM cal_bin_test t;

-- ROC from (infinity, 0, 0) to (.., 1, 1), both rates never decreasing; its
-- area (trapezoids) is evaluate()'s AUC; precision-recall with recall never
-- decreasing and ending at 1
SELECT count(*) > 2 AS points,
       bool_and(fpr >= pf AND tpr >= pt) AS monotone,
       min(threshold) FILTER (WHERE fpr = 0 AND tpr = 0) = 'Infinity' AS starts_at_infinity,
       max(fpr) = 1 AND max(tpr) = 1 AS ends_at_one,
       abs(sum((fpr - pf) * (tpr + pt) / 2)
           - (SELECT value FROM edupredict.evaluate('cal_bin', 'cal_bin_test', 1) WHERE metric = 'roc_auc')) < 1e-12 AS area_is_auc
FROM (SELECT fpr, tpr, threshold, lag(fpr, 1, 0::float8) OVER w AS pf, lag(tpr, 1, 0::float8) OVER w AS pt
      FROM edupredict.roc_curve('cal_bin', 'cal_bin_test', version => 1) WINDOW w AS (ORDER BY threshold DESC)) r;
SELECT bool_and(recall >= lr) AS recall_monotone, max(recall) = 1 AS reaches_all, bool_and("precision" > 0) AS positive
FROM (SELECT recall, "precision", lag(recall, 1, 0::float8) OVER (ORDER BY threshold DESC) AS lr
      FROM edupredict.pr_curve('cal_uci', 'cal_test', 'Dropout', 1)) r;

-- choose_threshold: each rule, stored in a new version that predict() uses
SELECT new_version, label, rule_used, flagged >= 100 AS at_least_100, n_rows,
       flagged = (SELECT count(*) FROM cal_fit f WHERE (edupredict.predict_proba('cal_uci', f, 'Dropout', 1)) >= threshold) AS flags_its_rows,
       flagged - (SELECT count(*) FROM cal_fit f WHERE (edupredict.predict_proba('cal_uci', f, 'Dropout', 1)) = threshold) < 100 AS no_lower_cut
FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 100', version => 1);
-- asking for exactly that many rows gives the same cut
SELECT c.flagged = f.flagged AS same_cut
FROM (SELECT flagged FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 100', version => 1)) f,
     LATERAL edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k ' || f.flagged, version => 1) c;
-- predict() of that version labels by the threshold: the rows it flags are
-- the top 100 (plus ties) of the rows, against 262 of the most probable class
SELECT count(*) FILTER (WHERE edupredict.predict('cal_uci', f, 4) = 'Dropout') AS predicted_dropout,
       count(*) FILTER (WHERE edupredict.predict('cal_uci', f, 1) = 'Dropout') AS argmax_dropout
FROM cal_fit f;
SELECT count(*) FILTER (WHERE edupredict.predict('cal_uci', f, 4) = 'Dropout'
                        AND edupredict.predict_proba('cal_uci', f, 'Dropout', 1) >= (SELECT (params->'threshold'->>'value')::float8
                                                                                     FROM edupredict.models WHERE name = 'cal_uci' AND version = 4)) AS consistent
FROM cal_fit f;
-- evaluate() and permutation_importance() judge the labels predict() returns:
-- for version 4 (threshold) its accuracy and the 'Dropout' column of its
-- confusion are predict()'s on the same rows, not the most probable class's;
-- version 1 (no threshold) is unchanged, and the two differ
WITH e AS (SELECT v, metric, value FROM unnest(ARRAY[1, 4]) v, edupredict.evaluate('cal_uci', 'cal_fit', v)),
     p AS (SELECT v, avg((edupredict.predict('cal_uci', f, v) = f.target)::int) AS acc,
                  count(*) FILTER (WHERE edupredict.predict('cal_uci', f, v) = 'Dropout') AS dropout
           FROM unnest(ARRAY[1, 4]) v, cal_fit f GROUP BY v)
SELECT p.v AS version,
       abs((SELECT value FROM e WHERE e.v = p.v AND metric = 'accuracy') - p.acc) < 1e-12 AS accuracy_is_predicts,
       (SELECT sum(value) FROM e WHERE e.v = p.v AND metric LIKE 'confusion:%:Dropout') = p.dropout AS confusion_is_predicts,
       abs((SELECT value FROM e WHERE e.v = 4 AND metric = 'accuracy')
           - (SELECT value FROM e WHERE e.v = 1 AND metric = 'accuracy')) > 1e-3 AS versions_differ
FROM p ORDER BY p.v;
SELECT count(DISTINCT baseline) = 1 AND abs(min(baseline) - (SELECT avg((edupredict.predict('cal_uci', f, 4) = f.target)::int)
                                                             FROM cal_fit f)) < 1e-12 AS baseline_is_predicts
FROM edupredict.permutation_importance('cal_uci', 'cal_fit', 'accuracy', n_repeats => 1, version => 4);
-- recall >= 0.9: the highest such threshold; precision >= 0.8: the lowest
SELECT rule_used, recall >= 0.9 AS recall_met, threshold > 0 AS positive
FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall >= 0.9', version => 1);
SELECT rule_used, "precision" >= 0.8 AS precision_met
FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'precision >= 0.8', version => 1);
-- max_f1: no other threshold on these rows has a higher F1
SELECT rule_used,
       f1 >= (SELECT max(2 * "precision" * recall / ("precision" + recall))
              FROM edupredict.pr_curve('cal_uci', 'cal_fit', 'Dropout', 1) WHERE "precision" + recall > 0) - 1e-12 AS best_f1
FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'max_f1', version => 1);
-- prior: the class's share of the training rows
SELECT rule_used, abs(threshold - (SELECT avg((target = 'Dropout')::int) FROM cal_train)) < 1e-12 AS is_training_share
FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'prior', version => 1);
-- two classes: the class may be left out (the second); a threshold given to
-- predict() overrides the stored one
SELECT label, rule_used FROM edupredict.choose_threshold('cal_bin', 'cal_bin_fit', rule => 'top_k 50', version => 1);
SELECT count(*) FILTER (WHERE edupredict.predict('cal_bin', t, NULL, 0.0) = 'true') AS all_at_0,
       count(*) FILTER (WHERE edupredict.predict('cal_bin', t, NULL, 1.0)
                        = CASE WHEN edupredict.predict_proba('cal_bin', t, 'true') >= 1 THEN 'true' ELSE 'false' END) AS none_below_1,
       count(*) FILTER (WHERE edupredict.predict_label('cal_bin', t) = edupredict.predict('cal_bin', t)) AS label_is_predict,
       count(*) AS rows
FROM cal_bin_test t;

-- arguments
SELECT * FROM edupredict.calibrate('cal_uci', 'cal_fit', 'platt');
SELECT * FROM edupredict.calibrate(NULL, 'cal_fit');
SELECT * FROM edupredict.calibrate('cal_uci', NULL);
SELECT * FROM edupredict.choose_threshold(NULL, 'cal_fit');
SELECT * FROM edupredict.choose_threshold('cal_uci', NULL);
-- NULL arguments of the functions that only read (docs/explain.md): no rows,
-- as from a STRICT function; a NULL bins, n_repeats or seed is not the
-- default 10, 5 or 42 (a DEFAULT stands in for a left-out argument only)
SELECT (SELECT count(*) FROM edupredict.reliability(NULL, 'cal_test')) AS rel_name,
       (SELECT count(*) FROM edupredict.reliability('cal_uci', NULL)) AS rel_relation,
       (SELECT count(*) FROM edupredict.reliability('cal_uci', 'cal_test', bins => NULL)) AS rel_bins,
       (SELECT count(*) FROM edupredict.roc_curve(NULL, 'cal_test')) AS roc_name,
       (SELECT count(*) FROM edupredict.roc_curve('cal_uci', NULL)) AS roc_relation,
       (SELECT count(*) FROM edupredict.pr_curve(NULL, 'cal_test')) AS pr_name,
       (SELECT count(*) FROM edupredict.pr_curve('cal_uci', NULL)) AS pr_relation,
       (SELECT count(*) FROM edupredict.evaluate(NULL, 'cal_test', NULL)) AS eval_name,
       (SELECT count(*) FROM edupredict.evaluate('cal_uci', NULL, NULL)) AS eval_relation;
SELECT (SELECT count(*) FROM edupredict.permutation_importance(NULL, 'cal_test')) AS perm_name,
       (SELECT count(*) FROM edupredict.permutation_importance('cal_uci', NULL)) AS perm_relation,
       (SELECT count(*) FROM edupredict.permutation_importance('cal_uci', 'cal_test', n_repeats => NULL)) AS perm_repeats,
       (SELECT count(*) FROM edupredict.permutation_importance('cal_uci', 'cal_test', n_repeats => 1, seed => NULL)) AS perm_seed;
-- the same calls with the argument given answer rows
SELECT (SELECT count(*) FROM edupredict.reliability('cal_uci', 'cal_test', bins => 2)) > 0 AS rel_bins_2,
       (SELECT count(*) FROM edupredict.permutation_importance('cal_uci', 'cal_test', n_repeats => 1, seed => 1)) > 0 AS perm_given;
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall > 0.5');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall >= 1.5');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 0');
-- rule syntax: names in any case, spaces ignored around every part, x a
-- decimal, n decimal digits only; rule_used gives the rule as documented
SELECT to_json(u.rule) AS rule, r.rule_used
FROM unnest(ARRAY['  RECALL >= 0.5', 'recall>=0.5 ', E'\tPrecision >=  0.80\n', 'Max_F1 ', ' PRIOR',
                  'top_k 00100 ', 'TOP_K  100']) WITH ORDINALITY u(rule, i),
     LATERAL edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', u.rule, version => 1) r
ORDER BY u.i;
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 0x10');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 1e2');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k +5');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 10.0');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'top_k 99999999999');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall >= 0x0.8');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall >= 5e-1');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall >= nan');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recall > = 0.5');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'recallx >= 0.5');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'prior x');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', NULL, 'max_f1');
SELECT * FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Nobody', 'max_f1');
SELECT rule_used, "precision" = 1 AS exact FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', 'precision >= 1.0', version => 1);
CREATE TEMP TABLE cal_neg AS SELECT * FROM cal_bin_fit WHERE NOT dropout;
SELECT max(version) AS bin_last FROM edupredict.models WHERE name = 'cal_bin' \gset
SELECT * FROM edupredict.choose_threshold('cal_bin', 'cal_neg', 'true', 'precision >= 0.5', version => 1);
-- without rows of the class no threshold has a better F1 or recall: an error,
-- as for precision, and no version
SELECT * FROM edupredict.choose_threshold('cal_bin', 'cal_neg', 'true', 'max_f1', version => 1);
SELECT * FROM edupredict.choose_threshold('cal_bin', 'cal_neg', 'true', 'recall >= 0.5', version => 1);
SELECT max(version) = :bin_last AS no_new_version FROM edupredict.models WHERE name = 'cal_bin';
-- a calibrator needs rows of its class and of the others
SELECT * FROM edupredict.calibrate('cal_bin', 'cal_neg', 'sigmoid', version => 1);
CREATE TEMP TABLE cal_pos AS SELECT * FROM cal_bin_fit WHERE dropout;
SELECT * FROM edupredict.calibrate('cal_bin', 'cal_pos', 'isotonic', version => 1);
-- rows of one class only: the rates that divide by the other class's rows
-- are undefined, NULL (scikit-learn 1.2.1 gives NaN for the ROC and sets
-- recall to 1): positives only have no fpr, negatives only no tpr and no
-- recall (precision 0), and evaluate() no AUC
SELECT count(*) > 2 AS points, count(fpr) AS fpr_values, count(tpr) = count(*) AS tpr_everywhere, max(tpr) = 1 AS tpr_ends_at_1
FROM edupredict.roc_curve('cal_bin', 'cal_pos', version => 1);
SELECT count(*) > 2 AS points, count(tpr) AS tpr_values, count(fpr) = count(*) AS fpr_everywhere, max(fpr) = 1 AS fpr_ends_at_1
FROM edupredict.roc_curve('cal_bin', 'cal_neg', version => 1);
SELECT count(*) > 1 AS points, count(recall) AS recall_values, bool_and("precision" = 0) AS precision_0
FROM edupredict.pr_curve('cal_bin', 'cal_neg', version => 1);
SELECT count(*) > 1 AS points, bool_and("precision" = 1) AS precision_1, max(recall) = 1 AS recall_ends_at_1
FROM edupredict.pr_curve('cal_bin', 'cal_pos', version => 1);
SELECT metric, value IS NULL AS undefined FROM edupredict.evaluate('cal_bin', 'cal_pos', 1) WHERE metric = 'roc_auc'
UNION ALL
SELECT metric, value IS NULL FROM edupredict.evaluate('cal_bin', 'cal_neg', 1) WHERE metric = 'roc_auc';
-- a relation without rows, or without a target value, is refused naming the relation, as
-- choose_threshold, reliability and the curves refuse it
CREATE TEMP TABLE cal_none AS SELECT * FROM cal_bin_fit LIMIT 0;
SELECT * FROM edupredict.calibrate('cal_bin', 'cal_none', 'isotonic', version => 1);
CREATE TEMP TABLE cal_no_target AS SELECT * FROM cal_bin_fit;
UPDATE cal_no_target SET dropout = NULL;
SELECT * FROM edupredict.calibrate('cal_bin', 'cal_no_target', 'isotonic', version => 1);
SELECT * FROM edupredict.choose_threshold('cal_bin', 'cal_none', version => 1);
-- a target value the model does not know is refused, not counted as a row
-- of no class (a negative of every class), and writes no version: some
-- rows 'maybe' among true and false, and only 'maybe' rows
CREATE TEMP TABLE cal_maybe AS SELECT * FROM cal_bin_fit;
ALTER TABLE cal_maybe ALTER COLUMN dropout TYPE text;
INSERT INTO cal_maybe SELECT * FROM cal_maybe WHERE dropout = 'false' LIMIT 7;
UPDATE cal_maybe SET dropout = 'maybe' WHERE ctid IN (SELECT ctid FROM cal_maybe WHERE dropout = 'false' LIMIT 5);
UPDATE cal_maybe SET dropout = 'Maybe' WHERE ctid IN (SELECT ctid FROM cal_maybe WHERE dropout = 'false' LIMIT 2);
CREATE TEMP TABLE cal_all_maybe AS SELECT * FROM cal_maybe WHERE dropout IN ('maybe', 'Maybe');
SELECT * FROM edupredict.calibrate('cal_bin', 'cal_maybe', version => 1);
SELECT * FROM edupredict.choose_threshold('cal_bin', 'cal_maybe', 'true', 'top_k 10', version => 1);
SELECT * FROM edupredict.calibrate('cal_bin', 'cal_all_maybe', 'sigmoid', version => 1);
SELECT * FROM edupredict.choose_threshold('cal_bin', 'cal_all_maybe', 'true', 'max_f1', version => 1);
SELECT max(version) = :bin_last AS no_new_version FROM edupredict.models WHERE name = 'cal_bin';
-- the curves, the reliability table and permutation importance refuse them
-- too: each would count them as rows of no class (a negative of every
-- class, an error whatever is predicted)
SELECT * FROM edupredict.roc_curve('cal_bin', 'cal_maybe', version => 1);
SELECT * FROM edupredict.pr_curve('cal_bin', 'cal_maybe', version => 1);
SELECT * FROM edupredict.reliability('cal_bin', 'cal_maybe', version => 1);
SELECT * FROM edupredict.permutation_importance('cal_bin', 'cal_all_maybe', n_repeats => 1, version => 1);
-- the common case: a boolean target against a model of text labels
CREATE TEMP TABLE cal_uci_bool AS SELECT * FROM cal_fit;
ALTER TABLE cal_uci_bool ALTER COLUMN target TYPE boolean USING target = 'Dropout';
SELECT * FROM edupredict.roc_curve('cal_uci', 'cal_uci_bool', 'Dropout', version => 1);
SELECT * FROM edupredict.reliability('cal_uci', 'cal_uci_bool', version => 1);
SELECT * FROM edupredict.permutation_importance('cal_uci', 'cal_uci_bool', n_repeats => 1, version => 1);
-- evaluate() counts them as errors (docs/explain.md), and warns when no row
-- has a class of the model
SELECT metric, CASE metric WHEN 'n_rows' THEN value = (SELECT count(*) FROM cal_uci_bool)
                           ELSE value = 0 END AS every_row_an_error
FROM edupredict.evaluate('cal_uci', 'cal_uci_bool', 1)
WHERE metric IN ('n_rows', 'accuracy') ORDER BY metric;
SELECT count(*) > 0 AS counted_without_warning FROM edupredict.evaluate('cal_bin', 'cal_maybe', 1)
WHERE metric LIKE 'confusion:maybe:%';
-- the known rows alone are accepted
DELETE FROM cal_maybe WHERE dropout IN ('maybe', 'Maybe');
SELECT n_rows FROM edupredict.choose_threshold('cal_bin', 'cal_maybe', 'true', 'top_k 10', version => 1);
CREATE TEMP TABLE cal_no_enrolled AS SELECT * FROM cal_fit WHERE target <> 'Enrolled';
SELECT * FROM edupredict.calibrate('cal_uci', 'cal_no_enrolled', version => 1);
SELECT edupredict.predict('cal_uci', t, NULL, 1.5) FROM cal_test t LIMIT 1;
SELECT edupredict.predict('cal_uci', t, threshold => 0.5, version => 1) FROM cal_test t LIMIT 1;
SELECT * FROM edupredict.roc_curve('cal_uci', 'cal_test');
SELECT * FROM edupredict.reliability('cal_uci', 'cal_test', bins => 0);
CREATE TEMP TABLE cal_reg AS SELECT admission_grade, age_at_enrollment::float8 AS age FROM cal_train;
SELECT task FROM edupredict.train_forest('cal_reg', 'cal_reg', 'age', n_trees => 5, test_fraction => 0);
SELECT * FROM edupredict.calibrate('cal_reg', 'cal_reg');
SELECT * FROM edupredict.choose_threshold('cal_reg', 'cal_reg', rule => 'max_f1');
SELECT * FROM edupredict.pr_curve('cal_reg', 'cal_reg');
-- every one of them names itself and the model, also when a class is named
SELECT * FROM edupredict.choose_threshold('cal_reg', 'cal_reg', 'Dropout');
SELECT * FROM edupredict.roc_curve('cal_reg', 'cal_reg', 'Dropout');
SELECT * FROM edupredict.reliability('cal_reg', 'cal_reg');
-- calibrating a version with a threshold (4: top_k 100) drops the threshold
-- from the model, so predict() takes the most probable class again, and
-- from the new version's params
SELECT new_version AS cal_from_thr FROM edupredict.calibrate('cal_uci', 'cal_fit', version => 4) \gset
SELECT version = :cal_from_thr AS is_new, params ? 'threshold' AS has_threshold,
       (params->>'from_version')::int AS from_version, params->'calibration'->>'method' AS method
FROM edupredict.models WHERE name = 'cal_uci' AND version IN (4, :cal_from_thr) ORDER BY version;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (edupredict.predict('cal_uci', f, version => :cal_from_thr) = 'Dropout')
                        = (edupredict.predict_proba('cal_uci', f, 'Dropout', :cal_from_thr)
                           >= (SELECT max(p) FROM unnest(edupredict.predict_proba('cal_uci', f, :cal_from_thr)) p))) AS dropout_iff_most_probable
FROM cal_fit f;
-- rule => NULL is the default rule, max_f1, as when rule is left out
SELECT a.rule_used, a.threshold = b.threshold AS same_threshold
FROM edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', NULL, version => 1) a,
     edupredict.choose_threshold('cal_uci', 'cal_fit', 'Dropout', version => 1) b;
-- method => NULL is the default method, isotonic, as when method is left out
SELECT method_used FROM edupredict.calibrate('cal_uci', 'cal_fit', NULL, version => 1);
DELETE FROM edupredict.models WHERE name IN ('cal_uci', 'cal_bin', 'cal_reg', 'cal_boost', 'cal_ties', 'cal_zero');
