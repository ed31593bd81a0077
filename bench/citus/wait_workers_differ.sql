-- Included by checks.sql after worker 2 reloads a changed setting: waits (up
-- to 10 s) until the two workers answer the query in bench.wait_query
-- differently, as worker 2's backends reload at their next command.
DO $$
BEGIN
  FOR i IN 1..100 LOOP
    EXIT WHEN (SELECT count(DISTINCT result) FROM run_command_on_workers(current_setting('bench.wait_query'))) = 2;
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
