/*
 * boost_learner.c - gradient boosting as a learner of the shared pipeline
 * (model_train.c): its parameters, the validation rows for early stopping,
 * training with threads, what it records in the registry, and the
 * train_boosting() entry point.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "boost.h"
#include "model_train.h"

typedef struct BoostLearnerParams
{
	BoostParams bp;
	double		validation_fraction;	/* 0: none (default 0.1 with early stopping) */
	uint32_t	n_validation_groups;	/* with group_by: groups of the validation rows */
	BoostResult res;			/* filled by Train, read by MetricsJson */
	EnsAlloc	res_al;
} BoostLearnerParams;

static void
Defaults(void *params)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;

	memset(lp, 0, sizeof(*lp));
	boost_params_default(&lp->bp);
}

static bool
IntValue(const EnsValue *v, int *out)
{
	if (v->type != ENS_V_NUMBER || v->num != floor(v->num) || fabs(v->num) > 2147483647.0)
		return false;
	*out = (int) v->num;
	return true;
}

/* a bad value: what it must be, an id of ENS_PARAM_WHYS (ensemble_params.h) */
static EnsParamResult
Why(EnsParamWhy *why, EnsParamWhyId id, int n)
{
	return ens_param_why(why, ENS_PARAM_BAD, id, n);
}

/* loss names as SQL spells them */
static EnsParamResult
SetLoss(BoostParams *p, const EnsValue *v, EnsParamWhy *why)
{
	static const struct
	{
		const char *name;
		int			obj;
	}			losses[] = {
		{"logistic", ENS_OBJ_LOGISTIC}, {"softmax", ENS_OBJ_SOFTMAX},
		{"squared", ENS_OBJ_SQUARED}, {"absolute", ENS_OBJ_ABSOLUTE}, {"huber", ENS_OBJ_HUBER}
	};
	int			i;

	if (v->type == ENS_V_NULL)
	{
		p->objective = ENS_OBJ_NONE;
		return ENS_PARAM_OK;
	}
	for (i = 0; v->type == ENS_V_STRING && i < (int) lengthof(losses); i++)
		if (strcmp(v->str, losses[i].name) == 0)
		{
			p->objective = losses[i].obj;
			return ENS_PARAM_OK;
		}
	return Why(why, ENS_WHY_LOSS, 0);
}

/*
 * Types and NULLs here; ranges and combinations in boost_params_check, the
 * one check the aggregate shares (Check below).
 */
static EnsParamResult
Set(void *params, const char *key, const EnsValue *v, EnsParamWhy *why)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;
	BoostParams *p = &lp->bp;
	bool		null = v->type == ENS_V_NULL;
	bool		num = v->type == ENS_V_NUMBER;

	if (strcmp(key, "n_rounds") == 0)
		return IntValue(v, &p->n_rounds) ? ENS_PARAM_OK :
			Why(why, ENS_WHY_INT_FROM_1, BOOST_MAX_ROUNDS);
	if (strcmp(key, "max_depth") == 0)
		return null ? (p->max_depth = 0, ENS_PARAM_OK) :
			IntValue(v, &p->max_depth) ? ENS_PARAM_OK :
			Why(why, ENS_WHY_BOOST_MAX_DEPTH, BOOST_MAX_DEPTH);
	if (strcmp(key, "max_leaves") == 0)
		return null ? (p->max_leaves = 0, ENS_PARAM_OK) :
			IntValue(v, &p->max_leaves) ? ENS_PARAM_OK :
			Why(why, ENS_WHY_MAX_LEAVES, BOOST_MAX_LEAVES);
	if (strcmp(key, "early_stopping_rounds") == 0)
		return null ? (p->early_stopping_rounds = 0, ENS_PARAM_OK) :
			IntValue(v, &p->early_stopping_rounds) && p->early_stopping_rounds > 0 ?
			ENS_PARAM_OK : Why(why, ENS_WHY_INT_FROM_1_OR_NULL, BOOST_MAX_ROUNDS);
	if (strcmp(key, "learning_rate") == 0 || strcmp(key, "min_child_weight") == 0 ||
		strcmp(key, "l2") == 0 || strcmp(key, "subsample") == 0 ||
		strcmp(key, "colsample") == 0 || strcmp(key, "huber_delta") == 0)
	{
		double	   *dst = strcmp(key, "learning_rate") == 0 ? &p->learning_rate :
			strcmp(key, "min_child_weight") == 0 ? &p->min_child_weight :
			strcmp(key, "l2") == 0 ? &p->l2 : strcmp(key, "subsample") == 0 ? &p->subsample :
			strcmp(key, "colsample") == 0 ? &p->colsample : &p->huber_delta;

		if (!num)
			return Why(why, ENS_WHY_NUMBER, 0);
		*dst = v->num;
		return ENS_PARAM_OK;
	}
	if (strcmp(key, "validation_fraction") == 0)
	{
		if (null)
			lp->validation_fraction = 0;
		else if (!num || !(v->num > 0 && v->num < 1))
			return Why(why, ENS_WHY_OPEN_FRACTION, 0);
		else
			lp->validation_fraction = v->num;
		return ENS_PARAM_OK;
	}
	if (strcmp(key, "class_weight") == 0)
		return ens_class_weight_set(&p->class_weight, v, why);
	if (strcmp(key, "loss") == 0)
		return SetLoss(p, v, why);
	/* a forest's key (forest_oob.c): boosting draws no bootstrap samples */
	if (strcmp(key, "calibration") == 0)
		return null ? ENS_PARAM_OK :
			Why(why, ENS_WHY_BOOST_CALIBRATION, 0);
	return ENS_PARAM_UNKNOWN;
}

/* The one range check of boost_params.c, before any row is read. */
static void
Check(void *params, int task, uint32_t n_classes, bool settings_in_params)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;
	BoostParams p = lp->bp;
	EnsError	err;
	EnsStatus	rc;

	p.task = task ? task : ENS_CLASSIFICATION;
	p.n_classes = n_classes;
	if (task == 0 && (p.objective == ENS_OBJ_SQUARED || p.objective == ENS_OBJ_ABSOLUTE ||
					  p.objective == ENS_OBJ_HUBER))
		p.task = ENS_REGRESSION;
	rc = boost_params_check(&p, &err);
	if (rc != ENS_OK)
	{
		ens_pg_raise_error(&err);
		ens_pg_check(rc, ENS_WHAT_BOOSTING_PARAMS, NULL);
	}
	if (lp->validation_fraction == 0 && lp->bp.early_stopping_rounds > 0)
		lp->validation_fraction = 0.1;
}

/*
 * With group_by, the validation rows are whole groups of the training rows
 * (model_groups.c: at least fraction of them), so early stopping scores
 * groups the trees never saw.  Returns the number of validation groups.
 */
static uint32_t
GroupValidationRows(const EnsTrainSet *ts, double fraction, uint64_t seed, EnsAlloc *al,
					uint32_t **fit, uint32_t *n_fit, uint32_t **val, uint32_t *n_val)
{
	uint32_t	ng,
				nv;

	nv = ens_group_split(ts, ts->train_rows, ts->ntr, fraction, seed ^ UINT64_C(0x7A11DA7E),
						 al, fit, n_fit, val, n_val, &ng);
	if (ng < 2 || *n_fit == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 ts->group_key_of ?
				 errmsg("too few groups of the group_key argument of %s in the training rows for a validation split of %g",
						ts->group_key_of, fraction) :
				 errmsg("too few groups of group_by column \"%s\" in the training rows for a validation split of %g",
						ts->group_by, fraction),
				 errdetail_plural("The training rows hold %u group; the validation rows take whole groups, at least validation_fraction of the rows, and leave at least one group to fit.",
								  "The training rows hold %u groups; the validation rows take whole groups, at least validation_fraction of the rows, and leave at least one group to fit.",
								  ng, ng),
				 ts->group_key_of ?
				 errhint("Lower validation_fraction, or train without early stopping: an aggregate holds out no test rows.") :
				 errhint("Lower validation_fraction or test_fraction, or train without early stopping.")));
	return nv;
}

/*
 * Validation rows for early stopping: a stratified share of the training
 * rows (never the held-out test rows), chosen with the seed.
 */
static void
ValidationRows(const EnsTrainSet *ts, double fraction, uint64_t seed, EnsAlloc *al,
			   uint32_t **fit, uint32_t *n_fit, uint32_t **val, uint32_t *n_val)
{
	uint32_t	ntr = ts->ntr,
				i;
	uint32_t   *sub_cls = NULL,
			   *a,
			   *b,
				na,
				nb;

	if (ts->ycls)
	{
		sub_cls = palloc_extended(sizeof(uint32_t) * Max(ntr, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < ntr; i++)
			sub_cls[i] = ts->ycls[ts->train_rows[i]];
	}
	ens_pg_check(ens_split_rows(sub_cls, ts->K, ntr, fraction, seed ^ UINT64_C(0x7A11DA7E),
								al, &a, &na, &b, &nb),
				 ENS_WHAT_VALIDATION_SPLIT, NULL);
	for (i = 0; i < na; i++)
		a[i] = ts->train_rows[a[i]];
	for (i = 0; i < nb; i++)
		b[i] = ts->train_rows[b[i]];
	if (na == 0 || nb == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("too few training rows for a validation split of %g", fraction),
				 errhint("Lower validation_fraction or train without early stopping.")));
	*fit = a;
	*n_fit = na;
	*val = b;
	*n_val = nb;
}

/*
 * With more than one thread the engine only polls the cancel flags
 * (ens_pg_poll_interrupt) and unwinds (joining its threads) before the
 * cancel is raised here, as for the forest; a barrier, which raises
 * nothing, restarts the deterministic training.
 */
static EnsStatus
TrainThreads(EnsModel *m, const EnsData *d, const uint32_t *val, uint32_t n_val,
			 BoostParams *p, const EnsAlloc *al, BoostResult *res)
{
	int			attempt;
	EnsStatus	rc = ENS_OK;

	for (attempt = 0; attempt < 3; attempt++)
	{
		p->n_threads = edupredict_forest_threads;
		if (p->n_threads <= 1)
			return boost_train(m, d, val, n_val, p, al, ens_pg_interrupt, NULL, res);
		rc = boost_train(m, d, val, n_val, p, al, ens_pg_poll_interrupt, NULL, res);
		if (rc != ENS_EINTR)
			return rc;
		boost_result_free(res, al);
		CHECK_FOR_INTERRUPTS();
		ens_pg_restarts++;
	}
	p->n_threads = 1;
	return boost_train(m, d, val, n_val, p, al, ens_pg_interrupt, NULL, res);
}

/* What the training set decides: task, classes, seed (after the range check). */
static void
TaskParams(BoostLearnerParams *lp, const EnsTrainSet *ts, const EnsModel *m, uint64_t seed)
{
	Check(lp, ts->task, m->n_classes, ts->settings_in_params);
	lp->bp.task = ts->task;
	lp->bp.n_classes = m->n_classes;
	lp->bp.seed = seed;
	ens_class_weight_resolve(&lp->bp.class_weight, ts);
}

/*
 * The outputs of the training rows the profile describes (all of them)
 * from the trainer's final margins, instead of walking every tree again:
 * the margins are the model's own, bit for bit (boost_train.c), and go
 * through the same link as prediction.  Train asks for the margins only
 * when the profile takes every training row (at most 20,000; above, it
 * walks its evenly spaced ones); they are used when every round's trees
 * are kept, and freed either way.
 */
static void
KeepOutputs(EnsModel *m, const EnsTrainSet *ts, BoostResult *res, const EnsAlloc *al)
{
	uint32_t	nref = ens_profile_nref(ts->ntr),
				K = m->n_outputs,
				kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1,
				i;
	double	   *out;

	if (res->train_margin == NULL)
		return;
	if (res->rounds_kept == res->rounds_run &&
		(out = al->alloc(al->ctx, sizeof(double) * (size_t) nref * kk)) != NULL)
	{
		for (i = 0; i < nref; i++)
		{
			double	   *o = out + (size_t) i * kk;

			memcpy(o, res->train_margin + (size_t) i * K, sizeof(double) * K);
			ens_boost_link(m, o);
		}
		m->train_out = out;
		m->n_train_out = nref;
	}
	al->free(al->ctx, res->train_margin);
	res->train_margin = NULL;
}

static EnsStatus
Train(EnsModel *m, const EnsTrainSet *ts, void *params, uint64_t seed,
	  const EnsAlloc *al, size_t *peak)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;
	EnsData		d;
	uint32_t   *val = NULL,
				n_val = 0;
	EnsStatus	rc;

	TaskParams(lp, ts, m, seed);
	ens_trainset_data(ts, &d, true);
	if (lp->validation_fraction > 0)
	{
		uint32_t   *fit,
					n_fit;

		if (ts->group_by != NULL)
			lp->n_validation_groups =
				GroupValidationRows(ts, lp->validation_fraction, seed, (EnsAlloc *) al, &fit,
									&n_fit, &val, &n_val);
		else
			ValidationRows(ts, lp->validation_fraction, seed, (EnsAlloc *) al, &fit, &n_fit,
						   &val, &n_val);
		d.rows = fit;
		d.n_use = n_fit;
	}
	lp->res_al = *al;
	/* no held-out rows: the profile describes the training rows' outputs */
	lp->bp.keep_train_margin = ts->nte == 0 && n_val == 0 &&
		ens_profile_nref(ts->ntr) == ts->ntr;
	rc = TrainThreads(m, &d, val, n_val, &lp->bp, al, &lp->res);
	if (rc == ENS_EINVAL || rc == ENS_ELIMIT)
		ens_pg_raise_error(&lp->res.error);
	if (rc == ENS_OK)
		KeepOutputs(m, ts, &lp->res, al);
	if (peak)
		*peak = lp->res.peak_bytes;
	return rc;
}

/* Without a validation split (it is made with PostgreSQL's memory), as Train. */
static bool
PreparePlain(void *params, const EnsTrainSet *ts, const EnsModel *m, uint64_t seed)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;

	if (lp->validation_fraction > 0)
		return false;
	TaskParams(lp, ts, m, seed);
	lp->bp.n_threads = 1;
	return true;
}

/* The result's arrays are not kept: cross-validation reads only the model. */
static EnsStatus
TrainPlain(EnsModel *m, const EnsData *d, void *params, const EnsAlloc *al,
		   EnsInterruptFn intr, void *intr_arg, size_t *peak, EnsError *err)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;
	EnsStatus	rc = boost_train(m, d, NULL, 0, &lp->bp, al, intr, intr_arg, &lp->res);

	if (err)
		*err = lp->res.error;
	if (peak)
		*peak = lp->res.peak_bytes;
	boost_result_free(&lp->res, al);
	return rc;
}

static const char *
LossName(int objective)
{
	switch (objective)
	{
		case ENS_OBJ_LOGISTIC:
			return "logistic";
		case ENS_OBJ_SOFTMAX:
			return "softmax";
		case ENS_OBJ_SQUARED:
			return "squared";
		case ENS_OBJ_ABSOLUTE:
			return "absolute";
		case ENS_OBJ_HUBER:
			return "huber";
	}
	return "none";
}

static void
ParamsJson(StringInfo s, const void *params, const EnsModel *m, bool *first)
{
	const BoostLearnerParams *lp = (const BoostLearnerParams *) params;
	const BoostParams *p = &lp->bp;

	ens_json_num(s, "n_rounds", p->n_rounds, first);
	ens_json_num(s, "learning_rate", p->learning_rate, first);
	if (p->max_depth > 0)
		ens_json_num(s, "max_depth", p->max_depth, first);
	else
		appendStringInfoString(s, ", \"max_depth\": null");
	if (p->max_leaves > 0)
		ens_json_num(s, "max_leaves", p->max_leaves, first);
	else
		appendStringInfoString(s, ", \"max_leaves\": null");
	ens_json_num(s, "min_child_weight", p->min_child_weight, first);
	ens_json_num(s, "l2", p->l2, first);
	ens_json_num(s, "subsample", p->subsample, first);
	ens_json_num(s, "colsample", p->colsample, first);
	if (p->early_stopping_rounds > 0)
		ens_json_num(s, "early_stopping_rounds", p->early_stopping_rounds, first);
	else
		appendStringInfoString(s, ", \"early_stopping_rounds\": null");
	ens_class_weight_json(s, &p->class_weight);
	appendStringInfo(s, ", \"loss\": \"%s\"", LossName(m->objective));
	if (m->objective == ENS_OBJ_HUBER)
		ens_json_num(s, "huber_delta", p->huber_delta, first);
	if (lp->validation_fraction > 0)
		ens_json_num(s, "validation_fraction", lp->validation_fraction, first);
	else
		appendStringInfoString(s, ", \"validation_fraction\": null");
}

/* rounds, the best round and the validation curve (metric per round) */
static void
MetricsJson(StringInfo s, const void *params, const EnsModel *m, bool *first)
{
	BoostLearnerParams *lp = (BoostLearnerParams *) params;
	const BoostResult *r = &lp->res;
	uint32_t	i;

	ens_json_num(s, "threads", lp->bp.n_threads, first);
	ens_json_num(s, "trees_at_once", r->trees_at_once, first);
	ens_json_num(s, "trees_regrown", r->trees_regrown, first);
	ens_json_num(s, "n_nodes", m->n_nodes, first);
	ens_json_num(s, "rounds_run", r->rounds_run, first);
	ens_json_num(s, "rounds_kept", r->rounds_kept, first);
	if (lp->n_validation_groups > 0)
		ens_json_num(s, "n_validation_groups", lp->n_validation_groups, first);
	if (r->curve)
	{
		ens_json_num(s, "best_round", r->best_round + 1, first);
		appendStringInfo(s, ", \"validation_metric\": \"%s\", \"validation_curve\": [", r->metric);
		for (i = 0; i < r->rounds_run; i++)
			appendStringInfo(s, "%s%.10g", i ? ", " : "", r->curve[i]);
		appendStringInfoChar(s, ']');
	}
	boost_result_free(&lp->res, &lp->res_al);
}

const EnsLearner ens_boost_learner = {
	"boosting", ENS_WHAT_BOOSTING_TRAINING, ENS_BOOST,
	"n_rounds, learning_rate, max_depth, max_leaves, min_child_weight, l2, subsample, colsample, early_stopping_rounds, class_weight, loss, huber_delta, validation_fraction",
	sizeof(BoostLearnerParams), Defaults, Set, Train, ParamsJson, MetricsJson, Check,
	PreparePlain, TrainPlain,
	BOOST_MAX_TARGET, "1e30",	/* boost.h */
	NULL,
	ENS_BINS_SKETCH				/* XGBoost's hist sketch, up to 256 bins */
};

/* train_boosting's own arguments, between task (4) and test_fraction */
static const EnsTrainArg boost_args[] = {
	{5, "n_rounds", 'i'}, {6, "learning_rate", 'f'}, {7, "max_depth", 'i'},
	{8, "max_leaves", 'i'}, {9, "min_child_weight", 'f'}, {10, "l2", 'f'},
	{11, "subsample", 'f'}, {12, "colsample", 'f'}, {13, "early_stopping_rounds", 'i'},
	{14, "class_weight", 't'}, {15, "loss", 't'}, {16, "huber_delta", 'f'},
	{17, "validation_fraction", 'f'}
};

/* group_by, last: after test_fraction, seed and keep_category_names */
#define BOOST_GROUP_ARG 21

PG_FUNCTION_INFO_V1(model_train_boosting);
Datum
model_train_boosting(PG_FUNCTION_ARGS)
{
	return ens_train_sql(fcinfo, &ens_boost_learner, boost_args, lengthof(boost_args),
						 BOOST_GROUP_ARG, ENS_REGISTRY_CURRENT);
}
