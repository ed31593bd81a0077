/*
 * rng.h - small, seedable, deterministic PRNG for the forest engine.
 *
 * splitmix64 expands a 64-bit seed into the state of xoshiro256**
 * (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 2021).  Bounded integers use Lemire's multiply-shift with
 * rejection, so results are unbiased and identical on every platform.
 *
 * PG-free: included by the engine, the fuzz driver and the PG layer.
 */
#ifndef EDUPREDICT_RNG_H
#define EDUPREDICT_RNG_H

#include <stdint.h>

typedef struct EpRng
{
	uint64_t	s[4];
} EpRng;

static inline uint64_t
ep_splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Seed from (seed, stream): each tree gets an independent stream. */
static inline void
ep_rng_seed(EpRng *r, uint64_t seed, uint64_t stream)
{
	uint64_t	x = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = ep_splitmix64(&x);
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

static inline uint64_t
ep_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t
ep_rng_next(EpRng *r)
{
	uint64_t	result = ep_rotl(r->s[1] * 5, 7) * 9;
	uint64_t	t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = ep_rotl(r->s[3], 45);
	return result;
}

/* Uniform integer in [0, n), n >= 1 (n < 2^32). */
static inline uint32_t
ep_rng_below(EpRng *r, uint32_t n)
{
	uint64_t	m = (uint64_t) (uint32_t) (ep_rng_next(r) >> 32) * n;
	uint32_t	l = (uint32_t) m;

	if (l < n)
	{
		uint32_t	t = (uint32_t) (-n) % n;

		while (l < t)
		{
			m = (uint64_t) (uint32_t) (ep_rng_next(r) >> 32) * n;
			l = (uint32_t) m;
		}
	}
	return (uint32_t) (m >> 32);
}

/* Uniform double in [0, 1). */
static inline double
ep_rng_unit(EpRng *r)
{
	return (double) (ep_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

#endif							/* EDUPREDICT_RNG_H */
