/*
 * model_call.h - per-call state of the functions that take a registry
 * model (by name and version) or model bytes, and a row or an array of
 * features: predict() and friends (model_predict.c, which owns it) and
 * explain() (model_explain.c).
 */
#ifndef EDUPREDICT_MODEL_CALL_H
#define EDUPREDICT_MODEL_CALL_H

#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "utils/array.h"

#include "ensemble_pg.h"

/* Per call site (fn_extra): the model, the row mapping and scratch. */
typedef struct RegCall
{
	/* registry model */
	char	   *name;
	int			name_len;
	int32		version;
	EnsCached  *slot;
	uint64		serial;
	EnsLookupKey lookup;		/* the role and snapshot slot was looked up with */
	/* model_ref argument (model_ref.c): 0 unknown, 1 a name, 2 a reference */
	int			arg_kind;
	int64		ref_id;
	Oid			ref_user;		/* the role the referenced model was parsed for */
	Oid			ref_type;
	int32		ref_typmod;
	TupleDesc	ref_desc;		/* copy in fn_mcxt */
	/* bytea model, or referenced model (bkey: its row version) */
	MemoryContext bcxt;
	EnsModel *bmodel;
	char	   *bkey;			/* TOAST pointer, or the whole model */
	Size		bkey_len;
	bool		bkey_ondisk;
	/* row mapping */
	Oid			rectype;
	int32		rectypmod;
	uint64		map_serial;
	int			natts;
	TupleDesc	tupdesc;		/* copy, for deforming */
	int		   *attidx;			/* per model feature */
	Oid		   *attbase;
	Datum	   *values;
	bool	   *nulls;
	/* scratch */
	uint32_t	n_features;
	uint32_t	n_out;
	double	   *x;
	uint8_t    *xb;
	double	   *out;
	/* other entry points' own state (model_explain.c), in fn_mcxt */
	void	   *extra;
} RegCall;

extern RegCall *ens_call_get(FunctionCallInfo fcinfo);
/* the model of a name and version (0: deployed, else newest), per statement */
extern EnsModel *ens_call_registry_model(FunctionCallInfo fcinfo, RegCall *rc, text *name,
										 int32 version);
/* the model of a bytea argument, parsed once per distinct value */
extern EnsModel *ens_call_bytea_model(FunctionCallInfo fcinfo, RegCall *rc, int argno);
/* rc->x from a row (columns by feature name; text as category codes) */
extern void ens_call_row_input(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m,
							   HeapTupleHeader rec, const char *model_name);
/* rc->x from an array in model feature order */
extern void ens_call_array_input(RegCall *rc, const EnsModel *m, ArrayType *arr);
/* model_ref.c: whether argument 0 is a model_ref, and its parsed model */
extern bool ens_ref_arg(FunctionCallInfo fcinfo);
extern EnsModel *ens_ref_model(FunctionCallInfo fcinfo, RegCall *rc);
/* the registry version of rc's model, for messages (0: a model_ref's, not known) */
extern int32 ens_call_model_version(const RegCall *rc);
/* a version argument: NULL or absent is 0 (deployed, else newest) */
extern int32 ens_call_version_arg(FunctionCallInfo fcinfo, int argno);
/* a threshold argument (NULL or absent: false), validated; *cls: its class */
extern bool ens_call_threshold_arg(FunctionCallInfo fcinfo, RegCall *rc, const EnsModel *m,
								   int argno, double *t, uint32_t *cls);

#endif							/* EDUPREDICT_MODEL_CALL_H */
