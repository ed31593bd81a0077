/*
 * model_curves.c - tables for plotting how good a classifier's
 * probabilities are on a relation's rows (ensemble_curves.c has the
 * definitions): reliability(model_name, relation, bins, class),
 * roc_curve(model_name, relation, class) and pr_curve(model_name,
 * relation, class).  Probabilities are those of predict_proba() (the
 * version's calibrator included); a class argument NULL is the second of
 * two classes (reliability: every class of a multi-class model).
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "utils/builtins.h"

#include "model_call.h"
#include "model_outputs.h"

typedef enum CurveKind
{
	CURVE_RELIABILITY,
	CURVE_ROC,
	CURVE_PR
} CurveKind;

typedef struct CurveArgs
{
	CurveKind	kind;
	Oid			relid;
	text	   *cls;
	int32		bins;
	ReturnSetInfo *rsinfo;
} CurveArgs;

typedef struct Scores
{
	uint32_t	n;
	double	   *s;
	uint8_t    *y;
	uint64_t	pos;
} Scores;

static void
ClassScores(const EnsModel *m, const EnsHeldout *h, const double *out, uint32_t k, Scores *sc)
{
	uint32_t	i;

	sc->n = h->n;
	sc->pos = 0;
	for (i = 0; i < h->n; i++)
	{
		sc->s[i] = out[(size_t) i * m->n_classes + k];
		sc->y[i] = h->act[i] == k;
		sc->pos += sc->y[i];
	}
}

static void
Reliability(const EnsModel *m, const CurveArgs *ca, Scores *sc, uint32_t k, const EnsAlloc *al)
{
	double	   *mean = palloc(sizeof(double) * ca->bins),
			   *rate = palloc(sizeof(double) * ca->bins);
	uint64_t   *count = palloc(sizeof(uint64_t) * ca->bins);
	int32		b;

	ens_pg_check(ens_reliability(sc->n, sc->s, sc->y, (uint32_t) ca->bins, al, ens_pg_interrupt, NULL,
								 mean, rate, count),
				 ENS_WHAT_RELIABILITY, NULL);
	for (b = 0; b < ca->bins; b++)
	{
		Datum		v[5];
		bool		nl[5] = {false, false, false, false, false};

		if (count[b] == 0)
			continue;
		v[0] = PointerGetDatum(ens_class_text(m, k));
		v[1] = Int32GetDatum(b + 1);
		v[2] = Float8GetDatum(mean[b]);
		v[3] = Float8GetDatum(rate[b]);
		v[4] = Int64GetDatum((int64) count[b]);
		tuplestore_putvalues(ca->rsinfo->setResult, ca->rsinfo->setDesc, v, nl);
	}
}

/* ROC: (threshold, fpr, tpr) from (infinity, 0, 0); PR: (threshold, precision, recall) */
static void
Curve(const CurveArgs *ca, Scores *sc, const EnsAlloc *al)
{
	double	   *thr = palloc_extended(sizeof(double) * Max(sc->n, 1), MCXT_ALLOC_HUGE);
	uint64_t   *fl = palloc_extended(sizeof(uint64_t) * Max(sc->n, 1), MCXT_ALLOC_HUGE),
			   *tp = palloc_extended(sizeof(uint64_t) * Max(sc->n, 1), MCXT_ALLOC_HUGE),
				neg = sc->n - sc->pos;
	uint32_t	np,
				j;

	ens_pg_check(ens_curve(sc->n, sc->s, sc->y, al, ens_pg_interrupt, NULL, thr, fl, tp, &np), ENS_WHAT_CURVE, NULL);
	for (j = 0; j <= np; j++)
	{
		Datum		v[3];
		bool		nl[3] = {false, false, false};
		uint64_t	f = j ? fl[j - 1] : 0,
					t = j ? tp[j - 1] : 0;

		if (ca->kind == CURVE_PR && j == 0)
			continue;
		v[0] = Float8GetDatum(j ? thr[j - 1] : INFINITY);
		if (ca->kind == CURVE_ROC)
		{
			v[1] = Float8GetDatum(neg ? (double) (f - t) / neg : NAN);
			v[2] = Float8GetDatum(sc->pos ? (double) t / sc->pos : NAN);
			nl[1] = neg == 0;
			nl[2] = sc->pos == 0;
		}
		else
		{
			v[1] = Float8GetDatum((double) t / f);
			v[2] = Float8GetDatum(sc->pos ? (double) t / sc->pos : NAN);
			nl[2] = sc->pos == 0;
		}
		tuplestore_putvalues(ca->rsinfo->setResult, ca->rsinfo->setDesc, v, nl);
	}
}

static void
Curves(EnsRegModel *rm, void *arg)
{
	CurveArgs  *ca = (CurveArgs *) arg;
	const EnsModel *m = rm->m;
	EnsHeldout	h;
	EnsAlloc	al;
	Scores		sc;
	double	   *out;
	uint32_t	k,
				k0,
				k1;
	const char *fn = ca->kind == CURVE_ROC ? "roc_curve()" :
		ca->kind == CURVE_PR ? "pr_curve()" : "reliability()";

	ens_require_classifier(m, rm->name, fn);
	if (ca->kind == CURVE_RELIABILITY && ca->cls == NULL && m->n_classes > 2)
		k0 = 0, k1 = m->n_classes;
	else
	{
		k0 = ens_class_arg(m, ca->cls, rm->name, rm->slot->version, fn);
		k1 = k0 + 1;
	}
	ens_heldout_read(rm->name, rm->slot, m, ca->relid, ENS_HELDOUT_TARGET, &h);
	ens_heldout_require_rows(&h);
	ens_heldout_known_labels(rm->name, &h, fn, false);
	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	out = ens_heldout_predict(m, &h, false);
	sc.s = palloc_extended(sizeof(double) * Max(h.n, 1), MCXT_ALLOC_HUGE);
	sc.y = palloc_extended(Max(h.n, 1), MCXT_ALLOC_HUGE);
	for (k = k0; k < k1; k++)
	{
		ClassScores(m, &h, out, k, &sc);
		if (ca->kind == CURVE_RELIABILITY)
			Reliability(m, ca, &sc, k, &al);
		else
			Curve(ca, &sc, &al);
	}
}

static Datum
CurveSql(FunctionCallInfo fcinfo, CurveKind kind, int a_class, int a_bins, int a_version)
{
	CurveArgs	ca;
	EnsRegModel rm;

	InitMaterializedSRF(fcinfo, 0);
	/* NULL in, no rows out, as a STRICT function: bins NULL is not its default */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || (a_bins >= 0 && PG_ARGISNULL(a_bins)))
		return (Datum) 0;
	ca.bins = a_bins < 0 ? 10 : PG_GETARG_INT32(a_bins);
	ca.kind = kind;
	ca.relid = PG_GETARG_OID(1);
	ca.cls = PG_ARGISNULL(a_class) ? NULL : PG_GETARG_TEXT_PP(a_class);
	if (ca.bins < 1 || ca.bins > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be between 1 and 1000")));
	ca.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, a_version));
	ens_regmodel_run(&rm, Curves, &ca);
	return (Datum) 0;
}

/* reliability(model_name, relation, bins, class, version) */
PG_FUNCTION_INFO_V1(model_reliability);
Datum
model_reliability(PG_FUNCTION_ARGS)
{
	return CurveSql(fcinfo, CURVE_RELIABILITY, 3, 2, 4);
}

/* roc_curve(model_name, relation, class, version) */
PG_FUNCTION_INFO_V1(model_roc_curve);
Datum
model_roc_curve(PG_FUNCTION_ARGS)
{
	return CurveSql(fcinfo, CURVE_ROC, 2, -1, 3);
}

/* pr_curve(model_name, relation, class, version) */
PG_FUNCTION_INFO_V1(model_pr_curve);
Datum
model_pr_curve(PG_FUNCTION_ARGS)
{
	return CurveSql(fcinfo, CURVE_PR, 2, -1, 3);
}
