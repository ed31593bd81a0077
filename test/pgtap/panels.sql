-- build_panel properties on generated data: nothing at or after as_of can
-- change a panel built at as_of; as_of does not distort complete periods;
-- the panel equals the hand-written SQL of bench/panels_hand.sql; errors
-- carry their SQLSTATEs.
BEGIN;
SELECT plan(19);
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

SELECT * FROM finish();
ROLLBACK;
