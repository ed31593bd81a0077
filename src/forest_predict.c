/*
 * forest_predict.c - applying a forest to one row (PG-free).
 *
 * The row is binned once per feature (a binary search over at most 254
 * edges), then every tree is walked comparing uint8 bins, which keeps the
 * inner loop to one 8-byte node load and one byte compare per level.
 * Models reaching this code were built by forest_train or validated by
 * forest_deserialize, so indices are in range and children point forward.
 */
#include "forest.h"

#include <math.h>
#include <string.h>

void
forest_bin_row(const ForestModel *m, const double *x, uint8_t *xb)
{
	uint32_t	f;

	for (f = 0; f < m->n_features; f++)
		xb[f] = forest_bin_value(&m->features[f], x[f]);
}

/*
 * Walk up to WALK_GROUP trees in lock step.  A large forest does not fit in
 * the caches, so every level of a single walk is a dependent cache miss;
 * advancing independent walks together lets the CPU overlap those misses
 * (memory-level parallelism), which is what makes row-at-a-time prediction
 * inside SQL competitive with tree-at-a-time batch prediction.
 */
#define WALK_GROUP 16

static void
WalkGroup(const ForestModel *m, uint32_t t0, uint32_t ng, const uint8_t *xb,
		  uint32_t *leaf)
{
	const ForestNode *nodes = m->nodes;
	uint32_t	cur[WALK_GROUP];
	uint32_t	active = 0,
				g;

	for (g = 0; g < ng; g++)
	{
		cur[g] = m->tree_node[t0 + g];
		leaf[g] = UINT32_MAX;
	}
	active = ng;
	while (active > 0)
	{
		active = 0;
		for (g = 0; g < ng; g++)
		{
			ForestNode	nd;
			uint32_t	b;
			bool		left;

			if (leaf[g] != UINT32_MAX)
				continue;
			nd = nodes[cur[g]];
			if (nd.flags & FN_LEAF)
			{
				leaf[g] = cur[g];
				continue;
			}
			b = xb[nd.feature];
			if (nd.flags & FN_CAT)
			{
				const ForestCatSplit *cs = &m->cats[nd.a];

				if (b == FOREST_MISSING)
					left = (nd.flags & FN_DEFLEFT) != 0;
				else
					left = (cs->bits[b >> 5] >> (b & 31)) & 1;
				cur[g] = cs->child + (left ? 0 : 1);
			}
			else
			{
				if (b == FOREST_MISSING)
					left = (nd.flags & FN_DEFLEFT) != 0;
				else
					left = b <= nd.bin;
				cur[g] = nd.a + (left ? 0 : 1);
			}
#if defined(__GNUC__) || defined(__clang__)
			__builtin_prefetch(&nodes[cur[g]]);
#endif
			active++;
		}
	}
}

/* out: n_classes probabilities (classification) or one value (regression) */
void
forest_predict_binned(const ForestModel *m, const uint8_t *xb, double *out)
{
	uint32_t	t;
	uint32_t	leaf[WALK_GROUP];

	if (m->task == FOREST_CLASSIFICATION)
	{
		uint32_t	K = m->n_classes,
					k;
		double		s = 0;

		memset(out, 0, K * sizeof(double));
		for (t = 0; t < m->n_trees; t += WALK_GROUP)
		{
			uint32_t	ng = m->n_trees - t < WALK_GROUP ? m->n_trees - t : WALK_GROUP;
			uint32_t	g;

			WalkGroup(m, t, ng, xb, leaf);
			for (g = 0; g < ng; g++)
			{
				ForestNode	nd = m->nodes[leaf[g]];

				if (nd.flags & FN_PURE)
					out[nd.a] += 1.0;
				else
				{
					const float *lv = m->leafv + nd.a;

					for (k = 0; k < K; k++)
						out[k] += lv[k];
				}
			}
		}
		for (k = 0; k < K; k++)
			s += out[k];
		if (s > 0)
			for (k = 0; k < K; k++)
				out[k] /= s;
		else
			for (k = 0; k < K; k++)
				out[k] = 1.0 / K;
		return;
	}
	else
	{
		double		s = 0;

		for (t = 0; t < m->n_trees; t += WALK_GROUP)
		{
			uint32_t	ng = m->n_trees - t < WALK_GROUP ? m->n_trees - t : WALK_GROUP;
			uint32_t	g;

			WalkGroup(m, t, ng, xb, leaf);
			for (g = 0; g < ng; g++)
			{
				float		v;

				memcpy(&v, &m->nodes[leaf[g]].a, sizeof(v));
				s += v;
			}
		}
		out[0] = m->n_trees ? s / m->n_trees : 0;
	}
}

uint32_t
forest_argmax(const double *proba, uint32_t k)
{
	uint32_t	i,
				best = 0;

	for (i = 1; i < k; i++)
		if (proba[i] > proba[best])
			best = i;
	return best;
}
