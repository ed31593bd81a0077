/*
 * panel_spec.c - build_panel's arguments, checked, as a PanelSpec.
 *
 * Every column name is looked up in the relation's descriptor while the
 * relation is locked (AccessShareLock, kept to the end of the transaction),
 * so the queries of panel_query.c read what was inspected; the row readers
 * check the executor's result types once more.
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/tupdesc.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "ensemble_pg.h"
#include "panel.h"

#define ARG_OUTPUT		0
#define ARG_EVENTS		1
#define ARG_ENTITY		2
#define ARG_TIME		3
#define ARG_PERIOD		4
#define ARG_MEASURES	5
#define ARG_LAGS		6
#define ARG_ROLLING		7
#define ARG_LABEL		8
#define ARG_HORIZON		9
#define ARG_LABEL_COL	10
#define ARG_SPINE		11
#define ARG_START		12
#define ARG_END			13
#define ARG_UNTIL		14
#define ARG_ORIGIN		15
#define ARG_AS_OF		16
#define ARG_ZONE		17
#define ARG_FILL		18
#define NARGS			19

/* The index of value in a NULL-terminated list of keywords, or -1. */
static int
Keyword(const char *value, const char *const *words)
{
	for (int i = 0; words[i] != NULL; i++)
		if (strcmp(value, words[i]) == 0)
			return i;
	return -1;
}

static char *
ArgText(FunctionCallInfo fcinfo, int i)
{
	return PG_ARGISNULL(i) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(i));
}

/* A 1-D array without NULLs, at most cap elements (NULL argument: none). */
static Datum *
ArgArray(FunctionCallInfo fcinfo, int i, Oid elemtype, int cap, const char *what, int *n)
{
	ArrayType  *a;
	Datum	   *elems;
	bool	   *nulls;
	int16		len;
	bool		byval;
	char		align;

	*n = 0;
	if (PG_ARGISNULL(i))
		return NULL;
	a = PG_GETARG_ARRAYTYPE_P(i);
	if (ARR_NDIM(a) == 0)
		return NULL;
	if (ARR_NDIM(a) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	get_typlenbyvalalign(elemtype, &len, &byval, &align);
	deconstruct_array(a, elemtype, len, byval, align, &elems, &nulls, n);
	for (int k = 0; k < *n; k++)
		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_ELEMENT_ERROR),
					 errmsg("%s must not contain NULL elements", what)));
	if (*n > cap)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has %d elements, more than the %d allowed", what, *n, cap)));
	return elems;
}

static int32 *
ArgPeriods(FunctionCallInfo fcinfo, int i, const char *what, int *n)
{
	Datum	   *d = ArgArray(fcinfo, i, INT4OID, 64, what, n);
	int32	   *out = palloc0(sizeof(int32) * Max(*n, 1));

	for (int k = 0; k < *n; k++)
	{
		out[k] = DatumGetInt32(d[k]);
		if (out[k] < 1 || out[k] > PANEL_MAX_LAG)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be between 1 and %d periods", what, PANEL_MAX_LAG)));
		for (int j = 0; j < k; j++)
			if (out[j] == out[k])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s lists %d twice", what, out[k])));
	}
	return out;
}

/* The column of a relation, or error 42703 naming it and the relation's role. */
Form_pg_attribute
panel_column(TupleDesc td, const char *name, const char *role, Oid relid)
{
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);

		if (!a->attisdropped && strcmp(NameStr(a->attname), name) == 0)
			return a;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" does not exist in %s relation %s", ens_name_for_message(name), role,
					get_rel_name(relid))));
	return NULL;
}

/*
 * The events or spine relation, locked until the end of the transaction; error
 * 42P01 when relid names none (a regclass built from a dropped table's OID or
 * from 0), where relation_open would raise an internal error.
 */
Relation
panel_open(Oid relid, const char *role)
{
	Relation	rel = try_relation_open(relid, AccessShareLock);

	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("%s relation with OID %u does not exist", role, relid),
				 errhint("Name an existing table or view, such as 'myschema.mytable'.")));
	return rel;
}

/* Calendar or integer: the kind of a time-like column, or error. */
PanelTimeKind
panel_time_kind(Oid type, const char *column)
{
	switch (getBaseType(type))
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return PT_INTEGER;
		case DATEOID:
			return PT_DATE;
		case TIMESTAMPOID:
			return PT_TIMESTAMP;
		case TIMESTAMPTZOID:
			return PT_TIMESTAMPTZ;
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" has type %s, not a time type", column, format_type_be(type)),
			 errhint("Time columns are date, timestamp, timestamptz or an integer (a day or period number).")));
	return PT_INTEGER;
}

static void
ParsePeriod(PanelSpec *s, const char *period, PanelTimeKind tk)
{
	PanelPeriod *p = &s->period;

	p->tkind = tk;
	p->width = 1;
	p->default_origin = 0;
	if (period == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("period must not be NULL")));
	if (strcmp(period, "day") == 0)
		p->kind = PP_DAY;
	else if (strcmp(period, "week") == 0)
	{
		p->kind = PP_WEEK;
		p->width = 7;
		/* calendar weeks start on Mondays: 2000-01-03 is day 2 */
		p->default_origin = tk == PT_INTEGER ? 0 : 2;
	}
	else if (strcmp(period, "month") == 0)
		p->kind = PP_MONTH;
	else if (strcmp(period, "school_term") == 0)
		p->kind = PP_TERM;
	else if (strcmp(period, "year") == 0)
		p->kind = PP_YEAR;
	else
	{
		char	   *end;
		long		w;

		errno = 0;
		w = strtol(period, &end, 10);
		if (end == period || *end != '\0' || errno != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown period \"%s\"", ens_name_for_message(period)),
					 errhint("Periods are day, week, month, school_term, year or a positive number of time units.")));
		if (w <= 0 || w > 1000000)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a period width must be between 1 and 1000000 time units")));
		p->kind = PP_WIDTH;
		p->width = w;
	}
	if (tk == PT_INTEGER && (p->kind == PP_MONTH || p->kind == PP_TERM))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period \"%s\" needs a date or timestamp time column", period),
				 errhint("An integer time column takes day, week (7 units), year (the value is the year) or a width.")));
}

/* Measures: count, days_active, since_last, sum(c), mean(c), max(c), min(c). */
static void
ParseMeasures(PanelSpec *s, FunctionCallInfo fcinfo, TupleDesc td)
{
	static const struct
	{
		const char *fn;
		PanelMeasureKind kind;
	}			fns[] = {{"sum", PM_SUM}, {"mean", PM_MEAN}, {"max", PM_MAX}, {"min", PM_MIN}};
	int			n;
	Datum	   *d = ArgArray(fcinfo, ARG_MEASURES, TEXTOID, 256, "measures", &n);

	s->measures = palloc0(sizeof(PanelMeasure) * Max(n, 1));
	s->values = palloc0(sizeof(char *) * PANEL_MAX_VALUES);
	for (int k = 0; k < n; k++)
	{
		char	   *m = TextDatumGetCString(d[k]);
		PanelMeasure *pm = &s->measures[s->nmeasures++];
		char	   *open = strchr(m, '('),
				   *col;
		size_t		len = strlen(m);

		pm->value = -1;
		if (strcmp(m, "count") == 0 || strcmp(m, "days_active") == 0 || strcmp(m, "since_last") == 0)
		{
			pm->kind = m[0] == 'c' ? PM_COUNT : m[0] == 'd' ? PM_DAYS_ACTIVE : PM_SINCE_LAST;
			strlcpy(pm->name, m[0] == 'c' ? "n_events" : m[0] == 'd' ? "days_active" : "periods_since_last",
					NAMEDATALEN);
			continue;
		}
		if (open == NULL || len < 3 || m[len - 1] != ')' || open[1] == ')')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown measure \"%s\"", ens_name_for_message(m)),
					 errhint("Measures are count, days_active, since_last, or sum, mean, max or min of a column, as in sum(score).")));
		*open = '\0';
		m[len - 1] = '\0';
		col = open + 1;
		pm->kind = PM_COUNT;
		for (int f = 0; f < (int) lengthof(fns); f++)
			if (strcmp(m, fns[f].fn) == 0)
				pm->kind = fns[f].kind;
		if (pm->kind == PM_COUNT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown measure function \"%s\"", ens_name_for_message(m)),
					 errhint("Column measures are sum, mean, max and min.")));
		panel_value_column(s, td, col, &pm->value);
		if (strlen(m) + 1 + strlen(col) >= NAMEDATALEN)
			ereport(ERROR,
					(errcode(ERRCODE_NAME_TOO_LONG),
					 errmsg("the column name for measure %s(%s) would be too long", m, col)));
		snprintf(pm->name, NAMEDATALEN, "%s_%s", m, col);
	}
}

/* Records a numeric or boolean events column as a value column (once). */
void
panel_value_column(PanelSpec *s, TupleDesc td, const char *col, int *index)
{
	Form_pg_attribute a = panel_column(td, col, "events", s->events);
	Oid			t = getBaseType(a->atttypid);

	if (t != INT2OID && t != INT4OID && t != INT8OID && t != FLOAT4OID && t != FLOAT8OID &&
		t != NUMERICOID && t != BOOLOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" has type %s; measures need a numeric or boolean column",
						col, format_type_be(a->atttypid))));
	for (int v = 0; v < s->nvalues; v++)
		if (strcmp(s->values[v], col) == 0)
		{
			*index = v;
			return;
		}
	if (s->nvalues >= PANEL_MAX_VALUES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("measures use more than %d columns", PANEL_MAX_VALUES)));
	s->values[s->nvalues] = pstrdup(col);
	*index = s->nvalues++;
}

static void
ParseEntity(PanelSpec *s, FunctionCallInfo fcinfo, TupleDesc td)
{
	Datum	   *d = ArgArray(fcinfo, ARG_ENTITY, TEXTOID, PANEL_MAX_KEYS, "entity", &s->nkeys);

	if (s->nkeys == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("entity must name at least one column")));
	s->keys = palloc(sizeof(char *) * s->nkeys);
	s->key_types = palloc(sizeof(Oid) * s->nkeys);
	s->key_typmods = palloc(sizeof(int32) * s->nkeys);
	s->key_colls = palloc(sizeof(Oid) * s->nkeys);
	for (int k = 0; k < s->nkeys; k++)
	{
		Form_pg_attribute a;
		TypeCacheEntry *tc;

		s->keys[k] = TextDatumGetCString(d[k]);
		a = panel_column(td, s->keys[k], "events", s->events);
		for (int j = 0; j < k; j++)
			if (strcmp(s->keys[j], s->keys[k]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("entity lists column \"%s\" twice", s->keys[k])));
		tc = lookup_type_cache(a->atttypid, TYPECACHE_HASH_PROC | TYPECACHE_EQ_OPR);
		if (!OidIsValid(tc->hash_proc) || !OidIsValid(tc->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("entity column \"%s\" has type %s, which cannot be hashed",
							s->keys[k], format_type_be(a->atttypid))));
		s->key_types[k] = a->atttypid;
		s->key_typmods[k] = a->atttypmod;
		s->key_colls[k] = a->attcollation;
	}
}

/* Label, horizon and label column. */
static void
ParseLabel(PanelSpec *s, FunctionCallInfo fcinfo, TupleDesc td)
{
	/* in PanelLabelKind order after PL_NONE */
	static const char *const labels[] = {"end", "inactive", "event", NULL};
	char	   *label = ArgText(fcinfo, ARG_LABEL);
	int			k;

	s->label_column = ArgText(fcinfo, ARG_LABEL_COL);
	s->horizon = PG_ARGISNULL(ARG_HORIZON) ? 1 : PG_GETARG_INT32(ARG_HORIZON);
	if (s->horizon < 1 || s->horizon > PANEL_MAX_LAG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon must be between 1 and %d periods", PANEL_MAX_LAG)));
	k = label ? Keyword(label, labels) : -1;
	if (label != NULL && k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown label \"%s\"", ens_name_for_message(label)),
				 errhint("Labels are end (the spine's end), inactive (no events) or event (label_column is true).")));
	s->label = label ? (PanelLabelKind) (PL_END + k) : PL_NONE;
	if ((s->label == PL_EVENT) != (s->label_column != NULL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label_column goes with label => 'event', and only with it")));
	if (s->label == PL_EVENT &&
		getBaseType(panel_column(td, s->label_column, "events", s->events)->atttypid) != BOOLOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("label column \"%s\" must be boolean", s->label_column)));
}

static void
ParseOutput(PanelSpec *s, const char *output)
{
	RangeVar   *rv;

	if (output == NULL || output[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("output must name the table to create")));
	rv = makeRangeVarFromNameList(stringToQualifiedNameList(output));
	if (rv->catalogname != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("output must not name a database")));
	/* resolved under the caller's search_path, before the queries lock it down */
	s->out_nsp = RangeVarGetCreationNamespace(rv);
	s->out_name = rv->relname;
	s->out_qualified = quote_qualified_identifier(get_namespace_name(s->out_nsp), rv->relname);
}

/* The arguments as a JSON object for the output table's comment. */
static void
SpecJson(PanelSpec *s, FunctionCallInfo fcinfo)
{
	static const char *names[NARGS] = {
		"output", "events", "entity", "time_column", "period", "measures", "lags", "rolling",
		"label", "horizon", "label_column", "spine", "spine_start", "spine_end", "spine_until",
		"origin", "as_of", "time_zone", "fill"
	};
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"built_by\": \"edupredict.build_panel\"");
	for (int i = 1; i < NARGS; i++)
	{
		Oid			t = get_fn_expr_argtype(fcinfo->flinfo, i);
		Oid			out;
		bool		varlena;

		if (PG_ARGISNULL(i) || !OidIsValid(t))
			continue;
		getTypeOutputInfo(t, &out, &varlena);
		appendStringInfo(&buf, ", \"%s\": ", names[i]);
		escape_json(&buf, OidOutputFunctionCall(out, PG_GETARG_DATUM(i)));
	}
	appendStringInfoChar(&buf, '}');
	s->json = buf.data;
}

/* Where each statistic lives in a period's bucket (panel.h). */
static void
Layout(PanelSpec *s)
{
	int			n = 1;			/* slot 0: event count */

	s->sum_slot = palloc(sizeof(int) * Max(s->nvalues, 1));
	s->min_slot = palloc(sizeof(int) * Max(s->nvalues, 1));
	s->max_slot = palloc(sizeof(int) * Max(s->nvalues, 1));
	for (int v = 0; v < s->nvalues; v++)
	{
		s->sum_slot[v] = n;
		n += 2;
		s->min_slot[v] = s->max_slot[v] = -1;
		for (int m = 0; m < s->nmeasures; m++)
		{
			if (s->measures[m].value != v)
				continue;
			if (s->measures[m].kind == PM_MIN && s->min_slot[v] < 0)
				s->min_slot[v] = n++;
			if (s->measures[m].kind == PM_MAX && s->max_slot[v] < 0)
				s->max_slot[v] = n++;
		}
	}
	s->label_slot = s->label == PL_EVENT ? n++ : -1;
	s->nslots = n;
	s->mask_words = 0;
	for (int m = 0; m < s->nmeasures; m++)
		if (s->measures[m].kind == PM_DAYS_ACTIVE)
		{
			int64		units = panel_period_units(&s->period);

			if (units > PANEL_MAX_MASK_UNITS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("days_active needs periods of at most %d time units", PANEL_MAX_MASK_UNITS)));
			s->mask_words = (int) ((units + 63) / 64);
		}
	s->stride = s->nslots + s->mask_words;
}

PanelSpec *
panel_spec_from_args(FunctionCallInfo fcinfo)
{
	PanelSpec  *s = palloc0(sizeof(PanelSpec));
	Relation	rel;
	TupleDesc	td;
	char	   *time_col;
	char	   *fill;
	/* in PanelFill order */
	static const char *const fills[] = {"zero", "carry_forward", "interpolate", NULL};
	int			fill_kind;

	if (PG_NARGS() != NARGS)
		elog(ERROR, "build_panel called with %d arguments", PG_NARGS());
	ParseOutput(s, ArgText(fcinfo, ARG_OUTPUT));
	if (PG_ARGISNULL(ARG_EVENTS))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("events must name a relation")));
	s->events = PG_GETARG_OID(ARG_EVENTS);
	rel = panel_open(s->events, "events");
	td = RelationGetDescr(rel);
	ParseEntity(s, fcinfo, td);
	time_col = ArgText(fcinfo, ARG_TIME);
	if (time_col == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time_column must name a column of the events")));
	s->time_type = panel_column(td, time_col, "events", s->events)->atttypid;
	s->time_column = time_col;
	ParsePeriod(s, ArgText(fcinfo, ARG_PERIOD), panel_time_kind(s->time_type, time_col));
	ParseMeasures(s, fcinfo, td);
	s->lags = ArgPeriods(fcinfo, ARG_LAGS, "lags", &s->nlags);
	s->rolling = ArgPeriods(fcinfo, ARG_ROLLING, "rolling", &s->nrolling);
	ParseLabel(s, fcinfo, td);
	relation_close(rel, NoLock);

	fill = ArgText(fcinfo, ARG_FILL);
	fill_kind = fill ? Keyword(fill, fills) : PF_ZERO;
	if (fill_kind < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown fill \"%s\"", ens_name_for_message(fill)),
				 errhint("Fills are zero, carry_forward and interpolate.")));
	s->fill = (PanelFill) fill_kind;
	s->as_of = ArgText(fcinfo, ARG_AS_OF);
	s->zone = ArgText(fcinfo, ARG_ZONE);
	if (s->zone == NULL)
		s->zone = "UTC";
	panel_spine_spec(s, PG_ARGISNULL(ARG_SPINE) ? InvalidOid : PG_GETARG_OID(ARG_SPINE),
					 ArgText(fcinfo, ARG_START), ArgText(fcinfo, ARG_END),
					 ArgText(fcinfo, ARG_UNTIL), ArgText(fcinfo, ARG_ORIGIN));
	panel_check_names(s);
	Layout(s);
	SpecJson(s, fcinfo);
	return s;
}
