/*
 * model_explain.c - explain(): per-row feature contributions (exact
 * path-dependent TreeSHAP, ensemble_shap.c) for a registry model or model
 * bytes, and explain_base_value().
 *
 * A row's contributions plus the base value are the trees' output for the
 * explained class: a forest's mean class share (the probability before any
 * calibrator) or value, a boosted model's raw margin (log-odds for two
 * classes, the class's softmax input for more, the value for regression).
 * The explained class is the one predict() returns unless a class is named.
 *
 * The plan (row-independent weights) is built once per call site and
 * model (fn_extra), so explaining every row of a query costs one plan.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"

#include "model_call.h"
#include "model_outputs.h"

typedef struct ExplainState
{
	EnsModel   *model;			/* the model the plan was built for */
	uint64		key;			/* its registry slot serial, or 0 for bytes */
	EnsShap    *plan;
	MemoryContext cxt;			/* the plan's memory */
	EnsAlloc	al;
	double	   *phi;
	uint32_t   *order;
	bool		noticed;		/* told the caller the model has no covers */
	MemoryContextCallback forget;	/* bytes: drops the plan with the model */
	MemoryContext watched;		/* the model context forget is registered on */
} ExplainState;

/*
 * Model bytes: the plan lives in the parsed model's context, which the
 * call site deletes when the next row brings other bytes; the next model
 * may be parsed at the same address, so the address alone cannot tell
 * the plans apart, and a stale plan walks freed trees.
 */
static void
ForgetPlan(void *arg)
{
	ExplainState *es = (ExplainState *) arg;

	es->plan = NULL;
	es->model = NULL;
	es->cxt = NULL;
	es->watched = NULL;
}

/*
 * The explanation plan of m (ens_shap_plan) in al, within
 * edupredict.forest_max_memory: explain() and global_importance() refuse
 * a plan over it with one message, what naming the model.
 */
EnsShap *
ens_explain_plan(const EnsModel *m, const EnsAlloc *al, const char *what)
{
	EnsShap    *plan;
	EnsStatus	st = ens_shap_plan(m, al, (size_t) ens_pg_memory_cap(),
								   ens_pg_interrupt, NULL, &plan);

	/*
	 * the plan's one limit in reach: a path has at most 1000 distinct
	 * features, within its degree limit
	 */
	if (st == ENS_ELIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("explaining %s needs more memory than edupredict.forest_max_memory (%d MB) allows",
						what, edupredict_forest_max_memory_mb),
				 errdetail("The explanation plan's scratch grows with the largest tree times its depth."),
				 errhint("Explain a model of fewer or shallower trees, or raise edupredict.forest_max_memory.")));
	ens_pg_check(st, ENS_WHAT_EXPLANATION_PLAN, NULL);
	return plan;
}

/* The plan for m, built when the call site meets a new model. */
static ExplainState *
ExplainPlan(FunctionCallInfo fcinfo, RegCall *rc, EnsModel *m, const char *what)
{
	ExplainState *es = (ExplainState *) rc->extra;
	bool		bytes = rc->bcxt != NULL && rc->bmodel == m;
	uint64		key = !bytes && rc->slot && rc->slot->model == m ? rc->serial : 0;

	if (es == NULL)
		es = rc->extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ExplainState));
	if (es->plan && es->model == m && es->key == key)
		return es;
	if (es->cxt)
		MemoryContextDelete(es->cxt);
	es->plan = NULL;
	es->cxt = AllocSetContextCreate(bytes ? rc->bcxt : fcinfo->flinfo->fn_mcxt,
									"edupredict explanation plan", ALLOCSET_DEFAULT_SIZES);
	if (bytes && es->watched != rc->bcxt)
	{
		es->forget.func = ForgetPlan;
		es->forget.arg = es;
		MemoryContextRegisterResetCallback(rc->bcxt, &es->forget);
		es->watched = rc->bcxt;
	}
	ens_pg_plain_alloc_init(&es->al, es->cxt);
	es->plan = ens_explain_plan(m, &es->al, what);
	es->phi = MemoryContextAlloc(es->cxt, sizeof(double) * m->n_features);
	es->order = MemoryContextAlloc(es->cxt, sizeof(uint32_t) * m->n_features);
	es->model = m;
	es->key = key;
	if (!ens_shap_uses_cover(es->plan) && !es->noticed)
	{
		ereport(NOTICE,
				(errmsg("%s has no node covers: contributions weigh both branches of every split equally",
						what),
				 errdetail("Models trained before edupredict 0.2.0 do not record how many training rows reached each node."),
				 errhint("edupredict.model_profile(model_name, relation) adds them from the training rows as a new version.")));
		es->noticed = true;
	}
	return es;
}

/* the output explained: class k's share or margin, or the value */
static uint32_t
Output(const EnsModel *m, RegCall *rc, text *cls, const char *name)
{
	if (m->task != ENS_CLASSIFICATION)
	{
		if (cls)
			ens_class_index(m, cls, name, ens_call_model_version(rc));	/* raises: no classes */
		return 0;
	}
	if (cls)
		return ens_class_index(m, cls, name, ens_call_model_version(rc));
	ens_predict_binned(m, rc->xb, rc->out);
	return ens_predicted_class(m, rc->out);
}

/* the row's value of feature f as text (NULL: missing) */
static Datum
ValueText(RegCall *rc, const EnsModel *m, uint32_t f, bool from_row, bool *isnull)
{
	*isnull = false;
	if (from_row)
	{
		int			i = rc->attidx[f];
		Oid			typout;
		bool		varlena;

		if (rc->nulls[i])
		{
			*isnull = true;
			return (Datum) 0;
		}
		getTypeOutputInfo(TupleDescAttr(rc->tupdesc, i)->atttypid, &typout, &varlena);
		return CStringGetTextDatum(OidOutputFunctionCall(typout, rc->values[i]));
	}
	if (isnan(rc->x[f]))
	{
		*isnull = true;
		return (Datum) 0;
	}
	return CStringGetTextDatum(float8out_internal(rc->x[f]));
}

/* rows (feature, value, contribution), largest |contribution| first */
static void
Emit(FunctionCallInfo fcinfo, RegCall *rc, ExplainState *es, const EnsModel *m, int32 top_k,
	 bool from_row)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint32_t	p = m->n_features,
				f,
				n;

	for (f = 0; f < p; f++)
	{
		uint32_t	j = f,
					o = f;
		double		a = fabs(es->phi[f]);

		/* insertion sort: stable, so ties keep the model's feature order */
		while (j > 0 && fabs(es->phi[es->order[j - 1]]) < a)
		{
			es->order[j] = es->order[j - 1];
			j--;
		}
		es->order[j] = o;
	}
	n = top_k > 0 && (uint32_t) top_k < p ? (uint32_t) top_k : p;
	for (f = 0; f < n; f++)
	{
		uint32_t	i = es->order[f];
		Datum		v[3];
		bool		nl[3] = {false, false, false};

		v[0] = PointerGetDatum(cstring_to_text_with_len(m->features[i].name,
														m->features[i].name_len));
		v[1] = ValueText(rc, m, i, from_row, &nl[1]);
		v[2] = Float8GetDatum(es->phi[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nl);
	}
}

static int32
TopK(FunctionCallInfo fcinfo, int argno)
{
	int32		k;

	if (PG_ARGISNULL(argno))
		return 0;
	k = PG_GETARG_INT32(argno);
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top_k must be at least 1, or NULL for every feature")));
	return k;
}

/*
 * explain(model, row or features, top_k, version, class): args gives the
 * argument numbers of top_k, version (-1: bytes) and class.
 */
static Datum
Explain(FunctionCallInfo fcinfo, bool bytes, bool from_row, int a_top, int a_version,
		int a_class)
{
	RegCall    *rc;
	EnsModel   *m;
	ExplainState *es;
	const char *what;
	text	   *cls;
	uint32_t	k;
	int32		top_k;

	/* explaining a relation's rows is a call per row: a check per row */
	CHECK_FOR_INTERRUPTS();
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	top_k = TopK(fcinfo, a_top);
	cls = PG_ARGISNULL(a_class) ? NULL : PG_GETARG_TEXT_PP(a_class);
	rc = ens_call_get(fcinfo);
	m = bytes ? ens_call_bytea_model(fcinfo, rc, 0) :
		ens_call_registry_model(fcinfo, rc, PG_GETARG_TEXT_PP(0),
								ens_call_version_arg(fcinfo, a_version));
	what = bytes ? "the model" : psprintf("model \"%s\"", rc->name);
	if (from_row)
		ens_call_row_input(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	else
		ens_call_array_input(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	ens_bin_row(m, rc->x, rc->xb);
	k = Output(m, rc, cls, bytes ? NULL : rc->name);
	es = ExplainPlan(fcinfo, rc, m, what);
	ens_pg_check(ens_shap_row(es->plan, rc->xb, k, es->phi, ens_pg_interrupt, NULL),
				 ENS_WHAT_EXPLANATION, NULL);
	Emit(fcinfo, rc, es, m, top_k, from_row);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(model_explain_row);
Datum
model_explain_row(PG_FUNCTION_ARGS)
{
	return Explain(fcinfo, false, true, 2, 3, 4);
}

PG_FUNCTION_INFO_V1(model_explain_array);
Datum
model_explain_array(PG_FUNCTION_ARGS)
{
	return Explain(fcinfo, false, false, 2, 3, 4);
}

PG_FUNCTION_INFO_V1(model_explain_bytea);
Datum
model_explain_bytea(PG_FUNCTION_ARGS)
{
	return Explain(fcinfo, true, false, 2, -1, 3);
}

/*
 * explain_base_value(model, class, version): the trees' expected output
 * over the training rows (by cover); the class as explain() needs it (NULL:
 * the second of two classes).
 */
static Datum
BaseValue(FunctionCallInfo fcinfo, bool bytes, int a_class, int a_version)
{
	RegCall    *rc = ens_call_get(fcinfo);
	EnsModel   *m;
	ExplainState *es;
	text	   *cls = PG_ARGISNULL(a_class) ? NULL : PG_GETARG_TEXT_PP(a_class);
	const char *name;
	uint32_t	k = 0;

	m = bytes ? ens_call_bytea_model(fcinfo, rc, 0) :
		ens_call_registry_model(fcinfo, rc, PG_GETARG_TEXT_PP(0),
								ens_call_version_arg(fcinfo, a_version));
	name = bytes ? NULL : rc->name;
	if (m->task == ENS_CLASSIFICATION || cls)
		k = ens_class_arg(m, cls, name, ens_call_model_version(rc), "explain_base_value()");
	es = ExplainPlan(fcinfo, rc, m, bytes ? "the model" : psprintf("model \"%s\"", name));
	PG_RETURN_FLOAT8(ens_shap_base(es->plan, k));
}

PG_FUNCTION_INFO_V1(model_explain_base);
Datum
model_explain_base(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return BaseValue(fcinfo, false, 1, 2);
}

PG_FUNCTION_INFO_V1(model_explain_base_bytea);
Datum
model_explain_base_bytea(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return BaseValue(fcinfo, true, 1, -1);
}
