/*
 * model_train.h - the training pipeline every tree learner shares, in the
 * PostgreSQL layer:
 *
 *   relation (model_relation.c) -> training set (model_trainset.c: rows,
 *   canonical order, target and classes, split, codebooks and bins)
 *   -> learner (a small table of callbacks: forest_learner.c,
 *   boost_learner.c) -> held-out metrics, model bytes and the registry row
 *   (model_train.c).
 *
 * The aggregates (forest_agg, boost_agg) build the same training set from
 * their state, so a row set gives the same model whichever way it arrives.
 */
#ifndef EDUPREDICT_MODEL_TRAIN_H
#define EDUPREDICT_MODEL_TRAIN_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "ensemble.h"
#include "ensemble_params.h"
#include "ensemble_pg.h"

/* longest model name, bytes: edupredict._model_name_max_bytes() in SQL */
#define ENS_MODEL_NAME_MAX_BYTES 200

/* ---------- a relation read by train_* or evaluate (model_relation.c) ---------- */

typedef struct EnsColumn
{
	char	   *name;
	Oid			type;			/* as inspected; the executor must agree */
	Oid			base;			/* domain's base type */
	int			kind;			/* ENS_NUMERIC, ENS_CATEGORICAL, ENS_TYPE_UNSUPPORTED */
} EnsColumn;

typedef struct EnsRelation
{
	Oid			relid;
	char	   *qualified;		/* quoted schema.name, for SQL text */
	char	   *display;		/* quoted name, for messages */
	char	   *named;			/* quoted schema.name for messages, pg_temp for
								 * the session's temporary schema */
	int			ncols;
	EnsColumn  *cols;			/* live columns in order */
} EnsRelation;

/*
 * True while the trainer inserts its own registry row: the guard trigger
 * then trusts the row's description of the model it was built with
 * (model_guard.c) instead of parsing the bytes again.
 */
extern bool ens_guard_own_insert;

extern void ens_relation_open(EnsRelation *r, Oid relid);
extern EnsColumn *ens_relation_column(const EnsRelation *r, const char *name);
extern uint64 ens_relation_read(const EnsRelation *r, EnsColumn *const *cols, int n,
								EnsRowFn fn, void *arg);
extern uint64 ens_relation_read_sized(const EnsRelation *r, EnsColumn *const *cols, int n,
									  EnsColumn *const *rank, int nrank,
									  EnsRowsSizeFn size, EnsRowFn fn, void *arg);
/* refuse no rows, or n_read rows none with a target value (22023, naming relation) */
extern void ens_require_rows(uint64 n, uint64 n_read, const char *target, const char *relation);

/* ---------- the training set (model_trainset.c) ---------- */

#define ENS_MAX_AUX 2			/* columns read beside the features */

typedef struct EnsTrainSet
{
	/* columns as read: p features (NaN = missing; categorical: dict ids) */
	uint32_t	p;
	char	  **names;
	uint8_t    *kinds;			/* EnsKind per feature */
	double	  **cols;
	EnsDict   **dicts;			/* categorical features */
	bool		target_text;	/* labels in tdict, ids in y */
	EnsDict    *tdict;
	double	   *y;
	size_t		n,
				cap;
	size_t		counted;		/* bytes of raw columns counted in pa */
	uint64_t	fingerprint;	/* order-free hash of the rows (canonical order) */
	size_t		bad_row;		/* first row (1-based, as read) whose numeric
								 * target is infinite or beyond +-max_target */
	double		max_target;		/* the learner's limit on regression targets */
	const char *max_target_text;	/* the same, for messages */
	EnsPgAlloc *pa;				/* counts raw columns against the cap */
	/* aux columns (ens_trainset_add_aux): group ids (aux_dict) or order keys */
	uint32_t	naux;
	double	   *aux[ENS_MAX_AUX];
	EnsDict    *aux_dict[ENS_MAX_AUX];
	/* train_*'s group_by (its groups in aux column 0), NULL: none */
	const char *group_by;
	/*
	 * The aggregate whose group_key argument holds the groups (forest_agg,
	 * boost_agg), for messages: the caller passed no group_by column.  NULL:
	 * group_by is a column (train_*, cross_validate, tune).
	 */
	const char *group_key_of;
	/* a cross-validation fold's group folds of its training rows, shared */
	struct EnsGroupFoldCache *group_folds;
	/* the caller takes the learner's settings as keys of a params jsonb
	 * (cross_validate, tune), not as named arguments (train_*): for hints */
	bool		settings_in_params;

	/* prepared by ens_trainset_target / _split / _bin */
	int			task;			/* EnsTask */
	uint32_t	K;				/* classes (0: regression) */
	uint32_t   *ycls;
	const char **class_s;
	uint32_t   *class_l;
	uint32_t   *train_rows,
			   *test_rows,
				ntr,
				nte;
	uint32_t	n_test_groups;	/* with group_by: groups held out */
	/*
	 * how numeric features are binned: the learner's (ens_trainset_init);
	 * tune sets the deployed version's learner's to bin its folds for it
	 */
	EnsBinRule	bin_rule;
	EnsFeature *F;
	uint8_t    *X;				/* row-major n x p bins */
} EnsTrainSet;

struct EnsLearner;
extern void ens_trainset_init(EnsTrainSet *ts, uint32_t p, bool target_text,
							  const struct EnsLearner *l, EnsPgAlloc *pa);
extern void ens_trainset_add_aux(EnsTrainSet *ts, uint32_t naux);
extern void ens_trainset_reserve(EnsTrainSet *ts, size_t need);
extern void ens_trainset_presize(EnsTrainSet *ts, double estimate);
extern void ens_trainset_note_target(EnsTrainSet *ts, double y, size_t row);
extern void ens_trainset_canonical_order(EnsTrainSet *ts);
extern void ens_trainset_target(EnsTrainSet *ts, int task_requested, bool integer_target,
								const char *target_name);
extern void ens_trainset_split(EnsTrainSet *ts, double test_fraction, uint64_t seed);
extern void ens_trainset_bin(EnsTrainSet *ts, uint64_t seed, bool keep_category_names);
extern void ens_trainset_bin_rows(EnsTrainSet *ts, const uint32_t *rows, uint32_t nrows,
								  uint64_t seed, EnsFeature **F, uint8_t **X);
extern void ens_trainset_data(const EnsTrainSet *ts, EnsData *d, bool training_rows);
extern void ens_trainset_want_outputs(const EnsTrainSet *ts, EnsData *d);
extern void ens_trainset_model(const EnsTrainSet *ts, EnsModel *m, int algorithm);
extern void ens_trainset_profile(const EnsTrainSet *ts, EnsModel *m, const double *held_out,
								 const EnsAlloc *al);

/* ---------- rows kept together by group (model_groups.c) ---------- */

extern void ens_aux_no_nulls(const EnsTrainSet *ts, const char *arg, const char *col, bool order);
/*
 * The group folds of a cross-validation fold's training rows, dealt once for
 * each number of folds with the fold set's seed and shared by every training
 * on them (trials side by side on threads): in the struct's memory context.
 */
typedef struct EnsGroupFoldCache
{
	uint64_t	seed;
	uint32_t   *fold_of[ENS_MAX_CAL_FOLDS + 1];	/* by number of folds */
} EnsGroupFoldCache;

extern const uint32_t *ens_group_folds_of(const EnsTrainSet *ts, uint32_t k, uint64_t seed);
extern void ens_group_folds_forget(EnsGroupFoldCache *c);
extern uint32_t ens_group_count(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n);
extern void ens_group_folds(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n, uint32_t k,
							uint64_t seed, uint32_t *fold_of);
extern void ens_stratified_group_folds(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n,
									   uint32_t k, uint64_t seed, uint32_t *fold_of);
extern uint32_t ens_group_split(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n,
								double fraction, uint64_t seed, const EnsAlloc *al,
								uint32_t **keep, uint32_t *nkeep, uint32_t **held,
								uint32_t *nheld, uint32_t *ngroups);

/* ---------- learners ---------- */

typedef struct EnsLearner
{
	const char *algorithm;		/* registry name: "forest", "boosting" */
	EnsPgWhat	training;		/* ens_pg_check's task: "forest training" */
	int			tag;			/* EnsAlgorithm in the model bytes */
	const char *param_names;	/* for hints */
	size_t		params_size;
	void		(*defaults) (void *params);
	EnsParamResult (*set) (void *params, const char *key, const EnsValue *v, EnsParamWhy *why);
	/* grow the trees of m (bins and classes of ts ready) */
	EnsStatus	(*train) (EnsModel *m, const EnsTrainSet *ts, void *params, uint64_t seed,
						  const EnsAlloc *al, size_t *peak);
	/* parameters, and what training learnt beyond the model, as JSON members */
	void		(*params_json) (StringInfo s, const void *params, const EnsModel *m, bool *first);
	void		(*metrics_json) (StringInfo s, const void *params, const EnsModel *m, bool *first);
	/*
	 * optional: ranges and combinations, before any row is read (task 0:
	 * auto); settings_in_params: the caller takes the settings as keys of a
	 * params jsonb (cross_validate, tune, the aggregates), for hints
	 */
	void		(*check) (void *params, int task, uint32_t n_classes, bool settings_in_params);

	/*
	 * optional: the same training without PostgreSQL, on one thread, from
	 * any thread (model_cv_threads.c).  prepare_plain runs on the calling
	 * thread first (it may raise errors; false: these parameters need the
	 * PostgreSQL path); train_plain uses only al and polls intr, and on
	 * ENS_EINVAL / ENS_ELIMIT says why in err (ens_pg_raise_error reports it).
	 */
	bool		(*prepare_plain) (void *params, const EnsTrainSet *ts, const EnsModel *m,
								  uint64_t seed);
	EnsStatus	(*train_plain) (EnsModel *m, const EnsData *d, void *params,
								const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
								size_t *peak, EnsError *err);
	/* the regression targets it takes: finite and within +-max_target */
	double		max_target;
	const char *max_target_text;	/* the same as the messages write it */
	/*
	 * optional: what a fold's training dealt inside the fold's training rows,
	 * as JSON members of that fold's scores (cross_validate, tune); nothing
	 * when there is nothing to say
	 */
	void		(*fold_json) (StringInfo s, const void *params, const EnsModel *m);
	/* how its numeric features are binned (ens_bin_columns_by) */
	EnsBinRule	bin_rule;
} EnsLearner;

extern const EnsLearner ens_forest_learner;
extern const EnsLearner ens_boost_learner;
/* the learner that trained m, by its algorithm tag (model_cv.c) */
extern const EnsLearner *ens_learner_of(const EnsModel *m);

extern void ens_param_error(const char *context, const char *key, EnsParamResult r,
							const EnsParamWhy *why) pg_attribute_noreturn();
/* the same message as text, translated (for a caller that returns it) */
extern char *ens_param_text(const char *context, const char *key, const EnsParamWhy *why);
/* every key of a jsonb object, its value as a learner value (and raw) */
typedef void (*EnsJsonbKeyFn) (const char *key, const EnsValue *v, JsonbValue *raw,
							   void *arg);
extern void ens_jsonb_each(Jsonb *jb, const char *context, EnsJsonbKeyFn fn, void *arg);

/*
 * class_weight: the class a label names; its object resolved to ts's
 * classes; as the registry records it
 */
extern uint32 ens_class_weight_class(const char *label, const EnsTrainSet *ts,
									 const char *context);
extern void ens_class_weight_resolve(EnsClassWeight *cw, const EnsTrainSet *ts);
extern void ens_class_weight_json(StringInfo s, const EnsClassWeight *cw);

/* params.task of a jsonb params object (EnsTask, 0: auto) */
extern int	ens_params_task(const EnsValue *v);
/* one learner parameter from a SQL argument or a jsonb params key */
extern void ens_learner_set(const EnsLearner *l, void *params, const char *key,
							const EnsValue *v, const char *context);

/* ---------- the pipeline (model_train.c) ---------- */

/* What a training or a cross-validation reads from a relation. */
typedef enum EnsAuxKind
{
	ENS_AUX_GROUP,				/* any type: values compared by their text */
	ENS_AUX_ORDER				/* number, date, timestamp or school_term: read
								 * as its dense rank in the type's order */
} EnsAuxKind;

typedef struct EnsTrainInput
{
	Oid			relid;
	const char *target;
	ArrayType  *features;		/* NULL: every column but the target and aux */
	int			task;			/* requested EnsTask, 0: auto */
	const EnsLearner *learner;	/* its limit on regression targets */
	uint32_t	naux;
	const char *aux_arg[ENS_MAX_AUX];	/* "group_by": the argument, for messages */
	const char *aux_name[ENS_MAX_AUX];	/* the column */
	int			aux_kind[ENS_MAX_AUX];	/* EnsAuxKind */
	EnsRelation rel;			/* filled in */
} EnsTrainInput;

/*
 * SPI connected: open and lock the relation, resolve the columns, read the
 * rows once into ts (allocated in pa's context, which must be current) in
 * canonical order, with the task and classes set.
 */
extern void ens_trainset_read(EnsTrainSet *ts, EnsTrainInput *in, EnsPgAlloc *pa);

/* Held-out metrics: names by task, values of a model on rows of ts->X. */
#define ENS_MAX_METRICS 6
extern const char *const *ens_metric_names(int task, int *n);
extern bool ens_metric_lower_better(const char *name);
extern void ens_score_rows(const EnsTrainSet *ts, const EnsModel *m, const uint32_t *rows,
						   uint32_t n, const EnsAlloc *al, double *values);
extern double *ens_predict_rows(const EnsTrainSet *ts, const EnsModel *m, const uint32_t *rows,
								uint32_t n);
extern void ens_score_outputs(const EnsTrainSet *ts, const uint32_t *rows, uint32_t n,
							  const double *out, const EnsAlloc *al, double *values);

/* a jsonb value or a text argument as a learner value (model_agg.c) */
extern EnsValue ens_json_value(JsonbValue *v);
extern EnsValue ens_text_value(char *text, const char *name);

/* Which SQL argument feeds which parameter of a train_* function. */
typedef struct EnsTrainArg
{
	int			argno;
	const char *key;
	char		type;			/* 'i' int4, 'f' float8, 't' text, 'b' bool, 'l' int8 */
} EnsTrainArg;

typedef enum EnsRegistryMode
{
	ENS_REGISTRY_LEGACY,		/* a 0.1.0 schema: returns edupredict.models */
	ENS_REGISTRY_CURRENT		/* owners and reserved versions: returns model_list */
} EnsRegistryMode;

/* A new registry row (the model as a bytea, consumed by the insert). */
typedef struct EnsRegistryRow
{
	const char *model_name;
	const char *algorithm;
	int			task;
	const char *target;
	uint32_t	p;
	const EnsFeature *features;
	uint32_t	K;
	const char **class_s;
	const uint32_t *class_l;
	int64		n_rows;
	const char *params;			/* jsonb text */
	const char *metrics;		/* jsonb text */
	double		secs;
	bytea	   *model;
} EnsRegistryRow;

/* SPI connected: insert the row; returns it (models or model_list row) */
extern Datum ens_registry_insert(const EnsRegistryRow *rr, EnsRegistryMode mode, int32 version);

/* group_arg: the argno of group_by (-1: a signature without it) */
extern Datum ens_train_sql(FunctionCallInfo fcinfo, const EnsLearner *l,
						   const EnsTrainArg *args, int nargs, int group_arg,
						   EnsRegistryMode mode);
extern Datum ens_train_sql_noted(FunctionCallInfo fcinfo, const EnsLearner *l,
								 const EnsTrainArg *args, int nargs, int group_arg,
								 EnsRegistryMode mode, const char *note);

/* metrics of held-out rows as JSON members, shared with evaluate() */
extern void ens_json_num(StringInfo s, const char *key, double v, bool *first);

#endif							/* EDUPREDICT_MODEL_TRAIN_H */
