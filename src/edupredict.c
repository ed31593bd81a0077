/*
 * edupredict.c: module magic and initialisation.
 *
 * Each area defines its own settings in an init function; the prefix is
 * reserved afterwards so that a mistyped edupredict.* setting is an error
 * instead of a silently ignored placeholder.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "edupredict.h"

PG_MODULE_MAGIC;

bool		edupredict_preloaded = false;

PGDLLEXPORT void _PG_init(void);

void
_PG_init(void)
{
	/*
	 * Secret settings are only protected when the library defines them
	 * before any session starts; remember whether that was the case.
	 */
	edupredict_preloaded = process_shared_preload_libraries_in_progress;

	edupredict_pii_init();
	edupredict_pii_log_init();
	edupredict_forest_init();
	edupredict_spectral_init();
	edupredict_forecast_init();
	edupredict_panel_init();
	edupredict_name_rewrite_init();
	edupredict_registry_lock_guard_init();
	edupredict_scoring_ddl_guard_init();

	MarkGUCPrefixReserved("edupredict");
}
