/*-------------------------------------------------------------------------
 *
 * spectral.c
 *	  Balanced spectral clustering: driver of the PostgreSQL-free core.
 *
 * Pipeline (docs/clustering.md):
 *	1. sparse k-nearest-neighbour graph with self-tuning Gaussian weights on
 *	   true distances (spectral_knn.c);
 *	2. a balanced starting partition from the spectrum of the normalised
 *	   affinity (spectral_eigen.c):
 *	   - k <= SPECTRAL_KWAY_MAX: the k leading eigenvectors, rows normalised
 *		 (Ng, Jordan and Weiss 2002), clustered by size-constrained k-means in
 *		 that embedding, every assignment step an exact min-cost flow;
 *	   - larger k: recursive spectral bisection (Pothen, Simon and Liou
 *		 1990): split along the Fiedler vector of each part into two parts
 *		 whose sizes can still be divided into hubs within the bounds;
 *	3. refinement in true distance: size-constrained Lloyd iterations (hub
 *	   centroids, then the exact min-cost-flow assignment to them,
 *	   spectral_assign.c) started from the spectral partition; every step
 *	   keeps all sizes within bounds, and the best partition seen is kept.
 *
 *-------------------------------------------------------------------------
 */
#include "spectral.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SPECTRAL_KWAY_MAX 16
#define KWAY_RESTARTS 4
#define EMBED_MAX_ITER 30
#define REFINE_MAX_ITER 60
#define REFINE_PATIENCE 6
#define REFINE_CANDIDATES 12

/* ---------------------------------------------------------------- */
/* Hooks                                                             */
/* ---------------------------------------------------------------- */

void *
spectral_alloc(SpectralCtx *ctx, size_t count, size_t size)
{
	if (count != 0 && size > SIZE_MAX / count)
		return ctx->env->alloc(SIZE_MAX, ctx->env->arg);	/* allocator refuses */
	return ctx->env->alloc(count * size == 0 ? 1 : count * size, ctx->env->arg);
}

void
spectral_free(SpectralCtx *ctx, void *ptr)
{
	if (ptr)
		ctx->env->release(ptr, ctx->env->arg);
}

void
spectral_check_interrupts(SpectralCtx *ctx)
{
	if (ctx->env->interrupt)
		ctx->env->interrupt(ctx->env->arg);
}


/* ---------------------------------------------------------------- */
/* Number of hubs for a size range                                   */
/* ---------------------------------------------------------------- */

int
spectral_hubs_for_range(int n, int min_size, int max_size, int *k_lo, int *k_hi)
{
	long		lo,
				hi;
	double		target;
	long		best = 0;

	if (min_size < 1 || max_size < min_size || n < 0)
	{
		*k_lo = *k_hi = 0;
		return 0;
	}
	lo = ((long) n + max_size - 1) / max_size;
	hi = (long) n / min_size;
	*k_lo = (int) lo;
	*k_hi = (int) hi;
	if (lo > hi)
		return 0;
	target = (double) n / (((double) min_size + max_size) / 2.0);
	for (long k = lo; k <= hi; k++)
	{
		if (best == 0 || fabs(k - target) < fabs(best - target))
			best = k;
		if (k > target)
			break;				/* later k are further away */
	}
	return (int) best;
}

/* ---------------------------------------------------------------- */
/* Scoring                                                           */
/* ---------------------------------------------------------------- */

void
spectral_hub_stats(const SpectralEnv *env, int n, const double *x, const double *y,
				   const int *labels, int k, bool geographic, SpectralHubStat *out)
{
	SpectralCtx ctx = {env, NULL};

	for (int h = 0; h < k; h++)
	{
		out[h].size = 0;
		out[h].cx = out[h].cy = 0.0;
		out[h].mean_dist = out[h].max_dist = 0.0;
	}
	spectral_check_interrupts(&ctx);
	for (int i = 0; i < n; i++)
	{
		int			h = labels[i];

		if (h < 0 || h >= k)
			continue;
		out[h].size++;
		out[h].cx += x[i];
		out[h].cy += y[i];
	}
	for (int h = 0; h < k; h++)
		if (out[h].size > 0)
		{
			out[h].cx /= out[h].size;
			out[h].cy /= out[h].size;
		}
	for (int i = 0; i < n; i++)
	{
		int			h = labels[i];
		double		d;

		if ((i & 4095) == 0)
			spectral_check_interrupts(&ctx);
		if (h < 0 || h >= k)
			continue;
		d = spectral_distance(geographic, x[i], y[i], out[h].cx, out[h].cy);
		out[h].mean_dist += d;
		if (d > out[h].max_dist)
			out[h].max_dist = d;
	}
	for (int h = 0; h < k; h++)
		if (out[h].size > 0)
			out[h].mean_dist /= out[h].size;
}

/* Mean over hubs of the mean member distance to the centroid; worst hub. */
static double
Objective(SpectralCtx *ctx, const SpectralInput *in, const int *labels, int k,
		  double *worst)
{
	SpectralHubStat *hs = spectral_alloc(ctx, k, sizeof(SpectralHubStat));
	double		sum = 0.0,
				w = 0.0;
	int			used = 0;

	spectral_hub_stats(ctx->env, in->n, in->x, in->y, labels, k, in->geographic, hs);
	for (int h = 0; h < k; h++)
		if (hs[h].size > 0)
		{
			sum += hs[h].mean_dist;
			if (hs[h].mean_dist > w)
				w = hs[h].mean_dist;
			used++;
		}
	spectral_free(ctx, hs);
	if (worst)
		*worst = w;
	return used > 0 ? sum / used : 0.0;
}

/* ---------------------------------------------------------------- */
/* Balanced k-means in an embedding (k-way spectral start)           */
/* ---------------------------------------------------------------- */

typedef struct EmbedCost
{
	const double *emb;			/* n rows of dim, row-major */
	const double *cent;			/* k rows of dim */
	int			dim;
} EmbedCost;

static double
EmbedCostFn(void *arg, int i, int h)
{
	EmbedCost  *ec = arg;
	const double *p = ec->emb + (size_t) i * ec->dim;
	const double *c = ec->cent + (size_t) h * ec->dim;
	double		s = 0.0;

	for (int d = 0; d < ec->dim; d++)
		s += (p[d] - c[d]) * (p[d] - c[d]);
	return s;
}

static void
BalancedKMeansEmbedding(SpectralCtx *ctx, const double *emb, int n, int dim, int k,
						int lo, int hi, SpectralRng *rng, int *label)
{
	double	   *cent = spectral_alloc(ctx, (size_t) k * dim, sizeof(double));
	double	   *mind = spectral_alloc(ctx, n, sizeof(double));
	int		   *cand = spectral_alloc(ctx, (size_t) n * k, sizeof(int));
	double	   *ccost = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	int		   *prev = spectral_alloc(ctx, n, sizeof(int));
	int		   *cnt = spectral_alloc(ctx, k, sizeof(int));
	EmbedCost	ec = {emb, cent, dim};

	/* k-means++ seeding */
	{
		int			first = (int) (spectral_rng_next(rng) % (uint64_t) n);

		memcpy(cent, emb + (size_t) first * dim, sizeof(double) * dim);
		for (int i = 0; i < n; i++)
			mind[i] = EmbedCostFn(&ec, i, 0);
		for (int c = 1; c < k; c++)
		{
			double		total = 0.0,
						r;
			int			pick = n - 1;

			spectral_check_interrupts(ctx);
			for (int i = 0; i < n; i++)
				total += mind[i];
			r = spectral_rng_uniform(rng) * total;
			for (int i = 0; i < n; i++)
			{
				r -= mind[i];
				if (r < 0)
				{
					pick = i;
					break;
				}
			}
			if (total <= 0.0)
				pick = (int) (spectral_rng_next(rng) % (uint64_t) n);
			memcpy(cent + (size_t) c * dim, emb + (size_t) pick * dim, sizeof(double) * dim);
			for (int i = 0; i < n; i++)
			{
				double		d = EmbedCostFn(&ec, i, c);

				if (d < mind[i])
					mind[i] = d;
			}
		}
	}

	for (int iter = 0; iter < EMBED_MAX_ITER; iter++)
	{
		bool		moved = false;

		for (int i = 0; i < n; i++)
		{
			if ((i & 1023) == 0)
				spectral_check_interrupts(ctx);
			for (int h = 0; h < k; h++)
			{
				cand[(size_t) i * k + h] = h;
				ccost[(size_t) i * k + h] = EmbedCostFn(&ec, i, h);
			}
		}
		if (iter == 0)
			spectral_greedy_feasible(ctx, n, k, lo, hi, k, cand, ccost, label);
		else
			memcpy(prev, label, sizeof(int) * n);
		spectral_balanced_assign(ctx, n, k, lo, hi, k, cand, ccost, EmbedCostFn, &ec, label);
		if (ctx->stats)
			ctx->stats->embed_iterations++;
		if (iter > 0)
		{
			for (int i = 0; i < n; i++)
				if (prev[i] != label[i])
				{
					moved = true;
					break;
				}
			if (!moved)
				break;
		}
		/* centroids */
		memset(cent, 0, sizeof(double) * k * dim);
		memset(cnt, 0, sizeof(int) * k);
		for (int i = 0; i < n; i++)
		{
			cnt[label[i]]++;
			for (int d = 0; d < dim; d++)
				cent[(size_t) label[i] * dim + d] += emb[(size_t) i * dim + d];
		}
		for (int h = 0; h < k; h++)
			if (cnt[h] > 0)
				for (int d = 0; d < dim; d++)
					cent[(size_t) h * dim + d] /= cnt[h];
	}
	spectral_free(ctx, cent);
	spectral_free(ctx, mind);
	spectral_free(ctx, cand);
	spectral_free(ctx, ccost);
	spectral_free(ctx, prev);
	spectral_free(ctx, cnt);
}

/*
 * Spectral embedding for the k-way start: the k leading eigenvectors of the
 * normalised affinity, each row scaled to unit length (n rows of k).
 */
static SpectralStatus
KWayEmbedding(SpectralCtx *ctx, const SpectralGraph *g, int n, int k,
			  SpectralRng *rng, double **embout)
{
	double	   *vec = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	double	   *emb;
	SpectralStatus st;

	st = spectral_top_eigenvectors(ctx, g, NULL, n, k, false, rng, vec);
	if (st != SPECTRAL_OK)
	{
		spectral_free(ctx, vec);
		return st;
	}
	/* rows of the eigenvector matrix, normalised to unit length */
	emb = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	for (int i = 0; i < n; i++)
	{
		double		s = 0.0;

		for (int c = 0; c < k; c++)
		{
			double		v = vec[(size_t) c * n + i];

			emb[(size_t) i * k + c] = v;
			s += v * v;
		}
		s = sqrt(s);
		if (s > 0)
			for (int c = 0; c < k; c++)
				emb[(size_t) i * k + c] /= s;
	}
	spectral_free(ctx, vec);
	*embout = emb;
	return SPECTRAL_OK;
}

/* ---------------------------------------------------------------- */
/* Recursive spectral bisection                                      */
/* ---------------------------------------------------------------- */

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

/* Scratch shared by the levels of the recursion. */
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

/*
 * Divide verts[0..m) into c hubs numbered from base.  The part is ordered
 * (Fiedler vector, or components), cut where the sweep says, and each piece
 * gets a number of hubs proportional to its size, so that the average hub
 * size stays near m / c all the way down.
 */
static SpectralStatus
Bisect(SpectralCtx *ctx, BisectState *bs, int *verts, int m, int c, int base)
{
	long		n1 = 0;
	int			c1 = 0;
	int			ncomp;
	int		   *comp;
	SpectralStatus st = SPECTRAL_OK;

	spectral_check_interrupts(ctx);
	if (c == 1)
	{
		for (int i = 0; i < m; i++)
			bs->label[verts[i]] = base;
		return SPECTRAL_OK;
	}

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
		/* no feasible cut found by the sweep: proportional split */
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

	st = Bisect(ctx, bs, verts, (int) n1, c1, base);
	if (st != SPECTRAL_OK)
		return st;
	return Bisect(ctx, bs, verts + n1, m - (int) n1, c - c1, base + c1);
}

/* ---------------------------------------------------------------- */
/* Refinement in true distance                                       */
/* ---------------------------------------------------------------- */

typedef struct GeoCost
{
	const SpectralPoints *pts;
	const double *cent;			/* k rows of pts->dim */
} GeoCost;

static double
GeoCostFn(void *arg, int i, int h)
{
	GeoCost    *gc = arg;

	return spectral_point_to(gc->pts, i, gc->cent + (size_t) h * gc->pts->dim);
}

static void
Centroids(const SpectralPoints *pts, const int *label, int k, double *cent, int *cnt)
{
	int			dim = pts->dim;

	memset(cent, 0, sizeof(double) * k * dim);
	memset(cnt, 0, sizeof(int) * k);
	for (int i = 0; i < pts->n; i++)
	{
		cnt[label[i]]++;
		for (int d = 0; d < dim; d++)
			cent[(size_t) label[i] * dim + d] += pts->coord[(size_t) i * dim + d];
	}
	for (int h = 0; h < k; h++)
	{
		double		s = 0.0;

		if (cnt[h] == 0)
			continue;
		for (int d = 0; d < dim; d++)
		{
			cent[(size_t) h * dim + d] /= cnt[h];
			s += cent[(size_t) h * dim + d] * cent[(size_t) h * dim + d];
		}
		/* on the sphere: project the mean back onto it */
		if (pts->geographic && s > 0)
		{
			s = sqrt(s);
			for (int d = 0; d < dim; d++)
				cent[(size_t) h * dim + d] /= s;
		}
	}
}

typedef struct RefineWork
{
	int			mc;
	double	   *cent;
	int		   *cnt;
	int		   *cand;
	double	   *ccost;
	double	   *d2;
	int		   *bestlab;
	double	   *hubmean;
} RefineWork;

/*
 * Size-constrained Lloyd iterations from label; label receives the best
 * labelling seen and the objective is returned.  With override >= 0 the
 * first step uses override_pos as that hub's centre instead of its mean.
 */
static double
LloydRun(SpectralCtx *ctx, const SpectralInput *in, const SpectralPoints *pts, int k,
		 int lo, int hi, RefineWork *rw, int override, const double *override_pos,
		 int *label)
{
	int			n = pts->n;
	int			dim = pts->dim;
	int			mc = rw->mc;
	GeoCost		gc = {pts, rw->cent};
	double		bestobj,
				obj;
	int			since_best = 0;

	memcpy(rw->bestlab, label, sizeof(int) * n);
	bestobj = override >= 0 ? INFINITY : Objective(ctx, in, label, k, NULL);

	for (int iter = 0; iter < REFINE_MAX_ITER; iter++)
	{
		SpectralKdTree *tree;
		long		moved;

		spectral_check_interrupts(ctx);
		Centroids(pts, label, k, rw->cent, rw->cnt);
		if (iter == 0 && override >= 0)
			memcpy(rw->cent + (size_t) override * dim, override_pos, sizeof(double) * dim);
		tree = spectral_kdtree_build(ctx, rw->cent, k, dim);
		for (int i = 0; i < n; i++)
		{
			int			got;

			if ((i & 1023) == 0)
				spectral_check_interrupts(ctx);
			got = spectral_kdtree_knn(tree, pts->coord + (size_t) i * dim, mc, -1,
									  rw->cand + (size_t) i * mc, rw->d2);
			for (int t = 0; t < got; t++)
				rw->ccost[(size_t) i * mc + t] =
					spectral_chord_to_distance(pts->geographic, sqrt(rw->d2[t]));
			for (int t = got; t < mc; t++)
				rw->cand[(size_t) i * mc + t] = -1;
		}
		spectral_kdtree_free(ctx, tree);
		moved = spectral_balanced_assign(ctx, n, k, lo, hi, mc, rw->cand, rw->ccost,
										 GeoCostFn, &gc, label);
		if (ctx->stats)
			ctx->stats->refine_iterations++;
		if (moved == 0 && iter > 0)
			break;
		obj = Objective(ctx, in, label, k, NULL);
		if (obj < bestobj)
		{
			bestobj = obj;
			memcpy(rw->bestlab, label, sizeof(int) * n);
			since_best = 0;
		}
		else if (++since_best >= REFINE_PATIENCE)
			break;
	}
	memcpy(label, rw->bestlab, sizeof(int) * n);
	return bestobj;
}

/*
 * A hub stretched over two groups of points sits between them, where
 * Lloyd steps cannot move it.  Find the centre of the larger group with a
 * few 2-means steps over the hub's members.
 */
static void
LargerHalfCentre(SpectralCtx *ctx, const SpectralPoints *pts, const int *label,
				 int hub, const double *mean, double *out)
{
	int			dim = pts->dim;
	int			n = pts->n;
	double		c[2][3] = {{0}};
	double		far = -1.0;
	int			a = -1,
				b = -1;
	int			cnt[2] = {0, 0};

	spectral_check_interrupts(ctx);
	for (int i = 0; i < n; i++)
		if (label[i] == hub)
		{
			double		d = spectral_point_to(pts, i, mean);

			if (d > far)
			{
				far = d;
				a = i;
			}
		}
	if (a < 0)
	{
		memcpy(out, mean, sizeof(double) * dim);
		return;
	}
	far = -1.0;
	spectral_check_interrupts(ctx);
	for (int i = 0; i < n; i++)
		if (label[i] == hub)
		{
			double		d = spectral_point_distance(pts, i, a);

			if (d > far)
			{
				far = d;
				b = i;
			}
		}
	memcpy(c[0], pts->coord + (size_t) a * dim, sizeof(double) * dim);
	memcpy(c[1], pts->coord + (size_t) b * dim, sizeof(double) * dim);
	for (int it = 0; it < 10; it++)
	{
		double		sum[2][3] = {{0}};

		spectral_check_interrupts(ctx);
		cnt[0] = cnt[1] = 0;
		for (int i = 0; i < n; i++)
			if (label[i] == hub)
			{
				int			s = spectral_point_to(pts, i, c[0]) <= spectral_point_to(pts, i, c[1]) ? 0 : 1;

				cnt[s]++;
				for (int d = 0; d < dim; d++)
					sum[s][d] += pts->coord[(size_t) i * dim + d];
			}
		for (int s = 0; s < 2; s++)
			if (cnt[s] > 0)
			{
				double		nrm = 0.0;

				for (int d = 0; d < dim; d++)
				{
					c[s][d] = sum[s][d] / cnt[s];
					nrm += c[s][d] * c[s][d];
				}
				if (pts->geographic && nrm > 0)
					for (int d = 0; d < dim; d++)
						c[s][d] /= sqrt(nrm);
			}
	}
	memcpy(out, c[cnt[0] >= cnt[1] ? 0 : 1], sizeof(double) * dim);
}

/*
 * Refinement in true distance: Lloyd iterations, then up to RESEED_TRIES
 * attempts to repair the worst hub when it is far worse than the typical
 * one (mean distance above RESEED_FACTOR times the median): its centre is
 * moved into its larger group of members and the iterations rerun; an
 * attempt is kept only if the objective improves.
 */
#define RESEED_TRIES 8
#define RESEED_FACTOR 3.0

static int
DoubleAsc(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static double
Refine(SpectralCtx *ctx, const SpectralInput *in, const SpectralPoints *pts, int k,
	   int lo, int hi, int *label)
{
	int			n = pts->n;
	int			dim = pts->dim;
	RefineWork	rw;
	SpectralHubStat *hs = spectral_alloc(ctx, k, sizeof(SpectralHubStat));
	bool	   *tried = spectral_alloc(ctx, k, sizeof(bool));
	int		   *trial = spectral_alloc(ctx, n, sizeof(int));
	double		bestobj;

	rw.mc = k < REFINE_CANDIDATES ? k : REFINE_CANDIDATES;
	rw.cent = spectral_alloc(ctx, (size_t) k * dim, sizeof(double));
	rw.cnt = spectral_alloc(ctx, k, sizeof(int));
	rw.cand = spectral_alloc(ctx, (size_t) n * rw.mc, sizeof(int));
	rw.ccost = spectral_alloc(ctx, (size_t) n * rw.mc, sizeof(double));
	rw.d2 = spectral_alloc(ctx, rw.mc, sizeof(double));
	rw.bestlab = spectral_alloc(ctx, n, sizeof(int));
	rw.hubmean = spectral_alloc(ctx, k, sizeof(double));
	memset(tried, 0, sizeof(bool) * k);

	bestobj = LloydRun(ctx, in, pts, k, lo, hi, &rw, -1, NULL, label);

	for (int attempt = 0; attempt < RESEED_TRIES && k > 1; attempt++)
	{
		int			worst = -1;
		double		median;
		double		pos[3];
		double		obj;

		spectral_hub_stats(ctx->env, n, in->x, in->y, label, k, in->geographic, hs);
		for (int h = 0; h < k; h++)
			rw.hubmean[h] = hs[h].mean_dist;
		qsort(rw.hubmean, k, sizeof(double), DoubleAsc);
		median = rw.hubmean[k / 2];
		for (int h = 0; h < k; h++)
			if (!tried[h] && hs[h].mean_dist > RESEED_FACTOR * median &&
				(worst < 0 || hs[h].mean_dist > hs[worst].mean_dist))
				worst = h;
		if (worst < 0)
			break;
		tried[worst] = true;
		Centroids(pts, label, k, rw.cent, rw.cnt);
		LargerHalfCentre(ctx, pts, label, worst, rw.cent + (size_t) worst * dim, pos);
		memcpy(trial, label, sizeof(int) * n);
		obj = LloydRun(ctx, in, pts, k, lo, hi, &rw, worst, pos, trial);
		if (obj < bestobj)
		{
			bestobj = obj;
			memcpy(label, trial, sizeof(int) * n);
		}
	}
	spectral_free(ctx, hs);
	spectral_free(ctx, tried);
	spectral_free(ctx, trial);
	spectral_free(ctx, rw.cent);
	spectral_free(ctx, rw.cnt);
	spectral_free(ctx, rw.cand);
	spectral_free(ctx, rw.ccost);
	spectral_free(ctx, rw.d2);
	spectral_free(ctx, rw.bestlab);
	spectral_free(ctx, rw.hubmean);
	return bestobj;
}

/* ---------------------------------------------------------------- */
/* Driver                                                            */
/* ---------------------------------------------------------------- */

/* Range of objectives seen, for the diagnostics. */
static void
NoteObjective(double *lo, double *hi, bool first, double obj)
{
	if (first || obj < *lo)
		*lo = obj;
	if (first || obj > *hi)
		*hi = obj;
}

SpectralStatus
spectral_cluster(const SpectralEnv *env, const SpectralInput *in, int *labels,
				 SpectralStats *stats)
{
	SpectralCtx ctx;
	SpectralStats dummy;
	SpectralPoints pts;
	SpectralGraph *g;
	SpectralRng rng;
	SpectralStatus st = SPECTRAL_OK;
	int			n = in->n;
	int			k = in->k;
	int			lo = in->min_size;
	int			hi = in->max_size;
	int			nn;

	if (stats == NULL)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	ctx.env = env;
	ctx.stats = stats;

	if (n < 1 || n > SPECTRAL_MAX_POINTS || k < 1 || k > n || lo < 1 || hi < lo ||
		(long) k * lo > n || (long) k * hi < n || in->n_neighbors < 0)
		return SPECTRAL_ERR_ARGUMENT;
	for (int i = 0; i < n; i++)
		if (!isfinite(in->x[i]) || !isfinite(in->y[i]) ||
			(!in->geographic && (fabs(in->x[i]) > SPECTRAL_MAX_PLANAR_COORD ||
								 fabs(in->y[i]) > SPECTRAL_MAX_PLANAR_COORD)))
			return SPECTRAL_ERR_ARGUMENT;

	nn = in->n_neighbors > 0 ? in->n_neighbors : SPECTRAL_DEFAULT_NEIGHBORS;
	if (nn > SPECTRAL_MAX_NEIGHBORS)
		nn = SPECTRAL_MAX_NEIGHBORS;
	if (nn > n - 1)
		nn = n - 1;
	stats->n_neighbors = nn;

	if (k == 1 || k == n)
	{
		for (int i = 0; i < n; i++)
			labels[i] = k == 1 ? 0 : i;
		stats->method = 0;
		stats->objective = Objective(&ctx, in, labels, k, &stats->worst_hub);
		return SPECTRAL_OK;
	}

	/* coordinates for neighbour search and refinement */
	pts.n = n;
	pts.geographic = in->geographic;
	pts.dim = in->geographic ? 3 : 2;
	pts.coord = spectral_alloc(&ctx, (size_t) n * pts.dim, sizeof(double));
	for (int i = 0; i < n; i++)
	{
		if (in->geographic)
		{
			double		lon = in->x[i] * M_PI / 180.0;
			double		lat = in->y[i] * M_PI / 180.0;

			pts.coord[3 * (size_t) i] = cos(lat) * cos(lon);
			pts.coord[3 * (size_t) i + 1] = cos(lat) * sin(lon);
			pts.coord[3 * (size_t) i + 2] = sin(lat);
		}
		else
		{
			pts.coord[2 * (size_t) i] = in->x[i];
			pts.coord[2 * (size_t) i + 1] = in->y[i];
		}
	}

	spectral_rng_seed(&rng, in->seed);
	g = spectral_knn_graph(&ctx, &pts, nn);
	if (k <= SPECTRAL_KWAY_MAX)
	{
		double	   *emb = NULL;

		stats->method = 1;
		st = KWayEmbedding(&ctx, g, n, k, &rng, &emb);
		spectral_graph_free(&ctx, g);
		g = NULL;
		if (st == SPECTRAL_OK)
		{
			/*
			 * Several k-means++ starts in the embedding, each refined; the
			 * best objective wins (all derive from the one seed).
			 */
			int		   *trial = spectral_alloc(&ctx, n, sizeof(int));
			double		best = INFINITY;

			for (int r = 0; r < KWAY_RESTARTS; r++)
			{
				double		obj;

				BalancedKMeansEmbedding(&ctx, emb, n, k, k, lo, hi, &rng, trial);
				NoteObjective(&stats->start_min, &stats->start_max, r == 0,
							  Objective(&ctx, in, trial, k, NULL));
				obj = Refine(&ctx, in, &pts, k, lo, hi, trial);
				NoteObjective(&stats->refined_min, &stats->refined_max, r == 0, obj);
				/* the first start always counts: a NaN objective never compares less */
				if (r == 0 || obj < best)
				{
					best = obj;
					memcpy(labels, trial, sizeof(int) * n);
				}
			}
			spectral_free(&ctx, trial);
			spectral_free(&ctx, emb);
		}
	}
	else
	{
		int		   *verts = spectral_alloc(&ctx, n, sizeof(int));
		int		   *rank = spectral_alloc(&ctx, n, sizeof(int));
		BisectState bs = {g, &pts, lo, hi, &rng, rank, labels};

		stats->method = 2;
		for (int i = 0; i < n; i++)
		{
			verts[i] = i;
			rank[i] = -1;
		}
		st = Bisect(&ctx, &bs, verts, n, k, 0);
		spectral_free(&ctx, verts);
		spectral_free(&ctx, rank);
		spectral_graph_free(&ctx, g);
		if (st == SPECTRAL_OK)
		{
			NoteObjective(&stats->start_min, &stats->start_max, true,
						  Objective(&ctx, in, labels, k, NULL));
			NoteObjective(&stats->refined_min, &stats->refined_max, true,
						  Refine(&ctx, in, &pts, k, lo, hi, labels));
		}
	}
	if (st == SPECTRAL_OK)
		stats->objective = Objective(&ctx, in, labels, k, &stats->worst_hub);
	spectral_free(&ctx, pts.coord);
	return st;
}
