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
# (ENS_READ_ERRORS, src/ensemble.h).  So do two shapes of a clause passed
# whole through an unquoted %s: a format ending in "be %s" ("%s must be %s":
# what a value must be, composed elsewhere), and one with two %s or more and
# at most two words of its own that ends in an unquoted %s ("%s%s must be
# %s", "%s must fire %s").  A quoted "\"%s\"" (a name) and a %s before the
# last word ("model \"%s\" has no class \"%s\"") pass.  The parameter
# validators' texts are ids (ENS_PARAM_WHYS, src/ensemble_params.h) that
# ens_param_error expands as literals.  And an unquoted %s given words at the
# call site (a literal with a space, or a ternary's choice of words:
# lint_message_args.pl).  And a message never prints a value as text
# (STYLE.md section 8: a per-row argument such as count_poisson's mu may be a
# value of the caller's pupil rows): no output function (FloatText,
# OutputFunctionCall, ...) among its arguments, no "Got %s."
# (lint_message_args.pl --values).  Prints offenders; exits non-zero if any.
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
# a clause passed whole: "... be %s" at the end, or %s pieces and at most two words ending in %s
if grep -rnE '\berr(msg|detail|hint)' src --include='*.c' --include='*.h' | grep -v 'GUC_check_err' |
   perl -ne '
     while (/\berr(?:msg|detail|hint)(?:_plural)?\("((?:\\.|[^"\\])*)"/g) {
       my $f = $1;
       (my $w = $f) =~ s/%[-+ #0-9.]*[hlLjzt]*[a-zA-Z%]//g;
       my $words = () = $w =~ /[A-Za-z_][A-Za-z_0-9.]*/g;
       my $ns = () = $f =~ /%s/g;
       if ($f =~ /\bbe %s\.?$/ || ($ns >= 2 && $words <= 2 && $f =~ /(?<!\\")%s\.?$/)) {
         print; $hit = 1; last;
       }
     }
     END { exit($hit ? 0 : 1) }'; then
  echo 'a format needs the words of its clause: errmsg("%s must be an integer between 1 and %d", key, max), not errmsg("%s must be %s", key, why)'
  bad=1
fi
# an unquoted %s given words: a phrase or a ternary's choice of words (lint_message_args.pl)
if ! scripts/lint_message_args.pl src/*.c src/*.h; then
  echo 'write each variant whole: errmsg_plural("... %u distinct value", "... %u distinct values", n, ...), or one ereport per case; not errmsg("... %u distinct %s", n, n == 1 ? "value" : "values")'
  bad=1
fi
# a value printed as text: an output function's result or "Got %s." (lint_message_args.pl --values)
if ! scripts/lint_message_args.pl --values src/*.c src/*.h; then
  echo 'describe a value, do not print it (it may come from the caller'"'"'s rows): errdetail("Argument mu is below 0."), not errdetail("Got %s.", FloatText(mu))'
  bad=1
fi
exit $bad
