/*
 * panel_write.c - build_panel: creates the output table and writes the rows.
 *
 * The table is created through SPI as the caller (so CREATE privilege on the
 * schema is checked as usual), then filled the way COPY fills a table: slots
 * handed to table_multi_insert in batches with a bulk-insert state, without
 * a query per row.  That path skips constraints, triggers and indexes, so the
 * table is checked first to be exactly the one just created: an event
 * trigger that added any of those makes build_panel fail instead.  An error
 * anywhere rolls the whole call back: the table never exists half-written.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"

#include "edupredict.h"
#include "panel.h"

#define BATCH 1000

int			edupredict_panel_max_memory_mb = 2048;

void
edupredict_panel_init(void)
{
	DefineCustomIntVariable("edupredict.panel_max_memory",
							"Upper bound on the memory one build_panel call may allocate.",
							"Counted over entities, keys and period buckets; exceeding it is an error. Only superusers can change it: it protects the server's memory.",
							&edupredict_panel_max_memory_mb,
							2048, 1, INT_MAX / 2,
							PGC_SUSET, GUC_UNIT_MB,
							NULL, NULL, NULL);
}

typedef struct PanelTotals
{
	int64		entities;
	int64		rows;
	int64		labelled;
	int64		positives;
} PanelTotals;

/* panel_measure_type's type, as the CREATE TABLE spells it */
static const char *
MeasureType(PanelMeasureKind k)
{
	Oid			t = panel_measure_type(k);

	return t == INT8OID ? "pg_catalog.int8" : t == INT4OID ? "pg_catalog.int4" : "pg_catalog.float8";
}

static char *
CreateTableSql(const PanelSpec *s)
{
	StringInfoData q;

	initStringInfo(&q);
	appendStringInfo(&q, "CREATE TABLE %s (", s->out_qualified);
	for (int k = 0; k < s->nkeys; k++)
	{
		int32		typmod = s->key_typmods[k];
		Oid			base = getBaseTypeAndTypmod(s->key_types[k], &typmod);

		appendStringInfo(&q, "%s %s", quote_identifier(s->keys[k]),
						 format_type_extended(base, typmod, FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY));
		if (OidIsValid(s->key_colls[k]) && s->key_colls[k] != get_typcollation(base))
			appendStringInfo(&q, " COLLATE %s", generate_collation_name(s->key_colls[k]));
		appendStringInfoString(&q, ", ");
	}
	appendStringInfo(&q, "period pg_catalog.int4 NOT NULL, period_start %s NOT NULL",
					 s->period.tkind == PT_INTEGER ? "pg_catalog.int8" : "pg_catalog.date");
	for (int m = 0; m < s->nmeasures; m++)
		appendStringInfo(&q, ", %s %s", quote_identifier(s->measures[m].name),
						 MeasureType(s->measures[m].kind));
	for (int m = 0; m < s->nmeasures; m++)
	{
		for (int l = 0; l < s->nlags; l++)
			appendStringInfo(&q, ", %s %s",
							 quote_identifier(psprintf("%s_lag%d", s->measures[m].name, s->lags[l])),
							 MeasureType(s->measures[m].kind));
		for (int r = 0; r < s->nrolling; r++)
			appendStringInfo(&q, ", %s pg_catalog.float8",
							 quote_identifier(psprintf("%s_roll%d", s->measures[m].name, s->rolling[r])));
	}
	if (s->label != PL_NONE)
		appendStringInfoString(&q, ", label pg_catalog.bool");
	appendStringInfoChar(&q, ')');
	return q.data;
}

/* The new table, exactly as created: nothing that the bulk path would skip. */
static Relation
OpenNewTable(const PanelSpec *s)
{
	Oid			relid = get_relname_relid(s->out_name, s->out_nsp);
	Relation	rel;
	Form_pg_class c;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the new table %s was dropped or renamed while build_panel created it",
						s->out_qualified),
				 errdetail("An event trigger dropped or renamed it.")));
	rel = table_open(relid, RowExclusiveLock);
	c = rel->rd_rel;
	if (c->relkind != RELKIND_RELATION || c->relhastriggers || c->relhasindex || c->relhasrules ||
		c->relrowsecurity || c->relchecks != 0 || c->relowner != GetUserId() ||
		RelationGetDescr(rel)->natts != panel_series_ncols(s) ||
		(rel->rd_att->constr && rel->rd_att->constr->has_generated_stored))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the new table %s was changed while build_panel created it", s->out_qualified),
				 errdetail("An event trigger added triggers, indexes, rules, constraints, policies or columns.")));
	return rel;
}

static void
Flush(Relation rel, TupleTableSlot **slots, int *n, CommandId cid, BulkInsertState bis)
{
	if (*n == 0)
		return;
	table_multi_insert(rel, slots, *n, cid, 0, bis);
	*n = 0;
	CHECK_FOR_INTERRUPTS();
}

/* Every entity's rows into the new table. */
static void
WriteRows(const PanelSpec *s, PanelData *pd, PanelTotals *t)
{
	Relation	rel = OpenNewTable(s);
	TupleTableSlot *slots[BATCH];
	BulkInsertState bis = GetBulkInsertState();
	CommandId	cid = GetCurrentCommandId(true);
	PanelSeries *series = panel_series_create(s, CurrentMemoryContext);
	int			n = 0,
				label_col = panel_series_ncols(s) - 1;

	for (int i = 0; i < BATCH; i++)
		slots[i] = table_slot_create(rel, NULL);
	for (int64 i = 0; i < pd->nents; i++)
	{
		PanelEntity *e = &pd->ents[i];
		int32		p0;
		int			nrows = panel_series_compute(series, pd, e, &p0);

		t->entities += nrows > 0;
		for (int r = 0; r < nrows; r++)
		{
			TupleTableSlot *slot = slots[n];

			ExecClearTuple(slot);
			for (int k = 0; k < s->nkeys; k++)
			{
				slot->tts_values[k] = pd->keys[i * s->nkeys + k];
				slot->tts_isnull[k] = false;
			}
			panel_series_row(series, r, slot->tts_values, slot->tts_isnull);
			if (s->label != PL_NONE && !slot->tts_isnull[label_col])
			{
				t->labelled++;
				t->positives += DatumGetBool(slot->tts_values[label_col]);
			}
			ExecStoreVirtualTuple(slot);
			t->rows++;
			if (++n == BATCH)
				Flush(rel, slots, &n, cid, bis);
		}
		/* buckets are no longer needed once the entity is written */
		if (e->b)
			pfree(e->b);
		e->b = NULL;
	}
	Flush(rel, slots, &n, cid, bis);
	for (int i = 0; i < BATCH; i++)
		ExecDropSingleTupleTableSlot(slots[i]);
	FreeBulkInsertState(bis);
	table_finish_bulk_insert(rel, 0);
	table_close(rel, NoLock);
}

static void
Execute(const char *sql, int expected)
{
	int			ret = SPI_execute(sql, false, 0);

	if (ret != expected)
		elog(ERROR, "build_panel: \"%s\" failed: %s", sql, SPI_result_code_string(ret));
}

PG_FUNCTION_INFO_V1(build_panel);

/*
 * build_panel(output, events, entity, time_column, period, measures, lags,
 * rolling, label, horizon, label_column, spine, spine_start, spine_end,
 * spine_until, origin, as_of, time_zone, fill)
 *   RETURNS TABLE (panel regclass, entities bigint, rows bigint,
 *                  labelled bigint, positives bigint)
 */
Datum
build_panel(PG_FUNCTION_ARGS)
{
	PanelSpec  *s = panel_spec_from_args(fcinfo);
	PanelData	pd;
	PanelTotals t = {0};
	TupleDesc	td;
	Datum		out[5];
	bool		nulls[5] = {false};
	int			nest;
	Oid			relid;

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "build_panel must return a record");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* nothing the queries name can be shadowed by the caller's search_path */
	nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	panel_build_queries(s);
	memset(&pd, 0, sizeof(pd));
	pd.cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict panel", ALLOCSET_DEFAULT_SIZES);
	panel_collect(&pd, s);
	Execute(CreateTableSql(s), SPI_OK_UTILITY);
	Execute(psprintf("COMMENT ON TABLE %s IS %s", s->out_qualified, quote_literal_cstr(s->json)),
			SPI_OK_UTILITY);
	CommandCounterIncrement();
	WriteRows(s, &pd, &t);
	relid = get_relname_relid(s->out_name, s->out_nsp);
	MemoryContextDelete(pd.cxt);
	AtEOXact_GUC(true, nest);
	SPI_finish();

	out[0] = ObjectIdGetDatum(relid);
	out[1] = Int64GetDatum(t.entities);
	out[2] = Int64GetDatum(t.rows);
	out[3] = Int64GetDatum(t.labelled);
	out[4] = Int64GetDatum(t.positives);
	nulls[3] = nulls[4] = s->label == PL_NONE;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), out, nulls)));
}
