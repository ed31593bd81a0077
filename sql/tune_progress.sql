SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- tune() shows its current trial in pg_stat_activity.query while it runs, and the caller's query
-- again when it stops: a second connection (dblink) tunes while this one watches, then cancels it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
CREATE TABLE progress_rows AS
SELECT i, (i % 97)::float8 AS a, ((i * 7) % 89)::float8 AS b, ((i % 97) + (i * 7) % 89 > 90)::int AS y
FROM generate_series(1, 3000) i;
SELECT dblink_connect('progress', format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
       split_part(current_setting('unix_socket_directories'), ',', 1))) AS connected;
SELECT pid AS tuner FROM dblink('progress', 'SELECT pg_backend_pid()') AS t(pid int) \gset
-- the tuner works in a transaction that is rolled back
\set ECHO none
SELECT dblink_exec('progress', 'BEGIN') \gset
\set ECHO all
SELECT dblink_send_query('progress', $$SELECT edupredict.tune('progress_m', 'forest', 'public.progress_rows', 'y',
       '{"max_depth": [2, 12]}', trials => 1000, features => ARRAY['a', 'b'], params => '{"n_trees": 60}')$$) AS sent;
-- watch (at most 60 s) until a trial shows
CREATE FUNCTION pg_temp.watch(tuner int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	q text;
BEGIN
	FOR i IN 1..600 LOOP
		PERFORM pg_stat_clear_snapshot();
		SELECT a.query INTO q FROM pg_stat_activity a WHERE a.pid = tuner;
		IF q LIKE 'edupredict.tune(%' THEN
			RETURN q;
		END IF;
		PERFORM pg_sleep(0.1);
	END LOOP;
	RETURN 'no trial seen: ' || q;
END $$;
SELECT regexp_replace(pg_temp.watch(:tuner), 'trial \d+/1000, best roc_auc [0-9.]+$', 'trial N/1000, best roc_auc X') AS activity;
-- cancel it: the tuner's own query shows again
SELECT dblink_cancel_query('progress') AS cancelled;
SET client_min_messages = warning;
SELECT count(*) AS rows FROM dblink_get_result('progress', false) AS r(x text);
SELECT count(*) AS no_more FROM dblink_get_result('progress', false) AS r(x text);
RESET client_min_messages;
SELECT pg_stat_clear_snapshot();
SELECT query LIKE 'SELECT edupredict.tune(''progress_m''%' AS query_restored FROM pg_stat_activity WHERE pid = :tuner;
SELECT dblink_exec('progress', 'ROLLBACK');
SELECT dblink_disconnect('progress');
DROP TABLE progress_rows;
