SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
-- While its threads run, a training stops only for what ends the statement (cancel, statement_timeout,
-- terminate: sql/model_cancel.sql) or a ProcSignal barrier.  Any other interrupt waits until the training
-- ends instead of starting it over: in practice the statistics flush that a session's previous statement
-- arms for 10 s later (every longer training in a script or a dbt run used to run twice); here
-- pg_log_backend_memory_contexts(), sent again and again from this session while a second connection
-- (dblink) trains.  Before the fix each signal restarted the training, and after three the engine fell
-- back to one thread: metrics showed train_restarts 3, threads 1.
CREATE TABLE intr_rows AS
SELECT i, (i % 97)::float8 AS a, ((i * 7) % 89)::float8 AS b, ((i * 13) % 101)::float8 AS c,
       ((i % 97) + (i * 7) % 89 + (i * 13) % 101 > 140)::int AS y
FROM generate_series(1, 60000) i;
SELECT dblink_connect('intr', format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
       split_part(current_setting('unix_socket_directories'), ',', 1))) AS connected;
SELECT pid AS trainer FROM dblink('intr', 'SELECT pg_backend_pid()') AS t(pid int) \gset
-- signal the trainer every 20 ms while it is busy (at most 60 s); returns how many signals were sent
CREATE FUNCTION pg_temp.pester(trainer int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	sent int := 0;
BEGIN
	FOR i IN 1..3000 LOOP
		EXIT WHEN dblink_is_busy('intr') = 0;
		IF pg_log_backend_memory_contexts(trainer) THEN
			sent := sent + 1;
		END IF;
		PERFORM pg_sleep(0.02);
	END LOOP;
	RETURN sent;
END $$;
-- boosting: threads start from 32,768 training rows (48,000 here)
SELECT dblink_send_query('intr', $$SELECT metrics->>'threads', metrics->>'train_restarts'
       FROM edupredict.train_boosting('intr_boost', 'public.intr_rows', 'y', features => ARRAY['a', 'b', 'c'],
                                      n_rounds => 300, max_depth => 6)$$) AS sent;
SELECT pg_temp.pester(:trainer) >= 10 AS pestered;
SELECT * FROM dblink_get_result('intr', false) AS r(threads text, train_restarts text);
SELECT count(*) AS no_more FROM dblink_get_result('intr', false) AS r(threads text, train_restarts text);
-- the random forest
SELECT dblink_send_query('intr', $$SELECT metrics->>'threads', metrics->>'train_restarts'
       FROM edupredict.train_forest('intr_forest', 'public.intr_rows', 'y', features => ARRAY['a', 'b', 'c'],
                                    n_trees => 100)$$) AS sent;
SELECT pg_temp.pester(:trainer) >= 10 AS pestered;
SELECT * FROM dblink_get_result('intr', false) AS r(threads text, train_restarts text);
SELECT count(*) AS no_more FROM dblink_get_result('intr', false) AS r(threads text, train_restarts text);
-- A ProcSignal barrier is the other reason to stop: DROP DATABASE waits until every backend has absorbed
-- one, so the threads stop and the training starts over (after three restarts it finishes on one
-- thread, absorbing barriers as they come).  A third connection creates and drops a database again and
-- again while the trainer boosts the same rows as above (dropped_while_training: the barriers did come
-- during the training): it restarts 1-3 times, and the model is byte for byte the one trained without
-- barriers.  A poll blind to barriers left the threads running (no restart), and a DROP DATABASE that
-- came while they ran waited for the training to end.
SELECT dblink_connect('intr_ddl', format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
       split_part(current_setting('unix_socket_directories'), ',', 1))) AS connected;
CREATE FUNCTION pg_temp.barriers(OUT drops int, OUT drops_while_training int) LANGUAGE plpgsql AS $$
BEGIN
	drops := 0;
	drops_while_training := 0;
	FOR i IN 1..300 LOOP
		EXIT WHEN dblink_is_busy('intr') = 0;
		PERFORM dblink_exec('intr_ddl', 'CREATE DATABASE intr_barrier');
		PERFORM dblink_exec('intr_ddl', 'DROP DATABASE intr_barrier');
		drops := drops + 1;
		IF dblink_is_busy('intr') = 1 THEN
			drops_while_training := drops_while_training + 1;
		END IF;
	END LOOP;
END $$;
SELECT dblink_send_query('intr', $$SELECT metrics->>'train_restarts'
       FROM edupredict.train_boosting('intr_boost', 'public.intr_rows', 'y', features => ARRAY['a', 'b', 'c'],
                                      n_rounds => 300, max_depth => 6)$$) AS sent;
SELECT drops_while_training >= 1 AS dropped_while_training FROM pg_temp.barriers();
SELECT train_restarts::int BETWEEN 1 AND 3 AS restarted
FROM dblink_get_result('intr', false) AS r(train_restarts text);
SELECT count(*) AS no_more FROM dblink_get_result('intr', false) AS r(train_restarts text);
SELECT count(*) AS versions, count(DISTINCT md5(model)) AS distinct_bytes
FROM edupredict.models WHERE name = 'intr_boost';
SELECT dblink_disconnect('intr_ddl');
SELECT dblink_disconnect('intr');
SELECT edupredict.drop_model('intr_boost');
SELECT edupredict.drop_model('intr_forest');
DROP TABLE intr_rows;
