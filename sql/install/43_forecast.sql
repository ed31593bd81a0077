
-- Tutor availability forecasting (docs/forecasting.md): features, training, prediction,
-- supply against demand.  Needs the forest functions (train_forest, predict_proba).

-- Checks that a relation has the named columns; the error names the first one missing.
CREATE FUNCTION edupredict._require_columns(rel regclass, role text, columns text[])
RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
DECLARE
	c text;
BEGIN
	FOREACH c IN ARRAY columns LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_attribute
					   WHERE attrelid = rel AND attname = c AND attnum > 0 AND NOT attisdropped) THEN
			RAISE EXCEPTION 'column "%" does not exist in % relation %', c, role, rel
				USING ERRCODE = '42703',
					  HINT = format('The %s relation needs the columns %s (see docs/forecasting.md).',
									role, array_to_string(columns, ', '));
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION edupredict._require_columns(regclass, text, text[]) IS
'internal: raises 42703 naming the first of the columns that the relation lacks';

-- The first and last terms of the placement history.
CREATE FUNCTION edupredict._placement_span(placements regclass, OUT first_term edupredict.school_term,
										   OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	PERFORM edupredict._require_columns(placements, 'placements', ARRAY['tutor_id', 'term']);
	EXECUTE format('SELECT min(term::edupredict.school_term), max(term::edupredict.school_term) FROM %s',
				   placements) INTO first_term, last_term;
	IF first_term IS NULL THEN
		RAISE EXCEPTION 'placements relation % is empty', placements USING ERRCODE = '22023';
	END IF;
END
$$;
COMMENT ON FUNCTION edupredict._placement_span(regclass) IS
'internal: first and last term of a placements relation';

-- Features of every tutor registered before the start of each term from first_t to last_t, from
-- the placements strictly before that term.
CREATE FUNCTION edupredict._tutor_feature_panel(tutors regclass, placements regclass,
												first_t edupredict.school_term, last_t edupredict.school_term)
RETURNS TABLE (tutor_id bigint, term edupredict.school_term, months_to_phd_end double precision,
			   n_previous_placements integer, mean_placements_per_term double precision,
			   terms_since_registration integer, placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end']);
	PERFORM edupredict._require_columns(placements, 'placements', ARRAY['tutor_id', 'term']);
	RETURN QUERY EXECUTE format($q$
		WITH terms AS (
			SELECT $1 + i AS t FROM generate_series(0, $2 - $1) i),
		elig AS (
			SELECT tu.tutor_id::bigint AS tutor_id, tr.t, tu.registered_on::date AS registered_on,
				   tu.phd_end::date AS phd_end
			FROM %1$s tu JOIN terms tr ON tu.registered_on::date < edupredict.term_start(tr.t)),
		pl AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term
			FROM %2$s p WHERE p.term::edupredict.school_term < $2)
		SELECT e.tutor_id, e.t,
			   (e.phd_end - edupredict.term_start(e.t)) / 30.4375::float8,
			   count(pl.term)::integer,
			   count(pl.term)::float8 / (e.t - edupredict.term_of(e.registered_on)),
			   e.t - edupredict.term_of(e.registered_on),
			   coalesce(bool_or(pl.term = e.t - 1), false)
		FROM elig e
		LEFT JOIN pl ON pl.tutor_id = e.tutor_id AND pl.term < e.t
		GROUP BY e.tutor_id, e.t, e.phd_end, e.registered_on
	$q$, tutors, placements) USING first_t, last_t;
END
$$;
COMMENT ON FUNCTION edupredict._tutor_feature_panel(regclass, regclass, edupredict.school_term, edupredict.school_term) IS
'internal: tutor features for every term of a range (see tutor_features)';

CREATE FUNCTION edupredict.tutor_features(tutors regclass, placements regclass, as_of edupredict.school_term)
RETURNS TABLE (tutor_id bigint, months_to_phd_end double precision, n_previous_placements integer,
			   mean_placements_per_term double precision, terms_since_registration integer,
			   placed_last_term boolean)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
	SELECT f.tutor_id, f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
		   f.terms_since_registration, f.placed_last_term
	FROM edupredict._tutor_feature_panel(tutors, placements, as_of, as_of) f
$$;
COMMENT ON FUNCTION edupredict.tutor_features(regclass, regclass, edupredict.school_term) IS
'features of each tutor registered before the start of as_of, from placements before as_of: months to PhD end, previous placements, mean placements per term, terms since registration, placed in the previous term';

-- Checks an as_of term against the placement history: there must be history before it and it may
-- be at most the term after the last placement term (later terms would read as "never placed").
CREATE FUNCTION edupredict._check_as_of(placements regclass, as_of edupredict.school_term,
										min_history integer, OUT first_term edupredict.school_term,
										OUT last_term edupredict.school_term)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	SELECT s.first_term, s.last_term INTO first_term, last_term FROM edupredict._placement_span(placements) s;
	IF as_of > last_term + 1 THEN
		RAISE EXCEPTION 'as_of % is out of range: the placement history ends in %', as_of, last_term
			USING ERRCODE = '22023',
				  DETAIL = format('as_of may be at most %s, the term after the last placement term.', last_term + 1);
	END IF;
	IF as_of - first_term < min_history THEN
		RAISE EXCEPTION 'as_of % is out of range: the placement history starts in %', as_of, first_term
			USING ERRCODE = '22023',
				  DETAIL = format('This needs %s terms of placement history before as_of, so as_of must be %s or later.',
								  min_history, first_term + min_history);
	END IF;
END
$$;
COMMENT ON FUNCTION edupredict._check_as_of(regclass, edupredict.school_term, integer) IS
'internal: raises 22023 when as_of lies outside the placement history';

-- Survey response rates by segment, from the surveys of terms before as_of.  Segment: season of
-- the term, placed in the previous term, PhD over by the start of the term.  Each rate is shrunk
-- towards its season's rate, and that towards the overall rate, with a prior weight of 50 surveys.
CREATE FUNCTION edupredict.response_rates(tutors regclass, placements regclass, responses regclass,
										  as_of edupredict.school_term)
RETURNS TABLE (season text, placed_last_term boolean, phd_finished boolean, n_surveyed bigint,
			   n_responded bigint, p_response double precision)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	n_history bigint;
BEGIN
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'phd_end']);
	PERFORM edupredict._require_columns(placements, 'placements', ARRAY['tutor_id', 'term']);
	PERFORM edupredict._require_columns(responses, 'responses', ARRAY['tutor_id', 'term', 'responded']);
	EXECUTE format('SELECT count(*) FROM %s r WHERE r.term::edupredict.school_term < $1 AND r.responded IS NOT NULL',
				   responses) INTO n_history USING as_of;
	IF n_history = 0 THEN
		RAISE EXCEPTION 'no survey responses before %', as_of
			USING ERRCODE = '22023', HINT = 'Pass responses => NULL to count every tutor as responding.';
	END IF;
	RETURN QUERY EXECUTE format($q$
		WITH r AS (
			SELECT edupredict.term_season(r.term::edupredict.school_term) AS season,
				   EXISTS (SELECT 1 FROM %2$s p WHERE p.tutor_id = r.tutor_id
						   AND p.term::edupredict.school_term = r.term::edupredict.school_term - 1) AS placed_last_term,
				   coalesce(tu.phd_end::date < edupredict.term_start(r.term::edupredict.school_term), false) AS phd_finished,
				   r.responded::boolean AS responded
			FROM %3$s r JOIN %1$s tu ON tu.tutor_id = r.tutor_id
			WHERE r.term::edupredict.school_term < $1 AND r.responded IS NOT NULL),
		overall AS (SELECT count(*) AS n, count(*) FILTER (WHERE responded) AS k FROM r),
		seasons AS (
			SELECT s.season, count(r.responded) AS n, count(*) FILTER (WHERE r.responded) AS k
			FROM unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season) LEFT JOIN r ON r.season = s.season
			GROUP BY s.season),
		cells AS (
			SELECT s.season, pl.v AS placed_last_term, ph.v AS phd_finished
			FROM unnest(ARRAY['Spring', 'Summer', 'Autumn']) s(season), (VALUES (false), (true)) pl(v),
				 (VALUES (false), (true)) ph(v)),
		counts AS (
			SELECT c.season, c.placed_last_term, c.phd_finished, count(r.responded) AS n,
				   count(*) FILTER (WHERE r.responded) AS k
			FROM cells c LEFT JOIN r USING (season, placed_last_term, phd_finished)
			GROUP BY c.season, c.placed_last_term, c.phd_finished)
		SELECT c.season, c.placed_last_term, c.phd_finished, c.n, c.k,
			   (c.k + 50 * ((s.k + 50 * (o.k::float8 / o.n)) / (s.n + 50))) / (c.n + 50)
		FROM counts c JOIN seasons s USING (season), overall o
		ORDER BY array_position(ARRAY['Spring', 'Summer', 'Autumn'], c.season), c.placed_last_term, c.phd_finished
	$q$, tutors, placements, responses) USING as_of;
END
$$;
COMMENT ON FUNCTION edupredict.response_rates(regclass, regclass, regclass, edupredict.school_term) IS
'survey response rate by season, placed-last-term and PhD-finished segment, from surveys before as_of, shrunk towards the season and overall rates';

-- The horizons h for which a model <model_name>_h<h> is in the registry.
CREATE FUNCTION edupredict._availability_horizons(model_name text)
RETURNS integer[]
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	hs integer[];
BEGIN
	SELECT array_agg(DISTINCT h ORDER BY h) INTO hs
	FROM (SELECT substr(m.name, length(model_name) + 3)::integer AS h
		  FROM edupredict.models m
		  WHERE left(m.name, length(model_name) + 2) = model_name || '_h'
			AND substr(m.name, length(model_name) + 3) ~ '^[0-9]{1,2}$') x;
	IF hs IS NULL THEN
		RAISE EXCEPTION 'no availability models named %_h<horizon> in edupredict.models', model_name
			USING ERRCODE = '42704', HINT = 'Train them with edupredict.train_availability().';
	END IF;
	RETURN hs;
END
$$;
COMMENT ON FUNCTION edupredict._availability_horizons(text) IS
'internal: horizons with a trained model <model_name>_h<horizon>';

-- The model input: the five tutor features plus the season of the target term (known in advance).
CREATE TYPE edupredict.availability_features AS (
	months_to_phd_end double precision,
	n_previous_placements integer,
	mean_placements_per_term double precision,
	terms_since_registration integer,
	placed_last_term boolean,
	target_season integer
);
COMMENT ON TYPE edupredict.availability_features IS
'input row of the availability forests: tutor features as of a term and the season (0 Spring, 1 Summer, 2 Autumn) of the target term';

CREATE FUNCTION edupredict.train_availability(
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
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	span record;
	h integer;
	max_h integer;
BEGIN
	IF model_name IS NULL OR model_name = '' OR tutors IS NULL OR placements IS NULL OR as_of IS NULL
	   OR horizons IS NULL OR n_trees IS NULL OR seed IS NULL OR min_samples_leaf IS NULL THEN
		RAISE EXCEPTION 'train_availability arguments must not be NULL or empty' USING ERRCODE = '22004';
	END IF;
	IF cardinality(horizons) = 0 OR cardinality(horizons) > 12 OR array_position(horizons, NULL) IS NOT NULL
	   OR (SELECT min(x) < 1 OR max(x) > 12 OR count(DISTINCT x) <> count(*) FROM unnest(horizons) x) THEN
		RAISE EXCEPTION 'horizons must be distinct numbers of terms ahead from 1 to 12'
			USING ERRCODE = '22023', DETAIL = format('Got %s.', horizons);
	END IF;
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end']);
	SELECT max(x) INTO max_h FROM unnest(horizons) x;
	-- Training rows: terms t from the second history term on, labelled by placement in t + h < as_of.
	SELECT * INTO span FROM edupredict._check_as_of(placements, as_of, max_h + 2);

	EXECUTE format('CREATE TEMP TABLE _ep_availability_placed AS
					SELECT DISTINCT tutor_id::bigint AS tutor_id, term::edupredict.school_term AS term FROM %s',
				   placements);
	CREATE TEMP TABLE _ep_availability_panel AS
	SELECT * FROM edupredict._tutor_feature_panel(tutors, placements, span.first_term + 1, as_of - 2);

	FOREACH h IN ARRAY horizons LOOP
		EXECUTE $q$
			CREATE TEMP TABLE _ep_availability_train AS
			SELECT (ROW(f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
						f.terms_since_registration, f.placed_last_term,
						((f.term + $1) - '1000 Spring'::edupredict.school_term) % 3
					 )::edupredict.availability_features).*,
				   (p.tutor_id IS NOT NULL)::integer AS available
			FROM _ep_availability_panel f
			LEFT JOIN _ep_availability_placed p ON p.tutor_id = f.tutor_id AND p.term = f.term + $1
			WHERE f.term <= $2 - 1 - $1
		$q$ USING h, as_of;

		horizon := h;
		model := model_name || '_h' || h;
		EXECUTE 'SELECT count(*), avg(available) FROM _ep_availability_train' INTO n_rows, positive_rate;
		EXECUTE $q$
			SELECT m.version FROM edupredict.train_forest(
				model_name => $1, relation => 'pg_temp._ep_availability_train'::regclass, target => 'available',
				features => ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
								  'terms_since_registration', 'placed_last_term', 'target_season'],
				task => 'classification', n_trees => $2, min_samples_leaf => $4, seed => $3) m
		$q$ INTO version USING model, n_trees, seed, min_samples_leaf;
		RETURN NEXT;
		DROP TABLE _ep_availability_train;
	END LOOP;
	DROP TABLE _ep_availability_panel, _ep_availability_placed;
END
$$;
COMMENT ON FUNCTION edupredict.train_availability(text, regclass, regclass, edupredict.school_term, integer[], integer, bigint, integer) IS
'writes one random forest per horizon h to the model registry as <model_name>_h<h>: P(placed in t + h) from tutor features as of t, for every term t whose outcome is known before as_of; min_samples_leaf (default 25) keeps the probabilities calibrated';

CREATE FUNCTION edupredict.predict_availability(
	model_name text,
	tutors regclass,
	placements regclass,
	as_of edupredict.school_term,
	responses regclass DEFAULT NULL)
RETURNS TABLE (tutor_id bigint, horizon integer, term edupredict.school_term, p_available double precision,
			   p_response double precision, p_effective double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, edupredict
AS $$
DECLARE
	hs integer[];
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements and as_of must not be NULL' USING ERRCODE = '22004';
	END IF;
	hs := edupredict._availability_horizons(model_name);
	PERFORM edupredict._check_as_of(placements, as_of, 1);
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end']);

	RETURN QUERY EXECUTE format($q$
		WITH f AS MATERIALIZED (
			SELECT f.*, tu.phd_end::date AS phd_end
			FROM edupredict.tutor_features($1, $2, $3) f
			JOIN %1$s tu ON tu.tutor_id::bigint = f.tutor_id),
		rr AS MATERIALIZED (%2$s),
		x AS (
			SELECT f.*, h.h, $3 + h.h AS target
			FROM f CROSS JOIN unnest($4) h(h))
		SELECT x.tutor_id, x.h, x.target, pa.p, coalesce(rr.p_response, 1.0), pa.p * coalesce(rr.p_response, 1.0)
		FROM x
		CROSS JOIN LATERAL (
			SELECT edupredict.predict_proba($5 || '_h' || x.h,
				ROW(x.months_to_phd_end, x.n_previous_placements, x.mean_placements_per_term,
					x.terms_since_registration, x.placed_last_term,
					(x.target - '1000 Spring'::edupredict.school_term) %% 3)::edupredict.availability_features,
				'1') AS p) pa
		LEFT JOIN rr ON rr.season = edupredict.term_season(x.target)
					AND rr.placed_last_term = x.placed_last_term
					AND rr.phd_finished = coalesce(x.phd_end < edupredict.term_start(x.target), false)
	$q$, tutors,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::boolean AS placed_last_term, NULL::boolean AS phd_finished, NULL::float8 AS p_response WHERE false'
			 ELSE format('SELECT * FROM edupredict.response_rates($1, $2, %L::regclass, $3)', responses) END)
	USING tutors, placements, as_of, hs, model_name;
END
$$;
COMMENT ON FUNCTION edupredict.predict_availability(text, regclass, regclass, edupredict.school_term, regclass) IS
'for each tutor registered before as_of and each trained horizon: P(available in as_of + h), P(responding to the survey) from responses (1 when NULL), and their product';

-- Supply against demand from a source of predictions (tutor_id, horizon, term, p_effective).
CREATE FUNCTION edupredict._supply_demand_sql(predictions text, tutors regclass, opportunities regclass)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $f$
SELECT format($q$
	WITH pred AS MATERIALIZED (%1$s),
	terms AS (SELECT DISTINCT horizon, term FROM pred),
	la AS (
		SELECT tu.local_authority::text AS local_authority, p.horizon, p.term,
			   edupredict.expected_count(p.p_effective) AS d
		FROM pred p JOIN %2$s tu ON tu.tutor_id::bigint = p.tutor_id
		GROUP BY 1, 2, 3
		UNION ALL
		SELECT 'London-wide', p.horizon, p.term, edupredict.expected_count(p.p_effective)
		FROM pred p GROUP BY 2, 3),
	opp AS (
		SELECT o.local_authority::text AS local_authority, t.horizon, t.term,
			   coalesce(sum(o.n_placements) FILTER (WHERE o.stage = 'confirmed'), 0)::bigint AS confirmed,
			   coalesce(sum(CASE WHEN o.stage = 'confirmed' THEN o.n_placements
								 ELSE o.probability * o.n_placements END), 0)::float8 AS expected
		FROM %3$s o JOIN terms t ON o.term::edupredict.school_term = t.term
		GROUP BY 1, 2, 3),
	dem AS (
		SELECT * FROM opp
		UNION ALL
		SELECT 'London-wide', t.horizon, t.term, coalesce(sum(opp.confirmed), 0)::bigint,
			   coalesce(sum(opp.expected), 0)::float8
		FROM terms t LEFT JOIN opp USING (horizon, term) GROUP BY 2, 3)
	SELECT coalesce(la.local_authority, dem.local_authority), coalesce(la.horizon, dem.horizon),
		   coalesce(la.term, dem.term),
		   coalesce((la.d).expected, 0), coalesce((la.d).p10, 0), coalesce((la.d).p50, 0), coalesce((la.d).p90, 0),
		   coalesce(dem.confirmed, 0), coalesce(dem.expected, 0),
		   coalesce(dem.expected, 0) / nullif((la.d).expected, 0),
		   greatest(0, ceil(coalesce(dem.expected, 0) - 1e-9)::bigint - coalesce((la.d).p10, 0))
	FROM la FULL JOIN dem ON dem.local_authority = la.local_authority AND dem.term = la.term
	ORDER BY 3, (coalesce(la.local_authority, dem.local_authority) = 'London-wide'), 1
$q$, predictions, tutors, opportunities)
$f$;
COMMENT ON FUNCTION edupredict._supply_demand_sql(text, regclass, regclass) IS
'internal: the supply-demand query over a source of predictions';

CREATE FUNCTION edupredict.supply_demand_of(predictions regclass, tutors regclass, opportunities regclass)
RETURNS TABLE (local_authority text, horizon integer, term edupredict.school_term,
			   expected_tutors double precision, tutors_p10 bigint, tutors_p50 bigint, tutors_p90 bigint,
			   confirmed_placements bigint, expected_placements double precision,
			   placement_tutor_ratio double precision, shortfall bigint)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	PERFORM edupredict._require_columns(predictions, 'predictions', ARRAY['tutor_id', 'horizon', 'term', 'p_effective']);
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'local_authority']);
	PERFORM edupredict._require_columns(opportunities, 'opportunities',
										ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements']);
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		format('SELECT tutor_id::bigint AS tutor_id, horizon::integer AS horizon, term::edupredict.school_term AS term,
				p_effective::float8 AS p_effective FROM %s', predictions),
		tutors, opportunities);
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand_of(regclass, regclass, regclass) IS
'supply against demand per local authority and term from any table of predictions (tutor_id, horizon, term, p_effective), plus a London-wide row';

CREATE FUNCTION edupredict.supply_demand(
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
SET search_path = pg_catalog, edupredict
AS $$
BEGIN
	IF model_name IS NULL OR tutors IS NULL OR placements IS NULL OR opportunities IS NULL OR as_of IS NULL THEN
		RAISE EXCEPTION 'model_name, tutors, placements, opportunities and as_of must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	PERFORM edupredict._require_columns(tutors, 'tutors', ARRAY['tutor_id', 'local_authority']);
	PERFORM edupredict._require_columns(opportunities, 'opportunities',
										ARRAY['local_authority', 'term', 'stage', 'probability', 'n_placements']);
	RETURN QUERY EXECUTE edupredict._supply_demand_sql(
		format('SELECT tutor_id, horizon, term, p_effective FROM edupredict.predict_availability(%L, %L::regclass, %L::regclass, %L::edupredict.school_term, %L::regclass)',
			   model_name, tutors, placements, as_of, responses),
		tutors, opportunities);
END
$$;
COMMENT ON FUNCTION edupredict.supply_demand(text, regclass, regclass, regclass, edupredict.school_term, regclass) IS
'per local authority and forecast term (plus a London-wide row): expected tutors with p10/p50/p90, confirmed and expected placements, placement : tutor ratio, and the tutors to recruit for a 90% chance of covering expected demand';
