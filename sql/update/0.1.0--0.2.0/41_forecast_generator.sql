
-- The school terms the forecast area takes (generate_tutor_data and every forecasting function), in one
-- place: a term is one row per tutor in the feature panels, so the range also bounds their size.
CREATE FUNCTION edupredict._forecast_first_term()
RETURNS edupredict.school_term
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '1900 Spring'::edupredict.school_term $$;
COMMENT ON FUNCTION edupredict._forecast_first_term() IS
'internal: the earliest school term the forecast area takes';
CREATE FUNCTION edupredict._forecast_last_term()
RETURNS edupredict.school_term
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '2200 Autumn'::edupredict.school_term $$;
COMMENT ON FUNCTION edupredict._forecast_last_term() IS
'internal: the latest school term the forecast area takes';

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
	IF first_term OPERATOR(edupredict.<) edupredict._forecast_first_term()
	   OR last_term OPERATOR(edupredict.>) edupredict._forecast_last_term() THEN
		RAISE EXCEPTION 'terms must lie between % and %', edupredict._forecast_first_term(), edupredict._forecast_last_term()
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
