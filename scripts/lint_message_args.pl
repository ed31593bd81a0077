#!/usr/bin/env perl
# lint_messages.sh's argument check: an err{msg,detail,hint,context} (or its
# _plural, _internal or _log) whose unquoted %s takes words rather than a
# value: a string literal with a space (a phrase: errdetail("The model bytes say %s.",
# "it is a regression model")) or words chosen by a ternary
# (n == 1 ? "value" : "values"; cls ? "classification" : "regression").
# Translators never see those words, and a plural needs errmsg_plural.  A
# literal of one word passed for a %s is a name (a column, "target") and
# passes.  Conversions and arguments are paired in order (a *_FORMAT macro
# in the format is one conversion); a call whose counts differ is skipped.
# What it cannot see: a phrase that reaches the %s through a variable or a
# parameter of a helper; that is why such helpers take an id (ENS_PG_WHATS,
# ENS_READ_ERRORS, ENS_PARAM_WHYS) and expand it to literals.
# Usage: lint_message_args.pl FILE...; prints offenders, exits 1 if any.
#
# With --values, it checks instead that no such call prints a value as text
# (STYLE.md section 8: messages never carry raw values of the caller's rows):
# an argument rendered by an output function (FloatText, ens_float_text,
# float8out, numeric_out, OutputFunctionCall, OidOutputFunctionCall), or a
# format that echoes its argument ("Got %s.", "got %g").  A per-row argument
# is described instead: errdetail("Argument mu is below 0.").  What it cannot
# see: a value printed with %g or %d straight from its variable, or rendered
# into a variable first; a reviewer must (test/pgtap/message_values.sql runs
# the refusals on sentinel values).
use strict;
use warnings;
undef $/;
my $values = @ARGV && $ARGV[0] eq '--values' ? shift @ARGV : '';
my $hit = 0;
my $render = qr/\b(?:FloatText|ens_float_text|float[48]out(?:_internal)?|numeric_out|(?:Oid)?OutputFunctionCall)\s*\(/;
sub split_args {
  my ($s) = @_; my @a; my $d = 0; my $cur = '';
  while ($s =~ /\G("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[()\[\]{}]|,|[^"'()\[\]{},]+)/gc) {
    my $t = $1;
    if ($t eq ',' && $d == 0) { push @a, $cur; $cur = ''; next }
    $d++ if $t =~ /^[(\[{]$/; $d-- if $t =~ /^[)\]}]$/;
    $cur .= $t;
  }
  push @a, $cur; return @a;
}
for my $file (@ARGV) {
  open(my $fh, '<', $file) or die; my $src = <$fh>; close $fh;
  while ($src =~ /\b(err(?:msg|detail|hint|context)(?:_plural|_internal|_log)?)\s*(\((?:[^()"]++|"(?:\\.|[^"\\])*"|(?2))*\))/g) {
    my ($fn, $call, $pos) = ($1, $2, $-[0]);
    my @args = split_args(substr($call, 1, -1));
    my $nfmt = $fn =~ /_plural$/ ? 2 : 1;
    next if @args < $nfmt + 1;
    my $fmt = $args[0];
    next unless $fmt =~ /^\s*"/;
    if ($values) {
      my $rest = join(',', @args[$nfmt .. $#args]);
      if ($fmt =~ /\b[Gg]ot %/ || $rest =~ $render) {
        my $line = 1 + (substr($src, 0, $pos) =~ tr/\n//);
        (my $show = "$fn$call") =~ s/\s+/ /g;
        print "$file:$line: ", substr($show, 0, 160), "\n";
        $hit = 1;
      }
      next;
    }
    # the conversions of the format, in order; a macro (INT64_FORMAT) is one
    my @conv;
    while ($fmt =~ /"((?:\\.|[^"\\])*)"|([A-Z][A-Z0-9_]*_FORMAT)/g) {
      if (defined $2) { push @conv, 'x'; next }
      my $lit = $1;
      while ($lit =~ /(\\")?%[-+ #0-9.]*(\*)?[hlLjzt]*([a-zA-Z%])/g) {
        next if $3 eq '%';
        push @conv, 'x' if defined $2;
        push @conv, $3 eq 's' ? (defined $1 ? 'q' : 's') : 'x';
      }
    }
    my @vals = @args[$nfmt + ($fn =~ /_plural$/ ? 1 : 0) .. $#args];
    next if @vals != @conv;
    for my $i (0 .. $#conv) {
      next unless $conv[$i] eq 's';
      my $v = $vals[$i];
      if ($v =~ /"(?:\\.|[^"\\])* (?:\\.|[^"\\])*"/ || $v =~ /\?\s*"[^"]*"\s*:\s*"/) {
        my $line = 1 + (substr($src, 0, $pos) =~ tr/\n//);
        (my $show = "$fn$call") =~ s/\s+/ /g;
        print "$file:$line: ", substr($show, 0, 160), "\n";
        $hit = 1; last;
      }
    }
  }
}
exit($hit ? 1 : 0);
