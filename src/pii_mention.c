/*
 * pii_mention.c: may a piece of SQL text name edupredict.pii_key?
 *
 * Used only to redact log lines (pii_log.c): the setting's context is what
 * keeps the key from being set by SQL, so this check may err towards "yes".
 * It reads what the SQL lexer would decode -- quoted and U& identifiers,
 * E'' escapes, U& strings, dollar quotes, strings continued on the next line
 * -- and joins every identifier and string into one stream, so that
 * "EDUPREDICT"."PII_KEY", 'edupredict.' || 'pii_key' and E'pii\137key' are
 * all found.  The text is read several ways, any of which counts: '' strings
 * with or without backslash escapes (standard_conforming_strings may be
 * off); "" as a quoted identifier or as plain text (a CONTEXT line quotes
 * SQL in double quotes: SQL statement "..."); and the contents of a dollar
 * quote or a '' string both as a string and as SQL (a DO block, a function
 * body or EXECUTE's text is lexed again when it runs), down to MAX_DEPTH
 * nested quotes; a quote deeper counts when it holds an escape (a backslash,
 * UESCAPE) or the letters of pii_key in order, maybe apart (MayNameKey:
 * cannot tell, so it may).  It never fails: an unterminated quote runs to
 * the end of the text.  A UESCAPE clause (a custom escape character) counts
 * as a mention.  The names pii_key_file and
 * pii_key_fingerprint carry no secret and do not count, so an
 * administrator's checks stay readable in the log -- but only when the
 * suffix is in the same token as the name: in U&"edupredict.pii\005fkey" =
 * '_file...' the value merely starts with those letters.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "pii.h"

/*
 * The decoded stream: at most two bytes per byte of the text (a decoded
 * character and a token boundary), so it is allocated once (this runs
 * inside error reporting: no growing buffers).
 */
typedef struct Stream
{
	char	   *data;
	size_t		len;
} Stream;

/* Between two tokens; Feed never writes it. */
#define BOUNDARY '\xff'

/*
 * Appends one decoded code point; outside ASCII (and NUL) it cannot be part
 * of a name.  The case stays: a string's contents are read again as SQL,
 * where \u and \U differ.
 */
static void
Feed(Stream *m, unsigned int c)
{
	m->data[m->len++] = (c > 0 && c < 128) ? (char) c : '\x80';
}

/* Ends the current token: names join across it, pii_key's suffixes do not. */
static void
Boundary(Stream *m)
{
	if (m->len > 0 && m->data[m->len - 1] != BOUNDARY)
		m->data[m->len++] = BOUNDARY;
}

/* The names after "pii_key" that hold no secret. */
static bool
HarmlessSuffix(const char *p, size_t n)
{
	return (n >= 12 && pg_strncasecmp(p, "_fingerprint", 12) == 0) ||
		(n >= 5 && pg_strncasecmp(p, "_file", 5) == 0);
}

/* "pii_key" anywhere in the raw text, except as part of the harmless names. */
static bool
NamesKey(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
	{
		if (pg_strncasecmp(p, "pii_key", 7) == 0 && !HarmlessSuffix(p + 7, strnlen(p + 7, 12)))
			return true;
	}
	return false;
}

/*
 * The same in the stream, where "pii_key" may span boundaries
 * ('pii' || '_key') but a harmless suffix must follow in the same token.
 */
static bool
StreamNamesKey(const Stream *m)
{
	static const char name[] = "pii_key";

	for (size_t p = 0; p < m->len; p++)
	{
		size_t		q = p;
		int			k = 0;

		while (k < 7 && q < m->len)
		{
			if (m->data[q] == BOUNDARY && k > 0)
				q++;
			else if (pg_ascii_tolower((unsigned char) m->data[q]) == name[k])
			{
				k++;
				q++;
			}
			else
				break;
		}
		if (k == 7 && !HarmlessSuffix(m->data + q, m->len - q))
			return true;
	}
	return false;
}

bool
edupredict_pii_contains_nocase(const char *s, const char *needle)
{
	size_t		n = strlen(needle);

	for (; *s != '\0'; s++)
	{
		if (pg_strncasecmp(s, needle, n) == 0)
			return true;
	}
	return false;
}

static unsigned int
ReadHex(const char *s, size_t n, size_t *i, int max_digits)
{
	unsigned int v = 0;

	for (int k = 0; k < max_digits && *i < n && isxdigit((unsigned char) s[*i]); k++, (*i)++)
	{
		char		c = s[*i];

		v = v * 16 + (c <= '9' ? c - '0' : pg_ascii_tolower((unsigned char) c) - 'a' + 10);
	}
	return v;
}

typedef enum Escapes
{
	ESC_NONE,					/* '' and "" only */
	ESC_BACKSLASH,				/* E'...' */
	ESC_UNICODE					/* U&'...' and U&"..." */
} Escapes;

/* Quotes inside quotes read as SQL, at most. */
#define MAX_DEPTH 4

/* How one reading lexes what the text alone does not tell. */
typedef struct Reading
{
	Escapes		plain;			/* of '' and N'': ESC_BACKSLASH as with
								 * standard_conforming_strings off */
	bool		dquote_is_text; /* " quotes nothing (SQL quoted in a message) */
} Reading;

/* One backslash escape of an E'' string; *i is just after the backslash. */
static unsigned int
DecodeBackslash(const char *s, size_t n, size_t *i)
{
	char		c = s[(*i)++];
	unsigned int v = 0;

	switch (c)
	{
		case 'b':
			return '\b';
		case 'f':
			return '\f';
		case 'n':
			return '\n';
		case 'r':
			return '\r';
		case 't':
			return '\t';
		case 'x':
			return ReadHex(s, n, i, 2);
		case 'u':
			return ReadHex(s, n, i, 4);
		case 'U':
			return ReadHex(s, n, i, 8);
		default:
			break;
	}
	if (c < '0' || c > '7')
		return (unsigned char) c;
	v = c - '0';
	for (int k = 1; k < 3 && *i < n && s[*i] >= '0' && s[*i] <= '7'; k++)
		v = v * 8 + (s[(*i)++] - '0');
	return v & 0xFF;			/* the lexer keeps the low byte: \537 is '_' */
}

/*
 * After a string's closing quote: whitespace holding a newline (and maybe --
 * comments), then a quote, continues the same string with the same escapes
 * (SQL's rule; 'a'<newline>'b' is 'ab').  Moves *i past that quote.
 */
static bool
QuoteContinues(const char *s, size_t n, size_t *i)
{
	size_t		j = *i;
	bool		newline = false;

	while (j < n)
	{
		if (s[j] == '\n' || s[j] == '\r')
			newline = true;
		else if (s[j] == '-' && j + 1 < n && s[j + 1] == '-')
		{
			while (j + 1 < n && s[j + 1] != '\n' && s[j + 1] != '\r')
				j++;
		}
		else if (s[j] != ' ' && s[j] != '\t' && s[j] != '\f')
			break;
		j++;
	}
	if (!newline || j >= n || s[j] != '\'')
		return false;
	*i = j + 1;
	return true;
}

/* Feeds the contents of a quoted token; *i is just after the opening quote. */
static void
ScanQuoted(const char *s, size_t n, size_t *i, char quote, Escapes esc, Stream *m)
{
	while (*i < n)
	{
		char		c = s[(*i)++];

		if (c == quote)
		{
			if (*i < n && s[*i] == quote)
			{
				Feed(m, quote);
				(*i)++;
				continue;
			}
			if (quote == '\'' && QuoteContinues(s, n, i))
				continue;
			return;
		}
		if (c == '\\' && *i < n && esc == ESC_BACKSLASH)
			Feed(m, DecodeBackslash(s, n, i));
		else if (c == '\\' && *i < n && esc == ESC_UNICODE && s[*i] != '\\')
		{
			bool		plus = s[*i] == '+';

			*i += plus ? 1 : 0;
			Feed(m, ReadHex(s, n, i, plus ? 6 : 4));
		}
		else
		{
			if (c == '\\' && *i < n && esc == ESC_UNICODE)
				(*i)++;			/* \\ is one backslash */
			Feed(m, (unsigned char) c);
		}
	}
}

static bool
IsIdentChar(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		IS_HIGHBIT_SET(c) || (!first && ((c >= '0' && c <= '9') || c == '$'));
}

/*
 * The length of the $tag$ starting at s[i], or 0 if none does (a tag is an
 * identifier without '$', or empty).
 */
static size_t
DollarTag(const char *s, size_t n, size_t i)
{
	size_t		j = i + 1;

	while (j < n && s[j] != '$' && IsIdentChar(s[j], j == i + 1))
		j++;
	return (j < n && s[j] == '$') ? j - i + 1 : 0;
}

/*
 * A $tag$ ... $tag$ string; *i is at its opening tag of taglen bytes.
 * Returns where its body ends.
 */
static size_t
ScanDollar(const char *s, size_t n, size_t *i, size_t taglen, Stream *m)
{
	for (size_t j = *i + taglen; j < n; j++)
	{
		if (s[j] == '$' && j + taglen <= n && memcmp(s + j, s + *i, taglen) == 0)
		{
			*i = j + taglen;
			return j;
		}
		Feed(m, (unsigned char) s[j]);
	}
	*i = n;
	return n;
}

static void
SkipComment(const char *s, size_t n, size_t *i)
{
	int			depth = 0;

	if (s[*i] == '-')
	{
		while (*i < n && s[*i] != '\n' && s[*i] != '\r')
			(*i)++;
		return;
	}
	while (*i < n)
	{
		if (s[*i] == '/' && *i + 1 < n && s[*i + 1] == '*')
		{
			depth++;
			*i += 2;
		}
		else if (s[*i] == '*' && *i + 1 < n && s[*i + 1] == '/')
		{
			*i += 2;
			if (--depth == 0)
				return;
		}
		else
			(*i)++;
	}
}

/*
 * The length of the opening (prefix and quote) of a string or quoted
 * identifier starting at sql[i], with its quote and escapes; 0 if none does.
 */
static size_t
QuoteStart(const char *sql, size_t n, size_t i, Reading how, char *quote, Escapes *esc)
{
	char		lc = pg_ascii_tolower((unsigned char) sql[i]);
	char		next = i + 1 < n ? sql[i + 1] : '\0';

	*quote = '\'';
	*esc = ESC_NONE;
	if (sql[i] == '\'' || (sql[i] == '"' && !how.dquote_is_text))
	{
		*quote = sql[i];
		*esc = sql[i] == '\'' ? how.plain : ESC_NONE;
		return 1;
	}
	if (lc == 'u' && next == '&' && i + 2 < n && (sql[i + 2] == '\'' || sql[i + 2] == '"'))
	{
		*quote = sql[i + 2];
		*esc = ESC_UNICODE;
		return 3;
	}
	if (next != '\'' || (lc != 'e' && lc != 'n' && lc != 'b' && lc != 'x'))
		return 0;
	if (lc == 'e')
		*esc = ESC_BACKSLASH;
	else if (lc == 'n')
		*esc = how.plain;		/* N'' is a '' string after the keyword NCHAR */
	return 2;
}

static bool TextNamesKey(const char *sql, size_t n, int depth);

/*
 * Deeper than MAX_DEPTH, whether n bytes of SQL could name the key once
 * lexed.  Without an escape, what the lexer decodes -- strings, quoted
 * identifiers, dollar quotes, doubled quotes, strings nested further, names
 * joined across tokens -- is the text less some of its bytes, in order: the
 * letters of "pii_key" (in any case) then stand in the text in that order,
 * maybe apart.  An escape may make any letter: a backslash (E'', U&'', U&"",
 * '' with standard_conforming_strings off) or a UESCAPE clause (its escape
 * character may be any).  So: an escape, or those letters in order.
 */
static bool
MayNameKey(const char *s, size_t n)
{
	static const char name[] = "pii_key";
	int			k = 0;

	for (size_t i = 0; i < n; i++)
	{
		if (s[i] == '\\' || (n - i >= 7 && pg_strncasecmp(s + i, "uescape", 7) == 0))
			return true;
		if (k < 7 && pg_ascii_tolower((unsigned char) s[i]) == name[k])
			k++;
	}
	return k == 7;
}

/*
 * The contents of a '' string (decoded) or of a dollar quote, depth quotes
 * deep, read as SQL (a DO block, a function body, EXECUTE's text): down to
 * MAX_DEPTH in full, deeper by MayNameKey.
 */
static bool
QuotedNamesKey(const char *s, size_t n, int depth)
{
	if (depth >= MAX_DEPTH)
		return MayNameKey(s, n);
	return TextNamesKey(s, n, depth + 1);
}

/*
 * One reading of the text into m; true if its stream, or the body of one of
 * its dollar quotes read as SQL, names the key.
 */
static bool
ReadingNamesKey(const char *sql, size_t n, Reading how, int depth, Stream *m)
{
	size_t		i = 0;

	m->len = 0;
	while (i < n)
	{
		char		c = sql[i];
		char		next = i + 1 < n ? sql[i + 1] : '\0';
		char		quote;
		Escapes		esc;
		size_t		len;

		if ((c == '-' && next == '-') || (c == '/' && next == '*'))
		{
			Boundary(m);
			SkipComment(sql, n, &i);
		}
		else if ((len = QuoteStart(sql, n, i, how, &quote, &esc)) > 0)
		{
			size_t		start;

			Boundary(m);
			start = m->len;
			i += len;
			ScanQuoted(sql, n, &i, quote, esc, m);
			/* EXECUTE's text or a function body: its decoded contents */
			if (quote == '\'' && QuotedNamesKey(m->data + start, m->len - start, depth))
				return true;
		}
		else if (c == '$' && (len = DollarTag(sql, n, i)) > 0)
		{
			size_t		body = i + len;
			size_t		end;

			Boundary(m);
			end = ScanDollar(sql, n, &i, len, m);
			if (QuotedNamesKey(sql + body, end - body, depth))
				return true;
		}
		else if (IsIdentChar(c, true))
		{
			while (i < n && IsIdentChar(sql[i], false))
				Feed(m, (unsigned char) sql[i++]);
			continue;
		}
		else if (c == '.')
		{
			Feed(m, '.');		/* dots join names */
			i++;
			continue;
		}
		else
			i++;				/* operators (||), spaces and digits join nothing */
		Boundary(m);
	}
	return StreamNamesKey(m);
}

/*
 * Every reading of n bytes of text, depth quotes deep (inside a quote "" is
 * an identifier: a message quotes SQL, SQL does not).  A reading differs
 * only where there is a backslash or a double quote.
 */
static bool
TextNamesKey(const char *sql, size_t n, int depth)
{
	Stream		tokens;
	bool		found = false;
	bool		backslash = memchr(sql, '\\', n) != NULL;
	bool		dquote = depth == 0 && memchr(sql, '"', n) != NULL;

	tokens.data = palloc_extended(2 * n + 1, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (tokens.data == NULL)
		return true;			/* cannot tell: redact */
	for (int r = 0; r < 4 && !found; r++)
	{
		Reading		how = {(r & 1) ? ESC_BACKSLASH : ESC_NONE, (r & 2) != 0};

		if ((how.plain == ESC_BACKSLASH && !backslash) || (how.dquote_is_text && !dquote))
			continue;
		found = ReadingNamesKey(sql, n, how, depth, &tokens);
	}
	pfree(tokens.data);
	return found;
}

bool
edupredict_pii_sql_names_key(const char *sql)
{
	if (sql == NULL)
		return false;
	if (NamesKey(sql) || edupredict_pii_contains_nocase(sql, "uescape"))
		return true;
	return TextNamesKey(sql, strlen(sql), 0);
}
