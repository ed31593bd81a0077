/*
 * edupredict.h: declarations shared between the modules of the extension.
 */
#ifndef EDUPREDICT_H
#define EDUPREDICT_H

/* Set in _PG_init when loaded through shared_preload_libraries. */
extern bool edupredict_preloaded;

/* Per-area initialisation, called once from _PG_init (GUC definitions). */
extern void edupredict_pii_init(void);
extern void edupredict_pii_log_init(void);
extern void edupredict_forest_init(void);
extern void edupredict_spectral_init(void);
extern void edupredict_forecast_init(void);
extern void edupredict_panel_init(void);
extern void edupredict_name_rewrite_init(void);
extern void edupredict_registry_lock_guard_init(void);
extern void edupredict_scoring_ddl_guard_init(void);

/* The planner's model-name rewrite switched off for a span (model_name_rewrite.c). */
extern int	edupredict_name_rewrite_suspend(void);
extern void edupredict_name_rewrite_resume(int level);

/* Current PII key (NULL or empty when unset), for log redaction only. */
extern const char *edupredict_pii_key_value(void);

#endif							/* EDUPREDICT_H */
