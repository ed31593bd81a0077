/*
 * forecast_guc.c: settings of the forecasting area.
 *
 * edupredict.min_cell is the small-cell threshold of suppress_small_cells()
 * (docs/forecasting.md, "Safe exports"): published counts below it are
 * suppressed.  Superuser-only, so that an analyst whose exports go to Tableau
 * cannot lower the rule an administrator set.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "edupredict.h"

static int	edupredict_min_cell = 5;

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
