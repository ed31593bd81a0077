
-- ---------------------------------------------------------------------------
-- Explanations, calibration, decision thresholds and drift (issue 11;
-- docs/explain.md).  Explanations are exact path-dependent TreeSHAP over
-- the trees (src/ensemble_shap.c); calibrators, thresholds and the
-- training profile are optional sections of the model bytes, written as new
-- registry versions (the trees unchanged).  The functions that read a
-- relation named by an argument are PARALLEL RESTRICTED: it may be a
-- temporary table, which parallel workers cannot read.
-- ---------------------------------------------------------------------------

CREATE FUNCTION edupredict.explain(model_name text, "row" record, top_k int DEFAULT NULL,
                                   version int DEFAULT NULL, class text DEFAULT NULL)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_row'
LANGUAGE C STABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain(text, record, int, int, text) IS
'exact TreeSHAP contributions of each feature to a row''s output (class share of a forest, raw margin of boosting, or value) for the predicted class or a named class, largest first; they add up to the output minus explain_base_value()';

CREATE FUNCTION edupredict.explain(model_name text, features float8[], top_k int DEFAULT NULL,
                                   version int DEFAULT NULL, class text DEFAULT NULL)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_array'
LANGUAGE C STABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain(text, float8[], int, int, text) IS
'exact TreeSHAP contributions of each feature (features in model order) to the output of a registry model, largest first';

CREATE FUNCTION edupredict.explain(model bytea, features float8[], top_k int DEFAULT NULL,
                                   class text DEFAULT NULL)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_bytea'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain(bytea, float8[], int, text) IS
'exact TreeSHAP contributions of each feature (features in model order) to the output of model bytes, largest first';

CREATE FUNCTION edupredict.explain_base_value(model_name text, class text DEFAULT NULL,
                                              version int DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'model_explain_base'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.explain_base_value(text, text, int) IS
'the output explain() starts from: the trees'' expected output over their training rows for a class (NULL: the second of two classes) or the value';

CREATE FUNCTION edupredict.explain_base_value(model bytea, class text DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'model_explain_base_bytea'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.explain_base_value(bytea, text) IS
'the output explain() starts from for model bytes: the trees'' expected output over their training rows';

CREATE FUNCTION edupredict.global_importance(model_name text, relation regclass,
                                             class text DEFAULT NULL, version int DEFAULT NULL)
RETURNS TABLE (feature text, mean_abs_contribution float8, mean_contribution float8)
AS 'MODULE_PATHNAME', 'model_global_importance'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 20;
COMMENT ON FUNCTION edupredict.global_importance(text, regclass, text, int) IS
'mean absolute (and signed) TreeSHAP contribution of each feature over the rows of a relation, for each row''s predicted class or a named class';

CREATE FUNCTION edupredict.permutation_importance(model_name text, relation regclass,
                                                  metric text DEFAULT NULL, n_repeats int DEFAULT 5,
                                                  seed bigint DEFAULT 42, version int DEFAULT NULL)
RETURNS TABLE (feature text, importance float8, importance_std float8, baseline float8)
AS 'MODULE_PATHNAME', 'model_permutation_importance'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 20;
COMMENT ON FUNCTION edupredict.permutation_importance(text, regclass, text, int, bigint, int) IS
'how much worse a metric (default accuracy or r2) gets on the rows of a relation when one feature is shuffled (seeded), mean and standard deviation over n_repeats shuffles';

CREATE FUNCTION edupredict.calibrate(model_name text, relation regclass,
                                     method text DEFAULT 'isotonic', version int DEFAULT NULL)
RETURNS TABLE (new_version int, method_used text, n_rows bigint, brier_before float8,
               brier_after float8, ece_before float8, ece_after float8,
               log_loss_before float8, log_loss_after float8)
AS 'MODULE_PATHNAME', 'model_calibrate'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000;
COMMENT ON FUNCTION edupredict.calibrate(text, regclass, text, int) IS
'writes a new registry version with the same trees and a probability calibrator (isotonic or sigmoid, one against the rest for more classes) fitted on the rows of a relation; returns it with the calibration rows'' Brier score, ECE and log loss before and after';

CREATE FUNCTION edupredict.choose_threshold(model_name text, relation regclass,
                                            class text DEFAULT NULL, rule text DEFAULT 'max_f1',
                                            version int DEFAULT NULL)
RETURNS TABLE (new_version int, label text, rule_used text, threshold float8, flagged bigint,
               n_rows bigint, "precision" float8, recall float8, f1 float8)
AS 'MODULE_PATHNAME', 'model_choose_threshold'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000;
COMMENT ON FUNCTION edupredict.choose_threshold(text, regclass, text, text, int) IS
'writes a new registry version whose predict() labels a class when its probability reaches a threshold chosen on the rows of a relation by a rule (prior, max_f1, recall >= x, precision >= x, top_k n); returns it with what it flags there';

-- predict(model_name, row, version, threshold) is in 21_models.sql; the
-- arguments here are in the same order, so a positional third is a version
CREATE FUNCTION edupredict.predict_label(model_name text, "row" record,
                                         version int DEFAULT NULL, threshold float8 DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_label'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_label(text, record, int, float8) IS
'class label of a row under a threshold: the given one, else the version''s chosen one (choose_threshold), else the most probable class';

CREATE FUNCTION edupredict.reliability(model_name text, relation regclass, bins int DEFAULT 10,
                                       class text DEFAULT NULL, version int DEFAULT NULL)
RETURNS TABLE (label text, bin int, mean_predicted float8, observed_rate float8, n_rows bigint)
AS 'MODULE_PATHNAME', 'model_reliability'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 10;
COMMENT ON FUNCTION edupredict.reliability(text, regclass, int, text, int) IS
'reliability table of a classifier on the rows of a relation: equal-count bins of predicted probability with the mean prediction, the observed rate and the rows in each (two classes: the second; else every class or a named one)';

CREATE FUNCTION edupredict.roc_curve(model_name text, relation regclass, class text DEFAULT NULL,
                                     version int DEFAULT NULL)
RETURNS TABLE (threshold float8, fpr float8, tpr float8)
AS 'MODULE_PATHNAME', 'model_roc_curve'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 1000;
COMMENT ON FUNCTION edupredict.roc_curve(text, regclass, text, int) IS
'ROC curve of one class on the rows of a relation: false and true positive rates at every distinct predicted probability, from infinity down';

CREATE FUNCTION edupredict.pr_curve(model_name text, relation regclass, class text DEFAULT NULL,
                                    version int DEFAULT NULL)
RETURNS TABLE (threshold float8, "precision" float8, recall float8)
AS 'MODULE_PATHNAME', 'model_pr_curve'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 1000;
COMMENT ON FUNCTION edupredict.pr_curve(text, regclass, text, int) IS
'precision-recall curve of one class on the rows of a relation: precision and recall at every distinct predicted probability, from the highest down';

CREATE FUNCTION edupredict.drift(model_name text, relation regclass, version int DEFAULT NULL)
RETURNS TABLE (kind text, feature text, psi float8, missing_train float8, missing_now float8,
               unseen_categories bigint, verdict text)
AS 'MODULE_PATHNAME', 'model_drift'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 20;
COMMENT ON FUNCTION edupredict.drift(text, regclass, int) IS
'population stability index of each feature and of the model''s predicted probabilities (or values) on the rows of a relation against the training rows, with missing shares then and now, unseen categories and a verdict (stable < 0.1 <= watch < 0.25 <= shifted)';

CREATE FUNCTION edupredict.model_profile(model_name text, relation regclass,
                                         version int DEFAULT NULL)
RETURNS TABLE (new_version int, n_rows bigint)
AS 'MODULE_PATHNAME', 'model_profile'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000;
COMMENT ON FUNCTION edupredict.model_profile(text, regclass, int) IS
'writes a new registry version with the same trees and what explain() and drift() need from the training rows (node covers, class counts, feature and output histograms), computed from the rows of a relation: for models trained before 0.2.0';
