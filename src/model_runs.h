/*
 * model_runs.h - the run log, edupredict.runs (model_runs.c): one row per
 * training, cross-validation and tuning trial, written with SPI in the
 * caller's transaction (so a cancelled job leaves no row) and with the
 * caller's rights (the table's trigger sets the owner, row-level security
 * decides who sees a row).
 */
#ifndef EDUPREDICT_MODEL_RUNS_H
#define EDUPREDICT_MODEL_RUNS_H

#include "postgres.h"

typedef struct EnsRun
{
	const char *kind;			/* train, cv, tune, trial, refit */
	int64		parent;			/* the tuning job's run, 0: none */
	const char *model_name;		/* NULL: none (cross_validate) */
	int32		version;		/* registered version, 0: none */
	const char *algorithm;
	const char *params;			/* jsonb text */
	const char *metrics;		/* jsonb text */
	const char *metric;			/* the ranking metric, NULL: unscored */
	double		score;			/* its mean over the folds (NaN: NULL) */
	double		score_sd;
	const char *source;			/* the relation, schema-qualified and quoted */
	int64		n_rows;
	uint64		fingerprint;	/* order-free hash of the rows */
	const char *folds;			/* jsonb text of the fold set, NULL: none */
	double		secs;
	int64		peak_bytes;
} EnsRun;

/* SPI connected: insert one run, return its id. */
extern int64 ens_run_insert(const EnsRun *r);

/* Is there a run log (an extension updated to 0.2.0)? */
extern bool ens_runs_exist(void);

#endif							/* EDUPREDICT_MODEL_RUNS_H */
