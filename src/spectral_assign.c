/*-------------------------------------------------------------------------
 *
 * spectral_assign.c
 *	  Exact size-constrained assignment of points to hubs.  PostgreSQL-free.
 *
 * Given a cost c(i, h) of putting point i in hub h and bounds lo <= |h| <= hi,
 * the cheapest assignment is a transportation (min-cost flow) problem:
 * source -> point (capacity 1), point -> hub (cost c), hub -> sink (lower
 * bound lo, capacity hi).  k-means-constrained solves it from scratch with a
 * network-simplex solver; we solve it by cycle cancelling (Klein 1967)
 * started from a feasible assignment, which also makes warm starts cheap.
 *
 * The residual network of an assignment collapses onto the hubs: an arc
 * a -> b of weight min over i in a of c(i, b) - c(i, a) ("move the best
 * point of a to b"), plus a node X standing for the sink's slack, with arcs
 * X -> a when |a| > lo (a may shrink) and a -> X when |a| < hi (a may grow).
 * A directed cycle moves one point out of and one into every hub on it, so
 * sizes on a cycle through hubs only are unchanged, and a cycle through X
 * shrinks one hub that may shrink and grows one that may grow: every
 * exchange keeps all bounds.  A negative cycle over hubs lifts to a negative
 * cycle of the full residual network and back (distinct hubs on a simple
 * cycle give distinct points), so the assignment is optimal exactly when the
 * hub graph has no negative cycle.  Cycles are found by Bellman-Ford with a
 * check of the predecessor graph after every pass; all vertex-disjoint
 * cycles found in one pass are applied together.
 *
 * Point -> hub arcs are limited to each point's m_cand candidate hubs (all
 * hubs when m_cand >= k), plus its current hub.
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct HubEdge
{
	int			to;
	int			point;			/* the point of the tail hub that moves */
	double		w;
} HubEdge;

typedef struct AssignState
{
	int			n;
	int			k;
	int			m_cand;
	const int  *cand;
	const double *cand_cost;
	int		   *label;
	double	   *curcost;
	int		   *size;
	int		   *members;		/* hub h: members[h * cap_m .. + size[h]) */
	int		   *pos;			/* index of point i within its hub's list */
	int			cap_m;
	HubEdge    *edges;			/* hub a: edges[a * cap_e .. + nedge[a]) */
	int		   *nedge;
	int			cap_e;
	int		   *stamp;
	int		   *touched;
	/* with few hubs: a min-heap of slots (point, candidate) per hub pair */
	bool		heaps;
	int		   *heap;			/* pair (a, b): heap[(a * k + b) * cap_m ..] */
	int		   *hsize;
	int		   *hpos;			/* slot -> position in its heap */
} AssignState;

#define SMALL_K_HEAPS 16

static inline double
SlotKey(const AssignState *as, int slot)
{
	return as->cand_cost[slot] - as->curcost[slot / as->m_cand];
}

static inline bool
SlotBefore(const AssignState *as, int x, int y)
{
	double		kx = SlotKey(as, x),
				ky = SlotKey(as, y);

	return kx < ky || (kx == ky && x < y);
}

static void
HeapSiftUp(AssignState *as, int *h, int p)
{
	int			slot = h[p];

	while (p > 0)
	{
		int			parent = (p - 1) / 2;

		if (!SlotBefore(as, slot, h[parent]))
			break;
		h[p] = h[parent];
		as->hpos[h[p]] = p;
		p = parent;
	}
	h[p] = slot;
	as->hpos[slot] = p;
}

static void
HeapSiftDown(AssignState *as, int *h, int size, int p)
{
	int			slot = h[p];

	for (;;)
	{
		int			c = 2 * p + 1;

		if (c >= size)
			break;
		if (c + 1 < size && SlotBefore(as, h[c + 1], h[c]))
			c++;
		if (!SlotBefore(as, h[c], slot))
			break;
		h[p] = h[c];
		as->hpos[h[p]] = p;
		p = c;
	}
	h[p] = slot;
	as->hpos[slot] = p;
}

/* Insert (add) or remove every slot of point i for its current hub. */
static void
HeapUpdatePoint(AssignState *as, int i, bool add)
{
	int			a = as->label[i];

	for (int t = 0; t < as->m_cand; t++)
	{
		int			slot = i * as->m_cand + t;
		int			b = as->cand[slot];
		int			pair;
		int		   *h;

		if (b < 0 || b == a)
			continue;
		pair = a * as->k + b;
		h = as->heap + (size_t) pair * as->cap_m;
		if (add)
		{
			h[as->hsize[pair]] = slot;
			HeapSiftUp(as, h, as->hsize[pair]++);
		}
		else
		{
			int			p = as->hpos[slot];
			int			last = h[--as->hsize[pair]];

			if (p < as->hsize[pair])
			{
				h[p] = last;
				as->hpos[last] = p;
				HeapSiftUp(as, h, p);
				HeapSiftDown(as, h, as->hsize[pair], as->hpos[last]);
			}
		}
	}
}

/* Recompute the cheapest move from hub a to each hub reachable from it. */
static void
BuildHubEdges(AssignState *as, int a)
{
	const int  *mem = as->members + (size_t) a * as->cap_m;
	HubEdge    *out = as->edges + (size_t) a * as->cap_e;
	int			ntouch = 0;

	if (as->heaps)
	{
		for (int b = 0; b < as->k; b++)
		{
			int			pair = a * as->k + b;

			if (b == a || as->hsize[pair] == 0)
				continue;
			{
				int			slot = as->heap[(size_t) pair * as->cap_m];

				out[ntouch].to = b;
				out[ntouch].point = slot / as->m_cand;
				out[ntouch].w = SlotKey(as, slot);
				ntouch++;
			}
		}
		as->nedge[a] = ntouch;
		return;
	}

	for (int p = 0; p < as->size[a]; p++)
	{
		int			i = mem[p];
		const int  *ci = as->cand + (size_t) i * as->m_cand;
		const double *cc = as->cand_cost + (size_t) i * as->m_cand;

		for (int t = 0; t < as->m_cand; t++)
		{
			int			b = ci[t];
			double		delta;

			if (b < 0 || b == a)
				continue;
			delta = cc[t] - as->curcost[i];
			if (as->stamp[b] != a)
			{
				as->stamp[b] = a;
				as->touched[b] = ntouch;
				out[ntouch].to = b;
				out[ntouch].point = i;
				out[ntouch].w = delta;
				ntouch++;
			}
			else if (delta < out[as->touched[b]].w)
			{
				out[as->touched[b]].point = i;
				out[as->touched[b]].w = delta;
			}
		}
	}
	as->nedge[a] = ntouch;
	/* the stamp must not survive to the next rebuild of the same hub */
	for (int t = 0; t < ntouch; t++)
		as->stamp[out[t].to] = -1;
}

static void
MovePoint(AssignState *as, int i, int to, double newcost)
{
	int			from = as->label[i];
	int		   *mf = as->members + (size_t) from * as->cap_m;
	int		   *mt = as->members + (size_t) to * as->cap_m;
	int			last = mf[as->size[from] - 1];

	if (as->heaps)
		HeapUpdatePoint(as, i, false);
	mf[as->pos[i]] = last;
	as->pos[last] = as->pos[i];
	as->size[from]--;
	as->pos[i] = as->size[to];
	mt[as->size[to]++] = i;
	as->label[i] = to;
	as->curcost[i] = newcost;
	if (as->heaps)
		HeapUpdatePoint(as, i, true);
}

/*
 * Improve a feasible labelling to an optimal one for the candidate arcs.
 * Returns the number of exchange cycles applied (0: it was optimal).
 */
long
spectral_balanced_assign(SpectralCtx *ctx, int n, int k, int lo, int hi,
						 int m_cand, const int *cand, const double *cand_cost,
						 SpectralCostFn cost, void *cost_arg, int *label)
{
	int			V = k + 1;		/* hubs and the slack node X = k */
	int			X = k;
	AssignState as;
	double	   *dist = spectral_alloc(ctx, V, sizeof(double));
	int		   *predv = spectral_alloc(ctx, V, sizeof(int));	/* tail node */
	long	   *prede = spectral_alloc(ctx, V, sizeof(long));	/* edge, -1 for X arcs */
	int		   *mark = spectral_alloc(ctx, V, sizeof(int));
	int		   *cycv = spectral_alloc(ctx, V, sizeof(int));
	bool	   *dirty = spectral_alloc(ctx, k, sizeof(bool));
	double		eps;
	double		sumcost = 0.0;
	long		cancelled = 0;
	long		maxrounds = 20L * n + 1000;
	int			walk = 0;

	as.n = n;
	as.k = k;
	as.m_cand = m_cand;
	as.cand = cand;
	as.cand_cost = cand_cost;
	as.label = label;
	/* a hub on a cycle may receive its new point before it gives one away */
	as.cap_m = (hi < n ? hi : n) + 1;
	as.cap_e = m_cand * as.cap_m;
	if (as.cap_e > k - 1)
		as.cap_e = k - 1;
	if (as.cap_e < 1)
		as.cap_e = 1;
	as.curcost = spectral_alloc(ctx, n, sizeof(double));
	as.size = spectral_alloc(ctx, k, sizeof(int));
	as.members = spectral_alloc(ctx, (size_t) k * as.cap_m, sizeof(int));
	as.pos = spectral_alloc(ctx, n, sizeof(int));
	as.edges = spectral_alloc(ctx, (size_t) k * as.cap_e, sizeof(HubEdge));
	as.nedge = spectral_alloc(ctx, k, sizeof(int));
	as.stamp = spectral_alloc(ctx, k, sizeof(int));
	as.touched = spectral_alloc(ctx, k, sizeof(int));
	as.heaps = k <= SMALL_K_HEAPS;
	as.heap = NULL;
	as.hsize = NULL;
	as.hpos = NULL;

	memset(as.size, 0, sizeof(int) * k);
	for (int i = 0; i < n; i++)
	{
		int			h = label[i];

		if ((i & 4095) == 0)
			spectral_check_interrupts(ctx);
		as.curcost[i] = cost(cost_arg, i, h);
		sumcost += fabs(as.curcost[i]);
		as.pos[i] = as.size[h];
		as.members[(size_t) h * as.cap_m + as.size[h]++] = i;
	}
	eps = 1e-12 * (sumcost / (n > 0 ? n : 1)) + 1e-300;
	for (int h = 0; h < k; h++)
	{
		as.stamp[h] = -1;
		dirty[h] = true;
	}
	if (as.heaps)
	{
		as.heap = spectral_alloc(ctx, (size_t) k * k * as.cap_m, sizeof(int));
		as.hsize = spectral_alloc(ctx, (size_t) k * k, sizeof(int));
		as.hpos = spectral_alloc(ctx, (size_t) n * m_cand, sizeof(int));
		memset(as.hsize, 0, sizeof(int) * k * k);
		/* fill, then heapify each pair bottom-up */
		for (int i = 0; i < n; i++)
		{
			int			a = label[i];

			for (int t = 0; t < m_cand; t++)
			{
				int			slot = i * m_cand + t;
				int			b = cand[slot];
				int			pair;

				if (b < 0 || b == a)
					continue;
				pair = a * k + b;
				as.hpos[slot] = as.hsize[pair];
				as.heap[(size_t) pair * as.cap_m + as.hsize[pair]++] = slot;
			}
		}
		for (int pair = 0; pair < k * k; pair++)
		{
			spectral_check_interrupts(ctx);
			for (int p = as.hsize[pair] / 2 - 1; p >= 0; p--)
				HeapSiftDown(&as, as.heap + (size_t) pair * as.cap_m, as.hsize[pair], p);
		}
	}
	for (int v = 0; v < V; v++)
		mark[v] = 0;

	for (long round = 0; round < maxrounds; round++)
	{
		int			base;
		bool		applied = false;

		spectral_check_interrupts(ctx);
		for (int a = 0; a < k; a++)
			if (dirty[a])
			{
				if ((a & 63) == 0)
					spectral_check_interrupts(ctx);
				BuildHubEdges(&as, a);
				dirty[a] = false;
			}

		/*
		 * Bellman-Ford from a virtual source joined to every node; the
		 * slack node's arcs (X -> a if a may shrink, a -> X if a may grow)
		 * are implied by the sizes.
		 */
		for (int v = 0; v < V; v++)
		{
			dist[v] = 0.0;
			predv[v] = -1;
			prede[v] = -1;
		}
		for (int pass = 0; pass < V + 1 && !applied; pass++)
		{
			bool		changed = false;

			spectral_check_interrupts(ctx);
			for (int a = 0; a < k; a++)
			{
				const HubEdge *ea = as.edges + (size_t) a * as.cap_e;
				double		da = dist[a];

				for (int t = 0; t < as.nedge[a]; t++)
				{
					double		nd = da + ea[t].w;

					if (nd < dist[ea[t].to] - eps)
					{
						dist[ea[t].to] = nd;
						predv[ea[t].to] = a;
						prede[ea[t].to] = (long) a * as.cap_e + t;
						changed = true;
					}
				}
				if (as.size[a] < hi && da < dist[X] - eps)
				{
					dist[X] = da;
					predv[X] = a;
					prede[X] = -1;
					changed = true;
				}
			}
			for (int a = 0; a < k; a++)
				if (as.size[a] > lo && dist[X] < dist[a] - eps)
				{
					dist[a] = dist[X];
					predv[a] = X;
					prede[a] = -1;
					changed = true;
				}
			if (!changed)
				break;

			/* cycles of the predecessor graph: all negative, vertex-disjoint */
			base = walk + 1;
			for (int v0 = 0; v0 < V; v0++)
			{
				int			v = v0;
				int			len = 0;
				double		wsum = 0.0;

				walk++;
				while (v >= 0 && mark[v] < base)
				{
					mark[v] = walk;
					v = predv[v];
				}
				if (v < 0 || mark[v] != walk)
					continue;
				{
					int			u = v;

					do
					{
						cycv[len++] = u;
						if (prede[u] >= 0)
							wsum += as.edges[prede[u]].w;
						u = predv[u];
					} while (u != v);
				}
				if (wsum >= -eps)
					continue;
				for (int c = 0; c < len; c++)
				{
					int			head = cycv[c];

					if (prede[head] >= 0)
					{
						const HubEdge *ed = &as.edges[prede[head]];
						int			i = ed->point;

						dirty[label[i]] = true;
						dirty[head] = true;
						MovePoint(&as, i, head, as.curcost[i] + ed->w);
					}
				}
				cancelled++;
				applied = true;
			}
		}
		if (!applied)
			break;
	}

	if (ctx->stats)
		ctx->stats->cycles_cancelled += cancelled;
	spectral_free(ctx, as.curcost);
	spectral_free(ctx, as.size);
	spectral_free(ctx, as.members);
	spectral_free(ctx, as.pos);
	spectral_free(ctx, as.edges);
	spectral_free(ctx, as.nedge);
	spectral_free(ctx, as.stamp);
	spectral_free(ctx, as.touched);
	spectral_free(ctx, as.heap);
	spectral_free(ctx, as.hsize);
	spectral_free(ctx, as.hpos);
	spectral_free(ctx, dist);
	spectral_free(ctx, predv);
	spectral_free(ctx, prede);
	spectral_free(ctx, mark);
	spectral_free(ctx, cycv);
	spectral_free(ctx, dirty);
	return cancelled;
}

/* ---------------------------------------------------------------- */
/* A feasible start: cheapest pairs first, then repair lower bounds  */
/* ---------------------------------------------------------------- */

typedef struct PairCost
{
	double		c;
	int			i;
	int			h;
} PairCost;

static int
PairCostCmp(const void *a, const void *b)
{
	const PairCost *x = a,
			   *y = b;

	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return x->h < y->h ? -1 : (x->h > y->h ? 1 : 0);
}

/*
 * Feasible labels from candidate costs alone.  Every point needs at least
 * one candidate; hubs never listed as candidates are filled from the
 * cheapest donors through the lower-bound repair, which uses cand_cost when
 * available and otherwise moves an arbitrary point (cost unknown, large).
 */
void
spectral_greedy_feasible(SpectralCtx *ctx, int n, int k, int lo, int hi,
						 int m_cand, const int *cand, const double *cand_cost,
						 int *label)
{
	size_t		np = (size_t) n * m_cand;
	PairCost   *pairs = spectral_alloc(ctx, np > 0 ? np : 1, sizeof(PairCost));
	int		   *size = spectral_alloc(ctx, k, sizeof(int));
	size_t		cnt = 0;

	for (int i = 0; i < n; i++)
	{
		label[i] = -1;
		for (int t = 0; t < m_cand; t++)
		{
			int			h = cand[(size_t) i * m_cand + t];

			if (h < 0)
				continue;
			pairs[cnt].c = cand_cost[(size_t) i * m_cand + t];
			pairs[cnt].i = i;
			pairs[cnt].h = h;
			cnt++;
		}
	}
	spectral_check_interrupts(ctx);
	qsort(pairs, cnt, sizeof(PairCost), PairCostCmp);
	memset(size, 0, sizeof(int) * k);
	for (size_t p = 0; p < cnt; p++)
	{
		if ((p & 4095) == 0)
			spectral_check_interrupts(ctx);
		if (label[pairs[p].i] >= 0 || size[pairs[p].h] >= hi)
			continue;
		label[pairs[p].i] = pairs[p].h;
		size[pairs[p].h]++;
	}
	spectral_free(ctx, pairs);

	/*
	 * Points whose candidates were all full: cheapest candidate with room.
	 * Only reached with m_cand < k (the k-way start lists every hub, so a
	 * point is left only if all k hubs are full, k * hi >= n points placed).
	 * besth is never -1: fewer than n <= k * hi points are placed so far
	 * (spectral_cluster checks k * hi >= n), so some hub has room.
	 */
	for (int i = 0; i < n; i++)
	{
		int			besth = -1;
		double		bestc = INFINITY;

		if (label[i] >= 0)
			continue;
		spectral_check_interrupts(ctx);
		for (int t = 0; t < m_cand; t++)
		{
			int			h = cand[(size_t) i * m_cand + t];

			if (h >= 0 && size[h] < hi && cand_cost[(size_t) i * m_cand + t] < bestc)
			{
				bestc = cand_cost[(size_t) i * m_cand + t];
				besth = h;
			}
		}
		if (besth < 0)
		{
			/* prefer a hub below its lower bound, then any hub with room */
			for (int h = 0; h < k && besth < 0; h++)
				if (size[h] < lo)
					besth = h;
			for (int h = 0; h < k && besth < 0; h++)
				if (size[h] < hi)
					besth = h;
		}
		label[i] = besth;
		size[besth]++;
	}

	/* lower bounds: move the cheapest donor point into each short hub */
	for (int a = 0; a < k; a++)
	{
		while (size[a] < lo)
		{
			int			bi = -1;
			double		bd = INFINITY;

			spectral_check_interrupts(ctx);
			for (int i = 0; i < n; i++)
			{
				int			from = label[i];
				double		cin = INFINITY,
							cout = 0.0;

				if (from == a || size[from] <= lo)
					continue;
				for (int t = 0; t < m_cand; t++)
				{
					int			h = cand[(size_t) i * m_cand + t];

					if (h == a)
						cin = cand_cost[(size_t) i * m_cand + t];
					if (h == from)
						cout = cand_cost[(size_t) i * m_cand + t];
				}
				if (cin == INFINITY)
					cin = 1e300;	/* not a candidate: last resort */
				if (bi < 0 || cin - cout < bd)
				{
					bd = cin - cout;
					bi = i;
				}
			}
			if (bi < 0)
				break;			/* infeasible bounds: caller checked them */
			size[label[bi]]--;
			label[bi] = a;
			size[a]++;
		}
	}
	spectral_free(ctx, size);
}
