/*
 * panel_query.c - the spine's columns, the output's column names, and the
 * SQL text that reads the spine and the events.
 *
 * The queries name every relation by schema, every column through
 * quote_identifier and every function, operator and type through
 * pg_catalog, and they run with search_path = pg_catalog, pg_temp.  Times
 * become units in SQL (day numbers in the stated zone for timestamptz), and
 * as_of is applied there on the original values, so nothing at or after
 * as_of reaches the C side, not even a spine's end date.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "ensemble_pg.h"
#include "panel.h"

enum
{
	SP_START, SP_END, SP_UNTIL, SP_ORIGIN
};

static bool
IsCalendar(PanelTimeKind k)
{
	return k != PT_INTEGER;
}

void
panel_spine_spec(PanelSpec *s, Oid spine, char *start, char *end, char *until, char *origin)
{
	char	   *cols[4] = {start, end, until, origin};
	static const char *what[4] = {"spine_start", "spine_end", "spine_until", "origin"};
	Relation	rel;
	TupleDesc	td;

	s->spine = spine;
	s->spine_start = start;
	s->spine_end = end;
	s->spine_until = until;
	s->origin = origin;
	if (!OidIsValid(spine))
	{
		for (int i = 0; i < 4; i++)
			if (cols[i] != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s needs a spine relation", what[i])));
		if (s->label == PL_END)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label 'end' needs a spine with an end column (spine_end)")));
		return;
	}
	if (start == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a spine needs spine_start, the column where each entity's rows begin")));
	if (s->label == PL_END && end == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label 'end' needs spine_end")));
	if (origin != NULL && s->period.kind != PP_DAY && s->period.kind != PP_WEEK &&
		s->period.kind != PP_WIDTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("origin applies to day, week and width periods only"),
				 errdetail("Months, school terms and years follow the calendar.")));
	rel = panel_open(spine, "spine");
	td = RelationGetDescr(rel);
	for (int k = 0; k < s->nkeys; k++)
		(void) panel_column(td, s->keys[k], "spine", spine);
	for (int i = 0; i < 4; i++)
	{
		if (cols[i] == NULL)
			continue;
		s->spine_type[i] = panel_column(td, cols[i], "spine", spine)->atttypid;
		if (IsCalendar(panel_time_kind(s->spine_type[i], cols[i])) != IsCalendar(s->period.tkind))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("spine column \"%s\" and time column \"%s\" must both be calendar types or both integers",
							cols[i], s->time_column)));
	}
	relation_close(rel, NoLock);
}

static void
AddName(List **names, const char *name)
{
	ListCell   *lc;

	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("output column name \"%s\" is too long (%zu bytes; at most %d)",
						ens_name_for_message(name), strlen(name), NAMEDATALEN - 1)));
	foreach(lc, *names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("output column \"%s\" would appear twice", ens_name_for_message(name)),
					 errhint("Rename the entity column or drop the repeated measure.")));
	*names = lappend(*names, pstrdup(name));
}

/*
 * The widest row the panel's columns can make, as heap_form_tuple lays it
 * out: the tuple header, the null bitmap when a column is NULL, and every
 * value aligned.  A key of variable length counts at its smallest (one byte),
 * so a panel is refused only for a row its columns can really make.
 */
static Size
RowWidth(TupleDesc td, const bool *nullable)
{
	int			n = td->natts;
	Datum	   *values = palloc0(sizeof(Datum) * n);
	bool	   *isnull = palloc0(sizeof(bool) * n);
	Size		widest;

	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);

		if (a->attlen == -1)
		{
			char	   *v = palloc(1);

			SET_VARSIZE_1B(v, 1);
			values[i] = PointerGetDatum(v);
		}
		else if (a->attlen == -2)
			values[i] = CStringGetDatum("");
		else if (!a->attbyval)
			values[i] = PointerGetDatum(palloc0(a->attlen));
	}
	/* every column filled: no bitmap */
	widest = MAXALIGN(MAXALIGN(SizeofHeapTupleHeader) + heap_compute_data_size(td, values, isnull));
	/* one NULL adds the bitmap and drops a value; more NULLs only drop more */
	for (int i = 0; i < n; i++)
	{
		Size		data;

		if (!nullable[i])
			continue;
		isnull[i] = true;
		data = heap_compute_data_size(td, values, isnull);
		isnull[i] = false;
		widest = Max(widest, MAXALIGN(MAXALIGN(SizeofHeapTupleHeader + BITMAPLEN(n)) + data));
	}
	return widest;
}

/*
 * The type of a measure's column (and its lags'): one decision for the
 * check and the CREATE TABLE.
 */
Oid
panel_measure_type(PanelMeasureKind k)
{
	return k == PM_COUNT ? INT8OID : (k == PM_DAYS_ACTIVE || k == PM_SINCE_LAST) ? INT4OID : FLOAT8OID;
}

/*
 * A float8 or bigint is never moved out of line: a panel whose row can be
 * wider than a heap page would read every event, then fail at its first row
 * ("row is too big").  Refused here, before anything is read.
 */
static void
CheckRowWidth(const PanelSpec *s, int ncols)
{
	TupleDesc	td = CreateTemplateTupleDesc(ncols);
	bool	   *nullable = palloc0(sizeof(bool) * ncols);
	int			c = 0;
	Size		width;

	for (int k = 0; k < s->nkeys; k++)
		TupleDescInitEntry(td, ++c, NULL, s->key_types[k], -1, 0);
	TupleDescInitEntry(td, ++c, NULL, INT4OID, -1, 0);
	TupleDescInitEntry(td, ++c, NULL, s->period.tkind == PT_INTEGER ? INT8OID : DATEOID, -1, 0);
	for (int m = 0; m < s->nmeasures; m++)
	{
		/* a value measure is NULL in a period without values (a sum only when not zero-filled) */
		nullable[c] = s->measures[m].value >= 0 &&
			(s->measures[m].kind != PM_SUM || s->fill != PF_ZERO);
		TupleDescInitEntry(td, ++c, NULL, panel_measure_type(s->measures[m].kind), -1, 0);
	}
	for (int m = 0; m < s->nmeasures; m++)
	{
		/* lags are NULL on an entity's first rows; a rolling mean when its measure is */
		for (int l = 0; l < s->nlags; l++)
		{
			nullable[c] = true;
			TupleDescInitEntry(td, ++c, NULL, panel_measure_type(s->measures[m].kind), -1, 0);
		}
		for (int r = 0; r < s->nrolling; r++)
		{
			nullable[c] = nullable[s->nkeys + 2 + m];
			TupleDescInitEntry(td, ++c, NULL, FLOAT8OID, -1, 0);
		}
	}
	if (s->label != PL_NONE)
	{
		nullable[c] = true;
		TupleDescInitEntry(td, ++c, NULL, BOOLOID, -1, 0);
	}
	Assert(c == ncols);
	width = RowWidth(td, nullable);
	if (width > MaxHeapTupleSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a row of the panel could take %zu bytes, more than the %zu bytes a table row holds",
						width, (Size) MaxHeapTupleSize),
				 errdetail("The panel has %d columns (%d entity and period, %d measure, %d lag, %d rolling-mean and %d label columns); bigint and float8 values are always stored in the row, never out of line.",
						   ncols, s->nkeys + 2, s->nmeasures, s->nmeasures * s->nlags,
						   s->nmeasures * s->nrolling, s->label != PL_NONE ? 1 : 0),
				 errhint("Use fewer measures, lags or rolling means, or build a second panel with the rest of them.")));
}

void
panel_check_names(const PanelSpec *s)
{
	List	   *names = NIL;
	char		buf[2 * NAMEDATALEN];

	for (int k = 0; k < s->nkeys; k++)
		AddName(&names, s->keys[k]);
	AddName(&names, "period");
	AddName(&names, "period_start");
	for (int m = 0; m < s->nmeasures; m++)
		AddName(&names, s->measures[m].name);
	for (int m = 0; m < s->nmeasures; m++)
	{
		for (int l = 0; l < s->nlags; l++)
		{
			snprintf(buf, sizeof(buf), "%s_lag%d", s->measures[m].name, s->lags[l]);
			AddName(&names, buf);
		}
		for (int r = 0; r < s->nrolling; r++)
		{
			snprintf(buf, sizeof(buf), "%s_roll%d", s->measures[m].name, s->rolling[r]);
			AddName(&names, buf);
		}
	}
	if (s->label != PL_NONE)
		AddName(&names, "label");
	/*
	 * a table's limit (1600), not a tuple's (1664): CREATE TABLE would
	 * refuse it after every row was read
	 */
	if (list_length(names) > MaxHeapAttributeNumber)
		ereport(ERROR,
				(errcode(ERRCODE_TOO_MANY_COLUMNS),
				 errmsg("the panel would have %d columns, more than a table allows", list_length(names)),
				 errdetail("A table has at most %d columns.", MaxHeapAttributeNumber),
				 errhint("Use fewer measures, lags or rolling means.")));
	CheckRowWidth(s, list_length(names));
}

/* The unit of a time expression (see panel.h). */
static void
AppendUnit(StringInfo buf, const char *expr, Oid type, const char *zone)
{
	switch (panel_time_kind(type, expr))
	{
		case PT_INTEGER:
			appendStringInfo(buf, "(%s)::pg_catalog.int8", expr);
			break;
		case PT_DATE:
			appendStringInfo(buf, "((%s) OPERATOR(pg_catalog.-) '2000-01-01'::pg_catalog.date)::pg_catalog.int8",
							 expr);
			break;
		case PT_TIMESTAMP:
			appendStringInfo(buf, "(pg_catalog.date(%s) OPERATOR(pg_catalog.-) '2000-01-01'::pg_catalog.date)::pg_catalog.int8",
							 expr);
			break;
		case PT_TIMESTAMPTZ:
			appendStringInfo(buf, "(pg_catalog.date(pg_catalog.timezone(%s::pg_catalog.text, %s)) "
							 "OPERATOR(pg_catalog.-) '2000-01-01'::pg_catalog.date)::pg_catalog.int8",
							 quote_literal_cstr(zone), expr);
			break;
	}
}

/* as_of as a literal of a column's base type. */
static char *
AsOfLiteral(const PanelSpec *s, Oid type)
{
	return psprintf("CAST(%s AS %s)", quote_literal_cstr(s->as_of),
					format_type_be_qualified(getBaseType(type)));
}

/* A calendar expression as local time (timestamp) in the zone of the units. */
static void
AppendLocal(StringInfo buf, const char *expr, Oid type, const char *zone)
{
	if (panel_time_kind(type, expr) == PT_TIMESTAMPTZ)
		appendStringInfo(buf, "pg_catalog.timezone(%s::pg_catalog.text, %s)", quote_literal_cstr(zone), expr);
	else
		appendStringInfo(buf, "(%s)::pg_catalog.timestamp", expr);
}

/*
 * "expr < as_of" for a spine column.  as_of is a value of the time column's
 * type; a spine column of another calendar type is compared in local time of
 * the zone the units are counted in, where a date is the midnight its day
 * begins with (a start on the day of a mid-day as_of is before it).
 */
static void
AppendBeforeAsOf(StringInfo buf, const PanelSpec *s, const char *expr, Oid type)
{
	Oid			base = getBaseType(type);
	Oid			tbase = getBaseType(s->time_type);
	char	   *as_of = AsOfLiteral(s, tbase);

	if (base == tbase || !IsCalendar(s->period.tkind))
	{
		appendStringInfo(buf, "%s OPERATOR(pg_catalog.<) %s", expr, as_of);
		return;
	}
	AppendLocal(buf, expr, base, s->zone);
	appendStringInfoString(buf, " OPERATOR(pg_catalog.<) ");
	AppendLocal(buf, as_of, tbase, s->zone);
}

static char *
Col(const char *alias, const char *name)
{
	return psprintf("%s.%s", alias, quote_identifier(name));
}

static char *
RelName(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
}

/* Entity keys, unit, value columns as float8, label flag. */
static char *
EventsQuery(const PanelSpec *s)
{
	StringInfoData q;
	char	   *t = Col("e", s->time_column);

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (int k = 0; k < s->nkeys; k++)
		appendStringInfo(&q, "%s, ", Col("e", s->keys[k]));
	AppendUnit(&q, t, s->time_type, s->zone);
	for (int v = 0; v < s->nvalues; v++)
	{
		char	   *c = Col("e", s->values[v]);

		/* boolean has no cast to float8; counts as 0/1 */
		if (getBaseType(get_atttype(s->events, get_attnum(s->events, s->values[v]))) == BOOLOID)
			appendStringInfo(&q, ", (%s)::pg_catalog.int4::pg_catalog.float8", c);
		else
			appendStringInfo(&q, ", (%s)::pg_catalog.float8", c);
	}
	if (s->label == PL_EVENT)
		appendStringInfo(&q, ", COALESCE((%s)::pg_catalog.bool, false)",
						 Col("e", s->label_column));
	appendStringInfo(&q, " FROM %s e WHERE %s IS NOT NULL", RelName(s->events), t);
	if (s->as_of != NULL)
		appendStringInfo(&q, " AND %s OPERATOR(pg_catalog.<) %s", t, AsOfLiteral(s, s->time_type));
	return q.data;
}

/* Entity keys (as the events' types), then start, end, until, origin units. */
static char *
SpineQuery(const PanelSpec *s)
{
	StringInfoData q;
	const char *cols[4] = {s->spine_start, s->spine_end, s->spine_until, s->origin};

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (int k = 0; k < s->nkeys; k++)
		appendStringInfo(&q, "CAST(%s AS %s), ", Col("s", s->keys[k]),
						 format_type_extended(s->key_types[k], s->key_typmods[k],
											  FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY));
	for (int i = 0; i < 4; i++)
	{
		char	   *c;

		if (i > 0)
			appendStringInfoString(&q, ", ");
		if (cols[i] == NULL)
		{
			appendStringInfoString(&q, "NULL::pg_catalog.int8");
			continue;
		}
		c = Col("s", cols[i]);
		/* an end or until at or after as_of is not known yet */
		if (s->as_of != NULL && (i == SP_END || i == SP_UNTIL))
		{
			appendStringInfoString(&q, "CASE WHEN ");
			AppendBeforeAsOf(&q, s, c, s->spine_type[i]);
			appendStringInfoString(&q, " THEN ");
		}
		AppendUnit(&q, c, s->spine_type[i], s->zone);
		if (s->as_of != NULL && (i == SP_END || i == SP_UNTIL))
			appendStringInfoString(&q, " END");
	}
	appendStringInfo(&q, " FROM %s s", RelName(s->spine));
	/* a NULL start stays in, to be refused by the reader */
	if (s->as_of != NULL)
	{
		appendStringInfoString(&q, " WHERE ");
		AppendBeforeAsOf(&q, s, Col("s", s->spine_start), s->spine_type[SP_START]);
		appendStringInfo(&q, " OR %s IS NULL", Col("s", s->spine_start));
	}
	return q.data;
}

static int64
QueryInt8(const char *sql)
{
	bool		isnull;
	Datum		d;

	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "build_panel: could not run \"%s\"", sql);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be NULL or infinite")));
	return DatumGetInt64(d);
}

/*
 * The queries, the last unit before as_of and the last one that has ended by
 * then.  Runs under SPI with the locked-down search_path.
 */
void
panel_build_queries(PanelSpec *s)
{
	StringInfoData q;

	/* an unknown zone fails here, before any row is read */
	initStringInfo(&q);
	appendStringInfo(&q, "SELECT pg_catalog.timezone(%s::pg_catalog.text, pg_catalog.now())",
					 quote_literal_cstr(s->zone));
	if (SPI_execute(q.data, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "build_panel: could not check the time zone");
	s->as_of_last = s->known_last = PANEL_NO_UNIT;
	if (s->as_of != NULL)
	{
		PanelTimeKind tk = s->period.tkind;
		char	   *lit = AsOfLiteral(s, s->time_type);

		/* 'infinity' reads as a date or timestamp, but has no unit */
		if (IsCalendar(tk))
		{
			bool		isnull;

			resetStringInfo(&q);
			appendStringInfo(&q, "SELECT pg_catalog.isfinite(%s)", lit);
			if (SPI_execute(q.data, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
				elog(ERROR, "build_panel: could not run \"%s\"", q.data);
			if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("as_of must be a finite time, not \"%s\"", s->as_of),
						 errhint("Give the time the panel is built at, or leave as_of out to read every event.")));
		}
		/*
		 * The unit before as_of's is the last that has ended by as_of (a unit
		 * ends where the next begins, midnight of time_zone for days).  For a
		 * date or an integer it is also the last unit read; a timestamp reads
		 * part of its own day too, up to as_of, but that day is not known.
		 */
		resetStringInfo(&q);
		appendStringInfoString(&q, "SELECT ");
		AppendUnit(&q, lit, getBaseType(s->time_type), s->zone);
		s->known_last = QueryInt8(q.data);
		panel_check_unit(s->known_last, "as_of");
		s->known_last--;
		panel_check_unit(s->known_last, "as_of");
		s->as_of_last = s->known_last;
		if (tk == PT_TIMESTAMP || tk == PT_TIMESTAMPTZ)
		{
			/* the day of the last microsecond before as_of */
			resetStringInfo(&q);
			appendStringInfoString(&q, "SELECT ");
			AppendUnit(&q, psprintf("(%s OPERATOR(pg_catalog.-) '1 microsecond'::pg_catalog.interval)", lit),
					   getBaseType(s->time_type), s->zone);
			s->as_of_last = QueryInt8(q.data);
			panel_check_unit(s->as_of_last, "as_of");
		}
	}
	s->events_query = EventsQuery(s);
	s->spine_query = OidIsValid(s->spine) ? SpineQuery(s) : NULL;
}
