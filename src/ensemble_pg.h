/*
 * ensemble_pg.h - shared declarations of the PostgreSQL layer of the tree
 * ensembles: glue (ensemble_pg.c), rows (model_rows.c), the registry
 * (model_registry.c) and the entry points of each learner.
 */
#ifndef EDUPREDICT_ENSEMBLE_PG_H
#define EDUPREDICT_ENSEMBLE_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "storage/itemptr.h"
#include "utils/memutils.h"

#include "ensemble.h"

/* Settings (edupredict_forest_init, ensemble_pg.c) */
extern int	edupredict_forest_max_memory_mb;
extern int	edupredict_forest_cache_models;
extern int	edupredict_forest_threads;

/* palloc-backed allocator that counts bytes and enforces the memory cap */
typedef struct EnsPgAlloc
{
	EnsAlloc al;
	MemoryContext cxt;
	size_t		cur;
	size_t		peak;
	size_t		limit;
	bool		refused_over_cap;	/* its last allocation was refused for the cap */
} EnsPgAlloc;

extern void ens_pg_alloc_init(EnsPgAlloc *pa, MemoryContext cxt, bool capped);
/* edupredict.forest_max_memory in bytes: what one call may hold */
extern uint64 ens_pg_memory_cap(void);
extern void ens_pg_plain_alloc_init(EnsAlloc *al, MemoryContext cxt);

/* interrupt callback for the engine: CHECK_FOR_INTERRUPTS() */
extern bool ens_pg_interrupt(void *arg);
/* for code running beside worker threads: looks at cancel/terminate/barrier flags only */
extern bool ens_pg_poll_interrupt(void *arg);
/* runs a training set's preparation on edupredict.forest_threads threads */
extern void ens_pg_runner(EnsRunner *rn);
/* threaded trainings started over after an interrupt that raised nothing */
extern int	ens_pg_restarts;

/* forest_train with the configured threads and a safe interrupt scheme */
extern EnsStatus forest_pg_train(EnsModel *m, const EnsData *d, ForestParams *p,
									const EnsAlloc *al, size_t *peak, ForestOob *oob);

/*
 * What ens_pg_check reports on: one id per task, each with its messages
 * written whole (ENS_ENOMEM, ENS_EINTR, ENS_ELIMIT, ENS_EINVAL), so that
 * translators see every one (gettext_noop, as ENS_READ_ERRORS and
 * ENS_PARAM_WHYS) instead of a phrase the caller composed.
 */
#ifndef gettext_noop
#define gettext_noop(x) (x)
#endif
#define ENS_PG_WHATS(X) \
	X(ENS_WHAT_MODEL_TRAINING, \
	  gettext_noop("model training needs more memory than is allowed or available"), \
	  gettext_noop("canceling model training"), \
	  gettext_noop("model training: model exceeds a size limit"), \
	  gettext_noop("model training: invalid argument")) \
	X(ENS_WHAT_FOREST_TRAINING, \
	  gettext_noop("forest training needs more memory than is allowed or available"), \
	  gettext_noop("canceling forest training"), \
	  gettext_noop("forest training: model exceeds a size limit"), \
	  gettext_noop("forest training: invalid argument")) \
	X(ENS_WHAT_BOOSTING_TRAINING, \
	  gettext_noop("boosting training needs more memory than is allowed or available"), \
	  gettext_noop("canceling boosting training"), \
	  gettext_noop("boosting training: model exceeds a size limit"), \
	  gettext_noop("boosting training: invalid argument")) \
	X(ENS_WHAT_BOOSTING_PARAMS, \
	  gettext_noop("boosting parameters need more memory than is allowed or available"), \
	  gettext_noop("canceling boosting parameters"), \
	  gettext_noop("boosting parameters: model exceeds a size limit"), \
	  gettext_noop("boosting parameters: invalid argument")) \
	X(ENS_WHAT_MODEL, \
	  gettext_noop("model needs more memory than is allowed or available"), \
	  gettext_noop("canceling model"), \
	  gettext_noop("model: model exceeds a size limit"), \
	  gettext_noop("model: invalid argument")) \
	X(ENS_WHAT_SERIALISATION, \
	  gettext_noop("model serialisation needs more memory than is allowed or available"), \
	  gettext_noop("canceling model serialisation"), \
	  gettext_noop("model serialisation: model exceeds a size limit"), \
	  gettext_noop("model serialisation: invalid argument")) \
	X(ENS_WHAT_READING_RELATION, \
	  gettext_noop("reading the relation needs more memory than is allowed or available"), \
	  gettext_noop("canceling reading the relation"), \
	  gettext_noop("reading the relation: model exceeds a size limit"), \
	  gettext_noop("reading the relation: invalid argument")) \
	X(ENS_WHAT_BINNING, \
	  gettext_noop("binning needs more memory than is allowed or available"), \
	  gettext_noop("canceling binning"), \
	  gettext_noop("binning: model exceeds a size limit"), \
	  gettext_noop("binning: invalid argument")) \
	X(ENS_WHAT_TRAIN_TEST_SPLIT, \
	  gettext_noop("the train/test split needs more memory than is allowed or available"), \
	  gettext_noop("canceling the train/test split"), \
	  gettext_noop("the train/test split: model exceeds a size limit"), \
	  gettext_noop("the train/test split: invalid argument")) \
	X(ENS_WHAT_VALIDATION_SPLIT, \
	  gettext_noop("the validation split needs more memory than is allowed or available"), \
	  gettext_noop("canceling the validation split"), \
	  gettext_noop("the validation split: model exceeds a size limit"), \
	  gettext_noop("the validation split: invalid argument")) \
	X(ENS_WHAT_GROUP_SPLIT, \
	  gettext_noop("the group split needs more memory than is allowed or available"), \
	  gettext_noop("canceling the group split"), \
	  gettext_noop("the group split: model exceeds a size limit"), \
	  gettext_noop("the group split: invalid argument")) \
	X(ENS_WHAT_FOLDS, \
	  gettext_noop("the folds need more memory than is allowed or available"), \
	  gettext_noop("canceling the folds"), \
	  gettext_noop("the folds: model exceeds a size limit"), \
	  gettext_noop("the folds: invalid argument")) \
	X(ENS_WHAT_HALVING_SAMPLE, \
	  gettext_noop("the halving sample needs more memory than is allowed or available"), \
	  gettext_noop("canceling the halving sample"), \
	  gettext_noop("the halving sample: model exceeds a size limit"), \
	  gettext_noop("the halving sample: invalid argument")) \
	X(ENS_WHAT_TRAINING_PROFILE, \
	  gettext_noop("the training profile needs more memory than is allowed or available"), \
	  gettext_noop("canceling the training profile"), \
	  gettext_noop("the training profile: model exceeds a size limit"), \
	  gettext_noop("the training profile: invalid argument")) \
	X(ENS_WHAT_PREDICTIONS, \
	  gettext_noop("the predictions need more memory than is allowed or available"), \
	  gettext_noop("canceling the predictions"), \
	  gettext_noop("the predictions: model exceeds a size limit"), \
	  gettext_noop("the predictions: invalid argument")) \
	X(ENS_WHAT_EVALUATION, \
	  gettext_noop("evaluation needs more memory than is allowed or available"), \
	  gettext_noop("canceling evaluation"), \
	  gettext_noop("evaluation: model exceeds a size limit"), \
	  gettext_noop("evaluation: invalid argument")) \
	X(ENS_WHAT_CALIBRATION, \
	  gettext_noop("calibration needs more memory than is allowed or available"), \
	  gettext_noop("canceling calibration"), \
	  gettext_noop("calibration: model exceeds a size limit"), \
	  gettext_noop("calibration: invalid argument")) \
	X(ENS_WHAT_SIGMOID_FIT, \
	  gettext_noop("the sigmoid fit needs more memory than is allowed or available"), \
	  gettext_noop("canceling the sigmoid fit"), \
	  gettext_noop("the sigmoid fit: model exceeds a size limit"), \
	  gettext_noop("the sigmoid fit: invalid argument")) \
	X(ENS_WHAT_ISOTONIC_FIT, \
	  gettext_noop("the isotonic fit needs more memory than is allowed or available"), \
	  gettext_noop("canceling the isotonic fit"), \
	  gettext_noop("the isotonic fit: model exceeds a size limit"), \
	  gettext_noop("the isotonic fit: invalid argument")) \
	X(ENS_WHAT_CURVE, \
	  gettext_noop("the curve needs more memory than is allowed or available"), \
	  gettext_noop("canceling the curve"), \
	  gettext_noop("the curve: model exceeds a size limit"), \
	  gettext_noop("the curve: invalid argument")) \
	X(ENS_WHAT_RELIABILITY, \
	  gettext_noop("reliability() needs more memory than is allowed or available"), \
	  gettext_noop("canceling reliability()"), \
	  gettext_noop("reliability(): model exceeds a size limit"), \
	  gettext_noop("reliability(): invalid argument")) \
	X(ENS_WHAT_CHOOSE_THRESHOLD, \
	  gettext_noop("choose_threshold() needs more memory than is allowed or available"), \
	  gettext_noop("canceling choose_threshold()"), \
	  gettext_noop("choose_threshold(): model exceeds a size limit"), \
	  gettext_noop("choose_threshold(): invalid argument")) \
	X(ENS_WHAT_EXPLANATION_PLAN, \
	  gettext_noop("the explanation plan needs more memory than is allowed or available"), \
	  gettext_noop("canceling the explanation plan"), \
	  gettext_noop("the explanation plan: model exceeds a size limit"), \
	  gettext_noop("the explanation plan: invalid argument")) \
	X(ENS_WHAT_EXPLANATION, \
	  gettext_noop("the explanation needs more memory than is allowed or available"), \
	  gettext_noop("canceling the explanation"), \
	  gettext_noop("the explanation: model exceeds a size limit"), \
	  gettext_noop("the explanation: invalid argument")) \
	X(ENS_WHAT_PERMUTATION_IMPORTANCE, \
	  gettext_noop("permutation_importance() needs more memory than is allowed or available"), \
	  gettext_noop("canceling permutation_importance()"), \
	  gettext_noop("permutation_importance(): model exceeds a size limit"), \
	  gettext_noop("permutation_importance(): invalid argument")) \
	X(ENS_WHAT_MODEL_PROFILE, \
	  gettext_noop("model_profile() needs more memory than is allowed or available"), \
	  gettext_noop("canceling model_profile()"), \
	  gettext_noop("model_profile(): model exceeds a size limit"), \
	  gettext_noop("model_profile(): invalid argument"))

#define ENS_WHAT_ENUM(id, memory, cancel, limit, invalid) id,
typedef enum EnsPgWhat
{
	ENS_PG_WHATS(ENS_WHAT_ENUM)
	ENS_WHAT_COUNT
} EnsPgWhat;
#undef ENS_WHAT_ENUM

/*
 * ereport(ERROR) for an engine status (never returns for != OK); err (may be
 * NULL): why the model reader refused the bytes, shown as the DETAIL
 */
extern void ens_pg_check(EnsStatus rc, EnsPgWhat what, const EnsError *err);

/* What a dictionary holds, for ens_pg_dict_failed's messages, and what they name */
typedef enum EnsDictOf
{
	ENS_DICT_AGG_LABELS,		/* an aggregate's class labels: the aggregate */
	ENS_DICT_AGG_GROUPS,		/* an aggregate's group keys: the aggregate */
	ENS_DICT_TARGET,			/* a training target's values: the column */
	ENS_DICT_FEATURE,			/* a text feature's categories: the column */
	ENS_DICT_GROUP_BY,			/* group_by's values: the column */
	ENS_DICT_UNKNOWN_LABELS		/* target values no class of a model: the model */
} EnsDictOf;

/*
 * ereport(ERROR) for a dictionary d of "of" (named name) that could not take
 * a string (d NULL: it could not be created): its own limit, 54000
 * (ens_dict_full), or else out of memory, 53200.  A refusal of a memory cap
 * the caller reports first, in its own words.
 */
extern void ens_pg_dict_failed(const EnsDict *d, EnsDictOf of, const char *name);
/* ereport(ERROR) for an engine error (ensemble_error_pg.c; returns for ENS_ERR_NONE) */
extern void ens_pg_raise_error(const EnsError *e);
/* errdetail() for a refusal of the model reader; 0 for any other e or NULL */
extern int	ens_pg_read_detail(const EnsError *e);

/* feature value conversion shared by training and prediction */
#define ENS_TYPE_UNSUPPORTED (-1)
extern int	ens_type_kind(Oid typid);
extern double ens_datum_to_double(Datum d, Oid basetype);
extern char *ens_datum_to_text(Datum d, Oid basetype, uint32_t *len);
extern char *ens_number_label(double v);
/* a caller-given name as messages print it: its first 64 characters, then "..." */
#define ENS_MESSAGE_NAME_CHARS 64
extern const char *ens_name_for_message(const char *name);
extern char *ens_float_text(double v);
extern Datum ens_text_array(const char *const *s, const uint32_t *len, uint32_t n);

/* stream a read-only query's rows into fn (model_rows.c; SPI connected) */
typedef void (*EnsRowFn) (Datum *values, bool *isnull, void *arg);
typedef void (*EnsRowsSizeFn) (double estimate, void *arg);
extern uint64 ens_read_rows_sized(const char *query, const Oid *types, int ntypes,
								  EnsRowsSizeFn size, EnsRowFn fn, void *arg);

/* registry access (model_registry.c) */
typedef struct EnsCached
{
	int64		id;
	int64		xmin;
	ItemPointerData ctid;		/* with xmin: the row version */
	uint64		serial;			/* bumped whenever the slot is reused */
	uint64		last_used;
	int			pins;			/* users running nested SQL; not evicted */
	EnsModel *model;
	MemoryContext cxt;
	char	   *name;
	int32		version;		/* the registry row's, for messages */
	char	   *target;
} EnsCached;

extern EnsCached *ens_registry_get(const char *name, int32 version);

/*
 * What a registry lookup's answer depends on besides the name and version:
 * the role it ran as (row-level security, grants) and the rows its snapshot
 * saw (deploys, new versions, drops, revokes), those its own subtransactions
 * wrote included.  A call site may reuse the model of its last lookup only
 * while both are unchanged.
 */
typedef struct EnsLookupKey
{
	Oid			userid;			/* InvalidOid: nothing to reuse */
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	int32		subxcnt;
	uint64		completions;	/* the snapshot's snapXactCompletionCount */
	uint64		subxact_aborts; /* this backend's aborted subtransactions then */
} EnsLookupKey;

extern void ens_lookup_key_take(EnsLookupKey *k);
extern bool ens_lookup_key_holds(const EnsLookupKey *k);
extern bytea *ens_registry_bytes(const char *name, int32 version, int64 *id, int64 *xmin,
								 ItemPointerData *ctid);
extern EnsModel *ens_model_from_bytea(bytea *b, MemoryContext cxt);
/* the only writer of stored or returned model bytes: read back before they leave */
extern bytea *ens_model_bytea(const EnsModel *m, MemoryContext cxt);

#endif							/* EDUPREDICT_ENSEMBLE_PG_H */
