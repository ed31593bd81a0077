-- No raw value of the caller's rows in a message (STYLE.md section 8): the
-- server log, which people who may not read the pupil tables can read, gets
-- every error's message, detail, hint and context.  Every refusal that used
-- to show a target value or a class label (a value of the training rows)
-- runs here on rows whose values carry a sentinel; the sentinel must be in
-- none of the four parts.  The statements name tables and columns only, so
-- that the context (which quotes the statement) cannot carry it either.
-- evaluate()'s warning is a WARNING, which PL/pgSQL cannot catch: sql/model_metrics.sql
-- shows it on such a value.
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(85);
SET LOCAL search_path = public, edupredict;

-- the message of what q raises, as "SQLSTATE clean: message" or "SQLSTATE
-- LEAKS: ..." when the sentinel is in its message, detail, hint or context
CREATE FUNCTION pg_temp.raised(q text, sentinel text DEFAULT 'SENTINEL_PUPIL_7Q') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	m text;
	d text;
	h text;
	c text;
BEGIN
	EXECUTE q;
	RETURN 'nothing raised';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
		h = PG_EXCEPTION_HINT, c = PG_EXCEPTION_CONTEXT;
	RETURN st || CASE WHEN position(sentinel IN concat_ws(' ', m, d, h, c)) > 0 THEN ' LEAKS: ' ELSE ' clean: ' END || m;
END
$$;
-- {detail, hint, message} of what q raises
CREATE FUNCTION pg_temp.detail_hint_of(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	d text;
	h text;
	m text;
BEGIN
	EXECUTE q;
	RETURN NULL;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT, m = MESSAGE_TEXT;
	RETURN ARRAY[d, h, m];
END
$$;
CREATE FUNCTION pg_temp.detail_of(q text) RETURNS text LANGUAGE sql AS $$ SELECT (pg_temp.detail_hint_of(q))[1] $$;
CREATE FUNCTION pg_temp.hint_of(q text) RETURNS text LANGUAGE sql AS $$ SELECT (pg_temp.detail_hint_of(q))[2] $$;

-- what the query in the hint of what q raises returns, sorted
CREATE FUNCTION pg_temp.hint_rows(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	r text[];
BEGIN
	EXECUTE 'SELECT array_agg(v::text ORDER BY v::text) FROM ('
		|| substring(pg_temp.hint_of(q) FROM ': (SELECT .*);$') || ') s (v)' INTO r;
	RETURN r;
END
$$;

-- A model of two classes whose labels carry the sentinel (values of the training rows).
CREATE TEMP TABLE mv_train AS
SELECT i::float8 AS x, ((i * 7) % 5)::float8 AS z,
       CASE WHEN i % 100 >= 50 THEN 'SENTINEL_PUPIL_7Q:b' ELSE 'SENTINEL_PUPIL_7Q:a' END AS y
FROM generate_series(1, 400) i;
SELECT lives_ok($$SELECT train_forest('mv', 'mv_train', 'y', ARRAY['x', 'z'], n_trees => 10, seed => 1)$$,
	'a model whose class labels carry the sentinel');
-- held-out rows with a target value the model does not know (and the sentinel)
CREATE TEMP TABLE mv_unknown AS
SELECT x, z, CASE WHEN x = 7 THEN 'SENTINEL_PUPIL_7Q:unknown' ELSE y END AS y FROM mv_train;
-- held-out rows of the first class only
CREATE TEMP TABLE mv_one AS SELECT x, z, y FROM mv_train WHERE y = 'SENTINEL_PUPIL_7Q:a';

-- target values the model does not know: counted, and a query in the hint lists them
SELECT is(pg_temp.raised(format('SELECT * FROM %s(''mv'', ''mv_unknown'')', f)),
	'22023 clean: relation has 1 target value that is not a class of model "mv"', f || ': an unknown target value is not shown')
FROM unnest(ARRAY['calibrate', 'choose_threshold', 'model_profile', 'roc_curve', 'pr_curve', 'permutation_importance']) f;
SELECT is(pg_temp.hint_of($$SELECT * FROM calibrate('mv', 'mv_unknown')$$),
	'This query lists the target values that are not classes of the model: SELECT DISTINCT v FROM (SELECT y::pg_catalog.text COLLATE pg_catalog."C" FROM pg_temp.mv_unknown) AS t (v) WHERE v OPERATOR(pg_catalog.<>) ALL (edupredict.model_classes(''mv'', 1));',
	'the hint gives a query that lists them');
SELECT is(pg_temp.hint_rows($$SELECT * FROM model_profile('mv', 'mv_unknown')$$), ARRAY['SENTINEL_PUPIL_7Q:unknown'],
	'the query of the hint, run, finds the value (the caller reads it, the log does not)');

-- A number is matched against the classes as training labels it (2.0 and 2 as 2, 1.50 as 1.5,
-- -0 as 0, a NaN skipped, an int8 beyond 2^53 as its float8): the query of the hint, run, lists
-- exactly the values the message counts, none of them a class, whatever the target's type.
CREATE TEMP TABLE mn_train AS
SELECT i::float8 AS x, ((i * 7) % 5)::float8 AS z, (1 + (i % 3) * 0.5)::float8 AS y FROM generate_series(1, 300) i;
SELECT train_forest('mn', 'mn_train', 'y', ARRAY['x', 'z'], task => 'classification', n_trees => 2, seed => 1) IS NOT NULL AS trained \gset
SELECT is(model_classes('mn'), ARRAY['1', '1.5', '2'], 'a model of the numeric classes 1, 1.5 and 2');
CREATE TEMP TABLE mn_numeric AS SELECT x, z, (ARRAY[2.0, 1.50, 1.0, 3.0, 2.50, 'NaN', NULL, 3.00, 2])[1 + i % 9] AS y
FROM mn_train, generate_series(0, 8) i;
CREATE TEMP TABLE mn_float8 AS SELECT x, z, (ARRAY[2, 1.5, 3, 0.1::float8 + 0.2::float8, '-0', 0, 'NaN', 1e20])[1 + i % 8] AS y
FROM mn_train, generate_series(0, 7) i;
CREATE TEMP TABLE mn_int4 AS SELECT x, z, (ARRAY[1, 2, 3, 4, NULL])[1 + i % 5] AS y FROM mn_train, generate_series(0, 4) i;
CREATE TEMP TABLE mn_int8 AS SELECT x, z, (ARRAY[1, 2, 9007199254740993, 9007199254740992])[1 + i % 4]::int8 AS y
FROM mn_train, generate_series(0, 3) i;
-- {the number of values the message of what q raises counts, the number its hint's query lists,
-- the number of those that are classes of model}
CREATE FUNCTION pg_temp.hint_vs_message(q text, model text) RETURNS int[] LANGUAGE sql AS $$
SELECT ARRAY[(regexp_match((pg_temp.detail_hint_of(q))[3], 'has (\d+) '))[1]::int,
	coalesce(array_length(pg_temp.hint_rows(q), 1), 0),
	(SELECT count(*)::int FROM unnest(pg_temp.hint_rows(q)) v WHERE v = ANY (model_classes(model)))]
$$;
SELECT is(pg_temp.hint_rows(format('SELECT * FROM %s(''mn'', %L%s)', f, rel, arg)), want,
	f || ' on ' || rel || ': the hint''s query lists the values as labelled')
FROM (VALUES ('calibrate', 'mn_numeric', '', ARRAY['2.5', '3']),
	('model_profile', 'mn_float8', '', ARRAY['0', '0.30000000000000004', '1e+20', '3']),
	('choose_threshold', 'mn_int4', ', class => ''2''', ARRAY['3', '4']),
	('roc_curve', 'mn_int8', ', class => ''2''', ARRAY['9.007199254740992e+15'])) v (f, rel, arg, want);
SELECT is(r[2:3], ARRAY[r[1], 0], rel || ': the hint''s query lists as many values as the message counts, and no class')
FROM unnest(ARRAY['mn_numeric', 'mn_float8', 'mn_int4', 'mn_int8']) rel,
	pg_temp.hint_vs_message(format('SELECT * FROM calibrate(''mn'', %L)', rel), 'mn') r;
-- a char(n) target is labelled with its padding, as training labels it
CREATE TEMP TABLE mn_char AS SELECT x, z, (CASE WHEN y = 1 THEN 'a' WHEN y = 2 THEN 'b' ELSE 'c' END)::char(3) AS y FROM mn_train;
SELECT train_forest('mn_c', 'mn_char', 'y', ARRAY['x', 'z'], n_trees => 2, seed => 1) IS NOT NULL AS trained \gset
CREATE TEMP TABLE mn_char_d AS SELECT x, z, (CASE WHEN y = 'c' THEN 'd' ELSE y END)::char(3) AS y FROM mn_char;
SELECT is(pg_temp.hint_rows($$SELECT * FROM model_profile('mn_c', 'mn_char_d')$$), ARRAY['d  '],
	'char(3): the hint''s query lists the value as labelled, with its padding');
SELECT is(pg_temp.hint_vs_message($$SELECT * FROM model_profile('mn_c', 'mn_char_d')$$, 'mn_c'), ARRAY[1, 1, 0],
	'char(3): the hint''s query lists as many values as the message counts, and no class');
-- the query names its operators with their schema: an operator on the search path before
-- pg_catalog does not change what it lists
CREATE FUNCTION public.mn_ne(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.<> (FUNCTION = public.mn_ne, LEFTARG = text, RIGHTARG = text);
SET LOCAL search_path = public, pg_catalog, edupredict;
SELECT is(pg_temp.hint_rows($$SELECT * FROM calibrate('mn', 'mn_float8')$$), ARRAY['0', '0.30000000000000004', '1e+20', '3'],
	'a float8 target: a hostile <> on the search path does not change the hint''s query');
SELECT is(pg_temp.hint_rows($$SELECT * FROM model_profile('mv', 'mv_unknown')$$), ARRAY['SENTINEL_PUPIL_7Q:unknown'],
	'a text target: a hostile <> on the search path does not change the hint''s query');
SET LOCAL search_path = public, edupredict;

-- a class of the model named by its position, not its label
SELECT is(pg_temp.raised($$SELECT * FROM calibrate('mv', 'mv_one')$$),
	'22023 clean: relation has no row of class #2 of model "mv" to calibrate on', 'calibrate: a class without rows by its number');
SELECT is(pg_temp.raised($$SELECT * FROM choose_threshold('mv', 'mv_one', rule => 'max_f1')$$),
	'22023 clean: relation has no row of class #2 of model "mv" to choose a threshold by rule "max_f1"',
	'choose_threshold: the default class without rows by its number');
SELECT is(pg_temp.raised($$SELECT * FROM model_profile('mv', 'mv_one')$$),
	'22023 clean: relation has rows of only one class, #1, of model "mv"', 'model_profile: the one class by its number');
-- a class the caller typed is the caller's argument, and is shown (the sentinel counts as typed)
SELECT is(pg_temp.raised($$SELECT * FROM choose_threshold('mv', 'mv_one', 'SENTINEL_PUPIL_7Q:b', rule => 'max_f1')$$, 'no sentinel'),
	'22023 clean: relation has no row of class "SENTINEL_PUPIL_7Q:b" to choose a threshold by rule "max_f1"',
	'choose_threshold: a class named by the caller is shown as named');

-- a hint's call names the model as a literal: a name with a quote runs as printed
SELECT train_forest('mv o''q', 'mv_train', 'y', ARRAY['x', 'z'], n_trees => 2, seed => 1) IS NOT NULL AS trained \gset
SELECT is(pg_temp.hint_of($$SELECT * FROM calibrate('mv o''q', 'mv_one')$$),
	'Calibrate on held-out rows that include every class; edupredict.model_classes(''mv o''''q'', 1) lists the classes from #1.',
	'a model name with a quote is quoted in the hint');
CREATE FUNCTION pg_temp.hint_call(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	n int;
BEGIN
	EXECUTE 'SELECT array_length(' || substring(pg_temp.hint_of(q) FROM '(edupredict\.model_classes\(''(?:[^'']|'''')*''(?:, \d+)?\))') || ', 1)' INTO n;
	RETURN n;
END
$$;
SELECT is(pg_temp.hint_call($$SELECT * FROM model_profile('mv o''q', 'mv_one')$$), 2, 'the hint''s call, run as printed, lists the two classes');

-- a hint names the version the function used: version 1 of mw has the classes a, b and c, version
-- 2 (the newest, used when no version is given) a and b; on version 1, the hint's query lists the
-- one value of the rows that is not a class of version 1 (not c too), and its call the three
-- classes that class #3 counts among
CREATE TEMP TABLE mw_abc AS
SELECT i::float8 AS x, ((i * 7) % 5)::float8 AS z, (ARRAY['a', 'b', 'c'])[1 + i % 3] AS y FROM generate_series(1, 300) i;
CREATE TEMP TABLE mw_ab AS SELECT x, z, y FROM mw_abc WHERE y <> 'c';
CREATE TEMP TABLE mw_abcd AS SELECT x, z, CASE WHEN x <= 6 THEN 'd' ELSE y END AS y FROM mw_abc;
SELECT train_forest('mw', 'mw_abc', 'y', ARRAY['x', 'z'], n_trees => 2, seed => 1) IS NOT NULL AS trained \gset
SELECT train_forest('mw', 'mw_ab', 'y', ARRAY['x', 'z'], n_trees => 2, seed => 1) IS NOT NULL AS trained \gset
SELECT is(model_classes('mw', 1)::text || ' ' || model_classes('mw')::text, '{a,b,c} {a,b}',
	'mw: version 1 has the classes a, b and c, the newest version a and b');
SELECT is(pg_temp.raised(format('SELECT * FROM %s(''mw'', ''mw_abcd''%s, version => 1)', f, arg))
	|| ' / ' || array_to_string(pg_temp.hint_rows(format('SELECT * FROM %s(''mw'', ''mw_abcd''%s, version => 1)', f, arg)), ','),
	'22023 clean: relation has 1 target value that is not a class of model "mw" / d',
	f || ' on version 1: the hint''s query, run as printed, lists exactly the value the message counts')
FROM (VALUES ('calibrate', ''), ('choose_threshold', ', class => ''a'''), ('model_profile', ''),
	('roc_curve', ', class => ''a'''), ('pr_curve', ', class => ''a'''), ('permutation_importance', '')) v (f, arg);
SELECT is(pg_temp.raised($$SELECT * FROM calibrate('mw', 'mw_ab', version => 1)$$),
	'22023 clean: relation has no row of class #3 of model "mw" to calibrate on', 'calibrate on version 1: its class #3 lacks rows');
SELECT is(pg_temp.hint_call($$SELECT * FROM calibrate('mw', 'mw_ab', version => 1)$$), 3,
	'the hint''s call, run as printed, lists the three classes of version 1 that class #3 counts in');
SELECT is(pg_temp.hint_call($$SELECT * FROM roc_curve('mw', 'mw_ab', version => 1)$$), 3,
	'a class argument missing on version 1: the hint''s call lists the classes of version 1');

-- the engine's calibration errors while training (forest_oob.c, forest_cvcal.c):
-- the engine error carries the class's number, no label
CREATE TEMP TABLE mv_two AS SELECT i::float8 AS x, CASE WHEN i > 1 THEN 'SENTINEL_PUPIL_7Q:t' ELSE 'SENTINEL_PUPIL_7Q:f' END AS y
FROM generate_series(1, 2) i;
CREATE TEMP TABLE mv_rare AS SELECT i::float8 AS x, CASE WHEN i > 1 THEN 'SENTINEL_PUPIL_7Q:t' ELSE 'SENTINEL_PUPIL_7Q:f' END AS y
FROM generate_series(1, 12) i;
CREATE TEMP TABLE mv_four AS SELECT i::float8 AS x, CASE WHEN i > 2 THEN 'SENTINEL_PUPIL_7Q:t' ELSE 'SENTINEL_PUPIL_7Q:f' END AS y
FROM generate_series(1, 4) i;
SELECT is(pg_temp.raised($$SELECT train_forest('mv_e', 'mv_two', 'y', n_trees => 1, test_fraction => 0, seed => 2, calibration => 'isotonic')$$),
	'22023 clean: no out-of-bag row is of class #2 of 2: the calibrator needs rows of every class; grow more trees or leave calibration NULL',
	'out-of-bag calibration: a class never out of bag by its number');
SELECT is(pg_temp.raised($$SELECT train_forest('mv_e', 'mv_rare', 'y', n_trees => 1, test_fraction => 0, seed => 1, calibration => 'isotonic')$$),
	'22023 clean: the out-of-bag rows are all of class #2 of 2: the calibrator needs other classes too; grow more trees',
	'out-of-bag calibration: the one class by its number');
SELECT is(pg_temp.raised($$SELECT train_forest('mv_e', 'mv_rare', 'y', n_trees => 2, test_fraction => 0, seed => 1, calibration => 'isotonic', calibration_folds => 3)$$),
	'22023 clean: the rows of calibration fold 2 are all of class #2 of 2: a calibrator needs other classes too; use fewer calibration_folds',
	'cross-fitted calibration: a fold''s one class by its number');
SELECT is(pg_temp.raised($$SELECT train_forest('mv_e', 'mv_four', 'y', n_trees => 2, test_fraction => 0, seed => 1, calibration => 'isotonic', calibration_folds => 3)$$),
	'22023 clean: calibration fold 2 has no row of class #2 of 2: every fold''s calibrator needs rows of every class; use at most as many calibration_folds as the smallest class has rows',
	'cross-fitted calibration: a fold''s missing class by its number');
SELECT is(pg_temp.hint_of($$SELECT train_forest('mv_e', 'mv_rare', 'y', n_trees => 1, test_fraction => 0, seed => 1, calibration => 'isotonic')$$),
	'Classes are numbered from 1 in the order edupredict.model_classes() lists a model''s classes: numeric targets in increasing order, other targets in byte order.',
	'the hint says how classes are numbered');
SELECT is(pg_temp.raised($$SELECT count(*) FROM cross_validate('forest', 'mv_rare', 'y', params => '{"n_trees": 1, "calibration": "isotonic"}')$$),
	'22023 clean: the out-of-bag rows are all of class #2 of 2: the calibrator needs other classes too; grow more trees',
	'cross_validate: a fold''s out-of-bag calibration, by the class''s number');

-- a registry row whose classes do not match its model bytes: counted, not listed
CREATE TEMP TABLE mv_agg AS SELECT forest_agg(ARRAY[x, z], y, '{"n_trees": 2}') AS forest FROM mv_train;
SELECT is(pg_temp.raised($$INSERT INTO edupredict.models (name, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
	SELECT 'mv_doc', 'classification', 'y', '{f1,f2}', '{c0,c1}', '{}', '{}', 400, 0, forest FROM mv_agg$$),
	'22023 clean: column classes of the registry row does not match its model', 'registry insert: the model''s class labels are not listed');

-- expected_count: a row's probability out of range is described, not shown
-- (values that print alike in every format: %g would print 1.2345678 as 1.23457)
CREATE TEMP TABLE mv_p AS SELECT * FROM (VALUES (1, 0.5::float8), (1, 7.625), (2, -0.375)) v(g, p);
SELECT is(pg_temp.raised($$SELECT expected_count(p) FROM mv_p WHERE g = 1$$, '7.625'),
	'22023 clean: expected_count probability must be between 0 and 1', 'expected_count: a probability above 1 is not shown');
SELECT is(pg_temp.raised($$SELECT expected_count(p) FROM mv_p WHERE g = 2$$, '0.375'),
	'22023 clean: expected_count probability must be between 0 and 1', 'expected_count: a negative probability is not shown');

-- count_poisson's mu and count_widen's sd: arguments a caller may fill from a row (a pupil's
-- expected count, a learnt error), described, not shown
CREATE TEMP TABLE mv_mu AS SELECT * FROM (VALUES (1, -7.625::float8), (2, 12345678.5), (3, 'NaN')) v(g, x);
SELECT is(pg_temp.raised($$SELECT count_poisson(x) FROM mv_mu WHERE g = 1$$, '7.625'),
	'22023 clean: poisson mean must be between 0 and 1e+07', 'count_poisson: a negative mu is not shown');
SELECT is(pg_temp.detail_of($$SELECT count_poisson(x) FROM mv_mu WHERE g = 1$$),
	'Argument mu is below 0.', 'count_poisson: a negative mu is described');
SELECT is(pg_temp.raised($$SELECT count_poisson(x) FROM mv_mu WHERE g = 2$$, '12345678.5'),
	'22023 clean: poisson mean must be between 0 and 1e+07', 'count_poisson: a mu above the limit is not shown');
SELECT is(pg_temp.detail_of($$SELECT count_poisson(x) FROM mv_mu WHERE g = 2$$),
	'Argument mu is above 1e+07.', 'count_poisson: a mu above the limit is described');
SELECT is(pg_temp.detail_of($$SELECT count_poisson(x) FROM mv_mu WHERE g = 3$$),
	'Argument mu is NaN.', 'count_poisson: a NaN mu is described');
CREATE TEMP TABLE mv_sd AS SELECT * FROM (VALUES (1, -0.375::float8), (2, 98765.5), (3, 'NaN')) v(g, x);
SELECT is(pg_temp.raised($$SELECT count_widen(count_poisson(2), x) FROM mv_sd WHERE g = 1$$, '0.375'),
	'22023 clean: error standard deviation must be between 0 and 10000', 'count_widen: a negative sd is not shown');
SELECT is(pg_temp.detail_of($$SELECT count_widen(count_poisson(2), x) FROM mv_sd WHERE g = 1$$),
	'Argument sd is below 0.', 'count_widen: a negative sd is described');
SELECT is(pg_temp.raised($$SELECT count_widen(count_poisson(2), x) FROM mv_sd WHERE g = 2$$, '98765.5'),
	'22023 clean: error standard deviation must be between 0 and 10000', 'count_widen: an sd above the limit is not shown');
SELECT is(pg_temp.detail_of($$SELECT count_widen(count_poisson(2), x) FROM mv_sd WHERE g = 2$$),
	'Argument sd is above 10000.', 'count_widen: an sd above the limit is described');
SELECT is(pg_temp.detail_of($$SELECT count_widen(count_poisson(2), x) FROM mv_sd WHERE g = 3$$),
	'Argument sd is NaN.', 'count_widen: a NaN sd is described');

-- The forecasting input checks (sql/update/*/4*_forecast_*.sql): a problem names the relation and
-- the column, counts the rows and hints a query that lists them.  Keys, local authorities and terms
-- of the rows carry sentinels (a tutor_id 7770777, a term of 1234 or of the history's ends).
-- what the hint's query of what q raises returns, each row as text, sorted (NULL when the hint holds
-- no query)
CREATE FUNCTION pg_temp.hint_records(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	hq text := substring(pg_temp.hint_of(q) FROM ': (SELECT .*);$');
	r text[];
BEGIN
	IF hq IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT array_agg(s::text ORDER BY s::text) FROM (' || hq || ') s' INTO r;
	RETURN r;
END
$$;
CREATE TEMP TABLE mvf_tutors (tutor_id bigint, registered_on date, local_authority text);
INSERT INTO mvf_tutors VALUES (1, '2020-01-01', 'SENTINEL_PUPIL_7Q:la'), (7770777, '2020-01-01', 'SENTINEL_PUPIL_7Q:la');
CREATE TEMP TABLE mvf_pred (tutor_id bigint, horizon integer, term school_term, p_effective float8);
INSERT INTO mvf_pred VALUES (1, 1, '2031 Spring', 0.5), (7770777, 1, '2031 Spring', 0.5);
CREATE TEMP TABLE mvf_opp (local_authority text, term school_term, stage text, probability float8, n_placements float8);
INSERT INTO mvf_opp VALUES ('SENTINEL_PUPIL_7Q:la', '2031 Spring', 'confirmed', 1, 2);
CREATE TEMP TABLE mvf_rec (local_authority text, horizon integer, term school_term, recruits_expected float8);
INSERT INTO mvf_rec VALUES ('SENTINEL_PUPIL_7Q:la', 1, '2031 Spring', 0.5);
CREATE TEMP TABLE mvf_place (tutor_id bigint, term school_term);
INSERT INTO mvf_place VALUES (1, '2028 Spring'), (7770777, '2030 Autumn');
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp', 'mvf_rec')$$), 'nothing raised',
	'forecast inputs: the sentinel rows as given are accepted');

-- a NULL: the column and the number of rows
UPDATE mvf_tutors SET local_authority = NULL WHERE tutor_id = 7770777;
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$, '7770777'),
	'22023 clean: column "local_authority" of tutors relation mvf_tutors must not be NULL', 'a NULL: the tutor''s key is not shown');
SELECT is(pg_temp.detail_of($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	'Column "local_authority" is NULL in 1 row.', 'a NULL: the rows are counted');
SELECT is(pg_temp.hint_records($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	ARRAY['(7770777,2020-01-01,)'], 'a NULL: the query of the hint, run, finds the row');
UPDATE mvf_tutors SET local_authority = 'SENTINEL_PUPIL_7Q:la' WHERE tutor_id = 7770777;

-- a repeated key: the keys are counted
INSERT INTO mvf_tutors VALUES (7770777, '2021-01-01', 'SENTINEL_PUPIL_7Q:la');
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$, '7770777'),
	'22023 clean: tutors relation mvf_tutors has more than one row per (tutor_id)', 'a repeated key is not shown');
SELECT is(pg_temp.detail_of($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	'1 key (tutor_id) is on more than one row.', 'a repeated key: the keys are counted');
SELECT is(pg_temp.hint_records($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	ARRAY['(7770777,2)'], 'a repeated key: the query of the hint, run, finds it and its rows');
DELETE FROM mvf_tutors WHERE registered_on = '2021-01-01';
INSERT INTO mvf_rec VALUES ('SENTINEL_PUPIL_7Q:la', 1, '2031 Spring', 0.5);
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp', 'mvf_rec')$$),
	'22023 clean: recruits relation mvf_rec has more than one row per (local_authority, horizon, term)',
	'a repeated key of text: the local authority is not shown');
SELECT is(pg_temp.hint_of($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp', 'mvf_rec')$$),
	'Every row is counted: pass one row per (local_authority, horizon, term), for example a view with DISTINCT ON (see docs/forecasting.md). This query lists the repeated keys: SELECT local_authority::text, horizon::integer, term::edupredict.school_term, pg_catalog.count(*) FROM mvf_rec GROUP BY local_authority::text, horizon::integer, term::edupredict.school_term HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1;',
	'a repeated key: the hint''s query names the relation as given, and functions and operators with their schema');
DELETE FROM mvf_rec;

-- opportunities and recruits out of range: the column and the number of rows
INSERT INTO mvf_opp VALUES ('SENTINEL_PUPIL_7Q:la', '2031 Spring', 'likely', 0.5, -1);
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	'22023 clean: column "n_placements" of opportunities relation mvf_opp must hold whole numbers from 0 to 2147483647',
	'a bad n_placements: the local authority is not shown');
SELECT is(pg_temp.hint_records($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	ARRAY['(SENTINEL_PUPIL_7Q:la,"2031 Spring",likely,0.5,-1)'], 'a bad n_placements: the query of the hint, run, finds the row');
UPDATE mvf_opp SET probability = 1.5, n_placements = 1 WHERE stage = 'likely';
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	'22023 clean: column "probability" of opportunities relation mvf_opp must be from 0 to 1 for stages other than confirmed',
	'a bad probability: the local authority is not shown');
SELECT is(pg_temp.detail_of($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	'Column "probability" breaks this in 1 row.', 'a bad probability: the rows are counted');
SELECT is(pg_temp.hint_records($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp')$$),
	ARRAY['(SENTINEL_PUPIL_7Q:la,"2031 Spring",likely,1.5,1)'], 'a bad probability: the query of the hint, run, finds the row');
DELETE FROM mvf_opp WHERE stage = 'likely';
INSERT INTO mvf_rec VALUES ('SENTINEL_PUPIL_7Q:la', 1, '2031 Spring', -1), ('SENTINEL_PUPIL_7Q:lb', 1, '2031 Spring', 'NaN');
SELECT is(pg_temp.raised($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp', 'mvf_rec')$$),
	'22023 clean: column "recruits_expected" of recruits relation mvf_rec must be a finite number from 0 to 10000000',
	'a bad recruits_expected: the local authority is not shown');
SELECT is(pg_temp.detail_of($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp', 'mvf_rec')$$),
	'Column "recruits_expected" breaks this in 2 rows.', 'a bad recruits_expected: the rows are counted');
SELECT is(pg_temp.hint_records($$SELECT FROM supply_demand_of('mvf_pred', 'mvf_tutors', 'mvf_opp', 'mvf_rec')$$),
	ARRAY['(SENTINEL_PUPIL_7Q:la,1,"2031 Spring",-1)', '(SENTINEL_PUPIL_7Q:lb,1,"2031 Spring",NaN)'],
	'a bad recruits_expected: the query of the hint, run, finds the rows');

-- as_of out of the placement history (2028 Spring to 2030 Autumn): neither end is shown, nor the
-- range they give (2028 Summer to 2031 Spring); the query of the hint gives it
SELECT is(pg_temp.raised($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2040 Spring')$$, '2030 Autumn'),
	'22023 clean: as_of 2040 Spring is out of range: it is more than one term after the last term of placements relation mvf_place',
	'as_of after the history: its last term is not shown');
SELECT is(pg_temp.raised($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2040 Spring')$$, '2031 Spring'),
	'22023 clean: as_of 2040 Spring is out of range: it is more than one term after the last term of placements relation mvf_place',
	'as_of after the history: nor the last valid as_of');
SELECT is(pg_temp.raised($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2027 Autumn')$$, '2028 S'),
	'22023 clean: as_of 2027 Autumn is out of range: placements relation mvf_place has less than 1 term of history before it',
	'as_of before the history: its first term (and the first valid as_of) is not shown');
SELECT is(pg_temp.hint_records($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2027 Autumn')$$),
	ARRAY['("2028 Summer","2031 Spring")'], 'as_of out of range: the query of the hint, run, gives the valid range');
INSERT INTO mvf_place VALUES (7770777, '1234 Autumn');
SELECT is(pg_temp.raised($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2029 Spring')$$, '1234'),
	'22023 clean: placements relation mvf_place has terms before 1900 Spring', 'a term before 1900: the term is not shown');
SELECT is(pg_temp.detail_of($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2029 Spring')$$),
	'Column "term" is before 1900 Spring in 1 row: forecasting functions take terms from 1900 Spring to 2200 Autumn.',
	'a term before 1900: the rows are counted');
SELECT is(pg_temp.hint_records($$SELECT FROM recruit_forecast('mvf_tutors', 'mvf_place', '2029 Spring')$$),
	ARRAY['(7770777,"1234 Autumn")'], 'a term before 1900: the query of the hint, run, finds the row');
-- the NOTICEs of supply_rollup, which PL/pgSQL cannot catch: sql/forecast_total.sql shows them on
-- sentinel rows

-- positive control of the check itself: the sentinel in a message is seen
SELECT is(pg_temp.raised($$SELECT 1 / 0 FROM mv_one WHERE y = 'SENTINEL_PUPIL_7Q:a'$$),
	'22012 LEAKS: division by zero', 'the check sees the sentinel where it is (here, in the context)');

-- the sentinel never reached a result these tests could have read by mistake
SELECT is((SELECT count(*) FROM mv_unknown WHERE y LIKE 'SENTINEL_PUPIL_7Q%'), 400::bigint, 'every row carries the sentinel');
SELECT is(array_length(model_classes('mv'), 1), 2, 'the model has two classes');
SELECT ok((model_classes('mv'))[2] LIKE 'SENTINEL_PUPIL_7Q%', 'its labels carry the sentinel');

SELECT * FROM finish();
ROLLBACK;
