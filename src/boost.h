/*
 * boost.h - histogram gradient boosting over the binned rows of the tree
 * ensemble core (PG-free; see ensemble.h for the data and the model).
 *
 * Second-order boosting (Friedman 2001; Chen & Guestrin, "XGBoost", KDD
 * 2016): every round fits one tree per output to the gradients and
 * hessians of the loss at the current margins, with leaf value
 * -G / (H + l2) times the learning rate and split gain
 * (G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2)) / 2.  Histograms over the
 * uint8 bins (Ke et al., "LightGBM", NIPS 2017), the smaller child built and
 * its sibling taken as parent - child.  Gradients are fixed-point integers,
 * so histogram sums are exact: the model does not depend on the number of
 * threads or on which child is built.
 *
 * Usage (the PG layer does the same from train_boosting and boost_agg):
 *
 *   BoostParams p;  BoostResult r;  EnsError err;
 *   boost_params_default(&p);             then set task, n_classes, knobs
 *   if (boost_params_check(&p, &err) != ENS_OK) -> report err
 *   model m: task, n_features, n_classes, features, classes set (as for
 *   forest_train);  data d: binned rows, targets and the training rows
 *   rc = boost_train(&m, &d, val_rows, n_val, &p, al, intr, arg, &r);
 *   ... use m, r.curve, r.best_round ...;  boost_result_free(&r, al)
 */
#ifndef EDUPREDICT_BOOST_H
#define EDUPREDICT_BOOST_H

#include "ensemble.h"

#define BOOST_MAX_ROUNDS	ENS_MAX_TREES
#define BOOST_MAX_DEPTH		32
#define BOOST_MAX_LEAVES	4096
#define BOOST_MAX_THREADS	ENS_POOL_MAX_THREADS
#define BOOST_MAX_TARGET	1e30	/* |regression target|: leaves are floats */

/* histogram entries: packed ones only for a regression loss (boost_int.h) */
typedef enum BoostHist
{
	BOOST_HIST_AUTO = 0,		/* packed on BOOST_PACK_MIN_ROWS rows or more */
	BOOST_HIST_PLAIN,			/* 16 bytes for every loss */
	BOOST_HIST_PACKED,			/* packed whenever the loss allows */
	BOOST_HIST_ROWS				/* plain, every row added from its bins and the
								 * features' offsets, every bin scanned: no 2-byte
								 * entries, no column sums, no marked bins (tests:
								 * the reference they must match) */
} BoostHist;

typedef struct BoostParams
{
	int			task;			/* EnsTask */
	uint32_t	n_classes;		/* classification: >= 2; 0 while not yet
								 * known (boost_params_check then skips the
								 * checks that need it) */
	int			objective;		/* EnsObjective; ENS_OBJ_NONE: logistic (2
								 * classes), softmax (more), squared error
								 * (regression) */
	int			n_rounds;		/* 1 .. BOOST_MAX_ROUNDS; rounds x outputs
								 * <= ENS_MAX_TREES */
	double		learning_rate;	/* (0, 1] */
	int			max_depth;		/* 1 .. BOOST_MAX_DEPTH; 0: unlimited, only
								 * with max_leaves */
	int			max_leaves;		/* 0: depth-wise growth; 2 .. BOOST_MAX_LEAVES:
								 * best-first (loss-guided) growth */
	double		min_child_weight;	/* >= 0: least hessian sum of a child */
	double		l2;				/* >= 0: L2 penalty on leaf values (lambda) */
	double		subsample;		/* (0, 1]: share of training rows per round */
	double		colsample;		/* (0, 1]: share of features per tree */
	int			early_stopping_rounds;	/* 0: off; else stop after this many
										 * rounds without a better validation
										 * metric (needs validation rows) */
	EnsClassWeight class_weight;	/* classification only */
	double		huber_delta;	/* Huber loss: > 0 */
	uint64_t	seed;
	int			n_threads;		/* 1 .. BOOST_MAX_THREADS */
	bool		keep_train_margin;	/* return the training rows' margins */
	BoostHist	hist;			/* AUTO but in tests (boost_int.h) */
} BoostParams;

/*
 * What boost_train hands back beside the model.  Arrays come from the
 * allocator and are freed by boost_result_free (also after an error).
 */
typedef struct BoostResult
{
	uint32_t	rounds_run;		/* rounds trained */
	uint32_t	rounds_kept;	/* rounds in the model: best_round + 1 when
								 * early stopping, else rounds_run */
	int32_t		best_round;		/* 0-based round with the best validation
								 * metric (first of equals); -1 without
								 * validation rows */
	const char *metric;			/* validation metric: "logloss",
								 * "mlogloss", "rmse", "mae", "huber"
								 * (static) */
	double	   *curve;			/* rounds_run validation metrics, NULL
								 * without validation rows */
	double	   *val_margin;		/* n_val x n_outputs margins of the
								 * validation rows under the returned model */
	double	   *train_margin;	/* keep_train_margin: n_use x n_outputs
								 * margins of the training rows (in d->rows
								 * order) after rounds_run rounds */
	size_t		peak_bytes;		/* most bytes allocated at once, model
								 * included */
	uint32_t	trees_at_once;	/* threads that grew a round's trees side by
								 * side (several outputs on few rows), else 1 */
	uint32_t	trees_regrown;	/* of those, trees grown again on the calling
								 * thread because they needed more room */
	EnsError	error;			/* ENS_EINVAL / ENS_ELIMIT: which input is
								 * wrong and why (no data values) */
} BoostResult;

/* Defaults: 300 rounds, rate 0.1, depth 6, child weight 1, l2 1, no sampling. */
extern void boost_params_default(BoostParams *p);

/*
 * The one parameter check, for the SQL function and the aggregate alike.
 * Returns ENS_OK, or ENS_EINVAL / ENS_ELIMIT with err (may be NULL) saying
 * which argument, as train_boosting names it, is wrong.
 */
extern EnsStatus boost_params_check(const BoostParams *p, EnsError *err);

/*
 * Train a boosted model.  m: task, n_features, n_classes, features set (as
 * for forest_train); filled in: algorithm, objective, n_outputs,
 * base_score, the trees (leaf values as float bits in EnsNode.a) and
 * importance (total gain per feature, summing to 1, or all 0).  d: the bins
 * and targets; d->rows (or all rows) are the training rows.  val_rows (may
 * be NULL when n_val = 0): rows of d scored after every round for the
 * curve and early stopping.
 *
 * Status: ENS_OK; ENS_EINVAL: a parameter, a bin, a class or a target is
 * out of range (res->error says which); ENS_ELIMIT: too many trees or
 * rows for the sizes involved (res->error); ENS_ENOMEM: the allocator returned
 * NULL; ENS_EINTR: intr asked to stop.  On any error every allocation is
 * freed and m has no trees.
 *
 * Threads: p->n_threads > 1 runs that many threads (the caller's and
 * n_threads - 1 POSIX threads started with every signal blocked).  They
 * run only code of this engine over memory allocated up front by the
 * calling thread; the allocator and intr are only ever called on the
 * calling thread.  With more than one thread intr must only poll (it must
 * not longjmp while threads run); with one thread it may also not return.
 * intr is called at least every few milliseconds of work.  The model is a
 * function of the rows, the parameters and the seed, whatever n_threads.
 */
extern EnsStatus boost_train(EnsModel *m, const EnsData *d,
							 const uint32_t *val_rows, uint32_t n_val,
							 const BoostParams *p, const EnsAlloc *al,
							 EnsInterruptFn intr, void *intr_arg,
							 BoostResult *res);

extern void boost_result_free(BoostResult *res, const EnsAlloc *al);

#endif							/* EDUPREDICT_BOOST_H */
