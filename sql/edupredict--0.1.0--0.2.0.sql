-- edupredict 0.1.0 -> 0.2.0 upgrade script, assembled by make from
-- sql/update/0.1.0--0.2.0/NN_*.sql (one fragment per area, sorted by name).
-- CREATE EXTENSION edupredict installs 0.1.0 and then runs this script, so a
-- fresh install and an upgraded one are the same by construction.
\echo Use "ALTER EXTENSION edupredict UPDATE TO '0.2.0'" to load this file. \quit

-- Default privileges (ALTER DEFAULT PRIVILEGES [IN SCHEMA edupredict]) of the
-- role that runs CREATE EXTENSION or ALTER EXTENSION UPDATE reach every
-- object the scripts create (TRUNCATE, TRIGGER, REFERENCES and UPDATE bypass
-- or read past row-level security; EXECUTE reopens a function revoked from
-- PUBLIC).  A fragment calls this right after creating a table, view,
-- sequence or a function it keeps from PUBLIC, before its own GRANTs: every
-- grantee but the owner loses every privilege, on the columns too (CASCADE:
-- and whatever it passed on).  99_privileges.sql drops it;
-- sql/default_privileges.sql checks every object of the extension.
CREATE FUNCTION edupredict._reset_privileges(kind text, object text)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    target text;
    revokees oid[];
    revokee oid;
BEGIN
    IF kind OPERATOR(pg_catalog.=) ANY (ARRAY['TABLE', 'SEQUENCE']) THEN
        SELECT c.oid::pg_catalog.regclass::pg_catalog.text,
               ARRAY(SELECT DISTINCT x.grantee
                     FROM (SELECT c.relacl UNION ALL SELECT a.attacl FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid) l (items),
                          pg_catalog.aclexplode(l.items) x
                     WHERE x.grantee OPERATOR(pg_catalog.<>) c.relowner)
          INTO target, revokees
        FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) object::pg_catalog.regclass;
    ELSIF kind OPERATOR(pg_catalog.=) 'FUNCTION' THEN
        SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text,
               ARRAY(SELECT DISTINCT x.grantee
                     FROM pg_catalog.aclexplode(COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
                     WHERE x.grantee OPERATOR(pg_catalog.<>) p.proowner)
          INTO target, revokees
        FROM pg_catalog.pg_proc p WHERE p.oid OPERATOR(pg_catalog.=) object::pg_catalog.regprocedure;
    ELSIF kind OPERATOR(pg_catalog.=) 'SCHEMA' THEN
        SELECT pg_catalog.quote_ident(n.nspname),
               ARRAY(SELECT DISTINCT x.grantee FROM pg_catalog.aclexplode(n.nspacl) x
                     WHERE x.grantee OPERATOR(pg_catalog.<>) n.nspowner)
          INTO target, revokees
        FROM pg_catalog.pg_namespace n WHERE n.oid OPERATOR(pg_catalog.=) object::pg_catalog.regnamespace;
    ELSE
        RAISE EXCEPTION 'unknown object kind "%"', kind USING ERRCODE = '22023';
    END IF;
    FOREACH revokee IN ARRAY revokees
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM %s CASCADE', kind, target,
                                  CASE WHEN revokee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                       ELSE revokee::pg_catalog.regrole::pg_catalog.text END);
    END LOOP;
END
$$;
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
'first 8 bytes (16 hex digits) of HMAC-SHA256 under the PII key of a fixed label holding NUL bytes (edupredict, NUL, pii key fingerprint, NUL, v1; no text value holds a NUL, so it is never a pseudonym): equal on two servers exactly when they hold the same key, and reveals nothing about it; compare nodes with run_command_on_workers on Citus';

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

SELECT edupredict._reset_privileges('FUNCTION', 'edupredict.forget_stored_pii_keys()');
REVOKE ALL ON FUNCTION edupredict.forget_stored_pii_keys() FROM PUBLIC;

COMMENT ON FUNCTION edupredict.forget_stored_pii_keys() IS
'superuser only: writes pg_db_role_setting, removing every stored value of edupredict.pii_key (set by ALTER DATABASE/ROLE under 0.1.0, now ignored but readable by PUBLIC); returns how many it removed';

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

-- Models: a version argument on every function that reads a registry model
-- (NULL: the deployed version, else the newest).  The 0.1.0 signatures stay
-- as they were, so views and functions that call them keep working.

-- predict() has one form per input kind: the version third (as everywhere),
-- then an optional decision threshold.  The version has no default: with one,
-- a two-argument call would match 0.1.0's predict(text, record) as well.  So
-- predict(m, r, 1) is version 1 and predict(m, r, 0.5) does not resolve
-- (numeric is not implicitly an int) rather than meaning a threshold.
CREATE FUNCTION edupredict.predict(model_name text, "row" record, version int,
                                   threshold float8 DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_row'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, record, int, float8) IS
'class label or value as text of one version of a registry model for a row (version NULL: the deployed one, else the newest); a threshold labels the version''s chosen class (else the second of two) when its probability reaches it';

CREATE FUNCTION edupredict.predict(model_name text, features float8[], version int,
                                   threshold float8 DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_array'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict(text, float8[], int, float8) IS
'class label or value as text of one version of a registry model for features in model order; a threshold as for a row';

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
LANGUAGE C STABLE PARALLEL RESTRICTED COST 100000 ROWS 20;
COMMENT ON FUNCTION edupredict.evaluate(text, regclass, int) IS
'metrics of one version of a registry model on a relation holding its features and target';
-- reads the caller's relation, which may be a temporary table: parallel workers cannot
ALTER FUNCTION edupredict.evaluate(text, regclass) PARALLEL RESTRICTED;

-- train_forest: the registry row it returns no longer carries the model
-- bytes (edupredict.model_list), and text features keep a hashed codebook
-- unless keep_category_names.  A new C symbol: 0.1.0's train_forest stays
-- in the library for databases not yet updated.
DROP FUNCTION edupredict.train_forest(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint);
CREATE FUNCTION edupredict.train_forest(
    model_name text, relation regclass, target text, features text[] DEFAULT NULL,
    task text DEFAULT 'auto', n_trees int DEFAULT 100, max_depth int DEFAULT NULL,
    min_samples_leaf int DEFAULT 1, max_features float8 DEFAULT NULL,
    class_weight text DEFAULT NULL, sample_fraction float8 DEFAULT 1.0,
    test_fraction float8 DEFAULT 0.2, seed bigint DEFAULT 42,
    keep_category_names boolean DEFAULT false, calibration text DEFAULT NULL,
    calibration_folds int DEFAULT NULL, group_by text DEFAULT NULL)
RETURNS edupredict.model_list
AS 'MODULE_PATHNAME', 'model_train_forest'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000
SET synchronize_seqscans = off;
COMMENT ON FUNCTION edupredict.train_forest(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint, boolean, text, int, text) IS
'trains a random forest on a relation and writes it as a new version into edupredict.models (calibration ''isotonic'' or ''sigmoid'': with a calibrator fitted on the out-of-bag probabilities of the training rows, or with calibration_folds k on the out-of-fold probabilities of k forests, one per fold, which together are the model; group_by: the test rows and the calibration folds are whole groups of that column''s values); returns the new registry row without the model bytes';

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

-- ---------------------------------------------------------------------------
-- Explanations, calibration, decision thresholds and drift (issue 11;
-- docs/explain.md).  Explanations are exact path-dependent TreeSHAP over
-- the trees (src/ensemble_shap.c); calibrators, thresholds and the
-- training profile are optional sections of the model bytes, written as new
-- registry versions (the trees unchanged).  The functions that read a
-- relation named by an argument are PARALLEL RESTRICTED: it may be a
-- temporary table, which parallel workers cannot read.
-- ---------------------------------------------------------------------------

CREATE FUNCTION edupredict.explain(model_name text, "row" record, top_k int DEFAULT NULL,
                                   version int DEFAULT NULL, class text DEFAULT NULL)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_row'
LANGUAGE C STABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain(text, record, int, int, text) IS
'exact TreeSHAP contributions of each feature to a row''s output (class share of a forest, raw margin of boosting, or value) for the predicted class or a named class, largest first; they add up to the output minus explain_base_value()';

CREATE FUNCTION edupredict.explain(model_name text, features float8[], top_k int DEFAULT NULL,
                                   version int DEFAULT NULL, class text DEFAULT NULL)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_array'
LANGUAGE C STABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain(text, float8[], int, int, text) IS
'exact TreeSHAP contributions of each feature (features in model order) to the output of a registry model, largest first';

CREATE FUNCTION edupredict.explain(model bytea, features float8[], top_k int DEFAULT NULL,
                                   class text DEFAULT NULL)
RETURNS TABLE (feature text, value text, contribution float8)
AS 'MODULE_PATHNAME', 'model_explain_bytea'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10000 ROWS 20;
COMMENT ON FUNCTION edupredict.explain(bytea, float8[], int, text) IS
'exact TreeSHAP contributions of each feature (features in model order) to the output of model bytes, largest first';

CREATE FUNCTION edupredict.explain_base_value(model_name text, class text DEFAULT NULL,
                                              version int DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'model_explain_base'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.explain_base_value(text, text, int) IS
'the output explain() starts from: the trees'' expected output over their training rows for a class (NULL: the second of two classes) or the value';

CREATE FUNCTION edupredict.explain_base_value(model bytea, class text DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'model_explain_base_bytea'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.explain_base_value(bytea, text) IS
'the output explain() starts from for model bytes: the trees'' expected output over their training rows';

CREATE FUNCTION edupredict.global_importance(model_name text, relation regclass,
                                             class text DEFAULT NULL, version int DEFAULT NULL)
RETURNS TABLE (feature text, mean_abs_contribution float8, mean_contribution float8)
AS 'MODULE_PATHNAME', 'model_global_importance'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 20;
COMMENT ON FUNCTION edupredict.global_importance(text, regclass, text, int) IS
'mean absolute (and signed) TreeSHAP contribution of each feature over the rows of a relation, for each row''s predicted class or a named class';

CREATE FUNCTION edupredict.permutation_importance(model_name text, relation regclass,
                                                  metric text DEFAULT NULL, n_repeats int DEFAULT 5,
                                                  seed bigint DEFAULT 42, version int DEFAULT NULL)
RETURNS TABLE (feature text, importance float8, importance_std float8, baseline float8)
AS 'MODULE_PATHNAME', 'model_permutation_importance'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 20;
COMMENT ON FUNCTION edupredict.permutation_importance(text, regclass, text, int, bigint, int) IS
'how much worse a metric (default accuracy or r2) gets on the rows of a relation when one feature is shuffled (seeded), mean and standard deviation over n_repeats shuffles';

CREATE FUNCTION edupredict.calibrate(model_name text, relation regclass,
                                     method text DEFAULT 'isotonic', version int DEFAULT NULL)
RETURNS TABLE (new_version int, method_used text, n_rows bigint, brier_before float8,
               brier_after float8, ece_before float8, ece_after float8,
               log_loss_before float8, log_loss_after float8)
AS 'MODULE_PATHNAME', 'model_calibrate'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000;
COMMENT ON FUNCTION edupredict.calibrate(text, regclass, text, int) IS
'writes a new registry version with the same trees and a probability calibrator (isotonic or sigmoid, one against the rest for more classes) fitted on the rows of a relation; returns it with the calibration rows'' Brier score, ECE and log loss before and after';

CREATE FUNCTION edupredict.choose_threshold(model_name text, relation regclass,
                                            class text DEFAULT NULL, rule text DEFAULT 'max_f1',
                                            version int DEFAULT NULL)
RETURNS TABLE (new_version int, label text, rule_used text, threshold float8, flagged bigint,
               n_rows bigint, "precision" float8, recall float8, f1 float8)
AS 'MODULE_PATHNAME', 'model_choose_threshold'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000;
COMMENT ON FUNCTION edupredict.choose_threshold(text, regclass, text, text, int) IS
'writes a new registry version whose predict() labels a class when its probability reaches a threshold chosen on the rows of a relation by a rule (prior, max_f1, recall >= x, precision >= x, top_k n); returns it with what it flags there';

-- predict(model_name, row, version, threshold) is in 21_models.sql; the
-- arguments here are in the same order, so a positional third is a version
CREATE FUNCTION edupredict.predict_label(model_name text, "row" record,
                                         version int DEFAULT NULL, threshold float8 DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'model_predict_label'
LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION edupredict.predict_label(text, record, int, float8) IS
'class label of a row under a threshold: the given one, else the version''s chosen one (choose_threshold), else the most probable class';

CREATE FUNCTION edupredict.reliability(model_name text, relation regclass, bins int DEFAULT 10,
                                       class text DEFAULT NULL, version int DEFAULT NULL)
RETURNS TABLE (label text, bin int, mean_predicted float8, observed_rate float8, n_rows bigint)
AS 'MODULE_PATHNAME', 'model_reliability'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 10;
COMMENT ON FUNCTION edupredict.reliability(text, regclass, int, text, int) IS
'reliability table of a classifier on the rows of a relation: equal-count bins of predicted probability with the mean prediction, the observed rate and the rows in each (two classes: the second; else every class or a named one)';

CREATE FUNCTION edupredict.roc_curve(model_name text, relation regclass, class text DEFAULT NULL,
                                     version int DEFAULT NULL)
RETURNS TABLE (threshold float8, fpr float8, tpr float8)
AS 'MODULE_PATHNAME', 'model_roc_curve'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 1000;
COMMENT ON FUNCTION edupredict.roc_curve(text, regclass, text, int) IS
'ROC curve of one class on the rows of a relation: false and true positive rates at every distinct predicted probability, from infinity down';

CREATE FUNCTION edupredict.pr_curve(model_name text, relation regclass, class text DEFAULT NULL,
                                    version int DEFAULT NULL)
RETURNS TABLE (threshold float8, "precision" float8, recall float8)
AS 'MODULE_PATHNAME', 'model_pr_curve'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 1000;
COMMENT ON FUNCTION edupredict.pr_curve(text, regclass, text, int) IS
'precision-recall curve of one class on the rows of a relation: precision and recall at every distinct predicted probability, from the highest down';

CREATE FUNCTION edupredict.drift(model_name text, relation regclass, version int DEFAULT NULL)
RETURNS TABLE (kind text, feature text, psi float8, missing_train float8, missing_now float8,
               unseen_categories bigint, verdict text)
AS 'MODULE_PATHNAME', 'model_drift'
LANGUAGE C STABLE PARALLEL RESTRICTED COST 1000000 ROWS 20;
COMMENT ON FUNCTION edupredict.drift(text, regclass, int) IS
'population stability index of each feature and of the model''s predicted probabilities (or values) on the rows of a relation against the training rows, with missing shares then and now, unseen categories and a verdict (stable < 0.1 <= watch < 0.25 <= shifted)';

CREATE FUNCTION edupredict.model_profile(model_name text, relation regclass,
                                         version int DEFAULT NULL)
RETURNS TABLE (new_version int, n_rows bigint)
AS 'MODULE_PATHNAME', 'model_profile'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 1000000;
COMMENT ON FUNCTION edupredict.model_profile(text, regclass, int) IS
'writes a new registry version with the same trees and what explain() and drift() need from the training rows (node covers, class counts, feature and output histograms), computed from the rows of a relation: for models trained before 0.2.0';

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

-- The school terms the forecast area takes (generate_tutor_data and every forecasting function), in one
-- place: a term is one row per tutor in the feature panels, so the range also bounds their size.
CREATE FUNCTION edupredict._forecast_first_term()
RETURNS edupredict.school_term
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '1900 Spring'::edupredict.school_term $$;
COMMENT ON FUNCTION edupredict._forecast_first_term() IS
'internal: the earliest school term the forecast area takes';
CREATE FUNCTION edupredict._forecast_last_term()
RETURNS edupredict.school_term
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '2200 Autumn'::edupredict.school_term $$;
COMMENT ON FUNCTION edupredict._forecast_last_term() IS
'internal: the latest school term the forecast area takes';

-- Tutor data generator (forecast area, issue 9 section 3): the same generator as 0.1.0 with a
-- search_path that no caller can extend (pg_catalog, then pg_temp for its scratch tables) and
-- every function and operator named with its schema.  The generated data are unchanged.
CREATE OR REPLACE FUNCTION edupredict.generate_tutor_data(
	target_schema text,
	seed integer DEFAULT 42,
	n_tutors integer DEFAULT 4000,
	first_term edupredict.school_term DEFAULT '2017 Autumn',
	last_term edupredict.school_term DEFAULT '2023 Summer')
RETURNS TABLE (relation text, n_rows bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
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
	IF target_schema IS NULL OR target_schema OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'target_schema must be a schema name' USING ERRCODE = '22023';
	END IF;
	IF seed IS NULL OR n_tutors IS NULL OR first_term IS NULL OR last_term IS NULL THEN
		RAISE EXCEPTION 'seed, n_tutors, first_term and last_term must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF n_tutors OPERATOR(pg_catalog.<) 1 OR n_tutors OPERATOR(pg_catalog.>) 1000000 THEN
		RAISE EXCEPTION 'n_tutors must be between 1 and 1000000'
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s.', n_tutors);
	END IF;
	IF last_term OPERATOR(edupredict.<) first_term
	   OR last_term OPERATOR(edupredict.-) first_term OPERATOR(pg_catalog.>) 59 THEN
		RAISE EXCEPTION 'last_term must be from first_term to 59 terms after it'
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s to %s.', first_term, last_term);
	END IF;
	IF first_term OPERATOR(edupredict.<) edupredict._forecast_first_term()
	   OR last_term OPERATOR(edupredict.>) edupredict._forecast_last_term() THEN
		RAISE EXCEPTION 'terms must lie between % and %', edupredict._forecast_first_term(), edupredict._forecast_last_term()
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s to %s.', first_term, last_term);
	END IF;

	FOREACH rel IN ARRAY ARRAY['tutors', 'placements', 'availability_responses', 'opportunities',
							   'true_availability'] LOOP
		IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', target_schema, rel)) IS NOT NULL THEN
			RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident(target_schema),
				pg_catalog.quote_ident(rel)
				USING ERRCODE = '42P07', HINT = 'Drop it (or the schema) first, or generate into another schema.';
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) target_schema) THEN
		EXECUTE pg_catalog.format('CREATE SCHEMA %I', target_schema);
	END IF;

	-- Schools numbered within each local authority, for uniform choice.
	CREATE TEMP TABLE _ep_gen_schools AS
	SELECT s.urn, s.la_name,
		   (pg_catalog.row_number() OVER (PARTITION BY s.la_name ORDER BY s.urn) OPERATOR(pg_catalog.-) 1)::int AS idx,
		   pg_catalog.count(*) OVER (PARTITION BY s.la_name)::int AS n_la
	FROM edupredict.london_schools s;

	-- Tutors: registration spread from two years before first_term to the end of last_term;
	-- each registers 0-30 months into a PhD of 3 to 4.5 years; home borough weighted by schools
	-- and by closeness to the universities.
	EXECUTE pg_catalog.format($q$
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

	EXECUTE pg_catalog.format($q$
		WITH la AS (
			SELECT s.la_name, pg_catalog.count(*)::float8 OPERATOR(pg_catalog.*)
					 CASE WHEN s.la_name OPERATOR(pg_catalog.=) ANY ($5) THEN 2.5
						  WHEN s.la_name OPERATOR(pg_catalog.=) ANY ($4) THEN 1.0 ELSE 0.3 END AS w
			FROM edupredict.london_schools s GROUP BY s.la_name),
		cum AS (
			SELECT la.la_name,
				   (pg_catalog.sum(la.w) OVER (ORDER BY la.la_name) OPERATOR(pg_catalog.-) la.w)
					 OPERATOR(pg_catalog./) pg_catalog.sum(la.w) OVER () AS lo,
				   pg_catalog.sum(la.w) OVER (ORDER BY la.la_name) OPERATOR(pg_catalog./) pg_catalog.sum(la.w) OVER () AS hi
			FROM la),
		base AS (
			SELECT i AS tutor_id,
				   edupredict.term_start($2) OPERATOR(pg_catalog.-) 730
					 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 1, i) OPERATOR(pg_catalog.*)
							 (edupredict.term_end($3) OPERATOR(pg_catalog.-) edupredict.term_start($2)
							  OPERATOR(pg_catalog.+) 731))::int AS registered_on,
				   pg_catalog.floor(edupredict.seeded_uniform($1, 2, i) OPERATOR(pg_catalog.*) 913)::int AS into_phd,
				   1095 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 3, i) OPERATOR(pg_catalog.*) 548)::int AS phd_days,
				   edupredict.seeded_uniform($1, 4, i) AS u_la,
				   $6[1 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 5, i)
						OPERATOR(pg_catalog.*) pg_catalog.array_length($6, 1))::int] AS first_name,
				   $7[1 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 6, i)
						OPERATOR(pg_catalog.*) pg_catalog.array_length($7, 1))::int] AS last_name
			FROM pg_catalog.generate_series(1, $8) i)
		INSERT INTO %1$I.tutors
		SELECT b.tutor_id,
			   pg_catalog.lower(pg_catalog.replace(b.first_name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) b.last_name, '''', ''))
				 OPERATOR(pg_catalog.||) b.tutor_id OPERATOR(pg_catalog.||) '@example.ac.uk',
			   b.first_name OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) b.last_name,
			   b.registered_on, b.registered_on OPERATOR(pg_catalog.-) b.into_phd,
			   b.registered_on OPERATOR(pg_catalog.-) b.into_phd OPERATOR(pg_catalog.+) b.phd_days,
			   c.la_name
		FROM base b JOIN cum c ON b.u_la OPERATOR(pg_catalog.>=) c.lo AND b.u_la OPERATOR(pg_catalog.<) c.hi
	$q$, target_schema)
	USING seed, first_term, last_term, london, inner_la, first_names, last_names, n_tutors;

	-- Hidden per-tutor traits: availability noise u ~ N(0, 0.6) and responsiveness v ~ N(0, 0.4).
	EXECUTE pg_catalog.format($q$
		CREATE TEMP TABLE _ep_gen_state AS
		SELECT tu.tutor_id, tu.registered_on, tu.phd_end, tu.local_authority,
			   0.6 OPERATOR(pg_catalog.*) edupredict.seeded_normal($1, 7, tu.tutor_id) AS u,
			   0.4 OPERATOR(pg_catalog.*) edupredict.seeded_normal($1, 8, tu.tutor_id) AS v,
			   0 AS n_prev, false AS placed_last
		FROM %1$I.tutors tu
	$q$, target_schema) USING seed;

	-- One term at a time: the features as of t drive the true probabilities (docs/forecasting.md).
	t := first_term;
	WHILE t OPERATOR(edupredict.<=) last_term LOOP
		CREATE TEMP TABLE _ep_gen_term AS
		WITH f AS (
			SELECT s.*,
				   (s.phd_end OPERATOR(pg_catalog.-) edupredict.term_start(t)) OPERATOR(pg_catalog./) 30.4375 AS months_to_phd,
				   t OPERATOR(edupredict.-) edupredict.term_of(s.registered_on) AS terms_since
			FROM pg_temp._ep_gen_state s
			WHERE s.registered_on OPERATOR(pg_catalog.<) edupredict.term_start(t)),
		lin AS (
			-- OPERATOR(...) has one precedence (left to right): every product is parenthesised.
			SELECT f.tutor_id, f.local_authority,
				   -0.6
				   OPERATOR(pg_catalog.+) CASE WHEN f.months_to_phd OPERATOR(pg_catalog.>) 12 THEN 0.0
						  WHEN f.months_to_phd OPERATOR(pg_catalog.>) 0
						  THEN -0.5 OPERATOR(pg_catalog.*) (1 OPERATOR(pg_catalog.-) (f.months_to_phd OPERATOR(pg_catalog./) 12))
						  ELSE -0.8 OPERATOR(pg_catalog.-) (0.12 OPERATOR(pg_catalog.*) LEAST(OPERATOR(pg_catalog.-) f.months_to_phd, 24)) END
				   OPERATOR(pg_catalog.+) (0.25 OPERATOR(pg_catalog.*) pg_catalog.ln(1 OPERATOR(pg_catalog.+) f.n_prev))
				   OPERATOR(pg_catalog.+) (1.2 OPERATOR(pg_catalog.*) f.n_prev::float8 OPERATOR(pg_catalog./) f.terms_since)
				   OPERATOR(pg_catalog.+) CASE WHEN f.terms_since OPERATOR(pg_catalog.=) 1 THEN 0.4
						  ELSE OPERATOR(pg_catalog.-) LEAST(0.03 OPERATOR(pg_catalog.*) (f.terms_since OPERATOR(pg_catalog.-) 1), 0.6) END
				   OPERATOR(pg_catalog.+) CASE WHEN f.placed_last THEN 1.0 ELSE 0.0 END
				   OPERATOR(pg_catalog.+) (ARRAY[0.0, -0.45, 0.35])[1 OPERATOR(pg_catalog.+)
						((t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%) 3)]
				   OPERATOR(pg_catalog.+) f.u AS eta,
				   pg_catalog.ln(b.base OPERATOR(pg_catalog./) (1 OPERATOR(pg_catalog.-) b.base))
				   OPERATOR(pg_catalog.+) (0.25 OPERATOR(pg_catalog.*)
						edupredict.seeded_normal(seed, 13, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term))
				   OPERATOR(pg_catalog.+) CASE WHEN f.placed_last THEN 0.5 ELSE 0.0 END
				   OPERATOR(pg_catalog.+) CASE WHEN f.months_to_phd OPERATOR(pg_catalog.<=) 0 THEN -0.4 ELSE 0.0 END
				   OPERATOR(pg_catalog.+) f.v AS rho
			FROM f, (SELECT (ARRAY[0.52, 0.45, 0.60])[1 OPERATOR(pg_catalog.+)
						((t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%) 3)] AS base) b),
		p AS (
			SELECT lin.tutor_id, lin.local_authority,
				   1 OPERATOR(pg_catalog./) (1 OPERATOR(pg_catalog.+) pg_catalog.exp(OPERATOR(pg_catalog.-) lin.eta)) AS p_available,
				   1 OPERATOR(pg_catalog./) (1 OPERATOR(pg_catalog.+) pg_catalog.exp(OPERATOR(pg_catalog.-) lin.rho)) AS p_response
			FROM lin)
		SELECT p.*,
			   edupredict.seeded_uniform(seed, 10, p.tutor_id, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
				 OPERATOR(pg_catalog.<) p.p_available AS placed,
			   edupredict.seeded_uniform(seed, 12, p.tutor_id, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
				 OPERATOR(pg_catalog.<) p.p_response AS responded,
			   edupredict.seeded_uniform(seed, 11, p.tutor_id, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) AS u_school
		FROM p;

		EXECUTE pg_catalog.format($q$
			INSERT INTO %1$I.true_availability SELECT g.tutor_id, $1, g.p_available, g.p_response FROM pg_temp._ep_gen_term g;
			INSERT INTO %1$I.placements
			SELECT g.tutor_id, s.urn, $1
			FROM pg_temp._ep_gen_term g
			JOIN (SELECT DISTINCT x.la_name, x.n_la FROM pg_temp._ep_gen_schools x) n
			  ON n.la_name OPERATOR(pg_catalog.=) g.local_authority
			JOIN pg_temp._ep_gen_schools s ON s.la_name OPERATOR(pg_catalog.=) g.local_authority
			 AND s.idx OPERATOR(pg_catalog.=) pg_catalog.floor(g.u_school OPERATOR(pg_catalog.*) n.n_la)::int
			WHERE g.placed;
			INSERT INTO %1$I.availability_responses
			SELECT g.tutor_id, $1, g.responded, CASE WHEN g.responded THEN g.placed END FROM pg_temp._ep_gen_term g;
		$q$, target_schema) USING t;

		UPDATE pg_temp._ep_gen_state s
		SET n_prev = s.n_prev OPERATOR(pg_catalog.+) g.placed::int, placed_last = g.placed
		FROM pg_temp._ep_gen_term g WHERE g.tutor_id OPERATOR(pg_catalog.=) s.tutor_id;
		DROP TABLE pg_temp._ep_gen_term;
		t := t OPERATOR(edupredict.+) 1;
	END LOOP;

	-- Demand: each school posts an opportunity in a term with probability 14% (x1.15 in Autumn,
	-- x0.8 in Summer) for 1-3 placements.  Terms up to last_term are settled (85% confirmed, the rest
	-- lost); the next four terms are a pipeline whose stages grow less certain with distance, and which
	-- holds more opportunities (x1.2, 1.66, 2.57, 3.16) so that its expected placements match a settled
	-- term's.
	EXECUTE pg_catalog.format($q$
		INSERT INTO %1$I.opportunities
		SELECT pg_catalog.row_number() OVER (ORDER BY o.term, o.urn)::int, o.urn, o.la_name, o.term,
			   o.stage,
			   CASE WHEN o.stage OPERATOR(pg_catalog.=) 'confirmed' THEN 1.0
					WHEN o.stage OPERATOR(pg_catalog.=) 'lost' THEN 0.0
					WHEN o.stage OPERATOR(pg_catalog.=) 'likely'
					THEN pg_catalog.round((0.6 OPERATOR(pg_catalog.+) (0.2 OPERATOR(pg_catalog.*) o.u_p))::numeric, 2)::float8
					WHEN o.stage OPERATOR(pg_catalog.=) 'possible'
					THEN pg_catalog.round((0.25 OPERATOR(pg_catalog.+) (0.25 OPERATOR(pg_catalog.*) o.u_p))::numeric, 2)::float8
					ELSE pg_catalog.round((0.05 OPERATOR(pg_catalog.+) (0.1 OPERATOR(pg_catalog.*) o.u_p))::numeric, 2)::float8 END,
			   o.n_placements
		FROM (
			SELECT s.urn, s.la_name, x.term,
				   1 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 21, s.urn, x.k) OPERATOR(pg_catalog.*) 3)::int AS n_placements,
				   edupredict.seeded_uniform($1, 24, s.urn, x.k) AS u_p,
				   CASE WHEN x.h OPERATOR(pg_catalog.<=) 0
						THEN CASE WHEN x.u_stage OPERATOR(pg_catalog.<) 0.85 THEN 'confirmed' ELSE 'lost' END
						WHEN x.u_stage OPERATOR(pg_catalog.<) (ARRAY[0.45, 0.20, 0.05, 0.02])[x.h] THEN 'confirmed'
						WHEN x.u_stage OPERATOR(pg_catalog.<) (ARRAY[0.70, 0.45, 0.20, 0.12])[x.h] THEN 'likely'
						WHEN x.u_stage OPERATOR(pg_catalog.<) (ARRAY[0.90, 0.75, 0.55, 0.45])[x.h] THEN 'possible'
						ELSE 'lead' END AS stage
			FROM edupredict.london_schools s
			CROSS JOIN LATERAL (
				SELECT $2 OPERATOR(edupredict.+) i AS term,
					   ($2 OPERATOR(edupredict.+) i) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term AS k,
					   ($2 OPERATOR(edupredict.+) i) OPERATOR(edupredict.-) $3 AS h,
					   edupredict.seeded_uniform($1, 22, s.urn,
						 ($2 OPERATOR(edupredict.+) i) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) AS u_stage
				FROM pg_catalog.generate_series(0, ($3 OPERATOR(edupredict.+) 4) OPERATOR(edupredict.-) $2) i) x
			WHERE edupredict.seeded_uniform($1, 20, s.urn, x.k)
				  OPERATOR(pg_catalog.<) (0.14 OPERATOR(pg_catalog.*) (ARRAY[1.0, 0.8, 1.15])[1 OPERATOR(pg_catalog.+) (x.k OPERATOR(pg_catalog.%%) 3)]
					OPERATOR(pg_catalog.*) CASE WHEN x.h OPERATOR(pg_catalog.<=) 0 THEN 1.0
												ELSE (ARRAY[1.2, 1.66, 2.57, 3.16])[x.h] END)
		) o
	$q$, target_schema) USING seed, first_term, last_term;

	DROP TABLE pg_temp._ep_gen_schools, pg_temp._ep_gen_state;

	FOREACH rel IN ARRAY ARRAY['tutors', 'placements', 'availability_responses', 'opportunities',
							   'true_availability'] LOOP
		EXECUTE pg_catalog.format('ANALYZE %I.%I', target_schema, rel);
		relation := pg_catalog.format('%I.%I', target_schema, rel);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %I.%I', target_schema, rel) INTO n_rows;
		RETURN NEXT;
	END LOOP;
END
$gen$;

-- Forecast inputs (issue 9 sections 2, 3 and 9): every relation a caller passes is locked before it
-- is inspected (AccessShareLock, held to the end of the transaction, so its columns cannot change
-- between the check and the queries that read them), its columns are checked by name and by
-- castability, and a problem is returned as {sqlstate, message, detail, hint} rather than raised,
-- so that the entry function raises it with a one-line CONTEXT.

-- 0.1.0's raising helpers are replaced by the *_problem functions below and the entry points that
-- called them are all replaced in this upgrade.
DROP FUNCTION edupredict._require_columns(regclass, text, text[]);
DROP FUNCTION edupredict._check_as_of(regclass, edupredict.school_term, integer);

CREATE FUNCTION edupredict._relation_problem(rel regclass, role text, columns text[], casts text[])
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	i integer;
	typ text;
	rel_name text := rel::text;
BEGIN
	-- A regclass naming no relation (0, or a dropped table's OID) prints as '-' or as its number,
	-- which the statements below would report as a syntax error.
	IF rel_name OPERATOR(pg_catalog.=) '-' OR rel_name OPERATOR(pg_catalog.=) rel::oid::text THEN
		RETURN ARRAY['42P01', pg_catalog.format('%s relation with OID %s does not exist', role, rel::oid),
			'The regclass names no table or view: it may have been dropped.',
			pg_catalog.format('Pass the %s relation by name, such as ''myschema.%s''.', role, role)];
	END IF;
	-- The lock comes first and outside any exception block (a failed subtransaction would release it).
	EXECUTE pg_catalog.format('SELECT FROM %s WHERE false', rel_name);
	FOR i IN 1 .. pg_catalog.cardinality(columns) LOOP
		-- The column's type as the parser sees it now that the lock is held (a catalog query would
		-- read the caller's snapshot, taken before the lock, and could report a type just replaced).
		typ := NULL;
		-- an empty name would be a syntax error (a zero-length quoted identifier), not a missing column
		IF columns[i] OPERATOR(pg_catalog.<>) '' THEN
			BEGIN
				EXECUTE pg_catalog.format('SELECT pg_catalog.pg_typeof((NULL::%s).%I)::text', rel, columns[i]) INTO typ;
			EXCEPTION WHEN undefined_column THEN
				typ := NULL;
			END;
		END IF;
		IF typ IS NULL THEN
			RETURN ARRAY['42703',
				pg_catalog.format('column "%s" does not exist in %s relation %s', columns[i], role, rel),
				'Columns are matched by name; extra columns are ignored.',
				pg_catalog.format('The %s relation needs the columns %s (see docs/forecasting.md).',
								  role, pg_catalog.array_to_string(columns, ', '))];
		END IF;
		BEGIN
			EXECUTE pg_catalog.format('SELECT %I::%s FROM %s WHERE false', columns[i], casts[i], rel);
		EXCEPTION WHEN cannot_coerce OR datatype_mismatch THEN
			RETURN ARRAY['42804',
				pg_catalog.format('column "%s" of %s relation %s has type %s', columns[i], role, rel, typ),
				pg_catalog.format('The column must be castable to %s.', casts[i]),
				'Pass a view that casts the column (see docs/forecasting.md).'];
		END;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._relation_problem(regclass, text, text[], text[]) IS
'internal: locks a relation until the end of the transaction, then returns {sqlstate, message, detail, hint} for the first required column that is missing or cannot be cast, or NULL';

-- Row checks, after _relation_problem.  A problem names the relation and the column and counts the
-- offending rows; its hint holds a query that lists them.  It never shows a value of the rows: the
-- message reaches the server log, which people read who may not read the caller's tables (STYLE.md
-- section 8), while the hint's query, run by the caller, is bound by the caller's privileges.

-- '1 row', '2 rows'
CREATE FUNCTION edupredict._n_rows(n bigint)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.format('%s %s', n, CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'row' ELSE 'rows' END)
$$;
COMMENT ON FUNCTION edupredict._n_rows(bigint) IS
'internal: a count of rows in words (1 row, 2 rows) for the details of the forecasting input checks';

-- The first column (keys, then not_null) that is NULL in some row, with the number of such rows: a
-- NULL key would form a group of its own, a NULL count would be dropped from a sum without a word.
CREATE FUNCTION edupredict._null_problem(rel regclass, role text, keys text[], not_null text[])
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cols text[] := keys OPERATOR(pg_catalog.||) not_null;
	nulls bigint[];
	i integer;
BEGIN
	-- one scan: the number of NULLs of each column
	EXECUTE pg_catalog.format('SELECT ARRAY[%s] FROM %s',
		(SELECT pg_catalog.string_agg(pg_catalog.format('pg_catalog.count(*) FILTER (WHERE %I IS NULL)', c), ', ' ORDER BY o)
		 FROM pg_catalog.unnest(cols) WITH ORDINALITY u(c, o)),
		rel) INTO nulls;
	FOR i IN 1 .. pg_catalog.cardinality(cols) LOOP
		IF nulls[i] OPERATOR(pg_catalog.>) 0 THEN
			RETURN ARRAY['22023', pg_catalog.format('column "%s" of %s relation %s must not be NULL', cols[i], role, rel),
				pg_catalog.format('Column "%s" is NULL in %s.', cols[i], edupredict._n_rows(nulls[i])),
				pg_catalog.format('Every row is counted under its key: complete or remove those rows (see docs/forecasting.md). This query lists them: SELECT * FROM %s WHERE %I IS NULL;',
								  rel, cols[i])];
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._null_problem(regclass, text, text[], text[]) IS
'internal: {sqlstate, message, detail, hint} counting the rows of a relation with a NULL in the first key column or column of not_null that has one, else NULL';

-- One row per key, none NULL: every row of the relation is counted, so a tutor listed twice would be
-- counted twice in the supply totals (or a survey twice in the response rates).  Keys are compared
-- as cast, as the functions that read them do.
CREATE FUNCTION edupredict._unique_key_problem(rel regclass, role text, keys text[], casts text[],
											   not_null text[] DEFAULT '{}')
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	grouped text;
	repeated text;
	n bigint;
	key_list text := pg_catalog.array_to_string(keys, ', ');
BEGIN
	problem := edupredict._null_problem(rel, role, keys, not_null);
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	SELECT pg_catalog.string_agg(pg_catalog.format('%I::%s', k, casts[i]), ', ' ORDER BY i) INTO grouped
	FROM pg_catalog.unnest(keys) WITH ORDINALITY u(k, i);
	-- the hint's query is the one counted: the caller lists exactly the keys refused
	repeated := pg_catalog.format('SELECT %s, pg_catalog.count(*) FROM %s GROUP BY %s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1',
								  grouped, rel, grouped);
	EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) r', repeated) INTO n;
	IF n OPERATOR(pg_catalog.=) 0 THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		pg_catalog.format('%s relation %s has more than one row per (%s)', role, rel, key_list),
		pg_catalog.format('%s %s (%s) %s on more than one row.', n,
						  CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'key' ELSE 'keys' END, key_list,
						  CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'is' ELSE 'are' END),
		pg_catalog.format('Every row is counted: pass one row per (%s), for example a view with DISTINCT ON (see docs/forecasting.md). This query lists the repeated keys: %s;',
						  key_list, repeated)];
END
$$;
COMMENT ON FUNCTION edupredict._unique_key_problem(regclass, text, text[], text[], text[]) IS
'internal: {sqlstate, message, detail, hint} counting the rows of a relation with a NULL key (or NULL in a column of not_null) or the keys on more than one row, else NULL';

-- 'London-wide' is the label of the total row (supply_demand's local_authority, the log's area): an
-- area of that name would merge into it, so a relation whose local_authority holds it is refused.
CREATE FUNCTION edupredict._reserved_area_problem(rel regclass, role text)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	found boolean;
BEGIN
	EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s x WHERE x.local_authority::text OPERATOR(pg_catalog.=) ''London-wide'')',
							  rel) INTO found;
	IF NOT found THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		pg_catalog.format('local authority "London-wide" in %s relation %s is reserved for the London-wide total', role, rel),
		'"London-wide" labels the total row of each term, so an area of that name would merge into it.',
		'Rename the area, for example in a view over the relation (see docs/forecasting.md).'];
END
$$;
COMMENT ON FUNCTION edupredict._reserved_area_problem(regclass, text) IS
'internal: {sqlstate, message, detail, hint} when the local_authority column of a relation holds the reserved label London-wide, else NULL';

-- Tutors wherever supply is counted by area (every function that reads local_authority): one row per
-- tutor, each with a local authority that is not the total's label.  Call after _relation_problem
-- has checked the columns.
CREATE FUNCTION edupredict._tutor_areas_problem(tutors regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		edupredict._unique_key_problem(tutors, 'tutors', ARRAY['tutor_id'], ARRAY['bigint'], ARRAY['local_authority']),
		edupredict._reserved_area_problem(tutors, 'tutors'))
$$;
COMMENT ON FUNCTION edupredict._tutor_areas_problem(regclass) IS
'internal: {sqlstate, message, detail, hint} when a tutors relation counted by area has a NULL or repeated tutor_id, or a NULL or reserved (London-wide) local_authority, else NULL';

CREATE OR REPLACE FUNCTION edupredict._placement_span(placements regclass, OUT first_term edupredict.school_term,
													  OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE pg_catalog.format('SELECT edupredict.min(p.term::edupredict.school_term), edupredict.max(p.term::edupredict.school_term) FROM %s p',
							  placements) INTO first_term, last_term;
END
$$;
COMMENT ON FUNCTION edupredict._placement_span(regclass) IS
'internal: first and last term of a placements relation (NULLs when it is empty)';

-- The terms the forecasting functions take (_forecast_first_term() to _forecast_last_term()).
-- A term is one row per tutor in the feature panel, so an as_of such as 9999 Summer ran for minutes
-- (one row per tutor and term from the first one) instead of failing.
CREATE FUNCTION edupredict._term_range_problem(arg text, t edupredict.school_term)
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN t OPERATOR(edupredict.<) r.lo OR t OPERATOR(edupredict.>) r.hi THEN
		ARRAY['22023', pg_catalog.format('%s %s is out of range', arg, t),
			  pg_catalog.format('Forecasting functions take terms from %s to %s.', r.lo, r.hi),
			  pg_catalog.format('Pass a %s from %s to %s.', arg, r.lo, r.hi)] END
	FROM (SELECT edupredict._forecast_first_term() AS lo, edupredict._forecast_last_term() AS hi) r
$$;
COMMENT ON FUNCTION edupredict._term_range_problem(text, edupredict.school_term) IS
'internal: {sqlstate, message, detail, hint} naming the argument when a term lies outside _forecast_first_term() to _forecast_last_term(), else NULL';

-- An as_of term must have history before it and be at most the term after the last placement term
-- (later terms would read as "never placed").  The placement terms are values of the caller's rows:
-- the problems count them or give a query for them, never show them (STYLE.md section 8).
CREATE FUNCTION edupredict._as_of_problem(placements regclass, as_of edupredict.school_term, min_history integer)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	span record;
	valid text;
	early text;
	n bigint;
	terms text := pg_catalog.format('%s %s', min_history, CASE WHEN min_history OPERATOR(pg_catalog.=) 1 THEN 'term' ELSE 'terms' END);
	hint text := pg_catalog.format('as_of is the current term: everything before it is known. This query gives the first and the last term as_of may be: SELECT edupredict.min(term::edupredict.school_term) OPERATOR(edupredict.+) %s AS first_as_of, edupredict.max(term::edupredict.school_term) OPERATOR(edupredict.+) 1 AS last_as_of FROM %s;',
								   min_history, placements);
BEGIN
	problem := edupredict._term_range_problem('as_of', as_of);
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	span := edupredict._placement_span(placements);
	IF span.first_term IS NULL THEN
		RETURN ARRAY['22023', pg_catalog.format('placements relation %s is empty', placements),
					 'Forecasts are made from the placement history.', 'Load the placements first.'];
	END IF;
	-- Models train on every term of the history before as_of: one from before 1900 would take the
	-- panel out of the range too.
	IF span.first_term OPERATOR(edupredict.<) edupredict._forecast_first_term() THEN
		early := pg_catalog.format('SELECT * FROM %s WHERE term::edupredict.school_term OPERATOR(edupredict.<) %L::edupredict.school_term',
								   placements, edupredict._forecast_first_term());
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) e', early) INTO n;
		RETURN ARRAY['22023',
			pg_catalog.format('placements relation %s has terms before %s', placements, edupredict._forecast_first_term()),
			pg_catalog.format('Column "term" is before %s in %s: forecasting functions take terms from %s to %s.',
							  edupredict._forecast_first_term(), edupredict._n_rows(n),
							  edupredict._forecast_first_term(), edupredict._forecast_last_term()),
			pg_catalog.format('Correct or remove the placements of those terms. This query lists them: %s;', early)];
	END IF;
	valid := CASE WHEN (span.first_term OPERATOR(edupredict.+) min_history)
						OPERATOR(edupredict.<=) (span.last_term OPERATOR(edupredict.+) 1)
				  THEN pg_catalog.format('This needs %s of placement history before as_of, and as_of may be at most the term after the last placement term.',
										 terms)
				  ELSE pg_catalog.format('No as_of is in range: this needs %s of placement history before as_of, and the placement history is shorter.',
										 terms) END;
	IF as_of OPERATOR(edupredict.>) (span.last_term OPERATOR(edupredict.+) 1) THEN
		RETURN ARRAY['22023',
			pg_catalog.format('as_of %s is out of range: it is more than one term after the last term of placements relation %s', as_of, placements),
			valid, hint];
	END IF;
	IF (as_of OPERATOR(edupredict.-) span.first_term) OPERATOR(pg_catalog.<) min_history THEN
		RETURN ARRAY['22023',
			pg_catalog.format('as_of %s is out of range: placements relation %s has less than %s of history before it', as_of, placements, terms),
			valid, hint];
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._as_of_problem(regclass, edupredict.school_term, integer) IS
'internal: {sqlstate, message, detail, hint} when as_of lies outside the placement history, else NULL';

-- Horizons, checked the same way by every forecasting function that takes them: a one-dimensional
-- array of distinct numbers of terms ahead from 1 to 12 (unnest reads any array without error, so a
-- multi-dimensional one reaches the check instead of failing in an internal query).
CREATE FUNCTION edupredict._horizons_problem(horizons integer[])
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.array_ndims(horizons) IS DISTINCT FROM 1
					 OR (SELECT pg_catalog.bool_or(x IS NULL OR x OPERATOR(pg_catalog.<) 1
												   OR x OPERATOR(pg_catalog.>) 12)
								OR pg_catalog.count(DISTINCT x) OPERATOR(pg_catalog.<>) pg_catalog.count(*)
						 FROM pg_catalog.unnest(horizons) x) THEN
		ARRAY['22023', 'horizons must be distinct numbers of terms ahead from 1 to 12',
			  pg_catalog.format('Got %s.', horizons),
			  'Pass a one-dimensional array such as ''{1,2,3}''.'] END
$$;
COMMENT ON FUNCTION edupredict._horizons_problem(integer[]) IS
'internal: {sqlstate, message, detail, hint} unless horizons is a one-dimensional array of distinct integers from 1 to 12, else NULL';

-- Survey responses: columns, one row per tutor and survey (term), and at least one answered survey
-- before as_of.
CREATE FUNCTION edupredict._responses_problem(responses regclass, as_of edupredict.school_term)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	found boolean;
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(responses, 'responses', ARRAY['tutor_id', 'term', 'responded'],
									 ARRAY['bigint', 'edupredict.school_term', 'boolean']),
		edupredict._unique_key_problem(responses, 'responses', ARRAY['tutor_id', 'term'],
									   ARRAY['bigint', 'edupredict.school_term']));
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s r WHERE r.term::edupredict.school_term OPERATOR(edupredict.<) $1 AND r.responded IS NOT NULL)',
							  responses) INTO found USING as_of;
	IF NOT found THEN
		RETURN ARRAY['22023', pg_catalog.format('no survey responses before %s', as_of),
					 'Response rates are estimated from the surveys before as_of.',
					 'Pass responses => NULL to count every tutor as responding.'];
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._responses_problem(regclass, edupredict.school_term) IS
'internal: {sqlstate, message, detail, hint} when a responses relation cannot give response rates before as_of, else NULL';

-- The horizons h for which a model <model_name>_h<h> is in the registry (NULL when none).
CREATE OR REPLACE FUNCTION edupredict._availability_horizons(model_name text)
RETURNS integer[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.array_agg(DISTINCT x.h ORDER BY x.h)
	FROM (SELECT pg_catalog.substr(m.name, pg_catalog.length(model_name) OPERATOR(pg_catalog.+) 3)::integer AS h
		  FROM edupredict.models m
		  WHERE pg_catalog.left(m.name, pg_catalog.length(model_name) OPERATOR(pg_catalog.+) 2)
				OPERATOR(pg_catalog.=) (model_name OPERATOR(pg_catalog.||) '_h')
			AND pg_catalog.substr(m.name, pg_catalog.length(model_name) OPERATOR(pg_catalog.+) 3)
				OPERATOR(pg_catalog.~) '^[0-9]{1,2}$') x
$$;
COMMENT ON FUNCTION edupredict._availability_horizons(text) IS
'internal: horizons with a trained model <model_name>_h<horizon>, NULL when there is none';

CREATE FUNCTION edupredict._model_problem(model_name text)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN edupredict._availability_horizons(model_name) IS NULL THEN
		ARRAY['42704', pg_catalog.format('no availability models named %s_h<horizon> in edupredict.models',
								edupredict._name_for_message(model_name)),
			  'Availability models are stored as one forest per horizon.',
			  'Train them with edupredict.train_availability().'] END
$$;
COMMENT ON FUNCTION edupredict._model_problem(text) IS
'internal: {sqlstate, message, detail, hint} when no availability model of that name is in the registry, else NULL';

-- Tutor features, survey response rates, training and prediction (forecast area): search_path
-- pg_catalog, pg_temp, every function and operator qualified (OPERATOR(...) has a single
-- precedence, so mixed arithmetic is parenthesised), inputs checked up front by the entry function.
-- SET jit = off: the cost estimates of these dynamic queries (set-returning functions, cross joins)
-- pass jit_above_cost, and compiling them took 2.8 s of a 2.9 s recruit_forecast call.

-- Features of every tutor registered before the start of each term from first_t to last_t, from the
-- placements strictly before that term.  Callers check the relations first; the terms are checked
-- here (EXECUTE is PUBLIC): one row per tutor and term, so a last_t of 9999 Summer ran for minutes.
CREATE OR REPLACE FUNCTION edupredict._tutor_feature_panel(tutors regclass, placements regclass,
														   first_t edupredict.school_term, last_t edupredict.school_term)
RETURNS TABLE (tutor_id bigint, term edupredict.school_term, months_to_phd_end double precision,
			   n_previous_placements integer, mean_placements_per_term double precision,
			   terms_since_registration integer, placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(edupredict._term_range_problem('first_t', first_t),
						edupredict._term_range_problem('last_t', last_t));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH terms AS (
			SELECT $1 OPERATOR(edupredict.+) i AS t
			FROM pg_catalog.generate_series(0, $2 OPERATOR(edupredict.-) $1) i),
		elig AS (
			SELECT tu.tutor_id::bigint AS tutor_id, tr.t, tu.registered_on::date AS registered_on,
				   tu.phd_end::date AS phd_end
			FROM %1$s tu JOIN terms tr ON tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start(tr.t)),
		pl AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term
			FROM %2$s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $2)
		SELECT e.tutor_id, e.t,
			   (e.phd_end OPERATOR(pg_catalog.-) edupredict.term_start(e.t)) OPERATOR(pg_catalog./) 30.4375::float8,
			   pg_catalog.count(pl.term)::integer,
			   pg_catalog.count(pl.term)::float8
				 OPERATOR(pg_catalog./) (e.t OPERATOR(edupredict.-) edupredict.term_of(e.registered_on)),
			   e.t OPERATOR(edupredict.-) edupredict.term_of(e.registered_on),
			   COALESCE(pg_catalog.bool_or(pl.term OPERATOR(edupredict.=) (e.t OPERATOR(edupredict.-) 1)), false)
		FROM elig e
		LEFT JOIN pl ON pl.tutor_id OPERATOR(pg_catalog.=) e.tutor_id AND pl.term OPERATOR(edupredict.<) e.t
		GROUP BY e.tutor_id, e.t, e.phd_end, e.registered_on
	$q$, tutors, placements) USING first_t, last_t;
END
$$;

-- tutor_features was a SQL function over the panel; it now checks its inputs and raises itself.
CREATE OR REPLACE FUNCTION edupredict.tutor_features(tutors regclass, placements regclass, as_of edupredict.school_term)
RETURNS TABLE (tutor_id bigint, months_to_phd_end double precision, n_previous_placements integer,
			   mean_placements_per_term double precision, terms_since_registration integer,
			   placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(edupredict._term_range_problem('as_of', as_of),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY
	SELECT f.tutor_id, f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
		   f.terms_since_registration, f.placed_last_term
	FROM edupredict._tutor_feature_panel(tutors, placements, as_of, as_of) f;
END
$$;

-- Survey response rates by segment (season of the term, placed in the previous term, PhD over by
-- the start of the term) from the surveys before as_of, each shrunk towards its season's rate and
-- that towards the overall rate with a prior weight of 50 surveys.
CREATE OR REPLACE FUNCTION edupredict.response_rates(tutors regclass, placements regclass, responses regclass,
													 as_of edupredict.school_term)
RETURNS TABLE (season text, placed_last_term boolean, phd_finished boolean, n_surveyed bigint,
			   n_responded bigint, p_response double precision)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(
		edupredict._term_range_problem('as_of', as_of),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'phd_end'], ARRAY['bigint', 'date']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._responses_problem(responses, as_of));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH r AS (
			SELECT edupredict.term_season(r.term::edupredict.school_term) AS season,
				   EXISTS (SELECT FROM %2$s p WHERE p.tutor_id::bigint OPERATOR(pg_catalog.=) r.tutor_id::bigint
						   AND p.term::edupredict.school_term
							   OPERATOR(edupredict.=) (r.term::edupredict.school_term OPERATOR(edupredict.-) 1)) AS placed_last_term,
				   COALESCE(tu.phd_end::date OPERATOR(pg_catalog.<) edupredict.term_start(r.term::edupredict.school_term), false) AS phd_finished,
				   r.responded::boolean AS responded
			FROM %3$s r JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) r.tutor_id::bigint
			WHERE r.term::edupredict.school_term OPERATOR(edupredict.<) $1 AND r.responded IS NOT NULL),
		overall AS (SELECT pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE r.responded) AS k FROM r),
		seasons AS (
			SELECT s.season, pg_catalog.count(r.responded) AS n, pg_catalog.count(*) FILTER (WHERE r.responded) AS k
			FROM pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season)
			LEFT JOIN r ON r.season OPERATOR(pg_catalog.=) s.season
			GROUP BY s.season),
		cells AS (
			SELECT s.season, pl.v AS placed_last_term, ph.v AS phd_finished
			FROM pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season), (VALUES (false), (true)) pl(v),
				 (VALUES (false), (true)) ph(v)),
		counts AS (
			SELECT c.season, c.placed_last_term, c.phd_finished, pg_catalog.count(r.responded) AS n,
				   pg_catalog.count(*) FILTER (WHERE r.responded) AS k
			FROM cells c LEFT JOIN r ON r.season OPERATOR(pg_catalog.=) c.season
			 AND r.placed_last_term OPERATOR(pg_catalog.=) c.placed_last_term
			 AND r.phd_finished OPERATOR(pg_catalog.=) c.phd_finished
			GROUP BY c.season, c.placed_last_term, c.phd_finished)
		SELECT c.season, c.placed_last_term, c.phd_finished, c.n, c.k,
			   (c.k OPERATOR(pg_catalog.+) (50 OPERATOR(pg_catalog.*)
					((s.k OPERATOR(pg_catalog.+) (50 OPERATOR(pg_catalog.*) (o.k::float8 OPERATOR(pg_catalog./) o.n)))
					 OPERATOR(pg_catalog./) (s.n OPERATOR(pg_catalog.+) 50))))
			   OPERATOR(pg_catalog./) (c.n OPERATOR(pg_catalog.+) 50)
		FROM counts c JOIN seasons s ON s.season OPERATOR(pg_catalog.=) c.season, overall o
		ORDER BY pg_catalog.array_position(ARRAY['Spring', 'Summer', 'Autumn'], c.season), c.placed_last_term,
				 c.phd_finished
	$q$, tutors, placements, responses) USING as_of;
END
$$;

-- The season of the target term also as three indicators: the integer season (0 Spring, 1 Summer,
-- 2 Autumn) puts Summer between the others, so a tree needed two splits to separate it and the
-- forests damped the Summer effect (Summer targets over-forecast by 1.3 tutors per local authority
-- one term ahead, 2.1 three terms ahead).  Models trained before keep predicting: their features are
-- matched by name.
ALTER TYPE edupredict.availability_features
	ADD ATTRIBUTE target_spring boolean,
	ADD ATTRIBUTE target_summer boolean,
	ADD ATTRIBUTE target_autumn boolean;

-- The forest's one parameter validator (forest_param_set, as train_forest and forest_agg use it),
-- for callers that train later: train_availability and refresh_supply refuse a bad parameter before
-- they read a row or write anything, instead of after building the whole training set.
CREATE FUNCTION edupredict._forest_params_problem(params jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'forest_params_problem'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict._forest_params_problem(jsonb) IS
'internal: what the random forest''s parameter validator says of a params object (as train_forest and forest_agg check it), or NULL when every key is valid';

CREATE FUNCTION edupredict._availability_params_problem(n_trees integer, min_samples_leaf integer DEFAULT NULL)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN p.problem IS NOT NULL THEN
		ARRAY['22023', p.problem, 'The parameters are checked before any row is read or any model is written.',
			  'n_trees and min_samples_leaf take the ranges of train_forest.'] END
	FROM (SELECT edupredict._forest_params_problem(pg_catalog.jsonb_strip_nulls(
			  pg_catalog.jsonb_build_object('n_trees', n_trees, 'min_samples_leaf', min_samples_leaf))) AS problem) p
$$;
COMMENT ON FUNCTION edupredict._availability_params_problem(integer, integer) IS
'internal: {sqlstate, message, detail, hint} when train_availability''s forest parameters are out of range, else NULL';

-- Each horizon h is trained as the model <model_name>_h<h>, and the registry's names are at most
-- _model_name_max_bytes() bytes (model_reserve, train_forest): a name too long for the largest horizon failed only in
-- train_forest, after the training set was built (and the forests of the smaller horizons trained).
CREATE FUNCTION edupredict._availability_name_problem(model_name text, horizons integer[])
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.octet_length(model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) m.h)
					 OPERATOR(pg_catalog.>) m.max_bytes THEN
		ARRAY['22023',
			  pg_catalog.format('model_name must be at most %s bytes long for horizons up to %s',
								m.max_bytes OPERATOR(pg_catalog.-) pg_catalog.octet_length('_h' OPERATOR(pg_catalog.||) m.h), m.h),
			  pg_catalog.format('Each horizon h is trained as the model <model_name>_h<h>, and model names are at most %s bytes long; this model_name is %s bytes.',
								m.max_bytes, pg_catalog.octet_length(model_name)),
			  'Choose a shorter model_name.'] END
	FROM (SELECT pg_catalog.max(x) AS h, edupredict._model_name_max_bytes() AS max_bytes
	      FROM pg_catalog.unnest(horizons) x) m
$$;
COMMENT ON FUNCTION edupredict._availability_name_problem(text, integer[]) IS
'internal: {sqlstate, message, detail, hint} when <model_name>_h<h> of the largest horizon is longer than the registry''s limit (_model_name_max_bytes()), else NULL';

-- train_forest with "as_of" in the new version's metrics (train_forest's own rows are unchanged):
-- predict_availability picks, per horizon, the versions trained as of the forecast's as_of or before.
-- group_by (after as_of) as train_forest's: train_availability holds out whole tutors.
CREATE FUNCTION edupredict._train_forest_as_of(
	model_name text, relation regclass, target text, features text[] DEFAULT NULL, task text DEFAULT 'auto',
	n_trees int DEFAULT 100, max_depth int DEFAULT NULL, min_samples_leaf int DEFAULT 1,
	max_features float8 DEFAULT NULL, class_weight text DEFAULT NULL, sample_fraction float8 DEFAULT 1.0,
	test_fraction float8 DEFAULT 0.2, seed bigint DEFAULT 42, keep_category_names boolean DEFAULT false,
	calibration text DEFAULT NULL, calibration_folds int DEFAULT NULL, as_of text DEFAULT NULL,
	group_by text DEFAULT NULL)
RETURNS edupredict.model_list
AS 'MODULE_PATHNAME', 'model_train_forest_as_of'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000
SET synchronize_seqscans = off;
COMMENT ON FUNCTION edupredict._train_forest_as_of(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint, boolean, text, int, text, text) IS
'internal: trains a random forest like train_forest and writes it as a new version into edupredict.models, with "as_of" (the term its training rows were cut at) in its metrics; group_by: the test rows and the calibration folds are whole groups of that column''s values';

-- The version of each horizon's forest that forecasts as of as_of: the deployed one (a pin, whatever
-- it was trained for), else the newest whose metrics record an as_of (train_availability) at or
-- before as_of; a version without one (trained before it was recorded, or by train_forest) qualifies
-- for every as_of.  version is NULL when none qualifies; earliest_as_of is the earliest recorded as_of.
CREATE FUNCTION edupredict.availability_versions(model_name text, as_of edupredict.school_term)
RETURNS TABLE (horizon integer, version integer, earliest_as_of edupredict.school_term)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH v AS (
		SELECT h.h, m.version, m.deployed,
			   CASE WHEN (m.metrics OPERATOR(pg_catalog.->>) 'as_of')
						 OPERATOR(pg_catalog.~) '^[1-9][0-9]{3} (Spring|Summer|Autumn)$'
					THEN (m.metrics OPERATOR(pg_catalog.->>) 'as_of')::edupredict.school_term END AS trained_as_of
		FROM pg_catalog.unnest(edupredict._availability_horizons(model_name)) h(h)
		JOIN edupredict.models m
		  ON m.name OPERATOR(pg_catalog.=) (model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) h.h))
	SELECT v.h,
		   (SELECT w.version FROM v w
			WHERE w.h OPERATOR(pg_catalog.=) v.h
			  AND (w.deployed OR w.trained_as_of IS NULL OR w.trained_as_of OPERATOR(edupredict.<=) as_of)
			ORDER BY w.deployed DESC, w.version DESC LIMIT 1),
		   edupredict.min(v.trained_as_of)
	FROM v GROUP BY v.h ORDER BY v.h
$$;
COMMENT ON FUNCTION edupredict.availability_versions(text, edupredict.school_term) IS
'per horizon, the version of <model_name>_h<horizon> that predict_availability uses as of as_of (the deployed one, else the newest trained as of as_of or before; NULL when none) and the earliest as_of a version was trained for';

CREATE FUNCTION edupredict._availability_versions_problem(model_name text, as_of edupredict.school_term)
RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT ARRAY['55000',
		pg_catalog.format('no version of availability model %s_h%s was trained as of %s or before', model_name,
						  v.horizon, as_of),
		pg_catalog.format('The earliest version of %s_h%s was trained as of %s. A forecast uses the deployed version, else the newest version trained as of its as_of or before, so that it sees no later term.',
						  model_name, v.horizon, v.earliest_as_of),
		pg_catalog.format('Train the model as of %s with edupredict.train_availability().', as_of)]
	FROM edupredict.availability_versions(model_name, as_of) v
	WHERE v.version IS NULL
	ORDER BY v.horizon LIMIT 1
$$;
COMMENT ON FUNCTION edupredict._availability_versions_problem(text, edupredict.school_term) IS
'internal: {sqlstate, message, detail, hint} when a horizon of the availability model has no version that may forecast as of as_of, else NULL';

-- The training rows of train_availability, each horizon h of horizons as of as_of: the terms t from
-- the second term of the placements' history to as_of - 1 - h, each tutor's features as of t
-- (_tutor_feature_panel) and the season of the target term t + h, available when the tutor is placed
-- in t + h; the tutor beside them (train_availability's group_by, no feature).  One query for
-- train_availability and the tests that retrain its forests by hand.  Callers check the relations,
-- horizons and as_of first.
CREATE FUNCTION edupredict._availability_training_rows(tutors regclass, placements regclass,
													   as_of edupredict.school_term, horizons integer[])
RETURNS TABLE (horizon integer, tutor_id bigint, features edupredict.availability_features, available integer)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
BEGIN
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH placed AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term FROM %s p),
		panel AS (
			SELECT * FROM edupredict._tutor_feature_panel($1, $2,
				(edupredict._placement_span($2)).first_term OPERATOR(edupredict.+) 1, $3 OPERATOR(edupredict.-) 2))
		SELECT h.h, f.tutor_id, ROW(f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
					f.terms_since_registration, f.placed_last_term,
					((f.term OPERATOR(edupredict.+) h.h) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
					  OPERATOR(pg_catalog.%%) 3,
					edupredict.term_season(f.term OPERATOR(edupredict.+) h.h) OPERATOR(pg_catalog.=) 'Spring',
					edupredict.term_season(f.term OPERATOR(edupredict.+) h.h) OPERATOR(pg_catalog.=) 'Summer',
					edupredict.term_season(f.term OPERATOR(edupredict.+) h.h) OPERATOR(pg_catalog.=) 'Autumn'
				 )::edupredict.availability_features,
			   (p.tutor_id IS NOT NULL)::integer
		FROM pg_catalog.unnest($4) h(h)
		JOIN panel f ON f.term OPERATOR(edupredict.<=) (($3 OPERATOR(edupredict.-) 1) OPERATOR(edupredict.-) h.h)
		LEFT JOIN placed p ON p.tutor_id OPERATOR(pg_catalog.=) f.tutor_id
			  AND p.term OPERATOR(edupredict.=) (f.term OPERATOR(edupredict.+) h.h)
	$q$, placements) USING tutors, placements, as_of, horizons;
END
$$;
COMMENT ON FUNCTION edupredict._availability_training_rows(regclass, regclass, edupredict.school_term, integer[]) IS
'internal: train_availability''s training rows per horizon: the tutor, the features as of a term and the target term''s season, and whether the tutor is placed horizon terms later';

CREATE OR REPLACE FUNCTION edupredict.train_availability(
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
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
	h integer;
	max_h integer;
BEGIN
	IF model_name IS NULL OR model_name OPERATOR(pg_catalog.=) '' OR tutors IS NULL OR placements IS NULL
	   OR as_of IS NULL OR horizons IS NULL OR n_trees IS NULL OR seed IS NULL OR min_samples_leaf IS NULL THEN
		RAISE EXCEPTION 'train_availability arguments must not be NULL or empty' USING ERRCODE = '22004';
	END IF;
	SELECT pg_catalog.max(x) INTO max_h FROM pg_catalog.unnest(horizons) x;
	-- Training rows: terms t from the second history term on, labelled by placement in t + h < as_of.
	-- The parameters first: nothing is read before them.
	problem := COALESCE(
		edupredict._availability_params_problem(n_trees, min_samples_leaf),
		edupredict._horizons_problem(horizons),
		edupredict._availability_name_problem(model_name, horizons),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._unique_key_problem(tutors, 'tutors', ARRAY['tutor_id'], ARRAY['bigint']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, max_h OPERATOR(pg_catalog.+) 2));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	CREATE TEMP TABLE _ep_availability_rows AS
	SELECT * FROM edupredict._availability_training_rows(tutors, placements, as_of, horizons);

	FOREACH h IN ARRAY horizons LOOP
		EXECUTE $q$
			CREATE TEMP TABLE _ep_availability_train AS
			SELECT r.tutor_id, (r.features).*, r.available
			FROM pg_temp._ep_availability_rows r WHERE r.horizon OPERATOR(pg_catalog.=) $1
		$q$ USING h;

		horizon := h;
		model := model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) h;
		SELECT pg_catalog.count(*), pg_catalog.avg(t.available) INTO n_rows, positive_rate
		FROM pg_temp._ep_availability_train t;
		-- Through train_forest's SQL API only, by argument name (its internals are not ours), with the
		-- as_of recorded in the version's metrics.  A tutor has a row per term: the held-out rows are
		-- whole tutors (group_by; tutor_id is no feature), so the registry's metrics are those of
		-- tutors the forest never saw.  Dynamic, so the regclass of this iteration's temporary table
		-- is resolved now.
		EXECUTE $q$
			SELECT m.version FROM edupredict._train_forest_as_of(
				model_name => $1, relation => 'pg_temp._ep_availability_train'::regclass, target => 'available',
				features => ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
								  'terms_since_registration', 'placed_last_term', 'target_season', 'target_spring',
								  'target_summer', 'target_autumn'],
				task => 'classification', n_trees => $2, min_samples_leaf => $4, seed => $3, as_of => $5,
				group_by => 'tutor_id') m
		$q$ INTO version USING model, n_trees, seed, min_samples_leaf, as_of::text;
		RETURN NEXT;
		DROP TABLE pg_temp._ep_availability_train;
	END LOOP;
	DROP TABLE pg_temp._ep_availability_rows;
END
$$;

CREATE OR REPLACE FUNCTION edupredict.predict_availability(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (tutor_id bigint, horizon integer, term edupredict.school_term, p_available double precision,
			   p_response double precision, p_effective double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
	horizons integer[];
	versions integer[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and as_of must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._model_problem(model_name),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, 1),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._unique_key_problem(tutors, 'tutors', ARRAY['tutor_id'], ARRAY['bigint']),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END,
		edupredict._availability_versions_problem(model_name, as_of));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	-- Each horizon's version as of as_of, named explicitly so that a later version never forecasts.
	SELECT pg_catalog.array_agg(v.horizon ORDER BY v.horizon), pg_catalog.array_agg(v.version ORDER BY v.horizon)
	INTO horizons, versions
	FROM edupredict.availability_versions(model_name, as_of) v;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH f AS MATERIALIZED (
			SELECT f.*, tu.phd_end::date AS phd_end
			FROM edupredict._tutor_feature_panel($1, $2, $3, $3) f
			JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) f.tutor_id),
		rr AS MATERIALIZED (%2$s),
		x AS (
			SELECT f.*, h.h, h.v, $3 OPERATOR(edupredict.+) h.h AS target
			FROM f CROSS JOIN ROWS FROM (pg_catalog.unnest($4), pg_catalog.unnest($7)) h(h, v))
		SELECT x.tutor_id, x.h, x.target, pa.p, COALESCE(rr.p_response, 1.0),
			   pa.p OPERATOR(pg_catalog.*) COALESCE(rr.p_response, 1.0)
		FROM x
		CROSS JOIN LATERAL (
			SELECT edupredict.predict_proba($5 OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) x.h,
				ROW(x.months_to_phd_end, x.n_previous_placements, x.mean_placements_per_term,
					x.terms_since_registration, x.placed_last_term,
					(x.target OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%%) 3,
					edupredict.term_season(x.target) OPERATOR(pg_catalog.=) 'Spring',
					edupredict.term_season(x.target) OPERATOR(pg_catalog.=) 'Summer',
					edupredict.term_season(x.target) OPERATOR(pg_catalog.=) 'Autumn'
				)::edupredict.availability_features,
				'1', x.v) AS p) pa
		LEFT JOIN rr ON rr.season OPERATOR(pg_catalog.=) edupredict.term_season(x.target)
					AND rr.placed_last_term OPERATOR(pg_catalog.=) x.placed_last_term
					AND rr.phd_finished OPERATOR(pg_catalog.=)
						COALESCE(x.phd_end OPERATOR(pg_catalog.<) edupredict.term_start(x.target), false)
	$q$, tutors,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::boolean AS placed_last_term, NULL::boolean AS phd_finished, NULL::float8 AS p_response WHERE false'
			 ELSE 'SELECT * FROM edupredict.response_rates($1, $2, $6, $3)' END)
	USING tutors, placements, as_of, horizons, model_name, responses, versions;
END
$$;

-- Supply against demand (forecast area): search_path pg_catalog, pg_temp, qualified functions and
-- operators, inputs checked by the entry function, relations passed as parameters or regclass text
-- formatted under this search_path (so quoted and qualified as needed).

-- Supply now counts recruits too (issue 14): the known tutors' Poisson-binomial count and the
-- recruits' Poisson count are convolved, and the columns show the split.  The result columns change,
-- so the 0.1.0 functions are dropped and created again.
DROP FUNCTION edupredict.supply_demand(text, regclass, regclass, regclass, edupredict.school_term, regclass);
DROP FUNCTION edupredict.supply_demand_of(regclass, regclass, regclass);
DROP FUNCTION edupredict._supply_demand_sql(text, regclass, regclass);

-- The supply-demand query over a source of predictions (tutor_id, horizon, term, p_effective), a
-- source of recruits (local_authority, horizon, term, recruits_expected) and a source of learnt errors
-- (horizon, error_scale: edupredict._forecast_error).  expected_tutors and model_sd are the model's;
-- p10/p50/p90 (and the shortfall) include the learnt error, error_scale x known_expected.
CREATE FUNCTION edupredict._supply_demand_sql(predictions text, recruits text, tutors regclass, opportunities regclass,
											  errors text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $f$
SELECT pg_catalog.format($q$
	WITH pred AS MATERIALIZED (%1$s),
	rec AS MATERIALIZED (%2$s),
	terms AS (SELECT DISTINCT pred.horizon, pred.term FROM pred UNION SELECT rec.horizon, rec.term FROM rec),
	known AS (
		SELECT tu.local_authority::text AS local_authority, p.horizon, p.term,
			   edupredict.expected_count_state(p.p_effective) AS s
		FROM pred p JOIN %3$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id
		GROUP BY 1, 2, 3),
	sup AS MATERIALIZED (
		SELECT COALESCE(k.local_authority, r.local_authority) AS local_authority,
			   COALESCE(k.horizon, r.horizon) AS horizon, COALESCE(k.term, r.term) AS term,
			   COALESCE(k.s, '{7041,0,0,0,0,1,0,1}'::float8[]) AS known, COALESCE(r.recruits_expected, 0) AS mu
		FROM known k FULL JOIN rec r ON r.local_authority OPERATOR(pg_catalog.=) k.local_authority
									AND r.horizon OPERATOR(pg_catalog.=) k.horizon),
	la AS (
		SELECT sup.local_authority, sup.horizon, sup.term, sup.known, sup.mu FROM sup
		UNION ALL
		SELECT 'London-wide', sup.horizon, sup.term, edupredict.convolve_counts(sup.known), pg_catalog.sum(sup.mu)
		FROM sup GROUP BY sup.horizon, sup.term),
	err AS MATERIALIZED (%5$s),
	totals AS (
		SELECT la.*, (edupredict.count_summary(la.known)).expected AS known_expected,
			   edupredict.count_convolve(la.known, edupredict.count_poisson(la.mu)) AS total
		FROM la),
	widened AS (
		SELECT totals.*, COALESCE(err.error_scale, 0) OPERATOR(pg_catalog.*) totals.known_expected AS error_sd
		FROM totals LEFT JOIN err ON err.horizon OPERATOR(pg_catalog.=) totals.horizon),
	dist AS (
		SELECT widened.*, edupredict.count_summary(widened.total) AS m,
			   edupredict.count_summary(edupredict.count_widen(widened.total, widened.error_sd)) AS d
		FROM widened),
	opp AS (
		SELECT o.local_authority::text AS local_authority, t.horizon, t.term,
			   COALESCE(pg_catalog.sum(o.n_placements::bigint)
						FILTER (WHERE o.stage::text OPERATOR(pg_catalog.=) 'confirmed'), 0)::bigint AS confirmed,
			   COALESCE(pg_catalog.sum(CASE WHEN o.stage::text OPERATOR(pg_catalog.=) 'confirmed' THEN o.n_placements::float8
											ELSE o.probability::float8 OPERATOR(pg_catalog.*) o.n_placements::float8 END),
						0)::float8 AS expected
		FROM %4$s o JOIN terms t ON o.term::edupredict.school_term OPERATOR(edupredict.=) t.term
		GROUP BY 1, 2, 3),
	dem AS (
		SELECT * FROM opp
		UNION ALL
		SELECT 'London-wide', t.horizon, t.term, COALESCE(pg_catalog.sum(opp.confirmed), 0)::bigint,
			   COALESCE(pg_catalog.sum(opp.expected), 0)::float8
		FROM terms t LEFT JOIN opp ON opp.horizon OPERATOR(pg_catalog.=) t.horizon
								  AND opp.term OPERATOR(edupredict.=) t.term
		GROUP BY t.horizon, t.term)
	SELECT COALESCE(s.local_authority, dem.local_authority), COALESCE(s.horizon, dem.horizon),
		   COALESCE(s.term, dem.term),
		   COALESCE(s.known_expected, 0), COALESCE(s.mu, 0),
		   COALESCE((s.m).expected, 0), COALESCE((s.d).p10, 0), COALESCE((s.d).p50, 0), COALESCE((s.d).p90, 0),
		   COALESCE(dem.confirmed, 0), COALESCE(dem.expected, 0),
		   COALESCE(dem.expected, 0) OPERATOR(pg_catalog./) NULLIF((s.m).expected, 0),
		   GREATEST(0, pg_catalog.ceil(COALESCE(dem.expected, 0) OPERATOR(pg_catalog.-) 1e-9)::bigint
					   OPERATOR(pg_catalog.-) COALESCE((s.d).p10, 0)),
		   COALESCE((s.m).sd, 0), COALESCE(s.error_sd, 0)
	FROM dist s FULL JOIN dem ON dem.local_authority OPERATOR(pg_catalog.=) s.local_authority
							 AND dem.term OPERATOR(edupredict.=) s.term
	ORDER BY 3, (COALESCE(s.local_authority, dem.local_authority) OPERATOR(pg_catalog.=) 'London-wide'), 1
$q$, predictions, recruits, tutors, opportunities, errors)
$f$;
COMMENT ON FUNCTION edupredict._supply_demand_sql(text, text, regclass, regclass, text) IS
'internal: the supply-demand query over a source of predictions, a source of recruits and a source of learnt errors';

-- Demand: one row per opportunity (several per local authority and term are summed), with a local
-- authority, term, stage and a whole n_placements from 0 up, and for stages other than confirmed a
-- probability from 0 to 1.  Anything else would flow into the sums and the placement : tutor ratio
-- (a NaN, a negative count), or out of them (a NULL), silently.  A problem counts the rows and its
-- hint lists them with the very condition counted (see "Row checks" in 42_forecast_inputs.sql).
CREATE FUNCTION edupredict._opportunities_problem(opportunities regclass)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	-- NaN sorts above Infinity, so "<= 2147483647" and "<= 1" refuse it too.
	rules text[] := ARRAY[
		'NOT (n_placements::float8 OPERATOR(pg_catalog.>=) 0 AND n_placements::float8 OPERATOR(pg_catalog.<=) 2147483647) OR n_placements::float8 OPERATOR(pg_catalog.<>) pg_catalog.floor(n_placements::float8)',
		'stage::text OPERATOR(pg_catalog.<>) ''confirmed'' AND NOT COALESCE(probability::float8 OPERATOR(pg_catalog.>=) 0 AND probability::float8 OPERATOR(pg_catalog.<=) 1, false)'];
	bad bigint[];
	k integer;
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(opportunities, 'opportunities',
			ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements'],
			ARRAY['text', 'edupredict.school_term', 'text', 'double precision', 'double precision']),
		edupredict._null_problem(opportunities, 'opportunities', ARRAY['local_authority', 'term'],
								 ARRAY['stage', 'n_placements']),
		edupredict._reserved_area_problem(opportunities, 'opportunities'));
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	EXECUTE pg_catalog.format('SELECT ARRAY[pg_catalog.count(*) FILTER (WHERE %s), pg_catalog.count(*) FILTER (WHERE %s)] FROM %s',
							  rules[1], rules[2], opportunities) INTO bad;
	k := CASE WHEN bad[1] OPERATOR(pg_catalog.>) 0 THEN 1 WHEN bad[2] OPERATOR(pg_catalog.>) 0 THEN 2 END;
	IF k IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		CASE k WHEN 1
			THEN pg_catalog.format('column "n_placements" of opportunities relation %s must hold whole numbers from 0 to 2147483647', opportunities)
			ELSE pg_catalog.format('column "probability" of opportunities relation %s must be from 0 to 1 for stages other than confirmed', opportunities) END,
		pg_catalog.format('Column "%s" breaks this in %s.', (ARRAY['n_placements', 'probability'])[k], edupredict._n_rows(bad[k])),
		pg_catalog.format('n_placements is the number of tutors an opportunity needs and probability the chance that it turns into placements (see docs/forecasting.md). This query lists those rows: SELECT * FROM %s WHERE %s;',
						  opportunities, rules[k])];
END
$$;
COMMENT ON FUNCTION edupredict._opportunities_problem(regclass) IS
'internal: locks and checks an opportunities relation, its columns and then its rows (no NULL key, stage or n_placements; whole n_placements from 0; probability from 0 to 1 unless confirmed); {sqlstate, message, detail, hint} or NULL';

-- Recruits (supply_demand_of): each recruits_expected is a Poisson mean, from 0 to count_poisson's
-- 1e7.  A negative, NaN or infinite one failed inside count_poisson, naming neither the relation nor
-- the row.  Call after the columns, keys and NULLs are checked.
CREATE FUNCTION edupredict._recruits_problem(recruits regclass)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	-- NaN sorts above Infinity, so "<= 1e7" refuses it too.
	rule text := 'NOT (recruits_expected::float8 OPERATOR(pg_catalog.>=) 0 AND recruits_expected::float8 OPERATOR(pg_catalog.<=) 1e7)';
	bad bigint;
BEGIN
	EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s WHERE %s', recruits, rule) INTO bad;
	IF bad OPERATOR(pg_catalog.=) 0 THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		pg_catalog.format('column "recruits_expected" of recruits relation %s must be a finite number from 0 to 10000000', recruits),
		pg_catalog.format('Column "recruits_expected" breaks this in %s.', edupredict._n_rows(bad)),
		pg_catalog.format('recruits_expected is the expected number of recruits, the mean of a Poisson count (see docs/forecasting.md). This query lists those rows: SELECT * FROM %s WHERE %s;',
						  recruits, rule)];
END
$$;
COMMENT ON FUNCTION edupredict._recruits_problem(regclass) IS
'internal: {sqlstate, message, detail, hint} counting the rows of a recruits relation whose recruits_expected is negative, NaN, infinite or above 1e7, else NULL';

-- The checks shared by supply_demand and supply_demand_of: {sqlstate, message, detail, hint} or NULL.
CREATE FUNCTION edupredict._demand_problem(tutors regclass, opportunities regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'local_authority'], ARRAY['bigint', 'text']),
		edupredict._tutor_areas_problem(tutors),
		edupredict._opportunities_problem(opportunities))
$$;
COMMENT ON FUNCTION edupredict._demand_problem(regclass, regclass) IS
'internal: locks and checks the tutors and opportunities relations of supply_demand; {sqlstate, message, detail, hint} or NULL';

CREATE FUNCTION edupredict.supply_demand_of(predictions regclass, tutors regclass, opportunities regclass,
											recruits regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   known_tutors double precision, recruit_tutors double precision,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint,
			   model_sd double precision, error_sd double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	IF predictions IS NULL OR tutors IS NULL OR opportunities IS NULL THEN
		RAISE EXCEPTION 'predictions, tutors and opportunities must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._relation_problem(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term', 'p_effective'],
									 ARRAY['bigint', 'integer', 'edupredict.school_term', 'double precision']),
		edupredict._unique_key_problem(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term'],
									   ARRAY['bigint', 'integer', 'edupredict.school_term']),
		edupredict._demand_problem(tutors, opportunities),
		CASE WHEN recruits IS NOT NULL THEN COALESCE(
			edupredict._relation_problem(recruits, 'recruits', ARRAY['local_authority', 'horizon', 'term', 'recruits_expected'],
										 ARRAY['text', 'integer', 'edupredict.school_term', 'double precision']),
			-- one row per area, horizon and term (a second would be added), none NULL (a NULL count
			-- would be dropped from the sum, a NULL key form a group of its own)
			edupredict._unique_key_problem(recruits, 'recruits', ARRAY['local_authority', 'horizon', 'term'],
										   ARRAY['text', 'integer', 'edupredict.school_term'], ARRAY['recruits_expected']),
			edupredict._reserved_area_problem(recruits, 'recruits'),
			edupredict._recruits_problem(recruits)) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		pg_catalog.format('SELECT p.tutor_id::bigint AS tutor_id, p.horizon::integer AS horizon,
						   p.term::edupredict.school_term AS term, p.p_effective::float8 AS p_effective FROM %s p',
						  predictions),
		CASE WHEN recruits IS NULL
			 THEN 'SELECT NULL::text AS local_authority, NULL::integer AS horizon, NULL::edupredict.school_term AS term, NULL::float8 AS recruits_expected WHERE false'
			 ELSE pg_catalog.format('SELECT r.local_authority::text AS local_authority, r.horizon::integer AS horizon,
									 r.term::edupredict.school_term AS term, r.recruits_expected::float8 AS recruits_expected
									 FROM %s r', recruits) END,
		tutors, opportunities,
		'SELECT NULL::integer AS horizon, NULL::float8 AS error_scale WHERE false');
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand_of(regclass, regclass, regclass, regclass) IS
'supply against demand per local authority and term from any table of predictions (tutor_id, horizon, term, p_effective) and optionally of recruits (local_authority, horizon, term, recruits_expected; Poisson), plus a London-wide row';

CREATE FUNCTION edupredict.supply_demand(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   known_tutors double precision, recruit_tutors double precision,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint,
			   model_sd double precision, error_sd double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR opportunities IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements, opportunities and as_of must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._model_problem(model_name),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, 1),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._demand_problem(tutors, opportunities),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	-- Recruits are forecast for the LAs of the tutors and of the demand (an LA without registrations
	-- gets the small shrunk share of docs/forecasting.md).
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		'SELECT p.tutor_id, p.horizon, p.term, p.p_effective FROM edupredict.predict_availability($1, $2, $3, $4, $5) p',
		pg_catalog.format('SELECT r.local_authority, r.horizon, r.term, r.recruits_expected
						   FROM edupredict.recruit_forecast($2, $3, $4, edupredict._availability_horizons($1), $5,
								(SELECT pg_catalog.array_agg(DISTINCT o.local_authority::text) FROM %s o)) r', opportunities),
		tutors, opportunities,
		'SELECT e.horizon, e.error_scale FROM edupredict._forecast_error($1, $2, $3, $4, $5) e')
	USING model_name, tutors, placements, as_of, responses;
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand(text, regclass, regclass, regclass, edupredict.school_term, regclass) IS
'per local authority and forecast term (plus a London-wide row): expected known tutors and recruits, the distribution of their total (p10/p50/p90), confirmed and expected placements, placement : tutor ratio, and the tutors to recruit beyond the forecast for a 90% chance of covering expected demand; model_sd is the sd of the model''s distribution, error_sd the sd of the error learnt from the caller''s realised earlier forecasts of this model (recorded by record_forecast) that widens p10-p90';

-- Count distributions as values (issue 14, src/expected_count.c): the float8[] state of
-- expected_count is also a count distribution that SQL can keep, combine and read.  Independent
-- parts combine exactly by convolution (never by adding percentiles).
CREATE FUNCTION edupredict.count_poisson(mu double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'count_poisson' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_poisson(double precision) IS
'the distribution of a Poisson(mu) count as a count state (tails below 1e-17 trimmed), mu from 0 to 1e7';

CREATE FUNCTION edupredict.count_convolve(a double precision[], b double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'expected_count_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_convolve(double precision[], double precision[]) IS
'the distribution of the sum of two independent counts given as count states (exact convolution)';

CREATE FUNCTION edupredict.count_summary(state double precision[])
RETURNS edupredict.count_distribution
AS 'MODULE_PATHNAME', 'expected_count_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_summary(double precision[]) IS
'mean, standard deviation and 10th/50th/90th percentile counts of a count state';

CREATE FUNCTION edupredict.count_mass(state double precision[], lo bigint, hi bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'count_mass' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_mass(double precision[], bigint, bigint) IS
'the probability that a count with this state lies between lo and hi inclusive';

CREATE FUNCTION edupredict.count_widen(state double precision[], sd double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'count_widen' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_widen(double precision[], double precision) IS
'the distribution of a count plus an independent Normal(0, sd^2) error discretised on the integers, mass below zero put at zero (sd from 0 to 1e4); the supply forecasts add the error learnt from their past forecasts this way';

CREATE AGGREGATE edupredict.expected_count_state(p double precision) (
	SFUNC = edupredict.expected_count_trans,
	STYPE = double precision[],
	COMBINEFUNC = edupredict.expected_count_combine,
	INITCOND = '{7041,0,0,0,0,1,0,1}',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.expected_count_state(double precision) IS
'the Poisson-binomial distribution of the number of successes among independent events with probabilities p, as a count state (see count_summary, count_convolve)';

CREATE AGGREGATE edupredict.convolve_counts(state double precision[]) (
	SFUNC = edupredict.count_convolve,
	STYPE = double precision[],
	COMBINEFUNC = edupredict.count_convolve,
	INITCOND = '{7041,0,0,0,0,1,0,1}',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.convolve_counts(double precision[]) IS
'the distribution of the sum of independent counts given as count states (exact convolution); NULL states are skipped';

-- Whole supply, part 1: the tutors who have not registered yet (issue 14; docs/forecasting.md,
-- "Recruits").  For each local authority and target term as_of + h: the expected registrations in
-- the terms as_of .. as_of + h - 1 and the expected number of them placed in the target term.
--   registrations: London-wide, the last year's count (3 terms before as_of) split by season with the
--     seasonal shares of up to three whole years (shrunk towards equal shares with a weight of 30
--     registrations), times a damped trend sqrt((last year + 20) / (year before + 20)), clamped to
--     [0.5, 2]; an LA's share is its registrations of the last two years shrunk towards an equal
--     share of the London-wide total with a weight of 10 registrations, so an LA without any gets a
--     small share;
--   placement: q(k, season of the target) = P(placed in r + k | registered in term r), from the
--     cohorts of the last 12 terms whose outcome is known before as_of and inside the placement
--     history, each season's rate shrunk
--     towards the rate for k with a weight of 50 tutors (a k no cohort reaches takes the rate of the
--     largest smaller k); times the survey response rate of a new tutor when responses are given.
-- Distribution: registrations are a Poisson process and each recruit is placed independently, so the
-- recruits placed are Poisson (thinning); the uncertainty of the estimated rates is not included.
-- SET jit = off: the cost estimates of these dynamic queries (set-returning functions, cross joins)
-- pass jit_above_cost, and compiling them took 2.8 s of a 2.9 s recruit_forecast call.
CREATE FUNCTION edupredict.recruit_forecast(
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	horizons integer[] DEFAULT '{1,2,3}',
	responses regclass DEFAULT NULL,
	areas text[] DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   registrations_expected double precision, recruits_expected double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
	known boolean;
BEGIN
	IF tutors IS NULL OR placements IS NULL OR as_of IS NULL OR horizons IS NULL THEN
		RAISE EXCEPTION 'tutors, placements, as_of and horizons must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._horizons_problem(horizons),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'local_authority'],
									 ARRAY['bigint', 'date', 'text']),
		-- as through supply_demand: a tutor listed twice would register twice, one without a local
		-- authority in an area of its own
		edupredict._tutor_areas_problem(tutors),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s tu WHERE tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start($1))',
							  tutors) INTO known USING as_of;
	IF NOT known THEN
		RAISE EXCEPTION 'no tutor registered before %', as_of USING ERRCODE = '22023',
			DETAIL = 'The registration rate of recruits is estimated from the registrations before as_of.',
			HINT = 'Choose a later as_of.';
	END IF;
	-- As in every other forecast: placement rates need history before as_of, and terms after the
	-- history would read as "never placed" (an as_of far ahead gave zero recruits, not an error).
	problem := edupredict._as_of_problem(placements, as_of, 1);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;

	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH reg AS MATERIALIZED (
			SELECT tu.tutor_id::bigint AS tutor_id, tu.local_authority::text AS la,
				   edupredict.term_of(tu.registered_on::date) AS r
			FROM %1$s tu WHERE tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start($1)),
		hist AS (
			SELECT LEAST($1 OPERATOR(edupredict.-) edupredict.min(reg.r), 1000) AS n_terms FROM reg),
		yr AS (
			SELECT pg_catalog.count(*) FILTER (WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 3))::float8
					 OPERATOR(pg_catalog.*) 3 OPERATOR(pg_catalog./) LEAST(hist.n_terms, 3) AS last_year,
				   pg_catalog.count(*) FILTER (WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 6)
							  AND reg.r OPERATOR(edupredict.<) ($1 OPERATOR(edupredict.-) 3))::float8 AS prev_year,
				   hist.n_terms OPERATOR(pg_catalog.>=) 6 AS has_prev,
				   (LEAST(hist.n_terms, 9) OPERATOR(pg_catalog./) 3) OPERATOR(pg_catalog.*) 3 AS season_terms
			FROM reg, hist GROUP BY hist.n_terms),
		trend AS (
			SELECT CASE WHEN yr.has_prev
						THEN GREATEST(0.5, LEAST(2.0, pg_catalog.sqrt((yr.last_year OPERATOR(pg_catalog.+) 20)
								OPERATOR(pg_catalog./) (yr.prev_year OPERATOR(pg_catalog.+) 20))))
						ELSE 1.0 END AS g
			FROM yr),
		shares AS (
			SELECT s.season,
				   (pg_catalog.count(reg.r)::float8 OPERATOR(pg_catalog.+) 10)
				   OPERATOR(pg_catalog./) (pg_catalog.sum(pg_catalog.count(reg.r)) OVER () OPERATOR(pg_catalog.+) 30) AS share
			FROM pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season)
			CROSS JOIN yr
			LEFT JOIN reg ON edupredict.term_season(reg.r) OPERATOR(pg_catalog.=) s.season
						 AND reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) yr.season_terms)
			GROUP BY s.season),
		areas AS (
			SELECT a.la, pg_catalog.count(reg.r) FILTER (WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 6))::float8 AS c
			FROM (SELECT DISTINCT reg.la FROM reg UNION SELECT x FROM pg_catalog.unnest($3) x WHERE x IS NOT NULL) a
			LEFT JOIN reg ON reg.la OPERATOR(pg_catalog.=) a.la
			GROUP BY a.la),
		weights AS (
			SELECT areas.la,
				   (areas.c OPERATOR(pg_catalog.+) (10.0 OPERATOR(pg_catalog./) pg_catalog.count(*) OVER ()))
				   OPERATOR(pg_catalog./) (pg_catalog.sum(areas.c) OVER () OPERATOR(pg_catalog.+) 10.0) AS w
			FROM areas),
		pl AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term
			FROM %2$s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $1),
		ks AS (SELECT k FROM pg_catalog.generate_series(1, (SELECT pg_catalog.max(h) FROM pg_catalog.unnest($2) h)) k),
		cohorts AS (
			SELECT ks.k, edupredict.term_season(reg.r OPERATOR(edupredict.+) ks.k) AS season,
				   pg_catalog.count(*)::float8 AS n, pg_catalog.count(pl.tutor_id)::float8 AS placed
			FROM reg CROSS JOIN ks
			LEFT JOIN pl ON pl.tutor_id OPERATOR(pg_catalog.=) reg.tutor_id
						AND pl.term OPERATOR(edupredict.=) (reg.r OPERATOR(edupredict.+) ks.k)
			WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 12)
			  AND (reg.r OPERATOR(edupredict.+) ks.k) OPERATOR(edupredict.<) $1
			  -- only outcomes inside the placement history (tutors registered before it starts were
			  -- never placed in the terms before it, which would read as "not placed")
			  AND (reg.r OPERATOR(edupredict.+) ks.k) OPERATOR(edupredict.>=) (SELECT edupredict.min(pl.term) FROM pl)
			GROUP BY 1, 2),
		qk AS (
			SELECT ks.k, pg_catalog.sum(c.placed) OPERATOR(pg_catalog./) NULLIF(pg_catalog.sum(c.n), 0) AS q
			FROM ks LEFT JOIN cohorts c ON c.k OPERATOR(pg_catalog.=) ks.k GROUP BY ks.k),
		qk_filled AS (
			SELECT ks.k, COALESCE((SELECT q2.q FROM qk q2 WHERE q2.k OPERATOR(pg_catalog.<=) ks.k AND q2.q IS NOT NULL
								   ORDER BY q2.k DESC LIMIT 1), 0) AS q
			FROM ks),
		qs AS (
			SELECT f.k, s.season,
				   (COALESCE(c.placed, 0) OPERATOR(pg_catalog.+) (50 OPERATOR(pg_catalog.*) f.q))
				   OPERATOR(pg_catalog./) (COALESCE(c.n, 0) OPERATOR(pg_catalog.+) 50) AS q
			FROM qk_filled f CROSS JOIN pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season)
			LEFT JOIN cohorts c ON c.k OPERATOR(pg_catalog.=) f.k AND c.season OPERATOR(pg_catalog.=) s.season),
		resp AS MATERIALIZED (%3$s),
		per_h AS (
			SELECT h.h, $1 OPERATOR(edupredict.+) h.h AS target,
				   pg_catalog.sum(yr.last_year OPERATOR(pg_catalog.*) sh.share OPERATOR(pg_catalog.*) tr.g) AS n_reg,
				   pg_catalog.sum(yr.last_year OPERATOR(pg_catalog.*) sh.share OPERATOR(pg_catalog.*) tr.g
								  OPERATOR(pg_catalog.*) qs.q) AS n_placed
			FROM (SELECT DISTINCT x AS h FROM pg_catalog.unnest($2) x) h
			CROSS JOIN LATERAL pg_catalog.generate_series(0, h.h OPERATOR(pg_catalog.-) 1) j
			CROSS JOIN yr CROSS JOIN trend tr
			JOIN shares sh ON sh.season OPERATOR(pg_catalog.=) edupredict.term_season($1 OPERATOR(edupredict.+) j)
			JOIN qs ON qs.k OPERATOR(pg_catalog.=) (h.h OPERATOR(pg_catalog.-) j)
				   AND qs.season OPERATOR(pg_catalog.=) edupredict.term_season($1 OPERATOR(edupredict.+) h.h)
			GROUP BY h.h)
		SELECT w.la, per_h.h, per_h.target, per_h.n_reg OPERATOR(pg_catalog.*) w.w,
			   per_h.n_placed OPERATOR(pg_catalog.*) w.w OPERATOR(pg_catalog.*) COALESCE(resp.p_response, 1.0)
		FROM weights w CROSS JOIN per_h
		LEFT JOIN resp ON resp.season OPERATOR(pg_catalog.=) edupredict.term_season(per_h.target)
		ORDER BY per_h.target, w.la
	$q$, tutors, placements,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::float8 AS p_response WHERE false'
			 ELSE 'SELECT r.season, r.p_response FROM edupredict.response_rates($4, $5, $6, $1) r
				   WHERE NOT r.placed_last_term AND NOT r.phd_finished' END)
	USING as_of, horizons, areas, tutors, placements, responses;
END
$$;
COMMENT ON FUNCTION edupredict.recruit_forecast(regclass, regclass, edupredict.school_term, integer[], regclass, text[]) IS
'per local authority (those of the tutors registered before as_of, plus areas) and horizon: expected registrations from as_of to the term before the target, and the expected number of those recruits placed in the target term (available and responding when responses are given); Poisson';

-- Whole supply, part 2 (issue 14): the known tutors' Poisson-binomial count plus the recruits'
-- Poisson count, exactly convolved, per local authority and rolled up to hubs, sub-regions and
-- London-wide.  Distributions of independent parts combine by convolution, never by adding
-- percentiles.  Hubs: a tutor placed in a term teaches at one school; the share f(LA, hub) of the
-- placements before as_of of tutors living in the LA that were at schools of the hub is the chance
-- that a placed tutor (or recruit) of that LA is counted in the hub, so a hub's known count is
-- Poisson-binomial over p * f and its recruits are Poisson(sum of mu * f).
-- The optional roll-up tables: hubs (school_urn, hub; then placements need school_urn) and
-- sub_regions (local_authority, sub_region).  {sqlstate, message, detail, hint} or NULL.
CREATE FUNCTION edupredict._mapping_problem(placements regclass, hubs regclass, sub_regions regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		CASE WHEN hubs IS NOT NULL THEN
			COALESCE(edupredict._relation_problem(placements, 'placements', ARRAY['school_urn'], ARRAY['bigint']),
					 edupredict._relation_problem(hubs, 'hubs', ARRAY['school_urn', 'hub'], ARRAY['bigint', 'text'])) END,
		CASE WHEN sub_regions IS NOT NULL THEN
			edupredict._relation_problem(sub_regions, 'sub_regions', ARRAY['local_authority', 'sub_region'],
										 ARRAY['text', 'text']) END)
$$;
COMMENT ON FUNCTION edupredict._mapping_problem(regclass, regclass, regclass) IS
'internal: locks and checks the optional hub and sub-region tables of a roll-up; {sqlstate, message, detail, hint} or NULL';

CREATE FUNCTION edupredict.supply_rollup(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS TABLE (level text, area text, horizon integer, term edupredict.school_term,
			   known_expected double precision, recruits_expected double precision,
			   total_expected double precision, total_sd double precision,
			   total_p10 bigint, total_p50 bigint, total_p90 bigint, total_distribution double precision[],
			   model_sd double precision, error_sd double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
	missing text;
	n bigint;
	total bigint;
	before text := pg_catalog.format('%L::edupredict.school_term', as_of);
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and as_of must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._model_problem(model_name),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, 1),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end', 'local_authority'],
									 ARRAY['bigint', 'date', 'date', 'text']),
		edupredict._tutor_areas_problem(tutors),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END,
		edupredict._mapping_problem(placements, hubs, sub_regions));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	-- What the roll-up leaves out is counted, and each NOTICE's hint holds the query that lists it (the
	-- one counted): a school's URN or a local authority is a value of the caller's rows, which the
	-- server log must not carry (STYLE.md section 8).
	IF hubs IS NOT NULL THEN
		missing := pg_catalog.format('SELECT p.* FROM %s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) %s'
			' AND NOT EXISTS (SELECT FROM %s h WHERE h.school_urn::bigint OPERATOR(pg_catalog.=) p.school_urn::bigint)',
			placements, before, hubs);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) m', missing) INTO n;
		IF n OPERATOR(pg_catalog.>) 0 THEN
			EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) %s',
									  placements, before) INTO total;
			RAISE NOTICE 'hub table % assigns no hub to the schools of % of the % placements before %', hubs, n, total, as_of
				USING DETAIL = 'Supply that would go to those schools is left out of the hub totals (not of the other levels).',
					  HINT = pg_catalog.format('This query lists those placements: %s;', missing);
		END IF;
		missing := pg_catalog.format('SELECT DISTINCT tu.local_authority::text FROM %1$s tu'
			' WHERE tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start(%3$s)'
			' AND NOT EXISTS (SELECT FROM %2$s p JOIN %1$s t2 ON t2.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint'
			' WHERE t2.local_authority::text OPERATOR(pg_catalog.=) tu.local_authority::text'
			' AND p.term::edupredict.school_term OPERATOR(edupredict.<) %3$s)',
			tutors, placements, before);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) m', missing) INTO n;
		IF n OPERATOR(pg_catalog.>) 0 THEN
			RAISE NOTICE '% local authorities of the tutors have no placements before % to share out between hubs', n, as_of
				USING DETAIL = 'Their supply is left out of the hub totals (not of the other levels).',
					  HINT = pg_catalog.format('This query lists them: %s;', missing);
		END IF;
	END IF;
	IF sub_regions IS NOT NULL THEN
		missing := pg_catalog.format('SELECT DISTINCT tu.local_authority::text FROM %s tu WHERE NOT EXISTS (SELECT FROM %s s'
			' WHERE s.local_authority::text OPERATOR(pg_catalog.=) tu.local_authority::text)',
			tutors, sub_regions);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) m', missing) INTO n;
		IF n OPERATOR(pg_catalog.>) 0 THEN
			RAISE NOTICE 'sub-region table % assigns no sub-region to % local authorities of the tutors', sub_regions, n
				USING DETAIL = 'Their supply is left out of the sub-region totals (not of the other levels).',
					  HINT = pg_catalog.format('This query lists them: %s;', missing);
		END IF;
	END IF;

	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH pred AS MATERIALIZED (
			SELECT p.tutor_id, p.horizon, p.term, p.p_effective, tu.local_authority::text AS la
			FROM edupredict.predict_availability($1, $2, $3, $4, $5) p
			JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id),
		rec AS MATERIALIZED (
			SELECT * FROM edupredict.recruit_forecast($2, $3, $4, edupredict._availability_horizons($1), $5)),
		known AS (
			SELECT pred.la, pred.horizon, pred.term, edupredict.expected_count_state(pred.p_effective) AS s
			FROM pred GROUP BY 1, 2, 3),
		la AS MATERIALIZED (
			SELECT COALESCE(k.la, r.local_authority) AS area, COALESCE(k.horizon, r.horizon) AS horizon,
				   COALESCE(k.term, r.term) AS term,
				   COALESCE(k.s, '{7041,0,0,0,0,1,0,1}'::float8[]) AS known, COALESCE(r.recruits_expected, 0) AS mu
			FROM known k FULL JOIN rec r ON r.local_authority OPERATOR(pg_catalog.=) k.la
										AND r.horizon OPERATOR(pg_catalog.=) k.horizon),
		share AS (
			SELECT x.la, x.hub, x.n OPERATOR(pg_catalog./) pg_catalog.sum(x.n) OVER (PARTITION BY x.la) AS f
			FROM (SELECT tu.local_authority::text AS la, h.hub::text AS hub, pg_catalog.count(*)::float8 AS n
				  FROM %2$s p
				  JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint
				  LEFT JOIN %3$s h ON h.school_urn::bigint OPERATOR(pg_catalog.=) %5$s
				  WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $4
				  GROUP BY 1, 2) x),
		parts AS (
			SELECT 1 AS ord, 'local authority' AS level, la.area, la.horizon, la.term, la.known, la.mu FROM la
			UNION ALL
			SELECT 2, 'hub', sh.hub, pred.horizon, pred.term,
				   edupredict.expected_count_state(pred.p_effective OPERATOR(pg_catalog.*) sh.f),
				   (SELECT pg_catalog.sum(l2.mu OPERATOR(pg_catalog.*) s2.f) FROM la l2 JOIN share s2
					  ON s2.la OPERATOR(pg_catalog.=) l2.area
					 AND s2.hub OPERATOR(pg_catalog.=) sh.hub WHERE l2.horizon OPERATOR(pg_catalog.=) pred.horizon)
			FROM pred JOIN share sh ON sh.la OPERATOR(pg_catalog.=) pred.la AND sh.hub IS NOT NULL
			WHERE $6
			GROUP BY sh.hub, pred.horizon, pred.term
			UNION ALL
			SELECT 3, 'sub-region', sr.sub_region::text, la.horizon, la.term, edupredict.convolve_counts(la.known),
				   pg_catalog.sum(la.mu)
			FROM la JOIN %4$s sr ON sr.local_authority::text OPERATOR(pg_catalog.=) la.area
			WHERE $7
			GROUP BY sr.sub_region::text, la.horizon, la.term
			UNION ALL
			SELECT 4, 'London-wide', 'London-wide', la.horizon, la.term, edupredict.convolve_counts(la.known),
				   pg_catalog.sum(la.mu)
			FROM la GROUP BY la.horizon, la.term),
		err AS MATERIALIZED (SELECT e.horizon, e.error_scale FROM edupredict._forecast_error($1, $2, $3, $4, $5) e),
		totals AS (
			SELECT parts.*, (edupredict.count_summary(parts.known)).expected AS known_expected,
				   edupredict.count_convolve(parts.known, edupredict.count_poisson(parts.mu)) AS total
			FROM parts),
		widened AS (
			SELECT totals.*, COALESCE(err.error_scale, 0) OPERATOR(pg_catalog.*) totals.known_expected AS error_sd
			FROM totals LEFT JOIN err ON err.horizon OPERATOR(pg_catalog.=) totals.horizon)
		SELECT t.level, t.area, t.horizon, t.term, t.known_expected, t.mu, m.expected, d.sd, d.p10, d.p50, d.p90,
			   edupredict.count_widen(t.total, t.error_sd), m.sd, t.error_sd
		FROM widened t CROSS JOIN LATERAL edupredict.count_summary(t.total) m
		CROSS JOIN LATERAL edupredict.count_summary(edupredict.count_widen(t.total, t.error_sd)) d
		ORDER BY t.ord, t.term, t.area
	$q$, tutors, placements,
		COALESCE(hubs::text, '(SELECT NULL::bigint AS school_urn, NULL::text AS hub WHERE false)'),
		COALESCE(sub_regions::text, '(SELECT NULL::text AS local_authority, NULL::text AS sub_region WHERE false)'),
		CASE WHEN hubs IS NULL THEN 'NULL::bigint' ELSE 'p.school_urn::bigint' END)
	USING model_name, tutors, placements, as_of, responses, hubs IS NOT NULL, sub_regions IS NOT NULL;
END
$$;
COMMENT ON FUNCTION edupredict.supply_rollup(text, regclass, regclass, edupredict.school_term, regclass, regclass, regclass) IS
'whole tutor supply (known tutors plus recruits) per level (local authority; hub when hubs (school_urn, hub) is given; sub-region when sub_regions (local_authority, sub_region) is given; London-wide) and forecast term: expected known and recruits, and the distribution of the total (sd, p10/p50/p90, count state), widened by the error learnt from the caller''s realised earlier forecasts of this model (error_sd; model_sd is the sd before widening)';

CREATE FUNCTION edupredict.supply_forecast(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   known_expected double precision, recruits_expected double precision,
			   total_expected double precision, total_sd double precision,
			   total_p10 bigint, total_p50 bigint, total_p90 bigint, total_distribution double precision[],
			   model_sd double precision, error_sd double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.area, r.horizon, r.term, r.known_expected, r.recruits_expected, r.total_expected, r.total_sd,
		   r.total_p10, r.total_p50, r.total_p90, r.total_distribution, r.model_sd, r.error_sd
	FROM edupredict.supply_rollup(model_name, tutors, placements, as_of, responses) r
$$;
COMMENT ON FUNCTION edupredict.supply_forecast(text, regclass, regclass, edupredict.school_term, regclass) IS
'whole tutor supply per local authority and forecast term, plus a London-wide row: known tutors (Poisson-binomial of their predicted probabilities) plus recruits (Poisson), convolved, widened by the error learnt from the caller''s realised earlier forecasts of this model (error_sd); expected values, sd, p10/p50/p90 and the count state of the total';

-- The forecast log (issue 14): every supply forecast can be recorded, and recorded forecasts are
-- scored against the realised counts once their term has happened.  Rows belong to the role that
-- recorded them (owner, set by the server): row-level security shows and deletes only the rows of
-- roles the caller is a member of, and an insert cannot name another owner.
CREATE SEQUENCE edupredict.forecast_runs;
CREATE TABLE edupredict.forecasts (
	id bigserial PRIMARY KEY,
	run_id bigint NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	owner name NOT NULL DEFAULT CURRENT_USER,
	model_name text NOT NULL,
	model_versions jsonb NOT NULL,
	measure text NOT NULL CHECK (measure IN ('placed', 'placed and responding')),
	as_of edupredict.school_term NOT NULL,
	horizon integer NOT NULL,
	term edupredict.school_term NOT NULL,
	level text NOT NULL CHECK (level IN ('local authority', 'hub', 'sub-region', 'London-wide')),
	area text NOT NULL,
	known_expected double precision NOT NULL,
	recruits_expected double precision NOT NULL,
	expected double precision NOT NULL,
	p10 bigint NOT NULL,
	p50 bigint NOT NULL,
	p90 bigint NOT NULL,
	expected_placements double precision,
	shortfall bigint,
	model_sd double precision,
	error_sd double precision
);
CREATE INDEX forecasts_run ON edupredict.forecasts (run_id);
CREATE INDEX forecasts_term ON edupredict.forecasts (term, level, area);
COMMENT ON COLUMN edupredict.forecasts.model_sd IS
'standard deviation of the model''s distribution of the total (known tutors and recruits), before the learnt error was added';
COMMENT ON COLUMN edupredict.forecasts.error_sd IS
'standard deviation of the error learnt from earlier forecasts that widened p10-p90 (0: none)';
COMMENT ON TABLE edupredict.forecasts IS
'recorded supply forecasts (record_forecast, refresh_supply): one row per run, level, area and horizon; rows are visible to members of their owner role only';
ALTER TABLE edupredict.forecasts ENABLE ROW LEVEL SECURITY;
CREATE POLICY forecasts_owner ON edupredict.forecasts
	USING (EXISTS (SELECT FROM pg_catalog.pg_roles r
				   WHERE r.rolname OPERATOR(pg_catalog.=) owner
					 AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'MEMBER')))
	WITH CHECK (owner OPERATOR(pg_catalog.=) CURRENT_USER);
SELECT edupredict._reset_privileges('TABLE', 'edupredict.forecasts');
SELECT edupredict._reset_privileges('SEQUENCE', 'edupredict.forecasts_id_seq');
SELECT edupredict._reset_privileges('SEQUENCE', 'edupredict.forecast_runs');
GRANT SELECT, INSERT, DELETE ON edupredict.forecasts TO PUBLIC;
GRANT USAGE ON SEQUENCE edupredict.forecasts_id_seq, edupredict.forecast_runs TO PUBLIC;
-- pg_dump keeps the recorded forecasts (the table belongs to the extension).
SELECT pg_catalog.pg_extension_config_dump('edupredict.forecasts', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.forecasts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.forecast_runs', '');

-- The shared error of the forecasts, learnt from the caller's earlier ones (issue 14).  The model's
-- distribution treats the forecast probabilities as exact and the tutors as independent, so an
-- error that all areas share (a drift between the training terms and the forecast terms, such as a
-- season the forests damp) is missing from it.  Per horizon, over the caller's recorded
-- local-authority forecasts of this model and measure whose term is in the placement history before
-- as_of (the latest run per origin, term and area):
--   error_scale^2 = max(0, sum((realised - expected)^2 - model_sd^2)) / sum(known_expected^2)
-- the squared error beyond what the model's own variance explains, relative to the known tutors'
-- expected count (the part the forests predict).  The supply functions add a Normal(0, (error_scale
-- x known_expected)^2) error to each total (count_widen).  No realised forecasts: no rows.
CREATE FUNCTION edupredict._forecast_error(model_name text, tutors regclass, placements regclass,
										   as_of edupredict.school_term, responses regclass)
RETURNS TABLE (horizon integer, error_scale double precision, n_forecasts bigint)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH f AS (
			SELECT DISTINCT ON (f.as_of, f.horizon, f.area) f.horizon, f.term, f.area, f.expected, f.model_sd,
				   f.known_expected
			FROM edupredict.forecasts f
			WHERE f.model_name OPERATOR(pg_catalog.=) $1 AND f.owner OPERATOR(pg_catalog.=) CURRENT_USER
			  AND f.measure OPERATOR(pg_catalog.=) $3 AND f.level OPERATOR(pg_catalog.=) 'local authority'
			  AND f.model_sd IS NOT NULL AND f.term OPERATOR(edupredict.<) $2
			  AND f.term OPERATOR(edupredict.<=) (SELECT edupredict.max(p.term::edupredict.school_term) FROM %2$s p)
			ORDER BY f.as_of, f.horizon, f.area, f.run_id DESC),
		placed AS (
			SELECT t.local_authority::text AS area, p.term::edupredict.school_term AS term,
				   pg_catalog.count(DISTINCT p.tutor_id::bigint) AS n
			FROM %2$s p JOIN %1$s t ON t.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint
			WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $2 AND %3$s
			GROUP BY 1, 2)
		SELECT f.horizon,
			   pg_catalog.sqrt(GREATEST(0, pg_catalog.sum(pg_catalog.power(COALESCE(pl.n, 0)::float8 OPERATOR(pg_catalog.-) f.expected, 2)
													  OPERATOR(pg_catalog.-) pg_catalog.power(f.model_sd, 2)))
							   OPERATOR(pg_catalog./) NULLIF(pg_catalog.sum(pg_catalog.power(f.known_expected, 2)), 0)),
			   pg_catalog.count(*)
		FROM f LEFT JOIN placed pl ON pl.area OPERATOR(pg_catalog.=) f.area AND pl.term OPERATOR(edupredict.=) f.term
		GROUP BY f.horizon ORDER BY f.horizon
	$q$, tutors, placements,
		CASE WHEN responses IS NULL THEN 'true'
			 ELSE pg_catalog.format('EXISTS (SELECT FROM %s r WHERE r.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint
									 AND r.term::edupredict.school_term OPERATOR(edupredict.=) p.term::edupredict.school_term
									 AND r.responded::boolean)', responses) END)
	USING model_name, as_of, CASE WHEN responses IS NULL THEN 'placed' ELSE 'placed and responding' END;
END
$$;
COMMENT ON FUNCTION edupredict._forecast_error(text, regclass, regclass, edupredict.school_term, regclass) IS
'internal: per horizon, the relative error shared by the caller''s realised earlier forecasts of the model beyond the model''s own variance (error_scale; the supply functions widen by error_scale x known_expected)';

CREATE FUNCTION edupredict.record_forecast(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	run bigint := pg_catalog.nextval('edupredict.forecast_runs');
	measure text := CASE WHEN responses IS NULL THEN 'placed' ELSE 'placed and responding' END;
BEGIN
	-- One statement, so one snapshot: the versions recorded are those predict_availability uses as of
	-- as_of (edupredict.availability_versions) in the very forecasts recorded beside them, although
	-- another session's deploy or training may commit while this runs (a statement of its own for the
	-- versions, or for each level, would record or use other versions:
	-- test/isolation/specs/forecast_versions_race.spec).  The roll-up rows follow the local-authority
	-- rows (UNION ALL keeps their order); supply_rollup runs only when its tables are given.
	INSERT INTO edupredict.forecasts (run_id, model_name, model_versions, measure, as_of, horizon, term, level, area,
									  known_expected, recruits_expected, expected, p10, p50, p90,
									  expected_placements, shortfall, model_sd, error_sd)
	WITH v AS (
		SELECT COALESCE(pg_catalog.jsonb_object_agg(model_name OPERATOR(pg_catalog.||) '_h'
													OPERATOR(pg_catalog.||) a.horizon, a.version), '{}') AS versions
		FROM edupredict.availability_versions(model_name, as_of) a)
	SELECT run, model_name, v.versions, measure, as_of, s.horizon, s.term,
		   CASE WHEN s.local_authority OPERATOR(pg_catalog.=) 'London-wide' THEN 'London-wide' ELSE 'local authority' END,
		   s.local_authority, s.known_tutors, s.recruit_tutors, s.expected_tutors, s.tutors_p10, s.tutors_p50,
		   s.tutors_p90, s.expected_placements, s.shortfall, s.model_sd, s.error_sd
	FROM edupredict.supply_demand(model_name, tutors, placements, opportunities, as_of, responses) s CROSS JOIN v
	UNION ALL
	SELECT run, model_name, v.versions, measure, as_of, r.horizon, r.term, r.level, r.area, r.known_expected,
		   r.recruits_expected, r.total_expected, r.total_p10, r.total_p50, r.total_p90, NULL::float8, NULL::bigint, r.model_sd,
		   r.error_sd
	FROM edupredict.supply_rollup(model_name, tutors, placements, as_of, responses, hubs, sub_regions) r CROSS JOIN v
	WHERE (hubs IS NOT NULL OR sub_regions IS NOT NULL) AND r.level OPERATOR(pg_catalog.=) ANY (ARRAY['hub', 'sub-region']);
	RETURN run;
END
$$;
COMMENT ON FUNCTION edupredict.record_forecast(text, regclass, regclass, regclass, edupredict.school_term, regclass, regclass, regclass) IS
'writes one supply_demand run (and hub and sub-region roll-ups when their tables are given) to edupredict.forecasts with the model versions used; returns the run id';

-- Recorded forecasts beside the realised counts (NULL until the term is in the placement history).
-- latest_own keeps only the caller's own rows of the latest run per model, measure and origin (as_of),
-- the rows score_forecasts scores: a re-run (a scheduled job run twice) replaces the earlier run of
-- that origin instead of weighing it twice, and rows of other roles the caller can see are left out
-- (the owner is matched on the row, so another role's rows that reuse a run id are left out too).
CREATE FUNCTION edupredict._forecast_vs_realised(
	tutors regclass,
	placements regclass,
	responses regclass,
	hubs regclass,
	sub_regions regclass,
	latest_own boolean)
RETURNS TABLE (run_id bigint, recorded_at timestamptz, model_name text, measure text, as_of edupredict.school_term,
			   horizon integer, term edupredict.school_term, level text, area text, expected double precision,
			   p10 bigint, p50 bigint, p90 bigint, realised bigint, error double precision, inside_p10_p90 boolean)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	IF tutors IS NULL OR placements IS NULL THEN
		RAISE EXCEPTION 'tutors and placements must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'local_authority'], ARRAY['bigint', 'text']),
		-- a tutor listed twice under two local authorities would be counted in both areas' realised counts
		edupredict._tutor_areas_problem(tutors),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		CASE WHEN responses IS NOT NULL THEN
			edupredict._relation_problem(responses, 'responses', ARRAY['tutor_id', 'term', 'responded'],
										 ARRAY['bigint', 'edupredict.school_term', 'boolean']) END,
		edupredict._mapping_problem(placements, hubs, sub_regions));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH placed AS MATERIALIZED (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term,
				   %6$s AS school_urn, tu.local_authority::text AS la
			FROM %2$s p JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint),
		last AS (SELECT edupredict.max(placed.term) AS t FROM placed),
		answered AS (%3$s),
		counted AS (
			SELECT placed.*, (a.tutor_id IS NOT NULL) AS responded FROM placed
			LEFT JOIN answered a ON a.tutor_id OPERATOR(pg_catalog.=) placed.tutor_id
								AND a.term OPERATOR(edupredict.=) placed.term),
		realised AS (
			SELECT 'local authority' AS level, c.la AS area, c.term, c.responded, c.tutor_id FROM counted c
			UNION ALL SELECT 'London-wide', 'London-wide', c.term, c.responded, c.tutor_id FROM counted c
			UNION ALL SELECT 'hub', h.hub::text, c.term, c.responded, c.tutor_id
			FROM counted c JOIN %4$s h ON h.school_urn::bigint OPERATOR(pg_catalog.=) c.school_urn
			UNION ALL SELECT 'sub-region', s.sub_region::text, c.term, c.responded, c.tutor_id
			FROM counted c JOIN %5$s s ON s.local_authority::text OPERATOR(pg_catalog.=) c.la),
		counts AS (
			SELECT r.level, r.area, r.term, pg_catalog.count(DISTINCT r.tutor_id) AS placed,
				   pg_catalog.count(DISTINCT r.tutor_id) FILTER (WHERE r.responded) AS placed_responding
			FROM realised r GROUP BY 1, 2, 3),
		f AS (
			SELECT f.*,
				   CASE WHEN last.t IS NULL OR f.term OPERATOR(edupredict.>) last.t THEN NULL
						WHEN f.measure OPERATOR(pg_catalog.=) 'placed and responding' AND NOT $1 THEN NULL
						WHEN f.level OPERATOR(pg_catalog.=) 'hub' AND NOT $2 THEN NULL
						WHEN f.level OPERATOR(pg_catalog.=) 'sub-region' AND NOT $3 THEN NULL
						WHEN f.measure OPERATOR(pg_catalog.=) 'placed' THEN COALESCE(c.placed, 0)
						ELSE COALESCE(c.placed_responding, 0) END AS realised
			FROM edupredict.forecasts f CROSS JOIN last
			LEFT JOIN counts c ON c.level OPERATOR(pg_catalog.=) f.level AND c.area OPERATOR(pg_catalog.=) f.area
							  AND c.term OPERATOR(edupredict.=) f.term
			WHERE NOT $4
			   OR (f.owner OPERATOR(pg_catalog.=) CURRENT_USER
				   AND f.run_id OPERATOR(pg_catalog.=) (
					   SELECT pg_catalog.max(g.run_id) FROM edupredict.forecasts g
					   WHERE g.owner OPERATOR(pg_catalog.=) CURRENT_USER
						 AND g.model_name OPERATOR(pg_catalog.=) f.model_name
						 AND g.measure OPERATOR(pg_catalog.=) f.measure
						 AND g.as_of OPERATOR(edupredict.=) f.as_of)))
		SELECT f.run_id, f.recorded_at, f.model_name, f.measure, f.as_of, f.horizon, f.term, f.level, f.area,
			   f.expected, f.p10, f.p50, f.p90, f.realised, f.expected OPERATOR(pg_catalog.-) f.realised,
			   f.realised OPERATOR(pg_catalog.>=) f.p10 AND f.realised OPERATOR(pg_catalog.<=) f.p90
		FROM f ORDER BY f.run_id, f.level, f.term, f.area
	$q$, tutors, placements,
		CASE WHEN responses IS NULL THEN 'SELECT NULL::bigint AS tutor_id, NULL::edupredict.school_term AS term WHERE false'
			 ELSE pg_catalog.format('SELECT r.tutor_id::bigint AS tutor_id, r.term::edupredict.school_term AS term FROM %s r WHERE r.responded::boolean',
									responses) END,
		COALESCE(hubs::text, '(SELECT NULL::bigint AS school_urn, NULL::text AS hub WHERE false)'),
		COALESCE(sub_regions::text, '(SELECT NULL::text AS local_authority, NULL::text AS sub_region WHERE false)'),
		CASE WHEN hubs IS NULL THEN 'NULL::bigint' ELSE 'p.school_urn::bigint' END)
	USING responses IS NOT NULL, hubs IS NOT NULL, sub_regions IS NOT NULL, latest_own;
END
$$;
COMMENT ON FUNCTION edupredict._forecast_vs_realised(regclass, regclass, regclass, regclass, regclass, boolean) IS
'internal: forecast_vs_realised, or with latest_own only the caller''s own rows of the latest run per model, measure and as_of (what score_forecasts scores)';

CREATE FUNCTION edupredict.forecast_vs_realised(
	tutors regclass,
	placements regclass,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS TABLE (run_id bigint, recorded_at timestamptz, model_name text, measure text, as_of edupredict.school_term,
			   horizon integer, term edupredict.school_term, level text, area text, expected double precision,
			   p10 bigint, p50 bigint, p90 bigint, realised bigint, error double precision, inside_p10_p90 boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM edupredict._forecast_vs_realised(tutors, placements, responses, hubs, sub_regions, false)
$$;
COMMENT ON FUNCTION edupredict.forecast_vs_realised(regclass, regclass, regclass, regclass, regclass) IS
'every recorded forecast the caller can see in edupredict.forecasts (under row-level security: the runs of the roles it is a member of, every role''s for a superuser), for a team''s dashboard, beside the realised count of its term, level and area (NULL until the term is in the placement history, or when the table that level needs is not given), the error and whether it fell in [p10, p90]; score_forecasts scores only the caller''s own';

CREATE FUNCTION edupredict.score_forecasts(
	tutors regclass,
	placements regclass,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS TABLE (model_name text, measure text, level text, horizon integer, n_forecasts bigint, mae double precision,
			   bias double precision, coverage_p10_p90 double precision, mean_expected double precision,
			   mean_realised double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT v.model_name, v.measure, v.level, v.horizon, pg_catalog.count(*), pg_catalog.avg(pg_catalog.abs(v.error)),
		   pg_catalog.avg(v.error), pg_catalog.avg(v.inside_p10_p90::integer), pg_catalog.avg(v.expected),
		   pg_catalog.avg(v.realised)
	FROM edupredict._forecast_vs_realised(tutors, placements, responses, hubs, sub_regions, true) v
	WHERE v.realised IS NOT NULL
	GROUP BY v.model_name, v.measure, v.level, v.horizon
	ORDER BY v.model_name, v.measure,
			 pg_catalog.array_position(ARRAY['local authority', 'hub', 'sub-region', 'London-wide'], v.level), v.horizon
$$;
COMMENT ON FUNCTION edupredict.score_forecasts(regclass, regclass, regclass, regclass, regclass) IS
'scores the caller''s own recorded forecasts whose term has happened, the latest run per model, measure and as_of only, per model, measure, level and horizon: count, mean absolute error, bias (mean of expected - realised) and p10-p90 coverage';

-- Tableau reads this view as the querying role (security_invoker), so row-level security applies.
CREATE VIEW edupredict.tableau_forecasts WITH (security_invoker = true) AS
SELECT f.run_id AS "Run", f.recorded_at AS "Recorded at", f.owner::text AS "Recorded by",
	   f.model_name AS "Model", f.model_versions::text AS "Model versions", f.measure AS "Counts",
	   f.as_of::text AS "Forecast made in term", f.horizon AS "Terms ahead", f.term::text AS "Term",
	   edupredict.term_start(f.term) AS "Term start", f.level AS "Level", f.area AS "Area",
	   pg_catalog.round(f.known_expected::numeric, 1) AS "Expected known tutors",
	   pg_catalog.round(f.recruits_expected::numeric, 1) AS "Expected recruits",
	   pg_catalog.round(f.expected::numeric, 1) AS "Expected tutors", f.p10 AS "Tutors (10th percentile)",
	   f.p50 AS "Tutors (median)", f.p90 AS "Tutors (90th percentile)",
	   pg_catalog.round(f.expected_placements::numeric, 1) AS "Expected placements",
	   f.shortfall AS "Tutors to recruit (90% cover)"
FROM edupredict.forecasts f;
COMMENT ON VIEW edupredict.tableau_forecasts IS 'the forecast log with readable column names and plain types, for Tableau';
SELECT edupredict._reset_privileges('TABLE', 'edupredict.tableau_forecasts');
GRANT SELECT ON edupredict.tableau_forecasts TO PUBLIC;

-- The termly refresh (replaces the original pipeline's Prefect flow): in the caller's transaction,
-- trains the three availability forests as of as_of (features built inside), forecasts known tutors
-- and recruits against demand, and records the run.  as_of defaults to the term after the last
-- placement term, the term the refresh is run in when placements are loaded up to the last term.
CREATE PROCEDURE edupredict.refresh_supply(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	responses regclass DEFAULT NULL,
	as_of edupredict.school_term DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL,
	n_trees integer DEFAULT 100,
	seed bigint DEFAULT 42,
	INOUT run_id bigint DEFAULT NULL)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	t edupredict.school_term := as_of;
	problem text[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR opportunities IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and opportunities must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF n_trees IS NULL OR seed IS NULL THEN
		RAISE EXCEPTION 'n_trees and seed must not be NULL' USING ERRCODE = '22004';
	END IF;
	-- The parameters before anything is read or written (a typo must not cost the run), then the
	-- inputs that record_forecast reads, before the forests are trained (a bad row found after the
	-- training rolled it back, but the training time was lost).
	problem := COALESCE(
		edupredict._availability_params_problem(n_trees),
		edupredict._availability_name_problem(model_name, '{1,2,3}'),  -- train_availability's horizons
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._demand_problem(tutors, opportunities),
		edupredict._mapping_problem(placements, hubs, sub_regions));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	IF t IS NULL THEN
		t := (edupredict._placement_span(placements)).last_term OPERATOR(edupredict.+) 1;
		IF t IS NULL THEN
			RAISE EXCEPTION 'placements relation % is empty', placements USING ERRCODE = '22023',
				DETAIL = 'as_of defaults to the term after the last placement term.', HINT = 'Load the placements first.';
		END IF;
	END IF;
	IF responses IS NOT NULL THEN
		problem := edupredict._responses_problem(responses, t);
		IF problem IS NOT NULL THEN
			RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
		END IF;
	END IF;
	PERFORM edupredict.train_availability(model_name, tutors, placements, t, n_trees => n_trees, seed => seed);
	run_id := edupredict.record_forecast(model_name, tutors, placements, opportunities, t, responses, hubs, sub_regions);
END
$$;
COMMENT ON PROCEDURE edupredict.refresh_supply(text, regclass, regclass, regclass, regclass, edupredict.school_term, regclass, regclass, integer, bigint, bigint) IS
'termly refresh in one transaction: writes new versions of the three availability forests (train_availability) and a recorded supply and demand forecast with recruits (record_forecast); returns the run id';

-- Safe exports (issue 14): small-cell suppression of a two-way table of counts, such as local
-- authority x term.  Primary: a cell below k (edupredict.min_cell, default 5, superuser-only; an
-- argument may raise k, never lower it) is suppressed.  Secondary: while some row or column has
-- exactly one suppressed cell, the smallest published cell of that row or column (ties: the first
-- key) is suppressed too, so no suppressed cell equals a published row or column total minus the
-- published cells.  Every round suppresses at least one more cell, so it ends.
-- k is read through _min_cell(), a function of the library, never with current_setting(): before
-- the library is loaded in a backend (without shared_preload_libraries) edupredict.min_cell is a
-- placeholder any role can SET; calling the library's function loads it, and its superuser-only
-- definition discards such a value.
CREATE FUNCTION edupredict._min_cell()
RETURNS integer
AS 'MODULE_PATHNAME', 'forecast_min_cell'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict._min_cell() IS
'internal: edupredict.min_cell as the library defines it (superuser-only); calling it loads the library, which discards a placeholder value an ordinary role set';

CREATE FUNCTION edupredict.suppress_small_cells(
	cells regclass,
	row_column name,
	column_column name,
	value_column name,
	min_cell integer DEFAULT NULL)
RETURNS TABLE (row_key text, column_key text, value double precision, suppressed boolean, reason text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	k integer := GREATEST(edupredict._min_cell(),
						  COALESCE(min_cell, 0));
	problem text[];
	rk text[];
	ck text[];
	v float8[];
	why text[];
	pick bigint[];
	i bigint;
BEGIN
	IF cells IS NULL OR row_column IS NULL OR column_column IS NULL OR value_column IS NULL THEN
		RAISE EXCEPTION 'cells, row_column, column_column and value_column must not be NULL' USING ERRCODE = '22004';
	END IF;
	-- an empty name is no column: name the argument (the shared check would list ", c, n")
	IF '' OPERATOR(pg_catalog.=) ANY (ARRAY[row_column, column_column, value_column]::text[]) THEN
		RAISE EXCEPTION '% must not be empty',
			CASE WHEN row_column OPERATOR(pg_catalog.=) '' THEN 'row_column'
				 WHEN column_column OPERATOR(pg_catalog.=) '' THEN 'column_column' ELSE 'value_column' END
			USING ERRCODE = '22023',
			HINT = 'Pass the names of the cells relation''s columns holding the row key, the column key and the value.';
	END IF;
	problem := edupredict._relation_problem(cells, 'cells', ARRAY[row_column, column_column, value_column]::text[],
											ARRAY['text', 'text', 'double precision']);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.array_agg(c.r ORDER BY c.r, c.c), pg_catalog.array_agg(c.c ORDER BY c.r, c.c),
				pg_catalog.array_agg(c.v ORDER BY c.r, c.c)
		 FROM (SELECT x.%1$I::text AS r, x.%2$I::text AS c, x.%3$I::float8 AS v FROM %4$s x) c',
		row_column, column_column, value_column, cells) INTO rk, ck, v;
	IF rk IS NULL THEN
		RETURN;
	END IF;
	IF pg_catalog.cardinality(rk) OPERATOR(pg_catalog.>) 1000000 THEN
		RAISE EXCEPTION 'suppress_small_cells takes at most 1000000 cells' USING ERRCODE = '54000',
			DETAIL = pg_catalog.format('Got %s.', pg_catalog.cardinality(rk));
	END IF;
	SELECT pg_catalog.array_agg(CASE WHEN x.v OPERATOR(pg_catalog.<) k THEN 'primary' END ORDER BY x.i) INTO why
	FROM pg_catalog.unnest(v) WITH ORDINALITY x(v, i);
	LOOP
		-- Rows and columns with exactly one suppressed cell: suppress their smallest published cell.
		WITH c AS (
			SELECT x.r, x.c, x.v, x.w IS NOT NULL AS s, x.i
			FROM ROWS FROM (pg_catalog.unnest(rk), pg_catalog.unnest(ck), pg_catalog.unnest(v), pg_catalog.unnest(why))
				 WITH ORDINALITY x(r, c, v, w, i)),
		lines AS (
			SELECT 'r' AS kind, c.r AS line, c.c AS other, c.v, c.s, c.i FROM c
			UNION ALL
			SELECT 'c', c.c, c.r, c.v, c.s, c.i FROM c),
		open_lines AS (
			SELECT l.kind, l.line FROM lines l GROUP BY l.kind, l.line
			HAVING pg_catalog.count(*) FILTER (WHERE l.s) OPERATOR(pg_catalog.=) 1
			   AND pg_catalog.count(*) FILTER (WHERE NOT l.s AND l.v IS NOT NULL) OPERATOR(pg_catalog.>) 0)
		SELECT pg_catalog.array_agg(DISTINCT p.i) INTO pick
		FROM (SELECT DISTINCT ON (l.kind, l.line) l.i
			  FROM lines l JOIN open_lines o ON o.kind OPERATOR(pg_catalog.=) l.kind AND o.line OPERATOR(pg_catalog.=) l.line
			  WHERE NOT l.s AND l.v IS NOT NULL
			  ORDER BY l.kind, l.line, l.v, l.other) p;
		EXIT WHEN pick IS NULL;
		FOREACH i IN ARRAY pick LOOP
			why[i] := 'secondary';
		END LOOP;
	END LOOP;
	RETURN QUERY
	SELECT x.r, x.c, CASE WHEN x.w IS NULL THEN x.v END, x.w IS NOT NULL, x.w
	FROM ROWS FROM (pg_catalog.unnest(rk), pg_catalog.unnest(ck), pg_catalog.unnest(v), pg_catalog.unnest(why)) x(r, c, v, w);
END
$$;
COMMENT ON FUNCTION edupredict.suppress_small_cells(regclass, name, name, name, integer) IS
'small-cell suppression of a two-way table of counts (one row per cell: row key, column key, value): values below edupredict.min_cell (or min_cell, if higher) become NULL (primary), and further cells (secondary) so that none is a row or column total minus the published cells of that line';

-- Gap-filled entity x period panels (src/panel*.c, docs/panels.md).

CREATE FUNCTION edupredict.build_panel(
    output text, events regclass, entity text[], time_column text,
    period text DEFAULT 'week', measures text[] DEFAULT ARRAY['count'],
    lags int[] DEFAULT '{}', rolling int[] DEFAULT '{}',
    label text DEFAULT NULL, horizon int DEFAULT 1, label_column text DEFAULT NULL,
    spine regclass DEFAULT NULL, spine_start text DEFAULT NULL, spine_end text DEFAULT NULL,
    spine_until text DEFAULT NULL, origin text DEFAULT NULL,
    as_of text DEFAULT NULL, time_zone text DEFAULT 'UTC', fill text DEFAULT 'zero')
RETURNS TABLE (panel regclass, entities bigint, "rows" bigint, labelled bigint, positives bigint)
AS 'MODULE_PATHNAME', 'build_panel'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000 ROWS 1;
COMMENT ON FUNCTION edupredict.build_panel(text, regclass, text[], text, text, text[], int[], int[], text, int, text, regclass, text, text, text, text, text, text, text) IS
'writes a new table: one row per entity and period (gap-filled) with measures, lags, rolling means and a next-h-periods label, from events strictly before as_of';

-- Time-ordered split of a panel: training rows whose label window ends by
-- train_until, test rows in the periods after it.
CREATE FUNCTION edupredict.panel_split(panel regclass, train_until int, horizon int DEFAULT 0,
                                       test_periods int DEFAULT 1)
RETURNS TABLE (train regclass, test regclass)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nsp text;
    rel text;
BEGIN
    IF panel IS NULL OR train_until IS NULL OR horizon IS NULL OR test_periods IS NULL THEN
        RAISE EXCEPTION 'panel_split arguments must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF horizon < 0 OR test_periods < 1 THEN
        RAISE EXCEPTION 'horizon must be >= 0 and test_periods >= 1' USING ERRCODE = '22023';
    END IF;
    -- build_panel's period numbers lie in -2^30 .. 2^30 - 1 (panel_period.c); the views' bounds
    -- (train_until - horizon, train_until + test_periods) are computed in bigint, so no int argument
    -- overflows them.
    IF train_until OPERATOR(pg_catalog.<) -1073741824 OR train_until OPERATOR(pg_catalog.>) 1073741823 THEN
        RAISE EXCEPTION 'train_until must be a period number between -1073741824 and 1073741823'
            USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s.', train_until);
    END IF;
    SELECT n.nspname, c.relname INTO nsp, rel
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.oid OPERATOR(pg_catalog.=) panel;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid OPERATOR(pg_catalog.=) panel AND a.attname OPERATOR(pg_catalog.=) 'period'
                     AND a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.int4'::pg_catalog.regtype
                     AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'relation % has no integer column "period"', panel USING ERRCODE = '42703',
            HINT = 'Split a table written by edupredict.build_panel.';
    END IF;
    EXECUTE pg_catalog.format('CREATE VIEW %I.%I AS SELECT * FROM %I.%I WHERE period OPERATOR(pg_catalog.<=) %s',
                              nsp, rel OPERATOR(pg_catalog.||) '_train', nsp, rel,
                              train_until::pg_catalog.int8 OPERATOR(pg_catalog.-) horizon);
    EXECUTE pg_catalog.format('CREATE VIEW %I.%I AS SELECT * FROM %I.%I WHERE period OPERATOR(pg_catalog.>) %s AND period OPERATOR(pg_catalog.<=) %s',
                              nsp, rel OPERATOR(pg_catalog.||) '_test', nsp, rel, train_until,
                              train_until::pg_catalog.int8 OPERATOR(pg_catalog.+) test_periods);
    train := pg_catalog.format('%I.%I', nsp, rel OPERATOR(pg_catalog.||) '_train')::pg_catalog.regclass;
    test := pg_catalog.format('%I.%I', nsp, rel OPERATOR(pg_catalog.||) '_test')::pg_catalog.regclass;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION edupredict.panel_split(regclass, int, int, int) IS
'writes two views over a panel: <panel>_train (period <= train_until - horizon, so no label looks past train_until) and <panel>_test (the test_periods periods after train_until)';

-- Scoring rows as they arrive (src/scoring*.c, docs/scoring.md).

CREATE FUNCTION edupredict.score_row()
RETURNS trigger
AS 'MODULE_PATHNAME', 'edupredict_score_row'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION edupredict.score_row() IS
'trigger (BEFORE INSERT OR UPDATE FOR EACH ROW, installed by attach_scoring): writes the model''s risk into the row''s output column, running the model as the table''s owner';

CREATE FUNCTION edupredict.alert_rows()
RETURNS trigger
AS 'MODULE_PATHNAME', 'edupredict_alert_rows'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION edupredict.alert_rows() IS
'trigger (AFTER INSERT or UPDATE FOR EACH STATEMENT, installed by attach_scoring): writes an alert row and a notification for each row whose risk reaches the threshold';

-- The scored table's schema, name and owner, once the caller is shown to act
-- for the owner; the table is locked against concurrent DDL until commit.
CREATE FUNCTION edupredict._scoring_table(tbl regclass, OUT nsp text, OUT rel text, OUT owner oid)
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind "char";
BEGIN
    SELECT n.nspname, c.relname, c.relowner, c.relkind INTO nsp, rel, owner, kind
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.oid OPERATOR(pg_catalog.=) tbl;
    IF kind IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION '% is not an ordinary table', tbl USING ERRCODE = '42809',
            HINT = 'Scoring triggers go on ordinary tables (not views, partitioned or foreign tables).';
    END IF;
    IF NOT pg_catalog.pg_has_role(owner, 'USAGE') THEN
        RAISE EXCEPTION 'must be the owner of table % to attach or detach scoring', tbl USING ERRCODE = '42501';
    END IF;
    EXECUTE pg_catalog.format('LOCK TABLE %I.%I IN SHARE ROW EXCLUSIVE MODE', nsp, rel);
END
$$;
COMMENT ON FUNCTION edupredict._scoring_table(regclass) IS
'internal: schema, name and owner of a table the caller owns, locked against DDL (writes a lock)';

-- The model as the table's owner sees it, read with the triggers' switch to
-- the owner (src/scoring_attach.c): raises the error a write would raise when
-- the owner cannot use the model.  Only for a caller who acts for the owner.
CREATE FUNCTION edupredict._scoring_model(tbl regclass, model_name text,
    OUT classes text[], OUT features text[], OUT name_owner oid)
AS 'MODULE_PATHNAME', 'edupredict_scoring_model'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION edupredict._scoring_model(regclass, text) IS
'internal (attach_scoring): classes, features and name owner of a registry model, read as the owner of a table the caller owns';

CREATE FUNCTION edupredict.attach_scoring(
    tbl regclass, model_name text, output_column text, class text DEFAULT NULL,
    alert_threshold float8 DEFAULT NULL, alert_key text DEFAULT NULL, alert_channel text DEFAULT NULL)
RETURNS TABLE (object_type text, object_name text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- the threshold goes into the trigger arguments as text: shortest exact digits, whatever the session's setting
SET extra_float_digits = 3
AS $$
DECLARE
    t record;
    m record;
    classes text[];
    cls text := class;
    missing text;
    tname text;
    aname text;
    aoid oid;
    mowner oid;
BEGIN
    IF tbl IS NULL OR model_name IS NULL OR output_column IS NULL THEN
        RAISE EXCEPTION 'tbl, model_name and output_column must not be NULL' USING ERRCODE = '22004';
    END IF;
    t := edupredict._scoring_table(tbl);
    -- refused at attach only: a scored table attached to a partitioned table later can still be detached
    IF (SELECT c.relispartition FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl) THEN
        RAISE EXCEPTION 'cannot attach scoring to % because it is a partition', tbl USING ERRCODE = '42809',
            DETAIL = 'PostgreSQL does not fire a partition''s statement-level triggers, which write the alerts, for rows inserted or updated through its partitioned table: those rows would be scored but never alerted.',
            HINT = 'Attach scoring to tables that are not partitions, or score the rows in a query with edupredict.predict_proba().';
    END IF;
    -- likewise inheritance (src/scoring_ddl_guard.c keeps scored tables out of both kinds of hierarchy later)
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid OPERATOR(pg_catalog.=) tbl) THEN
        RAISE EXCEPTION 'cannot attach scoring to % because it is an inheritance child', tbl USING ERRCODE = '42809',
            DETAIL = 'PostgreSQL fires only the parent''s statement-level triggers, which write the alerts, for rows updated through the parent: those rows would be scored again but never alerted.',
            HINT = 'Attach scoring to tables outside inheritance hierarchies (ALTER TABLE ... NO INHERIT leaves one), or score the rows in a query with edupredict.predict_proba().';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent OPERATOR(pg_catalog.=) tbl) THEN
        RAISE EXCEPTION 'cannot attach scoring to % because it has inheritance children', tbl USING ERRCODE = '42809',
            DETAIL = 'PostgreSQL fires a child table''s own row triggers, not the parent''s, for its rows updated through the parent: those rows would not be scored, and the parent''s alert triggers would read their risks.',
            HINT = 'Attach scoring to tables outside inheritance hierarchies (ALTER TABLE ... NO INHERIT leaves one), or score the rows in a query with edupredict.predict_proba().';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) output_column
                     AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
                     AND a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.float8'::pg_catalog.regtype) THEN
        RAISE EXCEPTION 'table % has no double precision column "%"', tbl, edupredict._name_for_message(output_column) USING ERRCODE = '42703',
            HINT = 'Add the output column first, e.g. ALTER TABLE ... ADD COLUMN risk double precision.';
    END IF;
    -- PostgreSQL computes generated columns after BEFORE row triggers: the risk would be overwritten
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
               WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) output_column
                 AND a.attgenerated OPERATOR(pg_catalog.<>) '') THEN
        RAISE EXCEPTION 'output column "%" of % is a generated column', output_column, tbl USING ERRCODE = '42P16',
            DETAIL = 'PostgreSQL computes a generated column after the BEFORE trigger that writes the risk, so the risk would never be stored.',
            HINT = 'Use an ordinary double precision column.';
    END IF;
    -- the model as the table's owner sees it: the triggers run it as the owner
    -- (raises "model ... does not exist" when the owner cannot use it)
    m := edupredict._scoring_model(tbl, model_name);
    classes := m.classes;
    IF classes IS NULL THEN
        IF cls IS NOT NULL THEN
            RAISE EXCEPTION 'model "%" is a regression model; class must be NULL', model_name USING ERRCODE = '22023';
        END IF;
        cls := '';
    ELSIF cls IS NULL THEN
        IF pg_catalog.cardinality(classes) OPERATOR(pg_catalog.<>) 2 THEN
            RAISE EXCEPTION 'model "%" has % classes; name the class whose probability to store', model_name,
                pg_catalog.cardinality(classes) USING ERRCODE = '22023';
        END IF;
        cls := classes[2];
    ELSIF NOT cls OPERATOR(pg_catalog.=) ANY (classes) THEN
        RAISE EXCEPTION 'model "%" has no class "%"', model_name, edupredict._name_for_message(cls) USING ERRCODE = '22023';
    END IF;
    SELECT f.feature INTO missing FROM pg_catalog.unnest(m.features) f(feature)
    WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                      WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) f.feature
                        AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)
       OR f.feature OPERATOR(pg_catalog.=) output_column
    LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'table % cannot feed model "%": feature column "%" is missing or is the output column',
            tbl, model_name, missing USING ERRCODE = '42703';
    END IF;
    -- and the scoring trigger would see a generated feature unset (NULL on insert, the old value on update)
    SELECT a.attname INTO missing FROM pg_catalog.pg_attribute a
    WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) ANY (m.features)
      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND a.attgenerated OPERATOR(pg_catalog.<>) ''
    ORDER BY a.attnum LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'feature column "%" of % is a generated column', missing, tbl USING ERRCODE = '42P16',
            DETAIL = 'PostgreSQL computes a generated column after the BEFORE trigger that scores the row, so the model would see it unset on insert and stale on update.',
            HINT = 'Train the model on the columns it is computed from, or store it in an ordinary column.';
    END IF;
    IF pg_catalog.octet_length(output_column) OPERATOR(pg_catalog.>) 42 THEN
        RAISE EXCEPTION 'output column name "%" is too long to name the scoring objects after it (at most 42 bytes)',
            edupredict._name_for_message(output_column) USING ERRCODE = '42622';
    END IF;
    tname := 'edupredict_score_' OPERATOR(pg_catalog.||) output_column;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g WHERE g.tgrelid OPERATOR(pg_catalog.=) tbl
               AND g.tgname OPERATOR(pg_catalog.=) tname) THEN
        RAISE EXCEPTION 'scoring is already attached to column "%" of %', output_column, tbl USING ERRCODE = '42710',
            HINT = 'Detach it first with edupredict.detach_scoring().';
    END IF;
    -- the name's owner now: a model of that name by another role (after a drop) is not used
    mowner := m.name_owner;
    IF mowner IS NULL THEN
        RAISE EXCEPTION 'model "%" does not exist', edupredict._name_for_message(model_name) USING ERRCODE = '42704';
    END IF;
    EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I.%I FOR EACH ROW '
                              'EXECUTE FUNCTION edupredict.score_row(%L, %L, %L, %L)',
                              tname, t.nsp, t.rel, model_name, cls, output_column, mowner);
    object_type := 'trigger'; object_name := tname; RETURN NEXT;

    IF alert_threshold IS NULL THEN
        IF alert_key IS NOT NULL OR alert_channel IS NOT NULL THEN
            RAISE EXCEPTION 'alert_key and alert_channel need alert_threshold' USING ERRCODE = '22023';
        END IF;
        RETURN;
    END IF;
    -- NaN equals NaN in PostgreSQL, so it is compared like the infinities
    IF alert_threshold OPERATOR(pg_catalog.=) ANY ('{NaN,Infinity,-Infinity}'::pg_catalog.float8[]) THEN
        RAISE EXCEPTION 'alert_threshold must be a finite number' USING ERRCODE = '22023';
    END IF;
    IF alert_key IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
               WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) alert_key
                 AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'alerts need alert_key, a column of % that identifies the row', tbl USING ERRCODE = '42703';
    END IF;
    IF alert_channel IS NOT NULL AND (alert_channel OPERATOR(pg_catalog.=) ''
       OR pg_catalog.octet_length(alert_channel) OPERATOR(pg_catalog.>) 63) THEN
        RAISE EXCEPTION 'alert_channel must be a non-empty name of at most 63 bytes' USING ERRCODE = '22023';
    END IF;
    aname := t.rel OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_alerts';
    IF pg_catalog.octet_length(aname) OPERATOR(pg_catalog.>) 63 THEN
        RAISE EXCEPTION 'the alerts table name "%" would be too long', aname USING ERRCODE = '42622';
    END IF;
    EXECUTE pg_catalog.format('CREATE TABLE %I.%I (
        alert_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_table text NOT NULL,
        entity_key text,
        model text NOT NULL,
        version integer,
        output_column text NOT NULL,
        risk double precision NOT NULL,
        alerted_at timestamptz NOT NULL DEFAULT pg_catalog.now())', t.nsp, aname);
    aoid := pg_catalog.format('%I.%I', t.nsp, aname)::pg_catalog.regclass;
    -- the alert trigger writes it as the scored table's owner
    EXECUTE pg_catalog.format('ALTER TABLE %I.%I OWNER TO %I', t.nsp, aname, pg_catalog.pg_get_userbyid(t.owner));
    EXECUTE pg_catalog.format('COMMENT ON TABLE %I.%I IS %L', t.nsp, aname,
        pg_catalog.format('alerts of edupredict.attach_scoring on %s.%s (model %s, column %s, threshold %s); dropped by detach_scoring',
                          t.nsp, t.rel, model_name, output_column, alert_threshold));
    object_type := 'table'; object_name := pg_catalog.format('%I.%I', t.nsp, aname); RETURN NEXT;
    EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT ON %I.%I REFERENCING NEW TABLE AS edupredict_new '
                              'FOR EACH STATEMENT EXECUTE FUNCTION edupredict.alert_rows(%L, %L, %L, %L, %L, %L)',
                              'edupredict_alert_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_ins',
                              t.nsp, t.rel, model_name, output_column, alert_key, alert_threshold::text,
                              aoid::text, COALESCE(alert_channel, ''));
    EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER UPDATE ON %I.%I REFERENCING OLD TABLE AS edupredict_old '
                              'NEW TABLE AS edupredict_new FOR EACH STATEMENT '
                              'EXECUTE FUNCTION edupredict.alert_rows(%L, %L, %L, %L, %L, %L)',
                              'edupredict_alert_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_upd',
                              t.nsp, t.rel, model_name, output_column, alert_key, alert_threshold::text,
                              aoid::text, COALESCE(alert_channel, ''));
    object_type := 'trigger'; object_name := 'edupredict_alert_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_ins'; RETURN NEXT;
    object_type := 'trigger'; object_name := 'edupredict_alert_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_upd'; RETURN NEXT;
END
$$;
COMMENT ON FUNCTION edupredict.attach_scoring(regclass, text, text, text, float8, text, text) IS
'writes triggers (and an alerts table) on a table: its output column gets the model''s risk on every insert and update; rows at or above alert_threshold are written to <table>_<column>_alerts and announced on alert_channel';

CREATE FUNCTION edupredict.detach_scoring(tbl regclass, output_column text, keep_alerts boolean DEFAULT false)
RETURNS TABLE (object_type text, object_name text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
    g record;
    nul CONSTANT pg_catalog.bytea := pg_catalog.decode('00', 'hex');
    args pg_catalog.bytea;
    arg text;
    aoids pg_catalog.oid[] := '{}';
    aname text;
BEGIN
    IF tbl IS NULL OR output_column IS NULL OR keep_alerts IS NULL THEN
        RAISE EXCEPTION 'tbl, output_column and keep_alerts must not be NULL' USING ERRCODE = '22004';
    END IF;
    t := edupredict._scoring_table(tbl);
    FOR g IN
        SELECT tr.tgname, tr.tgfoid, tr.tgnargs, tr.tgargs
        FROM pg_catalog.pg_trigger tr
        WHERE tr.tgrelid OPERATOR(pg_catalog.=) tbl
          AND tr.tgname OPERATOR(pg_catalog.=) ANY (ARRAY[
              'edupredict_score_' OPERATOR(pg_catalog.||) output_column,
              'edupredict_alert_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_ins',
              'edupredict_alert_' OPERATOR(pg_catalog.||) output_column OPERATOR(pg_catalog.||) '_upd'])
          AND tr.tgfoid OPERATOR(pg_catalog.=) ANY (ARRAY['edupredict.score_row()'::pg_catalog.regprocedure,
                                                          'edupredict.alert_rows()'::pg_catalog.regprocedure]::pg_catalog.oid[])
        ORDER BY tr.tgname
    LOOP
        -- the alerts table is the alert trigger's 5th argument, its OID (arguments end with a NUL byte)
        IF g.tgfoid OPERATOR(pg_catalog.=) 'edupredict.alert_rows()'::pg_catalog.regprocedure
           AND g.tgnargs OPERATOR(pg_catalog.=) 6 THEN
            args := g.tgargs;
            FOR i IN 1..4 LOOP
                args := pg_catalog.substr(args, pg_catalog.position(args, nul) OPERATOR(pg_catalog.+) 1);
            END LOOP;
            arg := pg_catalog.encode(pg_catalog.substr(args, 1, pg_catalog.position(args, nul) OPERATOR(pg_catalog.-) 1), 'escape');
            IF arg OPERATOR(pg_catalog.~) '^[0-9]{1,10}$' AND arg::pg_catalog.int8 OPERATOR(pg_catalog.<=) 4294967295 THEN
                aoids := pg_catalog.array_append(aoids, arg::pg_catalog.int8::pg_catalog.oid);
            END IF;
        END IF;
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %I.%I', g.tgname, t.nsp, t.rel);
        object_type := 'trigger'; object_name := g.tgname; RETURN NEXT;
    END LOOP;
    IF object_name IS NULL THEN
        RAISE EXCEPTION 'no scoring is attached to column "%" of %', edupredict._name_for_message(output_column), tbl USING ERRCODE = '42704';
    END IF;
    -- drop only the table attach_scoring created, named by OID in the triggers (never one found by
    -- its name: the scored table may have been renamed and the name taken), if both triggers agree,
    -- it still belongs to the table's owner, and its name, locked, still denotes it
    IF keep_alerts OR pg_catalog.cardinality(aoids) OPERATOR(pg_catalog.=) 0
       OR aoids[1] OPERATOR(pg_catalog.<>) ANY (aoids) THEN
        RETURN;
    END IF;
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO aname
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.oid OPERATOR(pg_catalog.=) aoids[1] AND c.relkind OPERATOR(pg_catalog.=) 'r'
      AND c.relowner OPERATOR(pg_catalog.=) t.owner;
    IF aname IS NULL THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', aname);
    IF pg_catalog.to_regclass(aname)::pg_catalog.oid OPERATOR(pg_catalog.=) aoids[1] THEN
        EXECUTE pg_catalog.format('DROP TABLE %s', aname);
        object_type := 'table'; object_name := aname; RETURN NEXT;
    END IF;
END
$$;
COMMENT ON FUNCTION edupredict.detach_scoring(regclass, text, boolean) IS
'writes: drops the triggers attach_scoring put on a table for an output column, and its alerts table unless keep_alerts';
-- Keep this fragment last.  0.1.0's schema and edupredict.london_schools,
-- which no fragment re-creates, were made under the installing role's
-- default privileges too: they keep 0.1.0's grants only.  Then the helper
-- of 00_header.sql goes.
SELECT edupredict._reset_privileges('SCHEMA', 'edupredict');
GRANT USAGE ON SCHEMA edupredict TO PUBLIC;
SELECT edupredict._reset_privileges('TABLE', 'edupredict.london_schools');
GRANT SELECT ON edupredict.london_schools TO PUBLIC;

DROP FUNCTION edupredict._reset_privileges(text, text);
