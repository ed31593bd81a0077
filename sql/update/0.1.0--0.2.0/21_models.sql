
-- Models: a version argument on every function that reads a registry model
-- (NULL: the deployed version, else the newest).  The 0.1.0 signatures stay
-- as they were, so views and functions that call them keep working.

-- predict() has one form per input kind: the version third (as everywhere),
-- then an optional decision threshold.  The version has no default: with one,
-- a two-argument call would match 0.1.0's predict(text, record) as well.  So
-- predict(m, r, 1) is version 1 and predict(m, r, 0.5) does not resolve
-- (numeric is not implicitly an int) rather than meaning a threshold.
CREATE FUNCTION edupredict.predict(model_name text, "row" record, version int,
                                   threshold float8 DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, record, int, float8) IS
'class label or value as text of one version of a registry model for a row (version NULL: the deployed one, else the newest); a threshold labels the version''s chosen class (else the second of two) when its probability reaches it';

CREATE FUNCTION edupredict.predict(model_name text, features float8[], version int,
                                   threshold float8 DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, float8[], int, float8) IS
'class label or value as text of one version of a registry model for features in model order; a threshold as for a row';

CREATE FUNCTION edupredict.predict_proba(model_name text, "row" record, version int)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'model_predict_proba_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(text, record, int) IS
'class probabilities of one version of a registry classification model for a row';

CREATE FUNCTION edupredict.predict_proba(model_name text, "row" record, class text, version int)
RETURNS float8
AS 'MODULE_PATHNAME', 'model_predict_proba_row_class'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(text, record, text, int) IS
'probability of one class under one version of a registry classification model for a row';

CREATE FUNCTION edupredict.predict_proba(model_name text, features float8[], version int)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'model_predict_proba_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(text, float8[], int) IS
'class probabilities of one version of a registry classification model for features in model order';

CREATE FUNCTION edupredict.model_classes(model_name text, version int)
RETURNS text[]
AS 'MODULE_PATHNAME', 'model_model_classes'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.model_classes(text, int) IS
'class labels of one version of a registry model in predict_proba() order (NULL for regression)';

CREATE FUNCTION edupredict.feature_importance(model_name text, version int)
RETURNS TABLE (feature text, importance float8, splits bigint)
AS 'MODULE_PATHNAME', 'model_feature_importance'
LANGUAGE C STABLE PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION edupredict.feature_importance(text, int) IS
'importance of each feature of one version of a registry model (impurity decrease for forests, gain for boosting, summing to 1) and its number of splits';

CREATE FUNCTION edupredict.evaluate(model_name text, relation regclass, version int)
RETURNS TABLE (metric text, value float8)
AS 'MODULE_PATHNAME', 'model_evaluate'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 100000 ROWS 20;
COMMENT ON FUNCTION edupredict.evaluate(text, regclass, int) IS
'metrics of one version of a registry model on a relation holding its features and target';
-- reads the caller's relation, which may be a temporary table: parallel workers cannot
ALTER FUNCTION edupredict.evaluate(text, regclass) PARALLEL RESTRICTED;

-- train_forest: the registry row it returns no longer carries the model
-- bytes (edupredict.model_list), and text features keep a hashed codebook
-- unless keep_category_names.  A new C symbol: 0.1.0's train_forest stays
-- in the library for databases not yet updated.
DROP FUNCTION edupredict.train_forest(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint);
CREATE FUNCTION edupredict.train_forest(
    model_name text, relation regclass, target text, features text[] DEFAULT NULL,
    task text DEFAULT 'auto', n_trees int DEFAULT 100, max_depth int DEFAULT NULL,
    min_samples_leaf int DEFAULT 1, max_features float8 DEFAULT NULL,
    class_weight text DEFAULT NULL, sample_fraction float8 DEFAULT 1.0,
    test_fraction float8 DEFAULT 0.2, seed bigint DEFAULT 42,
    keep_category_names boolean DEFAULT false, calibration text DEFAULT NULL,
    calibration_folds int DEFAULT NULL, group_by text DEFAULT NULL)
RETURNS edupredict.model_list
AS 'MODULE_PATHNAME', 'model_train_forest'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000
SET synchronize_seqscans = off;
COMMENT ON FUNCTION edupredict.train_forest(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint, boolean, text, int, text) IS
'trains a random forest on a relation and writes it as a new version into edupredict.models (calibration ''isotonic'' or ''sigmoid'': with a calibrator fitted on the out-of-bag probabilities of the training rows, or with calibration_folds k on the out-of-fold probabilities of k forests, one per fold, which together are the model; group_by: the test rows and the calibration folds are whole groups of that column''s values); returns the new registry row without the model bytes';
