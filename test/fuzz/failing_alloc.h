/*
 * failing_alloc.h - an allocator for the PostgreSQL-free harnesses that
 * fails its fail_at-th call (and, with fail_on, every later one), to run
 * out of memory at each allocation in turn; n_alloc counts the calls.
 * Included by one file of a harness.
 */
#ifndef EDUPREDICT_FAILING_ALLOC_H
#define EDUPREDICT_FAILING_ALLOC_H

#include <stdbool.h>
#include <stdlib.h>

#include "../../src/ensemble.h"

static long n_alloc,
			fail_at;
static bool fail_on;

static void *
FailingAlloc(void *ctx, size_t size)
{
	(void) ctx;
	if (++n_alloc == fail_at || (fail_on && fail_at && n_alloc > fail_at))
		return NULL;
	return malloc(size);
}

static void
FailingFree(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

static const EnsAlloc failing_allocator = {FailingAlloc, FailingFree, NULL};

#endif							/* EDUPREDICT_FAILING_ALLOC_H */
