/*
 * poll_check.c - every phase of the PG-free engine polls its interrupt
 * callback at the grain it promises, and stops when the callback says so;
 * counted, not timed (sql/model_cancel.sql times cancels, and other polls
 * overlapping a missing one hide it there).  Built and run by
 * test/fuzz/run.sh under ASan.
 *
 * For each phase, on rows enough for several of its steps, a counting
 * callback (never stops) must be called at least as often as the code's own
 * spacing promises:
 *   - the pool, one thread: before every piece but the first; two threads:
 *     before every piece the calling thread takes;
 *   - the canonical row order: before every piece of 65,536 rows hashed,
 *     before each of the four radix passes and every 65,536 rows of ties;
 *   - binning: before each feature's edges and every piece of bins;
 *   - a model aggregate's partial state, written and read back
 *     (ens_agg_write_rows, ens_agg_read_labels, ens_agg_read_rows): before
 *     every piece of 65,536 entries of each dictionary and rows of each
 *     column, of the targets and of the group ids;
 *   - forest growth (one thread): once per node;
 *   - boosting (one thread, one feature): once per node;
 *   - held-out rows' outputs (ens_predict_binned_rows): before every
 *     1,024th row, the first included;
 *   - global importance (ens_shap_means): before every row (on trees too
 *     few for ens_shap_row's own poll every 64 trees, so the per-row polls
 *     alone are counted).
 * Then a callback that says stop at its K-th call, for K over every poll
 * of the phase (or a spread of them): the phase returns ENS_EINTR and asks
 * no further question (the work after a stop is bounded by one piece).
 *
 *   poll_check        exit status 0: every check held
 */
#include "../../src/boost.h"
#include "../../src/ensemble.h"
#include "../../src/ensemble_agg_state.h"
#include "../../src/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Polls
{
	uint64_t	calls;			/* questions asked */
	uint64_t	stop_at;		/* say stop at this call (0: never) */
	uint64_t	after;			/* questions asked after the stop */
} Polls;

static bool
Poll(void *arg)
{
	Polls	   *c = arg;

	c->calls++;
	if (c->stop_at == 0 || c->calls < c->stop_at)
		return false;
	if (c->calls > c->stop_at)
		c->after++;
	return true;
}

static int	fails = 0;

static void
Fail(const char *phase, const char *what, uint64_t got, uint64_t want)
{
	fprintf(stderr, "FAIL poll %s: %s (%llu, want %llu)\n", phase, what,
			(unsigned long long) got, (unsigned long long) want);
	fails++;
}

/* A phase run once with callback state c; returns its status. */
typedef EnsStatus (*Phase) (void *ctx, Polls *c);

/*
 * The phase polls at least `want` times when never stopped; stopped at call
 * K (every K up to the count when `every`, else a spread), it returns
 * ENS_EINTR and asks nothing more.
 */
static void
CheckPhase(const char *name, Phase fn, void *ctx, uint64_t want, bool every)
{
	Polls		c = {0, 0, 0};
	uint64_t	total,
				k;
	EnsStatus	rc = fn(ctx, &c);

	if (rc != ENS_OK)
	{
		Fail(name, "failed without a stop", rc, ENS_OK);
		return;
	}
	total = c.calls;
	if (total < want)
		Fail(name, "too few polls", total, want);
	for (k = 1; k <= total; k = every ? k + 1 : k + 1 + k / 3)
	{
		Polls		s = {0, k, 0};

		rc = fn(ctx, &s);
		/*
		 * Past the promised polls their count may differ from run to run (two
		 * threads: whether the caller asks once more after the worker took the
		 * last piece): a run that never reached call K was never told to stop.
		 */
		if (rc == ENS_OK && k > want && s.calls < k && s.calls >= want)
			continue;
		if (rc != ENS_EINTR)
		{
			fprintf(stderr, "FAIL poll %s: stopped at call %llu of %llu: %s\n", name,
					(unsigned long long) k, (unsigned long long) total, ens_strerror(rc));
			fails++;
			return;
		}
		if (s.after > 0)
		{
			fprintf(stderr, "FAIL poll %s: stopped at call %llu, asked %llu more times\n",
					name, (unsigned long long) k, (unsigned long long) s.after);
			fails++;
			return;
		}
	}
	printf("poll: %s: %llu polls (at least %llu promised); a stop at %s of them gives ENS_EINTR, no poll after\n",
		   name, (unsigned long long) total, (unsigned long long) want, every ? "each" : "a spread");
}

/* ---------- the pool (src/ensemble_pool.c) ---------- */

#define POOL_PIECES 64

typedef struct PoolJob
{
	EnsPool    *pool;
	const char *name;
	int			ran;			/* atomic: pieces run */
	int			caller_ran;		/* atomic: of those, on the calling thread */
	int			stopped;		/* atomic: the callback said stop */
	Polls	   *c;
} PoolJob;

static bool
PoolPoll(void *arg)
{
	PoolJob    *j = arg;
	bool		stop = Poll(j->c);

	if (stop)
		__atomic_store_n(&j->stopped, 1, __ATOMIC_SEQ_CST);
	return stop;
}

/*
 * A worker's piece waits until the calling thread has run all the pieces
 * but its own, or was told to stop: the calling thread takes (and polls
 * before) all of them but one, whatever the scheduling.
 */
static void
PoolPiece(void *ctx, int t, uint32_t c)
{
	PoolJob    *j = ctx;

	(void) c;
	if (t == 0)
		__atomic_fetch_add(&j->caller_ran, 1, __ATOMIC_SEQ_CST);
	else
		while (!__atomic_load_n(&j->stopped, __ATOMIC_SEQ_CST) &&
			   __atomic_load_n(&j->caller_ran, __ATOMIC_SEQ_CST) < POOL_PIECES - 1)
			;
	__atomic_fetch_add(&j->ran, 1, __ATOMIC_SEQ_CST);
}

static EnsStatus
PoolPhase(void *ctx, Polls *c)
{
	PoolJob    *j = ctx;
	EnsStatus	rc;

	j->c = c;
	j->ran = j->caller_ran = j->stopped = 0;
	rc = ens_pool_run(j->pool, PoolPiece, j, POOL_PIECES, PoolPoll, j);
	/* a stop at call K: at most K pieces on the caller, one on the worker */
	if (rc == ENS_EINTR && (uint64_t) j->ran > c->stop_at + 1)
	{
		Fail(j->name, "pieces run after the stop", (uint64_t) j->ran, c->stop_at + 1);
		return ENS_EINVAL;
	}
	if (rc == ENS_OK && (j->ran != POOL_PIECES || (uint64_t) j->caller_ran > c->calls + 1))
	{
		Fail(j->name, "pieces the calling thread took without a poll",
			 (uint64_t) j->caller_ran, c->calls + 1);
		return ENS_EINVAL;
	}
	return rc;
}

static void
CheckPool(int threads)
{
	PoolJob		j;
	char		name[32];

	memset(&j, 0, sizeof(j));
	j.pool = calloc(1, ens_pool_size());
	ens_pool_init(j.pool, threads);
	if (ens_pool_start(j.pool) != threads)
	{
		fprintf(stderr, "FAIL poll pool: %d threads did not start\n", threads);
		fails++;
		return;
	}
	snprintf(name, sizeof(name), "pool, %d thread%s", threads, threads > 1 ? "s" : "");
	j.name = name;
	/* one thread: between pieces; two: before each of the caller's pieces */
	CheckPhase(name, PoolPhase, &j, POOL_PIECES - 1, true);
	ens_pool_stop(j.pool);
	free(j.pool);
}

/* ---------- the canonical row order and binning ---------- */

#define PREP_ROWS 200000		/* 4 pieces of rows to hash */
#define PREP_P 4

typedef struct Prep
{
	double	   *cols[PREP_P];
	double	   *y;
} Prep;

static EnsStatus
OrderPhase(void *ctx, Polls *c)
{
	Prep	   *pr = ctx;
	uint32_t   *perm = NULL;
	uint64_t	fp;
	EnsStatus	rc = ens_canonical_order(PREP_ROWS, PREP_P, (const double *const *) pr->cols,
										 NULL, pr->y, NULL, &ens_malloc_allocator, NULL,
										 Poll, c, &perm, &fp);

	free(perm);
	return rc;
}

static EnsStatus
BinPhase(void *ctx, Polls *c)
{
	Prep	   *pr = ctx;
	EnsFeature	F[PREP_P];
	uint8_t    *X = NULL;
	int			f;
	EnsStatus	rc;

	memset(F, 0, sizeof(F));
	rc = ens_bin_columns((const double *const *) pr->cols, PREP_ROWS, PREP_P, F, NULL, 0, 7,
						 &ens_malloc_allocator, NULL, Poll, c, &X);
	free(X);
	for (f = 0; f < PREP_P; f++)
		free(F[f].edges);
	return rc;
}

static void
CheckPrep(void)
{
	Prep		pr;
	EpRng		rng;
	uint32_t	i;
	int			f;
	uint64_t	pieces = (PREP_ROWS + 65535) / 65536,
				bin_piece_rows = 65536 / PREP_P;

	ep_rng_seed(&rng, 43, 0);
	for (f = 0; f < PREP_P; f++)
		pr.cols[f] = malloc(sizeof(double) * PREP_ROWS);
	pr.y = malloc(sizeof(double) * PREP_ROWS);
	for (i = 0; i < PREP_ROWS; i++)
	{
		for (f = 0; f < PREP_P; f++)
			pr.cols[f][i] = (double) (ep_rng_next(&rng) >> 11) / 9007199254740992.0;
		pr.y[i] = (double) (i % 3);
	}
	/* distinct rows: every row starts a run of ties, so the tie loop polls every 65,536 */
	CheckPhase("canonical order", OrderPhase, &pr, pieces + 4 + pieces, true);
	CheckPhase("binning", BinPhase, &pr,
			   PREP_P + (PREP_ROWS + bin_piece_rows - 1) / bin_piece_rows, true);
	for (f = 0; f < PREP_P; f++)
		free(pr.cols[f]);
	free(pr.y);
}

/* ---------- a model aggregate's partial state (src/ensemble_agg_state.c) ---------- */

#define STATE_ROWS 200000		/* 4 pieces of rows, and of group keys (one a row) */

typedef struct State
{
	EnsAggRows	rows;			/* what is written */
	uint8_t    *bytes;			/* and its bytes */
	uint64_t	size;
} State;

static EnsStatus
WritePhase(void *ctx, Polls *c)
{
	State	   *st = ctx;
	uint8_t    *out = malloc(st->size);
	EnsStatus	rc = ens_agg_write_rows(&st->rows, out, Poll, c);

	if (rc == ENS_OK && memcmp(out, st->bytes, st->size) != 0)
	{
		Fail("partial state writing", "other bytes with a callback", 1, 0);
		rc = ENS_EINVAL;
	}
	free(out);
	return rc;
}

static EnsStatus
ReadPhase(void *ctx, Polls *c)
{
	State	   *st = ctx;
	EnsAggReader r;
	EnsAggRows	rows;
	double	   *cols[PREP_P];
	uint32_t	f;
	EnsStatus	rc;

	memset(&rows, 0, sizeof(rows));
	ens_agg_reader_init(&r, st->bytes, st->size);
	rc = ens_agg_read_header(&r, &rows);
	rows.labels = ens_dict_create(&ens_malloc_allocator);
	rows.groups = ens_dict_create(&ens_malloc_allocator);
	for (f = 0; f < PREP_P; f++)
		cols[f] = malloc(sizeof(double) * STATE_ROWS);
	rows.cols = cols;
	rows.y = malloc(sizeof(double) * STATE_ROWS);
	rows.g = malloc(sizeof(double) * STATE_ROWS);
	if (rc == ENS_OK)
		rc = ens_agg_read_labels(&r, &rows, Poll, c);
	if (rc == ENS_OK)
		rc = ens_agg_read_rows(&r, &rows, Poll, c);
	if (rc == ENS_OK && (r.pos != st->size || memcmp(rows.g, st->rows.g, sizeof(double) * STATE_ROWS) != 0))
	{
		Fail("partial state reading", "other rows with a callback", 1, 0);
		rc = ENS_EINVAL;
	}
	for (f = 0; f < PREP_P; f++)
		free(cols[f]);
	free(rows.y);
	free(rows.g);
	ens_dict_free(rows.labels);
	ens_dict_free(rows.groups);
	return rc;
}

static void
CheckState(void)
{
	State		st;
	double	   *cols[PREP_P];
	char		key[16];
	uint32_t	i,
				f;
	uint64_t	pieces = (STATE_ROWS + 65535) / 65536;

	memset(&st, 0, sizeof(st));
	st.rows.p = PREP_P;
	st.rows.text_target = true;
	st.rows.grouped = true;
	st.rows.n = STATE_ROWS;
	st.rows.params = "{}";
	st.rows.params_len = 2;
	st.rows.labels = ens_dict_create(&ens_malloc_allocator);
	st.rows.groups = ens_dict_create(&ens_malloc_allocator);
	for (f = 0; f < PREP_P; f++)
		cols[f] = malloc(sizeof(double) * STATE_ROWS);
	st.rows.cols = cols;
	st.rows.y = malloc(sizeof(double) * STATE_ROWS);
	st.rows.g = malloc(sizeof(double) * STATE_ROWS);
	for (i = 0; i < STATE_ROWS; i++)
	{
		for (f = 0; f < PREP_P; f++)
			cols[f][i] = i * 0.5 + f;
		snprintf(key, sizeof(key), "c%u", i % 3);
		st.rows.y[i] = (double) ens_dict_add(st.rows.labels, key, (uint32_t) strlen(key));
		snprintf(key, sizeof(key), "g%u", i);
		st.rows.g[i] = (double) ens_dict_add(st.rows.groups, key, (uint32_t) strlen(key));
	}
	st.size = ens_agg_write_size(&st.rows);
	st.bytes = malloc(st.size);
	if (ens_agg_write_rows(&st.rows, st.bytes, NULL, NULL) != ENS_OK)
		Fail("partial state writing", "failed without a callback", 1, 0);
	else
	{
		/* columns, targets, group ids; the labels (one piece), the group keys */
		CheckPhase("partial state writing", WritePhase, &st, (PREP_P + 2) * pieces + 1 + pieces, true);
		CheckPhase("partial state reading", ReadPhase, &st, (PREP_P + 2) * pieces + 1 + pieces, true);
	}
	for (f = 0; f < PREP_P; f++)
		free(cols[f]);
	free(st.rows.y);
	free(st.rows.g);
	free(st.bytes);
	ens_dict_free(st.rows.labels);
	ens_dict_free(st.rows.groups);
}

/* ---------- tree growth: the forest and boosting ---------- */

#define TREE_ROWS 2000			/* under 4,096: the forest's row polls stay out */

typedef struct Trees
{
	EnsFeature	F[2];
	uint8_t    *X;
	double	   *y;
	uint32_t	p;				/* features used */
	uint32_t	nodes;			/* nodes of the model grown unstopped */
} Trees;

static void
TreeModel(const Trees *tr, EnsModel *m, EnsData *d)
{
	memset(m, 0, sizeof(*m));
	m->task = ENS_REGRESSION;
	m->n_features = tr->p;
	m->features = (EnsFeature *) tr->F;
	memset(d, 0, sizeof(*d));
	d->n_rows = TREE_ROWS;
	d->n_features = tr->p;
	d->X = tr->X;
	d->y = tr->y;
	d->n_use = TREE_ROWS;
}

/* a regression forest of the rows of tr, on one thread */
static void
TreeForest(const Trees *tr, EnsModel *m, EnsData *d, ForestParams *P, int n_trees,
		   int max_depth, uint64_t seed)
{
	TreeModel(tr, m, d);
	memset(P, 0, sizeof(*P));
	P->task = ENS_REGRESSION;
	P->n_trees = n_trees;
	P->max_depth = max_depth;
	P->min_samples_leaf = 1;
	P->sample_fraction = 1.0;
	P->seed = seed;
	P->n_threads = 1;
}

static EnsStatus
ForestPhase(void *ctx, Polls *c)
{
	Trees	   *tr = ctx;
	EnsModel	m;
	EnsData		d;
	ForestParams P;
	EnsStatus	rc;

	TreeForest(tr, &m, &d, &P, 1, 0, 5);
	rc = forest_train(&m, &d, &P, &ens_malloc_allocator, Poll, c, NULL, NULL);
	if (rc == ENS_OK)
	{
		tr->nodes = m.n_nodes;
		ens_model_free(&m, &ens_malloc_allocator);
	}
	return rc;
}

static EnsStatus
BoostPhase(void *ctx, Polls *c)
{
	Trees	   *tr = ctx;
	EnsModel	m;
	EnsData		d;
	BoostParams P;
	BoostResult r;
	EnsStatus	rc;

	TreeModel(tr, &m, &d);
	memset(&r, 0, sizeof(r));
	boost_params_default(&P);
	P.task = ENS_REGRESSION;
	P.n_rounds = 1;
	P.max_depth = 0;
	P.max_leaves = 256;
	P.min_child_weight = 0;
	P.n_threads = 1;
	rc = boost_train(&m, &d, NULL, 0, &P, &ens_malloc_allocator, Poll, c, &r);
	if (rc == ENS_OK)
		tr->nodes = m.n_nodes;
	if (m.base_score)
		free(m.base_score);		/* ens_model_free does not yet */
	m.base_score = NULL;
	ens_model_free(&m, &ens_malloc_allocator);
	boost_result_free(&r, &ens_malloc_allocator);
	return rc;
}

/* ---------- held-out rows: outputs and global importance ---------- */

#define HELD_ROWS 10000			/* ten pieces of 1,024 rows, and part of one */
#define SHAP_ROWS 200

typedef struct Held
{
	EnsModel	m;
	uint8_t    *X;				/* HELD_ROWS x 2 bins */
	EnsShap    *plan;
} Held;

static EnsStatus
PredictPhase(void *ctx, Polls *c)
{
	Held	   *hd = ctx;
	double	   *out = malloc(sizeof(double) * HELD_ROWS);
	EnsStatus	rc = ens_predict_binned_rows(&hd->m, hd->X, HELD_ROWS, false, out, Poll, c);

	free(out);
	return rc;
}

static EnsStatus
ImportancePhase(void *ctx, Polls *c)
{
	Held	   *hd = ctx;
	double		phi[2],
				mabs[2],
				msum[2];

	return ens_shap_means(hd->plan, &hd->m, hd->X, SHAP_ROWS, -1, phi, mabs, msum, Poll, c);
}

/* a small forest of shallow trees on the rows of tr, and rows to score */
static void
CheckHeldout(const Trees *tr)
{
	Held		hd;
	EnsData		d;
	ForestParams P;
	EpRng		rng;
	uint32_t	i;

	TreeForest(tr, &hd.m, &d, &P, 3, 4, 6);
	if (forest_train(&hd.m, &d, &P, &ens_malloc_allocator, NULL, NULL, NULL, NULL) != ENS_OK ||
		ens_shap_plan(&hd.m, &ens_malloc_allocator, 0, NULL, NULL, &hd.plan) != ENS_OK)
	{
		Fail("held-out rows", "training or the explanation plan failed", 1, 0);
		return;
	}
	ep_rng_seed(&rng, 45, 0);
	hd.X = malloc(2 * HELD_ROWS);
	for (i = 0; i < 2 * HELD_ROWS; i++)
		hd.X[i] = (uint8_t) (ep_rng_next(&rng) % 255);
	CheckPhase("held-out rows' outputs", PredictPhase, &hd, (HELD_ROWS + 1023) / 1024, true);
	CheckPhase("global importance, 3 trees", ImportancePhase, &hd, SHAP_ROWS, true);
	ens_shap_free(hd.plan);
	ens_model_free(&hd.m, &ens_malloc_allocator);
	free(hd.X);
}

static void
CheckTrees(void)
{
	Trees		tr;
	EpRng		rng;
	uint32_t	i;
	Polls		c = {0, 0, 0};

	memset(&tr, 0, sizeof(tr));
	ep_rng_seed(&rng, 44, 0);
	tr.X = malloc(2 * TREE_ROWS);
	tr.y = malloc(sizeof(double) * TREE_ROWS);
	for (i = 0; i < 2; i++)
	{
		double	   *edges = malloc(sizeof(double) * 254);
		int			e;

		for (e = 0; e < 254; e++)
			edges[e] = e + 0.5;
		tr.F[i].name = i ? "b" : "a";
		tr.F[i].name_len = 1;
		tr.F[i].kind = ENS_NUMERIC;
		tr.F[i].edges = edges;
		tr.F[i].n_bins = 255;
	}
	for (i = 0; i < TREE_ROWS; i++)
	{
		uint64_t	r = ep_rng_next(&rng);

		tr.X[2 * i] = (uint8_t) (r % 255);
		tr.X[2 * i + 1] = (uint8_t) ((r >> 16) % 255);
		tr.y[i] = (double) ((r >> 32) % 1000);
	}
	/* the forest: a deep tree of two features, one poll per node */
	tr.p = 2;
	if (ForestPhase(&tr, &c) != ENS_OK)
		Fail("forest growth", "training failed", 1, 0);
	else
		CheckPhase("forest growth, one tree on one thread", ForestPhase, &tr, tr.nodes, false);
	CheckHeldout(&tr);
	/* boosting: one feature, one round, best-first: one poll per node */
	tr.p = 1;
	for (i = 0; i < TREE_ROWS; i++)
		tr.X[i] = tr.X[2 * i];
	c.calls = 0;
	if (BoostPhase(&tr, &c) != ENS_OK)
		Fail("boosting", "training failed", 1, 0);
	else
		CheckPhase("boosting growth, one tree on one thread", BoostPhase, &tr, tr.nodes, false);
	free((void *) tr.F[0].edges);
	free((void *) tr.F[1].edges);
	free(tr.X);
	free(tr.y);
}

int
main(void)
{
	CheckPool(1);
	CheckPool(2);
	CheckPrep();
	CheckState();
	CheckTrees();
	if (fails == 0)
		printf("poll: every phase polled as often as it promises and stopped when told\n");
	return fails > 0;
}
