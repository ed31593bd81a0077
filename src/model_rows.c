/*
 * model_rows.c - stream the rows of a query into a per-row callback.
 *
 * Training and evaluate() read every row of a relation once.  Through an SPI
 * cursor each row was first copied into a heap tuple of SPI's tuple table
 * and then taken apart again column by column; here the executor hands each
 * row's slot straight to a DestReceiver, which deforms it once and calls
 * the callback.  Whatever the callback pallocs in CurrentMemoryContext is
 * freed after the row (long-lived data must go to an explicit context).
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

#include "ensemble_pg.h"

typedef struct RowReceiver
{
	DestReceiver pub;
	const Oid  *types;			/* expected column types (NULL: any) */
	int			ntypes;
	EnsRowFn fn;
	void	   *arg;
	MemoryContext row_cxt;
	uint64		rows;
} RowReceiver;

static bool
RowReceive(TupleTableSlot *slot, DestReceiver *self)
{
	RowReceiver *rr = (RowReceiver *) self;
	MemoryContext old;

	slot_getallattrs(slot);
	old = MemoryContextSwitchTo(rr->row_cxt);
	rr->fn(slot->tts_values, slot->tts_isnull, rr->arg);
	MemoryContextSwitchTo(old);
	MemoryContextReset(rr->row_cxt);
	if ((++rr->rows & 4095) == 0)
		CHECK_FOR_INTERRUPTS();
	return true;
}

/* The callbacks decode datums by the inspected types: insist on them. */
static void
RowStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	RowReceiver *rr = (RowReceiver *) self;
	int			i;

	if (rr->types == NULL)
		return;
	if (typeinfo->natts != rr->ntypes)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the relation changed while it was being read"),
				 errdetail("The query returned %d columns, %d were expected.",
						   typeinfo->natts, rr->ntypes)));
	for (i = 0; i < rr->ntypes; i++)
		if (TupleDescAttr(typeinfo, i)->atttypid != rr->types[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the relation changed while it was being read"),
					 errdetail("Column %d has type %s, %s was expected.", i + 1,
							   format_type_be(TupleDescAttr(typeinfo, i)->atttypid),
							   format_type_be(rr->types[i]))));
}

static void
RowShutdown(DestReceiver *self)
{
}

static void
RowDestroy(DestReceiver *self)
{
}

/* The planner's estimate of the rows plan will return; NaN if none. */
static double
EstimateRows(SPIPlanPtr plan)
{
	CachedPlan *cp = SPI_plan_get_cached_plan(plan);
	double		rows = NAN;
	ListCell   *lc;

	if (cp == NULL)
		return NAN;
	foreach(lc, cp->stmt_list)
	{
		PlannedStmt *ps = lfirst_node(PlannedStmt, lc);

		if (ps->commandType == CMD_SELECT && ps->planTree)
			rows = ps->planTree->plan_rows;
	}
	/* SPI_prepare's plan is not saved: the reference belongs to no owner */
	ReleaseCachedPlan(cp, NULL);
	return rows;
}

/*
 * Run a read-only query (SPI must be connected) and call fn for every row
 * with its deformed columns, which must have the given types (types may be
 * NULL for a query whose types the caller does not decode blindly).  With
 * size, the query is planned first and size gets the planner's estimate of
 * its rows (NaN if none) before the first row.  Returns the number of rows.
 */
uint64
ens_read_rows_sized(const char *query, const Oid *types, int ntypes, EnsRowsSizeFn size,
					EnsRowFn fn, void *arg)
{
	RowReceiver rr;
	SPIExecuteOptions opt;
	int			ret;

	memset(&rr, 0, sizeof(rr));
	rr.pub.receiveSlot = RowReceive;
	rr.pub.rStartup = RowStartup;
	rr.pub.rShutdown = RowShutdown;
	rr.pub.rDestroy = RowDestroy;
	rr.pub.mydest = DestNone;
	rr.types = types;
	rr.ntypes = ntypes;
	rr.fn = fn;
	rr.arg = arg;
	rr.row_cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict row",
									   ALLOCSET_SMALL_SIZES);

	memset(&opt, 0, sizeof(opt));
	opt.read_only = true;
	opt.dest = &rr.pub;
	if (size == NULL)
		ret = SPI_execute_extended(query, &opt);
	else
	{
		SPIPlanPtr	plan = SPI_prepare(query, 0, NULL);

		if (plan == NULL)
			elog(ERROR, "could not plan the read of the rows: %s",
				 SPI_result_code_string(SPI_result));
		size(EstimateRows(plan), arg);
		ret = SPI_execute_plan_extended(plan, &opt);
		SPI_freeplan(plan);
	}
	if (ret < 0)
		elog(ERROR, "could not read the rows: %s", SPI_result_code_string(ret));
	MemoryContextDelete(rr.row_cxt);
	return rr.rows;
}
