/*
 * pii_log.c: keeps the PII key out of the server log.
 *
 * SQL cannot set the key (pii_key.c), but two ways in still pass through
 * the log: ALTER SYSTEM SET edupredict.pii_key = '...' is a statement, which
 * statement logging prints, and a reload logs each changed setting's new
 * value ("parameter ... changed to ...").  An emit_log_hook redacts both,
 * whatever the spelling of the name (pii_mention.c), along with bind
 * parameters and SQL context that name the setting, and any line containing
 * a key currently loaded.
 */
#include "postgres.h"

#include "tcop/tcopprot.h"
#include "utils/elog.h"
#include "utils/memutils.h"

#include "edupredict.h"
#include "pii.h"

static emit_log_hook_type prev_emit_log_hook = NULL;

#define KEY_NAME "edupredict.pii_key"
#define REDACTED "[redacted by edupredict]"

/* Replaces every occurrence of needle in s; NULL when there is none. */
static char *
ReplaceAll(const char *s, const char *needle)
{
	StringInfoData buf;
	const char *p;
	size_t		nlen = strlen(needle);

	if (s == NULL || (p = strstr(s, needle)) == NULL)
		return NULL;
	initStringInfo(&buf);
	while (p != NULL)
	{
		appendBinaryStringInfo(&buf, s, p - s);
		appendStringInfoString(&buf, REDACTED);
		s = p + nlen;
		p = strstr(s, needle);
	}
	appendStringInfoString(&buf, s);
	return buf.data;
}

static void
RedactKeyValue(ErrorData *edata, const char *key)
{
	char	  **fields[] = {&edata->message, &edata->detail, &edata->detail_log,
	&edata->hint, &edata->context, &edata->internalquery};

	if (key == NULL || strlen(key) < 8)
		return;
	if (debug_query_string != NULL && strstr(debug_query_string, key) != NULL)
		edata->hide_stmt = true;
	for (int i = 0; i < (int) lengthof(fields); i++)
	{
		char	   *r = ReplaceAll(*fields[i], key);

		if (r != NULL)
			*fields[i] = r;
	}
}

/* The untranslated message format starts with prefix. */
static bool
FormatStartsWith(const ErrorData *edata, const char *prefix)
{
	return edata->message_id != NULL && strncmp(edata->message_id, prefix, strlen(prefix)) == 0;
}

/*
 * 'parameter "NAME" changed to "VALUE"' (reload) and 'invalid value for
 * parameter "NAME": "VALUE"'.  The name is as written in the configuration
 * file, in any case; the key file's path is not secret and stays.
 */
static void
RedactParameterValue(ErrorData *edata)
{
	if (!edupredict_pii_contains_nocase(edata->message, KEY_NAME "\""))
		return;
	if (FormatStartsWith(edata, "parameter \"%s\" changed to"))
		edata->message = pstrdup("parameter \"" KEY_NAME "\" changed to " REDACTED);
	else if (FormatStartsWith(edata, "invalid value for parameter"))
		edata->message = pstrdup("invalid value for parameter \"" KEY_NAME "\": " REDACTED);
}

/* Statement logging: "statement: ...", "duration: ...", "execute <name>: ...". */
static void
RedactStatement(ErrorData *edata)
{
	static const char *const prefixes[] = {"statement: ", "duration: ", "execute ", "parse ", "bind "};

	for (int i = 0; i < (int) lengthof(prefixes); i++)
	{
		if (FormatStartsWith(edata, prefixes[i]))
		{
			if (edupredict_pii_sql_names_key(edata->message))
				edata->message = psprintf("%.*s: " REDACTED " (the statement names " KEY_NAME ")",
										  (int) strcspn(prefixes[i], " :"), prefixes[i]);
			return;
		}
	}
}

static void
RedactKeyFromLog(ErrorData *edata)
{
	MemoryContext old;
	bool		query_names_key;

	/* Reporting is failing already: do no work, print no statement. */
	if (in_error_recursion_trouble())
	{
		edata->hide_stmt = true;
		return;
	}
	old = MemoryContextSwitchTo(ErrorContext);
	query_names_key = edupredict_pii_sql_names_key(debug_query_string);

	if (edata->message != NULL)
	{
		RedactParameterValue(edata);
		RedactStatement(edata);
		/* e.g. a refused set_config() with a computed name: do not print it */
		if (edupredict_pii_sql_names_key(edata->message))
			edata->hide_stmt = true;
		/* "syntax error at or near" quotes a token, maybe part of a value */
		if (query_names_key && edata->sqlerrcode == ERRCODE_SYNTAX_ERROR)
			edata->message = pstrdup("syntax error " REDACTED);
	}
	if (query_names_key)
		edata->hide_stmt = true;
	/* Bind parameters ("parameters: $1 = ...") and SQL quoted in context. */
	if (edata->detail != NULL && strncmp(edata->detail, "parameters: ", 12) == 0 &&
		edupredict_pii_sql_names_key(edata->detail))
		edata->detail = pstrdup("parameters: " REDACTED);
	if (edupredict_pii_sql_names_key(edata->context))
		edata->context = pstrdup(REDACTED);
	if (edupredict_pii_sql_names_key(edata->internalquery))
		edata->internalquery = pstrdup(REDACTED);

	RedactKeyValue(edata, edupredict_pii_key_value());
	RedactKeyValue(edata, edupredict_pii_file_key_value());
	RedactKeyValue(edata, edupredict_pii_pinned_key_value());
	MemoryContextSwitchTo(old);
}

static void
EmitLogHook(ErrorData *edata)
{
	RedactKeyFromLog(edata);
	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

void
edupredict_pii_log_init(void)
{
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = EmitLogHook;
}
