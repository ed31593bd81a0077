-- Catalog-level checks for the forecasting API (docs/forecasting.md).
BEGIN;
SELECT plan(48);
SET LOCAL search_path = edupredict, public;

SELECT has_type('edupredict', 'school_term', 'school_term type exists');
SELECT has_opclass('edupredict', 'school_term_ops', 'btree opclass for school_term');
SELECT has_opclass('edupredict', 'school_term_hash_ops', 'hash opclass for school_term');
SELECT ok(to_regoperator('edupredict.+(edupredict.school_term,integer)') IS NOT NULL, 'school_term + integer');
SELECT ok(to_regoperator('edupredict.-(edupredict.school_term,edupredict.school_term)') IS NOT NULL, 'school_term - school_term');
SELECT volatility_is('edupredict', 'term_of', ARRAY['date'], 'immutable', 'term_of is IMMUTABLE');
SELECT is_strict('edupredict', 'term_start', ARRAY['school_term'], 'term_start is STRICT');

SELECT is_aggregate('edupredict', 'expected_count', ARRAY['double precision'], 'expected_count is an aggregate');
SELECT is((SELECT p.proparallel FROM pg_proc p WHERE p.oid = 'edupredict.expected_count(float8)'::regprocedure),
		  's'::"char", 'expected_count is PARALLEL SAFE');
SELECT isnt((SELECT a.aggcombinefn FROM pg_aggregate a WHERE a.aggfnoid = 'edupredict.expected_count(float8)'::regprocedure),
			0::regproc, 'expected_count has a combine function');
SELECT is((SELECT a.aggtranstype::regtype FROM pg_aggregate a WHERE a.aggfnoid = 'edupredict.expected_count(float8)'::regprocedure),
		  'double precision[]'::regtype, 'expected_count has a concrete float8[] state');

SELECT volatility_is('edupredict', 'generate_tutor_data',
					 ARRAY['text', 'integer', 'integer', 'school_term', 'school_term'],
					 'volatile', 'generate_tutor_data is VOLATILE (it writes tables)');
SELECT volatility_is('edupredict', 'tutor_features', ARRAY['regclass', 'regclass', 'school_term'],
					 'stable', 'tutor_features is STABLE');
SELECT volatility_is('edupredict', 'train_availability',
					 ARRAY['text', 'regclass', 'regclass', 'school_term', 'integer[]', 'integer', 'bigint', 'integer'],
					 'volatile', 'train_availability is VOLATILE (it writes the registry)');
SELECT volatility_is('edupredict', 'predict_availability',
					 ARRAY['text', 'regclass', 'regclass', 'school_term', 'regclass'],
					 'stable', 'predict_availability is STABLE');
SELECT volatility_is('edupredict', 'supply_demand',
					 ARRAY['text', 'regclass', 'regclass', 'regclass', 'school_term', 'regclass'],
					 'stable', 'supply_demand is STABLE');
SELECT function_returns('edupredict', 'expected_count_final', ARRAY['double precision[]'], 'count_distribution',
						'expected_count returns count_distribution');

-- Computed values, worked by hand.
-- Two fair coins: pmf 1/4, 1/2, 1/4, so p10 = 0, p50 = 1, p90 = 2, sd = sqrt(2 * 1/4).
SELECT results_eq($$SELECT (edupredict.expected_count(p)).* FROM (VALUES (0.5::float8), (0.5)) v(p)$$,
				  $$VALUES (1.0::float8, sqrt(0.5)::float8, 0::bigint, 1::bigint, 2::bigint)$$,
				  'expected_count of two fair coins');
-- 0.9, 0.9, 0.9, 0.1: Binomial(3, 0.9) = .001/.027/.243/.729 convolved with Bernoulli(0.1) gives
-- .0009/.0244/.2214/.6804/.0729 (cumulative .0009/.0253/.2467/.9271/1): p10 2, p50 3, p90 3;
-- mean 2.8, sd sqrt(3 * .09 + .09) = 0.6.
SELECT results_eq($$SELECT round((e).expected::numeric, 12), round((e).sd::numeric, 12), (e).p10, (e).p50, (e).p90
					FROM (SELECT edupredict.expected_count(p) AS e FROM (VALUES (0.9::float8), (0.9), (0.9), (0.1)) v(p)) x$$,
				  $$VALUES (2.8::numeric, 0.6::numeric, 2::bigint, 3::bigint, 3::bigint)$$,
				  'expected_count of 0.9, 0.9, 0.9, 0.1');
-- Certain and impossible events only shift the count: 1, 1, 0 is exactly 2.
SELECT results_eq($$SELECT (edupredict.expected_count(p)).* FROM (VALUES (1.0::float8), (1.0), (0.0)) v(p)$$,
				  $$VALUES (2.0::float8, 0.0::float8, 2::bigint, 2::bigint, 2::bigint)$$,
				  'expected_count of 1, 1, 0');
-- The same in a different order, and split across a combine, give the same distribution.
SELECT is((SELECT edupredict.expected_count(p ORDER BY p DESC) FROM (VALUES (0.9::float8), (0.9), (0.9), (0.1)) v(p))::text,
		  (SELECT edupredict.expected_count_final(edupredict.expected_count_combine(
				'{7041,1,0.1,0.09,0,2,0,0.9,0.1}', '{7041,3,2.7,0.27,0,4,0,0.001,0.027,0.243,0.729}')))::text,
		  'combine of two hand-made states equals the aggregate');

-- Term arithmetic and calendar, by hand.
SELECT is('2023 Autumn'::edupredict.school_term OPERATOR(edupredict.+) 1, '2024 Spring'::edupredict.school_term, 'Autumn + 1 is next Spring');
SELECT is('2024 Spring'::edupredict.school_term OPERATOR(edupredict.-) 4, '2022 Autumn'::edupredict.school_term, 'Spring - 4 terms');
SELECT is('2024 Spring'::edupredict.school_term OPERATOR(edupredict.-) '2021 Summer'::edupredict.school_term, 8, 'terms between 2021 Summer and 2024 Spring');
SELECT is(edupredict.term_of('2023-08-31'), '2023 Summer'::edupredict.school_term, '31 August is Summer');
SELECT is(edupredict.term_of('2023-09-01'), '2023 Autumn'::edupredict.school_term, '1 September is Autumn');
SELECT is(edupredict.term_end('2024 Spring'), '2024-03-31'::date, 'Spring ends on 31 March');

-- Count distributions by hand: Poisson(2) has cumulative .135/.406/.677/.857/.947 at 0..4, so p10 0,
-- p50 2, p90 4 and 7 e^-2 of its mass on [0, 4]; two certain events plus Poisson(0) are exactly 2.
SELECT results_eq($$SELECT (edupredict.count_summary(edupredict.count_poisson(2))).*$$,
				  $$VALUES (2.0::float8, sqrt(2::float8), 0::bigint, 2::bigint, 4::bigint)$$, 'Poisson(2) summary');
SELECT is(round(edupredict.count_mass(edupredict.count_poisson(2), 0, 4)::numeric, 12), round((7 * exp(-2.0))::numeric, 12),
		  'Poisson(2) mass on [0, 4] is 7 e^-2');
SELECT results_eq($$SELECT (edupredict.count_summary(edupredict.count_convolve(
						(SELECT edupredict.expected_count_state(p) FROM (VALUES (1.0::float8), (1.0)) v(p)),
						edupredict.count_poisson(0)))).*$$,
				  $$VALUES (2.0::float8, 0.0::float8, 2::bigint, 2::bigint, 2::bigint)$$, 'certain events convolved');
-- Suppression by hand (k = 5): in a 2 x 2 table with one cell below 5 every cell is suppressed
-- (the row and the column of the small cell each need a second one, and then the other row and column).
CREATE TEMP TABLE tap_cells (r text, c text, n int);
INSERT INTO tap_cells VALUES ('a', 'x', 3), ('a', 'y', 10), ('b', 'x', 20), ('b', 'y', 30);
SELECT results_eq($$SELECT row_key, column_key, reason FROM edupredict.suppress_small_cells('tap_cells', 'r', 'c', 'n') ORDER BY 1, 2$$,
				  $$VALUES ('a', 'x', 'primary'), ('a', 'y', 'secondary'), ('b', 'x', 'secondary'), ('b', 'y', 'secondary')$$,
				  'secondary suppression protects the small cell from both totals');
SELECT throws_ok($$SELECT edupredict.count_poisson(-1)$$, '22023', NULL, 'a negative Poisson mean is 22023');

-- Errors with their SQLSTATEs.
SELECT throws_ok($$SELECT 'Summer 2023'::edupredict.school_term$$, '22P02', NULL, 'bad term text is 22P02');
SELECT throws_ok($$SELECT '10000 Spring'::edupredict.school_term$$, '22008', NULL, 'year out of range is 22008');
SELECT throws_ok($$SELECT '9999 Autumn'::edupredict.school_term + 1$$, '22008', NULL, 'arithmetic overflow is 22008');
SELECT throws_ok($$SELECT edupredict.expected_count(p) FROM (VALUES ('NaN'::float8)) v(p)$$, '22023', NULL,
				 'NaN probability is 22023');
SELECT throws_ok($$SELECT edupredict.expected_count(p) FROM (VALUES (1.5::float8)) v(p)$$, '22023', NULL,
				 'probability above 1 is 22023');
SELECT throws_ok($$SELECT edupredict.expected_count_final('{1,2,3}')$$, '22000', NULL, 'forged state is 22000');

CREATE TEMP TABLE tap_tutors (tutor_id int, registered_on date);
CREATE TEMP TABLE tap_placements (tutor_id int, term edupredict.school_term);
INSERT INTO tap_placements VALUES (1, '2020 Spring');
SELECT throws_ok($$SELECT * FROM edupredict.tutor_features('tap_tutors', 'tap_placements', '2021 Spring')$$,
				 '42703', 'column "phd_end" does not exist in tutors relation tap_tutors',
				 'a missing column is 42703 and named');
SELECT throws_ok($$SELECT * FROM edupredict.predict_availability('tap_no_such_model', 'tap_tutors', 'tap_placements', '2021 Spring')$$,
				 '42704', NULL, 'an unknown model is 42704');
SELECT throws_ok($$SELECT * FROM edupredict.train_availability('tap_m', 'tap_tutors', 'tap_placements', '2020 Summer')$$,
				 '42703', NULL, 'train_availability checks the tutors columns first');

-- Terms outside 1900 Spring to 2200 Autumn fail at once, naming the argument: the feature panel has one
-- row per tutor and term, and last_t => '9999 Summer' ran for minutes (the timeout turns a regression
-- into a failure, not a stall).
CREATE TEMP TABLE tap_many_tutors AS
SELECT i::bigint AS tutor_id, date '2019-01-01' + i % 700 AS registered_on, date '2024-01-01' + i % 900 AS phd_end
FROM generate_series(1, 2000) i;
CREATE TEMP TABLE tap_many_placements AS
SELECT i::bigint AS tutor_id, ('2020 Spring'::edupredict.school_term + i % 10) AS term FROM generate_series(1, 2000) i;
CREATE TEMP TABLE tap_responses (tutor_id bigint, term edupredict.school_term, responded boolean);
INSERT INTO tap_responses VALUES (1, '2020 Spring', true);
SET LOCAL statement_timeout = '20s';
SELECT throws_ok($$SELECT count(*) FROM edupredict._tutor_feature_panel('tap_many_tutors', 'tap_many_placements', '2020 Spring', '9999 Summer')$$,
				 '22023', 'last_t 9999 Summer is out of range', 'the panel refuses a last_t past 2200 Autumn (22023)');
SELECT throws_ok($$SELECT count(*) FROM edupredict._tutor_feature_panel('tap_many_tutors', 'tap_many_placements', '1000 Spring', '2021 Spring')$$,
				 '22023', 'first_t 1000 Spring is out of range', 'and a first_t before 1900 Spring');
SELECT throws_ok($$SELECT count(*) FROM edupredict.tutor_features('tap_many_tutors', 'tap_many_placements', '9999 Summer')$$,
				 '22023', 'as_of 9999 Summer is out of range', 'tutor_features refuses such an as_of');
SELECT throws_ok($$SELECT count(*) FROM edupredict.response_rates('tap_many_tutors', 'tap_many_placements', 'tap_responses', '9999 Summer')$$,
				 '22023', 'as_of 9999 Summer is out of range', 'so does response_rates');
SELECT throws_ok($$SELECT * FROM edupredict.train_availability('tap_m', 'tap_many_tutors', 'tap_many_placements', '1899 Autumn')$$,
				 '22023', 'as_of 1899 Autumn is out of range', 'and every forecast (train_availability)');
INSERT INTO tap_many_placements VALUES (1, '1000 Spring');
SELECT throws_ok($$SELECT * FROM edupredict.train_availability('tap_m', 'tap_many_tutors', 'tap_many_placements', '2022 Spring')$$,
				 '22023', 'placements relation tap_many_placements has terms before 1900 Spring',
				 'a placement history from before 1900 is refused before the panel is built');
SELECT lives_ok($$SELECT count(*) FROM edupredict._tutor_feature_panel('tap_many_tutors', 'tap_many_placements', '1900 Spring', '2200 Autumn')$$,
				 'the panel takes the whole range');
RESET statement_timeout;

SELECT * FROM finish();
ROLLBACK;
