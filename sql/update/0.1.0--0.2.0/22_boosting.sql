
-- Gradient-boosted trees (src/boost_*.c, docs/boosting.md): the second
-- learner of the shared pipeline, with the same registry, prediction,
-- evaluation and aggregate form as the forest.

CREATE FUNCTION edupredict.train_boosting(
    model_name text, relation regclass, target text, features text[] DEFAULT NULL,
    task text DEFAULT 'auto', n_rounds int DEFAULT 300, learning_rate float8 DEFAULT 0.1,
    max_depth int DEFAULT 6, max_leaves int DEFAULT NULL, min_child_weight float8 DEFAULT 1,
    l2 float8 DEFAULT 1, subsample float8 DEFAULT 1, colsample float8 DEFAULT 1,
    early_stopping_rounds int DEFAULT NULL, class_weight text DEFAULT NULL,
    loss text DEFAULT NULL, huber_delta float8 DEFAULT 1.0,
    validation_fraction float8 DEFAULT NULL, test_fraction float8 DEFAULT 0.2,
    seed bigint DEFAULT 42, keep_category_names boolean DEFAULT false,
    group_by text DEFAULT NULL)
RETURNS edupredict.model_list
AS 'MODULE_PATHNAME', 'model_train_boosting'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000
SET synchronize_seqscans = off;
COMMENT ON FUNCTION edupredict.train_boosting(text, regclass, text, text[], text, int, float8, int, int, float8, float8, float8, float8, int, text, text, float8, float8, float8, bigint, boolean, text) IS
'trains gradient-boosted trees on a relation and writes them as a new version into edupredict.models (group_by: the test rows and the validation rows are whole groups of that column''s values); returns the new registry row without the model bytes';

CREATE FUNCTION edupredict.boost_agg_final(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'boost_agg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.boost_agg_final(internal) IS
'final function of boost_agg: trains gradient-boosted trees on the canonically ordered rows and returns the model bytes';

CREATE AGGREGATE edupredict.boost_agg(features float8[], target float8, params jsonb) (
    SFUNC = edupredict.forest_agg_trans,
    STYPE = internal,
    SSPACE = 100000,
    FINALFUNC = edupredict.boost_agg_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = edupredict.forest_agg_combine,
    SERIALFUNC = edupredict.forest_agg_serial,
    DESERIALFUNC = edupredict.forest_agg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.boost_agg(float8[], float8, jsonb) IS
'trains gradient-boosted trees (regression, or classification for integer targets with at most 50 values or params.task) over the rows and returns the model as bytea';

CREATE AGGREGATE edupredict.boost_agg(features float8[], target text, params jsonb) (
    SFUNC = edupredict.forest_agg_trans,
    STYPE = internal,
    SSPACE = 100000,
    FINALFUNC = edupredict.boost_agg_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = edupredict.forest_agg_combine,
    SERIALFUNC = edupredict.forest_agg_serial,
    DESERIALFUNC = edupredict.forest_agg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.boost_agg(float8[], text, jsonb) IS
'trains a gradient-boosted classifier over the rows (class labels as text) and returns the model as bytea';
