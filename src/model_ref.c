/*
 * model_ref.c - registry models as values (edupredict.model_ref): what the
 * name-based calls become when the planner resolves their model on the
 * coordinator of a distributed query (model_name_rewrite.c).
 *
 * model_ref_lookup() reads the registry row with the caller's rights (the
 * same row and errors as predict by name) and returns its name, id, row
 * version and bytes.  The *_by_ref functions are the name-based C functions;
 * RegistryModel() sees a model_ref as their first argument and asks here for
 * the parsed model, which is kept per call site and changes only when the
 * reference names another registry row or row version, or the call site
 * runs as another role.  Within one call site and role a reference's bytes
 * are trusted to be those of its row: the rewrite builds both from the same
 * row, and a caller who builds a reference by hand only ever scores with
 * bytes he supplied himself.  A call site can outlive its statement
 * (PL/pgSQL keeps a simple expression's state for the transaction): another
 * role reaching it with a hand-made reference to the same row must not be
 * scored with the model parsed from the first role's bytes.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "ensemble_pg.h"
#include "model_call.h"

#define REF_NATTS 4

PG_FUNCTION_INFO_V1(model_ref_lookup);
Datum
model_ref_lookup(PG_FUNCTION_ARGS)
{
	TupleDesc	td;
	Datum		v[REF_NATTS];
	bool		n[REF_NATTS] = {false, false, false, false};
	int32		version;
	char	   *name;
	int64		id,
				xmin;
	ItemPointerData ctid;
	bytea	   *bytes;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE || td->natts != REF_NATTS)
		elog(ERROR, "model_ref_lookup must return edupredict.model_ref");
	version = ens_call_version_arg(fcinfo, 1);
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bytes = ens_registry_bytes(name, version, &id, &xmin, &ctid);
	v[0] = CStringGetTextDatum(name);
	v[1] = Int64GetDatum(id);
	v[2] = CStringGetTextDatum(psprintf("%lld:%u:%u", (long long) xmin,
										ItemPointerGetBlockNumber(&ctid),
										(unsigned) ItemPointerGetOffsetNumber(&ctid)));
	v[3] = PointerGetDatum(bytes);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), v, n)));
}

/* Whether the first argument of this call site is a model_ref (else a name). */
bool
ens_ref_arg(FunctionCallInfo fcinfo)
{
	Oid			t = get_fn_expr_argtype(fcinfo->flinfo, 0);
	TupleDesc	td;
	bool		ok;

	if (!OidIsValid(t) || t == TEXTOID || !type_is_rowtype(t))
		return false;
	td = lookup_rowtype_tupdesc(t, -1);
	ok = td->natts == REF_NATTS &&
		TupleDescAttr(td, 0)->atttypid == TEXTOID &&
		TupleDescAttr(td, 1)->atttypid == INT8OID &&
		TupleDescAttr(td, 2)->atttypid == TEXTOID &&
		TupleDescAttr(td, 3)->atttypid == BYTEAOID;
	ReleaseTupleDesc(td);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a model reference must be an edupredict.model_ref")));
	return true;
}

static void
BadRef(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("invalid model reference: name, id, row_version and model must not be NULL"),
			 errhint("Model references come from edupredict.model_ref_lookup().")));
}

/*
 * The parsed model of the model_ref in argument 0, cached per call site by
 * (id, row_version); sets rc->name for messages.
 */
EnsModel *
ens_ref_model(FunctionCallInfo fcinfo, RegCall *rc)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	HeapTupleData tup;
	TupleDesc	td;
	Datum		d;
	bool		isnull;
	int64		id;
	text	   *ver;
	int			vlen;

	if (rc->ref_desc == NULL || rc->ref_type != HeapTupleHeaderGetTypeId(th) ||
		rc->ref_typmod != HeapTupleHeaderGetTypMod(th))
	{
		TupleDesc	cur = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(th),
												 HeapTupleHeaderGetTypMod(th));
		int			natts = cur->natts;
		MemoryContext old;

		if (natts != REF_NATTS)
		{
			ReleaseTupleDesc(cur);
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("a model reference must be an edupredict.model_ref")));
		}
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		rc->ref_desc = CreateTupleDescCopy(cur);
		MemoryContextSwitchTo(old);
		ReleaseTupleDesc(cur);
		rc->ref_type = HeapTupleHeaderGetTypeId(th);
		rc->ref_typmod = HeapTupleHeaderGetTypMod(th);
	}
	td = rc->ref_desc;
	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;
	d = heap_getattr(&tup, 2, td, &isnull);
	if (isnull)
		BadRef();
	id = DatumGetInt64(d);
	d = heap_getattr(&tup, 3, td, &isnull);
	if (isnull)
		BadRef();
	ver = DatumGetTextPP(d);
	vlen = VARSIZE_ANY_EXHDR(ver);
	if (rc->bmodel && rc->ref_id == id && rc->ref_user == GetUserId() &&
		rc->bkey_len == (Size) vlen && memcmp(rc->bkey, VARDATA_ANY(ver), vlen) == 0)
		return rc->bmodel;
	{
		Datum		nd = heap_getattr(&tup, 1, td, &isnull);
		bool		mnull;
		Datum		md = heap_getattr(&tup, 4, td, &mnull);
		EnsModel   *m;

		if (isnull || mnull)
			BadRef();
		if (rc->bcxt)
			MemoryContextDelete(rc->bcxt);
		rc->bcxt = NULL;
		rc->bmodel = NULL;
		rc->bcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "edupredict referenced model",
										 ALLOCSET_DEFAULT_SIZES);
		m = ens_model_from_bytea((bytea *) DatumGetPointer(md), rc->bcxt);
		rc->name = MemoryContextStrdup(rc->bcxt, TextDatumGetCString(nd));
		rc->bkey = MemoryContextAlloc(rc->bcxt, Max(vlen, 1));
		memcpy(rc->bkey, VARDATA_ANY(ver), vlen);
		rc->bkey_len = vlen;
		rc->bkey_ondisk = false;
		rc->ref_id = id;
		rc->ref_user = GetUserId();
		rc->slot = NULL;
		rc->map_serial = 0;
		rc->bmodel = m;
	}
	return rc->bmodel;
}
