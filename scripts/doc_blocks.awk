# Splits the ```sql blocks of a Markdown file for scripts/run_doc_test.sh:
#   awk -v dir=DIR -f scripts/doc_blocks.awk FILE.md
# writes DIR/NNN.sql per block and DIR/list, one line per block:
#   NNN <tab> line of the opening fence <tab> run|empty|skip|bad <tab> reason
# A marker alone on the last non-blank line before the fence changes the mode:
#   <!-- doc-test: empty database -->   run in a new, empty database
#   <!-- doc-test: skip: REASON -->     do not run
# Any other doc-test marker, or a block never closed, is "bad" (a failure).
!inb && /^[ \t]*```sql[ \t]*$/ {
  inb = 1; k++; fn = sprintf("%s/%03d.sql", dir, k); mode = "run"; why = ""
  if (prev ~ /<!-- *doc-test/) {
    if (prev ~ /^[ \t]*<!-- *doc-test: *empty database *-->[ \t]*$/) mode = "empty"
    else if (prev ~ /^[ \t]*<!-- *doc-test: *skip: *[^ ].*-->[ \t]*$/) {
      mode = "skip"; why = prev; sub(/.*skip: */, "", why); sub(/ *-->.*/, "", why)
    } else { mode = "bad"; why = "unknown doc-test marker: " prev }
  }
  at = FNR
  printf "" > fn
  next
}
inb && /^[ \t]*```[ \t]*$/ {
  inb = 0; close(fn); prev = $0
  printf "%03d\t%d\t%s\t%s\n", k, at, mode, why > (dir "/list")
  next
}
inb { print > fn; next }
/[^ \t]/ { prev = $0 }
END { if (inb) printf "%03d\t%d\tbad\tunterminated code block\n", k, at > (dir "/list") }
