/*-------------------------------------------------------------------------
 *
 * spectral_score.c
 *	  How good a partition is: per-hub centroids and member distances (what
 *	  hub_summary reports), and the objective the pipeline minimises.
 *
 *-------------------------------------------------------------------------
 */
#include "spectral_int.h"

void
spectral_hub_stats(const SpectralEnv *env, int n, const double *x, const double *y,
				   const int *labels, int k, bool geographic, SpectralHubStat *out)
{
	SpectralCtx ctx = {env, NULL};

	for (int h = 0; h < k; h++)
	{
		out[h].size = 0;
		out[h].cx = out[h].cy = 0.0;
		out[h].mean_dist = out[h].max_dist = 0.0;
	}
	spectral_check_interrupts(&ctx);
	for (int i = 0; i < n; i++)
	{
		int			h = labels[i];

		if (h < 0 || h >= k)
			continue;
		out[h].size++;
		out[h].cx += x[i];
		out[h].cy += y[i];
	}
	for (int h = 0; h < k; h++)
		if (out[h].size > 0)
		{
			out[h].cx /= out[h].size;
			out[h].cy /= out[h].size;
		}
	for (int i = 0; i < n; i++)
	{
		int			h = labels[i];
		double		d;

		if ((i & 4095) == 0)
			spectral_check_interrupts(&ctx);
		if (h < 0 || h >= k)
			continue;
		d = spectral_distance(geographic, x[i], y[i], out[h].cx, out[h].cy);
		out[h].mean_dist += d;
		if (d > out[h].max_dist)
			out[h].max_dist = d;
	}
	for (int h = 0; h < k; h++)
		if (out[h].size > 0)
			out[h].mean_dist /= out[h].size;
}

/* Mean over hubs of the mean member distance to the centroid; worst hub. */
double
spectral_objective(SpectralCtx *ctx, const SpectralInput *in, const int *labels, int k,
				   double *worst)
{
	SpectralHubStat *hs = spectral_alloc(ctx, k, sizeof(SpectralHubStat));
	double		sum = 0.0,
				w = 0.0;
	int			used = 0;

	spectral_hub_stats(ctx->env, in->n, in->x, in->y, labels, k, in->geographic, hs);
	for (int h = 0; h < k; h++)
		if (hs[h].size > 0)
		{
			sum += hs[h].mean_dist;
			if (hs[h].mean_dist > w)
				w = hs[h].mean_dist;
			used++;
		}
	spectral_free(ctx, hs);
	if (worst)
		*worst = w;
	return used > 0 ? sum / used : 0.0;
}
