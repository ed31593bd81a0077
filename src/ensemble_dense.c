/*
 * ensemble_dense.c - a boosted model's trees laid out as complete binary
 * trees, for prediction (PG-free).
 *
 * Boosted trees are shallow (depth 6 by default) and many (300 and more);
 * the node walk (ensemble_walk.c) spends its time on its own branches: leaf
 * or split, and which lane takes the next tree.  As complete trees of the
 * model's greatest depth D (node i's children at 2i + 1 and 2i + 2; a leaf
 * above depth D continues through splits that always go left), every tree
 * takes exactly D steps without a branch, and DENSE_LANES trees advance side
 * by side.  The leaves and the order of the sum are the model's, so the
 * margins are the same bits as the node walk's.  Built when a model is read
 * (ens_deserialize) if it is boosted, has no categorical split and D <= 8;
 * a model without it predicts through the node walk.
 *
 * A step is one compare, missing values included: the walk reads a row of
 * 2p bins, the row's own (a missing value is 255, above every threshold:
 * right) and then each plus one (a missing value wraps to 0, below every
 * threshold plus one: left).  A split that sends missing values right
 * compares bin f with thr, one that sends them left bin p + f with thr + 1;
 * for a present value both say "bin > thr".  The split, (feature << 8) |
 * threshold, fits 16 bits when 2p <= 256 (the walk's bytes halve) and takes
 * 32 otherwise.
 */
#include "ensemble.h"

#include <string.h>

#define DENSE_MAX_DEPTH ENS_DENSE_MAX_DEPTH
#define DENSE_LANES 8			/* ens_dense_margin's STEP lines */
#define PAD_SPLIT	255			/* row bin 0 > 255 never: always left */
#define MAX_THR		254			/* a threshold plus one still fits a byte */

struct EnsDense
{
	uint32_t	depth,
				n_int,			/* 2^depth - 1 splits a tree */
				n_leaf,			/* 2^depth leaves a tree */
				p;				/* features: the row read is 2p bins */
	bool		narrow;			/* splits of 16 bits (else 32) */
	void	   *split;			/* n_trees x n_int: (row bin << 8) | threshold */
	float	   *leaf;			/* n_trees x n_leaf */
	size_t		bytes;
};

typedef struct Step
{
	uint32_t	node,			/* in m->nodes */
				pos,			/* in the complete tree */
				depth;
} Step;

/*
 * Greatest depth of tree t, or DENSE_MAX_DEPTH + 1 if deeper or not numeric
 * (also boost_walk.c's test of a tree in training).
 */
uint32_t
ens_dense_tree_depth(const EnsModel *m, uint32_t t)
{
	Step		st[2 * DENSE_MAX_DEPTH + 4];
	uint32_t	ns = 0,
				dmax = 0;

	st[ns++] = (Step) {m->tree_node[t], 0, 0};
	while (ns > 0)
	{
		Step		s = st[--ns];
		EnsNode		nd = m->nodes[s.node];

		if (s.depth > dmax)
			dmax = s.depth;
		if (nd.flags & FN_LEAF)
			continue;
		if ((nd.flags & FN_CAT) || nd.bin > MAX_THR || s.depth >= DENSE_MAX_DEPTH)
			return DENSE_MAX_DEPTH + 1;
		st[ns++] = (Step) {nd.a + 1, 0, s.depth + 1};
		st[ns++] = (Step) {nd.a, 0, s.depth + 1};
	}
	return dmax;
}

static void
SetSplit(EnsDense *dn, size_t i, uint32_t row_bin, uint32_t thr)
{
	uint32_t	v = (row_bin << 8) | thr;

	if (dn->narrow)
		((uint16_t *) dn->split)[i] = (uint16_t) v;
	else
		((uint32_t *) dn->split)[i] = v;
}

/* Tree t into the complete layout (its slots already padded). */
static void
FillTree(const EnsModel *m, EnsDense *dn, uint32_t t)
{
	Step		st[2 * DENSE_MAX_DEPTH + 4];
	uint32_t	ns = 0;
	size_t		base = (size_t) t * dn->n_int;
	float	   *leaf = dn->leaf + (size_t) t * dn->n_leaf;

	st[ns++] = (Step) {m->tree_node[t], 0, 0};
	while (ns > 0)
	{
		Step		s = st[--ns];
		EnsNode		nd = m->nodes[s.node];

		if (nd.flags & FN_LEAF)
		{
			float		v;

			/* down the always-left padding to the last level */
			for (; s.depth < dn->depth; s.depth++)
				s.pos = 2 * s.pos + 1;
			memcpy(&v, &nd.a, sizeof(v));
			leaf[s.pos - dn->n_int] = v;
			continue;
		}
		if (nd.flags & FN_DEFLEFT)
			SetSplit(dn, base + s.pos, dn->p + nd.feature, nd.bin + 1u);
		else
			SetSplit(dn, base + s.pos, nd.feature, nd.bin);
		st[ns++] = (Step) {nd.a + 1, 2 * s.pos + 2, s.depth + 1};
		st[ns++] = (Step) {nd.a, 2 * s.pos + 1, s.depth + 1};
	}
}

/* Lay out a read model's trees (m->dense), when they qualify and memory allows. */
void
ens_dense_build(EnsModel *m, const EnsAlloc *al)
{
	EnsDense   *dn;
	uint32_t	t,
				depth = 0;
	size_t		ni,
				nl,
				sz,
				bytes;
	bool		narrow = 2 * (size_t) m->n_features <= 256;
	char	   *p;

	m->dense = NULL;
	if (m->algorithm != ENS_BOOST || m->n_trees == 0)
		return;
	for (t = 0; t < m->n_trees; t++)
	{
		uint32_t	d = ens_dense_tree_depth(m, t);

		if (d > DENSE_MAX_DEPTH)
			return;
		if (d > depth)
			depth = d;
	}
	ni = ((size_t) 1 << depth) - 1;
	nl = (size_t) 1 << depth;
	sz = narrow ? sizeof(uint16_t) : sizeof(uint32_t);
	bytes = sizeof(EnsDense) + (size_t) m->n_trees * (ni * sz + nl * sizeof(float)) + 32;
	p = al->alloc(al->ctx, bytes);
	if (p == NULL)
		return;					/* the node walk needs nothing more */
	dn = (EnsDense *) p;
	p += sizeof(EnsDense);
	dn->depth = depth;
	dn->n_int = (uint32_t) ni;
	dn->n_leaf = (uint32_t) nl;
	dn->p = m->n_features;
	dn->narrow = narrow;
	dn->bytes = bytes;
	dn->leaf = (float *) p;
	p += (size_t) m->n_trees * nl * sizeof(float);
	dn->split = p;
	memset(dn->leaf, 0, (size_t) m->n_trees * nl * sizeof(float));
	for (t = 0; t < (size_t) m->n_trees * ni; t++)
		SetSplit(dn, t, 0, PAD_SPLIT);
	for (t = 0; t < m->n_trees; t++)
		FillTree(m, dn, t);
	m->dense = dn;
	m->mem_bytes += bytes;
}

void
ens_dense_free(EnsModel *m, const EnsAlloc *al)
{
	if (m->dense)
		al->free(al->ctx, m->dense);
	m->dense = NULL;
}

/* One level of lane l: a bin of the row against its split, to a child. */
#define STEP(l) \
	do { \
		uint32_t	sp = tr[l][pos##l]; \
		pos##l = 2 * pos##l + 1 + (uint32_t) (row[sp >> 8] > (sp & 0xFF)); \
	} while (0)

/* The margins through the complete trees with splits of type SplitT: one body, both widths. */
#define DENSE_MARGIN(SplitT) \
	do { \
		const SplitT *all = (const SplitT *) dn->split; \
		for (t = 0; t < T; t += DENSE_LANES) \
		{ \
			uint32_t	n = T - t < DENSE_LANES ? T - t : DENSE_LANES, \
						pos0 = 0, pos1 = 0, pos2 = 0, pos3 = 0, \
						pos4 = 0, pos5 = 0, pos6 = 0, pos7 = 0, \
						leaf[DENSE_LANES], \
						l, \
						d; \
			const SplitT *tr[DENSE_LANES]; \
			\
			/* eight walks in registers; lanes past the last tree walk it again, unread */ \
			for (l = 0; l < DENSE_LANES; l++) \
				tr[l] = all + (size_t) (l < n ? t + l : T - 1) * ni; \
			for (d = 0; d < dn->depth; d++) \
			{ \
				STEP(0); STEP(1); STEP(2); STEP(3); \
				STEP(4); STEP(5); STEP(6); STEP(7); \
			} \
			leaf[0] = pos0; leaf[1] = pos1; leaf[2] = pos2; leaf[3] = pos3; \
			leaf[4] = pos4; leaf[5] = pos5; leaf[6] = pos6; leaf[7] = pos7; \
			for (l = 0; l < n; l++) \
			{ \
				float		v = dn->leaf[(size_t) (t + l) * nl + leaf[l] - ni]; \
				\
				ens_margin_add(v, K, &z, margin, &k); \
			} \
		} \
	} while (0)

/*
 * GCC 12 at -O2 packs the eight lanes' steps into vector registers and
 * back, a third slower than eight independent chains.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_SLP __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define NO_SLP
#endif

/* ens_predict_margin through the complete trees: the same margins, bit for bit. */
NO_SLP void
ens_dense_margin(const EnsModel *m, const uint8_t *xb, double *margin)
{
	const EnsDense *dn = m->dense;
	uint32_t	K = m->n_outputs,
				T = m->n_trees,
				ni = dn->n_int,
				nl = dn->n_leaf,
				p = dn->p,
				k,
				t;
	double		z = m->base_score[0];
	uint8_t		row[2 * ENS_MAX_FEATURES];

	/* the row's bins, then each plus one (missing: 255 + 1 = 0) */
	memcpy(row, xb, p);
	for (t = 0; t < p; t++)
		row[p + t] = (uint8_t) (xb[t] + 1);
	for (k = 0; k < K; k++)
		margin[k] = m->base_score[k];
	k = 0;
	if (dn->narrow)
		DENSE_MARGIN(uint16_t);
	else
		DENSE_MARGIN(uint32_t);
	if (K == 1)
		margin[0] = z;
}
