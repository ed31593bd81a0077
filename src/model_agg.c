/*
 * model_agg.c - forest_agg / boost_agg(features float8[], target
 * float8|text, params jsonb) -> bytea: aggregates that train a model over
 * the rows they see.  The state and its support functions are the same for
 * every learner; only the final function knows which learner trains.
 *
 * The state collects rows (column-major doubles plus the target); the
 * combine function appends one partial state's rows to another, so a
 * parallel plan combines rows, not trees.  The final function sorts the
 * rows into a canonical order (by features, then target label) before
 * training, so serial and parallel plans, and any input order, give the
 * same model for the same params.seed.  Internal state with serial and
 * deserial functions; the serialised state is validated on the way in.
 *
 * The 4-argument forms (group_key text last) also keep each row's group
 * key (a dictionary id, as a text target's label): training then keeps
 * the groups whole as train_*(group_by) does, boosting's validation rows
 * and a forest's calibration folds (model_groups.c).  The key takes no part
 * in the canonical order, as group_by's column does not in train_*'s.
 *
 * params keys: seed, task (float8 target only: auto/classification/
 * regression), feature_names (array of strings), and the learner's own
 * parameters (the same names as train_forest's or train_boosting's
 * arguments, through the learner's one validator).
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/syscache.h"

#include "ensemble_pg.h"
#include "model_agg.h"
#include "model_agg_local.h"

/* the final functions (below) tell which learner an aggregate trains */
extern PGDLLEXPORT Datum forest_agg_final(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum boost_agg_final(PG_FUNCTION_ARGS);

static void CheckFirstParams(FunctionCallInfo fcinfo, const AggState *st);

/*
 * The SQL name of the aggregate a support function runs for (forest_agg,
 * boost_agg and forest_agg_trees share theirs).  Aggregates of one query
 * with the same arguments and transition function share one state, and
 * then this is one of their names.
 */
static const char *
AggName(FunctionCallInfo fcinfo)
{
	Aggref	   *ar = AggGetAggref(fcinfo);
	char	   *name = ar ? get_func_name(ar->aggfnoid) : NULL;

	return name ? name : "the model aggregate";
}

static void
DifferentParams(const char *aggname)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s params must be the same in every row", aggname),
			 errhint("Pass the params as a constant.")));
}

/*
 * The params of a transition call as stored jsonb bytes, or NULL for none:
 * SQL NULL and an empty object both mean the defaults, so they are one
 * value to every row, part and plan.
 */
static struct varlena *
RowParams(FunctionCallInfo fcinfo)
{
	struct varlena *raw;
	uint32		header;

	if (PG_ARGISNULL(3))
		return NULL;
	raw = pg_detoast_datum_packed((struct varlena *) PG_GETARG_POINTER(3));
	if (VARSIZE_ANY_EXHDR(raw) == sizeof(uint32))
	{
		memcpy(&header, VARDATA_ANY(raw), sizeof(uint32));
		if (header == JB_FOBJECT)
			return NULL;		/* {} */
	}
	return raw;
}

/*
 * The model is trained with one set of params; letting the first row decide
 * would make the result depend on row order, so every row must agree.
 */
static void
CheckSameParams(const AggState *st, FunctionCallInfo fcinfo)
{
	struct varlena *raw = RowParams(fcinfo);

	if (raw == NULL || st->params_raw == NULL)
	{
		if (raw == NULL && st->params_raw == NULL)
			return;
	}
	else if ((int) VARSIZE_ANY_EXHDR(raw) == st->params_len &&
			 memcmp(VARDATA_ANY(raw), st->params_raw, st->params_len) == 0)
		return;
	DifferentParams(AggName(fcinfo));
}

/*
 * Training frees the rows of the state it finishes.  An aggregate built on
 * these functions without FINALFUNC_MODIFY = READ_WRITE can call its final
 * function twice on one state (as a window aggregate, or sharing the state
 * with another aggregate): a finished state is refused, never read again.
 */
static void
Finished(const char *aggname)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the state of %s was already finished by its final function", aggname),
			 errdetail("The final function trains on the rows the state collected and frees them."),
			 errhint("Declare an aggregate that reuses these support functions with FINALFUNC_MODIFY = READ_WRITE, as forest_agg and boost_agg are.")));
}

static MemoryContext
AggCxt(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in a non-aggregate context", fname)));
	return cxt;
}

/* the bytes of cap rows of st's columns, targets and group ids */
static uint64
RowBytes(const AggState *st, size_t cap)
{
	return (uint64) cap * (st->p + 1 + (st->grouped ? 1 : 0)) * sizeof(double);
}

/*
 * What a state holds against the cap: room for cap rows, the labels, and
 * what its holder keeps beside them (forest_agg_trees's forests).
 */
static uint64
HeldBytes(const AggState *st, size_t cap)
{
	return RowBytes(st, cap) + st->pa.cur + st->beside;
}

/*
 * The cap's error for st; beside: the bytes beside its rows that the refused
 * check counted (st->beside, or more forests its holder was adding).  The
 * detail tells what the state holds.
 */
static void
OverCap(const AggState *st, uint64 beside)
{
	if (beside > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s needs more than edupredict.forest_max_memory (%d MB) for its rows and forests",
						st->aggname, edupredict_forest_max_memory_mb),
				 errdetail("The state holds %llu bytes of forests, %llu bytes of rows (%zu of %d features) and %llu bytes of class labels.",
						   (unsigned long long) st->beside, (unsigned long long) RowBytes(st, st->cap),
						   st->n, st->p, (unsigned long long) st->pa.cur),
				 errhint("Aggregate fewer trees or rows per group, or ask a superuser to raise edupredict.forest_max_memory.")));
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s needs more than edupredict.forest_max_memory (%d MB) for its rows",
					st->aggname, edupredict_forest_max_memory_mb),
			 st->pa.cur > 0 ?
			 errdetail("%zu rows of %d features and %llu bytes of class labels were collected.",
					   st->n, st->p, (unsigned long long) st->pa.cur) :
			 errdetail("%zu rows of %d features were collected.", st->n, st->p),
			 errhint("Aggregate fewer rows or features, or ask a superuser to raise edupredict.forest_max_memory.")));
}

/*
 * The labels' allocator: the dictionary of a text target counts against the
 * training memory cap with the rows, so many long distinct labels cannot
 * grow a state past what its rows are held to.  A refusal fails softly (the
 * dictionary says it could not add) and is reported by LabelsFailed.
 */
static void *
LabelAlloc(void *ctx, size_t size)
{
	AggState   *st = (AggState *) ctx;

	if (HeldBytes(st, st->cap) + size > ens_pg_memory_cap())
	{
		st->labels_over_cap = true;
		return NULL;
	}
	return st->pa.al.alloc(st->pa.al.ctx, size);
}

static void
LabelFree(void *ctx, void *ptr)
{
	AggState   *st = (AggState *) ctx;

	st->pa.al.free(st->pa.al.ctx, ptr);
}

/*
 * A dictionary of st (its class labels, or with groups its group keys;
 * NULL: it could not be created) could not take a string: the cap's error,
 * or the dictionary's own limit or a real allocation failure
 * (ens_pg_dict_failed).
 */
static void
LabelsFailed(const AggState *st, const EnsDict *d, bool groups)
{
	if (st->labels_over_cap)
		OverCap(st, st->beside);
	ens_pg_dict_failed(d, groups ? ENS_DICT_AGG_GROUPS : ENS_DICT_AGG_LABELS, st->aggname);
}

/*
 * A state of no rows in cxt; beside: the bytes its holder keeps beside it
 * (forest_agg_trees's forests; 0 for forest_agg and boost_agg), counted
 * with its rows and labels against the cap.
 */
AggState *
ens_agg_new(MemoryContext cxt, int p, bool text_target, const char *aggname, uint64 beside)
{
	AggState   *st = MemoryContextAllocZero(cxt, sizeof(AggState));
	int			f;

	st->aggname = MemoryContextStrdup(cxt, aggname);
	st->p = p;
	st->text_target = text_target;
	st->beside = beside;
	st->cap = 256;
	if (HeldBytes(st, st->cap) > ens_pg_memory_cap())
		OverCap(st, st->beside);
	st->cols = MemoryContextAlloc(cxt, sizeof(double *) * Max(p, 1));
	for (f = 0; f < p; f++)
		st->cols[f] = MemoryContextAllocHuge(cxt, st->cap * sizeof(double));
	st->y = MemoryContextAllocHuge(cxt, st->cap * sizeof(double));
	ens_pg_alloc_init(&st->pa, cxt, false);
	st->labels_al.alloc = LabelAlloc;
	st->labels_al.free = LabelFree;
	st->labels_al.ctx = st;
	if (text_target)
	{
		st->labels = ens_dict_create(&st->labels_al);
		if (st->labels == NULL)
			LabelsFailed(st, NULL, false);
	}
	return st;
}

/* st keeps a group key per row (from its first row on) */
static void
SetGrouped(AggState *st, MemoryContext cxt)
{
	st->grouped = true;
	if (HeldBytes(st, st->cap) > ens_pg_memory_cap())
		OverCap(st, st->beside);
	st->g = MemoryContextAllocHuge(cxt, st->cap * sizeof(double));
	st->groups = ens_dict_create(&st->labels_al);
	if (st->groups == NULL)
		LabelsFailed(st, NULL, true);
}

static void
Reserve(AggState *st, size_t need)
{
	int			f;
	size_t		nc;

	if (need <= st->cap)
		return;
	if (need > AGG_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s accepts at most %d rows", st->aggname, AGG_MAX_ROWS)));
	nc = st->cap;
	while (nc < need)
		nc *= 2;
	/* the collected rows, with the labels (and forests), count against the training memory cap */
	if (HeldBytes(st, nc) > ens_pg_memory_cap())
		OverCap(st, st->beside);
	for (f = 0; f < st->p; f++)
		st->cols[f] = repalloc_huge(st->cols[f], nc * sizeof(double));
	st->y = repalloc_huge(st->y, nc * sizeof(double));
	if (st->grouped)
		st->g = repalloc_huge(st->g, nc * sizeof(double));
	st->cap = nc;
}

/*
 * st's holder now keeps beside bytes beside it (ens_agg_new), counted with
 * its rows and labels against the cap.
 */
void
ens_agg_hold_beside(AggState *st, uint64 beside)
{
	if (HeldBytes(st, st->cap) - st->beside + beside > ens_pg_memory_cap())
		OverCap(st, beside);
	st->beside = beside;
}

/*
 * Add the row of a transition call (arguments 1-3) to st, or to a new state
 * in cxt when st is NULL; returns the state (NULL: no row yet).  beside: as
 * ens_agg_new's.
 */
AggState *
ens_agg_add_row(FunctionCallInfo fcinfo, AggState *st, MemoryContext cxt, bool text_target,
				uint64 beside)
{
	ArrayType  *arr;
	int			n,
				f;
	Datum	   *el;
	bool	   *nl;
	MemoryContext old;

	if (st != NULL && st->finished)
		Finished(AggName(fcinfo));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return st;				/* rows without features or target are skipped */
	arr = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(arr) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array")));
	n = ArrayGetNItems(1, ARR_DIMS(arr));
	if (n < 1 || n > ENS_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("features has %d elements; 1 to %d are supported", n, ENS_MAX_FEATURES)));
	if (!text_target && isnan(PG_GETARG_FLOAT8(2)))
		return st;
	old = MemoryContextSwitchTo(cxt);
	if (st == NULL)
	{
		struct varlena *raw = RowParams(fcinfo);

		st = ens_agg_new(cxt, n, text_target, AggName(fcinfo), beside);
		if (raw != NULL)
		{
			st->params = DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(3)));
			st->params_len = VARSIZE_ANY_EXHDR(raw);
			st->params_raw = palloc(st->params_len);	/* binary: may hold NUL bytes */
			memcpy(st->params_raw, VARDATA_ANY(raw), st->params_len);
		}
		else
			st->params = pstrdup("{}");
		CheckFirstParams(fcinfo, st);
	}
	else
	{
		ens_agg_hold_beside(st, beside);
		CheckSameParams(st, fcinfo);
		if (st->p != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("features has %d elements, earlier rows had %d", n, st->p)));
	}
	Reserve(st, st->n + 1);
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &el, &nl, &n);
	for (f = 0; f < n; f++)
		st->cols[f][st->n] = nl[f] ? NAN : DatumGetFloat8(el[f]);
	if (text_target)
	{
		text	   *t = PG_GETARG_TEXT_PP(2);
		int64_t		id;

		if (VARSIZE_ANY_EXHDR(t) > ENS_MAX_NAME)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a target value is longer than %d bytes", ENS_MAX_NAME)));
		id = ens_dict_add(st->labels, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (id < 0)
			LabelsFailed(st, st->labels, false);
		st->y[st->n] = (double) id;
	}
	else
		st->y[st->n] = PG_GETARG_FLOAT8(2);
	st->n++;
	pfree(el);
	pfree(nl);
	MemoryContextSwitchTo(old);
	return st;
}

static AggState *
Trans(FunctionCallInfo fcinfo, bool text_target)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg_trans");

	return ens_agg_add_row(fcinfo, PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0),
						   cxt, text_target, 0);
}

/*
 * The 4-argument forms: the row (arguments 1-3) and its group key
 * (argument 4), which a kept row must have, as train_*'s group_by column.
 */
static AggState *
TransGroup(FunctionCallInfo fcinfo, bool text_target)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg_trans");
	AggState   *st = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	size_t		before = st ? st->n : 0;
	text	   *key;
	int64_t		id;

	st = ens_agg_add_row(fcinfo, st, cxt, text_target, 0);
	if (st == NULL || st->n == before)
		return st;				/* no row kept */
	if (!st->grouped)
		SetGrouped(st, cxt);	/* the first row */
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s group_key is NULL in some rows", st->aggname),
				 errhint("Leave those rows out, or give them a group key, in the query.")));
	key = PG_GETARG_TEXT_PP(4);
	if (VARSIZE_ANY_EXHDR(key) > ENS_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a group key is longer than %d bytes", ENS_MAX_NAME)));
	id = ens_dict_add(st->groups, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
	if (id < 0)
		LabelsFailed(st, st->groups, true);
	st->g[st->n - 1] = (double) id;
	return st;
}

PG_FUNCTION_INFO_V1(forest_agg_group_trans);
Datum
forest_agg_group_trans(PG_FUNCTION_ARGS)
{
	AggState   *st = TransGroup(fcinfo, false);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(forest_agg_group_trans_text);
Datum
forest_agg_group_trans_text(PG_FUNCTION_ARGS)
{
	AggState   *st = TransGroup(fcinfo, true);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(forest_agg_trans);
Datum
forest_agg_trans(PG_FUNCTION_ARGS)
{
	AggState   *st = Trans(fcinfo, false);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(forest_agg_trans_text);
Datum
forest_agg_trans_text(PG_FUNCTION_ARGS)
{
	AggState   *st = Trans(fcinfo, true);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(st);
}

/*
 * Ids in `to` of the entries of `from` that rows ids[0 .. n-1] name, into
 * out[0 .. n-1]: each entry is looked up (and added to `to`) once, at its
 * first row, so `to` gains them in the order of the rows, as one lookup per
 * row gave.  A check for interrupts every ENS_AGG_POLL_ROWS rows.
 */
static void
MapIds(AggState *a, EnsDict *to, const EnsDict *from, const double *ids, double *out, size_t n,
	   bool groups)
{
	uint32_t	nd = ens_dict_size(from);
	int64	   *map = palloc_extended(Max(nd, 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	size_t		i;

	for (i = 0; i < nd; i++)
		map[i] = -1;
	for (i = 0; i < n; i++)
	{
		uint32_t	v = (uint32_t) ids[i];

		if (i % ENS_AGG_POLL_ROWS == 0)
			CHECK_FOR_INTERRUPTS();
		if (map[v] < 0)
		{
			uint32_t	len;
			const char *s = ens_dict_get(from, v, &len, NULL);

			map[v] = ens_dict_add(to, s, len);
			if (map[v] < 0)
				LabelsFailed(a, to, groups);
		}
		out[i] = (double) map[v];
	}
	pfree(map);
}

/*
 * n values from src to dst, a check for interrupts before every piece of
 * ENS_AGG_POLL_ROWS: copying into fresh memory runs at the speed of its page
 * faults (about 0.1 s for a column of 666,667 rows here), too long unpolled.
 */
static void
CopyPolled(double *dst, const double *src, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i += ENS_AGG_POLL_ROWS)
	{
		CHECK_FOR_INTERRUPTS();
		memcpy(dst + i, src + i, Min(n - i, (size_t) ENS_AGG_POLL_ROWS) * sizeof(double));
	}
}

/*
 * Append b's rows to a (a new state in cxt when a is NULL); returns a.
 * aggname names the aggregate in errors; beside: as ens_agg_new's.
 */
AggState *
ens_agg_append(AggState *a, const AggState *b, MemoryContext cxt, const char *aggname,
			   uint64 beside)
{
	MemoryContext old;
	int			f;

	if ((a != NULL && a->finished) || (b != NULL && b->finished))
		Finished(aggname);
	if (b == NULL || b->n == 0)
		return a;
	old = MemoryContextSwitchTo(cxt);
	if (a == NULL)
	{
		a = ens_agg_new(cxt, b->p, b->text_target, aggname, beside);
		a->params = pstrdup(b->params);
		if (b->grouped)
			SetGrouped(a, cxt);
	}
	else
		ens_agg_hold_beside(a, beside);
	if (a->p != b->p || a->text_target != b->text_target || a->grouped != b->grouped)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s partial states have different shapes", aggname),
				 a->p != b->p ? errdetail("One partial state has rows of %d features, the other of %d.",
										  a->p, b->p) : 0,
				 errhint("Pass the same number of features in every row.")));
	if (strcmp(a->params, b->params) != 0)
		DifferentParams(aggname);
	Reserve(a, a->n + b->n);
	for (f = 0; f < a->p; f++)
		CopyPolled(a->cols[f] + a->n, b->cols[f], b->n);
	if (a->text_target)
		MapIds(a, a->labels, b->labels, b->y, a->y + a->n, b->n, false);
	else
		CopyPolled(a->y + a->n, b->y, b->n);
	if (a->grouped)
		MapIds(a, a->groups, b->groups, b->g, a->g + a->n, b->n, true);
	a->n += b->n;
	MemoryContextSwitchTo(old);
	return a;
}

PG_FUNCTION_INFO_V1(forest_agg_combine);
Datum
forest_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg_combine");
	AggState   *a = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	AggState   *b = PG_ARGISNULL(1) ? NULL : (AggState *) PG_GETARG_POINTER(1);

	a = ens_agg_append(a, b, cxt, AggName(fcinfo), 0);
	if (a == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(a);
}

/* The rows of a state as the PostgreSQL-free format sees them. */
static EnsAggRows
Rows(const AggState *st)
{
	EnsAggRows	rows;

	rows.p = (uint32) st->p;
	rows.text_target = st->text_target;
	rows.n = st->n;
	rows.params = st->params;
	rows.params_len = st->params ? (uint32) strlen(st->params) : 0;
	rows.labels = st->labels;
	rows.cols = st->cols;
	rows.y = st->y;
	rows.grouped = st->grouped;
	rows.groups = st->groups;
	rows.g = st->g;
	return rows;
}

/* The state's rows and params as bytes ("EDPA" ..., ensemble_agg_state.h), appended to buf. */
void
ens_agg_write(const AggState *st, StringInfo buf)
{
	EnsAggRows	rows = Rows(st);
	uint64		size = ens_agg_write_size(&rows);

	/* too large for a buffer: enlargeStringInfo's error, as appending piece by piece gave */
	enlargeStringInfo(buf, (int) Min(size, (uint64) MaxAllocSize));
	/* ens_pg_interrupt never returns false: a cancel leaves by its error */
	(void) ens_agg_write_rows(&rows, (uint8_t *) buf->data + buf->len, ens_pg_interrupt, NULL);
	buf->len += (int) size;
	buf->data[buf->len] = '\0';
}

PG_FUNCTION_INFO_V1(forest_agg_serial);
Datum
forest_agg_serial(PG_FUNCTION_ARGS)
{
	AggState   *st = (AggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	if (st->finished)
		Finished(AggName(fcinfo));
	pq_begintypsend(&buf);
	if (ens_agg_local_ok(fcinfo))
	{
		/* the leader's own state: its key only (model_agg_local.c) */
		MemoryContext cxt = AggCxt(fcinfo, "forest_agg_serial");

		pq_sendint32(&buf, ENS_AGG_LOCAL_MAGIC);
		pq_sendint64(&buf, (int64) ens_agg_local_put(st, cxt));
	}
	else
		ens_agg_write(st, &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
BadState(const char *aggname)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("invalid partial state of %s", aggname),
			 errhint("A partial state must reach the combine function as the serial function wrote it.")));
}

/*
 * Whether every text in d is valid in the database encoding: a state's
 * labels become a model's class labels (which its reader checks) and its
 * group keys reach the group split, so forged bytes stop here (22000).
 */
static bool
DictTextValid(const EnsDict *d)
{
	uint32_t	i,
				n = d ? ens_dict_size(d) : 0;

	for (i = 0; i < n; i++)
	{
		uint32_t	len;
		const char *s = ens_dict_get(d, i, &len, NULL);

		if (i % ENS_AGG_POLL_ROWS == 0)
			CHECK_FOR_INTERRUPTS();
		if (!pg_verifymbstr(s, (int) len, true))
			return false;
	}
	return true;
}

/*
 * Read what ens_agg_write() wrote, from buf's cursor (ensemble_agg_state.c
 * checks every count against the bytes left); the state is allocated in
 * cxt, its rows only once the bytes are known to hold them.  aggname names
 * the aggregate in errors: a damaged state is bad data (22000), never a
 * protocol violation (08P01); labels past the memory cap, or out of memory,
 * fail as they do in the transition function (54000), not as bad data.
 * beside: as ens_agg_new's; grouped_ok: whether the state may carry group
 * keys (forest_agg_trees's rows never do).
 */
AggState *
ens_agg_read(StringInfo bufp, MemoryContext cxt, const char *aggname, uint64 beside,
			 bool grouped_ok)
{
	EnsAggReader r;
	EnsAggRows	rows;
	AggState   *st;
	EnsStatus	rc;
	MemoryContext old;

	ens_agg_reader_init(&r, (const uint8_t *) bufp->data + bufp->cursor,
						(size_t) (bufp->len - bufp->cursor));
	if (ens_agg_read_header(&r, &rows) != ENS_OK || (rows.grouped && !grouped_ok))
		BadState(aggname);
	old = MemoryContextSwitchTo(cxt);
	st = ens_agg_new(cxt, (int) rows.p, rows.text_target, aggname, beside);
	if (rows.grouped)
		SetGrouped(st, cxt);
	rows.labels = st->labels;
	rows.groups = st->groups;
	rc = ens_agg_read_labels(&r, &rows, ens_pg_interrupt, NULL);
	/* the group keys are read after the labels: a count of them, they failed */
	if (rc == ENS_ENOMEM && r.n_groups > 0)
		LabelsFailed(st, st->groups, true);
	if (rc == ENS_ENOMEM)
		LabelsFailed(st, st->labels, false);
	if (rc != ENS_OK || !DictTextValid(st->labels) || !DictTextValid(st->groups))
		BadState(aggname);
	st->params = pnstrdup(rows.params, rows.params_len);
	Reserve(st, (size_t) Max(rows.n, 1));
	rows.cols = st->cols;
	rows.y = st->y;
	rows.g = st->g;
	if (ens_agg_read_rows(&r, &rows, ens_pg_interrupt, NULL) != ENS_OK)
		BadState(aggname);
	st->n = (size_t) rows.n;
	MemoryContextSwitchTo(old);
	bufp->cursor += (int) r.pos;
	return st;
}

PG_FUNCTION_INFO_V1(forest_agg_deserial);
Datum
forest_agg_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg_deserial");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	AggState   *st;
	uint64		key;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (ens_agg_local_key((const uint8_t *) buf.data, (size_t) buf.len, &key))
	{
		/* the leader's own state, read where it is: combine only reads it */
		AggState   *own = (AggState *) ens_agg_local_get(key);

		if (own == NULL)
			BadState("the model aggregate");
		st = MemoryContextAlloc(cxt, sizeof(AggState));
		*st = *own;
		PG_RETURN_POINTER(st);
	}
	/*
	 * PostgreSQL does not say which aggregate a deserial function runs for:
	 * AggGetAggref() answers with the aggregate whose transition ran last,
	 * another one of the query, or none, so no name is guessed here.
	 */
	st = ens_agg_read(&buf, cxt, "the model aggregate", 0, true);
	if (buf.cursor != buf.len)
		BadState("the model aggregate");
	PG_RETURN_POINTER(st);
}

/* ---------- final: params, the shared training set, training ---------- */

typedef struct AggParams
{
	void	   *lp;				/* the learner's parameters */
	int64		seed;
	int			task;			/* 0 auto */
	char	  **names;
} AggParams;

/* A jsonb object as a learner value: its text and members, a value not a number as NaN. */
static void
ObjectValue(EnsValue *ev, JsonbContainer *c, int len)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	k;
	JsonbIteratorToken tok;
	uint32		n = 0;
	char	  **keys = palloc(sizeof(char *) * (JsonContainerSize(c) + 1));
	double	   *nums = palloc(sizeof(double) * (JsonContainerSize(c) + 1));

	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		JsonbValue	e;

		if (tok != WJB_KEY)
			continue;
		keys[n] = pnstrdup(k.val.string.val, k.val.string.len);
		(void) JsonbIteratorNext(&it, &e, true);
		nums[n++] = e.type == jbvNumeric ? ens_json_value(&e).num : get_float8_nan();
	}
	ev->type = ENS_V_OBJECT;
	ev->str = JsonbToCString(NULL, c, len);
	ev->n = n;
	ev->keys = (const char *const *) keys;
	ev->nums = nums;
}

/*
 * A jsonb scalar as a learner value.  A number beyond a double (1e400) is
 * read as an infinity and one below its smallest (1e-400) as 0, as the
 * nearest doubles, not refused here with PostgreSQL's '"1e400" is out of
 * range for type double precision', which names no key: the caller's
 * checks refuse it as they refuse 1e300 or 0, naming the key and its range.
 * A knob that allows 0 (l2, min_child_weight) takes 1e-400 as 0, as Python
 * reads it before scikit-learn or XGBoost sees it: refusing it there only
 * would need each knob's range here.
 */
EnsValue
ens_json_value(JsonbValue *v)
{
	EnsValue	ev = {ENS_V_OTHER, 0, NULL};

	if (v->type == jbvNull)
		ev.type = ENS_V_NULL;
	else if (v->type == jbvNumeric)
	{
		ev.type = ENS_V_NUMBER;
		ev.num = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
													 NumericGetDatum(v->val.numeric)));
	}
	else if (v->type == jbvString)
	{
		ev.type = ENS_V_STRING;
		ev.str = pnstrdup(v->val.string.val, v->val.string.len);
	}
	else if (v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data))
		ObjectValue(&ev, v->val.binary.data, v->val.binary.len);
	return ev;
}

/* an error of jsonb_in says which argument it was reading */
static void
TextArgContext(void *arg)
{
	errcontext("while reading the %s argument as JSON", (const char *) arg);
}

/*
 * A text argument, name, as a learner value: the text of a JSON object
 * (class_weight => '{"Dropout": 3}') as that object, any other text (JSON
 * that is no object, or no JSON) as a string the validator may refuse,
 * naming the argument.  What JSON's syntax allows but jsonb does not (a
 * number beyond numeric's range, 1e200000) is jsonb_in's error, its
 * context naming the argument: PostgreSQL 15's jsonb_in has no soft errors
 * to turn into ours.
 */
EnsValue
ens_text_value(char *text, const char *name)
{
	EnsValue	ev = {ENS_V_STRING, 0, text};
	const char *t = text;
	JsonLexContext *lex;

	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	if (*t != '{')
		return ev;
	lex = makeJsonLexContextCstringLen(text, strlen(text), GetDatabaseEncoding(), true);
	if (pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS)
	{
		ErrorContextCallback cb = {error_context_stack, TextArgContext, (void *) name};
		Jsonb	   *jb;

		error_context_stack = &cb;
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
		error_context_stack = cb.previous;
		ObjectValue(&ev, &jb->root, VARSIZE(jb));
	}
	return ev;
}

static void
FeatureNames(JsonbValue *v, int p, AggParams *ap)
{
	Jsonb	   *arr;
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			k = 0;

	if (v->type != jbvBinary)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("params.feature_names must be an array of strings")));
	arr = JsonbValueToJsonb(v);
	if (!JB_ROOT_IS_ARRAY(arr) || JB_ROOT_COUNT(arr) != (uint32) p)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("params.feature_names must be an array of %d strings", p)));
	ap->names = palloc0(sizeof(char *) * p);
	it = JsonbIteratorInit(&arr->root);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		int			j;

		if (tok != WJB_ELEM)
			continue;
		if (e.type != jbvString || e.val.string.len == 0 ||
			e.val.string.len > NAMEDATALEN * 4 || k >= p)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("params.feature_names must be non-empty strings")));
		ap->names[k] = pnstrdup(e.val.string.val, e.val.string.len);
		for (j = 0; j < k; j++)
			if (strcmp(ap->names[j], ap->names[k]) == 0)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.feature_names has \"%s\" twice", ap->names[k])));
		k++;
	}
}

typedef struct AggKeys
{
	const EnsLearner *l;
	AggParams  *ap;
	int			p;
} AggKeys;

/* One key of params: the pipeline's, else the learner's. */
static void
AggKey(const char *key, const EnsValue *ev, JsonbValue *raw, void *arg)
{
	AggKeys    *k = (AggKeys *) arg;
	AggParams  *ap = k->ap;

	if (strcmp(key, "seed") == 0)
	{
		if (ev->type == ENS_V_NULL)
			return;
		if (ev->type != ENS_V_NUMBER || ev->num != floor(ev->num) || fabs(ev->num) > 9e15)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("params.seed must be an integer between -9e15 and 9e15")));
		ap->seed = (int64) ev->num;
	}
	else if (strcmp(key, "task") == 0)
		ap->task = ens_params_task(ev);
	else if (strcmp(key, "feature_names") == 0)
	{
		if (ev->type != ENS_V_NULL)
			FeatureNames(raw, k->p, ap);
	}
	else
	{
		EnsParamWhy why;
		EnsParamResult r = k->l->set(ap->lp, key, ev, &why);

		if (r == ENS_PARAM_UNKNOWN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown key \"%s\" in params", key),
					 errhint("Valid keys: %s, seed, task, feature_names.", k->l->param_names)));
		if (r != ENS_PARAM_OK)
			ens_param_error("params.", key, r, &why);
	}
}

/*
 * params: the pipeline's keys (seed, task, feature_names), every other key
 * through the learner's one validator.
 */
static void
ParseParams(const char *json, int p, const EnsLearner *l, AggParams *ap)
{
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	AggKeys		k = {l, ap, p};

	memset(ap, 0, sizeof(*ap));
	ap->lp = palloc0(l->params_size);
	l->defaults(ap->lp);
	ap->seed = 42;
	ens_jsonb_each(jb, "params", AggKey, &k);
	if (l->check)
		l->check(ap->lp, ap->task, 0, true);
}

/*
 * The learner of the aggregate a transition call runs for, from its final
 * function (forest_agg_final, boost_agg_final; forest_agg and boost_agg
 * share their transition functions), NULL for any other (forest_agg_trees
 * checks its params at its first row itself, FirstRow): looked up once per
 * query, kept in fn_extra.
 */
typedef struct TransLearnerCache
{
	const EnsLearner *l;
} TransLearnerCache;

static const EnsLearner *
TransLearner(FunctionCallInfo fcinfo)
{
	TransLearnerCache *c = (TransLearnerCache *) fcinfo->flinfo->fn_extra;
	Aggref	   *ar;
	HeapTuple	tup;

	if (c != NULL)
		return c->l;
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TransLearnerCache));
	ar = AggGetAggref(fcinfo);
	tup = ar ? SearchSysCache1(AGGFNOID, ObjectIdGetDatum(ar->aggfnoid)) : NULL;
	if (HeapTupleIsValid(tup))
	{
		Oid			finalfn = ((Form_pg_aggregate) GETSTRUCT(tup))->aggfinalfn;
		FmgrInfo	fi;

		ReleaseSysCache(tup);
		if (OidIsValid(finalfn))
		{
			fmgr_info(finalfn, &fi);
			if (fi.fn_addr == forest_agg_final)
				c->l = &ens_forest_learner;
			else if (fi.fn_addr == boost_agg_final)
				c->l = &ens_boost_learner;
		}
	}
	fcinfo->flinfo->fn_extra = c;
	return c->l;
}

/*
 * The params st stored at its first row, through the final function's
 * parser and the learner's check (ParseParams), before any other row is
 * read: what needs no rows (unknown keys, types, ranges, feature_names
 * against the first row's features, an explicit task against the other
 * keys) is refused with the final function's error, not after the whole
 * input was collected.  Every state's first row is checked, so each worker
 * of a parallel plan checks its own.  What the rows decide ('auto', the
 * classes, the number of rows) waits for the final function; later rows
 * are only compared with the first (CheckSameParams).
 */
static void
CheckFirstParams(FunctionCallInfo fcinfo, const AggState *st)
{
	const EnsLearner *l;
	AggParams	ap;
	MemoryContext cxt,
				old;

	if (st->params_raw == NULL)
		return;					/* the defaults */
	l = TransLearner(fcinfo);
	if (l == NULL)
		return;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "model aggregate params", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	ParseParams(st->params, st->p, l, &ap);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}

/* Are all targets integers (what 'auto' calls classes, with few values)? */
static bool
IntegerTargets(const AggState *st)
{
	size_t		i;

	for (i = 0; i < st->n; i++)
		if (st->y[i] != floor(st->y[i]))
			return false;
	return true;
}

/*
 * Train the learner on the state's rows, in their canonical order, with
 * params.seed XOR seed_mix; returns the model bytes (palloc'd in the
 * caller's context), lean: without the feature and output histograms.  The
 * state's columns are consumed.
 */
bytea *
ens_agg_train(AggState *st, const EnsLearner *l, uint64 seed_mix, bool lean)
{
	AggParams	ap;
	EnsTrainSet ts;
	EnsModel	model;
	EnsPgAlloc	pa;
	StringInfoData scratch;
	bool		first = true;
	size_t		len;
	bytea	   *res;
	uint32_t	f;
	uint64_t	seed;
	MemoryContext cxt,
				old;

	st->finished = true;		/* sorted in place, then freed by binning */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "model aggregate final", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	ens_pg_alloc_init(&pa, cxt, true);
	ParseParams(st->params, st->p, l, &ap);
	seed = (uint64_t) ap.seed ^ seed_mix;

	/* the state's columns become the training set (sorted in place) */
	ens_trainset_init(&ts, (uint32_t) st->p, st->text_target, l, &pa);
	if (st->grouped)
	{
		/* the group keys follow the rows as train_*'s group_by column does */
		ens_trainset_add_aux(&ts, 1);
		ts.aux[0] = st->g;
		ts.aux_dict[0] = st->groups;
		ts.group_by = "group_key";
		ts.group_key_of = st->aggname;
	}
	/* the learner's settings are keys of params: hints name them so */
	ts.settings_in_params = true;
	for (f = 0; f < ts.p; f++)
	{
		ts.names[f] = ap.names ? ap.names[f] : psprintf("f%u", f + 1);
		ts.kinds[f] = ENS_NUMERIC;
		ts.cols[f] = st->cols[f];
	}
	ts.y = st->y;
	if (st->text_target)
		ts.tdict = st->labels;
	ts.n = ts.cap = st->n;
	if (!st->text_target)
		for (len = 0; len < st->n; len++)
			ens_trainset_note_target(&ts, st->y[len], len + 1);
	ens_trainset_canonical_order(&ts);
	ens_trainset_target(&ts, ap.task, IntegerTargets(st), "target");
	ens_trainset_split(&ts, 0, seed);
	ens_trainset_bin(&ts, seed, true);
	for (f = 0; f < ts.p; f++)
		st->cols[f] = NULL;		/* freed by binning */

	ens_trainset_model(&ts, &model, l->tag);
	ens_pg_check(l->train(&model, &ts, ap.lp, seed, &pa.al, NULL),
				 l->training, NULL);
	ens_trainset_profile(&ts, &model, NULL, &pa.al);
	if (lean && model.ext)
	{
		/* a part of a model to merge: covers and class counts only */
		model.ext->hist = NULL;
		model.ext->hist_off = NULL;
		model.ext->pred.n_out = 0;
	}
	/* what the learner reports goes nowhere here, but is released */
	initStringInfo(&scratch);
	l->metrics_json(&scratch, ap.lp, &model, &first);
	res = ens_model_bytea(&model, old);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	st->n = 0;
	return res;
}

/*
 * Parsed params (seed, task, feature names and the learner's own) of p
 * features, for an aggregate that checks them before training; names NULL:
 * f1, f2, ...
 */
void
ens_agg_params(const char *params, int p, const EnsLearner *l, int *task, void **learner_params,
			   char ***names)
{
	AggParams	ap;

	ParseParams(params, p, l, &ap);
	*task = ap.task;
	*learner_params = ap.lp;
	*names = ap.names;
}

/* Train the learner on the state's rows, in their canonical order. */
static Datum
AggFinal(FunctionCallInfo fcinfo, const EnsLearner *l)
{
	AggState   *st;

	(void) AggCxt(fcinfo, "the final function of a model aggregate");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AggState *) PG_GETARG_POINTER(0);
	if (st->finished)
		Finished(AggName(fcinfo));
	if (st->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(ens_agg_train(st, l, 0, false));
}

PG_FUNCTION_INFO_V1(forest_agg_final);
Datum
forest_agg_final(PG_FUNCTION_ARGS)
{
	return AggFinal(fcinfo, &ens_forest_learner);
}

PG_FUNCTION_INFO_V1(boost_agg_final);
Datum
boost_agg_final(PG_FUNCTION_ARGS)
{
	return AggFinal(fcinfo, &ens_boost_learner);
}
