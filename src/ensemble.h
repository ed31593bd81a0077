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
 *   raw double columns --ens_canonical_order--> rows in an order of their
 *   contents --ens_compute_edges--> per-feature bin edges
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

#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ensemble_params.h"

#define ENS_MAX_BINS			255 /* real bins 0..254 */
#define ENS_MISSING			255 /* bin code of a missing value */
/*
 * Boosting's numeric features without a missing value in any row binned:
 * bins 0..255, code 255 its last bin (a missing value at prediction is
 * coded 255 too, and every split on such a feature sends it right).
 */
#define ENS_MAX_BOOST_BINS	256
#define ENS_MAX_FEATURES		1000
#define ENS_MAX_CLASSES		1000
#define ENS_MAX_CATEGORIES	255
#define ENS_MAX_TREES		10000
#define ENS_MAX_CAL_FOLDS	20		/* forests of a cross-fitted calibration */
#define ENS_MAX_NAME			4096	/* bytes in a name, label or category */
#define ENS_MAX_ROWS			2000000000u

#define ENS_FORMAT_VERSION	2	/* 1: 0.1.0 forests, still read */
#define ENS_MAX_PRED_EDGES	255 /* cut points of a prediction histogram */
#define ENS_MAX_KNOTS		(1u << 20)	/* knots of an isotonic calibrator */

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
 * Which input an ENS_EINVAL or ENS_ELIMIT is about, for the caller's error.
 * The engine names the error and the figures it shows; the words are
 * written once, as literal formats at the one PostgreSQL call site
 * (ens_pg_raise_error, ensemble_error_pg.c), so translators see them.
 * Harnesses print ens_error_name() and the figures.  ENS_ERR_NONE: the
 * status alone says what failed (an impossible input, no memory).
 */
#define ENS_ERRORS(X) \
	X(ENS_ERR_NONE) \
	/* boost_params.c */ \
	X(ENS_ERR_BOOST_CLASS_LOSS) \
	X(ENS_ERR_BOOST_FEW_CLASSES) \
	X(ENS_ERR_BOOST_MANY_CLASSES) \
	X(ENS_ERR_BOOST_LOGISTIC_CLASSES) \
	X(ENS_ERR_BOOST_TASK) \
	X(ENS_ERR_BOOST_REGRESSION_LOSS) \
	X(ENS_ERR_BOOST_HUBER_DELTA) \
	X(ENS_ERR_CLASS_WEIGHT_REGRESSION) /* both learners' (ens_class_weight_check) */ \
	X(ENS_ERR_BOOST_N_ROUNDS) \
	X(ENS_ERR_BOOST_ROUND_TREES) \
	X(ENS_ERR_BOOST_MAX_DEPTH) \
	X(ENS_ERR_BOOST_MAX_LEAVES) \
	X(ENS_ERR_BOOST_DEPTH_OR_LEAVES) \
	X(ENS_ERR_BOOST_MIN_CHILD_WEIGHT) \
	X(ENS_ERR_BOOST_L2) \
	X(ENS_ERR_BOOST_LEARNING_RATE) \
	X(ENS_ERR_BOOST_SUBSAMPLE) \
	X(ENS_ERR_BOOST_COLSAMPLE) \
	X(ENS_ERR_BOOST_EARLY_STOPPING) \
	X(ENS_ERR_BOOST_THREADS) \
	/* boost_train.c: the glue's data, checked again */ \
	X(ENS_ERR_BOOST_ROW) \
	X(ENS_ERR_BOOST_BIN) \
	X(ENS_ERR_BOOST_CLASS_CODE) \
	X(ENS_ERR_BOOST_TARGET) \
	X(ENS_ERR_BOOST_MODEL_TASK) \
	X(ENS_ERR_BOOST_N_FEATURES) \
	X(ENS_ERR_BOOST_N_BINS) \
	X(ENS_ERR_BOOST_NO_ROWS) \
	X(ENS_ERR_BOOST_NO_VALIDATION) \
	/* forest_oob.c */ \
	X(ENS_ERR_OOB_NO_ROWS) \
	X(ENS_ERR_OOB_ONE_CLASS) \
	X(ENS_ERR_OOB_MISSING_CLASS) \
	X(ENS_ERR_OOB_KNOTS) \
	/* forest_cvcal.c */ \
	X(ENS_ERR_CVCAL_FEW_ROWS) \
	X(ENS_ERR_CVCAL_TREES) \
	X(ENS_ERR_CVCAL_ONE_CLASS) \
	X(ENS_ERR_CVCAL_MISSING_CLASS) \
	X(ENS_ERR_CVCAL_KNOTS)

/*
 * Why the model reader (ensemble_reader.c, ensemble_sections.c) refused the
 * bytes: X(id, figures, text), the text's figures being e->n[0..figures-1].
 * Unlike ENS_ERRORS, the words are here, once, because the harnesses print
 * them too (ens_error_text); the PostgreSQL layer expands each entry into
 * its own case, errdetail(text, figures...), so every call passes a literal
 * format the compiler checks against its figures (ens_pg_read_detail,
 * ensemble_error_pg.c), and gettext_noop marks the texts for translators.
 * Figures are counts, indices and tags, never negative: all %llu.  A text
 * never carries a name, a label or a category of the model (STYLE.md
 * section 8).  gettext_noop is PostgreSQL's, or ensemble_params.h's
 * stand-in in the PG-free builds.
 */
#define ENS_READ_ERRORS(X) \
	/* ensemble_reader.c: the header */ \
	X(ENS_ERR_READ_HEADER_SHORT, 1, gettext_noop("model has %llu bytes, fewer than a header.")) \
	X(ENS_ERR_READ_MAGIC, 0, gettext_noop("bad magic number.")) \
	X(ENS_ERR_READ_VERSION, 2, gettext_noop("format version %llu, expected 1 or %llu.")) \
	X(ENS_ERR_READ_HEADER_RESERVED, 0, gettext_noop("reserved header field is not zero.")) \
	X(ENS_ERR_READ_ALGORITHM, 1, gettext_noop("unknown algorithm %llu.")) \
	X(ENS_ERR_READ_TASK, 1, gettext_noop("unknown task %llu.")) \
	X(ENS_ERR_READ_FEATURE_COUNT, 2, gettext_noop("feature count %llu outside [1, %llu].")) \
	X(ENS_ERR_READ_CLASS_COUNT, 2, gettext_noop("class count %llu outside [2, %llu].")) \
	X(ENS_ERR_READ_REGRESSION_CLASSES, 1, gettext_noop("regression model with %llu classes.")) \
	X(ENS_ERR_READ_TREE_COUNT, 2, gettext_noop("tree count %llu outside [1, %llu].")) \
	X(ENS_ERR_READ_CHECKSUM, 0, gettext_noop("checksum mismatch.")) \
	/* the boosting header */ \
	X(ENS_ERR_READ_BOOST_TRUNC, 0, gettext_noop("truncated in the boosting header.")) \
	X(ENS_ERR_READ_BOOST_RESERVED, 0, gettext_noop("reserved boosting field is not zero.")) \
	X(ENS_ERR_READ_OBJECTIVE, 1, gettext_noop("objective %llu does not fit the task.")) \
	X(ENS_ERR_READ_OUTPUTS, 2, gettext_noop("%llu outputs and %llu trees do not fit the objective.")) \
	X(ENS_ERR_READ_BASE_TRUNC, 0, gettext_noop("truncated in the base scores.")) \
	X(ENS_ERR_READ_BASE_SCORE, 1, gettext_noop("base score %llu is not finite.")) \
	/* features */ \
	X(ENS_ERR_READ_EDGES_TRUNC, 1, gettext_noop("truncated in the edges of feature %llu.")) \
	X(ENS_ERR_READ_EDGES, 1, gettext_noop("feature %llu: bin edges are not finite and increasing.")) \
	X(ENS_ERR_READ_CATEGORY, 2, gettext_noop("feature %llu: bad category %llu.")) \
	X(ENS_ERR_READ_CATEGORY_ORDER, 1, gettext_noop("feature %llu: categories are not sorted and unique.")) \
	X(ENS_ERR_READ_CATEGORY_TRUNC, 1, gettext_noop("truncated in the categories of feature %llu.")) \
	X(ENS_ERR_READ_CATEGORY_HASH, 1, gettext_noop("feature %llu: two categories share a hash.")) \
	X(ENS_ERR_READ_FEATURE_TRUNC, 1, gettext_noop("truncated in feature %llu.")) \
	X(ENS_ERR_READ_FEATURE_KIND, 2, gettext_noop("feature %llu has unknown kind %llu.")) \
	X(ENS_ERR_READ_FEATURE_RESERVED, 1, gettext_noop("feature %llu reserved field is not zero.")) \
	X(ENS_ERR_READ_FEATURE_NAME, 1, gettext_noop("feature %llu has a bad name.")) \
	X(ENS_ERR_READ_FEATURE_EMPTY_NAME, 1, gettext_noop("feature %llu has an empty name.")) \
	X(ENS_ERR_READ_FEATURE_BINS, 2, gettext_noop("feature %llu has %llu bins.")) \
	X(ENS_ERR_READ_FEATURE_NAMES_EQUAL, 2, gettext_noop("features %llu and %llu have the same name.")) \
	/* classes and importances */ \
	X(ENS_ERR_READ_CLASS_LABEL, 1, gettext_noop("bad class label %llu.")) \
	X(ENS_ERR_READ_CLASS_LABELS_EQUAL, 2, gettext_noop("class labels %llu and %llu are equal.")) \
	X(ENS_ERR_READ_IMPORTANCE_TRUNC, 0, gettext_noop("truncated in feature importances.")) \
	X(ENS_ERR_READ_IMPORTANCE, 1, gettext_noop("feature importance %llu is out of range.")) \
	/* trees: (tree, node) */ \
	X(ENS_ERR_READ_LEAF_SPLIT_FIELDS, 2, gettext_noop("tree %llu node %llu: leaf with split fields.")) \
	X(ENS_ERR_READ_LEAF_CLASS, 2, gettext_noop("tree %llu node %llu: class index out of range.")) \
	X(ENS_ERR_READ_LEAF_INDEX, 2, gettext_noop("tree %llu node %llu: leaf index out of range.")) \
	X(ENS_ERR_READ_LEAF_PURE, 2, gettext_noop("tree %llu node %llu: pure flag on a value leaf.")) \
	X(ENS_ERR_READ_LEAF_VALUE, 2, gettext_noop("tree %llu node %llu: leaf value is not finite.")) \
	X(ENS_ERR_READ_NODE_RESERVED, 2, gettext_noop("tree %llu node %llu: reserved field is not zero.")) \
	X(ENS_ERR_READ_NODE_SPLIT_TABLE, 2, gettext_noop("tree %llu node %llu: split table index out of range.")) \
	X(ENS_ERR_READ_NODE_CHILD, 2, gettext_noop("tree %llu node %llu: child index out of range or not forward.")) \
	X(ENS_ERR_READ_NODE_PARENTS, 2, gettext_noop("tree %llu node %llu: two splits lead to the node.")) \
	X(ENS_ERR_READ_NODE_UNREACHABLE, 2, gettext_noop("tree %llu node %llu: no split leads to the node.")) \
	X(ENS_ERR_READ_NODE_CATEGORY_SET, 2, gettext_noop("tree %llu node %llu: category set names unknown categories.")) \
	X(ENS_ERR_READ_NODE_SPLIT_TABLE_TWICE, 2, gettext_noop("tree %llu node %llu: split table used twice.")) \
	X(ENS_ERR_READ_NODE_TRUNC, 2, gettext_noop("truncated in tree %llu node %llu.")) \
	X(ENS_ERR_READ_NODE_FLAGS, 2, gettext_noop("tree %llu node %llu: unknown flags.")) \
	X(ENS_ERR_READ_SPLIT_PURE, 2, gettext_noop("tree %llu node %llu: pure flag on a split.")) \
	X(ENS_ERR_READ_SPLIT_FEATURE, 2, gettext_noop("tree %llu node %llu: feature index out of range.")) \
	X(ENS_ERR_READ_SPLIT_KIND, 2, gettext_noop("tree %llu node %llu: split kind does not match the feature.")) \
	X(ENS_ERR_READ_SPLIT_BIN, 2, gettext_noop("tree %llu node %llu: bin index out of range.")) \
	X(ENS_ERR_READ_SPLIT_DEFLEFT, 2, gettext_noop("tree %llu node %llu: missing values go left on a feature of 256 bins.")) \
	/* trees: (tree) */ \
	X(ENS_ERR_READ_TREE_TRUNC, 1, gettext_noop("truncated in tree %llu.")) \
	X(ENS_ERR_READ_TREE_EMPTY, 1, gettext_noop("tree %llu has no nodes.")) \
	X(ENS_ERR_READ_TREE_COUNTS_TRUNC, 1, gettext_noop("tree %llu counts exceed the remaining bytes.")) \
	X(ENS_ERR_READ_TREE_COUNTS, 1, gettext_noop("tree %llu has more split tables or leaves than nodes.")) \
	X(ENS_ERR_READ_TREE_LEAF_VECTORS, 1, gettext_noop("tree %llu has leaf vectors.")) \
	X(ENS_ERR_READ_NODES_LIMIT, 0, gettext_noop("model has too many nodes.")) \
	X(ENS_ERR_READ_LEAVES_TRUNC, 1, gettext_noop("truncated in tree %llu leaves.")) \
	X(ENS_ERR_READ_LEAF_PROBABILITY, 1, gettext_noop("tree %llu: leaf probability out of range.")) \
	X(ENS_ERR_READ_SPLIT_TABLE_UNUSED, 2, gettext_noop("tree %llu: split table %llu is not used.")) \
	/* ensemble_sections.c: the optional sections */ \
	X(ENS_ERR_READ_TRAILING_BYTES, 1, gettext_noop("%llu unexpected bytes after the last tree.")) \
	X(ENS_ERR_READ_SECTION_TRUNC, 0, gettext_noop("truncated in a section header.")) \
	X(ENS_ERR_READ_SECTION_RESERVED, 0, gettext_noop("reserved section field is not zero.")) \
	X(ENS_ERR_READ_SECTION_UNKNOWN, 1, gettext_noop("unknown section %llu.")) \
	X(ENS_ERR_READ_SECTION_ORDER, 2, gettext_noop("section %llu after section %llu.")) \
	X(ENS_ERR_READ_SECTION_LONG, 1, gettext_noop("section %llu is longer than the model.")) \
	X(ENS_ERR_READ_HIST_NO_ROWS, 0, gettext_noop("feature histograms count no rows or too many.")) \
	X(ENS_ERR_READ_HIST_ROWS, 2, gettext_noop("feature histograms count %llu rows, another section %llu.")) \
	X(ENS_ERR_READ_HIST_BYTES, 2, gettext_noop("histogram section has %llu bytes, expected %llu.")) \
	X(ENS_ERR_READ_CLASS_SECTION, 0, gettext_noop("class count section does not fit the model.")) \
	X(ENS_ERR_READ_CLASS_NO_ROWS, 0, gettext_noop("class counts count no rows or too many.")) \
	X(ENS_ERR_READ_CLASS_ROWS, 2, gettext_noop("class counts count %llu rows, another section %llu.")) \
	X(ENS_ERR_READ_PRED_SHORT, 0, gettext_noop("prediction section is too short.")) \
	X(ENS_ERR_READ_PRED_RESERVED, 0, gettext_noop("reserved prediction field is not zero.")) \
	X(ENS_ERR_READ_PRED_SOURCE, 1, gettext_noop("unknown prediction source %llu.")) \
	X(ENS_ERR_READ_PRED_OUTPUTS, 1, gettext_noop("prediction section has %llu outputs.")) \
	X(ENS_ERR_READ_PRED_TRUNC, 1, gettext_noop("truncated in prediction output %llu.")) \
	X(ENS_ERR_READ_PRED_CUTS, 2, gettext_noop("prediction output %llu has %llu cut points.")) \
	X(ENS_ERR_READ_PRED_CUT_ORDER, 1, gettext_noop("prediction output %llu: cut points are not finite and increasing.")) \
	X(ENS_ERR_READ_PRED_ROWS, 2, gettext_noop("prediction output %llu counts %llu rows.")) \
	X(ENS_ERR_READ_PRED_EXTRA, 1, gettext_noop("prediction section has %llu bytes too many.")) \
	X(ENS_ERR_READ_CAL_REGRESSION, 0, gettext_noop("a regression model has a calibrator.")) \
	X(ENS_ERR_READ_CAL_SHORT, 0, gettext_noop("calibrator section is too short.")) \
	X(ENS_ERR_READ_CAL_RESERVED, 0, gettext_noop("reserved calibrator field is not zero.")) \
	X(ENS_ERR_READ_CAL_METHOD, 1, gettext_noop("unknown calibration method %llu.")) \
	X(ENS_ERR_READ_CAL_CLASSES, 2, gettext_noop("%llu calibrators for %llu classes.")) \
	X(ENS_ERR_READ_CAL_SETS, 2, gettext_noop("%llu calibrator sets for %llu trees.")) \
	X(ENS_ERR_READ_CAL_TRUNC, 1, gettext_noop("truncated in calibrator %llu.")) \
	X(ENS_ERR_READ_CAL_KNOTS, 2, gettext_noop("calibrator %llu has %llu knots.")) \
	X(ENS_ERR_READ_CAL_KNOT_ORDER, 1, gettext_noop("calibrator %llu: knots are not increasing in [0, 1].")) \
	X(ENS_ERR_READ_CAL_VALUE_ORDER, 1, gettext_noop("calibrator %llu: values are not non-decreasing in [0, 1].")) \
	X(ENS_ERR_READ_CAL_FINITE, 1, gettext_noop("calibrator %llu is not finite.")) \
	X(ENS_ERR_READ_CAL_EXTRA, 1, gettext_noop("calibrator section has %llu bytes too many.")) \
	X(ENS_ERR_READ_THRESHOLD_REGRESSION, 0, gettext_noop("a regression model has a decision threshold.")) \
	X(ENS_ERR_READ_THRESHOLD_BYTES, 1, gettext_noop("threshold section has %llu bytes.")) \
	X(ENS_ERR_READ_THRESHOLD_RESERVED, 0, gettext_noop("reserved threshold field is not zero.")) \
	X(ENS_ERR_READ_THRESHOLD_CLASS, 1, gettext_noop("threshold for class %llu is out of range.")) \
	X(ENS_ERR_READ_COVER_VARINT, 1, gettext_noop("cover %llu is not a valid varint.")) \
	X(ENS_ERR_READ_COVER_FORM, 1, gettext_noop("cover %llu is out of range or not in its shortest form.")) \
	X(ENS_ERR_READ_COVERS, 2, gettext_noop("%llu covers for %llu leaves.")) \
	X(ENS_ERR_READ_COVER_NODE, 2, gettext_noop("tree %llu node %llu: cover out of range.")) \
	X(ENS_ERR_READ_ROOT_COVER, 3, gettext_noop("tree %llu: root cover %llu, expected %llu."))

/*
 * The reader's refusal: ENS_READ_FAIL(err, status, ENS_ERR_READ_X, figures...)
 * records the id and up to three figures in err and yields status.
 */
#define ENS_READ_FAIL(err, code, ...) ENS_READ_FAIL_(err, code, __VA_ARGS__, 0, 0, 0, 0)
#define ENS_READ_FAIL_(err, code, id, a, b, c, ...) ens_error_set(err, code, id, a, b, c)

/* an entry's figures as printf arguments, after the format: ENS_READ_FIGURES##n(e) */
#define ENS_READ_FIGURE(e, i) ((unsigned long long) (e)->n[i])
#define ENS_READ_FIGURES0(e)
#define ENS_READ_FIGURES1(e) , ENS_READ_FIGURE(e, 0)
#define ENS_READ_FIGURES2(e) , ENS_READ_FIGURE(e, 0), ENS_READ_FIGURE(e, 1)
#define ENS_READ_FIGURES3(e) , ENS_READ_FIGURE(e, 0), ENS_READ_FIGURE(e, 1), ENS_READ_FIGURE(e, 2)

#define ENS_ERR_ENUM(id) id,
#define ENS_READ_ENUM(id, figures, text) id,
typedef enum EnsErrId
{
	ENS_ERRORS(ENS_ERR_ENUM)
	ENS_ERR_READ_FIRST_,		/* the reader's refusals follow */
	ENS_READ_ERRORS(ENS_READ_ENUM)
	ENS_ERR_COUNT
} EnsErrId;
#undef ENS_ERR_ENUM
#undef ENS_READ_ENUM

/* e names a refusal of the model reader (ENS_READ_ERRORS) */
#define ENS_ERR_IS_READ(id) ((id) > ENS_ERR_READ_FIRST_ && (id) < ENS_ERR_COUNT)

/*
 * An error carries figures only, never a value of the training rows (a
 * class label): a class is named by its position (STYLE.md section 8).
 */
typedef struct EnsError
{
	EnsErrId	id;
	int64_t		n[3];			/* the figures the message shows, in order */
} EnsError;

/* ensemble_error.c (PG-free) */
extern void ens_error_clear(EnsError *e);
extern EnsStatus ens_error_set(EnsError *e, EnsStatus rc, EnsErrId id, int64_t n0, int64_t n1,
							   int64_t n2);
extern const char *ens_error_name(EnsErrId id);
extern int	ens_error_print(const EnsError *e, char *buf, size_t len);
extern int	ens_error_text(const EnsError *e, char *buf, size_t len);

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
 * Interrupt callback, polled between pieces of work at each function's own
 * grain: the trainers once per node and per tree (boosting also per round),
 * passes over rows (metrics, covers, sorts) every 1,024 to 65,536 rows,
 * ens_shap_row every 64 trees it walks, whatever the class stride (callers
 * that explain many rows check once per row between calls).  Return true to
 * abort (the engine frees its scratch and returns ENS_EINTR); it may
 * also not return at all (CHECK_FOR_INTERRUPTS() when every allocation is
 * palloc'd).
 */
typedef bool (*EnsInterruptFn) (void *arg);

/*
 * A job of independent pieces, fn(ctx, thread, piece), for a runner to
 * spread over threads (ensemble_runner.c).  Pieces run in any order, each
 * once; thread is below the runner's n_threads, so a piece can use that
 * thread's scratch.  Pieces never allocate and never call the host.
 */
typedef void (*EnsTaskFn) (void *ctx, int thread, uint32_t piece);

typedef struct EnsRunner
{
	/* runs every piece (or stops between pieces on an interrupt: ENS_EINTR) */
	EnsStatus	(*run) (void *self, EnsTaskFn fn, void *ctx, uint32_t n_pieces);
	void	   *self;
	int			n_threads;
} EnsRunner;

/* The threads of a job (ensemble_pool.c): the boosting engine's, and any runner's. */
#define ENS_POOL_MAX_THREADS 16

typedef struct EnsPool EnsPool;

extern size_t ens_pool_size(void);
extern void ens_pool_init(EnsPool *pl, int n_threads);
extern int	ens_pool_start(EnsPool *pl);
extern void ens_pool_stop(EnsPool *pl);
extern EnsStatus ens_pool_run(EnsPool *pl, EnsTaskFn fn, void *ctx,
							  uint32_t n_chunks, EnsInterruptFn intr,
							  void *intr_arg);
extern bool ens_pool_used(const EnsPool *pl, int t);

extern EnsStatus ens_run_pieces(const EnsRunner *rn, EnsTaskFn fn, void *ctx,
								uint32_t n_pieces, EnsInterruptFn intr,
								void *intr_arg);
extern int	ens_runner_threads(const EnsRunner *rn);

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

/*
 * Optional sections of a format-2 model (ensemble_sections.c), written
 * after the trees: what training saw and what was added later.  Each part
 * is absent when its pointer is NULL (or its count 0).
 */
typedef enum EnsCalMethod
{
	ENS_CAL_NONE = 0,
	ENS_CAL_ISOTONIC = 1,		/* piecewise linear through PAV knots */
	ENS_CAL_SIGMOID = 2			/* Platt: 1 / (1 + exp(a p + b)) */
} EnsCalMethod;

typedef struct EnsCalib
{
	uint8_t		method;			/* EnsCalMethod */
	uint32_t	n;				/* calibrators: sets x (1 (two classes: class 1) or K);
								 * more than one set: a cross-fitted forest, whose
								 * fold f is trees [f T / sets, (f + 1) T / sets) with
								 * calibrator set f (forest_cvcal.c, ens_calib_sets) */
	double	   *ab;				/* sigmoid: a, b per calibrator */
	uint32_t   *off;			/* isotonic: n + 1 offsets into kx, ky */
	double	   *kx;				/* knots: raw probability, increasing */
	double	   *ky;				/* knots: calibrated, non-decreasing, [0, 1] */
} EnsCalib;

/* Reference distribution of the model's outputs (for drift). */
typedef enum EnsPredSource
{
	ENS_PRED_TRAINING = 1,		/* the training rows (no held-out rows) */
	ENS_PRED_HELD_OUT = 2,		/* the held-out rows of training */
	ENS_PRED_CALIBRATION = 3	/* the rows a calibrator was fitted on */
} EnsPredSource;

typedef struct EnsPredHist
{
	uint8_t		source;			/* EnsPredSource */
	uint32_t	n_out;			/* outputs: K (classification) or 1 */
	uint32_t   *off;			/* n_out + 1 offsets into edges */
	double	   *edges;			/* per output: increasing cut points */
	uint32_t   *counts;			/* per output: edges + 1 counts, at off[k] + k */
} EnsPredHist;

typedef struct EnsExtras
{
	uint32_t   *cover;			/* n_nodes: training rows reaching each node */
	uint32_t   *class_count;	/* n_classes: training rows per class */
	uint32_t   *hist;			/* per feature n_bins + 1 counts (last: missing) */
	uint32_t   *hist_off;		/* n_features + 1 offsets into hist */
	EnsPredHist pred;			/* n_out 0: none */
	EnsCalib	cal;			/* method 0: none */
	bool		has_threshold;
	uint32_t	thr_class;		/* the class the threshold is for */
	double		threshold;		/* predict that class when p >= threshold */
	/* memory: part of the model's block, or owned pieces (ens_ext_new) */
	bool		owned;
	struct EnsExtras *keep;		/* extras whose parts these share, freed with them */
	int			n_mem;
	void	   *mem[12];
} EnsExtras;

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
	uint32_t   *train_cover;	/* trainer's node covers over its rows, or NULL */
	double	   *train_out;		/* trainer's outputs of EnsData.out_rows, or NULL */
	uint32_t	n_train_out;	/* rows in train_out (n_outputs doubles each) */

	EnsExtras  *ext;			/* optional sections, or NULL */
	struct EnsDense *dense;		/* boost, as read: complete trees (ensemble_dense.c), or NULL */
	struct EnsBinTable *bin_table;	/* as read: padded edges (ensemble_bin_row.c), or NULL */

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
	EnsClassWeight class_weight;
	double		sample_fraction;	/* bootstrap draws = round(f * n) */
	uint8_t		calibration;	/* EnsCalMethod fitted on out-of-bag probabilities */
	uint32_t	calibration_folds;	/* 0: out of bag; else cross-fitted (forest_cvcal.c) */
	const uint32_t *calibration_fold_of;	/* in: each training row's fold (group
										 * folds), NULL: stratified */
	const uint32_t *calibration_fold_classes;	/* with calibration_fold_of:
												 * rows of class c in fold f at
												 * [f * n_classes + c], for the
												 * metrics */
	uint64_t	seed;
	int			n_threads;		/* trees grown in parallel (see forest_train) */
	uint32_t	calibration_rows;	/* out: rows the calibrator was fitted on */
} ForestParams;

/*
 * Out-of-bag class probabilities of the training rows (forest_train with a
 * non-NULL oob): for each row out of the bootstrap sample of at least one
 * tree, the class shares of its leaves in those trees, summed in tree order
 * and normalised as ens_predict_raw() does over all trees.  Rows in every
 * tree's sample are left out.  Allocated with the trainer's allocator.
 */
typedef struct ForestOob
{
	uint32_t	n;				/* rows */
	uint32_t   *rows;			/* their indices into the data's rows */
	double	   *proba;			/* n x n_classes */
} ForestOob;

typedef struct EnsData
{
	uint32_t	n_rows;			/* rows in X */
	uint32_t	n_features;
	const uint8_t *X;			/* row-major n_rows x n_features bins */
	const uint32_t *cls;		/* classification targets (< n_classes) */
	const double *y;			/* regression targets */
	const uint32_t *rows;		/* rows to train on, or NULL for all */
	uint32_t	n_use;			/* length of rows (or n_rows) */
	const uint32_t *out_rows;	/* training rows whose outputs to keep, or NULL */
	uint32_t	n_out;			/* length of out_rows */
} EnsData;

/* forest_data.c: binning and dictionaries */
/* values a numeric feature's edges are computed from, at most (a sample beyond) */
#define ENS_EDGE_SAMPLE 200000

/*
 * How a numeric feature's edges are placed: the forest's equal-count rule
 * (at most ENS_MAX_BINS bins), or XGBoost 1.7's hist sketch (boosting: at
 * most ENS_MAX_BOOST_BINS bins when no row binned misses the value, else
 * ENS_MAX_BINS).
 */
typedef enum EnsBinRule
{
	ENS_BINS_EQUAL_COUNT = 0,
	ENS_BINS_SKETCH = 1
} EnsBinRule;

extern EnsStatus ens_compute_edges(const double *vals, const uint32_t *rows,
										 uint32_t n,
										 uint32_t max_bins, uint64_t seed,
										 const EnsAlloc *al,
										 double **edges, uint32_t *n_bins);
extern EnsStatus ens_compute_sketch_edges(const double *vals, const uint32_t *rows,
										  uint32_t n, uint32_t max_bins, uint64_t seed,
										  const EnsAlloc *al, double **edges,
										  uint32_t *n_bins);
extern uint8_t ens_bin_value(const EnsFeature *f, double v);
extern void ens_hint_hugepages(void *p, size_t len);

/*
 * A dictionary holds at most ENS_DICT_MAX_ENTRIES strings: its hash table
 * keeps twice as many uint32-counted slots (a harness may build with a
 * smaller limit, test/fuzz/dict_check.c).
 */
#ifndef ENS_DICT_MAX_ENTRIES
#define ENS_DICT_MAX_ENTRIES (1u << 30)
#endif

typedef struct EnsDict EnsDict;
extern EnsDict *ens_dict_create(const EnsAlloc *al);
extern int64_t ens_dict_add(EnsDict *d, const char *s, uint32_t len);
extern bool ens_dict_full(const EnsDict *d);
extern uint32_t ens_dict_size(const EnsDict *d);
extern const char *ens_dict_get(const EnsDict *d, uint32_t id,
								   uint32_t *len, uint64_t *count);
extern void ens_dict_free(EnsDict *d);
extern int	ens_bytes_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen);
extern int64_t ens_category_code(const EnsFeature *f, const char *s, uint32_t len);
extern bool ens_hash_index(EnsFeature *f, uint64_t *sorted, uint8_t *codes);

/*
 * ensemble_bin_table.c: bins all n rows; numeric edges come from edge_rows
 * only (the training rows; NULL: all n), so held-out rows never shape the
 * model.  rn (NULL: the calling thread) spreads the work; same bytes.
 */
extern EnsStatus ens_bin_columns(const double *const *cols, uint32_t n,
								 uint32_t p, EnsFeature *features,
								 const uint32_t *edge_rows,
								 uint32_t n_edge_rows, uint64_t seed,
								 const EnsAlloc *al, const EnsRunner *rn,
								 EnsInterruptFn intr, void *intr_arg,
								 uint8_t **X);
/* the same with the edges placed by rule (ens_bin_columns: ENS_BINS_EQUAL_COUNT) */
extern EnsStatus ens_bin_columns_by(const double *const *cols, uint32_t n,
									uint32_t p, EnsFeature *features,
									const uint32_t *edge_rows,
									uint32_t n_edge_rows, uint64_t seed,
									EnsBinRule rule,
									const EnsAlloc *al, const EnsRunner *rn,
									EnsInterruptFn intr, void *intr_arg,
									uint8_t **X);
struct EpRng;
extern EnsStatus ens_stratified_folds(const uint32_t *cls, const uint32_t *rows, uint32_t n,
									  uint32_t K, uint32_t k, struct EpRng *rng,
									  const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
									  uint32_t *fold_of);
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
									 const EnsRunner *rn, EnsInterruptFn intr,
									 void *intr_arg, uint32_t **perm_out,
									 uint64_t *fingerprint);

/* forest_params.c: defaults and the one validator (see ensemble_params.h) */
extern const char *const forest_param_names;
extern void forest_params_default(ForestParams *p);
extern EnsParamResult forest_param_set(ForestParams *p, const char *key,
									   const EnsValue *v, EnsParamWhy *why);
/* class_weight against the task, both learners' (ENS_ERR_CLASS_WEIGHT_REGRESSION) */
extern EnsStatus ens_class_weight_check(const EnsClassWeight *cw, int task, EnsError *err);

/* forest_train.c */
extern EnsStatus forest_train(EnsModel *m, const EnsData *d,
								 const ForestParams *p, const EnsAlloc *al,
								 EnsInterruptFn intr, void *intr_arg,
								 size_t *peak_bytes, ForestOob *oob);
extern void forest_oob_free(ForestOob *oob, const EnsAlloc *al);
extern uint32_t forest_default_mtry(int task, uint32_t p, double max_features);

/* ensemble_bin_row.c */
typedef struct EnsBinTable EnsBinTable;
extern void ens_bin_table_build(EnsModel *m, const EnsAlloc *al);
extern void ens_bin_table_free(EnsModel *m, const EnsAlloc *al);
extern void ens_bin_row(const EnsModel *m, const double *x, uint8_t *xb);

/* ensemble_walk.c */
extern void ens_predict_binned(const EnsModel *m, const uint8_t *xb, double *out);
extern void ens_predict_raw(const EnsModel *m, const uint8_t *xb, double *out);
extern void ens_predict_trees(const EnsModel *m, uint32_t t0, uint32_t t1, const uint8_t *xb,
							  double *out);

/*
 * A forest's output is built leaf by leaf in tree order from zero, then
 * finished: the prediction walk and the trainer (which knows its rows'
 * leaves without walking) share these, so both give the same bits.
 */
static inline void
ens_forest_add_leaf(const EnsModel *m, uint32_t node, double *acc)
{
	EnsNode		nd = m->nodes[node];

	if (m->task != ENS_CLASSIFICATION)
	{
		float		v;

		memcpy(&v, &nd.a, sizeof(v));
		acc[0] += v;
	}
	else if (nd.flags & FN_PURE)
		acc[nd.a] += 1.0;
	else
	{
		const float *lv = m->leafv + nd.a;
		uint32_t	k;

		for (k = 0; k < m->n_classes; k++)
			acc[k] += lv[k];
	}
}

static inline void
ens_forest_finish(const EnsModel *m, double *acc)
{
	uint32_t	K = m->n_classes,
				k;
	double		s = 0;

	if (m->task != ENS_CLASSIFICATION)
	{
		acc[0] = m->n_trees ? acc[0] / m->n_trees : 0;
		return;
	}
	for (k = 0; k < K; k++)
		s += acc[k];
	if (s > 0)
		for (k = 0; k < K; k++)
			acc[k] /= s;
	else
		for (k = 0; k < K; k++)
			acc[k] = 1.0 / K;
}
extern uint32_t ens_argmax(const double *proba, uint32_t k);
/* the class predict() would return for out (calibrated probabilities) */
extern uint32_t ens_predicted_class(const EnsModel *m, const double *out);
/* boost: raw margins (n_outputs) before the link function */
extern void ens_predict_margin(const EnsModel *m, const uint8_t *xb, double *margin);

/*
 * Tree t's leaf value v into a boosted model's margins, trees taken in order:
 * one output sums in *z (a local of the caller: margin[0] += v would cost a
 * store-forward per tree), more cycle through margin[*k].  Shared by the
 * node walk and the complete trees so that both sum in one order.
 */
static inline void
ens_margin_add(float v, uint32_t K, double *z, double *margin, uint32_t *k)
{
	if (K == 1)
		*z += v;
	else
	{
		margin[*k] += v;
		if (++*k == K)
			*k = 0;
	}
}

/* ensemble_dense.c */
typedef struct EnsDense EnsDense;
#define ENS_DENSE_MAX_DEPTH 8	/* deepest tree laid out complete */
extern uint32_t ens_dense_tree_depth(const EnsModel *m, uint32_t t);
extern void ens_dense_build(EnsModel *m, const EnsAlloc *al);
extern void ens_dense_free(EnsModel *m, const EnsAlloc *al);
extern void ens_dense_margin(const EnsModel *m, const uint8_t *xb, double *margin);
extern void ens_boost_link(const EnsModel *m, double *out);

/* Does a binned value go to the left child of split nd? */
static inline bool
ens_node_left(const EnsModel *m, EnsNode nd, uint32_t b)
{
	if (b == ENS_MISSING)
		return (nd.flags & FN_DEFLEFT) != 0;
	if (nd.flags & FN_CAT)
		return (m->cats[nd.a].bits[b >> 5] >> (b & 31)) & 1;
	return b <= nd.bin;
}

/* The left child of split nd (the right one is next to it). */
static inline uint32_t
ens_node_child(const EnsModel *m, EnsNode nd)
{
	return (nd.flags & FN_CAT) ? m->cats[nd.a].child : nd.a;
}

/* forest_model.c */
extern EnsStatus ens_serialize(const EnsModel *m, const EnsAlloc *al,
									 size_t reserve, uint8_t **out, size_t *out_len);
extern size_t ens_serialized_size(const EnsModel *m);
extern EnsStatus ens_deserialize(const uint8_t *buf, size_t len,
									   const EnsAlloc *al, EnsModel **out, EnsError *err);
extern void ens_model_free(EnsModel *m, const EnsAlloc *al);
extern void ens_model_free_training(EnsModel *m, const EnsAlloc *al);
extern uint32_t ens_crc32c(uint32_t crc, const uint8_t *buf, size_t len);
extern const char *ens_strerror(EnsStatus s);

/* (score, row) pairs; ens_sort_scores: by score, ties in input order */
typedef struct EnsScorePos
{
	double		s;
	uint32_t	pos;
} EnsScorePos;

extern EnsStatus ens_sort_scores(EnsScorePos *sp, uint32_t n, EnsScorePos *tmp,
								 EnsInterruptFn intr, void *intr_arg);

/*
 * ensemble_metrics.c.  Log loss clips the true class's probability below at
 * 2^-52, scikit-learn's eps since 1.2 (np.finfo(float64).eps; 1e-15 before).
 */
#define ENS_LOG_LOSS_EPS	DBL_EPSILON

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

/* cells of a confusion matrix (n_labels x k) the metrics count at most */
#define ENS_MAX_CONFUSION_CELLS ((uint64_t) 1 << 26)

/*
 * actual[i] < n_labels (n_labels >= k: labels beyond k are unknown to the
 * model); proba is n x k; confusion (n_labels x k) may be NULL.
 */
extern EnsStatus ens_cls_metrics(uint32_t n, uint32_t k, uint32_t n_labels,
							   const uint32_t *actual, const double *proba,
							   const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
							   EnsClsMetrics *out, uint64_t *confusion);
/* predicted (n labels < k) replaces the most probable class; NULL: argmax */
extern EnsStatus ens_cls_metrics_labels(uint32_t n, uint32_t k, uint32_t n_labels,
									  const uint32_t *actual, const double *proba,
									  const uint32_t *predicted,
									  const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
									  EnsClsMetrics *out, uint64_t *confusion);
extern void ens_reg_metrics(uint32_t n, const double *actual, const double *pred,
							   EnsRegMetrics *out);

/* ensemble_sections.c: optional sections of format 2 */
typedef struct EnsExtShape
{
	uint16_t	version;
	int			task;
	uint32_t	p;
	uint32_t	K;
	const uint16_t *nbins;		/* per feature */
	uint64_t	nodes;
	uint64_t	leaves;
	uint32_t	trees;
	int			algorithm;		/* EnsAlgorithm */
} EnsExtShape;

typedef struct EnsExtLayout
{
	uint32_t	present;		/* bit per section tag */
	uint64_t	rows;			/* training rows the sections count */
	uint32_t	pred_out;
	uint64_t	pred_edges;
	uint8_t		cal_method;
	uint32_t	n_cal;
	uint64_t	knots;
} EnsExtLayout;

extern EnsExtras *ens_ext_new(const EnsAlloc *al);
extern void *ens_ext_alloc(EnsExtras *x, const EnsAlloc *al, size_t bytes);
extern void ens_ext_free(EnsExtras *x, const EnsAlloc *al);
extern size_t ens_ext_size(const EnsModel *m);
extern size_t ens_ext_write(const EnsModel *m, uint8_t *dst);
extern EnsStatus ens_ext_scan(const uint8_t *p, size_t len, const EnsExtShape *sh,
							  EnsExtLayout *lay, EnsError *err);
extern size_t ens_ext_layout_bytes(const EnsExtLayout *lay, const EnsExtShape *sh);
extern EnsStatus ens_ext_fill(const uint8_t *p, size_t len, EnsModel *m, const EnsExtShape *sh,
							  const EnsExtLayout *lay, uint8_t *mem, EnsError *err);

/* ensemble_shap.c: exact path-dependent TreeSHAP */
typedef struct EnsShap EnsShap;
extern EnsStatus ens_shap_plan(const EnsModel *m, const EnsAlloc *al, size_t max_bytes,
							   EnsInterruptFn intr, void *intr_arg, EnsShap **out);
extern void ens_shap_free(EnsShap *s);
extern size_t ens_shap_bytes(const EnsShap *s);
extern bool ens_shap_uses_cover(const EnsShap *s);
extern double ens_shap_base(EnsShap *s, uint32_t k);
extern EnsStatus ens_shap_row(EnsShap *s, const uint8_t *xb, uint32_t k, double *phi,
							  EnsInterruptFn intr, void *intr_arg);

/* ensemble_heldout.c: passes over rows already binned (n x n_features) */
extern EnsStatus ens_predict_binned_rows(const EnsModel *m, const uint8_t *X, uint32_t n,
										 bool raw, double *out, EnsInterruptFn intr,
										 void *intr_arg);
extern EnsStatus ens_shap_means(EnsShap *plan, const EnsModel *m, const uint8_t *X, uint32_t n,
								int64_t k, double *phi, double *mabs, double *msum,
								EnsInterruptFn intr, void *intr_arg);

/* ensemble_profile.c: what a model keeps about its training rows */
extern EnsStatus ens_profile_cover(const EnsModel *m, const uint8_t *X, uint32_t p,
								   const uint32_t *rows, uint32_t n, uint32_t *cover,
								   EnsInterruptFn intr, void *intr_arg);
extern void ens_profile_hist(const EnsModel *m, const uint8_t *X, uint32_t p,
							 const uint32_t *rows, uint32_t n, const uint32_t *off,
							 uint32_t *hist);
extern uint32_t ens_profile_bin(const double *cut, uint32_t ne, double v);
extern uint32_t ens_profile_nref(uint32_t ntr);
extern uint32_t ens_profile_ref(uint32_t i, uint32_t ntr, uint32_t nref);
extern EnsStatus ens_profile_outputs(EnsExtras *x, const EnsAlloc *al, const double *out,
									 uint32_t n, uint32_t n_out, uint8_t source);
extern EnsStatus ens_profile_model(EnsModel *m, const uint8_t *X, uint32_t p,
								   const uint32_t *train, uint32_t ntr, const uint32_t *ycls,
								   const uint32_t *held, uint32_t nheld,
								   const uint32_t *cover, const double *held_out,
								   const double *train_out,
								   const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg);

/* ensemble_calib.c: calibrators and thresholds */
extern EnsStatus ens_isotonic_fit(const double *s, const uint8_t *y, uint32_t n,
								  const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
								  double *kx, double *ky, uint32_t *nk);
/* the sigmoid calibrator's score: log-odds for boosting, else the probability */
#define ENS_SIGMOID_LOG_ODDS(m) ((m)->algorithm == ENS_BOOST)
extern EnsStatus ens_sigmoid_fit(const double *s, const uint8_t *y, uint32_t n, bool log_odds,
								 const EnsAlloc *al, double *a, double *b);
extern EnsStatus ens_calib_fit(EnsExtras *x, const EnsModel *m, uint32_t n, const double *raw,
							   const uint32_t *act, int method, const EnsAlloc *al,
							   EnsInterruptFn intr, void *intr_arg, uint32_t *bad, bool *only);
extern void ens_calibrate(const EnsModel *m, double *out);
extern void ens_calibrate_set(const EnsModel *m, uint32_t set, double *out);

/* Calibrator sets of a model with K classes: n over one set's calibrators. */
static inline uint32_t
ens_calib_sets(const EnsCalib *c, uint32_t K)
{
	return c->n / (K > 2 ? K : 1);
}

extern EnsStatus ens_calib_join(EnsExtras *x, EnsExtras *const *parts, uint32_t n_parts,
								const EnsAlloc *al);

/* forest_oob.c: a forest's calibrator fitted on its out-of-bag probabilities */
extern EnsStatus forest_oob_calibrate(EnsModel *m, const EnsData *d, const ForestOob *oob,
									  int method, const EnsAlloc *al, EnsInterruptFn intr,
									  void *intr_arg, EnsError *err);

/* forest_cvcal.c: a forest calibrated by cross-fitting over k folds */
typedef EnsStatus (*ForestTrainFn) (EnsModel *m, const EnsData *d, ForestParams *p,
									const EnsAlloc *al, size_t *peak, void *arg);
extern EnsStatus forest_cv_calibrate(EnsModel *m, const EnsData *d, ForestParams *P,
									 const EnsAlloc *al, ForestTrainFn train, void *train_arg,
									 EnsInterruptFn intr, void *intr_arg, size_t *peak,
									 EnsError *err);
extern uint32_t ens_threshold_label(const double *proba, uint32_t K, uint32_t tc, double t);

/* ensemble_curves.c: probability quality and decision thresholds */
typedef enum EnsThresholdRule
{
	ENS_RULE_PRIOR = 1,			/* the training class rate */
	ENS_RULE_MAX_F1,
	ENS_RULE_RECALL,			/* recall >= x */
	ENS_RULE_PRECISION,			/* precision >= x */
	ENS_RULE_TOP_K				/* the x highest scores */
} EnsThresholdRule;

extern double ens_brier(uint32_t n, uint32_t K, const uint32_t *act, const double *proba);
extern EnsStatus ens_ece(uint32_t n, uint32_t K, const uint32_t *act, const double *proba,
						 const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg, double *ece);
extern EnsStatus ens_reliability(uint32_t n, const double *score, const uint8_t *y,
								 uint32_t bins, const EnsAlloc *al, EnsInterruptFn intr,
								 void *intr_arg, double *mean, double *rate, uint64_t *count);
extern EnsStatus ens_curve(uint32_t n, const double *score, const uint8_t *y,
						   const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
						   double *thr, uint64_t *flagged, uint64_t *tp, uint32_t *npoints);
extern int64_t ens_threshold_rule(int rule, double x, const double *thr,
								  const uint64_t *flagged, const uint64_t *tp,
								  uint32_t np, uint64_t pos);

#endif							/* EDUPREDICT_ENSEMBLE_H */
