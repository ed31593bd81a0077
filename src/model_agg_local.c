/*
 * model_agg_local.c - the leader's own partial state of a model aggregate,
 * handed to its Finalize Aggregate by reference instead of by bytes.
 *
 * In a parallel plan the leader runs a Partial Aggregate beside its workers
 * and PostgreSQL's Finalize Aggregate copies the first partial state it gets
 * (the leader's: Gather runs the leader's part before reading the workers')
 * twice, into a heap tuple and into its scan slot, without checking for
 * interrupts.  A state carries its rows, so those copies grow with them:
 * 0.23 s for 27 MB, a cancel waiting that long (bench/boost_cancel.sh).  The
 * leader's state never leaves its process, so its serial function registers
 * it here and writes only a key ("EDPL", ensemble_agg_state.h); the deserial
 * function in the same process finds the rows by that key.  Workers' states,
 * and every state whose consumer is not known to be this process's Finalize
 * Aggregate, are written out whole.
 *
 * A key is 64 random bits and lives as long as the memory of its state
 * (a reset callback forgets it), so a key that is forged, replayed from
 * another process or outlived its state finds nothing and the deserial
 * function refuses it as any damaged state.  (Only a superuser can declare
 * an aggregate over an internal state, so no other role can hand the
 * deserial function bytes of its choosing at all.)
 */
#include "postgres.h"

#include "access/parallel.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
#include "port.h"

#include "model_agg_local.h"

typedef struct LocalEntry
{
	uint64		key;
	void	   *state;
	struct LocalEntry *next;
	MemoryContextCallback cb;
} LocalEntry;

/* the states of this backend whose memory is alive */
static LocalEntry *entries = NULL;

static void
Forget(void *arg)
{
	LocalEntry **e;

	for (e = &entries; *e != NULL; e = &(*e)->next)
		if (*e == (LocalEntry *) arg)
		{
			*e = (*e)->next;
			return;
		}
}

/* whether target is in the plan tree under p, below a Gather when under_gather */
static bool
UnderGather(const Plan *p, const Plan *target, bool under_gather)
{
	ListCell   *lc;
	List	   *more = NIL;

	check_stack_depth();
	if (p == NULL)
		return false;
	if (p == target)
		return under_gather;
	under_gather = under_gather || IsA(p, Gather) || IsA(p, GatherMerge);
	if (UnderGather(p->lefttree, target, under_gather) ||
		UnderGather(p->righttree, target, under_gather))
		return true;
	if (IsA(p, Append))
		more = ((const Append *) p)->appendplans;
	else if (IsA(p, MergeAppend))
		more = ((const MergeAppend *) p)->mergeplans;
	else if (IsA(p, SubqueryScan))
		return UnderGather(((const SubqueryScan *) p)->subplan, target, under_gather);
	foreach(lc, more)
		if (UnderGather((const Plan *) lfirst(lc), target, under_gather))
			return true;
	return false;
}

/*
 * Whether the serial function called through fcinfo writes for this very
 * process: the leader's (not a worker's) Partial Aggregate of one group,
 * below a Gather of its own plan, whose Finalize Aggregate reads it before
 * the state's memory goes.
 */
bool
ens_agg_local_ok(FunctionCallInfo fcinfo)
{
	AggState   *as;
	EState	   *es;
	ListCell   *lc;

	if (IsParallelWorker() || fcinfo->context == NULL || !IsA(fcinfo->context, AggState))
		return false;
	as = (AggState *) fcinfo->context;
	if (as->aggsplit != AGGSPLIT_INITIAL_SERIAL || as->aggstrategy != AGG_PLAIN)
		return false;
	es = as->ss.ps.state;
	if (es == NULL || es->es_plannedstmt == NULL)
		return false;
	if (UnderGather(es->es_plannedstmt->planTree, as->ss.ps.plan, false))
		return true;
	foreach(lc, es->es_plannedstmt->subplans)
		if (UnderGather((const Plan *) lfirst(lc), as->ss.ps.plan, false))
			return true;
	return false;
}

/*
 * Register state (allocated in cxt) and return its key; the key is
 * forgotten when cxt is reset or deleted.
 */
uint64
ens_agg_local_put(void *state, MemoryContext cxt)
{
	LocalEntry *e = MemoryContextAllocZero(cxt, sizeof(LocalEntry));

	do
	{
		if (!pg_strong_random(&e->key, sizeof(e->key)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate a random key for a partial state")));
	} while (e->key == 0 || ens_agg_local_get(e->key) != NULL);
	e->state = state;
	e->cb.func = Forget;
	e->cb.arg = e;
	MemoryContextRegisterResetCallback(cxt, &e->cb);
	e->next = entries;
	entries = e;
	return e->key;
}

/* the state registered under key in this backend, or NULL */
void *
ens_agg_local_get(uint64 key)
{
	LocalEntry *e;

	for (e = entries; e != NULL; e = e->next)
		if (e->key == key)
			return e->state;
	return NULL;
}
