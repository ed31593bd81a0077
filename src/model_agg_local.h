/*
 * model_agg_local.h - the leader's own partial state of a model aggregate,
 * handed to its Finalize Aggregate by a key (model_agg_local.c).
 */
#ifndef EDUPREDICT_MODEL_AGG_LOCAL_H
#define EDUPREDICT_MODEL_AGG_LOCAL_H

#include "postgres.h"

#include "fmgr.h"

extern bool ens_agg_local_ok(FunctionCallInfo fcinfo);
extern uint64 ens_agg_local_put(void *state, MemoryContext cxt);
extern void *ens_agg_local_get(uint64 key);

#endif							/* EDUPREDICT_MODEL_AGG_LOCAL_H */
