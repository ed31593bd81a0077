/*
 * fuzz_agg_state.c - libFuzzer driver for the partial state readers of the
 * model aggregates: src/ensemble_agg_state.c, the bytes forest_agg's and
 * boost_agg's deserial function reads (and the rows inside a
 * forest_agg_trees state), and src/ensemble_trees_state.c, the framing of
 * the forest_agg_trees state its combine and final functions read from any
 * caller.  Every input goes to both.
 *
 * A model aggregate's state ("EDPA") is read as model_agg.c reads it: the
 * header, then the params and labels, then (into columns allocated for
 * exactly the n rows the header claims, as the server allocates them) the
 * rows.  ASan sees the input in a buffer of its exact size, so reading one
 * byte past it fails.  A state that reads must
 *   - end within the input, with every text target a label id,
 *   - write back to exactly the bytes it was read from (the serial
 *     function's writer, ens_agg_write_rows).
 *
 * A forest_agg_trees state ("EDPT") is read as model_agg_trees.c reads it:
 * the header and params, each forest (its stored bytes copied out, as the
 * server copies or decompresses them), each constant part, then the rows
 * as above.  Every part must lie within the input and stay within the
 * format's limits, and a state read to its end must write back, part by
 * part, to exactly its bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble_agg_state.h"
#include "trees_bytes.h"

static void
Fail(const char *why)
{
	fprintf(stderr, "%s\n", why);
	abort();
}

/*
 * Whether the framing reader refused (why != ENS_TREES_OK); a refusal must
 * be one of the reader's reasons (not the server's own checks, which come
 * last in ENS_TREES_WHYS) with its message's text.
 */
static bool
Refused(EnsTreesWhy why)
{
	static const char prefix[] = "invalid forest_agg_trees state: ";

	if (why == ENS_TREES_OK)
		return false;
	if (why > ENS_TREES_TRAILING ||
		strncmp(ens_trees_why_text(why), prefix, sizeof(prefix) - 1) != 0)
		Fail("a refusal of the state is not one of the reader's reasons");
	return true;
}

/*
 * The model aggregate's state at data, len; whether it reads whole, then
 * with its shape in *shape (params pointing into data) and its bytes in *used.
 */
static bool
Exercise(const uint8_t *data, size_t len, EnsAggRows *shape, size_t *used)
{
	EnsAggReader r;
	EnsAggRows	rows;
	size_t		n;
	uint32_t	f;
	uint64_t	i;
	bool		whole = false;

	ens_agg_reader_init(&r, data, len);
	if (ens_agg_read_header(&r, &rows) != ENS_OK)
		return false;
	if (rows.p < 1 || rows.p > ENS_MAX_FEATURES || rows.n > ENS_AGG_MAX_ROWS ||
		(rows.p + (uint64_t) 1 + rows.grouped) * rows.n * sizeof(double) > len)
		Fail("a header with a shape the bytes cannot hold was accepted");
	rows.labels = rows.text_target ? ens_dict_create(&ens_malloc_allocator) : NULL;
	if (rows.text_target && rows.labels == NULL)
		abort();
	rows.groups = rows.grouped ? ens_dict_create(&ens_malloc_allocator) : NULL;
	if (rows.grouped && rows.groups == NULL)
		abort();
	rows.cols = NULL;
	rows.y = NULL;
	rows.g = NULL;
	if (ens_agg_read_labels(&r, &rows, NULL, NULL) == ENS_OK)
	{
		n = rows.n ? (size_t) rows.n : 1;
		rows.cols = malloc(sizeof(double *) * rows.p);
		for (f = 0; f < rows.p; f++)
			rows.cols[f] = malloc(sizeof(double) * n);
		rows.y = malloc(sizeof(double) * n);
		rows.g = rows.grouped ? malloc(sizeof(double) * n) : NULL;
		if (ens_agg_read_rows(&r, &rows, NULL, NULL) == ENS_OK)
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
			for (i = 0; i < rows.n && rows.grouped; i++)
				if (!(rows.g[i] >= 0 && rows.g[i] < ens_dict_size(rows.groups)))
					Fail("a group id that is no key's was accepted");
			out = malloc(size);
			if (ens_agg_write_rows(&rows, out, NULL, NULL) != ENS_OK)
				Fail("the writer failed without an interrupt callback");
			if (memcmp(out, data, size) != 0)
				Fail("the state read writes back to other bytes");
			free(out);
			*shape = rows;
			*used = r.pos;
			whole = true;
		}
		for (f = 0; f < rows.p; f++)
			free(rows.cols[f]);
		free(rows.cols);
		free(rows.y);
		free(rows.g);
	}
	if (rows.labels)
		ens_dict_free(rows.labels);
	if (rows.groups)
		ens_dict_free(rows.groups);
	return whole;
}

/* where Touch's copy escapes to, so that the compiler keeps the copying */
static void *volatile touched;

/* a part of the state, bytes long at part: copied out whole, as the server copies it */
static void
Touch(const uint8_t *data, size_t len, const void *part, size_t bytes)
{
	const uint8_t *b = part;
	uint8_t    *copy = malloc(bytes ? bytes : 1);

	memcpy(copy, b, bytes);
	touched = copy;
	free(copy);
	if (b < data || bytes > len || (size_t) (b - data) > len - bytes)
		Fail("a part of the state lies outside it");
}

/* the forest_agg_trees state at data, len */
static void
ExerciseTrees(const uint8_t *data, size_t len)
{
	EnsTreesReader r;
	EnsTreesHead h;
	Bytes		back = {NULL, 0, 0};
	uint32_t	n,
				i;
	size_t		used = 0;

	ens_trees_reader_init(&r, data, len);
	if (Refused(ens_trees_read_head(&r, &h)))
		goto done;
	if (h.p < 1 || h.p > ENS_MAX_FEATURES || (h.task != ENS_CLASSIFICATION && h.task != ENS_REGRESSION) ||
		(h.text_target && h.task != ENS_CLASSIFICATION))
		Fail("a header of a shape the server cannot hold was accepted");
	Touch(data, len, h.params, h.params_len);
	if (memchr(h.params, '\0', h.params_len) != NULL)
		Fail("params with a NUL byte were accepted");
	TreesPutHead(&back, &h);
	if (Refused(ens_trees_read_n_forests(&r, &n)))
		goto done;
	if (n > ENS_MAX_TREES)
		Fail("more forests than ENS_MAX_TREES were accepted");
	BytesU32(&back, n);
	for (i = 0; i < n; i++)
	{
		EnsTreesForest f;

		if (Refused(ens_trees_read_forest(&r, &f)))
			goto done;
		if (f.len < 1 || f.len > ENS_TREES_MAX_FOREST ||
			(f.packed > 0 && f.len > (uint64_t) f.packed * ENS_TREES_MAX_EXPANSION))
			Fail("a forest of a size the server cannot allocate was accepted");
		Touch(data, len, f.bytes, f.packed ? f.packed : f.len);
		TreesPutForest(&back, &f);
	}
	if (Refused(ens_trees_read_n_consts(&r, &n)))
		goto done;
	BytesU32(&back, n);
	for (i = 0; i < n; i++)
	{
		EnsTreesConst c;

		if (Refused(ens_trees_read_const(&r, &c)))
			goto done;
		if (c.rows < 1 || c.rows > ENS_MAX_ROWS || c.label_len > ENS_MAX_NAME)
			Fail("a constant part out of range was accepted");
		Touch(data, len, c.label, c.label_len);
		if (memchr(c.label, '\0', c.label_len) != NULL)
			Fail("a class with a NUL byte was accepted");
		TreesPutConst(&back, &c);
	}
	if (ens_trees_rows_left(&r) > 0)
	{
		EnsAggRows	rows;

		if (r.pos > len)
			Fail("the parts of the state run past its end");
		if (!Exercise(data + r.pos, len - r.pos, &rows, &used))
			goto done;
		if (Refused(ens_trees_rows_fit(&h, rows.p, rows.text_target, rows.params, rows.params_len, rows.n)))
			goto done;
		BytesPut(&back, data + r.pos, used);
	}
	if (Refused(ens_trees_read_end(&r, used)))
		goto done;
	if (r.pos != len || back.len != len || memcmp(back.data, data, len) != 0)
		Fail("the state read writes back to other bytes");
done:
	free(back.data);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EnsAggRows	shape;
	size_t		used;

	uint64_t	key;

	(void) Exercise(data, size, &shape, &used);
	ExerciseTrees(data, size);
	/* a leader's own state: exactly "EDPL" and the eight bytes of its key */
	if (ens_agg_local_key(data, size, &key) &&
		(size != ENS_AGG_LOCAL_BYTES || memcmp(data, "EDPL", 4) != 0 ||
		 ((uint64_t) data[4] << 56 | (uint64_t) data[11]) != (key & 0xFF000000000000FFULL)))
		Fail("bytes that are not a leader's key were read as one");
	return 0;
}
