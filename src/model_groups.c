/*
 * model_groups.c - rows that stay together: the groups of a group_by column
 * (aux column 0 of a training set, one dictionary id per distinct value's
 * text), for cross_validate's group folds and for train_*'s group splits.
 *
 *   folds  (GroupKFold)  groups, the largest first, each to the fold with
 *                        the fewest rows so far; equal sizes in the order
 *                        of a seeded hash of the value.
 *   stratified folds  (StratifiedGroupKFold, classification)  groups in the
 *                        same order, each to the fold whose class counts it
 *                        brings closest to an equal share of every class:
 *                        the least change in the L1 distance
 *                        sum_c |fold's rows of class c - rows of c / k|,
 *                        ties to the fold with the fewest rows, then the
 *                        first.  A fold without rows is always among the
 *                        closest, so with k groups or more none stays empty.
 *   split  (GroupShuffleSplit by rows)  groups in the order of a seeded
 *                        hash of the value go to the held-out side while
 *                        it holds fewer than fraction x the rows: it ends
 *                        with at least that share, in whole groups.
 *   stratified split  (classification: train_*'s test rows, boosting's
 *                        validation rows)  the held side aims at fraction x
 *                        each class's rows.  Groups in the seeded order join
 *                        it when they bring its class counts closer to that
 *                        aim (the L1 distance above falls; equal, while it
 *                        is short of fraction x the rows), never taking the
 *                        last rows; then, while it is short, the others
 *                        join in the order of that change per row they
 *                        bring (least first, equal ones in the seeded
 *                        order); last, held groups, the last in the seeded
 *                        order first, leave it when it keeps that share
 *                        without them and comes closer to the aim.  So the
 *                        held side still ends with at least that share in
 *                        whole groups, and its class mix tracks the rows';
 *                        when no group brings it closer (each class all the
 *                        rows of one group) the groups join in the seeded
 *                        order as in the split above, and surplus ones may
 *                        leave.  Should it take every group, the split
 *                        above is used (and refused as before if it does
 *                        too).
 *
 * A forest's calibration folds of a classification's training rows are
 * the stratified folds wherever they are dealt: train_*(group_by), the
 * aggregates' group key, and each fold of cross_validate / tune under
 * either group split, so a trial's calibrator is fitted as the refit's is.
 *
 * Groups are ordered by their values (and sizes), never by the ids their
 * rows' arrival order gave them, so none of these depends on the order the
 * rows arrived in; rows are positions in the canonical order.  Regression
 * splits and folds are never stratified here.
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
 * The classes of each group's rows (classification): the group at place j
 * of an order holds cls[start[j] .. start[j + 1]), in the order of rows.
 */
typedef struct GroupClasses
{
	uint32_t   *start;
	uint32_t   *cls;
	uint32_t   *cnt;			/* per class, zero between uses */
} GroupClasses;

static void
GroupClassesInit(GroupClasses *gc, const EnsTrainSet *ts, const uint32_t *rows, uint32_t n,
				 const GroupOrder *go, uint32_t ng)
{
	uint32_t   *place = palloc(sizeof(uint32_t) * Max(ens_dict_size(ts->aux_dict[0]), 1)),
			   *next = palloc(sizeof(uint32_t) * Max(ng, 1)),
				i,
				j;

	gc->start = palloc(sizeof(uint32_t) * (ng + 1));
	gc->cls = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
	gc->cnt = palloc0(sizeof(uint32_t) * ts->K);
	gc->start[0] = 0;
	for (j = 0; j < ng; j++)
	{
		place[go[j].id] = j;
		next[j] = gc->start[j];
		gc->start[j + 1] = gc->start[j] + (uint32_t) go[j].rows;
	}
	for (i = 0; i < n; i++)
	{
		uint32_t	r = RowAt(rows, i);

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		gc->cls[next[place[(uint32_t) ts->aux[0][r]]]++] = ts->ycls[r];
	}
	pfree(place);
	pfree(next);
}

static void
GroupClassesFree(GroupClasses *gc)
{
	pfree(gc->start);
	pfree(gc->cls);
	pfree(gc->cnt);
}

/*
 * The change in sum_c |have[c] - aim[c]| (class counts) when the group at
 * place j joins have (sign 1) or leaves it (-1): negative, closer to the aim.
 */
static double
GroupDelta(GroupClasses *gc, uint32_t j, const double *have, const double *aim, double sign)
{
	uint32_t	i;
	double		d = 0;

	for (i = gc->start[j]; i < gc->start[j + 1]; i++)
		gc->cnt[gc->cls[i]]++;
	for (i = gc->start[j]; i < gc->start[j + 1]; i++)
	{
		uint32_t	c = gc->cls[i];

		if (gc->cnt[c] == 0)
			continue;
		d += fabs(have[c] + sign * gc->cnt[c] - aim[c]) - fabs(have[c] - aim[c]);
		gc->cnt[c] = 0;
	}
	return d;
}

static void
GroupJoin(const GroupClasses *gc, uint32_t j, double *have, double sign)
{
	uint32_t	i;

	for (i = gc->start[j]; i < gc->start[j + 1]; i++)
		have[gc->cls[i]] += sign;
}

/* aim[c]: share x the rows of class c among rows[0..n) */
static double *
ClassAim(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, double share)
{
	double	   *aim = palloc0(sizeof(double) * ts->K);
	uint32_t	i,
				c;

	for (i = 0; i < n; i++)
		aim[ts->ycls[RowAt(rows, i)]] += 1;
	for (c = 0; c < ts->K; c++)
		aim[c] *= share;
	return aim;
}

/* rows of the groups dealt to folds, by their group's fold */
static void
DealRows(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, const int32 *fold_of_group,
		 uint32_t *fold_of)
{
	uint32_t	i;

	for (i = 0; i < n; i++)
		fold_of[i] = (uint32_t) fold_of_group[(uint32_t) ts->aux[0][RowAt(rows, i)]];
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
				f;
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
	DealRows(ts, rows, n, fold_of_group, fold_of);
	pfree(go);
	pfree(fold_of_group);
	pfree(load);
}

/*
 * The same for a classification, as StratifiedGroupKFold: each group to the
 * fold it brings closest to rows of each class / k (the header).
 */
void
ens_stratified_group_folds(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, uint32_t k,
						   uint64_t seed, uint32_t *fold_of)
{
	uint32_t	ng,
				g,
				f,
				K = ts->K;
	GroupOrder *go = Groups(ts, rows, n, seed, GROUP_FOLD_KEY, CmpBySize, &ng);
	int32	   *fold_of_group = palloc(sizeof(int32) * Max(ens_dict_size(ts->aux_dict[0]), 1));
	uint64	   *load = palloc0(sizeof(uint64) * k);
	double	   *aim = ClassAim(ts, rows, n, 1.0 / k),
			   *have = palloc0(sizeof(double) * K * k);
	GroupClasses gc;

	GroupClassesInit(&gc, ts, rows, n, go, ng);
	for (g = 0; g < ng; g++)
	{
		uint32_t	best = 0;
		double		best_d = 0;

		CHECK_FOR_INTERRUPTS();
		for (f = 0; f < k; f++)
		{
			double		d = GroupDelta(&gc, g, have + (size_t) f * K, aim, 1);

			if (f == 0 || d < best_d || (d == best_d && load[f] < load[best]))
			{
				best = f;
				best_d = d;
			}
		}
		fold_of_group[go[g].id] = (int32) best;
		load[best] += go[g].rows;
		GroupJoin(&gc, g, have + (size_t) best * K, 1);
	}
	DealRows(ts, rows, n, fold_of_group, fold_of);
	GroupClassesFree(&gc);
	pfree(go);
	pfree(fold_of_group);
	pfree(load);
	pfree(aim);
	pfree(have);
}

/*
 * fold_of for ts's training rows (k group folds, a forest's calibration
 * folds): a fold's shared ones (ts->group_folds, with its seed), else dealt
 * now in the current context.  A classification's are stratified, as its
 * test rows are, whichever group split dealt the folds they sit in (the
 * refit's, with no fold, must be train_*(group_by)'s).
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
	if (ts->task == ENS_CLASSIFICATION)
		ens_stratified_group_folds(ts, ts->train_rows, ts->ntr, k, seed, fold_of);
	else
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

/* a group to fill the held side with: the change it brings per row, quantised */
typedef struct FillOrder
{
	int64		per_row;
	uint32_t	j;
} FillOrder;

static int
CmpFill(const void *a, const void *b)
{
	const FillOrder *x = a,
			   *y = b;

	if (x->per_row != y->per_row)
		return x->per_row < y->per_row ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

/*
 * The stratified split (the header): is_held for the groups of go (in the
 * seeded order) that the held side takes; returns its rows.
 */
static uint64_t
StratifiedHeld(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, double fraction,
			   const GroupOrder *go, uint32_t ng, bool *is_held)
{
	double		want = fraction * (double) n,
			   *aim = ClassAim(ts, rows, n, fraction),
			   *have = palloc0(sizeof(double) * ts->K);
	uint64_t	taken = 0;
	uint32_t	j,
				m = 0;
	FillOrder  *fill = palloc(sizeof(FillOrder) * Max(ng, 1));
	GroupClasses gc;

	GroupClassesInit(&gc, ts, rows, n, go, ng);
	for (j = 0; j < ng; j++)
	{
		double		d;

		CHECK_FOR_INTERRUPTS();
		if (taken + go[j].rows >= n)
			continue;			/* never the last rows here */
		d = GroupDelta(&gc, j, have, aim, 1);
		if (d < 0 || (d == 0 && (double) taken < want))
		{
			is_held[go[j].id] = true;
			taken += go[j].rows;
			GroupJoin(&gc, j, have, 1);
		}
	}
	for (j = 0; j < ng && (double) taken < want; j++)
		if (!is_held[go[j].id])
		{
			fill[m].per_row = (int64) llround(GroupDelta(&gc, j, have, aim, 1) / (double) go[j].rows * 1e9);
			fill[m].j = j;
			m++;
		}
	qsort(fill, m, sizeof(FillOrder), CmpFill);
	for (j = 0; j < m && (double) taken < want; j++)
	{
		is_held[go[fill[j].j].id] = true;
		taken += go[fill[j].j].rows;
		GroupJoin(&gc, fill[j].j, have, 1);
	}
	/* then groups leave it, the last in the order first, if it stays long enough and comes closer */
	for (j = ng; j-- > 0;)
		if (is_held[go[j].id] && (double) (taken - go[j].rows) >= want &&
			GroupDelta(&gc, j, have, aim, -1) < 0)
		{
			is_held[go[j].id] = false;
			taken -= go[j].rows;
			GroupJoin(&gc, j, have, -1);
		}
	GroupClassesFree(&gc);
	pfree(aim);
	pfree(have);
	pfree(fill);
	return taken;
}

/*
 * Split rows[0..n) (NULL: every row) into keep and held, whole groups, held
 * taking at least fraction x n rows: stratified for a classification, else
 * groups in a seeded order (the header).  Both lists hold row indices in the
 * order of rows, allocated with al (NULL when empty is not possible: at
 * least one slot each).  Returns the number of groups held out; *ngroups
 * gets the number of groups among the rows.
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
	uint32_t	nd = Max(ens_dict_size(ts->aux_dict[0]), 1);
	bool	   *is_held = palloc0(sizeof(bool) * nd);
	double		want = fraction * (double) n;
	uint64_t	taken = 0;
	uint32_t   *a = al->alloc(al->ctx, sizeof(uint32_t) * Max(n, 1)),
			   *b = al->alloc(al->ctx, sizeof(uint32_t) * Max(n, 1));

	if (a == NULL || b == NULL)
		ens_pg_check(ENS_ENOMEM, ENS_WHAT_GROUP_SPLIT, NULL);
	if (ts->task == ENS_CLASSIFICATION && ts->ycls != NULL && ng >= 2)
		taken = StratifiedHeld(ts, rows, n, fraction, go, ng, is_held);
	if (taken == 0 || taken >= n)
	{
		memset(is_held, 0, sizeof(bool) * nd);
		taken = 0;
		for (g = 0; g < ng && (double) taken < want; g++)
		{
			is_held[go[g].id] = true;
			taken += go[g].rows;
		}
	}
	for (g = 0; g < ng; g++)
		gheld += is_held[go[g].id];
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
