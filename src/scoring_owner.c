/*
 * scoring_owner.c - what both scoring triggers share: the call checks, and
 * running as the scored table's owner.
 *
 * Why the owner: the triggers run whenever anyone writes the table, but the
 * model and the alerts table were chosen by whoever attached scoring, which
 * must be the table's owner.  Running the model lookup and the alert insert
 * as the owner means an inserting role needs no grant on the model or the
 * alerts table, and, more important, a table owner cannot make a more
 * privileged role that inserts into the table run a model or write a table
 * that the owner could not use itself.  The switch is the one PostgreSQL
 * makes for VACUUM, ANALYZE and REFRESH MATERIALIZED VIEW: the owner's user
 * id with SECURITY_RESTRICTED_OPERATION (no SET ROLE, no temporary objects),
 * and search_path = pg_catalog, pg_temp for the duration.  The functions are
 * SECURITY INVOKER; there is no SECURITY DEFINER anywhere in this path.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "scoring.h"

void
scoring_owner_begin(ScoringOwner *so, Relation rel)
{
	GetUserIdAndSecContext(&so->save_user, &so->save_sec);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   so->save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	so->nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/* An error instead unwinds both through transaction or subtransaction abort. */
void
scoring_owner_end(ScoringOwner *so)
{
	AtEOXact_GUC(true, so->nest);
	SetUserIdAndSecContext(so->save_user, so->save_sec);
}

/* The trigger data, after checking how the trigger fires and its arguments. */
TriggerData *
scoring_trigger_data(FunctionCallInfo fcinfo, const char *fn, int nargs, bool before_row)
{
	TriggerData *td;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be called as a trigger", fn),
				 errhint("Use edupredict.attach_scoring().")));
	td = (TriggerData *) fcinfo->context;
	if (before_row && !(TRIGGER_FIRED_BEFORE(td->tg_event) && TRIGGER_FIRED_FOR_ROW(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must fire BEFORE ... FOR EACH ROW", fn),
				 errhint("Use edupredict.attach_scoring().")));
	if (!before_row && !(TRIGGER_FIRED_AFTER(td->tg_event) && TRIGGER_FIRED_FOR_STATEMENT(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must fire AFTER ... FOR EACH STATEMENT", fn),
				 errhint("Use edupredict.attach_scoring().")));
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event) && !TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s fires on INSERT or UPDATE only", fn),
				 errhint("Use edupredict.attach_scoring().")));
	if (td->tg_trigger->tgnargs != nargs)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s expects %d trigger arguments, not %d", fn, nargs, td->tg_trigger->tgnargs),
				 errhint("Use edupredict.attach_scoring().")));
	if (td->tg_relation->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s scores ordinary tables only", fn),
				 errhint("Scoring triggers go on ordinary tables (not views, partitioned or foreign tables): use edupredict.attach_scoring().")));
	return td;
}

/* The 0-based index of a column of the given type (InvalidOid: any type). */
int
scoring_column(Relation rel, const char *name, Oid type, const char *role)
{
	TupleDesc	td = RelationGetDescr(rel);

	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);

		if (a->attisdropped || strcmp(NameStr(a->attname), name) != 0)
			continue;
		if (OidIsValid(type) && a->atttypid != type)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s column \"%s\" of table \"%s\" has type %s, not %s", role, name,
							RelationGetRelationName(rel), format_type_be(a->atttypid),
							format_type_be(type))));
		return i;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("%s column \"%s\" does not exist in table \"%s\"", role, name,
					RelationGetRelationName(rel)),
			 errhint("Detach scoring with edupredict.detach_scoring() and attach it again.")));
	return -1;
}
