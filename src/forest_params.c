/*
 * forest_params.c - the random forest's parameters: defaults and the one
 * validator that train_forest's arguments and the params keys of
 * forest_agg, cross_validate and tune all go through (PG-free).
 */
#include "ensemble.h"
#include "ensemble_params.h"

#include <math.h>
#include <string.h>

const char *const forest_param_names =
"n_trees, max_depth, min_samples_leaf, max_features, class_weight, sample_fraction, calibration, calibration_folds";

void
forest_params_default(ForestParams *p)
{
	memset(p, 0, sizeof(*p));
	p->n_trees = 100;
	p->max_depth = 0;
	p->min_samples_leaf = 1;
	p->max_features = 0;
	p->sample_fraction = 1.0;
	p->seed = 42;
}

static bool
IsInt(const EnsValue *v, double lo, double hi)
{
	return v->type == ENS_V_NUMBER && v->num >= lo && v->num <= hi &&
		v->num == floor(v->num);
}

/* a bad value: what it must be, an id of ENS_PARAM_WHYS (ensemble_params.h) */
#define WHY(id, n) ens_param_why(why, ENS_PARAM_BAD, id, n)

/* deeper than any tree that fits in memory; NULL means no limit */
#define FOREST_MAX_DEPTH 100000

/*
 * class_weight, for the forest and boosting alike: NULL, 'balanced', or an
 * object of labels to weights, each a positive finite number.  A wrong
 * entry is named by its key: NaN stands for a value that is not a number
 * (JSON has no NaN), a number beyond a double arrives as an infinity and
 * one below its smallest as 0, both out of range.  The labels are checked
 * against the classes once the rows are read.
 */
EnsParamResult
ens_class_weight_set(EnsClassWeight *cw, const EnsValue *v, EnsParamWhy *why)
{
	uint32_t	i;

	memset(cw, 0, sizeof(*cw));
	if (v->type == ENS_V_NULL)
		return ENS_PARAM_OK;
	if (v->type == ENS_V_STRING && strcmp(v->str, "balanced") == 0)
	{
		cw->balanced = true;
		return ENS_PARAM_OK;
	}
	if (v->type != ENS_V_OBJECT || v->n == 0)
		return WHY(ENS_WHY_CLASS_WEIGHT, ENS_MAX_CLASS_WEIGHT);
	for (i = 0; i < v->n; i++)
	{
		EnsParamResult r;

		if (isnan(v->nums[i]))
			r = WHY(ENS_WHY_CLASS_WEIGHT_NOT_NUMBER, 0);
		else if (!(v->nums[i] > 0 && v->nums[i] <= ENS_MAX_CLASS_WEIGHT))
			r = WHY(ENS_WHY_CLASS_WEIGHT_RANGE, ENS_MAX_CLASS_WEIGHT);
		else
			continue;
		why->entry = v->keys[i];
		return r;
	}
	cw->n = v->n;
	cw->labels = v->keys;
	cw->weights = v->nums;
	cw->json = v->str;
	return ENS_PARAM_OK;
}

/*
 * class_weight against the task, for the forest and boosting alike: a
 * regression ('regression' asked for, or what 'auto' resolved to) refuses
 * class_weight, 'balanced' or an object.  task 0 ('auto' before the rows
 * are read) passes: the training set decides it (ens_class_weight_resolve).
 * So an explicit task is refused before any row is read.
 */
EnsStatus
ens_class_weight_check(const EnsClassWeight *cw, int task, EnsError *err)
{
	if (task == ENS_REGRESSION && (cw->balanced || cw->n))
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_CLASS_WEIGHT_REGRESSION, 0, 0, 0);
	return ENS_OK;
}

/*
 * Sets one parameter.  NULL keeps the default (max_depth NULL: unlimited).
 * On ENS_PARAM_BAD / ENS_PARAM_LIMIT, why holds what the value must be (an
 * id of ENS_PARAM_WHYS and the allowed range's figure), so a value over a
 * limit does not read as a wrong sign or type.
 */
EnsParamResult
forest_param_set(ForestParams *p, const char *key, const EnsValue *v, EnsParamWhy *why)
{
	if (strcmp(key, "n_trees") == 0)
	{
		if (v->type == ENS_V_NULL)
			return WHY(ENS_WHY_N_TREES_NULL, ENS_MAX_TREES);
		if (v->type == ENS_V_NUMBER && v->num > ENS_MAX_TREES && v->num == floor(v->num))
			return ens_param_why(why, ENS_PARAM_LIMIT, ENS_WHY_AT_MOST, ENS_MAX_TREES);
		if (!IsInt(v, 1, ENS_MAX_TREES))
			return WHY(ENS_WHY_INT_FROM_1, ENS_MAX_TREES);
		p->n_trees = (int) v->num;
	}
	else if (strcmp(key, "max_depth") == 0)
	{
		if (v->type == ENS_V_NULL)
			p->max_depth = 0;
		else if (!IsInt(v, 1, FOREST_MAX_DEPTH))
			return WHY(ENS_WHY_FOREST_MAX_DEPTH, FOREST_MAX_DEPTH);
		else
			p->max_depth = (int) v->num;
	}
	else if (strcmp(key, "min_samples_leaf") == 0)
	{
		if (!IsInt(v, 1, 2147483647.0))
			return WHY(ENS_WHY_INT_FROM_1, 2147483647);
		p->min_samples_leaf = (int) v->num;
	}
	else if (strcmp(key, "max_features") == 0)
	{
		if (v->type == ENS_V_NULL)
			p->max_features = 0;
		else if (v->type != ENS_V_NUMBER || !(v->num > 0 && v->num <= 1))
			return WHY(ENS_WHY_MAX_FEATURES, 0);
		else
			p->max_features = v->num;
	}
	else if (strcmp(key, "class_weight") == 0)
		return ens_class_weight_set(&p->class_weight, v, why);
	else if (strcmp(key, "sample_fraction") == 0)
	{
		if (v->type != ENS_V_NUMBER || !(v->num > 0 && v->num <= 1))
			return WHY(ENS_WHY_FRACTION, 0);
		p->sample_fraction = v->num;
	}
	else if (strcmp(key, "calibration") == 0)
	{
		/* fitted on the out-of-bag probabilities of the training rows */
		if (v->type == ENS_V_NULL)
			p->calibration = ENS_CAL_NONE;
		else if (v->type == ENS_V_STRING && strcmp(v->str, "isotonic") == 0)
			p->calibration = ENS_CAL_ISOTONIC;
		else if (v->type == ENS_V_STRING && strcmp(v->str, "sigmoid") == 0)
			p->calibration = ENS_CAL_SIGMOID;
		else
			return WHY(ENS_WHY_CALIBRATION, 0);
	}
	else if (strcmp(key, "calibration_folds") == 0)
	{
		/* NULL: out of bag; k: k forests, each predicting the fold it did not see */
		if (v->type == ENS_V_NULL)
			p->calibration_folds = 0;
		else if (!IsInt(v, 2, ENS_MAX_CAL_FOLDS))
			return WHY(ENS_WHY_CALIBRATION_FOLDS, ENS_MAX_CAL_FOLDS);
		else
			p->calibration_folds = (uint32_t) v->num;
	}
	else
		return ENS_PARAM_UNKNOWN;
	return ENS_PARAM_OK;
}
