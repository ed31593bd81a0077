/*
 * ensemble_profile.c - what a model keeps about its training rows (PG-free):
 * node covers (for TreeSHAP's expectations), rows per class (the 'prior'
 * threshold rule), per-feature bin histograms and a histogram of the
 * model's outputs (for drift).  Written by the training pipeline for every
 * learner, by model_profile() for older models, and by calibrate() (which
 * replaces the output histogram).
 *
 * The output histogram cuts the reference outputs at their deciles
 * (midpoints between neighbouring distinct values, so no reference value
 * sits on a cut); a value v falls in bin b when cut[b-1] < v <= cut[b].
 */
#include "ensemble.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PRED_GROUPS 10
/*
 * Without held-out rows the output histogram describes the training rows
 * through at most this many of them, evenly spaced: deciles of 20,000
 * outputs are as good for drift's PSI (10 groups) as those of a million,
 * and predicting every training row with every tree cost more than a
 * third of training a forest on 800,000 rows.
 */
#define PRED_TRAIN_ROWS 20000

/* How many training rows describe the outputs when no row is held out. */
uint32_t
ens_profile_nref(uint32_t ntr)
{
	return ntr < PRED_TRAIN_ROWS ? ntr : PRED_TRAIN_ROWS;
}

/* The i-th of those rows, as an index into the training rows: evenly spaced. */
uint32_t
ens_profile_ref(uint32_t i, uint32_t ntr, uint32_t nref)
{
	return nref == ntr ? i : (uint32_t) (((uint64_t) i * ntr) / nref);
}

/* Training rows reaching each node: every row walked down every tree. */
EnsStatus
ens_profile_cover(const EnsModel *m, const uint8_t *X, uint32_t p,
				  const uint32_t *rows, uint32_t n, uint32_t *cover,
				  EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	t,
				r;

	memset(cover, 0, sizeof(uint32_t) * m->n_nodes);
	for (t = 0; t < m->n_trees; t++)
	{
		uint32_t	root = m->tree_node[t];

		if (intr && intr(intr_arg))
			return ENS_EINTR;
		for (r = 0; r < n; r++)
		{
			const uint8_t *xb = X + (size_t) (rows ? rows[r] : r) * p;
			uint32_t	i = root;

			for (;;)
			{
				EnsNode		nd = m->nodes[i];

				cover[i]++;
				if (nd.flags & FN_LEAF)
					break;
				i = ens_node_child(m, nd) + (ens_node_left(m, nd, xb[nd.feature]) ? 0 : 1);
			}
		}
	}
	return ENS_OK;
}

/* per feature: rows per bin, then missing (off: n_features + 1 offsets) */
void
ens_profile_hist(const EnsModel *m, const uint8_t *X, uint32_t p,
				 const uint32_t *rows, uint32_t n, const uint32_t *off, uint32_t *hist)
{
	uint32_t	f,
				r;

	memset(hist, 0, sizeof(uint32_t) * off[m->n_features]);
	for (r = 0; r < n; r++)
	{
		const uint8_t *xb = X + (size_t) (rows ? rows[r] : r) * p;

		for (f = 0; f < m->n_features; f++)
		{
			uint32_t	b = xb[f];

			/* a feature of ENS_MAX_BOOST_BINS bins has no missing value: 255 is a bin */
			hist[off[f] + ((b == ENS_MISSING && m->features[f].n_bins <= ENS_MAX_BINS) ||
						   b >= m->features[f].n_bins ? m->features[f].n_bins : b)]++;
		}
	}
}

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* bin of v among ne increasing cut points (v <= cut goes below it) */
uint32_t
ens_profile_bin(const double *cut, uint32_t ne, double v)
{
	uint32_t	lo = 0,
				hi = ne;

	while (lo < hi)
	{
		uint32_t	mid = (lo + hi) / 2;

		if (v <= cut[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The boundary between two different sorted values nearest to position
 * pos (j with v[j - 1] < v[j]; the upper one of two as near), or 0 if all
 * values are equal.  Outputs of few distinct values (a regression of
 * shallow trees, a forest's vote shares) tie at most decile positions.
 */
static uint32_t
NearestBoundary(const double *v, uint32_t n, uint32_t pos)
{
	uint32_t	up = pos,
				down = pos;

	while (up < n && !(v[up - 1] < v[up]))
		up++;
	while (down > 1 && !(v[down - 1] < v[down]))
		down--;
	if (!(v[down - 1] < v[down]))
		down = 0;
	if (up >= n)
		return down;
	if (down == 0 || up - pos <= pos - down)
		return up;
	return down;
}

/*
 * Output histogram of n rows' outputs (n x n_out, row-major): decile cuts
 * (each at the boundary between different values nearest the decile) and
 * counts per output, into x->pred (allocated with the extras).
 */
EnsStatus
ens_profile_outputs(EnsExtras *x, const EnsAlloc *al, const double *out, uint32_t n,
					uint32_t n_out, uint8_t source)
{
	EnsPredHist *ph = &x->pred;
	double	   *v,
			   *cuts;
	uint32_t	k,
				i,
				*counts;

	if (n == 0)
		return ENS_OK;
	v = al->alloc(al->ctx, sizeof(double) * n);
	ph->off = ens_ext_alloc(x, al, sizeof(uint32_t) * (n_out + 1));
	cuts = ens_ext_alloc(x, al, sizeof(double) * n_out * (PRED_GROUPS - 1));
	counts = ens_ext_alloc(x, al, sizeof(uint32_t) * n_out * PRED_GROUPS);
	if (!v || !ph->off || !cuts || !counts)
	{
		if (v)
			al->free(al->ctx, v);
		return ENS_ENOMEM;
	}
	ph->edges = cuts;
	ph->counts = counts;
	ph->off[0] = 0;
	for (k = 0; k < n_out; k++)
	{
		uint32_t	ne = 0,
					g;
		double	   *c = cuts + ph->off[k];

		for (i = 0; i < n; i++)
			v[i] = isfinite(out[(size_t) i * n_out + k]) ? out[(size_t) i * n_out + k] : 0;
		qsort(v, n, sizeof(double), CmpDouble);
		for (g = 1; g < PRED_GROUPS; g++)
		{
			uint32_t	pos = (uint32_t) (((uint64_t) n * g) / PRED_GROUPS);
			double		cut;

			if (pos == 0 || pos >= n || (pos = NearestBoundary(v, n, pos)) == 0)
				continue;
			cut = v[pos - 1] + (v[pos] - v[pos - 1]) / 2;
			if (ne > 0 && !(cut > c[ne - 1]))
				continue;
			c[ne++] = cut;
		}
		ph->off[k + 1] = ph->off[k] + ne;
		memset(counts + ph->off[k] + k, 0, sizeof(uint32_t) * (ne + 1));
		for (i = 0; i < n; i++)
			counts[ph->off[k] + k + ens_profile_bin(c, ne, v[i])]++;
	}
	ph->n_out = n_out;
	ph->source = source;
	al->free(al->ctx, v);
	return ENS_OK;
}

/*
 * Everything at once, after training: covers, class counts and histograms
 * of the training rows, and the output histogram of the held-out rows
 * (of at most PRED_TRAIN_ROWS training rows when there are none).  ycls may be NULL
 * (regression).  What the caller already has is not computed again:
 * cover (n_nodes, over exactly these training rows: the trainer's) and
 * held_out (nheld x outputs, the model's outputs on the held rows) and
 * train_out (the trainer's raw outputs of the rows ens_profile_ref picks,
 * used when no row is held out and there is no calibrator); any may be
 * NULL.  The extras become m->ext, owned by the model; a
 * calibrator and threshold of the old extras are kept.
 */
EnsStatus
ens_profile_model(EnsModel *m, const uint8_t *X, uint32_t p, const uint32_t *train,
				  uint32_t ntr, const uint32_t *ycls, const uint32_t *held, uint32_t nheld,
				  const uint32_t *cover, const double *held_out,
				  const double *train_out,
				  const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg)
{
	EnsExtras  *x = ens_ext_new(al);
	uint32_t	kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1,
				f,
				i;
	const uint32_t *ref = nheld > 0 ? held : train;
	uint32_t	nref = nheld > 0 ? nheld : ens_profile_nref(ntr);
	double	   *out = NULL;
	EnsStatus	rc = ENS_OK;

	if (x == NULL || ntr == 0)
	{
		ens_ext_free(x, al);
		return x ? ENS_EINVAL : ENS_ENOMEM;
	}
	x->cover = ens_ext_alloc(x, al, sizeof(uint32_t) * m->n_nodes);
	x->hist_off = ens_ext_alloc(x, al, sizeof(uint32_t) * (m->n_features + 1));
	if (x->cover == NULL || x->hist_off == NULL)
		rc = ENS_ENOMEM;
	if (rc == ENS_OK && cover)
		memcpy(x->cover, cover, sizeof(uint32_t) * m->n_nodes);
	else if (rc == ENS_OK)
		rc = ens_profile_cover(m, X, p, train, ntr, x->cover, intr, intr_arg);
	if (rc == ENS_OK)
	{
		for (f = 0, x->hist_off[0] = 0; f < m->n_features; f++)
			x->hist_off[f + 1] = x->hist_off[f] + m->features[f].n_bins + 1;
		x->hist = ens_ext_alloc(x, al, sizeof(uint32_t) * x->hist_off[m->n_features]);
		if (x->hist == NULL)
			rc = ENS_ENOMEM;
		else
			ens_profile_hist(m, X, p, train, ntr, x->hist_off, x->hist);
	}
	if (rc == ENS_OK && ycls && m->task == ENS_CLASSIFICATION)
	{
		x->class_count = ens_ext_alloc(x, al, sizeof(uint32_t) * m->n_classes);
		if (x->class_count == NULL)
			rc = ENS_ENOMEM;
		for (i = 0; rc == ENS_OK && i < ntr; i++)
			x->class_count[ycls[train[i]]]++;
	}
	if (rc == ENS_OK && nheld > 0 && held_out)
		rc = ens_profile_outputs(x, al, held_out, nheld, kk, ENS_PRED_HELD_OUT);
	else if (rc == ENS_OK && nheld == 0 && train_out &&
			 !(m->ext && m->ext->cal.method != ENS_CAL_NONE))
		rc = ens_profile_outputs(x, al, train_out, nref, kk, ENS_PRED_TRAINING);
	else if (rc == ENS_OK)
	{
		out = al->alloc(al->ctx, sizeof(double) * (size_t) nref * kk);
		if (out == NULL)
			rc = ENS_ENOMEM;
		for (i = 0; rc == ENS_OK && i < nref; i++)
		{
			if ((i & 1023) == 1023 && intr && intr(intr_arg))
				rc = ENS_EINTR;
			else
			{
				/* every row, or ntr / nref apart */
				uint32_t	r = nheld > 0 ? i : ens_profile_ref(i, ntr, nref);

				ens_predict_binned(m, X + (size_t) ref[r] * p, out + (size_t) i * kk);
			}
		}
		if (rc == ENS_OK)
			rc = ens_profile_outputs(x, al, out, nref, kk,
									 nheld > 0 ? ENS_PRED_HELD_OUT : ENS_PRED_TRAINING);
	}
	if (out)
		al->free(al->ctx, out);
	if (rc != ENS_OK)
	{
		ens_ext_free(x, al);
		return rc;
	}
	/* a calibrator and a threshold stay (the old extras with them) */
	if (m->ext)
	{
		x->cal = m->ext->cal;
		x->has_threshold = m->ext->has_threshold;
		x->thr_class = m->ext->thr_class;
		x->threshold = m->ext->threshold;
		x->keep = m->ext;
	}
	m->ext = x;
	return ENS_OK;
}
