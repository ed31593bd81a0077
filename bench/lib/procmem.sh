#!/usr/bin/env bash
# bench/lib/procmem.sh PID PREFIX start|end
# The one way every forest benchmark tool's memory and CPU are read (the
# PostgreSQL backend, Python and R call it on their own process):
#   start: prints the resident set (VmRSS) and the peak so far (VmHWM: start-up
#          and loading), the CPU ticks so far, then resets VmHWM to the current
#          resident set (echo 5 > /proc/PID/clear_refs, Linux >= 4.0);
#   end:   prints VmHWM (so: the peak resident set between start and end), the
#          shared-memory and anonymous parts of the resident set now, CPU ticks.
# Resident set = anonymous (heap, thread stacks) + file-backed (libraries) +
# shared memory pages mapped (for a PostgreSQL backend: shared buffers it touched).
# CPU ticks are utime + stime of all the process's threads (/proc/PID/stat).
set -euo pipefail
pid=$1 prefix=$2 phase=$3
kb() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' "/proc/$pid/status"; }
ticks() { sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'; }
if [ "$phase" = start ]; then
  echo "$prefix rss0_bytes=$(kb VmRSS) hwm_load_bytes=$(kb VmHWM) cpu0_ticks=$(ticks) clk_tck=$(getconf CLK_TCK)"
  echo 5 >"/proc/$pid/clear_refs"
else
  echo "$prefix hwm_train_bytes=$(kb VmHWM) shmem_end_bytes=$(kb RssShmem) anon_end_bytes=$(kb RssAnon) file_end_bytes=$(kb RssFile) cpu1_ticks=$(ticks)"
fi
