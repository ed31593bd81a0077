/*
 * school_term.h
 *	  The school_term type: a term of an English school year (Spring, Summer,
 *	  Autumn), stored as one int4 = year * 3 + season index.
 */
#ifndef EDUPREDICT_SCHOOL_TERM_H
#define EDUPREDICT_SCHOOL_TERM_H

#include "postgres.h"
#include "fmgr.h"

typedef int32 SchoolTerm;

#define SCHOOL_TERM_MIN_YEAR	1000
#define SCHOOL_TERM_MAX_YEAR	9999
#define SCHOOL_TERM_MIN			(SCHOOL_TERM_MIN_YEAR * 3)
#define SCHOOL_TERM_MAX			(SCHOOL_TERM_MAX_YEAR * 3 + 2)

#define DatumGetSchoolTerm(X)	DatumGetInt32(X)
#define SchoolTermGetDatum(X)	Int32GetDatum(X)
#define PG_GETARG_SCHOOL_TERM(n)	DatumGetSchoolTerm(PG_GETARG_DATUM(n))
#define PG_RETURN_SCHOOL_TERM(x)	return SchoolTermGetDatum(x)

/* Season index 0 = Spring (Jan-Mar), 1 = Summer (Apr-Aug), 2 = Autumn (Sep-Dec). */
static inline int
SchoolTermYear(SchoolTerm t)
{
	return t / 3;
}

static inline int
SchoolTermSeason(SchoolTerm t)
{
	return t % 3;
}

#endif
