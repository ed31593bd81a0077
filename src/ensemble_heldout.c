/*
 * ensemble_heldout.c - a model's passes over rows already read and binned
 * (PG-free): every row's outputs, and the mean TreeSHAP contribution of
 * each feature.  model_heldout.c and model_importance.c read the rows and
 * pass ens_pg_interrupt; test/fuzz/poll_check.c counts the polls.
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

/*
 * out (n x K probabilities, or n values) of the n rows of X (n x
 * n_features bins), calibrated unless raw.  A row takes a few microseconds:
 * a poll before every 1,024th row, the first included.
 */
EnsStatus
ens_predict_binned_rows(const EnsModel *m, const uint8_t *X, uint32_t n, bool raw, double *out,
						EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1,
				p = m->n_features,
				i;

	for (i = 0; i < n; i++)
	{
		if ((i & 1023) == 0 && intr && intr(intr_arg))
			return ENS_EINTR;
		if (raw)
			ens_predict_raw(m, X + (size_t) i * p, out + (size_t) i * kk);
		else
			ens_predict_binned(m, X + (size_t) i * p, out + (size_t) i * kk);
	}
	return ENS_OK;
}

/*
 * The mean absolute (mabs) and mean signed (msum) contribution of each
 * feature over the n > 0 rows of X, to output k of every row or (k < 0) to
 * the class predict() returns for it (a regression's one output).  A row
 * takes about 1 us per tree: a poll before every row, and ens_shap_row's
 * own every 64 trees.  phi: n_features doubles of scratch.
 */
EnsStatus
ens_shap_means(EnsShap *plan, const EnsModel *m, const uint8_t *X, uint32_t n, int64_t k,
			   double *phi, double *mabs, double *msum, EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	p = m->n_features,
				i,
				f;
	double		out[ENS_MAX_CLASSES];
	EnsStatus	rc;

	memset(mabs, 0, sizeof(double) * p);
	memset(msum, 0, sizeof(double) * p);
	for (i = 0; i < n; i++)
	{
		const uint8_t *xb = X + (size_t) i * p;
		uint32_t	c = k < 0 ? 0 : (uint32_t) k;

		if (intr && intr(intr_arg))
			return ENS_EINTR;
		if (m->task == ENS_CLASSIFICATION && k < 0)
		{
			ens_predict_binned(m, xb, out);
			c = ens_predicted_class(m, out);
		}
		if ((rc = ens_shap_row(plan, xb, c, phi, intr, intr_arg)) != ENS_OK)
			return rc;
		for (f = 0; f < p; f++)
		{
			mabs[f] += fabs(phi[f]);
			msum[f] += phi[f];
		}
	}
	for (f = 0; f < p; f++)
	{
		mabs[f] = n ? mabs[f] / n : NAN;
		msum[f] = n ? msum[f] / n : NAN;
	}
	return ENS_OK;
}
