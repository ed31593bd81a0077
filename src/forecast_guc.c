/*
 * forecast_guc.c: settings of the forecasting area.
 *
 * edupredict.min_cell is the small-cell threshold of suppress_small_cells()
 * (docs/forecasting.md, "Safe exports"): published counts below it are
 * suppressed.  Superuser-only, so that an analyst whose exports go to Tableau
 * cannot lower the rule an administrator set.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "edupredict.h"

static int	edupredict_min_cell = 5;

PG_FUNCTION_INFO_V1(forecast_min_cell);

/*
 * The threshold as this library defines it, for suppress_small_cells().  SQL
 * must not read it with current_setting(): until the library is loaded in a
 * backend the setting is a placeholder that any role can SET.  Calling this
 * function loads the library, whose PGC_SUSET definition then discards a value
 * an ordinary role gave the placeholder.
 */
Datum
forecast_min_cell(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(edupredict_min_cell);
}

void
edupredict_forecast_init(void)
{
	DefineCustomIntVariable("edupredict.min_cell",
							"Smallest count that suppress_small_cells() publishes.",
							"Counts below it are shown as NULL with a flag, and enough other cells are suppressed that none is a row or column total minus the published cells of that line. Only superusers can change it.",
							&edupredict_min_cell,
							5, 1, 1000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
}
