/*
 * model_calibrate.c - calibrate(model_name, relation, method): fits a
 * calibrator (ensemble_calib.c) on the relation's rows, which should be
 * rows the trees did not see, and writes the same trees with it as a new
 * version, so predict_proba() of that version returns calibrated
 * probabilities.  Returns the version and the Brier score, expected
 * calibration error and log loss on the calibration rows before and after
 * (in-sample for the calibrator: judge it on other rows with evaluate()).
 *
 * The calibrator is fitted on the trees' own probabilities (a calibrator of
 * the source version, out-of-bag or from an earlier calibrate(), is
 * replaced, not stacked: the format holds one), one against the rest for
 * more than two classes.  params.calibration says which calibrator the new
 * version carries: {"method", "rows", "source": "held_out"}, where
 * train_forest(calibration => ...) records the method alone (out of bag);
 * model_version.c drops the out-of-bag "calibration_rows" from the metrics.
 * A decision threshold of the source version is not carried over: it was
 * chosen on other probabilities.  The output histogram (drift) is rebuilt
 * from the calibrated outputs of these rows.
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"

#include "model_call.h"
#include "model_outputs.h"
#include "model_registry_sql.h"

typedef struct CalArgs
{
	Oid			relid;
	int			method;
	ReturnSetInfo *rsinfo;
	instr_time	start;
} CalArgs;

typedef struct Quality
{
	double		brier,
				ece,
				log_loss;
} Quality;

static Quality
Measure(const EnsModel *m, const EnsHeldout *h, const double *out, const EnsAlloc *al)
{
	Quality		q;
	EnsClsMetrics cm;

	q.brier = ens_brier(h->n, m->n_classes, h->act, out);
	ens_pg_check(ens_ece(h->n, m->n_classes, h->act, out, al, ens_pg_interrupt, NULL, &q.ece), ENS_WHAT_CALIBRATION, NULL);
	ens_pg_check(ens_cls_metrics(h->n, m->n_classes, h->n_labels, h->act, out, al,
								 ens_pg_interrupt, NULL, &cm, NULL), ENS_WHAT_CALIBRATION, NULL);
	q.log_loss = cm.log_loss;
	return q;
}

/*
 * fit one calibrator per class (two classes: one, for the second); a class
 * the rows lack is named by its position in model_classes(), not by its
 * label, a value of the training rows (STYLE.md section 8)
 */
static void
Fit(EnsExtras *x, const EnsModel *m, const char *name, const EnsHeldout *h, const double *raw,
	int method, const EnsAlloc *al)
{
	uint32_t	bad;
	bool		only;
	EnsStatus	rc = ens_calib_fit(x, m, h->n, raw, h->act, method, al, ens_pg_interrupt, NULL,
								   &bad, &only);

	if (rc == ENS_EINVAL && bad != UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 only ?
				 errmsg("relation has only rows of class #%u of model \"%s\" to calibrate on", bad + 1, name) :
				 errmsg("relation has no row of class #%u of model \"%s\" to calibrate on", bad + 1, name),
				 errdetail("Each class's calibrator needs rows of the class and rows of other classes."),
				 errhint("Calibrate on held-out rows that include every class; edupredict.model_classes(%s) lists the classes from #1.",
						 ens_model_args_sql(name, h->version))));
	if (rc == ENS_ELIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the isotonic calibrator needs more than %u knots", ENS_MAX_KNOTS),
				 errhint("Calibrate on fewer rows or with method => 'sigmoid'.")));
	ens_pg_check(rc, method == ENS_CAL_SIGMOID ? ENS_WHAT_SIGMOID_FIT : ENS_WHAT_ISOTONIC_FIT, NULL);
}

static void
PutResult(ReturnSetInfo *rsinfo, int32 version, int method, uint32_t n, Quality b, Quality a)
{
	Datum		v[9];
	bool		nl[9] = {false};

	v[0] = Int32GetDatum(version);
	v[1] = CStringGetTextDatum(method == ENS_CAL_ISOTONIC ? "isotonic" : "sigmoid");
	v[2] = Int64GetDatum(n);
	v[3] = Float8GetDatum(b.brier);
	v[4] = Float8GetDatum(a.brier);
	v[5] = Float8GetDatum(b.ece);
	v[6] = Float8GetDatum(a.ece);
	v[7] = Float8GetDatum(b.log_loss);
	v[8] = Float8GetDatum(a.log_loss);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nl);
}

static void
Calibrate(EnsRegModel *rm, void *arg)
{
	CalArgs    *ca = (CalArgs *) arg;
	const EnsModel *m = rm->m;
	EnsHeldout	h;
	EnsModel	mc = *m;
	EnsExtras  *x;
	EnsAlloc	al;
	double	   *raw,
			   *before,
			   *after;
	Quality		qb,
				qa;
	StringInfoData params,
				metrics;
	instr_time	end;
	int32		version;

	ens_require_classifier(m, rm->name, "calibrate()");
	version = ens_registry_reserve(rm->name);	/* rights before rows */
	ens_heldout_read(rm->name, rm->slot, m, ca->relid, ENS_HELDOUT_TARGET, &h);
	ens_heldout_require_rows(&h);
	ens_heldout_known_labels(rm->name, &h, "calibrate()", false);
	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	raw = ens_heldout_predict(m, &h, true);
	before = ens_heldout_predict(m, &h, false);
	x = ens_ext_new(&al);
	if (m->ext)
	{
		x->cover = m->ext->cover;
		x->class_count = m->ext->class_count;
		x->hist = m->ext->hist;
		x->hist_off = m->ext->hist_off;
	}
	Fit(x, m, rm->name, &h, raw, ca->method, &al);
	mc.ext = x;
	after = ens_heldout_predict(&mc, &h, false);
	ens_pg_check(ens_profile_outputs(x, &al, after, h.n, m->n_classes, ENS_PRED_CALIBRATION),
				 ENS_WHAT_CALIBRATION, NULL);
	qb = Measure(m, &h, before, &al);
	qa = Measure(&mc, &h, after, &al);

	initStringInfo(&params);
	appendStringInfo(&params, "{\"calibration\": {\"method\": \"%s\", \"rows\": %u, \"source\": \"held_out\"}}",
					 ca->method == ENS_CAL_ISOTONIC ? "isotonic" : "sigmoid", h.n);
	initStringInfo(&metrics);
	appendStringInfoChar(&metrics, '{');
	{
		bool		first = true;

		ens_json_num(&metrics, "calibration_brier_before", qb.brier, &first);
		ens_json_num(&metrics, "calibration_brier_after", qa.brier, &first);
		ens_json_num(&metrics, "calibration_ece_before", qb.ece, &first);
		ens_json_num(&metrics, "calibration_ece_after", qa.ece, &first);
	}
	appendStringInfoChar(&metrics, '}');
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, ca->start);
	version = ens_write_version(rm, version, &mc, params.data, metrics.data, INSTR_TIME_GET_DOUBLE(end));
	PutResult(ca->rsinfo, version, ca->method, h.n, qb, qa);
}

/* calibrate(model_name, relation, method, version) */
PG_FUNCTION_INFO_V1(model_calibrate);
Datum
model_calibrate(PG_FUNCTION_ARGS)
{
	CalArgs		ca;
	EnsRegModel rm;
	char	   *method;

	INSTR_TIME_SET_CURRENT(ca.start);
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model_name and relation must not be NULL")));
	method = PG_ARGISNULL(2) ? "isotonic" : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (strcmp(method, "isotonic") == 0)
		ca.method = ENS_CAL_ISOTONIC;
	else if (strcmp(method, "sigmoid") == 0)
		ca.method = ENS_CAL_SIGMOID;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method must be 'isotonic' or 'sigmoid'")));
	ca.relid = PG_GETARG_OID(1);
	ca.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 3));
	ens_regmodel_run(&rm, Calibrate, &ca);
	return (Datum) 0;
}
