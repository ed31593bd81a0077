/*
 * dict_check.c - a dictionary's own limit (ens_dict_add, ensemble_bins.c),
 * built with a small ENS_DICT_MAX_ENTRIES (test/fuzz/run.sh passes
 * -DENS_DICT_MAX_ENTRIES=100; the server's 2^30 strings take tens of GB).
 * A full dictionary refuses a new string (-1) and says so (ens_dict_full),
 * leaving itself as it was and still numbering the strings it holds; a
 * refusal for want of memory is not the limit (ens_dict_full false), so
 * ens_pg_dict_failed (ensemble_pg.c: the aggregates, train_*, the readers of
 * held-out rows) reports it as out of memory (53200), the limit as 54000.
 * Nothing leaks (LeakSanitizer).
 *
 *   dict_check
 */
#include <stdio.h>
#include <stdlib.h>

#include "failing_alloc.h"

#if ENS_DICT_MAX_ENTRIES > 100000
#error "build dict_check with a small -DENS_DICT_MAX_ENTRIES"
#endif

static void
Fail(const char *what, uint32_t i)
{
	fprintf(stderr, "dict_check: %s (string %u, limit %u)\n", what, i, (uint32_t) ENS_DICT_MAX_ENTRIES);
	exit(1);
}

static int
Label(char *s, size_t size, uint32_t i)
{
	return snprintf(s, size, "label %u", i);
}

/* filled to the limit: the next new string is refused, a known one counted */
static void
Limit(void)
{
	EnsDict    *d;
	char		s[32];
	uint32_t	i;
	uint64_t	count;
	int			len;

	fail_at = 0;
	if ((d = ens_dict_create(&failing_allocator)) == NULL)
		Fail("could not create a dictionary", 0);
	for (i = 0; i < ENS_DICT_MAX_ENTRIES; i++)
	{
		if (ens_dict_full(d))
			Fail("full before the limit", i);
		len = Label(s, sizeof(s), i);
		if (ens_dict_add(d, s, (uint32_t) len) != (int64_t) i)
			Fail("a string under the limit was not added with the next number", i);
	}
	if (!ens_dict_full(d))
		Fail("not full at the limit", i);
	len = Label(s, sizeof(s), i);
	if (ens_dict_add(d, s, (uint32_t) len) != -1)
		Fail("a string past the limit was added", i);
	if (ens_dict_size(d) != ENS_DICT_MAX_ENTRIES || !ens_dict_full(d))
		Fail("the refused string changed the dictionary", i);
	len = Label(s, sizeof(s), 5);
	if (ens_dict_add(d, s, (uint32_t) len) != 5 || ens_dict_get(d, 5, NULL, &count) == NULL ||
		count != 2)
		Fail("a full dictionary did not count a string it holds", 5);
	ens_dict_free(d);
}

/* every allocation failing in turn while the dictionary fills: never "full" */
static void
OutOfMemoryIsNotFull(void)
{
	char		s[32];

	for (fail_at = 1;; fail_at++)
	{
		EnsDict    *d;
		uint32_t	i;

		fail_on = false;
		n_alloc = 0;
		if ((d = ens_dict_create(&failing_allocator)) == NULL)
			continue;
		for (i = 0; i < ENS_DICT_MAX_ENTRIES; i++)
		{
			int			len = Label(s, sizeof(s), i);

			if (ens_dict_add(d, s, (uint32_t) len) >= 0)
				continue;
			if (ens_dict_full(d))
				Fail("an allocation failure reads as the dictionary's limit", i);
			break;
		}
		ens_dict_free(d);
		if (n_alloc < fail_at)
			break;				/* every allocation has failed once */
	}
}

int
main(void)
{
	Limit();
	OutOfMemoryIsNotFull();
	printf("dict_check: a dictionary of %u strings refuses the next, a failed allocation is not its limit\n",
		   (uint32_t) ENS_DICT_MAX_ENTRIES);
	return 0;
}
