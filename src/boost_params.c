/*
 * boost_params.c - defaults and the one validation of the boosting
 * parameters (PG-free), called by train_boosting, boost_agg and
 * boost_train alike, so every caller refuses the same values with the
 * same words.  Errors name the SQL argument (EnsError: the words are
 * ensemble_error_pg.c's) and never echo data.
 */
#include "boost.h"

#include <math.h>
#include <string.h>

void
boost_params_default(BoostParams *p)
{
	memset(p, 0, sizeof(*p));
	p->task = ENS_CLASSIFICATION;
	p->objective = ENS_OBJ_NONE;
	p->n_rounds = 300;
	p->learning_rate = 0.1;
	p->max_depth = 6;
	p->max_leaves = 0;
	p->min_child_weight = 1.0;
	p->l2 = 1.0;
	p->subsample = 1.0;
	p->colsample = 1.0;
	p->early_stopping_rounds = 0;
	p->huber_delta = 1.0;
	p->seed = 42;
	p->n_threads = 1;
}

/* In (0, 1]: false for NaN too. */
static bool
Fraction(double v)
{
	return v > 0 && v <= 1;
}

static EnsStatus
CheckLoss(const BoostParams *p, EnsError *err)
{
	if (p->task == ENS_CLASSIFICATION)
	{
		if (p->objective != ENS_OBJ_NONE && p->objective != ENS_OBJ_LOGISTIC &&
			p->objective != ENS_OBJ_SOFTMAX)
			return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_CLASS_LOSS, 0, 0, 0);
		if (p->n_classes != 0 && p->n_classes < 2)
			return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_FEW_CLASSES, 0, 0, 0);
		if (p->n_classes > ENS_MAX_CLASSES)
			return ens_error_set(err, ENS_ELIMIT, ENS_ERR_BOOST_MANY_CLASSES, ENS_MAX_CLASSES, 0, 0);
		if (p->objective == ENS_OBJ_LOGISTIC && p->n_classes > 2)
			return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_LOGISTIC_CLASSES, 0, 0, 0);
		return ENS_OK;
	}
	if (p->task != ENS_REGRESSION)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_TASK, 0, 0, 0);
	if (p->objective != ENS_OBJ_NONE && p->objective != ENS_OBJ_SQUARED &&
		p->objective != ENS_OBJ_ABSOLUTE && p->objective != ENS_OBJ_HUBER)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_REGRESSION_LOSS, 0, 0, 0);
	if (p->objective == ENS_OBJ_HUBER &&
		!(p->huber_delta > 0 && isfinite(p->huber_delta)))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_HUBER_DELTA, 0, 0, 0);
	return ens_class_weight_check(&p->class_weight, p->task, err);
}

static EnsStatus
CheckTrees(const BoostParams *p, EnsError *err)
{
	uint32_t	outputs = (p->task == ENS_CLASSIFICATION && p->n_classes > 2) ?
		p->n_classes : 1;

	if (p->n_rounds < 1 || p->n_rounds > BOOST_MAX_ROUNDS)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_N_ROUNDS, BOOST_MAX_ROUNDS, 0, 0);
	if ((uint64_t) p->n_rounds * outputs > ENS_MAX_TREES)
		return ens_error_set(err, ENS_ELIMIT, ENS_ERR_BOOST_ROUND_TREES, ENS_MAX_TREES, 0, 0);
	if (p->max_depth < 0 || p->max_depth > BOOST_MAX_DEPTH)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_MAX_DEPTH, BOOST_MAX_DEPTH, 0, 0);
	if (p->max_leaves != 0 && (p->max_leaves < 2 || p->max_leaves > BOOST_MAX_LEAVES))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_MAX_LEAVES, BOOST_MAX_LEAVES, 0, 0);
	if (p->max_depth == 0 && p->max_leaves == 0)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_DEPTH_OR_LEAVES, BOOST_MAX_DEPTH, 0, 0);
	if (!(p->min_child_weight >= 0) || !isfinite(p->min_child_weight))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_MIN_CHILD_WEIGHT, 0, 0, 0);
	if (!(p->l2 >= 0) || !isfinite(p->l2))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_L2, 0, 0, 0);
	return ENS_OK;
}

EnsStatus
boost_params_check(const BoostParams *p, EnsError *err)
{
	EnsStatus	rc;

	ens_error_clear(err);
	if ((rc = CheckLoss(p, err)) != ENS_OK ||
		(rc = CheckTrees(p, err)) != ENS_OK)
		return rc;
	if (!Fraction(p->learning_rate))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_LEARNING_RATE, 0, 0, 0);
	if (!Fraction(p->subsample))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_SUBSAMPLE, 0, 0, 0);
	if (!Fraction(p->colsample))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_COLSAMPLE, 0, 0, 0);
	if (p->early_stopping_rounds < 0 || p->early_stopping_rounds > BOOST_MAX_ROUNDS)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_EARLY_STOPPING, BOOST_MAX_ROUNDS, 0, 0);
	if (p->n_threads < 1 || p->n_threads > BOOST_MAX_THREADS)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_BOOST_THREADS, BOOST_MAX_THREADS, 0, 0);
	return ENS_OK;
}
