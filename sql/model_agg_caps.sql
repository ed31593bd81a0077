SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- A model aggregate whose rows fit edupredict.forest_max_memory, but whose final function
-- needs more to train on them, fails as train_* does: 54000, naming the step that ran out
-- (putting the rows in their canonical order, growing the trees, the training profile).
-- The rows' and labels' own cap is forest_agg_labels.sql's.  Then the refusals of the
-- 4-argument forms' group keys name the aggregate's group_key argument, not a group_by
-- column, and their hints the settings as keys of params.
\i test/fixtures/outcome.sql
CREATE TABLE mac AS
SELECT i, (i * 37 % 1001)::float8 AS a, (i * 53 % 997)::float8 AS b, (i * 61 % 89)::float8 AS c,
       ((i * 37 % 1001) + (i * 53 % 997) + i % 17)::float8 AS r, 'c' || (i % 400) AS lab,
       'k' || (i % 3) AS k
FROM generate_series(1, 30000) i;

SET edupredict.forest_max_memory = '16MB';
SET edupredict.forest_threads = 1;
-- 30,000 rows of 3 features take 4 MB: 300 deep trees outgrow the cap, 400 classes' gradients too
SELECT q, pg_temp.outcome(format('SELECT length(%s) FROM mac', q)) AS under_16mb
FROM unnest(ARRAY[
  $$edupredict.forest_agg(ARRAY[a, b, c], r, '{"n_trees": 300}')$$,
  $$edupredict.forest_agg(ARRAY[a, b, c], lab, '{"n_trees": 300}')$$,
  $$edupredict.forest_agg(ARRAY[a, b, c], r, '{"n_trees": 300}', k)$$,
  $$edupredict.forest_agg_trees(ARRAY[a, b, c], r, '{"n_trees": 300, "task": "regression"}')$$,
  $$edupredict.boost_agg(ARRAY[a, b, c], lab, '{"n_rounds": 5}')$$,
  $$edupredict.boost_agg(ARRAY[a, b, c], lab, '{"n_rounds": 5}', k)$$]) WITH ORDINALITY u(q, o)
ORDER BY o;
-- the training profile of the trees' leaves is held beside the trees: the fewest trees that
-- do not fit grow, and their profile does not fit.  How many that is depends on a tree's
-- memory, so it is found by bisection (1 tree fits, 300 do not) and only the refusal shown.
CREATE FUNCTION pg_temp.fewest_trees_refused() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  q constant text := $q$SELECT length(edupredict.forest_agg(ARRAY[a, b, c], r, '{"n_trees": %s}')) FROM mac$q$;
  lo int := 1;
  hi int := 300;
  mid int;
  refused text := pg_temp.outcome(format(q, hi));
  o text;
BEGIN
  IF pg_temp.outcome(format(q, lo)) <> 'ok' OR refused = 'ok' THEN
    RETURN format('no window: %s trees %s, %s trees %s', lo, pg_temp.outcome(format(q, lo)), hi, refused);
  END IF;
  WHILE hi - lo > 1 LOOP
    mid := (lo + hi) / 2;
    o := pg_temp.outcome(format(q, mid));
    IF o = 'ok' THEN
      lo := mid;
    ELSE
      hi := mid;
      refused := o;
    END IF;
  END LOOP;
  RETURN refused;
END $$;
SELECT pg_temp.fewest_trees_refused() AS fewest_trees_refused;
-- 1,000,000 rows of one feature take 16 MB of a 20 MB cap: their canonical order does not fit
SET edupredict.forest_max_memory = '20MB';
SELECT agg, pg_temp.outcome(format($q$SELECT length(edupredict.%s(ARRAY[i::float8], i::float8, '{}'))
                                    FROM generate_series(1, 1000000) i$q$, agg)) AS rows_order
FROM unnest(ARRAY['forest_agg', 'boost_agg']) agg ORDER BY agg DESC;
-- the hint of the training cap
SET edupredict.forest_max_memory = '16MB';
SELECT length(edupredict.boost_agg(ARRAY[a, b, c], lab, '{"n_rounds": 5}')) FROM mac;
RESET edupredict.forest_max_memory;
RESET edupredict.forest_threads;
-- under the default cap the same aggregates train
SELECT length(edupredict.forest_agg(ARRAY[a, b, c], r, '{"n_trees": 25}')) > 0 AS default_cap,
       length(edupredict.boost_agg(ARRAY[a, b, c], lab, '{"n_rounds": 5}', k)) > 0 AS default_cap_boost
FROM mac;

-- the group key's refusals: the aggregate and its group_key argument (a psql caller has no
-- group_by column), the settings as keys of params, no test_fraction (an aggregate holds out
-- no test rows)
SELECT length(edupredict.forest_agg(ARRAY[a], lab, '{"n_trees": 5, "calibration": "isotonic"}', k)) FROM mac;
SELECT length(edupredict.forest_agg(ARRAY[a], lab, '{"n_trees": 5, "calibration": "sigmoid", "calibration_folds": 5}', k)) FROM mac;
SELECT length(edupredict.forest_agg(ARRAY[a], lab, '{"n_trees": 5, "calibration": "sigmoid", "calibration_folds": 2}', 'one')) FROM mac;
SELECT length(edupredict.boost_agg(ARRAY[a], lab, '{"n_rounds": 5, "validation_fraction": 0.2}', 'one')) FROM mac;
-- train_*(group_by) keeps naming its column
CREATE TABLE mac_small AS SELECT *, 'one' AS one FROM mac WHERE i <= 3000;
SELECT version FROM edupredict.train_forest('mac_cal', 'mac_small', 'lab', ARRAY['a'], n_trees => 5,
                                            calibration => 'isotonic', group_by => 'k');
SELECT version FROM edupredict.train_forest('mac_cal', 'mac_small', 'lab', ARRAY['a'], n_trees => 5, test_fraction => 0,
                                            calibration => 'sigmoid', calibration_folds => 5, group_by => 'k');
SELECT version FROM edupredict.train_boosting('mac_val', 'mac_small', 'lab', ARRAY['a'], n_rounds => 5, test_fraction => 0,
                                              validation_fraction => 0.2, group_by => 'one');
DROP TABLE mac, mac_small;
