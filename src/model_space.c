/*
 * model_space.c - the search space of tune(): a jsonb object naming
 * learner parameters, each with
 *
 *   a list           [1, 5, 25], ["balanced", null], {"values": [3, 12]}
 *   a range          [3, 12]: two numbers (integers when both are written
 *                    without a fraction: 3, not 3.0), or {"range": [3, 12]}
 *   a log-range      {"log": [0.01, 0.3]}: log-uniform (integers likewise)
 *   one value        200
 *
 * Every name and every value (each list element, both ends of a range) is
 * checked by the learner's one validator before any row is read, so an
 * unknown name or an impossible value fails at once, naming the parameter:
 * its type by the learner's set() as the space is parsed, its range and
 * combinations by the learner's check() once a candidate is drawn
 * (ens_space_check_values; a range's ends are checked even when no draw
 * lands on them).
 * Random search draws each parameter independently with the seeded RNG;
 * when every parameter is a list it draws combinations without replacement
 * (as scikit-learn's ParameterSampler; model_tune.c).  Grid search
 * enumerates lists and integer ranges, at most ENS_MAX_GRID combinations;
 * random and halving search draw from spaces of any size.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/numeric.h"

#include "model_tune.h"

#define MAX_PARAMS	32
#define MAX_LIST	10000

typedef enum SpaceKind
{
	SP_LIST,
	SP_RANGE,
	SP_LOG
} SpaceKind;

typedef struct SpaceParam
{
	char	   *name;
	int			kind;			/* SpaceKind */
	bool		integer;		/* ranges: draw integers */
	int			n;				/* lists */
	EnsValue   *values;
	double		lo,
				hi;
} SpaceParam;

struct EnsSpace
{
	int			n;
	SpaceParam	param[MAX_PARAMS];
};

/* every error about the form of a parameter of space carries this hint */
#define SPACE_HINT errhint("Give a list [1, 5, 25], a range [3, 12] or {\"range\": [0.5, 1.0]}, or a log-range {\"log\": [0.01, 0.3]}.")

/* A number written without a fraction or exponent part counts as an integer. */
static bool
IntegralNumber(const JsonbValue *v)
{
	return v->type == jbvNumeric &&
		DatumGetInt32(DirectFunctionCall1(numeric_scale, NumericGetDatum(v->val.numeric))) == 0;
}

/* The elements of a jsonb array (scalars only). */
static JsonbValue *
ArrayElements(const JsonbValue *arr, int *n, const char *name)
{
	Jsonb	   *jb;
	JsonbIterator *it;
	JsonbValue	e,
			   *out;
	JsonbIteratorToken tok;
	int			i = 0;

	if (arr->type != jbvBinary)
		ENS_BAD_ARG(errmsg("space.%s must be a list, a range or a log-range", name), SPACE_HINT);
	jb = JsonbValueToJsonb((JsonbValue *) arr);
	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
		ENS_BAD_ARG(errmsg("space.%s must be a list, a range or a log-range", name), SPACE_HINT);
	*n = JB_ROOT_COUNT(jb);
	if (*n > MAX_LIST)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("space.%s has %d values, more than %d", name, *n, MAX_LIST)));
	out = palloc(sizeof(JsonbValue) * Max(*n, 1));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
		if (tok == WJB_ELEM)
		{
			/* an object is a value (class_weight's), a list is not */
			if (e.type == jbvBinary && !JsonContainerIsObject(e.val.binary.data))
				ENS_BAD_ARG(errmsg("space.%s must hold numbers, strings or nulls, not nested lists", name), SPACE_HINT);
			out[i++] = e;
		}
	return out;
}

/* Each value goes through the learner's validator (on scratch parameters). */
static void
CheckValue(const EnsLearner *l, void *scratch, const char *name, const EnsValue *v)
{
	ens_learner_set(l, scratch, name, v, "space.");
}

static void
ParseRange(SpaceParam *sp, const JsonbValue *arr, int kind, const EnsLearner *l, void *scratch)
{
	int			n;
	JsonbValue *e = ArrayElements(arr, &n, sp->name);
	EnsValue	v = {ENS_V_NUMBER, 0, NULL};

	if (n != 2 || e[0].type != jbvNumeric || e[1].type != jbvNumeric)
	{
		if (kind == SP_LOG)
			ENS_BAD_ARG(errmsg("space.%s must be {\"log\": [low, high]} with two numbers", sp->name), SPACE_HINT);
		ENS_BAD_ARG(errmsg("space.%s must be {\"range\": [low, high]} with two numbers", sp->name), SPACE_HINT);
	}
	sp->kind = kind;
	sp->integer = IntegralNumber(&e[0]) && IntegralNumber(&e[1]);
	sp->lo = ens_json_value(&e[0]).num;
	sp->hi = ens_json_value(&e[1]).num;
	if (!isfinite(sp->lo) || !isfinite(sp->hi) || fabs(sp->lo) > 1e15 || fabs(sp->hi) > 1e15)
		ENS_BAD_ARG(errmsg("space.%s must have ends between -1e15 and 1e15", sp->name), SPACE_HINT);
	if (sp->lo > sp->hi)
		ENS_BAD_ARG(errmsg("space.%s is an empty range: its low end is above its high end", sp->name), SPACE_HINT);
	if (kind == SP_LOG && sp->lo <= 0)
		ENS_BAD_ARG(errmsg("space.%s is a log-range and needs a low end above 0", sp->name), SPACE_HINT);
	/* the parameter's own bounds first: they say what the range may span */
	v.num = sp->lo;
	CheckValue(l, scratch, sp->name, &v);
	v.num = sp->hi;
	CheckValue(l, scratch, sp->name, &v);
	if (sp->integer && sp->hi - sp->lo >= 2147483647.0)
		ENS_BAD_ARG(errmsg("space.%s spans more than 2147483647 integers", sp->name), SPACE_HINT);
}

static void
ParseList(SpaceParam *sp, const JsonbValue *arr, const EnsLearner *l, void *scratch)
{
	JsonbValue *e = ArrayElements(arr, &sp->n, sp->name);
	int			i;

	if (sp->n == 0)
		ENS_BAD_ARG(errmsg("space.%s is an empty list", sp->name), SPACE_HINT);
	sp->kind = SP_LIST;
	sp->values = palloc(sizeof(EnsValue) * sp->n);
	for (i = 0; i < sp->n; i++)
	{
		sp->values[i] = ens_json_value(&e[i]);
		CheckValue(l, scratch, sp->name, &sp->values[i]);
	}
}

/* {"range": [..]}, {"log": [..]} or {"values": [..]} */
static void
ParseObject(SpaceParam *sp, const JsonbValue *obj, const EnsLearner *l, void *scratch)
{
	Jsonb	   *jb = JsonbValueToJsonb((JsonbValue *) obj);
	JsonbIterator *it;
	JsonbValue	k,
				v;
	char	   *key;

	if (JB_ROOT_COUNT(jb) != 1)
		ENS_BAD_ARG(errmsg("space.%s must be an object with one key: range, log or values", sp->name), SPACE_HINT);
	it = JsonbIteratorInit(&jb->root);
	(void) JsonbIteratorNext(&it, &k, true);	/* WJB_BEGIN_OBJECT */
	(void) JsonbIteratorNext(&it, &k, true);
	(void) JsonbIteratorNext(&it, &v, true);
	key = pnstrdup(k.val.string.val, k.val.string.len);
	if (strcmp(key, "range") == 0)
		ParseRange(sp, &v, SP_RANGE, l, scratch);
	else if (strcmp(key, "log") == 0)
		ParseRange(sp, &v, SP_LOG, l, scratch);
	else if (strcmp(key, "values") == 0)
		ParseList(sp, &v, l, scratch);
	else
		ENS_BAD_ARG(errmsg("space.%s must be an object with one key: range, log or values", sp->name), SPACE_HINT);
}

/* A two-number array is a range; any other array a list. */
static void
ParseParam(SpaceParam *sp, const JsonbValue *v, const EnsLearner *l, void *scratch)
{
	if (v->type != jbvBinary)
	{
		sp->kind = SP_LIST;
		sp->n = 1;
		sp->values = palloc(sizeof(EnsValue));
		sp->values[0] = ens_json_value((JsonbValue *) v);
		CheckValue(l, scratch, sp->name, &sp->values[0]);
		return;
	}
	if (JB_ROOT_IS_OBJECT(JsonbValueToJsonb((JsonbValue *) v)))
	{
		ParseObject(sp, v, l, scratch);
		return;
	}
	{
		int			n;
		JsonbValue *e = ArrayElements(v, &n, sp->name);

		if (n == 2 && e[0].type == jbvNumeric && e[1].type == jbvNumeric)
			ParseRange(sp, v, SP_RANGE, l, scratch);
		else
			ParseList(sp, v, l, scratch);
	}
}

EnsSpace *
ens_space_parse(Jsonb *space, const EnsLearner *l)
{
	EnsSpace   *sp = palloc0(sizeof(EnsSpace));
	void	   *scratch = palloc(l->params_size);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(space) || JB_ROOT_COUNT(space) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("space must be a JSON object naming at least one parameter"),
				 errhint("Valid names: %s.", l->param_names)));
	if (JB_ROOT_COUNT(space) > MAX_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("space names more than %d parameters", MAX_PARAMS)));
	l->defaults(scratch);
	it = JsonbIteratorInit(&space->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		SpaceParam *p;

		if (tok != WJB_KEY)
			continue;
		p = &sp->param[sp->n++];
		p->name = pnstrdup(v.val.string.val, v.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		ParseParam(p, &v, l, scratch);
	}
	return sp;
}

typedef struct ValueContext
{
	const SpaceParam *p;
	int			which;			/* -1 low end, -2 high end, else list index */
} ValueContext;

static void
ValueContextCallback(void *arg)
{
	const ValueContext *vc = (const ValueContext *) arg;

	if (vc->which == -1)
		errcontext("checking the low end of space.%s", vc->p->name);
	else if (vc->which == -2)
		errcontext("checking the high end of space.%s", vc->p->name);
	else
		errcontext("checking value %d of space.%s", vc->which + 1, vc->p->name);
}

/*
 * Every value the space can give (each list element, both ends of a range
 * or log-range) through the learner's check() (ranges and combinations,
 * which set() may leave to it, as boosting's does), with the fixed
 * parameters of base and the other parameters as in point, a candidate
 * that passed the same check.  So an impossible end of a real range fails
 * before any row is read, naming the parameter, even when no draw lands
 * on it.
 */
void
ens_space_check_values(const EnsSpace *sp, const EnsLearner *l, const void *base,
					   const EnsValue *point, int task)
{
	void	   *params = palloc(l->params_size);
	EnsValue   *pt = palloc(sizeof(EnsValue) * Max(sp->n, 1));
	ErrorContextCallback cb;
	ValueContext vc;
	int			i,
				j;

	if (!l->check)
		return;
	cb.callback = ValueContextCallback;
	cb.arg = &vc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	for (i = 0; i < sp->n; i++)
	{
		const SpaceParam *p = &sp->param[i];
		int			nv = p->kind == SP_LIST ? p->n : 2;

		vc.p = p;
		for (j = 0; j < nv; j++)
		{
			memcpy(pt, point, sizeof(EnsValue) * sp->n);
			if (p->kind == SP_LIST)
			{
				pt[i] = p->values[j];
				vc.which = j;
			}
			else
			{
				pt[i].type = ENS_V_NUMBER;
				pt[i].num = j == 0 ? p->lo : p->hi;
				pt[i].str = NULL;
				vc.which = j == 0 ? -1 : -2;
			}
			memcpy(params, base, l->params_size);
			ens_space_apply(sp, l, params, pt);
			l->check(params, task, 0, true);
			CHECK_FOR_INTERRUPTS();
		}
	}
	error_context_stack = cb.previous;
	pfree(params);
	pfree(pt);
}

/*
 * The labels of class_weight's objects in the space, once the rows are
 * read: a label that is no class is named as the space's
 * (space.class_weight), as the space's other refusals, not as params'
 * when its trial trains.
 */
void
ens_space_check_classes(const EnsSpace *sp, const EnsTrainSet *ts)
{
	int			i,
				j;
	uint32		k;

	if (ts->task != ENS_CLASSIFICATION)
		return;
	for (i = 0; i < sp->n; i++)
	{
		const SpaceParam *p = &sp->param[i];

		if (p->kind != SP_LIST || strcmp(p->name, "class_weight") != 0)
			continue;
		for (j = 0; j < p->n; j++)
			if (p->values[j].type == ENS_V_OBJECT)
				for (k = 0; k < p->values[j].n; k++)
					(void) ens_class_weight_class(p->values[j].keys[k], ts, "space.");
	}
}

/* Lists only: random search then draws combinations without replacement. */
bool
ens_space_all_lists(const EnsSpace *sp)
{
	int			i;

	for (i = 0; i < sp->n; i++)
		if (sp->param[i].kind != SP_LIST)
			return false;
	return true;
}

bool
ens_space_has(const EnsSpace *sp, const char *name)
{
	int			i;

	for (i = 0; i < sp->n; i++)
		if (strcmp(sp->param[i].name, name) == 0)
			return true;
	return false;
}

/* choices of a parameter, or -1 when continuous */
static int64
Choices(const SpaceParam *p)
{
	if (p->kind == SP_LIST)
		return p->n;
	if (p->kind == SP_RANGE && p->integer)
		return (int64) (p->hi - p->lo) + 1;
	return -1;
}

/*
 * Combinations of a space of lists and integer ranges: -1 when a parameter
 * is continuous, ENS_SPACE_MANY when there are more than ENS_MAX_GRID.
 * Raises nothing: only grid search needs them all (model_tune.c refuses a
 * grid of more); random and halving search draw from any space.
 */
int64
ens_space_grid_size(const EnsSpace *sp)
{
	int64		size = 1;
	bool		many = false;
	int			i;

	for (i = 0; i < sp->n; i++)
	{
		int64		c = Choices(&sp->param[i]);

		if (c < 0)
			return -1;
		/* c < 2^31 and size <= ENS_MAX_GRID: the product cannot overflow */
		if (many || c > ENS_MAX_GRID || size * c > ENS_MAX_GRID)
			many = true;
		else
			size *= c;
	}
	return many ? ENS_SPACE_MANY : size;
}

/* Do two points of the space hold the same values? */
bool
ens_space_point_equal(const EnsSpace *sp, const EnsValue *a, const EnsValue *b)
{
	int			i;

	for (i = 0; i < sp->n; i++)
	{
		if (a[i].type != b[i].type)
			return false;
		if (a[i].type == ENS_V_NUMBER && a[i].num != b[i].num)
			return false;
		if ((a[i].type == ENS_V_STRING || a[i].type == ENS_V_OBJECT) &&
			strcmp(a[i].str, b[i].str) != 0)
			return false;
	}
	return true;
}

static EnsValue
Choice(const SpaceParam *p, int64 i)
{
	EnsValue	v = {ENS_V_NUMBER, 0, NULL};

	if (p->kind == SP_LIST)
		return p->values[i];
	v.num = p->lo + (double) i;
	return v;
}

/* Combination index of the grid, the first parameter varying slowest. */
EnsValue *
ens_space_grid_point(const EnsSpace *sp, int64 index)
{
	EnsValue   *pt = palloc(sizeof(EnsValue) * Max(sp->n, 1));
	int			i;

	for (i = sp->n - 1; i >= 0; i--)
	{
		int64		c = Choices(&sp->param[i]);

		pt[i] = Choice(&sp->param[i], index % c);
		index /= c;
	}
	return pt;
}

/* One draw of every parameter. */
EnsValue *
ens_space_sample(const EnsSpace *sp, EpRng *rng)
{
	EnsValue   *pt = palloc(sizeof(EnsValue) * Max(sp->n, 1));
	int			i;

	for (i = 0; i < sp->n; i++)
	{
		const SpaceParam *p = &sp->param[i];
		double		u = ep_rng_unit(rng);
		double		x;

		pt[i].type = ENS_V_NUMBER;
		pt[i].str = NULL;
		if (p->kind == SP_LIST)
		{
			pt[i] = p->values[ep_rng_below(rng, (uint32_t) p->n)];
			continue;
		}
		if (p->kind == SP_RANGE && p->integer)
		{
			pt[i].num = p->lo + (double) ep_rng_below(rng, (uint32_t) (p->hi - p->lo + 1));
			continue;
		}
		x = p->kind == SP_LOG ? exp(log(p->lo) + u * (log(p->hi) - log(p->lo))) :
			p->lo + u * (p->hi - p->lo);
		/* rounding can step just outside; integers round to the nearest */
		x = Min(Max(x, p->lo), p->hi);
		pt[i].num = p->integer ? Min(Max(round(x), p->lo), p->hi) : x;
	}
	return pt;
}

/* A point's values into learner parameters (each through the validator). */
void
ens_space_apply(const EnsSpace *sp, const EnsLearner *l, void *params, const EnsValue *point)
{
	int			i;

	for (i = 0; i < sp->n; i++)
		ens_learner_set(l, params, sp->param[i].name, &point[i], "space.");
}
