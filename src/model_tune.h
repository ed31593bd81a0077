/*
 * model_tune.h - choosing a model in SQL: cross-validation folds
 * (model_folds.c), scores of one parameter set over the folds (model_cv.c),
 * search spaces (model_space.c), and the entry points cross_validate()
 * and tune() (model_cv.c, model_tune.c).
 *
 * Everything starts from one training set read once (model_train.c); each
 * fold gets codebooks and bins computed from its own training rows only
 * (model_trainset.c), shared by every parameter set scored on it, and the
 * learners' callbacks train and the shared metrics score.
 */
#ifndef EDUPREDICT_MODEL_TUNE_H
#define EDUPREDICT_MODEL_TUNE_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "model_train.h"
#include "rng.h"

#define ENS_MAX_FOLDS 100

/* 22023, with errmsg()'s format string at the call site (translatable) */
#define ENS_BAD_ARG(...) \
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), __VA_ARGS__))

typedef enum EnsSplit
{
	ENS_SPLIT_STRATIFIED,
	ENS_SPLIT_RANDOM,
	ENS_SPLIT_GROUP,
	ENS_SPLIT_TIME,
	ENS_SPLIT_STRATIFIED_GROUP	/* classification: group folds of a like class mix */
} EnsSplit;

/* the splits that keep the groups of group_by whole */
#define ENS_SPLIT_BY_GROUPS(split) \
	((split) == ENS_SPLIT_GROUP || (split) == ENS_SPLIT_STRATIFIED_GROUP)

typedef struct EnsFoldSpec
{
	int			k;
	int			split;			/* EnsSplit */
	const char *group_by;
	const char *order_by;
	int			gap;			/* time: distinct order values left out before a test block */
	int64		seed;
} EnsFoldSpec;

typedef struct EnsFold
{
	uint32_t   *train_rows,
				ntr;
	uint32_t   *test_rows,
				nte;
	uint32_t   *use_rows,		/* the training rows trained on: all of them, */
				nuse;			/* or a rung's share in successive halving */
	EnsFeature *F;				/* codebooks and edges of this fold's training rows */
	uint8_t    *X;				/* every row binned with them */
	EnsGroupFoldCache *group_folds;	/* group folds: its rows' calibration folds */
} EnsFold;

typedef struct EnsFolds
{
	EnsFoldSpec spec;
	int			k;
	EnsFold    *fold;
} EnsFolds;

/* model_folds.c */
extern void ens_fold_spec_args(EnsFoldSpec *spec, FunctionCallInfo fcinfo, int argno);
extern void ens_fold_spec_input(const EnsFoldSpec *spec, EnsTrainInput *in);
extern void ens_folds_make(EnsFolds *fs, const EnsFoldSpec *spec, EnsTrainSet *ts);
extern void ens_folds_use(EnsFolds *fs, const EnsTrainSet *ts, double fraction, uint64_t seed);
extern void ens_folds_free(EnsFolds *fs, const EnsTrainSet *ts);
extern void ens_fold_view(const EnsTrainSet *ts, const EnsFold *fo, EnsTrainSet *fts);
extern char *ens_folds_json(const EnsFolds *fs);

/* model_cv_threads.c: small folds trained at the same time */
typedef struct EnsCvQueue EnsCvQueue;

extern bool ens_cv_threads_apply(const EnsLearner *l, const EnsTrainSet *ts, const EnsFolds *fs);
extern EnsCvQueue *ens_cv_queue_start(const EnsLearner *l, const void *const *params, int n,
									  const EnsTrainSet *ts, const EnsFolds *fs, uint64_t seed);
extern bool ens_cv_queue_result(EnsCvQueue *q, int i, int nm, double *values,
								StringInfo params_json, char **fold_json, size_t *peak,
								double *secs);
extern void ens_cv_queue_stop(EnsCvQueue *q);

/* model_cv.c: one parameter set scored over the folds */
typedef struct EnsCvScore
{
	int			k;
	int			nm;				/* metrics (ens_metric_names of the task) */
	const char *const *names;
	double	   *v;				/* k x nm, NaN: undefined in that fold */
	uint32_t   *ntr,
			   *nte;
	double		mean[ENS_MAX_METRICS];	/* over the folds where defined */
	double		sd[ENS_MAX_METRICS];	/* population sd, as scikit-learn's */
	double		secs;
	size_t		peak;			/* bytes: training set, folds and one training */
	char	   *params;			/* the learner's parameters, jsonb text */
	char	  **fold_json;		/* k: each fold's ens_cv_fold_json, or NULL */
} EnsCvScore;

extern const EnsLearner *ens_learner_by_name(const char *name);

extern void ens_learner_jsonb(const EnsLearner *l, void *params, Jsonb *jb, int *task,
							  const char *context);
extern void ens_cv_score(const EnsLearner *l, const void *params, EnsTrainSet *ts,
						 const EnsFolds *fs, uint64_t seed, EnsCvScore *cs);
extern bool ens_cv_score_queued(EnsCvQueue *q, int i, EnsTrainSet *ts, const EnsFolds *fs,
								EnsCvScore *cs);
extern char *ens_cv_metrics_json(const EnsCvScore *cs);
/* what training dealt in a fold (EnsLearner.fold_json), palloc'd; NULL: nothing */
extern char *ens_cv_fold_json(const EnsLearner *l, const void *params, const EnsModel *m);
extern int	ens_cv_metric_index(const EnsCvScore *cs, const char *metric);
extern bool ens_cv_better(const char *metric, double a, double b);
/* metric had no value on any fold: ERROR where it ranks (tune), else a NOTICE */
extern void ens_cv_undefined(int elevel, const char *metric, bool classification);

/* model_space.c: a search space of learner parameters */
typedef struct EnsSpace EnsSpace;

extern EnsSpace *ens_space_parse(Jsonb *space, const EnsLearner *l);
/* grid search enumerates at most this many combinations */
#define ENS_MAX_GRID	1000000
#define ENS_SPACE_MANY	(ENS_MAX_GRID + INT64CONST(1))

/* -1: not finite; ENS_SPACE_MANY: more than ENS_MAX_GRID */
extern int64 ens_space_grid_size(const EnsSpace *sp);
extern bool ens_space_point_equal(const EnsSpace *sp, const EnsValue *a, const EnsValue *b);
extern EnsValue *ens_space_grid_point(const EnsSpace *sp, int64 index);
extern EnsValue *ens_space_sample(const EnsSpace *sp, EpRng *rng);
extern void ens_space_apply(const EnsSpace *sp, const EnsLearner *l, void *params,
							const EnsValue *point);
extern bool ens_space_has(const EnsSpace *sp, const char *name);
extern bool ens_space_all_lists(const EnsSpace *sp);
extern void ens_space_check_values(const EnsSpace *sp, const EnsLearner *l, const void *base,
								   const EnsValue *point, int task);
extern void ens_space_check_classes(const EnsSpace *sp, const EnsTrainSet *ts);

#endif							/* EDUPREDICT_MODEL_TUNE_H */
