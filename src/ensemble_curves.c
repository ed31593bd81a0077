/*
 * ensemble_curves.c - probability quality and decision thresholds
 * (PG-free): Brier score, expected calibration error, reliability bins,
 * ROC and precision-recall points, and the threshold rules.
 *
 * Definitions:
 *   - Brier score: two classes, the mean of (p - y)^2 for the second class
 *     (scikit-learn's brier_score_loss); more classes, the mean over rows of
 *     sum_k (p_k - y_k)^2 (Brier 1950; between 0 and 2).
 *   - Reliability bins: the rows sorted by predicted probability cut into
 *     equal-count bins (row i of n in bin floor(i * bins / n)), except that
 *     a run of equal probabilities is never split: the whole run goes to the
 *     bin of its first row (so a bin may be larger than n / bins, and the
 *     bins after it empty), and the bins depend on the rows, never on their
 *     order; per bin the mean prediction, the observed rate and the
 *     count.  Expected calibration error: sum over bins of
 *     count / n * |mean prediction - observed rate| with 10 bins; two
 *     classes for the second class, more classes the mean over classes
 *     (one against the rest, as the calibrators are fitted).
 *   - Curve points: one per distinct score, from the highest down; a row is
 *     flagged when its score is at least the threshold.
 */
#include "ensemble.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the (score, row) pairs of n scores sorted by score, ties in row order */
static EnsStatus
Sorted(uint32_t n, const double *score, const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
	   EnsScorePos **out)
{
	EnsScorePos *sp = al->alloc(al->ctx, sizeof(EnsScorePos) * (n ? n : 1)),
			   *tmp = al->alloc(al->ctx, sizeof(EnsScorePos) * (n ? n : 1));
	EnsStatus	rc = ENS_ENOMEM;
	uint32_t	i;

	*out = NULL;
	if (sp && tmp)
	{
		for (i = 0; i < n; i++)
		{
			sp[i].s = score[i];
			sp[i].pos = i;
		}
		rc = ens_sort_scores(sp, n, tmp, intr, intr_arg);
	}
	if (tmp)
		al->free(al->ctx, tmp);
	if (rc != ENS_OK && sp)
		al->free(al->ctx, sp);
	if (rc == ENS_OK)
		*out = sp;
	return rc;
}

double
ens_brier(uint32_t n, uint32_t K, const uint32_t *act, const double *proba)
{
	double		sum = 0;
	uint32_t	i,
				k;

	if (n == 0)
		return NAN;
	for (i = 0; i < n; i++)
	{
		const double *p = proba + (size_t) i * K;

		if (K == 2)
		{
			double		d = p[1] - (act[i] == 1 ? 1.0 : 0.0);

			sum += d * d;
			continue;
		}
		for (k = 0; k < K; k++)
		{
			double		d = p[k] - (act[i] == k ? 1.0 : 0.0);

			sum += d * d;
		}
	}
	return sum / n;
}

/*
 * Equal-count reliability bins of one class's scores: mean[b], rate[b],
 * count[b] for b < bins.  A run of equal scores goes whole to the bin of
 * its first row in sorted order, so the bins are the same in any row order;
 * a bin may be empty (n < bins, or a long run before it).
 */
EnsStatus
ens_reliability(uint32_t n, const double *score, const uint8_t *y, uint32_t bins,
				const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
				double *mean, double *rate, uint64_t *count)
{
	EnsScorePos *sp;
	EnsStatus	rc = Sorted(n, score, al, intr, intr_arg, &sp);
	uint32_t	i,
				b;

	if (rc != ENS_OK)
		return rc;
	for (b = 0; b < bins; b++)
	{
		mean[b] = rate[b] = 0;
		count[b] = 0;
	}
	for (i = 0, b = 0; i < n; i++)
	{
		if (i == 0 || sp[i].s != sp[i - 1].s)
			b = (uint32_t) (((uint64_t) i * bins) / n);
		mean[b] += sp[i].s;
		rate[b] += y[sp[i].pos];
		count[b]++;
	}
	for (b = 0; b < bins; b++)
		if (count[b])
		{
			mean[b] /= count[b];
			rate[b] /= count[b];
		}
		else
			mean[b] = rate[b] = NAN;
	al->free(al->ctx, sp);
	return ENS_OK;
}

/* ECE of one class against the rest (10 equal-count bins) */
static EnsStatus
ClassEce(uint32_t n, uint32_t K, uint32_t k, const uint32_t *act, const double *proba,
		 const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg, double *ece)
{
	double	   *s = al->alloc(al->ctx, sizeof(double) * (n ? n : 1)),
				mean[10],
				rate[10];
	uint8_t    *y = al->alloc(al->ctx, n ? n : 1);
	uint64_t	count[10];
	uint32_t	i,
				b;
	EnsStatus	rc = ENS_ENOMEM;

	if (s && y)
	{
		for (i = 0; i < n; i++)
		{
			s[i] = proba[(size_t) i * K + k];
			y[i] = act[i] == k;
		}
		rc = ens_reliability(n, s, y, 10, al, intr, intr_arg, mean, rate, count);
		*ece = 0;
		for (b = 0; rc == ENS_OK && b < 10; b++)
			if (count[b])
				*ece += (double) count[b] / n * fabs(mean[b] - rate[b]);
	}
	if (s)
		al->free(al->ctx, s);
	if (y)
		al->free(al->ctx, y);
	return rc;
}

EnsStatus
ens_ece(uint32_t n, uint32_t K, const uint32_t *act, const double *proba,
		const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg, double *ece)
{
	uint32_t	k;
	double		sum = 0,
				e;

	*ece = NAN;
	if (n == 0)
		return ENS_OK;
	if (K == 2)
		return ClassEce(n, K, 1, act, proba, al, intr, intr_arg, ece);
	for (k = 0; k < K; k++)
	{
		EnsStatus	rc = ClassEce(n, K, k, act, proba, al, intr, intr_arg, &e);

		if (rc != ENS_OK)
			return rc;
		sum += e;
	}
	*ece = sum / K;
	return ENS_OK;
}

/*
 * Curve points of scores against y: for each distinct score from the
 * highest, the rows flagged at that threshold (score >= it) and how many
 * are positive.  thr, flagged, tp hold up to n entries; returns how many.
 */
EnsStatus
ens_curve(uint32_t n, const double *score, const uint8_t *y, const EnsAlloc *al,
		  EnsInterruptFn intr, void *intr_arg,
		  double *thr, uint64_t *flagged, uint64_t *tp, uint32_t *npoints)
{
	EnsScorePos *sp;
	EnsStatus	rc = Sorted(n, score, al, intr, intr_arg, &sp);
	uint32_t	i,
				np = 0;
	uint64_t	f = 0,
				t = 0;

	if (rc != ENS_OK)
		return rc;
	for (i = n; i-- > 0;)
	{
		f++;
		t += y[sp[i].pos];
		if (i == 0 || sp[i - 1].s != sp[i].s)
		{
			thr[np] = sp[i].s;
			flagged[np] = f;
			tp[np] = t;
			np++;
		}
	}
	*npoints = np;
	al->free(al->ctx, sp);
	return ENS_OK;
}

/*
 * A threshold by rule over curve points (pos: positive rows, n: rows):
 *   ENS_RULE_MAX_F1      the highest F1 (the higher threshold on ties); none
 *                        when no row is positive (every F1 is 0)
 *   ENS_RULE_RECALL      the highest threshold with recall >= x
 *   ENS_RULE_PRECISION   the lowest threshold with precision >= x
 *   ENS_RULE_TOP_K       the score of the x-th highest row
 * Returns the point's index, or -1 when no point qualifies.
 */
int64_t
ens_threshold_rule(int rule, double x, const double *thr, const uint64_t *flagged,
				   const uint64_t *tp, uint32_t np, uint64_t pos)
{
	uint32_t	j;
	int64_t		best = -1;
	double		bestf = 0;		/* max_f1: none when no row is positive */

	for (j = 0; j < np; j++)
	{
		double		prec = (double) tp[j] / flagged[j],
					rec = pos ? (double) tp[j] / pos : 0,
					f1 = tp[j] ? 2.0 * tp[j] / (flagged[j] + pos) : 0;

		switch (rule)
		{
			case ENS_RULE_MAX_F1:
				if (f1 > bestf)
				{
					bestf = f1;
					best = j;
				}
				break;
			case ENS_RULE_RECALL:
				if (best < 0 && rec >= x)
					best = j;
				break;
			case ENS_RULE_PRECISION:
				if (prec >= x)
					best = j;
				break;
			case ENS_RULE_TOP_K:
				if (best < 0 && (double) flagged[j] >= x)
					best = j;
				break;
		}
	}
	/* fewer rows than k: every row */
	if (rule == ENS_RULE_TOP_K && best < 0 && np > 0)
		best = np - 1;
	(void) thr;
	return best;
}
