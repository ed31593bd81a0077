/*
 * boost_check.c - PG-free check and timing driver for the boosting engine.
 *
 *   boost_check FILE.csv cls|reg [--rounds N] [--depth D] [--leaves L]
 *       [--lr X] [--mcw X] [--l2 X] [--subsample X] [--colsample X]
 *       [--es N] [--val X] [--balanced] [--loss squared|absolute|huber]
 *       [--delta X] [--threads T] [--seed S] [--test X] [--cat COL]...
 *       [--check] [--oom] [--cancel SECONDS] [--dump PREFIX] [--plain|--packed]
 *       [--model PATH]
 *
 * FILE.csv: a header line, then comma-separated fields.  The target is the
 * column named "y" (else the last one); a column named "is_test" is
 * ignored (the split is ens_split_rows', as the forest's).  A target that
 * is not numeric is a class label (codes in byte order).  Empty fields are
 * missing values.  --cat COL makes column COL (0-based) categorical: its
 * distinct values become codes in increasing order.
 *
 * Trains on the training part (--val X: a stratified share of it becomes
 * validation rows), prints test metrics, time and peak bytes, and checks:
 *   - the model's margins (ens_predict_margin) equal the trainer's own, bit
 *     for bit, on every training and validation row; the tree layout is
 *     valid (children adjacent and after their parent, bins in range);
 *   - no allocation is left behind (counting allocator);
 *   --check: 1 and 2 threads give the same model, byte for byte; for a
 *     regression loss also packed and plain histograms (boost_int.h; on
 *     fewer than 65,536 training rows both hold the same sums);
 *   --oom: every allocation failing in turn gives ENS_ENOMEM and no leak;
 *   --cancel S: (only this) an interrupt raised after S seconds stops
 *     training within 0.2 s (polling callback), with no leak.
 * --plain / --packed: 16-byte histograms for every loss, or packed ones for
 *   a regression loss on any number of rows (by default only on 65,536
 *   training rows or more; boost_int.h).  --rows: plain ones, every row
 *   added from its bins (no 2-byte entries, no column sums at the root),
 *   every bin of a node scanned (no bins marked from a small node's rows).
 *   --check also trains with --rows (unless packed) and wants the same model.
 * --dump PREFIX writes the binned rows, targets, split and the test
 * predictions for bench/boost_xgb.py.  --model PATH writes the trained
 * model's arrays (nodes, covers, splits, base scores, importance) and the
 * trainer's curve and margins, raw, to compare two builds byte for byte.
 * Exit status 1 on a failed check.
 * Built with ASan by test/fuzz/run.sh; with -O2 by bench/boost_engine.sh.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../../src/boost.h"

static double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---------- counting allocator (optionally failing) ---------- */

typedef struct Counter
{
	long		live;			/* allocations not yet freed */
	long		calls;
	long		fail_at;		/* the call that fails (-1: none) */
} Counter;

static void *
CAlloc(void *ctx, size_t size)
{
	Counter    *c = ctx;

	if (c->calls++ == c->fail_at)
		return NULL;
	c->live++;
	return malloc(size ? size : 1);
}

static void
CFree(void *ctx, void *p)
{
	Counter    *c = ctx;

	if (p)
	{
		c->live--;
		free(p);
	}
}

/* ---------- data ---------- */

typedef struct Data
{
	uint32_t	n,
				p,
				K;
	char	  **names;
	double	  **cols;
	double	   *y;
	uint32_t   *cls;
	char	  **labels;
	bool	   *is_cat;
} Data;

static int
CmpStr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Split a line in place at commas; returns the field count. */
static uint32_t
Fields(char *line, char **f, uint32_t max)
{
	uint32_t	n = 0;
	char	   *s = line;

	for (;;)
	{
		char	   *e = strpbrk(s, ",\r\n");

		if (n < max)
			f[n++] = s;
		if (e == NULL || *e != ',')
		{
			if (e)
				*e = 0;
			break;
		}
		*e = 0;
		s = e + 1;
	}
	return n;
}

static void
ReadCsv(const char *path, bool cls, Data *D)
{
	FILE	   *fp = fopen(path, "r");
	char	   *line = NULL;
	size_t		cap = 0;
	char	   *f[1100];
	uint32_t	nf,
				i,
				j,
				ycol,
				skip = UINT32_MAX,
				ncap = 1024;
	char	  **ystr;

	if (!fp || getline(&line, &cap, fp) <= 0)
	{
		perror(path);
		exit(2);
	}
	nf = Fields(line, f, 1100);
	ycol = nf - 1;
	for (i = 0; i < nf; i++)
	{
		if (strcmp(f[i], "y") == 0)
			ycol = i;
		if (strcmp(f[i], "is_test") == 0)
			skip = i;
	}
	D->p = nf - 1 - (skip != UINT32_MAX);
	D->names = calloc(D->p, sizeof(char *));
	for (i = 0, j = 0; i < nf; i++)
		if (i != ycol && i != skip)
			D->names[j++] = strdup(f[i]);
	D->cols = calloc(D->p, sizeof(double *));
	for (j = 0; j < D->p; j++)
		D->cols[j] = malloc(ncap * sizeof(double));
	ystr = malloc(ncap * sizeof(char *));
	D->n = 0;
	while (getline(&line, &cap, fp) > 0)
	{
		if (D->n == ncap)
		{
			ncap *= 2;
			for (j = 0; j < D->p; j++)
				D->cols[j] = realloc(D->cols[j], ncap * sizeof(double));
			ystr = realloc(ystr, ncap * sizeof(char *));
		}
		nf = Fields(line, f, 1100);
		for (i = 0, j = 0; i < nf; i++)
		{
			if (i == ycol)
				ystr[D->n] = strdup(f[i]);
			else if (i != skip && j < D->p)
				D->cols[j++][D->n] = f[i][0] ? strtod(f[i], NULL) : NAN;
		}
		for (; j < D->p; j++)
			D->cols[j][D->n] = NAN;
		D->n++;
	}
	fclose(fp);
	free(line);
	D->y = malloc(D->n * sizeof(double));
	if (!cls)
	{
		for (i = 0; i < D->n; i++)
		{
			D->y[i] = strtod(ystr[i], NULL);
			free(ystr[i]);
		}
		free(ystr);
		return;
	}
	/* class labels: distinct strings in byte order */
	{
		char	  **u = malloc(D->n * sizeof(char *));
		uint32_t	k = 0;

		memcpy(u, ystr, D->n * sizeof(char *));
		qsort(u, D->n, sizeof(char *), CmpStr);
		for (i = 0; i < D->n; i++)
			if (k == 0 || strcmp(u[k - 1], u[i]) != 0)
				u[k++] = u[i];
		D->K = k;
		D->labels = malloc(k * sizeof(char *));
		for (i = 0; i < k; i++)
			D->labels[i] = strdup(u[i]);
		D->cls = malloc(D->n * sizeof(uint32_t));
		for (i = 0; i < D->n; i++)
		{
			char	  **hit = bsearch(&ystr[i], D->labels, k, sizeof(char *), CmpStr);

			D->cls[i] = (uint32_t) (hit - D->labels);
			D->y[i] = D->cls[i];
		}
		for (i = 0; i < D->n; i++)
			free(ystr[i]);
		free(ystr);
		free(u);
	}
}

/* Column c as categorical codes (distinct values in increasing order). */
static void
MakeCategorical(Data *D, uint32_t c, EnsFeature *F)
{
	double	   *u = malloc(D->n * sizeof(double));
	uint32_t	i,
				k = 0,
				m = 0;

	for (i = 0; i < D->n; i++)
		if (!isnan(D->cols[c][i]))
			u[m++] = D->cols[c][i];
	qsort(u, m, sizeof(double), CmpDouble);
	for (i = 0; i < m; i++)
		if (k == 0 || u[k - 1] != u[i])
			u[k++] = u[i];
	if (k > ENS_MAX_CATEGORIES)
	{
		fprintf(stderr, "column %u has %u categories (at most %d)\n", c, k, ENS_MAX_CATEGORIES);
		exit(2);
	}
	for (i = 0; i < D->n; i++)
		if (!isnan(D->cols[c][i]))
			D->cols[c][i] = (double) ((double *) bsearch(&D->cols[c][i], u, k, sizeof(double), CmpDouble) - u);
	F->kind = ENS_CATEGORICAL;
	F->n_bins = k;
	F->cats = calloc(k ? k : 1, sizeof(char *));
	F->cat_len = calloc(k ? k : 1, sizeof(uint32_t));
	for (i = 0; i < k; i++)
	{
		char	   *s = malloc(32);

		snprintf(s, 32, "%.17g", u[i]);
		F->cats[i] = s;
		F->cat_len[i] = strlen(s);
	}
	D->is_cat[c] = true;
	free(u);
}

/* ---------- training runs ---------- */

typedef struct Opts
{
	BoostParams P;
	double		test,
				val,
				cancel;
	bool		check,
				oom,
				sketch;
	const char *dump,
			   *model;
} Opts;

typedef struct Run
{
	EnsModel	m;
	BoostResult res;
	EnsStatus	rc;
	double		secs,
				cpu;			/* process CPU seconds during training */
} Run;

static double
CpuNow(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/* interrupt after a number of calls, or once a flag is raised */
typedef struct Intr
{
	long		calls,
				stop_at;		/* -1: never */
	int			flag;			/* atomic */
} Intr;

static bool
IntrFn(void *arg)
{
	Intr	   *it = arg;

	if (it->stop_at >= 0 && it->calls++ >= it->stop_at)
		return true;
	return __atomic_load_n(&it->flag, __ATOMIC_RELAXED) != 0;
}

static void
Train(Run *r, const Data *D, EnsFeature *features, const uint8_t *X,
	  const uint32_t *train, uint32_t ntr, const uint32_t *val, uint32_t nval,
	  const BoostParams *P, const EnsAlloc *al, Intr *it)
{
	EnsData		d;
	double		t0;

	memset(&r->m, 0, sizeof(r->m));
	r->m.task = P->task;
	r->m.n_features = D->p;
	r->m.n_classes = P->task == ENS_CLASSIFICATION ? D->K : 0;
	r->m.features = features;
	memset(&d, 0, sizeof(d));
	d.n_rows = D->n;
	d.n_features = D->p;
	d.X = X;
	d.cls = D->cls;
	d.y = D->y;
	d.rows = train;
	d.n_use = ntr;
	t0 = Now();
	r->cpu = CpuNow();
	r->rc = boost_train(&r->m, &d, val, nval, P, al, it ? IntrFn : NULL, it, &r->res);
	r->secs = Now() - t0;
	r->cpu = CpuNow() - r->cpu;
}

static void
FreeRun(Run *r, const EnsAlloc *al)
{
	if (r->m.base_score)
		al->free(al->ctx, r->m.base_score);	/* ens_model_free does not yet */
	r->m.base_score = NULL;
	ens_model_free(&r->m, al);
	boost_result_free(&r->res, al);
}

/* ---------- checks ---------- */

static int
CheckLayout(const EnsModel *m)
{
	uint32_t	t,
				i;

	if (m->algorithm != ENS_BOOST || m->n_trees % m->n_outputs != 0 ||
		m->tree_node[0] != 0 || m->tree_node[m->n_trees] != m->n_nodes)
		return fprintf(stderr, "FAIL model header\n"), 1;
	for (t = 0; t < m->n_trees; t++)
	{
		uint32_t	a = m->tree_node[t],
					e = m->tree_node[t + 1];

		if (a >= e)
			return fprintf(stderr, "FAIL tree %u is empty\n", t), 1;
		for (i = a; i < e; i++)
		{
			EnsNode		nd = m->nodes[i];
			uint32_t	c;

			if (nd.flags & FN_LEAF)
			{
				float		v;

				memcpy(&v, &nd.a, sizeof(v));
				if (!isfinite(v) || (nd.flags & ~FN_LEAF))
					return fprintf(stderr, "FAIL leaf %u\n", i), 1;
				continue;
			}
			if (nd.feature >= m->n_features)
				return fprintf(stderr, "FAIL node %u feature\n", i), 1;
			if (nd.flags & FN_CAT)
			{
				if (nd.a < m->tree_cat[t] || nd.a >= m->tree_cat[t + 1] ||
					m->features[nd.feature].kind != ENS_CATEGORICAL)
					return fprintf(stderr, "FAIL node %u cat split\n", i), 1;
				c = m->cats[nd.a].child;
			}
			else
			{
				if (nd.bin >= m->features[nd.feature].n_bins ||
					m->features[nd.feature].kind != ENS_NUMERIC)
					return fprintf(stderr, "FAIL node %u bin\n", i), 1;
				c = nd.a;
			}
			if (c <= i || c + 1 >= e)
				return fprintf(stderr, "FAIL node %u children %u\n", i, c), 1;
		}
	}
	return 0;
}

/* The model's margins against the trainer's, bit for bit. */
static int
CheckMargins(const EnsModel *m, const uint8_t *X, uint32_t p,
			 const uint32_t *rows, uint32_t n, const double *want, const char *what)
{
	double	   *mg = malloc(m->n_outputs * sizeof(double));
	uint32_t	i,
				bad = 0;

	for (i = 0; i < n; i++)
	{
		ens_predict_margin(m, X + (size_t) rows[i] * p, mg);
		if (memcmp(mg, want + (size_t) i * m->n_outputs, m->n_outputs * sizeof(double)) != 0)
			bad++;
	}
	free(mg);
	if (bad)
		return fprintf(stderr, "FAIL %u of %u %s rows: model margins differ from the trainer's\n",
					   bad, n, what), 1;
	fprintf(stderr, "ok: model margins equal the trainer's on %u %s rows\n", n, what);
	return 0;
}

/*
 * A value of feature f that bins to b: alternately the highest and the
 * lowest value of the bin, so that values equal to an edge are binned too.
 */
static double
ValueOfBin(const EnsFeature *F, uint8_t b, uint32_t i)
{
	uint32_t	ne = F->n_bins - 1;

	if (b == ENS_MISSING)
		return NAN;
	if (i % 2 == 0)
		return b < ne ? F->edges[b] : ne ? nextafter(F->edges[ne - 1], INFINITY) : 1e300;
	return b > 0 ? nextafter(F->edges[b - 1], INFINITY) : ne ? -INFINITY : -1e300;
}

/*
 * A read model bins a row for prediction (ens_bin_row, through its padded
 * edge table) as the trainer binned it: the values the bins were made of,
 * then values at the bins' ends.
 */
static int
CheckBinRow(const EnsModel *m, const double *const *cols, const uint8_t *X, uint32_t p,
			const uint32_t *rows, uint32_t n)
{
	double	   *x = malloc(p * sizeof(double));
	uint8_t    *xb = malloc(p);
	uint32_t	i,
				f,
				bad[2] = {0, 0};
	int			pass;

	if (m->bin_table == NULL)
		return free(x), free(xb), fprintf(stderr, "FAIL a read model without its edge table\n"), 1;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++)
		{
			const uint8_t *want = X + (size_t) rows[i] * p;

			for (f = 0; f < p; f++)
				x[f] = pass == 0 ? cols[f][rows[i]] : ValueOfBin(&m->features[f], want[f], i);
			ens_bin_row(m, x, xb);
			bad[pass] += memcmp(xb, want, p) != 0;
		}
	free(x);
	free(xb);
	if (bad[0] || bad[1])
		return fprintf(stderr, "FAIL a read model bins rows differently: %u of %u rows (their values), "
					   "%u (values at the bins' ends)\n", bad[0], n, bad[1]), 1;
	fprintf(stderr, "ok: a read model bins %u rows as the trainer did (twice)\n", n);
	return 0;
}

static int CheckWideBins(const EnsModel *m, const EnsAlloc *al);

/*
 * --sketch (boosting's bins, ens_bin_columns_by): a numeric feature with a
 * missing value in any row gets 255 bins at most, one without may get 256;
 * the data must have one of each among its features of many values.
 */
static int
CheckSketchBins(const Data *D, const EnsFeature *F)
{
	uint32_t	f,
				i,
				wide = 0,
				narrow = 0;
	int			fails = 0;

	for (f = 0; f < D->p; f++)
	{
		bool		miss = false;

		if (F[f].kind != ENS_NUMERIC)
			continue;
		for (i = 0; i < D->n && !miss; i++)
			miss = isnan(D->cols[f][i]);
		if (miss && F[f].n_bins > ENS_MAX_BINS)
			fails += fprintf(stderr, "FAIL feature %u has a missing value and %u bins\n", f, F[f].n_bins) > 0;
		wide += !miss && F[f].n_bins == ENS_MAX_BOOST_BINS;
		narrow += miss && F[f].n_bins == ENS_MAX_BINS;
	}
	if (wide == 0 || narrow == 0)
		fails += fprintf(stderr, "FAIL sketch bins: %u features of 256 bins, %u of 255 with missing values\n",
						 wide, narrow) > 0;
	return fails;
}

/*
 * The model written and read back (which lays shallow boosted trees out as
 * complete trees, ensemble_dense.c): margins equal the trainer's too, and
 * it bins rows as the trainer did.
 */
static int
CheckReadMargins(const EnsModel *m, const double *const *cols, const uint8_t *X, uint32_t p,
				 const uint32_t *rows, uint32_t n, const double *want, const EnsAlloc *al)
{
	uint8_t    *buf;
	size_t		len;
	EnsModel   *rm;
	int			fails;
	uint32_t	f;
	EnsModel	mc = *m;
	static const char *names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
	uint32_t	lens[8] = {2, 2, 2, 2, 2, 2, 2, 2};

	for (f = 0; f < m->n_features; f++)
		if (m->features[f].kind == ENS_CATEGORICAL)
		{
			/* the harness's categories are codes without names, which the format wants */
			fprintf(stderr, "ok: read back not checked (categorical feature %u)\n", f);
			return 0;
		}
	/* the harness's classes are codes without names: the format wants names */
	if (mc.n_classes && mc.classes == NULL)
	{
		if (mc.n_classes > 8)
			return 0;
		mc.classes = names;
		mc.class_len = lens;
	}
	if (ens_serialize(&mc, al, 0, &buf, &len) != ENS_OK ||
		ens_deserialize(buf, len, al, &rm, NULL) != ENS_OK)
		return fprintf(stderr, "FAIL the model does not read back\n"), 1;
	al->free(al->ctx, buf);
	fprintf(stderr, "ok: read back, %s\n", rm->dense ? "complete trees" : "node walk");
	fails = CheckMargins(rm, X, p, rows, n, want, "training (read back)");
	fails += CheckBinRow(rm, cols, X, p, rows, n);
	for (f = 0; f < m->n_features; f++)
		if (m->features[f].n_bins > ENS_MAX_BINS)
		{
			fails += CheckWideBins(&mc, al);
			break;
		}
	ens_model_free(rm, al);
	return fails;
}

/*
 * A model with a feature of ENS_MAX_BOOST_BINS bins: every split on it
 * sends missing values right (code 255 is also its last bin), and bytes
 * forged to send them left on one are refused (ENS_ERR_READ_SPLIT_DEFLEFT),
 * as are the same bytes tagged as a forest (whose features hold 255 bins
 * at most: ENS_ERR_READ_FEATURE_BINS).
 */
static int
CheckWideBins(const EnsModel *m, const EnsAlloc *al)
{
	EnsModel	mc = *m;
	EnsNode    *nodes;
	EnsModel   *rm = NULL;
	EnsError	err;
	uint8_t    *buf;
	size_t		len;
	uint32_t	i,
				forged = UINT32_MAX;
	int			fails = 0;

	for (i = 0; i < m->n_nodes; i++)
	{
		EnsNode		nd = m->nodes[i];

		if ((nd.flags & (FN_LEAF | FN_CAT)) || m->features[nd.feature].n_bins <= ENS_MAX_BINS)
			continue;
		if (nd.flags & FN_DEFLEFT)
			fails += fprintf(stderr, "FAIL node %u on a feature of 256 bins sends missing values left\n", i) > 0;
		if (forged == UINT32_MAX)
			forged = i;
	}
	if (forged == UINT32_MAX)
		return fails + (fprintf(stderr, "FAIL no split on a feature of 256 bins\n") > 0);
	nodes = malloc(sizeof(EnsNode) * m->n_nodes);
	memcpy(nodes, m->nodes, sizeof(EnsNode) * m->n_nodes);
	nodes[forged].flags |= FN_DEFLEFT;
	mc.nodes = nodes;
	if (ens_serialize(&mc, al, 0, &buf, &len) != ENS_OK)
		fails += fprintf(stderr, "FAIL the forged model does not serialize\n") > 0;
	else
	{
		if (ens_deserialize(buf, len, al, &rm, &err) != ENS_ECORRUPT ||
			err.id != ENS_ERR_READ_SPLIT_DEFLEFT)
			fails += fprintf(stderr, "FAIL a split sending missing values left on a feature of 256 bins is read\n") > 0;
		if (rm)
			ens_model_free(rm, al);
		rm = NULL;
		al->free(al->ctx, buf);
	}
	mc.nodes = m->nodes;
	mc.algorithm = ENS_FOREST;
	if (ens_serialize(&mc, al, 0, &buf, &len) == ENS_OK)
	{
		if (ens_deserialize(buf, len, al, &rm, &err) != ENS_ECORRUPT ||
			err.id != ENS_ERR_READ_FEATURE_BINS)
			fails += fprintf(stderr, "FAIL a forest's feature of 256 bins is read\n") > 0;
		if (rm)
			ens_model_free(rm, al);
		al->free(al->ctx, buf);
	}
	else
		fails += fprintf(stderr, "FAIL the model tagged as a forest does not serialize\n") > 0;
	free(nodes);
	if (fails == 0)
		fprintf(stderr, "ok: feature of 256 bins: missing values right, forged bytes refused\n");
	return fails;
}

/* The trainer's node covers are every fitted and validation row walked. */
static int
CheckCovers(const EnsModel *m, const uint8_t *X, uint32_t p, const uint32_t *train,
			uint32_t ntr, const uint32_t *val, uint32_t nval)
{
	uint32_t   *w1 = malloc(sizeof(uint32_t) * (m->n_nodes + 1)),
			   *w2 = malloc(sizeof(uint32_t) * (m->n_nodes + 1)),
				bad = 0,
				i;

	if (m->train_cover == NULL)
		bad = m->n_nodes;
	else
	{
		ens_profile_cover(m, X, p, train, ntr, w1, NULL, NULL);
		ens_profile_cover(m, X, p, val, nval, w2, NULL, NULL);
		for (i = 0; i < m->n_nodes; i++)
			bad += w1[i] + w2[i] != m->train_cover[i];
	}
	free(w1);
	free(w2);
	if (bad)
		return fprintf(stderr, "FAIL %u of %u node covers differ from walking the rows\n",
					   bad, m->n_nodes), 1;
	fprintf(stderr, "ok: node covers equal walking the %u rows\n", ntr + nval);
	return 0;
}

static int
SameModel(const Run *a, const Run *b)
{
	const EnsModel *x = &a->m,
			   *y = &b->m;

	if (x->n_trees != y->n_trees || x->n_nodes != y->n_nodes || x->n_cats != y->n_cats ||
		memcmp(x->nodes, y->nodes, x->n_nodes * sizeof(EnsNode)) != 0 ||
		memcmp(x->train_cover, y->train_cover, x->n_nodes * sizeof(uint32_t)) != 0 ||
		(x->n_cats && memcmp(x->cats, y->cats, x->n_cats * sizeof(EnsCatSplit)) != 0) ||
		memcmp(x->tree_node, y->tree_node, (x->n_trees + 1) * sizeof(uint32_t)) != 0 ||
		memcmp(x->tree_cat, y->tree_cat, (x->n_trees + 1) * sizeof(uint32_t)) != 0 ||
		memcmp(x->base_score, y->base_score, x->n_outputs * sizeof(double)) != 0 ||
		memcmp(x->importance, y->importance, x->n_features * sizeof(double)) != 0 ||
		a->res.rounds_run != b->res.rounds_run || a->res.best_round != b->res.best_round ||
		(a->res.curve && memcmp(a->res.curve, b->res.curve, a->res.rounds_run * sizeof(double)) != 0))
		return 0;
	return 1;
}

/* The model's arrays and the trainer's curve and margins, raw (--model). */
static int
WriteModel(const char *path, const Run *r, uint32_t ntr, uint32_t nval)
{
	const EnsModel *m = &r->m;
	FILE	   *fp = fopen(path, "wb");

	if (fp == NULL)
		return fprintf(stderr, "FAIL cannot write %s\n", path), 1;
	fwrite(m->nodes, sizeof(EnsNode), m->n_nodes, fp);
	fwrite(m->train_cover, sizeof(uint32_t), m->n_nodes, fp);
	fwrite(m->cats, sizeof(EnsCatSplit), m->n_cats, fp);
	fwrite(m->tree_node, sizeof(uint32_t), m->n_trees + 1, fp);
	fwrite(m->tree_cat, sizeof(uint32_t), m->n_trees + 1, fp);
	fwrite(m->base_score, sizeof(double), m->n_outputs, fp);
	fwrite(m->importance, sizeof(double), m->n_features, fp);
	if (r->res.curve)
		fwrite(r->res.curve, sizeof(double), r->res.rounds_run, fp);
	if (r->res.val_margin)
		fwrite(r->res.val_margin, sizeof(double), (size_t) nval * m->n_outputs, fp);
	if (r->res.train_margin)
		fwrite(r->res.train_margin, sizeof(double), (size_t) ntr * m->n_outputs, fp);
	return fclose(fp) != 0 ? (fprintf(stderr, "FAIL cannot write %s\n", path), 1) : 0;
}

/* ---------- main ---------- */

static void
ParseOpts(int argc, char **argv, Opts *o, uint32_t *cats, uint32_t *ncat, bool cls)
{
	int			i;

	boost_params_default(&o->P);
	o->P.task = cls ? ENS_CLASSIFICATION : ENS_REGRESSION;
	o->P.keep_train_margin = true;
	o->test = 0.2;
	o->val = 0;
	o->cancel = 0;
	o->check = o->oom = o->sketch = false;
	o->dump = o->model = NULL;
	*ncat = 0;
	for (i = 3; i < argc; i++)
	{
		const char *a = argv[i],
				   *v = i + 1 < argc ? argv[i + 1] : "0";

#define OPT(name, stmt) if (strcmp(a, name) == 0) { stmt; i++; continue; }
		OPT("--rounds", o->P.n_rounds = atoi(v));
		OPT("--depth", o->P.max_depth = atoi(v));
		OPT("--leaves", o->P.max_leaves = atoi(v));
		OPT("--lr", o->P.learning_rate = atof(v));
		OPT("--mcw", o->P.min_child_weight = atof(v));
		OPT("--l2", o->P.l2 = atof(v));
		OPT("--subsample", o->P.subsample = atof(v));
		OPT("--colsample", o->P.colsample = atof(v));
		OPT("--es", o->P.early_stopping_rounds = atoi(v));
		OPT("--val", o->val = atof(v));
		OPT("--delta", o->P.huber_delta = atof(v));
		OPT("--threads", o->P.n_threads = atoi(v));
		OPT("--seed", o->P.seed = strtoull(v, NULL, 10));
		OPT("--test", o->test = atof(v));
		OPT("--cancel", o->cancel = atof(v));
		OPT("--dump", o->dump = v);
		OPT("--model", o->model = v);
		OPT("--cat", cats[(*ncat)++ % 64] = (uint32_t) atoi(v));
		OPT("--loss", o->P.objective = strcmp(v, "absolute") == 0 ? ENS_OBJ_ABSOLUTE :
			strcmp(v, "huber") == 0 ? ENS_OBJ_HUBER : ENS_OBJ_SQUARED);
#undef OPT
		if (strcmp(a, "--balanced") == 0)
			o->P.class_weight.balanced = true;
		else if (strcmp(a, "--check") == 0)
			o->check = true;
		else if (strcmp(a, "--oom") == 0)
			o->oom = true;
		else if (strcmp(a, "--plain") == 0)
			o->P.hist = BOOST_HIST_PLAIN;
		else if (strcmp(a, "--packed") == 0)
			o->P.hist = BOOST_HIST_PACKED;
		else if (strcmp(a, "--rows") == 0)
			o->P.hist = BOOST_HIST_ROWS;
		else if (strcmp(a, "--sketch") == 0)
			o->sketch = true;
		else
		{
			fprintf(stderr, "unknown option %s\n", a);
			exit(2);
		}
	}
}

/* Training rows minus a stratified share that becomes validation rows. */
static void
SplitValidation(const Data *D, uint32_t **train, uint32_t *ntr, double frac,
				uint64_t seed, uint32_t **val, uint32_t *nval)
{
	uint32_t   *sub = NULL,
			   *a,
			   *b,
				na,
				nb,
				i;
	uint32_t   *tr = *train;

	if (D->cls)
	{
		sub = malloc(*ntr * sizeof(uint32_t));
		for (i = 0; i < *ntr; i++)
			sub[i] = D->cls[tr[i]];
	}
	if (ens_split_rows(sub, D->K, *ntr, frac, seed + 1, &ens_malloc_allocator,
					   &a, &na, &b, &nb) != ENS_OK)
		exit(2);
	*val = malloc((nb ? nb : 1) * sizeof(uint32_t));
	for (i = 0; i < nb; i++)
		(*val)[i] = tr[b[i]];
	*nval = nb;
	for (i = 0; i < na; i++)
		a[i] = tr[a[i]];
	free(tr);
	free(b);
	free(sub);
	*train = a;
	*ntr = na;
}

static void
Dump(const char *prefix, const Data *D, const uint8_t *X, const uint32_t *train,
	 uint32_t ntr, const uint32_t *test, uint32_t nte, const uint32_t *val,
	 uint32_t nval, const double *pred, uint32_t kk)
{
	char		path[4096];
	uint8_t    *split = calloc(D->n, 1);
	FILE	   *fp;
	uint32_t	i;

	for (i = 0; i < D->n; i++)
		split[i] = 3;			/* unused */
	for (i = 0; i < ntr; i++)
		split[train[i]] = 0;
	for (i = 0; i < nte; i++)
		split[test[i]] = 1;
	for (i = 0; i < nval; i++)
		split[val[i]] = 2;
#define WRITE(ext, ptr, bytes) do { snprintf(path, sizeof(path), "%s.%s", prefix, ext); \
	fp = fopen(path, "wb"); if (!fp || fwrite(ptr, 1, bytes, fp) != (size_t) (bytes)) { perror(path); exit(2); } fclose(fp); } while (0)
	WRITE("bins", X, (size_t) D->n * D->p);
	WRITE("target", D->y, (size_t) D->n * sizeof(double));
	WRITE("split", split, D->n);
	WRITE("pred", pred, (size_t) nte * kk * sizeof(double));
#undef WRITE
	snprintf(path, sizeof(path), "%s.meta", prefix);
	fp = fopen(path, "w");
	fprintf(fp, "{\"n\": %u, \"p\": %u, \"classes\": %u, \"cat\": [", D->n, D->p, D->K);
	{
		const char *sep = "";

		for (i = 0; i < D->p; i++)
			if (D->is_cat[i])
			{
				fprintf(fp, "%s%u", sep, i);
				sep = ", ";
			}
	}
	fprintf(fp, "]}\n");
	fclose(fp);
	free(split);
}

/* Test metrics of the model on the test rows; fills pred (nte x kk). */
static void
Evaluate(const Run *r, const Data *D, const uint8_t *X, const uint32_t *test,
		 uint32_t nte, double *pred, uint32_t kk)
{
	uint32_t	i;

	for (i = 0; i < nte; i++)
		ens_predict_binned(&r->m, X + (size_t) test[i] * D->p, pred + (size_t) i * kk);
	if (D->cls)
	{
		EnsClsMetrics cm;
		uint32_t   *act = malloc((nte ? nte : 1) * sizeof(uint32_t));

		for (i = 0; i < nte; i++)
			act[i] = D->cls[test[i]];
		ens_cls_metrics(nte, D->K, D->K, act, pred, &ens_malloc_allocator, NULL, NULL, &cm, NULL);
		printf("engine accuracy=%.4f f1=%.4f auc=%.4f logloss=%.4f", cm.accuracy, cm.f1, cm.auc, cm.log_loss);
		free(act);
	}
	else
	{
		EnsRegMetrics rm;
		double	   *act = malloc((nte ? nte : 1) * sizeof(double));

		for (i = 0; i < nte; i++)
			act[i] = D->y[test[i]];
		ens_reg_metrics(nte, act, pred, &rm);
		printf("engine r2=%.4f rmse=%.4f mae=%.4f", rm.r2, rm.rmse, rm.mae);
		free(act);
	}
}

/* Every allocation failing in turn: ENS_ENOMEM and nothing left behind. */
static int
OomSweep(const Data *D, EnsFeature *F, const uint8_t *X, const uint32_t *tr,
		 uint32_t ntr, const uint32_t *val, uint32_t nval, const BoostParams *P)
{
	long		k,
				optional = 0;

	for (k = 0;; k++)
	{
		Counter		c = {0, 0, k};
		EnsAlloc	al = {CAlloc, CFree, &c};
		Run			r;
		EnsStatus	rc;

		Train(&r, D, F, X, tr, ntr, val, nval, P, &al, NULL);
		rc = r.rc;
		FreeRun(&r, &al);
		if (c.live != 0)
			return fprintf(stderr, "FAIL allocation %ld failing leaks %ld blocks\n", k, c.live), 1;
		/* every allocation made without failing: all of them have been tried */
		if (rc == ENS_OK && c.calls <= k)
			break;
		/* an optional buffer (a softmax round's roots) the training does without */
		if (rc == ENS_OK)
		{
			optional++;
			continue;
		}
		if (rc != ENS_ENOMEM)
			return fprintf(stderr, "FAIL allocation %ld failing gives %s\n", k, ens_strerror(rc)), 1;
	}
	fprintf(stderr, "ok: each of %ld allocations failing gives ENS_ENOMEM (%ld optional: trained without), no leak\n",
			k, optional);
	{
		long		stops[] = {0, 1, 3, 10, 100, 1000};
		unsigned	s;

		for (s = 0; s < sizeof(stops) / sizeof(stops[0]); s++)
		{
			Counter		c = {0, 0, -1};
			EnsAlloc	al = {CAlloc, CFree, &c};
			Intr		it = {0, stops[s], 0};
			Run			r;

			Train(&r, D, F, X, tr, ntr, val, nval, P, &al, &it);
			FreeRun(&r, &al);
			if (c.live != 0 || (r.rc != ENS_EINTR && r.rc != ENS_OK))
				return fprintf(stderr, "FAIL interrupt at call %ld: %s, %ld blocks left\n",
							   stops[s], ens_strerror(r.rc), c.live), 1;
		}
		fprintf(stderr, "ok: interrupts at calls 0..1000 give ENS_EINTR, no leak\n");
	}
	return 0;
}

typedef struct Timer
{
	Intr	   *it;
	double		after,
				raised;
} Timer;

static void *
TimerMain(void *arg)
{
	Timer	   *t = arg;
	struct timespec ts;

	ts.tv_sec = (time_t) t->after;
	ts.tv_nsec = (long) ((t->after - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	t->raised = Now();
	__atomic_store_n(&t->it->flag, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* An interrupt raised after `after` seconds stops training within 0.2 s. */
static int
CancelCheck(const Data *D, EnsFeature *F, const uint8_t *X, const uint32_t *tr,
			uint32_t ntr, const BoostParams *P, double after)
{
	Counter		c = {0, 0, -1};
	EnsAlloc	al = {CAlloc, CFree, &c};
	Intr		it = {0, -1, 0};
	Timer		tm = {&it, after, 0};
	pthread_t	th;
	Run			r;
	double		lat;

	pthread_create(&th, NULL, TimerMain, &tm);
	Train(&r, D, F, X, tr, ntr, NULL, 0, P, &al, &it);
	lat = Now() - tm.raised;
	pthread_join(th, NULL);
	FreeRun(&r, &al);
	printf("cancel rc=%s latency_s=%.4f threads=%d leaked_blocks=%ld\n",
		   ens_strerror(r.rc), tm.raised > 0 ? lat : -1.0, P->n_threads, c.live);
	if (r.rc != ENS_EINTR || lat > 0.2 || c.live != 0)
		return fprintf(stderr, "FAIL cancellation\n"), 1;
	return 0;
}

/* Train with P2 and compare with r: "ok: <ok>" or "FAIL <fail>"; 1 on a failure. */
static int
SameAs(const Run *r, const Data *D, EnsFeature *F, const uint8_t *X, const uint32_t *train,
	   uint32_t ntr, const uint32_t *val, uint32_t nval, const BoostParams *P2,
	   const EnsAlloc *al, const char *ok, const char *fail)
{
	Run			r2;
	int			bad;

	Train(&r2, D, F, X, train, ntr, val, nval, P2, al, NULL);
	bad = r2.rc != ENS_OK || !SameModel(r, &r2);
	fprintf(stderr, bad ? "FAIL %s\n" : "ok: %s\n", bad ? fail : ok);
	FreeRun(&r2, al);
	return bad;
}

/* The main run: train, check margins and layout, metrics, the extra checks. */
static int
TrainAndCheck(const Opts *op, const Data *Dp, EnsFeature *F, const uint8_t *X,
			  const uint32_t *train, uint32_t ntr, const uint32_t *test, uint32_t nte,
			  const uint32_t *val, uint32_t nval, double *pred, uint32_t kk,
			  const EnsAlloc *alp)
{
	const Opts	o = *op;
	const Data	D = *Dp;
	const EnsAlloc al = *alp;
	Run			r;
	int			fails = 0;
	struct rusage ru;
	double		rss0;
	uint32_t	i;

	getrusage(RUSAGE_SELF, &ru);
	rss0 = ru.ru_maxrss / 1024.0;
	Train(&r, &D, F, X, train, ntr, val, nval, &o.P, &al, NULL);
	getrusage(RUSAGE_SELF, &ru);
	if (r.rc != ENS_OK)
	{
		char		msg[256];

		ens_error_print(&r.res.error, msg, sizeof(msg));
		return fprintf(stderr, "train: %s: %s\n", ens_strerror(r.rc), msg), 1;
	}
	fails += CheckLayout(&r.m);
	fails += CheckCovers(&r.m, X, D.p, train, ntr, val, nval);
	if (r.res.rounds_kept == r.res.rounds_run)
		fails += CheckMargins(&r.m, X, D.p, train, ntr, r.res.train_margin, "training");
	if (nval)
		fails += CheckMargins(&r.m, X, D.p, val, nval, r.res.val_margin, "validation");
	if (r.res.rounds_kept == r.res.rounds_run)
		fails += CheckReadMargins(&r.m, (const double *const *) D.cols, X, D.p, train, ntr,
								  r.res.train_margin, &al);

	Evaluate(&r, &D, X, test, nte, pred, kk);
	printf(" train_s=%.3f cpu_s=%.3f peak_mb=%.1f rss_mb=%.1f rss_train_mb=%.1f trees=%u nodes=%u rounds_run=%u rounds_kept=%u best_round=%d threads=%d trees_at_once=%u trees_regrown=%u\n",
		   r.secs, r.cpu, r.res.peak_bytes / 1048576.0, ru.ru_maxrss / 1024.0,
		   ru.ru_maxrss / 1024.0 - rss0, r.m.n_trees, r.m.n_nodes,
		   r.res.rounds_run, r.res.rounds_kept, r.res.best_round, o.P.n_threads,
		   r.res.trees_at_once, r.res.trees_regrown);
	if (r.res.curve)
	{
		printf("curve %s:", r.res.metric);
		for (i = 0; i < r.res.rounds_run; i++)
			if (i < 5 || i + 5 >= r.res.rounds_run || i == (uint32_t) r.res.best_round)
				printf(" %u:%.5f", i, r.res.curve[i]);
		printf("\n");
	}
	if (o.dump)
		Dump(o.dump, &D, X, train, ntr, test, nte, val, nval, pred, kk);
	if (o.model)
		fails += WriteModel(o.model, &r, ntr, nval);

	if (o.check)
	{
		BoostParams P2 = o.P;
		char		ok[96],
					fail[96];

		P2.n_threads = o.P.n_threads == 1 ? 2 : 1;
		snprintf(ok, sizeof(ok), "%d and %d threads give the same model", o.P.n_threads, P2.n_threads);
		snprintf(fail, sizeof(fail), "%d and %d threads give different models", o.P.n_threads, P2.n_threads);
		fails += SameAs(&r, &D, F, X, train, ntr, val, nval, &P2, &al, ok, fail);
		if (o.P.hist != BOOST_HIST_PACKED && o.P.hist != BOOST_HIST_ROWS)
		{
			/* every row added from its bins: what the shortcuts must equal */
			P2 = o.P;
			P2.hist = BOOST_HIST_ROWS;
			fails += SameAs(&r, &D, F, X, train, ntr, val, nval, &P2, &al,
							"the histogram shortcuts give the model of row-by-row adds",
							"the histogram shortcuts (2-byte entries, the root's column sums, marked bins) change the model");
		}
		if (!D.cls && ntr < 65536)
		{
			/* the other kind of histogram (the default is plain on so few rows) */
			P2 = o.P;
			P2.hist = o.P.hist == BOOST_HIST_PACKED ? BOOST_HIST_PLAIN : BOOST_HIST_PACKED;
			fails += SameAs(&r, &D, F, X, train, ntr, val, nval, &P2, &al,
							"packed and plain histograms give the same model",
							"packed and plain histograms give different models");
		}
	}
	FreeRun(&r, &al);
	if (o.oom)
		fails += OomSweep(&D, F, X, train, ntr, val, nval, &o.P);
	return fails;
}

int
main(int argc, char **argv)
{
	Data		D;
	Opts		o;
	uint32_t	cats[64],
				ncat,
				i,
				*train,
				*test,
				*val = NULL,
				ntr,
				nte,
				nval = 0,
				kk;
	EnsFeature *F;
	uint8_t    *X;
	Counter		cnt = {0, 0, -1};
	EnsAlloc	al = {CAlloc, CFree, &cnt};
	double	   *pred;
	int			fails = 0;
	char		msg[256];
	EnsError	err;
	bool		cls;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s FILE.csv cls|reg [options] (see the source)\n", argv[0]);
		return 2;
	}
	cls = strcmp(argv[2], "cls") == 0;
	ParseOpts(argc, argv, &o, cats, &ncat, cls);
	memset(&D, 0, sizeof(D));
	ReadCsv(argv[1], cls, &D);
	o.P.n_classes = D.K;
	if (boost_params_check(&o.P, &err) != ENS_OK)
		return ens_error_print(&err, msg, sizeof(msg)), fprintf(stderr, "parameters: %s\n", msg), 2;
	F = calloc(D.p, sizeof(EnsFeature));
	D.is_cat = calloc(D.p, sizeof(bool));
	for (i = 0; i < D.p; i++)
	{
		F[i].name = D.names[i];
		F[i].name_len = strlen(D.names[i]);
		F[i].kind = ENS_NUMERIC;
	}
	for (i = 0; i < ncat; i++)
		MakeCategorical(&D, cats[i], &F[cats[i]]);

	if (ens_split_rows(D.cls, D.K, D.n, o.test, o.P.seed, &ens_malloc_allocator,
					   &train, &ntr, &test, &nte) != ENS_OK)
		return 2;
	if (ens_bin_columns_by((const double *const *) D.cols, D.n, D.p, F, train, ntr,
						   o.P.seed, o.sketch ? ENS_BINS_SKETCH : ENS_BINS_EQUAL_COUNT,
						   &ens_malloc_allocator, NULL, NULL, NULL, &X) != ENS_OK)
		return 2;
	if (o.sketch)
		fails += CheckSketchBins(&D, F);
	if (o.val > 0)
		SplitValidation(&D, &train, &ntr, o.val, o.P.seed, &val, &nval);
	fprintf(stderr, "%u rows x %u features, train %u, validation %u, test %u\n",
			D.n, D.p, ntr, nval, nte);
	kk = cls ? D.K : 1;
	pred = malloc(((size_t) nte * kk + 1) * sizeof(double));
	if (o.cancel > 0)
		fails += CancelCheck(&D, F, X, train, ntr, &o.P, o.cancel);
	else
		fails += TrainAndCheck(&o, &D, F, X, train, ntr, test, nte, val, nval, pred, kk, &al);

	if (cnt.live != 0)
		fails += fprintf(stderr, "FAIL %ld blocks left allocated\n", cnt.live) > 0;

	for (i = 0; i < D.p; i++)
	{
		free(D.cols[i]);
		free(D.names[i]);
		free(F[i].edges);
		if (F[i].cats)
		{
			uint32_t	c;

			for (c = 0; c < F[i].n_bins; c++)
				free((void *) F[i].cats[c]);
			free(F[i].cats);
			free(F[i].cat_len);
		}
	}
	for (i = 0; i < D.K; i++)
		free(D.labels[i]);
	free(D.labels);
	free(D.cols);
	free(D.names);
	free(D.y);
	free(D.cls);
	free(D.is_cat);
	free(F);
	free(X);
	free(train);
	free(test);
	free(val);
	free(pred);
	if (fails)
		fprintf(stderr, "%d check(s) failed\n", fails);
	return fails ? 1 : 0;
}
