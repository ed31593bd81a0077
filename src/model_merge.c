/*
 * model_merge.c - one forest from forests grown on parts of the rows
 * (forest_agg_trees, model_agg_trees.c).
 *
 * A forest's prediction is the mean of its trees' outputs, so trees grown
 * on different parts can be concatenated.  What differs between the parts'
 * models is their codebooks: each part cut its numeric features at the
 * quantiles of its own rows, and a node splits on a bin index of its
 * part's codebook (value <= edges[bin]).  The merged model gets one
 * codebook per feature: the union of the parts' edges when it fits in 254
 * edges (every split kept exactly), else 254 edges spread evenly over that
 * union, each split then moving to the nearest kept edge (rows between the
 * two values change side).  Class lists are united (a part may lack a
 * class) in the trainer's order (ens_trainset_target): a numeric target's
 * labels by their values, a text target's by their bytes, even when they
 * look like numbers ('10' before '2').  Importance is the parts' mean
 * weighted by trees; node covers and class counts are kept, the feature and
 * output histograms (drift) are not: they describe one codebook's bins.
 */
#include "postgres.h"

#include <math.h>
#include <stdlib.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "ensemble_pg.h"
#include "model_merge.h"

#define MAX_EDGES (ENS_MAX_BINS - 1)

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* Why the parts cannot be merged: one literal message each (Refuse). */
typedef enum MergeWhy
{
	MERGE_CLASS_NOT_NUMBER,		/* a class of a numeric target is not a number */
	MERGE_MISFIT,				/* parts of other tasks or features */
	MERGE_TOO_LARGE				/* the merged model would not fit a bytea */
} MergeWhy;

static void
Refuse(MergeWhy why)
{
	switch (why)
	{
		case MERGE_CLASS_NOT_NUMBER:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("cannot merge the forests of the partial states: a class of a numeric target is not a number")));
			break;
		case MERGE_MISFIT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("cannot merge the forests of the partial states: they are not forests of the same task and features")));
			break;
		case MERGE_TOO_LARGE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("cannot merge the forests of the partial states: the merged model would be too large")));
			break;
	}
	elog(ERROR, "forests refused without a reason (%d)", (int) why);
}

/* ---------- classes ---------- */

typedef struct Label
{
	const char *s;
	uint32_t	len;
	double		num;
} Label;

/* arg: whether the labels are a numeric target's (then by value, as the trainer's) */
static int
CmpLabel(const void *a, const void *b, void *arg)
{
	const Label *x = a,
			   *y = b;

	if (*(const bool *) arg && x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return ens_bytes_cmp(x->s, x->len, y->s, y->len);
}

/*
 * The value of a numeric target's class label (ens_number_label: digits, or
 * Infinity and -Infinity); the caller checked the label is one.
 */
static double
LabelValue(const char *s, uint32_t len)
{
	char		buf[64];
	char	   *end;
	double		v;

	if (len == 0 || len >= sizeof(buf))
		Refuse(MERGE_CLASS_NOT_NUMBER);
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, &end);
	if (*end != '\0' || isnan(v))
		Refuse(MERGE_CLASS_NOT_NUMBER);
	return v;
}

/*
 * The united class list, in the trainer's order (numeric_classes: a numeric
 * target's, by value; else by bytes); cmap[i][k]: the merged index of part
 * i's class k.
 */
static Label *
UniteClasses(EnsModel **parts, int n, const EnsConstPart *consts, int nc, bool numeric_classes,
			 uint32_t *K, uint32_t **cmap, uint32_t *ccls)
{
	uint32_t	total = nc,
				u = 0,
				k;
	Label	   *all;
	int			i;

	for (i = 0; i < n; i++)
		total += parts[i]->n_classes;
	all = palloc(sizeof(Label) * Max(total, 1));
	for (i = 0; i < nc; i++)
	{
		Label	   *l = &all[u++];

		l->s = consts[i].label;
		l->len = consts[i].label_len;
		l->num = numeric_classes ? LabelValue(l->s, l->len) : 0;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < parts[i]->n_classes; k++)
		{
			Label	   *l = &all[u++];

			l->s = parts[i]->classes[k];
			l->len = parts[i]->class_len[k];
			l->num = numeric_classes ? LabelValue(l->s, l->len) : 0;
		}
	qsort_arg(all, u, sizeof(Label), CmpLabel, &numeric_classes);
	for (k = 0, total = 0; k < u; k++)
		if (k == 0 || ens_bytes_cmp(all[k].s, all[k].len, all[total - 1].s, all[total - 1].len) != 0)
			all[total++] = all[k];
	if (total > ENS_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the partial states hold %u classes, more than %d", total, ENS_MAX_CLASSES),
				 errhint("Aggregate rows of at most %d distinct target values.", ENS_MAX_CLASSES)));
	if (total < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the target has only one class"),
				 errhint("Classification needs at least two distinct target values.")));
	for (i = 0; i < nc; i++)
		for (ccls[i] = 0; ccls[i] < total; ccls[i]++)
			if (ens_bytes_cmp(all[ccls[i]].s, all[ccls[i]].len, consts[i].label, consts[i].label_len) == 0)
				break;
	for (i = 0; i < n; i++)
	{
		cmap[i] = palloc(sizeof(uint32_t) * Max(parts[i]->n_classes, 1));
		for (k = 0; k < parts[i]->n_classes; k++)
		{
			uint32_t	j;

			for (j = 0; j < total; j++)
				if (ens_bytes_cmp(all[j].s, all[j].len, parts[i]->classes[k], parts[i]->class_len[k]) == 0)
					break;
			cmap[i][k] = j;
		}
	}
	*K = total;
	return all;
}

/* ---------- codebooks ---------- */

/* the merged edges of feature f; bmap[i][b]: the merged bin of part i's bin b */
static double *
UniteEdges(EnsModel **parts, int n, uint32_t f, uint32_t *n_edges, uint8_t **bmap)
{
	size_t		total = 0,
				u = 0,
				e;
	double	   *all,
			   *kept;
	uint32_t	nk;
	int			i;

	for (i = 0; i < n; i++)
		total += parts[i]->features[f].n_bins - 1;
	all = palloc(sizeof(double) * Max(total, 1));
	for (i = 0; i < n; i++)
		for (e = 0; e + 1 < parts[i]->features[f].n_bins; e++)
			all[u++] = parts[i]->features[f].edges[e];
	qsort(all, u, sizeof(double), CmpDouble);
	for (e = 0, total = 0; e < u; e++)
		if (e == 0 || all[e] != all[total - 1])
			all[total++] = all[e];
	if (total <= MAX_EDGES)
	{
		kept = all;
		nk = (uint32_t) total;
	}
	else
	{
		kept = palloc(sizeof(double) * MAX_EDGES);
		for (nk = 0; nk < MAX_EDGES; nk++)
			kept[nk] = all[(size_t) (((double) nk + 0.5) * (double) total / MAX_EDGES)];
	}
	for (i = 0; i < n; i++)
	{
		const EnsFeature *F = &parts[i]->features[f];
		uint32_t	b;

		bmap[i] = palloc(ENS_MAX_BINS + 1);
		for (b = 0; b <= ENS_MAX_BINS; b++)
		{
			double		t;
			uint32_t	lo = 0,
						hi = nk;

			if (b + 1 >= F->n_bins)
			{
				bmap[i][b] = (uint8_t) nk;	/* the last bin: every value */
				continue;
			}
			t = F->edges[b];
			while (lo < hi)		/* first kept edge >= t */
			{
				uint32_t	mid = (lo + hi) / 2;

				if (kept[mid] < t)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == nk || (lo > 0 && t - kept[lo - 1] < kept[lo] - t))
				lo = lo == 0 ? 0 : lo - 1;
			bmap[i][b] = (uint8_t) lo;
		}
	}
	*n_edges = nk;
	return kept;
}

/* ---------- trees ---------- */

static uint32_t
Leaves(const EnsModel *m, uint32_t t)
{
	if (m->task != ENS_CLASSIFICATION)
		return 0;
	return (m->tree_leaf[t + 1] - m->tree_leaf[t]) / m->n_classes;
}

/*
 * Node covers of one copied tree, scaled so that its root covers all the
 * parts' rows (the format wants one root cover for every tree): leaves get
 * cover * total / rows rounded by largest remainder, splits the sum of their
 * children.  The ratios TreeSHAP uses are kept up to that rounding.
 */
static void
ScaleCovers(uint32_t *cv, const EnsNode *nodes, uint32_t nb, uint32_t ne, uint64 rows, uint64 total)
{
	uint32_t	i,
				n = ne - nb;
	uint64		sum = 0;
	double	   *frac = palloc(sizeof(double) * n);

	for (i = nb; i < ne; i++)
	{
		frac[i - nb] = -1;
		if (nodes[i].flags & FN_LEAF)
		{
			double		x = (double) cv[i] * (double) total / (double) rows;

			cv[i] = (uint32_t) floor(x);
			frac[i - nb] = x - floor(x);
			sum += cv[i];
		}
	}
	while (sum < total)
	{
		uint32_t	best = nb;
		double		bf = -1;

		for (i = nb; i < ne; i++)
			if (frac[i - nb] > bf)
			{
				bf = frac[i - nb];
				best = i;
			}
		if (bf < 0)
			break;
		cv[best]++;
		frac[best - nb] = -1;
		sum++;
	}
	for (i = ne; i-- > nb;)
		if (!(nodes[i].flags & FN_LEAF))
		{
			uint32_t	l = nodes[i].a;

			cv[i] = cv[l] + cv[l + 1];
		}
	pfree(frac);
}

/* Whether a model can be a part: a forest of the task over the p numeric features names. */
bool
ens_merge_part_fits(const EnsModel *pt, int task, char *const *names, int p)
{
	uint32_t	f;

	if (pt->algorithm != ENS_FOREST || pt->task != task || pt->n_features != (uint32_t) p)
		return false;
	for (f = 0; f < pt->n_features; f++)
		if (pt->features[f].kind != ENS_NUMERIC || strcmp(pt->features[f].name, names[f]) != 0)
			return false;
	return true;
}

bytea *
ens_merge_forests(EnsModel **parts, int n, const EnsConstPart *consts, int nc, int const_trees,
				  int task, bool numeric_classes, char **names, int p)
{
	EnsModel	m;
	uint32_t   *ccls = palloc0(sizeof(uint32_t) * Max(nc, 1));
	uint32_t  **cmap = palloc0(sizeof(uint32_t *) * n);
	uint8_t  ***bmap = palloc0(sizeof(uint8_t **) * n);
	Label	   *labels = NULL;
	EnsAlloc	al;
	uint64		nodes = 0,
				leafv = 0,
				trees = 0;
	uint32_t	K = 0,
				f,
				t,
				T = 0,
				N = 0,
				L = 0;
	bool		covers = true,
				counts;
	uint64		all_rows = 0;
	uint64	   *part_rows = palloc0(sizeof(uint64) * n);
	int			i;

	for (i = 0; i < n; i++)
	{
		const EnsModel *pt = parts[i];

		if (!ens_merge_part_fits(pt, task, names, p))
			Refuse(MERGE_MISFIT);
		trees += pt->n_trees;
		nodes += pt->n_nodes;
		covers = covers && pt->ext && pt->ext->cover && pt->n_trees > 0;
		if (covers)
		{
			part_rows[i] = pt->ext->cover[pt->tree_node[0]];
			all_rows += part_rows[i];
		}
	}
	for (i = 0; i < nc; i++)
	{
		trees += const_trees;
		nodes += const_trees;
		all_rows += consts[i].rows;
	}
	if (all_rows > ENS_MAX_ROWS)
		covers = false;
	if (trees > ENS_MAX_TREES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the partial states hold %llu trees, more than %d", (unsigned long long) trees,
						ENS_MAX_TREES),
				 errhint("Lower params.n_trees: every partial state grows that many trees.")));
	memset(&m, 0, sizeof(m));
	m.task = task;
	m.algorithm = ENS_FOREST;
	m.n_features = (uint32_t) p;
	m.n_trees = (uint32_t) trees;
	if (m.task == ENS_CLASSIFICATION)
	{
		labels = UniteClasses(parts, n, consts, nc, numeric_classes, &K, cmap, ccls);
		m.n_classes = K;
		m.classes = palloc(sizeof(char *) * K);
		m.class_len = palloc(sizeof(uint32_t) * K);
		for (f = 0; f < K; f++)
		{
			m.classes[f] = labels[f].s;
			m.class_len[f] = labels[f].len;
		}
		for (i = 0; i < n; i++)
			for (t = 0; t < parts[i]->n_trees; t++)
				leafv += (uint64) Leaves(parts[i], t) * K;
	}
	if (nodes > UINT32_MAX / 2 || leafv > UINT32_MAX / 2)
		Refuse(MERGE_TOO_LARGE);

	/* one codebook per feature */
	m.features = palloc0(sizeof(EnsFeature) * m.n_features);
	for (i = 0; i < n; i++)
		bmap[i] = palloc(sizeof(uint8_t *) * m.n_features);
	for (f = 0; f < m.n_features; f++)
	{
		uint8_t   **fb = palloc(sizeof(uint8_t *) * n);
		uint32_t	ne;

		m.features[f].name = names[f];
		m.features[f].name_len = strlen(names[f]);
		m.features[f].kind = ENS_NUMERIC;
		m.features[f].edges = UniteEdges(parts, n, f, &ne, fb);
		m.features[f].n_bins = ne + 1;
		for (i = 0; i < n; i++)
			bmap[i][f] = fb[i];
	}
	m.importance = palloc0(sizeof(double) * m.n_features);
	for (i = 0; i < n; i++)
		for (f = 0; f < m.n_features; f++)
			m.importance[f] += parts[i]->importance[f] * parts[i]->n_trees / (double) trees;

	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	m.tree_node = palloc(sizeof(uint32_t) * (trees + 1));
	m.tree_cat = palloc0(sizeof(uint32_t) * (trees + 1));
	m.tree_leaf = palloc(sizeof(uint32_t) * (trees + 1));
	m.nodes = palloc_extended(sizeof(EnsNode) * Max(nodes, 1), MCXT_ALLOC_HUGE);
	m.leafv = palloc_extended(sizeof(float) * Max(leafv, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	if (covers)
	{
		m.ext = ens_ext_new(&al);
		m.ext->cover = palloc_extended(sizeof(uint32_t) * Max(nodes, 1), MCXT_ALLOC_HUGE);
	}
	counts = m.task == ENS_CLASSIFICATION && covers;
	for (i = 0; i < n; i++)
		counts = counts && parts[i]->ext && parts[i]->ext->class_count;
	if (counts)
	{
		if (m.ext == NULL)
			m.ext = ens_ext_new(&al);
		m.ext->class_count = palloc0(sizeof(uint32_t) * K);
		for (i = 0; i < n; i++)
			for (f = 0; f < parts[i]->n_classes; f++)
				m.ext->class_count[cmap[i][f]] += parts[i]->ext->class_count[f];
		for (i = 0; i < nc; i++)
			m.ext->class_count[ccls[i]] += (uint32_t) consts[i].rows;
	}
	for (i = 0; i < n; i++)
	{
		const EnsModel *p = parts[i];
		uint32_t	Kp = p->n_classes;

		for (t = 0; t < p->n_trees; t++)
		{
			uint32_t	nb = p->tree_node[t],
						ne = p->tree_node[t + 1],
						lb = p->tree_leaf[t],
						j;

			CHECK_FOR_INTERRUPTS();
			m.tree_node[T] = N;
			m.tree_leaf[T] = L;
			for (j = nb; j < ne; j++)
			{
				EnsNode		nd = p->nodes[j];

				if (!(nd.flags & FN_LEAF))
				{
					nd.a = nd.a - nb + N;
					nd.bin = bmap[i][nd.feature][nd.bin];
				}
				else if (m.task == ENS_CLASSIFICATION && (nd.flags & FN_PURE))
					nd.a = cmap[i][nd.a];
				else if (m.task == ENS_CLASSIFICATION)
				{
					uint32_t	leaf = (nd.a - lb) / Kp,
								k;

					nd.a = L + leaf * K;
					for (k = 0; k < Kp; k++)
						m.leafv[nd.a + cmap[i][k]] = p->leafv[lb + leaf * Kp + k];
				}
				m.nodes[N + (j - nb)] = nd;
				if (covers)
					m.ext->cover[N + (j - nb)] = p->ext->cover[j];
			}
			if (covers)
				ScaleCovers(m.ext->cover, m.nodes, N, N + (ne - nb), part_rows[i], all_rows);
			N += ne - nb;
			L += Leaves(p, t) * K;
			T++;
		}
	}
	for (i = 0; i < nc; i++)
		for (t = 0; t < (uint32_t) const_trees; t++)
		{
			EnsNode		nd = {0, 0, 0, FN_LEAF};

			if (m.task == ENS_CLASSIFICATION)
			{
				nd.flags |= FN_PURE;
				nd.a = ccls[i];
			}
			else
			{
				float		v = (float) consts[i].value;

				memcpy(&nd.a, &v, sizeof(v));
			}
			m.tree_node[T] = N;
			m.tree_leaf[T] = L;
			m.nodes[N] = nd;
			if (covers)
				m.ext->cover[N] = (uint32_t) all_rows;
			N++;
			T++;
		}
	m.tree_node[T] = N;
	m.tree_leaf[T] = L;
	m.n_nodes = N;
	m.n_leafv = L;

	return ens_model_bytea(&m, CurrentMemoryContext);
}
