-- build_panel properties on generated data: nothing at or after as_of can
-- change a panel built at as_of; as_of does not distort complete periods;
-- the panel equals the hand-written SQL of bench/panels_hand.sql; errors
-- carry their SQLSTATEs.
BEGIN;
SELECT plan(38);
SET LOCAL client_min_messages = warning;

SELECT volatility_is('edupredict', 'build_panel',
  ARRAY['text', 'regclass', 'text[]', 'text', 'text', 'text[]', 'integer[]', 'integer[]', 'text', 'integer',
        'text', 'regclass', 'text', 'text', 'text', 'text', 'text', 'text', 'text'],
  'volatile', 'build_panel is VOLATILE (it writes a table)');
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'edupredict.build_panel'::regproc), 'u'::"char",
          'build_panel is PARALLEL UNSAFE');

-- Random events of 40 entities over 120 days, a spine with starts, some ends
-- and a course end; everything seeded.
CREATE FUNCTION pg_temp.world(seed int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS pg_temp.le, pg_temp.ls;
  CREATE TEMP TABLE le AS
  SELECT (1 + floor(edupredict.seeded_uniform(seed, 1, g) * 40))::int AS entity,
         DATE '2024-01-01' + floor(edupredict.seeded_uniform(seed, 2, g) * 120)::int AS day,
         CASE WHEN edupredict.seeded_uniform(seed, 3, g) < 0.1 THEN NULL
              ELSE round((edupredict.seeded_uniform(seed, 4, g) * 100)::numeric, 1)::float8 END AS score,
         edupredict.seeded_uniform(seed, 5, g) < 0.05 AS flag,
         TIMESTAMPTZ '2024-01-01 00:00+00' + edupredict.seeded_uniform(seed, 6, g) * interval '120 days' AS at
  FROM generate_series(1, 900) g;
  CREATE TEMP TABLE ls AS
  SELECT e AS entity, DATE '2024-01-01' + floor(edupredict.seeded_uniform(seed, 7, e) * 40)::int AS start_day,
         CASE WHEN edupredict.seeded_uniform(seed, 8, e) < 0.4
              THEN DATE '2024-01-20' + floor(edupredict.seeded_uniform(seed, 9, e) * 100)::int END AS end_day,
         DATE '2024-04-25' AS until_day
  FROM generate_series(1, 40) e;
END $$;

-- The future after as_of: more events (on and after as_of), ends at or
-- after as_of moved, open entities given ends after as_of.
CREATE FUNCTION pg_temp.future(seed int, as_of date) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO le
  SELECT (1 + floor(edupredict.seeded_uniform(seed, 11, g) * 40))::int,
         as_of + floor(edupredict.seeded_uniform(seed, 12, g) * 40)::int,
         edupredict.seeded_uniform(seed, 13, g) * 100, edupredict.seeded_uniform(seed, 14, g) < 0.5,
         (as_of::text || ' 15:30+00')::timestamptz + edupredict.seeded_uniform(seed, 15, g) * interval '40 days'
  FROM generate_series(1, 300) g;
  UPDATE ls SET end_day = as_of + floor(edupredict.seeded_uniform(seed, 16, entity) * 30)::int
  WHERE end_day IS NULL OR end_day >= as_of;
END $$;

-- Builds the same panel before and after the future; records differences.
CREATE TEMP TABLE leak (config text, seed int, diff bigint);
CREATE FUNCTION pg_temp.leak_case(config text, seed int, args text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  as_of date := DATE '2024-01-15' + floor(edupredict.seeded_uniform(seed, 20, 0) * 80)::int;
  a text := replace(replace(args, '$AS_OF_TS', quote_literal(as_of::text || ' 15:30+00')),
                    '$AS_OF', quote_literal(as_of));
  n bigint;
BEGIN
  PERFORM pg_temp.world(seed);
  DROP TABLE IF EXISTS pg_temp.pa, pg_temp.pb;
  EXECUTE format('SELECT edupredict.build_panel(%L, %s)', 'pg_temp.pa', a);
  PERFORM pg_temp.future(seed, as_of);
  EXECUTE format('SELECT edupredict.build_panel(%L, %s)', 'pg_temp.pb', a);
  SELECT (SELECT count(*) FROM (TABLE pa EXCEPT ALL TABLE pb) x) + (SELECT count(*) FROM (TABLE pb EXCEPT ALL TABLE pa) y)
    INTO n;
  INSERT INTO leak VALUES (config, seed, n);
END $$;

SELECT pg_temp.leak_case('week spine end', s,
  $a$'le', '{entity}', 'day', 'week', '{count,days_active,since_last,sum(score),mean(score),max(score)}',
     lags => '{1,2}', rolling => '{3}', label => 'end', horizon => 2, spine => 'ls', spine_start => 'start_day',
     spine_end => 'end_day', spine_until => 'until_day', as_of => $AS_OF$a$) FROM generate_series(1, 6) s;
SELECT is((SELECT sum(diff) FROM leak WHERE config = 'week spine end'), 0::numeric,
          'weekly panel with a spine and label end: unchanged by the future (6 seeds)');
SELECT pg_temp.leak_case('day inactive', s,
  $a$'le', '{entity}', 'day', 'day', '{count,sum(score),since_last}', lags => '{1,7}', rolling => '{7}',
     label => 'inactive', horizon => 3, as_of => $AS_OF$a$) FROM generate_series(1, 6) s;
SELECT is((SELECT sum(diff) FROM leak WHERE config = 'day inactive'), 0::numeric,
          'daily panel with label inactive: unchanged by the future (6 seeds)');
SELECT pg_temp.leak_case('month event', s,
  $a$'le', '{entity}', 'day', 'month', '{count,min(score)}', lags => '{1}', label => 'event', horizon => 1,
     label_column => 'flag', fill => 'carry_forward', as_of => $AS_OF$a$) FROM generate_series(1, 6) s;
SELECT is((SELECT sum(diff) FROM leak WHERE config = 'month event'), 0::numeric,
          'monthly panel with label event and carry_forward: unchanged by the future (6 seeds)');
SELECT pg_temp.leak_case('timestamptz zone', s,
  $a$'le', '{entity}', 'at', 'week', '{count,days_active}', rolling => '{2}', label => 'inactive',
     time_zone => 'America/New_York', as_of => $AS_OF_TS$a$) FROM generate_series(1, 6) s;
SELECT is((SELECT sum(diff) FROM leak WHERE config = 'timestamptz zone'), 0::numeric,
          'timestamptz events in New York time, as_of mid-day: unchanged by the future (6 seeds)');
SELECT pg_temp.leak_case('interpolate', s,
  $a$'le', '{entity}', 'day', '10', '{count,mean(score)}', lags => '{1}', rolling => '{3}',
     fill => 'interpolate', as_of => $AS_OF$a$) FROM generate_series(1, 6) s;
SELECT is((SELECT sum(diff) FROM leak WHERE config = 'interpolate'), 0::numeric,
          'ten-day panel with interpolation: unchanged by the future (6 seeds)');
SELECT cmp_ok((SELECT count(*) FROM leak), '=', 30::bigint, 'every leakage case ran');

-- Periods that end before as_of have the features they have in the panel of
-- the whole history (labels aside: at as_of they may not be known yet).
SELECT pg_temp.world(3);
SELECT edupredict.build_panel('pg_temp.full3', 'le', '{entity}', 'day', 'week', '{count,sum(score),days_active}',
                              lags => '{1}', rolling => '{4}', label => 'inactive', horizon => 2);
SELECT edupredict.build_panel('pg_temp.asof3', 'le', '{entity}', 'day', 'week', '{count,sum(score),days_active}',
                              lags => '{1}', rolling => '{4}', label => 'inactive', horizon => 2, as_of => '2024-03-04');
SELECT is_empty($$
  SELECT entity, period, n_events, sum_score, days_active, n_events_lag1, n_events_roll4 FROM asof3
  WHERE period_start + 7 <= DATE '2024-03-04'
  EXCEPT SELECT entity, period, n_events, sum_score, days_active, n_events_lag1, n_events_roll4 FROM full3$$,
  'features of complete weeks before as_of equal the full-history panel');
SELECT is_empty($$
  SELECT a.entity, a.period FROM asof3 a JOIN full3 f USING (entity, period)
  WHERE a.label IS NOT NULL AND a.label IS DISTINCT FROM f.label$$,
  'labels known at as_of agree with the full history');
SELECT cmp_ok((SELECT count(*) FROM asof3 WHERE label IS NULL AND period_start + 21 <= DATE '2024-03-04'),
              '=', 0::bigint, 'labels whose window ends before as_of are known');

-- The same with timestamptz events in New York time and a mid-day as_of:
-- the day holding as_of has not ended (its later events are not read), so a
-- window that reaches it is not known.
SELECT edupredict.build_panel('pg_temp.full_tz', 'le', '{entity}', 'at', 'day', '{count}',
                              label => 'inactive', time_zone => 'America/New_York');
SELECT edupredict.build_panel('pg_temp.asof_tz', 'le', '{entity}', 'at', 'day', '{count}',
                              label => 'inactive', time_zone => 'America/New_York',
                              as_of => '2024-03-04 15:30+00');
SELECT is_empty($$
  SELECT a.entity, a.period FROM asof_tz a JOIN full_tz f USING (entity, period)
  WHERE a.label IS NOT NULL AND a.label IS DISTINCT FROM f.label$$,
  'labels known at a mid-day timestamptz as_of agree with the full history');

-- Differential test: the panel equals the hand-written SQL of the benchmark.
CREATE TEMP VIEW bench_events AS SELECT entity, day, score FROM le;
\i bench/panels_hand.sql
SELECT edupredict.build_panel('pg_temp.bench_panel', 'bench_events', '{entity}', 'day', 'week',
                              '{count,sum(score),mean(score),days_active}', lags => '{1}', rolling => '{3}',
                              label => 'inactive', horizon => 1);
\i bench/panels_compare.sql
SELECT is((SELECT count(*) FROM bench_diff), 0::bigint,
          'build_panel equals the hand-written generate_series + LEFT JOIN + window SQL');
SELECT cmp_ok((SELECT count(*) FROM bench_panel), '>', 500::bigint, 'the differential test compares a real panel');

-- Errors and their SQLSTATEs.
SELECT throws_ok($$SELECT edupredict.build_panel('pg_temp.x', 'le', '{nobody}', 'day')$$, '42703', NULL,
                 'unknown entity column: 42703');
SELECT throws_ok($$SELECT edupredict.build_panel('pg_temp.x', 'le', '{entity}', 'day', '0')$$, '22023', NULL,
                 'period 0: 22023');
SELECT throws_ok($$SELECT edupredict.build_panel('pg_temp.x', 'le', '{entity}', 'day', as_of => '2023-01-01')$$,
                 '22023', 'no events to build a panel from', 'as_of before every event: 22023');
SELECT throws_ok($$SELECT edupredict.build_panel('pg_temp.x', 'le', '{entity}', 'score')$$, '42804', NULL,
                 'a time column that is not a time: 42804');
SELECT throws_ok($$SELECT edupredict.build_panel('pg_temp.full3', 'le', '{entity}', 'day')$$, '42P07', NULL,
                 'an existing output table: 42P07');

-- Every refusal of build_panel that the tests above do not reach, with its
-- SQLSTATE and words (in a schema of its own: messages name the tables).
CREATE SCHEMA panel_err;
CREATE TABLE panel_err.ev (entity int, day date, t bigint, i int);
INSERT INTO panel_err.ev VALUES (1, '2024-01-01', 5, 0), (2, '2024-01-09', 7, 0);
CREATE TABLE panel_err.sp (entity int, start_day date, o date, ti int, lo int, hi int);
INSERT INTO panel_err.sp VALUES (1, '2024-01-01', '2024-01-01', 1, -1000000000, 1000000000),
                                (2, '2024-01-02', NULL, 1, 0, 0);
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p1', 'panel_err.ev', '{entity}', 'day',
                   spine => 'panel_err.sp', spine_start => 'start_day', origin => 'o')$$,
                 '22004', 'the spine has a row whose origin ("o") is NULL', 'a spine row without its origin: 22004');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p2', 'panel_err.ev', '{entity}', 'day',
                   spine => 'panel_err.sp', spine_start => 'start_day', label => 'end')$$,
                 '22023', 'label ''end'' needs spine_end', 'label end with a spine but no spine_end: 22023');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p3', 'panel_err.ev', '{entity}', 'day',
                   spine => 'panel_err.sp', spine_start => 'ti')$$,
                 '42804', 'spine column "ti" and time column "day" must both be calendar types or both integers',
                 'an integer spine start with a date time column: 42804');
-- One entity of the spine from -10^9 to 10^9 in periods of one unit: more
-- periods than a panel holds for one entity (refused before any is allocated).
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p4', 'panel_err.ev', '{entity}', 'i', '1',
                   spine => 'panel_err.sp', spine_start => 'lo', spine_until => 'hi')$$,
                 '54000', 'an entity would have too many periods', 'an entity spanning 2e9 periods: 54000');
INSERT INTO panel_err.sp VALUES (NULL, '2024-01-01', '2024-01-01', 1, 0, 0);
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p5', 'panel_err.ev', '{entity}', 'day',
                   spine => 'panel_err.sp', spine_start => 'start_day')$$,
                 '22004', 'the spine has a row whose entity column "entity" is NULL',
                 'a spine row without its entity: 22004');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p6', 'panel_err.ev', '{entity,entity}', 'day')$$,
                 '22023', 'entity lists column "entity" twice', 'an entity column listed twice: 22023');
SELECT throws_ok($$SELECT edupredict.build_panel('db.panel_err.x', 'panel_err.ev', '{entity}', 'day')$$,
                 '22023', 'output must not name a database', 'an output naming a database: 22023');
-- Integer times: 2^40 + 1 is past the range; 2^40 itself is a year number
-- past the periods a panel numbers.
INSERT INTO panel_err.ev VALUES (1, '2024-01-01', 1099511627777, 0);
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p7', 'panel_err.ev', '{entity}', 't', '1')$$,
                 '22003', 'an event time is out of the range build_panel accepts', 'an integer time past 2^40: 22003');
UPDATE panel_err.ev SET t = 1099511627776 WHERE t > 1000;
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p8', 'panel_err.ev', '{entity}', 't', 'year')$$,
                 '22003', 'period number is out of range', 'integer time 2^40 in years: 22003');
DELETE FROM panel_err.ev WHERE t > 1000;
-- Two events 200,000 units apart fill 1.6 MB of one-unit buckets: over a 1 MB cap.
INSERT INTO panel_err.ev VALUES (1, '2024-01-01', 200000, 0);
SET LOCAL edupredict.panel_max_memory = 1;
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p9', 'panel_err.ev', '{entity}', 't', '1')$$,
                 '54000', 'build_panel needs more than edupredict.panel_max_memory (1 MB)',
                 'buckets over edupredict.panel_max_memory: 54000');
RESET edupredict.panel_max_memory;
-- Names: a measure's column name, and a lag's, past 63 bytes; measures over
-- 64 columns; more columns than a table holds.
SELECT format('ALTER TABLE panel_err.ev %s', string_agg(format('ADD COLUMN c%s float8', g), ', '))
FROM generate_series(1, 65) g \gexec
ALTER TABLE panel_err.ev ADD COLUMN a23456789012345678901234567890123456789012345678901234567890 float8,
                         ADD COLUMN b23456789012345678901234567890123456789012345678901234 float8;
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p10', 'panel_err.ev', '{entity}', 'day',
                   measures => '{sum(a23456789012345678901234567890123456789012345678901234567890)}')$$,
                 '42622', 'the column name for measure sum(a23456789012345678901234567890123456789012345678901234567890) would be too long',
                 'a measure column name over 63 bytes: 42622');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p11', 'panel_err.ev', '{entity}', 'day',
                   measures => '{sum(b23456789012345678901234567890123456789012345678901234)}', lags => '{1000}')$$,
                 '42622', 'output column name "sum_b23456789012345678901234567890123456789012345678901234_lag10..." is too long (66 bytes; at most 63)',
                 'a lag column name over 63 bytes: 42622');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p12', 'panel_err.ev', '{entity}', 'day',
                   measures => (SELECT array_agg(format('sum(c%s)', g)) FROM generate_series(1, 65) g))$$,
                 '54000', 'measures use more than 64 columns', 'measures of 65 columns: 54000');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p13', 'panel_err.ev', '{entity}', 'day',
                   measures => (SELECT array_agg(format('%s(c%s)', f, g))
                                FROM generate_series(1, 26) g, unnest('{sum,mean,max,min}'::text[]) f),
                   lags => (SELECT array_agg(g) FROM generate_series(1, 16) g))$$,
                 '54011', 'the panel would have 1771 columns, more than a table allows',
                 '104 measures with 16 lags each: 54011');
-- 47 measures with 33 lags each and the 3 key and period columns: 1601, one
-- over a table's 1600 (a tuple could hold 1664), refused before any row is read
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p14', 'panel_err.ev', '{entity}', 'day',
                   measures => ARRAY['count', 'days_active', 'since_last'] ||
                               (SELECT array_agg(format('%s(c%s)', f, g))
                                FROM generate_series(1, 11) g, unnest('{sum,mean,max,min}'::text[]) f),
                   lags => (SELECT array_agg(g) FROM generate_series(1, 33) g))$$,
                 '54011', 'the panel would have 1601 columns, more than a table allows',
                 '47 measures with 33 lags each (1601 columns): 54011');
-- Sums of 29 columns (zero-filled) and their rolling means over 1..34 days:
-- never NULL, so no null bitmap; the 1015 float8 values and the entity and
-- period columns fill a page's 8160 bytes.  A bigint entity column more is
-- refused before any row is read.
SELECT lives_ok($$SELECT edupredict.build_panel('panel_err.p15', 'panel_err.ev', '{entity}', 'day', 'day',
                  (SELECT array_agg(format('sum(c%s)', g)) FROM generate_series(1, 29) g),
                  rolling => (SELECT array_agg(g) FROM generate_series(1, 34) g))$$,
                '1015 float8 columns: rows of exactly a page are built');
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.p16', 'panel_err.ev', '{entity,t}', 'day', 'day',
                   (SELECT array_agg(format('sum(c%s)', g)) FROM generate_series(1, 29) g),
                   rolling => (SELECT array_agg(g) FROM generate_series(1, 34) g))$$,
                 '54000', 'a row of the panel could take 8168 bytes, more than the 8160 bytes a table row holds',
                 '1015 float8 columns and a bigint entity column more: rows over a page, 54000');
-- An event trigger that changes the new table before it is filled: build_panel
-- refuses rather than bulk-write past an index, or look for a table gone.
CREATE FUNCTION panel_err.meddle() RETURNS event_trigger LANGUAGE plpgsql AS $f$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE object_identity = 'panel_err.x' LOOP
    IF current_setting('panel_err.meddle') = 'index' AND r.command_tag = 'CREATE TABLE' THEN
      EXECUTE 'CREATE INDEX ON panel_err.x (period)';
    ELSIF current_setting('panel_err.meddle') = 'rename' AND r.command_tag = 'COMMENT' THEN
      EXECUTE 'ALTER TABLE panel_err.x RENAME TO y';
    END IF;
  END LOOP;
END $f$;
CREATE EVENT TRIGGER panel_err_meddle ON ddl_command_end EXECUTE FUNCTION panel_err.meddle();
SET LOCAL panel_err.meddle = 'index';
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.x', 'panel_err.ev', '{entity}', 'day')$$,
                 '55000', 'the new table panel_err.x was changed while build_panel created it',
                 'an event trigger indexing the new table: 55000');
SET LOCAL panel_err.meddle = 'rename';
SELECT throws_ok($$SELECT edupredict.build_panel('panel_err.x', 'panel_err.ev', '{entity}', 'day')$$,
                 '55000', 'the new table panel_err.x was dropped or renamed while build_panel created it',
                 'an event trigger renaming the new table: 55000');
DROP EVENT TRIGGER panel_err_meddle;

SELECT * FROM finish();
ROLLBACK;
