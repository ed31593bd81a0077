/*
 * model_predict.c - predict(), predict_proba(), model_classes() and
 * feature_importance() for registry models (by name, optionally a version)
 * and for model bytes.
 *
 * Each call site (one FmgrInfo, i.e. fn_extra) looks a name up once per
 * statement, and again whenever the role or the snapshot changes under a
 * call site that outlives its statement (model_registry.c), and keeps the
 * row-to-feature mapping and scratch for every row; a bytea model is parsed
 * once per distinct value.
 * The 0.1.0 entry points (forest_*) take no version; the 0.2.0 ones
 * (model_*) take one, NULL meaning the deployed, else the newest version.
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
#include "model_call.h"
#include "model_outputs.h"

/* ---------- per-call state (RegCall: model_call.h) ---------- */

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
RegistryModel(FunctionCallInfo fcinfo, RegCall *rc, text *name, int32 version)
{
	int			len;

	if (rc->arg_kind == 0)
		rc->arg_kind = ens_ref_arg(fcinfo) ? 2 : 1;
	if (rc->arg_kind == 2)
	{
		EnsModel   *m = ens_ref_model(fcinfo, rc);

		EnsureScratch(fcinfo, rc, m);
		return m;
	}
	len = VARSIZE_ANY_EXHDR(name);
	if (rc->slot && rc->slot->serial == rc->serial && rc->name_len == len &&
		rc->version == version && memcmp(rc->name, VARDATA_ANY(name), len) == 0 &&
		ens_lookup_key_holds(&rc->lookup))
		return rc->slot->model;
	{
		char	   *cname = text_to_cstring(name);
		EnsLookupKey key;
		EnsCached  *slot;

		/* a failed lookup (caught by the caller) must leave nothing to reuse */
		rc->slot = NULL;
		ens_lookup_key_take(&key);
		slot = ens_registry_get(cname, version);

		if (rc->name)
			pfree(rc->name);
		rc->name = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, cname);
		rc->name_len = len;
		rc->version = version;
		rc->slot = slot;
		rc->serial = slot->serial;
		rc->lookup = key;
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

				if (att->attisdropped || strcmp(NameStr(att->attname), m->features[f].name) != 0)
					continue;
				/* a join's two x1 columns: neither is the feature */
				if (found >= 0)
					ereport(ERROR,
							(errcode(ERRCODE_AMBIGUOUS_COLUMN),
							 errmsg("column \"%s\" appears twice in the row", m->features[f].name),
							 errdetail("Model \"%s\" reads its features from the row by column name.",
									   model_name),
							 errhint("Give the columns distinct names, for example with AS in the query that builds the row.")));
				found = i;
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
		/* a version with a chosen threshold labels by it (choose_threshold) */
		uint32_t	k = m->ext && m->ext->has_threshold ?
			ens_threshold_label(out, m->n_classes, m->ext->thr_class, m->ext->threshold) :
			ens_argmax(out, m->n_classes);

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

/* ---------- SQL functions ---------- */

/* the version argument of the 0.2.0 entry points: NULL is "deployed, else newest" */
static int32
VersionArg(FunctionCallInfo fcinfo, int argno)
{
	int32		v;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return 0;
	v = PG_GETARG_INT32(argno);
	if (v <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("version must be positive, or NULL for the deployed version")));
	return v;
}

/*
 * A decision threshold argument (argno < 0, absent or NULL: none), checked
 * against the model before any row is read: *cls is the class it labels, the
 * version's chosen one (choose_threshold), else the second of two.
 */
static bool
ThresholdArg(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m, int argno,
			 double *t, uint32_t *cls)
{
	if (m->task != ENS_CLASSIFICATION && argno >= 0 && PG_NARGS() > argno && !PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a regression model: thresholds are for classes", rc->name)));
	if (argno < 0 || PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return false;
	*t = PG_GETARG_FLOAT8(argno);
	*cls = 1;
	if (m->ext && m->ext->has_threshold)
		*cls = m->ext->thr_class;
	else if (m->n_classes > 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" has %u classes and no chosen threshold class", rc->name,
						m->n_classes),
				 errhint("edupredict.choose_threshold() writes a version with one; its threshold can then be overridden here.")));
	if (!(*t >= 0 && *t <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must be between 0 and 1")));
	return true;
}

/* predict() of a row or an array: the label under a threshold when one is given */
static Datum
PredictInput(FunctionCallInfo fcinfo, int32 version, int a_thr, bool row)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0), version);
	double		t;
	uint32_t	c;
	bool		thr = ThresholdArg(fcinfo, rc, m, a_thr, &t, &c);

	if (row)
		RowInput(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	else
		ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	if (thr)
		PG_RETURN_TEXT_P(ens_class_text(m, ens_threshold_label(rc->out, m->n_classes, c, t)));
	return LabelOrValue(m, rc->out);
}

static EnsModel *
ClassificationModel(FunctionCallInfo fcinfo, RegCall *rc, int32 version)
{
	EnsModel   *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0), version);

	if (m->task != ENS_CLASSIFICATION)
		ProbaArray(m, NULL, psprintf("model \"%s\"", rc->name));
	return m;
}

static Datum
ProbaRow(FunctionCallInfo fcinfo, int32 version)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = ClassificationModel(fcinfo, rc, version);

	RowInput(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	Predict(rc, m);
	return ProbaArray(m, rc->out, NULL);
}

static Datum
ProbaArrayInput(FunctionCallInfo fcinfo, int32 version)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = ClassificationModel(fcinfo, rc, version);

	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	return ProbaArray(m, rc->out, NULL);
}

static Datum
ProbaRowClass(FunctionCallInfo fcinfo, int32 version)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = ClassificationModel(fcinfo, rc, version);
	text	   *cls = PG_GETARG_TEXT_PP(2);
	uint32_t	k;

	for (k = 0; k < m->n_classes; k++)
		if (ens_bytes_cmp(m->classes[k], m->class_len[k], VARDATA_ANY(cls),
						  VARSIZE_ANY_EXHDR(cls)) == 0)
			break;
	if (k == m->n_classes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" has no class \"%s\"", rc->name, ens_name_for_message(text_to_cstring(cls))),
				 errhint("edupredict.model_classes(%s) lists the classes.",
						 ens_model_args_sql(rc->name, ens_call_model_version(rc)))));
	RowInput(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	Predict(rc, m);
	return Float8GetDatum(rc->out[k]);
}

static Datum
ModelClasses(FunctionCallInfo fcinfo, int32 version, bool *isnull)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = RegistryModel(fcinfo, rc, PG_GETARG_TEXT_PP(0), version);

	*isnull = m->task != ENS_CLASSIFICATION;
	if (*isnull)
		return (Datum) 0;
	return ens_text_array(m->classes, m->class_len, m->n_classes);
}

/*
 * Importance per feature, most important first (ties by position): the
 * stored importance (impurity decrease for forests, gain for boosting) and,
 * when the result has a third column, the number of splits on the feature.
 */
static void
FeatureImportance(FunctionCallInfo fcinfo, int32 version)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	EnsModel   *m;
	uint32_t	f,
				i;
	uint32_t   *ord;
	int64	   *splits;

	InitMaterializedSRF(fcinfo, 0);
	m = ens_registry_get(name, version)->model;
	ord = palloc(sizeof(uint32_t) * m->n_features);
	splits = palloc0(sizeof(int64) * m->n_features);
	for (i = 0; i < m->n_nodes; i++)
		if (!(m->nodes[i].flags & FN_LEAF))
			splits[m->nodes[i].feature]++;
	for (f = 0; f < m->n_features; f++)
		ord[f] = f;
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
		Datum		v[3];
		bool		n[3] = {false, false, false};
		const EnsFeature *F = &m->features[ord[f]];

		v[0] = PointerGetDatum(cstring_to_text_with_len(F->name, F->name_len));
		v[1] = Float8GetDatum(m->importance[ord[f]]);
		v[2] = Int64GetDatum(splits[ord[f]]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
}

/* 0.1.0 entry points (STRICT, no version) */

PG_FUNCTION_INFO_V1(forest_predict_row);
Datum
forest_predict_row(PG_FUNCTION_ARGS)
{
	return PredictInput(fcinfo, 0, -1, true);
}

PG_FUNCTION_INFO_V1(forest_predict_array);
Datum
forest_predict_array(PG_FUNCTION_ARGS)
{
	return PredictInput(fcinfo, 0, -1, false);
}

PG_FUNCTION_INFO_V1(forest_predict_proba_row);
Datum
forest_predict_proba_row(PG_FUNCTION_ARGS)
{
	return ProbaRow(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(forest_predict_proba_array);
Datum
forest_predict_proba_array(PG_FUNCTION_ARGS)
{
	return ProbaArrayInput(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(forest_predict_proba_row_class);
Datum
forest_predict_proba_row_class(PG_FUNCTION_ARGS)
{
	return ProbaRowClass(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(forest_model_classes);
Datum
forest_model_classes(PG_FUNCTION_ARGS)
{
	bool		isnull;
	Datum		d = ModelClasses(fcinfo, 0, &isnull);

	if (isnull)
		PG_RETURN_NULL();
	return d;
}

PG_FUNCTION_INFO_V1(forest_feature_importance);
Datum
forest_feature_importance(PG_FUNCTION_ARGS)
{
	FeatureImportance(fcinfo, 0);
	return (Datum) 0;
}

/*
 * 0.2.0 entry points: the same with a version argument (and predict() a
 * threshold after it); not STRICT, since a NULL version means the deployed
 * one and a NULL threshold none (any other NULL gives NULL).
 */
#define NULL_UNLESS(n) \
	do { int i_; for (i_ = 0; i_ < (n); i_++) if (PG_ARGISNULL(i_)) PG_RETURN_NULL(); } while (0)

PG_FUNCTION_INFO_V1(model_predict_row);
Datum
model_predict_row(PG_FUNCTION_ARGS)
{
	NULL_UNLESS(2);
	return PredictInput(fcinfo, VersionArg(fcinfo, 2), 3, true);
}

PG_FUNCTION_INFO_V1(model_predict_array);
Datum
model_predict_array(PG_FUNCTION_ARGS)
{
	NULL_UNLESS(2);
	return PredictInput(fcinfo, VersionArg(fcinfo, 2), 3, false);
}

PG_FUNCTION_INFO_V1(model_predict_proba_row);
Datum
model_predict_proba_row(PG_FUNCTION_ARGS)
{
	NULL_UNLESS(2);
	return ProbaRow(fcinfo, VersionArg(fcinfo, 2));
}

PG_FUNCTION_INFO_V1(model_predict_proba_array);
Datum
model_predict_proba_array(PG_FUNCTION_ARGS)
{
	NULL_UNLESS(2);
	return ProbaArrayInput(fcinfo, VersionArg(fcinfo, 2));
}

PG_FUNCTION_INFO_V1(model_predict_proba_row_class);
Datum
model_predict_proba_row_class(PG_FUNCTION_ARGS)
{
	NULL_UNLESS(3);
	return ProbaRowClass(fcinfo, VersionArg(fcinfo, 3));
}

PG_FUNCTION_INFO_V1(model_model_classes);
Datum
model_model_classes(PG_FUNCTION_ARGS)
{
	bool		isnull;
	Datum		d;

	NULL_UNLESS(1);
	d = ModelClasses(fcinfo, VersionArg(fcinfo, 1), &isnull);
	if (isnull)
		PG_RETURN_NULL();
	return d;
}

PG_FUNCTION_INFO_V1(model_feature_importance);
Datum
model_feature_importance(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
	{
		InitMaterializedSRF(fcinfo, 0);		/* no rows */
		return (Datum) 0;
	}
	FeatureImportance(fcinfo, VersionArg(fcinfo, 1));
	return (Datum) 0;
}

/* model bytes */

PG_FUNCTION_INFO_V1(forest_predict_bytea);
Datum
forest_predict_bytea(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = ByteaModel(fcinfo, rc, 0);

	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	PG_RETURN_DATUM(LabelOrValue(m, rc->out));
}

PG_FUNCTION_INFO_V1(forest_predict_proba_bytea);
Datum
forest_predict_proba_bytea(PG_FUNCTION_ARGS)
{
	RegCall    *rc = GetCall(fcinfo);
	EnsModel   *m = ByteaModel(fcinfo, rc, 0);

	if (m->task != ENS_CLASSIFICATION)
		ProbaArray(m, NULL, "the model");
	ArrayInput(rc, m, PG_GETARG_ARRAYTYPE_P(1));
	Predict(rc, m);
	PG_RETURN_DATUM(ProbaArray(m, rc->out, "the model"));
}

/* ---------- for the other entry points on the same inputs (model_call.h) ---------- */

RegCall *
ens_call_get(FunctionCallInfo fcinfo)
{
	return GetCall(fcinfo);
}

EnsModel *
ens_call_registry_model(FunctionCallInfo fcinfo, RegCall *rc, text *name, int32 version)
{
	return RegistryModel(fcinfo, rc, name, version);
}

EnsModel *
ens_call_bytea_model(FunctionCallInfo fcinfo, RegCall *rc, int argno)
{
	return ByteaModel(fcinfo, rc, argno);
}

void
ens_call_row_input(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m,
				   HeapTupleHeader rec, const char *model_name)
{
	RowInput(fcinfo, rc, m, rec, model_name);
}

void
ens_call_array_input(RegCall *rc, const EnsModel *m, ArrayType *arr)
{
	ArrayInput(rc, m, arr);
}

int32
ens_call_model_version(const RegCall *rc)
{
	return rc->slot ? rc->slot->version : 0;
}

int32
ens_call_version_arg(FunctionCallInfo fcinfo, int argno)
{
	return VersionArg(fcinfo, argno);
}

bool
ens_call_threshold_arg(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m, int argno,
					   double *t, uint32_t *cls)
{
	return ThresholdArg(fcinfo, rc, m, argno, t, cls);
}
