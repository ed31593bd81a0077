/*
 * model_outputs.h - what the explanation, calibration, threshold and drift
 * entry points share: classes by name, the rows of a relation scored by a
 * model (model_heldout.c), and writing a model as a new registry version
 * (model_version.c).
 */
#ifndef EDUPREDICT_MODEL_OUTPUTS_H
#define EDUPREDICT_MODEL_OUTPUTS_H

#include "postgres.h"

#include "model_train.h"

/*
 * "'name', version": the arguments that name one version of a registry
 * model, for the calls messages print (edupredict.model_classes(%s));
 * "'name'" when the version is not known (0)
 */
extern const char *ens_model_args_sql(const char *model_name, int32 version);
/* index of a class label (text), or an error naming the model (and version) */
extern uint32_t ens_class_index(const EnsModel *m, text *cls, const char *model_name,
								int32 version);
/* 42809 naming the function (what) and the model unless m is a classifier */
extern void ens_require_classifier(const EnsModel *m, const char *model_name, const char *what);
/* a class argument: NULL is the second class of two; more classes need one */
extern uint32_t ens_class_arg(const EnsModel *m, text *cls, const char *model_name,
							  int32 version, const char *what);
/* the label text of class k */
extern text *ens_class_text(const EnsModel *m, uint32_t k);
/* the explanation plan of m in al; 54000 naming the model (what) when over the memory cap */
extern EnsShap *ens_explain_plan(const EnsModel *m, const EnsAlloc *al, const char *what);

/* Rows of a relation as a model sees them (model_heldout.c). */
typedef struct EnsHeldout
{
	uint32_t	n,
				p;
	uint8_t    *X;				/* n x p bins */
	bool		has_target;
	uint32_t   *act;			/* classification: class index, >= K unknown */
	double	   *y;				/* regression targets */
	uint32_t	n_labels;		/* K plus the labels the model does not know */
	uint64_t	n_unknown;		/* rows whose label the model does not know */
	uint32_t	n_unknown_values;	/* distinct such labels */
	/*
	 * per feature: rows and distinct values of unseen categories, counted
	 * up to ENS_MAX_UNSEEN_VALUES (unseen_over: there are more); a value
	 * longer than ENS_MAX_NAME is missing, as training takes it
	 */
	uint64_t   *unseen_rows;
	uint32_t   *unseen_values;
	bool	   *unseen_over;
	/*
	 * per feature: rows whose value is missing (NULL or NaN), for drift and
	 * model_profile(): a boosted feature of ENS_MAX_BOOST_BINS bins bins a
	 * missing value as its last bin (255)
	 */
	uint64_t   *missing_rows;
	char	   *target;			/* the registry row's target column */
	Oid			target_base;	/* its base type */
	char	   *relation;		/* schema-qualified and quoted, for messages */
	int32		version;		/* the model's registry version, for messages */
	uint64_t	n_read;			/* rows read, NULL targets included */
} EnsHeldout;

#define ENS_HELDOUT_TARGET	0x01	/* read the target; skip rows where it is NULL */
#define ENS_HELDOUT_DRIFT	0x02	/* count NULLs and unseen categories */
#define ENS_HELDOUT_MISSING	0x04	/* count NULLs (missing_rows) */
/* the most distinct unseen categories of a feature drift() counts */
#define ENS_MAX_UNSEEN_VALUES 100000

extern void ens_heldout_read(const char *name, const EnsCached *slot, const EnsModel *m,
							 Oid relid, int flags, EnsHeldout *h);
/*
 * The target values a model does not know, as a reader of a relation keeps
 * them: a dictionary whose bytes count against edupredict.forest_max_memory
 * with the room for the reader's rows, so many long such values cannot grow
 * past what the rows are held to.
 */
typedef struct EnsUnknownLabels
{
	EnsDict    *dict;
	EnsPgAlloc	pa;				/* the dictionary's bytes: pa.cur */
	EnsAlloc	al;				/* pa, refusing what would pass the cap */
	double		rows_bytes;		/* room for the reader's rows (ens_heldout_grow) */
	bool		over_cap;		/* al refused an allocation for the cap */
	const char *name;			/* the model and its version, for messages */
	int32		version;
} EnsUnknownLabels;

/* the most distinct target values a model does not know that its readers count */
#define ENS_MAX_UNKNOWN_LABELS 100000
/*
 * no such values yet, in the current context, beside rows_bytes of rows;
 * ul must not move while it is in use
 */
extern void ens_unknown_labels_init(EnsUnknownLabels *ul, const char *name, int32 version,
									double rows_bytes);
/*
 * the number (from 0) of target value s, which model ul->name does not know;
 * past ENS_MAX_UNKNOWN_LABELS such values, or past the cap, 54000; out of
 * memory, 53200 (ens_pg_dict_failed)
 */
extern uint32_t ens_heldout_unknown_label(EnsUnknownLabels *ul, const char *s, uint32_t len);
/* a target value as a class label (NULL: NaN, a row to skip) */
extern const char *ens_target_label(Datum d, Oid tbase, uint32_t *len);
/*
 * errhint() of a message about target values a model does not know: a query
 * that lists them, the labels ens_target_label makes of column target (of
 * base type tbase) that are not classes of version version of model_name
 * (relation: quoted); the values, of the caller's rows, appear in no
 * message (STYLE.md section 8)
 */
extern int	ens_errhint_unknown_targets(const char *target, Oid tbase, const char *relation,
										const char *model_name, int32 version);
/*
 * the doubled capacity of a buffer of rows read for model name, each taking
 * row_bytes, when n rows fill cap: within ENS_MAX_ROWS, and within
 * edupredict.forest_max_memory together with what the reader keeps beside
 * the rows (labels, or NULL: its unknown target values, whose rows_bytes it
 * sets; unseen_bytes: drift's sets of unseen values)
 */
extern size_t ens_heldout_grow(size_t cap, size_t n, double row_bytes, EnsUnknownLabels *labels,
							   size_t unseen_bytes, const char *name);
/*
 * refuse rows whose label the model does not know (fn: the SQL function;
 * left_out: fn would leave them out, else count them as rows of no class)
 */
extern void ens_heldout_known_labels(const char *name, const EnsHeldout *h, const char *fn,
									 bool left_out);
/* refuse a regression target m's learner would not train on (row: 1-based, as read) */
extern void ens_check_target_value(const EnsModel *m, double y, uint64 row, const char *target,
								   const char *relation);
/* refuse a relation with no rows (or none with a target value) to score */
extern void ens_heldout_require_rows(const EnsHeldout *h);
/* outputs (n x kk, calibrated as predict_proba) of every row */
extern double *ens_heldout_predict(const EnsModel *m, const EnsHeldout *h, bool raw);

/* a registry model looked up for a whole statement, pinned while it runs */
typedef struct EnsRegModel
{
	char	   *name;
	EnsCached  *slot;
	EnsModel   *m;
} EnsRegModel;

extern void ens_regmodel_get(EnsRegModel *rm, text *name, int32 version);
extern void ens_regmodel_run(EnsRegModel *rm, void (*fn) (EnsRegModel *rm, void *arg), void *arg);

/*
 * model_version.c: write m as the next version of the registry row's name,
 * a version reserved (ens_registry_reserve) before any row was read
 */
extern int32 ens_write_version(const EnsRegModel *rm, int32 version, const EnsModel *m,
							   const char *params_add, const char *metrics_add, double secs);

#endif							/* EDUPREDICT_MODEL_OUTPUTS_H */
