/*-------------------------------------------------------------------------
 *
 * spectral.h
 *	  PostgreSQL-free core of balanced_spectral_cluster: size-constrained
 *	  spectral clustering of points (docs/clustering.md).
 *
 * Nothing here includes PostgreSQL headers.  The caller supplies an
 * allocator (which must not return NULL: it may long-jump instead), a free
 * function and an interrupt callback that is called from every loop and may
 * long-jump out (CHECK_FOR_INTERRUPTS in the backend), in the manner of
 * liblwgeom's pluggable hooks.  All scratch memory is obtained from the
 * allocator, so a long jump leaks nothing when the caller's allocator is a
 * memory context.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EDUPREDICT_SPECTRAL_H
#define EDUPREDICT_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "rng.h"

/* Mean Earth radius (IUGG), km; used for every great-circle distance. */
#define SPECTRAL_EARTH_RADIUS_KM 6371.0088

/* Default number of neighbours of the affinity graph. */
#define SPECTRAL_DEFAULT_NEIGHBORS 10
/* Largest n_neighbors accepted from a caller. */
#define SPECTRAL_MAX_NEIGHBORS 200
/*
 * Largest absolute planar coordinate accepted: squared differences of larger
 * values overflow double, and infinite costs leave the assignment undefined.
 */
#define SPECTRAL_MAX_PLANAR_COORD 1e15
/* Largest number of points accepted (arrays are indexed by int). */
#define SPECTRAL_MAX_POINTS 50000000

/* Result codes of the core. */
typedef enum SpectralStatus
{
	SPECTRAL_OK = 0,
	SPECTRAL_ERR_ARGUMENT,		/* bad arguments: caller bug */
	SPECTRAL_ERR_TOO_LARGE,		/* size computation overflowed */
	SPECTRAL_ERR_LAPACK			/* a LAPACK routine reported failure */
} SpectralStatus;

/* Hooks supplied by the caller. */
typedef struct SpectralEnv
{
	void	   *(*alloc) (size_t size, void *arg);	/* never returns NULL */
	void		(*release) (void *ptr, void *arg);
	void		(*interrupt) (void *arg);	/* may long-jump */
	void	   *arg;
} SpectralEnv;

/* What to cluster and how. */
typedef struct SpectralInput
{
	int			n;				/* number of points, >= 1 */
	const double *x;			/* longitude (degrees) or planar x */
	const double *y;			/* latitude (degrees) or planar y */
	bool		geographic;		/* true: great-circle distances in km */
	int			k;				/* number of hubs, 1..n */
	int			min_size;		/* every hub's size in [min_size, max_size] */
	int			max_size;
	int			n_neighbors;	/* 0: SPECTRAL_DEFAULT_NEIGHBORS */
	uint64_t	seed;
} SpectralInput;

/* Diagnostics, for DEBUG messages and the standalone harness. */
typedef struct SpectralStats
{
	int			method;			/* 0 trivial, 1 k-way embedding, 2 recursive bisection */
	int			n_neighbors;	/* neighbours actually used */
	long		graph_edges;	/* undirected edges of the affinity graph */
	int			eigen_solves;	/* eigenproblems solved */
	int			lanczos_steps;	/* Lanczos steps summed over solves */
	int			dense_solves;	/* eigenproblems solved by dense dsyevr */
	int			embed_iterations;	/* balanced k-means steps in the embedding */
	int			refine_iterations;	/* balanced Lloyd steps in true distance */
	long		cycles_cancelled;	/* exchange cycles applied by min-cost flow */
	double		objective;		/* mean over hubs of mean distance to centroid */
	double		worst_hub;		/* largest per-hub mean distance */
	double		start_min;		/* objective of the spectral starts, best */
	double		start_max;		/* and worst (one start when bisecting) */
	double		refined_min;	/* objective after refining them, best */
	double		refined_max;	/* and worst */
} SpectralStats;

/*
 * Number of hubs for a size range: the feasible k (k*min <= n <= k*max)
 * closest to n / ((min+max)/2), the smaller on a tie.  Returns 0 when no k
 * is feasible; *k_lo and *k_hi receive ceil(n/max) and floor(n/min).
 */
extern int	spectral_hubs_for_range(int n, int min_size, int max_size,
									int *k_lo, int *k_hi);

/*
 * Upper bound on the bytes spectral_cluster allocates for n points with
 * n_neighbors neighbours (0: the default), whatever the hubs: callers check
 * it against a memory cap before any work.
 */
extern uint64_t spectral_memory_estimate(int n, int n_neighbors);

/* Cluster; labels[i] receives a hub number in 0..k-1. */
extern SpectralStatus spectral_cluster(const SpectralEnv *env,
									   const SpectralInput *in,
									   int *labels,
									   SpectralStats *stats);

/* Make OpenBLAS single-threaded without helper threads; call once at load. */
extern void spectral_blas_single_thread(void);

/* Distance between two points in the units of the input (km if geographic). */
extern double spectral_distance(bool geographic, double x1, double y1,
								double x2, double y2);

/* Per-hub centroid and distances, as hub_summary reports them. */
typedef struct SpectralHubStat
{
	int			size;
	double		cx;				/* mean longitude / mean x */
	double		cy;				/* mean latitude / mean y */
	double		mean_dist;		/* mean member distance to (cx, cy) */
	double		max_dist;
} SpectralHubStat;

extern void spectral_hub_stats(const SpectralEnv *env, int n, const double *x,
							   const double *y, const int *labels, int k,
							   bool geographic, SpectralHubStat *out);

#endif							/* EDUPREDICT_SPECTRAL_H */
