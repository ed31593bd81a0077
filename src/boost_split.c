/*
 * boost_split.c - the best split of a node from its gradient histogram
 * (PG-free).
 *
 * Gain of sending sums (G_L, H_L) left and (G_R, H_R) right (Chen & Guestrin
 * 2016, eq. 7): (G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2)) / 2, with
 * both H_L and H_R at least min_child_weight.
 *
 * Numeric features: every boundary between two bins occupied in the node,
 * with the node's missing values tried on either side (XGBoost's
 * sparsity-aware search), plus "present left, missing right".  The bins
 * between the two sides, empty in the node, go where XGBoost 1.7's hist
 * cut sends them: with the missing values, right when the node has none
 * (its forward scan cuts right after the last bin on the left, its
 * backward scan, missing values left, right below the first bin on the
 * right).  Without missing values in the node the
 * learned default is the child with the larger hessian sum, except on a
 * feature of ENS_MAX_BOOST_BINS bins (no missing value in any row): right,
 * since a missing value to predict is coded as its last bin.
 *
 * Categorical features: the node's categories sorted by G/(H+l2), every
 * prefix of that order as the left set (Fisher 1958: for a quadratic loss
 * the best binary partition is such a prefix; LightGBM sorts the same way),
 * missing values again tried on either side.  Categories not seen in the
 * node go right.
 *
 * Ties keep the first candidate in feature, then threshold order, so the
 * result does not depend on anything but the histogram.
 */
#include "boost_int.h"

#include <string.h>

/* relative size below which a gain is rounding noise, not an improvement */
#define GAIN_EPS 1e-10

/* zeroed entries past a run's candidates: GainRun reads whole fours */
#define GAIN_PAD 3

/*
 * The scan works in the histogram's fixed-point units: with g = G/sg and
 * h = H/sh, g^2/(h + l2) = (sh/sg^2) * G^2/(H + l2*sh), so a candidate
 * costs two divisions and no conversions of scale; the common factor
 * sh/sg^2 (the same for every candidate of a node) is applied once, to the
 * node's best gain (SplitTask).
 */
typedef struct Scan
{
	int64_t		G,
				H;				/* node sums */
	double		l2,				/* l2 * sh */
				mcw,			/* min_child_weight * sh */
				parent,			/* the node's G^2/(H+l2), fixed point */
				unit,			/* sh/sg^2: fixed-point gain to gain */
				dG,				/* G and H as doubles */
				dH;
	bool		small;			/* every sum of the node below 2^51 in size */
	double		floor;			/* the node's best gain so far, scaled: a
								 * feature's must beat it (NodeSplits) */
} Scan;

static inline double
Score(double g, double h, double l2)
{
	double		d = h + l2;

	return d > 0 ? g * g / d : 0.0;
}

/* 1.5 x 2^52: as bits, and as a double */
#define MAGIC_BITS	((int64_t) 0x4338000000000000)
#define MAGIC		6755399441055744.0

/*
 * Four int64 as doubles.  Small (every |x| < 2^51): the bits of
 * x + 1.5 x 2^52 read as a double, less 1.5 x 2^52, two vector operations
 * instead of four scalar conversions; exact, so the same doubles.
 */
static inline __attribute__((always_inline)) void
ToDouble(const V4l *xp, bool small, V4d *out)
{
	V4l			x = *xp;
	const V4l	mb = {MAGIC_BITS, MAGIC_BITS, MAGIC_BITS, MAGIC_BITS};
	const V4d	md = {MAGIC, MAGIC, MAGIC, MAGIC};
	V4d			d;

	if (!small)
	{
		*out = __builtin_convertvector(x, V4d);
		return;
	}
	x += mb;
	memcpy(&d, &x, sizeof(d));
	*out = d - md;
}

/*
 * Gains of four candidates whose left sums are lg, lh (the node's G, H
 * less them go right), as Chen & Guestrin's formula with both children at
 * least min_child_weight and a gain above rounding noise, else 0; without
 * a branch, so the divisions run side by side.  Small: the right sums are
 * the doubles' differences, exact when every sum is below 2^51.
 */
static inline __attribute__((always_inline)) void
GainQuad(const Scan *s, const V4l *lg, const V4l *lh, V4d *out)
{
	const V4l	G = {s->G, s->G, s->G, s->G},
				H = {s->H, s->H, s->H, s->H};
	const V4d	l2 = {s->l2, s->l2, s->l2, s->l2},
				mcw = {s->mcw, s->mcw, s->mcw, s->mcw},
				parent = {s->parent, s->parent, s->parent, s->parent},
				half = {0.5, 0.5, 0.5, 0.5},
				eps = {GAIN_EPS, GAIN_EPS, GAIN_EPS, GAIN_EPS},
				zero = {0, 0, 0, 0};
	V4d			vgl,
				vhl,
				vgr,
				vhr,
				dl,
				dr,
				sl,
				sr,
				gain;
	V4l			ok,
				rg,
				rh;

	ToDouble(lg, s->small, &vgl);
	ToDouble(lh, s->small, &vhl);
	if (s->small)
	{
		const V4d	dG = {s->dG, s->dG, s->dG, s->dG},
					dH = {s->dH, s->dH, s->dH, s->dH};

		vgr = dG - vgl;
		vhr = dH - vhl;
	}
	else
	{
		rg = G - *lg;
		rh = H - *lh;
		ToDouble(&rg, false, &vgr);
		ToDouble(&rh, false, &vhr);
	}
	dl = vhl + l2;
	dr = vhr + l2;
	sl = (V4d) ((V4l) (vgl * vgl / dl) & (dl > zero));
	sr = (V4d) ((V4l) (vgr * vgr / dr) & (dr > zero));
	gain = half * (sl + sr - parent);
	ok = (vhl >= mcw) & (vhr >= mcw) & (gain > eps * (sl + sr));
	*out = (V4d) ((V4l) gain & ok);
}

/* Lanes of a run: each lane's largest gain and the first place that has it. */
typedef struct Lanes
{
	V4d			mx;
	V4l			first;
} Lanes;

/*
 * The gains of candidates j < n, left sums p[2j] + gm, p[2j+1] + hm (gains
 * are 0 or more), into lanes: each lane keeps the first place of its own
 * largest (RunTop and RunFirst then reduce the lanes).  p is read in fours
 * of pairs up to the four that holds j = n - 1: the caller zeroes what lies
 * past its candidates (GAIN_PAD pairs), and a lane past n gains nothing.
 * Unpacking two loads of pairs puts candidates 0, 2, 1, 3 of a four in the
 * lanes; idx says which is where.  One loop, no tail: most runs are a few
 * candidates (the small features of every node), where a separate tail
 * cost more than the candidates.
 */
static inline __attribute__((always_inline)) void
GainRun(const Scan *s, const int64_t *p, int64_t gm, int64_t hm,
		uint32_t n, Lanes *out)
{
	const V4l	vgm = {gm, gm, gm, gm},
				vhm = {hm, hm, hm, hm},
				vn = {n, n, n, n},
				step = {4, 4, 4, 4};
	V4l			lg,
				lh,
				more,
				lo,
				hi,
				idx = {0, 2, 1, 3},
				first = {-1, -1, -1, -1};
	V4d			gain,
				mx = {0, 0, 0, 0};
	uint32_t	j;

	for (j = 0; j < n; j += 4)
	{
		memcpy(&lo, p + 2 * j, sizeof(V4l));
		memcpy(&hi, p + 2 * j + 4, sizeof(V4l));
		lg = __builtin_shufflevector(lo, hi, 0, 4, 2, 6) + vgm;
		lh = __builtin_shufflevector(lo, hi, 1, 5, 3, 7) + vhm;
		GainQuad(s, &lg, &lh, &gain);
		gain = (V4d) ((V4l) gain & (idx < vn));
		more = gain > mx;
		mx = (V4d) (((V4l) gain & more) | ((V4l) mx & ~more));
		first = (idx & more) | (first & ~more);
		idx += step;
	}
	out->mx = mx;
	out->first = first;
}

/* The largest gain of a run's lanes, into every lane of *top. */
static inline __attribute__((always_inline)) void
RunTop(const Lanes *l, V4d *top)
{
	V4d			t = __builtin_shufflevector(l->mx, l->mx, 2, 3, 0, 1),
				sw;

	t = (V4d) (((V4l) l->mx & (l->mx >= t)) | ((V4l) t & (l->mx < t)));
	sw = __builtin_shufflevector(t, t, 1, 0, 3, 2);
	*top = (V4d) (((V4l) t & (t >= sw)) | ((V4l) sw & (t < sw)));
}

/* The first place among the lanes that hold top (-1 if it is 0). */
static inline __attribute__((always_inline)) int32_t
RunFirst(const Lanes *l, const V4d *tp)
{
	const V4l	none = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
	V4d			top = *tp;
	V4l			held = l->mx == top,
				first = (l->first & held) | (none & ~held),
				fs;

	if (!(top[0] > 0))
		return -1;
	fs = __builtin_shufflevector(first, first, 2, 3, 0, 1);
	first = (first & (first < fs)) | (fs & (first >= fs));
	fs = __builtin_shufflevector(first, first, 1, 0, 3, 2);
	first = (first & (first < fs)) | (fs & (first >= fs));
	return (int32_t) first[0];
}

/*
 * The best of the candidates "items 0..j left" of a node's ordered items
 * (occupied bins, or categories by G/(H+l2)) whose running sums are the
 * pair p[2j], p[2j+1] (j < n): below the last item, missing values right
 * (run 0) or left too (run 1); at the last, every present value left and
 * missing right (when there are missing values).  The first largest gain
 * in that order (items, then run 0 before run 1) wins, if it beats best
 * and, once scaled, the node's best so far (s->floor; where it does not,
 * the places are not looked for): best's sums, default side and gain are
 * set and its j returned, else -1.  n >= 1; p holds n + GAIN_PAD pairs
 * (the pad is zeroed here).
 */
static inline __attribute__((always_inline)) int
BestPrefix(const Scan *s, int64_t *p, uint32_t n,
		   int64_t gm, int64_t hm, BoostSplit *best)
{
	bool		has_miss = (gm | hm) != 0;
	uint32_t	nc = n - 1 + (has_miss ? 1 : 0),
				which = 0,
				i;
	int32_t		at0,
				at1 = -1,
				at;
	Lanes		l0,
				l1 = {{0, 0, 0, 0}, {-1, -1, -1, -1}};
	V4d			t0,
				t1 = {0, 0, 0, 0};
	double		top,
				m1;

	if (nc == 0)
		return -1;
	for (i = 2 * n; i < 2 * (n + GAIN_PAD); i++)
		p[i] = 0;
	GainRun(s, p, 0, 0, nc, &l0);
	RunTop(&l0, &t0);
	if (has_miss)
	{
		GainRun(s, p, gm, hm, n - 1, &l1);
		RunTop(&l1, &t1);
	}
	top = t0[0];
	m1 = t1[0];
	if (!((m1 > top ? m1 : top) * s->unit > s->floor))
		return -1;
	at0 = RunFirst(&l0, &t0);
	if (has_miss)
		at1 = RunFirst(&l1, &t1);
	if (m1 > top || (m1 == top && m1 > 0 && at1 < at0))
	{
		top = m1;
		which = 1;
	}
	if (!(top > best->gain))
		return -1;
	at = which ? at1 : at0;
	best->gain = top;
	best->gl = p[2 * at] + (which ? gm : 0);
	best->hl = p[2 * at + 1] + (which ? hm : 0);
	best->defleft = which ? true : (has_miss ? false : (p[2 * at + 1] >= s->H - p[2 * at + 1]));
	return (int) at;
}

/* a (g, h) pair of sums, added in one vector operation */
typedef int64_t V2l __attribute__((vector_size(16)));

/*
 * Bin bin of e onto the running sums acc: the prefix pair at place n of
 * the occupied bins, which counts it only if it holds anything.  No
 * branch: in a small node most of a fine feature's bins are empty, and a
 * branch on each mispredicts.
 */
static inline __attribute__((always_inline)) uint32_t
AddBin(const BoostBin *e, uint32_t bin, uint32_t n, V2l *acc, uint8_t *nz, int64_t *p)
{
	V2l			v;

	memcpy(&v, &e[bin], sizeof(v));
	*acc += v;
	nz[n] = (uint8_t) bin;
	memcpy(p + 2 * n, acc, sizeof(V2l));
	return n + ((e[bin].g | e[bin].h) != 0);
}

/*
 * The node's bins of a fine feature, when its rows are few: a bitmap of
 * the bins its rows hold (col: the feature's column, the missing code nb
 * left out), then those bins in order with the sums up to each (a bin
 * whose rows sum to nothing is empty, as in the scan of every bin: the
 * bins not marked hold no row of the node, so their sums are 0 and the
 * prefixes are the same).  Returns the occupied bins' count.
 */
static inline __attribute__((always_inline)) uint32_t
MarkedBins(const BoostBin *e, uint32_t nb, const uint8_t *col, const uint32_t *rows,
		   uint32_t m, uint8_t *nz, int64_t *p)
{
	uint64_t	bits[(ENS_MAX_BOOST_BINS + 63) / 64] = {0},
				word;
	V2l			acc = {0, 0};
	uint32_t	i,
				w,
				n = 0;

	for (i = 0; i < m; i++)
	{
		uint32_t	v = col[rows[i]];

		if (v < nb)
			bits[v >> 6] |= (uint64_t) 1 << (v & 63);
	}
	for (w = 0; w < (nb + 63) / 64; w++)
		for (word = bits[w]; word != 0; word &= word - 1)
			n = AddBin(e, w * 64 + (uint32_t) __builtin_ctzll(word), n, &acc, nz, p);
	return n;
}

/* a node's rows below which a feature of more bins marks its rows' bins */
#define MARK_BINS_PER_ROW 3

/* Numeric: a threshold below each boundary between occupied bins. */
static inline __attribute__((always_inline)) void
ScanNumeric(const Booster *b, const Scan *s, const BoostBin *e, uint32_t nb,
			uint32_t f, const BoostSplitReq *q, BoostSplit *best)
{
	uint8_t		nz[ENS_MAX_BOOST_BINS];	/* bins 0..255 */
	int64_t		p[2 * (ENS_MAX_BOOST_BINS + GAIN_PAD)],	/* (g, h) sums of bins nz[0..j] */
				gm,
				hm;
	uint32_t	bin,
				n = 0;
	V2l			acc = {0, 0};
	int			at;

	/*
	 * The occupied bins and the sums up to each, in one pass (an empty bin
	 * adds nothing), or from the bins a few rows mark.  Packed bins are
	 * summed packed and each prefix unpacked (a packed bin is zero only
	 * when empty).
	 */
	if (b->packed)
	{
		const int64_t *pe = (const int64_t *) e;
		int64_t		sum = 0;

		for (bin = 0; bin < nb; bin++)
		{
			sum += pe[bin];
			nz[n] = (uint8_t) bin;
			boost_unpack(b, sum, &p[2 * n], &p[2 * n + 1]);
			n += pe[bin] != 0;
		}
		boost_unpack(b, pe[nb], &gm, &hm);
	}
	else if (q->n_rows * MARK_BINS_PER_ROW < nb && b->P->hist != BOOST_HIST_ROWS)
	{
		n = MarkedBins(e, nb, b->Xc + (size_t) f * b->n, q->rows, q->n_rows, nz, p);
		gm = e[nb].g;
		hm = e[nb].h;
	}
	else
	{
		for (bin = 0; bin < nb; bin++)
			n = AddBin(e, bin, n, &acc, nz, p);
		gm = e[nb].g;
		hm = e[nb].h;
	}
	if (n == 0 || (at = BestPrefix(s, p, n, gm, hm, best)) < 0)
		return;
	best->feature = (int32_t) f;
	best->cat = false;
	/*
	 * a feature of ENS_MAX_BOOST_BINS bins has no missing value, and a
	 * missing value to predict is coded 255, its last bin: right, as
	 * XGBoost's default without missing values
	 */
	/* the last candidate has every present value left; else the cut as the header says */
	best->bin = (uint8_t) ((uint32_t) at + 1 == n ? nb - 1 :
						   ((gm | hm) != 0 && best->defleft ? nz[at + 1] - 1u : nz[at]));
	if (nb > ENS_MAX_BINS)
		best->defleft = false;
}

static void
ScanCategorical(const Scan *s, const BoostBin *e, uint32_t nb, uint32_t f,
				BoostSplit *best)
{
	uint8_t		code[ENS_MAX_CATEGORIES];
	double		key[ENS_MAX_CATEGORIES];
	int64_t		p[2 * (ENS_MAX_CATEGORIES + GAIN_PAD)],
				gl,
				hl;
	uint32_t	m = 0,
				i;
	int			at;

	for (i = 0; i < nb; i++)
	{
		double		k;
		uint32_t	j;

		if ((e[i].g | e[i].h) == 0)
			continue;
		/* G/(H+l2) up to the positive factor sh/sg: the same order */
		k = Score(1.0, (double) e[i].h, s->l2);
		k *= (double) e[i].g;
		/* insertion sort: stable, so equal keys keep code order */
		for (j = m; j > 0 && key[j - 1] > k; j--)
		{
			key[j] = key[j - 1];
			code[j] = code[j - 1];
		}
		key[j] = k;
		code[j] = (uint8_t) i;
		m++;
	}
	for (i = 0, gl = 0, hl = 0; i < m; i++)
	{
		gl += e[code[i]].g;
		hl += e[code[i]].h;
		p[2 * i] = gl;
		p[2 * i + 1] = hl;
	}
	if (m == 0 || (at = BestPrefix(s, p, m, e[nb].g, e[nb].h, best)) < 0)
		return;
	best->feature = (int32_t) f;
	best->cat = true;
	best->bin = 0;
	memset(best->bits, 0, sizeof(best->bits));
	for (i = 0; i <= (uint32_t) at; i++)
		best->bits[code[i] >> 5] |= 1u << (code[i] & 31);
}

static void
InitScan(const Booster *b, const BoostSplitReq *q, double sg, double sh, Scan *s)
{
	s->G = q->G;
	s->H = q->H;
	s->l2 = b->P->l2 * sh;
	s->mcw = b->P->min_child_weight * sh;
	s->parent = Score((double) q->G, (double) q->H, s->l2);
	s->unit = sh / (sg * sg);
	s->dG = (double) q->G;
	s->dH = (double) q->H;
	/* a row's |g|, h < 2^31 (boost_int.h), so fewer than 2^20 rows sum below 2^51 */
	s->small = b->n < ((uint32_t) 1 << 20);
	s->floor = 0;
}

typedef struct SplitJob
{
	const Booster *b;
	const BoostSplitReq *req;
	Scan		scan[2];
} SplitJob;

/* The best split of node q on feature f, its gain in the gain's units. */
static inline __attribute__((always_inline)) void
SplitFeature(const Booster *b, const Scan *s, const BoostSplitReq *q, uint32_t f,
			 BoostSplit *best)
{
	BoostBin	buf[ENS_MAX_BOOST_BINS + 1];

	best->gain = 0.0;
	best->feature = -1;
	if (b->m->features[f].kind == ENS_CATEGORICAL)
		ScanCategorical(s, boost_hist_feature(b, q->h, f, buf), b->nb[f], f, best);
	else if (b->packed)
		ScanNumeric(b, s, (const BoostBin *) ((const int64_t *) q->h + b->off[f]),
					b->nb[f], f, q, best);
	else
		ScanNumeric(b, s, q->h + b->off[f], b->nb[f], f, q, best);
	best->gain *= s->unit;
}

/*
 * SplitFeature as an AVX2 clone for the threads' pieces (a clone whose
 * address is taken, as a pool task's is, crashes LLVM 14's ThinLTO index
 * of the JIT bitcode, so the task calls this).
 */
BOOST_CLONES
static void
SplitPiece(const Booster *b, const Scan *s, const BoostSplitReq *q, uint32_t f,
		   BoostSplit *best)
{
	SplitFeature(b, s, q, f, best);
}

/* Piece c: feature c % n_feat of node c / n_feat, into b->piece[c]. */
static void
SplitTask(void *ctx, int t, uint32_t c)
{
	SplitJob   *j = (SplitJob *) ctx;
	const Booster *b = j->b;
	uint32_t	node = c / b->n_feat;
	BoostSplit	best;			/* local: the scan's stores alias no bin */

	(void) t;
	SplitPiece(b, &j->scan[node], &j->req[node], b->feat[c % b->n_feat], &best);
	b->piece[c] = best;
}

/* A piece's split into the node's best: the largest gain, the first feature of equals. */
static inline void
KeepBest(const BoostSplit *piece, BoostSplit *best)
{
	if (piece->feature >= 0 && piece->gain > best->gain)
		*best = *piece;
}

/* Node q's best split, one feature after another (no threads). */
BOOST_CLONES
static void
NodeSplits(const Booster *b, const Scan *s, const BoostSplitReq *q)
{
	Scan		sc = *s;
	uint32_t	c;

	for (c = 0; c < b->n_feat; c++)
	{
		BoostSplit	piece;

		SplitFeature(b, &sc, q, b->feat[c], &piece);
		KeepBest(&piece, q->out);
		sc.floor = q->out->gain;
	}
}

/*
 * Best splits of n_req (1 or 2) nodes over the tree's features, a piece of
 * work per node and feature; each request's out->feature = -1 if no split
 * gains anything.  The winner is the largest gain, the first feature of
 * equals, exactly as one scan through the features in order would find.
 * Without threads that scan is what runs (no pieces).
 */
EnsStatus
boost_find_splits(Booster *b, uint32_t k, const BoostSplitReq *req, uint32_t n_req)
{
	SplitJob	j;
	uint32_t	q,
				c,
				nf = b->n_feat;
	EnsStatus	rc;

	j.b = b;
	j.req = req;
	for (q = 0; q < n_req; q++)
	{
		InitScan(b, &req[q], b->sg[k], b->sh[k], &j.scan[q]);
		memset(req[q].out, 0, sizeof(BoostSplit));
		req[q].out->feature = -1;
	}
	if (b->nt == 1)
	{
		if (b->intr && b->intr(b->intr_arg))
			return ENS_EINTR;
		for (q = 0; q < n_req; q++)
			NodeSplits(b, &j.scan[q], &req[q]);
		return ENS_OK;
	}
	rc = ens_pool_run(b->pool, SplitTask, &j, n_req * nf, b->intr, b->intr_arg);
	if (rc != ENS_OK)
		return rc;
	for (q = 0; q < n_req; q++)
		for (c = q * nf; c < (q + 1) * nf; c++)
			KeepBest(&b->piece[c], req[q].out);
	return ENS_OK;
}

/* Newton step -G/(H+l2) (before the learning rate); 0 without curvature. */
double
boost_leaf_weight(const Booster *b, int64_t G, int64_t H, double sg, double sh)
{
	double		d = (double) H / sh + b->P->l2;

	return d > 0 ? -((double) G / sg) / d : 0.0;
}
