/*
 * ensemble_error.c - the engine's structured errors (PG-free): which input
 * an ENS_EINVAL or ENS_ELIMIT is about and the figures its message shows.
 * The words live only at the PostgreSQL call site (ensemble_error_pg.c);
 * harnesses print the name and the figures.  The model reader's refusals
 * are the exception: their texts are in ENS_READ_ERRORS (ensemble.h), which
 * both ens_error_text and the PostgreSQL layer expand.
 */
#include "ensemble.h"

#include <inttypes.h>
#include <stdio.h>

void
ens_error_clear(EnsError *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

/* Records id and its figures in e (which may be NULL); returns rc. */
EnsStatus
ens_error_set(EnsError *e, EnsStatus rc, EnsErrId id, int64_t n0, int64_t n1, int64_t n2)
{
	if (e)
	{
		ens_error_clear(e);
		e->id = id;
		e->n[0] = n0;
		e->n[1] = n1;
		e->n[2] = n2;
	}
	return rc;
}

const char *
ens_error_name(EnsErrId id)
{
#define ENS_ERR_NAME(x) #x,
#define ENS_READ_NAME(x, figures, text) #x,
	static const char *const names[] = {ENS_ERRORS(ENS_ERR_NAME) "ENS_ERR_READ_FIRST_",
	ENS_READ_ERRORS(ENS_READ_NAME)};
#undef ENS_ERR_NAME
#undef ENS_READ_NAME

	_Static_assert(sizeof(names) / sizeof(names[0]) == ENS_ERR_COUNT, "one name per id");

	return (unsigned) id < ENS_ERR_COUNT ? names[id] : "ENS_ERR_UNKNOWN";
}

/* For harnesses: "ENS_ERR_X (n0, n1, n2)", untranslated. */
int
ens_error_print(const EnsError *e, char *buf, size_t len)
{
	return snprintf(buf, len, "%s (%" PRId64 ", %" PRId64 ", %" PRId64 ")",
					ens_error_name(e->id), e->n[0], e->n[1], e->n[2]);
}

/*
 * For harnesses: a reader refusal's text with its figures (as the server's
 * DETAIL shows it, untranslated); any other error as ens_error_print.
 */
int
ens_error_text(const EnsError *e, char *buf, size_t len)
{
#define ENS_READ_TEXT(id, figures, text) \
	case id: \
		return snprintf(buf, len, text ENS_READ_FIGURES##figures(e));

	switch (e->id)
	{
			ENS_READ_ERRORS(ENS_READ_TEXT)
		default:
			return ens_error_print(e, buf, len);
	}
#undef ENS_READ_TEXT
}
