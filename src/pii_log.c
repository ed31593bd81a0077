/*
 * pii_log.c: keeps edupredict.pii_key out of the server log.
 *
 * PostgreSQL logs a changed setting's new value on reload ("parameter ...
 * changed to ..."), and statement logging prints SET/ALTER statements in
 * full.  Superuser-only settings are not exempt, so the key would land in
 * the log.  An emit_log_hook redacts those lines before they are written.
 */
#include "postgres.h"

#include "tcop/tcopprot.h"
#include "utils/elog.h"
#include "utils/memutils.h"

#include "edupredict.h"

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
RedactField(char **field, const char *key)
{
	char	   *r = ReplaceAll(*field, key);

	if (r != NULL)
		*field = r;
}

static void
RedactKeyFromLog(ErrorData *edata)
{
	const char *key = edupredict_pii_key_value();
	MemoryContext old = MemoryContextSwitchTo(ErrorContext);

	if (edata->message != NULL && strstr(edata->message, KEY_NAME) != NULL)
	{
		/* The reload message and logged statements carry the value after the name. */
		if (strncmp(edata->message, "parameter \"" KEY_NAME "\"", strlen("parameter \"" KEY_NAME "\"")) == 0)
			edata->message = pstrdup("parameter \"" KEY_NAME "\" changed " REDACTED);
		else if (strncmp(edata->message, "statement: ", 11) == 0 ||
				 strncmp(edata->message, "duration: ", 10) == 0 ||
				 strncmp(edata->message, "execute ", 8) == 0)
			edata->message = pstrdup("statement that mentions " KEY_NAME " " REDACTED);
	}
	if (debug_query_string != NULL && strstr(debug_query_string, "pii_key") != NULL)
		edata->hide_stmt = true;

	/* Anything else that happens to contain the current key. */
	if (key != NULL && strlen(key) >= 8)
	{
		if (debug_query_string != NULL && strstr(debug_query_string, key) != NULL)
			edata->hide_stmt = true;
		RedactField(&edata->message, key);
		RedactField(&edata->detail, key);
		RedactField(&edata->detail_log, key);
		RedactField(&edata->hint, key);
		RedactField(&edata->context, key);
		RedactField(&edata->internalquery, key);
	}
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
