
-- ---------------------------------------------------------------------------
-- forest_agg_trees (issue 15; docs/scale-out.md, src/model_agg_trees.c): a
-- forest aggregate whose partial states carry trees, not rows, so Citus
-- aggregates it on the workers and sends forests to the coordinator.  Its
-- state is a bytea (an expanded object while it collects rows): Citus never
-- splits an aggregate whose state is internal, as forest_agg's is.  A new
-- aggregate rather than a new state type for forest_agg, which upgraded
-- databases may have views on; forest_agg stays the exact mode.
-- ---------------------------------------------------------------------------

CREATE FUNCTION edupredict.forest_agg_trees_trans(bytea, float8[], float8, jsonb)
RETURNS bytea AS 'MODULE_PATHNAME', 'forest_agg_trees_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trees_trans(bytea, float8[], float8, jsonb) IS
'transition function of forest_agg_trees (numeric target): collects the row';

CREATE FUNCTION edupredict.forest_agg_trees_trans(bytea, float8[], text, jsonb)
RETURNS bytea AS 'MODULE_PATHNAME', 'forest_agg_trees_trans_text'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trees_trans(bytea, float8[], text, jsonb) IS
'transition function of forest_agg_trees (class label target): collects the row';

CREATE FUNCTION edupredict.forest_agg_trees_combine(bytea, bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'forest_agg_trees_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trees_combine(bytea, bytea) IS
'combine function of forest_agg_trees: adds the forests (and rows not grown into trees) of a partial state; the bytes are validated';

CREATE FUNCTION edupredict.forest_agg_trees_final(bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'forest_agg_trees_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.forest_agg_trees_final(bytea) IS
'final function of forest_agg_trees: grows trees from the rows still held and merges every partial forest into one model';

CREATE AGGREGATE edupredict.forest_agg_trees(features float8[], target float8, params jsonb) (
    SFUNC = edupredict.forest_agg_trees_trans,
    STYPE = bytea,
    SSPACE = 100000,
    FINALFUNC = edupredict.forest_agg_trees_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = edupredict.forest_agg_trees_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.forest_agg_trees(float8[], float8, jsonb) IS
'random forest over the rows whose partial states on Citus shards each grow params.n_trees trees from their own rows; the forests are merged into one model (on one node, serial or parallel plan: forest_agg''s model); needs params.task';

CREATE AGGREGATE edupredict.forest_agg_trees(features float8[], target text, params jsonb) (
    SFUNC = edupredict.forest_agg_trees_trans,
    STYPE = bytea,
    SSPACE = 100000,
    FINALFUNC = edupredict.forest_agg_trees_final,
    FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = edupredict.forest_agg_trees_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.forest_agg_trees(float8[], text, jsonb) IS
'random forest classifier (class labels as text) whose partial states each grow params.n_trees trees from their own rows, merged into one model';
