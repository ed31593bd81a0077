/*-------------------------------------------------------------------------
 *
 * spectral_kway.c
 *	  The k-way spectral start (k <= SPECTRAL_KWAY_MAX): rows of the k leading
 *	  eigenvectors (Ng, Jordan and Weiss 2002), clustered by size-constrained
 *	  k-means whose every assignment step is an exact min-cost flow.
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

#include <math.h>
#include <string.h>

#define EMBED_MAX_ITER 30

typedef struct EmbedCost
{
	const double *emb;			/* n rows of dim, row-major */
	const double *cent;			/* k rows of dim */
	int			dim;
} EmbedCost;

static double
EmbedCostFn(void *arg, int i, int h)
{
	EmbedCost  *ec = arg;
	const double *p = ec->emb + (size_t) i * ec->dim;
	const double *c = ec->cent + (size_t) h * ec->dim;
	double		s = 0.0;

	for (int d = 0; d < ec->dim; d++)
		s += (p[d] - c[d]) * (p[d] - c[d]);
	return s;
}

/* Size-constrained k-means (k-means++ start, exact assignment steps) in the embedding. */
void
spectral_kmeans_embedding(SpectralCtx *ctx, const double *emb, int n, int dim, int k,
						  int lo, int hi, SpectralRng *rng, int *label)
{
	double	   *cent = spectral_alloc(ctx, (size_t) k * dim, sizeof(double));
	double	   *mind = spectral_alloc(ctx, n, sizeof(double));
	int		   *cand = spectral_alloc(ctx, (size_t) n * k, sizeof(int));
	double	   *ccost = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	int		   *prev = spectral_alloc(ctx, n, sizeof(int));
	int		   *cnt = spectral_alloc(ctx, k, sizeof(int));
	EmbedCost	ec = {emb, cent, dim};

	/* k-means++ seeding */
	{
		int			first = (int) (spectral_rng_next(rng) % (uint64_t) n);

		memcpy(cent, emb + (size_t) first * dim, sizeof(double) * dim);
		for (int i = 0; i < n; i++)
			mind[i] = EmbedCostFn(&ec, i, 0);
		for (int c = 1; c < k; c++)
		{
			double		total = 0.0,
						r;
			int			pick = n - 1;

			spectral_check_interrupts(ctx);
			for (int i = 0; i < n; i++)
				total += mind[i];
			r = spectral_rng_uniform(rng) * total;
			for (int i = 0; i < n; i++)
			{
				r -= mind[i];
				if (r < 0)
				{
					pick = i;
					break;
				}
			}
			if (total <= 0.0)
				pick = (int) (spectral_rng_next(rng) % (uint64_t) n);
			memcpy(cent + (size_t) c * dim, emb + (size_t) pick * dim, sizeof(double) * dim);
			for (int i = 0; i < n; i++)
			{
				double		d = EmbedCostFn(&ec, i, c);

				if (d < mind[i])
					mind[i] = d;
			}
		}
	}

	for (int iter = 0; iter < EMBED_MAX_ITER; iter++)
	{
		bool		moved = false;

		for (int i = 0; i < n; i++)
		{
			if ((i & 1023) == 0)
				spectral_check_interrupts(ctx);
			for (int h = 0; h < k; h++)
			{
				cand[(size_t) i * k + h] = h;
				ccost[(size_t) i * k + h] = EmbedCostFn(&ec, i, h);
			}
		}
		if (iter == 0)
			spectral_greedy_feasible(ctx, n, k, lo, hi, k, cand, ccost, label);
		else
			memcpy(prev, label, sizeof(int) * n);
		spectral_balanced_assign(ctx, n, k, lo, hi, k, cand, ccost, EmbedCostFn, &ec, label);
		if (ctx->stats)
			ctx->stats->embed_iterations++;
		if (iter > 0)
		{
			for (int i = 0; i < n; i++)
				if (prev[i] != label[i])
				{
					moved = true;
					break;
				}
			if (!moved)
				break;
		}
		/* centroids */
		memset(cent, 0, sizeof(double) * k * dim);
		memset(cnt, 0, sizeof(int) * k);
		for (int i = 0; i < n; i++)
		{
			cnt[label[i]]++;
			for (int d = 0; d < dim; d++)
				cent[(size_t) label[i] * dim + d] += emb[(size_t) i * dim + d];
		}
		for (int h = 0; h < k; h++)
			if (cnt[h] > 0)
				for (int d = 0; d < dim; d++)
					cent[(size_t) h * dim + d] /= cnt[h];
	}
	spectral_free(ctx, cent);
	spectral_free(ctx, mind);
	spectral_free(ctx, cand);
	spectral_free(ctx, ccost);
	spectral_free(ctx, prev);
	spectral_free(ctx, cnt);
}

/*
 * Spectral embedding for the k-way start: the k leading eigenvectors of the
 * normalised affinity, each row scaled to unit length (n rows of k).
 */
SpectralStatus
spectral_kway_embedding(SpectralCtx *ctx, const SpectralGraph *g, int n, int k,
						SpectralRng *rng, double **embout)
{
	double	   *vec = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	double	   *emb;
	SpectralStatus st;

	st = spectral_top_eigenvectors(ctx, g, NULL, n, k, false, rng, vec);
	if (st != SPECTRAL_OK)
	{
		spectral_free(ctx, vec);
		return st;
	}
	/* rows of the eigenvector matrix, normalised to unit length */
	emb = spectral_alloc(ctx, (size_t) n * k, sizeof(double));
	for (int i = 0; i < n; i++)
	{
		double		s = 0.0;

		for (int c = 0; c < k; c++)
		{
			double		v = vec[(size_t) c * n + i];

			emb[(size_t) i * k + c] = v;
			s += v * v;
		}
		s = sqrt(s);
		if (s > 0)
			for (int c = 0; c < k; c++)
				emb[(size_t) i * k + c] /= s;
	}
	spectral_free(ctx, vec);
	*embout = emb;
	return SPECTRAL_OK;
}
