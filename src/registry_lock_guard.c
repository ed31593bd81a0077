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
 * scoring and forecasting for as long as it kept a transaction open.  After
 * a LOCK statement (naming a table, or a view over one: PostgreSQL locks a
 * view's tables too) the session must not hold one of these tables in a mode
 * above ROW EXCLUSIVE that it did not hold before, unless the role owns it;
 * otherwise the statement fails, and the failed transaction lets the lock
 * go.  The guard needs the library loaded before the statement, as with
 * edupredict in shared_preload_libraries (README); it is not armed for an
 * extension still at 0.1.0, whose trainings lock edupredict.models.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lock.h"
#include "storage/lockdefs.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"

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

static void
GuardUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
			 ProcessUtilityContext context, ParamListInfo params,
			 QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;
	bool		check = IsA(stmt, LockStmt) && ((LockStmt *) stmt)->mode > RowExclusiveLock;
	Oid			rel[N_GUARDED];
	LOCKMODE	before[N_GUARDED];
	int			i;

	if (check && (check = GuardedTables(rel)))
		for (i = 0; i < (int) N_GUARDED; i++)
			before[i] = OidIsValid(rel[i]) ? StrongModeHeld(rel[i]) : NoLock;
	if (prev_utility)
		prev_utility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	if (!check)
		return;
	for (i = 0; i < (int) N_GUARDED; i++)
	{
		LOCKMODE	now;

		if (!OidIsValid(rel[i]) || (now = StrongModeHeld(rel[i])) <= before[i] ||
			pg_class_ownercheck(rel[i], GetUserId()))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only the owner of table edupredict.%s may lock it in %s mode",
						guarded[i], GetLockmodeName(DEFAULT_LOCKMETHOD, now)),
				 errdetail("The table is shared by every role of the database; a lock above ROW EXCLUSIVE would stop the other roles' work."),
				 errhint("The registry functions take the locks they need themselves.")));
	}
}

void
edupredict_registry_lock_guard_init(void)
{
	prev_utility = ProcessUtility_hook;
	ProcessUtility_hook = GuardUtility;
}
