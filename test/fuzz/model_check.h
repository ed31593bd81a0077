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

/* rows counted by a histogram of n counts (0 when it is empty) */
static uint64_t
Total(const uint32_t *c, uint32_t n)
{
	uint64_t	s = 0;
	uint32_t	i;

	for (i = 0; i < n; i++)
		s += c[i];
	return s;
}

/* The optional sections, each against the trees and the others. */
static void
CheckSections(const EnsModel *m)
{
	const EnsExtras *x = m->ext;
	uint64_t	rows = 0;
	uint32_t	t,
				i,
				f,
				k;

	if (x->cover)
		for (t = 0; t < m->n_trees; t++)
		{
			uint32_t	nb = m->tree_node[t];

			if (x->cover[nb] == 0 || (rows && x->cover[nb] != rows))
				CheckFail("root cover", t, 0);
			rows = x->cover[nb];
			for (i = nb; i < m->tree_node[t + 1]; i++)
			{
				EnsNode		nd = m->nodes[i];
				uint32_t	l = (nd.flags & FN_CAT) ? m->cats[nd.a].child : nd.a;

				if (!(nd.flags & FN_LEAF) &&
					(uint64_t) x->cover[l] + x->cover[l + 1] != x->cover[i])
					CheckFail("cover is not the sum of the children's", t, i - nb);
			}
		}
	if (x->class_count)
	{
		if (m->task != ENS_CLASSIFICATION || (rows && Total(x->class_count, m->n_classes) != rows))
			CheckFail("class counts", 0, 0);
		rows = Total(x->class_count, m->n_classes);
	}
	for (f = 0; x->hist && f < m->n_features; f++)
	{
		if (x->hist_off[f + 1] - x->hist_off[f] != m->features[f].n_bins + 1)
			CheckFail("histogram size", f, 0);
		if (Total(x->hist + x->hist_off[f], m->features[f].n_bins + 1) != rows && rows)
			CheckFail("histogram rows", f, 0);
		rows = Total(x->hist + x->hist_off[f], m->features[f].n_bins + 1);
	}
	for (k = 0; k < x->pred.n_out; k++)
	{
		uint32_t	ne = x->pred.off[k + 1] - x->pred.off[k];

		for (i = 1; i < ne; i++)
			if (!(x->pred.edges[x->pred.off[k] + i] > x->pred.edges[x->pred.off[k] + i - 1]))
				CheckFail("prediction cut points", k, i);
		if (Total(x->pred.counts + x->pred.off[k] + k, ne + 1) == 0)
			CheckFail("prediction counts", k, 0);
	}
	if (x->cal.method == ENS_CAL_ISOTONIC)
		for (k = 0; k < x->cal.n; k++)
			for (i = x->cal.off[k]; i < x->cal.off[k + 1]; i++)
				if (!(x->cal.ky[i] >= 0 && x->cal.ky[i] <= 1 && x->cal.kx[i] >= 0 && x->cal.kx[i] <= 1) ||
					(i > x->cal.off[k] && !(x->cal.kx[i] > x->cal.kx[i - 1] && x->cal.ky[i] >= x->cal.ky[i - 1])))
					CheckFail("isotonic knots", k, i);
	/* one calibrator per class (one for two), a set per fold of a cross-fitted forest */
	if (x->cal.method && (m->task != ENS_CLASSIFICATION || x->cal.n == 0 ||
						  x->cal.n % (m->n_classes == 2 ? 1 : m->n_classes) != 0 ||
						  (ens_calib_sets(&x->cal, m->n_classes) > 1 &&
						   (m->algorithm != ENS_FOREST || m->n_trees % ens_calib_sets(&x->cal, m->n_classes)))))
		CheckFail("calibrator outputs", 0, 0);
	if (x->has_threshold && (x->thr_class >= m->n_classes || !(x->threshold >= 0 && x->threshold <= 1)))
		CheckFail("threshold", 0, 0);
}

/*
 * Tree t is a tree: every node but the root is the child of exactly one
 * split (a DAG's shared children make root paths double with each level;
 * a node no split leads to is counted but never reached).
 */
static void
CheckTreeShape(const EnsModel *m, uint32_t t)
{
	uint32_t	nb = m->tree_node[t],
				n = m->tree_node[t + 1] - nb,
				i;
	uint32_t   *parents = calloc(n, sizeof(uint32_t));

	if (parents == NULL)
		abort();
	for (i = 0; i < n; i++)
	{
		EnsNode		nd = m->nodes[nb + i];
		uint32_t	l;

		if (nd.flags & FN_LEAF)
			continue;
		l = ((nd.flags & FN_CAT) ? m->cats[nd.a].child : nd.a) - nb;
		parents[l]++;
		parents[l + 1]++;
	}
	if (parents[0] != 0)
		CheckFail("the root has a parent", t, 0);
	for (i = 1; i < n; i++)
		if (parents[i] != 1)
			CheckFail(parents[i] ? "node with two parents (a DAG)" : "node no split leads to", t, i);
	free(parents);
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
	for (t = 0; t < m->n_trees; t++)
		CheckTreeShape(m, t);
	if (m->algorithm == ENS_BOOST &&
		(m->n_outputs == 0 || m->n_trees % m->n_outputs != 0))
		CheckFail("boost outputs", 0, 0);
	if (m->ext)
		CheckSections(m);
}

#endif							/* EDUPREDICT_MODEL_CHECK_H */
