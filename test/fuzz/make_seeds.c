/*
 * make_seeds.c - writes seed models for the fuzz corpus, one of each shape
 * the reader accepts, trained by the engine on generated rows:
 *
 *   forest_cls_text.bin    3 classes, numeric + categorical (text codebook), NaNs
 *   forest_cls_hashed.bin  the same with a hashed codebook
 *   forest_reg.bin         regression with a categorical feature
 *   forest_reg_dag.bin     the same with two splits of its first tree sharing
 *                          children (a DAG, refused by the reader)
 *   forest_reg_orphan.bin  the same with a split of its first tree made a
 *                          leaf, so no split leads to its children (refused)
 *   boost_reg.bin          boosted layout (squared error): value leaves, base score
 *   boost_softmax.bin      boosted layout, 3 classes (softmax): trees % 3 == 0
 *   *_sections.bin         the same with the optional sections: covers,
 *                          class counts, histograms, output histogram, and
 *                          (classification) a calibrator (isotonic for the
 *                          forest, sigmoid for the boosted layout) and a
 *                          decision threshold
 *
 * The boosted seeds reuse regression trees under the boosted header, which
 * is what the reader validates; seeds from the boosting trainer itself are
 * added by test/fuzz/run.sh when it builds them.
 *
 *   make_seeds OUTDIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble.h"

#define N 600
#define P 3

static const char *colours[] = {"blue", "green", "red", "teal", "violet"};

static void
Write(const char *dir, const char *name, const EnsModel *m)
{
	uint8_t    *buf;
	size_t		len;
	char		path[4096];
	FILE	   *f;

	if (ens_serialize(m, &ens_malloc_allocator, 0, &buf, &len) != ENS_OK)
		exit(1);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
	free(buf);
}

/*
 * Covers and histograms from rows 0..449, outputs of rows 450..599; for
 * classification a calibrator fitted on rows 450..599 and a threshold.
 */
/*
 * Tree 0 of m, forged (numeric splits only; restored before returning):
 * dag, the later of two splits i < j (j before i's children) takes i's
 * children; else a split whose children are leaves made a leaf.  Both keep
 * every child in range and forward: only the tree check refuses them.
 */
static void
WriteForgedTree(const char *dir, const char *name, EnsModel *m, bool dag)
{
	uint32_t	ne = m->tree_node[1],
				i,
				j;

	for (i = 0; i < ne; i++)
	{
		EnsNode		ni = m->nodes[i];

		if (ni.flags & (FN_LEAF | FN_CAT))
			continue;
		for (j = dag ? i + 1 : i; j < (dag ? ni.a : i + 1); j++)
		{
			EnsNode		nj = m->nodes[j];
			float		v = 1.0f;

			if (nj.flags & (FN_LEAF | FN_CAT))
				continue;
			if (!dag && !((m->nodes[nj.a].flags & FN_LEAF) && (m->nodes[nj.a + 1].flags & FN_LEAF)))
				continue;
			if (dag)
				m->nodes[j].a = ni.a;
			else
			{
				memset(&m->nodes[j], 0, sizeof(EnsNode));
				memcpy(&m->nodes[j].a, &v, sizeof(v));
				m->nodes[j].flags = FN_LEAF;
			}
			Write(dir, name, m);
			m->nodes[j] = nj;
			return;
		}
	}
	fprintf(stderr, "make_seeds: no split to forge %s from\n", name);
	exit(1);
}

static void
AddSections(EnsModel *m, const uint8_t *X, const uint32_t *ycls, int method)
{
	const EnsAlloc *al = &ens_malloc_allocator;
	uint32_t	rows[N],
				i,
				k,
				K = m->n_classes,
				ncal = K == 2 ? 1 : K;
	EnsCalib   *c;
	double	   *raw,
			   *s;
	uint8_t    *y;

	for (i = 0; i < N; i++)
		rows[i] = i;
	if (ens_profile_model(m, X, P, rows, 450, m->task == ENS_CLASSIFICATION ? ycls : NULL,
						  rows + 450, N - 450, NULL, NULL, NULL, al, NULL, NULL) != ENS_OK)
		exit(1);
	if (m->task != ENS_CLASSIFICATION)
		return;
	raw = malloc(sizeof(double) * N * K);
	s = malloc(sizeof(double) * N);
	y = malloc(N);
	for (i = 450; i < N; i++)
		ens_predict_raw(m, X + (size_t) i * P, raw + (size_t) i * K);
	c = &m->ext->cal;
	c->method = (uint8_t) method;
	c->n = ncal;
	c->ab = ens_ext_alloc(m->ext, al, sizeof(double) * 2 * ncal);
	c->off = ens_ext_alloc(m->ext, al, sizeof(uint32_t) * (ncal + 1));
	c->kx = ens_ext_alloc(m->ext, al, sizeof(double) * ncal * N);
	c->ky = ens_ext_alloc(m->ext, al, sizeof(double) * ncal * N);
	for (k = 0; k < ncal; k++)
	{
		uint32_t	kk = K == 2 ? 1 : k,
					nk;

		for (i = 450; i < N; i++)
		{
			s[i - 450] = raw[(size_t) i * K + kk];
			y[i - 450] = ycls[i] == kk;
		}
		if (method == ENS_CAL_SIGMOID)
		{
			if (ens_sigmoid_fit(s, y, N - 450, ENS_SIGMOID_LOG_ODDS(m), al, &c->ab[2 * k], &c->ab[2 * k + 1]) != ENS_OK)
				exit(1);
			continue;
		}
		if (ens_isotonic_fit(s, y, N - 450, al, NULL, NULL, c->kx + c->off[k], c->ky + c->off[k], &nk) != ENS_OK)
			exit(1);
		c->off[k + 1] = c->off[k] + nk;
	}
	m->ext->has_threshold = true;
	m->ext->thr_class = K - 1;
	m->ext->threshold = 0.375;
	free(raw);
	free(s);
	free(y);
}

static uint64_t
Rand(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + 1442695040888963407u;
	return *s >> 33;
}

int
main(int argc, char **argv)
{
	const EnsAlloc *al = &ens_malloc_allocator;
	double	   *cols[P],
				y[N];
	uint32_t	ycls[N],
				i,
				f;
	uint64_t	s = 7;
	EnsFeature	F[P];
	EnsModel	m;
	EnsData		d;
	ForestParams fp;
	uint8_t    *X;
	const char *classes[3] = {"dropout", "enrolled", "graduate"};
	uint32_t	class_len[3] = {7, 8, 8};
	uint32_t	cat_len[5];
	double		base[3] = {0.25, -0.5, 0.1};
	uint64_t	hsorted[5];
	uint8_t		hcode[5];
	int			hashed;

	if (argc != 2)
		return fprintf(stderr, "usage: make_seeds OUTDIR\n"), 2;
	for (f = 0; f < P; f++)
		cols[f] = malloc(sizeof(double) * N);
	for (i = 0; i < N; i++)
	{
		cols[0][i] = Rand(&s) % 10 == 0 ? NAN : (double) (Rand(&s) % 1000) / 100;
		cols[1][i] = Rand(&s) % 8 == 0 ? NAN : (double) (Rand(&s) % 5);
		cols[2][i] = (double) (Rand(&s) % 2);
		ycls[i] = (uint32_t) ((isnan(cols[0][i]) ? 0 : (int) cols[0][i] / 4) +
							  (cols[1][i] == 2 ? 1 : 0)) % 3;
		y[i] = (isnan(cols[0][i]) ? 1 : cols[0][i]) * (cols[1][i] == 3 ? 2 : 1) + cols[2][i];
	}
	for (f = 0; f < 5; f++)
		cat_len[f] = strlen(colours[f]);

	for (hashed = 0; hashed <= 1; hashed++)
	{
		memset(F, 0, sizeof(F));
		F[0].name = "score";
		F[1].name = "colour";
		F[2].name = "flag";
		for (f = 0; f < P; f++)
		{
			F[f].name_len = strlen(F[f].name);
			F[f].kind = f == 1 ? ENS_CATEGORICAL : ENS_NUMERIC;
		}
		F[1].n_bins = 5;
		if (hashed)
		{
			uint64_t   *h = malloc(sizeof(uint64_t) * 5);

			F[1].hashed = true;
			F[1].salt[0] = 11;
			F[1].salt[1] = 13;
			/* codes in the categories' byte order (colours is sorted) */
			for (f = 0; f < 5; f++)
				h[f] = ens_siphash(11, 13, colours[f], cat_len[f]);
			F[1].cat_hash = h;
			if (!ens_hash_index(&F[1], hsorted, hcode))
				return 1;
		}
		else
		{
			F[1].cats = colours;
			F[1].cat_len = cat_len;
		}
		if (ens_bin_columns((const double *const *) cols, N, P, F, NULL, 0, 1, al, NULL, NULL, NULL, &X))
			return 1;

		memset(&m, 0, sizeof(m));
		m.task = ENS_CLASSIFICATION;
		m.algorithm = ENS_FOREST;
		m.n_features = P;
		m.n_classes = 3;
		m.features = F;
		m.classes = classes;
		m.class_len = class_len;
		memset(&d, 0, sizeof(d));
		d.n_rows = d.n_use = N;
		d.n_features = P;
		d.X = X;
		d.cls = ycls;
		d.y = y;
		forest_params_default(&fp);
		fp.task = ENS_CLASSIFICATION;
		fp.n_classes = 3;
		fp.n_trees = 4;
		fp.max_depth = 5;
		fp.n_threads = 1;
		if (forest_train(&m, &d, &fp, al, NULL, NULL, NULL, NULL) != ENS_OK)
			return 1;
		Write(argv[1], hashed ? "forest_cls_hashed.bin" : "forest_cls_text.bin", &m);
		if (!hashed)
		{
			AddSections(&m, X, ycls, ENS_CAL_ISOTONIC);
			Write(argv[1], "forest_cls_sections.bin", &m);
		}
		ens_model_free(&m, al);

		if (hashed)
		{
			free(F[1].cat_hash);
			break;
		}
		/* regression, then the same trees under boosted headers */
		memset(&m, 0, sizeof(m));
		m.task = ENS_REGRESSION;
		m.algorithm = ENS_FOREST;
		m.n_features = P;
		m.features = F;
		fp.task = ENS_REGRESSION;
		fp.n_classes = 0;
		fp.n_trees = 6;
		if (forest_train(&m, &d, &fp, al, NULL, NULL, NULL, NULL) != ENS_OK)
			return 1;
		Write(argv[1], "forest_reg.bin", &m);
		WriteForgedTree(argv[1], "forest_reg_dag.bin", &m, true);
		WriteForgedTree(argv[1], "forest_reg_orphan.bin", &m, false);
		m.algorithm = ENS_BOOST;
		m.objective = ENS_OBJ_SQUARED;
		m.n_outputs = 1;
		m.base_score = base;
		Write(argv[1], "boost_reg.bin", &m);
		m.task = ENS_CLASSIFICATION;
		m.n_classes = 3;
		m.classes = classes;
		m.class_len = class_len;
		m.objective = ENS_OBJ_SOFTMAX;
		m.n_outputs = 3;
		Write(argv[1], "boost_softmax.bin", &m);
		AddSections(&m, X, ycls, ENS_CAL_SIGMOID);
		Write(argv[1], "boost_softmax_sections.bin", &m);
		m.task = ENS_REGRESSION;
		m.n_classes = 0;
		m.objective = ENS_OBJ_SQUARED;
		m.n_outputs = 1;
		ens_ext_free(m.ext, al);
		m.ext = NULL;
		AddSections(&m, X, ycls, 0);
		Write(argv[1], "boost_reg_sections.bin", &m);
		m.base_score = NULL;
		ens_model_free(&m, al);
		free(X);
		free(F[0].edges);
		free(F[2].edges);
	}
	free(X);
	free(F[0].edges);
	free(F[2].edges);
	for (f = 0; f < P; f++)
		free(cols[f]);
	return 0;
}
