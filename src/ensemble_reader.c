/*
 * ensemble_reader.c - reads and validates model bytes (formats 1 and 2, see
 * ensemble_format.c), treating every byte as hostile (PG-free).
 *
 * A first pass validates every count against the bytes left, every index
 * (children in range and forward, features, split tables, leaves), every
 * float and every reserved field, and counts what to allocate; it allocates
 * nothing.  The second pass fills one allocation and must count the same,
 * and checks that each tree is a tree: every node but the root is a child
 * of exactly one split (bytes can make two splits share a child, a DAG
 * whose root paths double with each level, or leave a node no split leads
 * to), with a bitmap of the largest tree's nodes, O(nodes).
 * Any inconsistency returns an error code and, in an EnsError, which check
 * failed (ENS_READ_ERRORS, ensemble.h) with its figures, never names,
 * labels or categories.
 */
#include "ensemble.h"

#include <math.h>
#include <string.h>

#define HEADER_BYTES 28
#define NODE_BYTES 8
#define CAT_BYTES 36

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

static uint32_t
Le32(const uint8_t *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
		(uint32_t) p[3] << 24;
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
	if (!Need(r, 4))
		return false;
	*v = Le32(r->p + r->pos);
	r->pos += 4;
	return true;
}

static bool
R64(Reader *r, uint64_t *v)
{
	if (!Need(r, 8))
		return false;
	*v = (uint64_t) Le32(r->p + r->pos) | (uint64_t) Le32(r->p + r->pos + 4) << 32;
	r->pos += 8;
	return true;
}

static bool
RF64(Reader *r, double *d)
{
	uint64_t	v;

	if (!R64(r, &v))
		return false;
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

/* What the header says and what the first pass counted. */
typedef struct Counts
{
	uint16_t	version;
	uint8_t		task;
	uint8_t		algorithm;
	uint8_t		objective;
	uint32_t	p,
				K,
				T,
				n_outputs;
	uint64_t	edges;
	uint64_t	cat_entries;	/* text categories */
	uint64_t	cat_hashes;		/* hashed categories */
	uint64_t	str_bytes;
	uint64_t	nodes;
	uint64_t	cats;
	uint64_t	leafv;
	uint64_t	leaves;			/* leaf nodes (the cover section has one each) */
	EnsExtLayout ext;			/* optional sections (ensemble_sections.c) */
} Counts;

/* Where the second pass puts things. */
typedef struct Fill
{
	EnsModel   *m;
	double	   *edges;
	const char **catp;
	uint32_t   *catl;
	uint64_t   *hashes;
	uint64_t   *hash_sorted;
	uint8_t    *hash_code;
	char	   *str;
	uint8_t    *ext;			/* memory for the optional sections */
} Fill;

typedef struct Parser
{
	Reader		r;
	Counts		c;
	Fill	   *fl;				/* NULL in the first pass */
	EnsModel   *m;
	uint8_t		kinds[ENS_MAX_FEATURES];
	uint16_t	nbins[ENS_MAX_FEATURES];
	size_t		ext_len;		/* bytes of optional sections */
	uint32_t	max_nodes;		/* nodes of the largest tree (first pass) */
	uint8_t    *parented;		/* second pass: a bit per node of the tree */
	uint32_t	n_parented;		/* bits set in the tree */
	EnsError   *err;			/* why a refusal (may be NULL) */
} Parser;

/* FAIL(status, ENS_ERR_READ_X, figures...): records why in ps->err, returns status */
#define FAIL(code, ...) \
	do { return ENS_READ_FAIL(ps->err, code, __VA_ARGS__); } while (0)

#define TRY(call) \
	do { EnsStatus rc_ = (call); if (rc_ != ENS_OK) return rc_; } while (0)

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

static EnsStatus
ParseHeader(Parser *ps, const uint8_t *buf, size_t len)
{
	Reader	   *r = &ps->r;
	Counts	   *c = &ps->c;
	uint16_t	res16;
	uint32_t	res32,
				stored;

	if (len < HEADER_BYTES + 4)
		FAIL(ENS_ETRUNC, ENS_ERR_READ_HEADER_SHORT, len);
	if (memcmp(buf, "EDPF", 4) != 0)
		FAIL(ENS_EMAGIC, ENS_ERR_READ_MAGIC);
	r->pos = 4;
	(void) R16(r, &c->version);
	if (c->version != 1 && c->version != ENS_FORMAT_VERSION)
		FAIL(ENS_EVERSION, ENS_ERR_READ_VERSION, c->version, ENS_FORMAT_VERSION);
	(void) R16(r, &res16);
	if (res16 != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_HEADER_RESERVED);
	(void) R8(r, &c->task);
	(void) R8(r, &c->algorithm);
	(void) R16(r, &res16);
	(void) R32(r, &c->p);
	(void) R32(r, &c->K);
	(void) R32(r, &c->T);
	(void) R32(r, &res32);
	if (res16 != 0 || res32 != 0 || (c->version == 1 && c->algorithm != 0))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_HEADER_RESERVED);
	if (c->version == 1)
		c->algorithm = ENS_FOREST;
	if (c->algorithm != ENS_FOREST && c->algorithm != ENS_BOOST)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_ALGORITHM, c->algorithm);
	if (c->task != ENS_CLASSIFICATION && c->task != ENS_REGRESSION)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_TASK, c->task);
	if (c->p < 1 || c->p > ENS_MAX_FEATURES)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_COUNT, c->p, ENS_MAX_FEATURES);
	if (c->task == ENS_CLASSIFICATION && (c->K < 2 || c->K > ENS_MAX_CLASSES))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_CLASS_COUNT, c->K, ENS_MAX_CLASSES);
	if (c->task == ENS_REGRESSION && c->K != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_REGRESSION_CLASSES, c->K);
	if (c->T < 1 || c->T > ENS_MAX_TREES)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_TREE_COUNT, c->T, ENS_MAX_TREES);
	/* checksum over everything but the trailer (first pass only) */
	stored = Le32(buf + len - 4);
	if (ps->fl == NULL && ens_crc32c(0, buf, len - 4) != stored)
		FAIL(ENS_ECHECKSUM, ENS_ERR_READ_CHECKSUM);
	r->len = len - 4;
	return ENS_OK;
}

/* boosted models: the loss fixes the outputs; base margins are finite */
static EnsStatus
ParseBoost(Parser *ps)
{
	Reader	   *r = &ps->r;
	Counts	   *c = &ps->c;
	uint8_t		res8;
	uint16_t	res16;
	uint32_t	i,
				want;

	c->n_outputs = 1;
	if (c->algorithm != ENS_BOOST)
		return ENS_OK;
	if (!R8(r, &c->objective) || !R8(r, &res8) || !R16(r, &res16) || !R32(r, &c->n_outputs))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_BOOST_TRUNC);
	if (res8 != 0 || res16 != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_BOOST_RESERVED);
	if (c->task == ENS_REGRESSION ?
		(c->objective != ENS_OBJ_SQUARED && c->objective != ENS_OBJ_ABSOLUTE &&
		 c->objective != ENS_OBJ_HUBER) :
		c->objective != (c->K == 2 ? ENS_OBJ_LOGISTIC : ENS_OBJ_SOFTMAX))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_OBJECTIVE, c->objective);
	want = c->objective == ENS_OBJ_SOFTMAX ? c->K : 1;
	if (c->n_outputs != want || c->T % want != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_OUTPUTS, c->n_outputs, c->T);
	if (!Need(r, (size_t) c->n_outputs * 8))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_BASE_TRUNC);
	for (i = 0; i < c->n_outputs; i++)
	{
		double		v;

		(void) RF64(r, &v);
		if (!isfinite(v))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_BASE_SCORE, i);
		if (ps->m)
			ps->m->base_score[i] = v;
	}
	return ENS_OK;
}

static EnsStatus
ParseEdges(Parser *ps, uint32_t f, uint32_t nb)
{
	Reader	   *r = &ps->r;
	double		prev = -INFINITY;
	uint32_t	i;

	if (!Need(r, (size_t) (nb - 1) * 8))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_EDGES_TRUNC, f);
	if (ps->m)
		ps->m->features[f].edges = nb > 1 ? ps->fl->edges : NULL;
	for (i = 0; i + 1 < nb; i++)
	{
		double		e;

		(void) RF64(r, &e);
		if (!isfinite(e) || !(e > prev))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_EDGES, f);
		prev = e;
		if (ps->m)
			*ps->fl->edges++ = e;
	}
	ps->c.edges += nb - 1;
	return ENS_OK;
}

static EnsStatus
ParseCategories(Parser *ps, uint32_t f, uint32_t nb)
{
	Reader	   *r = &ps->r;
	const char *prevs = NULL;
	uint32_t	prevl = 0,
				i;

	if (ps->m)
	{
		ps->m->features[f].cats = ps->fl->catp;
		ps->m->features[f].cat_len = ps->fl->catl;
	}
	for (i = 0; i < nb; i++)
	{
		const char *s;
		uint32_t	l;

		if (!RBytes(r, &s, &l))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_CATEGORY, f, i);
		if (prevs && ens_bytes_cmp(prevs, prevl, s, l) >= 0)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_CATEGORY_ORDER, f);
		prevs = s;
		prevl = l;
		ps->c.str_bytes += l + 1;
		if (ps->m)
		{
			*ps->fl->catl++ = l;
			*ps->fl->catp++ = CopyStr(ps->fl, s, l);
		}
	}
	ps->c.cat_entries += nb;
	return ENS_OK;
}

static EnsStatus
ParseHashes(Parser *ps, uint32_t f, uint32_t nb)
{
	Reader	   *r = &ps->r;
	EnsFeature *F = ps->m ? &ps->m->features[f] : NULL;
	uint64_t	salt[2],
				h = 0;
	uint32_t	i;

	if (!R64(r, &salt[0]) || !R64(r, &salt[1]) || !Need(r, (size_t) nb * 8))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_CATEGORY_TRUNC, f);
	if (F)
	{
		F->hashed = true;
		F->salt[0] = salt[0];
		F->salt[1] = salt[1];
		F->cat_hash = ps->fl->hashes;
	}
	for (i = 0; i < nb; i++)
	{
		(void) R64(r, &h);
		if (F)
			*ps->fl->hashes++ = h;
	}
	ps->c.cat_hashes += nb;
	/* distinct hashes, checked while building the lookup index (second pass) */
	if (F)
	{
		if (!ens_hash_index(F, ps->fl->hash_sorted, ps->fl->hash_code))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_CATEGORY_HASH, f);
		ps->fl->hash_sorted += nb;
		ps->fl->hash_code += nb;
	}
	return ENS_OK;
}

static EnsStatus
ParseFeature(Parser *ps, uint32_t f)
{
	Reader	   *r = &ps->r;
	uint8_t		kind,
				flags;
	uint16_t	res16;
	const char *name;
	uint32_t	name_len,
				nb;

	if (!R8(r, &kind) || !R8(r, &flags) || !R16(r, &res16))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_FEATURE_TRUNC, f);
	if (kind != ENS_NUMERIC && kind != ENS_CATEGORICAL)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_KIND, f, kind);
	if (res16 != 0 || flags > 1 || (flags && (kind != ENS_CATEGORICAL || ps->c.version < 2)))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_RESERVED, f);
	if (!RBytes(r, &name, &name_len))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_NAME, f);
	if (name_len == 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_EMPTY_NAME, f);
	if (!R32(r, &nb))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_FEATURE_TRUNC, f);
	/* 256 bins: a boosted model's numeric feature without missing values */
	if (nb < 1 || nb > (ps->c.algorithm == ENS_BOOST && kind == ENS_NUMERIC ?
						ENS_MAX_BOOST_BINS : ENS_MAX_BINS))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_BINS, f, nb);
	ps->c.str_bytes += name_len + 1;
	ps->kinds[f] = kind;
	ps->nbins[f] = (uint16_t) nb;
	if (ps->m)
	{
		EnsFeature *F = &ps->m->features[f];

		F->kind = kind;
		F->n_bins = nb;
		F->name_len = name_len;
		F->name = CopyStr(ps->fl, name, name_len);
	}
	if (kind == ENS_NUMERIC)
		return ParseEdges(ps, f, nb);
	return flags ? ParseHashes(ps, f, nb) : ParseCategories(ps, f, nb);
}

static EnsStatus
ParseClassesAndImportance(Parser *ps)
{
	Reader	   *r = &ps->r;
	EnsModel   *m = ps->m;
	uint32_t	i,
				j;

	for (i = 0; i < ps->c.K; i++)
	{
		const char *s;
		uint32_t	l;

		if (!RBytes(r, &s, &l))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_CLASS_LABEL, i);
		ps->c.str_bytes += l + 1;
		if (m)
		{
			m->class_len[i] = l;
			m->classes[i] = CopyStr(ps->fl, s, l);
			for (j = 0; j < i; j++)
				if (ens_bytes_cmp(m->classes[j], m->class_len[j], s, l) == 0)
					FAIL(ENS_ECORRUPT, ENS_ERR_READ_CLASS_LABELS_EQUAL, j, i);
		}
	}
	for (i = 0; i < ps->c.p; i++)
	{
		double		v;

		if (!RF64(r, &v))
			FAIL(ENS_ETRUNC, ENS_ERR_READ_IMPORTANCE_TRUNC);
		if (!isfinite(v) || v < 0 || v > 1.000001)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_IMPORTANCE, i);
		if (m)
			m->importance[i] = v;
	}
	return ENS_OK;
}

/* A leaf: a class, a leaf vector index, or a value (f32 bits). */
static EnsStatus
ParseLeaf(Parser *ps, uint32_t t, uint32_t i, uint32_t nl, uint64_t leaf_base,
		  uint16_t feat, uint8_t bin, uint8_t flags, uint32_t *a)
{
	bool		vectors = ps->c.task == ENS_CLASSIFICATION && ps->c.algorithm == ENS_FOREST;
	float		v;

	if (feat != 0 || bin != 0 || (flags & (FN_DEFLEFT | FN_CAT)))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_LEAF_SPLIT_FIELDS, t, i);
	if (vectors && (flags & FN_PURE))
	{
		if (*a >= ps->c.K)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_LEAF_CLASS, t, i);
		return ENS_OK;
	}
	if (vectors)
	{
		if (*a >= nl)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_LEAF_INDEX, t, i);
		*a = (uint32_t) (leaf_base + (uint64_t) *a * ps->c.K);
		return ENS_OK;
	}
	if (flags & FN_PURE)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_LEAF_PURE, t, i);
	memcpy(&v, a, 4);
	if (!isfinite(v))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_LEAF_VALUE, t, i);
	return ENS_OK;
}

/* A categorical split: its table, its child and its category set. */
static EnsStatus
ParseCatSplit(Parser *ps, uint32_t t, uint32_t i, uint32_t nn, uint32_t nc,
			  size_t cat_pos, uint64_t node_base, uint64_t cat_base,
			  uint16_t feat, uint8_t bin, uint32_t *a)
{
	const uint8_t *cp;
	uint32_t	child,
				w,
				j;

	if (bin != 0)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_RESERVED, t, i);
	if (*a >= nc)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_SPLIT_TABLE, t, i);
	cp = ps->r.p + cat_pos + (size_t) *a * CAT_BYTES;
	child = Le32(cp);
	if (nn < 2 || child <= i || child >= nn - 1)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_CHILD, t, i);
	for (w = 0; w < 8; w++)
	{
		uint32_t	bits = Le32(cp + 4 + 4 * w);

		for (j = 0; j < 32; j++)
			if (((bits >> j) & 1) && w * 32 + j >= ps->nbins[feat])
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_CATEGORY_SET, t, i);
		if (ps->m)
			ps->m->cats[cat_base + *a].bits[w] = bits;
	}
	if (ps->m)
	{
		/* children are never 0: a set child means the table is taken */
		if (ps->m->cats[cat_base + *a].child != 0)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_SPLIT_TABLE_TWICE, t, i);
		ps->m->cats[cat_base + *a].child = (uint32_t) (node_base + child);
	}
	*a = (uint32_t) (cat_base + *a);
	return ENS_OK;
}

/*
 * Second pass: split i of tree t leads to nodes child and child + 1 (in
 * range and forward, checked); neither may have had a parent before.
 */
static inline EnsStatus
AdoptChildren(Parser *ps, uint32_t t, uint32_t child)
{
	uint8_t    *bits = ps->parented;
	uint32_t	k = child + 1;
	unsigned	had0 = (bits[child >> 3] >> (child & 7)) & 1,
				had1 = (bits[k >> 3] >> (k & 7)) & 1;

	if (had0 | had1)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_PARENTS, t, had0 ? child : k);
	bits[child >> 3] |= (uint8_t) (1u << (child & 7));
	bits[k >> 3] |= (uint8_t) (1u << (k & 7));
	ps->n_parented += 2;
	return ENS_OK;
}

/* Second pass, after tree t's nn nodes: every node but the root has a parent. */
static EnsStatus
CheckAllParented(Parser *ps, uint32_t t, uint32_t nn)
{
	uint32_t	k;

	if (ps->n_parented == nn - 1)
		return ENS_OK;
	for (k = 1; k < nn; k++)
		if (!(ps->parented[k >> 3] & (1u << (k & 7))))
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_UNREACHABLE, t, k);
	return ENS_OK;
}

static EnsStatus
ParseNodes(Parser *ps, uint32_t t, uint32_t nn, uint32_t nc, uint32_t nl, size_t cat_pos)
{
	Reader	   *r = &ps->r;
	uint32_t	i;

	for (i = 0; i < nn; i++)
	{
		uint32_t	a;
		uint16_t	feat;
		uint8_t		bin,
					flags;

		if (!R32(r, &a) || !R16(r, &feat) || !R8(r, &bin) || !R8(r, &flags))
			FAIL(ENS_ETRUNC, ENS_ERR_READ_NODE_TRUNC, t, i);
		if (flags & ~FN_ALLFLAGS)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_FLAGS, t, i);
		if (flags & FN_LEAF)
		{
			TRY(ParseLeaf(ps, t, i, nl, ps->c.leafv, feat, bin, flags, &a));
			ps->c.leaves++;
		}
		else
		{
			if (flags & FN_PURE)
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_SPLIT_PURE, t, i);
			if (feat >= ps->c.p)
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_SPLIT_FEATURE, t, i);
			if (((flags & FN_CAT) != 0) != (ps->kinds[feat] == ENS_CATEGORICAL))
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_SPLIT_KIND, t, i);
			if (flags & FN_CAT)
			{
				TRY(ParseCatSplit(ps, t, i, nn, nc, cat_pos, ps->c.nodes, ps->c.cats, feat, bin, &a));
				if (ps->parented)
					TRY(AdoptChildren(ps, t, (uint32_t) (ps->m->cats[a].child - ps->c.nodes)));
			}
			else
			{
				if (bin >= ps->nbins[feat])
					FAIL(ENS_ECORRUPT, ENS_ERR_READ_SPLIT_BIN, t, i);
				/* a missing value is coded 255, the feature's last bin: right */
				if (ps->nbins[feat] > ENS_MAX_BINS && (flags & FN_DEFLEFT))
					FAIL(ENS_ECORRUPT, ENS_ERR_READ_SPLIT_DEFLEFT, t, i);
				if (nn < 2 || a <= i || a >= nn - 1)
					FAIL(ENS_ECORRUPT, ENS_ERR_READ_NODE_CHILD, t, i);
				if (ps->parented)
					TRY(AdoptChildren(ps, t, a));
				a = (uint32_t) (ps->c.nodes + a);
			}
		}
		if (ps->m)
		{
			EnsNode    *nd = &ps->m->nodes[ps->c.nodes + i];

			nd->a = a;
			nd->feature = feat;
			nd->bin = bin;
			nd->flags = flags;
		}
	}
	return ENS_OK;
}

static EnsStatus
ParseTree(Parser *ps, uint32_t t)
{
	Reader	   *r = &ps->r;
	Counts	   *c = &ps->c;
	uint32_t	nn,
				nc,
				nl,
				K = c->K ? c->K : 1,
				i;
	size_t		cat_pos;

	if (!R32(r, &nn) || !R32(r, &nc) || !R32(r, &nl))
		FAIL(ENS_ETRUNC, ENS_ERR_READ_TREE_TRUNC, t);
	if (nn < 1)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_TREE_EMPTY, t);
	if ((uint64_t) nn * NODE_BYTES > r->len - r->pos ||
		(uint64_t) nc * CAT_BYTES > r->len - r->pos ||
		(uint64_t) nl * K * 4 > r->len - r->pos)
		FAIL(ENS_ETRUNC, ENS_ERR_READ_TREE_COUNTS_TRUNC, t);
	if (nc > nn || nl > nn)
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_TREE_COUNTS, t);
	if (nl != 0 && !(c->task == ENS_CLASSIFICATION && c->algorithm == ENS_FOREST))
		FAIL(ENS_ECORRUPT, ENS_ERR_READ_TREE_LEAF_VECTORS, t);
	if (c->nodes + nn > INT32_MAX || c->leafv + (uint64_t) nl * K > INT32_MAX)
		FAIL(ENS_ELIMIT, ENS_ERR_READ_NODES_LIMIT);
	if (ps->m)
	{
		ps->m->tree_node[t] = (uint32_t) c->nodes;
		ps->m->tree_cat[t] = (uint32_t) c->cats;
		ps->m->tree_leaf[t] = (uint32_t) c->leafv;
	}
	/* split tables: checked against their node below */
	cat_pos = r->pos;
	r->pos += (size_t) nc * CAT_BYTES;
	for (i = 0; i < nl * K; i++)
	{
		float		v;

		if (!RF32(r, &v))
			FAIL(ENS_ETRUNC, ENS_ERR_READ_LEAVES_TRUNC, t);
		if (!isfinite(v) || v < 0 || v > 1.0001f)
			FAIL(ENS_ECORRUPT, ENS_ERR_READ_LEAF_PROBABILITY, t);
		if (ps->m)
			ps->m->leafv[c->leafv + i] = v;
	}
	if (nn > ps->max_nodes)
		ps->max_nodes = nn;
	if (ps->parented)
	{
		memset(ps->parented, 0, ((size_t) nn + 7) / 8);
		ps->n_parented = 0;
	}
	TRY(ParseNodes(ps, t, nn, nc, nl, cat_pos));
	if (ps->parented)
		TRY(CheckAllParented(ps, t, nn));
	if (ps->m)
		for (i = 0; i < nc; i++)
			if (ps->m->cats[c->cats + i].child == 0)
				FAIL(ENS_ECORRUPT, ENS_ERR_READ_SPLIT_TABLE_UNUSED, t, i);
	c->nodes += nn;
	c->cats += nc;
	c->leafv += (uint64_t) nl * K;
	return ENS_OK;
}

/*
 * The optional sections after the trees (format 2): checked and sized in
 * both passes; filled, with covers checked against the trees, at the end
 * of the second.
 */
static EnsStatus
ParseSections(Parser *ps, bool fill)
{
	Reader	   *r = &ps->r;
	EnsExtShape sh;

	sh.version = ps->c.version;
	sh.task = ps->c.task;
	sh.p = ps->c.p;
	sh.K = ps->c.K;
	sh.nbins = ps->nbins;
	sh.nodes = ps->c.nodes;
	sh.leaves = ps->c.leaves;
	sh.trees = ps->c.T;
	sh.algorithm = ps->c.algorithm;
	if (fill)
		return ens_ext_fill(r->p + r->len - ps->ext_len, ps->ext_len, ps->m, &sh, &ps->c.ext, ps->fl->ext,
							ps->err);
	ps->ext_len = r->len - r->pos;
	TRY(ens_ext_scan(r->p + r->pos, ps->ext_len, &sh, &ps->c.ext, ps->err));
	r->pos = r->len;
	return ENS_OK;
}

/* One pass over the bytes: validate and count, or (ps->fl) fill. */
static EnsStatus
Parse(Parser *ps, const uint8_t *buf, size_t len)
{
	uint32_t	f,
				i;
	EnsModel   *m = ps->m;

	ps->r.p = buf;
	ps->r.len = len;
	ps->r.pos = 0;
	TRY(ParseHeader(ps, buf, len));
	if (m)
	{
		m->task = ps->c.task;
		m->algorithm = ps->c.algorithm;
		m->n_features = ps->c.p;
		m->n_classes = ps->c.K;
		m->n_trees = ps->c.T;
	}
	TRY(ParseBoost(ps));
	if (m)
	{
		m->objective = ps->c.objective;
		m->n_outputs = ps->c.n_outputs;
	}
	for (f = 0; f < ps->c.p; f++)
		TRY(ParseFeature(ps, f));
	/* unique feature names (checked while filling, where names are copied) */
	if (m)
		for (f = 0; f < ps->c.p; f++)
			for (i = f + 1; i < ps->c.p; i++)
				if (ens_bytes_cmp(m->features[f].name, m->features[f].name_len,
								  m->features[i].name, m->features[i].name_len) == 0)
					FAIL(ENS_ECORRUPT, ENS_ERR_READ_FEATURE_NAMES_EQUAL, f, i);
	TRY(ParseClassesAndImportance(ps));
	for (i = 0; i < ps->c.T; i++)
		TRY(ParseTree(ps, i));
	TRY(ParseSections(ps, false));
	if (m)
	{
		m->tree_node[ps->c.T] = (uint32_t) ps->c.nodes;
		m->tree_cat[ps->c.T] = (uint32_t) ps->c.cats;
		m->tree_leaf[ps->c.T] = (uint32_t) ps->c.leafv;
		m->n_nodes = (uint32_t) ps->c.nodes;
		m->n_cats = (uint32_t) ps->c.cats;
		m->n_leafv = (uint32_t) ps->c.leafv;
		TRY(ParseSections(ps, true));
	}
	return ENS_OK;
}

static bool
SameCounts(const Counts *a, const Counts *b)
{
	return a->version == b->version && a->task == b->task &&
		a->algorithm == b->algorithm && a->objective == b->objective &&
		a->p == b->p && a->K == b->K && a->T == b->T && a->n_outputs == b->n_outputs &&
		a->edges == b->edges && a->cat_entries == b->cat_entries &&
		a->cat_hashes == b->cat_hashes && a->str_bytes == b->str_bytes &&
		a->nodes == b->nodes && a->cats == b->cats && a->leafv == b->leafv &&
		a->leaves == b->leaves &&
		memcmp(&a->ext, &b->ext, sizeof(EnsExtLayout)) == 0;
}

static size_t
Align8(size_t x)
{
	return (x + 7) & ~(size_t) 7;
}

EnsStatus
ens_deserialize(const uint8_t *buf, size_t len, const EnsAlloc *al,
				EnsModel **out, EnsError *err)
{
	Parser		ps;
	Counts		c;
	EnsStatus	rc;
	size_t		off[20],
				total = 0;
	uint8_t    *block,
			   *parented;
	EnsModel   *m;
	Fill		fl;
	int			k = 0;

	*out = NULL;
	ens_error_clear(err);
	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	rc = Parse(&ps, buf, len);
	if (rc != ENS_OK)
		return rc;
	c = ps.c;

	/* layout of the single block; all counts are bounded by len */
#define PLACE(bytes) (off[k++] = total, total = Align8(total + (bytes)))
	PLACE(sizeof(EnsModel));	/* 0 */
	PLACE((size_t) c.p * sizeof(EnsFeature));	/* 1 */
	PLACE((size_t) c.edges * sizeof(double));	/* 2 */
	PLACE((size_t) c.cat_entries * sizeof(char *));	/* 3 */
	PLACE((size_t) c.cat_entries * sizeof(uint32_t));	/* 4 */
	PLACE((size_t) c.K * sizeof(char *));	/* 5 */
	PLACE((size_t) c.K * sizeof(uint32_t)); /* 6 */
	PLACE((size_t) c.p * sizeof(double));	/* 7 */
	PLACE(((size_t) c.T + 1) * sizeof(uint32_t));	/* 8 */
	PLACE(((size_t) c.T + 1) * sizeof(uint32_t));	/* 9 */
	PLACE(((size_t) c.T + 1) * sizeof(uint32_t));	/* 10 */
	PLACE((size_t) c.nodes * sizeof(EnsNode));	/* 11 */
	PLACE((size_t) c.cats * sizeof(EnsCatSplit));	/* 12 */
	PLACE((size_t) c.leafv * sizeof(float));	/* 13 */
	PLACE((size_t) c.cat_hashes * sizeof(uint64_t));	/* 14 */
	PLACE((size_t) c.n_outputs * sizeof(double));	/* 15 */
	PLACE((size_t) c.cat_hashes * sizeof(uint64_t));	/* 16 */
	PLACE((size_t) c.cat_hashes);	/* 17 */
	PLACE((size_t) c.str_bytes);	/* 18 */
	{
		EnsExtShape sh;

		memset(&sh, 0, sizeof(sh));
		sh.p = c.p;
		sh.K = c.K;
		sh.nbins = ps.nbins;
		sh.nodes = c.nodes;
		PLACE(ens_ext_layout_bytes(&c.ext, &sh));	/* 19 */
	}
#undef PLACE

	block = al->alloc(al->ctx, total);
	if (block == NULL)
		return ENS_ENOMEM;
	ens_hint_hugepages(block, total);
	memset(block, 0, off[2]);
	memset(block + off[12], 0, off[13] - off[12]);	/* split tables: taken marks */
	m = (EnsModel *) block;
	m->features = (EnsFeature *) (block + off[1]);
	m->classes = c.K ? (const char **) (block + off[5]) : NULL;
	m->class_len = c.K ? (uint32_t *) (block + off[6]) : NULL;
	m->importance = (double *) (block + off[7]);
	m->tree_node = (uint32_t *) (block + off[8]);
	m->tree_cat = (uint32_t *) (block + off[9]);
	m->tree_leaf = (uint32_t *) (block + off[10]);
	m->nodes = (EnsNode *) (block + off[11]);
	m->cats = (EnsCatSplit *) (block + off[12]);
	m->leafv = (float *) (block + off[13]);
	m->base_score = (double *) (block + off[15]);
	m->block = block;
	m->mem_bytes = total;
	fl.m = m;
	fl.edges = (double *) (block + off[2]);
	fl.catp = (const char **) (block + off[3]);
	fl.catl = (uint32_t *) (block + off[4]);
	fl.hashes = (uint64_t *) (block + off[14]);
	fl.hash_sorted = (uint64_t *) (block + off[16]);
	fl.hash_code = (uint8_t *) (block + off[17]);
	fl.str = (char *) (block + off[18]);
	fl.ext = block + off[19];

	/* the tree check's bitmap: a bit per node of the largest tree */
	parented = al->alloc(al->ctx, ((size_t) ps.max_nodes + 7) / 8);
	if (parented == NULL)
	{
		al->free(al->ctx, block);
		return ENS_ENOMEM;
	}
	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.fl = &fl;
	ps.m = m;
	ps.parented = parented;
	rc = Parse(&ps, buf, len);
	al->free(al->ctx, parented);
	if (rc == ENS_OK && !SameCounts(&c, &ps.c))
		rc = ENS_ECORRUPT;
	if (rc != ENS_OK)
	{
		al->free(al->ctx, block);
		return rc;
	}
	ens_dense_build(m, al);
	ens_bin_table_build(m, al);
	*out = m;
	return ENS_OK;
}

/* What a trainer left beside the model (covers, kept outputs). */
void
ens_model_free_training(EnsModel *m, const EnsAlloc *al)
{
	if (m->train_cover)
		al->free(al->ctx, m->train_cover);
	if (m->train_out)
		al->free(al->ctx, m->train_out);
	m->train_cover = NULL;
	m->train_out = NULL;
	m->n_train_out = 0;
}

void
ens_model_free(EnsModel *m, const EnsAlloc *al)
{
	if (m == NULL)
		return;
	ens_dense_free(m, al);
	ens_bin_table_free(m, al);
	if (m->ext && m->ext->owned)
		ens_ext_free(m->ext, al);
	m->ext = NULL;
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
	if (m->base_score)
		al->free(al->ctx, m->base_score);
	ens_model_free_training(m, al);
	m->nodes = NULL;
	m->cats = NULL;
	m->leafv = NULL;
	m->tree_node = m->tree_cat = m->tree_leaf = NULL;
	m->importance = NULL;
	m->base_score = NULL;
}
