/*
 * trees_seeds.c - seed states of forest_agg_trees for fuzz_agg_state, of
 * the shapes the server writes but a single-node run of it rarely keeps:
 * a parallel worker's state (its rows, "EDPA", after an empty header), a
 * combined one (forests, constant parts and rows at once), forests stored
 * as they are (packed 0: pglz could not shrink them), the longest and an
 * empty class.  The forests are real models (make_seeds', engine_check's),
 * the rows real partial states (agg_seeds'); states the server flattened
 * are in test/fuzz/corpus_trees (trees_corpus.sh).  Each state written is
 * read back whole by the framing reader first.
 *
 *   trees_seeds DIR FILE...   FILE: a model, a state of rows (EDPA), or a
 *                             state the server flattened (EDPT: only read
 *                             back); writes DIR/trees_*.bin
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble_agg_state.h"
#include "trees_bytes.h"

typedef struct Input
{
	uint8_t    *data;
	size_t		len;
	EnsAggRows	rows;			/* a state of rows: its shape (params in data) */
} Input;

static uint8_t *
Slurp(const char *path, size_t *len)
{
	FILE	   *fp = fopen(path, "rb");
	uint8_t    *data;
	long		size;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
	{
		perror(path);
		exit(1);
	}
	data = malloc(size ? (size_t) size : 1);
	if (fread(data, 1, (size_t) size, fp) != (size_t) size)
	{
		perror(path);
		exit(1);
	}
	fclose(fp);
	*len = (size_t) size;
	return data;
}

/* whether the bytes are a state of rows; its shape in *rows */
static bool
IsRows(const uint8_t *data, size_t len, EnsAggRows *rows)
{
	EnsAggReader r;
	bool		ok;

	ens_agg_reader_init(&r, data, len);
	rows->labels = NULL;
	rows->groups = NULL;
	if (ens_agg_read_header(&r, rows) != ENS_OK || rows->n == 0)
		return false;
	/* the labels and group keys are not kept: dictionaries only to read past them */
	if (rows->text_target)
		rows->labels = ens_dict_create(&ens_malloc_allocator);
	if (rows->grouped)
		rows->groups = ens_dict_create(&ens_malloc_allocator);
	ok = ens_agg_read_labels(&r, rows, NULL, NULL) == ENS_OK;
	if (rows->labels)
		ens_dict_free(rows->labels);
	if (rows->groups)
		ens_dict_free(rows->groups);
	rows->labels = NULL;
	rows->groups = NULL;
	return ok;
}

/* The framing reader takes the state whole (the rows after it are agg_seeds's, read back there). */
static void
ReadBack(const char *name, const Bytes *b, size_t rows_bytes)
{
	EnsTreesReader r;
	EnsTreesHead h;
	EnsTreesForest f;
	EnsTreesConst c;
	uint32_t	n,
				i;
	bool		ok;

	ens_trees_reader_init(&r, b->data, b->len);
	ok = ens_trees_read_head(&r, &h) == ENS_TREES_OK && ens_trees_read_n_forests(&r, &n) == ENS_TREES_OK;
	for (i = 0; ok && i < n; i++)
		ok = ens_trees_read_forest(&r, &f) == ENS_TREES_OK;
	ok = ok && ens_trees_read_n_consts(&r, &n) == ENS_TREES_OK;
	for (i = 0; ok && i < n; i++)
		ok = ens_trees_read_const(&r, &c) == ENS_TREES_OK;
	if (!ok || ens_trees_rows_left(&r) != rows_bytes || ens_trees_read_end(&r, rows_bytes) != ENS_TREES_OK)
	{
		fprintf(stderr, "trees_seeds: the reader refuses the state %s\n", name);
		exit(1);
	}
}

static void
Write(const char *dir, const char *name, Bytes *b, size_t rows_bytes)
{
	char		path[4096];
	FILE	   *fp;

	ReadBack(name, b, rows_bytes);
	snprintf(path, sizeof(path), "%s/trees_%s.bin", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(b->data, 1, b->len, fp) != b->len || fclose(fp) != 0)
	{
		perror(path);
		exit(1);
	}
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* the header of a state of these rows */
static void
Head(Bytes *b, const EnsAggRows *rows)
{
	EnsTreesHead h;

	h.text_target = rows->text_target;
	h.task = rows->text_target ? ENS_CLASSIFICATION : ENS_REGRESSION;
	h.p = rows->p;
	h.params = rows->params;
	h.params_len = rows->params_len;
	TreesPutHead(b, &h);
}

int
main(int argc, char **argv)
{
	Input	   *in;
	Bytes		b = {NULL, 0, 0};
	EnsTreesForest f;
	EnsTreesConst c;
	char	   *longest;
	char		name[64];
	int			i,
				j,
				n_in = argc - 2,
				first_rows = -1;

	if (argc < 3)
	{
		fprintf(stderr, "usage: trees_seeds DIR FILE...\n");
		return 2;
	}
	in = calloc((size_t) n_in, sizeof(Input));
	for (i = 0; i < n_in; i++)
	{
		in[i].data = Slurp(argv[i + 2], &in[i].len);
		if (in[i].len >= 4 && memcmp(in[i].data, "EDPT", 4) == 0)
		{
			/* a state the server flattened: the reader takes it whole */
			Bytes		state = {in[i].data, in[i].len, in[i].len};

			ReadBack(argv[i + 2], &state, 0);
			in[i].rows.p = 0;
			in[i].len = 0;		/* not a forest either */
		}
		else if (!IsRows(in[i].data, in[i].len, &in[i].rows))
		{
			in[i].rows.p = 0;
			if (in[i].len >= 4 && memcmp(in[i].data, "EDPA", 4) == 0)
				in[i].len = 0;	/* no rows: neither rows nor a forest */
		}
		else if (first_rows < 0)
			first_rows = i;
	}
	if (first_rows < 0)
	{
		fprintf(stderr, "trees_seeds: no state of rows among the files\n");
		return 1;
	}
	longest = malloc(ENS_MAX_NAME);
	memset(longest, 'z', ENS_MAX_NAME);
	for (i = 0; i < n_in; i++)
	{
		if (in[i].rows.p > 0)
		{
			/* a parallel worker's state: its rows only */
			Head(&b, &in[i].rows);
			BytesU32(&b, 0);
			BytesU32(&b, 0);
			BytesPut(&b, in[i].data, in[i].len);
			snprintf(name, sizeof(name), "rows%d", i);
			Write(argv[1], name, &b, in[i].len);
			continue;
		}
		if (in[i].len == 0)
			continue;
		/* a combined state: the model twice as forests, two constant parts and rows */
		Head(&b, &in[first_rows].rows);
		BytesU32(&b, 2);
		f.len = (uint32_t) in[i].len;
		f.packed = 0;
		f.bytes = in[i].data;
		for (j = 0; j < 2; j++)
			TreesPutForest(&b, &f);
		BytesU32(&b, 2);
		c.rows = 1;
		c.value = 0;
		c.label = longest;
		c.label_len = ENS_MAX_NAME;
		TreesPutConst(&b, &c);
		c.rows = 40;
		c.value = 2.5;
		c.label = "";
		c.label_len = 0;
		TreesPutConst(&b, &c);
		BytesPut(&b, in[first_rows].data, in[first_rows].len);
		snprintf(name, sizeof(name), "combined%d", i);
		Write(argv[1], name, &b, in[first_rows].len);
	}
	free(longest);
	for (i = 0; i < n_in; i++)
		free(in[i].data);
	free(in);
	return 0;
}
