/*
 * forest_oob.c - out-of-bag calibration of a random forest (PG-free):
 * train_forest(calibration => 'isotonic' | 'sigmoid') and the same params
 * key of forest_agg, cross_validate and tune.
 *
 * Every tree leaves about a third of the training rows out of its bootstrap
 * sample (Breiman 2001); a row's out-of-bag probabilities (forest_train's
 * ForestOob: the mean over the trees that did not see it) are as honest as
 * those of held-out rows, so the calibrator is fitted on them with the code
 * calibrate() uses (ensemble_calib.c), one against the rest for more than
 * two classes, and stored as calibrate() stores it.  No training row is
 * given up to calibration, unlike calibrate() on held-out rows; rows that
 * every tree drew are left out.  The probabilities are those of a forest of
 * about a third of the trees, so a larger forest calibrates better (what
 * CalibratedClassifierCV's 5 x 100 trees match is 500 trees).
 */
#include "ensemble.h"

/*
 * Fit m's calibrator (method: ENS_CAL_ISOTONIC or ENS_CAL_SIGMOID) on the
 * out-of-bag probabilities oob of the training rows of d and attach it as
 * m->ext (which must be NULL: a freshly trained model).  On ENS_EINVAL and
 * ENS_ELIMIT, err (may be NULL) says why, for the caller's error.
 */
EnsStatus
forest_oob_calibrate(EnsModel *m, const EnsData *d, const ForestOob *oob, int method,
					 const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
					 EnsError *err)
{
	EnsExtras  *x;
	uint32_t   *act,
				i,
				bad;
	bool		only;
	EnsStatus	rc;

	ens_error_clear(err);
	if (m->ext != NULL || m->task != ENS_CLASSIFICATION || d->cls == NULL)
		return ENS_EINVAL;
	if (oob->n == 0)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_OOB_NO_ROWS, 0, 0, 0);
	act = al->alloc(al->ctx, sizeof(uint32_t) * oob->n);
	x = ens_ext_new(al);
	if (act == NULL || x == NULL)
	{
		if (act)
			al->free(al->ctx, act);
		ens_ext_free(x, al);
		return ENS_ENOMEM;
	}
	for (i = 0; i < oob->n; i++)
		act[i] = d->cls[oob->rows[i]];
	rc = ens_calib_fit(x, m, oob->n, oob->proba, act, method, al, intr, intr_arg, &bad, &only);
	al->free(al->ctx, act);
	if (rc == ENS_EINVAL && bad != UINT32_MAX)
		/* the class by its position (from 1) among the model's, never its label */
		ens_error_set(err, rc, only ? ENS_ERR_OOB_ONE_CLASS : ENS_ERR_OOB_MISSING_CLASS,
					  (int64_t) bad + 1, m->n_classes, 0);
	else if (rc == ENS_ELIMIT)
		ens_error_set(err, rc, ENS_ERR_OOB_KNOTS, ENS_MAX_KNOTS, 0, 0);
	if (rc != ENS_OK)
	{
		ens_ext_free(x, al);
		return rc;
	}
	m->ext = x;
	return ENS_OK;
}
