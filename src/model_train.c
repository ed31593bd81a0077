/*
 * model_train.c - train_<algorithm>(model_name, relation, target, ...): the
 * pipeline every learner shares.  It reads the relation once with SPI into
 * a training set, hands the prepared bins to the learner, scores the
 * held-out rows and inserts a new version into edupredict.models.
 *
 * Identifiers in the generated query are quoted; the relation stays locked
 * from inspection to the end of the transaction (model_relation.c).  The
 * registry row is inserted only after training and evaluation succeeded, in
 * the caller's transaction, so an error or a cancel leaves it unchanged.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/executor.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "model_registry_sql.h"
#include "model_runs.h"
#include "model_train.h"

/* Arguments every train_* function has, whatever the learner. */
typedef struct CommonArgs
{
	char	   *model_name;
	Oid			relid;
	char	   *target;
	ArrayType  *features;
	char	   *task;
	double		test_fraction;
	int64		seed;
	bool		keep_category_names;
	char	   *group_by;		/* NULL: rows split one by one */
} CommonArgs;

/* a bad argument value: 22023, the errmsg (and errhint) written at the call */
#define BadArg(...) \
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), __VA_ARGS__))

/* a required argument is NULL: 22004, as the other functions say it */
static void
NullArg(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not be NULL", name)));
}

/* why, its object's entry (if any) clipped for a message */
static EnsParamWhy
QuotedWhy(const EnsParamWhy *why)
{
	EnsParamWhy w = *why;

	if (w.entry != NULL)
		w.entry = ens_name_for_message(w.entry);
	return w;
}

/*
 * Report a value a learner's validator refused (r != ENS_PARAM_OK): one
 * case per id of ENS_PARAM_WHYS (ensemble_params.h), each with its literal
 * text as the errmsg format and the figures the text takes.
 */
void
ens_param_error(const char *context, const char *key, EnsParamResult r, const EnsParamWhy *why)
{
	int			code = r == ENS_PARAM_LIMIT ? ERRCODE_PROGRAM_LIMIT_EXCEEDED :
		ERRCODE_INVALID_PARAMETER_VALUE;
	EnsParamWhy w = QuotedWhy(why);

#define PARAM_ERROR(id, figures, text) \
	case id: \
		ereport(ERROR, (errcode(code), \
						errmsg(text, context, key ENS_PARAM_FIGURES##figures(&w)))); \
		break;

	switch (why->id)
	{
			ENS_PARAM_WHYS(PARAM_ERROR)
		default:
			break;
	}
#undef PARAM_ERROR
	elog(ERROR, "validator refused %s%s without a reason (%d)", context, key, (int) why->id);
}

/* ens_param_error's message as text, translated, for a caller that returns it. */
char *
ens_param_text(const char *context, const char *key, const EnsParamWhy *why)
{
	EnsParamWhy w = QuotedWhy(why);

#define PARAM_TEXT(id, figures, text) \
	case id: \
		return psprintf(_(text), context, key ENS_PARAM_FIGURES##figures(&w));

	switch (why->id)
	{
			ENS_PARAM_WHYS(PARAM_TEXT)
		default:
			break;
	}
#undef PARAM_TEXT
	elog(ERROR, "validator refused %s%s without a reason (%d)", context, key, (int) why->id);
	return NULL;
}

/* Set one learner parameter through the learner's one validator. */
void
ens_learner_set(const EnsLearner *l, void *params, const char *key, const EnsValue *v,
				const char *context)
{
	EnsParamWhy why;
	EnsParamResult r = l->set(params, key, v, &why);

	if (r == ENS_PARAM_UNKNOWN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown %s parameter \"%s\"", l->algorithm, key),
				 errhint("Valid keys: %s.", l->param_names)));
	if (r != ENS_PARAM_OK)
		ens_param_error(context, key, r, &why);
}

/*
 * The class of ts a label of class_weight's object names: a label that is
 * no class is refused, named as the caller takes it (context: "" for an
 * argument, "params." for a params jsonb as ens_param_error's, "space."
 * for tune's space).
 */
uint32
ens_class_weight_class(const char *label, const EnsTrainSet *ts, const char *context)
{
	uint32		k;

	for (k = 0; k < ts->K && strcmp(label, ts->class_s[k]) != 0; k++)
		;
	if (k == ts->K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sclass_weight names \"%s\", which is not a class of the training rows",
						context, ens_name_for_message(label)),
				 errhint("Name classes as the target column holds them (edupredict.model_classes lists a trained model's); the training rows' values are not shown.")));
	return k;
}

/*
 * class_weight's object resolved to the training set's classes: a class not
 * named weighs 1, a label that is no class is refused
 * (ens_class_weight_class).  A regression refuses class_weight, 'balanced'
 * or an object (ens_class_weight_check, both learners' one check): here
 * for 'auto', which the rows resolve; an explicit 'regression' was refused
 * before any row was read (the learners' check()).
 */
void
ens_class_weight_resolve(EnsClassWeight *cw, const EnsTrainSet *ts)
{
	const char *context = ts->settings_in_params ? "params." : "";
	double	   *w;
	uint32		i,
				k;
	EnsError	err;

	if (ens_class_weight_check(cw, ts->task, &err) != ENS_OK)
		ens_pg_raise_error(&err);
	if (cw->n == 0)
		return;
	w = palloc(sizeof(double) * ts->K);
	for (k = 0; k < ts->K; k++)
		w[k] = 1.0;
	for (i = 0; i < cw->n; i++)
		w[ens_class_weight_class(cw->labels[i], ts, context)] = cw->weights[i];
	cw->per_class = w;
}

/* class_weight as the registry's params record it: null, "balanced" or the object given */
void
ens_class_weight_json(StringInfo s, const EnsClassWeight *cw)
{
	appendStringInfoString(s, ", \"class_weight\": ");
	if (cw->n)
		appendStringInfoString(s, cw->json);
	else
		appendStringInfoString(s, cw->balanced ? "\"balanced\"" : "null");
}

/* params.task of a jsonb params object: 'auto' or null (0), 'classification' or 'regression'. */
int
ens_params_task(const EnsValue *v)
{
	const char *t = v->type == ENS_V_STRING ? v->str : v->type == ENS_V_NULL ? "auto" : "";

	if (strcmp(t, "classification") == 0)
		return ENS_CLASSIFICATION;
	if (strcmp(t, "regression") == 0)
		return ENS_REGRESSION;
	if (strcmp(t, "auto") != 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("params.task must be \"auto\", \"classification\" or \"regression\"")));
	return 0;
}

/*
 * Call fn for every key of a jsonb object with its value as a learner value
 * (and as it is, for values that are not scalars).
 */
void
ens_jsonb_each(Jsonb *jb, const char *context, EnsJsonbKeyFn fn, void *arg)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object", context)));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;
		EnsValue	ev;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		ev = ens_json_value(&v);
		fn(key, &ev, &v, arg);
	}
}

/* One SQL argument as a learner value. */
static EnsValue
ArgValue(FunctionCallInfo fcinfo, const EnsTrainArg *a)
{
	EnsValue	v = {ENS_V_NULL, 0, NULL};

	/* an older signature without the argument: its default */
	if (a->argno >= PG_NARGS() || PG_ARGISNULL(a->argno))
		return v;
	v.type = ENS_V_NUMBER;
	switch (a->type)
	{
		case 'i':
			v.num = PG_GETARG_INT32(a->argno);
			break;
		case 'l':
			v.num = (double) PG_GETARG_INT64(a->argno);
			break;
		case 'f':
			v.num = PG_GETARG_FLOAT8(a->argno);
			if (isnan(v.num))
				v.type = ENS_V_OTHER;
			break;
		case 'b':
			v.num = PG_GETARG_BOOL(a->argno) ? 1 : 0;
			break;
		default:
			v = ens_text_value(text_to_cstring(PG_GETARG_TEXT_PP(a->argno)), a->key);
	}
	return v;
}

/*
 * The common arguments sit in fixed positions: model_name, relation,
 * target, features, task first; test_fraction, seed (and, in the current
 * signatures, keep_category_names) follow the learner's own arguments.
 */
static void
ReadCommonArgs(FunctionCallInfo fcinfo, CommonArgs *a, int tail, int group_arg)
{
	if (PG_ARGISNULL(0))
		NullArg("model_name");
	if (PG_ARGISNULL(1))
		NullArg("relation");
	if (PG_ARGISNULL(2))
		NullArg("target");
	a->model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (a->model_name[0] == '\0')
		BadArg(errmsg("model_name must not be empty"));
	if (strlen(a->model_name) > ENS_MODEL_NAME_MAX_BYTES)
		BadArg(errmsg("model_name must be 1 to %d bytes long, not %zu",
					  ENS_MODEL_NAME_MAX_BYTES, strlen(a->model_name)));
	a->relid = PG_GETARG_OID(1);
	a->target = text_to_cstring(PG_GETARG_TEXT_PP(2));
	a->features = PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3);
	a->task = PG_ARGISNULL(4) ? "auto" : text_to_cstring(PG_GETARG_TEXT_PP(4));
	if (strcmp(a->task, "auto") != 0 && strcmp(a->task, "classification") != 0 &&
		strcmp(a->task, "regression") != 0)
		BadArg(errmsg("task must be 'auto', 'classification' or 'regression'"));
	a->test_fraction = PG_ARGISNULL(tail) ? 0.2 : PG_GETARG_FLOAT8(tail);
	if (!(a->test_fraction >= 0 && a->test_fraction < 1))
		BadArg(errmsg("test_fraction must be in [0, 1)"));
	a->seed = PG_ARGISNULL(tail + 1) ? 42 : PG_GETARG_INT64(tail + 1);
	a->keep_category_names = true;
	if (PG_NARGS() > tail + 2)
		a->keep_category_names = !PG_ARGISNULL(tail + 2) && PG_GETARG_BOOL(tail + 2);
	a->group_by = NULL;
	if (group_arg >= 0 && group_arg < PG_NARGS() && !PG_ARGISNULL(group_arg))
		a->group_by = text_to_cstring(PG_GETARG_TEXT_PP(group_arg));
}

/* ---------- columns ---------- */

/* edupredict.school_term (the extension's schema is fixed: not relocatable) */
static Oid
SchoolTermType(void)
{
	Oid			nsp = get_namespace_oid("edupredict", true);

	return OidIsValid(nsp) ?
		GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("school_term"),
						ObjectIdGetDatum(nsp)) : InvalidOid;
}

/* Can time folds be ordered by a column of this (base) type? */
static bool
OrderType(Oid base)
{
	return (ens_type_kind(base) == ENS_NUMERIC && base != BOOLOID) ||
		(OidIsValid(base) && base == SchoolTermType());
}

/* A NaN of an order type (float4, float8, numeric), which time folds refuse. */
static bool
OrderNaN(Datum d, Oid base)
{
	return (base == FLOAT4OID || base == FLOAT8OID || base == NUMERICOID) &&
		isnan(ens_datum_to_double(d, base));
}

typedef struct Columns
{
	EnsColumn  *target;
	EnsColumn **feat;
	bool	   *named;			/* listed explicitly by the caller */
	int			p;
	EnsColumn  *aux[ENS_MAX_AUX];
	int			naux;
} Columns;

static bool
IsAux(const Columns *c, const EnsColumn *col)
{
	int			i;

	for (i = 0; i < c->naux; i++)
		if (c->aux[i] == col)
			return true;
	return false;
}

static void
ResolveFeatures(const EnsRelation *r, const EnsTrainInput *a, Columns *c)
{
	int			i,
				j;

	if (a->features != NULL)
	{
		Datum	   *fd;
		bool	   *fn;
		int			nf;

		if (ARR_NDIM(a->features) > 1)
			BadArg(errmsg("features must be a one-dimensional array"));
		deconstruct_array(a->features, TEXTOID, -1, false, TYPALIGN_INT, &fd, &fn, &nf);
		if (nf == 0)
			BadArg(errmsg("features must not be empty"),
				   errhint("Pass NULL to use every column except the target."));
		if (nf > ENS_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many features: %d", nf),
					 errdetail("At most %d features are supported.", ENS_MAX_FEATURES)));
		c->feat = palloc0(sizeof(EnsColumn *) * nf);
		c->named = palloc0(sizeof(bool) * nf);
		for (i = 0; i < nf; i++)
		{
			char	   *nm;
			EnsColumn  *col;

			if (fn[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("features must not contain NULL")));
			nm = TextDatumGetCString(fd[i]);
			col = ens_relation_column(r, nm);
			if (col == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("feature column \"%s\" does not exist in relation %s", nm, r->display)));
			if (col == c->target)
				BadArg(errmsg("feature \"%s\" is the target column", nm),
					   errhint("Remove the target from the features."));
			for (j = 0; j < c->p; j++)
				if (c->feat[j] == col)
					BadArg(errmsg("feature \"%s\" is listed twice", nm));
			c->named[c->p] = true;
			c->feat[c->p++] = col;
		}
	}
	else
	{
		if (r->ncols - 1 > ENS_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many features: %d", r->ncols - 1),
					 errdetail("At most %d features are supported.", ENS_MAX_FEATURES),
					 errhint("Pass the features to use.")));
		c->feat = palloc0(sizeof(EnsColumn *) * Max(r->ncols, 1));
		c->named = palloc0(sizeof(bool) * Max(r->ncols, 1));
		for (i = 0; i < r->ncols; i++)
			if (&r->cols[i] != c->target && !IsAux(c, &r->cols[i]))
				c->feat[c->p++] = &r->cols[i];
		if (c->p == 0)
			BadArg(errmsg("relation %s has no column besides the target", r->display));
	}
	for (i = 0; i < c->p; i++)
		if (c->feat[i]->kind == ENS_TYPE_UNSUPPORTED)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature column \"%s\" has unsupported type %s", c->feat[i]->name,
							format_type_be(c->feat[i]->base)),
					 errhint("Features may be numeric, boolean, date/timestamp or text.")));
}

/*
 * The columns that decide the folds of a cross-validation: never the target;
 * a feature only when the caller lists it.
 */
static void
ResolveAux(const EnsRelation *r, const EnsTrainInput *a, Columns *c)
{
	uint32_t	i;

	for (i = 0; i < a->naux; i++)
	{
		EnsColumn  *col = ens_relation_column(r, a->aux_name[i]);

		if (col == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("%s column \"%s\" does not exist in relation %s", a->aux_arg[i],
							a->aux_name[i], r->display)));
		if (col == c->target)
			BadArg(errmsg("%s column \"%s\" is the target column", a->aux_arg[i],
						  a->aux_name[i]));
		if (a->aux_kind[i] == ENS_AUX_ORDER && !OrderType(col->base))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s column \"%s\" has type %s", a->aux_arg[i], a->aux_name[i],
							format_type_be(col->base)),
					 errhint("Order time folds by a number, a date, a timestamp or a school_term.")));
		c->aux[c->naux++] = col;
	}
}

static void
ResolveColumns(const EnsRelation *r, const EnsTrainInput *a, Columns *c)
{
	memset(c, 0, sizeof(*c));
	c->target = ens_relation_column(r, a->target);
	if (c->target == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("target column \"%s\" does not exist in relation %s", a->target, r->display)));
	if (c->target->kind == ENS_TYPE_UNSUPPORTED || c->target->base == DATEOID ||
		c->target->base == TIMESTAMPOID || c->target->base == TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has unsupported type %s", a->target,
						format_type_be(c->target->base)),
				 errhint("Use a numeric, boolean or text target.")));
	if (a->task == ENS_REGRESSION &&
		(c->target->kind == ENS_CATEGORICAL || c->target->base == BOOLOID))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("regression needs a numeric target, but \"%s\" is %s", a->target,
						format_type_be(c->target->base))));
	ResolveAux(r, a, c);
	ResolveFeatures(r, a, c);
}

/* ---------- reading rows ---------- */

typedef struct ReadState
{
	EnsTrainSet *ts;
	const Columns *c;
	size_t		raw_rows;
	int			rank_at[ENS_MAX_AUX];	/* order columns: their rank's column */
	uint64	   *too_long;		/* per feature: rows of a category too long */
} ReadState;

/*
 * A dictionary of the training set (d NULL: it could not be created) could
 * not take a value: the cap's error, or the dictionary's own limit or a real
 * allocation failure (ens_pg_dict_failed); name: its column.
 */
static void
DictFailed(const EnsTrainSet *ts, const EnsDict *d, EnsDictOf of, const char *name)
{
	if (ts->pa->refused_over_cap)
		ens_pg_check(ENS_ENOMEM, ENS_WHAT_MODEL_TRAINING, NULL);
	ens_pg_dict_failed(d, of, name);
}

/*
 * A group id (the value's text in a dictionary) or an order key: the
 * value's dense rank in its type's order (exact where a float8 is not; NaN
 * stays NaN, to be refused).  col: aux column i.
 */
static double
AuxValue(EnsTrainSet *ts, uint32_t i, Datum d, const EnsColumn *col, Datum rank)
{
	Oid			base = col->base;
	uint32_t	len;
	char	   *s;
	int64_t		id;

	if (ts->aux_dict[i] == NULL)
		return OrderNaN(d, base) ? NAN : (double) DatumGetInt64(rank);
	/* equal values, one group: numeric 1.0 and 1.00, float -0 and 0 */
	if (base == NUMERICOID)
		d = DirectFunctionCall1(numeric_trim_scale, d);
	else if (base == FLOAT8OID && DatumGetFloat8(d) == 0)
		d = Float8GetDatum(0.0);
	else if (base == FLOAT4OID && DatumGetFloat4(d) == 0)
		d = Float4GetDatum(0.0f);
	s = ens_datum_to_text(d, base, &len);
	if (len > ENS_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a group value is longer than %d bytes", ENS_MAX_NAME)));
	id = ens_dict_add(ts->aux_dict[i], s, len);
	if (id < 0)
		DictFailed(ts, ts->aux_dict[i], ENS_DICT_GROUP_BY, col->name);
	return (double) id;
}

/*
 * One row of the training query: features 0..p-1, the target, aux columns,
 * then the ranks of the order columns.
 */
static void
TrainRow(Datum *values, bool *isnull, void *arg)
{
	ReadState  *rs = (ReadState *) arg;
	EnsTrainSet *ts = rs->ts;
	EnsColumn  *tcol = rs->c->target;
	uint32_t	p = ts->p,
				i;
	size_t		n = ts->n;

	rs->raw_rows++;
	if (isnull[p])
		return;
	ens_trainset_reserve(ts, n + 1);
	if (ts->target_text)
	{
		uint32_t	len;
		char	   *s = ens_datum_to_text(values[p], tcol->base, &len);
		int64_t		id;

		if (len > ENS_MAX_NAME)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a target value is longer than %d bytes", ENS_MAX_NAME)));
		id = ens_dict_add(ts->tdict, s, len);
		if (id < 0)
			DictFailed(ts, ts->tdict, ENS_DICT_TARGET, tcol->name);
		ts->y[n] = (double) id;
	}
	else
	{
		ts->y[n] = ens_datum_to_double(values[p], tcol->base);
		if (isnan(ts->y[n]))
			return;				/* a NaN target is as good as NULL */
		ens_trainset_note_target(ts, ts->y[n], rs->raw_rows);
	}
	for (i = 0; i < p; i++)
	{
		double	   *v = &ts->cols[i][n];

		if (isnull[i])
			*v = NAN;
		else if (ts->kinds[i] == ENS_CATEGORICAL)
		{
			uint32_t	len;
			char	   *s = ens_datum_to_text(values[i], rs->c->feat[i]->base, &len);
			int64_t		id;

			if (len > ENS_MAX_NAME)
			{
				*v = NAN;		/* absurdly long category: missing */
				rs->too_long[i]++;
			}
			else
			{
				id = ens_dict_add(ts->dicts[i], s, len);
				if (id < 0)
					DictFailed(ts, ts->dicts[i], ENS_DICT_FEATURE, ts->names[i]);
				*v = (double) id;
			}
		}
		else
			*v = ens_datum_to_double(values[i], rs->c->feat[i]->base);
	}
	for (i = 0; i < ts->naux; i++)
		ts->aux[i][n] = isnull[p + 1 + i] ? NAN :
			AuxValue(ts, i, values[p + 1 + i], rs->c->aux[i],
					 rs->rank_at[i] < 0 ? (Datum) 0 : values[rs->rank_at[i]]);
	ts->n = n + 1;
}

/* the planner's estimate of the rows, before the first (ens_trainset_presize) */
static void
PresizeRows(double estimate, void *arg)
{
	ens_trainset_presize(((ReadState *) arg)->ts, estimate);
}

/*
 * Rows of a text feature whose value is longer than any category may be
 * (ENS_MAX_NAME) are taken as missing, as predict() and drift() take such
 * a value; a NOTICE says how many, as to_tsvector() notices the words it
 * skips, since the model is trained all the same.
 */
static void
TooLongNotice(const char *feature, uint64 rows)
{
	if (rows == 0)
		return;
	ereport(NOTICE,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg_plural("%llu row of feature \"%s\" has a value longer than %d bytes, taken as missing",
						   "%llu rows of feature \"%s\" have values longer than %d bytes, taken as missing",
						   (unsigned long) rows,
						   (unsigned long long) rows, feature, ENS_MAX_NAME),
			 errdetail("A category is at most %d bytes; predict() and drift() take a longer value as missing too.",
					   ENS_MAX_NAME),
			 errhint("Shorten the values (left() or md5() of the column in a view), or leave the column out with features => ARRAY[...].")));
}

static void
ReadTrainingSet(EnsTrainSet *ts, const EnsRelation *r, const Columns *c)
{
	EnsColumn **cols = palloc(sizeof(EnsColumn *) * (c->p + 1 + c->naux));
	EnsColumn  *rank[ENS_MAX_AUX];
	int			nrank = 0;
	ReadState	rs;
	int			i;

	for (i = 0; i < c->p; i++)
	{
		cols[i] = c->feat[i];
		ts->names[i] = c->feat[i]->name;
		ts->kinds[i] = (uint8_t) c->feat[i]->kind;
		if (ts->kinds[i] == ENS_CATEGORICAL &&
			(ts->dicts[i] = ens_dict_create(&ts->pa->al)) == NULL)
			DictFailed(ts, NULL, ENS_DICT_FEATURE, ts->names[i]);
	}
	cols[c->p] = c->target;
	for (i = 0; i < c->naux; i++)
	{
		cols[c->p + 1 + i] = c->aux[i];
		rs.rank_at[i] = -1;
		if (ts->aux_dict[i] == NULL)
		{
			rs.rank_at[i] = c->p + 1 + c->naux + nrank;
			rank[nrank++] = c->aux[i];
		}
	}
	rs.ts = ts;
	rs.c = c;
	rs.raw_rows = 0;
	rs.too_long = palloc0(sizeof(uint64) * Max(c->p, 1));
	ens_relation_read_sized(r, cols, c->p + 1 + c->naux, rank, nrank, PresizeRows, TrainRow, &rs);
	ens_require_rows(ts->n, rs.raw_rows, c->target->name, r->named);
	for (i = 0; i < c->p; i++)
		TooLongNotice(ts->names[i], rs.too_long[i]);
}

/*
 * A text column with more distinct values than half the rows is an
 * identifier or a name, never a useful feature (and its values would be
 * the model's codebook): only a caller who names it gets it.
 */
static void
RefuseIdentifiers(const EnsTrainSet *ts, const Columns *c)
{
	uint32_t	f;

	for (f = 0; f < ts->p; f++)
		if (ts->kinds[f] == ENS_CATEGORICAL && !c->named[f] && ts->n >= 4 &&
			(size_t) ens_dict_size(ts->dicts[f]) * 2 > ts->n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("text column \"%s\" has a different value in most rows", ts->names[f]),
					 errdetail("A column like this is an identifier or a name, not a feature."),
					 errhint("Leave it out with features => ARRAY[...], or name it there to use it anyway.")));
}

/* ---------- the training set of a relation ---------- */

void
ens_trainset_read(EnsTrainSet *ts, EnsTrainInput *in, EnsPgAlloc *pa)
{
	Columns		cols;
	MemoryContext cxt = CurrentMemoryContext;
	int			i;

	Assert(cxt == pa->cxt);
	ens_relation_open(&in->rel, in->relid);
	ResolveColumns(&in->rel, in, &cols);
	ens_trainset_init(ts, (uint32_t) cols.p,
					  cols.target->kind == ENS_CATEGORICAL || cols.target->base == BOOLOID,
					  in->learner, pa);
	ens_trainset_add_aux(ts, (uint32_t) cols.naux);
	for (i = 0; i < cols.naux; i++)
		if (in->aux_kind[i] == ENS_AUX_GROUP &&
			(ts->aux_dict[i] = ens_dict_create(&pa->al)) == NULL)
			DictFailed(ts, NULL, ENS_DICT_GROUP_BY, in->aux_name[i]);
	ReadTrainingSet(ts, &in->rel, &cols);
	MemoryContextSwitchTo(cxt);
	RefuseIdentifiers(ts, &cols);
	ens_trainset_canonical_order(ts);
	ens_trainset_target(ts, in->task,
						cols.target->base == INT2OID || cols.target->base == INT4OID ||
						cols.target->base == INT8OID, cols.target->name);
}

/* ---------- evaluation of the held-out rows ---------- */

void
ens_json_num(StringInfo s, const char *key, double v, bool *first)
{
	if (!*first)
		appendStringInfoString(s, ", ");
	*first = false;
	escape_json(s, key);
	if (isnan(v) || isinf(v))
		appendStringInfoString(s, ": null");
	else
		appendStringInfo(s, ": %s", ens_float_text(v));
}

static const char *const cls_metric_names[] = {
	"accuracy", "precision_macro", "recall_macro", "f1_macro", "log_loss", "roc_auc"
};
static const char *const reg_metric_names[] = {"rmse", "mae", "r2"};

const char *const *
ens_metric_names(int task, int *n)
{
	if (task == ENS_CLASSIFICATION)
	{
		*n = lengthof(cls_metric_names);
		return cls_metric_names;
	}
	*n = lengthof(reg_metric_names);
	return reg_metric_names;
}

bool
ens_metric_lower_better(const char *name)
{
	return strcmp(name, "log_loss") == 0 || strcmp(name, "rmse") == 0 || strcmp(name, "mae") == 0;
}

/*
 * Metrics of model m on rows of ts (bins in ts->X), in the order of
 * ens_metric_names(ts->task); NaN when undefined (no rows, one class).
 */
void
ens_score_rows(const EnsTrainSet *ts, const EnsModel *m, const uint32_t *rows, uint32_t n,
			   const EnsAlloc *al, double *values)
{
	double	   *out = ens_predict_rows(ts, m, rows, n);

	ens_score_outputs(ts, rows, n, out, al, values);
	if (out)
		pfree(out);
}

/* The model's outputs on rows of ts (n x outputs, palloc'd; NULL if n is 0). */
double *
ens_predict_rows(const EnsTrainSet *ts, const EnsModel *m, const uint32_t *rows, uint32_t n)
{
	uint32_t	kk = ts->task == ENS_CLASSIFICATION ? ts->K : 1;
	uint32_t	r;
	double	   *out;

	if (n == 0)
		return NULL;
	out = palloc_extended((size_t) n * kk * sizeof(double), MCXT_ALLOC_HUGE);
	for (r = 0; r < n; r++)
	{
		if ((r & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		ens_predict_binned(m, ts->X + (size_t) rows[r] * ts->p, out + (size_t) r * kk);
	}
	return out;
}

/* Metrics of outputs out (from ens_predict_rows) against rows' targets. */
void
ens_score_outputs(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n,
				  const double *out, const EnsAlloc *al, double *values)
{
	uint32_t	r;
	int			i,
				nm;

	ens_metric_names(ts->task, &nm);
	for (i = 0; i < nm; i++)
		values[i] = NAN;
	if (n == 0)
		return;
	if (ts->task == ENS_CLASSIFICATION)
	{
		EnsClsMetrics cm;
		uint32_t   *act = palloc(sizeof(uint32_t) * n);

		for (r = 0; r < n; r++)
			act[r] = ts->ycls[rows[r]];
		ens_pg_check(ens_cls_metrics(n, ts->K, ts->K, act, out, al, ens_pg_interrupt, NULL, &cm, NULL),
					 ENS_WHAT_EVALUATION, NULL);
		values[0] = cm.accuracy;
		values[1] = cm.precision;
		values[2] = cm.recall;
		values[3] = cm.f1;
		values[4] = cm.log_loss;
		values[5] = cm.auc;
		pfree(act);
	}
	else
	{
		EnsRegMetrics rm;
		double	   *act = palloc(sizeof(double) * n);

		for (r = 0; r < n; r++)
			act[r] = ts->y[rows[r]];
		ens_reg_metrics(n, act, out, &rm);
		values[0] = rm.rmse;
		values[1] = rm.mae;
		values[2] = rm.r2;
		pfree(act);
	}
}

/* held_out: the model's outputs on ts->test_rows */
static void
HeldOutMetrics(StringInfo s, const EnsTrainSet *ts, const double *held_out, const EnsAlloc *al,
			   bool *first)
{
	double		v[ENS_MAX_METRICS];
	const char *const *names;
	int			i,
				nm;

	ens_json_num(s, "n_train", ts->ntr, first);
	ens_json_num(s, "n_test", ts->nte, first);
	if (ts->nte == 0)
		return;
	names = ens_metric_names(ts->task, &nm);
	ens_score_outputs(ts, ts->test_rows, ts->nte, held_out, al, v);
	for (i = 0; i < nm; i++)
		ens_json_num(s, names[i], v[i], first);
}

/* ---------- the registry row ---------- */

/*
 * Insert the row (SPI connected) and return it as the caller's result:
 * edupredict.models in a 0.1.0 schema, edupredict.model_list (no bytes)
 * in the current one, where the version was reserved before training.
 */
Datum
ens_registry_insert(const EnsRegistryRow *rr, EnsRegistryMode mode, int32 version)
{
	Oid			argtypes[12] = {TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID,
	JSONBOID, JSONBOID, INT8OID, FLOAT8OID, BYTEAOID, TEXTOID};
	Datum		values[12];
	bool		nulls[12] = {false};
	const char **fnames = palloc(sizeof(char *) * rr->p);
	uint32_t   *flens = palloc(sizeof(uint32_t) * rr->p);
	SPIPlanPtr	plan;
	ParamListInfo pl;
	volatile int ins = 0;
	int			ret,
				i,
				nparams = mode == ENS_REGISTRY_LEGACY ? 10 : 11;
	int64		id;
	bool		isnull;
	Oid			idtype[1] = {INT8OID};
	Datum		idval[1];

	for (i = 0; i < (int) rr->p; i++)
	{
		fnames[i] = rr->features[i].name;
		flens[i] = rr->features[i].name_len;
	}
	values[0] = CStringGetTextDatum(rr->model_name);
	values[1] = CStringGetTextDatum(rr->task == ENS_CLASSIFICATION ? "classification" : "regression");
	values[2] = CStringGetTextDatum(rr->target);
	values[3] = ens_text_array(fnames, flens, rr->p);
	if (rr->task == ENS_CLASSIFICATION)
		values[4] = ens_text_array(rr->class_s, rr->class_l, rr->K);
	else
		nulls[4] = true;
	values[5] = DirectFunctionCall1(jsonb_in, CStringGetDatum(rr->params));
	values[6] = DirectFunctionCall1(jsonb_in, CStringGetDatum(rr->metrics));
	values[7] = Int64GetDatum(rr->n_rows);
	values[8] = Float8GetDatum(rr->secs);
	values[9] = PointerGetDatum(rr->model);
	values[10] = CStringGetTextDatum(rr->algorithm);

	/* the version was reserved, and the name locked, before training */
	argtypes[nparams] = INT4OID;
	values[nparams] = Int32GetDatum(version);
	nparams++;
	if (mode == ENS_REGISTRY_LEGACY)
		plan = SPI_prepare("INSERT INTO edupredict.models (name, version, task, target, features, "
						   "classes, params, metrics, n_rows, train_seconds, model) "
						   "VALUES ($1, $11, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
						   nparams, argtypes);
	else
		/*
		 * owner is what the guard trigger would set: a row that needs no
		 * change is not copied (with its model) by the trigger
		 */
		plan = SPI_prepare("INSERT INTO edupredict.models (name, version, algorithm, task, target, "
						   "features, classes, params, metrics, n_rows, train_seconds, model, owner) "
						   "VALUES ($1, $12, $11, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
						   "(SELECT n.owner FROM edupredict.model_names n "
						   "WHERE n.name OPERATOR(pg_catalog.=) $1)) RETURNING id",
						   nparams, argtypes);
	if (plan == NULL)
		elog(ERROR, "could not prepare the registry insert: %s", SPI_result_code_string(SPI_result));

	/*
	 * The model goes in as a plain parameter, not a constant: the planner
	 * folds constant parameters into the plan and copies the value on the
	 * way (twice), which would triple the peak memory for a large model.
	 */
	pl = makeParamList(nparams);
	for (i = 0; i < nparams; i++)
	{
		pl->params[i].ptype = argtypes[i];
		pl->params[i].value = values[i];
		pl->params[i].isnull = nulls[i];
		pl->params[i].pflags = i == 9 ? 0 : PARAM_FLAG_CONST;
	}
	ens_guard_own_insert = true;
	PG_TRY();
	{
		ins = SPI_execute_plan_with_paramlist(plan, pl, false, 1);
	}
	PG_FINALLY();
	{
		ens_guard_own_insert = false;
	}
	PG_END_TRY();
	ret = ins;
	if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert into edupredict.models: %s", SPI_result_code_string(ret));
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	pfree(rr->model);

	/*
	 * Return the row as stored, read back (RETURNING * would hold yet another
	 * copy of a large model while the insert's own copies are alive).
	 */
	idval[0] = Int64GetDatum(id);
	ret = SPI_execute_with_args(mode == ENS_REGISTRY_LEGACY ?
								"SELECT * FROM edupredict.models WHERE id OPERATOR(pg_catalog.=) $1" :
								"SELECT * FROM edupredict.model_list WHERE id OPERATOR(pg_catalog.=) $1",
								1, idtype, idval, NULL, false, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read back the new model: %s", SPI_result_code_string(ret));
	return PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
}

/*
 * The run log's row of this training, beside the registry row (a 0.1.0
 * schema has no run log).
 */
static void
LogTraining(const EnsRegistryRow *rr, Datum row, const char *source,
			uint64_t fingerprint, size_t peak, EnsRegistryMode mode)
{
	EnsRun		run;
	bool		isnull;

	if (mode == ENS_REGISTRY_LEGACY && !ens_runs_exist())
		return;
	memset(&run, 0, sizeof(run));
	run.kind = "train";
	run.model_name = rr->model_name;
	run.version = DatumGetInt32(GetAttributeByName(DatumGetHeapTupleHeader(row), "version", &isnull));
	run.algorithm = rr->algorithm;
	run.params = rr->params;
	run.metrics = rr->metrics;
	run.source = source;
	run.n_rows = rr->n_rows;
	run.fingerprint = fingerprint;
	run.secs = rr->secs;
	run.peak_bytes = (int64) peak;
	ens_run_insert(&run);
}

/* ---------- the pipeline ---------- */

/*
 * Copy what the registry row points at in the training context into cxt,
 * so that the rows, bins and trees can be freed before the insert, whose
 * copies of a large model would otherwise come on top of them.
 */
static void
DetachRegistryRow(EnsRegistryRow *rr, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	EnsFeature *f = palloc0(sizeof(EnsFeature) * Max(rr->p, 1));
	uint32_t	i;

	for (i = 0; i < rr->p; i++)
	{
		f[i].name = pnstrdup(rr->features[i].name, rr->features[i].name_len);
		f[i].name_len = rr->features[i].name_len;
	}
	rr->features = f;
	if (rr->K > 0 && rr->class_s != NULL)
	{
		const char **cs = palloc(sizeof(char *) * rr->K);
		uint32_t   *cl = palloc(sizeof(uint32_t) * rr->K);

		for (i = 0; i < rr->K; i++)
		{
			cs[i] = pnstrdup(rr->class_s[i], rr->class_l[i]);
			cl[i] = rr->class_l[i];
		}
		rr->class_s = cs;
		rr->class_l = cl;
	}
	rr->params = pstrdup(rr->params);
	rr->metrics = pstrdup(rr->metrics);
	MemoryContextSwitchTo(old);
}

static void
LearnerParams(FunctionCallInfo fcinfo, const EnsLearner *l, void *params,
			  const EnsTrainArg *args, int nargs)
{
	int			i;

	l->defaults(params);
	for (i = 0; i < nargs; i++)
	{
		EnsValue	v = ArgValue(fcinfo, &args[i]);

		ens_learner_set(l, params, args[i].key, &v, "");
	}
}

/*
 * Where test_fraction sits: after the learner's arguments that follow task
 * without a gap.  A learner's argument added later goes after the common
 * ones, at the end of the signature (argno beyond the gap).
 */
static int
CommonTail(const EnsTrainArg *args, int nargs)
{
	int			i = 1;

	while (i < nargs && args[i].argno == args[i - 1].argno + 1)
		i++;
	return args[i - 1].argno + 1;
}

/*
 * train_<learner>(...): args maps the learner's SQL arguments; the common
 * ones follow them (test_fraction, seed[, keep_category_names]), then any
 * learner's arguments added since.
 */
Datum
ens_train_sql(FunctionCallInfo fcinfo, const EnsLearner *l, const EnsTrainArg *args,
			  int nargs, int group_arg, EnsRegistryMode mode)
{
	return ens_train_sql_noted(fcinfo, l, args, nargs, group_arg, mode, NULL);
}

/* the same, with note (JSON members, NULL: none) added to the new row's metrics */
Datum
ens_train_sql_noted(FunctionCallInfo fcinfo, const EnsLearner *l, const EnsTrainArg *args,
					int nargs, int group_arg, EnsRegistryMode mode, const char *note)
{
	CommonArgs	a;
	void	   *params = palloc0(l->params_size);
	EnsTrainInput in;
	EnsTrainSet ts;
	EnsPgAlloc	pa;
	EnsModel	model;
	double	   *held_out;
	MemoryContext train_cxt,
				oldcxt;
	instr_time	t_start,
				t_end;
	StringInfoData pj,
				mj;
	bool		first = true;
	size_t		peak_engine = 0;
	EnsRegistryRow rr;
	int32		version = 0;
	Datum		result;
	int			task_req;
	char	   *source;
	uint64_t	fingerprint;

	INSTR_TIME_SET_CURRENT(t_start);
	ReadCommonArgs(fcinfo, &a, CommonTail(args, nargs), group_arg);
	LearnerParams(fcinfo, l, params, args, nargs);
	task_req = strcmp(a.task, "classification") == 0 ? ENS_CLASSIFICATION :
		strcmp(a.task, "regression") == 0 ? ENS_REGRESSION : 0;
	if (l->check)
		l->check(params, task_req, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* rights and the per-name lock before any row is read (40001 under RR) */
	version = ens_registry_reserve(a.model_name);

	memset(&in, 0, sizeof(in));
	in.relid = a.relid;
	in.target = a.target;
	in.features = a.features;
	in.task = task_req;
	in.learner = l;
	if (a.group_by != NULL)
	{
		/* read beside the features, never one of them unless listed */
		in.aux_arg[0] = "group_by";
		in.aux_name[0] = a.group_by;
		in.aux_kind[0] = ENS_AUX_GROUP;
		in.naux = 1;
	}
	train_cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict model training",
									  ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(train_cxt);
	ens_pg_alloc_init(&pa, train_cxt, true);
	ens_trainset_read(&ts, &in, &pa);
	if (a.group_by != NULL)
	{
		ens_aux_no_nulls(&ts, "group_by", a.group_by, false);
		ts.group_by = a.group_by;
	}
	ens_trainset_split(&ts, a.test_fraction, (uint64_t) a.seed);
	ens_trainset_bin(&ts, (uint64_t) a.seed, a.keep_category_names);

	ens_trainset_model(&ts, &model, l->tag);
	ens_pg_restarts = 0;
	ens_pg_check(l->train(&model, &ts, params, (uint64_t) a.seed, &pa.al, &peak_engine),
				 l->training, NULL);
	/* the held-out rows are predicted once, for the profile and the metrics */
	held_out = ens_predict_rows(&ts, &model, ts.test_rows, ts.nte);
	ens_trainset_profile(&ts, &model, held_out, &pa.al);
	initStringInfo(&mj);
	appendStringInfoChar(&mj, '{');
	HeldOutMetrics(&mj, &ts, held_out, &pa.al, &first);
	if (a.group_by != NULL)
		ens_json_num(&mj, "n_test_groups", ts.n_test_groups, &first);
	l->metrics_json(&mj, params, &model, &first);

	rr.model = ens_model_bytea(&model, oldcxt);
	INSTR_TIME_SET_CURRENT(t_end);
	INSTR_TIME_SUBTRACT(t_end, t_start);
	rr.secs = INSTR_TIME_GET_DOUBLE(t_end);
	ens_json_num(&mj, "model_bytes", (double) (VARSIZE(rr.model) - VARHDRSZ), &first);
	ens_json_num(&mj, "train_peak_bytes", (double) (pa.peak + peak_engine), &first);
	ens_json_num(&mj, "train_restarts", ens_pg_restarts, &first);
	if (note != NULL)
		appendStringInfo(&mj, ", %s", note);
	appendStringInfoChar(&mj, '}');

	initStringInfo(&pj);
	appendStringInfoChar(&pj, '{');
	first = true;
	l->params_json(&pj, params, &model, &first);
	ens_json_num(&pj, "test_fraction", a.test_fraction, &first);
	if (a.group_by != NULL)
	{
		appendStringInfoString(&pj, ", \"group_by\": ");
		escape_json(&pj, a.group_by);
	}
	appendStringInfo(&pj, ", \"seed\": " INT64_FORMAT ", \"task_requested\": \"%s\"}", a.seed, a.task);

	rr.model_name = a.model_name;
	rr.algorithm = l->algorithm;
	rr.task = ts.task;
	rr.target = in.target;
	rr.p = ts.p;
	rr.features = ts.F;
	rr.K = ts.K;
	rr.class_s = ts.class_s;
	rr.class_l = ts.class_l;
	rr.n_rows = (int64) ts.n;
	rr.params = pj.data;
	rr.metrics = mj.data;
	MemoryContextSwitchTo(oldcxt);
	source = pstrdup(in.rel.qualified);
	fingerprint = ts.fingerprint;
	peak_engine += pa.peak;
	DetachRegistryRow(&rr, oldcxt);
	MemoryContextDelete(train_cxt);
	result = ens_registry_insert(&rr, mode, version);
	LogTraining(&rr, result, source, fingerprint, peak_engine, mode);
	SPI_finish();
	PG_RETURN_DATUM(result);
}
