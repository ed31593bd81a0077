
-- ---------------------------------------------------------------------------
-- Choosing a model (issue 12, docs/tuning.md): cross_validate(), tune(), the
-- run log edupredict.runs and the leaderboard.
--
-- edupredict.runs has one row per training (train_*), cross-validation and
-- tuning trial, written by the C functions with the caller's rights in the
-- caller's transaction.  Rows are owned like registry models: the trigger
-- sets owner (the current role; only a superuser may restore another),
-- created_at and name_owner (the owner of the model name when the run was
-- logged) and checks id, parent and model name; row-level security shows
-- a role the runs of roles it belongs to and the runs of every model name
-- whose models it may read (so grant_model() shares a model's runs too),
-- as long as the name has the owner it had then: a name dropped and
-- trained again by another role does not show the old owner's runs.
-- ---------------------------------------------------------------------------

CREATE TABLE edupredict.runs (
    id            bigserial PRIMARY KEY,
    parent_id     bigint REFERENCES edupredict.runs (id) ON DELETE CASCADE,
    kind          text NOT NULL
                  CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['train', 'cv', 'tune', 'trial', 'refit'])),
    model_name    text,
    model_version integer,
    name_owner    regrole,
    algorithm     text NOT NULL,
    params        jsonb NOT NULL,
    metrics       jsonb NOT NULL,
    metric        text,
    score         double precision,
    score_sd      double precision,
    source        text NOT NULL,
    n_rows        bigint NOT NULL,
    fingerprint   text NOT NULL,
    folds         jsonb,
    duration_s    double precision NOT NULL,
    peak_bytes    bigint NOT NULL,
    owner         regrole NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX runs_model ON edupredict.runs (model_name, metric);
CREATE INDEX runs_parent ON edupredict.runs (parent_id);
COMMENT ON TABLE edupredict.runs IS
'run log: one row per training, cross-validation and tuning trial (parameters, metrics per fold and mean, source relation, row count and order-free fingerprint, duration, peak memory, owner, time); visible to members of the owner and to those who may read the model';
COMMENT ON COLUMN edupredict.runs.kind IS
'train (train_*), cv (cross_validate, or the deployed version scored by tune), tune (the tuning job), trial (one parameter set of a tune), refit (the tuned model trained on every row)';
COMMENT ON COLUMN edupredict.runs.fingerprint IS
'order-independent hash of the rows used (features and target), with n_rows: equal values mean the same rows';
COMMENT ON COLUMN edupredict.runs.name_owner IS
'owner of model_name when the run was logged (set by the server): those who may read that name''s models see the run while the name keeps this owner';
COMMENT ON COLUMN edupredict.runs.score IS
'mean over the folds of the metric named in metric (NULL for a training without folds)';
SELECT pg_catalog.pg_extension_config_dump('edupredict.runs', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.runs_id_seq', '');

-- The owner of a model name if the caller belongs to it (only members of
-- a name's owner may log runs under it), else NULL.
CREATE FUNCTION edupredict._run_name_owner(model_name text)
RETURNS regrole
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT n.owner FROM edupredict.model_names n
    WHERE n.name OPERATOR(pg_catalog.=) model_name AND pg_catalog.pg_has_role(n.owner, 'USAGE')
$$;
COMMENT ON FUNCTION edupredict._run_name_owner(text) IS
'internal: the owner of a model name when the caller belongs to it (who may log runs under it), else NULL';

-- Runs the caller's rights: whoever may read the name's models, while it
-- has the owner it had when the run was logged, may read its runs.
CREATE FUNCTION edupredict._run_model_readable(model_name text, name_owner regrole)
RETURNS boolean
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT pg_catalog.has_table_privilege('edupredict.model_names'::pg_catalog.regclass, 'SELECT') THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT 1 FROM edupredict.model_names n
                   WHERE n.name OPERATOR(pg_catalog.=) model_name
                     AND n.owner::pg_catalog.oid OPERATOR(pg_catalog.=) name_owner::pg_catalog.oid);
END
$$;
COMMENT ON FUNCTION edupredict._run_model_readable(text, regrole) IS
'internal (row-level security): whether the caller may read the models of a name that still has this owner, and so its runs';

CREATE FUNCTION edupredict._runs_guard()
RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me pg_catalog.regrole;
    su boolean;
    sid bigint;
BEGIN
    SELECT r.oid::pg_catalog.regrole, r.rolsuper INTO me, su
    FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER;
    -- a superuser may restore rows as they were (pg_dump)
    IF su AND NEW.owner IS NOT NULL THEN
        RETURN NEW;
    END IF;
    NEW.owner := me;
    -- a role outside edupredict_user cannot read the names: say so, not
    -- "permission denied for table model_names" from inside this trigger
    IF NEW.model_name IS NOT NULL
       AND NOT pg_catalog.has_table_privilege('edupredict.model_names'::pg_catalog.regclass, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied to read the model registry'
            USING ERRCODE = '42501',
                  DETAIL = pg_catalog.format('Role %s may not read edupredict.model_names, so it cannot log runs of model "%s".',
                                             pg_catalog.quote_ident(CURRENT_USER), edupredict._name_for_message(NEW.model_name)),
                  HINT = pg_catalog.format('An administrator can allow it with: GRANT edupredict_user TO %s;',
                                           pg_catalog.quote_ident(CURRENT_USER));
    END IF;
    NEW.name_owner := CASE WHEN NEW.model_name IS NOT NULL
                           THEN edupredict._run_name_owner(NEW.model_name) END;
    IF su THEN
        RETURN NEW;
    END IF;
    BEGIN
        sid := pg_catalog.currval('edupredict.runs_id_seq'::pg_catalog.regclass);
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        sid := NULL;
    END;
    IF NEW.id IS DISTINCT FROM sid THEN
        RAISE EXCEPTION 'id of a run is assigned by the run log'
            USING ERRCODE = '42501', HINT = 'Leave id out of the column list.';
    END IF;
    NEW.created_at := pg_catalog.now();
    IF NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM edupredict.runs p
        WHERE p.id OPERATOR(pg_catalog.=) NEW.parent_id AND pg_catalog.pg_has_role(p.owner, 'USAGE')) THEN
        RAISE EXCEPTION 'permission denied to log a run under run %', NEW.parent_id
            USING ERRCODE = '42501', DETAIL = 'A parent run must belong to a role you are a member of.';
    END IF;
    IF NEW.model_name IS NOT NULL AND NEW.name_owner IS NULL THEN
        RAISE EXCEPTION 'permission denied to log runs of model "%"', edupredict._name_for_message(NEW.model_name)
            USING ERRCODE = '42501',
                  HINT = 'Only members of the role that owns a model name may log runs under it.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION edupredict._runs_guard() IS
'internal trigger: writes the owner, name owner and time of new runs and checks their id, parent run and model name';
CREATE TRIGGER runs_guard BEFORE INSERT ON edupredict.runs
FOR EACH ROW EXECUTE FUNCTION edupredict._runs_guard();

ALTER TABLE edupredict.runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY runs_read ON edupredict.runs FOR SELECT
USING (pg_catalog.pg_has_role(owner, 'USAGE')
       OR (model_name IS NOT NULL AND edupredict._run_model_readable(model_name, name_owner)));
CREATE POLICY runs_add ON edupredict.runs FOR INSERT
WITH CHECK (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY runs_remove ON edupredict.runs FOR DELETE
USING (pg_catalog.pg_has_role(owner, 'USAGE'));

-- drop_model() clears model_version on the runs of the versions it drops,
-- so a version number trained again later is not credited with the old
-- runs (docs/tuning.md).  Members of the role that owns the name may do
-- that to its runs, whoever logged them; the trigger refuses any other
-- change, so clearing the version is the only change a run can take.
CREATE FUNCTION edupredict._runs_unversion()
RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r edupredict.runs;
BEGIN
    r := NEW;
    r.model_version := OLD.model_version;
    IF NEW.model_version IS NOT NULL OR r IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'a run can only have its model_version cleared'
            USING ERRCODE = '42501',
                  DETAIL = 'A run is a record: drop_model() sets model_version to NULL on the runs of the versions it drops.',
                  HINT = 'Set model_version to NULL and nothing else, or leave the run as it is.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION edupredict._runs_unversion() IS
'internal trigger on writes to the run log: the only update a run takes is clearing its model_version (drop_model() does it for the versions it drops)';
CREATE TRIGGER runs_unversion BEFORE UPDATE ON edupredict.runs
FOR EACH ROW EXECUTE FUNCTION edupredict._runs_unversion();
CREATE POLICY runs_unversion ON edupredict.runs FOR UPDATE
USING (model_name IS NOT NULL AND pg_catalog.pg_has_role(name_owner, 'USAGE'))
WITH CHECK (model_name IS NOT NULL AND pg_catalog.pg_has_role(name_owner, 'USAGE'));
-- Every role may log its own cross-validations; tune() and train_*() also
-- need the registry's rights.  UPDATE only of model_version, only to NULL
-- (above): otherwise a run is a record.
SELECT edupredict._reset_privileges('TABLE', 'edupredict.runs');
SELECT edupredict._reset_privileges('SEQUENCE', 'edupredict.runs_id_seq');
GRANT SELECT, INSERT, DELETE ON edupredict.runs TO PUBLIC;
GRANT UPDATE (model_version) ON edupredict.runs TO PUBLIC;
GRANT USAGE ON SEQUENCE edupredict.runs_id_seq TO PUBLIC;

-- Scored runs of each model name ranked by their metric (lower is better
-- for log_loss, rmse and mae): tuning trials and the deployed versions
-- tune() scored on the same folds.  Trials of the early rungs of successive
-- halving trained on a share of each fold's rows and are not comparable:
-- they stay in edupredict.runs (metrics.rows_fraction) but not here.
-- Runs are ranked per owner of the name when they were logged: a name
-- dropped and registered again by another role starts a new ranking, even
-- for a role that sees the runs of both owners (a member of both, a
-- superuser).
CREATE VIEW edupredict.leaderboard WITH (security_invoker = true) AS
SELECT r.model_name, r.name_owner, r.metric,
       pg_catalog.rank() OVER (PARTITION BY r.model_name, r.name_owner, r.metric
                               ORDER BY CASE WHEN r.metric OPERATOR(pg_catalog.=) ANY (ARRAY['log_loss', 'rmse', 'mae'])
                                             THEN r.score ELSE OPERATOR(pg_catalog.-) r.score END) AS rank,
       r.score, r.score_sd, r.id AS run_id, r.parent_id, r.kind, r.algorithm, r.model_version,
       r.params, r.folds, r.source, r.n_rows, r.fingerprint, r.owner, r.created_at
FROM edupredict.runs r
WHERE r.kind OPERATOR(pg_catalog.=) ANY (ARRAY['trial', 'cv']) AND r.model_name IS NOT NULL
  AND r.score IS NOT NULL
  AND COALESCE(r.metrics OPERATOR(pg_catalog.->>) 'rows_fraction', '1') OPERATOR(pg_catalog.=) '1';
COMMENT ON VIEW edupredict.leaderboard IS
'cross-validated runs of each model name (tuning trials on all of each fold''s rows, deployed versions scored by tune) ranked by their metric per owner of the name (name_owner), as the caller may see them';
SELECT edupredict._reset_privileges('TABLE', 'edupredict.leaderboard');
GRANT SELECT ON edupredict.leaderboard TO PUBLIC;

CREATE FUNCTION edupredict.leaderboard(model_name text)
RETURNS SETOF edupredict.leaderboard
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT l.* FROM edupredict.leaderboard l
    WHERE l.model_name OPERATOR(pg_catalog.=) $1
    ORDER BY l.metric, l.name_owner, l.rank, l.run_id
$$;
COMMENT ON FUNCTION edupredict.leaderboard(text) IS
'the leaderboard of one model name: its cross-validated runs ranked by metric and owner of the name, best first';

CREATE FUNCTION edupredict.cross_validate(
    algorithm text,
    relation regclass,
    target text,
    features text[] DEFAULT NULL,
    params jsonb DEFAULT '{}',
    folds int DEFAULT 5,
    split text DEFAULT 'stratified',
    group_by text DEFAULT NULL,
    order_by text DEFAULT NULL,
    gap int DEFAULT 0,
    seed bigint DEFAULT 42)
RETURNS TABLE (fold int, metric text, value double precision, sd double precision)
AS 'MODULE_PATHNAME', 'model_cross_validate'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000 ROWS 50;
COMMENT ON FUNCTION edupredict.cross_validate(text, regclass, text, text[], jsonb, int, text, text, text, int, bigint) IS
'writes the run log: k-fold cross-validation of a learner (forest or boosting) on a relation with stratified, random, group-disjoint (for a classification also stratified: stratified_group) or expanding-window time folds; one row per fold and metric, then the mean and sd of each metric (fold NULL)';

CREATE FUNCTION edupredict.tune(
    model_name text,
    algorithm text,
    relation regclass,
    target text,
    space jsonb,
    trials int DEFAULT 30,
    method text DEFAULT 'random',
    metric text DEFAULT NULL,
    features text[] DEFAULT NULL,
    params jsonb DEFAULT '{}',
    folds int DEFAULT 5,
    split text DEFAULT 'stratified',
    group_by text DEFAULT NULL,
    order_by text DEFAULT NULL,
    gap int DEFAULT 0,
    seed bigint DEFAULT 42,
    deploy text DEFAULT 'no',
    OUT run_id bigint,
    OUT version int,
    OUT cv_metric text,
    OUT cv_score double precision,
    OUT cv_sd double precision,
    OUT best_params jsonb,
    OUT evaluations int,
    OUT baseline_version int,
    OUT baseline_score double precision,
    OUT deployed boolean)
RETURNS record
AS 'MODULE_PATHNAME', 'model_tune'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 10000000;
COMMENT ON FUNCTION edupredict.tune(text, text, regclass, text, jsonb, int, text, text, text[], jsonb, int, text, text, text, int, bigint, text) IS
'writes the registry and the run log: random, grid or successive-halving search of a learner''s parameters by cross-validation, the best set refitted on every row and registered as a new version with its CV score (deployed with deploy => ''yes'', or ''if_better'' when it beats the deployed version on the same folds)';
