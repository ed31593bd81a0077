#!/usr/bin/env bash
# bench/lib/section.sh NAME FILE: puts FILE's markdown into bench/RESULTS.md
# between <!-- BEGIN NAME --> and <!-- END NAME -->, replacing what was there
# (or appending the block), so each benchmark owns one section.
set -euo pipefail
name=$1 file=$2
results="$(cd "$(dirname "$0")/.." && pwd)/RESULTS.md"
[ -f "$results" ] || printf '# Benchmark results\n\nEach section is written by the script named in it; all figures in a section come from one run.\n' >"$results"
SECTION_NAME=$name SECTION_FILE=$file /usr/bin/perl -0777 -i -pe '
  BEGIN { open my $fh, "<", $ENV{SECTION_FILE} or die "cannot read $ENV{SECTION_FILE}"; local $/; $new = <$fh>; $new .= "\n" unless $new =~ /\n\z/; }
  my $name = $ENV{SECTION_NAME};
  my $block = "<!-- BEGIN $name -->\n$new<!-- END $name -->\n";
  s/<!-- BEGIN \Q$name\E -->.*?<!-- END \Q$name\E -->\n/$block/s or $_ .= "\n$block";
' "$results"
