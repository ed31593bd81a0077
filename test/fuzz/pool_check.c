/*
 * pool_check.c - the thread pool (boosting, training-set preparation) under stress
 * (src/ensemble_pool.c), built and run by test/fuzz/run.sh.
 *
 * Many short jobs of varying sizes, some stopped by the interrupt callback,
 * one after another as a tree's growth posts them.  Every piece checks that
 * it belongs to the job in progress (its context is the caller's current
 * one, its number below that job's piece count) and runs at most once; when
 * a job returns, every piece it handed out has finished.  A worker that
 * took a piece of a job already over would run it with a context that is
 * gone (the caller's stack) or count it in the next job.
 *
 *   pool_check [threads] [jobs]     exit status 0: every check held
 */
#include "../../src/ensemble.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PIECES 64

typedef struct Job
{
	uint32_t	id,
				n;
	int			ran[MAX_PIECES];	/* atomic: runs of each piece */
	int			running;		/* atomic: pieces in progress */
} Job;

static uint32_t current;		/* atomic: id of the job in progress */
static int	bad;				/* atomic: failed checks */
static uint32_t stop_after;		/* interrupt once this many polls */
static uint32_t polls;

static void
Piece(void *ctx, int t, uint32_t c)
{
	Job		   *j = ctx;
	volatile uint32_t spin;

	(void) t;
	__atomic_fetch_add(&j->running, 1, __ATOMIC_SEQ_CST);
	if (j->id != __atomic_load_n(&current, __ATOMIC_SEQ_CST) || c >= j->n ||
		__atomic_fetch_add(&j->ran[c], 1, __ATOMIC_SEQ_CST) != 0)
		__atomic_fetch_add(&bad, 1, __ATOMIC_SEQ_CST);
	for (spin = 0; spin < (c * 7u) % 50u; spin++)
		;
	__atomic_fetch_sub(&j->running, 1, __ATOMIC_SEQ_CST);
}

static bool
Interrupt(void *arg)
{
	(void) arg;
	return stop_after > 0 && ++polls >= stop_after;
}

int
main(int argc, char **argv)
{
	int			threads = argc > 1 ? atoi(argv[1]) : 3;
	uint32_t	jobs = argc > 2 ? (uint32_t) strtoul(argv[2], NULL, 10) : 200000,
				i,
				stopped = 0;
	EnsPool  *pl = calloc(1, ens_pool_size());
	uint64_t	rng = 42;

	ens_pool_init(pl, threads);
	if (ens_pool_start(pl) < 2)
		return fprintf(stderr, "pool_check: no worker thread started\n"), 2;
	for (i = 1; i <= jobs && !bad; i++)
	{
		/* a fresh context each job, on the stack, as the engine's callers have */
		Job			j;
		EnsStatus	rc;

		memset(&j, 0, sizeof(j));
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		j.id = i;
		j.n = 2 + (uint32_t) (rng >> 33) % (MAX_PIECES - 1);
		polls = 0;
		stop_after = (rng >> 20) % 4 == 0 ? 1 + (uint32_t) (rng >> 40) % j.n : 0;
		__atomic_store_n(&current, i, __ATOMIC_SEQ_CST);
		rc = ens_pool_run(pl, Piece, &j, j.n, Interrupt, NULL);
		if (__atomic_load_n(&j.running, __ATOMIC_SEQ_CST) != 0)
			__atomic_fetch_add(&bad, 1, __ATOMIC_SEQ_CST);
		if (rc == ENS_EINTR)
			stopped++;
		else
		{
			uint32_t	c;

			for (c = 0; c < j.n; c++)
				if (__atomic_load_n(&j.ran[c], __ATOMIC_SEQ_CST) != 1)
					__atomic_fetch_add(&bad, 1, __ATOMIC_SEQ_CST);
		}
		/* the next job's pieces must not count this one's */
		__atomic_store_n(&current, 0, __ATOMIC_SEQ_CST);
	}
	ens_pool_stop(pl);
	free(pl);
	if (bad)
		return fprintf(stderr, "FAIL pool_check: %d checks failed by job %u of %u (%d threads)\n",
					   bad, i - 1, jobs, threads), 1;
	printf("pool_check: %u jobs on %d threads (%u interrupted): every piece ran once, in its own job\n",
		   jobs, threads, stopped);
	return 0;
}
