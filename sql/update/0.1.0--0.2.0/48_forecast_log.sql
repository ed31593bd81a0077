
-- The forecast log (issue 14): every supply forecast can be recorded, and recorded forecasts are
-- scored against the realised counts once their term has happened.  Rows belong to the role that
-- recorded them (owner, set by the server): row-level security shows and deletes only the rows of
-- roles the caller is a member of, and an insert cannot name another owner.
CREATE SEQUENCE edupredict.forecast_runs;
CREATE TABLE edupredict.forecasts (
	id bigserial PRIMARY KEY,
	run_id bigint NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	owner name NOT NULL DEFAULT CURRENT_USER,
	model_name text NOT NULL,
	model_versions jsonb NOT NULL,
	measure text NOT NULL CHECK (measure IN ('placed', 'placed and responding')),
	as_of edupredict.school_term NOT NULL,
	horizon integer NOT NULL,
	term edupredict.school_term NOT NULL,
	level text NOT NULL CHECK (level IN ('local authority', 'hub', 'sub-region', 'London-wide')),
	area text NOT NULL,
	known_expected double precision NOT NULL,
	recruits_expected double precision NOT NULL,
	expected double precision NOT NULL,
	p10 bigint NOT NULL,
	p50 bigint NOT NULL,
	p90 bigint NOT NULL,
	expected_placements double precision,
	shortfall bigint,
	model_sd double precision,
	error_sd double precision
);
CREATE INDEX forecasts_run ON edupredict.forecasts (run_id);
CREATE INDEX forecasts_term ON edupredict.forecasts (term, level, area);
COMMENT ON COLUMN edupredict.forecasts.model_sd IS
'standard deviation of the model''s distribution of the total (known tutors and recruits), before the learnt error was added';
COMMENT ON COLUMN edupredict.forecasts.error_sd IS
'standard deviation of the error learnt from earlier forecasts that widened p10-p90 (0: none)';
COMMENT ON TABLE edupredict.forecasts IS
'recorded supply forecasts (record_forecast, refresh_supply): one row per run, level, area and horizon; rows are visible to members of their owner role only';
ALTER TABLE edupredict.forecasts ENABLE ROW LEVEL SECURITY;
CREATE POLICY forecasts_owner ON edupredict.forecasts
	USING (EXISTS (SELECT FROM pg_catalog.pg_roles r
				   WHERE r.rolname OPERATOR(pg_catalog.=) owner
					 AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'MEMBER')))
	WITH CHECK (owner OPERATOR(pg_catalog.=) CURRENT_USER);
SELECT edupredict._reset_privileges('TABLE', 'edupredict.forecasts');
SELECT edupredict._reset_privileges('SEQUENCE', 'edupredict.forecasts_id_seq');
SELECT edupredict._reset_privileges('SEQUENCE', 'edupredict.forecast_runs');
GRANT SELECT, INSERT, DELETE ON edupredict.forecasts TO PUBLIC;
GRANT USAGE ON SEQUENCE edupredict.forecasts_id_seq, edupredict.forecast_runs TO PUBLIC;
-- pg_dump keeps the recorded forecasts (the table belongs to the extension).
SELECT pg_catalog.pg_extension_config_dump('edupredict.forecasts', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.forecasts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('edupredict.forecast_runs', '');

-- The shared error of the forecasts, learnt from the caller's earlier ones (issue 14).  The model's
-- distribution treats the forecast probabilities as exact and the tutors as independent, so an
-- error that all areas share (a drift between the training terms and the forecast terms, such as a
-- season the forests damp) is missing from it.  Per horizon, over the caller's recorded
-- local-authority forecasts of this model and measure whose term is in the placement history before
-- as_of (the latest run per origin, term and area):
--   error_scale^2 = max(0, sum((realised - expected)^2 - model_sd^2)) / sum(known_expected^2)
-- the squared error beyond what the model's own variance explains, relative to the known tutors'
-- expected count (the part the forests predict).  The supply functions add a Normal(0, (error_scale
-- x known_expected)^2) error to each total (count_widen).  No realised forecasts: no rows.
CREATE FUNCTION edupredict._forecast_error(model_name text, tutors regclass, placements regclass,
										   as_of edupredict.school_term, responses regclass)
RETURNS TABLE (horizon integer, error_scale double precision, n_forecasts bigint)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH f AS (
			SELECT DISTINCT ON (f.as_of, f.horizon, f.area) f.horizon, f.term, f.area, f.expected, f.model_sd,
				   f.known_expected
			FROM edupredict.forecasts f
			WHERE f.model_name OPERATOR(pg_catalog.=) $1 AND f.owner OPERATOR(pg_catalog.=) CURRENT_USER
			  AND f.measure OPERATOR(pg_catalog.=) $3 AND f.level OPERATOR(pg_catalog.=) 'local authority'
			  AND f.model_sd IS NOT NULL AND f.term OPERATOR(edupredict.<) $2
			  AND f.term OPERATOR(edupredict.<=) (SELECT edupredict.max(p.term::edupredict.school_term) FROM %2$s p)
			ORDER BY f.as_of, f.horizon, f.area, f.run_id DESC),
		placed AS (
			SELECT t.local_authority::text AS area, p.term::edupredict.school_term AS term,
				   pg_catalog.count(DISTINCT p.tutor_id::bigint) AS n
			FROM %2$s p JOIN %1$s t ON t.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint
			WHERE p.term::edupredict.school_term OPERATOR(edupredict.<) $2 AND %3$s
			GROUP BY 1, 2)
		SELECT f.horizon,
			   pg_catalog.sqrt(GREATEST(0, pg_catalog.sum(pg_catalog.power(COALESCE(pl.n, 0)::float8 OPERATOR(pg_catalog.-) f.expected, 2)
													  OPERATOR(pg_catalog.-) pg_catalog.power(f.model_sd, 2)))
							   OPERATOR(pg_catalog./) NULLIF(pg_catalog.sum(pg_catalog.power(f.known_expected, 2)), 0)),
			   pg_catalog.count(*)
		FROM f LEFT JOIN placed pl ON pl.area OPERATOR(pg_catalog.=) f.area AND pl.term OPERATOR(edupredict.=) f.term
		GROUP BY f.horizon ORDER BY f.horizon
	$q$, tutors, placements,
		CASE WHEN responses IS NULL THEN 'true'
			 ELSE pg_catalog.format('EXISTS (SELECT FROM %s r WHERE r.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint
									 AND r.term::edupredict.school_term OPERATOR(edupredict.=) p.term::edupredict.school_term
									 AND r.responded::boolean)', responses) END)
	USING model_name, as_of, CASE WHEN responses IS NULL THEN 'placed' ELSE 'placed and responding' END;
END
$$;
COMMENT ON FUNCTION edupredict._forecast_error(text, regclass, regclass, edupredict.school_term, regclass) IS
'internal: per horizon, the relative error shared by the caller''s realised earlier forecasts of the model beyond the model''s own variance (error_scale; the supply functions widen by error_scale x known_expected)';

CREATE FUNCTION edupredict.record_forecast(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	run bigint := pg_catalog.nextval('edupredict.forecast_runs');
	measure text := CASE WHEN responses IS NULL THEN 'placed' ELSE 'placed and responding' END;
BEGIN
	-- One statement, so one snapshot: the versions recorded are those predict_availability uses as of
	-- as_of (edupredict.availability_versions) in the very forecasts recorded beside them, although
	-- another session's deploy or training may commit while this runs (a statement of its own for the
	-- versions, or for each level, would record or use other versions:
	-- test/isolation/specs/forecast_versions_race.spec).  The roll-up rows follow the local-authority
	-- rows (UNION ALL keeps their order); supply_rollup runs only when its tables are given.
	INSERT INTO edupredict.forecasts (run_id, model_name, model_versions, measure, as_of, horizon, term, level, area,
									  known_expected, recruits_expected, expected, p10, p50, p90,
									  expected_placements, shortfall, model_sd, error_sd)
	WITH v AS (
		SELECT COALESCE(pg_catalog.jsonb_object_agg(model_name OPERATOR(pg_catalog.||) '_h'
													OPERATOR(pg_catalog.||) a.horizon, a.version), '{}') AS versions
		FROM edupredict.availability_versions(model_name, as_of) a)
	SELECT run, model_name, v.versions, measure, as_of, s.horizon, s.term,
		   CASE WHEN s.local_authority OPERATOR(pg_catalog.=) 'London-wide' THEN 'London-wide' ELSE 'local authority' END,
		   s.local_authority, s.known_tutors, s.recruit_tutors, s.expected_tutors, s.tutors_p10, s.tutors_p50,
		   s.tutors_p90, s.expected_placements, s.shortfall, s.model_sd, s.error_sd
	FROM edupredict.supply_demand(model_name, tutors, placements, opportunities, as_of, responses) s CROSS JOIN v
	UNION ALL
	SELECT run, model_name, v.versions, measure, as_of, r.horizon, r.term, r.level, r.area, r.known_expected,
		   r.recruits_expected, r.total_expected, r.total_p10, r.total_p50, r.total_p90, NULL::float8, NULL::bigint, r.model_sd,
		   r.error_sd
	FROM edupredict.supply_rollup(model_name, tutors, placements, as_of, responses, hubs, sub_regions) r CROSS JOIN v
	WHERE (hubs IS NOT NULL OR sub_regions IS NOT NULL) AND r.level OPERATOR(pg_catalog.=) ANY (ARRAY['hub', 'sub-region']);
	RETURN run;
END
$$;
COMMENT ON FUNCTION edupredict.record_forecast(text, regclass, regclass, regclass, edupredict.school_term, regclass, regclass, regclass) IS
'writes one supply_demand run (and hub and sub-region roll-ups when their tables are given) to edupredict.forecasts with the model versions used; returns the run id';

-- Recorded forecasts beside the realised counts (NULL until the term is in the placement history).
-- latest_own keeps only the caller's own rows of the latest run per model, measure and origin (as_of),
-- the rows score_forecasts scores: a re-run (a scheduled job run twice) replaces the earlier run of
-- that origin instead of weighing it twice, and rows of other roles the caller can see are left out
-- (the owner is matched on the row, so another role's rows that reuse a run id are left out too).
CREATE FUNCTION edupredict._forecast_vs_realised(
	tutors regclass,
	placements regclass,
	responses regclass,
	hubs regclass,
	sub_regions regclass,
	latest_own boolean)
RETURNS TABLE (run_id bigint, recorded_at timestamptz, model_name text, measure text, as_of edupredict.school_term,
			   horizon integer, term edupredict.school_term, level text, area text, expected double precision,
			   p10 bigint, p50 bigint, p90 bigint, realised bigint, error double precision, inside_p10_p90 boolean)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	IF tutors IS NULL OR placements IS NULL THEN
		RAISE EXCEPTION 'tutors and placements must not be NULL' USING ERRCODE = '22004';
	END IF;
	problem := COALESCE(
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'local_authority'], ARRAY['bigint', 'text']),
		-- a tutor listed twice under two local authorities would be counted in both areas' realised counts
		edupredict._tutor_areas_problem(tutors),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		CASE WHEN responses IS NOT NULL THEN
			edupredict._relation_problem(responses, 'responses', ARRAY['tutor_id', 'term', 'responded'],
										 ARRAY['bigint', 'edupredict.school_term', 'boolean']) END,
		edupredict._mapping_problem(placements, hubs, sub_regions));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH placed AS MATERIALIZED (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term,
				   %6$s AS school_urn, tu.local_authority::text AS la
			FROM %2$s p JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) p.tutor_id::bigint),
		last AS (SELECT edupredict.max(placed.term) AS t FROM placed),
		answered AS (%3$s),
		counted AS (
			SELECT placed.*, (a.tutor_id IS NOT NULL) AS responded FROM placed
			LEFT JOIN answered a ON a.tutor_id OPERATOR(pg_catalog.=) placed.tutor_id
								AND a.term OPERATOR(edupredict.=) placed.term),
		realised AS (
			SELECT 'local authority' AS level, c.la AS area, c.term, c.responded, c.tutor_id FROM counted c
			UNION ALL SELECT 'London-wide', 'London-wide', c.term, c.responded, c.tutor_id FROM counted c
			UNION ALL SELECT 'hub', h.hub::text, c.term, c.responded, c.tutor_id
			FROM counted c JOIN %4$s h ON h.school_urn::bigint OPERATOR(pg_catalog.=) c.school_urn
			UNION ALL SELECT 'sub-region', s.sub_region::text, c.term, c.responded, c.tutor_id
			FROM counted c JOIN %5$s s ON s.local_authority::text OPERATOR(pg_catalog.=) c.la),
		counts AS (
			SELECT r.level, r.area, r.term, pg_catalog.count(DISTINCT r.tutor_id) AS placed,
				   pg_catalog.count(DISTINCT r.tutor_id) FILTER (WHERE r.responded) AS placed_responding
			FROM realised r GROUP BY 1, 2, 3),
		f AS (
			SELECT f.*,
				   CASE WHEN last.t IS NULL OR f.term OPERATOR(edupredict.>) last.t THEN NULL
						WHEN f.measure OPERATOR(pg_catalog.=) 'placed and responding' AND NOT $1 THEN NULL
						WHEN f.level OPERATOR(pg_catalog.=) 'hub' AND NOT $2 THEN NULL
						WHEN f.level OPERATOR(pg_catalog.=) 'sub-region' AND NOT $3 THEN NULL
						WHEN f.measure OPERATOR(pg_catalog.=) 'placed' THEN COALESCE(c.placed, 0)
						ELSE COALESCE(c.placed_responding, 0) END AS realised
			FROM edupredict.forecasts f CROSS JOIN last
			LEFT JOIN counts c ON c.level OPERATOR(pg_catalog.=) f.level AND c.area OPERATOR(pg_catalog.=) f.area
							  AND c.term OPERATOR(edupredict.=) f.term
			WHERE NOT $4
			   OR (f.owner OPERATOR(pg_catalog.=) CURRENT_USER
				   AND f.run_id OPERATOR(pg_catalog.=) (
					   SELECT pg_catalog.max(g.run_id) FROM edupredict.forecasts g
					   WHERE g.owner OPERATOR(pg_catalog.=) CURRENT_USER
						 AND g.model_name OPERATOR(pg_catalog.=) f.model_name
						 AND g.measure OPERATOR(pg_catalog.=) f.measure
						 AND g.as_of OPERATOR(edupredict.=) f.as_of)))
		SELECT f.run_id, f.recorded_at, f.model_name, f.measure, f.as_of, f.horizon, f.term, f.level, f.area,
			   f.expected, f.p10, f.p50, f.p90, f.realised, f.expected OPERATOR(pg_catalog.-) f.realised,
			   f.realised OPERATOR(pg_catalog.>=) f.p10 AND f.realised OPERATOR(pg_catalog.<=) f.p90
		FROM f ORDER BY f.run_id, f.level, f.term, f.area
	$q$, tutors, placements,
		CASE WHEN responses IS NULL THEN 'SELECT NULL::bigint AS tutor_id, NULL::edupredict.school_term AS term WHERE false'
			 ELSE pg_catalog.format('SELECT r.tutor_id::bigint AS tutor_id, r.term::edupredict.school_term AS term FROM %s r WHERE r.responded::boolean',
									responses) END,
		COALESCE(hubs::text, '(SELECT NULL::bigint AS school_urn, NULL::text AS hub WHERE false)'),
		COALESCE(sub_regions::text, '(SELECT NULL::text AS local_authority, NULL::text AS sub_region WHERE false)'),
		CASE WHEN hubs IS NULL THEN 'NULL::bigint' ELSE 'p.school_urn::bigint' END)
	USING responses IS NOT NULL, hubs IS NOT NULL, sub_regions IS NOT NULL, latest_own;
END
$$;
COMMENT ON FUNCTION edupredict._forecast_vs_realised(regclass, regclass, regclass, regclass, regclass, boolean) IS
'internal: forecast_vs_realised, or with latest_own only the caller''s own rows of the latest run per model, measure and as_of (what score_forecasts scores)';

CREATE FUNCTION edupredict.forecast_vs_realised(
	tutors regclass,
	placements regclass,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS TABLE (run_id bigint, recorded_at timestamptz, model_name text, measure text, as_of edupredict.school_term,
			   horizon integer, term edupredict.school_term, level text, area text, expected double precision,
			   p10 bigint, p50 bigint, p90 bigint, realised bigint, error double precision, inside_p10_p90 boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM edupredict._forecast_vs_realised(tutors, placements, responses, hubs, sub_regions, false)
$$;
COMMENT ON FUNCTION edupredict.forecast_vs_realised(regclass, regclass, regclass, regclass, regclass) IS
'every recorded forecast the caller can see in edupredict.forecasts (under row-level security: the runs of the roles it is a member of, every role''s for a superuser), for a team''s dashboard, beside the realised count of its term, level and area (NULL until the term is in the placement history, or when the table that level needs is not given), the error and whether it fell in [p10, p90]; score_forecasts scores only the caller''s own';

CREATE FUNCTION edupredict.score_forecasts(
	tutors regclass,
	placements regclass,
	responses regclass DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL)
RETURNS TABLE (model_name text, measure text, level text, horizon integer, n_forecasts bigint, mae double precision,
			   bias double precision, coverage_p10_p90 double precision, mean_expected double precision,
			   mean_realised double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT v.model_name, v.measure, v.level, v.horizon, pg_catalog.count(*), pg_catalog.avg(pg_catalog.abs(v.error)),
		   pg_catalog.avg(v.error), pg_catalog.avg(v.inside_p10_p90::integer), pg_catalog.avg(v.expected),
		   pg_catalog.avg(v.realised)
	FROM edupredict._forecast_vs_realised(tutors, placements, responses, hubs, sub_regions, true) v
	WHERE v.realised IS NOT NULL
	GROUP BY v.model_name, v.measure, v.level, v.horizon
	ORDER BY v.model_name, v.measure,
			 pg_catalog.array_position(ARRAY['local authority', 'hub', 'sub-region', 'London-wide'], v.level), v.horizon
$$;
COMMENT ON FUNCTION edupredict.score_forecasts(regclass, regclass, regclass, regclass, regclass) IS
'scores the caller''s own recorded forecasts whose term has happened, the latest run per model, measure and as_of only, per model, measure, level and horizon: count, mean absolute error, bias (mean of expected - realised) and p10-p90 coverage';

-- Tableau reads this view as the querying role (security_invoker), so row-level security applies.
CREATE VIEW edupredict.tableau_forecasts WITH (security_invoker = true) AS
SELECT f.run_id AS "Run", f.recorded_at AS "Recorded at", f.owner::text AS "Recorded by",
	   f.model_name AS "Model", f.model_versions::text AS "Model versions", f.measure AS "Counts",
	   f.as_of::text AS "Forecast made in term", f.horizon AS "Terms ahead", f.term::text AS "Term",
	   edupredict.term_start(f.term) AS "Term start", f.level AS "Level", f.area AS "Area",
	   pg_catalog.round(f.known_expected::numeric, 1) AS "Expected known tutors",
	   pg_catalog.round(f.recruits_expected::numeric, 1) AS "Expected recruits",
	   pg_catalog.round(f.expected::numeric, 1) AS "Expected tutors", f.p10 AS "Tutors (10th percentile)",
	   f.p50 AS "Tutors (median)", f.p90 AS "Tutors (90th percentile)",
	   pg_catalog.round(f.expected_placements::numeric, 1) AS "Expected placements",
	   f.shortfall AS "Tutors to recruit (90% cover)"
FROM edupredict.forecasts f;
COMMENT ON VIEW edupredict.tableau_forecasts IS 'the forecast log with readable column names and plain types, for Tableau';
SELECT edupredict._reset_privileges('TABLE', 'edupredict.tableau_forecasts');
GRANT SELECT ON edupredict.tableau_forecasts TO PUBLIC;

-- The termly refresh (replaces the original pipeline's Prefect flow): in the caller's transaction,
-- trains the three availability forests as of as_of (features built inside), forecasts known tutors
-- and recruits against demand, and records the run.  as_of defaults to the term after the last
-- placement term, the term the refresh is run in when placements are loaded up to the last term.
CREATE PROCEDURE edupredict.refresh_supply(
	model_name text,
	tutors regclass,
	placements regclass,
	opportunities regclass,
	responses regclass DEFAULT NULL,
	as_of edupredict.school_term DEFAULT NULL,
	hubs regclass DEFAULT NULL,
	sub_regions regclass DEFAULT NULL,
	n_trees integer DEFAULT 100,
	seed bigint DEFAULT 42,
	INOUT run_id bigint DEFAULT NULL)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	t edupredict.school_term := as_of;
	problem text[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR opportunities IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and opportunities must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF n_trees IS NULL OR seed IS NULL THEN
		RAISE EXCEPTION 'n_trees and seed must not be NULL' USING ERRCODE = '22004';
	END IF;
	-- The parameters before anything is read or written (a typo must not cost the run), then the
	-- inputs that record_forecast reads, before the forests are trained (a bad row found after the
	-- training rolled it back, but the training time was lost).
	problem := COALESCE(
		edupredict._availability_params_problem(n_trees),
		edupredict._availability_name_problem(model_name, '{1,2,3}'),  -- train_availability's horizons
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._demand_problem(tutors, opportunities),
		edupredict._mapping_problem(placements, hubs, sub_regions));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	IF t IS NULL THEN
		t := (edupredict._placement_span(placements)).last_term OPERATOR(edupredict.+) 1;
		IF t IS NULL THEN
			RAISE EXCEPTION 'placements relation % is empty', placements USING ERRCODE = '22023',
				DETAIL = 'as_of defaults to the term after the last placement term.', HINT = 'Load the placements first.';
		END IF;
	END IF;
	IF responses IS NOT NULL THEN
		problem := edupredict._responses_problem(responses, t);
		IF problem IS NOT NULL THEN
			RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
		END IF;
	END IF;
	PERFORM edupredict.train_availability(model_name, tutors, placements, t, n_trees => n_trees, seed => seed);
	run_id := edupredict.record_forecast(model_name, tutors, placements, opportunities, t, responses, hubs, sub_regions);
END
$$;
COMMENT ON PROCEDURE edupredict.refresh_supply(text, regclass, regclass, regclass, regclass, edupredict.school_term, regclass, regclass, integer, bigint, bigint) IS
'termly refresh in one transaction: writes new versions of the three availability forests (train_availability) and a recorded supply and demand forecast with recruits (record_forecast); returns the run id';
