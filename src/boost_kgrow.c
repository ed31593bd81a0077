/*
 * boost_kgrow.c - the K trees of a round grown on threads at once (PG-free).
 *
 * Below BOOST_THREAD_ROWS training rows the engine runs one thread: a
 * node's histogram or split search is too small to hand pieces to other
 * threads.  With several outputs (softmax: a tree per class) the trees of a
 * round are independent, though: all of them start from the gradients of
 * the round, and growing one reads only those and the rows.  So each
 * thread grows whole trees on a grower of its own, a copy of the trainer's
 * Booster whose per-tree scratch (row partition, histogram slots, split
 * candidates, feature draw) is its own and whose jobs run inline; the rows,
 * gradients and margins stay shared.
 *
 * A grower also adds its tree's leaf values to the training margins of its
 * output (a column of its own: margins[r * K + k]), since the leaves' row
 * ranges index its own partition.  Everything else that follows a tree
 * (appending it to the model, the rows outside the sample, the validation
 * margins and metric, covers, importance) stays on the calling thread in
 * tree order, so the model is the one that one thread grows, bit for bit.
 *
 * Growers never allocate (their allocator always fails): the trees'
 * arrays are reserved beforehand, and a tree that needs more room than
 * reserved returns ENS_ENOMEM; the caller then grows it again itself,
 * where allocating is allowed (the same tree: growth is deterministic).
 */
#include "boost_int.h"

#include <string.h>

/* Reserved per tree: enough for depth 6 trees; deeper ones grow on the caller first. */
#define KGROW_LEAVES 64

static void *
NoAlloc(void *ctx, size_t size)
{
	(void) ctx;
	(void) size;
	return NULL;
}

static void
NoFree(void *ctx, void *ptr)
{
	(void) ctx;
	(void) ptr;
}

static const EnsAlloc no_alloc = {NoAlloc, NoFree, NULL};

/* Round up to 64 bytes, so that growers' buffers share no cache line. */
static size_t
Align(size_t n)
{
	return (n + 63) & ~(size_t) 63;
}

/* Bytes of one grower's scratch (Carve lays it out). */
static size_t
GrowerBytes(const Booster *b)
{
	return Align((size_t) b->n * sizeof(uint32_t)) * 2 +	/* idx, tmp */
		Align(3 * (size_t) b->max_part * sizeof(uint32_t)) +
		Align(((size_t) b->max_part + 1) * sizeof(uint32_t)) +
		Align((size_t) b->n_slots * b->n_ent * sizeof(BoostBin)) +
		Align((size_t) b->n_slots * sizeof(uint32_t)) +
		Align(2 * (size_t) b->p * sizeof(BoostSplit)) +
		Align((size_t) b->p * sizeof(uint32_t)) * 2 +	/* feat, perm */
		Align((size_t) b->p * sizeof(double)) +
		Align(ens_pool_size());
}

static void *
Take(char **at, size_t bytes)
{
	void	   *p = *at;

	*at += Align(bytes);
	return p;
}

/* Point grower g's own scratch into block; its pool runs jobs inline. */
static void
Carve(const Booster *b, Booster *g, char *block)
{
	char	   *at = block;

	g->idx = Take(&at, (size_t) b->n * sizeof(uint32_t));
	g->tmp = Take(&at, (size_t) b->n * sizeof(uint32_t));
	g->part = Take(&at, 3 * (size_t) b->max_part * sizeof(uint32_t));
	g->bound = Take(&at, ((size_t) b->max_part + 1) * sizeof(uint32_t));
	g->slots = Take(&at, (size_t) b->n_slots * b->n_ent * sizeof(BoostBin));
	g->free_slot = Take(&at, (size_t) b->n_slots * sizeof(uint32_t));
	g->piece = Take(&at, 2 * (size_t) b->p * sizeof(BoostSplit));
	g->feat = Take(&at, (size_t) b->p * sizeof(uint32_t));
	g->perm = Take(&at, (size_t) b->p * sizeof(uint32_t));
	g->imp_tree = Take(&at, (size_t) b->p * sizeof(double));
	g->pool = Take(&at, ens_pool_size());
	ens_pool_init(g->pool, 1);
}

/*
 * Grower g = the trainer's Booster (rows, gradients, this round's sample,
 * margins), with its own scratch, no allocator, no interrupt polling (the
 * calling thread polls between trees) and one thread.
 */
static void
Share(Booster *g, const Booster *b)
{
	Booster		own = *g;

	*g = *b;
	g->al = &no_alloc;
	g->intr = NULL;
	g->intr_arg = NULL;
	g->nt = 1;
	/* a tree that outgrows the grower's room grows again on the caller: margins only after */
	g->place_leaves = false;
	g->cur_bytes = g->peak_bytes = 0;
	g->scratch = NULL;
	g->idx = own.idx;
	g->tmp = own.tmp;
	g->part = own.part;
	g->bound = own.bound;
	g->slots = own.slots;
	g->free_slot = own.free_slot;
	g->n_free = 0;
	g->piece = own.piece;
	g->feat = own.feat;
	g->perm = own.perm;
	g->imp_tree = own.imp_tree;
	g->pool = own.pool;
}

bool
boost_kgrow_wanted(const Booster *b)
{
	return b->K >= 2 && b->nt == 1 && b->P->n_threads >= 2;
}

bool
boost_kgrow_init(Booster *b, BoostKGrow *kg)
{
	uint32_t	want = b->P->n_threads < (int) b->K ? (uint32_t) b->P->n_threads : b->K,
				k;
	size_t		gbytes = GrowerBytes(b);
	int			i;

	memset(kg, 0, sizeof(*kg));
	kg->n_gb = kg->n_alloc = (int) want;
	kg->pool = boost_alloc(b, ens_pool_size());
	kg->gb = boost_alloc(b, want * sizeof(Booster));
	kg->trees = boost_alloc(b, b->K * sizeof(BoostTree));
	kg->imp = boost_alloc(b, (size_t) b->K * b->p * sizeof(double));
	kg->rc = boost_alloc(b, b->K * sizeof(EnsStatus));
	kg->block_bytes = gbytes * want;
	kg->block = boost_alloc(b, kg->block_bytes + 63);
	/* zeroed at once: boost_kgrow_free frees the trees of a half-done init */
	if (kg->trees)
		memset(kg->trees, 0, b->K * sizeof(BoostTree));
	if (!kg->pool || !kg->gb || !kg->trees || !kg->imp || !kg->rc || !kg->block)
		return false;
	memset(kg->gb, 0, want * sizeof(Booster));
	for (i = 0; i < kg->n_gb; i++)
		Carve(b, &kg->gb[i], (char *) Align((size_t) kg->block) + (size_t) i * gbytes);
	for (k = 0; k < b->K; k++)
	{
		BoostTree  *t = &kg->trees[k];

		if (!boost_tree_init(b, t) ||
			!boost_reserve(b, (void **) &t->nodes, &t->cap_nodes, 2 * KGROW_LEAVES, sizeof(EnsNode)) ||
			!boost_reserve(b, (void **) &t->cats, &t->cap_cats, KGROW_LEAVES, sizeof(EnsCatSplit)) ||
			!boost_reserve(b, (void **) &t->leaves, &t->cap_leaves, KGROW_LEAVES, sizeof(BoostLeaf)))
			return false;
	}
	ens_pool_init(kg->pool, (int) want);
	kg->started = true;
	kg->n_gb = ens_pool_start(kg->pool);
	return true;
}

typedef struct GrowJob
{
	BoostKGrow *kg;
	uint32_t	round;
} GrowJob;

/*
 * Grow tree k of the round on g (a grower, or the trainer itself), then
 * add its leaves to the margins of g's partition and keep its gains.
 */
static EnsStatus
GrowOne(Booster *g, BoostKGrow *kg, uint32_t k, uint32_t round)
{
	BoostTree  *t = &kg->trees[k];
	EnsStatus	rc = boost_tree_grow(g, t, k, round * g->K + k);
	uint32_t	c;

	if (rc != ENS_OK)
		return rc;
	for (c = 0; c < t->n_leaves; c++)
		boost_leaf_margin(g, t, k, c);
	memcpy(kg->imp + (size_t) k * g->p, g->imp_tree, g->p * sizeof(double));
	return ENS_OK;
}

/* Tree c of the round on thread th's grower. */
static void
GrowTask(void *ctx, int th, uint32_t c)
{
	GrowJob    *j = (GrowJob *) ctx;

	j->kg->rc[c] = GrowOne(&j->kg->gb[th], j->kg, c, j->round);
}

EnsStatus
boost_kgrow_round(Booster *b, BoostKGrow *kg, uint32_t round)
{
	GrowJob		j;
	EnsStatus	rc;
	uint32_t	k;
	int			i;

	for (i = 0; i < kg->n_gb; i++)
		Share(&kg->gb[i], b);
	j.kg = kg;
	j.round = round;
	rc = ens_pool_run(kg->pool, GrowTask, &j, b->K, b->intr, b->intr_arg);
	if (rc != ENS_OK)
		return rc;
	for (k = 0; k < b->K; k++)
	{
		if (kg->rc[k] != ENS_ENOMEM)
		{
			if (kg->rc[k] != ENS_OK)
				return kg->rc[k];
			continue;
		}
		/* more room than reserved: here, where growing the arrays is allowed */
		if ((rc = GrowOne(b, kg, k, round)) != ENS_OK)
			return rc;
		kg->regrown++;
	}
	return ENS_OK;
}

void
boost_kgrow_free(Booster *b, BoostKGrow *kg)
{
	uint32_t	k;

	if (kg->started)
		ens_pool_stop(kg->pool);
	if (kg->trees)
		for (k = 0; k < b->K; k++)
			boost_tree_free(b, &kg->trees[k]);
	boost_free(b, kg->block, kg->block ? kg->block_bytes + 63 : 0);
	boost_free(b, kg->rc, b->K * sizeof(EnsStatus));
	boost_free(b, kg->imp, (size_t) b->K * b->p * sizeof(double));
	boost_free(b, kg->trees, b->K * sizeof(BoostTree));
	boost_free(b, kg->gb, (size_t) kg->n_alloc * sizeof(Booster));
	boost_free(b, kg->pool, ens_pool_size());
	memset(kg, 0, sizeof(*kg));
}
