/*
 * school_term.c
 *	  The school_term base type: "2023 Summer".  Terms of a calendar year are
 *	  Spring (January-March), Summer (April-August) and Autumn
 *	  (September-December).  A term is stored as an int4 year * 3 + season, so
 *	  ordering, hashing and arithmetic are integer operations and
 *	  '2023 Autumn' + 1 = '2024 Spring' falls out of the representation.
 */
#include "postgres.h"

#include <ctype.h>

#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/sortsupport.h"

#include "school_term.h"

static const char *const season_names[3] = {"Spring", "Summer", "Autumn"};

/* First month of each season; a season ends the month before the next starts. */
static const int season_first_month[3] = {1, 4, 9};

#define ACCEPTED_FORM "\"YYYY Spring\", \"YYYY Summer\" or \"YYYY Autumn\""

static void
ReportTermOutOfRange(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("school_term out of range"),
			 errdetail("Terms from %d Spring to %d Autumn are supported.",
					   SCHOOL_TERM_MIN_YEAR, SCHOOL_TERM_MAX_YEAR)));
}

static SchoolTerm
MakeTerm(int64 year, int season)
{
	if (year < SCHOOL_TERM_MIN_YEAR || year > SCHOOL_TERM_MAX_YEAR)
		ReportTermOutOfRange();
	return (SchoolTerm) (year * 3 + season);
}

static SchoolTerm
CheckTerm(int64 value)
{
	if (value < SCHOOL_TERM_MIN || value > SCHOOL_TERM_MAX)
		ReportTermOutOfRange();
	return (SchoolTerm) value;
}

static void
ReportBadSyntax(void)
{
	/* The input is not echoed: it may be anything a user pasted. */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type school_term, expected " ACCEPTED_FORM),
			 errhint("For example '2023 Summer'. Spring is January to March, Summer April to August, Autumn September to December.")));
}

PG_FUNCTION_INFO_V1(school_term_in);
Datum
school_term_in(PG_FUNCTION_ARGS)
{
	const char *s = PG_GETARG_CSTRING(0);
	int64		year = 0;
	int			ndigits = 0;
	const char *word;
	size_t		wordlen;
	int			season;

	while (isspace((unsigned char) *s))
		s++;

	/*
	 * Leading zeros are accepted and ignored, as int4 and date input do
	 * ('02023-01-01'::date is 2023-01-01): only the digits after them count
	 * towards the cap that sends a long year to "out of range".
	 */
	while (*s == '0' && isdigit((unsigned char) s[1]))
		s++;
	while (isdigit((unsigned char) *s))
	{
		if (ndigits < 10)
			year = year * 10 + (*s - '0');
		ndigits++;
		s++;
	}
	if (ndigits == 0 || !isspace((unsigned char) *s))
		ReportBadSyntax();
	while (isspace((unsigned char) *s))
		s++;
	word = s;
	while (isalpha((unsigned char) *s))
		s++;
	wordlen = s - word;
	while (isspace((unsigned char) *s))
		s++;
	if (*s != '\0')
		ReportBadSyntax();

	for (season = 0; season < 3; season++)
		if (wordlen == strlen(season_names[season]) &&
			pg_strncasecmp(word, season_names[season], wordlen) == 0)
			break;
	if (season == 3)
		ReportBadSyntax();

	if (ndigits > 10)
		year = PG_INT64_MAX;
	PG_RETURN_SCHOOL_TERM(MakeTerm(year, season));
}

PG_FUNCTION_INFO_V1(school_term_out);
Datum
school_term_out(PG_FUNCTION_ARGS)
{
	SchoolTerm	t = PG_GETARG_SCHOOL_TERM(0);

	PG_RETURN_CSTRING(psprintf("%04d %s", SchoolTermYear(t),
							   season_names[SchoolTermSeason(t)]));
}

PG_FUNCTION_INFO_V1(school_term_recv);
Datum
school_term_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	/* Binary form: the int4 year * 3 + season, range-checked. */
	PG_RETURN_SCHOOL_TERM(CheckTerm(pq_getmsgint(buf, 4)));
}

PG_FUNCTION_INFO_V1(school_term_send);
Datum
school_term_send(PG_FUNCTION_ARGS)
{
	SchoolTerm	t = PG_GETARG_SCHOOL_TERM(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, t);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Comparison, hashing and sorting: plain int4 semantics. */
#define TERM_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_SCHOOL_TERM(0) op PG_GETARG_SCHOOL_TERM(1)); \
}

TERM_CMP_FN(school_term_lt, <)
TERM_CMP_FN(school_term_le, <=)
TERM_CMP_FN(school_term_eq, ==)
TERM_CMP_FN(school_term_ne, !=)
TERM_CMP_FN(school_term_ge, >=)
TERM_CMP_FN(school_term_gt, >)

PG_FUNCTION_INFO_V1(school_term_cmp);
Datum
school_term_cmp(PG_FUNCTION_ARGS)
{
	SchoolTerm	a = PG_GETARG_SCHOOL_TERM(0);
	SchoolTerm	b = PG_GETARG_SCHOOL_TERM(1);

	PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0));
}

PG_FUNCTION_INFO_V1(school_term_sortsupport);
Datum
school_term_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = ssup_datum_int32_cmp;
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(school_term_hash);
Datum
school_term_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_SCHOOL_TERM(0));
}

PG_FUNCTION_INFO_V1(school_term_hash_extended);
Datum
school_term_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_SCHOOL_TERM(0),
								(uint64) PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(school_term_smaller);
Datum
school_term_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_SCHOOL_TERM(Min(PG_GETARG_SCHOOL_TERM(0), PG_GETARG_SCHOOL_TERM(1)));
}

PG_FUNCTION_INFO_V1(school_term_larger);
Datum
school_term_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_SCHOOL_TERM(Max(PG_GETARG_SCHOOL_TERM(0), PG_GETARG_SCHOOL_TERM(1)));
}

/* Arithmetic in terms. */
PG_FUNCTION_INFO_V1(school_term_pl_int4);
Datum
school_term_pl_int4(PG_FUNCTION_ARGS)
{
	PG_RETURN_SCHOOL_TERM(CheckTerm((int64) PG_GETARG_SCHOOL_TERM(0) +
									PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(int4_pl_school_term);
Datum
int4_pl_school_term(PG_FUNCTION_ARGS)
{
	PG_RETURN_SCHOOL_TERM(CheckTerm((int64) PG_GETARG_INT32(0) +
									PG_GETARG_SCHOOL_TERM(1)));
}

PG_FUNCTION_INFO_V1(school_term_mi_int4);
Datum
school_term_mi_int4(PG_FUNCTION_ARGS)
{
	PG_RETURN_SCHOOL_TERM(CheckTerm((int64) PG_GETARG_SCHOOL_TERM(0) -
									PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(school_term_mi);
Datum
school_term_mi(PG_FUNCTION_ARGS)
{
	/* Both operands are in range, so the difference fits easily in int4. */
	PG_RETURN_INT32(PG_GETARG_SCHOOL_TERM(0) - PG_GETARG_SCHOOL_TERM(1));
}

/* Calendar conversions. */
PG_FUNCTION_INFO_V1(school_term_of_date);
Datum
school_term_of_date(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	int			year,
				month,
				day;
	int			season;

	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("an infinite date has no school term")));
	j2date(d + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	season = month < 4 ? 0 : (month < 9 ? 1 : 2);
	PG_RETURN_SCHOOL_TERM(MakeTerm(year, season));
}

PG_FUNCTION_INFO_V1(school_term_start);
Datum
school_term_start(PG_FUNCTION_ARGS)
{
	SchoolTerm	t = PG_GETARG_SCHOOL_TERM(0);

	PG_RETURN_DATEADT(date2j(SchoolTermYear(t),
							 season_first_month[SchoolTermSeason(t)], 1) -
					  POSTGRES_EPOCH_JDATE);
}

PG_FUNCTION_INFO_V1(school_term_end);
Datum
school_term_end(PG_FUNCTION_ARGS)
{
	SchoolTerm	t = PG_GETARG_SCHOOL_TERM(0);
	int			year = SchoolTermYear(t);
	int			season = SchoolTermSeason(t);
	int			next_start;

	/* The day before the next term starts (t + 1 may be past the type's range). */
	if (season == 2)
		next_start = date2j(year + 1, 1, 1);
	else
		next_start = date2j(year, season_first_month[season + 1], 1);
	PG_RETURN_DATEADT(next_start - 1 - POSTGRES_EPOCH_JDATE);
}

PG_FUNCTION_INFO_V1(school_term_year);
Datum
school_term_year(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(SchoolTermYear(PG_GETARG_SCHOOL_TERM(0)));
}

PG_FUNCTION_INFO_V1(school_term_season);
Datum
school_term_season(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(season_names[SchoolTermSeason(PG_GETARG_SCHOOL_TERM(0))]));
}
