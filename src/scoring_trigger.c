/*
 * scoring_trigger.c - edupredict.score_row(): BEFORE INSERT OR UPDATE FOR
 * EACH ROW, fills the output column from a registry model.
 *
 * Trigger arguments: model name, class ('' for a regression model), output
 * column, and the OID of the role that owned the model name when scoring
 * was attached.  Model names are one namespace: after drop_model() another
 * role may register the same name (and grant it to everyone), so each
 * statement first checks that the name still belongs to that role, and
 * fails rather than score the table with someone else's model.
 *
 * The model is applied through the SQL API only: on the first row of each
 * statement the trigger plans
 *     SELECT edupredict.predict_proba(model, $1, class)
 * (or CAST(edupredict.predict(model, $1) AS float8)) with $1 of the table's
 * row type, keeps the planned expression and evaluates it for every row of
 * the statement, without an executor.  So it plans with the planner's
 * model-name rewrite suspended (model_name_rewrite.c: its subquery needs an
 * executor), and refuses a plan with any subquery.  predict_proba looks the
 * model up in the registry once per evaluation state, so a redeployed model
 * is used from the next statement on, and a dropped one fails at the next
 * statement with the registry's own "model ... does not exist" error.  COPY
 * fires the same trigger for every row, so bulk loads pay the lookup once
 * too.
 *
 * The state lives in a child of the trigger's fn_mcxt (the statement's
 * memory); a reset callback clears fn_extra when that memory goes, so a
 * stale pointer is never followed.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/nodeFuncs.h"
#include "nodes/params.h"
#include "nodes/plannodes.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

#include "edupredict.h"
#include "scoring.h"

typedef struct ScoreState
{
	FmgrInfo   *flinfo;
	Oid			relid;
	int			outcol;			/* 0-based */
	ExprState  *expr;
	ExprContext *econtext;
	ParamListInfo params;
	const char *model;
	const char *relname;
} ScoreState;

static void
ForgetState(void *arg)
{
	ScoreState *st = (ScoreState *) arg;

	if (st->flinfo->fn_extra == st)
		st->flinfo->fn_extra = NULL;
}

/* The planned model call for rows of rel, copied into cxt. */
static Expr *
PlanModelCall(Relation rel, char **args, MemoryContext cxt)
{
	Oid			rowtype = rel->rd_rel->reltype;
	char	   *sql;
	SPIPlanPtr	plan;
	CachedPlan *cplan;
	PlannedStmt *stmt;
	Expr	   *expr;
	MemoryContext old;
	int			rewrite;

	if (args[1][0] != '\0')
		sql = psprintf("SELECT edupredict.predict_proba(%s::pg_catalog.text, $1, %s::pg_catalog.text)",
					   quote_literal_cstr(args[0]), quote_literal_cstr(args[1]));
	else
		sql = psprintf("SELECT CAST(edupredict.predict(%s::pg_catalog.text, $1) AS pg_catalog.float8)",
					   quote_literal_cstr(args[0]));

	/*
	 * Planned by name whatever edupredict.resolve_model_names says: its
	 * rewrite would feed the call from a subquery, which the per-row
	 * evaluation cannot run.  The model is read from this node's registry by
	 * name, once per statement, as on one node.
	 */
	rewrite = edupredict_name_rewrite_suspend();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(sql, 1, &rowtype);
	if (plan == NULL)
		elog(ERROR, "could not plan the model call: %s", SPI_result_code_string(SPI_result));
	cplan = SPI_plan_get_cached_plan(plan);
	if (cplan == NULL || list_length(cplan->stmt_list) != 1)
		elog(ERROR, "unexpected plan for the model call");
	stmt = linitial_node(PlannedStmt, cplan->stmt_list);
	if (!IsA(stmt->planTree, Result) || list_length(stmt->planTree->targetlist) != 1 ||
		exprType((Node *) ((TargetEntry *) linitial(stmt->planTree->targetlist))->expr) != FLOAT8OID)
		elog(ERROR, "unexpected plan for the model call");

	/*
	 * The expression is evaluated per row without an executor
	 * (edupredict_score_row): no subplan runs and no PARAM_EXEC slot exists.
	 * A plan that needs one (a planner hook added a subquery) is refused
	 * rather than read through NULL.
	 */
	if (stmt->planTree->initPlan != NIL || stmt->subplans != NIL || stmt->paramExecTypes != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the model call of the scoring trigger on table \"%s\" was planned with a subquery",
						RelationGetRelationName(rel)),
				 errdetail("The trigger evaluates the call for each row without running subqueries; a planner hook added one.")));
	old = MemoryContextSwitchTo(cxt);
	expr = (Expr *) copyObject(((TargetEntry *) linitial(stmt->planTree->targetlist))->expr);
	MemoryContextSwitchTo(old);
	ReleaseCachedPlan(cplan, NULL);
	SPI_freeplan(plan);
	SPI_finish();
	edupredict_name_rewrite_resume(rewrite);
	return expr;
}

/* The name's owner must be the one pinned at attach time (runs as the table's owner). */
static void
CheckModelOwner(const char *model, const char *pinned)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	Oid			want = DatumGetObjectId(DirectFunctionCall1(oidin, CStringGetDatum(pinned)));
	Oid			now;
	bool		isnull;

	values[0] = CStringGetTextDatum(model);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT n.owner::pg_catalog.oid FROM edupredict.model_names n "
							  "WHERE n.name OPERATOR(pg_catalog.=) $1",
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up the owner of model \"%s\"", model);
	/* not visible (or dropped): the model call below says the model does not exist */
	if (SPI_processed == 0)
	{
		SPI_finish();
		return;
	}
	now = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	if (now != want)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" now belongs to another role than when scoring was attached", model),
				 errdetail("The name was dropped and registered again by another role; its models are not used to score this table."),
				 errhint("If the new model is meant to score this table, the table's owner can call edupredict.detach_scoring() and edupredict.attach_scoring() again.")));
}

static ScoreState *
Setup(FunctionCallInfo fcinfo, TriggerData *td)
{
	Relation	rel = td->tg_relation;
	char	  **args = td->tg_trigger->tgargs;
	MemoryContext cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "edupredict scoring",
											  ALLOCSET_SMALL_SIZES);
	ScoreState *st = MemoryContextAllocZero(cxt, sizeof(ScoreState));
	MemoryContextCallback *cb = MemoryContextAllocZero(cxt, sizeof(MemoryContextCallback));
	ScoringOwner so;
	Expr	   *expr;
	MemoryContext old;

	st->flinfo = fcinfo->flinfo;
	st->relid = RelationGetRelid(rel);
	st->outcol = scoring_column(rel, args[2], FLOAT8OID, "output");
	st->model = MemoryContextStrdup(cxt, args[0]);
	st->relname = MemoryContextStrdup(cxt, RelationGetRelationName(rel));
	scoring_owner_begin(&so, rel);
	CheckModelOwner(args[0], args[3]);
	expr = PlanModelCall(rel, args, cxt);
	old = MemoryContextSwitchTo(cxt);
	st->params = makeParamList(1);
	st->params->numParams = 1;
	st->params->params[0].ptype = rel->rd_rel->reltype;
	st->params->params[0].pflags = PARAM_FLAG_CONST;
	st->params->params[0].isnull = true;
	st->expr = ExecInitExprWithParams(expr, st->params);
	st->econtext = CreateStandaloneExprContext();
	st->econtext->ecxt_param_list_info = st->params;
	MemoryContextSwitchTo(old);
	scoring_owner_end(&so);
	cb->func = ForgetState;
	cb->arg = st;
	MemoryContextRegisterResetCallback(cxt, cb);
	fcinfo->flinfo->fn_extra = st;
	return st;
}

/* An UPDATE that changes nothing but the output column keeps its score. */
static bool
OnlyOutputChanged(HeapTuple oldt, HeapTuple newt, TupleDesc td, int outcol)
{
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);
		bool		n1,
					n2;
		Datum		d1,
					d2;

		if (i == outcol || a->attisdropped)
			continue;
		d1 = heap_getattr(oldt, i + 1, td, &n1);
		d2 = heap_getattr(newt, i + 1, td, &n2);
		if (n1 != n2 || (!n1 && !datumIsEqual(d1, d2, a->attbyval, a->attlen)))
			return false;
	}
	return true;
}

static void
ScoringContext(void *arg)
{
	ScoreState *st = (ScoreState *) arg;

	errcontext("scoring a row of table \"%s\" with model \"%s\"", st->relname, st->model);
}

PG_FUNCTION_INFO_V1(edupredict_score_row);

Datum
edupredict_score_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = scoring_trigger_data(fcinfo, "edupredict.score_row()", 4, true);
	Relation	rel = td->tg_relation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	bool		update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	tuple = update ? td->tg_newtuple : td->tg_trigtuple;
	ScoreState *st = (ScoreState *) fcinfo->flinfo->fn_extra;
	ErrorContextCallback errcb;
	ScoringOwner so;
	Datum		risk;
	bool		isnull;
	int			col;

	if (st == NULL || st->relid != RelationGetRelid(rel))
		st = Setup(fcinfo, td);
	if (update && OnlyOutputChanged(td->tg_trigtuple, tuple, tupdesc, st->outcol))
		return PointerGetDatum(tuple);

	errcb.callback = ScoringContext;
	errcb.arg = st;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	st->params->params[0].value = heap_copy_tuple_as_datum(tuple, tupdesc);
	st->params->params[0].isnull = false;
	scoring_owner_begin(&so, rel);
	risk = ExecEvalExprSwitchContext(st->expr, st->econtext, &isnull);
	scoring_owner_end(&so);
	ResetExprContext(st->econtext);
	st->params->params[0].isnull = true;
	error_context_stack = errcb.previous;

	col = st->outcol + 1;
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, 1, &col, &risk, &isnull));
}
