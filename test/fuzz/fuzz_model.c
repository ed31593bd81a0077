/*
 * fuzz_model.c - libFuzzer driver for the model reader (formats 1 and 2).
 *
 * Every input is parsed twice: as given (exercising the magic, version and
 * checksum checks), and with its CRC-32C trailer recomputed, so mutations
 * reach the structural validation behind the checksum.  A model that
 * parses must then
 *   - pass an independent check of its invariants (model_check.h),
 *   - survive a round trip: a format-2 model serialises to exactly its
 *     input bytes; a format-1 model serialises to format 2, which parses
 *     back to the same bytes again and the same predictions,
 *   - predict rows drawn from the input itself (NaN, infinities, zeros,
 *     bin edges and arbitrary doubles), not only NaN and zero,
 *   - explain one such row for each output (TreeSHAP, with or without
 *     covers), with finite contributions for a forest.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble.h"
#include "model_check.h"

static uint64_t
Next(uint64_t *s)
{
	uint64_t	z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* one feature value: special values, an edge of its bins, or any double */
static double
RowValue(const EnsFeature *F, uint64_t *s)
{
	uint64_t	r = Next(s);
	double		d;

	switch (r % 6)
	{
		case 0:
			return NAN;
		case 1:
			return (r & 64) ? INFINITY : -INFINITY;
		case 2:
			return 0.0;
		case 3:
			if (F->kind == ENS_NUMERIC && F->n_bins > 1)
				return F->edges[(r >> 8) % (F->n_bins - 1)];
			return (double) ((r >> 8) % (F->n_bins + 2));
		case 4:
			return (double) ((int64_t) (r >> 8) % 1000) / 7.0;
		default:
			memcpy(&d, &r, sizeof(d));
			return d;
	}
}

static void
Predict(const EnsModel *m, uint64_t seed, double *out)
{
	double	   *x = malloc(sizeof(double) * m->n_features);
	uint8_t    *xb = malloc(m->n_features);
	uint32_t	f;

	for (f = 0; f < m->n_features; f++)
		x[f] = RowValue(&m->features[f], &seed);
	ens_bin_row(m, x, xb);
	ens_predict_binned(m, xb, out);
	free(x);
	free(xb);
}

/*
 * Explanations of a parsed model: every output of one row drawn from the
 * input; contributions must be finite when the model's values are.
 */
static void
Explain(const EnsModel *m, uint64_t seed)
{
	EnsShap    *sh;
	uint32_t	kk = m->algorithm == ENS_BOOST && m->objective == ENS_OBJ_LOGISTIC ? 2 :
		m->n_classes ? m->n_classes : 1,
				k,
				f;
	double	   *x = malloc(sizeof(double) * m->n_features),
			   *phi = malloc(sizeof(double) * m->n_features);
	uint8_t    *xb = malloc(m->n_features);

	if (ens_shap_plan(m, &ens_malloc_allocator, (size_t) 256 << 20, NULL, NULL, &sh) == ENS_OK)
	{
		for (f = 0; f < m->n_features; f++)
			x[f] = RowValue(&m->features[f], &seed);
		ens_bin_row(m, x, xb);
		for (k = 0; k < kk && k < 4; k++)
		{
			double		base = ens_shap_base(sh, k);

			if (ens_shap_row(sh, xb, k, phi, NULL, NULL) != ENS_OK)
				abort();
			for (f = 0; f < m->n_features; f++)
				if (isfinite(base) && fabs(base) < 1e30 && !isfinite(phi[f]) && m->algorithm == ENS_FOREST)
				{
					fprintf(stderr, "explanation is not finite\n");
					abort();
				}
		}
		ens_shap_free(sh);
	}
	free(x);
	free(phi);
	free(xb);
}

static void
RoundTrip(const EnsModel *m, const uint8_t *buf, size_t len)
{
	uint8_t    *b1,
			   *b2;
	size_t		l1,
				l2;
	EnsModel   *m2;
	EnsError	why;
	char		detail[256];
	uint32_t	kk = m->n_classes ? m->n_classes : 1,
				k;
	double	   *o1 = malloc(sizeof(double) * kk),
			   *o2 = malloc(sizeof(double) * kk);

	if (ens_serialize(m, &ens_malloc_allocator, 0, &b1, &l1) != ENS_OK)
		abort();
	if (buf[4] == ENS_FORMAT_VERSION && (l1 != len || memcmp(b1, buf, len) != 0))
	{
		fprintf(stderr, "round trip changed the bytes\n");
		abort();
	}
	if (ens_deserialize(b1, l1, &ens_malloc_allocator, &m2, &why) != ENS_OK)
	{
		ens_error_text(&why, detail, sizeof(detail));
		fprintf(stderr, "a serialised model does not parse: %s\n", detail);
		abort();
	}
	if (ens_serialize(m2, &ens_malloc_allocator, 0, &b2, &l2) != ENS_OK ||
		l2 != l1 || memcmp(b1, b2, l1) != 0)
		abort();
	Predict(m, len, o1);
	Predict(m2, len, o2);
	for (k = 0; k < kk; k++)
		if (memcmp(&o1[k], &o2[k], sizeof(double)) != 0 && !(isnan(o1[k]) && isnan(o2[k])))
		{
			fprintf(stderr, "round trip changed a prediction\n");
			abort();
		}
	ens_model_free(m2, &ens_malloc_allocator);
	free(b1);
	free(b2);
	free(o1);
	free(o2);
}

static void
Exercise(const uint8_t *buf, size_t len)
{
	EnsModel   *m;
	EnsError	why;
	char		detail[256];
	uint64_t	seed = 0;
	size_t		i;
	EnsStatus	rc = ens_deserialize(buf, len, &ens_malloc_allocator, &m, &why);

	/* every refusal says which check failed, and its text formats */
	if (rc != ENS_OK)
	{
		if (!ENS_ERR_IS_READ(why.id))
		{
			fprintf(stderr, "refused (%s) without a reason\n", ens_strerror(rc));
			abort();
		}
		if (ens_error_text(&why, detail, sizeof(detail)) <= 0)
			abort();
	}
	else
	{
		double	   *out = malloc(sizeof(double) * (m->n_classes ? m->n_classes : 1));
		int			r;

		CheckModel(m);
		RoundTrip(m, buf, len);
		for (i = 0; i < len && i < 64; i++)
			seed = seed * 131 + buf[i];
		for (r = 0; r < 4; r++)
			Predict(m, seed + (uint64_t) r, out);
		Explain(m, seed);
		free(out);
		ens_model_free(m, &ens_malloc_allocator);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Exercise(data, size);
	if (size >= 8)
	{
		uint8_t    *copy = malloc(size);
		uint32_t	crc;

		memcpy(copy, data, size);
		crc = ens_crc32c(0, copy, size - 4);
		copy[size - 4] = (uint8_t) crc;
		copy[size - 3] = (uint8_t) (crc >> 8);
		copy[size - 2] = (uint8_t) (crc >> 16);
		copy[size - 1] = (uint8_t) (crc >> 24);
		Exercise(copy, size);
		free(copy);
	}
	return 0;
}
