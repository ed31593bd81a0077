/*
 * model_name_rewrite.c - predict('name', ...) in queries over Citus
 * distributed tables.
 *
 * Citus runs a query's expressions on the workers, whose registries are
 * empty, so a model named by a constant would not be found there.  This
 * planner hook (installed when the library loads: on Citus through
 * shared_preload_libraries, after citus) replaces each name-based call whose
 * name and version are constants (or parameters of a custom plan, which are
 * its constants) with its *_by_ref twin
 * (model_ref.c), the name argument becoming
 *
 *   (SELECT edupredict.model_ref_lookup(name, version, pg_catalog.count(*))
 *      FROM edupredict.models m WHERE m.name = name)
 *
 * An uncorrelated subquery over a table of the coordinator: Citus runs it
 * there before the distributed part (a subplan), with the caller's rights,
 * and sends its one value to every worker, so each node scores with the
 * registry row the coordinator chose for this statement; a deploy is seen by
 * the next statement.  The count(*) makes the subquery return its one row
 * even for a name the caller cannot see, so model_ref_lookup() raises the
 * same errors as the name-based call.  The model itself is read by
 * model_ref_lookup() when the statement runs, not when it is planned, so a
 * cached plan never holds a stale or another role's model.
 *
 * edupredict.resolve_model_names: auto (when the citus extension is
 * installed in the database), on (always: tests, a one-node check of what
 * a cluster runs), off.  Code that evaluates a planned expression without
 * an executor cannot run the subquery (an InitPlan, read as a PARAM_EXEC
 * parameter): it plans with the rewrite suspended (the scoring trigger).
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"
#include "parser/parser.h"
#include "parser/parse_func.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "edupredict.h"

typedef enum
{
	RESOLVE_OFF,
	RESOLVE_AUTO,
	RESOLVE_ON
} ResolveMode;

static const struct config_enum_entry resolve_options[] = {
	{"off", RESOLVE_OFF, false},
	{"auto", RESOLVE_AUTO, false},
	{"on", RESOLVE_ON, false},
	{NULL, 0, false}
};

static int	resolve_mode = RESOLVE_AUTO;
static planner_hook_type prev_planner = NULL;

/* a name-based function and its twin; version: its argument, or -1 (none: NULL is passed) */
typedef struct TwinSpec
{
	const char *from;
	int			nargs;
	Oid			types[5];		/* of `from`; the twin has model_ref first and a version */
	const char *to;
	int			version;
} TwinSpec;

#define REC RECORDOID
#define F8A FLOAT8ARRAYOID
static const TwinSpec specs[] = {
	{"predict", 2, {TEXTOID, REC}, "predict_by_ref", -1},
	{"predict", 2, {TEXTOID, F8A}, "predict_by_ref", -1},
	{"predict", 4, {TEXTOID, REC, INT4OID, FLOAT8OID}, "predict_by_ref", 2},
	{"predict", 4, {TEXTOID, F8A, INT4OID, FLOAT8OID}, "predict_by_ref", 2},
	{"predict_proba", 2, {TEXTOID, REC}, "predict_proba_by_ref", -1},
	{"predict_proba", 3, {TEXTOID, REC, TEXTOID}, "predict_proba_by_ref", -1},
	{"predict_proba", 2, {TEXTOID, F8A}, "predict_proba_by_ref", -1},
	{"predict_proba", 3, {TEXTOID, REC, INT4OID}, "predict_proba_by_ref", 2},
	{"predict_proba", 4, {TEXTOID, REC, TEXTOID, INT4OID}, "predict_proba_by_ref", 3},
	{"predict_proba", 3, {TEXTOID, F8A, INT4OID}, "predict_proba_by_ref", 2},
	{"predict_label", 4, {TEXTOID, REC, INT4OID, FLOAT8OID}, "predict_label_by_ref", 2},
	{"explain", 5, {TEXTOID, REC, INT4OID, INT4OID, TEXTOID}, "explain_by_ref", 3},
	{"explain", 5, {TEXTOID, F8A, INT4OID, INT4OID, TEXTOID}, "explain_by_ref", 3},
};
#define N_SPECS lengthof(specs)

/* resolved OIDs, reset whenever pg_proc changes */
static bool twins_valid = false;
static Oid	twin_from[N_SPECS];
static Oid	twin_to[N_SPECS];

static void
ForgetTwins(Datum arg, int cacheid, uint32 hashvalue)
{
	twins_valid = false;
}

static void
ResolveTwins(void)
{
	Oid			nsp = get_namespace_oid("edupredict", true);
	Oid			ref = InvalidOid;
	int			i;

	if (OidIsValid(nsp))
		ref = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("model_ref"),
							  ObjectIdGetDatum(nsp));
	for (i = 0; i < (int) N_SPECS; i++)
	{
		const TwinSpec *s = &specs[i];
		Oid			to_types[5];
		int			to_nargs = s->version >= 0 ? s->nargs : s->nargs + 1;
		int			a;

		twin_from[i] = twin_to[i] = InvalidOid;
		if (!OidIsValid(ref))
			continue;
		for (a = 0; a < s->nargs; a++)
			to_types[a] = s->types[a];
		to_types[0] = ref;
		if (s->version < 0)
			to_types[s->nargs] = INT4OID;
		twin_from[i] = LookupFuncName(list_make2(makeString("edupredict"), makeString((char *) s->from)),
									  s->nargs, s->types, true);
		twin_to[i] = LookupFuncName(list_make2(makeString("edupredict"), makeString((char *) s->to)),
									to_nargs, to_types, true);
		if (!OidIsValid(twin_to[i]))
			twin_from[i] = InvalidOid;
	}
	twins_valid = true;
}

static int
TwinOf(Oid funcid)
{
	int			i;

	for (i = 0; i < (int) N_SPECS; i++)
		if (twin_from[i] == funcid)
			return i;
	return -1;
}

/*
 * A constant, or a parameter whose value the planner was given (a custom
 * plan: it becomes a constant); NULL otherwise.  A parameter without a value
 * (a generic plan) is left alone: Citus cannot plan a subquery on the
 * coordinator that reads one ("could not create distributed plan").
 */
static Node *
Resolved(Node *e, ParamListInfo bound)
{
	Node	   *outer = e;

	while (e && IsA(e, RelabelType))
		e = (Node *) ((RelabelType *) e)->arg;
	if (e == NULL)
		return NULL;
	if (IsA(e, Const))
	{
		/* 'name'::varchar: the same bytes, typed as the call's argument */
		Const	   *c = copyObject((Const *) e);

		c->consttype = exprType(outer);
		c->consttypmod = exprTypmod(outer);
		c->constcollid = exprCollation(outer);
		return (Node *) c;
	}
	if (IsA(e, Param) && ((Param *) e)->paramkind == PARAM_EXTERN && bound &&
		((Param *) e)->paramid > 0 && ((Param *) e)->paramid <= bound->numParams)
	{
		Param	   *p = (Param *) e;
		ParamExternData prmdata;
		ParamExternData *prm;
		int16		typlen;
		bool		typbyval;

		prm = bound->paramFetch ? bound->paramFetch(bound, p->paramid, false, &prmdata) :
			&bound->params[p->paramid - 1];
		if (prm == NULL || prm->ptype != p->paramtype || !(prm->pflags & PARAM_FLAG_CONST))
			return NULL;
		get_typlenbyval(p->paramtype, &typlen, &typbyval);
		return (Node *) makeConst(p->paramtype, p->paramtypmod, p->paramcollid, (int) typlen,
								  prm->isnull ? (Datum) 0 :
								  datumCopy(prm->value, typbyval, typlen),
								  prm->isnull, typbyval);
	}
	return NULL;
}

/* the call's arguments in positional order, defaults included */
static List *
FullArgs(FuncExpr *f)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(f->funcid));
	List	   *args;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", f->funcid);
	args = expand_function_arguments(f->args, false, f->funcresulttype, tup);
	ReleaseSysCache(tup);
	return args;
}

/* the call's name and version as constants, or false */
static bool
Rewritable(List *args, int spec, ParamListInfo bound, Node **name, Node **version)
{
	int			v = specs[spec].version;

	if (list_length(args) != specs[spec].nargs)
		return false;
	*name = Resolved(linitial(args), bound);
	if (*name == NULL || ((Const *) *name)->constisnull)
		return false;
	if (v < 0)
	{
		*version = (Node *) makeNullConst(INT4OID, -1, InvalidOid);
		return true;
	}
	*version = Resolved(list_nth(args, v), bound);
	return *version != NULL;
}

static bool
HasCandidate(Node *node, void *ctx)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr))
	{
		if (TwinOf(((FuncExpr *) node)->funcid) >= 0)
			return true;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, HasCandidate, ctx, 0);
	return expression_tree_walker(node, HasCandidate, ctx);
}

/* $1 (name) and $2 (version) of the lookup subquery, replaced by the call's own */
typedef struct Subst
{
	Node	   *name;
	Node	   *version;
} Subst;

static Node *
SubstParams(Node *node, Subst *s)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXTERN)
	{
		Param	   *p = (Param *) node;

		if (p->paramid == 1)
			return copyObject(s->name);
		if (p->paramid == 2)
			return copyObject(s->version);
	}
	if (IsA(node, Query))
		return (Node *) query_tree_mutator((Query *) node, SubstParams, s, 0);
	return expression_tree_mutator(node, SubstParams, s);
}

static SubLink *
LookupSubLink(Node *name, Node *version)
{
	static const char *sql =
		"SELECT edupredict.model_ref_lookup($1, $2, pg_catalog.count(*)) "
		"FROM edupredict.models m WHERE m.name OPERATOR(pg_catalog.=) $1";
	Oid			ptypes[2] = {TEXTOID, INT4OID};
	List	   *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	List	   *qs = pg_analyze_and_rewrite_fixedparams(linitial_node(RawStmt, raw), sql, ptypes, 2, NULL);
	Subst		s;
	SubLink    *sl = makeNode(SubLink);

	if (list_length(qs) != 1)
		elog(ERROR, "model lookup rewrote into %d queries", list_length(qs));
	s.name = name;
	s.version = version;
	sl->subLinkType = EXPR_SUBLINK;
	sl->subLinkId = 0;
	sl->testexpr = NULL;
	sl->operName = NIL;
	sl->subselect = SubstParams((Node *) linitial(qs), &s);
	sl->location = -1;
	return sl;
}

typedef struct Ctx
{
	bool		added;			/* a sublink was added to the current query level */
	ParamListInfo bound;		/* the statement's parameter values (custom plans) */
} Ctx;

static Node *
Rewrite(Node *node, Ctx *c)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Query))
	{
		bool		outer = c->added;
		Query	   *q;

		c->added = false;
		q = query_tree_mutator((Query *) node, Rewrite, c, 0);
		if (c->added)
			q->hasSubLinks = true;
		c->added = outer;
		return (Node *) q;
	}
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *f = (FuncExpr *) expression_tree_mutator(node, Rewrite, c);
		int			s = TwinOf(f->funcid);
		List	   *full = s >= 0 ? FullArgs(f) : NIL;
		Node	   *name,
				   *version;

		if (s >= 0 && Rewritable(full, s, c->bound, &name, &version))
		{
			const TwinSpec *sp = &specs[s];
			List	   *args = list_make1(LookupSubLink(name, version));
			int			a;

			for (a = 1; a < list_length(full); a++)
				args = lappend(args, a == sp->version ? version : list_nth(full, a));
			if (sp->version < 0)
				args = lappend(args, version);
			f->funcid = twin_to[s];
			f->args = args;
			c->added = true;
		}
		return (Node *) f;
	}
	return expression_tree_mutator(node, Rewrite, c);
}

static bool
Wanted(void)
{
	if (resolve_mode == RESOLVE_OFF)
		return false;
	if (!twins_valid)
		ResolveTwins();
	return true;
}

static PlannedStmt *
NameRewritePlanner(Query *parse, const char *query_string, int cursorOptions,
				   ParamListInfo boundParams)
{
	if (IsTransactionState() && Wanted() && HasCandidate((Node *) parse, NULL) &&
		(resolve_mode == RESOLVE_ON || OidIsValid(get_extension_oid("citus", true))))
	{
		Ctx			c = {false, boundParams};

		parse = (Query *) Rewrite((Node *) parse, &c);
	}
	if (prev_planner)
		return prev_planner(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

/*
 * Plan without the rewrite until edupredict_name_rewrite_resume(level), or
 * the end of the (sub)transaction if an error comes first: for a caller that
 * evaluates a planned expression without an executor (the scoring trigger),
 * which cannot run the lookup subquery the rewrite adds (an InitPlan, read
 * as a PARAM_EXEC parameter).  The setting is switched off for that span
 * like a SET LOCAL, so the session's own value is untouched.
 */
int
edupredict_name_rewrite_suspend(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("edupredict.resolve_model_names", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

void
edupredict_name_rewrite_resume(int level)
{
	AtEOXact_GUC(true, level);
}

void
edupredict_name_rewrite_init(void)
{
	DefineCustomEnumVariable("edupredict.resolve_model_names",
							 "Resolve model names on the coordinator of a distributed query.",
							 "auto: when the citus extension is installed in the database; on: always; off: never. "
							 "A call with a constant name becomes its *_by_ref twin, whose model a subquery looks up once per statement.",
							 &resolve_mode, RESOLVE_AUTO, resolve_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	CacheRegisterSyscacheCallback(PROCOID, ForgetTwins, (Datum) 0);
	prev_planner = planner_hook;
	planner_hook = NameRewritePlanner;
}
