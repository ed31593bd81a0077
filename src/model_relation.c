/*
 * model_relation.c - the relation a train_* or evaluate call reads.
 *
 * The relation is opened once, its columns inspected, and the lock is kept
 * to the end of the transaction (closed with NoLock): between inspecting
 * the column types and running the query nobody can ALTER the table, which
 * would otherwise hand the row callbacks datums of another type than the
 * one they decode (a crash).  The row reader checks the executor's result
 * types against what was inspected as well, so a view or rule that yields
 * other types is an error, never a misread.
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "model_train.h"

void
ens_relation_open(EnsRelation *r, Oid relid)
{
	Relation	rel;
	TupleDesc	td;
	int			i;

	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_VIEW &&
		rel->rd_rel->relkind != RELKIND_MATVIEW &&
		rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE &&
		rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table or view", RelationGetRelationName(rel))));
	td = RelationGetDescr(rel);
	r->relid = relid;
	r->cols = palloc0(sizeof(EnsColumn) * Max(td->natts, 1));
	r->ncols = 0;
	for (i = 0; i < td->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);
		EnsColumn  *c;

		if (att->attisdropped)
			continue;
		c = &r->cols[r->ncols++];
		c->name = pstrdup(NameStr(att->attname));
		c->type = att->atttypid;
		c->base = getBaseType(att->atttypid);
		c->kind = ens_type_kind(att->atttypid);
	}
	r->qualified = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											  RelationGetRelationName(rel));
	r->display = pstrdup(quote_identifier(RelationGetRelationName(rel)));
	/* pg_temp_N changes from session to session: messages say pg_temp */
	r->named = quote_qualified_identifier(isTempNamespace(RelationGetNamespace(rel)) ? "pg_temp" :
										  get_namespace_name(RelationGetNamespace(rel)),
										  RelationGetRelationName(rel));
	/* keep the lock: the columns must stay as inspected until we are done */
	relation_close(rel, NoLock);
}

EnsColumn *
ens_relation_column(const EnsRelation *r, const char *name)
{
	int			i;

	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->cols[i].name, name) == 0)
			return &r->cols[i];
	return NULL;
}

/*
 * Stream "SELECT cols FROM relation" into fn (SPI connected), checking that
 * the executor returns the inspected types.
 */
uint64
ens_relation_read(const EnsRelation *r, EnsColumn *const *cols, int n,
				  EnsRowFn fn, void *arg)
{
	return ens_relation_read_sized(r, cols, n, NULL, 0, NULL, fn, arg);
}

/*
 * ens_relation_read, telling size the planner's estimate of the rows first;
 * after the n columns come the nrank columns rank[] as their dense ranks
 * (bigint, 1 for the least value) in their type's own order, the default
 * btree order: values a float8 cannot tell apart (bigints beyond 2^53,
 * numerics, far timestamps) keep distinct ranks in their exact order.
 */
uint64
ens_relation_read_sized(const EnsRelation *r, EnsColumn *const *cols, int n,
						EnsColumn *const *rank, int nrank,
						EnsRowsSizeFn size, EnsRowFn fn, void *arg)
{
	StringInfoData q;
	Oid		   *types = palloc(sizeof(Oid) * Max(n + nrank, 1));
	int			i;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (i = 0; i < n; i++)
	{
		appendStringInfo(&q, "%s%s", i ? ", " : "", quote_identifier(cols[i]->name));
		types[i] = cols[i]->type;
	}
	for (i = 0; i < nrank; i++)
	{
		appendStringInfo(&q, "%spg_catalog.dense_rank() OVER (ORDER BY %s)", n + i ? ", " : "",
						 quote_identifier(rank[i]->name));
		types[n + i] = INT8OID;
	}
	appendStringInfo(&q, " FROM %s", r->qualified);
	return ens_read_rows_sized(q.data, types, n + nrank, size, fn, arg);
}

/*
 * n rows with a target value of n_read read: none is refused, naming the
 * relation.  One message for every entry point that reads a relation: the
 * trainers (nothing to learn from), evaluate and the scorers of
 * model_heldout.c (figures of no row are undefined).
 */
void
ens_require_rows(uint64 n, uint64 n_read, const char *target, const char *relation)
{
	if (n > 0)
		return;
	if (n_read == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation %s has no rows", relation)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("relation %s has no row with a target value", relation),
			 errdetail("Column \"%s\" is NULL (or NaN) in every one of its rows.", target)));
}
