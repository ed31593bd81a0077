/*-------------------------------------------------------------------------
 *
 * spectral.c
 *	  Balanced spectral clustering: driver of the PostgreSQL-free core.
 *
 * Pipeline (docs/clustering.md):
 *	1. sparse k-nearest-neighbour graph with self-tuning Gaussian weights on
 *	   true distances (spectral_knn.c);
 *	2. a balanced starting partition from the spectrum of the normalised
 *	   affinity (eigenvectors: spectral_eigen.c):
 *	   - k <= SPECTRAL_KWAY_MAX: the k leading eigenvectors, rows normalised
 *		 (Ng, Jordan and Weiss 2002), clustered by size-constrained k-means in
 *		 that embedding, every assignment step an exact min-cost flow
 *		 (spectral_kway.c);
 *	   - larger k: recursive spectral bisection (Pothen, Simon and Liou
 *		 1990): split along the Fiedler vector of each part into two parts
 *		 whose sizes can still be divided into hubs within the bounds
 *		 (spectral_bisect.c);
 *	3. refinement in true distance: size-constrained Lloyd iterations (hub
 *	   centroids, then the exact min-cost-flow assignment to them,
 *	   spectral_assign.c) started from the spectral partition; every step
 *	   keeps all sizes within bounds, and the best partition seen is kept
 *	   (spectral_refine.c, scored by spectral_score.c).
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

#include <math.h>
#include <string.h>

#define SPECTRAL_KWAY_MAX 16
#define KWAY_RESTARTS 4

/*
 * Bytes per point besides the neighbour graph and the eigensolver, for the
 * memory estimate: the k-way embedding's eigenvectors (SPECTRAL_KWAY_MAX
 * doubles) or the bisection's orderings while the graph is alive; after it,
 * the embedding with the k-means candidates, or the refinement's candidates
 * with the assignment's members, heaps and hub edges (counted: under 800
 * bytes; measured on 50,000 points: 112 bytes with 2 hubs, 616 with 16, 661
 * with 33,333 hubs of 1 or 2 points, coordinates included).
 */
#define SPECTRAL_START_BYTES	(SPECTRAL_KWAY_MAX * sizeof(double))
#define SPECTRAL_ASSIGN_BYTES	800

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
/* Memory                                                            */
/* ---------------------------------------------------------------- */

/* Neighbours the graph of n points gets for a requested n_neighbors (0: the default). */
static int
EffectiveNeighbors(int n, int n_neighbors)
{
	int			nn = n_neighbors > 0 ? n_neighbors : SPECTRAL_DEFAULT_NEIGHBORS;

	if (nn > SPECTRAL_MAX_NEIGHBORS)
		nn = SPECTRAL_MAX_NEIGHBORS;
	if (nn > n - 1)
		nn = n - 1;
	return nn > 0 ? nn : 0;
}

/*
 * The largest of the pipeline's stages, plus the coordinates alive
 * throughout: building the graph; the graph kept through the spectral start
 * with the eigensolver's normalised copy of it and its Lanczos basis; the
 * assignment stages once the graph is freed.  With many neighbours the graph
 * dominates (about 56 bytes per point and neighbour).
 */
uint64_t
spectral_memory_estimate(int n, int n_neighbors)
{
	int			nn;
	uint64_t	build,
				spectral,
				assign,
				peak;

	if (n < 1)
		return 0;
	nn = EffectiveNeighbors(n, n_neighbors);
	build = spectral_knn_graph_bytes(n, nn);
	spectral = spectral_graph_bytes(n, nn) +
		spectral_eigen_bytes(n, 2 * (uint64_t) n * nn, SPECTRAL_KWAY_MAX) +
		(uint64_t) n * SPECTRAL_START_BYTES;
	assign = (uint64_t) n * SPECTRAL_ASSIGN_BYTES;
	peak = build > spectral ? build : spectral;
	/* the coordinates (3-D for geographic points) live throughout */
	return (uint64_t) n * 3 * sizeof(double) + (peak > assign ? peak : assign);
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

	nn = EffectiveNeighbors(n, in->n_neighbors);
	stats->n_neighbors = nn;

	if (k == 1 || k == n)
	{
		for (int i = 0; i < n; i++)
			labels[i] = k == 1 ? 0 : i;
		stats->method = 0;
		stats->objective = spectral_objective(&ctx, in, labels, k, &stats->worst_hub);
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
		st = spectral_kway_embedding(&ctx, g, n, k, &rng, &emb);
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

				spectral_kmeans_embedding(&ctx, emb, n, k, k, lo, hi, &rng, trial);
				NoteObjective(&stats->start_min, &stats->start_max, r == 0,
							  spectral_objective(&ctx, in, trial, k, NULL));
				obj = spectral_refine(&ctx, in, &pts, k, lo, hi, trial);
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
		stats->method = 2;
		st = spectral_bisect(&ctx, g, &pts, lo, hi, &rng, n, k, labels);
		spectral_graph_free(&ctx, g);
		if (st == SPECTRAL_OK)
		{
			NoteObjective(&stats->start_min, &stats->start_max, true,
						  spectral_objective(&ctx, in, labels, k, NULL));
			NoteObjective(&stats->refined_min, &stats->refined_max, true,
						  spectral_refine(&ctx, in, &pts, k, lo, hi, labels));
		}
	}
	if (st == SPECTRAL_OK)
		stats->objective = spectral_objective(&ctx, in, labels, k, &stats->worst_hub);
	spectral_free(&ctx, pts.coord);
	return st;
}
