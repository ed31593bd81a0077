-- Cancellation with a bound: long model work stops soon after
-- statement_timeout fires.  pg_temp.overshoot(stmt) runs stmt in a statement
-- whose timeout was set beforehand and returns how long after the timeout
-- the cancel arrived (NULL if stmt ended first).
--   * Work that would take about 20 s (training with 1 and 2 threads,
--     evaluate() and predict() over 2,000,000 rows; global_importance(),
--     explain() and permutation_importance() over about 10 s of rows) must
--     stop within 2 s.
--   * Phases that are short in absolute terms but long between two checks
--     (after 2,000,000 x 8 values are read: the train/test split and the
--     binning; forest_agg's and boost_agg's final sort and binning of
--     2,000,000 rows and their parallel hand-off; the metrics of evaluate()
--     over 1,000,000 rows and ten classes) take about 1 s here, so a 2 s
--     bound could not see a missing check.  Each phase's window is timed
--     first: it starts where a call that fails right there ends and ends
--     where a cheap complete call ends.  The timeout is then
--     set at points of the window inside the phase (split, binning and sort
--     come early in their window, the metrics late) and each cancel must
--     arrive within 0.4 s.  With a check every 65,536 rows the worst seen was
--     0.18 s (machine load 4.5 on 2 cores); without, the cancel waits for the
--     rest of the phase (0.3-1.8 s seen).  The read before the phase varies by
--     tens of percent, so a point may land outside the phase: more points
--     for the phase that is shortest in its window.
-- Best of three: a bound holds if one of up to three attempts meets it.
-- pg_temp.attempt() runs a cancel once and records its overshoot;
-- pg_temp.again() (twice after each) runs the same statement under the same
-- timeout once more while no attempt met the bound and none ended before its
-- timeout.  A load spike on the shared 2-core machine (or a slow -O0 build)
-- can delay one cancel past its bound and rarely three in a row; a missing
-- check misses every attempt, since the phase runs the same 0.3-1.8 s past
-- the timeout each time.  On a quiet machine the first attempt holds and the
-- retries do nothing.  Only booleans are printed, never a time.
--   * 2 s and 0.5 s bounds: the best overshoot must be under the bound (an
--     attempt that ended before its timeout prints NULL: the work was meant
--     to take about 20 s).
--   * Sweep points: an attempt that ended before its timeout had nothing to
--     cancel and holds; so does one under 0.4 s.
-- Every cancel, retried or not, leaves the registry unchanged.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
DELETE FROM edupredict.models WHERE name LIKE 'mc\_%';

\i test/fixtures/cancel_overshoot.sql
-- seconds until stmt ends, by an error or not
CREATE FUNCTION pg_temp.seconds(stmt text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN others THEN
    NULL;
  END;
  RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;
-- statement_timeout for the next statement: at fraction f of [t0, t1] seconds
CREATE FUNCTION pg_temp.timeout_at(t0 float8, t1 float8, f float8) RETURNS void LANGUAGE sql AS $$
SELECT NULL::void
FROM (SELECT set_config('statement_timeout', ceil((t0 + f * greatest(t1 - t0, 0)) * 1000)::int::text || 'ms', false)) s $$;
\i test/fixtures/cancel_rows.sql
SELECT count(*) AS models_before FROM edupredict.models \gset

-- ---------------------------------------------------------------------------
-- Training: 2,000 trees of depth 12 on 100,000 rows take about 20 s with one
-- thread; the timeout fires while the trees grow.
SET edupredict.forest_threads = 1;
SET statement_timeout = '1s';
CALL pg_temp.attempt('one_thread_stops', 2, $$SELECT edupredict.train_forest('mc_train', 'public.mc_small', 'y',
  ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_trees => 2000, max_depth => 12)$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('one_thread_stops') AS one_thread_stops;
RESET statement_timeout;
SET edupredict.forest_threads = 2;
SET statement_timeout = '1s';
CALL pg_temp.attempt('two_threads_stop', 2, $$SELECT edupredict.train_forest('mc_train', 'public.mc_small', 'y',
  ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_trees => 2000, max_depth => 12)$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('two_threads_stop') AS two_threads_stop;
RESET statement_timeout;
-- Boosting: 3,000 rounds of depth 8 on 1,000,000 rows would take minutes; the
-- engine polls between histogram blocks, so a cancel lands within 0.5 s (the
-- goal is 0.2 s; the bound leaves room for a loaded machine), with one
-- thread and with two.
SET edupredict.forest_threads = 1;
SET statement_timeout = '2s';
CALL pg_temp.attempt('boosting_one_thread_stops', 0.5, $$SELECT edupredict.train_boosting('mc_boost', 'public.mc_half', 'r',
  ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_rounds => 3000, max_depth => 8)$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('boosting_one_thread_stops') AS boosting_one_thread_stops;
RESET statement_timeout;
SET edupredict.forest_threads = 2;
SET statement_timeout = '2s';
CALL pg_temp.attempt('boosting_two_threads_stop', 0.5, $$SELECT edupredict.train_boosting('mc_boost', 'public.mc_half', 'r',
  ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_rounds => 3000, max_depth => 8)$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('boosting_two_threads_stop') AS boosting_two_threads_stop;
RESET statement_timeout;
RESET edupredict.forest_threads;

-- ---------------------------------------------------------------------------
-- After 2,000,000 rows are read: split and binning.  A one-class target
-- fails right after the read; one tree of depth 1 ends the window.
SELECT pg_temp.seconds($$SELECT edupredict.train_forest('mc_bins', 'public.mc_rows', 'y_one',
  ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'])$$) AS t0 \gset
SELECT pg_temp.seconds($$SELECT edupredict.train_forest('mc_bins_one', 'public.mc_rows', 'y',
  ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_trees => 1, max_depth => 1)$$) AS t1 \gset
SELECT pg_temp.timeout_at(:t0, :t1, 0.05);
CALL pg_temp.attempt('split and binning', 0.4, $$SELECT edupredict.train_forest('mc_bins',
  'public.mc_rows', 'y', ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_trees => 10, max_depth => 8)$$, f => 0.05);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:t0, :t1, 0.2);
CALL pg_temp.attempt('split and binning', 0.4, $$SELECT edupredict.train_forest('mc_bins',
  'public.mc_rows', 'y', ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_trees => 10, max_depth => 8)$$, f => 0.2);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:t0, :t1, 0.35);
CALL pg_temp.attempt('split and binning', 0.4, $$SELECT edupredict.train_forest('mc_bins',
  'public.mc_rows', 'y', ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'], n_trees => 10, max_depth => 8)$$, f => 0.35);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;

-- ---------------------------------------------------------------------------
-- The aggregates' windows below start where a call whose last row's params
-- differ fails: their scans start at the table's first block, so that row is
-- read last (a synchronised scan starts where the last one, often a cancelled
-- one, stopped: the row then came at any point of the scan).  The error of
-- such a call is printed tersely: a parallel worker may raise it, or the
-- leader.
SET synchronize_seqscans = off;
\set VERBOSITY terse
-- forest_agg's final function over 2,000,000 rows: canonical sort, binning,
-- training.  The window starts where the final function does: an aggregate
-- of forest_agg's own support functions whose final function only
-- serialises the state (the same scan, transition, parallel hand-off and
-- combine; bad params can no longer mark the start: they are refused at the
-- first row); one tree of depth 1 ends the window.
CREATE AGGREGATE public.mc_read_rows(float8[], text, jsonb) (
  SFUNC = edupredict.forest_agg_trans, STYPE = internal, FINALFUNC = edupredict.forest_agg_serial,
  COMBINEFUNC = edupredict.forest_agg_combine, SERIALFUNC = edupredict.forest_agg_serial,
  DESERIALFUNC = edupredict.forest_agg_deserial, PARALLEL = SAFE);
-- (seconds() swallows errors: the aggregate must run, here on fewer rows)
SELECT length(public.mc_read_rows(ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 1, "max_depth": 1}')) > 0 AS reads_rows
FROM public.mc_small;
SELECT pg_temp.seconds($$SELECT length(public.mc_read_rows(ARRAY[f1, f2, f3, f4]::float8[], y,
  '{"n_trees": 1, "max_depth": 1}')) FROM public.mc_rows$$) AS t0 \gset
SELECT pg_temp.seconds($$SELECT edupredict.forest_agg(ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 1, "max_depth": 1}')
  FROM public.mc_rows$$) AS t1 \gset
SELECT pg_temp.timeout_at(:t0, :t1, 0.1);
CALL pg_temp.attempt('forest_agg final', 0.4, $$SELECT edupredict.forest_agg(
  ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.1);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:t0, :t1, 0.3);
CALL pg_temp.attempt('forest_agg final', 0.4, $$SELECT edupredict.forest_agg(
  ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.3);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
-- forest_agg's hand-off between the scan and the final function: in a
-- parallel plan each process serialises its partial state (about 670,000
-- rows, 27 MB), the leader reads each one back and appends it to its own
-- (a text target: every row's label id mapped).  The window starts at the
-- end of the scan: the same call whose last row's params differ is refused
-- at that row; it ends where the final function starts (t0 above).  Without
-- a check every 65,536 rows in those loops a cancel here waited for the
-- rest of the hand-off (0.3-0.6 s seen).
-- (seconds() swallows errors: the same call on fewer rows must fail)
SELECT length(edupredict.forest_agg(ARRAY[f1, f2, f3, f4]::float8[], y,
  CASE WHEN i = 100000 THEN '{"seed": 2}'::jsonb ELSE '{"n_trees": 1, "max_depth": 1}' END)) FROM public.mc_small;
SELECT pg_temp.seconds($$SELECT edupredict.forest_agg(ARRAY[f1, f2, f3, f4]::float8[], y,
  CASE WHEN i = 2000000 THEN '{"seed": 2}'::jsonb ELSE '{"n_trees": 1, "max_depth": 1}' END)
  FROM public.mc_rows$$) AS h0 \gset
SELECT pg_temp.timeout_at(:h0, :t0, 0.2);
CALL pg_temp.attempt('forest_agg hand-off', 0.4, $$SELECT edupredict.forest_agg(
  ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.2);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:h0, :t0, 0.5);
CALL pg_temp.attempt('forest_agg hand-off', 0.4, $$SELECT edupredict.forest_agg(
  ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.5);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:h0, :t0, 0.8);
CALL pg_temp.attempt('forest_agg hand-off', 0.4, $$SELECT edupredict.forest_agg(
  ARRAY[f1, f2, f3, f4]::float8[], y, '{"n_trees": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.8);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
-- boost_agg shares forest_agg's transition, serial, deserial and combine
-- functions; its final function sorts and bins the rows as forest_agg's does,
-- then starts boosting (rows, gradients, base score, the first round).  Its
-- windows are timed as forest_agg's, with a numeric target (regression: the
-- hand-off copies the targets instead of mapping label ids): the final
-- window from an aggregate of the same support functions that only
-- serialises (b0) to one round of depth 1 (b1), the points late in it where
-- boosting's own work is; the hand-off window from the end of the scan (bh0)
-- to b0.  The leader's own partial state goes to its Finalize Aggregate by
-- key (src/model_agg_local.c: PostgreSQL copied it twice, 0.1-0.35 s for
-- 27 MB, where no check can run); a worker still has PostgreSQL copy its
-- state into a tuple for the leader (heap_form_minimal_tuple, about 0.1 s
-- here), and a cancelled leader waits for its workers to exit: these points
-- keep the 0.4 s bound of the other points, not the 0.2 s goal
-- (bench/boost_cancel.sh measures that), leaving room for a loaded machine.
CREATE AGGREGATE public.mc_read_rows(float8[], float8, jsonb) (
  SFUNC = edupredict.forest_agg_trans, STYPE = internal, FINALFUNC = edupredict.forest_agg_serial,
  COMBINEFUNC = edupredict.forest_agg_combine, SERIALFUNC = edupredict.forest_agg_serial,
  DESERIALFUNC = edupredict.forest_agg_deserial, PARALLEL = SAFE);
SELECT length(public.mc_read_rows(ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 1, "max_depth": 1}')) > 0 AS reads_rows
FROM public.mc_small;
SELECT pg_temp.seconds($$SELECT length(public.mc_read_rows(ARRAY[f1, f2, f3, f4]::float8[], r,
  '{"n_rounds": 1, "max_depth": 1}')) FROM public.mc_rows$$) AS b0 \gset
SELECT pg_temp.seconds($$SELECT edupredict.boost_agg(ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 1, "max_depth": 1}')
  FROM public.mc_rows$$) AS b1 \gset
SELECT pg_temp.timeout_at(:b0, :b1, 0.2);
CALL pg_temp.attempt('boost_agg final', 0.4, $$SELECT edupredict.boost_agg(
  ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.2);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:b0, :b1, 0.5);
CALL pg_temp.attempt('boost_agg final', 0.4, $$SELECT edupredict.boost_agg(
  ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.5);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:b0, :b1, 0.8);
CALL pg_temp.attempt('boost_agg final', 0.4, $$SELECT edupredict.boost_agg(
  ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.8);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
SELECT length(edupredict.boost_agg(ARRAY[f1, f2, f3, f4]::float8[], r,
  CASE WHEN i = 100000 THEN '{"seed": 2}'::jsonb ELSE '{"n_rounds": 1, "max_depth": 1}' END)) FROM public.mc_small;
SELECT pg_temp.seconds($$SELECT edupredict.boost_agg(ARRAY[f1, f2, f3, f4]::float8[], r,
  CASE WHEN i = 2000000 THEN '{"seed": 2}'::jsonb ELSE '{"n_rounds": 1, "max_depth": 1}' END)
  FROM public.mc_rows$$) AS bh0 \gset
SELECT pg_temp.timeout_at(:bh0, :b0, 0.2);
CALL pg_temp.attempt('boost_agg hand-off', 0.4, $$SELECT edupredict.boost_agg(
  ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.2);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:bh0, :b0, 0.5);
CALL pg_temp.attempt('boost_agg hand-off', 0.4, $$SELECT edupredict.boost_agg(
  ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.5);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:bh0, :b0, 0.8);
CALL pg_temp.attempt('boost_agg hand-off', 0.4, $$SELECT edupredict.boost_agg(
  ARRAY[f1, f2, f3, f4]::float8[], r, '{"n_rounds": 10, "max_depth": 8}') FROM public.mc_rows$$, f => 0.8);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
\set VERBOSITY default
RESET synchronize_seqscans;

-- ---------------------------------------------------------------------------
-- evaluate() over 1,000,000 rows: rows first (a prediction each), then the
-- metrics (ten classes: a sort of all scores per class for the AUC, the
-- larger part of the window).  A regression model of the same features has
-- no sort: its evaluation starts the window, the classifier's ends it.
SELECT task FROM edupredict.train_forest('mc_tiny', 'public.mc_small', 'y10', ARRAY['f1', 'f2'], n_trees => 1, max_depth => 4);
SELECT task FROM edupredict.train_forest('mc_tiny_r', 'public.mc_small', 'r', ARRAY['f1', 'f2'], n_trees => 1, max_depth => 2);
SELECT pg_temp.seconds($$SELECT * FROM edupredict.evaluate('mc_tiny_r', 'public.mc_half')$$) AS t0 \gset
SELECT pg_temp.seconds($$SELECT * FROM edupredict.evaluate('mc_tiny', 'public.mc_half')$$) AS t1 \gset
SELECT pg_temp.timeout_at(:t0, :t1, 0.45);
CALL pg_temp.attempt('evaluate metrics', 0.4, $$SELECT * FROM edupredict.evaluate('mc_tiny', 'public.mc_half')$$, f => 0.45);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.timeout_at(:t0, :t1, 0.65);
CALL pg_temp.attempt('evaluate metrics', 0.4, $$SELECT * FROM edupredict.evaluate('mc_tiny', 'public.mc_half')$$, f => 0.65);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
-- (a statement that ended before its timeout had nothing to cancel)
SELECT what AS phase, f, bool_or(coalesce(overshoot < bound, true)) AS stops_in_time FROM cancel_attempts
WHERE f IS NOT NULL GROUP BY what, f ORDER BY what, f;

-- ---------------------------------------------------------------------------
-- evaluate() and predict() with a model of 150 deep trees over 2,000,000
-- rows: each would take about 20 s.
SELECT task FROM edupredict.train_forest('mc_big', 'public.mc_small', 'y', ARRAY['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'],
                                         n_trees => 150, max_depth => 14, test_fraction => 0);
SET statement_timeout = '1s';
CALL pg_temp.attempt('evaluate_stops', 2, $$SELECT * FROM edupredict.evaluate('mc_big', 'public.mc_rows')$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('evaluate_stops') AS evaluate_stops;
CALL pg_temp.attempt('predict_stops', 2, $$SELECT count(edupredict.predict('mc_big', t)) FROM public.mc_rows t$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('predict_stops') AS predict_stops;
CALL pg_temp.attempt('predict_proba_stops', 2, $$SELECT count(edupredict.predict_proba('mc_big', ARRAY[f1, f2, f3, f4, f5, f6, f7, f8]))
  FROM public.mc_rows$$);
CALL pg_temp.again(); CALL pg_temp.again();
SELECT pg_temp.in_time('predict_proba_stops') AS predict_proba_stops;
RESET statement_timeout;

-- ---------------------------------------------------------------------------
-- Explanations with mc_big.  global_importance() explains every row of its
-- relation in one call; its 150 trees are fewer than the 256 after which the
-- trees' loop used to poll, so only a check per row can stop it.  The rows
-- (the first mc.rows of mc_rows) are as many as take about 10 s here, going
-- by the time of 100 rows; the cancel must arrive within 2 s.  explain() over
-- the same rows (one call per row) must stop in time too.
CREATE VIEW public.mc_explained AS SELECT * FROM public.mc_rows LIMIT current_setting('mc.rows')::int;
SET mc.rows = 100;
SELECT pg_temp.seconds($$SELECT * FROM edupredict.global_importance('mc_big', 'public.mc_explained')$$) AS t100 \gset
SELECT NULL::void FROM (SELECT set_config('mc.rows', least(1000000, ceil(1000 / greatest(:t100, 0.001)))::int::text, false)) s;
SET statement_timeout = '1s';
CALL pg_temp.attempt('global_importance', 2, $$SELECT * FROM edupredict.global_importance('mc_big', 'public.mc_explained')$$);
CALL pg_temp.again(); CALL pg_temp.again();
CALL pg_temp.attempt('explain', 2, $$SELECT count(*) FROM public.mc_explained t, LATERAL edupredict.explain('mc_big', t)$$);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
-- permutation_importance() shuffles, predicts and scores all its rows once
-- per feature and repeat in one call.  The Brier score has no check of its
-- own, so only the check per repeat and the predictions' (every 1,024 rows)
-- can stop it: as many rows as take about 10 s with one repeat here (timed
-- on 1,000 rows) must stop within 2 s too.
SET mc.rows = 1000;
SELECT pg_temp.seconds($$SELECT * FROM edupredict.permutation_importance('mc_big', 'public.mc_explained', 'brier_score', n_repeats => 1)$$) AS t1000 \gset
SELECT NULL::void FROM (SELECT set_config('mc.rows', least(2000000, ceil(10000 / greatest(:t1000, 0.001)))::int::text, false)) s;
SET statement_timeout = '1s';
CALL pg_temp.attempt('permutation_importance', 2, $$SELECT * FROM edupredict.permutation_importance('mc_big', 'public.mc_explained', 'brier_score', n_repeats => 1)$$);
CALL pg_temp.again(); CALL pg_temp.again();
RESET statement_timeout;
SELECT what, pg_temp.in_time(what) AS stops_in_time FROM (VALUES ('explain'), ('global_importance'), ('permutation_importance')) v (what)
ORDER BY what;

-- the cancelled trainings left nothing behind (4 models trained on purpose)
SELECT (SELECT count(*) FROM edupredict.models) - :models_before AS new_models,
       (SELECT array_agg(name ORDER BY name) FROM edupredict.models WHERE name LIKE 'mc\_%') AS names;
DELETE FROM edupredict.models WHERE name LIKE 'mc\_%';
DROP VIEW public.mc_small, public.mc_half, public.mc_explained;
DROP AGGREGATE public.mc_read_rows(float8[], text, jsonb), public.mc_read_rows(float8[], float8, jsonb);
DROP TABLE public.mc_rows;
