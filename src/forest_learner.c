/*
 * forest_learner.c - the random forest as a learner of the shared pipeline
 * (model_train.c): its parameters, training with tree threads, what it
 * records in the registry, and the train_forest() entry points.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "model_train.h"

/*
 * Train with edupredict.forest_threads threads.  With more than one, the
 * engine polls the cancel flags (ens_pg_poll_interrupt) and unwinds
 * (joining its threads) before CHECK_FOR_INTERRUPTS() raises the cancel
 * here; a barrier, which raises nothing, restarts the deterministic
 * training.
 */
EnsStatus
forest_pg_train(EnsModel *m, const EnsData *d, ForestParams *p,
				const EnsAlloc *al, size_t *peak, ForestOob *oob)
{
	int			attempt;
	EnsStatus	rc = ENS_OK;

	for (attempt = 0; attempt < 3; attempt++)
	{
		p->n_threads = edupredict_forest_threads;
		if (p->n_threads <= 1)
			return forest_train(m, d, p, al, ens_pg_interrupt, NULL, peak, oob);
		rc = forest_train(m, d, p, al, ens_pg_poll_interrupt, NULL, peak, oob);
		if (rc != ENS_EINTR)
			return rc;
		CHECK_FOR_INTERRUPTS();
		ens_pg_restarts++;
	}
	p->n_threads = 1;
	return forest_train(m, d, p, al, ens_pg_interrupt, NULL, peak, oob);
}

static void
Defaults(void *params)
{
	forest_params_default((ForestParams *) params);
}

static EnsParamResult
Set(void *params, const char *key, const EnsValue *v, EnsParamWhy *why)
{
	return forest_param_set((ForestParams *) params, key, v, why);
}

/*
 * Out-of-bag calibration calibrates class probabilities only.  The hint
 * names the settings as the caller takes them: named arguments (train_forest)
 * or keys of params (cross_validate, tune, forest_agg).
 */
static void
CheckCalibration(const ForestParams *fp, int task, bool settings_in_params)
{
	if (fp->calibration_folds != 0 && fp->calibration == ENS_CAL_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration_folds needs a calibration method"),
				 settings_in_params ?
				 errhint("Add \"calibration\": \"isotonic\" or \"sigmoid\" to params, or leave \"calibration_folds\" out.") :
				 errhint("Add calibration => 'isotonic' or 'sigmoid', or leave calibration_folds NULL.")));
	if (fp->calibration != ENS_CAL_NONE && task == ENS_REGRESSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration is for classification: a regression forest has no class probabilities"),
				 errhint("Leave calibration NULL for a regression target.")));
	if ((uint64) fp->calibration_folds * (uint64) fp->n_trees > ENS_MAX_TREES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("calibration_folds x n_trees (%u x %d) is over %d trees",
						fp->calibration_folds, fp->n_trees, ENS_MAX_TREES),
				 errhint("Use fewer folds or trees: the model holds calibration_folds forests of n_trees trees.")));
}

/*
 * Before any row is read, with the task asked for (0: 'auto'); again with
 * the task the rows decide (TaskParams).
 */
static void
Check(void *params, int task, uint32_t n_classes, bool settings_in_params)
{
	const ForestParams *fp = (const ForestParams *) params;
	EnsError	err;

	(void) n_classes;
	if (ens_class_weight_check(&fp->class_weight, task, &err) != ENS_OK)
		ens_pg_raise_error(&err);
	CheckCalibration(fp, task, settings_in_params);
}

/* What the training set decides: task, classes, seed. */
static void
TaskParams(ForestParams *fp, const EnsTrainSet *ts, const EnsModel *m, uint64_t seed)
{
	CheckCalibration(fp, ts->task, ts->settings_in_params);
	fp->task = ts->task;
	fp->n_classes = m->n_classes;
	fp->seed = seed;
	ens_class_weight_resolve(&fp->class_weight, ts);
}

/*
 * With calibration: the calibrator fitted on the out-of-bag probabilities
 * of the training rows (forest_oob.c).  Raises nothing: err (ENS_EINVAL,
 * ENS_ELIMIT) says why it failed.
 */
static EnsStatus
Calibrate(EnsModel *m, const EnsData *d, ForestParams *fp, ForestOob *oob,
		  const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg, EnsError *err)
{
	EnsStatus	rc = forest_oob_calibrate(m, d, oob, fp->calibration, al, intr, intr_arg, err);

	fp->calibration_rows = oob->n;
	forest_oob_free(oob, al);
	return rc;
}

/* A fold's forest of a cross-fitted calibration (forest_cvcal.c), in a backend. */
static EnsStatus
PgMember(EnsModel *m, const EnsData *d, ForestParams *p, const EnsAlloc *al, size_t *peak,
		 void *arg)
{
	(void) arg;
	return forest_pg_train(m, d, p, al, peak, NULL);
}

typedef struct PlainIntr
{
	EnsInterruptFn intr;
	void	   *arg;
} PlainIntr;

/* The same where the caller polls for interrupts (cross_validate's threads). */
static EnsStatus
PlainMember(EnsModel *m, const EnsData *d, ForestParams *p, const EnsAlloc *al, size_t *peak,
			void *arg)
{
	PlainIntr  *pi = (PlainIntr *) arg;

	return forest_train(m, d, p, al, pi->intr, pi->arg, peak, NULL);
}

/*
 * Rows of each class in each of k group folds of ts's training rows (the
 * metrics' "calibration_fold_classes": how far the folds' class mix strays
 * from the rows'); NULL for a regression, which is never calibrated.
 */
static const uint32_t *
FoldClasses(const EnsTrainSet *ts, const uint32_t *fold_of, uint32_t k)
{
	uint32_t   *cnt,
				i;

	if (ts->task != ENS_CLASSIFICATION || ts->ycls == NULL)
		return NULL;
	cnt = palloc0(sizeof(uint32_t) * k * ts->K);
	for (i = 0; i < ts->ntr; i++)
		cnt[fold_of[i] * ts->K + ts->ycls[ts->train_rows[i]]]++;
	return cnt;
}

/*
 * With group_by: calibration folds of whole groups of the training rows
 * (model_groups.c: stratified by class as the test groups are, under
 * either group split of cross_validate / tune too), so each calibrator is
 * fitted on groups its forest never saw.  Out of bag is refused: a row's
 * out-of-bag trees were grown on its group's other rows.
 */
static void
GroupCalibrationFolds(ForestParams *fp, const EnsTrainSet *ts)
{
	uint32_t	ng;

	if (ts->group_by == NULL || fp->calibration == ENS_CAL_NONE)
		return;
	/*
	 * the hint names the setting as the caller takes it; the message names
	 * the groups as the caller gave them (a column, or an aggregate's key)
	 */
	if (fp->calibration_folds == 0 && ts->settings_in_params)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 ts->group_key_of ?
				 errmsg("out-of-bag calibration cannot keep the groups of the group_key argument of %s apart",
						ts->group_key_of) :
				 errmsg("out-of-bag calibration cannot keep the groups of group_by column \"%s\" apart",
						ts->group_by),
				 errdetail("A row's out-of-bag trees were grown on the other rows of its group."),
				 errhint("Add \"calibration_folds\": 5 to params to fit the calibrator on folds of whole groups.")));
	if (fp->calibration_folds == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("out-of-bag calibration cannot keep the groups of group_by column \"%s\" apart",
						ts->group_by),
				 errdetail("A row's out-of-bag trees were grown on the other rows of its group."),
				 errhint("Add calibration_folds => 5 to fit the calibrator on folds of whole groups.")));
	ng = ens_group_count(ts, ts->train_rows, ts->ntr);
	if (ng < fp->calibration_folds)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 ts->group_key_of ?
				 errmsg_plural("the group_key argument of %s has %u distinct value in the training rows, fewer than the %u calibration_folds",
							   "the group_key argument of %s has %u distinct values in the training rows, fewer than the %u calibration_folds",
							   ng, ts->group_key_of, ng, fp->calibration_folds) :
				 errmsg_plural("group_by column \"%s\" has %u distinct value in the training rows, fewer than the %u calibration_folds",
							   "group_by column \"%s\" has %u distinct values in the training rows, fewer than the %u calibration_folds",
							   ng, ts->group_by, ng, fp->calibration_folds),
				 errhint("Group folds need at least one group per fold: lower calibration_folds.")));
	fp->calibration_fold_of = ens_group_folds_of(ts, fp->calibration_folds, fp->seed);
	fp->calibration_fold_classes = FoldClasses(ts, fp->calibration_fold_of, fp->calibration_folds);
}

static EnsStatus
Train(EnsModel *m, const EnsTrainSet *ts, void *params, uint64_t seed,
	  const EnsAlloc *al, size_t *peak)
{
	ForestParams *fp = (ForestParams *) params;
	EnsData		d;
	ForestOob	oob;
	EnsError	err;
	EnsStatus	rc;

	ens_trainset_data(ts, &d, true);
	TaskParams(fp, ts, m, seed);
	GroupCalibrationFolds(fp, ts);
	ens_error_clear(&err);
	if (fp->calibration_folds)
		rc = forest_cv_calibrate(m, &d, fp, al, PgMember, NULL, ens_pg_interrupt, NULL, peak,
								 &err);
	else
	{
		ens_trainset_want_outputs(ts, &d);
		rc = forest_pg_train(m, &d, fp, al, peak, fp->calibration ? &oob : NULL);
		if (rc != ENS_OK || fp->calibration == ENS_CAL_NONE)
			return rc;
		rc = Calibrate(m, &d, fp, &oob, al, ens_pg_interrupt, NULL, &err);
	}
	if (rc == ENS_EINVAL || rc == ENS_ELIMIT)
		ens_pg_raise_error(&err);
	return rc;
}

static bool
PreparePlain(void *params, const EnsTrainSet *ts, const EnsModel *m, uint64_t seed)
{
	ForestParams *fp = (ForestParams *) params;

	TaskParams(fp, ts, m, seed);
	/* here, where it may raise: the threads only read the fold's shared group folds */
	GroupCalibrationFolds(fp, ts);
	fp->n_threads = 1;
	return true;
}

static EnsStatus
TrainPlain(EnsModel *m, const EnsData *d, void *params, const EnsAlloc *al,
		   EnsInterruptFn intr, void *intr_arg, size_t *peak, EnsError *err)
{
	ForestParams *fp = (ForestParams *) params;
	ForestOob	oob;
	EnsStatus	rc;

	ens_error_clear(err);
	if (fp->calibration_folds)
	{
		PlainIntr	pi = {intr, intr_arg};

		return forest_cv_calibrate(m, d, fp, al, PlainMember, &pi, intr, intr_arg, peak, err);
	}
	rc = forest_train(m, d, fp, al, intr, intr_arg, peak, fp->calibration ? &oob : NULL);
	if (rc != ENS_OK || fp->calibration == ENS_CAL_NONE)
		return rc;
	return Calibrate(m, d, fp, &oob, al, intr, intr_arg, err);
}

static void
ParamsJson(StringInfo s, const void *params, const EnsModel *m, bool *first)
{
	const ForestParams *fp = (const ForestParams *) params;

	ens_json_num(s, "n_trees", fp->n_trees, first);
	if (fp->max_depth > 0)
		ens_json_num(s, "max_depth", fp->max_depth, first);
	else
		appendStringInfoString(s, ", \"max_depth\": null");
	ens_json_num(s, "min_samples_leaf", fp->min_samples_leaf, first);
	if (fp->max_features > 0)
		ens_json_num(s, "max_features", fp->max_features, first);
	else
		appendStringInfoString(s, ", \"max_features\": null");
	ens_json_num(s, "mtry", forest_default_mtry(m->task, m->n_features, fp->max_features), first);
	ens_class_weight_json(s, &fp->class_weight);
	ens_json_num(s, "sample_fraction", fp->sample_fraction, first);
	/* only when set: the params of uncalibrated forests stay as they were */
	if (fp->calibration != ENS_CAL_NONE)
		appendStringInfo(s, ", \"calibration\": \"%s\"",
						 fp->calibration == ENS_CAL_ISOTONIC ? "isotonic" : "sigmoid");
	if (fp->calibration_folds)
		ens_json_num(s, "calibration_folds", fp->calibration_folds, first);
}

/*
 * Calibration folds of whole groups: each fold's rows of each class, in
 * class order (the metrics of a model, the scores of a cross-validation
 * fold); nothing for other calibrations.
 */
static void
FoldJson(StringInfo s, const void *params, const EnsModel *m)
{
	const ForestParams *fp = (const ForestParams *) params;
	uint32_t	f,
				c;

	if (fp->calibration_folds == 0 || fp->calibration_fold_classes == NULL)
		return;
	appendStringInfoString(s, ", \"calibration_fold_classes\": [");
	for (f = 0; f < fp->calibration_folds; f++)
	{
		appendStringInfoString(s, f ? ", [" : "[");
		for (c = 0; c < m->n_classes; c++)
			appendStringInfo(s, c ? ", %u" : "%u",
							 fp->calibration_fold_classes[f * m->n_classes + c]);
		appendStringInfoChar(s, ']');
	}
	appendStringInfoChar(s, ']');
}

static void
MetricsJson(StringInfo s, const void *params, const EnsModel *m, bool *first)
{
	const ForestParams *fp = (const ForestParams *) params;

	ens_json_num(s, "threads", fp->n_threads, first);
	ens_json_num(s, "n_nodes", m->n_nodes, first);
	if (fp->calibration != ENS_CAL_NONE)
		ens_json_num(s, "calibration_rows", fp->calibration_rows, first);
	/* the model's trees: n_trees per fold */
	if (fp->calibration_folds)
		ens_json_num(s, "trees", m->n_trees, first);
	FoldJson(s, params, m);
}

const EnsLearner ens_forest_learner = {
	"forest", ENS_WHAT_FOREST_TRAINING, ENS_FOREST,
	"n_trees, max_depth, min_samples_leaf, max_features, class_weight, sample_fraction, calibration, calibration_folds",
	sizeof(ForestParams), Defaults, Set, Train, ParamsJson, MetricsJson, Check,
	PreparePlain, TrainPlain,
	1e38, "1e38",				/* leaf values are floats */
	FoldJson
};

/*
 * train_forest's own arguments, between task (4) and test_fraction, then
 * calibration, last (after keep_category_names: added in 0.2.0); 0.1.0's
 * train_forest has no argument 14.
 */
static const EnsTrainArg forest_args[] = {
	{5, "n_trees", 'i'}, {6, "max_depth", 'i'}, {7, "min_samples_leaf", 'i'},
	{8, "max_features", 'f'}, {9, "class_weight", 't'}, {10, "sample_fraction", 'f'},
	{14, "calibration", 't'}, {15, "calibration_folds", 'i'}
};

/* group_by, last (0.2.0); _train_forest_as_of has as_of there and group_by after it */
#define FOREST_GROUP_ARG 16
#define FOREST_AS_OF_ARG 16
#define FOREST_AS_OF_GROUP_ARG 17

/* 0.1.0's train_forest: a registry without owners, returns edupredict.models */
PG_FUNCTION_INFO_V1(train_forest);
Datum
train_forest(PG_FUNCTION_ARGS)
{
	return ens_train_sql(fcinfo, &ens_forest_learner, forest_args, lengthof(forest_args), -1,
						 ENS_REGISTRY_LEGACY);
}

/* 0.2.0's train_forest: reserved versions, returns edupredict.model_list */
PG_FUNCTION_INFO_V1(model_train_forest);
Datum
model_train_forest(PG_FUNCTION_ARGS)
{
	return ens_train_sql(fcinfo, &ens_forest_learner, forest_args, lengthof(forest_args),
						 FOREST_GROUP_ARG, ENS_REGISTRY_CURRENT);
}

/*
 * _train_forest_as_of(train_forest's arguments but group_by, as_of text,
 * group_by text): train_forest with "as_of" (the term the training rows were
 * cut at) in the new version's metrics, for train_availability: a forecast
 * as of a term uses only versions trained as of that term or before.  Its
 * group_by (the tutor) holds out whole tutors, as train_forest's does.
 */
PG_FUNCTION_INFO_V1(model_train_forest_as_of);
Datum
model_train_forest_as_of(PG_FUNCTION_ARGS)
{
	StringInfoData note;

	if (PG_NARGS() != FOREST_AS_OF_GROUP_ARG + 1 || PG_ARGISNULL(FOREST_AS_OF_ARG))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be NULL")));
	initStringInfo(&note);
	appendStringInfoString(&note, "\"as_of\": ");
	escape_json(&note, text_to_cstring(PG_GETARG_TEXT_PP(FOREST_AS_OF_ARG)));
	return ens_train_sql_noted(fcinfo, &ens_forest_learner, forest_args, lengthof(forest_args),
							   FOREST_AS_OF_GROUP_ARG, ENS_REGISTRY_CURRENT, note.data);
}

/* The first problem the forest's validator finds in a params object. */
typedef struct ParamsProblem
{
	ForestParams params;
	char	   *problem;
} ParamsProblem;

static void
ProblemKey(const char *key, const EnsValue *v, JsonbValue *raw, void *arg)
{
	ParamsProblem *pp = (ParamsProblem *) arg;
	EnsParamWhy why;
	EnsParamResult r;

	(void) raw;
	if (pp->problem != NULL)
		return;
	r = Set(&pp->params, key, v, &why);
	if (r == ENS_PARAM_UNKNOWN)
		pp->problem = psprintf("unknown forest parameter \"%s\" (valid keys: %s)", key,
							   ens_forest_learner.param_names);
	else if (r != ENS_PARAM_OK)
		pp->problem = ens_param_text("", key, &why);
}

/*
 * _forest_params_problem(params jsonb): what the one validator of
 * train_forest and forest_agg says of params (NULL: nothing), so that a
 * caller that trains later (train_availability, refresh_supply) can refuse
 * a bad parameter before it reads a row or writes anything.
 */
PG_FUNCTION_INFO_V1(forest_params_problem);
Datum
forest_params_problem(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	ParamsProblem pp;

	if (!JB_ROOT_IS_OBJECT(jb))
		PG_RETURN_TEXT_P(cstring_to_text("params must be a JSON object"));
	forest_params_default(&pp.params);
	pp.problem = NULL;
	ens_jsonb_each(jb, "params", ProblemKey, &pp);
	if (pp.problem == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(pp.problem));
}
