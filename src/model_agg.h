/*
 * model_agg.h - the row state of the model aggregates (model_agg.c):
 * forest_agg and boost_agg keep it as their internal state; forest_agg_trees
 * (model_agg_trees.c) keeps it inside its expanded state until it grows
 * trees from it.
 */
#ifndef EDUPREDICT_MODEL_AGG_H
#define EDUPREDICT_MODEL_AGG_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "ensemble_agg_state.h"
#include "model_train.h"

#define AGG_MAX_ROWS ENS_AGG_MAX_ROWS

typedef struct AggState
{
	const char *aggname;		/* the aggregate's SQL name, for errors */
	int			p;				/* -1 until the first row */
	bool		text_target;
	size_t		n,
				cap;
	double	  **cols;			/* p columns */
	double	   *y;				/* value, or label id for text */
	EnsDict *labels;
	bool		grouped;		/* the 4-argument aggregates: each row's group key */
	double	   *g;				/* grouped: group key ids in groups */
	EnsDict    *groups;			/* grouped: the group keys (counted as the labels) */
	char	   *params;			/* jsonb text of the first row's params */
	char	   *params_raw;		/* first row's jsonb bytes (NULL: no params), this process only */
	int			params_len;
	bool		finished;		/* training consumed the rows (ens_agg_train) */
	EnsPgAlloc pa;				/* the labels' memory (pa.cur bytes) */
	EnsAlloc	labels_al;		/* pa, refusing what would take the rows and labels past the cap */
	bool		labels_over_cap;	/* labels_al refused an allocation for the cap */
	uint64		beside;			/* bytes its holder keeps beside it (forest_agg_trees's
								 * forests), counted with the rows and labels against the cap */
} AggState;

extern AggState *ens_agg_new(MemoryContext cxt, int p, bool text_target, const char *aggname,
							 uint64 beside);
extern void ens_agg_hold_beside(AggState *st, uint64 beside);
extern AggState *ens_agg_add_row(FunctionCallInfo fcinfo, AggState *st, MemoryContext cxt,
								 bool text_target, uint64 beside);
extern AggState *ens_agg_append(AggState *a, const AggState *b, MemoryContext cxt,
								 const char *aggname, uint64 beside);
extern void ens_agg_write(const AggState *st, StringInfo buf);
extern AggState *ens_agg_read(StringInfo buf, MemoryContext cxt, const char *aggname,
							  uint64 beside, bool grouped_ok);
extern bytea *ens_agg_train(AggState *st, const EnsLearner *l, uint64 seed_mix, bool lean);
extern void ens_agg_params(const char *params, int p, const EnsLearner *l, int *task,
						   void **learner_params, char ***names);

#endif							/* EDUPREDICT_MODEL_AGG_H */
