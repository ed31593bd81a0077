#!/usr/bin/env bash
# Messages are translatable (STYLE.md section 7): errmsg, errdetail and
# errhint take a literal format at the call site, never a message built
# elsewhere and passed through "%s" (translators would not see it).  An
# engine error goes through ens_pg_raise_error (src/ensemble_error_pg.c).
# The one exception: a GUC check hook's GUC_check_err* strings, which
# PostgreSQL has already translated (its own guc.c passes them the same
# way).  An errmsg, errdetail or errhint whose format is nothing but %s
# conversions and punctuation ("%s: %s", "%s.") is the same pass-through in
# pieces, and fails too: the model reader's refusals, once errdetail("%s.",
# detail), are ids whose texts ens_pg_read_detail expands as literals
# (ENS_READ_ERRORS, src/ensemble.h).  Prints offenders; exits non-zero if any.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
if grep -rnE '\berr(msg|detail|hint)\("%s"' src --include='*.c' --include='*.h' |
   grep -v 'GUC_check_err'; then
  echo 'write the format at the call site: errmsg("...", args), not errmsg("%s", msg)'
  bad=1
fi
# a format of %s, escaped quotes, spaces and punctuation only (no word of its own)
if grep -rnP '\berr(msg|detail|hint)(_plural)?\("(%s|\\"|[^\w"\\%])*"' src --include='*.c' --include='*.h' |
   grep -v 'GUC_check_err'; then
  echo 'a message format needs words of its own: errmsg("%s: model exceeds a size limit", what), not errmsg("%s: %s", what, why); errdetail("tree %u has no nodes.", t), not errdetail("%s.", why)'
  bad=1
fi
exit $bad
