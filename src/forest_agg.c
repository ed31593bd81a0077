/*
 * forest_agg.c - forest_agg(features float8[], target float8|text, params
 * jsonb) -> bytea, an aggregate that trains a forest over the rows it sees.
 *
 * The state collects rows (column-major doubles plus the target); the
 * combine function appends one partial state's rows to another, so a
 * parallel plan combines rows, not trees.  The final function sorts the
 * rows into a canonical order (by features, then target label) before
 * training, so serial and parallel plans, and any input order, give the
 * same model for the same params.seed.  Internal state with serial and
 * deserial functions; the serialised state is validated on the way in.
 *
 * params keys: n_trees, max_depth, min_samples_leaf, max_features,
 * class_weight, sample_fraction, seed, task (float8 target only:
 * auto/classification/regression), feature_names (array of strings).
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "ensemble_pg.h"

#define AGG_MAX_ROWS 100000000

typedef struct AggState
{
	int			p;				/* -1 until the first row */
	bool		text_target;
	size_t		n,
				cap;
	double	  **cols;			/* p columns */
	double	   *y;				/* value, or label id for text */
	EnsDict *labels;
	char	   *params;			/* jsonb text of the first row's params */
	char	   *params_raw;		/* first row's jsonb bytes (NULL: no params), this process only */
	int			params_len;
	EnsPgAlloc pa;
} AggState;

/*
 * The model is trained with one set of params; letting the first row decide
 * would make the result depend on row order, so every row must agree.
 */
static void
CheckSameParams(const AggState *st, FunctionCallInfo fcinfo)
{
	struct varlena *raw;

	if (PG_ARGISNULL(3) || st->params_raw == NULL)
	{
		if (PG_ARGISNULL(3) && st->params_raw == NULL)
			return;
	}
	else
	{
		raw = pg_detoast_datum_packed((struct varlena *) PG_GETARG_POINTER(3));
		if ((int) VARSIZE_ANY_EXHDR(raw) == st->params_len &&
			memcmp(VARDATA_ANY(raw), st->params_raw, st->params_len) == 0)
			return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("forest_agg params must be the same in every row"),
			 errhint("Pass the params as a constant.")));
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

static AggState *
NewState(MemoryContext cxt, int p, bool text_target)
{
	AggState   *st = MemoryContextAllocZero(cxt, sizeof(AggState));
	int			f;

	st->p = p;
	st->text_target = text_target;
	st->cap = 256;
	st->cols = MemoryContextAlloc(cxt, sizeof(double *) * Max(p, 1));
	for (f = 0; f < p; f++)
		st->cols[f] = MemoryContextAllocHuge(cxt, st->cap * sizeof(double));
	st->y = MemoryContextAllocHuge(cxt, st->cap * sizeof(double));
	ens_pg_alloc_init(&st->pa, cxt, false);
	if (text_target)
		st->labels = ens_dict_create(&st->pa.al);
	return st;
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
				 errmsg("forest_agg accepts at most %d rows", AGG_MAX_ROWS)));
	nc = st->cap;
	while (nc < need)
		nc *= 2;
	for (f = 0; f < st->p; f++)
		st->cols[f] = repalloc_huge(st->cols[f], nc * sizeof(double));
	st->y = repalloc_huge(st->y, nc * sizeof(double));
	st->cap = nc;
}

static AggState *
Trans(FunctionCallInfo fcinfo, bool text_target)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg");
	AggState   *st = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	ArrayType  *arr;
	int			n,
				f;
	Datum	   *el;
	bool	   *nl;
	MemoryContext old;

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
		st = NewState(cxt, n, text_target);
		if (!PG_ARGISNULL(3))
		{
			struct varlena *raw = pg_detoast_datum_packed((struct varlena *) PG_GETARG_POINTER(3));

			st->params = DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(3)));
			st->params_len = VARSIZE_ANY_EXHDR(raw);
			st->params_raw = palloc(st->params_len);	/* binary: may hold NUL bytes */
			memcpy(st->params_raw, VARDATA_ANY(raw), st->params_len);
		}
		else
			st->params = pstrdup("{}");
	}
	else
	{
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
			ens_pg_check(ENS_ENOMEM, "forest_agg", NULL);
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

PG_FUNCTION_INFO_V1(forest_agg_combine);
Datum
forest_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg_combine");
	AggState   *a = PG_ARGISNULL(0) ? NULL : (AggState *) PG_GETARG_POINTER(0);
	AggState   *b = PG_ARGISNULL(1) ? NULL : (AggState *) PG_GETARG_POINTER(1);
	MemoryContext old;
	size_t		i;
	int			f;

	if (b == NULL || b->n == 0)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	old = MemoryContextSwitchTo(cxt);
	if (a == NULL)
	{
		a = NewState(cxt, b->p, b->text_target);
		a->params = pstrdup(b->params);
	}
	if (a->p != b->p || a->text_target != b->text_target)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("forest_agg partial states have different shapes")));
	if (strcmp(a->params, b->params) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("forest_agg params must be the same in every row"),
				 errhint("Pass the params as a constant.")));
	Reserve(a, a->n + b->n);
	for (f = 0; f < a->p; f++)
		memcpy(a->cols[f] + a->n, b->cols[f], b->n * sizeof(double));
	for (i = 0; i < b->n; i++)
	{
		double		v = b->y[i];

		if (a->text_target)
		{
			uint32_t	len;
			const char *s = ens_dict_get(b->labels, (uint32_t) v, &len, NULL);
			int64_t		id = ens_dict_add(a->labels, s, len);

			if (id < 0)
				ens_pg_check(ENS_ENOMEM, "forest_agg", NULL);
			v = (double) id;
		}
		a->y[a->n + i] = v;
	}
	a->n += b->n;
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(forest_agg_serial);
Datum
forest_agg_serial(PG_FUNCTION_ARGS)
{
	AggState   *st = (AggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	size_t		i;
	int			f;
	uint32_t	nl = st->text_target ? ens_dict_size(st->labels) : 0;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, 0x45445041);	/* "EDPA" */
	pq_sendint32(&buf, (uint32) st->p);
	pq_sendbyte(&buf, st->text_target ? 1 : 0);
	pq_sendint64(&buf, (int64) st->n);
	pq_sendint32(&buf, (uint32) strlen(st->params));
	pq_sendbytes(&buf, st->params, strlen(st->params));
	pq_sendint32(&buf, nl);
	for (i = 0; i < nl; i++)
	{
		uint32_t	len;
		const char *s = ens_dict_get(st->labels, (uint32_t) i, &len, NULL);

		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, s, len);
	}
	for (f = 0; f < st->p; f++)
		for (i = 0; i < st->n; i++)
			pq_sendfloat8(&buf, st->cols[f][i]);
	for (i = 0; i < st->n; i++)
		pq_sendfloat8(&buf, st->y[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
BadState(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("invalid forest_agg state")));
}

PG_FUNCTION_INFO_V1(forest_agg_deserial);
Datum
forest_agg_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggCxt(fcinfo, "forest_agg_deserial");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	AggState   *st;
	int			p;
	bool		tt;
	int64		n;
	uint32		plen,
				nl,
				i;
	int			f;
	MemoryContext old;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 21 || pq_getmsgint(&buf, 4) != 0x45445041)
		BadState();
	p = (int) pq_getmsgint(&buf, 4);
	tt = pq_getmsgbyte(&buf) != 0;
	n = pq_getmsgint64(&buf);
	if (p < 1 || p > ENS_MAX_FEATURES || n < 0 || n > AGG_MAX_ROWS)
		BadState();
	/* the fixed-size parts must fit in what is left */
	if ((uint64) (p + 1) * (uint64) n * 8 > (uint64) (buf.len - buf.cursor))
		BadState();
	old = MemoryContextSwitchTo(cxt);
	st = NewState(cxt, p, tt);
	plen = pq_getmsgint(&buf, 4);
	if (plen > (uint32) (buf.len - buf.cursor))
		BadState();
	st->params = pnstrdup(pq_getmsgbytes(&buf, plen), plen);
	nl = pq_getmsgint(&buf, 4);
	if (!tt && nl != 0)
		BadState();
	for (i = 0; i < nl; i++)
	{
		uint32		len = pq_getmsgint(&buf, 4);

		if (len > ENS_MAX_NAME || len > (uint32) (buf.len - buf.cursor))
			BadState();
		if (ens_dict_add(st->labels, pq_getmsgbytes(&buf, len), len) != (int64_t) i)
			BadState();
	}
	Reserve(st, (size_t) Max(n, 1));
	for (f = 0; f < p; f++)
		for (i = 0; i < (uint32) n; i++)
			st->cols[f][i] = pq_getmsgfloat8(&buf);
	for (i = 0; i < (uint32) n; i++)
	{
		double		v = pq_getmsgfloat8(&buf);

		if (tt && !(v >= 0 && v < nl && v == floor(v)))
			BadState();
		st->y[i] = v;
	}
	st->n = (size_t) n;
	pq_getmsgend(&buf);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* ---------- final: params, canonical order, training ---------- */

typedef struct AggParams
{
	ForestParams fp;
	int			task;			/* 0 auto */
	char	  **names;
} AggParams;

static double
JsonNumber(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("params.%s must be a number", key)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static void
ParseParams(const char *json, int p, AggParams *ap)
{
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(ap, 0, sizeof(*ap));
	ap->fp.n_trees = 100;
	ap->fp.min_samples_leaf = 1;
	ap->fp.sample_fraction = 1.0;
	ap->fp.seed = 42;
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("params must be a JSON object")));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		tok = JsonbIteratorNext(&it, &v, true);
		if (v.type == jbvNull)
			continue;
		if (strcmp(key, "n_trees") == 0)
		{
			double		d = JsonNumber(&v, key);

			if (!(d >= 1 && d <= ENS_MAX_TREES) || d != floor(d))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.n_trees must be an integer in [1, %d]", ENS_MAX_TREES)));
			ap->fp.n_trees = (int) d;
		}
		else if (strcmp(key, "max_depth") == 0)
		{
			double		d = JsonNumber(&v, key);

			if (!(d >= 1 && d <= 100000) || d != floor(d))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.max_depth must be a positive integer")));
			ap->fp.max_depth = (int) d;
		}
		else if (strcmp(key, "min_samples_leaf") == 0)
		{
			double		d = JsonNumber(&v, key);

			if (!(d >= 1 && d <= INT_MAX) || d != floor(d))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.min_samples_leaf must be a positive integer")));
			ap->fp.min_samples_leaf = (int) d;
		}
		else if (strcmp(key, "max_features") == 0)
		{
			double		d = JsonNumber(&v, key);

			if (!(d > 0 && d <= 1))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.max_features must be in (0, 1]")));
			ap->fp.max_features = d;
		}
		else if (strcmp(key, "sample_fraction") == 0)
		{
			double		d = JsonNumber(&v, key);

			if (!(d > 0 && d <= 1))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.sample_fraction must be in (0, 1]")));
			ap->fp.sample_fraction = d;
		}
		else if (strcmp(key, "seed") == 0)
		{
			double		d = JsonNumber(&v, key);

			if (d != floor(d) || fabs(d) > 9e15)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.seed must be an integer")));
			ap->fp.seed = (uint64_t) (int64) d;
		}
		else if (strcmp(key, "class_weight") == 0)
		{
			if (v.type != jbvString || v.val.string.len != 8 ||
				memcmp(v.val.string.val, "balanced", 8) != 0)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.class_weight must be null or \"balanced\"")));
			ap->fp.balanced = true;
		}
		else if (strcmp(key, "task") == 0)
		{
			char	   *t = v.type == jbvString ? pnstrdup(v.val.string.val, v.val.string.len) : "";

			if (strcmp(t, "auto") == 0)
				ap->task = 0;
			else if (strcmp(t, "classification") == 0)
				ap->task = ENS_CLASSIFICATION;
			else if (strcmp(t, "regression") == 0)
				ap->task = ENS_REGRESSION;
			else
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.task must be \"auto\", \"classification\" or \"regression\"")));
		}
		else if (strcmp(key, "feature_names") == 0)
		{
			Jsonb	   *arr;
			JsonbIterator *it2;
			JsonbValue	e;
			int			k = 0;

			if (v.type != jbvBinary)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.feature_names must be an array of strings")));
			arr = JsonbValueToJsonb(&v);
			if (!JB_ROOT_IS_ARRAY(arr) || JB_ROOT_COUNT(arr) != (uint32) p)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("params.feature_names must be an array of %d strings", p)));
			ap->names = palloc0(sizeof(char *) * p);
			it2 = JsonbIteratorInit(&arr->root);
			while ((tok = JsonbIteratorNext(&it2, &e, true)) != WJB_DONE)
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
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown key \"%s\" in params", key),
					 errhint("Valid keys: n_trees, max_depth, min_samples_leaf, max_features, class_weight, sample_fraction, seed, task, feature_names.")));
	}
}

typedef struct SortCtx
{
	AggState   *st;
	const uint32_t *rank;		/* label rank for text targets */
} SortCtx;

static int
CmpD(double a, double b)
{
	bool		na = isnan(a),
				nb = isnan(b);

	if (na || nb)
		return (int) na - (int) nb;
	return (a > b) - (a < b);
}

static int
CmpRows(const void *x, const void *y, void *arg)
{
	SortCtx    *c = arg;
	uint32_t	i = *(const uint32_t *) x,
				j = *(const uint32_t *) y;
	int			f,
				r;

	for (f = 0; f < c->st->p; f++)
		if ((r = CmpD(c->st->cols[f][i], c->st->cols[f][j])) != 0)
			return r;
	if (c->rank)
		return (int) c->rank[(uint32_t) c->st->y[i]] - (int) c->rank[(uint32_t) c->st->y[j]];
	return CmpD(c->st->y[i], c->st->y[j]);
}

typedef struct LabelSort
{
	const char *s;
	uint32_t	len;
	uint32_t	id;
} LabelSort;

static int
CmpLabel(const void *a, const void *b)
{
	const LabelSort *x = a,
			   *y = b;

	return ens_bytes_cmp(x->s, x->len, y->s, y->len);
}

static int
CmpDbl(const void *a, const void *b)
{
	return CmpD(*(const double *) a, *(const double *) b);
}

PG_FUNCTION_INFO_V1(forest_agg_final);
Datum
forest_agg_final(PG_FUNCTION_ARGS)
{
	AggState   *st;
	AggParams	ap;
	uint32_t	p,
				n,
				i,
				K = 0;
	uint32_t   *perm,
			   *rank = NULL,
			   *ycls = NULL;
	SortCtx		sc;
	double	   *tmp;
	int			f;
	int			task;
	EnsModel model;
	EnsFeature *F;
	const char **cls_s = NULL;
	uint32_t   *cls_l = NULL;
	uint8_t    *X;
	EnsData	fd;
	EnsStatus rc;
	uint8_t    *bytes;
	size_t		len;
	bytea	   *res;
	MemoryContext cxt,
				old;
	EnsPgAlloc pa;
	EnsAlloc outal;

	(void) AggCxt(fcinfo, "forest_agg_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AggState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	cxt = AllocSetContextCreate(CurrentMemoryContext, "forest_agg final", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	ens_pg_alloc_init(&pa, cxt, true);
	p = (uint32_t) st->p;
	n = (uint32_t) st->n;
	ParseParams(st->params, (int) p, &ap);

	/* labels in byte order, as ranks */
	if (st->text_target)
	{
		uint32_t	nl = ens_dict_size(st->labels);
		LabelSort  *ls = palloc(sizeof(LabelSort) * nl);

		if (nl > ENS_MAX_CLASSES)
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("target has %u classes, more than %d", nl, ENS_MAX_CLASSES)));
		for (i = 0; i < nl; i++)
		{
			ls[i].s = ens_dict_get(st->labels, i, &ls[i].len, NULL);
			ls[i].id = i;
		}
		qsort(ls, nl, sizeof(LabelSort), CmpLabel);
		rank = palloc(sizeof(uint32_t) * nl);
		cls_s = palloc(sizeof(char *) * nl);
		cls_l = palloc(sizeof(uint32_t) * nl);
		for (i = 0; i < nl; i++)
		{
			rank[ls[i].id] = i;
			cls_s[i] = ls[i].s;
			cls_l[i] = ls[i].len;
		}
		K = nl;
	}

	/* canonical row order */
	perm = palloc_extended(sizeof(uint32_t) * n, MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
		perm[i] = i;
	sc.st = st;
	sc.rank = rank;
	qsort_arg(perm, n, sizeof(uint32_t), CmpRows, &sc);
	CHECK_FOR_INTERRUPTS();
	tmp = palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
	for (f = 0; f <= (int) p; f++)
	{
		double	   *c = f < (int) p ? st->cols[f] : st->y;

		for (i = 0; i < n; i++)
			tmp[i] = c[perm[i]];
		memcpy(c, tmp, sizeof(double) * n);
	}

	/* task and classes */
	if (st->text_target)
		task = ENS_CLASSIFICATION;
	else
	{
		double	   *cp = tmp;
		uint32_t	nd = 0;
		bool		ints = true;

		memcpy(cp, st->y, sizeof(double) * n);
		qsort(cp, n, sizeof(double), CmpDbl);
		for (i = 0; i < n; i++)
		{
			if (cp[i] != floor(cp[i]))
				ints = false;
			if (i == 0 || cp[i] != cp[nd - 1])
				cp[nd++] = cp[i];
		}
		task = ap.task ? ap.task : (ints && nd <= 50 ? ENS_CLASSIFICATION : ENS_REGRESSION);
		if (task == ENS_CLASSIFICATION)
		{
			if (nd > ENS_MAX_CLASSES)
				ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
								errmsg("target has more than %d classes", ENS_MAX_CLASSES)));
			K = nd;
			cls_s = palloc(sizeof(char *) * Max(K, 1));
			cls_l = palloc(sizeof(uint32_t) * Max(K, 1));
			for (i = 0; i < K; i++)
			{
				char	   *s = ens_number_label(cp[i]);

				cls_s[i] = s;
				cls_l[i] = strlen(s);
			}
			ycls = palloc_extended(sizeof(uint32_t) * n, MCXT_ALLOC_HUGE);
			for (i = 0; i < n; i++)
			{
				uint32_t	lo = 0,
							hi = K;

				while (lo < hi)
				{
					uint32_t	mid = (lo + hi) / 2;

					if (cp[mid] < st->y[i])
						lo = mid + 1;
					else
						hi = mid;
				}
				ycls[i] = lo;
			}
		}
	}
	if (st->text_target)
	{
		ycls = palloc_extended(sizeof(uint32_t) * n, MCXT_ALLOC_HUGE);
		for (i = 0; i < n; i++)
			ycls[i] = rank[(uint32_t) st->y[i]];
	}
	if (task == ENS_CLASSIFICATION && K < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target has only one class"),
				 errhint("Classification needs at least two distinct target values.")));

	F = palloc0(sizeof(EnsFeature) * p);
	for (i = 0; i < p; i++)
	{
		char	   *nm = ap.names ? ap.names[i] : psprintf("f%u", i + 1);

		F[i].name = nm;
		F[i].name_len = strlen(nm);
		F[i].kind = ENS_NUMERIC;
	}
	rc = ens_bin_columns((const double *const *) st->cols, n, p, F, NULL, 0, ap.fp.seed,
							&pa.al, &X);
	ens_pg_check(rc, "binning", NULL);

	memset(&model, 0, sizeof(model));
	model.task = task;
	model.algorithm = ENS_FOREST;
	model.n_features = p;
	model.n_classes = task == ENS_CLASSIFICATION ? K : 0;
	model.features = F;
	model.classes = cls_s;
	model.class_len = cls_l;
	memset(&fd, 0, sizeof(fd));
	fd.n_rows = n;
	fd.n_features = p;
	fd.X = X;
	fd.cls = ycls;
	fd.y = st->y;
	ap.fp.task = task;
	ap.fp.n_classes = model.n_classes;
	if (task != ENS_CLASSIFICATION)
		ap.fp.balanced = false;
	rc = forest_pg_train(&model, &fd, &ap.fp, &pa.al, NULL);
	ens_pg_check(rc, "forest training", NULL);
	ens_pg_plain_alloc_init(&outal, old);
	rc = ens_serialize(&model, &outal, VARHDRSZ, &bytes, &len);
	ens_pg_check(rc, "model serialisation", NULL);
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the trained model has %zu bytes, more than a bytea can hold", len)));
	MemoryContextSwitchTo(old);
	res = (bytea *) bytes;
	SET_VARSIZE(res, len + VARHDRSZ);
	MemoryContextDelete(cxt);
	PG_RETURN_BYTEA_P(res);
}
