-- bench/boost_cancel.sql: how long after statement_timeout boosting's work stops (issue 10: within
-- 0.2 s), for bench/boost_cancel.sh; overshoots in seconds, printed (the test, sql/model_cancel.sql,
-- prints only booleans against looser bounds).  train_boosting on 1,000,000 rows x 8 with one and two
-- threads, timeouts 1-3 s into its rounds; boost_agg over 2,000,000 rows at timeouts every 0.05 s from
-- 0.3 to 2.6 s, three sweeps (the scan, the parallel hand-off, the final function; a NULL overshoot: the
-- call ended first).
-- \gexec runs each generated statement on its own, so each SET arms the timeout of the INSERT after it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
\i test/fixtures/cancel_overshoot.sql
\i test/fixtures/cancel_rows.sql
CREATE TEMP TABLE m (what text, sweep int, t float8, overshoot float8);
SELECT format('SET edupredict.forest_threads = %s', th),
       format('SET statement_timeout = %s', ms),
       format('INSERT INTO m SELECT %L, 1, %s, pg_temp.overshoot(%L)', 'train ' || th || ' thread(s)', ms / 1000.0,
              'SELECT edupredict.train_boosting(''mc_boost'', ''public.mc_half'', ''r'', '
              'ARRAY[''f1'', ''f2'', ''f3'', ''f4'', ''f5'', ''f6'', ''f7'', ''f8''], n_rounds => 3000, max_depth => 8)')
FROM generate_series(1, 2) th, generate_series(1000, 3000, 500) ms ORDER BY th, ms \gexec
RESET statement_timeout;
SET synchronize_seqscans = off;
SELECT format('SET statement_timeout = %s', ms),
       format('INSERT INTO m SELECT %L, %s, %s, pg_temp.overshoot(%L)', 'boost_agg', sweep, ms / 1000.0,
              'SELECT edupredict.boost_agg(ARRAY[f1, f2, f3, f4]::float8[], r, ''{"n_rounds": 10, "max_depth": 8}'') '
              'FROM public.mc_rows')
FROM generate_series(1, 3) sweep, generate_series(300, 2600, 50) ms ORDER BY sweep, ms \gexec
RESET statement_timeout;
\pset format unaligned
\pset tuples_only on
SELECT 'row|' || what || '|' || t || '|' || string_agg(coalesce(round(overshoot::numeric, 3)::text, 'ended'), ' / ' ORDER BY sweep)
FROM m GROUP BY what, t ORDER BY what, t;
SELECT 'sum|' || what || '|' || count(overshoot) || '|' || round(max(overshoot)::numeric, 3) || '|'
       || round(avg(overshoot)::numeric, 3)
FROM m GROUP BY what ORDER BY what;
