/*
 * model_trainset.c - the training set every tree learner starts from.
 *
 * Rows arrive (from a relation or an aggregate's state) as one double
 * column per feature (categorical values as dictionary ids) and a target.
 * Then, in this order: a canonical row order (ensemble_order.c), the task
 * and classes, the stratified split, and codebooks and bins computed from
 * the training rows only, so held-out rows never shape the model.  Raw
 * columns count against edupredict.forest_max_memory while they are read.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "model_train.h"

/* fewer expected rows: the columns grow as rows come (their copies cost little) */
#define PRESIZE_MIN_ROWS 65536

/* The training set of p features, for learner l (its limit on regression targets). */
void
ens_trainset_init(EnsTrainSet *ts, uint32_t p, bool target_text, const EnsLearner *l,
				  EnsPgAlloc *pa)
{
	memset(ts, 0, sizeof(*ts));
	ts->p = p;
	ts->pa = pa;
	ts->target_text = target_text;
	ts->max_target = l->max_target;
	ts->max_target_text = l->max_target_text;
	ts->bin_rule = l->bin_rule;
	ts->names = palloc0(sizeof(char *) * Max(p, 1));
	ts->kinds = palloc0(Max(p, 1));
	ts->cols = palloc0(sizeof(double *) * Max(p, 1));
	ts->dicts = palloc0(sizeof(EnsDict *) * Max(p, 1));
	if (target_text && (ts->tdict = ens_dict_create(&pa->al)) == NULL)
		ens_pg_check(ENS_ENOMEM, ENS_WHAT_MODEL_TRAINING, NULL);
}

/*
 * naux columns read with the rows but never features (cross-validation's
 * group_by and order_by): they follow the rows through the canonical order
 * but take no part in it, so the order and the fingerprint stay those of
 * the features and the target.  Before the first row.
 */
void
ens_trainset_add_aux(EnsTrainSet *ts, uint32_t naux)
{
	Assert(ts->cap == 0 && naux <= ENS_MAX_AUX);
	ts->naux = naux;
}

/* The columns' capacity becomes nc rows (more than now), within the memory cap. */
static void
Grow(EnsTrainSet *ts, size_t nc)
{
	size_t		add = (nc - ts->cap) * sizeof(double) * (ts->p + 1 + ts->naux);
	uint32_t	f;

	if (ts->pa->limit && ts->pa->cur + add > ts->pa->limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("model training needs more than edupredict.forest_max_memory (%d MB)",
						edupredict_forest_max_memory_mb),
				 errdetail("%zu rows of %u features were read.", ts->n, ts->p),
				 errhint("Train on fewer rows or features, or ask a superuser to raise edupredict.forest_max_memory.")));
	/* called per row, from the row reader's short-lived context */
	for (f = 0; f < ts->p; f++)
		ts->cols[f] = ts->cols[f] ? repalloc_huge(ts->cols[f], nc * sizeof(double)) :
			MemoryContextAllocHuge(ts->pa->cxt, nc * sizeof(double));
	ts->y = ts->y ? repalloc_huge(ts->y, nc * sizeof(double)) :
		MemoryContextAllocHuge(ts->pa->cxt, nc * sizeof(double));
	for (f = 0; f < ts->naux; f++)
		ts->aux[f] = ts->aux[f] ? repalloc_huge(ts->aux[f], nc * sizeof(double)) :
			MemoryContextAllocHuge(ts->pa->cxt, nc * sizeof(double));
	ts->pa->cur += add;
	ts->counted += add;
	if (ts->pa->cur > ts->pa->peak)
		ts->pa->peak = ts->pa->cur;
	ts->cap = nc;
}

/* Room for need rows in every column, within the memory cap. */
void
ens_trainset_reserve(EnsTrainSet *ts, size_t need)
{
	size_t		nc = Max(ts->cap, 1024);

	if (need <= ts->cap)
		return;
	while (nc < need)
		nc *= 2;
	if (nc > ENS_MAX_ROWS)
	{
		if (need > ENS_MAX_ROWS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many rows for model training"),
					 errdetail("At most %u rows are supported.", ENS_MAX_ROWS)));
		nc = ENS_MAX_ROWS;
	}
	Grow(ts, nc);
}

/*
 * Before the first row: room for the rows the planner expects (a twentieth
 * more), when they are many and fit the memory cap.  Growing by doubling
 * copied every column into fresh memory again and again, and only a column
 * allocated at its size can ask for huge pages before it is touched: on a
 * virtual machine where touching new memory costs 2.7 ms a MB, reading
 * 800,000 rows of 20 features took 0.51-0.56 s instead of 0.76-0.86 s.  A
 * wrong estimate costs nothing but the growth there would have been.
 */
void
ens_trainset_presize(EnsTrainSet *ts, double estimate)
{
	size_t		want,
				bytes;
	uint32_t	f;

	if (!(estimate >= PRESIZE_MIN_ROWS) || ts->cap > 0)
		return;
	want = estimate >= (double) ENS_MAX_ROWS / 1.05 ? ENS_MAX_ROWS :
		(size_t) (estimate * 1.05) + 1024;
	bytes = want * sizeof(double) * (ts->p + 1 + ts->naux);
	if (ts->pa->limit && ts->pa->cur + bytes > ts->pa->limit)
		return;
	Grow(ts, want);
	for (f = 0; f < ts->p; f++)
		ens_hint_hugepages(ts->cols[f], want * sizeof(double));
	ens_hint_hugepages(ts->y, want * sizeof(double));
	for (f = 0; f < ts->naux; f++)
		ens_hint_hugepages(ts->aux[f], want * sizeof(double));
}

/* Remember the first numeric target a regression could not use. */
void
ens_trainset_note_target(EnsTrainSet *ts, double y, size_t row)
{
	if (ts->bad_row == 0 && !(fabs(y) <= ts->max_target))
		ts->bad_row = row;
}

/* hashes of a dictionary's strings, by id (for the canonical order) */
static uint64_t *
DictHashes(const EnsDict *d)
{
	uint32_t	n = ens_dict_size(d),
				i;
	uint64_t   *h = palloc_extended(sizeof(uint64_t) * Max(n, 1), MCXT_ALLOC_HUGE);

	for (i = 0; i < n; i++)
	{
		uint32_t	len;
		const char *s = ens_dict_get(d, i, &len, NULL);

		h[i] = ens_siphash(UINT64_C(0x6564707265646963), 0, s, len);
	}
	return h;
}

typedef struct PermuteJob
{
	EnsTrainSet *ts;
	const uint32_t *perm;
	double	  **tmp;			/* per thread */
} PermuteJob;

/* Column piece of the training set (features, target, aux) into canonical order. */
static void
PermutePiece(void *ctx, int thread, uint32_t piece)
{
	PermuteJob *j = (PermuteJob *) ctx;
	EnsTrainSet *ts = j->ts;
	double	   *c = piece < ts->p ? ts->cols[piece] :
		piece == ts->p ? ts->y : ts->aux[piece - ts->p - 1];
	double	   *tmp = j->tmp[thread];
	uint32_t	n = (uint32_t) ts->n,
				i;

	for (i = 0; i < n; i++)
		tmp[i] = c[j->perm[i]];
	memcpy(c, tmp, sizeof(double) * n);
}

/* Rows in an order that depends on their contents only. */
void
ens_trainset_canonical_order(EnsTrainSet *ts)
{
	uint64_t  **strhash = palloc0(sizeof(uint64_t *) * Max(ts->p, 1));
	uint64_t   *yhash = ts->target_text ? DictHashes(ts->tdict) : NULL;
	uint32_t	f,
				n = (uint32_t) ts->n;
	uint32_t   *perm;
	EnsRunner	rn;
	PermuteJob	j;
	int			nt,
				t;
	EnsStatus	rc;

	for (f = 0; f < ts->p; f++)
		if (ts->kinds[f] == ENS_CATEGORICAL)
			strhash[f] = DictHashes(ts->dicts[f]);
	ens_pg_runner(&rn);
	rc = ens_canonical_order(n, ts->p, (const double *const *) ts->cols,
							 (const uint64_t *const *) strhash, ts->y, yhash,
							 &ts->pa->al, &rn, ens_pg_interrupt, NULL,
							 &perm, &ts->fingerprint);
	ens_pg_check(rc, ENS_WHAT_MODEL_TRAINING, NULL);
	j.perm = perm;

	/*
	 * A column per piece, each thread with its own buffer (counted against
	 * the memory cap; where they do not fit, one uncounted buffer and one
	 * thread, as ever).
	 */
	j.ts = ts;
	nt = ens_runner_threads(&rn);
	j.tmp = palloc0(sizeof(double *) * nt);
	for (t = 0; t < nt && nt > 1; t++)
		if ((j.tmp[t] = ts->pa->al.alloc(ts->pa->al.ctx, sizeof(double) * Max(n, 1))) == NULL)
		{
			while (t-- > 0)
				ts->pa->al.free(ts->pa->al.ctx, j.tmp[t]);
			nt = 1;
		}
	if (nt == 1)
	{
		j.tmp[0] = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
		rc = ens_run_pieces(NULL, PermutePiece, &j, ts->p + 1 + ts->naux, ens_pg_interrupt, NULL);
		pfree(j.tmp[0]);
	}
	else
	{
		rc = ens_run_pieces(&rn, PermutePiece, &j, ts->p + 1 + ts->naux, NULL, NULL);
		for (t = 0; t < nt; t++)
			ts->pa->al.free(ts->pa->al.ctx, j.tmp[t]);
	}
	ens_pg_check(rc, ENS_WHAT_MODEL_TRAINING, NULL);
	pfree(j.tmp);
	ts->pa->al.free(ts->pa->al.ctx, perm);
	for (f = 0; f < ts->p; f++)
		if (strhash[f])
			pfree(strhash[f]);
	if (yhash)
		pfree(yhash);
}

typedef struct LabelOrder
{
	const char *s;
	uint32_t	len;
	uint32_t	id;
} LabelOrder;

static int
CmpLabelBytes(const void *a, const void *b)
{
	const LabelOrder *x = a,
			   *y = b;

	return ens_bytes_cmp(x->s, x->len, y->s, y->len);
}

/* text labels: classes in byte order */
static void
TextClasses(EnsTrainSet *ts, const char *target_name)
{
	uint32_t	nd = ens_dict_size(ts->tdict),
				i;
	LabelOrder *lo = palloc(sizeof(LabelOrder) * Max(nd, 1));
	uint32_t   *map = palloc(sizeof(uint32_t) * Max(nd, 1));
	size_t		r;

	if (nd > ENS_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("target column \"%s\" has %u classes, more than %d",
						target_name, nd, ENS_MAX_CLASSES)));
	for (i = 0; i < nd; i++)
	{
		lo[i].s = ens_dict_get(ts->tdict, i, &lo[i].len, NULL);
		lo[i].id = i;
	}
	qsort(lo, nd, sizeof(LabelOrder), CmpLabelBytes);
	ts->K = nd;
	ts->class_s = palloc(sizeof(char *) * Max(nd, 1));
	ts->class_l = palloc(sizeof(uint32_t) * Max(nd, 1));
	for (i = 0; i < nd; i++)
	{
		ts->class_s[i] = pnstrdup(lo[i].s, lo[i].len);
		ts->class_l[i] = lo[i].len;
		map[lo[i].id] = i;
	}
	ts->ycls = palloc_extended(sizeof(uint32_t) * Max(ts->n, 1), MCXT_ALLOC_HUGE);
	for (r = 0; r < ts->n; r++)
		ts->ycls[r] = map[(uint32_t) ts->y[r]];
}

/* numeric labels: classes sorted numerically, labelled like 1 or 2.5 */
static void
NumericClasses(EnsTrainSet *ts, const double *distinct, uint32_t nd)
{
	size_t		r;
	uint32_t	i;

	ts->K = nd;
	ts->class_s = palloc(sizeof(char *) * Max(nd, 1));
	ts->class_l = palloc(sizeof(uint32_t) * Max(nd, 1));
	for (i = 0; i < nd; i++)
	{
		ts->class_s[i] = ens_number_label(distinct[i]);
		ts->class_l[i] = strlen(ts->class_s[i]);
	}
	ts->ycls = palloc_extended(sizeof(uint32_t) * Max(ts->n, 1), MCXT_ALLOC_HUGE);
	for (r = 0; r < ts->n; r++)
	{
		uint32_t	lo = 0,
					hi = nd;

		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) / 2;

			if (distinct[mid] < ts->y[r])
				lo = mid + 1;
			else
				hi = mid;
		}
		ts->ycls[r] = lo;
	}
}

#define AUTO_MAX_CLASSES 50

/*
 * The distinct values of y in increasing order, stopping at limit + 1 of
 * them (there are more than limit then; -0 equals +0).  A sorted set
 * searched by halving, O(n log limit) with a shortcut for a repeat of the
 * last value: sorting every target cost a tenth of the preparation of a
 * 1,000,000-row training, most of it spent where no class was needed.
 */
static uint32_t
DistinctTargets(const double *y, size_t n, double *out, uint32_t limit)
{
	uint32_t	nd = 0,
				last = 0;
	size_t		r;

	for (r = 0; r < n; r++)
	{
		double		v = y[r];
		uint32_t	lo = 0,
					hi = nd;

		if (nd > 0 && out[last] == v)
			continue;
		if ((r & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) / 2;

			if (out[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		last = lo;
		if (lo < nd && out[lo] == v)
			continue;
		memmove(out + lo + 1, out + lo, sizeof(double) * (nd - lo));
		out[lo] = v;
		if (++nd > limit)
			break;
	}
	return nd;
}

/*
 * Task and classes.  task_requested 0 is 'auto': a text or boolean target,
 * or an integer target with at most 50 distinct values, is classification.
 * Regression targets must be finite and small enough for the model's
 * 4-byte leaf values (the row adders note the first one that is not).
 */
void
ens_trainset_target(EnsTrainSet *ts, int task_requested, bool integer_target,
					const char *target_name)
{
	double	   *cp;
	uint32_t	nd = 0;

	if (ts->target_text)
	{
		if (task_requested == ENS_REGRESSION)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("regression needs a numeric target, but \"%s\" holds labels", target_name)));
		ts->task = ENS_CLASSIFICATION;
		TextClasses(ts, target_name);
	}
	else
	{
		/* classes: every one (requested) or whether there are at most 50 (auto) */
		uint32_t	limit = task_requested == ENS_CLASSIFICATION ? ENS_MAX_CLASSES :
			(task_requested == 0 && integer_target ? AUTO_MAX_CLASSES : 0);

		cp = palloc(sizeof(double) * (limit + 1));
		nd = limit > 0 ? DistinctTargets(ts->y, ts->n, cp, limit) : 0;
		ts->task = task_requested ? task_requested :
			(integer_target && nd <= AUTO_MAX_CLASSES ? ENS_CLASSIFICATION : ENS_REGRESSION);
		if (ts->task == ENS_CLASSIFICATION)
		{
			if (nd > ENS_MAX_CLASSES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("target column \"%s\" has more than %d classes",
								target_name, ENS_MAX_CLASSES),
						 errhint("Use task => 'regression' for a continuous target.")));
			NumericClasses(ts, cp, nd);
		}
		else if (ts->bad_row)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target column \"%s\" holds a value a regression cannot use", target_name),
					 errdetail("Row %zu as read has an infinite target or one beyond -%s or %s.",
							   ts->bad_row, ts->max_target_text, ts->max_target_text),
					 errhint("Filter such rows out or rescale the target.")));
		pfree(cp);
	}
	if (ts->task == ENS_CLASSIFICATION && ts->K < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target column \"%s\" has only one class", target_name),
				 errhint("Classification needs at least two distinct target values.")));
}

/*
 * With group_by, the test rows are whole groups (model_groups.c): at least
 * test_fraction of the rows, so no group has rows on both sides.
 */
static void
GroupSplit(EnsTrainSet *ts, double test_fraction, uint64_t seed)
{
	uint32_t	ng;

	ts->n_test_groups = ens_group_split(ts, NULL, (uint32_t) ts->n, test_fraction, seed,
										&ts->pa->al, &ts->train_rows, &ts->ntr,
										&ts->test_rows, &ts->nte, &ng);
	if (ng < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg_plural("group_by column \"%s\" has %u distinct value: a test split by groups needs at least 2",
							   "group_by column \"%s\" has %u distinct values: a test split by groups needs at least 2",
							   ng, ts->group_by, ng),
				 errhint("Group by a column that several groups of rows share a value of (a school), or pass test_fraction => 0.")));
	if (ts->ntr == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no rows left for training: the test split by group_by column \"%s\" took all %u groups",
						ts->group_by, ng),
				 errhint("Lower test_fraction: the test rows are whole groups, at least test_fraction of the rows.")));
}

void
ens_trainset_split(EnsTrainSet *ts, double test_fraction, uint64_t seed)
{
	EnsStatus	rc;

	if (ts->group_by != NULL && test_fraction > 0)
	{
		GroupSplit(ts, test_fraction, seed);
		return;
	}
	rc = ens_split_rows(ts->ycls, ts->K, (uint32_t) ts->n, test_fraction, seed,
						&ts->pa->al, &ts->train_rows, &ts->ntr, &ts->test_rows, &ts->nte);
	ens_pg_check(rc, ENS_WHAT_TRAIN_TEST_SPLIT, NULL);
	if (ts->ntr == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no rows left for training"),
				 errhint("Lower test_fraction.")));
}

typedef struct CatOrder
{
	const char *s;
	uint32_t	len;
	uint64_t	count;
	uint64_t	hash;
	uint32_t	id;
} CatOrder;

static int
CmpCatByCount(const void *a, const void *b)
{
	const CatOrder *x = a,
			   *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return ens_bytes_cmp(x->s, x->len, y->s, y->len);
}

static int
CmpCatByBytes(const void *a, const void *b)
{
	const CatOrder *x = a,
			   *y = b;

	return ens_bytes_cmp(x->s, x->len, y->s, y->len);
}

/*
 * Turn a categorical column's dictionary ids into codes of a sorted
 * codebook of the categories seen in the training rows (the 255 most
 * frequent there); every other category becomes missing, as an unseen one
 * does at prediction.
 */
/*
 * The codebook as keyed hashes, in the categories' byte order (so codes are
 * what they are with names): prediction still matches categories, and the
 * model bytes hold no category text.  The salt comes from the rows'
 * fingerprint and the seed (deterministic, and not guessable without the
 * data); on the rare collision the next salt is tried.
 */
static void
HashCodebook(EnsFeature *F, CatOrder *co, uint32_t keep, const uint64_t *hash_salt)
{
	uint64_t	attempt;
	uint32_t	i;

	qsort(co, keep, sizeof(CatOrder), CmpCatByBytes);
	F->hashed = true;
	F->n_bins = Max(keep, 1);
	F->cat_hash = palloc0(sizeof(uint64_t) * F->n_bins);
	for (attempt = 0;; attempt++)
	{
		F->salt[0] = ens_siphash(hash_salt[0], hash_salt[1], &attempt, sizeof(attempt));
		F->salt[1] = ens_siphash(hash_salt[1], hash_salt[0], &attempt, sizeof(attempt));
		for (i = 0; i < keep; i++)
			F->cat_hash[i] = ens_siphash(F->salt[0], F->salt[1], co[i].s, co[i].len);
		if (ens_hash_index(F, palloc(sizeof(uint64_t) * F->n_bins), palloc(F->n_bins)))
			break;
	}
}

/*
 * The codes of a categorical column (dictionary ids to codebook codes, NaN
 * for a category outside the codebook) into dst, which may be the column
 * itself; the codebook comes from the given training rows only.
 */
static void
FinishCategorical(const EnsTrainSet *ts, uint32_t f, const uint32_t *rows, uint32_t nrows,
				  EnsFeature *F, const uint64_t *hash_salt, double *dst)
{
	EnsDict    *dict = ts->dicts[f];
	const double *v = ts->cols[f];
	uint32_t	ndict = ens_dict_size(dict);
	CatOrder   *co = palloc(sizeof(CatOrder) * Max(ndict, 1));
	int32	   *map = palloc(sizeof(int32) * Max(ndict, 1));
	uint64	   *seen = palloc0(sizeof(uint64) * Max(ndict, 1));
	uint32_t	nd = 0,
				keep,
				i;
	size_t		r;

	for (i = 0; i < nrows; i++)
	{
		double		x = v[rows[i]];

		if (!isnan(x))
			seen[(uint32_t) x]++;
	}
	for (i = 0; i < ndict; i++)
	{
		map[i] = -1;
		if (seen[i] == 0)
			continue;
		co[nd].s = ens_dict_get(dict, i, &co[nd].len, NULL);
		co[nd].count = seen[i];
		co[nd].id = i;
		nd++;
	}
	keep = nd;
	if (nd > ENS_MAX_CATEGORIES)
	{
		qsort(co, nd, sizeof(CatOrder), CmpCatByCount);
		keep = ENS_MAX_CATEGORIES;
	}
	if (hash_salt)
		HashCodebook(F, co, keep, hash_salt);
	else
	{
		qsort(co, keep, sizeof(CatOrder), CmpCatByBytes);
		F->n_bins = Max(keep, 1);
		F->cats = palloc(sizeof(char *) * F->n_bins);
		F->cat_len = palloc(sizeof(uint32_t) * F->n_bins);
		for (i = 0; i < keep; i++)
		{
			F->cats[i] = pnstrdup(co[i].s, co[i].len);
			F->cat_len[i] = co[i].len;
		}
		if (keep == 0)
		{
			F->cats[0] = pstrdup("");
			F->cat_len[0] = 0;
		}
	}
	for (i = 0; i < keep; i++)
		map[co[i].id] = (int32) i;
	for (r = 0; r < ts->n; r++)
	{
		int32		m = isnan(v[r]) ? -1 : map[(uint32_t) v[r]];

		dst[r] = m >= 0 ? (double) m : NAN;
	}
	pfree(co);
	pfree(map);
	pfree(seen);
}

/*
 * Codebooks and bin edges from the given training rows, then the bin matrix
 * of every row: the one place where rows become bins.  In place (train_*,
 * the aggregates) the categorical columns are overwritten with their codes;
 * otherwise (one binning per cross-validation fold) the raw columns stay as
 * read and the codes go to scratch columns.
 */
static void
BinRows(EnsTrainSet *ts, const uint32_t *rows, uint32_t nrows, uint64_t seed,
		bool keep_category_names, bool in_place, EnsFeature **F_out, uint8_t **X_out)
{
	EnsFeature *F = palloc0(sizeof(EnsFeature) * Max(ts->p, 1));
	double	  **cols = palloc(sizeof(double *) * Max(ts->p, 1));
	uint32_t	f;
	EnsRunner	rn;
	EnsStatus	rc;

	for (f = 0; f < ts->p; f++)
	{
		uint64_t	salt[2] = {ts->fingerprint, seed ^ ((uint64_t) f << 32)};

		F[f].name = ts->names[f];
		F[f].name_len = strlen(ts->names[f]);
		F[f].kind = ts->kinds[f];
		cols[f] = ts->cols[f];
		if (ts->kinds[f] != ENS_CATEGORICAL)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (!in_place)
		{
			cols[f] = ts->pa->al.alloc(ts->pa->al.ctx, sizeof(double) * Max(ts->n, 1));
			if (cols[f] == NULL)
				ens_pg_check(ENS_ENOMEM, ENS_WHAT_BINNING, NULL);
		}
		FinishCategorical(ts, f, rows, nrows, &F[f], keep_category_names ? NULL : salt, cols[f]);
	}
	ens_pg_runner(&rn);
	rc = ens_bin_columns_by((const double *const *) cols, (uint32_t) ts->n, ts->p, F,
							rows, nrows, seed, ts->bin_rule, &ts->pa->al, &rn,
							ens_pg_interrupt, NULL, X_out);
	for (f = 0; f < ts->p; f++)
		if (cols[f] != ts->cols[f])
			ts->pa->al.free(ts->pa->al.ctx, cols[f]);
	pfree(cols);
	ens_pg_check(rc, ENS_WHAT_BINNING, NULL);
	*F_out = F;
}

/*
 * Bins of every row from the codebooks and edges of the training rows of
 * the split; the raw columns are freed.
 */
void
ens_trainset_bin(EnsTrainSet *ts, uint64_t seed, bool keep_category_names)
{
	uint32_t	f;

	BinRows(ts, ts->train_rows, ts->ntr, seed, keep_category_names, true, &ts->F, &ts->X);
	for (f = 0; f < ts->p; f++)
	{
		pfree(ts->cols[f]);
		ts->cols[f] = NULL;
	}
	ts->pa->cur -= ts->counted;
	ts->counted = 0;
}

/*
 * Bins of every row from the codebooks and edges of the given training rows
 * (a cross-validation fold's), leaving the raw columns for the next fold.
 * Category names are kept: these bins never become a stored model.
 */
void
ens_trainset_bin_rows(EnsTrainSet *ts, const uint32_t *rows, uint32_t nrows, uint64_t seed,
					  EnsFeature **F, uint8_t **X)
{
	BinRows(ts, rows, nrows, seed, true, false, F, X);
}

/* The engine's view of the training rows (or of every row). */
void
ens_trainset_data(const EnsTrainSet *ts, EnsData *d, bool training_rows)
{
	memset(d, 0, sizeof(*d));
	d->n_rows = (uint32_t) ts->n;
	d->n_features = ts->p;
	d->X = ts->X;
	d->cls = ts->ycls;
	d->y = ts->y;
	d->rows = training_rows ? ts->train_rows : NULL;
	d->n_use = training_rows ? ts->ntr : (uint32_t) ts->n;
}

/*
 * Ask the trainer to keep the outputs of the training rows the profile
 * describes the outputs with (when no row is held out), so they are not
 * predicted again by walking every tree.
 */
void
ens_trainset_want_outputs(const EnsTrainSet *ts, EnsData *d)
{
	uint32_t	nref = ens_profile_nref(ts->ntr),
				i;
	uint32_t   *rows;

	if (ts->nte > 0 || nref == 0)
		return;
	if (nref == ts->ntr)
		rows = ts->train_rows;
	else
	{
		rows = palloc(sizeof(uint32_t) * nref);
		for (i = 0; i < nref; i++)
			rows[i] = ts->train_rows[ens_profile_ref(i, ts->ntr, nref)];
	}
	d->out_rows = rows;
	d->n_out = nref;
}

/* An empty model over the training set's features and classes. */
void
ens_trainset_model(const EnsTrainSet *ts, EnsModel *m, int algorithm)
{
	memset(m, 0, sizeof(*m));
	m->task = ts->task;
	m->algorithm = algorithm;
	m->n_features = ts->p;
	m->n_classes = ts->task == ENS_CLASSIFICATION ? ts->K : 0;
	m->features = ts->F;
	m->classes = ts->class_s;
	m->class_len = ts->class_l;
}

/*
 * What the model keeps about its training rows (ensemble_profile.c): node
 * covers, class counts and bin histograms of the training rows, and the
 * histogram of its outputs on the held-out rows (the training rows when
 * there are none).  Every learner passes through here after training.
 * Covers a trainer counted (m->train_cover: every learner trains on
 * ts->train_rows) and held-out outputs already predicted (held_out, or
 * NULL) are taken as they are.
 */
void
ens_trainset_profile(const EnsTrainSet *ts, EnsModel *m, const double *held_out,
					 const EnsAlloc *al)
{
	const double *train_out = NULL;

	if (ts->nte == 0 && m->train_out && m->n_train_out == ens_profile_nref(ts->ntr))
		train_out = m->train_out;
	ens_pg_check(ens_profile_model(m, ts->X, ts->p, ts->train_rows, ts->ntr,
								   ts->task == ENS_CLASSIFICATION ? ts->ycls : NULL,
								   ts->test_rows, ts->nte, m->train_cover, held_out,
								   train_out, al, ens_pg_interrupt, NULL),
				 ENS_WHAT_TRAINING_PROFILE, NULL);
	/* copied into the profile: not held on through serialisation */
	ens_model_free_training(m, al);
}
