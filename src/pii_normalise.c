/*
 * pii_normalise.c: canonical forms of personal values, so that the same
 * person written differently ("  Ann.Lee@X.org", "ann.lee@x.org") gets the
 * same pseudonym.
 *
 * Case mapping: ASCII letters are mapped by fixed rules so that ASCII values
 * hash identically in every database; values with other characters use the
 * database's default collation, as SQL lower()/upper() do.  The result is
 * converted to UTF-8 and put in Unicode NFC, so the pseudonym does not depend
 * on the server encoding or on how an accent was typed.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "common/unicode_norm.h"
#include "common/unicode_norm_table.h"
#include "mb/pg_wchar.h"
#include "utils/formatting.h"

#include "pii.h"

/*
 * Longest run of code points that may decompose to combining marks.
 * unicode_normalize() puts each run of marks in canonical order by insertion
 * sort, without checking for interrupts, so a long run costs quadratic time
 * that cannot be cancelled (a 1 MB value of alternating U+0301 U+0316 would
 * take about half an hour).  Unicode's Stream-Safe Text Format allows 30
 * marks in a row; real names and addresses have a few.
 */
#define PII_MAX_MARK_RUN 128

static int
DecompCmp(const void *key, const void *entry)
{
	pg_wchar	c = *(const pg_wchar *) key;
	uint32		e = ((const pg_unicode_decomposition *) entry)->codepoint;

	return c < e ? -1 : (c > e ? 1 : 0);
}

static const pg_unicode_decomposition *
FindDecomp(pg_wchar c)
{
	if (c < 0x80)
		return NULL;
	return bsearch(&c, UnicodeDecompMain, lengthof(UnicodeDecompMain),
				   sizeof(pg_unicode_decomposition), DecompCmp);
}

/*
 * Bounds the marks in a row, counting conservatively.  A code point without
 * an entry in PostgreSQL's table is a starter that decomposes to itself and
 * ends the run (the sort never moves marks across it).  A starter whose
 * decomposition begins with a starter (e acute: e, U+0301) starts a new run
 * of at most three marks.  Anything else adds the code points it may expand
 * to.
 */
static void
CheckMarkRuns(const pg_wchar *wide, int nchars)
{
	int			run = 0;

	for (int i = 0; i < nchars; i++)
	{
		const pg_unicode_decomposition *e = FindDecomp(wide[i]);

		if (e == NULL)
		{
			run = 0;
			continue;
		}
		if (e->comb_class == 0 && DECOMPOSITION_SIZE(e) > 0)
		{
			pg_wchar	first = DECOMPOSITION_IS_INLINE(e) ? e->dec_index :
				UnicodeDecomp_codepoints[e->dec_index];
			const pg_unicode_decomposition *f = FindDecomp(first);

			if (f == NULL || f->comb_class == 0)
			{
				run = 3;
				continue;
			}
		}
		run += e->comb_class != 0 && DECOMPOSITION_SIZE(e) <= 1 ? 1 : 4;
		if (run > PII_MAX_MARK_RUN)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many combining characters in a row for sha256_pii"),
					 errdetail("At most %d combining characters may follow one another.",
							   PII_MAX_MARK_RUN)));
	}
}

static const char *const kind_names[] = {"text", "email", "name", "postcode", "phone"};

PiiKind
edupredict_pii_parse_kind(const char *kind, int len)
{
	for (int i = 0; i < (int) lengthof(kind_names); i++)
	{
		if ((int) strlen(kind_names[i]) == len && memcmp(kind, kind_names[i], len) == 0)
			return (PiiKind) i;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown kind for sha256_pii"),
			 errdetail("Valid kinds are text, email, name, postcode and phone.")));
	return PII_TEXT;			/* keep compiler quiet */
}

static inline bool
IsAsciiSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool
IsAscii(const char *s, int len)
{
	for (int i = 0; i < len; i++)
	{
		if (IS_HIGHBIT_SET(s[i]))
			return false;
	}
	return true;
}

static inline char
AsciiLower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline char
AsciiUpper(char c)
{
	return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

/*
 * One pass over the value: trims ASCII whitespace at both ends, optionally
 * collapses inner runs to one space, and lower-cases ASCII letters.  Values
 * with other characters are lower-cased by the collation afterwards.
 */
static char *
TrimLower(const char *s, int len, bool collapse, int *out_len)
{
	char	   *out = palloc(len + 1);
	int			n = 0;
	int			start = 0;
	int			end = len;
	bool		in_space = false;
	bool		ascii = true;

	while (start < end && IsAsciiSpace(s[start]))
		start++;
	while (end > start && IsAsciiSpace(s[end - 1]))
		end--;
	for (int i = start; i < end; i++)
	{
		char		c = s[i];

		if (collapse && IsAsciiSpace(c))
		{
			if (!in_space)
				out[n++] = ' ';
			in_space = true;
			continue;
		}
		in_space = false;
		ascii &= !IS_HIGHBIT_SET(c);
		out[n++] = AsciiLower(c);
	}
	out[n] = '\0';
	*out_len = n;
	if (!ascii)
	{
		char	   *lower = str_tolower(out, n, DEFAULT_COLLATION_OID);

		*out_len = strlen(lower);
		return lower;
	}
	return out;
}

/* Removes all ASCII whitespace and upper-cases, as for lower-casing above. */
static char *
RemoveSpacesUpper(const char *s, int len, int *out_len)
{
	char	   *out = palloc(len + 1);
	int			n = 0;
	bool		ascii = true;

	for (int i = 0; i < len; i++)
	{
		if (!IsAsciiSpace(s[i]))
		{
			ascii &= !IS_HIGHBIT_SET(s[i]);
			out[n++] = AsciiUpper(s[i]);
		}
	}
	out[n] = '\0';
	*out_len = n;
	if (!ascii)
	{
		char	   *upper = str_toupper(out, n, DEFAULT_COLLATION_OID);

		*out_len = strlen(upper);
		return upper;
	}
	return out;
}

/*
 * Length of the ITU-T E.164 country calling code at the start of an
 * international number's digits; 0 if the digits cannot start one (a 0).
 * Country codes form a prefix code, so the first two digits decide the
 * length: 1 and 7 are one digit; 20, 27, 30-34, 36, 39, 40, 41, 43-49,
 * 51-58, 60-66, 81, 82, 84, 86, 90-95 and 98 are two; the rest are three.
 */
static int
CountryCodeLength(const char *d, int n)
{
	char		b;

	if (n < 1 || d[0] == '0')
		return 0;
	if (d[0] == '1' || d[0] == '7')
		return 1;
	if (n < 2)
		return 2;				/* incomplete: no subscriber digits either way */
	b = d[1];
	switch (d[0])
	{
		case '2':
			return (b == '0' || b == '7') ? 2 : 3;
		case '3':
			return (b <= '4' || b == '6' || b == '9') ? 2 : 3;
		case '4':
			return b == '2' ? 3 : 2;
		case '5':
			return (b == '0' || b == '9') ? 3 : 2;
		case '6':
			return b <= '6' ? 2 : 3;
		case '8':
			return (b == '1' || b == '2' || b == '4' || b == '6') ? 2 : 3;
		default:				/* '9' */
			return (b <= '5' || b == '8') ? 2 : 3;
	}
}

/*
 * Digits only.  "+" or "00" before the digits means an international number
 * (the prefix is dropped); otherwise one leading "0" is a trunk prefix
 * replaced by the country code.  "(0)" after a "+" is the UK habit of
 * showing the trunk prefix and is not part of the number.  A number with no
 * digits after its country code or trunk prefix ("0", "+44", "+0", "000")
 * identifies nobody: the length is then 0.
 */
static char *
NormalisePhone(const char *s, int len, const char *country, int *out_len)
{
	char	   *out = palloc(len + strlen(country) + 1);
	int			n = 0;
	int			i = 0;
	bool		plus = false;

	while (i < len && IsAsciiSpace(s[i]))
		i++;
	if (i < len && s[i] == '+')
	{
		plus = true;
		i++;
	}
	for (; i < len; i++)
	{
		if (plus && n > 0 && i + 2 < len && s[i] == '(' && s[i + 1] == '0' && s[i + 2] == ')')
		{
			i += 2;
			continue;
		}
		if (s[i] >= '0' && s[i] <= '9')
			out[n++] = s[i];
	}
	out[n] = '\0';

	if (!plus && n >= 2 && out[0] == '0' && out[1] == '0')
	{
		memmove(out, out + 2, n - 1);
		n -= 2;
		plus = true;
	}
	if (plus)
	{
		int			ccl = CountryCodeLength(out, n);

		if (ccl == 0 || n <= ccl)
			n = 0;
	}
	else if (n >= 1 && out[0] == '0')
	{
		int			clen = strlen(country);

		if (n == 1)
			n = 0;
		else
		{
			memmove(out + clen, out + 1, n);	/* includes the NUL */
			memcpy(out, country, clen);
			n = n - 1 + clen;
		}
	}
	*out_len = n;
	return out;
}

/* Converts to UTF-8 and applies NFC; ASCII is already both. */
static char *
ToUtf8Nfc(char *s, int len, int *out_len)
{
	char	   *utf8;
	int			ulen;
	pg_wchar   *wide;
	pg_wchar   *nfc;
	char	   *out;
	int			nchars = 0;
	int			n = 0;
	const unsigned char *p;
	const unsigned char *end;

	if (IsAscii(s, len))
	{
		*out_len = len;
		return s;
	}

	utf8 = pg_server_to_any(s, len, PG_UTF8);
	ulen = (utf8 == s) ? len : (int) strlen(utf8);

	/* Decode to code points; the input was validated when it became text. */
	wide = palloc((ulen + 1) * sizeof(pg_wchar));
	p = (const unsigned char *) utf8;
	end = p + ulen;
	while (p < end)
	{
		wide[nchars++] = utf8_to_unicode(p);
		p += pg_utf_mblen(p);
	}
	wide[nchars] = 0;
	CheckMarkRuns(wide, nchars);

	if (unicode_is_normalized_quickcheck(UNICODE_NFC, wide) == UNICODE_NORM_QC_YES)
	{
		*out_len = ulen;
		return utf8;
	}

	nfc = unicode_normalize(UNICODE_NFC, wide);
	if (nfc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while normalising a value for sha256_pii")));

	nchars = 0;
	while (nfc[nchars] != 0)
		nchars++;
	out = palloc((Size) nchars * 4 + 1);
	for (int i = 0; i < nchars; i++)
	{
		unicode_to_utf8(nfc[i], (unsigned char *) out + n);
		n += pg_utf_mblen((unsigned char *) out + n);
	}
	pfree(nfc);
	*out_len = n;
	return out;
}

char *
edupredict_pii_normalise(PiiKind kind, const char *value, int len,
						 const char *phone_country, int *out_len)
{
	char	   *s;
	int			n;

	switch (kind)
	{
		case PII_TEXT:
			s = pnstrdup(value, len);
			n = len;
			break;
		case PII_EMAIL:
			s = TrimLower(value, len, false, &n);
			break;
		case PII_NAME:
			s = TrimLower(value, len, true, &n);
			break;
		case PII_POSTCODE:
			s = RemoveSpacesUpper(value, len, &n);
			break;
		case PII_PHONE:
			/* Digits are ASCII in every server encoding: no NFC step needed. */
			return NormalisePhone(value, len, phone_country, out_len);
		default:
			elog(ERROR, "unexpected PII kind %d", (int) kind);
	}
	return ToUtf8Nfc(s, n, out_len);
}
