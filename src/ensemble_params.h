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
#include <stdint.h>

typedef enum EnsValueType
{
	ENS_V_NULL = 0,				/* SQL NULL or JSON null: the default */
	ENS_V_NUMBER,
	ENS_V_STRING,
	ENS_V_OTHER,				/* a JSON array or boolean, a NaN argument */
	ENS_V_OBJECT				/* a JSON object (jsonb, or a text argument's JSON) */
} EnsValueType;

typedef struct EnsValue
{
	EnsValueType type;
	double		num;
	const char *str;			/* NUL-terminated; ENS_V_OBJECT: its JSON text */
	/* ENS_V_OBJECT: its n members, each value a number or NaN (not a number) */
	uint32_t	n;
	const char *const *keys;
	const double *nums;
} EnsValue;

/*
 * class_weight, as scikit-learn's: NULL, 'balanced' (n / (K n_k) over the
 * training rows) or a JSON object of class labels (as
 * edupredict.model_classes prints them) to weights in (0, ENS_MAX_CLASS_WEIGHT],
 * a class not named weighing 1 (the cap keeps weighted sums of a billion
 * rows' gradients far from overflow).  ens_class_weight_set (forest_params.c) validates
 * the value for both learners; the PostgreSQL layer resolves the labels to
 * the training set's classes (ens_class_weight_resolve, model_train.c).
 */
#define ENS_MAX_CLASS_WEIGHT 1000000

typedef struct EnsClassWeight
{
	bool		balanced;
	uint32_t	n;				/* the object's members, 0: no object */
	const char *const *labels;
	const double *weights;
	const char *json;			/* the object as given, for the registry */
	const double *per_class;	/* resolved: a weight per class, NULL: none */
} EnsClassWeight;

/* do the trainers weigh the classes (else every class weighs 1)? */
static inline bool
ens_class_weighted(const EnsClassWeight *cw)
{
	return cw->balanced || cw->per_class != NULL;
}

typedef enum EnsParamResult
{
	ENS_PARAM_OK = 0,
	ENS_PARAM_UNKNOWN,			/* not a parameter of this learner */
	ENS_PARAM_BAD,				/* invalid value: *why says what is allowed */
	ENS_PARAM_LIMIT				/* over a size limit: *why says the limit */
} EnsParamResult;

/*
 * What a refused value must be: X(id, figures, text), figures naming what
 * the text takes after the context and the key: nothing (0), why->n (1),
 * why->entry (E: the key of an object's entry that is wrong, as the caller
 * wrote it) or both (E1).  Each text is the whole message, "%s%s must
 * ...", its first two conversions the context ("", "params.", "space.")
 * and the key; the PostgreSQL layer expands the list into one
 * errmsg() per id with the literal text (ens_param_error, model_train.c),
 * so translators see every one (gettext_noop) and the compiler checks the
 * figures.  The validators (forest_params.c, boost_learner.c) set the id;
 * their wording lives only here.
 */
/*
 * PostgreSQL's marker for translators; the PG-free builds need a stand-in
 * (ensemble.h's list too)
 */
#ifndef gettext_noop
#define gettext_noop(x) (x)
#endif
#define ENS_PARAM_WHYS(X) \
	/* shared */ \
	X(ENS_WHY_INT_FROM_1, 1, gettext_noop("%s%s must be an integer between 1 and %d")) \
	X(ENS_WHY_CLASS_WEIGHT, 1, gettext_noop("%s%s must be NULL, 'balanced' or a JSON object of class labels to weights above 0 and at most %d")) \
	X(ENS_WHY_CLASS_WEIGHT_NOT_NUMBER, E, gettext_noop("%s%s must give \"%s\" a number as its weight")) \
	X(ENS_WHY_CLASS_WEIGHT_RANGE, E1, gettext_noop("%s%s must give \"%s\" a weight above 0 and at most %d")) \
	/* forest_params.c */ \
	X(ENS_WHY_N_TREES_NULL, 1, gettext_noop("%s%s must be an integer between 1 and %d, not NULL")) \
	X(ENS_WHY_AT_MOST, 1, gettext_noop("%s%s must be at most %d")) \
	X(ENS_WHY_FOREST_MAX_DEPTH, 1, gettext_noop("%s%s must be an integer between 1 and %d, or NULL to grow the trees until the leaves are pure")) \
	X(ENS_WHY_MAX_FEATURES, 0, gettext_noop("%s%s must be a fraction of the features in (0, 1], or NULL for the default")) \
	X(ENS_WHY_FRACTION, 0, gettext_noop("%s%s must be in (0, 1]")) \
	X(ENS_WHY_CALIBRATION, 0, gettext_noop("%s%s must be NULL, 'isotonic' or 'sigmoid'")) \
	X(ENS_WHY_CALIBRATION_FOLDS, 1, gettext_noop("%s%s must be an integer between 2 and %d, or NULL to calibrate out of bag")) \
	/* boost_learner.c */ \
	X(ENS_WHY_LOSS, 0, gettext_noop("%s%s must be NULL (the task's usual loss), 'logistic', 'softmax', 'squared', 'absolute' or 'huber'")) \
	X(ENS_WHY_BOOST_MAX_DEPTH, 1, gettext_noop("%s%s must be an integer between 1 and %d, or NULL with max_leaves")) \
	X(ENS_WHY_MAX_LEAVES, 1, gettext_noop("%s%s must be an integer between 2 and %d, or NULL")) \
	X(ENS_WHY_INT_FROM_1_OR_NULL, 1, gettext_noop("%s%s must be an integer between 1 and %d, or NULL")) \
	X(ENS_WHY_NUMBER, 0, gettext_noop("%s%s must be a number")) \
	X(ENS_WHY_OPEN_FRACTION, 0, gettext_noop("%s%s must be in (0, 1), or NULL")) \
	X(ENS_WHY_BOOST_CALIBRATION, 0, gettext_noop("%s%s must be NULL for boosting, which has no out-of-bag rows: calibrate() it on held-out rows"))

#define ENS_PARAM_WHY_ENUM(id, figures, text) id,
typedef enum EnsParamWhyId
{
	ENS_WHY_NONE = 0,
	ENS_PARAM_WHYS(ENS_PARAM_WHY_ENUM)
	ENS_WHY_COUNT
} EnsParamWhyId;
#undef ENS_PARAM_WHY_ENUM

/*
 * Why a validator refused a value: the id, its figure and, for an object,
 * the key of the entry that is wrong (the caller's own text, never a value
 * of the rows; the PostgreSQL layer clips a long one).
 */
typedef struct EnsParamWhy
{
	EnsParamWhyId id;
	int			n;
	const char *entry;
} EnsParamWhy;

/* an entry's figures as printf arguments, after the context and the key */
#define ENS_PARAM_FIGURES0(w)
#define ENS_PARAM_FIGURES1(w) , (w)->n
#define ENS_PARAM_FIGURESE(w) , (w)->entry
#define ENS_PARAM_FIGURESE1(w) , (w)->entry, (w)->n

/* the refusal: records the id and figure in *why, yields res */
static inline EnsParamResult
ens_param_why(EnsParamWhy *why, EnsParamResult res, EnsParamWhyId id, int n)
{
	why->id = id;
	why->n = n;
	why->entry = NULL;
	return res;
}

extern EnsParamResult ens_class_weight_set(EnsClassWeight *cw, const EnsValue *v,
										   EnsParamWhy *why);

#endif							/* EDUPREDICT_ENSEMBLE_PARAMS_H */
