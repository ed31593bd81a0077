/*
 * scoring_ddl_guard.c - a table with scoring attached stays out of partition
 * and inheritance hierarchies.
 *
 * attach_scoring refuses partitions and members of inheritance hierarchies
 * (docs/scoring.md, Limits): PostgreSQL fires only the named table's
 * statement-level triggers, and only the row triggers of the table a row is
 * in, so rows written through a parent would be scored and never alerted
 * (a scored partition or child), or never scored while the parent's alert
 * triggers read them (a scored parent).  This hook keeps the same tables out
 * of the hierarchies afterwards: it refuses
 *     ALTER TABLE ... ATTACH PARTITION <scored table>
 *     ALTER TABLE <scored table> INHERIT ...
 *     ALTER TABLE ... INHERIT <scored table>
 *     CREATE [FOREIGN] TABLE ... INHERITS (<scored table>)
 * A table is scored when it carries a trigger calling edupredict.score_row()
 * or edupredict.alert_rows(), found by function OID as detach_scoring finds
 * them, whatever the trigger's name.
 *
 * The names are resolved before the statement runs (CREATE TEMP TABLE p ()
 * INHERITS (p) would name its own table afterwards) and the triggers are
 * read after it has run: the statement then holds locks on those tables that
 * conflict with the one attach_scoring and CREATE TRIGGER take, and has
 * checked that the caller owns every table it names, so the error names only
 * the caller's tables.  The failed statement rolls back.  Like
 * registry_lock_guard.c, the check needs the library loaded before the
 * statement (edupredict in shared_preload_libraries, README); it is not
 * armed where the scoring functions do not exist (an extension at 0.1.0).
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "edupredict.h"

typedef enum HierarchyPlace
{
	BECOMES_PARTITION,
	BECOMES_CHILD,
	BECOMES_PARENT
} HierarchyPlace;

typedef struct Joining
{
	Oid			relid;
	HierarchyPlace place;
} Joining;

static ProcessUtility_hook_type prev_utility = NULL;

static List *
AddJoining(List *joining, RangeVar *rv, HierarchyPlace place)
{
	Oid			relid = RangeVarGetRelid(rv, NoLock, true);
	Joining    *j;

	/* a missing table: the statement reports it (or skips it, IF EXISTS) */
	if (!OidIsValid(relid))
		return joining;
	j = palloc(sizeof(Joining));
	j->relid = relid;
	j->place = place;
	return lappend(joining, j);
}

/* the existing tables stmt puts into a partition or inheritance hierarchy */
static List *
JoiningTables(Node *stmt)
{
	List	   *joining = NIL;
	ListCell   *lc;

	if (IsA(stmt, AlterTableStmt) && ((AlterTableStmt *) stmt)->objtype != OBJECT_INDEX)
	{
		AlterTableStmt *alter = (AlterTableStmt *) stmt;

		foreach(lc, alter->cmds)
		{
			AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

			if (cmd->subtype == AT_AttachPartition)
				joining = AddJoining(joining, castNode(PartitionCmd, cmd->def)->name, BECOMES_PARTITION);
			else if (cmd->subtype == AT_AddInherit)
			{
				joining = AddJoining(joining, alter->relation, BECOMES_CHILD);
				joining = AddJoining(joining, castNode(RangeVar, cmd->def), BECOMES_PARENT);
			}
		}
		/* ALTER TABLE IF EXISTS of a missing table does nothing */
		if (joining != NIL && !OidIsValid(RangeVarGetRelid(alter->relation, NoLock, true)))
			return NIL;
	}
	else if (IsA(stmt, CreateStmt) || IsA(stmt, CreateForeignTableStmt))
	{
		/* CreateForeignTableStmt begins with its CreateStmt */
		CreateStmt *create = (CreateStmt *) stmt;

		/*
		 * PARTITION OF names a partitioned table, which carries no scoring;
		 * CREATE TABLE IF NOT EXISTS of an existing table does nothing.
		 */
		if (create->partbound == NULL &&
			!(create->if_not_exists && OidIsValid(RangeVarGetRelid(create->relation, NoLock, true))))
			foreach(lc, create->inhRelations)
				joining = AddJoining(joining, lfirst_node(RangeVar, lc), BECOMES_PARENT);
	}
	return joining;
}

/* edupredict.<name>() by OID, or InvalidOid */
static Oid
TriggerFunction(Oid nsp, const char *name)
{
	return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid, CStringGetDatum(name),
						   PointerGetDatum(buildoidvector(NULL, 0)), ObjectIdGetDatum(nsp));
}

/* Does the table carry a trigger calling one of fn?  Stays locked as read. */
static bool
CarriesScoring(Oid relid, const Oid *fn)
{
	Relation	rel = try_relation_open(relid, AccessShareLock);
	bool		scored = false;

	if (rel == NULL)
		return false;
	if (rel->trigdesc != NULL)
		for (int i = 0; i < rel->trigdesc->numtriggers && !scored; i++)
			scored = rel->trigdesc->triggers[i].tgfoid == fn[0] ||
				rel->trigdesc->triggers[i].tgfoid == fn[1];
	relation_close(rel, NoLock);
	return scored;
}

static void
RefuseJoining(Oid relid, HierarchyPlace place)
{
	char	   *name = get_rel_name(relid);

	switch (place)
	{
		case BECOMES_PARTITION:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("scoring attached to table \"%s\" prevents it from becoming a partition", name),
					 errdetail("PostgreSQL does not fire a partition's statement-level triggers, which write the alerts, for rows inserted or updated through its partitioned table: those rows would be scored but never alerted."),
					 errhint("Detach scoring first with edupredict.detach_scoring().")));
			break;
		case BECOMES_CHILD:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("scoring attached to table \"%s\" prevents it from becoming an inheritance child", name),
					 errdetail("PostgreSQL fires only the parent's statement-level triggers, which write the alerts, for rows updated through the parent: those rows would be scored again but never alerted."),
					 errhint("Detach scoring first with edupredict.detach_scoring().")));
			break;
		case BECOMES_PARENT:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("scoring attached to table \"%s\" prevents it from having inheritance children", name),
					 errdetail("PostgreSQL fires a child table's own row triggers, not the parent's, for its rows updated through the parent: those rows would not be scored, and the parent's alert triggers would read their risks."),
					 errhint("Detach scoring first with edupredict.detach_scoring().")));
			break;
	}
}

static void
ScoringDdlGuard(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				ProcessUtilityContext context, ParamListInfo params,
				QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	List	   *joining = JoiningTables(pstmt->utilityStmt);
	Oid			nsp;
	Oid			fn[2];
	ListCell   *lc;

	if (prev_utility)
		prev_utility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	if (joining == NIL || !OidIsValid(nsp = get_namespace_oid("edupredict", true)))
		return;
	fn[0] = TriggerFunction(nsp, "score_row");
	fn[1] = TriggerFunction(nsp, "alert_rows");
	if (!OidIsValid(fn[0]) && !OidIsValid(fn[1]))
		return;
	foreach(lc, joining)
	{
		Joining    *j = (Joining *) lfirst(lc);

		if (CarriesScoring(j->relid, fn))
			RefuseJoining(j->relid, j->place);
	}
}

void
edupredict_scoring_ddl_guard_init(void)
{
	prev_utility = ProcessUtility_hook;
	ProcessUtility_hook = ScoringDdlGuard;
}
