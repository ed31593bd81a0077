/*
 * prep_check.c - a training set's preparation gives the same bytes on one
 * thread and on several (src/ensemble_order.c, src/ensemble_bin_table.c),
 * built and run by test/fuzz/run.sh under ASan.
 *
 * Generated columns with missing values, repeated values, -0 and +0,
 * a categorical column (ids hashed through a table), a column of one value
 * and one of fewer distinct values than bins; more rows than one piece of
 * every job and than the edge sample (so edges come from the sample, in
 * each thread's scratch).  For 1, 2 and 3 threads: the canonical order and
 * fingerprint, every feature's edges (forest's equal-count rule and
 * boosting's sketch) and the bin matrix equal the serial ones, also when
 * the memory has no room for the threads' scratch of edges; with room,
 * the threads did compute the edges side by side in their scratch (a
 * scratch too small for a feature falls back to one feature at a time:
 * the same bytes, but serial and more calls of the allocator, which is
 * how it shows here); the rows reversed give the same fingerprint and
 * canonical order.  Then interrupts at every few polls: each call stops
 * with ENS_EINTR and leaks nothing (ASan).
 *
 *   prep_check [rows]     exit status 0: every check held
 */
#include "../../src/ensemble.h"
#include "../../src/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P 6

typedef struct TestRunner
{
	EnsPool    *pool;
	uint32_t	stop_after;		/* interrupt at this poll (0: never) */
	uint32_t	polls;
} TestRunner;

static bool
Interrupt(void *arg)
{
	TestRunner *r = arg;

	return r->stop_after > 0 && ++r->polls >= r->stop_after;
}

static EnsStatus
Run(void *self, EnsTaskFn fn, void *ctx, uint32_t n_pieces)
{
	TestRunner *r = self;

	return ens_pool_run(r->pool, fn, ctx, n_pieces, Interrupt, r);
}

typedef struct Prepared
{
	uint32_t   *perm;
	uint64_t	fingerprint;
	EnsFeature	F[P];
	uint8_t    *X;
	long		bin_allocs;		/* allocator calls of the binning */
} Prepared;

/* an allocator passing every call on to another, counting them */
typedef struct Counted
{
	const EnsAlloc *inner;
	long		calls;
} Counted;

static void *
CountedAlloc(void *ctx, size_t size)
{
	Counted    *c = ctx;

	c->calls++;
	return c->inner->alloc(c->inner->ctx, size);
}

static void
CountedFree(void *ctx, void *ptr)
{
	Counted    *c = ctx;

	c->inner->free(c->inner->ctx, ptr);
}

static EnsStatus
PrepareWith(double **cols, const uint64_t *const *strhash, const double *y, uint32_t n,
			const uint32_t *rows, uint32_t nrows, EnsBinRule rule, const EnsRunner *rn,
			EnsInterruptFn intr, void *arg, const EnsAlloc *al, Prepared *out)
{
	EnsStatus	rc;
	int			f;
	Counted		counted = {al, 0};
	EnsAlloc	cal = {CountedAlloc, CountedFree, &counted};

	memset(out, 0, sizeof(*out));
	for (f = 0; f < P; f++)
	{
		out->F[f].kind = strhash[f] ? ENS_CATEGORICAL : ENS_NUMERIC;
		out->F[f].n_bins = strhash[f] ? 40 : 0;
	}
	rc = ens_canonical_order(n, P, (const double *const *) cols, strhash, y, NULL,
							 al, rn, intr, arg, &out->perm,
							 &out->fingerprint);
	if (rc != ENS_OK)
		return rc;
	rc = ens_bin_columns_by((const double *const *) cols, n, P, out->F, rows, nrows, 7, rule,
							&cal, rn, intr, arg, &out->X);
	out->bin_allocs = counted.calls;
	if (rc != ENS_OK)
	{
		free(out->perm);
		for (f = 0; f < P; f++)
			free(out->F[f].edges);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

/*
 * Refuses any single block over MAX_BLOCK bytes: room for the serial
 * preparation of the default rows (its largest block, the hash keys, is
 * 16 bytes a row: 4.8 MB), none for a thread's scratch of bin edges
 * (28 bytes a sampled value: 5.6 MB), which must then be done one feature
 * at a time.
 */
#define MAX_BLOCK 5000000

static void *
SmallAlloc(void *ctx, size_t size)
{
	(void) ctx;
	return size > MAX_BLOCK ? NULL : malloc(size ? size : 1);
}

static void
SmallFree(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

static const EnsAlloc small_allocator = {SmallAlloc, SmallFree, NULL};

static EnsStatus
Prepare(double **cols, const uint64_t *const *strhash, const double *y, uint32_t n,
		const uint32_t *rows, uint32_t nrows, EnsBinRule rule, const EnsRunner *rn,
		EnsInterruptFn intr, void *arg, Prepared *out)
{
	return PrepareWith(cols, strhash, y, n, rows, nrows, rule, rn, intr, arg,
					   &ens_malloc_allocator, out);
}

static void
Release(Prepared *p)
{
	int			f;

	free(p->perm);
	free(p->X);
	for (f = 0; f < P; f++)
		free(p->F[f].edges);
}

static const char *const rule_name[] = {"equal-count", "sketch"};

static int
Same(const Prepared *a, const Prepared *b, uint32_t n, int threads, EnsBinRule rule)
{
	int			f;

	if (a->fingerprint != b->fingerprint || memcmp(a->perm, b->perm, sizeof(uint32_t) * n) != 0)
		return fprintf(stderr, "FAIL prep: %d threads: another canonical order\n", threads), 1;
	for (f = 0; f < P; f++)
		if (a->F[f].n_bins != b->F[f].n_bins ||
			(a->F[f].kind == ENS_NUMERIC && a->F[f].n_bins > 1 &&
			 memcmp(a->F[f].edges, b->F[f].edges, sizeof(double) * (a->F[f].n_bins - 1)) != 0))
			return fprintf(stderr, "FAIL prep: %d threads, %s: feature %d's edges differ\n",
						   threads, rule_name[rule], f), 1;
	if (memcmp(a->X, b->X, (size_t) n * P) != 0)
		return fprintf(stderr, "FAIL prep: %d threads, %s: another bin matrix\n", threads, rule_name[rule]), 1;
	return 0;
}

/*
 * Threads with room for their scratch compute the edges side by side in
 * it, asking the allocator for a block per thread and one per numeric
 * feature (its edges), fewer calls than the serial binning (four or more
 * a feature).  A scratch that falls short for a feature leaves every
 * feature's edges to be computed again one at a time, as serially, after
 * the threads' attempt: more calls than the serial binning, the same
 * bytes.  Without room (room false) that fallback must be what ran.
 */
static int
SideBySide(const Prepared *serial, const Prepared *par, int threads, EnsBinRule rule, bool room)
{
	if (room && par->bin_allocs >= serial->bin_allocs)
		return fprintf(stderr, "FAIL prep: %d threads, %s: %ld allocator calls binning, the serial binning %ld: "
					   "the threads' scratch fell short and the edges were computed one feature at a time\n",
					   threads, rule_name[rule], par->bin_allocs, serial->bin_allocs), 1;
	if (!room && par->bin_allocs <= serial->bin_allocs)
		return fprintf(stderr, "FAIL prep: %d threads, %s, without room for scratch: %ld allocator calls binning, "
					   "the serial binning %ld: the count does not tell the fallback\n",
					   threads, rule_name[rule], par->bin_allocs, serial->bin_allocs), 1;
	return 0;
}

/* equal as the order sees values: -0 is 0, NaN is NaN */
static bool
SameValue(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/*
 * The rows reversed: the same fingerprint (a sum over rows, whatever piece
 * holds them) and the same rows in the same canonical places.
 */
static int
Reversed(double **cols, const uint64_t *const *strhash, const double *y, uint32_t n,
		 const Prepared *fwd)
{
	double	   *rc[P],
			   *ry = malloc(sizeof(double) * n);
	uint32_t   *perm,
				i;
	uint64_t	fp;
	int			f,
				bad = 0;

	for (f = 0; f < P; f++)
	{
		rc[f] = malloc(sizeof(double) * n);
		for (i = 0; i < n; i++)
			rc[f][i] = cols[f][n - 1 - i];
	}
	for (i = 0; i < n; i++)
		ry[i] = y[n - 1 - i];
	if (ens_canonical_order(n, P, (const double *const *) rc, strhash, ry, NULL,
							&ens_malloc_allocator, NULL, NULL, NULL, &perm, &fp) != ENS_OK)
		return fprintf(stderr, "FAIL prep: the reversed rows' order failed\n"), 1;
	if (fp != fwd->fingerprint)
		bad = fprintf(stderr, "FAIL prep: reversed rows, another fingerprint\n") > 0;
	for (i = 0; i < n && !bad; i++)
		for (f = 0; f < P; f++)
			if (!SameValue(rc[f][perm[i]], cols[f][fwd->perm[i]]))
			{
				bad = fprintf(stderr, "FAIL prep: reversed rows, another row at place %u\n", i) > 0;
				break;
			}
	free(perm);
	for (f = 0; f < P; f++)
		free(rc[f]);
	free(ry);
	return bad;
}

int
main(int argc, char **argv)
{
	uint32_t	n = argc > 1 ? (uint32_t) strtoul(argv[1], NULL, 10) : 300000,
				nrows = 0,
				i;
	double	   *cols[P],
			   *y = malloc(sizeof(double) * n);
	uint64_t   *hash = malloc(sizeof(uint64_t) * 40);
	EpRng		rng;
	const uint64_t *strhash[P] = {NULL, NULL, NULL, NULL, NULL, NULL};
	uint32_t   *rows = malloc(sizeof(uint32_t) * n);
	Prepared	serial[2],
				par;
	int			f,
				r,
				threads,
				fails = 0,
				stops = 0,
				small_runs = 0;

	for (f = 0; f < P; f++)
		cols[f] = malloc(sizeof(double) * n);
	ep_rng_seed(&rng, 42, 0);
	for (i = 0; i < 40; i++)
		hash[i] = ep_rng_next(&rng);
	strhash[4] = hash;
	for (i = 0; i < n; i++)
	{
		uint64_t	r = ep_rng_next(&rng);

		cols[0][i] = (r & 15) == 0 ? NAN : (double) (r >> 11) / 9007199254740992.0;
		cols[1][i] = (double) ((r >> 8) % 1000) / 7.0;	/* repeats */
		cols[2][i] = (r >> 20) & 1 ? 0.0 : -0.0;
		cols[3][i] = 3.5;
		cols[4][i] = (r & 31) == 1 ? NAN : (double) ((r >> 24) % 40);
		cols[5][i] = (double) ((r >> 32) % 100);
		y[i] = (double) ((r >> 40) % 3);
		if ((r >> 50) % 10 < 9)
			rows[nrows++] = i;	/* training rows: edges come from these */
	}
	for (r = ENS_BINS_EQUAL_COUNT; r <= ENS_BINS_SKETCH; r++)
		if (Prepare(cols, strhash, y, n, rows, nrows, (EnsBinRule) r, NULL, NULL, NULL,
					&serial[r]) != ENS_OK)
			return fprintf(stderr, "FAIL prep: the serial preparation (%s) failed\n", rule_name[r]), 1;
	fails += Reversed(cols, strhash, y, n, &serial[ENS_BINS_EQUAL_COUNT]);
	for (threads = 1; threads <= 3; threads++)
	{
		TestRunner	tr = {malloc(ens_pool_size()), 0, 0};
		EnsRunner	rn = {Run, &tr, threads};
		uint32_t	k;

		ens_pool_init(tr.pool, threads);
		rn.n_threads = ens_pool_start(tr.pool);
		if (rn.n_threads != threads)
			return fprintf(stderr, "FAIL prep: %d threads did not start\n", threads), 1;
		for (r = ENS_BINS_EQUAL_COUNT; r <= ENS_BINS_SKETCH; r++)
		{
			if (Prepare(cols, strhash, y, n, rows, nrows, (EnsBinRule) r, &rn, NULL, NULL,
						&par) != ENS_OK)
				return fprintf(stderr, "FAIL prep: %d threads, %s: the preparation failed\n",
							   threads, rule_name[r]), 1;
			fails += Same(&serial[r], &par, n, threads, (EnsBinRule) r);
			if (threads > 1)
				fails += SideBySide(&serial[r], &par, threads, (EnsBinRule) r, true);
			Release(&par);
			/* no room for the threads' scratch of edges: one feature at a time, the same bytes */
			if (threads > 1 && nrows >= ENS_EDGE_SAMPLE && (size_t) n * 16 <= MAX_BLOCK)
			{
				if (PrepareWith(cols, strhash, y, n, rows, nrows, (EnsBinRule) r, &rn, NULL, NULL,
								&small_allocator, &par) != ENS_OK)
					return fprintf(stderr, "FAIL prep: %d threads, %s, without room for their scratch: the preparation failed\n",
								   threads, rule_name[r]), 1;
				fails += Same(&serial[r], &par, n, threads, (EnsBinRule) r);
				fails += SideBySide(&serial[r], &par, threads, (EnsBinRule) r, false);
				Release(&par);
				small_runs++;
			}
		}
		/* stopped at poll k: EINTR, nothing left allocated */
		for (k = 1; k < 400; k += 1 + k / 4)
		{
			EnsStatus	rc;

			tr.stop_after = k;
			tr.polls = 0;
			rc = Prepare(cols, strhash, y, n, rows, nrows, ENS_BINS_EQUAL_COUNT, &rn, Interrupt, &tr,
						 &par);
			if (rc == ENS_OK)
			{
				fails += Same(&serial[ENS_BINS_EQUAL_COUNT], &par, n, threads, ENS_BINS_EQUAL_COUNT);
				Release(&par);
				break;
			}
			if (rc != ENS_EINTR)
				return fprintf(stderr, "FAIL prep: interrupted at poll %u: %s\n", k, ens_strerror(rc)), 1;
			stops++;
		}
		ens_pool_stop(tr.pool);
		free(tr.pool);
	}
	Release(&serial[ENS_BINS_EQUAL_COUNT]);
	Release(&serial[ENS_BINS_SKETCH]);
	for (f = 0; f < P; f++)
		free(cols[f]);
	free(y);
	free(hash);
	free(rows);
	if (small_runs < 4)
		return fprintf(stderr, "FAIL prep: the preparation without room for scratch ran %d times\n", small_runs), 1;
	if (stops < 10)
		return fprintf(stderr, "FAIL prep: only %d interrupted preparations\n", stops), 1;
	if (fails == 0)
		printf("prep: %u rows, 1-3 threads: the same order, edges (equal-count and sketch) and bins, side by side (also without room for scratch: one feature at a time); %d interrupted calls stopped cleanly\n",
			   n, stops);
	return fails > 0;
}
