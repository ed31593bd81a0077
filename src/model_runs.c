/*
 * model_runs.c - writes edupredict.runs (see model_runs.h).
 *
 * The row goes in with a plain INSERT under the caller's rights: the
 * table's trigger, not this code, decides the owner and the time, so what
 * SQL can write directly and what the functions write follow one rule.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "model_runs.h"

#define RUN_COLUMNS 16

static Datum
JsonbText(const char *s)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(s));
}

int64
ens_run_insert(const EnsRun *r)
{
	Oid			types[RUN_COLUMNS] = {INT8OID, TEXTOID, TEXTOID, INT4OID, TEXTOID, JSONBOID,
		JSONBOID, TEXTOID, FLOAT8OID, FLOAT8OID, TEXTOID, INT8OID, TEXTOID, JSONBOID, FLOAT8OID, INT8OID};
	Datum		v[RUN_COLUMNS];
	char		nulls[RUN_COLUMNS];
	bool		isnull;
	int			ret;

	memset(nulls, ' ', sizeof(nulls));
	v[0] = Int64GetDatum(r->parent);
	nulls[0] = r->parent > 0 ? ' ' : 'n';
	v[1] = CStringGetTextDatum(r->kind);
	v[2] = r->model_name ? CStringGetTextDatum(r->model_name) : (Datum) 0;
	nulls[2] = r->model_name ? ' ' : 'n';
	v[3] = Int32GetDatum(r->version);
	nulls[3] = r->version > 0 ? ' ' : 'n';
	v[4] = CStringGetTextDatum(r->algorithm);
	v[5] = JsonbText(r->params);
	v[6] = JsonbText(r->metrics);
	v[7] = r->metric ? CStringGetTextDatum(r->metric) : (Datum) 0;
	nulls[7] = r->metric ? ' ' : 'n';
	v[8] = Float8GetDatum(r->score);
	nulls[8] = r->metric && !isnan(r->score) ? ' ' : 'n';
	v[9] = Float8GetDatum(r->score_sd);
	nulls[9] = r->metric && !isnan(r->score_sd) ? ' ' : 'n';
	v[10] = CStringGetTextDatum(r->source);
	v[11] = Int64GetDatum(r->n_rows);
	v[12] = CStringGetTextDatum(psprintf("%016llx", (unsigned long long) r->fingerprint));
	v[13] = r->folds ? JsonbText(r->folds) : (Datum) 0;
	nulls[13] = r->folds ? ' ' : 'n';
	v[14] = Float8GetDatum(r->secs);
	v[15] = Int64GetDatum(r->peak_bytes);
	ret = SPI_execute_with_args("INSERT INTO edupredict.runs (parent_id, kind, model_name, model_version, "
								"algorithm, params, metrics, metric, score, score_sd, source, n_rows, "
								"fingerprint, folds, duration_s, peak_bytes) "
								"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
								"$15, $16) RETURNING id",
								RUN_COLUMNS, types, v, nulls, false, 1);
	if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert into edupredict.runs: %s", SPI_result_code_string(ret));
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

bool
ens_runs_exist(void)
{
	Oid			nsp = get_namespace_oid("edupredict", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("runs", nsp));
}
