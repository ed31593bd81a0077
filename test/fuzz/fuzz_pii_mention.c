/*
 * fuzz_pii_mention.c - libFuzzer driver for src/pii_mention.c, the scanner
 * the log hook (pii_log.c) runs on SQL text from any role, inside error
 * reporting: edupredict_pii_sql_names_key and edupredict_pii_contains_nocase.
 *
 * The first byte picks what the rest is:
 *   0, 1  arbitrary text (up to its first NUL; what follows is a needle).
 *         Beyond "no crash": the answer is the same twice; a text with no
 *         backslash and no "uescape" names the key only if the letters of
 *         "pii_key" stand in it in that order, maybe apart (without an
 *         escape the lexer only drops bytes, and the scanner reads quotes
 *         nested too deep by that rule); the text followed by a line naming
 *         the key always does, and so does any text when memory runs out
 *         (cannot tell: redact); contains_nocase agrees with a plain
 *         reference.
 *   2     a spelling of edupredict.pii_key that the server decodes to the
 *         name, built from the bytes (identifiers bare, quoted or U&, with
 *         escapes; strings '', E'', U&'', N'', dollar-quoted, split by || or
 *         continued on a new line; comments, nested ones too; a value that
 *         may start with "_file"), maybe inside SQL run later (a DO block,
 *         EXECUTE's text, a function body in a '' string, DO blocks nested
 *         in '' strings 1 to 7 deep) or quoted as a
 *         CONTEXT line quotes SQL, after a filler of harmless text: it must
 *         name the key.
 *   3     one token spelling edupredict.pii_key_file (or _fingerprint),
 *         escaped the same ways (but '' with backslash escapes), after a
 *         filler: it must not (the names that hold no secret stay readable
 *         in the log).
 * A filler has no quote, no comment, no 'p' and no backslash.
 *
 * Built with the server's headers; palloc_extended and pfree are malloc and
 * free (MCXT_ALLOC_NO_OOM honoured), pg_strncasecmp is libpgport's.
 */
#include "postgres.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/pii.h"

/* set: the next allocation fails (as MCXT_ALLOC_NO_OOM lets it) */
static bool fail_alloc = false;

/* the two allocator calls pii_mention.c makes */
void *
palloc_extended(Size size, int flags)
{
	void	   *p = fail_alloc ? NULL : malloc(size > 0 ? size : 1);

	if (p == NULL && (flags & MCXT_ALLOC_NO_OOM) == 0)
		abort();
	return p;
}

void
pfree(void *pointer)
{
	free(pointer);
}

#define TEXT_MAX 8192

typedef struct Out
{
	char		buf[TEXT_MAX];
	size_t		len;
	bool		full;
} Out;

typedef struct In
{
	const uint8_t *p;
	size_t		n;
} In;

/* the next input byte, or 0 when the input is used up */
static unsigned
Byte(In *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static void
Put(Out *o, const char *s)
{
	size_t		l = strlen(s);

	if (o->len + l >= TEXT_MAX)
	{
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, l + 1);
	o->len += l;
}

static void
PutChar(Out *o, char c)
{
	char		s[2] = {c, '\0'};

	Put(o, s);
}

/* text that opens nothing and has no 'p': letters, digits, operators, space */
static void
Filler(Out *o, In *in)
{
	static const char alphabet[] = "abcdefghijklmnoqrstuvwxyzABCDEFGHIJKLMNOQRSTUVWXYZ0123456789 ;,()=+*<>!\n\t";
	unsigned	k = Byte(in) % 24;

	for (unsigned i = 0; i < k; i++)
		PutChar(o, alphabet[Byte(in) % (sizeof(alphabet) - 1)]);
	Put(o, Byte(in) & 1 ? "\n" : " ");
}

/* between two tokens: spaces, a -- comment, a nested comment */
static void
Gap(Out *o, In *in, bool any)
{
	switch (Byte(in) % 6)
	{
		case 0:
			if (any)
				break;
			/* FALLTHROUGH */
		case 1:
			Put(o, " ");
			break;
		case 2:
			Put(o, " -- p'\"$ /* \n");
			break;
		case 3:
			Put(o, "/* a /* b */ c */");
			break;
		case 4:
			Put(o, " --c\r");
			break;
		default:
			Put(o, "/*/ ' \" $ --\n*/ ");	/* no $$: it would end a DO body */
			break;
	}
}

static char
Case(char c, In *in)
{
	return (Byte(in) & 1) && c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

typedef enum Lit
{
	LIT_PLAIN,					/* '' under standard_conforming_strings on */
	LIT_PLAIN_OFF,				/* '' with backslash escapes (setting off) */
	LIT_NATIONAL,				/* N'' */
	LIT_E,
	LIT_U,
	LIT_DOLLAR,
	LIT_COUNT
} Lit;

/* one character of a literal of kind k, escaped or not */
static void
LitChar(Out *o, Lit k, char c, In *in)
{
	char		s[16];
	unsigned	how = Byte(in);

	if (k == LIT_E || k == LIT_PLAIN_OFF)
	{
		switch (how % 6)
		{
			case 0:
				snprintf(s, sizeof(s), "\\%03o", (unsigned) c);
				break;
			case 1:
				snprintf(s, sizeof(s), "\\%o", (unsigned) c + 0400);	/* the lexer keeps the low byte */
				break;
			case 2:
				snprintf(s, sizeof(s), "\\x%02x", (unsigned) c);
				break;
			case 3:
				snprintf(s, sizeof(s), "\\u%04X", (unsigned) c);
				break;
			case 4:
				snprintf(s, sizeof(s), "\\U%08x", (unsigned) c);
				break;
			default:
				if (strchr("bfnrtxuU01234567", c) != NULL)
					snprintf(s, sizeof(s), "%c", c);
				else
					snprintf(s, sizeof(s), "\\%c", c);
				break;
		}
	}
	else if (k == LIT_U && how % 3 != 0)
		snprintf(s, sizeof(s), how % 3 == 1 ? "\\%04x" : "\\+%06X", (unsigned) c);
	else
		snprintf(s, sizeof(s), "%c", c);
	Put(o, s);
}

/*
 * One literal of kind k holding text, maybe continued on new lines (not a
 * dollar quote); in_dollar: inside a $$ body, so a dollar quote uses $q$.
 */
static void
Literal(Out *o, Lit k, const char *text, In *in, bool in_dollar)
{
	static const char *const open[] = {"'", "'", "N'", "E'", "U&'", NULL};
	const char *tag = in_dollar ? "$q$" : ((Byte(in) & 1) ? "$$" : "$t1$");

	if (k == LIT_DOLLAR)
	{
		Put(o, tag);
		Put(o, text);
		Put(o, tag);
		return;
	}
	Put(o, open[k]);
	for (const char *c = text; *c != '\0'; c++)
	{
		if (c != text && Byte(in) % 5 == 0)
			Put(o, Byte(in) & 1 ? "'\n  '" : "' -- more\n\n'");
		LitChar(o, k, *c, in);
	}
	Put(o, "'");
}

/* a string expression of text: literals of any kinds joined by || */
static void
StringExpr(Out *o, const char *text, In *in, bool in_dollar)
{
	size_t		len = strlen(text);
	size_t		start = 0;

	while (start < len)
	{
		size_t		piece = 1 + Byte(in) % (len - start);
		char		part[64];

		memcpy(part, text + start, piece);
		part[piece] = '\0';
		if (start > 0)
		{
			Gap(o, in, true);
			Put(o, "||");
			Gap(o, in, true);
		}
		Literal(o, (Lit) (Byte(in) % LIT_COUNT), part, in, in_dollar);
		start += piece;
	}
}

/* one part of a dotted name as an identifier: bare, "quoted" or U&"..." */
static void
IdentPart(Out *o, const char *part, In *in)
{
	unsigned	how = Byte(in) % 3;

	if (how == 2)
		Put(o, "U&\"");
	else if (how == 1)
		Put(o, "\"");
	for (const char *c = part; *c != '\0'; c++)
	{
		if (how == 2)
			LitChar(o, LIT_U, Case(*c, in), in);
		else
			PutChar(o, Case(*c, in));
	}
	if (how != 0)
		Put(o, "\"");
}

/* a value after the name: it may start with "_file" or "_fingerprint" */
static void
Value(Out *o, In *in, bool in_dollar)
{
	static const char *const values[] = {"_file0123456789abcdef", "_fingerprint-0123456789", "k-0123456789abcdef"};
	const char *v = values[Byte(in) % 3];

	if (Byte(in) & 1)
		StringExpr(o, v, in, in_dollar);
	else
		Put(o, v);
}

/*
 * SET, ALTER SYSTEM SET or set_config() naming the key; in_dollar: inside a
 * $$ body (PERFORM, and $q$ for dollar quotes).
 */
static void
Statement(Out *o, In *in, bool in_dollar)
{
	unsigned	form = Byte(in) % 3;

	if (form == 0 || form == 1)
	{
		/* the name is two identifiers */
		Put(o, form == 0 ? "SET " : "ALTER SYSTEM SET ");
		IdentPart(o, "edupredict", in);
		Gap(o, in, true);
		Put(o, ".");
		Gap(o, in, true);
		IdentPart(o, "pii_key", in);
		Gap(o, in, false);
		Put(o, "=");
		Gap(o, in, true);
		if (in_dollar || (Byte(in) & 1))
			StringExpr(o, "k-0123456789abcdef", in, in_dollar);
		else
			Value(o, in, in_dollar);
	}
	else
	{
		Put(o, in_dollar ? "PERFORM set_config(" : "SELECT set_config(");
		StringExpr(o, "edupredict.pii_key", in, in_dollar);
		Put(o, ",");
		Gap(o, in, true);
		Value(o, in, in_dollar);
		Put(o, ", false)");
	}
}

/* inner's text in a '' string: each quote doubled */
static void
PutDoubled(Out *o, const Out *inner)
{
	for (size_t k = 0; k < inner->len; k++)
	{
		if (inner->buf[k] == '\'')
			PutChar(o, '\'');
		PutChar(o, inner->buf[k]);
	}
}

/*
 * inner in levels DO blocks, each the body of the one around it in a ''
 * string: deeper than the scanner reads in full (MAX_DEPTH, 4) from 5 on
 */
static void
Nest(Out *o, Out *inner, unsigned levels)
{
	static Out	a,
				b;
	Out		   *from = inner;

	for (unsigned k = 0; k < levels && !o->full; k++)
	{
		Out		   *to = from == &a ? &b : &a;

		to->len = 0;
		to->full = from->full;
		Put(to, "DO 'BEGIN ");
		PutDoubled(to, from);
		Put(to, "; END'");
		o->full |= to->full;
		from = to;
	}
	if (!o->full)
		Put(o, from->buf);
}

/* the statement as it is, or where SQL holds SQL run later, or quoted by a CONTEXT line */
static void
Positive(Out *o, In *in)
{
	Out			inner = {{0}, 0, false};

	Filler(o, in);
	switch (Byte(in) % 7)
	{
		case 2:
			Put(o, "DO $$BEGIN ");
			Statement(o, in, true);
			Put(o, "; END$$");
			break;
		case 3:
			Put(o, "SQL statement \"");
			Statement(o, in, false);
			Put(o, "\"\nPL/pgSQL function inline_code_block line 1 at PERFORM");
			break;
		case 4:
			Statement(&inner, in, true);
			Put(o, "DO $$BEGIN EXECUTE '");
			PutDoubled(o, &inner);
			Put(o, "'; END$$");
			break;
		case 5:
			Statement(&inner, in, false);
			Put(o, "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'BEGIN ");
			PutDoubled(o, &inner);
			Put(o, "; END'");
			break;
		case 6:
			Statement(&inner, in, true);
			Nest(o, &inner, 1 + Byte(in) % 7);
			break;
		default:
			Statement(o, in, false);
			break;
	}
	o->full |= inner.full;
}

static void
Negative(Out *o, In *in)
{
	const char *name = (Byte(in) & 1) ? "edupredict.pii_key_file" : "edupredict.pii_key_fingerprint";
	bool		in_do = Byte(in) & 1;
	unsigned	k = Byte(in) % (LIT_COUNT + 1);

	Filler(o, in);
	Put(o, in_do ? "DO $$BEGIN PERFORM " : "SELECT ");
	/*
	 * Not '' with backslash escapes: read as standard_conforming_strings on
	 * and then as SQL, \p\i\i\_\k\e\y is tokens spelling pii_key apart
	 * from _file (a false "yes", allowed).
	 */
	if (k == LIT_PLAIN_OFF)
		k = LIT_E;
	if (k == LIT_COUNT)
		IdentPart(o, name, in);
	else
		Literal(o, (Lit) k, name, in, in_do);
	if (in_do)
		Put(o, "; END$$");
}

/* the raw text holds "pii_key" other than as pii_key_file/_fingerprint */
static bool
RawNamesKey(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
	{
		if (pg_strncasecmp(p, "pii_key", 7) == 0 && pg_strncasecmp(p + 7, "_file", 5) != 0 &&
			pg_strncasecmp(p + 7, "_fingerprint", 12) != 0)
			return true;
	}
	return false;
}

static bool
ReferenceContains(const char *s, const char *needle)
{
	size_t		n = strlen(needle);
	size_t		len = strlen(s);

	for (size_t i = 0; i + n <= len && len > 0; i++)
	{
		size_t		k = 0;

		while (k < n && pg_ascii_tolower((unsigned char) s[i + k]) == pg_ascii_tolower((unsigned char) needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* the letters of name stand in s in that order (any case), maybe apart */
static bool
InOrder(const char *s, const char *name)
{
	for (; *s != '\0' && *name != '\0'; s++)
		if (pg_ascii_tolower((unsigned char) *s) == *name)
			name++;
	return *name == '\0';
}

static void
Fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_pii_mention: %s:\n%s\n", what, text);
	abort();
}

static void
ArbitraryText(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	char	   *more;
	size_t		tlen;
	const char *needle;
	bool		named;
	static const char tail[] = "\nSET edupredict.pii_key = 'x'";

	memcpy(text, data, size);
	text[size] = '\0';
	tlen = strlen(text);
	needle = tlen < size ? text + tlen + 1 : "";
	named = edupredict_pii_sql_names_key(text);
	if (named != edupredict_pii_sql_names_key(text))
		Fail("two answers for one text", text);
	if (named && strchr(text, '\\') == NULL && !edupredict_pii_contains_nocase(text, "uescape") &&
		!InOrder(text, "pii_key"))
		Fail("names the key without an escape, UESCAPE or the letters of pii_key in order", text);
	if (needle[0] != '\0' &&
		edupredict_pii_contains_nocase(text, needle) != ReferenceContains(text, needle))
		Fail("contains_nocase differs from the reference", text);
	fail_alloc = true;
	if (!edupredict_pii_sql_names_key(text))
		Fail("a text that cannot be read (no memory) does not count", text);
	fail_alloc = false;
	more = malloc(tlen + sizeof(tail));
	memcpy(more, text, tlen);
	memcpy(more + tlen, tail, sizeof(tail));
	if (!edupredict_pii_sql_names_key(more))
		Fail("a line naming the key is not found", more);
	free(more);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	In			in = {data + 1, size > 0 ? size - 1 : 0};
	Out			o = {{0}, 0, false};
	unsigned	mode = size > 0 ? data[0] % 4 : 0;

	if (mode < 2)
	{
		ArbitraryText(in.p, in.n);
		return 0;
	}
	if (mode == 2)
		Positive(&o, &in);
	else
		Negative(&o, &in);
	if (o.full)
		return 0;
	if (mode == 2 && !edupredict_pii_sql_names_key(o.buf))
		Fail("a spelling of edupredict.pii_key is not found", o.buf);
	/* a literal "pii_key" followed by an escape counts (the raw check errs towards yes) */
	if (mode == 3 && !RawNamesKey(o.buf) && edupredict_pii_sql_names_key(o.buf))
		Fail("one token naming a harmless setting counts as the key", o.buf);
	return 0;
}
