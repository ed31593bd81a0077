/*
 * ensemble_format.c - the tree-ensemble model format: CRC-32C and the
 * writer (PG-free, so the fuzz driver links it without a backend).  The
 * reader, which treats every byte as hostile, is ensemble_reader.c.
 *
 * Format 2 (all integers little-endian; format 1, written by 0.1.0, is the
 * same without the algorithm byte, the boost section and hashed categories):
 *
 *   header   "EDPF" u16 version u16 0 | u8 task u8 algorithm u16 0 |
 *            u32 n_features u32 n_classes u32 n_trees u32 0
 *   boost    (algorithm 2 only) u8 objective u8 0 u16 0 u32 n_outputs |
 *            n_outputs x f64 base_score
 *   features n_features x { u8 kind u8 flags u16 0 | u32 name_len name |
 *            u32 n_bins | numeric: (n_bins-1) x f64 edges
 *                       | categorical, flags 0: n_bins x { u32 len bytes }
 *                       | categorical, flags 1 (hashed): u64 salt[2] |
 *                         n_bins x u64 SipHash(salt, value), distinct, in
 *                         code order (the categories' byte order) }
 *   classes  n_classes x { u32 len bytes }
 *   import.  n_features x f64
 *   trees    n_trees x { u32 n_nodes u32 n_cats u32 n_leaves |
 *            n_cats x { u32 child u32 bits[8] } |
 *            n_leaves x n_classes x f32 |
 *            n_nodes x { u32 a u16 feature u8 bin u8 flags } }
 *   sections optional, format 2 only (ensemble_sections.c): cover,
 *            class counts, histograms, predictions, calibrator, threshold
 *   trailer  u32 CRC-32C of everything before it
 *
 * Leaves: a forest's classification leaf is a class (FN_PURE) or an index
 * into its tree's leaf vectors; every other leaf (forest regression, any
 * boosted tree) carries its value as f32 bits in `a`.  Indices inside a tree
 * are tree-local; the parsed model makes them absolute.
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

/* leaf vectors of a tree: forest classification only */
static uint32_t
TreeLeaves(const EnsModel *m, uint32_t t)
{
	if (m->task != ENS_CLASSIFICATION || m->algorithm == ENS_BOOST)
		return 0;
	return (m->tree_leaf[t + 1] - m->tree_leaf[t]) / m->n_classes;
}

static size_t
FeatureBytes(const EnsFeature *F)
{
	size_t		sz = 4 + 4 + F->name_len + 4;
	uint32_t	i;

	if (F->kind == ENS_NUMERIC)
		return sz + (size_t) (F->n_bins - 1) * 8;
	if (F->hashed)
		return sz + 16 + (size_t) F->n_bins * 8;
	for (i = 0; i < F->n_bins; i++)
		sz += 4 + F->cat_len[i];
	return sz;
}

size_t
ens_serialized_size(const EnsModel *m)
{
	size_t		sz = HEADER_BYTES + 4;
	uint32_t	f,
				i,
				t;

	if (m->algorithm == ENS_BOOST)
		sz += 8 + (size_t) m->n_outputs * 8;
	for (f = 0; f < m->n_features; f++)
		sz += FeatureBytes(&m->features[f]);
	for (i = 0; i < m->n_classes; i++)
		sz += 4 + m->class_len[i];
	sz += (size_t) m->n_features * 8;
	for (t = 0; t < m->n_trees; t++)
	{
		sz += 12;
		sz += (size_t) (m->tree_cat[t + 1] - m->tree_cat[t]) * CAT_BYTES;
		sz += (size_t) TreeLeaves(m, t) * m->n_classes * 4;
		sz += (size_t) (m->tree_node[t + 1] - m->tree_node[t]) * NODE_BYTES;
	}
	return sz + ens_ext_size(m);
}

static void
WriteFeature(Writer *w, const EnsFeature *F)
{
	uint32_t	i;

	W8(w, F->kind);
	W8(w, F->kind == ENS_CATEGORICAL && F->hashed ? 1 : 0);
	W16(w, 0);
	WBytes(w, F->name, F->name_len);
	W32(w, F->n_bins);
	if (F->kind == ENS_NUMERIC)
		for (i = 0; i + 1 < F->n_bins; i++)
			WF64(w, F->edges[i]);
	else if (F->hashed)
	{
		W64(w, F->salt[0]);
		W64(w, F->salt[1]);
		for (i = 0; i < F->n_bins; i++)
			W64(w, F->cat_hash[i]);
	}
	else
		for (i = 0; i < F->n_bins; i++)
			WBytes(w, F->cats[i], F->cat_len[i]);
}

static void
WriteTree(Writer *w, const EnsModel *m, uint32_t t)
{
	uint32_t	nb = m->tree_node[t],
				ne = m->tree_node[t + 1];
	uint32_t	cb = m->tree_cat[t],
				ce = m->tree_cat[t + 1];
	uint32_t	lb = m->tree_leaf[t];
	uint32_t	nl = TreeLeaves(m, t);
	uint32_t	K = m->n_classes,
				i;

	W32(w, ne - nb);
	W32(w, ce - cb);
	W32(w, nl);
	for (i = cb; i < ce; i++)
	{
		int			j;

		W32(w, m->cats[i].child - nb);
		for (j = 0; j < 8; j++)
			W32(w, m->cats[i].bits[j]);
	}
	for (i = 0; i < nl * K; i++)
		WF32(w, m->leafv[lb + i]);
	for (i = nb; i < ne; i++)
	{
		EnsNode		nd = m->nodes[i];
		uint32_t	a = nd.a;

		if (nd.flags & FN_LEAF)
		{
			if (nl > 0 && !(nd.flags & FN_PURE))
				a = (a - lb) / K;
		}
		else if (nd.flags & FN_CAT)
			a -= cb;
		else
			a -= nb;
		W32(w, a);
		W16(w, nd.feature);
		W8(w, nd.bin);
		W8(w, nd.flags);
	}
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
	bool		boost = m->algorithm == ENS_BOOST;

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
	W8(&w, boost ? ENS_BOOST : ENS_FOREST);
	W16(&w, 0);
	W32(&w, m->n_features);
	W32(&w, m->task == ENS_CLASSIFICATION ? m->n_classes : 0);
	W32(&w, m->n_trees);
	W32(&w, 0);
	if (boost)
	{
		W8(&w, m->objective);
		W8(&w, 0);
		W16(&w, 0);
		W32(&w, m->n_outputs);
		for (i = 0; i < m->n_outputs; i++)
			WF64(&w, m->base_score[i]);
	}
	for (f = 0; f < m->n_features; f++)
		WriteFeature(&w, &m->features[f]);
	if (m->task == ENS_CLASSIFICATION)
		for (i = 0; i < m->n_classes; i++)
			WBytes(&w, m->classes[i], m->class_len[i]);
	for (f = 0; f < m->n_features; f++)
		WF64(&w, m->importance ? m->importance[f] : 0.0);
	for (t = 0; t < m->n_trees; t++)
		WriteTree(&w, m, t);
	w.pos += ens_ext_write(m, w.p + w.pos);
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
