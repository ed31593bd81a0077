-- edupredict 0.1.0 -> 0.2.0 upgrade script, assembled by make from
-- sql/update/0.1.0--0.2.0/NN_*.sql (one fragment per area, sorted by name).
-- CREATE EXTENSION edupredict installs 0.1.0 and then runs this script, so a
-- fresh install and an upgraded one are the same by construction.
\echo Use "ALTER EXTENSION edupredict UPDATE TO '0.2.0'" to load this file. \quit

-- Tutor data generator (forecast area, issue 9 section 3): the same generator as 0.1.0 with a
-- search_path that no caller can extend (pg_catalog, then pg_temp for its scratch tables) and
-- every function and operator named with its schema.  The generated data are unchanged.
CREATE OR REPLACE FUNCTION edupredict.generate_tutor_data(
	target_schema text,
	seed integer DEFAULT 42,
	n_tutors integer DEFAULT 4000,
	first_term edupredict.school_term DEFAULT '2017 Autumn',
	last_term edupredict.school_term DEFAULT '2023 Summer')
RETURNS TABLE (relation text, n_rows bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $gen$
DECLARE
	t edupredict.school_term;
	rel text;
	london text[] := ARRAY['Barking and Dagenham', 'Barnet', 'Bexley', 'Brent', 'Bromley', 'Camden',
		'City of London', 'Croydon', 'Ealing', 'Enfield', 'Greenwich', 'Hackney', 'Hammersmith and Fulham',
		'Haringey', 'Harrow', 'Havering', 'Hillingdon', 'Hounslow', 'Islington', 'Kensington and Chelsea',
		'Kingston upon Thames', 'Lambeth', 'Lewisham', 'Merton', 'Newham', 'Redbridge',
		'Richmond upon Thames', 'Southwark', 'Sutton', 'Tower Hamlets', 'Waltham Forest', 'Wandsworth',
		'Westminster'];
	-- Boroughs with the big universities, where PhD students tend to live.
	inner_la text[] := ARRAY['Camden', 'City of London', 'Westminster', 'Islington', 'Tower Hamlets',
		'Southwark', 'Lambeth', 'Kensington and Chelsea', 'Hammersmith and Fulham', 'Hackney',
		'Greenwich', 'Lewisham', 'Wandsworth', 'Haringey', 'Newham'];
	first_names text[] := ARRAY['Aisha', 'Ben', 'Chloe', 'Daniel', 'Elena', 'Farid', 'Grace', 'Hannah',
		'Ibrahim', 'James', 'Kavya', 'Liam', 'Maya', 'Nadia', 'Oliver', 'Priya', 'Quentin', 'Rosa',
		'Samuel', 'Tariq', 'Uma', 'Victor', 'Wei', 'Xin', 'Yusuf', 'Zara', 'Amara', 'Chidi', 'Ewa',
		'Felix', 'Ines', 'Jonas', 'Leila', 'Marta', 'Niamh', 'Omar', 'Sofia', 'Tom', 'Yara', 'Zoe'];
	last_names text[] := ARRAY['Adeyemi', 'Brown', 'Chen', 'Davies', 'Evans', 'Fernandes', 'Garcia',
		'Hussain', 'Ivanova', 'Jones', 'Khan', 'Lewis', 'Martin', 'Nowak', 'O''Brien', 'Patel', 'Quinn',
		'Rossi', 'Smith', 'Taylor', 'Usman', 'Virtanen', 'Wang', 'Xu', 'Young', 'Zhang', 'Ahmed',
		'Begum', 'Clarke', 'Dubois', 'Egan', 'Fischer', 'Gupta', 'Hall', 'Ito', 'Kowalski', 'Li',
		'Murphy', 'Okafor', 'Singh'];
BEGIN
	IF target_schema IS NULL OR target_schema OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'target_schema must be a schema name' USING ERRCODE = '22023';
	END IF;
	IF seed IS NULL OR n_tutors IS NULL OR first_term IS NULL OR last_term IS NULL THEN
		RAISE EXCEPTION 'seed, n_tutors, first_term and last_term must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF n_tutors OPERATOR(pg_catalog.<) 1 OR n_tutors OPERATOR(pg_catalog.>) 1000000 THEN
		RAISE EXCEPTION 'n_tutors must be between 1 and 1000000'
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s.', n_tutors);
	END IF;
	IF last_term OPERATOR(edupredict.<) first_term
	   OR last_term OPERATOR(edupredict.-) first_term OPERATOR(pg_catalog.>) 59 THEN
		RAISE EXCEPTION 'last_term must be from first_term to 59 terms after it'
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s to %s.', first_term, last_term);
	END IF;
	IF first_term OPERATOR(edupredict.<) '1900 Spring'::edupredict.school_term
	   OR last_term OPERATOR(edupredict.>) '2200 Autumn'::edupredict.school_term THEN
		RAISE EXCEPTION 'terms must lie between 1900 Spring and 2200 Autumn'
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s to %s.', first_term, last_term);
	END IF;

	FOREACH rel IN ARRAY ARRAY['tutors', 'placements', 'availability_responses', 'opportunities',
							   'true_availability'] LOOP
		IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', target_schema, rel)) IS NOT NULL THEN
			RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident(target_schema),
				pg_catalog.quote_ident(rel)
				USING ERRCODE = '42P07', HINT = 'Drop it (or the schema) first, or generate into another schema.';
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) target_schema) THEN
		EXECUTE pg_catalog.format('CREATE SCHEMA %I', target_schema);
	END IF;

	-- Schools numbered within each local authority, for uniform choice.
	CREATE TEMP TABLE _ep_gen_schools AS
	SELECT s.urn, s.la_name,
		   (pg_catalog.row_number() OVER (PARTITION BY s.la_name ORDER BY s.urn) OPERATOR(pg_catalog.-) 1)::int AS idx,
		   pg_catalog.count(*) OVER (PARTITION BY s.la_name)::int AS n_la
	FROM edupredict.london_schools s;

	-- Tutors: registration spread from two years before first_term to the end of last_term;
	-- each registers 0-30 months into a PhD of 3 to 4.5 years; home borough weighted by schools
	-- and by closeness to the universities.
	EXECUTE pg_catalog.format($q$
		CREATE TABLE %1$I.tutors (
			tutor_id integer PRIMARY KEY, email text NOT NULL, full_name text NOT NULL,
			registered_on date NOT NULL, phd_start date NOT NULL, phd_end date NOT NULL,
			local_authority text NOT NULL);
		CREATE TABLE %1$I.placements (
			tutor_id integer NOT NULL REFERENCES %1$I.tutors, school_urn integer NOT NULL,
			term edupredict.school_term NOT NULL, PRIMARY KEY (tutor_id, term));
		CREATE TABLE %1$I.availability_responses (
			tutor_id integer NOT NULL REFERENCES %1$I.tutors, term edupredict.school_term NOT NULL,
			responded boolean NOT NULL, available boolean, PRIMARY KEY (tutor_id, term));
		CREATE TABLE %1$I.opportunities (
			opportunity_id integer PRIMARY KEY, school_urn integer NOT NULL, local_authority text NOT NULL,
			term edupredict.school_term NOT NULL, stage text NOT NULL, probability double precision NOT NULL,
			n_placements integer NOT NULL);
		CREATE TABLE %1$I.true_availability (
			tutor_id integer NOT NULL REFERENCES %1$I.tutors, term edupredict.school_term NOT NULL,
			p_available double precision NOT NULL, p_response double precision NOT NULL,
			PRIMARY KEY (tutor_id, term));
	$q$, target_schema);

	EXECUTE pg_catalog.format($q$
		WITH la AS (
			SELECT s.la_name, pg_catalog.count(*)::float8 OPERATOR(pg_catalog.*)
					 CASE WHEN s.la_name OPERATOR(pg_catalog.=) ANY ($5) THEN 2.5
						  WHEN s.la_name OPERATOR(pg_catalog.=) ANY ($4) THEN 1.0 ELSE 0.3 END AS w
			FROM edupredict.london_schools s GROUP BY s.la_name),
		cum AS (
			SELECT la.la_name,
				   (pg_catalog.sum(la.w) OVER (ORDER BY la.la_name) OPERATOR(pg_catalog.-) la.w)
					 OPERATOR(pg_catalog./) pg_catalog.sum(la.w) OVER () AS lo,
				   pg_catalog.sum(la.w) OVER (ORDER BY la.la_name) OPERATOR(pg_catalog./) pg_catalog.sum(la.w) OVER () AS hi
			FROM la),
		base AS (
			SELECT i AS tutor_id,
				   edupredict.term_start($2) OPERATOR(pg_catalog.-) 730
					 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 1, i) OPERATOR(pg_catalog.*)
							 (edupredict.term_end($3) OPERATOR(pg_catalog.-) edupredict.term_start($2)
							  OPERATOR(pg_catalog.+) 731))::int AS registered_on,
				   pg_catalog.floor(edupredict.seeded_uniform($1, 2, i) OPERATOR(pg_catalog.*) 913)::int AS into_phd,
				   1095 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 3, i) OPERATOR(pg_catalog.*) 548)::int AS phd_days,
				   edupredict.seeded_uniform($1, 4, i) AS u_la,
				   $6[1 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 5, i)
						OPERATOR(pg_catalog.*) pg_catalog.array_length($6, 1))::int] AS first_name,
				   $7[1 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 6, i)
						OPERATOR(pg_catalog.*) pg_catalog.array_length($7, 1))::int] AS last_name
			FROM pg_catalog.generate_series(1, $8) i)
		INSERT INTO %1$I.tutors
		SELECT b.tutor_id,
			   pg_catalog.lower(pg_catalog.replace(b.first_name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) b.last_name, '''', ''))
				 OPERATOR(pg_catalog.||) b.tutor_id OPERATOR(pg_catalog.||) '@example.ac.uk',
			   b.first_name OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) b.last_name,
			   b.registered_on, b.registered_on OPERATOR(pg_catalog.-) b.into_phd,
			   b.registered_on OPERATOR(pg_catalog.-) b.into_phd OPERATOR(pg_catalog.+) b.phd_days,
			   c.la_name
		FROM base b JOIN cum c ON b.u_la OPERATOR(pg_catalog.>=) c.lo AND b.u_la OPERATOR(pg_catalog.<) c.hi
	$q$, target_schema)
	USING seed, first_term, last_term, london, inner_la, first_names, last_names, n_tutors;

	-- Hidden per-tutor traits: availability noise u ~ N(0, 0.6) and responsiveness v ~ N(0, 0.4).
	EXECUTE pg_catalog.format($q$
		CREATE TEMP TABLE _ep_gen_state AS
		SELECT tu.tutor_id, tu.registered_on, tu.phd_end, tu.local_authority,
			   0.6 OPERATOR(pg_catalog.*) edupredict.seeded_normal($1, 7, tu.tutor_id) AS u,
			   0.4 OPERATOR(pg_catalog.*) edupredict.seeded_normal($1, 8, tu.tutor_id) AS v,
			   0 AS n_prev, false AS placed_last
		FROM %1$I.tutors tu
	$q$, target_schema) USING seed;

	-- One term at a time: the features as of t drive the true probabilities (docs/forecasting.md).
	t := first_term;
	WHILE t OPERATOR(edupredict.<=) last_term LOOP
		CREATE TEMP TABLE _ep_gen_term AS
		WITH f AS (
			SELECT s.*,
				   (s.phd_end OPERATOR(pg_catalog.-) edupredict.term_start(t)) OPERATOR(pg_catalog./) 30.4375 AS months_to_phd,
				   t OPERATOR(edupredict.-) edupredict.term_of(s.registered_on) AS terms_since
			FROM pg_temp._ep_gen_state s
			WHERE s.registered_on OPERATOR(pg_catalog.<) edupredict.term_start(t)),
		lin AS (
			-- OPERATOR(...) has one precedence (left to right): every product is parenthesised.
			SELECT f.tutor_id, f.local_authority,
				   -0.6
				   OPERATOR(pg_catalog.+) CASE WHEN f.months_to_phd OPERATOR(pg_catalog.>) 12 THEN 0.0
						  WHEN f.months_to_phd OPERATOR(pg_catalog.>) 0
						  THEN -0.5 OPERATOR(pg_catalog.*) (1 OPERATOR(pg_catalog.-) (f.months_to_phd OPERATOR(pg_catalog./) 12))
						  ELSE -0.8 OPERATOR(pg_catalog.-) (0.12 OPERATOR(pg_catalog.*) LEAST(OPERATOR(pg_catalog.-) f.months_to_phd, 24)) END
				   OPERATOR(pg_catalog.+) (0.25 OPERATOR(pg_catalog.*) pg_catalog.ln(1 OPERATOR(pg_catalog.+) f.n_prev))
				   OPERATOR(pg_catalog.+) (1.2 OPERATOR(pg_catalog.*) f.n_prev::float8 OPERATOR(pg_catalog./) f.terms_since)
				   OPERATOR(pg_catalog.+) CASE WHEN f.terms_since OPERATOR(pg_catalog.=) 1 THEN 0.4
						  ELSE OPERATOR(pg_catalog.-) LEAST(0.03 OPERATOR(pg_catalog.*) (f.terms_since OPERATOR(pg_catalog.-) 1), 0.6) END
				   OPERATOR(pg_catalog.+) CASE WHEN f.placed_last THEN 1.0 ELSE 0.0 END
				   OPERATOR(pg_catalog.+) (ARRAY[0.0, -0.45, 0.35])[1 OPERATOR(pg_catalog.+)
						((t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%) 3)]
				   OPERATOR(pg_catalog.+) f.u AS eta,
				   pg_catalog.ln(b.base OPERATOR(pg_catalog./) (1 OPERATOR(pg_catalog.-) b.base))
				   OPERATOR(pg_catalog.+) (0.25 OPERATOR(pg_catalog.*)
						edupredict.seeded_normal(seed, 13, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term))
				   OPERATOR(pg_catalog.+) CASE WHEN f.placed_last THEN 0.5 ELSE 0.0 END
				   OPERATOR(pg_catalog.+) CASE WHEN f.months_to_phd OPERATOR(pg_catalog.<=) 0 THEN -0.4 ELSE 0.0 END
				   OPERATOR(pg_catalog.+) f.v AS rho
			FROM f, (SELECT (ARRAY[0.52, 0.45, 0.60])[1 OPERATOR(pg_catalog.+)
						((t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%) 3)] AS base) b),
		p AS (
			SELECT lin.tutor_id, lin.local_authority,
				   1 OPERATOR(pg_catalog./) (1 OPERATOR(pg_catalog.+) pg_catalog.exp(OPERATOR(pg_catalog.-) lin.eta)) AS p_available,
				   1 OPERATOR(pg_catalog./) (1 OPERATOR(pg_catalog.+) pg_catalog.exp(OPERATOR(pg_catalog.-) lin.rho)) AS p_response
			FROM lin)
		SELECT p.*,
			   edupredict.seeded_uniform(seed, 10, p.tutor_id, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
				 OPERATOR(pg_catalog.<) p.p_available AS placed,
			   edupredict.seeded_uniform(seed, 12, p.tutor_id, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
				 OPERATOR(pg_catalog.<) p.p_response AS responded,
			   edupredict.seeded_uniform(seed, 11, p.tutor_id, t OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) AS u_school
		FROM p;

		EXECUTE pg_catalog.format($q$
			INSERT INTO %1$I.true_availability SELECT g.tutor_id, $1, g.p_available, g.p_response FROM pg_temp._ep_gen_term g;
			INSERT INTO %1$I.placements
			SELECT g.tutor_id, s.urn, $1
			FROM pg_temp._ep_gen_term g
			JOIN (SELECT DISTINCT x.la_name, x.n_la FROM pg_temp._ep_gen_schools x) n
			  ON n.la_name OPERATOR(pg_catalog.=) g.local_authority
			JOIN pg_temp._ep_gen_schools s ON s.la_name OPERATOR(pg_catalog.=) g.local_authority
			 AND s.idx OPERATOR(pg_catalog.=) pg_catalog.floor(g.u_school OPERATOR(pg_catalog.*) n.n_la)::int
			WHERE g.placed;
			INSERT INTO %1$I.availability_responses
			SELECT g.tutor_id, $1, g.responded, CASE WHEN g.responded THEN g.placed END FROM pg_temp._ep_gen_term g;
		$q$, target_schema) USING t;

		UPDATE pg_temp._ep_gen_state s
		SET n_prev = s.n_prev OPERATOR(pg_catalog.+) g.placed::int, placed_last = g.placed
		FROM pg_temp._ep_gen_term g WHERE g.tutor_id OPERATOR(pg_catalog.=) s.tutor_id;
		DROP TABLE pg_temp._ep_gen_term;
		t := t OPERATOR(edupredict.+) 1;
	END LOOP;

	-- Demand: each school posts an opportunity in a term with probability 14% (x1.15 in Autumn,
	-- x0.8 in Summer) for 1-3 placements.  Terms up to last_term are settled (85% confirmed, the rest
	-- lost); the next four terms are a pipeline whose stages grow less certain with distance, and which
	-- holds more opportunities (x1.2, 1.66, 2.57, 3.16) so that its expected placements match a settled
	-- term's.
	EXECUTE pg_catalog.format($q$
		INSERT INTO %1$I.opportunities
		SELECT pg_catalog.row_number() OVER (ORDER BY o.term, o.urn)::int, o.urn, o.la_name, o.term,
			   o.stage,
			   CASE WHEN o.stage OPERATOR(pg_catalog.=) 'confirmed' THEN 1.0
					WHEN o.stage OPERATOR(pg_catalog.=) 'lost' THEN 0.0
					WHEN o.stage OPERATOR(pg_catalog.=) 'likely'
					THEN pg_catalog.round((0.6 OPERATOR(pg_catalog.+) (0.2 OPERATOR(pg_catalog.*) o.u_p))::numeric, 2)::float8
					WHEN o.stage OPERATOR(pg_catalog.=) 'possible'
					THEN pg_catalog.round((0.25 OPERATOR(pg_catalog.+) (0.25 OPERATOR(pg_catalog.*) o.u_p))::numeric, 2)::float8
					ELSE pg_catalog.round((0.05 OPERATOR(pg_catalog.+) (0.1 OPERATOR(pg_catalog.*) o.u_p))::numeric, 2)::float8 END,
			   o.n_placements
		FROM (
			SELECT s.urn, s.la_name, x.term,
				   1 OPERATOR(pg_catalog.+) pg_catalog.floor(edupredict.seeded_uniform($1, 21, s.urn, x.k) OPERATOR(pg_catalog.*) 3)::int AS n_placements,
				   edupredict.seeded_uniform($1, 24, s.urn, x.k) AS u_p,
				   CASE WHEN x.h OPERATOR(pg_catalog.<=) 0
						THEN CASE WHEN x.u_stage OPERATOR(pg_catalog.<) 0.85 THEN 'confirmed' ELSE 'lost' END
						WHEN x.u_stage OPERATOR(pg_catalog.<) (ARRAY[0.45, 0.20, 0.05, 0.02])[x.h] THEN 'confirmed'
						WHEN x.u_stage OPERATOR(pg_catalog.<) (ARRAY[0.70, 0.45, 0.20, 0.12])[x.h] THEN 'likely'
						WHEN x.u_stage OPERATOR(pg_catalog.<) (ARRAY[0.90, 0.75, 0.55, 0.45])[x.h] THEN 'possible'
						ELSE 'lead' END AS stage
			FROM edupredict.london_schools s
			CROSS JOIN LATERAL (
				SELECT $2 OPERATOR(edupredict.+) i AS term,
					   ($2 OPERATOR(edupredict.+) i) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term AS k,
					   ($2 OPERATOR(edupredict.+) i) OPERATOR(edupredict.-) $3 AS h,
					   edupredict.seeded_uniform($1, 22, s.urn,
						 ($2 OPERATOR(edupredict.+) i) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) AS u_stage
				FROM pg_catalog.generate_series(0, ($3 OPERATOR(edupredict.+) 4) OPERATOR(edupredict.-) $2) i) x
			WHERE edupredict.seeded_uniform($1, 20, s.urn, x.k)
				  OPERATOR(pg_catalog.<) (0.14 OPERATOR(pg_catalog.*) (ARRAY[1.0, 0.8, 1.15])[1 OPERATOR(pg_catalog.+) (x.k OPERATOR(pg_catalog.%%) 3)]
					OPERATOR(pg_catalog.*) CASE WHEN x.h OPERATOR(pg_catalog.<=) 0 THEN 1.0
												ELSE (ARRAY[1.2, 1.66, 2.57, 3.16])[x.h] END)
		) o
	$q$, target_schema) USING seed, first_term, last_term;

	DROP TABLE pg_temp._ep_gen_schools, pg_temp._ep_gen_state;

	FOREACH rel IN ARRAY ARRAY['tutors', 'placements', 'availability_responses', 'opportunities',
							   'true_availability'] LOOP
		EXECUTE pg_catalog.format('ANALYZE %I.%I', target_schema, rel);
		relation := pg_catalog.format('%I.%I', target_schema, rel);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %I.%I', target_schema, rel) INTO n_rows;
		RETURN NEXT;
	END LOOP;
END
$gen$;

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
BEGIN
	-- The lock comes first and outside any exception block (a failed subtransaction would release it).
	EXECUTE pg_catalog.format('SELECT FROM %s WHERE false', rel);
	FOR i IN 1 .. pg_catalog.cardinality(columns) LOOP
		SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) INTO typ
		FROM pg_catalog.pg_attribute a
		WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attname OPERATOR(pg_catalog.=) columns[i]
		  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
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

CREATE OR REPLACE FUNCTION edupredict._placement_span(placements regclass, OUT first_term edupredict.school_term,
													  OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE pg_catalog.format('SELECT edupredict.min(p.term::edupredict.school_term), edupredict.max(p.term::edupredict.school_term) FROM %s p',
							  placements) INTO first_term, last_term;
END
$$;
COMMENT ON FUNCTION edupredict._placement_span(regclass) IS
'internal: first and last term of a placements relation (NULLs when it is empty)';

-- An as_of term must have history before it and be at most the term after the last placement term
-- (later terms would read as "never placed").
CREATE FUNCTION edupredict._as_of_problem(placements regclass, as_of edupredict.school_term, min_history integer)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	span record;
BEGIN
	span := edupredict._placement_span(placements);
	IF span.first_term IS NULL THEN
		RETURN ARRAY['22023', pg_catalog.format('placements relation %s is empty', placements),
					 'Forecasts are made from the placement history.', 'Load the placements first.'];
	END IF;
	IF as_of OPERATOR(edupredict.>) (span.last_term OPERATOR(edupredict.+) 1) THEN
		RETURN ARRAY['22023',
			pg_catalog.format('as_of %s is out of range: the placement history ends in %s', as_of, span.last_term),
			pg_catalog.format('as_of may be at most %s, the term after the last placement term.',
							  span.last_term OPERATOR(edupredict.+) 1),
			'as_of is the current term: everything before it is known.'];
	END IF;
	IF (as_of OPERATOR(edupredict.-) span.first_term) OPERATOR(pg_catalog.<) min_history THEN
		RETURN ARRAY['22023',
			pg_catalog.format('as_of %s is out of range: the placement history starts in %s', as_of, span.first_term),
			pg_catalog.format('This needs %s terms of placement history before as_of, so as_of must be %s or later.',
							  min_history, span.first_term OPERATOR(edupredict.+) min_history),
			'as_of is the current term: everything before it is known.'];
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION edupredict._as_of_problem(regclass, edupredict.school_term, integer) IS
'internal: {sqlstate, message, detail, hint} when as_of lies outside the placement history, else NULL';

-- Survey responses: columns, and at least one answered survey before as_of.
CREATE FUNCTION edupredict._responses_problem(responses regclass, as_of edupredict.school_term)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	found boolean;
BEGIN
	problem := edupredict._relation_problem(responses, 'responses', ARRAY['tutor_id', 'term', 'responded'],
											ARRAY['bigint', 'edupredict.school_term', 'boolean']);
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
		ARRAY['42704', pg_catalog.format('no availability models named %s_h<horizon> in edupredict.models', model_name),
			  'Availability models are stored as one forest per horizon.',
			  'Train them with edupredict.train_availability().'] END
$$;
COMMENT ON FUNCTION edupredict._model_problem(text) IS
'internal: {sqlstate, message, detail, hint} when no availability model of that name is in the registry, else NULL';

-- Tutor features, survey response rates, training and prediction (forecast area): search_path
-- pg_catalog, pg_temp, every function and operator qualified (OPERATOR(...) has a single
-- precedence, so mixed arithmetic is parenthesised), inputs checked up front by the entry function.

-- Features of every tutor registered before the start of each term from first_t to last_t, from the
-- placements strictly before that term.  Callers check the relations first.
CREATE OR REPLACE FUNCTION edupredict._tutor_feature_panel(tutors regclass, placements regclass,
														   first_t edupredict.school_term, last_t edupredict.school_term)
RETURNS TABLE (tutor_id bigint, term edupredict.school_term, months_to_phd_end double precision,
			   n_previous_placements integer, mean_placements_per_term double precision,
			   terms_since_registration integer, placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH terms AS (
			SELECT $1 OPERATOR(edupredict.+) i AS t
			FROM pg_catalog.generate_series(0, $2 OPERATOR(edupredict.-) $1) i),
		elig AS (
			SELECT tu.tutor_id::bigint AS tutor_id, tr.t, tu.registered_on::date AS registered_on,
				   tu.phd_end::date AS phd_end
			FROM %1$s tu JOIN terms tr ON tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start(tr.t)),
		pl AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term
			FROM %2$s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $2)
		SELECT e.tutor_id, e.t,
			   (e.phd_end OPERATOR(pg_catalog.-) edupredict.term_start(e.t)) OPERATOR(pg_catalog./) 30.4375::float8,
			   pg_catalog.count(pl.term)::integer,
			   pg_catalog.count(pl.term)::float8
				 OPERATOR(pg_catalog./) (e.t OPERATOR(edupredict.-) edupredict.term_of(e.registered_on)),
			   e.t OPERATOR(edupredict.-) edupredict.term_of(e.registered_on),
			   COALESCE(pg_catalog.bool_or(pl.term OPERATOR(edupredict.=) (e.t OPERATOR(edupredict.-) 1)), false)
		FROM elig e
		LEFT JOIN pl ON pl.tutor_id OPERATOR(pg_catalog.=) e.tutor_id AND pl.term OPERATOR(edupredict.<) e.t
		GROUP BY e.tutor_id, e.t, e.phd_end, e.registered_on
	$q$, tutors, placements) USING first_t, last_t;
END
$$;

-- tutor_features was a SQL function over the panel; it now checks its inputs and raises itself.
CREATE OR REPLACE FUNCTION edupredict.tutor_features(tutors regclass, placements regclass, as_of edupredict.school_term)
RETURNS TABLE (tutor_id bigint, months_to_phd_end double precision, n_previous_placements integer,
			   mean_placements_per_term double precision, terms_since_registration integer,
			   placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY
	SELECT f.tutor_id, f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
		   f.terms_since_registration, f.placed_last_term
	FROM edupredict._tutor_feature_panel(tutors, placements, as_of, as_of) f;
END
$$;

-- Survey response rates by segment (season of the term, placed in the previous term, PhD over by
-- the start of the term) from the surveys before as_of, each shrunk towards its season's rate and
-- that towards the overall rate with a prior weight of 50 surveys.
CREATE OR REPLACE FUNCTION edupredict.response_rates(tutors regclass, placements regclass, responses regclass,
													 as_of edupredict.school_term)
RETURNS TABLE (season text, placed_last_term boolean, phd_finished boolean, n_surveyed bigint,
			   n_responded bigint, p_response double precision)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'phd_end'], ARRAY['bigint', 'date']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._responses_problem(responses, as_of));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH r AS (
			SELECT edupredict.term_season(r.term::edupredict.school_term) AS season,
				   EXISTS (SELECT FROM %2$s p WHERE p.tutor_id::bigint OPERATOR(pg_catalog.=) r.tutor_id::bigint
						   AND p.term::edupredict.school_term
							   OPERATOR(edupredict.=) (r.term::edupredict.school_term OPERATOR(edupredict.-) 1)) AS placed_last_term,
				   COALESCE(tu.phd_end::date OPERATOR(pg_catalog.<) edupredict.term_start(r.term::edupredict.school_term), false) AS phd_finished,
				   r.responded::boolean AS responded
			FROM %3$s r JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) r.tutor_id::bigint
			WHERE r.term::edupredict.school_term OPERATOR(edupredict.<) $1 AND r.responded IS NOT NULL),
		overall AS (SELECT pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE r.responded) AS k FROM r),
		seasons AS (
			SELECT s.season, pg_catalog.count(r.responded) AS n, pg_catalog.count(*) FILTER (WHERE r.responded) AS k
			FROM pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season)
			LEFT JOIN r ON r.season OPERATOR(pg_catalog.=) s.season
			GROUP BY s.season),
		cells AS (
			SELECT s.season, pl.v AS placed_last_term, ph.v AS phd_finished
			FROM pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season), (VALUES (false), (true)) pl(v),
				 (VALUES (false), (true)) ph(v)),
		counts AS (
			SELECT c.season, c.placed_last_term, c.phd_finished, pg_catalog.count(r.responded) AS n,
				   pg_catalog.count(*) FILTER (WHERE r.responded) AS k
			FROM cells c LEFT JOIN r ON r.season OPERATOR(pg_catalog.=) c.season
			 AND r.placed_last_term OPERATOR(pg_catalog.=) c.placed_last_term
			 AND r.phd_finished OPERATOR(pg_catalog.=) c.phd_finished
			GROUP BY c.season, c.placed_last_term, c.phd_finished)
		SELECT c.season, c.placed_last_term, c.phd_finished, c.n, c.k,
			   (c.k OPERATOR(pg_catalog.+) (50 OPERATOR(pg_catalog.*)
					((s.k OPERATOR(pg_catalog.+) (50 OPERATOR(pg_catalog.*) (o.k::float8 OPERATOR(pg_catalog./) o.n)))
					 OPERATOR(pg_catalog./) (s.n OPERATOR(pg_catalog.+) 50))))
			   OPERATOR(pg_catalog./) (c.n OPERATOR(pg_catalog.+) 50)
		FROM counts c JOIN seasons s ON s.season OPERATOR(pg_catalog.=) c.season, overall o
		ORDER BY pg_catalog.array_position(ARRAY['Spring', 'Summer', 'Autumn'], c.season), c.placed_last_term,
				 c.phd_finished
	$q$, tutors, placements, responses) USING as_of;
END
$$;

CREATE OR REPLACE FUNCTION edupredict.train_availability(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	horizons integer[] DEFAULT '{1,2,3}',
	n_trees integer DEFAULT 100,
	seed bigint DEFAULT 42,
	min_samples_leaf integer DEFAULT 25)
RETURNS TABLE (horizon integer, model text, version integer, n_rows bigint, positive_rate double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	first_term edupredict.school_term;
	h integer;
	max_h integer;
BEGIN
	IF model_name IS NULL OR model_name OPERATOR(pg_catalog.=) '' OR tutors IS NULL OR placements IS NULL
	   OR as_of IS NULL OR horizons IS NULL OR n_trees IS NULL OR seed IS NULL OR min_samples_leaf IS NULL THEN
		RAISE EXCEPTION 'train_availability arguments must not be NULL or empty' USING ERRCODE = '22004';
	END IF;
	IF pg_catalog.cardinality(horizons) OPERATOR(pg_catalog.=) 0
	   OR pg_catalog.cardinality(horizons) OPERATOR(pg_catalog.>) 12
	   OR pg_catalog.array_position(horizons, NULL) IS NOT NULL
	   OR (SELECT pg_catalog.min(x) OPERATOR(pg_catalog.<) 1 OR pg_catalog.max(x) OPERATOR(pg_catalog.>) 12
				  OR pg_catalog.count(DISTINCT x) OPERATOR(pg_catalog.<>) pg_catalog.count(*)
		   FROM pg_catalog.unnest(horizons) x) THEN
		RAISE EXCEPTION 'horizons must be distinct numbers of terms ahead from 1 to 12'
			USING ERRCODE = '22023', DETAIL = pg_catalog.format('Got %s.', horizons);
	END IF;
	SELECT pg_catalog.max(x) INTO max_h FROM pg_catalog.unnest(horizons) x;
	-- Training rows: terms t from the second history term on, labelled by placement in t + h < as_of.
	problem := COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, max_h OPERATOR(pg_catalog.+) 2));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	first_term := (edupredict._placement_span(placements)).first_term;

	EXECUTE pg_catalog.format('CREATE TEMP TABLE _ep_availability_placed AS
		SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term FROM %s p', placements);
	CREATE TEMP TABLE _ep_availability_panel AS
	SELECT * FROM edupredict._tutor_feature_panel(tutors, placements, first_term OPERATOR(edupredict.+) 1,
												  as_of OPERATOR(edupredict.-) 2);

	FOREACH h IN ARRAY horizons LOOP
		EXECUTE $q$
			CREATE TEMP TABLE _ep_availability_train AS
			SELECT (ROW(f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
						f.terms_since_registration, f.placed_last_term,
						((f.term OPERATOR(edupredict.+) $1) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
						  OPERATOR(pg_catalog.%) 3
					 )::edupredict.availability_features).*,
				   (p.tutor_id IS NOT NULL)::integer AS available
			FROM pg_temp._ep_availability_panel f
			LEFT JOIN pg_temp._ep_availability_placed p ON p.tutor_id OPERATOR(pg_catalog.=) f.tutor_id
				  AND p.term OPERATOR(edupredict.=) (f.term OPERATOR(edupredict.+) $1)
			WHERE f.term OPERATOR(edupredict.<=) (($2 OPERATOR(edupredict.-) 1) OPERATOR(edupredict.-) $1)
		$q$ USING h, as_of;

		horizon := h;
		model := model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) h;
		SELECT pg_catalog.count(*), pg_catalog.avg(t.available) INTO n_rows, positive_rate
		FROM pg_temp._ep_availability_train t;
		-- Through train_forest's SQL API only, by argument name (its internals are not ours).  Dynamic,
		-- so the regclass of this iteration's temporary table is resolved now.
		EXECUTE $q$
			SELECT m.version FROM edupredict.train_forest(
				model_name => $1, relation => 'pg_temp._ep_availability_train'::regclass, target => 'available',
				features => ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
								  'terms_since_registration', 'placed_last_term', 'target_season'],
				task => 'classification', n_trees => $2, min_samples_leaf => $4, seed => $3) m
		$q$ INTO version USING model, n_trees, seed, min_samples_leaf;
		RETURN NEXT;
		DROP TABLE pg_temp._ep_availability_train;
	END LOOP;
	DROP TABLE pg_temp._ep_availability_panel, pg_temp._ep_availability_placed;
END
$$;

CREATE OR REPLACE FUNCTION edupredict.predict_availability(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (tutor_id bigint, horizon integer, term edupredict.school_term, p_available double precision,
			   p_response double precision, p_effective double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and as_of must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._model_problem(model_name),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, 1),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH f AS MATERIALIZED (
			SELECT f.*, tu.phd_end::date AS phd_end
			FROM edupredict._tutor_feature_panel($1, $2, $3, $3) f
			JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) f.tutor_id),
		rr AS MATERIALIZED (%2$s),
		x AS (
			SELECT f.*, h.h, $3 OPERATOR(edupredict.+) h.h AS target
			FROM f CROSS JOIN pg_catalog.unnest($4) h(h))
		SELECT x.tutor_id, x.h, x.target, pa.p, COALESCE(rr.p_response, 1.0),
			   pa.p OPERATOR(pg_catalog.*) COALESCE(rr.p_response, 1.0)
		FROM x
		CROSS JOIN LATERAL (
			SELECT edupredict.predict_proba($5 OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) x.h,
				ROW(x.months_to_phd_end, x.n_previous_placements, x.mean_placements_per_term,
					x.terms_since_registration, x.placed_last_term,
					(x.target OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%%) 3
				)::edupredict.availability_features,
				'1') AS p) pa
		LEFT JOIN rr ON rr.season OPERATOR(pg_catalog.=) edupredict.term_season(x.target)
					AND rr.placed_last_term OPERATOR(pg_catalog.=) x.placed_last_term
					AND rr.phd_finished OPERATOR(pg_catalog.=)
						COALESCE(x.phd_end OPERATOR(pg_catalog.<) edupredict.term_start(x.target), false)
	$q$, tutors,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::boolean AS placed_last_term, NULL::boolean AS phd_finished, NULL::float8 AS p_response WHERE false'
			 ELSE 'SELECT * FROM edupredict.response_rates($1, $2, $6, $3)' END)
	USING tutors, placements, as_of, edupredict._availability_horizons(model_name), model_name, responses;
END
$$;

-- Supply against demand (forecast area): search_path pg_catalog, pg_temp, qualified functions and
-- operators, inputs checked by the entry function, relations passed as parameters or regclass text
-- formatted under this search_path (so quoted and qualified as needed).

-- The supply-demand query over a source of predictions (tutor_id, horizon, term, p_effective).
CREATE OR REPLACE FUNCTION edupredict._supply_demand_sql(predictions text, tutors regclass, opportunities regclass)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $f$
SELECT pg_catalog.format($q$
	WITH pred AS MATERIALIZED (%1$s),
	terms AS (SELECT DISTINCT pred.horizon, pred.term FROM pred),
	la AS (
		SELECT tu.local_authority::text AS local_authority, p.horizon, p.term,
			   edupredict.expected_count(p.p_effective) AS d
		FROM pred p JOIN %2$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id
		GROUP BY 1, 2, 3
		UNION ALL
		SELECT 'London-wide', p.horizon, p.term, edupredict.expected_count(p.p_effective)
		FROM pred p GROUP BY 2, 3),
	opp AS (
		SELECT o.local_authority::text AS local_authority, t.horizon, t.term,
			   COALESCE(pg_catalog.sum(o.n_placements::bigint)
						FILTER (WHERE o.stage::text OPERATOR(pg_catalog.=) 'confirmed'), 0)::bigint AS confirmed,
			   COALESCE(pg_catalog.sum(CASE WHEN o.stage::text OPERATOR(pg_catalog.=) 'confirmed' THEN o.n_placements::float8
											ELSE o.probability::float8 OPERATOR(pg_catalog.*) o.n_placements::float8 END),
						0)::float8 AS expected
		FROM %3$s o JOIN terms t ON o.term::edupredict.school_term OPERATOR(edupredict.=) t.term
		GROUP BY 1, 2, 3),
	dem AS (
		SELECT * FROM opp
		UNION ALL
		SELECT 'London-wide', t.horizon, t.term, COALESCE(pg_catalog.sum(opp.confirmed), 0)::bigint,
			   COALESCE(pg_catalog.sum(opp.expected), 0)::float8
		FROM terms t LEFT JOIN opp ON opp.horizon OPERATOR(pg_catalog.=) t.horizon
								  AND opp.term OPERATOR(edupredict.=) t.term
		GROUP BY t.horizon, t.term)
	SELECT COALESCE(la.local_authority, dem.local_authority), COALESCE(la.horizon, dem.horizon),
		   COALESCE(la.term, dem.term),
		   COALESCE((la.d).expected, 0), COALESCE((la.d).p10, 0), COALESCE((la.d).p50, 0), COALESCE((la.d).p90, 0),
		   COALESCE(dem.confirmed, 0), COALESCE(dem.expected, 0),
		   COALESCE(dem.expected, 0) OPERATOR(pg_catalog./) NULLIF((la.d).expected, 0),
		   GREATEST(0, pg_catalog.ceil(COALESCE(dem.expected, 0) OPERATOR(pg_catalog.-) 1e-9)::bigint
					   OPERATOR(pg_catalog.-) COALESCE((la.d).p10, 0))
	FROM la FULL JOIN dem ON dem.local_authority OPERATOR(pg_catalog.=) la.local_authority
						 AND dem.term OPERATOR(edupredict.=) la.term
	ORDER BY 3, (COALESCE(la.local_authority, dem.local_authority) OPERATOR(pg_catalog.=) 'London-wide'), 1
$q$, predictions, tutors, opportunities)
$f$;

-- The checks shared by supply_demand and supply_demand_of: {sqlstate, message, detail, hint} or NULL.
CREATE FUNCTION edupredict._demand_problem(tutors regclass, opportunities regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'local_authority'], ARRAY['bigint', 'text']),
		edupredict._relation_problem(opportunities, 'opportunities',
			ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements'],
			ARRAY['text', 'edupredict.school_term', 'text', 'double precision', 'double precision']))
$$;
COMMENT ON FUNCTION edupredict._demand_problem(regclass, regclass) IS
'internal: locks and checks the tutors and opportunities relations of supply_demand; {sqlstate, message, detail, hint} or NULL';

CREATE OR REPLACE FUNCTION edupredict.supply_demand_of(predictions regclass, tutors regclass, opportunities regclass)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term', 'p_effective'],
									 ARRAY['bigint', 'integer', 'edupredict.school_term', 'double precision']),
		edupredict._demand_problem(tutors, opportunities));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		pg_catalog.format('SELECT p.tutor_id::bigint AS tutor_id, p.horizon::integer AS horizon,
						   p.term::edupredict.school_term AS term, p.p_effective::float8 AS p_effective FROM %s p',
						  predictions),
		tutors, opportunities);
END
$$;

CREATE OR REPLACE FUNCTION edupredict.supply_demand(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR opportunities IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements, opportunities and as_of must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._model_problem(model_name),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, 1),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._demand_problem(tutors, opportunities),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		'SELECT p.tutor_id, p.horizon, p.term, p.p_effective FROM edupredict.predict_availability($1, $2, $3, $4, $5) p',
		tutors, opportunities)
	USING model_name, tutors, placements, as_of, responses;
END
$$;
