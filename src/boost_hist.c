/*
 * boost_hist.c - gradient histograms and row partitions of the boosting
 * engine (PG-free).
 *
 * A node's histogram holds, for every feature of the tree, one BoostBin
 * (sums of fixed-point gradients and hessians) per bin and one more for
 * missing values (the trainer's copy of the bins codes them nb, so a bin
 * is an index without a lookup).  Rows are built row by row (one row's
 * bins are adjacent) from pieces of the node's rows that the threads take
 * in any order, each thread adding into its own histogram; the sums are
 * integers, so adding the threads' histograms gives the same bits whoever
 * took which piece.
 *
 * On few rows (b->Xo) a row's cells hold their entries, offset included,
 * so adding reads one 2-byte cell per feature instead of a bin and an
 * offset.
 *
 * Packed histograms (losses with a unit hessian, boost_int.h) hold one
 * int64 per bin, g * 2^pbits + rows, in the first n_ent int64 of the same
 * slot memory; boost_hist_feature hands the split search a feature's bins
 * as BoostBin either way.
 *
 * A partition splits a node's rows [st, en) of b->idx stably (left rows
 * first, both sides in their old order), reading the split feature's
 * column: pieces first sort their rows into b->tmp (left ones from the
 * piece's start, right ones from its end), then copy them to their final
 * places.
 */
#include "boost_int.h"

#include <math.h>
#include <string.h>

#define PIECE_MIN	1024			/* rows: smallest piece of a node's job */
#define PIECE_MAX	16384		/* rows: largest (what a stalled thread holds) */
#define PREFETCH_AHEAD 16

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void) 0)
#endif

/*
 * Boundaries of the pieces of a job over n rows: large pieces first, then
 * smaller ones (guided scheduling), so the threads run out of work at
 * nearly the same time; results never depend on them (integer sums, a
 * stable partition).  Returns the number of pieces (<= boost_pieces_max).
 */
static uint32_t
Pieces(const Booster *b, uint32_t n, uint32_t *bound)
{
	uint32_t	np = 0,
				at = 0;

	bound[0] = 0;
	while (at < n)
	{
		uint32_t	rem = n - at,
					sz = rem / (2 * (uint32_t) b->nt);

		sz = sz < PIECE_MIN ? PIECE_MIN : (sz > PIECE_MAX ? PIECE_MAX : sz);
		at += sz < rem ? sz : rem;
		bound[++np] = at;
	}
	return np;
}

uint32_t
boost_pieces_max(uint32_t n)
{
	return n / PIECE_MIN + 2;
}

/*
 * b->Xo, when the rows are few (at most BOOST_ENTRIES_MAX row x feature
 * cells, 2 bytes each) and the entries fit 15 bits: each cell's histogram
 * entry, off[f] + bin, as its place in int64 (twice the entry), so that
 * adding a row reads no feature offsets and addresses the entry in one
 * scaled index (the loop is bound by its loads and address arithmetic).
 */
bool
boost_hist_entries_wanted(const Booster *b)
{
	return !b->packed && b->P->hist != BOOST_HIST_ROWS && 2 * (size_t) b->n_ent <= UINT16_MAX &&
		(uint64_t) b->n * b->p <= BOOST_ENTRIES_MAX;
}

void
boost_hist_entries(Booster *b)
{
	size_t		i;
	uint32_t	f;

	for (i = 0; i < b->n; i++)
		for (f = 0; f < b->p; f++)
			b->Xo[i * b->p + f] = (uint16_t) (2 * (b->off[f] + b->X[i * b->p + f]));
}

/*
 * One row's gradient and hessian into its bin of every feature in the
 * tree: its entries xo (b->Xo), or its bins x and the features' offsets.
 */
static inline __attribute__((always_inline)) void
AddRow(BoostBin *h, const uint32_t *off, const uint32_t *fo, uint32_t nf, uint32_t p,
	   const uint8_t *x, const uint16_t *xo, int64_t g, int64_t hh)
{
	int64_t    *h64 = (int64_t *) h;
	uint32_t	j;

	if (xo && nf == p)
	{
#pragma GCC unroll 4
		for (j = 0; j < p; j++)
		{
			BoostBin   *e = (BoostBin *) (h64 + xo[j]);

			e->g += g;
			e->h += hh;
		}
	}
	else if (xo)
	{
#pragma GCC unroll 4
		for (j = 0; j < nf; j++)
		{
			BoostBin   *e = (BoostBin *) (h64 + xo[fo[j]]);

			e->g += g;
			e->h += hh;
		}
	}
	else if (nf == p)
	{
		/* every feature in the tree: no indirection */
#pragma GCC unroll 4
		for (j = 0; j < p; j++)
		{
			BoostBin   *e = h + off[j] + x[j];

			e->g += g;
			e->h += hh;
		}
	}
	else
#pragma GCC unroll 4
		for (j = 0; j < nf; j++)
		{
			BoostBin   *e = h + off[fo[j]] + x[fo[j]];

			e->g += g;
			e->h += hh;
		}
}

/*
 * Add rows ids[0..n) into h, over the tree's features.  The local bins
 * code a missing value as nb (see boost_int.h), so a bin is an index into
 * the feature's nb + 1 entries without a lookup.
 */
static void
HistRows(const Booster *b, const BoostGH *gh, const uint32_t *ids, uint32_t n,
		 const uint32_t *fo, uint32_t nf, BoostBin *h)
{
	const uint8_t *X = b->X;
	const uint16_t *Xo = b->Xo;
	const uint32_t p = b->p;
	const uint32_t *off = b->off;
	uint32_t	i;

	for (i = 0; i < n; i++)
	{
		const uint32_t r = ids[i];
		const int64_t g = gh[r].g,
					hh = gh[r].h;

		if (i + PREFETCH_AHEAD < n)
		{
			const size_t ahead = (size_t) ids[i + PREFETCH_AHEAD] * p;

			/* a row may straddle two cache lines */
			if (Xo)
			{
				PREFETCH(Xo + ahead);
				PREFETCH(Xo + ahead + p - 1);
			}
			else
			{
				PREFETCH(X + ahead);
				PREFETCH(X + ahead + p - 1);
			}
			PREFETCH(&gh[ids[i + PREFETCH_AHEAD]]);
		}
		AddRow(h, off, fo, nf, p, X + (size_t) r * p, Xo ? Xo + (size_t) r * p : NULL, g, hh);
	}
}

/*
 * A node's rows few enough to take out of its parent's histogram one by
 * one (each row's cells, the tree's features) instead of building their
 * histogram and subtracting every entry: a row costs about as much as two
 * entries of a subtraction.  Plain histograms only, and not for the
 * row-by-row reference (BOOST_HIST_ROWS).
 */
#define DROP_ENTRIES_PER_CELL 2

bool
boost_hist_drop_wanted(const Booster *b, uint32_t n_rows)
{
	return !b->packed && b->P->hist != BOOST_HIST_ROWS &&
		(uint64_t) n_rows * b->n_feat * DROP_ENTRIES_PER_CELL <= b->feat_ent;
}

/* h -= the rows b->idx[st..en) (their pairs negated: exact integers) */
void
boost_hist_drop(const Booster *b, const BoostGH *gh, uint32_t st, uint32_t en, BoostBin *h)
{
	const uint32_t p = b->p;
	uint32_t	i;

	for (i = st; i < en; i++)
	{
		const uint32_t r = b->idx[i];

		AddRow(h, b->off, b->feat, b->n_feat, p, b->X + (size_t) r * p,
			   b->Xo ? b->Xo + (size_t) r * p : NULL, -(int64_t) gh[r].g, -(int64_t) gh[r].h);
	}
}

/* HistRows for the rows r0 .. r0 + n - 1 (the root without subsampling): no gathers */
static void
HistSeq(const Booster *b, const BoostGH *gh, uint32_t r0, uint32_t n,
		const uint32_t *fo, uint32_t nf, BoostBin *h)
{
	const uint32_t p = b->p;
	const uint8_t *X = b->X + (size_t) r0 * p;
	const uint16_t *Xo = b->Xo ? b->Xo + (size_t) r0 * p : NULL;
	const uint32_t *off = b->off;
	uint32_t	i;

	gh += r0;
	for (i = 0; i < n; i++)
	{
		const int64_t g = gh[i].g,
					hh = gh[i].h;

		AddRow(h, off, fo, nf, p, X + (size_t) i * p, Xo ? Xo + (size_t) i * p : NULL, g, hh);
	}
}

/* AddRow for packed histograms: one int64 per feature */
static inline void
AddPacked(int64_t *h, const uint32_t *off, const uint32_t *fo, uint32_t nf, uint32_t p,
		  const uint8_t *x, int64_t v)
{
	uint32_t	j;

	if (nf == p)
#pragma GCC unroll 4
		for (j = 0; j < p; j++)
			h[off[j] + x[j]] += v;
	else
#pragma GCC unroll 4
		for (j = 0; j < nf; j++)
			h[off[fo[j]] + x[fo[j]]] += v;
}

static void
PackedRows(const Booster *b, const uint32_t *ids, uint32_t n, int64_t *h)
{
	const uint8_t *X = b->X;
	const int64_t *gp = b->gp;
	const uint32_t p = b->p;
	uint32_t	i;

	for (i = 0; i < n; i++)
	{
		const uint32_t r = ids[i];

		if (i + PREFETCH_AHEAD < n)
		{
			const uint8_t *px = X + (size_t) ids[i + PREFETCH_AHEAD] * p;

			PREFETCH(px);
			PREFETCH(px + p - 1);
			PREFETCH(&gp[ids[i + PREFETCH_AHEAD]]);
		}
		AddPacked(h, b->off, b->feat, b->n_feat, p, X + (size_t) r * p, gp[r]);
	}
}

static void
PackedSeq(const Booster *b, uint32_t r0, uint32_t n, int64_t *h)
{
	const uint32_t p = b->p;
	const uint8_t *X = b->X + (size_t) r0 * p;
	const int64_t *gp = b->gp + r0;
	uint32_t	i;

	for (i = 0; i < n; i++)
		AddPacked(h, b->off, b->feat, b->n_feat, p, X + (size_t) i * p, gp[i]);
}

/*
 * The tree's features' entries from place *j of b->feat on, as one range
 * [e0, *e1) of features whose entries follow each other (ascending
 * features of the usable ones are adjacent); returns e0 and moves *j past
 * them.  Zeroing and subtracting run over a few long ranges instead of a
 * short one per feature.
 */
static inline uint32_t
EntryRun(const Booster *b, uint32_t *j, uint32_t *e1)
{
	uint32_t	f = b->feat[*j],
				e0 = b->off[f];

	*e1 = e0 + b->nb[f] + 1;
	for ((*j)++; *j < b->n_feat && b->off[b->feat[*j]] == *e1; (*j)++)
		*e1 += b->nb[b->feat[*j]] + 1;
	return e0;
}

/*
 * dst += src (or -=) over the tree's features' entries, exact integers:
 * a packed entry is one int64, a plain one two (g and h), added alike.
 * An AVX2 clone: four int64 a step where the baseline takes two.
 */
BOOST_CLONES
static void
AddEntries(const Booster *b, BoostBin *dst, const BoostBin *src, bool subtract)
{
	const uint32_t w = b->packed ? 1 : 2;
	int64_t    *d = (int64_t *) dst;
	const int64_t *s = (const int64_t *) src;
	uint32_t	j = 0;

	while (j < b->n_feat)
	{
		uint32_t	e1,
					e0 = EntryRun(b, &j, &e1) * w,
					e;

		e1 *= w;
		if (subtract)
			for (e = e0; e < e1; e++)
				d[e] -= s[e];
		else
			for (e = e0; e < e1; e++)
				d[e] += s[e];
	}
}

/* ---------- the root's sparse features, from columns ---------- */

/*
 * A feature most of whose rows share one bin (its default) costs the root
 * a row-by-row add on every row.  Its other bins' rows are listed once per
 * training (b->col_rows, by entry), so the root sums those few rows' pairs
 * per bin, and the default bin gets the root's sums less the others' (exact
 * integers: the histogram the row-by-row adds would have made).  Rows
 * outside the round's sample have zero pairs (SampleRows), so the lists
 * hold every training row.  Only the root reads every row; a node's rows
 * would need a test per listed row.
 */
#define COL_MIN_DEFAULT 0.6		/* share of the rows in the default bin */

/*
 * Pick the sparse features (b->col_sparse, b->col_dent) over the training
 * rows; returns the listed rows' count (0: no sparse feature).
 */
uint64_t
boost_hist_columns_pick(Booster *b)
{
	uint32_t	count[ENS_MAX_BOOST_BINS + 1],
				u,
				i;
	uint64_t	cells = 0;

	for (u = 0; u < b->n_usable; u++)
	{
		uint32_t	f = b->usable[u],
					top = 0;
		const uint8_t *col = b->Xc + (size_t) f * b->n;

		memset(count, 0, ((size_t) b->nb[f] + 1) * sizeof(uint32_t));
		for (i = 0; i < b->n; i++)
			count[col[i]]++;
		for (i = 1; i <= b->nb[f]; i++)
			if (count[i] > count[top])
				top = i;
		b->col_sparse[f] = count[top] >= COL_MIN_DEFAULT * b->n;
		b->col_dent[f] = b->off[f] + top;
		if (b->col_sparse[f])
			cells += b->n - count[top];
	}
	return cells;
}

/*
 * One pass over the sparse features' rows outside their default bins:
 * count them by entry (into col_ptr[e + 1]), or place each at
 * col_rows[col_ptr[e]++].
 */
static void
SparseCells(Booster *b, bool place)
{
	uint32_t	u,
				i;

	for (u = 0; u < b->n_usable; u++)
	{
		uint32_t	f = b->usable[u];
		const uint8_t *col = b->Xc + (size_t) f * b->n;

		if (!b->col_sparse[f])
			continue;
		for (i = 0; i < b->n; i++)
		{
			uint32_t	e = b->off[f] + col[i];

			if (e == b->col_dent[f])
				continue;
			if (place)
				b->col_rows[b->col_ptr[e]++] = i;
			else
				b->col_ptr[e + 1]++;
		}
	}
}

/* The rows of each sparse feature's other bins: b->col_ptr by entry, b->col_rows. */
void
boost_hist_columns_fill(Booster *b)
{
	uint32_t	e;

	memset(b->col_ptr, 0, ((size_t) b->n_ent + 1) * sizeof(uint32_t));
	SparseCells(b, false);
	for (e = 0; e < b->n_ent; e++)
		b->col_ptr[e + 1] += b->col_ptr[e];
	/* placing moves each col_ptr[e] to where entry e ends, ... */
	SparseCells(b, true);
	/* ... so each entry's start is now where the one before it ended */
	for (e = b->n_ent; e > 0; e--)
		b->col_ptr[e] = b->col_ptr[e - 1];
	b->col_ptr[0] = 0;
}

/*
 * The root's sparse features of the tree into h (its other features are
 * in).  The root's sums: the entries of a feature already in (dense, any
 * of the tree's other features), else every row's pair.
 */
void
boost_hist_root_columns(const Booster *b, const BoostGH *gh, int32_t dense, BoostBin *h)
{
	int64_t		G = 0,
				H = 0;
	uint32_t	i,
				j;

	if (dense >= 0)
		for (i = b->off[dense]; i <= b->off[dense] + b->nb[dense]; i++)
		{
			G += h[i].g;
			H += h[i].h;
		}
	else
		for (i = 0; i < b->n; i++)
		{
			G += gh[i].g;
			H += gh[i].h;
		}
	for (j = 0; j < b->n_feat; j++)
	{
		uint32_t	f = b->feat[j],
					e;
		int64_t		sg = 0,
					sh = 0;

		if (!b->col_sparse[f])
			continue;
		for (e = b->off[f]; e <= b->off[f] + b->nb[f]; e++)
		{
			int64_t		g = 0,
						hh = 0;
			uint32_t	c;

			for (c = b->col_ptr[e]; c < b->col_ptr[e + 1]; c++)
			{
				g += gh[b->col_rows[c]].g;
				hh += gh[b->col_rows[c]].h;
			}
			h[e].g = g;
			h[e].h = hh;
			sg += g;
			sh += hh;
		}
		/* the default entry's list is empty: it has 0 so far */
		h[b->col_dent[f]].g = G - sg;
		h[b->col_dent[f]].h = H - sh;
	}
}

typedef struct HistJob
{
	Booster    *b;
	const BoostGH *gh;
	const uint32_t *ids;		/* NULL: rows 0 .. n - 1 */
	uint32_t	n;
	const uint32_t *fo;			/* the features to add (the tree's, or some) */
	uint32_t	nf;
	BoostBin   *target;
} HistJob;

static void
HistTask(void *ctx, int t, uint32_t c)
{
	HistJob    *j = (HistJob *) ctx;
	uint32_t	st = j->b->bound[c],
				len = j->b->bound[c + 1] - st;
	BoostBin   *h = t == 0 ? j->target : j->b->scratch + (size_t) (t - 1) * j->b->n_ent;

	if (j->b->packed && j->ids == NULL)
		PackedSeq(j->b, st, len, (int64_t *) h);
	else if (j->b->packed)
		PackedRows(j->b, j->ids + st, len, (int64_t *) h);
	else if (j->ids == NULL)
		HistSeq(j->b, j->gh, st, len, j->fo, j->nf, h);
	else
		HistRows(j->b, j->gh, j->ids + st, len, j->fo, j->nf, h);
}

/* Histogram of the rows b->idx[st..en) into h (overwritten); root: the whole sample. */
static EnsStatus
Build(Booster *b, const BoostGH *gh, uint32_t st, uint32_t en, BoostBin *h,
	  bool root)
{
	HistJob		j;
	uint32_t	n = en - st,
				dense[ENS_MAX_FEATURES],
				i;
	/* the root: its sparse features come from columns */
	bool		cols = root && b->col_rows != NULL && !b->packed;
	EnsStatus	rc;
	int			t;

	boost_hist_zero(b, h);
	j.b = b;
	j.gh = gh;
	/* all training rows (the root, no subsampling): idx is 0 .. n - 1 */
	j.ids = (st == 0 && n == b->n) ? NULL : b->idx + st;
	j.n = n;
	j.fo = b->feat;
	j.nf = b->n_feat;
	j.target = h;
	if (cols)
	{
		for (i = 0, j.nf = 0; i < b->n_feat; i++)
			if (!b->col_sparse[b->feat[i]])
				dense[j.nf++] = b->feat[i];
		j.fo = dense;
	}
	rc = ens_pool_run(b->pool, HistTask, &j, Pieces(b, n, b->bound),
						b->intr, b->intr_arg);
	/* fold the other threads' sums in (and leave their histograms zeroed) */
	for (t = 1; t < b->nt; t++)
	{
		BoostBin   *s = b->scratch + (size_t) (t - 1) * b->n_ent;

		if (!ens_pool_used(b->pool, t))
			continue;
		AddEntries(b, h, s, false);
		boost_hist_zero(b, s);
	}
	if (rc == ENS_OK && cols)
		boost_hist_root_columns(b, gh, j.nf > 0 ? (int32_t) j.fo[0] : -1, h);
	return rc;
}

EnsStatus
boost_hist_build(Booster *b, const BoostGH *gh, uint32_t st, uint32_t en,
				 BoostBin *h)
{
	return Build(b, gh, st, en, h, false);
}

/* The root's histogram: the round's sample, in b->idx[0..n_sample). */
EnsStatus
boost_hist_build_root(Booster *b, const BoostGH *gh, BoostBin *h)
{
	return Build(b, gh, 0, b->n_sample, h, true);
}

/* Zero the entries of the tree's features (the only ones ever read). */
void
boost_hist_zero(const Booster *b, BoostBin *h)
{
	uint32_t	j = 0;

	while (j < b->n_feat)
	{
		uint32_t	e1,
					e0 = EntryRun(b, &j, &e1);

		if (b->packed)
			memset((int64_t *) h + e0, 0, (size_t) (e1 - e0) * sizeof(int64_t));
		else
			memset(h + e0, 0, (size_t) (e1 - e0) * sizeof(BoostBin));
	}
}

/*
 * Whether this training packs its histograms (see BoostBin), and then the
 * bits of the row count and the gradients' scale: every sum of a row
 * subset's g must fit the 63 - pbits bits above the count.
 */
bool
boost_hist_packable(Booster *b)
{
	double		room;

	b->packed = false;
	if ((b->obj != ENS_OBJ_SQUARED && b->obj != ENS_OBJ_ABSOLUTE &&
		 b->obj != ENS_OBJ_HUBER) || b->K != 1 || b->n == 0 ||
		b->P->hist == BOOST_HIST_PLAIN || b->P->hist == BOOST_HIST_ROWS ||
		(b->P->hist == BOOST_HIST_AUTO && b->n < BOOST_PACK_MIN_ROWS))
		return false;
	for (b->pbits = 1; b->pbits < 32 && ((uint64_t) 1 << b->pbits) <= b->n; b->pbits++)
		;
	/* |g| <= scale + 1 after rounding, on each of n rows */
	room = floor(ldexp(1.0, 63 - (int) b->pbits) / b->n) - 2.0;
	b->pscale = room < BOOST_FIX_ONE ? room : BOOST_FIX_ONE;
	b->packed = b->pscale >= BOOST_PACK_MIN_SCALE;
	return b->packed;
}

/*
 * Feature f's bins of histogram h (nb + 1 of them) as BoostBin: in place,
 * or unpacked into buf (ENS_MAX_BOOST_BINS + 1 entries).
 */
const BoostBin *
boost_hist_feature(const Booster *b, const BoostBin *h, uint32_t f, BoostBin *buf)
{
	const int64_t *e;
	uint32_t	i,
				n = b->nb[f] + 1;

	if (!b->packed)
		return h + b->off[f];
	e = (const int64_t *) h + b->off[f];
	for (i = 0; i < n; i++)
		boost_unpack(b, e[i], &buf[i].g, &buf[i].h);
	return buf;
}

/* parent -= child, over the tree's features (exact: integers) */
void
boost_hist_subtract(const Booster *b, BoostBin *parent, const BoostBin *child)
{
	AddEntries(b, parent, child, true);
}

typedef struct PartJob
{
	Booster    *b;
	const BoostSplit *s;
	uint32_t	st,
				en;
	uint32_t   *nl,				/* per chunk: rows going left */
			   *lpos,			/* per chunk: where its left rows go */
			   *rpos;			/* per chunk: where its right rows go */
	/* boost_split_to_leaves: output k's margins get value[left] */
	uint32_t	k;
	double		value[2];
	uint8_t		go[256];		/* bin -> 1 if left */
} PartJob;

static inline void
ChunkRange(const PartJob *j, uint32_t c, uint32_t *cs, uint32_t *ce)
{
	*cs = j->st + j->b->bound[c];
	*ce = j->st + j->b->bound[c + 1];
}

/* Split s as a byte table over the feature's local bins (missing: nb): 1 = left. */
static void
SideTable(const Booster *b, const BoostSplit *s, uint8_t *go)
{
	uint32_t	i;

	/* once per split, whatever the node's rows: two fills, not a loop of 256 */
	if (s->cat)
		for (i = 0; i < 256; i++)
			go[i] = (s->bits[i >> 5] >> (i & 31)) & 1;
	else
	{
		memset(go, 1, (size_t) s->bin + 1);
		memset(go + s->bin + 1, 0, 255 - (size_t) s->bin);
	}
	/* a feature of ENS_MAX_BOOST_BINS bins has no missing entry: 255 is a bin */
	if (b->nb[s->feature] <= ENS_MAX_BINS)
		go[b->nb[s->feature]] = s->defleft;
}

/*
 * Phase 1: sort a chunk's rows into tmp (left from the start, right from
 * the end), each row's side from the split's table.  Branch-free: every
 * row is written to both ends and only one end advances, as a split sends
 * rows either way unpredictably.
 */
static void
PartSort(void *ctx, int t, uint32_t c)
{
	PartJob    *j = (PartJob *) ctx;
	const BoostSplit *s = j->s;
	Booster    *b = j->b;
	const uint32_t *idx = b->idx;
	uint32_t   *tmp = b->tmp;
	const uint8_t *col = b->Xc + (size_t) s->feature * b->n;
	const uint8_t *go = j->go;
	uint32_t	cs,
				ce,
				l,
				r,
				i;

	(void) t;
	ChunkRange(j, c, &cs, &ce);
	l = cs;
	r = ce;
	for (i = cs; i < ce; i++)
	{
		uint32_t	row = idx[i],
					left = go[col[row]];

		tmp[l] = row;
		tmp[r - 1] = row;
		l += left;
		r -= left ^ 1;
	}
	j->nl[c] = l - cs;
}

/* Phase 2: copy a chunk's rows to their places in idx (right ones reversed back). */
static void
PartPlace(void *ctx, int t, uint32_t c)
{
	PartJob    *j = (PartJob *) ctx;
	Booster    *b = j->b;
	const uint32_t *tmp = b->tmp;
	uint32_t   *idx = b->idx;
	uint32_t	cs,
				ce,
				nl = j->nl[c],
				i;
	uint32_t   *ld,
			   *rd;

	(void) t;
	ChunkRange(j, c, &cs, &ce);
	ld = idx + j->lpos[c];
	rd = idx + j->rpos[c];
	memcpy(ld, tmp + cs, (size_t) nl * sizeof(uint32_t));
	for (i = ce; i > cs + nl; i--)
		*rd++ = tmp[i - 1];
}

/* A job over the rows b->idx[st..en) for split s; returns its pieces. */
static uint32_t
StartPartJob(PartJob *j, Booster *b, uint32_t st, uint32_t en, const BoostSplit *s)
{
	j->b = b;
	j->s = s;
	j->st = st;
	j->en = en;
	j->nl = b->part;
	j->lpos = b->part + b->max_part;
	j->rpos = b->part + 2 * (size_t) b->max_part;
	SideTable(b, s, j->go);
	return Pieces(b, en - st, b->bound);
}

static uint32_t
LeftRows(const PartJob *j, uint32_t nc)
{
	uint32_t	c,
				left = 0;

	for (c = 0; c < nc; c++)
		left += j->nl[c];
	return left;
}

/* Partition b->idx[st..en) by split s; *mid: the first right row. */
EnsStatus
boost_partition(Booster *b, uint32_t st, uint32_t en, const BoostSplit *s,
				uint32_t *mid)
{
	PartJob		j;
	uint32_t	nc = StartPartJob(&j, b, st, en, s),
				c,
				left,
				l,
				r;
	EnsStatus	rc;

	rc = ens_pool_run(b->pool, PartSort, &j, nc, b->intr, b->intr_arg);
	if (rc != ENS_OK)
		return rc;
	left = LeftRows(&j, nc);
	l = st;
	r = st + left;
	for (c = 0; c < nc; c++)
	{
		uint32_t	cs,
					ce;

		ChunkRange(&j, c, &cs, &ce);
		j.lpos[c] = l;
		j.rpos[c] = r;
		l += j.nl[c];
		r += (ce - cs) - j.nl[c];
	}
	*mid = st + left;
	return ens_pool_run(b->pool, PartPlace, &j, nc, b->intr, b->intr_arg);
}

/*
 * The rows of a node split into two leaves (its children at the last
 * level): each row's margin of output k gets its leaf's value, with no
 * partition (nothing reads these rows' places again: the next tree starts
 * from the sample).  *mid: st + the rows that went left, for the leaves'
 * counts.  A row gets the very value the leaf would have added.
 */
static void
LeafSplitPiece(void *ctx, int t, uint32_t c)
{
	PartJob    *j = (PartJob *) ctx;
	Booster    *b = j->b;
	const uint32_t *idx = b->idx;
	const uint8_t *col = b->Xc + (size_t) j->s->feature * b->n;
	const uint8_t *go = j->go;
	double	   *margin = b->margin + j->k;
	const uint32_t K = b->K;
	uint32_t	cs,
				ce,
				nl = 0,
				i;

	(void) t;
	ChunkRange(j, c, &cs, &ce);
	for (i = cs; i < ce; i++)
	{
		uint32_t	row = idx[i],
					left = go[col[row]];

		margin[(size_t) row * K] += j->value[left];
		nl += left;
	}
	j->nl[c] = nl;
}

EnsStatus
boost_split_to_leaves(Booster *b, uint32_t st, uint32_t en, const BoostSplit *s,
					  uint32_t k, float vl, float vr, uint32_t *mid)
{
	PartJob		j;
	uint32_t	nc = StartPartJob(&j, b, st, en, s);
	EnsStatus	rc;

	j.k = k;
	j.value[0] = vr;
	j.value[1] = vl;
	rc = ens_pool_run(b->pool, LeafSplitPiece, &j, nc, b->intr, b->intr_arg);
	*mid = st + LeftRows(&j, nc);
	return rc;
}
