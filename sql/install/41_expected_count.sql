
-- expected_count(p): Poisson-binomial distribution of a count (src/expected_count.c, docs/forecasting.md).
CREATE TYPE edupredict.count_distribution AS (
	expected double precision,
	sd double precision,
	p10 bigint,
	p50 bigint,
	p90 bigint
);
COMMENT ON TYPE edupredict.count_distribution IS
'distribution of a count: mean, standard deviation and the 10th, 50th and 90th percentile counts';

CREATE FUNCTION edupredict.expected_count_trans(state double precision[], p double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'expected_count_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.expected_count_combine(a double precision[], b double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'expected_count_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.expected_count_final(state double precision[])
RETURNS edupredict.count_distribution
AS 'MODULE_PATHNAME', 'expected_count_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.expected_count_trans(double precision[], double precision) IS
'expected_count transition: convolves the count pmf with one Bernoulli(p)';
COMMENT ON FUNCTION edupredict.expected_count_combine(double precision[], double precision[]) IS
'expected_count combine: convolves two partial count pmfs';
COMMENT ON FUNCTION edupredict.expected_count_final(double precision[]) IS
'expected_count final: mean, sd and 10th/50th/90th percentile counts';

-- State: {tag, n, sum p, sum p(1-p), offset, pmf length, trimmed mass, pmf...}; starts as a point mass at 0.
CREATE AGGREGATE edupredict.expected_count(p double precision) (
	SFUNC = edupredict.expected_count_trans,
	STYPE = double precision[],
	FINALFUNC = edupredict.expected_count_final,
	COMBINEFUNC = edupredict.expected_count_combine,
	INITCOND = '{7041,0,0,0,0,1,0,1}',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE edupredict.expected_count(double precision) IS
'exact distribution of the number of successes among independent events with probabilities p (Poisson-binomial): (expected, sd, p10, p50, p90); NULLs are ignored';
