/*
 * panel_series.c - one entity's panel rows from its buckets.
 *
 * Rows run from the period of the entity's start (the spine's start, or its
 * first event) to the period of the earliest of its end, its until and the
 * last unit before as_of (without as_of: the last unit of any event or spine
 * date), every period in between included.  Per row: the measures, value
 * measures of periods without values filled (zero, carry_forward or
 * interpolate), lags and rolling means of every measure over the entity's
 * earlier rows only, and the label over the next h periods:
 *   true  when the event is seen in those periods (before as_of);
 *   false when it is not and those periods are fully known: every day of
 *         them has ended by as_of (the day holding a mid-day as_of has not:
 *         its later events are not read), or comes after the entity's end or
 *         until that passed before as_of (an ended entity has no further
 *         events, no activity, and cannot end again); for label 'end' an
 *         until is no such stop: an end after it may be recorded at or after
 *         as_of, which hides it, so only days ended by as_of are known;
 *   NULL  otherwise (censored), and for label 'end' on the row of the end.
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "utils/date.h"

#include "panel.h"

#define UNKNOWN_LABEL	(-1)

struct PanelSeries
{
	const PanelSpec *spec;
	MemoryContext cxt;
	int			cap;
	int			nrows;
	int32		p0;
	int64		origin;
	double	   *val;			/* nrows x nmeasures */
	bool	   *nul;
	bool	   *seen;			/* nrows x nvalues: the period had a value */
	int8	   *label;
};

int
panel_series_ncols(const PanelSpec *s)
{
	return s->nkeys + 2 + s->nmeasures * (1 + s->nlags + s->nrolling) + (s->label != PL_NONE);
}

PanelSeries *
panel_series_create(const PanelSpec *spec, MemoryContext cxt)
{
	PanelSeries *s = MemoryContextAllocZero(cxt, sizeof(PanelSeries));

	s->spec = spec;
	s->cxt = cxt;
	return s;
}

static void
Reserve(PanelSeries *s, int n)
{
	const PanelSpec *sp = s->spec;
	int			m = Max(sp->nmeasures, 1),
				v = Max(sp->nvalues, 1);

	if (n <= s->cap)
		return;
	if (s->cap)
	{
		pfree(s->val);
		pfree(s->nul);
		pfree(s->seen);
		pfree(s->label);
	}
	s->cap = Max(n, s->cap * 2);
	s->val = MemoryContextAllocHuge(s->cxt, sizeof(double) * m * s->cap);
	s->nul = MemoryContextAllocHuge(s->cxt, sizeof(bool) * m * s->cap);
	s->seen = MemoryContextAllocHuge(s->cxt, sizeof(bool) * v * s->cap);
	s->label = MemoryContextAllocHuge(s->cxt, sizeof(int8) * s->cap);
}

static double *
BucketAt(const PanelEntity *e, int32 p, int stride)
{
	if (e->n == 0 || p < e->lo || p >= e->lo + e->n)
		return NULL;
	return e->b + (int64) (p - e->lo) * stride;
}

static int
ActiveUnits(const PanelSpec *sp, const PanelEntity *e, int32 p)
{
	int			n = 0;
	double	   *b = BucketAt(e, p, sp->stride);
	const uint64 *m;

	if (b == NULL)
		return 0;
	m = panel_bucket_mask(sp, b);
	for (int w = 0; w < sp->mask_words; w++)
		n += pg_popcount64(m[w]);
	return n;
}

/* Measures of row r as observed (value measures without values are NULL). */
static void
Observe(PanelSeries *s, const PanelEntity *e, int r, int32 *last_active)
{
	const PanelSpec *sp = s->spec;
	int32		p = s->p0 + r;
	const double *b = BucketAt(e, p, sp->stride);
	double	   *val = s->val + (int64) r * sp->nmeasures;
	bool	   *nul = s->nul + (int64) r * sp->nmeasures;

	if (b && b[0] > 0)
		*last_active = p;
	for (int v = 0; v < sp->nvalues; v++)
		s->seen[(int64) r * sp->nvalues + v] = b && b[sp->sum_slot[v]] > 0;
	for (int m = 0; m < sp->nmeasures; m++)
	{
		const PanelMeasure *pm = &sp->measures[m];
		bool		seen = pm->value >= 0 && s->seen[(int64) r * sp->nvalues + pm->value];

		nul[m] = false;
		switch (pm->kind)
		{
			case PM_COUNT:
				val[m] = b ? b[0] : 0;
				break;
			case PM_DAYS_ACTIVE:
				val[m] = ActiveUnits(sp, e, p);
				break;
			case PM_SINCE_LAST:
				/* before any activity: periods since the one before the start */
				val[m] = *last_active != PG_INT32_MIN ? p - *last_active : r + 1;
				break;
			case PM_SUM:
				val[m] = seen ? b[sp->sum_slot[pm->value] + 1] : 0;
				nul[m] = !seen && sp->fill != PF_ZERO;
				break;
			case PM_MEAN:
				val[m] = seen ? b[sp->sum_slot[pm->value] + 1] / b[sp->sum_slot[pm->value]] : 0;
				nul[m] = !seen;
				break;
			case PM_MAX:
				val[m] = seen ? b[sp->max_slot[pm->value]] : 0;
				nul[m] = !seen;
				break;
			case PM_MIN:
				val[m] = seen ? b[sp->min_slot[pm->value]] : 0;
				nul[m] = !seen;
				break;
		}
	}
}

/* carry_forward and interpolate: periods without values of a value measure. */
static void
Fill(PanelSeries *s, int m)
{
	const PanelSpec *sp = s->spec;
	int			nm = sp->nmeasures,
				v = sp->measures[m].value,
				prev = -1;

	for (int r = 0; r < s->nrows; r++)
	{
		int			next;

		if (s->seen[(int64) r * sp->nvalues + v])
		{
			prev = r;
			continue;
		}
		if (prev < 0)
			continue;			/* before the first value: stays NULL */
		s->val[(int64) r * nm + m] = s->val[(int64) prev * nm + m];
		s->nul[(int64) r * nm + m] = false;
		if (sp->fill != PF_INTERPOLATE)
			continue;
		for (next = r + 1; next < s->nrows && !s->seen[(int64) next * sp->nvalues + v]; next++)
			;
		if (next < s->nrows)
		{
			double		a = s->val[(int64) prev * nm + m],
						b = s->val[(int64) next * nm + m];

			s->val[(int64) r * nm + m] = a + (b - a) * (double) (r - prev) / (double) (next - prev);
		}
	}
}

/*
 * Label of row r, from the buckets of the next h periods.  They are complete
 * when they end by known_until (every unit up to it is known), or begin after
 * the period gone (none of the entity's units after it exist).
 */
static int8
Label(const PanelSeries *s, const PanelEntity *e, int r, int32 p1, int64 known_until, int64 gone)
{
	const PanelSpec *sp = s->spec;
	int32		p = s->p0 + r;
	bool		complete = known_until == PG_INT64_MAX || (int64) p + 1 > gone ||
		(int64) p + sp->horizon < panel_period_of(&sp->period, known_until + 1, s->origin);

	if (sp->label == PL_END)
	{
		int32		pe;

		if (e->end == PANEL_NO_UNIT)
		{
			/* an until passed does not rule out an end after it, hidden by as_of */
			if (sp->known_last != PANEL_NO_UNIT)
				complete = (int64) p + sp->horizon <
					panel_period_of(&sp->period, sp->known_last + 1, s->origin);
			return complete ? 0 : UNKNOWN_LABEL;
		}
		pe = panel_period_of(&sp->period, e->end, s->origin);
		if (pe <= p)
			return UNKNOWN_LABEL;
		return pe <= (int64) p + sp->horizon;
	}
	for (int64 q = (int64) p + 1; q <= (int64) p + sp->horizon && q <= p1; q++)
	{
		const double *b = BucketAt(e, (int32) q, sp->stride);

		if (sp->label == PL_EVENT && b && b[sp->label_slot] > 0)
			return 1;
		if (sp->label == PL_INACTIVE && b && b[0] > 0)
			return 0;
	}
	if (!complete)
		return UNKNOWN_LABEL;
	return sp->label == PL_INACTIVE;
}

/*
 * Computes an entity's rows; returns their number (0: none) and the period
 * of the first.
 */
int
panel_series_compute(PanelSeries *s, const PanelData *pd, const PanelEntity *e, int32 *first_period)
{
	const PanelSpec *sp = s->spec;
	int64		last = sp->as_of_last != PANEL_NO_UNIT ? sp->as_of_last : pd->max_unit,
				known_until = sp->known_last != PANEL_NO_UNIT ? sp->known_last : pd->max_unit,
				gone = PG_INT64_MAX;
	int32		p1,
				last_active = PG_INT32_MIN;

	if (e->start == PANEL_NO_UNIT)
		return 0;
	if (e->end != PANEL_NO_UNIT || e->until != PANEL_NO_UNIT)
	{
		/* the entity's life is over before as_of: its future is known */
		int64		stop = e->end != PANEL_NO_UNIT ? e->end : e->until;

		if (e->end != PANEL_NO_UNIT && e->until != PANEL_NO_UNIT)
			stop = Min(e->end, e->until);
		last = Min(last, stop);
		/* nothing after the stop; the stop's own day is known once it has ended */
		if (stop <= known_until)
			known_until = PG_INT64_MAX;
		else
			gone = panel_period_of(&sp->period, stop, e->origin);
	}
	if (last < e->start)
		return 0;
	s->origin = e->origin;
	s->p0 = panel_period_of(&sp->period, e->start, e->origin);
	p1 = panel_period_of(&sp->period, last, e->origin);
	if ((int64) p1 - s->p0 + 1 > (int64) (MaxAllocHugeSize / sizeof(double) / Max(sp->nmeasures, 1)) ||
		(int64) p1 - s->p0 + 1 > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("an entity would have too many periods"),
				 errdetail("Its rows would span %lld periods; at most %d are allowed.",
						   (long long) ((int64) p1 - s->p0 + 1), PG_INT32_MAX / 2),
				 errhint("Use a wider period, or check the times of its events and of its spine row.")));
	s->nrows = p1 - s->p0 + 1;
	Reserve(s, s->nrows);
	for (int r = 0; r < s->nrows; r++)
		Observe(s, e, r, &last_active);
	if (sp->fill != PF_ZERO)
		for (int m = 0; m < sp->nmeasures; m++)
			if (sp->measures[m].value >= 0)
				Fill(s, m);
	if (sp->label != PL_NONE)
		for (int r = 0; r < s->nrows; r++)
			s->label[r] = Label(s, e, r, p1, known_until, gone);
	*first_period = s->p0;
	return s->nrows;
}

static Datum
MeasureDatum(PanelMeasureKind kind, double v)
{
	switch (kind)
	{
		case PM_COUNT:
			return Int64GetDatum((int64) v);
		case PM_DAYS_ACTIVE:
		case PM_SINCE_LAST:
			return Int32GetDatum((int32) v);
		default:
			return Float8GetDatum(v);
	}
}

/* Mean of measure m over rows lo..r that have a value; false if none. */
static bool
Rolling(const PanelSeries *s, int m, int lo, int r, double *out)
{
	int			nm = s->spec->nmeasures,
				n = 0;
	double		sum = 0;

	for (int i = Max(lo, 0); i <= r; i++)
		if (!s->nul[(int64) i * nm + m])
		{
			sum += s->val[(int64) i * nm + m];
			n++;
		}
	if (n == 0)
		return false;
	*out = sum / n;
	return true;
}

/* Fills the columns after the entity keys for row r. */
void
panel_series_row(PanelSeries *s, int r, Datum *values, bool *nulls)
{
	const PanelSpec *sp = s->spec;
	int			c = sp->nkeys,
				nm = sp->nmeasures;
	int32		p = s->p0 + r;
	int64		start = panel_period_start(&sp->period, p, s->origin);

	values[c] = Int32GetDatum(p);
	nulls[c++] = false;
	values[c] = sp->period.tkind == PT_INTEGER ? Int64GetDatum(start) : DateADTGetDatum((DateADT) start);
	nulls[c++] = false;
	for (int m = 0; m < nm; m++, c++)
	{
		nulls[c] = s->nul[(int64) r * nm + m];
		values[c] = nulls[c] ? (Datum) 0 : MeasureDatum(sp->measures[m].kind, s->val[(int64) r * nm + m]);
	}
	for (int m = 0; m < nm; m++)
	{
		for (int l = 0; l < sp->nlags; l++, c++)
		{
			int			q = r - sp->lags[l];

			nulls[c] = q < 0 || s->nul[(int64) q * nm + m];
			values[c] = nulls[c] ? (Datum) 0 : MeasureDatum(sp->measures[m].kind, s->val[(int64) q * nm + m]);
		}
		for (int k = 0; k < sp->nrolling; k++, c++)
		{
			double		mean;

			nulls[c] = !Rolling(s, m, r - sp->rolling[k] + 1, r, &mean);
			values[c] = nulls[c] ? (Datum) 0 : Float8GetDatum(mean);
		}
	}
	if (sp->label != PL_NONE)
	{
		nulls[c] = s->label[r] == UNKNOWN_LABEL;
		values[c] = BoolGetDatum(s->label[r] == 1);
	}
}
