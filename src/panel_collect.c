/*
 * panel_collect.c - spine and events into per-entity period buckets.
 *
 * One pass over each query: the executor hands every row's slot to a
 * DestReceiver (no tuple copies), the entity is found in an open-addressing
 * hash table (keys hashed and compared with their types' hash and equality
 * functions, or directly for a single integer key), and the row is added to
 * the bucket of its period: count, per value column its non-null count,
 * sum, minimum and maximum, the label events, and a bitmap of active units.
 * An entity's buckets cover a growing range of periods, doubled towards the
 * side that needs room and clamped to the entity's known first and last
 * period, so events may arrive in any order.  Every allocation is counted
 * against edupredict.panel_max_memory.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "panel.h"

struct EventBatch;

typedef struct PanelReceiver
{
	DestReceiver pub;
	PanelData  *pd;
	bool		spine;
	struct EventBatch *batch;
	uint64		rows;
} PanelReceiver;

static void
Charge(PanelData *pd, Size bytes)
{
	pd->bytes = add_size(pd->bytes, bytes);
	if (pd->bytes > pd->limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("build_panel needs more than edupredict.panel_max_memory (%d MB)",
						edupredict_panel_max_memory_mb),
				 errhint("Use a coarser period, fewer entities or measures, or ask a superuser to raise the setting.")));
}

static void *
Alloc0(PanelData *pd, Size bytes)
{
	Charge(pd, bytes);
	return MemoryContextAllocExtended(pd->cxt, bytes, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

static inline uint32
Mix64(uint64 x)
{
	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64CONST(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return (uint32) x;
}

static uint32
HashKeys(const PanelData *pd, const Datum *k)
{
	const PanelSpec *s = pd->spec;
	uint32		h = 0;

	if (pd->fast_int)
		return Mix64((uint64) k[0]);
	for (int i = 0; i < s->nkeys; i++)
		h = hash_combine(h, DatumGetUInt32(FunctionCall1Coll(&pd->hash_fn[i], s->key_colls[i], k[i])));
	return h;
}

static bool
KeysEqual(const PanelData *pd, const Datum *a, const Datum *b)
{
	const PanelSpec *s = pd->spec;

	for (int i = 0; i < s->nkeys; i++)
		if (!DatumGetBool(FunctionCall2Coll(&pd->eq_fn[i], s->key_colls[i], a[i], b[i])))
			return false;
	return true;
}

static void
Rehash(PanelData *pd, uint64 size)
{
	uint64	   *t = Alloc0(pd, sizeof(uint64) * size);

	for (int64 i = 0; i < pd->nents; i++)
	{
		uint64		slot = pd->ents[i].hash & (size - 1);

		while (t[slot] != 0)
			slot = (slot + 1) & (size - 1);
		t[slot] = ((uint64) pd->ents[i].hash << 32) | (uint64) (i + 1);
	}
	if (pd->table)
	{
		pd->bytes -= sizeof(uint64) * pd->table_size;
		pfree(pd->table);
	}
	pd->table = t;
	pd->table_size = size;
}

static int64
AddEntity(PanelData *pd, const Datum *keys, uint32 h)
{
	const PanelSpec *s = pd->spec;
	PanelEntity *e;

	if (pd->nents >= (int64) PG_UINT32_MAX - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("build_panel supports at most 4294967294 entities")));
	if (pd->nents == pd->cap)
	{
		int64		cap = Max(pd->cap * 2, 1024);

		Charge(pd, (sizeof(PanelEntity) + sizeof(Datum) * s->nkeys) * (cap - pd->cap));
		pd->ents = repalloc_huge(pd->ents, sizeof(PanelEntity) * cap);
		pd->keys = repalloc_huge(pd->keys, sizeof(Datum) * s->nkeys * cap);
		pd->cap = cap;
	}
	e = &pd->ents[pd->nents];
	memset(e, 0, sizeof(*e));
	e->hash = h;
	e->key0 = keys[0];
	e->start = e->end = e->until = PANEL_NO_UNIT;
	e->origin = s->period.default_origin;
	for (int k = 0; k < s->nkeys; k++)
	{
		Datum		d = keys[k];

		if (!pd->key_byval[k])
		{
			Size		len = datumGetSize(d, false, pd->key_len[k]);

			MemoryContext old;

			Charge(pd, len);
			old = MemoryContextSwitchTo(pd->cxt);
			d = datumCopy(d, false, pd->key_len[k]);
			MemoryContextSwitchTo(old);
		}
		pd->keys[pd->nents * s->nkeys + k] = d;
		if (k == 0)
			e->key0 = d;
	}
	return pd->nents++;
}

/* The entity's index, or -1 when absent and add is false. */
static int64
FindEntity(PanelData *pd, const Datum *keys, bool add, bool *found)
{
	uint32		h = HashKeys(pd, keys);
	uint64		mask = pd->table_size - 1;
	uint64		slot = h & mask;
	int64		i;

	*found = false;
	while (pd->table[slot] != 0)
	{
		uint64		t = pd->table[slot];

		if ((uint32) (t >> 32) == h)
		{
			i = (int64) (uint32) t - 1;
			if (pd->fast_int ? pd->ents[i].key0 == keys[0] :
				KeysEqual(pd, &pd->keys[i * pd->spec->nkeys], keys))
			{
				*found = true;
				return i;
			}
		}
		slot = (slot + 1) & mask;
	}
	if (!add)
		return -1;
	i = AddEntity(pd, keys, h);
	pd->table[slot] = ((uint64) h << 32) | (uint64) (i + 1);
	if ((uint64) pd->nents * 2 > pd->table_size)
		Rehash(pd, pd->table_size * 2);
	return i;
}

/* The last unit an entity's rows may use (its end or until), or none. */
static int64
StopUnit(const PanelEntity *e)
{
	if (e->end != PANEL_NO_UNIT && (e->until == PANEL_NO_UNIT || e->end < e->until))
		return e->end;
	return e->until;
}

/* Widens an entity's bucket range to hold period p. */
static void
Grow(PanelData *pd, PanelEntity *e, int32 p)
{
	const PanelSpec *s = pd->spec;
	int64		lo = e->n ? e->lo : p,
				hi = e->n ? (int64) e->lo + e->n - 1 : p,
				room = Max(e->n, 4),
				lo_bound = PG_INT32_MIN / 2,
				hi_bound = PG_INT32_MAX / 2,
				stop = StopUnit(e);
	int64		n;
	double	   *b;

	if (e->start != PANEL_NO_UNIT && pd->from_spine)
		lo_bound = panel_period_of(&s->period, e->start, e->origin);
	if (stop != PANEL_NO_UNIT)
		hi_bound = panel_period_of(&s->period, stop, e->origin);
	if (s->as_of_last != PANEL_NO_UNIT)
		hi_bound = Min(hi_bound, panel_period_of(&s->period, s->as_of_last, e->origin));
	if (p > hi || e->n == 0)
		hi = Max(p, Min(hi + room, hi_bound));
	if (p < lo || e->n == 0)
		lo = Min(p, Max(lo - room, lo_bound));
	n = hi - lo + 1;
	b = Alloc0(pd, sizeof(double) * s->stride * n);
	if (e->n)
	{
		memcpy(b + (e->lo - lo) * s->stride, e->b, sizeof(double) * s->stride * e->n);
		pfree(e->b);
		pd->bytes -= sizeof(double) * s->stride * e->n;
	}
	e->b = b;
	e->lo = (int32) lo;
	e->n = (int32) n;
}

/*
 * Events are buffered in batches: the hash-table slots, then the entities,
 * then the buckets of a whole batch are prefetched before they are used, so
 * the cache misses of random entity order overlap instead of queueing.
 */
#define EVENT_BATCH 64

#if defined(__GNUC__) || defined(__clang__)
#define Prefetch(p) __builtin_prefetch(p)
#else
#define Prefetch(p) ((void) 0)
#endif

typedef struct EventBatch
{
	int			n;
	Datum	   *keys;			/* EVENT_BATCH * nkeys */
	double	   *vals;			/* EVENT_BATCH * nvalues, NaN for NULL */
	int64		unit[EVENT_BATCH];
	bool		flag[EVENT_BATCH];
	uint32		hash[EVENT_BATCH];
	int64		ent[EVENT_BATCH];
	int32		period[EVENT_BATCH];
	MemoryContext arena;		/* copies of by-reference keys */
} EventBatch;

static EventBatch *
NewBatch(PanelData *pd)
{
	const PanelSpec *s = pd->spec;
	EventBatch *b = palloc0(sizeof(EventBatch));

	b->keys = palloc(sizeof(Datum) * EVENT_BATCH * s->nkeys);
	b->vals = palloc(sizeof(double) * EVENT_BATCH * Max(s->nvalues, 1));
	b->arena = AllocSetContextCreate(CurrentMemoryContext, "edupredict panel batch", ALLOCSET_SMALL_SIZES);
	return b;
}

/* Copies one event row (keys, unit, values, label flag) into the batch. */
static void
BufferEvent(PanelData *pd, EventBatch *b, Datum *values, bool *isnull)
{
	const PanelSpec *s = pd->spec;
	int			nk = s->nkeys,
				i = b->n;
	Datum	   *k = b->keys + (int64) i * nk;

	pd->events_read++;
	for (int j = 0; j < nk; j++)
	{
		if (isnull[j])
			return;				/* events without an entity are left out */
		if (pd->key_byval[j])
			k[j] = values[j];
		else
		{
			MemoryContext old = MemoryContextSwitchTo(b->arena);

			k[j] = datumCopy(values[j], false, pd->key_len[j]);
			MemoryContextSwitchTo(old);
		}
	}
	b->unit[i] = DatumGetInt64(values[nk]);
	panel_check_unit(b->unit[i], "an event time");
	for (int v = 0; v < s->nvalues; v++)
		b->vals[(int64) i * s->nvalues + v] =
			isnull[nk + 1 + v] ? get_float8_nan() : DatumGetFloat8(values[nk + 1 + v]);
	b->flag[i] = s->label == PL_EVENT && DatumGetBool(values[nk + 1 + s->nvalues]);
	b->hash[i] = HashKeys(pd, k);
	Prefetch(&pd->table[b->hash[i] & (pd->table_size - 1)]);
	b->n++;
}

/* Adds one buffered event to the bucket of its period. */
static void
Accumulate(PanelData *pd, EventBatch *b, int i)
{
	const PanelSpec *s = pd->spec;
	PanelEntity *e = &pd->ents[b->ent[i]];
	int32		p = b->period[i];
	double	   *bk = e->b + (int64) (p - e->lo) * s->stride;
	const double *vals = b->vals + (int64) i * s->nvalues;

	bk[0] += 1;
	for (int v = 0; v < s->nvalues; v++)
	{
		double		x = vals[v];
		double	   *vs = bk + s->sum_slot[v];

		if (isnan(x))
			continue;			/* NULL or NaN: no value */
		if (s->min_slot[v] >= 0 && (vs[0] == 0 || x < bk[s->min_slot[v]]))
			bk[s->min_slot[v]] = x;
		if (s->max_slot[v] >= 0 && (vs[0] == 0 || x > bk[s->max_slot[v]]))
			bk[s->max_slot[v]] = x;
		vs[0] += 1;
		vs[1] += x;
	}
	if (b->flag[i])
		bk[s->label_slot] += 1;
	if (s->mask_words)
	{
		int64		off = b->unit[i] - panel_period_start(&s->period, p, e->origin);

		panel_bucket_mask(s, bk)[off / 64] |= UINT64CONST(1) << (off % 64);
	}
	pd->events_used++;
}

/* Entities, then periods and room, then the buckets of every buffered event. */
static void
FlushEvents(PanelData *pd, EventBatch *b)
{
	const PanelSpec *s = pd->spec;
	bool		found;

	for (int i = 0; i < b->n; i++)
	{
		b->ent[i] = FindEntity(pd, b->keys + (int64) i * s->nkeys, !pd->from_spine, &found);
		if (b->ent[i] >= 0)
			Prefetch(&pd->ents[b->ent[i]]);
	}
	for (int i = 0; i < b->n; i++)
	{
		PanelEntity *e;
		int64		u = b->unit[i],
					stop;

		if (b->ent[i] < 0)
			continue;
		e = &pd->ents[b->ent[i]];
		stop = StopUnit(e);
		if (pd->from_spine && (u < e->start || (stop != PANEL_NO_UNIT && u > stop)))
		{
			b->ent[i] = -1;		/* outside the entity's rows */
			continue;
		}
		if (!pd->from_spine && (e->start == PANEL_NO_UNIT || u < e->start))
			e->start = u;
		pd->max_unit = Max(pd->max_unit, u);
		b->period[i] = panel_period_of(&s->period, u, e->origin);
		if (e->n == 0 || b->period[i] < e->lo || b->period[i] >= e->lo + e->n)
			Grow(pd, e, b->period[i]);
		Prefetch(e->b + (int64) (b->period[i] - e->lo) * s->stride);
	}
	for (int i = 0; i < b->n; i++)
		if (b->ent[i] >= 0)
			Accumulate(pd, b, i);
	b->n = 0;
	MemoryContextReset(b->arena);
}

static int64
SpineUnit(Datum *values, bool *isnull, int col, const char *what)
{
	int64		u;

	if (isnull[col])
		return PANEL_NO_UNIT;
	u = DatumGetInt64(values[col]);
	panel_check_unit(u, what);
	return u;
}

/* One spine row: a new entity with its start, end, until and origin. */
static void
AddSpineRow(PanelData *pd, Datum *values, bool *isnull)
{
	const PanelSpec *s = pd->spec;
	int			nk = s->nkeys;
	PanelEntity *e;
	int64		i;
	bool		found;

	for (int k = 0; k < nk; k++)
		if (isnull[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the spine has a row whose entity column \"%s\" is NULL", s->keys[k])));
	if (isnull[nk])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the spine has a row whose start (\"%s\") is NULL", s->spine_start),
				 errhint("Leave such entities out of the spine, or give them a start.")));
	i = FindEntity(pd, values, true, &found);
	e = &pd->ents[i];			/* after the call: it may move the array */
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("an entity appears more than once in the spine"),
				 errdetail("The spine must have one row per entity.")));
	e->start = SpineUnit(values, isnull, nk, "a spine start");
	e->end = SpineUnit(values, isnull, nk + 1, "a spine end");
	e->until = SpineUnit(values, isnull, nk + 2, "a spine until");
	if (s->origin != NULL)
	{
		if (isnull[nk + 3])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the spine has a row whose origin (\"%s\") is NULL", s->origin)));
		e->origin = SpineUnit(values, isnull, nk + 3, "a spine origin");
	}
	pd->max_unit = Max(pd->max_unit, Max(e->start, Max(e->end, e->until)));
}

static bool
Receive(TupleTableSlot *slot, DestReceiver *self)
{
	PanelReceiver *r = (PanelReceiver *) self;

	slot_getallattrs(slot);
	if (r->spine)
		AddSpineRow(r->pd, slot->tts_values, slot->tts_isnull);
	else
	{
		BufferEvent(r->pd, r->batch, slot->tts_values, slot->tts_isnull);
		if (r->batch->n == EVENT_BATCH)
			FlushEvents(r->pd, r->batch);
	}
	if ((++r->rows & 4095) == 0)
		CHECK_FOR_INTERRUPTS();
	return true;
}

/* The executor's columns must be the ones the queries were built for. */
static void
Startup(DestReceiver *self, int operation, TupleDesc td)
{
	PanelReceiver *r = (PanelReceiver *) self;
	const PanelSpec *s = r->pd->spec;
	int			n = s->nkeys + (r->spine ? 4 : 1 + s->nvalues + (s->label == PL_EVENT));

	if (td->natts != n)
		elog(ERROR, "build_panel: the query returned %d columns, not %d", td->natts, n);
	for (int i = 0; i < n; i++)
	{
		Oid			want = i < s->nkeys ? s->key_types[i] :
			(i == s->nkeys || r->spine) ? INT8OID :
			i <= s->nkeys + s->nvalues ? FLOAT8OID : BOOLOID;

		if (TupleDescAttr(td, i)->atttypid != want)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("build_panel: column %d of the rows read has type %s, not %s", i + 1,
							format_type_be(TupleDescAttr(td, i)->atttypid), format_type_be(want)),
					 errdetail("A relation changed while it was read.")));
	}
}

static void
Shutdown(DestReceiver *self)
{
	PanelReceiver *r = (PanelReceiver *) self;

	if (!r->spine)
		FlushEvents(r->pd, r->batch);
}

static void
NoOp(DestReceiver *self)
{
}

static void
Run(PanelData *pd, const char *query, bool spine)
{
	PanelReceiver r;
	SPIExecuteOptions opt;
	int			ret;

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = Receive;
	r.pub.rStartup = Startup;
	r.pub.rShutdown = Shutdown;
	r.pub.rDestroy = NoOp;
	r.pub.mydest = DestNone;
	r.pd = pd;
	r.spine = spine;
	if (!spine)
		r.batch = NewBatch(pd);
	memset(&opt, 0, sizeof(opt));
	opt.read_only = true;
	opt.dest = &r.pub;
	ret = SPI_execute_extended(query, &opt);
	if (ret < 0)
		elog(ERROR, "build_panel: could not read the rows: %s", SPI_result_code_string(ret));
}

static void
InitKeys(PanelData *pd, const PanelSpec *s)
{
	Oid			t0 = s->key_types[0];

	pd->fast_int = s->nkeys == 1 && (t0 == INT2OID || t0 == INT4OID || t0 == INT8OID);
	pd->hash_fn = palloc0(sizeof(FmgrInfo) * s->nkeys);
	pd->eq_fn = palloc0(sizeof(FmgrInfo) * s->nkeys);
	for (int k = 0; k < s->nkeys; k++)
	{
		TypeCacheEntry *tc = lookup_type_cache(s->key_types[k],
											   TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);

		fmgr_info_copy(&pd->hash_fn[k], &tc->hash_proc_finfo, CurrentMemoryContext);
		fmgr_info_copy(&pd->eq_fn[k], &tc->eq_opr_finfo, CurrentMemoryContext);
		get_typlenbyval(s->key_types[k], &pd->key_len[k], &pd->key_byval[k]);
	}
}

/*
 * Reads the spine (if any) and the events into pd.  SPI must be connected;
 * pd->cxt holds the buckets.
 */
void
panel_collect(PanelData *pd, const PanelSpec *s)
{
	pd->spec = s;
	pd->limit = (Size) edupredict_panel_max_memory_mb * 1024 * 1024;
	pd->max_unit = PG_INT64_MIN;
	InitKeys(pd, s);
	pd->ents = MemoryContextAllocHuge(pd->cxt, sizeof(PanelEntity));
	pd->keys = MemoryContextAllocHuge(pd->cxt, sizeof(Datum) * s->nkeys);
	Rehash(pd, 1024);
	pd->from_spine = s->spine_query != NULL;
	if (pd->from_spine)
		Run(pd, s->spine_query, true);
	Run(pd, s->events_query, false);
	if (pd->events_used == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no events to build a panel from"),
				 s->as_of ? errdetail("No event of an entity in the panel is before as_of %s.", s->as_of) :
				 errdetail("The events relation has no rows with a time and an entity in the panel.")));
}
