/*
 * forest_learner.c - the random forest as a learner of the shared pipeline
 * (model_train.c): its parameters, training with tree threads, what it
 * records in the registry, and the train_forest() entry points.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "model_train.h"

/*
 * Train with edupredict.forest_threads threads.  With more than one, the
 * engine polls InterruptPending and unwinds (joining its threads) before
 * CHECK_FOR_INTERRUPTS() raises the cancel here; an interrupt that raises
 * nothing (e.g. a barrier) just restarts the deterministic training.
 */
EnsStatus
forest_pg_train(EnsModel *m, const EnsData *d, ForestParams *p,
				const EnsAlloc *al, size_t *peak)
{
	int			attempt;
	EnsStatus	rc = ENS_OK;

	for (attempt = 0; attempt < 3; attempt++)
	{
		p->n_threads = edupredict_forest_threads;
		if (p->n_threads <= 1)
			return forest_train(m, d, p, al, ens_pg_interrupt, NULL, peak);
		rc = forest_train(m, d, p, al, ens_pg_poll_interrupt, NULL, peak);
		if (rc != ENS_EINTR)
			return rc;
		CHECK_FOR_INTERRUPTS();
	}
	p->n_threads = 1;
	return forest_train(m, d, p, al, ens_pg_interrupt, NULL, peak);
}

static void
Defaults(void *params)
{
	forest_params_default((ForestParams *) params);
}

static EnsParamResult
Set(void *params, const char *key, const EnsValue *v, char *why)
{
	return forest_param_set((ForestParams *) params, key, v, why);
}

/* What the training set decides: task, classes, seed. */
static void
TaskParams(ForestParams *fp, const EnsTrainSet *ts, const EnsModel *m, uint64_t seed)
{
	fp->task = ts->task;
	fp->n_classes = m->n_classes;
	fp->seed = seed;
	if (ts->task != ENS_CLASSIFICATION)
		fp->balanced = false;
}

static EnsStatus
Train(EnsModel *m, const EnsTrainSet *ts, void *params, uint64_t seed,
	  const EnsAlloc *al, size_t *peak)
{
	ForestParams *fp = (ForestParams *) params;
	EnsData		d;

	ens_trainset_data(ts, &d, true);
	ens_trainset_want_outputs(ts, &d);
	TaskParams(fp, ts, m, seed);
	return forest_pg_train(m, &d, fp, al, peak);
}

static bool
PreparePlain(void *params, const EnsTrainSet *ts, const EnsModel *m, uint64_t seed)
{
	ForestParams *fp = (ForestParams *) params;

	TaskParams(fp, ts, m, seed);
	fp->n_threads = 1;
	return true;
}

static EnsStatus
TrainPlain(EnsModel *m, const EnsData *d, void *params, const EnsAlloc *al,
		   EnsInterruptFn intr, void *intr_arg, size_t *peak, char *msg, size_t msglen)
{
	if (msglen)
		msg[0] = '\0';
	return forest_train(m, d, (ForestParams *) params, al, intr, intr_arg, peak);
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
	appendStringInfo(s, ", \"class_weight\": %s", fp->balanced ? "\"balanced\"" : "null");
	ens_json_num(s, "sample_fraction", fp->sample_fraction, first);
}

static void
MetricsJson(StringInfo s, const void *params, const EnsModel *m, bool *first)
{
	ens_json_num(s, "threads", ((const ForestParams *) params)->n_threads, first);
	ens_json_num(s, "n_nodes", m->n_nodes, first);
}

const EnsLearner ens_forest_learner = {
	"forest", ENS_FOREST,
	"n_trees, max_depth, min_samples_leaf, max_features, class_weight, sample_fraction",
	sizeof(ForestParams), Defaults, Set, Train, ParamsJson, MetricsJson, NULL,
	PreparePlain, TrainPlain
};

/* train_forest's own arguments, between task (4) and test_fraction */
static const EnsTrainArg forest_args[] = {
	{5, "n_trees", 'i'}, {6, "max_depth", 'i'}, {7, "min_samples_leaf", 'i'},
	{8, "max_features", 'f'}, {9, "class_weight", 't'}, {10, "sample_fraction", 'f'}
};

/* 0.1.0's train_forest: a registry without owners, returns edupredict.models */
PG_FUNCTION_INFO_V1(train_forest);
Datum
train_forest(PG_FUNCTION_ARGS)
{
	return ens_train_sql(fcinfo, &ens_forest_learner, forest_args, lengthof(forest_args),
						 ENS_REGISTRY_LEGACY);
}

/* 0.2.0's train_forest: reserved versions, returns edupredict.model_list */
PG_FUNCTION_INFO_V1(model_train_forest);
Datum
model_train_forest(PG_FUNCTION_ARGS)
{
	return ens_train_sql(fcinfo, &ens_forest_learner, forest_args, lengthof(forest_args),
						 ENS_REGISTRY_CURRENT);
}
