/*
 * registry_lock_guard.c - LOCK TABLE on the shared registry tables is kept
 * to their owner.
 *
 * PostgreSQL lets a role with UPDATE, DELETE or TRUNCATE on a table LOCK it
 * in any mode, ACCESS EXCLUSIVE included, and hold that to the end of its
 * transaction.  The registry tables (models, model_names, model_grants,
 * runs, forecasts) are shared by every role of a database, and carry DELETE
 * grants so that row-level security can let each role remove its own rows;
 * with them any role could stop every other role's training, tuning,
 * scoring and forecasting for as long as it kept a transaction open.  A LOCK
 * statement (naming a table, a view over one, or a parent of one:
 * PostgreSQL locks a view's tables and a table's inheritance children too)
 * must not take one of these tables in a mode above ROW EXCLUSIVE that the
 * session does not hold already, unless the role owns it.
 *
 * The refusal comes before the statement asks for any lock: a request that
 * waited in the lock queue (behind a training's ROW EXCLUSIVE, say) would
 * make every later request on the table, even ACCESS SHARE, wait behind it.
 * So the hook first walks the statement as PG 15's LockTableCommand
 * (commands/lockcmds.c) will, in its order, with its checks and errors and
 * taking its locks (no new lock for the statement: it would take each anyway),
 * except that a registry table is refused before its lock is asked for.  A
 * view's definition is read only once the view is locked in the statement's
 * mode, so a view replaced while the statement waits for it is walked as
 * replaced, and each name is pinned to the schema it resolved to; a LOCK
 * that PostgreSQL and this guard permit runs as before.  The check after the
 * statement stays as a backstop: the session must hold no new strong lock on
 * a registry table, else the statement fails and the failed transaction lets
 * the lock go.
 *
 * Some DDL, too, locks a table it names before PostgreSQL checks the role's
 * rights on it (CREATE RULE, CREATE TRIGGER, a foreign key's referenced
 * table, PARTITION OF, INHERITS, INHERIT, ATTACH and DETACH PARTITION, ALTER
 * INDEX or MATERIALIZED VIEW ... DEPENDS ON EXTENSION, COMMENT, SECURITY
 * LABEL, CREATE STATISTICS, CREATE and ALTER PUBLICATION): the hook refuses a
 * non-owner's such statement naming a registry table (or an index of one)
 * before it runs, and pins each name it resolved to its schema so that
 * PostgreSQL, resolving it again perhaps after a wait, finds the same
 * relation.  The guard needs the library loaded before the statement, as
 * with edupredict in shared_preload_libraries (README); it is not armed for
 * an extension still at 0.1.0, whose trainings lock edupredict.models.
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/lockdefs.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"

#include "edupredict.h"

static const char *const guarded[] = {"models", "model_names", "model_grants", "runs", "forecasts"};

#define N_GUARDED lengthof(guarded)

static ProcessUtility_hook_type prev_utility = NULL;

/* the guarded tables of this database (InvalidOid: absent); false: not armed */
static bool
GuardedTables(Oid *rel)
{
	Oid			nsp = get_namespace_oid("edupredict", true);
	int			i;

	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("model_names", nsp)))
		return false;
	for (i = 0; i < (int) N_GUARDED; i++)
		rel[i] = get_relname_relid(guarded[i], nsp);
	return true;
}

/* the strongest mode above ROW EXCLUSIVE this session holds on rel, or NoLock */
static LOCKMODE
StrongModeHeld(Oid rel)
{
	LOCKTAG		tag;
	LOCKMODE	mode;

	SET_LOCKTAG_RELATION(tag, MyDatabaseId, rel);
	for (mode = AccessExclusiveLock; mode > RowExclusiveLock; mode--)
		if (LockHeldByMe(&tag, mode))
			return mode;
	return NoLock;
}

/*
 * What the lock would hold up, by its mode: from SHARE up it conflicts with
 * the ROW EXCLUSIVE every role's training, scoring and logging takes; SHARE
 * UPDATE EXCLUSIVE only with VACUUM, ANALYZE (autovacuum skips a table it
 * cannot lock), index builds and DDL, which only the owner runs
 */
static const char *
WhatLockStops(LOCKMODE mode)
{
	if (mode >= ShareLock)
		return _("the lock would stop the other roles' work.");
	return _("the lock would keep VACUUM and ANALYZE (autovacuum's included), index builds and DDL off the table for as long as the transaction lasts.");
}

/* cmd: NULL for a LOCK statement, else the command tag of the DDL statement */
static void
Refuse(int i, LOCKMODE mode, const char *cmd)
{
	if (cmd == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only the owner of table edupredict.%s may lock it in %s mode",
						guarded[i], GetLockmodeName(DEFAULT_LOCKMETHOD, mode)),
				 errdetail("The table is shared by every role of the database; %s", WhatLockStops(mode)),
				 errhint("The registry functions take the locks they need themselves.")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("only the owner of table edupredict.%s may name it in %s",
					guarded[i], cmd),
			 errdetail("%s locks the table in %s mode before it checks privileges; the table is shared by every role of the database, and %s",
					   cmd, GetLockmodeName(DEFAULT_LOCKMETHOD, mode), WhatLockStops(mode))));
}

/* the walk of a LOCK statement before it runs (see the header comment) */
typedef struct PreCheck
{
	LOCKMODE	mode;			/* the statement's mode, above ROW EXCLUSIVE */
	const char *cmd;			/* DDL: its command tag; LOCK: NULL */
	const Oid  *rel;			/* the guarded tables */
	const LOCKMODE *before;		/* their strongest mode held before */
	Oid			check_as_user;	/* inside a view: whose privileges count */
	Oid			viewoid;		/* inside a view: the view */
	bool		nowait;			/* LOCK ... NOWAIT */
	List	   *ancestors;		/* inside a view: the views above it */
} PreCheck;

/*
 * May userid LOCK relid in a mode above ROW EXCLUSIVE?  PG 15's
 * LockTableAclCheck asks UPDATE, DELETE or TRUNCATE for these modes.
 */
static AclResult
LockStrongAcl(Oid relid, Oid userid)
{
	return pg_class_aclcheck(relid, userid, ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE);
}

/*
 * relid is about to be locked: refuse if it is a registry table (after-check's
 * rule) or an index of one (ALTER INDEX ... ATTACH PARTITION locks the index
 * ACCESS EXCLUSIVE, which every query planned on the table waits for).
 */
static void
RefuseIfGuarded(Oid relid, const PreCheck *pc)
{
	int			i;
	char		kind = get_rel_relkind(relid);

	if (kind == RELKIND_INDEX || kind == RELKIND_PARTITIONED_INDEX)
		relid = IndexGetRelation(relid, true);

	for (i = 0; i < (int) N_GUARDED; i++)
		if (OidIsValid(pc->rel[i]) && pc->rel[i] == relid && pc->mode > pc->before[i] &&
			!pg_class_ownercheck(relid, GetUserId()))
			Refuse(i, pc->mode, pc->cmd);
}

/* LockTableRecurse: every inheritance child, without a privilege check of its own */
static void
PreCheckChildren(Oid relid, const PreCheck *pc)
{
	ListCell   *lc;

	foreach(lc, find_all_inheritors(relid, NoLock, NULL))
		if (lfirst_oid(lc) != relid)
			RefuseIfGuarded(lfirst_oid(lc), pc);
}

static void PreCheckView(Oid viewoid, PreCheck *pc);

/*
 * LockViewRecurse_walker: the tables and views of a view's query, in its
 * order, with its checks and errors and its locks, except that a registry
 * table is refused before its lock is asked for.
 */
static bool
PreCheckViewWalker(Node *node, PreCheck *pc)
{
	ListCell   *lc;
	AclResult	aclresult;

	if (node == NULL)
		return false;
	if (!IsA(node, Query))
		return expression_tree_walker(node, PreCheckViewWalker, (void *) pc);
	foreach(lc, ((Query *) node)->rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);

		/* PG 15 keeps OLD and NEW placeholders for the view itself in its rtable */
		if (rte->relid == pc->viewoid &&
			(strcmp(rte->eref->aliasname, "old") == 0 || strcmp(rte->eref->aliasname, "new") == 0))
			continue;
		if ((rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_PARTITIONED_TABLE &&
			 rte->relkind != RELKIND_VIEW) || list_member_oid(pc->ancestors, rte->relid))
			continue;
		aclresult = LockStrongAcl(rte->relid, pc->check_as_user);
		if (aclresult != ACLCHECK_OK)
			aclcheck_error(aclresult, get_relkind_objtype(rte->relkind), get_rel_name(rte->relid));
		RefuseIfGuarded(rte->relid, pc);
		/* the lock PostgreSQL takes next, so that a view is read as it will be */
		if (!pc->nowait)
			LockRelationOid(rte->relid, pc->mode);
		else if (!ConditionalLockRelationOid(rte->relid, pc->mode))
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("could not obtain lock on relation \"%s\"", get_rel_name(rte->relid))));
		if (rte->relkind == RELKIND_VIEW)
			PreCheckView(rte->relid, pc);
		else if (rte->inh)
			PreCheckChildren(rte->relid, pc);
	}
	return query_tree_walker((Query *) node, PreCheckViewWalker, (void *) pc, QTW_IGNORE_JOINALIASES);
}

/*
 * LockViewRecurse: the view's query, privileges checked as its owner (or the
 * current user for a security_invoker view).  The caller holds the view in
 * the statement's mode, so its definition is the one the statement will read:
 * a replacement committed while the lock was awaited has been taken in.
 */
static void
PreCheckView(Oid viewoid, PreCheck *pc)
{
	Relation	view = RelationIdGetRelation(viewoid);
	Query	   *query;
	Oid			outer_user = pc->check_as_user;
	Oid			outer_view = pc->viewoid;

	if (!RelationIsValid(view))
		return;					/* dropped meanwhile: the statement skips it too */
	if (view->rd_rel->relkind != RELKIND_VIEW)
	{
		RelationClose(view);
		return;
	}
	query = copyObject(get_view_query(view));
	pc->check_as_user = RelationHasSecurityInvoker(view) ? GetUserId() : view->rd_rel->relowner;
	RelationClose(view);
	pc->viewoid = viewoid;
	pc->ancestors = lappend_oid(pc->ancestors, viewoid);
	PreCheckViewWalker((Node *) query, pc);
	pc->ancestors = list_delete_last(pc->ancestors);
	pc->check_as_user = outer_user;
	pc->viewoid = outer_view;
}

/*
 * RangeVarCallbackForLockTable, and a registry table refused before its lock
 * is asked for
 */
static void
LockTableCallback(const RangeVar *rv, Oid relid, Oid oldrelid, void *arg)
{
	char		relkind = OidIsValid(relid) ? get_rel_relkind(relid) : '\0';
	AclResult	aclresult;

	if (relkind == '\0')
		return;					/* missing or dropped: PostgreSQL's error */
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE && relkind != RELKIND_VIEW)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot lock relation \"%s\"", rv->relname),
				 errdetail_relkind_not_supported(relkind)));
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		MyXactFlags |= XACT_FLAGS_ACCESSEDTEMPNAMESPACE;
	aclresult = LockStrongAcl(relid, GetUserId());
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, get_relkind_objtype(relkind), rv->relname);
	RefuseIfGuarded(relid, (PreCheck *) arg);
}

static void PinSchema(RangeVar *rv, Oid relid);

/*
 * LockTableCommand's walk, taking its locks in its order: each named relation
 * (its name then pinned, PinSchema), then its view's relations or (unless
 * ONLY) its inheritance children.  A registry table is refused before its
 * lock is requested; a view is read only once locked, so what is checked is
 * what the statement locks.  A child is not locked here: a registry table
 * becomes a child only by its owner's doing.
 */
static void
RefuseBeforeLocking(LockStmt *stmt, const Oid *rel, const LOCKMODE *before)
{
	PreCheck	pc = {stmt->mode, NULL, rel, before, InvalidOid, InvalidOid, stmt->nowait, NIL};
	ListCell   *lc;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = lfirst_node(RangeVar, lc);
		Oid			relid = RangeVarGetRelidExtended(rv, stmt->mode, stmt->nowait ? RVR_NOWAIT : 0,
													 LockTableCallback, &pc);

		PinSchema(rv, relid);
		if (get_rel_relkind(relid) == RELKIND_VIEW)
			PreCheckView(relid, &pc);
		else if (rv->inh)
			PreCheckChildren(relid, &pc);
	}
}

/*
 * The statement will resolve rv again: pin it to the schema resolved here, so
 * that a relation dropped meanwhile from a schema earlier in search_path
 * cannot hand it a registry table that was never checked.
 */
static void
PinSchema(RangeVar *rv, Oid relid)
{
	Oid			nsp = get_rel_namespace(relid);

	if (rv->schemaname == NULL && OidIsValid(nsp))
		rv->schemaname = isTempNamespace(nsp) ? pstrdup("pg_temp") : get_namespace_name(nsp);
}

/*
 * A relation a DDL statement locks in mode before checking the role's rights.
 * A name that resolves to nothing now fails now, with PostgreSQL's own error:
 * left to the statement, it would be resolved again after the statement's
 * own code ran (a column default can change search_path meanwhile).
 */
static void
DdlTarget(RangeVar *rv, LOCKMODE mode, PreCheck *pc)
{
	Oid			relid = RangeVarGetRelid(rv, NoLock, false);

	pc->mode = mode;
	RefuseIfGuarded(relid, pc);
	PinSchema(rv, relid);
}

/*
 * Does a foreign key of CREATE TABLE name the table being created?  PostgreSQL
 * resolves it after creating the table, so an unqualified name finds the new
 * table first (its schema is the first of search_path): pin it there, never to
 * a table of that name later in search_path.
 */
static bool
SelfReference(RangeVar *pktable, RangeVar *creating)
{
	Oid			nsp;

	if (creating == NULL || strcmp(pktable->relname, creating->relname) != 0)
		return false;
	if (pktable->schemaname != NULL)
		return creating->schemaname != NULL && strcmp(pktable->schemaname, creating->schemaname) == 0;
	nsp = RangeVarGetCreationNamespace(creating);
	pktable->schemaname = isTempNamespace(nsp) ? pstrdup("pg_temp") : get_namespace_name(nsp);
	return true;
}

/* a table constraint or column definition: the table a foreign key references */
static void
ForeignKeyTargets(Node *elt, RangeVar *creating, PreCheck *pc)
{
	ListCell   *lc;
	Constraint *con;

	if (elt == NULL)
		return;
	if (IsA(elt, ColumnDef))
		foreach(lc, ((ColumnDef *) elt)->constraints)
			ForeignKeyTargets(lfirst(lc), creating, pc);
	if (!IsA(elt, Constraint) || (con = (Constraint *) elt)->contype != CONSTR_FOREIGN)
		return;
	/* ALTER CONSTRAINT is a CONSTR_FOREIGN without a referenced table */
	if (con->pktable == NULL || SelfReference(con->pktable, creating))
		return;
	DdlTarget(con->pktable, ShareRowExclusiveLock, pc);
}

/*
 * PG 15 DDL that locks a relation it names, other than the one it creates or
 * alters, above ROW EXCLUSIVE before checking privileges: CREATE RULE (ACCESS
 * EXCLUSIVE), CREATE TRIGGER and a foreign key's referenced table (SHARE ROW
 * EXCLUSIVE), CREATE TABLE ... PARTITION OF and ATTACH or DETACH PARTITION
 * (ACCESS EXCLUSIVE; SHARE UPDATE EXCLUSIVE for DETACH CONCURRENTLY),
 * INHERITS and INHERIT, COMMENT and SECURITY LABEL on a relation or column,
 * CREATE STATISTICS and a table of CREATE or ALTER PUBLICATION (SHARE UPDATE
 * EXCLUSIVE: no wait behind a training, but behind the owner's VACUUM or
 * CREATE INDEX, with the owner's DDL and maintenance after it); and ALTER
 * INDEX or MATERIALIZED VIEW ... DEPENDS ON EXTENSION, which opens the
 * relation it names (a table or an index of one) in ACCESS EXCLUSIVE mode
 * before it checks the kind or the owner.  A statement naming its own target
 * otherwise goes through a callback that checks ownership before the lock.
 */
static bool
IsLockingDdl(Node *stmt)
{
	return IsA(stmt, RuleStmt) || IsA(stmt, CreateTrigStmt) || IsA(stmt, CreateStmt) ||
		IsA(stmt, CreateForeignTableStmt) || IsA(stmt, AlterTableStmt) ||
		IsA(stmt, AlterObjectDependsStmt) || IsA(stmt, CommentStmt) || IsA(stmt, SecLabelStmt) ||
		IsA(stmt, CreateStatsStmt) || IsA(stmt, CreatePublicationStmt) ||
		IsA(stmt, AlterPublicationStmt);
}

/*
 * COMMENT or SECURITY LABEL ON a relation or a column of one: the qualified
 * name the statement resolves, pinned (a schema put in front) like a RangeVar
 */
static void
ObjectNameTarget(ObjectType type, Node **object, PreCheck *pc)
{
	List	   *names = (List *) *object;
	int			n = list_length(names) - (type == OBJECT_COLUMN ? 1 : 0);
	RangeVar   *rv;
	bool		qualified;

	if (type != OBJECT_TABLE && type != OBJECT_COLUMN && type != OBJECT_INDEX &&
		type != OBJECT_VIEW && type != OBJECT_MATVIEW && type != OBJECT_SEQUENCE &&
		type != OBJECT_FOREIGN_TABLE)
		return;
	if (n < 1)
		return;					/* an unqualified column: PostgreSQL's error */
	rv = makeRangeVarFromNameList(list_copy_head(names, n));
	qualified = rv->schemaname != NULL;
	DdlTarget(rv, ShareUpdateExclusiveLock, pc);
	if (!qualified)
		*object = (Node *) lcons(makeString(rv->schemaname), names);
}

/* CREATE or ALTER PUBLICATION: each table it names */
static void
PublicationTargets(List *objects, PreCheck *pc)
{
	ListCell   *lc;

	foreach(lc, objects)
	{
		PublicationObjSpec *obj = lfirst_node(PublicationObjSpec, lc);

		if (obj->pubobjtype == PUBLICATIONOBJ_TABLE && obj->pubtable != NULL)
			DdlTarget(obj->pubtable->relation, ShareUpdateExclusiveLock, pc);
	}
}

static void
RefuseDdlBeforeLocking(Node *stmt, PreCheck *pc)
{
	ListCell   *lc;

	if (IsA(stmt, RuleStmt))
		DdlTarget(((RuleStmt *) stmt)->relation, AccessExclusiveLock, pc);
	else if (IsA(stmt, CreateTrigStmt))
		DdlTarget(((CreateTrigStmt *) stmt)->relation, ShareRowExclusiveLock, pc);
	else if (IsA(stmt, CreateStmt) || IsA(stmt, CreateForeignTableStmt))
	{
		/* CreateForeignTableStmt starts with its CreateStmt */
		CreateStmt *cs = (CreateStmt *) stmt;

		/* IF NOT EXISTS on an existing table: PostgreSQL skips the rest */
		if (cs->if_not_exists && OidIsValid(RangeVarGetRelid(cs->relation, NoLock, true)))
			return;
		foreach(lc, cs->inhRelations)
			DdlTarget(lfirst_node(RangeVar, lc),
					  cs->partbound ? AccessExclusiveLock : ShareUpdateExclusiveLock, pc);
		foreach(lc, cs->tableElts)
			ForeignKeyTargets(lfirst(lc), cs->relation, pc);
		foreach(lc, cs->constraints)
			ForeignKeyTargets(lfirst(lc), cs->relation, pc);
	}
	else if (IsA(stmt, AlterTableStmt))
	{
		AlterTableStmt *as = (AlterTableStmt *) stmt;

		/* IF EXISTS on a missing relation: PostgreSQL skips the rest */
		if (as->missing_ok && !OidIsValid(RangeVarGetRelid(as->relation, NoLock, true)))
			return;
		foreach(lc, as->cmds)
		{
			AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

			if (cmd->subtype == AT_AttachPartition || cmd->subtype == AT_DetachPartitionFinalize)
				DdlTarget(((PartitionCmd *) cmd->def)->name, AccessExclusiveLock, pc);
			else if (cmd->subtype == AT_DetachPartition)
				DdlTarget(((PartitionCmd *) cmd->def)->name, ((PartitionCmd *) cmd->def)->concurrent ?
						  ShareUpdateExclusiveLock : AccessExclusiveLock, pc);
			else if (cmd->subtype == AT_AddInherit)
				DdlTarget((RangeVar *) cmd->def, ShareUpdateExclusiveLock, pc);
			else if (cmd->subtype == AT_AddConstraint || cmd->subtype == AT_AddColumn)
				ForeignKeyTargets(cmd->def, NULL, pc);
		}
	}
	else if (IsA(stmt, AlterObjectDependsStmt))
	{
		AlterObjectDependsStmt *ds = (AlterObjectDependsStmt *) stmt;

		/*
		 * ALTER INDEX / MATERIALIZED VIEW ... DEPENDS ON EXTENSION: opened in
		 * ACCESS EXCLUSIVE mode whatever its kind, before the owner check
		 */
		if (ds->objectType == OBJECT_INDEX || ds->objectType == OBJECT_MATVIEW)
			DdlTarget(ds->relation, AccessExclusiveLock, pc);
	}
	else if (IsA(stmt, CommentStmt))
		ObjectNameTarget(((CommentStmt *) stmt)->objtype, &((CommentStmt *) stmt)->object, pc);
	else if (IsA(stmt, SecLabelStmt))
		ObjectNameTarget(((SecLabelStmt *) stmt)->objtype, &((SecLabelStmt *) stmt)->object, pc);
	else if (IsA(stmt, CreateStatsStmt))
	{
		List	   *rels = ((CreateStatsStmt *) stmt)->relations;

		/* anything but one RangeVar: PostgreSQL's error, before any lock */
		if (list_length(rels) == 1 && IsA(linitial(rels), RangeVar))
			DdlTarget(linitial_node(RangeVar, rels), ShareUpdateExclusiveLock, pc);
	}
	else if (IsA(stmt, CreatePublicationStmt))
		PublicationTargets(((CreatePublicationStmt *) stmt)->pubobjects, pc);
	else if (IsA(stmt, AlterPublicationStmt))
		PublicationTargets(((AlterPublicationStmt *) stmt)->pubobjects, pc);
}

/*
 * Does the statement get as far as LockTableCommand?  standard_ProcessUtility
 * first refuses it during recovery and in parallel mode, and outside a
 * transaction block; those refusals keep their own messages.
 */
static bool
ReachesLockTable(ProcessUtilityContext context)
{
	if (RecoveryInProgress() || IsInParallelMode())
		return false;
	return context != PROCESS_UTILITY_TOPLEVEL || IsTransactionBlock() || IsSubTransaction();
}

static void
GuardUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
			 ProcessUtilityContext context, ParamListInfo params,
			 QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;
	bool		check = IsA(stmt, LockStmt) && ((LockStmt *) stmt)->mode > RowExclusiveLock;
	bool		ddl = IsLockingDdl(stmt);
	Oid			rel[N_GUARDED];
	LOCKMODE	before[N_GUARDED];
	int			i;

	if ((check || ddl) && GuardedTables(rel))
	{
		for (i = 0; i < (int) N_GUARDED; i++)
			before[i] = OidIsValid(rel[i]) ? StrongModeHeld(rel[i]) : NoLock;
		if (readOnlyTree)
		{
			/* the walk pins names in the statement (PinSchema) */
			pstmt = copyObject(pstmt);
			readOnlyTree = false;
			stmt = pstmt->utilityStmt;
		}
		if (check && ReachesLockTable(context))
			RefuseBeforeLocking((LockStmt *) stmt, rel, before);
		else if (ddl && !XactReadOnly && !IsInParallelMode())
		{
			/* (in a read-only transaction PostgreSQL refuses DDL before locking) */
			PreCheck	pc = {NoLock, CreateCommandName(stmt), rel, before, InvalidOid, InvalidOid, false, NIL};

			RefuseDdlBeforeLocking(stmt, &pc);
		}
	}
	else
		check = false;
	if (prev_utility)
		prev_utility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	if (!check)
		return;
	/* what the walk could not see: the statement's objects changed meanwhile */
	for (i = 0; i < (int) N_GUARDED; i++)
	{
		LOCKMODE	now;

		if (OidIsValid(rel[i]) && (now = StrongModeHeld(rel[i])) > before[i] &&
			!pg_class_ownercheck(rel[i], GetUserId()))
			Refuse(i, now, NULL);
	}
}

void
edupredict_registry_lock_guard_init(void)
{
	prev_utility = ProcessUtility_hook;
	ProcessUtility_hook = GuardUtility;
}
