/*
 * boost_tree.c - growing one boosted tree (PG-free).
 *
 * A node waiting to be split (a frontier entry) owns a histogram slot, its
 * rows b->idx[st, en), its sums and its best split, found as soon as the
 * node exists.  Splitting partitions the rows, builds the histogram of the
 * child with fewer rows and turns the parent's slot into the other child's
 * (parent - child).  A node without a useful split becomes a leaf at once
 * and gives its slot back.  A node whose children are at max_depth adds
 * their values to its rows' margins instead of partitioning them: they are
 * leaves, and no later step needs their rows in order.
 *
 * Depth-wise growth (max_leaves = 0) takes frontier entries last in, first
 * out, so at most max_depth + 1 wait at a time; every node shallower than
 * max_depth is split if its best split gains, the same tree as level by
 * level growth.  Best-first growth (max_leaves, LightGBM's leaf-wise)
 * always splits the waiting node with the largest gain (ties: the lower
 * node number) until the tree has max_leaves leaves.
 *
 * Node layout as ensemble.h: children adjacent, after their parent; a leaf
 * holds its value (learning rate included) as float bits in a.
 */
#include "boost_int.h"

#include <math.h>
#include <string.h>

#include "rng.h"

typedef struct Front
{
	uint32_t	node,
				st,
				en,
				slot;
	int			depth;
	int64_t		G,
				H;
	BoostSplit	split;
	bool		placed;			/* a leaf whose value is on its rows' margins */
} Front;

float
boost_leaf_value(const EnsNode *nd)
{
	float		v;

	memcpy(&v, &nd->a, sizeof(v));
	return v;
}

/* Leaf c of tree t (output k, grown on b): its value onto its rows' margins. */
void
boost_leaf_margin(Booster *b, const BoostTree *t, uint32_t k, uint32_t c)
{
	const BoostLeaf *lf = &t->leaves[c];
	double		v = boost_leaf_value(&t->nodes[lf->node]);
	uint32_t	i;

	if (lf->placed)
		return;
	for (i = lf->st; i < lf->en; i++)
		b->margin[(size_t) b->idx[i] * b->K + k] += v;
}

void
boost_tree_free(Booster *b, BoostTree *t)
{
	boost_free(b, t->nodes, (size_t) t->cap_nodes * sizeof(EnsNode));
	boost_free(b, t->cats, (size_t) t->cap_cats * sizeof(EnsCatSplit));
	boost_free(b, t->leaves, (size_t) t->cap_leaves * sizeof(BoostLeaf));
	boost_free(b, t->front, (size_t) t->cap_front * sizeof(Front));
	memset(t, 0, sizeof(*t));
}

/* The histogram entries of the tree's features (SplitNode's choice of a row-by-row drop). */
static void
FeatureEntries(Booster *b)
{
	uint32_t	j;

	b->feat_ent = 0;
	for (j = 0; j < b->n_feat; j++)
		b->feat_ent += b->nb[b->feat[j]] + 1;
}

/* The tree's features: all usable ones, or a colsample draw (ascending). */
void
boost_draw_features(Booster *b, uint32_t tree_no)
{
	uint32_t	nu = b->n_usable,
				want,
				i;
	EpRng		rng;

	if (b->P->colsample >= 1.0 || nu <= 1)
	{
		memcpy(b->feat, b->usable, nu * sizeof(uint32_t));
		b->n_feat = nu;
		FeatureEntries(b);
		return;
	}
	want = (uint32_t) floor(b->P->colsample * nu + 0.5);
	if (want < 1)
		want = 1;
	memcpy(b->perm, b->usable, nu * sizeof(uint32_t));
	ep_rng_seed(&rng, b->P->seed, 2 * (uint64_t) tree_no + 2);
	for (i = 0; i < want; i++)
	{
		uint32_t	r = i + ep_rng_below(&rng, nu - i),
					tmp = b->perm[r];

		b->perm[r] = b->perm[i];
		b->perm[i] = tmp;
	}
	/* ascending, so split ties resolve as without sampling */
	for (i = 1; i < want; i++)
	{
		uint32_t	v = b->perm[i],
					j = i;

		while (j > 0 && b->perm[j - 1] > v)
		{
			b->perm[j] = b->perm[j - 1];
			j--;
		}
		b->perm[j] = v;
	}
	memcpy(b->feat, b->perm, want * sizeof(uint32_t));
	b->n_feat = want;
	FeatureEntries(b);
}

static inline BoostBin *
Slot(Booster *b, uint32_t s)
{
	return b->slots + (size_t) s * b->n_ent;
}

static uint32_t
TakeSlot(Booster *b)
{
	return b->free_slot[--b->n_free];
}

static void
GiveSlot(Booster *b, uint32_t s)
{
	b->free_slot[b->n_free++] = s;
}

/* Leaf value: learning rate x Newton step, or x median residual (absolute loss). */
static EnsStatus
LeafValue(Booster *b, const Front *e, uint32_t k, float *out)
{
	double		w;

	if (b->obj == ENS_OBJ_ABSOLUTE)
	{
		uint32_t	i,
					n = e->en - e->st;

		for (i = 0; i < n; i++)
		{
			uint32_t	r = b->idx[e->st + i];

			b->resid[i] = b->y[r] - b->margin[r];
		}
		boost_median(b, b->resid, n, &w);
	}
	else
		w = boost_leaf_weight(b, e->G, e->H, b->sg[k], b->sh[k]);
	w *= b->P->learning_rate;
	if (!isfinite(w) || fabs(w) > 3e38)
		return ENS_ELIMIT;
	*out = (float) w;
	return ENS_OK;
}

static EnsStatus
MakeLeaf(Booster *b, BoostTree *t, const Front *e, uint32_t k)
{
	EnsNode    *nd = &t->nodes[e->node];
	float		v;
	EnsStatus	rc = LeafValue(b, e, k, &v);

	if (rc != ENS_OK)
		return rc;
	nd->flags = FN_LEAF;
	nd->feature = 0;
	nd->bin = 0;
	memcpy(&nd->a, &v, sizeof(v));
	if (!boost_reserve(b, (void **) &t->leaves, &t->cap_leaves, t->n_leaves + 1, sizeof(BoostLeaf)))
		return ENS_ENOMEM;
	t->leaves[t->n_leaves].st = e->st;
	t->leaves[t->n_leaves].en = e->en;
	t->leaves[t->n_leaves].node = e->node;
	t->leaves[t->n_leaves].placed = e->placed;
	t->n_leaves++;
	return ENS_OK;
}

/* Can node e (depth, rows, weight) be split at all? */
static bool
MaySplit(const Booster *b, const Front *e, uint32_t k)
{
	return (b->P->max_depth == 0 || e->depth < b->P->max_depth) &&
		e->en - e->st >= 2 && b->n_feat > 0 &&
		(double) e->H / b->sh[k] >= 2 * b->P->min_child_weight;
}

/*
 * Writes the split into node e->node with children c, c + 1.
 */
static bool
SetSplit(Booster *b, BoostTree *t, const Front *e, uint32_t c)
{
	EnsNode    *nd = &t->nodes[e->node];

	nd->feature = (uint16_t) e->split.feature;
	nd->flags = e->split.defleft ? FN_DEFLEFT : 0;
	if (e->split.cat)
	{
		EnsCatSplit *cs;

		if (!boost_reserve(b, (void **) &t->cats, &t->cap_cats, t->n_cats + 1, sizeof(EnsCatSplit)))
			return false;
		cs = &t->cats[t->n_cats];
		cs->child = c;
		memcpy(cs->bits, e->split.bits, sizeof(cs->bits));
		nd->flags |= FN_CAT;
		nd->bin = 0;
		nd->a = t->n_cats++;
	}
	else
	{
		nd->bin = e->split.bin;
		nd->a = c;
	}
	return true;
}

/* Node e's split into node c's children l and r (rows [st, mid) and [mid, en)). */
static bool
AddChildren(Booster *b, BoostTree *t, Front *e, uint32_t mid, Front *l, Front *r)
{
	uint32_t	c;

	if (!boost_reserve(b, (void **) &t->nodes, &t->cap_nodes, t->n_nodes + 2, sizeof(EnsNode)))
		return false;
	c = t->n_nodes;
	t->n_nodes += 2;
	if (!SetSplit(b, t, e, c))
		return false;
	b->imp_tree[e->split.feature] += e->split.gain;

	l->node = c;
	l->st = e->st;
	l->en = mid;
	l->G = e->split.gl;
	l->H = e->split.hl;
	r->node = c + 1;
	r->st = mid;
	r->en = e->en;
	r->G = e->G - e->split.gl;
	r->H = e->H - e->split.hl;
	l->depth = r->depth = e->depth + 1;
	l->placed = r->placed = false;
	l->split.feature = r->split.feature = -1;
	return true;
}

/*
 * Children at the last level are leaves: their values go straight onto
 * their rows' margins (boost_split_to_leaves), with no partition and no
 * histogram.  Not for the absolute loss, whose leaf values are medians of
 * the leaf's rows.  Should every row go one way (the split's sums say
 * none can), each row got the value of a child whose sums are e's: the
 * value e itself has as a leaf.
 */
static EnsStatus
SplitToLeaves(Booster *b, BoostTree *t, Front *e, uint32_t k, Front *l, Front *r,
			  bool *leaf)
{
	Front		tl,
				tr;
	float		vl,
				vr;
	uint32_t	mid;
	EnsStatus	rc;

	tl.G = e->split.gl;
	tl.H = e->split.hl;
	tr.G = e->G - e->split.gl;
	tr.H = e->H - e->split.hl;
	if ((rc = LeafValue(b, &tl, k, &vl)) != ENS_OK ||
		(rc = LeafValue(b, &tr, k, &vr)) != ENS_OK ||
		(rc = boost_split_to_leaves(b, e->st, e->en, &e->split, k, vl, vr, &mid)) != ENS_OK)
		return rc;
	if (mid == e->st || mid == e->en)
	{
		*leaf = e->placed = true;
		return ENS_OK;
	}
	if (!AddChildren(b, t, e, mid, l, r))
		return ENS_ENOMEM;
	l->placed = r->placed = true;
	/* slots as a partition would leave them: both go back when the leaves are made */
	l->slot = e->slot;
	r->slot = TakeSlot(b);
	return ENS_OK;
}

static bool
LastLevel(const Booster *b, const Front *e)
{
	return b->place_leaves && b->P->max_depth > 0 && e->depth + 1 >= b->P->max_depth &&
		b->obj != ENS_OBJ_ABSOLUTE;
}

/*
 * Split frontier entry e into children; fills l and r (with their best
 * splits).  Returns ENS_OK, or an error.  *leaf set if e had to become a
 * leaf after all (every row on one side).
 */
static EnsStatus
SplitNode(Booster *b, BoostTree *t, Front *e, uint32_t k, Front *l, Front *r,
		  bool *leaf)
{
	uint32_t	mid,
				small_slot;
	EnsStatus	rc;
	Front	   *sm,
			   *lg;

	*leaf = false;
	if (LastLevel(b, e))
		return SplitToLeaves(b, t, e, k, l, r, leaf);
	rc = boost_partition(b, e->st, e->en, &e->split, &mid);
	if (rc != ENS_OK)
		return rc;
	if (mid == e->st || mid == e->en)
	{
		*leaf = true;
		return ENS_OK;
	}
	if (!AddChildren(b, t, e, mid, l, r))
		return ENS_ENOMEM;

	/*
	 * Histogram of the smaller child; the larger one's is parent - smaller,
	 * or, when the smaller has few rows, the parent's less those rows (no
	 * pass over every entry).  Only what a child that may split reads; the
	 * row-by-row reference (BOOST_HIST_ROWS) builds and subtracts whenever
	 * either may.
	 */
	sm = (mid - e->st <= e->en - mid) ? l : r;
	lg = sm == l ? r : l;
	lg->slot = e->slot;
	sm->slot = small_slot = TakeSlot(b);
	{
		const BoostGH *gh = b->packed ? NULL : b->gh + (size_t) k * b->n;
		bool		ref = b->P->hist == BOOST_HIST_ROWS,
					need_sm = MaySplit(b, sm, k),
					need_lg = MaySplit(b, lg, k),
					drop;

		if (ref)
			need_sm = need_lg = need_sm || need_lg;
		drop = need_lg && boost_hist_drop_wanted(b, sm->en - sm->st);

		if (drop)
			boost_hist_drop(b, gh, sm->st, sm->en, Slot(b, lg->slot));
		if (need_sm || (need_lg && !drop))
		{
			rc = boost_hist_build(b, gh, sm->st, sm->en, Slot(b, small_slot));
			if (rc != ENS_OK)
				return rc;
		}
		if (need_lg && !drop)
			boost_hist_subtract(b, Slot(b, lg->slot), Slot(b, small_slot));
	}
	{
		BoostSplitReq q[2];
		uint32_t	nq = 0;
		Front	   *ch[2] = {l, r};
		int			i;

		for (i = 0; i < 2; i++)
			if (MaySplit(b, ch[i], k))
			{
				q[nq].h = Slot(b, ch[i]->slot);
				q[nq].G = ch[i]->G;
				q[nq].H = ch[i]->H;
				q[nq].out = &ch[i]->split;
				q[nq].rows = b->idx + ch[i]->st;
				q[nq].n_rows = ch[i]->en - ch[i]->st;
				nq++;
			}
		return boost_find_splits(b, k, q, nq);
	}
}

/* Next frontier entry: last in (depth-wise), or the best gain (best-first). */
static uint32_t
PickEntry(const Booster *b, const Front *f, uint32_t nf)
{
	uint32_t	i,
				best = nf - 1;

	if (b->P->max_leaves == 0)
		return best;
	for (i = 0; i < nf; i++)
		if (f[i].split.gain > f[best].split.gain ||
			(f[i].split.gain == f[best].split.gain && f[i].node < f[best].node))
			best = i;
	return best;
}

/*
 * Root: all sampled rows, its histogram (built, or fused: its group's,
 * boost_roots.c) and best split.
 */
static EnsStatus
InitRoot(Booster *b, BoostTree *t, uint32_t k, Front *root, bool fused)
{
	const BoostGH *gh = b->packed ? NULL : b->gh + (size_t) k * b->n;
	EnsStatus	rc;
	uint32_t	i;

	memcpy(b->idx, b->sample, (size_t) b->n_sample * sizeof(uint32_t));
	if (!boost_reserve(b, (void **) &t->nodes, &t->cap_nodes, 1, sizeof(EnsNode)))
		return ENS_ENOMEM;
	t->n_nodes = 1;
	memset(root, 0, sizeof(*root));
	root->en = b->n_sample;
	root->split.feature = -1;
	root->slot = TakeSlot(b);
	if (b->n_sample < 2 || b->n_feat == 0)
	{
		for (i = 0; !b->packed && i < b->n_sample; i++)
		{
			root->G += gh[b->sample[i]].g;
			root->H += gh[b->sample[i]].h;
		}
		for (i = 0; b->packed && i < b->n_sample; i++)
		{
			/* g * 2^pbits + 1: g is the value less the count, shifted down */
			root->G += (b->gp[b->sample[i]] - 1) / ((int64_t) 1 << b->pbits);
			root->H += b->hunit;
		}
		return ENS_OK;
	}
	if (fused)
		boost_roots_take(b, k, Slot(b, root->slot));
	else if ((rc = boost_hist_build_root(b, gh, Slot(b, root->slot))) != ENS_OK)
		return rc;
	/* the sums: any feature's entries hold every row once */
	{
		BoostBin	buf[ENS_MAX_BOOST_BINS + 1];
		const BoostBin *e = boost_hist_feature(b, Slot(b, root->slot), b->feat[0], buf);

		for (i = 0; i <= b->nb[b->feat[0]]; i++)
		{
			root->G += e[i].g;
			root->H += e[i].h;
		}
	}
	if (!MaySplit(b, root, k))
		return ENS_OK;
	{
		BoostSplitReq q = {Slot(b, root->slot), root->G, root->H, &root->split,
		b->idx, b->n_sample};

		return boost_find_splits(b, k, &q, 1);
	}
}

/*
 * Grow the tree of output k (tree number tree_no of the model) on the
 * round's sampled rows, into t.  b->imp_tree gets its gains.
 */
EnsStatus
boost_tree_grow(Booster *b, BoostTree *t, uint32_t k, uint32_t tree_no)
{
	Front	   *f;
	uint32_t	nf = 0,
				leaves = 1,
				max_leaves = b->P->max_leaves > 0 ? (uint32_t) b->P->max_leaves : UINT32_MAX;
	EnsStatus	rc;
	bool		fused;

	t->n_nodes = t->n_cats = t->n_leaves = 0;
	memset(b->imp_tree, 0, b->p * sizeof(double));
	for (b->n_free = 0; b->n_free < b->n_slots; b->n_free++)
		b->free_slot[b->n_free] = b->n_slots - 1 - b->n_free;
	fused = boost_roots_ready(b, k, tree_no);
	if (!fused)
		boost_draw_features(b, tree_no);
	f = (Front *) t->front;
	rc = InitRoot(b, t, k, &f[0], fused);
	if (rc != ENS_OK)
		return rc;
	nf = 1;
	while (nf > 0)
	{
		uint32_t	i = PickEntry(b, f, nf);
		Front		e = f[i],
					l,
					r;
		bool		leaf = e.split.feature < 0 || leaves >= max_leaves;

		f[i] = f[--nf];
		if (b->intr && b->intr(b->intr_arg))
			return ENS_EINTR;
		if (!leaf)
		{
			rc = SplitNode(b, t, &e, k, &l, &r, &leaf);
			if (rc != ENS_OK)
				return rc;
		}
		if (leaf)
		{
			GiveSlot(b, e.slot);
			rc = MakeLeaf(b, t, &e, k);
			if (rc != ENS_OK)
				return rc;
			continue;
		}
		leaves++;
		/* right first, so that depth-wise growth continues on the left */
		if (r.split.feature >= 0)
			f[nf++] = r;
		else
		{
			GiveSlot(b, r.slot);
			if ((rc = MakeLeaf(b, t, &r, k)) != ENS_OK)
				return rc;
		}
		if (l.split.feature >= 0)
			f[nf++] = l;
		else
		{
			GiveSlot(b, l.slot);
			if ((rc = MakeLeaf(b, t, &l, k)) != ENS_OK)
				return rc;
		}
	}
	return ENS_OK;
}

/* Frontier and slots a tree needs at most. */
uint32_t
boost_tree_slots(const BoostParams *P)
{
	return P->max_leaves > 0 ? (uint32_t) P->max_leaves + 2 : (uint32_t) P->max_depth + 3;
}

bool
boost_tree_init(Booster *b, BoostTree *t)
{
	memset(t, 0, sizeof(*t));
	t->cap_front = boost_tree_slots(b->P);
	t->front = boost_alloc(b, (size_t) t->cap_front * sizeof(Front));
	return t->front != NULL;
}
