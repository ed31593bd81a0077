
-- Supply against demand (forecast area): search_path pg_catalog, pg_temp, qualified functions and
-- operators, inputs checked by the entry function, relations passed as parameters or regclass text
-- formatted under this search_path (so quoted and qualified as needed).

-- Supply now counts recruits too (issue 14): the known tutors' Poisson-binomial count and the
-- recruits' Poisson count are convolved, and the columns show the split.  The result columns change,
-- so the 0.1.0 functions are dropped and created again.
DROP FUNCTION edupredict.supply_demand(text, regclass, regclass, regclass, edupredict.school_term, regclass);
DROP FUNCTION edupredict.supply_demand_of(regclass, regclass, regclass);
DROP FUNCTION edupredict._supply_demand_sql(text, regclass, regclass);

-- The supply-demand query over a source of predictions (tutor_id, horizon, term, p_effective), a
-- source of recruits (local_authority, horizon, term, recruits_expected) and a source of learnt errors
-- (horizon, error_scale: edupredict._forecast_error).  expected_tutors and model_sd are the model's;
-- p10/p50/p90 (and the shortfall) include the learnt error, error_scale x known_expected.
CREATE FUNCTION edupredict._supply_demand_sql(predictions text, recruits text, tutors regclass, opportunities regclass,
											  errors text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $f$
SELECT pg_catalog.format($q$
	WITH pred AS MATERIALIZED (%1$s),
	rec AS MATERIALIZED (%2$s),
	terms AS (SELECT DISTINCT pred.horizon, pred.term FROM pred UNION SELECT rec.horizon, rec.term FROM rec),
	known AS (
		SELECT tu.local_authority::text AS local_authority, p.horizon, p.term,
			   edupredict.expected_count_state(p.p_effective) AS s
		FROM pred p JOIN %3$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id
		GROUP BY 1, 2, 3),
	sup AS MATERIALIZED (
		SELECT COALESCE(k.local_authority, r.local_authority) AS local_authority,
			   COALESCE(k.horizon, r.horizon) AS horizon, COALESCE(k.term, r.term) AS term,
			   COALESCE(k.s, '{7041,0,0,0,0,1,0,1}'::float8[]) AS known, COALESCE(r.recruits_expected, 0) AS mu
		FROM known k FULL JOIN rec r ON r.local_authority OPERATOR(pg_catalog.=) k.local_authority
									AND r.horizon OPERATOR(pg_catalog.=) k.horizon),
	la AS (
		SELECT sup.local_authority, sup.horizon, sup.term, sup.known, sup.mu FROM sup
		UNION ALL
		SELECT 'London-wide', sup.horizon, sup.term, edupredict.convolve_counts(sup.known), pg_catalog.sum(sup.mu)
		FROM sup GROUP BY sup.horizon, sup.term),
	err AS MATERIALIZED (%5$s),
	totals AS (
		SELECT la.*, (edupredict.count_summary(la.known)).expected AS known_expected,
			   edupredict.count_convolve(la.known, edupredict.count_poisson(la.mu)) AS total
		FROM la),
	widened AS (
		SELECT totals.*, COALESCE(err.error_scale, 0) OPERATOR(pg_catalog.*) totals.known_expected AS error_sd
		FROM totals LEFT JOIN err ON err.horizon OPERATOR(pg_catalog.=) totals.horizon),
	dist AS (
		SELECT widened.*, edupredict.count_summary(widened.total) AS m,
			   edupredict.count_summary(edupredict.count_widen(widened.total, widened.error_sd)) AS d
		FROM widened),
	opp AS (
		SELECT o.local_authority::text AS local_authority, t.horizon, t.term,
			   COALESCE(pg_catalog.sum(o.n_placements::bigint)
						FILTER (WHERE o.stage::text OPERATOR(pg_catalog.=) 'confirmed'), 0)::bigint AS confirmed,
			   COALESCE(pg_catalog.sum(CASE WHEN o.stage::text OPERATOR(pg_catalog.=) 'confirmed' THEN o.n_placements::float8
											ELSE o.probability::float8 OPERATOR(pg_catalog.*) o.n_placements::float8 END),
						0)::float8 AS expected
		FROM %4$s o JOIN terms t ON o.term::edupredict.school_term OPERATOR(edupredict.=) t.term
		GROUP BY 1, 2, 3),
	dem AS (
		SELECT * FROM opp
		UNION ALL
		SELECT 'London-wide', t.horizon, t.term, COALESCE(pg_catalog.sum(opp.confirmed), 0)::bigint,
			   COALESCE(pg_catalog.sum(opp.expected), 0)::float8
		FROM terms t LEFT JOIN opp ON opp.horizon OPERATOR(pg_catalog.=) t.horizon
								  AND opp.term OPERATOR(edupredict.=) t.term
		GROUP BY t.horizon, t.term)
	SELECT COALESCE(s.local_authority, dem.local_authority), COALESCE(s.horizon, dem.horizon),
		   COALESCE(s.term, dem.term),
		   COALESCE(s.known_expected, 0), COALESCE(s.mu, 0),
		   COALESCE((s.m).expected, 0), COALESCE((s.d).p10, 0), COALESCE((s.d).p50, 0), COALESCE((s.d).p90, 0),
		   COALESCE(dem.confirmed, 0), COALESCE(dem.expected, 0),
		   COALESCE(dem.expected, 0) OPERATOR(pg_catalog./) NULLIF((s.m).expected, 0),
		   GREATEST(0, pg_catalog.ceil(COALESCE(dem.expected, 0) OPERATOR(pg_catalog.-) 1e-9)::bigint
					   OPERATOR(pg_catalog.-) COALESCE((s.d).p10, 0)),
		   COALESCE((s.m).sd, 0), COALESCE(s.error_sd, 0)
	FROM dist s FULL JOIN dem ON dem.local_authority OPERATOR(pg_catalog.=) s.local_authority
							 AND dem.term OPERATOR(edupredict.=) s.term
	ORDER BY 3, (COALESCE(s.local_authority, dem.local_authority) OPERATOR(pg_catalog.=) 'London-wide'), 1
$q$, predictions, recruits, tutors, opportunities, errors)
$f$;
COMMENT ON FUNCTION edupredict._supply_demand_sql(text, text, regclass, regclass, text) IS
'internal: the supply-demand query over a source of predictions, a source of recruits and a source of learnt errors';

-- Demand: one row per opportunity (several per local authority and term are summed), with a local
-- authority, term, stage and a whole n_placements from 0 up, and for stages other than confirmed a
-- probability from 0 to 1.  Anything else would flow into the sums and the placement : tutor ratio
-- (a NaN, a negative count), or out of them (a NULL), silently.  A problem counts the rows and its
-- hint lists them with the very condition counted (see "Row checks" in 42_forecast_inputs.sql).
CREATE FUNCTION edupredict._opportunities_problem(opportunities regclass)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	problem text[];
	-- NaN sorts above Infinity, so "<= 2147483647" and "<= 1" refuse it too.
	rules text[] := ARRAY[
		'NOT (n_placements::float8 OPERATOR(pg_catalog.>=) 0 AND n_placements::float8 OPERATOR(pg_catalog.<=) 2147483647) OR n_placements::float8 OPERATOR(pg_catalog.<>) pg_catalog.floor(n_placements::float8)',
		'stage::text OPERATOR(pg_catalog.<>) ''confirmed'' AND NOT COALESCE(probability::float8 OPERATOR(pg_catalog.>=) 0 AND probability::float8 OPERATOR(pg_catalog.<=) 1, false)'];
	bad bigint[];
	k integer;
BEGIN
	problem := COALESCE(
		edupredict._relation_problem(opportunities, 'opportunities',
			ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements'],
			ARRAY['text', 'edupredict.school_term', 'text', 'double precision', 'double precision']),
		edupredict._null_problem(opportunities, 'opportunities', ARRAY['local_authority', 'term'],
								 ARRAY['stage', 'n_placements']),
		edupredict._reserved_area_problem(opportunities, 'opportunities'));
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	EXECUTE pg_catalog.format('SELECT ARRAY[pg_catalog.count(*) FILTER (WHERE %s), pg_catalog.count(*) FILTER (WHERE %s)] FROM %s',
							  rules[1], rules[2], opportunities) INTO bad;
	k := CASE WHEN bad[1] OPERATOR(pg_catalog.>) 0 THEN 1 WHEN bad[2] OPERATOR(pg_catalog.>) 0 THEN 2 END;
	IF k IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		CASE k WHEN 1
			THEN pg_catalog.format('column "n_placements" of opportunities relation %s must hold whole numbers from 0 to 2147483647', opportunities)
			ELSE pg_catalog.format('column "probability" of opportunities relation %s must be from 0 to 1 for stages other than confirmed', opportunities) END,
		pg_catalog.format('Column "%s" breaks this in %s.', (ARRAY['n_placements', 'probability'])[k], edupredict._n_rows(bad[k])),
		pg_catalog.format('n_placements is the number of tutors an opportunity needs and probability the chance that it turns into placements (see docs/forecasting.md). This query lists those rows: SELECT * FROM %s WHERE %s;',
						  opportunities, rules[k])];
END
$$;
COMMENT ON FUNCTION edupredict._opportunities_problem(regclass) IS
'internal: locks and checks an opportunities relation, its columns and then its rows (no NULL key, stage or n_placements; whole n_placements from 0; probability from 0 to 1 unless confirmed); {sqlstate, message, detail, hint} or NULL';

-- Recruits (supply_demand_of): each recruits_expected is a Poisson mean, from 0 to count_poisson's
-- 1e7.  A negative, NaN or infinite one failed inside count_poisson, naming neither the relation nor
-- the row.  Call after the columns, keys and NULLs are checked.
CREATE FUNCTION edupredict._recruits_problem(recruits regclass)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	-- NaN sorts above Infinity, so "<= 1e7" refuses it too.
	rule text := 'NOT (recruits_expected::float8 OPERATOR(pg_catalog.>=) 0 AND recruits_expected::float8 OPERATOR(pg_catalog.<=) 1e7)';
	bad bigint;
BEGIN
	EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s WHERE %s', recruits, rule) INTO bad;
	IF bad OPERATOR(pg_catalog.=) 0 THEN
		RETURN NULL;
	END IF;
	RETURN ARRAY['22023',
		pg_catalog.format('column "recruits_expected" of recruits relation %s must be a finite number from 0 to 10000000', recruits),
		pg_catalog.format('Column "recruits_expected" breaks this in %s.', edupredict._n_rows(bad)),
		pg_catalog.format('recruits_expected is the expected number of recruits, the mean of a Poisson count (see docs/forecasting.md). This query lists those rows: SELECT * FROM %s WHERE %s;',
						  recruits, rule)];
END
$$;
COMMENT ON FUNCTION edupredict._recruits_problem(regclass) IS
'internal: {sqlstate, message, detail, hint} counting the rows of a recruits relation whose recruits_expected is negative, NaN, infinite or above 1e7, else NULL';

-- The checks shared by supply_demand and supply_demand_of: {sqlstate, message, detail, hint} or NULL.
CREATE FUNCTION edupredict._demand_problem(tutors regclass, opportunities regclass)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'local_authority'], ARRAY['bigint', 'text']),
		edupredict._tutor_areas_problem(tutors),
		edupredict._opportunities_problem(opportunities))
$$;
COMMENT ON FUNCTION edupredict._demand_problem(regclass, regclass) IS
'internal: locks and checks the tutors and opportunities relations of supply_demand; {sqlstate, message, detail, hint} or NULL';

CREATE FUNCTION edupredict.supply_demand_of(predictions regclass, tutors regclass, opportunities regclass,
											recruits regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   known_tutors double precision, recruit_tutors double precision,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint,
			   model_sd double precision, error_sd double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	IF predictions IS NULL OR tutors IS NULL OR opportunities IS NULL THEN
		RAISE EXCEPTION 'predictions, tutors and opportunities must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._relation_problem(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term', 'p_effective'],
									 ARRAY['bigint', 'integer', 'edupredict.school_term', 'double precision']),
		edupredict._unique_key_problem(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term'],
									   ARRAY['bigint', 'integer', 'edupredict.school_term']),
		edupredict._demand_problem(tutors, opportunities),
		CASE WHEN recruits IS NOT NULL THEN COALESCE(
			edupredict._relation_problem(recruits, 'recruits', ARRAY['local_authority', 'horizon', 'term', 'recruits_expected'],
										 ARRAY['text', 'integer', 'edupredict.school_term', 'double precision']),
			-- one row per area, horizon and term (a second would be added), none NULL (a NULL count
			-- would be dropped from the sum, a NULL key form a group of its own)
			edupredict._unique_key_problem(recruits, 'recruits', ARRAY['local_authority', 'horizon', 'term'],
										   ARRAY['text', 'integer', 'edupredict.school_term'], ARRAY['recruits_expected']),
			edupredict._reserved_area_problem(recruits, 'recruits'),
			edupredict._recruits_problem(recruits)) END);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		pg_catalog.format('SELECT p.tutor_id::bigint AS tutor_id, p.horizon::integer AS horizon,
						   p.term::edupredict.school_term AS term, p.p_effective::float8 AS p_effective FROM %s p',
						  predictions),
		CASE WHEN recruits IS NULL
			 THEN 'SELECT NULL::text AS local_authority, NULL::integer AS horizon, NULL::edupredict.school_term AS term, NULL::float8 AS recruits_expected WHERE false'
			 ELSE pg_catalog.format('SELECT r.local_authority::text AS local_authority, r.horizon::integer AS horizon,
									 r.term::edupredict.school_term AS term, r.recruits_expected::float8 AS recruits_expected
									 FROM %s r', recruits) END,
		tutors, opportunities,
		'SELECT NULL::integer AS horizon, NULL::float8 AS error_scale WHERE false');
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand_of(regclass, regclass, regclass, regclass) IS
'supply against demand per local authority and term from any table of predictions (tutor_id, horizon, term, p_effective) and optionally of recruits (local_authority, horizon, term, recruits_expected; Poisson), plus a London-wide row';

CREATE FUNCTION edupredict.supply_demand(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   known_tutors double precision, recruit_tutors double precision,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint,
			   model_sd double precision, error_sd double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
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
	-- Recruits are forecast for the LAs of the tutors and of the demand (an LA without registrations
	-- gets the small shrunk share of docs/forecasting.md).
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		'SELECT p.tutor_id, p.horizon, p.term, p.p_effective FROM edupredict.predict_availability($1, $2, $3, $4, $5) p',
		pg_catalog.format('SELECT r.local_authority, r.horizon, r.term, r.recruits_expected
						   FROM edupredict.recruit_forecast($2, $3, $4, edupredict._availability_horizons($1), $5,
								(SELECT pg_catalog.array_agg(DISTINCT o.local_authority::text) FROM %s o)) r', opportunities),
		tutors, opportunities,
		'SELECT e.horizon, e.error_scale FROM edupredict._forecast_error($1, $2, $3, $4, $5) e')
	USING model_name, tutors, placements, as_of, responses;
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand(text, regclass, regclass, regclass, edupredict.school_term, regclass) IS
'per local authority and forecast term (plus a London-wide row): expected known tutors and recruits, the distribution of their total (p10/p50/p90), confirmed and expected placements, placement : tutor ratio, and the tutors to recruit beyond the forecast for a 90% chance of covering expected demand; model_sd is the sd of the model''s distribution, error_sd the sd of the error learnt from the caller''s realised earlier forecasts of this model (recorded by record_forecast) that widens p10-p90';
