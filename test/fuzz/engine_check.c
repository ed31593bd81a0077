/*
 * engine_check.c - PG-free check and timing driver for the forest engine.
 *
 *   engine_check FILE.csv cls|reg [n_trees] [seed] [test_fraction] [out.bin]
 *
 * FILE.csv: a header line, then comma-separated numbers; the last column is
 * the target (class code 0..k-1 for cls).  Empty fields are missing values.
 * Trains on a (stratified) split, prints metrics and timings, and checks
 * that serialise -> deserialise gives a model with identical predictions.
 * Built with ASan by test/fuzz/run.sh as a smoke test.  For timing other
 * settings: FOREST_THREADS, MAX_FEATURES, MAX_DEPTH, MIN_LEAF, BALANCED (set:
 * class_weight 'balanced') in the environment.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/ensemble.h"
#include "../../src/rng.h"

static double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* An interrupt callback that asks to stop at its n-th call. */
static bool
StopAtCall(void *arg)
{
	uint32_t   *left = (uint32_t *) arg;

	return *left == 0 || --(*left) == 0;
}

/*
 * One tree on one thread asks whether to stop while it grows, not only
 * between trees (a single large tree must stay cancellable): asked to stop
 * at its third question, it reports ENS_EINTR.  Returns 0 when it does.
 */
static int
CheckNodeInterrupts(const EnsModel *tmpl, const EnsData *d, const ForestParams *P0,
					const EnsAlloc *al)
{
	EnsModel	m = *tmpl;
	ForestParams P = *P0;
	uint32_t	left = 3;
	EnsStatus	rc;

	P.n_trees = 1;
	P.n_threads = 1;
	rc = forest_train(&m, d, &P, al, StopAtCall, &left, NULL, NULL);
	if (rc == ENS_OK)
		ens_model_free(&m, al);
	return rc == ENS_EINTR ? 0 : 1;
}

/*
 * The trainer's out-of-bag probabilities against an independent replay:
 * each tree's bootstrap drawn again from its stream (seed, t + 1), the rows
 * it did not draw walked down it, their leaves' class shares summed in tree
 * order and normalised.  Exact equality; every row out of bag somewhere is
 * listed, in order, and no other.  Returns the number of differences.
 */
static uint32_t
CheckOob(const EnsModel *m, const EnsData *d, const ForestParams *P, const ForestOob *oob)
{
	uint32_t	n = d->n_use,
				K = m->n_classes,
				t,
				i,
				k,
				got = 0,
				bad = 0;
	uint32_t   *cnt = malloc(sizeof(uint32_t) * n);
	double	   *sum = calloc((size_t) n * K, sizeof(double));

	for (t = 0; t < m->n_trees; t++)
	{
		EpRng		r;
		uint64_t	q,
					draws = (uint64_t) llround(P->sample_fraction * n);

		ep_rng_seed(&r, P->seed, (uint64_t) t + 1);
		memset(cnt, 0, sizeof(uint32_t) * n);
		for (q = 0; q < (draws ? draws : 1); q++)
			cnt[ep_rng_below(&r, n)]++;
		for (i = 0; i < n; i++)
		{
			const uint8_t *xb = d->X + (size_t) d->rows[i] * m->n_features;
			uint32_t	j = m->tree_node[t];

			if (cnt[i])
				continue;
			while (!(m->nodes[j].flags & FN_LEAF))
				j = ens_node_child(m, m->nodes[j]) +
					(ens_node_left(m, m->nodes[j], xb[m->nodes[j].feature]) ? 0 : 1);
			for (k = 0; k < K; k++)
				sum[(size_t) i * K + k] += (m->nodes[j].flags & FN_PURE) ?
					(m->nodes[j].a == k ? 1.0 : 0.0) : m->leafv[m->nodes[j].a + k];
		}
	}
	for (i = 0; i < n; i++)
	{
		double		s = 0;

		for (k = 0; k < K; k++)
			s += sum[(size_t) i * K + k];
		if (!(s > 0))
			continue;
		if (got >= oob->n || oob->rows[got] != d->rows[i])
		{
			bad++;
			continue;
		}
		for (k = 0; k < K; k++)
			bad += oob->proba[(size_t) got * K + k] != sum[(size_t) i * K + k] / s;
		got++;
	}
	bad += got != oob->n;
	free(cnt);
	free(sum);
	return bad;
}

/*
 * A model forged in memory and serialised (so its checksum is right) must be
 * refused by the reader as corrupt.  Returns 0 when it is.
 */
static int
ForgedRefused(const EnsModel *m, const EnsAlloc *al, const char *what)
{
	uint8_t    *buf;
	size_t		len;
	EnsModel   *m2 = NULL;
	EnsError	why;
	char		detail[256];
	EnsStatus	rc;

	rc = ens_serialize(m, al, 0, &buf, &len);
	if (rc)
		return fprintf(stderr, "serialize (%s): %s\n", what, ens_strerror(rc)), 1;
	rc = ens_deserialize(buf, len, al, &m2, &why);
	free(buf);
	if (rc == ENS_OK)
		ens_model_free(m2, al);
	if (rc != ENS_ECORRUPT)
		return fprintf(stderr, "%s was %s\n", what, rc == ENS_OK ? "accepted" : ens_strerror(rc)), 1;
	ens_error_text(&why, detail, sizeof(detail));
	fprintf(stderr, "%s refused (%s)\n", what, detail);
	return 0;
}

/*
 * Leaf probabilities that are NaN, infinite or negative, and regression leaf
 * values that are not finite, are refused: the walk would add them into every
 * prediction of the leaf's rows.  NaN passes a plain range test (v < 0 and
 * v > 1 are both false), so only isfinite() stops it.  The forged value goes
 * into the last impure leaf's vector, or the last tree's first leaf.
 */
static int
CheckForgedLeafValues(EnsModel *m, const EnsAlloc *al)
{
	static const float bad[] = {NAN, INFINITY, -INFINITY, -0.25f};
	static const char *const what[] = {
		"NaN leaf", "+Inf leaf", "-Inf leaf", "negative leaf"
	};
	bool		cls = m->task == ENS_CLASSIFICATION;
	uint32_t	j,
				i = m->tree_node[m->n_trees - 1],
				fails = 0;
	char		name[64];

	if (cls && m->n_leafv == 0)
		return 0;				/* only pure leaves: run.sh's dup.csv has impure ones */
	while (!cls && !(m->nodes[i].flags & FN_LEAF))
		i++;
	for (j = 0; j < (cls ? 4 : 3); j++)
	{
		snprintf(name, sizeof(name), "%s %s", what[j], cls ? "probability" : "value");
		if (cls)
		{
			float		saved = m->leafv[m->n_leafv - 1];

			m->leafv[m->n_leafv - 1] = bad[j];
			fails += ForgedRefused(m, al, name);
			m->leafv[m->n_leafv - 1] = saved;
		}
		else
		{
			uint32_t	saved = m->nodes[i].a;

			memcpy(&m->nodes[i].a, &bad[j], sizeof(float));
			fails += ForgedRefused(m, al, name);
			m->nodes[i].a = saved;
		}
	}
	return fails != 0;
}

/*
 * A pure leaf naming class K (one past the last) is refused: the walk would
 * add into the slot after the output.  The fuzz run finds it only by chance
 * (one exact value in one field).  Returns 0 when refused or no pure leaf.
 */
static int
CheckForgedClass(EnsModel *m, const EnsAlloc *al)
{
	uint32_t	i = m->n_nodes,
				saved;
	int			fails;

	while (i-- > 0)
		if ((m->nodes[i].flags & FN_LEAF) && (m->nodes[i].flags & FN_PURE))
			break;
	if (m->task != ENS_CLASSIFICATION || i == UINT32_MAX)
		return 0;				/* run.sh's cls.csv has pure leaves */
	saved = m->nodes[i].a;
	m->nodes[i].a = m->n_classes;
	fails = ForgedRefused(m, al, "pure leaf of class K");
	m->nodes[i].a = saved;
	return fails;
}

/*
 * A split naming feature p (one past the last) is refused.  Below 1000
 * features the reader's zeroed bin counts would refuse it anyway; at 1000
 * (ENS_MAX_FEATURES, run.sh's wide.csv) only the feature check stands
 * between it and a read past the reader's per-feature tables (UBSan).
 */
static int
CheckForgedFeature(EnsModel *m, const EnsAlloc *al)
{
	uint32_t	i = m->n_nodes;
	uint16_t	saved;
	int			fails;

	while (i-- > 0)
		if (!(m->nodes[i].flags & (FN_LEAF | FN_CAT)))
			break;
	if (i == UINT32_MAX)
		return 0;				/* stumps of leaves only */
	saved = m->nodes[i].feature;
	m->nodes[i].feature = (uint16_t) m->n_features;
	fails = ForgedRefused(m, al, "split on feature p");
	m->nodes[i].feature = saved;
	return fails;
}

/*
 * Training's bins (ens_bin_columns, four values at a time) equal
 * ens_bin_value's (prediction's) for a numeric column, and for probes at
 * its edges: each edge, the doubles either side of it, NaN and the
 * infinities, appended after the rows the edges come from (edge_rows), so
 * the same edges bin them.
 */
static int
CheckBins(const double *col, uint32_t n, const uint32_t *rows, uint32_t nrows,
		  uint64_t seed, const EnsAlloc *al)
{
	EnsFeature	F1,
				F2;
	const double *c[1];
	double	   *probe;
	uint8_t    *X1,
			   *X2;
	uint32_t	ne,
				m,
				i,
				bad = 0;

	memset(&F1, 0, sizeof(F1));
	F1.kind = ENS_NUMERIC;
	c[0] = col;
	if (ens_bin_columns(c, n, 1, &F1, rows, nrows, seed, al, NULL, NULL, NULL, &X1) != ENS_OK)
		return fprintf(stderr, "bins: binning failed\n"), 1;
	ne = F1.n_bins - 1;
	m = n + 3 * ne + 3;
	probe = malloc(sizeof(double) * m);
	memcpy(probe, col, sizeof(double) * n);
	for (i = 0; i < ne; i++)
	{
		probe[n + 3 * i] = F1.edges[i];
		probe[n + 3 * i + 1] = nextafter(F1.edges[i], -INFINITY);
		probe[n + 3 * i + 2] = nextafter(F1.edges[i], INFINITY);
	}
	probe[m - 3] = NAN;
	probe[m - 2] = INFINITY;
	probe[m - 1] = -INFINITY;
	memset(&F2, 0, sizeof(F2));
	F2.kind = ENS_NUMERIC;
	c[0] = probe;
	if (ens_bin_columns(c, m, 1, &F2, rows, nrows, seed, al, NULL, NULL, NULL, &X2) != ENS_OK ||
		F2.n_bins != F1.n_bins || (ne > 0 && memcmp(F1.edges, F2.edges, sizeof(double) * ne) != 0))
		return fprintf(stderr, "bins: the probes changed the edges\n"), 1;
	for (i = 0; i < m; i++)
		bad += X2[i] != ens_bin_value(&F2, probe[i]);
	if (bad)
		fprintf(stderr, "FAIL bins: %u of %u values binned unlike ens_bin_value\n", bad, m);
	free(probe);
	al->free(al->ctx, X1);
	al->free(al->ctx, X2);
	if (F1.edges)
		al->free(al->ctx, F1.edges);
	if (F2.edges)
		al->free(al->ctx, F2.edges);
	return bad > 0;
}

int
main(int argc, char **argv)
{
	FILE	   *fp;
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		len;
	uint32_t	p = 0,
				n = 0,
				ncap = 1024,
				i,
				f;
	double	  **cols;
	double	   *target;
	int			cls;
	int			n_trees = argc > 3 ? atoi(argv[3]) : 100;
	uint64_t	seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 42;
	double		tf = argc > 5 ? atof(argv[5]) : 0.2;
	const EnsAlloc *al = &ens_malloc_allocator;
	EnsFeature *features;
	EnsModel m;
	EnsData d;
	ForestParams P;
	ForestOob	oob;
	uint8_t    *X;
	uint32_t   *ycls = NULL,
			   *train,
			   *test,
				ntr,
				nte,
				K = 0;
	double		t0,
				t1,
				t2;
	size_t		peak = 0;
	EnsStatus rc;
	uint8_t    *buf;
	size_t		buflen;
	EnsModel *m2;
	EnsError	why;
	char		detail[256];
	double	   *proba,
			   *proba2;
	uint8_t    *xb;
	int			mismatch = 0;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s FILE.csv cls|reg [n_trees] [seed] [test_fraction] [out.bin]\n", argv[0]);
		return 2;
	}
	cls = strcmp(argv[2], "cls") == 0;
	fp = fopen(argv[1], "r");
	if (!fp)
	{
		perror(argv[1]);
		return 2;
	}
	if ((len = getline(&line, &cap, fp)) <= 0)
		return 2;
	for (i = 0; i < (uint32_t) len; i++)
		if (line[i] == ',')
			p++;
	cols = calloc(p, sizeof(double *));
	for (f = 0; f < p; f++)
		cols[f] = malloc(ncap * sizeof(double));
	target = malloc(ncap * sizeof(double));
	t0 = Now();
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
			double		v;

			if (*s == ',' || *s == '\n' || *s == '\r' || *s == 0)
				v = NAN;
			else
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
	t1 = Now();
	fprintf(stderr, "read %u rows x %u features in %.2fs\n", n, p, t1 - t0);

	features = calloc(p, sizeof(EnsFeature));
	for (f = 0; f < p; f++)
	{
		char	   *nm = malloc(16);

		snprintf(nm, 16, "f%u", f);
		features[f].name = nm;
		features[f].name_len = strlen(nm);
		features[f].kind = ENS_NUMERIC;
	}
	if (cls)
	{
		ycls = malloc(n * sizeof(uint32_t));
		for (i = 0; i < n; i++)
		{
			ycls[i] = (uint32_t) target[i];
			if (ycls[i] + 1 > K)
				K = ycls[i] + 1;
		}
	}
	t0 = Now();
	rc = ens_split_rows(ycls, K, n, tf, seed, al, &train, &ntr, &test, &nte);
	if (rc)
		return fprintf(stderr, "split: %s\n", ens_strerror(rc)), 1;
	for (i = 0; i < p; i++)
		if (features[i].kind == ENS_NUMERIC && CheckBins(cols[i], n, train, ntr, seed + i, al))
			return 1;
	rc = ens_bin_columns((const double *const *) cols, n, p, features, train, ntr,
							seed, al, NULL, NULL, NULL, &X);
	if (rc)
		return fprintf(stderr, "bin: %s\n", ens_strerror(rc)), 1;
	t1 = Now();
	fprintf(stderr, "binned + split in %.2fs (train %u, test %u)\n", t1 - t0, ntr, nte);

	memset(&m, 0, sizeof(m));
	m.task = cls ? ENS_CLASSIFICATION : ENS_REGRESSION;
	m.n_features = p;
	m.n_classes = K;
	m.features = features;
	if (cls)
	{
		m.classes = malloc(K * sizeof(char *));
		m.class_len = malloc(K * sizeof(uint32_t));
		for (i = 0; i < K; i++)
		{
			char	   *nm = malloc(16);

			snprintf(nm, 16, "c%u", i);
			m.classes[i] = nm;
			m.class_len[i] = strlen(nm);
		}
	}
	memset(&d, 0, sizeof(d));
	d.n_rows = n;
	d.n_features = p;
	d.X = X;
	d.cls = ycls;
	d.y = target;
	d.rows = train;
	d.n_use = ntr;
	/* the trainer keeps the outputs of every other training row */
	{
		uint32_t   *outr = malloc(sizeof(uint32_t) * (ntr / 2 + 1));

		for (i = 0; i < ntr; i += 2)
			outr[d.n_out++] = train[i];
		d.out_rows = outr;
	}
	memset(&P, 0, sizeof(P));
	P.task = m.task;
	P.n_classes = K;
	P.n_trees = n_trees;
	P.min_samples_leaf = 1;
	P.sample_fraction = 1.0;
	P.seed = seed;
	P.n_threads = getenv("FOREST_THREADS") ? atoi(getenv("FOREST_THREADS")) : 1;
	/* timing other settings (0: the engine's default mtry) */
	P.max_features = getenv("MAX_FEATURES") ? atof(getenv("MAX_FEATURES")) : 0;
	P.max_depth = getenv("MAX_DEPTH") ? atoi(getenv("MAX_DEPTH")) : 0;
	P.min_samples_leaf = getenv("MIN_LEAF") ? atoi(getenv("MIN_LEAF")) : 1;
	P.class_weight.balanced = getenv("BALANCED") != NULL;
	if (CheckNodeInterrupts(&m, &d, &P, al))
		return fprintf(stderr, "train: one tree on one thread did not stop when asked to\n"), 1;
	memset(&oob, 0, sizeof(oob));
	rc = forest_train(&m, &d, &P, al, NULL, NULL, &peak, cls ? &oob : NULL);
	t2 = Now();
	if (rc)
		return fprintf(stderr, "train: %s\n", ens_strerror(rc)), 1;
	if (cls)
	{
		uint32_t	differ = CheckOob(&m, &d, &P, &oob);

		if (differ || oob.n == 0)
			return fprintf(stderr, "train: %u out-of-bag probabilities differ from the replay (%u rows)\n",
						   differ, oob.n), 1;
		fprintf(stderr, "out-of-bag probabilities of %u rows equal the replayed bootstraps\n", oob.n);
		forest_oob_free(&oob, al);
	}
	fprintf(stderr, "trained %d trees in %.3fs, %u nodes, %u leaf floats, scratch peak %.1f MB\n",
			n_trees, t2 - t1, m.n_nodes, m.n_leafv, peak / 1e6);

	/* the trainer's covers are what walking every training row gives */
	{
		uint32_t   *walked = malloc((size_t) m.n_nodes * sizeof(uint32_t)),
					differ = 0;

		if (m.train_cover == NULL)
			return fprintf(stderr, "train: no covers\n"), 1;
		ens_profile_cover(&m, X, p, train, ntr, walked, NULL, NULL);
		for (i = 0; i < m.n_nodes; i++)
			differ += walked[i] != m.train_cover[i];
		free(walked);
		if (differ)
			return fprintf(stderr, "train: %u node covers differ from the walk\n", differ), 1;
	}

	/* the outputs it kept are what the prediction walk gives, to the bit */
	{
		uint32_t	kk = cls ? K : 1,
					differ = 0;
		double	   *o = malloc(kk * sizeof(double));

		if (m.train_out == NULL || m.n_train_out != d.n_out)
			return fprintf(stderr, "train: no kept outputs\n"), 1;
		for (i = 0; i < d.n_out; i++)
		{
			ens_predict_raw(&m, X + (size_t) d.out_rows[i] * p, o);
			differ += memcmp(o, m.train_out + (size_t) i * kk, kk * sizeof(double)) != 0;
		}
		free(o);
		free((void *) d.out_rows);
		d.out_rows = NULL;
		if (differ)
			return fprintf(stderr, "train: %u kept outputs differ from the walk\n", differ), 1;
	}

	rc = ens_serialize(&m, al, 0, &buf, &buflen);
	if (rc)
		return fprintf(stderr, "serialize: %s\n", ens_strerror(rc)), 1;
	t0 = Now();
	rc = ens_deserialize(buf, buflen, al, &m2, &why);
	t1 = Now();
	if (rc)
		return ens_error_text(&why, detail, sizeof(detail)),
			fprintf(stderr, "deserialize: %s: %s\n", ens_strerror(rc), detail), 1;
	fprintf(stderr, "model %zu bytes, parsed in %.3fs\n", buflen, t1 - t0);

	if (argc > 6)
	{
		FILE	   *o = fopen(argv[6], "wb");

		fwrite(buf, 1, buflen, o);
		fclose(o);
	}

	{
		uint32_t	kk = cls ? K : 1;
		double	   *x = malloc(p * sizeof(double));

		proba = malloc((size_t) nte * kk * sizeof(double));
		proba2 = malloc(kk * sizeof(double));
		xb = malloc(p);
		t0 = Now();
		for (i = 0; i < nte; i++)
			ens_predict_binned(&m, X + (size_t) test[i] * p, proba + (size_t) i * kk);
		t1 = Now();
		t2 = Now();
		for (i = 0; i < nte; i++)
			ens_predict_binned(m2, X + (size_t) test[i] * p, proba2);
		t2 = Now() - t2;
		for (i = 0; i < nte; i++)
		{
			for (f = 0; f < p; f++)
				x[f] = cols[f][test[i]];
			ens_bin_row(m2, x, xb);
			ens_predict_binned(m2, xb, proba2);
			for (f = 0; f < kk; f++)
				if (fabs(proba2[f] - proba[(size_t) i * kk + f]) > 1e-12)
					mismatch++;
		}
		fprintf(stderr, "predict %.0f rows/s (trained model), %.0f rows/s (parsed model), roundtrip mismatches %d\n",
				nte / (t1 - t0), nte / t2, mismatch);
		if (cls)
		{
			EnsClsMetrics cm;
			uint32_t   *act = malloc(nte * sizeof(uint32_t));

			for (i = 0; i < nte; i++)
				act[i] = ycls[test[i]];
			ens_cls_metrics(nte, K, K, act, proba, al, NULL, NULL, &cm, NULL);
			printf("accuracy %.4f f1 %.4f auc %.4f logloss %.4f\n",
				   cm.accuracy, cm.f1, cm.auc, cm.log_loss);
			free(act);
		}
		else
		{
			EnsRegMetrics rm;
			double	   *act = malloc(nte * sizeof(double));

			for (i = 0; i < nte; i++)
				act[i] = target[test[i]];
			ens_reg_metrics(nte, act, proba, &rm);
			printf("r2 %.4f rmse %.4f mae %.4f\n", rm.r2, rm.rmse, rm.mae);
			free(act);
		}
		printf("importance:");
		for (f = 0; f < p && f < 40; f++)
			printf(" %.3f", m.importance[f]);
		printf("\n");
		free(x);
	}
	/*
	 * A forged impure leaf pointing one past its tree's leaf vectors is
	 * refused.  The parsed model is one allocation, so AddressSanitizer would
	 * not see the read into the next tree's vectors or the next section.
	 */
	if (cls && m.n_leafv > 0)
	{
		uint32_t	t = m.n_trees,
					i,
					leaf = UINT32_MAX;

		while (leaf == UINT32_MAX && t-- > 0)
			for (i = m.tree_node[t]; i < m.tree_node[t + 1]; i++)
				if ((m.nodes[i].flags & FN_LEAF) && !(m.nodes[i].flags & FN_PURE))
				{
					leaf = i;
					break;
				}
		if (leaf != UINT32_MAX)
		{
			uint32_t	saved = m.nodes[leaf].a;

			m.nodes[leaf].a = m.tree_leaf[t + 1];
			snprintf(detail, sizeof(detail), "forged leaf index (one past tree %u's leaf vectors)", t);
			mismatch += ForgedRefused(&m, al, detail);
			m.nodes[leaf].a = saved;
		}
	}
	if (CheckForgedLeafValues(&m, al) || CheckForgedClass(&m, al) ||
		CheckForgedFeature(&m, al))
		return 1;
	ens_model_free(m2, al);
	ens_model_free(&m, al);
	free(buf);
	free(proba);
	free(proba2);
	free(xb);
	free(X);
	free(train);
	free(test);
	for (f = 0; f < p; f++)
	{
		free(cols[f]);
		free((void *) features[f].name);
		free(features[f].edges);
	}
	free(cols);
	free(features);
	if (cls)
	{
		for (i = 0; i < K; i++)
			free((void *) m.classes[i]);
		free(m.classes);
		free(m.class_len);
	}
	free(ycls);
	free(target);
	return mismatch ? 1 : 0;
}
