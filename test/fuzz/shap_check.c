/*
 * shap_check.c - PG-free check of the TreeSHAP engine (ensemble_shap.c)
 * against brute force, and of the optional model sections.
 *
 *   shap_check                 small models, brute force (exit 1 on a failure)
 *   shap_check FILE.csv cls|reg [forest|boost] [trees] [depth]
 *                              additivity and speed on a CSV file (the
 *                              format of engine_check; last column target)
 *
 * Brute force: for small models (M <= 10 features, numeric with missing
 * values and categorical ones) the value of every one of the 2^M
 * coalitions S is the trees' conditional expectation given x_S, computed
 * by recursion over the nodes with the covers read straight from the
 * model (a split on a feature in S follows the row; any other split
 * averages its children weighted by their covers), and phi_i is the
 * Shapley sum over coalitions.  The engine must agree to 1e-9 for forests
 * (classification and regression) and boosted models (logistic, softmax,
 * squared error), for rows with missing values, after a byte round trip
 * of the model with its sections, and without covers (equal weights).
 * The sum of the contributions plus the base value must be the model's
 * output (the forest's mean class share or value, the boosted margin), and
 * the base value the mean output over the training rows.  Model bytes with
 * tampered covers (and a fixed-up checksum) must not parse.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/boost.h"
#include "../../src/ensemble_shap_int.h"
#include "model_check.h"

static int failures = 0;

static uint64_t
Rand(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + 1442695040888963407u;
	return *s >> 33;
}

static double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds of this process: a loaded machine's waits do not count */
static double
Cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---------- brute force ---------- */

/* E[tree | x_S] by recursion; equal: ignore the covers */
static double
CondExp(const EnsModel *m, uint32_t i, const uint8_t *xb, uint32_t S, uint32_t k, bool equal)
{
	EnsNode		nd = m->nodes[i];
	uint32_t	l;

	if (nd.flags & FN_LEAF)
	{
		float		v;

		if (m->algorithm == ENS_FOREST && m->task == ENS_CLASSIFICATION)
			return (nd.flags & FN_PURE) ? (nd.a == k) : m->leafv[nd.a + k];
		memcpy(&v, &nd.a, 4);
		return v;
	}
	l = (nd.flags & FN_CAT) ? m->cats[nd.a].child : nd.a;
	if ((S >> nd.feature) & 1)
	{
		uint32_t	b = xb[nd.feature];
		bool		left = b == ENS_MISSING ? (nd.flags & FN_DEFLEFT) != 0 :
			(nd.flags & FN_CAT) ? (m->cats[nd.a].bits[b >> 5] >> (b & 31)) & 1 : b <= nd.bin;

		return CondExp(m, left ? l : l + 1, xb, S, k, equal);
	}
	if (equal)
		return 0.5 * CondExp(m, l, xb, S, k, equal) + 0.5 * CondExp(m, l + 1, xb, S, k, equal);
	{
		double		cl = m->ext->cover[l],
					cr = m->ext->cover[l + 1];

		return (cl * CondExp(m, l, xb, S, k, equal) + cr * CondExp(m, l + 1, xb, S, k, equal)) /
			(cl + cr);
	}
}

/* v(S) for output k, as ensemble_shap.c defines outputs */
static double
Value(const EnsModel *m, const uint8_t *xb, uint32_t S, uint32_t k, bool equal)
{
	uint32_t	t,
				step = 1,
				first = 0;
	double		scale = 1,
				sum = 0;

	if (m->algorithm == ENS_FOREST)
		scale = 1.0 / m->n_trees;
	else if (m->objective == ENS_OBJ_SOFTMAX)
		step = m->n_outputs, first = k;
	else if (m->objective == ENS_OBJ_LOGISTIC && k == 0)
		scale = -1;
	for (t = first; t < m->n_trees; t += step)
		sum += CondExp(m, m->tree_node[t], xb, S, m->algorithm == ENS_BOOST ? 0 : k, equal);
	sum *= scale;
	if (m->algorithm == ENS_BOOST)
		sum += m->objective == ENS_OBJ_LOGISTIC ? scale * m->base_score[0] :
			m->base_score[m->objective == ENS_OBJ_SOFTMAX ? k : 0];
	return sum;
}

static void
BruteShapley(const EnsModel *m, const uint8_t *xb, uint32_t k, bool equal, double *phi)
{
	uint32_t	M = m->n_features,
				S,
				i;
	double	   *v = malloc(sizeof(double) << M),
				fact[16];

	fact[0] = 1;
	for (i = 1; i < 16; i++)
		fact[i] = fact[i - 1] * i;
	for (S = 0; S < (1u << M); S++)
		v[S] = Value(m, xb, S, k, equal);
	for (i = 0; i < M; i++)
	{
		phi[i] = 0;
		for (S = 0; S < (1u << M); S++)
		{
			uint32_t	s = (uint32_t) __builtin_popcount(S);

			if ((S >> i) & 1)
				continue;
			phi[i] += fact[s] * fact[M - s - 1] / fact[M] * (v[S | (1u << i)] - v[S]);
		}
	}
	free(v);
}

/* ---------- small models ---------- */

typedef struct Data
{
	uint32_t	n,
				M;
	double	  **cols;
	double	   *y;
	uint32_t   *cls;
	EnsFeature *F;
	uint8_t    *X;
} Data;

static const char *cats[] = {"a", "b", "c", "d", "e"};
static uint32_t cat_len[] = {1, 1, 1, 1, 1};

static void
MakeData(Data *D, uint32_t n, uint32_t M, uint64_t seed)
{
	uint32_t	i,
				f;
	uint64_t	s = seed;

	D->n = n;
	D->M = M;
	D->cols = calloc(M, sizeof(double *));
	D->y = malloc(sizeof(double) * n);
	D->cls = malloc(sizeof(uint32_t) * n);
	D->F = calloc(M, sizeof(EnsFeature));
	for (f = 0; f < M; f++)
	{
		char	   *nm = malloc(8);

		snprintf(nm, 8, "f%u", f);
		D->F[f].name = nm;
		D->F[f].name_len = strlen(nm);
		D->F[f].kind = f % 4 == 3 ? ENS_CATEGORICAL : ENS_NUMERIC;
		if (D->F[f].kind == ENS_CATEGORICAL)
		{
			D->F[f].n_bins = 5;
			D->F[f].cats = cats;
			D->F[f].cat_len = cat_len;
		}
		D->cols[f] = malloc(sizeof(double) * n);
	}
	for (i = 0; i < n; i++)
	{
		double		z = 0;

		for (f = 0; f < M; f++)
		{
			double		v = D->F[f].kind == ENS_CATEGORICAL ? (double) (Rand(&s) % 5) :
				(double) (Rand(&s) % 1000) / 100.0;

			if (Rand(&s) % 9 == 0)
				v = NAN;
			D->cols[f][i] = v;
			if (!isnan(v))
				z += (f % 3 == 0 ? 1 : -0.5) * (D->F[f].kind == ENS_CATEGORICAL ? (v == 2) * 5 : v);
		}
		z += (double) (Rand(&s) % 100) / 25.0;
		D->y[i] = z;
		D->cls[i] = z < -2 ? 0 : z < 3 ? 1 : 2;
	}
	if (ens_bin_columns((const double *const *) D->cols, n, M, D->F, NULL, 0, 1,
						&ens_malloc_allocator, NULL, NULL, NULL, &D->X) != ENS_OK)
		exit(2);
}

static void
FreeData(Data *D)
{
	uint32_t	f;

	for (f = 0; f < D->M; f++)
	{
		free(D->cols[f]);
		free((void *) D->F[f].name);
		free(D->F[f].edges);
	}
	free(D->cols);
	free(D->F);
	free(D->y);
	free(D->cls);
	free(D->X);
}

static const char *class_names[] = {"c0", "c1", "c2"};
static uint32_t class_lens[] = {2, 2, 2};

/* kind: 0 forest cls, 1 forest reg, 2 boost logistic, 3 boost softmax, 4 boost squared */
static EnsStatus
Train(EnsModel *m, Data *D, int kind, uint32_t trees, int depth, uint64_t seed)
{
	const EnsAlloc *al = &ens_malloc_allocator;
	EnsData		d;
	uint32_t	i,
				K = kind == 2 ? 2 : 3;

	memset(m, 0, sizeof(*m));
	memset(&d, 0, sizeof(d));
	m->n_features = D->M;
	m->features = D->F;
	m->task = kind == 1 || kind == 4 ? ENS_REGRESSION : ENS_CLASSIFICATION;
	m->algorithm = kind < 2 ? ENS_FOREST : ENS_BOOST;
	if (m->task == ENS_CLASSIFICATION)
	{
		m->n_classes = K;
		m->classes = class_names;
		m->class_len = class_lens;
		if (K == 2)
			for (i = 0; i < D->n; i++)
				D->cls[i] = D->cls[i] == 2;
	}
	d.n_rows = d.n_use = D->n;
	d.n_features = D->M;
	d.X = D->X;
	d.cls = D->cls;
	d.y = D->y;
	if (kind < 2)
	{
		ForestParams fp;

		forest_params_default(&fp);
		fp.task = m->task;
		fp.n_classes = m->n_classes;
		fp.n_trees = (int) trees;
		fp.max_depth = depth;
		fp.seed = seed;
		fp.n_threads = 1;
		return forest_train(m, &d, &fp, al, NULL, NULL, NULL, NULL);
	}
	{
		BoostParams bp;
		BoostResult res;
		EnsStatus	rc;

		boost_params_default(&bp);
		bp.task = m->task;
		bp.n_classes = m->n_classes;
		bp.n_rounds = (int) trees;
		bp.max_depth = depth;
		bp.seed = seed;
		bp.n_threads = 1;
		bp.learning_rate = 0.3;
		memset(&res, 0, sizeof(res));
		rc = boost_train(m, &d, NULL, 0, &bp, al, NULL, NULL, &res);
		boost_result_free(&res, al);
		return rc;
	}
}

/* one output of one row: engine vs brute force, and additivity */
static double
CheckRow(EnsShap *sh, const EnsModel *m, const uint8_t *xb, uint32_t k, bool equal)
{
	double		phi[16],
				bf[16],
				out[16],
				sum = ens_shap_base(sh, k),
				err = 0,
				want;
	uint32_t	i;

	if (ens_shap_row(sh, xb, k, phi, NULL, NULL) != ENS_OK)
	{
		failures++;
		return 1;
	}
	BruteShapley(m, xb, k, equal, bf);
	for (i = 0; i < m->n_features; i++)
	{
		sum += phi[i];
		if (fabs(phi[i] - bf[i]) > err)
			err = fabs(phi[i] - bf[i]);
	}
	/* the base value is v(empty) and the output is v(everything) */
	if (fabs(ens_shap_base(sh, k) - Value(m, xb, 0, k, equal)) > err)
		err = fabs(ens_shap_base(sh, k) - Value(m, xb, 0, k, equal));
	if (m->algorithm == ENS_BOOST)
	{
		ens_predict_margin(m, xb, out);
		want = m->objective == ENS_OBJ_SOFTMAX ? out[k] :
			m->objective == ENS_OBJ_LOGISTIC && k == 0 ? -out[0] : out[0];
	}
	else
	{
		ens_predict_raw(m, xb, out);
		want = out[m->task == ENS_CLASSIFICATION ? k : 0];
	}
	if (fabs(sum - want) > err)
		err = fabs(sum - want);
	return err;
}

static double
CheckModel2(const EnsModel *m, bool equal, uint32_t rows_from, const uint8_t *X, uint32_t nrows)
{
	EnsShap    *sh;
	uint32_t	r,
				k,
				kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1;
	double		worst = 0;

	if (ens_shap_plan(m, &ens_malloc_allocator, 0, NULL, NULL, &sh) != ENS_OK)
	{
		failures++;
		return 1;
	}
	for (r = rows_from; r < rows_from + nrows; r++)
		for (k = 0; k < kk; k++)
		{
			double		e = CheckRow(sh, m, X + (size_t) r * m->n_features, k, equal);

			if (e > worst)
				worst = e;
		}
	ens_shap_free(sh);
	return worst;
}

/*
 * The base value is the mean output over the training rows (the covers
 * count exactly those rows); worst difference over the outputs.
 */
static double
BaseIsTrainingMean(const EnsModel *m, const uint8_t *X, uint32_t ntrain)
{
	EnsShap    *sh;
	uint32_t	kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1,
				k,
				r;
	double		worst = 0;

	if (ens_shap_plan(m, &ens_malloc_allocator, 0, NULL, NULL, &sh) != ENS_OK)
		return 1;
	for (k = 0; k < kk; k++)
	{
		double		mean = 0;

		for (r = 0; r < ntrain; r++)
			mean += Value(m, X + (size_t) r * m->n_features, (1u << m->n_features) - 1, k, false);
		mean /= ntrain;
		if (fabs(mean - ens_shap_base(sh, k)) > worst)
			worst = fabs(mean - ens_shap_base(sh, k));
	}
	ens_shap_free(sh);
	return worst;
}

/*
 * The path tables of a model whose trees all get them (one quad of points)
 * take exactly what their compact arrays hold, counted here from the tree
 * shapes: per step (a node, less a twin's two leaves) its four vectors and
 * its TabStep, per twin (a split of two leaves; none in forest classes) its
 * four vectors and a value.  The cap counts that size: at twice it the plan
 * keeps its tables, one byte less drops them, and nothing else.
 */
static bool
TablesTakeWhatTheyHold(const EnsModel *m)
{
	EnsShap    *sh;
	uint64_t	steps = 0,
				twins = 0,
				tables;
	size_t		all,
				kept = 0,
				dropped = 0;
	uint32_t	c;
	bool		ok;

	for (c = 0; c < m->n_nodes; c++)
	{
		uint32_t	l;

		steps++;
		if ((m->nodes[c].flags & FN_LEAF) || (m->algorithm == ENS_FOREST && m->task == ENS_CLASSIFICATION))
			continue;
		l = ens_node_child(m, m->nodes[c]);
		if ((m->nodes[l].flags & FN_LEAF) && (m->nodes[l + 1].flags & FN_LEAF))
		{
			twins++;
			steps -= 2;
		}
	}
	tables = steps * (4 * sizeof(V4) + sizeof(TabStep)) + twins * (4 * sizeof(V4) + sizeof(double));
	if (ens_shap_plan(m, &ens_malloc_allocator, 0, NULL, NULL, &sh) != ENS_OK)
		return false;
	all = ens_shap_bytes(sh);
	ens_shap_free(sh);
	ok = ens_shap_plan(m, &ens_malloc_allocator, 2 * tables, NULL, NULL, &sh) == ENS_OK;
	if (ok)
	{
		kept = ens_shap_bytes(sh);
		ens_shap_free(sh);
	}
	ok = ok && ens_shap_plan(m, &ens_malloc_allocator, 2 * tables - 1, NULL, NULL, &sh) == ENS_OK;
	if (ok)
	{
		dropped = ens_shap_bytes(sh);
		ens_shap_free(sh);
	}
	if (!ok || kept != all || dropped + tables != all)
		printf("plan %zu bytes, tables counted %llu: under a cap of %llu %zu bytes, of one less %zu\n",
			   all, (unsigned long long) tables, (unsigned long long) (2 * tables), kept, dropped);
	return ok && kept == all && dropped + tables == all;
}

/*
 * Bytes whose covers were tampered with (a bit of the first leaf's, then of
 * one in the middle, so a root no longer counts the training rows), with a
 * recomputed checksum, must not parse.
 */
static bool
TamperedCoversRejected(const uint8_t *buf, size_t len, const EnsModel *m)
{
	size_t		cover_at = len - 4 - ens_ext_size(m) + 8,
				cover_len = (size_t) (buf[cover_at - 4] | buf[cover_at - 3] << 8);
	uint8_t    *copy = malloc(len);
	EnsModel   *bad;
	int			which;
	bool		ok = true;

	for (which = 0; which < 2; which++)
	{
		size_t		at = cover_at + (which == 0 ? 0 : cover_len / 2);
		uint32_t	crc;

		memcpy(copy, buf, len);
		copy[at] ^= 1;
		crc = ens_crc32c(0, copy, len - 4);
		copy[len - 4] = (uint8_t) crc;
		copy[len - 3] = (uint8_t) (crc >> 8);
		copy[len - 2] = (uint8_t) (crc >> 16);
		copy[len - 1] = (uint8_t) (crc >> 24);
		if (ens_deserialize(copy, len, &ens_malloc_allocator, &bad, NULL) == ENS_OK)
		{
			ens_model_free(bad, &ens_malloc_allocator);
			ok = false;
		}
	}
	free(copy);
	return ok;
}

static void
SmallModels(void)
{
	static const char *kinds[] = {"forest cls", "forest reg", "boost logistic", "boost softmax",
	"boost squared", "forest cls deep", "forest reg deep"};
	int			kind;
	uint32_t	M;

	/*
	 * The deep forests (M = 10, no depth limit) have paths of 8 or more
	 * distinct features: two quads of points, walked without tables.
	 */
	for (kind = 0; kind < 7; kind++)
		for (M = kind < 5 ? 2 : 10; M <= 10; M += 4)
		{
			int			tk = kind < 5 ? kind : kind - 5,
						depth = kind >= 5 ? 0 : tk < 2 ? (M > 6 ? 6 : 0) : 4;
			Data		D;
			EnsModel	m;
			EnsModel   *m2;
			uint8_t    *b1,
					   *b2;
			size_t		l1,
						l2;
			EnsError	why = {0};
			char		detail[256];
			uint32_t   *rows = malloc(sizeof(uint32_t) * 400),
						i;
			double		e1,
						e2,
						e3,
						e4;
			bool		tampered,
						exact;
			const EnsAlloc *al = &ens_malloc_allocator;

			MakeData(&D, 400, M, 11 + M * 7 + kind);
			if (Train(&m, &D, tk, tk < 2 ? 7 : 4, depth, 5) != ENS_OK)
			{
				printf("FAIL %s M=%u: training\n", kinds[kind], M);
				failures++;
				continue;
			}
			for (i = 0; i < 300; i++)
				rows[i] = i;
			for (i = 300; i < 400; i++)
				rows[i] = i;
			if (ens_profile_model(&m, D.X, M, rows, 300,
								  m.task == ENS_CLASSIFICATION ? D.cls : NULL,
								  rows + 300, 100, NULL, NULL, NULL, al, NULL, NULL) != ENS_OK ||
				ens_serialize(&m, al, 0, &b1, &l1) != ENS_OK ||
				ens_deserialize(b1, l1, al, &m2, &why) != ENS_OK ||
				ens_serialize(m2, al, 0, &b2, &l2) != ENS_OK || l1 != l2 || memcmp(b1, b2, l1) != 0)
			{
				ens_error_text(&why, detail, sizeof(detail));
				printf("FAIL %s M=%u: sections do not round trip (%s)\n", kinds[kind], M, detail);
				failures++;
				continue;
			}
			CheckModel(m2);
			e1 = CheckModel2(&m, false, 280, D.X, 40);
			e2 = CheckModel2(m2, false, 280, D.X, 40);
			{
				EnsModel	bare = *m2;

				bare.ext = NULL;
				e3 = CheckModel2(&bare, true, 0, D.X, 30);
			}
			e4 = BaseIsTrainingMean(m2, D.X, 300);
			tampered = TamperedCoversRejected(b1, l1, &m);
			/* every tree but the deep forests' has one quad: tables */
			exact = kind >= 5 || TablesTakeWhatTheyHold(m2);
			printf("%s %-14s M=%-2u trees=%-3u nodes=%-5u max error %.2e (parsed %.2e, no cover %.2e), "
				   "base - training mean %.2e, tampered covers %s%s\n",
				   e1 > 1e-9 || e2 > 1e-9 || e3 > 1e-9 || e4 > 1e-9 || !tampered || !exact ? "FAIL" : "ok  ",
				   kinds[kind], M, m.n_trees, m.n_nodes, e1, e2, e3, e4,
				   tampered ? "rejected" : "ACCEPTED", kind >= 5 ? "" : exact ? ", tables exact" : ", tables NOT EXACT");
			if (e1 > 1e-9 || e2 > 1e-9 || e3 > 1e-9 || e4 > 1e-9 || !tampered || !exact)
				failures++;
			ens_model_free(m2, al);
			ens_model_free(&m, al);
			free(b1);
			free(b2);
			free(rows);
			FreeData(&D);
		}
}

/* ---------- a CSV file: additivity and speed ---------- */

/* explains the test rows; returns the worst additivity error */
static double
ExplainRows(const EnsModel *m, EnsShap *sh, const uint8_t *X, const uint32_t *test, uint32_t nte,
			bool cls, uint32_t K, double *phi)
{
	uint32_t	p = m->n_features,
				i,
				f;
	double		worst = 0;

	for (i = 0; i < nte; i++)
	{
		const uint8_t *xb = X + (size_t) test[i] * p;
		double		out[64],
					sum,
					want;
		uint32_t	k = 0;

		if (m->algorithm == ENS_BOOST)
			ens_predict_margin(m, xb, out);
		else
			ens_predict_raw(m, xb, out);
		if (cls && (m->algorithm == ENS_FOREST || m->objective == ENS_OBJ_SOFTMAX))
			k = ens_argmax(out, K);
		ens_shap_row(sh, xb, k, phi, NULL, NULL);
		sum = ens_shap_base(sh, k);
		for (f = 0; f < p; f++)
			sum += phi[f];
		want = m->objective == ENS_OBJ_LOGISTIC && k == 0 ? -out[0] : out[k];
		if (fabs(sum - want) > worst)
			worst = fabs(sum - want);
	}
	return worst;
}

static int
CsvRun(int argc, char **argv)
{
	FILE	   *fp = fopen(argv[1], "r");
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		len;
	uint32_t	p = 0,
				n = 0,
				ncap = 1024,
				i,
				f,
				K = 0,
				ntr,
				nte,
				*train,
				*test;
	double	  **cols,
			   *target;
	bool		cls = strcmp(argv[2], "cls") == 0,
				boost = argc > 3 && strcmp(argv[3], "boost") == 0;
	uint32_t	trees = argc > 4 ? (uint32_t) atoi(argv[4]) : (boost ? 300 : 100);
	int			depth = argc > 5 ? atoi(argv[5]) : (boost ? 6 : 0);
	Data		D;
	EnsModel	m;
	EnsShap    *sh;
	const EnsAlloc *al = &ens_malloc_allocator;
	double		t0,
				c0,
				worst = 0,
				best_cpu = INFINITY,
				best_wall = 0,
				*phi;

	if (!fp || (len = getline(&line, &cap, fp)) <= 0)
		return 2;
	for (i = 0; i < (uint32_t) len; i++)
		p += line[i] == ',';
	cols = calloc(p, sizeof(double *));
	for (f = 0; f < p; f++)
		cols[f] = malloc(ncap * sizeof(double));
	target = malloc(ncap * sizeof(double));
	while ((len = getline(&line, &cap, fp)) > 0)
	{
		char	   *s = line;

		if (n == ncap)
		{
			ncap *= 2;
			for (f = 0; f < p; f++)
				cols[f] = realloc(cols[f], ncap * sizeof(double));
			target = realloc(target, ncap * sizeof(double));
		}
		for (f = 0; f <= p; f++)
		{
			char	   *end;
			double		v = NAN;

			if (!(*s == ',' || *s == '\n' || *s == '\r' || *s == 0))
				v = strtod(s, &end), s = end;
			if (f < p)
				cols[f][n] = v;
			else
				target[n] = v;
			if (*s == ',')
				s++;
		}
		n++;
	}
	fclose(fp);
	free(line);
	memset(&D, 0, sizeof(D));
	D.n = n;
	D.M = p;
	D.cols = cols;
	D.y = target;
	D.cls = malloc(sizeof(uint32_t) * n);
	D.F = calloc(p, sizeof(EnsFeature));
	for (f = 0; f < p; f++)
	{
		char	   *nm = malloc(16);

		snprintf(nm, 16, "f%u", f);
		D.F[f].name = nm;
		D.F[f].name_len = strlen(nm);
		D.F[f].kind = ENS_NUMERIC;
	}
	for (i = 0; i < n; i++)
		if (cls && (D.cls[i] = (uint32_t) target[i]) + 1 > K)
			K = D.cls[i] + 1;
	if (ens_split_rows(cls ? D.cls : NULL, K, n, 0.2, 42, al, &train, &ntr, &test, &nte) ||
		ens_bin_columns((const double *const *) cols, n, p, D.F, train, ntr, 42, al, NULL, NULL, NULL, &D.X))
		return 2;
	t0 = Now();
	{
		EnsData		d;

		memset(&m, 0, sizeof(m));
		m.task = cls ? ENS_CLASSIFICATION : ENS_REGRESSION;
		m.algorithm = boost ? ENS_BOOST : ENS_FOREST;
		m.n_features = p;
		m.n_classes = cls ? K : 0;
		m.features = D.F;
		m.classes = class_names;
		m.class_len = class_lens;
		memset(&d, 0, sizeof(d));
		d.n_rows = n;
		d.n_features = p;
		d.X = D.X;
		d.cls = D.cls;
		d.y = target;
		d.rows = train;
		d.n_use = ntr;
		if (boost)
		{
			BoostParams bp;
			BoostResult res;

			boost_params_default(&bp);
			bp.task = m.task;
			bp.n_classes = m.n_classes;
			bp.n_rounds = (int) trees;
			bp.max_depth = depth;
			bp.n_threads = 1;
			memset(&res, 0, sizeof(res));
			if (boost_train(&m, &d, NULL, 0, &bp, al, NULL, NULL, &res) != ENS_OK)
				return 2;
			boost_result_free(&res, al);
		}
		else
		{
			ForestParams fp;

			forest_params_default(&fp);
			fp.task = m.task;
			fp.n_classes = m.n_classes;
			fp.n_trees = (int) trees;
			fp.max_depth = depth;
			fp.n_threads = 1;
			if (forest_train(&m, &d, &fp, al, NULL, NULL, NULL, NULL) != ENS_OK)
				return 2;
		}
	}
	printf("trained %u trees, %u nodes in %.2fs\n", m.n_trees, m.n_nodes, Now() - t0);
	t0 = Now();
	if (ens_profile_model(&m, D.X, p, train, ntr, cls ? D.cls : NULL, test, nte, NULL, NULL, NULL, al, NULL, NULL))
		return 2;
	printf("profile (covers, histograms) %.3fs\n", Now() - t0);
	t0 = Now();
	if (ens_shap_plan(&m, al, 0, NULL, NULL, &sh) != ENS_OK)
		return 2;
	printf("plan %.3fs, %.1f MB\n", Now() - t0, ens_shap_bytes(sh) / 1e6);
	phi = malloc(sizeof(double) * p);
	/* best of three: the machine is shared */
	for (i = 0; i < 3; i++)
	{
		t0 = Now();
		c0 = Cpu();
		worst = ExplainRows(&m, sh, D.X, test, nte, cls, K, phi);
		if (Cpu() - c0 < best_cpu)
			best_cpu = Cpu() - c0, best_wall = Now() - t0;
	}
	printf("explained %u rows in %.3fs, %.3fs CPU (%.0f rows per CPU second, best of 3), worst additivity error %.2e\n",
		   nte, best_wall, best_cpu, nte / best_cpu, worst);
	ens_shap_free(sh);
	return worst > 1e-9;
}

int
main(int argc, char **argv)
{
	if (argc > 2)
		return CsvRun(argc, argv);
	SmallModels();
	printf(failures ? "shap_check: %d FAILURES\n" : "shap_check: all passed\n", failures);
	return failures != 0;
}
