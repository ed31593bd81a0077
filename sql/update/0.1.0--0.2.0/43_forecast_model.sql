
-- Tutor features, survey response rates, training and prediction (forecast area): search_path
-- pg_catalog, pg_temp, every function and operator qualified (OPERATOR(...) has a single
-- precedence, so mixed arithmetic is parenthesised), inputs checked up front by the entry function.
-- SET jit = off: the cost estimates of these dynamic queries (set-returning functions, cross joins)
-- pass jit_above_cost, and compiling them took 2.8 s of a 2.9 s recruit_forecast call.

-- Features of every tutor registered before the start of each term from first_t to last_t, from the
-- placements strictly before that term.  Callers check the relations first; the terms are checked
-- here (EXECUTE is PUBLIC): one row per tutor and term, so a last_t of 9999 Summer ran for minutes.
CREATE OR REPLACE FUNCTION edupredict._tutor_feature_panel(tutors regclass, placements regclass,
														   first_t edupredict.school_term, last_t edupredict.school_term)
RETURNS TABLE (tutor_id bigint, term edupredict.school_term, months_to_phd_end double precision,
			   n_previous_placements integer, mean_placements_per_term double precision,
			   terms_since_registration integer, placed_last_term boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(edupredict._term_range_problem('first_t', first_t),
						edupredict._term_range_problem('last_t', last_t));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
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
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(edupredict._term_range_problem('as_of', as_of),
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
SET jit = off
AS $$
DECLARE
	problem text[];
BEGIN
	problem := COALESCE(
		edupredict._term_range_problem('as_of', as_of),
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

-- The season of the target term also as three indicators: the integer season (0 Spring, 1 Summer,
-- 2 Autumn) puts Summer between the others, so a tree needed two splits to separate it and the
-- forests damped the Summer effect (Summer targets over-forecast by 1.3 tutors per local authority
-- one term ahead, 2.1 three terms ahead).  Models trained before keep predicting: their features are
-- matched by name.
ALTER TYPE edupredict.availability_features
	ADD ATTRIBUTE target_spring boolean,
	ADD ATTRIBUTE target_summer boolean,
	ADD ATTRIBUTE target_autumn boolean;

-- The forest's one parameter validator (forest_param_set, as train_forest and forest_agg use it),
-- for callers that train later: train_availability and refresh_supply refuse a bad parameter before
-- they read a row or write anything, instead of after building the whole training set.
CREATE FUNCTION edupredict._forest_params_problem(params jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'forest_params_problem'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict._forest_params_problem(jsonb) IS
'internal: what the random forest''s parameter validator says of a params object (as train_forest and forest_agg check it), or NULL when every key is valid';

CREATE FUNCTION edupredict._availability_params_problem(n_trees integer, min_samples_leaf integer DEFAULT NULL)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN p.problem IS NOT NULL THEN
		ARRAY['22023', p.problem, 'The parameters are checked before any row is read or any model is written.',
			  'n_trees and min_samples_leaf take the ranges of train_forest.'] END
	FROM (SELECT edupredict._forest_params_problem(pg_catalog.jsonb_strip_nulls(
			  pg_catalog.jsonb_build_object('n_trees', n_trees, 'min_samples_leaf', min_samples_leaf))) AS problem) p
$$;
COMMENT ON FUNCTION edupredict._availability_params_problem(integer, integer) IS
'internal: {sqlstate, message, detail, hint} when train_availability''s forest parameters are out of range, else NULL';

-- Each horizon h is trained as the model <model_name>_h<h>, and the registry's names are at most
-- _model_name_max_bytes() bytes (model_reserve, train_forest): a name too long for the largest horizon failed only in
-- train_forest, after the training set was built (and the forests of the smaller horizons trained).
CREATE FUNCTION edupredict._availability_name_problem(model_name text, horizons integer[])
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.octet_length(model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) m.h)
					 OPERATOR(pg_catalog.>) m.max_bytes THEN
		ARRAY['22023',
			  pg_catalog.format('model_name must be at most %s bytes long for horizons up to %s',
								m.max_bytes OPERATOR(pg_catalog.-) pg_catalog.octet_length('_h' OPERATOR(pg_catalog.||) m.h), m.h),
			  pg_catalog.format('Each horizon h is trained as the model <model_name>_h<h>, and model names are at most %s bytes long; this model_name is %s bytes.',
								m.max_bytes, pg_catalog.octet_length(model_name)),
			  'Choose a shorter model_name.'] END
	FROM (SELECT pg_catalog.max(x) AS h, edupredict._model_name_max_bytes() AS max_bytes
	      FROM pg_catalog.unnest(horizons) x) m
$$;
COMMENT ON FUNCTION edupredict._availability_name_problem(text, integer[]) IS
'internal: {sqlstate, message, detail, hint} when <model_name>_h<h> of the largest horizon is longer than the registry''s limit (_model_name_max_bytes()), else NULL';

-- train_forest with "as_of" in the new version's metrics (train_forest's own rows are unchanged):
-- predict_availability picks, per horizon, the versions trained as of the forecast's as_of or before.
-- group_by (after as_of) as train_forest's: train_availability holds out whole tutors.
CREATE FUNCTION edupredict._train_forest_as_of(
	model_name text, relation regclass, target text, features text[] DEFAULT NULL, task text DEFAULT 'auto',
	n_trees int DEFAULT 100, max_depth int DEFAULT NULL, min_samples_leaf int DEFAULT 1,
	max_features float8 DEFAULT NULL, class_weight text DEFAULT NULL, sample_fraction float8 DEFAULT 1.0,
	test_fraction float8 DEFAULT 0.2, seed bigint DEFAULT 42, keep_category_names boolean DEFAULT false,
	calibration text DEFAULT NULL, calibration_folds int DEFAULT NULL, as_of text DEFAULT NULL,
	group_by text DEFAULT NULL)
RETURNS edupredict.model_list
AS 'MODULE_PATHNAME', 'model_train_forest_as_of'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 100000
SET synchronize_seqscans = off;
COMMENT ON FUNCTION edupredict._train_forest_as_of(text, regclass, text, text[], text, int, int, int, float8, text, float8, float8, bigint, boolean, text, int, text, text) IS
'internal: trains a random forest like train_forest and writes it as a new version into edupredict.models, with "as_of" (the term its training rows were cut at) in its metrics; group_by: the test rows and the calibration folds are whole groups of that column''s values';

-- The version of each horizon's forest that forecasts as of as_of: the deployed one (a pin, whatever
-- it was trained for), else the newest whose metrics record an as_of (train_availability) at or
-- before as_of; a version without one (trained before it was recorded, or by train_forest) qualifies
-- for every as_of.  version is NULL when none qualifies; earliest_as_of is the earliest recorded as_of.
CREATE FUNCTION edupredict.availability_versions(model_name text, as_of edupredict.school_term)
RETURNS TABLE (horizon integer, version integer, earliest_as_of edupredict.school_term)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH v AS (
		SELECT h.h, m.version, m.deployed,
			   CASE WHEN (m.metrics OPERATOR(pg_catalog.->>) 'as_of')
						 OPERATOR(pg_catalog.~) '^[1-9][0-9]{3} (Spring|Summer|Autumn)$'
					THEN (m.metrics OPERATOR(pg_catalog.->>) 'as_of')::edupredict.school_term END AS trained_as_of
		FROM pg_catalog.unnest(edupredict._availability_horizons(model_name)) h(h)
		JOIN edupredict.models m
		  ON m.name OPERATOR(pg_catalog.=) (model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) h.h))
	SELECT v.h,
		   (SELECT w.version FROM v w
			WHERE w.h OPERATOR(pg_catalog.=) v.h
			  AND (w.deployed OR w.trained_as_of IS NULL OR w.trained_as_of OPERATOR(edupredict.<=) as_of)
			ORDER BY w.deployed DESC, w.version DESC LIMIT 1),
		   edupredict.min(v.trained_as_of)
	FROM v GROUP BY v.h ORDER BY v.h
$$;
COMMENT ON FUNCTION edupredict.availability_versions(text, edupredict.school_term) IS
'per horizon, the version of <model_name>_h<horizon> that predict_availability uses as of as_of (the deployed one, else the newest trained as of as_of or before; NULL when none) and the earliest as_of a version was trained for';

CREATE FUNCTION edupredict._availability_versions_problem(model_name text, as_of edupredict.school_term)
RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT ARRAY['55000',
		pg_catalog.format('no version of availability model %s_h%s was trained as of %s or before', model_name,
						  v.horizon, as_of),
		pg_catalog.format('The earliest version of %s_h%s was trained as of %s. A forecast uses the deployed version, else the newest version trained as of its as_of or before, so that it sees no later term.',
						  model_name, v.horizon, v.earliest_as_of),
		pg_catalog.format('Train the model as of %s with edupredict.train_availability().', as_of)]
	FROM edupredict.availability_versions(model_name, as_of) v
	WHERE v.version IS NULL
	ORDER BY v.horizon LIMIT 1
$$;
COMMENT ON FUNCTION edupredict._availability_versions_problem(text, edupredict.school_term) IS
'internal: {sqlstate, message, detail, hint} when a horizon of the availability model has no version that may forecast as of as_of, else NULL';

-- The training rows of train_availability, each horizon h of horizons as of as_of: the terms t from
-- the second term of the placements' history to as_of - 1 - h, each tutor's features as of t
-- (_tutor_feature_panel) and the season of the target term t + h, available when the tutor is placed
-- in t + h; the tutor beside them (train_availability's group_by, no feature).  One query for
-- train_availability and the tests that retrain its forests by hand.  Callers check the relations,
-- horizons and as_of first.
CREATE FUNCTION edupredict._availability_training_rows(tutors regclass, placements regclass,
													   as_of edupredict.school_term, horizons integer[])
RETURNS TABLE (horizon integer, tutor_id bigint, features edupredict.availability_features, available integer)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
BEGIN
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH placed AS (
			SELECT DISTINCT p.tutor_id::bigint AS tutor_id, p.term::edupredict.school_term AS term FROM %s p),
		panel AS (
			SELECT * FROM edupredict._tutor_feature_panel($1, $2,
				(edupredict._placement_span($2)).first_term OPERATOR(edupredict.+) 1, $3 OPERATOR(edupredict.-) 2))
		SELECT h.h, f.tutor_id, ROW(f.months_to_phd_end, f.n_previous_placements, f.mean_placements_per_term,
					f.terms_since_registration, f.placed_last_term,
					((f.term OPERATOR(edupredict.+) h.h) OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term)
					  OPERATOR(pg_catalog.%%) 3,
					edupredict.term_season(f.term OPERATOR(edupredict.+) h.h) OPERATOR(pg_catalog.=) 'Spring',
					edupredict.term_season(f.term OPERATOR(edupredict.+) h.h) OPERATOR(pg_catalog.=) 'Summer',
					edupredict.term_season(f.term OPERATOR(edupredict.+) h.h) OPERATOR(pg_catalog.=) 'Autumn'
				 )::edupredict.availability_features,
			   (p.tutor_id IS NOT NULL)::integer
		FROM pg_catalog.unnest($4) h(h)
		JOIN panel f ON f.term OPERATOR(edupredict.<=) (($3 OPERATOR(edupredict.-) 1) OPERATOR(edupredict.-) h.h)
		LEFT JOIN placed p ON p.tutor_id OPERATOR(pg_catalog.=) f.tutor_id
			  AND p.term OPERATOR(edupredict.=) (f.term OPERATOR(edupredict.+) h.h)
	$q$, placements) USING tutors, placements, as_of, horizons;
END
$$;
COMMENT ON FUNCTION edupredict._availability_training_rows(regclass, regclass, edupredict.school_term, integer[]) IS
'internal: train_availability''s training rows per horizon: the tutor, the features as of a term and the target term''s season, and whether the tutor is placed horizon terms later';

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
SET jit = off
AS $$
DECLARE
	problem text[];
	h integer;
	max_h integer;
BEGIN
	IF model_name IS NULL OR model_name OPERATOR(pg_catalog.=) '' OR tutors IS NULL OR placements IS NULL
	   OR as_of IS NULL OR horizons IS NULL OR n_trees IS NULL OR seed IS NULL OR min_samples_leaf IS NULL THEN
		RAISE EXCEPTION 'train_availability arguments must not be NULL or empty' USING ERRCODE = '22004';
	END IF;
	SELECT pg_catalog.max(x) INTO max_h FROM pg_catalog.unnest(horizons) x;
	-- Training rows: terms t from the second history term on, labelled by placement in t + h < as_of.
	-- The parameters first: nothing is read before them.
	problem := COALESCE(
		edupredict._availability_params_problem(n_trees, min_samples_leaf),
		edupredict._horizons_problem(horizons),
		edupredict._availability_name_problem(model_name, horizons),
		edupredict._relation_problem(tutors, 'tutors', ARRAY['tutor_id', 'registered_on', 'phd_end'],
									 ARRAY['bigint', 'date', 'date']),
		edupredict._unique_key_problem(tutors, 'tutors', ARRAY['tutor_id'], ARRAY['bigint']),
		edupredict._relation_problem(placements, 'placements', ARRAY['tutor_id', 'term'],
									 ARRAY['bigint', 'edupredict.school_term']),
		edupredict._as_of_problem(placements, as_of, max_h OPERATOR(pg_catalog.+) 2));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	CREATE TEMP TABLE _ep_availability_rows AS
	SELECT * FROM edupredict._availability_training_rows(tutors, placements, as_of, horizons);

	FOREACH h IN ARRAY horizons LOOP
		EXECUTE $q$
			CREATE TEMP TABLE _ep_availability_train AS
			SELECT r.tutor_id, (r.features).*, r.available
			FROM pg_temp._ep_availability_rows r WHERE r.horizon OPERATOR(pg_catalog.=) $1
		$q$ USING h;

		horizon := h;
		model := model_name OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) h;
		SELECT pg_catalog.count(*), pg_catalog.avg(t.available) INTO n_rows, positive_rate
		FROM pg_temp._ep_availability_train t;
		-- Through train_forest's SQL API only, by argument name (its internals are not ours), with the
		-- as_of recorded in the version's metrics.  A tutor has a row per term: the held-out rows are
		-- whole tutors (group_by; tutor_id is no feature), so the registry's metrics are those of
		-- tutors the forest never saw.  Dynamic, so the regclass of this iteration's temporary table
		-- is resolved now.
		EXECUTE $q$
			SELECT m.version FROM edupredict._train_forest_as_of(
				model_name => $1, relation => 'pg_temp._ep_availability_train'::regclass, target => 'available',
				features => ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
								  'terms_since_registration', 'placed_last_term', 'target_season', 'target_spring',
								  'target_summer', 'target_autumn'],
				task => 'classification', n_trees => $2, min_samples_leaf => $4, seed => $3, as_of => $5,
				group_by => 'tutor_id') m
		$q$ INTO version USING model, n_trees, seed, min_samples_leaf, as_of::text;
		RETURN NEXT;
		DROP TABLE pg_temp._ep_availability_train;
	END LOOP;
	DROP TABLE pg_temp._ep_availability_rows;
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
SET jit = off
AS $$
DECLARE
	problem text[];
	horizons integer[];
	versions integer[];
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
		edupredict._unique_key_problem(tutors, 'tutors', ARRAY['tutor_id'], ARRAY['bigint']),
		CASE WHEN responses IS NOT NULL THEN edupredict._responses_problem(responses, as_of) END,
		edupredict._availability_versions_problem(model_name, as_of));
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	-- Each horizon's version as of as_of, named explicitly so that a later version never forecasts.
	SELECT pg_catalog.array_agg(v.horizon ORDER BY v.horizon), pg_catalog.array_agg(v.version ORDER BY v.horizon)
	INTO horizons, versions
	FROM edupredict.availability_versions(model_name, as_of) v;
	RETURN QUERY EXECUTE pg_catalog.format($q$
		WITH f AS MATERIALIZED (
			SELECT f.*, tu.phd_end::date AS phd_end
			FROM edupredict._tutor_feature_panel($1, $2, $3, $3) f
			JOIN %1$s tu ON tu.tutor_id::bigint OPERATOR(pg_catalog.=) f.tutor_id),
		rr AS MATERIALIZED (%2$s),
		x AS (
			SELECT f.*, h.h, h.v, $3 OPERATOR(edupredict.+) h.h AS target
			FROM f CROSS JOIN ROWS FROM (pg_catalog.unnest($4), pg_catalog.unnest($7)) h(h, v))
		SELECT x.tutor_id, x.h, x.target, pa.p, COALESCE(rr.p_response, 1.0),
			   pa.p OPERATOR(pg_catalog.*) COALESCE(rr.p_response, 1.0)
		FROM x
		CROSS JOIN LATERAL (
			SELECT edupredict.predict_proba($5 OPERATOR(pg_catalog.||) '_h' OPERATOR(pg_catalog.||) x.h,
				ROW(x.months_to_phd_end, x.n_previous_placements, x.mean_placements_per_term,
					x.terms_since_registration, x.placed_last_term,
					(x.target OPERATOR(edupredict.-) '1000 Spring'::edupredict.school_term) OPERATOR(pg_catalog.%%) 3,
					edupredict.term_season(x.target) OPERATOR(pg_catalog.=) 'Spring',
					edupredict.term_season(x.target) OPERATOR(pg_catalog.=) 'Summer',
					edupredict.term_season(x.target) OPERATOR(pg_catalog.=) 'Autumn'
				)::edupredict.availability_features,
				'1', x.v) AS p) pa
		LEFT JOIN rr ON rr.season OPERATOR(pg_catalog.=) edupredict.term_season(x.target)
					AND rr.placed_last_term OPERATOR(pg_catalog.=) x.placed_last_term
					AND rr.phd_finished OPERATOR(pg_catalog.=)
						COALESCE(x.phd_end OPERATOR(pg_catalog.<) edupredict.term_start(x.target), false)
	$q$, tutors,
		CASE WHEN responses IS NULL
			 THEN 'SELECT NULL::text AS season, NULL::boolean AS placed_last_term, NULL::boolean AS phd_finished, NULL::float8 AS p_response WHERE false'
			 ELSE 'SELECT * FROM edupredict.response_rates($1, $2, $6, $3)' END)
	USING tutors, placements, as_of, horizons, model_name, responses, versions;
END
$$;
