/*
 * model_evaluate.c - evaluate(model_name, relation): metrics of a registry
 * model on the rows of a relation (its features and its target column,
 * matched by name; rows with a NULL target are skipped).
 */
#include "postgres.h"

#include <math.h>

#include "access/relation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "model_outputs.h"

static void Evaluate(FunctionCallInfo fcinfo, ReturnSetInfo *rsinfo, const char *name,
					 Oid relid, EnsCached *slot, EnsModel *m);

static void
PutMetric(ReturnSetInfo *rsinfo, const char *name, double v)
{
	Datum		vals[2];
	bool		nulls[2] = {false, false};

	vals[0] = CStringGetTextDatum(name);
	vals[1] = Float8GetDatum(v);
	nulls[1] = isnan(v);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, vals, nulls);
	/* the tuplestore copied it: a million confusion cells must not keep theirs */
	pfree(DatumGetPointer(vals[0]));
}

static void
EvaluateVersion(FunctionCallInfo fcinfo, int32 version)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			relid = PG_GETARG_OID(1);
	EnsCached  *slot;
	EnsModel   *m;

	InitMaterializedSRF(fcinfo, 0);
	slot = ens_registry_get(name, version);
	m = slot->model;
	/* the relation may itself call predict(): keep this model in the cache */
	slot->pins++;
	PG_TRY();
	{
		Evaluate(fcinfo, rsinfo, name, relid, slot, m);
	}
	PG_FINALLY();
	{
		slot->pins--;
	}
	PG_END_TRY();
}

/* 0.1.0: evaluate(model_name, relation), STRICT */
PG_FUNCTION_INFO_V1(forest_evaluate);
Datum
forest_evaluate(PG_FUNCTION_ARGS)
{
	EvaluateVersion(fcinfo, 0);
	return (Datum) 0;
}

/* 0.2.0: evaluate(model_name, relation, version); a NULL version is the deployed one */
PG_FUNCTION_INFO_V1(model_evaluate);
Datum
model_evaluate(PG_FUNCTION_ARGS)
{
	int32		version = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		InitMaterializedSRF(fcinfo, 0);		/* no rows */
		return (Datum) 0;
	}
	if (!PG_ARGISNULL(2))
	{
		version = PG_GETARG_INT32(2);
		if (version <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("version must be positive, or NULL for the deployed version")));
	}
	EvaluateVersion(fcinfo, version);
	return (Datum) 0;
}

/* Predictions and actual values of the rows read so far. */
typedef struct EvalRows
{
	const char *name;
	EnsModel *m;
	const char *target;			/* the target column and the relation, for messages */
	const char *relation;
	uint64		n_read;			/* rows read, NULL targets included */
	const Oid  *base;			/* base types: features, then the target */
	uint32_t	p,
				K,
				kk;
	size_t		n,
				cap;
	double	   *out;			/* n x kk */
	uint32_t   *act;			/* classification: class index (>= K: unknown) */
	double	   *actv;			/* regression */
	double	   *x;
	uint8_t    *xb;
	EnsUnknownLabels *extra;	/* labels the model does not know (K > 0) */
} EvalRows;

/* the outputs and the target of a row */
static double
EvalRowBytes(const EvalRows *er)
{
	return 8.0 * er->kk + (er->K ? sizeof(uint32_t) : sizeof(double));
}

/* One row of the evaluation query: features 0..p-1, then the target. */
static void
EvalRow(Datum *values, bool *isnull, void *arg)
{
	EvalRows   *er = (EvalRows *) arg;
	EnsModel *m = er->m;
	uint32_t	p = er->p,
				K = er->K,
				i;
	Oid			tbase = er->base[p];
	Datum		d = values[p];
	size_t		n = er->n;

	er->n_read++;
	if (isnull[p])
		return;
	if (n == er->cap)
	{
		/* the outputs and the target of every row: within the training cap */
		er->cap = ens_heldout_grow(er->cap, n, EvalRowBytes(er), er->extra, 0, er->name);
		er->out = repalloc_huge(er->out, er->cap * er->kk * sizeof(double));
		if (K)
			er->act = repalloc_huge(er->act, er->cap * sizeof(uint32_t));
		else
			er->actv = repalloc_huge(er->actv, er->cap * sizeof(double));
	}
	if (K)
	{
		uint32_t	len,
					k;
		const char *s;

		/* labels as training made them */
		if ((s = ens_target_label(d, tbase, &len)) == NULL)
			return;
		for (k = 0; k < K; k++)
			if (ens_bytes_cmp(m->classes[k], m->class_len[k], s, len) == 0)
				break;
		if (k == K)
		{
			k = K + ens_heldout_unknown_label(er->extra, s, len);
		}
		er->act[n] = k;
	}
	else
	{
		er->actv[n] = ens_datum_to_double(d, tbase);
		ens_check_target_value(m, er->actv[n], er->n_read, er->target, er->relation);
		if (isnan(er->actv[n]))
			return;
	}
	for (i = 0; i < p; i++)
	{
		if (isnull[i])
			er->x[i] = NAN;
		else if (m->features[i].kind == ENS_NUMERIC)
			er->x[i] = ens_datum_to_double(values[i], er->base[i]);
		else
		{
			uint32_t	len;
			char	   *s = ens_datum_to_text(values[i], er->base[i], &len);
			int64_t		code = ens_category_code(&m->features[i], s, len);

			er->x[i] = code >= 0 ? (double) code : NAN;
		}
	}
	ens_bin_row(m, er->x, er->xb);
	ens_predict_binned(m, er->xb, er->out + n * er->kk);
	er->n = n + 1;
}

/*
 * Target values the model never saw count as errors (docs/explain.md), but
 * when no row has one of its classes the figures judge another labelling,
 * most often a 0/1 or boolean column against a model of text labels.  The
 * warning counts the values and gives a query that lists them: they are
 * values of the caller's rows, which the server log must not carry
 * (STYLE.md section 8).
 */
static void
WarnNoKnownLabel(const EvalRows *er, const char *target)
{
	size_t		r;
	uint32_t	nd;

	if (er->n == 0)
		return;
	for (r = 0; r < er->n; r++)
		if (er->act[r] < er->K)
			return;
	nd = ens_dict_size(er->extra->dict);
	ereport(WARNING,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("no row's target value is a class of model \"%s\"", er->name),
			 errdetail_plural("Column \"%s\" holds %u value that is not a class in all %zu rows, and each counts as an error.",
							  "Column \"%s\" holds %u distinct values that are not classes in all %zu rows, and each counts as an error.",
							  nd, target, nd, er->n),
			 ens_errhint_unknown_targets(target, er->base[er->p], er->relation, er->name,
										 er->extra->version)));
}

static int
LabelRankCmp(const void *a, const void *b, void *arg)
{
	const EnsDict *dict = (const EnsDict *) arg;
	uint32_t	alen,
				blen;
	const char *as = ens_dict_get(dict, *(const uint32_t *) a, &alen, NULL);
	const char *bs = ens_dict_get(dict, *(const uint32_t *) b, &blen, NULL);

	return ens_bytes_cmp(as, alen, bs, blen);
}

static bool
IsClassName(const EnsModel *m, const char *s)
{
	size_t		len = strlen(s);
	uint32_t	k;

	for (k = 0; k < m->n_classes; k++)
		if (m->class_len[k] == len && memcmp(m->classes[k], s, len) == 0)
			return true;
	return false;
}

/*
 * The <actual> of the confusion:<actual>:<predicted> names of the target
 * values the model does not know (raw values of the caller's rows, of any
 * length): the value itself, or past ENS_MESSAGE_NAME_CHARS characters its
 * clipped form (ens_name_for_message) and "#n", n counting the clipped values
 * in byte order, so the names of a relation do not depend on its row order.
 * A clipped name is longer than an unclipped one, the number keeps values with
 * the same first characters apart, and a number that would spell a class of
 * the model is skipped: two values never share an <actual>.
 */
static const char **
UnknownLabelNames(const EnsModel *m, const EnsDict *dict)
{
	uint32_t	u = ens_dict_size(dict);
	const char **names = palloc(sizeof(char *) * Max(u, 1));
	uint32_t   *clipped = palloc(sizeof(uint32_t) * Max(u, 1));
	uint32_t	c = 0,
				i,
				n = 0;

	for (i = 0; i < u; i++)
	{
		const char *s = ens_dict_get(dict, i, NULL, NULL);

		names[i] = ens_name_for_message(s);
		if (names[i] != s)
			clipped[c++] = i;
	}
	qsort_arg(clipped, c, sizeof(uint32_t), LabelRankCmp, (void *) dict);
	for (i = 0; i < c; i++)
	{
		char	   *name;

		do
			name = psprintf("%s#%u", names[clipped[i]], ++n);
		while (IsClassName(m, name));
		names[clipped[i]] = name;
	}
	return names;
}

static void
Evaluate(FunctionCallInfo fcinfo, ReturnSetInfo *rsinfo, const char *name, Oid relid,
		 EnsCached *slot, EnsModel *m)
{
	char	   *target;
	EnsRelation rel;
	EnsColumn **cols;
	Oid		   *base;
	Oid			tbase = InvalidOid;
	int			i;
	uint32_t	p,
				K,
				kk;
	EvalRows	er;
	EnsPgAlloc pa;
	EnsUnknownLabels labels;

	p = m->n_features;
	K = m->task == ENS_CLASSIFICATION ? m->n_classes : 0;
	kk = K ? K : 1;

	/* the target column name is in the registry row */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	{
		Oid			at[1] = {INT8OID};
		Datum		av[1];
		bool		isnull;

		av[0] = Int64GetDatum(slot->id);
		if (SPI_execute_with_args("SELECT target FROM edupredict.models WHERE id OPERATOR(pg_catalog.=) $1", 1, at, av,
								  NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
							errmsg("model \"%s\" does not exist", name)));
		target = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}

	/* columns: every feature and the target, by name; locked until commit */
	ens_relation_open(&rel, relid);
	cols = palloc(sizeof(EnsColumn *) * (p + 1));
	base = palloc(sizeof(Oid) * (p + 1));
	for (i = 0; i <= (int) p; i++)
	{
		const char *col = i < (int) p ? m->features[i].name : target;

		cols[i] = ens_relation_column(&rel, col);
		if (cols[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" needed by model \"%s\" does not exist in relation %s",
							col, name, rel.display)));
		base[i] = cols[i]->base;
		if (i < (int) p && m->features[i].kind == ENS_NUMERIC &&
			ens_type_kind(base[i]) != ENS_NUMERIC)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, but model \"%s\" uses it as a number",
							col, format_type_be(base[i]), name)));
	}
	tbase = base[p];
	if (K == 0 && ens_type_kind(tbase) != ENS_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" must be numeric for a regression model", target)));

	ens_pg_alloc_init(&pa, CurrentMemoryContext, false);
	memset(&er, 0, sizeof(er));
	er.name = name;
	er.m = m;
	er.target = target;
	er.relation = rel.named;
	er.base = base;
	er.p = p;
	er.K = K;
	er.kk = kk;
	er.cap = 1024;
	er.out = palloc_extended(er.cap * kk * sizeof(double), MCXT_ALLOC_HUGE);
	if (K)
	{
		er.act = palloc_extended(er.cap * sizeof(uint32_t), MCXT_ALLOC_HUGE);
		ens_unknown_labels_init(&labels, name, slot->version, er.cap * EvalRowBytes(&er));
		er.extra = &labels;
	}
	else
		er.actv = palloc_extended(er.cap * sizeof(double), MCXT_ALLOC_HUGE);
	er.x = palloc(sizeof(double) * p);
	er.xb = palloc(p);

	ens_relation_read(&rel, cols, p + 1, EvalRow, &er);
	/* the figures of no row are undefined, as for the other scorers */
	ens_require_rows(er.n, er.n_read, target, rel.named);
	if (K)
		WarnNoKnownLabel(&er, target);

	PutMetric(rsinfo, "n_rows", (double) er.n);
	if (K)
	{
		uint32_t	nl = K + ens_dict_size(er.extra->dict);
		uint64_t   *conf;
		EnsClsMetrics cm;
		EnsStatus rc;
		uint32_t	a,
					b;
		uint32_t   *pred;
		size_t		r;
		const char **unknown;

		/* one metric row per cell: the target values the model does not know count */
		if ((uint64_t) nl * K > ENS_MAX_CONFUSION_CELLS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the confusion matrix of model \"%s\" on these rows would have more than %llu cells",
							name, (unsigned long long) ENS_MAX_CONFUSION_CELLS),
					 errdetail("The relation holds %u target values that are not classes of the model; with its %u classes that makes %u by %u cells.",
							   nl - K, K, nl, K),
					 errhint("Pass only rows whose target is a class of the model: edupredict.model_classes(%s) lists them.",
							 ens_model_args_sql(name, slot->version))));
		conf = palloc0(sizeof(uint64_t) * nl * K);
		unknown = UnknownLabelNames(m, er.extra->dict);
		pred = palloc_extended(sizeof(uint32_t) * Max(er.n, 1), MCXT_ALLOC_HUGE);

		/*
		 * the label metrics judge the labels predict() returns for this
		 * version: by its chosen threshold when it has one (choose_threshold)
		 */
		for (r = 0; r < er.n; r++)
		{
			if ((r & 65535) == 65535)
				CHECK_FOR_INTERRUPTS();
			pred[r] = ens_predicted_class(m, er.out + r * K);
		}
		rc = ens_cls_metrics_labels((uint32_t) er.n, K, nl, er.act, er.out, pred, &pa.al,
									ens_pg_interrupt, NULL, &cm, conf);
		ens_pg_check(rc, ENS_WHAT_EVALUATION, NULL);
		PutMetric(rsinfo, "accuracy", cm.accuracy);
		PutMetric(rsinfo, "precision_macro", cm.precision);
		PutMetric(rsinfo, "recall_macro", cm.recall);
		PutMetric(rsinfo, "f1_macro", cm.f1);
		PutMetric(rsinfo, "log_loss", cm.log_loss);
		PutMetric(rsinfo, "roc_auc", cm.auc);
		/* calibration (ensemble_curves.c): Brier score, ECE over 10 equal-count bins */
		PutMetric(rsinfo, "brier_score", ens_brier((uint32_t) er.n, K, er.act, er.out));
		{
			double		ece;

			ens_pg_check(ens_ece((uint32_t) er.n, K, er.act, er.out, &pa.al, ens_pg_interrupt, NULL, &ece), ENS_WHAT_EVALUATION, NULL);
			PutMetric(rsinfo, "ece", ece);
		}
		for (a = 0; a < nl && er.n > 0; a++)
			for (b = 0; b < K; b++)
			{
				const char *al;
				uint32_t	all;
				char	   *mname;

				if (a < K)
				{
					al = m->classes[a];
					all = m->class_len[a];
				}
				else
				{
					al = unknown[a - K];
					all = strlen(al);
				}
				mname = psprintf("confusion:%.*s:%.*s", (int) all, al,
								 (int) m->class_len[b], m->classes[b]);
				PutMetric(rsinfo, mname, (double) conf[(size_t) a * K + b]);
				pfree(mname);
			}
	}
	else
	{
		EnsRegMetrics rm;

		ens_reg_metrics((uint32_t) er.n, er.actv, er.out, &rm);
		PutMetric(rsinfo, "rmse", rm.rmse);
		PutMetric(rsinfo, "mae", rm.mae);
		PutMetric(rsinfo, "r2", rm.r2);
	}
	SPI_finish();
}
