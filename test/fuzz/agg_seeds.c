/*
 * agg_seeds.c - seed corpus for fuzz_agg_state: partial states of the model
 * aggregates written by the serial function's writer (ens_agg_write_rows)
 * from rows collected as forest_agg's transition function collects them
 * (a CSV's rows; a text target's labels numbered in order of appearance),
 * plus states of the shapes the CSVs do not have: one feature, the widest
 * rows, no rows, empty and longest labels, NaN and infinite values.  The
 * labels of each text-target seed are read again with every allocation
 * failing in turn (ReadLabelsFailing), and a dictionary is filled so
 * (DictAllOrNothing).
 *
 *   agg_seeds DIR CSV...     writes DIR/agg_*.bin
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble_agg_state.h"
#include "failing_alloc.h"

/*
 * The labels of a well-formed state read into a dictionary whose every
 * allocation fails in turn (that one alone, and it with every later one):
 * creating the dictionary gives NULL, reading the labels ENS_ENOMEM, never
 * the status of a damaged state (model_agg.c reports ENS_ENOMEM as out of
 * memory, the others as bad data); nothing leaks (LeakSanitizer).
 */
static void
ReadLabelsFailing(const char *name, const uint8_t *bytes, uint64_t size)
{
	int			on;

	for (on = 0; on < 2; on++)
		for (fail_at = 1;; fail_at++)
		{
			EnsAggReader r;
			EnsAggRows	rows;
			EnsStatus	rc;

			fail_on = on;
			n_alloc = 0;
			ens_agg_reader_init(&r, bytes, size);
			if (ens_agg_read_header(&r, &rows) != ENS_OK)
				abort();
			rows.labels = ens_dict_create(&failing_allocator);
			if (rows.labels == NULL)
				continue;
			rc = ens_agg_read_labels(&r, &rows, NULL, NULL);
			ens_dict_free(rows.labels);
			if (n_alloc < fail_at)
			{
				if (rc != ENS_OK)
					abort();
				break;			/* every allocation has failed once */
			}
			if (rc != ENS_ENOMEM)
			{
				fprintf(stderr, "agg_seeds: allocation %ld failing%s while reading the labels of %s gave status %d, not ENS_ENOMEM\n",
						fail_at, on ? " (and every later one)" : "", name, (int) rc);
				exit(1);
			}
		}
}

/*
 * ens_dict_add with every allocation failing in turn (that one alone, and it
 * with every later one) while 300 labels go in (its entries, arena and hash
 * table each grow): a failed add leaves the dictionary as it was, so the
 * same label added again gets the next number and a count of 1, and every
 * label keeps its number; nothing leaks (LeakSanitizer).
 */
static void
DictAllOrNothing(void)
{
	int			on;

	for (on = 0; on < 2; on++)
		for (fail_at = 1;; fail_at++)
		{
			EnsDict    *d;
			char		s[16];
			uint32_t	i;
			uint64_t	count;
			bool		failed = false;

			fail_on = on;
			n_alloc = 0;
			if ((d = ens_dict_create(&failing_allocator)) == NULL)
				continue;
			for (i = 0; i < 300 && !(failed && on); i++)
			{
				int			len = snprintf(s, sizeof(s), "label %u", i);

				if (ens_dict_add(d, s, (uint32_t) len) >= 0)
					continue;
				failed = true;
				if (ens_dict_size(d) != i ||
					(!on && (ens_dict_add(d, s, (uint32_t) len) != i ||
							 ens_dict_get(d, i, NULL, &count) == NULL || count != 1)))
				{
					fprintf(stderr, "agg_seeds: allocation %ld failing%s while adding label %u changed the dictionary\n",
							fail_at, on ? " (and every later one)" : "", i);
					exit(1);
				}
			}
			for (i = 0; i < ens_dict_size(d); i++)
			{
				int			len = snprintf(s, sizeof(s), "label %u", i);

				if (ens_dict_add(d, s, (uint32_t) len) != i)
				{
					fprintf(stderr, "agg_seeds: label %u lost its number after allocation %ld failed%s\n",
							i, fail_at, on ? " (and every later one)" : "");
					exit(1);
				}
			}
			ens_dict_free(d);
			if (n_alloc < fail_at)
				break;			/* every allocation has failed once */
		}
}

/* the reader takes what the writer wrote, to its last byte */
static void
ReadBack(const char *name, const uint8_t *bytes, uint64_t size, const EnsAggRows *w)
{
	EnsAggReader r;
	EnsAggRows	rows = *w;
	uint32_t	f;

	rows.labels = w->text_target ? ens_dict_create(&ens_malloc_allocator) : NULL;
	rows.cols = malloc(sizeof(double *) * w->p);
	for (f = 0; f < w->p; f++)
		rows.cols[f] = malloc(sizeof(double) * (w->n ? w->n : 1));
	rows.y = malloc(sizeof(double) * (w->n ? w->n : 1));
	rows.groups = w->grouped ? ens_dict_create(&ens_malloc_allocator) : NULL;
	rows.g = w->grouped ? malloc(sizeof(double) * (w->n ? w->n : 1)) : NULL;
	ens_agg_reader_init(&r, bytes, size);
	if (ens_agg_read_header(&r, &rows) != ENS_OK || ens_agg_read_labels(&r, &rows, NULL, NULL) != ENS_OK ||
		ens_agg_read_rows(&r, &rows, NULL, NULL) != ENS_OK || r.pos != size)
	{
		fprintf(stderr, "agg_seeds: the reader refuses the state %s\n", name);
		exit(1);
	}
	for (f = 0; f < w->p; f++)
		free(rows.cols[f]);
	free(rows.cols);
	free(rows.y);
	free(rows.g);
	if (rows.labels)
		ens_dict_free(rows.labels);
	if (rows.groups)
		ens_dict_free(rows.groups);
	if (w->text_target && !w->grouped)
		ReadLabelsFailing(name, bytes, size);
}

/* size bytes into dir/<file>.bin */
static void
WriteBytes(const char *dir, const char *file, const uint8_t *bytes, uint64_t size)
{
	char		path[4096];
	FILE	   *fp;

	snprintf(path, sizeof(path), "%s/%s.bin", dir, file);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(bytes, 1, size, fp) != size || fclose(fp) != 0)
	{
		perror(path);
		exit(1);
	}
}

static void
Write(const char *dir, const char *name, const EnsAggRows *rows)
{
	char		file[256];
	uint64_t	size = ens_agg_write_size(rows);
	uint8_t    *out = malloc(size);

	(void) ens_agg_write_rows(rows, out, NULL, NULL);
	ReadBack(name, out, size, rows);
	snprintf(file, sizeof(file), "agg_%s", name);
	WriteBytes(dir, file, out, size);
	free(out);
}

static EnsAggRows
NewRows(uint32_t p, uint64_t n, bool text_target, const char *params)
{
	EnsAggRows	rows;
	uint32_t	f;

	rows.p = p;
	rows.n = n;
	rows.text_target = text_target;
	rows.params = params;
	rows.params_len = (uint32_t) strlen(params);
	rows.labels = text_target ? ens_dict_create(&ens_malloc_allocator) : NULL;
	rows.grouped = false;
	rows.groups = NULL;
	rows.g = NULL;
	rows.cols = malloc(sizeof(double *) * p);
	for (f = 0; f < p; f++)
		rows.cols[f] = calloc(n ? n : 1, sizeof(double));
	rows.y = calloc(n ? n : 1, sizeof(double));
	return rows;
}

static void
FreeRows(EnsAggRows *rows)
{
	uint32_t	f;

	for (f = 0; f < rows->p; f++)
		free(rows->cols[f]);
	free(rows->cols);
	free(rows->y);
	free(rows->g);
	if (rows->labels)
		ens_dict_free(rows->labels);
	if (rows->groups)
		ens_dict_free(rows->groups);
}

/* the rows of a CSV (header line; the last column the target; empty: NaN), twice: float and text target */
static void
FromCsv(const char *dir, const char *csv, int k)
{
	FILE	   *fp = fopen(csv, "r");
	char		line[65536],
				name[64];
	uint32_t	p = 0,
				f;
	uint64_t	n = 0,
				cap = 0;
	EnsAggRows	num,
				txt;
	int			t;
	char	   *c;

	if (fp == NULL || fgets(line, sizeof(line), fp) == NULL)
	{
		perror(csv);
		exit(1);
	}
	for (c = line; *c; c++)
		p += *c == ',';
	/* at most 64 rows: seeds small enough to mutate */
	cap = 64;
	num = NewRows(p, cap, false, "{\"seed\": 7, \"task\": \"classification\"}");
	txt = NewRows(p, cap, true, "{\"n_trees\": 2}");
	while (n < cap && fgets(line, sizeof(line), fp) != NULL)
	{
		c = line;
		for (f = 0; f <= p; f++)
		{
			char	   *end = strpbrk(c, ",\n");
			size_t		len = end ? (size_t) (end - c) : strlen(c);
			double		v = len ? strtod(c, NULL) : NAN;

			if (f < p)
				num.cols[f][n] = txt.cols[f][n] = v;
			else
			{
				num.y[n] = v;
				txt.y[n] = (double) ens_dict_add(txt.labels, c, (uint32_t) len);
			}
			c += len + (end != NULL);
		}
		n++;
	}
	fclose(fp);
	num.n = txt.n = n;
	for (t = 0; t < 2; t++)
	{
		snprintf(name, sizeof(name), "csv%d_%s", k, t ? "text" : "float");
		Write(dir, name, t ? &txt : &num);
	}
	FreeRows(&num);
	FreeRows(&txt);
}

int
main(int argc, char **argv)
{
	EnsAggRows	rows;
	char	   *longest;
	int			i;

	if (argc < 2)
	{
		fprintf(stderr, "usage: agg_seeds DIR CSV...\n");
		return 2;
	}
	DictAllOrNothing();
	for (i = 2; i < argc; i++)
		FromCsv(argv[1], argv[i], i - 1);
	/* one feature, special values, params {} */
	rows = NewRows(1, 5, false, "{}");
	rows.cols[0][0] = NAN;
	rows.cols[0][1] = INFINITY;
	rows.cols[0][2] = -INFINITY;
	rows.cols[0][3] = -0.0;
	rows.cols[0][4] = 1e308;
	for (i = 0; i < 5; i++)
		rows.y[i] = i * 0.25 - 1;
	Write(argv[1], "one_feature", &rows);
	FreeRows(&rows);
	/* the widest rows */
	rows = NewRows(ENS_MAX_FEATURES, 2, true, "{\"max_depth\": 3}");
	for (i = 0; i < ENS_MAX_FEATURES; i++)
		rows.cols[i][1] = i;
	rows.y[0] = (double) ens_dict_add(rows.labels, "a", 1);
	rows.y[1] = (double) ens_dict_add(rows.labels, "b", 1);
	Write(argv[1], "widest", &rows);
	FreeRows(&rows);
	/* a group key per row (the 4-argument aggregates): two groups, a text target */
	rows = NewRows(2, 4, true, "{\"validation_fraction\": 0.25}");
	rows.grouped = true;
	rows.groups = ens_dict_create(&ens_malloc_allocator);
	rows.g = calloc(4, sizeof(double));
	for (i = 0; i < 4; i++)
	{
		rows.cols[0][i] = i;
		rows.cols[1][i] = -i;
		rows.y[i] = (double) ens_dict_add(rows.labels, i % 2 ? "a" : "b", 1);
		rows.g[i] = (double) ens_dict_add(rows.groups, i < 2 ? "school 1" : "school 2", 8);
	}
	Write(argv[1], "groups", &rows);
	FreeRows(&rows);
	/* no rows */
	rows = NewRows(3, 0, false, "{}");
	Write(argv[1], "no_rows", &rows);
	FreeRows(&rows);
	/* an empty label and the longest one */
	rows = NewRows(2, 3, true, "{\"n_trees\": 2}");
	longest = malloc(ENS_MAX_NAME);
	memset(longest, 'y', ENS_MAX_NAME);
	rows.y[0] = (double) ens_dict_add(rows.labels, "", 0);
	rows.y[1] = (double) ens_dict_add(rows.labels, longest, ENS_MAX_NAME);
	rows.y[2] = 0;
	Write(argv[1], "labels", &rows);
	free(longest);
	FreeRows(&rows);
	/* a leader's own state: its key only (not agg_*: no rows for trees_seeds) */
	WriteBytes(argv[1], "local_key", (const uint8_t *) "EDPL\x01\x23\x45\x67\x89\xab\xcd\xef", ENS_AGG_LOCAL_BYTES);
	return 0;
}
