/*
 * model_cv.c - one parameter set scored over cross-validation folds, and
 * cross_validate(algorithm, relation, target, ...), which reads the rows
 * once, makes the folds (model_folds.c), trains the learner on each fold's
 * training rows and scores its test rows with the shared metrics, returns
 * one row per fold and metric and a summary (mean, sd), and writes one row
 * of the run log in the caller's transaction.
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "model_runs.h"
#include "model_tune.h"

const EnsLearner *
ens_learner_by_name(const char *name)
{
	if (strcmp(name, ens_forest_learner.algorithm) == 0)
		return &ens_forest_learner;
	if (strcmp(name, ens_boost_learner.algorithm) == 0)
		return &ens_boost_learner;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown algorithm \"%s\"", name),
			 errhint("Valid algorithms: forest, boosting.")));
	return NULL;
}

const EnsLearner *
ens_learner_of(const EnsModel *m)
{
	return m->algorithm == ENS_BOOST ? &ens_boost_learner : &ens_forest_learner;
}

typedef struct LearnerKeys
{
	const EnsLearner *l;
	void	   *params;
	int		   *task;
	const char *context;
} LearnerKeys;

static void
LearnerKey(const char *key, const EnsValue *v, JsonbValue *raw, void *arg)
{
	LearnerKeys *lk = (LearnerKeys *) arg;

	if (strcmp(key, "task") == 0)
		*lk->task = ens_params_task(v);
	else
		ens_learner_set(lk->l, lk->params, key, v, lk->context);
}

/*
 * A jsonb object of learner parameters through the learner's one validator;
 * "task" ('auto', 'classification', 'regression') sets *task.
 */
void
ens_learner_jsonb(const EnsLearner *l, void *params, Jsonb *jb, int *task, const char *context)
{
	LearnerKeys lk = {l, params, task, psprintf("%s.", context)};

	ens_jsonb_each(jb, context, LearnerKey, &lk);
}

/* A budget for one training: what the training set and the folds left of the cap. */
static void
TrainingAlloc(EnsPgAlloc *fpa, const EnsTrainSet *ts, MemoryContext cxt)
{
	ens_pg_alloc_init(fpa, cxt, true);
	if (ts->pa->limit)
		fpa->limit = ts->pa->limit > ts->pa->cur ? ts->pa->limit - ts->pa->cur : 1;
}

/*
 * What l's training dealt in a fold's training rows (a forest's calibration
 * folds of whole groups), as members of the fold's scores; NULL: nothing.
 */
char *
ens_cv_fold_json(const EnsLearner *l, const void *params, const EnsModel *m)
{
	StringInfoData s;

	if (l->fold_json == NULL)
		return NULL;
	initStringInfo(&s);
	l->fold_json(&s, params, m);
	if (s.len > 0)
		return s.data;
	pfree(s.data);
	return NULL;
}

/*
 * Train on fold f's training rows (its own bins) and score its test rows;
 * *fold_json in the caller's context.
 */
static void
ScoreFold(const EnsLearner *l, const void *params, const EnsTrainSet *ts, const EnsFold *fo,
		  uint64_t seed, double *values, StringInfo params_json, char **fold_json, size_t *peak)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict fold training",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	EnsPgAlloc	fpa;
	EnsTrainSet fts;
	EnsModel	m;
	void	   *p = palloc(l->params_size);
	size_t		engine = 0;

	TrainingAlloc(&fpa, ts, cxt);
	memcpy(p, params, l->params_size);
	ens_fold_view(ts, fo, &fts);
	ens_trainset_model(&fts, &m, l->tag);
	ens_pg_check(l->train(&m, &fts, p, seed, &fpa.al, &engine),
				 l->training, NULL);
	ens_score_rows(&fts, &m, fo->test_rows, fo->nte, &fpa.al, values);
	MemoryContextSwitchTo(old);
	*fold_json = ens_cv_fold_json(l, p, &m);
	MemoryContextSwitchTo(cxt);
	if (params_json)
	{
		bool		first = true;

		appendStringInfoChar(params_json, '{');
		l->params_json(params_json, p, &m, &first);
		/* the seed as the caller wrote it (a bigint), as train_* records it */
		appendStringInfo(params_json, ", \"seed\": " INT64_FORMAT "}", (int64) seed);
	}
	*peak = Max(*peak, ts->pa->cur + fpa.peak + engine);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}

/* cs's shape for fs (values still to come) */
static void
CvInit(EnsCvScore *cs, const EnsTrainSet *ts, const EnsFolds *fs, StringInfo pj)
{
	int			f;

	memset(cs, 0, sizeof(*cs));
	cs->k = fs->k;
	cs->names = ens_metric_names(ts->task, &cs->nm);
	cs->v = palloc(sizeof(double) * fs->k * cs->nm);
	cs->ntr = palloc(sizeof(uint32_t) * fs->k);
	cs->nte = palloc(sizeof(uint32_t) * fs->k);
	cs->fold_json = palloc0(sizeof(char *) * fs->k);
	initStringInfo(pj);
	for (f = 0; f < fs->k; f++)
	{
		EnsTrainSet v;

		/* the counts the learner is given (ens_fold_view), as logged */
		ens_fold_view(ts, &fs->fold[f], &v);
		cs->ntr[f] = v.ntr;
		cs->nte[f] = v.nte;
	}
}

/* means and sds over the folds where a metric is defined */
static void
CvFinish(EnsCvScore *cs, const EnsTrainSet *ts, StringInfo pj)
{
	int			f,
				i;

	cs->params = pj->data;
	cs->peak = Max(cs->peak, ts->pa->peak);
	for (i = 0; i < cs->nm; i++)
	{
		double		sum = 0,
					ss = 0;
		int			n = 0;

		for (f = 0; f < cs->k; f++)
			if (!isnan(cs->v[f * cs->nm + i]))
			{
				sum += cs->v[f * cs->nm + i];
				n++;
			}
		cs->mean[i] = n ? sum / n : NAN;
		for (f = 0; f < cs->k; f++)
			if (!isnan(cs->v[f * cs->nm + i]))
				ss += (cs->v[f * cs->nm + i] - cs->mean[i]) * (cs->v[f * cs->nm + i] - cs->mean[i]);
		cs->sd[i] = n ? sqrt(ss / n) : NAN;
	}
}

/* One parameter set's folds side by side; false if they could not be. */
static bool
ScoreFoldsOnThreads(const EnsLearner *l, const void *params, EnsTrainSet *ts,
					const EnsFolds *fs, uint64_t seed, EnsCvScore *cs, StringInfo pj)
{
	EnsCvQueue *q;
	volatile bool done = false;
	double		secs;

	if (!ens_cv_threads_apply(l, ts, fs) ||
		(q = ens_cv_queue_start(l, &params, 1, ts, fs, seed)) == NULL)
		return false;
	PG_TRY();
	{
		done = ens_cv_queue_result(q, 0, cs->nm, cs->v, pj, cs->fold_json, &cs->peak, &secs);
	}
	PG_FINALLY();
	{
		ens_cv_queue_stop(q);
	}
	PG_END_TRY();
	return done;
}

void
ens_cv_score(const EnsLearner *l, const void *params, EnsTrainSet *ts, const EnsFolds *fs,
			 uint64_t seed, EnsCvScore *cs)
{
	instr_time	t0,
				t1;
	StringInfoData pj;
	int			f;

	INSTR_TIME_SET_CURRENT(t0);
	CvInit(cs, ts, fs, &pj);
	if (!ScoreFoldsOnThreads(l, params, ts, fs, seed, cs, &pj))
		for (f = 0; f < fs->k; f++)
		{
			CHECK_FOR_INTERRUPTS();
			ScoreFold(l, params, ts, &fs->fold[f], seed, cs->v + f * cs->nm, f == 0 ? &pj : NULL,
					  &cs->fold_json[f], &cs->peak);
		}
	CvFinish(cs, ts, &pj);
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	cs->secs = INSTR_TIME_GET_DOUBLE(t1);
}

/*
 * Parameter set i of queue q (sets scored in order); false when the queue
 * stopped (see ens_cv_queue_result): then score it with ens_cv_score.
 */
bool
ens_cv_score_queued(EnsCvQueue *q, int i, EnsTrainSet *ts, const EnsFolds *fs, EnsCvScore *cs)
{
	StringInfoData pj;
	double		secs;

	CvInit(cs, ts, fs, &pj);
	if (!ens_cv_queue_result(q, i, cs->nm, cs->v, &pj, cs->fold_json, &cs->peak, &secs))
		return false;
	CvFinish(cs, ts, &pj);
	cs->secs = secs;
	return true;
}

int
ens_cv_metric_index(const EnsCvScore *cs, const char *metric)
{
	int			i;

	for (i = 0; i < cs->nm; i++)
		if (strcmp(cs->names[i], metric) == 0)
			return i;
	return -1;
}

/* Is score a better than b on this metric?  An undefined score never is. */
bool
ens_cv_better(const char *metric, double a, double b)
{
	if (isnan(a))
		return false;
	if (isnan(b))
		return true;
	return ens_metric_lower_better(metric) ? a < b : a > b;
}

/*
 * A metric no test fold gave a value of (roc_auc when every test fold holds
 * one class): tune() cannot rank by it, and cross_validate() says why its
 * summary row is NULL.
 */
void
ens_cv_undefined(int elevel, const char *metric, bool classification)
{
	ereport(elevel,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("metric %s is undefined on every fold", metric),
			 strcmp(metric, "roc_auc") == 0 ?
			 errdetail("ROC AUC needs test rows of two classes or more, and the test rows of each fold hold one class.") :
			 errdetail("No fold's test rows give a value of %s.", metric),
			 elevel >= ERROR ?
			 (classification ?
			  errhint("Rank by another metric (metric => 'log_loss' or 'accuracy'), or use a split whose test folds hold every class (split => 'stratified').") :
			  errhint("Rank by another metric (metric => 'rmse' or 'mae'), or use another split.")) :
			 (classification ?
			  errhint("Use a split whose test folds hold every class (split => 'stratified').") :
			  errhint("Use another split."))));
}

static void
MetricsObject(StringInfo s, const EnsCvScore *cs, const double *v)
{
	bool		first = true;
	int			i;

	appendStringInfoChar(s, '{');
	for (i = 0; i < cs->nm; i++)
		ens_json_num(s, cs->names[i], v[i], &first);
	appendStringInfoChar(s, '}');
}

/*
 * {"folds": [{"fold": 1, "n_train": .., "n_test": .., what training dealt
 * (ens_cv_fold_json), metrics}, ..], "mean": {..}, "sd": {..}}
 */
char *
ens_cv_metrics_json(const EnsCvScore *cs)
{
	StringInfoData s;
	int			f,
				i;

	initStringInfo(&s);
	appendStringInfoString(&s, "{\"folds\": [");
	for (f = 0; f < cs->k; f++)
	{
		bool		first = false;

		appendStringInfo(&s, "%s{\"fold\": %d, \"n_train\": %u, \"n_test\": %u", f ? ", " : "",
						 f + 1, cs->ntr[f], cs->nte[f]);
		if (cs->fold_json[f])
			appendStringInfoString(&s, cs->fold_json[f]);
		for (i = 0; i < cs->nm; i++)
			ens_json_num(&s, cs->names[i], cs->v[f * cs->nm + i], &first);
		appendStringInfoChar(&s, '}');
	}
	appendStringInfoString(&s, "], \"mean\": ");
	MetricsObject(&s, cs, cs->mean);
	appendStringInfoString(&s, ", \"sd\": ");
	MetricsObject(&s, cs, cs->sd);
	appendStringInfoChar(&s, '}');
	return s.data;
}

/* ---------- cross_validate() ---------- */

static void
PutRow(ReturnSetInfo *rsinfo, int fold, const char *metric, double value, double sd)
{
	Datum		v[4];
	bool		nulls[4] = {fold == 0, false, isnan(value), isnan(sd)};

	v[0] = Int32GetDatum(fold);
	v[1] = CStringGetTextDatum(metric);
	v[2] = Float8GetDatum(value);
	v[3] = Float8GetDatum(sd);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
}

static void
PutScores(ReturnSetInfo *rsinfo, const EnsCvScore *cs)
{
	int			f,
				i;

	for (f = 0; f < cs->k; f++)
	{
		PutRow(rsinfo, f + 1, "n_train", cs->ntr[f], NAN);
		PutRow(rsinfo, f + 1, "n_test", cs->nte[f], NAN);
		for (i = 0; i < cs->nm; i++)
			PutRow(rsinfo, f + 1, cs->names[i], cs->v[f * cs->nm + i], NAN);
	}
	for (i = 0; i < cs->nm; i++)
		PutRow(rsinfo, 0, cs->names[i], cs->mean[i], cs->sd[i]);
}

static void
LogCrossValidation(const EnsLearner *l, const EnsTrainInput *in, const EnsTrainSet *ts,
				   const EnsFolds *fs, const EnsCvScore *cs, double secs)
{
	EnsRun		run;
	int			mi;

	memset(&run, 0, sizeof(run));
	run.kind = "cv";
	run.algorithm = l->algorithm;
	run.params = cs->params;
	run.metrics = ens_cv_metrics_json(cs);
	run.metric = ts->task == ENS_CLASSIFICATION ? "roc_auc" : "rmse";
	mi = ens_cv_metric_index(cs, run.metric);
	run.score = cs->mean[mi];
	run.score_sd = cs->sd[mi];
	run.source = in->rel.qualified;
	run.n_rows = (int64) ts->n;
	run.fingerprint = ts->fingerprint;
	run.folds = ens_folds_json(fs);
	run.secs = secs;
	run.peak_bytes = (int64) cs->peak;
	ens_run_insert(&run);
}

/*
 * cross_validate(algorithm, relation, target, features, params, folds,
 * split, group_by, order_by, gap, seed)
 */
PG_FUNCTION_INFO_V1(model_cross_validate);
Datum
model_cross_validate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const EnsLearner *l;
	void	   *params;
	int			task = 0;
	EnsFoldSpec spec;
	EnsTrainInput in;
	EnsTrainSet ts;
	EnsPgAlloc	pa;
	EnsFolds	fs;
	EnsCvScore	cs;
	MemoryContext cxt,
				old;
	instr_time	t0,
				t1;
	int			i;

	INSTR_TIME_SET_CURRENT(t0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("algorithm, relation and target must not be NULL")));
	l = ens_learner_by_name(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	params = palloc0(l->params_size);
	l->defaults(params);
	if (!PG_ARGISNULL(4))
		ens_learner_jsonb(l, params, PG_GETARG_JSONB_P(4), &task, "params");
	if (l->check)
		l->check(params, task, 0, true);
	ens_fold_spec_args(&spec, fcinfo, 5);
	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	memset(&in, 0, sizeof(in));
	in.relid = PG_GETARG_OID(1);
	in.target = text_to_cstring(PG_GETARG_TEXT_PP(2));
	in.features = PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3);
	in.task = task;
	in.learner = l;
	ens_fold_spec_input(&spec, &in);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict cross-validation",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	ens_pg_alloc_init(&pa, cxt, true);
	ens_trainset_read(&ts, &in, &pa);
	ens_folds_make(&fs, &spec, &ts);
	ens_cv_score(l, params, &ts, &fs, (uint64_t) spec.seed, &cs);
	for (i = 0; i < cs.nm; i++)
		if (isnan(cs.mean[i]))
			ens_cv_undefined(NOTICE, cs.names[i], ts.task == ENS_CLASSIFICATION);
	PutScores(rsinfo, &cs);
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	LogCrossValidation(l, &in, &ts, &fs, &cs, INSTR_TIME_GET_DOUBLE(t1));
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	SPI_finish();
	return (Datum) 0;
}
