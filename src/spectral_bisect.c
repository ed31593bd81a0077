/*-------------------------------------------------------------------------
 *
 * spectral_bisect.c
 *	  The start for many hubs: recursive spectral bisection (Pothen, Simon and
 *	  Liou 1990).  Each part is ordered along its Fiedler vector (or, split
 *	  into components, along its principal axis) and cut where a sweep finds
 *	  the least ratio cut whose two pieces can still be divided into hubs
 *	  within the size bounds.
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Ranked
{
	double		v;
	int			idx;
} Ranked;

static int
RankedCmp(const void *a, const void *b)
{
	const Ranked *x = a,
			   *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
}

/* Scratch shared by the parts of the bisection. */
typedef struct BisectState
{
	const SpectralGraph *g;
	const SpectralPoints *pts;
	int			lo;
	int			hi;
	SpectralRng *rng;
	int		   *rank;			/* graph vertex -> local index, else -1 */
	int		   *label;
} BisectState;

/* Projection of each listed point on the principal axis of the list. */
static void
AxisProjection(SpectralCtx *ctx, const SpectralPoints *pts, const int *verts,
			   int m, double *proj)
{
	int			dim = pts->dim;
	double		mean[3] = {0, 0, 0};
	double		cov[9] = {0};
	double		axis[3] = {1, 0.5, 0.25};

	for (int i = 0; i < m; i++)
		for (int d = 0; d < dim; d++)
			mean[d] += pts->coord[(size_t) verts[i] * dim + d];
	for (int d = 0; d < dim; d++)
		mean[d] /= m;
	for (int i = 0; i < m; i++)
	{
		const double *p = pts->coord + (size_t) verts[i] * dim;

		if ((i & 4095) == 0)
			spectral_check_interrupts(ctx);
		for (int a = 0; a < dim; a++)
			for (int b = 0; b < dim; b++)
				cov[a * 3 + b] += (p[a] - mean[a]) * (p[b] - mean[b]);
	}
	/* power iteration on the (at most 3x3) covariance */
	for (int it = 0; it < 100; it++)
	{
		double		nx[3] = {0, 0, 0};
		double		nrm = 0.0;

		for (int a = 0; a < dim; a++)
			for (int b = 0; b < dim; b++)
				nx[a] += cov[a * 3 + b] * axis[b];
		for (int a = 0; a < dim; a++)
			nrm += nx[a] * nx[a];
		if (!(nrm > 0.0))
			break;
		nrm = sqrt(nrm);
		for (int a = 0; a < dim; a++)
			axis[a] = nx[a] / nrm;
	}
	for (int i = 0; i < m; i++)
	{
		const double *p = pts->coord + (size_t) verts[i] * dim;
		double		v = 0.0;

		for (int d = 0; d < dim; d++)
			v += (p[d] - mean[d]) * axis[d];
		proj[i] = v;
	}
}

/* Order verts by key (ties by vertex number). */
static void
SortByKey(SpectralCtx *ctx, int *verts, const double *key, int m)
{
	Ranked	   *rk = spectral_alloc(ctx, m, sizeof(Ranked));

	for (int i = 0; i < m; i++)
	{
		rk[i].v = key[i];
		rk[i].idx = verts[i];
	}
	qsort(rk, m, sizeof(Ranked), RankedCmp);
	for (int i = 0; i < m; i++)
		verts[i] = rk[i].idx;
	spectral_free(ctx, rk);
}

/* Order a connected set of vertices along its Fiedler vector. */
static SpectralStatus
FiedlerOrder(SpectralCtx *ctx, BisectState *bs, int *verts, int m)
{
	double	   *fied;
	SpectralStatus st;

	if (m < 3)
		return SPECTRAL_OK;
	fied = spectral_alloc(ctx, m, sizeof(double));
	st = spectral_top_eigenvectors(ctx, bs->g, verts, m, 1, true, bs->rng, fied);
	if (st == SPECTRAL_OK)
		SortByKey(ctx, verts, fied, m);
	spectral_free(ctx, fied);
	return st;
}

/*
 * Connected components of the subgraph induced by verts.  Returns their
 * number; comp[i] is the component of verts[i].
 */
static int
Components(SpectralCtx *ctx, BisectState *bs, const int *verts, int m, int *comp)
{
	const SpectralGraph *g = bs->g;
	int		   *queue = spectral_alloc(ctx, m, sizeof(int));
	int			ncomp = 0;

	for (int i = 0; i < m; i++)
	{
		bs->rank[verts[i]] = i;
		comp[i] = -1;
	}
	for (int s = 0; s < m; s++)
	{
		int			head = 0,
					tail = 0;

		if (comp[s] >= 0)
			continue;
		comp[s] = ncomp;
		queue[tail++] = s;
		while (head < tail)
		{
			int			v = verts[queue[head++]];

			if ((head & 1023) == 0)
				spectral_check_interrupts(ctx);
			for (long e = g->rowptr[v]; e < g->rowptr[v + 1]; e++)
			{
				int			r = bs->rank[g->col[e]];

				if (r >= 0 && comp[r] < 0)
				{
					comp[r] = ncomp;
					queue[tail++] = r;
				}
			}
		}
		ncomp++;
	}
	for (int i = 0; i < m; i++)
		bs->rank[verts[i]] = -1;
	spectral_free(ctx, queue);
	return ncomp;
}

/*
 * Hubs for the first piece when an ordered part of m points is cut after
 * position p: the count proportional to p, if both pieces can then be
 * divided into hubs within the size bounds; 0 if not.
 */
static int
HubsForPiece(BisectState *bs, long m, int c, long p)
{
	long		c1 = lround((double) c * p / m);
	long		c2;

	if (c1 < 1)
		c1 = 1;
	if (c1 > c - 1)
		c1 = c - 1;
	c2 = c - c1;
	if (p < c1 * bs->lo || p > c1 * bs->hi ||
		m - p < c2 * bs->lo || m - p > c2 * bs->hi)
		return 0;
	return (int) c1;
}

/*
 * Sweep cut: among the cut positions p in [pmin, pmax] of the ordered part
 * that admit a hub count (HubsForPiece), the one of least ratio cut
 * cut(S) * m / (|S| (m - |S|)), ties going to the position nearest the
 * middle.  Returns the position (0 if none is feasible) and its hub count.
 */
static long
SweepCut(SpectralCtx *ctx, BisectState *bs, const int *verts, int m, int c,
		 long pmin, long pmax, int *c1out)
{
	const SpectralGraph *g = bs->g;
	int		   *rank = bs->rank;
	double		cut = 0.0;
	double		bestval = INFINITY;
	long		best = 0;

	if (pmin < 1)
		pmin = 1;
	if (pmax > m - 1)
		pmax = m - 1;
	*c1out = 0;
	for (int i = 0; i < m; i++)
		rank[verts[i]] = i;
	for (long p = 0; p < pmax; p++)
	{
		int			v = verts[p];
		double		toprefix = 0.0,
					tosub = 0.0;
		long		s1 = p + 1;
		int			c1;

		if ((p & 1023) == 0)
			spectral_check_interrupts(ctx);
		for (long e = g->rowptr[v]; e < g->rowptr[v + 1]; e++)
		{
			int			r = rank[g->col[e]];

			if (r < 0)
				continue;
			tosub += g->w[e];
			if (r < p)
				toprefix += g->w[e];
		}
		cut += tosub - 2.0 * toprefix;
		if (s1 < pmin || (c1 = HubsForPiece(bs, m, c, s1)) == 0)
			continue;
		{
			double		val = (cut > 0 ? cut : 0.0) * m / ((double) s1 * (m - s1));
			double		tol = 1e-9 * (bestval < INFINITY ? bestval : 0.0) + 1e-15;

			if (val < bestval - tol ||
				(val <= bestval + tol && labs(2 * s1 - m) < labs(2 * best - m)))
			{
				if (val < bestval)
					bestval = val;
				best = s1;
				*c1out = c1;
			}
		}
	}
	for (int i = 0; i < m; i++)
		rank[verts[i]] = -1;
	return best;
}

/* Reverse verts[0..m) if its first quarter lies further along proj than its last. */
static void
OrientAlong(const double *proj, int *verts, int m)
{
	double		head = 0.0,
				tail = 0.0;
	int			h = m / 4 > 0 ? m / 4 : 1;

	for (int i = 0; i < h; i++)
	{
		head += proj[i];
		tail += proj[m - 1 - i];
	}
	if (head > tail)
		for (int i = 0, j = m - 1; i < j; i++, j--)
		{
			int			t = verts[i];

			verts[i] = verts[j];
			verts[j] = t;
		}
}

/*
 * Order a part that falls into several connected components: components
 * along the principal axis of the part, each by its own projection.  A
 * boundary between components cuts nothing and wins the sweep when it is
 * feasible; otherwise the component holding the best cut is reordered by
 * its own Fiedler vector and swept again.
 */
static SpectralStatus
SplitComponents(SpectralCtx *ctx, BisectState *bs, int *verts, int m, int c,
				int ncomp, const int *comp, long *n1out, int *c1out)
{
	double	   *proj = spectral_alloc(ctx, m, sizeof(double));
	double	   *csum = spectral_alloc(ctx, ncomp, sizeof(double));
	int		   *csize = spectral_alloc(ctx, ncomp, sizeof(int));
	double	   *key = spectral_alloc(ctx, m, sizeof(double));
	double	   *ckey = spectral_alloc(ctx, ncomp, sizeof(double));
	int		   *corder = spectral_alloc(ctx, ncomp, sizeof(int));
	SpectralStatus st = SPECTRAL_OK;
	long		n1;
	int			c1;

	AxisProjection(ctx, bs->pts, verts, m, proj);
	memset(csum, 0, sizeof(double) * ncomp);
	memset(csize, 0, sizeof(int) * ncomp);
	for (int i = 0; i < m; i++)
	{
		csum[comp[i]] += proj[i];
		csize[comp[i]]++;
	}
	{
		Ranked	   *rk = spectral_alloc(ctx, ncomp, sizeof(Ranked));

		for (int q = 0; q < ncomp; q++)
		{
			rk[q].v = csum[q] / csize[q];
			rk[q].idx = q;
		}
		qsort(rk, ncomp, sizeof(Ranked), RankedCmp);
		for (int r = 0; r < ncomp; r++)
		{
			corder[r] = rk[r].idx;
			ckey[rk[r].idx] = r;
		}
		spectral_free(ctx, rk);
	}
	{
		double		span = 1.0;

		for (int i = 0; i < m; i++)
			if (fabs(proj[i]) + 1.0 > span)
				span = fabs(proj[i]) + 1.0;
		for (int i = 0; i < m; i++)
			key[i] = ckey[comp[i]] * 4.0 * span + proj[i];
		SortByKey(ctx, verts, key, m);
	}
	n1 = SweepCut(ctx, bs, verts, m, c, 1, m - 1, &c1);
	if (n1 > 0)
	{
		/* inside a component?  then order that one by its Fiedler vector */
		long		start = 0;

		for (int r = 0; r < ncomp; r++)
		{
			int			q = corder[r];

			if (n1 > start && n1 < start + csize[q])
			{
				st = FiedlerOrder(ctx, bs, verts + start, csize[q]);
				if (st == SPECTRAL_OK)
				{
					long		n1b;
					int			c1b;

					AxisProjection(ctx, bs->pts, verts + start, csize[q], proj);
					OrientAlong(proj, verts + start, csize[q]);
					n1b = SweepCut(ctx, bs, verts, m, c, start + 1,
								   start + csize[q] - 1, &c1b);
					if (n1b > 0)
					{
						n1 = n1b;
						c1 = c1b;
					}
				}
				break;
			}
			start += csize[q];
		}
	}
	*n1out = n1;
	*c1out = c1;
	spectral_free(ctx, proj);
	spectral_free(ctx, csum);
	spectral_free(ctx, csize);
	spectral_free(ctx, key);
	spectral_free(ctx, ckey);
	spectral_free(ctx, corder);
	return st;
}

/* A part still to divide: verts[off..off+m) into c hubs numbered from base. */
typedef struct BisectPart
{
	long		off;
	int			m;
	int			c;
	int			base;
} BisectPart;

/*
 * Cut the part verts[0..m) of c > 1 hubs in two.  The part is ordered
 * (Fiedler vector, or components) and cut where the sweep says; the first
 * piece, verts[0..*n1out), gets *c1out hubs, a number proportional to its
 * size, so that the average hub size stays near m / c all the way down.
 */
static SpectralStatus
CutPart(SpectralCtx *ctx, BisectState *bs, int *verts, int m, int c,
		long *n1out, int *c1out)
{
	long		n1 = 0;
	int			c1 = 0;
	int			ncomp;
	int		   *comp;
	SpectralStatus st = SPECTRAL_OK;

	comp = spectral_alloc(ctx, m, sizeof(int));
	ncomp = Components(ctx, bs, verts, m, comp);
	if (ncomp == 1)
	{
		st = FiedlerOrder(ctx, bs, verts, m);
		if (st == SPECTRAL_OK)
			n1 = SweepCut(ctx, bs, verts, m, c, 1, m - 1, &c1);
	}
	else
		st = SplitComponents(ctx, bs, verts, m, c, ncomp, comp, &n1, &c1);
	spectral_free(ctx, comp);
	if (st != SPECTRAL_OK)
		return st;
	if (n1 <= 0)
	{
		/*
		 * No feasible cut found by the sweep: proportional split.  A guard
		 * only: every part has c * lo <= m <= c * hi, and the sweep over
		 * 1..m-1 always admits the cut p = max(lo, m - (c - 1) * hi), with
		 * one hub (c * p / m <= 1 rounds to 1) for the first piece.
		 */
		c1 = c / 2;
		n1 = lround((double) m * c1 / c);
		if (n1 < (long) c1 * bs->lo)
			n1 = (long) c1 * bs->lo;
		if (n1 > (long) c1 * bs->hi)
			n1 = (long) c1 * bs->hi;
		if (m - n1 > (long) (c - c1) * bs->hi)
			n1 = m - (long) (c - c1) * bs->hi;
		if (m - n1 < (long) (c - c1) * bs->lo)
			n1 = m - (long) (c - c1) * bs->lo;
	}
	*n1out = n1;
	*c1out = c1;
	return SPECTRAL_OK;
}

/*
 * Divide verts[0..n) into k hubs numbered from 0, depth first: each part is
 * cut in two and the first piece divided before the second.  The pending
 * parts live on a heap stack, not the C stack: a sweep that keeps peeling one
 * hub off the end of its part would nest k levels deep, and k may be in the
 * millions.  The second piece is pushed before the first, so the parts are
 * divided (and the generator drawn) in the order of the recursion this
 * replaces.  Each pending part holds a hub at least, so at most k are
 * pending; the stack grows by doubling, as deep as the cuts make it.
 */
static SpectralStatus
Bisect(SpectralCtx *ctx, BisectState *bs, int *verts, int n, int k)
{
	int			cap = 64;
	int			top = 0;
	BisectPart *stack = spectral_alloc(ctx, cap, sizeof(BisectPart));
	SpectralStatus st = SPECTRAL_OK;

	stack[top++] = (BisectPart) {0, n, k, 0};
	while (top > 0)
	{
		BisectPart	p = stack[--top];
		long		n1;
		int			c1;

		spectral_check_interrupts(ctx);
		if (p.c == 1)
		{
			for (int i = 0; i < p.m; i++)
				bs->label[verts[p.off + i]] = p.base;
			continue;
		}
		st = CutPart(ctx, bs, verts + p.off, p.m, p.c, &n1, &c1);
		if (st != SPECTRAL_OK)
			break;
		if (top + 2 > cap)
		{
			BisectPart *grown = spectral_alloc(ctx, (size_t) cap * 2, sizeof(BisectPart));

			memcpy(grown, stack, sizeof(BisectPart) * top);
			spectral_free(ctx, stack);
			stack = grown;
			cap *= 2;
		}
		stack[top++] = (BisectPart) {p.off + n1, p.m - (int) n1, p.c - c1, p.base + c1};
		stack[top++] = (BisectPart) {p.off, (int) n1, c1, p.base};
	}
	spectral_free(ctx, stack);
	return st;
}

SpectralStatus
spectral_bisect(SpectralCtx *ctx, const SpectralGraph *g, const SpectralPoints *pts,
				int lo, int hi, SpectralRng *rng, int n, int k, int *labels)
{
	int		   *verts = spectral_alloc(ctx, n, sizeof(int));
	int		   *rank = spectral_alloc(ctx, n, sizeof(int));
	BisectState bs = {g, pts, lo, hi, rng, rank, labels};
	SpectralStatus st;

	for (int i = 0; i < n; i++)
	{
		verts[i] = i;
		rank[i] = -1;
	}
	st = Bisect(ctx, &bs, verts, n, k);
	spectral_free(ctx, verts);
	spectral_free(ctx, rank);
	return st;
}
