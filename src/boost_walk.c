/*
 * boost_walk.c - one tree of a model being trained, laid out as a complete
 * binary tree, to find the leaves of many rows at once (PG-free).
 *
 * The trainer walks each new tree for the rows outside the round's sample
 * and for the validation rows.  The node walk (boost_train.c's WalkRows)
 * tests, at every step of every row, whether the node is a leaf, a
 * categorical split or missing; most of a walk's time went there.  As a
 * complete tree of the tree's own depth D (split i's children at 2i + 1
 * and 2i + 2; below a leaf shallower than D, splits that always go left),
 * every row takes exactly D steps of one load, one compare and one select,
 * and the rows' steps interleave.  ensemble_dense.c does the same for a
 * whole model at prediction time; this is the one-tree form, rebuilt per
 * tree in a few hundred stores.
 *
 * The leaves are those WalkRows finds (same rule: a missing value, bin
 * ENS_MISSING, goes to the learned side; any other bin right when above the
 * threshold), so the margins and covers are the same.  A tree
 * ensemble_dense.c would not lay out (a categorical split, deeper than
 * BOOST_WALK_MAX_DEPTH) is not laid out here either: the caller walks nodes.
 */
#include "boost_int.h"

#define PAD_SPLIT	0xFFu		/* feature 0, threshold 255, missing left: always left */
#define STACK_MAX	(2 * BOOST_WALK_MAX_DEPTH + 2)

typedef struct Place
{
	uint32_t	node,			/* in m->nodes */
				pos;			/* in the complete tree */
} Place;

/* A split as walked: feature << 9 | missing-goes-right << 8 | threshold. */
static inline uint32_t
Packed(const EnsNode *nd)
{
	return ((uint32_t) nd->feature << 9) |
		((nd->flags & FN_DEFLEFT) ? 0u : 0x100u) | nd->bin;
}

bool
boost_walk_build(BoostWalk *w, const EnsModel *m, uint32_t tree_no)
{
	Place		st[STACK_MAX];
	uint32_t	ns = 0,
				D = ens_dense_tree_depth(m, tree_no),
				n_int,
				i;

	if (D > BOOST_WALK_MAX_DEPTH)
		return false;
	n_int = (1u << D) - 1;
	w->depth = D;
	for (i = 0; i < n_int; i++)
		w->split[i] = PAD_SPLIT;
	st[ns++] = (Place) {m->tree_node[tree_no], 0};
	while (ns > 0)
	{
		Place		s = st[--ns];
		const EnsNode *nd = &m->nodes[s.node];

		if (nd->flags & FN_LEAF)
		{
			/* a shallow leaf: its rows go left down the padding to one place */
			uint32_t	pos = s.pos;

			while (pos < n_int)
				pos = 2 * pos + 1;
			w->leaf[pos - n_int] = s.node;
			continue;
		}
		w->split[s.pos] = Packed(nd);
		st[ns++] = (Place) {nd->a + 1, 2 * s.pos + 2};
		st[ns++] = (Place) {nd->a, 2 * s.pos + 1};
	}
	return true;
}

static inline __attribute__((always_inline)) void
WalkLanes(const BoostWalk *w, const uint8_t *const *x, uint32_t n,
		  uint32_t *leaf)
{
	const uint32_t *split = w->split;
	uint32_t	pos[BOOST_WALK_LANES],
				d,
				l;

	for (l = 0; l < n; l++)
		pos[l] = 0;
	for (d = 0; d < w->depth; d++)
		for (l = 0; l < n; l++)
		{
			uint32_t	sp = split[pos[l]],
						v = x[l][sp >> 9],
						thr = sp & 0xFF,
						right = v == ENS_MISSING ? (sp >> 8) & 1 : v > thr;

			pos[l] = 2 * pos[l] + 1 + right;
		}
	for (l = 0; l < n; l++)
		leaf[l] = w->leaf[pos[l] - ((1u << w->depth) - 1)];
}

/* All lanes (most calls): a constant count, so the places stay in registers. */
void
boost_walk_rows(const BoostWalk *w, const uint8_t *const *x, uint32_t n,
				uint32_t *leaf)
{
	if (n == BOOST_WALK_LANES)
		WalkLanes(w, x, BOOST_WALK_LANES, leaf);
	else
		WalkLanes(w, x, n, leaf);
}
