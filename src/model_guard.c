/*
 * model_guard.c - the registry rows' guard trigger (edupredict._models_guard).
 *
 * The server, not the caller, sets owner, created_by, created_at and
 * deployed of a new row, takes the id from the sequence and records the
 * version with the model's name; identity columns never change.  It is C,
 * not PL/pgSQL, because PL/pgSQL copies NEW (model bytes included) into a
 * record and back: a second copy of every model at the peak of training.
 * Here the row is returned as it came unless a value must change, so an
 * insert that already holds the right values (train_*, calibrate, ...)
 * costs no copy.  Runs as the caller; the SQL it runs qualifies every name.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "edupredict.h"

/* the columns the guard reads or writes */
enum
{
	G_ID, G_NAME, G_VERSION, G_OWNER, G_CREATED_BY, G_CREATED_AT, G_DEPLOYED, G_N
};
static const char *const g_cols[G_N] = {
	"id", "name", "version", "owner", "created_by", "created_at", "deployed"
};

typedef struct GuardRow
{
	int			attnum[G_N];
	Datum		v[G_N];
	bool		isnull[G_N];
} GuardRow;

static void
ReadRow(HeapTuple tup, TupleDesc desc, GuardRow *r)
{
	int			i;

	for (i = 0; i < G_N; i++)
	{
		r->attnum[i] = SPI_fnumber(desc, g_cols[i]);
		if (r->attnum[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("the registry table has no column \"%s\"", g_cols[i])));
		r->v[i] = heap_getattr(tup, r->attnum[i], desc, &r->isnull[i]);
	}
}

/* IS NOT DISTINCT FROM on the stored bytes (varlenas compared detoasted) */
static bool
SameValue(Datum a, bool an, Datum b, bool bn, Form_pg_attribute att)
{
	if (an || bn)
		return an && bn;
	if (att->attlen == -1)
	{
		struct varlena *x = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(a));
		struct varlena *y = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(b));

		return VARSIZE_ANY_EXHDR(x) == VARSIZE_ANY_EXHDR(y) &&
			memcmp(VARDATA_ANY(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(x)) == 0;
	}
	return datumIsEqual(a, b, att->attbyval, att->attlen);
}

static bool
SameColumn(const GuardRow *n, const GuardRow *o, int c, TupleDesc desc)
{
	return SameValue(n->v[c], n->isnull[c], o->v[c], o->isnull[c],
					 TupleDescAttr(desc, n->attnum[c] - 1));
}

/* currval of the registry's id sequence, or false before its first nextval */
static bool
RegistryCurrval(int64 *sid)
{
	Oid			nsp = get_namespace_oid("edupredict", false);
	Oid			seq = get_relname_relid("models_id_seq", nsp);
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile bool have = false;

	if (!OidIsValid(seq))
		elog(ERROR, "sequence edupredict.models_id_seq does not exist");
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		*sid = DatumGetInt64(DirectFunctionCall1(currval_oid, ObjectIdGetDatum(seq)));
		have = true;
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (ed->sqlerrcode != ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE)
			ReThrowError(ed);
		FreeErrorData(ed);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return have;
}

/* edupredict.model_reserve(name): raises unless the caller may train it */
static int32
Reserve(Datum name)
{
	Oid			types[1] = {TEXTOID};
	Datum		vals[1] = {name};
	bool		isnull;
	Datum		d;

	if (SPI_execute_with_args("SELECT edupredict.model_reserve($1)", 1, types, vals,
							  NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not reserve a registry version");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		elog(ERROR, "model_reserve returned NULL");
	return DatumGetInt32(d);
}

/*
 * Record the version with the name (reserving the name if nobody has) and
 * return the name's owner (InvalidOid if the name could not be reserved).
 */
static Oid
RecordVersion(Datum name, int32 version)
{
	Oid			types[2] = {TEXTOID, INT4OID};
	Datum		vals[2] = {name, Int32GetDatum(version)};
	int			i;

	for (i = 0; i < 2; i++)
	{
		bool		isnull;
		Datum		d;

		if (SPI_execute_with_args("UPDATE edupredict.model_names n "
								  "SET next_version = GREATEST(n.next_version, $2 OPERATOR(pg_catalog.+) 1), "
								  "changed_at = pg_catalog.now() "
								  "WHERE n.name OPERATOR(pg_catalog.=) $1 RETURNING n.owner",
								  2, types, vals, NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
			elog(ERROR, "could not record the registry version");
		if (SPI_processed > 0)
		{
			d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
			return isnull ? InvalidOid : DatumGetObjectId(d);
		}
		(void) Reserve(name);
	}
	return InvalidOid;
}

static HeapTuple
GuardUpdate(TriggerData *td, TupleDesc desc)
{
	GuardRow	n,
				o;
	int			c;

	if (superuser())
		return td->tg_newtuple;
	ReadRow(td->tg_newtuple, desc, &n);
	ReadRow(td->tg_trigtuple, desc, &o);
	for (c = 0; c < G_N; c++)
		if (c != G_DEPLOYED && !SameColumn(&n, &o, c, desc))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("the id, name, version, owner and creator of a registry row cannot change"),
					 errhint("Train a new version instead.")));
	return td->tg_newtuple;
}

static HeapTuple
GuardInsert(TriggerData *td, TupleDesc desc)
{
	GuardRow	n;
	Datum		want[G_N];
	bool		wnull[G_N],
				repl[G_N];
	int			cols[G_N];
	Datum		vals[G_N];
	bool		nulls[G_N];
	int			c,
				nrepl = 0;
	NameData   *who;
	Oid			owner;

	ReadRow(td->tg_trigtuple, desc, &n);
	memcpy(want, n.v, sizeof(want));
	memcpy(wnull, n.isnull, sizeof(wnull));
	if (!superuser())
	{
		int64		sid = 0;
		bool		have = RegistryCurrval(&sid);

		/* ids come from the sequence: a chosen id could block others' inserts later */
		if (n.isnull[G_ID] != !have ||
			(have && DatumGetInt64(n.v[G_ID]) != sid))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("id of a registry row is assigned by the registry"),
					 errhint("Leave id out of the column list.")));
		who = (NameData *) palloc0(NAMEDATALEN);
		namestrcpy(who, GetUserNameFromId(GetUserId(), false));
		want[G_CREATED_BY] = NameGetDatum(who);
		wnull[G_CREATED_BY] = false;
		want[G_CREATED_AT] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		wnull[G_CREATED_AT] = false;
		want[G_DEPLOYED] = BoolGetDatum(false);
		wnull[G_DEPLOYED] = false;
	}
	if (n.isnull[G_NAME])
		return td->tg_trigtuple;	/* the NOT NULL constraint says so */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (n.isnull[G_VERSION])
	{
		want[G_VERSION] = Int32GetDatum(Reserve(n.v[G_NAME]));
		wnull[G_VERSION] = false;
	}
	owner = RecordVersion(n.v[G_NAME], DatumGetInt32(want[G_VERSION]));
	SPI_finish();
	want[G_OWNER] = ObjectIdGetDatum(owner);
	wnull[G_OWNER] = !OidIsValid(owner);

	/* a new tuple (a copy of the model) only when a value differs */
	for (c = 0; c < G_N; c++)
	{
		repl[c] = !SameValue(want[c], wnull[c], n.v[c], n.isnull[c],
							 TupleDescAttr(desc, n.attnum[c] - 1));
		if (repl[c])
		{
			cols[nrepl] = n.attnum[c];
			vals[nrepl] = want[c];
			nulls[nrepl] = wnull[c];
			nrepl++;
		}
	}
	if (nrepl == 0)
		return td->tg_trigtuple;
	return heap_modify_tuple_by_cols(td->tg_trigtuple, desc, nrepl, cols, vals, nulls);
}

PG_FUNCTION_INFO_V1(ens_models_guard);
Datum
ens_models_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("edupredict._models_guard() must run as a BEFORE INSERT OR UPDATE row trigger")));
	desc = RelationGetDescr(td->tg_relation);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		return PointerGetDatum(GuardUpdate(td, desc));
	return PointerGetDatum(GuardInsert(td, desc));
}
