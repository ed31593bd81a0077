/*
 * pii_mention.c: may a piece of SQL text name edupredict.pii_key?
 *
 * Used only to redact log lines (pii_log.c): the setting's context is what
 * keeps the key from being set by SQL, so this check may err towards "yes".
 * It reads what the SQL lexer would decode -- quoted and U& identifiers,
 * E'' escapes, U& strings, dollar quotes -- and joins every identifier and
 * string into one stream, so that "EDUPREDICT"."PII_KEY",
 * 'edupredict.' || 'pii_key' and E'pii\137key' are all found.  It never
 * fails: an unterminated quote runs to the end of the text.  A UESCAPE
 * clause (a custom escape character) counts as a mention.  The names
 * pii_key_file and pii_key_fingerprint carry no secret and do not count, so
 * an administrator's checks stay readable in the log.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "pii.h"

/*
 * The decoded stream: never longer than the text it comes from, so it is
 * allocated once (this runs inside error reporting: no growing buffers).
 */
typedef struct Stream
{
	char	   *data;
	size_t		len;
} Stream;

/* Appends one decoded code point; outside ASCII it cannot be part of a name. */
static void
Feed(Stream *m, unsigned int c)
{
	m->data[m->len++] = c < 128 ? pg_ascii_tolower((unsigned char) c) : '\x80';
}

/* "pii_key" anywhere, except as part of the names that hold no secret. */
static bool
NamesKey(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
	{
		if (pg_strncasecmp(p, "pii_key", 7) == 0 &&
			pg_strncasecmp(p + 7, "_fingerprint", 12) != 0 &&
			pg_strncasecmp(p + 7, "_file", 5) != 0)
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
	return v;
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

/* A $tag$ ... $tag$ string; false (nothing consumed) if s[*i] starts none. */
static bool
ScanDollar(const char *s, size_t n, size_t *i, Stream *m)
{
	size_t		j = *i + 1;
	size_t		taglen;

	while (j < n && IsIdentChar(s[j], j == *i + 1))
		j++;
	if (j >= n || s[j] != '$')
		return false;
	taglen = j - *i + 1;
	for (j = j + 1; j < n; j++)
	{
		if (s[j] == '$' && j + taglen <= n && memcmp(s + j, s + *i, taglen) == 0)
		{
			*i = j + taglen;
			return true;
		}
		Feed(m, (unsigned char) s[j]);
	}
	*i = n;
	return true;
}

static void
SkipComment(const char *s, size_t n, size_t *i)
{
	int			depth = 0;

	if (s[*i] == '-')
	{
		while (*i < n && s[*i] != '\n')
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

bool
edupredict_pii_sql_names_key(const char *sql)
{
	size_t		n;
	size_t		i = 0;
	Stream		tokens;
	bool		found;

	if (sql == NULL)
		return false;
	if (NamesKey(sql) || edupredict_pii_contains_nocase(sql, "uescape"))
		return true;
	n = strlen(sql);
	tokens.len = 0;
	tokens.data = palloc_extended(n + 1, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (tokens.data == NULL)
		return true;			/* cannot tell: redact */
	while (i < n)
	{
		char		c = sql[i];
		char		next = i + 1 < n ? sql[i + 1] : '\0';
		char		lc = pg_ascii_tolower((unsigned char) c);

		if ((c == '-' && next == '-') || (c == '/' && next == '*'))
			SkipComment(sql, n, &i);
		else if (lc == 'e' && next == '\'')
		{
			i += 2;
			ScanQuoted(sql, n, &i, '\'', ESC_BACKSLASH, &tokens);
		}
		else if (lc == 'u' && next == '&' && i + 2 < n && (sql[i + 2] == '\'' || sql[i + 2] == '"'))
		{
			char		q = sql[i + 2];

			i += 3;
			ScanQuoted(sql, n, &i, q, ESC_UNICODE, &tokens);
		}
		else if ((lc == 'b' || lc == 'x' || lc == 'n') && next == '\'')
		{
			i += 2;
			ScanQuoted(sql, n, &i, '\'', ESC_NONE, &tokens);
		}
		else if (c == '\'' || c == '"')
		{
			i++;
			ScanQuoted(sql, n, &i, c, ESC_NONE, &tokens);
		}
		else if (c == '$' && ScanDollar(sql, n, &i, &tokens))
			continue;
		else if (IsIdentChar(c, true))
		{
			while (i < n && IsIdentChar(sql[i], false))
				Feed(&tokens, (unsigned char) sql[i++]);
		}
		else
		{
			/* Dots join names; operators (||), spaces and digits join nothing. */
			if (c == '.')
				Feed(&tokens, '.');
			i++;
		}
	}
	tokens.data[tokens.len] = '\0';
	found = NamesKey(tokens.data);
	pfree(tokens.data);
	return found;
}
