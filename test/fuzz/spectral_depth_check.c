/*
 * The recursive bisection of balanced_spectral_cluster (more than 16 hubs)
 * must use a C stack that does not grow with the depth of its cuts: a sweep
 * that keeps peeling one hub off the end of its part nests as many levels as
 * there are hubs, and a backend's stack holds some 40,000 of them at most.
 *
 * The input: clusters of 8 points on a line, the gaps between clusters
 * growing against the points' local scale (the 7th neighbour, inside the
 * cluster), so that the weakest link of each part is at its end and the
 * sweep peels one cluster off at a time, as deep as the points allow (a
 * 200-point chain keeps the eigensolver dense and exact).  Two chains of the
 * same points and hubs, one whose gaps grow fast (deep cuts), one slowly
 * (balanced cuts): the deepest stack seen by the interrupt callback, which
 * the bisection calls at each part, must be the same for both.  A recursion
 * adds a frame per level (some 200 bytes).  Also checks each hub has 8 points.
 *
 *   spectral_depth_check
 */
#include "../../src/spectral.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define HUB 8
#define HUBS 25
#define N (HUB * HUBS)
/* slack for frames that differ by the path taken, not by the depth */
#define SLACK 256

static uintptr_t deepest;

static void *
Alloc(size_t size, void *arg)
{
	void	   *p = malloc(size);

	if (p == NULL)
	{
		fprintf(stderr, "spectral_depth_check: out of memory\n");
		exit(2);
	}
	return p;
}

static void
Release(void *ptr, void *arg)
{
	free(ptr);
}

static void
Interrupt(void *arg)
{
	uintptr_t	sp = (uintptr_t) __builtin_frame_address(0);

	if (deepest == 0 || sp < deepest)
		deepest = sp;
}

/* Stack bytes below the caller used at the callback; -1 if clustering failed. */
static __attribute__((noinline)) long
Run(double growth, uintptr_t top)
{
	static double x[N],
				y[N];
	static int	labels[N];
	int			size[HUBS] = {0};
	double		at = 0.0;
	SpectralEnv env = {Alloc, Release, Interrupt, NULL};
	SpectralInput in = {N, x, y, false, HUBS, HUB, HUB, 0, 7};
	SpectralStats stats;

	for (int i = 0; i < N; i++)
	{
		if (i > 0 && i % HUB == 0)
			at += sqrt(growth * (i / HUB) + 1.0);
		x[i] = at;
		y[i] = (double) (i % HUB) / HUB;
	}
	deepest = 0;
	if (spectral_cluster(&env, &in, labels, &stats) != 0 || stats.method != 2)
		return -1;
	for (int i = 0; i < N; i++)
	{
		if (labels[i] < 0 || labels[i] >= HUBS)
			return -1;
		size[labels[i]]++;
	}
	for (int h = 0; h < HUBS; h++)
		if (size[h] != HUB)
			return -1;
	return (long) (top - deepest);
}

int
main(void)
{
	uintptr_t	top = (uintptr_t) __builtin_frame_address(0);
	long		deep = Run(0.5, top);
	long		flat = Run(0.05, top);

	if (deep < 0 || flat < 0)
	{
		fprintf(stderr, "spectral_depth_check: clustering failed or hubs not of %d points\n", HUB);
		return 1;
	}
	if (labs(deep - flat) > SLACK)
	{
		fprintf(stderr, "spectral_depth_check: the bisection's stack grows with its depth: "
				"%ld bytes on a chain cut one hub at a time, %ld on one cut evenly\n",
				deep, flat);
		return 1;
	}
	printf("spectral_depth_check: ok (stack %ld and %ld bytes)\n", deep, flat);
	return 0;
}
