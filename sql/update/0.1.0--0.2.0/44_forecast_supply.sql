
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
