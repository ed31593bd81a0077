/*
 * forest_pg.h - shared declarations of the PostgreSQL layer of the forest
 * engine (forest_sql.c, forest_registry.c, forest_agg.c, forest_eval.c).
 */
#ifndef EDUPREDICT_FOREST_PG_H
#define EDUPREDICT_FOREST_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "storage/itemptr.h"
#include "utils/memutils.h"

#include "forest.h"

/* Settings (edupredict_forest_init) */
extern int	edupredict_forest_max_memory_mb;
extern int	edupredict_forest_cache_models;
extern int	edupredict_forest_threads;

/* palloc-backed allocator that counts bytes and enforces the memory cap */
typedef struct ForestPgAlloc
{
	ForestAlloc al;
	MemoryContext cxt;
	size_t		cur;
	size_t		peak;
	size_t		limit;
} ForestPgAlloc;

extern void forest_pg_alloc_init(ForestPgAlloc *pa, MemoryContext cxt, bool capped);
extern void forest_pg_plain_alloc_init(ForestAlloc *al, MemoryContext cxt);

/* interrupt callback for the engine: CHECK_FOR_INTERRUPTS() */
extern bool forest_pg_interrupt(void *arg);

/* forest_train with the configured threads and a safe interrupt scheme */
extern ForestStatus forest_pg_train(ForestModel *m, const ForestData *d, ForestParams *p,
									const ForestAlloc *al, size_t *peak);

/* ereport(ERROR) for an engine status (never returns for != OK) */
extern void forest_pg_check(ForestStatus rc, const char *what, const char *detail);

/* feature value conversion shared by training and prediction */
#define FOREST_TYPE_UNSUPPORTED (-1)
extern int	forest_type_kind(Oid typid);
extern double forest_datum_to_double(Datum d, Oid basetype);
extern char *forest_datum_to_text(Datum d, Oid basetype, uint32_t *len);
extern char *forest_number_label(double v);

/* stream a read-only query's rows into fn (forest_rows.c; SPI connected) */
typedef void (*ForestRowFn) (Datum *values, bool *isnull, void *arg);
extern uint64 forest_read_rows(const char *query, ForestRowFn fn, void *arg);

/* registry access (forest_registry.c) */
typedef struct ForestCached
{
	int64		id;
	int64		xmin;
	ItemPointerData ctid;		/* with xmin: the row version */
	uint64		serial;			/* bumped whenever the slot is reused */
	uint64		last_used;
	int			pins;			/* users running nested SQL; not evicted */
	ForestModel *model;
	MemoryContext cxt;
	char	   *name;
	char	   *target;
} ForestCached;

extern ForestCached *forest_registry_get(const char *name);
extern ForestModel *forest_model_from_bytea(bytea *b, MemoryContext cxt);

#endif							/* EDUPREDICT_FOREST_PG_H */
