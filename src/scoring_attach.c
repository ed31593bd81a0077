/*
 * scoring_attach.c - edupredict._scoring_model(): the model as the scored
 * table's owner sees it, for attach_scoring's checks.
 *
 * Why the owner: the triggers run the model as the table's owner
 * (scoring_owner.c), so a model that only the caller can use (a superuser's,
 * or one of a member of the owning role) would be attached and then fail
 * every later write.  The registry is read here with the triggers' own
 * switch (the owner's user id, restricted, a fixed search_path), so a model
 * the owner cannot use raises at attach the error a write would raise, with
 * a context line naming the owner.  The switch covers these three fixed,
 * read-only queries and nothing else, and only a caller who acts for the
 * owner may make it: anyone else could learn which models another role can
 * use.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "scoring.h"

typedef struct ModelCheck
{
	const char *model;
	const char *owner;
	const char *relname;
} ModelCheck;

/* Names looked up beforehand: no catalog access while an error is reported. */
static void
ModelCheckContext(void *arg)
{
	ModelCheck *mc = (ModelCheck *) arg;

	errcontext("checking model \"%s\" as role \"%s\", the owner of table \"%s\" (scoring runs as the owner)",
			   mc->model, mc->owner, mc->relname);
}

/*
 * The first column of the one row sql returns for the model name, copied
 * out of SPI (NULL: none).
 */
static Datum
ModelValue(const char *sql, Datum model, Oid type, bool *isnull)
{
	Oid			argtype = TEXTOID;
	int16		typlen;
	bool		typbyval;
	Datum		d;

	if (SPI_execute_with_args(sql, 1, &argtype, &model, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the model for attach_scoring");
	if (SPI_processed == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	if (SPI_gettypeid(SPI_tuptable->tupdesc, 1) != type)
		elog(ERROR, "unexpected type reading the model for attach_scoring");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	if (*isnull)
		return (Datum) 0;
	get_typlenbyval(type, &typlen, &typbyval);
	return SPI_datumTransfer(d, typbyval, typlen);
}

PG_FUNCTION_INFO_V1(edupredict_scoring_model);

Datum
edupredict_scoring_model(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Datum		model = PointerGetDatum(PG_GETARG_TEXT_PP(1));
	TupleDesc	tupdesc;
	Relation	rel;
	ModelCheck	mc;
	ErrorContextCallback errcb;
	ScoringOwner so;
	Datum		values[3];
	bool		nulls[3];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE || tupdesc->natts != 3)
		elog(ERROR, "edupredict._scoring_model() must return a row of three columns");
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (!has_privs_of_role(GetUserId(), rel->rd_rel->relowner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be the owner of table \"%s\" to attach scoring", RelationGetRelationName(rel))));
	mc.model = TextDatumGetCString(model);
	mc.owner = GetUserNameFromId(rel->rd_rel->relowner, false);
	mc.relname = RelationGetRelationName(rel);
	errcb.callback = ModelCheckContext;
	errcb.arg = &mc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	scoring_owner_begin(&so, rel);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* raises the registry's error ("model ... does not exist", 42501 without edupredict_user) */
	values[0] = ModelValue("SELECT edupredict.model_classes($1)", model, TEXTARRAYOID, &nulls[0]);
	values[1] = ModelValue("SELECT pg_catalog.array_agg(f.feature) FROM edupredict.feature_importance($1) f",
						   model, TEXTARRAYOID, &nulls[1]);
	values[2] = ModelValue("SELECT n.owner::pg_catalog.oid FROM edupredict.model_names n "
						   "WHERE n.name OPERATOR(pg_catalog.=) $1", model, OIDOID, &nulls[2]);
	SPI_finish();
	scoring_owner_end(&so);

	error_context_stack = errcb.previous;
	relation_close(rel, NoLock);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
