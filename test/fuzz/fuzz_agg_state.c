/*
 * fuzz_agg_state.c - libFuzzer driver for the partial state reader of the
 * model aggregates (src/ensemble_agg_state.c), the bytes forest_agg's and
 * boost_agg's deserial function reads and forest_agg_trees_combine reads
 * from any caller.
 *
 * Every input is read as model_agg.c reads it: the header, then the params
 * and labels, then (into columns allocated for exactly the n rows the
 * header claims, as the server allocates them) the rows.  ASan sees the
 * input in a buffer of its exact size, so reading one byte past it fails.
 * A state that reads must
 *   - end within the input, with every text target a label id,
 *   - write back to exactly the bytes it was read from (the serial
 *     function's writer, ens_agg_write_rows).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble_agg_state.h"

static void
Fail(const char *why)
{
	fprintf(stderr, "%s\n", why);
	abort();
}

/* the state at data, len */
static void
Exercise(const uint8_t *data, size_t len)
{
	EnsAggReader r;
	EnsAggRows	rows;
	size_t		n;
	uint32_t	f;
	uint64_t	i;

	ens_agg_reader_init(&r, data, len);
	if (ens_agg_read_header(&r, &rows) != ENS_OK)
		return;
	if (rows.p < 1 || rows.p > ENS_MAX_FEATURES || rows.n > ENS_AGG_MAX_ROWS ||
		(rows.p + (uint64_t) 1) * rows.n * sizeof(double) > len)
		Fail("a header with a shape the bytes cannot hold was accepted");
	rows.labels = rows.text_target ? ens_dict_create(&ens_malloc_allocator) : NULL;
	if (rows.text_target && rows.labels == NULL)
		abort();
	rows.cols = NULL;
	rows.y = NULL;
	if (ens_agg_read_labels(&r, &rows) == ENS_OK)
	{
		n = rows.n ? (size_t) rows.n : 1;
		rows.cols = malloc(sizeof(double *) * rows.p);
		for (f = 0; f < rows.p; f++)
			rows.cols[f] = malloc(sizeof(double) * n);
		rows.y = malloc(sizeof(double) * n);
		if (ens_agg_read_rows(&r, &rows) == ENS_OK)
		{
			uint64_t	size = ens_agg_write_size(&rows);
			uint8_t    *out;

			if (r.pos > len || size != r.pos)
				Fail("the state read does not measure the bytes it was read from");
			if (memchr(rows.params, '\0', rows.params_len) != NULL)
				Fail("params with a NUL byte were accepted");
			for (i = 0; i < rows.n && rows.text_target; i++)
				if (!(rows.y[i] >= 0 && rows.y[i] < ens_dict_size(rows.labels)))
					Fail("a text target that is no label id was accepted");
			out = malloc(size);
			ens_agg_write_rows(&rows, out);
			if (memcmp(out, data, size) != 0)
				Fail("the state read writes back to other bytes");
			free(out);
		}
		for (f = 0; f < rows.p; f++)
			free(rows.cols[f]);
		free(rows.cols);
		free(rows.y);
	}
	if (rows.labels)
		ens_dict_free(rows.labels);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Exercise(data, size);
	return 0;
}
