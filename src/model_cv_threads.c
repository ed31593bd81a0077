/*
 * model_cv_threads.c - the folds of one parameter set trained at the same
 * time, one fold per thread, when the rows are too few for a learner's own
 * threads to pay (boosting then trains on one thread: a 30-trial search on
 * 3,500 rows kept one core idle).
 *
 * Each fold is the learner's PostgreSQL-free training (train_plain, one
 * thread) followed by the prediction of its test rows; the calling thread
 * prepares the folds, waits while polling for a cancel, and scores the
 * predictions once every thread is joined.  A fold's model does not depend
 * on the number of threads that grew it, so the scores equal those of the
 * folds trained one after another.  The threads' memory comes from malloc
 * through a counting allocator capped like a training's palloc budget, and
 * is freed before any error is raised.
 */
#include "postgres.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "miscadmin.h"

#include "model_tune.h"

/* below this many training rows per fold, folds go on threads */
#define CV_THREAD_ROWS 32768

/* malloc with a shared byte count and cap (any thread) */
typedef struct Capped
{
	size_t		limit;			/* 0: none */
	size_t		cur;			/* atomic */
	size_t		peak;			/* atomic */
} Capped;

static void *
CappedAlloc(void *ctx, size_t size)
{
	Capped	   *c = (Capped *) ctx;
	size_t		total = size + MAXIMUM_ALIGNOF,
				now;
	char	   *p;

	if (size > SIZE_MAX - MAXIMUM_ALIGNOF)
		return NULL;
	now = __atomic_add_fetch(&c->cur, total, __ATOMIC_RELAXED);
	if (c->limit && now > c->limit)
	{
		__atomic_sub_fetch(&c->cur, total, __ATOMIC_RELAXED);
		return NULL;
	}
	p = malloc(total);
	if (p == NULL)
	{
		__atomic_sub_fetch(&c->cur, total, __ATOMIC_RELAXED);
		return NULL;
	}
	{
		size_t		old = __atomic_load_n(&c->peak, __ATOMIC_RELAXED);

		while (now > old &&
			   !__atomic_compare_exchange_n(&c->peak, &old, now, false,
											__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
	*(size_t *) p = total;
	return p + MAXIMUM_ALIGNOF;
}

static void
CappedFree(void *ctx, void *ptr)
{
	Capped	   *c = (Capped *) ctx;
	char	   *p;

	if (ptr == NULL)
		return;
	p = (char *) ptr - MAXIMUM_ALIGNOF;
	__atomic_sub_fetch(&c->cur, *(size_t *) p, __ATOMIC_RELAXED);
	free(p);
}

typedef struct FoldJob
{
	EnsTrainSet fts;			/* the fold's view of the rows */
	EnsData		d;
	EnsModel	m;
	void	   *params;			/* the fold's own copy */
	double	   *out;			/* test rows x outputs */
	EnsStatus	rc;
	size_t		peak;
	char		msg[256];
} FoldJob;

typedef struct Shared
{
	const EnsLearner *l;
	FoldJob    *jobs;
	int			k;
	uint32_t	kk;				/* outputs per row */
	EnsAlloc	al;
	uint32_t	next;			/* atomic: next fold to take */
	int			abort;			/* atomic: stop */
	int			running;		/* atomic: threads not finished */
} Shared;

static bool
AbortIntr(void *arg)
{
	return __atomic_load_n((int *) arg, __ATOMIC_RELAXED) != 0;
}

static void
RunFold(Shared *s, FoldJob *j)
{
	const EnsTrainSet *ts = &j->fts;
	uint32_t	r;

	j->rc = s->l->train_plain(&j->m, &j->d, j->params, &s->al, AbortIntr, &s->abort,
							  &j->peak, j->msg, sizeof(j->msg));
	if (j->rc == ENS_OK && ts->nte > 0)
	{
		j->out = s->al.alloc(s->al.ctx, sizeof(double) * ts->nte * s->kk);
		if (j->out == NULL)
			j->rc = ENS_ENOMEM;
		for (r = 0; j->rc == ENS_OK && r < ts->nte; r++)
		{
			if ((r & 1023) == 0 && AbortIntr(&s->abort))
				j->rc = ENS_EINTR;
			else
				ens_predict_binned(&j->m, ts->X + (size_t) ts->test_rows[r] * ts->p,
								   j->out + (size_t) r * s->kk);
		}
	}
	if (j->rc != ENS_OK)
		__atomic_store_n(&s->abort, 1, __ATOMIC_RELAXED);
}

static void
TakeFolds(Shared *s)
{
	for (;;)
	{
		uint32_t	f = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED);

		if (f >= (uint32_t) s->k || AbortIntr(&s->abort))
			break;
		RunFold(s, &s->jobs[f]);
	}
}

static void *
WorkerMain(void *arg)
{
	Shared	   *s = (Shared *) arg;

	TakeFolds(s);
	__atomic_sub_fetch(&s->running, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* n threads with every signal blocked (handlers run on the backend's thread) */
static int
StartThreads(Shared *s, pthread_t *th, int n)
{
	sigset_t	all,
				old;
	int			started = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	__atomic_store_n(&s->running, n, __ATOMIC_RELAXED);
	for (; started < n; started++)
		if (pthread_create(&th[started], NULL, WorkerMain, s) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	__atomic_sub_fetch(&s->running, n - started, __ATOMIC_RELAXED);
	return started;
}

bool
ens_cv_threads_apply(const EnsLearner *l, const EnsTrainSet *ts, const EnsFolds *fs)
{
	int			f;

	if (edupredict_forest_threads < 2 || fs->k < 2 || l->train_plain == NULL)
		return false;
	for (f = 0; f < fs->k; f++)
		if (fs->fold[f].nuse >= CV_THREAD_ROWS)
			return false;
	return true;
}

/*
 * Train and score every fold of fs with params, at most
 * edupredict.forest_threads at a time; false (nothing done) when the
 * learner needs its PostgreSQL path for these parameters or the folds side
 * by side ran out of memory.  values: k x nm
 * metrics; params_json: fold 0's parameters; *peak as ens_cv_score's.
 */
bool
ens_cv_threads_score(const EnsLearner *l, const void *params, const EnsTrainSet *ts,
					 const EnsFolds *fs, uint64_t seed, int nm, double *values,
					 StringInfo params_json, size_t *peak)
{
	Capped		cap = {0, 0, 0};
	Shared		s;
	FoldJob    *jobs = palloc0(sizeof(FoldJob) * fs->k);
	pthread_t  *th;
	int			nt = Min(edupredict_forest_threads, fs->k),
				f;
	volatile int started = 0;	/* read after an error is raised */
	bool		retry = false;

	for (f = 0; f < fs->k; f++)
	{
		FoldJob    *j = &jobs[f];
		const EnsFold *fo = &fs->fold[f];

		j->fts = *ts;
		j->fts.X = fo->X;
		j->fts.F = fo->F;
		j->fts.train_rows = fo->use_rows;
		j->fts.ntr = fo->nuse;
		j->fts.test_rows = fo->test_rows;
		j->fts.nte = fo->nte;
		ens_trainset_model(&j->fts, &j->m, l->tag);
		j->params = palloc(l->params_size);
		memcpy(j->params, params, l->params_size);
		if (!l->prepare_plain(j->params, &j->fts, &j->m, seed))
			return false;
		ens_trainset_data(&j->fts, &j->d, true);
	}
	if (ts->pa->limit)
		cap.limit = ts->pa->limit > ts->pa->cur ? ts->pa->limit - ts->pa->cur : 1;
	memset(&s, 0, sizeof(s));
	s.l = l;
	s.jobs = jobs;
	s.k = fs->k;
	s.kk = ts->task == ENS_CLASSIFICATION ? ts->K : 1;
	s.al.alloc = CappedAlloc;
	s.al.free = CappedFree;
	s.al.ctx = &cap;
	th = palloc(sizeof(pthread_t) * nt);

	PG_TRY();
	{
		struct timespec pause = {0, 500000};	/* 0.5 ms */

		started = StartThreads(&s, th, nt);
		if (started == 0)
			TakeFolds(&s);		/* no thread: one fold after another here */
		/* nothing may raise an error while threads run */
		/*
		 * Only what raises an error stops the folds: other interrupts (the
		 * messages of the parallel workers that read the rows, a cache
		 * catch-up, a barrier) wait for the join.
		 */
		while (__atomic_load_n(&s.running, __ATOMIC_ACQUIRE) > 0)
		{
			if (QueryCancelPending || ProcDiePending)
				__atomic_store_n(&s.abort, 1, __ATOMIC_RELAXED);
			nanosleep(&pause, NULL);
		}
		for (f = 0; f < started; f++)
			pthread_join(th[f], NULL);
		started = 0;
		CHECK_FOR_INTERRUPTS();
		/*
		 * Out of memory with folds side by side: one at a time (the caller's
		 * loop) may fit, and gives the same error if not.  Stopped for a
		 * cancel that raised nothing here (held off): the same.
		 */
		for (f = 0; f < fs->k; f++)
			retry = retry || jobs[f].rc == ENS_ENOMEM || jobs[f].rc == ENS_EINTR;
		/* the first failure in fold order */
		for (f = 0; !retry && f < fs->k; f++)
			if (jobs[f].rc != ENS_OK)
				break;
		if (!retry && f < fs->k)
		{
			if ((jobs[f].rc == ENS_EINVAL || jobs[f].rc == ENS_ELIMIT) && jobs[f].msg[0])
				ereport(ERROR,
						(errcode(jobs[f].rc == ENS_ELIMIT ? ERRCODE_PROGRAM_LIMIT_EXCEEDED :
								 ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s", jobs[f].msg)));
			ens_pg_check(jobs[f].rc, psprintf("%s training", l->algorithm), NULL);
		}
		for (f = 0; !retry && f < fs->k; f++)
		{
			ens_score_outputs(&jobs[f].fts, jobs[f].fts.test_rows, jobs[f].fts.nte,
							  jobs[f].out, &ts->pa->al, values + f * nm);
			*peak = Max(*peak, ts->pa->cur + jobs[f].peak);
		}
		*peak = Max(*peak, ts->pa->cur + cap.peak);
		if (params_json && !retry)
		{
			bool		first = true;

			appendStringInfoChar(params_json, '{');
			l->params_json(params_json, jobs[0].params, &jobs[0].m, &first);
			appendStringInfo(params_json, ", \"seed\": " INT64_FORMAT "}", (int64) seed);
		}
	}
	PG_FINALLY();
	{
		/* an error raised before the join (none is expected): stop, then join */
		if (started > 0)
		{
			__atomic_store_n(&s.abort, 1, __ATOMIC_RELAXED);
			for (f = 0; f < started; f++)
				pthread_join(th[f], NULL);
		}
		for (f = 0; f < fs->k; f++)
		{
			ens_model_free(&jobs[f].m, &s.al);
			if (jobs[f].out)
				s.al.free(s.al.ctx, jobs[f].out);
			jobs[f].out = NULL;
		}
	}
	PG_END_TRY();
	return !retry;
}
