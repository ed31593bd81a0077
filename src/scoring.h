/*
 * scoring.h - scoring rows as they arrive (attach_scoring, docs/scoring.md).
 *
 * scoring_trigger.c fills the risk column (BEFORE ROW); scoring_alerts.c
 * writes alerts and notifications (AFTER STATEMENT, transition tables).
 * Both run their SQL as the scored table's owner in a restricted security
 * context with a fixed search_path (scoring_owner.c).
 */
#ifndef EDUPREDICT_SCORING_H
#define EDUPREDICT_SCORING_H

#include "postgres.h"

#include "commands/trigger.h"
#include "utils/rel.h"

typedef struct ScoringOwner
{
	Oid			save_user;
	int			save_sec;
	int			nest;
} ScoringOwner;

extern void scoring_owner_begin(ScoringOwner *so, Relation rel);
extern void scoring_owner_end(ScoringOwner *so);
extern TriggerData *scoring_trigger_data(FunctionCallInfo fcinfo, const char *fn, int nargs,
										 bool before_row);
extern int	scoring_column(Relation rel, const char *name, Oid type, const char *role);

#endif							/* EDUPREDICT_SCORING_H */
