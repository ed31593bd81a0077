#!/usr/bin/env bash
# Times sha256_pii(x,'email') against core sha256 and pgcrypto hmac on the
# same 1,000,000 generated e-mail addresses, in one run, and writes the
# ratios to bench/RESULTS.md (section "pii").
#   bench/pii.sh            (installs, builds and uses a throwaway cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${CORE_PACKAGES[@]}"
# One install directory per machine: hold the test suite's lock for the whole
# run (about a minute), so that the library measured is the one built here and
# no test suite shares the CPU with the measurement.
exec 9>"${TMPDIR:-/tmp}/edupredict-test.lock"
flock 9
build_and_install
exec scripts/with_cluster.sh bench/pii_in_cluster.sh
