/*
 * ensemble_params.h - one validator per learner (PG-free).
 *
 * A learner's parameters arrive either as named SQL arguments (train_forest)
 * or as keys of a jsonb object (forest_agg); both paths hand each value to
 * the learner's setter, so the checks and their wording exist once.
 */
#ifndef EDUPREDICT_ENSEMBLE_PARAMS_H
#define EDUPREDICT_ENSEMBLE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum EnsValueType
{
	ENS_V_NULL = 0,				/* SQL NULL or JSON null: the default */
	ENS_V_NUMBER,
	ENS_V_STRING,
	ENS_V_OTHER					/* a JSON array, object or boolean */
} EnsValueType;

typedef struct EnsValue
{
	EnsValueType type;
	double		num;
	const char *str;			/* NUL-terminated */
} EnsValue;

typedef enum EnsParamResult
{
	ENS_PARAM_OK = 0,
	ENS_PARAM_UNKNOWN,			/* not a parameter of this learner */
	ENS_PARAM_BAD,				/* invalid value: *why says what is allowed */
	ENS_PARAM_LIMIT				/* over a size limit: *why says the limit */
} EnsParamResult;

/* "an integer between 1 and 10000" etc.: what a value must be, for errmsg */
#define ENS_WHY_LEN 128

#endif							/* EDUPREDICT_ENSEMBLE_PARAMS_H */
