
-- Whole supply, part 1: the tutors who have not registered yet (issue 14; docs/forecasting.md,
-- "Recruits").  For each local authority and target term as_of + h: the expected registrations in
-- the terms as_of .. as_of + h - 1 and the expected number of them placed in the target term.
--   registrations: London-wide, the last year's count (3 terms before as_of) split by season with the
--     seasonal shares of up to three whole years (shrunk towards equal shares with a weight of 30
--     registrations), times a damped trend sqrt((last year + 20) / (year before + 20)), clamped to
--     [0.5, 2]; an LA's share is its registrations of the last two years shrunk towards an equal
--     share of the London-wide total with a weight of 10 registrations, so an LA without any gets a
--     small share;
--   placement: q(k, season of the target) = P(placed in r + k | registered in term r), from the
--     cohorts of the last 12 terms whose outcome is known before as_of and inside the placement
--     history, each season's rate shrunk
--     towards the rate for k with a weight of 50 tutors (a k no cohort reaches takes the rate of the
--     largest smaller k); times the survey response rate of a new tutor when responses are given.
-- Distribution: registrations are a Poisson process and each recruit is placed independently, so the
-- recruits placed are Poisson (thinning); the uncertainty of the estimated rates is not included.
-- SET jit = off: the cost estimates of these dynamic queries (set-returning functions, cross joins)
-- pass jit_above_cost, and compiling them took 2.8 s of a 2.9 s recruit_forecast call.
CREATE FUNCTION edupredict.recruit_forecast(
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	horizons integer[] DEFAULT '{1,2,3}',
	responses regclass DEFAULT NULL,
	areas text[] DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   registrations_expected double precision, recruits_expected double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
	known boolean;
BEGIN
	IF tutors IS NULL OR placements IS NULL OR as_of IS NULL OR horizons IS NULL THEN
		RAISE EXCEPTION 'tutors, placements, as_of and horizons must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._horizons_problem(horizons),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'local_authority'],
									 ARRAY['bigint', 'date', 'text']),
		-- as through supply_demand: a tutor listed twice would register twice, one without a local
		-- authority in an area of its own
		edupredict._tutor_areas_problem(tutors),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s tu WHERE tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start($1))',
							  tutors) INTO known USING as_of;
	IF NOT known THEN
		RAISE EXCEPTION 'no tutor registered before %', as_of USING ERRCODE = '22023',
			DETAIL = 'The registration rate of recruits is estimated from the registrations before as_of.',
			HINT = 'Choose a later as_of.';
	END IF;
	-- As in every other forecast: placement rates need history before as_of, and terms after the
	-- history would read as "never placed" (an as_of far ahead gave zero recruits, not an error).
	problem := edupredict._as_of_problem(placements, as_of, 1);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;

	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH reg AS MATERIALIZED (
			SELECT tu.tutor_id::bigint AS tutor_id, tu.local_authority::text AS la,
				   edupredict.term_of(tu.registered_on::date) AS r
			FROM %1$s tu WHERE tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start($1)),
		hist AS (
			SELECT LEAST($1 OPERATOR(edupredict.-) edupredict.min(reg.r), 1000) AS n_terms FROM reg),
		yr AS (
			SELECT pg_catalog.count(*) FILTER (WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 3))::float8
					 OPERATOR(pg_catalog.*) 3 OPERATOR(pg_catalog./) LEAST(hist.n_terms, 3) AS last_year,
				   pg_catalog.count(*) FILTER (WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 6)
							  AND reg.r OPERATOR(edupredict.<) ($1 OPERATOR(edupredict.-) 3))::float8 AS prev_year,
				   hist.n_terms OPERATOR(pg_catalog.>=) 6 AS has_prev,
				   (LEAST(hist.n_terms, 9) OPERATOR(pg_catalog./) 3) OPERATOR(pg_catalog.*) 3 AS season_terms
			FROM reg, hist GROUP BY hist.n_terms),
		trend AS (
			SELECT CASE WHEN yr.has_prev
						THEN GREATEST(0.5, LEAST(2.0, pg_catalog.sqrt((yr.last_year OPERATOR(pg_catalog.+) 20)
								OPERATOR(pg_catalog./) (yr.prev_year OPERATOR(pg_catalog.+) 20))))
						ELSE 1.0 END AS g
			FROM yr),
		shares AS (
			SELECT s.season,
				   (pg_catalog.count(reg.r)::float8 OPERATOR(pg_catalog.+) 10)
				   OPERATOR(pg_catalog./) (pg_catalog.sum(pg_catalog.count(reg.r)) OVER () OPERATOR(pg_catalog.+) 30) AS share
			FROM pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season)
			CROSS JOIN yr
			LEFT JOIN reg ON edupredict.term_season(reg.r) OPERATOR(pg_catalog.=) s.season
						 AND reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) yr.season_terms)
			GROUP BY s.season),
		areas AS (
			SELECT a.la, pg_catalog.count(reg.r) FILTER (WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 6))::float8 AS c
			FROM (SELECT DISTINCT reg.la FROM reg UNION SELECT x FROM pg_catalog.unnest($3) x WHERE x IS NOT NULL) a
			LEFT JOIN reg ON reg.la OPERATOR(pg_catalog.=) a.la
			GROUP BY a.la),
		weights AS (
			SELECT areas.la,
				   (areas.c OPERATOR(pg_catalog.+) (10.0 OPERATOR(pg_catalog./) pg_catalog.count(*) OVER ()))
				   OPERATOR(pg_catalog./) (pg_catalog.sum(areas.c) OVER () OPERATOR(pg_catalog.+) 10.0) AS w
			FROM areas),
		pl AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term
			FROM %2$s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $1),
		ks AS (SELECT k FROM pg_catalog.generate_series(1, (SELECT pg_catalog.max(h) FROM pg_catalog.unnest($2) h)) k),
		cohorts AS (
			SELECT ks.k, edupredict.term_season(reg.r OPERATOR(edupredict.+) ks.k) AS season,
				   pg_catalog.count(*)::float8 AS n, pg_catalog.count(pl.tutor_id)::float8 AS placed
			FROM reg CROSS JOIN ks
			LEFT JOIN pl ON pl.tutor_id OPERATOR(pg_catalog.=) reg.tutor_id
						AND pl.term OPERATOR(edupredict.=) (reg.r OPERATOR(edupredict.+) ks.k)
			WHERE reg.r OPERATOR(edupredict.>=) ($1 OPERATOR(edupredict.-) 12)
			  AND (reg.r OPERATOR(edupredict.+) ks.k) OPERATOR(edupredict.<) $1
			  -- only outcomes inside the placement history (tutors registered before it starts were
			  -- never placed in the terms before it, which would read as "not placed")
			  AND (reg.r OPERATOR(edupredict.+) ks.k) OPERATOR(edupredict.>=) (SELECT edupredict.min(pl.term) FROM pl)
			GROUP BY 1, 2),
		qk AS (
			SELECT ks.k, pg_catalog.sum(c.placed) OPERATOR(pg_catalog./) NULLIF(pg_catalog.sum(c.n), 0) AS q
			FROM ks LEFT JOIN cohorts c ON c.k OPERATOR(pg_catalog.=) ks.k GROUP BY ks.k),
		qk_filled AS (
			SELECT ks.k, COALESCE((SELECT q2.q FROM qk q2 WHERE q2.k OPERATOR(pg_catalog.<=) ks.k AND q2.q IS NOT NULL
								   ORDER BY q2.k DESC LIMIT 1), 0) AS q
			FROM ks),
		qs AS (
			SELECT f.k, s.season,
				   (COALESCE(c.placed, 0) OPERATOR(pg_catalog.+) (50 OPERATOR(pg_catalog.*) f.q))
				   OPERATOR(pg_catalog./) (COALESCE(c.n, 0) OPERATOR(pg_catalog.+) 50) AS q
			FROM qk_filled f CROSS JOIN pg_catalog.unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season)
			LEFT JOIN cohorts c ON c.k OPERATOR(pg_catalog.=) f.k AND c.season OPERATOR(pg_catalog.=) s.season),
		resp AS MATERIALIZED (%3$s),
		per_h AS (
			SELECT h.h, $1 OPERATOR(edupredict.+) h.h AS target,
				   pg_catalog.sum(yr.last_year OPERATOR(pg_catalog.*) sh.share OPERATOR(pg_catalog.*) tr.g) AS n_reg,
				   pg_catalog.sum(yr.last_year OPERATOR(pg_catalog.*) sh.share OPERATOR(pg_catalog.*) tr.g
								  OPERATOR(pg_catalog.*) qs.q) AS n_placed
			FROM (SELECT DISTINCT x AS h FROM pg_catalog.unnest($2) x) h
			CROSS JOIN LATERAL pg_catalog.generate_series(0, h.h OPERATOR(pg_catalog.-) 1) j
			CROSS JOIN yr CROSS JOIN trend tr
			JOIN shares sh ON sh.season OPERATOR(pg_catalog.=) edupredict.term_season($1 OPERATOR(edupredict.+) j)
			JOIN qs ON qs.k OPERATOR(pg_catalog.=) (h.h OPERATOR(pg_catalog.-) j)
				   AND qs.season OPERATOR(pg_catalog.=) edupredict.term_season($1 OPERATOR(edupredict.+) h.h)
			GROUP BY h.h)
		SELECT w.la, per_h.h, per_h.target, per_h.n_reg OPERATOR(pg_catalog.*) w.w,
			   per_h.n_placed OPERATOR(pg_catalog.*) w.w OPERATOR(pg_catalog.*) COALESCE(resp.p_response, 1.0)
		FROM weights w CROSS JOIN per_h
		LEFT JOIN resp ON resp.season OPERATOR(pg_catalog.=) edupredict.term_season(per_h.target)
		ORDER BY per_h.target, w.la
	$q$, tutors, placements,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::float8 AS p_response WHERE false'
			 ELSE 'SELECT r.season, r.p_response FROM edupredict.response_rates($4, $5, $6, $1) r
				   WHERE NOT r.placed_last_term AND NOT r.phd_finished' END)
	USING as_of, horizons, areas, tutors, placements, responses;
END
$$;
COMMENT ON FUNCTION edupredict.recruit_forecast(regclass, regclass, edupredict.school_term, integer[], regclass, text[]) IS
'per local authority (those of the tutors registered before as_of, plus areas) and horizon: expected registrations from as_of to the term before the target, and the expected number of those recruits placed in the target term (available and responding when responses are given); Poisson';
