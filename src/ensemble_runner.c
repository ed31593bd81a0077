/*
 * ensemble_runner.c - running a job's pieces through a runner, or on the
 * calling thread when there is none (PG-free).
 *
 * The preparation of a training set (row hashes, bin edges, bins, the
 * canonical permutation) is split into pieces whose results do not depend
 * on which thread ran them, so one runner or none gives the same bytes.
 */
#include "ensemble.h"

int
ens_runner_threads(const EnsRunner *rn)
{
	/* thread numbers index per-thread scratch sized for the pool's most */
	return rn && rn->n_threads > 1 && rn->n_threads <= ENS_POOL_MAX_THREADS ?
		rn->n_threads : 1;
}

EnsStatus
ens_run_pieces(const EnsRunner *rn, EnsTaskFn fn, void *ctx, uint32_t n_pieces,
			   EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	c;

	if (ens_runner_threads(rn) > 1 && n_pieces > 1)
		return rn->run(rn->self, fn, ctx, n_pieces);
	for (c = 0; c < n_pieces; c++)
	{
		if (intr && intr(intr_arg))
			return ENS_EINTR;
		fn(ctx, 0, c);
	}
	return ENS_OK;
}
