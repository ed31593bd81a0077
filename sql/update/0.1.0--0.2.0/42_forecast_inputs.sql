
-- Forecast inputs (issue 9 sections 2, 3 and 9): every relation a caller passes is locked before it
-- is inspected (AccessShareLock, held to the end of the transaction, so its columns cannot change
-- between the check and the queries that read them), its columns are checked by name and by
-- castability, and a problem is returned as {sqlstate, message, detail, hint} rather than raised,
-- so that the entry function raises it with a one-line CONTEXT.

-- 0.1.0's raising helpers are replaced by the *_problem functions below and the entry points that
-- called them are all replaced in this upgrade.
DROP FUNCTION edupredict._require_columns(regclass, text, text[]);
DROP FUNCTION edupredict._check_as_of(regclass, edupredict.school_term, integer);

CREATE FUNCTION edupredict._relation_problem(rel regclass, role text, columns text[], casts text[])
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	i integer;
	typ text;
	rel_name text := rel::text;
BEGIN
	-- A regclass naming no relation (0, or a dropped table's OID) prints as '-' or as its number,
	-- which the statements below would report as a syntax error.
	IF rel_name OPERATOR(pg_catalog.=) '-' OR rel_name OPERATOR(pg_catalog.=) rel::oid::text THEN
		RETURN ARRAY['42P01', pg_catalog.format('%s relation with OID %s does not exist', role, rel::oid),
			'The regclass names no table or view: it may have been dropped.',
			pg_catalog.format('Pass the %s relation by name, such as ''myschema.%s''.', role, role)];
	END IF;
	-- The lock comes first and outside any exception block (a failed subtransaction would release it).
	EXECUTE pg_catalog.format('SELECT FROM %s WHERE false', rel_name);
	FOR i IN 1 .. pg_catalog.cardinality(columns) LOOP
		-- The column's type as the parser sees it now that the lock is held (a catalog query would
		-- read the caller's snapshot, taken before the lock, and could report a type just replaced).
		typ := NULL;
		-- an empty name would be a syntax error (a zero-length quoted identifier), not a missing column
		IF columns[i] OPERATOR(pg_catalog.<>) '' THEN
			BEGIN
				EXECUTE pg_catalog.format('SELECT pg_catalog.pg_typeof((NULL::%s).%I)::text', rel, columns[i]) INTO typ;
			EXCEPTION WHEN undefined_column THEN
				typ := NULL;
			END;
		END IF;
		IF typ IS NULL THEN
			RETURN ARRAY['42703',
				pg_catalog.format('column "%s" does not exist in %s relation %s', columns[i], role, rel),
				'Columns are matched by name; extra columns are ignored.',
				pg_catalog.format('The %s relation needs the columns %s (see docs/forecasting.md).',
								  role, pg_catalog.array_to_string(columns, ', '))];
		END IF;
		BEGIN
			EXECUTE pg_catalog.format('SELECT %I::%s FROM %s WHERE false', columns[i], casts[i], rel);
		EXCEPTION WHEN cannot_coerce OR datatype_mismatch THEN
			RETURN ARRAY['42804',
				pg_catalog.format('column "%s" of %s relation %s has type %s', columns[i], role, rel, typ),
				pg_catalog.format('The column must be castable to %s.', casts[i]),
				'Pass a view that casts the column (see docs/forecasting.md).'];
		END;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._relation_problem(regclass, text, text[], text[]) IS
'internal: locks a relation until the end of the transaction, then returns {sqlstate, message, detail, hint} for the first required column that is missing or cannot be cast, or NULL';

-- Row checks, after _relation_problem.  A problem names the relation and the column and counts the
-- offending rows; its hint holds a query that lists them.  It never shows a value of the rows: the
-- message reaches the server log, which people read who may not read the caller's tables (STYLE.md
-- section 8), while the hint's query, run by the caller, is bound by the caller's privileges.

-- '1 row', '2 rows'
CREATE FUNCTION edupredict._n_rows(n bigint)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.format('%s %s', n, CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'row' ELSE 'rows' END)
$$;
COMMENT ON FUNCTION edupredict._n_rows(bigint) IS
'internal: a count of rows in words (1 row, 2 rows) for the details of the forecasting input checks';

-- The first column (keys, then not_null) that is NULL in some row, with the number of such rows: a
-- NULL key would form a group of its own, a NULL count would be dropped from a sum without a word.
CREATE FUNCTION edupredict._null_problem(rel regclass, role text, keys text[], not_null text[])
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cols text[] := keys OPERATOR(pg_catalog.||) not_null;
	nulls bigint[];
	i integer;
BEGIN
	-- one scan: the number of NULLs of each column
	EXECUTE pg_catalog.format('SELECT ARRAY[%s] FROM %s',
		(SELECT pg_catalog.string_agg(pg_catalog.format('pg_catalog.count(*) FILTER (WHERE %I IS NULL)', c), ', ' ORDER BY o)
		 FROM pg_catalog.unnest(cols) WITH ORDINALITY u(c, o)),
		rel) INTO nulls;
	FOR i IN 1 .. pg_catalog.cardinality(cols) LOOP
		IF nulls[i] OPERATOR(pg_catalog.>) 0 THEN
			RETURN ARRAY['22023', pg_catalog.format('column "%s" of %s relation %s must not be NULL', cols[i], role, rel),
				pg_catalog.format('Column "%s" is NULL in %s.', cols[i], edupredict._n_rows(nulls[i])),
				pg_catalog.format('Every row is counted under its key: complete or remove those rows (see docs/forecasting.md). This query lists them: SELECT * FROM %s WHERE %I IS NULL;',
								  rel, cols[i])];
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._null_problem(regclass, text, text[], text[]) IS
'internal: {sqlstate, message, detail, hint} counting the rows of a relation with a NULL in the first key column or column of not_null that has one, else NULL';

-- One row per key, none NULL: every row of the relation is counted, so a tutor listed twice would be
-- counted twice in the supply totals (or a survey twice in the response rates).  Keys are compared
-- as cast, as the functions that read them do.
CREATE FUNCTION edupredict._unique_key_problem(rel regclass, role text, keys text[], casts text[],
											   not_null text[] DEFAULT '{}')
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	grouped text;
	repeated text;
	n bigint;
	key_list text := pg_catalog.array_to_string(keys, ', ');
BEGIN
	problem := edupredict._null_problem(rel, role, keys, not_null);
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	SELECT pg_catalog.string_agg(pg_catalog.format('%I::%s', k, casts[i]), ', ' ORDER BY i) INTO grouped
	FROM pg_catalog.unnest(keys) WITH ORDINALITY u(k, i);
	-- the hint's query is the one counted: the caller lists exactly the keys refused
	repeated := pg_catalog.format('SELECT %s, pg_catalog.count(*) FROM %s GROUP BY %s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1',
								  grouped, rel, grouped);
	EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) r', repeated) INTO n;
	IF n OPERATOR(pg_catalog.=) 0 THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		pg_catalog.format('%s relation %s has more than one row per (%s)', role, rel, key_list),
		pg_catalog.format('%s %s (%s) %s on more than one row.', n,
						  CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'key' ELSE 'keys' END, key_list,
						  CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'is' ELSE 'are' END),
		pg_catalog.format('Every row is counted: pass one row per (%s), for example a view with DISTINCT ON (see docs/forecasting.md). This query lists the repeated keys: %s;',
						  key_list, repeated)];
END
$$;
COMMENT ON FUNCTION edupredict._unique_key_problem(regclass, text, text[], text[], text[]) IS
'internal: {sqlstate, message, detail, hint} counting the rows of a relation with a NULL key (or NULL in a column of not_null) or the keys on more than one row, else NULL';

-- 'London-wide' is the label of the total row (supply_demand's local_authority, the log's area): an
-- area of that name would merge into it, so a relation whose local_authority holds it is refused.
CREATE FUNCTION edupredict._reserved_area_problem(rel regclass, role text)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	found boolean;
BEGIN
	EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s x WHERE x.local_authority::text OPERATOR(pg_catalog.=) ''London-wide'')',
							  rel) INTO found;
	IF NOT found THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		pg_catalog.format('local authority "London-wide" in %s relation %s is reserved for the London-wide total', role, rel),
		'"London-wide" labels the total row of each term, so an area of that name would merge into it.',
		'Rename the area, for example in a view over the relation (see docs/forecasting.md).'];
END
$$;
COMMENT ON FUNCTION edupredict._reserved_area_problem(regclass, text) IS
'internal: {sqlstate, message, detail, hint} when the local_authority column of a relation holds the reserved label London-wide, else NULL';

-- Tutors wherever supply is counted by area (every function that reads local_authority): one row per
-- tutor, each with a local authority that is not the total's label.  Call after _relation_problem
-- has checked the columns.
CREATE FUNCTION edupredict._tutor_areas_problem(tutors regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		edupredict._unique_key_problem(tutors, 'tutors', ARRAY['tutor_id'], ARRAY['bigint'], ARRAY['local_authority']),
		edupredict._reserved_area_problem(tutors, 'tutors'))
$$;
COMMENT ON FUNCTION edupredict._tutor_areas_problem(regclass) IS
'internal: {sqlstate, message, detail, hint} when a tutors relation counted by area has a NULL or repeated tutor_id, or a NULL or reserved (London-wide) local_authority, else NULL';

CREATE OR REPLACE FUNCTION edupredict._placement_span(placements regclass, OUT first_term edupredict.school_term,
													  OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE pg_catalog.format('SELECT edupredict.min(p.term::edupredict.school_term), edupredict.max(p.term::edupredict.school_term) FROM %s p',
							  placements) INTO first_term, last_term;
END
$$;
COMMENT ON FUNCTION edupredict._placement_span(regclass) IS
'internal: first and last term of a placements relation (NULLs when it is empty)';

-- The terms the forecasting functions take (_forecast_first_term() to _forecast_last_term()).
-- A term is one row per tutor in the feature panel, so an as_of such as 9999 Summer ran for minutes
-- (one row per tutor and term from the first one) instead of failing.
CREATE FUNCTION edupredict._term_range_problem(arg text, t edupredict.school_term)
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN t OPERATOR(edupredict.<) r.lo OR t OPERATOR(edupredict.>) r.hi THEN
		ARRAY['22023', pg_catalog.format('%s %s is out of range', arg, t),
			  pg_catalog.format('Forecasting functions take terms from %s to %s.', r.lo, r.hi),
			  pg_catalog.format('Pass a %s from %s to %s.', arg, r.lo, r.hi)] END
	FROM (SELECT edupredict._forecast_first_term() AS lo, edupredict._forecast_last_term() AS hi) r
$$;
COMMENT ON FUNCTION edupredict._term_range_problem(text, edupredict.school_term) IS
'internal: {sqlstate, message, detail, hint} naming the argument when a term lies outside _forecast_first_term() to _forecast_last_term(), else NULL';

-- An as_of term must have history before it and be at most the term after the last placement term
-- (later terms would read as "never placed").  The placement terms are values of the caller's rows:
-- the problems count them or give a query for them, never show them (STYLE.md section 8).
CREATE FUNCTION edupredict._as_of_problem(placements regclass, as_of edupredict.school_term, min_history integer)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	span record;
	valid text;
	early text;
	n bigint;
	terms text := pg_catalog.format('%s %s', min_history, CASE WHEN min_history OPERATOR(pg_catalog.=) 1 THEN 'term' ELSE 'terms' END);
	hint text := pg_catalog.format('as_of is the current term: everything before it is known. This query gives the first and the last term as_of may be: SELECT edupredict.min(term::edupredict.school_term) OPERATOR(edupredict.+) %s AS first_as_of, edupredict.max(term::edupredict.school_term) OPERATOR(edupredict.+) 1 AS last_as_of FROM %s;',
								   min_history, placements);
BEGIN
	problem := edupredict._term_range_problem('as_of', as_of);
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	span := edupredict._placement_span(placements);
	IF span.first_term IS NULL THEN
		RETURN ARRAY['22023', pg_catalog.format('placements relation %s is empty', placements),
					 'Forecasts are made from the placement history.', 'Load the placements first.'];
	END IF;
	-- Models train on every term of the history before as_of: one from before 1900 would take the
	-- panel out of the range too.
	IF span.first_term OPERATOR(edupredict.<) edupredict._forecast_first_term() THEN
		early := pg_catalog.format('SELECT * FROM %s WHERE term::edupredict.school_term OPERATOR(edupredict.<) %L::edupredict.school_term',
								   placements, edupredict._forecast_first_term());
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) e', early) INTO n;
		RETURN ARRAY['22023',
			pg_catalog.format('placements relation %s has terms before %s', placements, edupredict._forecast_first_term()),
			pg_catalog.format('Column "term" is before %s in %s: forecasting functions take terms from %s to %s.',
							  edupredict._forecast_first_term(), edupredict._n_rows(n),
							  edupredict._forecast_first_term(), edupredict._forecast_last_term()),
			pg_catalog.format('Correct or remove the placements of those terms. This query lists them: %s;', early)];
	END IF;
	valid := CASE WHEN (span.first_term OPERATOR(edupredict.+) min_history)
						OPERATOR(edupredict.<=) (span.last_term OPERATOR(edupredict.+) 1)
				  THEN pg_catalog.format('This needs %s of placement history before as_of, and as_of may be at most the term after the last placement term.',
										 terms)
				  ELSE pg_catalog.format('No as_of is in range: this needs %s of placement history before as_of, and the placement history is shorter.',
										 terms) END;
	IF as_of OPERATOR(edupredict.>) (span.last_term OPERATOR(edupredict.+) 1) THEN
		RETURN ARRAY['22023',
			pg_catalog.format('as_of %s is out of range: it is more than one term after the last term of placements relation %s', as_of, placements),
			valid, hint];
	END IF;
	IF (as_of OPERATOR(edupredict.-) span.first_term) OPERATOR(pg_catalog.<) min_history THEN
		RETURN ARRAY['22023',
			pg_catalog.format('as_of %s is out of range: placements relation %s has less than %s of history before it', as_of, placements, terms),
			valid, hint];
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._as_of_problem(regclass, edupredict.school_term, integer) IS
'internal: {sqlstate, message, detail, hint} when as_of lies outside the placement history, else NULL';

-- Horizons, checked the same way by every forecasting function that takes them: a one-dimensional
-- array of distinct numbers of terms ahead from 1 to 12 (unnest reads any array without error, so a
-- multi-dimensional one reaches the check instead of failing in an internal query).
CREATE FUNCTION edupredict._horizons_problem(horizons integer[])
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.array_ndims(horizons) IS DISTINCT FROM 1
					 OR (SELECT pg_catalog.bool_or(x IS NULL OR x OPERATOR(pg_catalog.<) 1
												   OR x OPERATOR(pg_catalog.>) 12)
								OR pg_catalog.count(DISTINCT x) OPERATOR(pg_catalog.<>) pg_catalog.count(*)
						 FROM pg_catalog.unnest(horizons) x) THEN
		ARRAY['22023', 'horizons must be distinct numbers of terms ahead from 1 to 12',
			  pg_catalog.format('Got %s.', horizons),
			  'Pass a one-dimensional array such as ''{1,2,3}''.'] END
$$;
COMMENT ON FUNCTION edupredict._horizons_problem(integer[]) IS
'internal: {sqlstate, message, detail, hint} unless horizons is a one-dimensional array of distinct integers from 1 to 12, else NULL';

-- Survey responses: columns, one row per tutor and survey (term), and at least one answered survey
-- before as_of.
CREATE FUNCTION edupredict._responses_problem(responses regclass, as_of edupredict.school_term)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	found boolean;
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(responses, 'responses', ARRAY['tutor_id', 'term', 'responded'],
									 ARRAY['bigint', 'edupredict.school_term', 'boolean']),
		edupredict._unique_key_problem(responses, 'responses', ARRAY['tutor_id', 'term'],
									   ARRAY['bigint', 'edupredict.school_term']));
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s r WHERE r.term::edupredict.school_term OPERATOR(edupredict.<) $1 AND r.responded IS NOT NULL)',
							  responses) INTO found USING as_of;
	IF NOT found THEN
		RETURN ARRAY['22023', pg_catalog.format('no survey responses before %s', as_of),
					 'Response rates are estimated from the surveys before as_of.',
					 'Pass responses => NULL to count every tutor as responding.'];
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._responses_problem(regclass, edupredict.school_term) IS
'internal: {sqlstate, message, detail, hint} when a responses relation cannot give response rates before as_of, else NULL';

-- The horizons h for which a model <model_name>_h<h> is in the registry (NULL when none).
CREATE OR REPLACE FUNCTION edupredict._availability_horizons(model_name text)
RETURNS integer[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.array_agg(DISTINCT x.h ORDER BY x.h)
	FROM (SELECT pg_catalog.substr(m.name, pg_catalog.length(model_name) OPERATOR(pg_catalog.+) 3)::integer AS h
		  FROM edupredict.models m
		  WHERE pg_catalog.left(m.name, pg_catalog.length(model_name) OPERATOR(pg_catalog.+) 2)
				OPERATOR(pg_catalog.=) (model_name OPERATOR(pg_catalog.||) '_h')
			AND pg_catalog.substr(m.name, pg_catalog.length(model_name) OPERATOR(pg_catalog.+) 3)
				OPERATOR(pg_catalog.~) '^[0-9]{1,2}$') x
$$;
COMMENT ON FUNCTION edupredict._availability_horizons(text) IS
'internal: horizons with a trained model <model_name>_h<horizon>, NULL when there is none';

CREATE FUNCTION edupredict._model_problem(model_name text)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN edupredict._availability_horizons(model_name) IS NULL THEN
		ARRAY['42704', pg_catalog.format('no availability models named %s_h<horizon> in edupredict.models',
								edupredict._name_for_message(model_name)),
			  'Availability models are stored as one forest per horizon.',
			  'Train them with edupredict.train_availability().'] END
$$;
COMMENT ON FUNCTION edupredict._model_problem(text) IS
'internal: {sqlstate, message, detail, hint} when no availability model of that name is in the registry, else NULL';
