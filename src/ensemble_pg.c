/*
 * ensemble_pg.c - PostgreSQL glue shared by every tree learner and the
 * model entry points (in the manner of pgvector's hnswutils.c): settings,
 * the capped palloc allocator, interrupts, engine status to ereport(), and
 * the conversion of column values to features.
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "mb/pg_wchar.h"

#include "edupredict.h"
#include "ensemble_pg.h"

int			edupredict_forest_max_memory_mb = 8192;
int			edupredict_forest_cache_models = 4;
int			edupredict_forest_threads = 2;

void
edupredict_forest_init(void)
{
	DefineCustomIntVariable("edupredict.forest_max_memory",
							"Upper bound on the memory one forest training may allocate.",
							"Counted over raw columns, bins, trees and scratch; exceeding it is an error. Only superusers can change it: it protects the server's memory.",
							&edupredict_forest_max_memory_mb,
							8192, 16, INT_MAX / 2,
							PGC_SUSET, GUC_UNIT_MB,
							NULL, NULL, NULL);
	DefineCustomIntVariable("edupredict.forest_threads",
							"Threads of one training (forest trees, boosting histograms) or of cross-validation folds trained side by side.",
							"Extra threads run only the PostgreSQL-free tree code with every signal blocked; 1 trains in the backend thread alone.",
							&edupredict_forest_threads,
							2, 1, 16,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("edupredict.forest_cache_models",
							"Parsed registry models kept per backend.",
							NULL,
							&edupredict_forest_cache_models,
							4, 1, 64,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
}

/* ---------- allocator, interrupts, errors ---------- */

typedef struct AllocHdr
{
	size_t		size;
	size_t		pad;			/* keep 16-byte payload alignment */
} AllocHdr;

static void *
PgAlloc(void *ctx, size_t size)
{
	EnsPgAlloc *pa = (EnsPgAlloc *) ctx;
	AllocHdr   *h;

	/* over the cap: fail softly so the engine can free its scratch first */
	pa->refused_over_cap = pa->limit && pa->cur + size > pa->limit;
	if (pa->refused_over_cap)
		return NULL;
	/*
	 * Out of memory must also fail softly: with tree threads running, the
	 * engine allocates the model arrays on this thread and an ERROR
	 * (longjmp) would leave the threads reading freed memory.
	 */
	h = MemoryContextAllocExtended(pa->cxt, size + sizeof(AllocHdr),
								   MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (h == NULL)
		return NULL;
	h->size = size;
	pa->cur += size;
	if (pa->cur > pa->peak)
		pa->peak = pa->cur;
	return h + 1;
}

static void
PgFree(void *ctx, void *ptr)
{
	EnsPgAlloc *pa = (EnsPgAlloc *) ctx;
	AllocHdr   *h;

	if (ptr == NULL)
		return;
	h = ((AllocHdr *) ptr) - 1;
	pa->cur -= h->size;
	pfree(h);
}

/* Plain palloc allocator: chunks start where the engine's buffers start. */
static void *
PlainAlloc(void *ctx, size_t size)
{
	return MemoryContextAllocExtended((MemoryContext) ctx, size, MCXT_ALLOC_HUGE);
}

static void
PlainFree(void *ctx, void *ptr)
{
	if (ptr)
		pfree(ptr);
}

void
ens_pg_plain_alloc_init(EnsAlloc *al, MemoryContext cxt)
{
	al->alloc = PlainAlloc;
	al->free = PlainFree;
	al->ctx = cxt;
}

uint64
ens_pg_memory_cap(void)
{
	return (uint64) edupredict_forest_max_memory_mb * 1024 * 1024;
}

void
ens_pg_alloc_init(EnsPgAlloc *pa, MemoryContext cxt, bool capped)
{
	pa->al.alloc = PgAlloc;
	pa->al.free = PgFree;
	pa->al.ctx = pa;
	pa->cxt = cxt;
	pa->cur = pa->peak = 0;
	pa->limit = capped ? (size_t) ens_pg_memory_cap() : 0;
	pa->refused_over_cap = false;
}

bool
ens_pg_interrupt(void *arg)
{
	CHECK_FOR_INTERRUPTS();
	return false;
}

/* ---------- a runner for the preparation of training sets ---------- */

typedef struct PgRunner
{
	EnsPool    *pool;
	int			n_threads;
} PgRunner;

/*
 * Each job starts the pool's threads and joins them before it returns, so
 * no thread outlives a call and an error raised afterwards leaves none
 * behind; the pieces never call the server, and the caller only looks at
 * the interrupt flags while they run.
 */
static EnsStatus
PgRun(void *self, EnsTaskFn fn, void *ctx, uint32_t n_pieces)
{
	PgRunner   *r = (PgRunner *) self;
	EnsStatus	rc;

	ens_pool_init(r->pool, r->n_threads);
	ens_pool_start(r->pool);
	rc = ens_pool_run(r->pool, fn, ctx, n_pieces, ens_pg_poll_interrupt, NULL);
	ens_pool_stop(r->pool);
	return rc;
}

void
ens_pg_runner(EnsRunner *rn)
{
	PgRunner   *r = palloc(sizeof(PgRunner));

	r->pool = palloc(ens_pool_size());
	r->n_threads = Min(edupredict_forest_threads, ENS_POOL_MAX_THREADS);
	rn->run = PgRun;
	rn->self = r;
	rn->n_threads = r->n_threads;
}

int			ens_pg_restarts = 0;

/*
 * While engine threads run: only look, never longjmp.  The threads stop
 * (and a deterministic training starts over) only for what ends the
 * statement - cancel, statement_timeout, terminate - or a barrier every
 * backend must absorb.  Any other interrupt stays pending until the next
 * CHECK_FOR_INTERRUPTS(): the idle-stats flush that a session's previous
 * statement arms fires 10 s into the next one, and used to cost every
 * longer training a second run.
 */
bool
ens_pg_poll_interrupt(void *arg)
{
	return QueryCancelPending || ProcDiePending || ProcSignalBarrierPending;
}

/*
 * A model the reader refused (ERRCODE_DATA_EXCEPTION): one literal message per
 * status, for translators (ens_strerror's words, which the C harnesses print),
 * and the check that failed as the detail (ens_pg_read_detail).
 */
static void
RaiseModelStatus(EnsStatus rc, const EnsError *err)
{
	switch (rc)
	{
		case ENS_ETRUNC:
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
							errmsg("invalid forest model: model data is truncated"),
							ens_pg_read_detail(err)));
			break;
		case ENS_EMAGIC:
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
							errmsg("invalid forest model: data is not an edupredict forest model"),
							ens_pg_read_detail(err)));
			break;
		case ENS_EVERSION:
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
							errmsg("invalid forest model: unsupported model format version"),
							ens_pg_read_detail(err)));
			break;
		case ENS_ECHECKSUM:
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
							errmsg("invalid forest model: model checksum mismatch"),
							ens_pg_read_detail(err)));
			break;
		case ENS_ECORRUPT:
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
							errmsg("invalid forest model: model data is inconsistent"),
							ens_pg_read_detail(err)));
			break;
		default:
			elog(ERROR, "unknown engine status %d", (int) rc);
	}
}

/*
 * errmsg() for status rc (ENS_ENOMEM, ENS_EINTR, ENS_ELIMIT or ENS_EINVAL)
 * of task what: the literal ENS_PG_WHATS writes for the pair.
 */
static int
WhatMessage(EnsStatus rc, EnsPgWhat what)
{
#define WHAT_MESSAGE(id, memory, cancel, limit, invalid) \
	case id: \
		return rc == ENS_ENOMEM ? errmsg(memory) : \
			rc == ENS_EINTR ? errmsg(cancel) : \
			rc == ENS_ELIMIT ? errmsg(limit) : errmsg(invalid);

	switch (what)
	{
			ENS_PG_WHATS(WHAT_MESSAGE)
		default:
			return 0;
	}
#undef WHAT_MESSAGE
}

void
ens_pg_check(EnsStatus rc, EnsPgWhat what, const EnsError *err)
{
	if (rc == ENS_OK)
		return;
	if ((unsigned) what >= ENS_WHAT_COUNT)
		elog(ERROR, "unknown engine task %d", (int) what);
	switch (rc)
	{
		case ENS_ENOMEM:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							WhatMessage(rc, what),
							errhint("Training memory is capped by edupredict.forest_max_memory (%d MB); train on fewer rows or features, or raise it.",
									edupredict_forest_max_memory_mb)));
			break;
		case ENS_EINTR:
			CHECK_FOR_INTERRUPTS();
			ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED),
							WhatMessage(rc, what)));
			break;
		case ENS_ELIMIT:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							WhatMessage(rc, what),
							ens_pg_read_detail(err)));
			break;
		case ENS_EINVAL:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							WhatMessage(rc, what)));
			break;
		default:
			RaiseModelStatus(rc, err);
	}
}

/* errmsg() and errhint() (errdetail()) for a dictionary of "of", named name, at its limit */
static int
DictLimitMessage(EnsDictOf of, const char *name)
{
	switch (of)
	{
		case ENS_DICT_AGG_LABELS:
			errmsg("%s has more than %u distinct class labels", name, ENS_DICT_MAX_ENTRIES);
			return errhint("Aggregate fewer rows per group.");
		case ENS_DICT_AGG_GROUPS:
			errmsg("%s has more than %u distinct group keys", name, ENS_DICT_MAX_ENTRIES);
			return errhint("Aggregate fewer rows per group.");
		case ENS_DICT_TARGET:
			errmsg("target column \"%s\" has more than %u distinct values", name, ENS_DICT_MAX_ENTRIES);
			return errhint("Train on fewer rows.");
		case ENS_DICT_FEATURE:
			errmsg("text feature \"%s\" has more than %u distinct values", name, ENS_DICT_MAX_ENTRIES);
			return errhint("Leave it out with features => ARRAY[...], or train on fewer rows.");
		case ENS_DICT_GROUP_BY:
			errmsg("group_by column \"%s\" has more than %u distinct values", name, ENS_DICT_MAX_ENTRIES);
			return errhint("Group by a column of fewer values, or train on fewer rows.");
		case ENS_DICT_UNKNOWN_LABELS:
			/* not reached while ENS_MAX_UNKNOWN_LABELS stops the count first */
			errmsg("too many target values unknown to model \"%s\"", name);
			errdetail("A dictionary holds at most %u distinct strings.", ENS_DICT_MAX_ENTRIES);
			return errhint("Pass only rows whose target is a class of the model.");
	}
	return 0;
}

/* errdetail() for a dictionary of "of", named name, that could not grow */
static int
DictMemoryDetail(EnsDictOf of, const char *name)
{
	switch (of)
	{
		case ENS_DICT_AGG_LABELS:
			return errdetail("Failed to grow the dictionary of class labels of aggregate %s.", name);
		case ENS_DICT_AGG_GROUPS:
			return errdetail("Failed to grow the dictionary of group keys of aggregate %s.", name);
		case ENS_DICT_TARGET:
			return errdetail("Failed to grow the dictionary of the values of target column \"%s\".", name);
		case ENS_DICT_FEATURE:
			return errdetail("Failed to grow the dictionary of the categories of text feature \"%s\".", name);
		case ENS_DICT_GROUP_BY:
			return errdetail("Failed to grow the dictionary of the values of group_by column \"%s\".", name);
		case ENS_DICT_UNKNOWN_LABELS:
			return errdetail("Failed to grow the dictionary of the target values unknown to model \"%s\".", name);
	}
	return 0;
}

/*
 * A dictionary refuses a string at its own limit or when an allocation
 * fails (ens_dict_add): only the first is a limit of ours, and names it.
 */
void
ens_pg_dict_failed(const EnsDict *d, EnsDictOf of, const char *name)
{
	if (d != NULL && ens_dict_full(d))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 DictLimitMessage(of, name)));
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory"),
			 DictMemoryDetail(of, name)));
}

/* ---------- value conversion ---------- */

int
ens_type_kind(Oid typid)
{
	Oid			base = getBaseType(typid);

	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
		case BOOLOID:
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return ENS_NUMERIC;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
			return ENS_CATEGORICAL;
		default:
			if (type_is_enum(base))
				return ENS_CATEGORICAL;
			return ENS_TYPE_UNSUPPORTED;
	}
}

/* Numbers as themselves; booleans 0/1; dates and timestamps as Unix seconds. */
double
ens_datum_to_double(Datum d, Oid base)
{
	switch (base)
	{
		case INT2OID:
			return (double) DatumGetInt16(d);
		case INT4OID:
			return (double) DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case FLOAT4OID:
			return (double) DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
		case BOOLOID:
			return DatumGetBool(d) ? 1.0 : 0.0;
		case DATEOID:
			{
				DateADT		v = DatumGetDateADT(d);

				if (DATE_IS_NOBEGIN(v))
					return -INFINITY;
				if (DATE_IS_NOEND(v))
					return INFINITY;
				return ((double) v + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)) * SECS_PER_DAY;
			}
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				Timestamp	v = DatumGetTimestamp(d);

				if (TIMESTAMP_IS_NOBEGIN(v))
					return -INFINITY;
				if (TIMESTAMP_IS_NOEND(v))
					return INFINITY;
				return (double) v / USECS_PER_SEC +
					(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
			}
		default:
			elog(ERROR, "unexpected type %u for a numeric feature", base);
	}
	return NAN;
}

/* Text of a categorical value (palloc'd unless it points into d). */
char *
ens_datum_to_text(Datum d, Oid base, uint32_t *len)
{
	char	   *s;

	switch (base)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			{
				text	   *t = DatumGetTextPP(d);

				*len = VARSIZE_ANY_EXHDR(t);
				return VARDATA_ANY(t);
			}
		case NAMEOID:
			s = NameStr(*DatumGetName(d));
			*len = strlen(s);
			return s;
		case BOOLOID:
			s = DatumGetBool(d) ? "true" : "false";
			*len = strlen(s);
			return s;
		default:
			{
				Oid			out;
				bool		isvarlena;

				getTypeOutputInfo(base, &out, &isvarlena);
				s = OidOutputFunctionCall(out, d);
				*len = strlen(s);
				return s;
			}
	}
}

/*
 * The shortest text that reads back as v ("NaN" and "Infinity" too), whatever
 * the session's extra_float_digits: text that is stored or compared (labels,
 * metrics, parameters) must not depend on a session setting.
 */
char *
ens_float_text(double v)
{
	char	   *buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

	double_to_shortest_decimal_buf(v, buf);
	return buf;
}

/* A text[] of the n byte strings s[i] of len[i] bytes (feature names, classes). */
Datum
ens_text_array(const char *const *s, const uint32_t *len, uint32_t n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	uint32_t	i;

	for (i = 0; i < n; i++)
		d[i] = PointerGetDatum(cstring_to_text_with_len(s[i], (int) len[i]));
	return PointerGetDatum(construct_array(d, (int) n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Class label of a numeric target value (integers without a decimal point). */
char *
ens_number_label(double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		return psprintf("%lld", (long long) v);
	return ens_float_text(v);
}

/*
 * A name the caller gave (a model name), or a value of the caller's rows (a
 * target value the model does not know), as a message prints it: the name
 * itself, or its first ENS_MESSAGE_NAME_CHARS characters and "..." when
 * longer, so that a 100 kB argument or a 1 MB value does not make a message
 * as long before any length check.  SQL and PL/pgSQL messages use edupredict._name_for_message(),
 * the same rule.
 */
const char *
ens_name_for_message(const char *name)
{
	int			len = (int) strnlen(name, MaxAllocSize);
	int			clip = pg_mbcharcliplen(name, len, ENS_MESSAGE_NAME_CHARS);

	if (clip >= len)
		return name;
	return psprintf("%.*s...", clip, name);
}
