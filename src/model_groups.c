/*
 * model_groups.c - rows that stay together: the groups of a group_by column
 * (aux column 0 of a training set, one dictionary id per distinct value's
 * text), for cross_validate's group folds and for train_*'s group splits.
 *
 *   folds  (GroupKFold)  groups, the largest first, each to the fold with
 *                        the fewest rows so far; equal sizes in the order
 *                        of a seeded hash of the value.
 *   split  (GroupShuffleSplit by rows)  groups in the order of a seeded
 *                        hash of the value go to the held-out side while
 *                        it holds fewer than fraction x the rows: it ends
 *                        with at least that share, in whole groups.
 *
 * Groups are ordered by their values (and sizes), never by the ids their
 * rows' arrival order gave them, so neither depends on the order the rows
 * arrived in; rows are positions in the canonical order.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "model_train.h"

/* the hash keys: the folds' as cross_validate has always used it */
#define GROUP_FOLD_KEY	UINT64_C(0x67726F7570)	/* "group" */
#define GROUP_SPLIT_KEY UINT64_C(0x73706C6974)	/* "split" */

typedef struct GroupOrder
{
	uint64_t	rows;
	uint64_t	hash;
	uint32_t	id;
} GroupOrder;

/* the largest first, then by hash */
static int
CmpBySize(const void *a, const void *b)
{
	const GroupOrder *x = a,
			   *y = b;

	if (x->rows != y->rows)
		return x->rows > y->rows ? -1 : 1;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int
CmpByHash(const void *a, const void *b)
{
	const GroupOrder *x = a,
			   *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The row at position i of rows (NULL: every row). */
static inline uint32_t
RowAt(const uint32_t *rows, uint32_t i)
{
	return rows ? rows[i] : i;
}

/*
 * NULL in an aux column (NaN there); an order_by value may also be a NaN
 * itself.  Names the argument and the column, never a value.
 */
void
ens_aux_no_nulls(const EnsTrainSet *ts, const char *arg, const char *col, bool order)
{
	size_t		r;

	for (r = 0; r < ts->n; r++)
		if (isnan(ts->aux[0][r]))
		{
			if (order)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s column \"%s\" is NULL or NaN in some rows", arg, col),
						 errhint("Leave those rows out, or give them a value, in a view.")));
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s column \"%s\" is NULL in some rows", arg, col),
					 errhint("Leave those rows out, or give them a value, in a view.")));
		}
}

/*
 * The groups with rows among rows[0..n) (NULL: every row), their sizes and
 * seeded hashes, in order cmp; *ng gets their number.
 */
static GroupOrder *
Groups(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, uint64_t seed, uint64_t key,
	   int (*cmp) (const void *, const void *), uint32_t *ng)
{
	const EnsDict *d = ts->aux_dict[0];
	uint32_t	nd = ens_dict_size(d),
				g,
				i,
				m = 0;
	GroupOrder *go = palloc0(sizeof(GroupOrder) * Max(nd, 1));

	for (i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		go[(uint32_t) ts->aux[0][RowAt(rows, i)]].rows++;
	}
	for (g = 0; g < nd; g++)
	{
		uint32_t	len;
		const char *s;

		if (go[g].rows == 0)
			continue;
		s = ens_dict_get(d, g, &len, NULL);
		go[m].rows = go[g].rows;
		go[m].hash = ens_siphash(seed, key, s, len);
		go[m].id = g;
		m++;
	}
	qsort(go, m, sizeof(GroupOrder), cmp);
	*ng = m;
	return go;
}

/* Distinct groups among rows[0..n) (NULL: every row). */
uint32_t
ens_group_count(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n)
{
	uint32_t	ng;

	pfree(Groups(ts, rows, n, 0, 0, CmpByHash, &ng));
	return ng;
}

/*
 * fold_of[i] for the row at position i of rows (NULL: every row): k folds
 * of whole groups, as scikit-learn's GroupKFold deals them.  The caller has
 * checked that there are at least k groups.
 */
void
ens_group_folds(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, uint32_t k,
				uint64_t seed, uint32_t *fold_of)
{
	uint32_t	ng,
				g,
				f,
				i;
	GroupOrder *go = Groups(ts, rows, n, seed, GROUP_FOLD_KEY, CmpBySize, &ng);
	int32	   *fold_of_group = palloc(sizeof(int32) * Max(ens_dict_size(ts->aux_dict[0]), 1));
	uint64	   *load = palloc0(sizeof(uint64) * k);

	for (g = 0; g < ng; g++)
	{
		uint32_t	best = 0;

		for (f = 1; f < k; f++)
			if (load[f] < load[best])
				best = f;
		fold_of_group[go[g].id] = (int32) best;
		load[best] += go[g].rows;
	}
	for (i = 0; i < n; i++)
		fold_of[i] = (uint32_t) fold_of_group[(uint32_t) ts->aux[0][RowAt(rows, i)]];
	pfree(go);
	pfree(fold_of_group);
	pfree(load);
}

/*
 * fold_of for ts's training rows (k group folds): a fold's shared ones
 * (ts->group_folds, with its seed), else dealt now in the current context.
 */
const uint32_t *
ens_group_folds_of(const EnsTrainSet *ts, uint32_t k, uint64_t seed)
{
	EnsGroupFoldCache *c = ts->group_folds;
	bool		share = c != NULL && c->seed == seed && k <= ENS_MAX_CAL_FOLDS;
	size_t		size = sizeof(uint32_t) * Max(ts->ntr, 1);
	uint32_t   *fold_of;

	if (share && c->fold_of[k] != NULL)
		return c->fold_of[k];
	fold_of = share ? MemoryContextAllocExtended(GetMemoryChunkContext(c), size, MCXT_ALLOC_HUGE) :
		palloc_extended(size, MCXT_ALLOC_HUGE);
	ens_group_folds(ts, ts->train_rows, ts->ntr, k, seed, fold_of);
	if (share)
		c->fold_of[k] = fold_of;
	return fold_of;
}

/* The training rows changed (a halving rung): deal the folds again when asked. */
void
ens_group_folds_forget(EnsGroupFoldCache *c)
{
	uint32_t	k;

	for (k = 0; c != NULL && k <= ENS_MAX_CAL_FOLDS; k++)
		if (c->fold_of[k] != NULL)
		{
			pfree(c->fold_of[k]);
			c->fold_of[k] = NULL;
		}
}

/*
 * Split rows[0..n) (NULL: every row) into keep and held, whole groups, held
 * taking groups in a seeded order while it has fewer than fraction x n rows.
 * Both lists hold row indices in the order of rows, allocated with al (NULL
 * when empty is not possible: at least one slot each).  Returns the number
 * of groups held out; *ngroups gets the number of groups among the rows.
 */
uint32_t
ens_group_split(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, double fraction,
				uint64_t seed, const EnsAlloc *al, uint32_t **keep, uint32_t *nkeep,
				uint32_t **held, uint32_t *nheld, uint32_t *ngroups)
{
	uint32_t	ng,
				g,
				i,
				gheld = 0;
	GroupOrder *go = Groups(ts, rows, n, seed, GROUP_SPLIT_KEY, CmpByHash, &ng);
	bool	   *is_held = palloc0(sizeof(bool) * Max(ens_dict_size(ts->aux_dict[0]), 1));
	double		want = fraction * (double) n;
	uint64_t	taken = 0;
	uint32_t   *a = al->alloc(al->ctx, sizeof(uint32_t) * Max(n, 1)),
			   *b = al->alloc(al->ctx, sizeof(uint32_t) * Max(n, 1));

	if (a == NULL || b == NULL)
		ens_pg_check(ENS_ENOMEM, ENS_WHAT_GROUP_SPLIT, NULL);
	for (g = 0; g < ng && (double) taken < want; g++)
	{
		is_held[go[g].id] = true;
		taken += go[g].rows;
		gheld++;
	}
	*nkeep = *nheld = 0;
	for (i = 0; i < n; i++)
	{
		uint32_t	r = RowAt(rows, i);

		if (is_held[(uint32_t) ts->aux[0][r]])
			b[(*nheld)++] = r;
		else
			a[(*nkeep)++] = r;
	}
	*keep = a;
	*held = b;
	*ngroups = ng;
	pfree(go);
	pfree(is_held);
	return gheld;
}
