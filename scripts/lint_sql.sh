#!/usr/bin/env bash
# Every CREATE FUNCTION in the upgrade fragments states its volatility and
# PARALLEL label explicitly (the catalog cannot tell an explicit VOLATILE
# from the default).  Prints offenders; exits non-zero if any.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/perl -0777 -ne '
  s/\$(\w*)\$.*?\$\1\$/BODY/gs;            # function bodies may contain anything
  s/--[^\n]*//g;
  for my $stmt (split /;/) {
    next unless $stmt =~ /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+([\w.]+)/i;
    my $name = $1;
    my @miss;
    push @miss, "volatility" unless $stmt =~ /\b(IMMUTABLE|STABLE|VOLATILE)\b/i;
    push @miss, "PARALLEL" unless $stmt =~ /\bPARALLEL\s+(SAFE|RESTRICTED|UNSAFE)\b/i;
    if (@miss) { print "$ARGV: $name lacks @miss\n"; $bad++ }
  }
  END { exit($bad ? 1 : 0) }' sql/update/*/*.sql
