/*
 * ensemble_format.c - the tree-ensemble model format: serialisation and validation
 * (PG-free, so the fuzz driver links it without a backend).
 *
 * Format (all integers little-endian):
 *
 *   header   "EDPF" u16 version=1 u16 0 | u8 task u8 0 u16 0 |
 *            u32 n_features u32 n_classes u32 n_trees u32 0
 *   features n_features x { u8 kind u8 0 u16 0 | u32 name_len name |
 *            u32 n_bins | numeric: (n_bins-1) x f64 edges
 *                       | categorical: n_bins x { u32 len bytes } }
 *   classes  n_classes x { u32 len bytes }
 *   import.  n_features x f64
 *   trees    n_trees x { u32 n_nodes u32 n_cats u32 n_leaves |
 *            n_cats x { u32 child u32 bits[8] } |
 *            n_leaves x n_classes x f32 |
 *            n_nodes x { u32 a u16 feature u8 bin u8 flags } }
 *   trailer  u32 CRC-32C of everything before it
 *
 * Indices inside a tree are tree-local; the parsed model makes them
 * absolute.  ens_deserialize validates every count against the bytes
 * left before allocating, every index, every float and every reserved
 * field, in a first pass that allocates nothing; the second pass fills one
 * allocation.  Any inconsistency returns an error code and a detail text
 * (which never echoes names or labels).
 */
#include "ensemble.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HEADER_BYTES 28
#define NODE_BYTES 8
#define CAT_BYTES 36

/* ---------- CRC-32C (Castagnoli), slice-by-8 ---------- */

static uint32_t crc_table[8][256];
static volatile int crc_ready = 0;

static void
CrcInit(void)
{
	uint32_t	i,
				j;

	for (i = 0; i < 256; i++)
	{
		uint32_t	c = i;

		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc_table[j][i] = (crc_table[j - 1][i] >> 8) ^
				crc_table[0][crc_table[j - 1][i] & 0xFF];
	crc_ready = 1;
}

uint32_t
ens_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
	if (!crc_ready)
		CrcInit();
	crc = ~crc;
	while (len >= 8)
	{
		uint32_t	lo = crc ^ ((uint32_t) p[0] | (uint32_t) p[1] << 8 |
								(uint32_t) p[2] << 16 | (uint32_t) p[3] << 24);
		uint32_t	hi = (uint32_t) p[4] | (uint32_t) p[5] << 8 |
			(uint32_t) p[6] << 16 | (uint32_t) p[7] << 24;

		crc = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
			crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
			crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
			crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xFF];
	return ~crc;
}

const char *
ens_strerror(EnsStatus s)
{
	switch (s)
	{
		case ENS_OK:
			return "success";
		case ENS_ENOMEM:
			return "out of memory";
		case ENS_EINTR:
			return "interrupted";
		case ENS_EINVAL:
			return "invalid argument";
		case ENS_ETRUNC:
			return "model data is truncated";
		case ENS_EMAGIC:
			return "data is not an edupredict forest model";
		case ENS_EVERSION:
			return "unsupported model format version";
		case ENS_ECHECKSUM:
			return "model checksum mismatch";
		case ENS_ECORRUPT:
			return "model data is inconsistent";
		case ENS_ELIMIT:
			return "model exceeds a size limit";
	}
	return "unknown error";
}

/* ---------- writer ---------- */

typedef struct Writer
{
	uint8_t    *p;
	size_t		pos;
} Writer;

static void
W8(Writer *w, uint8_t v)
{
	w->p[w->pos++] = v;
}

static void
W16(Writer *w, uint16_t v)
{
	w->p[w->pos++] = (uint8_t) v;
	w->p[w->pos++] = (uint8_t) (v >> 8);
}

static void
W32(Writer *w, uint32_t v)
{
	int			i;

	for (i = 0; i < 4; i++)
		w->p[w->pos++] = (uint8_t) (v >> (8 * i));
}

static void
W64(Writer *w, uint64_t v)
{
	int			i;

	for (i = 0; i < 8; i++)
		w->p[w->pos++] = (uint8_t) (v >> (8 * i));
}

static void
WF64(Writer *w, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	W64(w, v);
}

static void
WF32(Writer *w, float f)
{
	uint32_t	v;

	memcpy(&v, &f, 4);
	W32(w, v);
}

static void
WBytes(Writer *w, const char *s, uint32_t len)
{
	W32(w, len);
	if (len)
		memcpy(w->p + w->pos, s, len);
	w->pos += len;
}

static uint32_t
TreeLeaves(const EnsModel *m, uint32_t t)
{
	if (m->task != ENS_CLASSIFICATION)
		return 0;
	return (m->tree_leaf[t + 1] - m->tree_leaf[t]) / m->n_classes;
}

size_t
ens_serialized_size(const EnsModel *m)
{
	size_t		sz = HEADER_BYTES + 4;
	uint32_t	f,
				i,
				t;

	for (f = 0; f < m->n_features; f++)
	{
		const EnsFeature *F = &m->features[f];

		sz += 4 + 4 + F->name_len + 4;
		if (F->kind == ENS_NUMERIC)
			sz += (size_t) (F->n_bins - 1) * 8;
		else
			for (i = 0; i < F->n_bins; i++)
				sz += 4 + F->cat_len[i];
	}
	for (i = 0; i < m->n_classes; i++)
		sz += 4 + m->class_len[i];
	sz += (size_t) m->n_features * 8;
	for (t = 0; t < m->n_trees; t++)
	{
		sz += 12;
		sz += (size_t) (m->tree_cat[t + 1] - m->tree_cat[t]) * CAT_BYTES;
		sz += (size_t) (m->tree_leaf[t + 1] - m->tree_leaf[t]) * 4;
		sz += (size_t) (m->tree_node[t + 1] - m->tree_node[t]) * NODE_BYTES;
	}
	return sz;
}

/*
 * *out gets reserve + size bytes: the model starts at (*out)[reserve], so a
 * caller can put a varlena header in front without another copy.
 */
EnsStatus
ens_serialize(const EnsModel *m, const EnsAlloc *al, size_t reserve,
				 uint8_t **out, size_t *out_len)
{
	size_t		sz = ens_serialized_size(m);
	Writer		w;
	uint32_t	f,
				i,
				t;
	uint8_t    *block;

	*out = NULL;
	*out_len = 0;
	block = al->alloc(al->ctx, sz + reserve);
	if (block == NULL)
		return ENS_ENOMEM;
	w.p = block + reserve;
	w.pos = 0;
	memcpy(w.p, "EDPF", 4);
	w.pos = 4;
	W16(&w, ENS_FORMAT_VERSION);
	W16(&w, 0);
	W8(&w, (uint8_t) m->task);
	W8(&w, 0);
	W16(&w, 0);
	W32(&w, m->n_features);
	W32(&w, m->task == ENS_CLASSIFICATION ? m->n_classes : 0);
	W32(&w, m->n_trees);
	W32(&w, 0);
	for (f = 0; f < m->n_features; f++)
	{
		const EnsFeature *F = &m->features[f];

		W8(&w, F->kind);
		W8(&w, 0);
		W16(&w, 0);
		WBytes(&w, F->name, F->name_len);
		W32(&w, F->n_bins);
		if (F->kind == ENS_NUMERIC)
		{
			for (i = 0; i + 1 < F->n_bins; i++)
				WF64(&w, F->edges[i]);
		}
		else
			for (i = 0; i < F->n_bins; i++)
				WBytes(&w, F->cats[i], F->cat_len[i]);
	}
	if (m->task == ENS_CLASSIFICATION)
		for (i = 0; i < m->n_classes; i++)
			WBytes(&w, m->classes[i], m->class_len[i]);
	for (f = 0; f < m->n_features; f++)
		WF64(&w, m->importance ? m->importance[f] : 0.0);
	for (t = 0; t < m->n_trees; t++)
	{
		uint32_t	nb = m->tree_node[t],
					ne = m->tree_node[t + 1];
		uint32_t	cb = m->tree_cat[t],
					ce = m->tree_cat[t + 1];
		uint32_t	lb = m->tree_leaf[t],
					le = m->tree_leaf[t + 1];
		uint32_t	K = m->n_classes;

		W32(&w, ne - nb);
		W32(&w, ce - cb);
		W32(&w, TreeLeaves(m, t));
		for (i = cb; i < ce; i++)
		{
			int			j;

			W32(&w, m->cats[i].child - nb);
			for (j = 0; j < 8; j++)
				W32(&w, m->cats[i].bits[j]);
		}
		for (i = lb; i < le; i++)
			WF32(&w, m->leafv[i]);
		for (i = nb; i < ne; i++)
		{
			EnsNode	nd = m->nodes[i];
			uint32_t	a = nd.a;

			if (nd.flags & FN_LEAF)
			{
				if (m->task == ENS_CLASSIFICATION && !(nd.flags & FN_PURE))
					a = (a - lb) / K;
			}
			else if (nd.flags & FN_CAT)
				a -= cb;
			else
				a -= nb;
			W32(&w, a);
			W16(&w, nd.feature);
			W8(&w, nd.bin);
			W8(&w, nd.flags);
		}
	}
	W32(&w, ens_crc32c(0, w.p, w.pos));
	if (w.pos != sz)
	{
		al->free(al->ctx, block);
		return ENS_EINVAL;
	}
	*out = block;
	*out_len = sz;
	return ENS_OK;
}

/* ---------- reader ---------- */

typedef struct Reader
{
	const uint8_t *p;
	size_t		len;
	size_t		pos;
} Reader;

static bool
Need(Reader *r, size_t n)
{
	return n <= r->len - r->pos;
}

static bool
R8(Reader *r, uint8_t *v)
{
	if (!Need(r, 1))
		return false;
	*v = r->p[r->pos++];
	return true;
}

static bool
R16(Reader *r, uint16_t *v)
{
	if (!Need(r, 2))
		return false;
	*v = (uint16_t) (r->p[r->pos] | (r->p[r->pos + 1] << 8));
	r->pos += 2;
	return true;
}

static bool
R32(Reader *r, uint32_t *v)
{
	const uint8_t *p;

	if (!Need(r, 4))
		return false;
	p = r->p + r->pos;
	*v = (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
		(uint32_t) p[3] << 24;
	r->pos += 4;
	return true;
}

static bool
RF64(Reader *r, double *d)
{
	uint64_t	v = 0;
	int			i;

	if (!Need(r, 8))
		return false;
	for (i = 0; i < 8; i++)
		v |= (uint64_t) r->p[r->pos + i] << (8 * i);
	r->pos += 8;
	memcpy(d, &v, 8);
	return true;
}

static bool
RF32(Reader *r, float *f)
{
	uint32_t	v;

	if (!R32(r, &v))
		return false;
	memcpy(f, &v, 4);
	return true;
}

/* a length-prefixed byte string without NUL bytes */
static bool
RBytes(Reader *r, const char **s, uint32_t *len)
{
	if (!R32(r, len))
		return false;
	if (*len > ENS_MAX_NAME || !Need(r, *len))
		return false;
	*s = (const char *) (r->p + r->pos);
	if (*len && memchr(*s, 0, *len) != NULL)
		return false;
	r->pos += *len;
	return true;
}

typedef struct Counts
{
	uint64_t	edges;
	uint64_t	cat_entries;
	uint64_t	str_bytes;
	uint64_t	nodes;
	uint64_t	cats;
	uint64_t	leafv;
} Counts;

typedef struct Fill
{
	EnsModel *m;
	double	   *edges;
	const char **catp;
	uint32_t   *catl;
	char	   *str;
} Fill;

static char *
CopyStr(Fill *fl, const char *s, uint32_t len)
{
	char	   *d = fl->str;

	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	fl->str += len + 1;
	return d;
}

#define FAIL(code, ...) \
	do { if (detail && detail_len) snprintf(detail, detail_len, __VA_ARGS__); return (code); } while (0)

/*
 * One pass over the bytes.  fl == NULL: validate and count only.
 * Otherwise fill fl->m (whose arrays were sized from the counts).
 */
static EnsStatus
Parse(const uint8_t *buf, size_t len, Counts *c, Fill *fl,
	  char *detail, size_t detail_len)
{
	Reader		rd = {buf, len, 0};
	Reader	   *r = &rd;
	uint16_t	version,
				res16;
	uint8_t		task,
				res8;
	uint32_t	p,
				K,
				T,
				res32,
				f,
				i,
				t;
	EnsModel *m = fl ? fl->m : NULL;
	uint8_t		kinds[ENS_MAX_FEATURES];
	uint16_t	fbinsv[ENS_MAX_FEATURES];
	uint64_t	node_base = 0,
				cat_base = 0,
				leaf_base = 0;

	memset(c, 0, sizeof(*c));
	if (len < HEADER_BYTES + 4)
		FAIL(ENS_ETRUNC, "model has %zu bytes, fewer than a header", len);
	if (memcmp(buf, "EDPF", 4) != 0)
		FAIL(ENS_EMAGIC, "bad magic number");
	r->pos = 4;
	(void) R16(r, &version);
	if (version != ENS_FORMAT_VERSION)
		FAIL(ENS_EVERSION, "format version %u, expected %u", version,
			 ENS_FORMAT_VERSION);
	(void) R16(r, &res16);
	(void) R8(r, &task);
	(void) R8(r, &res8);
	if (res16 != 0 || res8 != 0)
		FAIL(ENS_ECORRUPT, "reserved header field is not zero");
	(void) R16(r, &res16);
	(void) R32(r, &p);
	(void) R32(r, &K);
	(void) R32(r, &T);
	(void) R32(r, &res32);
	if (res16 != 0 || res32 != 0)
		FAIL(ENS_ECORRUPT, "reserved header field is not zero");
	if (task != ENS_CLASSIFICATION && task != ENS_REGRESSION)
		FAIL(ENS_ECORRUPT, "unknown task %u", task);
	if (p < 1 || p > ENS_MAX_FEATURES)
		FAIL(ENS_ECORRUPT, "feature count %u outside [1, %d]", p, ENS_MAX_FEATURES);
	if (task == ENS_CLASSIFICATION && (K < 2 || K > ENS_MAX_CLASSES))
		FAIL(ENS_ECORRUPT, "class count %u outside [2, %d]", K, ENS_MAX_CLASSES);
	if (task == ENS_REGRESSION && K != 0)
		FAIL(ENS_ECORRUPT, "regression model with %u classes", K);
	if (T < 1 || T > ENS_MAX_TREES)
		FAIL(ENS_ECORRUPT, "tree count %u outside [1, %d]", T, ENS_MAX_TREES);

	/* checksum over everything but the trailer */
	{
		uint32_t	stored = (uint32_t) buf[len - 4] | (uint32_t) buf[len - 3] << 8 |
			(uint32_t) buf[len - 2] << 16 | (uint32_t) buf[len - 1] << 24;

		if (fl == NULL && ens_crc32c(0, buf, len - 4) != stored)
			FAIL(ENS_ECHECKSUM, "checksum mismatch");
		r->len = len - 4;
	}

	if (m)
	{
		m->task = task;
		m->algorithm = ENS_FOREST;
		m->n_features = p;
		m->n_classes = K;
		m->n_trees = T;
	}

	for (f = 0; f < p; f++)
	{
		uint8_t		kind;
		const char *name;
		uint32_t	name_len,
					nb;

		if (!R8(r, &kind) || !R8(r, &res8) || !R16(r, &res16))
			FAIL(ENS_ETRUNC, "truncated in feature %u", f);
		if (kind != ENS_NUMERIC && kind != ENS_CATEGORICAL)
			FAIL(ENS_ECORRUPT, "feature %u has unknown kind %u", f, kind);
		if (res8 != 0 || res16 != 0)
			FAIL(ENS_ECORRUPT, "feature %u reserved field is not zero", f);
		if (!RBytes(r, &name, &name_len))
			FAIL(ENS_ECORRUPT, "feature %u has a bad name", f);
		if (name_len == 0)
			FAIL(ENS_ECORRUPT, "feature %u has an empty name", f);
		if (!R32(r, &nb))
			FAIL(ENS_ETRUNC, "truncated in feature %u", f);
		if (nb < 1 || nb > ENS_MAX_BINS)
			FAIL(ENS_ECORRUPT, "feature %u has %u bins", f, nb);
		c->str_bytes += name_len + 1;
		kinds[f] = kind;
		fbinsv[f] = (uint16_t) nb;
		if (m)
		{
			EnsFeature *F = &m->features[f];

			F->kind = kind;
			F->n_bins = nb;
			F->name_len = name_len;
			F->name = CopyStr(fl, name, name_len);
			F->edges = NULL;
			F->cats = NULL;
			F->cat_len = NULL;
		}
		if (kind == ENS_NUMERIC)
		{
			double		prev = -INFINITY;

			if (!Need(r, (size_t) (nb - 1) * 8))
				FAIL(ENS_ETRUNC, "truncated in the edges of feature %u", f);
			if (m)
				m->features[f].edges = nb > 1 ? fl->edges : NULL;
			for (i = 0; i + 1 < nb; i++)
			{
				double		e;

				(void) RF64(r, &e);
				if (!isfinite(e) || !(e > prev))
					FAIL(ENS_ECORRUPT, "feature %u: bin edges are not finite and increasing", f);
				prev = e;
				if (m)
					*fl->edges++ = e;
			}
			c->edges += nb - 1;
		}
		else
		{
			const char *prevs = NULL;
			uint32_t	prevl = 0;

			if (m)
			{
				m->features[f].cats = fl->catp;
				m->features[f].cat_len = fl->catl;
			}
			for (i = 0; i < nb; i++)
			{
				const char *s;
				uint32_t	l;

				if (!RBytes(r, &s, &l))
					FAIL(ENS_ECORRUPT, "feature %u: bad category %u", f, i);
				if (prevs && ens_bytes_cmp(prevs, prevl, s, l) >= 0)
					FAIL(ENS_ECORRUPT, "feature %u: categories are not sorted and unique", f);
				prevs = s;
				prevl = l;
				c->str_bytes += l + 1;
				if (m)
				{
					*fl->catl++ = l;
					*fl->catp++ = CopyStr(fl, s, l);
				}
			}
			c->cat_entries += nb;
		}
	}
	/* unique feature names (checked while filling, where names are copied) */
	if (m)
	{
		for (f = 0; f < p; f++)
			for (i = f + 1; i < p; i++)
				if (ens_bytes_cmp(m->features[f].name, m->features[f].name_len,
									 m->features[i].name, m->features[i].name_len) == 0)
					FAIL(ENS_ECORRUPT, "features %u and %u have the same name", f, i);
	}

	for (i = 0; i < K; i++)
	{
		const char *s;
		uint32_t	l;

		if (!RBytes(r, &s, &l))
			FAIL(ENS_ECORRUPT, "bad class label %u", i);
		c->str_bytes += l + 1;
		if (m)
		{
			uint32_t	j;

			m->class_len[i] = l;
			m->classes[i] = CopyStr(fl, s, l);
			for (j = 0; j < i; j++)
				if (ens_bytes_cmp(m->classes[j], m->class_len[j], s, l) == 0)
					FAIL(ENS_ECORRUPT, "class labels %u and %u are equal", j, i);
		}
	}
	for (f = 0; f < p; f++)
	{
		double		v;

		if (!RF64(r, &v))
			FAIL(ENS_ETRUNC, "truncated in feature importances");
		if (!isfinite(v) || v < 0 || v > 1.000001)
			FAIL(ENS_ECORRUPT, "feature importance %u is out of range", f);
		if (m)
			m->importance[f] = v;
	}

	for (t = 0; t < T; t++)
	{
		uint32_t	nn,
					nc,
					nl;
		size_t		cat_pos,
					leaf_pos;

		if (!R32(r, &nn) || !R32(r, &nc) || !R32(r, &nl))
			FAIL(ENS_ETRUNC, "truncated in tree %u", t);
		if (nn < 1)
			FAIL(ENS_ECORRUPT, "tree %u has no nodes", t);
		if ((uint64_t) nn * NODE_BYTES > r->len - r->pos ||
			(uint64_t) nc * CAT_BYTES > r->len - r->pos ||
			(uint64_t) nl * (K ? K : 1) * 4 > r->len - r->pos)
			FAIL(ENS_ETRUNC, "tree %u counts exceed the remaining bytes", t);
		if (nc > nn || nl > nn)
			FAIL(ENS_ECORRUPT, "tree %u has more split tables or leaves than nodes", t);
		if (task == ENS_REGRESSION && nl != 0)
			FAIL(ENS_ECORRUPT, "regression tree %u has leaf vectors", t);
		if (node_base + nn > INT32_MAX || leaf_base + (uint64_t) nl * K > INT32_MAX)
			FAIL(ENS_ELIMIT, "model has too many nodes");
		if (m)
		{
			m->tree_node[t] = (uint32_t) node_base;
			m->tree_cat[t] = (uint32_t) cat_base;
			m->tree_leaf[t] = (uint32_t) leaf_base;
		}

		/* cat split tables (checked against their node below) */
		cat_pos = r->pos;
		if (!Need(r, (size_t) nc * CAT_BYTES))
			FAIL(ENS_ETRUNC, "truncated in tree %u", t);
		r->pos += (size_t) nc * CAT_BYTES;

		/* leaf vectors */
		leaf_pos = r->pos;
		for (i = 0; i < nl * K; i++)
		{
			float		v;

			if (!RF32(r, &v))
				FAIL(ENS_ETRUNC, "truncated in tree %u leaves", t);
			if (!isfinite(v) || v < 0 || v > 1.0001f)
				FAIL(ENS_ECORRUPT, "tree %u: leaf probability out of range", t);
			if (m)
				m->leafv[leaf_base + i] = v;
		}
		(void) leaf_pos;

		for (i = 0; i < nn; i++)
		{
			uint32_t	a;
			uint16_t	feat;
			uint8_t		bin,
						flags;

			if (!R32(r, &a) || !R16(r, &feat) || !R8(r, &bin) || !R8(r, &flags))
				FAIL(ENS_ETRUNC, "truncated in tree %u node %u", t, i);
			if (flags & ~FN_ALLFLAGS)
				FAIL(ENS_ECORRUPT, "tree %u node %u: unknown flags", t, i);
			if (flags & FN_LEAF)
			{
				if (feat != 0 || bin != 0 || (flags & (FN_DEFLEFT | FN_CAT)))
					FAIL(ENS_ECORRUPT, "tree %u node %u: leaf with split fields", t, i);
				if (task == ENS_CLASSIFICATION)
				{
					if (flags & FN_PURE)
					{
						if (a >= K)
							FAIL(ENS_ECORRUPT, "tree %u node %u: class index out of range", t, i);
					}
					else
					{
						if (a >= nl)
							FAIL(ENS_ECORRUPT, "tree %u node %u: leaf index out of range", t, i);
						a = (uint32_t) (leaf_base + (uint64_t) a * K);
					}
				}
				else
				{
					float		v;

					if (flags & FN_PURE)
						FAIL(ENS_ECORRUPT, "tree %u node %u: pure flag in a regression tree", t, i);
					memcpy(&v, &a, 4);
					if (!isfinite(v))
						FAIL(ENS_ECORRUPT, "tree %u node %u: leaf value is not finite", t, i);
				}
			}
			else
			{
				uint8_t		fkind;
				uint32_t	fbins;

				if (flags & FN_PURE)
					FAIL(ENS_ECORRUPT, "tree %u node %u: pure flag on a split", t, i);
				if (feat >= p)
					FAIL(ENS_ECORRUPT, "tree %u node %u: feature index out of range", t, i);
				fkind = kinds[feat];
				fbins = fbinsv[feat];
				if (((flags & FN_CAT) != 0) != (fkind == ENS_CATEGORICAL))
					FAIL(ENS_ECORRUPT, "tree %u node %u: split kind does not match the feature", t, i);
				if (flags & FN_CAT)
				{
					const uint8_t *cp;
					uint32_t	child,
								w,
								j;

					if (bin != 0)
						FAIL(ENS_ECORRUPT, "tree %u node %u: reserved field is not zero", t, i);
					if (a >= nc)
						FAIL(ENS_ECORRUPT, "tree %u node %u: split table index out of range", t, i);
					cp = buf + cat_pos + (size_t) a * CAT_BYTES;
					child = (uint32_t) cp[0] | (uint32_t) cp[1] << 8 |
						(uint32_t) cp[2] << 16 | (uint32_t) cp[3] << 24;
					if (child <= i || child >= nn - 1 || nn < 2)
						FAIL(ENS_ECORRUPT, "tree %u node %u: child index out of range or not forward", t, i);
					for (w = 0; w < 8; w++)
					{
						uint32_t	bits = (uint32_t) cp[4 + 4 * w] |
							(uint32_t) cp[5 + 4 * w] << 8 |
							(uint32_t) cp[6 + 4 * w] << 16 |
							(uint32_t) cp[7 + 4 * w] << 24;

						for (j = 0; j < 32; j++)
							if (((bits >> j) & 1) && w * 32 + j >= fbins)
								FAIL(ENS_ECORRUPT, "tree %u node %u: category set names unknown categories", t, i);
						if (m)
							m->cats[cat_base + a].bits[w] = bits;
					}
					if (m)
						m->cats[cat_base + a].child = (uint32_t) (node_base + child);
					a = (uint32_t) (cat_base + a);
				}
				else
				{
					if (bin >= fbins)
						FAIL(ENS_ECORRUPT, "tree %u node %u: bin index out of range", t, i);
					if (a <= i || nn < 2 || a >= nn - 1)
						FAIL(ENS_ECORRUPT, "tree %u node %u: child index out of range or not forward", t, i);
					a = (uint32_t) (node_base + a);
				}
			}
			if (m)
			{
				EnsNode *nd = &m->nodes[node_base + i];

				nd->a = a;
				nd->feature = feat;
				nd->bin = bin;
				nd->flags = flags;
			}
		}
		/* every cat split table must belong to a node: zero for unused */
		node_base += nn;
		cat_base += nc;
		leaf_base += (uint64_t) nl * K;
	}
	if (r->pos != r->len)
		FAIL(ENS_ECORRUPT, "%zu unexpected bytes after the last tree", r->len - r->pos);
	c->nodes = node_base;
	c->cats = cat_base;
	c->leafv = leaf_base;
	if (m)
	{
		m->tree_node[T] = (uint32_t) node_base;
		m->tree_cat[T] = (uint32_t) cat_base;
		m->tree_leaf[T] = (uint32_t) leaf_base;
		m->n_nodes = (uint32_t) node_base;
		m->n_cats = (uint32_t) cat_base;
		m->n_leafv = (uint32_t) leaf_base;
	}
	return ENS_OK;
}

static size_t
Align8(size_t x)
{
	return (x + 7) & ~(size_t) 7;
}

EnsStatus
ens_deserialize(const uint8_t *buf, size_t len, const EnsAlloc *al,
				   EnsModel **out, char *detail, size_t detail_len)
{
	Counts		c,
				c2;
	EnsStatus rc;
	size_t		off[16],
				total = 0;
	uint8_t    *block;
	EnsModel *m;
	Fill		fl;
	uint32_t	p,
				K,
				T;
	int			k = 0;

	*out = NULL;
	if (detail && detail_len)
		detail[0] = '\0';
	rc = Parse(buf, len, &c, NULL, detail, detail_len);
	if (rc != ENS_OK)
		return rc;
	p = (uint32_t) buf[12] | (uint32_t) buf[13] << 8 | (uint32_t) buf[14] << 16 | (uint32_t) buf[15] << 24;
	K = (uint32_t) buf[16] | (uint32_t) buf[17] << 8 | (uint32_t) buf[18] << 16 | (uint32_t) buf[19] << 24;
	T = (uint32_t) buf[20] | (uint32_t) buf[21] << 8 | (uint32_t) buf[22] << 16 | (uint32_t) buf[23] << 24;

	/* layout of the single block; all counts are bounded by len */
#define PLACE(bytes) (off[k++] = total, total = Align8(total + (bytes)))
	PLACE(sizeof(EnsModel));					/* 0 */
	PLACE((size_t) p * sizeof(EnsFeature));	/* 1 */
	PLACE((size_t) c.edges * sizeof(double));	/* 2 */
	PLACE((size_t) c.cat_entries * sizeof(char *));	/* 3 */
	PLACE((size_t) c.cat_entries * sizeof(uint32_t));	/* 4 */
	PLACE((size_t) K * sizeof(char *));		/* 5 */
	PLACE((size_t) K * sizeof(uint32_t));	/* 6 */
	PLACE((size_t) p * sizeof(double));		/* 7 */
	PLACE(((size_t) T + 1) * sizeof(uint32_t));	/* 8 */
	PLACE(((size_t) T + 1) * sizeof(uint32_t));	/* 9 */
	PLACE(((size_t) T + 1) * sizeof(uint32_t));	/* 10 */
	PLACE((size_t) c.nodes * sizeof(EnsNode));	/* 11 */
	PLACE((size_t) c.cats * sizeof(EnsCatSplit));	/* 12 */
	PLACE((size_t) c.leafv * sizeof(float));	/* 13 */
	PLACE((size_t) c.str_bytes);				/* 14 */
#undef PLACE

	block = al->alloc(al->ctx, total);
	if (block == NULL)
		return ENS_ENOMEM;
	ens_hint_hugepages(block, total);
	memset(block, 0, off[2]);
	m = (EnsModel *) block;
	m->features = (EnsFeature *) (block + off[1]);
	m->classes = K ? (const char **) (block + off[5]) : NULL;
	m->class_len = K ? (uint32_t *) (block + off[6]) : NULL;
	m->importance = (double *) (block + off[7]);
	m->tree_node = (uint32_t *) (block + off[8]);
	m->tree_cat = (uint32_t *) (block + off[9]);
	m->tree_leaf = (uint32_t *) (block + off[10]);
	m->nodes = (EnsNode *) (block + off[11]);
	m->cats = (EnsCatSplit *) (block + off[12]);
	m->leafv = (float *) (block + off[13]);
	m->block = block;
	m->mem_bytes = total;
	fl.m = m;
	fl.edges = (double *) (block + off[2]);
	fl.catp = (const char **) (block + off[3]);
	fl.catl = (uint32_t *) (block + off[4]);
	fl.str = (char *) (block + off[14]);
	rc = Parse(buf, len, &c2, &fl, detail, detail_len);
	if (rc == ENS_OK && memcmp(&c, &c2, sizeof(c)) != 0)
		rc = ENS_ECORRUPT;
	if (rc != ENS_OK)
	{
		al->free(al->ctx, block);
		return rc;
	}
	*out = m;
	return ENS_OK;
}

void
ens_model_free(EnsModel *m, const EnsAlloc *al)
{
	if (m == NULL)
		return;
	if (m->block)
	{
		al->free(al->ctx, m->block);
		return;
	}
	if (m->nodes)
		al->free(al->ctx, m->nodes);
	if (m->cats)
		al->free(al->ctx, m->cats);
	if (m->leafv)
		al->free(al->ctx, m->leafv);
	if (m->tree_node)
		al->free(al->ctx, m->tree_node);
	if (m->tree_cat)
		al->free(al->ctx, m->tree_cat);
	if (m->tree_leaf)
		al->free(al->ctx, m->tree_leaf);
	if (m->importance)
		al->free(al->ctx, m->importance);
	m->nodes = NULL;
	m->cats = NULL;
	m->leafv = NULL;
	m->tree_node = m->tree_cat = m->tree_leaf = NULL;
	m->importance = NULL;
}
