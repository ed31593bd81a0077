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
#include "ensemble_shap_int.h"

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

/*
 * The edge of step c (depth d) of a table tree: whether the row passes it
 * (into L[d].a), its factor and its share weights.
 */
static inline void
TabEdge(TabLevel *L, const V4 *tab, const TabStep *e, uint32_t c, uint32_t d, V4 *f, V4 *w)
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
 * The two leaves of twin e (P its product) at once (PlanTwins), from its row
 * tw of twin and twin0: their shares added, their H into *h.  A row that
 * failed e's feature above takes the leaves' cover-weighted value (no
 * share), as 0/1 factors (not a branch: as good as random to the CPU).
 */
static inline void
TabTwin(const EnsModel *m, const TabLevel *L, const V4 *tw, const double *tw0,
		const TabStep *e, const V4 *P, const uint8_t *xb, V4 *phiv, V4 *h)
{
	uint8_t		left = ens_node_left(m, e->nd, xb[e->nd.feature]);
	const V4   *g = tw + (left ? 0 : 2);
	V4			u = V4SET((double) L[e->cpdepth].a);

	phiv[e->nd.feature] += *P * (g[1] * u);
	*h = *P * (g[0] * u + V4SET(*tw0) * (V4SET(1.0) - u));
}

/*
 * CloseLevels for table trees: the splits at depth d or deeper have had all
 * their leaves; their H goes up and their share in.  Returns the new top.
 */
static inline uint32_t
TabCloseLevels(TabLevel *L, uint32_t top, uint32_t d, V4 *phiv)
{
	for (; top >= d; top--)
	{
		L[top - 1].h += L[top].h;
		phiv[L[top].f] += L[top].h * L[top].c;
	}
	return top;
}

/* ShapTreeRow for a tree with precomputed weights (PlanTables) */
SHAP_CLONES static void
ShapTreeRowTab(EnsShap *s, uint32_t t, const uint8_t *xb, uint32_t k, V4 *phiv)
{
	const EnsModel *m = s->m;
	const ShapTree *st = &s->trees[t];
	const TabStep *S = s->tsteps + st->tsb;
	const ShapSkip *K = s->skip ? s->skip + st->nb : NULL;	/* no twins: steps as nodes */
	const V4   *tab = s->tab + st->tab,
			   *tw = s->twin + 4 * st->twb;
	const double *tw0 = s->twin0 + st->twb;
	TabLevel   *L = s->lt;
	uint32_t	top = 0,
				c;

	if (st->n == 1)
		return;
	L[0].p = V4SET(1.0);
	L[0].h = V4SET(0.0);
	L[0].a = 1;
	L[0].left = ens_node_left(m, S[0].nd, xb[S[0].nd.feature]);
	for (c = 1; c < st->tn; c++)
	{
		const TabStep *e = &S[c];
		uint32_t	d = e->depth;
		V4			f,
					w;

		/* the splits at depth d or deeper have had all their leaves */
		top = TabCloseLevels(L, top, d, phiv);
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

			TabTwin(m, L, tw, tw0, e, &p, xb, phiv, &h);
			tw += 4;
			tw0++;
			L[d - 1].h += h;
			phiv[e->feature] += h * w;
			continue;
		}
		L[d].p = L[d - 1].p * f;
		L[d].left = ens_node_left(m, e->nd, xb[e->nd.feature]);
		if (e->flags & EDGE_QUAD)
		{
			/* its two twins at once (steps c + 1 and c + 2), then its own share */
			V4			h = V4SET(0.0);
			uint32_t	j;

			for (j = c + 1; j <= c + 2; j++)
			{
				V4			fj,
							wj,
							pj,
							hj;

				TabEdge(L, tab, &S[j], j, d + 1, &fj, &wj);
				pj = L[d].p * fj;
				TabTwin(m, L, tw, tw0, &S[j], &pj, xb, phiv, &hj);
				tw += 4;
				tw0++;
				phiv[S[j].feature] += hj * wj;
				h += hj;
			}
			L[d - 1].h += h;
			phiv[e->feature] += h * w;
			c += 2;
			continue;
		}
		L[d].c = w;
		L[d].h = V4SET(0.0);
		L[d].f = e->feature;
		top = d;
	}
	TabCloseLevels(L, top, 1, phiv);
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
				f,
				walked = 0;
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
		/*
		 * every 64 trees walked, whatever the stride: a test of t itself
		 * missed models of fewer than 256 trees and the trees of a class of
		 * a softmax model whose stride never lands on 255 mod 256
		 */
		if ((++walked & 63) == 0 && intr && intr(intr_arg))
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
