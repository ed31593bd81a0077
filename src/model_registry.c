/*
 * model_registry.c - registry models: lookup by name and version, the
 * per-backend cache of parsed models, and parsing of model bytes.
 *
 * Caching: a registry model is identified by its row (id) and the row
 * version (xmin and ctid: a row updated twice in one transaction keeps its
 * xmin but moves), so any UPDATE of the row (deploy(), a replaced model)
 * gives a new key.  Each call site (one FmgrInfo, i.e. fn_extra) looks the
 * name up in edupredict.models with the caller's rights and snapshot, and
 * reuses the parsed model for every row while the role and the snapshot
 * stay those of its lookup (EnsLookupKey); parsed models live in a small
 * per-backend LRU (edupredict.forest_cache_models slots), so later lookups
 * skip the parse.  A call site can outlive its statement (PL/pgSQL keeps a
 * simple expression's state for the whole transaction, across SET ROLE and
 * across calls from a SECURITY DEFINER function and from its caller), so
 * the role and the snapshot, not the statement, decide when to look again:
 * a deploy, a new version, a deleted row, a revoke or another role is seen
 * by the next statement that could see it; no shared memory and no
 * invalidation messages are needed.  bytea models are cached in fn_extra,
 * keyed by the TOAST pointer or by their contents.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "mb/pg_wchar.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"
#include "storage/itemptr.h"

#include "ensemble_pg.h"

#define MAX_SLOTS 64

static EnsCached slots[MAX_SLOTS];
static uint64 slot_serial = 0;
static uint64 use_clock = 0;

/* Which text of a model is not valid in the database encoding. */
typedef enum ModelText
{
	MODEL_TEXT_VALID,
	MODEL_TEXT_FEATURE_NAME,
	MODEL_TEXT_CATEGORY,
	MODEL_TEXT_CLASS_LABEL
} ModelText;

/*
 * Text inside a model must be valid in the database encoding: the first
 * text that is not, MODEL_TEXT_VALID if all are.
 */
static ModelText
InvalidModelText(const EnsModel *m)
{
	uint32_t	f,
				i;

	for (f = 0; f < m->n_features; f++)
	{
		const EnsFeature *F = &m->features[f];

		if (!pg_verifymbstr(F->name, (int) F->name_len, true))
			return MODEL_TEXT_FEATURE_NAME;
		if (F->kind == ENS_CATEGORICAL && !F->hashed)
			for (i = 0; i < F->n_bins; i++)
				if (!pg_verifymbstr(F->cats[i], (int) F->cat_len[i], true))
					return MODEL_TEXT_CATEGORY;
	}
	for (i = 0; i < m->n_classes; i++)
		if (!pg_verifymbstr(m->classes[i], (int) m->class_len[i], true))
			return MODEL_TEXT_CLASS_LABEL;
	return MODEL_TEXT_VALID;
}

/* The refusal of a stored model's invalid text (ens_model_from_bytea). */
static int
StoredTextMessage(ModelText t)
{
	switch (t)
	{
		case MODEL_TEXT_FEATURE_NAME:
			return errmsg("invalid forest model: a feature name is not valid in the database encoding");
		case MODEL_TEXT_CATEGORY:
			return errmsg("invalid forest model: a category is not valid in the database encoding");
		default:
			return errmsg("invalid forest model: a class label is not valid in the database encoding");
	}
}

/* The same fact as the detail of a read back's refusal. */
static int
ReadBackTextDetail(ModelText t)
{
	switch (t)
	{
		case MODEL_TEXT_FEATURE_NAME:
			return errdetail("The reader says a feature name is not valid in the database encoding.");
		case MODEL_TEXT_CATEGORY:
			return errdetail("The reader says a category is not valid in the database encoding.");
		default:
			return errdetail("The reader says a class label is not valid in the database encoding.");
	}
}

/*
 * Parse len bytes at buf into *m, allocated in cxt, as a cold cache does:
 * the reader's every check (its status; why names the check), then the
 * text check (*text: the first text not valid in the database encoding,
 * MODEL_TEXT_VALID if none).
 */
static EnsStatus
ParseModel(const uint8_t *buf, size_t len, MemoryContext cxt, EnsModel **m, EnsError *why,
		   ModelText *text)
{
	EnsPgAlloc	pa;
	EnsStatus	rc;

	ens_pg_alloc_init(&pa, cxt, false);
	rc = ens_deserialize(buf, len, &pa.al, m, why);
	*text = rc == ENS_OK ? InvalidModelText(*m) : MODEL_TEXT_VALID;
	return rc;
}

/* Parse a (possibly toasted) bytea into a model allocated in cxt. */
EnsModel *
ens_model_from_bytea(bytea *b, MemoryContext cxt)
{
	bytea	   *d = (bytea *) PG_DETOAST_DATUM_PACKED(PointerGetDatum(b));
	EnsModel   *m;
	EnsError	why;
	ModelText	text;

	ens_pg_check(ParseModel((const uint8_t *) VARDATA_ANY(d), VARSIZE_ANY_EXHDR(d), cxt, &m, &why, &text),
				 ENS_WHAT_MODEL, &why);
	if (text != MODEL_TEXT_VALID)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 StoredTextMessage(text)));
	if ((Pointer) d != (Pointer) b)
		pfree(d);
	return m;
}

/*
 * The reader's words for a status whose refusal names no check (why->id is
 * ENS_ERR_NONE): the errmsg ens_model_from_bytea would raise.
 */
static int
ReaderStatusDetail(EnsStatus rc)
{
	switch (rc)
	{
		case ENS_ETRUNC:
			return errdetail("The reader says the model data is truncated.");
		case ENS_EMAGIC:
			return errdetail("The reader says the data is not an edupredict forest model.");
		case ENS_EVERSION:
			return errdetail("The reader says the model format version is unsupported.");
		case ENS_ECHECKSUM:
			return errdetail("The reader says the model checksum does not match.");
		default:
			return errdetail("The reader says the model data is inconsistent.");
	}
}

/*
 * Read back the bytes training wrote (len bytes at buf), as a cold cache
 * would: the reader's every check, then the text check.  A refusal is a
 * writer's bug (XX000), raised before the bytes are stored or returned.
 */
static void
ReadBack(const uint8_t *buf, size_t len)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict read back",
											  ALLOCSET_DEFAULT_SIZES);
	EnsModel   *m;
	EnsError	why;
	ModelText	text;
	EnsStatus	rc = ParseModel(buf, len, cxt, &m, &why, &text);

	if (rc == ENS_ENOMEM)
		ens_pg_check(rc, ENS_WHAT_MODEL, &why);
	if (rc != ENS_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("training wrote model bytes its reader refuses"),
				 why.id != ENS_ERR_NONE ? ens_pg_read_detail(&why) : ReaderStatusDetail(rc)));
	if (text != MODEL_TEXT_VALID)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("training wrote model bytes its reader refuses"),
				 ReadBackTextDetail(text)));
	MemoryContextDelete(cxt);
}

/*
 * The one writer of model bytes that are stored or returned (train_*,
 * tune's refit, the aggregates, merges, new versions): m's bytes as a
 * bytea allocated in cxt, read back before they leave.
 */
bytea *
ens_model_bytea(const EnsModel *m, MemoryContext cxt)
{
	EnsAlloc	outal;
	uint8_t    *bytes;
	size_t		len;
	bytea	   *mb;

	/* straight into a bytea allocated in cxt */
	ens_pg_plain_alloc_init(&outal, cxt);
	ens_pg_check(ens_serialize(m, &outal, VARHDRSZ, &bytes, &len), ENS_WHAT_SERIALISATION, NULL);
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the model has %zu bytes, more than a bytea can hold", len),
				 errhint("Limit the depth or the number of trees.")));
	ReadBack(bytes + VARHDRSZ, len);
	mb = (bytea *) bytes;
	SET_VARSIZE(mb, len + VARHDRSZ);
	return mb;
}

static void
NoSuchModel(const char *name, int32 version)
{
	/* the caller's argument, not checked for length: no name of a model */
	name = ens_name_for_message(name);
	if (version > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" has no version %d", name, version),
				 errhint("edupredict.model_list shows the versions you can use.")));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("model \"%s\" does not exist", name),
			 errhint("Train it with edupredict.train_forest(), or ask its owner to share it with edupredict.grant_model(); edupredict.model_list lists the models you can use.")));
}

/*
 * A role without SELECT on edupredict.models (not a member of
 * edupredict_user) can use no registry model, not even one granted to
 * public: say so, as training does for writes, rather than let the lookup
 * fail inside SPI with the table's bare 42501.
 */
static void
RequireRegistryRead(void)
{
	Oid			nsp = get_namespace_oid("edupredict", true);
	Oid			rel = OidIsValid(nsp) ? get_relname_relid("models", nsp) : InvalidOid;
	const char *me;

	if (!OidIsValid(rel) || pg_class_aclcheck(rel, GetUserId(), ACL_SELECT) == ACLCHECK_OK)
		return;
	me = quote_identifier(GetUserNameFromId(GetUserId(), false));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to read the model registry"),
			 errdetail("Role %s may not read edupredict.models, so it can use no registry model, not even one shared with grant_model().",
					   me),
			 errhint("An administrator can allow it with: GRANT edupredict_user TO %s;", me)));
}

/*
 * the registry row to use: a version, or the deployed one, else the newest
 * (its version in *used)
 */
static void
LookupRow(const char *name, int32 version, int64 *id, int64 *xmin, ItemPointerData *ctid,
		  int32 *used)
{
	Oid			argtypes[2] = {TEXTOID, INT4OID};
	Datum		values[2];
	int			ret;
	bool		isnull;

	RequireRegistryRead();
	values[0] = CStringGetTextDatum(name);
	values[1] = Int32GetDatum(version);
	if (version > 0)
		ret = SPI_execute_with_args("SELECT m.id, m.xmin::pg_catalog.text::pg_catalog.int8, m.ctid, m.version FROM edupredict.models m "
									"WHERE m.name OPERATOR(pg_catalog.=) $1 "
									"AND m.version OPERATOR(pg_catalog.=) $2",
									2, argtypes, values, NULL, true, 1);
	else
		ret = SPI_execute_with_args("SELECT m.id, m.xmin::pg_catalog.text::pg_catalog.int8, m.ctid, m.version FROM edupredict.models m "
									"WHERE m.name OPERATOR(pg_catalog.=) $1 "
									"ORDER BY m.deployed DESC, m.version DESC LIMIT 1",
									1, argtypes, values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "registry lookup failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
		NoSuchModel(name, version);
	*id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	*xmin = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	*ctid = *(ItemPointer) DatumGetPointer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	*used = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
}

/* the model bytes of registry row id (inside SPI; as stored, maybe toasted) */
static Datum
RowModel(const char *name, int32 version, int64 id)
{
	Oid			idtype[1] = {INT8OID};
	Datum		idval[1];
	Datum		bd;
	bool		isnull;
	int			ret;

	idval[0] = Int64GetDatum(id);
	ret = SPI_execute_with_args("SELECT m.model FROM edupredict.models m WHERE m.id OPERATOR(pg_catalog.=) $1",
								1, idtype, idval, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		NoSuchModel(name, version);
	bd = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("model \"%s\" has no model data", name)));
	return bd;
}

/*
 * The bytes of the registry row ens_registry_get() would use, detoasted into
 * the caller's memory context, with the row's id and version: what
 * model_ref_lookup() sends to the nodes of a distributed query.
 */
bytea *
ens_registry_bytes(const char *name, int32 version, int64 *id, int64 *xmin, ItemPointerData *ctid)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		bd;
	bytea	   *copy;
	int32		used;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	LookupRow(name, version, id, xmin, ctid, &used);
	bd = RowModel(name, version, *id);
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		copy = (bytea *) PG_DETOAST_DATUM_COPY(bd);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return copy;
}

/*
 * Subtransactions of this backend aborted so far.  A lookup inside a
 * subtransaction sees the rows it wrote (a deploy, a grant, a new version);
 * after ROLLBACK TO a snapshot can be the same to the field (own transaction
 * ids are never in it, and the abort need not move xmax or count as a
 * completed transaction), yet those rows are gone.
 */
static uint64 subxact_aborts = 0;
static bool subxact_cb_registered = false;

static void
CountSubXactAbort(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		subxact_aborts++;
}

/*
 * The role and the snapshot a lookup runs with now.  Without an active
 * snapshot nothing may be reused (userid stays invalid).
 */
void
ens_lookup_key_take(EnsLookupKey *k)
{
	Snapshot	s;

	memset(k, 0, sizeof(*k));
	if (!ActiveSnapshotSet())
		return;
	if (!subxact_cb_registered)
	{
		RegisterSubXactCallback(CountSubXactAbort, NULL);
		subxact_cb_registered = true;
	}
	s = GetActiveSnapshot();
	k->userid = GetUserId();
	k->subxact_aborts = subxact_aborts;
	k->xmin = s->xmin;
	k->xmax = s->xmax;
	k->curcid = s->curcid;
	k->xcnt = s->xcnt;
	k->subxcnt = s->subxcnt;
	k->completions = s->snapXactCompletionCount;
}

/*
 * Whether a lookup now would see what the one of k saw: the same role, and
 * a snapshot that sees the same rows.  Two snapshots taken with the same
 * count of completed transactions (and the same command id) see the same
 * rows: PostgreSQL reuses a snapshot's contents on exactly that condition.
 * A count of 0 (an imported snapshot, a parallel worker's) comes from a
 * snapshot that lasts its whole transaction or query, where only the
 * command id moves.  One statement keeps one snapshot, so a query calls
 * this per row and looks the name up once.  A subtransaction aborted since
 * (ROLLBACK TO) may have written what the lookup saw: look again.
 *
 * The count is redundant with xmin, xmax, xcnt and subxcnt (and they with
 * it): each alone notices another session's commit.  A commit that changes
 * what the snapshot sees ends a transaction it did not see as committed.  An
 * id at or above xmax moves xmax (latestCompletedXid) when it ends.  An id
 * below xmax was running at the lookup, so in xip, and leaves it; and no id
 * can take its place there: every id below xmax was published in the proc
 * array (under XidGenLock, in GetNewTransactionId) before the higher id that
 * set xmax was assigned, so it was in the first snapshot if it was running.
 * So xcnt falls.  Another session's subtransaction abort moves the count,
 * maybe not the fields, but changes nothing seen (its rows were invisible
 * before and after), and a subtransaction commit keeps its id listed until
 * the top-level commit.  Both stay, as the key is compared whole.  Dropping
 * the count, or xcnt and subxcnt, is caught by no test; dropping both is, by
 * test/isolation/specs/registry_cache.spec: its last permutation commits a
 * deploy between two statements with xmin and xmax unchanged (only xcnt and
 * the count move), the others move xmax too (mutations
 * registry-cache-key-bounds-only, registry-cache-ignores-snapshot).
 */
bool
ens_lookup_key_holds(const EnsLookupKey *k)
{
	EnsLookupKey now;

	/* every field, as ens_lookup_key_take fills it (padding zeroed there) */
	ens_lookup_key_take(&now);
	return OidIsValid(now.userid) && memcmp(&now, k, sizeof(now)) == 0;
}

/* an empty slot, else the least recently used unpinned one */
static EnsCached *
ChooseSlot(void)
{
	int			i,
				nslots = Min(edupredict_forest_cache_models, MAX_SLOTS);
	EnsCached  *slot = NULL;

	for (i = 0; i < nslots; i++)
		if (slots[i].model == NULL)
			return &slots[i];
	for (i = 0; i < nslots; i++)
		if (slots[i].pins == 0 && (slot == NULL || slots[i].last_used < slot->last_used))
			slot = &slots[i];
	for (i = nslots; i < MAX_SLOTS && slot == NULL; i++)
		if (slots[i].model == NULL)
			slot = &slots[i];
	if (slot == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many models in use at once"),
				 errdetail("A session holds at most %d models at once; evaluate(), calibrate() and the other functions that read rows for a model hold it until they end.",
						   MAX_SLOTS),
				 errhint("Nest fewer such calls, e.g. through views whose rows run them.")));
	/* unpinned slots beyond a lowered setting are dropped */
	for (i = nslots; i < MAX_SLOTS; i++)
		if (slots[i].model && slots[i].pins == 0 && &slots[i] != slot)
		{
			MemoryContextDelete(slots[i].cxt);
			slots[i].model = NULL;
			slots[i].serial = ++slot_serial;
		}
	return slot;
}

/*
 * The parsed model of a registry row (version <= 0: the deployed version,
 * else the newest), through the per-backend cache.  The row is read with
 * the caller's rights, so row-level security decides what a role sees.
 */
EnsCached *
ens_registry_get(const char *name, int32 version)
{
	int			i;
	int64		id,
				xmin;
	ItemPointerData ctid;
	int32		used;
	EnsCached  *slot = NULL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	LookupRow(name, version, &id, &xmin, &ctid, &used);
	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].model && slots[i].id == id && slots[i].xmin == xmin &&
			ItemPointerEquals(&slots[i].ctid, &ctid))
		{
			slot = &slots[i];
			break;
		}
	if (slot == NULL)
	{
		MemoryContext cxt;
		EnsModel   *m;
		Datum		bd = RowModel(name, version, id);

		/* parse under a transient parent; keep it only on success */
		cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict cached model",
									ALLOCSET_DEFAULT_SIZES);
		m = ens_model_from_bytea((bytea *) DatumGetPointer(bd), cxt);
		slot = ChooseSlot();
		if (slot->model)
			MemoryContextDelete(slot->cxt);
		MemoryContextSetParent(cxt, TopMemoryContext);
		slot->cxt = cxt;
		slot->model = m;
		slot->id = id;
		slot->xmin = xmin;
		slot->ctid = ctid;
		slot->serial = ++slot_serial;
		slot->name = MemoryContextStrdup(cxt, name);
	}
	slot->version = used;
	slot->last_used = ++use_clock;
	SPI_finish();
	return slot;
}
