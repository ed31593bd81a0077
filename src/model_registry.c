/*
 * model_registry.c - prediction with registry and bytea models.
 *
 * Caching: a registry model is identified by its row (id) and the row
 * version (xmin and ctid: a row updated twice in one transaction keeps its
 * xmin but moves), so any UPDATE of the row (deploy(), a replaced model)
 * gives a new key.  Each statement (one FmgrInfo, i.e. fn_extra) looks the name up in
 * edupredict.models once, with the statement's snapshot, and then reuses
 * the parsed model for every row; parsed models live in a small per-backend
 * LRU (edupredict.forest_cache_models slots), so later statements skip the
 * parse.  A deploy, a new version or a deleted row is seen by the next
 * statement because the lookup is repeated per statement; no shared memory
 * and no invalidation messages are needed.  bytea models are cached in
 * fn_extra, keyed by the TOAST pointer or by length + checksum trailer.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "mb/pg_wchar.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "storage/itemptr.h"

#include "ensemble_pg.h"

#define MAX_SLOTS 64

static EnsCached slots[MAX_SLOTS];
static uint64 slot_serial = 0;
static uint64 use_clock = 0;

/* Text inside a model must be valid in the database encoding. */
static void
CheckText(const char *s, uint32_t len, const char *what)
{
	if (!pg_verifymbstr(s, (int) len, true))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("invalid forest model: %s is not valid in the database encoding", what)));
}

static void
CheckModelText(const EnsModel *m)
{
	uint32_t	f,
				i;

	for (f = 0; f < m->n_features; f++)
	{
		const EnsFeature *F = &m->features[f];

		CheckText(F->name, F->name_len, "a feature name");
		if (F->kind == ENS_CATEGORICAL && !F->hashed)
			for (i = 0; i < F->n_bins; i++)
				CheckText(F->cats[i], F->cat_len[i], "a category");
	}
	for (i = 0; i < m->n_classes; i++)
		CheckText(m->classes[i], m->class_len[i], "a class label");
}

/* Parse a (possibly toasted) bytea into a model allocated in cxt. */
EnsModel *
ens_model_from_bytea(bytea *b, MemoryContext cxt)
{
	bytea	   *d = (bytea *) PG_DETOAST_DATUM_PACKED(PointerGetDatum(b));
	EnsPgAlloc	pa;
	EnsModel   *m;
	EnsStatus	rc;
	char		detail[256];

	ens_pg_alloc_init(&pa, cxt, false);
	rc = ens_deserialize((const uint8_t *) VARDATA_ANY(d), VARSIZE_ANY_EXHDR(d),
						 &pa.al, &m, detail, sizeof(detail));
	ens_pg_check(rc, "model", detail);
	CheckModelText(m);
	if ((Pointer) d != (Pointer) b)
		pfree(d);
	return m;
}

static void
NoSuchModel(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("model \"%s\" does not exist", name),
			 errhint("Train it with edupredict.train_forest() or check edupredict.models.")));
}

EnsCached *
ens_registry_get(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	int			ret,
				i,
				nslots = Min(edupredict_forest_cache_models, MAX_SLOTS);
	bool		isnull;
	int64		id,
				xmin;
	ItemPointerData ctid;
	EnsCached *slot = NULL;

	values[0] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args("SELECT m.id, m.xmin::text::bigint, m.ctid FROM edupredict.models m "
								"WHERE m.name = $1 ORDER BY m.deployed DESC, m.version DESC LIMIT 1",
								1, argtypes, values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "registry lookup failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
		NoSuchModel(name);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	xmin = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	ctid = *(ItemPointer) DatumGetPointer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));

	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].model && slots[i].id == id && slots[i].xmin == xmin &&
			ItemPointerEquals(&slots[i].ctid, &ctid))
		{
			slot = &slots[i];
			break;
		}
	if (slot == NULL)
	{
		Oid			idtype[1] = {INT8OID};
		Datum		idval[1];
		MemoryContext cxt;
		EnsModel *m;
		Datum		bd;

		idval[0] = Int64GetDatum(id);
		ret = SPI_execute_with_args("SELECT m.model FROM edupredict.models m WHERE m.id = $1",
									1, idtype, idval, NULL, true, 1);
		if (ret != SPI_OK_SELECT || SPI_processed != 1)
			NoSuchModel(name);
		bd = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("model \"%s\" has no model data", name)));
		/* parse under a transient parent; keep it only on success */
		cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict cached forest",
									ALLOCSET_DEFAULT_SIZES);
		m = ens_model_from_bytea((bytea *) DatumGetPointer(bd), cxt);

		/* choose a slot: empty, else the least recently used unpinned one */
		for (i = 0; i < nslots; i++)
			if (slots[i].model == NULL)
			{
				slot = &slots[i];
				break;
			}
		if (slot == NULL)
			for (i = 0; i < nslots; i++)
				if (slots[i].pins == 0 && (slot == NULL || slots[i].last_used < slot->last_used))
					slot = &slots[i];
		if (slot == NULL)
			for (i = nslots; i < MAX_SLOTS && slot == NULL; i++)
				if (slots[i].model == NULL)
					slot = &slots[i];
		if (slot == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many forest models in use at once")));
		/* unpinned slots beyond a lowered setting are dropped */
		for (i = nslots; i < MAX_SLOTS; i++)
			if (slots[i].model && slots[i].pins == 0 && &slots[i] != slot)
			{
				MemoryContextDelete(slots[i].cxt);
				slots[i].model = NULL;
				slots[i].serial = ++slot_serial;
			}
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
	slot->last_used = ++use_clock;
	SPI_finish();
	return slot;
}

/* ---------- per-call state ---------- */

typedef struct RegCall
{
	/* registry model */
	char	   *name;
	int			name_len;
	EnsCached *slot;
	uint64		serial;
	/* bytea model */
	MemoryContext bcxt;
	EnsModel *bmodel;
	char	   *bkey;			/* TOAST pointer, or the whole model */
	Size		bkey_len;
	bool		bkey_ondisk;
	/* row mapping */
	Oid			rectype;
	int32		rectypmod;
	uint64		map_serial;
	int			natts;
	TupleDesc	tupdesc;		/* copy, for deforming */
	int		   *attidx;			/* per model feature */
	Oid		   *attbase;
	Datum	   *values;
	bool	   *nulls;
	/* scratch */
	uint32_t	n_features;
	uint32_t	n_out;
	double	   *x;
	uint8_t    *xb;
	double	   *out;
} RegCall;

static RegCall *
GetCall(FunctionCallInfo fcinfo)
{
	RegCall    *rc = (RegCall *) fcinfo->flinfo->fn_extra;

	if (rc == NULL)
	{
		rc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RegCall));
		fcinfo->flinfo->fn_extra = rc;
	}
	return rc;
}

static void
EnsureScratch(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m)
{
	uint32_t	nout = m->task == ENS_CLASSIFICATION ? m->n_classes : 1;

	if (rc->n_features == m->n_features && rc->n_out == nout && rc->x)
		return;
	rc->x = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * m->n_features);
	rc->xb = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, m->n_features);
	rc->out = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * nout);
	rc->n_features = m->n_features;
	rc->n_out = nout;
}

static EnsModel *
RegistryModel(FunctionCallInfo fcinfo, RegCall *rc, text *name)
{
	int			len = VARSIZE_ANY_EXHDR(name);

	if (rc->slot && rc->slot->serial == rc->serial && rc->name_len == len &&
		memcmp(rc->name, VARDATA_ANY(name), len) == 0)
		return rc->slot->model;
	{
		char	   *cname = text_to_cstring(name);
		EnsCached *slot = ens_registry_get(cname);

		if (rc->name)
			pfree(rc->name);
		rc->name = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, cname);
		rc->name_len = len;
		rc->slot = slot;
		rc->serial = slot->serial;
		rc->map_serial = 0;
		EnsureScratch(fcinfo, rc, slot->model);
		return slot->model;
	}
}

/*
 * The parsed model of a bytea argument, cached per call site.  A value
 * stored out of line is known by its TOAST pointer (unique to the value);
 * any other value by its full contents, compared byte for byte against the
 * cached copy: a forged model that shares a length, a header and a checksum
 * with another must never be scored with the other's trees.
 */
static EnsModel *
ByteaModel(FunctionCallInfo fcinfo, RegCall *rc, int argno)
{
	Datum		raw = PG_GETARG_DATUM(argno);
	struct varlena *v = (struct varlena *) DatumGetPointer(raw);
	bool		ondisk = VARATT_IS_EXTERNAL_ONDISK(v);
	const char *key;
	Size		klen;
	bytea	   *d = NULL;

	if (ondisk)
	{
		key = (const char *) v;
		klen = VARSIZE_EXTERNAL(v);
	}
	else
	{
		d = (bytea *) PG_DETOAST_DATUM_PACKED(raw);
		key = VARDATA_ANY(d);
		klen = VARSIZE_ANY_EXHDR(d);
	}
	if (rc->bmodel && rc->bkey_ondisk == ondisk && rc->bkey_len == klen &&
		memcmp(rc->bkey, key, klen) == 0)
		return rc->bmodel;
	if (rc->bcxt)
		MemoryContextDelete(rc->bcxt);
	rc->bmodel = NULL;
	rc->bcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "edupredict bytea model",
									 ALLOCSET_DEFAULT_SIZES);
	rc->bmodel = ens_model_from_bytea(d ? d : (bytea *) v, rc->bcxt);
	rc->bkey = MemoryContextAllocHuge(rc->bcxt, Max(klen, 1));
	memcpy(rc->bkey, key, klen);
	rc->bkey_len = klen;
	rc->bkey_ondisk = ondisk;
	rc->map_serial = 0;
	EnsureScratch(fcinfo, rc, rc->bmodel);
	return rc->bmodel;
}

/* ---------- inputs ---------- */

static void
ArrayInput(RegCall *rc, const EnsModel *m, ArrayType *arr)
{
	int			n,
				i;
	Datum	   *el;
	bool	   *nl;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array")));
	n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	if (n != (int) m->n_features)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features has %d elements, the model expects %u", n, m->n_features)));
	if (!ARR_HASNULL(arr))
	{
		const double *src = (const double *) (((const char *) arr) + ARR_OVERHEAD_NONULLS(1));

		memcpy(rc->x, src, sizeof(double) * n);
	}
	else
	{
		deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &el, &nl, &n);
		for (i = 0; i < n; i++)
			rc->x[i] = nl[i] ? NAN : DatumGetFloat8(el[i]);
		pfree(el);
		pfree(nl);
	}
}

static void
RowInput(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m, HeapTupleHeader rec,
		 const char *model_name)
{
	Oid			tupType = HeapTupleHeaderGetTypeId(rec);
	int32		tupTypmod = HeapTupleHeaderGetTypMod(rec);
	HeapTupleData tuple;
	uint32_t	f;
	uint64		ms = rc->slot ? rc->serial : (uint64) (uintptr_t) m;

	if (rc->map_serial != ms || rc->rectype != tupType || rc->rectypmod != tupTypmod)
	{
		TupleDesc	td = lookup_rowtype_tupdesc(tupType, tupTypmod);
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		rc->natts = td->natts;
		rc->attidx = palloc(sizeof(int) * m->n_features);
		rc->attbase = palloc(sizeof(Oid) * m->n_features);
		rc->values = palloc(sizeof(Datum) * Max(td->natts, 1));
		rc->nulls = palloc(sizeof(bool) * Max(td->natts, 1));
		for (f = 0; f < m->n_features; f++)
		{
			int			i,
						found = -1;

			for (i = 0; i < td->natts; i++)
			{
				Form_pg_attribute att = TupleDescAttr(td, i);

				if (!att->attisdropped && strcmp(NameStr(att->attname), m->features[f].name) == 0)
				{
					found = i;
					break;
				}
			}
			if (found < 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("column \"%s\" needed by model \"%s\" is missing from the row",
								m->features[f].name, model_name)));
			rc->attidx[f] = found;
			rc->attbase[f] = getBaseType(TupleDescAttr(td, found)->atttypid);
			{
				int			k = ens_type_kind(rc->attbase[f]);

				if (m->features[f].kind == ENS_NUMERIC && k != ENS_NUMERIC)
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("column \"%s\" has type %s, but model \"%s\" uses it as a number",
									m->features[f].name, format_type_be(rc->attbase[f]), model_name)));
			}
		}
		rc->tupdesc = CreateTupleDescCopy(td);
		MemoryContextSwitchTo(old);
		ReleaseTupleDesc(td);
		rc->rectype = tupType;
		rc->rectypmod = tupTypmod;
		rc->map_serial = ms;
	}
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	heap_deform_tuple(&tuple, rc->tupdesc, rc->values, rc->nulls);
	for (f = 0; f < m->n_features; f++)
	{
		int			i = rc->attidx[f];

		if (rc->nulls[i])
			rc->x[f] = NAN;
		else if (m->features[f].kind == ENS_NUMERIC)
			rc->x[f] = ens_datum_to_double(rc->values[i], rc->attbase[f]);
		else
		{
			uint32_t	len;
			char	   *s = ens_datum_to_text(rc->values[i], rc->attbase[f], &len);
			int64_t		code = ens_category_code(&m->features[f], s, len);

			rc->x[f] = code >= 0 ? (double) code : NAN;
		}
	}
}

static void
Predict(RegCall *rc, const EnsModel *m)
{
	ens_bin_row(m, rc->x, rc->xb);
	ens_predict_binned(m, rc->xb, rc->out);
}

static Datum
LabelOrValue(const EnsModel *m, const double *out)
{
	if (m->task == ENS_CLASSIFICATION)
	{
		uint32_t	k = ens_argmax(out, m->n_classes);

		return PointerGetDatum(cstring_to_text_with_len(m->classes[k], m->class_len[k]));
	}
	return CStringGetTextDatum(float8out_internal(out[0]));
}

static Datum
ProbaArray(const EnsModel *m, const double *out, const char *what)
{
	Datum	   *d;
	uint32_t	k;

	if (m->task != ENS_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is a regression model", what),
				 errhint("Use predict() for regression models.")));
	d = palloc(sizeof(Datum) * m->n_classes);
	for (k = 0; k < m->n_classes; k++)
		d[k] = Float8GetDatum(out[k]);
	return PointerGetDatum(construct_array(d, m->n_classes, FLOAT8OID, 8, FLOAT8PASSBYVAL,
										   TYPALIGN_DOUBLE));
}

static char *
QuotedName(text *name)
{
	return text_to_cstring(name);
}

/* ---------- SQL functions ---------- */

PG_FUNCTION_INFO_V1(forest_predict_row);
Datum
forest_predict_row(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	text	   *name = PG_GETARG_TEXT_PP(0);
	EnsModel *m = RegistryModel(fcinfo, rc, name);

	RowInput(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	Predict(rc, m);
	PG_RETURN_DATUM(LabelOrValue(m, rc->out));
}

PG_FUNCTION_INFO_V1(forest_predict_array);
Datum
forest_predict_array(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0));

	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	PG_RETURN_DATUM(LabelOrValue(m, rc->out));
}

PG_FUNCTION_INFO_V1(forest_predict_proba_row);
Datum
forest_predict_proba_row(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0));

	if (m->task != ENS_CLASSIFICATION)
		ProbaArray(m, NULL, psprintf("model \"%s\"", rc->name));
	RowInput(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	Predict(rc, m);
	PG_RETURN_DATUM(ProbaArray(m, rc->out, NULL));
}

PG_FUNCTION_INFO_V1(forest_predict_proba_array);
Datum
forest_predict_proba_array(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0));

	if (m->task != ENS_CLASSIFICATION)
		ProbaArray(m, NULL, psprintf("model \"%s\"", rc->name));
	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	PG_RETURN_DATUM(ProbaArray(m, rc->out, NULL));
}

PG_FUNCTION_INFO_V1(forest_predict_proba_row_class);
Datum
forest_predict_proba_row_class(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0));
	text	   *cls = PG_GETARG_TEXT_PP(2);
	uint32_t	k;

	if (m->task != ENS_CLASSIFICATION)
		ProbaArray(m, NULL, psprintf("model \"%s\"", rc->name));
	for (k = 0; k < m->n_classes; k++)
		if (ens_bytes_cmp(m->classes[k], m->class_len[k], VARDATA_ANY(cls),
							 VARSIZE_ANY_EXHDR(cls)) == 0)
			break;
	if (k == m->n_classes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" has no class \"%s\"", rc->name, text_to_cstring(cls)),
				 errhint("edupredict.model_classes('%s') lists the classes.", rc->name)));
	RowInput(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	Predict(rc, m);
	PG_RETURN_FLOAT8(rc->out[k]);
}

PG_FUNCTION_INFO_V1(forest_model_classes);
Datum
forest_model_classes(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0));
	Datum	   *d;
	uint32_t	k;

	if (m->task != ENS_CLASSIFICATION)
		PG_RETURN_NULL();
	d = palloc(sizeof(Datum) * m->n_classes);
	for (k = 0; k < m->n_classes; k++)
		d[k] = PointerGetDatum(cstring_to_text_with_len(m->classes[k], m->class_len[k]));
	PG_RETURN_ARRAYTYPE_P(construct_array(d, m->n_classes, TEXTOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(forest_feature_importance);
Datum
forest_feature_importance(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = QuotedName(PG_GETARG_TEXT_PP(0));
	EnsCached *slot;
	EnsModel *m;
	uint32_t	f;
	uint32_t   *ord;

	InitMaterializedSRF(fcinfo, 0);
	slot = ens_registry_get(name);
	m = slot->model;
	ord = palloc(sizeof(uint32_t) * m->n_features);
	for (f = 0; f < m->n_features; f++)
		ord[f] = f;
	/* by importance, descending; ties by position */
	for (f = 1; f < m->n_features; f++)
	{
		uint32_t	o = ord[f],
					j = f;

		while (j > 0 && m->importance[ord[j - 1]] < m->importance[o])
		{
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = o;
	}
	for (f = 0; f < m->n_features; f++)
	{
		Datum		v[2];
		bool		n[2] = {false, false};
		const EnsFeature *F = &m->features[ord[f]];

		v[0] = PointerGetDatum(cstring_to_text_with_len(F->name, F->name_len));
		v[1] = Float8GetDatum(m->importance[ord[f]]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(forest_predict_bytea);
Datum
forest_predict_bytea(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = ByteaModel(fcinfo, rc, 0);

	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	PG_RETURN_DATUM(LabelOrValue(m, rc->out));
}

PG_FUNCTION_INFO_V1(forest_predict_proba_bytea);
Datum
forest_predict_proba_bytea(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel *m = ByteaModel(fcinfo, rc, 0);

	if (m->task != ENS_CLASSIFICATION)
		ProbaArray(m, NULL, "the model");
	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	PG_RETURN_DATUM(ProbaArray(m, rc->out, "the model"));
}
