
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
