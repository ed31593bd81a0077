/*
 * expected_count.c
 *	  The expected_count(p float8) aggregate: the exact distribution of a sum of
 *	  independent Bernoulli(p_i) variables (Poisson-binomial), reported as its
 *	  mean, standard deviation and 10th/50th/90th percentile counts.
 *
 * The state is a plain float8[] (no serial functions needed, so parallel and
 * distributed plans can combine partial states):
 *
 *	 [0] tag   [1] n   [2] sum p   [3] sum p(1-p)   [4] offset   [5] len
 *	 [6] trimmed mass   [7 .. 7+capacity) pmf, of which the first len are used
 *
 * pmf[k] is P(S = offset + k).  Adding one Bernoulli(p) is the convex update
 * pmf'[k] = (1-p) pmf[k] + p pmf[k-1], which never subtracts, so it is stable.
 * After each update, entries below EC_TRIM_EPS at either end of the support
 * are dropped; their mass is added to "trimmed mass".  Because each update
 * only moves mass, the L1 distance between the kept pmf and the exact one is
 * at most the trimmed mass (at most about 1e-17 per input), so the
 * percentiles are exact unless a cumulative probability lies within that
 * distance of 0.1, 0.5 or 0.9.  The mass above 1e-17 lies within about nine
 * standard deviations of the mean, so the support stays O(sqrt(n)) wide and
 * n inputs cost O(n sqrt(n)) instead of the O(n^2) of the plain recursion.
 * The mean and standard deviation come from the closed forms sum p and
 * sqrt(sum p(1-p)).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#define EC_TAG			7041.0
#define EC_HEADER		7
#define EC_TRIM_EPS		1e-17
#define EC_MIN_CAPACITY	64

typedef struct EcState
{
	ArrayType  *array;
	float8	   *h;				/* header, h[EC_HEADER] is pmf[0] */
	int			capacity;
} EcState;

#define EC_N(s)			((s)->h[1])
#define EC_SUMP(s)		((s)->h[2])
#define EC_SUMPQ(s)		((s)->h[3])
#define EC_OFFSET(s)	((s)->h[4])
#define EC_LEN(s)		((s)->h[5])
#define EC_LOST(s)		((s)->h[6])
#define EC_PMF(s)		((s)->h + EC_HEADER)

/* Data of a 1-D array without a NULL bitmap (ARR_DATA_PTR trips -Wsign-compare). */
#define EC_DATA(a)	((float8 *) ((char *) (a) + ARR_OVERHEAD_NONULLS(1)))

/* a state the aggregate did not make: 22000, the errdetail written at the call */
#define ReportBadState(detail) \
	ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION), \
					errmsg("invalid expected_count state"), (detail)))

/*
 * Checks a state array's header: it may come from anywhere (a user's initcond
 * or call).  The pmf itself is checked by ReadState.
 */
static void
ReadHeader(ArrayType *a, EcState *s)
{
	int			nelems;
	float8		len,
				offset,
				n;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ReportBadState(errdetail("The state must be a one-dimensional float8 array without NULLs."));
	nelems = ARR_DIMS(a)[0];
	if (nelems < EC_HEADER + 1)
		ReportBadState(errdetail("The state array is too short."));
	s->array = a;
	s->h = EC_DATA(a);
	s->capacity = nelems - EC_HEADER;
	len = EC_LEN(s);
	offset = EC_OFFSET(s);
	n = EC_N(s);
	if (s->h[0] != EC_TAG)
		ReportBadState(errdetail("The state array does not start with the expected tag."));
	if (!(len >= 1 && len <= s->capacity && len == floor(len)))
		ReportBadState(errdetail("The pmf length is out of range."));
	if (!(offset >= 0 && offset == floor(offset) && n == floor(n) &&
		  offset + len - 1 <= n && n < 9.0e15))
		ReportBadState(errdetail("The count, offset and pmf length are inconsistent."));
	if (!(isfinite(EC_SUMP(s)) && isfinite(EC_SUMPQ(s)) && isfinite(EC_LOST(s))))
		ReportBadState(errdetail("The moments are not finite."));
}

/*
 * Checks a whole state (header and pmf) and returns the pmf's total.  Every
 * entry must be finite and non-negative (the updates only move mass, so an
 * entry below -EC_TRIM_EPS is not rounding), the entries must sum to one and
 * the trimmed mass be small (both within EC_MASS_TOL), and the header's mean
 * and variance must be those of the pmf (within EC_MOMENT_TOL relative to the
 * standard deviation and the variance, plus 1e-9 of the mean for the rounding
 * of sum p): every reader relies on them.  The tolerances are far above the
 * rounding of the updates (about n * 1e-16) and of the trimming (at most
 * about 1e-17 per input).
 */
#define EC_MASS_TOL		1e-6
#define EC_MOMENT_TOL	1e-6

static float8
ReadState(ArrayType *a, EcState *s)
{
	const float8 *pmf;
	int			len;
	float8		center,
				total = 0.0,
				m1 = 0.0,
				m2 = 0.0,
				shift,
				var;

	ReadHeader(a, s);
	pmf = EC_PMF(s);
	len = (int) EC_LEN(s);
	/* moments about the header's mean, relative to the offset, for precision */
	center = EC_SUMP(s) - EC_OFFSET(s);
	for (int k = 0; k < len; k++)
	{
		float8		v = pmf[k];
		float8		d = k - center;

		if (!(isfinite(v) && v >= -EC_TRIM_EPS))
			ReportBadState(errdetail("The pmf has a negative or non-finite entry."));
		total += v;
		m1 += d * v;
		m2 += d * d * v;
	}
	if (!(fabs(total - 1.0) <= EC_MASS_TOL))
		ReportBadState(errdetail("The pmf does not sum to one."));
	if (!(EC_LOST(s) >= 0.0 && EC_LOST(s) <= EC_MASS_TOL))
		ReportBadState(errdetail("The trimmed mass is out of range."));
	shift = m1 / total;			/* the pmf's mean minus the header's */
	var = m2 / total - shift * shift;
	if (!(fabs(shift) <= EC_MOMENT_TOL * (1.0 + sqrt(fabs(EC_SUMPQ(s)))) + 1e-9 * fabs(EC_SUMP(s)) &&
		  fabs(var - EC_SUMPQ(s)) <= EC_MOMENT_TOL * (1.0 + fabs(EC_SUMPQ(s)))))
		ReportBadState(errdetail("The mean and variance in the header are not those of the pmf."));
	return total;
}

static ArrayType *
AllocState(int capacity)
{
	Size		nelems = add_size(EC_HEADER, capacity);
	Size		bytes;
	ArrayType  *a;

	if (nelems > MaxAllocSize / sizeof(float8) / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("expected_count distribution too wide"),
				 errdetail("The support would need %zu entries.", nelems)));
	bytes = add_size(ARR_OVERHEAD_NONULLS(1), mul_size(nelems, sizeof(float8)));
	a = (ArrayType *) palloc0(bytes);
	SET_VARSIZE(a, bytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = (int) nelems;
	ARR_LBOUND(a)[0] = 1;
	return a;
}

/* Drops entries below the threshold at both ends, keeping at least one. */
static void
TrimTails(EcState *s)
{
	float8	   *pmf = EC_PMF(s);
	int			len = (int) EC_LEN(s);
	int			lead = 0;
	float8		lost = 0.0;

	while (len > 1 && pmf[len - 1] < EC_TRIM_EPS)
		lost += pmf[--len];
	while (lead < len - 1 && pmf[lead] < EC_TRIM_EPS)
		lost += pmf[lead++];
	if (lead > 0)
	{
		memmove(pmf, pmf + lead, (len - lead) * sizeof(float8));
		len -= lead;
		EC_OFFSET(s) += lead;
	}
	EC_LEN(s) = len;
	EC_LOST(s) += lost;
}

PG_FUNCTION_INFO_V1(expected_count_trans);
Datum
expected_count_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	EcState		s;
	float8		p = PG_GETARG_FLOAT8(1);
	float8		q;
	float8	   *pmf;
	int			len;
	int			k;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("expected_count_trans called in non-aggregate context")));
	/*
	 * p is a value of the aggregated rows: the message says which way it is
	 * out of range, not the value (STYLE.md section 8)
	 */
	if (!(p >= 0.0 && p <= 1.0))	/* also catches NaN */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected_count probability must be between 0 and 1"),
				 isnan(p) ? errdetail("A row's probability is NaN.") :
				 p < 0.0 ? errdetail("A row's probability is below 0.") :
				 errdetail("A row's probability is above 1.")));

	/*
	 * Called as an aggregate: the state is ours to update in place.  Only its
	 * header is checked here: the pmf check costs about twice the update, and
	 * a forged initial pmf stays forged in the result, which every function
	 * reading a state (ReadState) refuses.
	 */
	ReadHeader(PG_GETARG_ARRAYTYPE_P(0), &s);
	q = 1.0 - p;
	EC_N(&s) += 1;
	EC_SUMP(&s) += p;
	EC_SUMPQ(&s) += p * q;
	if (p == 0.0)
		PG_RETURN_ARRAYTYPE_P(s.array);
	if (p == 1.0)
	{
		EC_OFFSET(&s) += 1;
		PG_RETURN_ARRAYTYPE_P(s.array);
	}

	len = (int) EC_LEN(&s);
	if (len + 1 > s.capacity)
	{
		/*
		 * Grow by doubling.  The new array is allocated in the per-call
		 * context; nodeAgg copies it into the aggregate context and frees the
		 * old state.
		 */
		ArrayType  *bigger = AllocState(Max(EC_MIN_CAPACITY, s.capacity * 2));

		memcpy(EC_DATA(bigger), s.h, (EC_HEADER + len) * sizeof(float8));
		ReadHeader(bigger, &s);
	}
	pmf = EC_PMF(&s);
	pmf[len] = pmf[len - 1] * p;
	for (k = len - 1; k > 0; k--)
		pmf[k] = pmf[k] * q + pmf[k - 1] * p;
	pmf[0] *= q;
	EC_LEN(&s) = len + 1;
	TrimTails(&s);
	PG_RETURN_ARRAYTYPE_P(s.array);
}

PG_FUNCTION_INFO_V1(expected_count_combine);
Datum
expected_count_combine(PG_FUNCTION_ARGS)
{
	EcState		a,
				b,
				r;
	int			la,
				lb,
				i;
	ArrayType  *result;

	ReadState(PG_GETARG_ARRAYTYPE_P(0), &a);
	ReadState(PG_GETARG_ARRAYTYPE_P(1), &b);
	la = (int) EC_LEN(&a);
	lb = (int) EC_LEN(&b);
	if (EC_N(&a) + EC_N(&b) >= 9.0e15)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("expected_count input count too large")));

	result = AllocState(la + lb - 1);
	r.array = result;
	r.h = EC_DATA(result);
	r.capacity = la + lb - 1;
	r.h[0] = EC_TAG;
	EC_N(&r) = EC_N(&a) + EC_N(&b);
	EC_SUMP(&r) = EC_SUMP(&a) + EC_SUMP(&b);
	EC_SUMPQ(&r) = EC_SUMPQ(&a) + EC_SUMPQ(&b);
	EC_OFFSET(&r) = EC_OFFSET(&a) + EC_OFFSET(&b);
	EC_LEN(&r) = la + lb - 1;
	EC_LOST(&r) = EC_LOST(&a) + EC_LOST(&b);

	/* Direct convolution: the supports are O(sqrt(n)) wide after trimming. */
	for (i = 0; i < la; i++)
	{
		float8		ai = EC_PMF(&a)[i];
		float8	   *out = EC_PMF(&r) + i;
		const float8 *bp = EC_PMF(&b);
		int			j;

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < lb; j++)
			out[j] += ai * bp[j];
	}
	TrimTails(&r);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* Smallest count whose cumulative probability reaches q (inverse CDF). */
static int64
Quantile(EcState *s, float8 total, float8 q)
{
	float8	   *pmf = EC_PMF(s);
	int			len = (int) EC_LEN(s);
	float8		target = q * total * (1.0 - 1e-12);
	float8		cum = 0.0;
	int			k;

	for (k = 0; k < len - 1; k++)
	{
		cum += pmf[k];
		if (cum >= target)
			break;
	}
	return (int64) EC_OFFSET(s) + k;
}

PG_FUNCTION_INFO_V1(expected_count_final);
Datum
expected_count_final(PG_FUNCTION_ARGS)
{
	EcState		s;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	float8		total;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "expected_count_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	total = ReadState(PG_GETARG_ARRAYTYPE_P(0), &s);
	values[0] = Float8GetDatum(EC_SUMP(&s));
	values[1] = Float8GetDatum(sqrt(Max(EC_SUMPQ(&s), 0.0)));
	values[2] = Int64GetDatum(Quantile(&s, total, 0.1));
	values[3] = Int64GetDatum(Quantile(&s, total, 0.5));
	values[4] = Int64GetDatum(Quantile(&s, total, 0.9));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Count distributions as values (issue 14): the aggregate's state is also the
 * representation of a count distribution that SQL can combine.  Independent
 * parts combine by convolution (expected_count_combine), a Poisson part is
 * count_poisson(mu), and count_summary / count_mass read a state.
 */

/* Largest Poisson mean accepted: its support (about mu +- 9 sqrt(mu)) stays small. */
#define EC_MAX_POISSON_MEAN 1.0e7

PG_FUNCTION_INFO_V1(count_poisson);
Datum
count_poisson(PG_FUNCTION_ARGS)
{
	float8		mu = PG_GETARG_FLOAT8(0);
	int64		mode;
	int64		lo,
				hi;
	float8		pmode;
	float8		p;
	float8		kept = 0.0;
	ArrayType  *result;
	float8	   *h;
	float8	   *pmf;
	int64		k;

	/*
	 * mu may be a value of the caller's rows (a pupil's expected count): the
	 * message says which way it is out of range, not the value (STYLE.md
	 * section 8)
	 */
	if (!(mu >= 0.0 && mu <= EC_MAX_POISSON_MEAN))	/* also catches NaN */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("poisson mean must be between 0 and %g", EC_MAX_POISSON_MEAN),
				 isnan(mu) ? errdetail("Argument mu is NaN.") :
				 mu < 0.0 ? errdetail("Argument mu is below 0.") :
				 errdetail("Argument mu is above %g.", EC_MAX_POISSON_MEAN)));

	/* The pmf is computed outwards from the mode, where it is largest. */
	mode = (int64) floor(mu);
	pmode = (mu == 0.0) ? 1.0 : exp(-mu + mode * log(mu) - lgamma((double) mode + 1.0));
	lo = mode;
	for (p = pmode; lo > 0; lo--)
	{
		p *= (float8) lo / mu;
		if (p < EC_TRIM_EPS)
			break;
	}
	hi = mode;
	for (p = pmode; mu > 0.0; hi++)
	{
		p *= mu / (float8) (hi + 1);
		if (p < EC_TRIM_EPS)
			break;
	}

	result = AllocState((int) (hi - lo + 1));
	h = EC_DATA(result);
	pmf = h + EC_HEADER;
	pmf[mode - lo] = pmode;
	for (k = mode - 1, p = pmode; k >= lo; k--)
		pmf[k - lo] = (p *= (float8) (k + 1) / mu);
	for (k = mode + 1, p = pmode; k <= hi; k++)
		pmf[k - lo] = (p *= mu / (float8) k);
	for (k = 0; k <= hi - lo; k++)
		kept += pmf[k];

	h[0] = EC_TAG;
	h[1] = (float8) hi;			/* n: the largest count the state can hold */
	h[2] = mu;
	h[3] = mu;					/* Poisson: variance = mean */
	h[4] = (float8) lo;
	h[5] = (float8) (hi - lo + 1);
	h[6] = Max(0.0, 1.0 - kept);
	PG_RETURN_ARRAYTYPE_P(result);
}

PG_FUNCTION_INFO_V1(count_mass);
Datum
count_mass(PG_FUNCTION_ARGS)
{
	EcState		s;
	int64		lo = PG_GETARG_INT64(1);
	int64		hi = PG_GETARG_INT64(2);
	float8		total;
	float8		inside = 0.0;
	int			k;

	total = ReadState(PG_GETARG_ARRAYTYPE_P(0), &s);
	for (k = 0; k < (int) EC_LEN(&s); k++)
	{
		int64		count = (int64) EC_OFFSET(&s) + k;

		if (count >= lo && count <= hi)
			inside += EC_PMF(&s)[k];
	}
	PG_RETURN_FLOAT8(inside / total);
}

/*
 * count_widen(state, sd): the count plus an independent Normal(0, sd^2) error,
 * rounded to the nearest integer, with the mass that would fall below zero put
 * at zero: a count is never negative.  Rounding (rather than sampling the
 * density at the integers) keeps the error's variance near sd^2 also when sd
 * is below 1, where a sampled density would put almost all its mass on 0.
 * The supply forecasts add it for the shared error learnt from their past
 * forecasts, which the Poisson-binomial cannot see.  The header's moments
 * become those of the widened pmf, so later convolutions add its variance.
 */
#define EC_MAX_WIDEN_SD 1.0e4

/* Q(x) = P(Z > x) for a standard normal Z. */
static float8
NormalUpperTail(float8 x)
{
	return 0.5 * erfc(x / M_SQRT2);
}

PG_FUNCTION_INFO_V1(count_widen);
Datum
count_widen(PG_FUNCTION_ARGS)
{
	EcState		s,
				r;
	float8		sd = PG_GETARG_FLOAT8(1);
	int			len,
				reach,
				k,
				j;
	int64		lo,
				hi;
	float8	   *w;
	float8		wsum = 0.0,
				total = 0.0,
				mean = 0.0,
				var = 0.0;

	/* sd may be a value of the caller's rows: described, not shown, as mu is */
	if (!(sd >= 0.0 && sd <= EC_MAX_WIDEN_SD))	/* also catches NaN */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("error standard deviation must be between 0 and %g", EC_MAX_WIDEN_SD),
				 isnan(sd) ? errdetail("Argument sd is NaN.") :
				 sd < 0.0 ? errdetail("Argument sd is below 0.") :
				 errdetail("Argument sd is above %g.", EC_MAX_WIDEN_SD)));
	(void) ReadState(PG_GETARG_ARRAYTYPE_P(0), &s);
	len = (int) EC_LEN(&s);
	reach = (sd == 0.0) ? 0 : (int) ceil(9.0 * sd + 0.5);
	if (EC_OFFSET(&s) + len - 1 + reach >= 9.0e15)
		ReportBadState(errdetail("The count is too large to widen."));
	if (reach == 0)
		PG_RETURN_ARRAYTYPE_P(PG_GETARG_ARRAYTYPE_P_COPY(0));

	/* P(round(e) = j) = Q((|j| - 1/2) / sd) - Q((|j| + 1/2) / sd); upper tails stay exact. */
	w = palloc((2 * (Size) reach + 1) * sizeof(float8));
	w[reach] = 1.0 - 2.0 * NormalUpperTail(0.5 / sd);
	wsum = w[reach];
	for (j = 1; j <= reach; j++)
	{
		w[reach + j] = w[reach - j] = NormalUpperTail((j - 0.5) / sd) - NormalUpperTail((j + 0.5) / sd);
		wsum += 2.0 * w[reach + j];
	}

	lo = Max((int64) EC_OFFSET(&s) - reach, 0);
	hi = (int64) EC_OFFSET(&s) + len - 1 + reach;
	r.array = AllocState((int) (hi - lo + 1));
	r.h = EC_DATA(r.array);
	r.capacity = (int) (hi - lo + 1);
	for (k = 0; k < len; k++)
	{
		float8		pk = EC_PMF(&s)[k] / wsum;
		int64		base = (int64) EC_OFFSET(&s) + k;

		CHECK_FOR_INTERRUPTS();
		for (j = -reach; j <= reach; j++)
			EC_PMF(&r)[Max(base + j, 0) - lo] += pk * w[j + reach];
	}
	pfree(w);

	/* Moments of the widened pmf, about its offset for precision. */
	total = 0.0;
	for (k = 0; k <= hi - lo; k++)
	{
		total += EC_PMF(&r)[k];
		mean += k * EC_PMF(&r)[k];
	}
	mean /= total;
	for (k = 0; k <= hi - lo; k++)
		var += (k - mean) * (k - mean) * EC_PMF(&r)[k];
	r.h[0] = EC_TAG;
	EC_N(&r) = Max(EC_N(&s), (float8) hi);
	EC_SUMP(&r) = lo + mean;
	EC_SUMPQ(&r) = var / total;
	EC_OFFSET(&r) = (float8) lo;
	EC_LEN(&r) = (float8) (hi - lo + 1);
	EC_LOST(&r) = EC_LOST(&s);
	TrimTails(&r);
	PG_RETURN_ARRAYTYPE_P(r.array);
}
