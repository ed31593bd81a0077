
-- Count distributions as values (issue 14, src/expected_count.c): the float8[] state of
-- expected_count is also a count distribution that SQL can keep, combine and read.  Independent
-- parts combine exactly by convolution (never by adding percentiles).
CREATE FUNCTION edupredict.count_poisson(mu double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'count_poisson' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_poisson(double precision) IS
'the distribution of a Poisson(mu) count as a count state (tails below 1e-17 trimmed), mu from 0 to 1e7';

CREATE FUNCTION edupredict.count_convolve(a double precision[], b double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'expected_count_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_convolve(double precision[], double precision[]) IS
'the distribution of the sum of two independent counts given as count states (exact convolution)';

CREATE FUNCTION edupredict.count_summary(state double precision[])
RETURNS edupredict.count_distribution
AS 'MODULE_PATHNAME', 'expected_count_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_summary(double precision[]) IS
'mean, standard deviation and 10th/50th/90th percentile counts of a count state';

CREATE FUNCTION edupredict.count_mass(state double precision[], lo bigint, hi bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'count_mass' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_mass(double precision[], bigint, bigint) IS
'the probability that a count with this state lies between lo and hi inclusive';

CREATE FUNCTION edupredict.count_widen(state double precision[], sd double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'count_widen' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.count_widen(double precision[], double precision) IS
'the distribution of a count plus an independent Normal(0, sd^2) error discretised on the integers, mass below zero put at zero (sd from 0 to 1e4); the supply forecasts add the error learnt from their past forecasts this way';

CREATE AGGREGATE edupredict.expected_count_state(p double precision) (
	SFUNC = edupredict.expected_count_trans,
	STYPE = double precision[],
	COMBINEFUNC = edupredict.expected_count_combine,
	INITCOND = '{7041,0,0,0,0,1,0,1}',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.expected_count_state(double precision) IS
'the Poisson-binomial distribution of the number of successes among independent events with probabilities p, as a count state (see count_summary, count_convolve)';

CREATE AGGREGATE edupredict.convolve_counts(state double precision[]) (
	SFUNC = edupredict.count_convolve,
	STYPE = double precision[],
	COMBINEFUNC = edupredict.count_convolve,
	INITCOND = '{7041,0,0,0,0,1,0,1}',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.convolve_counts(double precision[]) IS
'the distribution of the sum of independent counts given as count states (exact convolution); NULL states are skipped';
