/*
 * model_profile.c - model_profile(model_name, relation): records what a
 * model trained before 0.2.0 lacks, from its training rows, as a new
 * version with the same trees: node covers (explain()'s expectations),
 * rows per class ('prior' thresholds), feature histograms and the output
 * histogram (drift()).  Rows whose target is NULL are left out; a target
 * value the model does not know is refused (22023), as calibrate() does;
 * at least two rows must remain, and for a classifier rows of at least two
 * classes.  A calibrator and threshold of the source version stay.
 */
#include "postgres.h"

#include "funcapi.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"

#include "model_call.h"
#include "model_outputs.h"
#include "model_registry_sql.h"

typedef struct ProfArgs
{
	Oid			relid;
	ReturnSetInfo *rsinfo;
	instr_time	start;
} ProfArgs;

static void
Profile(EnsRegModel *rm, void *arg)
{
	ProfArgs   *pa = (ProfArgs *) arg;
	EnsModel	mc = *rm->m;
	EnsHeldout	h;
	EnsAlloc	al;
	uint32_t   *rows,
				n = 0,
				i;
	instr_time	end;
	Datum		v[2];
	bool		nl[2] = {false, false};
	char		params[64];
	int32		version = ens_registry_reserve(rm->name);	/* rights before rows */

	ens_heldout_read(rm->name, rm->slot, &mc, pa->relid, ENS_HELDOUT_TARGET | ENS_HELDOUT_MISSING, &h);
	ens_heldout_known_labels(rm->name, &h, "model_profile()", true);
	ens_heldout_require_rows(&h);
	rows = palloc_extended(sizeof(uint32_t) * Max(h.n, 1), MCXT_ALLOC_HUGE);
	for (n = 0; n < h.n; n++)
		rows[n] = n;
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation has only one row with a target value the model knows"),
				 errdetail("A profile describes the training rows (class shares and histograms): one row would give a class share of 1 and histograms of one value."),
				 errhint("Profile the model on the relation it was trained on.")));
	if (mc.task == ENS_CLASSIFICATION)
	{
		for (i = 1; i < n; i++)
			if (h.act[rows[i]] != h.act[rows[0]])
				break;
		if (i == n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relation has rows of only one class, #%u, of model \"%s\"",
							h.act[rows[0]] + 1, rm->name),
					 errdetail("A profile records each class's share of the training rows ('prior' thresholds): with one class that share would be 1 and the others' 0."),
					 errhint("Profile the model on the relation it was trained on, with rows of every class; edupredict.model_classes(%s) lists the classes from #1.",
							 ens_model_args_sql(rm->name, rm->slot->version))));
	}
	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	ens_pg_check(ens_profile_model(&mc, h.X, h.p, rows, n,
								   mc.task == ENS_CLASSIFICATION ? h.act : NULL, NULL, 0,
								   NULL, NULL, NULL, &al, ens_pg_interrupt, NULL),
				 ENS_WHAT_MODEL_PROFILE, NULL);
	/*
	 * a boosted feature of ENS_MAX_BOOST_BINS bins codes a missing value
	 * 255, its last bin: the missing rows counted from the values move to
	 * the missing entry, as drift counts them (model_drift.c)
	 */
	for (i = 0; i < mc.n_features; i++)
		if (mc.features[i].n_bins > ENS_MAX_BINS)
		{
			uint32_t   *hist = mc.ext->hist + mc.ext->hist_off[i];

			hist[ENS_MISSING] -= (uint32_t) h.missing_rows[i];
			hist[mc.features[i].n_bins] += (uint32_t) h.missing_rows[i];
		}
	snprintf(params, sizeof(params), "{\"profile_rows\": %u}", n);
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, pa->start);
	v[0] = Int32GetDatum(ens_write_version(rm, version, &mc, params, "{}", INSTR_TIME_GET_DOUBLE(end)));
	v[1] = Int64GetDatum((int64) n);
	tuplestore_putvalues(pa->rsinfo->setResult, pa->rsinfo->setDesc, v, nl);
}

/* model_profile(model_name, relation, version) */
PG_FUNCTION_INFO_V1(model_profile);
Datum
model_profile(PG_FUNCTION_ARGS)
{
	ProfArgs	pa;
	EnsRegModel rm;

	INSTR_TIME_SET_CURRENT(pa.start);
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model_name and relation must not be NULL")));
	pa.relid = PG_GETARG_OID(1);
	pa.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 2));
	ens_regmodel_run(&rm, Profile, &pa);
	return (Datum) 0;
}
