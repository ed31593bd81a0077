-- cross_validate(), tune() and the run log: labels, an error with its SQLSTATE for every bad
-- argument, and who may see and write runs (owner set by the server, row-level security).
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(83);
SET LOCAL search_path = public, edupredict;

CREATE TABLE tap_cv AS
SELECT i, (i % 13)::float8 AS a, (i % 7)::float8 AS b, i % 9 AS school, 2000 + i % 8 AS yr,
       (i % 13 > 6)::int AS y, ('c' || i % 3) AS season
FROM generate_series(1, 400) i;
CREATE TABLE tap_one AS SELECT 1 AS school, i::float8 AS a, i % 2 AS y FROM generate_series(1, 40) i;
CREATE TABLE tap_nullgroup AS SELECT CASE WHEN i = 7 THEN NULL ELSE i % 5 END AS school, i::float8 AS a, i % 2 AS y
FROM generate_series(1, 40) i;

-- labels
SELECT volatility_is('edupredict', 'cross_validate', ARRAY['text', 'regclass', 'text', 'text[]', 'jsonb', 'integer', 'text', 'text', 'text', 'integer', 'bigint'], 'volatile', 'cross_validate is volatile (writes the run log)');
SELECT volatility_is('edupredict', 'tune', ARRAY['text', 'text', 'regclass', 'text', 'jsonb', 'integer', 'text', 'text', 'text[]', 'jsonb', 'integer', 'text', 'text', 'text', 'integer', 'bigint', 'text'], 'volatile', 'tune is volatile (writes)');
SELECT volatility_is('edupredict', 'leaderboard', ARRAY['text'], 'stable', 'leaderboard() is stable');
SELECT is_strict('edupredict', 'leaderboard', ARRAY['text'], 'leaderboard() is strict');
SELECT isnt_strict('edupredict', 'tune', ARRAY['text', 'text', 'regclass', 'text', 'jsonb', 'integer', 'text', 'text', 'text[]', 'jsonb', 'integer', 'text', 'text', 'text', 'integer', 'bigint', 'text'], 'tune is not strict (NULL features: every column)');

-- bad input
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"depth": [1, 2]}')$$, '22023', NULL, 'unknown name in space: 22023');
SELECT throws_like($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"depth": [1, 2]}')$$, '%unknown forest parameter "depth"%', 'unknown name is named');
CREATE FUNCTION pg_temp.hint_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
	EXECUTE q;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
	RETURN h;
END $$;
SELECT is(pg_temp.hint_of($$SELECT * FROM tune('tap_bad', 'boosting', 'tap_cv', 'y', '{"rounds": [1, 2]}')$$),
	'Valid keys: n_rounds, learning_rate, max_depth, max_leaves, min_child_weight, l2, subsample, colsample, early_stopping_rounds, class_weight, loss, huber_delta, validation_fraction.',
	'the HINT lists the valid names');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": [9, 3]}')$$, '22023', NULL, 'empty range: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": {"range": [9, 3]}}')$$, '22023', NULL, 'empty explicit range: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": {"log": [9, 3]}}')$$, '22023', NULL, 'empty log-range: 22023');
-- a range's ends meet the parameter's own bounds before its span is counted
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"n_trees": {"log": [1, 1e15]}}')$$, '54000',
	'space.n_trees must be at most 10000', 'a log-range beyond n_trees''s bound names the bound');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"n_trees": [1, 1000000000000000]}')$$, '54000',
	'space.n_trees must be at most 10000', 'so does an integer range');
-- an empty relation is named with its schema, quoted where needed
CREATE TABLE tap_empty (a float8, y int);
CREATE SCHEMA "Tap S";
CREATE TABLE "Tap S"."e mpty" (a float8, y int);
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_empty', 'y')$$, '22023',
	'relation public.tap_empty has no rows', 'an empty relation: 22023, named with its schema');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', '"Tap S"."e mpty"', 'y')$$, '22023',
	'relation "Tap S"."e mpty" has no rows', 'quoted where needed');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": []}')$$, '22023', NULL, 'empty list: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'boosting', 'tap_cv', 'y', '{"learning_rate": {"log": [-1, 0.3]}}')$$, '22023', NULL, 'log-range through 0: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": [[1], [2]]}')$$, '22023', NULL, 'nested list: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": [1, "Infinity"]}')$$, '22023', NULL, 'a string in a range is a list of bad values: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"n_trees": [1, 20000]}')$$, '54000', NULL, 'a range beyond a learner limit: 54000');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": [1, 3]}', trials => 10001)$$, '22023', NULL, 'too many trials: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": {"values": [1, 2, 3]}}', method => 'grid', trials => 2)$$, '22023', NULL, 'grid beyond trials: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_features": [0.1, 0.9]}', method => 'grid')$$, '22023', NULL, 'grid over a continuous range: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": [1, 3]}', metric => 'auc')$$, '22023', NULL, 'unknown metric: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', 'tap_cv', 'y', '{"max_depth": [1, 3]}', metric => 'r2')$$, '22023', NULL, 'metric of the other task: 22023');
SELECT throws_ok($$SELECT * FROM tune('', 'forest', 'tap_cv', 'y', '{"max_depth": [1, 3]}')$$, '22023', NULL, 'empty model_name: 22023');
SELECT throws_ok($$SELECT * FROM tune('tap_bad', 'forest', NULL, 'y', '{"max_depth": [1, 3]}')$$, '22004', NULL, 'NULL relation: 22004');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_one', 'y', ARRAY['a'], split => 'group', group_by => 'school')$$, '22023', NULL, 'a group column with one value: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a'], split => 'time', order_by => 'yr', folds => 8)$$, '22023', NULL, 'order_by with fewer values than folds + 1: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_nullgroup', 'y', ARRAY['a'], split => 'group', group_by => 'school')$$, '22004', NULL, 'NULL group: 22004');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a'], split => 'time', order_by => 'season')$$, '42804', NULL, 'text order_by: 42804');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a'], split => 'time', order_by => 'nope')$$, '42703', NULL, 'missing order_by column: 42703');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a'], split => 'group', group_by => 'y')$$, '22023', NULL, 'group_by is the target: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a'], folds => 0)$$, '22023', NULL, 'folds 0: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a'], split => 'time', order_by => 'yr', gap => -1)$$, '22023', NULL, 'negative gap: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('trees', 'tap_cv', 'y')$$, '22023', NULL, 'unknown algorithm: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', params => '[1]')$$, '22023', NULL, 'params not an object: 22023');
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_bad'), 0::bigint, 'no run of a failed tune');

-- who sees and writes runs
CREATE ROLE tap_alice;
CREATE ROLE tap_bob;
GRANT USAGE ON SCHEMA public TO tap_alice, tap_bob;
GRANT SELECT ON tap_cv TO tap_alice;
SET LOCAL ROLE tap_alice;
SELECT lives_ok($$SELECT * FROM cross_validate('forest', 'tap_cv', 'y', ARRAY['a', 'b'], '{"n_trees": 3}', folds => 3)$$, 'any role may cross-validate what it can read');
SELECT is((SELECT owner::text FROM runs WHERE source = 'public.tap_cv'), 'tap_alice', 'the run belongs to its caller');
INSERT INTO runs (kind, algorithm, params, metrics, source, n_rows, fingerprint, duration_s, peak_bytes, owner)
VALUES ('cv', 'forest', '{}', '{}', 'forged', 1, '0', 0, 0, 'tap_bob');
SELECT is((SELECT owner::text FROM runs WHERE source = 'forged'), 'tap_alice', 'an insert cannot name another owner');
SELECT throws_ok($$INSERT INTO runs (id, kind, algorithm, params, metrics, source, n_rows, fingerprint, duration_s, peak_bytes)
	VALUES (999999, 'cv', 'forest', '{}', '{}', 'x', 1, '0', 0, 0)$$, '42501', NULL, 'an insert cannot choose the id');
SELECT throws_ok($$UPDATE runs SET score = 1$$, '42501', NULL, 'a run cannot be changed');
RESET ROLE;
SET LOCAL ROLE tap_bob;
SELECT is((SELECT count(*) FROM runs), 0::bigint, 'another role sees none of them');
RESET ROLE;
CREATE TEMP TABLE tap_ids AS SELECT id FROM runs WHERE source = 'forged';
GRANT SELECT ON tap_ids TO tap_bob;
SET LOCAL ROLE tap_bob;
SELECT throws_ok($$INSERT INTO runs (parent_id, kind, algorithm, params, metrics, source, n_rows, fingerprint, duration_s, peak_bytes)
	SELECT id, 'trial', 'forest', '{}', '{}', 'x', 1, '0', 0, 0 FROM tap_ids$$, '42501', NULL, 'nor logs a run under one of them');
RESET ROLE;
SELECT is((SELECT count(*) FROM runs WHERE owner = 'tap_alice'::regrole), 2::bigint, 'a superuser sees every run');
SET LOCAL ROLE tap_bob;
DELETE FROM runs;
RESET ROLE;
SELECT is((SELECT count(*) FROM runs WHERE owner = 'tap_alice'::regrole), 2::bigint, 'nor deletes them');

-- runs of a model are visible to those who may read the model: alice's training of tap_m, then
-- grant_model()
GRANT edupredict_user TO tap_alice, tap_bob;
SET LOCAL ROLE tap_alice;
SELECT lives_ok($$SELECT train_forest('tap_m', 'tap_cv', 'y', ARRAY['a', 'b'], n_trees => 3)$$, 'alice trains tap_m');
RESET ROLE;
SET LOCAL ROLE tap_bob;
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_m'), 0::bigint, 'bob does not see the runs of tap_m');
RESET ROLE;
SET LOCAL ROLE tap_alice;
SELECT lives_ok($$SELECT grant_model('tap_m', 'tap_bob')$$, 'alice grants tap_m to bob');
RESET ROLE;
SET LOCAL ROLE tap_bob;
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_m' AND kind = 'train'), 1::bigint, 'once he may read tap_m, he sees its runs');
SELECT is((SELECT count(*) FROM runs WHERE model_name IS NULL), 0::bigint, 'but still none of her other runs');
SELECT throws_ok($$INSERT INTO runs (kind, model_name, algorithm, params, metrics, source, n_rows, fingerprint, duration_s, peak_bytes)
	VALUES ('cv', 'tap_m', 'forest', '{}', '{}', 'x', 1, '0', 0, 0)$$, '42501', NULL, 'nor logs runs under her model');
RESET ROLE;

-- a name dropped and trained again by another role does not bring the old owner's runs with it
SET LOCAL ROLE tap_alice;
SELECT lives_ok($$SELECT drop_model('tap_m')$$, 'alice drops tap_m');
RESET ROLE;
GRANT SELECT ON tap_cv TO tap_bob;
SET LOCAL ROLE tap_bob;
SELECT lives_ok($$SELECT train_forest('tap_m', 'tap_cv', 'y', ARRAY['a', 'b'], n_trees => 3)$$, 'bob trains a new tap_m');
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_m'), 1::bigint, 'bob sees his run of the new tap_m, not hers');
RESET ROLE;
SET LOCAL ROLE tap_alice;
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_m' AND owner = 'tap_bob'::regrole), 0::bigint, 'nor she his');
RESET ROLE;

-- the leaderboard ranks a name's runs per owner of the name: a role that sees the runs of both
-- owners (here a superuser) does not get the old owner's runs ranked with the new one's
CREATE FUNCTION pg_temp.tap_cv_run(score float8) RETURNS void LANGUAGE sql AS $$
	INSERT INTO edupredict.runs (kind, model_name, algorithm, params, metrics, metric, score, source, n_rows, fingerprint, duration_s, peak_bytes)
	VALUES ('cv', 'tap_lb', 'forest', '{}', '{}', 'roc_auc', score, 'x', 1, '0', 0, 0)
$$;
SET LOCAL ROLE tap_alice;
SELECT lives_ok($$SELECT train_forest('tap_lb', 'tap_cv', 'y', ARRAY['a'], n_trees => 2)$$, 'alice trains tap_lb');
SELECT pg_temp.tap_cv_run(0.9);
SELECT lives_ok($$SELECT drop_model('tap_lb')$$, 'and drops it');
RESET ROLE;
SET LOCAL ROLE tap_bob;
SELECT lives_ok($$SELECT train_forest('tap_lb', 'tap_cv', 'y', ARRAY['a'], n_trees => 2)$$, 'bob trains a new tap_lb');
SELECT pg_temp.tap_cv_run(0.7);
SELECT pg_temp.tap_cv_run(0.6);
SELECT results_eq($$SELECT name_owner::text, rank, score FROM leaderboard('tap_lb')$$,
	$$VALUES ('tap_bob', 1::bigint, 0.7::float8), ('tap_bob', 2, 0.6)$$, 'bob''s leaderboard ranks his runs');
RESET ROLE;
SELECT results_eq($$SELECT name_owner::text, rank, score FROM leaderboard WHERE model_name = 'tap_lb' ORDER BY name_owner::text, rank$$,
	$$VALUES ('tap_alice', 1::bigint, 0.9::float8), ('tap_bob', 1, 0.7), ('tap_bob', 2, 0.6)$$,
	'one who sees both owners'' runs gets one ranking per owner of the name');
SELECT is((SELECT count(*) FROM leaderboard('tap_lb') WHERE rank = 1), 2::bigint, 'and so does leaderboard(name)');

-- drop_model() clears the version of the dropped versions' runs: a version number given again to a
-- new training is not credited with the old runs (train, refit, and the cv run tune() scored)
SET LOCAL ROLE tap_alice;
SELECT lives_ok($$SELECT train_forest('tap_v', 'tap_cv', 'y', ARRAY['a', 'b'], n_trees => 3)$$, 'alice trains tap_v 1');
SELECT lives_ok($$SELECT deploy('tap_v', 1)$$, 'and deploys it');
SELECT lives_ok($$SELECT * FROM tune('tap_v', 'forest', 'tap_cv', 'y', '{"max_depth": [1, 3]}', trials => 2, features => ARRAY['a', 'b'],
	params => '{"n_trees": 3}', folds => 3, deploy => 'if_better')$$, 'tune scores version 1 and refits version 2');
SELECT is((SELECT count(*) FROM leaderboard('tap_v') WHERE model_version = 1), 1::bigint, 'the leaderboard has the deployed version 1');
SELECT lives_ok($$SELECT drop_model('tap_v')$$, 'alice drops tap_v');
SELECT lives_ok($$SELECT train_forest('tap_v', 'tap_cv', 'y', ARRAY['a'], n_trees => 2)$$, 'and trains a new tap_v 1');
SELECT is((SELECT array_agg(kind ORDER BY id) FROM runs WHERE model_name = 'tap_v' AND model_version = 1), ARRAY['train'],
	'only the new training claims version 1');
SELECT is((SELECT count(*) FROM leaderboard('tap_v') WHERE model_version IS NOT NULL), 0::bigint,
	'the leaderboard credits no version with the old runs');
SELECT ok((SELECT count(*) > 0 FROM leaderboard('tap_v') WHERE kind = 'cv' AND model_version IS NULL),
	'the old runs stay on the leaderboard, without a version');
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_v' AND kind IN ('train', 'refit') AND model_version IS NULL), 2::bigint,
	'and in the run log');
SELECT lives_ok($$SELECT train_forest('tap_v', 'tap_cv', 'y', ARRAY['a'], n_trees => 2)$$, 'version 2');
SELECT lives_ok($$SELECT drop_model('tap_v', 2)$$, 'dropped');
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_v' AND model_version = 2), 0::bigint,
	'dropping one version clears the version of its runs');
SELECT is((SELECT count(*) FROM runs WHERE model_name = 'tap_v' AND model_version = 1), 1::bigint, 'version 1 keeps its run');
SELECT throws_ok($$UPDATE runs SET model_version = 7 WHERE model_name = 'tap_v'$$, '42501', NULL,
	'a run''s version can be cleared, not set');
RESET ROLE;
SET LOCAL ROLE tap_bob;
UPDATE runs SET model_version = NULL WHERE model_name = 'tap_v';
RESET ROLE;
SELECT is((SELECT array_agg(model_version) FROM runs WHERE model_name = 'tap_v' AND model_version IS NOT NULL), ARRAY[1],
	'nor can a role outside the name''s owner clear it');

-- a deployed version whose stored params its learner refuses: the key as tune reads it (params.KEY) and
-- a context naming the version, no phrase composed into the message
RESET ROLE;
SELECT lives_ok($$SELECT train_forest('tap_dp', 'tap_cv', 'y', ARRAY['a'], n_trees => 2)$$, 'tap_dp 1 trains');
SELECT lives_ok($$SELECT deploy('tap_dp', 1)$$, 'and is deployed');
SELECT lives_ok($$UPDATE models SET params = '{"n_trees": 0}' WHERE name = 'tap_dp' AND version = 1$$,
	'a superuser stores params its learner refuses');
CREATE FUNCTION pg_temp.tap_refusal(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; ctx text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, ctx = PG_EXCEPTION_CONTEXT;
	RETURN concat_ws(' | ', st, msg, split_part(ctx, E'\n', 1));
END$f$;
SELECT is(pg_temp.tap_refusal($$SELECT * FROM tune('tap_dp', 'forest', 'tap_cv', 'y', '{"max_depth": [1, 3]}', trials => 2,
	features => ARRAY['a'], params => '{"n_trees": 3}', folds => 3, deploy => 'if_better')$$),
	'22023 | params.n_trees must be an integer between 1 and 10000 | reading the params of deployed version 1 of model "tap_dp"',
	'tune: the deployed version''s refused params, named by the key and a context line');

SELECT * FROM finish();
ROLLBACK;
