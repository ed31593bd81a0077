
-- ---------------------------------------------------------------------------
-- Model references (issue 15; docs/scale-out.md): on Citus a query over a
-- distributed table runs predict('name', ...) on the workers, whose registry
-- is empty.  With edupredict in shared_preload_libraries, the planner rewrites
-- each call with a constant name into its *_by_ref twin whose first argument
-- is a subquery over the registry (src/model_name_rewrite.c): Citus runs that
-- subquery on the coordinator, with the caller's rights, and sends its one
-- value to the workers.  The *_by_ref functions are the same C functions as
-- the name-based ones; they read the model from the reference instead of the
-- registry, parsing it once per call site and registry row.
-- ---------------------------------------------------------------------------

CREATE TYPE edupredict.model_ref AS (name text, id bigint, row_version text, model bytea);
COMMENT ON TYPE edupredict.model_ref IS
'internal: a registry model as a value (its name, registry id, row version and bytes) for the rewritten name-based calls';

CREATE FUNCTION edupredict.model_ref_lookup(model_name text, version int, anchor bigint)
RETURNS edupredict.model_ref
AS 'MODULE_PATHNAME', 'model_ref_lookup'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.model_ref_lookup(text, int, bigint) IS
'internal: the registry model of a name and version (NULL: deployed, else newest) that the caller may read, as a model_ref; anchor is ignored (it ties the rewritten subquery to the registry table)';

-- the twins of 0.1.0's predict(text, record) and predict(text, float8[]) (a
-- NULL version appended), and of the 0.2.0 forms with a version and threshold
CREATE FUNCTION edupredict.predict_by_ref(model edupredict.model_ref, "row" record, version int)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_by_ref(edupredict.model_ref, record, int) IS
'internal: predict(model_name, row) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_by_ref(model edupredict.model_ref, features float8[], version int)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_by_ref(edupredict.model_ref, float8[], int) IS
'internal: predict(model_name, features) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_by_ref(model edupredict.model_ref, "row" record, version int,
                                          threshold float8)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_by_ref(edupredict.model_ref, record, int, float8) IS
'internal: predict(model_name, row, version, threshold) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_by_ref(model edupredict.model_ref, features float8[], version int,
                                          threshold float8)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_by_ref(edupredict.model_ref, float8[], int, float8) IS
'internal: predict(model_name, features, version, threshold) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_proba_by_ref(model edupredict.model_ref, "row" record, version int)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'model_predict_proba_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba_by_ref(edupredict.model_ref, record, int) IS
'internal: predict_proba(model_name, row, version) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_proba_by_ref(model edupredict.model_ref, "row" record, class text,
                                                version int)
RETURNS float8
AS 'MODULE_PATHNAME', 'model_predict_proba_row_class'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba_by_ref(edupredict.model_ref, record, text, int) IS
'internal: predict_proba(model_name, row, class, version) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_proba_by_ref(model edupredict.model_ref, features float8[], version int)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'model_predict_proba_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_proba_by_ref(edupredict.model_ref, float8[], int) IS
'internal: predict_proba(model_name, features, version) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.predict_label_by_ref(model edupredict.model_ref, "row" record,
                                                version int, threshold float8)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_label'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_label_by_ref(edupredict.model_ref, record, int, float8) IS
'internal: predict_label(model_name, row, version, threshold) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.explain_by_ref(model edupredict.model_ref, "row" record, top_k int,
                                          version int, class text)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_row'
LANGUAGE C STABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain_by_ref(edupredict.model_ref, record, int, int, text) IS
'internal: explain(model_name, row, top_k, version, class) with the model resolved on the coordinator';

CREATE FUNCTION edupredict.explain_by_ref(model edupredict.model_ref, features float8[], top_k int,
                                          version int, class text)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_array'
LANGUAGE C STABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain_by_ref(edupredict.model_ref, float8[], int, int, text) IS
'internal: explain(model_name, features, top_k, version, class) with the model resolved on the coordinator';

GRANT EXECUTE ON FUNCTION edupredict.model_ref_lookup(text, int, bigint) TO edupredict_user;
