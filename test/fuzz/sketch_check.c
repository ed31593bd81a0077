/*
 * sketch_check.c - boosting's edges (ens_compute_sketch_edges, XGBoost
 * 1.7's hist sketch) against test/fuzz/sketch_ref.py, its Python reference
 * (bench/boost_uci_binning.py's sketch_cuts without numpy), built and run
 * by test/fuzz/run.sh under ASan.
 *
 *   sketch_check MAX_BINS < values      one value a line (nan: missing);
 *                                       prints the edges, %.17g a line
 */
#include "../../src/ensemble.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	uint32_t	n = 0,
				cap = 1024,
				nb,
				i;
	double	   *v = malloc(cap * sizeof(double)),
			   *e = NULL,
				x;

	if (argc != 2 || v == NULL)
		return 2;
	while (scanf("%lf", &x) == 1)
	{
		if (n == cap && (v = realloc(v, (cap *= 2) * sizeof(double))) == NULL)
			return 2;
		v[n++] = x;
	}
	if (ens_compute_sketch_edges(v, NULL, n, (uint32_t) atoi(argv[1]), 7, &ens_malloc_allocator,
								 &e, &nb) != ENS_OK)
		return 1;
	for (i = 0; i + 1 < nb; i++)
		printf("%.17g\n", e[i]);
	free(e);
	free(v);
	return 0;
}
