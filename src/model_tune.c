/*
 * model_tune.c - tune(model_name, algorithm, relation, target, space,
 * trials, method, metric, features, params, folds, split, group_by,
 * order_by, gap, seed, deploy): hyperparameter search by cross-validation.
 *
 *   random   `trials` draws from the space (model_space.c)
 *   grid     every combination of lists and integer ranges
 *   halving  successive halving over rows (scikit-learn's
 *            HalvingRandomSearchCV, factor 3): `trials` draws scored on a
 *            third, a ninth, ... of each fold's training rows, the best
 *            third kept for the next rung, the last rung on all of them
 *
 * Order of work: every argument and every candidate parameter set is
 * checked, the version is reserved (rights and the per-name lock), the
 * deployed version looked up, and only then are the rows read, once; each
 * fold is binned once from its own training rows and shared by every
 * trial.  The best set is refitted on all rows and registered with its CV
 * score; with deploy => 'if_better' the deployed version's parameters are
 * scored on the very same folds first and the new version deployed only
 * if it beats them (a deployed version calibrated by calibrate() on
 * held-out rows is refused: no fold can refit its calibrator).  The run
 * log gets the tuning job, each trial, the comparison and the refit, all
 * in the caller's transaction (a cancelled tune leaves nothing).  Each
 * trial raises a NOTICE and shows in pg_stat_activity.query.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "model_registry_sql.h"
#include "model_runs.h"
#include "model_tune.h"

#define MAX_TRIALS 10000

typedef enum Method
{
	METHOD_RANDOM,
	METHOD_GRID,
	METHOD_HALVING
} Method;

typedef enum DeployMode
{
	DEPLOY_NO,
	DEPLOY_IF_BETTER,
	DEPLOY_YES
} DeployMode;

typedef struct Trial
{
	int			candidate;
	int			rung;
	double		fraction;		/* share of each fold's training rows */
	EnsCvScore	cs;
	double		score,
				sd;
} Trial;

/* The deployed version, scored on the same folds for deploy => 'if_better'. */
typedef struct Baseline
{
	int32		version;		/* 0: none deployed */
	const EnsLearner *l;
	void	   *params;
	char	   *target;
	char	   *task;
	Datum		features;		/* text[] */
	bool		held_out_calibrator;	/* calibrate()'s: no fold can refit it */
	EnsCvScore	cs;
} Baseline;

typedef struct Tune
{
	char	   *model_name;
	const EnsLearner *l;
	Jsonb	   *space_jb;
	int			trials;
	int			method;
	const char *metric;
	int			mi;				/* its index among the task's metrics */
	int			deploy;
	EnsFoldSpec spec;
	EnsTrainInput in;
	EnsSpace   *space;
	void	   *fixed;			/* defaults and params */
	char	   *fixed_json;
	int			ncand;
	EnsValue  **cand;
	int			rungs;
	int			planned;		/* evaluations, over every rung */
	Trial	   *trial;
	int			ntrial;
	int			best;
	EnsTrainSet ts;
	EnsPgAlloc	pa;
	EnsFolds	fs;
	int32		version;
	Baseline	base;
	bool		deployed;
} Tune;

/* The index of a keyword argument among words (NULL: the first), -1 if none. */
static int
Keyword(FunctionCallInfo fcinfo, int argno, const char *const *words, int n)
{
	char	   *s = PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
	int			i;

	for (i = 0; i < n; i++)
		if (s == NULL ? i == 0 : strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

/* A metric name of either task; the task is checked once the rows are read. */
static void
CheckMetricName(const char *metric)
{
	int			nc,
				nr,
				i;
	const char *const *c = ens_metric_names(ENS_CLASSIFICATION, &nc);
	const char *const *r = ens_metric_names(ENS_REGRESSION, &nr);

	for (i = 0; i < nc; i++)
		if (strcmp(metric, c[i]) == 0)
			return;
	for (i = 0; i < nr; i++)
		if (strcmp(metric, r[i]) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown metric \"%s\"", metric),
			 errhint("Classification: accuracy, precision_macro, recall_macro, f1_macro, log_loss, roc_auc; regression: rmse, mae, r2.")));
}

/* params holds what every trial shares, space what they vary: never both. */
static void
NotInSpace(const char *key, const EnsValue *v, JsonbValue *raw, void *arg)
{
	if (ens_space_has((const EnsSpace *) arg, key))
		ENS_BAD_ARG(errmsg("parameter \"%s\" is both in params and in space", key),
					errhint("params holds what every trial shares; space what the search varies."));
}

static void
ReadArgs(FunctionCallInfo fcinfo, Tune *t)
{
	static const char *const methods[] = {"random", "grid", "halving"};
	static const char *const deploys[] = {"no", "if_better", "yes"};
	int			task = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model_name, algorithm, relation, target and space must not be NULL")));
	t->model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (t->model_name[0] == '\0' || strlen(t->model_name) > ENS_MODEL_NAME_MAX_BYTES)
		ENS_BAD_ARG(errmsg("model_name must be 1 to %d bytes long, not %zu",
						   ENS_MODEL_NAME_MAX_BYTES, strlen(t->model_name)));
	t->l = ens_learner_by_name(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	t->space_jb = PG_GETARG_JSONB_P(4);
	t->trials = PG_ARGISNULL(5) ? 30 : PG_GETARG_INT32(5);
	if (t->trials < 1 || t->trials > MAX_TRIALS)
		ENS_BAD_ARG(errmsg("trials must be between 1 and %d", MAX_TRIALS));
	t->method = Keyword(fcinfo, 6, methods, lengthof(methods));
	if (t->method < 0)
		ENS_BAD_ARG(errmsg("method must be 'random', 'grid' or 'halving'"));
	t->metric = PG_ARGISNULL(7) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(7));
	if (t->metric)
		CheckMetricName(t->metric);
	t->deploy = Keyword(fcinfo, 16, deploys, lengthof(deploys));
	if (t->deploy < 0)
		ENS_BAD_ARG(errmsg("deploy must be 'no', 'if_better' or 'yes'"));
	t->space = ens_space_parse(t->space_jb, t->l);
	t->fixed = palloc0(t->l->params_size);
	t->l->defaults(t->fixed);
	t->fixed_json = "{}";
	if (!PG_ARGISNULL(9))
	{
		Jsonb	   *pj = PG_GETARG_JSONB_P(9);

		ens_learner_jsonb(t->l, t->fixed, pj, &task, "params");
		ens_jsonb_each(pj, "params", NotInSpace, t->space);
		t->fixed_json = DatumGetCString(DirectFunctionCall1(jsonb_out, JsonbPGetDatum(pj)));
	}
	ens_fold_spec_args(&t->spec, fcinfo, 10);
	memset(&t->in, 0, sizeof(t->in));
	t->in.relid = PG_GETARG_OID(2);
	t->in.target = text_to_cstring(PG_GETARG_TEXT_PP(3));
	t->in.features = PG_ARGISNULL(8) ? NULL : PG_GETARG_ARRAYTYPE_P(8);
	t->in.task = task;
	t->in.learner = t->l;
	ens_fold_spec_input(&t->spec, &t->in);
}

/* The learner's parameters of candidate c (the fixed ones, then its draw). */
static void *
CandidateParams(const Tune *t, int c)
{
	void	   *p = palloc(t->l->params_size);

	memcpy(p, t->fixed, t->l->params_size);
	ens_space_apply(t->space, t->l, p, t->cand[c]);
	if (t->l->check)
		t->l->check(p, t->in.task, 0, true);
	return p;
}

/* k distinct combinations of a finite space, drawn with the RNG */
static void
DistinctDraws(Tune *t, int64 size, EpRng *rng)
{
	int64	   *idx = palloc_extended(sizeof(int64) * size, MCXT_ALLOC_HUGE);
	int64		i;

	for (i = 0; i < size; i++)
		idx[i] = i;
	for (i = 0; i < t->ncand; i++)
	{
		int64		j = i + ep_rng_below(rng, (uint32_t) (size - i));
		int64		x = idx[i];

		idx[i] = idx[j];
		idx[j] = x;
		t->cand[i] = ens_space_grid_point(t->space, idx[i]);
	}
	pfree(idx);
}

/*
 * k distinct combinations of a space of lists too large to number
 * (ENS_SPACE_MANY): a draw equal to an earlier one is drawn again (k is at
 * most MAX_TRIALS, far fewer than the combinations).
 */
static void
DistinctSamples(Tune *t, EpRng *rng)
{
	int			i = 0,
				j;

	while (i < t->ncand)
	{
		EnsValue   *pt = ens_space_sample(t->space, rng);

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < i && !ens_space_point_equal(t->space, pt, t->cand[j]); j++)
			;
		if (j < i)
			pfree(pt);
		else
			t->cand[i++] = pt;
	}
}

/* grid search: every combination, no more than trials nor ENS_MAX_GRID */
static void
GridSize(const Tune *t, int64 grid)
{
	if (grid < 0)
		ENS_BAD_ARG(errmsg("grid search needs every parameter of space to be a list or an integer range"),
					errhint("Write continuous parameters as lists, or use method => 'random'."));
	if (grid == ENS_SPACE_MANY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the grid has more than %d combinations", ENS_MAX_GRID),
				 errhint("Use fewer values, or method => 'random' or 'halving', which draw from the space.")));
	if (grid > t->trials)
		ENS_BAD_ARG(errmsg("the grid has " INT64_FORMAT " combinations, more than trials (%d)",
						   grid, t->trials),
					errhint("Raise trials to " INT64_FORMAT ", or use method => 'random'.", grid));
}

/*
 * Every candidate, checked (ranges and combinations) before any row is
 * read.  The combinations are counted only where they are used: grid search
 * enumerates them, random and halving search over lists alone draw them
 * without replacement; a space with a range is drawn from, whatever its size.
 */
static void
MakeCandidates(Tune *t)
{
	bool		lists = ens_space_all_lists(t->space);
	int64		grid = -1;
	EpRng		rng;
	int			i;

	ep_rng_seed(&rng, (uint64_t) t->spec.seed, UINT64_C(0x5EA2C4));
	if (t->method == METHOD_GRID || lists)
		grid = ens_space_grid_size(t->space);
	if (t->method == METHOD_GRID)
	{
		GridSize(t, grid);
		t->ncand = (int) grid;
	}
	else
		t->ncand = lists && grid < t->trials ? (int) grid : t->trials;
	t->cand = palloc(sizeof(EnsValue *) * t->ncand);
	if (t->method == METHOD_GRID)
		for (i = 0; i < t->ncand; i++)
			t->cand[i] = ens_space_grid_point(t->space, i);
	else if (lists && grid == ENS_SPACE_MANY)
		DistinctSamples(t, &rng);
	else if (lists)
		DistinctDraws(t, grid, &rng);
	else
		for (i = 0; i < t->ncand; i++)
			t->cand[i] = ens_space_sample(t->space, &rng);
	for (i = 0; i < t->ncand; i++)
		pfree(CandidateParams(t, i));
	/* the values no draw landed on: both ends of a range, every list element */
	ens_space_check_values(t->space, t->l, t->fixed, t->cand[0], t->in.task);
	/*
	 * halving: 1 + floor(log3(ncand)) rungs of ncand, ceil(/3), ...
	 * candidates (scikit-learn's schedule: 30, 10, 4, 2)
	 */
	t->rungs = 1;
	t->planned = t->ncand;
	if (t->method == METHOD_HALVING)
	{
		int			n = t->ncand;
		int64		p;

		for (p = 3; p <= t->ncand; p *= 3)
		{
			n = (n + 2) / 3;
			t->planned += n;
			t->rungs++;
		}
	}
	t->trial = palloc0(sizeof(Trial) * t->planned);
}

/* ---------- the deployed version ---------- */

/*
 * Keys that a version made from another one adds to the params it copies
 * (model_version.c): choose_threshold()'s "threshold", model_profile()'s
 * "profile_rows" and "from_version".  They say what was done to the trained
 * trees, not how the trees were trained.  calibrate()'s "calibration"
 * object is not one of them: see DeployedKey.
 */
static bool
AfterTrainingKey(const char *key)
{
	return strcmp(key, "threshold") == 0 || strcmp(key, "profile_rows") == 0 ||
		strcmp(key, "from_version") == 0;
}

/*
 * The learner's own keys: the training parameters.  What training recorded
 * beside them (mtry, seed, ...) and what later versions added is skipped.
 * "calibration" as a string is the out-of-bag calibrator train_forest fits,
 * a training parameter; as an object it is calibrate()'s, fitted on
 * held-out rows (it replaced any out-of-bag one), which LookupDeployed
 * refuses.
 */
static void
DeployedKey(const char *key, const EnsValue *v, JsonbValue *raw, void *arg)
{
	Baseline   *b = (Baseline *) arg;
	EnsParamWhy why;
	EnsParamResult r;

	if (strcmp(key, "calibration") == 0 && raw->type == jbvBinary)
	{
		b->held_out_calibrator = true;
		return;
	}
	if (AfterTrainingKey(key))
		return;
	r = b->l->set(b->params, key, v, &why);
	if (r != ENS_PARAM_OK && r != ENS_PARAM_UNKNOWN)
		ens_param_error("params.", key, r, &why);
}

/*
 * What the registry holds of the deployed version (SPI connected), read
 * after ens_registry_reserve() took the name's lock, with a new snapshot
 * (read_only false: CommandCounterIncrement and a fresh snapshot, as
 * Deploy's deploy() call gets).  The statement's snapshot predates the wait
 * for the lock: a version another session deployed and committed meanwhile
 * would be missed, and the comparison made against the one it replaced.
 * Nothing can deploy another version of the name until this transaction
 * ends (deploy() takes the same lock), so what is read here stays the
 * deployed version until Deploy decides.
 */
/* a refusal of the deployed version's params says whose they are */
static void
DeployedParamsContext(void *arg)
{
	const Tune *t = (const Tune *) arg;

	errcontext("reading the params of deployed version %d of model \"%s\"",
			   t->base.version, t->model_name);
}

static void
LookupDeployed(Tune *t)
{
	ErrorContextCallback cb;
	Oid			at[1] = {TEXTOID};
	Datum		av[1];
	bool		isnull;
	int			ret;
	HeapTuple	row;
	TupleDesc	td;
	Jsonb	   *pj;
	Baseline   *b = &t->base;

	av[0] = CStringGetTextDatum(t->model_name);
	ret = SPI_execute_with_args("SELECT m.version, m.algorithm, m.params, m.target, m.task, m.features "
								"FROM edupredict.models m WHERE m.name OPERATOR(pg_catalog.=) $1 "
								"AND m.deployed", 1, at, av, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not look up the deployed version: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
		return;
	row = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	b->version = DatumGetInt32(SPI_getbinval(row, td, 1, &isnull));
	b->l = ens_learner_by_name(TextDatumGetCString(SPI_getbinval(row, td, 2, &isnull)));
	pj = DatumGetJsonbPCopy(SPI_getbinval(row, td, 3, &isnull));
	b->target = TextDatumGetCString(SPI_getbinval(row, td, 4, &isnull));
	b->task = TextDatumGetCString(SPI_getbinval(row, td, 5, &isnull));
	b->features = datumCopy(SPI_getbinval(row, td, 6, &isnull), false, -1);
	b->params = palloc0(b->l->params_size);
	b->l->defaults(b->params);
	cb.callback = DeployedParamsContext;
	cb.arg = t;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	ens_jsonb_each(pj, "params", DeployedKey, b);
	error_context_stack = cb.previous;
	if (b->held_out_calibrator)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deploy => 'if_better' cannot compare with version %d of model \"%s\"",
						b->version, t->model_name),
				 errdetail("The deployed version's probabilities come from a calibrator that calibrate() fitted on held-out rows, which no cross-validation fold can refit."),
				 errhint("Compare the versions with evaluate() on the same held-out rows and deploy by hand with edupredict.deploy(), or tune with deploy => 'no'.")));
}

static int
CmpNames(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
 * Do the deployed version's features (nf names, fd) and the tune's hold the
 * same columns?  In any order: the baseline is retrained on the tune's rows
 * and folds, with the tune's seed and column order, as every trial is, so
 * the comparison is of parameters alone (docs/tuning.md).
 */
static bool
SameFeatures(const Tune *t, Datum *fd, bool *fn, int nf)
{
	const char **a,
			  **b;
	int			i;

	if (nf != (int) t->ts.p)
		return false;
	a = palloc(sizeof(char *) * Max(nf, 1));
	b = palloc(sizeof(char *) * Max(nf, 1));
	for (i = 0; i < nf; i++)
	{
		if (fn[i])
			return false;
		a[i] = TextDatumGetCString(fd[i]);
		b[i] = t->ts.names[i];
	}
	qsort(a, nf, sizeof(char *), CmpNames);
	qsort(b, nf, sizeof(char *), CmpNames);
	for (i = 0; i < nf; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	pfree(a);
	pfree(b);
	return true;
}

/* The deployed version must have learnt the same thing from the same columns. */
static void
CheckComparable(const Tune *t)
{
	const Baseline *b = &t->base;
	ArrayType  *fa = DatumGetArrayTypeP(b->features);
	Datum	   *fd;
	bool	   *fn;
	int			nf;
	bool		same;

	deconstruct_array(fa, TEXTOID, -1, false, TYPALIGN_INT, &fd, &fn, &nf);
	same = strcmp(b->target, t->in.target) == 0 &&
		strcmp(b->task, t->ts.task == ENS_CLASSIFICATION ? "classification" : "regression") == 0 &&
		SameFeatures(t, fd, fn, nf);
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deploy => 'if_better' cannot compare with version %d of model \"%s\"",
						b->version, t->model_name),
				 errdetail("The deployed version has another target, task or set of features."),
				 errhint("Tune with the same target and features (in any order), or deploy by hand with edupredict.deploy().")));
	if (b->l->check)
		b->l->check(b->params, t->ts.task, 0, true);
}

/* ---------- trials ---------- */

static void
Progress(const Tune *t, const Trial *tr, double best)
{
	int			number = t->ntrial;

	if (t->method == METHOD_HALVING)
		ereport(NOTICE,
				(errmsg("trial %d/%d: %s %.4f (best %.4f) [rung %d/%d, %u training rows a fold]",
						number, t->planned, t->metric, tr->score, best, tr->rung + 1, t->rungs,
						t->fs.fold[0].nuse)));
	else
		ereport(NOTICE,
				(errmsg("trial %d/%d: %s %.4f (best %.4f)",
						number, t->planned, t->metric, tr->score, best)));
	pgstat_report_activity(STATE_RUNNING,
						   psprintf("edupredict.tune(%s): trial %d/%d, best %s %.4f",
									quote_literal_cstr(t->model_name), number, t->planned,
									t->metric, best));
}

/*
 * Score candidate c (its parameters p) as the next trial: from the rung's
 * queue (*q, its set i) while the queue runs, else on its own.
 */
static void
EvaluateTrial(Tune *t, int c, const void *p, EnsCvQueue **q, int i, int rung,
			  double fraction, double *best)
{
	Trial	   *tr = &t->trial[t->ntrial++];

	CHECK_FOR_INTERRUPTS();
	tr->candidate = c;
	tr->rung = rung;
	tr->fraction = fraction;
	if (*q == NULL || !ens_cv_score_queued(*q, i, &t->ts, &t->fs, &tr->cs))
	{
		/* stopped: this and the rung's later trials one fold at a time */
		ens_cv_queue_stop(*q);
		*q = NULL;
		ens_cv_score(t->l, p, &t->ts, &t->fs, (uint64_t) t->spec.seed, &tr->cs);
	}
	tr->score = tr->cs.mean[t->mi];
	tr->sd = tr->cs.sd[t->mi];
	if (ens_cv_better(t->metric, tr->score, *best))
		*best = tr->score;
	Progress(t, tr, *best);
}

/*
 * A rung's trials: every candidate's folds queued on the threads at once
 * (their parameters do not depend on each other's scores), scored and
 * reported in candidate order as they finish.
 */
static void
RunRung(Tune *t, const int *alive, int nalive, int rung, double fraction, double *best)
{
	void	  **params = palloc(sizeof(void *) * nalive);
	EnsCvQueue *volatile q = NULL;
	int			i;

	for (i = 0; i < nalive; i++)
		params[i] = CandidateParams(t, alive[i]);
	if (ens_cv_threads_apply(t->l, &t->ts, &t->fs))
		q = ens_cv_queue_start(t->l, (const void *const *) params, nalive, &t->ts, &t->fs,
							   (uint64_t) t->spec.seed);
	PG_TRY();
	{
		for (i = 0; i < nalive; i++)
		{
			EnsCvQueue *cur = q;

			EvaluateTrial(t, alive[i], params[i], &cur, i, rung, fraction, best);
			q = cur;
		}
	}
	PG_FINALLY();
	{
		ens_cv_queue_stop(q);
	}
	PG_END_TRY();
	for (i = 0; i < nalive; i++)
		pfree(params[i]);
	pfree(params);
}

/* trial indexes of one rung, best first (ties: the earlier candidate) */
static int
CmpTrials(const void *a, const void *b, void *arg)
{
	const Tune *t = (const Tune *) arg;
	const Trial *x = &t->trial[*(const int *) a],
			   *y = &t->trial[*(const int *) b];

	if (ens_cv_better(t->metric, x->score, y->score))
		return -1;
	if (ens_cv_better(t->metric, y->score, x->score))
		return 1;
	return (x->candidate > y->candidate) - (x->candidate < y->candidate);
}

static void
RunTrials(Tune *t)
{
	int		   *alive = palloc(sizeof(int) * t->ncand);
	int		   *order = palloc(sizeof(int) * t->ncand);
	int			nalive = t->ncand,
				r,
				i;

	for (i = 0; i < t->ncand; i++)
		alive[i] = i;
	for (r = 0; r < t->rungs; r++)
	{
		double		fraction = pow(3.0, -(double) (t->rungs - 1 - r));
		double		best = NAN;
		int			first = t->ntrial;

		ens_folds_use(&t->fs, &t->ts, fraction, (uint64_t) t->spec.seed + 7919 * (uint64_t) r);
		RunRung(t, alive, nalive, r, fraction, &best);
		for (i = 0; i < nalive; i++)
			order[i] = first + i;
		qsort_arg(order, nalive, sizeof(int), CmpTrials, t);
		/* every trial undefined: nothing to rank, refit, register or deploy */
		if (isnan(t->trial[order[0]].score))
			ens_cv_undefined(ERROR, t->metric, t->ts.task == ENS_CLASSIFICATION);
		t->best = order[0];
		nalive = (nalive + 2) / 3;
		for (i = 0; i < nalive; i++)
			alive[i] = t->trial[order[i]].candidate;
	}
	ens_folds_use(&t->fs, &t->ts, 1.0, 0);
}

/* ---------- refit, registry, run log ---------- */

static EnsRun JobRun(const Tune *t, const char *kind, int64 parent);

static char *
CvJson(const Tune *t, const EnsCvScore *cs)
{
	return psprintf("{\"metric\": \"%s\", \"folds\": %s, \"scores\": %s}", t->metric,
					ens_folds_json(&t->fs), ens_cv_metrics_json(cs));
}

/* The best parameter set trained on every row and registered. */
static void
Refit(Tune *t, MemoryContext outer, EnsRun *run)
{
	const Trial *b = &t->trial[t->best];
	void	   *params = CandidateParams(t, b->candidate);
	EnsTrainSet *ts = &t->ts;
	EnsModel	m;
	EnsRegistryRow rr;
	StringInfoData pj,
				mj;
	bool		first = true;
	size_t		engine = 0;
	instr_time	t0,
				t1;

	INSTR_TIME_SET_CURRENT(t0);
	ens_folds_free(&t->fs, ts);
	ens_trainset_split(ts, 0.0, (uint64_t) t->spec.seed);
	ens_trainset_bin(ts, (uint64_t) t->spec.seed, false);
	ens_trainset_model(ts, &m, t->l->tag);
	ens_pg_restarts = 0;
	ens_pg_check(t->l->train(&m, ts, params, (uint64_t) t->spec.seed, &t->pa.al, &engine),
				 t->l->training, NULL);
	/* the same sections (covers, histograms) as a train_* model */
	ens_trainset_profile(ts, &m, NULL, &t->pa.al);
	initStringInfo(&mj);
	appendStringInfo(&mj, "{\"n_train\": %zu, \"n_test\": 0, \"cv\": %s", ts->n, CvJson(t, &b->cs));
	first = false;
	/* as train_*(group_by) records it: no test split, so no test groups */
	if (ts->group_by != NULL)
		ens_json_num(&mj, "n_test_groups", ts->n_test_groups, &first);
	t->l->metrics_json(&mj, params, &m, &first);
	rr.model = ens_model_bytea(&m, outer);
	ens_json_num(&mj, "model_bytes", (double) (VARSIZE(rr.model) - VARHDRSZ), &first);
	ens_json_num(&mj, "train_peak_bytes", (double) (t->pa.peak + engine), &first);
	ens_json_num(&mj, "train_restarts", ens_pg_restarts, &first);
	appendStringInfoChar(&mj, '}');
	initStringInfo(&pj);
	appendStringInfoChar(&pj, '{');
	first = true;
	t->l->params_json(&pj, params, &m, &first);
	appendStringInfoString(&pj, ", \"test_fraction\": 0");
	/* trained as train_*(group_by) trains: its inner splits keep the groups whole */
	if (ts->group_by != NULL)
	{
		appendStringInfoString(&pj, ", \"group_by\": ");
		escape_json(&pj, ts->group_by);
	}
	appendStringInfo(&pj, ", \"seed\": " INT64_FORMAT
					 ", \"task_requested\": \"%s\"}",
					 t->spec.seed, t->in.task == ENS_CLASSIFICATION ? "classification" :
					 t->in.task == ENS_REGRESSION ? "regression" : "auto");
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	rr.model_name = t->model_name;
	rr.algorithm = t->l->algorithm;
	rr.task = ts->task;
	rr.target = t->in.target;
	rr.p = ts->p;
	rr.features = ts->F;
	rr.K = ts->K;
	rr.class_s = ts->class_s;
	rr.class_l = ts->class_l;
	rr.n_rows = (int64) ts->n;
	rr.params = pj.data;
	rr.metrics = mj.data;
	rr.secs = INSTR_TIME_GET_DOUBLE(t1);
	(void) ens_registry_insert(&rr, ENS_REGISTRY_CURRENT, t->version);

	*run = JobRun(t, "refit", 0);
	run->version = t->version;
	run->score = b->score;
	run->score_sd = b->sd;
	run->params = rr.params;
	run->metrics = rr.metrics;
	run->secs = rr.secs;
	run->peak_bytes = (int64) (t->pa.peak + engine);
}

static void
Deploy(Tune *t)
{
	Oid			at[2] = {TEXTOID, INT4OID};
	Datum		av[2];
	int			ret;

	if (t->deploy == DEPLOY_NO)
		return;
	if (t->deploy == DEPLOY_IF_BETTER && t->base.version > 0 &&
		!ens_cv_better(t->metric, t->trial[t->best].score, t->base.cs.mean[t->mi]))
		return;
	av[0] = CStringGetTextDatum(t->model_name);
	av[1] = Int32GetDatum(t->version);
	ret = SPI_execute_with_args("SELECT 1 FROM edupredict.deploy($1, $2)", 2, at, av, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not deploy the new version: %s", SPI_result_code_string(ret));
	t->deployed = true;
}

/* A run row with what every row of this job shares. */
static EnsRun
JobRun(const Tune *t, const char *kind, int64 parent)
{
	EnsRun		r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.parent = parent;
	r.model_name = t->model_name;
	r.algorithm = t->l->algorithm;
	r.metric = t->metric;
	r.source = t->in.rel.qualified;
	r.n_rows = (int64) t->ts.n;
	r.fingerprint = t->ts.fingerprint;
	r.folds = ens_folds_json(&t->fs);
	return r;
}

static void
LogTrials(const Tune *t, int64 parent)
{
	int			i;

	for (i = 0; i < t->ntrial; i++)
	{
		const Trial *tr = &t->trial[i];
		EnsRun		r = JobRun(t, "trial", parent);
		StringInfoData m;

		initStringInfo(&m);
		appendStringInfo(&m, "{\"trial\": %d, \"rung\": %d, \"rows_fraction\": ", i + 1, tr->rung + 1);
		appendStringInfoString(&m, ens_float_text(tr->fraction));
		appendStringInfo(&m, ", \"cv\": %s}", ens_cv_metrics_json(&tr->cs));
		r.version = i == t->best ? t->version : 0;
		r.params = tr->cs.params;
		r.metrics = m.data;
		r.score = tr->score;
		r.score_sd = tr->sd;
		r.secs = tr->cs.secs;
		r.peak_bytes = (int64) tr->cs.peak;
		ens_run_insert(&r);
	}
}

/* The most bytes held at once: the largest trial, comparison or refit. */
static size_t
JobPeak(const Tune *t, const EnsRun *refit)
{
	size_t		peak = Max((size_t) refit->peak_bytes, t->base.cs.peak);
	int			i;

	for (i = 0; i < t->ntrial; i++)
		peak = Max(peak, t->trial[i].cs.peak);
	return peak;
}

/* The job's own row: what was searched, how, and the best trial's scores. */
static int64
LogJob(const Tune *t, double secs, size_t peak)
{
	static const char *const methods[] = {"random", "grid", "halving"};
	const Trial *b = &t->trial[t->best];
	EnsRun		r = JobRun(t, "tune", 0);

	r.version = t->version;
	r.params = b->cs.params;
	r.metrics = psprintf("{\"method\": \"%s\", \"trials\": %d, \"evaluations\": %d, \"rungs\": %d, "
						 "\"best_trial\": %d, \"deployed\": %s, \"space\": %s, \"params\": %s, \"cv\": %s}",
						 methods[t->method], t->ncand, t->ntrial, t->rungs, t->best + 1,
						 t->deployed ? "true" : "false",
						 DatumGetCString(DirectFunctionCall1(jsonb_out, JsonbPGetDatum(t->space_jb))),
						 t->fixed_json, ens_cv_metrics_json(&b->cs));
	r.score = b->score;
	r.score_sd = b->sd;
	r.secs = secs;
	r.peak_bytes = (int64) peak;
	return ens_run_insert(&r);
}

static void
LogBaseline(const Tune *t, int64 parent)
{
	EnsRun		r = JobRun(t, "cv", parent);

	if (t->base.version <= 0)
		return;
	r.algorithm = t->base.l->algorithm;
	r.version = t->base.version;
	r.params = t->base.cs.params;
	r.metrics = psprintf("{\"baseline\": true, \"cv\": %s}", ens_cv_metrics_json(&t->base.cs));
	r.score = t->base.cs.mean[t->mi];
	r.score_sd = t->base.cs.sd[t->mi];
	r.secs = t->base.cs.secs;
	r.peak_bytes = (int64) t->base.cs.peak;
	ens_run_insert(&r);
}

/* The metric to rank by: the task's default, or one of the task's. */
static void
ResolveMetric(Tune *t)
{
	int			nm;
	const char *const *names = ens_metric_names(t->ts.task, &nm);
	bool		cls = t->ts.task == ENS_CLASSIFICATION;

	if (t->metric == NULL)
		t->metric = cls ? "roc_auc" : "rmse";
	for (t->mi = 0; t->mi < nm; t->mi++)
		if (strcmp(names[t->mi], t->metric) == 0)
			return;
	if (cls)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("metric \"%s\" does not apply to classification", t->metric),
				 errhint("Classification: accuracy, precision_macro, recall_macro, f1_macro, log_loss, roc_auc.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("metric \"%s\" does not apply to regression", t->metric),
			 errhint("Regression: rmse, mae, r2.")));
}

/* an error while the deployed version is retrained says so */
static void
BaselineContext(void *arg)
{
	const Tune *t = (const Tune *) arg;

	errcontext("retraining deployed version %d of model \"%s\" on the tune's folds (deploy => 'if_better')",
			   t->base.version, t->model_name);
}

/* Rows once, folds once, the deployed version and every trial on them. */
static void
Search(Tune *t)
{
	ens_trainset_read(&t->ts, &t->in, &t->pa);
	ens_space_check_classes(t->space, &t->ts);
	ResolveMetric(t);
	if (t->base.version > 0)
		CheckComparable(t);
	if (t->base.version > 0)
	{
		ErrorContextCallback cb = {error_context_stack, BaselineContext, t};

		/*
		 * the deployed version's learner bins as it does (a forest's bins
		 * are not boosting's): the same folds, binned for it
		 */
		t->ts.bin_rule = t->base.l->bin_rule;
		ens_folds_make(&t->fs, &t->spec, &t->ts);
		error_context_stack = &cb;
		ens_cv_score(t->base.l, t->base.params, &t->ts, &t->fs, (uint64_t) t->spec.seed,
					 &t->base.cs);
		error_context_stack = cb.previous;
		ereport(NOTICE,
				(errmsg("deployed version %d: %s %.4f on the same folds", t->base.version,
						t->metric, t->base.cs.mean[t->mi])));
		t->ts.bin_rule = t->l->bin_rule;
		if (t->base.l->bin_rule != t->l->bin_rule)
			ens_folds_free(&t->fs, &t->ts);
	}
	if (t->base.version <= 0 || t->base.l->bin_rule != t->l->bin_rule)
		ens_folds_make(&t->fs, &t->spec, &t->ts);
	RunTrials(t);
}

static HeapTuple
TuneResult(const Tune *t, TupleDesc td, int64 job)
{
	const Trial *b = &t->trial[t->best];
	Datum		v[10];
	bool		nulls[10] = {false};

	v[0] = Int64GetDatum(job);
	v[1] = Int32GetDatum(t->version);
	v[2] = CStringGetTextDatum(t->metric);
	v[3] = Float8GetDatum(b->score);
	nulls[3] = isnan(b->score);
	v[4] = Float8GetDatum(b->sd);
	nulls[4] = isnan(b->sd);
	v[5] = DirectFunctionCall1(jsonb_in, CStringGetDatum(b->cs.params));
	v[6] = Int32GetDatum(t->ntrial);
	v[7] = Int32GetDatum(t->base.version);
	nulls[7] = t->base.version <= 0;
	v[8] = Float8GetDatum(t->base.version > 0 ? t->base.cs.mean[t->mi] : NAN);
	nulls[8] = t->base.version <= 0 || isnan(t->base.cs.mean[t->mi]);
	v[9] = BoolGetDatum(t->deployed);
	return heap_form_tuple(td, v, nulls);
}

static void
TuneModel(FunctionCallInfo fcinfo, Tune *t, TupleDesc td, HeapTuple *result)
{
	MemoryContext outer = CurrentMemoryContext,
				spi,
				cxt;
	instr_time	t0,
				t1;
	EnsRun		refit;
	int64		job;

	INSTR_TIME_SET_CURRENT(t0);
	ReadArgs(fcinfo, t);
	MakeCandidates(t);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	t->version = ens_registry_reserve(t->model_name);
	if (t->deploy == DEPLOY_IF_BETTER)
		LookupDeployed(t);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "edupredict tuning", ALLOCSET_DEFAULT_SIZES);
	spi = MemoryContextSwitchTo(cxt);
	ens_pg_alloc_init(&t->pa, cxt, true);
	Search(t);
	Refit(t, spi, &refit);
	Deploy(t);
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	job = LogJob(t, INSTR_TIME_GET_DOUBLE(t1), JobPeak(t, &refit));
	LogBaseline(t, job);
	LogTrials(t, job);
	refit.parent = job;
	ens_run_insert(&refit);
	MemoryContextSwitchTo(outer);
	*result = TuneResult(t, td, job);
	MemoryContextDelete(cxt);
	SPI_finish();
}

PG_FUNCTION_INFO_V1(model_tune);
Datum
model_tune(PG_FUNCTION_ARGS)
{
	Tune	   *t = palloc0(sizeof(Tune));
	TupleDesc	td;
	HeapTuple	result = NULL;
	uint64		query_id = pgstat_get_my_query_id();

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	td = BlessTupleDesc(td);
	/* pg_stat_activity shows the trials; the caller's query again afterwards */
	PG_TRY();
	{
		TuneModel(fcinfo, t, td, &result);
	}
	PG_FINALLY();
	{
		if (debug_query_string)
			pgstat_report_activity(STATE_RUNNING, debug_query_string);
		pgstat_report_query_id(query_id, true);
	}
	PG_END_TRY();
	PG_RETURN_DATUM(HeapTupleGetDatum(result));
}
