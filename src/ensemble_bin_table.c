/*
 * ensemble_bin_table.c - a training set's columns into its bin matrix
 * (PG-free): bin edges for every numeric feature from the training rows,
 * then the row-major matrix of every row's bins.
 *
 * With a runner of several threads the features' edges are computed side
 * by side (each thread in its own preallocated scratch) and the matrix is
 * filled by pieces of rows; every piece's result depends only on its
 * inputs, so the edges and bins are the same bytes with any thread count.
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

#define BIN_PIECE_VALUES 65536	/* values a piece bins: about a millisecond */

/*
 * ens_bin_value of a numeric column's values c[i0 .. i1) into xf (stride
 * p), four at a time: each binary search is a chain of dependent loads, and
 * four independent chains run side by side (steps written as arithmetic: a
 * ternary here compiles to branches, which the values mispredict).
 */
static void
BinNumericRun(const EnsFeature *F, const double *c, uint32_t i0, uint32_t i1,
			  uint8_t *xf, uint32_t p)
{
	const double *e = F->edges;
	uint32_t	ne = F->n_bins - 1,
				i = i0;

	if (ne > 0)
		for (; i + 4 <= i1; i += 4)
		{
			const double *b0 = e,
					   *b1 = e,
					   *b2 = e,
					   *b3 = e;
			double		v0 = c[i],
						v1 = c[i + 1],
						v2 = c[i + 2],
						v3 = c[i + 3];
			uint32_t	len = ne;

			while (len > 1)
			{
				uint32_t	half = len / 2;

				b0 += (size_t) (b0[half - 1] < v0) * half;
				b1 += (size_t) (b1[half - 1] < v1) * half;
				b2 += (size_t) (b2[half - 1] < v2) * half;
				b3 += (size_t) (b3[half - 1] < v3) * half;
				len -= half;
			}
			xf[(size_t) i * p] = isnan(v0) ? ENS_MISSING : (uint8_t) ((b0 - e) + (b0[0] < v0));
			xf[(size_t) (i + 1) * p] = isnan(v1) ? ENS_MISSING : (uint8_t) ((b1 - e) + (b1[0] < v1));
			xf[(size_t) (i + 2) * p] = isnan(v2) ? ENS_MISSING : (uint8_t) ((b2 - e) + (b2[0] < v2));
			xf[(size_t) (i + 3) * p] = isnan(v3) ? ENS_MISSING : (uint8_t) ((b3 - e) + (b3[0] < v3));
		}
	for (; i < i1; i++)
		xf[(size_t) i * p] = ens_bin_value(F, c[i]);
}

/*
 * Scratch of one thread for ens_compute_edges: a bump allocator over
 * memory taken beforehand (threads must not call the host's allocator);
 * free is a no-op and the scratch is reset before each feature.
 */
typedef struct Scratch
{
	char	   *base;
	size_t		cap,
				used;
} Scratch;

static void *
ScratchAlloc(void *ctx, size_t size)
{
	Scratch    *s = (Scratch *) ctx;
	size_t		at = (s->used + 15) & ~(size_t) 15;

	if (size > s->cap || at > s->cap - size)
		return NULL;
	s->used = at + size;
	return s->base + at;
}

static void
ScratchFree(void *ctx, void *ptr)
{
	(void) ctx;
	(void) ptr;
}

/*
 * What ens_compute_edges / ens_compute_sketch_edges take for a sample of s
 * values (ensemble_bins.c).
 */
static size_t
ScratchBytes(uint32_t s, EnsBinRule rule)
{
	/* sample, radix sort keys and their copy, counts; digit counts, edges, alignment */
	size_t		b = (size_t) s * (8 + 16 + 4) + 8 * 256 * 4 + ENS_MAX_BOOST_BINS * 8 + 8 * 16;

	/* the sketch: six float rank arrays and two index arrays per distinct value */
	if (rule == ENS_BINS_SKETCH)
		b += (size_t) s * (6 * 4 + 2 * 4) + 4 * 16;
	return b;
}

/*
 * The most bins feature column c of n rows may get: boosting's sketch
 * gives a feature without a missing value in any of the rows binned (not
 * only those the edges come from) ENS_MAX_BOOST_BINS, its code 255 being
 * its last bin; otherwise code 255 is the missing value.
 */
static uint32_t
MaxBins(const double *c, uint32_t n, EnsBinRule rule)
{
	uint32_t	i;

	if (rule != ENS_BINS_SKETCH)
		return ENS_MAX_BINS;
	for (i = 0; i < n; i++)
		if (isnan(c[i]))
			return ENS_MAX_BINS;
	return ENS_MAX_BOOST_BINS;
}

/* A numeric feature's edges by rule (ensemble_bins.c). */
static EnsStatus
ComputeEdges(const double *c, uint32_t n, const uint32_t *edge_rows, uint32_t n_edge,
			 EnsBinRule rule, uint64_t seed, const EnsAlloc *al, double **edges,
			 uint32_t *n_bins)
{
	if (rule == ENS_BINS_SKETCH)
		return ens_compute_sketch_edges(c, edge_rows, n_edge, MaxBins(c, n, rule), seed, al,
										edges, n_bins);
	return ens_compute_edges(c, edge_rows, n_edge, ENS_MAX_BINS, seed, al, edges, n_bins);
}

typedef struct BinJob
{
	const double *const *cols;
	uint32_t	n,
				p;
	EnsFeature *F;
	const uint32_t *edge_rows;
	uint32_t	n_edge;
	uint64_t	seed;
	EnsBinRule	rule;
	uint8_t    *X;
	uint32_t	piece_rows;
	/* edges side by side */
	const uint32_t *numeric;	/* the numeric features */
	Scratch    *scratch;		/* per thread */
	EnsAlloc   *scratch_al;		/* per thread */
	EnsStatus  *status;			/* per numeric feature */
} BinJob;

/* A numeric feature's edges, from its thread's scratch into F->edges (allocated beforehand). */
static void
EdgesPiece(void *ctx, int thread, uint32_t piece)
{
	BinJob	   *j = (BinJob *) ctx;
	EnsFeature *F = &j->F[j->numeric[piece]];
	double	   *e = NULL;

	j->scratch[thread].used = 0;
	j->status[piece] = ComputeEdges(j->cols[j->numeric[piece]], j->n, j->edge_rows, j->n_edge,
									j->rule, j->seed + j->numeric[piece],
									&j->scratch_al[thread], &e, &F->n_bins);
	if (j->status[piece] == ENS_OK && e)
		memcpy(F->edges, e, (size_t) (F->n_bins - 1) * sizeof(double));
}

static void
BinsPiece(void *ctx, int thread, uint32_t piece)
{
	BinJob	   *j = (BinJob *) ctx;
	uint32_t	st = piece * j->piece_rows,
				en = j->n - st < j->piece_rows ? j->n : st + j->piece_rows,
				f,
				i;

	(void) thread;
	for (f = 0; f < j->p; f++)
	{
		const EnsFeature *F = &j->F[f];
		const double *c = j->cols[f];
		uint8_t    *xf = j->X + f;

		if (F->kind == ENS_NUMERIC)
			BinNumericRun(F, c, st, en, xf, j->p);
		else
			for (i = st; i < en; i++)
				xf[(size_t) i * j->p] = ens_bin_value(F, c[i]);
	}
}

/*
 * The numeric features' edges, side by side; each feature's edges array is
 * allocated here (room for ENS_MAX_BOOST_BINS - 1 edges) and freed again
 * if the feature has none.  A failure leaves no edges behind, so the caller
 * may start again.
 */
static EnsStatus
EdgesSideBySide(BinJob *j, const EnsRunner *rn, const EnsAlloc *al,
				EnsInterruptFn intr, void *intr_arg)
{
	int			nt = ens_runner_threads(rn),
				t;
	uint32_t	nn = 0,
				f,
				k;
	uint32_t	s = j->n_edge < ENS_EDGE_SAMPLE ? j->n_edge : ENS_EDGE_SAMPLE;
	size_t		sb = ScratchBytes(s, j->rule);
	uint32_t   *numeric = al->alloc(al->ctx, sizeof(uint32_t) * j->p);
	Scratch		scratch[ENS_POOL_MAX_THREADS];
	EnsAlloc	sal[ENS_POOL_MAX_THREADS];
	EnsStatus	rc = ENS_ENOMEM;

	if (numeric == NULL)
		return ENS_ENOMEM;
	for (f = 0; f < j->p; f++)
		if (j->F[f].kind == ENS_NUMERIC)
		{
			j->F[f].edges = NULL;
			numeric[nn++] = f;
		}
	memset(scratch, 0, sizeof(scratch));
	j->numeric = numeric;
	j->scratch = scratch;
	j->scratch_al = sal;
	j->status = al->alloc(al->ctx, sizeof(EnsStatus) * (nn ? nn : 1));
	if (j->status == NULL)
		goto done;
	for (k = 0; k < nn; k++)
		if ((j->F[numeric[k]].edges = al->alloc(al->ctx, sizeof(double) * (ENS_MAX_BOOST_BINS - 1))) == NULL)
			goto done;
	for (t = 0; t < nt; t++)
	{
		scratch[t].base = al->alloc(al->ctx, sb);
		scratch[t].cap = sb;
		if (scratch[t].base == NULL)
			goto done;
		sal[t].alloc = ScratchAlloc;
		sal[t].free = ScratchFree;
		sal[t].ctx = &scratch[t];
	}
	rc = ens_run_pieces(rn, EdgesPiece, j, nn, intr, intr_arg);
	for (k = 0; k < nn && rc == ENS_OK; k++)
		rc = j->status[k];
done:
	for (k = 0; k < nn; k++)
	{
		EnsFeature *F = &j->F[numeric[k]];

		if (F->edges && (rc != ENS_OK || F->n_bins <= 1))
		{
			al->free(al->ctx, F->edges);
			F->edges = NULL;
		}
	}
	for (t = 0; t < nt; t++)
		if (scratch[t].base)
			al->free(al->ctx, scratch[t].base);
	if (j->status)
		al->free(al->ctx, j->status);
	al->free(al->ctx, numeric);
	return rc;
}

/*
 * Bin p columns (cols[f][i], NaN = missing) into a row-major matrix.
 * Numeric features get edges (features[f].edges/n_bins set here) placed by
 * rule; categorical features must have n_bins set and hold codes.  rn (or
 * NULL) spreads the work over threads.
 */
EnsStatus
ens_bin_columns_by(const double *const *cols, uint32_t n, uint32_t p,
				   EnsFeature *features, const uint32_t *edge_rows,
				   uint32_t n_edge_rows, uint64_t seed, EnsBinRule rule,
				   const EnsAlloc *al, const EnsRunner *rn,
				   EnsInterruptFn intr, void *intr_arg, uint8_t **X_out)
{
	BinJob		j;
	uint32_t	f;
	EnsStatus	rc = ENS_OK;

	*X_out = NULL;
	if ((uint64_t) n * p > SIZE_MAX / 2)
		return ENS_ELIMIT;
	memset(&j, 0, sizeof(j));
	j.cols = cols;
	j.n = n;
	j.p = p;
	j.F = features;
	j.edge_rows = edge_rows;
	j.n_edge = edge_rows ? n_edge_rows : n;
	j.seed = seed;
	j.rule = rule;
	j.X = al->alloc(al->ctx, (size_t) n * p);
	if (j.X == NULL)
		return ENS_ENOMEM;
	ens_hint_hugepages(j.X, (size_t) n * p);
	/*
	 * Side by side, each thread needs scratch for a whole sample: where the
	 * memory cap does not leave room for that, one feature at a time.
	 */
	if (ens_runner_threads(rn) > 1)
		rc = EdgesSideBySide(&j, rn, al, intr, intr_arg);
	if (ens_runner_threads(rn) <= 1 || rc == ENS_ENOMEM)
		for (f = 0, rc = ENS_OK; f < p && rc == ENS_OK; f++)
		{
			if (intr && intr(intr_arg))
				rc = ENS_EINTR;
			else if (features[f].kind == ENS_NUMERIC)
				rc = ComputeEdges(cols[f], n, edge_rows, j.n_edge, rule, seed + f, al,
								  &features[f].edges, &features[f].n_bins);
		}
	if (rc == ENS_OK)
	{
		j.piece_rows = p ? BIN_PIECE_VALUES / p : n;
		if (j.piece_rows < 64)
			j.piece_rows = 64;
		rc = ens_run_pieces(rn, BinsPiece, &j,
							n ? (uint32_t) (((uint64_t) n + j.piece_rows - 1) / j.piece_rows) : 0,
							intr, intr_arg);
	}
	if (rc != ENS_OK)
	{
		al->free(al->ctx, j.X);
		return rc;
	}
	*X_out = j.X;
	return ENS_OK;
}

EnsStatus
ens_bin_columns(const double *const *cols, uint32_t n, uint32_t p,
				EnsFeature *features, const uint32_t *edge_rows,
				uint32_t n_edge_rows, uint64_t seed,
				const EnsAlloc *al, const EnsRunner *rn,
				EnsInterruptFn intr, void *intr_arg, uint8_t **X_out)
{
	return ens_bin_columns_by(cols, n, p, features, edge_rows, n_edge_rows, seed,
							  ENS_BINS_EQUAL_COUNT, al, rn, intr, intr_arg, X_out);
}
