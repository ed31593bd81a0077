/*-------------------------------------------------------------------------
 *
 * spectral_int.h
 *	  Internal interfaces between the files of the clustering core (PG-free):
 *	  the context and its hooks, the generator, points, the k-d tree, the
 *	  neighbour graph, eigenvectors, size-constrained assignment and the
 *	  pipeline's stages.  Callers outside the core use spectral.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EDUPREDICT_SPECTRAL_INT_H
#define EDUPREDICT_SPECTRAL_INT_H

#include "spectral.h"

typedef struct SpectralCtx
{
	const SpectralEnv *env;
	SpectralStats *stats;
} SpectralCtx;

/* Scratch from the caller's allocator; a count * size overflow is refused by it. */
static inline void *
spectral_alloc(SpectralCtx *ctx, size_t count, size_t size)
{
	if (count != 0 && size > SIZE_MAX / count)
		return ctx->env->alloc(SIZE_MAX, ctx->env->arg);	/* allocator refuses */
	return ctx->env->alloc(count * size == 0 ? 1 : count * size, ctx->env->arg);
}

static inline void
spectral_free(SpectralCtx *ctx, void *ptr)
{
	if (ptr)
		ctx->env->release(ptr, ctx->env->arg);
}

static inline void
spectral_check_interrupts(SpectralCtx *ctx)
{
	if (ctx->env->interrupt)
		ctx->env->interrupt(ctx->env->arg);
}

/* The one deterministic generator of src/rng.h (splitmix64 seeding xoshiro256**). */
typedef EpRng SpectralRng;

static inline void
spectral_rng_seed(SpectralRng *rng, uint64_t seed)
{
	ep_rng_seed(rng, seed, 0);
}

static inline uint64_t
spectral_rng_next(SpectralRng *rng)
{
	return ep_rng_next(rng);
}

/* [0, 1) */
static inline double
spectral_rng_uniform(SpectralRng *rng)
{
	return ep_rng_unit(rng);
}

/* Points embedded for neighbour search: 3-D unit vectors or 2-D planar. */
typedef struct SpectralPoints
{
	int			n;
	int			dim;			/* 2 or 3 */
	bool		geographic;
	double	   *coord;			/* n * dim */
} SpectralPoints;

/* Distance between embedded points i and j (km or planar units). */
extern double spectral_point_distance(const SpectralPoints *pts, int i, int j);
/* Distance from point i to an embedded position c (dim values). */
extern double spectral_point_to(const SpectralPoints *pts, int i, const double *c);
/* Chord length (or planar distance) to true distance. */
extern double spectral_chord_to_distance(bool geographic, double chord);

/* k-d tree */
typedef struct SpectralKdTree SpectralKdTree;

extern SpectralKdTree *spectral_kdtree_build(SpectralCtx *ctx, const double *coord,
											 int n, int dim);
/*
 * The m nearest indexed points to q (Euclidean in the tree's space, ties by
 * index), excluding index skip (-1: none).  Writes up to m indices and
 * squared Euclidean distances, nearest first; returns how many.
 */
extern int	spectral_kdtree_knn(SpectralKdTree *tree, const double *q, int m,
								int skip, int *idx, double *dist2);
extern void spectral_kdtree_free(SpectralCtx *ctx, SpectralKdTree *tree);

/* Symmetric sparse affinity graph in compressed rows. */
typedef struct SpectralGraph
{
	int			n;
	long	   *rowptr;			/* n + 1 */
	int		   *col;
	double	   *w;
} SpectralGraph;

extern SpectralGraph *spectral_knn_graph(SpectralCtx *ctx, const SpectralPoints *pts,
										 int n_neighbors);
extern void spectral_graph_free(SpectralCtx *ctx, SpectralGraph *g);
/* Bytes of a graph of n points with k neighbours, and the peak of building it. */
extern uint64_t spectral_graph_bytes(int n, int k);
extern uint64_t spectral_knn_graph_bytes(int n, int k);

/*
 * Largest nev eigenvectors of S = D^-1/2 W D^-1/2 for the subgraph induced by
 * the listed vertices (all vertices when verts is NULL).  With deflate, the
 * known top eigenvector D^1/2 1 is projected out first, so the result is the
 * Fiedler direction.  vec receives nev columns of length m (column-major),
 * already multiplied by D^-1/2.
 */
extern SpectralStatus spectral_top_eigenvectors(SpectralCtx *ctx,
												const SpectralGraph *g,
												const int *verts, int m,
												int nev, bool deflate,
												SpectralRng *rng, double *vec);
/* Upper bound on its scratch (besides vec) for nnz subgraph entries and nev <= maxnev. */
extern uint64_t spectral_eigen_bytes(int m, uint64_t nnz, int maxnev);

/* Size-constrained assignment */
typedef double (*SpectralCostFn) (void *arg, int point, int hub);

extern long spectral_balanced_assign(SpectralCtx *ctx, int n, int k,
									 int lo, int hi, int m_cand,
									 const int *cand, const double *cand_cost,
									 SpectralCostFn cost, void *cost_arg,
									 int *label);
extern void spectral_greedy_feasible(SpectralCtx *ctx, int n, int k, int lo, int hi,
									 int m_cand, const int *cand,
									 const double *cand_cost, int *label);

/* ---- the pipeline's stages (spectral_cluster in spectral.c drives them) ---- */

/*
 * spectral_score.c: mean over hubs of the mean member distance to the
 * centroid; *worst the largest.
 */
extern double spectral_objective(SpectralCtx *ctx, const SpectralInput *in,
								 const int *labels, int k, double *worst);

/*
 * spectral_kway.c, the start for k <= SPECTRAL_KWAY_MAX: the k leading
 * eigenvectors of the normalised affinity, rows scaled to unit length (*emb:
 * n rows of k), and size-constrained k-means in that embedding.
 */
extern SpectralStatus spectral_kway_embedding(SpectralCtx *ctx, const SpectralGraph *g,
											  int n, int k, SpectralRng *rng,
											  double **emb);
extern void spectral_kmeans_embedding(SpectralCtx *ctx, const double *emb, int n,
									  int dim, int k, int lo, int hi,
									  SpectralRng *rng, int *label);

/*
 * spectral_bisect.c, the start for larger k: recursive spectral bisection
 * into k hubs of lo..hi points.
 */
extern SpectralStatus spectral_bisect(SpectralCtx *ctx, const SpectralGraph *g,
									  const SpectralPoints *pts, int lo, int hi,
									  SpectralRng *rng, int n, int k, int *labels);

/*
 * spectral_refine.c: size-constrained Lloyd iterations in true distance from
 * label, which receives the best partition seen; returns its objective.
 */
extern double spectral_refine(SpectralCtx *ctx, const SpectralInput *in,
							  const SpectralPoints *pts, int k, int lo, int hi,
							  int *label);

#endif							/* EDUPREDICT_SPECTRAL_INT_H */
