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

#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/memutils.h"

#include "ensemble_pg.h"

typedef struct RowReceiver
{
	DestReceiver pub;
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

static void
RowStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
RowShutdown(DestReceiver *self)
{
}

static void
RowDestroy(DestReceiver *self)
{
}

/*
 * Run a read-only query (SPI must be connected) and call fn for every row
 * with its deformed columns.  Returns the number of rows.
 */
uint64
ens_read_rows(const char *query, EnsRowFn fn, void *arg)
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
	rr.fn = fn;
	rr.arg = arg;
	rr.row_cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict row",
									   ALLOCSET_SMALL_SIZES);

	memset(&opt, 0, sizeof(opt));
	opt.read_only = true;
	opt.dest = &rr.pub;
	ret = SPI_execute_extended(query, &opt);
	if (ret < 0)
		elog(ERROR, "could not read the rows: %s", SPI_result_code_string(ret));
	MemoryContextDelete(rr.row_cxt);
	return rr.rows;
}
