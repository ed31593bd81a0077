/*
 * ensemble_pool.c - worker threads for jobs of independent pieces: the
 * boosting engine's and the preparation of training sets (PG-free).
 *
 * A job is a function and n_chunks independent pieces.  The calling thread
 * posts it and takes pieces itself; workers take pieces too, through one
 * 64-bit word holding (job generation << 32 | next piece) that is only
 * advanced by compare-and-swap, so a worker that wakes up late can never
 * take a piece of a later job.  The caller waits for the pieces taken, not
 * for the workers: on a busy machine a worker that is not scheduled simply
 * takes no piece.  The caller polls the interrupt callback between its
 * pieces; when it asks to stop, no piece is handed out any more and the job
 * ends once the pieces already taken are done.
 *
 * Idle workers spin briefly (jobs come in quick succession while a tree
 * grows) and then sleep on a condition variable.  Workers never allocate
 * and never call back into the host: signal handlers stay on the caller.
 */
#include "ensemble.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#define SPIN_ROUNDS 4000

struct EnsPool
{
	int			n_threads;		/* including the caller */
	int			n_started;		/* workers running */
	pthread_t	th[ENS_POOL_MAX_THREADS];
	struct WorkerArg
	{
		EnsPool  *pl;
		int			t;
	}			args[ENS_POOL_MAX_THREADS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool		sync_ok;		/* mu and cv initialised */

	/* the job: written by the caller before the word announces it */
	EnsTaskFn fn;
	void	   *ctx;
	uint32_t	n_chunks;
	uint32_t	gen;			/* caller only */
	uint64_t	word;			/* atomic: gen << 32 | next chunk */
	uint32_t	done;			/* atomic: chunks finished */
	int			sleeping;		/* atomic */
	int			quit;			/* atomic */
	uint8_t		used[ENS_POOL_MAX_THREADS];	/* thread t took a chunk */
};

static inline void
CpuRelax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

size_t
ens_pool_size(void)
{
	return sizeof(EnsPool);
}

void
ens_pool_init(EnsPool *pl, int n_threads)
{
	memset(pl, 0, sizeof(*pl));
	pl->n_threads = n_threads < 1 ? 1 : (n_threads > ENS_POOL_MAX_THREADS ? ENS_POOL_MAX_THREADS : n_threads);
}

bool
ens_pool_used(const EnsPool *pl, int t)
{
	return pl->used[t] != 0;
}

/*
 * Take and run pieces of job gen until none is left (or the job is over).
 * Returns the number of pieces run.
 */
static uint32_t
TakeChunks(EnsPool *pl, uint32_t gen, int t)
{
	uint32_t	ran = 0;

	for (;;)
	{
		uint64_t	w = __atomic_load_n(&pl->word, __ATOMIC_ACQUIRE);
		uint32_t	c = (uint32_t) w;

		if ((uint32_t) (w >> 32) != gen ||
			c >= __atomic_load_n(&pl->n_chunks, __ATOMIC_RELAXED))
			return ran;
		if (!__atomic_compare_exchange_n(&pl->word, &w, w + 1, false,
										 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		/* the job cannot end before this piece is done: fn, ctx are gen's */
		pl->used[t] = 1;
		pl->fn(pl->ctx, t, c);
		__atomic_fetch_add(&pl->done, 1, __ATOMIC_RELEASE);
		ran++;
	}
}

static void *
WorkerMain(void *arg)
{
	EnsPool  *pl = ((struct WorkerArg *) arg)->pl;
	int			t = ((struct WorkerArg *) arg)->t;
	uint32_t	last = 0;

	for (;;)
	{
		uint32_t	gen = last;
		int			i;

		for (i = 0; i < SPIN_ROUNDS; i++)
		{
			gen = (uint32_t) (__atomic_load_n(&pl->word, __ATOMIC_SEQ_CST) >> 32);
			if (gen != last || __atomic_load_n(&pl->quit, __ATOMIC_SEQ_CST))
				break;
			CpuRelax();
		}
		if (gen == last && !__atomic_load_n(&pl->quit, __ATOMIC_SEQ_CST))
		{
			pthread_mutex_lock(&pl->mu);
			__atomic_fetch_add(&pl->sleeping, 1, __ATOMIC_SEQ_CST);
			for (;;)
			{
				gen = (uint32_t) (__atomic_load_n(&pl->word, __ATOMIC_SEQ_CST) >> 32);
				if (gen != last || __atomic_load_n(&pl->quit, __ATOMIC_SEQ_CST))
					break;
				pthread_cond_wait(&pl->cv, &pl->mu);
			}
			__atomic_fetch_sub(&pl->sleeping, 1, __ATOMIC_SEQ_CST);
			pthread_mutex_unlock(&pl->mu);
		}
		if (__atomic_load_n(&pl->quit, __ATOMIC_SEQ_CST))
			return NULL;
		last = gen;
		TakeChunks(pl, gen, t);
	}
}

/*
 * Start the workers with every signal blocked, so that the host's signal
 * handlers only ever run on the calling thread.  Returns the threads now
 * available (1 if none could be started: the pool then runs inline).
 */
int
ens_pool_start(EnsPool *pl)
{
	sigset_t	all,
				old;
	int			t;

	if (pl->n_threads < 2)
		return 1;
	if (pthread_mutex_init(&pl->mu, NULL) != 0)
		return 1;
	if (pthread_cond_init(&pl->cv, NULL) != 0)
	{
		pthread_mutex_destroy(&pl->mu);
		return 1;
	}
	pl->sync_ok = true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (t = 1; t < pl->n_threads; t++)
	{
		pl->args[t].pl = pl;
		pl->args[t].t = t;
		if (pthread_create(&pl->th[t], NULL, WorkerMain, &pl->args[t]) != 0)
			break;
		pl->n_started = t;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return pl->n_started + 1;
}

void
ens_pool_stop(EnsPool *pl)
{
	int			t;

	if (pl->n_started > 0)
	{
		__atomic_store_n(&pl->quit, 1, __ATOMIC_SEQ_CST);
		pthread_mutex_lock(&pl->mu);
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		for (t = 1; t <= pl->n_started; t++)
			pthread_join(pl->th[t], NULL);
		pl->n_started = 0;
	}
	if (pl->sync_ok)
	{
		pthread_cond_destroy(&pl->cv);
		pthread_mutex_destroy(&pl->mu);
		pl->sync_ok = false;
	}
}

/* Run all pieces on the calling thread, polling intr between them. */
static EnsStatus
RunInline(EnsPool *pl, EnsTaskFn fn, void *ctx, uint32_t n_chunks,
		  EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	c;

	memset(pl->used, 0, sizeof(pl->used));
	pl->used[0] = 1;
	for (c = 0; c < n_chunks; c++)
	{
		if (c > 0 && intr && intr(intr_arg))
			return ENS_EINTR;
		fn(ctx, 0, c);
	}
	return ENS_OK;
}

EnsStatus
ens_pool_run(EnsPool *pl, EnsTaskFn fn, void *ctx, uint32_t n_chunks,
			   EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	gen,
				taken;
	bool		stop = false;

	if (n_chunks == 0)
		return ENS_OK;
	if (pl->n_started == 0 || n_chunks == 1)
		return RunInline(pl, fn, ctx, n_chunks, intr, intr_arg);

	/*
	 * Retire the last job's word first: a worker that read it (all pieces
	 * handed out) and then this job's larger piece count would otherwise
	 * take a piece of the old job by compare-and-swap and run it with the
	 * new fn and ctx, or the old ctx, and count it as done in this job.
	 */
	__atomic_store_n(&pl->word, ((uint64_t) pl->gen << 32) | UINT32_MAX, __ATOMIC_SEQ_CST);
	memset(pl->used, 0, sizeof(pl->used));
	pl->fn = fn;
	pl->ctx = ctx;
	__atomic_store_n(&pl->n_chunks, n_chunks, __ATOMIC_RELAXED);
	__atomic_store_n(&pl->done, 0, __ATOMIC_RELAXED);
	gen = ++pl->gen;
	__atomic_store_n(&pl->word, (uint64_t) gen << 32, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&pl->sleeping, __ATOMIC_SEQ_CST) > 0)
	{
		pthread_mutex_lock(&pl->mu);
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}

	/* take pieces one at a time, so the interrupt is polled between them */
	taken = n_chunks;
	for (;;)
	{
		uint64_t	w = __atomic_load_n(&pl->word, __ATOMIC_ACQUIRE);

		if ((uint32_t) w >= n_chunks)
			break;
		if (intr && intr(intr_arg))
		{
			/* close the job: nobody takes another piece */
			while ((uint32_t) w < n_chunks &&
				   !__atomic_compare_exchange_n(&pl->word, &w,
												((uint64_t) gen << 32) | n_chunks,
												false, __ATOMIC_ACQ_REL,
												__ATOMIC_ACQUIRE))
				;
			taken = (uint32_t) w < n_chunks ? (uint32_t) w : n_chunks;
			stop = true;
			break;
		}
		if (!__atomic_compare_exchange_n(&pl->word, &w, w + 1, false,
										 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		pl->used[0] = 1;
		fn(ctx, 0, (uint32_t) w);
		__atomic_fetch_add(&pl->done, 1, __ATOMIC_RELEASE);
	}
	/* wait for the pieces taken by workers */
	{
		int			spins = 0;

		while (__atomic_load_n(&pl->done, __ATOMIC_ACQUIRE) < taken)
		{
			if (++spins < SPIN_ROUNDS)
				CpuRelax();
			else
				sched_yield();
		}
	}
	return stop ? ENS_EINTR : ENS_OK;
}
