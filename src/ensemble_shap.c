/*
 * ensemble_shap.c - exact path-dependent TreeSHAP (PG-free).
 *
 * Shapley values of one row for one output, with the conditional
 * expectation of a tree given the features in a coalition S taken over
 * the tree's training rows (Lundberg et al. 2020, "From local explanations
 * to global understanding with explainable AI for trees", Algorithm 2's
 * "path-dependent" expectation): at a split on a feature in S the row's
 * branch is followed; at any other split both branches are averaged,
 * weighted by the training rows (cover) that went each way.
 *
 * For a leaf l, let U be the distinct features on its path; for j in U,
 * a_j = 1 when the row satisfies every split on j along the path, and r_j
 * is the product of the cover ratios of those splits.  The leaf's value
 * under S is v_l * prod_{j in U} (j in S ? a_j : r_j), a product game
 * whose Shapley value for feature i is (multilinear extension, Owen 1972)
 *
 *     phi_i = v_l (a_i - r_i) * integral_0^1 prod_{j in U, j != i} e_j(t) dt,
 *     e_j(t) = a_j t + (1 - t) r_j,
 *
 * a polynomial of degree |U| - 1, integrated exactly by Gauss-Legendre
 * quadrature with ceil(|U| / 2) points.  Summing over leaves is done as in
 * Linear TreeShap (Yu et al., NeurIPS 2022): one pass down a tree carries
 * the product of the e_j (values at the quadrature points), one pass up
 * sums the leaves' products, and each split adds its feature's share; a
 * feature split again further down replaces its factor and subtracts what
 * the upper split counted for the rows below, so the sum telescopes.
 *
 * What does not depend on the row (cover ratios, the quadrature, and for
 * shallow trees the factors and weights of every edge: "path weights", in
 * the spirit of Fast TreeSHAP, Yang 2021) is precomputed once per model, so
 * a row costs a few multiply-adds per edge and quadrature point; the only
 * row-dependent choices (which side the row takes) become 0/1 factors, not
 * branches.  Subtrees whose leaves are all 0 for the output (a forest's
 * pure leaves of other classes) are skipped.
 *
 * Outputs: a forest's class share (mean over trees; pure leaves one-hot)
 * or value; a boosted model's raw margin of one output (softmax: the trees
 * of that class; logistic: the margin of class 1, negated for class 0).
 * Models without covers (0.1.0, or bytes without that section) weigh both
 * branches of a split equally; the base value is then the mean over the
 * leaves weighted by 2^-depth, not over training rows.
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/*
 * Quadrature points go four at a time (a tree's count rounded up to a
 * multiple of 4, which stays exact): GCC vector code, SSE2 by default and
 * AVX2 with FMA where the CPU has it (a clone picked at load time).
 * aligned(8): palloc guarantees 8 bytes, and unaligned loads cost nothing.
 */
#if defined(__GNUC__) || defined(__clang__)
typedef double V4 __attribute__((vector_size(32), aligned(8)));
#define V4SET(x) ((V4) {(x), (x), (x), (x)})
#define V4SUM(v) ((v)[0] + (v)[1] + (v)[2] + (v)[3])
#else
#error "ensemble_shap.c needs GCC vector extensions"
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define SHAP_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define SHAP_CLONES
#endif

/* 4 x 256 points: exact for paths of up to 2048 distinct features */
#define ENS_SHAP_MAX_QUADS 256

typedef struct ShapTree
{
	uint32_t	nb;				/* first node */
	uint32_t	n;				/* nodes */
	uint32_t	nv;				/* quads of quadrature points */
	int64_t		tab;			/* nv 1: offset of its edges' weights in tab, else -1 */
	uint64_t	quad;			/* offset of t, 1 - t, w, -w / (1 - t) (nv each) */
} ShapTree;

/* The edge into a node (tree-local indices); a root's is unused (plan only). */
typedef struct ShapEdge
{
	double		r;				/* combined cover ratio of its feature down to it */
	double		rho;			/* its cover over its parent's */
	int32_t		prev;			/* the edge above it on the same feature, or -1 */
	uint32_t	parent;
	uint16_t	feature;		/* its parent's split feature */
	uint8_t		flags;
	uint64_t	outputs;		/* outputs with a leaf value other than 0 below
								 * (bit k % 64; all set beyond 64 classes) */
} ShapEdge;

#define EDGE_LEFT	0x01		/* the left child */
#define EDGE_LEAF	0x02		/* into a leaf */
#define EDGE_TWIN	0x04		/* into a split of two leaves, both in its table */
#define EDGE_QUAD	0x08		/* into a split of two twins */

/*
 * What a row reads of an edge, in depth-first order (left subtree first),
 * so that a row's scratch is one slot per depth, not per node: the walk's
 * working set stays in the L1 cache however large the tree.  A tree's
 * first step is its root (depth 0).
 */
typedef struct ShapStep
{
	double		r;				/* combined cover ratio of its feature down to it */
	double		rho;			/* its cover over its parent's */
	EnsNode		nd;				/* the node it leads to: its split or its leaf */
	uint32_t	depth;			/* of that node; the root is 0 */
	uint32_t	pdepth;			/* depth of the edge above on the same feature, 0: none */
	uint32_t	cpdepth;		/* EDGE_TWIN: its children's pdepth */
	uint16_t	feature;		/* its parent's split feature */
	uint8_t		flags;
} ShapStep;

/* a row's scratch per depth in a table tree (ShapTreeRowTab): one pointer */
typedef struct TabLevel
{
	V4			p;				/* P: product of the factors down to the node */
	V4			c;				/* the edge's share weights */
	V4			h;				/* H: sum of the leaves below */
	uint8_t		a;				/* as EnsShap's la */
	uint8_t		left;			/* the row goes left at the split */
	uint16_t	f;				/* the edge's feature */
} TabLevel;

/* forest classes only: a subtree whose leaves are all 0 for an output */
typedef struct ShapSkip
{
	uint64_t	outputs;		/* as ShapEdge's */
	uint32_t	end;			/* the step after its subtree */
} ShapSkip;

struct EnsShap
{
	const EnsModel *m;
	bool		cover;			/* the model's covers, else equal branches */
	uint32_t	max_nodes,
				max_nv,
				max_depth,
				n_out;
	ShapTree   *trees;
	ShapEdge   *edges;			/* per node (plan only) */
	ShapStep   *steps;			/* per node, each tree depth first */
	ShapSkip   *skip;			/* per step, or NULL (every leaf counts for every output) */
	V4		   *quad;			/* per point count: t, 1 - t, w, -w / (1 - t) */
	V4		   *tab;			/* trees of one quad: per step R11, C11, R10, C10
								 * (a row reads R and C as one cache line) */
	/* scratch of a row, one slot per depth (max_depth + 1, times max_nv for V4) */
	V4		   *lp;				/* P: product of the factors down to the node */
	V4		   *lic;			/* 1 / e of the edge with the row passing */
	V4		   *lc;				/* share weights of the edge */
	V4		   *lh;				/* H: sum of the leaves below (splits being walked) */
	double	   *lr;				/* the edge's r (1 at the root) */
	uint8_t    *la;				/* the row passes every split on the edge's feature
								 * down to it (1 at the root) */
	uint8_t    *lleft;			/* the row goes left at the split */
	uint16_t   *lf;				/* the edge's feature */
	TabLevel   *lt;				/* the same for table trees */
	V4		   *phiv;			/* scratch: per feature, the shares before adding up the points */
	double	   *base;			/* per output, NaN until computed */
	size_t		bytes;
	const EnsAlloc *al;
	void	   *mem[24];		/* the blocks allocated (PlanAlloc) */
	uint32_t	nmem;
};

/* ---------- quadrature ---------- */

/* n-point Gauss-Legendre on [0, 1] (Newton on P_n from Chebyshev-like guesses) */
static void
GaussLegendre(uint32_t n, double *t, double *w)
{
	uint32_t	i,
				half = (n + 1) / 2;

	for (i = 0; i < half; i++)
	{
		double		x = cos(M_PI * (i + 0.75) / (n + 0.5)),
					dp = 1;
		int			it;

		for (it = 0; it < 100; it++)
		{
			double		p0 = 1,
						p1 = x,
						dx;
			uint32_t	j;

			for (j = 2; j <= n; j++)
			{
				double		p2 = ((2.0 * j - 1) * x * p1 - (j - 1.0) * p0) / j;

				p0 = p1;
				p1 = p2;
			}
			if (n == 1)
				p0 = 1;
			dp = n * (x * p1 - p0) / (x * x - 1);
			dx = p1 / dp;
			x -= dx;
			if (fabs(dx) < 1e-16)
				break;
		}
		/* x and -x: t = (1 -+ x) / 2, weight 1 / ((1 - x^2) P'^2) */
		t[i] = (1 - x) / 2;
		t[n - 1 - i] = (1 + x) / 2;
		w[i] = w[n - 1 - i] = 1.0 / ((1 - x * x) * dp * dp);
	}
}

/* ---------- the plan ---------- */

/*
 * Plan memory, 64-byte aligned (the allocator promises 8: a vector of
 * points straddling two cache lines costs a row dearly), each block
 * remembered for ens_shap_free.
 */
static void *
PlanAlloc(EnsShap *s, size_t bytes)
{
	void	   *p;

	if (s->nmem == sizeof(s->mem) / sizeof(s->mem[0]))
		return NULL;
	p = s->al->alloc(s->al->ctx, bytes + 64);
	if (p == NULL)
		return NULL;
	ens_hint_hugepages(p, bytes + 64);	/* a row streams the tables and steps */
	s->mem[s->nmem++] = p;
	s->bytes += bytes;
	return (void *) (((uintptr_t) p + 63) & ~(uintptr_t) 63);
}

/* frees block p (of bytes) before the rest of the plan */
static void
PlanFree(EnsShap *s, void *p, size_t bytes)
{
	uint32_t	i;

	for (i = 0; i < s->nmem; i++)
		if (s->mem[i] && (((uintptr_t) s->mem[i] + 63) & ~(uintptr_t) 63) == (uintptr_t) p)
		{
			s->al->free(s->al->ctx, s->mem[i]);
			s->mem[i] = NULL;
			s->bytes -= bytes;
			return;
		}
}

void
ens_shap_free(EnsShap *s)
{
	uint32_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nmem; i++)
		if (s->mem[i])
			s->al->free(s->al->ctx, s->mem[i]);
	s->al->free(s->al->ctx, s);
}

static inline double
LeafValue(const EnsModel *m, EnsNode nd, uint32_t k)
{
	float		v;

	if (m->algorithm == ENS_FOREST && m->task == ENS_CLASSIFICATION)
		return (nd.flags & FN_PURE) ? (nd.a == k ? 1.0 : 0.0) : m->leafv[nd.a + k];
	memcpy(&v, &nd.a, sizeof(v));
	return v;
}

/* outputs a leaf gives a value other than 0 (bit k % 64; forest classes) */
static uint64_t
LeafOutputs(const EnsModel *m, EnsNode nd)
{
	uint64_t	bits = 0;
	uint32_t	k;

	if (m->algorithm != ENS_FOREST || m->task != ENS_CLASSIFICATION || m->n_classes > 64)
		return ~UINT64_C(0);
	if (nd.flags & FN_PURE)
		return UINT64_C(1) << nd.a;
	for (k = 0; k < m->n_classes; k++)
		if (m->leafv[nd.a + k] != 0)
			bits |= UINT64_C(1) << k;
	return bits;
}

/* Scratch of the depth-first walk over one tree (tree-local indices). */
typedef struct Walk
{
	uint32_t   *stack;
	uint8_t    *state;			/* 0: to enter, 1: to leave */
	int32_t    *saved;			/* last[] value to restore when leaving */
	uint32_t   *uniq;			/* distinct features root -> node */
	int32_t    *last;			/* per feature: the deepest edge on it so far */
	uint8_t    *seen;			/* nodes reached */
} Walk;

static void
EnterEdge(Walk *w, ShapEdge *E, uint32_t c, uint32_t top)
{
	ShapEdge   *e = &E[c];
	int32_t		pv = w->last[e->feature];

	w->saved[top] = pv;
	e->prev = pv;
	w->last[e->feature] = (int32_t) c;
	w->uniq[c] = w->uniq[e->parent] + (pv < 0 ? 1 : 0);
	e->r = e->rho * (pv < 0 ? 1.0 : E[pv].r);
}

/*
 * One tree, depth first: every edge's parent, feature, cover ratio, the
 * edge above it on the same feature and that feature's combined ratio;
 * returns the most distinct features on a path.
 */
static EnsStatus
PlanTree(EnsShap *s, Walk *w, uint32_t t, uint32_t *dmax_out)
{
	const EnsModel *m = s->m;
	uint32_t	nb = m->tree_node[t],
				n = m->tree_node[t + 1] - nb,
				top = 0,
				dmax = 0,
				c;
	ShapEdge   *E = s->edges + nb;

	memset(E, 0, sizeof(ShapEdge) * n);
	memset(w->seen, 0, n);
	w->seen[0] = 1;
	E[0].r = E[0].rho = 1;
	E[0].prev = -1;
	w->stack[top] = 0;
	w->state[top++] = 0;
	w->uniq[0] = 0;
	while (top > 0)
	{
		uint32_t	l,
					k;
		EnsNode		nd;

		c = w->stack[top - 1];
		nd = m->nodes[nb + c];

		if (w->state[top - 1] == 1)
		{
			/* leaving c: its feature's deepest edge is the one above again */
			if (c != 0)
				w->last[E[c].feature] = w->saved[top - 1];
			top--;
			continue;
		}
		w->state[top - 1] = 1;
		if (c != 0)
			EnterEdge(w, E, c, top - 1);
		if (nd.flags & FN_LEAF)
		{
			if (w->uniq[c] > dmax)
				dmax = w->uniq[c];
			continue;
		}
		l = ens_node_child(m, nd) - nb;
		for (k = 0; k < 2; k++)
		{
			uint32_t	ch = l + 1 - k; /* the left child ends on top */
			double		cp = s->cover ? (double) m->ext->cover[nb + c] : 1;

			/* bytes can make a node the child of two splits: not a tree */
			if (w->seen[ch])
				return ENS_ECORRUPT;
			w->seen[ch] = 1;
			E[ch].parent = c;
			E[ch].feature = nd.feature;
			E[ch].flags = (ch == l ? EDGE_LEFT : 0) |
				((m->nodes[nb + ch].flags & FN_LEAF) ? EDGE_LEAF : 0);
			E[ch].rho = !s->cover ? 0.5 : cp > 0 ? m->ext->cover[nb + ch] / cp : 0;
			E[ch].outputs = 0;
			w->stack[top] = ch;
			w->state[top++] = 0;
		}
	}
	for (c = n - 1; c > 0; c--)
	{
		if (!w->seen[c])
			return ENS_ECORRUPT;	/* a node no split leads to */
		if (E[c].flags & EDGE_LEAF)
			E[c].outputs = LeafOutputs(m, m->nodes[nb + c]);
		E[E[c].parent].outputs |= E[c].outputs;
	}
	*dmax_out = dmax;
	return ENS_OK;
}

static bool
WalkAlloc(EnsShap *s, Walk *w, uint32_t n)
{
	const EnsAlloc *al = s->al;

	memset(w, 0, sizeof(*w));
	w->stack = al->alloc(al->ctx, sizeof(uint32_t) * n);
	w->state = al->alloc(al->ctx, n);
	w->saved = al->alloc(al->ctx, sizeof(int32_t) * n);
	w->uniq = al->alloc(al->ctx, sizeof(uint32_t) * n);
	w->last = al->alloc(al->ctx, sizeof(int32_t) * s->m->n_features);
	w->seen = al->alloc(al->ctx, n);
	return w->stack && w->state && w->saved && w->uniq && w->last && w->seen;
}

static void
WalkFree(EnsShap *s, Walk *w)
{
	void	   *p[6] = {w->stack, w->state, w->saved, w->uniq, w->last, w->seen};
	int			i;

	for (i = 0; i < 6; i++)
		if (p[i])
			s->al->free(s->al->ctx, p[i]);
}

/*
 * Quadrature vectors, one block per quad count nv a tree uses: 4 nv
 * Gauss-Legendre points (t, 1 - t, w, -w / (1 - t)) at quad_off[nv].
 */
static EnsStatus
PlanQuadrature(EnsShap *s, uint64_t *quad_off)
{
	uint64_t	total = 0;
	uint32_t	nv,
				t,
				q;
	double		tq[4 * ENS_SHAP_MAX_QUADS],
				wq[4 * ENS_SHAP_MAX_QUADS];

	for (nv = 0; nv <= s->max_nv; nv++)
		quad_off[nv] = UINT64_MAX;
	for (t = 0; t < s->m->n_trees; t++)
		quad_off[s->trees[t].nv] = 0;
	for (nv = 1; nv <= s->max_nv; nv++)
		if (quad_off[nv] == 0)
		{
			quad_off[nv] = total;
			total += 4 * (uint64_t) nv;
		}
	s->quad = PlanAlloc(s, sizeof(V4) * total);
	if (s->quad == NULL)
		return ENS_ENOMEM;
	for (nv = 1; nv <= s->max_nv; nv++)
	{
		double	   *Q;

		if (quad_off[nv] == UINT64_MAX)
			continue;
		Q = (double *) (s->quad + quad_off[nv]);
		GaussLegendre(4 * nv, tq, wq);
		for (q = 0; q < 4 * nv; q++)
		{
			Q[q] = tq[q];
			Q[4 * nv + q] = 1 - tq[q];
			Q[8 * nv + q] = wq[q];
			Q[12 * nv + q] = -wq[q] / (1 - tq[q]);
		}
	}
	for (t = 0; t < s->m->n_trees; t++)
		s->trees[t].quad = quad_off[s->trees[t].nv];
	return ENS_OK;
}

/*
 * Shallow trees (one quad of points: at most 8 distinct features on a path,
 * every boosted tree of depth 8 or less) get their row-independent weights
 * precomputed per edge ("path weights"): the factor and the share weights
 * for the row passing (R11, C11) or failing (R10, C10) an edge whose
 * feature it passed above (or that is the first on it), the pair a row
 * needs side by side.  A row then costs one multiply per edge down and one
 * multiply-add up.  Deeper trees compute them on the fly (their tables
 * would not stay in the caches).
 */
static EnsStatus
PlanTables(EnsShap *s, size_t max_bytes)
{
	const EnsModel *m = s->m;
	uint64_t	n = 0;
	uint32_t	t;

	for (t = 0; t < m->n_trees; t++)
	{
		s->trees[t].tab = -1;
		if (s->trees[t].nv == 1)
		{
			s->trees[t].tab = (int64_t) n;
			n += (uint64_t) s->trees[t].n * 4;
		}
	}
	if (n == 0 || (max_bytes && n * sizeof(V4) > max_bytes / 2))
	{
		for (t = 0; t < m->n_trees; t++)
			s->trees[t].tab = -1;
		return ENS_OK;
	}
	s->tab = PlanAlloc(s, sizeof(V4) * n);
	return s->tab ? ENS_OK : ENS_ENOMEM;
}

/* the table entries of step i of tree st, whose edge is E[c] */
static void
PlanTableStep(EnsShap *s, const ShapTree *st, const ShapEdge *E, uint32_t c, uint32_t i)
{
	V4		   *v = s->tab + st->tab + (size_t) i * 4;
	const V4   *T = s->quad + st->quad,
			   *OMT = T + 1,
			   *W = OMT + 1,
			   *WOM = W + 1;
	V4			rc = V4SET(E[c].r),
				e1 = T[0] + OMT[0] * rc,
				e0 = OMT[0] * rc,
				ip = V4SET(1.0),
				back = V4SET(0.0);

	if (E[c].prev >= 0)
	{
		ip = V4SET(1.0) / (T[0] + OMT[0] * V4SET(E[E[c].prev].r));
		back = W[0] * ip * V4SET(1 - E[E[c].prev].r);
	}
	v[0] = e1 * ip;
	v[1] = W[0] * V4SET(1 - E[c].r) / e1 - back;
	v[2] = e0 * ip;
	v[3] = WOM[0] - back;
}

/*
 * A split of two leaves (in a table tree whose leaf values are the same
 * for every output) is walked as one step: its leaves' table slots get,
 * for the row going left or right, the sum of the two leaves' H over the
 * split's P (GH) and of their shares (GS), and for a row that failed the
 * split's feature above, the leaves' cover-weighted value (no share):
 *     left leaf slot:  GH left, GS left, GH right, GS right
 *     right leaf slot: rho_l v_l + rho_r v_r, 0
 */
static void
PlanTwins(EnsShap *s, const ShapTree *st)
{
	ShapStep   *S = s->steps + st->nb;
	uint32_t	i;

	for (i = 0; i + 2 < st->n; i++)
	{
		V4		   *tl = s->tab + st->tab + (size_t) (i + 1) * 4,
				   *tr = tl + 4;
		V4			vl,
					vr,
					g[4];

		if ((S[i].nd.flags & FN_LEAF) || !(S[i + 1].nd.flags & FN_LEAF) ||
			!(S[i + 2].nd.flags & FN_LEAF) || S[i + 2].depth != S[i + 1].depth)
			continue;
		vl = V4SET(LeafValue(s->m, S[i + 1].nd, 0));
		vr = V4SET(LeafValue(s->m, S[i + 2].nd, 0));
		/* slots: R11, C11, R10, C10 */
		g[0] = tl[0] * vl + tr[2] * vr;
		g[1] = tl[0] * vl * tl[1] + tr[2] * vr * tr[3];
		g[2] = tl[2] * vl + tr[0] * vr;
		g[3] = tl[2] * vl * tl[3] + tr[0] * vr * tr[1];
		memcpy(tl, g, sizeof(g));
		tr[0] = V4SET(S[i + 1].rho) * vl + V4SET(S[i + 2].rho) * vr;
		tr[1] = V4SET(0.0);
		S[i].cpdepth = S[i + 1].pdepth;
		S[i].flags |= EDGE_TWIN;
	}
	/* splits of two twins (their steps: i, twin i + 1, twin i + 4) */
	for (i = 0; i + 6 < st->n; i++)
		if (!(S[i].nd.flags & FN_LEAF) && (S[i + 1].flags & EDGE_TWIN) &&
			(S[i + 4].flags & EDGE_TWIN) && S[i + 4].depth == S[i + 1].depth)
			S[i].flags |= EDGE_QUAD;
}

/*
 * One tree's steps: its nodes depth first, left subtree first (stack and
 * dep, the depth of each node: scratch of max_nodes each), with their
 * tables, then each subtree's end (for skipping).
 */
static void
PlanTreeSteps(EnsShap *s, const ShapTree *st, uint32_t *stack, uint32_t *dep)
{
	const EnsModel *m = s->m;
	const ShapEdge *E = s->edges + st->nb;
	ShapStep   *S = s->steps + st->nb;
	ShapSkip   *K = s->skip ? s->skip + st->nb : NULL;
	uint32_t	top = 0,
				i = 0,
				c;

	dep[0] = 0;
	stack[top++] = 0;
	while (top > 0)
	{
		EnsNode		nd;
		ShapStep   *p = &S[i];

		c = stack[--top];
		nd = m->nodes[st->nb + c];
		p->nd = nd;
		p->depth = dep[c];
		p->r = c ? E[c].r : 1;
		p->rho = c ? E[c].rho : 1;
		p->pdepth = c && E[c].prev >= 0 ? dep[E[c].prev] : 0;
		p->cpdepth = 0;
		p->feature = c ? E[c].feature : 0;
		p->flags = c ? E[c].flags : 0;
		if (dep[c] > s->max_depth)
			s->max_depth = dep[c];
		if (K)
			K[i].outputs = E[c].outputs;
		if (c && st->tab >= 0)
			PlanTableStep(s, st, E, c, i);
		i++;
		if (!(nd.flags & FN_LEAF))
		{
			uint32_t	l = ens_node_child(m, nd) - st->nb;

			dep[l] = dep[l + 1] = dep[c] + 1;
			stack[top++] = l + 1;
			stack[top++] = l;
		}
	}
	if (st->tab >= 0 && K == NULL)
		PlanTwins(s, st);
	if (K == NULL)
		return;
	/* a subtree is its root, its left subtree, then its right one */
	for (i = st->n; i-- > 0;)
	{
		uint32_t	end = i + 1;

		if (!(S[i].nd.flags & FN_LEAF))
			end = K[K[i + 1].end].end;
		K[i].end = end;
	}
}
/* outputs a model explains: classes, margins, or one value */
static uint32_t
Outputs(const EnsModel *m)
{
	if (m->algorithm == ENS_BOOST && m->objective == ENS_OBJ_LOGISTIC)
		return 2;
	return m->task == ENS_CLASSIFICATION ? m->n_classes : 1;
}

/* steps of every tree (the node-order edges are freed after) */
static EnsStatus
PlanSteps(EnsShap *s)
{
	const EnsModel *m = s->m;
	const EnsAlloc *al = s->al;
	uint32_t   *stack,
			   *dep,
				t;

	s->steps = PlanAlloc(s, sizeof(ShapStep) * (uint64_t) m->n_nodes);
	if (m->algorithm == ENS_FOREST && m->task == ENS_CLASSIFICATION)
		s->skip = PlanAlloc(s, sizeof(ShapSkip) * (uint64_t) m->n_nodes);
	stack = al->alloc(al->ctx, sizeof(uint32_t) * s->max_nodes);
	dep = al->alloc(al->ctx, sizeof(uint32_t) * s->max_nodes);
	if (s->steps && stack && dep && (s->skip || m->algorithm != ENS_FOREST ||
									 m->task != ENS_CLASSIFICATION))
		for (t = 0; t < m->n_trees; t++)
			PlanTreeSteps(s, &s->trees[t], stack, dep);
	if (stack)
		al->free(al->ctx, stack);
	if (dep)
		al->free(al->ctx, dep);
	if (!s->steps || !stack || !dep || (m->algorithm == ENS_FOREST &&
										m->task == ENS_CLASSIFICATION && !s->skip))
		return ENS_ENOMEM;
	PlanFree(s, s->edges, sizeof(ShapEdge) * (uint64_t) m->n_nodes);
	s->edges = NULL;
	return ENS_OK;
}

/* the scratch of a row: one slot per depth */
static EnsStatus
PlanScratch(EnsShap *s)
{
	uint64_t	nl = (uint64_t) s->max_depth + 1,
				nq = nl * s->max_nv;
	uint32_t	k;

	s->n_out = Outputs(s->m);
	s->lp = PlanAlloc(s, sizeof(V4) * nq);
	s->lic = PlanAlloc(s, sizeof(V4) * nq);
	s->lc = PlanAlloc(s, sizeof(V4) * nq);
	s->lh = PlanAlloc(s, sizeof(V4) * nq);
	s->lr = PlanAlloc(s, sizeof(double) * nl);
	s->la = PlanAlloc(s, nl);
	s->lleft = PlanAlloc(s, nl);
	s->lf = PlanAlloc(s, sizeof(uint16_t) * nl);
	s->lt = PlanAlloc(s, sizeof(TabLevel) * nl);
	s->phiv = PlanAlloc(s, sizeof(V4) * s->m->n_features);
	s->base = PlanAlloc(s, sizeof(double) * s->n_out);
	if (!s->lp || !s->lic || !s->lc || !s->lh || !s->lr || !s->la || !s->lleft || !s->lf || !s->lt ||
		!s->phiv || !s->base)
		return ENS_ENOMEM;
	for (k = 0; k < s->n_out; k++)
		s->base[k] = NAN;
	return ENS_OK;
}

/*
 * Precompute what explaining a row needs.  max_bytes caps the plan (0: no
 * cap; ENS_ELIMIT beyond it).
 */
EnsStatus
ens_shap_plan(const EnsModel *m, const EnsAlloc *al, size_t max_bytes,
			  EnsInterruptFn intr, void *intr_arg, EnsShap **out)
{
	EnsShap    *s;
	Walk		w;
	uint32_t	t;
	uint64_t	quad_off[ENS_SHAP_MAX_QUADS + 1];
	EnsStatus	rc = ENS_OK;

	*out = NULL;
	s = al->alloc(al->ctx, sizeof(EnsShap));
	if (s == NULL)
		return ENS_ENOMEM;
	memset(s, 0, sizeof(*s));
	s->al = al;
	s->m = m;
	s->cover = m->ext && m->ext->cover;
	for (t = 0; t < m->n_trees; t++)
		if (m->tree_node[t + 1] - m->tree_node[t] > s->max_nodes)
			s->max_nodes = m->tree_node[t + 1] - m->tree_node[t];
	s->trees = PlanAlloc(s, sizeof(ShapTree) * m->n_trees);
	s->edges = PlanAlloc(s, sizeof(ShapEdge) * m->n_nodes);
	if (!s->trees || !s->edges || !WalkAlloc(s, &w, s->max_nodes))
		rc = ENS_ENOMEM;
	for (t = 0; rc == ENS_OK && t < m->n_trees; t++)
	{
		ShapTree   *st = &s->trees[t];
		uint32_t	d;

		if (intr && intr(intr_arg))
		{
			rc = ENS_EINTR;
			break;
		}
		memset(w.last, 0xFF, sizeof(int32_t) * m->n_features);
		st->nb = m->tree_node[t];
		st->n = m->tree_node[t + 1] - st->nb;
		rc = PlanTree(s, &w, t, &d);
		if (rc != ENS_OK)
			break;
		/* degree d - 1 needs d / 2 points (exact to degree 2 n - 1): quads */
		st->nv = d < 8 ? 1 : (d + 7) / 8;
		if (st->nv > s->max_nv)
			s->max_nv = st->nv;
	}
	WalkFree(s, &w);
	if (rc == ENS_OK && s->max_nv > ENS_SHAP_MAX_QUADS)
		rc = ENS_ELIMIT;
	/* the steps replace the edges; the scratch is per depth, at most per node */
	if (rc == ENS_OK && max_bytes &&
		(uint64_t) m->n_nodes * (sizeof(ShapStep) + sizeof(ShapSkip)) +
		(uint64_t) s->max_nodes * (4 * s->max_nv * sizeof(V4) + 12) + s->bytes > max_bytes)
		rc = ENS_ELIMIT;
	if (rc == ENS_OK)
		rc = PlanQuadrature(s, quad_off);
	if (rc == ENS_OK)
		rc = PlanTables(s, max_bytes);
	if (rc == ENS_OK)
		rc = PlanSteps(s);
	if (rc == ENS_OK)
		rc = PlanScratch(s);
	if (rc != ENS_OK)
	{
		ens_shap_free(s);
		return rc;
	}
	*out = s;
	return ENS_OK;
}

size_t
ens_shap_bytes(const EnsShap *s)
{
	return s->bytes;
}

bool
ens_shap_uses_cover(const EnsShap *s)
{
	return s->cover;
}

/* ---------- outputs ---------- */

/* trees of output k and the factor on their leaves; false: no such output */
static bool
OutputTrees(const EnsModel *m, uint32_t k, uint32_t *step, uint32_t *first, double *scale)
{
	*step = 1;
	*first = 0;
	if (m->algorithm == ENS_FOREST)
	{
		*scale = 1.0 / m->n_trees;
		return m->task == ENS_CLASSIFICATION ? k < m->n_classes : k == 0;
	}
	if (m->objective == ENS_OBJ_SOFTMAX)
	{
		*step = m->n_outputs;
		*first = k;
		*scale = 1;
		return k < m->n_outputs;
	}
	if (m->objective == ENS_OBJ_LOGISTIC)
	{
		*scale = k == 1 ? 1 : -1;
		return k < 2;
	}
	*scale = 1;
	return k == 0;
}

/* Expected output over the training rows (by cover); NaN: no output k. */
double
ens_shap_base(EnsShap *s, uint32_t k)
{
	const EnsModel *m = s->m;
	uint32_t	step,
				first,
				t,
				c;
	double		scale,
				sum = 0;

	if (!OutputTrees(m, k, &step, &first, &scale))
		return NAN;
	if (!isnan(s->base[k]))
		return s->base[k];
	for (t = first; t < m->n_trees; t += step)
	{
		const ShapTree *st = &s->trees[t];
		const ShapStep *S = s->steps + st->nb;
		double	   *pi = s->lr;	/* path probability per depth */

		pi[0] = 1;
		if (st->n == 1)
			sum += LeafValue(m, S[0].nd, k);
		for (c = 1; c < st->n; c++)
		{
			pi[S[c].depth] = pi[S[c].depth - 1] * S[c].rho;
			if (S[c].flags & EDGE_LEAF)
				sum += pi[S[c].depth] * LeafValue(m, S[c].nd, k);
		}
	}
	sum *= scale;
	if (m->algorithm == ENS_BOOST)
		sum += m->objective == ENS_OBJ_LOGISTIC ? scale * m->base_score[0] :
			m->base_score[m->objective == ENS_OBJ_SOFTMAX ? k : 0];
	s->base[k] = sum;
	return sum;
}

/*
 * One tree's contributions (before the output's scale) added to phiv.
 *
 * Down the tree (steps depth first), each node's P is the product of the
 * e_j on its path: the edge's factor is e = a t + (1 - t) r of its
 * feature, divided by the factor the edge above on the same feature put
 * in (1 / e above is kept per depth for that), and a leaf's P times its
 * value is its H.  When the row failed the feature above, a stays 0 and
 * the factor reduces to the cover ratio.  Up the tree (a split's level is
 * closed once its subtree is walked), a split's H is its children's sum,
 * and each edge adds its share to its feature: (a - r) integral(H / e),
 * minus what the edge above on the same feature counted for these rows:
 * sum over points of H times
 *     C = w (a (1 - r) / e - (1 - r_above) / e_above) - (1 - a) w / (1 - t)
 * (with nothing above: no second term), and 0 when the row failed above.
 *
 * The loops have no branches on the row's values (which side it takes is
 * as good as random to the CPU): those become 0/1 factors.
 */
/*
 * Up the tree: the splits open at depths top down to d have had all their
 * leaves; each adds its H to its parent's and its share to its feature.
 * Returns the deepest split still open.
 */
static inline uint32_t
CloseLevels(EnsShap *s, uint32_t nv, uint32_t top, uint32_t d, V4 *phiv)
{
	uint32_t	v;

	for (; top >= d; top--)
	{
		const V4   *H = s->lh + (size_t) top * nv,
				   *C = s->lc + (size_t) top * nv;
		V4		   *Hp = s->lh + (size_t) (top - 1) * nv,
					acc = V4SET(0.0);

		for (v = 0; v < nv; v++)
		{
			Hp[v] += H[v];
			acc += H[v] * C[v];
		}
		phiv[s->lf[top]] += acc;
	}
	return top;
}

SHAP_CLONES static void
ShapTreeRow(EnsShap *s, uint32_t t, const uint8_t *xb, uint32_t k, V4 *phiv)
{
	const EnsModel *m = s->m;
	const ShapTree *st = &s->trees[t];
	const ShapStep *S = s->steps + st->nb;
	const ShapSkip *K = s->skip ? s->skip + st->nb : NULL;
	uint32_t	nv = st->nv,
				top = 0,
				c,
				v;
	const V4   *T = s->quad + st->quad,
			   *OMT = T + nv,
			   *W = OMT + nv,
			   *WOM = W + nv;
	V4		   *lp = s->lp,
			   *lic = s->lic,
			   *lc = s->lc,
			   *lh = s->lh;
	double	   *lr = s->lr;
	uint8_t    *la = s->la,
			   *lleft = s->lleft;
	uint16_t   *lf = s->lf;

	if (st->n == 1)
		return;					/* a single leaf: no feature matters */
	for (v = 0; v < nv; v++)
	{
		lp[v] = lic[v] = V4SET(1.0);
		lh[v] = V4SET(0.0);
	}
	la[0] = 1;
	lr[0] = 1;
	lleft[0] = ens_node_left(m, S[0].nd, xb[S[0].nd.feature]);
	for (c = 1; c < st->n; c++)
	{
		const ShapStep *e = &S[c];
		uint32_t	d = e->depth,
					pd = e->pdepth;
		const V4   *P = lp + (size_t) (d - 1) * nv,
				   *ip = lic + (size_t) pd * nv;
		V4		   *Pc = lp + (size_t) d * nv,
				   *ic = lic + (size_t) d * nv,
				   *C = lc + (size_t) d * nv,
					rc,
					beta,
					vl,
					ac,
					alpha,
					pass,
					fail,
					rho;
		uint8_t		up,
					a;

		/* the splits at depth d or deeper have had all their leaves */
		top = CloseLevels(s, nv, top, d, phiv);
		if (K && !((K[c].outputs >> (k & 63)) & 1))
		{
			c = K[c].end - 1;	/* every leaf below is 0 for this output */
			continue;
		}
		up = la[pd];
		a = up & (((e->flags & EDGE_LEFT) != 0) == lleft[d - 1]);
		la[d] = a;
		lr[d] = e->r;
		rc = V4SET(e->r);
		beta = V4SET(1 - lr[pd]);
		vl = V4SET((e->flags & EDGE_LEAF) ? LeafValue(m, e->nd, k) : 1.0);
		ac = V4SET((double) a);
		alpha = V4SET(a * (1 - e->r));
		pass = V4SET((double) up);
		fail = V4SET(1.0 - up);
		rho = V4SET(e->rho) * fail;
		if (e->flags & EDGE_LEAF)
		{
			/* its H and share at once: nothing below needs its P, 1 / e or C */
			V4		   *Hp = lh + (size_t) (d - 1) * nv,
						acc = V4SET(0.0);

			for (v = 0; v < nv; v++)
			{
				V4			ev = T[v] + OMT[v] * rc,
							e1 = ev * ac + OMT[v] * rc * (V4SET(1.0) - ac),
							pc = P[v] * (e1 * ip[v] * pass + rho) * vl,
							cv = (W[v] * (alpha / ev - ip[v] * beta) + WOM[v] * (V4SET(1.0) - ac)) * pass;

				Hp[v] += pc;
				acc += pc * cv;
			}
			phiv[e->feature] += acc;
			continue;
		}
		for (v = 0; v < nv; v++)
		{
			V4			ev = T[v] + OMT[v] * rc,
						e1 = ev * ac + OMT[v] * rc * (V4SET(1.0) - ac);

			ic[v] = V4SET(1.0) / ev;
			Pc[v] = P[v] * (e1 * ip[v] * pass + rho) * vl;
			C[v] = (W[v] * (ic[v] * alpha - ip[v] * beta) + WOM[v] * (V4SET(1.0) - ac)) * pass;
			lh[(size_t) d * nv + v] = V4SET(0.0);
		}
		lleft[d] = ens_node_left(m, e->nd, xb[e->nd.feature]);
		lf[d] = e->feature;
		top = d;
	}
	CloseLevels(s, nv, top, 1, phiv);
}

/* ShapTreeRow for a tree with precomputed weights (PlanTables) */
/*
 * The edge of step c (depth d) of a table tree: whether the row passes it
 * (into L[d].a), its factor and its share weights.
 */
static inline void
TabEdge(TabLevel *L, const V4 *tab, const ShapStep *e, uint32_t c, uint32_t d, V4 *f, V4 *w)
{
	uint8_t		up = L[e->pdepth].a,
				a = up & (((e->flags & EDGE_LEFT) != 0) == L[d - 1].left);
	const V4   *tb = tab + (size_t) c * 4 + (a ? 0 : 2);
	V4			u = V4SET((double) up);

	L[d].a = a;
	/* the table's factor when the row passed the feature above, else rho */
	*f = tb[0] * u + V4SET(e->rho) * (V4SET(1.0) - u);
	*w = tb[1] * u;				/* no share when the row failed this feature above */
}

/*
 * The two leaves of twin step c (P its product) at once (PlanTwins): their
 * shares added, their H into *h.
 */
static inline void
TabTwin(const EnsModel *m, const TabLevel *L, const V4 *tab, const ShapStep *e, uint32_t c,
		const V4 *P, const uint8_t *xb, V4 *phiv, V4 *h)
{
	uint8_t		left = ens_node_left(m, e->nd, xb[e->nd.feature]),
				uc = L[e->cpdepth].a;
	const V4   *g = tab + (size_t) (c + 1) * 4 + (uc ? (left ? 0 : 2) : 4);

	phiv[e->nd.feature] += *P * g[1];
	*h = *P * g[0];
}

SHAP_CLONES static void
ShapTreeRowTab(EnsShap *s, uint32_t t, const uint8_t *xb, uint32_t k, V4 *phiv)
{
	const EnsModel *m = s->m;
	const ShapTree *st = &s->trees[t];
	const ShapStep *S = s->steps + st->nb;
	const ShapSkip *K = s->skip ? s->skip + st->nb : NULL;
	const V4   *tab = s->tab + st->tab;
	TabLevel   *L = s->lt;
	uint32_t	top = 0,
				c;

	if (st->n == 1)
		return;
	L[0].p = V4SET(1.0);
	L[0].h = V4SET(0.0);
	L[0].a = 1;
	L[0].left = ens_node_left(m, S[0].nd, xb[S[0].nd.feature]);
	for (c = 1; c < st->n; c++)
	{
		const ShapStep *e = &S[c];
		uint32_t	d = e->depth;
		V4			f,
					w;

		/* the splits at depth d or deeper have had all their leaves */
		for (; top >= d; top--)
		{
			L[top - 1].h += L[top].h;
			phiv[L[top].f] += L[top].h * L[top].c;
		}
		if (K && !((K[c].outputs >> (k & 63)) & 1))
		{
			c = K[c].end - 1;
			continue;
		}
		/* the tables a few steps on (a row takes one line of each pair) */
		__builtin_prefetch(tab + (size_t) (c + 16) * 4);
		__builtin_prefetch(tab + (size_t) (c + 16) * 4 + 2);
		TabEdge(L, tab, e, c, d, &f, &w);
		if (e->flags & EDGE_LEAF)
		{
			V4			pc = L[d - 1].p * f * V4SET(LeafValue(m, e->nd, k));

			L[d - 1].h += pc;
			phiv[e->feature] += pc * w;
			continue;
		}
		if (e->flags & EDGE_TWIN)
		{
			/* its two leaves at once, then its own share */
			V4			p = L[d - 1].p * f,
						h;

			TabTwin(m, L, tab, e, c, &p, xb, phiv, &h);
			L[d - 1].h += h;
			phiv[e->feature] += h * w;
			c += 2;
			continue;
		}
		L[d].p = L[d - 1].p * f;
		L[d].left = ens_node_left(m, e->nd, xb[e->nd.feature]);
		if (e->flags & EDGE_QUAD)
		{
			/* its two twins at once (steps c + 1 and c + 4), then its own share */
			V4			h = V4SET(0.0);
			uint32_t	j;

			for (j = c + 1; j <= c + 4; j += 3)
			{
				V4			fj,
							wj,
							pj,
							hj;

				TabEdge(L, tab, &S[j], j, d + 1, &fj, &wj);
				pj = L[d].p * fj;
				TabTwin(m, L, tab, &S[j], j, &pj, xb, phiv, &hj);
				phiv[S[j].feature] += hj * wj;
				h += hj;
			}
			L[d - 1].h += h;
			phiv[e->feature] += h * w;
			c += 6;
			continue;
		}
		L[d].c = w;
		L[d].h = V4SET(0.0);
		L[d].f = e->feature;
		top = d;
	}
	for (; top >= 1; top--)
	{
		L[top - 1].h += L[top].h;
		phiv[L[top].f] += L[top].h * L[top].c;
	}
}

/*
 * Contributions phi[n_features] (overwritten) of one binned row to output
 * k; base + sum(phi) is that output.  ENS_EINVAL: no output k.
 */
EnsStatus
ens_shap_row(EnsShap *s, const uint8_t *xb, uint32_t k, double *phi,
			 EnsInterruptFn intr, void *intr_arg)
{
	const EnsModel *m = s->m;
	uint32_t	step,
				first,
				t,
				f;
	double		scale;

	if (!OutputTrees(m, k, &step, &first, &scale))
	{
		memset(phi, 0, sizeof(double) * m->n_features);
		return ENS_EINVAL;
	}
	/* shares kept per point, added up once per row (no chain through memory) */
	for (f = 0; f < m->n_features; f++)
		s->phiv[f] = V4SET(0.0);
	for (t = first; t < m->n_trees; t += step)
	{
		if ((t & 255) == 255 && intr && intr(intr_arg))
			return ENS_EINTR;
		if (s->trees[t].tab >= 0)
			ShapTreeRowTab(s, t, xb, k, s->phiv);
		else
			ShapTreeRow(s, t, xb, k, s->phiv);
	}
	for (f = 0; f < m->n_features; f++)
		phi[f] = V4SUM(s->phiv[f]) * scale;
	return ENS_OK;
}
