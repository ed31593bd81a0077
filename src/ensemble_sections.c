/*
 * ensemble_sections.c - the optional sections of a format-2 model
 * (PG-free): written after the last tree, before the checksum, and
 * validated as strictly as the trees.
 *
 *   section  u8 tag u8 0 u16 0 | u32 payload bytes | payload
 *
 * Tags appear at most once, in increasing order:
 *   1 cover       per leaf, in node order: training rows reaching it, as an
 *                 unsigned LEB128 varint (shortest form); a split's cover is
 *                 the sum of its children's (derived, not stored); every
 *                 tree's root has the same cover, at least 1
 *   2 classes     n_classes x u32: training rows per class
 *   3 histograms  per feature (n_bins + 1) x u32: training rows per bin,
 *                 then missing; every feature counts the same rows
 *   4 predictions u8 source u8 0 u16 0 u32 n_out | per output { u32 n_edges |
 *                 n_edges x f64 (finite, increasing) | (n_edges + 1) x u32 }
 *   5 calibrator  u8 method u8 0 u16 0 u32 n | sigmoid: n x (f64 a, f64 b) |
 *                 isotonic: n x { u32 knots | knots x f64 x | knots x f64 y }
 *                 (x increasing in [0, 1], y non-decreasing in [0, 1])
 *   6 threshold   u32 class u32 0 f64 threshold (in [0, 1])
 *
 * Row totals must agree between sections (cover root, class counts and
 * histograms all count the training rows).  A first pass (ens_ext_scan)
 * checks what the bytes alone decide and sizes the memory; the second
 * (ens_ext_fill), with the trees parsed, derives the splits' covers and
 * checks the roots.
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

enum
{
	TAG_COVER = 1,
	TAG_CLASSES = 2,
	TAG_HIST = 3,
	TAG_PRED = 4,
	TAG_CALIB = 5,
	TAG_THRESHOLD = 6
};

#define SECTION_HEADER 8

/* ---------- owned extras (built by training, calibration, profiling) ---------- */

EnsExtras *
ens_ext_new(const EnsAlloc *al)
{
	EnsExtras  *x = al->alloc(al->ctx, sizeof(EnsExtras));

	if (x == NULL)
		return NULL;
	memset(x, 0, sizeof(*x));
	x->owned = true;
	return x;
}

/* Zeroed memory freed with the extras; NULL when out of memory or slots. */
void *
ens_ext_alloc(EnsExtras *x, const EnsAlloc *al, size_t bytes)
{
	void	   *p;

	if (x->n_mem >= (int) (sizeof(x->mem) / sizeof(x->mem[0])))
		return NULL;
	p = al->alloc(al->ctx, bytes ? bytes : 1);
	if (p == NULL)
		return NULL;
	memset(p, 0, bytes ? bytes : 1);
	x->mem[x->n_mem++] = p;
	return p;
}

void
ens_ext_free(EnsExtras *x, const EnsAlloc *al)
{
	int			i;

	if (x == NULL || !x->owned)
		return;
	ens_ext_free(x->keep, al);
	for (i = 0; i < x->n_mem; i++)
		al->free(al->ctx, x->mem[i]);
	al->free(al->ctx, x);
}

/* ---------- writer ---------- */

static size_t
VarLen(uint32_t v)
{
	size_t		n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

/* leaf covers as varints */
static size_t
CoverBytes(const EnsModel *m)
{
	size_t		sz = 0;
	uint32_t	i;

	for (i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].flags & FN_LEAF)
			sz += VarLen(m->ext->cover[i]);
	return sz;
}

static uint8_t *
PutCovers(uint8_t *p, const EnsModel *m)
{
	uint32_t	i;

	for (i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].flags & FN_LEAF)
		{
			uint32_t	v = m->ext->cover[i];

			while (v >= 0x80)
			{
				*p++ = (uint8_t) (v | 0x80);
				v >>= 7;
			}
			*p++ = (uint8_t) v;
		}
	return p;
}

static uint32_t
HistLen(const EnsModel *m)
{
	return m->ext->hist_off[m->n_features];
}

static size_t
PredBytes(const EnsPredHist *ph)
{
	return 8 + (size_t) ph->n_out * 8 + (size_t) ph->off[ph->n_out] * 12;
}

static size_t
CalBytes(const EnsCalib *c)
{
	if (c->method == ENS_CAL_SIGMOID)
		return 8 + (size_t) c->n * 16;
	return 8 + (size_t) c->n * 4 + (size_t) c->off[c->n] * 16;
}

size_t
ens_ext_size(const EnsModel *m)
{
	const EnsExtras *x = m->ext;
	size_t		sz = 0;

	if (x == NULL)
		return 0;
	if (x->cover)
		sz += SECTION_HEADER + CoverBytes(m);
	if (x->class_count)
		sz += SECTION_HEADER + (size_t) m->n_classes * 4;
	if (x->hist)
		sz += SECTION_HEADER + (size_t) HistLen(m) * 4;
	if (x->pred.n_out)
		sz += SECTION_HEADER + PredBytes(&x->pred);
	if (x->cal.method)
		sz += SECTION_HEADER + CalBytes(&x->cal);
	if (x->has_threshold)
		sz += SECTION_HEADER + 16;
	return sz;
}

static uint8_t *
Put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) v;
	p[1] = (uint8_t) (v >> 8);
	p[2] = (uint8_t) (v >> 16);
	p[3] = (uint8_t) (v >> 24);
	return p + 4;
}

static uint8_t *
PutF64(uint8_t *p, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	p = Put32(p, (uint32_t) v);
	return Put32(p, (uint32_t) (v >> 32));
}

static uint8_t *
PutHeader(uint8_t *p, int tag, size_t len)
{
	p[0] = (uint8_t) tag;
	p[1] = p[2] = p[3] = 0;
	return Put32(p + 4, (uint32_t) len);
}

static uint8_t *
PutCounts(uint8_t *p, const uint32_t *v, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		p = Put32(p, v[i]);
	return p;
}

static uint8_t *
WritePred(uint8_t *p, const EnsPredHist *ph)
{
	uint32_t	k,
				i;

	p[0] = ph->source;
	p[1] = p[2] = p[3] = 0;
	p = Put32(p + 4, ph->n_out);
	for (k = 0; k < ph->n_out; k++)
	{
		uint32_t	ne = ph->off[k + 1] - ph->off[k];

		p = Put32(p, ne);
		for (i = 0; i < ne; i++)
			p = PutF64(p, ph->edges[ph->off[k] + i]);
		p = PutCounts(p, ph->counts + ph->off[k] + k, ne + 1);
	}
	return p;
}

static uint8_t *
WriteCal(uint8_t *p, const EnsCalib *c)
{
	uint32_t	k,
				i;

	p[0] = c->method;
	p[1] = p[2] = p[3] = 0;
	p = Put32(p + 4, c->n);
	for (k = 0; k < c->n; k++)
	{
		if (c->method == ENS_CAL_SIGMOID)
		{
			p = PutF64(p, c->ab[2 * k]);
			p = PutF64(p, c->ab[2 * k + 1]);
			continue;
		}
		p = Put32(p, c->off[k + 1] - c->off[k]);
		for (i = c->off[k]; i < c->off[k + 1]; i++)
			p = PutF64(p, c->kx[i]);
		for (i = c->off[k]; i < c->off[k + 1]; i++)
			p = PutF64(p, c->ky[i]);
	}
	return p;
}

/* Writes ens_ext_size(m) bytes at dst; returns that size. */
size_t
ens_ext_write(const EnsModel *m, uint8_t *dst)
{
	const EnsExtras *x = m->ext;
	uint8_t    *p = dst;

	if (x == NULL)
		return 0;
	if (x->cover)
		p = PutCovers(PutHeader(p, TAG_COVER, CoverBytes(m)), m);
	if (x->class_count)
		p = PutCounts(PutHeader(p, TAG_CLASSES, (size_t) m->n_classes * 4), x->class_count,
					  m->n_classes);
	if (x->hist)
		p = PutCounts(PutHeader(p, TAG_HIST, (size_t) HistLen(m) * 4), x->hist, HistLen(m));
	if (x->pred.n_out)
		p = WritePred(PutHeader(p, TAG_PRED, PredBytes(&x->pred)), &x->pred);
	if (x->cal.method)
		p = WriteCal(PutHeader(p, TAG_CALIB, CalBytes(&x->cal)), &x->cal);
	if (x->has_threshold)
	{
		p = PutHeader(p, TAG_THRESHOLD, 16);
		p = Put32(p, x->thr_class);
		p = Put32(p, 0);
		p = PutF64(p, x->threshold);
	}
	return (size_t) (p - dst);
}

/* ---------- reader ---------- */

typedef struct Cur
{
	const uint8_t *p;
	size_t		len,
				pos;
	EnsError   *err;			/* why a refusal (may be NULL) */
} Cur;

/* FAIL(status, ENS_ERR_READ_X, figures...): records why in c->err, returns status */
#define FAIL(code, ...) \
	do { return ENS_READ_FAIL(c->err, code, __VA_ARGS__); } while (0)

#define TRY(call) \
	do { EnsStatus rc_ = (call); if (rc_ != ENS_OK) return rc_; } while (0)

/* callers check the bytes are there first */
static uint32_t
Get32(Cur *c)
{
	const uint8_t *q = c->p + c->pos;

	c->pos += 4;
	return (uint32_t) q[0] | (uint32_t) q[1] << 8 | (uint32_t) q[2] << 16 | (uint32_t) q[3] << 24;
}

static double
GetF64(Cur *c)
{
	uint64_t	lo = Get32(c),
				hi = Get32(c);
	uint64_t	v = lo | hi << 32;
	double		d;

	memcpy(&d, &v, 8);
	return d;
}

/* Where the fill pass puts things; NULL in the scan pass. */
typedef struct Dest
{
	const EnsModel *m;			/* the parsed trees */
	EnsExtras  *x;
	uint32_t   *u32;			/* next free u32 */
	double	   *f64;			/* next free double */
} Dest;

/* n counts that must add up to the rows the other sections count */
static EnsStatus
Counts(Cur *c, uint32_t n, uint64_t *total, EnsErrId no_rows, EnsErrId rows, Dest *d)
{
	uint64_t	sum = 0;
	uint32_t	i;

	for (i = 0; i < n; i++)
	{
		uint32_t	v = Get32(c);

		sum += v;
		if (d)
			*d->u32++ = v;
	}
	if (sum == 0 || sum > ENS_MAX_ROWS)
		FAIL(ENS_ECORRUPT, no_rows);
	if (*total && *total != sum)
		FAIL(ENS_ECORRUPT, rows, sum, *total);
	*total = sum;
	return ENS_OK;
}

static EnsStatus
ParseHist(Cur *c, const EnsExtShape *sh, size_t len, uint64_t *rows, Dest *d)
{
	uint64_t	want = 0;
	uint32_t	f;

	for (f = 0; f < sh->p; f++)
		want += (uint64_t) sh->nbins[f] + 1;
	if (len != want * 4)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_HIST_BYTES, len, want * 4);
	if (d)
		d->x->hist = d->u32;
	for (f = 0; f < sh->p; f++)
		TRY(Counts(c, sh->nbins[f] + 1u, rows, ENS_ERR_READ_HIST_NO_ROWS, ENS_ERR_READ_HIST_ROWS, d));
	if (d)
	{
		uint32_t   *off = d->x->hist_off = d->u32;

		off[0] = 0;
		for (f = 0; f < sh->p; f++)
			off[f + 1] = off[f] + sh->nbins[f] + 1u;
		d->u32 += sh->p + 1;
	}
	return ENS_OK;
}

/*
 * Per output: cut points, then counts.  The fill pass puts the offsets,
 * then the counts of every output, in the u32 area (sized by the scan).
 */
static EnsStatus
ParsePred(Cur *c, const EnsExtShape *sh, size_t len, EnsExtLayout *lay, Dest *d)
{
	size_t		end = c->pos + len;
	uint8_t		source;
	uint32_t	n_out,
				k,
				i;
	uint64_t	total = 0;
	uint32_t   *off = NULL,
			   *cnt = NULL;

	if (len < 8)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_SHORT);
	source = c->p[c->pos];
	if (c->p[c->pos + 1] || c->p[c->pos + 2] || c->p[c->pos + 3])
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_RESERVED);
	c->pos += 4;
	n_out = Get32(c);
	if (source < ENS_PRED_TRAINING || source > ENS_PRED_CALIBRATION)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_SOURCE, source);
	if (n_out != (sh->task == ENS_CLASSIFICATION ? sh->K : 1))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_OUTPUTS, n_out);
	if (d)
	{
		EnsPredHist *ph = &d->x->pred;

		ph->source = source;
		ph->n_out = n_out;
		ph->off = off = d->u32;
		ph->counts = cnt = off + n_out + 1;
		ph->edges = d->f64;
		d->u32 = cnt + lay->pred_edges + n_out;
		off[0] = 0;
	}
	else
		lay->pred_edges = 0;
	for (k = 0; k < n_out; k++)
	{
		uint32_t	ne;
		double		prev = -INFINITY;
		uint64_t	sum = 0;

		if (end - c->pos < 4)
			FAIL(ENS_ETRUNC, ENS_ERR_READ_PRED_TRUNC, k);
		ne = Get32(c);
		if (ne > ENS_MAX_PRED_EDGES || (uint64_t) ne * 12 + 4 > end - c->pos)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_CUTS, k, ne);
		for (i = 0; i < ne; i++)
		{
			double		e = GetF64(c);

			if (!isfinite(e) || !(e > prev))
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_CUT_ORDER, k);
			prev = e;
			if (d)
				*d->f64++ = e;
		}
		for (i = 0; i <= ne; i++)
		{
			uint32_t	v = Get32(c);

			sum += v;
			if (d)
				*cnt++ = v;
		}
		if (sum == 0 || (total && sum != total))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_ROWS, k, sum);
		total = sum;
		if (d)
			off[k + 1] = off[k] + ne;
		else
			lay->pred_edges += ne;
	}
	if (c->pos != end)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_PRED_EXTRA, end - c->pos);
	lay->pred_out = n_out;
	return ENS_OK;
}

static EnsStatus
ParseIsotonic(Cur *c, uint32_t k, size_t end, EnsExtLayout *lay, Dest *d)
{
	uint32_t	nk,
				i;
	double		prev = -INFINITY;

	if (end - c->pos < 4)
		FAIL(ENS_ETRUNC, ENS_ERR_READ_CAL_TRUNC, k);
	nk = Get32(c);
	if (nk < 1 || nk > ENS_MAX_KNOTS || (uint64_t) nk * 16 > end - c->pos)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_KNOTS, k, nk);
	for (i = 0; i < nk; i++)
	{
		double		v = GetF64(c);

		if (!(v >= 0 && v <= 1 && v > prev))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_KNOT_ORDER, k);
		prev = v;
		if (d)
			d->x->cal.kx[d->x->cal.off[k] + i] = v;
	}
	prev = 0;
	for (i = 0; i < nk; i++)
	{
		double		v = GetF64(c);

		if (!(v >= prev && v <= 1))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_VALUE_ORDER, k);
		prev = v;
		if (d)
			d->x->cal.ky[d->x->cal.off[k] + i] = v;
	}
	if (d)
		d->x->cal.off[k + 1] = d->x->cal.off[k] + nk;
	else
		lay->knots += nk;
	return ENS_OK;
}

static EnsStatus
ParseCalib(Cur *c, const EnsExtShape *sh, size_t len, EnsExtLayout *lay, Dest *d)
{
	size_t		end = c->pos + len;
	uint8_t		method;
	uint32_t	n,
				per,
				members,
				k;

	if (sh->task != ENS_CLASSIFICATION)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_REGRESSION);
	if (len < 8)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_SHORT);
	method = c->p[c->pos];
	if (c->p[c->pos + 1] || c->p[c->pos + 2] || c->p[c->pos + 3])
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_RESERVED);
	c->pos += 4;
	n = Get32(c);
	if (method != ENS_CAL_ISOTONIC && method != ENS_CAL_SIGMOID)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_METHOD, method);
	/* one set per class (one for two classes), or one per fold of a cross-fitted forest */
	per = sh->K == 2 ? 1 : sh->K;
	if (n == 0 || n % per != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_CLASSES, n, sh->K);
	members = n / per;
	if (members > 1 && (members > ENS_MAX_CAL_FOLDS || sh->algorithm != ENS_FOREST ||
						sh->trees % members != 0))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_SETS, members, sh->trees);
	if (d)
	{
		EnsCalib   *cal = &d->x->cal;

		cal->method = method;
		cal->n = n;
		if (method == ENS_CAL_SIGMOID)
		{
			cal->ab = d->f64;
			d->f64 += 2 * n;
		}
		else
		{
			cal->off = d->u32;
			cal->off[0] = 0;
			d->u32 += n + 1;
			cal->kx = d->f64;
			cal->ky = d->f64 + lay->knots;
			d->f64 += 2 * lay->knots;
		}
	}
	else
		lay->knots = 0;
	for (k = 0; k < n; k++)
	{
		if (method == ENS_CAL_ISOTONIC)
		{
			TRY(ParseIsotonic(c, k, end, lay, d));
			continue;
		}
		if (end - c->pos < 16)
			FAIL(ENS_ETRUNC, ENS_ERR_READ_CAL_TRUNC, k);
		{
			double		a = GetF64(c),
						b = GetF64(c);

			if (!isfinite(a) || !isfinite(b))
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_FINITE, k);
			if (d)
			{
				d->x->cal.ab[2 * k] = a;
				d->x->cal.ab[2 * k + 1] = b;
			}
		}
	}
	if (c->pos != end)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CAL_EXTRA, end - c->pos);
	lay->n_cal = n;
	lay->cal_method = method;
	return ENS_OK;
}

static EnsStatus
ParseThreshold(Cur *c, const EnsExtShape *sh, size_t len, Dest *d)
{
	uint32_t	cls,
				res;
	double		t;

	if (sh->task != ENS_CLASSIFICATION)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_THRESHOLD_REGRESSION);
	if (len != 16)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_THRESHOLD_BYTES, len);
	cls = Get32(c);
	res = Get32(c);
	t = GetF64(c);
	if (res != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_THRESHOLD_RESERVED);
	if (cls >= sh->K || !(t >= 0 && t <= 1))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_THRESHOLD_CLASS, cls);
	if (d)
	{
		d->x->has_threshold = true;
		d->x->thr_class = cls;
		d->x->threshold = t;
	}
	return ENS_OK;
}

/*
 * Leaf covers (varints, shortest form, at most ENS_MAX_ROWS), exactly one per
 * leaf; the fill pass puts them at their leaves (the splits' come later).
 */
static EnsStatus
ParseCovers(Cur *c, const EnsExtShape *sh, size_t len, Dest *d)
{
	size_t		end = c->pos + len;
	uint64_t	n = 0,
				node = 0;
	const EnsModel *m = d ? d->m : NULL;

	if (d)
		d->x->cover = d->u32;
	while (c->pos < end)
	{
		uint64_t	v = 0;
		int			shift = 0;
		uint8_t		b;

		do
		{
			if (c->pos >= end || shift > 28)
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_COVER_VARINT, n);
			b = c->p[c->pos++];
			v |= (uint64_t) (b & 0x7F) << shift;
			shift += 7;
		} while (b & 0x80);
		if ((b == 0 && shift > 7) || v > ENS_MAX_ROWS)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_COVER_FORM, n);
		if (m)
		{
			while (node < sh->nodes && !(m->nodes[node].flags & FN_LEAF))
				d->u32[node++] = 0;
			if (node < sh->nodes)
				d->u32[node++] = (uint32_t) v;
		}
		n++;
	}
	if (n != sh->leaves)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_COVERS, n, sh->leaves);
	if (d)
	{
		while (node < sh->nodes)
			d->u32[node++] = 0;
		d->u32 += sh->nodes;
	}
	return ENS_OK;
}

/* One section's payload (length checked against the bytes left). */
static EnsStatus
ParseSection(Cur *c, int tag, size_t len, const EnsExtShape *sh, EnsExtLayout *lay, Dest *d)
{
	switch (tag)
	{
		case TAG_COVER:
			return ParseCovers(c, sh, len, d);
		case TAG_CLASSES:
			if (sh->task != ENS_CLASSIFICATION || len != (size_t) sh->K * 4)
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_CLASS_SECTION);
			if (d)
				d->x->class_count = d->u32;
			return Counts(c, sh->K, &lay->rows, ENS_ERR_READ_CLASS_NO_ROWS, ENS_ERR_READ_CLASS_ROWS,
						  d);
		case TAG_HIST:
			return ParseHist(c, sh, len, &lay->rows, d);
		case TAG_PRED:
			return ParsePred(c, sh, len, lay, d);
		case TAG_CALIB:
			return ParseCalib(c, sh, len, lay, d);
		case TAG_THRESHOLD:
			return ParseThreshold(c, sh, len, d);
	}
	FAIL(ENS_ECORRUPT, ENS_ERR_READ_SECTION_UNKNOWN, tag);
}

static EnsStatus
ParseAll(Cur *c, const EnsExtShape *sh, EnsExtLayout *lay, Dest *d)
{
	int			last = 0;

	while (c->pos < c->len)
	{
		int			tag;
		uint32_t	len;

		if (c->len - c->pos < SECTION_HEADER)
			FAIL(ENS_ETRUNC, ENS_ERR_READ_SECTION_TRUNC);
		tag = c->p[c->pos];
		if (c->p[c->pos + 1] || c->p[c->pos + 2] || c->p[c->pos + 3])
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_SECTION_RESERVED);
		c->pos += 4;
		len = Get32(c);
		if (tag < TAG_COVER || tag > TAG_THRESHOLD)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_SECTION_UNKNOWN, tag);
		if (tag <= last)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_SECTION_ORDER, tag, last);
		if (len > c->len - c->pos)
			FAIL(ENS_ETRUNC, ENS_ERR_READ_SECTION_LONG, tag);
		last = tag;
		if (!d)
			lay->present |= 1u << tag;
		TRY(ParseSection(c, tag, len, sh, lay, d));
	}
	return ENS_OK;
}

/* First pass: the bytes after the last tree, validated and sized. */
EnsStatus
ens_ext_scan(const uint8_t *p, size_t len, const EnsExtShape *sh, EnsExtLayout *lay,
			 EnsError *err)
{
	Cur			cur = {p, len, 0, err};
	Cur		   *c = &cur;

	memset(lay, 0, sizeof(*lay));
	if (len > 0 && sh->version < 2)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_TRAILING_BYTES, len);
	return ParseAll(c, sh, lay, NULL);
}

static size_t
Up8(size_t x)
{
	return (x + 7) & ~(size_t) 7;
}

/* Bytes the fill pass needs (0: no sections). */
size_t
ens_ext_layout_bytes(const EnsExtLayout *lay, const EnsExtShape *sh)
{
	uint64_t	u32 = 0,
				f64 = 0;
	uint32_t	f;

	if (lay->present == 0)
		return 0;
	if (lay->present & (1u << TAG_COVER))
		u32 += sh->nodes;
	if (lay->present & (1u << TAG_CLASSES))
		u32 += sh->K;
	if (lay->present & (1u << TAG_HIST))
		for (f = 0, u32 += sh->p + 1; f < sh->p; f++)
			u32 += (uint64_t) sh->nbins[f] + 1;
	u32 += 2 * (uint64_t) lay->pred_out + 1 + lay->pred_edges;
	f64 += lay->pred_edges;
	if (lay->cal_method == ENS_CAL_SIGMOID)
		f64 += 2 * (uint64_t) lay->n_cal;
	else if (lay->cal_method == ENS_CAL_ISOTONIC)
	{
		u32 += lay->n_cal + 1;
		f64 += 2 * lay->knots;
	}
	return Up8(sizeof(EnsExtras)) + (size_t) f64 * 8 + Up8((size_t) u32 * 4);
}

/*
 * A split's cover is the sum of its children's (children come after their
 * parent, so one backward pass per tree); every root has the same cover,
 * the rows the other sections count.
 */
static EnsStatus
DeriveCovers(Cur *c, const EnsModel *m, uint64_t *rows)
{
	uint32_t   *cv = m->ext->cover;
	uint32_t	t,
				i;

	for (t = 0; t < m->n_trees; t++)
	{
		uint32_t	root = m->tree_node[t];

		for (i = m->tree_node[t + 1]; i-- > root;)
		{
			EnsNode		nd = m->nodes[i];
			uint32_t	l;
			uint64_t	sum;

			if (nd.flags & FN_LEAF)
				continue;
			l = (nd.flags & FN_CAT) ? m->cats[nd.a].child : nd.a;
			sum = (uint64_t) cv[l] + cv[l + 1];
			if (sum > ENS_MAX_ROWS)
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_COVER_NODE, t, i - root);
			cv[i] = (uint32_t) sum;
		}
		if (cv[root] == 0 || (*rows && cv[root] != *rows))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_ROOT_COVER, t, cv[root], *rows);
		*rows = cv[root];
	}
	return ENS_OK;
}

/*
 * Second pass: fill mem (ens_ext_layout_bytes of the scan's layout) and
 * check the covers against the parsed trees; sets m->ext.
 */
EnsStatus
ens_ext_fill(const uint8_t *p, size_t len, EnsModel *m, const EnsExtShape *sh,
			 const EnsExtLayout *lay, uint8_t *mem, EnsError *err)
{
	Cur			cur = {p, len, 0, err};
	Cur		   *c = &cur;
	EnsExtLayout again = *lay;
	Dest		d;
	uint64_t	rows;

	if (lay->present == 0)
		return ENS_OK;
	d.m = m;
	d.x = (EnsExtras *) mem;
	memset(d.x, 0, sizeof(EnsExtras));
	d.f64 = (double *) (mem + Up8(sizeof(EnsExtras)));
	d.u32 = (uint32_t *) (d.f64 + lay->pred_edges +
						  (lay->cal_method == ENS_CAL_SIGMOID ? 2 * (uint64_t) lay->n_cal :
						   lay->cal_method == ENS_CAL_ISOTONIC ? 2 * lay->knots : 0));
	again.rows = 0;
	TRY(ParseAll(c, sh, &again, &d));
	m->ext = d.x;
	rows = again.rows;
	if (d.x->cover)
		TRY(DeriveCovers(c, m, &rows));
	return ENS_OK;
}
