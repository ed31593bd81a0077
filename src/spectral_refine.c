/*-------------------------------------------------------------------------
 *
 * spectral_refine.c
 *	  Refinement in true distance: size-constrained Lloyd iterations (hub
 *	  centroids, then the exact min-cost-flow assignment to them) that keep
 *	  every size within bounds and the best partition seen, and repairs of a
 *	  hub stretched over two groups of points.
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REFINE_MAX_ITER 60
#define REFINE_PATIENCE 6
#define REFINE_CANDIDATES 12

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
	bestobj = override >= 0 ? INFINITY : spectral_objective(ctx, in, label, k, NULL);

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
		obj = spectral_objective(ctx, in, label, k, NULL);
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

double
spectral_refine(SpectralCtx *ctx, const SpectralInput *in, const SpectralPoints *pts, int k,
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
