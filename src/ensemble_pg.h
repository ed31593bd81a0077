/*
 * ensemble_pg.h - shared declarations of the PostgreSQL layer of the tree
 * ensembles: glue (ensemble_pg.c), rows (model_rows.c), the registry
 * (model_registry.c) and the entry points of each learner.
 */
#ifndef EDUPREDICT_ENSEMBLE_PG_H
#define EDUPREDICT_ENSEMBLE_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "storage/itemptr.h"
#include "utils/memutils.h"

#include "ensemble.h"

/* Settings (edupredict_forest_init, ensemble_pg.c) */
extern int	edupredict_forest_max_memory_mb;
extern int	edupredict_forest_cache_models;
extern int	edupredict_forest_threads;

/* palloc-backed allocator that counts bytes and enforces the memory cap */
typedef struct EnsPgAlloc
{
	EnsAlloc al;
	MemoryContext cxt;
	size_t		cur;
	size_t		peak;
	size_t		limit;
} EnsPgAlloc;

extern void ens_pg_alloc_init(EnsPgAlloc *pa, MemoryContext cxt, bool capped);
/* edupredict.forest_max_memory in bytes: what one call may hold */
extern uint64 ens_pg_memory_cap(void);
extern void ens_pg_plain_alloc_init(EnsAlloc *al, MemoryContext cxt);

/* interrupt callback for the engine: CHECK_FOR_INTERRUPTS() */
extern bool ens_pg_interrupt(void *arg);
/* for code running beside worker threads: looks at cancel/terminate/barrier flags only */
extern bool ens_pg_poll_interrupt(void *arg);
/* runs a training set's preparation on edupredict.forest_threads threads */
extern void ens_pg_runner(EnsRunner *rn);
/* threaded trainings started over after an interrupt that raised nothing */
extern int	ens_pg_restarts;

/* forest_train with the configured threads and a safe interrupt scheme */
extern EnsStatus forest_pg_train(EnsModel *m, const EnsData *d, ForestParams *p,
									const EnsAlloc *al, size_t *peak, ForestOob *oob);

/*
 * ereport(ERROR) for an engine status (never returns for != OK); err (may be
 * NULL): why the model reader refused the bytes, shown as the DETAIL
 */
extern void ens_pg_check(EnsStatus rc, const char *what, const EnsError *err);
/* ereport(ERROR) for an engine error (ensemble_error_pg.c; returns for ENS_ERR_NONE) */
extern void ens_pg_raise_error(const EnsError *e);
/* errdetail() for a refusal of the model reader; 0 for any other e or NULL */
extern int	ens_pg_read_detail(const EnsError *e);

/* feature value conversion shared by training and prediction */
#define ENS_TYPE_UNSUPPORTED (-1)
extern int	ens_type_kind(Oid typid);
extern double ens_datum_to_double(Datum d, Oid basetype);
extern char *ens_datum_to_text(Datum d, Oid basetype, uint32_t *len);
extern char *ens_number_label(double v);
/* a caller-given name as messages print it: its first 64 characters, then "..." */
#define ENS_MESSAGE_NAME_CHARS 64
extern const char *ens_name_for_message(const char *name);
extern char *ens_float_text(double v);
extern Datum ens_text_array(const char *const *s, const uint32_t *len, uint32_t n);

/* stream a read-only query's rows into fn (model_rows.c; SPI connected) */
typedef void (*EnsRowFn) (Datum *values, bool *isnull, void *arg);
typedef void (*EnsRowsSizeFn) (double estimate, void *arg);
extern uint64 ens_read_rows_sized(const char *query, const Oid *types, int ntypes,
								  EnsRowsSizeFn size, EnsRowFn fn, void *arg);

/* registry access (model_registry.c) */
typedef struct EnsCached
{
	int64		id;
	int64		xmin;
	ItemPointerData ctid;		/* with xmin: the row version */
	uint64		serial;			/* bumped whenever the slot is reused */
	uint64		last_used;
	int			pins;			/* users running nested SQL; not evicted */
	EnsModel *model;
	MemoryContext cxt;
	char	   *name;
	int32		version;		/* the registry row's, for messages */
	char	   *target;
} EnsCached;

extern EnsCached *ens_registry_get(const char *name, int32 version);

/*
 * What a registry lookup's answer depends on besides the name and version:
 * the role it ran as (row-level security, grants) and the rows its snapshot
 * saw (deploys, new versions, drops, revokes), those its own subtransactions
 * wrote included.  A call site may reuse the model of its last lookup only
 * while both are unchanged.
 */
typedef struct EnsLookupKey
{
	Oid			userid;			/* InvalidOid: nothing to reuse */
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	int32		subxcnt;
	uint64		completions;	/* the snapshot's snapXactCompletionCount */
	uint64		subxact_aborts; /* this backend's aborted subtransactions then */
} EnsLookupKey;

extern void ens_lookup_key_take(EnsLookupKey *k);
extern bool ens_lookup_key_holds(const EnsLookupKey *k);
extern bytea *ens_registry_bytes(const char *name, int32 version, int64 *id, int64 *xmin,
								 ItemPointerData *ctid);
extern EnsModel *ens_model_from_bytea(bytea *b, MemoryContext cxt);

#endif							/* EDUPREDICT_ENSEMBLE_PG_H */
