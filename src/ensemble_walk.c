/*
 * ensemble_walk.c - applying a tree ensemble to one row (PG-free).
 *
 * The row is binned once per feature (ensemble_bin_row.c), then every
 * tree is walked comparing uint8 bins, which keeps the inner loop to one
 * 8-byte node load and one byte compare per level.
 * Models reaching this code were built by forest_train or validated by
 * ens_deserialize, so indices are in range, children point forward and
 * every tree is a tree (no node is the child of two splits).
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

/*
 * Find the leaves of trees t0 .. t0 + nt - 1 (nt <= WALK_CHUNK) for one row.
 * A large forest does not fit in the caches, so every level of a single
 * walk is a dependent cache miss; WALK_LANES independent walks advance
 * together so the CPU overlaps those misses (memory-level parallelism),
 * and a lane whose walk ends takes the next tree at once, so the lanes stay
 * full although trees differ in depth.  This is what makes row-at-a-time
 * prediction inside SQL competitive with tree-at-a-time batch prediction.
 */
#define WALK_LANES 32
#define WALK_CHUNK 256

static void
WalkTrees(const EnsModel *m, uint32_t t0, uint32_t nt, const uint8_t *xb,
		  uint32_t *leaf)
{
	const EnsNode *nodes = m->nodes;
	uint32_t	cur[WALK_LANES],
				idx[WALK_LANES];
	uint32_t	next = 0,
				lanes,
				active,
				l;

	for (l = 0; l < WALK_LANES && next < nt; l++, next++)
	{
		idx[l] = next;
		cur[l] = m->tree_node[t0 + next];
	}
	lanes = active = l;
	while (active > 0)
	{
		for (l = 0; l < lanes; l++)
		{
			EnsNode	nd;
			uint32_t	b;
			bool		left;

			if (idx[l] == UINT32_MAX)
				continue;
			nd = nodes[cur[l]];
			if (nd.flags & FN_LEAF)
			{
				leaf[idx[l]] = cur[l];
				if (next < nt)
				{
					idx[l] = next;
					cur[l] = m->tree_node[t0 + next];
					next++;
				}
				else
				{
					idx[l] = UINT32_MAX;
					active--;
					continue;
				}
			}
			else
			{
				b = xb[nd.feature];
				if (nd.flags & FN_CAT)
				{
					const EnsCatSplit *cs = &m->cats[nd.a];

					if (b == ENS_MISSING)
						left = (nd.flags & FN_DEFLEFT) != 0;
					else
						left = (cs->bits[b >> 5] >> (b & 31)) & 1;
					cur[l] = cs->child + (left ? 0 : 1);
				}
				else
				{
					if (b == ENS_MISSING)
						left = (nd.flags & FN_DEFLEFT) != 0;
					else
						left = b <= nd.bin;
					cur[l] = nd.a + (left ? 0 : 1);
				}
			}
#if defined(__GNUC__) || defined(__clang__)
			__builtin_prefetch(&nodes[cur[l]]);
#endif
		}
	}
}

/*
 * Boosted model: margin[k] = base_score[k] + the leaf values of the trees
 * of output k (tree t belongs to output t % n_outputs), summed in tree order.
 */
void
ens_predict_margin(const EnsModel *m, const uint8_t *xb, double *margin)
{
	uint32_t	t,
				k,
				K = m->n_outputs;
	uint32_t	leaf[WALK_CHUNK];
	/* one output: summed in a local (margin[0] += v costs a store-forward per tree) */
	double		z = m->base_score[0];

	if (m->dense)
	{
		ens_dense_margin(m, xb, margin);
		return;
	}
	for (k = 0; k < K; k++)
		margin[k] = m->base_score[k];
	k = 0;						/* output of tree t: t % K, counted (no division) */
	for (t = 0; t < m->n_trees; t += WALK_CHUNK)
	{
		uint32_t	ng = m->n_trees - t < WALK_CHUNK ? m->n_trees - t : WALK_CHUNK;
		uint32_t	g;

		WalkTrees(m, t, ng, xb, leaf);
		for (g = 0; g < ng; g++)
		{
			float		v;

			memcpy(&v, &m->nodes[leaf[g]].a, sizeof(v));
			ens_margin_add(v, K, &z, margin, &k);
		}
	}
	if (K == 1)
		margin[0] = z;
}

/*
 * A boosted model's outputs from its margins, in place: out holds the
 * n_outputs margins and gets the class probabilities through the link (or
 * keeps the value).  Prediction and the trainer's kept outputs both come
 * through here, so they agree bit for bit.
 */
void
ens_boost_link(const EnsModel *m, double *out)
{
	uint32_t	k,
				K = m->n_classes;

	if (m->objective == ENS_OBJ_LOGISTIC)
	{
		double		z = out[0];

		out[1] = 1.0 / (1.0 + exp(-z));
		out[0] = 1.0 - out[1];
	}
	else if (m->objective == ENS_OBJ_SOFTMAX)
	{
		double		mx,
					s = 0;

		mx = out[0];
		for (k = 1; k < K; k++)
			if (out[k] > mx)
				mx = out[k];
		for (k = 0; k < K; k++)
			s += (out[k] = exp(out[k] - mx));
		for (k = 0; k < K; k++)
			out[k] /= s;
	}
}

/* Outputs of a boosted model: probabilities through the link, or the value. */
static void
BoostOutputs(const EnsModel *m, const uint8_t *xb, double *out)
{
	ens_predict_margin(m, xb, out);
	ens_boost_link(m, out);
}

/*
 * out: n_classes probabilities (classification) or one value (regression),
 * calibrated when the model carries a calibrator.
 */
void
ens_predict_binned(const EnsModel *m, const uint8_t *xb, double *out)
{
	uint32_t	M,
				f,
				k,
				K = m->n_classes;

	if (!m->ext || m->ext->cal.method == ENS_CAL_NONE || ens_calib_sets(&m->ext->cal, K) <= 1)
	{
		ens_predict_raw(m, xb, out);
		if (m->ext && m->ext->cal.method != ENS_CAL_NONE)
			ens_calibrate(m, out);
		return;
	}
	/* a cross-fitted forest: each fold's trees through their own calibrator, averaged */
	M = ens_calib_sets(&m->ext->cal, K);
	memset(out, 0, K * sizeof(double));
	for (f = 0; f < M; f++)
	{
		double		part[ENS_MAX_CLASSES];

		ens_predict_trees(m, (uint32_t) ((uint64_t) f * m->n_trees / M),
						  (uint32_t) ((uint64_t) (f + 1) * m->n_trees / M), xb, part);
		ens_calibrate_set(m, f, part);
		for (k = 0; k < K; k++)
			out[k] += part[k];
	}
	for (k = 0; k < K; k++)
		out[k] /= M;
}

/* The trees' own outputs, before any calibration. */
void
ens_predict_raw(const EnsModel *m, const uint8_t *xb, double *out)
{
	if (m->algorithm == ENS_BOOST)
	{
		BoostOutputs(m, xb, out);
		return;
	}
	ens_predict_trees(m, 0, m->n_trees, xb, out);
}

/*
 * A forest's output from its trees [t0, t1) alone: a cross-fitted forest's
 * fold (classification, normalised by the sum; a regression forest's value
 * divides by all its trees, so only [0, n_trees) is its mean).
 */
void
ens_predict_trees(const EnsModel *m, uint32_t t0, uint32_t t1, const uint8_t *xb, double *out)
{
	uint32_t	t;
	uint32_t	leaf[WALK_CHUNK];

	memset(out, 0, (m->task == ENS_CLASSIFICATION ? m->n_classes : 1) * sizeof(double));
	for (t = t0; t < t1; t += WALK_CHUNK)
	{
		uint32_t	ng = t1 - t < WALK_CHUNK ? t1 - t : WALK_CHUNK;
		uint32_t	g;

		WalkTrees(m, t, ng, xb, leaf);
		/* sum in tree order: the result does not depend on the walk */
		for (g = 0; g < ng; g++)
			ens_forest_add_leaf(m, leaf[g], out);
	}
	ens_forest_finish(m, out);
}

uint32_t
ens_argmax(const double *proba, uint32_t k)
{
	uint32_t	i,
				best = 0;

	for (i = 1; i < k; i++)
		if (proba[i] > proba[best])
			best = i;
	return best;
}

/* the class predict() would return for out (calibrated probabilities) */
uint32_t
ens_predicted_class(const EnsModel *m, const double *out)
{
	if (m->ext && m->ext->has_threshold)
		return ens_threshold_label(out, m->n_classes, m->ext->thr_class, m->ext->threshold);
	return ens_argmax(out, m->n_classes);
}
