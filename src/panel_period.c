/*
 * panel_period.c - time units to period numbers and back.
 *
 * Units are day numbers (days since 2000-01-01) for calendar columns and the
 * values themselves for integer columns.  Day, week and integer-width periods
 * are counted from an origin (the entity's or the group's start, or a fixed
 * default: 2000-01-03, a Monday, for calendar weeks; 0 otherwise); months,
 * school terms and years follow the calendar.  Period numbers:
 *   day, week, width: floor((unit - origin) / width)
 *   month: year * 12 + month - 1
 *   school_term: year * 3 + season (0 Spring Jan-Mar, 1 Summer Apr-Aug,
 *                2 Autumn Sep-Dec), as the school_term type stores it
 *   year: the calendar year; for an integer column the value itself
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/datetime.h"

#include "panel.h"

int64
panel_floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

void
panel_check_unit(int64 unit, const char *what)
{
	if (unit > PANEL_MAX_UNIT || unit < -PANEL_MAX_UNIT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of the range build_panel accepts", what),
				 errdetail("Integer time values must lie within plus or minus 2^40.")));
}

static int32
CheckPeriod(int64 p)
{
	if (p > PG_INT32_MAX / 2 || p < PG_INT32_MIN / 2)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("period number is out of range"),
				 errhint("Use a wider period or an origin closer to the data.")));
	return (int32) p;
}

int32
panel_period_of(const PanelPeriod *p, int64 unit, int64 origin)
{
	int			y,
				m,
				d;

	switch (p->kind)
	{
		case PP_DAY:
		case PP_WEEK:
		case PP_WIDTH:
			return CheckPeriod(panel_floor_div(unit - origin, p->width));
		case PP_YEAR:
			if (p->tkind == PT_INTEGER)
				return CheckPeriod(unit);
			j2date((int) unit + POSTGRES_EPOCH_JDATE, &y, &m, &d);
			return y;
		case PP_MONTH:
			j2date((int) unit + POSTGRES_EPOCH_JDATE, &y, &m, &d);
			return CheckPeriod((int64) y * 12 + m - 1);
		case PP_TERM:
			j2date((int) unit + POSTGRES_EPOCH_JDATE, &y, &m, &d);
			return CheckPeriod((int64) y * 3 + (m <= 3 ? 0 : m <= 8 ? 1 : 2));
	}
	elog(ERROR, "unknown period kind %d", (int) p->kind);
	return 0;
}

/* The first unit of a period. */
int64
panel_period_start(const PanelPeriod *p, int32 period, int64 origin)
{
	static const int term_month[3] = {1, 4, 9};

	switch (p->kind)
	{
		case PP_DAY:
		case PP_WEEK:
		case PP_WIDTH:
			return origin + (int64) period * p->width;
		case PP_YEAR:
			if (p->tkind == PT_INTEGER)
				return period;
			return date2j(period, 1, 1) - POSTGRES_EPOCH_JDATE;
		case PP_MONTH:
			return date2j((int) panel_floor_div(period, 12),
						  (int) (period - panel_floor_div(period, 12) * 12) + 1, 1)
				- POSTGRES_EPOCH_JDATE;
		case PP_TERM:
			return date2j((int) panel_floor_div(period, 3),
						  term_month[period - panel_floor_div(period, 3) * 3], 1)
				- POSTGRES_EPOCH_JDATE;
	}
	elog(ERROR, "unknown period kind %d", (int) p->kind);
	return 0;
}

/* The most units one period can hold (for the active-unit bitmap). */
int64
panel_period_units(const PanelPeriod *p)
{
	switch (p->kind)
	{
		case PP_DAY:
		case PP_WEEK:
		case PP_WIDTH:
			return p->width;
		case PP_MONTH:
			return 31;
		case PP_TERM:
			return 153;			/* April to August */
		case PP_YEAR:
			return p->tkind == PT_INTEGER ? 1 : 366;
	}
	return 1;
}
