/*
 * cvcal_check.c - PG-free check of the cross-fitted calibration
 * (src/forest_cvcal.c), built with ASan by test/fuzz/run.sh.
 *
 * On generated rows (3 classes, binned features, a missing bin): trains a
 * forest with calibration_folds k, recording each fold's training rows and
 * parameters as the engine asks for them, then checks
 *   - the folds: every row is left out of exactly one fold's forest, and
 *     each class is spread over the folds (per fold counts differ by <= 1);
 *   - the model is the folds' forests together: its trees' own probability
 *     of every row is the mean of those forests, each retrained alone from
 *     the recorded rows, and its calibrated probability the mean of each
 *     retrained forest's through its fold's calibrator set (1e-12);
 *   - the serialised model predicts the same (calibrated) probabilities,
 *     which add up to 1; calibrator counts that are no whole number of
 *     sets, or sets that do not divide the trees, are refused;
 *   - a cancel between the folds' forests unwinds with ENS_EINTR, and so
 *     does out of memory at any allocation (ENS_ENOMEM, nothing leaked).
 * Prints one line and exits 0 when all hold.
 *   cvcal_check [out.bin]      out.bin: the model's bytes (a fuzz seed)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble.h"
#include "../../src/rng.h"
#include "failing_alloc.h"

#define N_ROWS	 900
#define N_FEAT	 5
#define N_BINS	 8
#define K		 3
#define FOLDS	 4

typedef struct Recorded
{
	int			n;
	uint32_t   *rows[FOLDS];
	uint32_t	n_use[FOLDS];
	ForestParams P[FOLDS];
	int			stop_at;		/* > 0: report a cancel at this fold */
} Recorded;

static EnsStatus
Record(EnsModel *m, const EnsData *d, ForestParams *p, const EnsAlloc *al, size_t *peak,
	   void *arg)
{
	Recorded   *r = (Recorded *) arg;

	if (r->stop_at > 0 && r->n + 1 == r->stop_at)
		return ENS_EINTR;
	if (r->n < FOLDS)
	{
		r->rows[r->n] = malloc(sizeof(uint32_t) * d->n_use);
		memcpy(r->rows[r->n], d->rows, sizeof(uint32_t) * d->n_use);
		r->n_use[r->n] = d->n_use;
		r->P[r->n] = *p;
	}
	r->n++;
	return forest_train(m, d, p, al, NULL, NULL, peak, NULL);
}

static void
ModelFor(EnsModel *m, EnsFeature *F, const char **classes, uint32_t *class_len)
{
	memset(m, 0, sizeof(*m));
	m->task = ENS_CLASSIFICATION;
	m->algorithm = ENS_FOREST;
	m->n_features = N_FEAT;
	m->n_classes = K;
	m->features = F;
	m->classes = classes;
	m->class_len = class_len;
}

/*
 * The model written with only its first n calibrators (the writer takes
 * the count as it is): refused when n is no whole number of sets or its
 * sets do not divide the trees.  1: refused as corrupt.
 */
static int
ForgedCount(EnsModel *m, uint32_t n, const EnsAlloc *al)
{
	uint32_t	keep = m->ext->cal.n;
	uint8_t    *b;
	size_t		len;
	EnsModel   *m2;
	EnsStatus	rc;

	m->ext->cal.n = n;
	rc = ens_serialize(m, al, 0, &b, &len);
	m->ext->cal.n = keep;
	if (rc != ENS_OK)
		return fprintf(stderr, "cvcal: serialize with %u calibrators: %s\n", n, ens_strerror(rc)), 0;
	rc = ens_deserialize(b, len, al, &m2, NULL);
	al->free(al->ctx, b);
	if (rc == ENS_OK)
		ens_model_free(m2, al);
	if (rc != ENS_ECORRUPT)
		fprintf(stderr, "cvcal: %u calibrators were %s\n", n, rc == ENS_OK ? "accepted" : ens_strerror(rc));
	return rc == ENS_ECORRUPT;
}

int
main(int argc, char **argv)
{
	const EnsAlloc *al = &ens_malloc_allocator;
	static uint8_t X[N_ROWS * N_FEAT];
	static uint32_t cls[N_ROWS];
	static EnsFeature F[N_FEAT];
	static char names[N_FEAT][8];
	static double edges[N_BINS - 1];
	const char *classes[K] = {"a", "b", "c"};
	uint32_t	class_len[K] = {1, 1, 1};
	uint32_t	left_out[N_ROWS],
				per_fold[FOLDS][K],
				i,
				f,
				k;
	EnsModel	m,
				mf,
			   *m2;
	EnsData		d;
	ForestParams P;
	Recorded	rec;
	EpRng		rng;
	EnsError	err;
	char		msg[256],
				detail[256];
	uint8_t    *buf;
	size_t		buflen,
				peak;
	double		worst = 0;
	EnsStatus	rc;

	for (i = 0; i < N_BINS - 1; i++)
		edges[i] = i + 0.5;
	for (f = 0; f < N_FEAT; f++)
	{
		snprintf(names[f], sizeof(names[f]), "f%u", f);
		F[f].name = names[f];
		F[f].name_len = (uint32_t) strlen(names[f]);
		F[f].kind = ENS_NUMERIC;
		F[f].n_bins = N_BINS;
		F[f].edges = edges;
	}
	ep_rng_seed(&rng, 11, 0);
	for (i = 0; i < N_ROWS; i++)
	{
		for (f = 0; f < N_FEAT; f++)
			X[i * N_FEAT + f] = ep_rng_below(&rng, 20) == 0 ? ENS_MISSING : (uint8_t) ep_rng_below(&rng, N_BINS);
		/* the class follows two features, with noise */
		cls[i] = ep_rng_below(&rng, 5) == 0 ? ep_rng_below(&rng, K) :
			(uint32_t) ((X[i * N_FEAT] == ENS_MISSING ? 0 : X[i * N_FEAT]) +
						(X[i * N_FEAT + 1] == ENS_MISSING ? 0 : X[i * N_FEAT + 1])) % K;
	}
	memset(&d, 0, sizeof(d));
	d.n_rows = N_ROWS;
	d.n_features = N_FEAT;
	d.X = X;
	d.cls = cls;
	forest_params_default(&P);
	P.task = ENS_CLASSIFICATION;
	P.n_classes = K;
	P.n_trees = 7;
	P.seed = 5;
	P.n_threads = 1;
	P.calibration = ENS_CAL_ISOTONIC;
	P.calibration_folds = FOLDS;

	memset(&rec, 0, sizeof(rec));
	ModelFor(&m, F, classes, class_len);
	rc = forest_cv_calibrate(&m, &d, &P, al, Record, &rec, NULL, NULL, &peak, &err);
	if (rc != ENS_OK)
		return ens_error_print(&err, msg, sizeof(msg)),
			fprintf(stderr, "cvcal: training failed: %s %s\n", ens_strerror(rc), msg), 1;
	if (rec.n != FOLDS || m.n_trees != FOLDS * (uint32_t) P.n_trees || P.calibration_rows != N_ROWS ||
		m.ext == NULL || m.ext->cal.method != ENS_CAL_ISOTONIC || ens_calib_sets(&m.ext->cal, K) != FOLDS)
		return fprintf(stderr, "cvcal: %d forests, %u trees, %u calibration rows\n",
					   rec.n, m.n_trees, P.calibration_rows), 1;

	/* folds: each row left out once; classes spread evenly */
	memset(left_out, 0, sizeof(left_out));
	memset(per_fold, 0, sizeof(per_fold));
	for (f = 0; f < FOLDS; f++)
	{
		static uint8_t in[N_ROWS];

		memset(in, 0, sizeof(in));
		for (i = 0; i < rec.n_use[f]; i++)
			in[rec.rows[f][i]] = 1;
		for (i = 0; i < N_ROWS; i++)
			if (!in[i])
			{
				left_out[i]++;
				per_fold[f][cls[i]]++;
			}
	}
	for (i = 0; i < N_ROWS; i++)
		if (left_out[i] != 1)
			return fprintf(stderr, "cvcal: row %u left out of %u forests\n", i, left_out[i]), 1;
	for (k = 0; k < K; k++)
	{
		uint32_t	lo = UINT32_MAX,
					hi = 0;

		for (f = 0; f < FOLDS; f++)
		{
			lo = per_fold[f][k] < lo ? per_fold[f][k] : lo;
			hi = per_fold[f][k] > hi ? per_fold[f][k] : hi;
		}
		if (hi - lo > 1)
			return fprintf(stderr, "cvcal: class %u has %u to %u rows per fold\n", k, lo, hi), 1;
	}

	/* the model's trees are the folds' forests, each retrained alone */
	{
		static double mean[N_ROWS * K],
					cmean[N_ROWS * K];
		double		raw[K];

		memset(mean, 0, sizeof(mean));
		memset(cmean, 0, sizeof(cmean));
		for (f = 0; f < FOLDS; f++)
		{
			EnsData		df = d;

			df.rows = rec.rows[f];
			df.n_use = rec.n_use[f];
			ModelFor(&mf, F, classes, class_len);
			rc = forest_train(&mf, &df, &rec.P[f], al, NULL, NULL, NULL, NULL);
			if (rc != ENS_OK)
				return fprintf(stderr, "cvcal: retraining fold %u: %s\n", f, ens_strerror(rc)), 1;
			for (i = 0; i < N_ROWS; i++)
			{
				ens_predict_raw(&mf, X + (size_t) i * N_FEAT, raw);
				for (k = 0; k < K; k++)
					mean[i * K + k] += raw[k] / FOLDS;
				ens_calibrate_set(&m, f, raw);
				for (k = 0; k < K; k++)
					cmean[i * K + k] += raw[k] / FOLDS;
			}
			ens_model_free(&mf, al);
		}
		for (i = 0; i < N_ROWS; i++)
		{
			ens_predict_raw(&m, X + (size_t) i * N_FEAT, raw);
			for (k = 0; k < K; k++)
				worst = fabs(raw[k] - mean[i * K + k]) > worst ? fabs(raw[k] - mean[i * K + k]) : worst;
			ens_predict_binned(&m, X + (size_t) i * N_FEAT, raw);
			for (k = 0; k < K; k++)
				worst = fabs(raw[k] - cmean[i * K + k]) > worst ? fabs(raw[k] - cmean[i * K + k]) : worst;
		}
		if (!(worst < 1e-12))
			return fprintf(stderr, "cvcal: the model's probabilities differ from the folds' forests by %g\n",
						   worst), 1;
	}

	/* the stored model predicts the same calibrated probabilities */
	rc = ens_serialize(&m, al, 0, &buf, &buflen);
	if (rc != ENS_OK)
		return fprintf(stderr, "cvcal: serialize: %s\n", ens_strerror(rc)), 1;
	rc = ens_deserialize(buf, buflen, al, &m2, &err);
	if (rc != ENS_OK)
		return ens_error_text(&err, detail, sizeof(detail)),
			fprintf(stderr, "cvcal: deserialize: %s: %s\n", ens_strerror(rc), detail), 1;
	for (i = 0; i < N_ROWS; i++)
	{
		double		a[K],
					b[K],
					s = 0;

		ens_predict_binned(&m, X + (size_t) i * N_FEAT, a);
		ens_predict_binned(m2, X + (size_t) i * N_FEAT, b);
		for (k = 0; k < K; k++)
		{
			s += b[k];
			if (a[k] != b[k] || !(b[k] >= 0 && b[k] <= 1))
				return fprintf(stderr, "cvcal: row %u class %u: %g trained, %g stored\n", i, k, a[k], b[k]), 1;
		}
		if (fabs(s - 1) > 1e-12)
			return fprintf(stderr, "cvcal: row %u: probabilities add up to %g\n", i, s), 1;
	}
	ens_model_free(m2, al);
	/* 3 classes: 3 calibrators a set; 4 sets of 7 trees (3 sets do not divide 28) */
	if (!ForgedCount(&m, K * FOLDS - 2, al) || !ForgedCount(&m, K * 3, al))
		return fprintf(stderr, "cvcal: a forged calibrator count was not refused\n"), 1;
	al->free(al->ctx, buf);
	ens_model_free(&m, al);
	for (f = 0; f < FOLDS; f++)
		free(rec.rows[f]);

	/* a cancel at the third fold's forest: no model, nothing leaked (ASan) */
	memset(&rec, 0, sizeof(rec));
	rec.stop_at = 3;
	ModelFor(&m, F, classes, class_len);
	rc = forest_cv_calibrate(&m, &d, &P, al, Record, &rec, NULL, NULL, &peak, &err);
	for (f = 0; f < FOLDS; f++)
		free(rec.rows[f]);
	if (rc != ENS_EINTR || m.n_trees != 0 || m.nodes != NULL)
		return fprintf(stderr, "cvcal: a cancel at the third forest gave %s and %u trees\n",
					   ens_strerror(rc), m.n_trees), 1;

	/*
	 * out of memory at each allocation in turn, that one alone and it with
	 * every later one: ENS_ENOMEM, no model, nothing freed that was not
	 * allocated, nothing leaked (ASan)
	 */
	for (fail_on = false, i = 0; i < 2; fail_on = true, i++)
	{
		long		n_ok;
		EnsData		ds = d;
		ForestParams Ps = P;

		ds.n_rows = 150;
		Ps.n_trees = 2;
		Ps.calibration_folds = 3;
		for (fail_at = 1;; fail_at++)
		{
			memset(&rec, 0, sizeof(rec));
			n_alloc = 0;
			ModelFor(&m, F, classes, class_len);
			rc = forest_cv_calibrate(&m, &ds, &Ps, &failing_allocator, Record, &rec, NULL, NULL,
									 &peak, &err);
			for (f = 0; f < FOLDS; f++)
				free(rec.rows[f]);
			n_ok = n_alloc;
			if (rc == ENS_OK)
				ens_model_free(&m, &failing_allocator);
			if (rc == ENS_OK && fail_at > n_ok)
				break;
			if (rc != ENS_ENOMEM || m.n_trees != 0 || m.nodes != NULL || m.ext != NULL)
				return fprintf(stderr, "cvcal: allocation %ld failing%s gave %s and %u trees\n", fail_at,
							   fail_on ? " on" : "", ens_strerror(rc), m.n_trees), 1;
		}
	}
	fail_at = 0;

	/* a fuzz seed under libFuzzer's 64 kB: 2 folds of 2 trees on 150 rows, sigmoid */
	if (argc > 1)
	{
		static uint32_t first[150];
		EnsData		ds = d;
		ForestParams Ps = P;
		FILE	   *o;

		for (i = 0; i < 150; i++)
			first[i] = i;
		ds.rows = first;
		ds.n_use = 150;
		Ps.n_trees = 2;
		Ps.calibration_folds = 2;
		Ps.calibration = ENS_CAL_SIGMOID;
		memset(&rec, 0, sizeof(rec));
		ModelFor(&m, F, classes, class_len);
		rc = forest_cv_calibrate(&m, &ds, &Ps, al, Record, &rec, NULL, NULL, &peak, &err);
		for (f = 0; f < FOLDS; f++)
			free(rec.rows[f]);
		if (rc != ENS_OK || ens_serialize(&m, al, 0, &buf, &buflen) != ENS_OK)
			return ens_error_print(&err, msg, sizeof(msg)),
				fprintf(stderr, "cvcal: the seed model: %s %s\n", ens_strerror(rc), msg), 1;
		o = fopen(argv[1], "wb");
		if (o == NULL || fwrite(buf, 1, buflen, o) != buflen || fclose(o) != 0)
			return fprintf(stderr, "cvcal: cannot write %s\n", argv[1]), 1;
		al->free(al->ctx, buf);
		ens_model_free(&m, al);
	}

	printf("cvcal: %d folds of %d trees: each row left out once, classes spread, model = the folds' "
		   "forests each through its calibrators (worst %.1e), stored model predicts the same, forged "
		   "calibrator counts refused; a cancel and out of memory at every allocation unwind\n",
		   FOLDS, P.n_trees, worst);
	return 0;
}
