/*
 * model_merge.h - one forest from forests grown on parts of the rows
 * (model_merge.c).
 */
#ifndef EDUPREDICT_MODEL_MERGE_H
#define EDUPREDICT_MODEL_MERGE_H

#include "postgres.h"

#include "ensemble.h"

/*
 * A part whose rows could not train a forest (one class, or one row): its
 * trees are single leaves of that class or value.
 */
typedef struct EnsConstPart
{
	const char *label;			/* classification: the class (NUL-terminated) */
	uint32_t	label_len;
	double		value;			/* regression */
	uint64		rows;
} EnsConstPart;

/* Whether a model can be a part: a forest of the task over the p numeric features names. */
extern bool ens_merge_part_fits(const EnsModel *pt, int task, char *const *names, int p);

/*
 * The model bytes (varlena) of the parts' trees in one forest: n grown
 * forests and nc constant parts of const_trees trees each; task and the
 * feature names are for a model of constant parts only.  numeric_classes:
 * the classes are a numeric target's labels, ordered by value; else text
 * labels, ordered by their bytes (the trainer's two orders).
 */
extern bytea *ens_merge_forests(EnsModel **parts, int n, const EnsConstPart *consts, int nc,
								int const_trees, int task, bool numeric_classes, char **names, int p);

#endif							/* EDUPREDICT_MODEL_MERGE_H */
