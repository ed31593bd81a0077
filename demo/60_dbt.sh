#!/usr/bin/env bash
# The dbt example project (dbt/example) on the demo database, compiled and run without dbt-core by
# the stand-in of dbt/test (see dbt/README.md for what that covers).
set -euo pipefail
cd "$(dirname "$0")/.."
dbt/test/run.sh
