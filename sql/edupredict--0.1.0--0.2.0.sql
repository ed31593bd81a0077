-- edupredict 0.1.0 -> 0.2.0 upgrade script, assembled by make from
-- sql/update/0.1.0--0.2.0/NN_*.sql (one fragment per area, sorted by name).
-- CREATE EXTENSION edupredict installs 0.1.0 and then runs this script, so a
-- fresh install and an upgraded one are the same by construction.
\echo Use "ALTER EXTENSION edupredict UPDATE TO '0.2.0'" to load this file. \quit
-- Keyed pseudonymisation (src/pii*.c, docs/pii.md).
-- edupredict.pii_key, edupredict.pii_key_file and edupredict.pii_phone_country
-- are PGC_SIGHUP now: set in postgresql.conf (or by ALTER SYSTEM) and reload.

COMMENT ON FUNCTION edupredict.sha256_pii(text, text) IS
'lowercase hex HMAC-SHA256 of the normalised value, keyed by edupredict.pii_key or edupredict.pii_key_file; kind is text, email, name, postcode or phone; a leading 0 in a phone number becomes edupredict.pii_phone_country';

-- The country for a leading 0 travels with the call, so every node (Citus
-- workers included) and every session gives the same pseudonym.
CREATE FUNCTION edupredict.sha256_pii(value text, kind text, phone_country text)
RETURNS text
AS 'MODULE_PATHNAME', 'sha256_pii'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.sha256_pii(text, text, text) IS
'lowercase hex HMAC-SHA256 of the normalised value, keyed by the server''s PII key; a leading 0 in a phone number becomes phone_country (1 to 4 digits) instead of the server default';

CREATE FUNCTION edupredict.pii_key_fingerprint()
RETURNS text
AS 'MODULE_PATHNAME', 'pii_key_fingerprint'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.pii_key_fingerprint() IS
'first 8 bytes (16 hex digits) of HMAC-SHA256(key, ''edupredict key fingerprint''): equal on two servers exactly when they hold the same PII key, and reveals nothing about the key';

-- 0.1.0 accepted ALTER DATABASE/ROLE ... SET edupredict.pii_key.  Those values
-- are ignored now but stay readable in pg_db_role_setting, and ALTER ... RESET
-- of a PGC_SIGHUP setting is refused, so this removes them.
CREATE FUNCTION edupredict.forget_stored_pii_keys()
RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  removed integer;
BEGIN
  SELECT pg_catalog.count(*)::integer INTO removed
  FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c
  WHERE pg_catalog.starts_with(pg_catalog.lower(c), 'edupredict.pii_key');

  UPDATE pg_catalog.pg_db_role_setting s
  SET setconfig = ARRAY(SELECT c FROM pg_catalog.unnest(s.setconfig) WITH ORDINALITY u(c, i)
                        WHERE NOT pg_catalog.starts_with(pg_catalog.lower(c), 'edupredict.pii_key')
                        ORDER BY i)
  WHERE EXISTS (SELECT FROM pg_catalog.unnest(s.setconfig) c
                WHERE pg_catalog.starts_with(pg_catalog.lower(c), 'edupredict.pii_key'));

  DELETE FROM pg_catalog.pg_db_role_setting
  WHERE pg_catalog.cardinality(setconfig) OPERATOR(pg_catalog.=) 0;
  RETURN removed;
END
$$;

REVOKE ALL ON FUNCTION edupredict.forget_stored_pii_keys() FROM PUBLIC;

COMMENT ON FUNCTION edupredict.forget_stored_pii_keys() IS
'superuser only: writes pg_db_role_setting, removing every stored value of edupredict.pii_key (set by ALTER DATABASE/ROLE under 0.1.0, now ignored but readable by PUBLIC); returns how many it removed';

-- Models: a version argument on every function that reads a registry model
-- (NULL: the deployed version, else the newest).  The 0.1.0 signatures stay
-- as they were, so views and functions that call them keep working.

CREATE FUNCTION edupredict.predict(model_name text, "row" record, version int)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, record, int) IS
'class label or value as text of one version of a registry model for a row (version NULL: the deployed one, else the newest)';

CREATE FUNCTION edupredict.predict(model_name text, features float8[], version int)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, float8[], int) IS
'class label or value as text of one version of a registry model for features in model order';

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
LANGUAGE C STABLE PARALLEL SAFE COST 100000 ROWS 20;
COMMENT ON FUNCTION edupredict.evaluate(text, regclass, int) IS
'metrics of one version of a registry model on a relation holding its features and target';

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

-- Balanced spectral clustering (src/spectral*.c, docs/clustering.md).
-- 0.2.0: on_infeasible says what a partition that cannot be split as asked
-- gets ('error', 'null' or 'nearest').  The window functions gain it as their
-- last argument, so the 0.1.0 ones are dropped and created again; every call
-- written for 0.1.0, positional or named, means what it meant.
DROP FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer);
DROP FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer);

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, k integer, n_neighbors integer DEFAULT NULL, seed integer DEFAULT 42,
    on_infeasible text DEFAULT 'error')
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_k_0_2'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, text) IS
'window function: 0-based hub of each point, k hubs of floor(N/k) or ceil(N/k) points each (N = non-empty points of the partition); spectral start from a k-nearest-neighbour graph, exact min-cost-flow assignment; deterministic for a seed; a partition with fewer than k points is an error, NULL hubs or one hub per point (on_infeasible error, null, nearest)';

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, min_size integer, max_size integer, n_neighbors integer DEFAULT NULL,
    seed integer DEFAULT 42, on_infeasible text DEFAULT 'error')
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_range_0_2'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer, text) IS
'window function: 0-based hub of each point, every hub of min_size to max_size points, as many hubs as the feasible count closest to N / ((min_size + max_size) / 2); deterministic for a seed; a partition no hub count fits is an error, NULL hubs or the nearest feasible sizes with a NOTICE (on_infeasible error, null, nearest)';
