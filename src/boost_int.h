/*
 * boost_int.h - internal types of the gradient boosting engine, shared by
 * boost_train.c (rounds, model), boost_tree.c (growing one tree),
 * boost_hist.c (histograms, partitions), boost_split.c (split search),
 * boost_loss.c (objectives), boost_kgrow.c (a round's trees on threads),
 * boost_roots.c (a round's roots at once)
 * and boost_mem.c (counted allocations); their jobs run on ensemble_pool.c's
 * threads.  PG-free.
 */
#ifndef EDUPREDICT_BOOST_INT_H
#define EDUPREDICT_BOOST_INT_H

#include "boost.h"

/*
 * Vector code: GCC vectors of four doubles or int64, and an AVX2 copy of
 * a hot function beside the baseline one, picked when the library loads
 * (test/fuzz/boost_run.sh builds with -DBOOST_CLONES= to check the
 * baseline copies give the same model).  AVX2 alone: no FMA, so no
 * contraction changes a rounding.
 */
typedef double V4d __attribute__((vector_size(32)));
typedef int64_t V4l __attribute__((vector_size(32)));

#ifndef BOOST_CLONES
#if defined(__x86_64__)
#define BOOST_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BOOST_CLONES
#endif
#endif

/*
 * Fixed point: a row's gradient and hessian are rounded to integers with
 * |g|, h <= 2^30, so sums over up to 2^31 rows fit int64 exactly and in
 * any order: histogram sums, and parent - child, are the same whichever
 * thread adds which rows.
 */
#define BOOST_FIX_ONE	1073741824.0	/* 2^30 */

/*
 * Rows per piece of the jobs over all rows (ensemble_pool.c): walks and
 * metrics (fixed, so that metric sums do not depend on the threads) and
 * gradients; a node's histogram and partition cut its rows by
 * boost_hist.c's Pieces.  A job of one piece runs on the calling thread.
 */
#define BOOST_PIECE_ROWS	4096
#define BOOST_BIG_PIECE_ROWS 16384
#define BOOST_THREAD_ROWS	32768	/* fewer training rows: one thread */

typedef struct BoostGH
{
	int32_t		g;
	int32_t		h;
} BoostGH;

typedef struct BoostBin
{
	int64_t		g;
	int64_t		h;
} BoostBin;

/*
 * Losses whose hessian is 1 on every row (squared, absolute, Huber) build
 * packed histograms: a row adds g * 2^pbits + 1 to one int64 per bin, the
 * bin's gradient sum above pbits bits and its row count below (n < 2^pbits),
 * so an entry is 8 bytes instead of 16 and a 20-feature histogram fits the
 * L1 cache.  The gradient's fixed-point scale is 2^30 unless the sums could
 * overflow the remaining bits (65,536 rows and more), then the
 * largest that cannot (BOOST_PACK_MIN_SCALE at least, else no packing);
 * a count unpacks to the hessian sum count x hunit.  Below that size the
 * packed and the plain histograms hold the same sums: the same model.
 * They are built from that size on only: below it plain ones were faster
 * (a small set's histograms fit the cache either way, and packing costs a
 * pass over the rows each round and a step per prefix of the split search).
 */
#define BOOST_PACK_MIN_SCALE	65536.0
#define BOOST_PACK_MIN_ROWS		65536

/* ---------- a found split (boost_split.c) ---------- */

typedef struct BoostSplit
{
	double		gain;
	int32_t		feature;		/* -1: none */
	uint8_t		bin;			/* numeric: left when bin <= this */
	bool		defleft;		/* missing values go left */
	bool		cat;
	int64_t		gl,				/* left child's sums (missing included */
				hl;				/* when defleft) */
	uint32_t	bits[8];		/* categorical: left set */
} BoostSplit;

/* ---------- the trainer's state ---------- */

typedef struct Booster
{
	const BoostParams *P;
	EnsModel   *m;
	const EnsData *d;
	const EnsAlloc *al;
	EnsInterruptFn intr;
	void	   *intr_arg;
	EnsPool  *pool;
	int			nt;				/* threads (pool's) */
	size_t		cur_bytes,
				peak_bytes;

	/* shape */
	uint32_t	n;				/* training rows */
	uint32_t	p;				/* features */
	uint32_t	K;				/* outputs (margins per row) */
	uint32_t	n_classes;
	int			obj;			/* EnsObjective */
	uint32_t   *off;			/* p: first of a usable feature's nb + 1 entries */
	uint32_t   *nb;				/* p: real bins (entry nb: missing) */
	uint32_t	n_ent;			/* histogram entries */
	uint32_t   *usable;			/* features with >= 2 bins, ascending */
	uint32_t	n_usable;

	/* rows: local copies, local row i = d->rows[i] */
	uint8_t    *X;				/* n x p bins (row-major: histograms) */
	uint8_t    *Xc;				/* p x n bins (column-major: partitions) */
	uint16_t   *Xo;				/* NULL, or n x p histogram entries off[f] + bin
								 * (few rows and entries: boost_hist.c) */
	/* NULL, or (few rows, plain histograms) the root's sparse features by columns */
	uint8_t    *col_sparse;		/* p: 1 if feature f is one */
	uint32_t   *col_dent;		/* p: its default bin's entry */
	uint32_t   *col_ptr;		/* n_ent + 1: entry e's rows at col_rows[col_ptr[e]..) */
	uint32_t   *col_rows;
	/* NULL, or (softmax, one thread) a group's roots at once: boost_roots.c */
	int64_t    *roots;			/* n_ent x 4 pairs, 64-byte aligned */
	uint32_t   *roots_feat;		/* 4 x (p + 2): each tree's draw (n_feat, feat_ent, feat) */
	uint32_t	roots_nk,		/* the group's trees tree0 .. tree0 + nk - 1 */
				roots_tree0;
	/* in X and Xc a missing value is coded nb[f], not ENS_MISSING */
	uint32_t   *cls;			/* classification targets */
	double	   *y;				/* regression targets */
	double	   *cw;				/* class weights (n_classes) */
	double		wmax;			/* largest class weight (1 for regression) */
	double	   *margin;			/* n x K */
	bool		place_leaves;	/* last-level leaves onto the margins as they grow */
	BoostGH    *gh;				/* K x n, output k's rows at k * n */
	bool		packed;			/* histograms packed (see BoostBin) */
	uint32_t	pbits;			/* packed: bits of the row count */
	double		pscale;			/* packed: the gradients' fixed-point unit */
	int64_t		hunit;			/* packed: one row's fixed-point hessian */
	int64_t    *gp;				/* packed: n rows' g * 2^pbits + 1 */
	double	   *sg,				/* K: fixed-point scales of this round */
			   *sh;

	/* the rows of the current round */
	uint32_t   *sample;			/* sampled local rows, ascending */
	uint32_t	n_sample;
	uint32_t   *unsampled;		/* subsample < 1: the rows outside the sample */
	uint32_t	n_unsampled;
	uint32_t   *idx;			/* partition of the current tree's rows */
	uint32_t   *tmp;			/* partition scratch, n */
	uint32_t   *part;			/* 3 x max_part: partition pieces */
	uint32_t   *bound;			/* max_part + 1: piece boundaries of a job */
	uint32_t	max_part;

	/* histograms: slots for nodes, one scratch per extra thread */
	BoostBin   *slots;
	uint32_t	n_slots;
	uint32_t   *free_slot;
	uint32_t	n_free;
	BoostBin   *scratch;		/* (nt - 1) x n_ent */

	BoostSplit *piece;			/* 2 x p: best split per node and feature */

	/* per tree */
	uint32_t   *feat;			/* colsample: the tree's features, ascending */
	uint32_t	n_feat;
	uint32_t	feat_ent;		/* their histogram entries */
	uint32_t   *perm;			/* n_usable: feature draw scratch */
	double	   *imp_tree;		/* p: gain of the current tree */
	double	   *resid;			/* absolute loss: residuals of a leaf */

	/* validation */
	const uint32_t *val;
	uint32_t	n_val;
	double		vw_sum;			/* the validation rows' weights: n_val, or
								 * their class weights summed */
	double	   *vmargin;		/* n_val x K */
	double	   *chunk_sum;		/* per-chunk metric sums */
} Booster;

/* memory (boost_mem.c): counted allocations */
extern void *boost_alloc(Booster *b, size_t size);
extern void boost_free(Booster *b, void *p, size_t size);
extern bool boost_reserve(Booster *b, void **arr, uint32_t *cap, uint32_t need,
						  size_t elem);

/* ---------- one tree (boost_tree.c) ---------- */

/*
 * A leaf of the tree being grown: its rows b->idx[st, en), or, once placed
 * (split off at the last level, boost_split_to_leaves), only their count
 * en - st: its value is on their margins already.
 */
typedef struct BoostLeaf
{
	uint32_t	st,
				en,
				node;
	bool		placed;
} BoostLeaf;

/* A tree as it grows: nodes and categorical splits, indices local. */
typedef struct BoostTree
{
	EnsNode    *nodes;
	uint32_t	n_nodes,
				cap_nodes;
	EnsCatSplit *cats;
	uint32_t	n_cats,
				cap_cats;
	BoostLeaf  *leaves;			/* for the margin update */
	uint32_t	n_leaves,
				cap_leaves;
	/* growth frontier */
	void	   *front;
	uint32_t	cap_front;
} BoostTree;

extern EnsStatus boost_tree_grow(Booster *b, BoostTree *t, uint32_t k,
								 uint32_t tree_no);
extern void boost_draw_features(Booster *b, uint32_t tree_no);
extern void boost_leaf_margin(Booster *b, const BoostTree *t, uint32_t k,
							  uint32_t c);
extern bool boost_tree_init(Booster *b, BoostTree *t);
extern void boost_tree_free(Booster *b, BoostTree *t);
extern uint32_t boost_tree_slots(const BoostParams *P);
extern float boost_leaf_value(const EnsNode *nd);

/* ---------- a tree walked as a complete tree (boost_walk.c) ---------- */

#define BOOST_WALK_MAX_DEPTH	ENS_DENSE_MAX_DEPTH
#define BOOST_WALK_LANES		8	/* rows a call walks side by side, at most */

typedef struct BoostWalk
{
	uint32_t	depth;
	uint32_t	split[(1u << BOOST_WALK_MAX_DEPTH) - 1];
	uint32_t	leaf[1u << BOOST_WALK_MAX_DEPTH];	/* node numbers in the model */
} BoostWalk;

extern bool boost_walk_build(BoostWalk *w, const EnsModel *m, uint32_t tree_no);
extern void boost_walk_rows(const BoostWalk *w, const uint8_t *const *x,
							uint32_t n, uint32_t *leaf);

/* ---------- a round's trees on threads (boost_kgrow.c) ---------- */

typedef struct BoostKGrow
{
	EnsPool  *pool;			/* its own threads; the trainer's runs inline */
	Booster    *gb;				/* a grower per thread */
	int			n_gb,			/* threads started */
				n_alloc;		/* growers allocated */
	bool		started;
	BoostTree  *trees;			/* K: the round's trees */
	double	   *imp;			/* K x p: their gains */
	EnsStatus  *rc;				/* K */
	void	   *block;			/* the growers' scratch */
	size_t		block_bytes;
	uint32_t	regrown;		/* trees grown again on the caller (more room) */
} BoostKGrow;

extern bool boost_kgrow_wanted(const Booster *b);
extern bool boost_kgrow_init(Booster *b, BoostKGrow *kg);
extern EnsStatus boost_kgrow_round(Booster *b, BoostKGrow *kg, uint32_t round);
extern void boost_kgrow_free(Booster *b, BoostKGrow *kg);

/* ---------- histograms and partitions (boost_hist.c) ---------- */

#define BOOST_ENTRIES_MAX	(4u << 20)	/* cells of b->Xo: 8 MB */
extern bool boost_hist_entries_wanted(const Booster *b);
extern void boost_hist_entries(Booster *b);
extern uint64_t boost_hist_columns_pick(Booster *b);
extern void boost_hist_columns_fill(Booster *b);
extern bool boost_hist_drop_wanted(const Booster *b, uint32_t n_rows);
extern void boost_hist_drop(const Booster *b, const BoostGH *gh, uint32_t st, uint32_t en,
							BoostBin *h);
extern EnsStatus boost_hist_build(Booster *b, const BoostGH *gh,
								  uint32_t st, uint32_t en, BoostBin *h);
extern EnsStatus boost_hist_build_root(Booster *b, const BoostGH *gh, BoostBin *h);
extern void boost_hist_root_columns(const Booster *b, const BoostGH *gh, int32_t dense,
									BoostBin *h);
extern void boost_hist_zero(const Booster *b, BoostBin *h);
extern bool boost_hist_packable(Booster *b);
/*
 * A packed sum (see BoostBin) as gradient and hessian sums: the row count
 * in the low pbits bits, the gradient sum (floor of sum / 2^pbits) above.
 */
static inline void
boost_unpack(const Booster *b, int64_t sum, int64_t *g, int64_t *h)
{
	int64_t		rows = sum & (((int64_t) 1 << b->pbits) - 1);

	/* exact: sum - rows is a multiple of 2^pbits */
	*g = (sum - rows) / ((int64_t) 1 << b->pbits);
	*h = rows * b->hunit;
}

extern const BoostBin *boost_hist_feature(const Booster *b, const BoostBin *h,
										  uint32_t f, BoostBin *buf);
extern void boost_hist_subtract(const Booster *b, BoostBin *parent,
								const BoostBin *child);
extern EnsStatus boost_partition(Booster *b, uint32_t st, uint32_t en,
								 const BoostSplit *s, uint32_t *mid);
extern EnsStatus boost_split_to_leaves(Booster *b, uint32_t st, uint32_t en,
									   const BoostSplit *s, uint32_t k,
									   float vl, float vr, uint32_t *mid);
extern uint32_t boost_pieces_max(uint32_t n);

/* ---------- a round's roots at once (boost_roots.c) ---------- */

extern bool boost_roots_wanted(const Booster *b);
extern size_t boost_roots_words(const Booster *b);
extern void boost_roots_init(Booster *b, int64_t *mem);
extern bool boost_roots_ready(Booster *b, uint32_t k, uint32_t tree_no);
extern void boost_roots_take(const Booster *b, uint32_t k, BoostBin *h);

/* ---------- split search (boost_split.c) ---------- */

typedef struct BoostSplitReq
{
	const BoostBin *h;			/* the node's histogram */
	int64_t		G,
				H;				/* its sums */
	BoostSplit *out;
	const uint32_t *rows;		/* its rows (local numbers) */
	uint32_t	n_rows;
} BoostSplitReq;

extern EnsStatus boost_find_splits(Booster *b, uint32_t k,
								   const BoostSplitReq *req, uint32_t n_req);
extern double boost_leaf_weight(const Booster *b, int64_t G, int64_t H,
								double sg, double sh);

/* ---------- objectives (boost_loss.c) ---------- */

extern EnsStatus boost_base_score(Booster *b, double *base);
extern EnsStatus boost_gradients(Booster *b);
extern double boost_row_loss(const Booster *b, const double *margin,
							 uint32_t cls, double y);
extern const char *boost_metric_name(int obj);
extern double boost_metric_finish(int obj, double sum, double wsum);
extern EnsStatus boost_median(Booster *b, double *v, uint32_t n, double *out);

#endif							/* EDUPREDICT_BOOST_INT_H */
