/*
 * boost_train.c - the rounds of gradient boosting and the model they make
 * (PG-free).  See boost.h for the method and the contract.
 *
 * Per round: draw the round's rows (subsample, a Bernoulli draw from the
 * round's own random stream), compute every output's gradients at the
 * round's starting margins, then grow one tree per output (boost_tree.c),
 * append it to the model and add its leaf values to the margins of the
 * training rows (through the leaves' row ranges, those of the last level
 * already as the tree grows, or by walking the tree for rows outside the
 * round's sample) and of the validation rows, whose
 * metric ends the round.  Margins are sums of the float leaf values in tree
 * order, as ens_predict_margin computes them, so the model predicts
 * exactly what the trainer saw.  With several outputs on few rows (one
 * thread's worth), a round's trees grow on threads at once instead
 * (boost_kgrow.c); the steps after each tree stay here, in tree order.
 *
 * Early stopping keeps the round with the best validation metric (the
 * first of equals) and drops the trees after it; their gains leave the
 * importance with them.
 *
 * Memory: every buffer comes from the caller's allocator on the calling
 * thread, before the worker threads start (the model's arrays also while
 * they wait between jobs), and is counted for peak_bytes.
 */
#include "boost_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"

#define ROW_CHUNK	BOOST_PIECE_ROWS
#define GRAD_CHUNK_ROWS BOOST_BIG_PIECE_ROWS	/* boost_loss.c's pieces */
#define MAX_SCRATCH 48

/* Buffers the trainer owns, freed together (pointer field, bytes). */
typedef struct Owned
{
	void	  **ptr;
	size_t		size;
} Owned;

typedef struct Trainer
{
	Booster		b;
	BoostTree	tree;
	BoostKGrow	kg;				/* kgrow: a round's trees grow on threads */
	BoostWalk	walk;			/* the tree being added, laid out for walks */
	bool		kgrow;
	int64_t    *roots_mem;		/* b->roots, before its alignment */
	Owned		owned[MAX_SCRATCH];
	int			n_owned;
	double	   *imp_sum,
			   *imp_best,
			   *vbest,
			   *curve;
	uint32_t	cap_nodes,
				cap_cats,
				cap_cover;
	BoostResult *res;
	void	   *nothing;		/* stays NULL: what a disowned entry points at */
} Trainer;

/* ---------- memory ---------- */

/* Allocate *ptr (count x elem bytes) and remember it for Release. */
static bool
OwnRaw(Trainer *tr, void **ptr, size_t count, size_t elem)
{
	size_t		size;

	*ptr = NULL;
	if ((elem && count > SIZE_MAX / elem) || tr->n_owned == MAX_SCRATCH)
		return false;
	size = count * elem;
	*ptr = boost_alloc(&tr->b, size);
	if (*ptr == NULL)
		return false;
	tr->owned[tr->n_owned].ptr = ptr;
	tr->owned[tr->n_owned].size = size;
	tr->n_owned++;
	return true;
}

/* OwnRaw, zeroed */
static bool
Own(Trainer *tr, void **ptr, size_t count, size_t elem)
{
	if (!OwnRaw(tr, ptr, count, elem))
		return false;
	memset(*ptr, 0, count * elem);
	return true;
}

/* Free what the trainer still owns (a pointer handed on is NULL by then). */
static void
Release(Trainer *tr)
{
	int			i;

	for (i = tr->n_owned - 1; i >= 0; i--)
	{
		boost_free(&tr->b, *tr->owned[i].ptr, tr->owned[i].size);
		*tr->owned[i].ptr = NULL;
	}
	tr->n_owned = 0;
}

/* Give an owned buffer away (to the model or the result): Release skips it. */
static void *
Disown(Trainer *tr, void **ptr)
{
	int			i;

	for (i = 0; i < tr->n_owned; i++)
		if (tr->owned[i].ptr == ptr)
			tr->owned[i].ptr = &tr->nothing;
	return *ptr;
}

/* ---------- checks ---------- */

static EnsStatus
Fail(Trainer *tr, EnsErrId id)
{
	return ens_error_set(&tr->res->error, ENS_EINVAL, id, 0, 0, 0);
}

/* Rows of d in range, with bins, classes and targets the model can take. */
static EnsStatus
CheckRows(Trainer *tr, const EnsData *d, const uint32_t *rows, uint32_t n)
{
	const EnsModel *m = tr->b.m;
	bool		cls = tr->b.P->task == ENS_CLASSIFICATION;
	uint32_t	i,
				f,
				p = m->n_features;

	for (i = 0; i < n; i++)
	{
		uint32_t	r = rows ? rows[i] : i;
		const uint8_t *x;

		if (r >= d->n_rows)
			return Fail(tr, ENS_ERR_BOOST_ROW);
		x = d->X + (size_t) r * p;
		for (f = 0; f < p; f++)
			if (x[f] != ENS_MISSING && x[f] >= m->features[f].n_bins)
				return Fail(tr, ENS_ERR_BOOST_BIN);
		if (cls && d->cls[r] >= m->n_classes)
			return Fail(tr, ENS_ERR_BOOST_CLASS_CODE);
		if (!cls && !(fabs(d->y[r]) <= BOOST_MAX_TARGET))
			return Fail(tr, ENS_ERR_BOOST_TARGET);
	}
	return ENS_OK;
}

static EnsStatus
CheckInput(Trainer *tr, const EnsData *d, const uint32_t *val, uint32_t n_val)
{
	const BoostParams *P = tr->b.P;
	const EnsModel *m = tr->b.m;
	uint32_t	n_use = d->rows ? d->n_use : d->n_rows,
				f;
	EnsStatus	rc;

	rc = boost_params_check(P, &tr->res->error);
	if (rc != ENS_OK)
		return rc;
	if (m->task != P->task ||
		(P->task == ENS_CLASSIFICATION && m->n_classes != P->n_classes) ||
		(P->task == ENS_REGRESSION && m->n_classes != 0))
		return Fail(tr, ENS_ERR_BOOST_MODEL_TASK);
	if (m->n_features < 1 || m->n_features > ENS_MAX_FEATURES ||
		d->n_features != m->n_features)
		return Fail(tr, ENS_ERR_BOOST_N_FEATURES);
	for (f = 0; f < m->n_features; f++)
		if (m->features[f].n_bins < 1 ||
			m->features[f].n_bins > (m->features[f].kind == ENS_NUMERIC ? ENS_MAX_BOOST_BINS : ENS_MAX_BINS))
			return Fail(tr, ENS_ERR_BOOST_N_BINS);
	if (n_use < 1)
		return Fail(tr, ENS_ERR_BOOST_NO_ROWS);
	if (P->early_stopping_rounds > 0 && n_val == 0)
		return Fail(tr, ENS_ERR_BOOST_NO_VALIDATION);
	if ((rc = CheckRows(tr, d, d->rows, n_use)) != ENS_OK)
		return rc;
	return CheckRows(tr, d, val, n_val);
}

/* ---------- set-up ---------- */

/*
 * Histogram layout: features with two bins or more, nb + 1 entries each
 * (the last for missing values: always empty for a feature of
 * ENS_MAX_BOOST_BINS bins, which has none).
 */
static bool
InitLayout(Trainer *tr)
{
	Booster    *b = &tr->b;
	uint32_t	f;

	if (!Own(tr, (void **) &b->off, b->p, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->nb, b->p, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->usable, b->p, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->feat, b->p, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->perm, b->p, sizeof(uint32_t)))
		return false;
	b->n_ent = 0;
	b->n_usable = 0;
	for (f = 0; f < b->p; f++)
	{
		b->nb[f] = b->m->features[f].n_bins;
		if (b->nb[f] < 2)
			continue;
		b->usable[b->n_usable++] = f;
		b->off[f] = b->n_ent;
		b->n_ent += b->nb[f] + 1;
	}
	if (b->n_ent == 0)
		b->n_ent = 1;
	return true;
}

/* xc = x transposed (n x p to p x n), in blocks that stay in the cache */
static void
Transpose(const uint8_t *x, uint32_t n, uint32_t p, uint8_t *xc)
{
	uint32_t	r0,
				r,
				f;

	for (r0 = 0; r0 < n; r0 += 256)
	{
		uint32_t	r1 = n - r0 < 256 ? n : r0 + 256;

		for (f = 0; f < p; f++)
			for (r = r0; r < r1; r++)
				xc[(size_t) f * n + r] = x[(size_t) r * p + f];
	}
}

/* The root's sparse features as row lists (boost_hist.c), if any. */
static bool
InitColumns(Trainer *tr)
{
	Booster    *b = &tr->b;
	uint64_t	cells;

	b->col_rows = NULL;
	if (!Own(tr, (void **) &b->col_sparse, b->p, 1) ||
		!Own(tr, (void **) &b->col_dent, b->p, sizeof(uint32_t)))
		return false;
	cells = boost_hist_columns_pick(b);
	if (cells == 0)
		return true;
	if (!OwnRaw(tr, (void **) &b->col_ptr, (size_t) b->n_ent + 1, sizeof(uint32_t)) ||
		!OwnRaw(tr, (void **) &b->col_rows, cells, sizeof(uint32_t)))
		return false;
	boost_hist_columns_fill(b);
	return true;
}

/* Local copies of the training rows' bins and targets; class weights. */
static bool
InitRows(Trainer *tr, const EnsData *d)
{
	Booster    *b = &tr->b;
	uint32_t	i;

	if (!OwnRaw(tr, (void **) &b->X, (size_t) b->n, b->p) ||
		!OwnRaw(tr, (void **) &b->Xc, (size_t) b->n, b->p))
		return false;
	/* gathered rows: huge pages spare TLB misses (a hint, before first touch) */
	ens_hint_hugepages(b->X, (size_t) b->n * b->p);
	for (i = 0; i < b->n; i++)
	{
		const uint8_t *src = d->X + (size_t) (d->rows ? d->rows[i] : i) * b->p;
		uint8_t    *dst = b->X + (size_t) i * b->p;
		uint32_t	f;

		/*
		 * missing: nb, the entry after the feature's bins; a feature of
		 * ENS_MAX_BOOST_BINS bins has no missing value, its code 255 is
		 * its last bin
		 */
		for (f = 0; f < b->p; f++)
			dst[f] = src[f] == ENS_MISSING && b->nb[f] <= ENS_MAX_BINS ? (uint8_t) b->nb[f] : src[f];
	}
	Transpose(b->X, b->n, b->p, b->Xc);
	b->Xo = NULL;
	if (boost_hist_entries_wanted(b))
	{
		if (!OwnRaw(tr, (void **) &b->Xo, (size_t) b->n * b->p, sizeof(uint16_t)))
			return false;
		boost_hist_entries(b);
		if (!b->packed && !InitColumns(tr))
			return false;
	}
	b->wmax = 1.0;
	b->vw_sum = (double) b->n_val;
	if (b->P->task == ENS_REGRESSION)
	{
		if (!Own(tr, (void **) &b->y, b->n, sizeof(double)))
			return false;
		for (i = 0; i < b->n; i++)
			b->y[i] = d->y[d->rows ? d->rows[i] : i];
		return true;
	}
	if (!Own(tr, (void **) &b->cls, b->n, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->cw, b->n_classes, sizeof(double)))
		return false;
	for (i = 0; i < b->n; i++)
		b->cls[i] = d->cls[d->rows ? d->rows[i] : i];
	for (i = 0; i < b->n_classes; i++)
		b->cw[i] = 1.0;
	if (b->P->class_weight.balanced)
	{
		/* n / (classes x n_k) over the training rows, as scikit-learn */
		for (i = 0; i < b->n_classes; i++)
			b->cw[i] = 0;
		for (i = 0; i < b->n; i++)
			b->cw[b->cls[i]] += 1;
		for (i = 0; i < b->n_classes; i++)
			b->cw[i] = b->cw[i] > 0 ? (double) b->n / ((double) b->n_classes * b->cw[i]) : 0.0;
	}
	else if (b->P->class_weight.per_class)
		memcpy(b->cw, b->P->class_weight.per_class, b->n_classes * sizeof(double));
	if (ens_class_weighted(&b->P->class_weight))
	{
		b->wmax = 0;
		for (i = 0; i < b->n_classes; i++)
			if (b->cw[i] > b->wmax)
				b->wmax = b->cw[i];
		/* the validation metric weighs its rows as training does */
		b->vw_sum = 0;
		for (i = 0; i < b->n_val; i++)
			b->vw_sum += b->cw[d->cls[b->val[i]]];
	}
	return true;
}

/* Every other buffer of the trainer, and the model's fixed arrays. */
static bool
InitBuffers(Trainer *tr)
{
	Booster    *b = &tr->b;
	EnsModel   *m = b->m;
	const BoostParams *P = b->P;
	size_t		trees = (size_t) P->n_rounds * b->K + 1;
	uint32_t	chunks = (b->n + GRAD_CHUNK_ROWS - 1) / GRAD_CHUNK_ROWS,
				vchunks = (b->n_val + ROW_CHUNK - 1) / ROW_CHUNK;
	size_t		nresid = (b->obj == ENS_OBJ_ABSOLUTE || b->obj == ENS_OBJ_HUBER) ? b->n : 1;

	b->max_part = boost_pieces_max(b->n);
	b->n_slots = boost_tree_slots(P);
	if (!Own(tr, (void **) &b->margin, (size_t) b->n * b->K, sizeof(double)) ||
		(!b->packed && !Own(tr, (void **) &b->gh, (size_t) b->n * b->K, sizeof(BoostGH))) ||
		(b->packed && !Own(tr, (void **) &b->gp, b->n, sizeof(int64_t))) ||
		!Own(tr, (void **) &b->sg, b->K, sizeof(double)) ||
		!Own(tr, (void **) &b->sh, b->K, sizeof(double)) ||
		!Own(tr, (void **) &b->sample, b->n, sizeof(uint32_t)) ||
		(P->subsample < 1 && !Own(tr, (void **) &b->unsampled, b->n, sizeof(uint32_t))) ||
		!Own(tr, (void **) &b->idx, b->n, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->tmp, b->n, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->part, 3 * (size_t) b->max_part, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->bound, (size_t) b->max_part + 1, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->slots, (size_t) b->n_slots * b->n_ent, sizeof(BoostBin)) ||
		!Own(tr, (void **) &b->free_slot, b->n_slots, sizeof(uint32_t)) ||
		!Own(tr, (void **) &b->scratch, (size_t) (b->nt - 1) * b->n_ent, sizeof(BoostBin)) ||
		!Own(tr, (void **) &b->resid, nresid, sizeof(double)) ||
		!Own(tr, (void **) &b->chunk_sum, chunks > vchunks ? chunks + 1 : vchunks + 1, sizeof(double)) ||
		!Own(tr, (void **) &b->imp_tree, b->p, sizeof(double)) ||
		!Own(tr, (void **) &b->piece, 2 * (size_t) b->p, sizeof(BoostSplit)) ||
		!Own(tr, (void **) &tr->imp_sum, b->p, sizeof(double)) ||
		!Own(tr, (void **) &tr->imp_best, b->p, sizeof(double)) ||
		!Own(tr, (void **) &b->vmargin, (size_t) b->n_val * b->K, sizeof(double)) ||
		(P->early_stopping_rounds > 0 &&
		 !Own(tr, (void **) &tr->vbest, (size_t) b->n_val * b->K, sizeof(double))) ||
		(b->n_val > 0 && !Own(tr, (void **) &tr->curve, P->n_rounds, sizeof(double))) ||
		!Own(tr, (void **) &m->tree_node, trees, sizeof(uint32_t)) ||
		!Own(tr, (void **) &m->tree_cat, trees, sizeof(uint32_t)) ||
		!Own(tr, (void **) &m->tree_leaf, trees, sizeof(uint32_t)) ||
		!Own(tr, (void **) &m->base_score, b->K, sizeof(double)) ||
		!Own(tr, (void **) &b->pool, 1, ens_pool_size()))
		return false;
	return boost_tree_init(b, &tr->tree);
}

/* ---------- the model's trees ---------- */

/* Append the grown tree as tree number tree_no, indices made absolute. */
static EnsStatus
AppendTree(Trainer *tr, const BoostTree *t, uint32_t tree_no)
{
	Booster    *b = &tr->b;
	EnsModel   *m = b->m;
	uint32_t	nb = m->n_nodes,
				cb = m->n_cats,
				i;

	if ((uint64_t) nb + t->n_nodes > INT32_MAX || (uint64_t) cb + t->n_cats > INT32_MAX)
		return ENS_ELIMIT;
	if (!boost_reserve(b, (void **) &m->nodes, &tr->cap_nodes, nb + t->n_nodes, sizeof(EnsNode)) ||
		!boost_reserve(b, (void **) &m->cats, &tr->cap_cats, cb + t->n_cats, sizeof(EnsCatSplit)) ||
		!boost_reserve(b, (void **) &m->train_cover, &tr->cap_cover, nb + t->n_nodes,
					   sizeof(uint32_t)))
		return ENS_ENOMEM;
	memset(m->train_cover + nb, 0, (size_t) t->n_nodes * sizeof(uint32_t));
	for (i = 0; i < t->n_nodes; i++)
	{
		EnsNode		nd = t->nodes[i];

		if (!(nd.flags & FN_LEAF))
			nd.a += (nd.flags & FN_CAT) ? cb : nb;
		m->nodes[nb + i] = nd;
	}
	for (i = 0; i < t->n_cats; i++)
	{
		EnsCatSplit cs = t->cats[i];

		cs.child += nb;
		m->cats[cb + i] = cs;
	}
	m->n_nodes = nb + t->n_nodes;
	m->n_cats = cb + t->n_cats;
	m->tree_node[tree_no + 1] = m->n_nodes;
	m->tree_cat[tree_no + 1] = m->n_cats;
	m->tree_leaf[tree_no + 1] = 0;
	m->n_trees = tree_no + 1;
	return ENS_OK;
}

/* rows walked side by side */
#define WALK_LANES	BOOST_WALK_LANES
/* rows to walk below which a tree is walked node by node (its layout costs ~2^depth stores) */
#define WALK_LAYOUT_ROWS 64

/*
 * The leaves (node numbers in m) of tree tree_no that n <= WALK_LANES rows'
 * bins x[l] reach, as ens_predict_margin walks.  A walk is a chain of
 * loads, each waiting on the last: the rows take their steps side by side,
 * so their loads overlap.  A leaf stays where it is (its feature is 0, a
 * bin every row has).  Used for trees boost_walk.c does not lay out.
 */
static void
WalkRows(const EnsModel *m, uint32_t tree_no, const uint8_t *const *x, uint32_t n,
		 uint32_t *leaf)
{
	uint32_t	l;
	bool		moving = true;

	for (l = 0; l < n; l++)
		leaf[l] = m->tree_node[tree_no];
	while (moving)
	{
		moving = false;
		for (l = 0; l < n; l++)
		{
			EnsNode		nd = m->nodes[leaf[l]];
			uint32_t	v = x[l][nd.feature],
						next;
			bool		left;

			if (nd.flags & FN_CAT)
			{
				const EnsCatSplit *cs = &m->cats[nd.a];

				left = v == ENS_MISSING ? (nd.flags & FN_DEFLEFT) != 0 :
					((cs->bits[v >> 5] >> (v & 31)) & 1) != 0;
				next = cs->child + (left ? 0 : 1);
			}
			else
			{
				left = v == ENS_MISSING ? (nd.flags & FN_DEFLEFT) != 0 : v <= nd.bin;
				next = nd.a + (left ? 0 : 1);
			}
			leaf[l] = (nd.flags & FN_LEAF) ? leaf[l] : next;
			moving |= !(nd.flags & FN_LEAF);
		}
	}
}

/* ---------- margins ---------- */

typedef struct MarginJob
{
	Booster    *b;
	const BoostTree *t;
	const EnsData *d;
	uint32_t	k,
				tree_no;
	bool		score;			/* validation: sum the metric */
	const BoostWalk *walk;		/* the tree laid out (boost_walk.c), or NULL */
} MarginJob;

/*
 * The leaves that n <= WALK_LANES rows reach in the job's tree, counted in
 * its covers (atomically when other threads may walk: a locked add per row
 * costs where one runs).
 */
static void
Reach(const MarginJob *j, const uint8_t *const *x, uint32_t n, uint32_t *leaf)
{
	EnsModel   *m = j->b->m;
	uint32_t	l;

	if (j->walk)
		boost_walk_rows(j->walk, x, n, leaf);
	else
		WalkRows(m, j->tree_no, x, n, leaf);
	for (l = 0; l < n; l++)
	{
		if (j->b->nt > 1)
			__atomic_fetch_add(&m->train_cover[leaf[l]], 1, __ATOMIC_RELAXED);
		else
			m->train_cover[leaf[l]]++;
	}
}

/* Sampled rows: leaf c's value onto its rows. */
static void
LeafMarginTask(void *ctx, int th, uint32_t c)
{
	MarginJob  *j = (MarginJob *) ctx;

	(void) th;
	boost_leaf_margin(j->b, j->t, j->k, c);
}

/* Rows rows[0..n) of the training set: tree tree_no's values onto their margins. */
static void
WalkMargins(MarginJob *j, const uint32_t *rows, uint32_t n)
{
	Booster    *b = j->b;
	const uint8_t *x[WALK_LANES] = {NULL};
	uint32_t	leaf[WALK_LANES],
				l;

	for (l = 0; l < n; l++)
		x[l] = j->d->X + (size_t) (j->d->rows ? j->d->rows[rows[l]] : rows[l]) * b->p;
	Reach(j, x, n, leaf);
	for (l = 0; l < n; l++)
		b->margin[(size_t) rows[l] * b->K + j->k] += boost_leaf_value(&b->m->nodes[leaf[l]]);
}

/* Rows outside the round's sample: walk the tree. */
static void
WalkMarginTask(void *ctx, int th, uint32_t c)
{
	MarginJob  *j = (MarginJob *) ctx;
	Booster    *b = j->b;
	uint32_t	st = c * ROW_CHUNK,
				en = b->n_unsampled - st < ROW_CHUNK ? b->n_unsampled : st + ROW_CHUNK,
				i;

	(void) th;
	for (i = st; i < en; i += WALK_LANES)
		WalkMargins(j, b->unsampled + i, en - i < WALK_LANES ? en - i : WALK_LANES);
}

/* Validation rows: walk the tree; after a round's last tree, sum the metric. */
static void
ValTask(void *ctx, int th, uint32_t c)
{
	MarginJob  *j = (MarginJob *) ctx;
	Booster    *b = j->b;
	const EnsData *d = j->d;
	uint32_t	st = c * ROW_CHUNK,
				en = b->n_val - st < ROW_CHUNK ? b->n_val : st + ROW_CHUNK,
				i,
				l;
	double		sum = 0;

	(void) th;
	for (i = st; i < en; i += WALK_LANES)
	{
		uint32_t	n = en - i < WALK_LANES ? en - i : WALK_LANES,
					leaf[WALK_LANES];
		const uint8_t *x[WALK_LANES] = {NULL};

		for (l = 0; l < n; l++)
			x[l] = d->X + (size_t) b->val[i + l] * b->p;
		Reach(j, x, n, leaf);
		for (l = 0; l < n; l++)
		{
			uint32_t	r = b->val[i + l];
			double	   *F = b->vmargin + (size_t) (i + l) * b->K;

			F[j->k] += boost_leaf_value(&b->m->nodes[leaf[l]]);
			if (j->score)
				sum += boost_row_loss(b, F, d->cls ? d->cls[r] : 0, d->y ? d->y[r] : 0);
		}
	}
	b->chunk_sum[c] = sum;
}

/*
 * Node covers of tree tree_no over every training row (the round's sample,
 * the rows outside it and the validation rows: all of them were walked or
 * placed once): the sampled rows by their leaves' row ranges, the others
 * were counted by WalkRows; then every split node is the sum of its
 * children (which come after it).
 */
static void
SumCovers(EnsModel *m, uint32_t tree_no, const BoostTree *t)
{
	uint32_t   *cov = m->train_cover;
	uint32_t	nb = m->tree_node[tree_no],
				i;

	for (i = 0; i < t->n_leaves; i++)
		cov[nb + t->leaves[i].node] += t->leaves[i].en - t->leaves[i].st;
	for (i = m->tree_node[tree_no + 1]; i-- > nb;)
	{
		EnsNode		nd = m->nodes[i];
		uint32_t	c;

		if (nd.flags & FN_LEAF)
			continue;
		c = (nd.flags & FN_CAT) ? m->cats[nd.a].child : nd.a;
		cov[i] = cov[c] + cov[c + 1];
	}
}

/*
 * Add tree tree_no (output k, t as grown) to the training and validation
 * margins; the sampled rows' unless its grower did (boost_kgrow.c).
 */
static EnsStatus
UpdateMargins(Trainer *tr, const EnsData *d, const BoostTree *t, uint32_t k,
			  uint32_t tree_no, bool sampled, double *metric)
{
	Booster    *b = &tr->b;
	MarginJob	j;
	EnsStatus	rc;
	uint32_t	c,
				nc = (b->n_val + ROW_CHUNK - 1) / ROW_CHUNK;

	j.b = b;
	j.t = t;
	j.d = d;
	j.k = k;
	j.tree_no = tree_no;
	j.score = (k == b->K - 1);
	j.walk = NULL;
	if (b->n_unsampled + b->n_val >= WALK_LAYOUT_ROWS &&
		boost_walk_build(&tr->walk, b->m, tree_no))
		j.walk = &tr->walk;
	/* a piece per leaf: worth threads only when leaves are large */
	if (!sampled)
		rc = ENS_OK;
	else if (b->n_sample < 4 * BOOST_PIECE_ROWS)
		for (c = 0, rc = ENS_OK; c < t->n_leaves; c++)
			LeafMarginTask(&j, 0, c);
	else
		rc = ens_pool_run(b->pool, LeafMarginTask, &j, t->n_leaves,
							b->intr, b->intr_arg);
	if (rc == ENS_OK && b->n_unsampled > 0)
		rc = ens_pool_run(b->pool, WalkMarginTask, &j,
							(b->n_unsampled + ROW_CHUNK - 1) / ROW_CHUNK,
							b->intr, b->intr_arg);
	if (rc == ENS_OK && b->n_val > 0)
		rc = ens_pool_run(b->pool, ValTask, &j, nc, b->intr, b->intr_arg);
	if (rc == ENS_OK)
		SumCovers(b->m, tree_no, t);
	if (rc != ENS_OK || b->n_val == 0)
		return rc;
	if (j.score)
	{
		double		sum = 0;

		/* chunk order: the same sum whatever thread did which chunk */
		for (c = 0; c < nc; c++)
			sum += b->chunk_sum[c];
		*metric = boost_metric_finish(b->obj, sum, b->vw_sum);
	}
	return rc;
}

/* ---------- rounds ---------- */

/*
 * The round's rows: all, or a Bernoulli(subsample) draw (at least one row),
 * and the rows left out, for the walks.
 */
static void
SampleRows(Booster *b, uint32_t round)
{
	EpRng		rng;
	uint32_t	i;

	b->n_unsampled = 0;
	if (b->P->subsample >= 1.0)
	{
		if (round == 0)
			for (i = 0; i < b->n; i++)
				b->sample[i] = i;
		b->n_sample = b->n;
		return;
	}
	ep_rng_seed(&rng, b->P->seed, 2 * (uint64_t) round + 1);
	b->n_sample = 0;
	/* without a branch: a draw of probability 0.5 mispredicts every other row */
	for (i = 0; i < b->n; i++)
	{
		uint32_t	in = ep_rng_unit(&rng) < b->P->subsample;

		b->sample[b->n_sample] = i;
		b->unsampled[b->n_unsampled] = i;
		b->n_sample += in;
		b->n_unsampled += in ^ 1;
	}
	if (b->n_sample == 0)
	{
		/* every row was left out: one comes back */
		i = ep_rng_below(&rng, b->n);
		b->sample[b->n_sample++] = i;
		memmove(b->unsampled + i, b->unsampled + i + 1,
				(size_t) (b->n - i - 1) * sizeof(uint32_t));
		b->n_unsampled--;
	}
	/* the root's column sums read every row: those left out add nothing */
	if (b->col_rows && !b->packed)
	{
		uint32_t	k;

		for (k = 0; k < b->K; k++)
			for (i = 0; i < b->n_unsampled; i++)
				b->gh[(size_t) k * b->n + b->unsampled[i]] = (BoostGH) {0, 0};
	}
}

/* One round: a tree per output.  *metric: the validation metric after it. */
static EnsStatus
Round(Trainer *tr, const EnsData *d, uint32_t round, double *metric)
{
	Booster    *b = &tr->b;
	EnsStatus	rc;
	uint32_t	k,
				f;

	SampleRows(b, round);
	if ((rc = boost_gradients(b)) != ENS_OK)
		return rc;
	/* every tree of the round at once; the rest in tree order below */
	if (tr->kgrow && (rc = boost_kgrow_round(b, &tr->kg, round)) != ENS_OK)
		return rc;
	for (k = 0; k < b->K; k++)
	{
		uint32_t	tree_no = round * b->K + k;
		const BoostTree *t = tr->kgrow ? &tr->kg.trees[k] : &tr->tree;
		const double *imp = tr->kgrow ? tr->kg.imp + (size_t) k * b->p : b->imp_tree;

		if ((!tr->kgrow && (rc = boost_tree_grow(b, &tr->tree, k, tree_no)) != ENS_OK) ||
			(rc = AppendTree(tr, t, tree_no)) != ENS_OK ||
			(rc = UpdateMargins(tr, d, t, k, tree_no, !tr->kgrow, metric)) != ENS_OK)
			return rc;
		for (f = 0; f < b->p; f++)
			tr->imp_sum[f] += imp[f];
	}
	return ENS_OK;
}

/* Rounds until n_rounds or early stopping; fills the result's counts. */
static EnsStatus
Rounds(Trainer *tr, const EnsData *d)
{
	Booster    *b = &tr->b;
	const BoostParams *P = b->P;
	BoostResult *res = tr->res;
	double		best = INFINITY;
	uint32_t	r,
				k;

	for (k = 0; k < b->K; k++)
		for (r = 0; r < b->n; r++)
			b->margin[(size_t) r * b->K + k] = b->m->base_score[k];
	for (r = 0; r < b->n_val; r++)
		memcpy(b->vmargin + (size_t) r * b->K, b->m->base_score, b->K * sizeof(double));
	for (r = 0; r < (uint32_t) P->n_rounds; r++)
	{
		double		metric = NAN;
		EnsStatus	rc;

		if (b->intr && b->intr(b->intr_arg))
			return ENS_EINTR;
		if ((rc = Round(tr, d, r, &metric)) != ENS_OK)
			return rc;
		res->rounds_run = r + 1;
		if (b->n_val == 0)
			continue;
		tr->curve[r] = metric;
		if (r == 0 || metric < best)
		{
			best = metric;
			res->best_round = (int32_t) r;
			if (P->early_stopping_rounds > 0)
			{
				memcpy(tr->vbest, b->vmargin, (size_t) b->n_val * b->K * sizeof(double));
				memcpy(tr->imp_best, tr->imp_sum, b->p * sizeof(double));
			}
		}
		if (P->early_stopping_rounds > 0 &&
			r - (uint32_t) res->best_round >= (uint32_t) P->early_stopping_rounds)
			break;
	}
	return ENS_OK;
}

/* ---------- results ---------- */

/* Keep the rounds up to the best (early stopping); importance; hand over. */
static void
Finish(Trainer *tr)
{
	Booster    *b = &tr->b;
	EnsModel   *m = b->m;
	BoostResult *res = tr->res;
	bool		es = b->P->early_stopping_rounds > 0;
	double	   *imp,
				sum = 0;
	uint32_t	f;

	res->rounds_kept = es ? (uint32_t) res->best_round + 1 : res->rounds_run;
	m->n_trees = res->rounds_kept * b->K;
	m->n_nodes = m->tree_node[m->n_trees];
	m->n_cats = m->tree_cat[m->n_trees];
	imp = es ? tr->imp_best : tr->imp_sum;
	for (f = 0; f < b->p; f++)
		sum += imp[f];
	for (f = 0; f < b->p; f++)
		imp[f] = sum > 0 ? imp[f] / sum : 0.0;
	m->importance = Disown(tr, es ? (void **) &tr->imp_best : (void **) &tr->imp_sum);
	Disown(tr, (void **) &m->tree_node);
	Disown(tr, (void **) &m->tree_cat);
	Disown(tr, (void **) &m->tree_leaf);
	Disown(tr, (void **) &m->base_score);
	m->mem_bytes = (size_t) tr->cap_nodes * sizeof(EnsNode) +
		(size_t) tr->cap_cats * sizeof(EnsCatSplit) +
		((size_t) b->P->n_rounds * b->K + 1) * 3 * sizeof(uint32_t);
	if (b->n_val > 0)
	{
		res->metric = boost_metric_name(b->obj);
		res->curve = Disown(tr, (void **) &tr->curve);
		res->val_margin = Disown(tr, es ? (void **) &tr->vbest : (void **) &b->vmargin);
	}
	if (b->P->keep_train_margin)
		res->train_margin = Disown(tr, (void **) &b->margin);
}

/* On failure: the model without trees, the result without arrays. */
static void
Discard(Trainer *tr)
{
	Booster    *b = &tr->b;
	EnsModel   *m = b->m;

	boost_free(b, m->nodes, (size_t) tr->cap_nodes * sizeof(EnsNode));
	boost_free(b, m->cats, (size_t) tr->cap_cats * sizeof(EnsCatSplit));
	boost_free(b, m->train_cover, (size_t) tr->cap_cover * sizeof(uint32_t));
	m->nodes = NULL;
	m->cats = NULL;
	m->train_cover = NULL;
	m->n_trees = m->n_nodes = m->n_cats = 0;
	m->importance = NULL;
	tr->cap_nodes = tr->cap_cats = tr->cap_cover = 0;
}

EnsStatus
boost_train(EnsModel *m, const EnsData *d, const uint32_t *val_rows,
			uint32_t n_val, const BoostParams *P, const EnsAlloc *al,
			EnsInterruptFn intr, void *intr_arg, BoostResult *res)
{
	Trainer		tr;
	Booster    *b = &tr.b;
	EnsStatus	rc;
	bool		started = false;

	memset(res, 0, sizeof(*res));
	res->best_round = -1;
	memset(&tr, 0, sizeof(tr));
	tr.res = res;
	b->P = P;
	b->m = m;
	b->d = d;
	b->al = al;
	b->intr = intr;
	b->intr_arg = intr_arg;
	b->place_leaves = true;
	m->n_trees = m->n_nodes = m->n_cats = m->n_leafv = 0;
	m->nodes = NULL;
	m->cats = NULL;
	m->leafv = NULL;
	m->train_cover = NULL;
	m->tree_node = m->tree_cat = m->tree_leaf = NULL;
	m->importance = NULL;
	m->base_score = NULL;
	if ((rc = CheckInput(&tr, d, val_rows, n_val)) != ENS_OK)
		return rc;

	m->algorithm = ENS_BOOST;
	b->obj = P->objective != ENS_OBJ_NONE ? P->objective :
		(P->task == ENS_REGRESSION ? ENS_OBJ_SQUARED :
		 (m->n_classes == 2 ? ENS_OBJ_LOGISTIC : ENS_OBJ_SOFTMAX));
	m->objective = (uint8_t) b->obj;
	b->n = d->rows ? d->n_use : d->n_rows;
	b->p = m->n_features;
	b->n_classes = m->n_classes;
	b->K = b->obj == ENS_OBJ_SOFTMAX ? m->n_classes : 1;
	m->n_outputs = b->K;
	b->val = val_rows;
	b->n_val = n_val;
	/* on few rows, handing pieces to threads costs more than it saves */
	b->nt = (b->n < BOOST_THREAD_ROWS && n_val < BOOST_THREAD_ROWS) ? 1 : P->n_threads;

	boost_hist_packable(b);
	rc = ENS_ENOMEM;
	if (!InitLayout(&tr) || !InitRows(&tr, d) || !InitBuffers(&tr))
		goto done;
	if ((rc = boost_base_score(b, m->base_score)) != ENS_OK)
		goto done;
	ens_pool_init(b->pool, b->nt);
	b->nt = ens_pool_start(b->pool);
	started = true;
	if (boost_kgrow_wanted(b))
	{
		tr.kgrow = true;
		if (!boost_kgrow_init(b, &tr.kg))
		{
			rc = ENS_ENOMEM;
			goto done;
		}
	}
	/* without room for it (a memory cap), each tree builds its own root: the same model */
	else if (boost_roots_wanted(b) &&
			 OwnRaw(&tr, (void **) &tr.roots_mem, boost_roots_words(b), sizeof(int64_t)))
		boost_roots_init(b, tr.roots_mem);
	m->tree_node[0] = m->tree_cat[0] = m->tree_leaf[0] = 0;
	rc = Rounds(&tr, d);
	if (rc == ENS_OK)
		Finish(&tr);

done:
	res->trees_at_once = tr.kgrow ? (uint32_t) tr.kg.n_gb : 1;
	res->trees_regrown = tr.kg.regrown;
	if (tr.kgrow)
		boost_kgrow_free(b, &tr.kg);
	if (started)
		ens_pool_stop(b->pool);
	if (rc != ENS_OK)
		Discard(&tr);
	boost_tree_free(b, &tr.tree);
	Release(&tr);
	if (rc != ENS_OK)
	{
		m->tree_node = m->tree_cat = m->tree_leaf = NULL;
		m->base_score = NULL;
	}
	res->peak_bytes = b->peak_bytes;
	return rc;
}

void
boost_result_free(BoostResult *res, const EnsAlloc *al)
{
	if (res->curve)
		al->free(al->ctx, res->curve);
	if (res->val_margin)
		al->free(al->ctx, res->val_margin);
	if (res->train_margin)
		al->free(al->ctx, res->train_margin);
	res->curve = res->val_margin = res->train_margin = NULL;
}
