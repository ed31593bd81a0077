/*
 * model_guard.c - the registry rows' guard trigger (edupredict._models_guard).
 *
 * The server, not the caller, sets owner, created_by, created_at and
 * deployed of a new row, takes the id from the sequence and records the
 * version with the model's name; identity columns never change, and for a
 * non-superuser no column but deployed does (a version stays what was
 * trained, see CheckImmutable).  It is C,
 * not PL/pgSQL, because PL/pgSQL copies NEW (model bytes included) into a
 * record and back: a second copy of every model at the peak of training.
 * Here the row is returned as it came unless a value must change, so an
 * insert that already holds the right values (train_*, calibrate, ...)
 * costs no copy.  Runs as the caller; the SQL it runs qualifies every name.
 *
 * The columns that describe the model (algorithm, task, features, classes)
 * follow its bytes on INSERT and on an UPDATE of any of them (a row stored
 * by hand, e.g. forest_agg's output, must not claim another model): see
 * DescribeModel.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "edupredict.h"
#include "model_train.h"

/* the columns the guard reads or writes */
enum
{
	G_ID, G_NAME, G_VERSION, G_OWNER, G_CREATED_BY, G_CREATED_AT, G_DEPLOYED,
	G_ALGORITHM, G_TASK, G_FEATURES, G_CLASSES, G_MODEL, G_N
};
#define G_IDENTITY G_ALGORITHM	/* columns before it: the row's identity */
static const char *const g_cols[G_N] = {
	"id", "name", "version", "owner", "created_by", "created_at", "deployed",
	"algorithm", "task", "features", "classes", "model"
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
		struct varlena *x;
		struct varlena *y;

		/* the same stored value (an UPDATE of other columns): no need to read it */
		if (VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(a)) && VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(b)) &&
			VARSIZE_EXTERNAL(DatumGetPointer(a)) == VARSIZE_EXTERNAL(DatumGetPointer(b)) &&
			memcmp(DatumGetPointer(a), DatumGetPointer(b), VARSIZE_EXTERNAL(DatumGetPointer(a))) == 0)
			return true;
		x = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(a));
		y = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(b));

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

/* the i-th label: a feature name or a class */
static void
Label(const EnsModel *m, bool feature, uint32_t i, const char **s, uint32_t *len)
{
	if (feature)
	{
		*s = m->features[i].name;
		*len = m->features[i].name_len;
	}
	else
	{
		*s = m->classes[i];
		*len = m->class_len[i];
	}
}

/* whether the n feature names or classes are valid in the database encoding */
static bool
LabelsValid(const EnsModel *m, bool feature, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < n; i++)
	{
		const char *s;
		uint32_t	len;

		Label(m, feature, i, &s, &len);
		if (!pg_verifymbstr(s, (int) len, true))
			return false;
	}
	return true;
}

/* "a, b, c" of the first feature names (column names), for a message */
static char *
FeatureList(const EnsModel *m, uint32_t n)
{
	StringInfoData buf;
	uint32_t	i;

	initStringInfo(&buf);
	for (i = 0; i < n && i < 10; i++)
	{
		const char *s;
		uint32_t	len;

		Label(m, true, i, &s, &len);
		/* cut at a character, never inside one (valid labels hold no NUL) */
		appendStringInfo(&buf, "%s%s", i ? ", " : "", ens_name_for_message(pnstrdup(s, len)));
	}
	if (n > 10)
		appendStringInfo(&buf, ", ... (%u in all)", n);
	return buf.data;
}

/* a text[] of the model's feature names or classes */
static Datum
LabelArray(const EnsModel *m, bool feature, uint32_t n)
{
	const char **s;
	uint32_t   *len;
	uint32_t	i;

	if (!feature)
		return ens_text_array(m->classes, m->class_len, n);
	s = palloc(sizeof(char *) * Max(n, 1));
	len = palloc(sizeof(uint32_t) * Max(n, 1));
	for (i = 0; i < n; i++)
		Label(m, true, i, &s[i], &len[i]);
	return ens_text_array(s, len, n);
}

/* whether a text[] holds exactly the model's feature names or classes */
static bool
SameLabels(Datum arr, const EnsModel *m, bool feature, uint32_t n)
{
	ArrayType  *a = DatumGetArrayTypeP(arr);
	Datum	   *d;
	bool	   *nulls;
	int			cnt,
				i;

	if (ARR_NDIM(a) > 1)
		return false;
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &d, &nulls, &cnt);
	if (cnt != (int) n)
		return false;
	for (i = 0; i < cnt; i++)
	{
		const char *s;
		uint32_t	len;
		text	   *t;

		if (nulls[i])
			return false;
		t = DatumGetTextPP(d[i]);
		Label(m, feature, (uint32_t) i, &s, &len);
		if (VARSIZE_ANY_EXHDR(t) != len || memcmp(VARDATA_ANY(t), s, len) != 0)
			return false;
	}
	return true;
}

/* what the model bytes say that a registry column contradicts */
typedef enum GuardFact
{
	GUARD_CLASSIFICATION,		/* task: a classification model */
	GUARD_REGRESSION,			/* task: a regression model */
	GUARD_FEATURES,				/* features: the list in the bytes */
	GUARD_NO_CLASSES			/* classes: a regression model has none */
} GuardFact;

/* the detail for fact, a literal per case (translatable) */
static int
GuardFactDetail(GuardFact fact, const char *features)
{
	switch (fact)
	{
		case GUARD_CLASSIFICATION:
			return errdetail("The model bytes say it is a classification model.");
		case GUARD_REGRESSION:
			return errdetail("The model bytes say it is a regression model.");
		case GUARD_FEATURES:
			return errdetail("The model bytes say the features are %s (forest_agg: its feature_names, default f1..fp).",
							 features);
		case GUARD_NO_CLASSES:
			return errdetail("The model bytes say it is a regression model, which has no classes.");
	}
	return 0;
}

/* features: FeatureList of the model, for GUARD_FEATURES; NULL otherwise */
static void
Contradicts(const char *col, GuardFact fact, const char *features)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("column %s of the registry row does not match its model", col),
			 GuardFactDetail(fact, features),
			 errhint("Leave task, features and classes out of the INSERT (or set them to NULL): the registry takes them from the model.")));
}

/*
 * Derive algorithm, task, features and classes from the model bytes into
 * want/wnull (which start as the row's values).  A NULL task, features or
 * classes is filled in; one that contradicts the bytes is refused (22023).
 * A regression model's classes are NULL, as training stores them ('{}' too).
 * algorithm always follows the bytes: its column default ('forest') cannot be
 * told from a choice.  Bytes that do not parse, or whose names are not valid
 * in the database encoding, are left as they are: every reader refuses them.
 */
static void
DescribeModel(const GuardRow *n, Datum *want, bool *wnull)
{
	MemoryContext cxt,
				old;
	bytea	   *b;
	EnsPgAlloc	pa;
	EnsModel   *m = NULL;
	EnsStatus	rc;
	bool		cls;
	uint32_t	K;

	if (n->isnull[G_MODEL])
		return;					/* the NOT NULL constraint says so */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict registry guard",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	b = (bytea *) PG_DETOAST_DATUM_PACKED(n->v[G_MODEL]);
	ens_pg_alloc_init(&pa, cxt, false);
	rc = ens_deserialize((const uint8_t *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b),
						 &pa.al, &m, NULL);
	MemoryContextSwitchTo(old);
	if (rc != ENS_OK || !LabelsValid(m, true, m->n_features) ||
		!LabelsValid(m, false, m->task == ENS_CLASSIFICATION ? m->n_classes : 0))
	{
		MemoryContextDelete(cxt);
		return;
	}
	cls = m->task == ENS_CLASSIFICATION;
	K = cls ? m->n_classes : 0;

	want[G_ALGORITHM] = CStringGetTextDatum(ens_learner_of(m)->algorithm);
	wnull[G_ALGORITHM] = false;

	if (n->isnull[G_TASK])
	{
		want[G_TASK] = CStringGetTextDatum(cls ? "classification" : "regression");
		wnull[G_TASK] = false;
	}
	else if (strcmp(TextDatumGetCString(n->v[G_TASK]), cls ? "classification" : "regression") != 0)
		Contradicts("task", cls ? GUARD_CLASSIFICATION : GUARD_REGRESSION, NULL);

	if (n->isnull[G_FEATURES])
	{
		want[G_FEATURES] = LabelArray(m, true, m->n_features);
		wnull[G_FEATURES] = false;
	}
	else if (!SameLabels(n->v[G_FEATURES], m, true, m->n_features))
		Contradicts("features", GUARD_FEATURES, FeatureList(m, m->n_features));

	if (!cls)
	{
		ArrayType  *a = n->isnull[G_CLASSES] ? NULL : DatumGetArrayTypeP(n->v[G_CLASSES]);

		if (a && ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)) > 0)
			Contradicts("classes", GUARD_NO_CLASSES, NULL);
		/* an empty array declares none: stored as NULL, as training stores it */
		want[G_CLASSES] = (Datum) 0;
		wnull[G_CLASSES] = true;
	}
	else if (n->isnull[G_CLASSES])
	{
		want[G_CLASSES] = LabelArray(m, false, K);
		wnull[G_CLASSES] = false;
	}
	else if (!SameLabels(n->v[G_CLASSES], m, false, K))
		/* the labels are values of the training rows: counted, not shown */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("column %s of the registry row does not match its model", "classes"),
				 errdetail_plural("The model bytes hold %u class, and the column must list its label; messages do not show class labels, which are values of the training rows.",
								  "The model bytes hold %u classes, and the column must list their labels in the model's order; messages do not show class labels, which are values of the training rows.",
								  K, K),
				 errhint("Leave task, features and classes out of the INSERT (or set them to NULL): the registry takes them from the model.")));
	MemoryContextDelete(cxt);
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

/* tup with the columns of want that differ from r's values replaced */
static HeapTuple
Replace(HeapTuple tup, TupleDesc desc, const GuardRow *r, const Datum *want,
		const bool *wnull, int from)
{
	int			cols[G_N];
	Datum		vals[G_N];
	bool		nulls[G_N];
	int			c,
				nrepl = 0;

	/* a new tuple (a copy of the model) only when a value differs */
	for (c = from; c < G_N; c++)
		if (!SameValue(want[c], wnull[c], r->v[c], r->isnull[c],
					   TupleDescAttr(desc, r->attnum[c] - 1)))
		{
			cols[nrepl] = r->attnum[c];
			vals[nrepl] = want[c];
			nulls[nrepl] = wnull[c];
			nrepl++;
		}
	if (nrepl == 0)
		return tup;
	return heap_modify_tuple_by_cols(tup, desc, nrepl, cols, vals, nulls);
}

/*
 * A stored version is what was trained: for a non-superuser every column but
 * deployed keeps its value (tune's if_better compares stored scores, audits
 * rely on the bytes), even with UPDATE granted on every column.
 */
static void
CheckImmutable(TriggerData *td, TupleDesc desc, int deployed)
{
	int			a;

	for (a = 1; a <= desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a - 1);
		Datum		nv,
					ov;
		bool		nn,
					on;

		if (att->attisdropped || a == deployed)
			continue;
		nv = heap_getattr(td->tg_newtuple, a, desc, &nn);
		ov = heap_getattr(td->tg_trigtuple, a, desc, &on);
		if (!SameValue(nv, nn, ov, on, att))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("registry versions are immutable: column %s of a stored version cannot change",
							NameStr(att->attname)),
					 errdetail("Only deployed may change, so that a version number always names the model, parameters and metrics that were trained."),
					 errhint("Store the changed model as a new version: train it again, or INSERT the row with version left out.")));
	}
}

static HeapTuple
GuardUpdate(TriggerData *td, TupleDesc desc)
{
	GuardRow	n,
				o;
	Datum		want[G_N];
	bool		wnull[G_N];
	int			c;
	bool		described = true;

	ReadRow(td->tg_newtuple, desc, &n);
	ReadRow(td->tg_trigtuple, desc, &o);
	if (!superuser())
	{
		for (c = 0; c < G_IDENTITY; c++)
			if (c != G_DEPLOYED && !SameColumn(&n, &o, c, desc))
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("the id, name, version, owner and creator of a registry row cannot change"),
						 errhint("Train a new version instead.")));
		CheckImmutable(td, desc, n.attnum[G_DEPLOYED]);
	}
	/* new bytes, or a new description of them: the row must still describe its model */
	for (c = G_IDENTITY; c < G_N; c++)
		if (!SameColumn(&n, &o, c, desc))
			described = false;
	if (described)
		return td->tg_newtuple;
	memcpy(want, n.v, sizeof(want));
	memcpy(wnull, n.isnull, sizeof(wnull));
	DescribeModel(&n, want, wnull);
	return Replace(td->tg_newtuple, desc, &n, want, wnull, G_IDENTITY);
}

static HeapTuple
GuardInsert(TriggerData *td, TupleDesc desc)
{
	GuardRow	n;
	Datum		want[G_N];
	bool		wnull[G_N];
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
	/*
	 * Numbers are never reused nor skipped: only the registry's own insert
	 * (its version reserved before training) and superusers (a restore)
	 * choose one; anyone else gets the next, and may name only that.
	 */
	if (n.isnull[G_VERSION] || (!superuser() && !ens_guard_own_insert))
	{
		int32		next = Reserve(n.v[G_NAME]);

		if (!n.isnull[G_VERSION] && DatumGetInt32(n.v[G_VERSION]) != next)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("version %d is not the next version of model \"%s\"",
							DatumGetInt32(n.v[G_VERSION]), TextDatumGetCString(n.v[G_NAME])),
					 errdetail("The registry gives each new version the next number, %d; a number is never reused while the name exists, even after its version was dropped.",
							   next),
					 errhint("Leave version out of the INSERT: the registry assigns it.")));
		want[G_VERSION] = Int32GetDatum(next);
		wnull[G_VERSION] = false;
	}
	owner = RecordVersion(n.v[G_NAME], DatumGetInt32(want[G_VERSION]));
	SPI_finish();
	want[G_OWNER] = ObjectIdGetDatum(owner);
	wnull[G_OWNER] = !OidIsValid(owner);
	/* a training's own row describes the model it just wrote: no second parse of a large model */
	if (!ens_guard_own_insert)
		DescribeModel(&n, want, wnull);
	return Replace(td->tg_trigtuple, desc, &n, want, wnull, 0);
}

/* set by the trainer around its own INSERT (model_train.c) */
bool		ens_guard_own_insert = false;

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
