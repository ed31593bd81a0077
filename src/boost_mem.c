/*
 * boost_mem.c - the boosting engine's counted allocations (PG-free): every
 * buffer of a training comes from the caller's allocator through here, on
 * the calling thread, and counts towards peak_bytes.
 */
#include "boost_int.h"

#include <string.h>

void *
boost_alloc(Booster *b, size_t size)
{
	void	   *p = b->al->alloc(b->al->ctx, size ? size : 1);

	if (p != NULL)
	{
		b->cur_bytes += size;
		if (b->cur_bytes > b->peak_bytes)
			b->peak_bytes = b->cur_bytes;
	}
	return p;
}

void
boost_free(Booster *b, void *p, size_t size)
{
	if (p != NULL)
	{
		b->al->free(b->al->ctx, p);
		b->cur_bytes -= size;
	}
}

/* Grow *arr (elem bytes each, *cap elems) to hold need elems. */
bool
boost_reserve(Booster *b, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t	nc;
	void	   *na;

	if (need <= *cap)
		return true;
	nc = *cap ? *cap : 16;
	while (nc < need)
		nc = nc > UINT32_MAX / 2 ? need : nc * 2;
	na = boost_alloc(b, (size_t) nc * elem);
	if (na == NULL)
		return false;
	if (*arr)
	{
		memcpy(na, *arr, (size_t) (*cap) * elem);
		boost_free(b, *arr, (size_t) (*cap) * elem);
	}
	*arr = na;
	*cap = nc;
	return true;
}
