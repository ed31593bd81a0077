/*
 * model_version.c - writing a changed model (the same trees with a new
 * calibrator, threshold or training profile) as the next version of its
 * registry name, for calibrate(), choose_threshold() and model_profile().
 *
 * The new row copies the source row's task, target, features, classes and
 * row count, and its params and metrics with the given members added
 * (jsonb ||; params also get from_version, the source version).  params
 * carry "threshold" only when the new model has one: calibrate() drops the
 * source's threshold from the model, so it goes from the params too; its
 * "calibration" replaces the source's (an out-of-bag method or an earlier
 * calibrate()'s object), and "calibration_rows" (and a cross-fitted one's
 * "calibration_fold_classes") go from the metrics with the calibrator they
 * counted.  The
 * source version is never changed: deploy the new one to make predict()
 * use it.
 *
 * The caller reserves the version (ens_registry_reserve: the owner's rights
 * and the per-name lock) before it reads a row, as every train_* call does,
 * so a role that may only read the model is refused before any work.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "model_outputs.h"
#include "model_registry_sql.h"

/*
 * the source row's target, params || add (without "threshold" unless
 * has_threshold), metrics || add (without "calibration_rows" and
 * "calibration_fold_classes", the rows of the calibrator, when add brings a
 * calibrator that replaces it),
 * n_rows
 */
static void
SourceRow(const EnsRegModel *rm, const char *params_add, const char *metrics_add,
		  bool has_threshold, EnsRegistryRow *rr)
{
	Oid			at[4] = {INT8OID, TEXTOID, TEXTOID, BOOLOID};
	Datum		av[4];
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	td;

	av[0] = Int64GetDatum(rm->slot->id);
	av[1] = CStringGetTextDatum(params_add);
	av[2] = CStringGetTextDatum(metrics_add);
	av[3] = BoolGetDatum(has_threshold);
	if (SPI_execute_with_args("SELECT m.target, "
							  "((CASE WHEN $4 THEN m.params "
							  "ELSE m.params OPERATOR(pg_catalog.-) 'threshold'::pg_catalog.text END) "
							  "OPERATOR(pg_catalog.||) $2::pg_catalog.jsonb OPERATOR(pg_catalog.||) "
							  "pg_catalog.jsonb_build_object('from_version', m.version))::pg_catalog.text, "
							  "((CASE WHEN $2::pg_catalog.jsonb OPERATOR(pg_catalog.?) 'calibration' "
							  "THEN m.metrics OPERATOR(pg_catalog.-) "
							  "'{calibration_rows,calibration_fold_classes}'::pg_catalog.text[] "
							  "ELSE m.metrics END) "
							  "OPERATOR(pg_catalog.||) $3::pg_catalog.jsonb)::pg_catalog.text, "
							  "m.n_rows FROM edupredict.models m WHERE m.id OPERATOR(pg_catalog.=) $1",
							  4, at, av, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist any more", rm->name)));
	tup = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	rr->target = TextDatumGetCString(SPI_getbinval(tup, td, 1, &isnull));
	rr->params = TextDatumGetCString(SPI_getbinval(tup, td, 2, &isnull));
	rr->metrics = TextDatumGetCString(SPI_getbinval(tup, td, 3, &isnull));
	rr->n_rows = DatumGetInt64(SPI_getbinval(tup, td, 4, &isnull));
}

/*
 * Write m as version (reserved) of rm's name; params_add and metrics_add
 * are jsonb objects added to the source row's.  Returns the new version.
 */
int32
ens_write_version(const EnsRegModel *rm, int32 version, const EnsModel *m,
				  const char *params_add, const char *metrics_add, double secs)
{
	MemoryContext cxt = CurrentMemoryContext;
	EnsRegistryRow rr;
	Datum		row;
	bool		isnull;

	memset(&rr, 0, sizeof(rr));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(cxt);
	SourceRow(rm, params_add, metrics_add, m->ext != NULL && m->ext->has_threshold, &rr);
	rr.model_name = rm->name;
	rr.algorithm = ens_learner_of(m)->algorithm;
	rr.task = m->task;
	rr.p = m->n_features;
	rr.features = m->features;
	rr.K = m->task == ENS_CLASSIFICATION ? m->n_classes : 0;
	rr.class_s = m->classes;
	rr.class_l = m->class_len;
	rr.secs = secs;
	rr.model = ens_model_bytea(m, cxt);
	row = ens_registry_insert(&rr, ENS_REGISTRY_CURRENT, version);
	version = DatumGetInt32(GetAttributeByName((HeapTupleHeader) DatumGetPointer(row), "version",
											   &isnull));
	SPI_finish();
	MemoryContextSwitchTo(cxt);
	return version;
}
