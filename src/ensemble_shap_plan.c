/*
 * ensemble_shap_plan.c - the per-model plan of exact TreeSHAP (PG-free):
 * Gauss-Legendre points, each tree's edges in depth-first order with their
 * cover ratios, and for shallow trees the path tables of every edge.
 * Built once per model (ens_shap_plan) and read by every row
 * (ensemble_shap.c, which explains the method).
 */
#include "ensemble_shap_int.h"

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
	uint32_t   *dep;			/* depth of each node */
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
	w->dep[c] = w->dep[e->parent] + 1;
	e->r = e->rho * (pv < 0 ? 1.0 : E[pv].r);
}

/*
 * One tree, depth first: every edge's parent, feature, cover ratio, the
 * edge above it on the same feature and that feature's combined ratio;
 * returns the most distinct features on a path and the tree's depth.
 */
static EnsStatus
PlanTree(EnsShap *s, Walk *w, uint32_t t, uint32_t *dmax_out, uint32_t *depth_out)
{
	const EnsModel *m = s->m;
	uint32_t	nb = m->tree_node[t],
				n = m->tree_node[t + 1] - nb,
				top = 0,
				dmax = 0,
				depth = 0,
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
	w->dep[0] = 0;
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
			if (w->dep[c] > depth)
				depth = w->dep[c];
			continue;
		}
		l = ens_node_child(m, nd) - nb;
		for (k = 0; k < 2; k++)
		{
			uint32_t	ch = l + 1 - k; /* the left child ends on top */
			double		cp = s->cover ? (double) m->ext->cover[nb + c] : 1;

			/*
			 * a node the child of two splits is not a tree: ens_deserialize
			 * refuses such bytes (with the node); a guard of the walk
			 */
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
	*depth_out = depth;
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
	w->dep = al->alloc(al->ctx, sizeof(uint32_t) * n);
	w->last = al->alloc(al->ctx, sizeof(int32_t) * s->m->n_features);
	w->seen = al->alloc(al->ctx, n);
	return w->stack && w->state && w->saved && w->uniq && w->dep && w->last && w->seen;
}

static void
WalkFree(EnsShap *s, Walk *w)
{
	void	   *p[7] = {w->stack, w->state, w->saved, w->uniq, w->dep, w->last, w->seen};
	int			i;

	for (i = 0; i < 7; i++)
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

/* forest classes: steps carry the outputs below them (ShapSkip), no twins */
static bool
HasSkip(const EnsModel *m)
{
	return m->algorithm == ENS_FOREST && m->task == ENS_CLASSIFICATION;
}

/* splits of two leaves in tree t: its twins, when it has tables (PlanTwins) */
static uint32_t
TreeTwins(const EnsModel *m, uint32_t t)
{
	uint32_t	nb = m->tree_node[t],
				c,
				twins = 0;

	for (c = nb; c < m->tree_node[t + 1]; c++)
	{
		uint32_t	l;

		if (m->nodes[c].flags & FN_LEAF)
			continue;
		l = ens_node_child(m, m->nodes[c]);
		twins += (m->nodes[l].flags & FN_LEAF) && (m->nodes[l + 1].flags & FN_LEAF);
	}
	return twins;
}

/*
 * Shallow trees (one quad of points: at most 8 distinct features on a path,
 * every boosted tree of depth 8 or less) get their row-independent weights
 * precomputed per edge ("path weights"): the factor and the share weights
 * for the row passing (R11, C11) or failing (R10, C10) an edge whose
 * feature it passed above (or that is the first on it), the pair a row
 * needs side by side.  A row then costs one multiply per edge down and one
 * multiply-add up.  Deeper trees compute them on the fly (their tables
 * would not stay in the caches).  Each table tree's place in the compact
 * arrays (PlanTabSteps) follows from its shape: a twin's two leaves have
 * no step and no table, so the arrays are allocated at their final size.
 */
static EnsStatus
PlanTables(EnsShap *s, size_t max_bytes)
{
	const EnsModel *m = s->m;
	uint64_t	n = 0,
				twins = 0;
	uint32_t	t;

	for (t = 0; t < m->n_trees; t++)
	{
		ShapTree   *st = &s->trees[t];

		st->tab = -1;
		if (st->nv == 1 && st->depth <= TAB_MAX_DEPTH)
		{
			uint32_t	tw = HasSkip(m) ? 0 : TreeTwins(m, t);

			st->tab = (int64_t) n * 4;
			st->tsb = n;
			st->twb = twins;
			st->tn = st->n - 2 * tw;
			n += st->tn;
			twins += tw;
		}
	}
	/* the tables may take half the cap */
	if (n == 0 || (max_bytes && n * (4 * sizeof(V4) + sizeof(TabStep)) +
				   twins * (4 * sizeof(V4) + sizeof(double)) > max_bytes / 2))
	{
		for (t = 0; t < m->n_trees; t++)
			s->trees[t].tab = -1;
		return ENS_OK;
	}
	s->tab = PlanAlloc(s, sizeof(V4) * 4 * n);
	s->tsteps = PlanAlloc(s, sizeof(TabStep) * n);
	s->twin = PlanAlloc(s, sizeof(V4) * 4 * twins);
	s->twin0 = PlanAlloc(s, sizeof(double) * twins);
	return s->tab && s->tsteps && s->twin && s->twin0 ? ENS_OK : ENS_ENOMEM;
}

/* the table entries of step i of tree st, whose edge is E[c], in its scratch tab */
static void
PlanTableStep(const EnsShap *s, const ShapTree *st, V4 *tab, const ShapEdge *E,
			  uint32_t c, uint32_t i)
{
	V4		   *v = tab + (size_t) i * 4;
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
PlanTwins(EnsShap *s, const ShapTree *st, V4 *tab)
{
	ShapStep   *S = s->steps + st->nb;
	uint32_t	i;

	for (i = 0; i + 2 < st->n; i++)
	{
		V4		   *tl = tab + (size_t) (i + 1) * 4,
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
 * A table tree's steps and tables as its walk reads them, from ShapStep and
 * the tables PlanTwins left in its scratch tab (depths fit: TAB_MAX_DEPTH),
 * at the places PlanTables gave it: a twin's leaves go to the twin arrays
 * (left leaf slot: the GH/GS pairs; right leaf slot: the value a row that
 * failed above takes), and the other steps close up.  ENS_ECORRUPT if the
 * steps and twins are not those PlanTables counted (never: a guard of the
 * sizes, checked before each write).
 */
static EnsStatus
PlanTabSteps(EnsShap *s, const ShapTree *st, const V4 *tab)
{
	const ShapStep *S = s->steps + st->nb;
	TabStep    *T = s->tsteps + st->tsb;
	V4		   *tb = s->tab + st->tab,
			   *tw = s->twin + 4 * st->twb;
	double	   *tw0 = s->twin0 + st->twb;
	uint32_t	i,
				j = 0,
				twins = 0;

	for (i = 0; i < st->n; i++, j++)
	{
		if (j == st->tn)
			return ENS_ECORRUPT;
		if (S[i].flags & EDGE_TWIN)
		{
			if (twins++ == (st->n - st->tn) / 2)
				return ENS_ECORRUPT;
			memcpy(tw, tab + (size_t) (i + 1) * 4, 4 * sizeof(V4));
			*tw0++ = tab[(size_t) (i + 2) * 4][0];
			tw += 4;
		}
		memcpy(tb + (size_t) j * 4, tab + (size_t) i * 4, 4 * sizeof(V4));
		T[j].rho = S[i].rho;
		T[j].nd = S[i].nd;
		T[j].depth = (uint8_t) S[i].depth;
		T[j].pdepth = (uint8_t) S[i].pdepth;
		T[j].cpdepth = (uint8_t) S[i].cpdepth;
		T[j].flags = S[i].flags;
		T[j].feature = S[i].feature;
		if (S[i].flags & EDGE_TWIN)
			i += 2;
	}
	return j == st->tn ? ENS_OK : ENS_ECORRUPT;
}

/*
 * One tree's steps: its nodes depth first, left subtree first (stack and
 * dep, the depth of each node: scratch of max_nodes each), with their
 * tables (a table tree: in tab, scratch of 4 vectors per node, then in
 * place), then each subtree's end (for skipping).
 */
static EnsStatus
PlanTreeSteps(EnsShap *s, const ShapTree *st, uint32_t *stack, uint32_t *dep, V4 *tab)
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
			PlanTableStep(s, st, tab, E, c, i);
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
		PlanTwins(s, st, tab);
	/* a subtree is its root, its left subtree, then its right one */
	for (i = st->n; K && i-- > 0;)
	{
		uint32_t	end = i + 1;

		if (!(S[i].nd.flags & FN_LEAF))
			end = K[K[i + 1].end].end;
		K[i].end = end;
	}
	return st->tab >= 0 ? PlanTabSteps(s, st, tab) : ENS_OK;
}

/* outputs a model explains: classes, margins, or one value */
static uint32_t
Outputs(const EnsModel *m)
{
	if (m->algorithm == ENS_BOOST && m->objective == ENS_OBJ_LOGISTIC)
		return 2;
	return m->task == ENS_CLASSIFICATION ? m->n_classes : 1;
}

/*
 * steps of every tree, and of table trees their compact arrays (through a
 * scratch table the size of the largest); the node-order edges are freed
 * after
 */
static EnsStatus
PlanSteps(EnsShap *s)
{
	const EnsModel *m = s->m;
	const EnsAlloc *al = s->al;
	uint32_t   *stack,
			   *dep,
				t,
				tab_nodes = 0;
	V4		   *tab = NULL;
	EnsStatus	rc = ENS_OK;

	s->steps = PlanAlloc(s, sizeof(ShapStep) * (uint64_t) m->n_nodes);
	if (HasSkip(m))
		s->skip = PlanAlloc(s, sizeof(ShapSkip) * (uint64_t) m->n_nodes);
	stack = al->alloc(al->ctx, sizeof(uint32_t) * s->max_nodes);
	dep = al->alloc(al->ctx, sizeof(uint32_t) * s->max_nodes);
	for (t = 0; t < m->n_trees; t++)
		if (s->trees[t].tab >= 0 && s->trees[t].n > tab_nodes)
			tab_nodes = s->trees[t].n;
	if (tab_nodes)
		tab = al->alloc(al->ctx, sizeof(V4) * 4 * (uint64_t) tab_nodes);
	if (!s->steps || !stack || !dep || (HasSkip(m) && !s->skip) || (tab_nodes && !tab))
		rc = ENS_ENOMEM;
	for (t = 0; rc == ENS_OK && t < m->n_trees; t++)
		rc = PlanTreeSteps(s, &s->trees[t], stack, dep, tab);
	if (stack)
		al->free(al->ctx, stack);
	if (dep)
		al->free(al->ctx, dep);
	if (tab)
		al->free(al->ctx, tab);
	if (rc != ENS_OK)
		return rc;
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
		rc = PlanTree(s, &w, t, &d, &st->depth);
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
