/*
 * model_registry_sql.h - the registry's per-name reservation
 * (model_registry_sql.c), called by every train_* entry point.
 */
#ifndef EDUPREDICT_MODEL_REGISTRY_SQL_H
#define EDUPREDICT_MODEL_REGISTRY_SQL_H

#include "postgres.h"

/* rights check, owner check and name lock; returns the version to insert */
extern int32 ens_registry_reserve(const char *name);

#endif							/* EDUPREDICT_MODEL_REGISTRY_SQL_H */
