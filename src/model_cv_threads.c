/*
 * model_cv_threads.c - folds trained side by side, one fold per thread,
 * when the rows are too few for a learner's own threads to pay (boosting
 * then trains on one thread: a 30-trial search on 3,500 rows kept one core
 * idle).
 *
 * A queue holds the folds of one or more parameter sets (a search's
 * trials), taken by the threads in order: the folds of the next trial start
 * while the last ones of this trial finish, so no thread waits at the end
 * of each trial (5 folds on 2 threads kept one idle for a fifth of the
 * time).  Each fold is the learner's PostgreSQL-free training (train_plain,
 * one thread) followed by the prediction of its test rows; the calling
 * thread waits for one parameter set at a time while polling for a cancel,
 * and scores its predictions.  A fold's model does not depend on the
 * threads, so the scores equal those of folds trained one after another.
 * The threads' memory comes from malloc through a counting allocator capped
 * like a training's palloc budget; the queue is stopped (threads joined,
 * memory freed) before any error is raised, and by the caller's cleanup
 * when an error comes from elsewhere.
 */
#include "postgres.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "miscadmin.h"
#include "portability/instr_time.h"

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
	int			done;			/* atomic: rc, m and out are final */
	EnsError	err;			/* why, for ENS_EINVAL / ENS_ELIMIT */
} FoldJob;

struct EnsCvQueue
{
	const EnsLearner *l;
	const EnsTrainSet *ts;
	FoldJob    *jobs;			/* n x k, parameter set major */
	int			n,
				k;
	uint32_t	kk;				/* outputs per row */
	uint64_t	seed;
	Capped		cap;
	EnsAlloc	al;
	uint32_t	next;			/* atomic: next job to take */
	int			abort;			/* atomic: stop */
	int			running;		/* atomic: threads not finished */
	pthread_t  *th;
	int			started;		/* threads to join */
	bool		stopped;
	instr_time	last;			/* when the previous set was scored */
};

static bool
AbortIntr(void *arg)
{
	return __atomic_load_n((int *) arg, __ATOMIC_RELAXED) != 0;
}

static void
RunFold(EnsCvQueue *q, FoldJob *j)
{
	const EnsTrainSet *ts = &j->fts;
	uint32_t	r;

	j->rc = q->l->train_plain(&j->m, &j->d, j->params, &q->al, AbortIntr, &q->abort,
							  &j->peak, &j->err);
	if (j->rc == ENS_OK && ts->nte > 0)
	{
		/* a boosted model scores its held-out rows through complete trees (same margins) */
		ens_dense_build(&j->m, &q->al);
		j->out = q->al.alloc(q->al.ctx, sizeof(double) * ts->nte * q->kk);
		if (j->out == NULL)
			j->rc = ENS_ENOMEM;
		for (r = 0; j->rc == ENS_OK && r < ts->nte; r++)
		{
			if ((r & 1023) == 0 && AbortIntr(&q->abort))
				j->rc = ENS_EINTR;
			else
				ens_predict_binned(&j->m, ts->X + (size_t) ts->test_rows[r] * ts->p,
								   j->out + (size_t) r * q->kk);
		}
	}
	if (j->rc != ENS_OK)
		__atomic_store_n(&q->abort, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
}

static void
TakeFolds(EnsCvQueue *q)
{
	for (;;)
	{
		uint32_t	f = __atomic_fetch_add(&q->next, 1, __ATOMIC_RELAXED);

		if (f >= (uint32_t) (q->n * q->k) || AbortIntr(&q->abort))
			break;
		RunFold(q, &q->jobs[f]);
	}
}

static void *
WorkerMain(void *arg)
{
	EnsCvQueue *q = (EnsCvQueue *) arg;

	TakeFolds(q);
	__atomic_sub_fetch(&q->running, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* n threads with every signal blocked (handlers run on the backend's thread) */
static int
StartThreads(EnsCvQueue *q, int n)
{
	sigset_t	all,
				old;
	int			started = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	__atomic_store_n(&q->running, n, __ATOMIC_RELAXED);
	for (; started < n; started++)
		if (pthread_create(&q->th[started], NULL, WorkerMain, q) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	__atomic_sub_fetch(&q->running, n - started, __ATOMIC_RELAXED);
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
 * Start training the folds of fs for each of the n parameter sets, at most
 * edupredict.forest_threads folds at a time; NULL (nothing started) when
 * the learner needs its PostgreSQL path for one of them.  The caller must
 * ens_cv_queue_stop() the queue, on errors too (PG_FINALLY).
 */
EnsCvQueue *
ens_cv_queue_start(const EnsLearner *l, const void *const *params, int n, const EnsTrainSet *ts,
				   const EnsFolds *fs, uint64_t seed)
{
	EnsCvQueue *q = palloc0(sizeof(EnsCvQueue));
	int			i,
				f,
				nt = Min(edupredict_forest_threads, n * fs->k);

	q->l = l;
	q->ts = ts;
	q->n = n;
	q->k = fs->k;
	q->kk = ts->task == ENS_CLASSIFICATION ? ts->K : 1;
	q->seed = seed;
	q->jobs = palloc0(sizeof(FoldJob) * n * fs->k);
	for (i = 0; i < n; i++)
		for (f = 0; f < fs->k; f++)
		{
			FoldJob    *j = &q->jobs[i * fs->k + f];
			const EnsFold *fo = &fs->fold[f];

			ens_fold_view(ts, fo, &j->fts);
			ens_trainset_model(&j->fts, &j->m, l->tag);
			j->params = palloc(l->params_size);
			memcpy(j->params, params[i], l->params_size);
			if (!l->prepare_plain(j->params, &j->fts, &j->m, seed))
				return NULL;
			ens_trainset_data(&j->fts, &j->d, true);
		}
	if (ts->pa->limit)
		q->cap.limit = ts->pa->limit > ts->pa->cur ? ts->pa->limit - ts->pa->cur : 1;
	q->al.alloc = CappedAlloc;
	q->al.free = CappedFree;
	q->al.ctx = &q->cap;
	q->th = palloc(sizeof(pthread_t) * nt);
	INSTR_TIME_SET_CURRENT(q->last);
	q->started = StartThreads(q, nt);
	if (q->started == 0)
		TakeFolds(q);			/* no thread: every fold here, now */
	return q;
}

/* Free parameter set i's models and predictions (any thread may have made them). */
static void
FreeSet(EnsCvQueue *q, int i)
{
	int			f;

	for (f = 0; f < q->k; f++)
	{
		FoldJob    *j = &q->jobs[i * q->k + f];

		ens_model_free(&j->m, &q->al);
		if (j->out)
			q->al.free(q->al.ctx, j->out);
		j->out = NULL;
	}
}

/* Stop the threads (abandoning what they have not done) and free everything; idempotent. */
void
ens_cv_queue_stop(EnsCvQueue *q)
{
	int			i;

	if (q == NULL || q->stopped)
		return;
	__atomic_store_n(&q->abort, 1, __ATOMIC_RELAXED);
	for (i = 0; i < q->started; i++)
		pthread_join(q->th[i], NULL);
	q->started = 0;
	for (i = 0; i < q->n; i++)
		FreeSet(q, i);
	q->stopped = true;
}

static bool
SetDone(const EnsCvQueue *q, int i)
{
	int			f;

	for (f = 0; f < q->k; f++)
		if (!__atomic_load_n(&q->jobs[i * q->k + f].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/*
 * Wait for parameter set i (sets are waited for in order) and score its
 * folds: values (k x nm metrics), params_json (fold 0's parameters),
 * fold_json (k: each fold's ens_cv_fold_json), *peak as ens_cv_score's,
 * *secs the time since the previous set was scored.
 * False when the queue had to stop (out of memory with folds side by side,
 * or stopped for a failure or a cancel that raised nothing here): the
 * caller trains set i, and any later one, one fold at a time, which gives
 * the same scores or the same error.
 */
bool
ens_cv_queue_result(EnsCvQueue *q, int i, int nm, double *values, StringInfo params_json,
					char **fold_json, size_t *peak, double *secs)
{
	const EnsTrainSet *ts = q->ts;
	/*
	 * 0.5 ms, doubled up to 8 ms while waiting: every wake takes a core
	 * from a fold, and the folds never wait for this thread (every set is
	 * queued at the start)
	 */
	struct timespec pause = {0, 500000};
	instr_time	now;
	int			f;

	if (q->stopped)
		return false;
	/*
	 * Only what raises an error stops the folds: other interrupts (the
	 * messages of the parallel workers that read the rows, a cache
	 * catch-up, a barrier) wait for the set.
	 */
	while (!SetDone(q, i) && __atomic_load_n(&q->running, __ATOMIC_ACQUIRE) > 0)
	{
		if (QueryCancelPending || ProcDiePending)
		{
			ens_cv_queue_stop(q);
			CHECK_FOR_INTERRUPTS();
			return false;
		}
		nanosleep(&pause, NULL);
		pause.tv_nsec = Min(2 * pause.tv_nsec, 8000000L);
	}
	for (f = 0; f < q->k; f++)
	{
		FoldJob    *j = &q->jobs[i * q->k + f];

		if (!__atomic_load_n(&j->done, __ATOMIC_ACQUIRE) ||
			j->rc == ENS_ENOMEM || j->rc == ENS_EINTR)
		{
			ens_cv_queue_stop(q);
			return false;
		}
	}
	/* the first failure in fold order */
	for (f = 0; f < q->k; f++)
	{
		FoldJob    *j = &q->jobs[i * q->k + f];

		if (j->rc == ENS_OK)
			continue;
		ens_cv_queue_stop(q);
		if (j->rc == ENS_EINVAL || j->rc == ENS_ELIMIT)
			ens_pg_raise_error(&j->err);
		ens_pg_check(j->rc, q->l->training, NULL);
	}
	for (f = 0; f < q->k; f++)
	{
		FoldJob    *j = &q->jobs[i * q->k + f];

		ens_score_outputs(&j->fts, j->fts.test_rows, j->fts.nte, j->out, &ts->pa->al,
						  values + f * nm);
		fold_json[f] = ens_cv_fold_json(q->l, j->params, &j->m);
		*peak = Max(*peak, ts->pa->cur + j->peak);
	}
	*peak = Max(*peak, ts->pa->cur + __atomic_load_n(&q->cap.peak, __ATOMIC_RELAXED));
	if (params_json)
	{
		bool		first = true;
		FoldJob    *j = &q->jobs[i * q->k];

		appendStringInfoChar(params_json, '{');
		q->l->params_json(params_json, j->params, &j->m, &first);
		appendStringInfo(params_json, ", \"seed\": " INT64_FORMAT "}", (int64) q->seed);
	}
	FreeSet(q, i);
	INSTR_TIME_SET_CURRENT(now);
	*secs = INSTR_TIME_GET_DOUBLE(now) - INSTR_TIME_GET_DOUBLE(q->last);
	q->last = now;
	return true;
}
