/*
 * model_check.h - an independent check of a parsed model's invariants, for
 * the fuzz driver: every index is checked against its own tree, with none
 * of the reader's code, so a gap in the reader (say an off-by-one that
 * lets a child point into the next tree, where AddressSanitizer sees
 * nothing because the model is one allocation) stops the fuzzer.
 */
#ifndef EDUPREDICT_MODEL_CHECK_H
#define EDUPREDICT_MODEL_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../src/ensemble.h"

static void
CheckFail(const char *what, uint32_t t, uint32_t i)
{
	fprintf(stderr, "model invariant broken: %s (tree %u, node %u)\n", what, t, i);
	abort();
}

static void
CheckModel(const EnsModel *m)
{
	uint32_t	t,
				i;
	bool		vectors = m->task == ENS_CLASSIFICATION && m->algorithm == ENS_FOREST;

	for (t = 0; t < m->n_trees; t++)
	{
		uint32_t	nb = m->tree_node[t],
					ne = m->tree_node[t + 1];

		if (!(nb < ne && ne <= m->n_nodes))
			CheckFail("tree node range", t, 0);
		for (i = nb; i < ne; i++)
		{
			EnsNode		nd = m->nodes[i];

			if (nd.flags & FN_LEAF)
			{
				if (vectors && !(nd.flags & FN_PURE) &&
					!(nd.a >= m->tree_leaf[t] && nd.a + m->n_classes <= m->tree_leaf[t + 1]))
					CheckFail("leaf vector outside its tree", t, i - nb);
				if (vectors && (nd.flags & FN_PURE) && nd.a >= m->n_classes)
					CheckFail("class out of range", t, i - nb);
				continue;
			}
			if (nd.feature >= m->n_features)
				CheckFail("feature out of range", t, i - nb);
			if (nd.flags & FN_CAT)
			{
				uint32_t	child;

				if (!(nd.a >= m->tree_cat[t] && nd.a < m->tree_cat[t + 1]))
					CheckFail("split table outside its tree", t, i - nb);
				child = m->cats[nd.a].child;
				if (!(child > i && child + 1 < ne))
					CheckFail("categorical child outside its tree or backward", t, i - nb);
			}
			else
			{
				if (nd.bin >= m->features[nd.feature].n_bins)
					CheckFail("bin out of range", t, i - nb);
				if (!(nd.a > i && nd.a + 1 < ne))
					CheckFail("child outside its tree or backward", t, i - nb);
			}
		}
	}
	if (m->algorithm == ENS_BOOST &&
		(m->n_outputs == 0 || m->n_trees % m->n_outputs != 0))
		CheckFail("boost outputs", 0, 0);
}

#endif							/* EDUPREDICT_MODEL_CHECK_H */
