/*-------------------------------------------------------------------------
 *
 * spectral_knn.c
 *	  Distances, a k-d tree and the sparse k-nearest-neighbour affinity
 *	  graph of balanced_spectral_cluster.  PostgreSQL-free.
 *
 * Geographic points are embedded as 3-D unit vectors: the Euclidean (chord)
 * distance between unit vectors is monotone in the great-circle distance, so
 * a k-d tree over them finds true great-circle neighbours, and the chord
 * converts exactly to the haversine distance (d = 2 R asin(chord / 2)).
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KD_LEAF_SIZE 8

double
spectral_chord_to_distance(bool geographic, double chord)
{
	if (!geographic)
		return chord;
	if (chord >= 2.0)
		return M_PI * SPECTRAL_EARTH_RADIUS_KM;
	return 2.0 * SPECTRAL_EARTH_RADIUS_KM * asin(chord / 2.0);
}

/* Haversine on degrees, or planar Euclidean distance. */
double
spectral_distance(bool geographic, double x1, double y1, double x2, double y2)
{
	if (geographic)
	{
		double		rad = M_PI / 180.0;
		double		sdlat = sin((y2 - y1) * rad / 2.0);
		double		sdlon = sin((x2 - x1) * rad / 2.0);
		double		a = sdlat * sdlat + cos(y1 * rad) * cos(y2 * rad) * sdlon * sdlon;

		if (a > 1.0)
			a = 1.0;
		return 2.0 * SPECTRAL_EARTH_RADIUS_KM * asin(sqrt(a));
	}
	return hypot(x2 - x1, y2 - y1);
}

double
spectral_point_to(const SpectralPoints *pts, int i, const double *c)
{
	const double *p = pts->coord + (size_t) i * pts->dim;
	double		s = 0.0;

	for (int d = 0; d < pts->dim; d++)
	{
		double		t = p[d] - c[d];

		s += t * t;
	}
	return spectral_chord_to_distance(pts->geographic, sqrt(s));
}

double
spectral_point_distance(const SpectralPoints *pts, int i, int j)
{
	return spectral_point_to(pts, i, pts->coord + (size_t) j * pts->dim);
}

/* ---------------------------------------------------------------- */
/* k-d tree                                                          */
/* ---------------------------------------------------------------- */

typedef struct KdNode
{
	int			lo;				/* range in perm */
	int			hi;
	int			left;			/* child nodes, -1 for a leaf */
	int			right;
	int			dim;
	double		split;
} KdNode;

struct SpectralKdTree
{
	SpectralCtx *ctx;
	const double *coord;
	int			n;
	int			dim;
	int		   *perm;
	KdNode	   *nodes;
	int			nnodes;
	/* query state */
	const double *q;
	int			m;
	int			skip;
	int			count;
	int		   *hidx;			/* max-heap of the best m so far */
	double	   *hd2;
	long		visits;
};

static inline double
KdCoord(const SpectralKdTree *t, int idx, int d)
{
	return t->coord[(size_t) idx * t->dim + d];
}

/* Partially order perm[lo..hi) so that position mid holds its order statistic. */
static void
KdSelect(SpectralKdTree *t, int lo, int hi, int mid, int d)
{
	int		   *p = t->perm;

	hi--;
	while (hi > lo)
	{
		double		pivot;
		int			i = lo,
					j = hi;
		int			pi = lo + (hi - lo) / 2;

		spectral_check_interrupts(t->ctx);
		/* median of three for the pivot */
		{
			double		a = KdCoord(t, p[lo], d),
						b = KdCoord(t, p[pi], d),
						c = KdCoord(t, p[hi], d);

			if ((a <= b && b <= c) || (c <= b && b <= a))
				pivot = b;
			else if ((b <= a && a <= c) || (c <= a && a <= b))
				pivot = a;
			else
				pivot = c;
		}
		while (i <= j)
		{
			while (KdCoord(t, p[i], d) < pivot)
				i++;
			while (KdCoord(t, p[j], d) > pivot)
				j--;
			if (i <= j)
			{
				int			tmp = p[i];

				p[i] = p[j];
				p[j] = tmp;
				i++;
				j--;
			}
		}
		if (mid <= j)
			hi = j;
		else if (mid >= i)
			lo = i;
		else
			break;
	}
}

static int
KdBuild(SpectralKdTree *t, int lo, int hi)
{
	int			node = t->nnodes++;
	KdNode	   *nd = &t->nodes[node];

	nd->lo = lo;
	nd->hi = hi;
	nd->left = nd->right = -1;
	nd->dim = 0;
	nd->split = 0.0;
	spectral_check_interrupts(t->ctx);
	if (hi - lo > KD_LEAF_SIZE)
	{
		double		bestspread = -1.0;
		int			bestd = 0;
		int			mid = lo + (hi - lo) / 2;
		int			l,
					r;

		for (int d = 0; d < t->dim; d++)
		{
			double		mn = INFINITY,
						mx = -INFINITY;

			for (int i = lo; i < hi; i++)
			{
				double		v = KdCoord(t, t->perm[i], d);

				if (v < mn)
					mn = v;
				if (v > mx)
					mx = v;
			}
			if (mx - mn > bestspread)
			{
				bestspread = mx - mn;
				bestd = d;
			}
		}
		if (bestspread <= 0.0)
			return node;		/* all points identical: keep as a leaf */
		KdSelect(t, lo, hi, mid, bestd);
		/* nodes may move when children are added: re-fetch via index */
		t->nodes[node].dim = bestd;
		t->nodes[node].split = KdCoord(t, t->perm[mid], bestd);
		l = KdBuild(t, lo, mid);
		r = KdBuild(t, mid, hi);
		t->nodes[node].left = l;
		t->nodes[node].right = r;
	}
	return node;
}

SpectralKdTree *
spectral_kdtree_build(SpectralCtx *ctx, const double *coord, int n, int dim)
{
	SpectralKdTree *t = spectral_alloc(ctx, 1, sizeof(SpectralKdTree));

	memset(t, 0, sizeof(*t));
	t->ctx = ctx;
	t->coord = coord;
	t->n = n;
	t->dim = dim;
	t->perm = spectral_alloc(ctx, n > 0 ? n : 1, sizeof(int));
	for (int i = 0; i < n; i++)
		t->perm[i] = i;
	/* a binary tree with leaves of >= 1 point has fewer than 2n nodes */
	t->nodes = spectral_alloc(ctx, 2 * (size_t) (n > 0 ? n : 1), sizeof(KdNode));
	t->nnodes = 0;
	if (n > 0)
		KdBuild(t, 0, n);
	return t;
}

void
spectral_kdtree_free(SpectralCtx *ctx, SpectralKdTree *t)
{
	if (t == NULL)
		return;
	spectral_free(ctx, t->perm);
	spectral_free(ctx, t->nodes);
	if (t->hidx)
		spectral_free(ctx, t->hidx);
	if (t->hd2)
		spectral_free(ctx, t->hd2);
	spectral_free(ctx, t);
}

/* (d2, idx) lexicographic order */
static inline bool
KdBefore(double d2a, int ia, double d2b, int ib)
{
	return d2a < d2b || (d2a == d2b && ia < ib);
}

static void
KdHeapPush(SpectralKdTree *t, int idx, double d2)
{
	int			i;

	if (t->count < t->m)
	{
		i = t->count++;
		/* sift up */
		while (i > 0)
		{
			int			parent = (i - 1) / 2;

			if (!KdBefore(t->hd2[parent], t->hidx[parent], d2, idx))
				break;
			t->hidx[i] = t->hidx[parent];
			t->hd2[i] = t->hd2[parent];
			i = parent;
		}
		t->hidx[i] = idx;
		t->hd2[i] = d2;
		return;
	}
	if (!KdBefore(d2, idx, t->hd2[0], t->hidx[0]))
		return;
	/* replace the root and sift down */
	i = 0;
	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= t->count)
			break;
		if (c + 1 < t->count && KdBefore(t->hd2[c], t->hidx[c], t->hd2[c + 1], t->hidx[c + 1]))
			c++;
		if (!KdBefore(d2, idx, t->hd2[c], t->hidx[c]))
			break;
		t->hidx[i] = t->hidx[c];
		t->hd2[i] = t->hd2[c];
		i = c;
	}
	t->hidx[i] = idx;
	t->hd2[i] = d2;
}

static void
KdSearch(SpectralKdTree *t, int node)
{
	const KdNode *nd = &t->nodes[node];

	if ((++t->visits & 1023) == 0)
		spectral_check_interrupts(t->ctx);
	if (nd->left < 0)
	{
		for (int i = nd->lo; i < nd->hi; i++)
		{
			int			idx = t->perm[i];
			const double *p = t->coord + (size_t) idx * t->dim;
			double		s = 0.0;

			if (idx == t->skip)
				continue;
			for (int d = 0; d < t->dim; d++)
			{
				double		u = p[d] - t->q[d];

				s += u * u;
			}
			KdHeapPush(t, idx, s);
		}
		return;
	}
	{
		double		diff = t->q[nd->dim] - nd->split;
		int			first = diff < 0 ? nd->left : nd->right;
		int			second = diff < 0 ? nd->right : nd->left;

		KdSearch(t, first);
		if (t->count < t->m || diff * diff < t->hd2[0])
			KdSearch(t, second);
	}
}

int
spectral_kdtree_knn(SpectralKdTree *t, const double *q, int m, int skip,
					int *idx, double *dist2)
{
	int			count;

	if (m <= 0 || t->n == 0)
		return 0;
	if (t->hidx == NULL || t->m < m)
	{
		if (t->hidx)
			spectral_free(t->ctx, t->hidx);
		if (t->hd2)
			spectral_free(t->ctx, t->hd2);
		t->hidx = spectral_alloc(t->ctx, m, sizeof(int));
		t->hd2 = spectral_alloc(t->ctx, m, sizeof(double));
	}
	t->q = q;
	t->m = m;
	t->skip = skip;
	t->count = 0;
	KdSearch(t, 0);
	count = t->count;
	/* heap sort into ascending order */
	for (int end = count - 1; end >= 0; end--)
	{
		int			ri = t->hidx[0];
		double		rd = t->hd2[0];

		/* pop root: move last element to root and sift down within [0,end) */
		{
			int			li = t->hidx[end];
			double		ld = t->hd2[end];
			int			i = 0;

			for (;;)
			{
				int			c = 2 * i + 1;

				if (c >= end)
					break;
				if (c + 1 < end && KdBefore(t->hd2[c], t->hidx[c], t->hd2[c + 1], t->hidx[c + 1]))
					c++;
				if (!KdBefore(ld, li, t->hd2[c], t->hidx[c]))
					break;
				t->hidx[i] = t->hidx[c];
				t->hd2[i] = t->hd2[c];
				i = c;
			}
			if (end > 0)
			{
				t->hidx[i] = li;
				t->hd2[i] = ld;
			}
		}
		idx[end] = ri;
		if (dist2)
			dist2[end] = rd;
	}
	t->m = m;
	return count;
}

/* ---------------------------------------------------------------- */
/* Affinity graph                                                    */
/* ---------------------------------------------------------------- */

typedef struct EdgeTmp
{
	int			col;
	double		dist;
} EdgeTmp;

static int
EdgeTmpCmp(const void *a, const void *b)
{
	const EdgeTmp *x = a,
			   *y = b;

	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

static int
DoubleCmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Bytes of the graph of n points with k neighbours each (k already capped at
 * n - 1): compressed rows sized for 2nk entries (both directions, before
 * duplicates are merged).
 */
uint64_t
spectral_graph_bytes(int n, int k)
{
	return ((uint64_t) n + 1) * sizeof(long) +
		2 * (uint64_t) n * k * (sizeof(int) + sizeof(double));
}

/*
 * Peak bytes of spectral_knn_graph, mirroring its allocations: first the
 * k-d tree with the neighbour lists and distances (nk each), then the edge
 * list (2nk EdgeTmp) alive with the graph's rows (2nk columns and weights),
 * about 56 bytes per point and neighbour.  Update it with them.
 */
uint64_t
spectral_knn_graph_bytes(int n, int k)
{
	uint64_t	nk = (uint64_t) n * k;
	uint64_t	perpoint = 2 * sizeof(double) + sizeof(long);	/* sigma, deg, rowptr */
	uint64_t	search = (uint64_t) n * (sizeof(int) + 2 * sizeof(KdNode) + perpoint) +
		nk * (sizeof(int) + sizeof(double));
	uint64_t	merge = 2 * nk * sizeof(EdgeTmp) + spectral_graph_bytes(n, k) +
		(uint64_t) n * perpoint;

	return search > merge ? search : merge;
}

/*
 * Symmetrised k-nearest-neighbour graph with self-tuning Gaussian weights
 * w_ij = exp(-d_ij^2 / (sigma_i sigma_j)), sigma_i being the distance from i
 * to its min(7, k)-th neighbour (Zelnik-Manor and Perona 2004).
 */
SpectralGraph *
spectral_knn_graph(SpectralCtx *ctx, const SpectralPoints *pts, int n_neighbors)
{
	int			n = pts->n;
	int			k = n_neighbors < n - 1 ? n_neighbors : n - 1;
	SpectralKdTree *tree;
	int		   *nbr;
	double	   *nd;
	double	   *sigma;
	double	   *tmp;
	long	   *deg;
	EdgeTmp    *et;
	SpectralGraph *g;
	long		total;
	int			scale_rank;
	double		median = 0.0;
	int			npos = 0;

	g = spectral_alloc(ctx, 1, sizeof(SpectralGraph));
	g->n = n;
	g->rowptr = spectral_alloc(ctx, (size_t) n + 1, sizeof(long));
	if (k <= 0)
	{
		for (int i = 0; i <= n; i++)
			g->rowptr[i] = 0;
		g->col = spectral_alloc(ctx, 1, sizeof(int));
		g->w = spectral_alloc(ctx, 1, sizeof(double));
		return g;
	}

	tree = spectral_kdtree_build(ctx, pts->coord, n, pts->dim);
	nbr = spectral_alloc(ctx, (size_t) n * k, sizeof(int));
	nd = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	sigma = spectral_alloc(ctx, n, sizeof(double));
	for (int i = 0; i < n; i++)
	{
		int			got;

		spectral_check_interrupts(ctx);
		got = spectral_kdtree_knn(tree, pts->coord + (size_t) i * pts->dim, k, i,
								  nbr + (size_t) i * k, nd + (size_t) i * k);
		for (int t = 0; t < got; t++)
			nd[(size_t) i * k + t] = spectral_chord_to_distance(pts->geographic,
																sqrt(nd[(size_t) i * k + t]));
		for (int t = got; t < k; t++)
		{
			nbr[(size_t) i * k + t] = -1;
			nd[(size_t) i * k + t] = 0.0;
		}
	}
	spectral_kdtree_free(ctx, tree);

	/* local scales */
	scale_rank = (k < 7 ? k : 7) - 1;
	tmp = spectral_alloc(ctx, n, sizeof(double));
	for (int i = 0; i < n; i++)
	{
		sigma[i] = nd[(size_t) i * k + scale_rank];
		if (sigma[i] > 0.0)
			tmp[npos++] = sigma[i];
	}
	if (npos > 0)
	{
		qsort(tmp, npos, sizeof(double), DoubleCmp);
		median = tmp[npos / 2];
	}
	spectral_free(ctx, tmp);
	for (int i = 0; i < n; i++)
	{
		double		floor_sigma = median > 0.0 ? 1e-3 * median : 1.0;

		if (sigma[i] < floor_sigma)
			sigma[i] = floor_sigma;
	}

	/* symmetrise: count both directions, then sort and merge each row */
	deg = spectral_alloc(ctx, (size_t) n + 1, sizeof(long));
	memset(deg, 0, sizeof(long) * ((size_t) n + 1));
	for (int i = 0; i < n; i++)
		for (int t = 0; t < k; t++)
		{
			int			j = nbr[(size_t) i * k + t];

			if (j >= 0)
			{
				deg[i]++;
				deg[j]++;
			}
		}
	g->rowptr[0] = 0;
	for (int i = 0; i < n; i++)
		g->rowptr[i + 1] = g->rowptr[i] + deg[i];
	total = g->rowptr[n];
	et = spectral_alloc(ctx, total > 0 ? (size_t) total : 1, sizeof(EdgeTmp));
	for (int i = 0; i < n; i++)
		deg[i] = g->rowptr[i];
	for (int i = 0; i < n; i++)
	{
		spectral_check_interrupts(ctx);
		for (int t = 0; t < k; t++)
		{
			int			j = nbr[(size_t) i * k + t];
			double		d = nd[(size_t) i * k + t];

			if (j < 0)
				continue;
			et[deg[i]].col = j;
			et[deg[i]].dist = d;
			deg[i]++;
			et[deg[j]].col = i;
			et[deg[j]].dist = d;
			deg[j]++;
		}
	}
	spectral_free(ctx, nbr);
	spectral_free(ctx, nd);

	g->col = spectral_alloc(ctx, total > 0 ? (size_t) total : 1, sizeof(int));
	g->w = spectral_alloc(ctx, total > 0 ? (size_t) total : 1, sizeof(double));
	{
		long		out = 0;

		for (int i = 0; i < n; i++)
		{
			long		b = g->rowptr[i],
						e = g->rowptr[i + 1];

			spectral_check_interrupts(ctx);
			qsort(et + b, e - b, sizeof(EdgeTmp), EdgeTmpCmp);
			g->rowptr[i] = out;
			for (long p = b; p < e; p++)
			{
				int			j = et[p].col;
				double		d = et[p].dist;
				double		w;

				if (p > b && et[p - 1].col == j)
					continue;
				w = exp(-(d * d) / (sigma[i] * sigma[j]));
				if (!(w > 1e-12))
					w = 1e-12;
				g->col[out] = j;
				g->w[out] = w;
				out++;
			}
		}
		g->rowptr[n] = out;
		if (ctx->stats)
			ctx->stats->graph_edges = out / 2;
	}
	spectral_free(ctx, et);
	spectral_free(ctx, deg);
	spectral_free(ctx, sigma);
	return g;
}

void
spectral_graph_free(SpectralCtx *ctx, SpectralGraph *g)
{
	if (g == NULL)
		return;
	spectral_free(ctx, g->rowptr);
	spectral_free(ctx, g->col);
	spectral_free(ctx, g->w);
	spectral_free(ctx, g);
}
