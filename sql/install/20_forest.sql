
-- Random forests (src/forest*.c, docs/forest.md).

-- Model registry.  Training a name again adds a version; deploy() picks the
-- version predict() uses (default: the newest).
CREATE TABLE edupredict.models (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL CHECK (name <> ''),
    version       integer NOT NULL CHECK (version > 0),
    task          text NOT NULL CHECK (task IN ('classification', 'regression')),
    target        text NOT NULL,
    features      text[] NOT NULL,
    classes       text[],
    params        jsonb NOT NULL,
    metrics       jsonb NOT NULL,
    n_rows        bigint NOT NULL,
    train_seconds double precision NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    name NOT NULL DEFAULT current_user,
    deployed      boolean NOT NULL DEFAULT false,
    model         bytea NOT NULL,
    UNIQUE (name, version)
);
CREATE UNIQUE INDEX models_one_deployed ON edupredict.models (name) WHERE deployed;
-- Models are mostly incompressible; out-of-line storage keeps slices cheap.
ALTER TABLE edupredict.models ALTER COLUMN model SET STORAGE EXTERNAL;
COMMENT ON TABLE edupredict.models IS
'registry of trained random forests: one row per (name, version), with parameters, held-out metrics and the model bytes';
-- pg_dump keeps user models (the table belongs to the extension).
SELECT pg_catalog.pg_extension_config_dump('edupredict.models', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.models_id_seq', '');

CREATE FUNCTION edupredict.train_forest(
    model_name text, relation regclass, target text, features text[] DEFAULT NULL,
    task text DEFAULT 'auto', n_trees int DEFAULT 100, max_depth int DEFAULT NULL,
    min_samples_leaf int DEFAULT 1, max_features float8 DEFAULT NULL,
    class_weight text DEFAULT NULL, sample_fraction float8 DEFAULT 1.0,
    test_fraction float8 DEFAULT 0.2, seed bigint DEFAULT 42)
RETURNS edupredict.models
AS 'MODULE_PATHNAME', 'train_forest'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000
SET synchronize_seqscans = off;
COMMENT ON FUNCTION edupredict.train_forest(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint) IS
'trains a random forest on a relation and writes it as a new version into edupredict.models; returns the new registry row';

CREATE FUNCTION edupredict.deploy(model_name text, version int)
RETURNS edupredict.models
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    r edupredict.models;
BEGIN
    IF model_name IS NULL OR version IS NULL THEN
        RAISE EXCEPTION 'model_name and version must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM edupredict.models m WHERE m.name = model_name) THEN
        RAISE EXCEPTION 'model "%" does not exist', model_name USING ERRCODE = '42704';
    END IF;
    UPDATE edupredict.models m SET deployed = false
     WHERE m.name = model_name AND m.deployed AND m.version <> deploy.version;
    UPDATE edupredict.models m SET deployed = true
     WHERE m.name = model_name AND m.version = deploy.version
    RETURNING * INTO r;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" has no version %', model_name, version USING ERRCODE = '22023';
    END IF;
    RETURN r;
END
$$;
COMMENT ON FUNCTION edupredict.deploy(text, int) IS
'writes the registry: marks one version of a model as the one predict() uses';

CREATE FUNCTION edupredict.predict(model_name text, "row" record)
RETURNS text
AS 'MODULE_PATHNAME', 'forest_predict_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, record) IS
'class label (classification) or value as text (regression) of a registry model for a row; columns are matched to features by name';

CREATE FUNCTION edupredict.predict(model_name text, features float8[])
RETURNS text
AS 'MODULE_PATHNAME', 'forest_predict_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, float8[]) IS
'class label or value as text of a registry model for features in model order (NULL or NaN = missing; categorical = codebook index)';

CREATE FUNCTION edupredict.predict_proba(model_name text, "row" record)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'forest_predict_proba_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(text, record) IS
'class probabilities of a registry classification model for a row, in the order of model_classes()';

CREATE FUNCTION edupredict.predict_proba(model_name text, "row" record, class text)
RETURNS float8
AS 'MODULE_PATHNAME', 'forest_predict_proba_row_class'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(text, record, text) IS
'probability of one class of a registry classification model for a row';

CREATE FUNCTION edupredict.predict_proba(model_name text, features float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'forest_predict_proba_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(text, float8[]) IS
'class probabilities of a registry classification model for features in model order';

CREATE FUNCTION edupredict.model_classes(model_name text)
RETURNS text[]
AS 'MODULE_PATHNAME', 'forest_model_classes'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.model_classes(text) IS
'class labels of a registry model in predict_proba() order (NULL for regression)';

CREATE FUNCTION edupredict.feature_importance(model_name text)
RETURNS TABLE (feature text, importance float8)
AS 'MODULE_PATHNAME', 'forest_feature_importance'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION edupredict.feature_importance(text) IS
'impurity-based feature importances of a registry model (mean decrease in impurity, summing to 1)';

CREATE FUNCTION edupredict.predict(model bytea, features float8[])
RETURNS text
AS 'MODULE_PATHNAME', 'forest_predict_bytea'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(bytea, float8[]) IS
'class label or value as text of a model given as bytea (from forest_agg); the bytes are validated';

CREATE FUNCTION edupredict.predict_proba(model bytea, features float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'forest_predict_proba_bytea'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba(bytea, float8[]) IS
'class probabilities of a classification model given as bytea (from forest_agg); the bytes are validated';

CREATE FUNCTION edupredict.evaluate(model_name text, relation regclass)
RETURNS TABLE (metric text, value float8)
AS 'MODULE_PATHNAME', 'forest_evaluate'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100000 ROWS 20;
COMMENT ON FUNCTION edupredict.evaluate(text, regclass) IS
'metrics of a registry model on a relation holding its features and target: accuracy, macro precision/recall/F1, log loss, ROC AUC and confusion:<actual>:<predicted> counts, or RMSE, MAE and R2';

-- forest_agg: trains over the rows of a group.  The combine function merges
-- rows (not trees) and the final function sorts them canonically, so serial
-- and parallel plans give the same model.
CREATE FUNCTION edupredict.forest_agg_trans(internal, float8[], float8, jsonb)
RETURNS internal AS 'MODULE_PATHNAME', 'forest_agg_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trans(internal, float8[], float8, jsonb) IS
'transition function of forest_agg (numeric target): collects the row';

CREATE FUNCTION edupredict.forest_agg_trans(internal, float8[], text, jsonb)
RETURNS internal AS 'MODULE_PATHNAME', 'forest_agg_trans_text'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trans(internal, float8[], text, jsonb) IS
'transition function of forest_agg (class label target): collects the row';

CREATE FUNCTION edupredict.forest_agg_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'forest_agg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_combine(internal, internal) IS
'combine function of forest_agg: appends the rows of one partial state to another';

CREATE FUNCTION edupredict.forest_agg_serial(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'forest_agg_serial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_serial(internal) IS
'serial function of forest_agg (partial state to bytes)';

CREATE FUNCTION edupredict.forest_agg_deserial(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'forest_agg_deserial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_deserial(bytea, internal) IS
'deserial function of forest_agg (bytes to partial state, validated)';

CREATE FUNCTION edupredict.forest_agg_final(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'forest_agg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_final(internal) IS
'final function of forest_agg: trains the forest on the canonically ordered rows and returns the model bytes';

CREATE AGGREGATE edupredict.forest_agg(features float8[], target float8, params jsonb) (
    SFUNC = edupredict.forest_agg_trans,
    STYPE = internal,
    SSPACE = 100000,
    FINALFUNC = edupredict.forest_agg_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = edupredict.forest_agg_combine,
    SERIALFUNC = edupredict.forest_agg_serial,
    DESERIALFUNC = edupredict.forest_agg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.forest_agg(float8[], float8, jsonb) IS
'trains a random forest (regression, or classification for integer targets with at most 50 values or params.task) over the rows and returns the model as bytea';

CREATE AGGREGATE edupredict.forest_agg(features float8[], target text, params jsonb) (
    SFUNC = edupredict.forest_agg_trans,
    STYPE = internal,
    SSPACE = 100000,
    FINALFUNC = edupredict.forest_agg_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = edupredict.forest_agg_combine,
    SERIALFUNC = edupredict.forest_agg_serial,
    DESERIALFUNC = edupredict.forest_agg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.forest_agg(float8[], text, jsonb) IS
'trains a random forest classifier over the rows (class labels as text) and returns the model as bytea';
