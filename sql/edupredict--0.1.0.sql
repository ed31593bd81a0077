-- edupredict 0.1.0 install script, assembled by make from sql/install/*.sql.
\echo Use "CREATE EXTENSION edupredict" to load this file. \quit

-- The schema `edupredict` is created by CREATE EXTENSION (control file).

-- Ordinary roles call the functions; objects that need it restrict themselves.
GRANT USAGE ON SCHEMA edupredict TO PUBLIC;

-- Keyed pseudonymisation (src/pii.c, docs/pii.md).
CREATE FUNCTION edupredict.sha256_pii(value text, kind text DEFAULT 'text')
RETURNS text
AS 'MODULE_PATHNAME', 'sha256_pii'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.sha256_pii(text, text) IS
'lowercase hex HMAC-SHA256 of the normalised value, keyed by edupredict.pii_key; kind is text, email, name, postcode or phone';

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
-- Balanced spectral clustering of points into equal-size hubs
-- (src/spectral*.c, docs/clustering.md).

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, k integer, n_neighbors integer DEFAULT NULL, seed integer DEFAULT 42)
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_k'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer) IS
'window function: 0-based hub of each point, k hubs of floor(N/k) or ceil(N/k) points each (N = non-empty points of the partition); spectral start from a k-nearest-neighbour graph, exact min-cost-flow assignment; deterministic for a seed';

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, min_size integer, max_size integer, n_neighbors integer DEFAULT NULL,
    seed integer DEFAULT 42)
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_range'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer) IS
'window function: 0-based hub of each point, every hub of min_size to max_size points, as many hubs as the feasible count closest to N / ((min_size + max_size) / 2); deterministic for a seed';

CREATE FUNCTION edupredict.hub_summary(geom geometry[], hub integer[])
RETURNS TABLE (hub integer, size integer, centroid geometry, mean_km double precision,
               max_km double precision)
AS 'MODULE_PATHNAME', 'hub_summary'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000 ROWS 100;

COMMENT ON FUNCTION edupredict.hub_summary(geometry[], integer[]) IS
'per hub: size, centroid (mean longitude and latitude, or mean x and y) and mean and max member distance to it in km (great-circle for geographic SRIDs; planar units taken as metres otherwise); NULL or empty geometries and NULL hubs are skipped';

-- school_term: a term of the English school year (src/school_term.c, docs/forecasting.md).
CREATE TYPE edupredict.school_term;

CREATE FUNCTION edupredict.school_term_in(cstring) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_out(edupredict.school_term) RETURNS cstring
AS 'MODULE_PATHNAME', 'school_term_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_recv(internal) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_send(edupredict.school_term) RETURNS bytea
AS 'MODULE_PATHNAME', 'school_term_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE edupredict.school_term (
	INPUT = edupredict.school_term_in,
	OUTPUT = edupredict.school_term_out,
	RECEIVE = edupredict.school_term_recv,
	SEND = edupredict.school_term_send,
	INTERNALLENGTH = 4,
	PASSEDBYVALUE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE edupredict.school_term IS
'a school term such as ''2023 Summer'': Spring is January-March, Summer April-August, Autumn September-December';

COMMENT ON FUNCTION edupredict.school_term_in(cstring) IS 'school_term text input: ''YYYY Spring|Summer|Autumn''';
COMMENT ON FUNCTION edupredict.school_term_out(edupredict.school_term) IS 'school_term text output';
COMMENT ON FUNCTION edupredict.school_term_recv(internal) IS 'school_term binary input (int4 year * 3 + season)';
COMMENT ON FUNCTION edupredict.school_term_send(edupredict.school_term) IS 'school_term binary output (int4 year * 3 + season)';

-- Comparison.
CREATE FUNCTION edupredict.school_term_lt(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_le(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_eq(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_ne(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_ge(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_gt(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_cmp(edupredict.school_term, edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_sortsupport(internal) RETURNS void
AS 'MODULE_PATHNAME', 'school_term_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_hash(edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_hash_extended(edupredict.school_term, bigint) RETURNS bigint
AS 'MODULE_PATHNAME', 'school_term_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_smaller(edupredict.school_term, edupredict.school_term) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_larger(edupredict.school_term, edupredict.school_term) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.school_term_lt(edupredict.school_term, edupredict.school_term) IS 'school_term less than';
COMMENT ON FUNCTION edupredict.school_term_le(edupredict.school_term, edupredict.school_term) IS 'school_term less than or equal';
COMMENT ON FUNCTION edupredict.school_term_eq(edupredict.school_term, edupredict.school_term) IS 'school_term equal';
COMMENT ON FUNCTION edupredict.school_term_ne(edupredict.school_term, edupredict.school_term) IS 'school_term not equal';
COMMENT ON FUNCTION edupredict.school_term_ge(edupredict.school_term, edupredict.school_term) IS 'school_term greater than or equal';
COMMENT ON FUNCTION edupredict.school_term_gt(edupredict.school_term, edupredict.school_term) IS 'school_term greater than';
COMMENT ON FUNCTION edupredict.school_term_cmp(edupredict.school_term, edupredict.school_term) IS 'school_term btree comparison: -1, 0 or 1';
COMMENT ON FUNCTION edupredict.school_term_sortsupport(internal) IS 'school_term btree sort support';
COMMENT ON FUNCTION edupredict.school_term_hash(edupredict.school_term) IS 'school_term hash';
COMMENT ON FUNCTION edupredict.school_term_hash_extended(edupredict.school_term, bigint) IS 'school_term seeded 64-bit hash';
COMMENT ON FUNCTION edupredict.school_term_smaller(edupredict.school_term, edupredict.school_term) IS 'the earlier of two terms (min support)';
COMMENT ON FUNCTION edupredict.school_term_larger(edupredict.school_term, edupredict.school_term) IS 'the later of two terms (max support)';

CREATE OPERATOR edupredict.< (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR edupredict.<= (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR edupredict.= (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR edupredict.<> (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR edupredict.>= (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR edupredict.> (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel);

CREATE OPERATOR CLASS edupredict.school_term_ops
DEFAULT FOR TYPE edupredict.school_term USING btree AS
	OPERATOR 1 edupredict.<,
	OPERATOR 2 edupredict.<=,
	OPERATOR 3 edupredict.=,
	OPERATOR 4 edupredict.>=,
	OPERATOR 5 edupredict.>,
	FUNCTION 1 edupredict.school_term_cmp(edupredict.school_term, edupredict.school_term),
	FUNCTION 2 edupredict.school_term_sortsupport(internal);

CREATE OPERATOR CLASS edupredict.school_term_hash_ops
DEFAULT FOR TYPE edupredict.school_term USING hash AS
	OPERATOR 1 edupredict.=,
	FUNCTION 1 edupredict.school_term_hash(edupredict.school_term),
	FUNCTION 2 edupredict.school_term_hash_extended(edupredict.school_term, bigint);

CREATE AGGREGATE edupredict.min(edupredict.school_term) (
	SFUNC = edupredict.school_term_smaller, STYPE = edupredict.school_term,
	COMBINEFUNC = edupredict.school_term_smaller, SORTOP = OPERATOR(edupredict.<), PARALLEL = SAFE);
CREATE AGGREGATE edupredict.max(edupredict.school_term) (
	SFUNC = edupredict.school_term_larger, STYPE = edupredict.school_term,
	COMBINEFUNC = edupredict.school_term_larger, SORTOP = OPERATOR(edupredict.>), PARALLEL = SAFE);
COMMENT ON AGGREGATE edupredict.min(edupredict.school_term) IS 'the earliest term';
COMMENT ON AGGREGATE edupredict.max(edupredict.school_term) IS 'the latest term';

-- Arithmetic in terms: '2023 Autumn' + 1 = '2024 Spring'.
CREATE FUNCTION edupredict.school_term_pl_int4(edupredict.school_term, integer) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_pl_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.int4_pl_school_term(integer, edupredict.school_term) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'int4_pl_school_term' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_mi_int4(edupredict.school_term, integer) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_mi_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_mi(edupredict.school_term, edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_mi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.school_term_pl_int4(edupredict.school_term, integer) IS 'the term n terms later';
COMMENT ON FUNCTION edupredict.int4_pl_school_term(integer, edupredict.school_term) IS 'the term n terms later';
COMMENT ON FUNCTION edupredict.school_term_mi_int4(edupredict.school_term, integer) IS 'the term n terms earlier';
COMMENT ON FUNCTION edupredict.school_term_mi(edupredict.school_term, edupredict.school_term) IS 'the number of terms from the second term to the first';

CREATE OPERATOR edupredict.+ (LEFTARG = edupredict.school_term, RIGHTARG = integer,
	FUNCTION = edupredict.school_term_pl_int4, COMMUTATOR = +);
CREATE OPERATOR edupredict.+ (LEFTARG = integer, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.int4_pl_school_term, COMMUTATOR = +);
CREATE OPERATOR edupredict.- (LEFTARG = edupredict.school_term, RIGHTARG = integer,
	FUNCTION = edupredict.school_term_mi_int4);
CREATE OPERATOR edupredict.- (LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_mi);

-- Calendar conversions.
CREATE FUNCTION edupredict.term_of(d date) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_of_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_start(term edupredict.school_term) RETURNS date
AS 'MODULE_PATHNAME', 'school_term_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_end(term edupredict.school_term) RETURNS date
AS 'MODULE_PATHNAME', 'school_term_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_year(term edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_year' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_season(term edupredict.school_term) RETURNS text
AS 'MODULE_PATHNAME', 'school_term_season' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.term_of(date) IS 'the school term containing a date';
COMMENT ON FUNCTION edupredict.term_start(edupredict.school_term) IS 'the first day of a term (1 January, 1 April or 1 September)';
COMMENT ON FUNCTION edupredict.term_end(edupredict.school_term) IS 'the last day of a term (31 March, 31 August or 31 December)';
COMMENT ON FUNCTION edupredict.term_year(edupredict.school_term) IS 'the calendar year of a term';
COMMENT ON FUNCTION edupredict.term_season(edupredict.school_term) IS 'Spring, Summer or Autumn';

-- expected_count(p): Poisson-binomial distribution of a count (src/expected_count.c, docs/forecasting.md).
CREATE TYPE edupredict.count_distribution AS (
	expected double precision,
	sd double precision,
	p10 bigint,
	p50 bigint,
	p90 bigint
);
COMMENT ON TYPE edupredict.count_distribution IS
'distribution of a count: mean, standard deviation and the 10th, 50th and 90th percentile counts';

CREATE FUNCTION edupredict.expected_count_trans(state double precision[], p double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'expected_count_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.expected_count_combine(a double precision[], b double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'expected_count_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.expected_count_final(state double precision[])
RETURNS edupredict.count_distribution
AS 'MODULE_PATHNAME', 'expected_count_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.expected_count_trans(double precision[], double precision) IS
'expected_count transition: convolves the count pmf with one Bernoulli(p)';
COMMENT ON FUNCTION edupredict.expected_count_combine(double precision[], double precision[]) IS
'expected_count combine: convolves two partial count pmfs';
COMMENT ON FUNCTION edupredict.expected_count_final(double precision[]) IS
'expected_count final: mean, sd and 10th/50th/90th percentile counts';

-- State: {tag, n, sum p, sum p(1-p), offset, pmf length, trimmed mass, pmf...}; starts as a point mass at 0.
CREATE AGGREGATE edupredict.expected_count(p double precision) (
	SFUNC = edupredict.expected_count_trans,
	STYPE = double precision[],
	FINALFUNC = edupredict.expected_count_final,
	COMBINEFUNC = edupredict.expected_count_combine,
	INITCOND = '{7041,0,0,0,0,1,0,1}',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.expected_count(double precision) IS
'exact distribution of the number of successes among independent events with probabilities p (Poisson-binomial): (expected, sd, p10, p50, p90); NULLs are ignored';

-- Tutor data generator (docs/forecasting.md, "Data contract and generator").
--
-- Counter-based random numbers (src/forecast_rng.c): a draw is a pure function of
-- (seed, stream, key1, key2), so generated data does not depend on plans or row order.
CREATE FUNCTION edupredict.seeded_uniform(seed bigint, stream bigint, key1 bigint, key2 bigint DEFAULT 0)
RETURNS double precision
AS 'MODULE_PATHNAME', 'seeded_uniform' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.seeded_normal(seed bigint, stream bigint, key1 bigint, key2 bigint DEFAULT 0)
RETURNS double precision
AS 'MODULE_PATHNAME', 'seeded_normal' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.seeded_uniform(bigint, bigint, bigint, bigint) IS
'a uniform number in (0, 1) that depends only on its arguments (SplitMix64 of seed, stream and keys)';
COMMENT ON FUNCTION edupredict.seeded_normal(bigint, bigint, bigint, bigint) IS
'a standard normal number that depends only on its arguments (Box-Muller over seeded_uniform draws)';

-- The schools the generator places tutors in: the state-funded open schools (phases Primary,
-- Secondary, All Through, Middle Deemed Secondary) of the London Schools Atlas copy in
-- data/london_schools_wlz/all_schools_xy_2016.csv, one row per URN (the first of duplicated
-- rows): 2,619 schools in 54 local authorities.  Bundled so that generate_tutor_data works in
-- any database where the extension is installed.
CREATE TABLE edupredict.london_schools (
	urn integer PRIMARY KEY,
	la_name text NOT NULL,
	phase text NOT NULL,
	longitude double precision NOT NULL,
	latitude double precision NOT NULL
);
COMMENT ON TABLE edupredict.london_schools IS
'state-funded open schools of the London Schools Atlas (GLA, Open Government Licence): urn, local authority, phase, WGS84 coordinates';
INSERT INTO edupredict.london_schools (urn, la_name, phase, longitude, latitude) VALUES
(100000,'City of London','Primary',-0.0775428,51.5139999),
(100008,'Camden','Primary',-0.12392,51.528801),
(100009,'Camden','Primary',-0.200185,51.5507011),
(100010,'Camden','Primary',-0.127852,51.5475006),
(100011,'Camden','Primary',-0.144591,51.5635986),
(100012,'Camden','Primary',-0.149711,51.5512009),
(100013,'Camden','Primary',-0.131151,51.5327988),
(100014,'Camden','Primary',-0.159853,51.553299),
(100015,'Camden','Primary',-0.142802,51.5405006),
(100018,'Camden','Primary',-0.140447,51.5275993),
(100019,'Camden','Primary',-0.176888,51.5579987),
(100020,'Camden','Primary',-0.151366,51.5395012),
(100021,'Camden','Primary',-0.150601,51.547699),
(100022,'Camden','Primary',-0.136562,51.5354996),
(100023,'Camden','Primary',-0.132853,51.5497017),
(100025,'Camden','Primary',-0.151803,51.5550995),
(100026,'Camden','Primary',-0.175873,51.5533981),
(100027,'Camden','Primary',-0.139025,51.5545998),
(100028,'Camden','Primary',-0.176319,51.5596008),
(100029,'Camden','Primary',-0.144251,51.5312004),
(100030,'Camden','Primary',-0.193657,51.5523987),
(100031,'Camden','Primary',-0.179578,51.5564003),
(100032,'Camden','Primary',-0.177908,51.5461998),
(100033,'Camden','Primary',-0.145829,51.5441017),
(100034,'Camden','Primary',-0.139284,51.5497017),
(100035,'Camden','Primary',-0.166795,51.5521011),
(100036,'Camden','Primary',-0.111038,51.5201988),
(100037,'Camden','Primary',-0.13437,51.531601),
(100038,'Camden','Primary',-0.132466,51.530201),
(100039,'Camden','Primary',-0.157537,51.5517006),
(100040,'Camden','Primary',-0.116614,51.5223999),
(100041,'Camden','Primary',-0.121885,51.516201),
(100042,'Camden','Primary',-0.193367,51.5404015),
(100043,'Camden','Primary',-0.134483,51.5323982),
(100044,'Camden','Primary',-0.138405,51.5391006),
(100045,'Camden','Primary',-0.142936,51.5493011),
(100046,'Camden','Primary',-0.162902,51.5416985),
(100047,'Camden','Primary',-0.193762,51.5410004),
(100048,'Camden','Primary',-0.137491,51.5388985),
(100049,'Camden','Secondary',-0.153242,51.5447998),
(100050,'Camden','Secondary',-0.14966,51.5584984),
(100051,'Camden','Secondary',-0.133541,51.5343018),
(100052,'Camden','Secondary',-0.206991,51.5559006),
(100053,'Camden','Secondary',-0.141143,51.5574989),
(100054,'Camden','Secondary',-0.134705,51.5460014),
(100055,'Camden','Secondary',-0.13209,51.5306015),
(100056,'Camden','Secondary',-0.15112,51.5587997),
(100059,'Camden','Secondary',-0.149453,51.5600014),
(100111,'Greenwich','Primary',0.0113055,51.4935989),
(100112,'Greenwich','Primary',0.0860182,51.4485016),
(100113,'Greenwich','Primary',0.0946243,51.4872017),
(100114,'Greenwich','Primary',-0.0145226,51.4701004),
(100115,'Greenwich','Primary',0.0321038,51.4762993),
(100120,'Greenwich','Primary',0.0355087,51.4574013),
(100125,'Greenwich','Primary',0.0269763,51.4844017),
(100126,'Greenwich','Primary',0.0987122,51.4846001),
(100127,'Greenwich','Primary',0.0544912,51.4585991),
(100128,'Greenwich','Primary',0.0568188,51.4341011),
(100129,'Greenwich','Primary',0.0416247,51.4553986),
(100130,'Greenwich','Primary',0.0151668,51.4850998),
(100131,'Greenwich','Primary',0.0428429,51.4623985),
(100132,'Greenwich','Primary',0.0249906,51.4445),
(100134,'Greenwich','Primary',0.0205569,51.4790001),
(100136,'Greenwich','Primary',0.03217,51.4700012),
(100137,'Greenwich','Primary',-0.001569,51.483799),
(100140,'Greenwich','Primary',0.074359,51.4780006),
(100141,'Greenwich','Primary',0.0256758,51.4800987),
(100142,'Greenwich','Primary',0.041829,51.4866982),
(100145,'Greenwich','Primary',0.0492902,51.4892998),
(100146,'Greenwich','Primary',0.0694908,51.4401016),
(100148,'Greenwich','Primary',0.0184462,51.4640999),
(100149,'Greenwich','Primary',0.0624333,51.4277992),
(100150,'Greenwich','Primary',0.117093,51.4933014),
(100151,'Greenwich','Primary',0.0941711,51.4785004),
(100152,'Greenwich','Primary',0.111265,51.4959984),
(100154,'Greenwich','Primary',0.0221555,51.4617004),
(100155,'Greenwich','Primary',0.0529419,51.4903984),
(100156,'Greenwich','Primary',0.0743392,51.4868011),
(100157,'Greenwich','Primary',0.115663,51.5028992),
(100158,'Greenwich','Primary',0.0827389,51.4940987),
(100159,'Greenwich','Primary',0.113001,51.5079002),
(100160,'Greenwich','Primary',0.0707921,51.4832001),
(100162,'Greenwich','Primary',0.0863898,51.4796982),
(100163,'Greenwich','Primary',0.0609427,51.4887009),
(100164,'Greenwich','Primary',0.0368628,51.4774017),
(100165,'Greenwich','Primary',0.006356,51.4880981),
(100166,'Greenwich','Primary',0.060818,51.4698982),
(100167,'Greenwich','Primary',0.0564409,51.4516983),
(100168,'Greenwich','Primary',0.0278068,51.4798012),
(100169,'Greenwich','Primary',0.0052856,51.4864006),
(100170,'Greenwich','Primary',0.0763775,51.4833984),
(100171,'Greenwich','All Through',0.0613148,51.4911995),
(100172,'Greenwich','Primary',0.0639526,51.4534988),
(100173,'Greenwich','Primary',0.0854903,51.4877014),
(100174,'Greenwich','Primary',-0.0122327,51.4817009),
(100175,'Greenwich','Primary',0.0686807,51.4870987),
(100176,'Greenwich','Primary',0.0449031,51.4617996),
(100177,'Greenwich','Primary',0.104011,51.4916992),
(100178,'Greenwich','Primary',0.0303548,51.4599991),
(100179,'Greenwich','Primary',0.0670411,51.4810982),
(100180,'Greenwich','Primary',0.113104,51.5010986),
(100181,'Greenwich','Primary',0.118844,51.5084),
(100182,'Greenwich','Secondary',0.0457715,51.450901),
(100183,'Greenwich','Secondary',0.0843779,51.4828987),
(100190,'Greenwich','Secondary',0.0263195,51.4646988),
(100192,'Greenwich','Secondary',0.0070189,51.4785995),
(100193,'Greenwich','Secondary',-0.0058218,51.4757996),
(100197,'Greenwich','Primary',0.112662,51.5043983),
(100218,'Hackney','Primary',-0.0448512,51.5460014),
(100221,'Hackney','Primary',-0.0741423,51.549099),
(100223,'Hackney','Primary',-0.0380014,51.5527),
(100224,'Hackney','Primary',-0.0769998,51.5452995),
(100225,'Hackney','Primary',-0.025983,51.5457993),
(100229,'Hackney','Primary',-0.0457592,51.5365982),
(100230,'Hackney','Primary',-0.0600634,51.5373001),
(100231,'Hackney','Primary',-0.0509641,51.5559006),
(100232,'Hackney','Primary',-0.0502974,51.5465012),
(100234,'Hackney','Primary',-0.0490683,51.5409012),
(100235,'Hackney','Primary',-0.0717606,51.539299),
(100236,'Hackney','Primary',-0.074709,51.5332985),
(100239,'Hackney','Primary',-0.0776093,51.5527992),
(100240,'Hackney','Primary',-0.0659588,51.5340004),
(100241,'Hackney','Primary',-0.072772,51.5531998),
(100242,'Hackney','Primary',-0.0536418,51.5634003),
(100243,'Hackney','Primary',-0.0912117,51.5331001),
(100244,'Hackney','Primary',-0.0663649,51.5693016),
(100245,'Hackney','Primary',-0.0858696,51.5349998),
(100248,'Hackney','Primary',-0.0909735,51.5736008),
(100250,'Hackney','Primary',-0.0353097,51.5536003),
(100251,'Hackney','Primary',-0.0820873,51.5704994),
(100252,'Hackney','Primary',-0.0835736,51.5550003),
(100253,'Hackney','Primary',-0.0659527,51.5661011),
(100254,'Hackney','Primary',-0.0644998,51.5568008),
(100255,'Hackney','Primary',-0.0578265,51.5573006),
(100256,'Hackney','Primary',-0.0540847,51.5672989),
(100257,'Hackney','Primary',-0.075002,51.5700989),
(100258,'Hackney','Primary',-0.0831442,51.5642014),
(100259,'Hackney','Primary',-0.0993251,51.5651016),
(100260,'Hackney','Primary',-0.0652005,51.5583),
(100261,'Hackney','Primary',-0.0396022,51.5570984),
(100263,'Hackney','Primary',-0.0735189,51.5427017),
(100264,'Hackney','Primary',-0.0786078,51.5444984),
(100266,'Hackney','Primary',-0.0840525,51.530899),
(100267,'Hackney','Primary',-0.0793649,51.5528984),
(100268,'Hackney','Primary',-0.080625,51.5284004),
(100269,'Hackney','Primary',-0.0655061,51.5374985),
(100270,'Hackney','Primary',-0.0501681,51.5401001),
(100271,'Hackney','Primary',-0.0815231,51.5623016),
(100274,'Hackney','Primary',-0.0625261,51.5587997),
(100275,'Hackney','Primary',-0.0684935,51.5657005),
(100277,'Hackney','Secondary',-0.0719919,51.5325012),
(100279,'Hackney','Secondary',-0.0846212,51.5578995),
(100282,'Hackney','Secondary',-0.0752448,51.5742989),
(100284,'Hackney','Secondary',-0.0539329,51.5444984),
(100285,'Hackney','Secondary',-0.0473903,51.5470009),
(100321,'Hammersmith and Fulham','Primary',-0.219219,51.4998016),
(100322,'Hammersmith and Fulham','Primary',-0.20937,51.4948997),
(100324,'Hammersmith and Fulham','Primary',-0.232846,51.4999008),
(100326,'Hammersmith and Fulham','Primary',-0.22885,51.5041008),
(100328,'Hammersmith and Fulham','Primary',-0.235491,51.4948006),
(100329,'Hammersmith and Fulham','Primary',-0.197991,51.4835014),
(100331,'Hammersmith and Fulham','Primary',-0.235348,51.5317001),
(100334,'Hammersmith and Fulham','Primary',-0.221176,51.4861984),
(100335,'Hammersmith and Fulham','Primary',-0.243848,51.5180016),
(100337,'Hammersmith and Fulham','Primary',-0.221783,51.4799004),
(100338,'Hammersmith and Fulham','Primary',-0.209646,51.4831009),
(100339,'Hammersmith and Fulham','Primary',-0.199492,51.4706993),
(100340,'Hammersmith and Fulham','Primary',-0.248981,51.5032997),
(100341,'Hammersmith and Fulham','Primary',-0.23876,51.5116997),
(100344,'Hammersmith and Fulham','Primary',-0.213631,51.4729004),
(100345,'Hammersmith and Fulham','Primary',-0.198997,51.4758987),
(100346,'Hammersmith and Fulham','Primary',-0.235731,51.4967995),
(100347,'Hammersmith and Fulham','Primary',-0.209627,51.4842987),
(100349,'Hammersmith and Fulham','Primary',-0.209133,51.4771004),
(100350,'Hammersmith and Fulham','Primary',-0.215999,51.4989014),
(100351,'Hammersmith and Fulham','Primary',-0.227212,51.4906006),
(100352,'Hammersmith and Fulham','Primary',-0.240146,51.4921989),
(100353,'Hammersmith and Fulham','Primary',-0.227642,51.5056),
(100354,'Hammersmith and Fulham','Primary',-0.245275,51.5027008),
(100355,'Hammersmith and Fulham','Primary',-0.232715,51.5121994),
(100357,'Hammersmith and Fulham','Primary',-0.207337,51.4813995),
(100359,'Hammersmith and Fulham','Secondary',-0.237855,51.5130997),
(100397,'Islington','Primary',-0.101753,51.5625992),
(100401,'Islington','Primary',-0.118647,51.5357018),
(100402,'Islington','Primary',-0.105745,51.5516014),
(100403,'Islington','Primary',-0.123676,51.5668983),
(100405,'Islington','Primary',-0.10007,51.5600014),
(100406,'Islington','Primary',-0.119136,51.5591011),
(100407,'Islington','Primary',-0.0986016,51.5330009),
(100408,'Islington','Primary',-0.140089,51.5643005),
(100411,'Islington','Primary',-0.104565,51.5444984),
(100415,'Islington','Primary',-0.0993677,51.5284004),
(100418,'Islington','Primary',-0.114027,51.5587997),
(100422,'Islington','Primary',-0.121762,51.5447998),
(100425,'Islington','Primary',-0.109939,51.5409012),
(100426,'Islington','Primary',-0.113352,51.5354004),
(100428,'Islington','Primary',-0.118062,51.5323982),
(100429,'Islington','Primary',-0.130418,51.5611992),
(100430,'Islington','Primary',-0.129585,51.5545006),
(100431,'Islington','Primary',-0.0918841,51.5540009),
(100432,'Islington','Primary',-0.124207,51.5737),
(100434,'Islington','Primary',-0.0933917,51.5217018),
(100435,'Islington','Primary',-0.126604,51.5486984),
(100436,'Islington','Primary',-0.11022,51.5284996),
(100437,'Islington','Primary',-0.113541,51.5503006),
(100438,'Islington','Primary',-0.104067,51.5340004),
(100439,'Islington','Primary',-0.133058,51.5625992),
(100440,'Islington','Primary',-0.10078,51.5582008),
(100441,'Islington','Primary',-0.141702,51.5685997),
(100442,'Islington','Primary',-0.0795153,51.5475998),
(100443,'Islington','Primary',-0.091933,51.5265999),
(100444,'Islington','Primary',-0.120954,51.5643997),
(100446,'Islington','Primary',-0.100299,51.5396004),
(100447,'Islington','Primary',-0.100886,51.5247993),
(100448,'Islington','Primary',-0.114635,51.5382004),
(100449,'Islington','Primary',-0.0970096,51.5565987),
(100450,'Islington','Primary',-0.115041,51.5663986),
(100451,'Islington','Primary',-0.119045,51.536499),
(100452,'Islington','Secondary',-0.0979117,51.5499001),
(100453,'Islington','Secondary',-0.129935,51.5536003),
(100455,'Islington','Secondary',-0.101539,51.5527992),
(100457,'Islington','Secondary',-0.112659,51.5330009),
(100458,'Islington','Secondary',-0.0858611,51.5252991),
(100459,'Islington','Secondary',-0.138797,51.5698013),
(100460,'Islington','Secondary',-0.129671,51.5677986),
(100477,'Kensington and Chelsea','Primary',-0.178921,51.4813995),
(100478,'Kensington and Chelsea','Primary',-0.216501,51.5233002),
(100479,'Kensington and Chelsea','Primary',-0.208173,51.5214005),
(100480,'Kensington and Chelsea','Primary',-0.186131,51.4902),
(100481,'Kensington and Chelsea','Primary',-0.203172,51.514801),
(100482,'Kensington and Chelsea','Primary',-0.196923,51.5073013),
(100483,'Kensington and Chelsea','Primary',-0.166066,51.4926987),
(100485,'Kensington and Chelsea','Primary',-0.218988,51.5167999),
(100486,'Kensington and Chelsea','Primary',-0.177975,51.4841995),
(100487,'Kensington and Chelsea','Primary',-0.213811,51.5107002),
(100488,'Kensington and Chelsea','Primary',-0.211277,51.5157013),
(100489,'Kensington and Chelsea','Primary',-0.164328,51.4854012),
(100490,'Kensington and Chelsea','Primary',-0.156759,51.4934998),
(100491,'Kensington and Chelsea','Primary',-0.170102,51.4905014),
(100492,'Kensington and Chelsea','Primary',-0.208982,51.5238991),
(100493,'Kensington and Chelsea','Primary',-0.198457,51.4976997),
(100494,'Kensington and Chelsea','Primary',-0.216992,51.5121994),
(100495,'Kensington and Chelsea','Primary',-0.211365,51.5091019),
(100496,'Kensington and Chelsea','Primary',-0.162169,51.4929008),
(100497,'Kensington and Chelsea','Primary',-0.192229,51.5021019),
(100498,'Kensington and Chelsea','Primary',-0.193653,51.489399),
(100499,'Kensington and Chelsea','Primary',-0.21081,51.5251007),
(100500,'Kensington and Chelsea','Primary',-0.183811,51.485199),
(100502,'Kensington and Chelsea','Secondary',-0.162169,51.4929008),
(100503,'Kensington and Chelsea','Secondary',-0.214879,51.5201988),
(100504,'Kensington and Chelsea','Primary',-0.179445,51.4928017),
(100505,'Kensington and Chelsea','Primary',-0.21518,51.5213013),
(100556,'Lambeth','Primary',-0.11495,51.4819984),
(100560,'Lambeth','Primary',-0.137573,51.4644012),
(100564,'Lambeth','Primary',-0.142262,51.4145012),
(100566,'Lambeth','Primary',-0.143186,51.4701004),
(100567,'Lambeth','Primary',-0.14282,51.4448013),
(100572,'Lambeth','Primary',-0.101437,51.4598999),
(100574,'Lambeth','Primary',-0.0904315,51.4269981),
(100576,'Lambeth','Primary',-0.129744,51.4706993),
(100577,'Lambeth','Primary',-0.0812047,51.4220009),
(100578,'Lambeth','Primary',-0.126969,51.448101),
(100582,'Lambeth','Primary',-0.118076,51.4665985),
(100584,'Lambeth','Primary',-0.119334,51.4584007),
(100585,'Lambeth','Primary',-0.120121,51.4291),
(100586,'Lambeth','Primary',-0.137109,51.4426003),
(100588,'Lambeth','Primary',-0.117704,51.4888992),
(100589,'Lambeth','Primary',-0.113349,51.4939003),
(100590,'Lambeth','Primary',-0.135353,51.4124985),
(100591,'Lambeth','Primary',-0.125493,51.4813004),
(100593,'Lambeth','Primary',-0.10927,51.4235992),
(100595,'Lambeth','Primary',-0.113652,51.4422989),
(100597,'Lambeth','Primary',-0.0919908,51.4319992),
(100598,'Lambeth','Primary',-0.127235,51.4729004),
(100601,'Lambeth','Primary',-0.132165,51.4529991),
(100602,'Lambeth','Primary',-0.105518,51.4311981),
(100604,'Lambeth','Primary',-0.125904,51.4786987),
(100608,'Lambeth','Primary',-0.115991,51.4399986),
(100609,'Lambeth','Primary',-0.109974,51.4916),
(100610,'Lambeth','Primary',-0.108161,51.4762001),
(100611,'Lambeth','Primary',-0.121551,51.4448013),
(100612,'Lambeth','Primary',-0.147451,51.4636993),
(100613,'Lambeth','Primary',-0.122367,51.468399),
(100614,'Southwark','Primary',-0.103731,51.4789009),
(100615,'Lambeth','Primary',-0.1105,51.4614983),
(100616,'Lambeth','Primary',-0.105051,51.4542999),
(100617,'Lambeth','Primary',-0.135667,51.4271011),
(100618,'Lambeth','Primary',-0.0999179,51.4267998),
(100619,'Lambeth','Primary',-0.117322,51.4846001),
(100620,'Lambeth','Primary',-0.0979393,51.4636993),
(100621,'Lambeth','Primary',-0.122331,51.4798012),
(100622,'Lambeth','Primary',-0.118384,51.4476013),
(100623,'Lambeth','Primary',-0.113433,51.4670982),
(100624,'Lambeth','Secondary',-0.09968,51.4231987),
(100625,'Lambeth','Secondary',-0.117674,51.4861984),
(100627,'Lambeth','Secondary',-0.102044,51.4757996),
(100628,'Lambeth','Primary',-0.142814,51.4477005),
(100629,'Lambeth','Primary',-0.11937,51.4855995),
(100631,'Lambeth','Primary',-0.135605,51.4445),
(100632,'Lambeth','Primary',-0.125826,51.4243011),
(100633,'Lambeth','Primary',-0.131552,51.4193993),
(100634,'Lambeth','Primary',-0.115136,51.4775009),
(100636,'Lambeth','Primary',-0.138076,51.4590988),
(100637,'Lambeth','Secondary',-0.142814,51.4477005),
(100638,'Lambeth','Secondary',-0.118751,51.4249992),
(100640,'Lambeth','Secondary',-0.116039,51.4824982),
(100642,'Lambeth','Secondary',-0.108294,51.5064011),
(100671,'Lewisham','Primary',-0.0413856,51.4309006),
(100672,'Lewisham','Primary',-0.0239686,51.4341011),
(100673,'Lewisham','Primary',0.0143357,51.4443016),
(100674,'Lewisham','Primary',-0.0361009,51.4570999),
(100675,'Lewisham','Primary',-0.0379125,51.4770012),
(100676,'Lewisham','Primary',0.0206246,51.4371986),
(100677,'Lewisham','Primary',-0.0434887,51.4435997),
(100678,'Lewisham','Primary',-0.0378766,51.4882011),
(100679,'Lewisham','Primary',0.0003637,51.4281998),
(100680,'Lewisham','Primary',-0.0486327,51.4707985),
(100681,'Lewisham','Primary',-0.0236289,51.4289017),
(100683,'Lewisham','Primary',0.0036034,51.4342003),
(100684,'Lewisham','Primary',-0.0280028,51.4556999),
(100685,'Lewisham','Primary',-0.0294795,51.4814987),
(100686,'Lewisham','Primary',-0.0364168,51.428299),
(100687,'Lewisham','Primary',-0.0045567,51.4513016),
(100688,'Lewisham','Primary',-0.0232262,51.4478989),
(100689,'Lewisham','Primary',-0.0396264,51.4641991),
(100690,'Lewisham','Primary',-0.0627903,51.4325981),
(100691,'Lewisham','Primary',-0.0508136,51.4749985),
(100692,'Lewisham','Primary',0.0144615,51.4266014),
(100693,'Lewisham','Primary',0.0040866,51.4522018),
(100695,'Lewisham','Primary',-0.0282881,51.4716988),
(100696,'Lewisham','Primary',0.0330139,51.4287987),
(100699,'Lewisham','Primary',0.0036641,51.4244003),
(100700,'Lewisham','Primary',-0.0326833,51.4412003),
(100701,'Lewisham','Primary',-0.0190542,51.4429016),
(100702,'Lewisham','Primary',-0.0005594,51.4430008),
(100703,'Lewisham','Primary',-0.0005594,51.4430008),
(100704,'Lewisham','Primary',-0.0389214,51.4494019),
(100705,'Lewisham','Primary',-0.0389214,51.4494019),
(100707,'Lewisham','Primary',-0.0024191,51.4366989),
(100708,'Lewisham','Primary',-0.0024191,51.4366989),
(100709,'Lewisham','Primary',0.0050795,51.466301),
(100710,'Lewisham','Primary',-0.0545324,51.4472008),
(100711,'Lewisham','Primary',-0.0618517,51.4370995),
(100712,'Lewisham','Primary',-0.0421006,51.4858017),
(100713,'Lewisham','Primary',-0.0314443,51.4702988),
(100714,'Lewisham','Primary',-0.059222,51.4438019),
(100715,'Lewisham','Primary',-0.0467914,51.4370003),
(100716,'Lewisham','Primary',-0.025531,51.4692001),
(100717,'Lewisham','Primary',0.0087903,51.453701),
(100718,'Lewisham','Primary',-0.0398399,51.4387016),
(100719,'Lewisham','Primary',0.0034497,51.4695015),
(100720,'Lewisham','Primary',-0.0378744,51.4590988),
(100721,'Lewisham','Primary',-0.0517289,51.4375992),
(100722,'Lewisham','Primary',0.0105027,51.4264984),
(100723,'Lewisham','Primary',-0.0565221,51.4356003),
(100724,'Lewisham','Primary',0.0050754,51.4595985),
(100725,'Lewisham','Primary',-0.0166025,51.424099),
(100726,'Lewisham','Primary',-0.0551613,51.4309998),
(100727,'Lewisham','Primary',-0.0381519,51.4743996),
(100728,'Lewisham','Primary',-0.0116727,51.4290009),
(100729,'Lewisham','Primary',-0.0253593,51.4789009),
(100730,'Lewisham','Primary',-0.0152749,51.455101),
(100731,'Lewisham','Primary',-0.0421805,51.4291),
(100732,'Lewisham','Primary',-0.0415024,51.4263992),
(100733,'Lewisham','Primary',-0.0103357,51.4600983),
(100734,'Lewisham','Primary',-0.0247036,51.4706993),
(100737,'Lewisham','Primary',-0.0391979,51.4443016),
(100739,'Lewisham','Primary',-0.0167123,51.4427986),
(100740,'Lewisham','Secondary',-0.0366008,51.4784012),
(100741,'Lewisham','Secondary',-0.0592104,51.4342003),
(100742,'Lewisham','Secondary',-0.0109464,51.4337997),
(100743,'Lewisham','Secondary',-0.0230644,51.422699),
(100745,'Lewisham','Secondary',-0.0479258,51.4319992),
(100747,'Lewisham','All Through',-0.0276252,51.4496994),
(100748,'Lewisham','Secondary',-0.0283064,51.4747009),
(100749,'Lewisham','All Through',0.007445,51.4552002),
(100750,'Lewisham','Secondary',-0.0260098,51.4594994),
(100752,'Lewisham','Secondary',-0.0017229,51.4266014),
(100753,'Lewisham','Primary',-0.0420571,51.4589005),
(100774,'Southwark','Primary',-0.0516655,51.5),
(100775,'Southwark','Primary',-0.070865,51.4669991),
(100780,'Southwark','Primary',-0.0634428,51.4804001),
(100781,'Southwark','Primary',-0.0965829,51.5012016),
(100782,'Southwark','Primary',-0.0769551,51.4847984),
(100783,'Southwark','Primary',-0.0973606,51.4776001),
(100784,'Southwark','Primary',-0.100952,51.4900017),
(100785,'Southwark','Primary',-0.0956893,51.4720993),
(100786,'Southwark','Primary',-0.0828818,51.4654007),
(100790,'Southwark','Primary',-0.0681153,51.4500008),
(100791,'Southwark','Primary',-0.0819521,51.4962006),
(100793,'Southwark','Primary',-0.0736196,51.4528999),
(100794,'Southwark','Primary',-0.0525505,51.467701),
(100795,'Southwark','Primary',-0.0543907,51.4850006),
(100796,'Southwark','Primary',-0.0462579,51.4595985),
(100798,'Southwark','Primary',-0.0971919,51.4831009),
(100800,'Southwark','Primary',-0.104703,51.4866982),
(100801,'Southwark','Primary',-0.0828877,51.4319),
(100802,'Southwark','Primary',-0.088145,51.4704018),
(100803,'Southwark','Primary',-0.088401,51.4852982),
(100808,'Southwark','Primary',-0.0648234,51.4995003),
(100809,'Southwark','Primary',-0.0926156,51.4888),
(100810,'Southwark','Primary',-0.0498758,51.4916),
(100811,'Southwark','Primary',-0.0838881,51.5014992),
(100812,'Southwark','Primary',-0.0580355,51.4942017),
(100813,'Southwark','Primary',-0.0770265,51.5015984),
(100814,'Southwark','Primary',-0.0852045,51.4928017),
(100815,'Southwark','Primary',-0.092848,51.4929008),
(100816,'Southwark','Primary',-0.105781,51.4958),
(100817,'Southwark','Primary',-0.0687122,51.4863014),
(100818,'Southwark','Primary',-0.0559514,51.4804993),
(100819,'Southwark','Primary',-0.0435828,51.4995995),
(100821,'Southwark','Primary',-0.0782089,51.4748993),
(100822,'Southwark','Primary',-0.0762428,51.4939003),
(100823,'Southwark','Primary',-0.0871,51.4515991),
(100824,'Southwark','Primary',-0.087773,51.4902992),
(100825,'Southwark','Primary',-0.0731175,51.4743996),
(100826,'Southwark','Primary',-0.0670889,51.4799995),
(100827,'Southwark','Primary',-0.0843556,51.4804001),
(100828,'Southwark','Primary',-0.106872,51.4982986),
(100829,'Southwark','Primary',-0.0677763,51.4977989),
(100830,'Southwark','Primary',-0.0717473,51.4631004),
(100831,'Southwark','Primary',-0.0958234,51.4906998),
(100832,'Southwark','Primary',-0.0695167,51.4995995),
(100833,'Southwark','Primary',-0.0519475,51.4949989),
(100834,'Southwark','Primary',-0.0926235,51.5024986),
(100835,'Southwark','Primary',-0.105377,51.4968987),
(100836,'Southwark','Primary',-0.0629235,51.4686012),
(100837,'Southwark','Primary',-0.0425795,51.5061989),
(100838,'Southwark','Primary',-0.0991584,51.4863014),
(100839,'Southwark','Primary',-0.0933175,51.4861984),
(100840,'Southwark','Primary',-0.0939893,51.5028992),
(100841,'Southwark','Primary',-0.0415215,51.5003014),
(100849,'Southwark','Secondary',-0.0875895,51.4947014),
(100851,'Southwark','Primary',-0.0536002,51.4491005),
(100852,'Southwark','Primary',-0.0721272,51.4496994),
(100853,'Southwark','Primary',-0.0990059,51.4793015),
(100854,'Southwark','Primary',-0.0990059,51.4793015),
(100855,'Southwark','Primary',-0.103412,51.5014992),
(100857,'Southwark','Secondary',-0.0563512,51.4707985),
(100859,'Southwark','Secondary',-0.10615,51.4970016),
(100890,'Tower Hamlets','Primary',-0.0385993,51.5209999),
(100891,'Tower Hamlets','Primary',-0.0487075,51.5297012),
(100892,'Tower Hamlets','Primary',-0.0141822,51.5275993),
(100893,'Tower Hamlets','Primary',-0.0718226,51.5163002),
(100894,'Tower Hamlets','Primary',-0.0384247,51.5161018),
(100895,'Tower Hamlets','Primary',-0.0543257,51.510601),
(100896,'Tower Hamlets','Primary',-0.0390135,51.5329018),
(100897,'Tower Hamlets','Primary',-0.0700653,51.5293007),
(100898,'Tower Hamlets','Primary',-0.0098325,51.4948006),
(100900,'Tower Hamlets','Primary',-0.0299211,51.5103989),
(100901,'Tower Hamlets','Primary',-0.019727,51.521801),
(100902,'Tower Hamlets','Primary',-0.0515083,51.5289993),
(100903,'Tower Hamlets','Primary',-0.0591325,51.5250015),
(100904,'Tower Hamlets','Primary',-0.0200627,51.4894981),
(100906,'Tower Hamlets','Primary',-0.052434,51.5220985),
(100907,'Tower Hamlets','Primary',-0.0624597,51.5284004),
(100908,'Tower Hamlets','Primary',-0.063541,51.5284004),
(100911,'Tower Hamlets','Primary',-0.0460718,51.5138016),
(100912,'Tower Hamlets','Primary',-0.0123832,51.5228996),
(100913,'Tower Hamlets','Primary',-0.0202075,51.5116997),
(100914,'Tower Hamlets','Primary',-0.0543209,51.533699),
(100915,'Tower Hamlets','Primary',-0.0543257,51.510601),
(100916,'Tower Hamlets','Primary',-0.0362781,51.5307999),
(100917,'Tower Hamlets','Primary',-0.0516959,51.5191994),
(100920,'Tower Hamlets','Primary',-0.0132928,51.5182991),
(100922,'Tower Hamlets','Primary',-0.0258816,51.5167999),
(100923,'Tower Hamlets','Primary',-0.0595596,51.5231018),
(100926,'Tower Hamlets','Primary',-0.0753736,51.5265007),
(100927,'Tower Hamlets','Primary',-0.0242568,51.5256996),
(100928,'Tower Hamlets','Primary',-0.0088741,51.5105019),
(100930,'Tower Hamlets','Primary',-0.0648617,51.521801),
(100931,'Tower Hamlets','Primary',-0.0240205,51.4981995),
(100932,'Tower Hamlets','Primary',-0.0098325,51.4948006),
(100934,'Tower Hamlets','Primary',-0.06499,51.5210991),
(100935,'Tower Hamlets','Primary',-0.0658601,51.5101013),
(100936,'Tower Hamlets','Primary',-0.06572,51.5051994),
(100937,'Tower Hamlets','Primary',-0.0520109,51.526001),
(100938,'Tower Hamlets','Primary',-0.0373876,51.5181007),
(100939,'Tower Hamlets','Primary',-0.0597921,51.5131989),
(100940,'Tower Hamlets','Primary',-0.0649334,51.5159988),
(100941,'Tower Hamlets','Primary',-0.0519027,51.5186996),
(100942,'Tower Hamlets','Primary',-0.0187864,51.5125999),
(100943,'Tower Hamlets','Primary',-0.067209,51.5242004),
(100944,'Tower Hamlets','Primary',-0.0719043,51.5187988),
(100945,'Tower Hamlets','Primary',-0.0364967,51.5250015),
(100946,'Tower Hamlets','Primary',-0.0323662,51.5141983),
(100949,'Tower Hamlets','Primary',-0.0186851,51.5275002),
(100950,'Tower Hamlets','Primary',-0.0679426,51.5211983),
(100951,'Tower Hamlets','Primary',-0.0228459,51.4910011),
(100953,'Tower Hamlets','Primary',-0.0543896,51.5299988),
(100954,'Tower Hamlets','Primary',-0.0053493,51.4902992),
(100956,'Tower Hamlets','Primary',-0.0707657,51.5238991),
(100958,'Tower Hamlets','Primary',-0.0286382,51.5181007),
(100959,'Tower Hamlets','Primary',-0.0658601,51.5101013),
(100960,'Tower Hamlets','Primary',-0.0553208,51.5060997),
(100961,'Tower Hamlets','Primary',-0.0173672,51.5163994),
(100962,'Tower Hamlets','Primary',-0.0717678,51.5129013),
(100965,'Tower Hamlets','Secondary',-0.0095088,51.5233994),
(100966,'Tower Hamlets','Secondary',-0.0122985,51.5153008),
(100967,'Tower Hamlets','Secondary',-0.0477335,51.5265999),
(100968,'Tower Hamlets','Secondary',-0.0596905,51.5141983),
(100969,'Tower Hamlets','Secondary',-0.0427652,51.5183983),
(100970,'Tower Hamlets','All Through',-0.0247221,51.5186005),
(100972,'Tower Hamlets','Secondary',-0.0617327,51.5292015),
(100973,'Tower Hamlets','Secondary',-0.0600751,51.5208015),
(100974,'Tower Hamlets','Secondary',-0.0076456,51.4880981),
(100975,'Tower Hamlets','Secondary',-0.0285807,51.527401),
(100977,'Tower Hamlets','Secondary',-0.0439605,51.5163994),
(100978,'Tower Hamlets','Secondary',-0.0511939,51.513401),
(100979,'Tower Hamlets','Secondary',-0.0582292,51.5298996),
(100995,'Wandsworth','Primary',-0.149874,51.4486008),
(100996,'Wandsworth','Primary',-0.185687,51.4534988),
(100997,'Wandsworth','Primary',-0.182364,51.4440002),
(101001,'Wandsworth','Primary',-0.206853,51.4613991),
(101002,'Wandsworth','Primary',-0.173015,51.4313011),
(101003,'Wandsworth','Primary',-0.156773,51.4738007),
(101004,'Wandsworth','Primary',-0.140544,51.4213982),
(101005,'Wandsworth','Primary',-0.186148,51.4415016),
(101006,'Wandsworth','Primary',-0.174726,51.4684982),
(101007,'Wandsworth','Primary',-0.164919,51.4373016),
(101008,'Wandsworth','Primary',-0.15997,51.4276009),
(101009,'Wandsworth','Primary',-0.153201,51.4225006),
(101010,'Wandsworth','Primary',-0.174731,51.4618988),
(101011,'Wandsworth','Primary',-0.162767,51.4547997),
(101012,'Wandsworth','Primary',-0.162767,51.4547997),
(101013,'Wandsworth','Primary',-0.221032,51.4646988),
(101014,'Wandsworth','Primary',-0.152786,51.4695015),
(101016,'Wandsworth','Primary',-0.146619,51.4220009),
(101017,'Wandsworth','Primary',-0.1536,51.4415016),
(101018,'Wandsworth','Primary',-0.199102,51.4464989),
(101019,'Wandsworth','Primary',-0.168547,51.4235992),
(101020,'Wandsworth','Primary',-0.157185,51.4686012),
(101021,'Wandsworth','Primary',-0.179543,51.4309998),
(101022,'Wandsworth','Primary',-0.185779,51.4511986),
(101024,'Wandsworth','Primary',-0.198818,51.4562988),
(101025,'Wandsworth','Primary',-0.151385,51.4639015),
(101026,'Wandsworth','Primary',-0.204016,51.446701),
(101027,'Wandsworth','Primary',-0.216103,51.4453011),
(101028,'Wandsworth','Primary',-0.232391,51.4561996),
(101029,'Wandsworth','Primary',-0.24192,51.4457016),
(101031,'Wandsworth','Primary',-0.216645,51.4499016),
(101032,'Wandsworth','Primary',-0.213816,51.4418983),
(101033,'Wandsworth','Primary',-0.248287,51.4519005),
(101034,'Wandsworth','Primary',-0.227392,51.4673996),
(101035,'Wandsworth','Primary',-0.167219,51.4672012),
(101036,'Wandsworth','Primary',-0.15724,51.4476013),
(101037,'Wandsworth','Primary',-0.221578,51.4636002),
(101038,'Wandsworth','Primary',-0.237577,51.4488983),
(101041,'Wandsworth','Primary',-0.188608,51.4564018),
(101042,'Wandsworth','Primary',-0.165296,51.4272003),
(101043,'Wandsworth','Primary',-0.186435,51.459301),
(101044,'Wandsworth','Primary',-0.139239,51.4768982),
(101045,'Wandsworth','Primary',-0.200461,51.4592018),
(101046,'Wandsworth','Primary',-0.221059,51.4659004),
(101047,'Wandsworth','Primary',-0.155399,51.4426003),
(101048,'Wandsworth','Primary',-0.146224,51.4768982),
(101049,'Wandsworth','Primary',-0.204116,51.4504013),
(101050,'Wandsworth','Primary',-0.241722,51.4575996),
(101051,'Wandsworth','Primary',-0.221332,51.4473991),
(101052,'Wandsworth','Primary',-0.157589,51.4356995),
(101053,'Wandsworth','Secondary',-0.168044,51.4375992),
(101057,'Wandsworth','Primary',-0.158423,51.4306984),
(101107,'Westminster','Primary',-0.169113,51.5327988),
(101108,'Westminster','Primary',-0.177909,51.5229988),
(101110,'Westminster','Primary',-0.189563,51.5214005),
(101111,'Westminster','Primary',-0.194979,51.5280991),
(101115,'Westminster','Primary',-0.176901,51.5388985),
(101116,'Westminster','Primary',-0.186468,51.5140991),
(101117,'Westminster','Primary',-0.169786,51.5358009),
(101120,'Westminster','Primary',-0.208224,51.527401),
(101121,'Westminster','Primary',-0.138642,51.5199013),
(101122,'Westminster','Primary',-0.13524,51.4950981),
(101123,'Westminster','Primary',-0.164464,51.5167999),
(101124,'Westminster','Primary',-0.191439,51.5214005),
(101125,'Westminster','Primary',-0.191594,51.5345001),
(101126,'Westminster','Primary',-0.151663,51.4905014),
(101127,'Westminster','Primary',-0.119168,51.5135994),
(101128,'Westminster','Primary',-0.165716,51.5233002),
(101129,'Westminster','Primary',-0.14257,51.4864006),
(101130,'Westminster','Primary',-0.15013,51.5088005),
(101131,'Westminster','Primary',-0.134404,51.5116997),
(101132,'Westminster','Primary',-0.179564,51.5130005),
(101133,'Westminster','Primary',-0.182246,51.527401),
(101134,'Westminster','Primary',-0.203032,51.532299),
(101135,'Westminster','Primary',-0.189834,51.5225983),
(101136,'Westminster','Primary',-0.163065,51.520401),
(101137,'Westminster','Primary',-0.19796,51.5178986),
(101138,'Westminster','Primary',-0.131129,51.4973984),
(101139,'Westminster','Primary',-0.196979,51.5241013),
(101140,'Westminster','Primary',-0.146898,51.4961014),
(101141,'Westminster','Primary',-0.186822,51.5236015),
(101142,'Westminster','Primary',-0.19587,51.519001),
(101143,'Westminster','Primary',-0.152702,51.5186005),
(101144,'Westminster','Primary',-0.14014,51.4958),
(101146,'Westminster','Primary',-0.132203,51.4887009),
(101147,'Westminster','Primary',-0.166397,51.5214996),
(101154,'Westminster','Secondary',-0.192455,51.5343018),
(101186,'Barking and Dagenham','Primary',0.128053,51.5362015),
(101188,'Barking and Dagenham','Primary',0.115325,51.5469017),
(101192,'Barking and Dagenham','Primary',0.101484,51.5427017),
(101193,'Barking and Dagenham','Primary',0.101484,51.5427017),
(101196,'Barking and Dagenham','Primary',0.0752504,51.5414009),
(101198,'Barking and Dagenham','Primary',0.0907362,51.5359993),
(101202,'Barking and Dagenham','Primary',0.163998,51.5283012),
(101203,'Barking and Dagenham','Primary',0.140074,51.5714989),
(101206,'Barking and Dagenham','Primary',0.14059,51.5587997),
(101210,'Barking and Dagenham','Primary',0.137605,51.5853004),
(101211,'Barking and Dagenham','Primary',0.151952,51.5312004),
(101212,'Barking and Dagenham','Primary',0.176705,51.5630989),
(101216,'Barking and Dagenham','Primary',0.16797,51.5357018),
(101219,'Barking and Dagenham','Primary',0.142652,51.5763016),
(101220,'Barking and Dagenham','Primary',0.14503,51.5369987),
(101222,'Barking and Dagenham','Primary',0.131954,51.5579987),
(101223,'Barking and Dagenham','Primary',0.152568,51.5387001),
(101224,'Barking and Dagenham','Primary',0.135829,51.5858994),
(101226,'Barking and Dagenham','Primary',0.154313,51.5592003),
(101227,'Barking and Dagenham','Primary',0.144306,51.5435982),
(101228,'Barking and Dagenham','Primary',0.14535,51.5550995),
(101229,'Barking and Dagenham','Primary',0.127661,51.5617981),
(101230,'Barking and Dagenham','Primary',0.126228,51.5494003),
(101231,'Barking and Dagenham','Primary',0.117372,51.5568008),
(101232,'Barking and Dagenham','Primary',0.170836,51.5419998),
(101233,'Barking and Dagenham','Primary',0.0754681,51.5365982),
(101234,'Barking and Dagenham','Primary',0.152568,51.5387001),
(101235,'Barking and Dagenham','Primary',0.0769992,51.5345001),
(101236,'Barking and Dagenham','Primary',0.143894,51.5523987),
(101237,'Barking and Dagenham','Primary',0.144388,51.5318985),
(101238,'Barking and Dagenham','Primary',0.124663,51.5500984),
(101239,'Barking and Dagenham','Primary',0.122157,51.5597992),
(101241,'Barking and Dagenham','Secondary',0.101484,51.5427017),
(101243,'Barking and Dagenham','Secondary',0.163686,51.5514984),
(101244,'Barking and Dagenham','All Through',0.0902274,51.5424995),
(101245,'Barking and Dagenham','Secondary',0.145608,51.5617981),
(101247,'Barking and Dagenham','Secondary',0.151278,51.5626984),
(101258,'Barnet','Primary',-0.264657,51.6007004),
(101259,'Barnet','Primary',-0.216212,51.5875015),
(101262,'Barnet','Primary',-0.188372,51.5901985),
(101263,'Barnet','Primary',-0.188372,51.5901985),
(101264,'Barnet','Primary',-0.148157,51.6301994),
(101265,'Barnet','Primary',-0.206915,51.5621986),
(101266,'Barnet','Primary',-0.159281,51.6352997),
(101269,'Barnet','Primary',-0.247084,51.5887985),
(101270,'Barnet','Primary',-0.151989,51.6027985),
(101271,'Barnet','Primary',-0.252563,51.6273003),
(101272,'Barnet','Primary',-0.178504,51.6531982),
(101274,'Barnet','Primary',-0.260779,51.6130981),
(101275,'Barnet','Primary',-0.224402,51.6085014),
(101277,'Barnet','Primary',-0.275321,51.6100998),
(101278,'Barnet','Primary',-0.256982,51.6273003),
(101279,'Barnet','Primary',-0.21019,51.656601),
(101280,'Barnet','Primary',-0.202033,51.6150017),
(101281,'Barnet','Primary',-0.197534,51.5848999),
(101282,'Barnet','Primary',-0.197534,51.5848999),
(101283,'Barnet','Primary',-0.257238,51.6040993),
(101285,'Barnet','Primary',-0.144057,51.6049995),
(101286,'Barnet','Primary',-0.151066,51.6170006),
(101289,'Barnet','Primary',-0.166644,51.6554985),
(101290,'Barnet','Primary',-0.18105,51.6007996),
(101293,'Barnet','Primary',-0.14636,51.6367989),
(101294,'Barnet','Primary',-0.185842,51.6099014),
(101295,'Barnet','Primary',-0.185842,51.6099014),
(101296,'Barnet','Primary',-0.179387,51.6160011),
(101297,'Barnet','Primary',-0.168356,51.6095009),
(101298,'Barnet','Primary',-0.19372,51.6239014),
(101299,'Barnet','Primary',-0.177575,51.6002998),
(101301,'Barnet','Primary',-0.205455,51.645401),
(101304,'Barnet','Primary',-0.2182,51.6455002),
(101309,'Barnet','Primary',-0.206704,51.5918007),
(101311,'Barnet','Primary',-0.231749,51.5910988),
(101312,'Barnet','Primary',-0.170102,51.6271019),
(101313,'Barnet','Primary',-0.170102,51.6271019),
(101314,'Barnet','Primary',-0.158728,51.6436005),
(101315,'Barnet','Primary',-0.199964,51.5620995),
(101316,'Barnet','Primary',-0.212038,51.6589012),
(101317,'Barnet','Primary',-0.1684,51.5910988),
(101318,'Barnet','Primary',-0.190768,51.662899),
(101319,'Barnet','Primary',-0.155753,51.6167984),
(101321,'Barnet','Primary',-0.177067,51.6267014),
(101323,'Barnet','Primary',-0.200145,51.6035995),
(101324,'Barnet','Primary',-0.161505,51.6409988),
(101325,'Barnet','Primary',-0.144249,51.6161995),
(101326,'Barnet','Primary',-0.231427,51.6206017),
(101327,'Barnet','Primary',-0.196426,51.6300011),
(101328,'Barnet','Primary',-0.15275,51.6509018),
(101329,'Barnet','Primary',-0.167771,51.6290016),
(101330,'Barnet','Primary',-0.260176,51.6027985),
(101331,'Barnet','Primary',-0.175985,51.603199),
(101332,'Barnet','Primary',-0.21081,51.5603981),
(101333,'Barnet','Primary',-0.193715,51.6487999),
(101334,'Barnet','Primary',-0.223429,51.6179008),
(101335,'Barnet','Primary',-0.188452,51.594799),
(101337,'Barnet','Primary',-0.23142,51.5872993),
(101338,'Barnet','Primary',-0.163221,51.6304016),
(101339,'Barnet','Primary',-0.246164,51.5998993),
(101340,'Barnet','Primary',-0.270633,51.6269989),
(101341,'Barnet','Primary',-0.207009,51.574501),
(101342,'Barnet','Primary',-0.258082,51.6118011),
(101345,'Barnet','Secondary',-0.154776,51.6160011),
(101355,'Barnet','Primary',-0.224402,51.6085014),
(101356,'Barnet','Primary',-0.13497,51.6339989),
(101360,'Barnet','Secondary',-0.223454,51.5923996),
(101361,'Barnet','Secondary',-0.18077,51.6142998),
(101362,'Barnet','Secondary',-0.180949,51.6227989),
(101364,'Barnet','Secondary',-0.240946,51.6007996),
(101365,'Barnet','Secondary',-0.178447,51.5940018),
(101376,'Barnet','Primary',-0.254903,51.6156006),
(101402,'Bexley','Primary',0.126528,51.4580002),
(101403,'Bexley','Primary',0.106603,51.4572983),
(101407,'Bexley','Primary',0.154165,51.4542999),
(101409,'Bexley','Primary',0.102663,51.4617996),
(101413,'Bexley','Primary',0.134993,51.4494019),
(101420,'Bexley','Primary',0.13406,51.4794006),
(101421,'Bexley','Primary',0.13406,51.4794006),
(101422,'Bexley','Primary',0.146,51.4729996),
(101426,'Bexley','Primary',0.105794,51.4319),
(101429,'Bexley','Primary',0.0903949,51.4311981),
(101431,'Bexley','Primary',0.191874,51.4723015),
(101434,'Bexley','Primary',0.0804312,51.4364014),
(101437,'Bexley','Primary',0.134068,51.4928017),
(101438,'Bexley','Primary',0.158569,51.4908981),
(101439,'Bexley','Primary',0.105294,51.4401016),
(101440,'Bexley','Primary',0.12147,51.5054016),
(101441,'Bexley','Primary',0.138237,51.4922981),
(101444,'Bexley','Primary',0.12131,51.5102997),
(101445,'Bexley','Primary',0.129314,51.4305992),
(101449,'Bexley','Primary',0.124322,51.4640999),
(101451,'Bexley','Primary',0.121798,51.4631004),
(101455,'Bexley','Primary',0.104454,51.4644012),
(101456,'Bexley','Primary',0.0917473,51.4476013),
(101457,'Bexley','Primary',0.171997,51.4539986),
(101458,'Bexley','Primary',0.162738,51.4776001),
(101459,'Bexley','Primary',0.139276,51.4668007),
(101460,'Bexley','Primary',0.132197,51.4949989),
(101461,'Bexley','Primary',0.117111,51.4206009),
(101475,'Bexley','Primary',0.121469,51.4693985),
(101495,'Brent','Primary',-0.219354,51.5536003),
(101496,'Brent','Primary',-0.262946,51.5467987),
(101497,'Brent','Primary',-0.311277,51.5694008),
(101498,'Brent','Primary',-0.200239,51.5317993),
(101499,'Brent','Primary',-0.254808,51.5371017),
(101500,'Brent','Primary',-0.300849,51.5780983),
(101501,'Brent','Primary',-0.301787,51.5784988),
(101502,'Brent','Primary',-0.297939,51.5834007),
(101503,'Brent','Primary',-0.269782,51.5833015),
(101504,'Brent','Primary',-0.246898,51.5444984),
(101506,'Brent','Primary',-0.287951,51.543499),
(101507,'Brent','Primary',-0.213816,51.5415001),
(101508,'Brent','Primary',-0.247545,51.5558014),
(101509,'Brent','Primary',-0.293905,51.5558014),
(101510,'Brent','Primary',-0.299366,51.5714989),
(101511,'Brent','Primary',-0.272282,51.5900993),
(101512,'Brent','Primary',-0.272282,51.5900993),
(101515,'Brent','Primary',-0.306758,51.5484009),
(101518,'Brent','Primary',-0.254775,51.5628014),
(101519,'Brent','Primary',-0.286899,51.5488014),
(101520,'Brent','Primary',-0.233501,51.5418015),
(101521,'Brent','Primary',-0.263687,51.5405998),
(101522,'Brent','Primary',-0.244009,51.5419998),
(101524,'Brent','Primary',-0.256161,51.5489006),
(101526,'Brent','Primary',-0.270647,51.5620995),
(101527,'Brent','Primary',-0.205428,51.5368996),
(101528,'Brent','Primary',-0.257757,51.5830002),
(101530,'Brent','Primary',-0.225035,51.5588989),
(101531,'Brent','Primary',-0.264056,51.5770988),
(101532,'Brent','Primary',-0.244594,51.5646019),
(101533,'Brent','Primary',-0.204664,51.5413017),
(101534,'Brent','Primary',-0.247045,51.5379982),
(101535,'Brent','Primary',-0.225349,51.5330009),
(101537,'Brent','Primary',-0.252185,51.5484009),
(101538,'Brent','Primary',-0.232929,51.5614014),
(101539,'Brent','Primary',-0.287942,51.5521011),
(101542,'Brent','Primary',-0.228526,51.5477982),
(101543,'Brent','Primary',-0.268094,51.5817986),
(101544,'Brent','Primary',-0.227206,51.5479012),
(101545,'Brent','Primary',-0.265036,51.5407982),
(101546,'Brent','Primary',-0.287723,51.5517998),
(101547,'Brent','Primary',-0.224351,51.5642014),
(101548,'Brent','Primary',-0.263019,51.5597),
(101549,'Brent','Primary',-0.282032,51.5796013),
(101554,'Brent','Primary',-0.214743,51.5416985),
(101555,'Brent','Primary',-0.250944,51.5443001),
(101556,'Brent','Primary',-0.199647,51.5321999),
(101564,'Brent','Secondary',-0.239201,51.5376015),
(101574,'Brent','Primary',-0.208066,51.5395012),
(101588,'Bromley','Primary',-0.0234015,51.4089012),
(101589,'Bromley','Primary',-0.0465767,51.4056015),
(101601,'Bromley','Primary',0.0579353,51.3888016),
(101604,'Bromley','Primary',0.0626833,51.4211998),
(101607,'Bromley','Primary',0.044214,51.4360008),
(101614,'Bromley','Primary',0.0564967,51.3372002),
(101631,'Bromley','Primary',-0.0690635,51.4110985),
(101635,'Bromley','Primary',0.0721286,51.4255981),
(101638,'Bromley','Primary',-0.0138728,51.4040985),
(101641,'Bromley','Primary',0.101163,51.3914986),
(101645,'Bromley','Primary',0.0344791,51.4030991),
(101647,'Bromley','Primary',0.121043,51.3970985),
(101654,'Bromley','Primary',-0.0593407,51.4098015),
(101676,'Bromley','Secondary',0.103893,51.3664017),
(101712,'Croydon','Primary',-0.0990963,51.4043007),
(101715,'Croydon','Primary',-0.0830221,51.4081001),
(101720,'Croydon','Primary',-0.105885,51.3862),
(101721,'Croydon','Primary',-0.105885,51.3862),
(101725,'Croydon','Primary',-0.101661,51.3646011),
(101730,'Croydon','Primary',-0.0487106,51.3913002),
(101733,'Croydon','Primary',-0.096103,51.3530998),
(101739,'Croydon','Primary',-0.0898569,51.3576012),
(101745,'Croydon','Primary',-0.114729,51.3992996),
(101746,'Croydon','Primary',-0.114729,51.3992996),
(101748,'Croydon','Primary',-0.0127988,51.3488998),
(101750,'Croydon','Primary',-0.0746231,51.3848991),
(101753,'Croydon','Primary',-0.0861412,51.3157997),
(101756,'Croydon','Primary',-0.121123,51.3282013),
(101758,'Croydon','Primary',-0.0778295,51.3336983),
(101759,'Croydon','Primary',-0.143984,51.3186989),
(101760,'Croydon','Primary',-0.108962,51.3167),
(101767,'Croydon','Primary',-0.0893343,51.3704987),
(101772,'Croydon','Primary',-0.0406014,51.3833008),
(101773,'Croydon','Primary',-0.0394488,51.3493996),
(101774,'Croydon','Primary',-0.0376847,51.3446007),
(101776,'Croydon','Primary',-0.0813978,51.3932991),
(101778,'Croydon','Primary',-0.10195,51.4152985),
(101779,'Croydon','Primary',-0.0892177,51.3708992),
(101781,'Croydon','Primary',-0.0518815,51.3392982),
(101783,'Croydon','Primary',-0.0897957,51.4194984),
(101785,'Croydon','Primary',-0.128134,51.410099),
(101787,'Croydon','Primary',-0.0865878,51.4122009),
(101788,'Croydon','Primary',-0.0497078,51.3728981),
(101790,'Croydon','Primary',-0.109877,51.3694992),
(101791,'Croydon','Primary',-0.109877,51.3694992),
(101792,'Croydon','Primary',-0.123732,51.3082008),
(101793,'Croydon','Primary',-0.110895,51.342701),
(101795,'Croydon','Primary',-0.0995574,51.421299),
(101797,'Croydon','Primary',-0.120185,51.344101),
(101800,'Croydon','Primary',-0.107348,51.3535004),
(101803,'Croydon','Primary',-0.0993079,51.4221001),
(101811,'Croydon','Secondary',-0.0819211,51.3694992),
(101813,'Croydon','Secondary',-0.109877,51.3694992),
(101814,'Croydon','Secondary',-0.0980376,51.3806),
(101815,'Croydon','Primary',-0.0559071,51.3470001),
(101821,'Croydon','Secondary',-0.120185,51.344101),
(101823,'Croydon','Secondary',-0.0522437,51.3693008),
(101866,'Ealing','Primary',-0.273256,51.5029984),
(101867,'Ealing','Primary',-0.273256,51.5029984),
(101868,'Ealing','Primary',-0.256279,51.5113983),
(101869,'Ealing','Primary',-0.346939,51.5373001),
(101870,'Ealing','Primary',-0.317577,51.5261002),
(101873,'Ealing','Primary',-0.324888,51.5122986),
(101874,'Ealing','Primary',-0.340647,51.5069008),
(101875,'Ealing','Primary',-0.283265,51.5341988),
(101876,'Ealing','Primary',-0.278475,51.5175018),
(101877,'Ealing','Primary',-0.348032,51.5206985),
(101878,'Ealing','Primary',-0.382366,51.5077019),
(101879,'Ealing','Primary',-0.350784,51.5339012),
(101880,'Ealing','Primary',-0.404162,51.5337982),
(101881,'Ealing','Primary',-0.324714,51.5150986),
(101884,'Ealing','Primary',-0.373767,51.5127983),
(101885,'Ealing','Primary',-0.366317,51.5329018),
(101886,'Ealing','Primary',-0.334894,51.5371017),
(101887,'Ealing','Primary',-0.378133,51.5084),
(101888,'Ealing','Primary',-0.337032,51.5167999),
(101889,'Ealing','Primary',-0.255588,51.519001),
(101890,'Ealing','Primary',-0.256937,51.5014),
(101891,'Ealing','Primary',-0.365599,51.5200005),
(101892,'Ealing','Primary',-0.383098,51.5078011),
(101893,'Ealing','Primary',-0.382429,51.4981995),
(101894,'Ealing','Primary',-0.373234,51.5018997),
(101895,'Ealing','Primary',-0.269281,51.5102005),
(101896,'Ealing','Primary',-0.376129,51.5233994),
(101897,'Ealing','Primary',-0.320704,51.5010986),
(101898,'Ealing','Primary',-0.373918,51.5360985),
(101899,'Ealing','Primary',-0.350466,51.5537987),
(101900,'Ealing','Primary',-0.374897,51.5009003),
(101901,'Ealing','Primary',-0.337144,51.5500984),
(101902,'Ealing','Primary',-0.379734,51.5502014),
(101903,'Ealing','Primary',-0.373149,51.5237007),
(101904,'Ealing','Primary',-0.308793,51.4981995),
(101905,'Ealing','Primary',-0.331276,51.5051003),
(101906,'Ealing','Primary',-0.311335,51.5373993),
(101907,'Ealing','Primary',-0.355993,51.5270004),
(101908,'Ealing','Primary',-0.392642,51.5334015),
(101909,'Ealing','Primary',-0.374895,51.4961014),
(101910,'Ealing','Primary',-0.39557,51.4981003),
(101911,'Ealing','Primary',-0.364834,51.5007019),
(101912,'Ealing','Primary',-0.303689,51.5234985),
(101913,'Ealing','Primary',-0.384712,51.5147018),
(101914,'Ealing','Primary',-0.329371,51.5237007),
(101916,'Ealing','Primary',-0.310595,51.5348015),
(101919,'Ealing','Primary',-0.308309,51.4981003),
(101920,'Ealing','Primary',-0.352258,51.5261993),
(101921,'Ealing','Primary',-0.31182,51.537899),
(101922,'Ealing','Primary',-0.380195,51.5022011),
(101923,'Ealing','Primary',-0.306712,51.5243988),
(101924,'Ealing','Primary',-0.337819,51.510601),
(101925,'Ealing','Primary',-0.40279,51.5359993),
(101926,'Ealing','Primary',-0.273886,51.5119019),
(101927,'Ealing','Primary',-0.350784,51.5339012),
(101928,'Ealing','Secondary',-0.374068,51.5088005),
(101930,'Ealing','Secondary',-0.366938,51.5180016),
(101932,'Ealing','Secondary',-0.280187,51.5049019),
(101934,'Ealing','Secondary',-0.352034,51.5251999),
(101936,'Ealing','Primary',-0.349403,51.5536995),
(101937,'Ealing','Primary',-0.363058,51.5136986),
(101938,'Ealing','Primary',-0.363058,51.5136986),
(101939,'Ealing','Secondary',-0.339849,51.5265007),
(101940,'Ealing','Secondary',-0.369755,51.5311012),
(101941,'Ealing','Secondary',-0.287909,51.5168991),
(101943,'Ealing','Secondary',-0.376106,51.5523987),
(101981,'Enfield','Primary',-0.054605,51.6786995),
(101982,'Enfield','Primary',-0.0558682,51.6609993),
(101983,'Enfield','Primary',-0.0558682,51.6609993),
(101984,'Enfield','Primary',-0.0894662,51.6590996),
(101988,'Enfield','Primary',-0.0500315,51.6306),
(101989,'Enfield','Primary',-0.0828242,51.6239014),
(101990,'Enfield','Primary',-0.0614935,51.6186981),
(101991,'Enfield','Primary',-0.0591093,51.6380005),
(101992,'Enfield','Primary',-0.137048,51.6139984),
(101993,'Enfield','Primary',-0.0680075,51.6512985),
(101994,'Enfield','Primary',-0.173195,51.6702003),
(101995,'Enfield','Primary',-0.0756387,51.6230011),
(101996,'Enfield','Primary',-0.102966,51.6175995),
(101997,'Enfield','Primary',-0.102966,51.6175995),
(101998,'Enfield','Primary',-0.0496595,51.6777),
(101999,'Enfield','Primary',-0.110224,51.6519012),
(102002,'Enfield','Primary',-0.0236669,51.6689987),
(102003,'Enfield','Primary',-0.0720712,51.637001),
(102004,'Enfield','Primary',-0.0726789,51.6366005),
(102005,'Enfield','Primary',-0.0551163,51.6576996),
(102006,'Enfield','Primary',-0.105929,51.6110001),
(102007,'Enfield','Primary',-0.127308,51.6253014),
(102011,'Enfield','Primary',-0.0549522,51.6344986),
(102012,'Enfield','Primary',-0.0360492,51.6445007),
(102013,'Enfield','Primary',-0.0826947,51.6123009),
(102014,'Enfield','Primary',-0.0486617,51.6497002),
(102015,'Enfield','Primary',-0.0784364,51.6649017),
(102016,'Enfield','Primary',-0.108341,51.6474991),
(102017,'Enfield','Primary',-0.039122,51.6657982),
(102019,'Enfield','Primary',-0.0677809,51.6301003),
(102020,'Enfield','Primary',-0.0642896,51.6677017),
(102021,'Enfield','Primary',-0.125603,51.6137009),
(102022,'Enfield','Primary',-0.141124,51.6439018),
(102023,'Enfield','Primary',-0.061116,51.6128998),
(102024,'Enfield','Primary',-0.062909,51.6450996),
(102025,'Enfield','Primary',-0.114045,51.6433983),
(102026,'Enfield','Primary',-0.105234,51.6110001),
(102027,'Enfield','Primary',-0.0954099,51.6741982),
(102028,'Enfield','Primary',-0.0610684,51.6710014),
(102029,'Enfield','Primary',-0.0771395,51.6579018),
(102030,'Enfield','Primary',-0.127868,51.634201),
(102031,'Enfield','Primary',-0.0386962,51.6739998),
(102032,'Enfield','Primary',-0.0666226,51.6105003),
(102033,'Enfield','Primary',-0.0458448,51.6573982),
(102034,'Enfield','Primary',-0.0882153,51.6641006),
(102035,'Enfield','Primary',-0.0993906,51.6348),
(102036,'Enfield','Primary',-0.0392395,51.6479988),
(102037,'Enfield','Primary',-0.0556586,51.6291008),
(102038,'Enfield','Primary',-0.0810025,51.6591988),
(102039,'Enfield','Primary',-0.120364,51.6226997),
(102040,'Enfield','Primary',-0.136258,51.6156006),
(102041,'Enfield','Primary',-0.0686739,51.6258011),
(102042,'Enfield','Primary',-0.127595,51.6389999),
(102043,'Enfield','All Through',-0.0675906,51.6352997),
(102045,'Enfield','Secondary',-0.0922175,51.6282997),
(102048,'Enfield','Secondary',-0.0837288,51.6542015),
(102049,'Enfield','Secondary',-0.0766018,51.6607018),
(102050,'Enfield','Secondary',-0.0421218,51.6804008),
(102052,'Enfield','Secondary',-0.0544492,51.6573982),
(102053,'Enfield','Secondary',-0.108004,51.6162987),
(102054,'Enfield','Primary',-0.0437378,51.6436005),
(102055,'Enfield','Secondary',-0.0741534,51.6259995),
(102056,'Enfield','Secondary',-0.125181,51.6152),
(102058,'Enfield','Secondary',-0.0557631,51.6730003),
(102078,'Haringey','Primary',-0.0941832,51.5920982),
(102079,'Haringey','Primary',-0.0941832,51.5920982),
(102080,'Haringey','Primary',-0.124022,51.6062012),
(102081,'Haringey','Primary',-0.124022,51.6062012),
(102084,'Haringey','Primary',-0.122129,51.5904999),
(102085,'Haringey','Primary',-0.122129,51.5904999),
(102087,'Haringey','Primary',-0.081004,51.6071014),
(102091,'Haringey','Primary',-0.0685183,51.5838013),
(102092,'Haringey','Primary',-0.155067,51.5792007),
(102094,'Haringey','Primary',-0.0718236,51.6016006),
(102097,'Haringey','Primary',-0.154544,51.5968018),
(102098,'Haringey','Primary',-0.151955,51.5880013),
(102106,'Haringey','Primary',-0.119747,51.5830994),
(102107,'Haringey','Primary',-0.119747,51.5830994),
(102110,'Haringey','Primary',-0.102257,51.5802002),
(102111,'Haringey','Primary',-0.101428,51.5803986),
(102112,'Haringey','Primary',-0.0838456,51.5756989),
(102115,'Haringey','Primary',-0.0936793,51.5848007),
(102120,'Haringey','Primary',-0.0858148,51.5769005),
(102121,'Haringey','Primary',-0.127311,51.5756989),
(102124,'Haringey','Primary',-0.0672994,51.5881004),
(102125,'Haringey','Primary',-0.0607546,51.6038017),
(102127,'Haringey','Primary',-0.0577836,51.5853996),
(102128,'Haringey','Primary',-0.135852,51.6012001),
(102129,'Haringey','Primary',-0.0670955,51.5806007),
(102130,'Haringey','Primary',-0.112678,51.5806007),
(102131,'Haringey','Primary',-0.0821036,51.5960999),
(102132,'Haringey','Primary',-0.110563,51.5751991),
(102135,'Haringey','Primary',-0.151179,51.5737),
(102136,'Haringey','Primary',-0.149092,51.5862999),
(102139,'Haringey','Primary',-0.115241,51.5859985),
(102142,'Haringey','Primary',-0.148797,51.5942993),
(102143,'Haringey','Primary',-0.0690065,51.6030006),
(102144,'Haringey','Primary',-0.0737266,51.5770988),
(102145,'Haringey','Primary',-0.0862194,51.5800018),
(102146,'Haringey','Primary',-0.115189,51.5973015),
(102147,'Haringey','Primary',-0.0862194,51.5800018),
(102148,'Haringey','Primary',-0.119181,51.5761986),
(102149,'Haringey','Primary',-0.068934,51.6026001),
(102150,'Haringey','Primary',-0.133295,51.6078987),
(102151,'Haringey','Primary',-0.120411,51.5758018),
(102152,'Haringey','Primary',-0.0970365,51.585701),
(102153,'Haringey','Secondary',-0.114934,51.5819016),
(102154,'Haringey','Secondary',-0.133139,51.5814018),
(102155,'Haringey','Secondary',-0.0633495,51.6049004),
(102156,'Haringey','Secondary',-0.150991,51.5928993),
(102157,'Haringey','Secondary',-0.0660947,51.580101),
(102181,'Harrow','Primary',-0.374581,51.5693016),
(102185,'Harrow','Primary',-0.34386,51.5693016),
(102186,'Harrow','Primary',-0.340492,51.5896988),
(102187,'Harrow','Primary',-0.376357,51.6122017),
(102188,'Harrow','Primary',-0.288298,51.6034012),
(102189,'Harrow','Primary',-0.327479,51.5997009),
(102193,'Harrow','Primary',-0.297208,51.594101),
(102194,'Harrow','Primary',-0.358638,51.5969009),
(102195,'Harrow','Primary',-0.314995,51.5956001),
(102197,'Harrow','Primary',-0.279922,51.5998993),
(102199,'Harrow','Primary',-0.369708,51.5805016),
(102202,'Harrow','Primary',-0.358643,51.5723),
(102204,'Harrow','Primary',-0.388299,51.5807991),
(102207,'Harrow','Primary',-0.358638,51.5969009),
(102209,'Harrow','Primary',-0.280166,51.5996017),
(102211,'Harrow','Primary',-0.32309,51.5890999),
(102212,'Harrow','Primary',-0.297208,51.594101),
(102213,'Harrow','Primary',-0.38343,51.5691986),
(102214,'Harrow','Primary',-0.309016,51.6066017),
(102215,'Harrow','Primary',-0.331429,51.607399),
(102216,'Harrow','Primary',-0.387961,51.5915985),
(102219,'Harrow','Primary',-0.373231,51.5582008),
(102220,'Harrow','Primary',-0.351077,51.5612984),
(102222,'Harrow','Primary',-0.340173,51.5834007),
(102223,'Harrow','Primary',-0.354845,51.5800018),
(102224,'Harrow','Primary',-0.296287,51.5917015),
(102230,'Harrow','Primary',-0.341073,51.5756989),
(102231,'Harrow','Primary',-0.354951,51.6049995),
(102232,'Harrow','Primary',-0.370132,51.5887985),
(102233,'Harrow','Primary',-0.32094,51.5996017),
(102234,'Harrow','Primary',-0.331852,51.5630989),
(102239,'Harrow','Secondary',-0.353187,51.5732002),
(102243,'Harrow','Secondary',-0.336221,51.5994987),
(102268,'Havering','Primary',0.271514,51.5564003),
(102269,'Havering','Primary',0.235814,51.5853996),
(102270,'Havering','Primary',0.220057,51.5848999),
(102271,'Havering','Primary',0.220057,51.5848999),
(102272,'Havering','Primary',0.203542,51.5497017),
(102273,'Havering','Primary',0.20401,51.5545998),
(102276,'Havering','Primary',0.197272,51.5718994),
(102277,'Havering','Primary',0.225922,51.5536995),
(102278,'Havering','Primary',0.241152,51.5984993),
(102280,'Havering','Primary',0.221385,51.5629997),
(102281,'Havering','Primary',0.191386,51.539299),
(102282,'Havering','Primary',0.191386,51.539299),
(102283,'Havering','Primary',0.217938,51.5503006),
(102284,'Havering','Primary',0.190332,51.5331993),
(102285,'Havering','Primary',0.19052,51.5345001),
(102289,'Havering','Primary',0.224782,51.6091995),
(102291,'Havering','Primary',0.164303,51.6021004),
(102294,'Havering','Primary',0.1558,51.5918007),
(102295,'Havering','Primary',0.1558,51.5918007),
(102299,'Havering','Primary',0.173333,51.5886002),
(102300,'Havering','Primary',0.173333,51.5886002),
(102303,'Havering','Primary',0.205318,51.5772018),
(102304,'Havering','Primary',0.205318,51.5772018),
(102308,'Havering','Primary',0.193905,51.5838013),
(102309,'Havering','Primary',0.211563,51.5693016),
(102312,'Havering','Primary',0.209463,51.5242004),
(102313,'Havering','Primary',0.210829,51.5685005),
(102314,'Havering','Primary',0.204284,51.5139999),
(102316,'Havering','Primary',0.212864,51.5443993),
(102317,'Havering','Primary',0.221801,51.6016998),
(102319,'Havering','Primary',0.17095,51.5283012),
(102321,'Havering','Primary',0.233593,51.5792007),
(102322,'Havering','Primary',0.231089,51.6035004),
(102324,'Havering','Primary',0.195588,51.5195999),
(102325,'Havering','Primary',0.207487,51.6026001),
(102327,'Havering','Primary',0.182064,51.6189995),
(102328,'Havering','Primary',0.179836,51.5839005),
(102329,'Havering','Primary',0.19626,51.5647011),
(102330,'Havering','Primary',0.191034,51.523201),
(102331,'Havering','Primary',0.15894,51.596199),
(102332,'Havering','Primary',0.20831,51.6054993),
(102333,'Havering','Primary',0.20831,51.6054993),
(102334,'Havering','Primary',0.24852,51.5564995),
(102335,'Havering','Primary',0.178748,51.5847015),
(102336,'Havering','Primary',0.198522,51.5373993),
(102341,'Havering','Secondary',0.214886,51.5498009),
(102343,'Havering','Secondary',0.210057,51.5856018),
(102344,'Havering','Secondary',0.252318,51.546299),
(102345,'Havering','Secondary',0.184236,51.5901985),
(102368,'Hillingdon','Primary',-0.395628,51.5522003),
(102369,'Hillingdon','Primary',-0.451684,51.5699005),
(102373,'Hillingdon','Primary',-0.458142,51.5219002),
(102375,'Hillingdon','Primary',-0.411073,51.5842018),
(102377,'Hillingdon','Primary',-0.390608,51.5596008),
(102378,'Hillingdon','Primary',-0.388462,51.5668983),
(102379,'Hillingdon','Primary',-0.388462,51.5668983),
(102380,'Hillingdon','Primary',-0.436466,51.5583992),
(102381,'Hillingdon','Primary',-0.483653,51.6040001),
(102382,'Hillingdon','Primary',-0.484548,51.6040001),
(102383,'Hillingdon','Primary',-0.402454,51.5965996),
(102384,'Hillingdon','Primary',-0.479721,51.4868011),
(102385,'Hillingdon','Primary',-0.460411,51.4901009),
(102388,'Hillingdon','Primary',-0.407703,51.5703011),
(102389,'Hillingdon','Primary',-0.407703,51.5703011),
(102391,'Hillingdon','Primary',-0.408175,51.5113983),
(102392,'Hillingdon','Primary',-0.408175,51.5113983),
(102393,'Hillingdon','Primary',-0.393305,51.5747986),
(102394,'Hillingdon','Primary',-0.393305,51.5747986),
(102398,'Hillingdon','Primary',-0.466499,51.5052986),
(102399,'Hillingdon','Primary',-0.481454,51.5396004),
(102400,'Hillingdon','Primary',-0.439176,51.5803986),
(102401,'Hillingdon','Primary',-0.438184,51.4897003),
(102403,'Hillingdon','Primary',-0.39875,51.5224991),
(102404,'Hillingdon','Primary',-0.398581,51.5219002),
(102405,'Hillingdon','Primary',-0.47397,51.5494995),
(102407,'Hillingdon','Primary',-0.44517,51.5345993),
(102408,'Hillingdon','Primary',-0.473379,51.5167007),
(102409,'Hillingdon','Primary',-0.414516,51.577301),
(102411,'Hillingdon','Primary',-0.481454,51.5396004),
(102413,'Hillingdon','Primary',-0.441069,51.5811996),
(102414,'Hillingdon','Primary',-0.41694,51.6134987),
(102416,'Hillingdon','Primary',-0.420326,51.5616989),
(102417,'Hillingdon','Primary',-0.434574,51.5778008),
(102418,'Hillingdon','Primary',-0.43718,51.6142006),
(102420,'Hillingdon','Primary',-0.41645,51.5178986),
(102421,'Hillingdon','Primary',-0.392077,51.5642014),
(102422,'Hillingdon','Primary',-0.420766,51.5077019),
(102423,'Hillingdon','Primary',-0.450997,51.5401001),
(102424,'Hillingdon','Primary',-0.47885,51.5038986),
(102425,'Hillingdon','Primary',-0.486866,51.5438004),
(102426,'Hillingdon','Primary',-0.424588,51.5677986),
(102430,'Hillingdon','Primary',-0.447891,51.5439987),
(102431,'Hillingdon','Primary',-0.447891,51.5439987),
(102432,'Hillingdon','Primary',-0.417599,51.5267982),
(102433,'Hillingdon','Primary',-0.417599,51.5267982),
(102434,'Hillingdon','Primary',-0.41076,51.6076012),
(102435,'Hillingdon','Primary',-0.41076,51.6076012),
(102438,'Hillingdon','Primary',-0.474891,51.5425987),
(102439,'Hillingdon','Primary',-0.420993,51.5287018),
(102449,'Hillingdon','Secondary',-0.446964,51.5373993),
(102451,'Hillingdon','Secondary',-0.436519,51.4971008),
(102470,'Hounslow','Primary',-0.262917,51.4934006),
(102471,'Hounslow','Primary',-0.407322,51.4464989),
(102472,'Hounslow','Primary',-0.257377,51.4814987),
(102484,'Hounslow','Primary',-0.423616,51.4393005),
(102485,'Hounslow','Primary',-0.271217,51.4846001),
(102486,'Hounslow','Primary',-0.408362,51.4455986),
(102489,'Hounslow','Primary',-0.383637,51.4673004),
(102490,'Hounslow','Primary',-0.38614,51.4673004),
(102491,'Hounslow','Primary',-0.353564,51.4700012),
(102492,'Hounslow','Primary',-0.3292,51.4735985),
(102493,'Hounslow','Primary',-0.29582,51.4938011),
(102494,'Hounslow','Primary',-0.327708,51.4790001),
(102496,'Hounslow','Primary',-0.380168,51.4929008),
(102497,'Hounslow','Primary',-0.421512,51.4490013),
(102498,'Hounslow','Primary',-0.421512,51.4490013),
(102499,'Hounslow','Primary',-0.401916,51.4529991),
(102500,'Hounslow','Primary',-0.348613,51.4734993),
(102501,'Hounslow','Primary',-0.38335,51.4810982),
(102502,'Hounslow','Primary',-0.385191,51.4819984),
(102503,'Hounslow','Primary',-0.280384,51.4874992),
(102504,'Hounslow','Primary',-0.280384,51.4874992),
(102505,'Hounslow','Primary',-0.376915,51.4744987),
(102506,'Hounslow','Primary',-0.324524,51.4656982),
(102508,'Hounslow','Primary',-0.399072,51.4524002),
(102512,'Hounslow','Primary',-0.332957,51.4561996),
(102514,'Hounslow','Primary',-0.426586,51.4436989),
(102515,'Hounslow','Primary',-0.327872,51.4757004),
(102519,'Hounslow','Primary',-0.373139,51.4645004),
(102520,'Hounslow','Primary',-0.400873,51.4696007),
(102522,'Hounslow','Primary',-0.389885,51.4852982),
(102523,'Hounslow','Primary',-0.32499,51.4693985),
(102524,'Hounslow','Primary',-0.304954,51.4847984),
(102526,'Hounslow','Primary',-0.313527,51.4906006),
(102527,'Hounslow','Primary',-0.409307,51.4453011),
(102528,'Hounslow','Primary',-0.327122,51.4693985),
(102529,'Hounslow','Primary',-0.257546,51.487999),
(102531,'Hounslow','Primary',-0.379152,51.4670982),
(102539,'Hounslow','Secondary',-0.376226,51.4578018),
(102545,'Hounslow','Secondary',-0.313956,51.4934006),
(102564,'Kingston upon Thames','Primary',-0.247963,51.3993988),
(102565,'Kingston upon Thames','Primary',-0.247963,51.3993988),
(102567,'Kingston upon Thames','Primary',-0.266635,51.4146996),
(102568,'Kingston upon Thames','Primary',-0.309698,51.3578987),
(102569,'Sutton','Primary',-0.235995,51.3872986),
(102573,'Kingston upon Thames','Primary',-0.260574,51.4289017),
(102574,'Kingston upon Thames','Primary',-0.29235,51.3821983),
(102575,'Kingston upon Thames','Primary',-0.29235,51.3821983),
(102576,'Kingston upon Thames','Primary',-0.266635,51.4146996),
(102577,'Kingston upon Thames','Primary',-0.306605,51.3955002),
(102578,'Kingston upon Thames','Primary',-0.287971,51.4171982),
(102579,'Kingston upon Thames','Primary',-0.295249,51.4054985),
(102580,'Kingston upon Thames','Primary',-0.276695,51.3895988),
(102581,'Kingston upon Thames','Primary',-0.259608,51.3862),
(102582,'Kingston upon Thames','Primary',-0.274042,51.4048004),
(102583,'Kingston upon Thames','Primary',-0.317075,51.364399),
(102585,'Kingston upon Thames','Primary',-0.260021,51.4059982),
(102586,'Kingston upon Thames','Primary',-0.286828,51.3927002),
(102587,'Kingston upon Thames','Primary',-0.258673,51.3824005),
(102588,'Kingston upon Thames','Primary',-0.306953,51.3950005),
(102589,'Kingston upon Thames','Primary',-0.299628,51.4040985),
(102590,'Kingston upon Thames','Primary',-0.304929,51.3699989),
(102591,'Kingston upon Thames','Primary',-0.286585,51.4173012),
(102592,'Kingston upon Thames','Primary',-0.299227,51.3877983),
(102593,'Kingston upon Thames','Primary',-0.298814,51.3594017),
(102594,'Kingston upon Thames','Primary',-0.268633,51.405201),
(102595,'Kingston upon Thames','Primary',-0.283328,51.3833008),
(102596,'Kingston upon Thames','Primary',-0.294992,51.4085999),
(102599,'Kingston upon Thames','Secondary',-0.309884,51.3568001),
(102604,'Kingston upon Thames','Primary',-0.296878,51.4159012),
(102626,'Merton','Primary',-0.166097,51.4085999),
(102628,'Merton','Primary',-0.209858,51.4161987),
(102629,'Merton','Primary',-0.184405,51.4234009),
(102631,'Merton','Primary',-0.151879,51.4127998),
(102632,'Merton','Primary',-0.217799,51.3917007),
(102633,'Merton','Primary',-0.230643,51.4141998),
(102634,'Merton','Primary',-0.214642,51.4059982),
(102635,'Merton','Primary',-0.155414,51.4199982),
(102636,'Merton','Primary',-0.149787,51.4094009),
(102638,'Merton','Primary',-0.190854,51.4135017),
(102639,'Merton','Primary',-0.201439,51.4090004),
(102640,'Merton','Primary',-0.203128,51.3927002),
(102642,'Merton','Primary',-0.19768,51.4165001),
(102643,'Merton','Primary',-0.180429,51.4076004),
(102644,'Merton','Primary',-0.200003,51.4028015),
(102645,'Merton','Primary',-0.161989,51.4067001),
(102646,'Merton','Primary',-0.141439,51.3983002),
(102647,'Merton','Primary',-0.176509,51.4175987),
(102648,'Merton','Primary',-0.195954,51.4380989),
(102649,'Merton','Primary',-0.195918,51.3950996),
(102652,'Merton','Primary',-0.236278,51.4057007),
(102653,'Merton','Primary',-0.165035,51.3970985),
(102654,'Merton','Primary',-0.156521,51.4122009),
(102655,'Merton','Primary',-0.210608,51.3981018),
(102656,'Merton','Primary',-0.170689,51.4099007),
(102660,'Merton','Primary',-0.134499,51.4099007),
(102661,'Merton','Primary',-0.133394,51.4020004),
(102662,'Merton','Primary',-0.212702,51.4129982),
(102663,'Merton','Primary',-0.183056,51.4185982),
(102664,'Merton','Primary',-0.243862,51.4149017),
(102665,'Merton','Primary',-0.195531,51.4225006),
(102666,'Merton','Primary',-0.206935,51.4272995),
(102667,'Merton','Primary',-0.167557,51.3997993),
(102668,'Merton','Primary',-0.240172,51.4005013),
(102669,'Merton','Primary',-0.181701,51.3897018),
(102670,'Merton','Primary',-0.200667,51.4177017),
(102671,'Merton','Primary',-0.226287,51.3945007),
(102672,'Merton','Primary',-0.193509,51.4249001),
(102673,'Merton','Secondary',-0.205775,51.4286995),
(102674,'Merton','Secondary',-0.239175,51.4033012),
(102679,'Merton','Secondary',-0.207865,51.4082985),
(102681,'Merton','Secondary',-0.221519,51.4192009),
(102683,'Merton','Secondary',-0.222832,51.4151001),
(102709,'Newham','Primary',0.0583495,51.5365982),
(102710,'Newham','Primary',0.0501456,51.5500984),
(102711,'Newham','Primary',0.0455672,51.524601),
(102712,'Newham','Primary',-0.0059272,51.5367012),
(102715,'Newham','Primary',0.0200068,51.5298004),
(102716,'Newham','Primary',0.0616827,51.5507011),
(102717,'Newham','Primary',0.0471552,51.5028),
(102718,'Newham','Primary',0.017266,51.5470009),
(102719,'Newham','Primary',0.0285094,51.5400009),
(102720,'Newham','Primary',0.0061488,51.5251007),
(102721,'Newham','Primary',0.029652,51.5521011),
(102722,'Newham','Primary',0.0289198,51.5512009),
(102723,'Newham','Primary',0.0169339,51.5247993),
(102724,'Newham','Primary',0.0173561,51.5127983),
(102725,'Newham','Primary',0.0203145,51.5164986),
(102727,'Newham','Primary',0.0564217,51.542099),
(102728,'Newham','Primary',0.0533326,51.5376015),
(102729,'Newham','Primary',0.0072447,51.5326004),
(102730,'Newham','Primary',0.0079592,51.5499001),
(102731,'Newham','Primary',0.0433188,51.5455017),
(102732,'Newham','Primary',0.0092464,51.5312996),
(102733,'Newham','Primary',0.0616092,51.5325012),
(102734,'Newham','Primary',0.038286,51.5248985),
(102735,'Newham','Primary',0.0186148,51.5494003),
(102736,'Newham','Primary',0.0150013,51.5418015),
(102739,'Newham','Primary',0.0225572,51.5203018),
(102740,'Newham','Primary',0.0443357,51.521801),
(102741,'Newham','Primary',0.0272985,51.5157013),
(102742,'Newham','Primary',0.0469266,51.5497017),
(102744,'Newham','Primary',0.0370044,51.5401001),
(102745,'Newham','Primary',0.0414627,51.5427017),
(102746,'Newham','Primary',0.0066232,51.5210991),
(102748,'Newham','Primary',0.0382801,51.5379982),
(102749,'Newham','Primary',0.0346761,51.5199013),
(102751,'Newham','Primary',0.0616781,51.5107002),
(102752,'Newham','Primary',0.0015881,51.5483017),
(102755,'Newham','Primary',0.029343,51.5306015),
(102757,'Newham','Primary',0.0376706,51.5143013),
(102758,'Newham','Primary',0.0417088,51.5111008),
(102759,'Newham','Primary',0.0453427,51.5159988),
(102760,'Newham','Primary',0.0431064,51.5345993),
(102761,'Newham','Primary',0.0570917,51.5177002),
(102762,'Newham','Primary',0.0606912,51.5267982),
(102763,'Newham','Primary',0.0540857,51.546299),
(102764,'Newham','Primary',0.018177,51.5489998),
(102765,'Newham','Primary',0.0107532,51.5369987),
(102766,'Newham','Primary',0.0137675,51.5135002),
(102769,'Newham','Primary',0.0372161,51.5329018),
(102770,'Newham','Primary',0.0064808,51.5480995),
(102773,'Newham','Primary',0.0571525,51.530201),
(102774,'Newham','Primary',0.0592222,51.5489006),
(102775,'Newham','Secondary',0.0232156,51.5498009),
(102776,'Newham','Secondary',0.0580782,51.5471992),
(102777,'Newham','Secondary',0.0156666,51.5186005),
(102778,'Newham','Secondary',0.0273331,51.5323982),
(102782,'Newham','Secondary',0.0496003,51.5396004),
(102783,'Newham','Secondary',0.0341009,51.5214996),
(102784,'Newham','Secondary',0.0085361,51.5227013),
(102785,'Newham','Secondary',0.0080441,51.5435982),
(102786,'Newham','Secondary',0.0285637,51.5421982),
(102787,'Newham','Secondary',0.024665,51.5388985),
(102795,'Redbridge','Primary',0.100561,51.6096001),
(102798,'Redbridge','Primary',0.0747157,51.5546989),
(102800,'Redbridge','Primary',0.0963084,51.5705986),
(102801,'Redbridge','Primary',0.108215,51.5722008),
(102802,'Redbridge','Primary',0.0804989,51.5998001),
(102805,'Redbridge','Primary',0.0697475,51.5955009),
(102806,'Redbridge','Primary',0.0579977,51.5946007),
(102807,'Redbridge','Primary',0.115142,51.5634995),
(102808,'Redbridge','Primary',0.0871161,51.5564003),
(102811,'Redbridge','Primary',0.0797267,51.5914993),
(102812,'Redbridge','Primary',0.0852351,51.575901),
(102819,'Redbridge','Primary',0.0721185,51.5480003),
(102820,'Redbridge','Primary',0.0989818,51.5784988),
(102823,'Redbridge','Primary',0.0346191,51.5642014),
(102830,'Redbridge','Primary',0.0551542,51.6039009),
(102831,'Redbridge','Primary',0.0272981,51.6166),
(102832,'Redbridge','Primary',0.0238848,51.5856018),
(102833,'Redbridge','Primary',0.0792866,51.5849991),
(102834,'Redbridge','Primary',0.0837535,51.549099),
(102835,'Redbridge','Primary',0.120511,51.578701),
(102836,'Redbridge','Primary',0.122199,51.5688019),
(102837,'Redbridge','Primary',0.113267,51.6123009),
(102838,'Redbridge','Primary',0.107446,51.6054993),
(102839,'Redbridge','Primary',0.0344533,51.5849991),
(102840,'Redbridge','Primary',0.113272,51.5698013),
(102841,'Redbridge','Primary',0.024633,51.5788002),
(102842,'Redbridge','Primary',0.0743239,51.5806007),
(102843,'Redbridge','Primary',0.0197193,51.5746994),
(102844,'Redbridge','Primary',0.0242751,51.6161995),
(102845,'Redbridge','Primary',0.125859,51.5769997),
(102847,'Redbridge','Primary',0.0867263,51.5938988),
(102848,'Redbridge','Primary',0.087151,51.5581017),
(102849,'Redbridge','Secondary',0.061774,51.5934982),
(102850,'Redbridge','Secondary',0.0769759,51.5918999),
(102851,'Redbridge','Secondary',0.0362596,51.5756989),
(102852,'Waltham Forest','Secondary',0.0183895,51.6072006),
(102854,'Redbridge','Secondary',0.0331877,51.6010017),
(102856,'Redbridge','All Through',0.0858805,51.5685005),
(102857,'Redbridge','Secondary',0.0667619,51.5742989),
(102858,'Redbridge','Secondary',0.120598,51.5644989),
(102860,'Redbridge','Secondary',0.0210618,51.6166992),
(102861,'Redbridge','Secondary',0.0875346,51.5936012),
(102883,'Richmond upon Thames','Primary',-0.363692,51.4230995),
(102884,'Richmond upon Thames','Primary',-0.284585,51.4687996),
(102885,'Richmond upon Thames','Primary',-0.255438,51.4648018),
(102886,'Richmond upon Thames','Primary',-0.360048,51.4272995),
(102887,'Richmond upon Thames','Primary',-0.373044,51.4165001),
(102888,'Richmond upon Thames','Primary',-0.376073,51.4191017),
(102889,'Richmond upon Thames','Primary',-0.311182,51.4183006),
(102890,'Richmond upon Thames','Primary',-0.369678,51.4468994),
(102891,'Richmond upon Thames','Primary',-0.369678,51.4468994),
(102892,'Richmond upon Thames','Primary',-0.238518,51.4836006),
(102893,'Richmond upon Thames','Primary',-0.315582,51.4343987),
(102895,'Richmond upon Thames','Primary',-0.321852,51.4524994),
(102896,'Richmond upon Thames','Primary',-0.304294,51.4444008),
(102897,'Richmond upon Thames','Primary',-0.276366,51.4611015),
(102898,'Richmond upon Thames','Primary',-0.34541,51.4338989),
(102900,'Richmond upon Thames','Primary',-0.347901,51.4421997),
(102901,'Richmond upon Thames','Primary',-0.350794,51.4449997),
(102902,'Richmond upon Thames','Primary',-0.25087,51.4687004),
(102903,'Richmond upon Thames','Primary',-0.325273,51.4224014),
(102904,'Richmond upon Thames','Primary',-0.376799,51.4275017),
(102905,'Richmond upon Thames','Primary',-0.345505,51.4539986),
(102906,'Richmond upon Thames','Primary',-0.297408,51.4538002),
(102907,'Richmond upon Thames','Primary',-0.319162,51.4367981),
(102908,'Richmond upon Thames','Primary',-0.284891,51.4632988),
(102909,'Richmond upon Thames','Primary',-0.261759,51.4688988),
(102910,'Richmond upon Thames','Primary',-0.292229,51.4556999),
(102911,'Richmond upon Thames','Primary',-0.310396,51.4174004),
(102912,'Richmond upon Thames','Primary',-0.360199,51.4528008),
(102913,'Richmond upon Thames','Primary',-0.34645,51.4374008),
(102914,'Richmond upon Thames','Primary',-0.327327,51.4496002),
(102915,'Richmond upon Thames','Primary',-0.323735,51.4569016),
(102916,'Richmond upon Thames','Primary',-0.321563,51.4203987),
(102917,'Richmond upon Thames','Primary',-0.339441,51.4291),
(102918,'Richmond upon Thames','Primary',-0.366099,51.4487991),
(102919,'Richmond upon Thames','Primary',-0.2456,51.4743004),
(102920,'Richmond upon Thames','Primary',-0.34182,51.4421005),
(102921,'Richmond upon Thames','Primary',-0.286295,51.4799995),
(102929,'Richmond upon Thames','Secondary',-0.288272,51.4588013),
(102958,'Sutton','Primary',-0.138496,51.3582001),
(102959,'Sutton','Primary',-0.175098,51.3522987),
(102963,'Sutton','Primary',-0.238595,51.3760986),
(102964,'Sutton','Primary',-0.21962,51.3647995),
(102967,'Sutton','Primary',-0.198425,51.3839989),
(102969,'Sutton','Primary',-0.157113,51.3785019),
(102971,'Sutton','Primary',-0.129659,51.3624992),
(102975,'Sutton','Primary',-0.189654,51.3543015),
(102976,'Sutton','Primary',-0.188206,51.3639984),
(102977,'Sutton','Primary',-0.215419,51.3797989),
(102980,'Sutton','Primary',-0.164777,51.3698006),
(102981,'Sutton','Primary',-0.200941,51.3638),
(102982,'Sutton','Primary',-0.231589,51.3804016),
(102983,'Sutton','Primary',-0.144875,51.3688011),
(102984,'Sutton','Primary',-0.196062,51.3655014),
(102985,'Epsom and Ewell','Primary',-0.237152,51.3646011),
(102986,'Sutton','Primary',-0.135561,51.3558006),
(102988,'Sutton','Primary',-0.130091,51.3521996),
(102989,'Sutton','Primary',-0.173094,51.3737984),
(102990,'Sutton','Primary',-0.191806,51.3726006),
(102991,'Sutton','Primary',-0.1467,51.3676987),
(102992,'Sutton','Primary',-0.219207,51.3566017),
(102993,'Sutton','Primary',-0.222074,51.3774986),
(102994,'Sutton','Primary',-0.166934,51.3647003),
(102995,'Sutton','Primary',-0.167365,51.3665009),
(102996,'Sutton','Primary',-0.127965,51.3560982),
(102997,'Sutton','Primary',-0.127965,51.3560982),
(103003,'Sutton','Secondary',-0.165886,51.3478012),
(103004,'Sutton','Primary',-0.158874,51.3651009),
(103005,'Sutton','Primary',-0.163519,51.3549004),
(103006,'Sutton','Primary',-0.163519,51.3549004),
(103009,'Sutton','Secondary',-0.133868,51.3455009),
(103013,'Sutton','Secondary',-0.169765,51.3642998),
(103032,'Waltham Forest','Primary',-0.02381,51.6155014),
(103036,'Waltham Forest','Primary',0.0113294,51.6251984),
(103042,'Waltham Forest','Primary',0.0118644,51.5644989),
(103044,'Waltham Forest','Primary',0.0011696,51.5545998),
(103048,'Waltham Forest','Primary',-0.0038918,51.5632019),
(103052,'Waltham Forest','Primary',-0.0137283,51.5979996),
(103053,'Waltham Forest','Primary',-0.0245796,51.5778999),
(103054,'Waltham Forest','Primary',-0.0247505,51.5895996),
(103059,'Waltham Forest','Primary',0.0022809,51.6077995),
(103060,'Waltham Forest','Primary',-0.0014799,51.5978012),
(103061,'Waltham Forest','Primary',-0.0247595,51.5929985),
(103068,'Waltham Forest','Primary',0.0208077,51.6123009),
(103069,'Waltham Forest','Primary',0.0082076,51.6066017),
(103070,'Waltham Forest','Primary',-0.0053901,51.5822983),
(103072,'Waltham Forest','Primary',-0.0299708,51.5783005),
(103073,'Waltham Forest','Primary',-0.009148,51.5653992),
(103074,'Waltham Forest','Primary',0.003142,51.5732002),
(103075,'Waltham Forest','Primary',0.008871,51.5662994),
(103077,'Waltham Forest','Primary',-0.029906,51.5831985),
(103078,'Waltham Forest','Primary',-0.0400928,51.5812988),
(103079,'Waltham Forest','Primary',-0.0365592,51.5858994),
(103080,'Waltham Forest','All Through',0.0142153,51.5569992),
(103081,'Waltham Forest','Primary',-0.0141759,51.6250992),
(103082,'Waltham Forest','Primary',0.0074016,51.5549011),
(103084,'Waltham Forest','Primary',0.0021472,51.6287003),
(103085,'Waltham Forest','Primary',0.0034708,51.6311989),
(103086,'Waltham Forest','Primary',-0.0163305,51.5684013),
(103088,'Waltham Forest','Primary',-0.0370599,51.5849991),
(103089,'Waltham Forest','Primary',-0.0300315,51.5742989),
(103090,'Waltham Forest','Primary',-0.0225121,51.5649986),
(103092,'Waltham Forest','Primary',-0.0029823,51.5835991),
(103094,'Waltham Forest','Secondary',-0.0034565,51.5945015),
(103096,'Waltham Forest','All Through',-0.0136739,51.5681),
(103097,'Waltham Forest','Secondary',0.0120256,51.6263008),
(103098,'Waltham Forest','Secondary',-0.0018347,51.5672989),
(103100,'Waltham Forest','Secondary',-0.0397923,51.5858994),
(103101,'Waltham Forest','Secondary',0.0067777,51.5758018),
(103103,'Waltham Forest','Secondary',-0.0139788,51.5853004),
(103105,'Waltham Forest','Secondary',-0.0283872,51.5755997),
(103106,'Waltham Forest','Secondary',-0.007365,51.5895996),
(103119,'Barnet','All Through',-0.226165,51.5914001),
(105135,'Greenwich','Secondary',0.105673,51.4928017),
(109907,'Windsor and Maidenhead','Primary',-0.561063,51.4581985),
(110090,'Slough','Primary',-0.548265,51.4953995),
(110095,'Slough','Primary',-0.509868,51.480999),
(110219,'South Bucks','Primary',-0.501694,51.5681992),
(110227,'South Bucks','Primary',-0.558526,51.5610008),
(110239,'South Bucks','Primary',-0.513299,51.5211983),
(110269,'Chiltern','Primary',-0.567767,51.6108017),
(110279,'South Bucks','Primary',-0.521353,51.5377998),
(110343,'South Bucks','Primary',-0.519941,51.5359993),
(110360,'Chiltern','Primary',-0.545516,51.6124992),
(110374,'South Bucks','Primary',-0.508807,51.5201988),
(110477,'Chiltern','Primary',-0.565775,51.5988998),
(114825,'Epping Forest','Primary',0.121856,51.6225014),
(114836,'Thurrock','Primary',0.261029,51.4986),
(114847,'Thurrock','Primary',0.278027,51.5042992),
(114861,'Epping Forest','Primary',0.0669749,51.6428986),
(114864,'Epping Forest','Primary',0.0669749,51.6428986),
(114872,'Epping Forest','Primary',0.0583824,51.6351013),
(114921,'Brentwood','Primary',0.344795,51.5728989),
(114932,'Epping Forest','Primary',0.0870222,51.6082001),
(114935,'Epping Forest','Primary',0.0857101,51.6595993),
(114952,'Epping Forest','Primary',0.118107,51.6481018),
(114958,'Epping Forest','Primary',0.16632,51.641201),
(114962,'Epping Forest','Primary',0.0870222,51.6082001),
(114968,'Thurrock','Primary',0.287377,51.5131989),
(115018,'Brentwood','Primary',0.317173,51.6174011),
(115042,'Brentwood','Primary',0.300522,51.6049004),
(115052,'Epping Forest','Primary',0.0525283,51.6248016),
(115092,'Thurrock','Primary',0.358425,51.5489998),
(115094,'Epping Forest','Primary',0.0334549,51.6292992),
(115096,'Epping Forest','Primary',0.0222725,51.6623993),
(115151,'Brentwood','Primary',0.266873,51.6489983),
(115154,'Brentwood','Primary',0.345124,51.6002998),
(115164,'Brentwood','Primary',0.267454,51.6198006),
(115171,'Thurrock','Primary',0.366442,51.5088997),
(115179,'Brentwood','Primary',0.304908,51.6264992),
(115181,'Thurrock','Primary',0.282562,51.5060005),
(115184,'Brentwood','Primary',0.304908,51.6264992),
(115235,'Epping Forest','Secondary',0.0560132,51.6433983),
(115279,'Epping Forest','Primary',0.0189753,51.6825981),
(115282,'Epping Forest','Primary',0.0185733,51.6829987),
(115286,'Epping Forest','Primary',0.0056392,51.6894989),
(115295,'Epping Forest','Primary',0.0848634,51.6531982),
(115307,'Brentwood','Primary',0.303256,51.6290016),
(115309,'Epping Forest','Primary',0.0849795,51.6493988),
(115310,'Epping Forest','Primary',0.0352949,51.6897011),
(117088,'Hertsmere','Primary',-0.341357,51.6369019),
(117089,'Hertsmere','Primary',-0.375156,51.6655998),
(117090,'Hertsmere','Primary',-0.355479,51.6380005),
(117091,'Broxbourne','Primary',-0.0205313,51.6842003),
(117092,'Broxbourne','Primary',-0.0306848,51.6879005),
(117093,'Three Rivers','Primary',-0.523235,51.6465988),
(117096,'Three Rivers','Primary',-0.496025,51.6367989),
(117098,'Three Rivers','Primary',-0.527542,51.6551018),
(117099,'Hertsmere','Primary',-0.273285,51.6649017),
(117130,'Three Rivers','Primary',-0.450656,51.6506004),
(117131,'Three Rivers','Primary',-0.449881,51.6450005),
(117132,'Three Rivers','Primary',-0.445299,51.6576004),
(117133,'Three Rivers','Primary',-0.440795,51.6506996),
(117150,'Hertsmere','Primary',-0.279969,51.6903992),
(117156,'Watford','Primary',-0.391814,51.6557999),
(117157,'Watford','Primary',-0.379999,51.6473999),
(117158,'Watford','Primary',-0.402943,51.6539001),
(117159,'Watford','Primary',-0.408094,51.6540985),
(117160,'Watford','Primary',-0.393834,51.6493988),
(117161,'Watford','Primary',-0.393834,51.6493988),
(117166,'Three Rivers','Primary',-0.377202,51.6286011),
(117169,'Three Rivers','Primary',-0.391144,51.6286011),
(117170,'Three Rivers','Primary',-0.39181,51.6249008),
(117180,'Broxbourne','Primary',-0.0391911,51.6852989),
(117181,'Hertsmere','Primary',-0.271825,51.6668015),
(117182,'Hertsmere','Primary',-0.267806,51.6503983),
(117183,'Hertsmere','Primary',-0.2565,51.6549988),
(117184,'Hertsmere','Primary',-0.286977,51.6649017),
(117193,'Three Rivers','Primary',-0.393754,51.6180992),
(117194,'Three Rivers','Primary',-0.383838,51.6207008),
(117195,'Hertsmere','Primary',-0.252682,51.6509018),
(117219,'Hertsmere','Primary',-0.2647,51.6548996),
(117233,'Broxbourne','Primary',-0.0270008,51.7100983),
(117242,'Hertsmere','Primary',-0.375674,51.6470985),
(117243,'Broxbourne','Primary',-0.0949901,51.7141991),
(117245,'Three Rivers','Primary',-0.418536,51.6240997),
(117255,'Broxbourne','Primary',-0.0288777,51.6986008),
(117266,'Three Rivers','Primary',-0.513191,51.6186981),
(117272,'Broxbourne','Primary',-0.0270008,51.7100983),
(117289,'Three Rivers','Primary',-0.494342,51.6453018),
(117290,'Watford','Primary',-0.41831,51.6442986),
(117296,'Hertsmere','Primary',-0.362063,51.6493988),
(117300,'Hertsmere','Primary',-0.342349,51.6310997),
(117302,'Broxbourne','Primary',-0.053387,51.7104988),
(117303,'Hertsmere','Primary',-0.30772,51.6822014),
(117304,'Three Rivers','Primary',-0.46515,51.6431007),
(117308,'Watford','Primary',-0.388108,51.6417007),
(117320,'Watford','Primary',-0.407395,51.6469002),
(117321,'Broxbourne','Primary',-0.0914322,51.7069016),
(117326,'Broxbourne','Primary',-0.0245289,51.7237015),
(117334,'Broxbourne','Primary',-0.0587122,51.714901),
(117366,'Broxbourne','Primary',-0.0584334,51.7028008),
(117367,'Broxbourne','Primary',-0.0378193,51.7050018),
(117369,'Hertsmere','Primary',-0.199187,51.7000008),
(117370,'Hertsmere','Primary',-0.179736,51.6963997),
(117371,'Hertsmere','Primary',-0.165097,51.6945),
(117379,'Broxbourne','Primary',-0.0334357,51.7058983),
(117383,'Hertsmere','Primary',-0.327082,51.6831017),
(117391,'Hertsmere','Primary',-0.357177,51.6394005),
(117396,'Welwyn Hatfield','Primary',-0.117159,51.7290001),
(117415,'Broxbourne','Primary',-0.0473841,51.7056999),
(117428,'Broxbourne','Primary',-0.0367415,51.6950989),
(117429,'Broxbourne','Primary',-0.027852,51.6915016),
(117431,'Hertsmere','Primary',-0.296798,51.6451988),
(117447,'Three Rivers','Primary',-0.475053,51.6301003),
(117448,'Three Rivers','Primary',-0.491027,51.6367989),
(117465,'Three Rivers','Primary',-0.396884,51.6273003),
(117466,'Hertsmere','Primary',-0.270946,51.6601982),
(117475,'Three Rivers','Primary',-0.491184,51.6372986),
(117488,'Hertsmere','Primary',-0.371156,51.6441002),
(117492,'Broxbourne','Primary',-0.0514307,51.7155991),
(117495,'Watford','Primary',-0.420111,51.6478004),
(117496,'Hertsmere','Primary',-0.198596,51.6901016),
(117562,'Hertsmere','Primary',-0.281057,51.6699982),
(117564,'Hertsmere','Primary',-0.231682,51.6949997),
(117565,'Welwyn Hatfield','Primary',-0.112287,51.7042007),
(117567,'Welwyn Hatfield','Primary',-0.175011,51.7060013),
(117569,'Welwyn Hatfield','Primary',-0.148131,51.7061005),
(117570,'Welwyn Hatfield','Primary',-0.202314,51.7248001),
(117591,'Welwyn Hatfield','Secondary',-0.18366,51.7274017),
(117596,'Broxbourne','Secondary',-0.0453638,51.7011986),
(118246,'Dartford','Primary',0.173982,51.4311981),
(118254,'Sevenoaks','Primary',0.162712,51.3853989),
(118255,'Sevenoaks','Primary',0.216347,51.3716011),
(118274,'Sevenoaks','Primary',0.13591,51.3288994),
(118284,'Sevenoaks','Primary',0.178747,51.3331985),
(118541,'Sevenoaks','Primary',0.175165,51.3918991),
(118571,'Dartford','Primary',0.22995,51.4528008),
(118587,'Dartford','Primary',0.202271,51.4471016),
(118590,'Sevenoaks','Primary',0.195506,51.4068985),
(118596,'Dartford','Primary',0.261272,51.4424019),
(118608,'Sevenoaks','Primary',0.127023,51.2742996),
(118616,'Sevenoaks','Primary',0.0685894,51.2715988),
(118713,'Sevenoaks','Primary',0.104034,51.3092995),
(118715,'Sevenoaks','Primary',0.146647,51.2879982),
(118754,'Sevenoaks','Primary',0.167518,51.3942986),
(118765,'Dartford','Primary',0.231796,51.4510994),
(118768,'Dartford','Primary',0.208222,51.4469986),
(118785,'Dartford','Secondary',0.203396,51.4417992),
(118859,'Dartford','Primary',0.206313,51.4524994),
(118860,'Sevenoaks','Primary',0.174283,51.3987999),
(118883,'Dartford','Secondary',0.203948,51.4434013),
(121792,'Hackney','Primary',-0.0650009,51.5765991),
(124940,'Reigate and Banstead','Primary',-0.168984,51.3279991),
(124943,'Tandridge','Primary',-0.067766,51.3182983),
(124945,'Tandridge','Primary',-0.0368963,51.2881012),
(124955,'Epsom and Ewell','Primary',-0.250475,51.3483009),
(124956,'Epsom and Ewell','Primary',-0.268985,51.3409996),
(124958,'Epsom and Ewell','Primary',-0.251333,51.3698997),
(124959,'Epsom and Ewell','Primary',-0.250764,51.3704987),
(124961,'Epsom and Ewell','Primary',-0.267916,51.3628998),
(124963,'Epsom and Ewell','Primary',-0.254114,51.3722992),
(124964,'Elmbridge','Primary',-0.349291,51.3992004),
(124965,'Elmbridge','Primary',-0.330417,51.3778992),
(124966,'Elmbridge','Primary',-0.317423,51.3834991),
(124967,'Elmbridge','Primary',-0.336108,51.3874016),
(124968,'Elmbridge','Primary',-0.337374,51.3913002),
(124982,'Mole Valley','Primary',-0.310296,51.3143997),
(124983,'Mole Valley','Primary',-0.354491,51.2915001),
(124989,'Reigate and Banstead','Primary',-0.152229,51.2616997),
(124993,'Tandridge','Primary',0.0272027,51.2911987),
(125005,'Reigate and Banstead','Primary',-0.232344,51.3115005),
(125008,'Mole Valley','Primary',-0.294825,51.3143997),
(125019,'Mole Valley','Primary',-0.357145,51.2902985),
(125023,'Reigate and Banstead','Primary',-0.207711,51.3221016),
(125026,'Mole Valley','Primary',-0.30792,51.3036995),
(125030,'Reigate and Banstead','Primary',-0.228441,51.323101),
(125036,'Epsom and Ewell','Primary',-0.247492,51.3345985),
(125038,'Elmbridge','Primary',-0.373521,51.4067993),
(125043,'Tandridge','Primary',-0.0062775,51.2635994),
(125056,'Elmbridge','Primary',-0.406781,51.3937988),
(125058,'Elmbridge','Primary',-0.40077,51.3721008),
(125060,'Tandridge','Primary',-0.0866343,51.2952995),
(125066,'Epsom and Ewell','Primary',-0.281873,51.3364983),
(125072,'Runnymede','Primary',-0.524613,51.4248009),
(125088,'Spelthorne','Primary',-0.465877,51.4361992),
(125092,'Spelthorne','Primary',-0.502132,51.4291992),
(125094,'Spelthorne','Primary',-0.405832,51.4119987),
(125095,'Spelthorne','Primary',-0.434813,51.4262009),
(125096,'Spelthorne','Primary',-0.400621,51.4085007),
(125107,'Runnymede','Primary',-0.523282,51.4291),
(125108,'Elmbridge','Primary',-0.343279,51.3578987),
(125113,'Spelthorne','Primary',-0.479692,51.4374008),
(125125,'Elmbridge','Primary',-0.370228,51.3991013),
(125126,'Spelthorne','Primary',-0.479848,51.4534988),
(125127,'Reigate and Banstead','Primary',-0.233106,51.3055),
(125130,'Reigate and Banstead','Primary',-0.13877,51.262001),
(125142,'Epsom and Ewell','Primary',-0.265268,51.3260994),
(125143,'Elmbridge','Primary',-0.360143,51.3305016),
(125157,'Epsom and Ewell','Primary',-0.26557,51.3260994),
(125164,'Tandridge','Primary',-0.0718919,51.2733002),
(125165,'Tandridge','Primary',-0.117381,51.2785988),
(125179,'Elmbridge','Primary',-0.3552,51.4040985),
(125180,'Elmbridge','Primary',-0.321478,51.384201),
(125190,'Mole Valley','Primary',-0.295158,51.3088989),
(125191,'Tandridge','Primary',0.0195666,51.2564011),
(125194,'Tandridge','Primary',-0.0084771,51.263401),
(125203,'Tandridge','Primary',-0.0852338,51.2955017),
(125205,'Epsom and Ewell','Primary',-0.275106,51.3302002),
(125211,'Mole Valley','Primary',-0.317797,51.3027),
(125212,'Elmbridge','Primary',-0.346042,51.3900986),
(125214,'Spelthorne','Primary',-0.417499,51.4147987),
(125215,'Spelthorne','Primary',-0.504127,51.4267006),
(125219,'Reigate and Banstead','Primary',-0.202639,51.3200989),
(125220,'Epsom and Ewell','Primary',-0.255388,51.3512001),
(125228,'Spelthorne','Primary',-0.450937,51.4266014),
(125229,'Spelthorne','Primary',-0.487822,51.4104004),
(125230,'Spelthorne','Primary',-0.451683,51.3942986),
(125231,'Spelthorne','Primary',-0.460723,51.4067993),
(125233,'Spelthorne','Primary',-0.458642,51.4305992),
(125237,'Elmbridge','Primary',-0.393357,51.3745003),
(125239,'Elmbridge','Primary',-0.362481,51.3989983),
(125252,'Mole Valley','Secondary',-0.334798,51.3058014),
(125275,'Mole Valley','Secondary',-0.315993,51.3022003),
(125279,'Reigate and Banstead','All Through',-0.173402,51.2612),
(125284,'Spelthorne','Primary',-0.4204,51.4081993),
(125296,'Reigate and Banstead','Primary',-0.227767,51.2924995),
(125298,'Epsom and Ewell','Primary',-0.24791,51.3361015),
(125308,'Tandridge','Secondary',-0.0846411,51.2932014),
(125311,'Spelthorne','Secondary',-0.414491,51.4145012),
(127046,'Redbridge','Primary',0.0517598,51.5811996),
(129649,'Lambeth','Secondary',-0.103862,51.4385986),
(130095,'Brent','Primary',-0.293702,51.5615997),
(130302,'Hackney','Primary',-0.0469221,51.5553017),
(130303,'Hackney','Primary',-0.0626171,51.5424004),
(130340,'Barking and Dagenham','Primary',0.11632,51.5354004),
(130342,'Camden','Primary',-0.11219,51.5227013),
(130343,'Waltham Forest','Primary',-0.010968,51.611599),
(130352,'Tower Hamlets','Primary',-0.0265649,51.4953003),
(130357,'Barking and Dagenham','Primary',0.150801,51.5480003),
(130358,'Haringey','Primary',-0.115348,51.5952988),
(130381,'Newham','Primary',0.0346636,51.5463982),
(130912,'Westminster','Secondary',-0.192101,51.5253983),
(130915,'Croydon','Primary',-0.085091,51.3455009),
(130918,'Southwark','Primary',-0.0868169,51.4588013),
(130919,'Barking and Dagenham','Primary',0.138974,51.537899),
(130921,'Greenwich','Primary',0.0379066,51.4443016),
(130922,'Greenwich','Primary',0.0903508,51.4771996),
(130932,'Hackney','Primary',-0.0749634,51.5617981),
(130933,'Enfield','Primary',-0.0593885,51.6179008),
(130934,'Sutton','Primary',-0.171761,51.3768997),
(130995,'Newham','Primary',0.0442852,51.5293999),
(130998,'Barnet','Primary',-0.215925,51.5822983),
(131013,'Redbridge','Primary',0.0553529,51.5674019),
(131057,'Waltham Forest','Primary',-0.0353931,51.5760994),
(131062,'Hackney','Secondary',-0.0717711,51.5517006),
(131072,'Epsom and Ewell','Primary',-0.269294,51.3670998),
(131096,'Haringey','Primary',-0.107138,51.5690994),
(131097,'Kingston upon Thames','Primary',-0.302247,51.4230995),
(131103,'Sutton','Primary',-0.159082,51.3814011),
(131109,'Greenwich','Primary',0.0946071,51.5003014),
(131125,'Elmbridge','Primary',-0.365015,51.3811989),
(131141,'Hackney','Primary',-0.0810428,51.5339012),
(131144,'Ealing','Primary',-0.304864,51.5038986),
(131183,'Greenwich','Primary',0.0828304,51.4863014),
(131218,'Islington','Primary',-0.114737,51.5611992),
(131226,'Thurrock','Primary',0.293924,51.4892006),
(131229,'Harrow','Primary',-0.384478,51.5750008),
(131246,'Greenwich','Primary',-0.0131239,51.4790993),
(131247,'Lambeth','Primary',-0.139687,51.4530983),
(131262,'Westminster','Secondary',-0.192409,51.5209007),
(131280,'Croydon','Secondary',-0.0945136,51.4215012),
(131304,'Redbridge','Primary',0.106407,51.5568008),
(131305,'Redbridge','Primary',0.0437868,51.6071014),
(131310,'Ealing','Secondary',-0.329633,51.5),
(131316,'Harrow','Primary',-0.303269,51.6077003),
(131318,'Southwark','Primary',-0.0830117,51.4888),
(131325,'Islington','Primary',-0.0834239,51.5513992),
(131335,'Lambeth','Primary',-0.0980635,51.4462013),
(131340,'Lambeth','Primary',-0.10734,51.4620018),
(131359,'Barnet','Primary',-0.263951,51.6078987),
(131407,'Enfield','Primary',-0.0929245,51.6138992),
(131418,'Brent','Primary',-0.197075,51.5351982),
(131426,'Havering','Primary',0.173873,51.5788002),
(131478,'Haringey','Primary',-0.108812,51.6030998),
(131520,'Wandsworth','Primary',-0.166987,51.4693985),
(131528,'Enfield','Primary',-0.0318283,51.6696014),
(131553,'Bromley','Primary',0.0306045,51.4023018),
(131577,'Harrow','Primary',-0.395955,51.6035995),
(131590,'Havering','Primary',0.203974,51.5419006),
(131595,'Haringey','Primary',-0.0951814,51.5985985),
(131609,'Hackney','Secondary',-0.0729697,51.5355988),
(131613,'Newham','Primary',0.0254226,51.5036011),
(131617,'Barnet','Primary',-0.209656,51.5718002),
(131625,'Redbridge','Primary',0.0566365,51.5709),
(131628,'Redbridge','Primary',0.0808877,51.5593987),
(131638,'Hillingdon','Primary',-0.460864,51.4972),
(131657,'Enfield','Primary',-0.125884,51.6366997),
(131682,'Redbridge','Primary',0.0800724,51.5942993),
(131690,'Islington','Secondary',-0.115907,51.5671005),
(131706,'Hackney','Primary',-0.0846212,51.5578995),
(131731,'Haringey','Primary',-0.0721961,51.5934982),
(131737,'Tower Hamlets','Primary',-0.0660087,51.5136986),
(131740,'Islington','Primary',-0.0902762,51.5386009),
(131741,'Islington','Primary',-0.112346,51.5648994),
(131747,'Southwark','Secondary',-0.0709375,51.4933014),
(131752,'Hammersmith and Fulham','All Through',-0.22973,51.519001),
(131757,'Haringey','Secondary',-0.0905779,51.5872002),
(131773,'Islington','Primary',-0.100568,51.544899),
(131775,'Barking and Dagenham','Primary',0.081035,51.5326004),
(131787,'Havering','Primary',0.192705,51.5619011),
(131824,'Lambeth','Primary',-0.115,51.4361),
(131841,'Greenwich','Primary',0.11289,51.4852982),
(131842,'Islington','Primary',-0.106155,51.5278015),
(131843,'Southwark','Primary',-0.0888167,51.4780998),
(131844,'Barking and Dagenham','Primary',0.156045,51.5475998),
(131845,'Barking and Dagenham','Primary',0.13475,51.5514984),
(131847,'Redbridge','Primary',0.0770601,51.5643005),
(131871,'Haringey','Primary',-0.139763,51.5914001),
(131874,'Lambeth','Primary',-0.1119,51.4846992),
(131879,'Haringey','Primary',-0.0781565,51.5999985),
(131890,'Newham','Primary',0.0691958,51.5130997),
(131897,'Merton','Secondary',-0.134466,51.4017982),
(131916,'Brent','Primary',-0.23327,51.5592995),
(131925,'Croydon','Primary',-0.117474,51.3815002),
(131926,'Newham','Primary',0.0249501,51.5407982),
(131929,'Newham','Secondary',0.034853,51.5108986),
(131930,'Redbridge','Primary',0.0975132,51.5578995),
(131936,'Tower Hamlets','Primary',-0.0529375,51.5136986),
(131955,'Hertsmere','Primary',-0.306062,51.6696014),
(131970,'Barnet','Primary',-0.246114,51.6082993),
(131991,'Epsom and Ewell','Primary',-0.260619,51.3041),
(132058,'Newham','Secondary',0.055086,51.5140991),
(132137,'Hackney','Primary',-0.0499707,51.5480995),
(132142,'Brentwood','Primary',0.290214,51.6108017),
(132167,'Merton','Primary',-0.220096,51.3885002),
(132169,'Merton','Primary',-0.186769,51.3876991),
(132203,'Enfield','Primary',-0.0937146,51.6295013),
(132245,'Camden','Primary',-0.196842,51.5433006),
(132253,'Haringey','Primary',-0.0822681,51.5825996),
(132256,'Enfield','Secondary',-0.108173,51.6487007),
(132263,'Hounslow','Primary',-0.382455,51.4420013),
(132264,'Hounslow','Primary',-0.434481,51.4477005),
(132266,'Hounslow','Primary',-0.296633,51.4878006),
(132711,'Southwark','Secondary',-0.0549848,51.4575005),
(132727,'Waltham Forest','Secondary',-0.024391,51.5994987),
(132766,'Havering','Primary',0.265492,51.5704994),
(132789,'Newham','Primary',0.0552508,51.5513992),
(132800,'Greenwich','Primary',0.0886284,51.4874001),
(132812,'Newham','Primary',0.0290312,51.5317001),
(132813,'Newham','Primary',0.0262311,51.5222015),
(132827,'Greenwich','Primary',0.0644837,51.4784012),
(132837,'Greenwich','Primary',0.0621602,51.4622993),
(133254,'Epping Forest','Primary',0.0226468,51.6870003),
(133287,'Waltham Forest','Secondary',-0.0256607,51.5658989),
(133288,'Tower Hamlets','Primary',-0.0512614,51.5326996),
(133289,'Tower Hamlets','Secondary',-0.0493739,51.5135002),
(133315,'Lambeth','Primary',-0.12991,51.4570999),
(133343,'Richmond upon Thames','Primary',-0.276664,51.4742012),
(133364,'Barnet','Primary',-0.197489,51.5992012),
(133365,'Brent','Primary',-0.257692,51.5918999),
(133386,'Haringey','Secondary',-0.117709,51.5873985),
(133405,'Redbridge','Secondary',0.091561,51.5784988),
(133486,'Hounslow','Primary',-0.255879,51.4883003),
(133520,'Enfield','Primary',-0.0271329,51.675499),
(133561,'Barking and Dagenham','Secondary',0.126375,51.5334015),
(133574,'Tower Hamlets','Primary',-0.0171052,51.5135002),
(133584,'Lambeth','Primary',-0.105068,51.4696007),
(133599,'Hackney','Secondary',-0.0683784,51.5735016),
(133662,'Lambeth','Primary',-0.114529,51.4524002),
(133669,'Hackney','Primary',-0.0379944,51.5455017),
(133707,'Haringey','Primary',-0.0662589,51.5962982),
(133721,'Epsom and Ewell','Primary',-0.27702,51.3442001),
(133724,'Brent','Secondary',-0.281098,51.5810013),
(133728,'Richmond upon Thames','Primary',-0.289959,51.4613991),
(133769,'Bexley','All Through',0.134089,51.4959984),
(133774,'Merton','Primary',-0.159296,51.4043007),
(133931,'Redbridge','Primary',0.0336717,51.5920982),
(133932,'Redbridge','Primary',0.0308898,51.5924988),
(133934,'Redbridge','Primary',0.07041,51.5798988),
(133935,'Redbridge','Primary',0.0226213,51.5984993),
(133936,'Redbridge','Primary',0.0253684,51.597599),
(133938,'Redbridge','Primary',0.0635965,51.588501),
(133939,'Redbridge','Primary',0.0635965,51.588501),
(134003,'Merton','Secondary',-0.154342,51.4062996),
(134008,'Bromley','Primary',0.117759,51.3726997),
(134009,'Hammersmith and Fulham','Primary',-0.218156,51.4953003),
(134041,'Wandsworth','Primary',-0.167897,51.4305),
(134118,'Bexley','Primary',0.136948,51.4617004),
(134160,'Tower Hamlets','Primary',-0.0295405,51.5279007),
(134165,'Sutton','Primary',-0.179659,51.3843002),
(134185,'Bexley','Primary',0.110859,51.4207001),
(134217,'Ealing','Primary',-0.361067,51.5535011),
(134222,'Southwark','Secondary',-0.0659039,51.4889984),
(134225,'Southwark','Secondary',-0.0741653,51.4726982),
(134226,'Brent','Secondary',-0.234789,51.5391006),
(134254,'Croydon','Primary',-0.117802,51.3045006),
(134273,'Hammersmith and Fulham','Primary',-0.204198,51.4854012),
(134307,'Enfield','Primary',-0.0741137,51.6282997),
(134311,'Enfield','Secondary',-0.0232983,51.6731987),
(134314,'Islington','All Through',-0.109828,51.5474014),
(134369,'Ealing','All Through',-0.382438,51.543499),
(134475,'Croydon','Primary',-0.112127,51.4108009),
(134507,'Lambeth','Primary',-0.120196,51.4444008),
(134515,'Sevenoaks','Primary',0.185006,51.3956985),
(134557,'Elmbridge','Primary',-0.400499,51.3830986),
(134639,'Hackney','Primary',-0.0733106,51.5722008),
(134677,'Barnet','Primary',-0.252861,51.6086006),
(134680,'Haringey','Primary',-0.0915294,51.5830994),
(134681,'Haringey','Primary',-0.105605,51.5858002),
(134693,'Hackney','Secondary',-0.0613731,51.5516014),
(134731,'Spelthorne','Primary',-0.471942,51.4544983),
(134780,'Bexley','Primary',0.0884072,51.4594994),
(134797,'Hillingdon','Secondary',-0.460999,51.5192986),
(134798,'Barnet','All Through',-0.288111,51.6232986),
(134815,'Lambeth','Secondary',-0.141198,51.4574013),
(134903,'Southwark','Primary',-0.0631659,51.4645004),
(134929,'Harrow','Primary',-0.318864,51.6211014),
(135004,'Hillingdon','Secondary',-0.473202,51.6063995),
(135009,'Mole Valley','Primary',-0.328678,51.3013),
(135070,'Lewisham','All Through',0.0162109,51.4281006),
(135073,'Lewisham','All Through',-0.043516,51.4678993),
(135086,'Barnet','Primary',-0.189341,51.5952988),
(135118,'Sevenoaks','Primary',0.181263,51.4149017),
(135124,'Waltham Forest','Primary',-0.0066873,51.6058006),
(135151,'Croydon','Primary',-0.0464883,51.3520012),
(135179,'Dartford','Primary',0.2117,51.4337997),
(135193,'Waltham Forest','Primary',-0.0079954,51.5898018),
(135211,'Harrow','Primary',-0.351905,51.6054001),
(135226,'Barnet','Primary',-0.168207,51.5948982),
(135237,'Spelthorne','Primary',-0.486324,51.4217987),
(135242,'Westminster','All Through',-0.169091,51.5219002),
(135249,'Croydon','Secondary',-0.0752077,51.4006996),
(135261,'Hounslow','Primary',-0.372739,51.4874992),
(135264,'Lewisham','All Through',3.7e-05,51.4641991),
(135280,'Dartford','Primary',0.23074,51.4631004),
(135297,'Dartford','Secondary',0.235573,51.4361992),
(135311,'Croydon','Secondary',-0.0768325,51.4117012),
(135315,'Southwark','Secondary',-0.0794943,51.4870987),
(135316,'Wandsworth','Secondary',-0.207478,51.456501),
(135383,'Epsom and Ewell','Primary',-0.236504,51.3661995),
(135389,'Lambeth','Secondary',-0.104106,51.4608002),
(135401,'Southwark','Secondary',-0.0411339,51.5019989),
(135482,'Ealing','Primary',-0.370439,51.4949989),
(135507,'Barnet','All Through',-0.168155,51.6127014),
(135525,'Croydon','Primary',-0.139358,51.3293991),
(135531,'Kensington and Chelsea','Secondary',-0.183017,51.4780006),
(135535,'Enfield','Primary',-0.0351809,51.6548996),
(135562,'Hounslow','Primary',-0.374555,51.4618988),
(135584,'Southwark','All Through',-0.0908351,51.4956017),
(135587,'Islington','Secondary',-0.0976576,51.5362015),
(135588,'Havering','Primary',0.237162,51.5511017),
(135600,'Brent','All Through',-0.28018,51.5656013),
(135614,'Lambeth','Primary',-0.130419,51.4548988),
(135631,'Slough','Secondary',-0.553103,51.5046005),
(135654,'Croydon','Secondary',-0.113877,51.3000984),
(135676,'Westminster','Secondary',-0.13721,51.4882011),
(135677,'Bexley','Secondary',0.0883153,51.4578018),
(135747,'Barnet','Secondary',-0.169704,51.6553001),
(135762,'Wandsworth','Secondary',-0.172174,51.4747009),
(135812,'Havering','Primary',0.164726,51.5742989),
(135816,'Southwark','Secondary',-0.0652956,51.4570999),
(135831,'Hounslow','Primary',-0.431293,51.4580002),
(135835,'Hackney','Secondary',-0.0484581,51.5486984),
(135843,'Lewisham','All Through',-0.0162075,51.4637985),
(135880,'Hounslow','Primary',-0.355067,51.4645996),
(135938,'Hertsmere','Secondary',-0.369604,51.6463013),
(135951,'Bexley','All Through',0.183041,51.4552002),
(135955,'Croydon','Secondary',-0.108296,51.3530998),
(135958,'Enfield','All Through',-0.0379829,51.642601),
(135960,'Thurrock','Secondary',0.254602,51.5052986),
(135968,'Croydon','All Through',-0.0632666,51.3829002),
(135973,'Brent','Secondary',-0.241447,51.5634995),
(135994,'Dartford','Primary',0.246563,51.4347),
(136024,'Broxbourne','Primary',-0.0278148,51.7154007),
(136028,'Barking and Dagenham','Secondary',0.155829,51.5345001),
(136090,'Havering','Secondary',0.240021,51.6096001),
(136103,'Richmond upon Thames','Secondary',-0.374114,51.4294014),
(136104,'Richmond upon Thames','Secondary',-0.363192,51.4443016),
(136137,'Hackney','Secondary',-0.0929769,51.5732994),
(136147,'Enfield','Secondary',-0.0815543,51.6176987),
(136157,'Enfield','Secondary',-0.0458925,51.6338005),
(136172,'Hammersmith and Fulham','Secondary',-0.235775,51.5019989),
(136173,'Epping Forest','Primary',0.0542257,51.6515007),
(136191,'Hounslow','Primary',-0.370327,51.4847984),
(136203,'Croydon','Secondary',-0.0498368,51.3508987),
(136205,'Dartford','Secondary',0.192578,51.4281006),
(136208,'Richmond upon Thames','Secondary',-0.259316,51.4623985),
(136267,'Redbridge','Secondary',0.118054,51.5718002),
(136276,'Watford','Secondary',-0.414336,51.6549988),
(136281,'Bromley','Secondary',0.11015,51.4118996),
(136284,'Enfield','Primary',-0.044215,51.6365013),
(136288,'Lambeth','All Through',-0.115944,51.4747009),
(136289,'Watford','Secondary',-0.397646,51.652401),
(136290,'Barnet','Secondary',-0.212565,51.6557999),
(136298,'Southwark','Secondary',-0.0893039,51.4564018),
(136304,'Sevenoaks','Secondary',0.16988,51.3961983),
(136308,'Barnet','Secondary',-0.132946,51.6301994),
(136309,'Southwark','Secondary',-0.0850292,51.4323006),
(136327,'Enfield','Secondary',-0.0612306,51.6509018),
(136329,'Hillingdon','All Through',-0.398255,51.5087013),
(136330,'Bexley','Secondary',0.166149,51.4742012),
(136334,'Bexley','Secondary',0.150735,51.4466019),
(136338,'Elmbridge','Primary',-0.426737,51.3722992),
(136341,'Hounslow','Secondary',-0.367949,51.4771996),
(136342,'Epping Forest','Secondary',0.0150171,51.6894989),
(136355,'Bromley','Secondary',0.0642487,51.3652992),
(136359,'Dartford','Secondary',0.205457,51.4452019),
(136362,'Waltham Forest','Primary',-0.0269473,51.5992012),
(136364,'Waltham Forest','Primary',-0.0077279,51.6413994),
(136369,'Bexley','Secondary',0.10704,51.456501),
(136387,'Thurrock','Secondary',0.277627,51.5135994),
(136402,'Barnet','Primary',-0.271656,51.618),
(136413,'Waltham Forest','Primary',-0.0343055,51.5928993),
(136418,'Barnet','Secondary',-0.163095,51.6096001),
(136431,'Barking and Dagenham','Primary',0.108581,51.5205002),
(136445,'Ealing','Primary',-0.305355,51.5139999),
(136450,'Lambeth','Secondary',-0.119619,51.4735985),
(136464,'Bromley','Secondary',0.0735946,51.4077988),
(136466,'Bromley','Secondary',0.0433793,51.3811989),
(136467,'Bromley','Secondary',0.0891742,51.4185982),
(136517,'Bromley','Secondary',0.0356297,51.3694992),
(136519,'Hillingdon','Secondary',-0.413932,51.5948982),
(136521,'Slough','Secondary',-0.552573,51.4990005),
(136522,'Hounslow','Secondary',-0.406539,51.4875984),
(136529,'Spelthorne','Secondary',-0.421023,51.4147987),
(136534,'Epsom and Ewell','Secondary',-0.255844,51.343399),
(136535,'Sutton','Primary',-0.213986,51.3718987),
(136538,'Bexley','Secondary',0.161152,51.4860992),
(136540,'Bromley','Secondary',0.0206925,51.394001),
(136545,'Bromley','Secondary',0.0453357,51.3154984),
(136551,'Bromley','Secondary',0.0739547,51.3670998),
(136554,'Hertsmere','Secondary',-0.207206,51.6907997),
(136555,'Epping Forest','Secondary',0.0897773,51.6543999),
(136564,'Croydon','Primary',-0.0919139,51.3961983),
(136565,'Croydon','Primary',-0.0919139,51.3961983),
(136566,'Croydon','Primary',-0.102257,51.3918991),
(136576,'Havering','Secondary',0.18816,51.5363007),
(136586,'Bromley','Secondary',-0.0209956,51.3886986),
(136599,'Bexley','Primary',0.102348,51.4690018),
(136600,'Havering','Secondary',0.260196,51.5563011),
(136606,'Three Rivers','Secondary',-0.455418,51.6449013),
(136615,'Kingston upon Thames','Secondary',-0.302903,51.4255981),
(136621,'Sutton','Secondary',-0.128083,51.3588982),
(136625,'Epping Forest','Secondary',0.0846872,51.6626015),
(136631,'Hillingdon','Secondary',-0.445077,51.5373001),
(136644,'Bromley','Secondary',0.018919,51.3740005),
(136656,'Brent','Secondary',-0.293874,51.5844002),
(136658,'Barnet','Secondary',-0.154737,51.6436005),
(136663,'Havering','Secondary',0.208172,51.553299),
(136665,'Southwark','Primary',-0.0876613,51.4502983),
(136669,'Newham','Secondary',0.042048,51.5225983),
(136709,'Bromley','Secondary',0.0479656,51.4089012),
(136711,'Hillingdon','Secondary',-0.389251,51.5575981),
(136714,'Croydon','Primary',-0.122347,51.3951988),
(136720,'Bexley','Secondary',0.114077,51.4679985),
(136726,'Chiltern','Primary',-0.559367,51.6083984),
(136737,'Ealing','Primary',-0.349403,51.5536995),
(136750,'Hammersmith and Fulham','Secondary',-0.237856,51.4925003),
(136756,'Sutton','Secondary',-0.196167,51.3522987),
(136758,'Epping Forest','Secondary',0.0629221,51.6124992),
(136768,'Hillingdon','Secondary',-0.472816,51.5369987),
(136769,'Croydon','Primary',-0.121943,51.3875008),
(136785,'Sutton','Secondary',-0.21801,51.3662987),
(136787,'Sutton','Secondary',-0.189772,51.3651009),
(136789,'Sutton','Secondary',-0.148859,51.3479996),
(136795,'Epsom and Ewell','Secondary',-0.223905,51.3554001),
(136796,'Sutton','Primary',-0.203761,51.3728981),
(136797,'Sutton','Secondary',-0.169307,51.3695984),
(136798,'Sutton','Secondary',-0.14919,51.3689995),
(136799,'Sutton','Secondary',-0.174907,51.3777008),
(136800,'Sutton','Secondary',-0.183175,51.3764),
(136807,'Camden','Primary',-0.194378,51.5582008),
(136808,'Haringey','Primary',-0.152226,51.5951996),
(136809,'Hounslow','Primary',-0.410218,51.4742012),
(136832,'Spelthorne','Secondary',-0.471666,51.4394989),
(136877,'Hertsmere','Secondary',-0.36905,51.6585007),
(136883,'Wandsworth','Secondary',-0.155501,51.4446983),
(136901,'Three Rivers','Secondary',-0.514082,51.6635017),
(136910,'Kingston upon Thames','Secondary',-0.295676,51.4118004),
(136914,'Sutton','Secondary',-0.201228,51.3810997),
(136915,'Bromley','Primary',0.0914747,51.3605995),
(136920,'Bromley','Primary',0.0233901,51.3786011),
(136922,'Hertsmere','Secondary',-0.268267,51.6543007),
(136932,'Bexley','Primary',0.125248,51.4973984),
(136934,'Redbridge','Primary',0.0952201,51.5708008),
(136938,'Barnet','Primary',-0.238965,51.6142998),
(136951,'Slough','Primary',-0.544487,51.5042),
(136952,'Enfield','Primary',-0.0451765,51.637001),
(136977,'Brentwood','Primary',0.303558,51.6287003),
(136978,'Newham','Secondary',0.0235199,51.5410004),
(137005,'Wandsworth','Secondary',-0.151935,51.4229012),
(137006,'Bromley','Secondary',-0.0178052,51.3883018),
(137009,'Hounslow','Secondary',-0.420888,51.4528999),
(137016,'Tower Hamlets','Primary',-0.0136527,51.4891014),
(137028,'Harrow','Secondary',-0.365155,51.5906982),
(137032,'Bromley','Primary',0.0642487,51.3652992),
(137035,'Bromley','Primary',-0.0587645,51.4037018),
(137040,'Havering','Secondary',0.231745,51.5821991),
(137060,'Kingston upon Thames','Secondary',-0.296277,51.3748016),
(137067,'Bromley','Primary',0.0918813,51.3525009),
(137069,'Bromley','Primary',0.0053763,51.3862991),
(137070,'Bromley','Primary',0.0053763,51.3862991),
(137075,'Harrow','Secondary',-0.302246,51.5998993),
(137077,'Hillingdon','Secondary',-0.429206,51.5200005),
(137078,'Hillingdon','Secondary',-0.439542,51.5284004),
(137088,'Redbridge','Secondary',0.0945321,51.5643005),
(137093,'Lambeth','All Through',-0.119463,51.4328995),
(137094,'Enfield','Secondary',-0.0832018,51.6529999),
(137114,'Croydon','Primary',-0.0896412,51.3779984),
(137116,'Runnymede','Secondary',-0.521669,51.4277992),
(137121,'Bromley','Secondary',-0.0258072,51.3997993),
(137131,'Barnet','Secondary',-0.196806,51.6517982),
(137136,'Sevenoaks','Primary',0.171705,51.4011002),
(137137,'Elmbridge','Secondary',-0.403423,51.3730011),
(137138,'Bexley','Secondary',0.146039,51.4578018),
(137145,'Havering','Secondary',0.154354,51.5726013),
(137157,'Hammersmith and Fulham','Middle Deemed Secondary',-0.193849,51.4818993),
(137177,'Harrow','Secondary',-0.327686,51.5798988),
(137178,'Harrow','Secondary',-0.332392,51.6172981),
(137181,'Camden','Secondary',-0.172005,51.5415993),
(137189,'Havering','Secondary',0.200588,51.5587006),
(137195,'Croydon','Primary',-0.0979064,51.4094009),
(137197,'Havering','Secondary',0.261728,51.5642014),
(137198,'Harrow','Secondary',-0.371889,51.5623016),
(137199,'Harrow','Secondary',-0.287475,51.5994987),
(137204,'Harrow','Secondary',-0.356168,51.6060982),
(137214,'Thurrock','Secondary',0.332835,51.5036011),
(137215,'Chiltern','Secondary',-0.570224,51.6097984),
(137216,'Bromley','Primary',-0.0389298,51.4044991),
(137221,'Ealing','Secondary',-0.335752,51.5158997),
(137224,'Hertsmere','Secondary',-0.183609,51.7030983),
(137227,'Dartford','Secondary',0.194513,51.4281998),
(137233,'Havering','Secondary',0.243504,51.5569),
(137237,'Spelthorne','Secondary',-0.442112,51.3937988),
(137242,'Bromley','Primary',0.0056964,51.4071007),
(137244,'Bromley','Primary',0.0401644,51.3147011),
(137250,'Dartford','Secondary',0.193273,51.4309006),
(137295,'Lambeth','Primary',-0.12016,51.4561996),
(137299,'Kingston upon Thames','Secondary',-0.265747,51.3849983),
(137303,'Barnet','Primary',-0.214698,51.5856018),
(137323,'Westminster','Primary',-0.191646,51.5229988),
(137331,'Hammersmith and Fulham','Primary',-0.242485,51.5138016),
(137353,'Westminster','Secondary',-0.152182,51.5222015),
(137361,'Barnet','Secondary',-0.21902,51.5736008),
(137368,'Bexley','Secondary',0.114438,51.4384003),
(137374,'Barnet','Secondary',-0.200395,51.6389008),
(137379,'Bromley','Secondary',-0.0412349,51.4161987),
(137380,'Bexley','Primary',0.156605,51.4737015),
(137386,'Barnet','Secondary',-0.247752,51.6295013),
(137388,'Barnet','Secondary',-0.187274,51.5909996),
(137393,'Islington','Primary',-0.09496,51.5396996),
(137396,'Havering','Secondary',0.231942,51.5864983),
(137407,'Hillingdon','Secondary',-0.409267,51.5788994),
(137413,'Southwark','Primary',-0.0656408,51.476799),
(137414,'Havering','Secondary',0.243147,51.5695),
(137417,'Bexley','Primary',0.182166,51.4710007),
(137418,'Redbridge','Secondary',0.0695212,51.5625992),
(137423,'Bexley','Secondary',0.10777,51.4357986),
(137430,'Lambeth','Primary',-0.111427,51.5007019),
(137441,'Lewisham','Primary',-0.0236051,51.4775009),
(137442,'Hackney','Secondary',-0.0519943,51.5546989),
(137473,'Greenwich','Secondary',0.0434913,51.4695015),
(137531,'Haringey','Secondary',-0.136971,51.6021004),
(137532,'Broxbourne','Secondary',-0.0570634,51.7064018),
(137539,'Barnet','Secondary',-0.214445,51.5965004),
(137546,'Ealing','Secondary',-0.277502,51.5097008),
(137549,'Thurrock','Secondary',0.29269,51.4821014),
(137558,'Waltham Forest','Secondary',0.0029191,51.6085014),
(137563,'Wandsworth','Primary',-0.163662,51.4571991),
(137566,'Islington','Primary',-0.101278,51.542099),
(137569,'Ealing','Primary',-0.283371,51.5214005),
(137575,'Kingston upon Thames','Primary',-0.300351,51.3916016),
(137595,'Epsom and Ewell','Secondary',-0.273942,51.3630981),
(137618,'Hounslow','Secondary',-0.401096,51.4439011),
(137633,'Hillingdon','Secondary',-0.459673,51.5325012),
(137635,'Hillingdon','Secondary',-0.462099,51.5584984),
(137645,'Barnet','Secondary',-0.217856,51.585701),
(137646,'Westminster','Secondary',-0.176697,51.5377998),
(137648,'Southwark','Primary',-0.0366833,51.5018997),
(137660,'Dartford','Primary',0.176842,51.426899),
(137661,'Dartford','Primary',0.175566,51.4267006),
(137663,'Dartford','Primary',0.196708,51.4283981),
(137678,'Kingston upon Thames','Secondary',-0.299066,51.396801),
(137681,'Bexley','Secondary',0.156795,51.4542007),
(137682,'Tower Hamlets','Primary',-0.0342263,51.5138016),
(137683,'Bromley','Primary',0.0768061,51.3824997),
(137685,'Brent','Secondary',-0.274736,51.5896988),
(137692,'Redbridge','Secondary',0.115022,51.608799),
(137729,'Ealing','Secondary',-0.387012,51.4992981),
(137735,'Reigate and Banstead','Secondary',-0.215495,51.3149986),
(137736,'Epsom and Ewell','Secondary',-0.277917,51.3279991),
(137745,'Haringey','Secondary',-0.10097,51.6035004),
(137754,'Croydon','Secondary',-0.115183,51.4109993),
(137769,'Bexley','Secondary',0.139739,51.4501991),
(137772,'Croydon','Secondary',-0.0493337,51.3694992),
(137774,'South Bucks','Primary',-0.550666,51.5808983),
(137789,'Tower Hamlets','Secondary',-0.069625,51.527401),
(137829,'Hillingdon','Secondary',-0.405562,51.6039009),
(137836,'Dartford','Primary',0.187843,51.4440002),
(137844,'Hillingdon','Secondary',-0.398904,51.5303993),
(137848,'Kingston upon Thames','Secondary',-0.263209,51.4103012),
(137855,'Elmbridge','Secondary',-0.331928,51.3786011),
(137856,'Kingston upon Thames','Primary',-0.293175,51.4221992),
(137859,'Kingston upon Thames','Secondary',-0.247054,51.395401),
(137861,'Hertsmere','Primary',-0.355968,51.6472015),
(137872,'Hertsmere','Secondary',-0.349048,51.6487007),
(137906,'Epsom and Ewell','Secondary',-0.264371,51.3452988),
(137907,'Hounslow','Secondary',-0.259839,51.4818993),
(137914,'Three Rivers','Secondary',-0.465375,51.6403008),
(137917,'Kingston upon Thames','Secondary',-0.301913,51.3758011),
(137925,'Hillingdon','Secondary',-0.444551,51.5591011),
(137928,'Hounslow','Secondary',-0.330315,51.469101),
(137930,'Bromley','Primary',0.0793834,51.365799),
(137935,'Hammersmith and Fulham','Secondary',-0.223366,51.4935989),
(137940,'Hounslow','Secondary',-0.34146,51.4805984),
(137954,'Lambeth','Secondary',-0.113652,51.4422989),
(137958,'Bromley','Primary',0.0663107,51.3894005),
(137959,'Croydon','Primary',-0.105716,51.4062996),
(137965,'Bexley','Secondary',0.112132,51.4486008),
(137966,'Lambeth','Secondary',-0.109717,51.4441986),
(137994,'Brent','Secondary',-0.246628,51.5382996),
(137995,'Hounslow','Secondary',-0.374439,51.468399),
(138051,'Barnet','Secondary',-0.189198,51.5811005),
(138114,'Bromley','Secondary',0.115403,51.3749008),
(138143,'Hackney','Secondary',-0.0733106,51.5722008),
(138166,'Slough','Primary',-0.545928,51.5018997),
(138178,'Croydon','Secondary',-0.087922,51.3258018),
(138187,'Croydon','Secondary',-0.140848,51.3306007),
(138192,'Slough','Primary',-0.561476,51.5036011),
(138196,'Newham','All Through',0.0040207,51.5382996),
(138202,'Tower Hamlets','Secondary',-0.0610123,51.5149994),
(138203,'Enfield','Primary',-0.0446402,51.6517982),
(138215,'Hertsmere','Primary',-0.21403,51.6994019),
(138221,'Croydon','Secondary',-0.107427,51.4205017),
(138227,'Harrow','All Through',-0.387882,51.5792007),
(138239,'Brentwood','Secondary',0.302222,51.6271019),
(138241,'Hackney','Primary',-0.0705323,51.5723991),
(138245,'Greenwich','Secondary',0.0527462,51.4720001),
(138258,'Waltham Forest','Primary',-0.0141553,51.5875015),
(138263,'Southwark','Primary',-0.0628464,51.4813004),
(138266,'Hounslow','All Through',-0.411626,51.4431992),
(138267,'Wandsworth','Secondary',-0.168296,51.4561005),
(138270,'Southwark','Primary',-0.0745394,51.4738007),
(138272,'Barnet','Primary',-0.202131,51.5682983),
(138275,'Westminster','Primary',-0.166993,51.5173988),
(138276,'Tower Hamlets','Primary',-0.0381973,51.5227013),
(138312,'Westminster','Secondary',-0.139101,51.4980011),
(138313,'Westminster','Secondary',-0.134541,51.4959984),
(138325,'Waltham Forest','Primary',-0.0239818,51.6082993),
(138326,'Havering','Secondary',0.19905,51.5732002),
(138335,'Croydon','Primary',-0.0997298,51.4095001),
(138349,'Thurrock','Primary',0.29269,51.4821014),
(138360,'Broxbourne','Secondary',-0.0562131,51.6959),
(138364,'Waltham Forest','Primary',-0.0213189,51.5658989),
(138368,'Hillingdon','Secondary',-0.429149,51.5200005),
(138381,'Enfield','Primary',-0.0464446,51.6636009),
(138446,'Haringey','Primary',-0.0590038,51.5980988),
(138447,'Haringey','Primary',-0.0873341,51.5873985),
(138449,'Greenwich','Secondary',0.0394021,51.4514008),
(138457,'Brent','All Through',-0.310571,51.5630989),
(138458,'Harrow','Secondary',-0.339164,51.5999985),
(138459,'Kingston upon Thames','Secondary',-0.261402,51.3979988),
(138460,'Richmond upon Thames','Secondary',-0.312259,51.422699),
(138461,'Richmond upon Thames','Secondary',-0.351008,51.4393997),
(138491,'Spelthorne','Secondary',-0.425882,51.4107018),
(138495,'Merton','Secondary',-0.179827,51.3917007),
(138502,'Croydon','Primary',-0.0812969,51.3871002),
(138518,'Redbridge','All Through',0.0919876,51.5614014),
(138574,'Bromley','Primary',0.113906,51.3795013),
(138588,'Haringey','Primary',-0.103331,51.5954018),
(138589,'Haringey','Primary',-0.115869,51.601799),
(138607,'Hammersmith and Fulham','Secondary',-0.199655,51.4742012),
(138608,'Brent','Primary',-0.319624,51.5597992),
(138609,'Brent','Secondary',-0.218653,51.5405998),
(138610,'Brent','Secondary',-0.292712,51.5433998),
(138611,'Bromley','Primary',0.0796369,51.3815002),
(138612,'Croydon','Primary',-0.0706044,51.3891983),
(138613,'Hillingdon','Primary',-0.419676,51.4954987),
(138621,'Hillingdon','Primary',-0.438555,51.517601),
(138649,'Barnet','Primary',-0.188845,51.6422005),
(138650,'Bexley','Secondary',0.155578,51.4519005),
(138651,'Richmond upon Thames','Secondary',-0.320308,51.449501),
(138659,'Slough','Primary',-0.565115,51.4978981),
(138680,'Hammersmith and Fulham','Primary',-0.232321,51.5153008),
(138681,'Wandsworth','Secondary',-0.225576,51.4547997),
(138682,'Wandsworth','Secondary',-0.197097,51.4452019),
(138683,'Westminster','Primary',-0.13048,51.4914017),
(138684,'Barking and Dagenham','Primary',0.105651,51.5275993),
(138685,'Barnet','Secondary',-0.232626,51.6086998),
(138686,'Bexley','Secondary',0.119604,51.4287987),
(138687,'Croydon','Primary',-0.127868,51.3134003),
(138688,'Harrow','Primary',-0.280702,51.6040993),
(138689,'Kingston upon Thames','Primary',-0.294469,51.4225998),
(138690,'Waltham Forest','Primary',-0.0009728,51.5758018),
(138691,'Waltham Forest','Secondary',-0.0072434,51.6300011),
(138735,'Thurrock','Primary',0.251391,51.5077019),
(138747,'Hertsmere','Secondary',-0.26631,51.6665001),
(138764,'Epsom and Ewell','Primary',-0.271619,51.3568993),
(138765,'Spelthorne','Secondary',-0.487722,51.4264984),
(138825,'Richmond upon Thames','Secondary',-0.312236,51.4389),
(138834,'Brentwood','Secondary',0.304323,51.6178017),
(138842,'Southwark','Primary',-0.0767427,51.4613991),
(138859,'Waltham Forest','Secondary',-0.0122537,51.6046982),
(138924,'Hounslow','Secondary',-0.369423,51.4838982),
(138928,'Tandridge','Secondary',-0.0688661,51.3174019),
(138943,'Havering','Primary',0.250351,51.5559006),
(138944,'Havering','Primary',0.250351,51.5559006),
(138960,'Southwark','Secondary',-0.0973199,51.4751015),
(138961,'Southwark','Secondary',-0.0679253,51.5004997),
(138983,'Hillingdon','Primary',-0.401552,51.5317993),
(139016,'Waltham Forest','Primary',-0.0038038,51.5912018),
(139074,'Croydon','Secondary',-0.0015138,51.3334007),
(139094,'Croydon','Primary',-0.109661,51.3605003),
(139095,'Hounslow','Secondary',-0.306403,51.4854012),
(139104,'Thurrock','Primary',0.272976,51.5084991),
(139115,'Bexley','Primary',0.157194,51.4906998),
(139117,'Hillingdon','Primary',-0.394931,51.5306015),
(139121,'Richmond upon Thames','Secondary',-0.334258,51.4477997),
(139122,'Richmond upon Thames','Primary',-0.335448,51.4474983),
(139166,'Thurrock','Primary',0.287016,51.5085983),
(139169,'Haringey','Primary',-0.0854921,51.5817986),
(139175,'Haringey','Primary',-0.113632,51.5993996),
(139176,'Haringey','Primary',-0.0637318,51.6026993),
(139177,'Haringey','Primary',-0.0648836,51.6054993),
(139212,'Bexley','Primary',0.172756,51.4780998),
(139213,'Bexley','Primary',0.143593,51.4901009),
(139240,'Haringey','Primary',-0.0689771,51.5896988),
(139259,'Waltham Forest','Primary',-0.0139525,51.5982018),
(139275,'Hillingdon','Primary',-0.47366,51.4991989),
(139276,'Hounslow','Secondary',-0.358815,51.4709015),
(139293,'Waltham Forest','Secondary',0.0045712,51.5662994),
(139295,'Hillingdon','Primary',-0.411665,51.5875015),
(139302,'Hillingdon','Primary',-0.47358,51.5129013),
(139306,'Hillingdon','Primary',-0.479521,51.5261002),
(139307,'Havering','Secondary',0.181102,51.6052017),
(139317,'Waltham Forest','Primary',-0.0350217,51.5978012),
(139319,'Brent','All Through',-0.289021,51.5661011),
(139362,'Haringey','Secondary',-0.1088,51.6044998),
(139364,'Hammersmith and Fulham','Secondary',-0.215239,51.4777985),
(139365,'Hammersmith and Fulham','Secondary',-0.214177,51.4813995),
(139369,'Westminster','Secondary',-0.187804,51.5330009),
(139380,'Thurrock','Primary',0.234208,51.485199),
(139382,'Thurrock','Primary',0.294652,51.5239983),
(139393,'Croydon','Primary',-0.0261859,51.3549004),
(139406,'Havering','Primary',0.221385,51.5629997),
(139410,'Barnet','Secondary',-0.152958,51.6251984),
(139416,'Hertsmere','Secondary',-0.261447,51.6605988),
(139421,'Richmond upon Thames','Primary',-0.375972,51.4151001),
(139423,'Tower Hamlets','Primary',-0.019937,51.5099983),
(139488,'Ealing','Primary',-0.339767,51.526001),
(139489,'Barnet','Primary',-0.260779,51.6130981),
(139494,'Bexley','Primary',0.149011,51.4592018),
(139507,'Three Rivers','Primary',-0.503925,51.6581001),
(139545,'Broxbourne','Primary',-0.0562588,51.7160988),
(139546,'Hammersmith and Fulham','Primary',-0.230725,51.4948006),
(139549,'Richmond upon Thames','Primary',-0.266338,51.4684982),
(139557,'Reigate and Banstead','Primary',-0.157962,51.2563019),
(139561,'Bexley','Primary',0.11936,51.4194984),
(139562,'Barnet','Primary',-0.165443,51.5867996),
(139567,'Slough','Primary',-0.52389,51.4828987),
(139587,'Southwark','Secondary',-0.0624683,51.4962997),
(139592,'Wandsworth','Primary',-0.162175,51.4267998),
(139594,'Barnet','Secondary',-0.168385,51.5910988),
(139595,'Hackney','Secondary',-0.077023,51.5386009),
(139599,'Enfield','Secondary',-0.0509091,51.6459007),
(139609,'Hillingdon','Primary',-0.428136,51.5363998),
(139616,'Haringey','Secondary',-0.119533,51.5978012),
(139633,'Barnet','Primary',-0.232405,51.5768013),
(139639,'Bromley','Primary',0.111782,51.4070015),
(139640,'Croydon','Primary',-0.103278,51.3260994),
(139645,'Kensington and Chelsea','Primary',-0.212007,51.5257988),
(139659,'Lambeth','Secondary',-0.111653,51.4984016),
(139662,'Three Rivers','Secondary',-0.429532,51.6407013),
(139672,'Lewisham','Primary',-0.0432789,51.4673004),
(139678,'Bromley','Primary',-0.0486337,51.4123001),
(139679,'South Bucks','Primary',-0.50523,51.5835991),
(139687,'Wandsworth','Primary',-0.245307,51.4519005),
(139699,'Ealing','Primary',-0.26643,51.5047989),
(139703,'Newham','All Through',-0.0070333,51.5486984),
(139718,'Southwark','Secondary',-0.100471,51.4782982),
(139720,'Hounslow','All Through',-0.330102,51.4768982),
(139723,'Waltham Forest','Primary',-0.0188572,51.5663986),
(139724,'Waltham Forest','Primary',-0.0274926,51.5702019),
(139725,'Ealing','Secondary',-0.3492,51.5373993),
(139727,'Barnet','Primary',-0.174316,51.6146011),
(139763,'Brentwood','Primary',0.31857,51.6309013),
(139775,'Wandsworth','Primary',-0.155295,51.4390984),
(139786,'Greenwich','Secondary',0.0446206,51.4925003),
(139791,'Barking and Dagenham','Secondary',0.105457,51.5247002),
(139814,'Hackney','Primary',-0.0685926,51.5651016),
(139815,'Enfield','All Through',-0.0366984,51.6660004),
(139817,'Barnet','Primary',-0.248261,51.5825996),
(139820,'Hammersmith and Fulham','Primary',-0.229818,51.5119019),
(139824,'Westminster','Primary',-0.208209,51.5317993),
(139830,'Brent','Primary',-0.217704,51.5326996),
(139834,'Newham','Secondary',-0.0064315,51.5269012),
(139837,'Camden','Primary',-0.131921,51.5382996),
(139842,'Wandsworth','Secondary',-0.179753,51.4380989),
(139869,'Hounslow','Primary',-0.380168,51.4929008),
(139889,'Hounslow','Primary',-0.375095,51.4827995),
(139898,'Westminster','Primary',-0.13721,51.4882011),
(139905,'Croydon','Primary',-0.0423649,51.3702011),
(139906,'Croydon','Secondary',-0.0945229,51.4137001),
(139907,'Southwark','Primary',-0.0931146,51.4530983),
(139909,'Hillingdon','Primary',-0.439542,51.5284004),
(139915,'Tandridge','Primary',-0.0710417,51.2952995),
(139916,'Tandridge','Primary',-0.0487224,51.3119011),
(139926,'Hillingdon','Primary',-0.398255,51.5087013),
(139940,'Westminster','Primary',-0.139209,51.4872017),
(139943,'Slough','Primary',-0.540959,51.4949989),
(139946,'Sevenoaks','Secondary',0.177358,51.4081001),
(139965,'Sutton','Primary',-0.166427,51.3694992),
(139966,'Bromley','Primary',-0.0589766,51.4163017),
(139984,'Bromley','Primary',0.0145618,51.4157982),
(139989,'Hounslow','Secondary',-0.324952,51.4790993),
(139991,'Thurrock','Primary',0.278854,51.4770012),
(140000,'Croydon','Primary',-0.0183516,51.3549995),
(140022,'Havering','Primary',0.161919,51.6105995),
(140034,'Spelthorne','Primary',-0.448108,51.4303017),
(140045,'Croydon','Primary',-0.0137444,51.3487015),
(140049,'Watford','Secondary',-0.416301,51.6472015),
(140050,'Westminster','Primary',-0.171396,51.5259018),
(140064,'Tower Hamlets','Primary',-0.006929,51.5135002),
(140080,'Bromley','Primary',-0.0461523,51.4210014),
(140082,'Bromley','Primary',0.0034104,51.3969002),
(140088,'Bromley','Primary',0.0322258,51.3947983),
(140096,'Tower Hamlets','Primary',-0.0320604,51.5332985),
(140113,'Croydon','Primary',-0.0299595,51.3707008),
(140134,'Kensington and Chelsea','Secondary',-0.201132,51.5046997),
(140158,'Hounslow','Primary',-0.390206,51.4365005),
(140187,'Merton','Primary',-0.170115,51.4026985),
(140208,'Croydon','Primary',-0.0961505,51.3588982),
(140209,'Croydon','Secondary',-0.0621868,51.3931007),
(140210,'Hackney','Secondary',-0.0424948,51.5391006),
(140212,'Kensington and Chelsea','Secondary',-0.215574,51.5141983),
(140221,'Southwark','Secondary',-0.0892527,51.4883003),
(140236,'Barnet','Primary',-0.273612,51.6296005),
(140243,'Bexley','Primary',0.12745,51.4412994),
(140250,'Spelthorne','Primary',-0.462357,51.3978996),
(140257,'Bromley','Primary',0.0013401,51.3965988),
(140260,'Sutton','Primary',-0.214322,51.3746986),
(140295,'Redbridge','Primary',0.0896724,51.5666008),
(140300,'Havering','Secondary',0.20486,51.5154991),
(140320,'Bexley','Primary',0.162344,51.4692993),
(140321,'Bexley','Primary',0.161561,51.4692001),
(140348,'Spelthorne','Primary',-0.417589,51.4258995),
(140350,'Spelthorne','Primary',-0.42531,51.4138985),
(140373,'Newham','All Through',0.0690379,51.5321999),
(140376,'Richmond upon Thames','Primary',-0.361296,51.4530983),
(140387,'Hillingdon','Primary',-0.470789,51.5415001),
(140391,'Hillingdon','Primary',-0.42587,51.5126991),
(140405,'Waltham Forest','Primary',-0.0220847,51.5750999),
(140423,'Wandsworth','Primary',-0.188886,51.4472008),
(140426,'Hackney','Primary',-0.0624894,51.5488014),
(140434,'Croydon','Primary',-0.108848,51.3951988),
(140435,'Croydon','Primary',-0.0812969,51.3871002),
(140443,'Bexley','Primary',0.152994,51.467701),
(140448,'Bromley','Primary',0.0944504,51.3839989),
(140449,'Bromley','Primary',0.0739283,51.3585014),
(140450,'Bromley','Primary',0.124684,51.3909988),
(140451,'Bromley','Primary',-0.0462076,51.4132996),
(140475,'Redbridge','All Through',0.0889686,51.5493011),
(140484,'Hillingdon','Primary',-0.473913,51.4976997),
(140495,'Islington','Primary',-0.133418,51.5724983),
(140507,'Southwark','Primary',-0.0613363,51.4730988),
(140517,'Croydon','Primary',-0.0747947,51.3283997),
(140532,'Bexley','Primary',0.111753,51.4469986),
(140533,'Bromley','Primary',0.0445773,51.4241982),
(140575,'Redbridge','Secondary',0.0517127,51.5858994),
(140592,'Dartford','Primary',0.245957,51.4429016),
(140593,'Dartford','Primary',0.241159,51.4436989),
(140601,'Barnet','Primary',-0.206193,51.6099014),
(140634,'Hammersmith and Fulham','Primary',-0.224873,51.4989014),
(140648,'Bromley','Primary',-0.0552124,51.4151993),
(140650,'Elmbridge','Secondary',-0.371116,51.3753014),
(140657,'Harrow','Primary',-0.297329,51.6170998),
(140667,'Kingston upon Thames','Primary',-0.273886,51.3787003),
(140671,'Hillingdon','Primary',-0.439422,51.4981995),
(140674,'Croydon','Primary',-0.064327,51.3939018),
(140682,'Wandsworth','Primary',-0.172155,51.4774017),
(140683,'Croydon','Primary',-0.114729,51.3992996),
(140686,'Camden','Primary',-0.127119,51.5372009),
(140687,'Barking and Dagenham','Primary',0.114917,51.5475006),
(140704,'Reigate and Banstead','Primary',-0.160567,51.3167),
(140710,'Bexley','Primary',0.0981316,51.4474983),
(140717,'Croydon','Primary',-0.0021794,51.3345985),
(140718,'Hounslow','Primary',-0.423221,51.4378014),
(140729,'Bromley','Primary',0.0321185,51.3611984),
(140748,'Hillingdon','Secondary',-0.407969,51.5648003),
(140752,'Bromley','Primary',0.030422,51.4109001),
(140808,'Reigate and Banstead','Primary',-0.209656,51.3218994),
(140810,'Reigate and Banstead','Primary',-0.227953,51.3241997),
(140811,'Hammersmith and Fulham','Primary',-0.23113,51.4954987),
(140818,'Havering','Primary',0.223879,51.608799),
(140828,'Brentwood','Primary',0.287751,51.635601),
(140833,'Brent','Primary',-0.231094,51.5517998),
(140840,'Croydon','Primary',-0.0912471,51.3876991),
(140841,'Croydon','Primary',-0.0082532,51.3418007),
(140862,'Brent','Secondary',-0.27896,51.5626984),
(140880,'Tandridge','Primary',-0.0906968,51.2868996),
(140884,'Brent','Secondary',-0.197414,51.5405006),
(140934,'Bromley','Primary',-0.0284891,51.4002991),
(140935,'Haringey','All Through',-0.0602463,51.591301),
(140936,'Bromley','Primary',0.0173222,51.3987999),
(140937,'Southwark','Primary',-0.0554949,51.4570007),
(140938,'Thurrock','Primary',0.293498,51.4818001),
(140941,'Hillingdon','Secondary',-0.406688,51.6030998),
(140945,'Barking and Dagenham','Secondary',0.17066,51.5471001),
(140952,'Croydon','Secondary',-0.103998,51.3804016),
(140954,'Watford','Primary',-0.407097,51.6607018),
(140956,'Watford','Primary',-0.42242,51.649601),
(140957,'Waltham Forest','Secondary',-0.0425897,51.5940018),
(140962,'Barking and Dagenham','All Through',0.130539,51.5326996),
(140963,'Ealing','Primary',-0.371342,51.4950981),
(140966,'Lambeth','Secondary',-0.119586,51.456501),
(140967,'Croydon','Primary',-0.111988,51.394001),
(140968,'Haringey','Secondary',-0.0677959,51.604599),
(140974,'Hounslow','Primary',-0.3607,51.4742012),
(140982,'Brentwood','Secondary',0.308168,51.6158981),
(140985,'Wandsworth','Secondary',-0.159518,51.4733009),
(140987,'Dartford','Secondary',0.223716,51.4598999),
(140994,'Slough','Primary',-0.53411,51.5037994),
(140999,'Bromley','Primary',0.0448443,51.3809013),
(141017,'Enfield','Primary',-0.0541707,51.6122017),
(141019,'Brent','Secondary',-0.291006,51.5523987),
(141027,'Merton','Primary',-0.192901,51.4081993),
(141035,'Hillingdon','Secondary',-0.439542,51.5284004),
(141039,'Tower Hamlets','Primary',-0.0136527,51.4891014),
(141047,'Bexley','Primary',0.128427,51.4669991),
(141054,'Harrow','Primary',-0.370824,51.5638008),
(141055,'Hillingdon','Primary',-0.450755,51.5315018),
(141070,'Thurrock','Primary',0.313713,51.4928017),
(141071,'Harrow','All Through',-0.340655,51.5979004),
(141082,'Newham','Secondary',0.0257461,51.5043983),
(141114,'Bexley','Primary',0.166681,51.4569016),
(141117,'Bromley','Primary',0.114171,51.3871002),
(141118,'Croydon','Primary',-0.114241,51.3153992),
(141119,'Croydon','Primary',-0.0716334,51.3988991),
(141120,'Croydon','Primary',-0.0987988,51.4039001),
(141133,'Tower Hamlets','Secondary',-0.0645963,51.5150986),
(141135,'Hammersmith and Fulham','Secondary',-0.203264,51.4897003),
(141143,'Merton','Primary',-0.136109,51.4020996),
(141154,'Brent','Primary',-0.211255,51.5446014),
(141158,'Bromley','Primary',0.0877905,51.4056015),
(141163,'Greenwich','Secondary',0.108388,51.5036011),
(141173,'Havering','Primary',0.178159,51.5965996),
(141178,'Barking and Dagenham','Secondary',0.14128,51.5769005),
(141209,'Haringey','Primary',-0.0686493,51.6082993),
(141210,'Croydon','Secondary',-0.130571,51.391201),
(141291,'Bromley','Primary',0.105086,51.3987007),
(141294,'Elmbridge','Primary',-0.417954,51.3837013),
(141296,'Newham','Primary',0.0594752,51.5536003),
(141299,'Havering','Primary',0.178159,51.5965996),
(141303,'Wandsworth','Primary',-0.138411,51.4743004),
(141309,'Greenwich','Secondary',0.0758729,51.452301),
(141352,'Bromley','Primary',0.0452097,51.3810005),
(141447,'Sutton','Primary',-0.218675,51.3510017),
(141481,'Bromley','Primary',0.0435689,51.4290009),
(141482,'Bromley','Primary',0.115356,51.3823013),
(141517,'Hounslow','Primary',-0.388539,51.4277992),
(141529,'Bromley','Primary',0.072757,51.4109001),
(141534,'Dartford','Primary',0.228516,51.4413986),
(141535,'Lewisham','Primary',-0.0164194,51.4154015),
(141549,'Havering','Primary',0.240944,51.6106987),
(141561,'Hillingdon','Primary',-0.430762,51.5209007),
(141566,'Bromley','Primary',0.0258995,51.4119987),
(141567,'Bromley','Primary',0.0116097,51.3992996),
(141576,'Hackney','Primary',-0.0640879,51.5624008),
(141577,'Havering','Primary',0.237331,51.6097984),
(141593,'Tandridge','Primary',-0.0815829,51.3077011),
(141613,'Bromley','Primary',0.102266,51.4105988),
(141617,'Hammersmith and Fulham','Secondary',-0.196536,51.4678001),
(141651,'Barking and Dagenham','Primary',0.105651,51.5275993),
(141666,'Southwark','Primary',-0.0790988,51.4804001),
(141672,'Brent','Primary',-0.2358,51.549099),
(141683,'Barking and Dagenham','Secondary',0.132561,51.5488014),
(141685,'Hammersmith and Fulham','Primary',-0.188871,51.4726982),
(141716,'Greenwich','Secondary',0.0615289,51.4482994),
(141718,'Hillingdon','Primary',-0.437139,51.5429993),
(141733,'Elmbridge','Primary',-0.361197,51.3650017),
(141734,'Waltham Forest','Primary',-0.012007,51.6179008),
(141748,'Waltham Forest','Primary',-0.0239024,51.6011009),
(141751,'Brent','Primary',-0.197093,51.5405998),
(141764,'Kingston upon Thames','Primary',-0.29674,51.3653984),
(141784,'Bromley','Primary',-0.0055449,51.3768005),
(141785,'Bromley','Primary',-0.0055449,51.3768005),
(141808,'Wandsworth','Secondary',-0.208572,51.4468994),
(141862,'Kingston upon Thames','Secondary',-0.301936,51.4236984),
(141866,'Bexley','Primary',0.148899,51.4832001),
(141869,'Epping Forest','Primary',0.0853531,51.6257019),
(141876,'Sutton','Primary',-0.176991,51.3885002),
(141877,'Thurrock','Primary',0.327833,51.4992981),
(141889,'Bexley','Primary',0.172119,51.4690018),
(141891,'Sutton','Primary',-0.133463,51.3727989),
(141896,'Bromley','Primary',0.0547404,51.3148994),
(141898,'Hertsmere','Primary',-0.333992,51.6805),
(141902,'Hammersmith and Fulham','Primary',-0.237455,51.5037003),
(141907,'Bromley','Primary',0.0915321,51.3662987),
(141925,'Newham','Primary',0.0171517,51.523201),
(141927,'Newham','Primary',0.030842,51.5117989),
(141931,'Kensington and Chelsea','Secondary',-0.211755,51.5038986),
(141956,'Hounslow','Primary',-0.302796,51.4902),
(141959,'Kingston upon Thames','Primary',-0.293675,51.418499),
(141963,'Richmond upon Thames','Secondary',-0.340392,51.4258995),
(141976,'Bexley','Primary',0.100806,51.4376984),
(142012,'Richmond upon Thames','Primary',-0.303033,51.4644012),
(142033,'Bromley','Primary',0.0721697,51.4192009),
(142040,'Croydon','Secondary',-0.0387486,51.3835983),
(142051,'Broxbourne','Secondary',-0.0263464,51.7117996),
(142090,'Southwark','Primary',-0.0742226,51.4662018),
(142110,'Ealing','Primary',-0.265822,51.5056992),
(142112,'Hackney','Primary',-0.0774181,51.5387993),
(142114,'Barnet','Primary',-0.269204,51.6076012),
(142122,'Richmond upon Thames','Primary',-0.339742,51.4449997),
(142126,'Hounslow','Secondary',-0.420888,51.4528999),
(142133,'Barking and Dagenham','Primary',0.110731,51.524601),
(142173,'Slough','Primary',-0.554556,51.5037994),
(142177,'Sutton','Primary',-0.20419,51.3465004),
(142226,'Croydon','Primary',-0.0954346,51.3800011),
(142228,'Bexley','Primary',0.140789,51.4403992),
(142229,'Bexley','Primary',0.10283,51.4373016),
(142233,'Bromley','Primary',0.0519983,51.4295998),
(142234,'Bromley','Primary',0.0249234,51.3156013),
(142246,'Croydon','Primary',-0.0957358,51.3792992),
(142255,'Hackney','Primary',-0.0624894,51.5488014),
(142256,'Hammersmith and Fulham','Primary',-0.205454,51.4720993),
(142267,'Newham','Primary',0.0304025,51.5353012),
(142294,'Bexley','Primary',0.176109,51.4547997),
(142295,'Bexley','Primary',0.117677,51.4744987),
(142298,'Bromley','Primary',-0.0249201,51.3806),
(142299,'Bromley','Primary',-0.0455215,51.3945999),
(142300,'Bromley','Primary',-0.0211922,51.3921013),
(142301,'Bromley','Primary',0.0114683,51.3652992),
(142315,'Tandridge','Secondary',-0.0016206,51.2602005),
(142379,'Croydon','Primary',-0.0916638,51.3890991),
(142398,'Sutton','Primary',-0.237964,51.3757019),
(142403,'Bromley','Primary',-0.0266508,51.4161987),
(142404,'Croydon','Primary',-0.0735636,51.395401),
(142461,'Waltham Forest','Primary',0.0048837,51.6208992),
(142489,'Redbridge','Primary',0.0879818,51.5878983),
(142558,'Harrow','Primary',-0.290312,51.5890007),
(142560,'Brent','Secondary',-0.30477,51.5836983);
GRANT SELECT ON edupredict.london_schools TO PUBLIC;

CREATE FUNCTION edupredict.generate_tutor_data(
	target_schema text,
	seed integer DEFAULT 42,
	n_tutors integer DEFAULT 4000,
	first_term edupredict.school_term DEFAULT '2017 Autumn',
	last_term edupredict.school_term DEFAULT '2023 Summer')
RETURNS TABLE (relation text, n_rows bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, edupredict
AS $gen$
DECLARE
	t edupredict.school_term;
	rel text;
	london text[] := ARRAY['Barking and Dagenham', 'Barnet', 'Bexley', 'Brent', 'Bromley', 'Camden',
		'City of London', 'Croydon', 'Ealing', 'Enfield', 'Greenwich', 'Hackney', 'Hammersmith and Fulham',
		'Haringey', 'Harrow', 'Havering', 'Hillingdon', 'Hounslow', 'Islington', 'Kensington and Chelsea',
		'Kingston upon Thames', 'Lambeth', 'Lewisham', 'Merton', 'Newham', 'Redbridge',
		'Richmond upon Thames', 'Southwark', 'Sutton', 'Tower Hamlets', 'Waltham Forest', 'Wandsworth',
		'Westminster'];
	-- Boroughs with the big universities, where PhD students tend to live.
	inner_la text[] := ARRAY['Camden', 'City of London', 'Westminster', 'Islington', 'Tower Hamlets',
		'Southwark', 'Lambeth', 'Kensington and Chelsea', 'Hammersmith and Fulham', 'Hackney',
		'Greenwich', 'Lewisham', 'Wandsworth', 'Haringey', 'Newham'];
	first_names text[] := ARRAY['Aisha', 'Ben', 'Chloe', 'Daniel', 'Elena', 'Farid', 'Grace', 'Hannah',
		'Ibrahim', 'James', 'Kavya', 'Liam', 'Maya', 'Nadia', 'Oliver', 'Priya', 'Quentin', 'Rosa',
		'Samuel', 'Tariq', 'Uma', 'Victor', 'Wei', 'Xin', 'Yusuf', 'Zara', 'Amara', 'Chidi', 'Ewa',
		'Felix', 'Ines', 'Jonas', 'Leila', 'Marta', 'Niamh', 'Omar', 'Sofia', 'Tom', 'Yara', 'Zoe'];
	last_names text[] := ARRAY['Adeyemi', 'Brown', 'Chen', 'Davies', 'Evans', 'Fernandes', 'Garcia',
		'Hussain', 'Ivanova', 'Jones', 'Khan', 'Lewis', 'Martin', 'Nowak', 'O''Brien', 'Patel', 'Quinn',
		'Rossi', 'Smith', 'Taylor', 'Usman', 'Virtanen', 'Wang', 'Xu', 'Young', 'Zhang', 'Ahmed',
		'Begum', 'Clarke', 'Dubois', 'Egan', 'Fischer', 'Gupta', 'Hall', 'Ito', 'Kowalski', 'Li',
		'Murphy', 'Okafor', 'Singh'];
BEGIN
	IF target_schema IS NULL OR target_schema = '' THEN
		RAISE EXCEPTION 'target_schema must be a schema name' USING ERRCODE = '22023';
	END IF;
	IF seed IS NULL OR n_tutors IS NULL OR first_term IS NULL OR last_term IS NULL THEN
		RAISE EXCEPTION 'seed, n_tutors, first_term and last_term must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF n_tutors < 1 OR n_tutors > 1000000 THEN
		RAISE EXCEPTION 'n_tutors must be between 1 and 1000000'
			USING ERRCODE = '22023', DETAIL = format('Got %s.', n_tutors);
	END IF;
	IF last_term < first_term OR last_term - first_term > 59 THEN
		RAISE EXCEPTION 'last_term must be from first_term to 59 terms after it'
			USING ERRCODE = '22023', DETAIL = format('Got %s to %s.', first_term, last_term);
	END IF;
	IF first_term < '1900 Spring'::edupredict.school_term OR last_term > '2200 Autumn'::edupredict.school_term THEN
		RAISE EXCEPTION 'terms must lie between 1900 Spring and 2200 Autumn'
			USING ERRCODE = '22023', DETAIL = format('Got %s to %s.', first_term, last_term);
	END IF;

	FOREACH rel IN ARRAY ARRAY['tutors', 'placements', 'availability_responses', 'opportunities',
							   'true_availability'] LOOP
		IF to_regclass(format('%I.%I', target_schema, rel)) IS NOT NULL THEN
			RAISE EXCEPTION 'relation %.% already exists', quote_ident(target_schema), quote_ident(rel)
				USING ERRCODE = '42P07', HINT = 'Drop it (or the schema) first, or generate into another schema.';
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = target_schema) THEN
		EXECUTE format('CREATE SCHEMA %I', target_schema);
	END IF;

	-- Schools numbered within each local authority, for uniform choice.
	CREATE TEMP TABLE _ep_gen_schools AS
	SELECT urn, la_name, (row_number() OVER (PARTITION BY la_name ORDER BY urn) - 1)::int AS idx,
		   count(*) OVER (PARTITION BY la_name)::int AS n_la
	FROM edupredict.london_schools;

	-- Tutors: registration spread from two years before first_term to the end of last_term;
	-- each registers 0-30 months into a PhD of 3 to 4.5 years; home borough weighted by schools
	-- and by closeness to the universities.
	EXECUTE format($q$
		CREATE TABLE %1$I.tutors (
			tutor_id integer PRIMARY KEY, email text NOT NULL, full_name text NOT NULL,
			registered_on date NOT NULL, phd_start date NOT NULL, phd_end date NOT NULL,
			local_authority text NOT NULL);
		CREATE TABLE %1$I.placements (
			tutor_id integer NOT NULL REFERENCES %1$I.tutors, school_urn integer NOT NULL,
			term edupredict.school_term NOT NULL, PRIMARY KEY (tutor_id, term));
		CREATE TABLE %1$I.availability_responses (
			tutor_id integer NOT NULL REFERENCES %1$I.tutors, term edupredict.school_term NOT NULL,
			responded boolean NOT NULL, available boolean, PRIMARY KEY (tutor_id, term));
		CREATE TABLE %1$I.opportunities (
			opportunity_id integer PRIMARY KEY, school_urn integer NOT NULL, local_authority text NOT NULL,
			term edupredict.school_term NOT NULL, stage text NOT NULL, probability double precision NOT NULL,
			n_placements integer NOT NULL);
		CREATE TABLE %1$I.true_availability (
			tutor_id integer NOT NULL REFERENCES %1$I.tutors, term edupredict.school_term NOT NULL,
			p_available double precision NOT NULL, p_response double precision NOT NULL,
			PRIMARY KEY (tutor_id, term));
	$q$, target_schema);

	EXECUTE format($q$
		WITH la AS (
			SELECT la_name, count(*)::float8 * CASE WHEN la_name = ANY ($5) THEN 2.5
													 WHEN la_name = ANY ($4) THEN 1.0 ELSE 0.3 END AS w
			FROM edupredict.london_schools GROUP BY la_name),
		cum AS (
			SELECT la_name, (sum(w) OVER (ORDER BY la_name) - w) / sum(w) OVER () AS lo,
				   sum(w) OVER (ORDER BY la_name) / sum(w) OVER () AS hi
			FROM la),
		base AS (
			SELECT i AS tutor_id,
				   edupredict.term_start($2) - 730
					 + floor(edupredict.seeded_uniform($1, 1, i) *
							 (edupredict.term_end($3) - edupredict.term_start($2) + 731))::int AS registered_on,
				   floor(edupredict.seeded_uniform($1, 2, i) * 913)::int AS into_phd,
				   1095 + floor(edupredict.seeded_uniform($1, 3, i) * 548)::int AS phd_days,
				   edupredict.seeded_uniform($1, 4, i) AS u_la,
				   $6[1 + floor(edupredict.seeded_uniform($1, 5, i) * array_length($6, 1))::int] AS first_name,
				   $7[1 + floor(edupredict.seeded_uniform($1, 6, i) * array_length($7, 1))::int] AS last_name
			FROM generate_series(1, $8) i)
		INSERT INTO %1$I.tutors
		SELECT b.tutor_id,
			   lower(replace(b.first_name || '.' || b.last_name, '''', '')) || b.tutor_id || '@example.ac.uk',
			   b.first_name || ' ' || b.last_name,
			   b.registered_on, b.registered_on - b.into_phd, b.registered_on - b.into_phd + b.phd_days,
			   c.la_name
		FROM base b JOIN cum c ON b.u_la >= c.lo AND b.u_la < c.hi
	$q$, target_schema)
	USING seed, first_term, last_term, london, inner_la, first_names, last_names, n_tutors;

	-- Hidden per-tutor traits: availability noise u ~ N(0, 0.6) and responsiveness v ~ N(0, 0.4).
	EXECUTE format($q$
		CREATE TEMP TABLE _ep_gen_state AS
		SELECT tutor_id, registered_on, phd_end, local_authority,
			   0.6 * edupredict.seeded_normal($1, 7, tutor_id) AS u,
			   0.4 * edupredict.seeded_normal($1, 8, tutor_id) AS v,
			   0 AS n_prev, false AS placed_last
		FROM %1$I.tutors
	$q$, target_schema) USING seed;

	-- One term at a time: the features as of t drive the true probabilities (docs/forecasting.md).
	t := first_term;
	WHILE t <= last_term LOOP
		CREATE TEMP TABLE _ep_gen_term AS
		WITH f AS (
			SELECT s.*,
				   (s.phd_end - edupredict.term_start(t)) / 30.4375 AS months_to_phd,
				   t - edupredict.term_of(s.registered_on) AS terms_since
			FROM _ep_gen_state s
			WHERE s.registered_on < edupredict.term_start(t)),
		lin AS (
			SELECT f.tutor_id, f.local_authority,
				   -0.6
				   + CASE WHEN f.months_to_phd > 12 THEN 0.0
						  WHEN f.months_to_phd > 0 THEN -0.5 * (1 - f.months_to_phd / 12)
						  ELSE -0.8 - 0.12 * least(-f.months_to_phd, 24) END
				   + 0.25 * ln(1 + f.n_prev)
				   + 1.2 * f.n_prev::float8 / f.terms_since
				   + CASE WHEN f.terms_since = 1 THEN 0.4 ELSE -least(0.03 * (f.terms_since - 1), 0.6) END
				   + CASE WHEN f.placed_last THEN 1.0 ELSE 0.0 END
				   + (ARRAY[0.0, -0.45, 0.35])[1 + (t - '1000 Spring'::edupredict.school_term) % 3]
				   + f.u AS eta,
				   ln(b.base / (1 - b.base))
				   + 0.25 * edupredict.seeded_normal(seed, 13, t - '1000 Spring'::edupredict.school_term)
				   + CASE WHEN f.placed_last THEN 0.5 ELSE 0.0 END
				   + CASE WHEN f.months_to_phd <= 0 THEN -0.4 ELSE 0.0 END
				   + f.v AS rho
			FROM f, (SELECT (ARRAY[0.52, 0.45, 0.60])[1 + (t - '1000 Spring'::edupredict.school_term) % 3] AS base) b),
		p AS (
			SELECT tutor_id, local_authority, 1 / (1 + exp(-eta)) AS p_available, 1 / (1 + exp(-rho)) AS p_response
			FROM lin)
		SELECT p.*,
			   edupredict.seeded_uniform(seed, 10, tutor_id, t - '1000 Spring'::edupredict.school_term) < p_available AS placed,
			   edupredict.seeded_uniform(seed, 12, tutor_id, t - '1000 Spring'::edupredict.school_term) < p_response AS responded,
			   edupredict.seeded_uniform(seed, 11, tutor_id, t - '1000 Spring'::edupredict.school_term) AS u_school
		FROM p;

		EXECUTE format($q$
			INSERT INTO %1$I.true_availability SELECT tutor_id, $1, p_available, p_response FROM _ep_gen_term;
			INSERT INTO %1$I.placements
			SELECT g.tutor_id, s.urn, $1
			FROM _ep_gen_term g
			JOIN (SELECT DISTINCT la_name, n_la FROM _ep_gen_schools) n ON n.la_name = g.local_authority
			JOIN _ep_gen_schools s ON s.la_name = g.local_authority AND s.idx = floor(g.u_school * n.n_la)::int
			WHERE g.placed;
			INSERT INTO %1$I.availability_responses
			SELECT tutor_id, $1, responded, CASE WHEN responded THEN placed END FROM _ep_gen_term;
		$q$, target_schema) USING t;

		UPDATE _ep_gen_state s
		SET n_prev = s.n_prev + g.placed::int, placed_last = g.placed
		FROM _ep_gen_term g WHERE g.tutor_id = s.tutor_id;
		DROP TABLE _ep_gen_term;
		t := t + 1;
	END LOOP;

	-- Demand: each school posts an opportunity in a term with probability 14% (x1.15 in Autumn,
	-- x0.8 in Summer) for 1-3 placements.  Terms up to last_term are settled (85% confirmed, the rest
	-- lost); the next four terms are a pipeline whose stages grow less certain with distance, and which
	-- holds more opportunities (x1.2, 1.66, 2.57, 3.16) so that its expected placements match a settled
	-- term's.
	EXECUTE format($q$
		INSERT INTO %1$I.opportunities
		SELECT row_number() OVER (ORDER BY term, urn)::int, urn, la_name, term,
			   stage,
			   CASE stage WHEN 'confirmed' THEN 1.0 WHEN 'lost' THEN 0.0
						  WHEN 'likely' THEN round((0.6 + 0.2 * u_p)::numeric, 2)::float8
						  WHEN 'possible' THEN round((0.25 + 0.25 * u_p)::numeric, 2)::float8
						  ELSE round((0.05 + 0.1 * u_p)::numeric, 2)::float8 END,
			   n_placements
		FROM (
			SELECT s.urn, s.la_name, x.term,
				   1 + floor(edupredict.seeded_uniform($1, 21, s.urn, x.k) * 3)::int AS n_placements,
				   edupredict.seeded_uniform($1, 24, s.urn, x.k) AS u_p,
				   CASE WHEN x.h <= 0 THEN CASE WHEN x.u_stage < 0.85 THEN 'confirmed' ELSE 'lost' END
						WHEN x.u_stage < (ARRAY[0.45, 0.20, 0.05, 0.02])[x.h] THEN 'confirmed'
						WHEN x.u_stage < (ARRAY[0.70, 0.45, 0.20, 0.12])[x.h] THEN 'likely'
						WHEN x.u_stage < (ARRAY[0.90, 0.75, 0.55, 0.45])[x.h] THEN 'possible'
						ELSE 'lead' END AS stage
			FROM edupredict.london_schools s
			CROSS JOIN LATERAL (
				SELECT $2 + i AS term, ($2 + i) - '1000 Spring'::edupredict.school_term AS k,
					   ($2 + i) - $3 AS h,
					   edupredict.seeded_uniform($1, 22, s.urn, ($2 + i) - '1000 Spring'::edupredict.school_term) AS u_stage
				FROM generate_series(0, ($3 + 4) - $2) i) x
			WHERE edupredict.seeded_uniform($1, 20, s.urn, x.k)
				  < 0.14 * (ARRAY[1.0, 0.8, 1.15])[1 + x.k %% 3]
					* CASE WHEN x.h <= 0 THEN 1.0 ELSE (ARRAY[1.2, 1.66, 2.57, 3.16])[x.h] END
		) o
	$q$, target_schema) USING seed, first_term, last_term;

	DROP TABLE _ep_gen_schools, _ep_gen_state;

	FOREACH rel IN ARRAY ARRAY['tutors', 'placements', 'availability_responses', 'opportunities',
							   'true_availability'] LOOP
		EXECUTE format('ANALYZE %I.%I', target_schema, rel);
		relation := format('%I.%I', target_schema, rel);
		EXECUTE format('SELECT count(*) FROM %I.%I', target_schema, rel) INTO n_rows;
		RETURN NEXT;
	END LOOP;
END
$gen$;
COMMENT ON FUNCTION edupredict.generate_tutor_data(text, integer, integer, edupredict.school_term, edupredict.school_term) IS
'writes five new tables into target_schema (tutors, placements, availability_responses, opportunities, true_availability): synthetic tutor histories from a documented model, deterministic for a seed';

-- Tutor availability forecasting (docs/forecasting.md): features, training, prediction,
-- supply against demand.  Needs the forest functions (train_forest, predict_proba).

-- Checks that a relation has the named columns; the error names the first one missing.
CREATE FUNCTION edupredict._require_columns(rel regclass, role text, columns text[])
RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
DECLARE
	c text;
BEGIN
	FOREACH c IN ARRAY columns LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_attribute
					   WHERE attrelid = rel AND attname = c AND attnum > 0 AND NOT attisdropped) THEN
			RAISE EXCEPTION 'column "%" does not exist in % relation %', c, role, rel
				USING ERRCODE = '42703',
					  HINT = format('The %s relation needs the columns %s (see docs/forecasting.md).',
									role, array_to_string(columns, ', '));
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION edupredict._require_columns(regclass, text, text[]) IS
'internal: raises 42703 naming the first of the columns that the relation lacks';

-- The first and last terms of the placement history.
CREATE FUNCTION edupredict._placement_span(placements regclass, OUT first_term edupredict.school_term,
										   OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	PERFORM edupredict._require_columns(placements, 'placements', ARRAY['tutor_id', 'term']);
	EXECUTE format('SELECT min(term::edupredict.school_term), max(term::edupredict.school_term) FROM %s',
				   placements) INTO first_term, last_term;
	IF first_term IS NULL THEN
		RAISE EXCEPTION 'placements relation % is empty', placements USING ERRCODE = '22023';
	END IF;
END
$$;
COMMENT ON FUNCTION edupredict._placement_span(regclass) IS
'internal: first and last term of a placements relation';

-- Features of every tutor registered before the start of each term from first_t to last_t, from
-- the placements strictly before that term.
CREATE FUNCTION edupredict._tutor_feature_panel(tutors regclass, placements regclass,
												first_t edupredict.school_term, last_t edupredict.school_term)
RETURNS TABLE (tutor_id bigint, term edupredict.school_term, months_to_phd_end double precision,
			   n_previous_placements integer, mean_placements_per_term double precision,
			   terms_since_registration integer, placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end']);
	PERFORM edupredict._require_columns(placements, 'placements', ARRAY['tutor_id', 'term']);
	RETURN QUERY EXECUTE format($q$
		WITH terms AS (
			SELECT $1 + i AS t FROM generate_series(0, $2 - $1) i),
		elig AS (
			SELECT tu.tutor_id::bigint AS tutor_id, tr.t, tu.registered_on::date AS registered_on,
				   tu.phd_end::date AS phd_end
			FROM %1$s tu JOIN terms tr ON tu.registered_on::date < edupredict.term_start(tr.t)),
		pl AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term
			FROM %2$s p WHERE p.term::edupredict.school_term < $2)
		SELECT e.tutor_id, e.t,
			   (e.phd_end - edupredict.term_start(e.t)) / 30.4375::float8,
			   count(pl.term)::integer,
			   count(pl.term)::float8 / (e.t - edupredict.term_of(e.registered_on)),
			   e.t - edupredict.term_of(e.registered_on),
			   coalesce(bool_or(pl.term = e.t - 1), false)
		FROM elig e
		LEFT JOIN pl ON pl.tutor_id = e.tutor_id AND pl.term < e.t
		GROUP BY e.tutor_id, e.t, e.phd_end, e.registered_on
	$q$, tutors, placements) USING first_t, last_t;
END
$$;
COMMENT ON FUNCTION edupredict._tutor_feature_panel(regclass, regclass, edupredict.school_term, edupredict.school_term) IS
'internal: tutor features for every term of a range (see tutor_features)';

CREATE FUNCTION edupredict.tutor_features(tutors regclass, placements regclass, as_of edupredict.school_term)
RETURNS TABLE (tutor_id bigint, months_to_phd_end double precision, n_previous_placements integer,
			   mean_placements_per_term double precision, terms_since_registration integer,
			   placed_last_term boolean)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
	SELECT f.tutor_id, f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
		   f.terms_since_registration, f.placed_last_term
	FROM edupredict._tutor_feature_panel(tutors, placements, as_of, as_of) f
$$;
COMMENT ON FUNCTION edupredict.tutor_features(regclass, regclass, edupredict.school_term) IS
'features of each tutor registered before the start of as_of, from placements before as_of: months to PhD end, previous placements, mean placements per term, terms since registration, placed in the previous term';

-- Checks an as_of term against the placement history: there must be history before it and it may
-- be at most the term after the last placement term (later terms would read as "never placed").
CREATE FUNCTION edupredict._check_as_of(placements regclass, as_of edupredict.school_term,
										min_history integer, OUT first_term edupredict.school_term,
										OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	SELECT s.first_term, s.last_term INTO first_term, last_term FROM edupredict._placement_span(placements) s;
	IF as_of > last_term + 1 THEN
		RAISE EXCEPTION 'as_of % is out of range: the placement history ends in %', as_of, last_term
			USING ERRCODE = '22023',
				  DETAIL = format('as_of may be at most %s, the term after the last placement term.', last_term + 1);
	END IF;
	IF as_of - first_term < min_history THEN
		RAISE EXCEPTION 'as_of % is out of range: the placement history starts in %', as_of, first_term
			USING ERRCODE = '22023',
				  DETAIL = format('This needs %s terms of placement history before as_of, so as_of must be %s or later.',
								  min_history, first_term + min_history);
	END IF;
END
$$;
COMMENT ON FUNCTION edupredict._check_as_of(regclass, edupredict.school_term, integer) IS
'internal: raises 22023 when as_of lies outside the placement history';

-- Survey response rates by segment, from the surveys of terms before as_of.  Segment: season of
-- the term, placed in the previous term, PhD over by the start of the term.  Each rate is shrunk
-- towards its season's rate, and that towards the overall rate, with a prior weight of 50 surveys.
CREATE FUNCTION edupredict.response_rates(tutors regclass, placements regclass, responses regclass,
										  as_of edupredict.school_term)
RETURNS TABLE (season text, placed_last_term boolean, phd_finished boolean, n_surveyed bigint,
			   n_responded bigint, p_response double precision)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	n_history bigint;
BEGIN
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'phd_end']);
	PERFORM edupredict._require_columns(placements, 'placements', ARRAY['tutor_id', 'term']);
	PERFORM edupredict._require_columns(responses, 'responses', ARRAY['tutor_id', 'term', 'responded']);
	EXECUTE format('SELECT count(*) FROM %s r WHERE r.term::edupredict.school_term < $1 AND r.responded IS NOT NULL',
				   responses) INTO n_history USING as_of;
	IF n_history = 0 THEN
		RAISE EXCEPTION 'no survey responses before %', as_of
			USING ERRCODE = '22023', HINT = 'Pass responses => NULL to count every tutor as responding.';
	END IF;
	RETURN QUERY EXECUTE format($q$
		WITH r AS (
			SELECT edupredict.term_season(r.term::edupredict.school_term) AS season,
				   EXISTS (SELECT 1 FROM %2$s p WHERE p.tutor_id = r.tutor_id
						   AND p.term::edupredict.school_term = r.term::edupredict.school_term - 1) AS placed_last_term,
				   coalesce(tu.phd_end::date < edupredict.term_start(r.term::edupredict.school_term), false) AS phd_finished,
				   r.responded::boolean AS responded
			FROM %3$s r JOIN %1$s tu ON tu.tutor_id = r.tutor_id
			WHERE r.term::edupredict.school_term < $1 AND r.responded IS NOT NULL),
		overall AS (SELECT count(*) AS n, count(*) FILTER (WHERE responded) AS k FROM r),
		seasons AS (
			SELECT s.season, count(r.responded) AS n, count(*) FILTER (WHERE r.responded) AS k
			FROM unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season) LEFT JOIN r ON r.season = s.season
			GROUP BY s.season),
		cells AS (
			SELECT s.season, pl.v AS placed_last_term, ph.v AS phd_finished
			FROM unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season), (VALUES (false), (true)) pl(v),
				 (VALUES (false), (true)) ph(v)),
		counts AS (
			SELECT c.season, c.placed_last_term, c.phd_finished, count(r.responded) AS n,
				   count(*) FILTER (WHERE r.responded) AS k
			FROM cells c LEFT JOIN r USING (season, placed_last_term, phd_finished)
			GROUP BY c.season, c.placed_last_term, c.phd_finished)
		SELECT c.season, c.placed_last_term, c.phd_finished, c.n, c.k,
			   (c.k + 50 * ((s.k + 50 * (o.k::float8 / o.n)) / (s.n + 50))) / (c.n + 50)
		FROM counts c JOIN seasons s USING (season), overall o
		ORDER BY array_position(ARRAY['Spring', 'Summer', 'Autumn'], c.season), c.placed_last_term, c.phd_finished
	$q$, tutors, placements, responses) USING as_of;
END
$$;
COMMENT ON FUNCTION edupredict.response_rates(regclass, regclass, regclass, edupredict.school_term) IS
'survey response rate by season, placed-last-term and PhD-finished segment, from surveys before as_of, shrunk towards the season and overall rates';

-- The horizons h for which a model <model_name>_h<h> is in the registry.
CREATE FUNCTION edupredict._availability_horizons(model_name text)
RETURNS integer[]
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	hs integer[];
BEGIN
	SELECT array_agg(DISTINCT h ORDER BY h) INTO hs
	FROM (SELECT substr(m.name, length(model_name) + 3)::integer AS h
		  FROM edupredict.models m
		  WHERE left(m.name, length(model_name) + 2) = model_name || '_h'
			AND substr(m.name, length(model_name) + 3) ~ '^[0-9]{1,2}$') x;
	IF hs IS NULL THEN
		RAISE EXCEPTION 'no availability models named %_h<horizon> in edupredict.models', model_name
			USING ERRCODE = '42704', HINT = 'Train them with edupredict.train_availability().';
	END IF;
	RETURN hs;
END
$$;
COMMENT ON FUNCTION edupredict._availability_horizons(text) IS
'internal: horizons with a trained model <model_name>_h<horizon>';

-- The model input: the five tutor features plus the season of the target term (known in advance).
CREATE TYPE edupredict.availability_features AS (
	months_to_phd_end double precision,
	n_previous_placements integer,
	mean_placements_per_term double precision,
	terms_since_registration integer,
	placed_last_term boolean,
	target_season integer
);
COMMENT ON TYPE edupredict.availability_features IS
'input row of the availability forests: tutor features as of a term and the season (0 Spring, 1 Summer, 2 Autumn) of the target term';

CREATE FUNCTION edupredict.train_availability(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	horizons integer[] DEFAULT '{1,2,3}',
	n_trees integer DEFAULT 100,
	seed bigint DEFAULT 42,
	min_samples_leaf integer DEFAULT 25)
RETURNS TABLE (horizon integer, model text, version integer, n_rows bigint, positive_rate double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	span record;
	h integer;
	max_h integer;
BEGIN
	IF model_name IS NULL OR model_name = '' OR tutors IS NULL OR placements IS NULL OR as_of IS NULL
	   OR horizons IS NULL OR n_trees IS NULL OR seed IS NULL OR min_samples_leaf IS NULL THEN
		RAISE EXCEPTION 'train_availability arguments must not be NULL or empty' USING ERRCODE = '22004';
	END IF;
	IF cardinality(horizons) = 0 OR cardinality(horizons) > 12 OR array_position(horizons, NULL) IS NOT NULL
	   OR (SELECT min(x) < 1 OR max(x) > 12 OR count(DISTINCT x) <> count(*) FROM unnest(horizons) x) THEN
		RAISE EXCEPTION 'horizons must be distinct numbers of terms ahead from 1 to 12'
			USING ERRCODE = '22023', DETAIL = format('Got %s.', horizons);
	END IF;
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end']);
	SELECT max(x) INTO max_h FROM unnest(horizons) x;
	-- Training rows: terms t from the second history term on, labelled by placement in t + h < as_of.
	SELECT * INTO span FROM edupredict._check_as_of(placements, as_of, max_h + 2);

	EXECUTE format('CREATE TEMP TABLE _ep_availability_placed AS
					SELECT DISTINCT tutor_id::bigint AS tutor_id, term::edupredict.school_term AS term FROM %s',
				   placements);
	CREATE TEMP TABLE _ep_availability_panel AS
	SELECT * FROM edupredict._tutor_feature_panel(tutors, placements, span.first_term + 1, as_of - 2);

	FOREACH h IN ARRAY horizons LOOP
		EXECUTE $q$
			CREATE TEMP TABLE _ep_availability_train AS
			SELECT (ROW(f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
						f.terms_since_registration, f.placed_last_term,
						((f.term + $1) - '1000 Spring'::edupredict.school_term) % 3
					 )::edupredict.availability_features).*,
				   (p.tutor_id IS NOT NULL)::integer AS available
			FROM _ep_availability_panel f
			LEFT JOIN _ep_availability_placed p ON p.tutor_id = f.tutor_id AND p.term = f.term + $1
			WHERE f.term <= $2 - 1 - $1
		$q$ USING h, as_of;

		horizon := h;
		model := model_name || '_h' || h;
		EXECUTE 'SELECT count(*), avg(available) FROM _ep_availability_train' INTO n_rows, positive_rate;
		EXECUTE $q$
			SELECT m.version FROM edupredict.train_forest(
				model_name => $1, relation => 'pg_temp._ep_availability_train'::regclass, target => 'available',
				features => ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
								  'terms_since_registration', 'placed_last_term', 'target_season'],
				task => 'classification', n_trees => $2, min_samples_leaf => $4, seed => $3) m
		$q$ INTO version USING model, n_trees, seed, min_samples_leaf;
		RETURN NEXT;
		DROP TABLE _ep_availability_train;
	END LOOP;
	DROP TABLE _ep_availability_panel, _ep_availability_placed;
END
$$;
COMMENT ON FUNCTION edupredict.train_availability(text, regclass, regclass, edupredict.school_term, integer[], integer, bigint, integer) IS
'writes one random forest per horizon h to the model registry as <model_name>_h<h>: P(placed in t + h) from tutor features as of t, for every term t whose outcome is known before as_of; min_samples_leaf (default 25) keeps the probabilities calibrated';

CREATE FUNCTION edupredict.predict_availability(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (tutor_id bigint, horizon integer, term edupredict.school_term, p_available double precision,
			   p_response double precision, p_effective double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	hs integer[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and as_of must not be NULL' USING ERRCODE = '22004';
	END IF;
	hs := edupredict._availability_horizons(model_name);
	PERFORM edupredict._check_as_of(placements, as_of, 1);
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end']);

	RETURN QUERY EXECUTE format($q$
		WITH f AS MATERIALIZED (
			SELECT f.*, tu.phd_end::date AS phd_end
			FROM edupredict.tutor_features($1, $2, $3) f
			JOIN %1$s tu ON tu.tutor_id::bigint = f.tutor_id),
		rr AS MATERIALIZED (%2$s),
		x AS (
			SELECT f.*, h.h, $3 + h.h AS target
			FROM f CROSS JOIN unnest($4) h(h))
		SELECT x.tutor_id, x.h, x.target, pa.p, coalesce(rr.p_response, 1.0), pa.p * coalesce(rr.p_response, 1.0)
		FROM x
		CROSS JOIN LATERAL (
			SELECT edupredict.predict_proba($5 || '_h' || x.h,
				ROW(x.months_to_phd_end, x.n_previous_placements, x.mean_placements_per_term,
					x.terms_since_registration, x.placed_last_term,
					(x.target - '1000 Spring'::edupredict.school_term) %% 3)::edupredict.availability_features,
				'1') AS p) pa
		LEFT JOIN rr ON rr.season = edupredict.term_season(x.target)
					AND rr.placed_last_term = x.placed_last_term
					AND rr.phd_finished = coalesce(x.phd_end < edupredict.term_start(x.target), false)
	$q$, tutors,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::boolean AS placed_last_term, NULL::boolean AS phd_finished, NULL::float8 AS p_response WHERE false'
			 ELSE format('SELECT * FROM edupredict.response_rates($1, $2, %L::regclass, $3)', responses) END)
	USING tutors, placements, as_of, hs, model_name;
END
$$;
COMMENT ON FUNCTION edupredict.predict_availability(text, regclass, regclass, edupredict.school_term, regclass) IS
'for each tutor registered before as_of and each trained horizon: P(available in as_of + h), P(responding to the survey) from responses (1 when NULL), and their product';

-- Supply against demand from a source of predictions (tutor_id, horizon, term, p_effective).
CREATE FUNCTION edupredict._supply_demand_sql(predictions text, tutors regclass, opportunities regclass)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $f$
SELECT format($q$
	WITH pred AS MATERIALIZED (%1$s),
	terms AS (SELECT DISTINCT horizon, term FROM pred),
	la AS (
		SELECT tu.local_authority::text AS local_authority, p.horizon, p.term,
			   edupredict.expected_count(p.p_effective) AS d
		FROM pred p JOIN %2$s tu ON tu.tutor_id::bigint = p.tutor_id
		GROUP BY 1, 2, 3
		UNION ALL
		SELECT 'London-wide', p.horizon, p.term, edupredict.expected_count(p.p_effective)
		FROM pred p GROUP BY 2, 3),
	opp AS (
		SELECT o.local_authority::text AS local_authority, t.horizon, t.term,
			   coalesce(sum(o.n_placements) FILTER (WHERE o.stage = 'confirmed'), 0)::bigint AS confirmed,
			   coalesce(sum(CASE WHEN o.stage = 'confirmed' THEN o.n_placements
								 ELSE o.probability * o.n_placements END), 0)::float8 AS expected
		FROM %3$s o JOIN terms t ON o.term::edupredict.school_term = t.term
		GROUP BY 1, 2, 3),
	dem AS (
		SELECT * FROM opp
		UNION ALL
		SELECT 'London-wide', t.horizon, t.term, coalesce(sum(opp.confirmed), 0)::bigint,
			   coalesce(sum(opp.expected), 0)::float8
		FROM terms t LEFT JOIN opp USING (horizon, term) GROUP BY 2, 3)
	SELECT coalesce(la.local_authority, dem.local_authority), coalesce(la.horizon, dem.horizon),
		   coalesce(la.term, dem.term),
		   coalesce((la.d).expected, 0), coalesce((la.d).p10, 0), coalesce((la.d).p50, 0), coalesce((la.d).p90, 0),
		   coalesce(dem.confirmed, 0), coalesce(dem.expected, 0),
		   coalesce(dem.expected, 0) / nullif((la.d).expected, 0),
		   greatest(0, ceil(coalesce(dem.expected, 0) - 1e-9)::bigint - coalesce((la.d).p10, 0))
	FROM la FULL JOIN dem ON dem.local_authority = la.local_authority AND dem.term = la.term
	ORDER BY 3, (coalesce(la.local_authority, dem.local_authority) = 'London-wide'), 1
$q$, predictions, tutors, opportunities)
$f$;
COMMENT ON FUNCTION edupredict._supply_demand_sql(text, regclass, regclass) IS
'internal: the supply-demand query over a source of predictions';

CREATE FUNCTION edupredict.supply_demand_of(predictions regclass, tutors regclass, opportunities regclass)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	PERFORM edupredict._require_columns(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term', 'p_effective']);
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'local_authority']);
	PERFORM edupredict._require_columns(opportunities, 'opportunities',
										ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements']);
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		format('SELECT tutor_id::bigint AS tutor_id, horizon::integer AS horizon, term::edupredict.school_term AS term,
				p_effective::float8 AS p_effective FROM %s', predictions),
		tutors, opportunities);
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand_of(regclass, regclass, regclass) IS
'supply against demand per local authority and term from any table of predictions (tutor_id, horizon, term, p_effective), plus a London-wide row';

CREATE FUNCTION edupredict.supply_demand(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR opportunities IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements, opportunities and as_of must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'local_authority']);
	PERFORM edupredict._require_columns(opportunities, 'opportunities',
										ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements']);
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		format('SELECT tutor_id, horizon, term, p_effective FROM edupredict.predict_availability(%L, %L::regclass, %L::regclass, %L::edupredict.school_term, %L::regclass)',
			   model_name, tutors, placements, as_of, responses),
		tutors, opportunities);
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand(text, regclass, regclass, regclass, edupredict.school_term, regclass) IS
'per local authority and forecast term (plus a London-wide row): expected tutors with p10/p50/p90, confirmed and expected placements, placement : tutor ratio, and the tutors to recruit for a 90% chance of covering expected demand';
