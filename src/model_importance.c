/*
 * model_importance.c - importance of each feature over a relation's rows:
 *
 *   global_importance(model_name, relation, class): the mean absolute
 *   TreeSHAP contribution per feature (and the mean signed one), for the
 *   class predict() returns for each row unless a class is named;
 *
 *   permutation_importance(model_name, relation, metric, n_repeats, seed):
 *   how much worse the metric gets when one feature's values are shuffled
 *   across the rows (Breiman 2001; scikit-learn's permutation_importance),
 *   mean and standard deviation over n_repeats shuffles, on rows the model
 *   did not train on.  Shuffles are seeded per feature and repeat, so a
 *   seed gives the same figures whatever else runs.
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "model_call.h"
#include "model_outputs.h"
#include "rng.h"

typedef struct ImpArgs
{
	Oid			relid;
	text	   *cls;
	char	   *metric;
	int32		repeats;
	int64		seed;
	ReturnSetInfo *rsinfo;
} ImpArgs;

/* a row (feature, a, b[, c]): the result's own columns are used */
static void
PutFeature(ReturnSetInfo *rsinfo, const EnsFeature *F, double a, double b, double c)
{
	Datum		v[4];
	bool		nl[4] = {false, isnan(a), isnan(b), isnan(c)};

	v[0] = PointerGetDatum(cstring_to_text_with_len(F->name, F->name_len));
	v[1] = Float8GetDatum(a);
	v[2] = Float8GetDatum(b);
	v[3] = Float8GetDatum(c);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nl);
}

/* feature order: largest first, ties in model order */
static uint32_t *
Order(const double *key, uint32_t p)
{
	uint32_t   *ord = palloc(sizeof(uint32_t) * p),
				f;

	for (f = 0; f < p; f++)
	{
		uint32_t	j = f;

		while (j > 0 && key[ord[j - 1]] < key[f])
		{
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = f;
	}
	return ord;
}

static void
Global(EnsRegModel *rm, void *arg)
{
	ImpArgs    *ia = (ImpArgs *) arg;
	const EnsModel *m = rm->m;
	uint32_t	p = m->n_features,
				f;
	int64_t		k = -1;			/* the class predict() returns */
	EnsHeldout	h;
	EnsAlloc	al;
	EnsShap    *plan;
	double	   *phi = palloc(sizeof(double) * p),
			   *mabs = palloc(sizeof(double) * p),
			   *msum = palloc(sizeof(double) * p);
	uint32_t   *ord;

	if (ia->cls)
		k = ens_class_index(m, ia->cls, rm->name, rm->slot->version);
	ens_heldout_read(rm->name, rm->slot, m, ia->relid, 0, &h);
	ens_heldout_require_rows(&h);
	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	plan = ens_explain_plan(m, &al, psprintf("model \"%s\"", rm->name));
	ens_pg_check(ens_shap_means(plan, m, h.X, h.n, k, phi, mabs, msum, ens_pg_interrupt, NULL),
				 ENS_WHAT_EXPLANATION, NULL);
	ord = Order(mabs, p);
	for (f = 0; f < p; f++)
		PutFeature(ia->rsinfo, &m->features[ord[f]], mabs[ord[f]], msum[ord[f]], NAN);
}

/* the metric (higher is better: losses are negated) of every row's outputs */
static double
Score(const EnsModel *m, const EnsHeldout *h, const double *out, const char *metric,
	  const EnsAlloc *al)
{
	if (m->task == ENS_CLASSIFICATION)
	{
		EnsClsMetrics cm;
		uint32_t   *pred,
					i;

		if (strcmp(metric, "brier_score") == 0)
			return -ens_brier(h->n, m->n_classes, h->act, out);
		/* accuracy and F1 of the labels predict() returns (a chosen threshold) */
		pred = palloc_extended(sizeof(uint32_t) * Max(h->n, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < h->n; i++)
			pred[i] = ens_predicted_class(m, out + (size_t) i * m->n_classes);
		ens_pg_check(ens_cls_metrics_labels(h->n, m->n_classes, h->n_labels, h->act, out, pred, al,
											ens_pg_interrupt, NULL, &cm, NULL),
					 ENS_WHAT_PERMUTATION_IMPORTANCE, NULL);
		pfree(pred);
		return strcmp(metric, "accuracy") == 0 ? cm.accuracy :
			strcmp(metric, "f1_macro") == 0 ? cm.f1 :
			strcmp(metric, "roc_auc") == 0 ? cm.auc : -cm.log_loss;
	}
	{
		EnsRegMetrics rmx;

		ens_reg_metrics(h->n, h->y, out, &rmx);
		return strcmp(metric, "r2") == 0 ? rmx.r2 :
			strcmp(metric, "rmse") == 0 ? -rmx.rmse : -rmx.mae;
	}
}

static void
CheckMetric(const EnsModel *m, const char *metric)
{
	static const char *const cls[] = {"accuracy", "f1_macro", "roc_auc", "log_loss", "brier_score"};
	static const char *const reg[] = {"r2", "rmse", "mae"};
	int			i;

	if (m->task == ENS_CLASSIFICATION)
	{
		for (i = 0; i < (int) lengthof(cls); i++)
			if (strcmp(metric, cls[i]) == 0)
				return;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("metric for a classification model must be 'accuracy', 'f1_macro', 'roc_auc', 'log_loss' or 'brier_score'")));
	}
	for (i = 0; i < (int) lengthof(reg); i++)
		if (strcmp(metric, reg[i]) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("metric for a regression model must be 'r2', 'rmse' or 'mae'")));
}

/* shuffle column f of the rows (Fisher-Yates, its own stream per repeat) */
static void
Shuffle(EnsHeldout *h, uint32_t f, int64 seed, uint32_t r)
{
	EpRng		rng;
	uint32_t	i;

	ep_rng_seed(&rng, (uint64_t) seed, (uint64_t) f * 100003 + r + 1);
	for (i = h->n; i > 1; i--)
	{
		uint32_t	j = ep_rng_below(&rng, i);
		uint8_t		t = h->X[(size_t) (i - 1) * h->p + f];

		h->X[(size_t) (i - 1) * h->p + f] = h->X[(size_t) j * h->p + f];
		h->X[(size_t) j * h->p + f] = t;
	}
}

static void
Permutation(EnsRegModel *rm, void *arg)
{
	ImpArgs    *ia = (ImpArgs *) arg;
	const EnsModel *m = rm->m;
	uint32_t	p = m->n_features,
				f,
				r,
				i;
	EnsHeldout	h;
	EnsAlloc	al;
	double		base,
			   *mean = palloc(sizeof(double) * p),
			   *sd = palloc(sizeof(double) * p),
			   *drop = palloc(sizeof(double) * ia->repeats),
			   *out;
	uint8_t    *col;
	uint32_t   *ord;

	if (ia->metric == NULL)
		ia->metric = m->task == ENS_CLASSIFICATION ? "accuracy" : "r2";
	CheckMetric(m, ia->metric);
	ens_heldout_read(rm->name, rm->slot, m, ia->relid, ENS_HELDOUT_TARGET, &h);
	ens_heldout_require_rows(&h);
	ens_heldout_known_labels(rm->name, &h, "permutation_importance()", false);
	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	out = ens_heldout_predict(m, &h, false);
	base = Score(m, &h, out, ia->metric, &al);
	pfree(out);
	col = palloc_extended(h.n, MCXT_ALLOC_HUGE);
	for (f = 0; f < p; f++)
	{
		double		s = 0,
					s2 = 0;

		for (i = 0; i < h.n; i++)
			col[i] = h.X[(size_t) i * p + f];
		for (r = 0; r < (uint32_t) ia->repeats; r++)
		{
			/*
			 * a repeat shuffles, predicts and scores every row; the prediction
			 * checks every 1,024 rows, the shuffle and the score do not
			 */
			CHECK_FOR_INTERRUPTS();
			Shuffle(&h, f, ia->seed, r);
			out = ens_heldout_predict(m, &h, false);
			drop[r] = base - Score(m, &h, out, ia->metric, &al);
			pfree(out);
			s += drop[r];
		}
		mean[f] = s / ia->repeats;
		for (r = 0; r < (uint32_t) ia->repeats; r++)
			s2 += (drop[r] - mean[f]) * (drop[r] - mean[f]);
		sd[f] = sqrt(s2 / ia->repeats);
		for (i = 0; i < h.n; i++)
			h.X[(size_t) i * p + f] = col[i];
	}
	ord = Order(mean, p);
	/* the baseline as the metric reads (losses positive again) */
	base = strcmp(ia->metric, "accuracy") == 0 || strcmp(ia->metric, "f1_macro") == 0 ||
		strcmp(ia->metric, "roc_auc") == 0 || strcmp(ia->metric, "r2") == 0 ? base : -base;
	for (f = 0; f < p; f++)
		PutFeature(ia->rsinfo, &m->features[ord[f]], mean[ord[f]], sd[ord[f]], base);
}

/* global_importance(model_name, relation, class, version) */
PG_FUNCTION_INFO_V1(model_global_importance);
Datum
model_global_importance(PG_FUNCTION_ARGS)
{
	ImpArgs		ia;
	EnsRegModel rm;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	memset(&ia, 0, sizeof(ia));
	ia.relid = PG_GETARG_OID(1);
	ia.cls = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	ia.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 3));
	ens_regmodel_run(&rm, Global, &ia);
	return (Datum) 0;
}

/* permutation_importance(model_name, relation, metric, n_repeats, seed, version) */
PG_FUNCTION_INFO_V1(model_permutation_importance);
Datum
model_permutation_importance(PG_FUNCTION_ARGS)
{
	ImpArgs		ia;
	EnsRegModel rm;

	InitMaterializedSRF(fcinfo, 0);
	/* NULL in, no rows out, as a STRICT function: NULL is not the default 5 or 42 */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		return (Datum) 0;
	memset(&ia, 0, sizeof(ia));
	ia.relid = PG_GETARG_OID(1);
	ia.metric = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	ia.repeats = PG_GETARG_INT32(3);
	ia.seed = PG_GETARG_INT64(4);
	if (ia.repeats < 1 || ia.repeats > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_repeats must be between 1 and 1000")));
	ia.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 5));
	ens_regmodel_run(&rm, Permutation, &ia);
	return (Datum) 0;
}
