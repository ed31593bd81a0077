
-- ---------------------------------------------------------------------------
-- Model registry: owners, grants, per-name serialisation (issue 9 §4 and §7,
-- issue 10's model layer).  docs/security.md "Model registry" explains the
-- rules in plain words; docs/forest.md "Registry" the SQL.
--
-- Source of truth: edupredict.model_names, one row per name with its owner
-- (the role that first trained it, set by the server) and the next version
-- number.  Every change to a name's models first updates that row
-- (edupredict._model_lock): the row lock serialises trainers, deployers and
-- droppers of one name, and because the row changes, a REPEATABLE READ or
-- SERIALIZABLE transaction that raced a committed change gets 40001 there,
-- before any work, instead of a unique violation after it.
-- Row-level security on the three tables decides who sees and writes what;
-- superusers (and the tables' owner, the extension owner) bypass it.
-- ---------------------------------------------------------------------------

-- Before taking over 0.1.0's tables: a trigger that someone else attached
-- to a table of the extension (0.1.0's edupredict.models had no row-level
-- security, so a role granted TRIGGER could) would outlive the upgrade and
-- fire on every role's writes, with the writer's rights.  Neither 0.1.0 nor
-- the fragments before this one create triggers: every one that is not
-- internal is someone else's.  Likewise a foreign key from another table
-- (REFERENCES): its checks read the referenced table as the referencing
-- table's owner, past row-level security (an oracle for other roles' model
-- names and versions), and they can block other roles' drop_model().
DO $$
DECLARE
    tables pg_catalog.oid[];
    r record;
BEGIN
    SELECT pg_catalog.array_agg(d.objid) INTO tables
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objid
    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
      AND d.deptype OPERATOR(pg_catalog.=) 'e' AND e.extname OPERATOR(pg_catalog.=) 'edupredict'
      AND c.relnamespace OPERATOR(pg_catalog.=) 'edupredict'::pg_catalog.regnamespace;
    -- Under REPEATABLE READ or SERIALIZABLE the checks read the catalogs as
    -- of the upgrade's first statement, before the locks below: they would
    -- miss what was committed while the upgrade waited for them.  A fresh
    -- CREATE EXTENSION (its tables' pg_depend rows written by this very
    -- command, like its pg_extension row) has nothing to miss.
    IF pg_catalog.current_setting('transaction_isolation') OPERATOR(pg_catalog.<>) 'read committed'
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                   JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
                   WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                     AND e.extname OPERATOR(pg_catalog.=) 'edupredict'
                     AND d.objid OPERATOR(pg_catalog.=) ANY (tables)
                     AND NOT d.xmin OPERATOR(pg_catalog.=) e.xmin) THEN
        RAISE EXCEPTION 'edupredict cannot be upgraded in a % transaction', pg_catalog.current_setting('transaction_isolation')
            USING ERRCODE = '55000',
                  DETAIL = 'The upgrade checks its tables for triggers and foreign keys it did not create, and under a transaction snapshot it could miss ones committed while it waited to lock those tables.',
                  HINT = 'Run it in a READ COMMITTED transaction: BEGIN ISOLATION LEVEL READ COMMITTED; ALTER EXTENSION edupredict UPDATE; COMMIT;';
    END IF;
    -- Lock them first: CREATE TRIGGER and ADD FOREIGN KEY lock the table they
    -- attach to, so the checks below run after every such command finished
    -- and see what it committed.  Unlocked, they missed an uncommitted one,
    -- and the upgrade waited for it at ALTER TABLE edupredict.models and then
    -- kept it.  ACCESS EXCLUSIVE, as that ALTER TABLE takes anyway (a weaker
    -- lock raised later could deadlock with the registry's writers).
    FOR r IN SELECT c.relname FROM pg_catalog.pg_class c
             WHERE c.oid OPERATOR(pg_catalog.=) ANY (tables)
               AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v}'::pg_catalog."char"[])
             ORDER BY c.oid LOOP
        EXECUTE pg_catalog.format('LOCK TABLE edupredict.%I IN ACCESS EXCLUSIVE MODE', r.relname);
    END LOOP;
    SELECT pg_catalog.format('edupredict.%I', c.relname) AS tab, t.tgname INTO r
    FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid
    WHERE t.tgrelid OPERATOR(pg_catalog.=) ANY (tables) AND NOT t.tgisinternal
    ORDER BY c.relname, t.tgname LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'table % has trigger "%", which edupredict did not create', r.tab, r.tgname
            USING ERRCODE = '55000',
                  DETAIL = 'After the upgrade every role writes the registry, and a trigger runs with the rights of the role whose write fires it.',
                  HINT = pg_catalog.format('Drop it, then upgrade: DROP TRIGGER %I ON %s;', r.tgname, r.tab);
    END IF;
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS tab, k.conname,
           pg_catalog.format('edupredict.%I', f.relname) AS target INTO r
    FROM pg_catalog.pg_constraint k
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    JOIN pg_catalog.pg_class f ON f.oid OPERATOR(pg_catalog.=) k.confrelid
    WHERE k.contype OPERATOR(pg_catalog.=) 'f' AND k.confrelid OPERATOR(pg_catalog.=) ANY (tables)
      AND k.conparentid OPERATOR(pg_catalog.=) 0 AND NOT k.conrelid OPERATOR(pg_catalog.=) ANY (tables)
    ORDER BY n.nspname, c.relname, k.conname LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'table % has foreign key "%" into %, which edupredict did not create', r.tab, r.conname, r.target
            USING ERRCODE = '55000',
                  DETAIL = pg_catalog.format('Its checks would read %s as the owner of %s, past the registry''s row-level security, and could keep other roles from dropping their models.', r.target, r.tab),
                  HINT = pg_catalog.format('Drop it, then upgrade: ALTER TABLE %s DROP CONSTRAINT %I;', r.tab, r.conname);
    END IF;
END
$$;

-- The role an administrator grants to analysts: GRANT edupredict_user TO alice.
-- Roles are cluster-wide: another database may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) 'edupredict_user') THEN
        CREATE ROLE edupredict_user NOLOGIN;
        COMMENT ON ROLE edupredict_user IS
        'edupredict: members may train, predict with, deploy and grant models in the registry (rows decide which models)';
    ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) 'edupredict_user'
                    AND (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolbypassrls)) THEN
        RAISE WARNING 'role edupredict_user already exists and can log in or has administrative attributes'
            USING HINT = 'Every member inherits them: ALTER ROLE edupredict_user NOLOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS.';
    END IF;
END
$$;

-- One row per model name.
CREATE TABLE edupredict.model_names (
    name         text PRIMARY KEY CHECK (name OPERATOR(pg_catalog.<>) ''),
    owner        regrole NOT NULL,
    next_version integer NOT NULL DEFAULT 1 CHECK (next_version > 0),
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    UNIQUE (name, owner)
);
COMMENT ON TABLE edupredict.model_names IS
'model registry names: the owner (the role that first trained the name; members of it may train, deploy, drop and grant) and the next version number';

-- Who may read and predict with a name's models besides its owner (NULL grantee = PUBLIC).
CREATE TABLE edupredict.model_grants (
    name       text NOT NULL,
    owner      regrole NOT NULL,
    grantee    regrole,
    granted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    UNIQUE NULLS NOT DISTINCT (name, grantee),
    FOREIGN KEY (name, owner) REFERENCES edupredict.model_names (name, owner)
        ON UPDATE CASCADE ON DELETE CASCADE
);
COMMENT ON TABLE edupredict.model_grants IS
'read access to a model name granted by its owner with grant_model(); grantee NULL means PUBLIC';

-- Existing 0.1.0 models: the name belongs to whoever trained its first
-- version (or to the extension owner when that role no longer exists).
INSERT INTO edupredict.model_names (name, owner, next_version, created_at, changed_at)
SELECT f.name,
       coalesce((SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) f.created_by),
                (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'edupredict'))::pg_catalog.regrole,
       a.max_version OPERATOR(pg_catalog.+) 1, a.first_at, pg_catalog.now()
FROM (SELECT DISTINCT ON (m.name) m.name, m.created_by
      FROM edupredict.models m ORDER BY m.name, m.version) f
JOIN (SELECT m.name, pg_catalog.max(m.version) AS max_version, pg_catalog.min(m.created_at) AS first_at
      FROM edupredict.models m GROUP BY m.name) a ON a.name OPERATOR(pg_catalog.=) f.name;

ALTER TABLE edupredict.models
    ADD COLUMN algorithm text NOT NULL DEFAULT 'forest' CHECK (algorithm OPERATOR(pg_catalog.=) ANY (ARRAY['forest', 'boosting'])),
    ADD COLUMN owner regrole;
UPDATE edupredict.models m SET owner = n.owner
FROM edupredict.model_names n WHERE n.name OPERATOR(pg_catalog.=) m.name;
ALTER TABLE edupredict.models
    ALTER COLUMN owner SET NOT NULL,
    ADD FOREIGN KEY (name, owner) REFERENCES edupredict.model_names (name, owner) ON UPDATE CASCADE;
COMMENT ON TABLE edupredict.models IS
'registry of trained models: one row per (name, version), with algorithm, parameters, held-out metrics, owner and the model bytes; rows visible to the owner''s members and grantees';

SELECT pg_catalog.pg_extension_config_dump('edupredict.model_names', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.model_grants', '');

-- The calling role and whether it is a superuser (superusers may restore
-- registry rows as they were, e.g. from pg_dump).
CREATE FUNCTION edupredict._registry_caller(OUT role regrole, OUT superuser boolean)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.oid::pg_catalog.regrole, r.rolsuper
    FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER
$$;
COMMENT ON FUNCTION edupredict._registry_caller() IS
'internal: the current role as regrole and whether it is a superuser';

-- SECURITY DEFINER: reveals only whether a model name is taken, which
-- model_reserve() reveals anyway (names are one namespace); lets the
-- registry functions say "does not exist" (42704) rather than "belongs to
-- another role" (42501) when the caller cannot see the name's row.
CREATE FUNCTION edupredict._model_name_exists(model_name text)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM edupredict.model_names n WHERE n.name OPERATOR(pg_catalog.=) model_name)
$$;
COMMENT ON FUNCTION edupredict._model_name_exists(text) IS
'internal (security definer): whether a model name is taken, whoever owns it';
SELECT edupredict._reset_privileges('FUNCTION', 'edupredict._model_name_exists(text)');
REVOKE ALL ON FUNCTION edupredict._model_name_exists(text) FROM PUBLIC;

-- The caller holds what training needs (checked before any work).
CREATE FUNCTION edupredict._require_registry_rights()
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (pg_catalog.has_table_privilege('edupredict.models'::pg_catalog.regclass, 'INSERT')
            AND pg_catalog.has_table_privilege('edupredict.models'::pg_catalog.regclass, 'SELECT')
            AND pg_catalog.has_sequence_privilege('edupredict.models_id_seq'::pg_catalog.regclass, 'USAGE')
            AND pg_catalog.has_column_privilege('edupredict.model_names'::pg_catalog.regclass, 'name', 'INSERT')
            AND pg_catalog.has_column_privilege('edupredict.model_names'::pg_catalog.regclass, 'next_version', 'UPDATE')
            AND pg_catalog.has_function_privilege('edupredict._model_name_exists(text)'::pg_catalog.regprocedure, 'EXECUTE')) THEN
        RAISE EXCEPTION 'permission denied to write the model registry'
            USING ERRCODE = '42501',
                  DETAIL = pg_catalog.format('Role %s may not add models to edupredict.models.', pg_catalog.quote_ident(CURRENT_USER)),
                  HINT = pg_catalog.format('An administrator can allow it with: GRANT edupredict_user TO %s;', pg_catalog.quote_ident(CURRENT_USER));
    END IF;
END
$$;
COMMENT ON FUNCTION edupredict._require_registry_rights() IS
'internal: raises 42501 (hint: GRANT edupredict_user) unless the caller may write the model registry';

-- Locks a name's row for the rest of the transaction after checking that the
-- caller belongs to its owner.  The row is updated, not only locked, so a
-- REPEATABLE READ/SERIALIZABLE transaction racing any committed change to the
-- name fails here with 40001.
CREATE FUNCTION edupredict._model_lock(model_name text, action text)
RETURNS edupredict.model_names
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r edupredict.model_names;
    o pg_catalog.regrole;
BEGIN
    IF model_name IS NULL THEN
        RAISE EXCEPTION 'model_name must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM edupredict._require_registry_rights();
    UPDATE edupredict.model_names n SET changed_at = pg_catalog.now()
     WHERE n.name OPERATOR(pg_catalog.=) model_name
    RETURNING n.* INTO r;
    IF FOUND THEN
        RETURN r;
    END IF;
    IF NOT edupredict._model_name_exists(model_name) THEN
        RAISE EXCEPTION 'model "%" does not exist', edupredict._name_for_message(model_name) USING ERRCODE = '42704';
    END IF;
    -- a grantee sees the owner; anyone else learns only that the name is taken
    SELECT n.owner INTO o FROM edupredict.model_names n WHERE n.name OPERATOR(pg_catalog.=) model_name;
    RAISE EXCEPTION 'permission denied to % model "%"', action, model_name
        USING ERRCODE = '42501',
              DETAIL = CASE WHEN o IS NULL THEN 'The name belongs to another role.'
                            ELSE pg_catalog.format('Model "%s" belongs to role %s.', model_name, o) END,
              HINT = 'Only members of the owning role may train, deploy, drop or grant a model; its owner can let you read it with edupredict.grant_model().';
END
$$;
COMMENT ON FUNCTION edupredict._model_lock(text, text) IS
'internal: checks that the caller belongs to the owner of a model name and writes (locks) its registry row until the end of the transaction';

-- The registry's one limit on a model name's length, read by model_reserve and
-- train_availability's horizon names; the C trainers' ENS_MODEL_NAME_MAX_BYTES
-- (src/model_train.h) is the same number.
CREATE FUNCTION edupredict._model_name_max_bytes()
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT 200 $$;
COMMENT ON FUNCTION edupredict._model_name_max_bytes() IS
'internal: the longest model name the registry takes, in bytes';

-- A name the caller gave (a model name) as a message prints it: its first 64
-- characters and '...' when longer, so that a 100 kB argument does not make a
-- 100 kB message before any length check (C: ens_name_for_message, the same rule).
CREATE FUNCTION edupredict._name_for_message(name text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN pg_catalog.char_length(name) OPERATOR(pg_catalog.<=) 64 THEN name
                ELSE pg_catalog."left"(name, 64) OPERATOR(pg_catalog.||) '...' END
$$;
COMMENT ON FUNCTION edupredict._name_for_message(text) IS
'internal: a caller-given name as messages print it, cut to its first 64 characters and ... when longer';

CREATE FUNCTION edupredict.model_reserve(model_name text)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v integer;
BEGIN
    IF model_name IS NULL THEN
        RAISE EXCEPTION 'model_name must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF model_name OPERATOR(pg_catalog.=) ''
       OR pg_catalog.octet_length(model_name) OPERATOR(pg_catalog.>) edupredict._model_name_max_bytes() THEN
        RAISE EXCEPTION 'model_name must be 1 to % bytes long, not %', edupredict._model_name_max_bytes(),
            pg_catalog.octet_length(model_name) USING ERRCODE = '22023';
    END IF;
    PERFORM edupredict._require_registry_rights();
    -- a name the caller owns: lock it (waiters queue on the row, first come
    -- first served)
    UPDATE edupredict.model_names n
       SET next_version = n.next_version OPERATOR(pg_catalog.+) 1, changed_at = pg_catalog.now()
     WHERE n.name OPERATOR(pg_catalog.=) model_name
    RETURNING n.next_version OPERATOR(pg_catalog.-) 1 INTO v;
    IF FOUND THEN
        RETURN v;
    END IF;
    -- a new name belongs to the caller (the trigger sets the owner); under
    -- REPEATABLE READ a name created concurrently raises 40001 here; a name
    -- of another role raises 42501 in _model_lock
    INSERT INTO edupredict.model_names AS n (name) VALUES (model_name) ON CONFLICT (name) DO NOTHING;
    PERFORM edupredict._model_lock(model_name, 'train');
    UPDATE edupredict.model_names n SET next_version = n.next_version OPERATOR(pg_catalog.+) 1
     WHERE n.name OPERATOR(pg_catalog.=) model_name
    RETURNING n.next_version OPERATOR(pg_catalog.-) 1 INTO v;
    RETURN v;
END
$$;
COMMENT ON FUNCTION edupredict.model_reserve(text) IS
'writes the registry: checks the caller may train model_name (creating the name, owned by the caller, if new), locks it until the end of the transaction and returns the next version number, which only the registry''s own insert after training may use (a hand-written INSERT leaves version out)';

-- Owner and version bookkeeping of model_names rows.
CREATE FUNCTION edupredict._model_names_guard()
RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record;
BEGIN
    SELECT * INTO c FROM edupredict._registry_caller();
    IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
        IF NOT c.superuser OR NEW.owner IS NULL THEN
            NEW.owner := c.role;
        END IF;
        IF NOT c.superuser THEN
            NEW.next_version := 1;
            NEW.created_at := pg_catalog.now();
            NEW.changed_at := pg_catalog.now();
        END IF;
    ELSIF NOT c.superuser AND (NEW.name, NEW.owner::pg_catalog.oid, NEW.created_at)
                              IS DISTINCT FROM (OLD.name, OLD.owner::pg_catalog.oid, OLD.created_at)
                       OR NEW.next_version OPERATOR(pg_catalog.<) OLD.next_version THEN
        RAISE EXCEPTION 'the name, owner and creation time of a model name cannot change, nor its version counter go back'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION edupredict._model_names_guard() IS
'internal trigger: writes the owner (the caller) of a new model name and keeps owners from being changed';
CREATE TRIGGER model_names_guard BEFORE INSERT OR UPDATE ON edupredict.model_names
FOR EACH ROW EXECUTE FUNCTION edupredict._model_names_guard();

-- Registry rows: the server sets owner, created_by, created_at and
-- deployed; the version is the next number (omit it; only training's own
-- insert and superusers choose one, numbers are never reused); the id
-- comes from the sequence; id, name, version, owner and creator never
-- change, nor (a version is what was trained) any column but deployed
-- (superusers excepted).  In C (src/model_guard.c): PL/pgSQL would
-- copy every new row, model bytes included, twice.
CREATE FUNCTION edupredict._models_guard()
RETURNS trigger
AS 'MODULE_PATHNAME', 'ens_models_guard'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION edupredict._models_guard() IS
'internal trigger: writes owner, created_by, created_at and deployed of new registry rows and keeps stored versions from being changed (superusers excepted: only deployed changes)';
CREATE TRIGGER models_guard BEFORE INSERT OR UPDATE ON edupredict.models
FOR EACH ROW EXECUTE FUNCTION edupredict._models_guard();

-- Row-level security.  pg_has_role(owner, 'USAGE') is true for members of the
-- owning role that inherit its rights (and for superusers), as for the owner
-- of any PostgreSQL object.  Policies are bound when created: they cannot be
-- redirected through search_path.
ALTER TABLE edupredict.model_names ENABLE ROW LEVEL SECURITY;
ALTER TABLE edupredict.model_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE edupredict.models ENABLE ROW LEVEL SECURITY;

-- Who reads a name's models: members of its owner, and grantees (through
-- model_grants, whose own policy shows a role its grants).  Runs as the caller.
CREATE FUNCTION edupredict._model_readable(model_name text, owner regrole)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.pg_has_role(owner, 'USAGE')
        OR EXISTS (SELECT 1 FROM edupredict.model_grants g
                   WHERE g.name OPERATOR(pg_catalog.=) model_name
                     AND (g.grantee IS NULL OR pg_catalog.pg_has_role(g.grantee, 'USAGE')))
$$;
COMMENT ON FUNCTION edupredict._model_readable(text, regrole) IS
'internal (row-level security): whether the caller may read the models of a name with this owner';

CREATE POLICY model_grants_read ON edupredict.model_grants FOR SELECT
USING (pg_catalog.pg_has_role(owner, 'USAGE') OR grantee IS NULL OR pg_catalog.pg_has_role(grantee, 'USAGE'));
CREATE POLICY model_grants_add ON edupredict.model_grants FOR INSERT
WITH CHECK (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY model_grants_remove ON edupredict.model_grants FOR DELETE
USING (pg_catalog.pg_has_role(owner, 'USAGE'));

CREATE POLICY model_names_read ON edupredict.model_names FOR SELECT
USING (edupredict._model_readable(name, owner));
CREATE POLICY model_names_add ON edupredict.model_names FOR INSERT
WITH CHECK (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY model_names_change ON edupredict.model_names FOR UPDATE
USING (pg_catalog.pg_has_role(owner, 'USAGE')) WITH CHECK (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY model_names_remove ON edupredict.model_names FOR DELETE
USING (pg_catalog.pg_has_role(owner, 'USAGE'));

CREATE POLICY models_read ON edupredict.models FOR SELECT
USING (edupredict._model_readable(name, owner));
CREATE POLICY models_add ON edupredict.models FOR INSERT
WITH CHECK (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY models_change ON edupredict.models FOR UPDATE
USING (pg_catalog.pg_has_role(owner, 'USAGE')) WITH CHECK (pg_catalog.pg_has_role(owner, 'USAGE'));
CREATE POLICY models_remove ON edupredict.models FOR DELETE
USING (pg_catalog.pg_has_role(owner, 'USAGE'));

-- Everything but the bytes, as the caller sees it.
CREATE VIEW edupredict.model_list WITH (security_invoker = true) AS
SELECT m.id, m.name, m.version, m.algorithm, m.task, m.target, m.features, m.classes, m.params,
       m.metrics, m.n_rows, m.train_seconds, m.created_at, m.created_by, m.owner, m.deployed,
       pg_catalog.octet_length(m.model) AS model_bytes
FROM edupredict.models m;
COMMENT ON VIEW edupredict.model_list IS
'the registry rows the caller may read, without the model bytes (model_bytes is their size)';

-- deploy() returns the row without the bytes now (a model can be many MB).
DROP FUNCTION edupredict.deploy(text, int);
CREATE FUNCTION edupredict.deploy(model_name text, version int)
RETURNS edupredict.model_list
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r edupredict.model_list;
BEGIN
    IF model_name IS NULL OR version IS NULL THEN
        RAISE EXCEPTION 'model_name and version must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM edupredict._model_lock(model_name, 'deploy');
    UPDATE edupredict.models m SET deployed = false
     WHERE m.name OPERATOR(pg_catalog.=) model_name AND m.deployed
       AND m.version OPERATOR(pg_catalog.<>) deploy.version;
    UPDATE edupredict.models m SET deployed = true
     WHERE m.name OPERATOR(pg_catalog.=) model_name AND m.version OPERATOR(pg_catalog.=) deploy.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" has no version %', model_name, version USING ERRCODE = '22023';
    END IF;
    SELECT l.* INTO r FROM edupredict.model_list l
     WHERE l.name OPERATOR(pg_catalog.=) model_name AND l.version OPERATOR(pg_catalog.=) deploy.version;
    RETURN r;
END
$$;
COMMENT ON FUNCTION edupredict.deploy(text, int) IS
'writes the registry: marks one version of a model as the one predict() uses (owner only); returns its row without the bytes';

CREATE FUNCTION edupredict.undeploy(model_name text)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v integer;
BEGIN
    PERFORM edupredict._model_lock(model_name, 'undeploy');
    UPDATE edupredict.models m SET deployed = false
     WHERE m.name OPERATOR(pg_catalog.=) model_name AND m.deployed
    RETURNING m.version INTO v;
    RETURN v;
END
$$;
COMMENT ON FUNCTION edupredict.undeploy(text) IS
'writes the registry: no version of the model is deployed any more, so predict() uses the newest (owner only); returns the version that was deployed, or NULL';

CREATE FUNCTION edupredict.drop_model(model_name text, version int DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
BEGIN
    PERFORM edupredict._model_lock(model_name, 'drop');
    IF version IS NULL THEN
        DELETE FROM edupredict.models m WHERE m.name OPERATOR(pg_catalog.=) model_name;
        GET DIAGNOSTICS n = ROW_COUNT;
    ELSE
        DELETE FROM edupredict.models m
         WHERE m.name OPERATOR(pg_catalog.=) model_name AND m.version OPERATOR(pg_catalog.=) drop_model.version;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n OPERATOR(pg_catalog.=) 0 THEN
            RAISE EXCEPTION 'model "%" has no version %', model_name, version USING ERRCODE = '22023';
        END IF;
    END IF;
    -- the runs of the dropped versions stay in the log but no longer claim
    -- a version: the number may be given again to a new training
    -- (docs/tuning.md); row-level security lets members of the name's owner
    -- clear it on the name's runs, whoever logged them
    UPDATE edupredict.runs r SET model_version = NULL
     WHERE r.model_name OPERATOR(pg_catalog.=) drop_model.model_name
       AND r.model_version IS NOT NULL
       AND (drop_model.version IS NULL OR r.model_version OPERATOR(pg_catalog.=) drop_model.version);
    IF version IS NULL THEN
        DELETE FROM edupredict.model_names x WHERE x.name OPERATOR(pg_catalog.=) model_name;
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION edupredict.drop_model(text, int) IS
'writes the registry: deletes one version of a model, or with version NULL every version, its grants and the name (owner only); returns the number of versions deleted';

-- role 'public' (any case) means PUBLIC, as in has_table_privilege().
CREATE FUNCTION edupredict._model_grantee(role text)
RETURNS regrole
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g pg_catalog.regrole;
BEGIN
    IF role IS NULL THEN
        RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = '22004', HINT = 'Write ''public'' for every role.';
    END IF;
    SELECT r.oid::pg_catalog.regrole INTO g FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) role;
    IF pg_catalog.lower(role) OPERATOR(pg_catalog.=) 'public' THEN
        IF g IS NOT NULL THEN
            RAISE EXCEPTION 'role name "%" is ambiguous: a role of that name exists', role
                USING ERRCODE = '22023', HINT = 'Rename that role; ''public'' means every role here.';
        END IF;
        RETURN NULL;
    END IF;
    IF g IS NULL THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = '42704';
    END IF;
    RETURN g;
END
$$;
COMMENT ON FUNCTION edupredict._model_grantee(text) IS
'internal: the role named by a grant_model()/revoke_model() argument; NULL for public';

CREATE FUNCTION edupredict.grant_model(model_name text, role text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g pg_catalog.regrole := edupredict._model_grantee(role);
    l edupredict.model_names := edupredict._model_lock(model_name, 'grant access to');
    n integer;
BEGIN
    INSERT INTO edupredict.model_grants AS x (name, owner, grantee)
    VALUES (model_name, l.owner, g) ON CONFLICT (name, grantee) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n OPERATOR(pg_catalog.>) 0;
END
$$;
COMMENT ON FUNCTION edupredict.grant_model(text, text) IS
'writes the registry: lets a role (or public) read and predict with every version of a model (owner only; the role also needs edupredict_user); false if it already could';

CREATE FUNCTION edupredict.revoke_model(model_name text, role text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g pg_catalog.regrole := edupredict._model_grantee(role);
    l edupredict.model_names := edupredict._model_lock(model_name, 'revoke access to');
    n integer;
BEGIN
    DELETE FROM edupredict.model_grants x
     WHERE x.name OPERATOR(pg_catalog.=) model_name AND x.grantee::pg_catalog.oid IS NOT DISTINCT FROM g::pg_catalog.oid;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n OPERATOR(pg_catalog.>) 0;
END
$$;
COMMENT ON FUNCTION edupredict.revoke_model(text, text) IS
'writes the registry: withdraws a grant_model() (owner only); false if there was none';

-- 0.1.0's edupredict.models had no row-level security, and a database owner
-- may have granted on it (or its sequence) by hand: TRUNCATE ignores
-- row-level security, TRIGGER runs a role's code as whoever writes the
-- registry, REFERENCES lets a foreign key read past the policies.  Default
-- privileges may have granted on the new tables.  Every registry relation
-- keeps only its owner's rights (00_header.sql); 0.2.0's grants follow.
SELECT edupredict._reset_privileges(k, o)
FROM (VALUES ('TABLE', 'edupredict.models'), ('SEQUENCE', 'edupredict.models_id_seq'),
             ('TABLE', 'edupredict.model_names'), ('TABLE', 'edupredict.model_grants'),
             ('TABLE', 'edupredict.model_list')) v (k, o);

-- What members of edupredict_user hold.  Functions stay executable by
-- PUBLIC (PostgreSQL's default), so a caller without the role gets the
-- registry's own 42501 with its hint; the registry's functions are granted
-- here too, so the role keeps working if an administrator revokes them from
-- PUBLIC.  Only the definer helper is not PUBLIC.
GRANT SELECT, INSERT, DELETE ON edupredict.models TO edupredict_user;
GRANT UPDATE (deployed) ON edupredict.models TO edupredict_user;
GRANT USAGE ON SEQUENCE edupredict.models_id_seq TO edupredict_user;
GRANT SELECT, DELETE ON edupredict.model_names TO edupredict_user;
GRANT INSERT (name), UPDATE (next_version, changed_at) ON edupredict.model_names TO edupredict_user;
GRANT SELECT, DELETE ON edupredict.model_grants TO edupredict_user;
GRANT INSERT (name, owner, grantee) ON edupredict.model_grants TO edupredict_user;
GRANT SELECT ON edupredict.model_list TO edupredict_user;
GRANT EXECUTE ON FUNCTION
    edupredict._model_name_exists(text),
    edupredict._model_readable(text, regrole),
    edupredict.model_reserve(text),
    edupredict.deploy(text, int),
    edupredict.undeploy(text),
    edupredict.drop_model(text, int),
    edupredict.grant_model(text, text),
    edupredict.revoke_model(text, text)
TO edupredict_user;
