/*
 * scoring_alerts.c - edupredict.alert_rows(): AFTER INSERT or AFTER UPDATE
 * FOR EACH STATEMENT with transition tables; writes one alert per row whose
 * risk reaches the threshold and announces it with a notification that
 * carries the alert's id and table names, never the row's key or risk.
 *
 * Trigger arguments: model name, output column, key column, threshold,
 * alerts table (OID), channel ('' for none).  On INSERT every new row at or
 * above the threshold alerts; on UPDATE only rows whose key had no old row at
 * or above it (the risk crossed the threshold; NULL keys count as one key).
 * Non-finite risks (a manual override) are never at or above it.
 * The version is read from the registry with the statement's snapshot, as
 * predict_proba read it when it scored the rows.  The alerts table must
 * belong to the scored table's owner: the insert runs as that owner
 * (scoring_owner.c), so trigger arguments can never direct writes at anyone
 * else's table.
 */
#include "postgres.h"

#include <math.h>

#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#include "scoring.h"

static Oid
AlertsTable(Relation rel, const char *arg)
{
	char	   *end;
	unsigned long v = strtoul(arg, &end, 10);
	Oid			relid = (Oid) v;
	Relation	arel;
	Oid			owner;

	if (*arg == '\0' || *end != '\0' || v > PG_UINT32_MAX || get_rel_relkind(relid) != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the alerts table of table \"%s\" does not exist", RelationGetRelationName(rel)),
				 errhint("Detach scoring with edupredict.detach_scoring() and attach it again.")));
	/* locked as the insert will lock it, and kept so to the end of the transaction */
	arel = table_open(relid, RowExclusiveLock);
	owner = arel->rd_rel->relowner;
	table_close(arel, NoLock);
	if (owner != rel->rd_rel->relowner)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("alerts table \"%s\" does not belong to the owner of table \"%s\"",
						get_rel_name(relid), RelationGetRelationName(rel))));
	return relid;
}

/*
 * A risk at or above the threshold: a finite one.  NaN sorts above every
 * number in PostgreSQL and an infinity passes any threshold, but neither is
 * a risk the model gives (a hand-written override can be), so neither alerts
 * nor counts as an old risk at or above the threshold.
 */
static void
AppendAlerting(StringInfo q, const char *alias, const char *risk)
{
	appendStringInfo(q, "%s.%s OPERATOR(pg_catalog.>=) $5 AND %s.%s OPERATOR(pg_catalog.<) "
					 "'Infinity'::pg_catalog.float8", alias, risk, alias, risk);
}

static char *
InsertSql(TriggerData *td, char **args, Oid alerts, bool update)
{
	const char *key = quote_identifier(args[2]);
	const char *risk = quote_identifier(args[1]);
	StringInfoData q;

	initStringInfo(&q);
	appendStringInfo(&q,
					 "INSERT INTO %s (source_table, entity_key, model, version, output_column, risk) "
					 "SELECT $1, (n.%s)::pg_catalog.text, $2, $3, $4, n.%s FROM %s n WHERE ",
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(alerts)), get_rel_name(alerts)),
					 key, risk, quote_identifier(td->tg_trigger->tgnewtable));
	AppendAlerting(&q, "n", risk);
	/* a NULL key matches a NULL key: else every update of such a row alerts */
	if (update)
	{
		appendStringInfo(&q,
						 " AND NOT EXISTS (SELECT 1 FROM %s o WHERE ((o.%s)::pg_catalog.text "
						 "OPERATOR(pg_catalog.=) (n.%s)::pg_catalog.text OR ((o.%s)::pg_catalog.text IS NULL "
						 "AND (n.%s)::pg_catalog.text IS NULL)) AND ",
						 quote_identifier(td->tg_trigger->tgoldtable), key, key, key, key);
		AppendAlerting(&q, "o", risk);
		appendStringInfoChar(&q, ')');
	}
	appendStringInfoString(&q, " RETURNING alert_id");
	return q.data;
}

/* The version predict_proba used: the deployed one, else the newest. */
static Datum
ModelVersion(const char *model, bool *isnull)
{
	Oid			t = TEXTOID;
	Datum		v = CStringGetTextDatum(model);

	if (SPI_execute_with_args("SELECT m.version FROM edupredict.models m WHERE m.name OPERATOR(pg_catalog.=) $1 "
							  "ORDER BY m.deployed DESC, m.version DESC LIMIT 1",
							  1, &t, &v, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the model version");
	*isnull = true;
	if (SPI_processed == 0)
		return (Datum) 0;
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
}

/*
 * The notification names the alert and where to read it, nothing of the
 * row: any role that can connect may LISTEN on any channel (channels have
 * no privileges), while the alerts table is read only as its privileges
 * allow.
 */
static void
Notify(const char *channel, const char *table, const char *alerts_table, HeapTuple row,
	   TupleDesc desc)
{
	StringInfoData p;
	bool		n;
	Datum		id = SPI_getbinval(row, desc, 1, &n);

	initStringInfo(&p);
	if (n)
		appendStringInfoString(&p, "{\"alert_id\": null, \"table\": ");
	else
		appendStringInfo(&p, "{\"alert_id\": " INT64_FORMAT ", \"table\": ", DatumGetInt64(id));
	escape_json(&p, table);
	appendStringInfoString(&p, ", \"alerts\": ");
	escape_json(&p, alerts_table);
	appendStringInfoChar(&p, '}');
	Async_Notify(channel, p.data);
}

PG_FUNCTION_INFO_V1(edupredict_alert_rows);

Datum
edupredict_alert_rows(PG_FUNCTION_ARGS)
{
	TriggerData *td = scoring_trigger_data(fcinfo, "edupredict.alert_rows()", 6, false);
	Relation	rel = td->tg_relation;
	char	  **args = td->tg_trigger->tgargs;
	bool		update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	char	   *end;
	double		threshold = strtod(args[3], &end);
	Oid			alerts = AlertsTable(rel, args[4]);
	char	   *table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
												   RelationGetRelationName(rel));
	Oid			types[5] = {TEXTOID, TEXTOID, INT4OID, TEXTOID, FLOAT8OID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	bool		vnull;
	ScoringOwner so;

	if (*args[3] == '\0' || *end != '\0' || !isfinite(threshold))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("edupredict.alert_rows() needs a finite threshold")));
	if (td->tg_trigger->tgnewtable == NULL || (update && td->tg_trigger->tgoldtable == NULL))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("edupredict.alert_rows() needs the trigger's transition tables")));
	(void) scoring_column(rel, args[1], FLOAT8OID, "output");
	(void) scoring_column(rel, args[2], InvalidOid, "key");

	scoring_owner_begin(&so, rel);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
		elog(ERROR, "could not register the transition tables");
	values[2] = ModelVersion(args[0], &vnull);
	nulls[2] = vnull ? 'n' : ' ';
	values[0] = CStringGetTextDatum(table);
	values[1] = CStringGetTextDatum(args[0]);
	values[3] = CStringGetTextDatum(args[1]);
	values[4] = Float8GetDatum(threshold);
	if (SPI_execute_with_args(InsertSql(td, args, alerts, update), 5, types, values, nulls, false, 0)
		!= SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not write the alerts");
	if (args[5][0] != '\0')
	{
		char	   *alerts_table = quote_qualified_identifier(get_namespace_name(get_rel_namespace(alerts)),
															  get_rel_name(alerts));

		/* a hand-made alerts table may have any alert_id: only a bigint is read as one */
		if (SPI_gettypeid(SPI_tuptable->tupdesc, 1) != INT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column alert_id of alerts table %s has type %s, not bigint", alerts_table,
							format_type_be(SPI_gettypeid(SPI_tuptable->tupdesc, 1))),
					 errhint("Detach scoring with edupredict.detach_scoring() and attach it again.")));
		for (uint64 i = 0; i < SPI_processed; i++)
			Notify(args[5], table, alerts_table, SPI_tuptable->vals[i], SPI_tuptable->tupdesc);
	}
	SPI_finish();
	scoring_owner_end(&so);
	return PointerGetDatum(NULL);
}
