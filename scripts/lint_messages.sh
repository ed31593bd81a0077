#!/usr/bin/env bash
# Messages are translatable (STYLE.md section 7): errmsg, errdetail and
# errhint take a literal format at the call site, never a message built
# elsewhere and passed through "%s" (translators would not see it).  An
# engine error goes through ens_pg_raise_error (src/ensemble_error_pg.c).
# The one exception: a GUC check hook's GUC_check_err* strings, which
# PostgreSQL has already translated (its own guc.c passes them the same
# way).  Prints offenders; exits non-zero if any.
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rnE '\berr(msg|detail|hint)\("%s"' src --include='*.c' --include='*.h' |
   grep -v 'GUC_check_err'; then
  echo 'write the format at the call site: errmsg("...", args), not errmsg("%s", msg)'
  exit 1
fi
