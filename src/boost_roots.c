/*
 * boost_roots.c - the roots of a round's softmax trees, up to four classes
 * in one pass over the rows (PG-free).
 *
 * The K trees of a round share its sampled rows; only their gradients (and
 * their colsample draws) differ.  Building each root on its own reads every
 * sampled row's cells K times, and adds one 16-byte pair per cell each time.
 * Here a group of up to four classes is added at once: an entry holds the
 * four classes' pairs side by side (64 bytes, one vector add per cell, over
 * the union of the group's trees' features), and each tree's root then
 * copies its class's pairs of its own features out (boost_roots_take).  The
 * sums are integers, so the histogram is the one a tree's own pass makes:
 * the same model.  Root features that come from columns (boost_hist.c's
 * sparse ones) are left to the tree.  Plain histograms on one thread only;
 * the row-by-row reference (BOOST_HIST_ROWS) never takes this path, so the
 * fuzz harness's --check compares the two.  The buffer (four entries' room
 * per histogram entry) is optional: a training under a memory cap that has
 * no room for it builds each tree's root as before.
 */
#include "boost_int.h"

#include <string.h>

/* classes per group: four pairs of int64 fill a 64-byte entry */
#define GROUP	4

typedef int64_t V8l __attribute__((vector_size(64)));

bool
boost_roots_wanted(const Booster *b)
{
	return b->K >= 2 && b->nt == 1 && !b->packed && b->P->hist != BOOST_HIST_ROWS;
}

/* a tree's draw kept in b->roots_feat: n_feat, feat_ent, then its features */
#define DRAW_WORDS(p)	((size_t) (p) + 2)

/*
 * The buffer's int64 count: an entry of GROUP pairs per histogram entry,
 * 64 bytes of slack to align, then the group's trees' feature draws.
 */
size_t
boost_roots_words(const Booster *b)
{
	return (size_t) b->n_ent * 2 * GROUP + 8 + (GROUP * DRAW_WORDS(b->p) + 1) / 2;
}

void
boost_roots_init(Booster *b, int64_t *mem)
{
	b->roots = (int64_t *) (((uintptr_t) mem + 63) & ~(uintptr_t) 63);
	b->roots_feat = (uint32_t *) (b->roots + (size_t) b->n_ent * 2 * GROUP);
	b->roots_tree0 = UINT32_MAX;
	b->roots_nk = 0;
}

/* A feature the root builds row by row (not from columns). */
static inline bool
RowFeature(const Booster *b, uint32_t f)
{
	return b->col_rows == NULL || !b->col_sparse[f];
}

/* Add sampled rows ids[0..n) (NULL: rows 0..n-1) over features fo[0..nf). */
BOOST_CLONES
static void
AddRows(const Booster *b, uint32_t k0, uint32_t nk, const uint32_t *ids, uint32_t n,
		const uint32_t *fo, uint32_t nf)
{
	const uint32_t p = b->p;
	int64_t    *h = b->roots;
	uint32_t	i,
				j,
				k;

	for (i = 0; i < n; i++)
	{
		const uint32_t r = ids ? ids[i] : i;
		V8l			v = {0, 0, 0, 0, 0, 0, 0, 0};

		for (k = 0; k < nk; k++)
		{
			const BoostGH *gh = &b->gh[(size_t) (k0 + k) * b->n + r];

			v[2 * k] = gh->g;
			v[2 * k + 1] = gh->h;
		}
		if (b->Xo)
		{
			const uint16_t *xo = b->Xo + (size_t) r * p;

			/* xo holds 2 x the entry, so GROUP x xo is the entry's first int64 here */
			for (j = 0; j < nf; j++)
			{
				V8l		   *e = (V8l *) (h + GROUP * (size_t) xo[fo[j]]);

				*e += v;
			}
		}
		else
		{
			const uint8_t *x = b->X + (size_t) r * p;

			for (j = 0; j < nf; j++)
			{
				V8l		   *e = (V8l *) (h + 2 * GROUP * (size_t) (b->off[fo[j]] + x[fo[j]]));

				*e += v;
			}
		}
	}
}

/*
 * The roots of classes k0 .. k0 + nk - 1 (trees tree_no0 ..) of this
 * round's sample, for boost_roots_take.  Draws each tree's features and
 * keeps the draws (boost_roots_ready hands each tree its own), to add only
 * what one of them reads.
 */
static void
Build(Booster *b, uint32_t k0, uint32_t nk, uint32_t tree_no0)
{
	uint8_t		in[ENS_MAX_FEATURES];
	uint32_t	fo[ENS_MAX_FEATURES],
				nf = 0,
				f,
				k,
				j;

	memset(in, 0, b->p);
	for (k = 0; k < nk; k++)
	{
		uint32_t   *draw = b->roots_feat + k * DRAW_WORDS(b->p);

		boost_draw_features(b, tree_no0 + k);
		for (j = 0; j < b->n_feat; j++)
			in[b->feat[j]] = 1;
		draw[0] = b->n_feat;
		draw[1] = b->feat_ent;
		memcpy(draw + 2, b->feat, b->n_feat * sizeof(uint32_t));
	}
	for (f = 0; f < b->p; f++)
		if (in[f] && RowFeature(b, f))
		{
			fo[nf++] = f;
			memset(b->roots + 2 * GROUP * (size_t) b->off[f], 0,
				   ((size_t) b->nb[f] + 1) * 2 * GROUP * sizeof(int64_t));
		}
	AddRows(b, k0, nk, b->n_sample == b->n ? NULL : b->sample, b->n_sample, fo, nf);
	b->roots_tree0 = tree_no0;
	b->roots_nk = nk;
}

/*
 * Whether tree tree_no (class k) takes its root from a group's pass: the
 * group built for an earlier tree of the round holds it, or one starts
 * here (with the next classes, if there are any; a class alone builds its
 * own).  If so, the tree's features are set (the group's draw for it);
 * else the tree draws them itself.
 */
bool
boost_roots_ready(Booster *b, uint32_t k, uint32_t tree_no)
{
	uint32_t	nk = b->K - k < GROUP ? b->K - k : GROUP;
	const uint32_t *draw;

	if (b->roots == NULL)
		return false;
	if (!(tree_no - b->roots_tree0 < b->roots_nk))
	{
		if (nk < 2)
			return false;
		Build(b, k, nk, tree_no);
	}
	draw = b->roots_feat + (tree_no - b->roots_tree0) * DRAW_WORDS(b->p);
	b->n_feat = draw[0];
	b->feat_ent = draw[1];
	memcpy(b->feat, draw + 2, b->n_feat * sizeof(uint32_t));
	return true;
}

/*
 * Class k's root over the tree's features (b->feat) into h: the pairs of
 * the features built row by row, then, if any, the ones from columns.
 */
void
boost_roots_take(const Booster *b, uint32_t k, BoostBin *h)
{
	/* the group's first class: its first tree's number mod K (tree = round x K + class) */
	const int64_t *src = b->roots + 2 * (k - b->roots_tree0 % b->K);
	int32_t		dense = -1;
	uint32_t	j,
				e;

	for (j = 0; j < b->n_feat; j++)
	{
		uint32_t	f = b->feat[j];

		if (!RowFeature(b, f))
			continue;
		if (dense < 0)
			dense = (int32_t) f;
		for (e = b->off[f]; e <= b->off[f] + b->nb[f]; e++)
		{
			h[e].g = src[2 * GROUP * (size_t) e];
			h[e].h = src[2 * GROUP * (size_t) e + 1];
		}
	}
	if (b->col_rows != NULL)
		boost_hist_root_columns(b, b->gh + (size_t) k * b->n, dense, h);
}
