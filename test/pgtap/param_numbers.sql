-- Numbers of a jsonb params object or tune()'s space beyond a double (1e400)
-- or below its smallest (1e-400): each refused by the learner's own check,
-- naming the key and its allowed range (22023, as 1e300 or 0 would be),
-- never PostgreSQL's '"1e400" is out of range for type double precision'
-- (22003), which names no key.  1e-400 is read as 0, as a double holds it:
-- refused by a knob that must be above 0, taken as 0 by one that allows 0.
BEGIN;
SELECT plan(28);
SET LOCAL search_path = edupredict, public;

CREATE TEMP TABLE pn AS
SELECT i, (i % 13)::float8 AS a, (i % 7)::float8 AS b, (i % 13 > 6)::int AS y
FROM generate_series(1, 120) i;

-- the statement that hands json to a function: its params (agg: forest_agg
-- or boost_agg; cv: cross_validate; tune: tune's params) or tune's space
CREATE FUNCTION pg_temp.stmt(fn text, algorithm text, json text) RETURNS text LANGUAGE sql AS $$
SELECT CASE fn
	WHEN 'agg' THEN format('SELECT %s(ARRAY[a, b], y::float8, %L) FROM pn',
		CASE algorithm WHEN 'forest' THEN 'forest_agg' ELSE 'boost_agg' END, json)
	WHEN 'cv' THEN format('SELECT * FROM cross_validate(%L, ''pn'', ''y'', ARRAY[''a'', ''b''], %L)', algorithm, json)
	WHEN 'tune' THEN format('SELECT * FROM tune(''pn_t'', %L, ''pn'', ''y'', %L, params => %L)', algorithm,
		CASE algorithm WHEN 'forest' THEN '{"n_trees": [1, 2]}' ELSE '{"n_rounds": [1, 2]}' END, json)
	WHEN 'space' THEN format('SELECT * FROM tune(''pn_t'', %L, ''pn'', ''y'', %L)', algorithm, json)
END $$;

SELECT throws_ok(pg_temp.stmt(fn, algorithm, json), state, msg, fn || ' ' || algorithm || ' ' || json || ': ' || what)
FROM (VALUES
	(1, 'agg', 'forest', '{"max_depth": 1e400}', '22023',
	 'params.max_depth must be an integer between 1 and 100000, or NULL to grow the trees until the leaves are pure',
	 'names the key and its range'),
	(2, 'agg', 'forest', '{"min_samples_leaf": -1e400}', '22023',
	 'params.min_samples_leaf must be an integer between 1 and 2147483647', 'as -1e300'),
	(3, 'agg', 'forest', '{"sample_fraction": 1e-400}', '22023',
	 'params.sample_fraction must be in (0, 1]', '0, which is not allowed'),
	(4, 'agg', 'forest', '{"max_features": -1e-400}', '22023',
	 'params.max_features must be a fraction of the features in (0, 1], or NULL for the default', '-0'),
	(5, 'agg', 'forest', '{"seed": 1e400}', '22023',
	 'params.seed must be an integer between -9e15 and 9e15', 'names the key and its range'),
	(6, 'agg', 'forest', '{"n_trees": 1e400}', '54000',
	 'params.n_trees must be at most 10000', 'over the limit, as 1e300 is'),
	(7, 'agg', 'boosting', '{"n_rounds": 1e400}', '22023',
	 'params.n_rounds must be an integer between 1 and 10000', 'as 1e300'),
	(8, 'agg', 'boosting', '{"learning_rate": 1e-400}', '22023',
	 'learning_rate must be greater than 0 and at most 1', '0, which is not allowed'),
	(9, 'agg', 'boosting', '{"l2": 1e400}', '22023',
	 'l2 must be a non-negative number', 'an infinity'),
	(10, 'agg', 'boosting', '{"min_child_weight": -1e999}', '22023',
	 'min_child_weight must be a non-negative number', 'as -1e300'),
	(11, 'agg', 'boosting', '{"seed": -1e400}', '22023',
	 'params.seed must be an integer between -9e15 and 9e15', 'as -1e300'),
	(12, 'cv', 'forest', '{"max_depth": 1e400}', '22023',
	 'params.max_depth must be an integer between 1 and 100000, or NULL to grow the trees until the leaves are pure',
	 'as 1e300'),
	(13, 'cv', 'boosting', '{"subsample": 1e-400}', '22023',
	 'subsample must be greater than 0 and at most 1', '0, which is not allowed'),
	(14, 'cv', 'boosting', '{"max_depth": 1e400}', '22023',
	 'params.max_depth must be an integer between 1 and 32, or NULL with max_leaves', 'as 1e300'),
	(15, 'tune', 'forest', '{"max_features": 1e-400}', '22023',
	 'params.max_features must be a fraction of the features in (0, 1], or NULL for the default',
	 '0, which is not allowed'),
	(16, 'tune', 'boosting', '{"learning_rate": 1e400}', '22023',
	 'learning_rate must be greater than 0 and at most 1', 'an infinity'),
	(17, 'space', 'forest', '{"max_depth": 1e400}', '22023',
	 'space.max_depth must be an integer between 1 and 100000, or NULL to grow the trees until the leaves are pure',
	 'one value'),
	(18, 'space', 'forest', '{"max_depth": [3, 1e400, 5]}', '22023',
	 'space.max_depth must be an integer between 1 and 100000, or NULL to grow the trees until the leaves are pure',
	 'in a list'),
	(19, 'space', 'forest', '{"sample_fraction": {"values": [0.5, 1e-400]}}', '22023',
	 'space.sample_fraction must be in (0, 1]', 'in a list: 0, which is not allowed'),
	(20, 'space', 'forest', '{"max_depth": [1, 1e400]}', '22023',
	 'space.max_depth must have ends between -1e15 and 1e15', 'the end of a range'),
	(21, 'space', 'boosting', '{"learning_rate": {"log": [1e-400, 1e999]}}', '22023',
	 'space.learning_rate must have ends between -1e15 and 1e15', 'the ends of a log-range'),
	(22, 'space', 'boosting', '{"learning_rate": {"log": [1e-400, 0.3]}}', '22023',
	 'space.learning_rate is a log-range and needs a low end above 0', 'a log-range from 0'),
	(23, 'space', 'boosting', '{"subsample": {"range": [-1e400, 0.5]}}', '22023',
	 'space.subsample must have ends between -1e15 and 1e15', 'the low end of a range'),
	(24, 'space', 'boosting', '{"n_rounds": 1e400}', '22023',
	 'space.n_rounds must be an integer between 1 and 10000', 'one value'),
	(25, 'space', 'boosting', '{"colsample": [0.5, 1e-400, 1]}', '22023',
	 'colsample must be greater than 0 and at most 1', 'in a list: 0, which is not allowed')
) t(n, fn, algorithm, json, state, msg, what)
ORDER BY n;

-- below the smallest double, for a knob that allows 0 (l2, min_child_weight): read as 0 and taken,
-- as Python reads 1e-400 as 0.0 before scikit-learn or XGBoost sees it (a knob that must be above 0
-- refuses it, as above); the same model as 0, and the registry records 0
SELECT ok((SELECT boost_agg(ARRAY[a, b], y::float8, '{"n_rounds": 3, "l2": 1e-400, "min_child_weight": -1e-400}') =
                  boost_agg(ARRAY[a, b], y::float8, '{"n_rounds": 3, "l2": 0, "min_child_weight": 0}') FROM pn),
	'agg boosting: l2 1e-400 and min_child_weight -1e-400 train as 0');
CREATE TEMP TABLE pn_tuned AS
SELECT * FROM tune('pn_u', 'boosting', 'pn', 'y', '{"n_rounds": [2], "l2": [1e-400]}', trials => 1,
                   params => '{"min_child_weight": 1e-400}');
SELECT is((SELECT ARRAY[params->'l2', params->'min_child_weight'] FROM model_list JOIN pn_tuned USING (version) WHERE name = 'pn_u'),
	ARRAY['0', '0']::jsonb[], 'tune boosting: space.l2 and params.min_child_weight 1e-400 are recorded as 0');

-- _forest_params_problem (train_availability, refresh_supply) names the problem, raises nothing
SELECT is(_forest_params_problem('{"max_depth": 1e400}'),
	'max_depth must be an integer between 1 and 100000, or NULL to grow the trees until the leaves are pure',
	'_forest_params_problem: max_depth 1e400 is a problem it names');

SELECT * FROM finish();
ROLLBACK;
