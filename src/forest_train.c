/*
 * forest_train.c - growing the trees of a random forest (PG-free).
 *
 * Breiman's random forest over pre-binned features:
 *   - each tree sees a bootstrap sample (round(sample_fraction * n) draws
 *     with replacement) held as (row, weight) pairs, weight = draw count
 *     times the class weight;
 *   - nodes are grown depth first over a per-tree sample array that is
 *     partitioned in place (start/end per node), so no per-node sorting;
 *   - at each node mtry features are drawn without replacement; a feature
 *     constant in the node counts towards mtry, and only when all of them
 *     are constant are more drawn, one at a time, until one varies (as
 *     scikit-learn's splitter does); one pass over the node's samples fills
 *     a histogram per drawn feature (weighted class counts, or weight and
 *     weighted sum of y);
 *   - the scan over a histogram evaluates every boundary between occupied
 *     bins, with the node's missing values sent left and right, plus the
 *     "all present vs missing" split; small nodes scan only occupied bins
 *     via a bitmap, so deep nodes cost O(n) and not O(bins);
 *   - categorical features order their categories by class share (per
 *     class) or by mean response and scan the prefixes (Fisher 1958;
 *     Breiman et al. 1984 for the two-class/regression optimum);
 *   - gini (classification) / variance (regression) impurity; the impurity
 *     decrease of every split is added to the feature's importance.
 *
 * Determinism: tree t draws from its own xoshiro stream (seed, t), and
 * every choice breaks ties by order, so a seed fixes the whole forest.
 */
#include "ensemble.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "rng.h"

#define MAX_SLOTS 32			/* features accumulated in one pass */
#define NBIN 256				/* histogram entries per feature (255 = missing) */
#define INT_SUM_CLASSES 16		/* integer histograms up to this many classes */

/*
 * The split search clears a few doubles per occupied bin and node; GCC
 * turns such loops into calls to memset, which cost more than the clearing
 * (3% of a training).  Keep them loops.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize ("no-tree-loop-distribute-patterns")
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void) 0)
#endif

typedef struct Samp
{
	uint32_t	row;
	float		w;
	union
	{
		uint32_t	c;
		float		y;
	}			t;
} Samp;

typedef struct StackEnt
{
	uint32_t	st,
				en,
				node;
	int			depth;
} StackEnt;

typedef struct Split
{
	double		proxy;
	int			feature;		/* -1: none */
	int			bin;
	bool		defleft;
	bool		cat;
	uint32_t	bits[8];
} Split;

/* An out-of-bag row (index into the training rows) and its leaf. */
typedef struct OobHit
{
	uint32_t	i;
	uint32_t	leaf;
} OobHit;

/* A grown tree: the builder's current one, or one handed over by a worker. */
typedef struct TreeBuf
{
	EnsNode *tn;
	uint32_t	tn_n,
				tn_cap;
	EnsCatSplit *tc;
	uint32_t	tc_n,
				tc_cap;
	float	   *tl;
	uint32_t	tl_n,
				tl_cap;
	double	   *imp;			/* p: impurity decrease per feature */
	uint32_t   *cov;			/* per node: training rows reaching it */
	uint32_t	cov_cap;
	uint32_t   *oleaf;			/* per out row (EnsData.out_rows): its leaf */
	OobHit	   *oob;			/* out-of-bag rows' leaves (for ForestOob) */
	uint32_t	oob_n,
				oob_cap;
} TreeBuf;

typedef struct Builder
{
	const EnsModel *m;
	const EnsData *d;
	const ForestParams *P;
	const EnsAlloc *al;
	EnsInterruptFn intr;
	void	   *intr_arg;

	bool		cls;
	uint32_t	p,
				K,
				C,				/* histogram channels: K, or 2 (w, wy) */
				S;				/* node stat doubles: K, or 5 (w, wy, wy2, min, max) */
	uint32_t	mtry;
	bool		want_oob;		/* record out-of-bag leaves */
	const uint8_t *X;
	double	   *cw;				/* class weights */

	Samp	   *s;
	uint32_t	ns;
	uint32_t	n_use;
	uint32_t   *counts;
	const uint32_t *opos;		/* row -> position in out_rows, or NULL */

	double	   *hist;			/* MAX_SLOTS x NBIN x C */
	uint32_t   *hcnt;			/* MAX_SLOTS x NBIN */
	uint64_t   *hu;				/* MAX_SLOTS x NBIN x C: integer sums (int_w) */
	bool		int_w;			/* every sample weight is a draw count */
	uint64_t   *bitmap;			/* MAX_SLOTS x 4 */
	uint32_t   *feat;			/* feature permutation */
	double	   *tmp;			/* scratch 6 x C + 2 x NBIN */
	uint32_t   *order;			/* NBIN */
	double	   *score;			/* NBIN */

	StackEnt   *stack;
	double	   *stats;			/* stack_cap x S */
	uint32_t	stack_cap;
	double	   *lstat,
			   *rstat;

	TreeBuf		cur;			/* the tree being grown */

	EpRng		rng;
	size_t		cur_bytes,
				peak_bytes;
} Builder;

/* ---------- memory helpers ---------- */

static void *
BAlloc(Builder *b, size_t size)
{
	void	   *p = b->al->alloc(b->al->ctx, size ? size : 1);

	if (p != NULL)
	{
		b->cur_bytes += size;
		if (b->cur_bytes > b->peak_bytes)
			b->peak_bytes = b->cur_bytes;
	}
	return p;
}

static void
BFree(Builder *b, void *p, size_t size)
{
	if (p != NULL)
	{
		b->al->free(b->al->ctx, p);
		b->cur_bytes -= size;
	}
}

/* Reallocate *arr to exactly need elems if it holds fewer. */
static bool
BReserve(Builder *b, void **arr, uint32_t *cap, uint64_t need, size_t elem)
{
	void	   *na;

	if (need <= *cap)
		return true;
	if (need > UINT32_MAX)
		return false;
	na = BAlloc(b, (size_t) need * elem);
	if (na == NULL)
		return false;
	if (*arr)
	{
		memcpy(na, *arr, (size_t) (*cap) * elem);
		BFree(b, *arr, (size_t) (*cap) * elem);
	}
	*arr = na;
	*cap = (uint32_t) need;
	return true;
}

/* Grow *arr (elem bytes each, *cap elems) to hold at least need elems. */
static bool
BGrow(Builder *b, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	uint64_t	nc;

	if (need <= *cap)
		return true;
	nc = (uint64_t) (*cap ? *cap : 64);
	while (nc < need)
		nc = nc + nc / 2 + 16;
	if (nc > UINT32_MAX)
		nc = UINT32_MAX;
	return BReserve(b, arr, cap, nc, elem);
}

uint32_t
forest_default_mtry(int task, uint32_t p, double max_features)
{
	double		m;

	if (max_features > 0)
		m = max_features * p;
	else if (task == ENS_CLASSIFICATION)
		m = sqrt((double) p);
	else
		m = p / 3.0;
	if (m < 1)
		m = 1;
	if (m > p)
		m = p;
	/* scikit-learn: max(1, int(max_features * n_features)) */
	return (uint32_t) m;
}

/* ---------- impurity proxies ---------- */

/*
 * Proxy: sum_k c_k^2 / W (gini) or (sum wy)^2 / w (variance).  Maximising
 * proxy(L) + proxy(R) minimises the weighted child impurity, and
 * proxy(L) + proxy(R) - proxy(parent) is the weighted impurity decrease.
 */
static inline double
Proxy(const Builder *b, const double *v)
{
	if (b->cls)
	{
		double		w = 0,
					q = 0;
		uint32_t	k;

		for (k = 0; k < b->K; k++)
		{
			w += v[k];
			q += v[k] * v[k];
		}
		return w > 0 ? q / w : 0;
	}
	return v[0] > 0 ? v[1] * v[1] / v[0] : 0;
}

/*
 * Evaluate a candidate with non-missing left part L (Ln rows), the node's
 * non-missing totals N and missing totals M.  Updates best.
 */
static inline void
TryCandidate(Builder *b, const double *L, uint32_t Ln,
			 const double *N, uint32_t Nn, const double *M, uint32_t Mn,
			 int feature, int bin, bool cat, const uint32_t *bits, Split *best,
			 bool missing_only_right)
{
	uint32_t	C = b->C,
				k;
	uint32_t	msl = (uint32_t) b->P->min_samples_leaf;
	int			opt;

	for (opt = 0; opt < 2; opt++)
	{
		/* opt 0: missing values go right; opt 1: they go left */
		uint32_t	nl = Ln,
					nr = Nn - Ln;
		double		wl = 0,
					wr = 0,
					ql = 0,
					qr = 0,
					pr;
		bool		defleft;

		if (opt == 1 && (Mn == 0 || missing_only_right))
			break;
		if (opt == 0)
			nr += Mn;
		else
			nl += Mn;
		if (nl < msl || nr < msl || nl == 0 || nr == 0)
			continue;
		if (b->cls)
		{
			for (k = 0; k < C; k++)
			{
				double		l = L[k],
							r = N[k] - L[k];

				if (Mn > 0)
				{
					if (opt == 0)
						r += M[k];
					else
						l += M[k];
				}
				wl += l;
				wr += r;
				ql += l * l;
				qr += r * r;
			}
			if (!(wl > 0) || !(wr > 0))
				continue;
			pr = ql / wl + qr / wr;
		}
		else
		{
			double		sl = L[1],
						sr = N[1] - L[1];

			wl = L[0];
			wr = N[0] - L[0];
			if (Mn > 0)
			{
				if (opt == 0)
				{
					wr += M[0];
					sr += M[1];
				}
				else
				{
					wl += M[0];
					sl += M[1];
				}
			}
			if (!(wl > 0) || !(wr > 0))
				continue;
			pr = sl * sl / wl + sr * sr / wr;
		}
		if (pr > best->proxy)
		{
			if (Mn > 0)
				defleft = (opt == 1);
			else
				defleft = (nl >= nr);
			best->proxy = pr;
			best->feature = feature;
			best->bin = bin;
			best->defleft = defleft;
			best->cat = cat;
			if (cat)
				memcpy(best->bits, bits, sizeof(best->bits));
		}
	}
}

/*
 * Scan one accumulated histogram (slot) of feature f.  present[]: occupied
 * non-missing bins in increasing order.  Returns false if the feature is
 * constant in the node.
 */
static bool
ScanSlot(Builder *b, uint32_t f, const double *h, const uint32_t *cnt,
		 const uint32_t *present, uint32_t np, const double *nodestat,
		 uint32_t nrows, Split *best)
{
	uint32_t	C = b->C,
				k,
				i;
	const EnsFeature *F = &b->m->features[f];
	const double *M = h + (size_t) ENS_MISSING * C;
	uint32_t	Mn = cnt[ENS_MISSING];
	double	   *N = b->tmp + 2 * C,
			   *L = b->tmp + 3 * C;
	uint32_t	Nn = nrows - Mn;
	uint32_t	Ln;

	if (np + (Mn > 0 ? 1 : 0) < 2)
		return false;

	/* non-missing totals */
	if (b->cls)
		for (k = 0; k < C; k++)
			N[k] = nodestat[k] - M[k];
	else
	{
		N[0] = nodestat[0] - M[0];
		N[1] = nodestat[1] - M[1];
	}
	if (Mn == 0)
		for (k = 0; k < C; k++)
			N[k] = b->cls ? nodestat[k] : nodestat[k];

	if (F->kind == ENS_NUMERIC)
	{
		for (k = 0; k < C; k++)
			L[k] = 0;
		Ln = 0;
		for (i = 0; i + 1 < np; i++)
		{
			uint32_t	bi = present[i];
			const double *hb = h + (size_t) bi * C;
			uint32_t	t;

			for (k = 0; k < C; k++)
				L[k] += hb[k];
			Ln += cnt[bi];
			/* threshold halfway (in bins) between occupied bins */
			t = bi + (present[i + 1] - 1 - bi) / 2;
			TryCandidate(b, L, Ln, N, Nn, M, Mn, (int) f, (int) t, false, NULL,
						 best, false);
		}
		if (Mn > 0 && Nn > 0)
		{
			/* all present values left, missing right */
			TryCandidate(b, N, Nn, N, Nn, M, Mn, (int) f, (int) F->n_bins - 1,
						 false, NULL, best, true);
		}
	}
	else
	{
		uint32_t	n_order = b->cls ? (b->K == 2 ? 1 : b->K) : 1;
		uint32_t	o;
		uint32_t	bits[8];

		for (o = 0; o < n_order; o++)
		{
			uint32_t	cls_k = (b->cls && b->K == 2) ? 1 : o;

			/* order present categories by score (insertion sort, stable) */
			for (i = 0; i < np; i++)
			{
				const double *hb = h + (size_t) present[i] * C;
				double		sc;

				if (b->cls)
				{
					double		w = 0;

					for (k = 0; k < C; k++)
						w += hb[k];
					sc = w > 0 ? hb[cls_k] / w : 0;
				}
				else
					sc = hb[0] > 0 ? hb[1] / hb[0] : 0;
				b->score[i] = sc;
				b->order[i] = present[i];
			}
			for (i = 1; i < np; i++)
			{
				double		sc = b->score[i];
				uint32_t	ob = b->order[i];
				uint32_t	j = i;

				while (j > 0 && b->score[j - 1] > sc)
				{
					b->score[j] = b->score[j - 1];
					b->order[j] = b->order[j - 1];
					j--;
				}
				b->score[j] = sc;
				b->order[j] = ob;
			}
			for (k = 0; k < C; k++)
				L[k] = 0;
			Ln = 0;
			memset(bits, 0, sizeof(bits));
			for (i = 0; i + 1 < np; i++)
			{
				uint32_t	bi = b->order[i];
				const double *hb = h + (size_t) bi * C;

				for (k = 0; k < C; k++)
					L[k] += hb[k];
				Ln += cnt[bi];
				bits[bi >> 5] |= 1u << (bi & 31);
				TryCandidate(b, L, Ln, N, Nn, M, Mn, (int) f, 0, true, bits,
							 best, false);
			}
		}
		if (Mn > 0 && Nn > 0)
		{
			memset(bits, 0, sizeof(bits));
			for (i = 0; i < np; i++)
				bits[present[i] >> 5] |= 1u << (present[i] & 31);
			TryCandidate(b, N, Nn, N, Nn, M, Mn, (int) f, 0, true, bits, best, true);
		}
	}
	return true;
}

/*
 * Unweighted classification (every class weight 1): a sample's weight is
 * its draw count, so a bin's class weight and its row count are integers
 * and one 64-bit entry per bin and class holds both, draws << 32 | rows
 * (draws and rows stay below 2^32, see BuilderInit).  One integer add per
 * row and feature instead of a floating-point add and a count; the sums,
 * converted for the scan, are the doubles the float path adds up exactly.
 */
static void
FillCounts(Builder *b, uint32_t st, uint32_t en, const uint32_t *slot_f, uint32_t ns)
{
	uint64_t   *const hu = b->hu;
	const uint8_t *X = b->X;
	const Samp *s = b->s;
	const uint32_t p = b->p,
				C = b->C;
	uint32_t	j,
				t;

	for (j = st; j < en; j++)
	{
		const Samp *sp = &s[j];
		const uint8_t *row = X + (size_t) sp->row * p;
		uint64_t	v = ((uint64_t) sp->w << 32) | 1;
		uint64_t   *hc = hu + sp->t.c;

		if (j + 8 < en)
			PREFETCH(X + (size_t) s[j + 8].row * p);
		for (t = 0; t < ns; t++)
			hc[(size_t) (t * NBIN + row[slot_f[t]]) * C] += v;
	}
}

/* Bin bin of slot t from hu into hist and hcnt, and hu's entries cleared. */
static inline void
TakeCounts(Builder *b, uint32_t t, uint32_t bin)
{
	const uint32_t C = b->C;
	uint64_t   *u = b->hu + ((size_t) t * NBIN + bin) * C;
	double	   *h = b->hist + ((size_t) t * NBIN + bin) * C;
	uint32_t	rows = 0,
				k;

	for (k = 0; k < C; k++)
	{
		h[k] = (double) (u[k] >> 32);
		rows += (uint32_t) u[k];
		u[k] = 0;
	}
	b->hcnt[(size_t) t * NBIN + bin] = rows;
}

/* The occupied bins below nb of slot t, taken (TakeCounts); returns how many. */
static uint32_t
DenseCounts(Builder *b, uint32_t t, uint32_t nb, uint32_t *present)
{
	const uint32_t C = b->C;
	const uint64_t *u = b->hu + (size_t) t * NBIN * C;
	uint32_t	np = 0,
				i,
				k;

	for (i = 0; i < nb; i++)
	{
		uint64_t	any = 0;

		for (k = 0; k < C; k++)
			any |= u[(size_t) i * C + k];
		if (any)
		{
			TakeCounts(b, t, i);
			present[np++] = i;
		}
	}
	return np;
}

/*
 * Find the best split of node [st, en).  Returns true if one was found.
 */
static bool
FindSplit(Builder *b, uint32_t st, uint32_t en, const double *nodestat, Split *best)
{
	uint32_t	p = b->p,
				C = b->C;
	uint32_t	n = en - st;
	uint32_t	drawn = 0,
				nonconst = 0;
	uint32_t	slot_f[MAX_SLOTS];
	const uint8_t *X = b->X;
	const Samp *s = b->s;

	best->proxy = -INFINITY;
	best->feature = -1;

	/*
	 * Constant features count towards mtry: not counting them made deep
	 * nodes search more features than scikit-learn's and ranger's, which
	 * made the trees more alike and the forest's probabilities worse.
	 */
	while (drawn < p && (drawn < b->mtry || nonconst == 0))
	{
		uint32_t	want = drawn < b->mtry ? b->mtry - drawn : 1;
		uint32_t	ns = 0,
					t,
					j;

		if (want > MAX_SLOTS)
			want = MAX_SLOTS;
		while (ns < want && drawn < p)
		{
			uint32_t	r = drawn + ep_rng_below(&b->rng, p - drawn);
			uint32_t	tmpf = b->feat[r];

			b->feat[r] = b->feat[drawn];
			b->feat[drawn] = tmpf;
			slot_f[ns++] = tmpf;
			drawn++;
		}

		/*
		 * One pass over the node's samples fills all slots.  The arrays are
		 * held in locals: with -fno-strict-aliasing every store would
		 * otherwise make the compiler reload b->hist and b->hcnt.
		 */
		if (b->int_w)
			FillCounts(b, st, en, slot_f, ns);
		else if (b->cls)
		{
			double	   *const hist = b->hist;
			uint32_t   *const hcnt = b->hcnt;

			for (j = st; j < en; j++)
			{
				const Samp *sp = &s[j];
				const uint8_t *row = X + (size_t) sp->row * p;
				double		w = sp->w;
				double	   *hc = hist + sp->t.c;

				if (j + 8 < en)
					PREFETCH(X + (size_t) s[j + 8].row * p);
				for (t = 0; t < ns; t++)
				{
					uint32_t	bin = t * NBIN + row[slot_f[t]];

					hc[(size_t) bin * C] += w;
					hcnt[bin]++;
				}
			}
		}
		else
		{
			double	   *const hist = b->hist;
			uint32_t   *const hcnt = b->hcnt;

			for (j = st; j < en; j++)
			{
				const Samp *sp = &s[j];
				const uint8_t *row = X + (size_t) sp->row * p;
				double		w = sp->w;
				double		wy = w * sp->t.y;

				if (j + 8 < en)
					PREFETCH(X + (size_t) s[j + 8].row * p);
				for (t = 0; t < ns; t++)
				{
					uint32_t	bin = t * NBIN + row[slot_f[t]];
					double	   *hb = hist + (size_t) bin * 2;

					hb[0] += w;
					hb[1] += wy;
					hcnt[bin]++;
				}
			}
		}

		for (t = 0; t < ns; t++)
		{
			uint32_t	f = slot_f[t];
			double	   *h = b->hist + (size_t) t * NBIN * C;
			uint32_t   *cnt = b->hcnt + (size_t) t * NBIN;
			uint32_t	nb = b->m->features[f].n_bins;
			uint32_t	present[NBIN];
			uint32_t	np = 0,
						i;
			/* a pass over the rows, or over the bins (C entries each when int_w) */
			bool		sparse = n < nb * (b->int_w ? C : 1);

			if (b->int_w && !sparse)
				np = DenseCounts(b, t, nb, present);
			else if (sparse)
			{
				/* sparse: find occupied bins via a bitmap */
				uint64_t	bm[4] = {0, 0, 0, 0};

				for (j = st; j < en; j++)
				{
					uint32_t	bin = X[(size_t) s[j].row * p + f];

					if (bin != ENS_MISSING)
						bm[bin >> 6] |= UINT64_C(1) << (bin & 63);
				}
				for (i = 0; i < 4; i++)
				{
					uint64_t	w = bm[i];

					while (w)
					{
						int			bit = __builtin_ctzll(w);

						present[np++] = i * 64 + (uint32_t) bit;
						w &= w - 1;
					}
				}
			}
			else
			{
				for (i = 0; i < nb; i++)
					if (cnt[i])
						present[np++] = i;
			}
			if (b->int_w)
			{
				/* the occupied bins' sums as the scan reads them */
				if (sparse)
					for (i = 0; i < np; i++)
						TakeCounts(b, t, present[i]);
				TakeCounts(b, t, ENS_MISSING);
				if (ScanSlot(b, f, h, cnt, present, np, nodestat, n, best))
					nonconst++;
				continue;
			}
			if (ScanSlot(b, f, h, cnt, present, np, nodestat, n, best))
				nonconst++;

			/* clear what was used (C is small: plain loops beat memset) */
			for (i = 0; i < np; i++)
			{
				double	   *hb = h + (size_t) present[i] * C;
				uint32_t	k;

				for (k = 0; k < C; k++)
					hb[k] = 0;
				cnt[present[i]] = 0;
			}
			{
				double	   *hb = h + (size_t) ENS_MISSING * C;
				uint32_t	k;

				for (k = 0; k < C; k++)
					hb[k] = 0;
			}
			cnt[ENS_MISSING] = 0;
		}
	}
	return best->feature >= 0;
}

static inline bool
GoesLeft(const Split *sp, uint32_t bin)
{
	if (bin == ENS_MISSING)
		return sp->defleft;
	if (sp->cat)
		return (sp->bits[bin >> 5] >> (bin & 31)) & 1;
	return bin <= (uint32_t) sp->bin;
}

static inline void
StatAdd(Builder *b, double *st, const Samp *sp)
{
	if (b->cls)
		st[sp->t.c] += sp->w;
	else
	{
		double		y = sp->t.y;

		st[0] += sp->w;
		st[1] += sp->w * y;
		st[2] += sp->w * y * y;
		if (y < st[3])
			st[3] = y;
		if (y > st[4])
			st[4] = y;
	}
}

static void
StatInit(Builder *b, double *st)
{
	uint32_t	k;

	for (k = 0; k < b->S; k++)
		st[k] = 0;
	if (!b->cls)
	{
		st[3] = INFINITY;
		st[4] = -INFINITY;
	}
}

/* Partition [st,en) by the split; returns the first right index. */
static uint32_t
Partition(Builder *b, uint32_t st, uint32_t en, const Split *sp)
{
	Samp	   *s = b->s;
	const uint8_t *X = b->X;
	uint32_t	p = b->p,
				f = (uint32_t) sp->feature;
	uint32_t	i = st,
				j = en;

	double	   *const lstat = b->lstat,
			   *const rstat = b->rstat;

	StatInit(b, lstat);
	StatInit(b, rstat);
	while (i < j)
	{
		if (GoesLeft(sp, X[(size_t) s[i].row * p + f]))
		{
			StatAdd(b, lstat, &s[i]);
			i++;
		}
		else
		{
			Samp		tmp;

			j--;
			StatAdd(b, rstat, &s[i]);
			tmp = s[i];
			s[i] = s[j];
			s[j] = tmp;
		}
	}
	return i;
}

static bool
IsPure(const Builder *b, const double *st)
{
	if (b->cls)
	{
		uint32_t	k,
					nz = 0;

		for (k = 0; k < b->K; k++)
			if (st[k] > 0)
				nz++;
		return nz <= 1;
	}
	return !(st[3] < st[4]);
}

/*
 * Make a leaf's class shares (floats) add up to exactly 1 in double
 * arithmetic, so the forest's probability is the plain mean over trees of
 * the stored shares, which is what TreeSHAP explains (ensemble_shap.c):
 * the rounding remainder goes to the first share that can absorb it
 * exactly.  On the rare leaf where none can, the shares stay as rounded.
 */
static void
ExactShares(float *v, uint32_t K)
{
	double		s = 0,
				r;
	uint32_t	k;

	for (k = 0; k < K; k++)
		s += v[k];
	r = 1.0 - s;
	for (k = 0; k < K && r != 0; k++)
	{
		double		c = (double) v[k] + r;

		if (v[k] > 0 && c >= 0 && (double) (float) c == c)
		{
			double		t = 0;
			uint32_t	j;
			float		old = v[k];

			v[k] = (float) c;
			for (j = 0; j < K; j++)
				t += v[j];
			if (t == 1.0)
				return;
			v[k] = old;
		}
	}
}

static bool
MakeLeaf(Builder *b, uint32_t node, const double *st)
{
	EnsNode *nd = &b->cur.tn[node];

	nd->feature = 0;
	nd->bin = 0;
	if (b->cls)
	{
		uint32_t	k,
					nz = 0,
					last = 0;
		double		w = 0;

		for (k = 0; k < b->K; k++)
			if (st[k] > 0)
			{
				nz++;
				last = k;
				w += st[k];
			}
		if (nz <= 1)
		{
			nd->flags = FN_LEAF | FN_PURE;
			nd->a = last;
			return true;
		}
		if (!BGrow(b, (void **) &b->cur.tl, &b->cur.tl_cap, b->cur.tl_n + b->K, sizeof(float)))
			return false;
		nd->flags = FN_LEAF;
		nd->a = b->cur.tl_n / b->K;
		for (k = 0; k < b->K; k++)
			b->cur.tl[b->cur.tl_n + k] = (float) (st[k] / w);
		ExactShares(b->cur.tl + b->cur.tl_n, b->K);
		b->cur.tl_n += b->K;
	}
	else
	{
		float		v = (float) (st[0] > 0 ? st[1] / st[0] : 0.0);
		uint32_t	bits;

		memcpy(&bits, &v, sizeof(bits));
		nd->flags = FN_LEAF;
		nd->a = bits;
	}
	return true;
}

static bool
EnsureStack(Builder *b, uint32_t need)
{
	uint32_t	oldcap = b->stack_cap;
	uint32_t	cap2 = oldcap;
	double	   *ns;

	if (need <= oldcap)
		return true;
	if (!BGrow(b, (void **) &b->stack, &b->stack_cap, need, sizeof(StackEnt)))
		return false;
	/* stats array follows the stack capacity */
	ns = BAlloc(b, (size_t) b->stack_cap * b->S * sizeof(double));
	if (ns == NULL)
		return false;
	if (b->stats)
	{
		memcpy(ns, b->stats, (size_t) oldcap * b->S * sizeof(double));
		BFree(b, b->stats, (size_t) cap2 * b->S * sizeof(double));
	}
	b->stats = ns;
	return true;
}

/*
 * Node covers count every training row once (what TreeSHAP's expectations
 * and the base value mean: the training rows, not the bootstrap draws).
 * The in-bag rows were counted while partitioning; the out-of-bag rows
 * (about a third) are walked down the finished tree here, on the tree's
 * own thread, instead of every row down every tree after training.
 * For out-of-bag probabilities the walk also notes each such row's leaf.
 */
#define OOB_LANES 8

static EnsStatus
CountOutOfBag(Builder *b)
{
	const EnsData *d = b->d;
	TreeBuf    *tb = &b->cur;
	uint32_t	n_use = d->rows ? d->n_use : d->n_rows;
	uint32_t	i = 0;

	/* locals: with -fno-strict-aliasing each cover store would reload them */
	const EnsNode *tn = tb->tn;
	const EnsCatSplit *tc = tb->tc;
	uint32_t   *cov = tb->cov;
	const uint32_t *counts = b->counts;
	const uint32_t *opos = b->opos;
	const uint8_t *X = b->X;
	uint32_t	p = b->p;

	/*
	 * Each level of a walk is a dependent load; walking OOB_LANES rows at
	 * once lets the CPU overlap them.  A lane whose row reached its leaf
	 * takes the next out-of-bag row.
	 */
	uint32_t	row[OOB_LANES],
				idx[OOB_LANES],
				k[OOB_LANES];
	int			lanes = 0,
				l;

	tb->oob_n = 0;
	if (b->want_oob && n_use > b->ns &&
		!BGrow(b, (void **) &tb->oob, &tb->oob_cap, n_use - b->ns, sizeof(OobHit)))
		return ENS_ENOMEM;

	for (;;)
	{
		/* fill empty lanes */
		while (lanes < OOB_LANES && i < n_use)
		{
			if (counts[i] == 0)
			{
				row[lanes] = d->rows ? d->rows[i] : i;
				idx[lanes] = i;
				k[lanes] = 0;
				lanes++;
			}
			i++;
			if ((i & 4095) == 0 && b->intr && b->intr(b->intr_arg))
				return ENS_EINTR;
		}
		if (lanes == 0)
			break;
		for (l = 0; l < lanes;)
		{
			EnsNode		nd = tn[k[l]];
			uint32_t	v;
			bool		left;

			cov[k[l]]++;
			if (nd.flags & FN_LEAF)
			{
				if (opos && opos[row[l]] != UINT32_MAX)
					tb->oleaf[opos[row[l]]] = k[l];
				if (b->want_oob)
				{
					tb->oob[tb->oob_n].i = idx[l];
					tb->oob[tb->oob_n++].leaf = k[l];
				}
				/* the last lane takes this one's place */
				lanes--;
				row[l] = row[lanes];
				idx[l] = idx[lanes];
				k[l] = k[lanes];
				continue;
			}
			v = X[(size_t) row[l] * p + nd.feature];
			if (v == ENS_MISSING)
				left = (nd.flags & FN_DEFLEFT) != 0;
			else if (nd.flags & FN_CAT)
				left = (tc[nd.a].bits[v >> 5] >> (v & 31)) & 1;
			else
				left = v <= nd.bin;
			k[l] = ((nd.flags & FN_CAT) ? tc[nd.a].child : nd.a) + (left ? 0 : 1);
			l++;
		}
	}
	return ENS_OK;
}

/* The in-bag out rows among samples st..en reach leaf node. */
static void
RecordLeaf(Builder *b, uint32_t st, uint32_t en, uint32_t node)
{
	const uint32_t *opos = b->opos;
	uint32_t	j;

	if (opos == NULL)
		return;
	for (j = st; j < en; j++)
	{
		uint32_t	pos = opos[b->s[j].row];

		if (pos != UINT32_MAX)
			b->cur.oleaf[pos] = node;
	}
}

/* Grow one tree into b->cur.tn/tc/tl.  Returns ENS_OK or an error. */
static EnsStatus
GrowTree(Builder *b, uint32_t tree)
{
	const EnsData *d = b->d;
	const ForestParams *P = b->P;
	uint32_t	n_use = d->rows ? d->n_use : d->n_rows;
	uint64_t	draws;
	uint32_t	i,
				top;
	double	   *rootst;

	ep_rng_seed(&b->rng, P->seed, (uint64_t) tree + 1);

	/* bootstrap */
	memset(b->counts, 0, (size_t) n_use * sizeof(uint32_t));
	draws = (uint64_t) llround(P->sample_fraction * (double) n_use);
	if (draws < 1)
		draws = 1;
	for (uint64_t q = 0; q < draws; q++)
		b->counts[ep_rng_below(&b->rng, n_use)]++;
	b->ns = 0;
	for (i = 0; i < n_use; i++)
	{
		uint32_t	row;

		if (b->counts[i] == 0)
			continue;
		row = d->rows ? d->rows[i] : i;
		b->s[b->ns].row = row;
		if (b->cls)
		{
			uint32_t	c = d->cls[row];

			b->s[b->ns].t.c = c;
			b->s[b->ns].w = (float) (b->counts[i] * b->cw[c]);
		}
		else
		{
			b->s[b->ns].t.y = (float) d->y[row];
			b->s[b->ns].w = (float) b->counts[i];
		}
		b->ns++;
	}
	for (i = 0; i < b->p; i++)
		b->feat[i] = i;
	memset(b->cur.imp, 0, b->p * sizeof(double));
	if (b->opos)
		memset(b->cur.oleaf, 0xff, (size_t) d->n_out * sizeof(uint32_t));

	b->cur.tn_n = b->cur.tc_n = b->cur.tl_n = 0;
	if (!BGrow(b, (void **) &b->cur.tn, &b->cur.tn_cap, 1, sizeof(EnsNode)) ||
		!BGrow(b, (void **) &b->cur.cov, &b->cur.cov_cap, 1, sizeof(uint32_t)))
		return ENS_ENOMEM;
	b->cur.tn_n = 1;
	if (!EnsureStack(b, 64))
		return ENS_ENOMEM;
	rootst = b->stats;
	StatInit(b, rootst);
	for (i = 0; i < b->ns; i++)
		StatAdd(b, rootst, &b->s[i]);
	b->stack[0].st = 0;
	b->stack[0].en = b->ns;
	b->stack[0].node = 0;
	b->stack[0].depth = 0;
	top = 1;

	while (top > 0)
	{
		StackEnt	e;
		double	   *st;
		Split		sp;
		uint32_t	n,
					mid,
					child;
		bool		leaf;

		if (b->intr && b->intr(b->intr_arg))
			return ENS_EINTR;
		top--;
		e = b->stack[top];
		st = b->stats + (size_t) top * b->S;
		n = e.en - e.st;
		b->cur.cov[e.node] = n;	/* distinct in-bag rows; out-of-bag ones below */

		leaf = n < 2 * (uint32_t) P->min_samples_leaf || n < 2 ||
			(P->max_depth > 0 && e.depth >= P->max_depth) || IsPure(b, st);
		if (!leaf)
		{
			double		parent_proxy;

			if (!b->cls)
			{
				/* Proxy over (w, wy) only */
				parent_proxy = st[0] > 0 ? st[1] * st[1] / st[0] : 0;
			}
			else
				parent_proxy = Proxy(b, st);
			if (!FindSplit(b, e.st, e.en, st, &sp))
				leaf = true;
			else
			{
				double		dec = sp.proxy - parent_proxy;

				if (dec > 0)
					b->cur.imp[sp.feature] += dec;
			}
		}
		if (leaf)
		{
			if (!MakeLeaf(b, e.node, st))
				return ENS_ENOMEM;
			RecordLeaf(b, e.st, e.en, e.node);
			continue;
		}

		mid = Partition(b, e.st, e.en, &sp);
		if (mid == e.st || mid == e.en)
		{
			/* cannot happen with a valid split; be safe */
			if (!MakeLeaf(b, e.node, st))
				return ENS_ENOMEM;
			RecordLeaf(b, e.st, e.en, e.node);
			continue;
		}
		if (!BGrow(b, (void **) &b->cur.tn, &b->cur.tn_cap, b->cur.tn_n + 2, sizeof(EnsNode)) ||
			!BGrow(b, (void **) &b->cur.cov, &b->cur.cov_cap, b->cur.tn_n + 2, sizeof(uint32_t)))
			return ENS_ENOMEM;
		child = b->cur.tn_n;
		b->cur.tn_n += 2;
		{
			EnsNode *nd = &b->cur.tn[e.node];

			nd->feature = (uint16_t) sp.feature;
			nd->flags = sp.defleft ? FN_DEFLEFT : 0;
			if (sp.cat)
			{
				EnsCatSplit *cs;

				if (!BGrow(b, (void **) &b->cur.tc, &b->cur.tc_cap, b->cur.tc_n + 1,
						   sizeof(EnsCatSplit)))
					return ENS_ENOMEM;
				cs = &b->cur.tc[b->cur.tc_n];
				cs->child = child;
				memcpy(cs->bits, sp.bits, sizeof(cs->bits));
				nd->flags |= FN_CAT;
				nd->bin = 0;
				nd->a = b->cur.tc_n++;
			}
			else
			{
				nd->bin = (uint8_t) sp.bin;
				nd->a = child;
			}
		}
		/* push right then left (left is grown first) */
		if (!EnsureStack(b, top + 2))
			return ENS_ENOMEM;
		b->stack[top].st = mid;
		b->stack[top].en = e.en;
		b->stack[top].node = child + 1;
		b->stack[top].depth = e.depth + 1;
		memcpy(b->stats + (size_t) top * b->S, b->rstat, b->S * sizeof(double));
		top++;
		b->stack[top].st = e.st;
		b->stack[top].en = mid;
		b->stack[top].node = child;
		b->stack[top].depth = e.depth + 1;
		memcpy(b->stats + (size_t) top * b->S, b->lstat, b->S * sizeof(double));
		top++;
	}
	return CountOutOfBag(b);
}

/* Exchange the builder's tree buffers with tb (no copying). */
static void
SwapTree(Builder *b, TreeBuf *tb)
{
	TreeBuf		t = b->cur;

	b->cur = *tb;
	*tb = t;
}

/* Append tree t to the model, making indices absolute. */
static bool
AppendTree(const TreeBuf *tb, bool cls, uint32_t K, Builder *mb, EnsModel *m,
		   uint32_t t, uint32_t *cap_nodes, uint32_t *cap_cats, uint32_t *cap_leafv,
		   uint32_t *cap_cover)
{
	uint32_t	nb = m->n_nodes,
				cb = m->n_cats,
				lb = m->n_leafv;
	uint32_t	i;

	if ((uint64_t) nb + tb->tn_n > INT32_MAX ||
		(uint64_t) lb + tb->tl_n > INT32_MAX)
		return false;
	if (!BGrow(mb, (void **) &m->nodes, cap_nodes, nb + tb->tn_n, sizeof(EnsNode)) ||
		!BGrow(mb, (void **) &m->cats, cap_cats, cb + tb->tc_n, sizeof(EnsCatSplit)) ||
		!BGrow(mb, (void **) &m->leafv, cap_leafv, lb + tb->tl_n, sizeof(float)) ||
		!BGrow(mb, (void **) &m->train_cover, cap_cover, nb + tb->tn_n, sizeof(uint32_t)))
		return false;
	memcpy(m->train_cover + nb, tb->cov, (size_t) tb->tn_n * sizeof(uint32_t));
	for (i = 0; i < tb->tn_n; i++)
	{
		EnsNode	nd = tb->tn[i];

		if (nd.flags & FN_LEAF)
		{
			if (cls && !(nd.flags & FN_PURE))
				nd.a = lb + nd.a * K;
		}
		else if (nd.flags & FN_CAT)
			nd.a += cb;
		else
			nd.a += nb;
		m->nodes[nb + i] = nd;
	}
	for (i = 0; i < tb->tc_n; i++)
	{
		EnsCatSplit cs = tb->tc[i];

		cs.child += nb;
		m->cats[cb + i] = cs;
	}
	if (tb->tl_n)
		memcpy(m->leafv + lb, tb->tl, (size_t) tb->tl_n * sizeof(float));
	m->n_nodes = nb + tb->tn_n;
	m->n_cats = cb + tb->tc_n;
	m->n_leafv = lb + tb->tl_n;
	m->tree_node[t + 1] = m->n_nodes;
	m->tree_cat[t + 1] = m->n_cats;
	m->tree_leaf[t + 1] = m->n_leafv;
	return true;
}

/* ---------- builders ---------- */

static void
BuilderFree(Builder *b)
{
	BFree(b, b->hist, (size_t) MAX_SLOTS * NBIN * b->C * sizeof(double));
	BFree(b, b->hcnt, (size_t) MAX_SLOTS * NBIN * sizeof(uint32_t));
	BFree(b, b->hu, (size_t) MAX_SLOTS * NBIN * b->C * sizeof(uint64_t));
	BFree(b, b->feat, b->p * sizeof(uint32_t));
	BFree(b, b->tmp, (size_t) 6 * b->C * sizeof(double));
	BFree(b, b->order, NBIN * sizeof(uint32_t));
	BFree(b, b->score, NBIN * sizeof(double));
	BFree(b, b->lstat, b->S * sizeof(double));
	BFree(b, b->rstat, b->S * sizeof(double));
	BFree(b, b->cur.imp, b->p * sizeof(double));
	BFree(b, b->counts, (size_t) b->n_use * sizeof(uint32_t));
	BFree(b, b->s, (size_t) b->n_use * sizeof(Samp));
	BFree(b, b->stack, (size_t) b->stack_cap * sizeof(StackEnt));
	BFree(b, b->stats, (size_t) b->stack_cap * b->S * sizeof(double));
	BFree(b, b->cur.tn, (size_t) b->cur.tn_cap * sizeof(EnsNode));
	BFree(b, b->cur.tc, (size_t) b->cur.tc_cap * sizeof(EnsCatSplit));
	BFree(b, b->cur.tl, (size_t) b->cur.tl_cap * sizeof(float));
	BFree(b, b->cur.cov, (size_t) b->cur.cov_cap * sizeof(uint32_t));
	BFree(b, b->cur.oleaf, (size_t) b->d->n_out * sizeof(uint32_t));
	BFree(b, b->cur.oob, (size_t) b->cur.oob_cap * sizeof(OobHit));
	BFree(b, b->cw, b->K * sizeof(double));
	b->hist = NULL;
	b->hu = NULL;
	b->hcnt = b->feat = b->order = b->counts = NULL;
	b->tmp = b->score = b->lstat = b->rstat = b->cur.imp = b->stats = b->cw = NULL;
	b->s = NULL;
	b->stack = NULL;
	b->cur.tn = NULL;
	b->cur.tc = NULL;
	b->cur.tl = NULL;
	b->cur.oleaf = NULL;
	b->cur.oob = NULL;
	b->stack_cap = b->cur.tn_cap = b->cur.tc_cap = b->cur.tl_cap = b->cur.oob_cap = 0;
}

/* Scratch for growing trees; class weights from the training rows. */
static EnsStatus
BuilderInit(Builder *b, const EnsModel *m, const EnsData *d,
			const ForestParams *P, const EnsAlloc *al,
			EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	n_use = d->rows ? d->n_use : d->n_rows;
	size_t		hist_bytes;
	uint32_t	i;

	memset(b, 0, sizeof(*b));
	b->m = m;
	b->d = d;
	b->P = P;
	b->al = al;
	b->intr = intr;
	b->intr_arg = intr_arg;
	b->cls = (P->task == ENS_CLASSIFICATION);
	b->p = m->n_features;
	b->K = b->cls ? m->n_classes : 0;
	b->C = b->cls ? b->K : 2;
	b->S = b->cls ? b->K : 5;
	b->X = d->X;
	b->n_use = n_use;
	b->mtry = forest_default_mtry(P->task, b->p, P->max_features);

#define ALLOC_OR_FAIL(ptr, bytes) \
	do { (ptr) = BAlloc(b, (bytes)); if ((ptr) == NULL) { BuilderFree(b); return ENS_ENOMEM; } } while (0)

	hist_bytes = (size_t) MAX_SLOTS * NBIN * b->C * sizeof(double);
	ALLOC_OR_FAIL(b->hist, hist_bytes);
	memset(b->hist, 0, hist_bytes);
	ALLOC_OR_FAIL(b->hcnt, (size_t) MAX_SLOTS * NBIN * sizeof(uint32_t));
	memset(b->hcnt, 0, (size_t) MAX_SLOTS * NBIN * sizeof(uint32_t));
	ALLOC_OR_FAIL(b->feat, b->p * sizeof(uint32_t));
	ALLOC_OR_FAIL(b->tmp, (size_t) 6 * b->C * sizeof(double));
	ALLOC_OR_FAIL(b->order, NBIN * sizeof(uint32_t));
	ALLOC_OR_FAIL(b->score, NBIN * sizeof(double));
	ALLOC_OR_FAIL(b->lstat, b->S * sizeof(double));
	ALLOC_OR_FAIL(b->rstat, b->S * sizeof(double));
	ALLOC_OR_FAIL(b->cur.imp, b->p * sizeof(double));
	ALLOC_OR_FAIL(b->counts, (size_t) n_use * sizeof(uint32_t));
	ALLOC_OR_FAIL(b->s, (size_t) n_use * sizeof(Samp));
	if (d->out_rows)
		ALLOC_OR_FAIL(b->cur.oleaf, (size_t) d->n_out * sizeof(uint32_t));
	if (b->cls)
	{
		ALLOC_OR_FAIL(b->cw, b->K * sizeof(double));
		for (i = 0; i < b->K; i++)
			b->cw[i] = 1.0;
		if (P->class_weight.balanced)
		{
			/* n / (K * n_k) over the training rows, as scikit-learn */
			uint64_t	nk[ENS_MAX_CLASSES];

			memset(nk, 0, b->K * sizeof(uint64_t));
			for (i = 0; i < n_use; i++)
				nk[d->cls[d->rows ? d->rows[i] : i]]++;
			for (i = 0; i < b->K; i++)
				b->cw[i] = nk[i] ? (double) n_use / ((double) b->K * (double) nk[i]) : 0.0;
		}
		else if (P->class_weight.per_class)
			memcpy(b->cw, P->class_weight.per_class, b->K * sizeof(double));
		/*
		 * integer sums (FillCounts): weights are draw counts, fewer than 2^32
		 * in all; not for many classes, where a bin's C entries cost more to
		 * look through than its one count
		 */
		b->int_w = b->K <= INT_SUM_CLASSES &&
			llround(P->sample_fraction * (double) n_use) < (long long) UINT32_MAX;
		for (i = 0; i < b->K; i++)
			b->int_w &= b->cw[i] == 1.0;
		if (b->int_w)
		{
			ALLOC_OR_FAIL(b->hu, (size_t) MAX_SLOTS * NBIN * b->C * sizeof(uint64_t));
			memset(b->hu, 0, (size_t) MAX_SLOTS * NBIN * b->C * sizeof(uint64_t));
		}
	}
#undef ALLOC_OR_FAIL
	return ENS_OK;
}

/* ---------- threads ---------- */

/*
 * Trees are handed out one at a time (an atomic counter), so a slow tree
 * does not hold up the others.  Each worker hands a finished tree over in
 * a second buffer and goes on with the next one; the calling thread appends
 * the trees in tree order.  A worker waits only when its previous tree has
 * not been appended yet, and the smallest tree not yet appended is never
 * waiting, so the scheme cannot deadlock.
 */
typedef struct Pool
{
	uint32_t	next;			/* next tree to grow (atomic) */
	uint32_t	n_trees;
	int			abort;			/* set by anyone (atomic): stop */
} Pool;

typedef struct Worker
{
	Builder		b;
	TreeBuf		hand;			/* finished tree waiting to be appended */
	uint32_t	hand_tree;
	int			full;			/* atomic: hand holds tree hand_tree */
	EnsStatus rc;
	Pool	   *pool;
	pthread_t	thread;
	bool		started;
} Worker;

static bool
WorkerIntr(void *arg)
{
	return __atomic_load_n((int *) arg, __ATOMIC_RELAXED) != 0;
}

static void
SleepBriefly(void)
{
	struct timespec ts = {0, 100000};	/* 0.1 ms */

	nanosleep(&ts, NULL);
}

static void *
WorkerMain(void *arg)
{
	Worker	   *w = (Worker *) arg;
	Pool	   *pl = w->pool;

	while (!__atomic_load_n(&pl->abort, __ATOMIC_RELAXED))
	{
		uint32_t	t = __atomic_fetch_add(&pl->next, 1, __ATOMIC_RELAXED);
		EnsStatus rc;

		if (t >= pl->n_trees)
			break;
		rc = GrowTree(&w->b, t);
		if (rc != ENS_OK)
		{
			w->rc = rc;
			__atomic_store_n(&pl->abort, 1, __ATOMIC_RELAXED);
			break;
		}
		while (__atomic_load_n(&w->full, __ATOMIC_ACQUIRE))
		{
			if (__atomic_load_n(&pl->abort, __ATOMIC_RELAXED))
				return NULL;
			SleepBriefly();
		}
		SwapTree(&w->b, &w->hand);
		w->hand_tree = t;
		__atomic_store_n(&w->full, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * Start a thread with every signal blocked, so that signal handlers (which
 * belong to the host process, e.g. a PostgreSQL backend) only ever run on
 * the calling thread.  Returns false if no thread could be started.
 */
static bool
StartWorker(Worker *w)
{
	sigset_t	all,
				old;
	int			rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, WorkerMain, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->started = (rc == 0);
	return w->started;
}

/* Model arrays and importance: what the calling thread builds. */
typedef struct Assembly
{
	Builder		mb;				/* caller's allocator */
	EnsModel *m;
	const ForestParams *P;
	bool		cls;
	uint32_t	K;
	uint32_t	cap_nodes,
				cap_cats,
				cap_leafv,
				cap_cover;
	double	   *imp_sum;
	double	   *out;			/* n_out x outputs, summed in tree order */
	uint32_t	n_out,
				kk;				/* outputs per row */
	double	   *oob_sum;		/* n_use x K out-of-bag class shares, or NULL */
	uint32_t	n_use;
} Assembly;

/* Append tree t (grown into tb) and add its normalised importance. */
static EnsStatus
AddTree(Assembly *as, const TreeBuf *tb, uint32_t t)
{
	EnsModel *m = as->m;
	double		sum = 0;
	uint32_t	i;

	if (!AppendTree(tb, as->cls, as->K, &as->mb, m, t,
					&as->cap_nodes, &as->cap_cats, &as->cap_leafv, &as->cap_cover))
		return ENS_ENOMEM;
	m->n_trees = t + 1;
	if (m->n_trees == 1 && as->P->n_trees > 1)
	{
		/*
		 * Size the model arrays from the first tree (+10%), so they are not
		 * regrown (and briefly held twice) for every tree.
		 */
		uint64_t	T = (uint64_t) as->P->n_trees;

		if (!BReserve(&as->mb, (void **) &m->nodes, &as->cap_nodes,
					  (uint64_t) m->n_nodes * T * 11 / 10 + 16, sizeof(EnsNode)) ||
			!BReserve(&as->mb, (void **) &m->cats, &as->cap_cats,
					  (uint64_t) m->n_cats * T * 11 / 10, sizeof(EnsCatSplit)) ||
			!BReserve(&as->mb, (void **) &m->leafv, &as->cap_leafv,
					  (uint64_t) m->n_leafv * T * 11 / 10, sizeof(float)) ||
			!BReserve(&as->mb, (void **) &m->train_cover, &as->cap_cover,
					  (uint64_t) m->n_nodes * T * 11 / 10 + 16, sizeof(uint32_t)))
			return ENS_ENOMEM;
	}
	if (as->out)
	{
		uint32_t	base = m->tree_node[t];
		uint32_t	j;

		for (j = 0; j < as->n_out; j++)
		{
			/* every out row reached a leaf of this tree (else it stayed unset) */
			if (tb->oleaf[j] >= tb->tn_n || !(tb->tn[tb->oleaf[j]].flags & FN_LEAF))
				return ENS_ECORRUPT;
			ens_forest_add_leaf(m, base + tb->oleaf[j], as->out + (size_t) j * as->kk);
		}
	}
	for (i = 0; i < m->n_features; i++)
		sum += tb->imp[i];
	if (sum > 0)
		for (i = 0; i < m->n_features; i++)
			as->imp_sum[i] += tb->imp[i] / sum;
	return ENS_OK;
}

/*
 * Add tree tb's leaves of its out-of-bag rows to their sums, on the calling
 * thread in tree order, so the sums do not depend on the threads.
 */
static EnsStatus
AddOob(Assembly *as, const TreeBuf *tb, uint32_t t, EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	base = as->m->tree_node[t],
				h;

	if (as->oob_sum == NULL)
		return ENS_OK;
	for (h = 0; h < tb->oob_n; h++)
	{
		if ((h & 4095) == 4095 && intr && intr(intr_arg))
			return ENS_EINTR;
		ens_forest_add_leaf(as->m, base + tb->oob[h].leaf,
							as->oob_sum + (size_t) tb->oob[h].i * as->K);
	}
	return ENS_OK;
}

/*
 * The rows out of bag at least once, first to last, with their sums
 * normalised in place (as ens_predict_raw); the sums become oob->proba.
 */
static EnsStatus
FinishOob(Assembly *as, const EnsData *d, ForestOob *oob)
{
	uint32_t	K = as->K,
				i,
				k,
				n = 0;

	oob->rows = BAlloc(&as->mb, (size_t) as->n_use * sizeof(uint32_t));
	if (oob->rows == NULL)
		return ENS_ENOMEM;
	for (i = 0; i < as->n_use; i++)
	{
		const double *acc = as->oob_sum + (size_t) i * K;
		double	   *dst = as->oob_sum + (size_t) n * K;
		double		s = 0;

		for (k = 0; k < K; k++)
			s += acc[k];
		if (!(s > 0))
			continue;			/* in the bag of every tree */
		for (k = 0; k < K; k++)
			dst[k] = acc[k] / s;
		oob->rows[n++] = d->rows ? d->rows[i] : i;
	}
	oob->n = n;
	oob->proba = as->oob_sum;
	as->oob_sum = NULL;
	return ENS_OK;
}

/* All trees on the calling thread. */
static EnsStatus
GrowSequential(Assembly *as, Builder *b, EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	t;

	for (t = 0; t < (uint32_t) as->P->n_trees; t++)
	{
		EnsStatus rc;

		if (intr && intr(intr_arg))
			return ENS_EINTR;
		rc = GrowTree(b, t);
		if (rc == ENS_OK)
			rc = AddTree(as, &b->cur, t);
		if (rc != ENS_OK)
			return rc;
		rc = AddOob(as, &b->cur, t, b->intr, b->intr_arg);
		if (rc != ENS_OK)
			return rc;
	}
	return ENS_OK;
}

/*
 * Trees on the started workers; this thread appends them in order and polls
 * intr (which must not longjmp here: workers are running).
 */
static EnsStatus
GrowThreaded(Assembly *as, Worker *w, int nw, Pool *pl,
			 EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	t;
	int			k;

	for (t = 0; t < (uint32_t) as->P->n_trees; t++)
	{
		Worker	   *got = NULL;
		EnsStatus	rc;

		while (got == NULL)
		{
			for (k = 0; k < nw; k++)
				if (__atomic_load_n(&w[k].full, __ATOMIC_ACQUIRE) && w[k].hand_tree == t)
				{
					got = &w[k];
					break;
				}
			if (got)
				break;
			/* a worker failed: its status is read after the join */
			if (__atomic_load_n(&pl->abort, __ATOMIC_RELAXED))
				return ENS_EINTR;
			if (intr && intr(intr_arg))
				return ENS_EINTR;
			SleepBriefly();
		}
		rc = AddTree(as, &got->hand, t);
		if (rc == ENS_OK)
			rc = AddOob(as, &got->hand, t, intr, intr_arg);
		if (rc != ENS_OK)
			return rc;
		__atomic_store_n(&got->full, 0, __ATOMIC_RELEASE);
	}
	return ENS_OK;
}

/* Release what forest_train put in oob. */
void
forest_oob_free(ForestOob *oob, const EnsAlloc *al)
{
	if (oob->rows)
		al->free(al->ctx, oob->rows);
	if (oob->proba)
		al->free(al->ctx, oob->proba);
	oob->rows = NULL;
	oob->proba = NULL;
	oob->n = 0;
}

/*
 * Row -> position in d->out_rows.  The out rows must be distinct training
 * rows: the trainer sees each of those once per tree (in the bag or out of
 * it), so every position gets its leaf in every tree.
 */
static EnsStatus
OutPositions(Assembly *as, const EnsData *d, uint32_t n_use, uint32_t **out)
{
	uint32_t   *opos = BAlloc(&as->mb, (size_t) d->n_rows * sizeof(uint32_t));
	uint32_t	i,
				hits = 0;

	if (opos == NULL)
		return ENS_ENOMEM;
	memset(opos, 0xff, (size_t) d->n_rows * sizeof(uint32_t));
	for (i = 0; i < d->n_out; i++)
	{
		uint32_t	r = d->out_rows[i];

		if (r >= d->n_rows || opos[r] != UINT32_MAX)
			break;
		opos[r] = i;
	}
	/* each out row met once among the training rows (marked as met) */
	for (uint32_t j = 0; i == d->n_out && j < n_use; j++)
	{
		uint32_t	row = d->rows ? d->rows[j] : j;

		if (row < d->n_rows && opos[row] != UINT32_MAX && !(opos[row] & 0x80000000u))
		{
			opos[row] |= 0x80000000u;
			hits++;
		}
	}
	for (uint32_t j = 0; j < d->n_rows; j++)
		if (opos[j] != UINT32_MAX)
			opos[j] &= 0x7fffffffu;
	if (i != d->n_out || hits != d->n_out)
	{
		BFree(&as->mb, opos, (size_t) d->n_rows * sizeof(uint32_t));
		return ENS_EINVAL;
	}
	*out = opos;
	return ENS_OK;
}

/*
 * Train: m must have task, n_features, n_classes, features (n_bins, kind)
 * set; trees and importance are filled in.  On error the trees are freed
 * and m->n_trees is 0.
 *
 * P->n_threads > 1 grows trees on that many POSIX threads.  They run only
 * the code in this file over memory from the malloc allocator, never call
 * the allocator al or the interrupt callback, and are joined before this
 * function returns.  In that mode intr must only poll (it is called while
 * workers run, so it must not longjmp); it is called often enough that a
 * cancel stops training within one tree's time.  Results do not depend on
 * the number of threads: tree t always uses random stream t and trees are
 * appended in order.
 *
 * oob (classification only, may be NULL) receives the out-of-bag class
 * probabilities of the training rows (ForestOob; free with forest_oob_free).
 */
EnsStatus
forest_train(EnsModel *m, const EnsData *d, const ForestParams *P,
			 const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
			 size_t *peak_bytes, ForestOob *oob)
{
	Assembly	as;
	Worker	   *w = NULL;
	Pool		pool;
	int			nthreads = P->n_threads < 1 ? 1 : (P->n_threads > 16 ? 16 : P->n_threads);
	uint32_t	n_use = d->rows ? d->n_use : d->n_rows;
	uint32_t	i;
	int			k,
				nw = 0,
				nstarted = 0;
	EnsStatus rc = ENS_OK;
	size_t		peak = 0;
	uint32_t   *opos = NULL;

	if (P->n_trees < 1 || P->n_trees > ENS_MAX_TREES ||
		P->min_samples_leaf < 1 || !(P->sample_fraction > 0) ||
		P->sample_fraction > 1 || m->n_features < 1 ||
		m->n_features > ENS_MAX_FEATURES || d->n_features != m->n_features ||
		n_use < 1 || (P->max_features > 1) ||
		(P->task == ENS_CLASSIFICATION &&
		 (m->n_classes < 2 || m->n_classes > ENS_MAX_CLASSES)) ||
		(d->out_rows && (d->n_out < 1 || d->n_out > n_use || d->n_out >= 0x80000000u)) ||
		(oob && P->task != ENS_CLASSIFICATION))
		return ENS_EINVAL;
	if (oob)
		memset(oob, 0, sizeof(*oob));
	/* every bin in range (the split search indexes histograms by bin) */
	for (i = 0; i < n_use; i++)
	{
		uint32_t	row = d->rows ? d->rows[i] : i;
		const uint8_t *x = d->X + (size_t) row * m->n_features;
		uint32_t	f;

		if (row >= d->n_rows)
			return ENS_EINVAL;
		for (f = 0; f < m->n_features; f++)
			if (x[f] != ENS_MISSING && x[f] >= m->features[f].n_bins)
				return ENS_EINVAL;
		if (P->task == ENS_CLASSIFICATION && d->cls[row] >= m->n_classes)
			return ENS_EINVAL;
	}
	if (nthreads > P->n_trees)
		nthreads = P->n_trees;

	memset(&as, 0, sizeof(as));
	as.mb.al = al;
	m->train_out = NULL;
	m->n_train_out = 0;
	if (d->out_rows)
	{
		rc = OutPositions(&as, d, n_use, &opos);
		if (rc != ENS_OK)
			return rc;
	}
	as.m = m;
	as.P = P;
	as.cls = (P->task == ENS_CLASSIFICATION);
	as.K = as.cls ? m->n_classes : 0;
	m->n_trees = 0;
	m->n_nodes = m->n_cats = m->n_leafv = 0;
	m->nodes = NULL;
	m->cats = NULL;
	m->leafv = NULL;
	m->train_cover = NULL;
	m->tree_node = m->tree_cat = m->tree_leaf = NULL;
	m->importance = NULL;
	m->tree_node = BAlloc(&as.mb, ((size_t) P->n_trees + 1) * sizeof(uint32_t));
	m->tree_cat = BAlloc(&as.mb, ((size_t) P->n_trees + 1) * sizeof(uint32_t));
	m->tree_leaf = BAlloc(&as.mb, ((size_t) P->n_trees + 1) * sizeof(uint32_t));
	as.imp_sum = BAlloc(&as.mb, m->n_features * sizeof(double));
	if (!m->tree_node || !m->tree_cat || !m->tree_leaf || !as.imp_sum)
	{
		rc = ENS_ENOMEM;
		goto done;
	}
	m->tree_node[0] = m->tree_cat[0] = m->tree_leaf[0] = 0;
	memset(as.imp_sum, 0, m->n_features * sizeof(double));
	if (opos)
	{
		as.n_out = d->n_out;
		as.kk = as.cls ? as.K : 1;
		as.out = BAlloc(&as.mb, (size_t) as.n_out * as.kk * sizeof(double));
		if (as.out == NULL)
		{
			rc = ENS_ENOMEM;
			goto done;
		}
		memset(as.out, 0, (size_t) as.n_out * as.kk * sizeof(double));
	}
	as.n_use = n_use;
	if (oob)
	{
		/* n_use x K sums: n_use <= ENS_MAX_ROWS, K <= ENS_MAX_CLASSES */
		size_t		bytes = (size_t) n_use * as.K * sizeof(double);

		as.oob_sum = BAlloc(&as.mb, bytes);
		if (as.oob_sum == NULL)
		{
			rc = ENS_ENOMEM;
			goto done;
		}
		memset(as.oob_sum, 0, bytes);
	}

	/* builders: with threads, all scratch comes from malloc */
	w = BAlloc(&as.mb, sizeof(Worker) * nthreads);
	if (w == NULL)
	{
		rc = ENS_ENOMEM;
		goto done;
	}
	memset(w, 0, sizeof(Worker) * nthreads);
	memset(&pool, 0, sizeof(pool));
	pool.n_trees = (uint32_t) P->n_trees;
	for (k = 0; k < nthreads; k++)
	{
		const EnsAlloc *wal = nthreads > 1 ? &ens_malloc_allocator : al;

		rc = BuilderInit(&w[k].b, m, d, P, wal,
						 nthreads > 1 ? WorkerIntr : intr,
						 nthreads > 1 ? (void *) &pool.abort : intr_arg);
		if (rc != ENS_OK)
			goto done;
		nw = k + 1;
		w[k].b.want_oob = oob != NULL;
		w[k].pool = &pool;
		w[k].b.opos = opos;
		if (nthreads > 1)
		{
			w[k].hand.imp = BAlloc(&w[k].b, m->n_features * sizeof(double));
			if (opos)
				w[k].hand.oleaf = BAlloc(&w[k].b, (size_t) d->n_out * sizeof(uint32_t));
			if (w[k].hand.imp == NULL || (opos && w[k].hand.oleaf == NULL))
			{
				rc = ENS_ENOMEM;
				goto done;
			}
		}
	}

	if (nthreads > 1)
	{
		for (k = 0; k < nthreads; k++)
		{
			if (!StartWorker(&w[k]))
				break;
			nstarted = k + 1;
		}
	}
	if (nstarted > 0)
		rc = GrowThreaded(&as, w, nstarted, &pool, intr, intr_arg);
	else
		rc = GrowSequential(&as, &w[0].b, nthreads > 1 ? intr : NULL,
							nthreads > 1 ? intr_arg : NULL);
	if (rc != ENS_OK)
		goto done;

	/* normalise importance */
	{
		double		sum = 0;

		for (i = 0; i < m->n_features; i++)
			sum += as.imp_sum[i];
		for (i = 0; i < m->n_features; i++)
			as.imp_sum[i] = sum > 0 ? as.imp_sum[i] / sum : 0;
		m->importance = as.imp_sum;
		as.imp_sum = NULL;
	}
	if (oob)
		rc = FinishOob(&as, d, oob);
	if (rc == ENS_OK && as.out)
	{
		for (i = 0; i < as.n_out; i++)
			ens_forest_finish(m, as.out + (size_t) i * as.kk);
		m->train_out = as.out;
		m->n_train_out = as.n_out;
		as.out = NULL;
	}

done:
	if (nstarted > 0)
	{
		__atomic_store_n(&pool.abort, 1, __ATOMIC_RELAXED);
		for (k = 0; k < nstarted; k++)
			pthread_join(w[k].thread, NULL);
		/* a worker's own failure (e.g. out of memory) beats the stop it caused */
		for (k = 0; k < nstarted && rc == ENS_EINTR; k++)
			if (w[k].rc != ENS_OK && w[k].rc != ENS_EINTR)
				rc = w[k].rc;
	}
	for (k = 0; k < nw; k++)
	{
		Builder    *b = &w[k].b;

		BFree(b, w[k].hand.tn, (size_t) w[k].hand.tn_cap * sizeof(EnsNode));
		BFree(b, w[k].hand.tc, (size_t) w[k].hand.tc_cap * sizeof(EnsCatSplit));
		BFree(b, w[k].hand.tl, (size_t) w[k].hand.tl_cap * sizeof(float));
		BFree(b, w[k].hand.cov, (size_t) w[k].hand.cov_cap * sizeof(uint32_t));
		BFree(b, w[k].hand.oob, (size_t) w[k].hand.oob_cap * sizeof(OobHit));
		BFree(b, w[k].hand.imp, m->n_features * sizeof(double));
		BFree(b, w[k].hand.oleaf, (size_t) d->n_out * sizeof(uint32_t));
		peak += b->peak_bytes;
		BuilderFree(b);
	}
	if (w)
		BFree(&as.mb, w, sizeof(Worker) * nthreads);
	if (as.imp_sum)
		BFree(&as.mb, as.imp_sum, m->n_features * sizeof(double));
	if (as.out)
		BFree(&as.mb, as.out, (size_t) as.n_out * as.kk * sizeof(double));
	if (opos)
		BFree(&as.mb, opos, (size_t) d->n_rows * sizeof(uint32_t));
	if (as.oob_sum)
		BFree(&as.mb, as.oob_sum, (size_t) n_use * as.K * sizeof(double));
	if (rc != ENS_OK)
	{
		if (oob)
			forest_oob_free(oob, al);
		BFree(&as.mb, m->nodes, (size_t) as.cap_nodes * sizeof(EnsNode));
		BFree(&as.mb, m->cats, (size_t) as.cap_cats * sizeof(EnsCatSplit));
		BFree(&as.mb, m->leafv, (size_t) as.cap_leafv * sizeof(float));
		BFree(&as.mb, m->train_cover, (size_t) as.cap_cover * sizeof(uint32_t));
		BFree(&as.mb, m->tree_node, ((size_t) P->n_trees + 1) * sizeof(uint32_t));
		BFree(&as.mb, m->tree_cat, ((size_t) P->n_trees + 1) * sizeof(uint32_t));
		BFree(&as.mb, m->tree_leaf, ((size_t) P->n_trees + 1) * sizeof(uint32_t));
		m->nodes = NULL;
		m->cats = NULL;
		m->leafv = NULL;
		m->train_cover = NULL;
		m->tree_node = m->tree_cat = m->tree_leaf = NULL;
		m->n_trees = 0;
		m->n_nodes = m->n_cats = m->n_leafv = 0;
	}
	else
		m->mem_bytes = (size_t) as.cap_nodes * sizeof(EnsNode) +
			(size_t) as.cap_cats * sizeof(EnsCatSplit) +
			(size_t) as.cap_leafv * sizeof(float);
	if (peak_bytes)
		*peak_bytes = peak + as.mb.peak_bytes;
	return rc;
}
