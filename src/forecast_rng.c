/*
 * forecast_rng.c
 *	  Counter-based pseudo-random numbers for the tutor data generator: each
 *	  draw is a pure function of (seed, stream, key1, key2), so the generated
 *	  data is the same for a seed whatever the plan, row order or parallelism.
 *	  The mixing is SplitMix64 (Steele, Lea and Flood, "Fast splittable
 *	  pseudorandom number generators", OOPSLA 2014), applied to each key in
 *	  turn: the one generator of src/rng.h, which every engine uses.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "rng.h"

/* SplitMix64 of one value (ep_splitmix64 advances a state and mixes it) */
static inline uint64
SplitMix64(uint64 x)
{
	return ep_splitmix64(&x);
}

/* A double uniform on the open interval (0, 1). */
static float8
UniformFromKeys(int64 seed, int64 stream, int64 k1, int64 k2)
{
	uint64		x = SplitMix64((uint64) seed);

	x = SplitMix64(x ^ (uint64) stream);
	x = SplitMix64(x ^ (uint64) k1);
	x = SplitMix64(x ^ (uint64) k2);
	return ((float8) (x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

PG_FUNCTION_INFO_V1(seeded_uniform);
Datum
seeded_uniform(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(UniformFromKeys(PG_GETARG_INT64(0), PG_GETARG_INT64(1),
									 PG_GETARG_INT64(2), PG_GETARG_INT64(3)));
}

PG_FUNCTION_INFO_V1(seeded_normal);
Datum
seeded_normal(PG_FUNCTION_ARGS)
{
	int64		seed = PG_GETARG_INT64(0);
	int64		stream = PG_GETARG_INT64(1);
	int64		k1 = PG_GETARG_INT64(2);
	int64		k2 = PG_GETARG_INT64(3);
	float8		u1 = UniformFromKeys(seed, stream, k1, k2);
	/* A second, independent uniform from a derived stream (Box-Muller). */
	float8		u2 = UniformFromKeys(seed, ~stream, k1, k2);

	PG_RETURN_FLOAT8(sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
}
