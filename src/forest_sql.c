/*
 * forest_sql.c - train_forest(): reads a relation with SPI, trains with the
 * PG-free engine and inserts a new version into edupredict.models.
 *
 * Every identifier in the generated query goes through quote_identifier,
 * the relation through its schema-qualified quoted name.  Rows are fetched
 * through a cursor in batches, converted to double columns (categorical
 * text via a codebook), binned once, and the raw columns are freed before
 * the trees grow.  The registry row is inserted only after training and
 * evaluation succeeded, in the caller's transaction, so an error or a
 * cancel leaves the registry unchanged.
 */
#include "postgres.h"

#include <math.h>

#include "access/relation.h"
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "edupredict.h"
#include "ensemble_pg.h"
#include "model_registry_sql.h"

/*
 * Train with edupredict.forest_threads threads.  With more than one, the
 * engine polls InterruptPending and unwinds (joining its threads) before
 * CHECK_FOR_INTERRUPTS() raises the cancel here; an interrupt that raises
 * nothing (e.g. a barrier) just restarts the deterministic training.
 */
EnsStatus
forest_pg_train(EnsModel *m, const EnsData *d, ForestParams *p,
				const EnsAlloc *al, size_t *peak)
{
	int			attempt;
	EnsStatus rc = ENS_OK;

	for (attempt = 0; attempt < 3; attempt++)
	{
		p->n_threads = edupredict_forest_threads;
		if (p->n_threads <= 1)
			return forest_train(m, d, p, al, ens_pg_interrupt, NULL, peak);
		rc = forest_train(m, d, p, al, ens_pg_poll_interrupt, NULL, peak);
		if (rc != ENS_EINTR)
			return rc;
		CHECK_FOR_INTERRUPTS();
	}
	p->n_threads = 1;
	return forest_train(m, d, p, al, ens_pg_interrupt, NULL, peak);
}

/* ---------- training ---------- */

typedef struct Column
{
	char	   *name;
	AttrNumber	attnum;
	Oid			base;
	int			kind;
	double	   *v;
	EnsDict *dict;			/* categorical */
} Column;

typedef struct TrainArgs
{
	char	   *model_name;
	Oid			relid;
	char	   *target;
	ArrayType  *features;
	char	   *task;
	int			n_trees;
	int			max_depth;
	int			min_samples_leaf;
	double		max_features;
	bool		balanced;
	double		sample_fraction;
	double		test_fraction;
	int64		seed;
} TrainArgs;

static void
BadArg(const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", msg),
			 hint ? errhint("%s", hint) : 0));
}

static void
ReadArgs(FunctionCallInfo fcinfo, TrainArgs *a)
{
	if (PG_ARGISNULL(0))
		BadArg("model_name must not be NULL", NULL);
	if (PG_ARGISNULL(1))
		BadArg("relation must not be NULL", NULL);
	if (PG_ARGISNULL(2))
		BadArg("target must not be NULL", NULL);
	a->model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (a->model_name[0] == '\0')
		BadArg("model_name must not be empty", NULL);
	if (strlen(a->model_name) > 200)
		BadArg("model_name is longer than 200 bytes", NULL);
	a->relid = PG_GETARG_OID(1);
	a->target = text_to_cstring(PG_GETARG_TEXT_PP(2));
	a->features = PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3);
	a->task = PG_ARGISNULL(4) ? "auto" : text_to_cstring(PG_GETARG_TEXT_PP(4));
	if (strcmp(a->task, "auto") != 0 && strcmp(a->task, "classification") != 0 &&
		strcmp(a->task, "regression") != 0)
		BadArg("task must be 'auto', 'classification' or 'regression'", NULL);
	if (PG_ARGISNULL(5))
		BadArg("n_trees must not be NULL", NULL);
	a->n_trees = PG_GETARG_INT32(5);
	if (a->n_trees <= 0)
		BadArg("n_trees must be positive", NULL);
	if (a->n_trees > ENS_MAX_TREES)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("n_trees must be at most %d", ENS_MAX_TREES)));
	a->max_depth = PG_ARGISNULL(6) ? 0 : PG_GETARG_INT32(6);
	if (!PG_ARGISNULL(6) && a->max_depth <= 0)
		BadArg("max_depth must be positive or NULL", "NULL grows the trees until the leaves are pure.");
	a->min_samples_leaf = PG_ARGISNULL(7) ? 1 : PG_GETARG_INT32(7);
	if (a->min_samples_leaf <= 0)
		BadArg("min_samples_leaf must be positive", NULL);
	a->max_features = PG_ARGISNULL(8) ? 0 : PG_GETARG_FLOAT8(8);
	if (!PG_ARGISNULL(8) && !(a->max_features > 0 && a->max_features <= 1))
		BadArg("max_features must be in (0, 1]", "It is the fraction of the features tried at each split.");
	a->balanced = false;
	if (!PG_ARGISNULL(9))
	{
		char	   *cw = text_to_cstring(PG_GETARG_TEXT_PP(9));

		if (strcmp(cw, "balanced") != 0)
			BadArg("class_weight must be NULL or 'balanced'", NULL);
		a->balanced = true;
	}
	a->sample_fraction = PG_ARGISNULL(10) ? 1.0 : PG_GETARG_FLOAT8(10);
	if (!(a->sample_fraction > 0 && a->sample_fraction <= 1))
		BadArg("sample_fraction must be in (0, 1]", NULL);
	a->test_fraction = PG_ARGISNULL(11) ? 0.2 : PG_GETARG_FLOAT8(11);
	if (!(a->test_fraction >= 0 && a->test_fraction < 1))
		BadArg("test_fraction must be in [0, 1)", NULL);
	a->seed = PG_ARGISNULL(12) ? 42 : PG_GETARG_INT64(12);
}

static Column *
FindColumn(Column *cols, int n, const char *name)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(cols[i].name, name) == 0)
			return &cols[i];
	return NULL;
}

/* The training rows as they are read: one double array per column. */
typedef struct TrainRows
{
	Column	   *feat;
	int			p;
	Column	   *tcol;
	bool		target_text;
	EnsDict *tdict;
	EnsPgAlloc *pa;
	double	   *tv;
	size_t		n,
				cap,
				raw_rows;
} TrainRows;

/* Grow every per-row array to hold twice the rows, within the memory cap. */
static void
GrowColumns(TrainRows *tr)
{
	size_t		nc = tr->cap * 2;
	int			f;

	if (nc > ENS_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for forest training")));
	if (tr->pa->limit &&
		tr->pa->cur + (nc - tr->cap) * sizeof(double) * (tr->p + 1) > tr->pa->limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("forest training needs more than edupredict.forest_max_memory (%d MB)",
						edupredict_forest_max_memory_mb),
				 errhint("Train on fewer rows or features, or raise edupredict.forest_max_memory.")));
	for (f = 0; f < tr->p; f++)
		tr->feat[f].v = repalloc_huge(tr->feat[f].v, nc * sizeof(double));
	tr->tv = repalloc_huge(tr->tv, nc * sizeof(double));
	tr->pa->cur += (nc - tr->cap) * sizeof(double) * tr->p;
	tr->cap = nc;
}

/* One row of the training query: features 0..p-1, then the target. */
static void
TrainRow(Datum *values, bool *isnull, void *arg)
{
	TrainRows  *tr = (TrainRows *) arg;
	size_t		n = tr->n;
	Datum		d = values[tr->p];
	int			i;

	tr->raw_rows++;
	if (isnull[tr->p])
		return;
	if (n == tr->cap)
		GrowColumns(tr);
	if (tr->target_text)
	{
		uint32_t	len;
		char	   *s = ens_datum_to_text(d, tr->tcol->base, &len);
		int64_t		id;

		if (len > ENS_MAX_NAME)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a target value is longer than %d bytes", ENS_MAX_NAME)));
		id = ens_dict_add(tr->tdict, s, len);
		if (id < 0)
			ens_pg_check(ENS_ENOMEM, "forest training", NULL);
		tr->tv[n] = (double) id;
	}
	else
	{
		tr->tv[n] = ens_datum_to_double(d, tr->tcol->base);
		if (isnan(tr->tv[n]))
			return;				/* a NaN target is as good as NULL */
	}
	for (i = 0; i < tr->p; i++)
	{
		Column	   *c = &tr->feat[i];

		if (isnull[i])
			c->v[n] = NAN;
		else if (c->kind == ENS_CATEGORICAL)
		{
			uint32_t	len;
			char	   *s = ens_datum_to_text(values[i], c->base, &len);
			int64_t		id;

			if (len > ENS_MAX_NAME)
				c->v[n] = NAN;	/* absurdly long category: missing */
			else
			{
				id = ens_dict_add(c->dict, s, len);
				if (id < 0)
					ens_pg_check(ENS_ENOMEM, "forest training", NULL);
				c->v[n] = (double) id;
			}
		}
		else
			c->v[n] = ens_datum_to_double(values[i], c->base);
	}
	tr->n = n + 1;
}

static int
CmpDoubleAsc(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

typedef struct CatOrder
{
	const char *s;
	uint32_t	len;
	uint64_t	count;
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
 * Turn a categorical column's insertion-order ids into codes of a sorted
 * codebook of the categories seen in the training rows (the 255 most
 * frequent there); every other category becomes missing, as an unseen one
 * does at prediction.
 */
static void
FinishCategorical(Column *c, EnsFeature *F, size_t n, const uint32_t *rows,
				  uint32_t nrows)
{
	uint32_t	ndict = ens_dict_size(c->dict);
	CatOrder   *co = palloc(sizeof(CatOrder) * Max(ndict, 1));
	int32	   *map = palloc(sizeof(int32) * Max(ndict, 1));
	uint64	   *seen = palloc0(sizeof(uint64) * Max(ndict, 1));
	uint32_t	nd = 0,
				keep,
				i;
	size_t		r;

	for (i = 0; i < nrows; i++)
	{
		double		v = c->v[rows[i]];

		if (!isnan(v))
			seen[(uint32_t) v]++;
	}
	/* categories in the training rows, counted there */
	for (i = 0; i < ndict; i++)
	{
		map[i] = -1;
		if (seen[i] == 0)
			continue;
		co[nd].s = ens_dict_get(c->dict, i, &co[nd].len, NULL);
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
	qsort(co, keep, sizeof(CatOrder), CmpCatByBytes);
	F->n_bins = Max(keep, 1);
	F->cats = palloc(sizeof(char *) * F->n_bins);
	F->cat_len = palloc(sizeof(uint32_t) * F->n_bins);
	for (i = 0; i < keep; i++)
	{
		F->cats[i] = pnstrdup(co[i].s, co[i].len);
		F->cat_len[i] = co[i].len;
		map[co[i].id] = (int32) i;
	}
	if (keep == 0)
	{
		F->cats[0] = pstrdup("");
		F->cat_len[0] = 0;
	}
	for (r = 0; r < n; r++)
	{
		double		v = c->v[r];

		if (!isnan(v))
		{
			int32		m = map[(uint32_t) v];

			c->v[r] = m >= 0 ? (double) m : NAN;
		}
	}
}

static void
AppendJsonNum(StringInfo s, const char *key, double v, bool *first)
{
	if (!*first)
		appendStringInfoString(s, ", ");
	*first = false;
	escape_json(s, key);
	if (isnan(v) || isinf(v))
		appendStringInfoString(s, ": null");
	else
		appendStringInfo(s, ": %s", float8out_internal(v));
}

static Datum
MakeTextArray(const char **s, const uint32_t *len, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = PointerGetDatum(cstring_to_text_with_len(s[i], len[i]));
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(train_forest);

Datum
train_forest(PG_FUNCTION_ARGS)
{
	TrainArgs	a;
	Relation	rel;
	TupleDesc	rdesc;
	int			natts,
				i,
				p = 0;
	Column	   *all,
			   *feat,
			   *tcol;
	int			task;
	char	   *relname_q;
	char	   *relname_m;
	StringInfoData q;
	MemoryContext train_cxt,
				oldcxt;
	EnsPgAlloc pa;
	EnsAlloc outal;
	TrainRows	tr;
	size_t		n = 0,
				cap = 4096;
	double	   *tv;
	EnsDict *tdict = NULL;
	bool		target_text;
	uint32_t	K = 0;
	uint32_t   *ycls = NULL;
	const char **class_s = NULL;
	uint32_t   *class_l = NULL;
	EnsModel model;
	EnsFeature *F;
	uint8_t    *X;
	uint32_t   *train_rows,
			   *test_rows,
				ntr,
				nte;
	EnsData fd;
	ForestParams fp;
	EnsStatus rc;
	instr_time	t_start,
				t_end;
	double		secs;
	size_t		peak_engine = 0;
	StringInfoData params,
				metrics;
	bool		first;
	uint8_t    *mbytes;
	size_t		mlen;
	bytea	   *mb;
	Datum		result;
	int32		version;

	INSTR_TIME_SET_CURRENT(t_start);
	ReadArgs(fcinfo, &a);
	version = ens_registry_reserve(a.model_name);

	/* ---- resolve columns ---- */
	rel = relation_open(a.relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_VIEW &&
		rel->rd_rel->relkind != RELKIND_MATVIEW &&
		rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE &&
		rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table or view", RelationGetRelationName(rel))));
	rdesc = RelationGetDescr(rel);
	natts = rdesc->natts;
	all = palloc0(sizeof(Column) * Max(natts, 1));
	{
		int			k = 0;

		for (i = 0; i < natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(rdesc, i);

			if (att->attisdropped)
				continue;
			all[k].name = pstrdup(NameStr(att->attname));
			all[k].attnum = att->attnum;
			all[k].base = getBaseType(att->atttypid);
			all[k].kind = ens_type_kind(att->atttypid);
			k++;
		}
		natts = k;
	}
	relname_q = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
										   RelationGetRelationName(rel));
	relname_m = pstrdup(quote_identifier(RelationGetRelationName(rel)));
	relation_close(rel, AccessShareLock);

	tcol = FindColumn(all, natts, a.target);
	if (tcol == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("target column \"%s\" does not exist in relation %s", a.target, relname_m)));

	/* task */
	target_text = (tcol->kind == ENS_CATEGORICAL || tcol->base == BOOLOID);
	if (tcol->kind == ENS_TYPE_UNSUPPORTED || tcol->base == DATEOID ||
		tcol->base == TIMESTAMPOID || tcol->base == TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has unsupported type %s", a.target,
						format_type_be(tcol->base)),
				 errhint("Use a numeric, boolean or text target.")));
	if (strcmp(a.task, "regression") == 0 && target_text)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("regression needs a numeric target, but \"%s\" is %s", a.target,
						format_type_be(tcol->base))));

	/* features */
	if (a.features != NULL)
	{
		Datum	   *fd_;
		bool	   *fn_;
		int			nf;

		if (ARR_NDIM(a.features) > 1)
			BadArg("features must be a one-dimensional array", NULL);
		deconstruct_array(a.features, TEXTOID, -1, false, TYPALIGN_INT, &fd_, &fn_, &nf);
		if (nf == 0)
			BadArg("features must not be empty", "Pass NULL to use every column except the target.");
		if (nf > ENS_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many features: %d", nf),
					 errdetail("At most %d features are supported.", ENS_MAX_FEATURES)));
		feat = palloc0(sizeof(Column) * nf);
		for (i = 0; i < nf; i++)
		{
			char	   *nm;
			Column	   *c;
			int			j;

			if (fn_[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("features must not contain NULL")));
			nm = TextDatumGetCString(fd_[i]);
			c = FindColumn(all, natts, nm);
			if (c == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("feature column \"%s\" does not exist in relation %s", nm, relname_m)));
			if (c == tcol)
				BadArg(psprintf("feature \"%s\" is the target column", nm),
					   "Remove the target from the features.");
			for (j = 0; j < p; j++)
				if (strcmp(feat[j].name, nm) == 0)
					BadArg(psprintf("feature \"%s\" is listed twice", nm), NULL);
			feat[p++] = *c;
		}
	}
	else
	{
		if (natts - 1 > ENS_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many features: %d", natts - 1),
					 errdetail("At most %d features are supported.", ENS_MAX_FEATURES),
					 errhint("Pass the features to use.")));
		feat = palloc0(sizeof(Column) * Max(natts, 1));
		for (i = 0; i < natts; i++)
			if (&all[i] != tcol)
				feat[p++] = all[i];
		if (p == 0)
			BadArg(psprintf("relation %s has no column besides the target", relname_m), NULL);
	}
	for (i = 0; i < p; i++)
		if (feat[i].kind == ENS_TYPE_UNSUPPORTED)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature column \"%s\" has unsupported type %s", feat[i].name,
							format_type_be(feat[i].base)),
					 errhint("Features may be numeric, boolean, date/timestamp or text.")));

	/* ---- read the rows ---- */
	train_cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict forest training",
									  ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(train_cxt);
	ens_pg_alloc_init(&pa, train_cxt, true);

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (i = 0; i < p; i++)
		appendStringInfo(&q, "%s, ", quote_identifier(feat[i].name));
	appendStringInfo(&q, "%s FROM %s", quote_identifier(tcol->name), relname_q);

	for (i = 0; i < p; i++)
	{
		feat[i].v = palloc_extended(cap * sizeof(double), MCXT_ALLOC_HUGE);
		pa.cur += cap * sizeof(double);
		if (feat[i].kind == ENS_CATEGORICAL &&
			(feat[i].dict = ens_dict_create(&pa.al)) == NULL)
			ens_pg_check(ENS_ENOMEM, "forest training", NULL);
	}
	memset(&tr, 0, sizeof(tr));
	tr.feat = feat;
	tr.p = p;
	tr.tcol = tcol;
	tr.target_text = target_text;
	tr.pa = &pa;
	tr.cap = cap;
	tr.tv = palloc_extended(cap * sizeof(double), MCXT_ALLOC_HUGE);
	if (target_text && (tr.tdict = ens_dict_create(&pa.al)) == NULL)
		ens_pg_check(ENS_ENOMEM, "forest training", NULL);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ens_read_rows(q.data, TrainRow, &tr);
	MemoryContextSwitchTo(train_cxt);
	n = tr.n;
	cap = tr.cap;
	tv = tr.tv;
	tdict = tr.tdict;
	if (tr.raw_rows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation %s is empty", relname_m)));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target column \"%s\" is NULL in every row", tcol->name)));

	/* ---- target: task, classes ---- */
	if (target_text)
		task = ENS_CLASSIFICATION;
	else if (strcmp(a.task, "classification") == 0)
		task = ENS_CLASSIFICATION;
	else if (strcmp(a.task, "regression") == 0)
		task = ENS_REGRESSION;
	else
	{
		/* auto: integers with at most 50 distinct values are classes */
		task = ENS_REGRESSION;
		if (tcol->base == INT2OID || tcol->base == INT4OID || tcol->base == INT8OID)
		{
			double	   *cp = palloc_extended(n * sizeof(double), MCXT_ALLOC_HUGE);
			size_t		r,
						nd = 0;

			memcpy(cp, tv, n * sizeof(double));
			qsort(cp, n, sizeof(double), CmpDoubleAsc);
			for (r = 0; r < n && nd <= 50; r++)
				if (r == 0 || cp[r] != cp[r - 1])
					nd++;
			if (nd <= 50)
				task = ENS_CLASSIFICATION;
			pfree(cp);
		}
	}

	if (task == ENS_CLASSIFICATION)
	{
		size_t		r;

		ycls = palloc_extended(n * sizeof(uint32_t), MCXT_ALLOC_HUGE);
		if (target_text)
		{
			uint32_t	nd = ens_dict_size(tdict);
			CatOrder   *co = palloc(sizeof(CatOrder) * Max(nd, 1));
			uint32_t   *map = palloc(sizeof(uint32_t) * Max(nd, 1));

			for (i = 0; i < (int) nd; i++)
			{
				co[i].s = ens_dict_get(tdict, i, &co[i].len, &co[i].count);
				co[i].id = i;
			}
			qsort(co, nd, sizeof(CatOrder), CmpCatByBytes);
			K = nd;
			if (K > ENS_MAX_CLASSES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("target column \"%s\" has %u classes, more than %d",
								tcol->name, K, ENS_MAX_CLASSES)));
			class_s = palloc(sizeof(char *) * Max(K, 1));
			class_l = palloc(sizeof(uint32_t) * Max(K, 1));
			for (i = 0; i < (int) K; i++)
			{
				class_s[i] = pnstrdup(co[i].s, co[i].len);
				class_l[i] = co[i].len;
				map[co[i].id] = i;
			}
			for (r = 0; r < n; r++)
				ycls[r] = map[(uint32_t) tv[r]];
		}
		else
		{
			/* numeric classes, sorted numerically */
			double	   *cp = palloc_extended(n * sizeof(double), MCXT_ALLOC_HUGE);
			size_t		nd = 0;

			memcpy(cp, tv, n * sizeof(double));
			qsort(cp, n, sizeof(double), CmpDoubleAsc);
			for (r = 0; r < n; r++)
				if (r == 0 || cp[r] != cp[nd - 1])
				{
					if (nd >= ENS_MAX_CLASSES)
						ereport(ERROR,
								(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
								 errmsg("target column \"%s\" has more than %d classes",
										tcol->name, ENS_MAX_CLASSES),
								 errhint("Use task => 'regression' for a continuous target.")));
					cp[nd++] = cp[r];
				}
			K = nd;
			class_s = palloc(sizeof(char *) * K);
			class_l = palloc(sizeof(uint32_t) * K);
			for (i = 0; i < (int) K; i++)
			{
				char	   *s = ens_number_label(cp[i]);

				class_s[i] = s;
				class_l[i] = strlen(s);
			}
			for (r = 0; r < n; r++)
			{
				/* binary search */
				size_t		lo = 0,
							hi = K;

				while (lo < hi)
				{
					size_t		mid = (lo + hi) / 2;

					if (cp[mid] < tv[r])
						lo = mid + 1;
					else
						hi = mid;
				}
				ycls[r] = (uint32_t) lo;
			}
		}
		if (K < 2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target column \"%s\" has only one class", tcol->name),
					 errhint("Classification needs at least two distinct target values.")));
	}

	/* ---- features, split, bins ---- */
	rc = ens_split_rows(ycls, K, (uint32_t) n, a.test_fraction, (uint64_t) a.seed,
						   &pa.al, &train_rows, &ntr, &test_rows, &nte);
	ens_pg_check(rc, "the train/test split", NULL);
	if (ntr == 0)
		BadArg("no rows left for training", "Lower test_fraction.");
	/* codebooks and bin edges from the training rows only */
	F = palloc0(sizeof(EnsFeature) * p);
	for (i = 0; i < p; i++)
	{
		F[i].name = feat[i].name;
		F[i].name_len = strlen(feat[i].name);
		F[i].kind = feat[i].kind;
		if (feat[i].kind == ENS_CATEGORICAL)
			FinishCategorical(&feat[i], &F[i], n, train_rows, ntr);
	}
	{
		const double **colp = palloc(sizeof(double *) * p);

		for (i = 0; i < p; i++)
			colp[i] = feat[i].v;
		rc = ens_bin_columns(colp, (uint32_t) n, (uint32_t) p, F, train_rows, ntr,
								(uint64_t) a.seed, &pa.al, &X);
		ens_pg_check(rc, "binning", NULL);
		for (i = 0; i < p; i++)
		{
			pfree(feat[i].v);
			pa.cur -= cap * sizeof(double);
			feat[i].v = NULL;
		}
	}

	/* ---- train ---- */
	memset(&model, 0, sizeof(model));
	model.task = task;
	model.algorithm = ENS_FOREST;
	model.n_features = p;
	model.n_classes = task == ENS_CLASSIFICATION ? K : 0;
	model.features = F;
	model.classes = class_s;
	model.class_len = class_l;
	memset(&fd, 0, sizeof(fd));
	fd.n_rows = (uint32_t) n;
	fd.n_features = p;
	fd.X = X;
	fd.cls = ycls;
	fd.y = tv;
	fd.rows = train_rows;
	fd.n_use = ntr;
	memset(&fp, 0, sizeof(fp));
	fp.task = task;
	fp.n_classes = model.n_classes;
	fp.n_trees = a.n_trees;
	fp.max_depth = a.max_depth;
	fp.min_samples_leaf = a.min_samples_leaf;
	fp.max_features = a.max_features;
	fp.balanced = a.balanced && task == ENS_CLASSIFICATION;
	fp.sample_fraction = a.sample_fraction;
	fp.seed = (uint64_t) a.seed;
	rc = forest_pg_train(&model, &fd, &fp, &pa.al, &peak_engine);
	ens_pg_check(rc, "forest training", NULL);

	/* ---- evaluate on the held-out rows ---- */
	initStringInfo(&metrics);
	appendStringInfoChar(&metrics, '{');
	first = true;
	AppendJsonNum(&metrics, "n_train", ntr, &first);
	AppendJsonNum(&metrics, "n_test", nte, &first);
	if (nte > 0)
	{
		uint32_t	kk = task == ENS_CLASSIFICATION ? K : 1;
		double	   *out = palloc_extended((size_t) nte * kk * sizeof(double), MCXT_ALLOC_HUGE);
		uint32_t	r;

		for (r = 0; r < nte; r++)
		{
			if ((r & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			ens_predict_binned(&model, X + (size_t) test_rows[r] * p, out + (size_t) r * kk);
		}
		if (task == ENS_CLASSIFICATION)
		{
			EnsClsMetrics cm;
			uint32_t   *act = palloc(sizeof(uint32_t) * nte);

			for (r = 0; r < nte; r++)
				act[r] = ycls[test_rows[r]];
			rc = ens_cls_metrics(nte, K, K, act, out, &pa.al, &cm, NULL);
			ens_pg_check(rc, "evaluation", NULL);
			AppendJsonNum(&metrics, "accuracy", cm.accuracy, &first);
			AppendJsonNum(&metrics, "precision_macro", cm.precision, &first);
			AppendJsonNum(&metrics, "recall_macro", cm.recall, &first);
			AppendJsonNum(&metrics, "f1_macro", cm.f1, &first);
			AppendJsonNum(&metrics, "log_loss", cm.log_loss, &first);
			AppendJsonNum(&metrics, "roc_auc", cm.auc, &first);
		}
		else
		{
			EnsRegMetrics rm;
			double	   *act = palloc(sizeof(double) * nte);

			for (r = 0; r < nte; r++)
				act[r] = tv[test_rows[r]];
			ens_reg_metrics(nte, act, out, &rm);
			AppendJsonNum(&metrics, "rmse", rm.rmse, &first);
			AppendJsonNum(&metrics, "mae", rm.mae, &first);
			AppendJsonNum(&metrics, "r2", rm.r2, &first);
		}
	}

	/* ---- serialise ---- */
	/* serialise straight into the bytea, outside the training context */
	ens_pg_plain_alloc_init(&outal, oldcxt);
	rc = ens_serialize(&model, &outal, VARHDRSZ, &mbytes, &mlen);
	ens_pg_check(rc, "model serialisation", NULL);
	if (mlen > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the trained model has %zu bytes, more than a bytea can hold", mlen),
				 errhint("Limit max_depth, raise min_samples_leaf or train fewer trees.")));
	INSTR_TIME_SET_CURRENT(t_end);
	INSTR_TIME_SUBTRACT(t_end, t_start);
	secs = INSTR_TIME_GET_DOUBLE(t_end);

	AppendJsonNum(&metrics, "model_bytes", (double) mlen, &first);
	AppendJsonNum(&metrics, "train_peak_bytes", (double) (pa.peak + peak_engine), &first);
	AppendJsonNum(&metrics, "threads", fp.n_threads, &first);
	AppendJsonNum(&metrics, "n_nodes", model.n_nodes, &first);
	appendStringInfoChar(&metrics, '}');

	initStringInfo(&params);
	appendStringInfoChar(&params, '{');
	first = true;
	AppendJsonNum(&params, "n_trees", a.n_trees, &first);
	if (a.max_depth > 0)
		AppendJsonNum(&params, "max_depth", a.max_depth, &first);
	else
		appendStringInfoString(&params, ", \"max_depth\": null");
	AppendJsonNum(&params, "min_samples_leaf", a.min_samples_leaf, &first);
	if (a.max_features > 0)
		AppendJsonNum(&params, "max_features", a.max_features, &first);
	else
		appendStringInfoString(&params, ", \"max_features\": null");
	AppendJsonNum(&params, "mtry", forest_default_mtry(task, p, a.max_features), &first);
	appendStringInfo(&params, ", \"class_weight\": %s", fp.balanced ? "\"balanced\"" : "null");
	AppendJsonNum(&params, "sample_fraction", a.sample_fraction, &first);
	AppendJsonNum(&params, "test_fraction", a.test_fraction, &first);
	appendStringInfo(&params, ", \"seed\": " INT64_FORMAT, a.seed);
	appendStringInfo(&params, ", \"task_requested\": \"%s\"", a.task);
	appendStringInfoChar(&params, '}');

	/* ---- insert the registry row ---- */
	MemoryContextSwitchTo(oldcxt);
	mb = (bytea *) mbytes;
	SET_VARSIZE(mb, mlen + VARHDRSZ);
	{
		Oid			argtypes[11] = {TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID,
		JSONBOID, JSONBOID, INT8OID, FLOAT8OID, BYTEAOID, INT4OID};
		Datum		values[11];
		char		nulls[11] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
		const char **fnames = palloc(sizeof(char *) * p);
		uint32_t   *flens = palloc(sizeof(uint32_t) * p);
		int			ret;
		int64		id;
		bool		isnull;
		Oid			idtype[1] = {INT8OID};
		Datum		idval[1];
		SPIPlanPtr	plan;
		ParamListInfo pl;

		for (i = 0; i < p; i++)
		{
			fnames[i] = F[i].name;
			flens[i] = F[i].name_len;
		}
		values[0] = CStringGetTextDatum(a.model_name);
		values[1] = CStringGetTextDatum(task == ENS_CLASSIFICATION ? "classification" : "regression");
		values[2] = CStringGetTextDatum(tcol->name);
		values[3] = MakeTextArray(fnames, flens, p);
		if (task == ENS_CLASSIFICATION)
			values[4] = MakeTextArray(class_s, class_l, K);
		else
		{
			values[4] = (Datum) 0;
			nulls[4] = 'n';
		}
		values[5] = DirectFunctionCall1(jsonb_in, CStringGetDatum(params.data));
		values[6] = DirectFunctionCall1(jsonb_in, CStringGetDatum(metrics.data));
		values[7] = Int64GetDatum((int64) n);
		values[8] = Float8GetDatum(secs);
		values[9] = PointerGetDatum(mb);
		values[10] = Int32GetDatum(version);

		MemoryContextDelete(train_cxt);

		/* the version was reserved (and the name locked) before training */
		plan = SPI_prepare("INSERT INTO edupredict.models (name, version, task, target, features, classes, "
						   "params, metrics, n_rows, train_seconds, model) "
						   "VALUES ($1, $11, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
						   11, argtypes);
		if (plan == NULL)
			elog(ERROR, "could not prepare the registry insert: %s", SPI_result_code_string(SPI_result));

		/*
		 * The model goes in as a plain parameter, not a constant: the planner
		 * folds constant parameters into the plan and copies the value on the
		 * way (twice), which would triple the peak memory for a large model.
		 */
		pl = makeParamList(11);
		for (i = 0; i < 11; i++)
		{
			pl->params[i].ptype = argtypes[i];
			pl->params[i].value = values[i];
			pl->params[i].isnull = nulls[i] == 'n';
			pl->params[i].pflags = i == 9 ? 0 : PARAM_FLAG_CONST;
		}
		ret = SPI_execute_plan_with_paramlist(plan, pl, false, 1);
		if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
			elog(ERROR, "could not insert into edupredict.models: %s", SPI_result_code_string(ret));
		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

		/*
		 * Return the row as stored: the model is read back through TOAST
		 * (RETURNING * would hold yet another copy of a large model while
		 * the insert's own copies are alive).
		 */
		SPI_freetuptable(SPI_tuptable);
		pfree(mb);
		idval[0] = Int64GetDatum(id);
		ret = SPI_execute_with_args("SELECT * FROM edupredict.models WHERE id = $1",
									1, idtype, idval, NULL, false, 1);
		if (ret != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "could not read back the new model: %s", SPI_result_code_string(ret));
		result = PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
	}
	SPI_finish();
	PG_RETURN_DATUM(result);
}
