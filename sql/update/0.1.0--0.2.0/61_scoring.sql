
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
