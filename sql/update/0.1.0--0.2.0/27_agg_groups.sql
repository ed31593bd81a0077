
-- ---------------------------------------------------------------------------
-- forest_agg / boost_agg with a group key (docs/forest.md, docs/boosting.md,
-- src/model_agg.c): a fourth argument names each row's group, and training
-- keeps the groups whole as train_*(group_by) does (boosting's validation
-- rows, a forest's calibration folds).  The same state, support functions
-- and final functions as the 3-argument forms, which stay as they were.
-- ---------------------------------------------------------------------------

CREATE FUNCTION edupredict.forest_agg_trans(internal, float8[], float8, jsonb, text)
RETURNS internal AS 'MODULE_PATHNAME', 'forest_agg_group_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trans(internal, float8[], float8, jsonb, text) IS
'transition function of forest_agg and boost_agg with a group key (numeric target): collects the row and its group key';

CREATE FUNCTION edupredict.forest_agg_trans(internal, float8[], text, jsonb, text)
RETURNS internal AS 'MODULE_PATHNAME', 'forest_agg_group_trans_text'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trans(internal, float8[], text, jsonb, text) IS
'transition function of forest_agg and boost_agg with a group key (class label target): collects the row and its group key';

CREATE AGGREGATE edupredict.forest_agg(features float8[], target float8, params jsonb, group_key text) (
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
COMMENT ON AGGREGATE edupredict.forest_agg(float8[], float8, jsonb, text) IS
'trains a random forest over the rows as forest_agg(features, target, params) does, its calibration folds whole groups of group_key (as train_forest''s group_by); returns the model as bytea';

CREATE AGGREGATE edupredict.forest_agg(features float8[], target text, params jsonb, group_key text) (
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
COMMENT ON AGGREGATE edupredict.forest_agg(float8[], text, jsonb, text) IS
'trains a random forest classifier over the rows (class labels as text), its calibration folds whole groups of group_key (as train_forest''s group_by); returns the model as bytea';

CREATE AGGREGATE edupredict.boost_agg(features float8[], target float8, params jsonb, group_key text) (
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
COMMENT ON AGGREGATE edupredict.boost_agg(float8[], float8, jsonb, text) IS
'trains gradient-boosted trees over the rows as boost_agg(features, target, params) does, its validation rows whole groups of group_key (as train_boosting''s group_by); returns the model as bytea';

CREATE AGGREGATE edupredict.boost_agg(features float8[], target text, params jsonb, group_key text) (
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
COMMENT ON AGGREGATE edupredict.boost_agg(float8[], text, jsonb, text) IS
'trains a gradient-boosted classifier over the rows (class labels as text), its validation rows whole groups of group_key (as train_boosting''s group_by); returns the model as bytea';
