-- Rows where bench_panel (edupredict.build_panel) and bench_hand
-- (bench/panels_hand.sql) differ: missing on either side, or any value apart
-- by more than 1e-9 (sums of floats may be added in another order).
CREATE TEMP VIEW bench_diff AS
WITH d AS (
  SELECT b.entity AS b_entity, h.entity AS h_entity,
         ARRAY[b.n_events, b.days_active, b.n_events_lag1, b.days_active_lag1]::float8[] AS bi,
         ARRAY[h.n_events, h.days_active, h.n_events_lag1, h.days_active_lag1]::float8[] AS hi,
         ARRAY[b.sum_score, b.mean_score, b.n_events_roll3, b.sum_score_lag1, b.sum_score_roll3,
               b.mean_score_lag1, b.mean_score_roll3, b.days_active_roll3] AS bf,
         ARRAY[h.sum_score, h.mean_score, h.n_events_roll3, h.sum_score_lag1, h.sum_score_roll3,
               h.mean_score_lag1, h.mean_score_roll3, h.days_active_roll3] AS hf,
         b.period_start AS b_start, h.period_start AS h_start, b.label AS b_label, h.label AS h_label
  FROM bench_panel b FULL JOIN bench_hand h USING (entity, period))
SELECT * FROM d
WHERE b_entity IS NULL OR h_entity IS NULL OR b_start <> h_start OR b_label IS DISTINCT FROM h_label
   OR bi IS DISTINCT FROM hi
   OR EXISTS (SELECT 1 FROM unnest(bf, hf) AS u(x, y)
              WHERE (x IS NULL) <> (y IS NULL) OR abs(x - y) > 1e-9);
