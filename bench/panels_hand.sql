-- The hand-written equivalent of
--   edupredict.build_panel('bench_panel', 'bench_events', '{entity}', 'day', 'week',
--     '{count,sum(score),mean(score),days_active}', lags => '{1}', rolling => '{3}',
--     label => 'inactive', horizon => 1)
-- as a careful analyst writes it: aggregate per entity and ISO week (weeks from
-- Monday 2000-01-03, build_panel's default origin), a gap-free grid with
-- generate_series from each entity's first week to the last week of any event,
-- a LEFT JOIN, and window functions for the lag, the rolling mean and the
-- next-week label (NULL where the next week is not complete).
CREATE TABLE bench_hand AS
WITH agg AS (
  SELECT entity, ((day - DATE '2000-01-03') / 7)::int AS period,
         count(*) AS n_events, sum(score) AS s, avg(score) AS m,
         count(DISTINCT day) AS days_active, max(day) AS last_day
  FROM bench_events GROUP BY 1, 2),
bounds AS (SELECT entity, min(period) AS p0 FROM agg GROUP BY entity),
lastp AS (SELECT max(period) AS p1,
                 ((max(last_day) + 1 - DATE '2000-01-03') / 7)::int AS complete_before FROM agg),
grid AS (
  SELECT b.entity, g.period, l.complete_before
  FROM bounds b CROSS JOIN lastp l, generate_series(b.p0, l.p1) AS g(period)),
filled AS (
  SELECT g.entity, g.period, g.complete_before,
         coalesce(a.n_events, 0) AS n_events, coalesce(a.s, 0) AS sum_score, a.m AS mean_score,
         coalesce(a.days_active, 0)::int AS days_active
  FROM grid g LEFT JOIN agg a ON a.entity = g.entity AND a.period = g.period)
SELECT entity, period, DATE '2000-01-03' + 7 * period AS period_start,
       n_events, sum_score, mean_score, days_active,
       lag(n_events) OVER w AS n_events_lag1, avg(n_events::float8) OVER w3 AS n_events_roll3,
       lag(sum_score) OVER w AS sum_score_lag1, avg(sum_score) OVER w3 AS sum_score_roll3,
       lag(mean_score) OVER w AS mean_score_lag1, avg(mean_score) OVER w3 AS mean_score_roll3,
       lag(days_active) OVER w AS days_active_lag1, avg(days_active::float8) OVER w3 AS days_active_roll3,
       CASE WHEN lead(n_events) OVER w > 0 THEN false
            WHEN period + 1 < complete_before THEN true END AS label
FROM filled
WINDOW w AS (PARTITION BY entity ORDER BY period),
       w3 AS (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);
