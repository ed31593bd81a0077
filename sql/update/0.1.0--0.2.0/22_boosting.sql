
-- Gradient-boosted trees (src/boost_*.c, docs/boosting.md): the second
-- learner of the shared pipeline, with the same registry, prediction,
-- evaluation and aggregate form as the forest.

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
