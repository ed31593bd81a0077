/*
 * trees_bytes.h - writing forest_agg_trees states ("EDPT",
 * src/ensemble_trees_state.h) part by part, for the fuzz harnesses: the
 * fuzz target writes back what the reader found (a state read whole must be
 * its own bytes again), and trees_seeds writes seed states.  The server
 * writes states in model_agg_trees.c (Image); these are the same bytes.
 */
#ifndef EDUPREDICT_TREES_BYTES_H
#define EDUPREDICT_TREES_BYTES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble_trees_state.h"

typedef struct Bytes
{
	uint8_t    *data;
	size_t		len;
	size_t		cap;
} Bytes;

static inline void
BytesPut(Bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap)
	{
		b->cap = (b->len + n) * 2 + 64;
		b->data = realloc(b->data, b->cap);
		if (b->data == NULL)
			abort();
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void
BytesU32(Bytes *b, uint32_t v)
{
	uint8_t		o[4] = {(uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v};

	BytesPut(b, o, 4);
}

static inline void
BytesU64(Bytes *b, uint64_t v)
{
	BytesU32(b, (uint32_t) (v >> 32));
	BytesU32(b, (uint32_t) v);
}

static inline void
TreesPutHead(Bytes *b, const EnsTreesHead *h)
{
	uint8_t		fixed[4] = {ENS_TREES_VERSION, h->text_target ? 1 : 0, (uint8_t) h->task, 0};

	BytesU32(b, ENS_TREES_MAGIC);
	BytesPut(b, fixed, 4);
	BytesU32(b, h->p);
	BytesU32(b, h->params_len);
	BytesPut(b, h->params, h->params_len);
}

static inline void
TreesPutForest(Bytes *b, const EnsTreesForest *f)
{
	BytesU32(b, f->len);
	BytesU32(b, f->packed);
	BytesPut(b, f->bytes, f->packed ? f->packed : f->len);
}

static inline void
TreesPutConst(Bytes *b, const EnsTreesConst *c)
{
	uint64_t	bits;

	memcpy(&bits, &c->value, sizeof(bits));
	BytesU64(b, c->rows);
	BytesU64(b, bits);
	BytesU32(b, c->label_len);
	BytesPut(b, c->label, c->label_len);
}

#endif							/* EDUPREDICT_TREES_BYTES_H */
