/*
 * fuzz_model.c - libFuzzer driver for the forest model deserialiser.
 *
 * Every input is parsed twice: as given (exercising the magic, version and
 * checksum checks), and with its CRC-32C trailer recomputed, so mutations
 * reach the structural validation behind the checksum.  A model that
 * parses is also used for one prediction on a row of NaNs and one on a row
 * of zeros, so a validation gap shows up as an ASan report, not silently.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ensemble.h"

static void
Exercise(const uint8_t *buf, size_t len)
{
	EnsModel *m;
	char		detail[256];

	if (ens_deserialize(buf, len, &ens_malloc_allocator, &m, detail,
						   sizeof(detail)) == ENS_OK)
	{
		double	   *x = malloc(sizeof(double) * m->n_features);
		uint8_t    *xb = malloc(m->n_features);
		double	   *out = malloc(sizeof(double) * (m->n_classes ? m->n_classes : 1));
		uint32_t	f;

		for (f = 0; f < m->n_features; f++)
			x[f] = NAN;

		ens_bin_row(m, x, xb);
		ens_predict_binned(m, xb, out);
		for (f = 0; f < m->n_features; f++)
			x[f] = 0.0;
		ens_bin_row(m, x, xb);
		ens_predict_binned(m, xb, out);
		free(x);
		free(xb);
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
