/*-------------------------------------------------------------------------
 *
 * spectral_eigen.c
 *	  Leading eigenvectors of the normalised affinity S = D^-1/2 W D^-1/2 of
 *	  a (sub)graph.  PostgreSQL-free.
 *
 * Small problems (at most SPECTRAL_DENSE_MAX vertices) form S densely and
 * call LAPACKE dsyev for all eigenpairs (see DenseTop for why not a
 * subset).  Larger ones run the
 * Lanczos process on the sparse S with full reorthogonalisation (classical
 * Gram-Schmidt applied twice, "twice is enough"), solve the small
 * tridiagonal problem with LAPACKE dstev every few steps and stop when the
 * Ritz residual estimates |beta_j z_ji| of the wanted pairs are small or the
 * step cap is reached; memory is O(steps * n), never O(n^2).
 *
 * LAPACK runs through LAPACKE's _work interfaces with column-major arrays
 * and workspace from our allocator.  OpenBLAS is made single-threaded once at
 * load (spectral_blas_single_thread), so the backend stays single-threaded
 * and cancellable.
 *
 *-------------------------------------------------------------------------
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spectral_int.h"

#include <dlfcn.h>
#include <math.h>
#include <string.h>

#include <lapacke.h>

#define SPECTRAL_DENSE_MAX 200
#define LANCZOS_MAX_STEPS 200
#define LANCZOS_CHECK_EVERY 10
#define LANCZOS_TOL 1e-3
#define LANCZOS_BASIS_DOUBLES 33554432.0

/*
 * Make OpenBLAS (when it is the BLAS behind LAPACKE) single-threaded and stop
 * its helper threads.  Called once when the module loads (from _PG_init, in
 * the postmaster when preloaded): OpenBLAS starts a thread pool when it is
 * loaded, and re-creates it lazily in a forked child on the first call to
 * openblas_set_num_threads or the first multi-threaded routine.  With the
 * thread count set to 1 before any fork and the pool shut down, backends
 * inherit the setting and never start helper threads, so every LAPACK call
 * runs in the backend's own thread.  Symbols are looked up at run time so
 * that the reference BLAS works too.  Must not be called per query: in a
 * forked backend openblas_set_num_threads itself re-creates the pool.
 */
void
spectral_blas_single_thread(void)
{
	void		(*set_threads) (int);
	int			(*shutdown) (void);

	*(void **) (&set_threads) = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
	*(void **) (&shutdown) = dlsym(RTLD_DEFAULT, "blas_thread_shutdown_");
	if (set_threads)
		set_threads(1);
	if (shutdown)
		shutdown();
}

/* Local copy of the subgraph with symmetric normalised weights. */
typedef struct SubGraph
{
	int			m;
	long	   *rowptr;
	int		   *col;
	double	   *ws;				/* w_ij / sqrt(d_i d_j) */
	double	   *sqrtd;			/* sqrt(d_i) */
} SubGraph;

static void
BuildSubGraph(SpectralCtx *ctx, const SpectralGraph *g, const int *verts, int m,
			  SubGraph *sg)
{
	int		   *map = NULL;
	long		nnz = 0;
	double	   *deg;

	if (verts)
	{
		map = spectral_alloc(ctx, g->n, sizeof(int));
		for (int i = 0; i < g->n; i++)
			map[i] = -1;
		for (int i = 0; i < m; i++)
			map[verts[i]] = i;
	}
	sg->m = m;
	sg->rowptr = spectral_alloc(ctx, (size_t) m + 1, sizeof(long));
	for (int i = 0; i < m; i++)
	{
		int			gi = verts ? verts[i] : i;

		for (long p = g->rowptr[gi]; p < g->rowptr[gi + 1]; p++)
			if (!map || map[g->col[p]] >= 0)
				nnz++;
	}
	sg->col = spectral_alloc(ctx, nnz > 0 ? (size_t) nnz : 1, sizeof(int));
	sg->ws = spectral_alloc(ctx, nnz > 0 ? (size_t) nnz : 1, sizeof(double));
	sg->sqrtd = spectral_alloc(ctx, m, sizeof(double));
	deg = spectral_alloc(ctx, m, sizeof(double));
	nnz = 0;
	for (int i = 0; i < m; i++)
	{
		int			gi = verts ? verts[i] : i;
		double		d = 0.0;

		spectral_check_interrupts(ctx);
		sg->rowptr[i] = nnz;
		for (long p = g->rowptr[gi]; p < g->rowptr[gi + 1]; p++)
		{
			int			j = map ? map[g->col[p]] : g->col[p];

			if (j < 0)
				continue;
			sg->col[nnz] = j;
			sg->ws[nnz] = g->w[p];
			d += g->w[p];
			nnz++;
		}
		/* a vertex cut off from the subgraph gets a tiny self-degree */
		deg[i] = d + 1e-12;
	}
	sg->rowptr[m] = nnz;
	for (int i = 0; i < m; i++)
		sg->sqrtd[i] = sqrt(deg[i]);
	for (int i = 0; i < m; i++)
		for (long p = sg->rowptr[i]; p < sg->rowptr[i + 1]; p++)
			sg->ws[p] /= sg->sqrtd[i] * sg->sqrtd[sg->col[p]];
	spectral_free(ctx, deg);
	if (map)
		spectral_free(ctx, map);
}

static void
FreeSubGraph(SpectralCtx *ctx, SubGraph *sg)
{
	spectral_free(ctx, sg->rowptr);
	spectral_free(ctx, sg->col);
	spectral_free(ctx, sg->ws);
	spectral_free(ctx, sg->sqrtd);
}

static void
SubGraphMatVec(const SubGraph *sg, const double *x, double *y)
{
	for (int i = 0; i < sg->m; i++)
	{
		double		s = 0.0;

		for (long p = sg->rowptr[i]; p < sg->rowptr[i + 1]; p++)
			s += sg->ws[p] * x[sg->col[p]];
		y[i] = s;
	}
}

static double
Dot(const double *a, const double *b, int n)
{
	double		s0 = 0,
				s1 = 0,
				s2 = 0,
				s3 = 0;
	int			i = 0;

	for (; i + 4 <= n; i += 4)
	{
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < n; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

/*
 * y += a x.  Unrolled, with x and y declared distinct and walked by pointer,
 * so that the compiler pairs the elements into SSE2 operations (the same
 * multiply and add per element, so the same results).  The plain indexed
 * loop ran up to 70% slower depending only on where the linker placed it,
 * which made unrelated changes look like regressions.
 */
static void
Axpy(double a, const double *restrict x, double *restrict y, int n)
{
	const double *end = x + n;

	for (; end - x >= 4; x += 4, y += 4)
	{
		y[0] += a * x[0];
		y[1] += a * x[1];
		y[2] += a * x[2];
		y[3] += a * x[3];
	}
	for (; x < end; x++, y++)
		*y += a * *x;
}

/* Orthogonalise w against the first cols columns of V and the unit vector u. */
static void
Reorthogonalise(SpectralCtx *ctx, const double *V, int cols, const double *u,
				double *w, int m)
{
	for (int pass = 0; pass < 2; pass++)
	{
		spectral_check_interrupts(ctx);
		if (u)
			Axpy(-Dot(u, w, m), u, w, m);
		for (int c = 0; c < cols; c++)
		{
			const double *v = V + (size_t) c * m;

			Axpy(-Dot(v, w, m), v, w, m);
		}
	}
}

static void
RandomUnit(SpectralRng *rng, double *v, int m)
{
	for (int i = 0; i < m; i++)
		v[i] = spectral_rng_uniform(rng) - 0.5;
}

/*
 * Tridiagonal eigenproblem of order j: the top nev eigenpairs, ascending.
 * theta gets nev values, z gets nev columns of length j.  All pairs by
 * implicit QL/QR (dstev), never the bisection and inverse iteration
 * (dstebz, dstein) that dstevr and dstevx use for a subset: see DenseTop.
 * j is at most LANCZOS_MAX_STEPS, so all pairs are cheap.
 */
static SpectralStatus
TridiagonalTop(SpectralCtx *ctx, const double *alpha, const double *beta, int j,
			   int nev, double *theta, double *z)
{
	double	   *d = spectral_alloc(ctx, j, sizeof(double));
	double	   *e = spectral_alloc(ctx, j, sizeof(double));
	double	   *zall = spectral_alloc(ctx, (size_t) j * j, sizeof(double));
	double	   *work = spectral_alloc(ctx, 2 * (size_t) j, sizeof(double));
	lapack_int	info;

	memcpy(d, alpha, sizeof(double) * j);
	memcpy(e, beta, sizeof(double) * j);
	info = LAPACKE_dstev_work(LAPACK_COL_MAJOR, 'V', j, d, e, zall, j, work);
	if (info == 0)
	{
		memcpy(theta, d + (j - nev), sizeof(double) * nev);
		memcpy(z, zall + (size_t) (j - nev) * j, sizeof(double) * (size_t) j * nev);
	}
	spectral_free(ctx, work);
	spectral_free(ctx, zall);
	spectral_free(ctx, d);
	spectral_free(ctx, e);
	if (info != 0)
		return SPECTRAL_ERR_LAPACK;
	return SPECTRAL_OK;
}

/* Lanczos steps allowed on m vertices (the basis holds maxsteps + 1 vectors). */
static int
LanczosMaxSteps(int m, int nev, bool deflate)
{
	int			maxsteps = m - (deflate ? 1 : 0);

	if (maxsteps > LANCZOS_MAX_STEPS)
		maxsteps = LANCZOS_MAX_STEPS;
	/* keep the Krylov basis within LANCZOS_BASIS_DOUBLES (256 MB) */
	if ((double) maxsteps * m > LANCZOS_BASIS_DOUBLES)
	{
		maxsteps = (int) (LANCZOS_BASIS_DOUBLES / m);
		if (maxsteps < nev + 10)
			maxsteps = nev + 10;
		if (maxsteps > m - (deflate ? 1 : 0))
			maxsteps = m - (deflate ? 1 : 0);
	}
	return maxsteps;
}

static SpectralStatus
LanczosTop(SpectralCtx *ctx, const SubGraph *sg, int nev, const double *defl,
		   SpectralRng *rng, double *vec)
{
	int			m = sg->m;
	int			maxsteps = LanczosMaxSteps(m, nev, defl != NULL);
	double	   *V;
	double	   *w;
	double	   *alpha;
	double	   *beta;
	double	   *theta;
	double	   *z;
	int			steps = 0;
	SpectralStatus st = SPECTRAL_OK;

	if (maxsteps < nev)
		return SPECTRAL_ERR_ARGUMENT;
	V = spectral_alloc(ctx, (size_t) m * (maxsteps + 1), sizeof(double));
	w = spectral_alloc(ctx, m, sizeof(double));
	alpha = spectral_alloc(ctx, maxsteps + 1, sizeof(double));
	beta = spectral_alloc(ctx, maxsteps + 1, sizeof(double));
	theta = spectral_alloc(ctx, nev, sizeof(double));
	z = spectral_alloc(ctx, (size_t) maxsteps * nev, sizeof(double));

	/* starting vector */
	RandomUnit(rng, V, m);
	Reorthogonalise(ctx, V, 0, defl, V, m);
	{
		double		nv = sqrt(Dot(V, V, m));

		for (int i = 0; i < m; i++)
			V[i] /= nv;
	}

	for (int j = 0; j < maxsteps; j++)
	{
		double	   *vj = V + (size_t) j * m;
		double	   *vnext = V + (size_t) (j + 1) * m;
		bool		check;

		spectral_check_interrupts(ctx);
		SubGraphMatVec(sg, vj, w);
		alpha[j] = Dot(vj, w, m);
		Axpy(-alpha[j], vj, w, m);
		if (j > 0)
			Axpy(-beta[j - 1], V + (size_t) (j - 1) * m, w, m);
		Reorthogonalise(ctx, V, j + 1, defl, w, m);
		beta[j] = sqrt(Dot(w, w, m));
		steps = j + 1;

		check = steps >= nev &&
			(steps % LANCZOS_CHECK_EVERY == 0 || steps == maxsteps || beta[j] < 1e-10);
		if (check)
		{
			bool		converged = true;

			st = TridiagonalTop(ctx, alpha, beta, steps, nev, theta, z);
			if (st != SPECTRAL_OK)
				break;
			for (int i = 0; i < nev; i++)
			{
				double		res = fabs(beta[j] * z[(size_t) i * steps + steps - 1]);

				if (res > LANCZOS_TOL)
					converged = false;
			}
			if (converged || steps == maxsteps)
				break;
		}
		if (beta[j] < 1e-10)
		{
			/* invariant subspace found: continue from a fresh direction */
			double		nv;

			RandomUnit(rng, w, m);
			Reorthogonalise(ctx, V, j + 1, defl, w, m);
			nv = sqrt(Dot(w, w, m));
			if (nv < 1e-10)
			{
				/* the Krylov space is the whole space */
				st = TridiagonalTop(ctx, alpha, beta, steps, nev, theta, z);
				break;
			}
			beta[j] = 0.0;
			for (int i = 0; i < m; i++)
				vnext[i] = w[i] / nv;
			continue;
		}
		for (int i = 0; i < m; i++)
			vnext[i] = w[i] / beta[j];
	}

	if (st == SPECTRAL_OK)
	{
		/* Ritz vectors, largest eigenvalue first */
		for (int c = 0; c < nev; c++)
		{
			double	   *out = vec + (size_t) c * m;
			const double *zc = z + (size_t) (nev - 1 - c) * steps;

			spectral_check_interrupts(ctx);
			memset(out, 0, sizeof(double) * m);
			for (int t = 0; t < steps; t++)
				Axpy(zc[t], V + (size_t) t * m, out, m);
		}
	}
	if (ctx->stats)
		ctx->stats->lanczos_steps += steps;
	spectral_free(ctx, V);
	spectral_free(ctx, w);
	spectral_free(ctx, alpha);
	spectral_free(ctx, beta);
	spectral_free(ctx, theta);
	spectral_free(ctx, z);
	return st;
}

static SpectralStatus
DenseTop(SpectralCtx *ctx, const SubGraph *sg, int nev, const double *defl,
		 double *vec)
{
	int			m = sg->m;
	double	   *a = spectral_alloc(ctx, (size_t) m * m, sizeof(double));
	double	   *wv = spectral_alloc(ctx, m, sizeof(double));
	double		wq = 0.0;
	lapack_int	info;
	double	   *work = NULL;

	memset(a, 0, sizeof(double) * m * m);
	for (int i = 0; i < m; i++)
		for (long p = sg->rowptr[i]; p < sg->rowptr[i + 1]; p++)
			a[(size_t) sg->col[p] * m + i] += sg->ws[p];
	if (defl)
	{
		/* move the known top eigenvector to eigenvalue -2, below all others */
		for (int c = 0; c < m; c++)
		{
			spectral_check_interrupts(ctx);
			for (int r = 0; r < m; r++)
				a[(size_t) c * m + r] -= 3.0 * defl[r] * defl[c];
		}
	}

	/*
	 * All pairs by implicit QL/QR (dsyev), never the bisection and inverse
	 * iteration (dstebz, dstein) that dsyevr and dsyevx use for a subset:
	 * with the top eigenvalue inside a cluster of equal ones (a complete
	 * subgraph of duplicate points), that path of OpenBLAS 0.3.21 (Debian 12)
	 * writes one element before its integer workspace, corrupting the heap
	 * (a backend crash in pfree).  m <= SPECTRAL_DENSE_MAX keeps this cheap.
	 */
	info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', m, a, m, wv, &wq, -1);
	if (info == 0 && !(wq >= 1.0 && wq < 1e9))
		info = -1;
	if (info == 0)
	{
		work = spectral_alloc(ctx, (lapack_int) wq + 1, sizeof(double));
		spectral_check_interrupts(ctx);
		info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', m, a, m, wv,
								  work, (lapack_int) wq + 1);
	}
	if (info == 0)
	{
		/* eigenvalues ascend: column m-1-c is the c-th largest */
		for (int c = 0; c < nev; c++)
			memcpy(vec + (size_t) c * m, a + (size_t) (m - 1 - c) * m,
				   sizeof(double) * m);
	}
	if (work)
		spectral_free(ctx, work);
	spectral_free(ctx, a);
	spectral_free(ctx, wv);
	if (ctx->stats)
		ctx->stats->dense_solves++;
	if (info != 0)
		return SPECTRAL_ERR_LAPACK;
	return SPECTRAL_OK;
}

/*
 * Upper bound on what spectral_top_eigenvectors allocates besides vec, for m
 * vertices whose subgraph holds nnz entries and at most maxnev wanted
 * vectors: the normalised copy of the subgraph (BuildSubGraph) and the
 * Lanczos basis with its work arrays (LanczosTop, TridiagonalTop).  The dense
 * path (m <= SPECTRAL_DENSE_MAX) takes m * m doubles, no more than the basis.
 */
uint64_t
spectral_eigen_bytes(int m, uint64_t nnz, int maxnev)
{
	uint64_t	steps = (uint64_t) LanczosMaxSteps(m, maxnev, false);
	uint64_t	sub = ((uint64_t) m + 1) * sizeof(long) + nnz * (sizeof(int) + sizeof(double)) +
		(uint64_t) m * (2 * sizeof(double) + sizeof(int));
	uint64_t	lanczos = (uint64_t) m * (steps + 1 + 2) * sizeof(double) +
		(steps + 1) * (steps + 1 + maxnev + 4) * sizeof(double);

	return sub + lanczos;
}

SpectralStatus
spectral_top_eigenvectors(SpectralCtx *ctx, const SpectralGraph *g,
						  const int *verts, int m, int nev, bool deflate,
						  SpectralRng *rng, double *vec)
{
	SubGraph	sg;
	double	   *defl = NULL;
	SpectralStatus st;

	if (m < 1 || nev < 1 || nev + (deflate ? 1 : 0) > m)
		return SPECTRAL_ERR_ARGUMENT;
	BuildSubGraph(ctx, g, verts, m, &sg);
	if (deflate)
	{
		double		nrm;

		defl = spectral_alloc(ctx, m, sizeof(double));
		memcpy(defl, sg.sqrtd, sizeof(double) * m);
		nrm = sqrt(Dot(defl, defl, m));
		for (int i = 0; i < m; i++)
			defl[i] /= nrm;
	}
	if (m <= SPECTRAL_DENSE_MAX)
		st = DenseTop(ctx, &sg, nev, defl, vec);
	else
		st = LanczosTop(ctx, &sg, nev, defl, rng, vec);
	if (ctx->stats)
		ctx->stats->eigen_solves++;
	if (st == SPECTRAL_OK)
	{
		/* back to the random-walk scaling D^-1/2 y */
		for (int c = 0; c < nev; c++)
			for (int i = 0; i < m; i++)
				vec[(size_t) c * m + i] /= sg.sqrtd[i];
	}
	if (defl)
		spectral_free(ctx, defl);
	FreeSubGraph(ctx, &sg);
	return st;
}
