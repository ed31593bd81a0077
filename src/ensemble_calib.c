/*
 * ensemble_calib.c - probability calibration (PG-free): fitting an
 * isotonic or a sigmoid calibrator on held-out rows and applying it.
 *
 * As scikit-learn's CalibratedClassifierCV: two classes calibrate the
 * second class's probability (the first is 1 minus it); more classes
 * calibrate each class against the rest and renormalise (uniform when
 * every calibrated probability is 0).
 *
 * Isotonic (Zadrozny & Elkan 2002): pool-adjacent-violators on the rows
 * sorted by raw probability (equal probabilities first averaged), knots
 * kept where the fitted value changes, linear interpolation between knots
 * and the end values beyond them (scikit-learn's IsotonicRegression with
 * out_of_bounds='clip').  Sigmoid (Platt 1999): p = 1 / (1 + exp(a f + b))
 * fitted by Newton's method with backtracking (Lin, Lin & Weng 2007) on
 * Platt's smoothed targets (n+ + 1) / (n+ + 2) and 1 / (n- + 2).  The score
 * f is, as in scikit-learn (decision_function where a model has one, else
 * predict_proba), a boosted model's log-odds (of the raw probability,
 * clipped to [1e-9, 1 - 1e-9]) and a forest's probability itself.  On
 * log-odds a = -1, b = 0 leaves the probabilities as they are: a sigmoid of
 * a boosted model's probability made an already well-calibrated model
 * worse on its own calibration rows.  A forest's probabilities pile up at
 * exactly 0 and 1, which log-odds would send to the clip, far from the rest.
 */
#include "ensemble.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Isotonic fit of y (0/1) on s: knots into kx, ky (at most n each, caller
 * allocated); *nk gets their count.
 */
EnsStatus
ens_isotonic_fit(const double *s, const uint8_t *y, uint32_t n, const EnsAlloc *al,
				 EnsInterruptFn intr, void *intr_arg, double *kx, double *ky, uint32_t *nk)
{
	EnsScorePos *sy,
			   *tmp;
	double	   *val,
			   *wt;
	uint32_t	i,
				nu = 0,
				nb = 0,
				j,
				out = 0;
	uint32_t   *blk_end;
	double		prev;
	EnsStatus	rc = ENS_ENOMEM;

	*nk = 0;
	if (n == 0)
		return ENS_EINVAL;
	sy = al->alloc(al->ctx, sizeof(EnsScorePos) * n);
	tmp = al->alloc(al->ctx, sizeof(EnsScorePos) * n);
	val = al->alloc(al->ctx, sizeof(double) * n);
	wt = al->alloc(al->ctx, sizeof(double) * n);
	blk_end = al->alloc(al->ctx, sizeof(uint32_t) * n);
	if (sy && tmp && val && wt && blk_end)
	{
		for (i = 0; i < n; i++)
		{
			sy[i].s = s[i];
			sy[i].pos = i;
		}
		rc = ens_sort_scores(sy, n, tmp, intr, intr_arg);
	}
	if (rc != ENS_OK)
	{
		void	   *p[5] = {sy, tmp, val, wt, blk_end};

		for (i = 0; i < 5; i++)
			if (p[i])
				al->free(al->ctx, p[i]);
		return rc;
	}
	/* equal scores: one point with their mean */
	for (i = 0; i < n; i++)
	{
		if (nu > 0 && kx[nu - 1] == sy[i].s)
		{
			val[nu - 1] += y[sy[i].pos];
			wt[nu - 1] += 1;
			continue;
		}
		kx[nu] = sy[i].s;
		val[nu] = y[sy[i].pos];
		wt[nu] = 1;
		nu++;
	}
	for (i = 0; i < nu; i++)
		val[i] /= wt[i];
	/* pool adjacent violators: blocks of points with their weighted mean */
	for (i = 0; i < nu; i++)
	{
		double		v = val[i],
					w = wt[i];

		while (nb > 0 && val[nb - 1] >= v)
		{
			v = (val[nb - 1] * wt[nb - 1] + v * w) / (wt[nb - 1] + w);
			w += wt[nb - 1];
			nb--;
		}
		val[nb] = v;
		wt[nb] = w;
		blk_end[nb++] = i;
	}
	for (j = 0, i = 0; j < nb; j++)
		for (; i <= blk_end[j]; i++)
			ky[i] = val[j] < 0 ? 0 : val[j] > 1 ? 1 : val[j];
	/* keep the ends and every point where the value changes */
	for (i = 0, prev = 0; i < nu; i++)
	{
		double		cur = ky[i];
		bool		keep = i == 0 || i + 1 == nu || prev != cur || cur != ky[i + 1];

		prev = cur;
		if (keep)
		{
			kx[out] = kx[i];
			ky[out] = cur;
			out++;
		}
	}
	*nk = out;
	al->free(al->ctx, sy);
	al->free(al->ctx, tmp);
	al->free(al->ctx, val);
	al->free(al->ctx, wt);
	al->free(al->ctx, blk_end);
	return ENS_OK;
}

/* Platt's objective at (a, b) */
#define CAL_EPS 1e-9

static double
LogOdds(double p)
{
	p = p < CAL_EPS ? CAL_EPS : p > 1 - CAL_EPS ? 1 - CAL_EPS : p;
	return log(p / (1 - p));
}

static double
PlattLoss(const double *f, const double *t, uint32_t n, double a, double b)
{
	double		sum = 0;
	uint32_t	i;

	for (i = 0; i < n; i++)
	{
		double		z = f[i] * a + b;

		sum += z >= 0 ? t[i] * z + log1p(exp(-z)) : (t[i] - 1) * z + log1p(exp(z));
	}
	return sum;
}

/*
 * Sigmoid fit of y (0/1) on the raw probabilities s:
 * p = 1 / (1 + exp(a f + b)), f = LogOdds(s) when log_odds, else s.
 */
EnsStatus
ens_sigmoid_fit(const double *s, const uint8_t *y, uint32_t n, bool log_odds,
				const EnsAlloc *al, double *a_out, double *b_out)
{
	double	   *t = al->alloc(al->ctx, sizeof(double) * 2 * (n ? n : 1)),
			   *f;
	EnsScorePos *sp = al->alloc(al->ctx, sizeof(EnsScorePos) * 2 * (n ? n : 1));
	double		n1 = 0,
				n0,
				a = 0,
				b,
				loss;
	uint32_t	i,
				j;
	int			it;
	EnsStatus	rc;

	if (t == NULL || sp == NULL)
	{
		if (t)
			al->free(al->ctx, t);
		if (sp)
			al->free(al->ctx, sp);
		return ENS_ENOMEM;
	}
	f = t + (n ? n : 1);
	for (i = 0; i < n; i++)
		n1 += y[i];
	n0 = n - n1;

	/*
	 * The sums below run over the rows by score, and within equal scores
	 * the negatives first: the fit (rounding included) then depends on the
	 * rows' contents only, not on the order a scan returned them in.
	 */
	for (i = 0; i < n; i++)
	{
		sp[i].s = s[i];
		sp[i].pos = i;
	}
	rc = ens_sort_scores(sp, n, sp + n, NULL, NULL);
	if (rc != ENS_OK)
	{
		al->free(al->ctx, t);
		al->free(al->ctx, sp);
		return rc;
	}
	for (i = 0; i < n; i = j)
	{
		uint32_t	neg = 0,
					r;

		for (j = i; j < n && sp[j].s == sp[i].s; j++)
			neg += !y[sp[j].pos];
		for (r = i; r < j; r++)
		{
			t[r] = r - i >= neg ? (n1 + 1) / (n1 + 2) : 1 / (n0 + 2);
			f[r] = log_odds ? LogOdds(sp[r].s) : sp[r].s;
		}
	}
	al->free(al->ctx, sp);
	b = log((n0 + 1) / (n1 + 1));
	loss = PlattLoss(f, t, n, a, b);
	for (it = 0; it < 100; it++)
	{
		double		h11 = 1e-12,
					h22 = 1e-12,
					h21 = 0,
					g1 = 0,
					g2 = 0,
					det,
					da,
					db,
					gd,
					step;

		for (i = 0; i < n; i++)
		{
			double		z = f[i] * a + b,
						p,
						q,
						d2,
						d1;

			if (z >= 0)
			{
				p = exp(-z) / (1 + exp(-z));
				q = 1 / (1 + exp(-z));
			}
			else
			{
				p = 1 / (1 + exp(z));
				q = exp(z) / (1 + exp(z));
			}
			d2 = p * q;
			h11 += f[i] * f[i] * d2;
			h22 += d2;
			h21 += f[i] * d2;
			d1 = t[i] - p;
			g1 += f[i] * d1;
			g2 += d1;
		}
		if (fabs(g1) < 1e-5 && fabs(g2) < 1e-5)
			break;
		det = h11 * h22 - h21 * h21;
		da = -(h22 * g1 - h21 * g2) / det;
		db = -(-h21 * g1 + h11 * g2) / det;
		gd = g1 * da + g2 * db;
		for (step = 1; step >= 1e-10; step /= 2)
		{
			double		na = a + step * da,
						nb = b + step * db,
						nl = PlattLoss(f, t, n, na, nb);

			if (nl < loss + 1e-4 * step * gd)
			{
				a = na;
				b = nb;
				loss = nl;
				break;
			}
		}
		if (step < 1e-10)
			break;
	}
	al->free(al->ctx, t);
	if (!isfinite(a) || !isfinite(b))
		return ENS_EINVAL;
	*a_out = a;
	*b_out = b;
	return ENS_OK;
}

/*
 * Calibrators of model m into x->cal, fitted on n rows: raw (n x K) are the
 * trees' own probabilities, act the rows' labels (a label >= K, unknown to
 * the model, counts as another class).  One calibrator per class (two
 * classes: one, for the second).  ENS_EINVAL when a calibrated class has no
 * row (*bad = the class, *only = false) or only rows of its own (*only =
 * true); ENS_ELIMIT when the isotonic knots pass ENS_MAX_KNOTS.  Scratch
 * is freed on every path; what went into x is freed with x.
 */
EnsStatus
ens_calib_fit(EnsExtras *x, const EnsModel *m, uint32_t n, const double *raw,
			  const uint32_t *act, int method, const EnsAlloc *al,
			  EnsInterruptFn intr, void *intr_arg, uint32_t *bad, bool *only)
{
	EnsCalib   *c = &x->cal;
	uint32_t	K = m->n_classes,
				ncal = K == 2 ? 1 : K,
				total = 0,
				j,
				i;
	/* every class's knots, before they are copied into x at their size */
	uint64_t	cap = (uint64_t) ncal * n < ENS_MAX_KNOTS ? (uint64_t) ncal * n : ENS_MAX_KNOTS;
	bool		iso = method == ENS_CAL_ISOTONIC;
	double	   *s = al->alloc(al->ctx, sizeof(double) * (n ? n : 1)),
			   *kx = iso ? al->alloc(al->ctx, sizeof(double) * (n ? n : 1)) : NULL,
			   *ky = iso ? al->alloc(al->ctx, sizeof(double) * (n ? n : 1)) : NULL,
			   *allx = iso ? al->alloc(al->ctx, sizeof(double) * (cap ? cap : 1)) : NULL,
			   *ally = iso ? al->alloc(al->ctx, sizeof(double) * (cap ? cap : 1)) : NULL;
	uint8_t    *y = al->alloc(al->ctx, n ? n : 1);
	void	   *scratch[6] = {s, kx, ky, allx, ally, y};
	EnsStatus	rc = ENS_OK;

	*bad = UINT32_MAX;
	*only = false;
	if (!s || !y || (iso && (!kx || !ky || !allx || !ally)))
		rc = ENS_ENOMEM;
	c->method = (uint8_t) method;
	c->n = ncal;
	c->ab = ens_ext_alloc(x, al, sizeof(double) * 2 * ncal);
	c->off = ens_ext_alloc(x, al, sizeof(uint32_t) * (ncal + 1));
	if (c->ab == NULL || c->off == NULL)
		rc = ENS_ENOMEM;
	for (j = 0; rc == ENS_OK && j < ncal; j++)
	{
		uint32_t	k = K == 2 ? 1 : j,
					npos = 0,
					nk;

		if (intr && intr(intr_arg))
		{
			rc = ENS_EINTR;
			break;
		}
		for (i = 0; i < n; i++)
		{
			s[i] = raw[(size_t) i * K + k];
			y[i] = act[i] == k;
			npos += y[i];
		}
		/* a calibrator that never saw the class (or only it) is a constant */
		if (npos == 0 || npos == n)
		{
			*bad = k;
			*only = npos == n;
			rc = ENS_EINVAL;
			break;
		}
		if (!iso)
		{
			rc = ens_sigmoid_fit(s, y, n, ENS_SIGMOID_LOG_ODDS(m), al, &c->ab[2 * j],
								 &c->ab[2 * j + 1]);
			continue;
		}
		rc = ens_isotonic_fit(s, y, n, al, intr, intr_arg, kx, ky, &nk);
		if (rc == ENS_OK && (uint64_t) total + nk > cap)
			rc = ENS_ELIMIT;
		if (rc != ENS_OK)
			break;
		memcpy(allx + total, kx, sizeof(double) * nk);
		memcpy(ally + total, ky, sizeof(double) * nk);
		total += nk;
		c->off[j + 1] = total;
	}
	if (rc == ENS_OK && iso)
	{
		c->kx = ens_ext_alloc(x, al, sizeof(double) * total);
		c->ky = ens_ext_alloc(x, al, sizeof(double) * total);
		if (c->kx == NULL || c->ky == NULL)
			rc = ENS_ENOMEM;
		else
		{
			memcpy(c->kx, allx, sizeof(double) * total);
			memcpy(c->ky, ally, sizeof(double) * total);
		}
	}
	for (i = 0; i < 6; i++)
		if (scratch[i])
			al->free(al->ctx, scratch[i]);
	if (rc != ENS_OK)
		c->method = ENS_CAL_NONE;
	return rc;
}

/* one calibrator applied to a raw probability */
static double
CalibrateOne(const EnsCalib *c, uint32_t j, double p, bool log_odds)
{
	const double *kx,
			   *ky;
	uint32_t	n,
				lo,
				hi;

	if (c->method == ENS_CAL_SIGMOID)
		return 1.0 / (1.0 + exp(c->ab[2 * j] * (log_odds ? LogOdds(p) : p) + c->ab[2 * j + 1]));
	kx = c->kx + c->off[j];
	ky = c->ky + c->off[j];
	n = c->off[j + 1] - c->off[j];
	if (!(p > kx[0]))
		return ky[0];
	if (p >= kx[n - 1])
		return ky[n - 1];
	lo = 0;
	hi = n - 1;
	while (hi - lo > 1)
	{
		uint32_t	mid = (lo + hi) / 2;

		if (kx[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return ky[lo] + (ky[hi] - ky[lo]) * (p - kx[lo]) / (kx[hi] - kx[lo]);
}

/*
 * Calibrated probabilities in place (out: n_classes raw probabilities)
 * through calibrator set `set` (0 unless the model is a cross-fitted forest:
 * the set of the fold whose trees gave out).
 */
void
ens_calibrate_set(const EnsModel *m, uint32_t set, double *out)
{
	const EnsCalib *c = &m->ext->cal;
	uint32_t	K = m->n_classes,
				k,
				j = set * (K == 2 ? 1 : K);
	double		s = 0;

	if (K == 2)
	{
		out[1] = CalibrateOne(c, j, out[1], ENS_SIGMOID_LOG_ODDS(m));
		out[0] = 1 - out[1];
		return;
	}
	for (k = 0; k < K; k++)
		s += (out[k] = CalibrateOne(c, j + k, out[k], ENS_SIGMOID_LOG_ODDS(m)));
	for (k = 0; k < K; k++)
		out[k] = s > 0 ? out[k] / s : 1.0 / K;
}

void
ens_calibrate(const EnsModel *m, double *out)
{
	ens_calibrate_set(m, 0, out);
}

/*
 * The calibrators of parts[0..n_parts) (one set each, the same method and
 * classes) as the sets of x's calibrator, in order: a cross-fitted forest's,
 * one per fold.
 */
EnsStatus
ens_calib_join(EnsExtras *x, EnsExtras *const *parts, uint32_t n_parts, const EnsAlloc *al)
{
	EnsCalib   *c = &x->cal;
	const EnsCalib *p0 = &parts[0]->cal;
	uint32_t	per = p0->n,
				total = 0,
				f,
				j;
	bool		iso = p0->method == ENS_CAL_ISOTONIC;

	for (f = 0; f < n_parts; f++)
	{
		if (parts[f]->cal.method != p0->method || parts[f]->cal.n != per)
			return ENS_EINVAL;
		total += iso ? parts[f]->cal.off[per] : 0;
	}
	c->method = p0->method;
	c->n = per * n_parts;
	c->ab = ens_ext_alloc(x, al, sizeof(double) * 2 * c->n);
	c->off = ens_ext_alloc(x, al, sizeof(uint32_t) * (c->n + 1));
	c->kx = iso ? ens_ext_alloc(x, al, sizeof(double) * (total ? total : 1)) : NULL;
	c->ky = iso ? ens_ext_alloc(x, al, sizeof(double) * (total ? total : 1)) : NULL;
	if (!c->ab || !c->off || (iso && (!c->kx || !c->ky)))
	{
		c->method = ENS_CAL_NONE;
		return ENS_ENOMEM;
	}
	c->off[0] = 0;
	for (f = 0; f < n_parts; f++)
	{
		const EnsCalib *p = &parts[f]->cal;

		for (j = 0; j < per; j++)
		{
			uint32_t	to = f * per + j;

			if (!iso)
			{
				c->ab[2 * to] = p->ab[2 * j];
				c->ab[2 * to + 1] = p->ab[2 * j + 1];
				c->off[to + 1] = 0;
				continue;
			}
			c->off[to + 1] = c->off[to] + (p->off[j + 1] - p->off[j]);
			memcpy(c->kx + c->off[to], p->kx + p->off[j], sizeof(double) * (p->off[j + 1] - p->off[j]));
			memcpy(c->ky + c->off[to], p->ky + p->off[j], sizeof(double) * (p->off[j + 1] - p->off[j]));
		}
	}
	return ENS_OK;
}

/*
 * The label under a threshold for class tc: tc when its probability
 * reaches t, else the most probable other class.
 */
uint32_t
ens_threshold_label(const double *proba, uint32_t K, uint32_t tc, double t)
{
	uint32_t	k,
				best = UINT32_MAX;

	if (proba[tc] >= t)
		return tc;
	for (k = 0; k < K; k++)
		if (k != tc && (best == UINT32_MAX || proba[k] > proba[best]))
			best = k;
	return best;
}
