/*
 * forest.h - PG-free random forest engine of edupredict.
 *
 * Everything declared here is plain C99 with no PostgreSQL dependency, so
 * the fuzz driver and the engine checks link it without a backend.  The PG
 * layer (forest_sql.c, forest_registry.c, forest_agg.c, forest_eval.c)
 * supplies an allocator (palloc), an interrupt callback
 * (CHECK_FOR_INTERRUPTS) and turns status codes into ereport()s.
 *
 * Data flow:
 *   raw double columns --forest_compute_edges--> per-feature bin edges
 *   --forest_bin_value--> row-major uint8 bin matrix (255 = missing)
 *   --forest_train--> ForestModel (flat node arrays)
 *   --forest_serialize--> bytes  --forest_deserialize--> ForestModel
 *
 * Model layout: every node is 8 bytes (ForestNode).  Internal numeric
 * nodes send a row left when its bin <= node.bin, i.e. when the raw value
 * <= edges[node.bin]; categorical nodes use a 256-bit set (ForestCatSplit).
 * Children of an internal node are always adjacent (left = a, right = a+1)
 * and stored after their parent.  Missing values follow FN_DEFLEFT.
 */
#ifndef EDUPREDICT_FOREST_H
#define EDUPREDICT_FOREST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FOREST_MAX_BINS			255 /* real bins 0..254 */
#define FOREST_MISSING			255 /* bin code of a missing value */
#define FOREST_MAX_FEATURES		1000
#define FOREST_MAX_CLASSES		1000
#define FOREST_MAX_CATEGORIES	255
#define FOREST_MAX_TREES		10000
#define FOREST_MAX_NAME			4096	/* bytes in a name, label or category */
#define FOREST_MAX_ROWS			2000000000u

#define FOREST_FORMAT_VERSION	1

typedef enum ForestTask
{
	FOREST_CLASSIFICATION = 1,
	FOREST_REGRESSION = 2
} ForestTask;

typedef enum ForestKind
{
	FOREST_NUMERIC = 0,
	FOREST_CATEGORICAL = 1
} ForestKind;

typedef enum ForestStatus
{
	FOREST_OK = 0,
	FOREST_ENOMEM,				/* allocation failed */
	FOREST_EINTR,				/* interrupt callback asked to stop */
	FOREST_EINVAL,				/* bad argument */
	FOREST_ETRUNC,				/* model bytes end too early */
	FOREST_EMAGIC,				/* not a model */
	FOREST_EVERSION,			/* unsupported format version */
	FOREST_ECHECKSUM,			/* checksum mismatch */
	FOREST_ECORRUPT,			/* inconsistent model */
	FOREST_ELIMIT				/* a size limit was exceeded */
} ForestStatus;

/*
 * Allocator.  alloc may return NULL (malloc) or never return on failure
 * (palloc).  The engine frees what it allocates on every path that returns.
 */
typedef struct ForestAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} ForestAlloc;

extern const ForestAlloc forest_malloc_allocator;

/*
 * Interrupt callback: polled once per node and per tree.  Return true to
 * abort (the engine frees its scratch and returns FOREST_EINTR); it may
 * also not return at all (CHECK_FOR_INTERRUPTS() when every allocation is
 * palloc'd).
 */
typedef bool (*ForestInterruptFn) (void *arg);

/* Node flags */
#define FN_LEAF		0x01
#define FN_DEFLEFT	0x02		/* missing values go left */
#define FN_CAT		0x04		/* categorical split (a = cat split index) */
#define FN_PURE		0x08		/* classification leaf of one class (a = class) */
#define FN_ALLFLAGS	0x0F

typedef struct ForestNode
{
	uint32_t	a;				/* child, cat split, leaf offset, class or value bits */
	uint16_t	feature;
	uint8_t		bin;
	uint8_t		flags;
} ForestNode;

typedef struct ForestCatSplit
{
	uint32_t	child;			/* left child; right child is child + 1 */
	uint32_t	bits[8];		/* category c goes left when bit c is set */
} ForestCatSplit;

typedef struct ForestFeature
{
	const char *name;			/* NUL-terminated */
	uint32_t	name_len;
	uint8_t		kind;			/* ForestKind */
	uint32_t	n_bins;			/* numeric: bins (edges = n_bins - 1);
								 * categorical: categories */
	double	   *edges;			/* numeric */
	const char **cats;			/* categorical, sorted by bytes, NUL-terminated */
	uint32_t   *cat_len;
} ForestFeature;

typedef struct ForestModel
{
	int			task;			/* ForestTask */
	uint32_t	n_features;
	uint32_t	n_classes;		/* 0 for regression */
	uint32_t	n_trees;
	ForestFeature *features;
	const char **classes;		/* NUL-terminated labels */
	uint32_t   *class_len;
	double	   *importance;		/* n_features, sums to 1 (or all 0) */

	/* flat arrays over all trees; indices inside are absolute */
	uint32_t   *tree_node;		/* n_trees + 1 offsets into nodes */
	uint32_t   *tree_cat;		/* n_trees + 1 offsets into cats */
	uint32_t   *tree_leaf;		/* n_trees + 1 offsets into leafv (floats) */
	ForestNode *nodes;
	ForestCatSplit *cats;
	float	   *leafv;			/* impure classification leaves, K each */
	uint32_t	n_nodes;
	uint32_t	n_cats;
	uint32_t	n_leafv;

	/* memory: either one block (deserialized) or owned arrays (trained) */
	void	   *block;
	size_t		mem_bytes;		/* approximate in-memory size */
} ForestModel;

typedef struct ForestParams
{
	int			task;			/* ForestTask */
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

typedef struct ForestData
{
	uint32_t	n_rows;			/* rows in X */
	uint32_t	n_features;
	const uint8_t *X;			/* row-major n_rows x n_features bins */
	const uint32_t *cls;		/* classification targets (< n_classes) */
	const double *y;			/* regression targets */
	const uint32_t *rows;		/* rows to train on, or NULL for all */
	uint32_t	n_use;			/* length of rows (or n_rows) */
} ForestData;

/* forest_data.c: binning and dictionaries */
extern ForestStatus forest_compute_edges(const double *vals, const uint32_t *rows,
										 uint32_t n,
										 uint32_t max_bins, uint64_t seed,
										 const ForestAlloc *al,
										 double **edges, uint32_t *n_bins);
extern uint8_t forest_bin_value(const ForestFeature *f, double v);
extern void forest_hint_hugepages(void *p, size_t len);

typedef struct ForestDict ForestDict;
extern ForestDict *forest_dict_create(const ForestAlloc *al);
extern int64_t forest_dict_add(ForestDict *d, const char *s, uint32_t len);
extern int64_t forest_dict_find(const ForestDict *d, const char *s, uint32_t len);
extern uint32_t forest_dict_size(const ForestDict *d);
extern const char *forest_dict_get(const ForestDict *d, uint32_t id,
								   uint32_t *len, uint64_t *count);
extern void forest_dict_free(ForestDict *d);
extern int	forest_bytes_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen);
extern int64_t forest_category_code(const ForestFeature *f, const char *s, uint32_t len);

/*
 * Bins all n rows; numeric edges come from edge_rows only (the training
 * rows; NULL: all n), so held-out rows never shape the model.
 */
extern ForestStatus forest_bin_columns(const double *const *cols, uint32_t n,
									   uint32_t p, ForestFeature *features,
									   const uint32_t *edge_rows,
									   uint32_t n_edge_rows, uint64_t seed,
									   const ForestAlloc *al, uint8_t **X);
extern ForestStatus forest_split_rows(const uint32_t *cls, uint32_t k, uint32_t n,
									  double test_fraction, uint64_t seed,
									  const ForestAlloc *al,
									  uint32_t **train, uint32_t *n_train,
									  uint32_t **test, uint32_t *n_test);

/* forest_train.c */
extern ForestStatus forest_train(ForestModel *m, const ForestData *d,
								 const ForestParams *p, const ForestAlloc *al,
								 ForestInterruptFn intr, void *intr_arg,
								 size_t *peak_bytes);
extern uint32_t forest_default_mtry(int task, uint32_t p, double max_features);

/* forest_predict.c */
extern void forest_bin_row(const ForestModel *m, const double *x, uint8_t *xb);
extern void forest_predict_binned(const ForestModel *m, const uint8_t *xb, double *out);
extern uint32_t forest_argmax(const double *proba, uint32_t k);

/* forest_model.c */
extern ForestStatus forest_serialize(const ForestModel *m, const ForestAlloc *al,
									 size_t reserve, uint8_t **out, size_t *out_len);
extern size_t forest_serialized_size(const ForestModel *m);
extern ForestStatus forest_deserialize(const uint8_t *buf, size_t len,
									   const ForestAlloc *al, ForestModel **out,
									   char *detail, size_t detail_len);
extern void forest_model_free(ForestModel *m, const ForestAlloc *al);
extern uint32_t forest_crc32c(uint32_t crc, const uint8_t *buf, size_t len);
extern const char *forest_strerror(ForestStatus s);

/* forest_metrics.c */
typedef struct ForestClsMetrics
{
	double		accuracy;
	double		precision;		/* macro */
	double		recall;			/* macro */
	double		f1;				/* macro */
	double		log_loss;
	double		auc;			/* binary, or one-vs-rest macro; NaN if undefined */
} ForestClsMetrics;

typedef struct ForestRegMetrics
{
	double		rmse;
	double		mae;
	double		r2;
} ForestRegMetrics;

/*
 * actual[i] < n_labels (n_labels >= k: labels beyond k are unknown to the
 * model); proba is n x k; confusion (n_labels x k) may be NULL.
 */
extern ForestStatus forest_cls_metrics(uint32_t n, uint32_t k, uint32_t n_labels,
									   const uint32_t *actual, const double *proba,
									   const ForestAlloc *al, ForestClsMetrics *out,
									   uint64_t *confusion);
extern void forest_reg_metrics(uint32_t n, const double *actual, const double *pred,
							   ForestRegMetrics *out);

#endif							/* EDUPREDICT_FOREST_H */
