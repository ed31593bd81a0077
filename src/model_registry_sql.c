/*
 * model_registry_sql.c - reserving a registry version before training.
 *
 * Every train_* entry point calls ens_registry_reserve() right after its
 * argument checks, before it reads a row: edupredict.model_reserve()
 * (sql/update/0.1.0--0.2.0/20_registry.sql) checks the caller's rights,
 * creates the name owned by the caller or requires membership in its owner,
 * locks the name until the end of the transaction and returns the version
 * number.  A caller without rights, or a REPEATABLE READ transaction that
 * raced a committed change to the name, thus fails before any work, not with
 * a unique violation after it.  The entry point then inserts its row with
 * that version; the registry's trigger sets owner, created_by and created_at.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "model_registry_sql.h"

/*
 * Schema 0.1.0 (the new library before ALTER EXTENSION ... UPDATE) has no
 * model_reserve(): serialise as 0.1.0 did, with a table lock, taken before
 * training and held to the end of the transaction.
 */
static const char *const reserve_010 =
"SELECT coalesce(pg_catalog.max(m.version), 0) OPERATOR(pg_catalog.+) 1 "
"FROM edupredict.models m WHERE m.name OPERATOR(pg_catalog.=) $1";

int32
ens_registry_reserve(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;
	bool		have_reserve;
	int32		version;
	int			ret;

	values[0] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute("SELECT pg_catalog.to_regprocedure('edupredict.model_reserve(pg_catalog.text)') IS NOT NULL",
					  true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "registry lookup failed: %s", SPI_result_code_string(ret));
	have_reserve = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (!have_reserve)
	{
		ret = SPI_execute("LOCK TABLE edupredict.models IN SHARE ROW EXCLUSIVE MODE", false, 0);
		if (ret != SPI_OK_UTILITY)
			elog(ERROR, "could not lock edupredict.models: %s", SPI_result_code_string(ret));
	}
	ret = SPI_execute_with_args(have_reserve ? "SELECT edupredict.model_reserve($1)" : reserve_010,
								1, argtypes, values, NULL, false, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not reserve a model version: %s", SPI_result_code_string(ret));
	version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (isnull)
		elog(ERROR, "model_reserve returned NULL");
	SPI_finish();
	return version;
}
