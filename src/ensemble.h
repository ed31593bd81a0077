/*
 * ensemble.h - PG-free tree-ensemble core of edupredict: the pieces every
 * tree learner shares (binning and codebooks, the model and its format, the
 * prediction walk, metrics) and the learners themselves (forest_train.c,
 * boost_train.c).
 *
 * Everything declared here is plain C99 with no PostgreSQL dependency, so
 * the fuzz driver and the engine checks link it without a backend.  The PG
 * layer (ensemble_pg.c and the model_*.c entry points) supplies an allocator
 * (palloc), an interrupt callback (CHECK_FOR_INTERRUPTS) and turns status
 * codes into ereport()s.
 *
 * Data flow:
 *   raw double columns --ens_compute_edges--> per-feature bin edges
 *   --ens_bin_value--> row-major uint8 bin matrix (255 = missing)
 *   --forest_train / boost_train--> EnsModel (flat node arrays)
 *   --ens_serialize--> bytes  --ens_deserialize--> EnsModel
 *
 * Model layout: every node is 8 bytes (EnsNode).  Internal numeric
 * nodes send a row left when its bin <= node.bin, i.e. when the raw value
 * <= edges[node.bin]; categorical nodes use a 256-bit set (EnsCatSplit).
 * Children of an internal node are always adjacent (left = a, right = a+1)
 * and stored after their parent.  Missing values follow FN_DEFLEFT.
 */
#ifndef EDUPREDICT_ENSEMBLE_H
#define EDUPREDICT_ENSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ensemble_params.h"

#define ENS_MAX_BINS			255 /* real bins 0..254 */
#define ENS_MISSING			255 /* bin code of a missing value */
#define ENS_MAX_FEATURES		1000
#define ENS_MAX_CLASSES		1000
#define ENS_MAX_CATEGORIES	255
#define ENS_MAX_TREES		10000
#define ENS_MAX_NAME			4096	/* bytes in a name, label or category */
#define ENS_MAX_ROWS			2000000000u

#define ENS_FORMAT_VERSION	2	/* 1: 0.1.0 forests, still read */

typedef enum EnsTask
{
	ENS_CLASSIFICATION = 1,
	ENS_REGRESSION = 2
} EnsTask;

/* The learner that grew the trees: it decides how leaves combine. */
typedef enum EnsAlgorithm
{
	ENS_FOREST = 1,				/* leaves averaged (votes or values) */
	ENS_BOOST = 2				/* leaf values summed into margins */
} EnsAlgorithm;

/*
 * Loss of a boosted model.  It fixes the link from margins to outputs:
 * identity for the regression losses, sigmoid for logistic (two classes,
 * one margin, the probability of class 1), softmax for more classes (one
 * margin per class, the trees of round r are r*K .. r*K + K-1).
 */
typedef enum EnsObjective
{
	ENS_OBJ_NONE = 0,			/* forest */
	ENS_OBJ_SQUARED = 1,
	ENS_OBJ_ABSOLUTE = 2,
	ENS_OBJ_HUBER = 3,
	ENS_OBJ_LOGISTIC = 4,
	ENS_OBJ_SOFTMAX = 5
} EnsObjective;

typedef enum EnsKind
{
	ENS_NUMERIC = 0,
	ENS_CATEGORICAL = 1
} EnsKind;

typedef enum EnsStatus
{
	ENS_OK = 0,
	ENS_ENOMEM,				/* allocation failed */
	ENS_EINTR,				/* interrupt callback asked to stop */
	ENS_EINVAL,				/* bad argument */
	ENS_ETRUNC,				/* model bytes end too early */
	ENS_EMAGIC,				/* not a model */
	ENS_EVERSION,			/* unsupported format version */
	ENS_ECHECKSUM,			/* checksum mismatch */
	ENS_ECORRUPT,			/* inconsistent model */
	ENS_ELIMIT				/* a size limit was exceeded */
} EnsStatus;

/*
 * Allocator.  alloc may return NULL (malloc) or never return on failure
 * (palloc).  The engine frees what it allocates on every path that returns.
 */
typedef struct EnsAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} EnsAlloc;

extern const EnsAlloc ens_malloc_allocator;

/*
 * Interrupt callback: polled once per node and per tree.  Return true to
 * abort (the engine frees its scratch and returns ENS_EINTR); it may
 * also not return at all (CHECK_FOR_INTERRUPTS() when every allocation is
 * palloc'd).
 */
typedef bool (*EnsInterruptFn) (void *arg);

/* Node flags */
#define FN_LEAF		0x01
#define FN_DEFLEFT	0x02		/* missing values go left */
#define FN_CAT		0x04		/* categorical split (a = cat split index) */
#define FN_PURE		0x08		/* classification leaf of one class (a = class) */
#define FN_ALLFLAGS	0x0F

typedef struct EnsNode
{
	uint32_t	a;				/* child, cat split, leaf offset, class or value bits */
	uint16_t	feature;
	uint8_t		bin;
	uint8_t		flags;
} EnsNode;

typedef struct EnsCatSplit
{
	uint32_t	child;			/* left child; right child is child + 1 */
	uint32_t	bits[8];		/* category c goes left when bit c is set */
} EnsCatSplit;

typedef struct EnsFeature
{
	const char *name;			/* NUL-terminated */
	uint32_t	name_len;
	uint8_t		kind;			/* EnsKind */
	uint32_t	n_bins;			/* numeric: bins (edges = n_bins - 1);
								 * categorical: categories */
	double	   *edges;			/* numeric */
	const char **cats;			/* categorical, sorted by bytes, NUL-terminated */
	uint32_t   *cat_len;
	/*
	 * Categorical with hashed values (the default since format 2): the model
	 * keeps SipHash(salt, value) of each category, sorted, instead of its
	 * text; cats/cat_len are then NULL.
	 */
	bool		hashed;
	uint64_t	salt[2];
	uint64_t   *cat_hash;		/* by code (categories in byte order) */
	uint64_t   *hash_sorted;	/* lookup index: hashes sorted, */
	uint8_t    *hash_code;		/* and the code of each */
} EnsFeature;

typedef struct EnsModel
{
	int			task;			/* EnsTask */
	uint8_t		algorithm;		/* EnsAlgorithm */
	uint8_t		objective;		/* EnsObjective (boost) */
	uint32_t	n_outputs;		/* boost: margins = trees per round (K or 1) */
	double	   *base_score;		/* boost: n_outputs initial margins */
	uint32_t	n_features;
	uint32_t	n_classes;		/* 0 for regression */
	uint32_t	n_trees;
	EnsFeature *features;
	const char **classes;		/* NUL-terminated labels */
	uint32_t   *class_len;
	double	   *importance;		/* n_features, sums to 1 (or all 0) */

	/* flat arrays over all trees; indices inside are absolute */
	uint32_t   *tree_node;		/* n_trees + 1 offsets into nodes */
	uint32_t   *tree_cat;		/* n_trees + 1 offsets into cats */
	uint32_t   *tree_leaf;		/* n_trees + 1 offsets into leafv (floats) */
	EnsNode *nodes;
	EnsCatSplit *cats;
	float	   *leafv;			/* impure classification leaves, K each */
	uint32_t	n_nodes;
	uint32_t	n_cats;
	uint32_t	n_leafv;

	/* memory: either one block (deserialized) or owned arrays (trained) */
	void	   *block;
	size_t		mem_bytes;		/* approximate in-memory size */
} EnsModel;

typedef struct ForestParams
{
	int			task;			/* EnsTask */
	uint32_t	n_classes;
	int			n_trees;
	int			max_depth;		/* <= 0: unlimited */
	int			min_samples_leaf;
	double		max_features;	/* fraction (0,1]; <= 0: default */
	bool		balanced;		/* class_weight 'balanced' */
	double		sample_fraction;	/* bootstrap draws = round(f * n) */
	uint64_t	seed;
	int			n_threads;		/* trees grown in parallel (see forest_train) */
} ForestParams;

typedef struct EnsData
{
	uint32_t	n_rows;			/* rows in X */
	uint32_t	n_features;
	const uint8_t *X;			/* row-major n_rows x n_features bins */
	const uint32_t *cls;		/* classification targets (< n_classes) */
	const double *y;			/* regression targets */
	const uint32_t *rows;		/* rows to train on, or NULL for all */
	uint32_t	n_use;			/* length of rows (or n_rows) */
} EnsData;

/* forest_data.c: binning and dictionaries */
extern EnsStatus ens_compute_edges(const double *vals, const uint32_t *rows,
										 uint32_t n,
										 uint32_t max_bins, uint64_t seed,
										 const EnsAlloc *al,
										 double **edges, uint32_t *n_bins);
extern uint8_t ens_bin_value(const EnsFeature *f, double v);
extern void ens_hint_hugepages(void *p, size_t len);

typedef struct EnsDict EnsDict;
extern EnsDict *ens_dict_create(const EnsAlloc *al);
extern int64_t ens_dict_add(EnsDict *d, const char *s, uint32_t len);
extern int64_t ens_dict_find(const EnsDict *d, const char *s, uint32_t len);
extern uint32_t ens_dict_size(const EnsDict *d);
extern const char *ens_dict_get(const EnsDict *d, uint32_t id,
								   uint32_t *len, uint64_t *count);
extern void ens_dict_free(EnsDict *d);
extern int	ens_bytes_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen);
extern int64_t ens_category_code(const EnsFeature *f, const char *s, uint32_t len);
extern bool ens_hash_index(EnsFeature *f, uint64_t *sorted, uint8_t *codes);

/*
 * Bins all n rows; numeric edges come from edge_rows only (the training
 * rows; NULL: all n), so held-out rows never shape the model.
 */
extern EnsStatus ens_bin_columns(const double *const *cols, uint32_t n,
								 uint32_t p, EnsFeature *features,
								 const uint32_t *edge_rows,
								 uint32_t n_edge_rows, uint64_t seed,
								 const EnsAlloc *al, EnsInterruptFn intr,
								 void *intr_arg, uint8_t **X);
extern EnsStatus ens_split_rows(const uint32_t *cls, uint32_t k, uint32_t n,
									  double test_fraction, uint64_t seed,
									  const EnsAlloc *al,
									  uint32_t **train, uint32_t *n_train,
									  uint32_t **test, uint32_t *n_test);

/* ensemble_order.c: canonical row order, SipHash */
extern uint64_t ens_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len);
extern EnsStatus ens_canonical_order(uint32_t n, uint32_t p, const double *const *cols,
									 const uint64_t *const *strhash, const double *y,
									 const uint64_t *yhash, const EnsAlloc *al,
									 EnsInterruptFn intr, void *intr_arg,
									 uint32_t **perm_out, uint64_t *fingerprint);

/* forest_params.c: defaults and the one validator (see ensemble_params.h) */
extern const char *const forest_param_names;
extern void forest_params_default(ForestParams *p);
extern EnsParamResult forest_param_set(ForestParams *p, const char *key,
									   const EnsValue *v, char *why);

/* forest_train.c */
extern EnsStatus forest_train(EnsModel *m, const EnsData *d,
								 const ForestParams *p, const EnsAlloc *al,
								 EnsInterruptFn intr, void *intr_arg,
								 size_t *peak_bytes);
extern uint32_t forest_default_mtry(int task, uint32_t p, double max_features);

/* forest_predict.c */
extern void ens_bin_row(const EnsModel *m, const double *x, uint8_t *xb);
extern void ens_predict_binned(const EnsModel *m, const uint8_t *xb, double *out);
extern uint32_t ens_argmax(const double *proba, uint32_t k);
/* boost: raw margins (n_outputs) before the link function */
extern void ens_predict_margin(const EnsModel *m, const uint8_t *xb, double *margin);

/* forest_model.c */
extern EnsStatus ens_serialize(const EnsModel *m, const EnsAlloc *al,
									 size_t reserve, uint8_t **out, size_t *out_len);
extern size_t ens_serialized_size(const EnsModel *m);
extern EnsStatus ens_deserialize(const uint8_t *buf, size_t len,
									   const EnsAlloc *al, EnsModel **out,
									   char *detail, size_t detail_len);
extern void ens_model_free(EnsModel *m, const EnsAlloc *al);
extern uint32_t ens_crc32c(uint32_t crc, const uint8_t *buf, size_t len);
extern const char *ens_strerror(EnsStatus s);

/* forest_metrics.c */
typedef struct EnsClsMetrics
{
	double		accuracy;
	double		precision;		/* macro */
	double		recall;			/* macro */
	double		f1;				/* macro */
	double		log_loss;
	double		auc;			/* binary, or one-vs-rest macro; NaN if undefined */
} EnsClsMetrics;

typedef struct EnsRegMetrics
{
	double		rmse;
	double		mae;
	double		r2;
} EnsRegMetrics;

/*
 * actual[i] < n_labels (n_labels >= k: labels beyond k are unknown to the
 * model); proba is n x k; confusion (n_labels x k) may be NULL.
 */
extern EnsStatus ens_cls_metrics(uint32_t n, uint32_t k, uint32_t n_labels,
							   const uint32_t *actual, const double *proba,
							   const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
							   EnsClsMetrics *out, uint64_t *confusion);
extern void ens_reg_metrics(uint32_t n, const double *actual, const double *pred,
							   EnsRegMetrics *out);

#endif							/* EDUPREDICT_ENSEMBLE_H */
