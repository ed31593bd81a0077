/*
 * model_agg_trees.c - forest_agg_trees(features, target, params): a forest
 * aggregate whose partial states carry trees, not rows (issue 15).
 *
 * forest_agg combines rows: every row reaches the process that trains, so
 * on Citus every row is shipped to the coordinator.  This aggregate keeps
 * its rows in an expanded object (utils/expandeddatum.h) whose flat form
 * is a bytea; when the state leaves its node (Citus's worker_partial_agg
 * runs the aggregate whole and prints the state with byteaout) it is
 * flattened, and the flat form holds params.n_trees trees grown from the
 * rows it holds.  The state of a Partial Aggregate (its Aggref's aggsplit
 * skips the final function: a parallel plan, whose workers send their
 * states to the leader) stays on its node: its flat form carries its rows,
 * not trees, so on one node serial and parallel plans give forest_agg's
 * model, byte for byte.  Flattening leaves the expanded state as it was
 * (its rows stay rows): the flat form is a copy that has left the process,
 * and aggregates of one query that share the state (same arguments and
 * transition function) may flatten it and finish it in either order.
 * Combining concatenates the forests and appends the rows; the final
 * function grows trees from the rows in the state and merges all forests
 * into one model (model_merge.c).  With states that left their nodes the model
 * depends on how the rows were split (Citus shards): each part's trees see
 * only its rows (with the seed XOR an order-independent digest of those
 * rows), and the model has n_trees trees per part.
 *
 * A part whose rows cannot train a forest (one class, or a single row) is
 * kept as its class or value and its row count: its n_trees trees are
 * single leaves, as a forest grown on those rows would be.
 *
 * A partial forest travels without the histograms drift reads (the merged
 * model cannot keep them) and compressed with pglz (packed: its length, 0
 * when stored as is): Citus sends states as hex text, twice their bytes.
 *
 * Flat form ("EDPT"): ensemble_trees_state.h, whose PostgreSQL-free reader
 * finds the parts of a state any role may hand the combine and final
 * functions (test/fuzz/fuzz_agg_state.c fuzzes it); the rows of a state
 * that stayed on its node are as ens_agg_write writes them ("EDPA").
 */
#include "postgres.h"

#include <math.h>
#include <stdlib.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/pg_lzcompress.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "ensemble_pg.h"
#include "ensemble_trees_state.h"
#include "model_agg.h"
#include "model_merge.h"

StaticAssertDecl(ENS_TREES_MAX_FOREST == MaxAllocSize - VARHDRSZ,
				 "a forest of a state is at most what a bytea holds");

typedef struct TreesState
{
	ExpandedObjectHeader hdr;
	bool		known;			/* p, text_target, task and params are set */
	int			p;
	bool		text_target;
	int			task;			/* EnsTask */
	char	   *params;
	AggState   *rows;			/* rows not grown into trees yet, or NULL */
	MemoryContext rows_cxt;		/* theirs when read from a state's bytes, else NULL */
	bool		local;			/* a partial aggregate's: flattens to rows */
	int			n_consts;
	int			cap_consts;
	EnsConstPart *consts;		/* parts whose rows could not train a forest */
	int			n_forests;
	int			cap;
	bytea	  **forests;		/* model bytes grown from earlier rows */
	uint64		forest_bytes;	/* their bytes, counted with the rows against the cap */
	StringInfo	image;			/* flat form (no varlena header), or NULL */
} TreesState;

static Size TreesFlatSize(ExpandedObjectHeader *eohptr);
static void TreesFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods trees_methods = {TreesFlatSize, TreesFlatten};

static MemoryContext
AggCxt(FunctionCallInfo fcinfo)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("forest_agg_trees support functions must be called by the aggregate")));
	return cxt;
}

static TreesState *
NewTrees(MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "forest_agg_trees state", ALLOCSET_DEFAULT_SIZES);
	TreesState *s = MemoryContextAllocZero(cxt, sizeof(TreesState));

	EOH_init_header(&s->hdr, &trees_methods, cxt);
	return s;
}

static bool
IsOurs(Datum d)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &trees_methods;
}

/* room for one more element of a state's array of n (capacity *cap) */
static void *
Room(TreesState *s, void *arr, int n, int *cap, Size elem)
{
	if (n >= ENS_MAX_TREES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("forest_agg_trees combines at most %d partial forests", ENS_MAX_TREES)));
	if (n < *cap)
		return arr;
	*cap = Max(8, *cap * 2);
	return arr ? repalloc(arr, elem * *cap) : MemoryContextAlloc(s->hdr.eoh_context, elem * *cap);
}

/*
 * The state is about to hold len more bytes of forests: its forests, rows
 * and class labels count against edupredict.forest_max_memory together (the
 * rows' error once it holds rows, ens_agg_hold_beside).
 */
static void
HoldForest(TreesState *s, Size len)
{
	uint64		total = s->forest_bytes + len;

	if (s->rows != NULL)
		ens_agg_hold_beside(s->rows, total);
	else if (total > ens_pg_memory_cap())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a forest_agg_trees state holds more than edupredict.forest_max_memory (%d MB) of forests",
						edupredict_forest_max_memory_mb),
				 errhint("Aggregate fewer trees or rows per group, or ask a superuser to raise edupredict.forest_max_memory.")));
	s->forest_bytes = total;
}

/* Add model bytes HoldForest counted. */
static void
AddForest(TreesState *s, bytea *model)
{
	s->forests = Room(s, s->forests, s->n_forests, &s->cap, sizeof(bytea *));
	s->forests[s->n_forests++] = model;
}

static void
AddConst(TreesState *s, const EnsConstPart *c)
{
	EnsConstPart *d;

	s->consts = Room(s, s->consts, s->n_consts, &s->cap_consts, sizeof(EnsConstPart));
	d = &s->consts[s->n_consts++];
	*d = *c;
	d->label = c->label ? MemoryContextStrdup(s->hdr.eoh_context, c->label) : NULL;
}

/* ---------- growing trees from the rows ---------- */

/* Whether the rows alone can train a forest: two rows, and two classes when classifying. */
static bool
Trainable(const TreesState *s)
{
	const AggState *r = s->rows;
	size_t		i;

	if (r == NULL || r->n < 2)
		return false;
	if (s->task != ENS_CLASSIFICATION)
		return true;
	for (i = 1; i < r->n; i++)
		if (r->y[i] != r->y[0])
			return true;
	return false;
}

/* An order-independent digest of the rows: the sum of each row's hash. */
static uint64
RowsDigest(const AggState *r)
{
	uint64		sum = 0;
	size_t		i;
	int			f;

	for (i = 0; i < r->n; i++)
	{
		uint64		h = 0;

		for (f = 0; f < r->p; f++)
			h = hash_bytes_extended((const unsigned char *) &r->cols[f][i], sizeof(double), h);
		if (r->text_target)
		{
			uint32_t	len;
			const char *lab = ens_dict_get(r->labels, (uint32_t) r->y[i], &len, NULL);

			h = hash_bytes_extended((const unsigned char *) lab, (int) len, h);
		}
		else
			h = hash_bytes_extended((const unsigned char *) &r->y[i], sizeof(double), h);
		sum += h;
	}
	return sum;
}

/*
 * The part the rows held make, without changing them: a forest grown from a
 * copy of the rows, or NULL and *c a constant part when they cannot train
 * one; seeds: params.seed XOR a digest of the rows, and params.seed itself
 * at the final function (so one part is forest_agg).  Flattening asks for
 * it too, and must leave the state as it was: an aggregate sharing the state
 * (same arguments and transition function) finishes it afterwards.
 */
static bytea *
RowsPart(const TreesState *s, bool final, EnsConstPart *c)
{
	const AggState *r = s->rows;
	MemoryContext tmp,
				old;
	AggState   *copy;
	bytea	   *trained,
			   *model;

	if (!Trainable(s))
	{
		memset(c, 0, sizeof(*c));
		c->rows = r->n;
		if (s->task == ENS_CLASSIFICATION)
		{
			uint32_t	len = 0;
			const char *lab = r->text_target ?
				ens_dict_get(r->labels, (uint32_t) r->y[0], &len, NULL) : ens_number_label(r->y[0]);

			if (!r->text_target)
				len = strlen(lab);
			c->label = pnstrdup(lab, len);
			c->label_len = len;
		}
		else if (fabs(r->y[0]) <= ens_forest_learner.max_target)
			c->value = r->y[0];
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target column \"%s\" holds a value a regression cannot use", "target"),
					 errdetail("A part of one row has an infinite target or one beyond -%s or %s.",
							   ens_forest_learner.max_target_text, ens_forest_learner.max_target_text),
					 errhint("Filter such rows out or rescale the target.")));
		return NULL;
	}
	/* training consumes the columns it is given: give it a copy */
	tmp = AllocSetContextCreate(CurrentMemoryContext, "forest_agg_trees rows", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(tmp);
	copy = ens_agg_append(NULL, r, tmp, "forest_agg_trees", 0);
	trained = ens_agg_train(copy, &ens_forest_learner, final ? 0 : RowsDigest(r), !final);
	MemoryContextSwitchTo(old);
	model = palloc_extended(VARSIZE(trained), MCXT_ALLOC_HUGE);
	memcpy(model, trained, VARSIZE(trained));
	MemoryContextDelete(tmp);
	return model;
}

/* Whether the state holds rows not grown into trees yet. */
static bool
HasRows(const TreesState *s)
{
	return s->rows != NULL && s->rows->n > 0;
}

/* ---------- flat form ---------- */

static StringInfo
Image(TreesState *s)
{
	MemoryContext old;
	StringInfo	buf;
	bytea	   *grown = NULL;
	EnsConstPart c;
	int			n_forests,
				n_consts,
				i;

	if (s->image)
		return s->image;
	if (HasRows(s) && !s->local)
		grown = RowsPart(s, false, &c);
	n_forests = s->n_forests + (grown ? 1 : 0);
	n_consts = s->n_consts + (HasRows(s) && !s->local && grown == NULL ? 1 : 0);
	old = MemoryContextSwitchTo(s->hdr.eoh_context);
	buf = makeStringInfo();
	pq_sendint32(buf, ENS_TREES_MAGIC);
	pq_sendbyte(buf, ENS_TREES_VERSION);
	pq_sendbyte(buf, s->text_target ? 1 : 0);
	pq_sendbyte(buf, (uint8) s->task);
	pq_sendbyte(buf, 0);
	pq_sendint32(buf, (uint32) s->p);
	pq_sendint32(buf, s->params ? (uint32) strlen(s->params) : 0);
	if (s->params)
		pq_sendbytes(buf, s->params, strlen(s->params));
	pq_sendint32(buf, (uint32) n_forests);
	for (i = 0; i < n_forests; i++)
	{
		const bytea *f = i < s->n_forests ? s->forests[i] : grown;
		const char *raw = VARDATA_ANY(f);
		int32		len = (int32) VARSIZE_ANY_EXHDR(f);
		char	   *packed = palloc(PGLZ_MAX_OUTPUT(len));
		int32		plen = pglz_compress(raw, len, packed, PGLZ_strategy_always);

		pq_sendint32(buf, (uint32) len);
		if (plen > 0 && plen < len)
		{
			pq_sendint32(buf, (uint32) plen);
			pq_sendbytes(buf, packed, plen);
		}
		else
		{
			pq_sendint32(buf, 0);
			pq_sendbytes(buf, raw, len);
		}
		pfree(packed);
	}
	pq_sendint32(buf, (uint32) n_consts);
	for (i = 0; i < n_consts; i++)
	{
		const EnsConstPart *k = i < s->n_consts ? &s->consts[i] : &c;

		pq_sendint64(buf, (int64) k->rows);
		pq_sendfloat8(buf, k->value);
		pq_sendint32(buf, k->label ? k->label_len : 0);
		if (k->label)
			pq_sendbytes(buf, k->label, k->label_len);
	}
	if (HasRows(s) && s->local)
		ens_agg_write(s->rows, buf);
	MemoryContextSwitchTo(old);
	if (grown)
		pfree(grown);
	if ((Size) buf->len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a forest_agg_trees partial state of %d bytes is more than a bytea can hold", buf->len),
				 errhint("Lower params.n_trees, or limit the trees' size (max_depth, min_samples_leaf).")));
	s->image = buf;
	return buf;
}

static Size
TreesFlatSize(ExpandedObjectHeader *eohptr)
{
	return VARHDRSZ + Image((TreesState *) eohptr)->len;
}

static void
TreesFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	StringInfo	img = Image((TreesState *) eohptr);

	Assert(allocated_size == VARHDRSZ + img->len);
	memcpy(VARDATA(result), img->data, img->len);
	SET_VARSIZE(result, VARHDRSZ + img->len);
}

/*
 * A refused state: one case per id of ENS_TREES_WHYS (ensemble_trees_state.h),
 * each with its literal text as the errmsg format.
 */
static void
BadState(EnsTreesWhy why)
{
#define BAD_STATE(id, text) \
	case id: \
		ereport(ERROR, \
				(errcode(ERRCODE_DATA_EXCEPTION), \
				 errmsg(text), \
				 errhint("Pass forest_agg_trees's combine and final functions partial states as the aggregate wrote them."))); \
		break;

	switch (why)
	{
			ENS_TREES_WHYS(BAD_STATE)
		case ENS_TREES_OK:
		case ENS_TREES_WHY_COUNT:
			break;
	}
#undef BAD_STATE
	elog(ERROR, "forest_agg_trees state refused without a reason (%d)", (int) why);
}

/* A refusal of the framing reader (ensemble_trees_state.c). */
static void
Framing(EnsTreesWhy why)
{
	if (why != ENS_TREES_OK)
		BadState(why);
}

/* The feature names of a state's models: params.feature_names, else f1, f2, ... */
static char **
StateNames(const TreesState *s, int *task, void **lp)
{
	char	  **names;
	int			i;

	ens_agg_params(s->params, s->p, &ens_forest_learner, task, lp, &names);
	if (names == NULL)
	{
		names = palloc(sizeof(char *) * s->p);
		for (i = 0; i < s->p; i++)
			names[i] = psprintf("f%d", i + 1);
	}
	return names;
}

/* Whether s is the class label training makes of a numeric target value (ens_number_label). */
static bool
NumberLabel(const char *s, uint32 len)
{
	char		buf[64];
	char	   *end;
	double		v;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, &end);
	return *end == '\0' && !isnan(v) && strcmp(ens_number_label(v), buf) == 0;
}

/*
 * Whether a constant part is one this state's rows could make: a regression
 * value training accepts (finite, within the forest's +-max_target),
 * or a class (the value 0), a numeric target's as training labels it.  Its
 * row count and class length are the reader's (ens_trees_read_const checks
 * them).
 */
static bool
ConstPartOk(const TreesState *s, const EnsConstPart *c)
{
	if (s->task == ENS_REGRESSION)
		return c->label_len == 0 && fabs(c->value) <= ens_forest_learner.max_target;
	return c->label_len > 0 && c->value == 0 &&
		(s->text_target || NumberLabel(c->label, c->label_len));
}

/* Whether a forest read from a state is one its rows could grow. */
static bool
ForestOk(const TreesState *s, const EnsModel *m, char **names)
{
	uint32		k;

	if (!ens_merge_part_fits(m, s->task, names, s->p))
		return false;
	if (s->task == ENS_CLASSIFICATION && !s->text_target)
		for (k = 0; k < m->n_classes; k++)
			if (!NumberLabel(m->classes[k], m->class_len[k]))
				return false;
	return true;
}

/*
 * A forest read from a state: its bytes, decompressed, held as model bytes
 * once they are checked; they count against the memory cap (HoldForest)
 * before they are allocated.
 */
static bytea *
ReadForest(TreesState *s, const EnsTreesForest *f, char **names, MemoryContext check)
{
	bytea	   *m;

	HoldForest(s, f->len);
	m = palloc(VARHDRSZ + f->len);
	SET_VARSIZE(m, VARHDRSZ + f->len);
	if (f->packed == 0)
		memcpy(VARDATA(m), f->bytes, f->len);
	else if (pglz_decompress((const char *) f->bytes, (int32) f->packed, VARDATA(m), (int32) f->len, true) !=
			 (int32) f->len)
		BadState(ENS_TREES_FOREST_UNPACK);

	/*
	 * Each forest is read before the next is expanded: bytes that are not a
	 * model fail here, holding one forest's memory, not the sum of every
	 * forest the state claims (up to ENS_TREES_MAX_EXPANSION times its size).
	 */
	if (!ForestOk(s, ens_model_from_bytea(m, check), names))
		BadState(ENS_TREES_FOREST_MISFIT);
	MemoryContextReset(check);
	return m;
}

/*
 * A state from its flat form: ensemble_trees_state.c finds its parts (every
 * length checked against the bytes left), and the parts are checked here as
 * the rows they stand for.
 */
static TreesState *
ParseTrees(bytea *flat, MemoryContext parent)
{
	TreesState *s = NewTrees(parent);
	MemoryContext old = MemoryContextSwitchTo(s->hdr.eoh_context);
	EnsTreesReader r;
	EnsTreesHead h;
	uint32		n,
				i;
	size_t		used = 0;
	char	  **names;
	void	   *lp;
	int			task;
	MemoryContext check = AllocSetContextCreate(CurrentMemoryContext,
												"forest_agg_trees state check",
												ALLOCSET_DEFAULT_SIZES);

	ens_trees_reader_init(&r, (const uint8_t *) VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat));
	Framing(ens_trees_read_head(&r, &h));
	s->text_target = h.text_target;
	s->task = h.task;
	s->p = (int) h.p;
	s->params = pnstrdup(h.params, h.params_len);
	/* the params as the first row checked them (FirstRow) */
	names = StateNames(s, &task, &lp);
	if (!s->text_target && task != s->task)
		BadState(ENS_TREES_PARAMS_TASK);
	s->known = true;
	Framing(ens_trees_read_n_forests(&r, &n));
	for (i = 0; i < n; i++)
	{
		EnsTreesForest f;

		Framing(ens_trees_read_forest(&r, &f));
		AddForest(s, ReadForest(s, &f, names, check));
	}
	Framing(ens_trees_read_n_consts(&r, &n));
	for (i = 0; i < n; i++)
	{
		EnsTreesConst k;
		EnsConstPart c = {NULL, 0, 0, 0};

		Framing(ens_trees_read_const(&r, &k));
		c.rows = k.rows;
		c.value = k.value;
		if (k.label_len > 0)
		{
			c.label = pnstrdup(k.label, k.label_len);
			c.label_len = k.label_len;
		}
		if (!ConstPartOk(s, &c))
			BadState(ENS_TREES_CONST_BAD);
		AddConst(s, &c);
	}
	if (ens_trees_rows_left(&r) > 0)
	{
		/*
		 * the rows of a state that stayed on its node (ens_agg_read checks
		 * them), counted with its forests against the cap
		 */
		StringInfoData buf;

		buf.data = (char *) VARDATA_ANY(flat);
		buf.len = (int) r.len;
		buf.maxlen = buf.len;
		buf.cursor = (int) r.pos;
		s->rows_cxt = AllocSetContextCreate(s->hdr.eoh_context, "forest_agg_trees rows read",
											ALLOCSET_DEFAULT_SIZES);
		s->rows = ens_agg_read(&buf, s->rows_cxt, "forest_agg_trees", s->forest_bytes, false);
		used = (size_t) buf.cursor - r.pos;
		Framing(ens_trees_rows_fit(&h, (uint32) s->rows->p, s->rows->text_target, s->rows->params,
								   strlen(s->rows->params), s->rows->n));
	}
	Framing(ens_trees_read_end(&r, used));
	MemoryContextDelete(check);
	MemoryContextSwitchTo(old);
	return s;
}

/* ---------- combining ---------- */

static void
SameShape(TreesState *a, const TreesState *b)
{
	if (!b->known)
		return;
	if (!a->known)
	{
		a->p = b->p;
		a->text_target = b->text_target;
		a->task = b->task;
		a->params = MemoryContextStrdup(a->hdr.eoh_context, b->params);
		a->known = true;
		return;
	}
	if (a->p != b->p || a->text_target != b->text_target || a->task != b->task)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("forest_agg_trees partial states have different shapes")));
	if (strcmp(a->params, b->params) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("forest_agg_trees params must be the same in every row"),
				 errhint("Pass the params as a constant.")));
}

/*
 * Add b's forests and rows to a; b is not changed unless own.  own: b was
 * parsed into memory that lives as long as a's (a child of a's context), so
 * its forests are taken as they are instead of copied, and its rows, once
 * copied, are freed: a copy left behind would double what a holds, unseen
 * by the cap.
 */
static void
Absorb(TreesState *a, TreesState *b, bool own)
{
	int			i;

	SameShape(a, b);
	for (i = 0; i < b->n_forests; i++)
	{
		bytea	   *m = b->forests[i];

		HoldForest(a, VARSIZE_ANY_EXHDR(m));
		if (!own)
		{
			m = MemoryContextAllocHuge(a->hdr.eoh_context, VARSIZE_ANY(b->forests[i]));
			memcpy(m, b->forests[i], VARSIZE_ANY(b->forests[i]));
		}
		AddForest(a, m);
	}
	for (i = 0; i < b->n_consts; i++)
		AddConst(a, &b->consts[i]);
	if (b->rows && b->rows->n > 0)
		a->rows = ens_agg_append(a->rows, b->rows, a->hdr.eoh_context, "forest_agg_trees", a->forest_bytes);
	if (own && b->rows_cxt)
	{
		MemoryContextDelete(b->rows_cxt);
		b->rows = NULL;
		b->rows_cxt = NULL;
	}
	a->image = NULL;
}

/* The state argument argno: ours to change (R/W), a new one, or NULL. */
static TreesState *
WritableState(FunctionCallInfo fcinfo, int argno, MemoryContext aggcxt)
{
	Datum		d;
	TreesState *s;

	if (PG_ARGISNULL(argno))
		return NULL;
	d = PG_GETARG_DATUM(argno);
	if (IsOurs(d) && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return (TreesState *) DatumGetEOHP(d);
	s = NewTrees(aggcxt);
	if (IsOurs(d))
		Absorb(s, (TreesState *) DatumGetEOHP(d), false);
	else
		Absorb(s, ParseTrees(PG_GETARG_BYTEA_PP(argno), s->hdr.eoh_context), true);
	return s;
}

/* ---------- the aggregate's functions ---------- */

/*
 * Whether the state this call returns goes to a finalize step on this node
 * (a Partial Aggregate of a parallel plan, whose states a parallel worker
 * sends to its leader): it then flattens to its rows, so the model does not
 * depend on how the workers split them.  A state that leaves the node
 * (Citus's worker_partial_agg runs the aggregate whole and prints the state)
 * grows its trees.
 */
static bool
StaysOnNode(FunctionCallInfo fcinfo)
{
	Aggref	   *ar = AggGetAggref(fcinfo);

	return ar != NULL && DO_AGGSPLIT_SKIPFINAL(ar->aggsplit);
}

/* Checked at the first row: what a part must know to grow trees alone. */
static void
FirstRow(TreesState *s, bool text_target)
{
	void	   *lp;
	int			task;
	char	  **names;

	ens_agg_params(s->rows->params, s->rows->p, &ens_forest_learner, &task, &lp, &names);
	if (!text_target && task == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("forest_agg_trees needs params.task ('classification' or 'regression') for a numeric target"),
				 errdetail("Each partial state grows its trees from its own rows, which cannot tell the task for all of them.")));
	if (((ForestParams *) lp)->calibration != ENS_CAL_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("forest_agg_trees cannot calibrate: the partial forests would have different calibrators"),
				 errhint("Calibrate the model afterwards, or use forest_agg.")));
	s->p = s->rows->p;
	s->text_target = text_target;
	s->task = text_target ? ENS_CLASSIFICATION : task;
	s->params = MemoryContextStrdup(s->hdr.eoh_context, s->rows->params);
	s->known = true;
}

static Datum
Trans(FunctionCallInfo fcinfo, bool text_target)
{
	MemoryContext aggcxt = AggCxt(fcinfo);
	TreesState *s = WritableState(fcinfo, 0, aggcxt);
	bool		fresh = (s == NULL);
	AggState   *r;

	if (fresh)
		s = NewTrees(aggcxt);
	r = ens_agg_add_row(fcinfo, s->rows, s->hdr.eoh_context, text_target, s->forest_bytes);
	if (r == NULL && fresh)
	{
		/* no row yet (skipped rows): no state, so a part of skipped rows sends none */
		MemoryContextDelete(s->hdr.eoh_context);
		PG_RETURN_NULL();
	}
	s->local = StaysOnNode(fcinfo);
	if (r != NULL && s->rows == NULL)
	{
		s->rows = r;
		if (!s->known)
			FirstRow(s, text_target);
		else if (strcmp(r->params, s->params) != 0 || r->p != s->p)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("forest_agg_trees params must be the same in every row"),
					 errhint("Pass the params as a constant.")));
	}
	s->image = NULL;
	return EOHPGetRWDatum(&s->hdr);
}

PG_FUNCTION_INFO_V1(forest_agg_trees_trans);
Datum
forest_agg_trees_trans(PG_FUNCTION_ARGS)
{
	return Trans(fcinfo, false);
}

PG_FUNCTION_INFO_V1(forest_agg_trees_trans_text);
Datum
forest_agg_trees_trans_text(PG_FUNCTION_ARGS)
{
	return Trans(fcinfo, true);
}

PG_FUNCTION_INFO_V1(forest_agg_trees_combine);
Datum
forest_agg_trees_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggCxt(fcinfo);
	TreesState *a = WritableState(fcinfo, 0, aggcxt);
	Datum		d;

	if (PG_ARGISNULL(1))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		return EOHPGetRWDatum(&a->hdr);
	}
	if (a == NULL)
		a = NewTrees(aggcxt);
	a->local = StaysOnNode(fcinfo);
	d = PG_GETARG_DATUM(1);
	if (IsOurs(d))
		Absorb(a, (TreesState *) DatumGetEOHP(d), false);
	else
		Absorb(a, ParseTrees(PG_GETARG_BYTEA_PP(1), a->hdr.eoh_context), true);
	return EOHPGetRWDatum(&a->hdr);
}

static int
CmpForest(const void *a, const void *b)
{
	const bytea *x = *(bytea *const *) a,
			   *y = *(bytea *const *) b;
	Size		lx = VARSIZE_ANY_EXHDR(x),
				ly = VARSIZE_ANY_EXHDR(y);
	int			c = memcmp(VARDATA_ANY(x), VARDATA_ANY(y), Min(lx, ly));

	return c != 0 ? c : (lx < ly ? -1 : lx > ly ? 1 : 0);
}

static int
CmpConst(const void *a, const void *b)
{
	const EnsConstPart *x = a,
			   *y = b;

	if (x->label && y->label)
	{
		int			c = ens_bytes_cmp(x->label, x->label_len, y->label, y->label_len);

		if (c != 0)
			return c;
	}
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->rows < y->rows ? -1 : x->rows > y->rows ? 1 : 0;
}

/*
 * The final function reads the state and changes nothing in it (a state
 * may be shared with another aggregate, or be flattened afterwards): the
 * rows still held grow a forest from a copy, and the parts are sorted in
 * arrays of its own.
 */
PG_FUNCTION_INFO_V1(forest_agg_trees_final);
Datum
forest_agg_trees_final(PG_FUNCTION_ARGS)
{
	TreesState *s;
	MemoryContext tmp,
				old;
	EnsModel  **parts;
	bytea	  **forests,
			   *res,
			   *merged;
	EnsConstPart *consts;
	void	   *lp;
	char	  **names;
	int			i,
				nf,
				nc,
				task;

	(void) AggCxt(fcinfo);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (IsOurs(PG_GETARG_DATUM(0)))
		s = (TreesState *) DatumGetEOHP(PG_GETARG_DATUM(0));
	else
		s = ParseTrees(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext);
	if (!s->known)
		PG_RETURN_NULL();
	nf = s->n_forests;
	nc = s->n_consts;
	forests = palloc(sizeof(bytea *) * (nf + 1));
	consts = palloc(sizeof(EnsConstPart) * (nc + 1));
	if (nf > 0)
		memcpy(forests, s->forests, sizeof(bytea *) * nf);
	if (nc > 0)
		memcpy(consts, s->consts, sizeof(EnsConstPart) * nc);
	if (HasRows(s))
	{
		forests[nf] = RowsPart(s, true, &consts[nc]);
		if (forests[nf])
			nf++;
		else
			nc++;
	}
	if (nf + nc == 0)
		PG_RETURN_NULL();
	if (nf == 1 && nc == 0)
	{
		res = palloc_extended(VARSIZE_ANY(forests[0]), MCXT_ALLOC_HUGE);
		memcpy(res, forests[0], VARSIZE_ANY(forests[0]));
		PG_RETURN_BYTEA_P(res);
	}
	names = StateNames(s, &task, &lp);
	/* the parts in a canonical order: states arrive in any order */
	qsort(forests, nf, sizeof(bytea *), CmpForest);
	qsort(consts, nc, sizeof(EnsConstPart), CmpConst);
	tmp = AllocSetContextCreate(CurrentMemoryContext, "forest_agg_trees merge", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(tmp);
	parts = palloc(sizeof(EnsModel *) * Max(nf, 1));
	for (i = 0; i < nf; i++)
		parts[i] = ens_model_from_bytea(forests[i], tmp);
	merged = ens_merge_forests(parts, nf, consts, nc, ((ForestParams *) lp)->n_trees, s->task,
							   !s->text_target, names, s->p);
	MemoryContextSwitchTo(old);
	res = palloc_extended(VARSIZE(merged), MCXT_ALLOC_HUGE);
	memcpy(res, merged, VARSIZE(merged));
	MemoryContextDelete(tmp);
	PG_RETURN_BYTEA_P(res);
}
