/*
 * ensemble_bin_row.c - binning one row for prediction (PG-free).
 *
 * A row's bins are what every tree compares, so each prediction first bins
 * its values: per numeric feature, the number of edges below the value.
 * One binary search at a time is a chain of dependent loads (about 15 ns a
 * value, a tenth of a boosted model's prediction).  A model read from
 * storage gets a table of every numeric feature's edges padded with +inf to
 * 255 entries (a boosted feature of 256 bins fills them), so every search
 * takes the same eight steps and all features advance together, a step at
 * a time; the bins are those of ens_bin_value.
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

#define TABLE_WIDTH 255			/* edges per feature, padded: 2^8 - 1 */
#define TABLE_MAX_FEATURES 256	/* 510 kB a model at most */

struct EnsBinTable
{
	double	   *edges;			/* n_features x TABLE_WIDTH */
	uint32_t   *cat;			/* categorical features, binned one by one */
	uint32_t	n_cat;
};

/* The padded edge table of a read model (m->bin_table), when it qualifies. */
void
ens_bin_table_build(EnsModel *m, const EnsAlloc *al)
{
	EnsBinTable *bt;
	uint32_t	p = m->n_features,
				f,
				j;
	size_t		bytes;
	char	   *mem;

	m->bin_table = NULL;
	if (p == 0 || p > TABLE_MAX_FEATURES)
		return;
	bytes = sizeof(EnsBinTable) + (size_t) p * TABLE_WIDTH * sizeof(double) +
		(size_t) p * sizeof(uint32_t);
	mem = al->alloc(al->ctx, bytes);
	if (mem == NULL)
		return;					/* ens_bin_value needs nothing more */
	bt = (EnsBinTable *) mem;
	bt->edges = (double *) (mem + sizeof(EnsBinTable));
	bt->cat = (uint32_t *) (bt->edges + (size_t) p * TABLE_WIDTH);
	bt->n_cat = 0;
	for (f = 0; f < p; f++)
	{
		const EnsFeature *F = &m->features[f];
		double	   *e = bt->edges + (size_t) f * TABLE_WIDTH;
		uint32_t	ne = 0;

		if (F->kind == ENS_NUMERIC)
		{
			ne = F->n_bins > 0 ? F->n_bins - 1 : 0;
			if (ne > TABLE_WIDTH)
			{
				al->free(al->ctx, mem);
				return;
			}
			if (ne > 0)			/* edges is NULL for a one-bin feature */
				memcpy(e, F->edges, ne * sizeof(double));
		}
		else
			bt->cat[bt->n_cat++] = f;
		/* +inf < v for no v: padding never counts */
		for (j = ne; j < TABLE_WIDTH; j++)
			e[j] = INFINITY;
	}
	m->bin_table = bt;
	m->mem_bytes += bytes;
}

void
ens_bin_table_free(EnsModel *m, const EnsAlloc *al)
{
	if (m->bin_table)
		al->free(al->ctx, m->bin_table);
	m->bin_table = NULL;
}

/*
 * Every feature's search advances one step at a time: the loads of a step
 * are independent, so their cache misses overlap (the trees walked between
 * two rows push the table out of the first-level cache).
 */
static void
BinRowTable(const EnsModel *m, const double *x, uint8_t *xb)
{
	const EnsBinTable *bt = m->bin_table;
	uint32_t	p = m->n_features,
				b[TABLE_MAX_FEATURES],
				h,
				f,
				i;

	for (f = 0; f < p; f++)
		b[f] = 0;
	for (h = (TABLE_WIDTH + 1) / 2; h > 0; h /= 2)
		for (f = 0; f < p; f++)
			b[f] += (uint32_t) (bt->edges[(size_t) f * TABLE_WIDTH + b[f] + h - 1] < x[f]) * h;
	for (f = 0; f < p; f++)
		xb[f] = isnan(x[f]) ? ENS_MISSING : (uint8_t) b[f];
	for (i = 0; i < bt->n_cat; i++)
		xb[bt->cat[i]] = ens_bin_value(&m->features[bt->cat[i]], x[bt->cat[i]]);
}

void
ens_bin_row(const EnsModel *m, const double *x, uint8_t *xb)
{
	uint32_t	f;

	if (m->bin_table)
	{
		BinRowTable(m, x, xb);
		return;
	}
	for (f = 0; f < m->n_features; f++)
		xb[f] = ens_bin_value(&m->features[f], x[f]);
}
