SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- build_panel: gap-filled entity x period panels (docs/panels.md).
CREATE SCHEMA panel_t;
SET search_path = panel_t, public;
SET extra_float_digits = 0;

-- Six events of three students over four weeks (2024-01-01 is a Monday).
CREATE TABLE ev (student int, day date, score float8, kind text, late boolean);
INSERT INTO ev VALUES
  (1, '2024-01-01', 50, 'submit', false), (1, '2024-01-03', 70, 'submit', true),
  (1, '2024-01-03', 20, 'submit', false), (1, '2024-01-17', NULL, 'login', true),
  (2, '2024-01-09', 90, 'submit', true), (2, '2024-01-24', 60, 'submit', false),
  (3, '2024-01-28', 40, 'submit', false);

-- Weekly rows from each student's first event to the last week of any event;
-- empty weeks are rows of zeros (mean, max and min NULL).
SELECT panel, entities, "rows", labelled, positives
FROM edupredict.build_panel('p_week', 'ev', '{student}', 'day', 'week',
       '{count,days_active,since_last,sum(score),mean(score),max(score),min(score)}',
       lags => '{1,2}', rolling => '{2}');
SELECT student, period, period_start, n_events, days_active, periods_since_last,
       sum_score, mean_score, max_score, min_score
FROM p_week ORDER BY student, period;
SELECT student, period_start, n_events_lag1, n_events_lag2, n_events_roll2,
       sum_score_lag1, sum_score_roll2, mean_score_roll2, periods_since_last_lag1
FROM p_week ORDER BY student, period;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'p_week'::regclass AND attnum > 0 ORDER BY attnum;
-- how it was built, for auditing
SELECT obj_description('p_week'::regclass, 'pg_class')::jsonb;

-- Labels over the next two weeks.  The last day of any event is Sunday
-- 2024-01-28, so every week up to it is complete: windows reaching past it
-- are NULL (not known), unless the event was already seen.
SELECT * FROM edupredict.build_panel('p_inactive', 'ev', '{student}', 'day', 'week', '{count}',
       label => 'inactive', horizon => 2);
SELECT * FROM edupredict.build_panel('p_late', 'ev', '{student}', 'day', 'week', '{count}',
       label => 'event', horizon => 1, label_column => 'late');
SELECT i.student, i.period_start, i.n_events, i.label AS inactive_next_2, l.label AS late_next_1
FROM p_inactive i JOIN p_late l USING (student, period) ORDER BY 1, 2;

-- as_of: nothing at or after it is read; the week holding as_of is partial,
-- its label unknown; student 3 has no event before as_of and no rows.
SELECT * FROM edupredict.build_panel('p_asof', 'ev', '{student}', 'day', 'week', '{count,sum(score)}',
       label => 'inactive', horizon => 1, as_of => '2024-01-17');
SELECT student, period_start, n_events, sum_score, label FROM p_asof ORDER BY 1, 2;

-- A spine: one row per registration with its start, its end (withdrawal)
-- and the day its course ends (until).  Rows run from the start to the end,
-- or to until; no row after a withdrawal; label 'end' = withdraws within the
-- next two weeks, NULL on the row of the withdrawal itself.
CREATE TABLE reg (student int, start_day date, left_day date, course_end date);
INSERT INTO reg VALUES
  (1, '2024-01-01', NULL, '2024-01-28'),        -- completes the course
  (2, '2024-01-08', '2024-01-20', '2024-01-28'), -- withdraws in week 3
  (3, '2024-01-15', NULL, '2024-01-28'),        -- registered late
  (4, '2024-01-10', '2024-01-05', '2024-01-28'); -- withdrew before starting: no rows
SELECT * FROM edupredict.build_panel('p_spine', 'ev', '{student}', 'day', 'week', '{count,sum(score),since_last}',
       label => 'end', horizon => 2, spine => 'reg', spine_start => 'start_day',
       spine_end => 'left_day', spine_until => 'course_end');
SELECT student, period_start, n_events, sum_score, periods_since_last, label FROM p_spine ORDER BY 1, 2;
-- the same at as_of 2024-01-16: the withdrawal on the 20th is not known yet
SELECT * FROM edupredict.build_panel('p_spine_asof', 'ev', '{student}', 'day', 'week', '{count}',
       label => 'end', horizon => 2, spine => 'reg', spine_start => 'start_day',
       spine_end => 'left_day', spine_until => 'course_end', as_of => '2024-01-16');
SELECT student, period_start, n_events, label FROM p_spine_asof ORDER BY 1, 2;

-- Integer days counted from each course's start, weeks counted from a
-- per-group origin (courses starting on different days).
CREATE TABLE act (learner text, course text, day int, minutes int);
INSERT INTO act VALUES
  ('ann', 'maths', 0, 30), ('ann', 'maths', 6, 10), ('ann', 'maths', 15, 20),
  ('bob', 'maths', 3, 5), ('bob', 'physics', 10, 40), ('bob', 'physics', 12, 15), ('bob', 'physics', 30, 60);
CREATE TABLE enrol (learner text, course text, first_day int, course_start int);
INSERT INTO enrol VALUES ('ann', 'maths', 0, 0), ('bob', 'maths', 2, 0), ('bob', 'physics', 10, 10);
SELECT * FROM edupredict.build_panel('p_int', 'act', '{learner,course}', 'day', 'week',
       '{count,days_active,sum(minutes)}', rolling => '{2}', spine => 'enrol',
       spine_start => 'first_day', origin => 'course_start');
SELECT learner, course, period, period_start, n_events, days_active, sum_minutes, sum_minutes_roll2
FROM p_int ORDER BY 1, 2, 3;
-- an integer width is the same as 'week' for 7 units
SELECT * FROM edupredict.build_panel('p_int7', 'act', '{learner,course}', 'day', '7',
       '{count,days_active,sum(minutes)}', rolling => '{2}', spine => 'enrol',
       spine_start => 'first_day', origin => 'course_start');
SELECT count(*) AS differing FROM (SELECT * FROM p_int EXCEPT SELECT * FROM p_int7) d;

-- Calendar periods: day, month, school_term, year.
CREATE TABLE cal (id int, t date, v int);
INSERT INTO cal VALUES (1, '2023-03-30', 1), (1, '2023-04-02', 2), (1, '2023-09-01', 4), (1, '2024-01-02', 8);
SELECT * FROM edupredict.build_panel('p_month', 'cal', '{id}', 't', 'month', '{count,sum(v)}');
SELECT period, period_start, n_events, sum_v FROM p_month ORDER BY period;
SELECT * FROM edupredict.build_panel('p_term', 'cal', '{id}', 't', 'school_term', '{count,sum(v)}');
SELECT period, period_start, edupredict.term_of(period_start) AS term, n_events, sum_v FROM p_term ORDER BY period;
SELECT * FROM edupredict.build_panel('p_year', 'cal', '{id}', 't', 'year', '{count,sum(v),days_active}');
SELECT period, period_start, n_events, sum_v, days_active FROM p_year ORDER BY period;
SELECT * FROM edupredict.build_panel('p_day', 'cal', '{id}', 't', 'day', '{count}', as_of => '2023-04-03');
SELECT min(period_start), max(period_start), count(*), sum(n_events) FROM p_day;

-- Time zones: timestamptz events fall on the day of the stated zone.
CREATE TABLE clicks (uid int, at timestamptz);
INSERT INTO clicks VALUES (1, '2024-01-08 03:30:00+00'), (1, '2024-01-14 23:30:00+00'), (1, '2024-01-15 02:00:00+00');
SELECT * FROM edupredict.build_panel('p_utc', 'clicks', '{uid}', 'at', 'week', '{count,days_active}');
SELECT * FROM edupredict.build_panel('p_ny', 'clicks', '{uid}', 'at', 'week', '{count,days_active}',
       time_zone => 'America/New_York');
SELECT 'UTC' AS zone, period_start, n_events, days_active FROM p_utc
UNION ALL SELECT 'New York', period_start, n_events, days_active FROM p_ny ORDER BY 1, 2;

-- as_of with spine columns of another calendar type: compared in local time
-- of time_zone, where a date is the midnight its day begins with.  uid 2
-- starts on the 20th, before as_of at noon, and has that day's row; uid 3's
-- end on the 20th is known.  uid 1's row of the 19th has no known label: an
-- end later on the 20th is not known at noon.  The same spine as timestamptz
-- at midnight UTC gives the same panel.
CREATE TABLE tz_ev (uid int, at timestamptz);
INSERT INTO tz_ev VALUES (1, '2024-03-18 10:00+00'), (2, '2024-03-20 09:00+00'), (2, '2024-03-20 13:00+00'),
                         (3, '2024-03-19 10:00+00'), (3, '2024-03-20 08:00+00');
CREATE TABLE tz_sp (uid int, st date, en date);
INSERT INTO tz_sp VALUES (1, '2024-03-18', NULL), (2, '2024-03-20', NULL), (3, '2024-03-19', '2024-03-20');
CREATE TABLE tz_sp_ts AS SELECT uid, (st::text || ' 00:00+00')::timestamptz AS st,
                                (en::text || ' 00:00+00')::timestamptz AS en FROM tz_sp;
SELECT * FROM edupredict.build_panel('p_tz_date', 'tz_ev', '{uid}', 'at', 'day', '{count}', label => 'end',
       spine => 'tz_sp', spine_start => 'st', spine_end => 'en', as_of => '2024-03-20 12:00+00');
SELECT * FROM edupredict.build_panel('p_tz_ts', 'tz_ev', '{uid}', 'at', 'day', '{count}', label => 'end',
       spine => 'tz_sp_ts', spine_start => 'st', spine_end => 'en', as_of => '2024-03-20 12:00+00');
SELECT uid, period_start, n_events, label FROM p_tz_date ORDER BY 1, 2;
SELECT (SELECT count(*) FROM (TABLE p_tz_date EXCEPT ALL TABLE p_tz_ts) a)
       + (SELECT count(*) FROM (TABLE p_tz_ts EXCEPT ALL TABLE p_tz_date) b) AS differing;
-- in New York, 2024-03-20 03:00 UTC is still the 19th: uid 2 has not
-- started, uid 3's end is not known, and the 19th has not ended (uid 1's
-- row of the 18th has no known label)
SELECT * FROM edupredict.build_panel('p_tz_ny', 'tz_ev', '{uid}', 'at', 'day', '{count}', label => 'end',
       spine => 'tz_sp', spine_start => 'st', spine_end => 'en', as_of => '2024-03-20 03:00+00',
       time_zone => 'America/New_York');
SELECT uid, period_start, n_events, label FROM p_tz_ny ORDER BY 1, 2;

-- A label is false only when its days are fully known: a day ends (in
-- time_zone) at or before as_of.  At mid-day the day holding as_of is not:
-- later events that day are not read.  uid 1's labelled event comes at 15:00
-- UTC on the 20th (11:00 in New York), uid 2 has none; daily rows, label =
-- flagged event the next day.  Each line: the labels of the rows of the 18th,
-- 19th and 20th ('-' = NULL, not known).  The row of the 19th is unknown
-- until the 20th has ended: at midnight UTC exactly (a microsecond before is
-- not enough), at 04:00 UTC in New York; with a timestamp column likewise;
-- with a date column, as_of 2024-03-20 does not read the 20th at all and
-- 2024-03-21 knows it.  uid 3's course ends (until) on the 20th, before the
-- mid-day as_of: its life is over (the row of the 20th is known false, no
-- event can follow), but not its last day (the row of the 19th is not).
CREATE TABLE day_ev (uid int, at timestamptz, flag boolean);
INSERT INTO day_ev VALUES (1, '2024-03-18 10:00+00', false), (1, '2024-03-20 15:00+00', true),
                          (2, '2024-03-18 11:00+00', false),
                          (3, '2024-03-18 09:00+00', false), (3, '2024-03-20 14:00+00', true);
CREATE TABLE day_ev_ts AS SELECT uid, at AT TIME ZONE 'UTC' AS at, flag FROM day_ev;
CREATE TABLE day_ev_date AS SELECT uid, (at AT TIME ZONE 'UTC')::date AS at, flag FROM day_ev;
CREATE TABLE day_sp (uid int, st date, until date);
INSERT INTO day_sp VALUES (1, '2024-03-18', NULL), (2, '2024-03-18', NULL), (3, '2024-03-18', '2024-03-20');
CREATE TABLE day_built (n serial, name text, panel regclass, labelled bigint, positives bigint);
CREATE FUNCTION day_build(name text, events text, as_of text, zone text DEFAULT 'UTC')
RETURNS int LANGUAGE sql AS $$
  INSERT INTO day_built (name, panel, labelled, positives)
  SELECT name, b.panel, b.labelled, b.positives
  FROM edupredict.build_panel('dk_' || name, events::regclass, '{uid}', 'at', 'day', '{count}', label => 'event',
                              label_column => 'flag', spine => 'day_sp', spine_start => 'st',
                              spine_until => 'until', as_of => as_of, time_zone => zone) b
  RETURNING 1 $$;
SELECT sum(day_build(name, events, as_of, zone)) AS built
FROM (VALUES ('tz_noon', 'day_ev', '2024-03-20 12:00+00', 'UTC'),
             ('tz_before_midnight', 'day_ev', '2024-03-20 23:59:59.999999+00', 'UTC'),
             ('tz_midnight', 'day_ev', '2024-03-21 00:00+00', 'UTC'),
             ('ny_utc_midnight', 'day_ev', '2024-03-21 00:00+00', 'America/New_York'),
             ('ny_0359', 'day_ev', '2024-03-21 03:59:59.999999+00', 'America/New_York'),
             ('ny_midnight', 'day_ev', '2024-03-21 04:00+00', 'America/New_York'),
             ('ts_noon', 'day_ev_ts', '2024-03-20 12:00', 'UTC'),
             ('ts_midnight', 'day_ev_ts', '2024-03-21 00:00', 'UTC'),
             ('date_20th', 'day_ev_date', '2024-03-20', 'UTC'),
             ('date_21st', 'day_ev_date', '2024-03-21', 'UTC')) v(name, events, as_of, zone);
CREATE FUNCTION day_labels(p regclass) RETURNS TABLE (uid int, labels text) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT uid, string_agg(to_char(period_start, ''DD'') || '':'' ||
    CASE WHEN label THEN ''t'' WHEN NOT label THEN ''f'' ELSE ''-'' END, '' '' ORDER BY period) FROM %s GROUP BY uid', p);
END $$;
SELECT b.name, b.labelled, b.positives, l.uid, l.labels
FROM day_built b, day_labels(b.panel) l ORDER BY b.n, l.uid;

-- Year panels with a gap (district 10 has no 2019 row): zero, carry_forward,
-- interpolate; lags and rolling means see the filled values.
CREATE TABLE district (district int, year int, spend float8, score float8);
INSERT INTO district VALUES (10, 2017, 100, 50), (10, 2018, 110, 52), (10, 2020, 130, 60), (10, 2021, 140, 61),
                            (11, 2018, 90, 40), (11, 2019, 95, 41), (11, 2021, 99, 45);
SELECT * FROM edupredict.build_panel('d_zero', 'district', '{district}', 'year', 'year',
       '{count,mean(spend),sum(score)}', lags => '{1}', rolling => '{3}');
SELECT * FROM edupredict.build_panel('d_carry', 'district', '{district}', 'year', 'year',
       '{count,mean(spend),sum(score)}', lags => '{1}', rolling => '{3}', fill => 'carry_forward');
SELECT * FROM edupredict.build_panel('d_interp', 'district', '{district}', 'year', 'year',
       '{count,mean(spend),sum(score)}', lags => '{1}', rolling => '{3}', fill => 'interpolate');
SELECT z.district, z.period AS year, z.n_events,
       z.mean_spend AS spend_zero, c.mean_spend AS spend_carry, i.mean_spend AS spend_interp,
       z.sum_score AS score_zero, c.sum_score AS score_carry, i.sum_score AS score_interp,
       i.sum_score_lag1 AS interp_lag1, round(i.sum_score_roll3::numeric, 3) AS interp_roll3
FROM d_zero z JOIN d_carry c USING (district, period) JOIN d_interp i USING (district, period)
ORDER BY 1, 2;
-- a time-ordered split: train on years whose label window ends by 2019
SELECT * FROM edupredict.panel_split('d_carry', 2019, horizon => 1);
SELECT 'train' AS part, min(period), max(period), count(*) FROM d_carry_train
UNION ALL SELECT 'test', min(period), max(period), count(*) FROM d_carry_test;
-- train_until is a period number, and build_panel's lie in -2^30 .. 2^30 - 1: both ends split
-- (the views' bounds are bigint, beyond int with the largest horizon and test_periods), one past
-- either end names the argument and its range.
DROP VIEW d_carry_train, d_carry_test;
SELECT * FROM edupredict.panel_split('d_carry', 1073741823, test_periods => 2147483647);
SELECT (SELECT count(*) FROM d_carry_train) AS train, (SELECT count(*) FROM d_carry_test) AS test;
DROP VIEW d_carry_train, d_carry_test;
SELECT * FROM edupredict.panel_split('d_carry', -1073741824, horizon => 2147483647, test_periods => 2147483647);
SELECT (SELECT count(*) FROM d_carry_train) AS train, (SELECT count(*) FROM d_carry_test) AS test;
DROP VIEW d_carry_train, d_carry_test;
SELECT * FROM edupredict.panel_split('d_carry', 1073741824);
SELECT * FROM edupredict.panel_split('d_carry', -1073741825);
SELECT * FROM edupredict.panel_split('d_carry', 2147483647);

-- Leakage: a panel built at as_of is identical after events at or after
-- as_of are added and ends after as_of change.
SELECT * FROM edupredict.build_panel('leak_before', 'ev', '{student}', 'day', 'week',
       '{count,days_active,since_last,sum(score)}', lags => '{1}', rolling => '{2}',
       label => 'end', horizon => 1, spine => 'reg', spine_start => 'start_day',
       spine_end => 'left_day', spine_until => 'course_end', as_of => '2024-01-19');
INSERT INTO ev VALUES (1, '2024-01-19', 99, 'submit', true), (3, '2024-01-25', 10, 'submit', false);
UPDATE reg SET left_day = '2024-01-22' WHERE student = 1;
SELECT * FROM edupredict.build_panel('leak_after', 'ev', '{student}', 'day', 'week',
       '{count,days_active,since_last,sum(score)}', lags => '{1}', rolling => '{2}',
       label => 'end', horizon => 1, spine => 'reg', spine_start => 'start_day',
       spine_end => 'left_day', spine_until => 'course_end', as_of => '2024-01-19');
SELECT (SELECT count(*) FROM (SELECT * FROM leak_before EXCEPT SELECT * FROM leak_after) a) AS only_before,
       (SELECT count(*) FROM (SELECT * FROM leak_after EXCEPT SELECT * FROM leak_before) b) AS only_after;

-- Labels 'end' against their definition (docs/panels.md, Labels), for as_of
-- before, between and after an until (day 5) and an end (day 7): true when a
-- known end (before as_of) falls in the next 3 periods, NULL on the end's own
-- row, false when a known end comes later or every day of those periods is
-- before as_of, otherwise NULL.  An until before as_of does not rule out an
-- end after it: that end would be at or after as_of, hidden (id 1 ends on
-- day 7 after its until on day 5, id 2 never ends).  Without as_of the spine
-- is complete: an until or an end makes the rest known.  Periods of 1 and 2
-- days; each line also counts the labels known at as_of that differ from the
-- panel without as_of (a known label must not change later).
CREATE TABLE end_ev (id int, day int);
INSERT INTO end_ev SELECT id, d FROM generate_series(1, 4) id, generate_series(0, 9) d;
CREATE TABLE end_sp (id int, s int, u int, e int);
INSERT INTO end_sp VALUES (1, 0, 5, 7),    -- ends after its until
                          (2, 0, 5, NULL), -- stops without ending
                          (3, 1, 9, 4),    -- ends before its until
                          (4, 0, NULL, 6); -- ends, no until
CREATE TABLE end_grid AS
SELECT w, a AS as_of FROM generate_series(1, 2) w, unnest('{NULL,3,5,6,7,8,10,13}'::int[]) a;
CREATE TABLE end_built (w int, as_of int, id int, period int, label boolean);
CREATE FUNCTION end_build(w int, as_of int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  PERFORM edupredict.build_panel('end_p', 'end_ev', '{id}', 'day', period => w::text, label => 'end',
          horizon => 3, spine => 'end_sp', spine_start => 's', spine_end => 'e', spine_until => 'u',
          as_of => as_of::text);
  INSERT INTO end_built SELECT w, as_of, p.id, p.period, p.label FROM end_p p;
  DROP TABLE end_p;
  RETURN 1;
END $$;
SELECT sum(end_build(w, as_of)) AS built FROM end_grid;
CREATE VIEW end_ref AS
WITH k AS (  -- what as_of lets be known; without it, every day up to the last of the data
  SELECT g.w, g.as_of, sp.id, sp.s,
         CASE WHEN g.as_of IS NULL OR sp.e < g.as_of THEN sp.e END AS e,
         CASE WHEN g.as_of IS NULL OR sp.u < g.as_of THEN sp.u END AS u,
         coalesce(g.as_of, greatest((SELECT max(day) FROM end_ev), (SELECT max(greatest(s, u, e)) FROM end_sp)) + 1)
           AS first_unknown
  FROM end_grid g, end_sp sp)
SELECT w, as_of, id, p AS period,
       CASE WHEN e / w BETWEEN p + 1 AND p + 3 THEN true
            WHEN e / w <= p THEN NULL
            WHEN e IS NOT NULL OR (p + 4) * w <= first_unknown OR (as_of IS NULL AND u IS NOT NULL) THEN false
       END AS label
FROM k, generate_series(s / w, least(e, u, first_unknown - 1) / w) p;
SELECT g.w, g.as_of,
       (SELECT count(*) FROM end_built b WHERE (b.w, b.as_of) IS NOT DISTINCT FROM (g.w, g.as_of)) AS "rows",
       (SELECT count(b.label) FROM end_built b WHERE (b.w, b.as_of) IS NOT DISTINCT FROM (g.w, g.as_of)) AS known,
       (SELECT count(DISTINCT (d.id, d.period))
        FROM ((SELECT * FROM end_built EXCEPT SELECT * FROM end_ref)
              UNION ALL (SELECT * FROM end_ref EXCEPT SELECT * FROM end_built)) d
        WHERE (d.w, d.as_of) IS NOT DISTINCT FROM (g.w, g.as_of)) AS not_as_defined,
       (SELECT count(*) FROM end_built b JOIN end_built f USING (w, id, period)
        WHERE b.w = g.w AND b.as_of IS NOT DISTINCT FROM g.as_of AND f.as_of IS NULL
          AND b.label IS DISTINCT FROM f.label AND b.label IS NOT NULL) AS known_then_changed,
       (SELECT string_agg(CASE WHEN label THEN 't' WHEN NOT label THEN 'f' ELSE '-' END, '' ORDER BY period)
        FROM end_built b WHERE b.id = 1 AND (b.w, b.as_of) IS NOT DISTINCT FROM (g.w, g.as_of)) AS id1,
       (SELECT string_agg(CASE WHEN label THEN 't' WHEN NOT label THEN 'f' ELSE '-' END, '' ORDER BY period)
        FROM end_built b WHERE b.id = 2 AND (b.w, b.as_of) IS NOT DISTINCT FROM (g.w, g.as_of)) AS id2
FROM end_grid g ORDER BY g.w, g.as_of NULLS FIRST;

-- Bad input: each error names what is wrong; no table is left behind.
SELECT * FROM edupredict.build_panel('bad', 'ev', '{nobody}', 'day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'when');
-- a regclass naming no relation (0, or a dropped table's OID): 42P01, not an internal error
\set VERBOSITY sqlstate
SELECT * FROM edupredict.build_panel('bad', 0::oid::regclass, '{student}', 'day');
\set VERBOSITY default
SELECT * FROM edupredict.build_panel('bad', 4294967295::oid::regclass, '{student}', 'day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine => 4294967295::oid::regclass,
       spine_start => 'day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => '{sum(points)}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => '{sum(kind)}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => '{median(score)}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => '{count,count}');
-- a caller's 100 kB name is cut to its first 64 characters in the message
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => repeat('w', 100000));
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day',
                                     measures => ARRAY['sum(' || repeat('p', 100000) || ')']);
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day',
                                     measures => ARRAY[repeat('f', 100000) || '(score)']);
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => ARRAY[repeat('m', 100000)]);
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => '{count}',
                                     label => repeat('l', 100000));
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', measures => '{count}',
                                     fill => repeat('z', 100000));
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => '0');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => '-7');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => 'fortnight');
SELECT * FROM edupredict.build_panel('bad', 'act', '{learner}', 'day', period => 'month');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', as_of => '2023-06-01');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', as_of => 'soon');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', as_of => 'infinity');
\set VERBOSITY sqlstate
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => NULL);
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', as_of => 'infinity');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', as_of => '-infinity');
SELECT * FROM edupredict.build_panel('bad', 'clicks', '{uid}', 'at', as_of => 'infinity');
\set VERBOSITY default
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', label => 'end');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', label => 'dropout');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', label => 'event');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', label => 'event', label_column => 'kind');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', label => 'inactive', horizon => 0);
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', lags => '{0}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', rolling => '{3,3}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', lags => '{1,NULL}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => '400', measures => '{days_active}');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', fill => 'mean');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine_start => 'start_day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine => 'reg');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine => 'reg', spine_start => 'begun');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', period => 'month', spine => 'reg',
       spine_start => 'start_day', origin => 'start_day');
SELECT * FROM edupredict.build_panel('bad', 'act', '{learner,course}', 'day', spine => 'reg', spine_start => 'start_day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', time_zone => 'Mars/Olympus');
SELECT * FROM edupredict.build_panel('p_week', 'ev', '{student}', 'day');
SELECT * FROM edupredict.build_panel(NULL, 'ev', '{student}', 'day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{}', 'day');
CREATE TABLE pts (id point, t date);
INSERT INTO pts VALUES ('(1,2)', '2024-01-01');
SELECT * FROM edupredict.build_panel('bad', 'pts', '{id}', 't');
CREATE TABLE dup_reg (student int, start_day date);
INSERT INTO dup_reg VALUES (1, '2024-01-01'), (1, '2024-01-02');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine => 'dup_reg', spine_start => 'start_day');
UPDATE dup_reg SET student = 2, start_day = NULL WHERE start_day = '2024-01-02';
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine => 'dup_reg', spine_start => 'start_day');
SELECT * FROM edupredict.build_panel('bad', 'ev', '{student}', 'day', spine => 'dup_reg', spine_start => 'start_day',
       as_of => '2024-02-01');
-- an entity of the spine over two billion periods of one unit: refused with
-- its span and the limit, before any row is allocated
CREATE TABLE wide_ev (student int, t int);
INSERT INTO wide_ev VALUES (2, 0);
CREATE TABLE wide_reg (student int, s int, u int);
INSERT INTO wide_reg VALUES (1, -1000000000, 1000000000), (2, 0, 0);
SELECT * FROM edupredict.build_panel('bad', 'wide_ev', '{student}', 't', '1', spine => 'wide_reg', spine_start => 's',
                                     spine_until => 'u');
SELECT to_regclass('panel_t.bad') AS leftover;
-- A row wider than a heap page: float8 values are never moved out of line,
-- so the widest row the columns can make must fit a page.  Here: the sums of
-- 27 columns (zero-filled: never NULL), their rolling means over 1..36
-- periods, and a label.  The last row's label is NULL (its next period is not
-- known), which adds the null bitmap: that row is the widest, 1003 columns
-- filling a page to its limit exactly.
CREATE TABLE row_ev (student int, grp int, t int);
SELECT format('ALTER TABLE row_ev %s', string_agg(format('ADD COLUMN c%s float8', g), ', '))
FROM generate_series(1, 27) g \gexec
INSERT INTO row_ev (student, grp, t) VALUES (1, 1, 0), (1, 1, 1), (1, 1, 2);
CREATE TABLE row_args AS
SELECT (SELECT array_agg(format('sum(c%s)', g)) FROM generate_series(1, 27) g) AS measures,
       (SELECT array_agg(g) FROM generate_series(1, 36) g) AS rolling;
SELECT "rows", labelled
FROM row_args, edupredict.build_panel('row_fits', 'row_ev', '{student}', 't', '1', measures,
                                      rolling => rolling, label => 'inactive');
SELECT period, label, sum_c27_roll36, pg_column_size(p.*) AS row_bytes,
       current_setting('block_size')::int - 32 AS page_limit,
       (SELECT count(*) FROM pg_attribute WHERE attrelid = 'row_fits'::regclass AND attnum > 0) AS columns
FROM row_fits p ORDER BY period;
-- one column more (a second entity column): refused with the width, before
-- the table is created and before a row is read (this spine's row without
-- a start would be refused once read)
CREATE TABLE row_reg (student int, grp int, s int);
INSERT INTO row_reg VALUES (1, 1, NULL);
SELECT * FROM row_args, edupredict.build_panel('row_wide', 'row_ev', '{student,grp}', 't', '1', measures,
                                               rolling => rolling, label => 'inactive');
SELECT * FROM row_args, edupredict.build_panel('row_wide', 'row_ev', '{student,grp}', 't', '1', measures,
                                               rolling => rolling, label => 'inactive',
                                               spine => 'row_reg', spine_start => 's');
SELECT to_regclass('panel_t.row_wide') AS leftover;

-- Identifiers are quoted: a column called "a;b" and a panel in a quoted schema.
CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."ev;drop" ("who am" int, "t t" date, "a;b" float8);
INSERT INTO "Odd Schema"."ev;drop" VALUES (1, '2024-01-01', 2), (1, '2024-01-09', 3);
SELECT panel, "rows" FROM edupredict.build_panel('"Odd Schema"."panel;x"', '"Odd Schema"."ev;drop"',
       '{who am}', 't t', 'week', '{count,sum(a;b)}');
SELECT * FROM "Odd Schema"."panel;x" ORDER BY 2;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA panel_t CASCADE;
DROP SCHEMA "Odd Schema" CASCADE;
RESET client_min_messages;
