/*
 * ensemble_shap_int.h - what the two halves of TreeSHAP share (PG-free):
 * the per-model plan (ensemble_shap_plan.c builds it) and the per-row walk
 * (ensemble_shap.c reads it).  Private to those two files.
 */
#ifndef ENSEMBLE_SHAP_INT_H
#define ENSEMBLE_SHAP_INT_H

#include "ensemble.h"

#include <math.h>
#include <string.h>


#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/*
 * Quadrature points go four at a time (a tree's count rounded up to a
 * multiple of 4, which stays exact): GCC vector code, SSE2 by default and
 * AVX2 with FMA where the CPU has it (a clone picked at load time).
 * aligned(8): palloc guarantees 8 bytes, and unaligned loads cost nothing.
 */
#if defined(__GNUC__) || defined(__clang__)
typedef double V4 __attribute__((vector_size(32), aligned(8)));
#define V4SET(x) ((V4) {(x), (x), (x), (x)})
#define V4SUM(v) ((v)[0] + (v)[1] + (v)[2] + (v)[3])
#else
#error "ensemble_shap.c needs GCC vector extensions"
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define SHAP_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define SHAP_CLONES
#endif

/* 4 x 256 points: exact for paths of up to 2048 distinct features */
#define ENS_SHAP_MAX_QUADS 256

typedef struct ShapTree
{
	uint32_t	nb;				/* first node */
	uint32_t	n;				/* nodes */
	uint32_t	nv;				/* quads of quadrature points */
	uint32_t	depth;			/* of its deepest node */
	int64_t		tab;			/* nv 1: offset of its edges' weights in tab, else -1 */
	uint32_t	tn;				/* table tree: its steps in tsteps */
	uint64_t	tsb;			/* table tree: its first step in tsteps */
	uint64_t	twb;			/* table tree: its first twin in twin0 (4 per twin in twin) */
	uint64_t	quad;			/* offset of t, 1 - t, w, -w / (1 - t) (nv each) */
} ShapTree;

/* The edge into a node (tree-local indices); a root's is unused (plan only). */
typedef struct ShapEdge
{
	double		r;				/* combined cover ratio of its feature down to it */
	double		rho;			/* its cover over its parent's */
	int32_t		prev;			/* the edge above it on the same feature, or -1 */
	uint32_t	parent;
	uint16_t	feature;		/* its parent's split feature */
	uint8_t		flags;
	uint64_t	outputs;		/* outputs with a leaf value other than 0 below
								 * (bit k % 64; all set beyond 64 classes) */
} ShapEdge;

#define EDGE_LEFT	0x01		/* the left child */
#define EDGE_LEAF	0x02		/* into a leaf */
#define EDGE_TWIN	0x04		/* into a split of two leaves, both in its table */
#define EDGE_QUAD	0x08		/* into a split of two twins */

/*
 * What a row reads of an edge, in depth-first order (left subtree first),
 * so that a row's scratch is one slot per depth, not per node: the walk's
 * working set stays in the L1 cache however large the tree.  A tree's
 * first step is its root (depth 0).
 */
typedef struct ShapStep
{
	double		r;				/* combined cover ratio of its feature down to it */
	double		rho;			/* its cover over its parent's */
	EnsNode		nd;				/* the node it leads to: its split or its leaf */
	uint32_t	depth;			/* of that node; the root is 0 */
	uint32_t	pdepth;			/* depth of the edge above on the same feature, 0: none */
	uint32_t	cpdepth;		/* EDGE_TWIN: its children's pdepth */
	uint16_t	feature;		/* its parent's split feature */
	uint8_t		flags;
} ShapStep;

/*
 * ShapStep as a table tree's walk reads it (ShapTreeRowTab): 24 bytes, not
 * 40 (no r, depths in a byte), because a row streams every step of every
 * tree from beyond the L2 cache: bytes per step are time.  Table trees are
 * at most TAB_MAX_DEPTH deep.  The leaves of a twin (EDGE_TWIN) have no
 * step and no slot in tab: the twin's row of twin and twin0 has what a row
 * reads of them.
 */
typedef struct TabStep
{
	double		rho;
	EnsNode		nd;
	uint8_t		depth;
	uint8_t		pdepth;
	uint8_t		cpdepth;
	uint8_t		flags;
	uint16_t	feature;
} TabStep;

#define TAB_MAX_DEPTH UINT8_MAX

/* a row's scratch per depth in a table tree (ShapTreeRowTab): one pointer */
typedef struct TabLevel
{
	V4			p;				/* P: product of the factors down to the node */
	V4			c;				/* the edge's share weights */
	V4			h;				/* H: sum of the leaves below */
	uint8_t		a;				/* as EnsShap's la */
	uint8_t		left;			/* the row goes left at the split */
	uint16_t	f;				/* the edge's feature */
} TabLevel;

/* forest classes only: a subtree whose leaves are all 0 for an output */
typedef struct ShapSkip
{
	uint64_t	outputs;		/* as ShapEdge's */
	uint32_t	end;			/* the step after its subtree */
} ShapSkip;

struct EnsShap
{
	const EnsModel *m;
	bool		cover;			/* the model's covers, else equal branches */
	uint32_t	max_nodes,
				max_nv,
				max_depth,
				n_out;
	ShapTree   *trees;
	ShapEdge   *edges;			/* per node (plan only) */
	ShapStep   *steps;			/* per node, each tree depth first */
	TabStep    *tsteps;			/* the same for table trees, or NULL */
	V4		   *twin;			/* per twin: GH left, GS left, GH right, GS right */
	double	   *twin0;			/* per twin: its leaves' cover-weighted value */
	ShapSkip   *skip;			/* per step, or NULL (every leaf counts for every output) */
	V4		   *quad;			/* per point count: t, 1 - t, w, -w / (1 - t) */
	V4		   *tab;			/* trees of one quad: per table step R11, C11, R10, C10
								 * (a row reads R and C as one cache line) */
	/* scratch of a row, one slot per depth (max_depth + 1, times max_nv for V4) */
	V4		   *lp;				/* P: product of the factors down to the node */
	V4		   *lic;			/* 1 / e of the edge with the row passing */
	V4		   *lc;				/* share weights of the edge */
	V4		   *lh;				/* H: sum of the leaves below (splits being walked) */
	double	   *lr;				/* the edge's r (1 at the root) */
	uint8_t    *la;				/* the row passes every split on the edge's feature
								 * down to it (1 at the root) */
	uint8_t    *lleft;			/* the row goes left at the split */
	uint16_t   *lf;				/* the edge's feature */
	TabLevel   *lt;				/* the same for table trees */
	V4		   *phiv;			/* scratch: per feature, the shares before adding up the points */
	double	   *base;			/* per output, NaN until computed */
	size_t		bytes;
	const EnsAlloc *al;
	void	   *mem[24];		/* the blocks allocated (PlanAlloc) */
	uint32_t	nmem;
};


static inline double
LeafValue(const EnsModel *m, EnsNode nd, uint32_t k)
{
	float		v;

	if (m->algorithm == ENS_FOREST && m->task == ENS_CLASSIFICATION)
		return (nd.flags & FN_PURE) ? (nd.a == k ? 1.0 : 0.0) : m->leafv[nd.a + k];
	memcpy(&v, &nd.a, sizeof(v));
	return v;
}


#endif							/* ENSEMBLE_SHAP_INT_H */
