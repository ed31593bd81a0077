
-- Whole supply, part 2 (issue 14): the known tutors' Poisson-binomial count plus the recruits'
-- Poisson count, exactly convolved, per local authority and rolled up to hubs, sub-regions and
-- London-wide.  Distributions of independent parts combine by convolution, never by adding
-- percentiles.  Hubs: a tutor placed in a term teaches at one school; the share f(LA, hub) of the
-- placements before as_of of tutors living in the LA that were at schools of the hub is the chance
-- that a placed tutor (or recruit) of that LA is counted in the hub, so a hub's known count is
-- Poisson-binomial over p * f and its recruits are Poisson(sum of mu * f).
-- The optional roll-up tables: hubs (school_urn, hub; then placements need school_urn) and
-- sub_regions (local_authority, sub_region).  {sqlstate, message, detail, hint} or NULL.
CREATE FUNCTION edupredict._mapping_problem(placements regclass, hubs regclass, sub_regions regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		CASE WHEN hubs IS NOT NULL THEN
			COALESCE(edupredict._relation_problem(placements, 'placements', ARRAY['school_urn'], ARRAY['bigint']),
					 edupredict._relation_problem(hubs, 'hubs', ARRAY['school_urn', 'hub'], ARRAY['bigint', 'text'])) END,
		CASE WHEN sub_regions IS NOT NULL THEN
			edupredict._relation_problem(sub_regions, 'sub_regions', ARRAY['local_authority', 'sub_region'],
										 ARRAY['text', 'text']) END)
$$;
COMMENT ON FUNCTION edupredict._mapping_problem(regclass, regclass, regclass) IS
'internal: locks and checks the optional hub and sub-region tables of a roll-up; {sqlstate, message, detail, hint} or NULL';

CREATE FUNCTION edupredict.supply_rollup(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS TABLE (level text, area text, horizon integer, term edupredict.school_term,
			   known_expected double precision, recruits_expected double precision,
			   total_expected double precision, total_sd double precision,
			   total_p10 bigint, total_p50 bigint, total_p90 bigint, total_distribution double precision[],
			   model_sd double precision, error_sd double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
	missing text;
	n bigint;
	total bigint;
	before text := pg_catalog.format('%L::edupredict.school_term', as_of);
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and as_of must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._model_problem(model_name),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, 1),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end', 'local_authority'],
									 ARRAY['bigint', 'date', 'date', 'text']),
		edupredict._tutor_areas_problem(tutors),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END,
		edupredict._mapping_problem(placements, hubs, sub_regions));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	-- What the roll-up leaves out is counted, and each NOTICE's hint holds the query that lists it (the
	-- one counted): a school's URN or a local authority is a value of the caller's rows, which the
	-- server log must not carry (STYLE.md section 8).
	IF hubs IS NOT NULL THEN
		missing := pg_catalog.format('SELECT p.* FROM %s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) %s'
			' AND NOT EXISTS (SELECT FROM %s h WHERE h.school_urn::bigint OPERATOR(pg_catalog.=) p.school_urn::bigint)',
			placements, before, hubs);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) m', missing) INTO n;
		IF n OPERATOR(pg_catalog.>) 0 THEN
			EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s p WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) %s',
									  placements, before) INTO total;
			RAISE NOTICE 'hub table % assigns no hub to the schools of % of the % placements before %', hubs, n, total, as_of
				USING DETAIL = 'Supply that would go to those schools is left out of the hub totals (not of the other levels).',
					  HINT = pg_catalog.format('This query lists those placements: %s;', missing);
		END IF;
		missing := pg_catalog.format('SELECT DISTINCT tu.local_authority::text FROM %1$s tu'
			' WHERE tu.registered_on::date OPERATOR(pg_catalog.<) edupredict.term_start(%3$s)'
			' AND NOT EXISTS (SELECT FROM %2$s p JOIN %1$s t2 ON t2.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint'
			' WHERE t2.local_authority::text OPERATOR(pg_catalog.=) tu.local_authority::text'
			' AND p.term::edupredict.school_term OPERATOR(edupredict.<) %3$s)',
			tutors, placements, before);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) m', missing) INTO n;
		IF n OPERATOR(pg_catalog.>) 0 THEN
			RAISE NOTICE '% local authorities of the tutors have no placements before % to share out between hubs', n, as_of
				USING DETAIL = 'Their supply is left out of the hub totals (not of the other levels).',
					  HINT = pg_catalog.format('This query lists them: %s;', missing);
		END IF;
	END IF;
	IF sub_regions IS NOT NULL THEN
		missing := pg_catalog.format('SELECT DISTINCT tu.local_authority::text FROM %s tu WHERE NOT EXISTS (SELECT FROM %s s'
			' WHERE s.local_authority::text OPERATOR(pg_catalog.=) tu.local_authority::text)',
			tutors, sub_regions);
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) m', missing) INTO n;
		IF n OPERATOR(pg_catalog.>) 0 THEN
			RAISE NOTICE 'sub-region table % assigns no sub-region to % local authorities of the tutors', sub_regions, n
				USING DETAIL = 'Their supply is left out of the sub-region totals (not of the other levels).',
					  HINT = pg_catalog.format('This query lists them: %s;', missing);
		END IF;
	END IF;

	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH pred AS MATERIALIZED (
			SELECT p.tutor_id, p.horizon, p.term, p.p_effective, tu.local_authority::text AS la
			FROM edupredict.predict_availability($1, $2, $3, $4, $5) p
			JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id),
		rec AS MATERIALIZED (
			SELECT * FROM edupredict.recruit_forecast($2, $3, $4, edupredict._availability_horizons($1), $5)),
		known AS (
			SELECT pred.la, pred.horizon, pred.term, edupredict.expected_count_state(pred.p_effective) AS s
			FROM pred GROUP BY 1, 2, 3),
		la AS MATERIALIZED (
			SELECT COALESCE(k.la, r.local_authority) AS area, COALESCE(k.horizon, r.horizon) AS horizon,
				   COALESCE(k.term, r.term) AS term,
				   COALESCE(k.s, '{7041,0,0,0,0,1,0,1}'::float8[]) AS known, COALESCE(r.recruits_expected, 0) AS mu
			FROM known k FULL JOIN rec r ON r.local_authority OPERATOR(pg_catalog.=) k.la
										AND r.horizon OPERATOR(pg_catalog.=) k.horizon),
		share AS (
			SELECT x.la, x.hub, x.n OPERATOR(pg_catalog./) pg_catalog.sum(x.n) OVER (PARTITION BY x.la) AS f
			FROM (SELECT tu.local_authority::text AS la, h.hub::text AS hub, pg_catalog.count(*)::float8 AS n
				  FROM %2$s p
				  JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint
				  LEFT JOIN %3$s h ON h.school_urn::bigint OPERATOR(pg_catalog.=) %5$s
				  WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $4
				  GROUP BY 1, 2) x),
		parts AS (
			SELECT 1 AS ord, 'local authority' AS level, la.area, la.horizon, la.term, la.known, la.mu FROM la
			UNION ALL
			SELECT 2, 'hub', sh.hub, pred.horizon, pred.term,
				   edupredict.expected_count_state(pred.p_effective OPERATOR(pg_catalog.*) sh.f),
				   (SELECT pg_catalog.sum(l2.mu OPERATOR(pg_catalog.*) s2.f) FROM la l2 JOIN share s2
					  ON s2.la OPERATOR(pg_catalog.=) l2.area
					 AND s2.hub OPERATOR(pg_catalog.=) sh.hub WHERE l2.horizon OPERATOR(pg_catalog.=) pred.horizon)
			FROM pred JOIN share sh ON sh.la OPERATOR(pg_catalog.=) pred.la AND sh.hub IS NOT NULL
			WHERE $6
			GROUP BY sh.hub, pred.horizon, pred.term
			UNION ALL
			SELECT 3, 'sub-region', sr.sub_region::text, la.horizon, la.term, edupredict.convolve_counts(la.known),
				   pg_catalog.sum(la.mu)
			FROM la JOIN %4$s sr ON sr.local_authority::text OPERATOR(pg_catalog.=) la.area
			WHERE $7
			GROUP BY sr.sub_region::text, la.horizon, la.term
			UNION ALL
			SELECT 4, 'London-wide', 'London-wide', la.horizon, la.term, edupredict.convolve_counts(la.known),
				   pg_catalog.sum(la.mu)
			FROM la GROUP BY la.horizon, la.term),
		err AS MATERIALIZED (SELECT e.horizon, e.error_scale FROM edupredict._forecast_error($1, $2, $3, $4, $5) e),
		totals AS (
			SELECT parts.*, (edupredict.count_summary(parts.known)).expected AS known_expected,
				   edupredict.count_convolve(parts.known, edupredict.count_poisson(parts.mu)) AS total
			FROM parts),
		widened AS (
			SELECT totals.*, COALESCE(err.error_scale, 0) OPERATOR(pg_catalog.*) totals.known_expected AS error_sd
			FROM totals LEFT JOIN err ON err.horizon OPERATOR(pg_catalog.=) totals.horizon)
		SELECT t.level, t.area, t.horizon, t.term, t.known_expected, t.mu, m.expected, d.sd, d.p10, d.p50, d.p90,
			   edupredict.count_widen(t.total, t.error_sd), m.sd, t.error_sd
		FROM widened t CROSS JOIN LATERAL edupredict.count_summary(t.total) m
		CROSS JOIN LATERAL edupredict.count_summary(edupredict.count_widen(t.total, t.error_sd)) d
		ORDER BY t.ord, t.term, t.area
	$q$, tutors, placements,
		COALESCE(hubs::text, '(SELECT NULL::bigint AS school_urn, NULL::text AS hub WHERE false)'),
		COALESCE(sub_regions::text, '(SELECT NULL::text AS local_authority, NULL::text AS sub_region WHERE false)'),
		CASE WHEN hubs IS NULL THEN 'NULL::bigint' ELSE 'p.school_urn::bigint' END)
	USING model_name, tutors, placements, as_of, responses, hubs IS NOT NULL, sub_regions IS NOT NULL;
END
$$;
COMMENT ON FUNCTION edupredict.supply_rollup(text, regclass, regclass, edupredict.school_term, regclass, regclass, regclass) IS
'whole tutor supply (known tutors plus recruits) per level (local authority; hub when hubs (school_urn, hub) is given; sub-region when sub_regions (local_authority, sub_region) is given; London-wide) and forecast term: expected known and recruits, and the distribution of the total (sd, p10/p50/p90, count state), widened by the error learnt from the caller''s realised earlier forecasts of this model (error_sd; model_sd is the sd before widening)';

CREATE FUNCTION edupredict.supply_forecast(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   known_expected double precision, recruits_expected double precision,
			   total_expected double precision, total_sd double precision,
			   total_p10 bigint, total_p50 bigint, total_p90 bigint, total_distribution double precision[],
			   model_sd double precision, error_sd double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.area, r.horizon, r.term, r.known_expected, r.recruits_expected, r.total_expected, r.total_sd,
		   r.total_p10, r.total_p50, r.total_p90, r.total_distribution, r.model_sd, r.error_sd
	FROM edupredict.supply_rollup(model_name, tutors, placements, as_of, responses) r
$$;
COMMENT ON FUNCTION edupredict.supply_forecast(text, regclass, regclass, edupredict.school_term, regclass) IS
'whole tutor supply per local authority and forecast term, plus a London-wide row: known tutors (Poisson-binomial of their predicted probabilities) plus recruits (Poisson), convolved, widened by the error learnt from the caller''s realised earlier forecasts of this model (error_sd); expected values, sd, p10/p50/p90 and the count state of the total';
