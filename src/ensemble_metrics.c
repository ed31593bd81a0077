/*
 * ensemble_metrics.c - evaluation metrics (PG-free), shared by every learner.
 *
 * Classification: accuracy, macro precision/recall/F1 over the labels that
 * occur as actual or predicted values (scikit-learn's definition, 0 for an
 * undefined ratio), log loss with the true class's probability clipped to
 * [2^-52, 1] (scikit-learn >= 1.2 clips every probability to [2^-52,
 * 1 - 2^-52] and renormalises the row: for rows that add up to 1, as every
 * model's do, the two differ by about (K + 1) * 2^-52 a row at most),
 * ROC AUC by the rank-sum (Mann-Whitney) formula with tied scores given
 * their average rank; binary: the score of the second class; more classes:
 * the macro mean of one-vs-rest AUCs over classes that have both positive
 * and negative rows.  Regression: RMSE, MAE, R^2 (1 - SSE/SST).
 */
#include "ensemble.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef EnsScorePos ScorePos;

static inline uint64_t
ScoreKey(double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	return (u >> 63) ? ~u : (u | (UINT64_C(1) << 63));
}

/*
 * Sort sp[0..n) by score: LSD radix over the 8 bytes of the order-preserving
 * key, skipping bytes every key shares, polling intr between chunks.
 */
static EnsStatus
SortScores(ScorePos *sp, uint32_t n, ScorePos *tmp, EnsInterruptFn intr, void *intr_arg)
{
	int			d;
	uint32_t	i;

	for (d = 0; d < 8; d++)
	{
		uint32_t	h[256];
		uint32_t	sum = 0;

		memset(h, 0, sizeof(h));
		for (i = 0; i < n; i++)
			h[(ScoreKey(sp[i].s) >> (8 * d)) & 0xFF]++;
		if (n == 0 || h[(ScoreKey(sp[0].s) >> (8 * d)) & 0xFF] == n)
			continue;
		for (i = 0; i < 256; i++)
		{
			uint32_t	c = h[i];

			h[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
		{
			if ((i & 65535) == 65535 && intr && intr(intr_arg))
				return ENS_EINTR;
			tmp[h[(ScoreKey(sp[i].s) >> (8 * d)) & 0xFF]++] = sp[i];
		}
		memcpy(sp, tmp, (size_t) n * sizeof(ScorePos));
	}
	return ENS_OK;
}

/* for the calibration metrics and curves (ensemble_curves.c) */
EnsStatus
ens_sort_scores(EnsScorePos *sp, uint32_t n, EnsScorePos *tmp, EnsInterruptFn intr,
				void *intr_arg)
{
	return SortScores(sp, n, tmp, intr, intr_arg);
}

/* AUC of sp[0..n) (sorted in place); NaN if one side is empty */
static double
RankAuc(ScorePos *sp, uint32_t n, ScorePos *tmp, EnsInterruptFn intr, void *intr_arg,
		EnsStatus *rc)
{
	uint64_t	npos = 0,
				nneg;
	double		rsum = 0;
	uint32_t	i = 0;

	*rc = SortScores(sp, n, tmp, intr, intr_arg);
	if (*rc != ENS_OK)
		return NAN;
	for (i = 0; i < n; i++)
		npos += sp[i].pos;
	nneg = n - npos;
	if (npos == 0 || nneg == 0)
		return NAN;
	i = 0;
	while (i < n)
	{
		uint32_t	j = i;
		uint64_t	pos_in_tie = 0;
		double		avg;

		while (j < n && sp[j].s == sp[i].s)
		{
			pos_in_tie += sp[j].pos;
			j++;
		}
		avg = ((double) i + 1 + (double) j) / 2.0;	/* ranks i+1..j */
		rsum += avg * (double) pos_in_tie;
		i = j;
	}
	return (rsum - (double) npos * ((double) npos + 1) / 2.0) /
		((double) npos * (double) nneg);
}

EnsStatus
ens_cls_metrics(uint32_t n, uint32_t k, uint32_t n_labels,
				   const uint32_t *actual, const double *proba,
				   const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
				   EnsClsMetrics *out, uint64_t *confusion)
{
	return ens_cls_metrics_labels(n, k, n_labels, actual, proba, NULL, al, intr, intr_arg,
								  out, confusion);
}

/*
 * As ens_cls_metrics, with the predicted labels given (predicted[i] < k; a
 * version with a chosen threshold labels by it, not by the most probable
 * class); NULL: the most probable class.  Only the label metrics (accuracy,
 * precision, recall, F1, confusion) use them; log loss and AUC read proba.
 */
EnsStatus
ens_cls_metrics_labels(uint32_t n, uint32_t k, uint32_t n_labels,
					   const uint32_t *actual, const double *proba,
					   const uint32_t *predicted,
					   const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
					   EnsClsMetrics *out, uint64_t *confusion)
{
	uint64_t   *conf;
	uint32_t	i,
				l;
	uint64_t	correct = 0;
	double		ll = 0;
	ScorePos   *sp;
	double		psum = 0,
				rsum = 0,
				fsum = 0;
	uint32_t	nl = 0;
	ScorePos   *tmp;
	EnsStatus	rc = ENS_OK;

	out->accuracy = out->precision = out->recall = out->f1 = NAN;
	out->log_loss = out->auc = NAN;
	if (n == 0 || k < 2 || n_labels < k)
		return n == 0 ? ENS_OK : ENS_EINVAL;
	if ((uint64_t) n_labels * k > ENS_MAX_CONFUSION_CELLS)
		return ENS_ELIMIT;
	conf = al->alloc(al->ctx, (size_t) n_labels * k * sizeof(uint64_t));
	if (conf == NULL)
		return ENS_ENOMEM;
	memset(conf, 0, (size_t) n_labels * k * sizeof(uint64_t));
	for (i = 0; i < n; i++)
	{
		const double *pr = proba + (size_t) i * k;
		uint32_t	pred = predicted ? predicted[i] : ens_argmax(pr, k);
		uint32_t	a = actual[i];
		double		pa;

		if ((i & 65535) == 65535 && intr && intr(intr_arg))
		{
			al->free(al->ctx, conf);
			return ENS_EINTR;
		}

		if (a >= n_labels || pred >= k)
		{
			al->free(al->ctx, conf);
			return ENS_EINVAL;
		}
		conf[(size_t) a * k + pred]++;
		if (a == pred)
			correct++;
		pa = a < k ? pr[a] : 0.0;
		if (!(pa > ENS_LOG_LOSS_EPS))
			pa = ENS_LOG_LOSS_EPS;
		if (pa > 1)
			pa = 1;
		ll -= log(pa);
	}
	out->accuracy = (double) correct / n;
	out->log_loss = ll / n;

	for (l = 0; l < n_labels; l++)
	{
		uint64_t	tp = 0,
					fp = 0,
					fn = 0,
					j;
		bool		occurs = false;
		double		prec,
					rec,
					f1;

		for (j = 0; j < k; j++)
		{
			uint64_t	cnt = conf[(size_t) l * k + j];

			if (cnt)
				occurs = true;
			if (j == l)
				tp = cnt;
			else
				fn += cnt;
		}
		if (l < k)
			for (j = 0; j < n_labels; j++)
			{
				uint64_t	cnt = conf[(size_t) j * k + l];

				if (cnt)
					occurs = true;
				if (j != l)
					fp += cnt;
			}
		if (!occurs)
			continue;
		prec = tp + fp ? (double) tp / (double) (tp + fp) : 0;
		rec = tp + fn ? (double) tp / (double) (tp + fn) : 0;
		f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
		psum += prec;
		rsum += rec;
		fsum += f1;
		nl++;
	}
	if (nl)
	{
		out->precision = psum / nl;
		out->recall = rsum / nl;
		out->f1 = fsum / nl;
	}
	if (confusion)
		memcpy(confusion, conf, (size_t) n_labels * k * sizeof(uint64_t));
	al->free(al->ctx, conf);

	sp = al->alloc(al->ctx, (size_t) n * sizeof(ScorePos));
	tmp = sp ? al->alloc(al->ctx, (size_t) n * sizeof(ScorePos)) : NULL;
	if (sp == NULL || tmp == NULL)
	{
		if (sp)
			al->free(al->ctx, sp);
		return ENS_ENOMEM;
	}
	if (k == 2)
	{
		for (i = 0; i < n; i++)
		{
			sp[i].s = proba[(size_t) i * 2 + 1];
			sp[i].pos = actual[i] == 1;
		}
		out->auc = RankAuc(sp, n, tmp, intr, intr_arg, &rc);
	}
	else
	{
		double		s = 0;
		uint32_t	cnt = 0;

		for (l = 0; l < k; l++)
		{
			double		a;

			for (i = 0; i < n; i++)
			{
				sp[i].s = proba[(size_t) i * k + l];
				sp[i].pos = actual[i] == l;
			}
			a = RankAuc(sp, n, tmp, intr, intr_arg, &rc);
			if (rc != ENS_OK)
				break;
			if (!isnan(a))
			{
				s += a;
				cnt++;
			}
		}
		out->auc = cnt ? s / cnt : NAN;
	}
	al->free(al->ctx, tmp);
	al->free(al->ctx, sp);
	return rc;
}

void
ens_reg_metrics(uint32_t n, const double *actual, const double *pred,
				   EnsRegMetrics *out)
{
	double		mean = 0,
				sse = 0,
				sae = 0,
				sst = 0;
	uint32_t	i;

	if (n == 0)
	{
		out->rmse = out->mae = out->r2 = NAN;
		return;
	}
	for (i = 0; i < n; i++)
		mean += actual[i];
	mean /= n;
	for (i = 0; i < n; i++)
	{
		double		e = actual[i] - pred[i];
		double		d = actual[i] - mean;

		sse += e * e;
		sae += fabs(e);
		sst += d * d;
	}
	out->rmse = sqrt(sse / n);
	out->mae = sae / n;
	out->r2 = sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
}
