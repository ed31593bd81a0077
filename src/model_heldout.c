/*
 * model_heldout.c - the rows of a relation as a registry model sees them,
 * for the entry points that score a relation (global_importance,
 * permutation_importance, calibrate, reliability, roc_curve, pr_curve,
 * choose_threshold, drift, model_profile), and classes by name.
 *
 * The model's features (and, when asked, its target) are matched by column
 * name as evaluate() does; the relation stays locked from inspection to the
 * end of the transaction (model_relation.c).  Rows are binned as they
 * arrive, so a relation costs p bytes per row, not p doubles.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "model_outputs.h"

/* ---------- classes ---------- */

/* How errors name the model: by name, or "the model" for model bytes (NULL). */
static const char *
ModelPhrase(const char *model_name)
{
	return model_name ? psprintf("model \"%s\"", model_name) : "the model";
}

const char *
ens_model_args_sql(const char *model_name, int32 version)
{
	if (version <= 0)
		return quote_literal_cstr(model_name);
	return psprintf("%s, %d", quote_literal_cstr(model_name), version);
}

/* model_name NULL: model bytes */
uint32_t
ens_class_index(const EnsModel *m, text *cls, const char *model_name, int32 version)
{
	const char *what = ModelPhrase(model_name);
	uint32_t	k;

	if (m->task != ENS_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is a regression model and has no classes", what)));
	for (k = 0; k < m->n_classes; k++)
		if (ens_bytes_cmp(m->classes[k], m->class_len[k], VARDATA_ANY(cls),
						  VARSIZE_ANY_EXHDR(cls)) == 0)
			return k;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s has no class \"%s\"", what, ens_name_for_message(text_to_cstring(cls))),
			 model_name ? errhint("edupredict.model_classes(%s) lists the classes.",
								  ens_model_args_sql(model_name, version)) :
			 errhint("edupredict.model_classes(model) lists the classes.")));
	return 0;					/* not reached */
}

void
ens_require_classifier(const EnsModel *m, const char *model_name, const char *what)
{
	if (m->task != ENS_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s needs a classification model, and %s is a regression model",
						what, ModelPhrase(model_name))));
}

uint32_t
ens_class_arg(const EnsModel *m, text *cls, const char *model_name, int32 version,
			  const char *what)
{
	if (cls != NULL)
		return ens_class_index(m, cls, model_name, version);
	ens_require_classifier(m, model_name, what);
	if (m->n_classes > 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has %u classes: name the class for %s", ModelPhrase(model_name),
						m->n_classes, what),
				 model_name ? errhint("Pass class => '...'; edupredict.model_classes(%s) lists them.",
									  ens_model_args_sql(model_name, version)) :
				 errhint("Pass class => '...'; edupredict.model_classes(model) lists them.")));
	return 1;
}

text *
ens_class_text(const EnsModel *m, uint32_t k)
{
	return cstring_to_text_with_len(m->classes[k], m->class_len[k]);
}

/* ---------- a registry model for one statement ---------- */

void
ens_regmodel_get(EnsRegModel *rm, text *name, int32 version)
{
	rm->name = text_to_cstring(name);
	rm->slot = ens_registry_get(rm->name, version);
	rm->m = rm->slot->model;
}

/*
 * Run fn with the model pinned in the registry cache: the relation it reads
 * may call predict() on other models, which must not evict this one.
 */
void
ens_regmodel_run(EnsRegModel *rm, void (*fn) (EnsRegModel *rm, void *arg), void *arg)
{
	rm->slot->pins++;
	PG_TRY();
	{
		fn(rm, arg);
	}
	PG_FINALLY();
	{
		rm->slot->pins--;
	}
	PG_END_TRY();
}

/* ---------- reading a relation ---------- */

typedef struct ReadState
{
	const char *name;
	const EnsModel *m;
	EnsHeldout *h;
	const Oid  *base;
	size_t		cap;
	double	   *x;
	EnsUnknownLabels *extra;	/* labels the model does not know, or NULL */
	MemoryContext cxt;			/* the caller's, for drift's sets */
	struct UnseenSet *unseen;	/* per categorical feature, with DRIFT */
	size_t		unseen_bytes;	/* of every feature's set */
	int			flags;
} ReadState;

/* ---------- target values a model does not know ---------- */

/* the cap's error for the unknown target values of ul */
static void
LabelsOverCap(const EnsUnknownLabels *ul, uint32_t len)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("the target values unknown to model \"%s\" and the rows read need more than edupredict.forest_max_memory (%d MB)",
					ul->name, edupredict_forest_max_memory_mb),
			 errdetail("%u distinct target values that are not classes of the model take %zu bytes beside %.0f bytes of rows; one more, of %u bytes, does not fit.",
					   ens_dict_size(ul->dict), ul->pa.cur, ul->rows_bytes, len),
			 errhint("Pass only rows whose target is a class of the model (edupredict.model_classes(%s) lists them), or a sample of the rows.",
					 ens_model_args_sql(ul->name, ul->version))));
}

/*
 * The dictionary's allocator: a refusal for the cap fails softly (the
 * dictionary says it could not add, and stays as it was) and is reported
 * by ens_heldout_unknown_label.
 */
static void *
LabelAlloc(void *ctx, size_t size)
{
	EnsUnknownLabels *ul = (EnsUnknownLabels *) ctx;

	if (ul->rows_bytes + ul->pa.cur + size > (double) ens_pg_memory_cap())
	{
		ul->over_cap = true;
		return NULL;
	}
	return ul->pa.al.alloc(ul->pa.al.ctx, size);
}

static void
LabelFree(void *ctx, void *ptr)
{
	EnsUnknownLabels *ul = (EnsUnknownLabels *) ctx;

	ul->pa.al.free(ul->pa.al.ctx, ptr);
}

void
ens_unknown_labels_init(EnsUnknownLabels *ul, const char *name, int32 version,
						double rows_bytes)
{
	memset(ul, 0, sizeof(*ul));
	ul->name = name;
	ul->version = version;
	ul->rows_bytes = rows_bytes;
	ens_pg_alloc_init(&ul->pa, CurrentMemoryContext, false);
	ul->al.alloc = LabelAlloc;
	ul->al.free = LabelFree;
	ul->al.ctx = ul;
	if ((ul->dict = ens_dict_create(&ul->al)) == NULL)
	{
		if (ul->over_cap)
			LabelsOverCap(ul, 0);
		ens_pg_dict_failed(NULL, ENS_DICT_UNKNOWN_LABELS, ul->name);
	}
}

uint32_t
ens_heldout_unknown_label(EnsUnknownLabels *ul, const char *s, uint32_t len)
{
	int64_t		id = ens_dict_add(ul->dict, s, len);

	if (id < 0 && ul->over_cap)
		LabelsOverCap(ul, len);
	if (id < 0)
		ens_pg_dict_failed(ul->dict, ENS_DICT_UNKNOWN_LABELS, ul->name);
	if (id >= ENS_MAX_UNKNOWN_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many target values unknown to model \"%s\"", ul->name),
				 errdetail("At most %d distinct target values that are not classes of the model are counted.",
						   ENS_MAX_UNKNOWN_LABELS),
				 errhint("Pass only rows whose target is a class of the model: edupredict.model_classes(%s) lists them.",
						 ens_model_args_sql(ul->name, ul->version))));
	return (uint32_t) id;
}

/*
 * A target value as a classification model's class label, as training makes
 * it (model_trainset.c): a number (not a boolean) through ens_number_label,
 * anything else as its text (ens_datum_to_text: a boolean as true or false,
 * a char(n) value with its padding).  NULL for a NaN, which is skipped as a
 * NULL target is.  TargetLabelSql is the same in SQL.
 */
const char *
ens_target_label(Datum d, Oid tbase, uint32_t *len)
{
	const char *s;

	if (ens_type_kind(tbase) == ENS_NUMERIC && tbase != BOOLOID)
	{
		double		v = ens_datum_to_double(d, tbase);

		if (isnan(v))
			return NULL;
		s = ens_number_label(v);
		*len = strlen(s);
		return s;
	}
	return ens_datum_to_text(d, tbase, len);
}

/*
 * A query of one column, the class label ens_target_label makes of column
 * col (quoted) of relation, row by row (NULL where the reader skips the row).
 * Text is compared byte for byte, as the reader compares: COLLATE "C", since
 * a nondeterministic collation could make 'A' equal 'a'.  A number goes
 * through float8 (ens_datum_to_double; dates and timestamps as Unix seconds)
 * to its label: an integer below 9e15 as digits, anything else as the
 * float8's text, which at the default extra_float_digits (1 or more) is the
 * shortest text that reads back, as ens_float_text writes it.  int2 and int4
 * are their own labels.  A numeric beyond float8's range, which the reader
 * takes as an infinity, makes the query fail (the cast refuses it).
 */
static char *
TargetLabelSql(const char *col, Oid tbase, const char *relation)
{
	const char *num;

	switch (tbase)
	{
		case INT2OID:
		case INT4OID:
		case BOOLOID:
			return psprintf("SELECT %s::pg_catalog.text FROM %s", col, relation);
		case BPCHAROID:
			return psprintf("SELECT pg_catalog.format('%%s', %s) COLLATE pg_catalog.\"C\" FROM %s",
							col, relation);
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			num = psprintf("pg_catalog.date_part('epoch', %s)", col);
			break;
		default:
			if (ens_type_kind(tbase) != ENS_NUMERIC)
				return psprintf("SELECT %s::pg_catalog.text COLLATE pg_catalog.\"C\" FROM %s",
								col, relation);
			num = psprintf("%s::pg_catalog.float8", col);
			break;
	}
	return psprintf("SELECT CASE WHEN x OPERATOR(pg_catalog.=) 'NaN' THEN NULL"
					" WHEN x OPERATOR(pg_catalog.=) pg_catalog.floor(x) AND pg_catalog.abs(x) OPERATOR(pg_catalog.<) '9e15'"
					" THEN x::pg_catalog.int8::pg_catalog.text ELSE x::pg_catalog.text END"
					" FROM (SELECT %s FROM %s) AS r (x)", num, relation);
}

int
ens_errhint_unknown_targets(const char *target, Oid tbase, const char *relation,
							const char *model_name, int32 version)
{
	return errhint("This query lists the target values that are not classes of the model: SELECT DISTINCT v FROM (%s) AS t (v) WHERE v OPERATOR(pg_catalog.<>) ALL (edupredict.model_classes(%s));",
				   TargetLabelSql(quote_identifier(target), tbase, relation),
				   ens_model_args_sql(model_name, version));
}

/* ---------- reading a relation ---------- */

size_t
ens_heldout_grow(size_t cap, size_t n, double row_bytes, EnsUnknownLabels *labels,
				 size_t unseen_bytes, const char *name)
{
	double		kept = (double) unseen_bytes + (labels ? labels->pa.cur : 0);
	uint32_t	n_labels = labels ? ens_dict_size(labels->dict) : 0;

	if (n >= ENS_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("relation has more than %u rows", ENS_MAX_ROWS)));
	cap *= 2;
	if ((double) cap * row_bytes + kept <= (double) ens_pg_memory_cap())
	{
		if (labels)
			labels->rows_bytes = (double) cap * row_bytes;
		return cap;
	}
	/* the rows alone may fit: the message names what is kept beside them */
	if (n_labels > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the rows of the relation and the values kept beside them need more than edupredict.forest_max_memory (%d MB) for model \"%s\"",
						edupredict_forest_max_memory_mb, name),
				 errdetail_plural("Room for %zu rows takes %.0f bytes, and %u distinct target value that is not a class of the model takes %zu bytes.",
								  "Room for %zu rows takes %.0f bytes, and %u distinct target values that are not classes of the model take %zu bytes.",
								  n_labels, cap, (double) cap * row_bytes, n_labels, labels->pa.cur),
				 errhint("Pass only rows whose target is a class of the model (edupredict.model_classes(%s) lists them), or a sample of the rows.",
						 ens_model_args_sql(labels->name, labels->version))));
	if (unseen_bytes > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the rows of the relation and the values kept beside them need more than edupredict.forest_max_memory (%d MB) for model \"%s\"",
						edupredict_forest_max_memory_mb, name),
				 errdetail("Room for %zu rows takes %.0f bytes, and the hashes of the distinct unseen values of the text features take %zu bytes.",
						   cap, (double) cap * row_bytes, unseen_bytes),
				 errhint("Pass a sample of the rows.")));
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("relation has more rows than edupredict.forest_max_memory (%d MB) holds for model \"%s\"",
					edupredict_forest_max_memory_mb, name),
			 errhint("Pass a sample of the rows.")));
	return cap;					/* not reached */
}

/* bins, target and the outputs scored later, per row */
static double
RowBytes(const ReadState *rs)
{
	return rs->h->p + 8 + 8 * Max(rs->m->n_classes, 1);
}

static void
Grow(ReadState *rs)
{
	EnsHeldout *h = rs->h;

	if (h->n < rs->cap)
		return;
	/* rows, and drift's sets of unseen values or the labels, within the cap */
	rs->cap = ens_heldout_grow(rs->cap, h->n, RowBytes(rs), rs->extra, rs->unseen_bytes, rs->name);
	h->X = repalloc_huge(h->X, rs->cap * h->p);
	if (h->act)
		h->act = repalloc_huge(h->act, rs->cap * sizeof(uint32_t));
	if (h->y)
		h->y = repalloc_huge(h->y, rs->cap * sizeof(double));
}

/* ---------- drift's distinct unseen values ---------- */

/*
 * A set of 64-bit SipHashes of a feature's unseen values (open addressing,
 * linear probing, 0 for an empty slot), not of the values: a value may take
 * 4,096 bytes, a hash takes 8, so a feature's set holds at most
 * UNSEEN_MAX_SLOTS * 8 bytes (1 MiB) whatever the values, and the sets count
 * against edupredict.forest_max_memory with the rows.  Two distinct values
 * with one hash are counted once: among n distinct values that happens with
 * odds of about n^2 / 2^65 (3e-10 at the cap's 100,001; a hash of 0 is taken
 * as 1, which doubles the odds for that one hash only).  The key is fixed,
 * so a count is the same on every run; values crafted to collide (some 2^32
 * SipHashes to find a pair) lower a drift count by one each, no more.
 */
#define UNSEEN_KEY0		UINT64_C(0x6564757072656469)	/* "edupredi" */
#define UNSEEN_KEY1		UINT64_C(0x756e7365656e2121)	/* "unseen!!" */
#define UNSEEN_MIN_SLOTS 64
#define UNSEEN_MAX_SLOTS (1u << 17)
/* one past the cap fits the largest set at a load under 4/5 */
StaticAssertDecl(ENS_MAX_UNSEEN_VALUES + 1 < (uint64) UNSEEN_MAX_SLOTS * 4 / 5,
				 "drift's set of unseen values is too small for its cap");

typedef struct UnseenSet
{
	uint64	   *slot;
	uint32		n_slots;		/* a power of 2, or 0 before the first */
	uint32		n;				/* distinct hashes held */
} UnseenSet;

/* The memory of the rows read so far and of every set: within the cap. */
static void
UnseenCheckMemory(const ReadState *rs, size_t more)
{
	double		total = (double) rs->cap * RowBytes(rs) + rs->unseen_bytes + more;

	if (total > (double) ens_pg_memory_cap())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("counting the unseen categories of model \"%s\" needs more than edupredict.forest_max_memory (%d MB)",
						rs->name, edupredict_forest_max_memory_mb),
				 errdetail("drift() keeps 8 bytes of each distinct unseen value of each text feature, up to %d values a feature, beside the rows.",
						   ENS_MAX_UNSEEN_VALUES),
				 errhint("Pass a sample of the rows.")));
}

static void
UnseenInsert(UnseenSet *u, uint64 hash)
{
	uint32		mask = u->n_slots - 1,
				i;

	for (i = (uint32) hash & mask; u->slot[i] != 0; i = (i + 1) & mask)
		if (u->slot[i] == hash)
			return;
	u->slot[i] = hash;
	u->n++;
}

/* Doubles the set's slots (the first 64) within UNSEEN_MAX_SLOTS. */
static void
UnseenGrow(ReadState *rs, UnseenSet *u)
{
	uint32		old_slots = u->n_slots,
				n_slots = old_slots ? old_slots * 2 : UNSEEN_MIN_SLOTS,
				i;
	uint64	   *old = u->slot;

	UnseenCheckMemory(rs, (size_t) n_slots * sizeof(uint64));
	u->slot = MemoryContextAllocZero(rs->cxt, (size_t) n_slots * sizeof(uint64));
	u->n_slots = n_slots;
	u->n = 0;
	rs->unseen_bytes += (size_t) (n_slots - old_slots) * sizeof(uint64);
	for (i = 0; i < old_slots; i++)
		if (old[i] != 0)
			UnseenInsert(u, old[i]);
	if (old)
		pfree(old);
}

/* one past the cap, so that a full count is told from a cut one */
static void
UnseenAdd(ReadState *rs, UnseenSet *u, uint64 hash)
{
	if (u->n > ENS_MAX_UNSEEN_VALUES)
		return;
	if ((uint64) (u->n + 1) * 4 > (uint64) u->n_slots * 3 && u->n_slots < UNSEEN_MAX_SLOTS)
		UnseenGrow(rs, u);
	UnseenInsert(u, hash ? hash : 1);
}

/* the target as a class index (unknown labels after the model's), or false */
static bool
Target(ReadState *rs, Datum d, Oid tbase)
{
	const EnsModel *m = rs->m;
	EnsHeldout *h = rs->h;
	uint32_t	len,
				k;
	const char *s;

	if (m->task != ENS_CLASSIFICATION)
	{
		h->y[h->n] = ens_datum_to_double(d, tbase);
		ens_check_target_value(m, h->y[h->n], h->n_read, h->target, h->relation);
		return !isnan(h->y[h->n]);
	}
	/* labels as training made them */
	if ((s = ens_target_label(d, tbase, &len)) == NULL)
		return false;
	for (k = 0; k < m->n_classes; k++)
		if (ens_bytes_cmp(m->classes[k], m->class_len[k], s, len) == 0)
			break;
	if (k == m->n_classes)
	{
		k = m->n_classes + ens_heldout_unknown_label(rs->extra, s, len);
		h->n_unknown++;
	}
	h->act[h->n] = k;
	return true;
}

static void
Feature(ReadState *rs, uint32_t f, Datum d, bool isnull)
{
	const EnsFeature *F = &rs->m->features[f];
	EnsHeldout *h = rs->h;
	uint32_t	len;
	char	   *s;
	int64_t		code;

	if (isnull)
	{
		rs->x[f] = NAN;
		return;
	}
	if (F->kind == ENS_NUMERIC)
	{
		rs->x[f] = ens_datum_to_double(d, rs->base[f]);
		return;
	}
	s = ens_datum_to_text(d, rs->base[f], &len);
	code = ens_category_code(F, s, len);
	rs->x[f] = code >= 0 ? (double) code : NAN;
	/* a value longer than any category is missing, as training took it */
	if (code >= 0 || !h->unseen_rows || len > ENS_MAX_NAME)
		return;
	h->unseen_rows[f]++;
	UnseenAdd(rs, &rs->unseen[f], ens_siphash(UNSEEN_KEY0, UNSEEN_KEY1, s, len));
}

/* One row: features 0..p-1, then (with the target) the target. */
static void
ReadRow(Datum *values, bool *isnull, void *arg)
{
	ReadState  *rs = (ReadState *) arg;
	EnsHeldout *h = rs->h;
	uint32_t	p = h->p,
				f;

	h->n_read++;
	if (h->has_target && isnull[p])
		return;
	Grow(rs);
	if (h->has_target && !Target(rs, values[p], rs->base[p]))
		return;
	for (f = 0; f < p; f++)
	{
		Feature(rs, f, values[f], isnull[f]);
		if (h->missing_rows && isnan(rs->x[f]))
			h->missing_rows[f]++;
	}
	ens_bin_row(rs->m, rs->x, h->X + (size_t) h->n * p);
	h->n++;
}

/* the target column of the registry row (SPI connected) */
static char *
TargetColumn(const char *name, int64 id)
{
	Oid			at[1] = {INT8OID};
	Datum		av[1];
	bool		isnull;

	av[0] = Int64GetDatum(id);
	if (SPI_execute_with_args("SELECT m.target FROM edupredict.models m WHERE m.id OPERATOR(pg_catalog.=) $1",
							  1, at, av, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	return TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
											 &isnull));
}

/* columns: every feature (and the target) by name; locked until commit */
static EnsColumn **
Columns(const char *name, const EnsModel *m, EnsRelation *rel, const char *target, Oid *base)
{
	uint32_t	p = m->n_features,
				i,
				n = p + (target ? 1 : 0);
	EnsColumn **cols = palloc(sizeof(EnsColumn *) * (n + 1));

	for (i = 0; i < n; i++)
	{
		const char *col = i < p ? m->features[i].name : target;

		cols[i] = ens_relation_column(rel, col);
		if (cols[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" needed by model \"%s\" does not exist in relation %s",
							col, name, rel->display)));
		base[i] = cols[i]->base;
		if ((i < p ? m->features[i].kind == ENS_NUMERIC : m->task == ENS_REGRESSION) &&
			ens_type_kind(base[i]) != ENS_NUMERIC)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, but model \"%s\" uses it as a number",
							col, format_type_be(base[i]), name)));
	}
	return cols;
}

/*
 * Read relid as model m (registry row slot) sees it.  SPI must not be
 * connected; allocations go to the current context.
 */
void
ens_heldout_read(const char *name, const EnsCached *slot, const EnsModel *m, Oid relid,
				 int flags, EnsHeldout *h)
{
	EnsRelation rel;
	EnsColumn **cols;
	ReadState	rs;
	EnsUnknownLabels labels;
	uint32_t	p = m->n_features,
				f;
	MemoryContext cxt = CurrentMemoryContext;

	memset(h, 0, sizeof(*h));
	memset(&rs, 0, sizeof(rs));
	h->p = p;
	h->version = slot->version;
	h->has_target = (flags & ENS_HELDOUT_TARGET) != 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* SPI calls leave SPI's memory current, which goes at SPI_finish */
	if (h->has_target)
		h->target = MemoryContextStrdup(cxt, TargetColumn(name, slot->id));
	MemoryContextSwitchTo(cxt);
	ens_relation_open(&rel, relid);
	h->relation = rel.named;
	rs.base = palloc(sizeof(Oid) * (p + 1));
	cols = Columns(name, m, &rel, h->target, (Oid *) rs.base);
	if (h->has_target)
		h->target_base = rs.base[p];
	rs.name = name;
	rs.cxt = cxt;
	rs.m = m;
	rs.h = h;
	rs.flags = flags;
	rs.cap = 1024;
	rs.x = palloc(sizeof(double) * p);
	h->X = palloc_extended(rs.cap * p, MCXT_ALLOC_HUGE);
	if (h->has_target && m->task == ENS_CLASSIFICATION)
	{
		h->act = palloc_extended(rs.cap * sizeof(uint32_t), MCXT_ALLOC_HUGE);
		ens_unknown_labels_init(&labels, name, slot->version, rs.cap * RowBytes(&rs));
		rs.extra = &labels;
	}
	else if (h->has_target)
		h->y = palloc_extended(rs.cap * sizeof(double), MCXT_ALLOC_HUGE);
	if (flags & ENS_HELDOUT_DRIFT)
	{
		h->unseen_rows = palloc0(sizeof(uint64_t) * p);
		h->unseen_values = palloc0(sizeof(uint32_t) * p);
		h->unseen_over = palloc0(sizeof(bool) * p);
		rs.unseen = palloc0(sizeof(UnseenSet) * p);
	}
	if (flags & (ENS_HELDOUT_DRIFT | ENS_HELDOUT_MISSING))
		h->missing_rows = palloc0(sizeof(uint64_t) * p);
	ens_relation_read(&rel, cols, p + (h->has_target ? 1 : 0), ReadRow, &rs);
	h->n_unknown_values = rs.extra ? ens_dict_size(rs.extra->dict) : 0;
	h->n_labels = m->n_classes + h->n_unknown_values;
	for (f = 0; rs.unseen && f < p; f++)
	{
		h->unseen_values[f] = Min(rs.unseen[f].n, ENS_MAX_UNSEEN_VALUES);
		h->unseen_over[f] = rs.unseen[f].n > ENS_MAX_UNSEEN_VALUES;
	}
	SPI_finish();
	MemoryContextSwitchTo(cxt);
}

/*
 * calibrate() and choose_threshold() judge probabilities against the
 * model's classes: a row with another label would count as a row of no
 * class (a negative for every class); model_profile() records the class
 * shares of the training rows, and would leave such a row out of them
 * (left_out).  Such rows are refused, not skipped or counted.  The message
 * counts the values and gives a query that lists them: they are values of
 * the caller's rows, which the server log must not carry (STYLE.md
 * section 8).
 */
void
ens_heldout_known_labels(const char *name, const EnsHeldout *h, const char *fn, bool left_out)
{
	if (h->n_unknown == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg_plural("relation has %u target value that is not a class of model \"%s\"",
						   "relation has %u distinct target values that are not classes of model \"%s\"",
						   h->n_unknown_values, h->n_unknown_values, name),
			 left_out ?
			 errdetail_plural("%llu of the relation's %u rows has a target value the model does not know; %s would leave it out of the profile.",
							  "%llu of the relation's %u rows have target values the model does not know; %s would leave them out of the profile.",
							  (unsigned long) h->n_unknown,
							  (unsigned long long) h->n_unknown, h->n, fn) :
			 errdetail_plural("%llu of the relation's %u rows has a target value the model does not know; %s would count it as a row of no class.",
							  "%llu of the relation's %u rows have target values the model does not know; %s would count them as rows of no class.",
							  (unsigned long) h->n_unknown,
							  (unsigned long long) h->n_unknown, h->n, fn),
			 ens_errhint_unknown_targets(h->target, h->target_base, h->relation, name,
										 h->version)));
}

/*
 * A regression target training would refuse, infinite or beyond the
 * learner's +-max_target (ens_trainset_target): every metric of it would be
 * infinite or undefined (an r2 of 0 or NULL, an rmse of Infinity: a target of
 * 1e200 squares to Infinity).  A NaN target is skipped as NULL is, as
 * training skips it.  row: 1-based, as read.
 */
void
ens_check_target_value(const EnsModel *m, double y, uint64 row, const char *target,
					   const char *relation)
{
	const EnsLearner *l = ens_learner_of(m);

	if (isnan(y) || fabs(y) <= l->max_target)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("target column \"%s\" of relation %s holds a value a regression cannot use",
					target, relation),
			 errdetail("Row %llu as read has an infinite target or one beyond -%s or %s: metrics need the targets training takes.",
					   (unsigned long long) row, l->max_target_text, l->max_target_text),
			 errhint("Filter such rows out or rescale the target.")));
}

/*
 * Every figure of an empty relation would be undefined (a curve of one
 * point, a mean of nothing, a calibrator or profile of nothing, drift from
 * no rows): every entry point that scores a relation refuses it with the
 * message the trainers refuse it with (ens_require_rows), naming the
 * relation.
 */
void
ens_heldout_require_rows(const EnsHeldout *h)
{
	ens_require_rows(h->n, h->n_read, h->target, h->relation);
}

/* Outputs of every row: probabilities (or the value); raw: uncalibrated. */
double *
ens_heldout_predict(const EnsModel *m, const EnsHeldout *h, bool raw)
{
	uint32_t	kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1;
	double	   *out = palloc_extended(sizeof(double) * Max(h->n, 1) * kk, MCXT_ALLOC_HUGE);

	ens_pg_check(ens_predict_binned_rows(m, h->X, h->n, raw, out, ens_pg_interrupt, NULL),
				 ENS_WHAT_PREDICTIONS, NULL);
	return out;
}
