/*
 * boost_params.c - defaults and the one validation of the boosting
 * parameters (PG-free), called by train_boosting, boost_agg and
 * boost_train alike, so every caller refuses the same values with the
 * same words.  Messages name the SQL argument and never echo data.
 */
#include "boost.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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
	p->balanced = false;
	p->huber_delta = 1.0;
	p->seed = 42;
	p->n_threads = 1;
}

#if defined(__GNUC__) || defined(__clang__)
static EnsStatus Bad(EnsStatus rc, char *msg, size_t msg_len, const char *fmt,...)
			__attribute__((format(printf, 4, 5)));
#endif

static EnsStatus
Bad(EnsStatus rc, char *msg, size_t msg_len, const char *fmt,...)
{
	va_list		ap;

	if (msg && msg_len)
	{
		va_start(ap, fmt);
		vsnprintf(msg, msg_len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* In (0, 1]: false for NaN too. */
static bool
Fraction(double v)
{
	return v > 0 && v <= 1;
}

static EnsStatus
CheckLoss(const BoostParams *p, char *msg, size_t msg_len)
{
	if (p->task == ENS_CLASSIFICATION)
	{
		if (p->objective != ENS_OBJ_NONE && p->objective != ENS_OBJ_LOGISTIC &&
			p->objective != ENS_OBJ_SOFTMAX)
			return Bad(ENS_EINVAL, msg, msg_len,
					   "loss must be logistic or softmax for classification");
		if (p->n_classes != 0 && p->n_classes < 2)
			return Bad(ENS_EINVAL, msg, msg_len, "target must have at least 2 classes");
		if (p->n_classes > ENS_MAX_CLASSES)
			return Bad(ENS_ELIMIT, msg, msg_len, "target must have at most %d classes",
					   ENS_MAX_CLASSES);
		if (p->objective == ENS_OBJ_LOGISTIC && p->n_classes > 2)
			return Bad(ENS_EINVAL, msg, msg_len,
					   "loss logistic needs exactly 2 classes; use softmax");
		return ENS_OK;
	}
	if (p->task != ENS_REGRESSION)
		return Bad(ENS_EINVAL, msg, msg_len, "task must be classification or regression");
	if (p->objective != ENS_OBJ_NONE && p->objective != ENS_OBJ_SQUARED &&
		p->objective != ENS_OBJ_ABSOLUTE && p->objective != ENS_OBJ_HUBER)
		return Bad(ENS_EINVAL, msg, msg_len,
				   "loss must be squared, absolute or huber for regression");
	if (p->objective == ENS_OBJ_HUBER &&
		!(p->huber_delta > 0 && isfinite(p->huber_delta)))
		return Bad(ENS_EINVAL, msg, msg_len, "huber_delta must be a positive number");
	if (p->balanced)
		return Bad(ENS_EINVAL, msg, msg_len,
				   "class_weight applies to classification only");
	return ENS_OK;
}

static EnsStatus
CheckTrees(const BoostParams *p, char *msg, size_t msg_len)
{
	uint32_t	outputs = (p->task == ENS_CLASSIFICATION && p->n_classes > 2) ?
		p->n_classes : 1;

	if (p->n_rounds < 1 || p->n_rounds > BOOST_MAX_ROUNDS)
		return Bad(ENS_EINVAL, msg, msg_len, "n_rounds must be between 1 and %d",
				   BOOST_MAX_ROUNDS);
	if ((uint64_t) p->n_rounds * outputs > ENS_MAX_TREES)
		return Bad(ENS_ELIMIT, msg, msg_len,
				   "n_rounds times the number of classes must be at most %d trees",
				   ENS_MAX_TREES);
	if (p->max_depth < 0 || p->max_depth > BOOST_MAX_DEPTH)
		return Bad(ENS_EINVAL, msg, msg_len, "max_depth must be between 1 and %d",
				   BOOST_MAX_DEPTH);
	if (p->max_leaves != 0 && (p->max_leaves < 2 || p->max_leaves > BOOST_MAX_LEAVES))
		return Bad(ENS_EINVAL, msg, msg_len, "max_leaves must be between 2 and %d",
				   BOOST_MAX_LEAVES);
	if (p->max_depth == 0 && p->max_leaves == 0)
		return Bad(ENS_EINVAL, msg, msg_len,
				   "max_depth must be between 1 and %d unless max_leaves is set",
				   BOOST_MAX_DEPTH);
	if (!(p->min_child_weight >= 0) || !isfinite(p->min_child_weight))
		return Bad(ENS_EINVAL, msg, msg_len,
				   "min_child_weight must be a non-negative number");
	if (!(p->l2 >= 0) || !isfinite(p->l2))
		return Bad(ENS_EINVAL, msg, msg_len, "l2 must be a non-negative number");
	return ENS_OK;
}

EnsStatus
boost_params_check(const BoostParams *p, char *msg, size_t msg_len)
{
	EnsStatus	rc;

	if (msg && msg_len)
		msg[0] = '\0';
	if ((rc = CheckLoss(p, msg, msg_len)) != ENS_OK ||
		(rc = CheckTrees(p, msg, msg_len)) != ENS_OK)
		return rc;
	if (!Fraction(p->learning_rate))
		return Bad(ENS_EINVAL, msg, msg_len,
				   "learning_rate must be greater than 0 and at most 1");
	if (!Fraction(p->subsample))
		return Bad(ENS_EINVAL, msg, msg_len,
				   "subsample must be greater than 0 and at most 1");
	if (!Fraction(p->colsample))
		return Bad(ENS_EINVAL, msg, msg_len,
				   "colsample must be greater than 0 and at most 1");
	if (p->early_stopping_rounds < 0 || p->early_stopping_rounds > BOOST_MAX_ROUNDS)
		return Bad(ENS_EINVAL, msg, msg_len,
				   "early_stopping_rounds must be between 1 and %d", BOOST_MAX_ROUNDS);
	if (p->n_threads < 1 || p->n_threads > BOOST_MAX_THREADS)
		return Bad(ENS_EINVAL, msg, msg_len, "threads must be between 1 and %d",
				   BOOST_MAX_THREADS);
	return ENS_OK;
}
