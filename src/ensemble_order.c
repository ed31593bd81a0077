/*
 * ensemble_order.c - a canonical row order for training sets (PG-free).
 *
 * A model must be a function of the rows' contents, the parameters and the
 * seed, never of the order the rows arrive in (a reversed table, VACUUM
 * FULL, a distributed table's shards).  Every row gets a 64-bit hash of its
 * contents (categorical values and text labels by their bytes, through a
 * per-value hash the caller supplies, so dictionary ids that depend on the
 * arrival order never count); rows are radix-sorted by it, and the rare
 * equal hashes are ordered by the contents themselves.  Rows with equal
 * contents are interchangeable, so any order among them gives the same
 * model.  The sum of the row hashes, hashed again, is an order-free
 * fingerprint of the set (the runs' fingerprint and the salt of hashed
 * categories).
 *
 * SipHash-2-4 (Aumasson & Bernstein 2012) hashes byte strings: the same
 * function, keyed with a salt, hashes the category values that models store
 * instead of the text.
 */
#include "ensemble.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BLOCK 4096		/* rows hashed side by side */
#define HASH_PIECE 65536	/* rows of one piece of the hashing job */

#define ROTL(x, b) (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND \
	do { \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

uint64_t
ens_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t	v0 = UINT64_C(0x736f6d6570736575) ^ k0;
	uint64_t	v1 = UINT64_C(0x646f72616e646f6d) ^ k1;
	uint64_t	v2 = UINT64_C(0x6c7967656e657261) ^ k0;
	uint64_t	v3 = UINT64_C(0x7465646279746573) ^ k1;
	uint64_t	b = (uint64_t) len << 56;
	size_t		i,
				end = len - (len % 8);

	for (i = 0; i < end; i += 8)
	{
		uint64_t	m = 0;
		int			j;

		for (j = 0; j < 8; j++)
			m |= (uint64_t) p[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (i = 0; i < len % 8; i++)
		b |= (uint64_t) p[end + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The key of one value: equal contents, equal keys (NaN and -0 normalised). */
static inline uint64_t
ValueKey(double v, const uint64_t *strhash)
{
	uint64_t	u;

	if (isnan(v))
		return UINT64_C(0x7ff8000000000000);
	if (strhash)
		return strhash[(uint32_t) v];
	if (v == 0)
		v = 0;
	memcpy(&u, &v, sizeof(u));
	return u;
}

static inline uint64_t
Mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

typedef struct OrderSet
{
	uint32_t	p;
	const double *const *cols;
	const uint64_t *const *strhash;
	const double *y;
	const uint64_t *yhash;
} OrderSet;

static int
CmpContents(const OrderSet *s, uint32_t a, uint32_t b)
{
	uint32_t	f;
	uint64_t	x,
				z;

	for (f = 0; f < s->p; f++)
	{
		x = ValueKey(s->cols[f][a], s->strhash ? s->strhash[f] : NULL);
		z = ValueKey(s->cols[f][b], s->strhash ? s->strhash[f] : NULL);
		if (x != z)
			return x < z ? -1 : 1;
	}
	x = ValueKey(s->y[a], s->yhash);
	z = ValueKey(s->y[b], s->yhash);
	return x < z ? -1 : (x > z);
}

/*
 * Sort one run of equal hashes by contents: a stable merge sort, so even a
 * crafted run of colliding rows costs n log n, not n^2 (tmp holds n).
 */
static void
SortRun(const OrderSet *s, uint32_t *idx, uint32_t n, uint32_t *tmp)
{
	uint32_t	w,
				i;

	for (w = 1; w < n; w *= 2)
	{
		for (i = 0; i < n; i += 2 * w)
		{
			uint32_t	a = i,
						am = i + w < n ? i + w : n,
						b = am,
						bm = i + 2 * w < n ? i + 2 * w : n,
						k = i;

			while (a < am && b < bm)
				tmp[k++] = CmpContents(s, idx[b], idx[a]) < 0 ? idx[b++] : idx[a++];
			while (a < am)
				tmp[k++] = idx[a++];
			while (b < bm)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, sizeof(uint32_t) * n);
	}
}

typedef struct HashJob
{
	const OrderSet *s;
	uint64_t   *key;
	uint32_t   *idx;
	uint32_t	n;
	uint64_t   *sums;			/* per piece: the sum of its row hashes */
} HashJob;

/*
 * Hashes of the rows of one piece, a block at a time and column by column:
 * each row's hash is a chain of dependent multiplications, so running the
 * block's chains side by side keeps the multiplier busy (row by row, 2-3x
 * slower).
 */
static void
HashPiece(void *ctx, int thread, uint32_t piece)
{
	HashJob    *jb = (HashJob *) ctx;
	const OrderSet *s = jb->s;
	uint32_t	st = piece * HASH_PIECE,
				en = jb->n - st < HASH_PIECE ? jb->n : st + HASH_PIECE,
				i,
				f;
	uint64_t	sum = 0;

	(void) thread;
	for (i = st; i < en; i += HASH_BLOCK)
	{
		uint32_t	m = en - i < HASH_BLOCK ? en - i : HASH_BLOCK,
					j;
		uint64_t   *k = jb->key + i;

		for (j = 0; j < m; j++)
			k[j] = UINT64_C(0x243f6a8885a308d3);
		for (f = 0; f < s->p; f++)
		{
			const double *c = s->cols[f] + i;
			const uint64_t *sh = s->strhash ? s->strhash[f] : NULL;

			for (j = 0; j < m; j++)
				k[j] = Mix(k[j] ^ ValueKey(c[j], sh)) + f;
		}
		for (j = 0; j < m; j++)
		{
			k[j] = Mix(k[j] ^ ValueKey(s->y[i + j], s->yhash));
			jb->idx[i + j] = i + j;
			sum += k[j];
		}
	}
	jb->sums[piece] = sum;
}

/*
 * perm[i] = the row that goes to position i.  strhash[f] (NULL for a
 * numeric column, or strhash itself NULL when every column is numeric)
 * maps a categorical column's ids to hashes of their bytes; yhash likewise
 * for label ids of a text target.  rn (NULL: the calling thread) hashes
 * pieces of rows side by side; the sort stays on the caller.
 */
EnsStatus
ens_canonical_order(uint32_t n, uint32_t p, const double *const *cols,
					const uint64_t *const *strhash, const double *y,
					const uint64_t *yhash, const EnsAlloc *al,
					const EnsRunner *rn, EnsInterruptFn intr, void *intr_arg,
					uint32_t **perm_out, uint64_t *fingerprint)
{
	OrderSet	s = {p, cols, strhash, y, yhash};
	uint64_t   *key = al->alloc(al->ctx, sizeof(uint64_t) * 2 * (size_t) (n ? n : 1));
	uint32_t   *idx = al->alloc(al->ctx, sizeof(uint32_t) * 2 * (size_t) (n ? n : 1));
	uint32_t   *cnt = al->alloc(al->ctx, sizeof(uint32_t) * 65536);
	uint64_t	sum = 0;
	uint32_t	i;
	int			pass;

	*perm_out = NULL;
	if (!key || !idx || !cnt)
	{
		if (key)
			al->free(al->ctx, key);
		if (idx)
			al->free(al->ctx, idx);
		if (cnt)
			al->free(al->ctx, cnt);
		return ENS_ENOMEM;
	}
	{
		HashJob		j = {&s, key, idx, n, NULL};
		uint32_t	np = (uint32_t) (((uint64_t) n + HASH_PIECE - 1) / HASH_PIECE),
					c;
		EnsStatus	rc;

		j.sums = al->alloc(al->ctx, sizeof(uint64_t) * (np ? np : 1));
		if (j.sums == NULL)
		{
			al->free(al->ctx, key);
			al->free(al->ctx, idx);
			al->free(al->ctx, cnt);
			return ENS_ENOMEM;
		}
		rc = ens_run_pieces(rn, HashPiece, &j, np, intr, intr_arg);
		for (c = 0; c < np; c++)
			sum += j.sums[c];
		al->free(al->ctx, j.sums);
		if (rc != ENS_OK)
			goto interrupted;
	}
	/* LSD radix sort by the hash, 16 bits a pass; stable, so ties keep order */
	for (pass = 0; pass < 4; pass++)
	{
		uint64_t   *ksrc = key + (pass & 1 ? n : 0),
				   *kdst = key + (pass & 1 ? 0 : n);
		uint32_t   *isrc = idx + (pass & 1 ? n : 0),
				   *idst = idx + (pass & 1 ? 0 : n);
		uint32_t	total = 0;
		int			sh = 16 * pass;

		if (intr && intr(intr_arg))
			goto interrupted;
		memset(cnt, 0, sizeof(uint32_t) * 65536);
		for (i = 0; i < n; i++)
			cnt[(ksrc[i] >> sh) & 0xFFFF]++;
		for (i = 0; i < 65536; i++)
		{
			uint32_t	c = cnt[i];

			cnt[i] = total;
			total += c;
		}
		for (i = 0; i < n; i++)
		{
			uint32_t	d = cnt[(ksrc[i] >> sh) & 0xFFFF]++;

			kdst[d] = ksrc[i];
			idst[d] = isrc[i];
		}
	}
	/* four passes: the result is back in the first halves */
	for (i = 0; i < n;)
	{
		uint32_t	j = i + 1;

		if ((i & 0xFFFF) == 0 && intr && intr(intr_arg))
			goto interrupted;
		while (j < n && key[j] == key[i])
			j++;
		if (j - i > 1)
			SortRun(&s, idx + i, j - i, idx + n);
		i = j;
	}
	al->free(al->ctx, key);
	al->free(al->ctx, cnt);
	*perm_out = idx;
	if (fingerprint)
	{
		/*
		 * The sum hashed once more: two fingerprints of sets one row apart
		 * must not differ by that row's hash, which a role that sees both
		 * (a model's grantee reading its runs or its bytes' salt) could
		 * match against rows it hashes itself by training on them.
		 */
		uint8_t		b[8];
		int			k;

		for (k = 0; k < 8; k++)
			b[k] = (uint8_t) (sum >> (8 * k));
		*fingerprint = ens_siphash(UINT64_C(0x6564757072656469), UINT64_C(0x66696e6765727072), b, sizeof(b));
	}
	return ENS_OK;

interrupted:
	al->free(al->ctx, key);
	al->free(al->ctx, idx);
	al->free(al->ctx, cnt);
	return ENS_EINTR;
}
