/*
 * ensemble_bins.c - column binning and string codebooks (PG-free), shared by every tree learner.
 *
 * Bin edges are computed once per training from (a sample of) each numeric
 * column: every distinct value gets its own bin when there are at most
 * max_bins of them, otherwise a greedy equal-frequency pass over the sorted
 * distinct values places cuts so that heavy values keep their own bin (the
 * idea behind LightGBM's histogram binning).  An edge lies in [a, b) between
 * two neighbouring distinct values a < b, so "value <= edge" separates them
 * exactly; prediction applies the very same comparison.
 */
#include "ensemble.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "rng.h"

static void *
MallocAlloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void
MallocFree(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

const EnsAlloc ens_malloc_allocator = {MallocAlloc, MallocFree, NULL};

/*
 * Ask for transparent huge pages on the 2 MB-aligned interior of a large,
 * not yet touched buffer (random access to the bin matrix and to a big
 * forest otherwise spends much of its time in TLB misses).  Only a hint:
 * the contents are unaffected and failure is ignored.
 */
void
ens_hint_hugepages(void *p, size_t len)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t	a = ((uintptr_t) p + ((uintptr_t) 1 << 21) - 1) & ~(((uintptr_t) 1 << 21) - 1);
	uintptr_t	e = ((uintptr_t) p + len) & ~(((uintptr_t) 1 << 21) - 1);

	if (len >= ((size_t) 4 << 20) && e > a)
		(void) madvise((void *) a, e - a, MADV_HUGEPAGE);
#else
	(void) p;
	(void) len;
#endif
}

/*
 * Doubles as unsigned keys with the same order (sign bit flipped, negative
 * values complemented), so an LSD radix sort can order them.
 */
static inline uint64_t
DoubleKey(double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	return (u >> 63) ? ~u : (u | (UINT64_C(1) << 63));
}

static inline double
KeyDouble(uint64_t k)
{
	uint64_t	u = (k >> 63) ? (k & ~(UINT64_C(1) << 63)) : ~k;
	double		v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

/*
 * Sort n non-NaN doubles in place.  LSD radix sort over 8-bit digits that
 * skips every digit all keys share (small integer codes need 1 or 2
 * passes); several times faster than qsort with a comparison callback,
 * which dominated the fixed cost of training on small tables.
 */
static bool
SortDoubles(double *v, uint32_t n, const EnsAlloc *al)
{
	uint64_t   *a,
			   *b,
			   *t;
	uint32_t   *hist;
	uint32_t	i;
	int			d;

	if (n < 2)
		return true;
	a = al->alloc(al->ctx, (size_t) n * sizeof(uint64_t) * 2);
	hist = al->alloc(al->ctx, 8 * 256 * sizeof(uint32_t));
	if (a == NULL || hist == NULL)
	{
		if (a)
			al->free(al->ctx, a);
		if (hist)
			al->free(al->ctx, hist);
		return false;
	}
	b = a + n;
	memset(hist, 0, 8 * 256 * sizeof(uint32_t));
	for (i = 0; i < n; i++)
	{
		uint64_t	k = DoubleKey(v[i]);

		a[i] = k;
		for (d = 0; d < 8; d++)
			hist[d * 256 + ((k >> (8 * d)) & 0xFF)]++;
	}
	for (d = 0; d < 8; d++)
	{
		uint32_t   *h = hist + d * 256;
		uint32_t	sum = 0,
					c;

		if (h[(a[0] >> (8 * d)) & 0xFF] == n)
			continue;			/* every key has this digit */
		for (c = 0; c < 256; c++)
		{
			uint32_t	x = h[c];

			h[c] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			b[h[(a[i] >> (8 * d)) & 0xFF]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		v[i] = KeyDouble(a[i]);
	al->free(al->ctx, a < b ? a : b);
	al->free(al->ctx, hist);
	return true;
}

static double
EdgeBetween(double a, double b)
{
	double		m = a + (b - a) / 2.0;

	if (!(m >= a && m < b))
		m = a;
	if (!isfinite(m))
		m = isfinite(a) ? a : -DBL_MAX;
	return m;
}

/* value i of the rows the edges are computed from */
#define EDGE_VAL(i) (rows ? vals[rows[i]] : vals[i])

/*
 * The sorted distinct values of (a sample of at most ENS_EDGE_SAMPLE of)
 * the present values vals[rows[i]], i < n, in *sample (k of them) with
 * their counts in *cnt; *s: values sampled.  k <= 1: nothing allocated.
 */
static EnsStatus
SampleDistinct(const double *vals, const uint32_t *rows, uint32_t n, uint64_t seed,
			   const EnsAlloc *al, double **sample_out, uint32_t **cnt_out,
			   uint32_t *s_out, uint32_t *k_out)
{
	uint32_t	m = 0,
				s,
				i,
				k;
	double	   *sample;
	uint32_t   *cnt;

	*k_out = 0;
	for (i = 0; i < n; i++)
		if (!isnan(EDGE_VAL(i)))
			m++;
	if (m == 0)
		return ENS_OK;

	s = m > ENS_EDGE_SAMPLE ? ENS_EDGE_SAMPLE : m;
	sample = al->alloc(al->ctx, (size_t) s * sizeof(double));
	if (sample == NULL)
		return ENS_ENOMEM;
	if (s == m)
	{
		uint32_t	j = 0;

		for (i = 0; i < n; i++)
			if (!isnan(EDGE_VAL(i)))
				sample[j++] = EDGE_VAL(i);
	}
	else
	{
		/* selection sampling (Knuth, TAOCP 3.4.2 algorithm S) */
		EpRng		rng;
		uint32_t	need = s,
					left = m,
					j = 0;

		ep_rng_seed(&rng, seed, UINT64_C(0xB1B5));
		for (i = 0; i < n && need > 0; i++)
		{
			if (isnan(EDGE_VAL(i)))
				continue;
			if (ep_rng_below(&rng, left) < need)
			{
				sample[j++] = EDGE_VAL(i);
				need--;
			}
			left--;
		}
		s = j;
	}
	if (!SortDoubles(sample, s, al))
	{
		al->free(al->ctx, sample);
		return ENS_ENOMEM;
	}

	/* distinct values in place, counts alongside */
	cnt = al->alloc(al->ctx, (size_t) s * sizeof(uint32_t));
	if (cnt == NULL)
	{
		al->free(al->ctx, sample);
		return ENS_ENOMEM;
	}
	k = 0;
	for (i = 0; i < s; i++)
	{
		if (k > 0 && sample[k - 1] == sample[i])
			cnt[k - 1]++;
		else
		{
			sample[k] = sample[i];
			cnt[k] = 1;
			k++;
		}
	}
	if (k <= 1)
	{
		al->free(al->ctx, sample);
		al->free(al->ctx, cnt);
		return ENS_OK;
	}
	*sample_out = sample;
	*cnt_out = cnt;
	*s_out = s;
	*k_out = k;
	return ENS_OK;
}

/*
 * Keep edges[0..ne) strictly increasing and finite; hand them out (or
 * free them when none is left).
 */
static void
FinishEdges(double *edges, uint32_t ne, const EnsAlloc *al, double **edges_out,
			uint32_t *n_bins_out)
{
	uint32_t	i,
				j = 0;

	for (i = 0; i < ne; i++)
	{
		if (!isfinite(edges[i]))
			continue;
		if (j > 0 && !(edges[i] > edges[j - 1]))
			continue;
		edges[j++] = edges[i];
	}
	ne = j;
	if (ne == 0)
	{
		al->free(al->ctx, edges);
		return;
	}
	*edges_out = edges;
	*n_bins_out = ne + 1;
}

EnsStatus
ens_compute_edges(const double *vals, const uint32_t *rows, uint32_t n,
					 uint32_t max_bins,
					 uint64_t seed, const EnsAlloc *al,
					 double **edges_out, uint32_t *n_bins_out)
{
	uint32_t	s = 0,
				i,
				k,
				ne;
	double	   *sample = NULL;
	double	   *edges;
	uint32_t   *cnt = NULL;
	EnsStatus	rc;

	*edges_out = NULL;
	*n_bins_out = 1;
	if (max_bins < 2 || max_bins > ENS_MAX_BINS)
		return ENS_EINVAL;
	rc = SampleDistinct(vals, rows, n, seed, al, &sample, &cnt, &s, &k);
	if (rc != ENS_OK || k <= 1)
		return rc;

	edges = al->alloc(al->ctx, (size_t) max_bins * sizeof(double));
	if (edges == NULL)
	{
		al->free(al->ctx, sample);
		al->free(al->ctx, cnt);
		return ENS_ENOMEM;
	}
	ne = 0;
	if (k <= max_bins)
	{
		for (i = 0; i + 1 < k; i++)
			edges[ne++] = EdgeBetween(sample[i], sample[i + 1]);
	}
	else
	{
		double		rem = (double) s;
		double		acc = 0;

		for (i = 0; i + 1 < k; i++)
		{
			uint32_t	bins_left = max_bins - ne;
			uint32_t	distinct_left = k - 1 - i;
			double		target;

			acc += cnt[i];
			if (bins_left <= 1)
				break;
			target = rem / bins_left;
			if (acc >= target || distinct_left <= bins_left - 1)
			{
				edges[ne++] = EdgeBetween(sample[i], sample[i + 1]);
				rem -= acc;
				acc = 0;
			}
		}
	}
	al->free(al->ctx, sample);
	al->free(al->ctx, cnt);
	FinishEdges(edges, ne, al, edges_out, n_bins_out);
	return ENS_OK;
}

/*
 * The entries a weighted quantile summary keeps when pruned to maxsize
 * (XGBoost 1.7's WQSummary::SetPrune, the prune of Chen and Guestrin's
 * weighted quantile sketch, in its float32 rank arithmetic): the first and
 * the last entry, and for each of maxsize - 2 evenly spaced ranks the entry
 * whose rank bounds lie nearer to it.  Entry i has rank bounds rmin[i],
 * rmax[i] and weight w[i]; keep gets the kept indices, ascending, and their
 * number is returned.  bench/boost_uci_binning.py's prune_summary is the
 * same in Python.
 */
static uint32_t
SketchPrune(const float *rmin, const float *rmax, const float *w, uint32_t m,
			uint32_t maxsize, uint32_t *keep)
{
	volatile float begin,
				span;
	uint32_t	n,
				i,
				k,
				last = 0,
				nk = 0;

	if (m <= maxsize)
	{
		for (i = 0; i < m; i++)
			keep[i] = i;
		return m;
	}
	begin = rmax[0];
	span = rmin[m - 1] - rmax[0];
	n = maxsize - 1;
	keep[nk++] = 0;
	for (k = 1, i = 1; k < n; k++)
	{
		/* each step rounded to float, as XGBoost's float arithmetic */
		volatile float a = (float) k * span;
		volatile float q = a / (float) n;
		volatile float r = q + begin;
		volatile float dx2 = 2.0f * r;
		volatile float lo,
					hi;
		uint32_t	pick;

		while (i < m - 1)
		{
			volatile float bound = rmax[i + 1] + rmin[i + 1];

			if (!(dx2 >= bound))
				break;
			i++;
		}
		if (i == m - 1)
			break;
		lo = rmin[i] + w[i];
		hi = rmax[i + 1] - w[i + 1];
		{
			volatile float mid = lo + hi;

			pick = dx2 < mid ? i : i + 1;
		}
		if (pick != last)
		{
			keep[nk++] = pick;
			last = pick;
		}
	}
	if (last != m - 1)
		keep[nk++] = m - 1;
	return nk;
}

/*
 * Edges as XGBoost 1.7's hist places its cuts (tree_method "hist", max_bin
 * = max_bins): the sample's distinct values with exact rank bounds form a
 * weighted quantile summary, pruned to max_bins x 8 entries, then to
 * max_bins + 1; every kept value but the smallest is a cut, at most
 * max_bins - 1 of them (XGBoost's "value < cut: left").  An edge is the
 * double just below its cut, so "value <= edge" is the same test.
 */
EnsStatus
ens_compute_sketch_edges(const double *vals, const uint32_t *rows, uint32_t n,
						 uint32_t max_bins, uint64_t seed, const EnsAlloc *al,
						 double **edges_out, uint32_t *n_bins_out)
{
	uint32_t	s = 0,
				k,
				i,
				ne = 0,
				n1,
				n2,
				cap1,
				cap2;
	double	   *sample = NULL;
	double	   *edges = NULL;
	uint32_t   *cnt = NULL,
			   *keep1 = NULL,
			   *keep2 = NULL;
	float	   *rk = NULL;
	EnsStatus	rc;

	*edges_out = NULL;
	*n_bins_out = 1;
	if (max_bins < 2 || max_bins > ENS_MAX_BOOST_BINS)
		return ENS_EINVAL;
	rc = SampleDistinct(vals, rows, n, seed, al, &sample, &cnt, &s, &k);
	if (rc != ENS_OK || k <= 1)
		return rc;
	/* rank bounds (exact in float: s <= ENS_EDGE_SAMPLE < 2^24) */
	rk = al->alloc(al->ctx, (size_t) k * 6 * sizeof(float));
	keep1 = al->alloc(al->ctx, (size_t) k * sizeof(uint32_t));
	keep2 = al->alloc(al->ctx, (size_t) k * sizeof(uint32_t));
	edges = al->alloc(al->ctx, (size_t) max_bins * sizeof(double));
	if (rk == NULL || keep1 == NULL || keep2 == NULL || edges == NULL)
	{
		rc = ENS_ENOMEM;
		goto done;
	}
	{
		float	   *rmin = rk,
				   *rmax = rk + k,
				   *w = rk + 2 * (size_t) k,
				   *rmin2 = rk + 3 * (size_t) k,
				   *rmax2 = rk + 4 * (size_t) k,
				   *w2 = rk + 5 * (size_t) k;
		uint32_t	before = 0;

		for (i = 0; i < k; i++)
		{
			w[i] = (float) cnt[i];
			rmin[i] = (float) before;
			rmax[i] = rmin[i] + w[i];
			before += cnt[i];
		}
		cap1 = s < max_bins * 8 ? s : max_bins * 8;
		cap2 = (s < max_bins ? s : max_bins) + 1;
		n1 = SketchPrune(rmin, rmax, w, k, cap1, keep1);
		for (i = 0; i < n1; i++)
		{
			rmin2[i] = rmin[keep1[i]];
			rmax2[i] = rmax[keep1[i]];
			w2[i] = w[keep1[i]];
		}
		n2 = SketchPrune(rmin2, rmax2, w2, n1, cap2, keep2);
		/* kept values 1 .. min(n2, max_bins) - 1 are the cuts */
		for (i = 1; i < n2 && i < max_bins; i++)
		{
			double		cut = sample[keep1[keep2[i]]];

			edges[ne++] = nextafter(cut, -INFINITY);
		}
	}
	FinishEdges(edges, ne, al, edges_out, n_bins_out);
	edges = NULL;
done:
	if (edges)
		al->free(al->ctx, edges);
	if (keep2)
		al->free(al->ctx, keep2);
	if (keep1)
		al->free(al->ctx, keep1);
	if (rk)
		al->free(al->ctx, rk);
	al->free(al->ctx, sample);
	al->free(al->ctx, cnt);
	return rc;
}

#undef EDGE_VAL

/* Bin of a present numeric value: the number of edges below it. */
static inline uint8_t
NumericBin(const double *e, uint32_t ne, double v)
{
	const double *base = e;
	uint32_t	len = ne;

	if (ne == 0)
		return 0;
	/*
	 * branchless lower bound, at most 8 steps for 254 edges (as arithmetic:
	 * a ternary compiled to a branch)
	 */
	while (len > 1)
	{
		uint32_t	half = len / 2;

		base += (size_t) (base[half - 1] < v) * half;
		len -= half;
	}
	return (uint8_t) ((base - e) + (base[0] < v));
}

uint8_t
ens_bin_value(const EnsFeature *f, double v)
{
	if (isnan(v))
		return ENS_MISSING;
	if (f->kind == ENS_CATEGORICAL)
	{
		if (v >= 0 && v < (double) f->n_bins && v == floor(v))
			return (uint8_t) v;
		return ENS_MISSING;
	}
	/* first edge >= v; none: last bin */
	return NumericBin(f->edges, f->n_bins - 1, v);
}

int
ens_bytes_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	uint32_t	n = alen < blen ? alen : blen;
	int			c = n ? memcmp(a, b, n) : 0;

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

int64_t
ens_category_code(const EnsFeature *f, const char *s, uint32_t len)
{
	uint32_t	lo = 0,
				hi;

	if (f->kind != ENS_CATEGORICAL)
		return -1;
	hi = f->n_bins;
	if (f->hashed)
	{
		uint64_t	h = ens_siphash(f->salt[0], f->salt[1], s, len);

		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) >> 1;

			if (f->hash_sorted[mid] == h)
				return f->hash_code[mid];
			if (f->hash_sorted[mid] < h)
				lo = mid + 1;
			else
				hi = mid;
		}
		return -1;
	}
	while (lo < hi)
	{
		uint32_t	mid = (lo + hi) >> 1;
		int			c = ens_bytes_cmp(f->cats[mid], f->cat_len[mid], s, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * The lookup index of a hashed codebook: its hashes sorted, with the code of
 * each (sorted and codes hold n_bins).  False if two categories share a hash.
 */
bool
ens_hash_index(EnsFeature *f, uint64_t *sorted, uint8_t *codes)
{
	uint32_t	i,
				j;

	for (i = 0; i < f->n_bins; i++)
	{
		uint64_t	h = f->cat_hash[i];

		for (j = i; j > 0 && sorted[j - 1] > h; j--)
		{
			sorted[j] = sorted[j - 1];
			codes[j] = codes[j - 1];
		}
		sorted[j] = h;
		codes[j] = (uint8_t) i;
	}
	for (i = 1; i < f->n_bins; i++)
		if (sorted[i] == sorted[i - 1])
			return false;
	f->hash_sorted = sorted;
	f->hash_code = codes;
	return true;
}

/* ---------- string dictionary (open addressing, FNV-1a) ---------- */

typedef struct DictEntry
{
	uint64_t	off;			/* into arena */
	uint32_t	len;
	uint32_t	hash;
	uint64_t	count;
} DictEntry;

struct EnsDict
{
	EnsAlloc al;
	DictEntry  *entries;		/* by id */
	uint32_t	n,
				cap_entries;
	int32_t    *slots;			/* -1 empty, else id */
	uint32_t	n_slots;		/* power of two */
	char	   *arena;
	uint64_t	arena_used,
				arena_cap;
};

static uint32_t
HashBytes(const char *s, uint32_t len)
{
	uint32_t	h = 2166136261u;
	uint32_t	i;

	for (i = 0; i < len; i++)
	{
		h ^= (uint8_t) s[i];
		h *= 16777619u;
	}
	return h;
}

EnsDict *
ens_dict_create(const EnsAlloc *al)
{
	EnsDict *d = al->alloc(al->ctx, sizeof(EnsDict));
	uint32_t	i;

	if (d == NULL)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->al = *al;
	d->n_slots = 64;
	d->slots = al->alloc(al->ctx, d->n_slots * sizeof(int32_t));
	d->cap_entries = 32;
	d->entries = al->alloc(al->ctx, d->cap_entries * sizeof(DictEntry));
	d->arena_cap = 1024;
	d->arena = al->alloc(al->ctx, d->arena_cap);
	if (d->slots == NULL || d->entries == NULL || d->arena == NULL)
	{
		ens_dict_free(d);
		return NULL;
	}
	for (i = 0; i < d->n_slots; i++)
		d->slots[i] = -1;
	return d;
}

void
ens_dict_free(EnsDict *d)
{
	if (d == NULL)
		return;
	if (d->slots)
		d->al.free(d->al.ctx, d->slots);
	if (d->entries)
		d->al.free(d->al.ctx, d->entries);
	if (d->arena)
		d->al.free(d->al.ctx, d->arena);
	d->al.free(d->al.ctx, d);
}

static int64_t
DictLookup(const EnsDict *d, const char *s, uint32_t len, uint32_t h, uint32_t *slot)
{
	uint32_t	mask = d->n_slots - 1;
	uint32_t	i = h & mask;

	for (;;)
	{
		int32_t		id = d->slots[i];

		if (id < 0)
		{
			*slot = i;
			return -1;
		}
		if (d->entries[id].hash == h && d->entries[id].len == len &&
			(len == 0 || memcmp(d->arena + d->entries[id].off, s, len) == 0))
		{
			*slot = i;
			return id;
		}
		i = (i + 1) & mask;
	}
}

/* the hash table of d's first n entries in ns slots (ns: a power of two) */
static void
DictRehash(const EnsDict *d, uint32_t n, int32_t *slots, uint32_t ns)
{
	uint32_t	i;

	for (i = 0; i < ns; i++)
		slots[i] = -1;
	for (i = 0; i < n; i++)
	{
		uint32_t	j = d->entries[i].hash & (ns - 1);

		while (slots[j] >= 0)
			j = (j + 1) & (ns - 1);
		slots[j] = (int32_t) i;
	}
}

/* n_slots (uint32, twice the entries at most) must not wrap to 0 */
_Static_assert(ENS_DICT_MAX_ENTRIES <= (1u << 30), "a dictionary's slots must fit in uint32");

/*
 * The id of s, added if new.  -1 (out of memory, or ENS_DICT_MAX_ENTRIES
 * entries already: ens_dict_full tells which) leaves d as it was: every
 * buffer that must grow is allocated before any changes.
 */
int64_t
ens_dict_add(EnsDict *d, const char *s, uint32_t len)
{
	uint32_t	h = HashBytes(s, len);
	uint32_t	slot;
	int64_t		id = DictLookup(d, s, len, h, &slot);
	uint32_t	nc = d->cap_entries,
				ns = d->n_slots;
	uint64_t	ac = d->arena_cap;
	DictEntry  *ne = NULL;
	char	   *na = NULL;
	int32_t    *nsl = NULL;

	if (id >= 0)
	{
		d->entries[id].count++;
		return id;
	}
	if (ens_dict_full(d))
		return -1;
	/* what must grow: entries, the arena (+1 for a NUL), slots (load <= 1/2) */
	if (d->n == d->cap_entries)
		nc = d->cap_entries * 2;
	while (d->arena_used + len + 1 > ac)
		ac *= 2;
	if ((uint64_t) (d->n + 1) * 2 > d->n_slots)
		ns = d->n_slots * 2;
	if ((nc != d->cap_entries &&
		 (ne = d->al.alloc(d->al.ctx, (size_t) nc * sizeof(DictEntry))) == NULL) ||
		(ac != d->arena_cap && (na = d->al.alloc(d->al.ctx, ac)) == NULL) ||
		(ns != d->n_slots &&
		 (nsl = d->al.alloc(d->al.ctx, (size_t) ns * sizeof(int32_t))) == NULL))
	{
		if (ne)
			d->al.free(d->al.ctx, ne);
		if (na)
			d->al.free(d->al.ctx, na);
		return -1;
	}
	if (ne)
	{
		memcpy(ne, d->entries, (size_t) d->n * sizeof(DictEntry));
		d->al.free(d->al.ctx, d->entries);
		d->entries = ne;
		d->cap_entries = nc;
	}
	if (na)
	{
		memcpy(na, d->arena, d->arena_used);
		d->al.free(d->al.ctx, d->arena);
		d->arena = na;
		d->arena_cap = ac;
	}
	if (len)
		memcpy(d->arena + d->arena_used, s, len);
	d->arena[d->arena_used + len] = '\0';
	d->entries[d->n].off = d->arena_used;
	d->entries[d->n].len = len;
	d->entries[d->n].hash = h;
	d->entries[d->n].count = 1;
	d->arena_used += len + 1;
	id = d->n++;
	if (nsl)
	{
		DictRehash(d, d->n, nsl, ns);
		d->al.free(d->al.ctx, d->slots);
		d->slots = nsl;
		d->n_slots = ns;
	}
	else
		d->slots[slot] = (int32_t) id;
	return id;
}

/* d holds as many strings as a dictionary can: a new one is refused */
bool
ens_dict_full(const EnsDict *d)
{
	return d->n >= ENS_DICT_MAX_ENTRIES;
}

uint32_t
ens_dict_size(const EnsDict *d)
{
	return d->n;
}

const char *
ens_dict_get(const EnsDict *d, uint32_t id, uint32_t *len, uint64_t *count)
{
	if (id >= d->n)
		return NULL;
	if (len)
		*len = d->entries[id].len;
	if (count)
		*count = d->entries[id].count;
	return d->arena + d->entries[id].off;
}

/* ---------- the train/test split ---------- */

/*
 * Deterministic train/test split of rows 0..n-1.  With cls (n_classes k)
 * the split is stratified: every class gives round(test_fraction * n_k)
 * rows to the test part but keeps at least one for training.  Both lists
 * come back in increasing row order.
 */
EnsStatus
ens_split_rows(const uint32_t *cls, uint32_t k, uint32_t n,
				  double test_fraction, uint64_t seed, const EnsAlloc *al,
				  uint32_t **train, uint32_t *n_train,
				  uint32_t **test, uint32_t *n_test)
{
	uint32_t   *perm,
			   *tr,
			   *te;
	uint32_t	ntr = 0,
				nte = 0,
				i;
	EpRng		rng;
	uint32_t	groups = cls ? k : 1;
	uint32_t	g;
	uint32_t   *start;

	*train = *test = NULL;
	*n_train = *n_test = 0;
	perm = al->alloc(al->ctx, (size_t) n * sizeof(uint32_t));
	tr = al->alloc(al->ctx, (size_t) n * sizeof(uint32_t));
	te = al->alloc(al->ctx, (size_t) n * sizeof(uint32_t));
	start = al->alloc(al->ctx, ((size_t) groups + 1) * sizeof(uint32_t));
	if (!perm || !tr || !te || !start)
	{
		if (perm)
			al->free(al->ctx, perm);
		if (tr)
			al->free(al->ctx, tr);
		if (te)
			al->free(al->ctx, te);
		if (start)
			al->free(al->ctx, start);
		return ENS_ENOMEM;
	}
	/* counting sort rows by group */
	memset(start, 0, ((size_t) groups + 1) * sizeof(uint32_t));
	for (i = 0; i < n; i++)
	{
		uint32_t	gi = cls ? cls[i] : 0;

		if (gi >= groups)
		{
			al->free(al->ctx, perm);
			al->free(al->ctx, tr);
			al->free(al->ctx, te);
			al->free(al->ctx, start);
			return ENS_EINVAL;
		}
		start[gi + 1]++;
	}
	for (g = 0; g < groups; g++)
		start[g + 1] += start[g];
	{
		uint32_t   *fill = al->alloc(al->ctx, ((size_t) groups + 1) * sizeof(uint32_t));

		if (fill == NULL)
		{
			al->free(al->ctx, perm);
			al->free(al->ctx, tr);
			al->free(al->ctx, te);
			al->free(al->ctx, start);
			return ENS_ENOMEM;
		}
		memcpy(fill, start, (size_t) groups * sizeof(uint32_t));
		for (i = 0; i < n; i++)
			perm[fill[cls ? cls[i] : 0]++] = i;
		al->free(al->ctx, fill);
	}
	ep_rng_seed(&rng, seed, UINT64_C(0x5E1177));
	for (g = 0; g < groups; g++)
	{
		uint32_t	a = start[g],
					b = start[g + 1],
					ng = b - a,
					nt,
					j;

		/* Fisher-Yates within the group */
		for (j = ng; j > 1; j--)
		{
			uint32_t	r = ep_rng_below(&rng, j);
			uint32_t	t = perm[a + j - 1];

			perm[a + j - 1] = perm[a + r];
			perm[a + r] = t;
		}
		nt = (uint32_t) floor(test_fraction * ng + 0.5);
		if (ng > 0 && nt >= ng)
			nt = ng - 1;
		for (j = 0; j < ng; j++)
		{
			if (j < nt)
				te[nte++] = perm[a + j];
			else
				tr[ntr++] = perm[a + j];
		}
	}
	/* both lists in increasing row order: mark the test rows, one pass */
	memset(perm, 0, (size_t) n * sizeof(uint32_t));
	for (i = 0; i < nte; i++)
		perm[te[i]] = 1;
	ntr = nte = 0;
	for (i = 0; i < n; i++)
	{
		if (perm[i])
			te[nte++] = i;
		else
			tr[ntr++] = i;
	}
	al->free(al->ctx, perm);
	al->free(al->ctx, start);
	*train = tr;
	*n_train = ntr;
	*test = te;
	*n_test = nte;
	return ENS_OK;
}

/*
 * Stratified folds of items 0..n-1, item i of class cls[rows ? rows[i] : i]
 * (< K): each class's items, in item order, shuffled with rng (Fisher-Yates)
 * and dealt to the k folds in turn with one running count over the classes,
 * so folds differ by at most one item, and by at most one of each class.
 * cross_validate's stratified folds (model_folds.c) and a cross-fitted
 * forest's calibration folds (forest_cvcal.c).  intr is asked once per class.
 */
EnsStatus
ens_stratified_folds(const uint32_t *cls, const uint32_t *rows, uint32_t n, uint32_t K,
					 uint32_t k, EpRng *rng, const EnsAlloc *al, EnsInterruptFn intr,
					 void *intr_arg, uint32_t *fold_of)
{
	uint32_t   *start = al->alloc(al->ctx, sizeof(uint32_t) * (K + 1)),
			   *fill = al->alloc(al->ctx, sizeof(uint32_t) * (K + 1)),
			   *pos = al->alloc(al->ctx, sizeof(uint32_t) * (n ? n : 1));
	uint32_t	c,
				i,
				deal = 0;
	EnsStatus	rc = ENS_OK;

	if (!start || !fill || !pos)
		rc = ENS_ENOMEM;
	for (i = 0; i < n && rc == ENS_OK; i++)
		if (cls[rows ? rows[i] : i] >= K)
			rc = ENS_EINVAL;
	if (rc == ENS_OK)
	{
		memset(start, 0, sizeof(uint32_t) * (K + 1));
		for (i = 0; i < n; i++)
			start[cls[rows ? rows[i] : i] + 1]++;
		for (c = 0; c < K; c++)
			start[c + 1] += start[c];
		memcpy(fill, start, sizeof(uint32_t) * (K + 1));
		for (i = 0; i < n; i++)
			pos[fill[cls[rows ? rows[i] : i]]++] = i;
	}
	for (c = 0; c < K && rc == ENS_OK; c++)
	{
		uint32_t   *a = pos + start[c],
					j;

		if (intr && intr(intr_arg))
		{
			rc = ENS_EINTR;
			break;
		}
		for (j = start[c + 1] - start[c]; j > 1; j--)
		{
			uint32_t	r = ep_rng_below(rng, j),
						t = a[j - 1];

			a[j - 1] = a[r];
			a[r] = t;
		}
		for (i = start[c]; i < start[c + 1]; i++)
			fold_of[pos[i]] = deal++ % k;
	}
	if (start)
		al->free(al->ctx, start);
	if (fill)
		al->free(al->ctx, fill);
	if (pos)
		al->free(al->ctx, pos);
	return rc;
}
