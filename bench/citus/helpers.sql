-- Helpers of bench/citus/checks.sql and measure.sql, in pg_temp (Citus warns
-- that it cannot propagate functions in pg_temp to the workers: they need not be).
SET client_min_messages = error;

-- For each pattern: does it appear in the coordinator's part of the plan, in
-- a worker's part (the lines nested under "->  Task"), or both?
CREATE FUNCTION pg_temp.plan_where(query text, patterns text[])
RETURNS TABLE (pattern text, coordinator boolean, workers boolean)
LANGUAGE plpgsql AS $$
DECLARE
  line text;
  depth int;
  task_depth int := NULL;
  on_worker boolean;
  seen_c text[] := '{}';
  seen_w text[] := '{}';
  p text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
    depth := length(line) - length(ltrim(line));
    IF task_depth IS NOT NULL AND depth <= task_depth THEN task_depth := NULL; END IF;
    on_worker := task_depth IS NOT NULL;
    IF line ~ '^\s*->\s+Task$' THEN task_depth := depth; END IF;
    FOREACH p IN ARRAY patterns LOOP
      IF line ~ p THEN
        IF on_worker THEN seen_w := seen_w || p; ELSE seen_c := seen_c || p; END IF;
      END IF;
    END LOOP;
  END LOOP;
  RETURN QUERY SELECT u.p, u.p = ANY (seen_c), u.p = ANY (seen_w)
               FROM unnest(patterns) WITH ORDINALITY u(p, i) ORDER BY u.i;
END $$;

-- The rows and bytes the coordinator receives from the workers for a query
-- (EXPLAIN ANALYZE of the Citus custom scan; no timings).
CREATE FUNCTION pg_temp.received(query text, OUT rows_received bigint, OUT data_received text)
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF, COSTS OFF) ' || query LOOP
    IF rows_received IS NULL AND line ~ 'Custom Scan \(Citus' THEN
      rows_received := substring(line FROM 'actual rows=(\d+)')::bigint;
    ELSIF data_received IS NULL AND line ~ 'Tuple data received from nodes' THEN
      data_received := substring(line FROM 'received from nodes: (.*)$');
    END IF;
  END LOOP;
END $$;
SET client_min_messages = warning;
