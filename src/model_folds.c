/*
 * model_folds.c - cross-validation folds over a training set read once.
 *
 *   stratified  classification: each class's rows shuffled and dealt to the
 *               folds in turn (one running count over the classes, so folds
 *               differ by at most one row, and by at most one row of each
 *               class); regression: rows sorted by the target and each run
 *               of k rows dealt to the k folds in a random order.
 *   random      every row shuffled and dealt in turn.
 *   group       no value of group_by on both sides of a fold: groups, the
 *               largest first, each to the fold with the fewest rows so far
 *               (as scikit-learn's GroupKFold; equal sizes ordered by a
 *               seeded hash of the value, so the seed matters there).
 *   stratified_group  classification: whole groups as group does, each to
 *               the fold whose class counts it brings closest to an equal
 *               share of every class (scikit-learn's StratifiedGroupKFold;
 *               model_groups.c); regression is refused.
 *   time        expanding windows over the distinct values of order_by
 *               (scikit-learn's TimeSeriesSplit over values, not rows): the
 *               values split into k + 1 blocks, fold i tests block i + 1
 *               and trains on the values before it, minus `gap` values.
 *               The values arrive as their dense ranks in the column's own
 *               type (model_relation.c), exact where a float8 is not.
 *
 * Rows are identified by their place in the canonical order, and groups and
 * times by their values, so the folds do not depend on the order the rows
 * arrived in.  Each fold then gets codebooks and bin edges from its own
 * training rows (ens_trainset_bin_rows): held-out values never shape the
 * bins a fold's models see.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"

#include "model_tune.h"

static char *
TextArg(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* folds, split, group_by, order_by, gap, seed: SQL arguments argno.. */
void
ens_fold_spec_args(EnsFoldSpec *spec, FunctionCallInfo fcinfo, int argno)
{
	static const char *const splits[] = {"stratified", "random", "group", "time", "stratified_group"};
	char	   *split = TextArg(fcinfo, argno + 1);
	int			i;

	memset(spec, 0, sizeof(*spec));
	spec->k = PG_ARGISNULL(argno) ? 5 : PG_GETARG_INT32(argno);
	if (spec->k < 2 || spec->k > ENS_MAX_FOLDS)
		ENS_BAD_ARG(errmsg("folds must be between 2 and %d", ENS_MAX_FOLDS));
	spec->split = -1;
	for (i = 0; i < (int) lengthof(splits); i++)
		if (split == NULL ? i == 0 : strcmp(split, splits[i]) == 0)
			spec->split = i;
	if (spec->split < 0)
		ENS_BAD_ARG(errmsg("split must be 'stratified', 'random', 'group', 'stratified_group' or 'time'"));
	spec->group_by = TextArg(fcinfo, argno + 2);
	spec->order_by = TextArg(fcinfo, argno + 3);
	spec->gap = PG_ARGISNULL(argno + 4) ? 0 : PG_GETARG_INT32(argno + 4);
	spec->seed = PG_ARGISNULL(argno + 5) ? 42 : PG_GETARG_INT64(argno + 5);
	if (spec->split == ENS_SPLIT_GROUP && spec->group_by == NULL)
		ENS_BAD_ARG(errmsg("split => 'group' needs group_by"),
					errhint("Name the column whose values must stay together, e.g. a school."));
	if (spec->split == ENS_SPLIT_STRATIFIED_GROUP && spec->group_by == NULL)
		ENS_BAD_ARG(errmsg("split => 'stratified_group' needs group_by"),
					errhint("Name the column whose values must stay together, e.g. a school."));
	if (!ENS_SPLIT_BY_GROUPS(spec->split) && spec->group_by != NULL)
		ENS_BAD_ARG(errmsg("group_by is used only with split => 'group' or 'stratified_group'"));
	if (spec->split == ENS_SPLIT_TIME && spec->order_by == NULL)
		ENS_BAD_ARG(errmsg("split => 'time' needs order_by"),
					errhint("Name a date, year or school_term column."));
	if (spec->split != ENS_SPLIT_TIME && spec->order_by != NULL)
		ENS_BAD_ARG(errmsg("order_by is used only with split => 'time'"));
	if (spec->gap < 0 || spec->gap > 1000000)
		ENS_BAD_ARG(errmsg("gap must be between 0 and 1000000"));
	if (spec->gap > 0 && spec->split != ENS_SPLIT_TIME)
		ENS_BAD_ARG(errmsg("gap is used only with split => 'time'"));
}

/* The column a split reads beside the features, if any. */
void
ens_fold_spec_input(const EnsFoldSpec *spec, EnsTrainInput *in)
{
	in->naux = 0;
	if (ENS_SPLIT_BY_GROUPS(spec->split))
	{
		in->aux_arg[0] = "group_by";
		in->aux_name[0] = spec->group_by;
		in->aux_kind[0] = ENS_AUX_GROUP;
		in->naux = 1;
	}
	else if (spec->split == ENS_SPLIT_TIME)
	{
		in->aux_arg[0] = "order_by";
		in->aux_name[0] = spec->order_by;
		in->aux_kind[0] = ENS_AUX_ORDER;
		in->naux = 1;
	}
}

static void
Shuffle(uint32_t *a, uint32_t n, EpRng *rng)
{
	uint32_t	j;

	for (j = n; j > 1; j--)
	{
		uint32_t	r = ep_rng_below(rng, j);
		uint32_t	t = a[j - 1];

		a[j - 1] = a[r];
		a[r] = t;
	}
}

/* classification: each class shuffled, dealt with one running count */
static void
StratifiedClasses(const EnsTrainSet *ts, int k, EpRng *rng, uint32_t *fold_of)
{
	EnsAlloc	al;

	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	ens_pg_check(ens_stratified_folds(ts->ycls, NULL, (uint32_t) ts->n, ts->K, (uint32_t) k, rng, &al,
									  ens_pg_interrupt, NULL, fold_of), ENS_WHAT_FOLDS, NULL);
}

static int
CmpByTarget(const void *a, const void *b, void *arg)
{
	const double *t = (const double *) arg;
	uint32_t	x = *(const uint32_t *) a,
				y = *(const uint32_t *) b;

	if (t[x] != t[y])
		return t[x] < t[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/* regression: runs of k rows of similar targets, each dealt in a random order */
static void
StratifiedTargets(const EnsTrainSet *ts, int k, EpRng *rng, uint32_t *fold_of)
{
	uint32_t	n = (uint32_t) ts->n,
				i,
				j;
	uint32_t   *rows = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
	uint32_t   *deal = palloc(sizeof(uint32_t) * k);

	for (i = 0; i < n; i++)
		rows[i] = i;
	qsort_arg(rows, n, sizeof(uint32_t), CmpByTarget, ts->y);
	for (i = 0; i < n; i += (uint32_t) k)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (j = 0; j < (uint32_t) k; j++)
			deal[j] = j;
		Shuffle(deal, (uint32_t) k, rng);
		for (j = 0; j < (uint32_t) k && i + j < n; j++)
			fold_of[rows[i + j]] = deal[j];
	}
	pfree(rows);
	pfree(deal);
}

static void
RandomFolds(const EnsTrainSet *ts, int k, EpRng *rng, uint32_t *fold_of)
{
	uint32_t	n = (uint32_t) ts->n,
				i;
	uint32_t   *rows = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);

	for (i = 0; i < n; i++)
		rows[i] = i;
	Shuffle(rows, n, rng);
	for (i = 0; i < n; i++)
		fold_of[rows[i]] = i % (uint32_t) k;
	pfree(rows);
}

/*
 * whole groups to the folds (model_groups.c deals them, as GroupKFold, or
 * for stratified_group as StratifiedGroupKFold)
 */
static void
GroupFolds(const EnsFoldSpec *spec, const EnsTrainSet *ts, uint32_t *fold_of)
{
	uint32_t	ng;

	ens_aux_no_nulls(ts, "group_by", spec->group_by, false);
	if (spec->split == ENS_SPLIT_STRATIFIED_GROUP && ts->task != ENS_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("split => 'stratified_group' needs a classification, but the target is a regression"),
				 errhint("Use split => 'group' for a regression: its folds keep the groups whole without classes to balance.")));
	ng = ens_group_count(ts, NULL, (uint32_t) ts->n);
	if (ng < (uint32_t) spec->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg_plural("group_by column \"%s\" has %u distinct value, fewer than the %d folds",
							   "group_by column \"%s\" has %u distinct values, fewer than the %d folds",
							   ng, spec->group_by, ng, spec->k),
				 errhint("Group folds need at least one group per fold: lower folds.")));
	if (spec->split == ENS_SPLIT_STRATIFIED_GROUP)
		ens_stratified_group_folds(ts, NULL, (uint32_t) ts->n, (uint32_t) spec->k, (uint64_t) spec->seed,
								   fold_of);
	else
		ens_group_folds(ts, NULL, (uint32_t) ts->n, (uint32_t) spec->k, (uint64_t) spec->seed, fold_of);
}

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * The fewest distinct values k time folds with this gap can use: d values
 * make blocks of m = d / (k + 1) and a first block of m + r (r = d mod
 * (k + 1) <= k), and fold 1 trains on m + r - gap >= 1 of them; the least d
 * takes r as large as it may be.  More values do not always fit (the
 * remainder shrinks when m grows): TimeFolds checks the actual blocks.
 */
static uint32_t
TimeMinimum(int k, int gap)
{
	uint32_t	r = (uint32_t) Min(k, gap),
				m = (uint32_t) gap + 1 - r;

	return ((uint32_t) k + 1) * Max(m, 1) + r;
}

static void
TimeFolds(EnsFolds *fs, const EnsTrainSet *ts)
{
	const EnsFoldSpec *spec = &fs->spec;
	uint32_t	n = (uint32_t) ts->n,
				nd = 0,
				i,
				size,
				first;
	double	   *dv = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	uint32_t   *at = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
	int			f;

	ens_aux_no_nulls(ts, "order_by", spec->order_by, true);
	memcpy(dv, ts->aux[0], sizeof(double) * n);
	qsort(dv, n, sizeof(double), CmpDouble);
	for (i = 0; i < n; i++)
		if (nd == 0 || dv[i] != dv[nd - 1])
			dv[nd++] = dv[i];
	if (nd < TimeMinimum(spec->k, spec->gap))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg_plural("order_by column \"%s\" has %u distinct value; %d time folds with gap %d need at least %u",
							   "order_by column \"%s\" has %u distinct values; %d time folds with gap %d need at least %u",
							   nd, spec->order_by, nd, spec->k, spec->gap,
							   TimeMinimum(spec->k, spec->gap)),
				 errhint("Lower folds or gap.")));
	size = nd / ((uint32_t) spec->k + 1);
	first = nd - (uint32_t) spec->k * size;
	/* fold 1 must train on something: values before its test block, minus the gap */
	if (first <= (uint32_t) spec->gap)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d time folds with gap %d do not fit the %u distinct values of order_by column \"%s\"",
						spec->k, spec->gap, nd, spec->order_by),
				 errdetail("Each fold tests %u values, which leaves %u before the first test block, and the gap takes %d of them.",
						   size, first, spec->gap),
				 errhint("Lower folds or gap.")));
	for (i = 0; i < n; i++)
	{
		uint32_t	lo = 0,
					hi = nd;

		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) / 2;

			if (dv[mid] < ts->aux[0][i])
				lo = mid + 1;
			else
				hi = mid;
		}
		at[i] = lo;				/* the row's place among the distinct values */
	}
	for (f = 0; f < fs->k; f++)
	{
		EnsFold    *fo = &fs->fold[f];
		uint32_t	test_from = first + (uint32_t) f * size,
					train_to = test_from - (uint32_t) spec->gap;

		CHECK_FOR_INTERRUPTS();
		fo->train_rows = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
		fo->test_rows = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < n; i++)
		{
			if (at[i] < train_to)
				fo->train_rows[fo->ntr++] = i;
			else if (at[i] >= test_from && at[i] < test_from + size)
				fo->test_rows[fo->nte++] = i;
		}
	}
	pfree(dv);
	pfree(at);
}

/* partitions: fold f tests the rows dealt to it and trains on the others */
static void
PartitionFolds(EnsFolds *fs, const EnsTrainSet *ts)
{
	uint32_t	n = (uint32_t) ts->n,
				i;
	uint32_t   *fold_of = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
	EpRng		rng;
	int			f;

	ep_rng_seed(&rng, (uint64_t) fs->spec.seed, UINT64_C(0xF01D5));
	if (ENS_SPLIT_BY_GROUPS(fs->spec.split))
		GroupFolds(&fs->spec, ts, fold_of);
	else if (fs->spec.split == ENS_SPLIT_RANDOM)
		RandomFolds(ts, fs->k, &rng, fold_of);
	else if (ts->task == ENS_CLASSIFICATION)
		StratifiedClasses(ts, fs->k, &rng, fold_of);
	else
		StratifiedTargets(ts, fs->k, &rng, fold_of);
	for (f = 0; f < fs->k; f++)
	{
		EnsFold    *fo = &fs->fold[f];

		CHECK_FOR_INTERRUPTS();
		fo->train_rows = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
		fo->test_rows = palloc_extended(sizeof(uint32_t) * Max(n, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < n; i++)
		{
			if (fold_of[i] == (uint32_t) f)
				fo->test_rows[fo->nte++] = i;
			else
				fo->train_rows[fo->ntr++] = i;
		}
	}
	pfree(fold_of);
}

/* Folds of ts as spec says, each with its own bins. */
void
ens_folds_make(EnsFolds *fs, const EnsFoldSpec *spec, EnsTrainSet *ts)
{
	int			f;

	memset(fs, 0, sizeof(*fs));
	fs->spec = *spec;
	fs->k = spec->k;
	if (ts->n < (size_t) spec->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d folds need at least %d rows, the relation has %zu with a target",
						spec->k, spec->k, ts->n)));
	fs->fold = palloc0(sizeof(EnsFold) * spec->k);
	if (spec->split == ENS_SPLIT_TIME)
		TimeFolds(fs, ts);
	else
		PartitionFolds(fs, ts);

	/*
	 * Group folds: every split inside a fold's training keeps the groups
	 * whole too, as train_*(group_by) does (the forest's calibration folds,
	 * boosting's validation rows; out-of-bag calibration is refused), so
	 * neither calibrator nor early stopping is scored on groups the trees
	 * saw.  Trials, the deployed version's comparison and tune's refit all
	 * train on ts or a fold view of it.
	 */
	if (ENS_SPLIT_BY_GROUPS(spec->split))
		ts->group_by = spec->group_by;
	ts->settings_in_params = true;
	for (f = 0; f < fs->k; f++)
	{
		EnsFold    *fo = &fs->fold[f];

		fo->use_rows = fo->train_rows;
		fo->nuse = fo->ntr;
		if (ENS_SPLIT_BY_GROUPS(spec->split))
		{
			fo->group_folds = palloc0(sizeof(EnsGroupFoldCache));
			fo->group_folds->seed = (uint64_t) spec->seed;
		}
		ens_trainset_bin_rows(ts, fo->train_rows, fo->ntr, (uint64_t) spec->seed, &fo->F, &fo->X);
	}
}

/*
 * Train on a share of each fold's training rows from now on (successive
 * halving's rungs): a seeded sample, stratified for classification, the
 * same for every parameter set of the rung; fraction >= 1: all of them.
 */
void
ens_folds_use(EnsFolds *fs, const EnsTrainSet *ts, double fraction, uint64_t seed)
{
	int			f;

	for (f = 0; f < fs->k; f++)
	{
		EnsFold    *fo = &fs->fold[f];
		uint32_t   *cls = NULL,
				   *keep,
				   *drop,
					nkeep,
					ndrop,
					i;

		ens_group_folds_forget(fo->group_folds);
		if (fo->use_rows != fo->train_rows)
			ts->pa->al.free(ts->pa->al.ctx, fo->use_rows);
		fo->use_rows = fo->train_rows;
		fo->nuse = fo->ntr;
		if (fraction >= 1)
			continue;
		if (ts->task == ENS_CLASSIFICATION)
		{
			cls = palloc_extended(sizeof(uint32_t) * Max(fo->ntr, 1), MCXT_ALLOC_HUGE);
			for (i = 0; i < fo->ntr; i++)
				cls[i] = ts->ycls[fo->train_rows[i]];
		}
		ens_pg_check(ens_split_rows(cls, ts->K, fo->ntr, 1 - fraction, seed + (uint64_t) f,
									&ts->pa->al, &keep, &nkeep, &drop, &ndrop),
					 ENS_WHAT_HALVING_SAMPLE, NULL);
		for (i = 0; i < nkeep; i++)
			keep[i] = fo->train_rows[keep[i]];
		ts->pa->al.free(ts->pa->al.ctx, drop);
		if (cls)
			pfree(cls);
		fo->use_rows = keep;
		fo->nuse = nkeep;
	}
}

/*
 * The training set as fold fo sees it: its bins and codebooks, its rows to
 * train on (a rung's share in successive halving) and its test rows; the
 * rest (targets, classes, the allocator) shared with ts.
 */
void
ens_fold_view(const EnsTrainSet *ts, const EnsFold *fo, EnsTrainSet *fts)
{
	*fts = *ts;
	fts->X = fo->X;
	fts->F = fo->F;
	fts->train_rows = fo->use_rows;
	fts->ntr = fo->nuse;
	fts->test_rows = fo->test_rows;
	fts->nte = fo->nte;
	fts->group_folds = fo->group_folds;
}

/* Give the folds' bins back to the memory cap (before the refit's own). */
void
ens_folds_free(EnsFolds *fs, const EnsTrainSet *ts)
{
	int			f;

	for (f = 0; f < fs->k; f++)
		if (fs->fold[f].X)
		{
			ts->pa->al.free(ts->pa->al.ctx, fs->fold[f].X);
			fs->fold[f].X = NULL;
		}
}

/* The fold set as the run log records it. */
char *
ens_folds_json(const EnsFolds *fs)
{
	static const char *const splits[] = {"stratified", "random", "group", "time", "stratified_group"};
	StringInfoData s;
	int			f;

	initStringInfo(&s);
	appendStringInfo(&s, "{\"folds\": %d, \"split\": \"%s\"", fs->k, splits[fs->spec.split]);
	if (fs->spec.group_by)
	{
		appendStringInfoString(&s, ", \"group_by\": ");
		escape_json(&s, fs->spec.group_by);
	}
	if (fs->spec.order_by)
	{
		appendStringInfoString(&s, ", \"order_by\": ");
		escape_json(&s, fs->spec.order_by);
		appendStringInfo(&s, ", \"gap\": %d", fs->spec.gap);
	}
	appendStringInfo(&s, ", \"seed\": " INT64_FORMAT ", \"n_train\": [", fs->spec.seed);
	for (f = 0; f < fs->k; f++)
		appendStringInfo(&s, "%s%u", f ? ", " : "", fs->fold[f].ntr);
	appendStringInfoString(&s, "], \"n_test\": [");
	for (f = 0; f < fs->k; f++)
		appendStringInfo(&s, "%s%u", f ? ", " : "", fs->fold[f].nte);
	appendStringInfoString(&s, "]}");
	return s.data;
}
